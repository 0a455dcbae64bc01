/* exchange.c: one request's SNMPv3 exchange as an I/O-free state machine: discovery, time sync, the request, resync, rediscovery and the wrong-priv diagnosis (usm.h, docs/snmpv3.md). */
#include "usm.h"

#include <string.h>

/* PH_DIAG_AUTH, PH_DIAG_PRIV: the wrong-priv diagnosis after an authPriv
 * request went unanswered (its two probes; docs/snmpv3.md, "The
 * exchange", step 4). */
enum phase { PH_NEW, PH_PROBE, PH_SYNC, PH_REQUEST, PH_DIAG_AUTH, PH_DIAG_PRIV, PH_END };

static int32_t
next_msg_id(struct wn_usm_exchange *x)
{
    int32_t id = *x->msg_ids;
    if (id < 1)
        id = 1;
    *x->msg_ids = id == WN_SNMP_V3_MAX_INT ? 1 : id + 1;
    return id;
}

/* The step a phase is, as the observer names it (the diagnosis's
 * conclusion is the request's outcome). */
static const char *
step_name(int phase)
{
    switch (phase) {
    case PH_PROBE:
        return "engine ID discovery";
    case PH_SYNC:
        return "time synchronisation";
    default:
        return "request";
    }
}

/* Tells the observer, if any (never on the path of an answered request
 * to a known engine). */
static void
note(const struct wn_usm_exchange *x, enum wn_usm_event ev, int err, const char *what)
{
    if (x->on_event)
        x->on_event(x, ev, err, what);
}

static int
fail(struct wn_usm_exchange *x, int err)
{
    note(x, WN_USM_EV_FAILED, err, step_name(x->phase));
    if (x->peer->discovering == x)
        x->peer->discovering = NULL;
    x->phase = PH_END;
    x->err = err;
    return WN_USM_STEP_FAIL;
}

/* Encodes a message of x's with pdu at level as (user may be NULL) and
 * says SEND.  Probes carry no varbinds and use their msgID as request-id. */
static int
emit(struct wn_usm_exchange *x, int phase, struct wn_usm_user *user, uint8_t level,
     const struct wn_snmp_pdu *pdu, uint64_t now_ms)
{
    x->msg_id = next_msg_id(x);
    struct wn_snmp_pdu probe = {.type = WN_SNMP_PDU_GET, .request_id = x->msg_id};
    struct wn_snmp_scoped_pdu sc = {
        .context_engine_id = x->peer->engine.id, .context_engine_id_len = x->peer->engine.id_len,
        .pdu = pdu ? *pdu : probe,
    };
    if (pdu) {
        sc.context_name = x->context_name;
        sc.context_name_len = x->context_name_len;
        if (x->context_engine_id_len) {
            sc.context_engine_id = x->context_engine_id;
            sc.context_engine_id_len = x->context_engine_id_len;
        }
    }
    struct wn_usm_out o = {
        .user = user, .engine = &x->peer->engine, .flags = level | WN_SNMP_V3_FLAG_REPORTABLE,
        .msg_id = x->msg_id, .max_size = x->max_size, .scoped = &sc,
    };
    x->phase = phase;       /* a failure names the step it was making */
    int rc = wn_usm_encode(&o, x->salt, now_ms, x->buf, x->buf_cap, x->scratch, x->scratch_cap,
                           &x->out, &x->out_len);
    if (rc)
        return fail(x, rc);
    return WN_USM_STEP_SEND;
}

static int
needs_time(const struct wn_usm_exchange *x)
{
    return (x->level & WN_SNMP_V3_FLAG_AUTH) && !x->peer->engine.time_known;
}

/* The peer is ready for this exchange: the request, or DONE when there is
 * none. */
static int
request(struct wn_usm_exchange *x, uint64_t now_ms)
{
    if (x->peer->discovering == x)
        x->peer->discovering = NULL;
    if (!x->pdu) {
        x->phase = PH_END;
        return WN_USM_STEP_DONE;
    }
    return emit(x, PH_REQUEST, x->user, x->level, x->pdu, now_ms);
}

