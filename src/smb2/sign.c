/* sign.c: SMB2/3 message signing, signing-key derivation and the 3.1.1 preauth integrity hash. */
#include "sign.h"

#include <string.h>

#include <nettle/cmac.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include "base.h"
#include "smb2.h"
#include "wire.h"

void
wn_smb2_kdf(const uint8_t *ki, size_t kilen, const void *label, size_t llen,
            const void *context, size_t clen, uint8_t out[16])
{
    static const uint8_t one[4] = { 0, 0, 0, 1 };
    static const uint8_t zero[1] = { 0 };
    static const uint8_t bits[4] = { 0, 0, 0, 128 };
    struct hmac_sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    hmac_sha256_set_key(&h, kilen, ki);
    hmac_sha256_update(&h, 4, one);
    hmac_sha256_update(&h, llen, label);
    hmac_sha256_update(&h, 1, zero);
    hmac_sha256_update(&h, clen, context);
    hmac_sha256_update(&h, 4, bits);
    hmac_sha256_digest(&h, sizeof(d), d);
    memcpy(out, d, 16);
    wn_wipe(d, sizeof(d));
    wn_wipe(&h, sizeof(h));
}

int
wn_smb2_signer_init(struct wn_smb2_signer *s, uint16_t dialect, const uint8_t *session_key,
                    size_t sklen, const uint8_t *preauth)
{
    uint8_t sk[16] = { 0 };
    memset(s, 0, sizeof(*s));
    if (!session_key || sklen == 0)
        return WN_E_INVAL;
    /* The session key is exactly 16 bytes for NTLM; shorter keys are zero-padded. */
    memcpy(sk, session_key, WN_MIN(sklen, sizeof(sk)));
    if (dialect < WN_SMB2_DIALECT_300) {
        memcpy(s->key, sk, 16);
        s->cmac = 0;
    } else if (dialect < WN_SMB2_DIALECT_311) {
        wn_smb2_kdf(sk, 16, "SMB2AESCMAC", 12, "SmbSign", 8, s->key);
        s->cmac = 1;
    } else {
        if (!preauth) {
            wn_wipe(sk, sizeof(sk));
            return WN_E_INVAL;
        }
        wn_smb2_kdf(sk, 16, "SMBSigningKey", 14, preauth, WN_SMB2_PREAUTH_LEN, s->key);
        s->cmac = 1;
    }
    wn_wipe(sk, sizeof(sk));
    s->on = 1;
    return 0;
}

void
wn_smb2_signer_wipe(struct wn_smb2_signer *s)
{
    wn_wipe(s, sizeof(*s));
}

void
wn_smb2_signature(const struct wn_smb2_signer *s, const uint8_t *msg, size_t len,
                  uint8_t sig[16])
{
    static const uint8_t zsig[16];
    if (len < WN_SMB2_HDR_LEN) {
        memset(sig, 0, 16);
        return;
    }
    const uint8_t *tail = msg + WN_SMB2_SIG_OFF + 16;
    size_t tlen = len - WN_SMB2_SIG_OFF - 16;
    if (s->cmac) {
        struct cmac_aes128_ctx c;
        cmac_aes128_set_key(&c, s->key);
        cmac_aes128_update(&c, WN_SMB2_SIG_OFF, msg);
        cmac_aes128_update(&c, 16, zsig);
        cmac_aes128_update(&c, tlen, tail);
        cmac_aes128_digest(&c, 16, sig);
        wn_wipe(&c, sizeof(c));
    } else {
        struct hmac_sha256_ctx h;
        uint8_t d[SHA256_DIGEST_SIZE];
        hmac_sha256_set_key(&h, 16, s->key);
        hmac_sha256_update(&h, WN_SMB2_SIG_OFF, msg);
        hmac_sha256_update(&h, 16, zsig);
        hmac_sha256_update(&h, tlen, tail);
        hmac_sha256_digest(&h, sizeof(d), d);
        memcpy(sig, d, 16);
        wn_wipe(&h, sizeof(h));
    }
}

void
wn_smb2_sign(const struct wn_smb2_signer *s, uint8_t *msg, size_t len)
{
    uint8_t sig[16];
    if (len < WN_SMB2_HDR_LEN)
        return;
    msg[16] |= (uint8_t)WN_SMB2_FLAG_SIGNED; /* Flags, low byte */
    wn_smb2_signature(s, msg, len, sig);
    memcpy(msg + WN_SMB2_SIG_OFF, sig, 16);
}

int
wn_smb2_verify(const struct wn_smb2_signer *s, const uint8_t *msg, size_t len)
{
    uint8_t sig[16];
    if (!s->on || len < WN_SMB2_HDR_LEN || !(msg[16] & WN_SMB2_FLAG_SIGNED))
        return WN_E_SIGNATURE;
    wn_smb2_signature(s, msg, len, sig);
    return wn_memeq_ct(sig, msg + WN_SMB2_SIG_OFF, 16) == 0 ? 0 : WN_E_SIGNATURE;
}

void
wn_smb2_preauth_update(uint8_t hash[WN_SMB2_PREAUTH_LEN], const uint8_t *msg, size_t len)
{
    struct sha512_ctx c;
    sha512_init(&c);
    sha512_update(&c, WN_SMB2_PREAUTH_LEN, hash);
    sha512_update(&c, len, msg);
    sha512_digest(&c, WN_SMB2_PREAUTH_LEN, hash);
}
