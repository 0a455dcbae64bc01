/* msg.c: SNMPv1 (RFC 1157) and SNMPv2c (RFC 1901/3416) message decode and encode, side by side. */
#include "snmp.h"
#include "snmp_int.h"

#include <string.h>

#define MOD "snmp"

/*
 * Message ::= SEQUENCE { version INTEGER, community OCTET STRING, data PDUs }
 * PDU ::= [n] IMPLICIT SEQUENCE { request-id INTEGER, error-status INTEGER,
 *                                 error-index INTEGER, variable-bindings }
 * BulkPDU: the same with non-repeaters and max-repetitions.
 * Trap-PDU ::= [4] IMPLICIT SEQUENCE { enterprise OBJECT IDENTIFIER,
 *     agent-addr NetworkAddress, generic-trap INTEGER (0..6),
 *     specific-trap INTEGER, time-stamp TimeTicks, variable-bindings }
 * VarBindList ::= SEQUENCE (SIZE (0..max-bindings)) OF
 *     SEQUENCE { name ObjectName, CHOICE { value, unSpecified NULL,
 *                noSuchObject[0] NULL, noSuchInstance[1] NULL, endOfMibView[2] NULL } }
 */

int
wn_snmp_pdu_valid_for(enum wn_snmp_version v, uint8_t type)
{
    if (type < WN_SNMP_PDU_GET || type > WN_SNMP_PDU_REPORT)
        return 0;
    if (v == WN_SNMP_V1)
        return type <= WN_SNMP_PDU_TRAP_V1;
    return type != WN_SNMP_PDU_TRAP_V1;
}

static int
syntax_valid_for(enum wn_snmp_version v, uint8_t syn)
{
    switch (syn) {
    case WN_SNMP_SYN_INTEGER: case WN_SNMP_SYN_OCTETS: case WN_SNMP_SYN_NULL:
    case WN_SNMP_SYN_OID: case WN_SNMP_SYN_IPADDR: case WN_SNMP_SYN_COUNTER32:
    case WN_SNMP_SYN_GAUGE32: case WN_SNMP_SYN_TIMETICKS: case WN_SNMP_SYN_OPAQUE:
        return 1;
    case WN_SNMP_SYN_COUNTER64: case WN_SNMP_SYN_NOSUCHOBJECT:
    case WN_SNMP_SYN_NOSUCHINSTANCE: case WN_SNMP_SYN_ENDOFMIBVIEW:
        return v == WN_SNMP_V2C;
    default:
        return 0;
    }
}

int
wn_snmp_oid_decode(const uint8_t *ber, size_t len, uint32_t *out, size_t max, size_t *n)
{
    return wn_ber_oid_decode(ber, len, out, max, n);
}

/* Decodes one value TLV (already read) into *val. */
static int
value_decode(enum wn_snmp_version ver, const struct wn_ber_tlv *t, struct wn_snmp_value *val,
             int check_oids)
{
    WN_PARSE_CHECK(MOD, syntax_valid_for(ver, t->ident), WN_E_MALFORMED);
    memset(val, 0, sizeof *val);
    val->syntax = t->ident;
    switch (t->ident) {
    case WN_SNMP_SYN_INTEGER:
        return wn_ber_int32_decode(t->val, t->len, &val->v.i32);
    case WN_SNMP_SYN_COUNTER32: case WN_SNMP_SYN_GAUGE32: case WN_SNMP_SYN_TIMETICKS:
        return wn_ber_uint32_decode(t->val, t->len, &val->v.u32);
    case WN_SNMP_SYN_COUNTER64:
        return wn_ber_uint64_decode(t->val, t->len, &val->v.u64);
    case WN_SNMP_SYN_IPADDR:
        WN_PARSE_CHECK(MOD, t->len == 4, WN_E_MALFORMED);
        break;
    case WN_SNMP_SYN_OID:
        if (check_oids) {
            size_t n;
            int rc = wn_ber_oid_decode(t->val, t->len, NULL, 0, &n);
            if (rc)
                return rc;
        }
        val->oid_is_ber = 1;
        break;
    case WN_SNMP_SYN_NULL: case WN_SNMP_SYN_NOSUCHOBJECT:
    case WN_SNMP_SYN_NOSUCHINSTANCE: case WN_SNMP_SYN_ENDOFMIBVIEW:
        WN_PARSE_CHECK(MOD, t->len == 0, WN_E_MALFORMED);
        return 0;
    default:    /* OCTET STRING, Opaque: any content */
        break;
    }
    val->v.bytes.p = t->val;
    val->v.bytes.len = t->len;
    return 0;
}

