/* convert.c: WinSNMP PDU fields and varbind lists to and from SNMP messages (with the RFC 3584 v1 mappings); plain data, no objects. */
#include "engine_int.h"   /* for the codec types; uses no engine function */

#include <string.h>

static const uint32_t trap_oid_name[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};  /* snmpTrapOID.0 */
static const uint32_t generic_trap_base[] = {1, 3, 6, 1, 6, 3, 1, 1, 5};   /* snmpTraps */
/* snmpTrapAddress.0, snmpTrapCommunity.0, snmpTrapEnterprise.0 */
static const uint32_t trap_address_name[] = {1, 3, 6, 1, 6, 3, 18, 1, 3, 0};
static const uint32_t trap_community_name[] = {1, 3, 6, 1, 6, 3, 18, 1, 4, 0};
static const uint32_t trap_enterprise_name[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0};

static int
name_is(const uint32_t *oid, size_t n, const uint32_t *want, size_t wn)
{
    return n == wn && memcmp(oid, want, wn * sizeof *oid) == 0;
}

/* One of the three varbinds RFC 3584 3.1 appends to a translated trap. */
static int
is_translation_vb(const uint32_t *oid, size_t n)
{
    return name_is(oid, n, trap_address_name, WN_ARRAY_SIZE(trap_address_name)) ||
           name_is(oid, n, trap_community_name, WN_ARRAY_SIZE(trap_community_name)) ||
           name_is(oid, n, trap_enterprise_name, WN_ARRAY_SIZE(trap_enterprise_name));
}

/* The v1 form of a v2 trap in m->pdu (RFC 3584 3.2) into *v1, with the
 * varbinds in vb_out[0..max): without the trailing ones a decode appended
 * (v1f->tail) and with v1f's agent-addr when no snmpTrapAddress.0 gives
 * one.  ent: scratch for the enterprise. */
static int
trap_to_v1(const struct wn_snmp_msg *m, const struct wn_ws_vblist *vbl,
           const struct wn_ws_v1_fields *v1f, uint32_t *ent, size_t ent_max,
           struct wn_snmp_varbind *vb_out, size_t max, struct wn_snmp_pdu *v1)
{
    int rc = wn_snmp_trap_v2_to_v1(&m->pdu, ent, ent_max, vb_out, max, v1);
    if (rc < 0 || !v1f)
        return rc;
    int has_address = 0;
    for (uint32_t i = 0; i < vbl->n; i++)
        has_address |= name_is(vbl->vb[i].name.ptr, vbl->vb[i].name.len, trap_address_name,
                               WN_ARRAY_SIZE(trap_address_name));
    if (!has_address)
        memcpy(v1->agent_addr, v1f->agent_addr, sizeof v1->agent_addr);
    for (uint32_t k = 0; k < v1f->tail && v1->vb_count > 0; k++) {
        const struct wn_snmp_varbind *last = &v1->vbs[v1->vb_count - 1];
        if (!is_translation_vb(last->oid, last->oid_len))
            break;
        v1->vb_count--;
    }
    return 0;
}

/* smiVALUE (borrowed) -> codec value (borrowing the same memory). */
static int
value_to_wire(const smiVALUE *in, struct wn_snmp_value *out)
{
    memset(out, 0, sizeof *out);
    switch (in->syntax) {
    case SNMP_SYNTAX_INT:
        out->syntax = WN_SNMP_SYN_INTEGER;
        out->v.i32 = in->value.sNumber;
        break;
    case SNMP_SYNTAX_OCTETS:
    case SNMP_SYNTAX_BITS:
    case SNMP_SYNTAX_NSAPADDR:
        out->syntax = WN_SNMP_SYN_OCTETS;
        out->v.bytes.p = in->value.string.ptr;
        out->v.bytes.len = in->value.string.len;
        break;
    case SNMP_SYNTAX_OPAQUE:
        out->syntax = WN_SNMP_SYN_OPAQUE;
        out->v.bytes.p = in->value.string.ptr;
        out->v.bytes.len = in->value.string.len;
        break;
    case SNMP_SYNTAX_IPADDR:
        if (in->value.string.len != 4)
            return WN_E_BADVALUE;
        out->syntax = WN_SNMP_SYN_IPADDR;
        out->v.bytes.p = in->value.string.ptr;
        out->v.bytes.len = 4;
        break;
    case SNMP_SYNTAX_NULL:
        out->syntax = WN_SNMP_SYN_NULL;
        break;
    case SNMP_SYNTAX_OID:
        out->syntax = WN_SNMP_SYN_OID;
        out->v.oid.sub = in->value.oid.ptr;
        out->v.oid.n = in->value.oid.len;
        break;
    case SNMP_SYNTAX_CNTR32:
        out->syntax = WN_SNMP_SYN_COUNTER32;
        out->v.u32 = in->value.uNumber;
        break;
    case SNMP_SYNTAX_GAUGE32:
    case SNMP_SYNTAX_UINT32:   /* Unsigned32 travels as Gauge32 (RFC 2578) */
        out->syntax = WN_SNMP_SYN_GAUGE32;
        out->v.u32 = in->value.uNumber;
        break;
    case SNMP_SYNTAX_TIMETICKS:
        out->syntax = WN_SNMP_SYN_TIMETICKS;
        out->v.u32 = in->value.uNumber;
        break;
    case SNMP_SYNTAX_CNTR64:
        out->syntax = WN_SNMP_SYN_COUNTER64;
        out->v.u64 = ((uint64_t)in->value.hNumber.hipart << 32) | in->value.hNumber.lopart;
        break;
    case SNMP_SYNTAX_NOSUCHOBJECT:
        out->syntax = WN_SNMP_SYN_NOSUCHOBJECT;
        break;
    case SNMP_SYNTAX_NOSUCHINSTANCE:
        out->syntax = WN_SNMP_SYN_NOSUCHINSTANCE;
        break;
    case SNMP_SYNTAX_ENDOFMIBVIEW:
        out->syntax = WN_SNMP_SYN_ENDOFMIBVIEW;
        break;
    default:
        return WN_E_BADVALUE;
    }
    return 0;
}

