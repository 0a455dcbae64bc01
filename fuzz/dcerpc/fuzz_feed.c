/* fuzz_feed.c: a fake pipe transport for the DCE/RPC fuzz targets: answers transceive/read from the fuzz input in chunks. */
#include "fuzz_feed.h"

static int
give(struct wn_fuzz_feed *f, struct wn_dynbuf *out, size_t max, int *more)
{
    size_t n = f->len - f->off;
    if (n > f->chunk)
        n = f->chunk;
    if (n > max)
        n = max;
    int rc = n ? wn_dynbuf_add(out, f->data + f->off, n) : 0;
    f->off += n;
    *more = f->off < f->len;
    return rc;
}

static int
t_transceive(void *ctx, const uint8_t *in, size_t inlen, struct wn_dynbuf *out, int *more)
{
    (void)in;
    (void)inlen;
    return give(ctx, out, SIZE_MAX, more);
}

static int
t_write(void *ctx, const uint8_t *buf, size_t len)
{
    struct wn_fuzz_feed *f = ctx;
    (void)buf;
    (void)len;
    f->writes++;
    return 0;
}

static int
t_read(void *ctx, struct wn_dynbuf *out, size_t max, int *more)
{
    struct wn_fuzz_feed *f = ctx;
    if (f->eof_is_error && f->off >= f->len)
        return WN_E_CLOSED;     /* the pipe has nothing more: a real read would fail */
    return give(f, out, max, more);
}

void
wn_fuzz_feed_transport(struct wn_fuzz_feed *f, struct wn_dcerpc_transport *t)
{
    t->ctx = f;
    t->transceive = t_transceive;
    t->write = t_write;
    t->read = t_read;
}
