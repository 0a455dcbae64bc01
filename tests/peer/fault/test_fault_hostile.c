/* test_fault_hostile.c: a hostile agent answers each request with bad replies of every kind before the good one (from snmpd); the application sees only the good one and the engine counts the rest. */
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

/* How each case is caught (deliberately broken builds):
 *  - a decoder that accepts truncated, trailing-garbage, over-long, too
 *    deep or too many-varbind messages: the message reaches the session
 *    (event count grows before the good reply) or is not counted;
 *  - reply matching on the request id alone (not on the source address
 *    and port the request went to): "right bytes from another port" is
 *    delivered, the event assertion fails (checked: with the source
 *    address check in src/evloop/dgram.c disabled, this case fails);
 *  - matching that ignores the PDU type: the GetRequest/Report/Trap/GetBulk
 *    copies with the right id complete the request;
 *  - a request id check that is skipped: "wrong request id" is delivered;
 *  - the second group (DISABLED in CTest until issue 13 point 7 lands on
 *    branch compat): a reply in another community or SNMP version than
 *    the request is delivered today. */

#define SYS ".1.3.6.1.2.1.1"
static const char *const names[] = {SYS ".1.0", SYS ".2.0", SYS ".5.0", SYS ".7.0", NULL};

static struct wire_peers peers;
static struct wire_events events;
static HSNMP_SESSION session;
static int hostile = -1, other = -1, up = -1;   /* our sockets on 127.0.0.1 */
static struct sockaddr_in hostile_addr, snmpd_addr;

/* ---- a little BER, enough to take the good reply apart and rebuild it ---- */
struct part {
    uint8_t tag;
    const uint8_t *val;
    size_t len, total;  /* total = header + len */
};

static int
read_tlv(const uint8_t *b, size_t n, struct part *p)
{
    if (n < 2)
        return -1;
    size_t hdr = 2, len = b[1];
    if (len & 0x80) {
        size_t k = len & 0x7f;
        if (k == 0 || k > 4 || n < 2 + k)
            return -1;
        len = 0;
        for (size_t i = 0; i < k; i++)
            len = len << 8 | b[2 + i];
        hdr += k;
    }
    if (len > n - hdr)
        return -1;
    p->tag = b[0];
    p->val = b + hdr;
    p->len = len;
    p->total = hdr + len;
    return 0;
}

/* Appends tag, length, content to out at *at. */
static void
put_tlv(uint8_t *out, size_t cap, size_t *at, uint8_t tag, const void *content, size_t len)
{
    assert_true(*at + 6 + len <= cap);
    out[(*at)++] = tag;
    if (len < 0x80) {
        out[(*at)++] = (uint8_t)len;
    } else if (len < 0x10000) {
        out[(*at)++] = 0x82;
        out[(*at)++] = (uint8_t)(len >> 8);
        out[(*at)++] = (uint8_t)len;
    } else {
        out[(*at)++] = 0x83;
        out[(*at)++] = (uint8_t)(len >> 16);
        out[(*at)++] = (uint8_t)(len >> 8);
        out[(*at)++] = (uint8_t)len;
    }
    memmove(out + *at, content, len);
    *at += len;
}

/* The good reply in pieces. */
struct reply {
    int version;
    uint8_t community[256];
    size_t community_len;
    int32_t rid;
    uint8_t vbl[16384];         /* contents of the varbind-list SEQUENCE */
    size_t vbl_len;
};

