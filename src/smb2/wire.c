/* wire.c: SMB2 header and message encoders/decoders (MS-SMB2 2.2); bounded, no I/O. */
#include "wire.h"
#include "smb2.h"

#include <string.h>

#define MOD "smb2"

static const uint8_t smb2_magic[4] = { 0xFE, 'S', 'M', 'B' };

void
wn_smb2_hdr_encode(struct wn_wbuf *w, const struct wn_smb2_hdr *h)
{
    wn_wbuf_bytes(w, smb2_magic, 4);
    wn_wbuf_u16le(w, WN_SMB2_HDR_LEN);
    wn_wbuf_u16le(w, h->credit_charge);
    wn_wbuf_u32le(w, h->status);
    wn_wbuf_u16le(w, h->command);
    wn_wbuf_u16le(w, h->credits);
    wn_wbuf_u32le(w, h->flags);
    wn_wbuf_u32le(w, h->next_command);
    wn_wbuf_u64le(w, h->message_id);
    if (h->flags & WN_SMB2_FLAG_ASYNC) {
        wn_wbuf_u64le(w, h->async_id);
    } else {
        wn_wbuf_u32le(w, 0); /* Reserved (ProcessId) */
        wn_wbuf_u32le(w, h->tree_id);
    }
    wn_wbuf_u64le(w, h->session_id);
    wn_wbuf_bytes(w, h->signature, 16);
}

int
wn_smb2_hdr_decode(struct wn_rbuf *r, struct wn_smb2_hdr *h)
{
    memset(h, 0, sizeof(*h));
    const uint8_t *magic = wn_rbuf_view(r, 4);
    uint16_t size = wn_rbuf_u16le(r);
    h->credit_charge = wn_rbuf_u16le(r);
    h->status = wn_rbuf_u32le(r);
    h->command = wn_rbuf_u16le(r);
    h->credits = wn_rbuf_u16le(r);
    h->flags = wn_rbuf_u32le(r);
    h->next_command = wn_rbuf_u32le(r);
    h->message_id = wn_rbuf_u64le(r);
    if (h->flags & WN_SMB2_FLAG_ASYNC) {
        h->async_id = wn_rbuf_u64le(r);
    } else {
        (void)wn_rbuf_u32le(r);
        h->tree_id = wn_rbuf_u32le(r);
    }
    h->session_id = wn_rbuf_u64le(r);
    wn_rbuf_copy(r, h->signature, 16);
    if (r->err)
        return r->err;
    WN_PARSE_CHECK(MOD, memcmp(magic, smb2_magic, 4) == 0, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, size == WN_SMB2_HDR_LEN, WN_E_MALFORMED);
    return 0;
}

/* Checks that [off, off+n) lies inside the body of msg and n <= limit. */
static int
check_span(size_t msglen, size_t off, size_t n, size_t limit)
{
    if (n > limit)
        return WN_E_LIMIT;
    if (n == 0)
        return 0;
    if (off < WN_SMB2_HDR_LEN || off > msglen || n > msglen - off)
        return WN_E_MALFORMED;
    return 0;
}

/* Starts a response body decode: header skipped, StructureSize checked. */
static int
body_begin(struct wn_rbuf *r, const uint8_t *msg, size_t len, uint16_t want_size)
{
    wn_rbuf_init(r, msg, len);
    wn_rbuf_skip(r, WN_SMB2_HDR_LEN);
    uint16_t size = wn_rbuf_u16le(r);
    if (r->err)
        return r->err;
    WN_PARSE_CHECK(MOD, size == want_size, WN_E_MALFORMED);
    return 0;
}

/* ---------------------------------------------------------------- NEGOTIATE */

static void
ctx_begin(struct wn_wbuf *w, uint16_t type, uint16_t len)
{
    wn_wbuf_align(w, 8);
    wn_wbuf_u16le(w, type);
    wn_wbuf_u16le(w, len);
    wn_wbuf_u32le(w, 0);
}

