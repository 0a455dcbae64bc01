/* loop.c: the process-wide I/O thread: refcounted start/stop, posted functions, cross-thread calls. */
#include "evloop_int.h"

#include "base.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* Posted functions run between two polls of the sockets. */
#define WN_EVLOOP_RUN_SLICE 16u
/* First capacity of the post queue; it doubles when full. */
#define WN_EVLOOP_QUEUE_MIN 64

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wn_evloop *g_loop;   /* under g_lock */
static unsigned long g_refs;       /* under g_lock */
static WN_THREAD_LOCAL const struct wn_evloop *t_current;

static void
wake(struct wn_evloop *l)
{
    uint64_t one = 1;
    ssize_t n;
    do {
        n = write(l->wake_fd, &one, sizeof(one));
    } while (n < 0 && errno == EINTR);
    /* EAGAIN means the counter is already huge: the loop is awake anyway. */
}

/* Runs at most WN_EVLOOP_RUN_SLICE posted functions, in order: the rest
 * of the running batch first, else the queue taken as a new batch.
 * Between slices the loop polls its sockets, so a burst of posted sends
 * (10,000 sessions starting at once) cannot keep it from reading the
 * answers until the socket's receive buffer overflows. */
static void
run_queue(struct wn_evloop *l)
{
    if (l->rpos == l->rlen) {
        pthread_mutex_lock(&l->qlock);
        struct wn_evloop_task *batch = l->queue;
        size_t n = l->qlen, cap = l->qcap;
        l->queue = l->running;
        l->qcap = l->rcap;
        l->qlen = 0;
        l->woken = 0;
        pthread_mutex_unlock(&l->qlock);
        l->running = batch;
        l->rcap = cap;
        l->rpos = 0;
        l->rlen = n;
    }
    size_t end = WN_MIN(l->rlen, l->rpos + WN_EVLOOP_RUN_SLICE);
    while (l->rpos < end) {
        struct wn_evloop_task *t = &l->running[l->rpos++];
        t->fn(t->arg);
    }
}

static void
on_wake(struct wn_io *io, uint32_t revents)
{
    struct wn_evloop *l = io->data;
    uint64_t v;
    (void)revents;
    while (read(l->wake_fd, &v, sizeof(v)) < 0 && errno == EINTR)
        ;
    run_queue(l);
}

static void
loop_free(struct wn_evloop *l)
{
    wn_evloop_backend_close(l->be);
    close(l->wake_fd);
    wn_evloop_timers_free(l);
    wn_free(l->queue);
    wn_free(l->running);
    pthread_mutex_destroy(&l->qlock);
    wn_free(l);
}

void
wn_evloop_prepare_once(struct wn_evloop *l, struct wn_evloop_prepare *p)
{
    WN_EVLOOP_ASSERT_LOOP(l);
    if (p->wn_queued)
        return;
    p->wn_queued = 1;
    p->wn_round = l->prep_round;
    p->wn_next = NULL;
    if (l->prep_tail)
        l->prep_tail->wn_next = p;
    else
        l->prep_head = p;
    l->prep_tail = p;
}

void
wn_evloop_prepare_cancel(struct wn_evloop *l, struct wn_evloop_prepare *p)
{
    WN_EVLOOP_ASSERT_LOOP(l);
    if (!p->wn_queued)
        return;
    struct wn_evloop_prepare *prev = NULL, *q = l->prep_head;
    while (q && q != p) {
        prev = q;
        q = q->wn_next;
    }
    if (q) {
        if (prev)
            prev->wn_next = p->wn_next;
        else
            l->prep_head = p->wn_next;
        if (l->prep_tail == p)
            l->prep_tail = prev;
    }
    p->wn_queued = 0;
    p->wn_next = NULL;
}

/* Runs the prepares queued now (those their callbacks queue wait for the
 * next round, after a poll of the sockets).  Returns 1 when any ran. */
static int
run_prepares(struct wn_evloop *l)
{
    if (!l->prep_head)
        return 0;
    uint64_t round = l->prep_round++;
    while (l->prep_head && l->prep_head->wn_round <= round) {
        struct wn_evloop_prepare *p = l->prep_head;
        l->prep_head = p->wn_next;
        if (!l->prep_head)
            l->prep_tail = NULL;
        p->wn_next = NULL;
        p->wn_queued = 0;
        p->cb(p);
    }
    return 1;
}

static void *
loop_main(void *arg)
{
    struct wn_evloop *l = arg;
    t_current = l;
    for (;;) {
        int timeout = wn_evloop_timers_run(l);
        /* What the timers and the last poll's callbacks queued to do
         * before waiting; its callbacks may start timers or queue more,
         * so the poll then does not wait. */
        if (run_prepares(l) || l->prep_head)
            timeout = 0;
        /* Work left: a batch cut into slices, or functions posted while
         * it ran (their post did not signal the eventfd again). */
        int unfinished = l->rpos < l->rlen;
        pthread_mutex_lock(&l->qlock);
        int stop = l->stopping && l->qlen == 0 && !unfinished;
        if (l->qlen)
            unfinished = 1;
        pthread_mutex_unlock(&l->qlock);
        if (unfinished)
            timeout = 0;
        if (stop)
            break;
        if (wn_evloop_backend_poll(l->be, timeout) < 0)
            wn_log(WN_LOG_ERROR, "evloop", "poll failed: %s", wn_strerror(WN_E_IO));
        if (unfinished)
            run_queue(l);
    }
    t_current = NULL;
    if (l->detached)
        loop_free(l);
    return NULL;
}

