/* crypto.h: contract of the crypto layer: hashes, HMACs, AES-CMAC, RC4, DES, AES-CFB (128/192/256), AES-CCM/GCM and the SP800-108 KDF over nettle. */
#ifndef WN_CRYPTO_H
#define WN_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/aes.h>
#include <nettle/arcfour.h>
#include <nettle/cmac.h>
#include <nettle/des.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>

/* All pointers passed to this layer are borrowed for the duration of the
 * call; nothing here allocates.  Output buffers have the fixed sizes named
 * below.  Contexts hold key material: every *_final / *_wipe call wipes the
 * context (wn_wipe), and so must the caller for a context it abandons. */

#define WN_CRYPTO_MD4_LEN 16
#define WN_CRYPTO_MD5_LEN 16
#define WN_CRYPTO_SHA1_LEN 20
#define WN_CRYPTO_SHA224_LEN 28
#define WN_CRYPTO_SHA256_LEN 32
#define WN_CRYPTO_SHA384_LEN 48
#define WN_CRYPTO_SHA512_LEN 64
#define WN_CRYPTO_HASH_MAX_LEN 64
#define WN_CRYPTO_AES128_KEY_LEN 16
#define WN_CRYPTO_AES192_KEY_LEN 24
#define WN_CRYPTO_AES256_KEY_LEN 32
#define WN_CRYPTO_AES_BLOCK 16
#define WN_CRYPTO_CMAC_LEN 16
#define WN_CRYPTO_DES_KEY_LEN 8
#define WN_CRYPTO_DES_BLOCK 8

/* ------------------------------------------------------------------------
 * Hashes and HMACs: one generic interface over an algorithm id, plus
 * named one-shot shorthands.
 * ---------------------------------------------------------------------- */
enum wn_crypto_alg {
    WN_CRYPTO_MD4,
    WN_CRYPTO_MD5,
    WN_CRYPTO_SHA1,
    WN_CRYPTO_SHA224,
    WN_CRYPTO_SHA256,
    WN_CRYPTO_SHA384,
    WN_CRYPTO_SHA512,
};

/* Digest length in bytes of alg; 0 for an unknown alg. */
size_t wn_crypto_hash_len(enum wn_crypto_alg alg);

struct wn_crypto_hash {
    enum wn_crypto_alg alg;
    union {
        struct md4_ctx md4;
        struct md5_ctx md5;
        struct sha1_ctx sha1;
        struct sha256_ctx sha256;   /* also SHA-224 */
        struct sha512_ctx sha512;   /* also SHA-384 */
    } u;
};

/* 0 or WN_E_INVAL (unknown alg). */
int wn_crypto_hash_init(struct wn_crypto_hash *h, enum wn_crypto_alg alg);
void wn_crypto_hash_update(struct wn_crypto_hash *h, const void *p, size_t n);
/* Writes wn_crypto_hash_len(alg) bytes and wipes the context. */
void wn_crypto_hash_final(struct wn_crypto_hash *h, uint8_t *out);
/* Copies a running context (e.g. to peek at an SMB 3.1.1 preauth hash). */
void wn_crypto_hash_copy(struct wn_crypto_hash *dst, const struct wn_crypto_hash *src);
/* One-shot; 0 or WN_E_INVAL. */
int wn_crypto_hash(enum wn_crypto_alg alg, const void *p, size_t n, uint8_t *out);

struct wn_crypto_hmac {
    enum wn_crypto_alg alg;
    union {
        struct hmac_md5_ctx md5;
        struct hmac_sha1_ctx sha1;
        struct hmac_sha256_ctx sha256;  /* also SHA-224 */
        struct hmac_sha512_ctx sha512;  /* also SHA-384 */
    } u;
};

/* HMAC over MD5, SHA1, SHA224/256/384/512 (MD4: WN_E_INVAL). */
int wn_crypto_hmac_init(struct wn_crypto_hmac *m, enum wn_crypto_alg alg,
                        const void *key, size_t keylen);
