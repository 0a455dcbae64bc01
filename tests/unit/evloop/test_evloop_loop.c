/* test_evloop_loop.c: the I/O thread (refcount, post order, call), heap timers and fd watchers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base.h"
#include "evloop.h"
#include "waiter.h"

static struct wn_evloop *
acquire(void)
{
    struct wn_evloop *l = NULL;
    assert_int_equal(wn_evloop_acquire(&l), 0);
    assert_non_null(l);
    return l;
}

static void
note_in_loop(void *arg)
{
    int *p = arg;
    *p = 1;
}

/* ---- refcount ----------------------------------------------------------- */

static void
test_evloop_acquire_shares_one_refcounted_loop(void **state)
{
    (void)state;
    struct wn_evloop *a = acquire();
    struct wn_evloop *b = acquire();
    assert_ptr_equal(a, b);
    assert_false(wn_evloop_in_loop(a));
    wn_evloop_release(b);
    /* One reference left: the loop still serves calls. */
    int ran = 0;
    assert_int_equal(wn_evloop_call(a, note_in_loop, &ran), 0);
    assert_int_equal(ran, 1);
    wn_evloop_release(a);
    struct wn_evloop *c = acquire();
    ran = 0;
    assert_int_equal(wn_evloop_call(c, note_in_loop, &ran), 0);
    assert_int_equal(ran, 1);
    wn_evloop_release(c);
}

/* ---- post / call ----------------------------------------------------------- */

#define POST_THREADS 8
#define POSTS_PER_THREAD 20000

struct post_state {
    struct wn_evloop *l;
    struct waiter done;
    long last[POST_THREADS];   /* loop thread only */
    long violations;           /* loop thread only */
    long off_loop;             /* loop thread only */
};

static struct post_state g_post;

struct post_arg {
    int thread;
};

static void
post_cb(void *arg)
{
    uintptr_t v = (uintptr_t)arg;
    int t = (int)(v / (POSTS_PER_THREAD + 1));
    long seq = (long)(v % (POSTS_PER_THREAD + 1));
    if (!wn_evloop_in_loop(g_post.l))
        g_post.off_loop++;
    if (seq != g_post.last[t] + 1)
        g_post.violations++;
    g_post.last[t] = seq;
    waiter_bump(&g_post.done);
}

static void *
post_thread(void *arg)
{
    int t = ((struct post_arg *)arg)->thread;
    for (long i = 1; i <= POSTS_PER_THREAD; i++) {
        uintptr_t v = (uintptr_t)t * (POSTS_PER_THREAD + 1) + (uintptr_t)i;
        while (wn_evloop_post(g_post.l, post_cb, (void *)v) != 0)
            ;
    }
    return NULL;
}

static void
test_evloop_post_is_fifo_per_thread_from_many_threads(void **state)
{
    (void)state;
    memset(&g_post, 0, sizeof(g_post));
    g_post.l = acquire();
    waiter_init(&g_post.done);
    pthread_t th[POST_THREADS];
    struct post_arg args[POST_THREADS];
    for (int i = 0; i < POST_THREADS; i++) {
        args[i].thread = i;
        assert_int_equal(pthread_create(&th[i], NULL, post_thread, &args[i]), 0);
    }
    for (int i = 0; i < POST_THREADS; i++)
        pthread_join(th[i], NULL);
    long total = (long)POST_THREADS * POSTS_PER_THREAD;
    assert_int_equal(waiter_wait(&g_post.done, total, 20000), total);
    /* Read the loop-thread-only counters through the loop's release. */
    wn_evloop_release(g_post.l);
    assert_int_equal(g_post.violations, 0);
    assert_int_equal(g_post.off_loop, 0);
    for (int i = 0; i < POST_THREADS; i++)
        assert_int_equal(g_post.last[i], POSTS_PER_THREAD);
    waiter_destroy(&g_post.done);
}

struct inline_state {
    struct wn_evloop *l;
    int flag;
    int flag_after_post;
    int in_loop_seen;
    int inner_ran_inline;
    struct waiter w;
};

static void
set_flag(void *arg)
{
    struct inline_state *s = arg;
    s->flag = 1;
    waiter_bump(&s->w);
}

static void
post_from_loop(void *arg)
{
    struct inline_state *s = arg;
    assert_int_equal(wn_evloop_post(s->l, set_flag, s), 0);
    s->flag_after_post = s->flag;
    s->in_loop_seen = wn_evloop_in_loop(s->l);
}