void
wn_smb2_negotiate_req_encode(struct wn_wbuf *w, const struct wn_smb2_negotiate_req *q)
{
    int has311 = 0;
    size_t n = WN_MIN(q->n_dialects, (size_t)WN_SMB2_MAX_DIALECTS);
    for (size_t i = 0; i < n; i++)
        has311 |= q->dialects[i] == WN_SMB2_DIALECT_311;
    wn_wbuf_u16le(w, WN_SMB2_NEGOTIATE_REQ_SIZE);
    wn_wbuf_u16le(w, (uint16_t)n);
    wn_wbuf_u16le(w, q->security_mode);
    wn_wbuf_u16le(w, 0);
    wn_wbuf_u32le(w, q->capabilities);
    wn_wbuf_bytes(w, q->client_guid, 16);
    uint8_t *ctx_off = NULL;
    if (has311) {
        ctx_off = wn_wbuf_reserve(w, 4);
        /* PREAUTH + SIGNING (+ ENCRYPTION) */
        wn_wbuf_u16le(w, (uint16_t)(q->n_ciphers ? 3 : 2));
        wn_wbuf_u16le(w, 0);
    } else {
        wn_wbuf_u64le(w, 0); /* ClientStartTime */
    }
    for (size_t i = 0; i < n; i++)
        wn_wbuf_u16le(w, q->dialects[i]);
    if (!has311 || !ctx_off)
        return;
    wn_wbuf_align(w, 8);
    uint32_t off = (uint32_t)wn_wbuf_len(w);
    ctx_off[0] = (uint8_t)off;
    ctx_off[1] = (uint8_t)(off >> 8);
    ctx_off[2] = (uint8_t)(off >> 16);
    ctx_off[3] = (uint8_t)(off >> 24);
    ctx_begin(w, WN_SMB2_CTX_PREAUTH, 6 + WN_SMB2_SALT_LEN);
    wn_wbuf_u16le(w, 1); /* HashAlgorithmCount */
    wn_wbuf_u16le(w, WN_SMB2_SALT_LEN);
    wn_wbuf_u16le(w, WN_SMB2_PREAUTH_SHA512);
    wn_wbuf_bytes(w, q->salt, WN_SMB2_SALT_LEN);
    ctx_begin(w, WN_SMB2_CTX_SIGNING, 4);
    wn_wbuf_u16le(w, 1); /* SigningAlgorithmCount */
    wn_wbuf_u16le(w, WN_SMB2_SIGN_AES_CMAC);
    size_t nc = WN_MIN(q->n_ciphers, (size_t)WN_SMB2_MAX_CIPHERS);
    if (nc == 0)
        return;
    ctx_begin(w, WN_SMB2_CTX_ENCRYPTION, (uint16_t)(2 + 2 * nc));
    wn_wbuf_u16le(w, (uint16_t)nc);
    for (size_t i = 0; i < nc; i++)
        wn_wbuf_u16le(w, q->ciphers[i]);
}

