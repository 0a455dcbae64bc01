/* test_wire_timeout.c: retransmission, timeout notification and SnmpCancelMsg against a silent UDP port that counts datagrams. */
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

#include "wire_util.h"

/* A bound UDP socket that never answers; a thread records every datagram. */
struct sink {
    int fd;
    unsigned port;
    pthread_t thr;
    int thr_started;
    pthread_mutex_t mu;
    int stop;
    unsigned count;
    uint8_t last[2048];
    size_t last_len;
    uint8_t all[64][2048];
    size_t all_len[64];
};

static struct sink sink;
static struct wire_events events;
static HSNMP_SESSION session;

static void *
sink_main(void *arg)
{
    struct sink *k = arg;
    for (;;) {
        pthread_mutex_lock(&k->mu);
        int stop = k->stop;
        pthread_mutex_unlock(&k->mu);
        if (stop)
            break;
        struct pollfd pfd = { k->fd, POLLIN, 0 };
        if (poll(&pfd, 1, 20) <= 0)
            continue;
        uint8_t buf[2048];
        ssize_t n = recv(k->fd, buf, sizeof buf, 0);
        if (n < 0)
            continue;
        pthread_mutex_lock(&k->mu);
        if (k->count < 64) {
            memcpy(k->all[k->count], buf, (size_t)n);
            k->all_len[k->count] = (size_t)n;
        }
        k->count++;
        pthread_mutex_unlock(&k->mu);
    }
    return NULL;
}

static unsigned
sink_count(void)
{
    pthread_mutex_lock(&sink.mu);
    unsigned c = sink.count;
    pthread_mutex_unlock(&sink.mu);
    return c;
}

static void
sink_reset(void)
{
    pthread_mutex_lock(&sink.mu);
    sink.count = 0;
    pthread_mutex_unlock(&sink.mu);
}

