/* listeners.c: agent sockets (SnmpListen) and the trap port: receiving requests, traps and informs, acknowledging informs, matching registrations. */
#include "engine_int.h"
#include "v3int.h"

#include <string.h>

/* Scratch for Inform acknowledgements (I/O thread only). */
static uint8_t ack_buf[WN_SNMP_MAX_MSG];

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
        wn_ws_eng.c[WN_WS_C_INFORM_ACK]++;
}

/* Queues a copy of a datagram that arrived on listener L for session s,
 * reported with request id reqid: m and its varbinds `list` (borrowed,
 * from wn_ws_msg_receive; the entry shares its arena and keeps m viewing
 * its own copy of pkt), or with list NULL the bytes alone, decoded when
 * read.  Returns what wn_ws_eng_enqueue says (1: call the callback, 0:
 * queued, WN_E_QFULL: the session's queue is full), or WN_E_NOMEM when
 * the copy could not be made. [locked] */
static int
queue_datagram(struct wn_ws_session *s, const struct wn_ws_listener *L,
               const struct wn_snmp_msg *m, const struct wn_ws_vblist *list, smiINT32 reqid,
               const uint8_t *pkt, size_t len, const struct sockaddr *from, socklen_t fromlen,
               const struct wn_ws_v3in *v3)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_qmsg *q = wn_ws_qmsg_new(pkt, len);
    if (!q)
        return WN_E_NOMEM;
    if (list && wn_ws_vblist_copy(&q->list, list) == 0) {
        /* Decoded once: SnmpRecvMsg goes on from the receive's pass. */
        q->msg = *m;
        wn_ws_msg_rebase(&q->msg, pkt, len, q->data);
        q->validated = 1;
    }
    if (v3) {
        q->v3 = wn_malloc(sizeof *q->v3);
        if (!q->v3) {
            wn_ws_qmsg_free(q);
            return WN_E_NOMEM;
        }
        *q->v3 = *v3;
        q->secret = 1;   /* decrypted: wiped when freed */
    }
    q->reqid = reqid;
    memcpy(&q->from, from, fromlen);
    q->fromlen = fromlen;
    q->to = L->addr;
    q->tolen = L->addrlen;
    q->to_version = v3 ? WN_WS_V3 : m->version == WN_SNMP_V1 ? WN_WS_V1 : WN_WS_V2C;
    return wn_ws_eng_enqueue(s, q);
}

/* The sessions one trap is given to: each once, and whether to call its
 * callback.  The first WN_WS_TELL_INLINE need no allocation; more grow the
 * list (at most one entry per registration, WN_WS_MAX_REGISTRATIONS). */
#define WN_WS_TELL_INLINE 64u

struct tell_entry {
    uintptr_t session;
    int callback;
};

struct tell_list {
    struct tell_entry *e;            /* inl, or owned when grown */
    size_t n, cap;
    struct tell_entry inl[WN_WS_TELL_INLINE];
};

static int
tell_has(const struct tell_list *t, uintptr_t session)
{
    for (size_t k = 0; k < t->n; k++)
        if (t->e[k].session == session)
            return 1;
    return 0;
}

/* Room for one more entry; WN_E_NOMEM when the list cannot grow. */
static int
tell_reserve(struct tell_list *t)
{
    if (t->n < t->cap)
        return 0;
    struct tell_entry *n = wn_calloc(t->cap * 2, sizeof *n);
    if (!n)
        return WN_E_NOMEM;
    memcpy(n, t->e, t->n * sizeof *n);
    if (t->e != t->inl)
        wn_free(t->e);
    t->e = n;
    t->cap *= 2;
    return 0;
}

/* A datagram validated on listener L, m (its varbinds `list`, or NULL:
 * see queue_datagram): to the listening session (agent role) or to the
 * registered sessions (trap port).  [locked]; unlocks. */
