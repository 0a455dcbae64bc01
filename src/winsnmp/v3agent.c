/* v3agent.c: SNMPv3 messages that reach our listeners (traps and informs on the trap port, requests on SnmpListen's sockets): the USM checks of RFC 3414 3.2 in both roles, our reports, inform acknowledgements, and the responses that go back at the request's level. */
#include "v3int.h"

#include <stdio.h>
#include <string.h>

#include "engine_int.h"
#include "usmuser.h"
#include "engv3.h"

struct wn_ws_v3_counters wn_ws_v3_c;

/* Scratch (I/O thread, under the lock): the decrypted ScopedPDU, the
 * plaintext of what we send, what we send, and the v2c form delivered. */
static uint8_t in_plain[WN_SNMP_MAX_MSG], out_plain[WN_SNMP_MAX_MSG], out_buf[WN_SNMP_MAX_MSG],
    v2_buf[WN_SNMP_MAX_MSG];

static size_t v2_used;   /* plaintext bytes in v2_buf until wn_ws_v3_receive_end */

/* Salts of the messages we encrypt (reports never are). */

/* A request SnmpListen delivered, until the program answers it (the
 * stateReference of RFC 3412 7.1 step 3). */
struct pending {
    int used;
    uint64_t expires_ms;
    struct sockaddr_storage peer;
    socklen_t peerlen;
    int32_t request_id;
    int32_t msg_id;
    int32_t max_size;
    uint8_t level;
    struct wn_ws_user *user;                         /* a counted reference */
    uint8_t ctx_engine[WN_USM_MAX_ENGINE_ID];
    size_t ctx_engine_len;
    uint8_t ctx_name[WN_SNMP_V3_MAX_CONTEXT_NAME];
    size_t ctx_name_len;
};
static struct pending pend[WN_WS_V3_MAX_PENDING];

/* The users our listeners looked up, held so that their key caches (and
 * the hashing of their pass phrases) outlive one message: without a
 * reference an entry of the user table is freed with the message, and
 * every datagram naming the user would hash its pass phrases again
 * (RFC 3414 A.2: 1 MB each).  At most WN_WS_V3_MAX_HELD_USERS, the one
 * used longest ago released first. */
static struct {
    struct wn_ws_user *user;    /* a counted reference, or NULL */
    uint64_t used;
} held[WN_WS_V3_MAX_HELD_USERS];
static uint64_t held_tick;
static unsigned long held_db_version;   /* wn_ws_user_db_version at the last sweep */

/* Once the database has changed: puts the held users it no longer gives
 * (an edited or removed user line), so that their keys are wiped now,
 * not when a slot is next needed. */
static void
drop_stale_held(void)
{
    unsigned long v = wn_ws_user_db_version();
    if (v == held_db_version)
        return;
    held_db_version = v;
    for (unsigned i = 0; i < WN_WS_V3_MAX_HELD_USERS; i++) {
        if (held[i].user && wn_ws_user_stale(held[i].user)) {
            wn_ws_user_put(held[i].user);
            held[i].user = NULL;
        }
    }
}

static void
hold_user(struct wn_ws_user *u)
{
    /* Where it goes: rather the older record of the same name (the
     * database changed), else a free slot, else the one used longest ago. */
    enum { RANK_LRU = 1, RANK_FREE, RANK_SAME_NAME };
    unsigned slot = 0;
    int best = 0;
    for (unsigned i = 0; i < WN_WS_V3_MAX_HELD_USERS; i++) {
        const struct wn_ws_user *h = held[i].user;
        if (h == u) {
            held[i].used = ++held_tick;
            return;
        }
        int rank = !h ? RANK_FREE
                   : (h->usm.name_len == u->usm.name_len &&
                      memcmp(h->usm.name, u->usm.name, u->usm.name_len) == 0) ? RANK_SAME_NAME
                   : RANK_LRU;
        if (rank > best || (rank == RANK_LRU && best == RANK_LRU && held[i].used < held[slot].used)) {
            slot = i;
            best = rank;
        }
    }
    wn_ws_user_put(held[slot].user);
    wn_ws_user_hold(u);
    held[slot].user = u;
    held[slot].used = ++held_tick;
}

