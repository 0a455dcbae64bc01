/* wsnmp_bridge.c: the WinSNMP exports that need more than a thunk: startup/cleanup, sessions, and notifications delivered on a Wine thread. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <winsnmp.h>

#include "bridge_wine.h"

/* The library calls its callbacks on its I/O thread, a plain pthread that
 * Windows code must not run on.  So every session the application opens is
 * a callback-mode session of the library whose callback (note_cb) only
 * queues the notification and signals an eventfd; one Wine thread per
 * process (the dispatcher, started with the first session) waits on it and
 * calls the application's callback, or posts the window message of a
 * window-mode session.  The dispatcher ends at the SnmpCleanup that
 * balances the last SnmpStartup, also when that is called from inside a
 * callback. */

/* The application's callback: Windows calling convention. */
typedef SNMPAPI_STATUS(__attribute__((ms_abi)) *win_callback)(HSNMP_SESSION, HWND, UINT, WPARAM,
                                                              LPARAM, LPVOID);

struct session {
    struct session *next;
    HSNMP_SESSION handle;
    win_callback callback; /* NULL: window mode */
    HWND hwnd;
    UINT wmsg;
    LPVOID client_data;
    int closed;   /* closing or closed: nothing more is delivered */
    int unlinked; /* off the list; freed once no one holds it */
    int holds;    /* SnmpClose calls working on it */
};

struct note {
    struct note *next;
    struct session *session;
    WPARAM wparam;
    LPARAM lparam;
};

struct dispatcher {
    int efd;
    void *thread;
    int stop;
    int self_release; /* stopped from its own thread: it releases itself */
};

/* Everything below is guarded by g_lock. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_idle = PTHREAD_COND_INITIALIZER; /* a callback returned */
static unsigned g_startups;
static struct session *g_sessions;
static struct note *g_head;
static struct note **g_tail = &g_head;
static struct dispatcher *g_disp;
static struct session *g_current; /* the session whose callback runs now */
static _Thread_local struct dispatcher *t_disp; /* set on the dispatcher's thread */

static void
wake(struct dispatcher *d)
{
    uint64_t one = 1;
    while (write(d->efd, &one, sizeof one) < 0 && errno == EINTR)
        ;
}

/* Drops the queued notes of one session (or of all when s is NULL). */
static void
purge_notes(const struct session *s)
{
    struct note **pp = &g_head;
    while (*pp) {
        struct note *n = *pp;
        if (!s || n->session == s) {
            *pp = n->next;
            free(n);
        } else {
            pp = &n->next;
        }
    }
    g_tail = pp;
}

/* Frees an unlinked session nobody holds any more (the dispatcher while
 * its callback runs, SnmpClose calls).  g_lock held. */
static void
release_session(struct session *s)
{
    if (s->unlinked && g_current != s && s->holds == 0)
        free(s);
}

static void
unlink_session(struct session *s)
{
    for (struct session **pp = &g_sessions; *pp; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    }
    s->unlinked = 1;
    release_session(s);
}

/* The library's callback, on its I/O thread: queue and signal only. */
static SNMPAPI_STATUS SNMPAPI_CALL
note_cb(HSNMP_SESSION h, HWND hwnd, UINT wmsg, WPARAM wparam, LPARAM lparam, LPVOID data)
{
    (void)h;
    (void)hwnd;
    (void)wmsg;
    struct session *s = data;
    struct note *n = malloc(sizeof *n);
    pthread_mutex_lock(&g_lock);
    if (n && !s->closed && g_disp) {
        n->next = NULL;
        n->session = s;
        n->wparam = wparam;
        n->lparam = lparam;
        *g_tail = n;
        g_tail = &n->next;
        n = NULL;
        wake(g_disp);
    }
    pthread_mutex_unlock(&g_lock);
    free(n);
    return SNMPAPI_SUCCESS;
}

static SNMPAPI_STATUS close_session(HSNMP_SESSION h);

static void
dispatch_main(void *arg)
{
    struct dispatcher *d = arg;
    t_disp = d;
    pthread_mutex_lock(&g_lock);
    while (!d->stop) {
        struct note *n = g_head;
        if (!n) {
            pthread_mutex_unlock(&g_lock);
            uint64_t v;
            while (read(d->efd, &v, sizeof v) < 0 && errno == EINTR)
                ;
            pthread_mutex_lock(&g_lock);
            continue;
        }
        g_head = n->next;
        if (!g_head)
            g_tail = &g_head;
        struct session *s = n->session;
        if (s->closed) {
            free(n);
            continue;
        }
        g_current = s;
        pthread_mutex_unlock(&g_lock);

        SNMPAPI_STATUS rc = SNMPAPI_SUCCESS;
        if (s->callback)
            rc = s->callback(s->handle, s->hwnd, s->wmsg, n->wparam, n->lparam, s->client_data);
        else
            wnb_post_message(s->hwnd, s->wmsg, n->wparam, n->lparam);
        free(n);

        pthread_mutex_lock(&g_lock);
        g_current = NULL;
        pthread_cond_broadcast(&g_idle);
        if (s->unlinked) {
            release_session(s); /* closed or cleaned up during its callback */
        } else if (rc != SNMPAPI_SUCCESS && !s->closed) {
            /* As in the library: any other return value closes the session. */
            HSNMP_SESSION h = s->handle;
            pthread_mutex_unlock(&g_lock);
            close_session(h);
            pthread_mutex_lock(&g_lock);
        }
    }
    int self = d->self_release;
    pthread_mutex_unlock(&g_lock);
    if (self) {
        wnb_thread_release(d->thread);
        close(d->efd);
        free(d);
    }
}

