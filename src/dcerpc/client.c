/* client.c: DCE/RPC client over a pipe transport: bind negotiation, request fragmentation, response reassembly. */
#include "dcerpc.h"

#include <string.h>

#define MOD "dcerpc"

/* Raw bytes read from the pipe but not yet consumed: at most one maximal
 * fragment plus one more transport read. */
#define RX_MAX (2u * (WN_DCERPC_MAX_FRAG + 1u))

struct rx {
    struct wn_dynbuf buf;       /* unconsumed bytes start at buf.data + off */
    size_t off;
    struct wn_dynbuf tmp;       /* what the transport handed back this time */
    int more;
};

static void
rx_init(struct rx *x)
{
    wn_dynbuf_init(&x->buf, RX_MAX);
    wn_dynbuf_init(&x->tmp, RX_MAX);
    x->off = 0;
    x->more = 0;
}

static void
rx_free(struct rx *x)
{
    wn_dynbuf_free(&x->buf);
    wn_dynbuf_free(&x->tmp);
}

/* Moves the transport's output into the unconsumed-bytes buffer. */
static int
rx_absorb(struct rx *x)
{
    if (x->off) {
        size_t left = x->buf.len - x->off;
        memmove(x->buf.data, x->buf.data + x->off, left);
        x->buf.len = left;
        x->off = 0;
    }
    int rc = x->tmp.len ? wn_dynbuf_add(&x->buf, x->tmp.data, x->tmp.len) : 0;
    wn_dynbuf_reset(&x->tmp);
    return rc;
}

static int
rx_transceive(const struct wn_dcerpc_transport *t, struct rx *x, const uint8_t *pdu,
              size_t len)
{
    wn_dynbuf_reset(&x->tmp);
    x->more = 0;
    int rc = t->transceive(t->ctx, pdu, len, &x->tmp, &x->more);
    return rc ? rc : rx_absorb(x);
}

/* Reads more pipe bytes; an empty read is a peer that stopped mid-PDU. */
static int
rx_read(const struct wn_dcerpc_transport *t, struct rx *x, size_t max)
{
    wn_dynbuf_reset(&x->tmp);
    x->more = 0;
    int rc = t->read(t->ctx, &x->tmp, max, &x->more);
    if (rc)
        return rc;
    if (x->tmp.len == 0) {
        wn_count_parse_error(MOD, "read returned data", __FILE__, __LINE__);
        return WN_E_PROTOCOL;
    }
    return rx_absorb(x);
}

/* Makes one complete PDU available at *pdu (length *len, borrowed from
 * x until the next rx_* call), reading as needed. */
static int
rx_next_pdu(const struct wn_dcerpc_transport *t, struct rx *x, uint16_t max_frag,
            const uint8_t **pdu, size_t *len)
{
    for (;;) {
        size_t have = x->buf.len - x->off;
        size_t need = WN_DCERPC_HDR_LEN;
        if (have >= WN_DCERPC_HDR_LEN) {
            const uint8_t *p = x->buf.data + x->off;
            struct wn_dcerpc_hdr h;
            int rc = wn_dcerpc_hdr_decode(p, have, &h);
            if (rc)
                return rc;
            WN_PARSE_CHECK(MOD, h.frag_length <= max_frag, WN_E_PROTOCOL);
            need = h.frag_length;
            if (have >= need) {
                *pdu = p;
                *len = need;
                x->off += need;
                return 0;
            }
        }
        int rc = rx_read(t, x, WN_MAX(need - have, (size_t)max_frag));
        if (rc)
            return rc;
    }
}

int
wn_dcerpc_bind(const struct wn_dcerpc_transport *t,
               const struct wn_dcerpc_syntax *abstract,
               const struct wn_dcerpc_syntax *transfer,
               struct wn_dcerpc_client *client)
{
    if (!t || !t->transceive || !t->write || !t->read || !abstract || !transfer || !client)
        return WN_E_INVAL;
    memset(client, 0, sizeof *client);
    client->t = t;
    client->next_call_id = 1;

