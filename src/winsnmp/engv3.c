/* engv3.c: SNMPv3 requests on the I/O thread: each job runs a wn_usm_exchange, one discovery per agent address is shared by the jobs waiting for it, agents are cached per address, replies are matched by msgID (docs/snmpv3.md). */
#include "engv3.h"
#include "usmuser.h"
#include "v3int.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------
 * State.  Everything here belongs to the I/O thread and is used under the
 * one WinSNMP lock.
 * ---------------------------------------------------------------------- */
struct v3peer;

/* A v3 job's own state (job->v3). */
struct v3job {
    struct wn_usm_exchange x;
    struct wn_ws_user *user;         /* counted reference */
    struct v3peer *peer;             /* counted (refs), once started */
    struct v3job *wait_next;         /* the peer's FIFO of waiting jobs */
    struct wn_ws_job *job;           /* back pointer */
    int waiting;
    int32_t msg_ids;                 /* the exchange's msgID source: the dgram key */
    struct wn_snmp_msg req;          /* job->pkt decoded (views into it) */
    uint8_t ctx_engine_id[WN_USM_MAX_ENGINE_ID];
    size_t ctx_engine_id_len;
    uint8_t engine_id[WN_USM_MAX_ENGINE_ID];   /* the entity's engineid=, or none */
    size_t engine_id_len;
    size_t buf_cap;
    uint8_t buf[];                   /* where the exchange encodes */
};

/* What is known of one agent address. */
struct v3peer {
    struct wn_usm_peer up;
    union wn_sockaddr_in46 addr;
    socklen_t addrlen;
    struct v3job *wait_head, *wait_tail;
    int discovery_failed;            /* WN_E_* for the waiters of a failed discovery */
    int kick_posted;
    uint32_t refs;                   /* jobs using it, plus a posted kick */
    uint64_t used_ms;
    struct v3peer *next;             /* hash chain */
};

static struct {
    const struct wn_ws_v3_eng_ops *ops;
    struct v3peer *bucket[WN_WS_V3_ENGINE_BUCKETS];
    uint32_t npeers;
    struct wn_usm_salt salt;
    int salt_ready;
    /* Plaintext in and out (I/O thread only), wiped after each use:
     * scratch_used is how much of scratch the last step's decryption
     * filled (wn_usm_encode leaves scratch as it found it). */
    uint8_t scratch[WN_SNMP_MAX_MSG];
    size_t scratch_used;
    uint8_t plain[WN_SNMP_MAX_MSG];
} v3;

/* Wipes what the last exchange step left in scratch: a decrypted
 * ScopedPDU, at its start. */
static void
scratch_wipe(void)
{
    wn_wipe(v3.scratch, v3.scratch_used);
    v3.scratch_used = 0;
}

/* The bytes of scratch that the decryption of x->in filled, if any. */
static size_t
decrypted_len(const struct wn_usm_exchange *x)
{
    if (!(x->in.msg.flags & WN_SNMP_V3_FLAG_PRIV))
        return 0;
    return x->in.msg.encrypted_len < sizeof v3.scratch ? x->in.msg.encrypted_len
                                                       : sizeof v3.scratch;
}

int
wn_ws_v3_scratch_clear(void)
{
    WN_WS_ASSERT_LOCKED();
    for (size_t i = 0; i < sizeof v3.scratch; i++)
        if (v3.scratch[i] || v3.plain[i])
            return 0;
    return 1;
}

void
wn_ws_v3_set_ops(const struct wn_ws_v3_eng_ops *ops)
{
    WN_WS_ASSERT_LOCKED();
    v3.ops = ops;
}

/* ------------------------------------------------------------------------
 * The engine cache.
 * ---------------------------------------------------------------------- */
