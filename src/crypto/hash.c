/* hash.c: MD4/MD5/SHA-1/SHA-2 digests and HMACs over nettle, one generic context per family. */
#include "crypto.h"

#include <string.h>

#include "base.h"

size_t
wn_crypto_hash_len(enum wn_crypto_alg alg)
{
    switch (alg) {
    case WN_CRYPTO_MD4: return WN_CRYPTO_MD4_LEN;
    case WN_CRYPTO_MD5: return WN_CRYPTO_MD5_LEN;
    case WN_CRYPTO_SHA1: return WN_CRYPTO_SHA1_LEN;
    case WN_CRYPTO_SHA224: return WN_CRYPTO_SHA224_LEN;
    case WN_CRYPTO_SHA256: return WN_CRYPTO_SHA256_LEN;
    case WN_CRYPTO_SHA384: return WN_CRYPTO_SHA384_LEN;
    case WN_CRYPTO_SHA512: return WN_CRYPTO_SHA512_LEN;
    }
    return 0;
}

int
wn_crypto_hash_init(struct wn_crypto_hash *h, enum wn_crypto_alg alg)
{
    h->alg = alg;
    switch (alg) {
    case WN_CRYPTO_MD4: md4_init(&h->u.md4); return 0;
    case WN_CRYPTO_MD5: md5_init(&h->u.md5); return 0;
    case WN_CRYPTO_SHA1: sha1_init(&h->u.sha1); return 0;
    case WN_CRYPTO_SHA224: sha224_init(&h->u.sha256); return 0;
    case WN_CRYPTO_SHA256: sha256_init(&h->u.sha256); return 0;
    case WN_CRYPTO_SHA384: sha384_init(&h->u.sha512); return 0;
    case WN_CRYPTO_SHA512: sha512_init(&h->u.sha512); return 0;
    }
    return WN_E_INVAL;
}

void
wn_crypto_hash_update(struct wn_crypto_hash *h, const void *p, size_t n)
{
    const uint8_t *b = p;
    if (n == 0)
        return;
    switch (h->alg) {
    case WN_CRYPTO_MD4: md4_update(&h->u.md4, n, b); break;
    case WN_CRYPTO_MD5: md5_update(&h->u.md5, n, b); break;
    case WN_CRYPTO_SHA1: sha1_update(&h->u.sha1, n, b); break;
    case WN_CRYPTO_SHA224: sha224_update(&h->u.sha256, n, b); break;
    case WN_CRYPTO_SHA256: sha256_update(&h->u.sha256, n, b); break;
    case WN_CRYPTO_SHA384: sha384_update(&h->u.sha512, n, b); break;
    case WN_CRYPTO_SHA512: sha512_update(&h->u.sha512, n, b); break;
    }
}

void
wn_crypto_hash_final(struct wn_crypto_hash *h, uint8_t *out)
{
    switch (h->alg) {
    case WN_CRYPTO_MD4: md4_digest(&h->u.md4, WN_CRYPTO_MD4_LEN, out); break;
    case WN_CRYPTO_MD5: md5_digest(&h->u.md5, WN_CRYPTO_MD5_LEN, out); break;
    case WN_CRYPTO_SHA1: sha1_digest(&h->u.sha1, WN_CRYPTO_SHA1_LEN, out); break;
    case WN_CRYPTO_SHA224: sha224_digest(&h->u.sha256, WN_CRYPTO_SHA224_LEN, out); break;
    case WN_CRYPTO_SHA256: sha256_digest(&h->u.sha256, WN_CRYPTO_SHA256_LEN, out); break;
    case WN_CRYPTO_SHA384: sha384_digest(&h->u.sha512, WN_CRYPTO_SHA384_LEN, out); break;
    case WN_CRYPTO_SHA512: sha512_digest(&h->u.sha512, WN_CRYPTO_SHA512_LEN, out); break;
    }
    wn_wipe(&h->u, sizeof h->u);
}

void
wn_crypto_hash_copy(struct wn_crypto_hash *dst, const struct wn_crypto_hash *src)
{
    memcpy(dst, src, sizeof *dst);
}

int
wn_crypto_hash(enum wn_crypto_alg alg, const void *p, size_t n, uint8_t *out)
{
    struct wn_crypto_hash h;
    int rc = wn_crypto_hash_init(&h, alg);
    if (rc < 0)
        return rc;
    wn_crypto_hash_update(&h, p, n);
    wn_crypto_hash_final(&h, out);
    return 0;
}

int
wn_crypto_hmac_init(struct wn_crypto_hmac *m, enum wn_crypto_alg alg,
                    const void *key, size_t keylen)
{
    const uint8_t *k = key;
    m->alg = alg;
    switch (alg) {
    case WN_CRYPTO_MD5: hmac_md5_set_key(&m->u.md5, keylen, k); return 0;
    case WN_CRYPTO_SHA1: hmac_sha1_set_key(&m->u.sha1, keylen, k); return 0;
    case WN_CRYPTO_SHA224: hmac_sha224_set_key(&m->u.sha256, keylen, k); return 0;
    case WN_CRYPTO_SHA256: hmac_sha256_set_key(&m->u.sha256, keylen, k); return 0;
    case WN_CRYPTO_SHA384: hmac_sha384_set_key(&m->u.sha512, keylen, k); return 0;
    case WN_CRYPTO_SHA512: hmac_sha512_set_key(&m->u.sha512, keylen, k); return 0;
    case WN_CRYPTO_MD4: break;
    }
    return WN_E_INVAL;
}

