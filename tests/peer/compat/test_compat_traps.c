/* test_compat_traps.c: trap registration without a srcEntity filter, SnmpConveyAgentAddress, SnmpSetAgentAddress and the v1 trap decode/encode round trip, against snmptrap/snmptrapd. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat_util.h"

#define SYS_UPTIME_0 ".1.3.6.1.2.1.1.3.0"
#define SNMP_TRAP_OID_0 ".1.3.6.1.6.3.1.1.4.1.0"
#define SNMP_TRAP_ENTERPRISE_0 ".1.3.6.1.6.3.1.1.4.3.0"
#define SNMP_TRAP_ADDRESS_0 ".1.3.6.1.6.3.18.1.3.0"
#define SNMP_TRAP_COMMUNITY_0 ".1.3.6.1.6.3.18.1.4.0"

static struct compat_fx fx;
static unsigned trap_port;
static HSNMP_ENTITY any_v4;      /* "0.0.0.0": the srcEntity some programs register with */

static int
group_setup(void **state)
{
    (void)state;
    char buf[32];
    trap_port = wire_free_port();
    snprintf(buf, sizeof buf, "%u", trap_port);
    setenv("WSNMP_TRAP_PORT", buf, 1);   /* read by SnmpStartup */
    if (compat_fx_start(&fx, 0, 1) != 0 || SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2) != SNMPAPI_SUCCESS)
        return -1;
    any_v4 = SnmpStrToEntity(fx.sess, "0.0.0.0");
    if (!any_v4)
        return -1;
    return SnmpRegister(fx.sess, any_v4, NULL, NULL, NULL, SNMPAPI_ON) == SNMPAPI_SUCCESS ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    return compat_fx_stop(&fx);
}

static void
drain(void)
{
    struct wire_vb vb[16];
    size_t n;
    while (wire_recv(fx.sess, &fx.ev, 100, NULL, NULL, vb, 16, &n) == 0) {
    }
}

static int
find_vb(const struct wire_vb *vb, size_t n, const char *oid)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(vb[i].oid, oid) == 0)
            return (int)i;
    return -1;
}

/* The spec: srcEntity does not filter.  A session registered with
 * srcEntity "0.0.0.0" gets traps that arrive over IPv6; before the change
 * they were silently dropped. */
static void
test_ipv6_trap_reaches_session_registered_with_ipv4_src(void **state)
{
    (void)state;
    drain();
    assert_int_equal(wire_run(NULL, "snmptrap -v2c -c public 'udp6:[::1]:%u' '' "
                              ".1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.1.5.0 s v6-compat 2>/dev/null",
                              trap_port), 0);
    struct wire_vb vb[16];
    size_t n = 0;
    smiINT type = 0;
    assert_int_equal(wire_recv(fx.sess, &fx.ev, 5000, &type, NULL, vb, 16, &n), 0);
    assert_int_equal(type, SNMP_PDU_TRAP);
    assert_string_equal(vb[1].val, "OID: .1.3.6.1.6.3.1.1.5.3");
}

static void
send_v1_trap_from_snmptrap(const char *agent_addr)
{
    assert_int_equal(wire_run(NULL, "snmptrap -v1 -c public 127.0.0.1:%u .1.3.6.1.4.1.8072.2.3 "
                              "%s 6 17 12345 .1.3.6.1.2.1.1.5.0 s convey 2>/dev/null",
                              trap_port, agent_addr), 0);
}

/* SnmpConveyAgentAddress(ON): the v1 agent-addr arrives as
 * snmpTrapAddress.0, just before snmpTrapEnterprise.0 (the last varbind);
 * OFF (the default): no snmpTrapAddress.0.  Neither carries
 * snmpTrapCommunity.0 (the community is the context). */