static int
is_request(smiINT type)
{
    return type == SNMP_PDU_GET || type == SNMP_PDU_GETNEXT || type == SNMP_PDU_GETBULK ||
           type == SNMP_PDU_SET;
}

/* Encodes m into one allocation of head + the message's length: first
 * into a stack buffer the size of a typical datagram, into a full-size
 * scratch buffer only when it does not fit there.  The codec's errors are
 * returned as they are. */
static int
encode_block(const struct wn_snmp_msg *m, size_t head, void **block, size_t *len)
{
    uint8_t small[WN_WS_ENCODE_STACK];
    uint8_t *big = NULL;
    const uint8_t *enc;
    size_t enc_len;
    int rc = wn_snmp_msg_encode(m, small, sizeof small, &enc, &enc_len);
    if (rc == WN_E_NOSPACE) {
        big = wn_malloc(WN_SNMP_MAX_MSG);
        rc = big ? wn_snmp_msg_encode(m, big, WN_SNMP_MAX_MSG, &enc, &enc_len) : WN_E_NOMEM;
    }
    if (rc == 0) {
        uint8_t *res = wn_malloc(head + enc_len);
        if (res) {
            memcpy(res + head, enc, enc_len);
            *block = res;
            *len = enc_len;
        }
        rc = res ? 0 : WN_E_NOMEM;
    }
    wn_free(big);
    return rc;
}

int
wn_ws_rekey(const uint8_t *pkt, size_t len, smiINT32 reqid, uint8_t **out, size_t *outlen)
{
    struct wn_snmp_msg m;
    int rc = wn_snmp_msg_decode(pkt, len, &m);
    if (rc < 0)
        return WN_E_INVAL;   /* our own bytes: cannot happen */
    m.pdu.request_id = reqid;
    void *block = NULL;
    rc = encode_block(&m, 0, &block, outlen);
    if (rc < 0)
        return rc == WN_E_NOMEM ? WN_E_NOMEM : WN_E_TOOBIG;
    *out = block;
    return 0;
}

/* The header at pkt[*pos..len) with tag `tag`: moves *pos past it and
 * gives the content length; -1 when it is not there. */
static long
own_header(const uint8_t *pkt, size_t len, size_t *pos, uint8_t tag)
{
    size_t i = *pos;
    if (i + 2 > len || pkt[i] != tag)
        return -1;
    size_t n = pkt[i + 1];
    i += 2;
    if (n & 0x80) {
        size_t k = n & 0x7f;
        if (k == 0 || k > 3 || i + k > len)
            return -1;
        n = 0;
        while (k--)
            n = (n << 8) | pkt[i++];
    }
    if (n > len - i)
        return -1;
    *pos = i;
    return (long)n;
}

int
wn_ws_community_view(const uint8_t *pkt, size_t len, const uint8_t **community,
                     uint32_t *community_len)
{
    /* Our own encoding: SEQUENCE { INTEGER version, OCTET STRING ... },
     * read with bounds but without the general decoder. */
    size_t pos = 0;
    long n = own_header(pkt, len, &pos, WN_BER_SEQUENCE);
    long v = n < 0 ? -1 : own_header(pkt, len, &pos, WN_BER_INTEGER);
    if (v < 0)
        return WN_E_MALFORMED;
    pos += (size_t)v;
    n = own_header(pkt, len, &pos, WN_BER_OCTET_STRING);
    if (n < 0)
        return WN_E_MALFORMED;
    *community = pkt + pos;
    *community_len = (uint32_t)n;
    return 0;
}

int
wn_ws_encode(int version, const uint8_t *community, uint32_t community_len, smiINT type,
             smiINT32 reqid, smiINT error_status, smiINT error_index,
             const struct wn_ws_vblist *vbl, const struct wn_ws_v1_fields *v1f, uint8_t **pkt,
             size_t *len, uint8_t *sent_type)
{
    void *block = NULL;
    int rc = wn_ws_encode_block(version, community, community_len, type, reqid, error_status,
                                error_index, vbl, v1f, 0, &block, len, sent_type);
    if (rc == 0)
        *pkt = block;
    return rc;
}

