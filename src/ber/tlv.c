/* tlv.c: BER identifier/length reading, the backward writer core, and the nesting validator. */
#include "ber.h"

#include <string.h>

#define MOD "ber"

/* Fails the cursor with err and returns it. */
static int
fail(struct wn_rbuf *r, int err)
{
    return wn_rbuf_fail(r, err);
}

uint8_t
wn_ber_peek_ident(const struct wn_rbuf *r)
{
    return wn_rbuf_left(r) ? r->p[0] : 0;
}

/* X.690 8.1.2 identifier octets: low form (tag 0..30) or high form
 * (0x1F then base-128 octets, the first not 0x80, tag >= 31). */
static int
read_ident(struct wn_rbuf *r, struct wn_ber_tlv *t)
{
    uint8_t b = wn_rbuf_u8(r);
    if (r->err)
        return r->err;
    t->ident = b;
    t->cls = b & 0xC0;
    t->constructed = (b & WN_BER_CONSTRUCTED) != 0;
    if ((b & 0x1F) != 0x1F) {
        t->tag = b & 0x1F;
        return 0;
    }
    uint32_t tag = 0;
    for (size_t i = 0;; i++) {
        if (i >= WN_BER_MAX_TAG_OCTETS) {
            wn_count_parse_error(MOD, "tag octets <= WN_BER_MAX_TAG_OCTETS", __FILE__, __LINE__);
            return fail(r, WN_E_LIMIT);
        }
        uint8_t c = wn_rbuf_u8(r);
        if (r->err)
            return r->err;
        if (i == 0 && c == 0x80) {
            wn_count_parse_error(MOD, "minimal high tag", __FILE__, __LINE__);
            return fail(r, WN_E_MALFORMED);
        }
        tag = (tag << 7) | (c & 0x7F);
        if (!(c & 0x80))
            break;
    }
    if (tag < 31) {
        wn_count_parse_error(MOD, "high tag form only for tag >= 31", __FILE__, __LINE__);
        return fail(r, WN_E_MALFORMED);
    }
    t->tag = tag;
    return 0;
}

/* X.690 8.1.3: definite short or long form; indefinite and 0xFF refused. */
static int
read_len(struct wn_rbuf *r, size_t *len)
{
    uint8_t b = wn_rbuf_u8(r);
    if (r->err)
        return r->err;
    if (b < 0x80) {
        *len = b;
        return 0;
    }
    size_t n = b & 0x7F;
    if (n == 0 || b == 0xFF) {
        wn_count_parse_error(MOD, "definite length", __FILE__, __LINE__);
        return fail(r, WN_E_MALFORMED);
    }
    if (n > WN_BER_MAX_LEN_OCTETS) {
        wn_count_parse_error(MOD, "length octets <= WN_BER_MAX_LEN_OCTETS", __FILE__, __LINE__);
        return fail(r, WN_E_LIMIT);
    }
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | wn_rbuf_u8(r);
    if (r->err)
        return r->err;
    *len = v;
    return 0;
}

int
wn_ber_read_tlv_any(struct wn_rbuf *r, struct wn_ber_tlv *out)
{
    if (r->err)
        return r->err;
    const uint8_t *begin = r->p;
    size_t avail = (size_t)(r->end - r->p);
    /* Fast path: low tag form with a short length, all in bounds. */
    if (avail >= 2 && (begin[0] & 0x1F) != 0x1F && begin[1] < 0x80
        && begin[1] <= avail - 2) {
        uint8_t b = begin[0];
        out->ident = b;
        out->cls = b & 0xC0;
        out->constructed = (b & WN_BER_CONSTRUCTED) != 0;
        out->tag = b & 0x1F;
        out->len = begin[1];
        out->hdr_len = 2;
        out->val = begin + 2;
        r->p = begin + 2 + out->len;
        return 0;
    }
    int rc = read_ident(r, out);
    if (rc)
        return rc;
    rc = read_len(r, &out->len);
    if (rc)
        return rc;
    if (out->len > wn_rbuf_left(r)) {
        wn_count_parse_error(MOD, "length <= bytes left", __FILE__, __LINE__);
        return fail(r, WN_E_TRUNCATED);
    }
    out->hdr_len = (size_t)(r->p - begin);
    out->val = r->p;
    wn_rbuf_skip(r, out->len);
    return r->err;
}

int
wn_ber_expect_any(struct wn_rbuf *r, uint8_t ident, struct wn_rbuf *inner)
{
    wn_rbuf_init(inner, NULL, 0);   /* empty on failure */
    struct wn_ber_tlv t;
    int rc = wn_ber_read_tlv(r, &t);
    if (rc)
        return rc;
    if (t.ident != ident || (t.ident & 0x1F) == 0x1F) {
        wn_count_parse_error(MOD, "identifier == expected", __FILE__, __LINE__);
        return fail(r, WN_E_MALFORMED);
    }
    wn_rbuf_init(inner, t.val, t.len);
    return 0;
}

int
wn_ber_read_octets(struct wn_rbuf *r, uint8_t ident, const uint8_t **p, size_t *len)
{
    struct wn_rbuf in;
    int rc = wn_ber_expect(r, ident, &in);
    if (rc)
        return rc;
    *p = in.start;
    *len = wn_rbuf_left(&in);
    return 0;
}

int
wn_ber_read_null(struct wn_rbuf *r, uint8_t ident)
{
    struct wn_rbuf in;
    int rc = wn_ber_expect(r, ident, &in);
    if (rc)
        return rc;
    if (wn_rbuf_left(&in) != 0) {
        wn_count_parse_error(MOD, "NULL has no content", __FILE__, __LINE__);
        return fail(r, WN_E_MALFORMED);
    }
    return 0;
}

