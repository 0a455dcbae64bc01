/* engine.c: the WinSNMP network engine on the I/O thread: sockets, request jobs, queues, traps, agent listeners, statistics. */
#include "engine_int.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "wsnmp_ext.h"

/* Largest number of agent + trap listener sockets at once. */
#define WN_WS_MAX_LISTENERS 1024u

struct listener {
    int used;
    int kind;                        /* 0 agent, 1 trap receiver */
    struct wn_dgram_sock *sock;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    uintptr_t session;               /* agent: the listening entity's session */
};

static struct {
    struct wn_evloop *loop;
    struct wn_dgram_sock *mgr[2];    /* manager sockets: [0] IPv4, [1] IPv6 */
    struct listener lst[WN_WS_MAX_LISTENERS];
    int trap_idx[2];                 /* listener slots of the trap port, -1 */
    int trap_open;
    uint16_t trap_port;
    uint64_t c[4];                   /* WN_WS_C_* */
    struct wn_dgram_stats closed;    /* counters of sockets already closed */
} E;

struct wn_ws_reg *wn_ws_regs;
uint32_t wn_ws_nregs;

/* Scratch for Inform acknowledgements (I/O thread only). */
static uint8_t ack_buf[WN_SNMP_MAX_MSG];

static void
add_stats(struct wn_dgram_stats *acc, const struct wn_dgram_stats *s)
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
static void
sock_close_locked(struct wn_dgram_sock *s)
{
    struct wn_dgram_stats st;
    wn_dgram_sock_stats(s, &st);
    add_stats(&E.closed, &st);
    wn_dgram_sock_close(s);
}

void
wn_ws_eng_count(int which)
{
    E.c[which]++;
}

struct wn_evloop *
wn_ws_eng_loop(void)
{
    return E.loop;
}

uint16_t
wn_ws_eng_trap_port(void)
{
    return E.trap_port;
}

/* ------------------------------------------------------------------------
 * Startup and shutdown (hooks called by startup.c).
 * ---------------------------------------------------------------------- */
int
wn_ws_net_startup(void)
{
    memset(&E, 0, sizeof E);
    E.trap_idx[0] = E.trap_idx[1] = -1;
    E.trap_port = WN_WS_DEFAULT_TRAP_PORT;
    const char *tp = getenv("WSNMP_TRAP_PORT");
    if (tp && *tp) {
        char *end;
        unsigned long v = strtoul(tp, &end, 10);
        if (*end == '\0' && v > 0 && v <= 65535)
            E.trap_port = (uint16_t)v;
    }
    wn_ws_regs = NULL;
    wn_ws_nregs = 0;
    return wn_evloop_acquire(&E.loop);
}

static void
shutdown_on_loop(void *arg)
{
    (void)arg;
    wn_ws_lock();
    for (int i = 0; i < 2; i++) {
        if (E.mgr[i])
            sock_close_locked(E.mgr[i]);
        E.mgr[i] = NULL;
    }
    for (unsigned i = 0; i < WN_WS_MAX_LISTENERS; i++) {
        if (E.lst[i].sock)
            sock_close_locked(E.lst[i].sock);
        memset(&E.lst[i], 0, sizeof E.lst[i]);
    }
    E.trap_idx[0] = E.trap_idx[1] = -1;
    E.trap_open = 0;
    wn_ws_unlock();
}

