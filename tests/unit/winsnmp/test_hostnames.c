/* test_hostnames.c: host names in entity strings are resolved (from /etc/hosts here: no DNS traffic in tests). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <winsnmp.h>

#include "winsnmp_int.h"

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    return SNMPAPI_SUCCESS;
}

/* A name other than "localhost" that /etc/hosts maps to 127.0.0.1, so
 * resolving it never leaves the machine.  0 if there is none. */
static int
loopback_alias(char *name, size_t cap)
{
    FILE *f = fopen("/etc/hosts", "r");
    char line[512];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f)) {
        char addr[64], n[256];
        int off = 0;
        if (sscanf(line, "%63s%n", addr, &off) != 1 || addr[0] == '#' ||
            strcmp(addr, "127.0.0.1") != 0)
            continue;
        const char *p = line + off;
        int used;
        while (!found && sscanf(p, "%255s%n", n, &used) == 1) {
            p += used;
            if (n[0] == '#')
                break;
            if (strcmp(n, "localhost") != 0 && strlen(n) < cap && strchr(n, '.') == NULL) {
                strcpy(name, n);
                found = 1;
            }
        }
    }
    if (f)
        fclose(f);
    return found;
}

static void
test_host_name_from_hosts_file_becomes_its_address(void **state)
{
    (void)state;
    char name[128];
    if (!loopback_alias(name, sizeof name))
        skip();
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    char str[160];
    snprintf(str, sizeof str, "%s:1161", name);
    HSNMP_ENTITY e = SnmpStrToEntity(s, str);
    assert_non_null(e);
    char out[64];
    assert_int_equal(SnmpEntityToStr(e, sizeof out, out), strlen("127.0.0.1:1161") + 1);
    assert_string_equal(out, "127.0.0.1:1161");
    /* Without a port: the default 161. */
    HSNMP_ENTITY e2 = SnmpStrToEntity(s, name);
    assert_non_null(e2);
    assert_true(SnmpEntityToStr(e2, sizeof out, out) > 0);
    assert_string_equal(out, "127.0.0.1");
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_bad_host_names_are_unknown_without_a_lookup(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    static const char *bad[] = {"bad host", "semi;colon", "x:1:2", "name:99999", ":161", "!"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(SnmpStrToEntity(s, bad[i]));
        assert_int_equal(SnmpGetLastError(s), SNMPAPI_ENTITY_UNKNOWN);
    }
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_resolve_copies_numeric_addresses(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(wn_ws_resolve_address("10.1.2.3:99", out, sizeof out), 0);
    assert_string_equal(out, "10.1.2.3:99");
    assert_int_equal(wn_ws_resolve_address("[::1]:161", out, sizeof out), 0);
    assert_string_equal(out, "[::1]:161");
    assert_int_equal(wn_ws_resolve_address("10.1.2.3:99", out, 4), WN_E_NOSPACE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_name_from_hosts_file_becomes_its_address),
        cmocka_unit_test(test_bad_host_names_are_unknown_without_a_lookup),
        cmocka_unit_test(test_resolve_copies_numeric_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
