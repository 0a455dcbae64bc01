/* test_ntlmssp.c: NTLMv2 client against the MS-NLMP 4.2.4 vectors, MIC/anonymous variants, session security and hostile CHALLENGEs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base.h"
#include "crypto.h"
#include "crypto/test_hex.h"
#include "ntlmssp.h"
#include "ntlmssp/vectors.h"

static const struct wn_ntlmssp_creds CREDS = {"User", "Domain", "Password", "COMPUTER"};

/* Runs NEGOTIATE + AUTHENTICATE for `chal`; returns the client. */
static struct wn_ntlmssp *
run(const struct wn_ntlmssp_creds *creds, uint32_t flags, const uint8_t *chal, size_t chal_len,
    struct wn_dynbuf *neg, struct wn_dynbuf *auth)
{
    struct wn_ntlmssp *n;
    assert_int_equal(wn_ntlmssp_client_new(creds, &n), 0);
    if (flags)
        wn_ntlmssp_set_flags(n, flags);
    wn_ntlmssp_set_version(n, 5, 1, 2600);
    wn_dynbuf_init(neg, 4096);
    wn_dynbuf_init(auth, 4096);
    assert_int_equal(wn_ntlmssp_negotiate(n, neg), 0);
    assert_int_equal(wn_ntlmssp_authenticate(n, chal, chal_len, auth), 0);
    return n;
}

static void
test_ntlmssp_ntowfv2_matches_ms_nlmp_424(void **state)
{
    (void)state;
    uint8_t k[16];
    assert_int_equal(wn_ntlmssp_ntowfv2("User", "Domain", "Password", k), 0);
    ASSERT_HEX(k, "0c868a403bfd7a93a3001ef22ef02e3f");
    /* The user name is upper-cased, the domain is not. */
    assert_int_equal(wn_ntlmssp_ntowfv2("uSeR", "Domain", "Password", k), 0);
    ASSERT_HEX(k, "0c868a403bfd7a93a3001ef22ef02e3f");
    assert_int_equal(wn_ntlmssp_ntowfv2("User", "DOMAIN", "Password", k), 0);
    assert_memory_not_equal(k, hx("0c868a403bfd7a93a3001ef22ef02e3f", NULL), 16);
    assert_int_equal(wn_ntlmssp_ntowfv2("User", "Domain", "\xff", k), WN_E_INVAL);
}

static void
test_ntlmssp_authenticate_reproduces_ms_nlmp_424_message(void **state)
{
    (void)state;
    size_t clen, alen;
    const uint8_t *chal = hx(CHALLENGE_424, &clen);
    struct wn_dynbuf neg, auth;
    struct wn_ntlmssp *n = run(&CREDS, 0xE2888235u, chal, clen, &neg, &auth);
    const uint8_t *want = hx(AUTHENTICATE_424, &alen);
    assert_int_equal(auth.len, alen);
    assert_memory_equal(auth.data, want, alen);
    /* NEGOTIATE: signature, type 1, our flags, version. */
    assert_int_equal(neg.len, 40);
    ASSERT_HEX(neg.data, "4e544c4d53535000 01000000 358288e2");
    ASSERT_HEX(neg.data + 32, "0501280a0000000f");
    uint8_t key[16];
    assert_int_equal(wn_ntlmssp_session_key(n, key), 0);
    ASSERT_HEX(key, "55555555555555555555555555555555");
    assert_int_equal(wn_ntlmssp_mic_sent(n), 0);
    assert_int_equal(wn_ntlmssp_flags(n), 0xE2888235u);
    wn_dynbuf_free(&neg);
    wn_dynbuf_free(&auth);
    wn_ntlmssp_free(n);
}

