/* messaging.c: SnmpSendMsg, SnmpRecvMsg, SnmpCancelMsg, SnmpEncodeMsg and SnmpDecodeMsg over the engine. */
#include "engine_int.h"
#include "v3int.h"
#include "engv3.h"
#include "v3codec.h"

#include <stddef.h>
#include <string.h>

/* The extra fields a v1 Trap-PDU made from p takes: a decoded v1 trap's
 * own agent-addr, else the process's (SnmpSetAgentAddress). [locked] */
static void
v1_fields(const struct wn_ws_pdu *p, struct wn_ws_v1_fields *f)
{
    WN_WS_ASSERT_LOCKED();
    if (p->from_v1_trap)
        memcpy(f->agent_addr, p->agent_addr, sizeof f->agent_addr);
    else
        wn_ws_agent_addr(f->agent_addr);
    f->tail = p->v1_tail;
}

static int
expects_reply(smiINT type)
{
    return type == SNMP_PDU_GET || type == SNMP_PDU_GETNEXT || type == SNMP_PDU_GETBULK ||
           type == SNMP_PDU_SET || type == SNMP_PDU_INFORM;
}

/* The handles SnmpSendMsg and SnmpEncodeMsg take, looked up in the order
 * their errors are reported.  0, or the SNMPAPI_* code to fail with (a->s
 * is then the session to charge it to, NULL if the session is bad). [locked] */
struct msg_args {
    struct wn_ws_session *s;
    struct wn_ws_entity *src, *dst;
    struct wn_ws_context *ctx;
    struct wn_ws_pdu *pdu;
};