static uint32_t
addr_hash(const union wn_sockaddr_in46 *a)
{
    uint32_t h = 2166136261u;
    const uint8_t *p;
    size_t n;
    if (a->sa.sa_family == AF_INET6) {
        p = (const uint8_t *)&a->sin6.sin6_addr;
        n = sizeof a->sin6.sin6_addr;
        h = (h ^ a->sin6.sin6_port) * 16777619u;
    } else {
        p = (const uint8_t *)&a->sin.sin_addr;
        n = sizeof a->sin.sin_addr;
        h = (h ^ a->sin.sin_port) * 16777619u;
    }
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h % WN_WS_V3_ENGINE_BUCKETS;
}

static void
peer_unlink_free(struct v3peer *p)
{
    struct v3peer **pp = &v3.bucket[addr_hash(&p->addr)];
    while (*pp && *pp != p)
        pp = &(*pp)->next;
    if (*pp)
        *pp = p->next;
    v3.npeers--;
    wn_wipe(p, sizeof *p);
    wn_free(p);
}

/* Makes room when the cache is full: forgets the unused agent used
 * longest ago.  WN_E_LIMIT when every cached agent is in use. */
static int
peer_evict(void)
{
    struct v3peer *old = NULL;
    for (uint32_t b = 0; b < WN_WS_V3_ENGINE_BUCKETS; b++)
        for (struct v3peer *p = v3.bucket[b]; p; p = p->next)
            if (!p->refs && (!old || p->used_ms < old->used_ms))
                old = p;
    if (!old)
        return WN_E_LIMIT;
    peer_unlink_free(old);
    return 0;
}

/* The agent at addr, made when unknown (or idle too long); a new
 * reference.  0, WN_E_NOMEM or WN_E_LIMIT. */
static int
peer_get(const union wn_sockaddr_in46 *addr, socklen_t addrlen, uint64_t now,
         struct v3peer **out)
{
    uint32_t b = addr_hash(addr);
    for (struct v3peer *p = v3.bucket[b]; p; p = p->next) {
        if (!wn_sockaddr_equal(&p->addr.sa, &addr->sa))
            continue;
        if (!p->refs && now - p->used_ms > WN_WS_V3_ENGINE_IDLE_MS) {
            peer_unlink_free(p);        /* forgotten: discover it again */
            break;
        }
        p->refs++;
        p->used_ms = now;
        *out = p;
        return 0;
    }
    if (v3.npeers >= WN_WS_V3_MAX_ENGINES) {
        int rc = peer_evict();
        if (rc < 0)
            return rc;
    }
    struct v3peer *p = wn_calloc(1, sizeof *p);
    if (!p)
        return WN_E_NOMEM;
    memcpy(&p->addr, addr, addrlen);
    p->addrlen = addrlen;
    p->refs = 1;
    p->used_ms = now;
    p->next = v3.bucket[b];
    v3.bucket[b] = p;
    v3.npeers++;
    *out = p;
    return 0;
}

/* Drops a reference; once the engine has stopped (SnmpCleanup), the
 * last one frees the agent. */
static void
peer_put(struct v3peer *p)
{
    if (!p)
        return;
    if (p->refs)
        p->refs--;
    if (!p->refs && !wn_ws_eng_loop())
        peer_unlink_free(p);
}

int
wn_ws_v3_salt(struct wn_usm_salt **out)
{
    WN_WS_ASSERT_LOCKED();
    if (!v3.salt_ready) {
        int rc = wn_usm_salt_init(&v3.salt);
        if (rc < 0)
            return rc;
        v3.salt_ready = 1;
    }
    *out = &v3.salt;
    return 0;
}

int
wn_ws_v3_engine_cached(const struct sockaddr *addr, socklen_t addrlen, struct wn_usm_engine *out)
{
    WN_WS_ASSERT_LOCKED();
    union wn_sockaddr_in46 a;
    if (addrlen > sizeof a)
        return WN_E_NOTFOUND;
    memset(&a, 0, sizeof a);
    memcpy(&a, addr, addrlen);
    uint64_t now = wn_clock_ms();
    for (struct v3peer *p = v3.bucket[addr_hash(&a)]; p; p = p->next) {
        if (!wn_sockaddr_equal(&p->addr.sa, &a.sa))
            continue;
        /* Forgotten when idle too long, as peer_get would. */
        if (!p->up.engine.id_len || (!p->refs && now - p->used_ms > WN_WS_V3_ENGINE_IDLE_MS))
            return WN_E_NOTFOUND;
        *out = p->up.engine;
        return 0;
    }
    return WN_E_NOTFOUND;
}

