/* aead.c: AES-128/256 in CCM and GCM (SMB 3.x encryption) over nettle, one-shot with detached tags. */
#include "crypto.h"

#include <string.h>

#include <nettle/ccm.h>
#include <nettle/gcm.h>

#include "base.h"

#define CCM_NONCE_MIN 7  /* SP800-38C: 7..13 bytes */
#define CCM_NONCE_MAX 13

size_t
wn_crypto_aead_key_len(enum wn_crypto_aead alg)
{
    switch (alg) {
    case WN_CRYPTO_AES128_CCM:
    case WN_CRYPTO_AES128_GCM:
        return 16;
    case WN_CRYPTO_AES256_CCM:
    case WN_CRYPTO_AES256_GCM:
        return 32;
    }
    return 0;
}

size_t
wn_crypto_aead_nonce_len(enum wn_crypto_aead alg)
{
    switch (alg) {
    case WN_CRYPTO_AES128_CCM:
    case WN_CRYPTO_AES256_CCM:
        return WN_CRYPTO_CCM_NONCE_LEN;
    case WN_CRYPTO_AES128_GCM:
    case WN_CRYPTO_AES256_GCM:
        return WN_CRYPTO_GCM_NONCE_LEN;
    }
    return 0;
}

static int
is_ccm(enum wn_crypto_aead alg)
{
    return alg == WN_CRYPTO_AES128_CCM || alg == WN_CRYPTO_AES256_CCM;
}

static int
args_ok(enum wn_crypto_aead alg, size_t nonce_len, size_t tag_len)
{
    if (wn_crypto_aead_key_len(alg) == 0)
        return 0;
    if (tag_len < WN_CRYPTO_AEAD_MIN_TAG || tag_len > WN_CRYPTO_AEAD_TAG_LEN)
        return 0;
    if (is_ccm(alg))
        /* CCM: nonce 7..13 bytes, even tag length */
        return nonce_len >= CCM_NONCE_MIN && nonce_len <= CCM_NONCE_MAX &&
               tag_len % 2 == 0;
    return nonce_len == WN_CRYPTO_GCM_NONCE_LEN;
}

/* One body for both directions and all four algorithms: the AES key
 * schedule (128 or 256) behind nettle's generic CCM/GCM mode functions.
 * Encrypt writes the tag, decrypt compares it. */
static int
aead(int enc, enum wn_crypto_aead alg, const uint8_t *key, const uint8_t *nonce,
     size_t nonce_len, const uint8_t *aad, size_t aad_len, uint8_t *dst, const uint8_t *src,
     size_t n, uint8_t *tag, size_t tag_len)
{
    if (!args_ok(alg, nonce_len, tag_len))
        return WN_E_INVAL;
    uint8_t calc[WN_CRYPTO_AEAD_TAG_LEN];
    union {
        struct aes128_ctx a128;
        struct aes256_ctx a256;
    } aes;
    nettle_cipher_func *f;
    if (wn_crypto_aead_key_len(alg) == WN_CRYPTO_AES128_KEY_LEN) {
        aes128_set_encrypt_key(&aes.a128, key);
        f = (nettle_cipher_func *)aes128_encrypt;
    } else {
        aes256_set_encrypt_key(&aes.a256, key);
        f = (nettle_cipher_func *)aes256_encrypt;
    }
    if (is_ccm(alg)) {
        struct ccm_ctx m;
        ccm_set_nonce(&m, &aes, f, nonce_len, nonce, aad_len, n, tag_len);
        ccm_update(&m, &aes, f, aad_len, aad);
        if (enc)
            ccm_encrypt(&m, &aes, f, n, dst, src);
        else
            ccm_decrypt(&m, &aes, f, n, dst, src);
        ccm_digest(&m, &aes, f, tag_len, calc);
        wn_wipe(&m, sizeof(m));
    } else {
        struct gcm_key gk;
        struct gcm_ctx m;
        gcm_set_key(&gk, &aes, f);
        gcm_set_iv(&m, &gk, nonce_len, nonce);
        gcm_update(&m, &gk, aad_len, aad);
        if (enc)
            gcm_encrypt(&m, &gk, &aes, f, n, dst, src);
        else
            gcm_decrypt(&m, &gk, &aes, f, n, dst, src);
        gcm_digest(&m, &gk, &aes, f, tag_len, calc);
        wn_wipe(&gk, sizeof(gk));
        wn_wipe(&m, sizeof(m));
    }
    wn_wipe(&aes, sizeof(aes));
    int rc = 0;
    if (enc) {
        memcpy(tag, calc, tag_len);
    } else if (wn_memeq_ct(calc, tag, tag_len) != 0) {
        wn_wipe(dst, n); /* never hand out unauthenticated plaintext */
        rc = WN_E_SIGNATURE;
    }
    wn_wipe(calc, sizeof(calc));
    return rc;
}

int
wn_crypto_aead_encrypt(enum wn_crypto_aead alg, const uint8_t *key, const uint8_t *nonce,
                       size_t nonce_len, const uint8_t *aad, size_t aad_len, uint8_t *dst,
                       const uint8_t *src, size_t n, uint8_t *tag, size_t tag_len)
{
    return aead(1, alg, key, nonce, nonce_len, aad, aad_len, dst, src, n, tag, tag_len);
}

int
wn_crypto_aead_decrypt(enum wn_crypto_aead alg, const uint8_t *key, const uint8_t *nonce,
                       size_t nonce_len, const uint8_t *aad, size_t aad_len, uint8_t *dst,
                       const uint8_t *src, size_t n, const uint8_t *tag, size_t tag_len)
{
    return aead(0, alg, key, nonce, nonce_len, aad, aad_len, dst, src, n, (uint8_t *)tag,
                tag_len);
}
