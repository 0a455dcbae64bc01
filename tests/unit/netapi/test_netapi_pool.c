/* test_netapi_pool.c: connections kept between calls (idle time, resume sequences, dead connections, credentials as key, fork). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wchar.h>

#include <cmocka.h>

#include "fake_backend.h"
#include "lm.h"
#include "netapi.h"

static int
setup(void **state)
{
    char name[16];
    int i;

    (void)state;
    unsetenv("NETAPI_USER");
    unsetenv("NETAPI_PASSWORD");
    unsetenv("NETAPI_DOMAIN");
    unsetenv("NETAPI_AUTHFILE");
    unsetenv("NETAPI_SMB_PORT");
    unsetenv("NETAPI_TIMEOUT_MS");
    unsetenv("NETAPI_CONN_IDLE_MS");
    wn_netapi_pool_flush();
    fake_reset();
    wn_netapi_set_backend(&fake_ops_kept);
    fake.samba = 1;
    for (i = 0; i < 20; i++) {
        static char names[20][16];
        snprintf(name, sizeof(name), "10.0.0.%d", i + 1);
        memcpy(names[i], name, sizeof(name));
        fake_add(names[i], "labuser", 0, (uint32_t)i, 0);
    }
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    wn_netapi_pool_flush();
    wn_netapi_set_backend(NULL);
    unsetenv("NETAPI_CONN_IDLE_MS");
    unsetenv("NETAPI_ENCRYPT");
    unsetenv("NETAPI_DOMAIN");
    return 0;
}

static NET_API_STATUS
enum_all(DWORD pref, int *calls, DWORD *entries)
{
    DWORD resume = 0;
    NET_API_STATUS st;

    *calls = 0;
    *entries = 0;
    do {
        LPBYTE buf = NULL;
        DWORD er = 0;
        DWORD te = 0;
        st = NetSessionEnum(NULL, NULL, NULL, 0, &buf, pref, &er, &te, &resume);
        NetApiBufferFree(buf);
        (*calls)++;
        *entries += er;
    } while (st == ERROR_MORE_DATA && *calls < 1000);
    return st;
}

/* Issue 15 item 6: calls within the idle time share one connection (the
 * previous code opened and closed one per call). */
static void
test_calls_within_idle_time_reuse_one_connection(void **state)
{
    int calls;
    DWORD n;
    int i;

    (void)state;
    for (i = 0; i < 5; i++)
        assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 1);
    assert_int_equal(fake.closes, 0);
    wn_netapi_pool_flush();
    assert_int_equal(fake.closes, 1);
}

/* Issue 15 item 5: a resume sequence runs on one connection, also with
 * reuse turned off (the previous code connected once per page). */
static void
test_resume_sequence_keeps_its_connection_even_with_reuse_off(void **state)
{
    int calls;
    DWORD n;

    (void)state;
    setenv("NETAPI_CONN_IDLE_MS", "0", 1);
    assert_int_equal(enum_all(1, &calls, &n), NERR_Success);
    assert_int_equal(calls, 20);
    assert_int_equal(n, 20);
    assert_int_equal(fake.opens, 1);
    /* the last page ends the sequence: with reuse off it is closed */
    assert_int_equal(fake.closes, 1);
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 2);
    assert_int_equal(fake.closes, 2);
}

static void
test_idle_connection_is_closed_after_its_idle_time(void **state)
{
    int calls;
    DWORD n;
    int i;

    (void)state;
    setenv("NETAPI_CONN_IDLE_MS", "50", 1);
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    /* the reaper closes it without another call (no timed assertion:
     * waits up to 10 s for it to happen) */
    for (i = 0; i < 1000 && __atomic_load_n(&fake.closes, __ATOMIC_SEQ_CST) == 0; i++)
        usleep(10000);
    assert_int_equal(fake.closes, 1);
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 2);
}

/* A kept connection the server has closed is not used again; one that
 * dies unnoticed is replaced once, transparently. */
