/* sign.c: SMB2/3 message signing, signing-key derivation and the 3.1.1 preauth integrity hash. */
#include "sign.h"

#include <string.h>

#include "base.h"
#include "crypto.h"
#include "smb2.h"
#include "wire.h"

void
wn_smb2_kdf(const uint8_t *ki, size_t kilen, const void *label, size_t llen,
            const void *context, size_t clen, uint8_t out[16])
{
    (void)wn_crypto_sp800_108_kdf(ki, kilen, label, llen, context, clen, out, 16);
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
        struct wn_crypto_cmac c;
        wn_crypto_aes128_cmac_init(&c, s->key);
        wn_crypto_aes128_cmac_update(&c, msg, WN_SMB2_SIG_OFF);
        wn_crypto_aes128_cmac_update(&c, zsig, 16);
        wn_crypto_aes128_cmac_update(&c, tail, tlen);
        wn_crypto_aes128_cmac_final(&c, sig);
    } else {
        struct wn_crypto_hmac h;
        uint8_t d[WN_CRYPTO_SHA256_LEN];
        (void)wn_crypto_hmac_init(&h, WN_CRYPTO_SHA256, s->key, 16);
        wn_crypto_hmac_update(&h, msg, WN_SMB2_SIG_OFF);
        wn_crypto_hmac_update(&h, zsig, 16);
        wn_crypto_hmac_update(&h, tail, tlen);
        wn_crypto_hmac_final(&h, d);
        memcpy(sig, d, 16);
        wn_wipe(d, sizeof(d));
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
    struct wn_crypto_hash c;
    wn_crypto_sha512_init(&c);
    wn_crypto_sha512_update(&c, hash, WN_SMB2_PREAUTH_LEN);
    wn_crypto_sha512_update(&c, msg, len);
    wn_crypto_sha512_final(&c, hash);
}