int
wn_ws_encode_block(int version, const uint8_t *community, uint32_t community_len, smiINT type,
                   smiINT32 reqid, smiINT error_status, smiINT error_index,
                   const struct wn_ws_vblist *vbl, const struct wn_ws_v1_fields *v1f,
                   size_t head, void **block, size_t *len, uint8_t *sent_type)
{
    /* MSDN "Validating a PDU": status/index only for GetBulk and Response. */
    if (type != SNMP_PDU_GETBULK && type != SNMP_PDU_RESPONSE && (error_status || error_index))
        return WN_E_INVAL;
    if (type == SNMP_PDU_GETBULK && (error_status < 0 || error_index < 0))
        return WN_E_INVAL;
    if (!is_request(type) && type != SNMP_PDU_RESPONSE && type != SNMP_PDU_TRAP &&
        type != SNMP_PDU_INFORM)
        return WN_E_INVAL;
    if (version != WN_WS_V1 && version != WN_WS_V2C)
        return WN_E_UNSUPPORTED;
    if (community_len > WN_SNMP_MAX_COMMUNITY)
        return WN_E_LIMIT;   /* callers check the context first */
    if (vbl->n > WN_SNMP_MAX_VARBINDS)
        return WN_E_TOOBIG;

    size_t n = vbl->n;
    /* Two halves: the varbinds, and room for the v1 forms built from them. */
    struct wn_snmp_varbind vbs_small[2 * WN_WS_ENCODE_STACK_VBS];
    struct wn_snmp_varbind *vbs = n <= WN_WS_ENCODE_STACK_VBS ? vbs_small
                                                               : wn_calloc(2 * n, sizeof *vbs);
    int code = 0;
    if (!vbs) {
        code = WN_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        vbs[i].oid = vbl->vb[i].name.ptr;
        vbs[i].oid_len = vbl->vb[i].name.len;
        code = value_to_wire(&vbl->vb[i].value, &vbs[i].value);
        if (code < 0)
            goto out;
    }

    struct wn_snmp_msg m;
    memset(&m, 0, sizeof m);
    m.version = version == WN_WS_V1 ? WN_SNMP_V1 : WN_SNMP_V2C;
    m.community = community;
    m.community_len = community_len;
    m.pdu.type = (uint8_t)type;
    m.pdu.request_id = reqid;
    m.pdu.error_status = error_status;
    m.pdu.error_index = error_index;
    m.pdu.vbs = vbs;
    m.pdu.vb_count = n;

    uint32_t ent[WN_SNMP_MAX_OID_LEN];
    if (version == WN_WS_V1) {
        struct wn_snmp_pdu v1;
        memset(&v1, 0, sizeof v1);
        int rc;
        if (type == SNMP_PDU_INFORM) {
            code = WN_E_NOEQUIV;   /* no v1 equivalent (RFC 3584 4.1.2) */
            goto out;
        } else if (type == SNMP_PDU_TRAP) {
            rc = trap_to_v1(&m, vbl, v1f, ent, WN_ARRAY_SIZE(ent), vbs + n, n, &v1);
        } else if (is_request(type)) {
            size_t bad = 0;
            rc = wn_snmp_request_v2_to_v1(&m.pdu, &v1, &bad);
        } else {
            /* A Response to a v1 manager (agent role).  RFC 3584 4.2 wants
             * the request's varbinds on error; the engine does not keep
             * the request, so the response names with NULL values stand
             * in for them (the same names for Get and Set). */
            struct wn_snmp_pdu req = m.pdu;
            for (size_t i = 0; i < n; i++) {
                vbs[n + i] = vbs[i];
                memset(&vbs[n + i].value, 0, sizeof vbs[n + i].value);
                vbs[n + i].value.syntax = WN_SNMP_SYN_NULL;
            }
            req.vbs = vbs + n;
            rc = wn_snmp_response_v2_to_v1(&m.pdu, &req, &v1, NULL);
        }
        if (rc < 0) {
            code = rc == WN_E_UNSUPPORTED ? WN_E_NOEQUIV : WN_E_INVAL;
            goto out;
        }
        m.pdu = v1;
    }

    int rc = encode_block(&m, head, block, len);
    if (rc < 0) {
        /* Too big for one message, or a field the codec refuses. */
        code = rc == WN_E_NOMEM                       ? WN_E_NOMEM
               : rc == WN_E_NOSPACE || rc == WN_E_LIMIT ? WN_E_TOOBIG
               : rc == WN_E_UNSUPPORTED                 ? WN_E_NOEQUIV
                                                        : WN_E_INVAL;
        goto out;
    }
    if (sent_type)
        *sent_type = m.pdu.type;
out:
    if (vbs != vbs_small)
        wn_free(vbs);
    return code;
}

/* Codec value -> smiVALUE: numbers copied, strings and sub-id OIDs
 * viewed, a BER OID value decoded (with every check) into
 * scratch[0..max). */