/* What we know of the engines that sent us traps (RFC 3414 3.2 step 7b). */
static struct wn_usm_engine remote[WN_WS_V3_MAX_REMOTE];

/* ------------------------------------------------------------------------
 * Counters and reports.
 * ---------------------------------------------------------------------- */
/* The counter of a refusal, incremented; its new value. */
static uint32_t
count(int err)
{
    uint64_t *c;
    switch (err) {
    case WN_E_UNSUPPORTEDSECLEVEL: c = &wn_ws_v3_c.unsupported_sec_levels; break;
    case WN_E_NOTINTIMEWINDOW: c = &wn_ws_v3_c.not_in_time_windows; break;
    case WN_E_UNKNOWNUSERNAME: c = &wn_ws_v3_c.unknown_user_names; break;
    case WN_E_UNKNOWNENGINEID: c = &wn_ws_v3_c.unknown_engine_ids; break;
    case WN_E_WRONGDIGEST: c = &wn_ws_v3_c.wrong_digests; break;
    case WN_E_DECRYPTIONERROR: c = &wn_ws_v3_c.decryption_errors; break;
    case WN_E_UNSUPPORTED: c = &wn_ws_v3_c.unknown_security_models; break;
    default: c = &wn_ws_v3_c.invalid_msgs; break;
    }
    wn_ws_v3_c.dropped++;
    return (uint32_t)++*c;
}

/* Encodes sc as the authoritative engine me and sends it to `to`. */
static int
send_scoped(struct wn_dgram_sock *sock, const struct sockaddr *to, socklen_t tolen,
            struct wn_usm_user *user, uint8_t flags, int32_t msg_id, int32_t max_size,
            const struct wn_snmp_scoped_pdu *sc)
{
    struct wn_usm_salt *salt;     /* one pair for every message we encrypt */
    int rc = wn_ws_v3_salt(&salt);
    if (rc < 0)
        return rc;
    struct wn_usm_engine me = *wn_ws_v3_local();
    struct wn_usm_out o = {.user = user, .engine = &me, .flags = flags, .msg_id = msg_id,
                           .max_size = WN_SNMP_MAX_MSG, .scoped = sc};
    size_t cap = max_size > 0 && (size_t)max_size < sizeof out_buf ? (size_t)max_size
                                                                   : sizeof out_buf;
    const uint8_t *msg;
    size_t len;
    rc = wn_usm_encode(&o, salt, wn_clock_ms(), out_buf, cap, out_plain, sizeof out_plain, &msg,
                       &len);
    if (rc == 0)
        rc = wn_dgram_send_raw(sock, to, tolen, msg, len);
    return rc;
}

/* Sends a Report of one counter (oid[0..n) = value) for in, from our
 * engine, with in's msgID and the given request-id, at `flags` (level
 * bits) as `user` (NULL: noAuthNoPriv). */
static void
send_report(struct wn_dgram_sock *sock, const struct sockaddr *to, socklen_t tolen,
            const struct wn_usm_in *in, const uint32_t *oid, size_t n, uint32_t value,
            int32_t request_id, struct wn_ws_user *user, uint8_t flags)
{
    struct wn_snmp_varbind vb = {.oid = oid, .oid_len = n,
                                 .value = {.syntax = WN_SNMP_SYN_COUNTER32, .v.u32 = value}};
    const struct wn_usm_engine *me = wn_ws_v3_local();
    struct wn_snmp_scoped_pdu sc = {.context_engine_id = me->id,
                                    .context_engine_id_len = me->id_len};
    sc.pdu.type = WN_SNMP_PDU_REPORT;
    sc.pdu.request_id = request_id;
    sc.pdu.vbs = &vb;
    sc.pdu.vb_count = 1;
    if (send_scoped(sock, to, tolen, user ? &user->usm : NULL, flags, in->msg.msg_id,
                    in->msg.max_size, &sc) == 0)
        wn_ws_v3_c.reports_sent++;
}

