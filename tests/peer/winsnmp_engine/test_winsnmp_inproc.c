/* test_winsnmp_inproc.c: manager and agent sessions in one process on loopback: pollable fd, wait, listen rules, shared request ids, trap port in use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "engine_util.h"

#define WINDOW ((HWND)(uintptr_t)0x1234)

static HSNMP_VBL
one_vb(HSNMP_SESSION s, const char *oid, const smiVALUE *v)
{
    smiOID name;
    assert_true(SnmpStrToOid(oid, &name) > 0);
    HSNMP_VBL vbl = SnmpCreateVbl(s, &name, v);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    assert_non_null(vbl);
    return vbl;
}

/* The agent side: takes one request from `agent` and answers it with the
 * request's community as an OCTET STRING value.  Returns the wire id. */
static smiINT32
agent_answer_one(HSNMP_SESSION agent)
{
    int fd = wn_wsnmp_session_fd(agent);
    assert_true(fd >= 0);
    struct pollfd p = {fd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 3000), 1);
    HSNMP_ENTITY src, dst;
    HSNMP_CONTEXT ctx;
    HSNMP_PDU pdu;
    assert_int_equal(SnmpRecvMsg(agent, &src, &dst, &ctx, &pdu), SNMPAPI_SUCCESS);
    smiINT type;
    smiINT32 id;
    HSNMP_VBL vbl;
    assert_int_equal(SnmpGetPduData(pdu, &type, &id, NULL, NULL, &vbl), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_GET);
    smiOCTETS comm;
    assert_int_equal(SnmpContextToStr(ctx, &comm), SNMPAPI_SUCCESS);
    smiOID name;
    smiVALUE old;
    assert_int_equal(SnmpGetVb(vbl, 1, &name, &old), SNMPAPI_SUCCESS);
    smiVALUE v;
    v.syntax = SNMP_SYNTAX_OCTETS;
    v.value.string = comm;
    assert_int_equal(SnmpSetVb(vbl, 1, &name, &v), 1);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &comm);
    HSNMP_PDU resp = SnmpCreatePdu(agent, SNMP_PDU_RESPONSE, id, 0, 0, vbl);
    assert_non_null(resp);
    /* Answer from the listening entity to the manager. */
    assert_int_equal(SnmpSendMsg(agent, dst, src, ctx, resp), SNMPAPI_SUCCESS);
    SnmpFreePdu(resp);
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(src);
    SnmpFreeEntity(dst);
    return id;
}

/* The manager side: waits for the answer to `reqid` and checks the echoed
 * community. */
static void
manager_expect(HSNMP_SESSION mgr, smiINT32 reqid, const char *community)
{
    assert_int_equal(wn_wsnmp_wait(mgr, 3000), SNMPAPI_SUCCESS);
    HSNMP_ENTITY src, dst;
    HSNMP_CONTEXT ctx;
    HSNMP_PDU pdu;
    assert_int_equal(SnmpRecvMsg(mgr, &src, &dst, &ctx, &pdu), SNMPAPI_SUCCESS);
    smiINT type, status;
    smiINT32 id;
    HSNMP_VBL vbl;
    assert_int_equal(SnmpGetPduData(pdu, &type, &id, &status, NULL, &vbl), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_RESPONSE);
    assert_int_equal(id, reqid);
    assert_int_equal(status, 0);
    smiOID name;
    smiVALUE v;
    assert_int_equal(SnmpGetVb(vbl, 1, &name, &v), SNMPAPI_SUCCESS);
    assert_int_equal(v.syntax, SNMP_SYNTAX_OCTETS);
    assert_int_equal(v.value.string.len, strlen(community));
    assert_memory_equal(v.value.string.ptr, community, strlen(community));
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&v.value.string);
    SnmpFreeVbl(vbl);
    SnmpFreePdu(pdu);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(src);
    SnmpFreeEntity(dst);
}

static smiINT32
send_get(HSNMP_SESSION s, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, smiINT32 reqid)
{
    HSNMP_VBL vbl = one_vb(s, "1.3.6.1.2.1.1.5.0", NULL);
    HSNMP_PDU pdu = SnmpCreatePdu(s, SNMP_PDU_GET, reqid, 0, 0, vbl);
    smiINT32 id = 0;
    SnmpGetPduData(pdu, NULL, &id, NULL, NULL, NULL);
    assert_int_equal(SnmpSendMsg(s, NULL, dst, ctx, pdu), SNMPAPI_SUCCESS);
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    return id;
}