static void
test_convey_agent_address(void **state)
{
    (void)state;
    struct wire_vb vb[16];
    size_t n = 0;
    smiINT type = 0;
    drain();
    send_v1_trap_from_snmptrap("192.0.2.9");
    assert_int_equal(wire_recv(fx.sess, &fx.ev, 5000, &type, NULL, vb, 16, &n), 0);
    assert_int_equal(n, 4);
    assert_string_equal(vb[0].oid, SYS_UPTIME_0);
    assert_string_equal(vb[1].val, "OID: .1.3.6.1.4.1.8072.2.3.0.17");
    assert_string_equal(vb[3].oid, SNMP_TRAP_ENTERPRISE_0);
    assert_int_equal(find_vb(vb, n, SNMP_TRAP_ADDRESS_0), -1);
    assert_int_equal(find_vb(vb, n, SNMP_TRAP_COMMUNITY_0), -1);

    assert_int_equal(SnmpConveyAgentAddress(SNMPAPI_ON), SNMPAPI_SUCCESS);
    send_v1_trap_from_snmptrap("192.0.2.9");
    assert_int_equal(wire_recv(fx.sess, &fx.ev, 5000, &type, NULL, vb, 16, &n), 0);
    assert_int_equal(n, 5);
    assert_string_equal(vb[3].oid, SNMP_TRAP_ADDRESS_0);
    assert_string_equal(vb[3].val, "IpAddress: 192.0.2.9");
    assert_string_equal(vb[4].oid, SNMP_TRAP_ENTERPRISE_0);

    assert_int_equal(SnmpConveyAgentAddress(SNMPAPI_OFF), SNMPAPI_SUCCESS);
    send_v1_trap_from_snmptrap("192.0.2.9");
    assert_int_equal(wire_recv(fx.sess, &fx.ev, 5000, &type, NULL, vb, 16, &n), 0);
    assert_int_equal(find_vb(vb, n, SNMP_TRAP_ADDRESS_0), -1);

    assert_int_equal(SnmpConveyAgentAddress(7), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_MODE_INVALID);
}

static int
log_line_with(const char *a, const char *b, char *line, size_t n)
{
    return wire_trapd_log_line(&fx.peers, a, b, line, n);
}

/* Our v2 trap to a v1 entity: a Trap-PDU whose agent-addr is the address
 * given to SnmpSetAgentAddress. */
static void
send_our_trap(const char *text)
{
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", fx.peers.trapd_port);
    HSNMP_ENTITY dst = wire_entity(fx.sess, SNMPAPI_UNTRANSLATED_V1, addr);
    HSNMP_CONTEXT ctx = wire_context(fx.sess, SNMPAPI_UNTRANSLATED_V1, "public");
    char textspec[128];
    snprintf(textspec, sizeof textspec, "s:%s", text);
    const char *const names[] = {SYS_UPTIME_0, SNMP_TRAP_OID_0, ".1.3.6.1.2.1.1.5.0", NULL};
    const char *const values[] = {"t:4242", "o:.1.3.6.1.4.1.99999.0.4", textspec, NULL};
    smiINT32 rid = 0;
    assert_int_equal(wire_send(fx.sess, dst, ctx, SNMP_PDU_TRAP, 0, 0, names, values, &rid), 0);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

static void
test_set_agent_address(void **state)
{
    (void)state;
    char line[2048], text[64];
    assert_int_equal(SnmpSetAgentAddress("192.0.2.7"), SNMPAPI_SUCCESS);
    snprintf(text, sizeof text, "agent-addr-%ld", (long)getpid());
    send_our_trap(text);
    assert_true(log_line_with(text, "enterprise=.1.3.6.1.4.1.99999 generic=6", line, sizeof line));
    assert_non_null(strstr(line, "agent=192.0.2.7 "));

    static const char *bad[] = {"192.0.2", "300.1.1.1", "::1", "host.example", "1.2.3.4:5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(SnmpSetAgentAddress((LPSTR)bad[i]), SNMPAPI_FAILURE);
        assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_MODE_INVALID);
    }
    /* a refused address changed nothing; NULL goes back to 0.0.0.0 */
    snprintf(text, sizeof text, "agent-addr-kept-%ld", (long)getpid());
    send_our_trap(text);
    assert_true(log_line_with(text, "agent=192.0.2.7 ", line, sizeof line));
    assert_int_equal(SnmpSetAgentAddress(NULL), SNMPAPI_SUCCESS);
    snprintf(text, sizeof text, "agent-addr-none-%ld", (long)getpid());
    send_our_trap(text);
    assert_true(log_line_with(text, "agent=0.0.0.0 ", line, sizeof line));
}