/* Starts the dispatcher if there is none.  Called with g_lock held. */
static int
ensure_dispatcher(void)
{
    if (g_disp)
        return 0;
    struct dispatcher *d = calloc(1, sizeof *d);
    if (!d)
        return -1;
    d->efd = eventfd(0, EFD_CLOEXEC);
    if (d->efd < 0) {
        free(d);
        return -1;
    }
    d->thread = wnb_thread_start(dispatch_main, d);
    if (!d->thread) {
        close(d->efd);
        free(d);
        return -1;
    }
    g_disp = d;
    return 0;
}

static SNMPAPI_STATUS
close_session(HSNMP_SESSION h)
{
    pthread_mutex_lock(&g_lock);
    struct session *s = g_sessions;
    while (s && (s->handle != h || s->closed))
        s = s->next;
    if (s) {
        s->closed = 1;
        purge_notes(s);
        /* A callback of this session running on the dispatcher ends first,
         * so that none runs once SnmpClose returns (unless this is that
         * callback closing its own session). */
        s->holds++;
        while (g_current == s && !t_disp)
            pthread_cond_wait(&g_idle, &g_lock);
    }
    pthread_mutex_unlock(&g_lock);
    SNMPAPI_STATUS rc = SnmpClose(h);
    if (s) {
        pthread_mutex_lock(&g_lock);
        s->holds--;
        if (s->unlinked) /* SnmpCleanup meanwhile (maybe from that callback) */
            release_session(s);
        else
            unlink_session(s);
        pthread_mutex_unlock(&g_lock);
    }
    return rc;
}

HSNMP_SESSION __attribute__((ms_abi))
wnb_SnmpCreateSession(HWND hWnd, UINT wMsg, SNMPAPI_CALLBACK fCallBack, LPVOID lpClientData)
{
    /* Window mode needs a window: the library's SnmpOpen sets
     * SNMPAPI_HWND_INVALID as the last error. */
    if (!fCallBack && !wnb_is_window(hWnd))
        return SnmpOpen(NULL, wMsg);
    struct session *s = calloc(1, sizeof *s);
    if (!s)
        return SnmpCreateSession(NULL, wMsg, NULL, NULL);
    s->callback = (win_callback)fCallBack;
    s->hwnd = hWnd;
    s->wmsg = wMsg;
    s->client_data = lpClientData;
    HSNMP_SESSION h = SnmpCreateSession(hWnd, wMsg, note_cb, s);
    if (!h) {
        free(s);
        return NULL;
    }
    pthread_mutex_lock(&g_lock);
    s->handle = h;
    s->next = g_sessions;
    g_sessions = s;
    int rc = ensure_dispatcher();
    pthread_mutex_unlock(&g_lock);
    if (rc < 0) {
        /* No thread to deliver on: the session would never be told. */
        close_session(h);
        return NULL;
    }
    return h;
}

HSNMP_SESSION __attribute__((ms_abi))
wnb_SnmpOpen(HWND hWnd, UINT wMsg)
{
    return wnb_SnmpCreateSession(hWnd, wMsg, NULL, NULL);
}

SNMPAPI_STATUS __attribute__((ms_abi))
wnb_SnmpClose(HSNMP_SESSION session)
{
    return close_session(session);
}

static SNMPAPI_STATUS
started(SNMPAPI_STATUS rc)
{
    if (rc == SNMPAPI_SUCCESS) {
        pthread_mutex_lock(&g_lock);
        g_startups++;
        pthread_mutex_unlock(&g_lock);
    }
    return rc;
}

/* After the SnmpCleanup that balances the last SnmpStartup the library has
 * closed every session: forget them and stop the dispatcher (waiting for a
 * running callback, unless this is that callback). */
static SNMPAPI_STATUS
cleaned_up(SNMPAPI_STATUS rc)
{
    if (rc != SNMPAPI_SUCCESS)
        return rc;
    struct dispatcher *d = NULL;
    pthread_mutex_lock(&g_lock);
    if (g_startups > 0 && --g_startups == 0) {
        purge_notes(NULL);
        while (g_sessions) {
            g_sessions->closed = 1;
            unlink_session(g_sessions);
        }
        d = g_disp;
        g_disp = NULL;
        if (d) {
            d->stop = 1;
            wake(d);
            if (t_disp == d) {
                d->self_release = 1;
                d = NULL;
            }
        }
    }
    pthread_mutex_unlock(&g_lock);
    if (d) {
        wnb_thread_join(d->thread);
        close(d->efd);
        free(d);
    }
    return rc;
}

SNMPAPI_STATUS __attribute__((ms_abi))
wnb_SnmpStartup(smiLPUINT32 nMajorVersion, smiLPUINT32 nMinorVersion, smiLPUINT32 nLevel,
                smiLPUINT32 nTranslateMode, smiLPUINT32 nRetransmitMode)
{
    return started(
        SnmpStartup(nMajorVersion, nMinorVersion, nLevel, nTranslateMode, nRetransmitMode));
}

SNMPAPI_STATUS __attribute__((ms_abi))
wnb_SnmpStartupEx(smiLPUINT32 nMajorVersion, smiLPUINT32 nMinorVersion, smiLPUINT32 nLevel,
                  smiLPUINT32 nTranslateMode, smiLPUINT32 nRetransmitMode)
{
    return started(
        SnmpStartupEx(nMajorVersion, nMinorVersion, nLevel, nTranslateMode, nRetransmitMode));
}

SNMPAPI_STATUS __attribute__((ms_abi))
wnb_SnmpCleanup(void)
{
    return cleaned_up(SnmpCleanup());
}

SNMPAPI_STATUS __attribute__((ms_abi))
wnb_SnmpCleanupEx(void)
{
    return cleaned_up(SnmpCleanupEx());
}
