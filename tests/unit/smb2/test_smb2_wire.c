/* test_smb2_wire.c: SMB2 codecs against real Samba replies and signing/KDF against independent vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sign.h"
#include "smb2.h"
#include "wire.h"

#ifndef WN_SMB2_CORPUS
#error "WN_SMB2_CORPUS must name fuzz/corpus/fuzz_smb2_resp"
#endif

/* Loads a captured reply (frames of lab/srvs-loopback.pcapng, NBSS prefix stripped). */
static uint8_t *
load(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", WN_SMB2_CORPUS, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t buf[4096];
    *len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    assert_true(*len >= 64);
    return buf;
}

static void
test_smb2_header_round_trip(void **state)
{
    (void)state;
    struct wn_smb2_hdr h = { .credit_charge = 1, .status = 0xC0000016u, .command = 1,
                             .credits = 33, .flags = 9, .message_id = 0x1122334455667788ull,
                             .tree_id = 0xabcdef01u, .session_id = 0x0102030405060708ull };
    memset(h.signature, 0x5a, 16);
    uint8_t buf[64];
    struct wn_wbuf w;
    wn_wbuf_init(&w, buf, sizeof(buf));
    wn_smb2_hdr_encode(&w, &h);
    assert_int_equal(w.err, 0);
    assert_int_equal(wn_wbuf_len(&w), 64);
    static const uint8_t want[32] = { 0xfe, 'S', 'M', 'B', 64, 0, 1, 0, 0x16, 0, 0, 0xc0, 1, 0,
                                      33, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x77, 0x66, 0x55,
                                      0x44, 0x33, 0x22, 0x11 };
    assert_memory_equal(buf, want, sizeof(want));
    struct wn_rbuf r;
    struct wn_smb2_hdr d;
    wn_rbuf_init(&r, buf, sizeof(buf));
    assert_int_equal(wn_smb2_hdr_decode(&r, &d), 0);
    assert_memory_equal(&d, &h, sizeof(d));
    buf[0] = 0xff;
    wn_rbuf_init(&r, buf, sizeof(buf));
    assert_int_equal(wn_smb2_hdr_decode(&r, &d), WN_E_MALFORMED);
    wn_rbuf_init(&r, buf, 63);
    assert_int_equal(wn_smb2_hdr_decode(&r, &d), WN_E_TRUNCATED);
}

static void
test_smb2_negotiate_request_carries_311_contexts(void **state)
{
    (void)state;
    struct wn_smb2_negotiate_req q = { .security_mode = 1, .n_dialects = 5,
                                       .dialects = { 0x0202, 0x0210, 0x0300, 0x0302, 0x0311 } };
    memset(q.client_guid, 0x11, 16);
    memset(q.salt, 0x22, 32);
    uint8_t buf[512];
    struct wn_wbuf w;
    wn_wbuf_init(&w, buf, sizeof(buf));
    wn_wbuf_zeros(&w, 64);
    wn_smb2_negotiate_req_encode(&w, &q);
    assert_int_equal(w.err, 0);
    /* 36 fixed + 10 dialects = 110, padded to 112; preauth ctx 8+38 = 158, pad to 160; sign 8+4 */
    assert_int_equal(wn_wbuf_len(&w), 172);
    struct wn_rbuf r;
    wn_rbuf_init(&r, buf, wn_wbuf_len(&w));
    wn_rbuf_seek(&r, 64);
    assert_int_equal(wn_rbuf_u16le(&r), 36);
    assert_int_equal(wn_rbuf_u16le(&r), 5);
    wn_rbuf_seek(&r, 64 + 28);
    assert_int_equal(wn_rbuf_u32le(&r), 112); /* NegotiateContextOffset */
    assert_int_equal(wn_rbuf_u16le(&r), 2);
    wn_rbuf_seek(&r, 108);
    assert_int_equal(wn_rbuf_u16le(&r), 0x0311);
    wn_rbuf_seek(&r, 112);
    assert_int_equal(wn_rbuf_u16le(&r), 1);   /* PREAUTH */
    assert_int_equal(wn_rbuf_u16le(&r), 38);
    wn_rbuf_seek(&r, 120);
    assert_int_equal(wn_rbuf_u16le(&r), 1);
    assert_int_equal(wn_rbuf_u16le(&r), 32);
    assert_int_equal(wn_rbuf_u16le(&r), 1);   /* SHA-512 */
    assert_int_equal(wn_rbuf_u8(&r), 0x22);
    wn_rbuf_seek(&r, 160);
    assert_int_equal(wn_rbuf_u16le(&r), 8);   /* SIGNING_CAPABILITIES */
    assert_int_equal(wn_rbuf_u16le(&r), 4);
    wn_rbuf_seek(&r, 168);
    assert_int_equal(wn_rbuf_u16le(&r), 1);
    assert_int_equal(wn_rbuf_u16le(&r), 1);   /* AES-CMAC */
    assert_int_equal(r.err, 0);

    /* without 0x0311: ClientStartTime, no contexts */
    q.n_dialects = 2;
    wn_wbuf_init(&w, buf, sizeof(buf));
    wn_wbuf_zeros(&w, 64);
    wn_smb2_negotiate_req_encode(&w, &q);
    assert_int_equal(wn_wbuf_len(&w), 64 + 36 + 4);
}

