/* fuzz_ntlmssp_spnego.c: fuzzes the SPNEGO parsers and the client's second and third legs with server tokens. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ntlmssp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wn_spnego_resp r;
    if (wn_spnego_parse_resp(data, size, &r) == 0) {
        if (r.token && (r.token < data || r.token + r.token_len > data + size))
            abort();
        if (r.mic && (r.mic < data || r.mic + r.mic_len > data + size))
            abort();
    }
    (void)wn_spnego_check_init2(data, size);

    const struct wn_ntlmssp_creds creds = {"user", "DOM", "pw", NULL};
    struct wn_spnego *s;
    if (wn_spnego_client_new(&creds, &s) < 0)
        return 0;
    struct wn_dynbuf out;
    int done;
    wn_dynbuf_init(&out, 65536);
    if (wn_spnego_client_step(s, NULL, 0, &out, &done) == 0) {
        wn_dynbuf_reset(&out);
        if (wn_spnego_client_step(s, data, size, &out, &done) == 0)
            (void)wn_spnego_client_step(s, data, size, &out, &done);
    }
    wn_dynbuf_free(&out);
    wn_spnego_free(s);
    return 0;
}