/* Reports err for in (RFC 3412 7.1 / RFC 3414 3.2): at noAuthNoPriv with
 * no user, except notInTimeWindow, which is authenticated (authNoPriv) so
 * that the sender may trust the clock it carries.  Only for a reportable
 * message. */
static void
report(struct wn_dgram_sock *sock, const struct sockaddr *to, socklen_t tolen,
       const struct wn_usm_in *in, int err, uint32_t value, struct wn_ws_user *user)
{
    const uint32_t *oid;
    size_t n;
    if (!(in->msg.flags & WN_SNMP_V3_FLAG_REPORTABLE) || wn_usm_report_oid(err, &oid, &n) < 0)
        return;
    /* The request-id, when it could be read (not inside encrypted data). */
    int32_t rid = (in->msg.flags & WN_SNMP_V3_FLAG_PRIV) ? 0 : in->msg.scoped.pdu.request_id;
    int auth = err == WN_E_NOTINTIMEWINDOW && user;
    send_report(sock, to, tolen, in, oid, n, value, rid, auth ? user : NULL,
                auth ? WN_SNMP_V3_FLAG_AUTH : 0);
}

/* A message that passed the USM but that no application of ours handles
 * (RFC 3412 4.2.2.1): snmpUnknownPDUHandlers, and for a reportable
 * request of the Confirmed Class a Report at the request's own level and
 * user (RFC 3412 7.1: the Report goes back with the request's security
 * state), so that the manager hears of it at once and may trust it. */
static void
unknown_pdu_handler(struct wn_dgram_sock *sock, const struct sockaddr *to, socklen_t tolen,
                    const struct wn_usm_in *in, struct wn_ws_user *user)
{
    uint32_t value = (uint32_t)++wn_ws_v3_c.unknown_pdu_handlers;
    wn_ws_v3_c.dropped++;
    uint8_t t = in->scoped.pdu.type;
    int confirmed = t == WN_SNMP_PDU_GET || t == WN_SNMP_PDU_GETNEXT ||
                    t == WN_SNMP_PDU_GETBULK || t == WN_SNMP_PDU_SET ||
                    t == WN_SNMP_PDU_INFORM;
    if (!confirmed || !(in->msg.flags & WN_SNMP_V3_FLAG_REPORTABLE))
        return;
    size_t n;
    const uint32_t *oid = wn_usm_unknown_pdu_handlers_oid(&n);
    send_report(sock, to, tolen, in, oid, n, value, in->scoped.pdu.request_id, user,
                in->msg.flags & WN_USM_LEVEL_MASK);
}

/* RFC 5343 localEngineID: "the engine that receives this". */
static const uint8_t local_engine_id[] = {0x80, 0x00, 0x00, 0x00, 0x06};

/* 1 when a request's contextEngineID names our engine: our snmpEngineID
 * or RFC 5343's localEngineID.  Our agent serves no other (no proxy). */
static int
context_is_ours(const struct wn_snmp_scoped_pdu *sc, const struct wn_usm_engine *me)
{
    const uint8_t *id = sc->context_engine_id;
    size_t n = sc->context_engine_id_len;
    return (n == me->id_len && memcmp(id, me->id, n) == 0) ||
           (n == sizeof local_engine_id && memcmp(id, local_engine_id, n) == 0);
}

/* RFC 5343 section 3's contextEngineID discovery: a Get of snmpEngineID.0
 * (SNMP-FRAMEWORK-MIB, RFC 3411) and nothing else, with localEngineID as
 * its contextEngineID.  The engine answers it itself, as net-snmp's agent
 * does: the program never sees it. */
static const uint32_t snmp_engine_id_oid[] = {1, 3, 6, 1, 6, 3, 10, 2, 1, 1, 0};