static void
test_smb2_decodes_samba_negotiate_response(void **state)
{
    (void)state;
    size_t len;
    uint8_t *m = load("capture-frame29.bin", &len);
    struct wn_smb2_negotiate_resp o;
    assert_int_equal(wn_smb2_negotiate_resp_decode(m, len, &o), 0);
    assert_int_equal(o.dialect, 0x0311);
    assert_int_equal(o.security_mode, 1);
    assert_int_equal(o.capabilities, 0xf);
    assert_int_equal(o.max_read, 8u << 20);
    assert_memory_equal(o.server_guid, "labsrv", 6);
    assert_int_equal(o.secblob_len, 74);
    assert_int_equal(o.secblob[0], 0x60);
    assert_true(o.have_preauth);
    assert_int_equal(o.signing_alg, WN_SMB2_SIGN_AES_GMAC);
    assert_int_equal(o.cipher, 2); /* AES-128-GCM */
    /* every truncation is rejected, never read past the end */
    for (size_t n = 0; n < len; n++)
        assert_int_not_equal(wn_smb2_negotiate_resp_decode(m, n, &o), 0);
    /* 3.1.1 without the preauth context is refused; too many contexts too */
    m[64 + 6] = 0;
    assert_int_equal(wn_smb2_negotiate_resp_decode(m, len, &o), WN_E_PROTOCOL);
    m[64 + 6] = WN_SMB2_MAX_CONTEXTS + 1;
    assert_int_equal(wn_smb2_negotiate_resp_decode(m, len, &o), WN_E_LIMIT);
    m[64 + 6] = 3;
    /* the same reply read as 2.1 ignores the contexts */
    m[64 + 4] = 0x10;
    m[64 + 5] = 0x02;
    assert_int_equal(wn_smb2_negotiate_resp_decode(m, len, &o), 0);
    assert_int_equal(o.dialect, 0x0210);
    assert_false(o.have_preauth);
    /* security buffer pointing past the end */
    m[64 + 56] = 0xff;
    assert_int_equal(wn_smb2_negotiate_resp_decode(m, len, &o), WN_E_MALFORMED);
}

static void
test_smb2_decodes_samba_session_setup_replies(void **state)
{
    (void)state;
    size_t len;
    uint8_t *m = load("capture-frame32.bin", &len);
    struct wn_rbuf r;
    struct wn_smb2_hdr h;
    wn_rbuf_init(&r, m, len);
    assert_int_equal(wn_smb2_hdr_decode(&r, &h), 0);
    assert_int_equal(h.status, WN_SMB2_STATUS_MORE_PROCESSING);
    assert_int_equal(h.session_id, 0xf0a5a882ull);
    struct wn_smb2_session_setup_resp o;
    assert_int_equal(wn_smb2_session_setup_resp_decode(m, len, &o), 0);
    assert_int_equal(o.secblob_len, 0x9f);
    assert_int_equal(o.secblob[0], 0xa1); /* NegTokenResp */
    assert_ptr_equal(o.secblob, m + 72);

    m = load("capture-frame34.bin", &len);
    wn_rbuf_init(&r, m, len);
    assert_int_equal(wn_smb2_hdr_decode(&r, &h), 0);
    assert_int_equal(h.status, 0);
    assert_true(h.flags & WN_SMB2_FLAG_SIGNED);
    assert_int_equal(wn_smb2_session_setup_resp_decode(m, len, &o), 0);
    assert_int_equal(o.session_flags, 0);
    assert_int_equal(o.secblob_len, 0x1d);
    /* blob one byte longer than the message */
    m[64 + 6] = 0x1e;
    assert_int_equal(wn_smb2_session_setup_resp_decode(m, len, &o), WN_E_MALFORMED);
    /* blob offset inside the header */
    m[64 + 6] = 0x1d;
    m[64 + 4] = 0x20;
    assert_int_equal(wn_smb2_session_setup_resp_decode(m, len, &o), WN_E_MALFORMED);
}