static void
test_window_mode_sessions_wait_on_fd_and_wait(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", eng_free_udp_port());
    HSNMP_SESSION agent = SnmpCreateSession(WINDOW, 0x400, NULL, NULL);
    HSNMP_SESSION mgr = SnmpCreateSession(WINDOW, 0x401, NULL, NULL);
    assert_non_null(agent);
    assert_non_null(mgr);
    HSNMP_ENTITY ae = SnmpStrToEntity(agent, addr);
    assert_int_equal(SnmpListen(ae, SNMPAPI_ON), SNMPAPI_SUCCESS);
    /* Nothing queued yet: wait times out with NOOP, the fd is quiet. */
    assert_int_equal(wn_wsnmp_wait(mgr, 50), SNMPAPI_NOOP);
    int fd = wn_wsnmp_session_fd(agent);
    struct pollfd p = {fd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 0), 0);

    HSNMP_ENTITY dst = SnmpStrToEntity(mgr, addr);
    HSNMP_CONTEXT ctx = eng_context(mgr, "public");
    smiINT32 id = send_get(mgr, dst, ctx, 0);
    assert_int_equal(agent_answer_one(agent), id);
    /* Drained: the fd is quiet again. */
    assert_int_equal(poll(&p, 1, 0), 0);
    manager_expect(mgr, id, "public");
    assert_int_equal(wn_wsnmp_wait(mgr, 20), SNMPAPI_NOOP);

    struct wn_wsnmp_stats st;
    wn_wsnmp_get_stats(&st);
    assert_true(st.rx >= 2);
    assert_true(st.tx >= 2);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    /* After cleanup the session is gone. */
    assert_int_equal(wn_wsnmp_session_fd(agent), -1);
}

static void
test_same_request_id_from_two_sessions_is_matched_to_each(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", eng_free_udp_port());
    HSNMP_SESSION agent = SnmpCreateSession(WINDOW, 1, NULL, NULL);
    HSNMP_ENTITY ae = SnmpStrToEntity(agent, addr);
    assert_int_equal(SnmpListen(ae, SNMPAPI_ON), SNMPAPI_SUCCESS);
    HSNMP_SESSION m1 = SnmpCreateSession(WINDOW, 2, NULL, NULL);
    HSNMP_SESSION m2 = SnmpCreateSession(WINDOW, 3, NULL, NULL);
    HSNMP_ENTITY d1 = SnmpStrToEntity(m1, addr), d2 = SnmpStrToEntity(m2, addr);
    HSNMP_CONTEXT c1 = eng_context(m1, "one"), c2 = eng_context(m2, "two");
    /* Both sessions use request id 777, outstanding at the same time. */
    assert_int_equal(send_get(m1, d1, c1, 777), 777);
    assert_int_equal(send_get(m2, d2, c2, 777), 777);
    smiINT32 w1 = agent_answer_one(agent);
    smiINT32 w2 = agent_answer_one(agent);
    assert_int_not_equal(w1, w2);          /* distinct on the wire */
    assert_true(w1 == 777 || w2 == 777);   /* the first keeps its own id */
    manager_expect(m1, 777, "one");
    manager_expect(m2, 777, "two");
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_listen_rules_and_port_release(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    char addr[64];
    uint16_t port = eng_free_udp_port();
    snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
    HSNMP_SESSION a = SnmpCreateSession(WINDOW, 1, NULL, NULL);
    HSNMP_ENTITY e = SnmpStrToEntity(a, addr);
    assert_int_equal(SnmpListen(e, 5), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_MODE_INVALID);
    assert_int_equal(SnmpListenEx(e, SNMPAPI_ON, 7), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_MODE_INVALID);
    assert_int_equal(SnmpListen(e, SNMPAPI_ON), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpListen(e, SNMPAPI_ON), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpSetPort(e, 9999), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OPERATION_INVALID);

    /* The port is taken while e listens ... */
    HSNMP_SESSION b = SnmpCreateSession(WINDOW, 2, NULL, NULL);
    HSNMP_ENTITY e2 = SnmpStrToEntity(b, addr);
    assert_int_equal(SnmpListen(e2, SNMPAPI_ON), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_TL_IN_USE);
    /* ... and free again once its session is closed. */
    assert_int_equal(SnmpClose(a), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpListen(e2, SNMPAPI_ON), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpListen(e2, SNMPAPI_OFF), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpListen(e2, SNMPAPI_OFF), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    /* Every address of the family, same port. */
    assert_int_equal(SnmpListenEx(e2, SNMPAPI_ON, SNMPLISTEN_ALL_ADDR), SNMPAPI_SUCCESS);
    HSNMP_SESSION m = SnmpCreateSession(WINDOW, 3, NULL, NULL);
    HSNMP_ENTITY d = SnmpStrToEntity(m, addr);
    HSNMP_CONTEXT c = eng_context(m, "public");
    smiINT32 id = send_get(m, d, c, 0);
    assert_int_equal(agent_answer_one(b), id);
    manager_expect(m, id, "public");
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_busy_trap_port_is_tl_in_use(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t l = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &l);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(wn_wsnmp_set_trap_port(ntohs(a.sin_port)), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = SnmpCreateSession(WINDOW, 1, NULL, NULL);
    /* The library says which port it could not bind (WN_LOG=warn, set for
     * this test program), so the administrator need not guess. */
    FILE *err = tmpfile();
    assert_non_null(err);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(err), STDERR_FILENO);
    SNMPAPI_STATUS st = SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_ON);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    char said[512] = "";
    rewind(err);
    size_t n = fread(said, 1, sizeof said - 1, err);
    said[n] = '\0';
    fclose(err);
    assert_int_equal(st, SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_TL_IN_USE);
    char want[64];
    snprintf(want, sizeof want, "cannot listen on UDP 0.0.0.0:%u for traps", ntohs(a.sin_port));
    if (!strstr(said, want))
        fail_msg("no '%s' on stderr: '%s'", want, said);
    close(fd);
    /* Once the port is free, registering works (twice is accepted). */
    assert_int_equal(SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_ON), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_ON), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_OFF), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static atomic_uint cb_calls;

