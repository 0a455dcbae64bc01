/* test_usm_entity.c: the SNMPv3 entity string form (snmpv3:<user>;key=value...@address): parsing, escapes, rejections, redaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base.h"
#include "usm.h"

static void
test_usm_entity_parses_every_field(void **state)
{
    (void)state;
    struct wn_usm_entity e;
    assert_int_equal(wn_usm_entity_parse("snmpv3:ops@192.0.2.1", &e), 0);
    assert_string_equal(e.user, "ops");
    assert_int_equal(e.level, WN_USM_LEVEL_DEFAULT);
    assert_int_equal(e.auth, WN_USM_AUTH_NONE);
    assert_null(e.authpass);
    assert_string_equal(e.address, "192.0.2.1");
    wn_usm_entity_clear(&e);

    const char *s = "SNMPv3:tmp;level=authPriv;auth=sha-256;authpass=correct-horse-1;"
                    "priv=AES-256;privpass=battery%20staple%3B2@[::1]:16161";
    assert_int_equal(wn_usm_entity_parse(s, &e), 0);
    assert_string_equal(e.user, "tmp");
    assert_int_equal(e.level, WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV);
    assert_int_equal(e.auth, WN_USM_AUTH_SHA256);
    assert_int_equal(e.priv, WN_USM_PRIV_AES256);
    assert_string_equal(e.authpass, "correct-horse-1");
    assert_string_equal(e.privpass, "battery staple;2");
    assert_string_equal(e.address, "[::1]:16161");
    wn_usm_entity_clear(&e);
    static const struct wn_usm_entity zero;
    assert_memory_equal(&e, &zero, sizeof e);

    assert_int_equal(wn_usm_entity_parse("snmpv3:mon;auth=SHA;authkey=0x7b06cab7befd7a2676"
                                         "48668f15643107914e25dc;engineid=0x80001f88046c61"
                                         "622d736e6d7064;level=authNoPriv@router7", &e), 0);
    assert_int_equal(e.authkey_len, 20);
    assert_int_equal(e.authkey[0], 0x7b);
    assert_int_equal(e.engine_id_len, 14);
    assert_int_equal(e.level, WN_SNMP_V3_FLAG_AUTH);
    wn_usm_entity_clear(&e);

    /* contextengineid= (the command-line tool's -E). */
    assert_int_equal(wn_usm_entity_parse("snmpv3:u;contextengineid=0x80001f8804706f78792d31"
                                         "@h", &e), 0);
    assert_int_equal(e.context_engine_id_len, 11);
    assert_int_equal(e.context_engine_id[10], 0x31);
    assert_int_equal(e.engine_id_len, 0);
    wn_usm_entity_clear(&e);

    /* An escaped '@' in the user name. */
    assert_int_equal(wn_usm_entity_parse("snmpv3:a%40b;level=noAuthNoPriv@h", &e), 0);
    assert_string_equal(e.user, "a@b");
    assert_int_equal(e.level, 0);
    wn_usm_entity_clear(&e);
}

static void
test_usm_entity_rejects_bad_strings(void **state)
{
    (void)state;
    struct wn_usm_entity e;
    static const struct {
        const char *s;
        int err;
    } bad[] = {
        {"192.0.2.1", WN_E_NOTFOUND},
        {"snmpv3:ops", WN_E_MALFORMED},                         /* no '@' */
        {"snmpv3:ops@", WN_E_MALFORMED},                        /* no address */
        {"snmpv3:@h", WN_E_MALFORMED},                          /* no user */
        {"snmpv3:123456789012345678901234567890123@h", WN_E_MALFORMED},
        {"snmpv3:u;colour=red@h", WN_E_MALFORMED},
        {"snmpv3:u;level@h", WN_E_MALFORMED},
        {"snmpv3:u;level=high@h", WN_E_MALFORMED},
        {"snmpv3:u;auth=SHA-3@h", WN_E_MALFORMED},
        {"snmpv3:u;authpass=longenough@h", WN_E_MALFORMED},     /* secret without protocol */
        {"snmpv3:u;priv=AES;privpass=longenough@h", WN_E_MALFORMED},   /* priv without auth */
        {"snmpv3:u;auth=SHA;authpass=short@h", WN_E_INVAL},
        {"snmpv3:u;auth=SHA;authpass=abc%2@h", WN_E_MALFORMED}, /* cut escape */
        {"snmpv3:u;auth=SHA;authpass=abc%zzdefgh@h", WN_E_MALFORMED},
        {"snmpv3:u;auth=SHA;authpass=abc\tdefgh@h", WN_E_MALFORMED},   /* must be escaped */
        {"snmpv3:u;auth=SHA;authpass=abc%00defgh@h", WN_E_INVAL},      /* NUL in a secret */
        {"snmpv3:u;auth=SHA;authkey=0x00112233445566778899aabbccddeeff00112233@h",
         WN_E_MALFORMED},                                       /* localized key, no engine */
        {"snmpv3:u;auth=SHA;authkey=0x0011;engineid=0x8000000001@h", WN_E_MALFORMED},
        {"snmpv3:u;engineid=0x80000001@h", WN_E_MALFORMED},     /* engine ID < 5 bytes */
        {"snmpv3:u;engineid=0x8@h", WN_E_MALFORMED},
        {"snmpv3:u;contextengineid=0x80000001@h", WN_E_MALFORMED},   /* < 5 bytes */
        {"snmpv3:u;auth=SHA;authpass=longenough;authpass=again123@h", WN_E_MALFORMED},
    };
    for (size_t i = 0; i < WN_ARRAY_SIZE(bad); i++) {
        int rc = wn_usm_entity_parse(bad[i].s, &e);
        if (rc != bad[i].err)
            fail_msg("%s: %s, expected %s", bad[i].s, wn_errname(rc), wn_errname(bad[i].err));
        assert_null(e.authpass);
        assert_null(e.privpass);
    }
    char big[WN_USM_MAX_ENTITY_PARAMS + 64];
    memset(big, 'a', sizeof big);
    memcpy(big, "snmpv3:", 7);
    memcpy(big + sizeof big - 3, "@h", 3);
    assert_int_equal(wn_usm_entity_parse(big, &e), WN_E_LIMIT);
}

