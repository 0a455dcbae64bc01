/* test_wire_badinput.c: malformed datagrams to our agent and to a manager's source port are dropped, counted, and harmless. */
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

#include "wire_agent.h"

static struct wire_peers peers;     /* no daemons: only the tools' private env */
static struct wire_agent agent;
static unsigned agent_port;
static struct wire_events events;
static HSNMP_SESSION session;       /* manager */
static int raw = -1;                /* our hand-made peer socket on 127.0.0.1 */
static struct sockaddr_in raw_addr;

/* A valid SNMPv2c Get for agent scalar .2.0, as our library encodes it. */
static uint8_t good[512];
static size_t good_len;

struct bad {
    const char *what;
    uint8_t buf[4096];
    size_t len;
};
#define MAX_BAD 24
static struct bad bads[MAX_BAD];
static size_t n_bad;

static struct bad *
add_bad(const char *what)
{
    assert_true(n_bad < MAX_BAD);
    struct bad *b = &bads[n_bad++];
    b->what = what;
    b->len = 0;
    return b;
}

static void
add_good_variant(const char *what, size_t len, size_t patch_at, uint8_t patch)
{
    struct bad *b = add_bad(what);
    memcpy(b->buf, good, good_len);
    b->len = len;
    if (patch_at < len)
        b->buf[patch_at] = patch;
}

/* Wraps content in `levels` SEQUENCEs with 2-byte long-form lengths. */
static void
add_deep_nesting(unsigned levels)
{
    struct bad *b = add_bad("nesting too deep");
    size_t len = 2;
    size_t start = sizeof b->buf - 2;
    b->buf[start] = 0x05;
    b->buf[start + 1] = 0x00;
    for (unsigned i = 0; i < levels && start >= 4; i++) {
        start -= 4;
        b->buf[start] = 0x30;
        b->buf[start + 1] = 0x82;
        b->buf[start + 2] = (uint8_t)(len >> 8);
        b->buf[start + 3] = (uint8_t)len;
        len += 4;
    }
    memmove(b->buf, b->buf + start, len);
    b->len = len;
}

static void
build_bad_inputs(void)
{
    /* good = 30 LL 02 01 VV 04 CL <community> A0 ... (short lengths) */
    assert_true(good_len > 20 && good_len < 128);
    assert_int_equal(good[0], 0x30);
    assert_int_equal(good[1], good_len - 2);
    assert_int_equal(good[2], 0x02);
    assert_int_equal(good[3], 0x01);
    assert_int_equal(good[5], 0x04);
    size_t pdu_at = 7 + good[6];
    assert_int_equal(good[pdu_at], SNMP_PDU_GET);

    n_bad = 0;
    add_bad("empty datagram");
    add_good_variant("one byte", 1, 99, 0);
    add_good_variant("truncated to half", good_len / 2, 999, 0);
    add_good_variant("truncated by one byte", good_len - 1, 999, 0);
    add_good_variant("outer length too long", good_len, 1, (uint8_t)(good_len - 2 + 5));
    add_good_variant("outer length too short", good_len, 1, (uint8_t)(good_len - 2 - 3));
    add_good_variant("community length past the end", good_len, 6, 0x7f);
    add_good_variant("wrong outer tag", good_len, 0, 0x31);
    add_good_variant("indefinite outer length", good_len, 1, 0x80);
    add_good_variant("version 5", good_len, 4, 5);
    add_good_variant("version 3 (SNMPv3) without v3 fields", good_len, 4, 3);
    add_good_variant("unknown PDU tag", good_len, pdu_at, 0xAF);

    struct bad *b = add_bad("oversized length 0xFFFFFFFF");
    const uint8_t hdr[] = { 0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF };
    memcpy(b->buf, hdr, sizeof hdr);
    memcpy(b->buf + sizeof hdr, good + 2, good_len - 2);
    b->len = sizeof hdr + good_len - 2;

    b = add_bad("length of length 9");
    const uint8_t hdr9[] = { 0x30, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0x40 };
    memcpy(b->buf, hdr9, sizeof hdr9);
    b->len = sizeof hdr9;

    add_deep_nesting(400);

    b = add_bad("garbage");
    uint32_t x = 0x2545F491u;
    for (size_t i = 0; i < 200; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b->buf[i] = (uint8_t)x;
    }
    b->len = 200;

    b = add_bad("all 0xFF");
    memset(b->buf, 0xFF, 300);
    b->len = 300;
}