static void
parse_reply(const uint8_t *b, size_t n, struct reply *r)
{
    struct part msg = {0}, ver = {0}, comm = {0}, pdu = {0};
    struct part rid = {0}, es = {0}, ei = {0}, vbl = {0};
    assert_int_equal(read_tlv(b, n, &msg), 0);
    assert_int_equal(msg.tag, 0x30);
    const uint8_t *c = msg.val;
    size_t left = msg.len;
    assert_int_equal(read_tlv(c, left, &ver), 0);
    c += ver.total, left -= ver.total;
    assert_int_equal(read_tlv(c, left, &comm), 0);
    c += comm.total, left -= comm.total;
    assert_int_equal(read_tlv(c, left, &pdu), 0);
    assert_int_equal(pdu.tag, 0xa2);
    c = pdu.val, left = pdu.len;
    assert_int_equal(read_tlv(c, left, &rid), 0);
    c += rid.total, left -= rid.total;
    assert_int_equal(read_tlv(c, left, &es), 0);
    c += es.total, left -= es.total;
    assert_int_equal(read_tlv(c, left, &ei), 0);
    c += ei.total, left -= ei.total;
    assert_int_equal(read_tlv(c, left, &vbl), 0);
    r->version = ver.val[0];
    memcpy(r->community, comm.val, comm.len);
    r->community_len = comm.len;
    r->rid = 0;
    for (size_t i = 0; i < rid.len; i++)
        r->rid = (int32_t)((uint32_t)r->rid << 8 | rid.val[i]);
    if (rid.len && (rid.val[0] & 0x80))
        r->rid -= (int32_t)(rid.len < 4 ? 1u << (8 * rid.len) : 0);
    assert_true(vbl.len <= sizeof r->vbl);
    memcpy(r->vbl, vbl.val, vbl.len);
    r->vbl_len = vbl.len;
}

