/* test_evloop_dgram_gso.c: the first sends of one receive round grouped into UDP GSO sends: every datagram intact and answered once, the fallback when the kernel refuses GSO, refused requests reported safely. */
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
#include <poll.h>
#include <cmocka.h>

#include "dgram_fixture.h"

/* The round the answer to the trigger request starts, from its callback:
 * datagrams of different lengths to two destinations, so that the layer
 * makes GSO groups (equal lengths to one peer, a shorter one last) and
 * leaves the rest as single datagrams. */
static const struct {
    int peer;       /* 0: F.peer, 1: the second peer */
    size_t payload; /* bytes after the header */
} PLAN[] = {
    {0, 10}, {0, 14}, {1, 10}, {0, 10}, {0, 10}, {1, 10}, {0, 14}, {0, 6},
    {0, 10}, {1, 3},  {0, 14}, {0, 10}, {1, 10}, {0, 10}, {0, 14}, {0, 10},
};
#define NPLAN (sizeof PLAN / sizeof PLAN[0])
/* The large round: more first sends than one batch holds (64), the first
 * of them refused. */
#define NMANY 70

static struct {
    struct wn_dgram_sock *sock;
    int no_check;       /* checksums off on the socket: the kernel refuses GSO */
    int port0;          /* the round: two datagrams to port 0 (refused) */
    int many;           /* the round: NMANY requests, the first to port 0 */
    int in_start;       /* inside wn_dgram_send_request */
    int reentered;      /* on_send_error called inside wn_dgram_send_request */
    struct treq trig;
    struct treq reqs[NMANY];
    struct treq *heap[2];   /* the port-0 round's requests (heap: ASan sees a late use) */
    int started;        /* requests the round started */
    int start_err;
    int send_errs;      /* on_send_error calls */
    int err_code;
    int peer2;
    struct sockaddr_storage peer2_addr;
    socklen_t peer2_len;
    int gso_probe;      /* the kernel has UDP_SEGMENT */
    struct wn_dgram_stats st;
} GX;

/* Payload byte i of the request with key: tells every datagram apart. */
static uint8_t
pattern(uint32_t key, size_t i)
{
    return (uint8_t)(key * 7u + i * 13u + 1u);
}

static int
gx_start(struct treq *t, const struct sockaddr *dest, socklen_t dl, size_t payload)
{
    memset(t, 0, sizeof *t);
    wn_dgram_req_init(&t->r);
    t->r.data = t;
    memcpy(&t->r.dest, dest, dl);
    t->r.destlen = dl;
    t->r.timeout_ms = 20000;
    int err = wn_dgram_key_alloc(GX.sock, &t->r);
    if (err)
        return err;
    encode(t, 'Q', t->r.key);
    for (size_t i = 0; i < payload; i++)
        t->buf[PKT_HDR + i] = pattern(t->r.key, i);
    t->r.pkt = t->buf;
    t->r.len = PKT_HDR + payload;
    GX.in_start = 1;
    err = wn_dgram_send_request(&t->r);
    GX.in_start = 0;
    return err;
}

static void
gx_start_round(void)
{
    struct sockaddr_storage p0;
    memcpy(&p0, &F.peer_addr, F.peer_len);
    ((struct sockaddr_in *)&p0)->sin_port = 0;
    if (GX.many) {
        for (int i = 0; i < NMANY; i++) {
            const struct sockaddr *d = i ? (struct sockaddr *)&F.peer_addr : (struct sockaddr *)&p0;
            if (gx_start(&GX.reqs[i], d, F.peer_len, 5) != 0)
                GX.start_err++;
            else
                GX.started++;
        }
        return;
    }
    if (GX.port0) {
        for (int i = 0; i < 2; i++) {
            GX.heap[i] = wn_calloc(1, sizeof *GX.heap[i]);
            if (!GX.heap[i] || gx_start(GX.heap[i], (struct sockaddr *)&p0, F.peer_len, 5) != 0)
                GX.start_err++;
            else
                GX.started++;
        }
        return;
    }
    for (size_t i = 0; i < NPLAN; i++) {
        const struct sockaddr *d = PLAN[i].peer ? (struct sockaddr *)&GX.peer2_addr
                                                : (struct sockaddr *)&F.peer_addr;
        socklen_t dl = PLAN[i].peer ? GX.peer2_len : F.peer_len;
        if (gx_start(&GX.reqs[i], d, dl, PLAN[i].payload) != 0)
            GX.start_err++;
        else
            GX.started++;
    }
}