static int
loop_create(struct wn_evloop **out)
{
    struct wn_evloop *l = wn_calloc(1, sizeof(*l));
    if (!l)
        return WN_E_NOMEM;
    l->wake_fd = -1;
    if (pthread_mutex_init(&l->qlock, NULL) != 0) {
        wn_free(l);
        return WN_E_NOMEM;
    }
    int err = wn_evloop_backend_open(&l->be);
    if (err < 0)
        goto fail;
    /* Both task buffers exist from the start, so posting (and with it
     * wn_evloop_call, which shutdown paths rely on) needs no memory until
     * WN_EVLOOP_QUEUE_MIN tasks are pending at once. */
    l->queue = wn_calloc(WN_EVLOOP_QUEUE_MIN, sizeof(*l->queue));
    l->running = wn_calloc(WN_EVLOOP_QUEUE_MIN, sizeof(*l->running));
    if (!l->queue || !l->running) {
        err = WN_E_NOMEM;
        goto fail;
    }
    l->qcap = l->rcap = WN_EVLOOP_QUEUE_MIN;
    l->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (l->wake_fd < 0) {
        err = WN_E_IO;
        goto fail;
    }
    /* Registered directly: the loop thread does not exist yet. */
    wn_io_init(&l->wake_io, l->wake_fd, WN_IO_READ, on_wake, l);
    err = wn_evloop_backend_add(l->be, &l->wake_io);
    if (err < 0)
        goto fail;
    l->wake_io.wn_active = 1;
    if (pthread_create(&l->thread, NULL, loop_main, l) != 0) {
        err = WN_E_NOMEM;
        goto fail;
    }
    *out = l;
    return 0;
fail:
    if (l->be)
        wn_evloop_backend_close(l->be);
    if (l->wake_fd >= 0)
        close(l->wake_fd);
    wn_free(l->queue);
    wn_free(l->running);
    pthread_mutex_destroy(&l->qlock);
    wn_free(l);
    return err;
}

int
wn_evloop_acquire(struct wn_evloop **out)
{
    int err = 0;
    if (!out)
        return WN_E_INVAL;
    pthread_mutex_lock(&g_lock);
    if (!g_loop)
        err = loop_create(&g_loop);
    if (err == 0) {
        g_refs++;
        *out = g_loop;
    }
    pthread_mutex_unlock(&g_lock);
    return err;
}

void
wn_evloop_release(struct wn_evloop *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&g_lock);
    if (l != g_loop || g_refs == 0) {
        pthread_mutex_unlock(&g_lock);
        wn_log(WN_LOG_ERROR, "evloop", "release of a loop that holds no reference");
        return;
    }
    if (--g_refs > 0) {
        pthread_mutex_unlock(&g_lock);
        return;
    }
    g_loop = NULL;
    pthread_mutex_unlock(&g_lock);

    int self = wn_evloop_in_loop(l);
    pthread_mutex_lock(&l->qlock);
    l->stopping = 1;
    l->detached = self;
    pthread_mutex_unlock(&l->qlock);
    if (self) {
        pthread_detach(l->thread);
        return;     /* loop_main frees l once the current callback returns */
    }
    wake(l);
    pthread_join(l->thread, NULL);
    loop_free(l);
}

int
wn_evloop_post(struct wn_evloop *l, void (*fn)(void *arg), void *arg)
{
    if (!l || !fn)
        return WN_E_INVAL;
    pthread_mutex_lock(&l->qlock);
    if (l->qlen == l->qcap) {
        size_t ncap = l->qcap ? l->qcap * 2 : WN_EVLOOP_QUEUE_MIN;
        struct wn_evloop_task *q = wn_realloc(l->queue, ncap * sizeof(*q));
        if (!q) {
            pthread_mutex_unlock(&l->qlock);
            return WN_E_NOMEM;
        }
        l->queue = q;
        l->qcap = ncap;
    }
    l->queue[l->qlen].fn = fn;
    l->queue[l->qlen].arg = arg;
    l->qlen++;
    int need_wake = !l->woken;
    l->woken = 1;
    pthread_mutex_unlock(&l->qlock);
    if (need_wake)
        wake(l);
    return 0;
}

struct call_ctx {
    pthread_mutex_t m;
    pthread_cond_t c;
    int done;
    void (*fn)(void *arg);
    void *arg;
};

static void
call_trampoline(void *p)
{
    struct call_ctx *cc = p;
    cc->fn(cc->arg);
    pthread_mutex_lock(&cc->m);
    cc->done = 1;
    pthread_cond_signal(&cc->c);
    pthread_mutex_unlock(&cc->m);
}

int
wn_evloop_call(struct wn_evloop *l, void (*fn)(void *arg), void *arg)
{
    if (!l || !fn)
        return WN_E_INVAL;
    if (wn_evloop_in_loop(l)) {
        fn(arg);
        return 0;
    }
    struct call_ctx cc = { .done = 0, .fn = fn, .arg = arg };
    pthread_mutex_init(&cc.m, NULL);
    pthread_cond_init(&cc.c, NULL);
    int err = wn_evloop_post(l, call_trampoline, &cc);
    if (err == 0) {
        pthread_mutex_lock(&cc.m);
        while (!cc.done)
            pthread_cond_wait(&cc.c, &cc.m);
        pthread_mutex_unlock(&cc.m);
    }
    pthread_cond_destroy(&cc.c);
    pthread_mutex_destroy(&cc.m);
    return err;
}

int
wn_evloop_in_loop(const struct wn_evloop *l)
{
    return l && t_current == l;
}
