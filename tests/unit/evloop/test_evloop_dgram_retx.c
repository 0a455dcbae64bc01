/* test_evloop_dgram_retx.c: the retransmissions of one timer pass to a silent peer leave in one batch, in order, each request retransmitted and timed out exactly as before; one cancelled before the flush is not sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <errno.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "dgram_fixture.h"

/* Requests to the silent peer that time out together, all retransmitted
 * RETRIES times (fewer than a batch holds, so one timer pass is one
 * sendmmsg). */
enum { NRX = 32, RETRIES = 2, TIMEOUT_MS = 300 };

static struct {
    struct wn_dgram_sock *sock;
    struct treq reqs[NRX];
    struct treq *victim;    /* heap (ASan sees a late use): cancelled and freed by `last` */
    struct treq last;       /* no retries: its timeout, after the others' retransmissions
                             * in the same pass, cancels and frees the victim */
    int victim_freed;
    int send_errs;          /* on_send_error calls */
    int gso_probe;          /* the kernel has UDP_SEGMENT */
    uint64_t first_sent_at; /* wn_clock_ms when the last request was started */
    struct wn_dgram_stats before, after_pass, end;
    struct wn_evloop_prepare snap;  /* queued by last's timeout: after the pass's flush */
} RX;

static void
rx_snapshot(struct wn_evloop_prepare *p)
{
    (void)p;
    wn_dgram_sock_stats(RX.sock, &RX.after_pass);
}

static void
rx_on_response(void *ctx, struct wn_dgram_req *req, const uint8_t *pkt, size_t len,
               const struct sockaddr *from, socklen_t fromlen)
{
    (void)ctx, (void)pkt, (void)len, (void)from, (void)fromlen;
    ((struct treq *)req->data)->callbacks++;
    waiter_bump(&F.w);
}

static void
rx_on_timeout(void *ctx, struct wn_dgram_req *req)
{
    (void)ctx;
    struct treq *t = req->data;
    t->callbacks++;
    if (t == &RX.last) {
        /* The victim's retransmission is queued (its timer fired first in
         * this pass) and has not left: cancelled and freed now, it must
         * never be sent nor touched again. */
        wn_dgram_cancel(&RX.victim->r);
        wn_free(RX.victim);
        RX.victim = NULL;
        RX.victim_freed = 1;
        wn_evloop_prepare_once(F.l, &RX.snap);
    }
    waiter_bump(&F.w);
}

static void
rx_on_send_error(void *ctx, struct wn_dgram_req *req, int err)
{
    (void)ctx, (void)err;
    ((struct treq *)req->data)->callbacks++;
    RX.send_errs++;
    waiter_bump(&F.w);
}

static const struct wn_dgram_ops rx_ops = {
    .match_key = fx_match_key,
    .on_response = rx_on_response,
    .on_timeout = rx_on_timeout,
    .on_send_error = rx_on_send_error,
};

static int
rx_start(struct treq *t, uint32_t retries)
{
    return fx_start_on(RX.sock, t, (struct sockaddr *)&F.peer_addr, F.peer_len, TIMEOUT_MS,
                       retries);
}

/* On the loop: the socket, then the victim, the NRX requests and `last`,
 * in this order (their timers fire in it). */
static void
rx_open_and_start(void *arg)
{
    int *err = arg;
    *err = wn_dgram_sock_open(F.l, AF_INET, NULL, 0, &rx_ops, NULL, &RX.sock);
    if (*err)
        return;
    int seg = 0;
    socklen_t sl = sizeof seg;
    RX.gso_probe = getsockopt(wn_dgram_sock_fd(RX.sock), SOL_UDP, UDP_SEGMENT, &seg, &sl) == 0;
    RX.snap.cb = rx_snapshot;
    RX.victim = wn_calloc(1, sizeof *RX.victim);
    *err = RX.victim ? rx_start(RX.victim, RETRIES) : WN_E_NOMEM;
    for (int i = 0; i < NRX && *err == 0; i++)
        *err = rx_start(&RX.reqs[i], RETRIES);
    if (*err == 0)
        *err = rx_start(&RX.last, 0);
    RX.first_sent_at = wn_clock_ms();
}

/* On the loop, once the first sends have left: optionally shuts the
 * socket for writing (every later send is refused, EPIPE), then holds the
 * loop until every timer is due, so that they all fire in the next pass. */
static void
rx_hold_until_due(void *arg)
{
    int shut = *(int *)arg;
    wn_dgram_sock_stats(RX.sock, &RX.before);
    if (shut)
        (void)shutdown(wn_dgram_sock_fd(RX.sock), SHUT_WR);   /* ENOTCONN, but done */
    while (wn_clock_ms() <= RX.first_sent_at + TIMEOUT_MS + 2)
        sleep_ms(5);
}

static void
rx_close(void *arg)
{
    (void)arg;
    wn_dgram_sock_stats(RX.sock, &RX.end);
    wn_dgram_sock_close(RX.sock);
    RX.sock = NULL;
    wn_free(RX.victim);
    RX.victim = NULL;
}

