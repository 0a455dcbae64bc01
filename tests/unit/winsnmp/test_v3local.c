/* test_v3local.c: our local SNMPv3 engine: engine ID from WSNMP_ENGINE_ID or the state file, snmpEngineBoots one more per engine start and kept per ID, a new random ID when the state file cannot be used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "v3int.h"

static char dir[] = "/tmp/wn-v3local-XXXXXX";
static char path[256];

static const uint8_t id_a[] = {0x80, 0x00, 0x1f, 0x88, 0x04, 'a', 'a', 'a'};

/* One engine start: what it uses. */
static struct wn_usm_engine
start(void)
{
    wn_ws_lock();
    wn_ws_v3_local_reset();
    struct wn_usm_engine e = *wn_ws_v3_local();
    wn_ws_unlock();
    return e;
}

static int
setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/engine", dir);
    setenv("WSNMP_ENGINE_FILE", path, 1);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A configured ID gets boots 1, 2, 3 over three starts: never the same
 * (ID, boots) twice, so never the same (ID, boots, time). */
static void
test_configured_id_boots_grow_per_start(void **state)
{
    (void)state;
    setenv("WSNMP_ENGINE_ID", "0x80001f8804616161", 1);
    for (uint32_t want = 1; want <= 3; want++) {
        struct wn_usm_engine e = start();
        assert_int_equal(e.id_len, sizeof id_a);
        assert_memory_equal(e.id, id_a, sizeof id_a);
        assert_int_equal(e.boots, want);
        assert_true(e.time_known);
    }
    /* Another ID has boots of its own; the first keeps its count. */
    setenv("WSNMP_ENGINE_ID", "0x80001f8804626262", 1);
    assert_int_equal(start().boots, 1);
    setenv("WSNMP_ENGINE_ID", "0x80001f8804616161", 1);
    assert_int_equal(start().boots, 4);
    unsetenv("WSNMP_ENGINE_ID");
}

/* Without WSNMP_ENGINE_ID the state file's first ID is kept. */
static void
test_unconfigured_id_is_kept_in_the_state_file(void **state)
{
    (void)state;
    unsetenv("WSNMP_ENGINE_ID");
    struct wn_usm_engine a = start(), b = start();
    assert_int_equal(a.id_len, b.id_len);
    assert_memory_equal(a.id, b.id, a.id_len);
    assert_int_equal(b.boots, a.boots + 1);
}

/* An unusable state file: a fresh random ID each start, boots 1. */
static void
test_unusable_state_file_gives_a_new_id(void **state)
{
    (void)state;
    setenv("WSNMP_ENGINE_FILE", "/nonexistent-dir/for/wn/engine", 1);
    setenv("WSNMP_ENGINE_ID", "0x80001f8804616161", 1);
    struct wn_usm_engine a = start(), b = start();
    assert_int_equal(a.boots, 1);
    assert_int_equal(b.boots, 1);
    assert_true(a.id_len >= WN_USM_MIN_ENGINE_ID);
    assert_false(a.id_len == b.id_len && memcmp(a.id, b.id, a.id_len) == 0);
    assert_false(a.id_len == sizeof id_a && memcmp(a.id, id_a, sizeof id_a) == 0);
    assert_int_equal(a.id[0] & 0x80, 0x80);   /* RFC 3411 format */
    setenv("WSNMP_ENGINE_FILE", path, 1);
    unsetenv("WSNMP_ENGINE_ID");
}

/* A malformed WSNMP_ENGINE_ID is not used. */
static void
test_malformed_engine_id_is_refused(void **state)
{
    (void)state;
    setenv("WSNMP_ENGINE_ID", "0x8000", 1);   /* 2 bytes: below 5 */
    struct wn_usm_engine e = start();
    assert_true(e.id_len >= WN_USM_MIN_ENGINE_ID);
    unsetenv("WSNMP_ENGINE_ID");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_configured_id_boots_grow_per_start),
        cmocka_unit_test(test_unconfigured_id_is_kept_in_the_state_file),
        cmocka_unit_test(test_unusable_state_file_gives_a_new_id),
        cmocka_unit_test(test_malformed_engine_id_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