static SNMPAPI_STATUS CALLBACK
refusing_cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    atomic_fetch_add(&cb_calls, 1);
    return SNMPAPI_FAILURE;
}

static void
test_callback_failure_closes_the_session(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", eng_free_udp_port());
    HSNMP_SESSION agent = SnmpCreateSession(WINDOW, 1, NULL, NULL);
    HSNMP_ENTITY ae = SnmpStrToEntity(agent, addr);
    assert_int_equal(SnmpListen(ae, SNMPAPI_ON), SNMPAPI_SUCCESS);
    HSNMP_SESSION mgr = SnmpCreateSession(NULL, 0, refusing_cb, NULL);
    HSNMP_ENTITY d = SnmpStrToEntity(mgr, addr);
    HSNMP_CONTEXT c = eng_context(mgr, "public");
    send_get(mgr, d, c, 0);
    agent_answer_one(agent);
    for (int i = 0; i < 300 && atomic_load(&cb_calls) == 0; i++)
        usleep(10000);
    usleep(50000);
    assert_int_equal(atomic_load(&cb_calls), 1);
    assert_int_equal(SnmpClose(mgr), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SESSION_INVALID);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

/* ---- conformance items 46, 51 and 54 (winsnmp.md section 4) ---- */

static atomic_uint note_calls;
static atomic_ulong note_wp, note_lp;

static SNMPAPI_STATUS CALLBACK
noting_cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)d;
    atomic_store(&note_wp, (unsigned long)wp);
    atomic_store(&note_lp, (unsigned long)lp);
    atomic_fetch_add(&note_calls, 1);
    return SNMPAPI_SUCCESS;
}

/* 46: the callback gets wParam 0 and lParam = request id; SnmpRecvMsg
 * gives src = the agent, dst = the manager's address, the context and a
 * RESPONSE with the same id. */