/* Receives n datagrams on the peer: keys[i] is the i-th one's key. */
static void
peer_keys(uint32_t *keys, int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t buf[64];
        struct sockaddr_storage from;
        assert_int_equal(peer_recv(F.peer, buf, sizeof buf, &from, 5000), PKT_HDR + 5);
        assert_int_equal(buf[0], 'Q');
        keys[i] = key_of(buf);
    }
}

/* Starts everything, checks the first sends arrived in order, holds the
 * loop until all timers are due and waits for every callback. */
static void
run_silent_peer(int shut)
{
    assert_int_equal(fx_setup(AF_INET), 0);
    memset(&RX, 0, sizeof RX);
    int err = -1;
    assert_int_equal(wn_evloop_call(F.l, rx_open_and_start, &err), 0);
    assert_int_equal(err, 0);
    uint32_t keys[NRX + 2];
    peer_keys(keys, NRX + 2);
    for (int i = 0; i < NRX; i++)
        assert_int_equal(keys[1 + i], RX.reqs[i].r.key);
    assert_int_equal(keys[NRX + 1], RX.last.r.key);
    assert_int_equal(wn_evloop_call(F.l, rx_hold_until_due, &shut), 0);
    /* The NRX timeouts and last's. */
    assert_int_equal(waiter_wait(&F.w, NRX + 1, 20000), NRX + 1);
}

/* Each of the NRX requests retransmitted RETRIES times and timed out
 * once, the victim never again, `last` once; no report of a send error. */
static void
check_callbacks_and_totals(void)
{
    assert_true(RX.victim_freed);
    assert_int_equal(RX.send_errs, 0);
    for (int i = 0; i < NRX; i++)
        assert_int_equal(RX.reqs[i].callbacks, 1);
    assert_int_equal(RX.last.callbacks, 1);
    assert_int_equal(RX.end.retransmits, (uint64_t)NRX * RETRIES);
    assert_int_equal(RX.end.timeouts, NRX + 1);
}

/* An agent that stops answering: all its requests time out in one timer
 * pass, and their retransmissions go out in one sendmmsg (one GSO send
 * where the kernel has UDP_SEGMENT: one destination, one length), in the
 * order the requests were sent, before the loop waits.  The victim, whose
 * retransmission was queued first in that pass and which another
 * request's timeout then cancels and frees, is not sent (ASan would see
 * the flush read it) and gets no callback.  Each request is retransmitted
 * RETRIES times and times out once.  Fails without the batching: the
 * retransmissions went out one sendto each inside their timers
 * (tx_batches 0 over the pass, tx_gso 0), the victim's among them (the
 * peer sees its key a second time). */
static void
test_dgram_retransmissions_of_one_timer_pass_leave_in_one_batch(void **state)
{
    (void)state;
    run_silent_peer(0);
    /* The rest of the wire: RETRIES rounds of the NRX, each in order. */
    uint32_t keys[NRX * RETRIES];
    peer_keys(keys, NRX * RETRIES);
    for (int r = 0; r < RETRIES; r++)
        for (int i = 0; i < NRX; i++)
            assert_int_equal(keys[r * NRX + i], RX.reqs[i].r.key);
    uint8_t buf[64];
    struct sockaddr_storage from;
    assert_true(peer_recv(F.peer, buf, sizeof buf, &from, 200) < 0);   /* nothing more */
    assert_int_equal(wn_evloop_call(F.l, rx_close, NULL), 0);
    check_callbacks_and_totals();
    /* The first timer pass: the NRX retransmissions (not the victim's),
     * one sendmmsg. */
    assert_int_equal(RX.after_pass.tx_batches - RX.before.tx_batches, 1);
    assert_int_equal(RX.after_pass.tx - RX.before.tx, NRX);
    assert_int_equal(RX.after_pass.retransmits - RX.before.retransmits, NRX);
    if (RX.gso_probe)
        assert_int_equal(RX.after_pass.tx_gso - RX.before.tx_gso, NRX);
    assert_int_equal(RX.end.tx, NRX + 2 + NRX * RETRIES);
    assert_int_equal(RX.end.tx_errors, 0);
}

/* The kernel refuses every retransmission for good (the socket shut for
 * writing: EPIPE).  A refused retransmission counts as sent, as it always
 * has: the peer just sees loss.  So no request ends through on_send_error
 * (which is for first sends); each is retransmitted RETRIES times
 * (counted) and times out once, and every refusal is counted in
 * tx_errors.  Fails when a batched retransmission's refusal is taken for
 * a first send's: send_errs NRX, no timeouts. */
static void
test_dgram_refused_retransmissions_count_as_sent_and_time_out(void **state)
{
    (void)state;
    run_silent_peer(1);
    assert_int_equal(wn_evloop_call(F.l, rx_close, NULL), 0);
    check_callbacks_and_totals();
    assert_int_equal(RX.end.tx, NRX + 2);
    assert_int_equal(RX.end.tx_errors, (uint64_t)NRX * RETRIES);
    assert_int_equal(RX.after_pass.tx_errors - RX.before.tx_errors, NRX);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_dgram_retransmissions_of_one_timer_pass_leave_in_one_batch,
                                  fx_teardown),
        cmocka_unit_test_teardown(test_dgram_refused_retransmissions_count_as_sent_and_time_out,
                                  fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
