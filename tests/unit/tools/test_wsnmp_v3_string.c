/* test_wsnmp_v3_string.c: wsnmp's SNMPv3 options into the snmpv3: entity string: exact text, escaping proven by the library's own parser, checks that never print a pass phrase, argv wiped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "usm.h"
#include "wsnmp.h"

#define ADDR "127.0.0.1:1161"

static char out[WSNMP_V3_ENTITY_MAX];

static void
build(struct wsnmp_v3 *v3)
{
    assert_int_equal(wsnmp_v3_check(v3), 0);
    assert_int_equal(wsnmp_v3_entity_string(v3, ADDR, out, sizeof out), 0);
}

static void
test_v3_string_names_user_protocols_and_secrets(void **state)
{
    (void)state;
    struct wsnmp_v3 v3 = {.user = "ops", .level = "authPriv", .auth_proto = "SHA-256",
                          .auth_pass = "correct-horse-1", .priv_proto = "AES",
                          .priv_pass = "battery-staple-2"};
    build(&v3);
    assert_string_equal(out, "snmpv3:ops;level=authPriv;auth=SHA-256;authpass=correct-horse-1;"
                             "priv=AES;privpass=battery-staple-2@" ADDR);
    struct wn_usm_entity e;
    assert_int_equal(wn_usm_entity_parse(out, &e), 0);
    assert_string_equal(e.user, "ops");
    assert_int_equal(e.level, WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV);
    assert_int_equal(e.auth, WN_USM_AUTH_SHA256);
    assert_int_equal(e.priv, WN_USM_PRIV_AES128);
    assert_string_equal(e.authpass, "correct-horse-1");
    assert_string_equal(e.privpass, "battery-staple-2");
    assert_string_equal(e.address, ADDR);
    wn_usm_entity_clear(&e);
}

/* Every byte the grammar reserves (';', '@', '%'), space, a control
 * byte and UTF-8 come back from the library's parser unchanged.  (With
 * put_escaped writing '@' raw, the parser takes the address from inside
 * the user name and this test fails.) */
static void
test_v3_string_escapes_reserved_and_non_ascii_bytes(void **state)
{
    (void)state;
    const char *user = "a;b@c%d e";
    const char *apass = "p;a@s%s w=rd\t\xc3\xa9";
    const char *xpass = "100% @home;ok";
    struct wsnmp_v3 v3 = {.user = user, .auth_proto = "sha", .auth_pass = apass,
                          .priv_proto = "aes-256", .priv_pass = xpass};
    build(&v3);
    assert_string_equal(out, "snmpv3:a%3Bb%40c%25d%20e;auth=SHA;"
                             "authpass=p%3Ba%40s%25s%20w=rd%09%C3%A9;priv=AES-256;"
                             "privpass=100%25%20%40home%3Bok@" ADDR);
    struct wn_usm_entity e;
    assert_int_equal(wn_usm_entity_parse(out, &e), 0);
    assert_string_equal(e.user, user);
    assert_string_equal(e.authpass, apass);
    assert_string_equal(e.privpass, xpass);
    assert_int_equal(e.auth, WN_USM_AUTH_SHA1);
    assert_int_equal(e.priv, WN_USM_PRIV_AES256);
    assert_int_equal(e.level, WN_USM_LEVEL_DEFAULT);
    assert_string_equal(e.address, ADDR);
    wn_usm_entity_clear(&e);
}

/* -u alone: no secret and no level in the string (the database's user
 * line supplies them). */
static void
test_v3_string_user_alone_carries_no_secret(void **state)
{
    (void)state;
    struct wsnmp_v3 v3 = {.user = "monitor"};
    build(&v3);
    assert_string_equal(out, "snmpv3:monitor@" ADDR);
    assert_int_equal(wsnmp_v3_entity_string(&v3, "[::1]:161", out, sizeof out), 0);
    assert_string_equal(out, "snmpv3:monitor@[::1]:161");
}

/* net-snmp's spellings: level abbreviations, case, aliases, and its
 * defaults MD5 / DES for a pass phrase without a protocol. */
static void
test_v3_string_takes_net_snmp_spellings_and_defaults(void **state)
{
    (void)state;
    struct wsnmp_v3 v3 = {.user = "u1", .level = "ap", .auth_proto = "sha512",
                          .auth_pass = "12345678", .priv_proto = "aes256c",
                          .priv_pass = "abcdefgh"};
    build(&v3);
    assert_string_equal(out, "snmpv3:u1;level=authPriv;auth=SHA-512;authpass=12345678;"
                             "priv=AES-256-C;privpass=abcdefgh@" ADDR);
    struct wsnmp_v3 d = {.user = "u2", .level = "2", .auth_pass = "12345678",
                         .priv_pass = "abcdefgh"};
    build(&d);
    assert_string_equal(out, "snmpv3:u2;level=authNoPriv;auth=MD5;authpass=12345678;"
                             "priv=DES;privpass=abcdefgh@" ADDR);
    struct wsnmp_v3 n = {.user = "u3", .level = "NOAUTHNOPRIV"};
    build(&n);
    assert_string_equal(out, "snmpv3:u3;level=noAuthNoPriv@" ADDR);
}