static void
test_evloop_post_never_runs_inline_even_on_loop_thread(void **state)
{
    (void)state;
    struct inline_state s = { 0 };
    waiter_init(&s.w);
    s.l = acquire();
    assert_int_equal(wn_evloop_call(s.l, post_from_loop, &s), 0);
    assert_int_equal(s.in_loop_seen, 1);
    assert_int_equal(s.flag_after_post, 0);
    assert_int_equal(waiter_wait(&s.w, 1, 5000), 1);
    wn_evloop_release(s.l);
    assert_int_equal(s.flag, 1);
    waiter_destroy(&s.w);
}

static void
inner_call(void *arg)
{
    struct inline_state *s = arg;
    s->flag = 1;
}

static void
call_from_loop(void *arg)
{
    struct inline_state *s = arg;
    s->in_loop_seen = wn_evloop_in_loop(s->l);
    assert_int_equal(wn_evloop_call(s->l, inner_call, s), 0);
    s->inner_ran_inline = s->flag;
}

static void
test_evloop_call_runs_on_loop_and_inline_when_on_it(void **state)
{
    (void)state;
    struct inline_state s = { 0 };
    s.l = acquire();
    assert_int_equal(wn_evloop_call(s.l, call_from_loop, &s), 0);
    /* call returned only after the function ran on the loop thread. */
    assert_int_equal(s.in_loop_seen, 1);
    assert_int_equal(s.inner_ran_inline, 1);
    assert_int_equal(wn_evloop_post(s.l, NULL, NULL), WN_E_INVAL);
    wn_evloop_release(s.l);
}

static struct waiter g_detach;

static void
release_from_loop(void *arg)
{
    struct wn_evloop *l = arg;
    wn_evloop_release(l);   /* the last reference, on the loop thread */
    waiter_bump(&g_detach);
}

static void
test_evloop_last_release_on_loop_thread_stops_it(void **state)
{
    (void)state;
    waiter_init(&g_detach);
    struct wn_evloop *l = acquire();
    assert_int_equal(wn_evloop_post(l, release_from_loop, l), 0);
    assert_int_equal(waiter_wait(&g_detach, 1, 5000), 1);
    sleep_ms(50);   /* let the detached thread free the old loop */
    /* A fresh loop serves new users. */
    struct wn_evloop *m = acquire();
    int ran = 0;
    assert_int_equal(wn_evloop_call(m, note_in_loop, &ran), 0);
    assert_int_equal(ran, 1);
    wn_evloop_release(m);
    waiter_destroy(&g_detach);
}

/* ---- timers ------------------------------------------------------------- */

struct order_state {
    struct wn_evloop *l;
    struct wn_timer t[8];
    int order[8];
    int n;
    struct waiter w;
};

static void
order_cb(struct wn_timer *t)
{
    struct order_state *s = t->data;
    s->order[s->n++] = (int)(t - s->t);
    waiter_bump(&s->w);
}

static const uint64_t order_delays[6] = { 120, 30, 80, 30, 0, 50 };

static void
order_start(void *arg)
{
    struct order_state *s = arg;
    for (int i = 0; i < 6; i++) {
        wn_timer_init(&s->t[i], order_cb, s);
        assert_false(wn_timer_active(&s->t[i]));
        assert_int_equal(wn_timer_start(s->l, &s->t[i], order_delays[i]), 0);
        assert_true(wn_timer_active(&s->t[i]));
    }
}

static void
test_timer_fires_in_due_order_ties_fifo(void **state)
{
    (void)state;
    struct order_state s = { 0 };
    waiter_init(&s.w);
    s.l = acquire();
    assert_int_equal(wn_evloop_call(s.l, order_start, &s), 0);
    assert_int_equal(waiter_wait(&s.w, 6, 5000), 6);
    wn_evloop_release(s.l);
    const int want[6] = { 4, 1, 3, 5, 2, 0 };
    for (int i = 0; i < 6; i++)
        assert_int_equal(s.order[i], want[i]);
    for (int i = 0; i < 6; i++)
        assert_false(wn_timer_active(&s.t[i]));
    waiter_destroy(&s.w);
}

