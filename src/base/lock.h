/* lock.h: a mutex whose uncontended lock and unlock are one atomic instruction each and no call, with condition waits; contended waiters park on a pthread condition variable. */
#ifndef WN_LOCK_H
#define WN_LOCK_H

#include <pthread.h>
#include <stdatomic.h>

/* The WinSNMP lock is taken once or more per API call, and a program
 * reading a response calls the API per varbind: glibc's mutex pair costs
 * about 70 instructions there, this one about ten.  Not recursive, not
 * fair (a running thread may take it before a woken waiter, as with a
 * default pthread mutex).  Statically initialised with WN_LOCK_INIT. */
enum { WN_LOCK_FREE, WN_LOCK_HELD, WN_LOCK_CONTENDED };

struct wn_lock {
    atomic_int state;          /* WN_LOCK_FREE / HELD / CONTENDED */
    pthread_mutex_t park_mu;   /* guards parking; taken after the lock, never before */
    pthread_cond_t park_cv;    /* waiters for the lock */
};
#define WN_LOCK_INIT {WN_LOCK_FREE, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER}

/* A condition to wait for under a wn_lock: waiters wake at the next
 * wn_lock_broadcast (re-check the predicate in a loop).  `seq` is written
 * with both the lock and park_mu held and read with either. */
struct wn_lock_cond {
    unsigned seq;
    pthread_cond_t cv;
};
#define WN_LOCK_COND_INIT {0, PTHREAD_COND_INITIALIZER}

/* The slow halves (lock.c). */
void wn_lock_acquire_slow(struct wn_lock *l);
void wn_lock_wake(struct wn_lock *l);

static inline void
wn_lock_acquire(struct wn_lock *l)
{
    int expect = WN_LOCK_FREE;
    if (!atomic_compare_exchange_strong_explicit(&l->state, &expect, WN_LOCK_HELD, memory_order_acquire,
                                                 memory_order_relaxed))
        wn_lock_acquire_slow(l);
}

static inline void
wn_lock_release(struct wn_lock *l)
{
    if (atomic_exchange_explicit(&l->state, WN_LOCK_FREE, memory_order_release) == WN_LOCK_CONTENDED)
        wn_lock_wake(l);
}

/* Releases l, waits for a broadcast on c, takes l again.  [l held] */
void wn_lock_wait(struct wn_lock *l, struct wn_lock_cond *c);
/* Wakes every waiter of c.  [l held] */
void wn_lock_broadcast(struct wn_lock *l, struct wn_lock_cond *c);

#endif
