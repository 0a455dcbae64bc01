/* messaging.c: SnmpSendMsg, SnmpRecvMsg, SnmpCancelMsg, SnmpEncodeMsg and SnmpDecodeMsg over the engine. */
#include "engine_int.h"

#include <string.h>

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
    if (dst->version == WN_WS_V3)
        return wn_ws_unlock_fail(s, SNMPAPI_TL_NOT_SUPPORTED);
    if (!wn_ws_eng_loop())
        return wn_ws_unlock_fail(s, SNMPAPI_TL_NOT_INITIALIZED);

    struct wn_ws_sess_eng *se;
    int rc = wn_ws_eng_session(s, &se);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));

    struct wn_ws_job *job = wn_calloc(1, sizeof *job);
    if (!job)
        return wn_ws_unlock_fail(s, SNMPAPI_ALLOC_ERROR);
    wn_dgram_req_init(&job->dreq);
    job->session = s->hdr.handle;
    job->app_reqid = pdu->request_id;
    job->pdu_type = (uint8_t)pdu->type;
    job->version = dst->version;
    job->listener_idx = wn_ws_eng_listener_of(src);
    job->expects_reply = expects_reply(pdu->type);
    job->error_status = pdu->error_status;
    job->error_index = pdu->error_index;
    rc = wn_ws_encode(dst->version, ctx->community, ctx->len, pdu->type, pdu->request_id,
                      pdu->error_status, pdu->error_index, &pdu->vbl, &job->pkt, &job->len,
                      &job->sent_type);
    if (rc < 0) {
        wn_ws_job_free(job);
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_PDU_INVALID));
    }
    memcpy(&job->dreq.dest, &dst->addr, dst->addrlen);
    job->dreq.destlen = dst->addrlen;
    if (src) {
        memcpy(&job->src, &src->addr, src->addrlen);
        job->srclen = src->addrlen;
    }
    if (job->expects_reply) {
        /* Snapshot for re-encoding with another wire id and for the
         * transport-error report of SnmpRecvMsg. */
        rc = wn_ws_vblist_copy(&job->vbl, &pdu->vbl);
        job->community = wn_memdup(ctx->len ? ctx->community : (const uint8_t *)"",
                                   ctx->len ? ctx->len : 1);
        job->community_len = ctx->len;
        if (rc < 0 || !job->community) {
            wn_ws_job_free(job);
            return wn_ws_unlock_fail(s, SNMPAPI_ALLOC_ERROR);
        }
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

/* Hands created objects to the caller's out parameters; an out that is
 * NULL gets nothing and its object is freed. */
static void
give_entity(struct wn_ws_entity *e, LPHSNMP_ENTITY out)
{
    if (out)
        *out = e ? WN_WS_HANDLE(e) : NULL;
    else if (e)
        wn_ws_entity_free(e);
}

/* Makes the context and PDU objects of a decoded message in s (taking
 * d's varbinds).  0 or WN_E_*; on error neither exists. [locked] */
static int
decoded_objects(struct wn_ws_session *s, struct wn_ws_decoded *d, struct wn_ws_pdu **pdu,
                struct wn_ws_context **ctx)
{
    WN_WS_ASSERT_LOCKED();
    int rc = wn_ws_context_create(s, d->community, d->community_len, NULL, ctx);
    if (rc == 0) {
        rc = wn_ws_pdu_adopt(s, d->type, d->request_id, d->error_status, d->error_index,
                             &d->vbl, pdu);
        if (rc < 0) {
            wn_ws_context_free(*ctx);
            *ctx = NULL;    /* the caller frees what is left on error */
        }
    }
    wn_ws_vblist_clear(&d->vbl);
    return rc;
}

/* Decodes a message into new context and PDU objects of s; *version gets
 * the message's version when version is not NULL. [locked] */
static int
decode_objects(struct wn_ws_session *s, const uint8_t *pkt, size_t len, uint8_t orig_type,
               struct wn_ws_pdu **pdu, struct wn_ws_context **ctx, int *version)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_decoded d;
    int rc = wn_ws_decode(pkt, len, orig_type, &d);
    if (rc < 0)
        return rc;
    if (version)
        *version = d.version;
    return decoded_objects(s, &d, pdu, ctx);
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
    struct wn_ws_qmsg *m = se ? wn_ws_eng_dequeue(se) : NULL;
    if (!m)
        return wn_ws_unlock_fail(s, SNMPAPI_NOOP);

    struct wn_ws_entity *src = NULL, *dst = NULL;
    struct wn_ws_context *ctx = NULL;
    struct wn_ws_pdu *pdu = NULL;
    smiUINT32 code = 0;
    int rc = 0;
    if (m->error) {
        /* A transport error: the outs still say which request failed. */
        struct wn_ws_job *job = m->job;
        if (job) {
            /* Objects for out parameters the caller passed as NULL are
             * not made at all. */
            if (srcEntity)
                rc = wn_ws_entity_create_addr(s, (struct sockaddr *)&job->dreq.dest,
                                              job->dreq.destlen, job->version, &src);
            if (rc == 0 && job->srclen && dstEntity)
                rc = wn_ws_entity_create_addr(s, (struct sockaddr *)&job->src, job->srclen,
                                              job->version, &dst);
            if (rc == 0 && context)
                rc = wn_ws_context_create(s, job->community, job->community_len, NULL, &ctx);
            if (rc == 0)
                rc = wn_ws_pdu_create(s, job->pdu_type, job->app_reqid, job->error_status,
                                      job->error_index, &job->vbl, &pdu);
        }
        code = rc < 0 ? wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR) : m->error;
    } else {
        int version = m->to_version;
        rc = decode_objects(s, m->pkt, m->len, m->orig_type, &pdu, &ctx, &version);
        code = rc < 0 ? wn_ws_map_err(rc, SNMPAPI_MESSAGE_INVALID) : 0;
        if (rc == 0) {
            /* The wire id may differ for a response; a v1 trap had none. */
            if (pdu->type == SNMP_PDU_RESPONSE ||
                (pdu->type == SNMP_PDU_TRAP && pdu->request_id == 0))
                pdu->request_id = m->reqid;
            if (srcEntity)
                rc = wn_ws_entity_create_addr(s, (struct sockaddr *)&m->from, m->fromlen,
                                              version, &src);
            if (rc == 0 && m->tolen && dstEntity)
                rc = wn_ws_entity_create_addr(s, (struct sockaddr *)&m->to, m->tolen, version,
                                              &dst);
            if (rc < 0)
                code = wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR);
        }
    }
    wn_ws_qmsg_free(m);
    if (code && (rc < 0 || !pdu)) {
        if (src)
            wn_ws_entity_free(src);
        if (dst)
            wn_ws_entity_free(dst);
        if (ctx)
            wn_ws_context_free(ctx);
        if (pdu)
            wn_ws_pdu_free(pdu);
        return wn_ws_unlock_fail(s, code);
    }
    give_entity(src, srcEntity);
    give_entity(dst, dstEntity);
    if (context)
        *context = ctx ? WN_WS_HANDLE(ctx) : NULL;
    else if (ctx)
        wn_ws_context_free(ctx);
    if (PDU)
        *PDU = pdu ? WN_WS_HANDLE(pdu) : NULL;
    else if (pdu)
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
    if (!msgBufDesc)
        return wn_ws_unlock_fail(s, SNMPAPI_ALLOC_ERROR);
    if (dst->version == WN_WS_V3)
        return wn_ws_unlock_fail(s, SNMPAPI_TL_NOT_SUPPORTED);
    uint8_t *pkt = NULL;
    size_t len = 0;
    int rc = wn_ws_encode(dst->version, ctx->community, ctx->len, p->type, p->request_id,
                          p->error_status, p->error_index, &p->vbl, &pkt, &len, NULL);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_PDU_INVALID));
    rc = wn_ws_desc_octets(msgBufDesc, pkt, len);
    wn_free(pkt);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    wn_ws_unlock();
    return (SNMPAPI_STATUS)len;
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
    struct wn_ws_pdu *p = NULL;
    struct wn_ws_context *ctx = NULL;
    int rc = decode_objects(s, msgBufDesc->ptr, msgBufDesc->len, 0, &p, &ctx, NULL);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_MESSAGE_INVALID));
    /* v1/v2c messages carry no addresses. */
    if (srcEntity)
        *srcEntity = NULL;
    if (dstEntity)
        *dstEntity = NULL;
    if (context)
        *context = WN_WS_HANDLE(ctx);
    else
        wn_ws_context_free(ctx);
    if (pdu)
        *pdu = WN_WS_HANDLE(p);
    else
        wn_ws_pdu_free(p);
    wn_ws_unlock();
    return (SNMPAPI_STATUS)msgBufDesc->len;
}
