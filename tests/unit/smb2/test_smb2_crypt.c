/* test_smb2_crypt.c: SMB 3.x encryption: key derivation, TRANSFORM_HEADER codec, seal/unseal against independently computed frames and tampering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypt.h"
#include "sign.h"
#include "smb2.h"
#include "wire.h"
#include "crypto/test_hex.h"

#define SK "7cd451825d0450d235424e44ba6e78cc" /* session key of the MS SMB 3.0 encryption example */
#define SID 0x1122334455667788ull

/* Deterministic "random" bytes 00 01 02 ... so that sealed frames are reproducible. */
static int
counting_random(void *buf, size_t n)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)i;
    return 0;
}

static uint8_t preauth[WN_SMB2_PREAUTH_LEN];
static uint8_t msg[100];

static int
setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(preauth); i++)
        preauth[i] = (uint8_t)i;
    memcpy(msg, "\xfeSMB", 4);
    for (size_t i = 4; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7);
    wn_random_set_source(counting_random);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    wn_random_set_source(NULL);
    return 0;
}

/* Expected values below were computed independently (Python hmac + PyCryptodome). */
static void
test_smb2_crypt_keys_follow_ms_smb2_3_2_5_3(void **state)
{
    (void)state;
    struct wn_smb2_crypt k;
    /* 3.0: "SMB2AESCCM" with "ServerIn " / "ServerOut"; the first is the published
     * example's EncryptionKey */
    assert_int_equal(wn_smb2_crypt_init(&k, WN_SMB2_DIALECT_300, 0, hx(SK, NULL), 16, NULL, SID), 0);
    assert_int_equal(k.alg, WN_CRYPTO_AES128_CCM);
    ASSERT_HEX(k.enc_key, "fad27796665b313ebb578f388632b4f7");
    ASSERT_HEX(k.dec_key, "b0f0427f7ceb416d1d9dcc0cd4f99447");
    /* 3.1.1: over the preauth hash, 128 or 256 bits as the cipher needs */
    assert_int_equal(wn_smb2_crypt_init(&k, WN_SMB2_DIALECT_311, WN_SMB2_CIPHER_AES128_GCM,
                                        hx(SK, NULL), 16, preauth, SID), 0);
    ASSERT_HEX(k.enc_key, "ec71a7af46945738828ea0c165348db2");
    ASSERT_HEX(k.dec_key, "0406ab75a19f43ac23751449321abcfc");
    assert_int_equal(wn_smb2_crypt_init(&k, WN_SMB2_DIALECT_311, WN_SMB2_CIPHER_AES256_CCM,
                                        hx(SK, NULL), 16, preauth, SID), 0);
    assert_int_equal(k.alg, WN_CRYPTO_AES256_CCM);
    ASSERT_HEX(k.enc_key, "52ab5b03168374c9894949043b3279c1f4d30673196ef92ad52abe57b5539c8d");
    ASSERT_HEX(k.dec_key, "849c8fbef29fe05a0bdf51965ccdb50f86a7cc381b98ba52794bc88970de55a3");
    /* no keys for 2.x, an unknown cipher or 3.1.1 without a preauth hash */
    assert_int_equal(wn_smb2_crypt_init(&k, WN_SMB2_DIALECT_210, 0, hx(SK, NULL), 16, NULL, SID),
                     WN_E_UNSUPPORTED);
    assert_int_equal(k.on, 0);
    assert_int_equal(wn_smb2_crypt_init(&k, WN_SMB2_DIALECT_311, 5, hx(SK, NULL), 16, preauth, SID),
                     WN_E_UNSUPPORTED);
    assert_int_equal(wn_smb2_crypt_init(&k, WN_SMB2_DIALECT_311, WN_SMB2_CIPHER_AES128_GCM,
                                        hx(SK, NULL), 16, NULL, SID), WN_E_INVAL);
    wn_smb2_crypt_wipe(&k);
}

