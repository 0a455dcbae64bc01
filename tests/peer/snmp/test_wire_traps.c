/* test_wire_traps.c: notifications from snmptrap through SnmpRegister filters, and ours into snmptrapd's log. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire_util.h"

#define SNMP_TRAP_OID_0 ".1.3.6.1.6.3.1.1.4.1.0"
#define SNMP_TRAP_ENTERPRISE_0 ".1.3.6.1.6.3.1.1.4.3.0"
#define SYS_UPTIME_0 ".1.3.6.1.2.1.1.3.0"

static struct wire_peers peers;
static unsigned trap_port;      /* where our library listens (WSNMP_TRAP_PORT) */

/* A: everything; B: another notification OID; C: another source agent;
 * D: the standard-traps prefix 1.3.6.1.6.3.1.1.5. */
enum { A, B, C, D, NSESS };
static struct wire_events ev[NSESS];
static HSNMP_SESSION sess[NSESS];
static HSNMP_ENTITY other_agent;    /* owned by sess[C] */

static void
reg(int i, HSNMP_ENTITY agent, const char *prefix, smiUINT32 state)
{
    smiOID oid;
    smiLPCOID p = NULL;
    if (prefix != NULL) {
        wire_oid(prefix, &oid);
        p = &oid;
    }
    SNMPAPI_STATUS r = SnmpRegister(sess[i], NULL, agent, NULL, p, state);
    if (r != SNMPAPI_SUCCESS)
        fail_msg("SnmpRegister(session %d) failed: %u", i, SnmpGetLastError(sess[i]));
    if (prefix != NULL)
        wire_oid_free(&oid);
}

static int
setup_inner(void)
{
    char buf[32];
    if (wire_peers_start(&peers, 0, 1) != 0)
        return -1;
    trap_port = wire_free_port();
    if (trap_port == 0)
        return -1;
    snprintf(buf, sizeof buf, "%u", trap_port);
    setenv("WSNMP_TRAP_PORT", buf, 1);
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    for (int i = 0; i < NSESS; i++) {
        wire_events_init(&ev[i]);
        sess[i] = SnmpCreateSession(NULL, 0, wire_events_cb, &ev[i]);
        if (sess[i] == NULL)
            return -1;
    }
    other_agent = wire_entity(sess[C], SNMPAPI_UNTRANSLATED_V2, "127.0.0.2");
    reg(A, NULL, NULL, SNMPAPI_ON);
    reg(B, NULL, "1.3.6.1.4.1.99998", SNMPAPI_ON);
    reg(C, other_agent, NULL, SNMPAPI_ON);
    reg(D, NULL, "1.3.6.1.6.3.1.1.5", SNMPAPI_ON);
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    int rc = 0;
    for (int i = 0; i < NSESS; i++)
        if (sess[i] != NULL && SnmpClose(sess[i]) != SNMPAPI_SUCCESS)
            rc = -1;
    if (SnmpCleanup() != SNMPAPI_SUCCESS)
        rc = -1;
    for (int i = 0; i < NSESS; i++)
        wire_events_destroy(&ev[i]);
    if (wire_peers_stop(&peers) != 0)
        rc = -1;
    return rc;
}

static void
drain_all(void)
{
    for (int i = 0; i < NSESS; i++) {
        size_t n;
        struct wire_vb vb[8];
        while (wire_recv(sess[i], &ev[i], 50, NULL, NULL, vb, 8, &n) == 0) {
        }
    }
}

/* Session i must receive one notification of type `type` whose
 * snmpTrapOID.0 is trap_oid and which carries `text` somewhere. */
static void
expect_notification(int i, smiINT type, const char *trap_oid, const char *text,
                    struct wire_vb *vb, size_t *n)
{
    smiINT got_type = 0;
    char hex[256] = "STRING: ";
    size_t off = strlen(hex);
    for (size_t k = 0; text[k] != '\0'; k++)
        off += (size_t)snprintf(hex + off, sizeof hex - off, "%02X", (unsigned char)text[k]);
    if (wire_recv(sess[i], &ev[i], 3000, &got_type, NULL, vb, 16, n) != 0)
        fail_msg("session %d got no notification %s", i, trap_oid);
    assert_int_equal(got_type, type);
    assert_true(*n >= 3);
    assert_string_equal(vb[0].oid, SYS_UPTIME_0);
    assert_true(strncmp(vb[0].val, "Timeticks:", 10) == 0);
    assert_string_equal(vb[1].oid, SNMP_TRAP_OID_0);
    char want[256];
    snprintf(want, sizeof want, "OID: %s", trap_oid);
    assert_string_equal(vb[1].val, want);
    int found = 0;
    for (size_t k = 2; k < *n; k++)
        if (strcmp(vb[k].oid, ".1.3.6.1.2.1.1.5.0") == 0 && strcmp(vb[k].val, hex) == 0)
            found = 1;
    if (!found)
        fail_msg("session %d: varbind sysName.0 = %s missing", i, text);
}