static size_t
int_bytes(int32_t v, uint8_t *out)
{
    uint8_t tmp[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    size_t i = 0;
    while (i < 3 && ((tmp[i] == 0 && !(tmp[i + 1] & 0x80)) ||
                     (tmp[i] == 0xff && (tmp[i + 1] & 0x80))))
        i++;
    memcpy(out, tmp + i, 4 - i);
    return 4 - i;
}

/* Builds a message from r, with the PDU tag, request id and varbind list given. */
static size_t
build(const struct reply *r, int version, const char *community, uint8_t pdu_tag, int32_t rid,
      const uint8_t *vbl, size_t vbl_len, uint8_t *out, size_t cap)
{
    static uint8_t pdu[70000], body[70000];
    uint8_t ib[4];
    size_t p = 0, b = 0, o = 0;
    put_tlv(pdu, sizeof pdu, &p, 0x02, ib, int_bytes(rid, ib));
    put_tlv(pdu, sizeof pdu, &p, 0x02, "\0", 1);
    put_tlv(pdu, sizeof pdu, &p, 0x02, "\0", 1);
    put_tlv(pdu, sizeof pdu, &p, 0x30, vbl, vbl_len);
    put_tlv(body, sizeof body, &b, 0x02, ib, int_bytes(version, ib));
    if (community)
        put_tlv(body, sizeof body, &b, 0x04, community, strlen(community));
    else
        put_tlv(body, sizeof body, &b, 0x04, r->community, r->community_len);
    put_tlv(body, sizeof body, &b, pdu_tag, pdu, p);
    put_tlv(out, cap, &o, 0x30, body, b);
    return o;
}

/* ---- the cases ---- */
struct bad {
    const char *what;
    uint8_t *buf;       /* malloc'd */
    size_t len;
    int from_other_port;
};
#define MAX_BAD 32
static struct bad bads[MAX_BAD];
static size_t n_bad;

static struct bad *
add(const char *what, const uint8_t *buf, size_t len)
{
    assert_true(n_bad < MAX_BAD);
    struct bad *b = &bads[n_bad++];
    b->what = what;
    b->buf = malloc(len ? len : 1);
    assert_non_null(b->buf);
    memcpy(b->buf, buf, len);
    b->len = len;
    b->from_other_port = 0;
    return b;
}

static void
free_bads(void)
{
    for (size_t i = 0; i < n_bad; i++)
        free(bads[i].buf);
    n_bad = 0;
}

static uint8_t tmp[70000];

static void
add_protocol_cases(const uint8_t *good, size_t len, const struct reply *r)
{
    size_t n;
    uint32_t x = 0x9E3779B9u;
    for (size_t i = 0; i < 200; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        tmp[i] = (uint8_t)x;
    }
    add("malformed: random bytes", tmp, 200);
    memcpy(tmp, good, len);
    tmp[0] = 0x31;
    add("malformed: SET instead of SEQUENCE", tmp, len);
    add("truncated by one byte", good, len - 1);
    add("truncated to half", good, len / 2);
    add("truncated to the header", good, 2);
    /* oversized: the outer length says 2^31-1 bytes */
    struct part msg = {0};
    assert_int_equal(read_tlv(good, len, &msg), 0);
    static const uint8_t big[] = {0x30, 0x84, 0x7f, 0xff, 0xff, 0xff};
    memcpy(tmp, big, sizeof big);
    memcpy(tmp + sizeof big, msg.val, msg.len);
    add("oversized: outer length 2^31-1", tmp, sizeof big + msg.len);
    /* oversized: a varbind value claims more than the datagram holds */
    n = build(r, r->version, NULL, 0xa2, r->rid, r->vbl, r->vbl_len, tmp, sizeof tmp);
    memcpy(tmp + n, "\x04\x83\x01\x00\x00", 5);
    {
        static uint8_t vbl2[20000];
        size_t v = 0;
        uint8_t vb[64];
        size_t k = 0;
        put_tlv(vb, sizeof vb, &k, 0x06, "\x2b\x06\x01\x02\x01\x01\x05\x00", 8);
        memcpy(vb + k, "\x04\x84\x00\x01\x00\x00", 6);
        k += 6;
        put_tlv(vbl2, sizeof vbl2, &v, 0x30, vb, k);
        n = build(r, r->version, NULL, 0xa2, r->rid, vbl2, v, tmp, sizeof tmp);
        add("oversized: value length 65536 in a short datagram", tmp, n);
    }
    n = build(r, r->version, NULL, 0xa2, r->rid + 1, r->vbl, r->vbl_len, tmp, sizeof tmp);
    add("wrong request id (+1)", tmp, n);
    n = build(r, r->version, NULL, 0xa2, ~r->rid, r->vbl, r->vbl_len, tmp, sizeof tmp);
    add("wrong request id (complement)", tmp, n);
    /* Not here: a Report with the right id, which RFC 3411 section 2.8 puts
     * in the Response class with Response; the engine hands it over. */
    static const struct { uint8_t tag; const char *what; } types[] = {
        {0xa0, "wrong PDU type: GetRequest with the right id"},
        {0xa1, "wrong PDU type: GetNextRequest with the right id"},
        {0xa3, "wrong PDU type: SetRequest with the right id"},
        {0xa5, "wrong PDU type: GetBulkRequest with the right id"},
        {0xaf, "wrong PDU type: unknown tag 0xAF"},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        n = build(r, r->version, NULL, types[i].tag, r->rid, r->vbl, r->vbl_len, tmp,
                  sizeof tmp);
        add(types[i].what, tmp, n);
    }
    memcpy(tmp, good, len);
    memcpy(tmp + len, "\x05\x00", 2);
    add("trailing garbage: a NULL after the message", tmp, len + 2);
    memcpy(tmp + len, "\x00", 1);
    add("trailing garbage: one zero byte", tmp, len + 1);
    {
        /* deep nesting: a varbind value that is 200 nested SEQUENCEs */
        static uint8_t nest[2000], vbl2[4000];
        size_t depth = 200, k = 0;
        for (size_t i = 0; i < depth; i++) {
            nest[k++] = 0x30;
            nest[k++] = 0x82;
            size_t inner = (depth - i - 1) * 4 + 2;
            nest[k++] = (uint8_t)(inner >> 8);
            nest[k++] = (uint8_t)inner;
        }
        nest[k++] = 0x05;
        nest[k++] = 0x00;
        uint8_t vb[2200];
        size_t m = 0, v = 0;
        put_tlv(vb, sizeof vb, &m, 0x06, "\x2b\x06\x01\x02\x01\x01\x05\x00", 8);
        memcpy(vb + m, nest, k);
        m += k;
        put_tlv(vbl2, sizeof vbl2, &v, 0x30, vb, m);
        n = build(r, r->version, NULL, 0xa2, r->rid, vbl2, v, tmp, sizeof tmp);
        add("deep nesting: 200 SEQUENCEs in a value", tmp, n);
    }
    {
        /* thousands of varbinds: 3000 (the limit is WN_SNMP_MAX_VARBINDS 2048) */
        static uint8_t vbl2[60000];
        size_t v = 0;
        for (int i = 0; i < 3000; i++) {
            uint8_t vb[32];
            size_t m = 0;
            put_tlv(vb, sizeof vb, &m, 0x06, "\x2b\x06\x01\x02\x01\x01\x05\x00", 8);
            put_tlv(vb, sizeof vb, &m, 0x05, "", 0);
            put_tlv(vbl2, sizeof vbl2, &v, 0x30, vb, m);
        }
        n = build(r, r->version, NULL, 0xa2, r->rid, vbl2, v, tmp, sizeof tmp);
        add("thousands of varbinds (3000)", tmp, n);
    }
    add("right bytes from another port", good, len)->from_other_port = 1;
}

static void
add_context_cases(const struct reply *r)
{
    size_t n = build(r, r->version, "private", 0xa2, r->rid, r->vbl, r->vbl_len, tmp, sizeof tmp);
    add("wrong community (private instead of public)", tmp, n);
    n = build(r, 0, NULL, 0xa2, r->rid, r->vbl, r->vbl_len, tmp, sizeof tmp);
    add("other version (SNMPv1 answer to a v2c request)", tmp, n);
}

/* ---- plumbing ---- */
static int
udp_socket(struct sockaddr_in *bound)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof a;
    int big = 1 << 20;
    (void)setsockopt(s, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &sl) != 0) {
        close(s);
        return -1;
    }
    if (bound)
        *bound = a;
    return s;
}