static void
test_response_notification_and_recvmsg_outs(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", eng_free_udp_port());
    HSNMP_SESSION agent = SnmpCreateSession(WINDOW, 1, NULL, NULL);
    assert_int_equal(SnmpListen(SnmpStrToEntity(agent, addr), SNMPAPI_ON), SNMPAPI_SUCCESS);
    atomic_store(&note_calls, 0);
    HSNMP_SESSION mgr = SnmpCreateSession(NULL, 0, noting_cb, NULL);
    HSNMP_ENTITY d = SnmpStrToEntity(mgr, addr);
    HSNMP_CONTEXT c = eng_context(mgr, "ctx46");
    smiINT32 id = send_get(mgr, d, c, 4646);
    assert_int_equal(agent_answer_one(agent), id);
    for (int i = 0; i < 300 && atomic_load(&note_calls) == 0; i++)
        usleep(10000);
    assert_int_equal(atomic_load(&note_calls), 1);
    assert_int_equal(atomic_load(&note_wp), 0);
    assert_int_equal((smiINT32)atomic_load(&note_lp), 4646);

    HSNMP_ENTITY src, dst;
    HSNMP_CONTEXT ctx;
    HSNMP_PDU pdu;
    assert_int_equal(SnmpRecvMsg(mgr, &src, &dst, &ctx, &pdu), SNMPAPI_SUCCESS);
    char buf[80];
    assert_true(SnmpEntityToStr(src, sizeof buf, buf) > 0);
    assert_string_equal(buf, addr);
    /* The manager side: the address our requests leave from (its port is
     * the one the agent answered to). */
    assert_non_null(dst);
    assert_true(SnmpEntityToStr(dst, sizeof buf, buf) > 0);
    assert_non_null(strchr(buf, ':'));
    assert_true(atoi(strrchr(buf, ':') + 1) > 0);
    smiOCTETS comm;
    assert_int_equal(SnmpContextToStr(ctx, &comm), SNMPAPI_SUCCESS);
    assert_int_equal(comm.len, 5);
    assert_memory_equal(comm.ptr, "ctx46", 5);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &comm);
    smiINT type;
    smiINT32 rid;
    assert_int_equal(SnmpGetPduData(pdu, &type, &rid, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_RESPONSE);
    assert_int_equal(rid, 4646);
    /* Drained: the next call is NOOP again (45). */
    assert_int_equal(SnmpRecvMsg(mgr, NULL, NULL, NULL, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(mgr), SNMPAPI_NOOP);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

/* 54: answers in the reverse order of the requests are each matched to
 * their own request by request id. */
static void
test_out_of_order_responses_are_matched_by_request_id(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", eng_free_udp_port());
    HSNMP_SESSION agent = SnmpCreateSession(WINDOW, 1, NULL, NULL);
    assert_int_equal(SnmpListen(SnmpStrToEntity(agent, addr), SNMPAPI_ON), SNMPAPI_SUCCESS);
    HSNMP_SESSION mgr = SnmpCreateSession(WINDOW, 2, NULL, NULL);
    HSNMP_ENTITY d = SnmpStrToEntity(mgr, addr);
    const char *comm[3] = {"first", "second", "third"};
    smiINT32 ids[3];
    for (int i = 0; i < 3; i++)
        ids[i] = send_get(mgr, d, eng_context(mgr, comm[i]), 5400 + i);
    /* The agent takes all three, then answers the last one first. */
    HSNMP_ENTITY src[3], dst[3];
    HSNMP_CONTEXT ctx[3];
    HSNMP_PDU req[3];
    for (int i = 0; i < 3; i++) {
        if (wn_wsnmp_wait(agent, 3000) != SNMPAPI_SUCCESS)
            fail_msg("request %d did not arrive", i);
        assert_int_equal(SnmpRecvMsg(agent, &src[i], &dst[i], &ctx[i], &req[i]), SNMPAPI_SUCCESS);
    }
    for (int i = 2; i >= 0; i--) {
        smiINT32 id;
        HSNMP_VBL vbl;
        assert_int_equal(SnmpGetPduData(req[i], NULL, &id, NULL, NULL, &vbl), SNMPAPI_SUCCESS);
        smiOID name;
        smiVALUE v;
        assert_int_equal(SnmpGetVb(vbl, 1, &name, &v), SNMPAPI_SUCCESS);
        smiOCTETS cs;
        assert_int_equal(SnmpContextToStr(ctx[i], &cs), SNMPAPI_SUCCESS);
        v.syntax = SNMP_SYNTAX_OCTETS;
        v.value.string = cs;
        assert_int_equal(SnmpSetVb(vbl, 1, &name, &v), 1);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
        SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &cs);
        HSNMP_PDU resp = SnmpCreatePdu(agent, SNMP_PDU_RESPONSE, id, 0, 0, vbl);
        assert_int_equal(SnmpSendMsg(agent, dst[i], src[i], ctx[i], resp), SNMPAPI_SUCCESS);
    }
    /* They arrive last-first; each carries its own request's community. */
    for (int i = 2; i >= 0; i--)
        manager_expect(mgr, ids[i], comm[i]);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

/* Sends an SNMPv2-Trap with snmpTrapOID.0 = trap_oid from s to dst. */
static void
send_trap(HSNMP_SESSION s, HSNMP_ENTITY dst, HSNMP_CONTEXT c, const char *trap_oid)
{
    smiVALUE up;
    up.syntax = SNMP_SYNTAX_TIMETICKS;
    up.value.uNumber = 7;
    HSNMP_VBL vbl = one_vb(s, "1.3.6.1.2.1.1.3.0", &up);
    smiOID name, toid;
    assert_true(SnmpStrToOid("1.3.6.1.6.3.1.1.4.1.0", &name) > 0);
    assert_true(SnmpStrToOid(trap_oid, &toid) > 0);
    smiVALUE tv;
    tv.syntax = SNMP_SYNTAX_OID;
    tv.value.oid = toid;
    assert_int_equal(SnmpSetVb(vbl, 0, &name, &tv), 2);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&toid);
    HSNMP_PDU pdu = SnmpCreatePdu(s, SNMP_PDU_TRAP, 0, 0, 0, vbl);
    assert_int_equal(SnmpSendMsg(s, NULL, dst, c, pdu), SNMPAPI_SUCCESS);
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
}

/* The notification OID of the next trap queued for s, "" if none comes
 * within ms. */
static void
next_trap_oid(HSNMP_SESSION s, unsigned ms, char *out, size_t outsz)
{
    out[0] = '\0';
    if (wn_wsnmp_wait(s, ms) != SNMPAPI_SUCCESS)
        return;
    HSNMP_PDU pdu;
    assert_int_equal(SnmpRecvMsg(s, NULL, NULL, NULL, &pdu), SNMPAPI_SUCCESS);
    HSNMP_VBL vbl;
    assert_int_equal(SnmpGetPduData(pdu, NULL, NULL, NULL, NULL, &vbl), SNMPAPI_SUCCESS);
    smiOID name;
    smiVALUE v;
    assert_int_equal(SnmpGetVb(vbl, 2, &name, &v), SNMPAPI_SUCCESS);
    assert_int_equal(v.syntax, SNMP_SYNTAX_OID);
    assert_true(SnmpOidToStr(&v.value.oid, (smiUINT32)outsz, out) > 0);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&v.value.oid);
    SnmpFreeVbl(vbl);
    SnmpFreePdu(pdu);
}

