/* crypt.h: private SMB 3.x encryption: keys (MS-SMB2 3.2.5.3), TRANSFORM_HEADER codec, sealing and unsealing of messages. */
#ifndef WN_SMB2_CRYPT_H
#define WN_SMB2_CRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "crypto.h"

#define WN_SMB2_TRANSFORM_LEN 52    /* TRANSFORM_HEADER (MS-SMB2 2.2.41) */
#define WN_SMB2_TRANSFORM_AAD_OFF 20 /* the AAD is Nonce .. SessionId */
#define WN_SMB2_TRANSFORM_NONCE_LEN 16
#define WN_SMB2_TRANSFORM_ENCRYPTED 0x0001 /* Flags (3.1.1) / EncryptionAlgorithm (3.0.x) */

struct wn_smb2_transform {
    uint8_t signature[16];      /* the AEAD tag */
    uint8_t nonce[WN_SMB2_TRANSFORM_NONCE_LEN];
    uint32_t original_size;
    uint16_t flags;
    uint64_t session_id;
};

/* Writes the 52-byte header. */
void wn_smb2_transform_encode(struct wn_wbuf *w, const struct wn_smb2_transform *t);
/* Decodes the header at the start of msg[0..len) and checks that
 * OriginalMessageSize is exactly the bytes that follow it and at most
 * `limit`.  0, WN_E_TRUNCATED, WN_E_MALFORMED or WN_E_LIMIT. */
int wn_smb2_transform_decode(const uint8_t *msg, size_t len, size_t limit,
                             struct wn_smb2_transform *t);
/* 1 when msg starts with the TRANSFORM_HEADER protocol id (0xFD 'SMB'). */
int wn_smb2_is_transform(const uint8_t *msg, size_t len);

/* Keys of one session; secret, wiped by wn_smb2_crypt_wipe. */
struct wn_smb2_crypt {
    int on;
    enum wn_crypto_aead alg;
    uint8_t enc_key[WN_CRYPTO_AEAD_MAX_KEY]; /* client -> server */
    uint8_t dec_key[WN_CRYPTO_AEAD_MAX_KEY]; /* server -> client */
    uint64_t session_id;
    uint64_t counter;           /* nonce = counter (8 bytes LE) || salt */
    uint8_t salt[4];
};

/* Derives the keys for `dialect` (0x0300..0x0311) and `cipher`
 * (WN_SMB2_CIPHER_*; 3.0/3.0.2 use AES-128-CCM) from the session key
 * (borrowed); preauth (64 bytes) is used for 0x0311.  0, WN_E_INVAL or
 * WN_E_UNSUPPORTED (no cipher, 2.x dialect). */
int wn_smb2_crypt_init(struct wn_smb2_crypt *k, uint16_t dialect, uint16_t cipher,
                       const uint8_t *session_key, size_t sklen, const uint8_t *preauth,
                       uint64_t session_id);
void wn_smb2_crypt_wipe(struct wn_smb2_crypt *k);
/* Maps a WN_SMB2_CIPHER_* id to its AEAD; WN_E_UNSUPPORTED for others. */
int wn_smb2_cipher_alg(uint16_t cipher, enum wn_crypto_aead *alg);

/* Seals msg[0..len) (a whole SMB2 message, borrowed) into out, which is
 * reset and receives NBSS header + TRANSFORM_HEADER + ciphertext.
 * 0, WN_E_NOMEM/LIMIT (dynbuf), WN_E_STATE (no keys). */
int wn_smb2_seal(struct wn_smb2_crypt *k, const uint8_t *msg, size_t len, struct wn_dynbuf *out);
/* Unseals the transformed message in buf[0..*len) in place: on 0, buf holds
 * the plain SMB2 message and *len its length.  WN_E_SIGNATURE when the tag
 * does not verify or the session id is not ours (buf wiped), else a decode
 * error of wn_smb2_transform_decode. */
int wn_smb2_unseal(const struct wn_smb2_crypt *k, uint8_t *buf, size_t *len);

#endif /* WN_SMB2_CRYPT_H */