void
wn_ws_net_shutdown(void)
{
    wn_ws_lock();
    struct wn_evloop *l = E.loop;
    wn_ws_unlock();
    if (!l)
        return;
    wn_evloop_call(l, shutdown_on_loop, NULL);
    wn_evloop_release(l);
    wn_ws_lock();
    E.loop = NULL;
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
static int
session_efd(struct wn_ws_sess_eng *se)
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

static void
job_unlink(struct wn_ws_sess_eng *se, struct wn_ws_job *job)
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

/* Queues m; returns 1 when the application must be told (callback). */
static int
enqueue(struct wn_ws_session *s, struct wn_ws_qmsg *m)
{
    struct wn_ws_sess_eng *se;
    if (wn_ws_eng_session(s, &se) < 0 || se->qlen >= WN_WS_MAX_QUEUE) {
        wn_log(WN_LOG_WARN, "winsnmp", "session queue full: message dropped");
        wn_ws_qmsg_free(m);
        return 0;
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

void
wn_ws_eng_enqueue(struct wn_ws_session *s, struct wn_ws_qmsg *m)
{
    (void)enqueue(s, m);
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

static void
notify(uintptr_t session, WPARAM wp, LPARAM lp)
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
    if (job->cancelled) {                              /* the posted cancel frees it */
        wn_ws_unlock();
        return;
    }
    struct wn_ws_sess_eng *se;
    struct wn_ws_session *s = job_session(job, &se);
    job_unlink(se, job);
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
            struct wn_dgram_sock *ms = E.mgr[from->sa_family == AF_INET6 ? 1 : 0];
            m->tolen = sizeof m->to;
            if (!ms || wn_dgram_sock_name(ms, &m->to, &m->tolen) < 0)
                m->tolen = 0;
        }
        m->to_version = job->version;
        tell = enqueue(s, m);
    } else {
        wn_ws_qmsg_free(m);
    }
    wn_ws_job_free(job);
    wn_ws_unlock();
    if (tell)
        notify(sh, 0, (LPARAM)reqid);
}

static void
mgr_on_timeout(void *ctx, struct wn_dgram_req *req)
{
    (void)ctx;
    struct wn_ws_job *job = (struct wn_ws_job *)req;
    wn_ws_lock();
    if (job->cancelled) {
        wn_ws_unlock();
        return;
    }
    struct wn_ws_sess_eng *se;
    struct wn_ws_session *s = job_session(job, &se);
    job_unlink(se, job);
    uintptr_t sh = job->session;
    smiINT32 reqid = job->app_reqid;
    int tell = 0;
    struct wn_ws_qmsg *m = s ? wn_calloc(1, sizeof *m) : NULL;
    if (m) {
        m->error = SNMPAPI_TL_TIMEOUT;
        m->reqid = reqid;
        m->job = job;                     /* SnmpRecvMsg reports what failed */
        tell = enqueue(s, m);
    } else {
        wn_ws_job_free(job);
    }
    wn_ws_unlock();
    if (tell)
        notify(sh, SNMPAPI_TL_TIMEOUT, (LPARAM)reqid);
}

static void
mgr_on_unsolicited(void *ctx, struct wn_dgram_sock *sock, const uint8_t *pkt, size_t len,
                   const struct sockaddr *from, socklen_t fromlen)
{
    (void)ctx, (void)sock, (void)from, (void)fromlen;
    struct wn_snmp_msg m;
    wn_ws_lock();
    if (wn_snmp_msg_decode(pkt, len, &m) < 0)
        E.c[WN_WS_C_MALFORMED]++;
    else
        E.c[WN_WS_C_STRAY]++;   /* not a response, or a response we gave up on */
    wn_ws_unlock();
}

static const struct wn_dgram_ops mgr_ops = {
    .match_key = mgr_match_key,
    .on_response = mgr_on_response,
    .on_timeout = mgr_on_timeout,
    .on_unsolicited = mgr_on_unsolicited,
};

/* I/O thread, locked. */
static struct wn_dgram_sock *
mgr_sock(int family)
{
    int i = family == AF_INET6 ? 1 : 0;
    if (!E.mgr[i] && E.loop)
        wn_dgram_sock_open(E.loop, family, NULL, 0, &mgr_ops, NULL, &E.mgr[i]);
    return E.mgr[i];
}

/* ------------------------------------------------------------------------
 * Listener sockets: agent requests (SnmpListen) and notifications.
 * ---------------------------------------------------------------------- */
static int
lst_match_key(void *ctx, const uint8_t *pkt, size_t len, uint32_t *key)
{
    (void)ctx, (void)pkt, (void)len, (void)key;
    return -1;   /* everything is unsolicited on a listener */
}

static int
oid_has_prefix(const uint32_t *oid, size_t n, const uint32_t *prefix, size_t pn)
{
    if (n < pn)
        return 0;
    return pn == 0 || memcmp(oid, prefix, pn * sizeof *oid) == 0;
}

static int
addr_equal_noport(const struct sockaddr_storage *a, const struct sockaddr *b)
{
    if (a->ss_family != b->sa_family)
        return 0;
    if (b->sa_family == AF_INET)
        return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
                      &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
    if (b->sa_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
    return 0;
}

/* Answers an Inform with a Response carrying the same id and varbinds. */
static void
ack_inform(struct wn_dgram_sock *sock, const struct wn_snmp_msg *in, const struct sockaddr *to,
           socklen_t tolen)
{
    struct wn_snmp_msg r = *in;
    r.pdu.type = WN_SNMP_PDU_RESPONSE;
    r.pdu.error_status = 0;
    r.pdu.error_index = 0;
    const uint8_t *out;
    size_t out_len;
    if (wn_snmp_msg_encode(&r, ack_buf, sizeof ack_buf, &out, &out_len) == 0 &&
        wn_dgram_send_raw(sock, to, tolen, out, out_len) == 0)
        E.c[WN_WS_C_INFORM_ACK]++;
}

static void
lst_on_unsolicited(void *ctx, struct wn_dgram_sock *sock, const uint8_t *pkt, size_t len,
                   const struct sockaddr *from, socklen_t fromlen)
{
    int idx = (int)(intptr_t)ctx;
    uintptr_t tell[64];
    LPARAM lp[64];
    size_t ntell = 0;
    struct wn_snmp_msg m;

    wn_ws_lock();
    struct listener *L = &E.lst[idx];
    if (!L->used || L->sock != sock) {
        wn_ws_unlock();
        return;
    }
    if (wn_snmp_msg_decode(pkt, len, &m) < 0) {
        E.c[WN_WS_C_MALFORMED]++;
        wn_ws_unlock();
        return;
    }
    uint8_t t = m.pdu.type;
    if (L->kind == 0) {
        /* Agent role: requests go to the listening entity's session. */
        int ok = t == WN_SNMP_PDU_GET || t == WN_SNMP_PDU_GETNEXT ||
                 t == WN_SNMP_PDU_GETBULK || t == WN_SNMP_PDU_SET;
        struct wn_ws_session *s = wn_ws_session_get((HSNMP_SESSION)L->session);
        if (!ok || !s) {
            E.c[WN_WS_C_STRAY]++;
            wn_ws_unlock();
            return;
        }
        struct wn_ws_qmsg *q = wn_calloc(1, sizeof *q);
        if (q && (q->pkt = wn_memdup(pkt, len)) != NULL) {
            q->len = len;
            q->reqid = m.pdu.request_id;
            memcpy(&q->from, from, fromlen);
            q->fromlen = fromlen;
            q->to = L->addr;
            q->tolen = L->addrlen;
            q->to_version = m.version == WN_SNMP_V1 ? WN_WS_V1 : WN_WS_V2C;
            enqueue(s, q);
            tell[ntell] = L->session;
            lp[ntell++] = (LPARAM)m.pdu.request_id;
        } else {
            wn_ws_qmsg_free(q);
        }
        wn_ws_unlock();
        for (size_t i = 0; i < ntell; i++)
            notify(tell[i], 0, lp[i]);
        return;
    }

    /* Trap receiver. */
    if (t != WN_SNMP_PDU_TRAP_V1 && t != WN_SNMP_PDU_TRAP_V2 && t != WN_SNMP_PDU_INFORM) {
        E.c[WN_WS_C_STRAY]++;
        wn_ws_unlock();
        return;
    }
    uint32_t toid[WN_SNMP_MAX_OID_LEN + 2];
    size_t tn = 0;
    if (wn_ws_trap_oid(&m, toid, WN_ARRAY_SIZE(toid), &tn) < 0) {
        E.c[WN_WS_C_MALFORMED]++;
        wn_ws_unlock();
        return;
    }
    if (t == WN_SNMP_PDU_INFORM)
        ack_inform(sock, &m, from, fromlen);
    E.c[WN_WS_C_TRAP]++;
    for (uint32_t i = 0; i < wn_ws_nregs && ntell < WN_ARRAY_SIZE(tell); i++) {
        const struct wn_ws_reg *r = &wn_ws_regs[i];
        if (r->has_agent && !addr_equal_noport(&r->agent, from))
            continue;
        /* r->has_manager: the trap port listens on every address, so a
         * receiving-manager filter can only be checked by family. */
        if (r->has_manager && r->manager.ss_family != L->addr.ss_family)
            continue;
        if (r->community && (r->community_len != m.community_len ||
                             memcmp(r->community, m.community, m.community_len) != 0))
            continue;
        if (r->prefix && !oid_has_prefix(toid, tn, r->prefix, r->prefix_len))
            continue;
        int dup = 0;
        for (size_t k = 0; k < ntell; k++)
            dup |= tell[k] == r->session;
        if (dup)
            continue;
        struct wn_ws_session *s = wn_ws_session_get((HSNMP_SESSION)r->session);
        if (!s)
            continue;
        struct wn_ws_qmsg *q = wn_calloc(1, sizeof *q);
        if (!q || !(q->pkt = wn_memdup(pkt, len))) {
            wn_ws_qmsg_free(q);
            continue;
        }
        q->len = len;
        q->reqid = m.pdu.request_id;
        memcpy(&q->from, from, fromlen);
        q->fromlen = fromlen;
        q->to = L->addr;
        q->tolen = L->addrlen;
        q->to_version = m.version == WN_SNMP_V1 ? WN_WS_V1 : WN_WS_V2C;
        /* Window-mode sessions only get their fd signalled: notify()
         * then does nothing for them. */
        enqueue(s, q);
        tell[ntell] = r->session;
        lp[ntell++] = (LPARAM)m.pdu.request_id;
    }
    wn_ws_unlock();
    for (size_t i = 0; i < ntell; i++)
        notify(tell[i], 0, lp[i]);
}

/* Listeners send no requests, so these never run; the dgram layer wants
 * every socket to have them. */
static void
lst_on_response(void *ctx, struct wn_dgram_req *req, const uint8_t *pkt, size_t len,
                const struct sockaddr *from, socklen_t fromlen)
{
    (void)ctx, (void)req, (void)pkt, (void)len, (void)from, (void)fromlen;
}

static void
lst_on_timeout(void *ctx, struct wn_dgram_req *req)
{
    (void)ctx, (void)req;
}

static const struct wn_dgram_ops lst_ops = {
    .match_key = lst_match_key,
    .on_response = lst_on_response,
    .on_timeout = lst_on_timeout,
    .on_unsolicited = lst_on_unsolicited,
};

struct listen_call {
    const struct sockaddr *sa;
    socklen_t salen;
    int kind;
    int idx;
    int rc;
};

static void
listen_on_loop(void *arg)
{
    struct listen_call *c = arg;
    wn_ws_lock();
    c->rc = WN_E_LIMIT;
    for (unsigned i = 0; i < WN_WS_MAX_LISTENERS; i++) {
        if (E.lst[i].used || E.lst[i].sock)
            continue;
        struct wn_dgram_sock *sock = NULL;
        c->rc = E.loop ? wn_dgram_sock_open(E.loop, c->sa->sa_family, c->sa, c->salen, &lst_ops,
                                            (void *)(intptr_t)i, &sock)
                       : WN_E_STATE;
        if (c->rc == 0) {
            E.lst[i].used = 1;
            E.lst[i].kind = c->kind;
            E.lst[i].sock = sock;
            socklen_t l = sizeof E.lst[i].addr;
            if (wn_dgram_sock_name(sock, &E.lst[i].addr, &l) < 0) {
                memcpy(&E.lst[i].addr, c->sa, c->salen);
                l = c->salen;
            }
            E.lst[i].addrlen = l;
            c->idx = (int)i;
        }
        break;
    }
    wn_ws_unlock();
}

int
wn_ws_eng_listen_open(const struct sockaddr *sa, socklen_t salen, int kind, int *idx)
{
    wn_ws_lock();
    struct wn_evloop *l = E.loop;
    wn_ws_unlock();
    if (!l)
        return WN_E_STATE;
    struct listen_call c = {sa, salen, kind, -1, 0};
    int rc = wn_evloop_call(l, listen_on_loop, &c);
    if (rc < 0)
        return rc;
    *idx = c.idx;
    return c.rc;
}

static void
slot_free_on_loop(void *arg)
{
    /* The slot stays reserved (sock != NULL) until its socket is closed,
     * so a new listener never reuses a slot a late datagram points at. */
    int idx = (int)(intptr_t)arg;
    wn_ws_lock();
    if (E.lst[idx].sock && E.loop)
        sock_close_locked(E.lst[idx].sock);
    memset(&E.lst[idx], 0, sizeof E.lst[idx]);
    wn_ws_unlock();
}

void
wn_ws_eng_listen_close(int idx)
{
    if (idx < 0 || (unsigned)idx >= WN_WS_MAX_LISTENERS || !E.lst[idx].used)
        return;
    E.lst[idx].used = 0;
    if (!E.loop || wn_evloop_post(E.loop, slot_free_on_loop, (void *)(intptr_t)idx) < 0)
        memset(&E.lst[idx], 0, sizeof E.lst[idx]);
}

void
wn_ws_eng_listen_set_session(int idx, uintptr_t session)
{
    if (idx >= 0 && (unsigned)idx < WN_WS_MAX_LISTENERS)
        E.lst[idx].session = session;
}

static int
is_wildcard_with_port(const struct sockaddr_storage *l, const struct sockaddr_storage *a)
{
    if (l->ss_family != a->ss_family)
        return 0;
    if (l->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)l, *y = (const void *)a;
        return x->sin_addr.s_addr == htonl(INADDR_ANY) && x->sin_port == y->sin_port;
    }
    if (l->ss_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const void *)l, *y = (const void *)a;
        return IN6_IS_ADDR_UNSPECIFIED(&x->sin6_addr) && x->sin6_port == y->sin6_port;
    }
    return 0;
}