static ssize_t
recv_within(int s, uint8_t *buf, size_t cap, struct sockaddr_in *from, unsigned ms)
{
    struct pollfd p = {s, POLLIN, 0};
    if (poll(&p, 1, (int)ms) != 1)
        return -1;
    socklen_t fl = sizeof *from;
    return recvfrom(s, buf, cap, 0, (struct sockaddr *)from, &fl);
}

static uint64_t
dropped(void)
{
    struct wn_wsnmp_stats st;
    wn_wsnmp_get_stats(&st);
    return st.dropped_malformed + st.dropped_stray;
}

/* One request, answered first with every case built by add_cases, then with
 * snmpd's real reply; checks that only the real reply reaches the session
 * and that each case was counted once. */
static void
hostile_round(void (*add_cases)(const uint8_t *, size_t, const struct reply *))
{
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", ntohs(hostile_addr.sin_port));
    HSNMP_ENTITY dst = wire_entity(session, SNMPAPI_UNTRANSLATED_V2, addr);
    HSNMP_CONTEXT ctx = wire_context(session, SNMPAPI_UNTRANSLATED_V2, "public");
    assert_int_equal(SnmpSetTimeout(dst, 3000), SNMPAPI_SUCCESS);  /* 30 s, no retry */
    assert_int_equal(SnmpSetRetry(dst, 0), SNMPAPI_SUCCESS);
    while (wire_events_wait(&events, 0, NULL) == 0) {
    }
    smiINT32 rid = 0;
    assert_int_equal(wire_send(session, dst, ctx, SNMP_PDU_GET, 0, 0, names, NULL, &rid), 0);

    /* the request reaches the hostile agent, which asks snmpd */
    static uint8_t req[65536], good[65536];
    struct sockaddr_in mgr, from;
    ssize_t rl = recv_within(hostile, req, sizeof req, &mgr, 5000);
    assert_true(rl > 0);
    assert_int_equal(sendto(up, req, (size_t)rl, 0, (struct sockaddr *)&snmpd_addr,
                            sizeof snmpd_addr), rl);
    ssize_t gl = recv_within(up, good, sizeof good, &from, 5000);
    assert_true(gl > 0);
    struct reply r;
    parse_reply(good, (size_t)gl, &r);
    assert_int_equal(r.rid, rid);

    n_bad = 0;
    add_cases(good, (size_t)gl, &r);
    for (size_t i = 0; i < n_bad; i++) {
        uint64_t before = dropped();
        unsigned calls = wire_events_total(&events);
        int s = bads[i].from_other_port ? other : hostile;
        assert_int_equal(sendto(s, bads[i].buf, bads[i].len, 0, (struct sockaddr *)&mgr,
                                sizeof mgr), (ssize_t)bads[i].len);
        uint64_t now = before, end = wire_now_ms() + 3000;
        while (now == before && wire_now_ms() < end && wire_events_total(&events) == calls) {
            wire_sleep_ms(2);
            now = dropped();
        }
        if (wire_events_total(&events) != calls)
            fail_msg("'%s' (%zu bytes) reached the application", bads[i].what, bads[i].len);
        if (now != before + 1)
            fail_msg("'%s' (%zu bytes): dropped counters went %llu -> %llu", bads[i].what,
                     bads[i].len, (unsigned long long)before, (unsigned long long)now);
    }
    free_bads();

    /* the good reply completes the request, with snmpd's values */
    assert_int_equal(sendto(hostile, good, (size_t)gl, 0, (struct sockaddr *)&mgr, sizeof mgr),
                     gl);
    smiINT type = 0;
    smiINT32 got = 0;
    struct wire_vb vb[8];
    size_t nvb = 0;
    assert_int_equal(wire_recv(session, &events, 5000, &type, &got, vb, 8, &nvb), 0);
    assert_int_equal(type, SNMP_PDU_RESPONSE);
    assert_int_equal(got, rid);
    assert_int_equal(nvb, 4);
    char *out = NULL;
    assert_int_equal(wire_run(&out, "snmpget -v2c -c public %s 127.0.0.1:%u %s %s %s %s",
                              WIRE_TOOL_OPTS, peers.snmpd_port, names[0], names[1], names[2],
                              names[3]), 0);
    struct wire_vb ref[8];
    assert_int_equal(wire_parse_tool_output(out, ref, 8), 4);
    free(out);
    for (size_t i = 0; i < 4; i++) {
        char why[256];
        if (wire_vb_compare(&vb[i], &ref[i], why, sizeof why) != 0)
            fail_msg("varbind %zu: %s", i + 1, why);
    }
    /* nothing else arrives, and a late duplicate of the good one is a stray */
    uint64_t before = dropped();
    assert_int_equal(sendto(hostile, good, (size_t)gl, 0, (struct sockaddr *)&mgr, sizeof mgr),
                     gl);
    uint64_t end = wire_now_ms() + 3000;
    while (dropped() == before && wire_now_ms() < end)
        wire_sleep_ms(2);
    assert_int_equal(dropped(), before + 1);
    assert_int_not_equal(wire_events_wait(&events, 100, NULL), 0);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
}

