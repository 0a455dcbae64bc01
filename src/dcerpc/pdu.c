/* pdu.c: encode and decode of connection-oriented DCE/RPC PDUs (bind, bind_ack/nak, request, response, fault). */
#include "dcerpc.h"

#include <string.h>

#define MOD "dcerpc"

/* 8a885d04-1ceb-11c9-9fe8-08002b104860 in wire order. */
const struct wn_dcerpc_syntax wn_dcerpc_ndr20_syntax = {
    {0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11,
     0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60},
    2, 0};

int
wn_dcerpc_uuid_parse(const char *text, uint8_t out[16])
{
    /* Text byte order; the first three groups are then reversed. */
    uint8_t b[16];
    size_t n = 0;
    if (!text || strlen(text) != 36)
        return WN_E_INVAL;
    for (size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-')
                return WN_E_INVAL;
            i++;
            continue;
        }
        int hi = wn_hexval(text[i]);
        int lo = wn_hexval(text[i + 1]);
        if (hi < 0 || lo < 0)
            return WN_E_INVAL;
        b[n++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6,
                                      8, 9, 10, 11, 12, 13, 14, 15};
    for (size_t i = 0; i < 16; i++)
        out[i] = b[order[i]];
    return 0;
}

/* Reserves room for a PDU of `frag_len` bytes at the end of `out` and
 * writes the common header; the body follows through `w`. */
static int
begin_pdu(struct wn_dynbuf *out, struct wn_wbuf *w, uint8_t ptype, uint8_t flags,
          size_t frag_len, uint32_t call_id)
{
    uint8_t *p;
    if (frag_len > WN_DCERPC_MAX_FRAG)
        return WN_E_INVAL;
    int rc = wn_dynbuf_grow(out, frag_len, &p);
    if (rc)
        return rc;
    wn_wbuf_init(w, p, frag_len);
    wn_wbuf_u8(w, 5);
    wn_wbuf_u8(w, 0);
    wn_wbuf_u8(w, ptype);
    wn_wbuf_u8(w, flags);
    wn_wbuf_bytes(w, "\x10\x00\x00\x00", 4);
    wn_wbuf_u16le(w, (uint16_t)frag_len);
    wn_wbuf_u16le(w, 0);
    wn_wbuf_u32le(w, call_id);
    return 0;
}

static int
end_pdu(struct wn_wbuf *w)
{
    /* Every encoder computes frag_len exactly: the buffer must be full. */
    if (w->err || wn_wbuf_left(w) != 0)
        return WN_E_INVAL;
    return 0;
}

static void
put_syntax(struct wn_wbuf *w, const struct wn_dcerpc_syntax *s)
{
    wn_wbuf_bytes(w, s->uuid, 16);
    wn_wbuf_u16le(w, s->major);
    wn_wbuf_u16le(w, s->minor);
}

static void
get_syntax(struct wn_rbuf *r, struct wn_dcerpc_syntax *s)
{
    wn_rbuf_copy(r, s->uuid, 16);
    s->major = wn_rbuf_u16le(r);
    s->minor = wn_rbuf_u16le(r);
}

int
wn_dcerpc_bind_encode(struct wn_dynbuf *out, uint8_t ptype, uint32_t call_id,
                      uint16_t max_xmit, uint16_t max_recv, uint32_t assoc_group,
                      const struct wn_dcerpc_syntax *abstract,
                      const struct wn_dcerpc_syntax *transfer)
{
    struct wn_wbuf w;
    if (!abstract || !transfer ||
        (ptype != WN_DCERPC_BIND && ptype != WN_DCERPC_ALTER_CONTEXT))
        return WN_E_INVAL;
    int rc = begin_pdu(out, &w, ptype, WN_DCERPC_PFC_FIRST_FRAG | WN_DCERPC_PFC_LAST_FRAG,
                       72, call_id);
    if (rc)
        return rc;
    wn_wbuf_u16le(&w, max_xmit);
    wn_wbuf_u16le(&w, max_recv);
    wn_wbuf_u32le(&w, assoc_group);
    wn_wbuf_u8(&w, 1);          /* n_context_elem */
    wn_wbuf_zeros(&w, 3);
    wn_wbuf_u16le(&w, 0);       /* p_cont_id */
    wn_wbuf_u8(&w, 1);          /* n_transfer_syn */
    wn_wbuf_u8(&w, 0);
    put_syntax(&w, abstract);
    put_syntax(&w, transfer);
    return end_pdu(&w);
}