static smiUINT32
msg_args_get(HSNMP_SESSION session, HSNMP_ENTITY srcEntity, HSNMP_ENTITY dstEntity,
             HSNMP_CONTEXT context, HSNMP_PDU pdu, struct msg_args *a)
{
    WN_WS_ASSERT_LOCKED();
    memset(a, 0, sizeof *a);
    a->s = wn_ws_session_get(session);
    if (!a->s)
        return SNMPAPI_SESSION_INVALID;
    a->dst = wn_ws_entity_get(dstEntity);
    a->src = srcEntity ? wn_ws_entity_get(srcEntity) : NULL;
    if (!a->dst || (srcEntity && !a->src))
        return SNMPAPI_ENTITY_INVALID;
    a->ctx = wn_ws_context_get(context);
    if (!a->ctx || a->ctx->len > WN_SNMP_MAX_COMMUNITY)   /* too long for the wire */
        return SNMPAPI_CONTEXT_INVALID;
    a->pdu = wn_ws_pdu_get(pdu);
    if (!a->pdu)
        return SNMPAPI_PDU_INVALID;
    return 0;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSendMsg(HSNMP_SESSION session, HSNMP_ENTITY srcEntity, HSNMP_ENTITY dstEntity,
            HSNMP_CONTEXT context, HSNMP_PDU PDU)
{
    WN_WS_ENTER();
    struct msg_args a;
    smiUINT32 bad = msg_args_get(session, srcEntity, dstEntity, context, PDU, &a);
    if (bad)
        return wn_ws_unlock_fail(a.s, bad);
    struct wn_ws_session *s = a.s;
    struct wn_ws_entity *src = a.src, *dst = a.dst;
    struct wn_ws_context *ctx = a.ctx;
    struct wn_ws_pdu *pdu = a.pdu;
    /* v3: requests run on the I/O thread's exchange engine (engv3.c);
     * one-shot sends (Trap, Response) go out from our engine (v3agent.c).
     * Both are encoded here in v2c form (community: the context name). */
    int v3 = dst->version == WN_WS_V3;
    if (!wn_ws_eng_loop())
        return wn_ws_unlock_fail(s, SNMPAPI_TL_NOT_INITIALIZED);

    struct wn_ws_sess_eng *se;
    int rc = wn_ws_eng_session(s, &se);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));

    /* The job and its packet in one allocation. */
    void *block = NULL;
    size_t len = 0;
    uint8_t sent_type = 0;
    if (dst->addrlen > sizeof(union wn_sockaddr_in46))   /* not a UDP address */
        return wn_ws_unlock_fail(s, SNMPAPI_ENTITY_INVALID);
    struct wn_ws_v1_fields v1;
    v1_fields(pdu, &v1);
    const uint8_t *community = ctx->community;
    uint32_t community_len = ctx->len;
    if (v3)
        wn_ws_v3_context_name(ctx, &community, &community_len);
    rc = wn_ws_encode_block(v3 ? WN_WS_V2C : dst->version, community, community_len, pdu->type,
                            pdu->request_id, pdu->error_status, pdu->error_index, &pdu->vbl,
                            &v1, offsetof(struct wn_ws_job, data), &block, &len, &sent_type);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_PDU_INVALID));
    struct wn_ws_job *job = block;
    memset(job, 0, offsetof(struct wn_ws_job, data));
    job->pkt = job->data;
    job->len = len;
    job->sent_type = sent_type;
    job->session = s->hdr.handle;
    job->app_reqid = pdu->request_id;
    job->pdu_type = (uint8_t)pdu->type;
    job->version = (uint8_t)dst->version;
    job->listener_idx = wn_ws_eng_listener_of(src);
    job->expects_reply = (uint8_t)expects_reply(pdu->type);
    job->error_status = pdu->error_status;
    job->error_index = pdu->error_index;
    job->h_src = src ? src->hdr.handle : 0;
    job->h_dst = dst->hdr.handle;
    job->h_ctx = ctx->hdr.handle;
    memcpy(&job->dreq.dest, &dst->addr, dst->addrlen);
    job->dreq.destlen = dst->addrlen;
    if (src && src->addrlen <= sizeof job->src) {
        memcpy(&job->src, &src->addr, src->addrlen);
        job->srclen = src->addrlen;
    }
    /* What the USM needs on the I/O thread: the user (one more
     * reference), the level, the contextEngineID. */
    rc = !v3 ? 0 : job->expects_reply ? wn_ws_v3_job_init(job, dst, ctx)
                                      : wn_ws_v3_job_out(job, dst, ctx);
    if (rc < 0) {
        wn_ws_job_free(job);
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    }
    if (job->expects_reply) {
        /* Our own bytes: cannot fail. */
        (void)wn_ws_community_view(job->pkt, job->len, &job->community, &job->community_len);
        smiTIMETICKS cs = dst->timeout_cs ? dst->timeout_cs : WN_WS_DEFAULT_TIMEOUT_CS;
        uint64_t ms = (uint64_t)cs * 10u;
        job->dreq.timeout_ms = ms > UINT32_MAX ? UINT32_MAX
                               : ms < WN_WS_MIN_TIMEOUT_MS ? WN_WS_MIN_TIMEOUT_MS
                                                           : (uint32_t)ms;
        job->dreq.retries = wn_ws_retransmit_mode() == SNMPAPI_ON ? dst->retry : 0;
        wn_ws_job_link(se, job);
    }
    rc = wn_ws_eng_submit(job);
    if (rc < 0) {
        if (job->expects_reply)
            wn_ws_job_unlink(se, job);
        wn_ws_job_free(job);
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    }
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpCancelMsg(HSNMP_SESSION session, smiINT32 reqId)
{
    WN_WS_ENTER();
    struct wn_ws_session *s = wn_ws_session_get(session);
    if (!s)
        return wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
    struct wn_ws_sess_eng *se = s->engine;
    struct wn_ws_job *job = se ? se->jobs : NULL;
    while (job && job->app_reqid != reqId)
        job = job->next;
    if (!job)
        return wn_ws_unlock_fail(s, SNMPAPI_PDU_INVALID);
    wn_ws_job_unlink(se, job);
    /* The spec: no further retransmission and no timeout notification. */
    wn_ws_eng_cancel(job);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

/* The object an entity or context out parameter of SnmpRecvMsg gets: the
 * request's own handle with one more reference (reused), or one made for
 * it.  On failure a made one is freed and a reused one released. */
struct out_entity {
    struct wn_ws_entity *e;
    int reused;
};
struct out_context {
    struct wn_ws_context *c;
    int reused;
};

/* The request's handle h while it is valid (a new reference), else a new
 * entity for the address (none when salen is 0).  0 or WN_E_*. [locked] */
static int
entity_out(struct wn_ws_session *s, uintptr_t h, const void *sa, socklen_t salen, int version,
           struct out_entity *o)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_entity *e = h ? wn_ws_entity_get((HSNMP_ENTITY)h) : NULL;
    if (e && wn_ws_entity_ref(e) == 0) {
        o->e = e;
        o->reused = 1;
        return 0;
    }
    if (!salen)
        return 0;
    return wn_ws_entity_create_addr(s, (const struct sockaddr *)sa, salen, version, &o->e);
}

