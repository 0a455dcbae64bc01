/* engine.c: the WinSNMP request engine on the I/O thread: startup and teardown, manager sockets, sending and cancelling requests, session and entity teardown. */
#include "engine_int.h"
#include "v3int.h"
#include "engv3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int v3_job_end(struct wn_ws_job *job, struct wn_ws_session **s);
static void v3_job_fail_and_unlock(struct wn_ws_job *job, struct wn_ws_session *s, int err);
static struct wn_dgram_sock *v3_mgr_sock(int family, int *err);

/* ------------------------------------------------------------------------
 * Startup and shutdown (hooks called by startup.c).
 * ---------------------------------------------------------------------- */
int
wn_ws_net_startup(void)
{
    WN_WS_ASSERT_LOCKED();
    static const struct wn_ws_obj_hooks hooks = {
        .session_closing = wn_ws_net_session_closing,
        .entity_freeing = wn_ws_net_entity_freeing,
    };
    wn_ws_obj_set_hooks(&hooks);
    static const struct wn_ws_v3_eng_ops v3ops = {
        .job_end = v3_job_end, .job_fail_and_unlock = v3_job_fail_and_unlock,
        .mgr_sock = v3_mgr_sock,
    };
    wn_ws_v3_set_ops(&v3ops);
    memset(&wn_ws_eng, 0, sizeof wn_ws_eng);
    wn_ws_eng.trap_idx[0] = wn_ws_eng.trap_idx[1] = -1;
    wn_ws_eng.trap_port = WN_WS_DEFAULT_TRAP_PORT;
    const char *tp = getenv("WSNMP_TRAP_PORT");
    if (tp && *tp) {
        char *end;
        unsigned long v = strtoul(tp, &end, 10);
        if (tp[0] >= '0' && tp[0] <= '9' && *end == '\0' && v > 0 && v <= 65535) {
            wn_ws_eng.trap_port = (uint16_t)v;
        } else {
            /* Refused, never a silent fall-back to 162: SnmpRegister fails
             * (SNMPAPI_TL_INVALID_PARAM) until wn_wsnmp_set_trap_port
             * sets a valid port.  Said once, whatever WN_LOG is. */
            wn_ws_eng.trap_port = WN_WS_TRAP_PORT_REFUSED;
            fprintf(stderr, "libwsnmp: WSNMP_TRAP_PORT=%.32s refused: it takes a UDP port number "
                            "1..65535; SnmpRegister fails until it is fixed\n", tp);
        }
    }
    wn_ws_regs = NULL;
    wn_ws_nregs = 0;
    return wn_evloop_acquire(&wn_ws_eng.loop);
}

static void rx_last_drop(void);

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
    wn_ws_v3_reset();
    rx_last_drop();
    wn_ws_drop_flush();
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
    wn_ws_v3_shutdown();
    wn_ws_unlock();
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
    WN_WS_ASSERT_LOCKED();
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

/* Queues a transport-error report (err, a WN_E_* code) for s, taking the
 * job, which is its own queue entry (no allocation: the report cannot be
 * lost) and which SnmpRecvMsg reports as what failed; unlocks, then
 * notifies.  [locked] */
static void
job_fail_and_unlock(struct wn_ws_job *job, struct wn_ws_session *s, int err)
{
    WN_WS_ASSERT_LOCKED();
    smiUINT32 code = wn_ws_map_err(err, SNMPAPI_TL_OTHER);
    uintptr_t sh = job->session;
    smiINT32 reqid = job->app_reqid;
    if (!job->srclen) {
        /* No srcEntity was given: SnmpRecvMsg's dstEntity is then our
         * address, as for a response. */
        int fi = job->dreq.dest.sa.sa_family == AF_INET6 ? 1 : 0;
        socklen_t nl = wn_ws_eng.mgr_namelen[fi];
        if (nl <= sizeof job->src) {
            memcpy(&job->src, &wn_ws_eng.mgr_name[fi], nl);
            job->srclen = nl;
        }
    }
    if (!s) {
        wn_ws_job_free(job);
        wn_ws_unlock();
        return;
    }
    /* The request as sent, for SnmpRecvMsg's report; out of memory here
     * leaves its varbind list empty. */
    (void)wn_ws_job_snapshot(job);
    job->fail_code = code;
    wn_ws_eng_enqueue_failed(s->engine, job);
    wn_ws_unlock();
    wn_ws_eng_notify(sh, code, (LPARAM)reqid);
}

