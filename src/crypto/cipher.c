/* cipher.c: AES-128-CMAC, RC4, DES (ECB/CBC, 56->64 key expansion) and AES-CFB128 (128/192/256-bit keys) over nettle. */
#include "crypto.h"

#include <stdatomic.h>
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

static atomic_ulong cipher_setups;

unsigned long
wn_crypto_cipher_setups(void)
{
    return atomic_load_explicit(&cipher_setups, memory_order_relaxed);
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

int
wn_crypto_cipher_init(struct wn_crypto_cipher *c, enum wn_crypto_cipher_mode mode,
                      const uint8_t *key, size_t keylen)
{
    if (!c || !key)
        return WN_E_INVAL;
    memset(c, 0, sizeof *c);
    if (mode == WN_CRYPTO_DES_CBC && keylen == WN_CRYPTO_DES_KEY_LEN)
        des_key(&c->u.des, key);
    else if (mode == WN_CRYPTO_AES_CFB && keylen == WN_CRYPTO_AES128_KEY_LEN)
        aes128_set_encrypt_key(&c->u.a128, key);
    else if (mode == WN_CRYPTO_AES_CFB && keylen == WN_CRYPTO_AES192_KEY_LEN)
        aes192_set_encrypt_key(&c->u.a192, key);
    else if (mode == WN_CRYPTO_AES_CFB && keylen == WN_CRYPTO_AES256_KEY_LEN)
        aes256_set_encrypt_key(&c->u.a256, key);
    else
        return WN_E_INVAL;
    c->mode = mode;
    c->keylen = keylen;
    atomic_fetch_add_explicit(&cipher_setups, 1, memory_order_relaxed);
    return 0;
}

/* The block function of a scheduled AES key (CFB uses the block cipher's
 * encryption in both directions). */
static nettle_cipher_func *
aes_block_fn(size_t keylen)
{
    switch (keylen) {
    case WN_CRYPTO_AES128_KEY_LEN: return (nettle_cipher_func *)aes128_encrypt;
    case WN_CRYPTO_AES192_KEY_LEN: return (nettle_cipher_func *)aes192_encrypt;
    case WN_CRYPTO_AES256_KEY_LEN: return (nettle_cipher_func *)aes256_encrypt;
    default: return NULL;
    }
}

static int
cipher_run(int encrypt, const struct wn_crypto_cipher *c, const uint8_t *iv,
           uint8_t *dst, const uint8_t *src, size_t n)
{
    if (!c || !iv)
        return WN_E_INVAL;
    uint8_t chain[AES_BLOCK_SIZE];
    if (c->mode == WN_CRYPTO_DES_CBC) {
        if (n % DES_BLOCK_SIZE)
            return WN_E_INVAL;
        memcpy(chain, iv, DES_BLOCK_SIZE);
        if (encrypt)
            cbc_encrypt(&c->u.des, (nettle_cipher_func *)des_encrypt, DES_BLOCK_SIZE, chain, n,
                        dst, src);
        else
            cbc_decrypt(&c->u.des, (nettle_cipher_func *)des_decrypt, DES_BLOCK_SIZE, chain, n,
                        dst, src);
    } else {
        nettle_cipher_func *fn = aes_block_fn(c->keylen);
        if (!fn)
            return WN_E_INVAL;
        memcpy(chain, iv, AES_BLOCK_SIZE);
        if (encrypt)
            cfb_encrypt(&c->u, fn, AES_BLOCK_SIZE, chain, n, dst, src);
        else
            cfb_decrypt(&c->u, fn, AES_BLOCK_SIZE, chain, n, dst, src);
    }
    wn_wipe(chain, sizeof chain);
    return 0;
}

int
wn_crypto_cipher_encrypt(const struct wn_crypto_cipher *c, const uint8_t *iv,
                         uint8_t *dst, const uint8_t *src, size_t n)
{
    return cipher_run(1, c, iv, dst, src, n);
}

int
wn_crypto_cipher_decrypt(const struct wn_crypto_cipher *c, const uint8_t *iv,
                         uint8_t *dst, const uint8_t *src, size_t n)
{
    return cipher_run(0, c, iv, dst, src, n);
}

/* One message with a key scheduled for it alone. */
static int
one_shot(int encrypt, enum wn_crypto_cipher_mode mode, const uint8_t *key, size_t keylen,
         const uint8_t *iv, uint8_t *dst, const uint8_t *src, size_t n)
{
    struct wn_crypto_cipher c;
    int rc = wn_crypto_cipher_init(&c, mode, key, keylen);
    if (rc == 0)
        rc = cipher_run(encrypt, &c, iv, dst, src, n);
    wn_wipe(&c, sizeof c);
    return rc;
}

int
wn_crypto_des_cbc_encrypt(const uint8_t key[WN_CRYPTO_DES_KEY_LEN],
                          const uint8_t iv[WN_CRYPTO_DES_BLOCK],
                          uint8_t *dst, const uint8_t *src, size_t n)
{
    return one_shot(1, WN_CRYPTO_DES_CBC, key, WN_CRYPTO_DES_KEY_LEN, iv, dst, src, n);
}

int
wn_crypto_des_cbc_decrypt(const uint8_t key[WN_CRYPTO_DES_KEY_LEN],
                          const uint8_t iv[WN_CRYPTO_DES_BLOCK],
                          uint8_t *dst, const uint8_t *src, size_t n)
{
    return one_shot(0, WN_CRYPTO_DES_CBC, key, WN_CRYPTO_DES_KEY_LEN, iv, dst, src, n);
}

static int
aes_cfb(int encrypt, const uint8_t *key, size_t keylen, const uint8_t iv[WN_CRYPTO_AES_BLOCK],
        uint8_t *dst, const uint8_t *src, size_t n)
{
    return one_shot(encrypt, WN_CRYPTO_AES_CFB, key, keylen, iv, dst, src, n);
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
