/* fuzz_ber_tlv.c: fuzz target for BER TLV reading, INTEGER/OID content decoders and wn_ber_validate. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every TLV at this level: decode its content as each type; encodings that
 * decode must re-encode to the same content bytes. */
static void
walk(const uint8_t *data, size_t size, unsigned depth)
{
    struct wn_rbuf r;
    wn_rbuf_init(&r, data, size);
    while (wn_rbuf_left(&r)) {
        struct wn_ber_tlv t;
        if (wn_ber_read_tlv(&r, &t))
            return;
        if (t.val + t.len > data + size)
            abort();
        uint8_t buf[WN_BER_MAX_OID_BYTES + 16];
        struct wn_ber_wbuf w;
        int32_t i32;
        uint64_t u64;
        uint32_t oid[WN_BER_MAX_OID_LEN];
        size_t n;
        if (wn_ber_int32_decode(t.val, t.len, &i32) == 0) {
            wn_ber_winit(&w, buf, sizeof buf);
            if (wn_ber_put_int32(&w, 0x02, i32) || wn_ber_wlen(&w) != t.len + 2
                || memcmp(wn_ber_wdata(&w) + 2, t.val, t.len) != 0)
                abort();
        }
        if (wn_ber_uint64_decode(t.val, t.len, &u64) == 0) {
            wn_ber_winit(&w, buf, sizeof buf);
            if (wn_ber_put_uint64(&w, 0x46, u64) || wn_ber_wlen(&w) != t.len + 2
                || memcmp(wn_ber_wdata(&w) + 2, t.val, t.len) != 0)
                abort();
        }
        /* Counting only (out NULL) and decoding accept the same contents
         * with the same count. */
        size_t nc = 0;
        int rc_dec = wn_ber_oid_decode(t.val, t.len, oid, WN_ARRAY_SIZE(oid), &n);
        int rc_cnt = wn_ber_oid_decode(t.val, t.len, NULL, 0, &nc);
        if (rc_dec != rc_cnt || (rc_dec == 0 && n != nc))
            abort();
        if (rc_dec == 0 && n >= 2) {
            wn_ber_winit(&w, buf, sizeof buf);
            if (wn_ber_put_oid_content(&w, oid, n) || wn_ber_wlen(&w) != t.len
                || memcmp(wn_ber_wdata(&w), t.val, t.len) != 0)
                abort();
        }
        if (t.constructed && depth < WN_BER_MAX_DEPTH)
            walk(t.val, t.len, depth + 1);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)wn_ber_validate(data, size, WN_BER_MAX_DEPTH);
    walk(data, size, 0);
    return 0;
}