/* VarBind ::= SEQUENCE { name ObjectName, value } - reads one from r.
 * check_oids 0 skips re-validating OID contents already validated by
 * wn_snmp_msg_decode (the iterator's second pass); bounds are always checked. */
static int
varbind_decode(enum wn_snmp_version ver, struct wn_rbuf *r, struct wn_snmp_varbind *vb,
               int check_oids)
{
    struct wn_rbuf in;
    int rc = wn_ber_expect(r, WN_BER_SEQUENCE, &in);
    if (rc)
        return rc;
    struct wn_ber_tlv name, val;
    rc = wn_ber_read_tlv(&in, &name);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, name.ident == WN_BER_OID, WN_E_MALFORMED);
    if (check_oids) {
        size_t n;
        rc = wn_ber_oid_decode(name.val, name.len, NULL, 0, &n);
        if (rc)
            return rc;
    }
    rc = wn_ber_read_tlv(&in, &val);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, wn_rbuf_left(&in) == 0, WN_E_MALFORMED);
    vb->oid = NULL;
    vb->oid_len = 0;
    vb->name_ber = name.val;
    vb->name_ber_len = name.len;
    return value_decode(ver, &val, &vb->value, check_oids);
}

/* Validates a VarBindList content and counts its varbinds. */
static int
vbl_validate(enum wn_snmp_version ver, const uint8_t *p, size_t len, size_t *count)
{
    struct wn_rbuf r;
    wn_rbuf_init(&r, p, len);
    size_t k = 0;
    while (wn_rbuf_left(&r)) {
        WN_PARSE_CHECK(MOD, k < WN_SNMP_MAX_VARBINDS, WN_E_LIMIT);
        struct wn_snmp_varbind vb;
        int rc = varbind_decode(ver, &r, &vb, 1);
        if (rc)
            return rc;
        k++;
    }
    *count = k;
    return r.err;
}

/* The PDU body; check_vbl 0 only delimits the VarBindList (vb_count 0). */
static int
pdu_body_decode(enum wn_snmp_version ver, struct wn_rbuf *r, struct wn_snmp_pdu *pdu,
                int check_vbl)
{
    int rc;
    if (pdu->type == WN_SNMP_PDU_TRAP_V1) {
        struct wn_rbuf ent, addr;
        rc = wn_ber_expect(r, WN_BER_OID, &ent);
        if (rc)
            return rc;
        size_t n;
        rc = wn_ber_oid_decode(ent.start, wn_rbuf_left(&ent), NULL, 0, &n);
        if (rc)
            return rc;
        pdu->enterprise_ber = ent.start;
        pdu->enterprise_ber_len = wn_rbuf_left(&ent);
        rc = wn_ber_expect(r, WN_SNMP_SYN_IPADDR, &addr);
        if (rc)
            return rc;
        WN_PARSE_CHECK(MOD, wn_rbuf_left(&addr) == 4, WN_E_MALFORMED);
        memcpy(pdu->agent_addr, addr.start, 4);
        rc = wn_ber_read_int32(r, WN_BER_INTEGER, &pdu->generic_trap);
        if (rc)
            return rc;
        WN_PARSE_CHECK(MOD, pdu->generic_trap >= 0 && pdu->generic_trap <= 6, WN_E_MALFORMED);
        rc = wn_ber_read_int32(r, WN_BER_INTEGER, &pdu->specific_trap);
        if (rc)
            return rc;
        rc = wn_ber_read_uint32(r, WN_SNMP_SYN_TIMETICKS, &pdu->time_stamp);
        if (rc)
            return rc;
    } else {
        rc = wn_ber_read_int32(r, WN_BER_INTEGER, &pdu->request_id);
        if (rc)
            return rc;
        rc = wn_ber_read_int32(r, WN_BER_INTEGER, &pdu->error_status);
        if (rc)
            return rc;
        rc = wn_ber_read_int32(r, WN_BER_INTEGER, &pdu->error_index);
        if (rc)
            return rc;
    }
    struct wn_rbuf vbl;
    rc = wn_ber_expect(r, WN_BER_SEQUENCE, &vbl);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, wn_rbuf_left(r) == 0, WN_E_MALFORMED);
    pdu->vbl = vbl.start;
    pdu->vbl_len = wn_rbuf_left(&vbl);
    if (!check_vbl)
        return 0;
    return vbl_validate(ver, pdu->vbl, pdu->vbl_len, &pdu->vb_count);
}

