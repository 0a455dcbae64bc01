/* auth.c: SESSION_SETUP authentication: SPNEGO wrapping NTLMSSP (ntlmssp layer). */
#include "auth.h"

#include "ntlmssp.h"

struct wn_smb2_auth {
    struct wn_spnego *s; /* owned */
};

int
wn_smb2_auth_new(const struct wn_smb2_opts *o, struct wn_smb2_auth **out)
{
    *out = NULL;
    struct wn_ntlmssp_creds cr = { .user = o->user, .domain = o->domain ? o->domain : "",
                                   .password = o->password,
                                   .workstation = o->workstation ? o->workstation : "" };
    struct wn_smb2_auth *a = wn_calloc(1, sizeof(*a));
    if (!a)
        return WN_E_NOMEM;
    int rc = wn_spnego_client_new(&cr, &a->s);
    if (rc) {
        wn_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

int
wn_smb2_auth_step(struct wn_smb2_auth *a, const uint8_t *in, size_t inlen, struct wn_dynbuf *out)
{
    int done = 0;
    int rc = wn_spnego_client_step(a->s, in, inlen, out, &done);
    if (rc)
        return rc;
    return done ? WN_E_PROTOCOL : 0; /* the server said SUCCESS too early for us */
}

int
wn_smb2_auth_finish(struct wn_smb2_auth *a, const uint8_t *in, size_t inlen)
{
    struct wn_dynbuf out;
    int done = 0;
    wn_dynbuf_init(&out, WN_SPNEGO_MAX_TOKEN);
    int rc = wn_spnego_client_step(a->s, in, inlen, &out, &done);
    if (rc == 0 && (!done || out.len))
        rc = WN_E_PROTOCOL;
    wn_dynbuf_free_secret(&out);
    return rc;
}

int
wn_smb2_auth_session_key(const struct wn_smb2_auth *a, uint8_t key[16])
{
    int rc = wn_spnego_session_key(a->s, key);
    return rc ? rc : 16;
}

void
wn_smb2_auth_free(struct wn_smb2_auth *a)
{
    if (!a)
        return;
    wn_spnego_free(a->s);
    wn_free(a);
}
