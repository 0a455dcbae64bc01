/* fuzz_dcerpc_pdu.c: fuzzes the DCE/RPC PDU decoder and the client's response reassembly with arbitrary peer bytes. */
#include <stdint.h>
#include <string.h>

#include "dcerpc.h"

struct feed {
    const uint8_t *data;
    size_t len, off, chunk;
};

static int
feed_out(struct feed *f, struct wn_dynbuf *out, size_t max, int *more)
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
    return feed_out(ctx, out, SIZE_MAX, more);
}

static int
t_write(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return 0;
}

static int
t_read(void *ctx, struct wn_dynbuf *out, size_t max, int *more)
{
    return feed_out(ctx, out, max, more);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wn_dcerpc_pdu d;
    (void)wn_dcerpc_pdu_decode(data, size, &d);

    /* The same bytes as a server's answer to a bind, then to a call whose
     * call_id is taken from the first fragment (so reassembly runs). */
    struct feed f = {data, size, 0, size > 0 ? (size_t)(data[0] % 61) + 1 : 1};
    struct wn_dcerpc_transport t = {&f, t_transceive, t_write, t_read};
    struct wn_dcerpc_client c;
    (void)wn_dcerpc_bind(&t, &wn_dcerpc_ndr20_syntax, &wn_dcerpc_ndr20_syntax, &c);

    f.off = 0;
    memset(&c, 0, sizeof c);
    c.t = &t;
    c.max_xmit = c.max_recv = WN_DCERPC_PROPOSED_FRAG;
    c.next_call_id = size >= 16 ? (uint32_t)data[12] | (uint32_t)data[13] << 8 |
                                      (uint32_t)data[14] << 16 | (uint32_t)data[15] << 24
                                : 1;
    struct wn_dynbuf out;
    wn_dynbuf_init(&out, WN_DCERPC_MAX_STUB);
    uint32_t fault;
    static const uint8_t stub[16];
    (void)wn_dcerpc_call(&c, 12, stub, sizeof stub, &out, &fault);
    wn_dynbuf_free(&out);
    return 0;
}
