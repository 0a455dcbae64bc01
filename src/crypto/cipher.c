/* cipher.c: AES-128-CMAC, RC4, DES (ECB/CBC, 56->64 key expansion) and AES-CFB128 (128/192/256-bit keys) over nettle. */
#include "crypto.h"

#include <string.h>

#include <nettle/cbc.h>
#include <nettle/cfb.h>
#include <nettle/des.h>

#include "base.h"

void
wn_crypto_aes128_cmac_init(struct wn_crypto_cmac *c, const uint8_t key[WN_CRYPTO_AES128_KEY_LEN])
{
    cmac_aes128_set_key(&c->ctx, key);
}

void
wn_crypto_aes128_cmac_update(struct wn_crypto_cmac *c, const void *p, size_t n)
{
    if (n)
        cmac_aes128_update(&c->ctx, n, p);
}

void
wn_crypto_aes128_cmac_final(struct wn_crypto_cmac *c, uint8_t out[WN_CRYPTO_CMAC_LEN])
{
    cmac_aes128_digest(&c->ctx, WN_CRYPTO_CMAC_LEN, out);
    wn_wipe(c, sizeof *c);
}

void
wn_crypto_aes128_cmac(const uint8_t key[WN_CRYPTO_AES128_KEY_LEN], const void *p, size_t n,
                      uint8_t out[WN_CRYPTO_CMAC_LEN])
{
    struct wn_crypto_cmac c;
    wn_crypto_aes128_cmac_init(&c, key);
    wn_crypto_aes128_cmac_update(&c, p, n);
    wn_crypto_aes128_cmac_final(&c, out);
}

int
wn_crypto_rc4_init(struct wn_crypto_rc4 *r, const void *key, size_t keylen)
{
    if (keylen < ARCFOUR_MIN_KEY_SIZE || keylen > ARCFOUR_MAX_KEY_SIZE)
        return WN_E_INVAL;
    arcfour_set_key(&r->ctx, keylen, key);
    return 0;
}

void
wn_crypto_rc4_crypt(struct wn_crypto_rc4 *r, void *dst, const void *src, size_t n)
{
    arcfour_crypt(&r->ctx, n, dst, src);
}

void
wn_crypto_rc4_wipe(struct wn_crypto_rc4 *r)
{
    wn_wipe(r, sizeof *r);
}

int
wn_crypto_rc4(const void *key, size_t keylen, void *dst, const void *src, size_t n)
{
    struct wn_crypto_rc4 r;
    int rc = wn_crypto_rc4_init(&r, key, keylen);
    if (rc < 0)
        return rc;
    wn_crypto_rc4_crypt(&r, dst, src, n);
    wn_crypto_rc4_wipe(&r);
    return 0;
}

void
wn_crypto_des_expand_key(const uint8_t in[7], uint8_t out[WN_CRYPTO_DES_KEY_LEN])
{
    /* Bit i*7 .. i*7+6 of the 56-bit string goes to the top 7 bits of out[i]. */
    for (unsigned i = 0; i < 8; i++) {
        unsigned bit = i * 7;
        unsigned byte = bit / 8;
        unsigned shift = bit % 8;
        unsigned v = (unsigned)in[byte] << 8;
        if (byte + 1 < 7)
            v |= in[byte + 1];
        out[i] = (uint8_t)(((v << shift) >> 8) & 0xFEu);
    }
    des_fix_parity(WN_CRYPTO_DES_KEY_LEN, out, out);
}

static void
des_key(struct des_ctx *ctx, const uint8_t key[WN_CRYPTO_DES_KEY_LEN])
{
    /* nettle returns 0 for weak keys but still schedules them. */
    (void)des_set_key(ctx, key);
}

void
wn_crypto_des_ecb_encrypt(const uint8_t key[WN_CRYPTO_DES_KEY_LEN],
                          const uint8_t in[WN_CRYPTO_DES_BLOCK], uint8_t out[WN_CRYPTO_DES_BLOCK])
{
    struct des_ctx ctx;
    des_key(&ctx, key);
    des_encrypt(&ctx, DES_BLOCK_SIZE, out, in);
    wn_wipe(&ctx, sizeof ctx);
}

static int
des_cbc(int encrypt, const uint8_t key[WN_CRYPTO_DES_KEY_LEN],
        const uint8_t iv[WN_CRYPTO_DES_BLOCK], uint8_t *dst, const uint8_t *src, size_t n)
{
    if (n % DES_BLOCK_SIZE)
        return WN_E_INVAL;
    struct des_ctx ctx;
    uint8_t chain[DES_BLOCK_SIZE];
    des_key(&ctx, key);
    memcpy(chain, iv, sizeof chain);
    if (encrypt)
        cbc_encrypt(&ctx, (nettle_cipher_func *)des_encrypt, DES_BLOCK_SIZE, chain, n, dst, src);
    else
        cbc_decrypt(&ctx, (nettle_cipher_func *)des_decrypt, DES_BLOCK_SIZE, chain, n, dst, src);
    wn_wipe(&ctx, sizeof ctx);
    wn_wipe(chain, sizeof chain);
    return 0;
}