void
wn_ws_v3_shutdown(void)
{
    WN_WS_ASSERT_LOCKED();
    for (uint32_t b = 0; b < WN_WS_V3_ENGINE_BUCKETS; b++) {
        struct v3peer *p = v3.bucket[b];
        while (p) {
            struct v3peer *next = p->next;
            if (!p->refs)
                peer_unlink_free(p);    /* the others go with their last job */
            p = next;
        }
    }
}

/* ------------------------------------------------------------------------
 * Jobs.
 * ---------------------------------------------------------------------- */
static void
fifo_remove(struct v3job *vj)
{
    struct v3peer *p = vj->peer;
    if (!vj->waiting || !p)
        return;
    struct v3job **pp = &p->wait_head, *prev = NULL;
    while (*pp && *pp != vj) {
        prev = *pp;
        pp = &(*pp)->wait_next;
    }
    if (*pp) {
        *pp = vj->wait_next;
        if (p->wait_tail == vj)
            p->wait_tail = prev;
    }
    vj->wait_next = NULL;
    vj->waiting = 0;
}

static void kick_post(struct v3peer *p);

/* The job leaves its exchange: no discovery held, out of the FIFO; the
 * peer's waiters are started again when nobody discovers it any more. */
static void
detach(struct v3job *vj)
{
    fifo_remove(vj);
    wn_usm_exchange_abort(&vj->x);
    if (vj->peer && vj->peer->wait_head && !vj->peer->up.discovering)
        kick_post(vj->peer);
    peer_put(vj->peer);
    vj->peer = NULL;
}

static void
v3job_free(struct wn_ws_job *job)
{
    struct v3job *vj = job->v3;
    if (!vj)
        return;
    detach(vj);
    wn_ws_user_put(vj->user);
    wn_wipe(vj, offsetof(struct v3job, buf) + vj->buf_cap);
    wn_free(vj);
    job->v3 = NULL;
}

void
wn_ws_v3_context_name(const struct wn_ws_context *ctx, const uint8_t **name, uint32_t *len)
{
    size_t plen = strlen(WN_USM_ENTITY_PREFIX);
    *name = ctx->community;
    *len = ctx->len;
    if (!ctx->name && ctx->len >= plen
        && !strncasecmp((const char *)ctx->community, WN_USM_ENTITY_PREFIX, plen)) {
        *name += plen;
        *len -= (uint32_t)plen;
    }
}

int
wn_ws_v3_job_init(struct wn_ws_job *job, const struct wn_ws_entity *dst,
                  const struct wn_ws_context *ctx)
{
    WN_WS_ASSERT_LOCKED();
    if (!dst->user)
        return WN_E_INVAL;
    size_t cap = job->len + WN_WS_V3_OVERHEAD;
    struct v3job *vj = wn_calloc(1, offsetof(struct v3job, buf) + cap);
    if (!vj)
        return WN_E_NOMEM;
    vj->buf_cap = cap;
    vj->job = job;
    vj->user = dst->user;
    wn_ws_user_hold(vj->user);
    vj->x.level = dst->level;
    const uint8_t *ce;
    size_t cel;
    wn_ws_v3_ctx_engine_id(dst, ctx, &ce, &cel);
    memcpy(vj->ctx_engine_id, ce, cel);
    vj->ctx_engine_id_len = cel;
    memcpy(vj->engine_id, dst->engine_id, dst->engine_id_len);
    vj->engine_id_len = dst->engine_id_len;
    job->v3 = vj;
    job->v3_free = v3job_free;
    return 0;
}

/* Ends job with err (one notification, unless cancelled).  [locked];
 * unlocks. */