/* -e / -E: hex with or without 0x, written as 0x<lowercase>. */
static void
test_v3_string_engine_ids(void **state)
{
    (void)state;
    struct wsnmp_v3 v3 = {.user = "u", .engine_id = "80001F880476332D736E6D7064",
                          .ctx_engine = "0x8000000201098403"};
    build(&v3);
    assert_string_equal(out, "snmpv3:u;engineid=0x80001f880476332d736e6d7064;"
                             WSNMP_V3_CONTEXT_ENGINE_KEY "=0x8000000201098403@" ADDR);
    struct wn_usm_entity pe;
    assert_int_equal(wn_usm_entity_parse(out, &pe), 0);
    assert_int_equal(pe.engine_id_len, 13);
    assert_memory_equal(pe.engine_id, "\x80\x00\x1f\x88\x04v3-snmpd", 13);
    assert_int_equal(pe.context_engine_id_len, 8);
    assert_memory_equal(pe.context_engine_id, "\x80\x00\x00\x02\x01\x09\x84\x03", 8);
    wn_usm_entity_clear(&pe);
}

/* -3k / -3K: localized keys (snmpd's for v3sha256 at engine "v3-snmpd")
 * as authkey= / privkey=, which the usm layer takes. */
#define V3SHA256_KUL "1b0bb19b402328d782ddda0a0b6936e9908d9dc06768deae3beb129bd0fe58c0"
#define V3SHA256_PRIV_KUL "694e47bebad39d8d4dfd05b58429d755"
static void
test_v3_string_localized_keys(void **state)
{
    (void)state;
    struct wsnmp_v3 v3 = {.user = "v3sha256", .auth_proto = "SHA-256", .auth_key = V3SHA256_KUL,
                          .priv_proto = "AES", .priv_key = "0X" V3SHA256_PRIV_KUL,
                          .engine_id = "80001f880476332d736e6d7064"};
    build(&v3);
    assert_string_equal(out, "snmpv3:v3sha256;auth=SHA-256;authkey=0x" V3SHA256_KUL ";priv=AES;"
                             "privkey=0x" V3SHA256_PRIV_KUL ";engineid=0x80001f880476332d736e6d7064@"
                             ADDR);
    struct wn_usm_entity e;
    assert_int_equal(wn_usm_entity_parse(out, &e), 0);
    assert_int_equal(e.authkey_len, 32);
    assert_int_equal(e.authkey[0], 0x1b);
    assert_int_equal(e.privkey_len, 16);
    assert_int_equal(e.privkey[15], 0x55);
    wn_usm_entity_clear(&e);
}

/* Rejections print a message that never holds a pass phrase. */
static void
test_v3_check_refuses_without_printing_secrets(void **state)
{
    (void)state;
    struct wsnmp_v3 bad[] = {
        {.user = "u", .level = "authpriv2", .auth_pass = "secret-one-1"},
        {.user = "u", .auth_proto = "SHA-3", .auth_pass = "secret-one-1"},
        {.user = "u", .priv_proto = "3DES", .auth_pass = "secret-one-1"},
        {.user = "u", .auth_pass = "short"},
        {.user = "u", .auth_pass = "secret-one-1", .priv_pass = "tiny"},
        {.user = "u", .priv_proto = "AES"},   /* priv without auth */
        {.user = "u", .engine_id = "8000"},   /* too short */
        {.user = "u", .engine_id = "80001f8804763"},   /* odd */
        {.user = "u", .ctx_engine = "zz001f880476"},
        {.user = "123456789012345678901234567890123"},   /* 33 bytes */
        {.user = ""},
        {.user = "u", .auth_proto = "SHA", .auth_key = "secret-key-zz", .engine_id = "8000000201"},
        {.user = "u", .auth_proto = "SHA", .auth_key = "0011", .auth_pass = "secret-one-1",
         .engine_id = "8000000201"},
        {.user = "u", .auth_proto = "SHA", .auth_key = "0011"},   /* no -e */
        {.user = "u", .auth_key = "0011", .engine_id = "8000000201"},   /* no -a */
    };
    char path[] = "/tmp/wn-v3str.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    FILE *saved = fdopen(dup(fileno(stderr)), "w");
    assert_non_null(freopen(path, "w", stderr));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(wsnmp_v3_check(&bad[i]), -1);
    fflush(stderr);
    assert_non_null(freopen("/dev/null", "w", stderr));
    dup2(fileno(saved), fileno(stderr));
    fclose(saved);
    char text[8192] = "";
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    close(fd);
    assert_true(n > 0);
    assert_null(strstr(text, "secret-one-1"));
    assert_null(strstr(text, "short"));
    assert_null(strstr(text, "tiny"));
    assert_null(strstr(text, "secret-key-zz"));
    assert_non_null(strstr(text, "-3k/-3K need -e"));
    assert_non_null(strstr(text, "-l takes"));
    assert_non_null(strstr(text, "must have 8 to 1024 characters"));
}

