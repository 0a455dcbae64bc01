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

#include "dgram_fixture.h"

static void
send_unkeyed(void *arg)
{
    struct treq *t = arg;
    wn_dgram_req_init(&t->r);
    t->callbacks = wn_dgram_send_request(&t->r) == WN_E_STATE ? 0 : 1;
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

/* Sets up IPv4, starts t (no retries) and returns the key the peer saw
 * it with; *from gets the manager's address. */
static uint32_t
start_ipv4(struct treq *t, uint32_t timeout_ms, struct sockaddr_storage *from)
{
    assert_int_equal(fx_setup(AF_INET), 0);
    assert_int_equal(start(t, timeout_ms, 0), 0);
    uint8_t buf[64];
    assert_int_equal(peer_recv(F.peer, buf, sizeof(buf), from, 1000), PKT_HDR + 5);
    return key_of(buf);
}

static void
test_dgram_stray_responses_are_counted_and_dropped(void **state)
{
    (void)state;
    struct treq t;
    struct sockaddr_storage from;
    uint32_t key = start_ipv4(&t, 3000, &from);
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

struct inject_op {
    const uint8_t *pkt;
    size_t len;
    const struct sockaddr *from;
    socklen_t fromlen;
    int rc;
};

static void
inject_on_loop(void *arg)
{
    struct inject_op *op = arg;
    op->rc = wn_dgram_inject(F.mgr, op->pkt, op->len, op->from, op->fromlen);
}

static int
inject(const uint8_t *pkt, size_t len, const struct sockaddr_storage *from)
{
    struct inject_op op = {pkt, len, (const struct sockaddr *)from,
                           wn_sockaddr_len((const struct sockaddr *)from), -1};
    assert_int_equal(wn_evloop_call(F.l, inject_on_loop, &op), 0);
    return op.rc;
}

/* wn_dgram_inject (the fuzz targets' way in) is a received datagram: the
 * same counting, matching on key and source, and completion, with no
 * socket I/O. */
static void
test_dgram_inject_is_a_received_datagram(void **state)
{
    (void)state;
    struct treq t;
    struct sockaddr_storage from;
    uint32_t key = start_ipv4(&t, 5000, &from);
    uint8_t r[PKT_HDR] = {'R', (uint8_t)(key >> 24), (uint8_t)(key >> 16), (uint8_t)(key >> 8),
                          (uint8_t)key};
    /* The right key from another port: a stray. */
    struct sockaddr_storage other = F.peer_addr;
    ((struct sockaddr_in *)&other)->sin_port =
        htons((uint16_t)(ntohs(((struct sockaddr_in *)&F.peer_addr)->sin_port) + 1));
    assert_int_equal(inject(r, sizeof r, &other), 0);
    struct stats_op st = stats();
    assert_int_equal(st.st.rx, 1);
    assert_int_equal(st.st.stray, 1);
    assert_int_equal(st.responses, 0);
    assert_int_equal(st.outstanding, 1);
    /* Longer than a datagram can be: a receive error, not dispatched. */
    static uint8_t big[WN_DGRAM_MAX_LEN + 1];
    memcpy(big, r, sizeof r);
    assert_int_equal(inject(big, sizeof big, &F.peer_addr), 0);
    st = stats();
    assert_int_equal(st.st.rx_errors, 1);
    assert_int_equal(st.responses, 0);
    /* From the peer: the answer. */
    assert_int_equal(inject(r, sizeof r, &F.peer_addr), 0);
    st = stats();
    assert_int_equal(st.responses, 1);
    assert_int_equal(t.callbacks, 1);
    assert_int_equal(st.outstanding, 0);
    assert_int_equal(st.st.rx, 2);
    assert_true(wn_sockaddr_equal((struct sockaddr *)&F.last_from,
                                  (struct sockaddr *)&F.peer_addr));
}

/* A datagram with the right key and source that the accept op refuses is
 * a stray and leaves the request outstanding for its real answer. */
static void
test_dgram_refused_by_accept_is_a_stray(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    struct treq t;
    assert_int_equal(start(&t, 3000, 0), 0);
    uint8_t buf[64];
    struct sockaddr_storage from;
    assert_int_equal(peer_recv(F.peer, buf, sizeof(buf), &from, 1000), PKT_HDR + 5);
    socklen_t fl = wn_sockaddr_len((struct sockaddr *)&from);
    uint8_t bogus[PKT_HDR + 5];
    memcpy(bogus, buf, PKT_HDR);
    bogus[0] = 'R';
    memcpy(bogus + PKT_HDR, "bogus", 5);
    assert_int_equal(sendto(F.peer, bogus, sizeof bogus, 0, (struct sockaddr *)&from, fl),
                     (ssize_t)sizeof bogus);
    struct stats_op st = stats_when_rx(1);
    assert_int_equal(st.st.stray, 1);
    assert_int_equal(st.strays, 1);
    assert_int_equal(st.responses, 0);
    assert_int_equal(st.outstanding, 1);
    peer_send(F.peer, 'R', key_of(buf), &from, fl);
    assert_int_equal(waiter_wait(&F.w, 1, 2000), 1);
    st = stats_when_rx(2);
    assert_int_equal(st.responses, 1);
    assert_int_equal(t.callbacks, 1);
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

static void
set_free_after_close(void *arg)
{
    F.free_after_close = arg;
}

/* Closing from a response callback releases the OTHER outstanding requests
 * at once, so their owners may free them inside the callback (the socket
 * itself is freed only when the dispatch unwinds). */
static void
test_dgram_close_from_callback_releases_other_requests_at_once(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    F.close_in_callback = 1;
    struct treq t;
    struct treq *t2 = wn_calloc(1, sizeof *t2);
    assert_non_null(t2);
    assert_int_equal(start(t2, 5000, 0), 0);   /* never answered */
    assert_int_equal(start(&t, 5000, 0), 0);
    uint8_t buf[64];
    struct sockaddr_storage from;
    uint32_t key = 0;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(peer_recv(F.peer, buf, sizeof(buf), &from, 1000), PKT_HDR + 5);
        if (key_of(buf) == t.r.key)
            key = t.r.key;
    }
    assert_int_equal(key, t.r.key);
    assert_int_equal(wn_evloop_call(F.l, set_free_after_close, t2), 0);
    peer_send(F.peer, 'R', key, &from, wn_sockaddr_len((struct sockaddr *)&from));
    assert_int_equal(waiter_wait(&F.w, 1, 2000), 1);
    sleep_ms(50);
    assert_int_equal(F.other_released, 1);
    assert_null(F.free_after_close);
}

/* ---- first sends made from receive callbacks go out in one sendmmsg ----
 * A socket whose ops have on_send_error batches the requests its receive
 * callbacks start; a datagram the kernel refuses (port 0 on loopback:
 * EINVAL) then ends its request through on_send_error instead of an error
 * from wn_dgram_send_request, and the others of the batch still go out.
 * Fails without the batch: the refused start returns WN_E_INVAL at once. */
static struct {
    struct wn_dgram_sock *sock;
    struct treq a, b, c;
    int b_rc, c_rc;
    int send_err;
    struct wn_dgram_req *err_req;
    struct sockaddr_in port0;
} BX;

static int
bx_start(struct treq *t, const struct sockaddr *dest, socklen_t dl)
{
    return fx_start_on(BX.sock, t, dest, dl, 10000, 0);
}

static void
bx_on_response(void *ctx, struct wn_dgram_req *req, const uint8_t *pkt, size_t len,
               const struct sockaddr *from, socklen_t fromlen)
{
    (void)ctx, (void)pkt, (void)len, (void)from, (void)fromlen;
    if (req == &BX.a.r) {
        BX.b_rc = bx_start(&BX.b, (struct sockaddr *)&BX.port0, sizeof BX.port0);
        BX.c_rc = bx_start(&BX.c, (struct sockaddr *)&F.peer_addr, F.peer_len);
    }
    waiter_bump(&F.w);
}

static void
bx_on_timeout(void *ctx, struct wn_dgram_req *req)
{
    (void)ctx, (void)req;
    waiter_bump(&F.w);
}

static void
bx_on_send_error(void *ctx, struct wn_dgram_req *req, int err)
{
    (void)ctx;
    BX.send_err = err;
    BX.err_req = req;
    waiter_bump(&F.w);
}

static const struct wn_dgram_ops bx_ops = {
    .match_key = fx_match_key,
    .on_response = bx_on_response,
    .on_timeout = bx_on_timeout,
    .on_send_error = bx_on_send_error,
};

static void
bx_open_and_send_a(void *arg)
{
    int *err = arg;
    *err = wn_dgram_sock_open(F.l, AF_INET, NULL, 0, &bx_ops, NULL, &BX.sock);
    if (*err == 0)
        *err = bx_start(&BX.a, (struct sockaddr *)&F.peer_addr, F.peer_len);
}

static void
bx_close(void *arg)
{
    (void)arg;
    wn_dgram_sock_close(BX.sock);
}

static void
test_dgram_sends_from_callbacks_are_batched_and_refusals_reported(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    memset(&BX, 0, sizeof BX);
    BX.port0.sin_family = AF_INET;
    BX.port0.sin_addr.s_addr = htonl(INADDR_LOOPBACK);   /* port 0: refused */
    int err = -1;
    assert_int_equal(wn_evloop_call(F.l, bx_open_and_send_a, &err), 0);
    assert_int_equal(err, 0);
    uint8_t buf[64];
    struct sockaddr_storage from;
    assert_int_equal(peer_recv(F.peer, buf, sizeof buf, &from, 5000), PKT_HDR + 5);
    peer_send(F.peer, 'R', key_of(buf), &from, sizeof(struct sockaddr_in));
    /* The response, then the refusal of B. */
    assert_int_equal(waiter_wait(&F.w, 2, 5000), 2);
    assert_int_equal(BX.b_rc, 0);
    assert_int_equal(BX.c_rc, 0);
    assert_int_equal(BX.send_err, WN_E_INVAL);
    assert_ptr_equal(BX.err_req, &BX.b.r);
    /* C went out in the same batch. */
    assert_int_equal(peer_recv(F.peer, buf, sizeof buf, &from, 5000), PKT_HDR + 5);
    assert_int_equal(key_of(buf), BX.c.r.key);
    assert_int_equal(wn_evloop_call(F.l, bx_close, NULL), 0);
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
        cmocka_unit_test_teardown(test_dgram_refused_by_accept_is_a_stray, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_inject_is_a_received_datagram, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_unsolicited_goes_to_upper_layer_and_raw_send_works, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_send_request_rejects_bad_input_and_releases_key, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_close_releases_outstanding_without_callbacks, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_close_from_own_response_callback, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_close_from_callback_releases_other_requests_at_once,
                                  fx_teardown),
        cmocka_unit_test_teardown(test_dgram_sends_from_callbacks_are_batched_and_refusals_reported,
                                  fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