static void
test_ntlmssp_session_security_matches_424_seal_and_impacket_sign(void **state)
{
    (void)state;
    size_t clen;
    const uint8_t *chal = hx(CHALLENGE_424, &clen);
    struct wn_dynbuf neg, auth;
    uint8_t pt[18], sig[16];
    const uint8_t plain[18] = "P\0l\0a\0i\0n\0t\0e\0x\0t";   /* "Plaintext" UTF-16LE */

    /* MS-NLMP 4.2.4.4: sealed "Plaintext" and its signature. */
    struct wn_ntlmssp *n = run(&CREDS, 0xE2888235u, chal, clen, &neg, &auth);
    memcpy(pt, plain, sizeof pt);
    assert_int_equal(wn_ntlmssp_seal(n, pt, sizeof pt, sig), 0);
    ASSERT_HEX(pt, "54e50165bf1936dc996020c1811b0f06fb5f");
    ASSERT_HEX(sig, "010000007fb38ec5c55d497600000000");
    wn_ntlmssp_free(n);
    wn_dynbuf_free(&neg);
    wn_dynbuf_free(&auth);

    /* Sign-only with fresh handles (golden values from impacket 0.10's
     * ntlm.SIGN with the same keys); the RC4 state and the sequence
     * number run on. */
    n = run(&CREDS, 0xE2888235u, chal, clen, &neg, &auth);
    assert_int_equal(wn_ntlmssp_sign(n, plain, sizeof plain, sig), 0);
    ASSERT_HEX(sig, "0100000074d045342c4f1cd500000000");
    assert_int_equal(wn_ntlmssp_sign(n, plain, sizeof plain, sig), 0);
    ASSERT_HEX(sig, "01000000e50c09993e3a33d001000000");
    /* Server signatures: a bad one is refused and does not advance. */
    uint8_t bad[16];
    memcpy(bad, hx("01000000e01b84f3fbde503c00000000", NULL), 16);
    bad[5] ^= 1;
    assert_int_equal(wn_ntlmssp_verify(n, plain, sizeof plain, bad), WN_E_SIGNATURE);
    assert_int_equal(wn_ntlmssp_verify(n, plain, sizeof plain,
                                       hx("01000000e01b84f3fbde503c00000000", NULL)), 0);
    assert_int_equal(wn_ntlmssp_verify(n, plain, sizeof plain,
                                       hx("010000007c65f818d90282b301000000", NULL)), 0);
    wn_ntlmssp_free(n);
    wn_dynbuf_free(&neg);
    wn_dynbuf_free(&auth);
}


static void
test_ntlmssp_signing_follows_negotiated_key_strength(void **state)
{
    (void)state;
    size_t clen;
    const uint8_t *chal = hx(CHALLENGE_424, &clen);
    const uint8_t plain[18] = "P\0l\0a\0i\0n\0t\0e\0x\0t";
    static const struct {
        uint32_t flags;
        const char *key;
        const char *sig;   /* golden: impacket 0.10 ntlm.SIGN, seq 0 */
    } cases[] = {
        /* No KEY_EXCH: session key = SessionBaseKey, checksum not RC4'd. */
        {0xA2888235u, "8de40ccadbc14a82f15cb0ad0de95ca3", "01000000d2a26ec1e67aadcb00000000"},
        /* 56-bit sealing key (7 bytes of the session key). */
        {0xC2888235u, "55555555555555555555555555555555", "010000001eed1d7c7e57c36a00000000"},
        /* 40-bit sealing key (5 bytes). */
        {0x42888235u, "55555555555555555555555555555555", "010000006c8958e0f2ff80e400000000"},
    };
    for (size_t i = 0; i < WN_ARRAY_SIZE(cases); i++) {
        struct wn_dynbuf neg, auth;
        uint8_t key[16], sig[16];
        struct wn_ntlmssp *n = run(&CREDS, cases[i].flags, chal, clen, &neg, &auth);
        assert_int_equal(wn_ntlmssp_flags(n), cases[i].flags);
        assert_int_equal(wn_ntlmssp_session_key(n, key), 0);
        ASSERT_HEX(key, cases[i].key);
        assert_int_equal(wn_ntlmssp_sign(n, plain, sizeof plain, sig), 0);
        ASSERT_HEX(sig, cases[i].sig);
        wn_dynbuf_free(&neg);
        wn_dynbuf_free(&auth);
        wn_ntlmssp_free(n);
    }
    /* Without EXTENDED_SESSIONSECURITY the old scheme is not offered. */
    struct wn_dynbuf neg, auth;
    uint8_t sig[16];
    struct wn_ntlmssp *n = run(&CREDS, 0xE2808235u, chal, clen, &neg, &auth);
    assert_int_equal(wn_ntlmssp_sign(n, plain, sizeof plain, sig), WN_E_UNSUPPORTED);
    wn_dynbuf_free(&neg);
    wn_dynbuf_free(&auth);
    wn_ntlmssp_free(n);
}