    struct wn_dynbuf req;
    struct rx x;
    wn_dynbuf_init(&req, WN_DCERPC_MAX_FRAG);
    rx_init(&x);
    uint32_t call_id = client->next_call_id++;
    int rc = wn_dcerpc_bind_encode(&req, WN_DCERPC_BIND, call_id, WN_DCERPC_PROPOSED_FRAG,
                                   WN_DCERPC_PROPOSED_FRAG, 0, abstract, transfer);
    if (!rc)
        rc = rx_transceive(t, &x, req.data, req.len);
    const uint8_t *pdu = NULL;
    size_t len = 0;
    if (!rc)
        rc = rx_next_pdu(t, &x, WN_DCERPC_MAX_FRAG, &pdu, &len);
    struct wn_dcerpc_pdu d;
    if (!rc)
        rc = wn_dcerpc_pdu_decode(pdu, len, &d);
    if (!rc) {
        client->bind_ptype = d.hdr.ptype;
        if (d.hdr.call_id != call_id) {
            rc = WN_E_PROTOCOL;
        } else if (d.hdr.ptype == WN_DCERPC_BIND_NAK) {
            client->bind_reason = d.u.bind_nak.reason;
            rc = WN_E_PROTOCOL;
        } else if (d.hdr.ptype != WN_DCERPC_BIND_ACK) {
            client->bind_ptype = 0;
            rc = WN_E_PROTOCOL;
        } else {
            client->bind_result = d.u.bind_ack.result;
            client->bind_reason = d.u.bind_ack.reason;
            client->assoc_group = d.u.bind_ack.assoc_group;
            /* The server's max_xmit is what it sends us; its max_recv is
             * the largest fragment we may send. */
            client->max_xmit = WN_MIN(d.u.bind_ack.max_recv, WN_DCERPC_PROPOSED_FRAG);
            client->max_recv = WN_MIN(d.u.bind_ack.max_xmit, WN_DCERPC_PROPOSED_FRAG);
            if (d.u.bind_ack.result != 0)
                rc = WN_E_UNSUPPORTED;
            else if (memcmp(d.u.bind_ack.transfer.uuid, transfer->uuid, 16) != 0 ||
                     d.u.bind_ack.transfer.major != transfer->major)
                rc = WN_E_PROTOCOL;
            else if (client->max_xmit < WN_DCERPC_MIN_FRAG ||
                     client->max_recv < WN_DCERPC_MIN_FRAG)
                rc = WN_E_PROTOCOL;
        }
    }
    if (rc == 0 && x.buf.len != x.off)
        rc = WN_E_PROTOCOL;     /* bytes after the bind_ack */
    if (rc)
        wn_log(WN_LOG_DEBUG, MOD, "bind failed: %s (ptype %u result %u reason %u)",
               wn_errname(rc), client->bind_ptype, client->bind_result,
               client->bind_reason);
    wn_dynbuf_free(&req);
    rx_free(&x);
    return rc;
}

/* Sends the request fragments; the last one goes through transceive. */
static int
send_request(struct wn_dcerpc_client *c, struct rx *x, uint32_t call_id, uint16_t opnum,
             const uint8_t *stub, size_t stub_len)
{
    size_t chunk = ((size_t)c->max_xmit - WN_DCERPC_REQ_HDR_LEN) & ~(size_t)7;
    struct wn_dynbuf pdu;
    size_t off = 0;
    int rc = 0;
    wn_dynbuf_init(&pdu, WN_DCERPC_MAX_FRAG);
    do {
        size_t n = WN_MIN(chunk, stub_len - off);
        uint8_t flags = 0;
        if (off == 0)
            flags |= WN_DCERPC_PFC_FIRST_FRAG;
        if (off + n == stub_len)
            flags |= WN_DCERPC_PFC_LAST_FRAG;
        wn_dynbuf_reset(&pdu);
        rc = wn_dcerpc_request_encode(&pdu, call_id, flags, (uint32_t)(stub_len - off),
                                      c->ctx_id, opnum, stub ? stub + off : NULL, n);
        if (rc)
            break;
        if (flags & WN_DCERPC_PFC_LAST_FRAG)
            rc = rx_transceive(c->t, x, pdu.data, pdu.len);
        else
            rc = c->t->write(c->t->ctx, pdu.data, pdu.len);
        if (rc)
            break;
        off += n;
    } while (off < stub_len);
    wn_dynbuf_free(&pdu);
    return rc;
}

