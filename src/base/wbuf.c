/* wbuf.c: bounded write cursor into a caller buffer, with a sticky error. */
#include "base.h"

#include <string.h>

void
wn_wbuf_init(struct wn_wbuf *w, void *buf, size_t cap)
{
    w->start = buf;
    w->p = buf;
    w->end = w->start + (buf ? cap : 0);
    w->err = 0;
}

size_t
wn_wbuf_len(const struct wn_wbuf *w)
{
    return (size_t)(w->p - w->start);
}

size_t
wn_wbuf_left(const struct wn_wbuf *w)
{
    return w->err ? 0 : (size_t)(w->end - w->p);
}

uint8_t *
wn_wbuf_reserve(struct wn_wbuf *w, size_t n)
{
    if (w->err)
        return NULL;
    if (n > (size_t)(w->end - w->p)) {
        w->err = WN_E_NOSPACE;
        return NULL;
    }
    uint8_t *q = w->p;
    w->p += n;
    return q;
}

void
wn_wbuf_u8(struct wn_wbuf *w, uint8_t v)
{
    uint8_t *q = wn_wbuf_reserve(w, 1);
    if (q)
        q[0] = v;
}

void
wn_wbuf_u16le(struct wn_wbuf *w, uint16_t v)
{
    uint8_t *q = wn_wbuf_reserve(w, 2);
    if (q) {
        q[0] = (uint8_t)v;
        q[1] = (uint8_t)(v >> 8);
    }
}

void
wn_wbuf_u32le(struct wn_wbuf *w, uint32_t v)
{
    uint8_t *q = wn_wbuf_reserve(w, 4);
    if (q) {
        q[0] = (uint8_t)v;
        q[1] = (uint8_t)(v >> 8);
        q[2] = (uint8_t)(v >> 16);
        q[3] = (uint8_t)(v >> 24);
    }
}

void
wn_wbuf_u64le(struct wn_wbuf *w, uint64_t v)
{
    wn_wbuf_u32le(w, (uint32_t)v);
    wn_wbuf_u32le(w, (uint32_t)(v >> 32));
}

void
wn_wbuf_u16be(struct wn_wbuf *w, uint16_t v)
{
    uint8_t *q = wn_wbuf_reserve(w, 2);
    if (q) {
        q[0] = (uint8_t)(v >> 8);
        q[1] = (uint8_t)v;
    }
}

void
wn_wbuf_u32be(struct wn_wbuf *w, uint32_t v)
{
    uint8_t *q = wn_wbuf_reserve(w, 4);
    if (q) {
        q[0] = (uint8_t)(v >> 24);
        q[1] = (uint8_t)(v >> 16);
        q[2] = (uint8_t)(v >> 8);
        q[3] = (uint8_t)v;
    }
}

void
wn_wbuf_bytes(struct wn_wbuf *w, const void *src, size_t n)
{
    uint8_t *q = wn_wbuf_reserve(w, n);
    if (q && n)
        memcpy(q, src, n);
}

void
wn_wbuf_zeros(struct wn_wbuf *w, size_t n)
{
    uint8_t *q = wn_wbuf_reserve(w, n);
    if (q && n)
        memset(q, 0, n);
}

void
wn_wbuf_align(struct wn_wbuf *w, size_t align)
{
    if (align < 2 || w->err)
        return;
    size_t pos = wn_wbuf_len(w);
    wn_wbuf_zeros(w, (align - pos % align) % align);
}