static void
job_fail(struct wn_ws_job *job, int err)
{
    if (job->v3)
        detach(job->v3);
    struct wn_ws_session *s = NULL;
    if (v3.ops->job_end(job, &s)) {
        wn_ws_unlock();
        return;
    }
    v3.ops->job_fail_and_unlock(job, s, err);
}

/* The response (x->in.scoped) to the job's session as a message in v2c
 * form, its community the context name, with the request's handles.
 * [locked]; unlocks. */
static void
job_done(struct wn_ws_job *job, const struct sockaddr *from, socklen_t fromlen)
{
    struct v3job *vj = job->v3;
    const struct wn_snmp_scoped_pdu *sc = &vj->x.in.scoped;
    struct wn_snmp_msg m = {
        .version = WN_SNMP_V2C, .community = sc->context_name,
        .community_len = sc->context_name_len, .pdu = sc->pdu,
    };
    const uint8_t *out = NULL;
    size_t len = 0;
    int rc = wn_snmp_msg_encode(&m, v3.plain, sizeof v3.plain, &out, &len);
    struct wn_ws_qmsg *q = rc == 0 ? wn_ws_qmsg_new(out, len) : NULL;
    scratch_wipe();
    if (rc == 0)
        wn_wipe((uint8_t *)out, len);
    else    /* part of it may be anywhere in plain (rare: too big) */
        wn_wipe(v3.plain, sizeof v3.plain);
    if (!q) {
        job_fail(job, rc < 0 ? rc : WN_E_NOMEM);
        return;
    }
    q->secret = 1;
    detach(vj);
    struct wn_ws_session *s = NULL;
    int cancelled = v3.ops->job_end(job, &s);   /* 1: leave the job alone */
    if (cancelled || !s) {
        if (!cancelled)
            wn_ws_job_free(job);
        wn_ws_qmsg_free(q);
        wn_ws_unlock();
        return;
    }
    uintptr_t sh = job->session;
    smiINT32 reqid = job->app_reqid;
    q->reqid = reqid;
    memcpy(&q->from, from, fromlen);
    q->fromlen = fromlen;
    if (job->srclen) {
        memcpy(&q->to, &job->src, job->srclen);
        q->tolen = job->srclen;
    }
    q->to_version = WN_WS_V3;
    q->h_src = job->h_src;
    q->h_dst = job->h_dst;
    q->h_ctx = job->h_ctx;
    rc = wn_ws_eng_enqueue(s, q);    /* takes q */
    if (rc < 0) {
        v3.ops->job_fail_and_unlock(job, s, rc);
        return;
    }
    wn_ws_job_free(job);
    wn_ws_unlock();
    wn_ws_eng_notify(sh, 0, (LPARAM)reqid);
}

enum { RUN_START, RUN_REPLY, RUN_TIMEOUT };

/* One step of the job's exchange.  0 when the job goes on (sent or
 * waiting), else the WN_E_* it ends with (the caller reports it).
 * For RUN_REPLY, DONE gives 1: the caller delivers the response. */
