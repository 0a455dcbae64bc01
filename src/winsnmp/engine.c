/* engine.c: the WinSNMP network engine on the I/O thread: state, manager sockets, request jobs, session queues, teardown. */
#include "engine_int.h"

#include <stdlib.h>
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
    struct wn_dgram_stats st;
    wn_dgram_sock_stats(s, &st);
    wn_ws_eng_add_stats(&wn_ws_eng.closed, &st);
    wn_dgram_sock_close(s);
}

struct wn_evloop *
wn_ws_eng_loop(void)
{
    return wn_ws_eng.loop;
}

int
wn_ws_net_on_io_thread(void)
{
    return wn_evloop_in_loop(wn_ws_eng.loop);
}

struct wn_evloop *
wn_ws_eng_loop_ref(void)
{
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
 * Startup and shutdown (hooks called by startup.c).
 * ---------------------------------------------------------------------- */
int
wn_ws_net_startup(void)
{
    memset(&wn_ws_eng, 0, sizeof wn_ws_eng);
    wn_ws_eng.trap_idx[0] = wn_ws_eng.trap_idx[1] = -1;
    wn_ws_eng.trap_port = WN_WS_DEFAULT_TRAP_PORT;
    const char *tp = getenv("WSNMP_TRAP_PORT");
    if (tp && *tp) {
        char *end;
        unsigned long v = strtoul(tp, &end, 10);
        if (*end == '\0' && v > 0 && v <= 65535)
            wn_ws_eng.trap_port = (uint16_t)v;
    }
    wn_ws_regs = NULL;
    wn_ws_nregs = 0;
    return wn_evloop_acquire(&wn_ws_eng.loop);
}

static void
shutdown_on_loop(void *arg)
{
    (void)arg;
    wn_ws_lock();
    for (int i = 0; i < 2; i++) {
        if (wn_ws_eng.mgr[i])
            wn_ws_eng_sock_close(wn_ws_eng.mgr[i]);
        wn_ws_eng.mgr[i] = NULL;
    }
    for (unsigned i = 0; i < WN_WS_MAX_LISTENERS; i++) {
        if (wn_ws_eng.lst[i].sock)
            wn_ws_eng_sock_close(wn_ws_eng.lst[i].sock);
        memset(&wn_ws_eng.lst[i], 0, sizeof wn_ws_eng.lst[i]);
    }
    wn_ws_eng.trap_idx[0] = wn_ws_eng.trap_idx[1] = -1;
    wn_ws_eng.trap_open = 0;
    wn_ws_unlock();
}

void
wn_ws_net_shutdown(void)
{
    wn_ws_lock();
    struct wn_evloop *l = wn_ws_eng.loop;
    wn_ws_unlock();
    if (!l)
        return;
    wn_evloop_call(l, shutdown_on_loop, NULL);
    wn_evloop_release(l);
    wn_ws_lock();
    wn_ws_eng.loop = NULL;
    for (uint32_t i = 0; i < wn_ws_nregs; i++) {
        wn_free(wn_ws_regs[i].community);
        wn_free(wn_ws_regs[i].prefix);
    }
    wn_free(wn_ws_regs);
    wn_ws_regs = NULL;
    wn_ws_nregs = 0;
    wn_ws_unlock();
}

/* ------------------------------------------------------------------------
 * Per-session state, jobs and queue.
 * ---------------------------------------------------------------------- */
int
wn_ws_eng_session(struct wn_ws_session *s, struct wn_ws_sess_eng **out)
{
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
    wn_free(job->pkt);
    wn_ws_vblist_clear(&job->vbl);
    if (job->community)
        wn_wipe(job->community, job->community_len);
    wn_free(job->community);
    wn_free(job);
}

void
wn_ws_qmsg_free(struct wn_ws_qmsg *m)
{
    if (!m)
        return;
    wn_free(m->pkt);
    wn_ws_job_free(m->job);
    wn_free(m);
}

void
wn_ws_job_link(struct wn_ws_sess_eng *se, struct wn_ws_job *job)
{
    job->prev = NULL;
    job->next = se->jobs;
    if (se->jobs)
        se->jobs->prev = job;
    se->jobs = job;
}

void
wn_ws_job_unlink(struct wn_ws_sess_eng *se, struct wn_ws_job *job)
{
    if (job->prev)
        job->prev->next = job->next;
    else if (se && se->jobs == job)
        se->jobs = job->next;
    if (job->next)
        job->next->prev = job->prev;
    job->prev = job->next = NULL;
}

/* The session of a job if it is still open, with its engine state. */
static struct wn_ws_session *
job_session(struct wn_ws_job *job, struct wn_ws_sess_eng **se)
{
    struct wn_ws_session *s = wn_ws_session_get((HSNMP_SESSION)job->session);
    *se = s ? s->engine : NULL;
    return *se ? s : NULL;
}

/* A request ended (answer, timeout or send failure): takes the job off its
 * session's list and gives the session, NULL if closed.  Returns 1 when the
 * job was cancelled meanwhile: then it is freed here if orphaned, else by
 * the posted cancel, and the caller must leave it alone. [locked] */
static int
job_end(struct wn_ws_job *job, struct wn_ws_session **s)
{
    if (job->cancelled) {
        if (job->orphaned)
            wn_ws_job_free(job);
        return 1;
    }
    struct wn_ws_sess_eng *se;
    *s = job_session(job, &se);
    wn_ws_job_unlink(se, job);
    return 0;
}

/* Queues a transport-error report (code) for s, taking the job, which
 * SnmpRecvMsg reports as what failed; unlocks, then notifies. [locked] */
static void
job_fail_and_unlock(struct wn_ws_job *job, struct wn_ws_session *s, smiUINT32 code)
{
    uintptr_t sh = job->session;
    smiINT32 reqid = job->app_reqid;
    int tell = 0;
    struct wn_ws_qmsg *m = s ? wn_calloc(1, sizeof *m) : NULL;
    if (m) {
        m->error = code;
        m->reqid = reqid;
        m->job = job;
        tell = wn_ws_eng_enqueue(s, m) > 0;
    } else {
        wn_ws_job_free(job);
    }
    wn_ws_unlock();
    if (tell)
        wn_ws_eng_notify(sh, code, (LPARAM)reqid);
}

int
wn_ws_eng_enqueue(struct wn_ws_session *s, struct wn_ws_qmsg *m)
{
    struct wn_ws_sess_eng *se;
    if (wn_ws_eng_session(s, &se) < 0 || se->qlen >= WN_WS_MAX_QUEUE) {
        wn_log(WN_LOG_WARN, "winsnmp", "session queue full: message dropped");
        wn_ws_qmsg_free(m);
        return -1;
    }
    m->next = NULL;
    if (se->qtail)
        se->qtail->next = m;
    else
        se->qhead = m;
    se->qtail = m;
    if (se->qlen++ == 0 && se->efd >= 0) {
        uint64_t one = 1;
        ssize_t w = write(se->efd, &one, sizeof one);
        (void)w;
    }
    return s->callback != NULL;
}

struct wn_ws_qmsg *
wn_ws_eng_dequeue(struct wn_ws_sess_eng *se)
{
    struct wn_ws_qmsg *m = se->qhead;
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

/* ------------------------------------------------------------------------
 * Manager sockets: responses to our requests.
 * ---------------------------------------------------------------------- */
static int
mgr_match_key(void *ctx, const uint8_t *pkt, size_t len, uint32_t *key)
{
    (void)ctx;
    struct wn_snmp_msg m;
    /* Whole-message validation here, so a malformed reply never completes
     * a request: it goes to on_unsolicited and is counted there. */
    if (wn_snmp_msg_decode(pkt, len, &m) < 0)
        return -1;
    if (m.pdu.type != WN_SNMP_PDU_RESPONSE && m.pdu.type != WN_SNMP_PDU_REPORT)
        return -1;
    if (m.pdu.request_id <= 0)
        return -1;
    *key = (uint32_t)m.pdu.request_id;
    return 0;
}

static void
mgr_on_response(void *ctx, struct wn_dgram_req *req, const uint8_t *pkt, size_t len,
                const struct sockaddr *from, socklen_t fromlen)
{
    (void)ctx;
    struct wn_ws_job *job = (struct wn_ws_job *)req;   /* dreq is the first member */
    wn_ws_lock();
    struct wn_ws_session *s = NULL;
    if (job_end(job, &s)) {
        wn_ws_unlock();
        return;
    }
    uintptr_t sh = job->session;
    smiINT32 reqid = job->app_reqid;
    int tell = 0;
    struct wn_ws_qmsg *m = s ? wn_calloc(1, sizeof *m) : NULL;
    if (m)
        m->pkt = wn_memdup(pkt, len);
    if (m && m->pkt) {
        m->len = len;
        m->reqid = reqid;
        m->orig_type = job->version == WN_WS_V1 ? job->pdu_type : 0;
        memcpy(&m->from, from, fromlen);
        m->fromlen = fromlen;
        if (job->srclen) {
            m->to = job->src;
            m->tolen = job->srclen;
        } else {
            int fi = from->sa_family == AF_INET6 ? 1 : 0;
            m->to = wn_ws_eng.mgr_name[fi];
            m->tolen = wn_ws_eng.mgr_namelen[fi];
        }
        m->to_version = job->version;
        tell = wn_ws_eng_enqueue(s, m) > 0;
    } else {
        wn_ws_qmsg_free(m);
    }
    wn_ws_job_free(job);
    wn_ws_unlock();
    if (tell)
        wn_ws_eng_notify(sh, 0, (LPARAM)reqid);
}

static void
mgr_on_timeout(void *ctx, struct wn_dgram_req *req)
{
    (void)ctx;
    struct wn_ws_job *job = (struct wn_ws_job *)req;
    wn_ws_lock();
    struct wn_ws_session *s = NULL;
    if (job_end(job, &s)) {
        wn_ws_unlock();
        return;
    }
    job_fail_and_unlock(job, s, SNMPAPI_TL_TIMEOUT);
}

static void
mgr_on_unsolicited(void *ctx, struct wn_dgram_sock *sock, const uint8_t *pkt, size_t len,
                   const struct sockaddr *from, socklen_t fromlen)
{
    (void)ctx, (void)sock, (void)from, (void)fromlen;
    struct wn_snmp_msg m;
    wn_ws_lock();
    if (wn_snmp_msg_decode(pkt, len, &m) < 0)
        wn_ws_eng.c[WN_WS_C_MALFORMED]++;
    else
        wn_ws_eng.c[WN_WS_C_STRAY]++;   /* not a response, or a response we gave up on */
    wn_ws_unlock();
}

static const struct wn_dgram_ops mgr_ops = {
    .match_key = mgr_match_key,
    .on_response = mgr_on_response,
    .on_timeout = mgr_on_timeout,
    .on_unsolicited = mgr_on_unsolicited,
};

/* The manager socket of family, opened on first use; NULL with *err set
 * (WN_E_NOMEM when out of descriptors or memory) if it cannot be.
 * I/O thread, locked. */
static struct wn_dgram_sock *
mgr_sock(int family, int *err)
{
    int i = family == AF_INET6 ? 1 : 0;
    *err = 0;
    if (wn_ws_eng.mgr[i])
        return wn_ws_eng.mgr[i];
    *err = wn_ws_eng.loop ? wn_dgram_sock_open(wn_ws_eng.loop, family, NULL, 0, &mgr_ops,
                                               NULL, &wn_ws_eng.mgr[i])
                          : WN_E_STATE;
    if (!wn_ws_eng.mgr[i] && *err == 0)
        *err = WN_E_IO;
    if (wn_ws_eng.mgr[i]) {
        /* Read the local address once, not per response. */
        wn_ws_eng.mgr_namelen[i] = sizeof wn_ws_eng.mgr_name[i];
        if (wn_dgram_sock_name(wn_ws_eng.mgr[i], &wn_ws_eng.mgr_name[i],
                               &wn_ws_eng.mgr_namelen[i]) < 0)
            wn_ws_eng.mgr_namelen[i] = 0;
    }
    return wn_ws_eng.mgr[i];
}

/* ------------------------------------------------------------------------
 * Sending (I/O thread).
 * ---------------------------------------------------------------------- */
static smiUINT32
map_send_err(int rc)
{
    switch (rc) {
    case WN_E_UNREACHABLE:
    case WN_E_ACCESS:
        return SNMPAPI_TL_UNDELIVERABLE;
    case WN_E_NOMEM:
    case WN_E_LIMIT:
        return SNMPAPI_TL_RESOURCE_ERROR;
    case WN_E_INVAL:
        return SNMPAPI_TL_INVALID_PARAM;
    default:
        return SNMPAPI_TL_OTHER;
    }
}

static void
start_job_on_loop(void *arg)
{
    struct wn_ws_job *job = arg;
    wn_ws_lock();
    if (job->cancelled || !wn_ws_eng.loop) {
        wn_ws_job_free(job);
        wn_ws_unlock();
        return;
    }
    int family = job->dreq.dest.ss_family;
    int rc;
    if (!job->expects_reply) {
        struct wn_dgram_sock *sock = NULL;
        if (job->listener_idx >= 0 && wn_ws_eng.lst[job->listener_idx].used &&
            wn_ws_eng.lst[job->listener_idx].addr.ss_family == family)
            sock = wn_ws_eng.lst[job->listener_idx].sock;
        rc = 0;
        if (!sock)
            sock = mgr_sock(family, &rc);
        if (sock)
            rc = wn_dgram_send_raw(sock, (struct sockaddr *)&job->dreq.dest,
                                   job->dreq.destlen, job->pkt, job->len);
        if (rc < 0)
            wn_log(WN_LOG_WARN, "winsnmp", "send failed: %s", wn_strerror(rc));
        wn_ws_job_free(job);
        wn_ws_unlock();
        return;
    }

    struct wn_dgram_sock *sock = mgr_sock(family, &rc);
    if (rc == 0) {
        rc = job->app_reqid > 0 ? wn_dgram_key_claim(sock, &job->dreq, (uint32_t)job->app_reqid)
                                : WN_E_EXISTS;
        if (rc == WN_E_EXISTS) {
            /* Id taken on the wire by another session: use a fresh one. */
            rc = wn_dgram_key_alloc(sock, &job->dreq);
            if (rc == 0) {
                uint8_t *pkt = NULL;
                size_t len = 0;
                smiUINT32 code = wn_ws_encode(job->version, job->community, job->community_len,
                                              job->pdu_type, (smiINT32)job->dreq.key,
                                              job->error_status, job->error_index, &job->vbl,
                                              &pkt, &len, NULL);
                if (code) {
                    wn_dgram_cancel(&job->dreq);
                    rc = WN_E_NOMEM;
                } else {
                    wn_free(job->pkt);
                    job->pkt = pkt;
                    job->len = len;
                }
            }
        }
    }
    if (rc == 0) {
        job->dreq.pkt = job->pkt;
        job->dreq.len = job->len;
        rc = wn_dgram_send_request(&job->dreq);
    }
    if (rc == 0) {
        job->started = 1;
        wn_ws_unlock();
        return;
    }
    /* Report the failure asynchronously, as the request's outcome (the
     * job was not cancelled: checked above under this same lock). */
    struct wn_ws_session *s = NULL;
    job_end(job, &s);
    job_fail_and_unlock(job, s, map_send_err(rc));
}

int
wn_ws_eng_submit(struct wn_ws_job *job)
{
    if (!wn_ws_eng.loop)
        return WN_E_STATE;
    return wn_evloop_post(wn_ws_eng.loop, start_job_on_loop, job);
}

static void
cancel_on_loop(void *arg)
{
    struct wn_ws_job *job = arg;
    wn_ws_lock();
    if (job->started)
        wn_dgram_cancel(&job->dreq);
    wn_ws_job_free(job);
    wn_ws_unlock();
}

void
wn_ws_eng_cancel(struct wn_ws_job *job)
{
    job->cancelled = 1;
    /* Not started yet: start_job_on_loop sees the flag and frees it. */
    if (!job->started)
        return;
    if (!wn_ws_eng.loop) {
        /* No loop any more: its sockets were closed, which released the
         * request silently, so the job can go now. */
        wn_ws_job_free(job);
    } else if (wn_evloop_post(wn_ws_eng.loop, cancel_on_loop, job) < 0) {
        /* Out of memory: the request stays on the wire until its response
         * or timeout, which then frees it without a notification. */
        job->orphaned = 1;
    }
}

/* ------------------------------------------------------------------------
 * Session and entity teardown hooks [locked].
 * ---------------------------------------------------------------------- */
void
wn_ws_net_session_closing(struct wn_ws_session *s)
{
    struct wn_ws_sess_eng *se = s->engine;
    uintptr_t h = s->hdr.handle;
    /* Registrations of this session end with it. */
    uint32_t w = 0;
    for (uint32_t i = 0; i < wn_ws_nregs; i++) {
        if (wn_ws_regs[i].session == h) {
            wn_free(wn_ws_regs[i].community);
            wn_free(wn_ws_regs[i].prefix);
        } else {
            wn_ws_regs[w++] = wn_ws_regs[i];
        }
    }
    wn_ws_nregs = w;
    wn_ws_eng_trap_port_release();
    if (!se)
        return;
    while (se->jobs) {
        struct wn_ws_job *job = se->jobs;
        wn_ws_job_unlink(se, job);
        wn_ws_eng_cancel(job);
    }
    struct wn_ws_qmsg *m;
    while ((m = se->qhead) != NULL) {
        se->qhead = m->next;
        wn_ws_qmsg_free(m);
    }
    if (se->efd >= 0)
        close(se->efd);
    wn_free(se);
    s->engine = NULL;
}

void
wn_ws_net_entity_freeing(struct wn_ws_entity *e)
{
    if (e->listening && e->engine)
        wn_ws_eng_listen_close((int)((intptr_t)e->engine - 1));
    e->listening = 0;
    e->engine = NULL;
}