static void
gx_on_response(void *ctx, struct wn_dgram_req *req, const uint8_t *pkt, size_t len,
               const struct sockaddr *from, socklen_t fromlen)
{
    (void)ctx, (void)pkt, (void)len, (void)from, (void)fromlen;
    struct treq *t = req->data;
    t->callbacks++;
    if (t == &GX.trig)
        gx_start_round();
    waiter_bump(&F.w);
}

static void
gx_on_timeout(void *ctx, struct wn_dgram_req *req)
{
    (void)ctx;
    ((struct treq *)req->data)->callbacks++;
    waiter_bump(&F.w);
}

/* Of the port-0 round: the first report cancels and frees the other
 * refused request, which must then get no report of its own. */
static void
gx_on_send_error(void *ctx, struct wn_dgram_req *req, int err)
{
    (void)ctx;
    struct treq *t = req->data;
    t->callbacks++;
    GX.send_errs++;
    if (GX.in_start)
        GX.reentered++;
    GX.err_code = err;
    for (int i = 0; i < 2; i++) {
        if (GX.heap[i] && GX.heap[i] != t) {
            wn_dgram_cancel(&GX.heap[i]->r);
            wn_free(GX.heap[i]);
            GX.heap[i] = NULL;
        }
    }
    waiter_bump(&F.w);
}

static const struct wn_dgram_ops gx_ops = {
    .match_key = fx_match_key,
    .on_response = gx_on_response,
    .on_timeout = gx_on_timeout,
    .on_send_error = gx_on_send_error,
};

static void
gx_open_and_send_trigger(void *arg)
{
    int *err = arg;
    *err = wn_dgram_sock_open(F.l, F.family, NULL, 0, &gx_ops, NULL, &GX.sock);
    if (*err)
        return;
    int fd = wn_dgram_sock_fd(GX.sock);
    int seg = 0;
    socklen_t sl = sizeof seg;
    GX.gso_probe = getsockopt(fd, SOL_UDP, UDP_SEGMENT, &seg, &sl) == 0;
    if (GX.no_check) {
        int on = 1;
        *err = setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &on, sizeof on) == 0 ? 0 : WN_E_IO;
        if (*err)
            return;
    }
    *err = gx_start(&GX.trig, (struct sockaddr *)&F.peer_addr, F.peer_len, 5);
}

static void
gx_close(void *arg)
{
    (void)arg;
    wn_dgram_sock_stats(GX.sock, &GX.st);
    wn_dgram_sock_close(GX.sock);
    GX.sock = NULL;
    for (int i = 0; i < 2; i++) {
        wn_free(GX.heap[i]);
        GX.heap[i] = NULL;
    }
}

/* Opens the socket and a second peer, sends the trigger and answers it;
 * returns when the callback has started the round. */
static void
run_trigger(int family)
{
    struct sockaddr_storage ss;
    socklen_t len;
    assert_int_equal(wn_sockaddr_parse(family == AF_INET ? "127.0.0.1:0" : "[::1]:0", 0, &ss, &len),
                     0);
    assert_int_equal(wn_udp_open(family, (struct sockaddr *)&ss, len, &GX.peer2), 0);
    GX.peer2_len = sizeof GX.peer2_addr;
    assert_int_equal(getsockname(GX.peer2, (struct sockaddr *)&GX.peer2_addr, &GX.peer2_len), 0);
    int err = -1;
    assert_int_equal(wn_evloop_call(F.l, gx_open_and_send_trigger, &err), 0);
    assert_int_equal(err, 0);
    uint8_t buf[64];
    struct sockaddr_storage from;
    assert_int_equal(peer_recv(F.peer, buf, sizeof buf, &from, 5000), PKT_HDR + 5);
    peer_send(F.peer, 'R', key_of(buf), &from, wn_sockaddr_len((struct sockaddr *)&from));
    assert_true(waiter_wait(&F.w, 1, 5000) >= 1);
}