int
wn_snmp_pdu_body_decode(enum wn_snmp_version ver, struct wn_rbuf *r, struct wn_snmp_pdu *pdu)
{
    return pdu_body_decode(ver, r, pdu, 1);
}

/* Reads Message header up to the PDU TLV. */
static int
header_decode(struct wn_rbuf *r, struct wn_rbuf *msg, int32_t *version)
{
    WN_PARSE_CHECK(MOD, wn_rbuf_left(r) <= WN_SNMP_MAX_MSG, WN_E_LIMIT);
    int rc = wn_ber_expect(r, WN_BER_SEQUENCE, msg);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, wn_rbuf_left(r) == 0, WN_E_MALFORMED);   /* trailing bytes */
    rc = wn_ber_read_int32(msg, WN_BER_INTEGER, version);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, *version != WN_SNMP_V3, WN_E_UNSUPPORTED);
    WN_PARSE_CHECK(MOD, *version == WN_SNMP_V1 || *version == WN_SNMP_V2C, WN_E_MALFORMED);
    return 0;
}

static int
msg_decode(const uint8_t *buf, size_t len, struct wn_snmp_msg *out, int check_vbl)
{
    if (!out || (!buf && len))
        return WN_E_INVAL;
    memset(out, 0, sizeof *out);
    struct wn_rbuf r, msg, body;
    wn_rbuf_init(&r, buf, len);
    int32_t version;
    int rc = header_decode(&r, &msg, &version);
    if (rc)
        return rc;
    out->version = (enum wn_snmp_version)version;
    rc = wn_ber_read_octets(&msg, WN_BER_OCTET_STRING, &out->community, &out->community_len);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, out->community_len <= WN_SNMP_MAX_COMMUNITY, WN_E_LIMIT);
    struct wn_ber_tlv t;
    rc = wn_ber_read_tlv(&msg, &t);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, wn_snmp_pdu_valid_for(out->version, t.ident), WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, wn_rbuf_left(&msg) == 0, WN_E_MALFORMED);
    out->pdu.type = t.ident;
    wn_rbuf_init(&body, t.val, t.len);
    return pdu_body_decode(out->version, &body, &out->pdu, check_vbl);
}

int
wn_snmp_msg_decode(const uint8_t *buf, size_t len, struct wn_snmp_msg *out)
{
    return msg_decode(buf, len, out, 1);
}

int
wn_snmp_msg_decode_head(const uint8_t *buf, size_t len, struct wn_snmp_msg *out)
{
    return msg_decode(buf, len, out, 0);
}

