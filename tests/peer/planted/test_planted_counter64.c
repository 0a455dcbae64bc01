/* test_planted_counter64.c: Counter64 word order checked against net-snmp both ways (snmptrap to our trap receiver, snmpget from our SnmpListen agent). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_util.h"
#include "wire_util.h"

/* Issue 18 point 7: Counter64 word order was guarded by one unit test.
 * 4294967298 = 0x0000000100000002: hipart 1, lopart 2.  A decoder that
 * swaps the words fails the snmptrap check; an encoder that swaps them
 * makes snmpget print 8589934593 (checked: swapping the words in
 * convert.c's encode fails the snmpget check). */
#define C64_OID ".1.3.6.1.2.1.31.1.1.1.6.1"

static struct wire_peers peers;
static struct wire_events events;
static unsigned trap_port, agent_port;
static HSNMP_SESSION session;

/* Agent role: answers any Get with C64_OID = Counter64 {1, 2}. */
static void
answer(struct wire_events *e, HSNMP_SESSION s, WPARAM w, LPARAM l)
{
    (void)e, (void)l;
    if (w != 0)
        return;
    HSNMP_ENTITY src = NULL, dst = NULL;
    HSNMP_CONTEXT ctx = NULL;
    HSNMP_PDU pdu = NULL;
    if (SnmpRecvMsg(s, &src, &dst, &ctx, &pdu) != SNMPAPI_SUCCESS)
        return;
    smiINT type = 0;
    smiINT32 rid = 0;
    SnmpGetPduData(pdu, &type, &rid, NULL, NULL, NULL);
    if (type == SNMP_PDU_GET) {
        smiOID name;
        smiVALUE v;
        memset(&v, 0, sizeof v);
        v.syntax = SNMP_SYNTAX_CNTR64;
        v.value.hNumber.hipart = 1;
        v.value.hNumber.lopart = 2;
        SnmpStrToOid(&C64_OID[1], &name);
        HSNMP_VBL vbl = SnmpCreateVbl(s, &name, &v);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
        HSNMP_PDU resp = SnmpCreatePdu(s, SNMP_PDU_RESPONSE, rid, 0, 0, vbl);
        /* answer to the requester: dst of the request is us, src is them */
        SnmpSendMsg(s, dst, src, ctx, resp);
        SnmpFreePdu(resp);
        SnmpFreeVbl(vbl);
    }
    SnmpFreePdu(pdu);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(src);
    SnmpFreeEntity(dst);
}

static void
test_counter64_from_snmptrap_has_the_high_word_in_hipart(void **s)
{
    (void)s;
    HSNMP_SESSION t = SnmpCreateSession(NULL, 0, wire_events_cb, &events);
    assert_non_null(t);
    assert_int_equal(SnmpRegister(t, NULL, NULL, NULL, NULL, SNMPAPI_ON), SNMPAPI_SUCCESS);
    assert_int_equal(wire_run(NULL, "snmptrap -v2c -c public 127.0.0.1:%u '' .1.3.6.1.6.3.1.1.5.1 "
                                    "%s C 4294967298", trap_port, C64_OID), 0);
    struct wire_event ev;
    assert_int_equal(wire_events_wait(&events, 5000, &ev), 0);
    assert_int_equal(ev.wparam, 0);
    HSNMP_ENTITY src = NULL, dst = NULL;
    HSNMP_CONTEXT ctx = NULL;
    HSNMP_PDU pdu = NULL;
    assert_int_equal(SnmpRecvMsg(t, &src, &dst, &ctx, &pdu), SNMPAPI_SUCCESS);
    HSNMP_VBL vbl;
    assert_int_equal(SnmpGetPduData(pdu, NULL, NULL, NULL, NULL, &vbl), SNMPAPI_SUCCESS);
    smiOID name;
    smiVALUE v;
    assert_int_equal(SnmpGetVb(vbl, 3, &name, &v), SNMPAPI_SUCCESS);
    char buf[128];
    wire_oid_str(&name, buf, sizeof buf);
    assert_string_equal(buf, C64_OID);
    assert_int_equal(v.syntax, SNMP_SYNTAX_CNTR64);
    assert_int_equal(v.value.hNumber.hipart, 1);
    assert_int_equal(v.value.hNumber.lopart, 2);
    wire_oid_free(&name);
    assert_int_equal(SnmpClose(t), SNMPAPI_SUCCESS);
}

static void
test_counter64_we_send_reads_as_the_same_number_in_snmpget(void **s)
{
    (void)s;
    char *out = NULL;
    assert_int_equal(wire_run(&out, "snmpget -v2c -c public %s 127.0.0.1:%u %s", WIRE_TOOL_OPTS,
                              agent_port, C64_OID), 0);
    assert_non_null(strstr(out, "Counter64: 4294967298"));
    free(out);
}

static int
setup(void **state)
{
    (void)state;
    if (wire_peers_start(&peers, 0, 0) != 0)
        return -1;
    trap_port = fault_set_trap_port(wire_free_port());
    agent_port = wire_free_port();
    char buf[32];
    wire_events_init(&events);
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    static struct wire_events agent_events;
    wire_events_init(&agent_events);
    agent_events.handler = answer;
    session = SnmpCreateSession(NULL, 0, wire_events_cb, &agent_events);
    if (!session)
        return -1;
    snprintf(buf, sizeof buf, "127.0.0.1:%u", agent_port);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    HSNMP_ENTITY me = SnmpStrToEntity(session, buf);
    return me && SnmpListen(me, SNMPAPI_ON) == SNMPAPI_SUCCESS ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    int rc = SnmpCleanup() == SNMPAPI_SUCCESS ? 0 : -1;
    wire_events_destroy(&events);
    if (wire_peers_stop(&peers) != 0)
        rc = -1;
    return rc;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter64_from_snmptrap_has_the_high_word_in_hipart),
        cmocka_unit_test(test_counter64_we_send_reads_as_the_same_number_in_snmpget),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
