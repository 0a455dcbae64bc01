/* fuzz_dcerpc_pdu.c: fuzzes the DCE/RPC PDU decoder and the client's response reassembly with arbitrary peer bytes. */
#include <stdint.h>
#include <string.h>

#include "dcerpc.h"
#include "fuzz_feed.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wn_dcerpc_pdu d;
    (void)wn_dcerpc_pdu_decode(data, size, &d);

    /* The same bytes as a server's answer to a bind, then to a call whose
     * call_id is taken from the first fragment (so reassembly runs). */
    struct wn_fuzz_feed f = {data, size, 0, size > 0 ? (size_t)(data[0] % 61) + 1 : 1, 0, 0};
    struct wn_dcerpc_transport t;
    wn_fuzz_feed_transport(&f, &t);
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