static int
context_out(struct wn_ws_session *s, uintptr_t h, const uint8_t *community, uint32_t len,
            struct out_context *o)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_context *c = h ? wn_ws_context_get((HSNMP_CONTEXT)h) : NULL;
    if (c && wn_ws_context_ref(c) == 0) {
        o->c = c;
        o->reused = 1;
        return 0;
    }
    return wn_ws_context_create(s, community, len, NULL, &o->c);
}

static void
entity_out_drop(struct out_entity *o)
{
    if (o->e && o->reused)
        wn_ws_entity_unref(o->e);
    else if (o->e)
        wn_ws_entity_free(o->e);
    o->e = NULL;
}

static void
context_out_drop(struct out_context *o)
{
    if (o->c && o->reused)
        wn_ws_context_unref(o->c);
    else if (o->c)
        wn_ws_context_free(o->c);
    o->c = NULL;
}

/* Makes the PDU object of a decoded message in s, taking d's varbinds
 * (d's list is empty afterwards either way).  0 or WN_E_*. [locked] */
static int
decoded_pdu(struct wn_ws_session *s, struct wn_ws_decoded *d, struct wn_ws_pdu **pdu)
{
    WN_WS_ASSERT_LOCKED();
    int rc = wn_ws_pdu_adopt(s, d->type, d->request_id, d->error_status, d->error_index,
                             &d->vbl, pdu);
    wn_ws_vblist_clear(&d->vbl);
    if (rc < 0)
        return rc;
    (*pdu)->from_v1_trap = d->from_v1_trap;
    memcpy((*pdu)->agent_addr, d->agent_addr, sizeof d->agent_addr);
    (*pdu)->v1_tail = d->v1_tail;
    return 0;
}

/* SnmpRecvMsg for a transport-error report: the outs are the failed
 * request's (its own handles while valid).  0 or WN_E_*. [locked] */
static int
error_outs(struct wn_ws_session *s, const struct wn_ws_job *job, int want_src, int want_dst,
           int want_ctx, struct out_entity *src, struct out_entity *dst,
           struct out_context *ctx, struct wn_ws_pdu **pdu)
{
    WN_WS_ASSERT_LOCKED();
    int rc = 0;
    /* Objects for out parameters the caller passed as NULL are not made. */
    if (want_src)
        rc = entity_out(s, job->h_dst, &job->dreq.dest, job->dreq.destlen, job->version, src);
    if (rc == 0 && want_dst)
        rc = entity_out(s, job->h_src, &job->src, job->srclen, job->version, dst);
    if (rc == 0 && want_ctx)
        rc = context_out(s, job->h_ctx, job->community, job->community_len, ctx);
    if (rc == 0)
        rc = wn_ws_pdu_create(s, job->pdu_type, job->app_reqid, job->error_status,
                              job->error_index, &job->vbl, pdu);
    return rc;
}

/* SnmpRecvMsg for a received datagram: a response gives back the handles
 * of its request (while valid), anything else gets new ones.  0, or the
 * SNMPAPI_* code to fail with. [locked] */
