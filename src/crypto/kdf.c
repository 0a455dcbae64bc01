/* kdf.c: SP800-108 counter-mode KDF with HMAC-SHA256 (SMB 3.x signing/encryption keys). */
#include "crypto.h"

#include <string.h>

#include "base.h"

int
wn_crypto_sp800_108_kdf(const uint8_t *key, size_t keylen,
                        const uint8_t *label, size_t label_len,
                        const uint8_t *context, size_t context_len,
                        uint8_t *out, size_t out_len)
{
    if (out_len == 0 || out_len > WN_CRYPTO_KDF_MAX_OUT)
        return WN_E_INVAL;
    const uint8_t sep = 0;
    uint32_t bits = (uint32_t)out_len * 8u;
    uint8_t l[4] = {(uint8_t)(bits >> 24), (uint8_t)(bits >> 16), (uint8_t)(bits >> 8),
                    (uint8_t)bits};
    uint8_t block[WN_CRYPTO_SHA256_LEN];
    size_t done = 0;
    for (uint32_t i = 1; done < out_len; i++) {
        uint8_t ctr[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        struct wn_crypto_hmac m;
        (void)wn_crypto_hmac_init(&m, WN_CRYPTO_SHA256, key, keylen);
        wn_crypto_hmac_update(&m, ctr, sizeof ctr);
        wn_crypto_hmac_update(&m, label, label_len);
        wn_crypto_hmac_update(&m, &sep, 1);
        wn_crypto_hmac_update(&m, context, context_len);
        wn_crypto_hmac_update(&m, l, sizeof l);
        wn_crypto_hmac_final(&m, block);
        size_t take = WN_MIN(out_len - done, sizeof block);
        memcpy(out + done, block, take);
        done += take;
    }
    wn_wipe(block, sizeof block);
    return 0;
}