static int
is_discovery_probe(const struct wn_snmp_scoped_pdu *sc)
{
    if (sc->pdu.type != WN_SNMP_PDU_GET || sc->pdu.vb_count != 1
        || sc->context_engine_id_len != sizeof local_engine_id
        || memcmp(sc->context_engine_id, local_engine_id, sizeof local_engine_id) != 0)
        return 0;
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    uint32_t name[WN_ARRAY_SIZE(snmp_engine_id_oid)];
    size_t n;
    wn_snmp_vb_iter_init(&it, &sc->pdu);
    return wn_snmp_vb_next(&it, &vb) == 1
           && wn_snmp_oid_decode(vb.name_ber, vb.name_ber_len, name, WN_ARRAY_SIZE(name), &n) == 0
           && n == WN_ARRAY_SIZE(name) && memcmp(name, snmp_engine_id_oid, sizeof name) == 0;
}

/* The Response to a discovery probe: snmpEngineID.0 = our engine ID, at
 * the probe's level, user and msgID, naming the probe's context
 * (localEngineID and its contextName, as RFC 3412 4.1.2.3 wants and
 * net-snmp 5.9 sends). */
static void
answer_probe(struct wn_dgram_sock *sock, const struct sockaddr *to, socklen_t tolen,
             const struct wn_usm_in *in, struct wn_ws_user *user)
{
    const struct wn_usm_engine *me = wn_ws_v3_local();
    struct wn_snmp_varbind vb = {.oid = snmp_engine_id_oid,
                                 .oid_len = WN_ARRAY_SIZE(snmp_engine_id_oid),
                                 .value = {.syntax = WN_SNMP_SYN_OCTETS,
                                           .v.bytes = {me->id, me->id_len}}};
    struct wn_snmp_scoped_pdu sc = in->scoped;
    memset(&sc.pdu, 0, sizeof sc.pdu);
    sc.pdu.type = WN_SNMP_PDU_RESPONSE;
    sc.pdu.request_id = in->scoped.pdu.request_id;
    sc.pdu.vbs = &vb;
    sc.pdu.vb_count = 1;
    if (send_scoped(sock, to, tolen, &user->usm, in->msg.flags & WN_USM_LEVEL_MASK,
                    in->msg.msg_id, in->msg.max_size, &sc) == 0)
        wn_ws_v3_c.probes_answered++;
}

/* ------------------------------------------------------------------------
 * Receiving.
 * ---------------------------------------------------------------------- */
/* The level a user's messages must have: the most the user supports (a
 * message below it could be forged without the user's keys). */

static struct wn_usm_engine *
remote_find(const uint8_t *id, size_t len)
{
    for (unsigned i = 0; i < WN_WS_V3_MAX_REMOTE; i++)
        if (remote[i].id_len == len && len && memcmp(remote[i].id, id, len) == 0)
            return &remote[i];
    return NULL;
}

/* Keeps what an authenticated trap taught of its engine's clock (only
 * those: an unauthenticated one teaches nothing, and anyone could send
 * it).  When the table is full, the engine heard from longest ago goes. */
static void
remote_keep(const struct wn_usm_engine *e)
{
    if (!e->time_known)
        return;
    struct wn_usm_engine *slot = remote_find(e->id, e->id_len);
    for (unsigned i = 0; i < WN_WS_V3_MAX_REMOTE && !slot; i++)
        if (!remote[i].id_len)
            slot = &remote[i];
    if (!slot) {
        slot = &remote[0];
        for (unsigned i = 1; i < WN_WS_V3_MAX_REMOTE; i++)
            if (remote[i].synced_ms < slot->synced_ms)
                slot = &remote[i];
    }
    *slot = *e;
}

static int
addr_same(const struct sockaddr_storage *a, socklen_t al, const struct sockaddr *b, socklen_t bl)
{
    return al == bl && wn_sockaddr_equal((const struct sockaddr *)a, b);
}