static void
test_only_the_good_reply_reaches_the_application(void **s)
{
    (void)s;
    hostile_round(add_protocol_cases);
}

static void
add_context_cases_cb(const uint8_t *good, size_t len, const struct reply *r)
{
    (void)good, (void)len;
    add_context_cases(r);
}

/* Fails today (the reply is accepted): issue 13 point 7, branch compat. */
static void
test_replies_in_another_community_or_version_are_dropped(void **s)
{
    (void)s;
    hostile_round(add_context_cases_cb);
}

static int
group_teardown(void **state)
{
    (void)state;
    int rc = 0;
    if (session != NULL && SnmpClose(session) != SNMPAPI_SUCCESS)
        rc = -1;
    session = NULL;
    if (SnmpCleanup() != SNMPAPI_SUCCESS)
        rc = -1;
    wire_events_destroy(&events);
    if (hostile >= 0)
        close(hostile);
    if (other >= 0)
        close(other);
    if (up >= 0)
        close(up);
    hostile = other = up = -1;
    if (wire_peers_stop(&peers) != 0)
        rc = -1;
    return rc;
}

static int
group_setup(void **state)
{
    int ok = wire_peers_start(&peers, 1, 0) == 0;
    hostile = udp_socket(&hostile_addr);
    other = udp_socket(NULL);
    up = udp_socket(NULL);
    memset(&snmpd_addr, 0, sizeof snmpd_addr);
    snmpd_addr.sin_family = AF_INET;
    snmpd_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    snmpd_addr.sin_port = htons((uint16_t)peers.snmpd_port);
    wire_events_init(&events);
    ok = ok && hostile >= 0 && other >= 0 && up >= 0 &&
         SnmpStartup(NULL, NULL, NULL, NULL, NULL) == SNMPAPI_SUCCESS;
    if (ok)
        session = SnmpCreateSession(NULL, 0, wire_events_cb, &events);
    if (!ok || session == NULL) {
        group_teardown(state);
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest protocol[] = {
        cmocka_unit_test(test_only_the_good_reply_reaches_the_application),
    };
    const struct CMUnitTest context[] = {
        cmocka_unit_test(test_replies_in_another_community_or_version_are_dropped),
    };
    if (argc > 1 && strcmp(argv[1], "--community-version") == 0)
        return cmocka_run_group_tests(context, group_setup, group_teardown);
    return cmocka_run_group_tests(protocol, group_setup, group_teardown);
}