static void
expect_nothing(int i)
{
    size_t n;
    struct wire_vb vb[8];
    if (wire_recv(sess[i], &ev[i], 300, NULL, NULL, vb, 8, &n) == 0)
        fail_msg("session %d received a notification its filter excludes (%s)", i,
                 n > 1 ? vb[1].val : "?");
}

/* v1 Trap-PDU from snmptrap arrives as an SNMPv2 trap (RFC 2576 3.1):
 * sysUpTime.0, snmpTrapOID.0 = enterprise.0.specific, ..., snmpTrapEnterprise.0 last. */
static void
test_v1_trap_from_snmptrap_arrives_as_v2_trap(void **s)
{
    (void)s;
    struct wire_vb vb[16];
    size_t n = 0;
    drain_all();
    struct wn_wsnmp_stats before, after;
    wn_wsnmp_get_stats(&before);
    assert_int_equal(wire_run(NULL, "snmptrap -v1 -c public 127.0.0.1:%u .1.3.6.1.4.1.8072.2.3 "
                              "127.0.0.1 6 17 '' .1.3.6.1.2.1.1.5.0 s v1-wire 2>/dev/null",
                              trap_port), 0);
    expect_notification(A, SNMP_PDU_TRAP, ".1.3.6.1.4.1.8072.2.3.0.17", "v1-wire", vb, &n);
    assert_string_equal(vb[n - 1].oid, SNMP_TRAP_ENTERPRISE_0);
    assert_string_equal(vb[n - 1].val, "OID: .1.3.6.1.4.1.8072.2.3");
    expect_nothing(B);
    expect_nothing(C);
    expect_nothing(D);
    wn_wsnmp_get_stats(&after);
    assert_true(after.traps_received > before.traps_received);
}

static void
test_v2c_trap_from_snmptrap_honours_filters(void **s)
{
    (void)s;
    struct wire_vb vb[16];
    size_t n = 0;
    drain_all();
    assert_int_equal(wire_run(NULL, "snmptrap -v2c -c public 127.0.0.1:%u '' .1.3.6.1.6.3.1.1.5.1 "
                              ".1.3.6.1.2.1.1.5.0 s v2c-wire 2>/dev/null", trap_port), 0);
    expect_notification(A, SNMP_PDU_TRAP, ".1.3.6.1.6.3.1.1.5.1", "v2c-wire", vb, &n);
    expect_notification(D, SNMP_PDU_TRAP, ".1.3.6.1.6.3.1.1.5.1", "v2c-wire", vb, &n);
    expect_nothing(B);
    expect_nothing(C);
}

static void
test_v2c_trap_over_ipv6_is_received(void **s)
{
    (void)s;
    struct wire_vb vb[16];
    size_t n = 0;
    drain_all();
    assert_int_equal(wire_run(NULL, "snmptrap -v2c -c public 'udp6:[::1]:%u' '' "
                              ".1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.1.5.0 s v6-wire 2>/dev/null",
                              trap_port), 0);
    expect_notification(A, SNMP_PDU_TRAP, ".1.3.6.1.6.3.1.1.5.3", "v6-wire", vb, &n);
    expect_notification(D, SNMP_PDU_TRAP, ".1.3.6.1.6.3.1.1.5.3", "v6-wire", vb, &n);
    expect_nothing(B);
    expect_nothing(C);
}

/* snmptrap -Ci exits 0 only when the inform was acknowledged. */
static void
test_v2c_inform_from_snmptrap_is_acknowledged(void **s)
{
    (void)s;
    struct wire_vb vb[16];
    size_t n = 0;
    drain_all();
    struct wn_wsnmp_stats before, after;
    wn_wsnmp_get_stats(&before);
    assert_int_equal(wire_run(NULL, "snmptrap -Ci -r0 -t3 -v2c -c public 127.0.0.1:%u '' "
                              ".1.3.6.1.6.3.1.1.5.2 .1.3.6.1.2.1.1.5.0 s inform-wire 2>/dev/null",
                              trap_port), 0);
    expect_notification(A, SNMP_PDU_INFORM, ".1.3.6.1.6.3.1.1.5.2", "inform-wire", vb, &n);
    expect_notification(D, SNMP_PDU_INFORM, ".1.3.6.1.6.3.1.1.5.2", "inform-wire", vb, &n);
    expect_nothing(B);
    expect_nothing(C);
    wn_wsnmp_get_stats(&after);
    assert_int_equal(after.informs_acked - before.informs_acked, 1);
}

/* Registering for the other trap OID makes B receive it; unregistering A
 * (same arguments, SNMPAPI_OFF) stops A's deliveries. */
static void
test_register_and_unregister_change_delivery(void **s)
{
    (void)s;
    struct wire_vb vb[16];
    size_t n = 0;
    drain_all();
    reg(A, NULL, NULL, SNMPAPI_OFF);
    assert_int_equal(wire_run(NULL, "snmptrap -v2c -c public 127.0.0.1:%u '' .1.3.6.1.4.1.99998.0.7 "
                              ".1.3.6.1.2.1.1.5.0 s b-wire 2>/dev/null", trap_port), 0);
    expect_notification(B, SNMP_PDU_TRAP, ".1.3.6.1.4.1.99998.0.7", "b-wire", vb, &n);
    expect_nothing(A);
    expect_nothing(C);
    expect_nothing(D);
    reg(A, NULL, NULL, SNMPAPI_ON);
}

