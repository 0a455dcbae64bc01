/* sign.h: private SMB2 signing (HMAC-SHA256, AES-CMAC), SP800-108 key derivation, 3.1.1 preauth hash. */
#ifndef WN_SMB2_SIGN_H
#define WN_SMB2_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define WN_SMB2_PREAUTH_LEN 64

struct wn_smb2_signer {
    int on;             /* a key was derived */
    int cmac;           /* 1: AES-128-CMAC, 0: HMAC-SHA256 */
    uint8_t key[16];    /* secret: wiped by wn_smb2_signer_wipe */
};

/* SP800-108 counter-mode KDF with HMAC-SHA256, i = 1, L = 128 (MS-SMB2 3.1.4.2):
 * out = HMAC-SHA256(ki, 00000001 || label || 00 || context || 00000080)[0..16). */
void wn_smb2_kdf(const uint8_t *ki, size_t kilen, const void *label, size_t llen,
                 const void *context, size_t clen, uint8_t out[16]);

/* Derives the signing key for `dialect` from the session key (borrowed);
 * preauth (64 bytes) is used for 0x0311 only.  Returns 0 or WN_E_INVAL. */
int wn_smb2_signer_init(struct wn_smb2_signer *s, uint16_t dialect, const uint8_t *session_key,
                        size_t sklen, const uint8_t *preauth);
void wn_smb2_signer_wipe(struct wn_smb2_signer *s);

/* Computes the signature of msg (a whole SMB2 message, signature field
 * treated as zero) into sig. */
void wn_smb2_signature(const struct wn_smb2_signer *s, const uint8_t *msg, size_t len,
                       uint8_t sig[16]);
/* Sets the SIGNED flag and writes the signature in place. */
void wn_smb2_sign(const struct wn_smb2_signer *s, uint8_t *msg, size_t len);
/* 0 when msg carries a valid signature, else WN_E_SIGNATURE. */
int wn_smb2_verify(const struct wn_smb2_signer *s, const uint8_t *msg, size_t len);

/* hash = SHA-512(hash || msg). */
void wn_smb2_preauth_update(uint8_t hash[WN_SMB2_PREAUTH_LEN], const uint8_t *msg, size_t len);

#endif /* WN_SMB2_SIGN_H */