static int
parse_contexts(const uint8_t *msg, size_t len, size_t off, unsigned count,
               struct wn_smb2_negotiate_resp *o)
{
    WN_PARSE_CHECK(MOD, count <= WN_SMB2_MAX_CONTEXTS, WN_E_LIMIT);
    WN_PARSE_CHECK(MOD, off >= WN_SMB2_HDR_LEN && off <= len, WN_E_MALFORMED);
    struct wn_rbuf r;
    wn_rbuf_init(&r, msg, len);
    wn_rbuf_seek(&r, off);
    for (unsigned i = 0; i < count; i++) {
        if (i)
            wn_rbuf_align(&r, 8);
        uint16_t type = wn_rbuf_u16le(&r);
        uint16_t dlen = wn_rbuf_u16le(&r);
        wn_rbuf_skip(&r, 4);
        const uint8_t *d = wn_rbuf_view(&r, dlen);
        if (r.err)
            return r.err;
        struct wn_rbuf c;
        wn_rbuf_init(&c, d, dlen);
        if (type == WN_SMB2_CTX_PREAUTH) {
            uint16_t nalg = wn_rbuf_u16le(&c);
            uint16_t saltlen = wn_rbuf_u16le(&c);
            uint16_t alg = wn_rbuf_u16le(&c);
            wn_rbuf_skip(&c, saltlen);
            if (c.err)
                return WN_E_MALFORMED;
            WN_PARSE_CHECK(MOD, nalg == 1 && alg == WN_SMB2_PREAUTH_SHA512, WN_E_PROTOCOL);
            o->have_preauth = 1;
        } else if (type == WN_SMB2_CTX_SIGNING) {
            uint16_t nalg = wn_rbuf_u16le(&c);
            uint16_t alg = wn_rbuf_u16le(&c);
            if (c.err)
                return WN_E_MALFORMED;
            WN_PARSE_CHECK(MOD, nalg == 1, WN_E_PROTOCOL);
            o->signing_alg = alg;
        } else if (type == WN_SMB2_CTX_ENCRYPTION) {
            uint16_t nc = wn_rbuf_u16le(&c);
            uint16_t cipher = wn_rbuf_u16le(&c);
            if (c.err)
                return WN_E_MALFORMED;
            WN_PARSE_CHECK(MOD, nc == 1, WN_E_PROTOCOL);
            o->cipher = cipher;
        }
    }
    return 0;
}

int
wn_smb2_negotiate_resp_decode(const uint8_t *msg, size_t len, struct wn_smb2_negotiate_resp *o)
{
    struct wn_rbuf r;
    memset(o, 0, sizeof(*o));
    o->signing_alg = WN_SMB2_SIGN_AES_CMAC;
    int rc = body_begin(&r, msg, len, WN_SMB2_NEGOTIATE_RESP_SIZE);
    if (rc)
        return rc;
    o->security_mode = wn_rbuf_u16le(&r);
    o->dialect = wn_rbuf_u16le(&r);
    uint16_t nctx = wn_rbuf_u16le(&r);
    wn_rbuf_copy(&r, o->server_guid, 16);
    o->capabilities = wn_rbuf_u32le(&r);
    o->max_transact = wn_rbuf_u32le(&r);
    o->max_read = wn_rbuf_u32le(&r);
    o->max_write = wn_rbuf_u32le(&r);
    wn_rbuf_skip(&r, 16); /* SystemTime, ServerStartTime */
    uint16_t boff = wn_rbuf_u16le(&r);
    uint16_t blen = wn_rbuf_u16le(&r);
    uint32_t coff = wn_rbuf_u32le(&r);
    if (r.err)
        return r.err;
    rc = check_span(len, boff, blen, WN_SMB2_MAX_SECBLOB);
    if (rc)
        return rc;
    o->secblob = blen ? msg + boff : NULL;
    o->secblob_len = blen;
    if (o->dialect == WN_SMB2_DIALECT_311) {
        rc = parse_contexts(msg, len, coff, nctx, o);
        if (rc)
            return rc;
        WN_PARSE_CHECK(MOD, o->have_preauth, WN_E_PROTOCOL);
    }
    return 0;
}

/* ------------------------------------------------------------ SESSION_SETUP */

void
wn_smb2_session_setup_req_encode(struct wn_wbuf *w, uint16_t security_mode,
                                 const uint8_t *blob, size_t blob_len)
{
    wn_wbuf_u16le(w, WN_SMB2_SESSION_SETUP_REQ_SIZE);
    wn_wbuf_u8(w, 0);                      /* Flags */
    wn_wbuf_u8(w, (uint8_t)security_mode);
    wn_wbuf_u32le(w, 0);                   /* Capabilities */
    wn_wbuf_u32le(w, 0);                   /* Channel */
    wn_wbuf_u16le(w, WN_SMB2_BUF_OFF(WN_SMB2_SESSION_SETUP_REQ_SIZE));
    wn_wbuf_u16le(w, (uint16_t)blob_len);
    wn_wbuf_u64le(w, 0);                   /* PreviousSessionId */
    if (blob_len > WN_SMB2_MAX_SECBLOB) {
        w->err = WN_E_LIMIT;
        return;
    }
    wn_wbuf_bytes(w, blob, blob_len);
}