int
wn_ws_eng_listener_of(const struct wn_ws_entity *e)
{
    if (!e)
        return -1;
    if (e->listening && e->engine)
        return (int)((intptr_t)e->engine - 1);
    /* Not the listening handle itself (e.g. the destination entity that
     * SnmpRecvMsg made for a request): an agent socket bound to the same
     * address and port, or to the wildcard with that port. */
    for (unsigned i = 0; i < WN_WS_MAX_LISTENERS; i++) {
        const struct listener *L = &E.lst[i];
        if (!L->used || L->kind != 0)
            continue;
        if (wn_sockaddr_equal((const struct sockaddr *)&L->addr, (const struct sockaddr *)&e->addr) ||
            is_wildcard_with_port(&L->addr, &e->addr))
            return (int)i;
    }
    return -1;
}

int
wn_ws_eng_trap_port_open(void)
{
    wn_ws_lock();
    if (E.trap_open) {
        wn_ws_unlock();
        return 0;
    }
    uint16_t port = E.trap_port;
    wn_ws_unlock();
    struct sockaddr_in a4;
    memset(&a4, 0, sizeof a4);
    a4.sin_family = AF_INET;
    a4.sin_port = htons(port);
    a4.sin_addr.s_addr = htonl(INADDR_ANY);
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(port);
    a6.sin6_addr = in6addr_any;
    int i4 = -1, i6 = -1;
    int rc = wn_ws_eng_listen_open((struct sockaddr *)&a4, sizeof a4, 1, &i4);
    if (rc < 0)
        return rc;
    /* IPv6 is best effort: a host without it still gets IPv4 traps. */
    if (wn_ws_eng_listen_open((struct sockaddr *)&a6, sizeof a6, 1, &i6) < 0)
        i6 = -1;
    wn_ws_lock();
    if (E.trap_open) {            /* another thread won the race */
        wn_ws_eng_listen_close(i4);
        wn_ws_eng_listen_close(i6);
    } else {
        E.trap_idx[0] = i4;
        E.trap_idx[1] = i6;
        E.trap_open = 1;
    }
    wn_ws_unlock();
    return 0;
}

