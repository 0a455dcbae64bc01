/* test_evloop_dgram.c: UDP transactions over loopback against a responder socket run by the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <cmocka.h>

#include "base.h"
#include "evloop.h"
#include "waiter.h"

/* Test wire format: 'Q' (request) / 'R' (response) / 'T' (trap), key u32be, payload. */
#define PKT_HDR 5

struct treq {
    struct wn_dgram_req r;
    uint8_t buf[32];
    int callbacks;          /* loop thread */
    int responded;          /* loop thread */
};

struct fx {
    struct wn_evloop *l;
    int family;
    struct wn_dgram_sock *mgr;
    struct sockaddr_storage mgr_addr;     /* loopback + the manager's port */
    socklen_t mgr_len;
    int peer;                             /* responder socket, test thread */
    struct sockaddr_storage peer_addr;
    socklen_t peer_len;
    struct waiter w;                      /* bumped by every callback */
    long responses, timeouts, unsolicited, strays;     /* loop thread */
    uint32_t last_stray_key;                           /* loop thread */
    struct sockaddr_storage last_from;                 /* loop thread */
    uint8_t last_pkt[64];
    size_t last_len;
    int close_in_callback;
};

static struct fx F;

static int
t_match_key(void *ctx, const uint8_t *pkt, size_t len, uint32_t *key)
{
    (void)ctx;
    if (len < PKT_HDR || pkt[0] != 'R')
        return -1;
    *key = (uint32_t)pkt[1] << 24 | (uint32_t)pkt[2] << 16 | (uint32_t)pkt[3] << 8 | pkt[4];
    return 0;
}

static void
t_on_response(void *ctx, struct wn_dgram_req *req, const uint8_t *pkt, size_t len,
              const struct sockaddr *from, socklen_t fromlen)
{
    struct fx *f = ctx;
    struct treq *t = req->data;
    assert_true(wn_evloop_in_loop(f->l));
    t->callbacks++;
    t->responded = 1;
    f->responses++;
    memcpy(&f->last_from, from, fromlen);
    f->last_len = WN_MIN(len, sizeof(f->last_pkt));
    memcpy(f->last_pkt, pkt, f->last_len);
    if (f->close_in_callback) {
        wn_dgram_sock_close(f->mgr);
        f->mgr = NULL;
    }
    waiter_bump(&f->w);
}

static void
t_on_timeout(void *ctx, struct wn_dgram_req *req)
{
    struct fx *f = ctx;
    struct treq *t = req->data;
    assert_true(wn_evloop_in_loop(f->l));
    t->callbacks++;
    f->timeouts++;
    waiter_bump(&f->w);
}

static void
t_on_unsolicited(void *ctx, struct wn_dgram_sock *s, const uint8_t *pkt, size_t len,
                 const struct sockaddr *from, socklen_t fromlen)
{
    struct fx *f = ctx;
    assert_ptr_equal(s, f->mgr);
    f->unsolicited++;
    memcpy(&f->last_from, from, fromlen);
    f->last_len = WN_MIN(len, sizeof(f->last_pkt));
    memcpy(f->last_pkt, pkt, f->last_len);
    waiter_bump(&f->w);
}

static void
t_on_stray(void *ctx, struct wn_dgram_sock *s, uint32_t key, const uint8_t *pkt, size_t len,
           const struct sockaddr *from, socklen_t fromlen)
{
    struct fx *f = ctx;
    assert_ptr_equal(s, f->mgr);
    assert_true(len >= PKT_HDR && pkt[0] == 'R');
    f->strays++;
    f->last_stray_key = key;
    memcpy(&f->last_from, from, fromlen);
}

static const struct wn_dgram_ops t_ops = {
    .match_key = t_match_key,
    .on_response = t_on_response,
    .on_timeout = t_on_timeout,
    .on_unsolicited = t_on_unsolicited,
    .on_stray = t_on_stray,
};

static const char *
loopback(int family)
{
    return family == AF_INET ? "127.0.0.1:0" : "[::1]:0";
}

static void
open_mgr(void *arg)
{
    int *err = arg;
    *err = wn_dgram_sock_open(F.l, F.family, NULL, 0, &t_ops, &F, &F.mgr);
}