/* ------------------------------------------------------------------------
 * Manager sockets: responses to our requests.
 * ---------------------------------------------------------------------- */
/* The last datagram mgr_match_key validated, so that mgr_on_response
 * (called next for the same bytes) keeps the decode instead of doing it
 * again.  I/O thread only. */
static struct {
    const uint8_t *pkt;
    size_t len;
    struct wn_snmp_msg msg;
    /* The message's varbinds, decoded in the pass that validated them
     * (owned; moved to the queue entry, else dropped with the next
     * datagram or at shutdown). */
    struct wn_ws_vblist list;
} rx_last;

/* Why mgr_accept refused a datagram, for its log line (WN_LOG=debug): set
 * on the refusing paths only, taken by mgr_on_stray, which the dgram layer
 * calls next for the same datagram.  I/O thread only. */
static struct {
    int set;
    enum wn_ws_drop_why why;
    int got, want;
} rx_refused;

/* Forgets the last datagram (I/O thread). */
static void
rx_last_drop(void)
{
    rx_last.pkt = NULL;
    wn_ws_vblist_clear(&rx_last.list);
}

static int
mgr_match_key(void *ctx, const uint8_t *pkt, size_t len, uint32_t *key)
{
    (void)ctx;
    rx_last_drop();
    if (wn_ws_v3_looks_v3(pkt, len))
        return wn_ws_v3_match_key(pkt, len, key);
    struct wn_snmp_msg m;
    /* Whole-message validation here, so a malformed reply never completes
     * a request: it goes to on_unsolicited and is counted there.  The
     * varbinds are decoded in the same pass, for SnmpRecvMsg (which
     * translates a v1 response from them, per its request). */
    int rc = wn_ws_msg_receive(pkt, len, &m, &rx_last.list);
    if (rc < 0)
        return -1;   /* told from a decoded refusal by rx_last.pkt, still NULL */
    rx_last.pkt = pkt;
    rx_last.len = len;
    rx_last.msg = m;
    if (m.pdu.type != WN_SNMP_PDU_RESPONSE && m.pdu.type != WN_SNMP_PDU_REPORT)
        return -1;
    if (m.pdu.request_id <= 0)
        return -1;
    *key = (uint32_t)m.pdu.request_id;
    return 0;
}

/* A reply is its request's answer only with the request's version and
 * community too (the dgram layer has matched the id and the source
 * address); anything else is dropped and counted as a stray.  On the I/O
 * thread without the lock: the job fields read here are fixed before the
 * job is posted to this thread, and only this thread frees a started job. */
static void
refused(enum wn_ws_drop_why why, int got, int want)
{
    rx_refused.set = 1;
    rx_refused.why = why;
    rx_refused.got = got;
    rx_refused.want = want;
}

static int
mgr_accept(void *ctx, const struct wn_dgram_req *req, const uint8_t *pkt, size_t len)
{
    (void)ctx;
    const struct wn_ws_job *job = (const struct wn_ws_job *)req;
    if (job->version == WN_WS_V3) {
        int rc = wn_ws_v3_accept(job, pkt, len);
        if (rc < 0)
            refused(WN_WS_DROP_V3, rc, 0);
        return rc;
    }
    struct wn_snmp_msg dm;
    const struct wn_snmp_msg *m = &rx_last.msg;   /* validated by mgr_match_key */
    if (rx_last.pkt != pkt || rx_last.len != len) {
        if (wn_snmp_msg_decode(pkt, len, &dm) < 0)
            return WN_E_MALFORMED;
        m = &dm;
    }
    int version = m->version == WN_SNMP_V1 ? WN_WS_V1 : m->version == WN_SNMP_V2C ? WN_WS_V2C : -1;
    if (version != job->version) {
        refused(WN_WS_DROP_VERSION, version, job->version);
        return WN_E_PROTOCOL;
    }
    if (m->community_len != job->community_len ||
        (m->community_len && memcmp(m->community, job->community, m->community_len) != 0)) {
        refused(WN_WS_DROP_COMMUNITY, (int)m->community_len, 0);
        return WN_E_AUTH;
    }
    return 0;
}

/* A response the dgram layer dropped (no request in flight with its id,
 * another source than the request's destination, or refused by
 * mgr_accept): counted there; said at debug level, the reason found only
 * when the line is written. */