#define GCM128_FRAME                                                                         \
    "fd534d427e4c8e797a7d6e2c076ff19ac276eef90100000000000000000102030000000064000000000001" \
    "008877665544332211a9966dd8e738a544c80759ecf6db685b9a491f5da15e22008f92dfcd305a5b538d5c" \
    "986d9be64654d214912440eecef366f27bb43b572f1e0eb2620fe7963d5d237df404f7fe53b1a490c0062a" \
    "7a791e964afefcc61162caa74f9a27de14b94243025180"
#define CCM30_FRAME                                                                          \
    "fd534d42497566ee29c647f027e9b4eb7b0fd975010000000000000000010200000000006400000000000100" \
    "887766554433221159fc8f22ebb655270f70e7fd6274afabbcd55ccc3f3e0ecf2d274ed80bcd9dc8ccad0fd9" \
    "62c2eb1392945d5ab265f4589a7c7ea09fb1a67dbbada0284af520dd781bef3c9cce132da866e67762ccf26b" \
    "4a264eef7d47101359256f330cfce96242696860"

/* Seals msg with k and compares the frame (after the NBSS header) with want. */
static void
check_seal(struct wn_smb2_crypt *k, const char *want)
{
    struct wn_dynbuf out;
    size_t wlen;
    const uint8_t *w = hx(want, &wlen);
    wn_dynbuf_init(&out, WN_SMB2_MAX_MESSAGE);
    assert_int_equal(wn_smb2_seal(k, msg, sizeof(msg), &out), 0);
    assert_int_equal(out.len, 4 + wlen);
    assert_int_equal(out.data[0], 0);
    assert_int_equal(((size_t)out.data[1] << 16) | ((size_t)out.data[2] << 8) | out.data[3], wlen);
    assert_memory_equal(out.data + 4, w, wlen);
    wn_dynbuf_free(&out);
}

static void
test_smb2_seal_matches_independent_frames(void **state)
{
    (void)state;
    struct wn_smb2_crypt k;
    assert_int_equal(wn_smb2_crypt_init(&k, WN_SMB2_DIALECT_311, WN_SMB2_CIPHER_AES128_GCM,
                                        hx(SK, NULL), 16, preauth, SID), 0);
    check_seal(&k, GCM128_FRAME);
    assert_int_equal(wn_smb2_crypt_init(&k, WN_SMB2_DIALECT_302, 0, hx(SK, NULL), 16, NULL, SID), 0);
    check_seal(&k, CCM30_FRAME);
    /* the next message gets the next nonce: never the same frame twice */
    struct wn_dynbuf a;
    wn_dynbuf_init(&a, WN_SMB2_MAX_MESSAGE);
    assert_int_equal(wn_smb2_seal(&k, msg, sizeof(msg), &a), 0);
    assert_memory_not_equal(a.data + 4, hx(CCM30_FRAME, NULL), 52);
    wn_dynbuf_free(&a);
    wn_smb2_crypt_wipe(&k);
}

/* A client-side crypt whose decryption key is the sealing key of `server`. */
static void
as_peer(struct wn_smb2_crypt *client, const struct wn_smb2_crypt *server)
{
    *client = *server;
    memcpy(client->dec_key, server->enc_key, sizeof(client->dec_key));
}

