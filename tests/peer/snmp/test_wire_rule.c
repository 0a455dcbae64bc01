/* test_wire_rule.c: the wire tests' own yardstick: net-snmp output parsing and the volatile-value rule, checked against snmpd now. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_tool.h"

static struct wire_peers peers;

static int
group_setup(void **state)
{
    (void)state;
    if (wire_peers_start(&peers, 1, 0) != 0) {
        wire_peers_stop(&peers);
        return -1;
    }
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    return wire_peers_stop(&peers);
}

static void
test_parser_canonicalises_net_snmp_output(void **s)
{
    (void)s;
    static const char text[] =
        "Created directory: /tmp/x\n"
        ".1.3.6.1.2.1.1.1.0 = Hex-STRING: 4C 69 6E 75 78 20 76 6D 20 36 2E 31 38 2E 34 34 \n"
        "2D 66 63 \n"
        ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10\n"
        ".1.3.6.1.2.1.1.3.0 = Timeticks: (58111) 0:09:41.11\n"
        ".1.3.6.1.2.1.2.2.1.6.1 = \"\"\n"
        ".1.3.6.1.2.1.4.20.1.1.127.0.0.1 = IpAddress: 127.0.0.1\n"
        ".1.3.6.1.4.1.2021.10.1.6.1 = Opaque: Float: 0.105957\n"
        ".1.3.6.1.2.1.1.7.0 = INTEGER: 72\n"
        ".1.3.6.1.2.1.1.9.9 = No Such Instance currently exists at this OID\n"
        ".1.3.6.1.2.1.1.4.0 = STRING: \"ab\"\n"
        ".1.3.6.1.6.3.16.1.5.2.1.6.6.95 = No more variables left in this MIB View\n";
    struct wire_vb vb[16];
    size_t n = wire_parse_tool_output(text, vb, 16);
    assert_int_equal(n, 9);
    assert_string_equal(vb[0].oid, ".1.3.6.1.2.1.1.1.0");
    assert_string_equal(vb[0].val, "STRING: 4C696E757820766D20362E31382E34342D6663");
    assert_string_equal(vb[1].val, "OID: .1.3.6.1.4.1.8072.3.2.10");
    assert_string_equal(vb[2].val, "Timeticks: 58111");
    assert_string_equal(vb[3].val, "STRING: ");
    assert_string_equal(vb[4].val, "IpAddress: 127.0.0.1");
    assert_string_equal(vb[5].val, "Opaque: ?");
    assert_string_equal(vb[6].val, "INTEGER: 72");
    assert_string_equal(vb[7].val, "noSuchInstance");
    assert_string_equal(vb[8].val, "STRING: 6162");
}

static void
test_rule_compares_volatile_values_by_type_only(void **s)
{
    (void)s;
    char why[1024];
    struct wire_vb a = { ".1.3.6.1.2.1.2.2.1.10.1", "Counter32: 5" };
    struct wire_vb b = { ".1.3.6.1.2.1.2.2.1.10.1", "Counter32: 9" };
    assert_int_equal(wire_vb_compare(&a, &b, why, sizeof why), 0);
    snprintf(b.val, sizeof b.val, "Gauge32: 5");
    assert_int_equal(wire_vb_compare(&a, &b, why, sizeof why), -1);
    struct wire_vb c = { ".1.3.6.1.2.1.1.5.0", "STRING: 41" };
    struct wire_vb d = { ".1.3.6.1.2.1.1.5.0", "STRING: 42" };
    assert_int_equal(wire_vb_compare(&c, &d, why, sizeof why), -1);
    assert_non_null(strstr(why, "value differs"));
    struct wire_vb e = { ".1.3.6.1.4.1.2021.4.6.0", "INTEGER: 100" };
    struct wire_vb f = { ".1.3.6.1.4.1.2021.4.6.0", "INTEGER: 200" };
    assert_int_equal(wire_vb_compare(&e, &f, why, sizeof why), 0);    /* UCD memory */
    snprintf(f.oid, sizeof f.oid, ".1.3.6.1.4.1.2021.4.6.1");
    assert_int_equal(wire_vb_compare(&e, &f, why, sizeof why), -1);   /* OIDs always exact */
    struct wire_vb rows[3] = {
        { ".1.3.6.1.2.1.7.5.1.2.0.0.0.0.45292", "INTEGER: 45292" },
        { ".1.3.6.1.2.1.7.4.0", "Counter32: 1" },
        { ".1.3.6.1.2.1.25.4.2.1.2.1", "STRING: 41" },
    };
    assert_int_equal(wire_filter_row_volatile(rows, 3), 1);
    assert_string_equal(rows[0].oid, ".1.3.6.1.2.1.7.4.0");
}

#define WALK_MAX 20000
static struct wire_vb w1[WALK_MAX], w2[WALK_MAX];

static size_t
walk(struct wire_vb *out)
{
    char *text = NULL;
    assert_int_equal(wire_run(&text, "snmpbulkwalk -v2c -c public %s 127.0.0.1:%u .1.3.6.1 "
                              "2>/dev/null", WIRE_TOOL_OPTS, peers.snmpd_port), 0);
    size_t n = wire_parse_tool_output(text, out, WALK_MAX);
    free(text);
    return wire_filter_row_volatile(out, n);
}

/* Two walks of the same snmpd a moment apart agree under the rule, so the
 * rule is loose enough; a changed stable value is caught, so it is tight. */
static void
test_two_snmpbulkwalks_agree_under_the_rule(void **s)
{
    (void)s;
    char why[1024];
    const char *gap = getenv("WIRE_RULE_GAP_MS");    /* to probe longer gaps by hand */
    size_t n1 = walk(w1);
    wire_sleep_ms(gap != NULL ? (unsigned)strtoul(gap, NULL, 10) : 1100u);
    size_t n2 = walk(w2);
    assert_true(n1 > 500);
    assert_int_equal(n1, n2);
    for (size_t i = 0; i < n1; i++)
        if (wire_vb_compare(&w1[i], &w2[i], why, sizeof why) != 0)
            fail_msg("net-snmp disagrees with itself: %s", why);
    /* sysDescr.0 changed by one byte must be detected */
    for (size_t i = 0; i < n1; i++)
        if (strcmp(w1[i].oid, ".1.3.6.1.2.1.1.1.0") == 0) {
            size_t l = strlen(w1[i].val);
            w1[i].val[l - 1] = w1[i].val[l - 1] == '0' ? '1' : '0';
            assert_int_equal(wire_vb_compare(&w1[i], &w2[i], why, sizeof why), -1);
            return;
        }
    fail_msg("sysDescr.0 not in the walk");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parser_canonicalises_net_snmp_output),
        cmocka_unit_test(test_rule_compares_volatile_values_by_type_only),
        cmocka_unit_test(test_two_snmpbulkwalks_agree_under_the_rule),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