static void
test_dead_kept_connections_are_replaced(void **state)
{
    int calls;
    DWORD n;

    (void)state;
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    fake.dead = 1;
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 2);
    assert_int_equal(fake.discards, 1);  /* dropped without traffic */
    /* (that one looked dead too when given back: closed, not kept) */
    fake.dead = 0;
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 3);
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 3);
    fake.enum_drop_once = 1;
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(n, 20);
    assert_int_equal(fake.opens, 4);
    /* on a fresh connection the same failure is reported, not retried */
    wn_netapi_pool_flush();
    fake.enum_drop_once = 1;
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), ERROR_NETNAME_DELETED);
}

static void
test_connections_are_kept_per_server_and_credentials(void **state)
{
    LPBYTE buf = NULL;
    DWORD er;
    DWORD te;

    (void)state;
    setenv("NETAPI_USER", "a", 1);
    setenv("NETAPI_PASSWORD", "pw1", 1);
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 0, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), NERR_Success);
    NetApiBufferFree(buf);
    setenv("NETAPI_PASSWORD", "pw2", 1);
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 0, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), NERR_Success);
    NetApiBufferFree(buf);
    assert_int_equal(fake.opens, 2);
    assert_string_equal(fake.last_password, "pw2");
    assert_int_equal(NetSessionEnum(L"other", NULL, NULL, 0, &buf, MAX_PREFERRED_LENGTH, &er,
                                    &te, NULL), NERR_Success);
    NetApiBufferFree(buf);
    assert_int_equal(fake.opens, 3);
    setenv("NETAPI_PASSWORD", "pw1", 1);
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 0, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), NERR_Success);
    NetApiBufferFree(buf);
    assert_int_equal(fake.opens, 3);
}

/* A connection made under other NETAPI_* settings (a security knob, the
 * domain, ...) is not reused; the idle time alone changes nothing. */
static void
test_connections_are_kept_per_settings(void **state)
{
    int calls;
    DWORD n;

    (void)state;
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    setenv("NETAPI_ENCRYPT", "required", 1);
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 2);
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 2);
    setenv("NETAPI_CONN_IDLE_MS", "20000", 1);
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 2);
    /* back to the first settings: the first connection, still kept */
    unsetenv("NETAPI_ENCRYPT");
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 2);
    setenv("NETAPI_DOMAIN", "OTHER", 1);
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 3);
}

/* After fork the child never speaks on the parent's connection: it opens
 * its own, and the parent's stays usable. */
static void
test_fork_child_does_not_reuse_the_parents_connection(void **state)
{
    int calls;
    DWORD n;
    int status = 0;
    pid_t pid;

    (void)state;
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int ok = fake.discards == 1 && fake.closes == 0;
        /* no kept connection (so no reaper thread) in the child: a thread
         * started after fork is more than ThreadSanitizer supports */
        setenv("NETAPI_CONN_IDLE_MS", "0", 1);
        ok = ok && enum_all(MAX_PREFERRED_LENGTH, &calls, &n) == NERR_Success && fake.opens == 2;
        _exit(ok ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), NERR_Success);
    assert_int_equal(fake.opens, 1);
    assert_int_equal(fake.discards, 0);
}

static void
test_bad_idle_setting_is_refused(void **state)
{
    int calls;
    DWORD n;

    (void)state;
    setenv("NETAPI_CONN_IDLE_MS", "forever", 1);
    assert_int_equal(enum_all(MAX_PREFERRED_LENGTH, &calls, &n), ERROR_BAD_ENVIRONMENT);
    assert_int_equal(fake.opens, 0);
}

/* A deletion always ends with the connection closed: it may have ended
 * our own session. */
static void
test_del_never_keeps_its_connection(void **state)
{
    (void)state;
    assert_int_equal(NetSessionDel(NULL, NULL, L"labuser"), NERR_Success);
    assert_int_equal(fake.closes, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_calls_within_idle_time_reuse_one_connection),
        T(test_resume_sequence_keeps_its_connection_even_with_reuse_off),
        T(test_idle_connection_is_closed_after_its_idle_time),
        T(test_dead_kept_connections_are_replaced),
        T(test_connections_are_kept_per_server_and_credentials),
        T(test_connections_are_kept_per_settings),
        T(test_fork_child_does_not_reuse_the_parents_connection),
        T(test_bad_idle_setting_is_refused),
        T(test_del_never_keeps_its_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