static int
value_from_wire(const struct wn_snmp_value *in, smiVALUE *out, uint32_t *scratch, size_t max)
{
    memset(out, 0, sizeof *out);
    switch (in->syntax) {
    case WN_SNMP_SYN_INTEGER:
        out->syntax = SNMP_SYNTAX_INT32;
        out->value.sNumber = in->v.i32;
        break;
    case WN_SNMP_SYN_OCTETS:
    case WN_SNMP_SYN_OPAQUE:
    case WN_SNMP_SYN_IPADDR:
        out->syntax = in->syntax == WN_SNMP_SYN_OCTETS  ? SNMP_SYNTAX_OCTETS
                      : in->syntax == WN_SNMP_SYN_OPAQUE ? SNMP_SYNTAX_OPAQUE
                                                         : SNMP_SYNTAX_IPADDR;
        out->value.string.ptr = (smiLPBYTE)in->v.bytes.p;
        out->value.string.len = (smiUINT32)in->v.bytes.len;
        break;
    case WN_SNMP_SYN_NULL:
        out->syntax = SNMP_SYNTAX_NULL;
        break;
    case WN_SNMP_SYN_OID: {
        size_t n = 0;
        if (in->oid_is_ber) {
            int rc = wn_snmp_oid_decode(in->v.bytes.p, in->v.bytes.len, scratch, max, &n);
            if (rc < 0)
                return rc;
            out->value.oid.ptr = scratch;
        } else {
            n = in->v.oid.n;
            out->value.oid.ptr = (smiLPUINT32)in->v.oid.sub;
        }
        out->syntax = SNMP_SYNTAX_OID;
        out->value.oid.len = (smiUINT32)n;
        break;
    }
    case WN_SNMP_SYN_COUNTER32:
        out->syntax = SNMP_SYNTAX_CNTR32;
        out->value.uNumber = in->v.u32;
        break;
    case WN_SNMP_SYN_GAUGE32:
        out->syntax = SNMP_SYNTAX_GAUGE32;
        out->value.uNumber = in->v.u32;
        break;
    case WN_SNMP_SYN_TIMETICKS:
        out->syntax = SNMP_SYNTAX_TIMETICKS;
        out->value.uNumber = in->v.u32;
        break;
    case WN_SNMP_SYN_COUNTER64:
        out->syntax = SNMP_SYNTAX_CNTR64;
        out->value.hNumber.hipart = (smiUINT32)(in->v.u64 >> 32);
        out->value.hNumber.lopart = (smiUINT32)in->v.u64;
        break;
    case WN_SNMP_SYN_NOSUCHOBJECT:
        out->syntax = SNMP_SYNTAX_NOSUCHOBJECT;
        break;
    case WN_SNMP_SYN_NOSUCHINSTANCE:
        out->syntax = SNMP_SYNTAX_NOSUCHINSTANCE;
        break;
    case WN_SNMP_SYN_ENDOFMIBVIEW:
        out->syntax = SNMP_SYNTAX_ENDOFMIBVIEW;
        break;
    default:
        return WN_E_MALFORMED;
    }
    return 0;
}

/* A list's varbinds in the codec's encode-side form (sub-id names and
 * OID values viewing the list) in out[0..list->n), for the RFC 3584
 * translations. */
static int
list_to_wire(const struct wn_ws_vblist *list, struct wn_snmp_varbind *out)
{
    for (uint32_t i = 0; i < list->n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].oid = list->vb[i].name.ptr;
        out[i].oid_len = list->vb[i].name.len;
        int rc = value_to_wire(&list->vb[i].value, &out[i].value);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Deep copies of the encode-side varbinds a translation made,
 * v[0..n) (sub-id names and OID values), into list at a constant number
 * of allocations (house rule 4). */
static int
wire_to_list(const struct wn_snmp_varbind *v, size_t n, struct wn_ws_vblist *list)
{
    memset(list, 0, sizeof *list);
    if (n == 0)
        return 0;
    struct wn_ws_vb *tmp = wn_calloc(n, sizeof *tmp);
    if (!tmp)
        return WN_E_NOMEM;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!v[i].oid || (v[i].value.syntax == WN_SNMP_SYN_OID && v[i].value.oid_is_ber))
            rc = WN_E_INVAL;   /* a translation of a decoded list views no BER */
        else
            rc = value_from_wire(&v[i].value, &tmp[i].value, NULL, 0);
        tmp[i].name.ptr = (smiLPUINT32)v[i].oid;
        tmp[i].name.len = (smiUINT32)v[i].oid_len;
    }
    struct wn_ws_vblist view;
    memset(&view, 0, sizeof view);
    view.vb = tmp;
    view.n = view.cap = (uint32_t)n;
    if (rc == 0)
        rc = wn_ws_vblist_copy(list, &view);
    wn_free(tmp);
    return rc;
}

/* The fewest octets a VarBind takes: SEQUENCE header (2), an OID of one
 * octet (3), NULL (2). */
#define VARBIND_MIN_OCTETS 7u
/* The longest BER length form the sizing walk follows: two octets after
 * the 0x82, enough for any length within WN_SNMP_MAX_MSG. */
#define WALK_LEN_OCTETS 2u