static void
test_smb2_decodes_samba_pipe_replies(void **state)
{
    (void)state;
    size_t len;
    uint8_t *m = load("capture-frame36.bin", &len);
    struct wn_smb2_tree_connect_resp t;
    assert_int_equal(wn_smb2_tree_connect_resp_decode(m, len, &t), 0);
    assert_int_equal(t.share_type, WN_SMB2_SHARE_TYPE_PIPE);

    m = load("capture-frame38.bin", &len);
    uint8_t fid[16];
    static const uint8_t want_fid[16] = { 0xc8, 0xbc, 0xc7, 0x88, 0, 0, 0, 0,
                                          0x8a, 0xea, 0x5c, 0x3d, 0, 0, 0, 0 };
    assert_int_equal(wn_smb2_create_resp_decode(m, len, fid), 0);
    assert_memory_equal(fid, want_fid, 16);

    m = load("capture-frame40.bin", &len);
    const uint8_t *out;
    size_t outlen;
    assert_int_equal(wn_smb2_ioctl_resp_decode(m, len, &out, &outlen), 0);
    assert_int_equal(outlen, 68);
    assert_int_equal(out[2], 12); /* DCE/RPC bind_ack */
    assert_int_equal(wn_smb2_any_resp_decode(m, len), 0);
    m[64 + 36] = 0x45; /* OutputCount 69: one past the end */
    assert_int_equal(wn_smb2_ioctl_resp_decode(m, len, &out, &outlen), WN_E_MALFORMED);

    m = load("capture-frame44.bin", &len);
    assert_int_equal(wn_smb2_close_resp_decode(m, len), 0);
    m = load("capture-frame46.bin", &len);
    assert_int_equal(wn_smb2_empty_resp_decode(m, len), 0);
    m[64] = 5;
    assert_int_equal(wn_smb2_empty_resp_decode(m, len), WN_E_MALFORMED);
}

static void
test_smb2_pipe_requests_encode_offsets(void **state)
{
    (void)state;
    uint8_t buf[256], fid[16];
    memset(fid, 0xa5, 16);
    struct wn_wbuf w;
    wn_wbuf_init(&w, buf, sizeof(buf));
    wn_wbuf_zeros(&w, 64);
    wn_smb2_ioctl_req_encode(&w, WN_SMB2_FSCTL_PIPE_TRANSCEIVE, fid, (const uint8_t *)"abc", 3,
                             4280);
    assert_int_equal(w.err, 0);
    assert_int_equal(wn_wbuf_len(&w), 120 + 3);
    assert_int_equal(buf[64], 57);
    assert_int_equal(buf[68], 0x17);
    assert_int_equal(buf[70], 0x11);
    assert_int_equal(buf[88], 120);  /* InputOffset */
    assert_int_equal(buf[92], 3);    /* InputCount */
    assert_int_equal(buf[112], 1);   /* IS_FSCTL */
    assert_memory_equal(buf + 120, "abc", 3);

    wn_wbuf_init(&w, buf, sizeof(buf));
    wn_wbuf_zeros(&w, 64);
    wn_smb2_create_req_encode(&w, (const uint8_t *)"s\0r\0", 4);
    assert_int_equal(wn_wbuf_len(&w), 124);
    assert_int_equal(buf[64 + 44], 120); /* NameOffset */
    assert_int_equal(buf[64 + 46], 4);

    wn_wbuf_init(&w, buf, sizeof(buf));
    wn_wbuf_zeros(&w, 64);
    wn_smb2_read_req_encode(&w, fid, 4096);
    assert_int_equal(wn_wbuf_len(&w), 64 + 49);
    wn_wbuf_init(&w, buf, sizeof(buf));
    wn_wbuf_zeros(&w, 64);
    wn_smb2_write_req_encode(&w, fid, (const uint8_t *)"xy", 2);
    assert_int_equal(wn_wbuf_len(&w), 64 + 48 + 2);
    assert_int_equal(buf[64 + 2], 112);
}