static int
run(struct wn_ws_job *job, int kind, const uint8_t *pkt, size_t len)
{
    struct v3job *vj = job->v3;
    struct v3peer *p = vj->peer;
    int err = 0;
    struct wn_dgram_sock *sock = v3.ops->mgr_sock(job->dreq.dest.sa.sa_family, &err);
    if (!sock)
        return err ? err : WN_E_IO;
    /* The next message's msgID is the wire key the dgram layer gives. */
    err = wn_dgram_key_alloc(sock, &job->dreq);
    if (err < 0)
        return err;
    vj->msg_ids = (int32_t)job->dreq.key;
    uint64_t now = wn_clock_ms();
    int was_discovering = p->up.discovering == &vj->x;
    int step = kind == RUN_START  ? wn_usm_exchange_start(&vj->x, now)
               : kind == RUN_REPLY ? wn_usm_exchange_reply(&vj->x, pkt, len, now)
                                   : wn_usm_exchange_timeout(&vj->x, now);
    /* A decrypted reply is in scratch: gone now (that of a DONE is wiped
     * by job_done); encoding left nothing there. */
    if (kind == RUN_REPLY)
        v3.scratch_used = decrypted_len(&vj->x);
    if (step != WN_USM_STEP_DONE)
        scratch_wipe();
    if (step != WN_USM_STEP_SEND)
        wn_dgram_cancel(&job->dreq);
    switch (step) {
    case WN_USM_STEP_SEND:
        job->dreq.pkt = vj->x.out;
        job->dreq.len = vj->x.out_len;
        err = wn_dgram_send_request(&job->dreq);
        if (err == WN_E_ACCESS)
            err = WN_E_UNREACHABLE;
        if (err == 0)
            job->started = 1;
        break;
    case WN_USM_STEP_WAIT:
        vj->waiting = 1;
        vj->wait_next = NULL;
        if (p->wait_tail)
            p->wait_tail->wait_next = vj;
        else
            p->wait_head = vj;
        p->wait_tail = vj;
        job->started = 1;
        break;
    case WN_USM_STEP_DONE:
        err = 1;
        break;
    case WN_USM_STEP_FAIL:
        err = vj->x.err < 0 ? vj->x.err : WN_E_PROTOCOL;
        /* A discovery that timed out ends its waiters the same way. */
        if (was_discovering && err == WN_E_TIMEOUT && p->wait_head)
            p->discovery_failed = err;
        break;
    default:   /* IGNORE (accept checked the msgID) or an argument error */
        err = step < 0 ? step : WN_E_PROTOCOL;
        break;
    }
    if (err)
        wn_usm_exchange_abort(&vj->x);
    if (p->wait_head && !p->up.discovering)
        kick_post(p);
    return err;
}

/* Starts the jobs waiting for p's discovery (posted: a start may end a
 * job, which unlocks to notify). */
static void
kick_on_loop(void *arg)
{
    struct v3peer *p = arg;
    wn_ws_lock();
    p->kick_posted = 0;
    /* SnmpCleanup has begun (its sockets are closed): the waiting jobs go
     * with their sessions, unstarted. */
    while (wn_ws_ready() && p->wait_head && !p->up.discovering) {
        struct v3job *vj = p->wait_head;
        p->wait_head = vj->wait_next;
        if (!p->wait_head)
            p->wait_tail = NULL;
        vj->wait_next = NULL;
        vj->waiting = 0;
        struct wn_ws_job *job = vj->job;
        if (job->cancelled) {
            /* Its cancel frees it (or, orphaned, nobody else will). */
            if (job->orphaned)
                wn_ws_job_free(job);
            continue;
        }
        int rc = p->discovery_failed ? p->discovery_failed : run(job, RUN_START, NULL, 0);
        if (rc) {
            job_fail(job, rc);          /* unlocks */
            wn_ws_lock();
        }
    }
    p->discovery_failed = 0;
    peer_put(p);                        /* the kick's reference */
    wn_ws_unlock();
}

static void
kick_post(struct v3peer *p)
{
    struct wn_evloop *l = wn_ws_eng_loop();
    if (p->kick_posted || !l)
        return;
    p->refs++;
    if (wn_evloop_post(l, kick_on_loop, p) < 0) {
        p->refs--;
        wn_log(WN_LOG_WARN, "winsnmp", "out of memory: v3 requests wait for their agent's "
                                       "next discovery");
        return;
    }
    p->kick_posted = 1;
}

/* ------------------------------------------------------------------------
 * Diagnostics: WN_LOG=debug, one line per event of an exchange (never on
 * the path of an answered request to a known engine, and nothing is
 * formatted below debug).  Names and addresses only: no secret.
 * ---------------------------------------------------------------------- */