static int
fx_setup(int family)
{
    memset(&F, 0, sizeof(F));
    F.family = family;
    F.peer = -1;
    waiter_init(&F.w);
    struct sockaddr_storage ss;
    socklen_t len;
    assert_int_equal(wn_sockaddr_parse(loopback(family), 0, &ss, &len), 0);
    if (wn_udp_open(family, (struct sockaddr *)&ss, len, &F.peer) != 0)
        return -1;     /* no IPv6 here */
    F.peer_len = sizeof(F.peer_addr);
    assert_int_equal(getsockname(F.peer, (struct sockaddr *)&F.peer_addr, &F.peer_len), 0);
    assert_int_equal(wn_evloop_acquire(&F.l), 0);
    int err = -1;
    assert_int_equal(wn_evloop_call(F.l, open_mgr, &err), 0);
    assert_int_equal(err, 0);
    /* The manager is bound to the wildcard; reach it over loopback. */
    struct sockaddr_storage name;
    socklen_t nl;
    assert_int_equal(wn_dgram_sock_name(F.mgr, &name, &nl), 0);
    F.mgr_addr = ss;
    F.mgr_len = len;
    if (family == AF_INET)
        ((struct sockaddr_in *)&F.mgr_addr)->sin_port = ((struct sockaddr_in *)&name)->sin_port;
    else
        ((struct sockaddr_in6 *)&F.mgr_addr)->sin6_port = ((struct sockaddr_in6 *)&name)->sin6_port;
    return 0;
}

static void
close_mgr(void *arg)
{
    (void)arg;
    wn_dgram_sock_close(F.mgr);
    F.mgr = NULL;
}

/* Runs after every test, passed or failed (cmocka teardown). */
static int
fx_teardown(void **state)
{
    (void)state;
    wn_dgram_set_sendto(NULL);
    if (F.l) {
        wn_evloop_call(F.l, close_mgr, NULL);
        wn_evloop_release(F.l);
        F.l = NULL;
    }
    if (F.peer >= 0)
        close(F.peer);
    F.peer = -1;
    if (F.family)
        waiter_destroy(&F.w);
    F.family = 0;
    return 0;
}

/* ---- loop-thread operations --------------------------------------------- */

struct start_op {
    struct treq *t;
    uint32_t timeout_ms, retries;
    const struct sockaddr *dest;   /* NULL: the peer */
    socklen_t destlen;
    int err;
};

static void
encode(struct treq *t, char type, uint32_t key)
{
    t->buf[0] = (uint8_t)type;
    t->buf[1] = (uint8_t)(key >> 24);
    t->buf[2] = (uint8_t)(key >> 16);
    t->buf[3] = (uint8_t)(key >> 8);
    t->buf[4] = (uint8_t)key;
    memcpy(t->buf + PKT_HDR, "hello", 5);
}

static void
start_req(void *arg)
{
    struct start_op *op = arg;
    struct treq *t = op->t;
    memset(t, 0, sizeof(*t));
    wn_dgram_req_init(&t->r);
    t->r.data = t;
    const struct sockaddr *dest = op->dest ? op->dest : (struct sockaddr *)&F.peer_addr;
    socklen_t dl = op->dest ? op->destlen : F.peer_len;
    memcpy(&t->r.dest, dest, dl);
    t->r.destlen = dl;
    t->r.timeout_ms = op->timeout_ms;
    t->r.retries = op->retries;
    op->err = wn_dgram_key_alloc(F.mgr, &t->r);
    if (op->err)
        return;
    encode(t, 'Q', t->r.key);
    t->r.pkt = t->buf;
    t->r.len = PKT_HDR + 5;
    op->err = wn_dgram_send_request(&t->r);
}

static int
start(struct treq *t, uint32_t timeout_ms, uint32_t retries)
{
    struct start_op op = { .t = t, .timeout_ms = timeout_ms, .retries = retries };
    assert_int_equal(wn_evloop_call(F.l, start_req, &op), 0);
    return op.err;
}

static void
cancel_req(void *arg)
{
    wn_dgram_cancel(&((struct treq *)arg)->r);
}

