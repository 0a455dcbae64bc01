/* engcore.c: the engine's shared state: the process-wide record, per-session queues and job lists, socket counters (used by the listeners and the request engine). */
#include "engine_int.h"
#include "usmuser.h"
#include "v3int.h"

#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct wn_ws_eng wn_ws_eng;
struct wn_ws_reg *wn_ws_regs;
uint32_t wn_ws_nregs;

void
wn_ws_eng_add_stats(struct wn_dgram_stats *acc, const struct wn_dgram_stats *s)
{
    acc->rx += s->rx;
    acc->tx += s->tx;
    acc->retransmits += s->retransmits;
    acc->timeouts += s->timeouts;
    acc->stray += s->stray;
    acc->rx_errors += s->rx_errors;
    acc->tx_errors += s->tx_errors;
}

/* I/O thread, locked. */
void
wn_ws_eng_sock_close(struct wn_dgram_sock *s)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_dgram_stats st;
    wn_dgram_sock_stats(s, &st);
    wn_ws_eng_add_stats(&wn_ws_eng.closed, &st);
    wn_dgram_sock_close(s);
}

struct wn_evloop *
wn_ws_eng_loop(void)
{
    WN_WS_ASSERT_LOCKED();
    return wn_ws_eng.loop;
}

int
wn_ws_net_on_io_thread(void)
{
    WN_WS_ASSERT_LOCKED();
    return wn_evloop_in_loop(wn_ws_eng.loop);
}

struct wn_evloop *
wn_ws_eng_loop_ref(void)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_evloop *l = NULL;
    if (!wn_ws_ready() || !wn_ws_eng.loop || wn_evloop_acquire(&l) < 0)
        return NULL;
    if (l != wn_ws_eng.loop) {          /* cannot happen while ready */
        wn_evloop_release(l);
        return NULL;
    }
    return l;
}

/* ------------------------------------------------------------------------
 * Per-session state, jobs and queue.
 * ---------------------------------------------------------------------- */
int
wn_ws_eng_session(struct wn_ws_session *s, struct wn_ws_sess_eng **out)
{
    WN_WS_ASSERT_LOCKED();
    if (!s->engine) {
        struct wn_ws_sess_eng *se = wn_calloc(1, sizeof *se);
        if (!se)
            return WN_E_NOMEM;
        se->efd = -1;   /* made on demand: 10,000 sessions need no fds */
        s->engine = se;
    }
    *out = s->engine;
    return 0;
}

