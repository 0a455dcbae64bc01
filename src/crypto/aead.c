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
args_ok(enum wn_crypto_aead alg, size_t nonce_len, size_t tag_len)
{
    if (wn_crypto_aead_key_len(alg) == 0)
        return 0;
    if (tag_len < WN_CRYPTO_AEAD_MIN_TAG || tag_len > WN_CRYPTO_AEAD_TAG_LEN)
        return 0;
    if (alg == WN_CRYPTO_AES128_CCM || alg == WN_CRYPTO_AES256_CCM)
        /* CCM: nonce 7..13 bytes, even tag length */
        return nonce_len >= CCM_NONCE_MIN && nonce_len <= CCM_NONCE_MAX &&
               tag_len % 2 == 0;
    return nonce_len == WN_CRYPTO_GCM_NONCE_LEN;
}

/* One body for both directions: encrypt writes tag, decrypt compares it. */
static int
aead(int enc, enum wn_crypto_aead alg, const uint8_t *key, const uint8_t *nonce,
     size_t nonce_len, const uint8_t *aad, size_t aad_len, uint8_t *dst, const uint8_t *src,
     size_t n, uint8_t *tag, size_t tag_len)
{
    if (!args_ok(alg, nonce_len, tag_len))
        return WN_E_INVAL;
    uint8_t calc[WN_CRYPTO_AEAD_TAG_LEN];
    union {
        struct ccm_aes128_ctx ccm128;
        struct ccm_aes256_ctx ccm256;
        struct gcm_aes128_ctx gcm128;
        struct gcm_aes256_ctx gcm256;
    } u;
    switch (alg) {
    case WN_CRYPTO_AES128_CCM:
        ccm_aes128_set_key(&u.ccm128, key);
        ccm_aes128_set_nonce(&u.ccm128, nonce_len, nonce, aad_len, n, tag_len);
        ccm_aes128_update(&u.ccm128, aad_len, aad);
        if (enc)
            ccm_aes128_encrypt(&u.ccm128, n, dst, src);
        else
            ccm_aes128_decrypt(&u.ccm128, n, dst, src);
        ccm_aes128_digest(&u.ccm128, tag_len, calc);
        break;
    case WN_CRYPTO_AES256_CCM:
        ccm_aes256_set_key(&u.ccm256, key);
        ccm_aes256_set_nonce(&u.ccm256, nonce_len, nonce, aad_len, n, tag_len);
        ccm_aes256_update(&u.ccm256, aad_len, aad);
        if (enc)
            ccm_aes256_encrypt(&u.ccm256, n, dst, src);
        else
            ccm_aes256_decrypt(&u.ccm256, n, dst, src);
        ccm_aes256_digest(&u.ccm256, tag_len, calc);
        break;
    case WN_CRYPTO_AES128_GCM:
        gcm_aes128_set_key(&u.gcm128, key);
        gcm_aes128_set_iv(&u.gcm128, nonce_len, nonce);
        gcm_aes128_update(&u.gcm128, aad_len, aad);
        if (enc)
            gcm_aes128_encrypt(&u.gcm128, n, dst, src);
        else
            gcm_aes128_decrypt(&u.gcm128, n, dst, src);
        gcm_aes128_digest(&u.gcm128, tag_len, calc);
        break;
    case WN_CRYPTO_AES256_GCM:
        gcm_aes256_set_key(&u.gcm256, key);
        gcm_aes256_set_iv(&u.gcm256, nonce_len, nonce);
        gcm_aes256_update(&u.gcm256, aad_len, aad);
        if (enc)
            gcm_aes256_encrypt(&u.gcm256, n, dst, src);
        else
            gcm_aes256_decrypt(&u.gcm256, n, dst, src);
        gcm_aes256_digest(&u.gcm256, tag_len, calc);
        break;
    }
    wn_wipe(&u, sizeof(u));
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