static void
v3_event(const struct wn_usm_exchange *x, enum wn_usm_event ev, int err, const char *what)
{
    if (!wn_log_enabled(WN_LOG_DEBUG))
        return;
    const struct v3job *vj = (const struct v3job *)((const char *)x - offsetof(struct v3job, x));
    const struct wn_dgram_req *dr = &vj->job->dreq;
    const struct wn_usm_engine *e = &x->peer->engine;
    /* A user name may hold any byte: '?' for those outside printable
     * ASCII, so that one event stays one line. */
    char user[WN_USM_MAX_USER_NAME + 1];
    size_t n = x->user->name_len < WN_USM_MAX_USER_NAME ? x->user->name_len
                                                        : WN_USM_MAX_USER_NAME;
    for (size_t i = 0; i < n; i++)
        user[i] = x->user->name[i] >= 0x20 && x->user->name[i] < 0x7f ? x->user->name[i] : '?';
    user[n] = '\0';
    char at[WN_SOCKADDR_STRLEN], id[2 * WN_USM_MAX_ENGINE_ID + 3];
    if (wn_sockaddr_format(&dr->dest.sa, at, sizeof at, 1) < 0)
        snprintf(at, sizeof at, "?");
    wn_ws_v3_hex_format(e->id, e->id_len, id, sizeof id);
    const char *meaning = NULL, *counter;
    switch (ev) {
    case WN_USM_EV_DISCOVER:
        wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 engine discovery of %s started (user %s)", at,
               user);
        break;
    case WN_USM_EV_DISCOVERED:
        wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 engine of %s discovered: engine ID %s, boots %u, "
               "time %u (unauthenticated report)", at, id, (unsigned)x->in.sp.boots,
               (unsigned)x->in.sp.time);
        break;
    case WN_USM_EV_TIME_SYNCED:
        wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 time of %s synchronised (user %s): engine ID %s, "
               "boots %u, time %u", at, user, id, (unsigned)e->boots, (unsigned)e->time);
        break;
    case WN_USM_EV_REPORT:
        counter = wn_usm_report_counter(&x->in.scoped.pdu, &meaning);
        wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 report from %s for user %s: %s%s%s%s", at, user,
               counter, meaning ? " (" : "", meaning ? meaning : "", meaning ? ")" : "");
        break;
    case WN_USM_EV_RESYNC:
        wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 notInTimeWindow resync with %s (user %s): boots "
               "%u, time %u; resending the request once", at, user, (unsigned)e->boots,
               (unsigned)e->time);
        break;
    case WN_USM_EV_REDISCOVER:
        wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 rediscovery of %s (user %s): engine ID %s is no "
               "longer the agent's", at, user, id);
        break;
    case WN_USM_EV_DIAG_AUTH:
        wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 authPriv request to %s (user %s) unanswered after "
               "%u retries: wrong-priv diagnosis, sending an authNoPriv probe", at, user,
               (unsigned)dr->retries);
        break;
    case WN_USM_EV_DIAG_PRIV:
        wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 wrong-priv diagnosis of %s (user %s): the "
               "authNoPriv probe was answered (engine, user, auth key and clock are right), "
               "sending an authPriv probe", at, user);
        break;
    case WN_USM_EV_DIAGNOSED:
        wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 wrong-priv diagnosis of %s (user %s): %s", at,
               user, what);
        break;
    case WN_USM_EV_DROPPED:
        wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 reply from %s (user %s) dropped: its %s does not "
               "match the request", at, user, what);
        break;
    case WN_USM_EV_FAILED:
        if (err == WN_E_TIMEOUT)
            wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 %s to %s (user %s): no answer after %u "
                   "retries of %u ms", what, at, user, (unsigned)dr->retries,
                   (unsigned)dr->timeout_ms);
        else
            wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 %s to %s (user %s) failed: %s", what, at,
                   user, wn_strerror(err));
        break;
    }
}