static void
test_smb2_unseal_round_trip_every_cipher_and_refuses_tampering(void **state)
{
    (void)state;
    static const uint16_t ciphers[] = { WN_SMB2_CIPHER_AES128_CCM, WN_SMB2_CIPHER_AES128_GCM,
                                        WN_SMB2_CIPHER_AES256_CCM, WN_SMB2_CIPHER_AES256_GCM };
    for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
        struct wn_smb2_crypt srv, cli;
        struct wn_dynbuf f;
        uint8_t buf[256];
        size_t n;
        assert_int_equal(wn_smb2_crypt_init(&srv, WN_SMB2_DIALECT_311, ciphers[i], hx(SK, NULL),
                                            16, preauth, SID), 0);
        as_peer(&cli, &srv);
        wn_dynbuf_init(&f, WN_SMB2_MAX_MESSAGE);
        assert_int_equal(wn_smb2_seal(&srv, msg, sizeof(msg), &f), 0);
        size_t flen = f.len - 4;
        /* intact: the plain message comes back in place */
        memcpy(buf, f.data + 4, flen);
        n = flen;
        assert_int_equal(wn_smb2_unseal(&cli, buf, &n), 0);
        assert_int_equal(n, sizeof(msg));
        assert_memory_equal(buf, msg, sizeof(msg));
        /* one bit anywhere after the protocol id: tag, nonce, size, session, data */
        static const size_t flips[] = { 4, 20, 36, 44, 52, 60 };
        for (size_t j = 0; j < sizeof(flips) / sizeof(flips[0]); j++) {
            memcpy(buf, f.data + 4, flen);
            buf[flips[j]] ^= 1;
            n = flen;
            int rc = wn_smb2_unseal(&cli, buf, &n);
            assert_true(rc == WN_E_SIGNATURE || rc == WN_E_MALFORMED);
        }
        /* a frame for another session is refused before any decryption */
        cli.session_id = SID + 1;
        memcpy(buf, f.data + 4, flen);
        n = flen;
        assert_int_equal(wn_smb2_unseal(&cli, buf, &n), WN_E_SIGNATURE);
        /* no keys yet: never accepted */
        cli.on = 0;
        n = flen;
        assert_int_equal(wn_smb2_unseal(&cli, buf, &n), WN_E_SIGNATURE);
        wn_dynbuf_free(&f);
        wn_smb2_crypt_wipe(&srv);
        wn_smb2_crypt_wipe(&cli);
    }
}

static void
test_smb2_transform_header_round_trip_and_bounds(void **state)
{
    (void)state;
    struct wn_smb2_transform t = { .original_size = 64, .flags = WN_SMB2_TRANSFORM_ENCRYPTED,
                                   .session_id = SID };
    memset(t.signature, 0xAA, sizeof(t.signature));
    memset(t.nonce, 0x55, sizeof(t.nonce));
    uint8_t buf[WN_SMB2_TRANSFORM_LEN + 64] = { 0 };
    struct wn_wbuf w;
    wn_wbuf_init(&w, buf, WN_SMB2_TRANSFORM_LEN);
    wn_smb2_transform_encode(&w, &t);
    assert_int_equal(w.err, 0);
    assert_int_equal(wn_wbuf_len(&w), WN_SMB2_TRANSFORM_LEN);
    ASSERT_HEX(buf, "fd534d42 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 55555555555555555555555555555555"
                    "40000000 0000 0100 8877665544332211");
    assert_true(wn_smb2_is_transform(buf, sizeof(buf)));
    struct wn_smb2_transform d;
    assert_int_equal(wn_smb2_transform_decode(buf, sizeof(buf), WN_SMB2_MAX_MESSAGE, &d), 0);
    assert_memory_equal(&d, &t, sizeof(t));
    /* OriginalMessageSize must be exactly what follows, within the limit, a whole header */
    assert_int_equal(wn_smb2_transform_decode(buf, sizeof(buf) - 1, WN_SMB2_MAX_MESSAGE, &d),
                     WN_E_MALFORMED);
    assert_int_equal(wn_smb2_transform_decode(buf, sizeof(buf), 63, &d), WN_E_LIMIT);
    assert_int_equal(wn_smb2_transform_decode(buf, WN_SMB2_TRANSFORM_LEN - 1, 64, &d),
                     WN_E_TRUNCATED);
    buf[WN_SMB2_TRANSFORM_LEN - 10] = 2; /* Flags */
    assert_int_equal(wn_smb2_transform_decode(buf, sizeof(buf), WN_SMB2_MAX_MESSAGE, &d),
                     WN_E_MALFORMED);
    buf[WN_SMB2_TRANSFORM_LEN - 10] = 1;
    buf[0] = 0xFE;
    assert_false(wn_smb2_is_transform(buf, sizeof(buf)));
    assert_int_equal(wn_smb2_transform_decode(buf, sizeof(buf), WN_SMB2_MAX_MESSAGE, &d),
                     WN_E_MALFORMED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_smb2_crypt_keys_follow_ms_smb2_3_2_5_3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_seal_matches_independent_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_unseal_round_trip_every_cipher_and_refuses_tampering,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_transform_header_round_trip_and_bounds, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