static void
mgr_on_stray(void *ctx, struct wn_dgram_sock *sock, uint32_t key, const uint8_t *pkt,
             size_t len, const struct sockaddr *from, socklen_t fromlen)
{
    (void)ctx, (void)fromlen;
    (void)pkt;
    int was_refused = rx_refused.set;
    rx_refused.set = 0;
    if (!wn_log_enabled(WN_LOG_DEBUG) || !wn_ws_drop_admit())
        return;
    struct wn_ws_drop d = {.from = from, .len = len, .reqid = key};
    const struct wn_dgram_req *req = wn_dgram_req_find(sock, key);
    if (!req) {
        d.why = WN_WS_DROP_NO_REQUEST;
    } else if (!wn_sockaddr_equal(from, &req->dest.sa)) {
        d.why = WN_WS_DROP_OTHER_ADDR;
        d.to = &req->dest.sa;
    } else if (was_refused) {
        d.why = rx_refused.why;
        d.got = rx_refused.got;
        d.want = rx_refused.want;
    } else {
        d.why = WN_WS_DROP_MALFORMED;   /* mgr_accept's decode failed */
    }
    wn_ws_drop_log(&d);
}

static void
mgr_on_response(void *ctx, struct wn_dgram_req *req, const uint8_t *pkt, size_t len,
                const struct sockaddr *from, socklen_t fromlen)
{
    (void)ctx;
    struct wn_ws_job *job = (struct wn_ws_job *)req;   /* dreq is the first member */
    if (job->version == WN_WS_V3) {
        wn_ws_v3_on_response(job, pkt, len, from, fromlen);
        return;
    }
    wn_ws_lock();
    struct wn_ws_session *s = NULL;
    if (job_end(job, &s)) {
        wn_ws_unlock();
        return;
    }
    if (!s) {
        wn_ws_job_free(job);
        wn_ws_unlock();
        return;
    }
    uintptr_t sh = job->session;
    smiINT32 reqid = job->app_reqid;
    struct wn_ws_qmsg *m = wn_ws_qmsg_new(pkt, len);
    if (!m) {
        /* The answer cannot be kept: the request still ends with its one
         * notification, a resource error. */
        job_fail_and_unlock(job, s, WN_E_NOMEM);
        return;
    }
    if (rx_last.pkt == pkt && rx_last.len == len) {
        /* Decoded once: SnmpRecvMsg goes on from the validation. */
        m->msg = rx_last.msg;
        wn_ws_msg_rebase(&m->msg, pkt, len, m->data);
        m->validated = 1;
        m->list = rx_last.list;   /* taken: views nothing in pkt */
        memset(&rx_last.list, 0, sizeof rx_last.list);
    }
    m->reqid = reqid;
    m->orig_type = job->version == WN_WS_V1 ? job->pdu_type : 0;
    memcpy(&m->from, from, fromlen);
    m->fromlen = fromlen;
    if (job->srclen) {
        memcpy(&m->to, &job->src, job->srclen);
        m->tolen = job->srclen;
    } else {
        int fi = from->sa_family == AF_INET6 ? 1 : 0;
        m->to = wn_ws_eng.mgr_name[fi];
        m->tolen = wn_ws_eng.mgr_namelen[fi];
    }
    m->to_version = job->version;
    m->h_src = job->h_src;
    m->h_dst = job->h_dst;
    m->h_ctx = job->h_ctx;
    int rc = wn_ws_eng_enqueue(s, m);   /* takes m */
    if (rc < 0) {
        /* The session's queue is full: the request ends with a resource
         * error, which needs no room (wn_ws_eng_enqueue_failed). */
        job_fail_and_unlock(job, s, rc);
        return;
    }
    wn_ws_job_free(job);
    wn_ws_unlock();
    wn_ws_eng_notify(sh, 0, (LPARAM)reqid);
}

/* A request the dgram layer ended without an answer: reported with err
 * unless it was cancelled meanwhile. */
static void
request_failed(struct wn_dgram_req *req, int err)
{
    struct wn_ws_job *job = (struct wn_ws_job *)req;
    wn_ws_lock();
    struct wn_ws_session *s = NULL;
    if (job_end(job, &s)) {
        wn_ws_unlock();
        return;
    }
    job_fail_and_unlock(job, s, err);
}

