/* test_wire_agent.c: our agent (SnmpListen + RecvMsg/SendMsg in the callback) answers net-snmp's snmpget/getnext/bulkwalk/set. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_agent.h"

static struct wire_peers peers;     /* no daemons: only the tools' private env */
static struct wire_agent agent;
static unsigned port4, port6;

static int
setup_inner(void)
{
    if (wire_peers_start(&peers, 0, 0) != 0)
        return -1;
    port4 = wire_free_port();
    port6 = wire_free_port();
    if (port4 == 0 || port6 == 0)
        return -1;
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    return wire_agent_start(&agent, port4, port6);
}

static int
group_teardown(void **state)
{
    (void)state;
    int rc = 0;
    wire_agent_stop(&agent);
    if (SnmpCleanup() != SNMPAPI_SUCCESS)
        rc = -1;
    if (wire_peers_stop(&peers) != 0)
        rc = -1;
    return rc;
}

static const struct wire_vb mib[] = {
    { ".1.3.6.1.4.1.99999.1.1.0", "STRING: 77697265206167656E74" },   /* "wire agent" */
    { ".1.3.6.1.4.1.99999.1.2.0", "INTEGER: 42" },
    { ".1.3.6.1.4.1.99999.1.3.0", "OID: .1.3.6.1.4.1.99999" },
    { ".1.3.6.1.4.1.99999.1.4.0", "STRING: 696E697469616C" },         /* "initial" */
    { ".1.3.6.1.4.1.99999.1.5.0", "Gauge32: 1234" },
};

/* Runs a tool, parses its varbinds; asserts its exit status. */
static size_t
tool(struct wire_vb *vbs, size_t max, int want_rc, const char *fmt, const char *args)
{
    char *out = NULL;
    int rc = wire_run(&out, fmt, WIRE_TOOL_OPTS, args);
    if (rc != want_rc)
        fail_msg("tool exit %d (want %d): %s\n%s", rc, want_rc, args, out ? out : "");
    size_t n = wire_parse_tool_output(out, vbs, max);
    free(out);
    return n;
}

static void
snmpget_sees_the_mib(const char *ver, const char *addr)
{
    struct wire_vb vb[8];
    char args[512];
    snprintf(args, sizeof args, "%s -c public %s %s %s %s %s", ver, addr, mib[0].oid, mib[1].oid,
             mib[2].oid, mib[4].oid);
    unsigned before = wire_agent_requests(&agent);
    size_t n = tool(vb, 8, 0, "snmpget %s %s 2>&1", args);
    assert_int_equal(n, 4);
    const struct wire_vb *want[] = { &mib[0], &mib[1], &mib[2], &mib[4] };
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(vb[i].oid, want[i]->oid);
        assert_string_equal(vb[i].val, want[i]->val);
    }
    assert_true(wire_agent_requests(&agent) > before);
}

static void
test_snmpget_v2c_ipv4(void **s)
{
    (void)s;
    char a[64];
    snprintf(a, sizeof a, "127.0.0.1:%u", port4);
    snmpget_sees_the_mib("-v2c", a);
}

static void
test_snmpget_v1_ipv4(void **s)
{
    (void)s;
    char a[64];
    snprintf(a, sizeof a, "127.0.0.1:%u", port4);
    snmpget_sees_the_mib("-v1", a);
}

static void
test_snmpget_v2c_ipv6(void **s)
{
    (void)s;
    char a[64];
    snprintf(a, sizeof a, "udp6:[::1]:%u", port6);
    snmpget_sees_the_mib("-v2c", a);
}

static void
test_snmpget_of_missing_object_is_nosuchobject(void **s)
{
    (void)s;
    struct wire_vb vb[4];
    char args[256];
    snprintf(args, sizeof args, "-v2c -c public 127.0.0.1:%u .1.3.6.1.4.1.99999.1.9.0", port4);
    assert_int_equal(tool(vb, 4, 0, "snmpget %s %s 2>&1", args), 1);
    assert_string_equal(vb[0].val, "noSuchObject");
}

static void
test_snmpgetnext_walks_in_order(void **s)
{
    (void)s;
    struct wire_vb vb[8];
    char args[256];
    snprintf(args, sizeof args, "-v2c -c public 127.0.0.1:%u .1.3.6.1.4.1.99999 %s %s", port4,
             mib[1].oid, mib[3].oid);
    assert_int_equal(tool(vb, 8, 0, "snmpgetnext %s %s 2>&1", args), 3);
    assert_string_equal(vb[0].oid, mib[0].oid);
    assert_string_equal(vb[0].val, mib[0].val);
    assert_string_equal(vb[1].oid, mib[2].oid);
    assert_string_equal(vb[1].val, mib[2].val);
    assert_string_equal(vb[2].oid, mib[4].oid);
}

