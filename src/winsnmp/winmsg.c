/* winmsg.c: window-mode delivery: the post hook and the built-in message queue of wsnmp_ext.h (GetMessage/PeekMessage stand-ins, pollable fd). */
#include "winmsg.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/* The queue is process-wide and lives as long as the process (its fd is
 * handed to the application): a fixed ring, no allocation, so nothing is
 * left to free at exit and a post from the I/O thread cannot fail for
 * memory.  Its own lock, never held while calling out, and never taken
 * together with the WinSNMP lock. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    WN_WSNMP_MSG ring[WN_WSNMP_MAX_POSTED];
    uint32_t head, n;          /* oldest at head, n messages */
    int efd;                   /* readable while n > 0; -1 until first asked */
    WN_WSNMP_POST_HOOK hook;
    int full_logged;           /* the queue-full warning was given since it last had room */
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {{0}}, 0, 0, -1, NULL, 0};

/* The condition variable waits on the monotonic clock (a timeout must not
 * move with the wall clock); set up once. */
static pthread_once_t cv_once = PTHREAD_ONCE_INIT;

static void
cv_init(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_destroy(&q.cv);
    pthread_cond_init(&q.cv, &a);
    pthread_condattr_destroy(&a);
}

static void
lock(void)
{
    pthread_once(&cv_once, cv_init);
    pthread_mutex_lock(&q.mu);
}

static void
efd_sync(void)
{
    if (q.efd < 0)
        return;
    uint64_t v;
    if (q.n > 0) {
        v = 1;
        /* A counter already above 0 stays readable; EAGAIN only if it is
         * about to overflow, which one write per post cannot reach. */
        ssize_t w = write(q.efd, &v, sizeof v);
        (void)w;
    } else {
        ssize_t r = read(q.efd, &v, sizeof v);   /* drains it (EAGAIN if 0) */
        (void)r;
    }
}

void
wn_ws_winmsg_set_hook(WN_WSNMP_POST_HOOK hook)
{
    lock();
    q.hook = hook;
    pthread_mutex_unlock(&q.mu);
}

static int
enqueue(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    if (q.n >= WN_WSNMP_MAX_POSTED) {
        /* Once per time it fills up: a program that waits on its sessions
         * (wn_wsnmp_wait) and never reads this queue only fills it. */
        if (!q.full_logged)
            wn_log(WN_LOG_WARN, "winsnmp", "window message queue full: messages dropped");
        q.full_logged = 1;
        return WN_E_LIMIT;
    }
    q.full_logged = 0;
    WN_WSNMP_MSG *m = &q.ring[(q.head + q.n) % WN_WSNMP_MAX_POSTED];
    m->hwnd = hwnd;
    m->message = msg;
    m->wParam = wp;
    m->lParam = lp;
    m->time = (DWORD)wn_clock_ms();
    q.n++;
    if (q.n == 1)
        efd_sync();
    pthread_cond_broadcast(&q.cv);
    return 0;
}

int
wn_ws_winmsg_post(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    lock();
    WN_WSNMP_POST_HOOK hook = q.hook;
    int rc = hook ? 0 : enqueue(hwnd, msg, wp, lp);
    pthread_mutex_unlock(&q.mu);
    if (hook && !hook(hwnd, msg, wp, lp))
        rc = WN_E_IO;
    return rc;
}

int
wn_ws_winmsg_post_queue(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    lock();
    int rc = enqueue(hwnd, msg, wp, lp);
    pthread_mutex_unlock(&q.mu);
    return rc;
}

static int
matches(const WN_WSNMP_MSG *m, HWND hwnd, UINT lo, UINT hi)
{
    if (hwnd && m->hwnd != hwnd)
        return 0;
    if (lo == 0 && hi == 0)
        return 1;
    return m->message >= lo && m->message <= hi;
}

/* Finds the oldest matching message; copies it out and, when remove is
 * set, takes it off the ring (later ones move up).  1 found, 0 none.
 * [q.mu held] */
static int
take(WN_WSNMP_MSG *out, HWND hwnd, UINT lo, UINT hi, int remove)
{
    for (uint32_t i = 0; i < q.n; i++) {
        uint32_t at = (q.head + i) % WN_WSNMP_MAX_POSTED;
        if (!matches(&q.ring[at], hwnd, lo, hi))
            continue;
        *out = q.ring[at];
        if (!remove)
            return 1;
        if (i == 0) {
            q.head = (q.head + 1) % WN_WSNMP_MAX_POSTED;
        } else {
            for (uint32_t k = i; k + 1 < q.n; k++)
                q.ring[(q.head + k) % WN_WSNMP_MAX_POSTED] =
                    q.ring[(q.head + k + 1) % WN_WSNMP_MAX_POSTED];
        }
        q.n--;
        if (q.n == 0)
            efd_sync();
        return 1;
    }
    return 0;
}

int
wn_ws_winmsg_get(WN_WSNMP_MSG *msg, HWND hwnd, UINT lo, UINT hi, uint32_t timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    if (timeout_ms != WN_WSNMP_INFINITE) {
        until.tv_sec += (time_t)(timeout_ms / 1000u);
        until.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
    }
    int rc = 0;
    lock();
    while (!take(msg, hwnd, lo, hi, 1)) {
        int w;
        if (timeout_ms == WN_WSNMP_INFINITE) {
            w = pthread_cond_wait(&q.cv, &q.mu);
        } else {
            w = pthread_cond_timedwait(&q.cv, &q.mu, &until);
        }
        if (w == ETIMEDOUT) {
            rc = take(msg, hwnd, lo, hi, 1) ? 0 : WN_E_TIMEOUT;
            break;
        }
    }
    pthread_mutex_unlock(&q.mu);
    return rc;
}

int
wn_ws_winmsg_peek(WN_WSNMP_MSG *msg, HWND hwnd, UINT lo, UINT hi, int remove)
{
    lock();
    int found = take(msg, hwnd, lo, hi, remove);
    pthread_mutex_unlock(&q.mu);
    return found ? 0 : WN_E_NOTFOUND;
}

int
wn_ws_winmsg_fd(void)
{
    lock();
    if (q.efd < 0) {
        q.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        efd_sync();
    }
    int fd = q.efd;
    pthread_mutex_unlock(&q.mu);
    return fd < 0 ? WN_E_IO : fd;
}