void wn_crypto_hmac_update(struct wn_crypto_hmac *m, const void *p, size_t n);
/* Writes the full digest (wn_crypto_hash_len(alg) bytes), wipes m. */
void wn_crypto_hmac_final(struct wn_crypto_hmac *m, uint8_t *out);
int wn_crypto_hmac(enum wn_crypto_alg alg, const void *key, size_t keylen,
                   const void *p, size_t n, uint8_t *out);

/* Named one-shots (cannot fail). */
void wn_crypto_md4(const void *p, size_t n, uint8_t out[WN_CRYPTO_MD4_LEN]);
void wn_crypto_md5(const void *p, size_t n, uint8_t out[WN_CRYPTO_MD5_LEN]);
void wn_crypto_sha1(const void *p, size_t n, uint8_t out[WN_CRYPTO_SHA1_LEN]);
void wn_crypto_sha256(const void *p, size_t n, uint8_t out[WN_CRYPTO_SHA256_LEN]);
void wn_crypto_sha512(const void *p, size_t n, uint8_t out[WN_CRYPTO_SHA512_LEN]);
void wn_crypto_hmac_md5(const void *key, size_t keylen, const void *p, size_t n,
                        uint8_t out[WN_CRYPTO_MD5_LEN]);
void wn_crypto_hmac_sha1(const void *key, size_t keylen, const void *p, size_t n,
                         uint8_t out[WN_CRYPTO_SHA1_LEN]);
void wn_crypto_hmac_sha256(const void *key, size_t keylen, const void *p, size_t n,
                           uint8_t out[WN_CRYPTO_SHA256_LEN]);
void wn_crypto_hmac_sha512(const void *key, size_t keylen, const void *p, size_t n,
                           uint8_t out[WN_CRYPTO_SHA512_LEN]);

/* Incremental SHA-512 (SMB 3.1.1 preauth integrity hash). */
void wn_crypto_sha512_init(struct wn_crypto_hash *h);
#define wn_crypto_sha512_update wn_crypto_hash_update
#define wn_crypto_sha512_final wn_crypto_hash_final

/* ------------------------------------------------------------------------
 * AES-128-CMAC (RFC 4493; SMB 3.x signing).
 * ---------------------------------------------------------------------- */
struct wn_crypto_cmac {
    struct cmac_aes128_ctx ctx;
};
void wn_crypto_aes128_cmac_init(struct wn_crypto_cmac *c,
                                const uint8_t key[WN_CRYPTO_AES128_KEY_LEN]);
void wn_crypto_aes128_cmac_update(struct wn_crypto_cmac *c, const void *p, size_t n);
/* Writes 16 bytes and wipes c. */
void wn_crypto_aes128_cmac_final(struct wn_crypto_cmac *c, uint8_t out[WN_CRYPTO_CMAC_LEN]);
void wn_crypto_aes128_cmac(const uint8_t key[WN_CRYPTO_AES128_KEY_LEN],
                           const void *p, size_t n, uint8_t out[WN_CRYPTO_CMAC_LEN]);

/* ------------------------------------------------------------------------
 * RC4 (NTLMSSP key exchange and sealing).  The state runs on across calls.
 * ---------------------------------------------------------------------- */
struct wn_crypto_rc4 {
    struct arcfour_ctx ctx;
};
/* keylen 1..256 bytes, else WN_E_INVAL. */
int wn_crypto_rc4_init(struct wn_crypto_rc4 *r, const void *key, size_t keylen);
/* dst and src may be the same buffer. */
void wn_crypto_rc4_crypt(struct wn_crypto_rc4 *r, void *dst, const void *src, size_t n);
void wn_crypto_rc4_wipe(struct wn_crypto_rc4 *r);
/* One-shot with a fresh state; 0 or WN_E_INVAL. */
int wn_crypto_rc4(const void *key, size_t keylen, void *dst, const void *src, size_t n);