struct stats_op {
    struct wn_dgram_stats st;
    size_t outstanding;
    long responses, timeouts, unsolicited, strays;
    uint32_t last_stray_key;
};

static void
get_stats(void *arg)
{
    struct stats_op *op = arg;
    wn_dgram_sock_stats(F.mgr, &op->st);
    op->outstanding = wn_dgram_sock_outstanding(F.mgr);
    op->responses = F.responses;
    op->timeouts = F.timeouts;
    op->unsolicited = F.unsolicited;
    op->strays = F.strays;
    op->last_stray_key = F.last_stray_key;
}

static struct stats_op
stats(void)
{
    struct stats_op op;
    memset(&op, 0, sizeof(op));
    assert_int_equal(wn_evloop_call(F.l, get_stats, &op), 0);
    return op;
}

struct raw_op {
    const uint8_t *bytes;
    size_t len;
    int err;
};

static void
do_raw(void *arg)
{
    struct raw_op *op = arg;
    op->err = wn_dgram_send_raw(F.mgr, (struct sockaddr *)&F.peer_addr, F.peer_len,
                                op->bytes, op->len);
}

/* wn_dgram_send_raw to the peer, on the loop thread. */
static int
raw_send(const uint8_t *bytes, size_t len)
{
    struct raw_op op = { .bytes = bytes, .len = len, .err = 1 };
    assert_int_equal(wn_evloop_call(F.l, do_raw, &op), 0);
    return op.err;
}

static void
send_unkeyed(void *arg)
{
    struct treq *t = arg;
    wn_dgram_req_init(&t->r);
    t->callbacks = wn_dgram_send_request(&t->r) == WN_E_STATE ? 0 : 1;
}

/* Stats once the manager has received at least rx datagrams (or 5 s passed). */
static struct stats_op
stats_when_rx(uint64_t rx)
{
    struct stats_op st = stats();
    for (int i = 0; i < 500 && st.st.rx < rx; i++) {
        sleep_ms(10);
        st = stats();
    }
    return st;
}

/* ---- responder side (test thread) --------------------------------------- */

/* Receives one datagram within timeout_ms; returns its length or -1. */
static ssize_t
peer_recv(int fd, uint8_t *buf, size_t cap, struct sockaddr_storage *from, long timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, (int)timeout_ms) <= 0)
        return -1;
    socklen_t fl = sizeof(*from);
    return recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &fl);
}

static void
peer_send(int fd, char type, uint32_t key, const struct sockaddr_storage *to, socklen_t tolen)
{
    struct treq tmp;
    encode(&tmp, type, key);
    assert_int_equal(sendto(fd, tmp.buf, PKT_HDR + 5, 0, (const struct sockaddr *)to, tolen),
                     PKT_HDR + 5);
}

static uint32_t
key_of(const uint8_t *b)
{
    return (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4];
}

/* ---- tests -------------------------------------------------------------- */

static void
request_response(int family)
{
    if (fx_setup(family) != 0)
        skip();
    struct treq t;
    assert_int_equal(start(&t, 2000, 2), 0);
    uint8_t buf[128];
    struct sockaddr_storage from;
    ssize_t n = peer_recv(F.peer, buf, sizeof(buf), &from, 2000);
    assert_int_equal(n, PKT_HDR + 5);
    assert_int_equal(buf[0], 'Q');
    uint32_t key = key_of(buf);
    assert_true(key >= 1 && key <= WN_DGRAM_KEY_MAX);
    assert_memory_equal(buf + PKT_HDR, "hello", 5);
    peer_send(F.peer, 'R', key, &from, wn_sockaddr_len((struct sockaddr *)&from));
    assert_int_equal(waiter_wait(&F.w, 1, 2000), 1);
    struct stats_op st = stats();
    assert_int_equal(st.responses, 1);
    assert_int_equal(st.timeouts, 0);
    assert_int_equal(st.outstanding, 0);
    assert_int_equal(st.st.tx, 1);
    assert_int_equal(st.st.rx, 1);
    assert_int_equal(st.st.retransmits, 0);
    assert_int_equal(st.st.stray, 0);
    assert_int_equal(t.callbacks, 1);
    assert_int_equal(t.r.sent, 1);
    assert_true(wn_sockaddr_equal((struct sockaddr *)&F.last_from, (struct sockaddr *)&F.peer_addr));
    assert_int_equal(F.last_pkt[0], 'R');
    /* No retransmission follows a completed request. */
    assert_int_equal(peer_recv(F.peer, buf, sizeof(buf), &from, 100), -1);
}