static int
sync_time(struct wn_usm_exchange *x, uint64_t now_ms)
{
    return emit(x, PH_SYNC, x->user, WN_SNMP_V3_FLAG_AUTH, NULL, now_ms);
}

static int
probe(struct wn_usm_exchange *x, uint64_t now_ms)
{
    memset(&x->peer->engine, 0, sizeof x->peer->engine);
    x->peer->discovering = x;
    note(x, WN_USM_EV_DISCOVER, 0, NULL);
    /* RFC 3414 4: noAuthNoPriv, empty engine ID and user name. */
    return emit(x, PH_PROBE, NULL, 0, NULL, now_ms);
}

int
wn_usm_exchange_start(struct wn_usm_exchange *x, uint64_t now_ms)
{
    if (!x || !x->peer || !x->user || !x->msg_ids || !x->buf
        || ((x->level & WN_SNMP_V3_FLAG_PRIV) && !(x->level & WN_SNMP_V3_FLAG_AUTH)))
        return WN_E_INVAL;
    x->err = 0;
    if (x->peer->discovering && x->peer->discovering != x)
        return WN_USM_STEP_WAIT;
    if (!x->peer->engine.id_len)
        return probe(x, now_ms);
    if (needs_time(x)) {
        x->peer->discovering = x;
        return sync_time(x, now_ms);
    }
    return request(x, now_ms);
}

static int
authenticated(const struct wn_usm_exchange *x)
{
    return (x->in.msg.flags & WN_SNMP_V3_FLAG_AUTH) != 0;
}

static int
process(struct wn_usm_exchange *x, uint64_t now_ms)
{
    return wn_usm_process_in(&x->in, x->user, &x->peer->engine, 0, now_ms, x->scratch,
                             x->scratch_cap);
}

static int
on_probe_reply(struct wn_usm_exchange *x, uint64_t now_ms)
{
    if (x->in.scoped.pdu.type != WN_SNMP_PDU_REPORT || authenticated(x)
        || wn_usm_engine_set_id(&x->peer->engine, x->in.sp.engine_id, x->in.sp.engine_id_len))
        return fail(x, WN_E_PROTOCOL);
    x->peer->discoveries++;
    note(x, WN_USM_EV_DISCOVERED, 0, NULL);
    return needs_time(x) ? sync_time(x, now_ms) : request(x, now_ms);
}

static int
on_sync_reply(struct wn_usm_exchange *x, uint64_t now_ms)
{
    /* Unauthenticated: the agent refused us (wrong digest, unknown user). */
    if (!authenticated(x)) {
        if (x->in.scoped.pdu.type != WN_SNMP_PDU_REPORT)
            return fail(x, WN_E_PROTOCOL);
        int err = wn_usm_report_error(&x->in.scoped.pdu);
        note(x, WN_USM_EV_REPORT, err, NULL);
        return fail(x, err);
    }
    int rc = process(x, now_ms);      /* rule 7b takes the agent's clock */
    if (rc)
        return fail(x, rc);
    if (!x->peer->engine.time_known)
        return fail(x, WN_E_PROTOCOL);
    x->peer->time_syncs++;
    note(x, WN_USM_EV_TIME_SYNCED, 0, NULL);
    return request(x, now_ms);
}

static int
same_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

/* NULL when x->in is a Response to x's request on everything the request
 * fixed (RFC 3412 7.2 step 12, what net-snmp's snmpv3_verify_msg checks
 * too): the peer's engine ID, the user, the level, the contextEngineID
 * and contextName, and the request-id; else the name of the first field
 * that differs.  Authenticated ones were also checked by the USM (digest,
 * time window) by then. */