/* 51: a notification prefix matches sub-identifier-wise (311.1.2 yes, 312
 * no, an OID shorter than the prefix no); a redundant registration
 * succeeds; OFF with the same arguments stops delivery. */
static void
test_register_prefix_filter_and_redundant_registration(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    uint16_t port = eng_free_udp_port();
    assert_int_equal(wn_wsnmp_set_trap_port(port), SNMPAPI_SUCCESS);
    HSNMP_SESSION r = SnmpCreateSession(WINDOW, 1, NULL, NULL);
    smiOID prefix;
    assert_true(SnmpStrToOid("1.3.6.1.4.1.311", &prefix) > 0);
    assert_int_equal(SnmpRegister(r, NULL, NULL, NULL, &prefix, SNMPAPI_ON), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpRegister(r, NULL, NULL, NULL, &prefix, SNMPAPI_ON), SNMPAPI_SUCCESS);

    char dst[64], got[160];
    snprintf(dst, sizeof dst, "127.0.0.1:%u", port);
    HSNMP_SESSION tx = SnmpCreateSession(WINDOW, 2, NULL, NULL);
    HSNMP_ENTITY d = SnmpStrToEntity(tx, dst);
    HSNMP_CONTEXT c = eng_context(tx, "public");
    send_trap(tx, d, c, "1.3.6.1.4.1.312.1.2");
    send_trap(tx, d, c, "1.3.6.1.4.1");
    send_trap(tx, d, c, "1.3.6.1.4.1.311.1.2");
    /* Only the third one, delivered once despite the two registrations. */
    next_trap_oid(r, 3000, got, sizeof got);
    assert_string_equal(got, "1.3.6.1.4.1.311.1.2");
    next_trap_oid(r, 300, got, sizeof got);
    assert_string_equal(got, "");

    /* OFF with the same arguments: nothing more arrives. */
    assert_int_equal(SnmpRegister(r, NULL, NULL, NULL, &prefix, SNMPAPI_OFF), SNMPAPI_SUCCESS);
    send_trap(tx, d, c, "1.3.6.1.4.1.311.1.3");
    next_trap_oid(r, 300, got, sizeof got);
    assert_string_equal(got, "");
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&prefix);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