static int
setup_inner(void)
{
    if (wire_peers_start(&peers, 0, 0) != 0)
        return -1;
    agent_port = wire_free_port();
    if (agent_port == 0)
        return -1;
    raw = socket(AF_INET, SOCK_DGRAM, 0);
    if (raw < 0)
        return -1;
    memset(&raw_addr, 0, sizeof raw_addr);
    raw_addr.sin_family = AF_INET;
    raw_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof raw_addr;
    if (bind(raw, (struct sockaddr *)&raw_addr, sizeof raw_addr) != 0 ||
        getsockname(raw, (struct sockaddr *)&raw_addr, &sl) != 0)
        return -1;
    wire_events_init(&events);
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    if (wire_agent_start(&agent, agent_port, 0) != 0)
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
    wire_agent_stop(&agent);
    if (SnmpCleanup() != SNMPAPI_SUCCESS)
        rc = -1;
    wire_events_destroy(&events);
    if (raw >= 0)
        close(raw);
    if (wire_peers_stop(&peers) != 0)
        rc = -1;
    return rc;
}

/* Encodes a PDU of `type` for 127.0.0.1:port (v2c, community public). */
static size_t
encode(unsigned port, smiINT type, smiINT32 rid, int with_value, uint8_t *out, size_t cap)
{
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
    HSNMP_ENTITY dst = wire_entity(session, SNMPAPI_UNTRANSLATED_V2, addr);
    HSNMP_CONTEXT ctx = wire_context(session, SNMPAPI_UNTRANSLATED_V2, "public");
    smiOID name;
    smiVALUE v;
    memset(&v, 0, sizeof v);
    v.syntax = SNMP_SYNTAX_INT;
    v.value.sNumber = 42;
    wire_oid(WIRE_AGENT_BASE ".2.0", &name);
    HSNMP_VBL vbl = SnmpCreateVbl(session, &name, with_value ? &v : NULL);
    wire_oid_free(&name);
    HSNMP_PDU pdu = SnmpCreatePdu(session, type, rid, 0, 0, vbl);
    assert_non_null(pdu);
    smiOCTETS msg = { 0, NULL };
    SNMPAPI_STATUS n = SnmpEncodeMsg(session, NULL, dst, ctx, pdu, &msg);
    if (n == SNMPAPI_FAILURE)
        fail_msg("SnmpEncodeMsg failed: %u", SnmpGetLastError(session));
    assert_int_equal(n, msg.len);
    assert_true(msg.len <= cap);
    memcpy(out, msg.ptr, msg.len);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &msg);
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
    return n;
}

static void
send_raw(const struct sockaddr_in *to, const void *buf, size_t len)
{
    ssize_t n = sendto(raw, buf, len, 0, (const struct sockaddr *)to, sizeof *to);
    assert_int_equal(n, (ssize_t)len);
}

/* Waits until field `off` of the stats grows past `from`; returns the new value. */
static uint64_t
wait_stat(size_t off, uint64_t from, unsigned timeout_ms)
{
    uint64_t end = wire_now_ms() + timeout_ms;
    for (;;) {
        struct wn_wsnmp_stats st;
        wn_wsnmp_get_stats(&st);
        uint64_t v = *(const uint64_t *)((const char *)&st + off);
        if (v > from || wire_now_ms() >= end)
            return v;
        wire_sleep_ms(5);
    }
}

#define STAT(field) offsetof(struct wn_wsnmp_stats, field)

static void
send_all_bad_and_check(const struct sockaddr_in *to, struct wire_events *quiet)
{
    for (size_t i = 0; i < n_bad; i++) {
        struct wn_wsnmp_stats before;
        wn_wsnmp_get_stats(&before);
        unsigned calls = wire_events_total(quiet);
        send_raw(to, bads[i].buf, bads[i].len);
        uint64_t now = wait_stat(STAT(dropped_malformed), before.dropped_malformed, 2000);
        if (now != before.dropped_malformed + 1)
            fail_msg("'%s' (%zu bytes): dropped_malformed went %llu -> %llu", bads[i].what,
                     bads[i].len, (unsigned long long)before.dropped_malformed,
                     (unsigned long long)now);
        struct wn_wsnmp_stats after;
        wn_wsnmp_get_stats(&after);
        assert_true(after.rx > before.rx);
        if (wire_events_total(quiet) != calls)
            fail_msg("'%s' reached a session callback", bads[i].what);
    }
}

