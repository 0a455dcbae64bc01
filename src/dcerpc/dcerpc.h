/* dcerpc.h: contract of the dcerpc layer (connection-oriented DCE/RPC PDUs and a client over an abstract pipe transport). */
#ifndef WN_DCERPC_H
#define WN_DCERPC_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"

/* ------------------------------------------------------------------------
 * Limits and constants (C706 chapter 12, MS-RPCE).
 * ---------------------------------------------------------------------- */
#define WN_DCERPC_HDR_LEN 16          /* common header */
#define WN_DCERPC_REQ_HDR_LEN 24      /* request header incl. alloc_hint, ctx, opnum */
#define WN_DCERPC_RESP_HDR_LEN 24     /* response header */
#define WN_DCERPC_MAX_FRAG 65535      /* frag_length is a u16 */
#define WN_DCERPC_MIN_FRAG 1024       /* smallest negotiated max_xmit/max_recv we accept */
#define WN_DCERPC_MAX_STUB (16u * 1024u * 1024u) /* reassembled response stub */
#define WN_DCERPC_PROPOSED_FRAG 4280  /* what the client proposes in bind */
#define WN_DCERPC_MAX_SEC_ADDR 256    /* bind_ack secondary address (bytes incl. NUL) */
#define WN_DCERPC_MAX_RESULTS 16      /* bind_ack p_result_list entries */

enum wn_dcerpc_ptype {
    WN_DCERPC_REQUEST = 0,
    WN_DCERPC_RESPONSE = 2,
    WN_DCERPC_FAULT = 3,
    WN_DCERPC_BIND = 11,
    WN_DCERPC_BIND_ACK = 12,
    WN_DCERPC_BIND_NAK = 13,
    WN_DCERPC_ALTER_CONTEXT = 14,
    WN_DCERPC_ALTER_CONTEXT_RESP = 15,
};

#define WN_DCERPC_PFC_FIRST_FRAG 0x01
#define WN_DCERPC_PFC_LAST_FRAG 0x02
#define WN_DCERPC_PFC_OBJECT_UUID 0x80

/* Fault statuses (data, never return codes). */
#define WN_DCERPC_NCA_S_OP_RNG_ERROR 0x1c010002u
#define WN_DCERPC_NCA_S_UNKNOWN_IF 0x1c010003u
#define WN_DCERPC_NCA_S_PROTO_ERROR 0x1c01000bu
#define WN_DCERPC_FAULT_ACCESS_DENIED 0x00000005u
#define WN_DCERPC_FAULT_BAD_STUB_DATA 0x000006f7u

/* A presentation syntax: UUID in wire order (first three fields little
 * endian, as NDR puts them) plus major/minor version.  The transfer syntax
 * version (u32 on the wire) is encoded as major | minor << 16. */
struct wn_dcerpc_syntax {
    uint8_t uuid[16];
    uint16_t major;
    uint16_t minor;
};

/* NDR20 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0. */
extern const struct wn_dcerpc_syntax wn_dcerpc_ndr20_syntax;

/* Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into wire order; 0 or WN_E_INVAL. */
int wn_dcerpc_uuid_parse(const char *text, uint8_t out[16]);

/* ------------------------------------------------------------------------
 * PDU codecs.  Encoders append one complete PDU to a caller-owned dynbuf
 * (0 or WN_E_NOMEM / WN_E_LIMIT / WN_E_INVAL).  The decoder reads one PDU
 * from (buf, len): len must hold at least frag_length bytes; trailing
 * bytes after frag_length are ignored (out->frag_length says how many
 * were consumed).  No authentication: auth_length != 0 is WN_E_UNSUPPORTED.
 * ---------------------------------------------------------------------- */
struct wn_dcerpc_hdr {
    uint8_t ptype;
    uint8_t pfc_flags;
    uint16_t frag_length;
    uint16_t auth_length;
    uint32_t call_id;
};