int
wn_dcerpc_bind_ack_encode(struct wn_dynbuf *out, uint8_t ptype, uint32_t call_id,
                          uint16_t max_xmit, uint16_t max_recv, uint32_t assoc_group,
                          const char *sec_addr, uint16_t result, uint16_t reason,
                          const struct wn_dcerpc_syntax *transfer)
{
    struct wn_wbuf w;
    size_t sa = sec_addr ? strlen(sec_addr) + 1 : 0;
    if (!transfer || sa > WN_DCERPC_MAX_SEC_ADDR ||
        (ptype != WN_DCERPC_BIND_ACK && ptype != WN_DCERPC_ALTER_CONTEXT_RESP))
        return WN_E_INVAL;
    size_t len = 24 + 2 + sa;
    len = (len + 3) & ~(size_t)3;
    len += 4 + 24;
    int rc = begin_pdu(out, &w, ptype, WN_DCERPC_PFC_FIRST_FRAG | WN_DCERPC_PFC_LAST_FRAG,
                       len, call_id);
    if (rc)
        return rc;
    wn_wbuf_u16le(&w, max_xmit);
    wn_wbuf_u16le(&w, max_recv);
    wn_wbuf_u32le(&w, assoc_group);
    wn_wbuf_u16le(&w, (uint16_t)sa);
    if (sa)
        wn_wbuf_bytes(&w, sec_addr, sa);
    wn_wbuf_align(&w, 4);
    wn_wbuf_u8(&w, 1);          /* n_results */
    wn_wbuf_zeros(&w, 3);
    wn_wbuf_u16le(&w, result);
    wn_wbuf_u16le(&w, reason);
    put_syntax(&w, transfer);
    return end_pdu(&w);
}

int
wn_dcerpc_bind_nak_encode(struct wn_dynbuf *out, uint32_t call_id, uint16_t reason)
{
    struct wn_wbuf w;
    int rc = begin_pdu(out, &w, WN_DCERPC_BIND_NAK,
                       WN_DCERPC_PFC_FIRST_FRAG | WN_DCERPC_PFC_LAST_FRAG, 20, call_id);
    if (rc)
        return rc;
    wn_wbuf_u16le(&w, reason);
    wn_wbuf_u8(&w, 0);          /* no protocol versions listed */
    wn_wbuf_u8(&w, 0);
    return end_pdu(&w);
}

int
wn_dcerpc_request_encode(struct wn_dynbuf *out, uint32_t call_id, uint8_t pfc_flags,
                         uint32_t alloc_hint, uint16_t ctx_id, uint16_t opnum,
                         const uint8_t *stub, size_t stub_len)
{
    struct wn_wbuf w;
    if ((stub_len && !stub) || stub_len > WN_DCERPC_MAX_FRAG - WN_DCERPC_REQ_HDR_LEN)
        return WN_E_INVAL;
    pfc_flags &= (uint8_t)~WN_DCERPC_PFC_OBJECT_UUID;
    int rc = begin_pdu(out, &w, WN_DCERPC_REQUEST, pfc_flags,
                       WN_DCERPC_REQ_HDR_LEN + stub_len, call_id);
    if (rc)
        return rc;
    wn_wbuf_u32le(&w, alloc_hint);
    wn_wbuf_u16le(&w, ctx_id);
    wn_wbuf_u16le(&w, opnum);
    if (stub_len)
        wn_wbuf_bytes(&w, stub, stub_len);
    return end_pdu(&w);
}