/* ---- notifications sent by us, seen in snmptrapd's log ---- */

static int
log_has(const char *a, const char *b)
{
    return wire_trapd_log_line(&peers, a, b, NULL, 0);
}

static void
send_ours(smiUINT32 mode, const char *addr, smiINT type, const char *trap_oid, const char *text)
{
    char oidspec[128], textspec[128];
    snprintf(oidspec, sizeof oidspec, "o:%s", trap_oid);
    snprintf(textspec, sizeof textspec, "s:%s", text);
    const char *const names[] = { SYS_UPTIME_0, SNMP_TRAP_OID_0, ".1.3.6.1.2.1.1.5.0", NULL };
    const char *const values[] = { "t:4242", oidspec, textspec, NULL };
    HSNMP_ENTITY dst = wire_entity(sess[A], mode, addr);
    HSNMP_CONTEXT ctx = wire_context(sess[A], mode, "public");
    if (type == SNMP_PDU_INFORM) {
        struct wire_vb vb[8];
        size_t n = 0;
        smiINT st = -1, ix = -1;
        /* the acknowledgement is a Response with the inform's request id */
        assert_int_equal(wire_request(sess[A], &ev[A], dst, ctx, type, 0, 0, names, values, vb,
                                      8, &n, &st, &ix, 5000), 0);
        assert_int_equal(st, 0);
    } else {
        smiINT32 rid = 0;
        assert_int_equal(wire_send(sess[A], dst, ctx, type, 0, 0, names, values, &rid), 0);
    }
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

static void
test_our_v2c_trap_reaches_snmptrapd(void **s)
{
    (void)s;
    char addr[64], text[64];
    drain_all();
    snprintf(addr, sizeof addr, "127.0.0.1:%u", peers.trapd_port);
    snprintf(text, sizeof text, "our-trap-%ld", (long)getpid());
    send_ours(SNMPAPI_UNTRANSLATED_V2, addr, SNMP_PDU_TRAP, ".1.3.6.1.4.1.99999.0.1", text);
    assert_true(log_has(text, "OID: .1.3.6.1.4.1.99999.0.1"));
    assert_true(log_has(text, "Timeticks: (4242)"));
}

static void
test_our_v2c_trap_over_ipv6_reaches_snmptrapd(void **s)
{
    (void)s;
    char addr[64], text[64];
    drain_all();
    snprintf(addr, sizeof addr, "[::1]:%u", peers.trapd_port);
    snprintf(text, sizeof text, "our-v6-trap-%ld", (long)getpid());
    send_ours(SNMPAPI_UNTRANSLATED_V2, addr, SNMP_PDU_TRAP, ".1.3.6.1.4.1.99999.0.2", text);
    assert_true(log_has(text, "UDP/IPv6"));
}

static void
test_our_inform_is_acknowledged_by_snmptrapd(void **s)
{
    (void)s;
    char addr[64], text[64];
    drain_all();
    snprintf(addr, sizeof addr, "127.0.0.1:%u", peers.trapd_port);
    snprintf(text, sizeof text, "our-inform-%ld", (long)getpid());
    send_ours(SNMPAPI_UNTRANSLATED_V2, addr, SNMP_PDU_INFORM, ".1.3.6.1.4.1.99999.0.3", text);
    assert_true(log_has(text, "OID: .1.3.6.1.4.1.99999.0.3"));
}

/* A v2 trap to a v1 entity goes out as a v1 Trap-PDU (RFC 2576 3.2). */
static void
test_our_trap_to_v1_entity_is_a_v1_trap(void **s)
{
    (void)s;
    char addr[64], text[64];
    drain_all();
    snprintf(addr, sizeof addr, "127.0.0.1:%u", peers.trapd_port);
    snprintf(text, sizeof text, "our-v1-trap-%ld", (long)getpid());
    send_ours(SNMPAPI_UNTRANSLATED_V1, addr, SNMP_PDU_TRAP, ".1.3.6.1.4.1.99999.0.4", text);
    assert_true(log_has(text, "enterprise=.1.3.6.1.4.1.99999 generic=6"));
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
        cmocka_unit_test(test_v1_trap_from_snmptrap_arrives_as_v2_trap),
        cmocka_unit_test(test_v2c_trap_from_snmptrap_honours_filters),
        cmocka_unit_test(test_v2c_trap_over_ipv6_is_received),
        cmocka_unit_test(test_v2c_inform_from_snmptrap_is_acknowledged),
        cmocka_unit_test(test_register_and_unregister_change_delivery),
        cmocka_unit_test(test_our_v2c_trap_reaches_snmptrapd),
        cmocka_unit_test(test_our_v2c_trap_over_ipv6_reaches_snmptrapd),
        cmocka_unit_test(test_our_inform_is_acknowledged_by_snmptrapd),
        cmocka_unit_test(test_our_trap_to_v1_entity_is_a_v1_trap),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