int
wn_crypto_des_cbc_encrypt(const uint8_t key[WN_CRYPTO_DES_KEY_LEN],
                          const uint8_t iv[WN_CRYPTO_DES_BLOCK],
                          uint8_t *dst, const uint8_t *src, size_t n)
{
    return des_cbc(1, key, iv, dst, src, n);
}

int
wn_crypto_des_cbc_decrypt(const uint8_t key[WN_CRYPTO_DES_KEY_LEN],
                          const uint8_t iv[WN_CRYPTO_DES_BLOCK],
                          uint8_t *dst, const uint8_t *src, size_t n)
{
    return des_cbc(0, key, iv, dst, src, n);
}

/* One CFB128 pass with a scheduled AES key of any size.  CFB uses the block
 * cipher's encryption in both directions. */
static void
aes_cfb_run(int encrypt, const void *ctx, nettle_cipher_func *fn,
            const uint8_t iv[WN_CRYPTO_AES_BLOCK], uint8_t *dst, const uint8_t *src, size_t n)
{
    uint8_t chain[AES_BLOCK_SIZE];
    memcpy(chain, iv, sizeof chain);
    if (encrypt)
        cfb_encrypt(ctx, fn, AES_BLOCK_SIZE, chain, n, dst, src);
    else
        cfb_decrypt(ctx, fn, AES_BLOCK_SIZE, chain, n, dst, src);
    wn_wipe(chain, sizeof chain);
}

static int
aes_cfb(int encrypt, const uint8_t *key, size_t keylen, const uint8_t iv[WN_CRYPTO_AES_BLOCK],
        uint8_t *dst, const uint8_t *src, size_t n)
{
    union {
        struct aes128_ctx a128;
        struct aes192_ctx a192;
        struct aes256_ctx a256;
    } ctx;
    switch (keylen) {
    case WN_CRYPTO_AES128_KEY_LEN:
        aes128_set_encrypt_key(&ctx.a128, key);
        aes_cfb_run(encrypt, &ctx.a128, (nettle_cipher_func *)aes128_encrypt, iv, dst, src, n);
        break;
    case WN_CRYPTO_AES192_KEY_LEN:
        aes192_set_encrypt_key(&ctx.a192, key);
        aes_cfb_run(encrypt, &ctx.a192, (nettle_cipher_func *)aes192_encrypt, iv, dst, src, n);
        break;
    case WN_CRYPTO_AES256_KEY_LEN:
        aes256_set_encrypt_key(&ctx.a256, key);
        aes_cfb_run(encrypt, &ctx.a256, (nettle_cipher_func *)aes256_encrypt, iv, dst, src, n);
        break;
    default:
        return WN_E_INVAL;
    }
    wn_wipe(&ctx, sizeof ctx);
    return 0;
}

void
wn_crypto_aes128_cfb_encrypt(const uint8_t key[WN_CRYPTO_AES128_KEY_LEN],
                             const uint8_t iv[WN_CRYPTO_AES_BLOCK],
                             uint8_t *dst, const uint8_t *src, size_t n)
{
    (void)aes_cfb(1, key, WN_CRYPTO_AES128_KEY_LEN, iv, dst, src, n);
}

void
wn_crypto_aes128_cfb_decrypt(const uint8_t key[WN_CRYPTO_AES128_KEY_LEN],
                             const uint8_t iv[WN_CRYPTO_AES_BLOCK],
                             uint8_t *dst, const uint8_t *src, size_t n)
{
    (void)aes_cfb(0, key, WN_CRYPTO_AES128_KEY_LEN, iv, dst, src, n);
}

int
wn_crypto_aes_cfb_encrypt(const uint8_t *key, size_t keylen, const uint8_t iv[WN_CRYPTO_AES_BLOCK],
                          uint8_t *dst, const uint8_t *src, size_t n)
{
    return aes_cfb(1, key, keylen, iv, dst, src, n);
}

int
wn_crypto_aes_cfb_decrypt(const uint8_t *key, size_t keylen, const uint8_t iv[WN_CRYPTO_AES_BLOCK],
                          uint8_t *dst, const uint8_t *src, size_t n)
{
    return aes_cfb(0, key, keylen, iv, dst, src, n);
}