static void
test_bad_datagrams_to_our_agent_are_dropped_and_counted(void **s)
{
    (void)s;
    good_len = encode(agent_port, SNMP_PDU_GET, 4711, 0, good, sizeof good);
    build_bad_inputs();
    struct sockaddr_in to = raw_addr;
    to.sin_port = htons((uint16_t)agent_port);
    unsigned answered = wire_agent_requests(&agent);
    send_all_bad_and_check(&to, &agent.events);
    assert_int_equal(wire_agent_requests(&agent), answered);

    /* the agent still works: the good datagram is answered ... */
    send_raw(&to, good, good_len);
    struct pollfd pfd = { raw, POLLIN, 0 };
    assert_int_equal(poll(&pfd, 1, 3000), 1);
    uint8_t resp[1500];
    assert_true(recv(raw, resp, sizeof resp, 0) > 0);
    assert_int_equal(resp[0], 0x30);
    /* ... and so does net-snmp's snmpget */
    char *out = NULL;
    assert_int_equal(wire_run(&out, "snmpget -v2c -c public %s 127.0.0.1:%u %s.2.0 2>&1",
                              WIRE_TOOL_OPTS, agent_port, WIRE_AGENT_BASE), 0);
    assert_non_null(strstr(out, "INTEGER: 42"));
    free(out);
}

static void
test_bad_datagrams_to_a_manager_port_are_dropped_and_counted(void **s)
{
    (void)s;
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", ntohs(raw_addr.sin_port));
    HSNMP_ENTITY dst = wire_entity(session, SNMPAPI_UNTRANSLATED_V2, addr);
    HSNMP_CONTEXT ctx = wire_context(session, SNMPAPI_UNTRANSLATED_V2, "public");
    assert_int_equal(SnmpSetTimeout(dst, 500), SNMPAPI_SUCCESS);    /* 5 s, no retry */
    assert_int_equal(SnmpSetRetry(dst, 0), SNMPAPI_SUCCESS);
    const char *const names[] = { WIRE_AGENT_BASE ".2.0", NULL };
    smiINT32 rid = 0;
    while (wire_events_wait(&events, 0, NULL) == 0) {
    }
    assert_int_equal(wire_send(session, dst, ctx, SNMP_PDU_GET, 0, 0, names, NULL, &rid), 0);

    /* our hand-made peer receives the request and learns the manager's port */
    struct sockaddr_in mgr;
    socklen_t ml = sizeof mgr;
    uint8_t req[1500];
    struct pollfd pfd = { raw, POLLIN, 0 };
    assert_int_equal(poll(&pfd, 1, 3000), 1);
    assert_true(recvfrom(raw, req, sizeof req, 0, (struct sockaddr *)&mgr, &ml) > 0);

    good_len = encode(ntohs(raw_addr.sin_port), SNMP_PDU_GET, 4711, 0, good, sizeof good);
    build_bad_inputs();
    send_all_bad_and_check(&mgr, &events);

    /* a well-formed Response with an unknown request id is a stray */
    uint8_t buf[512];
    struct wn_wsnmp_stats before;
    wn_wsnmp_get_stats(&before);
    unsigned calls = wire_events_total(&events);
    size_t n = encode(ntohs(raw_addr.sin_port), SNMP_PDU_RESPONSE, rid + 1000, 1, buf,
                      sizeof buf);
    send_raw(&mgr, buf, n);
    assert_int_equal(wait_stat(STAT(dropped_stray), before.dropped_stray, 2000),
                     before.dropped_stray + 1);
    wire_sleep_ms(50);
    assert_int_equal(wire_events_total(&events), calls);

    /* the real answer still completes the request */
    n = encode(ntohs(raw_addr.sin_port), SNMP_PDU_RESPONSE, rid, 1, buf, sizeof buf);
    send_raw(&mgr, buf, n);
    smiINT type = 0;
    smiINT32 got = 0;
    struct wire_vb vb[4];
    size_t nvb = 0;
    assert_int_equal(wire_recv(session, &events, 3000, &type, &got, vb, 4, &nvb), 0);
    assert_int_equal(type, SNMP_PDU_RESPONSE);
    assert_int_equal(got, rid);
    assert_int_equal(nvb, 1);
    assert_string_equal(vb[0].val, "INTEGER: 42");
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
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
        cmocka_unit_test(test_bad_datagrams_to_our_agent_are_dropped_and_counted),
        cmocka_unit_test(test_bad_datagrams_to_a_manager_port_are_dropped_and_counted),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