static void
stop_start(void *arg)
{
    struct order_state *s = arg;
    for (int i = 0; i < 4; i++)
        wn_timer_init(&s->t[i], order_cb, s);
    wn_timer_stop(s->l, &s->t[3]);                  /* never started: no-op */
    assert_int_equal(wn_timer_start(s->l, &s->t[0], 20), 0);
    assert_int_equal(wn_timer_start(s->l, &s->t[1], 20), 0);
    assert_int_equal(wn_timer_start(s->l, &s->t[2], 10), 0);
    wn_timer_stop(s->l, &s->t[1]);
    wn_timer_stop(s->l, &s->t[1]);                  /* idempotent */
    assert_false(wn_timer_active(&s->t[1]));
    /* Restart pushes t[2] behind t[0]. */
    assert_int_equal(wn_timer_start(s->l, &s->t[2], 150), 0);
    assert_int_equal(wn_evloop_timer_count(s->l), 2);
}

static void
test_timer_stop_and_restart(void **state)
{
    (void)state;
    struct order_state s = { 0 };
    waiter_init(&s.w);
    s.l = acquire();
    assert_int_equal(wn_evloop_call(s.l, stop_start, &s), 0);
    assert_int_equal(waiter_wait(&s.w, 1, 5000), 1);
    assert_int_equal(s.order[0], 0);
    assert_int_equal(waiter_wait(&s.w, 2, 5000), 2);
    assert_int_equal(s.order[1], 2);
    sleep_ms(60);
    assert_int_equal(waiter_get(&s.w), 2);          /* t[1] never fired */
    wn_evloop_release(s.l);
    waiter_destroy(&s.w);
}

#define MANY_TIMERS 100000

struct many_state {
    struct wn_evloop *l;
    struct wn_timer *t;
    uint8_t *fired;
    long expected;
    long fired_count;        /* loop thread */
    long wrong;              /* loop thread: stopped timers that fired, double fires */
    long out_of_order;       /* loop thread */
    uint64_t last_due;       /* loop thread */
    uint64_t start_ms;
    struct waiter w;
};

static void
many_cb(struct wn_timer *t)
{
    struct many_state *s = t->data;
    size_t i = (size_t)(t - s->t);
    if (s->fired[i] != 0)
        s->wrong++;
    s->fired[i] = 1;
    if (t->wn_due < s->last_due)
        s->out_of_order++;
    s->last_due = t->wn_due;
    s->fired_count++;
    if (s->fired_count == s->expected)
        waiter_bump(&s->w);
}

static void
many_start(void *arg)
{
    struct many_state *s = arg;
    uint32_t x = 12345;
    uint64_t t0 = wn_clock_ms();
    for (size_t i = 0; i < MANY_TIMERS; i++) {
        x = x * 1103515245u + 12345u;
        wn_timer_init(&s->t[i], many_cb, s);
        assert_int_equal(wn_timer_start(s->l, &s->t[i], 100 + (x >> 16) % 400), 0);
    }
    /* Stop every third one (marked 2 = must not fire). */
    for (size_t i = 0; i < MANY_TIMERS; i += 3) {
        wn_timer_stop(s->l, &s->t[i]);
        s->fired[i] = 2;
    }
    s->start_ms = wn_clock_ms() - t0;
    assert_int_equal(wn_evloop_timer_count(s->l), (size_t)s->expected);
}

static void
test_timer_100k_pending_fire_in_order_and_stop_works(void **state)
{
    (void)state;
    struct many_state s = { 0 };
    waiter_init(&s.w);
    s.t = wn_calloc(MANY_TIMERS, sizeof(*s.t));
    s.fired = wn_calloc(MANY_TIMERS, 1);
    assert_non_null(s.t);
    assert_non_null(s.fired);
    s.expected = MANY_TIMERS - (MANY_TIMERS + 2) / 3;
    s.l = acquire();
    assert_int_equal(wn_evloop_call(s.l, many_start, &s), 0);
    assert_true(s.start_ms < 10000);   /* O(log n): 100k starts take a few ms */
    assert_int_equal(waiter_wait(&s.w, 1, 20000), 1);
    sleep_ms(30);
    wn_evloop_release(s.l);
    assert_int_equal(s.fired_count, s.expected);
    assert_int_equal(s.wrong, 0);
    assert_int_equal(s.out_of_order, 0);
    for (size_t i = 0; i < MANY_TIMERS; i++)
        assert_int_equal(s.fired[i], i % 3 == 0 ? 2 : 1);
    wn_free(s.t);
    wn_free(s.fired);
    waiter_destroy(&s.w);
}

struct spin_state {
    struct wn_evloop *l;
    struct wn_timer t;
    long fires;
    struct waiter stopped;
};