void
wn_crypto_hmac_update(struct wn_crypto_hmac *m, const void *p, size_t n)
{
    const uint8_t *b = p;
    if (n == 0)
        return;
    switch (m->alg) {
    case WN_CRYPTO_MD5: hmac_md5_update(&m->u.md5, n, b); break;
    case WN_CRYPTO_SHA1: hmac_sha1_update(&m->u.sha1, n, b); break;
    case WN_CRYPTO_SHA224: hmac_sha224_update(&m->u.sha256, n, b); break;
    case WN_CRYPTO_SHA256: hmac_sha256_update(&m->u.sha256, n, b); break;
    case WN_CRYPTO_SHA384: hmac_sha384_update(&m->u.sha512, n, b); break;
    case WN_CRYPTO_SHA512: hmac_sha512_update(&m->u.sha512, n, b); break;
    case WN_CRYPTO_MD4: break;
    }
}

void
wn_crypto_hmac_final(struct wn_crypto_hmac *m, uint8_t *out)
{
    switch (m->alg) {
    case WN_CRYPTO_MD5: hmac_md5_digest(&m->u.md5, WN_CRYPTO_MD5_LEN, out); break;
    case WN_CRYPTO_SHA1: hmac_sha1_digest(&m->u.sha1, WN_CRYPTO_SHA1_LEN, out); break;
    case WN_CRYPTO_SHA224:
        hmac_sha224_digest(&m->u.sha256, WN_CRYPTO_SHA224_LEN, out);
        break;
    case WN_CRYPTO_SHA256:
        hmac_sha256_digest(&m->u.sha256, WN_CRYPTO_SHA256_LEN, out);
        break;
    case WN_CRYPTO_SHA384:
        hmac_sha384_digest(&m->u.sha512, WN_CRYPTO_SHA384_LEN, out);
        break;
    case WN_CRYPTO_SHA512:
        hmac_sha512_digest(&m->u.sha512, WN_CRYPTO_SHA512_LEN, out);
        break;
    case WN_CRYPTO_MD4: break;
    }
    wn_wipe(&m->u, sizeof m->u);
}

int
wn_crypto_hmac(enum wn_crypto_alg alg, const void *key, size_t keylen,
               const void *p, size_t n, uint8_t *out)
{
    struct wn_crypto_hmac m;
    int rc = wn_crypto_hmac_init(&m, alg, key, keylen);
    if (rc < 0)
        return rc;
    wn_crypto_hmac_update(&m, p, n);
    wn_crypto_hmac_final(&m, out);
    return 0;
}

void
wn_crypto_md4(const void *p, size_t n, uint8_t out[WN_CRYPTO_MD4_LEN])
{
    (void)wn_crypto_hash(WN_CRYPTO_MD4, p, n, out);
}

void
wn_crypto_md5(const void *p, size_t n, uint8_t out[WN_CRYPTO_MD5_LEN])
{
    (void)wn_crypto_hash(WN_CRYPTO_MD5, p, n, out);
}

void
wn_crypto_sha1(const void *p, size_t n, uint8_t out[WN_CRYPTO_SHA1_LEN])
{
    (void)wn_crypto_hash(WN_CRYPTO_SHA1, p, n, out);
}

void
wn_crypto_sha256(const void *p, size_t n, uint8_t out[WN_CRYPTO_SHA256_LEN])
{
    (void)wn_crypto_hash(WN_CRYPTO_SHA256, p, n, out);
}

void
wn_crypto_sha512(const void *p, size_t n, uint8_t out[WN_CRYPTO_SHA512_LEN])
{
    (void)wn_crypto_hash(WN_CRYPTO_SHA512, p, n, out);
}

void
wn_crypto_sha512_init(struct wn_crypto_hash *h)
{
    (void)wn_crypto_hash_init(h, WN_CRYPTO_SHA512);
}

void
wn_crypto_hmac_md5(const void *key, size_t keylen, const void *p, size_t n,
                   uint8_t out[WN_CRYPTO_MD5_LEN])
{
    (void)wn_crypto_hmac(WN_CRYPTO_MD5, key, keylen, p, n, out);
}

void
wn_crypto_hmac_sha1(const void *key, size_t keylen, const void *p, size_t n,
                    uint8_t out[WN_CRYPTO_SHA1_LEN])
{
    (void)wn_crypto_hmac(WN_CRYPTO_SHA1, key, keylen, p, n, out);
}

void
wn_crypto_hmac_sha256(const void *key, size_t keylen, const void *p, size_t n,
                      uint8_t out[WN_CRYPTO_SHA256_LEN])
{
    (void)wn_crypto_hmac(WN_CRYPTO_SHA256, key, keylen, p, n, out);
}

void
wn_crypto_hmac_sha512(const void *key, size_t keylen, const void *p, size_t n,
                      uint8_t out[WN_CRYPTO_SHA512_LEN])
{
    (void)wn_crypto_hmac(WN_CRYPTO_SHA512, key, keylen, p, n, out);
}
