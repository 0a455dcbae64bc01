/* fuzz_dcerpc_reassembly.c: fuzzes the DCE/RPC client's response path (fragment reassembly across pipe reads, call id, first/last flags, nothing after the last fragment) with chunking and limits taken from the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcerpc.h"
#include "fuzz_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input layout:
 *   byte 0     pipe message size: (byte0 * 37) % 4300 + 1 bytes per
 *              transceive/read answer (what one SMB2 IOCTL/READ returns)
 *   byte 1     max_recv: 1024 + byte1 * 13 (negotiated fragment limit)
 *   byte 2     bit 0: a request stub of 9000 bytes (three request
 *              fragments, the first two through write); else 16 bytes
 *   bytes 3-6  call id (little endian) the client uses
 *   rest       the server's bytes. */
#define HDR 7
#define BIG_STUB 9000

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HDR)
        return 0;
    struct wn_fuzz_feed f = {data + HDR, size - HDR, 0, ((size_t)data[0] * 37u) % 4300u + 1u,
                             0, 1};
    struct wn_dcerpc_transport t;
    wn_fuzz_feed_transport(&f, &t);
    struct wn_dcerpc_client c;
    memset(&c, 0, sizeof c);
    c.t = &t;
    c.max_xmit = WN_DCERPC_PROPOSED_FRAG;
    c.max_recv = (uint16_t)(WN_DCERPC_MIN_FRAG + data[1] * 13u);
    c.next_call_id = (uint32_t)data[3] | (uint32_t)data[4] << 8 | (uint32_t)data[5] << 16 |
                     (uint32_t)data[6] << 24;
    static uint8_t stub[BIG_STUB];
    size_t stub_len = (data[2] & 1) ? sizeof stub : 16;
    struct wn_dynbuf out;
    wn_dynbuf_init(&out, WN_DCERPC_MAX_STUB);
    uint32_t fault = 0;
    int rc = wn_dcerpc_call(&c, 12, stub, stub_len, &out, &fault);
    /* Invariants: a success returns no more stub than the server sent and
     * consumed everything; a fault status only comes with an error. */
    if (rc == 0 && (out.len > f.len || f.off != f.len || fault != 0))
        abort();
    if (stub_len == sizeof stub && f.writes == 0)
        abort();                /* a 9000-byte stub cannot fit one fragment */
    wn_dynbuf_free(&out);
    return 0;
}