void
wn_ws_eng_trap_port_release(void)
{
    if (wn_ws_nregs || !E.trap_open)
        return;
    wn_ws_eng_listen_close(E.trap_idx[0]);
    wn_ws_eng_listen_close(E.trap_idx[1]);
    E.trap_idx[0] = E.trap_idx[1] = -1;
    E.trap_open = 0;
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
    if (job->cancelled || !E.loop) {
        wn_ws_job_free(job);
        wn_ws_unlock();
        return;
    }
    int family = job->dreq.dest.ss_family;
    int rc;
    if (!job->expects_reply) {
        struct wn_dgram_sock *sock = NULL;
        if (job->listener_idx >= 0 && E.lst[job->listener_idx].used &&
            E.lst[job->listener_idx].addr.ss_family == family)
            sock = E.lst[job->listener_idx].sock;
        if (!sock)
            sock = mgr_sock(family);
        rc = sock ? wn_dgram_send_raw(sock, (struct sockaddr *)&job->dreq.dest,
                                      job->dreq.destlen, job->pkt, job->len)
                  : WN_E_IO;
        if (rc < 0)
            wn_log(WN_LOG_WARN, "winsnmp", "send failed: %s", wn_strerror(rc));
        wn_ws_job_free(job);
        wn_ws_unlock();
        return;
    }

    struct wn_dgram_sock *sock = mgr_sock(family);
    rc = sock ? 0 : WN_E_IO;
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
    /* Report the failure asynchronously, as the request's outcome. */
    struct wn_ws_sess_eng *se;
    struct wn_ws_session *s = job_session(job, &se);
    job_unlink(se, job);
    uintptr_t sh = job->session;
    smiINT32 reqid = job->app_reqid;
    smiUINT32 code = map_send_err(rc);
    int tell = 0;
    struct wn_ws_qmsg *m = s ? wn_calloc(1, sizeof *m) : NULL;
    if (m) {
        m->error = code;
        m->reqid = reqid;
        m->job = job;
        tell = enqueue(s, m);
    } else {
        wn_ws_job_free(job);
    }
    wn_ws_unlock();
    if (tell)
        notify(sh, code, (LPARAM)reqid);
}