int
wn_smb2_session_setup_resp_decode(const uint8_t *msg, size_t len,
                                  struct wn_smb2_session_setup_resp *o)
{
    struct wn_rbuf r;
    memset(o, 0, sizeof(*o));
    int rc = body_begin(&r, msg, len, WN_SMB2_SESSION_SETUP_RESP_SIZE);
    if (rc)
        return rc;
    o->session_flags = wn_rbuf_u16le(&r);
    uint16_t boff = wn_rbuf_u16le(&r);
    uint16_t blen = wn_rbuf_u16le(&r);
    if (r.err)
        return r.err;
    rc = check_span(len, boff, blen, WN_SMB2_MAX_SECBLOB);
    if (rc)
        return rc;
    o->secblob = blen ? msg + boff : NULL;
    o->secblob_len = blen;
    return 0;
}

/* ------------------------------------------------------------- TREE_CONNECT */

void
wn_smb2_tree_connect_req_encode(struct wn_wbuf *w, const uint8_t *path16, size_t len16)
{
    if (len16 > WN_SMB2_MAX_PATH) {
        w->err = WN_E_LIMIT;
        return;
    }
    wn_wbuf_u16le(w, WN_SMB2_TREE_CONNECT_REQ_SIZE);
    wn_wbuf_u16le(w, 0);
    wn_wbuf_u16le(w, WN_SMB2_BUF_OFF(WN_SMB2_TREE_CONNECT_REQ_SIZE));
    wn_wbuf_u16le(w, (uint16_t)len16);
    wn_wbuf_bytes(w, path16, len16);
}

int
wn_smb2_tree_connect_resp_decode(const uint8_t *msg, size_t len,
                                 struct wn_smb2_tree_connect_resp *o)
{
    struct wn_rbuf r;
    memset(o, 0, sizeof(*o));
    int rc = body_begin(&r, msg, len, WN_SMB2_TREE_CONNECT_RESP_SIZE);
    if (rc)
        return rc;
    o->share_type = wn_rbuf_u8(&r);
    wn_rbuf_skip(&r, 1);
    o->share_flags = wn_rbuf_u32le(&r);
    o->capabilities = wn_rbuf_u32le(&r);
    o->maximal_access = wn_rbuf_u32le(&r);
    return r.err;
}

/* ------------------------------------------------------------------- CREATE */

void
wn_smb2_create_req_encode(struct wn_wbuf *w, const uint8_t *name16, size_t len16)
{
    if (len16 > WN_SMB2_MAX_PATH) {
        w->err = WN_E_LIMIT;
        return;
    }
    wn_wbuf_u16le(w, WN_SMB2_CREATE_REQ_SIZE);
    wn_wbuf_u8(w, 0);             /* SecurityFlags */
    wn_wbuf_u8(w, 0);             /* RequestedOplockLevel: none */
    wn_wbuf_u32le(w, WN_SMB2_IMPERSONATION);
    wn_wbuf_u64le(w, 0);          /* SmbCreateFlags */
    wn_wbuf_u64le(w, 0);          /* Reserved */
    wn_wbuf_u32le(w, WN_SMB2_PIPE_ACCESS);
    wn_wbuf_u32le(w, 0);          /* FileAttributes */
    wn_wbuf_u32le(w, WN_SMB2_SHARE_READ_WRITE);
    wn_wbuf_u32le(w, WN_SMB2_FILE_OPEN);
    wn_wbuf_u32le(w, 0);          /* CreateOptions */
    wn_wbuf_u16le(w, WN_SMB2_BUF_OFF(WN_SMB2_CREATE_REQ_SIZE));
    wn_wbuf_u16le(w, (uint16_t)len16);
    wn_wbuf_u32le(w, 0);          /* CreateContextsOffset */
    wn_wbuf_u32le(w, 0);          /* CreateContextsLength */
    if (len16)
        wn_wbuf_bytes(w, name16, len16);
    else
        wn_wbuf_u8(w, 0);         /* the buffer is at least one byte */
}