static void
test_ntlmssp_timestamp_adds_mic_avflags_and_target_name(void **state)
{
    (void)state;
    size_t clen;
    const uint8_t *chal = hx(CHALLENGE_TS, &clen);
    struct wn_ntlmssp_challenge c;
    assert_int_equal(wn_ntlmssp_challenge_decode(chal, clen, &c), 0);
    assert_true(c.has_timestamp);
    assert_int_equal(c.timestamp, 0x01d2c0ffee000000ull);
    assert_int_equal(c.av_flags, 1);
    assert_int_equal(c.av_count, 4);

    struct wn_ntlmssp *n;
    struct wn_dynbuf neg, auth;
    assert_int_equal(wn_ntlmssp_client_new(&CREDS, &n), 0);
    assert_int_equal(wn_ntlmssp_set_target_name(n, "cifs/srv"), 0);
    wn_dynbuf_init(&neg, 4096);
    wn_dynbuf_init(&auth, 4096);
    assert_int_equal(wn_ntlmssp_negotiate(n, &neg), 0);
    assert_int_equal(wn_ntlmssp_authenticate(n, chal, clen, &auth), 0);
    assert_int_equal(wn_ntlmssp_mic_sent(n), 1);
    /* Every flag the client asks for is offered by this server. */
    assert_int_equal(wn_ntlmssp_flags(n), WN_NTLMSSP_CLIENT_FLAGS);

    struct wn_rbuf r;
    wn_rbuf_init(&r, auth.data, auth.len);
    wn_rbuf_seek(&r, 12);
    uint16_t lm_len = wn_rbuf_u16le(&r);
    wn_rbuf_skip(&r, 2);
    uint32_t lm_off = wn_rbuf_u32le(&r);
    uint16_t nt_len = wn_rbuf_u16le(&r);
    wn_rbuf_skip(&r, 2);
    uint32_t nt_off = wn_rbuf_u32le(&r);
    assert_int_equal(r.err, 0);
    assert_int_equal(lm_len, 24);
    static const uint8_t z24[24];
    assert_memory_equal(auth.data + lm_off, z24, 24);   /* Z(24) with a timestamp */
    /* The blob time is the server's timestamp. */
    assert_memory_equal(auth.data + nt_off + 24, chal + 56 + 36, 8);
    /* MsvAvFlags = server's | 0x2, then MsvAvTargetName "cifs/srv", EOL. */
    const uint8_t *blob_av = auth.data + nt_off + 16 + 28;
    size_t av_len = nt_len - 16 - 28 - 4;
    ASSERT_HEX(blob_av + av_len - 32, "0600040003000000 0900100063006900660073002f00730072007600 00000000");
    /* MIC = HMAC-MD5(ExportedSessionKey, NEGOTIATE|CHALLENGE|AUTHENTICATE with MIC zeroed). */
    uint8_t mic[16], got[16];
    memcpy(got, auth.data + 72, 16);
    memset(auth.data + 72, 0, 16);
    struct wn_crypto_hmac m;
    uint8_t esk[16];
    memset(esk, 0x55, 16);
    assert_int_equal(wn_crypto_hmac_init(&m, WN_CRYPTO_MD5, esk, 16), 0);
    wn_crypto_hmac_update(&m, neg.data, neg.len);
    wn_crypto_hmac_update(&m, chal, clen);
    wn_crypto_hmac_update(&m, auth.data, auth.len);
    wn_crypto_hmac_final(&m, mic);
    assert_memory_equal(got, mic, 16);
    /* The NT proof covers the blob: recompute it from the published NTOWFv2. */
    uint8_t proof[16];
    assert_int_equal(wn_crypto_hmac_init(&m, WN_CRYPTO_MD5, hx("0c868a403bfd7a93a3001ef22ef02e3f", NULL), 16), 0);
    wn_crypto_hmac_update(&m, chal + 24, 8);
    wn_crypto_hmac_update(&m, auth.data + nt_off + 16, nt_len - 16);
    wn_crypto_hmac_final(&m, proof);
    assert_memory_equal(proof, auth.data + nt_off, 16);
    wn_dynbuf_free(&neg);
    wn_dynbuf_free(&auth);
    wn_ntlmssp_free(n);
}