struct wn_dcerpc_pdu {
    struct wn_dcerpc_hdr hdr;
    union {
        struct {                    /* BIND, ALTER_CONTEXT (first context only) */
            uint16_t max_xmit, max_recv;
            uint32_t assoc_group;
            uint8_t n_ctx;
            uint16_t ctx_id;
            struct wn_dcerpc_syntax abstract;
            struct wn_dcerpc_syntax transfer;   /* first transfer syntax */
        } bind;
        struct {                    /* BIND_ACK, ALTER_CONTEXT_RESP */
            uint16_t max_xmit, max_recv;
            uint32_t assoc_group;
            const uint8_t *sec_addr;            /* borrowed from buf; incl. NUL */
            uint16_t sec_addr_len;
            uint8_t n_results;
            uint16_t result;                    /* of the first context */
            uint16_t reason;
            struct wn_dcerpc_syntax transfer;
        } bind_ack;
        struct {                    /* BIND_NAK */
            uint16_t reason;
        } bind_nak;
        struct {                    /* REQUEST */
            uint32_t alloc_hint;
            uint16_t ctx_id;
            uint16_t opnum;
            const uint8_t *stub;                /* borrowed from buf */
            size_t stub_len;
        } request;
        struct {                    /* RESPONSE */
            uint32_t alloc_hint;
            uint16_t ctx_id;
            uint8_t cancel_count;
            const uint8_t *stub;                /* borrowed from buf */
            size_t stub_len;
        } response;
        struct {                    /* FAULT */
            uint32_t alloc_hint;
            uint16_t ctx_id;
            uint8_t cancel_count;
            uint32_t status;
        } fault;
    } u;
};

/* Reads the 16-byte common header only (for framing: frag_length says how
 * many bytes the PDU needs).  Checks version 5.0, little-endian drep and
 * frag_length >= 16.  0, WN_E_TRUNCATED or WN_E_MALFORMED. */
int wn_dcerpc_hdr_decode(const uint8_t *buf, size_t len, struct wn_dcerpc_hdr *out);

/* Decodes one whole PDU.  Views in *out borrow buf.  Unknown ptypes give
 * WN_E_UNSUPPORTED; short input WN_E_TRUNCATED; inconsistent lengths
 * WN_E_MALFORMED; counts over the named limits WN_E_LIMIT. */
int wn_dcerpc_pdu_decode(const uint8_t *buf, size_t len, struct wn_dcerpc_pdu *out);

int wn_dcerpc_bind_encode(struct wn_dynbuf *out, uint8_t ptype, uint32_t call_id,
                          uint16_t max_xmit, uint16_t max_recv, uint32_t assoc_group,
                          const struct wn_dcerpc_syntax *abstract,
                          const struct wn_dcerpc_syntax *transfer);
/* result 0 = acceptance; sec_addr may be NULL (encoded as length 0). */
int wn_dcerpc_bind_ack_encode(struct wn_dynbuf *out, uint8_t ptype, uint32_t call_id,
                              uint16_t max_xmit, uint16_t max_recv, uint32_t assoc_group,
                              const char *sec_addr, uint16_t result, uint16_t reason,
                              const struct wn_dcerpc_syntax *transfer);
int wn_dcerpc_bind_nak_encode(struct wn_dynbuf *out, uint32_t call_id, uint16_t reason);
int wn_dcerpc_request_encode(struct wn_dynbuf *out, uint32_t call_id, uint8_t pfc_flags,
                             uint32_t alloc_hint, uint16_t ctx_id, uint16_t opnum,
                             const uint8_t *stub, size_t stub_len);
int wn_dcerpc_response_encode(struct wn_dynbuf *out, uint32_t call_id, uint8_t pfc_flags,
                              uint32_t alloc_hint, uint16_t ctx_id,
                              const uint8_t *stub, size_t stub_len);
int wn_dcerpc_fault_encode(struct wn_dynbuf *out, uint32_t call_id, uint16_t ctx_id,
                           uint32_t status);

