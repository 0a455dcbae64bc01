/* test_crypto.c: the crypto layer against published vectors (RFC 1320/1321, FIPS 180, RFC 2202/4231, RFC 4493, RFC 6229, FIPS 81, SP800-38A, SP800-38C, GCM spec, SMB 3.0 KDF). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base.h"
#include "crypto.h"
#include "crypto/test_hex.h"

static void
test_crypto_md4_md5_sha_match_rfc_and_fips_vectors(void **state)
{
    (void)state;
    uint8_t out[64];
    wn_crypto_md4("", 0, out);
    ASSERT_HEX(out, "31d6cfe0d16ae931b73c59d7e0c089c0");
    wn_crypto_md4("abc", 3, out);
    ASSERT_HEX(out, "a448017aaf21d8525fc10ae87aa6729d");
    wn_crypto_md4("message digest", 14, out);
    ASSERT_HEX(out, "d9130a8164549fe818874806e1c7014b");
    wn_crypto_md5("abc", 3, out);
    ASSERT_HEX(out, "900150983cd24fb0d6963f7d28e17f72");
    wn_crypto_sha1("abc", 3, out);
    ASSERT_HEX(out, "a9993e364706816aba3e25717850c26c9cd0d89d");
    wn_crypto_sha256("abc", 3, out);
    ASSERT_HEX(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    wn_crypto_sha512("abc", 3, out);
    ASSERT_HEX(out, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    assert_int_equal(wn_crypto_hash(WN_CRYPTO_SHA384, "abc", 3, out), 0);
    ASSERT_HEX(out, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                    "8086072ba1e7cc2358baeca134c825a7");
    assert_int_equal(wn_crypto_hash(WN_CRYPTO_SHA224, "abc", 3, out), 0);
    ASSERT_HEX(out, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
    assert_int_equal(wn_crypto_hash((enum wn_crypto_alg)99, "abc", 3, out), WN_E_INVAL);
    assert_int_equal(wn_crypto_hash_len((enum wn_crypto_alg)99), 0);
}

static void
test_crypto_incremental_sha512_equals_one_shot(void **state)
{
    (void)state;
    uint8_t one[64], inc[64], peek[64];
    const char msg[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    wn_crypto_sha512(msg, strlen(msg), one);
    struct wn_crypto_hash h, copy;
    wn_crypto_sha512_init(&h);
    for (size_t i = 0; i < strlen(msg); i += 5)
        wn_crypto_sha512_update(&h, msg + i, WN_MIN(5, strlen(msg) - i));
    wn_crypto_hash_copy(&copy, &h);
    wn_crypto_sha512_final(&h, inc);
    wn_crypto_hash_final(&copy, peek);
    assert_memory_equal(one, inc, 64);
    assert_memory_equal(one, peek, 64);
    ASSERT_HEX(one, "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
                    "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445");
}

static void
test_crypto_hmac_matches_rfc2202_and_rfc4231(void **state)
{
    (void)state;
    uint8_t out[64];
    const char *data = "what do ya want for nothing?";
    wn_crypto_hmac_md5("Jefe", 4, data, strlen(data), out);
    ASSERT_HEX(out, "750c783e6ab0b503eaa86e310a5db738");
    wn_crypto_hmac_sha1("Jefe", 4, data, strlen(data), out);
    ASSERT_HEX(out, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    wn_crypto_hmac_sha256("Jefe", 4, data, strlen(data), out);
    ASSERT_HEX(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    wn_crypto_hmac_sha512("Jefe", 4, data, strlen(data), out);
    ASSERT_HEX(out, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                    "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
    /* RFC 4231 test case 6: key longer than the block size. */
    uint8_t key[131];
    memset(key, 0xaa, sizeof key);
    const char *big = "Test Using Larger Than Block-Size Key - Hash Key First";
    struct wn_crypto_hmac m;
    assert_int_equal(wn_crypto_hmac_init(&m, WN_CRYPTO_SHA256, key, sizeof key), 0);
    wn_crypto_hmac_update(&m, big, 10);
    wn_crypto_hmac_update(&m, big + 10, strlen(big) - 10);
    wn_crypto_hmac_final(&m, out);
    ASSERT_HEX(out, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    assert_int_equal(wn_crypto_hmac_init(&m, WN_CRYPTO_MD4, key, 16), WN_E_INVAL);
}