/* A v1 Trap-PDU (no request id on the wire) reaches a registered session
 * as an SNMPv2-Trap with a non-zero request id, the same in lParam and in
 * the PDU (winsnmp.md: implementation-assigned, non-zero). */
static void
test_v1_trap_gets_a_nonzero_request_id(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    uint16_t port = eng_free_udp_port();
    assert_int_equal(wn_wsnmp_set_trap_port(port), SNMPAPI_SUCCESS);
    atomic_store(&note_calls, 0);
    HSNMP_SESSION r = SnmpCreateSession(NULL, 0, noting_cb, NULL);
    assert_int_equal(SnmpRegister(r, NULL, NULL, NULL, NULL, SNMPAPI_ON), SNMPAPI_SUCCESS);
    /* Sent to a v1 entity, our v2 trap leaves as a v1 Trap-PDU. */
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V1);
    char dst[64];
    snprintf(dst, sizeof dst, "127.0.0.1:%u", port);
    HSNMP_SESSION tx = SnmpCreateSession(WINDOW, 2, NULL, NULL);
    send_trap(tx, SnmpStrToEntity(tx, dst), eng_context(tx, "public"), "1.3.6.1.6.3.1.1.5.4");
    for (int i = 0; i < 300 && atomic_load(&note_calls) == 0; i++)
        usleep(10000);
    assert_int_equal(atomic_load(&note_calls), 1);
    assert_int_equal(atomic_load(&note_wp), 0);
    smiINT32 lp = (smiINT32)atomic_load(&note_lp);
    assert_int_not_equal(lp, 0);
    HSNMP_PDU pdu;
    assert_int_equal(SnmpRecvMsg(r, NULL, NULL, NULL, &pdu), SNMPAPI_SUCCESS);
    smiINT type;
    smiINT32 id;
    assert_int_equal(SnmpGetPduData(pdu, &type, &id, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_TRAP);
    assert_int_equal(id, lp);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

/* Every registered session hears of a trap, however many there are (the
 * fan-out once stopped silently at 64 sessions: this test failed with 64
 * of 100 callbacks against that code). */
#define FANOUT_SESSIONS 100

static atomic_uint fanout_calls;

static SNMPAPI_STATUS CALLBACK
fanout_cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    atomic_fetch_add(&fanout_calls, 1);
    return SNMPAPI_SUCCESS;
}

static void
test_trap_reaches_every_registered_session(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    uint16_t port = eng_free_udp_port();
    assert_int_equal(wn_wsnmp_set_trap_port(port), SNMPAPI_SUCCESS);
    atomic_store(&fanout_calls, 0);
    for (int i = 0; i < FANOUT_SESSIONS; i++) {
        HSNMP_SESSION r = SnmpCreateSession(NULL, 0, fanout_cb, NULL);
        assert_non_null(r);
        assert_int_equal(SnmpRegister(r, NULL, NULL, NULL, NULL, SNMPAPI_ON), SNMPAPI_SUCCESS);
    }
    char dst[64];
    snprintf(dst, sizeof dst, "127.0.0.1:%u", port);
    HSNMP_SESSION tx = SnmpCreateSession(WINDOW, 2, NULL, NULL);
    send_trap(tx, SnmpStrToEntity(tx, dst), eng_context(tx, "public"), "1.3.6.1.6.3.1.1.5.4");
    for (int i = 0; i < 1000 && atomic_load(&fanout_calls) < FANOUT_SESSIONS; i++)
        usleep(10000);
    usleep(100000);   /* and no session is told twice */
    assert_int_equal(atomic_load(&fanout_calls), FANOUT_SESSIONS);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

int
main(void)
{
    /* Warnings on: the busy-port test reads what the library says. */
    setenv("WN_LOG", "warn", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_mode_sessions_wait_on_fd_and_wait),
        cmocka_unit_test(test_same_request_id_from_two_sessions_is_matched_to_each),
        cmocka_unit_test(test_listen_rules_and_port_release),
        cmocka_unit_test(test_busy_trap_port_is_tl_in_use),
        cmocka_unit_test(test_callback_failure_closes_the_session),
        cmocka_unit_test(test_response_notification_and_recvmsg_outs),
        cmocka_unit_test(test_out_of_order_responses_are_matched_by_request_id),
        cmocka_unit_test(test_register_prefix_filter_and_redundant_registration),
        cmocka_unit_test(test_v1_trap_gets_a_nonzero_request_id),
        cmocka_unit_test(test_trap_reaches_every_registered_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