/* Remembers an agent request for its response; an old or expired entry
 * makes room. */
static void
pending_add(const struct sockaddr *from, socklen_t fromlen, const struct wn_usm_in *in,
            struct wn_ws_user *user)
{
    uint64_t now = wn_clock_ms();
    struct pending *slot = NULL, *oldest = &pend[0];
    for (unsigned i = 0; i < WN_WS_V3_MAX_PENDING; i++) {
        struct pending *p = &pend[i];
        if (p->used && p->expires_ms <= now) {
            wn_ws_user_put(p->user);
            p->used = 0;
        }
        if (!p->used && !slot)
            slot = p;
        if (p->used && p->expires_ms < oldest->expires_ms)
            oldest = p;
    }
    if (!slot) {
        wn_ws_user_put(oldest->user);
        slot = oldest;
    }
    memset(slot, 0, sizeof *slot);
    slot->used = 1;
    slot->expires_ms = now + WN_WS_V3_PENDING_MS;
    memcpy(&slot->peer, from, fromlen);
    slot->peerlen = fromlen;
    slot->request_id = in->scoped.pdu.request_id;
    slot->msg_id = in->msg.msg_id;
    slot->max_size = in->msg.max_size;
    slot->level = in->msg.flags & WN_USM_LEVEL_MASK;
    slot->user = user;   /* the caller's reference, taken */
    slot->ctx_engine_len = in->scoped.context_engine_id_len;
    memcpy(slot->ctx_engine, in->scoped.context_engine_id, slot->ctx_engine_len);
    slot->ctx_name_len = in->scoped.context_name_len;
    memcpy(slot->ctx_name, in->scoped.context_name, slot->ctx_name_len);
}

/* Answers an inform: a Response at its level, with its msgID, naming its
 * context (net-snmp drops a response whose context differs). */
static void
ack_inform(struct wn_dgram_sock *sock, const struct sockaddr *to, socklen_t tolen,
           const struct wn_usm_in *in, struct wn_ws_user *user)
{
    struct wn_snmp_scoped_pdu sc = in->scoped;
    sc.pdu.type = WN_SNMP_PDU_RESPONSE;
    sc.pdu.error_status = sc.pdu.error_index = 0;
    if (send_scoped(sock, to, tolen, &user->usm, in->msg.flags & WN_USM_LEVEL_MASK, in->msg.msg_id,
                    in->msg.max_size, &sc) == 0)
        wn_ws_eng.c[WN_WS_C_INFORM_ACK]++;
}

/* Runs the USM on in.  Returns 0 with *user (a counted reference) when it
 * passes, else the WN_E_* refusal (then *user may still hold a reference,
 * for an authenticated notInTimeWindow report). */
static int
check(struct wn_usm_in *in, int authoritative, struct wn_usm_engine *eng,
      struct wn_ws_user **user)
{
    *user = NULL;
    char name[WN_USM_MAX_USER_NAME + 1];
    if (in->sp.user_len && !memchr(in->sp.user, '\0', in->sp.user_len)) {
        memcpy(name, in->sp.user, in->sp.user_len);
        name[in->sp.user_len] = '\0';
        if (wn_ws_user_find(name, user) < 0)
            *user = NULL;
        drop_stale_held();
        if (*user)
            hold_user(*user);
    }
    /* A user whose line names its engine (engineid=) takes traps from
     * that engine only: its keys are not made for any other. */
    if (*user && !authoritative && (*user)->engine_id_len &&
        ((*user)->engine_id_len != in->sp.engine_id_len ||
         memcmp((*user)->engine_id, in->sp.engine_id, in->sp.engine_id_len) != 0))
        return WN_E_UNKNOWNENGINEID;
    int rc = wn_usm_process_in(in, *user ? &(*user)->usm : NULL, eng, authoritative,
                               wn_clock_ms(), in_plain, sizeof in_plain);
    if (rc == 0 && !*user)
        rc = WN_E_UNKNOWNUSERNAME;   /* noAuthNoPriv passes the USM without a user */
    /* Below the user's level a message could be forged without its keys. */
    if (rc == 0 && (in->msg.flags & WN_USM_LEVEL_MASK) != wn_ws_user_max_level(*user))
        rc = WN_E_UNSUPPORTEDSECLEVEL;
    return rc;
}

