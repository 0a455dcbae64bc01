/* test_spnego.c: SPNEGO tokens (hand-built DER), NegTokenInit2 checks and the SESSION_SETUP client flow with mechListMIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base.h"
#include "crypto/test_hex.h"
#include "ntlmssp.h"
#include "ntlmssp/vectors.h"

#define NTLM_OID "060a2b06010401823702020a"

/* A Samba-like NegTokenInit2: mechTypes {MS krb5, krb5, NTLMSSP} + negHints. */
static const char NEG_TOKEN_INIT2[] =
    "605e06062b0601050502a0543052a024302206092a864882f71201020206092a864886f712010202"
    "060a2b06010401823702020aa32a3028a0261b246e6f745f646566696e65645f696e5f52464334"
    "31373840706c656173655f69676e6f7265";

/* NegTokenResp{accept-incomplete, NTLMSSP, responseToken = CHALLENGE_TS}. */
static const char SERVER_RESP_TS[] =
    "a1818a308187a0030a0101a10c060a2b06010401823702020aa27204704e544c4d5353500002000000"
    "0000000038000000358289e20123456789abcdef000000000000000038003800380000000a00614a00"
    "00000f02000c0044006f006d00610069006e0001000c0053006500720076006500720007000800000000"
    "eeffc0d201060004000100000000000000";

static void
test_spnego_wraps_init_and_resp_as_hand_built_der(void **state)
{
    (void)state;
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 4096);
    assert_int_equal(wn_spnego_wrap_init((const uint8_t *)"abc", 3, &b), 0);
    size_t n;
    const uint8_t *want = hx("6023 06062b0601050502 a019 3017 a00e 300c" NTLM_OID
                             "a205 0403616263", &n);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, want, n);
    wn_dynbuf_reset(&b);
    assert_int_equal(wn_spnego_wrap_resp((const uint8_t *)"ab", 2, (const uint8_t *)"m", 1, &b), 0);
    want = hx("a10d 300b a204 04026162 a303 04016d", &n);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, want, n);
    wn_dynbuf_reset(&b);
    assert_int_equal(wn_spnego_wrap_resp(NULL, 0, NULL, 0, &b), 0);
    ASSERT_HEX(b.data, "a1023000");
    /* A long token needs long-form lengths. */
    static uint8_t big[300];
    wn_dynbuf_reset(&b);
    assert_int_equal(wn_spnego_wrap_resp(big, sizeof big, NULL, 0, &b), 0);
    ASSERT_HEX(b.data, "a182013830820134a28201300482012c00");
    wn_dynbuf_free(&b);
    size_t mlen;
    const uint8_t *mt = wn_spnego_mech_types(&mlen);
    assert_int_equal(mlen, 14);
    ASSERT_HEX(mt, "300c" NTLM_OID);
}

static void
test_spnego_parses_server_resp_and_round_trips(void **state)
{
    (void)state;
    size_t n;
    const uint8_t *t = hx("a11e 301c a003 0a0101 a10c" NTLM_OID "a207 0405 4e544c4d53", &n);
    struct wn_spnego_resp r;
    assert_int_equal(wn_spnego_parse_resp(t, n, &r), 0);
    assert_int_equal(r.neg_state, WN_SPNEGO_ACCEPT_INCOMPLETE);
    assert_true(r.has_mech);
    assert_true(r.mech_is_ntlmssp);
    assert_int_equal(r.token_len, 5);
    assert_memory_equal(r.token, "NTLMS", 5);
    assert_null(r.mic);

    /* Our own encoder's output parses back (golden round trip). */
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 4096);
    assert_int_equal(wn_spnego_wrap_resp((const uint8_t *)"tok", 3, (const uint8_t *)"0123456789abcdef",
                                         16, &b), 0);
    assert_int_equal(wn_spnego_parse_resp(b.data, b.len, &r), 0);
    assert_int_equal(r.neg_state, WN_SPNEGO_STATE_ABSENT);
    assert_false(r.has_mech);
    assert_int_equal(r.token_len, 3);
    assert_int_equal(r.mic_len, 16);
    assert_memory_equal(r.mic, "0123456789abcdef", 16);
    wn_dynbuf_free(&b);

    /* A different mechanism (Kerberos 1.2.840.113554.1.2.2). */
    t = hx("a1143012a0030a0100a10b06092a864886f712010202", &n);
    assert_int_equal(wn_spnego_parse_resp(t, n, &r), 0);
    assert_true(r.has_mech);
    assert_false(r.mech_is_ntlmssp);
    assert_int_equal(r.neg_state, WN_SPNEGO_ACCEPT_COMPLETED);
}