static void
test_dgram_request_gets_matching_response_ipv4(void **state)
{
    (void)state;
    request_response(AF_INET);
}

static void
test_dgram_request_gets_matching_response_ipv6(void **state)
{
    (void)state;
    request_response(AF_INET6);
}

static void
test_dgram_retransmits_same_bytes_then_times_out_once(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    struct treq t;
    const uint32_t retries = 3;
    uint64_t t0 = wn_clock_ms();
    assert_int_equal(start(&t, 40, retries), 0);
    uint8_t first[64], buf[64];
    struct sockaddr_storage from;
    int got = 0;
    ssize_t flen = 0;
    for (;;) {
        ssize_t n = peer_recv(F.peer, buf, sizeof(buf), &from, 400);
        if (n < 0)
            break;
        if (got == 0) {
            memcpy(first, buf, (size_t)n);
            flen = n;
        } else {
            assert_int_equal(n, flen);
            assert_memory_equal(buf, first, (size_t)n);   /* same bytes, same key */
        }
        got++;
    }
    assert_int_equal(got, 1 + retries);
    assert_int_equal(waiter_wait(&F.w, 1, 2000), 1);
    uint64_t elapsed = wn_clock_ms() - t0;
    assert_true(elapsed >= 40 * (1 + retries));
    sleep_ms(150);
    struct stats_op st = stats();
    assert_int_equal(st.timeouts, 1);
    assert_int_equal(st.responses, 0);
    assert_int_equal(t.callbacks, 1);
    assert_int_equal(t.r.sent, 1 + retries);
    assert_int_equal(st.st.tx, 1 + retries);
    assert_int_equal(st.st.retransmits, retries);
    assert_int_equal(st.st.timeouts, 1);
    assert_int_equal(st.outstanding, 0);
    /* A response after the timeout is a stray. */
    peer_send(F.peer, 'R', key_of(first), &F.mgr_addr, F.mgr_len);
    st = stats_when_rx(1);
    assert_int_equal(st.st.stray, 1);
    assert_int_equal(t.callbacks, 1);
}

static void
test_dgram_cancel_stops_retransmission_and_callbacks(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    struct treq t;
    assert_int_equal(start(&t, 60, 5), 0);
    uint8_t buf[64];
    struct sockaddr_storage from;
    assert_int_equal(peer_recv(F.peer, buf, sizeof(buf), &from, 1000), PKT_HDR + 5);
    assert_int_equal(wn_evloop_call(F.l, cancel_req, &t), 0);
    assert_int_equal(wn_evloop_call(F.l, cancel_req, &t), 0);    /* idempotent */
    /* At most one retransmission could have raced the cancel. */
    int extra = 0;
    while (peer_recv(F.peer, buf, sizeof(buf), &from, 300) > 0)
        extra++;
    assert_true(extra <= 1);
    peer_send(F.peer, 'R', key_of(buf), &from, wn_sockaddr_len((struct sockaddr *)&from));
    struct stats_op st = stats_when_rx(1);
    assert_int_equal(st.responses + st.timeouts, 0);
    assert_int_equal(t.callbacks, 0);
    assert_int_equal(st.outstanding, 0);
    assert_int_equal(st.st.stray, 1);
    /* The request struct can be reused. */
    assert_int_equal(start(&t, 1000, 0), 0);
    assert_int_equal(wn_evloop_call(F.l, cancel_req, &t), 0);
}