/* request_id of captured datagram i, decoded with SnmpDecodeMsg. */
static smiINT32
sink_request_id(unsigned i)
{
    smiOCTETS msg;
    HSNMP_ENTITY src = NULL, dst = NULL;
    HSNMP_CONTEXT ctx = NULL;
    HSNMP_PDU pdu = NULL;
    smiINT32 rid = 0;
    pthread_mutex_lock(&sink.mu);
    msg.len = (smiUINT32)sink.all_len[i];
    msg.ptr = sink.all[i];
    pthread_mutex_unlock(&sink.mu);
    assert_int_not_equal(SnmpDecodeMsg(session, &src, &dst, &ctx, &pdu, &msg), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetPduData(pdu, NULL, &rid, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpFreePdu(pdu);
    SnmpFreeContext(ctx);
    if (src != NULL)
        SnmpFreeEntity(src);
    if (dst != NULL)
        SnmpFreeEntity(dst);
    return rid;
}

static int
setup_inner(void)
{
    memset(&sink, 0, sizeof sink);
    sink.fd = -1;
    pthread_mutex_init(&sink.mu, NULL);
    wire_events_init(&events);
    sink.fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (sink.fd < 0)
        return -1;
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (bind(sink.fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(sink.fd, (struct sockaddr *)&sa, &sl) != 0)
        return -1;
    sink.port = ntohs(sa.sin_port);
    if (pthread_create(&sink.thr, NULL, sink_main, &sink) != 0)
        return -1;
    sink.thr_started = 1;
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    session = SnmpCreateSession(NULL, 0, wire_events_cb, &events);
    return session == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    int rc = 0;
    if (session != NULL && SnmpClose(session) != SNMPAPI_SUCCESS)
        rc = -1;
    if (SnmpCleanup() != SNMPAPI_SUCCESS)
        rc = -1;
    if (sink.thr_started) {
        pthread_mutex_lock(&sink.mu);
        sink.stop = 1;
        pthread_mutex_unlock(&sink.mu);
        pthread_join(sink.thr, NULL);
    }
    if (sink.fd >= 0)
        close(sink.fd);
    pthread_mutex_destroy(&sink.mu);
    wire_events_destroy(&events);
    return rc;
}

/* Drains events left over by an earlier test. */
static void
drain_events(void)
{
    while (wire_events_wait(&events, 0, NULL) == 0) {
    }
}

static smiINT32
send_get(HSNMP_ENTITY dst, HSNMP_CONTEXT ctx)
{
    const char *const names[] = {"1.3.6.1.2.1.1.1.0", NULL};
    smiINT32 rid = 0;
    assert_int_equal(wire_send(session, dst, ctx, SNMP_PDU_GET, 0, 0, names, NULL, &rid), 0);
    return rid;
}

static HSNMP_ENTITY
sink_entity(smiTIMETICKS timeout_cs, smiUINT32 retry)
{
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", sink.port);
    HSNMP_ENTITY e = wire_entity(session, SNMPAPI_UNTRANSLATED_V2, addr);
    assert_int_equal(SnmpSetTimeout(e, timeout_cs), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetRetry(e, retry), SNMPAPI_SUCCESS);
    return e;
}

/* timeout 10 cs, retry 2: exactly 3 datagrams with one request id, then
 * one callback wParam = SNMPAPI_TL_TIMEOUT, lParam = request id. */
static void
test_unanswered_request_is_sent_three_times_then_times_out(void **s)
{
    (void)s;
    drain_events();
    sink_reset();
    assert_int_equal(SnmpSetRetransmitMode(SNMPAPI_ON), SNMPAPI_SUCCESS);
    struct wn_wsnmp_stats before, after;
    wn_wsnmp_get_stats(&before);
    HSNMP_ENTITY dst = sink_entity(10, 2);
    HSNMP_CONTEXT ctx = wire_context(session, SNMPAPI_UNTRANSLATED_V2, "public");
    uint64_t t0 = wire_now_ms();
    smiINT32 rid = send_get(dst, ctx);

    struct wire_event ev;
    assert_int_equal(wire_events_wait(&events, 3000, &ev), 0);
    uint64_t elapsed = wire_now_ms() - t0;
    assert_ptr_equal(ev.session, session);
    assert_int_equal(ev.wparam, SNMPAPI_TL_TIMEOUT);
    assert_int_equal((smiINT32)ev.lparam, rid);
    /* 3 x 100 ms; generous upper bound for a loaded machine */
    assert_true(elapsed >= 250);
    assert_true(elapsed < 2000);

    wire_sleep_ms(400);    /* nothing more may arrive */
    assert_int_equal(sink_count(), 3);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(sink_request_id(i), rid);
    assert_int_equal(wire_events_wait(&events, 0, NULL), -1);

    wn_wsnmp_get_stats(&after);
    assert_int_equal(after.timeouts - before.timeouts, 1);
    assert_int_equal(after.retransmits - before.retransmits, 2);
    assert_true(after.tx - before.tx >= 3);

    /* The failed request is reported by the next SnmpRecvMsg too: it fails
     * with SNMPAPI_TL_TIMEOUT and its outs say which request it was
     * (network-transport-errors.md; winsnmp.md SnmpRecvMsg). */
    HSNMP_ENTITY a = NULL, b = NULL;
    HSNMP_CONTEXT c = NULL;
    HSNMP_PDU p = NULL;
    assert_int_equal(SnmpRecvMsg(session, &a, &b, &c, &p), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(session), SNMPAPI_TL_TIMEOUT);
    assert_non_null(p);
    smiINT ptype = 0;
    smiINT32 pid = 0;
    assert_int_equal(SnmpGetPduData(p, &ptype, &pid, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(ptype, SNMP_PDU_GET);
    assert_int_equal(pid, rid);
    assert_non_null(a);     /* the destination that did not answer */
    /* ... with the request's varbinds and community (the engine keeps only
     * the request's bytes and decodes them for this report). */
    HSNMP_VBL rv = NULL;
    assert_int_equal(SnmpGetPduData(p, NULL, NULL, NULL, NULL, &rv), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCountVbl(rv), 1);
    smiOID rname, want;
    smiVALUE rval;
    assert_int_equal(SnmpGetVb(rv, 1, &rname, &rval), SNMPAPI_SUCCESS);
    wire_oid("1.3.6.1.2.1.1.1.0", &want);
    smiINT cmp = 1;
    assert_int_equal(SnmpOidCompare(&rname, &want, 0, &cmp), SNMPAPI_SUCCESS);
    assert_int_equal(cmp, 0);
    assert_int_equal(rval.syntax, SNMP_SYNTAX_NULL);
    wire_oid_free(&want);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&rname);
    SnmpFreeVbl(rv);
    assert_non_null(c);
    smiOCTETS comm;
    assert_int_equal(SnmpContextToStr(c, &comm), SNMPAPI_SUCCESS);
    assert_int_equal(comm.len, 6);
    assert_memory_equal(comm.ptr, "public", 6);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&comm);
    /* Reported once: the queue is empty afterwards. */
    assert_int_equal(SnmpRecvMsg(session, NULL, NULL, NULL, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(session), SNMPAPI_NOOP);
    if (p != NULL)
        SnmpFreePdu(p);
    if (a != NULL)
        SnmpFreeEntity(a);
    if (b != NULL)
        SnmpFreeEntity(b);
    if (c != NULL)
        SnmpFreeContext(c);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
}

/* SnmpSetRetransmitMode(OFF): one datagram only, whatever the retry policy */
static void
test_retransmit_mode_off_sends_once(void **s)
{
    (void)s;
    drain_events();
    sink_reset();
    assert_int_equal(SnmpSetRetransmitMode(SNMPAPI_OFF), SNMPAPI_SUCCESS);
    HSNMP_ENTITY dst = sink_entity(10, 3);
    HSNMP_CONTEXT ctx = wire_context(session, SNMPAPI_UNTRANSLATED_V2, "public");
    smiINT32 rid = send_get(dst, ctx);
    wire_sleep_ms(800);
    assert_int_equal(SnmpSetRetransmitMode(SNMPAPI_ON), SNMPAPI_SUCCESS);
    assert_int_equal(sink_count(), 1);
    assert_int_equal(sink_request_id(0), rid);
    SnmpCancelMsg(session, rid);    /* may or may not still be outstanding */
    wire_sleep_ms(100);
    drain_events();
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
}

/* Sends a Get with timeout 50 cs / retry 5 (6 sends over 3 s), cancels it
 * after the first datagram, watches 3.5 s.  Returns how many callbacks
 * named the request; *sent = datagrams seen. */
static unsigned
cancel_after_first_send(unsigned *sent)
{
    drain_events();
    sink_reset();
    assert_int_equal(SnmpSetRetransmitMode(SNMPAPI_ON), SNMPAPI_SUCCESS);
    HSNMP_ENTITY dst = sink_entity(50, 5);
    HSNMP_CONTEXT ctx = wire_context(session, SNMPAPI_UNTRANSLATED_V2, "public");
    smiINT32 rid = send_get(dst, ctx);
    uint64_t dl = wire_now_ms() + 2000;
    while (sink_count() == 0 && wire_now_ms() < dl)
        wire_sleep_ms(5);
    assert_int_equal(sink_count(), 1);
    assert_int_equal(SnmpCancelMsg(session, rid), SNMPAPI_SUCCESS);

    unsigned calls = 0;
    uint64_t end = wire_now_ms() + 3500;
    for (;;) {
        uint64_t now = wire_now_ms();
        struct wire_event ev;
        if (now >= end || wire_events_wait(&events, (unsigned)(end - now), &ev) != 0)
            break;
        if ((smiINT32)ev.lparam == rid)
            calls++;
    }
    *sent = sink_count();
    /* cancelling it again: no longer outstanding */
    assert_int_equal(SnmpCancelMsg(session, rid), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(session), SNMPAPI_PDU_INVALID);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
    return calls;
}

/* SnmpCancelMsg stops the retransmissions (WinSNMP spec). */
static void
test_cancel_stops_retransmission(void **s)
{
    (void)s;
    unsigned sent = 0;
    unsigned calls = cancel_after_first_send(&sent);
    assert_true(sent <= 2);     /* at most one resend raced the cancel */
    assert_true(calls <= 1);
}

/* The WinSNMP spec: SnmpCancelMsg "stops retransmission and timeout
 * notification", so a cancelled request is never called back.  (The
 * published API wins over the project's "cancel still calls back" rule;
 * docs/winsnmp-engine.md "Cancel and close".) */
static void
test_cancelled_request_is_not_called_back(void **s)
{
    (void)s;
    unsigned sent = 0;
    assert_int_equal(cancel_after_first_send(&sent), 0);
}

static void
test_cancel_of_unknown_request_is_pdu_invalid(void **s)
{
    (void)s;
    assert_int_equal(SnmpCancelMsg(session, 0x7badbeef), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(session), SNMPAPI_PDU_INVALID);
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
        cmocka_unit_test(test_unanswered_request_is_sent_three_times_then_times_out),
        cmocka_unit_test(test_retransmit_mode_off_sends_once),
        cmocka_unit_test(test_cancel_stops_retransmission),
        cmocka_unit_test(test_cancelled_request_is_not_called_back),
        cmocka_unit_test(test_cancel_of_unknown_request_is_pdu_invalid),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