static void
mgr_on_timeout(void *ctx, struct wn_dgram_req *req)
{
    (void)ctx;
    if (((struct wn_ws_job *)req)->version == WN_WS_V3) {
        wn_ws_v3_on_timeout((struct wn_ws_job *)req);
        return;
    }
    request_failed(req, WN_E_TIMEOUT);
}

/* A request sent from a callback whose datagram the kernel refused (the
 * dgram layer sent it after the callbacks of its receive round): reported
 * like any send failure. */
static void
mgr_on_send_error(void *ctx, struct wn_dgram_req *req, int err)
{
    (void)ctx;
    if (((struct wn_ws_job *)req)->version == WN_WS_V3) {
        wn_ws_v3_on_send_error((struct wn_ws_job *)req, err);
        return;
    }
    request_failed(req, err == WN_E_ACCESS ? WN_E_UNREACHABLE : err);
}

static void
mgr_on_unsolicited(void *ctx, struct wn_dgram_sock *sock, const uint8_t *pkt, size_t len,
                   const struct sockaddr *from, socklen_t fromlen)
{
    (void)ctx, (void)sock, (void)fromlen;
    /* mgr_match_key refused it: decoded (rx_last), it is no response or
     * has no valid id; else it did not decode. */
    int decoded = rx_last.pkt == pkt && rx_last.len == len;
    wn_ws_lock();
    wn_ws_eng.c[decoded ? WN_WS_C_STRAY : WN_WS_C_MALFORMED]++;
    wn_ws_unlock();
    if (!wn_log_enabled(WN_LOG_DEBUG) || !wn_ws_drop_admit())
        return;
    /* Undecodable: malformed (the decoder's failed check is the line
     * before, at debug level). */
    struct wn_ws_drop d = {.from = from, .len = len, .why = WN_WS_DROP_MALFORMED};
    if (decoded && rx_last.msg.pdu.type != WN_SNMP_PDU_RESPONSE &&
        rx_last.msg.pdu.type != WN_SNMP_PDU_REPORT) {
        d.why = WN_WS_DROP_NOT_REPLY;
        d.got = rx_last.msg.pdu.type;
    } else if (decoded) {
        d.why = WN_WS_DROP_BAD_ID;
        d.got = (int)rx_last.msg.pdu.request_id;
    }
    wn_ws_drop_log(&d);
}