static void
test_spnego_rejects_malformed_resp(void **state)
{
    (void)state;
    static const char *bad[] = {
        "a0053003a00100",                       /* negTokenInit, not resp */
        "a1073005a2030401",                     /* truncated inner */
        "a1083006a2020400a0020a00",             /* fields out of order */
        "a10a3008a0030a0101a0030a0101",         /* duplicate [0] */
        "a1053003a0030a0104",                   /* negState 4 */
        "a1053003a0030a020001",                 /* negState two octets */
        "a1043002a400",                         /* unknown [4] */
        "a1053003a0030a0101ff",                 /* garbage after the resp */
        "a1063004a2020401",                     /* octet string overruns */
        "a1063004a20304010000",                 /* extra bytes inside [2] */
        "a1073005a003020101",                   /* negState as INTEGER */
        "a180",                                 /* indefinite length */
    };
    for (size_t i = 0; i < WN_ARRAY_SIZE(bad); i++) {
        size_t n;
        const uint8_t *t = hx(bad[i], &n);
        struct wn_spnego_resp r;
        assert_true(wn_spnego_parse_resp(t, n, &r) < 0);
    }
    struct wn_spnego_resp r;
    static uint8_t huge[WN_SPNEGO_MAX_TOKEN + 1];
    assert_int_equal(wn_spnego_parse_resp(huge, sizeof huge, &r), WN_E_LIMIT);
}

static void
test_spnego_check_init2_requires_ntlmssp(void **state)
{
    (void)state;
    size_t n;
    /* Samba-like NegTokenInit2: krb5 (MS), krb5, NTLMSSP + negHints. */
    const uint8_t *t = hx(NEG_TOKEN_INIT2, &n);
    assert_int_equal(wn_spnego_check_init2(t, n), 0);
    t = hx("605206062b0601050502a0483046a018301606092a864882f71201020206092a864886f712010202"
           "a32a3028a0261b246e6f745f646566696e65645f696e5f5246433431373840706c656173655f69676e"
           "6f7265", &n);
    assert_int_equal(wn_spnego_check_init2(t, n), WN_E_UNSUPPORTED);
    assert_int_equal(wn_spnego_check_init2(NULL, 0), 0);
    t = hx("6008 06062b0601050503", &n);   /* not SPNEGO */
    assert_int_equal(wn_spnego_check_init2(t, n), WN_E_UNSUPPORTED);
    t = hx("6036 06062b0601050502 a02c", &n);
    assert_true(wn_spnego_check_init2(t, n) < 0);
}

/* The server's first NegTokenResp around CHALLENGE_TS (DER built by hand). */
static void
server_challenge(struct wn_dynbuf *b)
{
    size_t n;
    const uint8_t *t = hx(SERVER_RESP_TS, &n);
    wn_dynbuf_init(b, 4096);
    assert_int_equal(wn_dynbuf_add(b, t, n), 0);
}

static void
test_spnego_client_flow_sends_and_verifies_mechlistmic(void **state)
{
    (void)state;
    const struct wn_ntlmssp_creds creds = {"User", "Domain", "Password", NULL};
    struct wn_spnego *s;
    struct wn_dynbuf out, srv;
    int done = -1;
    assert_int_equal(wn_spnego_client_new(&creds, &s), 0);
    wn_dynbuf_init(&out, 8192);
    assert_int_equal(wn_spnego_client_step(s, NULL, 0, &out, &done), 0);
    assert_int_equal(done, 0);
    /* Token 1: GSS + NegTokenInit carrying the 40-byte NEGOTIATE. */
    ASSERT_HEX(out.data, "604806062b0601050502a03e303ca00e300c" NTLM_OID "a22a0428 4e544c4d53535000 01000000");

    server_challenge(&srv);
    wn_dynbuf_reset(&out);
    assert_int_equal(wn_spnego_client_step(s, srv.data, srv.len, &out, &done), 0);
    assert_int_equal(done, 0);
    struct wn_spnego_resp r;
    assert_int_equal(wn_spnego_parse_resp(out.data, out.len, &r), 0);
    assert_non_null(r.token);
    assert_memory_equal(r.token, "NTLMSSP\0\3\0\0\0", 12);
    /* mechListMIC over the DER MechTypeList with the client keys (golden
     * value from impacket 0.10 ntlm.SIGN, flags 0xE2888215, key 55*16). */
    assert_int_equal(r.mic_len, 16);
    ASSERT_HEX(r.mic, "0100000022a3984fefbb9c3200000000");

    /* The final token: accept-completed + the server's mechListMIC. */
    size_t n;
    const uint8_t *fin = hx("a11b 3019 a0030a0100 a312 0410 010000007dd6da05648a73ae00000000", &n);
    uint8_t forged[64];
    memcpy(forged, fin, n);
    forged[n - 6] ^= 0x01;
    assert_int_equal(wn_spnego_client_step(s, forged, n, &out, &done), WN_E_SIGNATURE);
    assert_int_equal(done, 0);
    assert_int_equal(wn_spnego_client_step(s, fin, n, &out, &done), 0);
    assert_int_equal(done, 1);
    uint8_t key[16];
    assert_int_equal(wn_spnego_session_key(s, key), 0);
    ASSERT_HEX(key, "55555555555555555555555555555555");
    assert_int_equal(wn_spnego_client_step(s, fin, n, &out, &done), WN_E_STATE);
    wn_dynbuf_free(&out);
    wn_dynbuf_free(&srv);
    wn_spnego_free(s);
}