static void
test_crypto_aes128_cmac_matches_rfc4493(void **state)
{
    (void)state;
    const uint8_t *key = hx("2b7e151628aed2a6abf7158809cf4f3c", NULL);
    const uint8_t *m = hx("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                          "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
                          NULL);
    uint8_t out[16];
    wn_crypto_aes128_cmac(key, m, 0, out);
    ASSERT_HEX(out, "bb1d6929e95937287fa37d129b756746");
    wn_crypto_aes128_cmac(key, m, 16, out);
    ASSERT_HEX(out, "070a16b46b4d4144f79bdd9dd04a287c");
    wn_crypto_aes128_cmac(key, m, 40, out);
    ASSERT_HEX(out, "dfa66747de9ae63030ca32611497c827");
    struct wn_crypto_cmac c;
    wn_crypto_aes128_cmac_init(&c, key);
    wn_crypto_aes128_cmac_update(&c, m, 7);
    wn_crypto_aes128_cmac_update(&c, m + 7, 57);
    wn_crypto_aes128_cmac_final(&c, out);
    ASSERT_HEX(out, "51f0bebf7e3b9d92fc49741779363cfe");
}

static void
test_crypto_rc4_matches_rfc6229_and_keeps_state(void **state)
{
    (void)state;
    static uint8_t ks[4096];
    const uint8_t key[] = {1, 2, 3, 4, 5};
    static const uint8_t zeros[4096];
    assert_int_equal(wn_crypto_rc4(key, sizeof key, ks, zeros, sizeof ks), 0);
    ASSERT_HEX(ks, "b2396305f03dc027ccc3524a0a1118a8");
    ASSERT_HEX(ks + 16, "6982944f18fc82d589c403a47a0d0919");
    ASSERT_HEX(ks + 240, "28cb1132c96ce286421dcaadb8b69eae");
    ASSERT_HEX(ks + 4080, "068326a2118416d21f9d04b2cd1ca050");
    /* The stateful handle continues the same key stream across calls. */
    struct wn_crypto_rc4 r;
    uint8_t part[32];
    assert_int_equal(wn_crypto_rc4_init(&r, key, sizeof key), 0);
    wn_crypto_rc4_crypt(&r, part, zeros, 16);
    wn_crypto_rc4_crypt(&r, part + 16, zeros, 16);
    assert_memory_equal(part, ks, 32);
    wn_crypto_rc4_wipe(&r);
    assert_int_equal(wn_crypto_rc4_init(&r, key, 0), WN_E_INVAL);
}

static void
test_crypto_des_matches_fips81_and_lm_constant(void **state)
{
    (void)state;
    uint8_t out[24];
    wn_crypto_des_ecb_encrypt(hx("133457799bbcdff1", NULL), hx("0123456789abcdef", NULL), out);
    ASSERT_HEX(out, "85e813540f0ab405");
    const char *pt = "Now is the time for all ";
    assert_int_equal(wn_crypto_des_cbc_encrypt(hx("0123456789abcdef", NULL),
                                               hx("1234567890abcdef", NULL), out,
                                               (const uint8_t *)pt, 24), 0);
    ASSERT_HEX(out, "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6");
    assert_int_equal(wn_crypto_des_cbc_decrypt(hx("0123456789abcdef", NULL),
                                               hx("1234567890abcdef", NULL), out, out, 24), 0);
    assert_memory_equal(out, pt, 24);
    assert_int_equal(wn_crypto_des_cbc_encrypt(hx("0123456789abcdef", NULL),
                                               hx("1234567890abcdef", NULL), out,
                                               (const uint8_t *)pt, 23), WN_E_INVAL);
    /* 56->64 expansion: LM hash of the empty password = DES(k, "KGS!@#$%"). */
    const uint8_t zero7[7] = {0};
    uint8_t k[8];
    wn_crypto_des_expand_key(zero7, k);
    ASSERT_HEX(k, "0101010101010101");
    wn_crypto_des_ecb_encrypt(k, (const uint8_t *)"KGS!@#$%", out);
    ASSERT_HEX(out, "aad3b435b51404ee");
    const uint8_t ones7[7] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    wn_crypto_des_expand_key(ones7, k);
    ASSERT_HEX(k, "fefefefefefefefe");
    /* Bits 0, 7, 14, ... 49 of the 56-bit string each land on the top bit
     * of one output byte; odd parity then sets nothing more. */
    const uint8_t walk[7] = {0x81, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40};
    wn_crypto_des_expand_key(walk, k);
    ASSERT_HEX(k, "8080808080808080");
}