int
wn_ws_eng_submit(struct wn_ws_job *job)
{
    if (!E.loop)
        return WN_E_STATE;
    return wn_evloop_post(E.loop, start_job_on_loop, job);
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
    if (!E.loop || wn_evloop_post(E.loop, cancel_on_loop, job) < 0) {
        /* No loop any more: its sockets were closed, which released the
         * request silently, so the job can go now. */
        if (!E.loop)
            wn_ws_job_free(job);
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
        job_unlink(se, job);
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

/* ------------------------------------------------------------------------
 * Extensions (wsnmp_ext.h).
 * ---------------------------------------------------------------------- */
struct stats_call {
    struct wn_wsnmp_stats out;
};

static void
stats_on_loop(void *arg)
{
    struct stats_call *c = arg;
    wn_ws_lock();
    struct wn_dgram_stats acc = E.closed;
    for (int i = 0; i < 2; i++) {
        if (E.mgr[i]) {
            struct wn_dgram_stats st;
            wn_dgram_sock_stats(E.mgr[i], &st);
            add_stats(&acc, &st);
        }
    }
    for (unsigned i = 0; i < WN_WS_MAX_LISTENERS; i++) {
        if (E.lst[i].sock) {
            struct wn_dgram_stats st;
            wn_dgram_sock_stats(E.lst[i].sock, &st);
            add_stats(&acc, &st);
        }
    }
    c->out.rx = acc.rx;
    c->out.tx = acc.tx;
    c->out.retransmits = acc.retransmits;
    c->out.timeouts = acc.timeouts;
    c->out.dropped_malformed = E.c[WN_WS_C_MALFORMED] + acc.rx_errors;
    c->out.dropped_stray = E.c[WN_WS_C_STRAY] + acc.stray;
    c->out.traps_received = E.c[WN_WS_C_TRAP];
    c->out.informs_acked = E.c[WN_WS_C_INFORM_ACK];
    wn_ws_unlock();
}

void
wn_wsnmp_get_stats(struct wn_wsnmp_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    wn_ws_lock();
    struct wn_evloop *l = wn_ws_ready() ? E.loop : NULL;
    wn_ws_unlock();
    if (!l)
        return;
    struct stats_call c;
    memset(&c, 0, sizeof c);
    if (wn_evloop_call(l, stats_on_loop, &c) == 0)
        *out = c.out;
}

SNMPAPI_STATUS SNMPAPI_CALL
wn_wsnmp_set_trap_port(smiUINT32 port)
{
    WN_WS_ENTER();
    if (port == 0 || port > 65535)
        return wn_ws_unlock_fail(NULL, SNMPAPI_TL_INVALID_PARAM);
    E.trap_port = (uint16_t)port;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

int
wn_wsnmp_session_fd(HSNMP_SESSION session)
{
    wn_ws_lock();
    if (!wn_ws_ready()) {
        wn_ws_unlock_fail(NULL, SNMPAPI_NOT_INITIALIZED);
        return -1;
    }
    struct wn_ws_session *s = wn_ws_session_get(session);
    struct wn_ws_sess_eng *se;
    if (!s) {
        wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        return -1;
    }
    int rc = wn_ws_eng_session(s, &se);
    if (rc < 0) {
        wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_TL_RESOURCE_ERROR));
        return -1;
    }
    int fd = session_efd(se);
    if (fd < 0) {
        wn_ws_unlock_fail(s, SNMPAPI_TL_RESOURCE_ERROR);
        return -1;
    }
    wn_ws_unlock();
    return fd;
}

SNMPAPI_STATUS SNMPAPI_CALL
wn_wsnmp_wait(HSNMP_SESSION session, smiUINT32 timeout_ms)
{
    uint64_t deadline = wn_clock_ms() + timeout_ms;
    for (;;) {
        WN_WS_ENTER();
        struct wn_ws_session *s = wn_ws_session_get(session);
        if (!s)
            return wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        struct wn_ws_sess_eng *se;
        int rc = wn_ws_eng_session(s, &se);
        if (rc < 0)
            return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_TL_RESOURCE_ERROR));
        int fd = session_efd(se);
        if (fd < 0)
            return wn_ws_unlock_fail(s, SNMPAPI_TL_RESOURCE_ERROR);
        int queued = se->qlen > 0;
        wn_ws_unlock();
        if (queued)
            return SNMPAPI_SUCCESS;
        uint64_t now = wn_clock_ms();
        if (now >= deadline)
            return SNMPAPI_NOOP;
        /* Short slices: a session closed meanwhile is noticed quickly. */
        uint64_t left = deadline - now;
        struct pollfd p = {fd, POLLIN, 0};
        (void)poll(&p, 1, (int)(left > 100 ? 100 : left));
    }
}