/* The session's eventfd, made on first use and set if messages wait. */
int
wn_ws_eng_session_efd(struct wn_ws_sess_eng *se)
{
    WN_WS_ASSERT_LOCKED();
    if (se->efd < 0) {
        se->efd = eventfd(se->qlen ? 1 : 0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (se->efd < 0)
            return WN_E_IO;
    }
    return se->efd;
}

void
wn_ws_job_free(struct wn_ws_job *job)
{
    if (!job)
        return;
    if (job->v3_free)
        job->v3_free(job);
    /* The packet carries the community. */
    if (job->rekeyed) {
        wn_wipe(job->rekeyed, job->len);
        wn_free(job->rekeyed);
    } else {
        wn_wipe(job->data, job->len);
    }
    wn_ws_vblist_clear(&job->vbl);
    if (job->v3out) {
        wn_ws_user_put(job->v3out->user);
        wn_free(job->v3out);
    }
    wn_free(job);
}

int
wn_ws_job_snapshot(struct wn_ws_job *job)
{
    struct wn_ws_decoded d;
    int rc = wn_ws_decode(job->pkt, job->len, 0, 0, &d);   /* a request: no trap to convey */
    if (rc < 0)
        return rc;
    wn_ws_vblist_clear(&job->vbl);
    job->vbl = d.vbl;   /* taken */
    job->community = d.community;
    job->community_len = d.community_len;
    return 0;
}

struct wn_ws_qmsg *
wn_ws_qmsg_new(const uint8_t *pkt, size_t len)
{
    struct wn_ws_qmsg *m = wn_malloc(offsetof(struct wn_ws_qmsg, data) + len);
    if (!m)
        return NULL;
    memset(m, 0, offsetof(struct wn_ws_qmsg, data));
    if (len)
        memcpy(m->data, pkt, len);
    m->pkt = m->data;
    m->len = len;
    return m;
}

void
wn_ws_qmsg_free(struct wn_ws_qmsg *m)
{
    if (m) {
        wn_ws_vblist_clear(&m->list);
        wn_free(m->v3);
        if (m->secret)
            wn_wipe(m->data, m->len);
    }
    wn_free(m);
}

void
wn_ws_qlink_free(struct wn_ws_qlink *l)
{
    if (!l)
        return;
    if (l->job)
        wn_ws_job_free(l->job);
    else
        wn_ws_qmsg_free((struct wn_ws_qmsg *)l);   /* q is its first member */
}

/* Appends l to the session's queue and signals its fd. [locked] */
static void
queue_link(struct wn_ws_sess_eng *se, struct wn_ws_qlink *l)
{
    l->next = NULL;
    if (se->qtail)
        se->qtail->next = l;
    else
        se->qhead = l;
    se->qtail = l;
    if (se->qlen++ == 0 && se->efd >= 0) {
        uint64_t one = 1;
        ssize_t w = write(se->efd, &one, sizeof one);
        (void)w;
    }
}

void
wn_ws_eng_enqueue_failed(struct wn_ws_sess_eng *se, struct wn_ws_job *job)
{
    WN_WS_ASSERT_LOCKED();
    job->q.job = job;
    queue_link(se, &job->q);
}

void
wn_ws_job_link(struct wn_ws_sess_eng *se, struct wn_ws_job *job)
{
    WN_WS_ASSERT_LOCKED();
    job->prev = NULL;
    job->next = se->jobs;
    if (se->jobs)
        se->jobs->prev = job;
    se->jobs = job;
}

void
wn_ws_job_unlink(struct wn_ws_sess_eng *se, struct wn_ws_job *job)
{
    WN_WS_ASSERT_LOCKED();
    if (job->prev)
        job->prev->next = job->next;
    else if (se && se->jobs == job)
        se->jobs = job->next;
    if (job->next)
        job->next->prev = job->prev;
    job->prev = job->next = NULL;
}

int
wn_ws_eng_enqueue(struct wn_ws_session *s, struct wn_ws_qmsg *m)
{
    struct wn_ws_sess_eng *se;
    WN_WS_ASSERT_LOCKED();
    int rc = wn_ws_eng_session(s, &se);
    if (rc == 0 && se->qlen >= WN_WS_MAX_QUEUE) {
        rc = WN_E_QFULL;
        wn_ws_eng.c[WN_WS_C_QFULL]++;
    }
    if (rc < 0) {
        wn_log(WN_LOG_WARN, "winsnmp", "%s: message dropped",
               rc == WN_E_QFULL ? "session queue full" : "out of memory");
        wn_ws_qmsg_free(m);
        return rc;
    }
    m->q.job = NULL;
    queue_link(se, &m->q);
    return 1;   /* a callback to call or a window message to post */
}

struct wn_ws_qlink *
wn_ws_eng_dequeue(struct wn_ws_sess_eng *se)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_qlink *m = se->qhead;
    if (!m)
        return NULL;
    se->qhead = m->next;
    if (!se->qhead)
        se->qtail = NULL;
    if (--se->qlen == 0 && se->efd >= 0) {
        uint64_t v;
        ssize_t r = read(se->efd, &v, sizeof v);
        (void)r;
    }
    return m;
}

void
wn_ws_eng_notify(uintptr_t session, WPARAM wp, LPARAM lp)
{
    wn_ws_session_notify((HSNMP_SESSION)session, wp, lp);
}