static smiUINT32
message_outs(struct wn_ws_session *s, const struct wn_ws_qmsg *m, int want_src, int want_dst,
             int want_ctx, struct out_entity *src, struct out_entity *dst,
             struct out_context *ctx, struct wn_ws_pdu **pdu)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_decoded d;
    /* Decoded once: a response goes on from the validation the engine made
     * when it matched it. */
    int rc = m->validated
                 ? wn_ws_decode_msg(&m->msg, m->orig_type, wn_ws_convey_agent_addr(),
                                    m->list.vb ? &m->list : NULL, &d)
                 : wn_ws_decode(m->pkt, m->len, m->orig_type, wn_ws_convey_agent_addr(), &d);
    if (rc < 0)
        return wn_ws_map_err(rc, SNMPAPI_MESSAGE_INVALID);
    if (want_ctx)
        rc = context_out(s, m->h_ctx, d.community, d.community_len, ctx);
    if (rc == 0)
        rc = decoded_pdu(s, &d, pdu);
    wn_ws_vblist_clear(&d.vbl);
    if (rc < 0)
        return wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR);
    /* The wire id may differ for a response; a v1 trap had none. */
    if ((*pdu)->type == SNMP_PDU_RESPONSE ||
        ((*pdu)->type == SNMP_PDU_TRAP && (*pdu)->request_id == 0))
        (*pdu)->request_id = m->reqid;
    /* A v3 message: its entities are v3 ones, the sender's named by the
     * user and level it came with. */
    int version = m->v3 ? WN_WS_V3 : d.version;
    if (want_src)
        rc = entity_out(s, m->h_dst, &m->from, m->fromlen, version, src);
    if (rc == 0 && want_src && m->v3 && src->e && !src->reused)
        rc = wn_ws_v3_entity_name(src->e, m->v3);
    if (rc == 0 && want_dst)
        rc = entity_out(s, m->h_src, &m->to, m->tolen, version, dst);
    if (rc == 0 && want_dst && m->v3 && dst->e && !dst->reused)
        rc = wn_ws_v3_entity_name(dst->e, m->v3);
    return rc < 0 ? wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR) : 0;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpRecvMsg(HSNMP_SESSION session, LPHSNMP_ENTITY srcEntity, LPHSNMP_ENTITY dstEntity,
            LPHSNMP_CONTEXT context, LPHSNMP_PDU PDU)
{
    WN_WS_ENTER();
    struct wn_ws_session *s = wn_ws_session_get(session);
    if (!s)
        return wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
    struct wn_ws_sess_eng *se = s->engine;
    struct wn_ws_qlink *l = se ? wn_ws_eng_dequeue(se) : NULL;
    if (!l)
        return wn_ws_unlock_fail(s, SNMPAPI_NOOP);
    struct wn_ws_job *failed = l->job;   /* a failed request, else a message */

    struct out_entity src = {NULL, 0}, dst = {NULL, 0};
    struct out_context ctx = {NULL, 0};
    struct wn_ws_pdu *pdu = NULL;
    smiUINT32 code = 0;
    int made = 1;   /* the outs were all made */
    if (failed) {
        /* A transport error: the outs still say which request failed. */
        int rc = error_outs(s, failed, srcEntity != NULL, dstEntity != NULL, context != NULL,
                            &src, &dst, &ctx, &pdu);
        made = rc == 0;
        code = rc < 0 ? wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR) : failed->fail_code;
    } else {
        code = message_outs(s, (const struct wn_ws_qmsg *)l, srcEntity != NULL,
                            dstEntity != NULL, context != NULL, &src, &dst, &ctx, &pdu);
        made = code == 0;
    }
    wn_ws_qlink_free(l);
    if (!made || !pdu) {
        entity_out_drop(&src);
        entity_out_drop(&dst);
        context_out_drop(&ctx);
        if (pdu)
            wn_ws_pdu_free(pdu);
        return wn_ws_unlock_fail(s, code);
    }
    if (srcEntity)
        *srcEntity = src.e ? WN_WS_HANDLE(src.e) : NULL;
    if (dstEntity)
        *dstEntity = dst.e ? WN_WS_HANDLE(dst.e) : NULL;
    if (context)
        *context = ctx.c ? WN_WS_HANDLE(ctx.c) : NULL;
    if (PDU)
        *PDU = WN_WS_HANDLE(pdu);
    else
        wn_ws_pdu_free(pdu);
    if (code)
        return wn_ws_unlock_fail(s, code);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpEncodeMsg(HSNMP_SESSION session, HSNMP_ENTITY srcEntity, HSNMP_ENTITY dstEntity,
              HSNMP_CONTEXT context, HSNMP_PDU pdu, smiLPOCTETS msgBufDesc)
{
    WN_WS_ENTER();
    struct msg_args a;
    smiUINT32 bad = msg_args_get(session, srcEntity, dstEntity, context, pdu, &a);
    if (bad)
        return wn_ws_unlock_fail(a.s, bad);
    struct wn_ws_session *s = a.s;
    struct wn_ws_entity *dst = a.dst;
    struct wn_ws_context *ctx = a.ctx;
    struct wn_ws_pdu *p = a.pdu;
    if (!msgBufDesc)   /* the only out: nothing to do */
        return wn_ws_unlock_fail(s, SNMPAPI_NOOP);
    uint8_t *pkt = NULL;
    size_t len = 0;
    struct wn_ws_v1_fields v1;
    v1_fields(p, &v1);
    int rc;
    if (dst->version == WN_WS_V3 && !dst->user)   /* a received message's user, gone since */
        return wn_ws_unlock_fail(s, SNMPAPI_ENTITY_INVALID);
    if (dst->version == WN_WS_V3)
        rc = wn_ws_v3_encode_msg(dst, ctx, p, &pkt, &len);
    else
        rc = wn_ws_encode(dst->version, ctx->community, ctx->len, p->type, p->request_id,
                          p->error_status, p->error_index, &p->vbl, &v1, &pkt, &len, NULL);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_PDU_INVALID));
    rc = wn_ws_desc_octets(msgBufDesc, pkt, len);
    wn_free(pkt);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    wn_ws_unlock();
    return (SNMPAPI_STATUS)len;
}

