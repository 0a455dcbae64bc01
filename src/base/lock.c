/* lock.c: the contended halves of wn_lock (parking and waking) and its condition waits. */
#include "lock.h"

/* Tries before parking: the lock is held for short sections, so a waiter
 * on another CPU usually gets it by retrying; one whose holder was
 * preempted parks soon. */
#define WN_LOCK_SPINS 100

static int
try_take(struct wn_lock *l)
{
    int expect = WN_LOCK_FREE;
    return atomic_compare_exchange_weak_explicit(&l->state, &expect, WN_LOCK_HELD, memory_order_acquire,
                                                 memory_order_relaxed);
}

static void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Parks until the lock is ours.  A parked waiter marks the lock
 * CONTENDED, so its holder's release wakes one waiter; whoever takes it
 * from here leaves it CONTENDED (it may have company), which costs at
 * most one needless wake.  [park_mu held] */
static void
park(struct wn_lock *l)
{
    while (atomic_exchange_explicit(&l->state, WN_LOCK_CONTENDED, memory_order_acquire) != WN_LOCK_FREE)
        pthread_cond_wait(&l->park_cv, &l->park_mu);
}

void
wn_lock_acquire_slow(struct wn_lock *l)
{
    for (int i = 0; i < WN_LOCK_SPINS; i++) {
        if (atomic_load_explicit(&l->state, memory_order_relaxed) == WN_LOCK_FREE && try_take(l))
            return;
        cpu_relax();
    }
    pthread_mutex_lock(&l->park_mu);
    park(l);
    pthread_mutex_unlock(&l->park_mu);
}

/* A release found CONTENDED.  Under park_mu, so that a waiter between
 * marking the lock and sleeping cannot miss the signal. */
void
wn_lock_wake(struct wn_lock *l)
{
    pthread_mutex_lock(&l->park_mu);
    pthread_cond_signal(&l->park_cv);
    pthread_mutex_unlock(&l->park_mu);
}

void
wn_lock_wait(struct wn_lock *l, struct wn_lock_cond *c)
{
    unsigned seq = c->seq;
    pthread_mutex_lock(&l->park_mu);
    /* wn_lock_release, with park_mu already held for its wake. */
    if (atomic_exchange_explicit(&l->state, WN_LOCK_FREE, memory_order_release) == WN_LOCK_CONTENDED)
        pthread_cond_signal(&l->park_cv);
    while (c->seq == seq)
        pthread_cond_wait(&c->cv, &l->park_mu);
    /* Take the lock again; parking right away keeps the wait's order. */
    if (!try_take(l))
        park(l);
    pthread_mutex_unlock(&l->park_mu);
}

void
wn_lock_broadcast(struct wn_lock *l, struct wn_lock_cond *c)
{
    pthread_mutex_lock(&l->park_mu);
    c->seq++;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&l->park_mu);
}
