/* dynbuf.c: growable byte buffer with a mandatory maximum size. */
#include "base.h"

#include <string.h>

void
wn_dynbuf_init(struct wn_dynbuf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

int
wn_dynbuf_grow(struct wn_dynbuf *b, size_t n, uint8_t **out)
{
    if (n > b->max || b->len > b->max - n) {
        wn_dynbuf_free(b);
        return WN_E_LIMIT;
    }
    size_t need = b->len + n;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need)
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        if (cap > b->max)
            cap = b->max;
        uint8_t *d = wn_realloc(b->data, cap);
        if (!d) {
            wn_dynbuf_free(b);
            return WN_E_NOMEM;
        }
        b->data = d;
        b->cap = cap;
    }
    if (out)
        *out = b->data ? b->data + b->len : NULL;   /* n == 0 on an empty buffer */
    b->len = need;
    return 0;
}

int
wn_dynbuf_add(struct wn_dynbuf *b, const void *p, size_t n)
{
    uint8_t *dst;
    int rc = wn_dynbuf_grow(b, n, &dst);
    if (rc == 0 && n)
        memcpy(dst, p, n);
    return rc;
}

int
wn_dynbuf_add_zeros(struct wn_dynbuf *b, size_t n)
{
    uint8_t *dst;
    int rc = wn_dynbuf_grow(b, n, &dst);
    if (rc == 0 && n)
        memset(dst, 0, n);
    return rc;
}

void
wn_dynbuf_reset(struct wn_dynbuf *b)
{
    b->len = 0;
}

void
wn_dynbuf_free(struct wn_dynbuf *b)
{
    wn_free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
wn_dynbuf_free_secret(struct wn_dynbuf *b)
{
    wn_wipe(b->data, b->cap);
    wn_dynbuf_free(b);
}

uint8_t *
wn_dynbuf_take(struct wn_dynbuf *b, size_t *len)
{
    uint8_t *d = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return d;
}