int
wn_smb2_create_resp_decode(const uint8_t *msg, size_t len, uint8_t file_id[16])
{
    struct wn_rbuf r;
    int rc = body_begin(&r, msg, len, WN_SMB2_CREATE_RESP_SIZE);
    if (rc)
        return rc;
    wn_rbuf_skip(&r, 2 + 4 + 8 * 6 + 4 + 4); /* oplock, flags, action, times, sizes, attrs */
    wn_rbuf_copy(&r, file_id, 16);
    uint32_t coff = wn_rbuf_u32le(&r);
    uint32_t clen = wn_rbuf_u32le(&r);
    if (r.err)
        return r.err;
    return check_span(len, coff, clen, WN_SMB2_MAX_MESSAGE);
}

/* -------------------------------------------------------------------- CLOSE */

void
wn_smb2_close_req_encode(struct wn_wbuf *w, const uint8_t file_id[16])
{
    wn_wbuf_u16le(w, WN_SMB2_CLOSE_REQ_SIZE);
    wn_wbuf_u16le(w, 0);
    wn_wbuf_u32le(w, 0);
    wn_wbuf_bytes(w, file_id, 16);
}

int
wn_smb2_close_resp_decode(const uint8_t *msg, size_t len)
{
    struct wn_rbuf r;
    int rc = body_begin(&r, msg, len, WN_SMB2_CLOSE_RESP_SIZE);
    if (rc)
        return rc;
    wn_rbuf_skip(&r, WN_SMB2_CLOSE_RESP_SIZE - 2);
    return r.err;
}

/* -------------------------------------------------------------------- IOCTL */

void
wn_smb2_ioctl_req_encode(struct wn_wbuf *w, uint32_t ctl, const uint8_t file_id[16],
                         const uint8_t *in, size_t inlen, uint32_t max_out)
{
    if (inlen > WN_SMB2_MAX_IO) {
        w->err = WN_E_LIMIT;
        return;
    }
    wn_wbuf_u16le(w, WN_SMB2_IOCTL_REQ_SIZE);
    wn_wbuf_u16le(w, 0);
    wn_wbuf_u32le(w, ctl);
    wn_wbuf_bytes(w, file_id, 16);
    wn_wbuf_u32le(w, inlen ? WN_SMB2_BUF_OFF(WN_SMB2_IOCTL_REQ_SIZE) : 0); /* InputOffset */
    wn_wbuf_u32le(w, (uint32_t)inlen);
    wn_wbuf_u32le(w, 0);                                /* MaxInputResponse */
    wn_wbuf_u32le(w, 0);                                /* OutputOffset */
    wn_wbuf_u32le(w, 0);                                /* OutputCount */
    wn_wbuf_u32le(w, max_out);
    wn_wbuf_u32le(w, WN_SMB2_IOCTL_IS_FSCTL);
    wn_wbuf_u32le(w, 0);
    if (inlen)
        wn_wbuf_bytes(w, in, inlen);
}

int
wn_smb2_ioctl_resp_decode(const uint8_t *msg, size_t len, const uint8_t **out, size_t *out_len)
{
    struct wn_rbuf r;
    *out = NULL;
    *out_len = 0;
    int rc = body_begin(&r, msg, len, WN_SMB2_IOCTL_RESP_SIZE);
    if (rc)
        return rc;
    wn_rbuf_skip(&r, 2 + 4 + 16);
    uint32_t ioff = wn_rbuf_u32le(&r);
    uint32_t icnt = wn_rbuf_u32le(&r);
    uint32_t ooff = wn_rbuf_u32le(&r);
    uint32_t ocnt = wn_rbuf_u32le(&r);
    wn_rbuf_skip(&r, 8);
    if (r.err)
        return r.err;
    rc = check_span(len, ioff, icnt, WN_SMB2_MAX_MESSAGE);
    if (rc)
        return rc;
    rc = check_span(len, ooff, ocnt, WN_SMB2_MAX_IO);
    if (rc)
        return rc;
    *out = ocnt ? msg + ooff : NULL;
    *out_len = ocnt;
    return 0;
}

