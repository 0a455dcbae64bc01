/* ndr.c: NDR20 primitives for the srvsvc stubs: aligned u32, unique pointers and conformant varying UTF-16 strings. */
#include "srvsvc_ndr.h"

#include <string.h>

#define MOD "srvsvc"

void
wn_srvsvc_enc_init(struct wn_srvsvc_enc *e, struct wn_dynbuf *out)
{
    e->out = out;
    e->base = out->len;
    e->next_ref = WN_SRVSVC_REF_BASE;
    e->err = 0;
}

static void
enc_align4(struct wn_srvsvc_enc *e)
{
    size_t pad = (4 - ((e->out->len - e->base) & 3)) & 3;
    if (!e->err && pad)
        e->err = wn_dynbuf_add_zeros(e->out, pad);
}

static void
enc_bytes(struct wn_srvsvc_enc *e, const void *p, size_t n)
{
    if (!e->err && n)
        e->err = wn_dynbuf_add(e->out, p, n);
}

void
wn_srvsvc_enc_u32(struct wn_srvsvc_enc *e, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    enc_align4(e);
    enc_bytes(e, b, 4);
}

void
wn_srvsvc_enc_ptr(struct wn_srvsvc_enc *e, int present)
{
    uint32_t ref = 0;
    if (present) {
        ref = e->next_ref;
        e->next_ref += 4;
    }
    wn_srvsvc_enc_u32(e, ref);
}

void
wn_srvsvc_enc_str(struct wn_srvsvc_enc *e, const uint8_t *data, size_t len)
{
    if (e->err)
        return;
    if ((len & 1) || (len && !data)) {
        e->err = WN_E_INVAL;
        return;
    }
    if (len / 2 + 1 > WN_SRVSVC_MAX_STRING) {
        e->err = WN_E_LIMIT;
        return;
    }
    uint32_t units = (uint32_t)(len / 2 + 1);
    wn_srvsvc_enc_u32(e, units);
    wn_srvsvc_enc_u32(e, 0);
    wn_srvsvc_enc_u32(e, units);
    enc_bytes(e, data, len);
    enc_bytes(e, "\0", 2);
}

void
wn_srvsvc_enc_top_str(struct wn_srvsvc_enc *e, const struct wn_srvsvc_u16 *s)
{
    wn_srvsvc_enc_ptr(e, s && s->data);
    if (s && s->data)
        wn_srvsvc_enc_str(e, s->data, s->len);
}

uint32_t
wn_srvsvc_dec_u32(struct wn_rbuf *r)
{
    wn_rbuf_align(r, 4);
    return wn_rbuf_u32le(r);
}

int
wn_srvsvc_dec_str(struct wn_rbuf *r, const uint8_t **data, uint32_t *len)
{
    uint32_t max = wn_srvsvc_dec_u32(r);
    uint32_t off = wn_srvsvc_dec_u32(r);
    uint32_t act = wn_srvsvc_dec_u32(r);
    if (r->err)
        return r->err;
    WN_PARSE_CHECK(MOD, max <= WN_SRVSVC_MAX_STRING, WN_E_LIMIT);
    WN_PARSE_CHECK(MOD, off == 0, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, act <= max, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, (size_t)act * 2 <= wn_rbuf_left(r), WN_E_TRUNCATED);
    if (act == 0) {
        /* No units at all: an empty string; keep a non-NULL view. */
        *data = r->p;
        *len = 0;
        return 0;
    }
    const uint8_t *p = wn_rbuf_view(r, (size_t)act * 2);
    if (!p)
        return r->err;
    WN_PARSE_CHECK(MOD, p[act * 2 - 2] == 0 && p[act * 2 - 1] == 0, WN_E_MALFORMED);
    *data = p;
    *len = (act - 1) * 2;
    return 0;
}