static void
gx_teardown_peer(void)
{
    assert_int_equal(wn_evloop_call(F.l, gx_close, NULL), 0);
    close(GX.peer2);
    GX.peer2 = -1;
}

/* Receives the round's datagrams on both peers, checks each against the
 * request with its key (length and every payload byte), that none comes
 * twice and that each peer gets them in the order they were sent, and
 * answers each. */
static void
receive_and_answer_round(void)
{
    int seen[NPLAN] = {0};
    int last[2] = {-1, -1};
    for (size_t got = 0; got < NPLAN;) {
        uint8_t buf[64];
        struct sockaddr_storage from;
        struct pollfd pf[2] = {{.fd = F.peer, .events = POLLIN}, {.fd = GX.peer2, .events = POLLIN}};
        assert_true(poll(pf, 2, 5000) > 0);
        for (int p = 0; p < 2; p++) {
            if (!(pf[p].revents & POLLIN))
                continue;
            ssize_t n = peer_recv(pf[p].fd, buf, sizeof buf, &from, 0);
            assert_true(n >= PKT_HDR);
            assert_int_equal(buf[0], 'Q');
            uint32_t key = key_of(buf);
            size_t i = 0;
            while (i < NPLAN && GX.reqs[i].r.key != key)
                i++;
            assert_true(i < NPLAN);
            assert_int_equal(seen[i], 0);
            seen[i] = 1;
            assert_int_equal(PLAN[i].peer, p);
            assert_true((int)i > last[p]);
            last[p] = (int)i;
            assert_int_equal((size_t)n, PKT_HDR + PLAN[i].payload);
            for (size_t b = 0; b < PLAN[i].payload; b++)
                assert_int_equal(buf[PKT_HDR + b], pattern(key, b));
            peer_send(pf[p].fd, 'R', key, &from, wn_sockaddr_len((struct sockaddr *)&from));
            got++;
        }
    }
    /* Each request answered exactly once, nothing else on the wire. */
    assert_int_equal(waiter_wait(&F.w, 1 + (long)NPLAN, 5000), 1 + (long)NPLAN);
    uint8_t buf[64];
    struct sockaddr_storage from;
    assert_int_equal(peer_recv(F.peer, buf, sizeof buf, &from, 100), -1);
    assert_int_equal(peer_recv(GX.peer2, buf, sizeof buf, &from, 0), -1);
}

static void
check_callbacks_once(void)
{
    for (size_t i = 0; i < NPLAN; i++)
        assert_int_equal(GX.reqs[i].callbacks, 1);
    assert_int_equal(GX.trig.callbacks, 1);
    assert_int_equal(GX.send_errs, 0);
}

static void
round_grouped(int family)
{
    if (fx_setup(family) != 0)
        skip();
    memset(&GX, 0, sizeof GX);
    run_trigger(family);
    assert_int_equal(GX.started, (int)NPLAN);
    assert_int_equal(GX.start_err, 0);
    receive_and_answer_round();
    gx_teardown_peer();
    check_callbacks_once();
    assert_int_equal(GX.st.tx, 1 + NPLAN);
    assert_int_equal(GX.st.tx_errors, 0);
    assert_int_equal(GX.st.retransmits, 0);
    if (!GX.gso_probe)
        skip();   /* no UDP_SEGMENT (not Linux >= 4.18): the plain batch, checked above */
    /* The groups keep each peer's order: to the first peer 14+10 four
     * times (one with a 6 for the 10) between single 10s, to the second
     * 10+10+3 and a single 10.  Fails without GSO (tx_gso stays 0). */
    assert_int_equal(GX.st.tx_gso, 11);
    assert_int_equal(GX.st.gso_refused, 0);
}

