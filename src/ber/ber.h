/* ber.h: contract of the ber layer: bounded BER TLV reader and allocation-free backward writer. */
#ifndef WN_BER_H
#define WN_BER_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"

/* ------------------------------------------------------------------------
 * Named limits.
 * ---------------------------------------------------------------------- */
/* Longest definite length form accepted: 0x84 + 4 length octets. */
#define WN_BER_MAX_LEN_OCTETS 4
/* Longest high-tag-number form: identifier octet + this many tag octets
 * (7 bits each, so tag numbers up to 2^28-1). */
#define WN_BER_MAX_TAG_OCTETS 4
/* Most sub-identifiers in an OBJECT IDENTIFIER (RFC 2578 section 3.5). */
#define WN_BER_MAX_OID_LEN 128
/* Most content octets of an OBJECT IDENTIFIER: 5 octets per sub-id. */
#define WN_BER_MAX_OID_BYTES (5 * WN_BER_MAX_OID_LEN)
/* Deepest nesting of constructed encodings any decoder descends into.
 * Enforcement: a decoder that walks nested TLVs of unknown shape counts the
 * levels it entered and fails with WN_E_LIMIT beyond this (wn_ber_validate
 * does so; fixed-shape decoders such as the SNMP message decoder are bounded
 * by their grammar, which is shallower than this). */
#define WN_BER_MAX_DEPTH 16

/* Identifier octets (class | constructed | tag) used by several layers. */
#define WN_BER_CLASS_UNIVERSAL   0x00
#define WN_BER_CLASS_APPLICATION 0x40
#define WN_BER_CLASS_CONTEXT     0x80
#define WN_BER_CLASS_PRIVATE     0xC0
#define WN_BER_CONSTRUCTED       0x20

#define WN_BER_BOOLEAN      0x01
#define WN_BER_INTEGER      0x02
#define WN_BER_BIT_STRING   0x03
#define WN_BER_OCTET_STRING 0x04
#define WN_BER_NULL         0x05
#define WN_BER_OID          0x06
#define WN_BER_ENUMERATED   0x0A
#define WN_BER_SEQUENCE     0x30

/* ------------------------------------------------------------------------
 * Reading.  Every reader takes a bounded cursor, checks each length against
 * the bytes left, advances past what it consumed and returns 0 or a negative
 * WN_E_*: WN_E_TRUNCATED (length > bytes left), WN_E_MALFORMED (bad
 * encoding, unexpected identifier), WN_E_LIMIT (a named limit above).  On
 * error the cursor's sticky err is set too.  All views borrow the cursor's
 * buffer.
 * ---------------------------------------------------------------------- */
struct wn_ber_tlv {
    uint8_t cls;        /* 0x00 universal, 0x40 application, 0x80 context, 0xC0 private */
    int constructed;    /* 1 if the constructed bit (0x20) is set */
    uint32_t tag;       /* tag number (low form 0..30, high form up to 2^28-1) */
    uint8_t ident;      /* first identifier octet as on the wire */
    const uint8_t *val; /* borrowed view of the value octets */
    size_t len;         /* value length */
    size_t hdr_len;     /* identifier + length octets */
};

/* Reads one TLV header and skips its value.  Definite lengths only (short
 * form, or long form with 1..4 length octets, non-minimal accepted);
 * indefinite length (0x80) and the reserved 0xFF are WN_E_MALFORMED. */
int wn_ber_read_tlv_any(struct wn_rbuf *r, struct wn_ber_tlv *out);
/* The common case (low tag, short length, in bounds) inline; everything
 * else, errors included, in wn_ber_read_tlv_any. */
static inline int
wn_ber_read_tlv(struct wn_rbuf *r, struct wn_ber_tlv *out)
{
    const uint8_t *b = r->p;
    size_t avail = (size_t)(r->end - r->p);
    if (!r->err && avail >= 2 && (b[0] & 0x1F) != 0x1F && b[1] < 0x80 && b[1] <= avail - 2) {
        out->ident = b[0];
        out->cls = b[0] & 0xC0;
        out->constructed = (b[0] & WN_BER_CONSTRUCTED) != 0;
        out->tag = b[0] & 0x1F;
        out->len = b[1];
        out->hdr_len = 2;
        out->val = b + 2;
        r->p = b + 2 + out->len;
        return 0;
    }
    return wn_ber_read_tlv_any(r, out);
}
/* Reads a TLV whose identifier octet must be `ident` (low tag form) and
 * points `inner` at its value (empty on failure). */
