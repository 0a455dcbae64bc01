/* fuzz_srvsvc_enum_reply.c: fuzzes the NetrSessionEnum / NetrSessionDel reply decoders; a decoded reply must re-encode and decode the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "srvsvc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t st;
    (void)wn_srvsvc_session_del_decode(data, size, &st);

    struct wn_srvsvc_enum_result *r = NULL;
    if (wn_srvsvc_session_enum_decode(data, size, &r) != 0)
        return 0;
    /* Touch every view so ASan checks they lie inside the input. */
    volatile uint8_t sink = 0;
    for (uint32_t i = 0; i < r->entries; i++) {
        const struct wn_srvsvc_session *s = &r->sessions[i];
        for (uint32_t k = 0; k < s->cname_len; k++)
            sink ^= s->cname[k];
        for (uint32_t k = 0; k < s->username_len; k++)
            sink ^= s->username[k];
        for (uint32_t k = 0; k < s->cltype_len; k++)
            sink ^= s->cltype[k];
        for (uint32_t k = 0; k < s->transport_len; k++)
            sink ^= s->transport[k];
    }
    (void)sink;
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 1u << 26);
    if (wn_srvsvc_session_enum_reply_encode(&b, r) == 0) {
        struct wn_srvsvc_enum_result *r2 = NULL;
        if (wn_srvsvc_session_enum_decode(b.data, b.len, &r2) != 0 ||
            r2->entries != r->entries || r2->status != r->status ||
            r2->total_entries != r->total_entries || r2->level != r->level)
            abort();
        for (uint32_t i = 0; i < r->entries; i++) {
            const struct wn_srvsvc_session *x = &r->sessions[i], *y = &r2->sessions[i];
            if (x->cname_len != y->cname_len || x->username_len != y->username_len ||
                x->num_opens != y->num_opens || x->idle_time != y->idle_time ||
                (x->cname_len && memcmp(x->cname, y->cname, x->cname_len) != 0))
                abort();
        }
        wn_srvsvc_enum_result_free(r2);
    }
    wn_dynbuf_free(&b);
    wn_srvsvc_enum_result_free(r);
    return 0;
}