/* A string that does not fit: -1 and nothing of it left in out. */
static void
test_v3_string_too_long_is_refused_and_wiped(void **state)
{
    (void)state;
    struct wsnmp_v3 v3 = {.user = "ops", .auth_proto = "SHA", .auth_pass = "correct-horse-1"};
    assert_int_equal(wsnmp_v3_check(&v3), 0);
    char small[40];
    memset(small, 'z', sizeof small);
    assert_int_equal(wsnmp_v3_entity_string(&v3, ADDR, small, sizeof small), -1);
    for (size_t i = 0; i < sizeof small; i++)
        assert_int_equal(small[i], 0);
    struct wsnmp_v3 none = {.auth_pass = "correct-horse-1"};
    assert_int_equal(wsnmp_v3_entity_string(&none, ADDR, out, sizeof out), -1);
    /* the longest pass phrases, all escaped, still fit */
    static char p[1025];
    memset(p, ';', 1024);
    struct wsnmp_v3 big = {.user = "12345678901234567890123456789012", .auth_proto = "SHA",
                           .auth_pass = p, .priv_proto = "AES", .priv_pass = p,
                           .engine_id = "0x80001f880476332d736e6d7064"};
    build(&big);
}

/* The pass phrases leave argv: the original bytes are zero, the copies
 * are intact, and free wipes them. */
static void
test_v3_take_secrets_wipes_argv(void **state)
{
    (void)state;
    char a[] = "-Aauth-pass-1";
    char x[] = "priv-pass-22";
    char k[] = "00112233";
    struct wsnmp_v3 v3 = {.user = "u", .auth_pass = a + 2, .priv_pass = x, .priv_key = k};
    assert_int_equal(wsnmp_v3_take_secrets(&v3), 0);
    assert_string_equal(v3.priv_key, "00112233");
    for (size_t i = 0; i < sizeof k - 1; i++)
        assert_int_equal(k[i], 0);
    assert_string_equal(v3.auth_pass, "auth-pass-1");
    assert_string_equal(v3.priv_pass, "priv-pass-22");
    for (size_t i = 2; i < sizeof a - 1; i++)
        assert_int_equal(a[i], 0);
    for (size_t i = 0; i < sizeof x - 1; i++)
        assert_int_equal(x[i], 0);
    assert_int_equal(a[1], 'A');
    wsnmp_v3_free(&v3);
    assert_null(v3.auth_pass);
    assert_null(v3.priv_pass);
    assert_null(v3.priv_key);
}

/* Each USM report has its own exit code; other codes map to none. */
static void
test_v3_exit_codes_are_distinct(void **state)
{
    (void)state;
    int user = wsnmp_v3_exit_code(205), digest = wsnmp_v3_exit_code(206);
    int decrypt = wsnmp_v3_exit_code(208), level = wsnmp_v3_exit_code(204);
    assert_int_equal(user, WSNMP_EXIT_V3_UNKNOWN_USER);
    assert_int_equal(digest, WSNMP_EXIT_V3_AUTH);
    assert_int_equal(decrypt, WSNMP_EXIT_V3_PRIV);
    assert_int_equal(level, WSNMP_EXIT_V3_OTHER);
    assert_int_equal(wsnmp_v3_exit_code(SNMPAPI_TL_TIMEOUT), 0);
    assert_int_equal(wsnmp_v3_exit_code(SNMPAPI_NOOP), 0);
    assert_non_null(strstr(wsnmp_v3_hint(206), "-A"));
    assert_non_null(strstr(wsnmp_v3_hint(208), "-X"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_string_names_user_protocols_and_secrets),
        cmocka_unit_test(test_v3_string_escapes_reserved_and_non_ascii_bytes),
        cmocka_unit_test(test_v3_string_user_alone_carries_no_secret),
        cmocka_unit_test(test_v3_string_takes_net_snmp_spellings_and_defaults),
        cmocka_unit_test(test_v3_string_engine_ids),
        cmocka_unit_test(test_v3_string_localized_keys),
        cmocka_unit_test(test_v3_check_refuses_without_printing_secrets),
        cmocka_unit_test(test_v3_string_too_long_is_refused_and_wiped),
        cmocka_unit_test(test_v3_take_secrets_wipes_argv),
        cmocka_unit_test(test_v3_exit_codes_are_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