int wn_ber_expect_any(struct wn_rbuf *r, uint8_t ident, struct wn_rbuf *inner);
/* The common case (short length, in bounds) inline; everything else,
 * errors included, in wn_ber_expect_any. */
static inline int
wn_ber_expect(struct wn_rbuf *r, uint8_t ident, struct wn_rbuf *inner)
{
    const uint8_t *b = r->p;
    size_t avail = (size_t)(r->end - r->p);
    if (!r->err && avail >= 2 && b[0] == ident && (ident & 0x1F) != 0x1F && b[1] < 0x80 &&
        b[1] <= avail - 2) {
        inner->start = b + 2;
        inner->p = b + 2;
        inner->end = b + 2 + b[1];
        inner->err = 0;
        r->p = b + 2 + b[1];
        return 0;
    }
    return wn_ber_expect_any(r, ident, inner);
}
/* Looks at the next identifier octet without consuming; 0 if none left. */
uint8_t wn_ber_peek_ident(const struct wn_rbuf *r);

/* Typed TLV readers: read a TLV with identifier `ident` (e.g. WN_BER_INTEGER,
 * or 0x41 Counter32) and decode its content. */
int wn_ber_read_int32_any(struct wn_rbuf *r, uint8_t ident, int32_t *v);
/* A one-octet INTEGER (always minimal) inline; everything else, errors
 * included, in wn_ber_read_int32_any. */
static inline int
wn_ber_read_int32(struct wn_rbuf *r, uint8_t ident, int32_t *v)
{
    const uint8_t *b = r->p;
    if (!r->err && r->end - r->p >= 3 && b[0] == ident && b[1] == 1 && (ident & 0x1F) != 0x1F) {
        *v = (int32_t)b[2] - (b[2] & 0x80 ? 256 : 0);
        r->p = b + 3;
        return 0;
    }
    return wn_ber_read_int32_any(r, ident, v);
}
int wn_ber_read_uint32(struct wn_rbuf *r, uint8_t ident, uint32_t *v);
int wn_ber_read_uint64(struct wn_rbuf *r, uint8_t ident, uint64_t *v);
int wn_ber_read_bool(struct wn_rbuf *r, uint8_t ident, int *v);
int wn_ber_read_null(struct wn_rbuf *r, uint8_t ident);
/* Borrowed view of the value octets (no limit other than bytes left). */
int wn_ber_read_octets(struct wn_rbuf *r, uint8_t ident, const uint8_t **p, size_t *len);
/* OID into out[0..max); *n = sub-ids.  See wn_ber_oid_decode. */
int wn_ber_read_oid(struct wn_rbuf *r, uint8_t ident, uint32_t *out, size_t max, size_t *n);

/* Content decoders (identifier and length already read).
 * INTEGER rules: 1.. octets, minimal two's complement (the first 9 bits are
 * not all 0 or all 1).  int32: at most 4 octets.  uint32/uint64: the value
 * must be non-negative, so a leading 0x00 is required (and allowed) when
 * the top bit of the next octet is set: at most 5 / 9 octets. */
int wn_ber_int32_decode(const uint8_t *c, size_t len, int32_t *v);
int wn_ber_uint32_decode(const uint8_t *c, size_t len, uint32_t *v);
int wn_ber_uint64_decode(const uint8_t *c, size_t len, uint64_t *v);
/* BOOLEAN: exactly one octet; any non-zero is true (BER). */
int wn_ber_bool_decode(const uint8_t *c, size_t len, int *v);
/* OID content: 1..WN_BER_MAX_OID_BYTES octets, each sub-id minimal base-128
 * (no leading 0x80), every sub-id <= 2^32-1, the first octet group split
 * into two arcs (X.690 8.19.4).  out may be NULL to validate and count
 * only.  More than WN_BER_MAX_OID_LEN arcs: WN_E_LIMIT; more than max (when
 * out != NULL): WN_E_NOSPACE. */