static const char *
differs_from_request(const struct wn_usm_exchange *x)
{
    const struct wn_usm_in *in = &x->in;
    const struct wn_usm_engine *e = &x->peer->engine;
    const uint8_t *ce = x->context_engine_id_len ? x->context_engine_id : e->id;
    size_t ce_len = x->context_engine_id_len ? x->context_engine_id_len : e->id_len;
    if (in->scoped.pdu.type != WN_SNMP_PDU_RESPONSE)
        return "PDU type";
    if (in->scoped.pdu.request_id != x->pdu->request_id)
        return "request-id";
    if ((in->msg.flags & WN_USM_LEVEL_MASK) != x->level)
        return "security level";
    if (!same_bytes(in->sp.engine_id, in->sp.engine_id_len, e->id, e->id_len))
        return "msgAuthoritativeEngineID";
    if (!same_bytes(in->sp.user, in->sp.user_len, (const uint8_t *)x->user->name,
                    x->user->name_len))
        return "msgUserName";
    if (!same_bytes(in->scoped.context_engine_id, in->scoped.context_engine_id_len, ce, ce_len))
        return "contextEngineID";
    if (!same_bytes(in->scoped.context_name, in->scoped.context_name_len, x->context_name,
                    x->context_name_len))
        return "contextName";
    return NULL;
}

static int
on_request_reply(struct wn_usm_exchange *x, uint64_t now_ms)
{
    int authed = authenticated(x);
    if (authed) {
        int rc = process(x, now_ms);
        if (rc)
            return fail(x, rc);
    }
    const struct wn_snmp_pdu *got = &x->in.scoped.pdu;
    if (got->type == WN_SNMP_PDU_REPORT) {
        int rc = wn_usm_report_error(got);
        note(x, WN_USM_EV_REPORT, rc, NULL);
        /* An authenticated notInTimeWindow report already moved our clock
         * (7b in process): resend once.  A changed engine ID: discover
         * again, once. */
        if (x->resends == 0 && rc == WN_E_NOTINTIMEWINDOW && authed) {
            x->resends++;
            x->peer->resyncs++;
            note(x, WN_USM_EV_RESYNC, 0, NULL);
            return request(x, now_ms);
        }
        if (x->resends == 0 && rc == WN_E_UNKNOWNENGINEID) {
            x->resends++;
            x->peer->resyncs++;
            if (x->peer->discovering && x->peer->discovering != x)
                return fail(x, rc);
            note(x, WN_USM_EV_REDISCOVER, 0, NULL);
            return probe(x, now_ms);
        }
        return fail(x, rc);
    }
    /* Anything else with our msgID that is not the answer to exactly this
     * request is discarded (RFC 3412 7.2 step 12): the request goes on. */
    const char *field = differs_from_request(x);
    if (field) {
        note(x, WN_USM_EV_DROPPED, 0, field);
        return WN_USM_STEP_IGNORE;
    }
    x->phase = PH_END;
    return WN_USM_STEP_DONE;
}

/* The diagnosis's probes carry no varbinds and name the default context
 * (the empty contextName of the agent's own engine), which every agent
 * serves.  The authNoPriv probe answered proves the engine, the user, the
 * auth key and the clock; the authPriv probe then tells whether privacy
 * works: answered, the request was dropped for another reason (snmpd
 * also drops, without a report, a request for a contextName it does not
 * serve), so it timed out; unanswered (snmpd drops what it cannot
 * decrypt, counting snmpInASNParseErrs), the priv key is wrong. */