static void
test_dgram_stray_responses_are_counted_and_dropped(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    struct treq t;
    assert_int_equal(start(&t, 3000, 0), 0);
    uint8_t buf[64];
    struct sockaddr_storage from;
    assert_int_equal(peer_recv(F.peer, buf, sizeof(buf), &from, 1000), PKT_HDR + 5);
    uint32_t key = key_of(buf);
    socklen_t fl = wn_sockaddr_len((struct sockaddr *)&from);

    /* Wrong key from the right source. */
    peer_send(F.peer, 'R', key == 1 ? 2 : key - 1, &from, fl);
    /* Right key from the wrong source. */
    struct sockaddr_storage ss;
    socklen_t len;
    int other = -1;
    assert_int_equal(wn_sockaddr_parse("127.0.0.1:0", 0, &ss, &len), 0);
    assert_int_equal(wn_udp_open(AF_INET, (struct sockaddr *)&ss, len, &other), 0);
    peer_send(other, 'R', key, &from, fl);
    struct stats_op st = stats_when_rx(2);
    assert_int_equal(st.st.stray, 2);
    assert_int_equal(st.strays, 2);                    /* offered to the upper layer */
    assert_int_equal(st.last_stray_key, key);          /* the wrong-source one */
    assert_int_equal(st.st.rx, 2);
    assert_int_equal(st.responses, 0);
    assert_int_equal(st.outstanding, 1);
    /* The right one completes it; its duplicate is a stray. */
    peer_send(F.peer, 'R', key, &from, fl);
    peer_send(F.peer, 'R', key, &from, fl);
    assert_int_equal(waiter_wait(&F.w, 1, 2000), 1);
    st = stats_when_rx(4);
    assert_int_equal(st.responses, 1);
    assert_int_equal(t.callbacks, 1);
    assert_int_equal(st.st.stray, 3);
    assert_int_equal(st.st.rx, 4);
    close(other);
}

static void
test_dgram_unsolicited_goes_to_upper_layer_and_raw_send_works(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    peer_send(F.peer, 'T', 77, &F.mgr_addr, F.mgr_len);
    assert_int_equal(waiter_wait(&F.w, 1, 2000), 1);
    struct stats_op st = stats();
    assert_int_equal(st.unsolicited, 1);
    assert_int_equal(st.st.stray, 0);
    assert_int_equal(F.last_pkt[0], 'T');
    assert_int_equal(key_of(F.last_pkt), 77);
    assert_true(wn_sockaddr_equal((struct sockaddr *)&F.last_from, (struct sockaddr *)&F.peer_addr));
    /* Answer it with a raw datagram (loop thread only: from a call). */
    uint8_t bytes[5] = { 'A', 1, 2, 3, 4 };
    assert_int_equal(raw_send(bytes, sizeof(bytes)), 0);
    uint8_t buf[64];
    struct sockaddr_storage from;
    assert_int_equal(peer_recv(F.peer, buf, sizeof(buf), &from, 1000), 5);
    assert_memory_equal(buf, bytes, 5);
    assert_true(wn_sockaddr_equal((struct sockaddr *)&from, (struct sockaddr *)&F.mgr_addr));
    assert_int_equal(raw_send(bytes, 0), WN_E_INVAL);
}

static void
test_dgram_send_request_rejects_bad_input_and_releases_key(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    struct treq t;
    /* IPv6 destination on an IPv4 socket. */
    struct sockaddr_storage v6;
    socklen_t l6;
    assert_int_equal(wn_sockaddr_parse("[::1]:161", 0, &v6, &l6), 0);
    struct start_op op = { .t = &t, .timeout_ms = 100, .dest = (struct sockaddr *)&v6,
                           .destlen = l6 };
    assert_int_equal(wn_evloop_call(F.l, start_req, &op), 0);
    assert_int_equal(op.err, WN_E_INVAL);
    struct stats_op st = stats();
    assert_int_equal(st.outstanding, 0);
    /* No key: state error. */
    t.callbacks = 1;
    assert_int_equal(wn_evloop_call(F.l, send_unkeyed, &t), 0);
    assert_int_equal(t.callbacks, 0);
    sleep_ms(150);
    assert_int_equal(t.callbacks, 0);
    assert_int_equal(stats().timeouts, 0);
}

#define CLAIM_N 20000

struct claim_op {
    struct treq *t;
    int errors;
};