/* Vectors computed independently with Python (hmac, hashlib, cryptography CMAC). */
static void
make_msg(uint8_t msg[120])
{
    for (int i = 0; i < 120; i++)
        msg[i] = (uint8_t)(i * 7 + 3);
}

static void
test_smb2_signing_matches_independent_vectors(void **state)
{
    (void)state;
    uint8_t msg[120], sk[16], sig[16], pre[64];
    for (int i = 0; i < 16; i++)
        sk[i] = (uint8_t)i;
    make_msg(msg);
    struct wn_smb2_signer s;

    static const uint8_t hmac_sig[16] = { 0x34, 0x7c, 0x16, 0x4a, 0x76, 0xea, 0x50, 0x56,
                                          0x0a, 0x13, 0xf7, 0x6f, 0x25, 0xeb, 0x69, 0x0d };
    assert_int_equal(wn_smb2_signer_init(&s, 0x0210, sk, 16, NULL), 0);
    wn_smb2_signature(&s, msg, sizeof(msg), sig);
    assert_memory_equal(sig, hmac_sig, 16);

    static const uint8_t k30[16] = { 0x62, 0x34, 0x81, 0x4c, 0xbb, 0x8e, 0xa9, 0x22,
                                     0x74, 0x40, 0xeb, 0xfe, 0xb5, 0xea, 0xcb, 0xe1 };
    static const uint8_t cmac30[16] = { 0xc6, 0x7b, 0x41, 0x1b, 0xb4, 0xa6, 0xac, 0x95,
                                        0x6c, 0x21, 0x67, 0x0a, 0x98, 0x0c, 0xb8, 0x88 };
    assert_int_equal(wn_smb2_signer_init(&s, 0x0302, sk, 16, NULL), 0);
    assert_memory_equal(s.key, k30, 16);
    wn_smb2_signature(&s, msg, sizeof(msg), sig);
    assert_memory_equal(sig, cmac30, 16);

    memset(pre, 0, sizeof(pre));
    wn_smb2_preauth_update(pre, (const uint8_t *)"negotiate-request", 17);
    wn_smb2_preauth_update(pre, (const uint8_t *)"negotiate-response", 18);
    static const uint8_t pre_want[8] = { 0x7c, 0xcb, 0x29, 0xa8, 0x74, 0xc2, 0x78, 0x6d };
    assert_memory_equal(pre, pre_want, 8);
    static const uint8_t k311[16] = { 0x11, 0x61, 0xa3, 0xdd, 0x04, 0xda, 0x23, 0x8e,
                                      0xf4, 0x8e, 0x27, 0x7c, 0xbe, 0xb5, 0x81, 0x71 };
    static const uint8_t cmac311[16] = { 0x49, 0xf6, 0x6a, 0x99, 0x97, 0x08, 0xa3, 0x69,
                                         0x06, 0x1b, 0xb8, 0x3b, 0x90, 0xb2, 0xc6, 0x94 };
    assert_int_equal(wn_smb2_signer_init(&s, 0x0311, sk, 16, pre), 0);
    assert_memory_equal(s.key, k311, 16);
    /* the signature field content does not matter */
    memset(msg + 48, 0xee, 16);
    wn_smb2_signature(&s, msg, sizeof(msg), sig);
    assert_memory_equal(sig, cmac311, 16);

    /* sign then verify; any flipped bit fails */
    wn_smb2_sign(&s, msg, sizeof(msg));
    assert_int_equal(wn_smb2_verify(&s, msg, sizeof(msg)), 0);
    msg[100] ^= 1;
    assert_int_equal(wn_smb2_verify(&s, msg, sizeof(msg)), WN_E_SIGNATURE);
    msg[100] ^= 1;
    msg[16] &= (uint8_t)~WN_SMB2_FLAG_SIGNED;
    assert_int_equal(wn_smb2_verify(&s, msg, sizeof(msg)), WN_E_SIGNATURE);
    wn_smb2_signer_wipe(&s);
    assert_int_equal(s.on, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smb2_header_round_trip),
        cmocka_unit_test(test_smb2_negotiate_request_carries_311_contexts),
        cmocka_unit_test(test_smb2_decodes_samba_negotiate_response),
        cmocka_unit_test(test_smb2_decodes_samba_session_setup_replies),
        cmocka_unit_test(test_smb2_decodes_samba_pipe_replies),
        cmocka_unit_test(test_smb2_pipe_requests_encode_offsets),
        cmocka_unit_test(test_smb2_signing_matches_independent_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