static void
test_crypto_aes128_cfb_matches_sp800_38a(void **state)
{
    (void)state;
    const uint8_t *key = hx("2b7e151628aed2a6abf7158809cf4f3c", NULL);
    const uint8_t *iv = hx("000102030405060708090a0b0c0d0e0f", NULL);
    const uint8_t *pt = hx("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                           "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
                           NULL);
    uint8_t out[64];
    wn_crypto_aes128_cfb_encrypt(key, iv, out, pt, 64);
    ASSERT_HEX(out, "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b"
                    "26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6");
    /* A partial last block (SNMP scoped PDUs are not block-aligned). */
    uint8_t part[21];
    wn_crypto_aes128_cfb_encrypt(key, iv, part, pt, sizeof part);
    assert_memory_equal(part, out, sizeof part);
    wn_crypto_aes128_cfb_decrypt(key, iv, part, part, sizeof part);
    assert_memory_equal(part, pt, sizeof part);
}

static void
test_crypto_aes192_aes256_cfb_match_sp800_38a(void **state)
{
    (void)state;
    /* SP800-38A F.3.15 (CFB128-AES192) and F.3.17 (CFB128-AES256), first
     * two blocks; cut to 21 bytes to show a partial block. */
    const uint8_t *iv = hx("000102030405060708090a0b0c0d0e0f", NULL);
    const uint8_t *pt = hx("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51",
                           NULL);
    uint8_t out[32];
    const uint8_t *k192 = hx("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", NULL);
    assert_int_equal(wn_crypto_aes_cfb_encrypt(k192, 24, iv, out, pt, 32), 0);
    ASSERT_HEX(out, "cdc80d6fddf18cab34c25909c99a417467ce7f7f81173621961a2b70171d3d7a");
    assert_int_equal(wn_crypto_aes_cfb_decrypt(k192, 24, iv, out, out, 21), 0);
    assert_memory_equal(out, pt, 21);
    const uint8_t *k256 = hx("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
                             NULL);
    assert_int_equal(wn_crypto_aes_cfb_encrypt(k256, 32, iv, out, pt, 32), 0);
    ASSERT_HEX(out, "dc7e84bfda79164b7ecd8486985d386039ffed143b28b1c832113c6331e5407b");
    assert_int_equal(wn_crypto_aes_cfb_decrypt(k256, 32, iv, out, out, 32), 0);
    assert_memory_equal(out, pt, 32);
    /* The generic entry point with a 16-byte key is AES-128. */
    const uint8_t *k128 = hx("2b7e151628aed2a6abf7158809cf4f3c", NULL);
    assert_int_equal(wn_crypto_aes_cfb_encrypt(k128, 16, iv, out, pt, 16), 0);
    ASSERT_HEX(out, "3b3fd92eb72dad20333449f8e83cfb4a");
    assert_int_equal(wn_crypto_aes_cfb_encrypt(k128, 20, iv, out, pt, 16), WN_E_INVAL);
}