int
wn_ws_v3_receive(int agent, struct wn_dgram_sock *sock, const uint8_t *pkt, size_t len,
                 const struct sockaddr *from, socklen_t fromlen, struct wn_snmp_msg *m,
                 const uint8_t **v2pkt, size_t *v2len, struct wn_ws_v3in *v3)
{
    WN_WS_ASSERT_LOCKED();
    wn_ws_v3_receive_end();   /* a caller that left early did not */
    struct wn_usm_in in;
    int rc = wn_usm_parse(pkt, len, &in);
    if (rc == WN_E_UNSUPPORTED) {
        count(rc);   /* another security model: snmpUnknownSecurityModels */
        return 0;
    }
    if (rc < 0) {
        /* Not an SNMPv3 message at all: malformed, as for v1/v2c. */
        wn_ws_v3_c.invalid_msgs++;
        wn_ws_eng.c[WN_WS_C_MALFORMED]++;
        return 0;
    }
    const struct wn_usm_engine *me = wn_ws_v3_local();
    /* Our engine ID, or none (a discovery probe): we are authoritative
     * (an inform, a request).  Another engine's: a trap from it. */
    int authoritative = in.sp.engine_id_len == 0 ||
                        (in.sp.engine_id_len == me->id_len &&
                         memcmp(in.sp.engine_id, me->id, me->id_len) == 0);
    if (agent && !authoritative) {
        rc = WN_E_UNKNOWNENGINEID;
        report(sock, from, fromlen, &in, rc, count(rc), NULL);
        return 0;
    }
    struct wn_ws_user *user = NULL;
    struct wn_usm_engine eng;
    if (authoritative) {
        eng = *me;
    } else {
        const struct wn_usm_engine *known = remote_find(in.sp.engine_id, in.sp.engine_id_len);
        memset(&eng, 0, sizeof eng);
        if (known)
            eng = *known;
        else
            (void)wn_usm_engine_set_id(&eng, in.sp.engine_id, in.sp.engine_id_len);
    }
    rc = check(&in, authoritative, &eng, &user);
    uint8_t t = rc == 0 ? in.scoped.pdu.type : 0;
    if (rc == 0) {
        int ok = agent ? (t == WN_SNMP_PDU_GET || t == WN_SNMP_PDU_GETNEXT ||
                          t == WN_SNMP_PDU_GETBULK || t == WN_SNMP_PDU_SET)
                       : authoritative ? (t == WN_SNMP_PDU_INFORM || t == WN_SNMP_PDU_TRAP_V2)
                                       : t == WN_SNMP_PDU_TRAP_V2;
        /* An agent request for another engine's context is not ours to
         * answer (RFC 3412 4.2.2.1: no application registered for that
         * contextEngineID). */
        if (!ok || (agent && !context_is_ours(&in.scoped, me)))
            rc = WN_E_PROTOCOL;
    }
    if (rc < 0) {
        if (rc == WN_E_PROTOCOL) {
            unknown_pdu_handler(sock, from, fromlen, &in, user);
        } else {
            uint32_t value = count(rc);
            char who[WN_SOCKADDR_STRLEN];
            if (wn_sockaddr_format(from, who, sizeof who, 1) < 0)
                who[0] = '\0';
            wn_log(WN_LOG_DEBUG, "winsnmp", "SNMPv3 message from %s dropped: %s", who,
                   wn_strerror(rc));
            /* Only the authoritative side reports (traps are unconfirmed). */
            if (authoritative)
                report(sock, from, fromlen, &in, rc, value, user);
        }
        wn_ws_user_put(user);
        wn_wipe(in_plain, in.msg.encrypted_len);
        return 0;
    }
    if (!authoritative)
        remote_keep(&eng);
    if (agent && is_discovery_probe(&in.scoped)) {
        answer_probe(sock, from, fromlen, &in, user);
        wn_ws_user_put(user);
        wn_wipe(in_plain, in.msg.encrypted_len);
        return 0;
    }
    if (t == WN_SNMP_PDU_INFORM)
        ack_inform(sock, from, fromlen, &in, user);
    /* The v2c form the queue and SnmpRecvMsg already know. */
    struct wn_snmp_msg v2 = {.version = WN_SNMP_V2C, .community = in.scoped.context_name,
                             .community_len = in.scoped.context_name_len, .pdu = in.scoped.pdu};
    memset(v3, 0, sizeof *v3);
    memcpy(v3->user, user->usm.name, user->usm.name_len);
    v3->level = in.msg.flags & WN_USM_LEVEL_MASK;
    rc = wn_snmp_msg_encode(&v2, v2_buf, sizeof v2_buf, v2pkt, v2len);
    if (rc == 0)   /* the USM validated the ScopedPDU whole: its head suffices */
        rc = wn_snmp_msg_decode_head(*v2pkt, *v2len, m);
    if (rc == 0 && agent)
        pending_add(from, fromlen, &in, user);   /* takes the reference */
    else
        wn_ws_user_put(user);
    wn_wipe(in_plain, in.msg.encrypted_len);
    if (rc < 0) {
        wn_ws_v3_c.invalid_msgs++;
        wn_ws_eng.c[WN_WS_C_MALFORMED]++;
        return 0;
    }
    v2_used = *v2len;
    wn_ws_v3_c.delivered++;
    return 1;
}

