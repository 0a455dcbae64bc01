/* fuzz_ntlmssp_challenge.c: fuzzes the CHALLENGE decoder and, on success, the whole AUTHENTICATE built from it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ntlmssp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wn_ntlmssp_challenge c;
    if (wn_ntlmssp_challenge_decode(data, size, &c) < 0)
        return 0;
    /* Every view must lie inside the input. */
    if (c.target_info && (c.target_info < data || c.target_info + c.target_info_len > data + size))
        abort();
    if (c.target_name && (c.target_name < data || c.target_name + c.target_name_len > data + size))
        abort();
    const struct wn_ntlmssp_creds creds = {"user", "DOM", "pw", "WS"};
    struct wn_ntlmssp *n;
    if (wn_ntlmssp_client_new(&creds, &n) < 0)
        return 0;
    (void)wn_ntlmssp_set_target_name(n, "cifs/fuzz");
    struct wn_dynbuf neg, auth;
    wn_dynbuf_init(&neg, WN_NTLMSSP_OUT_MAX);
    wn_dynbuf_init(&auth, WN_NTLMSSP_OUT_MAX);
    if (wn_ntlmssp_negotiate(n, &neg) == 0 && wn_ntlmssp_authenticate(n, data, size, &auth) == 0) {
        uint8_t sig[WN_NTLMSSP_SIG_LEN];
        if (wn_ntlmssp_sign(n, data, size, sig) == 0)
            (void)wn_ntlmssp_verify(n, data, size, sig);
    }
    wn_dynbuf_free(&neg);
    wn_dynbuf_free(&auth);
    wn_ntlmssp_free(n);
    return 0;
}
