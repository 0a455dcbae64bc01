/* waiter.h: a counter that test threads can wait on while loop-thread callbacks bump it. */
#ifndef WN_TEST_EVLOOP_WAITER_H
#define WN_TEST_EVLOOP_WAITER_H

#include <errno.h>
#include <pthread.h>
#include <time.h>

struct waiter {
    pthread_mutex_t m;
    pthread_cond_t c;
    long count;
};

static inline void
waiter_init(struct waiter *w)
{
    pthread_mutex_init(&w->m, NULL);
    pthread_cond_init(&w->c, NULL);
    w->count = 0;
}

static inline void
waiter_destroy(struct waiter *w)
{
    pthread_cond_destroy(&w->c);
    pthread_mutex_destroy(&w->m);
}

static inline void
waiter_bump(struct waiter *w)
{
    pthread_mutex_lock(&w->m);
    w->count++;
    pthread_cond_broadcast(&w->c);
    pthread_mutex_unlock(&w->m);
}

static inline long
waiter_get(struct waiter *w)
{
    pthread_mutex_lock(&w->m);
    long n = w->count;
    pthread_mutex_unlock(&w->m);
    return n;
}

/* Waits until count >= n or timeout_ms passed; returns the count seen. */
static inline long
waiter_wait(struct waiter *w, long n, long timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->m);
    while (w->count < n) {
        if (pthread_cond_timedwait(&w->c, &w->m, &ts) == ETIMEDOUT)
            break;
    }
    long got = w->count;
    pthread_mutex_unlock(&w->m);
    return got;
}

static inline void
sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

#endif
