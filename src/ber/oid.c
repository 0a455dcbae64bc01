/* oid.c: BER OBJECT IDENTIFIER coder (X.690 8.19) into and from uint32 sub-id arrays. */
#include "ber.h"

#include <string.h>

#define MOD "ber"

/* The error for one sub-id more than fits: the named limit first, then
 * the caller's room. */
static int
full(size_t k)
{
    WN_PARSE_CHECK(MOD, k < WN_BER_MAX_OID_LEN, WN_E_LIMIT);
    return WN_E_NOSPACE;
}

/* Reads the base-128 group at c[*i] (the caller knows the content's last
 * octet ends a group, so the loop stops inside it) into *v, at most bound. */
static inline int
group(const uint8_t *c, size_t *i, uint64_t bound, uint64_t *v)
{
    /* A sub-id does not start with 0x80 (not minimal). */
    WN_PARSE_CHECK(MOD, c[*i] != 0x80, WN_E_MALFORMED);
    uint64_t x = 0;
    for (;;) {
        x = (x << 7) | (c[*i] & 0x7F);
        WN_PARSE_CHECK(MOD, x <= bound, WN_E_MALFORMED);
        if (!(c[(*i)++] & 0x80))
            break;
    }
    *v = x;
    return 0;
}

int
wn_ber_oid_decode(const uint8_t *c, size_t len, uint32_t *out, size_t max, size_t *n)
{
    WN_PARSE_CHECK(MOD, len >= 1, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, len <= WN_BER_MAX_OID_BYTES, WN_E_LIMIT);
    /* The last octet ends a sub-id. */
    WN_PARSE_CHECK(MOD, !(c[len - 1] & 0x80), WN_E_MALFORMED);
    if (!out) {
        /* Validate and count: one test per octet while every group is
         * shorter than five octets (below 2^28, so in range) and starts
         * minimal; anything else goes through the careful loop below. */
        size_t groups = 0, start = 0, j = 0;
        for (; j < len; j++) {
            if (c[j] < 0x80) {
                groups++;
                start = j + 1;
            } else if ((j == start && c[j] == 0x80) || j - start >= 3) {
                break;
            }
        }
        if (j == len && groups + 1 <= WN_BER_MAX_OID_LEN) {
            if (n)
                *n = groups + 1;
            return 0;
        }
    }
    if (out && c[0] < 0x80 && len + 1 <= max && len + 1 <= WN_BER_MAX_OID_LEN) {
        /* Validate and write in one loop while the first group is one
         * octet and every other is shorter than five octets and minimal:
         * no more than len + 1 sub-ids, so no room check per one.
         * Anything else starts again in the careful loop below. */
        uint32_t a0 = c[0] < 40 ? 0 : c[0] < 80 ? 1 : 2;
        uint32_t *o = out + 2;
        size_t j = 1;
        uint32_t v = 0;
        out[0] = a0;
        out[1] = c[0] - 40u * a0;
        /* Eight one-octet sub-ids at a time while they last (the usual
         * 1.3.6.1.x.y... prefix): each ends a group, so v stays 0. */
        while (len - j >= 8) {
            uint64_t w;
            memcpy(&w, c + j, sizeof w);
            if (w & 0x8080808080808080ull)
                break;
            for (size_t q = 0; q < 8; q++)
                o[q] = c[j + q];
            o += 8;
            j += 8;
        }
        for (; j < len; j++) {
            uint32_t b = c[j];
            if (b < 0x80) {
                *o++ = v << 7 | b;
                v = 0;
                continue;
            }
            /* v is 0 only at a group's start (minimal groups do not start
             * with 0x80), at least 2^14 after three octets of one. */
            if ((b == 0x80 && v == 0) || v >= (1u << 14))
                break;
            v = v << 7 | (b & 0x7Fu);
        }
        size_t k = (size_t)(o - out);
        if (j == len) {
            if (n)
                *n = k;
            return 0;
        }
    }
    size_t lim = out && max < WN_BER_MAX_OID_LEN ? max : WN_BER_MAX_OID_LEN;
    size_t i = 0;
    uint64_t first;
    /* The first group may carry up to 80 + 2^32-1. */
    int rc = group(c, &i, (uint64_t)UINT32_MAX + 80, &first);
    if (rc)
        return rc;
    if (lim < 2)
        return full(lim);
    /* The first group = 40 * arc0 + arc1 (arc1 < 40 unless arc0 = 2). */
    uint32_t a0 = first < 40 ? 0 : first < 80 ? 1 : 2;
    size_t k = 2;
    if (out) {
        out[0] = a0;
        out[1] = (uint32_t)(first - 40u * a0);
    }
    while (i < len) {
        uint64_t v = c[i];
        if (v < 0x80) {
            i++;
        } else {
            rc = group(c, &i, UINT32_MAX, &v);
            if (rc)
                return rc;
        }
        if (k >= lim)
            return full(k);
        if (out)
            out[k] = (uint32_t)v;
        k++;
    }
    if (n)
        *n = k;
    return 0;
}

