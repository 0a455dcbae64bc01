/* v3codec.c: SnmpEncodeMsg / SnmpDecodeMsg of SNMPv3 messages, synchronously on the caller's thread under the lock: the authoritative engine from our own engine or the engine cache, users from the user table (docs/snmpv3.md). */
#include "v3codec.h"
#include "engv3.h"
#include "usmuser.h"

#include <string.h>

/* The codec's own msgIDs, started at a random value; [locked]. */
static struct {
    int32_t msg_id;
} cx;

static int32_t
next_msg_id(void)
{
    if (cx.msg_id <= 0) {
        uint32_t r = 0;
        (void)wn_random(&r, sizeof r);
        cx.msg_id = (int32_t)(r & 0x3fffffffu) + 1;
    }
    int32_t id = cx.msg_id;
    cx.msg_id = cx.msg_id == WN_SNMP_V3_MAX_INT ? 1 : cx.msg_id + 1;
    return id;
}

/* The authoritative engine of a message of type `type` to dst, in *e. */
static int
authoritative_engine(const struct wn_ws_entity *dst, smiINT type, struct wn_usm_engine *e)
{
    memset(e, 0, sizeof *e);
    if (type == SNMP_PDU_TRAP) {
        *e = *wn_ws_v3_local();            /* we send it: we are authoritative */
        return 0;
    }
    if (type != SNMP_PDU_GET && type != SNMP_PDU_GETNEXT && type != SNMP_PDU_GETBULK
        && type != SNMP_PDU_SET && type != SNMP_PDU_INFORM)
        return WN_E_UNSUPPORTED;    /* Response, Report: the request's msgID is not known */
    int cached = wn_ws_v3_engine_cached((const struct sockaddr *)&dst->addr, dst->addrlen, e) == 0;
    /* An engineid= that the cache does not confirm: that engine, clock unknown. */
    if (dst->engine_id_len
        && (!cached || e->id_len != dst->engine_id_len
            || memcmp(e->id, dst->engine_id, dst->engine_id_len) != 0)) {
        memset(e, 0, sizeof *e);
        return wn_usm_engine_set_id(e, dst->engine_id, dst->engine_id_len);
    }
    return cached ? 0 : WN_E_STATE;
}

int
wn_ws_v3_encode_msg(const struct wn_ws_entity *dst, const struct wn_ws_context *ctx,
                    const struct wn_ws_pdu *p, uint8_t **out, size_t *out_len)
{
    WN_WS_ASSERT_LOCKED();
    if (!dst->user)
        return WN_E_INVAL;
    if (p->type == SNMP_PDU_V1TRAP)
        return WN_E_UNSUPPORTED;
    struct wn_usm_engine eng;
    int rc = authoritative_engine(dst, p->type, &eng);
    if (rc < 0)
        return rc;
    struct wn_usm_salt *salt;     /* the request engine's: no salt twice */
    rc = wn_ws_v3_salt(&salt);
    if (rc < 0)
        return rc;
    /* The v2c form first (community: the context name), as SnmpSendMsg. */
    const uint8_t *name;
    uint32_t name_len;
    wn_ws_v3_context_name(ctx, &name, &name_len);
    uint8_t *v2 = NULL;
    size_t v2len = 0;
    rc = wn_ws_encode(WN_WS_V2C, name, name_len, p->type, p->request_id, p->error_status,
                      p->error_index, &p->vbl, NULL, &v2, &v2len, NULL);
    if (rc < 0)
        return rc;
    size_t cap = v2len + WN_WS_V3_OVERHEAD;
    uint8_t *buf = wn_malloc(2 * cap);   /* the message, then the plaintext's scratch */
    struct wn_snmp_msg m;
    rc = buf ? wn_snmp_msg_decode(v2, v2len, &m) : WN_E_NOMEM;
    const uint8_t *msg = NULL;
    size_t msg_len = 0;
    if (rc == 0) {
        /* contextEngineID: the context's, the entity's, else the engine's. */
        const uint8_t *ce;
        size_t cel;
        wn_ws_v3_ctx_engine_id(dst, ctx, &ce, &cel);
        if (cel == 0) {
            ce = eng.id;
            cel = eng.id_len;
        }
        struct wn_snmp_scoped_pdu sc = {.context_engine_id = ce, .context_engine_id_len = cel,
                                        .context_name = m.community,
                                        .context_name_len = m.community_len, .pdu = m.pdu};
        int reportable = p->type != SNMP_PDU_TRAP;
        struct wn_usm_out o = {
            .user = &dst->user->usm, .engine = &eng,
            .flags = (uint8_t)(dst->level | (reportable ? WN_SNMP_V3_FLAG_REPORTABLE : 0)),
            .msg_id = next_msg_id(), .max_size = WN_SNMP_MAX_MSG, .scoped = &sc};
        rc = wn_usm_encode(&o, salt, wn_clock_ms(), buf, cap, buf + cap, cap, &msg,
                           &msg_len);
    }
    wn_wipe(v2, v2len);
    wn_free(v2);
    if (rc == 0) {
        *out = wn_malloc(msg_len);
        if (*out)
            memcpy(*out, msg, msg_len);
        else
            rc = WN_E_NOMEM;
        *out_len = msg_len;
    }
    if (buf) {
        /* Without priv the plaintext is the message itself. */
        wn_wipe(buf, 2 * cap);
        wn_free(buf);
    }
    return rc;
}