static void
test_snmpbulkwalk_returns_the_whole_mib(void **s)
{
    (void)s;
    struct wire_vb vb[16];
    char args[256];
    for (int reps = 1; reps <= 10; reps += 3) {
        snprintf(args, sizeof args, "-v2c -c public -Cr%d 127.0.0.1:%u .1.3.6.1.4.1.99999", reps,
                 port4);
        size_t n = tool(vb, 16, 0, "snmpbulkwalk %s %s 2>&1", args);
        assert_int_equal(n, 5);
        for (size_t i = 0; i < 5; i++) {
            assert_string_equal(vb[i].oid, mib[i].oid);
            if (i != 3)     /* .4.0 is writable; a later test changes it */
                assert_string_equal(vb[i].val, mib[i].val);
        }
    }
}

/* GetBulk with non-repeaters through our agent: 1 non-repeater + 3 reps. */
static void
test_snmpbulkget_with_non_repeaters(void **s)
{
    (void)s;
    struct wire_vb vb[16];
    char args[256];
    snprintf(args, sizeof args, "-v2c -c public -Cn1 -Cr3 127.0.0.1:%u %s %s", port4,
             WIRE_AGENT_BASE ".1", WIRE_AGENT_BASE ".2");
    size_t n = tool(vb, 16, 0, "snmpbulkget %s %s 2>&1", args);
    assert_int_equal(n, 4);
    assert_string_equal(vb[0].oid, mib[0].oid);   /* non-repeater: next after .1 is .1.0 */
    assert_string_equal(vb[1].oid, mib[1].oid);   /* repetitions from .2: .2.0 .3.0 .4.0 */
    assert_string_equal(vb[1].val, mib[1].val);
    assert_string_equal(vb[2].oid, mib[2].oid);
    assert_string_equal(vb[3].oid, mib[3].oid);
}

static void
test_snmpset_changes_the_writable_scalar(void **s)
{
    (void)s;
    struct wire_vb vb[4];
    char args[256], now[256];
    snprintf(args, sizeof args, "-v2c -c private 127.0.0.1:%u %s s set-by-snmpset", port4,
             mib[3].oid);
    assert_int_equal(tool(vb, 4, 0, "snmpset %s %s 2>&1", args), 1);
    wire_agent_writable(&agent, now, sizeof now);
    assert_string_equal(now, "set-by-snmpset");
    snprintf(args, sizeof args, "-v1 -c public 127.0.0.1:%u %s", port4, mib[3].oid);
    assert_int_equal(tool(vb, 4, 0, "snmpget %s %s 2>&1", args), 1);
    assert_string_equal(vb[0].val, "STRING: 7365742D62792D736E6D70736574");

    /* refusals: notWritable for a read-only scalar, wrongType for an INTEGER */
    char *out = NULL;
    assert_int_not_equal(wire_run(&out, "snmpset -v2c -c private %s 127.0.0.1:%u %s s x 2>&1",
                                  WIRE_TOOL_OPTS, port4, mib[0].oid), 0);
    assert_non_null(strstr(out, "notWritable"));
    free(out);
    assert_int_not_equal(wire_run(&out, "snmpset -v2c -c private %s 127.0.0.1:%u %s i 5 2>&1",
                                  WIRE_TOOL_OPTS, port4, mib[3].oid), 0);
    assert_non_null(strstr(out, "wrongType"));
    free(out);
    wire_agent_writable(&agent, now, sizeof now);
    assert_string_equal(now, "set-by-snmpset");
}

/* A failed group setup gets no teardown from cmocka: undo what was done. */
static int
group_setup(void **state)
{
    if (setup_inner() != 0) {
        group_teardown(state);
        return -1;
    }
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snmpget_v2c_ipv4),
        cmocka_unit_test(test_snmpget_v1_ipv4),
        cmocka_unit_test(test_snmpget_v2c_ipv6),
        cmocka_unit_test(test_snmpget_of_missing_object_is_nosuchobject),
        cmocka_unit_test(test_snmpgetnext_walks_in_order),
        cmocka_unit_test(test_snmpbulkwalk_returns_the_whole_mib),
        cmocka_unit_test(test_snmpbulkget_with_non_repeaters),
        cmocka_unit_test(test_snmpset_changes_the_writable_scalar),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