void
wn_ws_v3_receive_end(void)
{
    WN_WS_ASSERT_LOCKED();
    wn_wipe(v2_buf, v2_used);
    v2_used = 0;
}

/* ------------------------------------------------------------------------
 * Sending.
 * ---------------------------------------------------------------------- */
/* Our msgIDs for the traps we send (RFC 3412: 0..2^31-1), started at a
 * random value. */
static int32_t trap_msg_id;

static int32_t
next_msg_id(void)
{
    if (trap_msg_id <= 0) {
        uint32_t r = 0;
        (void)wn_random(&r, sizeof r);
        trap_msg_id = (int32_t)(r & 0x3fffffffu) + 1;
    }
    int32_t id = trap_msg_id;
    trap_msg_id = trap_msg_id == INT32_MAX ? 1 : trap_msg_id + 1;
    return id;
}

int
wn_ws_v3_send_oneshot(struct wn_dgram_sock *sock, const struct sockaddr *to, socklen_t tolen,
                      const uint8_t *pkt, size_t len, const struct wn_ws_v3out *out)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_snmp_msg m;
    int rc = wn_snmp_msg_decode(pkt, len, &m);
    if (rc < 0)
        return rc;
    if (m.pdu.type == WN_SNMP_PDU_TRAP_V2 && out && out->user) {
        const struct wn_usm_engine *me = wn_ws_v3_local();
        struct wn_snmp_scoped_pdu sc = {
            .context_engine_id = out->ctx_engine_len ? out->ctx_engine : me->id,
            .context_engine_id_len = out->ctx_engine_len ? out->ctx_engine_len : me->id_len,
            .context_name = m.community, .context_name_len = m.community_len, .pdu = m.pdu};
        return send_scoped(sock, to, tolen, &out->user->usm, out->level, next_msg_id(),
                           WN_SNMP_MAX_MSG, &sc);
    }
    if (m.pdu.type != WN_SNMP_PDU_RESPONSE)
        return WN_E_UNSUPPORTED;
    /* The oldest request of that id from that address: a retransmission
     * (same request-id, new msgID) is answered in its turn. */
    struct pending *p = NULL;
    for (unsigned i = 0; i < WN_WS_V3_MAX_PENDING; i++)
        if (pend[i].used && pend[i].request_id == m.pdu.request_id &&
            addr_same(&pend[i].peer, pend[i].peerlen, to, tolen) &&
            (!p || pend[i].expires_ms < p->expires_ms))
            p = &pend[i];
    if (!p)
        return WN_E_NOTFOUND;
    /* A response names the request's context (RFC 3412 7.1 step 3). */
    struct wn_snmp_scoped_pdu sc = {.context_engine_id = p->ctx_engine,
                                    .context_engine_id_len = p->ctx_engine_len,
                                    .context_name = p->ctx_name,
                                    .context_name_len = p->ctx_name_len,
                                    .pdu = m.pdu};
    rc = send_scoped(sock, to, tolen, &p->user->usm, p->level, p->msg_id, p->max_size, &sc);
    if (rc == WN_E_NOSPACE) {
        /* Larger than the manager's msgMaxSize: tooBig with no varbinds
         * instead (RFC 3416 4.2.1), so the manager hears of it at once. */
        sc.pdu.error_status = WN_SNMP_ERR_TOOBIG;
        sc.pdu.error_index = 0;
        sc.pdu.vbs = NULL;
        sc.pdu.vb_count = 0;
        sc.pdu.vbl = NULL;
        sc.pdu.vbl_len = 0;
        rc = send_scoped(sock, to, tolen, &p->user->usm, p->level, p->msg_id, p->max_size, &sc);
    }
    wn_ws_user_put(p->user);
    memset(p, 0, sizeof *p);
    return rc;
}