/* The value syntaxes the decode copies as strings: OCTET STRING (0x04),
 * IpAddress (0x40) and Opaque (0x44), the only non-zero octets made of
 * the bits of STRING_SYNTAX_BITS. */
#define STRING_SYNTAX_BITS (WN_SNMP_SYN_OCTETS | WN_SNMP_SYN_IPADDR)
_Static_assert(WN_SNMP_SYN_OPAQUE == STRING_SYNTAX_BITS, "string syntaxes");

/* 1 for a value syntax the decode copies as a string. */
static int
wire_is_string(uint8_t syntax)
{
    return syntax != 0 && (syntax & ~STRING_SYNTAX_BITS) == 0;
}

/* The most octets of a varbind the walk reads in one step: its tag and
 * length (2), the name's (2), the longest short-form name (0x7f), the
 * value's tag and first length octet (2); also more than a varbind with
 * a one-octet length takes (2 + 0x7f). */
#define WALK_SPAN (6u + 0x7fu)

/* What a decoded list's arena holds room for: varbinds, sub-ids (names
 * and OID values), string octets. */
struct vbl_room {
    size_t vbs, ids, bytes;
};

/* A BER length at *pp (short form, or long of at most WALK_LEN_OCTETS)
 * no longer than the bytes left before end, *pp moved past it; SIZE_MAX
 * for anything else. */
static size_t
walk_len(const uint8_t **pp, const uint8_t *end)
{
    const uint8_t *p = *pp;
    if (p == end)
        return SIZE_MAX;
    size_t len = *p++;
    if (len & 0x80) {
        size_t k = len & 0x7f;
        if (k == 0 || k > WALK_LEN_OCTETS || k > (size_t)(end - p))
            return SIZE_MAX;
        len = k == 1 ? p[0] : ((size_t)p[0] << 8 | p[1]);
        p += k;
    }
    if (len > (size_t)(end - p))
        return SIZE_MAX;
    *pp = p;
    return len;
}

/* One varbind's shape at p (before end), its lengths in any form within
 * WALK_LEN_OCTETS: the name's length *nl, the value's tag and length
 * *tag, *vl; the varbind's end, or NULL for another shape. */
static const uint8_t *
vb_shape(const uint8_t *p, const uint8_t *end, size_t *nl, uint8_t *tag, size_t *vl)
{
    if (*p++ != WN_BER_SEQUENCE)
        return NULL;
    size_t l = walk_len(&p, end);
    if (l == SIZE_MAX)
        return NULL;
    const uint8_t *vb_end = p + l;
    if (p == vb_end || *p++ != WN_BER_OID)
        return NULL;
    *nl = walk_len(&p, vb_end);
    if (*nl == SIZE_MAX || *nl == (size_t)(vb_end - p))
        return NULL;   /* no value after the name */
    p += *nl;
    *tag = *p++;
    *vl = walk_len(&p, vb_end);
    return *vl == (size_t)(vb_end - p) ? vb_end : NULL;
}

/* The room decoding the list at p[0..len) needs, from its headers alone:
 * each varbind, k + 1 sub-ids for a name or OID value of k octets (the
 * first octet gives two), a string's octets.  1 when the list has only
 * the shape this follows (SEQUENCE { OID, value } with one-octet tags,
 * lengths within WALK_LEN_OCTETS, at most WN_SNMP_MAX_VARBINDS of them);
 * else 0, and room_worst is what applies.  Validates nothing (reads
 * only within the list): wn_snmp_vb_next_strict does, and the decode
 * checks every write against the room, so a list this misreads costs a
 * second decode, never a wrong one. */
static int
room_walk(const uint8_t *p, size_t len, struct vbl_room *room)
{
    const uint8_t *v = p, *end = p + len;
    /* Before fast_end a varbind's first WALK_SPAN octets, and the octet
     * after one with a one-octet length, are in the list. */
    const uint8_t *fast_end = len > WALK_SPAN ? end - WALK_SPAN : p;
    size_t n = 0, ids = 0, bytes = 0;
    while (v != end) {
        size_t nl, vl;
        uint8_t tag;
        /* The usual varbind: 30 L 06 nl <name> tag vl, the lengths L and nl
         * in one octet (so vl too, in a list that decodes), read and
         * stepped over within the list. */
        size_t left = (size_t)(end - v);
        if ((v < fast_end || (left >= 6 && v[3] <= left - 6 && v[1] <= left - 2)) &&
            !((v[1] | v[3]) & 0x80)) {
            nl = v[3];
            tag = v[4 + nl];
            vl = v[5 + nl];
            v += 2 + (size_t)v[1];
        } else {
            v = vb_shape(v, end, &nl, &tag, &vl);
            if (!v)
                return 0;
        }
        ids += nl + 1;
        if (tag == WN_SNMP_SYN_OID)
            ids += vl + 1;
        else if (wire_is_string(tag))
            bytes += vl;
        n++;
    }
    room->vbs = n;
    room->ids = ids;
    room->bytes = bytes;
    return n > 0 && n <= WN_SNMP_MAX_VARBINDS;
}