static int
validate_level(const uint8_t *buf, size_t len, unsigned depth, unsigned max_depth)
{
    struct wn_rbuf r;
    wn_rbuf_init(&r, buf, len);
    while (wn_rbuf_left(&r)) {
        struct wn_ber_tlv t;
        int rc = wn_ber_read_tlv(&r, &t);
        if (rc)
            return rc;
        if (t.constructed) {
            WN_PARSE_CHECK(MOD, depth < max_depth, WN_E_LIMIT);
            rc = validate_level(t.val, t.len, depth + 1, max_depth);
            if (rc)
                return rc;
        }
    }
    return r.err;
}

int
wn_ber_validate(const uint8_t *buf, size_t len, unsigned max_depth)
{
    if (!buf && len)
        return WN_E_INVAL;
    if (max_depth > WN_BER_MAX_DEPTH)
        max_depth = WN_BER_MAX_DEPTH;
    return validate_level(buf, len, 0, max_depth);
}

/* ------------------------------------------------------------------------
 * Backward writer.
 * ---------------------------------------------------------------------- */
void
wn_ber_winit(struct wn_ber_wbuf *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = buf ? cap : 0;
    w->len = 0;
    w->err = 0;
}

size_t
wn_ber_wlen(const struct wn_ber_wbuf *w)
{
    return w->len;
}

const uint8_t *
wn_ber_wdata(const struct wn_ber_wbuf *w)
{
    return w->buf ? w->buf + (w->cap - w->len) : NULL;
}

/* Reserves n bytes in front of what is written; NULL + sticky err. */
static uint8_t *
front(struct wn_ber_wbuf *w, size_t n)
{
    if (w->err)
        return NULL;
    if (n > w->cap - w->len) {
        w->err = WN_E_NOSPACE;
        return NULL;
    }
    w->len += n;
    return w->buf + (w->cap - w->len);
}

int
wn_ber_put_raw(struct wn_ber_wbuf *w, const void *p, size_t n)
{
    if (n == 0)
        return w->err;
    uint8_t *q = front(w, n);
    if (q)
        memcpy(q, p, n);
    return w->err;
}

/* Prepends the minimal definite length encoding of len. */
static int
put_len(struct wn_ber_wbuf *w, size_t len)
{
    uint8_t tmp[1 + sizeof(size_t)];
    size_t n = 0;
    if (len < 0x80) {
        tmp[n++] = (uint8_t)len;
    } else {
        uint8_t be[sizeof(size_t)];
        size_t k = 0;
        for (size_t v = len; v; v >>= 8)
            be[k++] = (uint8_t)v;
        if (k > WN_BER_MAX_LEN_OCTETS) {
            if (!w->err)
                w->err = WN_E_LIMIT;
            return w->err;
        }
        tmp[n++] = (uint8_t)(0x80 | k);
        while (k)
            tmp[n++] = be[--k];
    }
    return wn_ber_put_raw(w, tmp, n);
}

int
wn_ber_put_header(struct wn_ber_wbuf *w, uint8_t ident, size_t len)
{
    if (len < 0x80 && !w->err && w->cap - w->len >= 2) {
        /* The common case: identifier and a short-form length. */
        w->len += 2;
        uint8_t *q = w->buf + (w->cap - w->len);
        q[0] = ident;
        q[1] = (uint8_t)len;
        return 0;
    }
    put_len(w, len);
    return wn_ber_put_raw(w, &ident, 1);
}

int
wn_ber_put_header_tag(struct wn_ber_wbuf *w, uint8_t cls, int constructed,
                      uint32_t tag, size_t len)
{
    uint8_t id = (uint8_t)((cls & 0xC0) | (constructed ? WN_BER_CONSTRUCTED : 0));
    if (tag < 31)
        return wn_ber_put_header(w, (uint8_t)(id | tag), len);
    if (tag >= (1u << (7 * WN_BER_MAX_TAG_OCTETS))) {
        if (!w->err)
            w->err = WN_E_INVAL;
        return w->err;
    }
    uint8_t tmp[1 + WN_BER_MAX_TAG_OCTETS];
    uint8_t rev[WN_BER_MAX_TAG_OCTETS];
    size_t k = 0;
    for (uint32_t v = tag; v; v >>= 7)
        rev[k++] = (uint8_t)(v & 0x7F);
    size_t n = 0;
    tmp[n++] = (uint8_t)(id | 0x1F);
    while (k) {
        k--;
        tmp[n++] = (uint8_t)(rev[k] | (k ? 0x80 : 0));
    }
    put_len(w, len);
    return wn_ber_put_raw(w, tmp, n);
}

int
wn_ber_wrap(struct wn_ber_wbuf *w, uint8_t ident, size_t mark)
{
    size_t len = w->len - mark;
    if (!w->err && mark <= w->len && len < 0x80 && w->cap - w->len >= 2) {
        /* The common case, as in wn_ber_put_header. */
        w->len += 2;
        uint8_t *q = w->buf + (w->cap - w->len);
        q[0] = ident;
        q[1] = (uint8_t)len;
        return 0;
    }
    if (w->err)
        return w->err;
    if (mark > w->len) {
        w->err = WN_E_INVAL;
        return w->err;
    }
    return wn_ber_put_header(w, ident, w->len - mark);
}

int
wn_ber_put_octets(struct wn_ber_wbuf *w, uint8_t ident, const void *p, size_t n)
{
    wn_ber_put_raw(w, p, n);
    return wn_ber_put_header(w, ident, n);
}

int
wn_ber_put_null(struct wn_ber_wbuf *w, uint8_t ident)
{
    return wn_ber_put_header(w, ident, 0);
}
