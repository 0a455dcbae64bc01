/* test_evloop_dgram_stress.c: the dgram key table under churn, 100k outstanding requests, send faults, allocation failures. */
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
        cmocka_unit_test_teardown(test_dgram_key_table_survives_claims_and_cancels, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_100k_outstanding_each_completes_once, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_transient_send_errors_count_as_loss, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_hard_send_error_fails_without_callback, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_key_alloc_fails_cleanly_without_memory, fx_teardown),
        cmocka_unit_test_teardown(test_dgram_open_fails_cleanly_without_memory, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