int
wn_snmp_peek_request_id(const uint8_t *buf, size_t len, int32_t *id, uint8_t *pdu_type,
                        int *version)
{
    if (!buf && len)
        return WN_E_INVAL;
    struct wn_rbuf r, msg, pdu;
    wn_rbuf_init(&r, buf, len);
    int32_t ver;
    int rc = header_decode(&r, &msg, &ver);
    if (rc)
        return rc;
    struct wn_ber_tlv t;
    rc = wn_ber_read_tlv(&msg, &t);     /* community */
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, t.ident == WN_BER_OCTET_STRING, WN_E_MALFORMED);
    rc = wn_ber_read_tlv(&msg, &t);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, wn_snmp_pdu_valid_for((enum wn_snmp_version)ver, t.ident),
                   WN_E_MALFORMED);
    int32_t rid = 0;
    if (t.ident != WN_SNMP_PDU_TRAP_V1) {
        wn_rbuf_init(&pdu, t.val, t.len);
        rc = wn_ber_read_int32(&pdu, WN_BER_INTEGER, &rid);
        if (rc)
            return rc;
    }
    if (id)
        *id = rid;
    if (pdu_type)
        *pdu_type = t.ident;
    if (version)
        *version = ver;
    return 0;
}

void
wn_snmp_vb_iter_init(struct wn_snmp_vb_iter *it, const struct wn_snmp_pdu *pdu)
{
    memset(it, 0, sizeof *it);
    if (pdu->vbs) {
        it->vbs = pdu->vbs;
        it->count = pdu->vb_count;
    } else {
        wn_rbuf_init(&it->r, pdu->vbl, pdu->vbl_len);
    }
}

int
wn_snmp_vb_next(struct wn_snmp_vb_iter *it, struct wn_snmp_varbind *out)
{
    if (it->vbs) {
        if (it->i >= it->count)
            return 0;
        *out = it->vbs[it->i++];
        return 1;
    }
    if (it->r.err)
        return it->r.err;
    if (wn_rbuf_left(&it->r) == 0)
        return 0;
    /* Version V2C admits every syntax; the list was validated for the
     * real version, OIDs included, by wn_snmp_msg_decode. */
    int rc = varbind_decode(WN_SNMP_V2C, &it->r, out, 0);
    if (rc)
        return wn_rbuf_fail(&it->r, rc);
    it->i++;
    return 1;
}

int
wn_snmp_vb_next_strict(struct wn_snmp_vb_iter *it, enum wn_snmp_version ver,
                       struct wn_snmp_varbind *out)
{
    if (it->vbs)
        return wn_snmp_vb_next(it, out);
    if (it->r.err)
        return it->r.err;
    if (wn_rbuf_left(&it->r) == 0)
        return 0;
    if (it->i >= WN_SNMP_MAX_VARBINDS)
        return wn_rbuf_fail(&it->r, WN_E_LIMIT);
    /* The common case in one step: SEQUENCE, name and value with short
     * lengths, the value ending the SEQUENCE; the same checks as
     * varbind_decode, which takes everything else (errors included). */
    const uint8_t *p = it->r.p;
    size_t left = (size_t)(it->r.end - p);
    if (left >= 7 && p[0] == WN_BER_SEQUENCE && p[1] < 0x80 && p[1] <= left - 2 && p[1] >= 5 &&
        p[2] == WN_BER_OID && p[3] < 0x80 && (size_t)p[3] + 4 <= p[1]) {
        const uint8_t *t = p + 4 + p[3];   /* the value's TLV */
        if ((t[0] & 0x1F) != 0x1F && t[1] < 0x80 && (size_t)p[3] + 4 + t[1] == p[1]) {
            struct wn_ber_tlv val;
            val.ident = t[0];
            val.len = t[1];
            val.val = t + 2;
            out->oid = NULL;
            out->oid_len = 0;
            out->name_ber = p + 4;
            out->name_ber_len = p[3];
            int rc = value_decode(ver, &val, &out->value, 0);
            if (rc)
                return wn_rbuf_fail(&it->r, rc);
            it->r.p = p + 2 + p[1];
            it->i++;
            return 1;
        }
    }
    /* The OID contents are the caller's to decode (wn_snmp_oid_decode). */
    int rc = varbind_decode(ver, &it->r, out, 0);
    if (rc)
        return wn_rbuf_fail(&it->r, rc);
    it->i++;
    return 1;
}

