/* crypt.c: SMB 3.x encryption: key derivation, TRANSFORM_HEADER encode/decode, sealing and unsealing messages. */
#include "crypt.h"

#include <string.h>

#include "sign.h"
#include "smb2.h"
#include "wire.h"

#define MOD "smb2"
#define NBSS_HDR_LEN 4

static const uint8_t transform_magic[4] = { 0xFD, 'S', 'M', 'B' };

/* KDF labels and contexts of MS-SMB2 3.2.5.3 (sizes include the NUL). */
static const char label_30[] = "SMB2AESCCM";
static const char ctx_30_in[] = "ServerIn ";
static const char ctx_30_out[] = "ServerOut";
static const char label_311_c2s[] = "SMBC2SCipherKey";
static const char label_311_s2c[] = "SMBS2CCipherKey";

void
wn_smb2_transform_encode(struct wn_wbuf *w, const struct wn_smb2_transform *t)
{
    wn_wbuf_bytes(w, transform_magic, sizeof(transform_magic));
    wn_wbuf_bytes(w, t->signature, sizeof(t->signature));
    wn_wbuf_bytes(w, t->nonce, sizeof(t->nonce));
    wn_wbuf_u32le(w, t->original_size);
    wn_wbuf_u16le(w, 0); /* Reserved */
    wn_wbuf_u16le(w, t->flags);
    wn_wbuf_u64le(w, t->session_id);
}

int
wn_smb2_is_transform(const uint8_t *msg, size_t len)
{
    return len >= sizeof(transform_magic) &&
           memcmp(msg, transform_magic, sizeof(transform_magic)) == 0;
}

int
wn_smb2_transform_decode(const uint8_t *msg, size_t len, size_t limit,
                         struct wn_smb2_transform *t)
{
    struct wn_rbuf r;
    memset(t, 0, sizeof(*t));
    wn_rbuf_init(&r, msg, len);
    const uint8_t *magic = wn_rbuf_view(&r, sizeof(transform_magic));
    wn_rbuf_copy(&r, t->signature, sizeof(t->signature));
    wn_rbuf_copy(&r, t->nonce, sizeof(t->nonce));
    t->original_size = wn_rbuf_u32le(&r);
    (void)wn_rbuf_u16le(&r);
    t->flags = wn_rbuf_u16le(&r);
    t->session_id = wn_rbuf_u64le(&r);
    if (r.err)
        return r.err;
    WN_PARSE_CHECK(MOD, memcmp(magic, transform_magic, sizeof(transform_magic)) == 0,
                   WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, t->flags == WN_SMB2_TRANSFORM_ENCRYPTED, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, t->original_size <= limit, WN_E_LIMIT);
    WN_PARSE_CHECK(MOD, t->original_size >= WN_SMB2_HDR_LEN, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, t->original_size == wn_rbuf_left(&r), WN_E_MALFORMED);
    return 0;
}

int
wn_smb2_cipher_alg(uint16_t cipher, enum wn_crypto_aead *alg)
{
    switch (cipher) {
    case WN_SMB2_CIPHER_AES128_CCM:
        *alg = WN_CRYPTO_AES128_CCM;
        return 0;
    case WN_SMB2_CIPHER_AES128_GCM:
        *alg = WN_CRYPTO_AES128_GCM;
        return 0;
    case WN_SMB2_CIPHER_AES256_CCM:
        *alg = WN_CRYPTO_AES256_CCM;
        return 0;
    case WN_SMB2_CIPHER_AES256_GCM:
        *alg = WN_CRYPTO_AES256_GCM;
        return 0;
    default:
        return WN_E_UNSUPPORTED;
    }
}

int
wn_smb2_crypt_init(struct wn_smb2_crypt *k, uint16_t dialect, uint16_t cipher,
                   const uint8_t *session_key, size_t sklen, const uint8_t *preauth,
                   uint64_t session_id)
{
    memset(k, 0, sizeof(*k));
    if (!session_key || sklen == 0)
        return WN_E_INVAL;
    if (dialect < WN_SMB2_DIALECT_300)
        return WN_E_UNSUPPORTED;
    if (dialect < WN_SMB2_DIALECT_311)
        cipher = WN_SMB2_CIPHER_AES128_CCM; /* the only 3.0.x cipher */
    int rc = wn_smb2_cipher_alg(cipher, &k->alg);
    if (rc)
        return rc;
    size_t klen = wn_crypto_aead_key_len(k->alg);
    const uint8_t *sk = session_key;
    if (dialect < WN_SMB2_DIALECT_311) {
        rc = wn_crypto_sp800_108_kdf(sk, sklen, (const uint8_t *)label_30, sizeof(label_30),
                                     (const uint8_t *)ctx_30_in, sizeof(ctx_30_in),
                                     k->enc_key, klen);
        if (!rc)
            rc = wn_crypto_sp800_108_kdf(sk, sklen, (const uint8_t *)label_30, sizeof(label_30),
                                         (const uint8_t *)ctx_30_out, sizeof(ctx_30_out),
                                         k->dec_key, klen);
    } else {
        if (!preauth)
            return WN_E_INVAL;
        rc = wn_crypto_sp800_108_kdf(sk, sklen, (const uint8_t *)label_311_c2s,
                                     sizeof(label_311_c2s), preauth, WN_SMB2_PREAUTH_LEN,
                                     k->enc_key, klen);
        if (!rc)
            rc = wn_crypto_sp800_108_kdf(sk, sklen, (const uint8_t *)label_311_s2c,
                                         sizeof(label_311_s2c), preauth, WN_SMB2_PREAUTH_LEN,
                                         k->dec_key, klen);
    }
    if (!rc)
        rc = wn_random(k->salt, sizeof(k->salt));
    if (rc) {
        wn_smb2_crypt_wipe(k);
        return rc;
    }
    k->session_id = session_id;
    k->on = 1;
    return 0;
}

