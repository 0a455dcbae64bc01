/* auth.h: private glue between SMB2 SESSION_SETUP and the NTLMSSP/SPNEGO layer. */
#ifndef WN_SMB2_AUTH_H
#define WN_SMB2_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "smb2.h"

struct wn_smb2_auth; /* opaque; freed (and wiped) by wn_smb2_auth_free */

/* Copies the credentials of o (borrowed). */
int wn_smb2_auth_new(const struct wn_smb2_opts *o, struct wn_smb2_auth **out);
/* First call: in = the NEGOTIATE response's security buffer (may be NULL).
 * Then: the MORE_PROCESSING_REQUIRED reply's buffer.  in is borrowed.
 * Appends the next token to out (caller-owned). */
int wn_smb2_auth_step(struct wn_smb2_auth *a, const uint8_t *in, size_t inlen,
                      struct wn_dynbuf *out);
/* The final blob of a successful SESSION_SETUP (may be empty). */
int wn_smb2_auth_finish(struct wn_smb2_auth *a, const uint8_t *in, size_t inlen);
/* Copies up to 16 bytes of the session key; returns the length or WN_E_STATE. */
int wn_smb2_auth_session_key(const struct wn_smb2_auth *a, uint8_t key[16]);
void wn_smb2_auth_free(struct wn_smb2_auth *a);

#endif /* WN_SMB2_AUTH_H */