static void
claim_and_cancel(void *arg)
{
    struct claim_op *op = arg;
    struct treq *t = op->t;
    /* Keys that collide in the low bits stress the probe chains. */
    for (uint32_t i = 0; i < CLAIM_N; i++) {
        wn_dgram_req_init(&t[i].r);
        if (wn_dgram_key_claim(F.mgr, &t[i].r, 1 + i * 64) != 0)
            op->errors++;
    }
    if (wn_dgram_key_claim(F.mgr, &t[0].r, 99) != WN_E_STATE)
        op->errors++;
    if (wn_dgram_key_alloc(F.mgr, &t[0].r) != WN_E_STATE)
        op->errors++;
    struct treq dup;
    wn_dgram_req_init(&dup.r);
    if (wn_dgram_key_claim(F.mgr, &dup.r, 1 + 5 * 64) != WN_E_EXISTS)
        op->errors++;
    if (wn_dgram_key_claim(F.mgr, &dup.r, 0) != WN_E_INVAL)
        op->errors++;
    uint32_t x = 7;
    for (uint32_t i = 0; i < CLAIM_N; i++) {
        x = x * 1103515245u + 12345u;
        if ((x >> 16) & 1)
            wn_dgram_cancel(&t[i].r);
    }
    size_t live = 0;
    for (uint32_t i = 0; i < CLAIM_N; i++) {
        int err = wn_dgram_key_claim(F.mgr, &dup.r, 1 + i * 64);
        if (t[i].r.wn_sock) {
            live++;
            if (err != WN_E_EXISTS)
                op->errors++;
        } else {
            if (err != 0)
                op->errors++;
            wn_dgram_cancel(&dup.r);
        }
    }
    if (wn_dgram_sock_outstanding(F.mgr) != live)
        op->errors++;
    for (uint32_t i = 0; i < CLAIM_N; i++)
        wn_dgram_cancel(&t[i].r);
    if (wn_dgram_sock_outstanding(F.mgr) != 0)
        op->errors++;
}

static void
test_dgram_key_table_survives_claims_and_cancels(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    struct claim_op op = { .t = wn_calloc(CLAIM_N, sizeof(struct treq)) };
    assert_non_null(op.t);
    assert_int_equal(wn_evloop_call(F.l, claim_and_cancel, &op), 0);
    assert_int_equal(op.errors, 0);
    wn_free(op.t);
}

#define MANY_REQS 100000

struct many_op {
    struct treq *t;
    int errors;
    uint64_t ms;
};

