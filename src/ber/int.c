/* int.c: BER INTEGER (signed, unsigned 32/64 with SNMP rules) and BOOLEAN coders. */
#include "ber.h"

#define MOD "ber"

/* X.690 8.3.2: the first nine bits are not all ones or all zeros. */
static int
int_minimal(const uint8_t *c, size_t len)
{
    if (len < 2)
        return 1;
    if (c[0] == 0x00 && !(c[1] & 0x80))
        return 0;
    if (c[0] == 0xFF && (c[1] & 0x80))
        return 0;
    return 1;
}

int
wn_ber_int32_decode(const uint8_t *c, size_t len, int32_t *v)
{
    WN_PARSE_CHECK(MOD, len >= 1, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, int_minimal(c, len), WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, len <= 4, WN_E_LIMIT);
    uint32_t u = (c[0] & 0x80) ? UINT32_MAX : 0;
    for (size_t i = 0; i < len; i++)
        u = (u << 8) | c[i];
    *v = (int32_t)u;
    return 0;
}

/* Unsigned: non-negative two's complement of at most `maxlen` octets. */
static int
uint_decode(const uint8_t *c, size_t len, size_t maxlen, uint64_t *v)
{
    WN_PARSE_CHECK(MOD, len >= 1, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, int_minimal(c, len), WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, !(c[0] & 0x80), WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, len <= maxlen, WN_E_LIMIT);
    /* The extra octet may only be the 0x00 in front of a set top bit. */
    WN_PARSE_CHECK(MOD, len < maxlen || c[0] == 0x00, WN_E_LIMIT);
    uint64_t u = 0;
    for (size_t i = 0; i < len; i++)
        u = (u << 8) | c[i];
    *v = u;
    return 0;
}

int
wn_ber_uint32_decode(const uint8_t *c, size_t len, uint32_t *v)
{
    uint64_t u;
    int rc = uint_decode(c, len, 5, &u);
    if (rc)
        return rc;
    *v = (uint32_t)u;
    return 0;
}

int
wn_ber_uint64_decode(const uint8_t *c, size_t len, uint64_t *v)
{
    return uint_decode(c, len, 9, v);
}

int
wn_ber_bool_decode(const uint8_t *c, size_t len, int *v)
{
    WN_PARSE_CHECK(MOD, len == 1, WN_E_MALFORMED);
    *v = c[0] != 0;
    return 0;
}

/* Reads a TLV with `ident` and hands its content to a decoder. */
#define READ_TYPED(r, ident, dec, v)                                        \
    do {                                                                    \
        struct wn_rbuf in_;                                                 \
        int rc_ = wn_ber_expect((r), (ident), &in_);                        \
        if (rc_)                                                            \
            return rc_;                                                     \
        rc_ = dec(in_.start, wn_rbuf_left(&in_), (v));                      \
        if (rc_)                                                            \
            return wn_rbuf_fail((r), rc_);                                  \
        return 0;                                                           \
    } while (0)

int
wn_ber_read_int32_any(struct wn_rbuf *r, uint8_t ident, int32_t *v)
{
    READ_TYPED(r, ident, wn_ber_int32_decode, v);
}

int
wn_ber_read_uint32(struct wn_rbuf *r, uint8_t ident, uint32_t *v)
{
    READ_TYPED(r, ident, wn_ber_uint32_decode, v);
}

int
wn_ber_read_uint64(struct wn_rbuf *r, uint8_t ident, uint64_t *v)
{
    READ_TYPED(r, ident, wn_ber_uint64_decode, v);
}

int
wn_ber_read_bool(struct wn_rbuf *r, uint8_t ident, int *v)
{
    READ_TYPED(r, ident, wn_ber_bool_decode, v);
}

/* Writes the minimal two's complement content of a value that is
 * negative iff `neg`, then the header. */
static int
put_integer(struct wn_ber_wbuf *w, uint8_t ident, uint64_t u, int neg)
{
    if (!neg && u < 0x80 && !w->err && w->cap - w->len >= 3) {
        /* One content octet (versions, error fields, small ids). */
        w->len += 3;
        uint8_t *q = w->buf + (w->cap - w->len);
        q[0] = ident;
        q[1] = 1;
        q[2] = (uint8_t)u;
        return 0;
    }
    uint8_t tmp[9];
    size_t n = 0;
    /* Emit octets least significant first until the rest is sign fill. */
    for (;;) {
        uint8_t b = (uint8_t)u;
        tmp[n++] = b;
        u = neg ? (uint64_t)((int64_t)u >> 8) : u >> 8;
        if (!neg && u == 0 && !(b & 0x80))
            break;
        if (neg && u == UINT64_MAX && (b & 0x80))
            break;
        if (n == 8) {
            if (!neg && (b & 0x80))
                tmp[n++] = 0x00;
            break;
        }
    }
    uint8_t out[9];
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    wn_ber_put_raw(w, out, n);
    return wn_ber_put_header(w, ident, n);
}

int
wn_ber_put_int32(struct wn_ber_wbuf *w, uint8_t ident, int32_t v)
{
    return put_integer(w, ident, (uint64_t)(int64_t)v, v < 0);
}

int
wn_ber_put_uint32(struct wn_ber_wbuf *w, uint8_t ident, uint32_t v)
{
    return put_integer(w, ident, v, 0);
}

int
wn_ber_put_uint64(struct wn_ber_wbuf *w, uint8_t ident, uint64_t v)
{
    return put_integer(w, ident, v, 0);
}

int
wn_ber_put_bool(struct wn_ber_wbuf *w, uint8_t ident, int v)
{
    uint8_t b = v ? 0xFF : 0x00;
    wn_ber_put_raw(w, &b, 1);
    return wn_ber_put_header(w, ident, 1);
}
