/* test_lock.c: wn_lock (src/base/lock.h): mutual exclusion under contention, parked waiters woken by the release, condition waits that drop the lock and wake on broadcast. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <time.h>
#include <cmocka.h>

#include "base.h"

#define THREADS 4
#define ROUNDS 100000
/* Polls for a state another thread reaches, 1 ms apart; a hang here is a failure (ctest's timeout). */
#define POLL_NS 1000000L

static void
nap(long ns)
{
    struct timespec t = {0, ns};
    nanosleep(&t, NULL);
}

static struct wn_lock lk = WN_LOCK_INIT;
static long counter;            /* [lk], deliberately not atomic */

static void *
bump(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        wn_lock_acquire(&lk);
        long c = counter;
        if (i % 1000 == 0)
            sched_yield();      /* a holder preempted while others wait: they park */
        counter = c + 1;
        wn_lock_release(&lk);
    }
    return NULL;
}

static void
test_lock_excludes_under_contention(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    counter = 0;
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, bump, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(counter, (long)THREADS * ROUNDS);
    assert_int_equal(atomic_load(&lk.state), WN_LOCK_FREE);
}

static atomic_int got;

static void *
take_once(void *arg)
{
    (void)arg;
    wn_lock_acquire(&lk);
    atomic_store(&got, 1);
    wn_lock_release(&lk);
    return NULL;
}

/* Without the release's wake (wn_lock_wake) the parked waiter sleeps for
 * ever and this test hangs. */
static void
test_release_wakes_a_parked_waiter(void **state)
{
    (void)state;
    pthread_t t;
    atomic_store(&got, 0);
    wn_lock_acquire(&lk);
    assert_int_equal(pthread_create(&t, NULL, take_once, NULL), 0);
    while (atomic_load(&lk.state) != WN_LOCK_CONTENDED)   /* it spun and parked */
        nap(POLL_NS);
    assert_int_equal(atomic_load(&got), 0);
    wn_lock_release(&lk);
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&got), 1);
    assert_int_equal(atomic_load(&lk.state), WN_LOCK_FREE);
}

static struct wn_lock_cond cond = WN_LOCK_COND_INIT;
static int ready;               /* [lk] */
static int waiting;             /* [lk] */
static int woke;                /* [lk] */

static void *
wait_ready(void *arg)
{
    (void)arg;
    wn_lock_acquire(&lk);
    waiting++;
    while (!ready)
        wn_lock_wait(&lk, &cond);
    woke++;
    wn_lock_release(&lk);
    return NULL;
}

/* The waiters hold no lock while they wait (the test takes it between),
 * and one broadcast wakes them all. */
static void
test_wait_drops_the_lock_and_broadcast_wakes_all(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    ready = waiting = woke = 0;
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, wait_ready, NULL), 0);
    for (;;) {
        wn_lock_acquire(&lk);
        int n = waiting;
        wn_lock_release(&lk);
        if (n == THREADS)
            break;
        nap(POLL_NS);
    }
    wn_lock_acquire(&lk);        /* every waiter is in wn_lock_wait, not holding it */
    assert_int_equal(woke, 0);
    ready = 1;
    wn_lock_broadcast(&lk, &cond);
    wn_lock_release(&lk);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(woke, THREADS);
    assert_int_equal(atomic_load(&lk.state), WN_LOCK_FREE);
}

/* A broadcast before anyone waits is not kept: a later waiter waits for
 * the next one (the predicate loop is what makes that safe). */
static void
test_wait_returns_only_after_a_later_broadcast(void **state)
{
    (void)state;
    pthread_t t;
    ready = waiting = woke = 0;
    wn_lock_acquire(&lk);
    wn_lock_broadcast(&lk, &cond);
    wn_lock_release(&lk);
    assert_int_equal(pthread_create(&t, NULL, wait_ready, NULL), 0);
    for (int n = 0; n == 0; nap(POLL_NS)) {
        wn_lock_acquire(&lk);
        n = waiting;
        wn_lock_release(&lk);
    }
    nap(20 * POLL_NS);
    wn_lock_acquire(&lk);
    assert_int_equal(woke, 0);
    ready = 1;
    wn_lock_broadcast(&lk, &cond);
    wn_lock_release(&lk);
    pthread_join(t, NULL);
    assert_int_equal(woke, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_excludes_under_contention),
        cmocka_unit_test(test_release_wakes_a_parked_waiter),
        cmocka_unit_test(test_wait_drops_the_lock_and_broadcast_wakes_all),
        cmocka_unit_test(test_wait_returns_only_after_a_later_broadcast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