static void
test_usm_entity_redaction_drops_secrets_and_parses_back(void **state)
{
    (void)state;
    const char *s = "snmpv3:tmp;auth=SHA-256;authpass=correct-horse-1;priv=AES;"
                    "privpass=battery-staple-2;level=authPriv@192.0.2.1:1161";
    char out[256];
    assert_int_equal(wn_usm_entity_redact(s, out, sizeof out), 0);
    assert_string_equal(out, "snmpv3:tmp;auth=SHA-256;priv=AES;level=authPriv@192.0.2.1:1161");
    assert_null(strstr(out, "horse"));
    struct wn_usm_entity e;
    assert_int_equal(wn_usm_entity_parse(out, &e), 0);
    assert_int_equal(e.auth, WN_USM_AUTH_SHA256);
    assert_int_equal(e.priv, WN_USM_PRIV_AES128);
    assert_null(e.authpass);
    wn_usm_entity_clear(&e);
    assert_int_equal(wn_usm_entity_redact("snmpv3:u;AUTHKEY=0x00@h", out, sizeof out), 0);
    assert_string_equal(out, "snmpv3:u@h");
    assert_int_equal(wn_usm_entity_redact("192.0.2.1:161", out, sizeof out), 0);
    assert_string_equal(out, "192.0.2.1:161");
    assert_int_equal(wn_usm_entity_redact(s, out, 20), WN_E_NOSPACE);
}

/* Any user name (1..32 bytes but NUL) and level formats to a string that
 * parses back to the same user, level and address; the level names are
 * those wn_usm_level_from_name reads. */
static void
test_usm_entity_format_parses_back_for_any_user(void **state)
{
    (void)state;
    static const int levels[] = {0, WN_SNMP_V3_FLAG_AUTH,
                                 WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV};
    uint32_t x = 0x9e3779b9u;
    for (unsigned r = 0; r < 20000; r++) {
        char user[WN_USM_MAX_USER_NAME];
        size_t n = 1 + r % WN_USM_MAX_USER_NAME;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            user[i] = (char)(1 + x % 255);
        }
        int level = levels[r % 3];
        char s[256];
        assert_int_equal(wn_usm_entity_format(user, n, level, "[::1]:161", s, sizeof s), 0);
        struct wn_usm_entity e;
        assert_int_equal(wn_usm_entity_parse(s, &e), 0);
        assert_int_equal(strlen(e.user), n);
        assert_memory_equal(e.user, user, n);
        assert_int_equal(e.level, level);
        assert_string_equal(e.address, "[::1]:161");
        int back;
        assert_int_equal(wn_usm_level_from_name(wn_usm_level_name(level), &back), 0);
        assert_int_equal(back, level);
        wn_usm_entity_clear(&e);
    }
    char s[16];
    assert_int_equal(wn_usm_entity_format("u", 1, 0, "192.0.2.1", s, sizeof s), WN_E_NOSPACE);
    assert_int_equal(wn_usm_entity_format("", 0, 0, "192.0.2.1", s, sizeof s), WN_E_INVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usm_entity_parses_every_field),
        cmocka_unit_test(test_usm_entity_rejects_bad_strings),
        cmocka_unit_test(test_usm_entity_redaction_drops_secrets_and_parses_back),
        cmocka_unit_test(test_usm_entity_format_parses_back_for_any_user),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