static void
spin_cb(struct wn_timer *t)
{
    struct spin_state *s = t->data;
    s->fires++;
    wn_timer_start(s->l, t, 0);
}

static void
spin_stop(void *arg)
{
    struct spin_state *s = arg;
    wn_timer_stop(s->l, &s->t);
    waiter_bump(&s->stopped);
}

static void
spin_start(void *arg)
{
    struct spin_state *s = arg;
    wn_timer_init(&s->t, spin_cb, s);
    wn_timer_start(s->l, &s->t, 0);
    wn_evloop_post(s->l, spin_stop, s);
}

static void
test_timer_zero_delay_restart_does_not_starve_posts(void **state)
{
    (void)state;
    struct spin_state s = { 0 };
    waiter_init(&s.stopped);
    s.l = acquire();
    assert_int_equal(wn_evloop_call(s.l, spin_start, &s), 0);
    assert_int_equal(waiter_wait(&s.stopped, 1, 5000), 1);
    wn_evloop_release(s.l);
    assert_false(wn_timer_active(&s.t));
    assert_true(s.fires >= 0 && s.fires < 1000);
    waiter_destroy(&s.stopped);
}

struct nomem_state {
    struct wn_evloop *l;
    struct wn_timer t, lists[WN_TIMER_LISTS];
    int start_err, active_after, retry_err, list_err;
};

/* A timer with a delay of its own once every delay list is taken needs
 * the heap, which cannot grow: WN_E_NOMEM, the timer stays inactive.
 * Starting one with a delay a list has needs no memory. */
static void
nomem_timer(void *arg)
{
    struct nomem_state *s = arg;
    for (int k = 0; k < WN_TIMER_LISTS; k++) {
        wn_timer_init(&s->lists[k], order_cb, NULL);
        assert_int_equal(wn_timer_start(s->l, &s->lists[k], 5000 + (uint64_t)k), 0);
    }
    wn_timer_init(&s->t, order_cb, NULL);
    wn_alloc_fail_after(0);
    s->start_err = wn_timer_start(s->l, &s->t, 1000);
    s->active_after = wn_timer_active(&s->t);
    s->list_err = wn_timer_start(s->l, &s->t, 5000);
    wn_alloc_fail_after(-1);
    wn_timer_stop(s->l, &s->t);
    s->retry_err = wn_timer_start(s->l, &s->t, 1000);
    wn_timer_stop(s->l, &s->t);
    for (int k = 0; k < WN_TIMER_LISTS; k++)
        wn_timer_stop(s->l, &s->lists[k]);
}

/* Posting needs no memory while fewer than WN_EVLOOP_QUEUE_MIN tasks are
 * pending (both task buffers exist from loop creation): shutdown paths
 * (SnmpCleanup's wn_evloop_call) work when memory is exhausted.  Before
 * that, a fresh loop refused the post and SnmpCleanup left its sockets
 * open (test_fault_alloc saw the descriptors). */
static void
test_evloop_post_and_call_need_no_memory_and_timer_reports_nomem(void **state)
{
    (void)state;
    struct nomem_state s = { 0 };
    s.l = acquire();     /* a fresh loop: empty queue and heap */
    int ran = 0, ran2 = 0;
    wn_alloc_fail_after(0);
    int err = wn_evloop_post(s.l, note_in_loop, &ran);
    int err2 = wn_evloop_call(s.l, note_in_loop, &ran2);
    wn_alloc_fail_after(-1);
    assert_int_equal(err, 0);
    assert_int_equal(err2, 0);
    assert_int_equal(ran2, 1);
    assert_int_equal(wn_evloop_call(s.l, nomem_timer, &s), 0);
    assert_int_equal(s.start_err, WN_E_NOMEM);
    assert_int_equal(s.active_after, 0);
    assert_int_equal(s.list_err, 0);
    assert_int_equal(s.retry_err, 0);
    wn_evloop_release(s.l);
    assert_int_equal(ran, 1);
}

/* ---- fd watchers -------------------------------------------------------- */

struct io_state {
    struct wn_evloop *l;
    int p[2][2];
    struct wn_io io[2];
    long calls[2];
    struct waiter w;
};

static void
io_cb(struct wn_io *io, uint32_t revents)
{
    struct io_state *s = io->data;
    int i = (int)(io - s->io);
    char c;
    assert_true(revents & WN_IO_READ);
    assert_int_equal(read(io->fd, &c, 1), 1);
    s->calls[i]++;
    /* Whoever runs first stops the other, whose event is already pending. */
    wn_io_stop(s->l, &s->io[1 - i]);
    waiter_bump(&s->w);
}

