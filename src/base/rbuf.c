/* rbuf.c: bounded read cursor with a sticky error, the only way decoders read wire bytes. */
#include "base.h"

#include <string.h>

int
wn_rbuf_fail(struct wn_rbuf *r, int err)
{
    if (!r->err)
        r->err = err;
    return r->err;
}

/* Returns a pointer to n readable bytes and advances, or NULL + err. */
static const uint8_t *
take(struct wn_rbuf *r, size_t n)
{
    if (r->err)
        return NULL;
    if (n > (size_t)(r->end - r->p)) {
        r->err = WN_E_TRUNCATED;
        return NULL;
    }
    const uint8_t *q = r->p;
    r->p += n;
    return q;
}

uint8_t
wn_rbuf_u8(struct wn_rbuf *r)
{
    const uint8_t *q = take(r, 1);
    return q ? q[0] : 0;
}

uint16_t
wn_rbuf_u16le(struct wn_rbuf *r)
{
    const uint8_t *q = take(r, 2);
    return q ? (uint16_t)(q[0] | (q[1] << 8)) : 0;
}

uint32_t
wn_rbuf_u32le(struct wn_rbuf *r)
{
    const uint8_t *q = take(r, 4);
    return q ? (uint32_t)q[0] | ((uint32_t)q[1] << 8) | ((uint32_t)q[2] << 16) |
                   ((uint32_t)q[3] << 24)
             : 0;
}

uint64_t
wn_rbuf_u64le(struct wn_rbuf *r)
{
    uint64_t lo = wn_rbuf_u32le(r);
    uint64_t hi = wn_rbuf_u32le(r);
    return r->err ? 0 : lo | (hi << 32);
}

uint16_t
wn_rbuf_u16be(struct wn_rbuf *r)
{
    const uint8_t *q = take(r, 2);
    return q ? (uint16_t)((q[0] << 8) | q[1]) : 0;
}

uint32_t
wn_rbuf_u32be(struct wn_rbuf *r)
{
    const uint8_t *q = take(r, 4);
    return q ? ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) | ((uint32_t)q[2] << 8) |
                   (uint32_t)q[3]
             : 0;
}

const uint8_t *
wn_rbuf_view(struct wn_rbuf *r, size_t n)
{
    return take(r, n);
}

void
wn_rbuf_copy(struct wn_rbuf *r, void *dst, size_t n)
{
    const uint8_t *q = take(r, n);
    if (q)
        memcpy(dst, q, n);
    else if (n)
        memset(dst, 0, n);
}

void
wn_rbuf_skip(struct wn_rbuf *r, size_t n)
{
    (void)take(r, n);
}

void
wn_rbuf_align(struct wn_rbuf *r, size_t align)
{
    if (align < 2 || r->err)
        return;
    size_t pos = wn_rbuf_pos(r);
    size_t pad = (align - pos % align) % align;
    wn_rbuf_skip(r, pad);
}

void
wn_rbuf_seek(struct wn_rbuf *r, size_t off)
{
    if (r->err)
        return;
    if (off > (size_t)(r->end - r->start)) {
        r->err = WN_E_TRUNCATED;
        return;
    }
    r->p = r->start + off;
}

int
wn_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
