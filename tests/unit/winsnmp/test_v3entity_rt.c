/* test_v3entity_rt.c: property test of SNMPv3 entity strings: whatever SnmpStrToEntity accepts (random snmpv3: strings and database v3 entities with random user names), SnmpEntityToStr gives a string that SnmpStrToEntity turns into the same entity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "winsnmp.h"
#include "winsnmp_int.h"
#include "usmuser.h"
#include "dbfixture.h"

#define ROUNDS 600
#define DB_ROUNDS 200

static char dbtmp[128];
static uint32_t rng = 0x2545f491u;   /* fixed seed: failures reproduce */

static uint32_t
rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int
setup(void **state)
{
    (void)state;
    if (db_fixture_dir("wsnmp-v3rt", "db"))
        return -1;
    snprintf(dbtmp, sizeof dbtmp, "%s/db.new", dir);
    return db_fixture_start();
}

static int
teardown(void **state)
{
    (void)state;
    unlink(dbtmp);
    db_fixture_stop();
    return 0;
}

/* What makes two v3 entities the same. */
struct ent {
    char user[WN_USM_MAX_USER_NAME + 1];
    size_t user_len;
    uint8_t level;
    uint8_t engine_id[WN_WS_V3_MAX_ENGINE_ID], ctx_engine_id[WN_WS_V3_MAX_ENGINE_ID];
    size_t engine_id_len, ctx_engine_id_len;
    uint16_t port;
    struct sockaddr_storage addr;
};

static void
snap(HSNMP_ENTITY h, struct ent *out)
{
    memset(out, 0, sizeof *out);
    wn_ws_lock();
    struct wn_ws_entity *e = wn_ws_entity_get(h);
    assert_non_null(e);
    assert_int_equal(e->version, WN_WS_V3);
    assert_non_null(e->user);
    memcpy(out->user, e->user->usm.name, e->user->usm.name_len);
    out->user_len = e->user->usm.name_len;
    out->level = e->level;
    memcpy(out->engine_id, e->engine_id, e->engine_id_len);
    out->engine_id_len = e->engine_id_len;
    memcpy(out->ctx_engine_id, e->ctx_engine_id, e->ctx_engine_id_len);
    out->ctx_engine_id_len = e->ctx_engine_id_len;
    out->port = e->port;
    memcpy(&out->addr, &e->addr, e->addrlen);
    wn_ws_unlock();
}

/* The property: h prints to a string that makes the same entity. */
static void
expect_round_trip(HSNMP_ENTITY h, const char *made_from)
{
    char out[4096];
    struct ent a, b;
    snap(h, &a);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    assert_true(SnmpEntityToStr(h, sizeof out, out) > 0);
    HSNMP_ENTITY h2 = SnmpStrToEntity(sess, out);
    if (!h2)
        fail_msg("%s printed as %s, which does not parse", made_from, out);
    snap(h2, &b);
    if (memcmp(&a, &b, sizeof a) != 0)
        fail_msg("%s printed as %s, which names another entity (user %s)", made_from, out,
                 b.user);
    assert_int_equal(SnmpFreeEntity(h2), SNMPAPI_SUCCESS);
}

/* A random user name for an snmpv3: string: raw printable characters or
 * %XX escapes of any byte but NUL. */
static void
gen_user(char *out, size_t cap)
{
    size_t n = 1 + rnd() % WN_USM_MAX_USER_NAME, k = 0;
    for (size_t i = 0; i < n && k + 4 < cap; i++) {
        unsigned c = 1 + rnd() % 255;
        if (c > 0x20 && c < 0x7f && c != '%' && c != ';' && c != '@' && rnd() % 2)
            out[k++] = (char)c;
        else
            k += (size_t)snprintf(out + k, cap - k, "%%%02X", c);
    }
    out[k] = '\0';
}

static void
gen_hex(char *out, size_t cap)
{
    size_t n = WN_USM_MIN_ENGINE_ID + rnd() % (WN_USM_MAX_ENGINE_ID - WN_USM_MIN_ENGINE_ID + 1);
    size_t k = (size_t)snprintf(out, cap, "0x");
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(out + k, cap - k, "%02x", rnd() & 0xff);
}