static const struct wn_dgram_ops mgr_ops = {
    .match_key = mgr_match_key,
    .on_response = mgr_on_response,
    .on_timeout = mgr_on_timeout,
    .on_unsolicited = mgr_on_unsolicited,
    .on_stray = mgr_on_stray,
    .on_send_error = mgr_on_send_error,
    .accept = mgr_accept,
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
/* Sends job (I/O thread, locked, job not cancelled).  A one-shot send is
 * done and freed here (a failure is only logged, as nobody waits for it);
 * returns 0 then.  A request: 0 when it is on the wire (job->started), or
 * the WN_E_* failure, the job left to the caller to report. */
static int
job_start(struct wn_ws_job *job)
{
    WN_WS_ASSERT_LOCKED();
    if (job->version == WN_WS_V3 && job->expects_reply)
        return wn_ws_v3_job_start(job);
    int family = job->dreq.dest.sa.sa_family;
    int rc;
    if (!job->expects_reply) {
        struct wn_dgram_sock *sock = NULL;
        if (job->listener_idx >= 0 && wn_ws_eng.lst[job->listener_idx].used &&
            wn_ws_eng.lst[job->listener_idx].addr.ss_family == family)
            sock = wn_ws_eng.lst[job->listener_idx].sock;
        rc = 0;
        if (!sock)
            sock = mgr_sock(family, &rc);
        if (sock && job->version == WN_WS_V3)   /* pkt is its v2c form (v3agent.c) */
            rc = wn_ws_v3_send_oneshot(sock, &job->dreq.dest.sa, job->dreq.destlen, job->pkt,
                                       job->len, job->v3out);
        else if (sock)
            rc = wn_dgram_send_raw(sock, &job->dreq.dest.sa, job->dreq.destlen, job->pkt,
                                   job->len);
        if (rc < 0)
            wn_log(WN_LOG_WARN, "winsnmp", "send failed: %s", wn_strerror(rc));
        wn_ws_job_free(job);
        return 0;
    }

    struct wn_dgram_sock *sock = mgr_sock(family, &rc);
    if (rc == 0) {
        rc = job->app_reqid > 0 ? wn_dgram_key_claim(sock, &job->dreq, (uint32_t)job->app_reqid)
                                : WN_E_EXISTS;
        if (rc == WN_E_EXISTS) {
            /* Id taken on the wire by another session: use a fresh one. */
            rc = wn_dgram_key_alloc(sock, &job->dreq);
            if (rc == 0) {
                /* The same bytes with the new id (as sent: v1 forms kept). */
                uint8_t *pkt = NULL;
                size_t len = 0;
                rc = wn_ws_rekey(job->pkt, job->len, (smiINT32)job->dreq.key, &pkt, &len);
                if (rc < 0) {
                    wn_dgram_cancel(&job->dreq);
                } else {
                    wn_wipe(job->pkt, job->len);
                    wn_free(job->rekeyed);
                    job->pkt = job->rekeyed = pkt;
                    job->len = len;
                    (void)wn_ws_community_view(pkt, len, &job->community, &job->community_len);
                }
            }
        }
    }
    if (rc == 0) {
        job->dreq.pkt = job->pkt;
        job->dreq.len = job->len;
        rc = wn_dgram_send_request(&job->dreq);
    }
    if (rc == 0)
        job->started = 1;
    /* A send refused by the host (EACCES/EPERM on sendto) cannot reach the
     * destination: the transport itself is there. */
    return rc == WN_E_ACCESS ? WN_E_UNREACHABLE : rc;
}

/* Reports a request that could not be sent as its outcome, asynchronously
 * (the job was not cancelled: checked by the caller under this same lock).
 * [locked]; unlocks. */
static void
job_report_unsent(struct wn_ws_job *job, int err)
{
    struct wn_ws_session *s = NULL;
    job_end(job, &s);
    job_fail_and_unlock(job, s, err);
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
    int rc = job_start(job);
    if (rc == 0)
        wn_ws_unlock();
    else
        job_report_unsent(job, rc);
}

/* A request sent from the I/O thread that failed: reported from the loop,
 * never inside the SnmpSendMsg that made it. */
static void
unsent_on_loop(void *arg)
{
    struct wn_ws_job *job = arg;
    wn_ws_lock();
    if (job->cancelled) {   /* never started: the cancel left it to us */
        wn_ws_job_free(job);
        wn_ws_unlock();
        return;
    }
    job_report_unsent(job, job->unsent_err);
}

int
wn_ws_eng_submit(struct wn_ws_job *job)
{
    WN_WS_ASSERT_LOCKED();
    if (!wn_ws_eng.loop)
        return WN_E_STATE;
    if (!wn_evloop_in_loop(wn_ws_eng.loop))
        return wn_evloop_post(wn_ws_eng.loop, start_job_on_loop, job);
    /* On the I/O thread (a callback answering or sending on): send now,
     * no round trip through the loop's wake-up. */
    int rc = job_start(job);
    if (rc == 0)
        return 0;
    job->unsent_err = rc;
    return wn_evloop_post(wn_ws_eng.loop, unsent_on_loop, job);
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
    WN_WS_ASSERT_LOCKED();
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
    WN_WS_ASSERT_LOCKED();
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
    while (se->qhead) {
        struct wn_ws_qlink *l = se->qhead;
        se->qhead = l->next;
        wn_ws_qlink_free(l);
    }
    if (se->efd >= 0)
        close(se->efd);
    wn_free(se);
    s->engine = NULL;
}

void
wn_ws_net_entity_freeing(struct wn_ws_entity *e)
{
    WN_WS_ASSERT_LOCKED();
    if (e->listening)
        wn_ws_eng_listen_close(e->listener);
    e->listening = 0;
}

/* ------------------------------------------------------------------------
 * What engv3.c (below this file) borrows from it, through its ops.
 * ---------------------------------------------------------------------- */
static int
v3_job_end(struct wn_ws_job *job, struct wn_ws_session **s)
{
    return job_end(job, s);
}

static void
v3_job_fail_and_unlock(struct wn_ws_job *job, struct wn_ws_session *s, int err)
{
    job_fail_and_unlock(job, s, err);
}

static struct wn_dgram_sock *
v3_mgr_sock(int family, int *err)
{
    return mgr_sock(family, err);
}