static void
test_crypto_sp800_108_kdf_gives_smb30_signing_key(void **state)
{
    (void)state;
    /* SMB 3.0 test vector (Microsoft Open Specifications blog, "SMB 2 and
     * SMB 3 security in Windows 10"): SessionKey -> SigningKey. */
    const uint8_t *sk = hx("7cd451825d0450d235424e44ba6e78cc", NULL);
    uint8_t out[64];
    assert_int_equal(wn_crypto_sp800_108_kdf(sk, 16, (const uint8_t *)"SMB2AESCMAC", 12,
                                             (const uint8_t *)"SmbSign", 8, out, 16), 0);
    ASSERT_HEX(out, "0b7e9c5cac36c0f6ea9ab275298cedce");
    assert_int_equal(wn_crypto_sp800_108_kdf(sk, 16, (const uint8_t *)"SMB2AESCCM", 11,
                                             (const uint8_t *)"ServerIn ", 10, out, 16), 0);
    ASSERT_HEX(out, "fad27796665b313ebb578f388632b4f7");
    /* Two blocks: the first 32 bytes of L=512 differ from L=128 (L is hashed). */
    assert_int_equal(wn_crypto_sp800_108_kdf(sk, 16, (const uint8_t *)"x", 1,
                                             (const uint8_t *)"y", 1, out, 64), 0);
    uint8_t short16[16];
    assert_int_equal(wn_crypto_sp800_108_kdf(sk, 16, (const uint8_t *)"x", 1,
                                             (const uint8_t *)"y", 1, short16, 16), 0);
    assert_memory_not_equal(out, short16, 16);
    assert_int_equal(wn_crypto_sp800_108_kdf(sk, 16, NULL, 0, NULL, 0, out, 0), WN_E_INVAL);
    assert_int_equal(wn_crypto_sp800_108_kdf(sk, 16, NULL, 0, NULL, 0, out, 65), WN_E_INVAL);
}

/* One AEAD case: encrypt gives C||T, decrypt restores P, a flipped bit in the
 * ciphertext, the AAD or the tag is refused and leaves no plaintext behind. */
static void
check_aead(enum wn_crypto_aead alg, const char *k, const char *iv, const char *a, const char *p,
           const char *c, const char *t)
{
    size_t klen, ivlen, alen, plen, clen, tlen;
    const uint8_t *K = hx(k, &klen), *IV = hx(iv, &ivlen), *A = hx(a, &alen);
    const uint8_t *P = hx(p, &plen), *C = hx(c, &clen), *T = hx(t, &tlen);
    uint8_t out[128], tag[16], aad[64];
    assert_int_equal(klen, wn_crypto_aead_key_len(alg));
    assert_int_equal(wn_crypto_aead_encrypt(alg, K, IV, ivlen, A, alen, out, P, plen, tag, tlen), 0);
    assert_memory_equal(out, C, clen);
    assert_memory_equal(tag, T, tlen);
    assert_int_equal(wn_crypto_aead_decrypt(alg, K, IV, ivlen, A, alen, out, out, clen, tag, tlen), 0);
    assert_memory_equal(out, P, plen);
    memcpy(out, C, clen);
    out[clen - 1] ^= 1;
    assert_int_equal(wn_crypto_aead_decrypt(alg, K, IV, ivlen, A, alen, out, out, clen, tag, tlen),
                     WN_E_SIGNATURE);
    for (size_t i = 0; i < clen; i++)
        assert_int_equal(out[i], 0);
    memcpy(out, C, clen);
    memcpy(aad, A, alen);
    aad[0] ^= 0x80;
    assert_int_equal(wn_crypto_aead_decrypt(alg, K, IV, ivlen, aad, alen, out, out, clen, tag, tlen),
                     WN_E_SIGNATURE);
    memcpy(out, C, clen);
    tag[tlen - 1] ^= 1;
    assert_int_equal(wn_crypto_aead_decrypt(alg, K, IV, ivlen, A, alen, out, out, clen, tag, tlen),
                     WN_E_SIGNATURE);
}

#define GCM_P "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
              "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_A "feedfacedeadbeeffeedfacedeadbeefabaddad2"