/* ------------------------------------------------------------------------
 * DES (SNMPv3 usmDESPrivProtocol: DES-CBC; the 56->64 bit expansion is
 * the NTLM/LM "str_to_key").  Parity bits of the key are ignored; weak
 * keys are accepted (they are legal keys for the protocols we speak).
 * ---------------------------------------------------------------------- */
/* Spreads 7 key bytes over 8, 7 bits each, and sets odd parity. */
void wn_crypto_des_expand_key(const uint8_t in[7], uint8_t out[WN_CRYPTO_DES_KEY_LEN]);
void wn_crypto_des_ecb_encrypt(const uint8_t key[WN_CRYPTO_DES_KEY_LEN],
                               const uint8_t in[WN_CRYPTO_DES_BLOCK],
                               uint8_t out[WN_CRYPTO_DES_BLOCK]);
/* n must be a multiple of 8 (else WN_E_INVAL); dst may equal src. */
int wn_crypto_des_cbc_encrypt(const uint8_t key[WN_CRYPTO_DES_KEY_LEN],
                              const uint8_t iv[WN_CRYPTO_DES_BLOCK],
                              uint8_t *dst, const uint8_t *src, size_t n);
int wn_crypto_des_cbc_decrypt(const uint8_t key[WN_CRYPTO_DES_KEY_LEN],
                              const uint8_t iv[WN_CRYPTO_DES_BLOCK],
                              uint8_t *dst, const uint8_t *src, size_t n);

/* ------------------------------------------------------------------------
 * AES-128-CFB128 (SNMPv3 usmAesCfb128Protocol, RFC 3826).  Any length;
 * dst may equal src.
 * ---------------------------------------------------------------------- */
void wn_crypto_aes128_cfb_encrypt(const uint8_t key[WN_CRYPTO_AES128_KEY_LEN],
                                  const uint8_t iv[WN_CRYPTO_AES_BLOCK],
                                  uint8_t *dst, const uint8_t *src, size_t n);
void wn_crypto_aes128_cfb_decrypt(const uint8_t key[WN_CRYPTO_AES128_KEY_LEN],
                                  const uint8_t iv[WN_CRYPTO_AES_BLOCK],
                                  uint8_t *dst, const uint8_t *src, size_t n);

/* AES-CFB128 with a 16, 24 or 32 byte key (SNMPv3 AES-128 of RFC 3826 and
 * the AES-192/AES-256 of draft-blumenthal-aes-usm-04 that net-snmp
 * speaks).  0, or WN_E_INVAL for another key length.  dst may equal src. */
int wn_crypto_aes_cfb_encrypt(const uint8_t *key, size_t keylen,
                              const uint8_t iv[WN_CRYPTO_AES_BLOCK],
                              uint8_t *dst, const uint8_t *src, size_t n);
int wn_crypto_aes_cfb_decrypt(const uint8_t *key, size_t keylen,
                              const uint8_t iv[WN_CRYPTO_AES_BLOCK],
                              uint8_t *dst, const uint8_t *src, size_t n);

/* ------------------------------------------------------------------------
 * A privacy cipher with its key scheduled once (SNMPv3 keeps one per
 * localized key and runs every message through it): DES-CBC or
 * AES-CFB128 with a 16, 24 or 32 byte key.  Plain data, copyable; the
 * owner wipes it with wn_wipe.  wn_crypto_cipher_setups counts every key
 * schedule this layer makes for DES-CBC and AES-CFB (the one-shot
 * functions above included), for tests.
 * ---------------------------------------------------------------------- */
enum wn_crypto_cipher_mode {
    WN_CRYPTO_DES_CBC,
    WN_CRYPTO_AES_CFB,
};
struct wn_crypto_cipher {
    enum wn_crypto_cipher_mode mode;
    size_t keylen;
    union {
        struct des_ctx des;
        struct aes128_ctx a128;
        struct aes192_ctx a192;
        struct aes256_ctx a256;
    } u;
};
/* key: WN_CRYPTO_DES_KEY_LEN bytes for DES-CBC, 16/24/32 for AES-CFB;
 * else WN_E_INVAL. */