static void
test_dgram_gso_round_every_datagram_intact_and_answered_once_ipv4(void **state)
{
    (void)state;
    round_grouped(AF_INET);
}

static void
test_dgram_gso_round_every_datagram_intact_and_answered_once_ipv6(void **state)
{
    (void)state;
    round_grouped(AF_INET6);
}

/* With checksums off (SO_NO_CHECK) the kernel refuses every GSO send
 * (EINVAL) but takes the same datagrams one at a time: the round still
 * goes out whole and every request is answered once.  Fails without the
 * fallback: the grouped requests end with WN_E_INVAL through
 * on_send_error and never reach the peers (the poll for them times out). */
static void
test_dgram_gso_refused_by_kernel_falls_back_to_single_datagrams(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    memset(&GX, 0, sizeof GX);
    GX.no_check = 1;
    run_trigger(AF_INET);
    if (!GX.gso_probe) {
        gx_teardown_peer();
        skip();
    }
    assert_int_equal(GX.started, (int)NPLAN);
    receive_and_answer_round();
    gx_teardown_peer();
    check_callbacks_once();
    assert_int_equal(GX.st.tx, 1 + NPLAN);
    assert_int_equal(GX.st.tx_gso, 0);
    assert_int_equal(GX.st.gso_refused, 5);   /* the five groups */
}

/* Two requests of one round to port 0 (refused for good, as a group and
 * one by one).  The report of the first cancels and frees the second,
 * which must get no report: the layer checks that a refused request is
 * still its own before reporting it.  The old flush read the freed
 * request (its address for the next sendmmsg, then its state): ASan
 * builds failed there. */
static void
test_dgram_refused_request_cancelled_by_another_report_is_not_reported(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    memset(&GX, 0, sizeof GX);
    GX.port0 = 1;
    run_trigger(AF_INET);
    assert_int_equal(GX.started, 2);
    assert_int_equal(waiter_wait(&F.w, 2, 5000), 2);
    sleep_ms(50);
    assert_int_equal(waiter_get(&F.w), 2);
    gx_teardown_peer();
    assert_int_equal(GX.send_errs, 1);
    assert_int_equal(GX.err_code, WN_E_INVAL);
    assert_int_equal(GX.st.tx_errors, 2);
    assert_int_equal(GX.st.gso_refused, 0);   /* nothing went out: not GSO's fault */
}

/* Receives on the first peer the datagrams of GX.reqs[1 .. n) (reqs[0] was
 * refused), each once and intact (payload bytes after the header), and
 * answers each. */
static void
answer_all_but_the_first(int n, size_t payload)
{
    int seen[NMANY] = {0};
    for (int got = 0; got < n - 1; got++) {
        uint8_t buf[64];
        struct sockaddr_storage from;
        assert_int_equal(peer_recv(F.peer, buf, sizeof buf, &from, 5000), (ssize_t)(PKT_HDR + payload));
        uint32_t key = key_of(buf);
        int i = 1;
        while (i < n && GX.reqs[i].r.key != key)
            i++;
        assert_true(i < n);
        assert_int_equal(seen[i]++, 0);
        for (size_t b = 0; b < payload; b++)
            assert_int_equal(buf[PKT_HDR + b], pattern(key, b));
        peer_send(F.peer, 'R', key, &from, wn_sockaddr_len((struct sockaddr *)&from));
    }
}

/* A round that starts more requests than one sendmmsg batch takes (64),
 * the first refused for good (port 0): the batch that fills up goes out
 * from inside wn_dgram_send_request, but its refusal is reported only at
 * the end of the round, never inside the call (whose caller may hold its
 * own lock: WinSNMP's I/O thread deadlocked on its mutex there).  Every
 * other request is answered once.  Fails with the flush that reported
 * refusals at once: reentered 1. */