void
wn_smb2_crypt_wipe(struct wn_smb2_crypt *k)
{
    wn_wipe(k, sizeof(*k));
}

int
wn_smb2_seal(struct wn_smb2_crypt *k, const uint8_t *msg, size_t len, struct wn_dynbuf *out)
{
    if (!k->on)
        return WN_E_STATE;
    if (len > WN_SMB2_MAX_MESSAGE - WN_SMB2_TRANSFORM_LEN)
        return WN_E_LIMIT;
    size_t total = WN_SMB2_TRANSFORM_LEN + len;
    uint8_t *p;
    wn_dynbuf_reset(out);
    int rc = wn_dynbuf_grow(out, NBSS_HDR_LEN + total, &p);
    if (rc)
        return rc;
    p[0] = 0;
    p[1] = (uint8_t)(total >> 16);
    p[2] = (uint8_t)(total >> 8);
    p[3] = (uint8_t)total;
    /* A nonce is never reused under one key: a per-session counter plus a
     * random salt (MS-SMB2 3.2.4.1.9 only asks for uniqueness). */
    struct wn_smb2_transform t = { .original_size = (uint32_t)len,
                                   .flags = WN_SMB2_TRANSFORM_ENCRYPTED,
                                   .session_id = k->session_id };
    uint64_t ctr = ++k->counter;
    for (unsigned i = 0; i < 8; i++)
        t.nonce[i] = (uint8_t)(ctr >> (8 * i));
    size_t nlen = wn_crypto_aead_nonce_len(k->alg);
    memcpy(t.nonce + 8, k->salt, nlen - 8);
    uint8_t *hdr = p + NBSS_HDR_LEN;
    struct wn_wbuf w;
    wn_wbuf_init(&w, hdr, WN_SMB2_TRANSFORM_LEN);
    wn_smb2_transform_encode(&w, &t);
    rc = wn_crypto_aead_encrypt(k->alg, k->enc_key, t.nonce, nlen,
                                hdr + WN_SMB2_TRANSFORM_AAD_OFF,
                                WN_SMB2_TRANSFORM_LEN - WN_SMB2_TRANSFORM_AAD_OFF,
                                hdr + WN_SMB2_TRANSFORM_LEN, msg, len, t.signature,
                                WN_CRYPTO_AEAD_TAG_LEN);
    if (rc)
        return rc;
    memcpy(hdr + sizeof(transform_magic), t.signature, sizeof(t.signature));
    return 0;
}

int
wn_smb2_unseal(const struct wn_smb2_crypt *k, uint8_t *buf, size_t *len)
{
    struct wn_smb2_transform t;
    if (!k->on)
        return WN_E_SIGNATURE; /* encrypted traffic before we have keys */
    int rc = wn_smb2_transform_decode(buf, *len, WN_SMB2_MAX_MESSAGE, &t);
    if (rc)
        return rc == WN_E_TRUNCATED ? WN_E_MALFORMED : rc;
    if (t.session_id != k->session_id) {
        wn_log(WN_LOG_WARN, MOD, "encrypted reply for another session");
        return WN_E_SIGNATURE;
    }
    uint8_t *ct = buf + WN_SMB2_TRANSFORM_LEN;
    rc = wn_crypto_aead_decrypt(k->alg, k->dec_key, t.nonce, wn_crypto_aead_nonce_len(k->alg),
                                buf + WN_SMB2_TRANSFORM_AAD_OFF,
                                WN_SMB2_TRANSFORM_LEN - WN_SMB2_TRANSFORM_AAD_OFF, ct, ct,
                                t.original_size, t.signature, WN_CRYPTO_AEAD_TAG_LEN);
    if (rc) {
        wn_log(WN_LOG_WARN, MOD, "encrypted reply does not authenticate");
        return WN_E_SIGNATURE;
    }
    memmove(buf, ct, t.original_size);
    *len = t.original_size;
    return 0;
}