static void
test_spnego_client_maps_reject_and_foreign_mech(void **state)
{
    (void)state;
    const struct wn_ntlmssp_creds creds = {"User", "Domain", "Password", NULL};
    struct wn_spnego *s;
    struct wn_dynbuf out;
    int done;
    size_t n;
    wn_dynbuf_init(&out, 8192);
    assert_int_equal(wn_spnego_client_new(&creds, &s), 0);
    assert_int_equal(wn_spnego_client_step(s, NULL, 0, &out, &done), 0);
    const uint8_t *rej = hx("a1073005a0030a0102", &n);
    assert_int_equal(wn_spnego_client_step(s, rej, n, &out, &done), WN_E_AUTH);
    const uint8_t *krb = hx("a1143012a0030a0101a10b06092a864886f712010202", &n);
    assert_int_equal(wn_spnego_client_step(s, krb, n, &out, &done), WN_E_UNSUPPORTED);
    const uint8_t *notok = hx("a1073005a0030a0101", &n);
    assert_int_equal(wn_spnego_client_step(s, notok, n, &out, &done), WN_E_PROTOCOL);
    wn_spnego_free(s);
    wn_dynbuf_free(&out);

    /* A server whose NegTokenInit2 lacks NTLMSSP is refused up front. */
    assert_int_equal(wn_spnego_client_new(&creds, &s), 0);
    const uint8_t *init2 = hx("601b06062b0601050502a011300fa00d300b06092a864886f712010202", &n);
    assert_int_equal(wn_spnego_client_step(s, init2, n, &out, &done), WN_E_UNSUPPORTED);
    wn_spnego_free(s);
    wn_dynbuf_free(&out);
}

static void
test_spnego_client_survives_every_allocation_failure(void **state)
{
    (void)state;
    const struct wn_ntlmssp_creds creds = {"User", "Domain", "Password", NULL};
    struct wn_dynbuf srv;
    server_challenge(&srv);
    for (long i = 0;; i++) {
        struct wn_spnego *s = NULL;
        struct wn_dynbuf out;
        int done;
        wn_dynbuf_init(&out, 8192);
        wn_alloc_fail_after(i);
        int rc = wn_spnego_client_new(&creds, &s);
        if (rc == 0)
            rc = wn_spnego_client_step(s, NULL, 0, &out, &done);
        if (rc == 0)
            rc = wn_spnego_client_step(s, srv.data, srv.len, &out, &done);
        wn_alloc_fail_after(-1);
        wn_spnego_free(s);
        wn_dynbuf_free(&out);
        if (rc == 0)
            break;
        assert_int_equal(rc, WN_E_NOMEM);
        assert_true(i < 100);
    }
    wn_dynbuf_free(&srv);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spnego_wraps_init_and_resp_as_hand_built_der),
        cmocka_unit_test(test_spnego_parses_server_resp_and_round_trips),
        cmocka_unit_test(test_spnego_rejects_malformed_resp),
        cmocka_unit_test(test_spnego_check_init2_requires_ntlmssp),
        cmocka_unit_test_setup_teardown(test_spnego_client_flow_sends_and_verifies_mechlistmic,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_spnego_client_maps_reject_and_foreign_mech, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_spnego_client_survives_every_allocation_failure,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