static void
test_dgram_refusal_in_a_full_batch_is_reported_after_the_round(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    memset(&GX, 0, sizeof GX);
    GX.many = 1;
    run_trigger(AF_INET);
    assert_int_equal(GX.started, NMANY);
    answer_all_but_the_first(NMANY, 5);
    /* The trigger, the refusal, the 69 answers. */
    assert_int_equal(waiter_wait(&F.w, 1 + NMANY, 5000), 1 + NMANY);
    gx_teardown_peer();
    assert_int_equal(GX.reentered, 0);
    assert_int_equal(GX.send_errs, 1);
    assert_int_equal(GX.err_code, WN_E_INVAL);
    for (int i = 0; i < NMANY; i++)
        assert_int_equal(GX.reqs[i].callbacks, 1);
}

/* Requests started outside a receive round (here from a function the
 * test thread runs on the loop) are batched too: they go out together,
 * as GSO groups, before the loop next waits for I/O, and a refused one
 * (port 0) is reported through on_send_error afterwards, not returned by
 * wn_dgram_send_request.  Fails without that batching: the refused start
 * returns WN_E_INVAL at once and the others go out one sendto each
 * (tx_gso 0). */
enum { NOUT = 7 };

static void
gx_open_and_start_outside(void *arg)
{
    int *err = arg;
    *err = wn_dgram_sock_open(F.l, AF_INET, NULL, 0, &gx_ops, NULL, &GX.sock);
    if (*err)
        return;
    int seg = 0;
    socklen_t sl = sizeof seg;
    GX.gso_probe = getsockopt(wn_dgram_sock_fd(GX.sock), SOL_UDP, UDP_SEGMENT, &seg, &sl) == 0;
    struct sockaddr_storage p0;
    memcpy(&p0, &F.peer_addr, F.peer_len);
    ((struct sockaddr_in *)&p0)->sin_port = 0;
    for (int i = 0; i < NOUT; i++) {
        const struct sockaddr *d = i ? (struct sockaddr *)&F.peer_addr : (struct sockaddr *)&p0;
        if (gx_start(&GX.reqs[i], d, F.peer_len, 10) != 0)
            GX.start_err++;
        else
            GX.started++;
    }
}

static void
test_dgram_sends_outside_a_round_go_out_together_before_the_loop_waits(void **state)
{
    (void)state;
    assert_int_equal(fx_setup(AF_INET), 0);
    memset(&GX, 0, sizeof GX);
    GX.peer2 = -1;
    int err = -1;
    assert_int_equal(wn_evloop_call(F.l, gx_open_and_start_outside, &err), 0);
    assert_int_equal(err, 0);
    assert_int_equal(GX.start_err, 0);
    assert_int_equal(GX.started, NOUT);
    answer_all_but_the_first(NOUT, 10);
    /* The refusal and the six answers. */
    assert_int_equal(waiter_wait(&F.w, NOUT, 5000), NOUT);
    assert_int_equal(wn_evloop_call(F.l, gx_close, NULL), 0);
    assert_int_equal(GX.reentered, 0);
    assert_int_equal(GX.send_errs, 1);
    assert_int_equal(GX.err_code, WN_E_INVAL);
    for (int i = 0; i < NOUT; i++)
        assert_int_equal(GX.reqs[i].callbacks, 1);
    assert_int_equal(GX.st.tx, NOUT - 1);
    if (GX.gso_probe)
        assert_int_equal(GX.st.tx_gso, NOUT - 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_dgram_gso_round_every_datagram_intact_and_answered_once_ipv4,
                                  fx_teardown),
        cmocka_unit_test_teardown(test_dgram_gso_round_every_datagram_intact_and_answered_once_ipv6,
                                  fx_teardown),
        cmocka_unit_test_teardown(test_dgram_gso_refused_by_kernel_falls_back_to_single_datagrams,
                                  fx_teardown),
        cmocka_unit_test_teardown(test_dgram_refused_request_cancelled_by_another_report_is_not_reported,
                                  fx_teardown),
        cmocka_unit_test_teardown(test_dgram_refusal_in_a_full_batch_is_reported_after_the_round,
                                  fx_teardown),
        cmocka_unit_test_teardown(test_dgram_sends_outside_a_round_go_out_together_before_the_loop_waits,
                                  fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