/* The room from the list's length alone: at most one varbind per
 * VARBIND_MIN_OCTETS octets, one sub-id per octet plus one per OID,
 * strings no longer than the list.  0 when the list cannot hold one
 * varbind. */
static int
room_worst(size_t len, struct vbl_room *room)
{
    size_t nmax = len / VARBIND_MIN_OCTETS;
    if (nmax > WN_SNMP_MAX_VARBINDS)
        nmax = WN_SNMP_MAX_VARBINDS;
    room->vbs = nmax;
    room->ids = len + 2 * nmax;
    room->bytes = len;
    return nmax > 0;
}

/* The syntaxes whose WinSNMP value is the codec's 32-bit number, with
 * the same identifier (winsnmp.h's SNMP_SYNTAX_* are the BER tags). */
_Static_assert(WN_SNMP_SYN_INTEGER == SNMP_SYNTAX_INT32 && WN_SNMP_SYN_COUNTER32 == SNMP_SYNTAX_CNTR32 &&
                   WN_SNMP_SYN_GAUGE32 == SNMP_SYNTAX_GAUGE32 &&
                   WN_SNMP_SYN_TIMETICKS == SNMP_SYNTAX_TIMETICKS,
               "numeric syntaxes");
static int
wire_is_number32(uint8_t syntax)
{
    return syntax == WN_SNMP_SYN_INTEGER ||
           (syntax >= WN_SNMP_SYN_COUNTER32 && syntax <= WN_SNMP_SYN_TIMETICKS);
}

/* The one pass of wn_ws_vbl_decode_checked into an arena of `room`:
 * WN_E_NOSPACE when the list needs more, nothing then written to list. */
static int
vbl_decode_in(struct wn_snmp_msg *m, const struct vbl_room *room, struct wn_ws_vblist *list)
{
    struct wn_snmp_pdu *pdu = &m->pdu;
    size_t head = room->vbs * sizeof(struct wn_ws_vb);
    uint8_t *arena = wn_ws_arena_alloc(head + room->ids * sizeof(uint32_t) + room->bytes);
    if (!arena)
        return WN_E_NOMEM;
    struct wn_ws_vb *vb = (struct wn_ws_vb *)(void *)arena;
    uint32_t *ip = (uint32_t *)(void *)(arena + head), *end = ip + room->ids;
    uint8_t *bp = (uint8_t *)end, *bend = bp + room->bytes;
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind v;
    wn_snmp_vb_iter_init(&it, pdu);
    size_t n = 0;
    int rc;
    for (;;) {
        rc = wn_snmp_vb_next_strict(&it, m->version, &v);
        if (rc != 1)
            break;
        /* Sub-ids past the room: wn_snmp_oid_decode's WN_E_NOSPACE. */
        if (n >= room->vbs ||
            (wire_is_string(v.value.syntax) && v.value.v.bytes.len > (size_t)(bend - bp))) {
            rc = WN_E_NOSPACE;
            break;
        }
        struct wn_ws_vb *d = &vb[n++];
        size_t k = 0;
        rc = wn_snmp_oid_decode(v.name_ber, v.name_ber_len, ip, (size_t)(end - ip), &k);
        if (rc < 0)
            break;
        d->in_arena = 1;
        d->name.ptr = ip;
        d->name.len = (smiUINT32)k;
        ip += k;
        if (wire_is_number32(v.value.syntax)) {
            /* The most common values, without value_from_wire's switch. */
            memset(&d->value, 0, sizeof d->value);
            d->value.syntax = v.value.syntax;
            if (v.value.syntax == WN_SNMP_SYN_INTEGER)
                d->value.value.sNumber = v.value.v.i32;
            else
                d->value.value.uNumber = v.value.v.u32;
            continue;
        }
        rc = value_from_wire(&v.value, &d->value, ip, (size_t)(end - ip));
        if (rc < 0)
            break;
        if (d->value.syntax == SNMP_SYNTAX_OID) {
            ip += d->value.value.oid.len;
        } else if (wn_ws_syntax_is_string(d->value.syntax)) {
            smiOCTETS *o = &d->value.value.string;
            if (o->len)
                memcpy(bp, o->ptr, o->len);
            o->ptr = o->len ? bp : NULL;
            bp += o->len;
        }
    }
    if (rc < 0 || n == 0) {
        wn_ws_arena_free(arena);
        return rc < 0 ? rc : WN_E_MALFORMED;   /* octets but no varbind */
    }
    pdu->vb_count = n;
    list->vb = vb;
    list->n = list->cap = (uint32_t)n;
    list->arena = arena;
    list->vb_in_arena = 1;
    return 0;
}