static void
test_crypto_aes_gcm_matches_mcgrew_viega_cases_4_and_16(void **state)
{
    (void)state;
    check_aead(WN_CRYPTO_AES128_GCM, "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
               GCM_A, GCM_P,
               "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
               "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
               "5bc94fbc3221a5db94fae95ae7121a47");
    check_aead(WN_CRYPTO_AES256_GCM,
               "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
               "cafebabefacedbaddecaf888", GCM_A, GCM_P,
               "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
               "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
               "76fc6ece0f4e1768cddf8853bb2d551b");
}

static void
test_crypto_aes_ccm_matches_sp800_38c_and_smb_nonce_length(void **state)
{
    (void)state;
    /* SP800-38C appendix C, example 3 (12-byte nonce, 8-byte tag) */
    check_aead(WN_CRYPTO_AES128_CCM, "404142434445464748494a4b4c4d4e4f",
               "101112131415161718191a1b", "000102030405060708090a0b0c0d0e0f10111213",
               "202122232425262728292a2b2c2d2e2f3031323334353637",
               "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5", "484392fbc1b09951");
    /* SMB's shape (11-byte nonce, 16-byte tag); expected values computed
     * independently with PyCryptodome 3.11 */
    check_aead(WN_CRYPTO_AES128_CCM, "404142434445464748494a4b4c4d4e4f",
               "101112131415161718191a", "000102030405060708090a0b0c0d0e0f10111213",
               "202122232425262728292a2b2c2d2e2f3031323334353637",
               "d6d28b1b24b85b4ffbe0998809dab62e35428a3cca41bdc8",
               "c8b439bff187669acf5b3a26ab35e946");
    check_aead(WN_CRYPTO_AES256_CCM,
               "404142434445464748494a4b4c4d4e4f404142434445464748494a4b4c4d4e4f",
               "101112131415161718191a", "000102030405060708090a0b0c0d0e0f10111213",
               "202122232425262728292a2b2c2d2e2f3031323334353637",
               "66949e1f3dfbc6210361935d044046c40864063b814f1da0",
               "22b167d2b46f849c4ae15a75a45c9a0b");
    uint8_t k[16] = { 0 }, n[16] = { 0 }, b[4] = { 0 }, t[16];
    /* bad lengths are refused, not truncated */
    assert_int_equal(wn_crypto_aead_encrypt(WN_CRYPTO_AES128_CCM, k, n, 14, NULL, 0, b, b, 4, t, 16),
                     WN_E_INVAL);
    assert_int_equal(wn_crypto_aead_encrypt(WN_CRYPTO_AES128_GCM, k, n, 11, NULL, 0, b, b, 4, t, 16),
                     WN_E_INVAL);
    assert_int_equal(wn_crypto_aead_encrypt(WN_CRYPTO_AES128_CCM, k, n, 11, NULL, 0, b, b, 4, t, 17),
                     WN_E_INVAL);
    assert_int_equal(wn_crypto_aead_key_len((enum wn_crypto_aead)9), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crypto_md4_md5_sha_match_rfc_and_fips_vectors),
        cmocka_unit_test(test_crypto_incremental_sha512_equals_one_shot),
        cmocka_unit_test(test_crypto_hmac_matches_rfc2202_and_rfc4231),
        cmocka_unit_test(test_crypto_aes128_cmac_matches_rfc4493),
        cmocka_unit_test(test_crypto_rc4_matches_rfc6229_and_keeps_state),
        cmocka_unit_test(test_crypto_des_matches_fips81_and_lm_constant),
        cmocka_unit_test(test_crypto_aes128_cfb_matches_sp800_38a),
        cmocka_unit_test(test_crypto_aes192_aes256_cfb_match_sp800_38a),
        cmocka_unit_test(test_crypto_sp800_108_kdf_gives_smb30_signing_key),
        cmocka_unit_test(test_crypto_aes_gcm_matches_mcgrew_viega_cases_4_and_16),
        cmocka_unit_test(test_crypto_aes_ccm_matches_sp800_38c_and_smb_nonce_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