static void
io_start(void *arg)
{
    struct io_state *s = arg;
    for (int i = 0; i < 2; i++) {
        wn_io_init(&s->io[i], s->p[i][0], WN_IO_READ, io_cb, s);
        assert_int_equal(wn_io_start(s->l, &s->io[i]), 0);
    }
    assert_int_equal(wn_io_start(s->l, &s->io[0]), WN_E_STATE);
    /* Both become readable before the loop polls again. */
    assert_int_equal(write(s->p[0][1], "a", 1), 1);
    assert_int_equal(write(s->p[1][1], "b", 1), 1);
}

static void
io_stop_all(void *arg)
{
    struct io_state *s = arg;
    wn_io_stop(s->l, &s->io[0]);
    wn_io_stop(s->l, &s->io[1]);
}

static void
test_io_watcher_stopped_in_batch_gets_no_callback(void **state)
{
    (void)state;
    struct io_state s = { 0 };
    waiter_init(&s.w);
    assert_int_equal(pipe(s.p[0]), 0);
    assert_int_equal(pipe(s.p[1]), 0);
    s.l = acquire();
    assert_int_equal(wn_evloop_call(s.l, io_start, &s), 0);
    assert_int_equal(waiter_wait(&s.w, 1, 5000), 1);
    sleep_ms(50);
    assert_int_equal(waiter_get(&s.w), 1);
    assert_int_equal(s.calls[0] + s.calls[1], 1);
    /* The survivor keeps working. */
    int live = s.calls[0] ? 0 : 1;
    assert_int_equal(write(s.p[live][1], "c", 1), 1);
    assert_int_equal(waiter_wait(&s.w, 2, 5000), 2);
    assert_int_equal(wn_evloop_call(s.l, io_stop_all, &s), 0);
    assert_int_equal(write(s.p[live][1], "d", 1), 1);
    sleep_ms(50);
    assert_int_equal(waiter_get(&s.w), 2);
    wn_evloop_release(s.l);
    for (int i = 0; i < 2; i++) {
        close(s.p[i][0]);
        close(s.p[i][1]);
    }
    waiter_destroy(&s.w);
}

/* A long run of posted functions is cut into slices with a poll between
 * them, so sockets are read while a burst of posted sends goes out (else
 * 10,000 answers pile up in the receive buffer and some are dropped).
 * Fails when run_queue runs a whole batch before polling. */
#define BURST 1000
struct burst_state {
    struct wn_evloop *l;
    int p[2];
    struct wn_io io;
    long ran;           /* posted functions run so far */
    long ran_at_io;     /* ... when the pipe's callback came, -1 before */
    struct waiter w;
};

static void
burst_io_cb(struct wn_io *io, uint32_t revents)
{
    struct burst_state *s = io->data;
    char c;
    (void)revents;
    assert_int_equal(read(io->fd, &c, 1), 1);
    if (s->ran_at_io < 0)
        s->ran_at_io = s->ran;
    wn_io_stop(s->l, &s->io);
    waiter_bump(&s->w);
}

static void
burst_task(void *arg)
{
    struct burst_state *s = arg;
    if (s->ran++ == 0)
        assert_int_equal(write(s->p[1], "x", 1), 1);   /* readable from now on */
    if (s->ran == BURST)
        waiter_bump(&s->w);
}

static void
burst_start(void *arg)
{
    struct burst_state *s = arg;
    wn_io_init(&s->io, s->p[0], WN_IO_READ, burst_io_cb, s);
    assert_int_equal(wn_io_start(s->l, &s->io), 0);
    for (int i = 0; i < BURST; i++)
        assert_int_equal(wn_evloop_post(s->l, burst_task, s), 0);
}

static void
test_evloop_reads_sockets_between_slices_of_a_long_post_burst(void **state)
{
    (void)state;
    struct burst_state s = { 0 };
    s.ran_at_io = -1;
    waiter_init(&s.w);
    assert_int_equal(pipe(s.p), 0);
    s.l = acquire();
    assert_int_equal(wn_evloop_call(s.l, burst_start, &s), 0);
    assert_int_equal(waiter_wait(&s.w, 2, 5000), 2);
    assert_int_equal(wn_evloop_call(s.l, note_in_loop, &(int){0}), 0);   /* a barrier */
    assert_int_equal(s.ran, BURST);
    assert_true(s.ran_at_io >= 1);
    assert_true(s.ran_at_io < BURST);
    wn_evloop_release(s.l);
    close(s.p[0]);
    close(s.p[1]);
    waiter_destroy(&s.w);
}