int
wn_ws_vbl_decode_checked(struct wn_snmp_msg *m, struct wn_ws_vblist *list)
{
    memset(list, 0, sizeof *list);
    struct wn_snmp_pdu *pdu = &m->pdu;
    pdu->vb_count = 0;
    if (pdu->vbl_len == 0)
        return 0;
    /* Sized to what the list holds, from a walk over its headers; a list
     * the walk does not follow, or one that needs more than it said (a
     * shape the strict pass reads otherwise), gets the room its length
     * alone allows.  The arena lives as long as the list and its copies. */
    struct vbl_room room;
    int rc = WN_E_NOSPACE;
    if (room_walk(pdu->vbl, pdu->vbl_len, &room))
        rc = vbl_decode_in(m, &room, list);
    if (rc == WN_E_NOSPACE) {
        if (!room_worst(pdu->vbl_len, &room))
            return WN_E_MALFORMED;   /* octets, too few for one varbind */
        rc = vbl_decode_in(m, &room, list);
        if (rc == WN_E_NOSPACE)
            rc = WN_E_MALFORMED;   /* cannot happen: every varbind took its octets */
    }
    return rc;
}

int
wn_ws_msg_receive(const uint8_t *pkt, size_t len, struct wn_snmp_msg *m,
                  struct wn_ws_vblist *list)
{
    memset(list, 0, sizeof *list);
    int rc = wn_snmp_msg_decode_head(pkt, len, m);
    if (rc == 0)
        rc = wn_ws_vbl_decode_checked(m, list);
    if (rc == WN_E_NOMEM)
        rc = wn_snmp_msg_decode(pkt, len, m);   /* validated; decoded when read */
    return rc;
}

int
wn_ws_msg_translated(const struct wn_snmp_msg *m, uint8_t orig_type)
{
    return m->pdu.type == WN_SNMP_PDU_TRAP_V1 ||
           (m->version == WN_SNMP_V1 && m->pdu.type == WN_SNMP_PDU_RESPONSE && orig_type);
}

int
wn_ws_decode(const uint8_t *pkt, size_t len, uint8_t orig_type, int convey,
             struct wn_ws_decoded *out)
{
    struct wn_snmp_msg m;
    struct wn_ws_vblist ready;
    memset(&ready, 0, sizeof ready);
    int rc = wn_snmp_msg_decode_head(pkt, len, &m);
    if (rc == 0)
        rc = wn_ws_vbl_decode_checked(&m, &ready);   /* validated and decoded in one pass */
    if (rc < 0) {
        memset(out, 0, sizeof *out);
        return rc == WN_E_NOMEM ? WN_E_NOMEM : WN_E_MALFORMED;
    }
    rc = wn_ws_decode_msg(&m, orig_type, convey, &ready, out);
    wn_ws_vblist_clear(&ready);
    return rc;
}

void
wn_ws_msg_rebase(struct wn_snmp_msg *m, const uint8_t *from, size_t len, const uint8_t *to)
{
    const uint8_t **views[] = {&m->community, &m->pdu.vbl, &m->pdu.enterprise_ber};
    for (size_t i = 0; i < WN_ARRAY_SIZE(views); i++)
        if (*views[i] && *views[i] >= from && *views[i] <= from + len)
            *views[i] = to + (*views[i] - from);
}

/* The varbinds a translation adds to a v1 trap's own: sysUpTime.0 and
 * snmpTrapOID.0 before them, the three of RFC 3584 3.1 (4) after. */
#define TRAP_V1_ADDED 5u

/* The RFC 3584 translation of m (wn_ws_msg_translated), whose varbinds
 * are `wire`, into out's list and *pdu's fields; v: scratch for
 * 2 * wire->n + TRAP_V1_ADDED varbinds. */
static int
translate_in(const struct wn_snmp_msg *m, uint8_t orig_type, int convey,
             const struct wn_ws_vblist *wire, struct wn_snmp_varbind *v,
             struct wn_snmp_pdu *pdu, struct wn_ws_decoded *out)
{
    struct wn_snmp_pdu in = m->pdu;
    in.vbs = v;
    in.vb_count = wire->n;
    in.vbl = NULL;
    in.vbl_len = 0;
    struct wn_snmp_varbind *t = v + wire->n;   /* the translation's */
    size_t max = wire->n + TRAP_V1_ADDED, n = 0;
    uint32_t ent[WN_SNMP_MAX_OID_LEN];
    uint32_t scratch[WN_SNMP_MAX_OID_LEN + 2];
    int rc = list_to_wire(wire, v);
    if (rc == 0 && in.type != WN_SNMP_PDU_TRAP_V1) {
        rc = wn_snmp_response_v1_to_v2(&in, orig_type, t, max, pdu);
        return rc < 0 ? rc : wire_to_list(pdu->vbs, pdu->vb_count, &out->vbl);
    }
    /* The enterprise as sub-ids, so that the translation views no BER. */
    if (rc == 0)
        rc = wn_snmp_oid_decode(in.enterprise_ber, in.enterprise_ber_len, ent,
                                WN_ARRAY_SIZE(ent), &n);
    in.enterprise = ent;
    in.enterprise_len = n;
    if (rc == 0)
        rc = wn_snmp_trap_v1_to_v2(&in, m->community, m->community_len, scratch,
                                   WN_ARRAY_SIZE(scratch), t, max, &n);
    if (rc < 0)
        return rc;
    /* Of what the translation appended after the trap's own varbinds,
     * keep what Windows gives. */
    size_t own = 2 + wire->n, w = own;
    for (size_t i = own; i < n; i++) {
        const uint32_t *o = t[i].oid;
        size_t ol = t[i].oid_len;
        if (name_is(o, ol, trap_community_name, WN_ARRAY_SIZE(trap_community_name)) ||
            (!convey && name_is(o, ol, trap_address_name, WN_ARRAY_SIZE(trap_address_name))))
            continue;
        t[w++] = t[i];
    }
    out->from_v1_trap = 1;
    memcpy(out->agent_addr, m->pdu.agent_addr, sizeof out->agent_addr);
    out->v1_tail = (uint32_t)(w - own);
    memset(pdu, 0, sizeof *pdu);
    pdu->type = WN_SNMP_PDU_TRAP_V2;   /* v1 traps surface as v2 traps */
    /* Copied while the trap OID (scratch) and enterprise (ent) they view
     * are in scope. */
    return wire_to_list(t, w, &out->vbl);
}