/* Random snmpv3: strings of noAuthNoPriv users (no secret, no database
 * line), sometimes damaged at one byte: each one SnmpStrToEntity accepts
 * round-trips. */
static void
test_v3_string_entities_round_trip(void **state)
{
    (void)state;
    static const char *const levels[] = {"noAuthNoPriv", "NOAUTHNOPRIV"};
    static const char *const addrs[] = {"127.0.0.1", "127.0.0.1:16161", "[::1]:1161", "::1"};
    unsigned accepted = 0;
    for (unsigned r = 0; r < ROUNDS; r++) {
        char s[1024], user[200], hex[80];
        gen_user(user, sizeof user);
        size_t k = (size_t)snprintf(s, sizeof s, "snmpv3:%s", user);
        if (rnd() % 2)
            k += (size_t)snprintf(s + k, sizeof s - k, ";level=%s", levels[rnd() % 2]);
        if (rnd() % 3 == 0) {
            gen_hex(hex, sizeof hex);
            k += (size_t)snprintf(s + k, sizeof s - k, ";engineid=%s", hex);
        }
        if (rnd() % 3 == 0) {
            gen_hex(hex, sizeof hex);
            k += (size_t)snprintf(s + k, sizeof s - k, ";contextengineid=%s", hex);
        }
        snprintf(s + k, sizeof s - k, "@%s", addrs[rnd() % WN_ARRAY_SIZE(addrs)]);
        if (rnd() % 4 == 0) {
            size_t at = strlen("snmpv3:") + rnd() % (strlen(s) - strlen("snmpv3:"));
            s[at] = (char)(0x21 + rnd() % 0x5e);   /* a printable byte anywhere */
        }
        SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
        HSNMP_ENTITY h = SnmpStrToEntity(sess, s);
        if (!h)
            continue;
        accepted++;
        expect_round_trip(h, s);
        assert_int_equal(SnmpFreeEntity(h), SNMPAPI_SUCCESS);
    }
    assert_true(accepted > ROUNDS / 2);   /* the generator mostly makes valid strings */
}

/* Database v3 entities whose users have random names (any byte the file
 * format allows: printable, no '#' or '='): printed in an untranslated mode as
 * "snmpv3:<user>;level=<level>@<address>", they name the same database
 * user.  Checked against the old SnmpEntityToStr (user name printed
 * unescaped): a name with '@' or ';' parsed back as another user. */
static void
test_v3_database_entities_round_trip(void **state)
{
    (void)state;
    static const char *const levels[] = {"noAuthNoPriv", "authNoPriv", "authPriv"};
    for (unsigned r = 0; r < DB_ROUNDS; r++) {
        char name[WN_USM_MAX_USER_NAME + 1];
        size_t n = 1 + rnd() % WN_USM_MAX_USER_NAME;
        for (size_t i = 0; i < n; i++) {
            char c;
            do
                c = (char)(0x21 + rnd() % 0x5e);
            while (c == '#' || c == '=');   /* the file's comment and key=value */
            name[i] = c;
        }
        name[n] = '\0';
        /* Some classic trouble first. */
        if (r == 0)
            snprintf(name, sizeof name, "ops@lab;level");
        else if (r == 1)
            snprintf(name, sizeof name, "100%%;x");
        const char *level = levels[rnd() % WN_ARRAY_SIZE(levels)];
        FILE *f = fopen(dbtmp, "w");
        assert_non_null(f);
        fprintf(f, "user %s auth=SHA authpass=auth-pass-%u priv=AES privpass=priv-pass-%u\n"
                   "entity rt address=127.0.0.1 port=%u version=3 user=%s level=%s\n",
                name, r, r, 1000 + r, name, level);
        fclose(f);
        assert_int_equal(chmod(dbtmp, 0600), 0);
        assert_int_equal(rename(dbtmp, dbfile), 0);
        SnmpSetTranslateMode(SNMPAPI_TRANSLATED);
        HSNMP_ENTITY h = SnmpStrToEntity(sess, "rt");
        if (!h)
            fail_msg("database user %s not accepted", name);
        expect_round_trip(h, name);
        assert_int_equal(SnmpFreeEntity(h), SNMPAPI_SUCCESS);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_string_entities_round_trip),
        cmocka_unit_test(test_v3_database_entities_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