int
wn_ws_v3_decode_msg(const uint8_t *pkt, size_t len, int convey, struct wn_ws_v3_decoded *out)
{
    WN_WS_ASSERT_LOCKED();
    memset(out, 0, sizeof *out);
    struct wn_usm_in in;
    int rc = wn_usm_parse(pkt, len, &in);
    if (rc < 0)
        return rc;
    struct wn_ws_user *user = NULL;
    if (in.sp.user_len && !memchr(in.sp.user, '\0', in.sp.user_len)) {
        char name[WN_USM_MAX_USER_NAME + 1];
        memcpy(name, in.sp.user, in.sp.user_len);
        name[in.sp.user_len] = '\0';
        if (wn_ws_user_find(name, &user) < 0)
            user = NULL;
    }
    uint8_t level = in.msg.flags & WN_USM_LEVEL_MASK;
    /* The sender's engine as the message names it: a fresh view, so that
     * rule 7b takes its clock (no time window: nothing is kept). */
    struct wn_usm_engine eng;
    memset(&eng, 0, sizeof eng);
    if (in.sp.engine_id_len)
        (void)wn_usm_engine_set_id(&eng, in.sp.engine_id, in.sp.engine_id_len);
    if (user && user->engine_id_len && (level & WN_SNMP_V3_FLAG_AUTH)
        && (user->engine_id_len != in.sp.engine_id_len
            || memcmp(user->engine_id, in.sp.engine_id, in.sp.engine_id_len) != 0))
        rc = WN_E_UNKNOWNENGINEID;     /* its keys are for that engine only */
    if (rc == 0 && (level & WN_SNMP_V3_FLAG_PRIV)) {
        out->plain_len = in.msg.encrypted_len;
        out->plain = wn_malloc(out->plain_len ? out->plain_len : 1);
        if (!out->plain)
            rc = WN_E_NOMEM;
    }
    if (rc == 0)
        rc = wn_usm_process_in(&in, user ? &user->usm : NULL, &eng, 0, wn_clock_ms(), out->plain,
                               out->plain_len);
    if (rc == 0) {
        memcpy(out->v3.user, in.sp.user, in.sp.user_len);
        out->v3.level = level;
        struct wn_snmp_msg v2 = {.version = WN_SNMP_V2C, .community = in.scoped.context_name,
                                 .community_len = in.scoped.context_name_len,
                                 .pdu = in.scoped.pdu};
        rc = wn_ws_decode_msg(&v2, 0, convey, NULL, &out->d);
    }
    wn_ws_user_put(user);
    if (rc < 0)
        wn_ws_v3_decoded_end(out);
    return rc;
}

void
wn_ws_v3_decoded_end(struct wn_ws_v3_decoded *out)
{
    wn_ws_vblist_clear(&out->d.vbl);
    if (out->plain) {
        wn_wipe(out->plain, out->plain_len);
        wn_free(out->plain);
    }
    out->plain = NULL;
    out->plain_len = 0;
}