int
wn_ws_v3_job_start(struct wn_ws_job *job)
{
    WN_WS_ASSERT_LOCKED();
    struct v3job *vj = job->v3;
    if (!vj || !v3.ops)
        return WN_E_STATE;
    struct wn_usm_salt *salt;
    int rc = wn_ws_v3_salt(&salt);
    if (rc < 0)
        return rc;
    rc = wn_snmp_msg_decode(job->pkt, job->len, &vj->req);
    if (rc < 0)
        return rc;
    rc = peer_get(&job->dreq.dest, job->dreq.destlen, wn_clock_ms(), &vj->peer);
    if (rc < 0)
        return rc;
    if (vj->engine_id_len && !vj->peer->up.engine.id_len && !vj->peer->up.discovering)
        (void)wn_usm_engine_set_id(&vj->peer->up.engine, vj->engine_id, vj->engine_id_len);
    struct wn_usm_exchange *x = &vj->x;
    x->on_event = v3_event;
    x->peer = &vj->peer->up;
    x->user = &vj->user->usm;
    x->salt = salt;
    x->msg_ids = &vj->msg_ids;
    x->max_size = WN_SNMP_MAX_MSG;
    x->pdu = &vj->req.pdu;
    x->context_name = vj->req.community;
    x->context_name_len = vj->req.community_len;
    x->context_engine_id = vj->ctx_engine_id;
    x->context_engine_id_len = vj->ctx_engine_id_len;
    x->buf = vj->buf;
    x->buf_cap = vj->buf_cap;
    x->scratch = v3.scratch;
    x->scratch_cap = sizeof v3.scratch;
    rc = run(job, RUN_START, NULL, 0);
    if (rc)
        detach(vj);
    return rc;
}

/* ------------------------------------------------------------------------
 * Receiving.
 * ---------------------------------------------------------------------- */
int
wn_ws_v3_looks_v3(const uint8_t *pkt, size_t len)
{
    /* SEQUENCE, its length, then INTEGER 3 (msgVersion). */
    if (len < 5 || pkt[0] != 0x30)
        return 0;
    size_t off = 2;
    if (pkt[1] & 0x80)
        off += pkt[1] & 0x7f;
    return off + 3 <= len && pkt[off] == 0x02 && pkt[off + 1] == 0x01 && pkt[off + 2] == 0x03;
}

int
wn_ws_v3_match_key(const uint8_t *pkt, size_t len, uint32_t *key)
{
    struct wn_snmp_v3_msg m;
    if (wn_snmp_v3_decode(pkt, len, &m) < 0 || m.msg_id <= 0)
        return -1;
    *key = (uint32_t)m.msg_id;
    return 0;
}

int
wn_ws_v3_accept(const struct wn_ws_job *job, const uint8_t *pkt, size_t len)
{
    const struct v3job *vj = job->v3;
    struct wn_usm_in in;
    if (!vj || !wn_ws_v3_looks_v3(pkt, len) || wn_usm_parse(pkt, len, &in) < 0)
        return WN_E_MALFORMED;
    return in.msg.msg_id == vj->x.msg_id ? 0 : WN_E_PROTOCOL;
}

/* A job cancelled meanwhile (its cancel, or job_end when orphaned, frees
 * it): 1, and the lock is released.  [locked] */
static int
left_alone(struct wn_ws_job *job)
{
    if (!job->cancelled && job->v3)
        return 0;
    struct wn_ws_session *s;
    if (!v3.ops->job_end(job, &s))
        wn_ws_job_free(job);
    wn_ws_unlock();
    return 1;
}

void
wn_ws_v3_on_response(struct wn_ws_job *job, const uint8_t *pkt, size_t len,
                     const struct sockaddr *from, socklen_t fromlen)
{
    wn_ws_lock();
    if (left_alone(job))
        return;
    int rc = run(job, RUN_REPLY, pkt, len);
    if (rc == 1) {
        job_done(job, from, fromlen);
        return;
    }
    if (rc)
        job_fail(job, rc);
    else
        wn_ws_unlock();
}

void
wn_ws_v3_on_timeout(struct wn_ws_job *job)
{
    wn_ws_lock();
    if (left_alone(job))
        return;
    int rc = run(job, RUN_TIMEOUT, NULL, 0);
    if (rc)
        job_fail(job, rc == 1 ? WN_E_PROTOCOL : rc);
    else
        wn_ws_unlock();
}

void
wn_ws_v3_on_send_error(struct wn_ws_job *job, int err)
{
    wn_ws_lock();
    job_fail(job, err == WN_E_ACCESS ? WN_E_UNREACHABLE : err);
}