static int
receive_response(struct wn_dcerpc_client *c, struct rx *x, uint32_t call_id,
                 struct wn_dynbuf *stub_out, uint32_t *fault_status)
{
    int first = 1;
    for (;;) {
        const uint8_t *p;
        size_t len;
        struct wn_dcerpc_pdu d;
        int rc = rx_next_pdu(c->t, x, c->max_recv, &p, &len);
        if (!rc)
            rc = wn_dcerpc_pdu_decode(p, len, &d);
        if (rc)
            return rc;
        WN_PARSE_CHECK(MOD, d.hdr.call_id == call_id, WN_E_PROTOCOL);
        if (d.hdr.ptype == WN_DCERPC_FAULT) {
            /* A status of 0 would read as success: report it as
             * a protocol error without a status. */
            *fault_status = d.u.fault.status;
            wn_log(WN_LOG_DEBUG, MOD, "fault 0x%08x", (unsigned)d.u.fault.status);
            return WN_E_PROTOCOL;
        }
        WN_PARSE_CHECK(MOD, d.hdr.ptype == WN_DCERPC_RESPONSE, WN_E_PROTOCOL);
        /* matched on everything the request fixed: call id and context */
        WN_PARSE_CHECK(MOD, d.u.response.ctx_id == c->ctx_id, WN_E_PROTOCOL);
        WN_PARSE_CHECK(MOD, !!(d.hdr.pfc_flags & WN_DCERPC_PFC_FIRST_FRAG) == first,
                       WN_E_PROTOCOL);
        first = 0;
        if (d.u.response.stub_len) {
            rc = wn_dynbuf_add(stub_out, d.u.response.stub, d.u.response.stub_len);
            if (rc)
                return rc;
        }
        if (d.hdr.pfc_flags & WN_DCERPC_PFC_LAST_FRAG)
            break;
    }
    /* Nothing may follow the last fragment of the only outstanding call,
     * neither in hand nor still waiting in the pipe. */
    WN_PARSE_CHECK(MOD, x->buf.len == x->off, WN_E_PROTOCOL);
    WN_PARSE_CHECK(MOD, !x->more, WN_E_PROTOCOL);
    return 0;
}

int
wn_dcerpc_call(struct wn_dcerpc_client *client, uint16_t opnum,
               const uint8_t *stub_in, size_t stub_len,
               struct wn_dynbuf *stub_out, uint32_t *fault_status)
{
    uint32_t dummy;
    if (!fault_status)
        fault_status = &dummy;
    *fault_status = 0;
    if (!client || !client->t || !stub_out || (stub_len && !stub_in) ||
        client->max_xmit < WN_DCERPC_MIN_FRAG)
        return WN_E_INVAL;
    if (stub_len > WN_DCERPC_MAX_STUB)
        return WN_E_LIMIT;
    wn_dynbuf_reset(stub_out);
    struct rx x;
    rx_init(&x);
    uint32_t call_id = client->next_call_id++;
    int rc = send_request(client, &x, call_id, opnum, stub_in, stub_len);
    if (!rc)
        rc = receive_response(client, &x, call_id, stub_out, fault_status);
    if (rc && *fault_status == 0)
        wn_log(WN_LOG_DEBUG, MOD, "call opnum %u failed: %s", opnum, wn_errname(rc));
    rx_free(&x);
    return rc;
}
