/* auth.c: SESSION_SETUP authentication glue (placeholder until the ntlmssp layer lands). */
#include "auth.h"

int
wn_smb2_auth_new(const struct wn_smb2_opts *o, struct wn_smb2_auth **out)
{
    (void)o;
    *out = NULL;
    return WN_E_UNSUPPORTED;
}

int
wn_smb2_auth_step(struct wn_smb2_auth *a, const uint8_t *in, size_t inlen, struct wn_dynbuf *out)
{
    (void)a, (void)in, (void)inlen, (void)out;
    return WN_E_STATE;
}

int
wn_smb2_auth_finish(struct wn_smb2_auth *a, const uint8_t *in, size_t inlen)
{
    (void)a, (void)in, (void)inlen;
    return WN_E_STATE;
}

int
wn_smb2_auth_session_key(const struct wn_smb2_auth *a, uint8_t key[16])
{
    (void)a, (void)key;
    return WN_E_STATE;
}

void
wn_smb2_auth_free(struct wn_smb2_auth *a)
{
    (void)a;
}