static int
on_diag_reply(struct wn_usm_exchange *x, uint64_t now_ms)
{
    int ok = authenticated(x) && process(x, now_ms) == 0;
    const struct wn_snmp_pdu *got = &x->in.scoped.pdu;
    int report = got->type == WN_SNMP_PDU_REPORT ? wn_usm_report_error(got) : 0;
    if (report)
        note(x, WN_USM_EV_REPORT, report, NULL);
    if (x->phase == PH_DIAG_AUTH) {
        if (ok) {
            note(x, WN_USM_EV_DIAG_PRIV, 0, NULL);
            return emit(x, PH_DIAG_PRIV, x->user, x->level, NULL, now_ms);
        }
        note(x, WN_USM_EV_DIAGNOSED, WN_E_TIMEOUT,
             "the authNoPriv probe was refused: the request timed out");
        return fail(x, WN_E_TIMEOUT);
    }
    /* An agent that reports what it cannot decrypt (RFC 3414 3.2 step 8). */
    if (report == WN_E_DECRYPTIONERROR) {
        note(x, WN_USM_EV_DIAGNOSED, WN_E_DECRYPTIONERROR,
             "the agent cannot decrypt the authPriv probe: wrong priv pass phrase or protocol");
        return fail(x, WN_E_DECRYPTIONERROR);
    }
    if (ok && (x->in.msg.flags & WN_SNMP_V3_FLAG_PRIV)) {
        note(x, WN_USM_EV_DIAGNOSED, WN_E_TIMEOUT,
             "the authPriv probe was answered: privacy works, the request was dropped for "
             "another reason (e.g. a contextName the agent does not serve) and timed out");
        return fail(x, WN_E_TIMEOUT);
    }
    /* Anything else proves nothing about privacy: wait for the answer or
     * the timeout. */
    if (!report)
        note(x, WN_USM_EV_DROPPED, 0, ok ? "security level" : "authentication");
    return WN_USM_STEP_IGNORE;
}

int
wn_usm_exchange_reply(struct wn_usm_exchange *x, const uint8_t *dgram, size_t len,
                      uint64_t now_ms)
{
    if (!x || x->phase == PH_NEW || x->phase == PH_END)
        return WN_E_INVAL;
    struct wn_usm_in in;
    if (wn_usm_parse(dgram, len, &in) != 0 || in.msg.msg_id != x->msg_id)
        return WN_USM_STEP_IGNORE;
    x->in = in;
    switch (x->phase) {
    case PH_PROBE:
        return on_probe_reply(x, now_ms);
    case PH_SYNC:
        return on_sync_reply(x, now_ms);
    case PH_REQUEST:
        return on_request_reply(x, now_ms);
    default:    /* PH_DIAG_AUTH, PH_DIAG_PRIV */
        return on_diag_reply(x, now_ms);
    }
}

int
wn_usm_exchange_timeout(struct wn_usm_exchange *x, uint64_t now_ms)
{
    if (!x || x->phase == PH_NEW || x->phase == PH_END)
        return WN_E_INVAL;
    /* snmpd drops what it cannot decrypt, without a report: diagnose. */
    if (x->phase == PH_REQUEST && (x->level & WN_SNMP_V3_FLAG_PRIV) && x->peer->engine.time_known) {
        note(x, WN_USM_EV_DIAG_AUTH, 0, NULL);
        return emit(x, PH_DIAG_AUTH, x->user, WN_SNMP_V3_FLAG_AUTH, NULL, now_ms);
    }
    /* Authentication works and privacy does not. */
    if (x->phase == PH_DIAG_PRIV) {
        note(x, WN_USM_EV_DIAGNOSED, WN_E_DECRYPTIONERROR,
             "the authPriv probe went unanswered after the authNoPriv one was answered: "
             "wrong priv pass phrase or protocol");
        return fail(x, WN_E_DECRYPTIONERROR);
    }
    if (x->phase == PH_DIAG_AUTH)
        note(x, WN_USM_EV_DIAGNOSED, WN_E_TIMEOUT,
             "the authNoPriv probe went unanswered too: the agent is silent");
    return fail(x, WN_E_TIMEOUT);
}

void
wn_usm_exchange_abort(struct wn_usm_exchange *x)
{
    if (x && x->peer && x->peer->discovering == x)
        x->peer->discovering = NULL;
    if (x)
        x->phase = PH_END;
}