/* ------------------------------------------------------------------------
 * Transport: a message-mode pipe (SMB2 named pipe).  All three calls
 * return 0 or a negative WN_E_*.  `out` is a dynbuf the caller (this
 * layer) owns; the transport appends the bytes it read.  *more = 1 when
 * the pipe holds more data for the same message (SMB2
 * STATUS_BUFFER_OVERFLOW), else 0.  The client also calls read() when a
 * fragment is incomplete and *more was 0 (Samba's READ never signals
 * overflow); a read() that returns 0 bytes then ends the call with
 * WN_E_PROTOCOL.
 * ---------------------------------------------------------------------- */
struct wn_dcerpc_transport {
    void *ctx;
    int (*transceive)(void *ctx, const uint8_t *in, size_t inlen, struct wn_dynbuf *out,
                      int *more);
    int (*write)(void *ctx, const uint8_t *buf, size_t len);
    int (*read)(void *ctx, struct wn_dynbuf *out, size_t max, int *more);
};

/* ------------------------------------------------------------------------
 * Client: one presentation context (ctx_id 0) on one association.
 * Caller-owned storage; nothing to free.  `t` is borrowed and must outlive
 * the client.  Blocking: each call runs the transport to completion.
 * ---------------------------------------------------------------------- */
struct wn_dcerpc_client {
    const struct wn_dcerpc_transport *t;    /* borrowed */
    uint16_t max_xmit;                      /* negotiated: largest PDU we send */
    uint16_t max_recv;                      /* negotiated: largest PDU we accept */
    uint32_t assoc_group;
    uint32_t next_call_id;
    uint16_t ctx_id;
    /* Outcome of the bind, for error mapping by the caller: */
    uint8_t bind_ptype;       /* BIND_ACK or BIND_NAK (0 if neither arrived) */
    uint16_t bind_result;     /* p_result of our context (0 = accepted) */
    uint16_t bind_reason;     /* provider reason or bind_nak reject reason */
};

/* Binds `abstract` (e.g. srvsvc 3.0) with `transfer` (wn_dcerpc_ndr20_syntax)
 * proposing WN_DCERPC_PROPOSED_FRAG both ways.  Returns 0 when the context
 * was accepted; WN_E_UNSUPPORTED when the context was rejected
 * (client->bind_result / bind_reason, e.g. unknown interface);
 * WN_E_PROTOCOL for a bind_nak (client->bind_ptype == WN_DCERPC_BIND_NAK,
 * reason in bind_reason) or any other reply (wrong ptype or call_id,
 * negotiated fragment below WN_DCERPC_MIN_FRAG); transport errors as is. */
int wn_dcerpc_bind(const struct wn_dcerpc_transport *t,
                   const struct wn_dcerpc_syntax *abstract,
                   const struct wn_dcerpc_syntax *transfer,
                   struct wn_dcerpc_client *client);

/* Calls `opnum` with the NDR stub (stub_in borrowed).  Fragments the
 * request at max_xmit (all but the last fragment via write(), the last via
 * transceive()), then reassembles the response fragments into stub_out
 * (caller-owned, initialised with wn_dynbuf_init(max); it is reset first;
 * its max bounds the stub, WN_E_LIMIT beyond).
 * Returns 0 with *fault_status = 0 on a response.  A FAULT PDU returns
 * WN_E_PROTOCOL with *fault_status set to its (non-zero) status, e.g.
 * WN_DCERPC_NCA_S_OP_RNG_ERROR; every other error leaves *fault_status 0.
 * Responses with a wrong call_id, missing FIRST flag, foreign ptype or
 * over-long fragments are WN_E_PROTOCOL / WN_E_MALFORMED. */
int wn_dcerpc_call(struct wn_dcerpc_client *client, uint16_t opnum,
                   const uint8_t *stub_in, size_t stub_len,
                   struct wn_dynbuf *stub_out, uint32_t *fault_status);

#endif /* WN_DCERPC_H */