int
wn_smb2_ioctl_resp_match(const uint8_t *msg, size_t len, uint32_t ctl, const uint8_t file_id[16])
{
    struct wn_rbuf r;
    int rc = body_begin(&r, msg, len, WN_SMB2_IOCTL_RESP_SIZE);
    if (rc)
        return rc;
    wn_rbuf_skip(&r, 2); /* Reserved */
    uint32_t got_ctl = wn_rbuf_u32le(&r);
    const uint8_t *got_fid = wn_rbuf_view(&r, 16);
    if (r.err)
        return r.err;
    WN_PARSE_CHECK(MOD, got_ctl == ctl, WN_E_PROTOCOL);
    WN_PARSE_CHECK(MOD, !file_id || memcmp(got_fid, file_id, 16) == 0, WN_E_PROTOCOL);
    return 0;
}

/* ------------------------------------------------------------- READ / WRITE */

void
wn_smb2_read_req_encode(struct wn_wbuf *w, const uint8_t file_id[16], uint32_t length)
{
    wn_wbuf_u16le(w, WN_SMB2_READ_REQ_SIZE);
    wn_wbuf_u8(w, WN_SMB2_READ_PADDING);
    wn_wbuf_u8(w, 0);        /* Flags */
    wn_wbuf_u32le(w, length);
    wn_wbuf_u64le(w, 0);     /* Offset */
    wn_wbuf_bytes(w, file_id, 16);
    wn_wbuf_u32le(w, 0);     /* MinimumCount */
    wn_wbuf_u32le(w, 0);     /* Channel */
    wn_wbuf_u32le(w, 0);     /* RemainingBytes */
    wn_wbuf_u16le(w, 0);
    wn_wbuf_u16le(w, 0);
    wn_wbuf_u8(w, 0);        /* Buffer: one byte */
}

int
wn_smb2_read_resp_decode(const uint8_t *msg, size_t len, const uint8_t **data, size_t *data_len)
{
    struct wn_rbuf r;
    *data = NULL;
    *data_len = 0;
    int rc = body_begin(&r, msg, len, WN_SMB2_READ_RESP_SIZE);
    if (rc)
        return rc;
    uint8_t off = wn_rbuf_u8(&r);
    wn_rbuf_skip(&r, 1);
    uint32_t dlen = wn_rbuf_u32le(&r);
    wn_rbuf_skip(&r, 8);
    if (r.err)
        return r.err;
    rc = check_span(len, off, dlen, WN_SMB2_MAX_IO);
    if (rc)
        return rc;
    *data = dlen ? msg + off : NULL;
    *data_len = dlen;
    return 0;
}

void
wn_smb2_write_req_encode(struct wn_wbuf *w, const uint8_t file_id[16], const uint8_t *data,
                         size_t len)
{
    if (len > WN_SMB2_MAX_IO) {
        w->err = WN_E_LIMIT;
        return;
    }
    wn_wbuf_u16le(w, WN_SMB2_WRITE_REQ_SIZE);
    wn_wbuf_u16le(w, WN_SMB2_BUF_OFF(WN_SMB2_WRITE_REQ_SIZE)); /* DataOffset */
    wn_wbuf_u32le(w, (uint32_t)len);
    wn_wbuf_u64le(w, 0);                    /* Offset */
    wn_wbuf_bytes(w, file_id, 16);
    wn_wbuf_u32le(w, 0);                    /* Channel */
    wn_wbuf_u32le(w, 0);                    /* RemainingBytes */
    wn_wbuf_u16le(w, 0);
    wn_wbuf_u16le(w, 0);
    wn_wbuf_u32le(w, 0);                    /* Flags */
    if (len)
        wn_wbuf_bytes(w, data, len);
    else
        wn_wbuf_u8(w, 0);
}