int wn_ber_oid_decode(const uint8_t *c, size_t len, uint32_t *out, size_t max, size_t *n);

/* Walks a whole buffer of TLVs, descending into every constructed value,
 * and checks that each level is exactly filled.  Nesting deeper than
 * max_depth (<= WN_BER_MAX_DEPTH) is WN_E_LIMIT.  For unknown-shape data. */
int wn_ber_validate(const uint8_t *buf, size_t len, unsigned max_depth);

/* ------------------------------------------------------------------------
 * Writing: a BACKWARD writer.  Encodings are prepended, from the end of the
 * caller's buffer towards its start, so every length is known when its
 * header is written.  Encode the last element first.  No allocation; a
 * write that does not fit sets the sticky err WN_E_NOSPACE and writes
 * nothing.  Every writer returns the (sticky) err.
 *
 *   size_t mark = wn_ber_wlen(&w);          remember the length so far
 *   ...write the children, last first...
 *   wn_ber_wrap(&w, WN_BER_SEQUENCE, mark);  header over everything since
 *
 * Output: wn_ber_wdata(&w) (borrowed, inside the caller's buffer) and
 * wn_ber_wlen(&w) bytes.
 * ---------------------------------------------------------------------- */
struct wn_ber_wbuf {
    uint8_t *buf;   /* borrowed caller buffer */
    size_t cap;
    size_t len;     /* bytes written, at buf + cap - len */
    int err;
};

void wn_ber_winit(struct wn_ber_wbuf *w, uint8_t *buf, size_t cap);
size_t wn_ber_wlen(const struct wn_ber_wbuf *w);
/* First written byte (NULL if nothing fits); borrowed from the buffer. */
const uint8_t *wn_ber_wdata(const struct wn_ber_wbuf *w);

/* Prepends n raw bytes. */
int wn_ber_put_raw(struct wn_ber_wbuf *w, const void *p, size_t n);
/* Prepends an identifier octet and the minimal length encoding of len. */
int wn_ber_put_header(struct wn_ber_wbuf *w, uint8_t ident, size_t len);
/* Same with a full tag (high tag form when tag > 30). */
int wn_ber_put_header_tag(struct wn_ber_wbuf *w, uint8_t cls, int constructed,
                          uint32_t tag, size_t len);
/* Wraps everything written since `mark` in a TLV header: SEQUENCE,
 * [n] constructed, APPLICATION tags.  mark > wn_ber_wlen is WN_E_INVAL. */
int wn_ber_wrap(struct wn_ber_wbuf *w, uint8_t ident, size_t mark);

/* Typed writers: whole TLV with identifier `ident`, minimal contents. */
int wn_ber_put_int32(struct wn_ber_wbuf *w, uint8_t ident, int32_t v);
int wn_ber_put_uint32(struct wn_ber_wbuf *w, uint8_t ident, uint32_t v);
int wn_ber_put_uint64(struct wn_ber_wbuf *w, uint8_t ident, uint64_t v);
int wn_ber_put_bool(struct wn_ber_wbuf *w, uint8_t ident, int v);   /* 0xFF / 0x00 */
int wn_ber_put_null(struct wn_ber_wbuf *w, uint8_t ident);
/* p borrowed (copied in); p may be NULL when n == 0. */
int wn_ber_put_octets(struct wn_ber_wbuf *w, uint8_t ident, const void *p, size_t n);
/* sub[0..n) borrowed.  2 <= n <= WN_BER_MAX_OID_LEN, sub[0] <= 2, sub[1] < 40
 * unless sub[0] == 2 (then sub[1] <= 2^32-1-80); else WN_E_INVAL. */
int wn_ber_put_oid(struct wn_ber_wbuf *w, uint8_t ident, const uint32_t *sub, size_t n);
/* Content octets only (no header) of the OID; same rules. */
int wn_ber_put_oid_content(struct wn_ber_wbuf *w, const uint32_t *sub, size_t n);

#endif /* WN_BER_H */
