/* evloop_int.h: private structures shared by the evloop files (loop core, backend, timers). */
#ifndef WN_EVLOOP_INT_H
#define WN_EVLOOP_INT_H

#include "evloop.h"

#include <assert.h>
#include <pthread.h>

/* Polling backend (backend_epoll.c is the only file that knows epoll). */
struct wn_evloop_backend;
int wn_evloop_backend_open(struct wn_evloop_backend **out);
void wn_evloop_backend_close(struct wn_evloop_backend *be);
int wn_evloop_backend_add(struct wn_evloop_backend *be, struct wn_io *io);
int wn_evloop_backend_mod(struct wn_evloop_backend *be, struct wn_io *io, uint32_t events);
void wn_evloop_backend_del(struct wn_evloop_backend *be, struct wn_io *io);
/* Waits up to timeout_ms (-1: forever) and runs the callbacks of ready
 * watchers.  0 or WN_E_IO. */
int wn_evloop_backend_poll(struct wn_evloop_backend *be, int timeout_ms);

struct wn_evloop_task {
    void (*fn)(void *arg);
    void *arg;
};

struct wn_evloop {
    /* Set at creation, read-only afterwards. */
    pthread_t thread;
    struct wn_evloop_backend *be;
    int wake_fd;                       /* eventfd */
    struct wn_io wake_io;

    /* Post queue, under qlock. */
    pthread_mutex_t qlock;
    struct wn_evloop_task *queue;
    size_t qlen, qcap;
    int woken;                         /* eventfd already signalled */
    int stopping;                      /* last release happened */
    int detached;                      /* last release on the loop thread */

    /* Loop thread only. */
    struct wn_evloop_task *running;    /* batch being run (swapped with queue) */
    size_t rcap;
    size_t rpos, rlen;                 /* next and end of the running batch */
    /* Prepare queue (wn_evloop_prepare_once). */
    struct wn_evloop_prepare *prep_head, *prep_tail;
    uint64_t prep_round;               /* the next run of the queue */
    struct wn_timer **heap;
    size_t hlen, hcap;
    uint64_t timer_seq;
    /* Timers started with one of a few delays go to that delay's list,
     * where due times only increase: O(1) start and stop (timer.c). */
    struct wn_timer_list {
        uint64_t delay;
        struct wn_timer *head, *tail;
        size_t n;
    } tl[WN_TIMER_LISTS];
};

/* Contract check for the loop-thread-only functions (active without NDEBUG). */
#define WN_EVLOOP_ASSERT_LOOP(l) assert(wn_evloop_in_loop(l))

/* timer.c: runs due timers; returns the poll timeout (-1 when none). */
int wn_evloop_timers_run(struct wn_evloop *l);
void wn_evloop_timers_free(struct wn_evloop *l);

#endif /* WN_EVLOOP_INT_H */
