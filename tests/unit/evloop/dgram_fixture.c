/* dgram_fixture.c: the dgram tests' fixture: callbacks that count, loop-thread helpers, the responder side. */
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

#include "dgram_fixture.h"

struct fx F;

int
fx_match_key(void *ctx, const uint8_t *pkt, size_t len, uint32_t *key)
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
        if (f->free_after_close) {
            /* The close released every other request: its owner may free
             * it right away (the socket itself goes later). */
            f->other_released = f->free_after_close->r.wn_sock == NULL;
            wn_free(f->free_after_close);
            f->free_after_close = NULL;
        }
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

/* Refuses a matching response whose payload starts with "bogus". */
static int
t_accept(void *ctx, const struct wn_dgram_req *req, const uint8_t *pkt, size_t len)
{
    (void)ctx, (void)req;
    return len >= PKT_HDR + 5 && memcmp(pkt + PKT_HDR, "bogus", 5) == 0 ? WN_E_PROTOCOL : 0;
}

const struct wn_dgram_ops t_ops = {
    .match_key = fx_match_key,
    .on_response = t_on_response,
    .on_timeout = t_on_timeout,
    .on_unsolicited = t_on_unsolicited,
    .on_stray = t_on_stray,
    .accept = t_accept,
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

int
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
int
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

void
encode(struct treq *t, char type, uint32_t key)
{
    t->buf[0] = (uint8_t)type;
    t->buf[1] = (uint8_t)(key >> 24);
    t->buf[2] = (uint8_t)(key >> 16);
    t->buf[3] = (uint8_t)(key >> 8);
    t->buf[4] = (uint8_t)key;
    memcpy(t->buf + PKT_HDR, "hello", 5);
}

int
fx_start_on(struct wn_dgram_sock *s, struct treq *t, const struct sockaddr *dest, socklen_t dl,
            uint32_t timeout_ms, uint32_t retries)
{
    memset(t, 0, sizeof(*t));
    wn_dgram_req_init(&t->r);
    t->r.data = t;
    memcpy(&t->r.dest, dest, dl);
    t->r.destlen = dl;
    t->r.timeout_ms = timeout_ms;
    t->r.retries = retries;
    int err = wn_dgram_key_alloc(s, &t->r);
    if (err)
        return err;
    encode(t, 'Q', t->r.key);
    t->r.pkt = t->buf;
    t->r.len = PKT_HDR + 5;
    return wn_dgram_send_request(&t->r);
}

void
start_req(void *arg)
{
    struct start_op *op = arg;
    const struct sockaddr *dest = op->dest ? op->dest : (struct sockaddr *)&F.peer_addr;
    socklen_t dl = op->dest ? op->destlen : F.peer_len;
    op->err = fx_start_on(F.mgr, op->t, dest, dl, op->timeout_ms, op->retries);
}

int
start(struct treq *t, uint32_t timeout_ms, uint32_t retries)
{
    struct start_op op = { .t = t, .timeout_ms = timeout_ms, .retries = retries };
    assert_int_equal(wn_evloop_call(F.l, start_req, &op), 0);
    return op.err;
}

void
cancel_req(void *arg)
{
    wn_dgram_cancel(&((struct treq *)arg)->r);
}

void
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

struct stats_op
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
int
raw_send(const uint8_t *bytes, size_t len)
{
    struct raw_op op = { .bytes = bytes, .len = len, .err = 1 };
    assert_int_equal(wn_evloop_call(F.l, do_raw, &op), 0);
    return op.err;
}

/* Stats once the manager has received at least rx datagrams (or 5 s passed). */
struct stats_op
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
ssize_t
peer_recv(int fd, uint8_t *buf, size_t cap, struct sockaddr_storage *from, long timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, (int)timeout_ms) <= 0)
        return -1;
    socklen_t fl = sizeof(*from);
    return recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &fl);
}

void
peer_send(int fd, char type, uint32_t key, const struct sockaddr_storage *to, socklen_t tolen)
{
    struct treq tmp;
    encode(&tmp, type, key);
    assert_int_equal(sendto(fd, tmp.buf, PKT_HDR + 5, 0, (const struct sockaddr *)to, tolen),
                     PKT_HDR + 5);
}

uint32_t
key_of(const uint8_t *b)
{
    return (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4];
}