static void
start_many(void *arg)
{
    struct many_op *op = arg;
    uint64_t t0 = wn_clock_ms();
    for (size_t i = 0; i < MANY_REQS; i++) {
        struct treq *t = &op->t[i];
        wn_dgram_req_init(&t->r);
        t->r.data = t;
        memcpy(&t->r.dest, &F.peer_addr, F.peer_len);
        t->r.destlen = F.peer_len;
        t->r.timeout_ms = 3000;
        t->r.retries = 0;
        if (wn_dgram_key_alloc(F.mgr, &t->r) != 0) {
            op->errors++;
            continue;
        }
        encode(t, 'Q', t->r.key);
        t->r.pkt = t->buf;
        t->r.len = PKT_HDR + 5;
        if (wn_dgram_send_request(&t->r) != 0)
            op->errors++;
    }
    op->ms = wn_clock_ms() - t0;
    if (wn_dgram_sock_outstanding(F.mgr) != MANY_REQS)
        op->errors++;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void
test_dgram_100k_outstanding_each_completes_once(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    struct many_op op = { .t = wn_calloc(MANY_REQS, sizeof(struct treq)) };
    assert_non_null(op.t);
    assert_int_equal(wn_evloop_call(F.l, start_many, &op), 0);
    assert_int_equal(op.errors, 0);
    assert_true(op.ms < 15000);    /* O(1) per request; a linear scan would take minutes */
    /* Answer 2000 of them, spread over the table, newest first (they have the
     * most time left on a loaded machine), paced for the socket buffer. */
    const size_t step = MANY_REQS / 2000;
    for (size_t n = 0; n < 2000; n++) {
        size_t i = MANY_REQS - 1 - n * step;
        peer_send(F.peer, 'R', op.t[i].r.key, &F.mgr_addr, F.mgr_len);
        if (n % 64 == 0)
            sleep_ms(1);
    }
    uint32_t *keys = wn_calloc(MANY_REQS, sizeof(*keys));
    assert_non_null(keys);
    for (size_t i = 0; i < MANY_REQS; i++)
        keys[i] = op.t[i].r.key;
    qsort(keys, MANY_REQS, sizeof(*keys), cmp_u32);
    for (size_t i = 1; i < MANY_REQS; i++)
        assert_true(keys[i] != keys[i - 1]);
    wn_free(keys);
    assert_int_equal(waiter_wait(&F.w, MANY_REQS, 20000), MANY_REQS);
    sleep_ms(50);
    struct stats_op st = stats();
    assert_int_equal(st.responses + st.timeouts, MANY_REQS);
    assert_true(st.responses > 0);
    /* Every received answer either completed its request or came after its
     * timeout (possible only on a badly loaded machine). */
    assert_int_equal(st.st.rx, st.responses + st.st.stray);
    assert_int_equal(st.outstanding, 0);
    long answered = 0;
    for (size_t i = 0; i < MANY_REQS; i++) {
        assert_int_equal(op.t[i].callbacks, 1);
        if (op.t[i].responded) {
            answered++;
            assert_int_equal(i % step, step - 1);
        }
    }
    assert_int_equal(answered, st.responses);
    wn_free(op.t);
}

static void
close_with_outstanding(void *arg)
{
    struct treq *t = arg;
    wn_dgram_sock_close(F.mgr);
    F.mgr = NULL;
    /* The request is released: it can start on a new socket. */
    if (t->r.wn_sock != NULL)
        t->callbacks += 100;
}

static void
test_dgram_close_releases_outstanding_without_callbacks(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    struct treq t;
    assert_int_equal(start(&t, 30, 1), 0);
    assert_int_equal(wn_evloop_call(F.l, close_with_outstanding, &t), 0);
    sleep_ms(150);
    assert_int_equal(waiter_get(&F.w), 0);
    assert_int_equal(t.callbacks, 0);
}

static void
test_dgram_close_from_own_response_callback(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    F.close_in_callback = 1;
    struct treq t;
    assert_int_equal(start(&t, 2000, 0), 0);
    uint8_t buf[64];
    struct sockaddr_storage from;
    assert_int_equal(peer_recv(F.peer, buf, sizeof(buf), &from, 1000), PKT_HDR + 5);
    socklen_t fl = wn_sockaddr_len((struct sockaddr *)&from);
    /* Two datagrams in one batch: the second must not touch the closed socket. */
    peer_send(F.peer, 'R', key_of(buf), &from, fl);
    peer_send(F.peer, 'T', 1, &from, fl);
    assert_int_equal(waiter_wait(&F.w, 1, 2000), 1);
    sleep_ms(50);
    assert_int_equal(waiter_get(&F.w), 1);
}

/* Send seam: fails the first g_fail_n sends with g_fail_errno. */
static _Atomic int g_fail_n;
static _Atomic int g_fail_errno;
static _Atomic int g_send_calls;

static long
failing_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen)
{
    atomic_fetch_add(&g_send_calls, 1);
    if (atomic_fetch_sub(&g_fail_n, 1) > 0) {
        errno = atomic_load(&g_fail_errno);
        return -1;
    }
    return (long)sendto(fd, buf, len, flags, to, tolen);
}

static void
fail_sends(int n, int err)
{
    atomic_store(&g_send_calls, 0);
    atomic_store(&g_fail_errno, err);
    atomic_store(&g_fail_n, n);
    wn_dgram_set_sendto(failing_sendto);
}

static void
test_dgram_transient_send_errors_count_as_loss(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    fail_sends(2, EAGAIN);
    struct treq t;
    assert_int_equal(start(&t, 40, 3), 0);
    uint8_t buf[64];
    struct sockaddr_storage from;
    int got = 0;
    while (peer_recv(F.peer, buf, sizeof(buf), &from, 400) > 0)
        got++;
    assert_int_equal(waiter_wait(&F.w, 1, 2000), 1);
    wn_dgram_set_sendto(NULL);
    assert_int_equal(atomic_load(&g_send_calls), 4);
    assert_int_equal(got, 2);                  /* the two refused ones were lost */
    struct stats_op st = stats();
    assert_int_equal(st.timeouts, 1);
    assert_int_equal(st.st.tx_errors, 2);
    assert_int_equal(st.st.tx, 2);
    assert_int_equal(st.st.retransmits, 3);
    assert_int_equal(t.callbacks, 1);
}

