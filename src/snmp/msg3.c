/* msg3.c: SNMPv3 message (RFC 3412 section 6) and ScopedPDU decode and encode, side by side; the security parameters stay opaque here. */
#include "snmp.h"
#include "snmp_int.h"

#include <string.h>

#define MOD "snmp3"

/* The PDUs inside a ScopedPDU follow the v2c grammar (RFC 3416). */
#define PDU_GRAMMAR WN_SNMP_V2C

static int
scoped_body_decode(struct wn_rbuf *r, struct wn_snmp_scoped_pdu *out)
{
    memset(out, 0, sizeof *out);
    int rc = wn_ber_read_octets(r, WN_BER_OCTET_STRING, &out->context_engine_id,
                                &out->context_engine_id_len);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, out->context_engine_id_len <= WN_SNMP_V3_MAX_CONTEXT_ENGINE_ID,
                   WN_E_LIMIT);
    rc = wn_ber_read_octets(r, WN_BER_OCTET_STRING, &out->context_name, &out->context_name_len);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, out->context_name_len <= WN_SNMP_V3_MAX_CONTEXT_NAME, WN_E_LIMIT);
    struct wn_ber_tlv t;
    rc = wn_ber_read_tlv(r, &t);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, wn_snmp_pdu_valid_for(PDU_GRAMMAR, t.ident), WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, wn_rbuf_left(r) == 0, WN_E_MALFORMED);
    out->pdu.type = t.ident;
    struct wn_rbuf body;
    wn_rbuf_init(&body, t.val, t.len);
    return wn_snmp_pdu_body_decode(PDU_GRAMMAR, &body, &out->pdu);
}

int
wn_snmp_scoped_pdu_decode(const uint8_t *buf, size_t len, struct wn_snmp_scoped_pdu *out,
                          size_t *used)
{
    if (!out || (!buf && len))
        return WN_E_INVAL;
    memset(out, 0, sizeof *out);
    WN_PARSE_CHECK(MOD, len <= WN_SNMP_MAX_MSG, WN_E_LIMIT);
    struct wn_rbuf r, in;
    wn_rbuf_init(&r, buf, len);
    int rc = wn_ber_expect(&r, WN_BER_SEQUENCE, &in);
    if (rc)
        return rc;
    rc = scoped_body_decode(&in, out);
    if (rc)
        return rc;
    if (used)
        *used = wn_rbuf_pos(&r);
    return 0;
}

/* An INTEGER in 0..WN_SNMP_V3_MAX_INT with a lower bound. */
static int
read_ranged(struct wn_rbuf *r, int32_t lo, int32_t *v)
{
    int rc = wn_ber_read_int32(r, WN_BER_INTEGER, v);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, *v >= lo, WN_E_MALFORMED);
    return 0;
}

int
wn_snmp_v3_decode(const uint8_t *buf, size_t len, struct wn_snmp_v3_msg *out)
{
    if (!out || (!buf && len))
        return WN_E_INVAL;
    memset(out, 0, sizeof *out);
    WN_PARSE_CHECK(MOD, len <= WN_SNMP_MAX_MSG, WN_E_LIMIT);
    struct wn_rbuf r, msg, global;
    wn_rbuf_init(&r, buf, len);
    int rc = wn_ber_expect(&r, WN_BER_SEQUENCE, &msg);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, wn_rbuf_left(&r) == 0, WN_E_MALFORMED);
    int32_t version;
    rc = wn_ber_read_int32(&msg, WN_BER_INTEGER, &version);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, version == WN_SNMP_V3, WN_E_UNSUPPORTED);

    rc = wn_ber_expect(&msg, WN_BER_SEQUENCE, &global);
    if (rc)
        return rc;
    rc = read_ranged(&global, 0, &out->msg_id);
    if (rc)
        return rc;
    rc = read_ranged(&global, WN_SNMP_V3_MIN_MAX_SIZE, &out->max_size);
    if (rc)
        return rc;
    const uint8_t *flags;
    size_t flags_len;
    rc = wn_ber_read_octets(&global, WN_BER_OCTET_STRING, &flags, &flags_len);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, flags_len == 1, WN_E_MALFORMED);
    out->flags = flags[0];
    /* RFC 3412 7.2 step 5: privacy without authentication is invalid. */
    WN_PARSE_CHECK(MOD, (out->flags & (WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV))
                            != WN_SNMP_V3_FLAG_PRIV, WN_E_MALFORMED);
    rc = read_ranged(&global, 1, &out->security_model);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, wn_rbuf_left(&global) == 0, WN_E_MALFORMED);

    rc = wn_ber_read_octets(&msg, WN_BER_OCTET_STRING, &out->sec_params, &out->sec_params_len);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, out->sec_params_len <= WN_SNMP_V3_MAX_SECPARAMS, WN_E_LIMIT);

    if (out->flags & WN_SNMP_V3_FLAG_PRIV) {
        rc = wn_ber_read_octets(&msg, WN_BER_OCTET_STRING, &out->encrypted, &out->encrypted_len);
        if (rc)
            return rc;
        WN_PARSE_CHECK(MOD, wn_rbuf_left(&msg) == 0, WN_E_MALFORMED);
        return 0;
    }
    struct wn_rbuf scoped;
    rc = wn_ber_expect(&msg, WN_BER_SEQUENCE, &scoped);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, wn_rbuf_left(&msg) == 0, WN_E_MALFORMED);
    return scoped_body_decode(&scoped, &out->scoped);
}