int
wn_ws_v3_job_out(struct wn_ws_job *job, const struct wn_ws_entity *dst,
                 const struct wn_ws_context *ctx)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_v3out *o = wn_calloc(1, sizeof *o);
    if (!o)
        return WN_E_NOMEM;
    if (dst->user)
        wn_ws_user_hold(dst->user);
    o->user = dst->user;
    o->level = dst->level;
    /* Neither names one: ours, at send time. */
    const uint8_t *ce;
    size_t cel;
    wn_ws_v3_ctx_engine_id(dst, ctx, &ce, &cel);
    memcpy(o->ctx_engine, ce, cel);
    o->ctx_engine_len = cel;
    job->v3out = o;
    return 0;
}

void
wn_ws_v3_reset(void)
{
    WN_WS_ASSERT_LOCKED();
    for (unsigned i = 0; i < WN_WS_V3_MAX_PENDING; i++)
        if (pend[i].used)
            wn_ws_user_put(pend[i].user);
    memset(pend, 0, sizeof pend);
    memset(remote, 0, sizeof remote);
    for (unsigned i = 0; i < WN_WS_V3_MAX_HELD_USERS; i++)
        wn_ws_user_put(held[i].user);
    memset(held, 0, sizeof held);
}

int
wn_ws_v3_entity_name(struct wn_ws_entity *e, const struct wn_ws_v3in *v3)
{
    WN_WS_ASSERT_LOCKED();
    char addr[WN_WS_ADDR_TEXT_MAX];
    wn_ws_addr_format(&e->addr, e->port, addr, sizeof addr);
    char buf[sizeof WN_USM_ENTITY_PREFIX + 3 * WN_USM_MAX_USER_NAME + sizeof addr + 32];
    int rc = wn_usm_entity_format(v3->user, strlen(v3->user), v3->level, addr, buf, sizeof buf);
    if (rc < 0)
        return rc;
    char *str = wn_strdup(buf);
    if (!str)
        return WN_E_NOMEM;
    wn_free(e->str);
    e->str = str;
    /* The user, so that the program can send to this entity too (a user
     * removed from the database meanwhile leaves it without one). */
    struct wn_ws_user *u = NULL;
    if (!e->user && wn_ws_user_find(v3->user, &u) == 0)
        e->user = u;
    e->level = v3->level;
    return 0;
}