static void
lst_deliver(struct wn_ws_listener *L, struct wn_dgram_sock *sock, const struct wn_snmp_msg *m,
            const struct wn_ws_vblist *list, const uint8_t *pkt, size_t len,
            const struct sockaddr *from, socklen_t fromlen, const struct wn_ws_v3in *v3)
{
    struct tell_list tell;
    tell.e = tell.inl;
    tell.n = 0;
    tell.cap = WN_WS_TELL_INLINE;
    uint8_t t = m->pdu.type;
    if (L->kind == WN_WS_LISTENER_AGENT) {
        /* Agent role: requests go to the listening entity's session. */
        int ok = t == WN_SNMP_PDU_GET || t == WN_SNMP_PDU_GETNEXT ||
                 t == WN_SNMP_PDU_GETBULK || t == WN_SNMP_PDU_SET;
        struct wn_ws_session *s = wn_ws_session_get((HSNMP_SESSION)L->session);
        if (!ok || !s) {
            wn_ws_eng.c[WN_WS_C_STRAY]++;
            wn_ws_unlock();
            return;
        }
        uintptr_t sh = L->session;
        int tell =
            queue_datagram(s, L, m, list, m->pdu.request_id, pkt, len, from, fromlen, v3) > 0;
        if (v3)
            wn_ws_v3_receive_end();
        wn_ws_unlock();
        if (tell)
            wn_ws_eng_notify(sh, 0, (LPARAM)m->pdu.request_id);
        return;
    }

    /* Trap receiver. */
    if (t != WN_SNMP_PDU_TRAP_V1 && t != WN_SNMP_PDU_TRAP_V2 && t != WN_SNMP_PDU_INFORM) {
        wn_ws_eng.c[WN_WS_C_STRAY]++;
        wn_ws_unlock();
        return;
    }
    uint32_t toid[WN_SNMP_MAX_OID_LEN + 2];
    size_t tn = 0;
    if (wn_ws_trap_oid(m, toid, WN_ARRAY_SIZE(toid), &tn) < 0) {
        wn_ws_eng.c[WN_WS_C_MALFORMED]++;
        wn_ws_unlock();
        return;
    }
    if (t == WN_SNMP_PDU_INFORM && !v3)   /* a v3 inform is acknowledged by the USM */
        ack_inform(sock, m, from, fromlen);
    wn_ws_eng.c[WN_WS_C_TRAP]++;
    /* A v1 Trap-PDU has no request id: it gets a non-zero one of ours
     * (assigning-request-identifiers.md), in lParam and in the PDU. */
    smiINT32 trap_id = t == WN_SNMP_PDU_TRAP_V1 ? wn_ws_next_request_id() : m->pdu.request_id;
    for (uint32_t i = 0; i < wn_ws_nregs; i++) {
        const struct wn_ws_reg *r = &wn_ws_regs[i];
        if (r->has_agent && !addr_equal_noport(&r->agent, from))
            continue;
        /* srcEntity (r->has_manager) filters nothing: the spec says the
         * implementation does not use it to filter traps (it only tells
         * registrations apart for SNMPAPI_OFF). */
        if (r->community && (r->community_len != m->community_len ||
                             memcmp(r->community, m->community, m->community_len) != 0))
            continue;
        if (r->prefix && !oid_has_prefix(toid, tn, r->prefix, r->prefix_len))
            continue;
        if (tell_has(&tell, r->session))
            continue;
        struct wn_ws_session *s = wn_ws_session_get((HSNMP_SESSION)r->session);
        if (!s || tell_reserve(&tell) < 0)
            continue;
        /* tell also de-duplicates, so every session given the message is
         * listed (also when its full queue dropped it); only those with a
         * callback are called. */
        int r_enq = queue_datagram(s, L, m, list, trap_id, pkt, len, from, fromlen, v3);
        if (r_enq == WN_E_NOMEM)
            continue;
        tell.e[tell.n].session = r->session;
        tell.e[tell.n++].callback = r_enq > 0;
    }
    if (v3)
        wn_ws_v3_receive_end();
    wn_ws_unlock();
    for (size_t i = 0; i < tell.n; i++)
        if (tell.e[i].callback)
            wn_ws_eng_notify(tell.e[i].session, 0, (LPARAM)trap_id);
    if (tell.e != tell.inl)
        wn_free(tell.e);
}