static void
test_ntlmssp_anonymous_sends_empty_responses_and_has_no_key(void **state)
{
    (void)state;
    size_t clen;
    const uint8_t *chal = hx(CHALLENGE_TS, &clen);
    const struct wn_ntlmssp_creds anon = {NULL, NULL, NULL, NULL};
    struct wn_dynbuf neg, auth;
    struct wn_ntlmssp *n = run(&anon, 0, chal, clen, &neg, &auth);
    struct wn_rbuf r;
    wn_rbuf_init(&r, auth.data, auth.len);
    wn_rbuf_seek(&r, 12);
    assert_int_equal(wn_rbuf_u16le(&r), 1);     /* LM = Z(1) */
    wn_rbuf_seek(&r, 20);
    assert_int_equal(wn_rbuf_u16le(&r), 0);     /* NT empty */
    wn_rbuf_seek(&r, 36);
    assert_int_equal(wn_rbuf_u16le(&r), 0);     /* user empty */
    wn_rbuf_seek(&r, 52);
    assert_int_equal(wn_rbuf_u16le(&r), 0);     /* no encrypted session key */
    wn_rbuf_seek(&r, 60);
    uint32_t flags = wn_rbuf_u32le(&r);
    assert_true(flags & WN_NTLMSSP_NEGOTIATE_ANONYMOUS);
    assert_false(flags & WN_NTLMSSP_NEGOTIATE_KEY_EXCH);
    assert_int_equal(wn_ntlmssp_mic_sent(n), 0);
    uint8_t key[16], sig[16];
    assert_int_equal(wn_ntlmssp_session_key(n, key), WN_E_NOTFOUND);
    assert_int_equal(wn_ntlmssp_sign(n, key, 16, sig), WN_E_STATE);
    wn_dynbuf_free(&neg);
    wn_dynbuf_free(&auth);
    wn_ntlmssp_free(n);
}

static void
test_ntlmssp_calls_out_of_order_fail_with_state(void **state)
{
    (void)state;
    size_t clen;
    const uint8_t *chal = hx(CHALLENGE_424, &clen);
    struct wn_ntlmssp *n;
    struct wn_dynbuf b;
    uint8_t key[16];
    wn_dynbuf_init(&b, 4096);
    assert_int_equal(wn_ntlmssp_client_new(&CREDS, &n), 0);
    assert_int_equal(wn_ntlmssp_authenticate(n, chal, clen, &b), WN_E_STATE);
    assert_int_equal(wn_ntlmssp_session_key(n, key), WN_E_STATE);
    assert_int_equal(wn_ntlmssp_negotiate(n, &b), 0);
    assert_int_equal(wn_ntlmssp_negotiate(n, &b), WN_E_STATE);
    wn_dynbuf_free(&b);
    wn_ntlmssp_free(n);
    const struct wn_ntlmssp_creds bad = {"\xc0\xaf", NULL, NULL, NULL};
    assert_int_equal(wn_ntlmssp_client_new(&bad, &n), WN_E_INVAL);
}

static void
test_ntlmssp_challenge_decoder_rejects_hostile_messages(void **state)
{
    (void)state;
    size_t clen;
    uint8_t m[256];
    const uint8_t *src = hx(CHALLENGE_424, &clen);
    memcpy(m, src, clen);
    struct wn_ntlmssp_challenge c;
    assert_int_equal(wn_ntlmssp_challenge_decode(m, clen, &c), 0);
    assert_int_equal(c.av_count, 2);
    assert_int_equal(c.target_info_len, 36);
    assert_false(c.has_timestamp);

    uint8_t t[256];
#define MUTATE(off, val, want)                                              \
    do {                                                                    \
        memcpy(t, m, clen);                                                 \
        t[(off)] = (val);                                                   \
        assert_int_equal(wn_ntlmssp_challenge_decode(t, clen, &c), (want)); \
    } while (0)
    MUTATE(0, 'X', WN_E_MALFORMED);          /* signature */
    MUTATE(8, 3, WN_E_MALFORMED);            /* message type */
    MUTATE(40, 0x25, WN_E_TRUNCATED);        /* TargetInfo len past the end */
    MUTATE(44, 0x45, WN_E_TRUNCATED);        /* TargetInfo offset past the end */
    MUTATE(44, 0x10, WN_E_MALFORMED);        /* TargetInfo inside the header */
    MUTATE(47, 0x80, WN_E_TRUNCATED);        /* huge offset */
    MUTATE(41, 0x20, WN_E_LIMIT);            /* TargetInfo len over the limit */
    MUTATE(12, 0xff, WN_E_TRUNCATED);        /* TargetName past the end */
    MUTATE(70, 0x40, WN_E_TRUNCATED);        /* AV pair value past TargetInfo */
    MUTATE(84, 0x07, WN_E_MALFORMED);        /* timestamp of 12 bytes */
    MUTATE(102, 0x04, WN_E_TRUNCATED);       /* EOL with a length */
#undef MUTATE
    assert_int_equal(wn_ntlmssp_challenge_decode(m, 47, &c), WN_E_TRUNCATED);
    assert_int_equal(wn_ntlmssp_challenge_decode(m, WN_NTLMSSP_MAX_MSG + 1, &c), WN_E_LIMIT);

    /* More AV pairs than WN_NTLMSSP_MAX_AV_PAIRS. */
    static uint8_t big[64 + 4 * (WN_NTLMSSP_MAX_AV_PAIRS + 2)];
    memcpy(big, m, 48);
    size_t ti = 4 * (WN_NTLMSSP_MAX_AV_PAIRS + 2);
    big[40] = (uint8_t)ti;
    big[41] = (uint8_t)(ti >> 8);
    big[44] = 56;
    big[45] = big[46] = big[47] = 0;
    memset(big + 56, 0, ti);
    for (size_t i = 0; i < WN_NTLMSSP_MAX_AV_PAIRS + 1; i++)
        big[56 + 4 * i] = 8;                  /* MsvAvSingleHost, empty */
    assert_int_equal(wn_ntlmssp_challenge_decode(big, 56 + ti, &c), WN_E_LIMIT);

    /* authenticate() passes decoder errors through and writes nothing. */
    struct wn_ntlmssp *n;
    struct wn_dynbuf neg, out;
    wn_dynbuf_init(&neg, 4096);
    wn_dynbuf_init(&out, 4096);
    assert_int_equal(wn_ntlmssp_client_new(&CREDS, &n), 0);
    assert_int_equal(wn_ntlmssp_negotiate(n, &neg), 0);
    memcpy(t, m, clen);
    t[20] &= (uint8_t)~1u;   /* no UNICODE */
    assert_int_equal(wn_ntlmssp_authenticate(n, t, clen, &out), WN_E_PROTOCOL);
    assert_int_equal(wn_ntlmssp_authenticate(n, m, 20, &out), WN_E_TRUNCATED);
    assert_int_equal(out.len, 0);
    wn_dynbuf_free(&neg);
    wn_dynbuf_free(&out);
    wn_ntlmssp_free(n);
}