static void
test_dgram_hard_send_error_fails_without_callback(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    struct treq t;
    static const struct { int err; int want; } cases[] = {
        { ENETUNREACH, WN_E_UNREACHABLE },
        { EHOSTUNREACH, WN_E_UNREACHABLE },
        { EACCES, WN_E_ACCESS },
        { EIO, WN_E_IO },
    };
    for (size_t i = 0; i < WN_ARRAY_SIZE(cases); i++) {
        fail_sends(1, cases[i].err);
        assert_int_equal(start(&t, 20, 2), cases[i].want);
        assert_int_equal(stats().outstanding, 0);
    }
    fail_sends(1, EAGAIN);
    uint8_t bytes[5] = { 'A', 0, 0, 0, 1 };
    assert_int_equal(raw_send(bytes, sizeof(bytes)), WN_E_BUSY);
    wn_dgram_set_sendto(NULL);
    sleep_ms(100);
    assert_int_equal(waiter_get(&F.w), 0);
    assert_int_equal(t.callbacks, 0);
    struct stats_op st = stats();
    assert_int_equal(st.st.tx_errors, 5);
    assert_int_equal(st.st.tx, 0);
}

static void
open_fails(void *arg)
{
    int *err = arg;
    struct wn_dgram_sock *s = NULL;
    for (long n = 0; n < 4; n++) {
        wn_alloc_fail_after(n);
        int e = wn_dgram_sock_open(F.l, AF_INET, NULL, 0, &t_ops, &F, &s);
        wn_alloc_fail_after(-1);
        if (e == 0) {
            wn_dgram_sock_close(s);
            break;
        }
        if (e != WN_E_NOMEM)
            *err = e;
    }
}

struct nomem_key_op {
    struct treq t;
    int err, state_idle, retry;
};

static void
nomem_key(void *arg)
{
    struct nomem_key_op *op = arg;
    wn_dgram_req_init(&op->t.r);
    wn_alloc_fail_after(0);
    op->err = wn_dgram_key_alloc(F.mgr, &op->t.r);   /* the key table must grow */
    wn_alloc_fail_after(-1);
    op->state_idle = op->t.r.wn_sock == NULL && wn_dgram_sock_outstanding(F.mgr) == 0;
    op->retry = wn_dgram_key_alloc(F.mgr, &op->t.r);
    wn_dgram_cancel(&op->t.r);
}

static void
test_dgram_key_alloc_fails_cleanly_without_memory(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    struct nomem_key_op op;
    memset(&op, 0, sizeof(op));
    assert_int_equal(wn_evloop_call(F.l, nomem_key, &op), 0);
    assert_int_equal(op.err, WN_E_NOMEM);
    assert_true(op.state_idle);
    assert_int_equal(op.retry, 0);
}

static void
test_dgram_open_fails_cleanly_without_memory(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    int err = 0;
    assert_int_equal(wn_evloop_call(F.l, open_fails, &err), 0);
    assert_int_equal(err, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_dgram_request_gets_matching_response_ipv4, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_request_gets_matching_response_ipv6, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_retransmits_same_bytes_then_times_out_once, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_cancel_stops_retransmission_and_callbacks, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_stray_responses_are_counted_and_dropped, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_unsolicited_goes_to_upper_layer_and_raw_send_works, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_send_request_rejects_bad_input_and_releases_key, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_key_table_survives_claims_and_cancels, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_100k_outstanding_each_completes_once, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_close_releases_outstanding_without_callbacks, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_close_from_own_response_callback, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_open_fails_cleanly_without_memory, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_key_alloc_fails_cleanly_without_memory, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_transient_send_errors_count_as_loss, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_hard_send_error_fails_without_callback, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