/* ------------------------------------------------------------------------
 * Encode (backward: last element first).
 * ---------------------------------------------------------------------- */
static int
scoped_put(struct wn_ber_wbuf *w, const struct wn_snmp_scoped_pdu *s)
{
    if ((!s->context_engine_id && s->context_engine_id_len)
        || (!s->context_name && s->context_name_len)
        || !wn_snmp_pdu_valid_for(PDU_GRAMMAR, s->pdu.type)) {
        w->err = w->err ? w->err : WN_E_INVAL;
        return w->err;
    }
    if (s->context_engine_id_len > WN_SNMP_V3_MAX_CONTEXT_ENGINE_ID
        || s->context_name_len > WN_SNMP_V3_MAX_CONTEXT_NAME) {
        w->err = w->err ? w->err : WN_E_LIMIT;
        return w->err;
    }
    size_t mark = wn_ber_wlen(w);
    wn_snmp_pdu_encode(w, PDU_GRAMMAR, &s->pdu);
    wn_ber_put_octets(w, WN_BER_OCTET_STRING, s->context_name, s->context_name_len);
    wn_ber_put_octets(w, WN_BER_OCTET_STRING, s->context_engine_id, s->context_engine_id_len);
    return wn_ber_wrap(w, WN_BER_SEQUENCE, mark);
}

static int
finish(struct wn_ber_wbuf *w, const uint8_t **out, size_t *out_len)
{
    if (w->err)
        return w->err;
    if (wn_ber_wlen(w) > WN_SNMP_MAX_MSG)
        return WN_E_LIMIT;
    *out = wn_ber_wdata(w);
    *out_len = wn_ber_wlen(w);
    return 0;
}

int
wn_snmp_scoped_pdu_encode(const struct wn_snmp_scoped_pdu *s, uint8_t *buf, size_t cap,
                          const uint8_t **out, size_t *out_len)
{
    if (!s || !buf || !out || !out_len)
        return WN_E_INVAL;
    struct wn_ber_wbuf w;
    wn_ber_winit(&w, buf, cap);
    scoped_put(&w, s);
    return finish(&w, out, out_len);
}

int
wn_snmp_v3_encode(const struct wn_snmp_v3_msg *m, uint8_t *buf, size_t cap,
                  const uint8_t **out, size_t *out_len, size_t *sec_params_off)
{
    if (!m || !buf || !out || !out_len || !sec_params_off)
        return WN_E_INVAL;
    int priv = (m->flags & WN_SNMP_V3_FLAG_PRIV) != 0;
    if ((priv && !(m->flags & WN_SNMP_V3_FLAG_AUTH)) || m->msg_id < 0
        || m->max_size < WN_SNMP_V3_MIN_MAX_SIZE || m->security_model < 1
        || (!m->sec_params && m->sec_params_len) || (priv && !m->encrypted && m->encrypted_len))
        return WN_E_INVAL;
    if (m->sec_params_len > WN_SNMP_V3_MAX_SECPARAMS)
        return WN_E_LIMIT;
    struct wn_ber_wbuf w;
    wn_ber_winit(&w, buf, cap);
    size_t mark = wn_ber_wlen(&w);
    if (priv)
        wn_ber_put_octets(&w, WN_BER_OCTET_STRING, m->encrypted, m->encrypted_len);
    else
        scoped_put(&w, &m->scoped);
    size_t before_sp = wn_ber_wlen(&w);
    wn_ber_put_octets(&w, WN_BER_OCTET_STRING, m->sec_params, m->sec_params_len);
    size_t gmark = wn_ber_wlen(&w);
    wn_ber_put_int32(&w, WN_BER_INTEGER, m->security_model);
    wn_ber_put_octets(&w, WN_BER_OCTET_STRING, &m->flags, 1);
    wn_ber_put_int32(&w, WN_BER_INTEGER, m->max_size);
    wn_ber_put_int32(&w, WN_BER_INTEGER, m->msg_id);
    wn_ber_wrap(&w, WN_BER_SEQUENCE, gmark);
    wn_ber_put_int32(&w, WN_BER_INTEGER, WN_SNMP_V3);
    wn_ber_wrap(&w, WN_BER_SEQUENCE, mark);
    int rc = finish(&w, out, out_len);
    if (rc)
        return rc;
    /* The security parameters' content ends before_sp bytes from the end. */
    *sec_params_off = *out_len - before_sp - m->sec_params_len;
    return 0;
}