static void
lst_on_unsolicited(void *ctx, struct wn_dgram_sock *sock, const uint8_t *pkt, size_t len,
                   const struct sockaddr *from, socklen_t fromlen)
{
    struct wn_ws_listener *L = ctx;  /* its slot in wn_ws_eng.lst */
    struct wn_snmp_msg m;
    /* The varbinds, decoded in the pass that validates the message; none
     * for v3, whose plaintext stays in the queue entries (wiped there). */
    struct wn_ws_vblist vbl;
    struct wn_ws_v3in v3in, *v3 = NULL;

    wn_ws_lock();
    if (!L->used || L->sock != sock) {
        wn_ws_unlock();
        return;
    }
    int drc = wn_ws_msg_receive(pkt, len, &m, &vbl);
    if (drc == WN_E_UNSUPPORTED) {
        /* SNMPv3: the USM answers what it must itself (v3agent.c); what
         * passes goes on in its v2c form, with its user and level. */
        if (!wn_ws_v3_receive(L->kind == WN_WS_LISTENER_AGENT, sock, pkt, len, from, fromlen, &m,
                              &pkt, &len, &v3in)) {
            wn_ws_unlock();
            return;
        }
        v3 = &v3in;
        drc = 0;
    }
    if (drc < 0) {
        wn_ws_eng.c[WN_WS_C_MALFORMED]++;
        wn_ws_unlock();
        return;
    }
    lst_deliver(L, sock, &m, v3 ? NULL : &vbl, pkt, len, from, fromlen, v3);
    wn_ws_vblist_clear(&vbl);   /* the queue entries hold their references */
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

/* Opens a listener socket in a free slot.  [I/O thread, locked] */
static int
open_slot(struct wn_evloop *loop, const struct sockaddr *sa, socklen_t salen,
          enum wn_ws_listener_kind kind, int *idx)
{
    WN_WS_ASSERT_LOCKED();
    /* A teardown began after the call was posted: its shutdown already
     * closed every socket, so open none on the dying loop. */
    if (!wn_ws_ready() || wn_ws_eng.loop != loop)
        return WN_E_STATE;
    for (unsigned i = 0; i < WN_WS_MAX_LISTENERS; i++) {
        if (wn_ws_eng.lst[i].used || wn_ws_eng.lst[i].sock)
            continue;
        struct wn_dgram_sock *sock = NULL;
        struct wn_ws_listener *L = &wn_ws_eng.lst[i];
        int rc = wn_dgram_sock_open(loop, sa->sa_family, sa, salen, &lst_ops, L, &sock);
        if (rc < 0) {
            /* Say which address could not be bound, and why (a port in
             * use, no permission for a port below 1024...). */
            char where[WN_SOCKADDR_STRLEN];
            if (wn_sockaddr_format(sa, where, sizeof where, 1) < 0)
                where[0] = '\0';
            wn_log(WN_LOG_WARN, "winsnmp", "cannot listen on UDP %s for %s: %s", where,
                   kind == WN_WS_LISTENER_TRAP ? "traps (SnmpRegister)" : "SnmpListen",
                   wn_strerror(rc));
            return rc;
        }
        L->used = 1;
        L->kind = kind;
        L->sock = sock;
        socklen_t l = sizeof L->addr;
        if (wn_dgram_sock_name(sock, &L->addr, &l) < 0) {
            memcpy(&L->addr, sa, salen);
            l = salen;
        }
        L->addrlen = l;
        *idx = (int)i;
        return 0;
    }
    return WN_E_LIMIT;
}

struct listen_call {
    struct wn_evloop *loop;
    const struct sockaddr *sa;
    socklen_t salen;
    enum wn_ws_listener_kind kind;
    int idx;
    int rc;
};

static void
listen_on_loop(void *arg)
{
    struct listen_call *c = arg;
    wn_ws_lock();
    c->rc = open_slot(c->loop, c->sa, c->salen, c->kind, &c->idx);
    wn_ws_unlock();
}

/* Runs fn(c) on the engine's loop and waits for it; WN_E_STATE when the
 * engine is not (or no longer) running.  Called WITHOUT the lock. */
static int
call_on_loop(void (*fn)(void *), struct listen_call *c)
{
    wn_ws_lock();
    struct wn_evloop *l = wn_ws_eng_loop_ref();
    wn_ws_unlock();
    if (!l)
        return WN_E_STATE;
    c->loop = l;
    int rc = wn_evloop_call(l, fn, c);
    wn_evloop_release(l);
    return rc < 0 ? rc : c->rc;
}

int
wn_ws_eng_listen_open(const struct sockaddr *sa, socklen_t salen,
                      enum wn_ws_listener_kind kind, int *idx)
{
    struct listen_call c = {NULL, sa, salen, kind, -1, 0};
    int rc = call_on_loop(listen_on_loop, &c);
    if (rc == 0)
        *idx = c.idx;
    return rc;
}

static void
slot_free_on_loop(void *arg)
{
    /* The slot stays reserved (sock != NULL) until its socket is closed,
     * so a new listener never reuses a slot a late datagram points at. */
    struct wn_ws_listener *L = arg;  /* its slot in wn_ws_eng.lst */
    wn_ws_lock();
    if (L->sock && wn_ws_eng.loop)
        wn_ws_eng_sock_close(L->sock);
    memset(L, 0, sizeof *L);
    wn_ws_unlock();
}

void
wn_ws_eng_listen_close(int idx)
{
    WN_WS_ASSERT_LOCKED();
    if (idx < 0 || (unsigned)idx >= WN_WS_MAX_LISTENERS || !wn_ws_eng.lst[idx].used)
        return;
    struct wn_ws_listener *L = &wn_ws_eng.lst[idx];
    L->used = 0;
    if (!wn_ws_eng.loop || wn_evloop_post(wn_ws_eng.loop, slot_free_on_loop, L) < 0)
        memset(L, 0, sizeof *L);
}

void
wn_ws_eng_listen_set_session(int idx, uintptr_t session)
{
    WN_WS_ASSERT_LOCKED();
    if (idx >= 0 && (unsigned)idx < WN_WS_MAX_LISTENERS)
        wn_ws_eng.lst[idx].session = session;
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
    WN_WS_ASSERT_LOCKED();
    if (!e)
        return -1;
    if (e->listening)
        return e->listener;
    /* Not the listening handle itself (e.g. the destination entity that
     * SnmpRecvMsg made for a request): an agent socket bound to the same
     * address and port, or to the wildcard with that port. */
    for (unsigned i = 0; i < WN_WS_MAX_LISTENERS; i++) {
        const struct wn_ws_listener *L = &wn_ws_eng.lst[i];
        if (!L->used || L->kind != WN_WS_LISTENER_AGENT)
            continue;
        if (wn_sockaddr_equal((const struct sockaddr *)&L->addr, (const struct sockaddr *)&e->addr) ||
            is_wildcard_with_port(&L->addr, &e->addr))
            return (int)i;
    }
    return -1;
}

/* Binds the trap port on both families unless it is open already; on the
 * I/O thread, so two first registrations cannot race for the port. */
static void
trap_open_on_loop(void *arg)
{
    struct listen_call *c = arg;
    wn_ws_lock();
    c->rc = 0;
    if (!wn_ws_eng.trap_open) {
        uint16_t port = wn_ws_eng.trap_port;
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
        c->rc = open_slot(c->loop, (struct sockaddr *)&a4, sizeof a4, WN_WS_LISTENER_TRAP, &i4);
        /* IPv6 is best effort: a host without it still gets IPv4 traps. */
        if (c->rc == 0 &&
            open_slot(c->loop, (struct sockaddr *)&a6, sizeof a6, WN_WS_LISTENER_TRAP, &i6) < 0)
            i6 = -1;
        if (c->rc == 0) {
            wn_ws_eng.trap_idx[0] = i4;
            wn_ws_eng.trap_idx[1] = i6;
            wn_ws_eng.trap_open = 1;
        }
    }
    wn_ws_unlock();
}

int
wn_ws_eng_trap_port_open(void)
{
    struct listen_call c = {NULL, NULL, 0, WN_WS_LISTENER_TRAP, -1, 0};
    return call_on_loop(trap_open_on_loop, &c);
}

int
wn_ws_eng_trap_port_is_open(void)
{
    WN_WS_ASSERT_LOCKED();
    return wn_ws_eng.trap_open;
}

void
wn_ws_eng_trap_port_release(void)
{
    WN_WS_ASSERT_LOCKED();
    if (wn_ws_nregs || !wn_ws_eng.trap_open)
        return;
    wn_ws_eng_listen_close(wn_ws_eng.trap_idx[0]);
    wn_ws_eng_listen_close(wn_ws_eng.trap_idx[1]);
    wn_ws_eng.trap_idx[0] = wn_ws_eng.trap_idx[1] = -1;
    wn_ws_eng.trap_open = 0;
}