int
wn_snmp_vb_name(const struct wn_snmp_varbind *vb, uint32_t *out, size_t max, size_t *n)
{
    if (!vb || !out || !n)
        return WN_E_INVAL;
    if (vb->oid) {
        if (vb->oid_len > max)
            return WN_E_NOSPACE;
        memcpy(out, vb->oid, vb->oid_len * sizeof *out);
        *n = vb->oid_len;
        return 0;
    }
    return wn_ber_oid_decode(vb->name_ber, vb->name_ber_len, out, max, n);
}

int
wn_snmp_oid_cmp(const uint32_t *a, size_t an, const uint32_t *b, size_t bn)
{
    size_t n = WN_MIN(an, bn);
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return an == bn ? 0 : (an < bn ? -1 : 1);
}

int
wn_snmp_vb_name_equals(const struct wn_snmp_varbind *vb, const uint32_t *oid, size_t n)
{
    if (vb->oid)
        return wn_snmp_oid_cmp(vb->oid, vb->oid_len, oid, n) == 0;
    uint32_t tmp[WN_SNMP_MAX_OID_LEN];
    size_t k;
    if (wn_ber_oid_decode(vb->name_ber, vb->name_ber_len, tmp, WN_ARRAY_SIZE(tmp), &k))
        return 0;
    return wn_snmp_oid_cmp(tmp, k, oid, n) == 0;
}

/* ------------------------------------------------------------------------
 * Encode (backward: last element first).
 * ---------------------------------------------------------------------- */
static int
put_oid_either(struct wn_ber_wbuf *w, const uint32_t *sub, size_t n, const uint8_t *ber,
               size_t ber_len)
{
    if (sub)
        return wn_ber_put_oid(w, WN_BER_OID, sub, n);
    size_t k;
    if (!ber || wn_ber_oid_decode(ber, ber_len, NULL, 0, &k)) {
        if (!w->err)
            w->err = WN_E_INVAL;
        return w->err;
    }
    return wn_ber_put_octets(w, WN_BER_OID, ber, ber_len);
}

static int
value_encode(struct wn_ber_wbuf *w, enum wn_snmp_version ver, const struct wn_snmp_value *val)
{
    uint8_t s = val->syntax;
    if (!syntax_valid_for(ver, s)) {
        if (!w->err)
            w->err = WN_E_INVAL;
        return w->err;
    }
    switch (s) {
    case WN_SNMP_SYN_INTEGER:
        return wn_ber_put_int32(w, s, val->v.i32);
    case WN_SNMP_SYN_COUNTER32: case WN_SNMP_SYN_GAUGE32: case WN_SNMP_SYN_TIMETICKS:
        return wn_ber_put_uint32(w, s, val->v.u32);
    case WN_SNMP_SYN_COUNTER64:
        return wn_ber_put_uint64(w, s, val->v.u64);
    case WN_SNMP_SYN_NULL: case WN_SNMP_SYN_NOSUCHOBJECT:
    case WN_SNMP_SYN_NOSUCHINSTANCE: case WN_SNMP_SYN_ENDOFMIBVIEW:
        return wn_ber_put_null(w, s);
    case WN_SNMP_SYN_OID:
        if (val->oid_is_ber)
            return put_oid_either(w, NULL, 0, val->v.bytes.p, val->v.bytes.len);
        return put_oid_either(w, val->v.oid.sub, val->v.oid.n, NULL, 0);
    default:
        if ((s == WN_SNMP_SYN_IPADDR && val->v.bytes.len != 4)
            || (!val->v.bytes.p && val->v.bytes.len)) {
            if (!w->err)
                w->err = WN_E_INVAL;
            return w->err;
        }
        return wn_ber_put_octets(w, s, val->v.bytes.p, val->v.bytes.len);
    }
}