int wn_crypto_cipher_init(struct wn_crypto_cipher *c, enum wn_crypto_cipher_mode mode,
                          const uint8_t *key, size_t keylen);
/* iv: one block of the mode (8 or 16 bytes).  DES-CBC wants n a multiple
 * of 8 (else WN_E_INVAL).  dst may equal src. */
int wn_crypto_cipher_encrypt(const struct wn_crypto_cipher *c, const uint8_t *iv,
                             uint8_t *dst, const uint8_t *src, size_t n);
int wn_crypto_cipher_decrypt(const struct wn_crypto_cipher *c, const uint8_t *iv,
                             uint8_t *dst, const uint8_t *src, size_t n);
unsigned long wn_crypto_cipher_setups(void);

/* ------------------------------------------------------------------------
 * AEAD: AES-128/256 in CCM (SP800-38C) and GCM (SP800-38D), one-shot with a
 * detached tag (SMB 3.x TRANSFORM_HEADER).  dst may equal src.  Nonce:
 * CCM 7..13 bytes (SMB: 11), GCM 12 bytes; tag 4..16 bytes (CCM: even).
 * Returns 0, WN_E_INVAL (bad alg/nonce/tag length), or for decrypt
 * WN_E_SIGNATURE when the tag does not match (dst is then wiped).
 * ---------------------------------------------------------------------- */
enum wn_crypto_aead {
    WN_CRYPTO_AES128_CCM,
    WN_CRYPTO_AES128_GCM,
    WN_CRYPTO_AES256_CCM,
    WN_CRYPTO_AES256_GCM,
};
#define WN_CRYPTO_AEAD_TAG_LEN 16
#define WN_CRYPTO_AEAD_MIN_TAG 4
#define WN_CRYPTO_AEAD_MAX_KEY 32
#define WN_CRYPTO_CCM_NONCE_LEN 11 /* what SMB 3.x uses */
#define WN_CRYPTO_GCM_NONCE_LEN 12

/* Key length of alg in bytes (16 or 32); 0 for an unknown alg. */
size_t wn_crypto_aead_key_len(enum wn_crypto_aead alg);
/* The nonce length SMB uses with alg (11 or 12); 0 for an unknown alg. */
size_t wn_crypto_aead_nonce_len(enum wn_crypto_aead alg);
int wn_crypto_aead_encrypt(enum wn_crypto_aead alg, const uint8_t *key, const uint8_t *nonce,
                           size_t nonce_len, const uint8_t *aad, size_t aad_len, uint8_t *dst,
                           const uint8_t *src, size_t n, uint8_t *tag, size_t tag_len);
int wn_crypto_aead_decrypt(enum wn_crypto_aead alg, const uint8_t *key, const uint8_t *nonce,
                           size_t nonce_len, const uint8_t *aad, size_t aad_len, uint8_t *dst,
                           const uint8_t *src, size_t n, const uint8_t *tag, size_t tag_len);

/* ------------------------------------------------------------------------
 * SP800-108 KDF in counter mode with HMAC-SHA256, r = 32, as SMB 3.x uses
 * it: out = first out_len bytes of
 *   HMAC(key, i(be32) || label || 0x00 || context || L(be32)), i = 1, 2, ...
 * with L = out_len * 8.  label and context are taken as given (SMB passes
 * "SMBSigningKey\0" etc. WITH its NUL).  0, or WN_E_INVAL if out_len is 0
 * or larger than WN_CRYPTO_KDF_MAX_OUT.
 * ---------------------------------------------------------------------- */
#define WN_CRYPTO_KDF_MAX_OUT 64
int wn_crypto_sp800_108_kdf(const uint8_t *key, size_t keylen,
                            const uint8_t *label, size_t label_len,
                            const uint8_t *context, size_t context_len,
                            uint8_t *out, size_t out_len);

#endif /* WN_CRYPTO_H */