int
wn_ber_read_oid(struct wn_rbuf *r, uint8_t ident, uint32_t *out, size_t max, size_t *n)
{
    struct wn_rbuf in;
    int rc = wn_ber_expect(r, ident, &in);
    if (rc)
        return rc;
    rc = wn_ber_oid_decode(in.start, wn_rbuf_left(&in), out, max, n);
    if (rc)
        return wn_rbuf_fail(r, rc);
    return 0;
}

/* Octets of one base-128 sub-id. */
static size_t
subid_size(uint64_t v)
{
    size_t n = 1;
    for (v >>= 7; v != 0; v >>= 7)
        n++;
    return n;
}

/* Writes one sub-id ending just before `end`; returns its first octet. */
static uint8_t *
write_subid(uint8_t *end, uint64_t v)
{
    *--end = (uint8_t)(v & 0x7F);
    for (v >>= 7; v; v >>= 7)
        *--end = (uint8_t)(0x80 | (v & 0x7F));
    return end;
}

int
wn_ber_put_oid_content(struct wn_ber_wbuf *w, const uint32_t *sub, size_t n)
{
    if (w->err)
        return w->err;
    if (!sub || n < 2 || n > WN_BER_MAX_OID_LEN || sub[0] > 2
        || (sub[0] < 2 && sub[1] >= 40) || (sub[0] == 2 && sub[1] > UINT32_MAX - 80)) {
        w->err = WN_E_INVAL;
        return w->err;
    }
    uint64_t first = (uint64_t)sub[0] * 40 + sub[1];
    size_t k = 2;
    while (first < 0x80 && k < n && sub[k] < 0x80)
        k++;
    if (first < 0x80 && k == n) {
        /* Every sub-id one octet (most names): no sizing pass. */
        if (n - 1 > w->cap - w->len) {
            w->err = WN_E_NOSPACE;
            return w->err;
        }
        w->len += n - 1;
        uint8_t *q = w->buf + (w->cap - w->len);
        q[0] = (uint8_t)first;
        for (size_t i = 2; i < n; i++)
            q[i - 1] = (uint8_t)sub[i];
        return 0;
    }
    /* Size first, then one reservation filled from its end. */
    size_t total = subid_size(first);
    for (size_t i = 2; i < n; i++)
        total += subid_size(sub[i]);
    if (total > w->cap - w->len) {
        w->err = WN_E_NOSPACE;
        return w->err;
    }
    w->len += total;
    uint8_t *p = w->buf + (w->cap - w->len) + total;
    for (size_t i = n; i-- > 2;)
        p = write_subid(p, sub[i]);
    write_subid(p, first);
    return 0;
}

int
wn_ber_put_oid(struct wn_ber_wbuf *w, uint8_t ident, const uint32_t *sub, size_t n)
{
    size_t mark = wn_ber_wlen(w);
    wn_ber_put_oid_content(w, sub, n);
    return wn_ber_wrap(w, ident, mark);
}