/* ---- prepares ------------------------------------------------------------
 * Queued from a function the test runs on the loop: a prepare runs before
 * the loop waits, at most once per queueing; a cancelled one never runs;
 * one its own callback queues again runs only after a poll (the pipe byte
 * written before the first run is read before the second), and that poll
 * does not wait: the third run comes with no timer or I/O pending (a loop
 * that waited there would hang). */
struct prep_state {
    struct wn_evloop *l;
    struct wn_evloop_prepare a, b;
    int a_runs, b_runs, io_ran, io_before_second;
    int p[2];
    struct wn_io io;
    struct waiter w;
};

static void
prep_a(struct wn_evloop_prepare *pp)
{
    struct prep_state *s = pp->data;
    if (++s->a_runs == 2)
        s->io_before_second = s->io_ran;
    if (s->a_runs < 3)
        wn_evloop_prepare_once(s->l, &s->a);
    else
        waiter_bump(&s->w);
}

static void
prep_b(struct wn_evloop_prepare *pp)
{
    ((struct prep_state *)pp->data)->b_runs++;
}

static void
prep_io_cb(struct wn_io *io, uint32_t revents)
{
    struct prep_state *s = io->data;
    char c;
    (void)revents;
    assert_int_equal(read(io->fd, &c, 1), 1);
    s->io_ran = 1;
    wn_io_stop(s->l, &s->io);
}

static void
prep_start(void *arg)
{
    struct prep_state *s = arg;
    wn_io_init(&s->io, s->p[0], WN_IO_READ, prep_io_cb, s);
    assert_int_equal(wn_io_start(s->l, &s->io), 0);
    assert_int_equal(write(s->p[1], "x", 1), 1);
    wn_evloop_prepare_once(s->l, &s->a);
    wn_evloop_prepare_once(s->l, &s->b);
    wn_evloop_prepare_once(s->l, &s->a);   /* queued already: once */
    wn_evloop_prepare_cancel(s->l, &s->b);
}

static void
test_evloop_prepare_runs_before_the_loop_waits(void **state)
{
    (void)state;
    struct prep_state s;
    memset(&s, 0, sizeof s);
    s.a.cb = prep_a;
    s.a.data = &s;
    s.b.cb = prep_b;
    s.b.data = &s;
    waiter_init(&s.w);
    assert_int_equal(pipe(s.p), 0);
    s.l = acquire();
    assert_int_equal(wn_evloop_call(s.l, prep_start, &s), 0);
    assert_int_equal(waiter_wait(&s.w, 1, 5000), 1);
    assert_int_equal(wn_evloop_call(s.l, note_in_loop, &(int){0}), 0);   /* a barrier */
    assert_int_equal(s.a_runs, 3);
    assert_int_equal(s.b_runs, 0);
    assert_int_equal(s.io_before_second, 1);
    wn_evloop_release(s.l);
    close(s.p[0]);
    close(s.p[1]);
    waiter_destroy(&s.w);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evloop_acquire_shares_one_refcounted_loop),
        cmocka_unit_test(test_evloop_reads_sockets_between_slices_of_a_long_post_burst),
        cmocka_unit_test(test_evloop_post_is_fifo_per_thread_from_many_threads),
        cmocka_unit_test(test_evloop_post_never_runs_inline_even_on_loop_thread),
        cmocka_unit_test(test_evloop_call_runs_on_loop_and_inline_when_on_it),
        cmocka_unit_test(test_evloop_last_release_on_loop_thread_stops_it),
        cmocka_unit_test(test_timer_fires_in_due_order_ties_fifo),
        cmocka_unit_test(test_timer_stop_and_restart),
        cmocka_unit_test(test_timer_100k_pending_fire_in_order_and_stop_works),
        cmocka_unit_test(test_timer_zero_delay_restart_does_not_starve_posts),
        cmocka_unit_test(test_io_watcher_stopped_in_batch_gets_no_callback),
        cmocka_unit_test(test_evloop_post_and_call_need_no_memory_and_timer_reports_nomem),
        cmocka_unit_test(test_evloop_prepare_runs_before_the_loop_waits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