int
wn_dcerpc_response_encode(struct wn_dynbuf *out, uint32_t call_id, uint8_t pfc_flags,
                          uint32_t alloc_hint, uint16_t ctx_id,
                          const uint8_t *stub, size_t stub_len)
{
    struct wn_wbuf w;
    if ((stub_len && !stub) || stub_len > WN_DCERPC_MAX_FRAG - WN_DCERPC_RESP_HDR_LEN)
        return WN_E_INVAL;
    int rc = begin_pdu(out, &w, WN_DCERPC_RESPONSE, pfc_flags,
                       WN_DCERPC_RESP_HDR_LEN + stub_len, call_id);
    if (rc)
        return rc;
    wn_wbuf_u32le(&w, alloc_hint);
    wn_wbuf_u16le(&w, ctx_id);
    wn_wbuf_u8(&w, 0);          /* cancel_count */
    wn_wbuf_u8(&w, 0);
    if (stub_len)
        wn_wbuf_bytes(&w, stub, stub_len);
    return end_pdu(&w);
}

int
wn_dcerpc_fault_encode(struct wn_dynbuf *out, uint32_t call_id, uint16_t ctx_id,
                       uint32_t status)
{
    struct wn_wbuf w;
    int rc = begin_pdu(out, &w, WN_DCERPC_FAULT,
                       WN_DCERPC_PFC_FIRST_FRAG | WN_DCERPC_PFC_LAST_FRAG, 32, call_id);
    if (rc)
        return rc;
    wn_wbuf_u32le(&w, 0);       /* alloc_hint */
    wn_wbuf_u16le(&w, ctx_id);
    wn_wbuf_u8(&w, 0);
    wn_wbuf_u8(&w, 0);
    wn_wbuf_u32le(&w, status);
    wn_wbuf_u32le(&w, 0);
    return end_pdu(&w);
}

int
wn_dcerpc_hdr_decode(const uint8_t *buf, size_t len, struct wn_dcerpc_hdr *out)
{
    struct wn_rbuf r;
    wn_rbuf_init(&r, buf, len);
    uint8_t vers = wn_rbuf_u8(&r);
    uint8_t minor = wn_rbuf_u8(&r);
    out->ptype = wn_rbuf_u8(&r);
    out->pfc_flags = wn_rbuf_u8(&r);
    const uint8_t *drep = wn_rbuf_view(&r, 4);
    out->frag_length = wn_rbuf_u16le(&r);
    out->auth_length = wn_rbuf_u16le(&r);
    out->call_id = wn_rbuf_u32le(&r);
    if (r.err)
        return r.err;
    WN_PARSE_CHECK(MOD, vers == 5 && minor == 0, WN_E_MALFORMED);
    /* Little-endian integers, ASCII characters; float format unused. */
    WN_PARSE_CHECK(MOD, (drep[0] & 0xf0) == 0x10 && (drep[0] & 0x0f) == 0, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, out->frag_length >= WN_DCERPC_HDR_LEN, WN_E_MALFORMED);
    return 0;
}

static int
decode_bind(struct wn_rbuf *r, struct wn_dcerpc_pdu *out)
{
    out->u.bind.max_xmit = wn_rbuf_u16le(r);
    out->u.bind.max_recv = wn_rbuf_u16le(r);
    out->u.bind.assoc_group = wn_rbuf_u32le(r);
    out->u.bind.n_ctx = wn_rbuf_u8(r);
    wn_rbuf_skip(r, 3);
    if (r->err)
        return r->err;
    WN_PARSE_CHECK(MOD, out->u.bind.n_ctx >= 1, WN_E_MALFORMED);
    out->u.bind.ctx_id = wn_rbuf_u16le(r);
    uint8_t n_xfer = wn_rbuf_u8(r);
    wn_rbuf_skip(r, 1);
    get_syntax(r, &out->u.bind.abstract);
    if (r->err)
        return r->err;
    WN_PARSE_CHECK(MOD, n_xfer >= 1, WN_E_MALFORMED);
    get_syntax(r, &out->u.bind.transfer);
    return r->err;
}