/* SnmpDecodeMsg's entity for a v3 message: its user and level at the
 * unspecified address 0.0.0.0 (a message carries none).  0 or WN_E_*.
 * [locked] */
static int
v3_decoded_entity(struct wn_ws_session *s, const struct wn_ws_v3in *v3, struct out_entity *o)
{
    struct sockaddr_in none = {.sin_family = AF_INET};
    int rc = wn_ws_entity_create_addr(s, (const struct sockaddr *)&none, sizeof none, WN_WS_V3,
                                      &o->e);
    if (rc == 0)
        rc = wn_ws_v3_entity_name(o->e, v3);
    return rc;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpDecodeMsg(HSNMP_SESSION session, LPHSNMP_ENTITY srcEntity, LPHSNMP_ENTITY dstEntity,
              LPHSNMP_CONTEXT context, LPHSNMP_PDU pdu, smiLPCOCTETS msgBufDesc)
{
    WN_WS_ENTER();
    struct wn_ws_session *s = wn_ws_session_get(session);
    if (!s)
        return wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
    if (!msgBufDesc || !msgBufDesc->ptr || msgBufDesc->len == 0)
        return wn_ws_unlock_fail(s, SNMPAPI_MESSAGE_INVALID);
    /* v3: checked and decrypted for a user of the user table. */
    int v3 = wn_ws_v3_looks_v3(msgBufDesc->ptr, msgBufDesc->len);
    struct wn_ws_v3_decoded x;
    struct wn_ws_decoded *d = &x.d;
    int rc = v3 ? wn_ws_v3_decode_msg(msgBufDesc->ptr, msgBufDesc->len,
                                      wn_ws_convey_agent_addr(), &x)
                : wn_ws_decode(msgBufDesc->ptr, msgBufDesc->len, 0, wn_ws_convey_agent_addr(), d);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_MESSAGE_INVALID));
    struct wn_ws_context *ctx = NULL;
    struct wn_ws_pdu *p = NULL;
    struct out_entity src = {NULL, 0}, dst = {NULL, 0};
    if (context)
        rc = wn_ws_context_create(s, d->community, d->community_len, NULL, &ctx);
    if (rc == 0)
        rc = decoded_pdu(s, d, &p);
    wn_ws_vblist_clear(&d->vbl);
    if (v3) {
        wn_ws_v3_decoded_end(&x);
        /* The message's user and level; no address (none in a message). */
        if (rc == 0 && srcEntity)
            rc = v3_decoded_entity(s, &x.v3, &src);
        if (rc == 0 && dstEntity)
            rc = v3_decoded_entity(s, &x.v3, &dst);
    }
    if (rc < 0) {
        if (ctx)
            wn_ws_context_free(ctx);
        if (p)
            wn_ws_pdu_free(p);
        entity_out_drop(&src);
        entity_out_drop(&dst);
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    }
    /* A v1 Trap-PDU has no request id: it gets one as a delivered trap
     * does (non-zero, chosen by the library). */
    if (p->from_v1_trap)
        p->request_id = wn_ws_next_request_id();
    /* v1/v2c messages carry no addresses, nor users. */
    if (srcEntity)
        *srcEntity = src.e ? WN_WS_HANDLE(src.e) : NULL;
    if (dstEntity)
        *dstEntity = dst.e ? WN_WS_HANDLE(dst.e) : NULL;
    if (context)
        *context = WN_WS_HANDLE(ctx);
    if (pdu)
        *pdu = WN_WS_HANDLE(p);
    else
        wn_ws_pdu_free(p);
    wn_ws_unlock();
    return (SNMPAPI_STATUS)msgBufDesc->len;
}