static int
vbl_encode(struct wn_ber_wbuf *w, enum wn_snmp_version ver, const struct wn_snmp_pdu *pdu)
{
    size_t mark = wn_ber_wlen(w);
    if (pdu->vbs) {
        if (pdu->vb_count > WN_SNMP_MAX_VARBINDS) {
            w->err = w->err ? w->err : WN_E_LIMIT;
            return w->err;
        }
        for (size_t i = pdu->vb_count; i-- > 0;) {
            const struct wn_snmp_varbind *vb = &pdu->vbs[i];
            size_t vmark = wn_ber_wlen(w);
            value_encode(w, ver, &vb->value);
            put_oid_either(w, vb->oid, vb->oid_len, vb->name_ber, vb->name_ber_len);
            if (wn_ber_wrap(w, WN_BER_SEQUENCE, vmark))
                return w->err;
        }
    } else if (pdu->vbl_len) {
        /* Raw copy: still validated so we never emit what we reject. */
        size_t count;
        int rc = vbl_validate(ver, pdu->vbl, pdu->vbl_len, &count);
        if (rc) {
            w->err = w->err ? w->err : WN_E_INVAL;
            return w->err;
        }
        wn_ber_put_raw(w, pdu->vbl, pdu->vbl_len);
    }
    return wn_ber_wrap(w, WN_BER_SEQUENCE, mark);
}

int
wn_snmp_msg_encode(const struct wn_snmp_msg *m, uint8_t *buf, size_t cap,
                   const uint8_t **out, size_t *out_len)
{
    if (!m || !buf || !out || !out_len)
        return WN_E_INVAL;
    if (m->version == WN_SNMP_V3)
        return WN_E_UNSUPPORTED;
    if (m->version != WN_SNMP_V1 && m->version != WN_SNMP_V2C)
        return WN_E_INVAL;
    const struct wn_snmp_pdu *pdu = &m->pdu;
    if (!wn_snmp_pdu_valid_for(m->version, pdu->type))
        return WN_E_INVAL;
    if (m->community_len > WN_SNMP_MAX_COMMUNITY)
        return WN_E_LIMIT;
    if (!m->community && m->community_len)
        return WN_E_INVAL;
    if (pdu->type == WN_SNMP_PDU_TRAP_V1
        && (pdu->generic_trap < 0 || pdu->generic_trap > 6))
        return WN_E_INVAL;

    struct wn_ber_wbuf w;
    wn_ber_winit(&w, buf, cap);
    size_t mark = wn_ber_wlen(&w);
    wn_snmp_pdu_encode(&w, m->version, pdu);
    wn_ber_put_octets(&w, WN_BER_OCTET_STRING, m->community, m->community_len);
    wn_ber_put_int32(&w, WN_BER_INTEGER, (int32_t)m->version);
    if (wn_ber_wrap(&w, WN_BER_SEQUENCE, mark))
        return w.err;
    if (wn_ber_wlen(&w) > WN_SNMP_MAX_MSG)
        return WN_E_LIMIT;
    *out = wn_ber_wdata(&w);
    *out_len = wn_ber_wlen(&w);
    return 0;
}

int
wn_snmp_pdu_encode(struct wn_ber_wbuf *w, enum wn_snmp_version ver,
                   const struct wn_snmp_pdu *pdu)
{
    size_t mark = wn_ber_wlen(w);
    vbl_encode(w, ver, pdu);
    if (pdu->type == WN_SNMP_PDU_TRAP_V1) {
        wn_ber_put_uint32(w, WN_SNMP_SYN_TIMETICKS, pdu->time_stamp);
        wn_ber_put_int32(w, WN_BER_INTEGER, pdu->specific_trap);
        wn_ber_put_int32(w, WN_BER_INTEGER, pdu->generic_trap);
        wn_ber_put_octets(w, WN_SNMP_SYN_IPADDR, pdu->agent_addr, 4);
        put_oid_either(w, pdu->enterprise, pdu->enterprise_len, pdu->enterprise_ber,
                       pdu->enterprise_ber_len);
    } else {
        wn_ber_put_int32(w, WN_BER_INTEGER, pdu->error_index);
        wn_ber_put_int32(w, WN_BER_INTEGER, pdu->error_status);
        wn_ber_put_int32(w, WN_BER_INTEGER, pdu->request_id);
    }
    return wn_ber_wrap(w, pdu->type, mark);
}