static int
decode_bind_ack(struct wn_rbuf *r, struct wn_dcerpc_pdu *out)
{
    out->u.bind_ack.max_xmit = wn_rbuf_u16le(r);
    out->u.bind_ack.max_recv = wn_rbuf_u16le(r);
    out->u.bind_ack.assoc_group = wn_rbuf_u32le(r);
    uint16_t sa = wn_rbuf_u16le(r);
    if (r->err)
        return r->err;
    WN_PARSE_CHECK(MOD, sa <= WN_DCERPC_MAX_SEC_ADDR, WN_E_LIMIT);
    WN_PARSE_CHECK(MOD, sa <= wn_rbuf_left(r), WN_E_TRUNCATED);
    out->u.bind_ack.sec_addr = sa ? wn_rbuf_view(r, sa) : NULL;
    out->u.bind_ack.sec_addr_len = sa;
    wn_rbuf_align(r, 4);
    out->u.bind_ack.n_results = wn_rbuf_u8(r);
    wn_rbuf_skip(r, 3);
    if (r->err)
        return r->err;
    WN_PARSE_CHECK(MOD, out->u.bind_ack.n_results >= 1, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, out->u.bind_ack.n_results <= WN_DCERPC_MAX_RESULTS, WN_E_LIMIT);
    WN_PARSE_CHECK(MOD, (size_t)out->u.bind_ack.n_results * 24 <= wn_rbuf_left(r),
                   WN_E_TRUNCATED);
    out->u.bind_ack.result = wn_rbuf_u16le(r);
    out->u.bind_ack.reason = wn_rbuf_u16le(r);
    get_syntax(r, &out->u.bind_ack.transfer);
    return r->err;
}

int
wn_dcerpc_pdu_decode(const uint8_t *buf, size_t len, struct wn_dcerpc_pdu *out)
{
    memset(out, 0, sizeof *out);
    int rc = wn_dcerpc_hdr_decode(buf, len, &out->hdr);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, out->hdr.frag_length <= len, WN_E_TRUNCATED);
    WN_PARSE_CHECK(MOD, out->hdr.auth_length == 0, WN_E_UNSUPPORTED);

    struct wn_rbuf r;
    wn_rbuf_init(&r, buf, out->hdr.frag_length);
    wn_rbuf_skip(&r, WN_DCERPC_HDR_LEN);
    switch (out->hdr.ptype) {
    case WN_DCERPC_BIND:
    case WN_DCERPC_ALTER_CONTEXT:
        return decode_bind(&r, out);
    case WN_DCERPC_BIND_ACK:
    case WN_DCERPC_ALTER_CONTEXT_RESP:
        return decode_bind_ack(&r, out);
    case WN_DCERPC_BIND_NAK:
        out->u.bind_nak.reason = wn_rbuf_u16le(&r);
        return r.err;
    case WN_DCERPC_REQUEST:
        out->u.request.alloc_hint = wn_rbuf_u32le(&r);
        out->u.request.ctx_id = wn_rbuf_u16le(&r);
        out->u.request.opnum = wn_rbuf_u16le(&r);
        if (out->hdr.pfc_flags & WN_DCERPC_PFC_OBJECT_UUID)
            wn_rbuf_skip(&r, 16);
        if (r.err)
            return r.err;
        out->u.request.stub_len = wn_rbuf_left(&r);
        out->u.request.stub = wn_rbuf_view(&r, out->u.request.stub_len);
        return r.err;
    case WN_DCERPC_RESPONSE:
        out->u.response.alloc_hint = wn_rbuf_u32le(&r);
        out->u.response.ctx_id = wn_rbuf_u16le(&r);
        out->u.response.cancel_count = wn_rbuf_u8(&r);
        wn_rbuf_skip(&r, 1);
        if (r.err)
            return r.err;
        out->u.response.stub_len = wn_rbuf_left(&r);
        out->u.response.stub = wn_rbuf_view(&r, out->u.response.stub_len);
        return r.err;
    case WN_DCERPC_FAULT:
        out->u.fault.alloc_hint = wn_rbuf_u32le(&r);
        out->u.fault.ctx_id = wn_rbuf_u16le(&r);
        out->u.fault.cancel_count = wn_rbuf_u8(&r);
        wn_rbuf_skip(&r, 1);
        out->u.fault.status = wn_rbuf_u32le(&r);
        return r.err;
    default:
        wn_count_parse_error(MOD, "known ptype", __FILE__, __LINE__);
        return WN_E_UNSUPPORTED;
    }
}