int
wn_ws_decode_msg(const struct wn_snmp_msg *mp, uint8_t orig_type, int convey,
                 const struct wn_ws_vblist *ready, struct wn_ws_decoded *out)
{
    memset(out, 0, sizeof *out);
    struct wn_snmp_msg m = *mp;
    struct wn_ws_vblist own;
    int rc = 0;
    if (!ready) {
        rc = wn_ws_vbl_decode_checked(&m, &own);   /* validated, not decoded yet */
        ready = &own;
    }
    struct wn_snmp_pdu pdu = m.pdu;
    if (rc == 0 && wn_ws_msg_translated(&m, orig_type)) {
        /* The list the translation makes, not the wire's. */
        struct wn_snmp_varbind *v = wn_calloc(2 * (size_t)ready->n + TRAP_V1_ADDED, sizeof *v);
        rc = v ? translate_in(&m, orig_type, convey, ready, v, &pdu, out) : WN_E_NOMEM;
        wn_free(v);
        if (rc < 0 && rc != WN_E_NOMEM)
            rc = WN_E_MALFORMED;
    } else if (rc == 0) {
        /* A decoded list is shared: its arena is reference-counted. */
        rc = wn_ws_vblist_copy(&out->vbl, ready);
    }
    if (ready == &own)
        wn_ws_vblist_clear(&own);
    if (rc < 0) {
        wn_ws_vblist_clear(&out->vbl);
        memset(out, 0, sizeof *out);
        return rc == WN_E_NOMEM ? WN_E_NOMEM : WN_E_MALFORMED;
    }
    out->type = pdu.type;
    out->request_id = pdu.request_id;
    out->error_status = pdu.error_status;
    out->error_index = pdu.error_index;
    out->community = m.community;
    out->community_len = (uint32_t)m.community_len;
    out->version = m.version == WN_SNMP_V1 ? WN_WS_V1 : WN_WS_V2C;
    return 0;
}

int
wn_ws_trap_oid(const struct wn_snmp_msg *m, uint32_t *out, size_t max, size_t *n)
{
    const struct wn_snmp_pdu *p = &m->pdu;
    if (p->type == WN_SNMP_PDU_TRAP_V1) {
        if (p->generic_trap >= 0 && p->generic_trap < 6) {
            size_t b = WN_ARRAY_SIZE(generic_trap_base);
            if (max < b + 1)
                return WN_E_NOSPACE;
            memcpy(out, generic_trap_base, sizeof generic_trap_base);
            out[b] = (uint32_t)p->generic_trap + 1;
            *n = b + 1;
            return 0;
        }
        size_t e = 0;
        if (p->enterprise) {
            e = p->enterprise_len;
            if (e + 2 > max)
                return WN_E_NOSPACE;
            memcpy(out, p->enterprise, e * sizeof *out);
        } else {
            int rc = wn_snmp_oid_decode(p->enterprise_ber, p->enterprise_ber_len, out,
                                        max - 2, &e);
            if (rc < 0)
                return rc;
        }
        out[e] = 0;
        out[e + 1] = (uint32_t)p->specific_trap;
        *n = e + 2;
        return 0;
    }
    /* v2 trap / inform: the second varbind is snmpTrapOID.0. */
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    wn_snmp_vb_iter_init(&it, p);
    for (int i = 0; i < 2; i++) {
        int rc = wn_snmp_vb_next(&it, &vb);
        if (rc != 1)
            return rc < 0 ? rc : WN_E_MALFORMED;
    }
    if (!wn_snmp_vb_name_equals(&vb, trap_oid_name, WN_ARRAY_SIZE(trap_oid_name)) ||
        vb.value.syntax != WN_SNMP_SYN_OID)
        return WN_E_MALFORMED;
    if (!vb.value.oid_is_ber) {
        if (vb.value.v.oid.n > max)
            return WN_E_NOSPACE;
        memcpy(out, vb.value.v.oid.sub, vb.value.v.oid.n * sizeof *out);
        *n = vb.value.v.oid.n;
        return 0;
    }
    return wn_snmp_oid_decode(vb.value.v.bytes.p, vb.value.v.bytes.len, out, max, n);
}