/* Captures the next datagram snmptrap sends to a socket of ours. */
static size_t
capture_v1_trap(const char *args, uint8_t *buf, size_t cap)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    assert_int_equal(wire_run(NULL, "snmptrap -v1 -c public 127.0.0.1:%u %s 2>/dev/null",
                              ntohs(a.sin_port), args), 0);
    struct pollfd p = {fd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 5000), 1);
    ssize_t n = recv(fd, buf, cap, 0);
    close(fd);
    assert_true(n > 0);
    return (size_t)n;
}

/* SnmpDecodeMsg of a v1 Trap-PDU, then SnmpEncodeMsg to a v1 entity, gives
 * back the same bytes (RFC 3584 3.1 then 3.2), and the decoded PDU has a
 * non-zero request id like a delivered trap.  Before the change the
 * re-encoded trap carried three extra varbinds and the id was 0. */
static void
round_trip(const char *args, const char *log_want)
{
    uint8_t in[1500];
    size_t n = capture_v1_trap(args, in, sizeof in);
    smiOCTETS msg = {(smiUINT32)n, in};
    HSNMP_CONTEXT ctx = NULL;
    HSNMP_PDU pdu = NULL;
    HSNMP_ENTITY src = (HSNMP_ENTITY)1, dst = (HSNMP_ENTITY)1;
    assert_int_equal(SnmpDecodeMsg(fx.sess, &src, &dst, &ctx, &pdu, &msg), n);
    smiINT type = 0;
    smiINT32 rid = 0;
    assert_int_equal(SnmpGetPduData(pdu, &type, &rid, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_TRAP);
    assert_true(rid != 0);

    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", fx.peers.trapd_port);
    HSNMP_ENTITY v1 = wire_entity(fx.sess, SNMPAPI_UNTRANSLATED_V1, addr);
    smiOCTETS out;
    SNMPAPI_STATUS len = SnmpEncodeMsg(fx.sess, NULL, v1, ctx, pdu, &out);
    assert_int_equal(len, n);
    assert_memory_equal(out.ptr, in, n);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&out);

    /* and snmptrapd sees the original trap when we send it on */
    assert_int_equal(SnmpSendMsg(fx.sess, NULL, v1, ctx, pdu), SNMPAPI_SUCCESS);
    char line[2048];
    assert_true(log_line_with(log_want, NULL, line, sizeof line));
    assert_null(strstr(line, "1.3.6.1.6.3.1.1.4.3.0"));
    assert_null(strstr(line, "1.3.6.1.6.3.18.1"));
    SnmpFreeEntity(v1);
    SnmpFreeContext(ctx);
    SnmpFreePdu(pdu);
}

static void
test_v1_enterprise_specific_trap_round_trip(void **state)
{
    (void)state;
    round_trip(".1.3.6.1.4.1.8072.2.3 192.0.2.9 6 17 12345 .1.3.6.1.2.1.1.5.0 s round-trip-6",
               "agent=192.0.2.9 enterprise=.1.3.6.1.4.1.8072.2.3 generic=6 specific=.17 "
               "uptime=12345 .1.3.6.1.2.1.1.5.0 = STRING: \"round-trip-6\"");
}

static void
test_v1_generic_trap_round_trip(void **state)
{
    (void)state;
    assert_int_equal(SnmpConveyAgentAddress(SNMPAPI_ON), SNMPAPI_SUCCESS);
    round_trip(".1.3.6.1.4.1.8072.3.2.10 192.0.2.10 3 0 54321 .1.3.6.1.2.1.2.2.1.1.2 i 2",
               "agent=192.0.2.10 enterprise=.1.3.6.1.4.1.8072.3.2.10 generic=3 specific=0 "
               "uptime=54321 .1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2");
    assert_int_equal(SnmpConveyAgentAddress(SNMPAPI_OFF), SNMPAPI_SUCCESS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv6_trap_reaches_session_registered_with_ipv4_src),
        cmocka_unit_test(test_convey_agent_address),
        cmocka_unit_test(test_set_agent_address),
        cmocka_unit_test(test_v1_enterprise_specific_trap_round_trip),
        cmocka_unit_test(test_v1_generic_trap_round_trip),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