int
wn_smb2_write_resp_decode(const uint8_t *msg, size_t len, uint32_t *count)
{
    struct wn_rbuf r;
    int rc = body_begin(&r, msg, len, WN_SMB2_WRITE_RESP_SIZE);
    if (rc)
        return rc;
    wn_rbuf_skip(&r, 2);
    *count = wn_rbuf_u32le(&r);
    wn_rbuf_skip(&r, 8);
    return r.err;
}

/* ----------------------------------------------- TREE_DISCONNECT / LOGOFF */

void
wn_smb2_empty_req_encode(struct wn_wbuf *w)
{
    wn_wbuf_u16le(w, WN_SMB2_EMPTY_SIZE);
    wn_wbuf_u16le(w, 0);
}

int
wn_smb2_empty_resp_decode(const uint8_t *msg, size_t len)
{
    struct wn_rbuf r;
    int rc = body_begin(&r, msg, len, WN_SMB2_EMPTY_SIZE);
    if (rc)
        return rc;
    wn_rbuf_skip(&r, 2);
    return r.err;
}

int
wn_smb2_error_resp_decode(const uint8_t *msg, size_t len)
{
    struct wn_rbuf r;
    int rc = body_begin(&r, msg, len, WN_SMB2_ERROR_RESP_SIZE);
    if (rc)
        return rc;
    wn_rbuf_skip(&r, 2);
    uint32_t n = wn_rbuf_u32le(&r);
    if (r.err)
        return r.err;
    WN_PARSE_CHECK(MOD, n <= wn_rbuf_left(&r), WN_E_MALFORMED);
    return 0;
}

int
wn_smb2_any_resp_decode(const uint8_t *msg, size_t len)
{
    struct wn_rbuf r;
    struct wn_smb2_hdr h;
    wn_rbuf_init(&r, msg, len);
    int rc = wn_smb2_hdr_decode(&r, &h);
    if (rc)
        return rc;
    if (h.status != WN_SMB2_STATUS_SUCCESS && h.status != WN_SMB2_STATUS_MORE_PROCESSING &&
        h.status != WN_SMB2_STATUS_BUFFER_OVERFLOW)
        return wn_smb2_error_resp_decode(msg, len);
    const uint8_t *p;
    size_t n;
    uint8_t fid[16];
    uint32_t cnt;
    switch (h.command) {
    case WN_SMB2_NEGOTIATE: {
        struct wn_smb2_negotiate_resp o;
        return wn_smb2_negotiate_resp_decode(msg, len, &o);
    }
    case WN_SMB2_SESSION_SETUP: {
        struct wn_smb2_session_setup_resp o;
        return wn_smb2_session_setup_resp_decode(msg, len, &o);
    }
    case WN_SMB2_TREE_CONNECT: {
        struct wn_smb2_tree_connect_resp o;
        return wn_smb2_tree_connect_resp_decode(msg, len, &o);
    }
    case WN_SMB2_CREATE:
        return wn_smb2_create_resp_decode(msg, len, fid);
    case WN_SMB2_CLOSE:
        return wn_smb2_close_resp_decode(msg, len);
    case WN_SMB2_IOCTL:
        return wn_smb2_ioctl_resp_decode(msg, len, &p, &n);
    case WN_SMB2_READ:
        return wn_smb2_read_resp_decode(msg, len, &p, &n);
    case WN_SMB2_WRITE:
        return wn_smb2_write_resp_decode(msg, len, &cnt);
    case WN_SMB2_LOGOFF:
    case WN_SMB2_TREE_DISCONNECT:
        return wn_smb2_empty_resp_decode(msg, len);
    default:
        return WN_E_PROTOCOL;
    }
}