static void
test_ntlmssp_challenge_without_target_info_still_authenticates(void **state)
{
    (void)state;
    size_t clen;
    uint8_t m[256];
    const uint8_t *src = hx(CHALLENGE_424, &clen);
    memcpy(m, src, clen);
    memset(m + 40, 0, 4);   /* TargetInfoFields: empty */
    struct wn_ntlmssp_challenge c;
    assert_int_equal(wn_ntlmssp_challenge_decode(m, clen, &c), 0);
    assert_null(c.target_info);
    struct wn_dynbuf neg, auth;
    struct wn_ntlmssp *n = run(&CREDS, 0, m, clen, &neg, &auth);
    /* NT response = proof(16) + blob(28) + EOL(4) + Z(4). */
    struct wn_rbuf r;
    wn_rbuf_init(&r, auth.data, auth.len);
    wn_rbuf_seek(&r, 20);
    assert_int_equal(wn_rbuf_u16le(&r), 16 + 28 + 4 + 4);
    wn_dynbuf_free(&neg);
    wn_dynbuf_free(&auth);
    wn_ntlmssp_free(n);
}

static void
test_ntlmssp_survives_every_allocation_failure(void **state)
{
    (void)state;
    size_t clen;
    const uint8_t *chal = hx(CHALLENGE_TS, &clen);
    for (long i = 0;; i++) {
        struct wn_ntlmssp *n = NULL;
        struct wn_dynbuf neg, auth;
        wn_dynbuf_init(&neg, 4096);
        wn_dynbuf_init(&auth, 4096);
        wn_alloc_fail_after(i);
        int rc = wn_ntlmssp_client_new(&CREDS, &n);
        if (rc == 0)
            rc = wn_ntlmssp_set_target_name(n, "cifs/x");
        if (rc == 0)
            rc = wn_ntlmssp_negotiate(n, &neg);
        if (rc == 0)
            rc = wn_ntlmssp_authenticate(n, chal, clen, &auth);
        wn_alloc_fail_after(-1);
        wn_ntlmssp_free(n);
        wn_dynbuf_free(&neg);
        wn_dynbuf_free(&auth);
        if (rc == 0)
            break;
        assert_int_equal(rc, WN_E_NOMEM);
        assert_true(i < 100);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ntlmssp_ntowfv2_matches_ms_nlmp_424, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ntlmssp_authenticate_reproduces_ms_nlmp_424_message,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_ntlmssp_session_security_matches_424_seal_and_impacket_sign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ntlmssp_signing_follows_negotiated_key_strength,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ntlmssp_timestamp_adds_mic_avflags_and_target_name,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ntlmssp_anonymous_sends_empty_responses_and_has_no_key,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ntlmssp_calls_out_of_order_fail_with_state, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ntlmssp_challenge_decoder_rejects_hostile_messages,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_ntlmssp_challenge_without_target_info_still_authenticates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ntlmssp_survives_every_allocation_failure, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
