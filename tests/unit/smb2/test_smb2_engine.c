/* test_smb2_engine.c: the request/reply engine against scripted replies on a socketpair (signing, interim, limits, timeouts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "conn.h"

struct fixture {
    struct wn_smb2_conn *c;
    int peer; /* the "server" end */
};

static int
setup(void **state)
{
    static struct fixture f;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    f.c = wn_calloc(1, sizeof(*f.c));
    assert_non_null(f.c);
    f.c->fd = sv[0];
    f.peer = sv[1];
    f.c->timeout_ms = 2000;
    f.c->dialect = WN_SMB2_DIALECT_302;
    f.c->credits = 10;
    f.c->next_mid = 5;
    f.c->session_id = 0x77;
    f.c->tree_id = 9;
    wn_dynbuf_init(&f.c->tx, 1 << 20);
    wn_dynbuf_init(&f.c->rx, WN_SMB2_MAX_MESSAGE);
    wn_dynbuf_init(&f.c->sealed, WN_SMB2_MAX_MESSAGE);
    static const uint8_t sk[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    assert_int_equal(wn_smb2_signer_init(&f.c->signer, WN_SMB2_DIALECT_302, sk, 16, NULL), 0);
    f.c->signing = 1;
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    f->c->broken = 1; /* no TREE_DISCONNECT/LOGOFF on the fake peer */
    wn_smb2_disconnect(f->c);
    close(f->peer);
    return 0;
}

/* Queues one reply frame on the peer end: a TREE_DISCONNECT-shaped body. */
static void
queue_reply(struct fixture *f, uint64_t mid, uint32_t status, uint32_t flags, int sign,
            int corrupt)
{
    uint8_t buf[4 + 64 + 4];
    struct wn_wbuf w;
    wn_wbuf_init(&w, buf + 4, sizeof(buf) - 4);
    struct wn_smb2_hdr h = { .credit_charge = 1, .status = status,
                             .command = WN_SMB2_TREE_DISCONNECT, .credits = 3,
                             .flags = WN_SMB2_FLAG_RESPONSE | flags, .message_id = mid,
                             .tree_id = 9, .session_id = 0x77, .async_id = 1 };
    wn_smb2_hdr_encode(&w, &h);
    wn_smb2_empty_req_encode(&w); /* same 4-byte shape as the reply */
    size_t len = wn_wbuf_len(&w);
    if (sign)
        wn_smb2_sign(&f->c->signer, buf + 4, len);
    if (corrupt)
        buf[4 + 66] ^= 0x40;
    buf[0] = 0;
    buf[1] = 0;
    buf[2] = 0;
    buf[3] = (uint8_t)len;
    assert_int_equal(write(f->peer, buf, len + 4), (ssize_t)(len + 4));
}

static int
send_one(struct fixture *f, struct wn_smb2_hdr *h)
{
    struct wn_wbuf w;
    assert_int_equal(wn_smb2_req_begin(f->c, 4, &w), 0);
    wn_smb2_empty_req_encode(&w);
    return wn_smb2_transact(f->c, &w, WN_SMB2_TREE_DISCONNECT, 0, -1, h);
}

static void
test_smb2_accepts_signed_reply_and_signs_request(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    queue_reply(f, 5, 0, 0, 1, 0);
    assert_int_equal(send_one(f, &h), 0);
    assert_int_equal(h.status, 0);
    assert_int_equal(f->c->credits, 10 - 1 + 3);
    assert_int_equal(f->c->next_mid, 6);
    /* what the peer received is a correctly signed request */
    uint8_t req[4 + 68];
    assert_int_equal(read(f->peer, req, sizeof(req)), (ssize_t)sizeof(req));
    assert_int_equal(req[3], 68);
    assert_int_equal(wn_smb2_verify(&f->c->signer, req + 4, 68), 0);
}

static void
test_smb2_rejects_unsigned_reply_when_signing(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    queue_reply(f, 5, 0, 0, 0, 0);
    assert_int_equal(send_one(f, &h), WN_E_SIGNATURE);
    /* the connection is unusable afterwards */
    struct wn_wbuf w;
    assert_int_equal(wn_smb2_req_begin(f->c, 4, &w), WN_E_STATE);
}

static void
test_smb2_rejects_tampered_reply(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    queue_reply(f, 5, 0, 0, 1, 1);
    assert_int_equal(send_one(f, &h), WN_E_SIGNATURE);
}

/* Turns encryption on (3.1.1, AES-128-GCM) and gives the peer the mirrored keys. */
static void
encrypt_on(struct fixture *f, struct wn_smb2_crypt *peer)
{
    static const uint8_t sk[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };
    static const uint8_t pre[WN_SMB2_PREAUTH_LEN];
    f->c->dialect = WN_SMB2_DIALECT_311;
    f->c->cipher = WN_SMB2_CIPHER_AES128_GCM;
    assert_int_equal(wn_smb2_crypt_init(&f->c->crypt, WN_SMB2_DIALECT_311, f->c->cipher, sk, 16,
                                        pre, 0x77), 0);
    f->c->encrypt = 1;
    *peer = f->c->crypt;
    memcpy(peer->enc_key, f->c->crypt.dec_key, sizeof(peer->enc_key));
    memcpy(peer->dec_key, f->c->crypt.enc_key, sizeof(peer->dec_key));
}

/* Queues a sealed, unsigned TREE_DISCONNECT reply for message mid. */
static void
queue_sealed_reply(struct fixture *f, struct wn_smb2_crypt *peer, uint64_t mid)
{
    uint8_t buf[64 + 4];
    struct wn_wbuf w;
    wn_wbuf_init(&w, buf, sizeof(buf));
    struct wn_smb2_hdr h = { .credit_charge = 1, .command = WN_SMB2_TREE_DISCONNECT,
                             .credits = 3, .flags = WN_SMB2_FLAG_RESPONSE, .message_id = mid,
                             .tree_id = 9, .session_id = 0x77 };
    wn_smb2_hdr_encode(&w, &h);
    wn_smb2_empty_req_encode(&w);
    struct wn_dynbuf frame;
    wn_dynbuf_init(&frame, WN_SMB2_MAX_MESSAGE);
    assert_int_equal(wn_smb2_seal(peer, buf, wn_wbuf_len(&w), &frame), 0);
    assert_int_equal(write(f->peer, frame.data, frame.len), (ssize_t)frame.len);
    wn_dynbuf_free(&frame);
}

static void
test_smb2_encrypting_seals_requests_and_unseals_replies(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_crypt peer;
    struct wn_smb2_hdr h;
    encrypt_on(f, &peer);
    queue_sealed_reply(f, &peer, 5);
    assert_int_equal(send_one(f, &h), 0);
    assert_int_equal(h.status, 0);
    assert_int_equal(h.command, WN_SMB2_TREE_DISCONNECT);
    /* the peer got a TRANSFORM_HEADER frame that opens to an unsigned request */
    uint8_t req[4 + WN_SMB2_TRANSFORM_LEN + 68];
    assert_int_equal(read(f->peer, req, sizeof(req)), (ssize_t)sizeof(req));
    assert_true(wn_smb2_is_transform(req + 4, sizeof(req) - 4));
    size_t n = sizeof(req) - 4;
    assert_int_equal(wn_smb2_unseal(&peer, req + 4, &n), 0);
    assert_int_equal(n, 68);
    assert_int_equal(req[4 + 16] & WN_SMB2_FLAG_SIGNED, 0);
    wn_smb2_crypt_wipe(&peer);
}

static void
test_smb2_encrypting_refuses_a_plain_reply(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_crypt peer;
    struct wn_smb2_hdr h;
    encrypt_on(f, &peer);
    queue_reply(f, 5, 0, 0, 1, 0); /* correctly signed, but not encrypted */
    assert_int_equal(send_one(f, &h), WN_E_SIGNATURE);
    wn_smb2_crypt_wipe(&peer);
}

static void
test_smb2_encrypting_refuses_a_reply_sealed_with_other_keys(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_crypt peer;
    struct wn_smb2_hdr h;
    encrypt_on(f, &peer);
    peer.enc_key[0] ^= 1;
    queue_sealed_reply(f, &peer, 5);
    assert_int_equal(send_one(f, &h), WN_E_SIGNATURE);
    wn_smb2_crypt_wipe(&peer);
}

static void
test_smb2_waits_past_interim_and_break(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    queue_reply(f, 5, WN_SMB2_STATUS_PENDING, WN_SMB2_FLAG_ASYNC, 0, 0); /* interim: unsigned */
    queue_reply(f, UINT64_MAX, 0, 0, 0, 0);                               /* oplock break */
    queue_reply(f, 5, WN_SMB2_STATUS_ACCESS_DENIED, WN_SMB2_FLAG_ASYNC, 1, 0);
    assert_int_equal(send_one(f, &h), 0);
    assert_int_equal(h.status, WN_SMB2_STATUS_ACCESS_DENIED);
    assert_int_equal(wn_smb2_fail_status(f->c, h.status), WN_E_ACCESS);
    assert_int_equal(wn_smb2_last_status(f->c), WN_SMB2_STATUS_ACCESS_DENIED);
}

/* An interim reply that says it is signed must verify: before, its signature
 * was never checked (and its credit grant was taken), so a man in the middle
 * could inject interim replies into a signed session; this call succeeded. */
static void
test_smb2_rejects_interim_reply_with_bad_signature(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    queue_reply(f, 5, WN_SMB2_STATUS_PENDING, WN_SMB2_FLAG_ASYNC, 1, 1); /* forged */
    queue_reply(f, 5, 0, WN_SMB2_FLAG_ASYNC, 1, 0);
    assert_int_equal(send_one(f, &h), WN_E_SIGNATURE);
    assert_int_equal(f->c->credits, 10 - 1); /* the forged grant was not taken */
}

/* A correctly signed interim reply, then the final one: both grants count. */
static void
test_smb2_accepts_signed_interim_reply(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    queue_reply(f, 5, WN_SMB2_STATUS_PENDING, WN_SMB2_FLAG_ASYNC, 1, 0);
    queue_reply(f, 5, 0, WN_SMB2_FLAG_ASYNC, 1, 0);
    assert_int_equal(send_one(f, &h), 0);
    assert_int_equal(h.status, 0);
    assert_int_equal(f->c->credits, 10 - 1 + 3 + 3);
}

static void
test_smb2_rejects_wrong_message_id(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    queue_reply(f, 6, 0, 0, 1, 0);
    assert_int_equal(send_one(f, &h), WN_E_PROTOCOL);
}

static void
test_smb2_rejects_oversized_frame(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    uint8_t nb[4] = { 0, 0x81, 0, 0 }; /* 8 MiB + 64 KiB */
    assert_int_equal(write(f->peer, nb, 4), 4);
    assert_int_equal(send_one(f, &h), WN_E_LIMIT);
}

static void
test_smb2_times_out_without_reply(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    f->c->timeout_ms = 150;
    uint64_t t0 = wn_clock_ms();
    assert_int_equal(send_one(f, &h), WN_E_TIMEOUT);
    uint64_t dt = wn_clock_ms() - t0;
    assert_true(dt >= 140 && dt < 1500);
}

static void
test_smb2_reports_peer_close(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    shutdown(f->peer, SHUT_WR);
    assert_int_equal(send_one(f, &h), WN_E_CLOSED);
}

static void
test_smb2_refuses_without_credits(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_hdr h;
    f->c->credits = 0;
    assert_int_equal(send_one(f, &h), WN_E_PROTOCOL);
}

static void
test_smb2_status_mapping(void **state)
{
    (void)state;
    assert_int_equal(wn_smb2_status_to_err(WN_SMB2_STATUS_LOGON_FAILURE), WN_E_AUTH);
    assert_int_equal(wn_smb2_status_to_err(WN_SMB2_STATUS_ACCESS_DENIED), WN_E_ACCESS);
    assert_int_equal(wn_smb2_status_to_err(0xC0000034u), WN_E_NOTFOUND);
    assert_int_equal(wn_smb2_status_to_err(WN_SMB2_STATUS_BUFFER_OVERFLOW), 0);
    assert_int_equal(wn_smb2_status_to_err(0xC0000001u), WN_E_PROTOCOL);
}

static void
test_smb2_connect_validates_options(void **state)
{
    (void)state;
    struct wn_smb2_conn *c = (struct wn_smb2_conn *)1;
    struct wn_smb2_opts o = { .host = "127.0.0.1", .user = "u", .password = "p",
                              .min_dialect = 0x0311, .max_dialect = 0x0202 };
    assert_int_equal(wn_smb2_connect(&o, &c), WN_E_INVAL);
    assert_null(c);
    o.min_dialect = 0;
    /* the default floor is 3.0: a 2.x-only client must lower it explicitly */
    o.max_dialect = WN_SMB2_DIALECT_210;
    assert_int_equal(wn_smb2_connect(&o, &c), WN_E_INVAL);
    o.max_dialect = 0;
    /* anonymous only when asked for, and then without a name or password */
    o.user = "";
    assert_int_equal(wn_smb2_connect(&o, &c), WN_E_INVAL);
    o.anonymous = 1;
    assert_int_equal(wn_smb2_connect(&o, &c), WN_E_INVAL); /* password "p" */
    o.user = "u";
    o.password = "";
    assert_int_equal(wn_smb2_connect(&o, &c), WN_E_INVAL);
    o.anonymous = 0;
    o.password = "p";
    o.encrypt = 3;
    assert_int_equal(wn_smb2_connect(&o, &c), WN_E_INVAL);
    o.encrypt = WN_SMB2_ENCRYPT_AUTO;
    o.ciphers = 1; /* bit 0 is no cipher */
    assert_int_equal(wn_smb2_connect(&o, &c), WN_E_INVAL);
    o.ciphers = 0;
    o.host = NULL;
    assert_int_equal(wn_smb2_connect(&o, &c), WN_E_INVAL);
    /* A 64-octet label can never resolve and makes the resolver fail
     * locally: no DNS query leaves the machine (tests stay on loopback). */
    o.host = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.invalid";
    o.max_dialect = 0;
    assert_int_equal(wn_smb2_connect(&o, &c), WN_E_RESOLVE);
    /* allocation failure is reported, not crashed on */
    o.host = "127.0.0.1";
    wn_alloc_fail_after(0);
    assert_int_equal(wn_smb2_connect(&o, &c), WN_E_NOMEM);
    wn_alloc_fail_after(-1);
}

/* Queues a reply with a given command, status and body (signed when the
 * connection signs). */
static void
queue_body(struct fixture *f, uint16_t cmd, uint64_t mid, uint32_t status, const uint8_t *body,
           size_t blen)
{
    static uint8_t buf[4 + 64 + 4096];
    struct wn_wbuf w;
    wn_wbuf_init(&w, buf + 4, sizeof(buf) - 4);
    struct wn_smb2_hdr h = { .credit_charge = 1, .status = status, .command = cmd,
                             .credits = 1, .flags = WN_SMB2_FLAG_RESPONSE, .message_id = mid,
                             .tree_id = 9, .session_id = 0x77 };
    wn_smb2_hdr_encode(&w, &h);
    wn_wbuf_bytes(&w, body, blen);
    assert_int_equal(w.err, 0);
    size_t len = wn_wbuf_len(&w);
    wn_smb2_sign(&f->c->signer, buf + 4, len);
    buf[0] = 0;
    buf[1] = (uint8_t)(len >> 16);
    buf[2] = (uint8_t)(len >> 8);
    buf[3] = (uint8_t)len;
    assert_int_equal(write(f->peer, buf, len + 4), (ssize_t)(len + 4));
}

static void
queue_create(struct fixture *f, uint64_t mid)
{
    uint8_t b[88];
    memset(b, 0, sizeof(b));
    b[0] = 89;
    memset(b + 64, 0xc1, 16); /* FileId */
    queue_body(f, WN_SMB2_CREATE, mid, 0, b, sizeof(b));
}

static void
queue_ioctl(struct fixture *f, uint64_t mid, uint32_t status, const char *data)
{
    uint8_t b[48 + 64];
    size_t n = strlen(data);
    memset(b, 0, sizeof(b));
    b[0] = 49;
    b[4] = 0x17, b[5] = 0xc0, b[6] = 0x11;
    memset(b + 8, 0xc1, 16);
    b[32] = 112; /* OutputOffset */
    b[36] = (uint8_t)n;
    memcpy(b + 48, data, n);
    queue_body(f, WN_SMB2_IOCTL, mid, status, b, 48 + n);
}

static void
queue_read(struct fixture *f, uint64_t mid, uint32_t status, const char *data)
{
    uint8_t b[16 + 64];
    size_t n = strlen(data);
    memset(b, 0, sizeof(b));
    b[0] = 17;
    b[2] = 80; /* DataOffset */
    b[4] = (uint8_t)n;
    memcpy(b + 16, data, n);
    queue_body(f, WN_SMB2_READ, mid, status, b, 16 + n);
}

static void
test_smb2_transceive_overflow_then_read(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_pipe *p = NULL;
    queue_create(f, 5);
    assert_int_equal(wn_smb2_pipe_open(f->c, "srvsvc", &p), 0);
    assert_non_null(p);
    struct wn_dynbuf out;
    wn_dynbuf_init(&out, 64);
    queue_ioctl(f, 6, WN_SMB2_STATUS_BUFFER_OVERFLOW, "first-part/");
    assert_int_equal(wn_smb2_pipe_transceive(p, (const uint8_t *)"req", 3, &out), 1);
    queue_read(f, 7, WN_SMB2_STATUS_BUFFER_OVERFLOW, "second/");
    assert_int_equal(wn_smb2_pipe_read(p, &out, 4280), 1);
    queue_read(f, 8, 0, "last");
    assert_int_equal(wn_smb2_pipe_read(p, &out, 4280), 0);
    assert_int_equal(out.len, 22);
    assert_memory_equal(out.data, "first-part/second/last", 22);
    /* an error status is data in last_status and a mapped code */
    queue_read(f, 9, 0xC000014Bu, "");
    assert_int_equal(wn_smb2_pipe_read(p, &out, 4280), WN_E_CLOSED);
    assert_int_equal(wn_smb2_last_status(f->c), 0xC000014Bu);
    /* the caller's dynbuf maximum applies (and frees it) */
    queue_read(f, 10, 0, "0123456789012345678901234567890123456789012345678901234567890123");
    assert_int_equal(wn_smb2_pipe_read(p, &out, 4280), WN_E_LIMIT);
    assert_null(out.data);
    assert_int_equal(wn_smb2_pipe_transceive(p, NULL, WN_SMB2_MAX_IO + 1, &out), WN_E_INVAL);
    wn_dynbuf_free(&out);
    f->c->broken = 1; /* no CLOSE round trip on the fake peer */
    wn_smb2_pipe_close(p);
}

/* An IOCTL reply is matched on the control code and file its request named
 * (house rule: on everything the request fixed).  The previous code took the
 * output of a reply naming another FSCTL or another file (both calls
 * returned 0). */
static void
test_smb2_transceive_rejects_reply_for_another_ctl_code_or_file(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_pipe *p = NULL;
    uint8_t b[48 + 64];
    struct wn_dynbuf out;
    queue_create(f, 5);
    assert_int_equal(wn_smb2_pipe_open(f->c, "srvsvc", &p), 0);
    wn_dynbuf_init(&out, 64);
    for (int which = 0; which < 2; which++) {
        memset(b, 0, sizeof(b));
        b[0] = 49;
        b[4] = 0x17, b[5] = 0xc0, b[6] = 0x11;   /* FSCTL_PIPE_TRANSCEIVE */
        memset(b + 8, 0xc1, 16);                 /* the file the CREATE opened */
        if (which == 0)
            b[4] = 0x04;                         /* FSCTL_VALIDATE_NEGOTIATE_INFO: 0x00140204 */
        else
            b[8] ^= 1;                           /* another file */
        if (which == 0)
            b[5] = 0x02, b[6] = 0x14;
        b[32] = 112;
        b[36] = 4;
        memcpy(b + 48, "data", 4);
        f->c->broken = 0;
        queue_body(f, WN_SMB2_IOCTL, f->c->next_mid, 0, b, 48 + 4);
        wn_dynbuf_reset(&out);
        assert_int_equal(wn_smb2_pipe_transceive(p, (const uint8_t *)"req", 3, &out),
                         WN_E_PROTOCOL);
        assert_int_equal(out.len, 0);
    }
    wn_dynbuf_free(&out);
    f->c->broken = 1; /* no CLOSE round trip on the fake peer */
    wn_smb2_pipe_close(p);
}

/* Teardown for tests that end the connection themselves (f->c is gone). */
static int
teardown_peer_only(void **state)
{
    struct fixture *f = *state;
    close(f->peer);
    return 0;
}

/* Reads one request frame from the peer end; returns its SMB2 command. */
static uint16_t
read_request(struct fixture *f, uint64_t *mid, int *is_signed)
{
    uint8_t nb[4];
    uint8_t msg[4096];
    assert_int_equal(read(f->peer, nb, 4), 4);
    size_t len = ((size_t)nb[1] << 16) | ((size_t)nb[2] << 8) | nb[3];
    assert_true(len >= 64 && len <= sizeof(msg));
    assert_int_equal(read(f->peer, msg, len), (ssize_t)len);
    *mid = 0;
    for (int i = 7; i >= 0; i--)
        *mid = (*mid << 8) | msg[24 + i];
    *is_signed = (msg[16] & WN_SMB2_FLAG_SIGNED) != 0;
    return (uint16_t)(msg[12] | (msg[13] << 8));
}

static void
test_smb2_pipe_open_closes_the_file_when_out_of_memory(void **state)
{
    struct fixture *f = *state;
    struct wn_smb2_pipe *p = NULL;
    /* a first open sizes the tx/rx buffers; count what a second one allocates */
    queue_create(f, 5);
    assert_int_equal(wn_smb2_pipe_open(f->c, "srvsvc", &p), 0);
    uint8_t close_body[60];
    memset(close_body, 0, sizeof(close_body));
    close_body[0] = 60;
    queue_body(f, WN_SMB2_CLOSE, 6, 0, close_body, sizeof(close_body));
    wn_smb2_pipe_close(p);
    p = NULL;
    queue_create(f, 7);
    unsigned long before = wn_alloc_count();
    assert_int_equal(wn_smb2_pipe_open(f->c, "srvsvc", &p), 0);
    unsigned long n = wn_alloc_count() - before;
    queue_body(f, WN_SMB2_CLOSE, 8, 0, close_body, sizeof(close_body));
    wn_smb2_pipe_close(p);
    p = NULL;
    /* drain what the peer received so far: CREATE, CLOSE, CREATE, CLOSE */
    uint64_t mid;
    int is_signed;
    for (int i = 0; i < 4; i++)
        (void)read_request(f, &mid, &is_signed);
    /* the last allocation of the open (the handle) fails after the server opened the pipe */
    assert_true(n >= 1);
    queue_create(f, 9);
    queue_body(f, WN_SMB2_CLOSE, 10, 0, close_body, sizeof(close_body));
    wn_alloc_fail_after((long)n - 1);
    int rc = wn_smb2_pipe_open(f->c, "srvsvc", &p);
    wn_alloc_fail_after(-1);
    assert_int_equal(rc, WN_E_NOMEM);
    assert_null(p);
    assert_int_equal(read_request(f, &mid, &is_signed), WN_SMB2_CREATE);
    assert_int_equal(mid, 9);
    assert_int_equal(read_request(f, &mid, &is_signed), WN_SMB2_CLOSE);
    assert_int_equal(mid, 10);
}

static void
test_smb2_disconnect_sends_tree_disconnect_then_signed_logoff(void **state)
{
    struct fixture *f = *state;
    static const uint8_t empty[4] = { 4, 0, 0, 0 };
    /* the peer's answers are queued before the client asks */
    queue_body(f, WN_SMB2_TREE_DISCONNECT, 5, 0, empty, sizeof(empty));
    queue_body(f, WN_SMB2_LOGOFF, 6, 0, empty, sizeof(empty));
    wn_smb2_disconnect(f->c);
    f->c = NULL;
    uint64_t mid;
    int is_signed;
    assert_int_equal(read_request(f, &mid, &is_signed), WN_SMB2_TREE_DISCONNECT);
    assert_int_equal(mid, 5);
    assert_true(is_signed);
    assert_int_equal(read_request(f, &mid, &is_signed), WN_SMB2_LOGOFF);
    assert_int_equal(mid, 6);
    assert_true(is_signed);
    /* and then the socket is closed: nothing more, end of stream */
    uint8_t b;
    assert_int_equal(read(f->peer, &b, 1), 0);
}

static void
test_smb2_disconnect_of_broken_connection_sends_nothing(void **state)
{
    struct fixture *f = *state;
    f->c->broken = 1;
    wn_smb2_disconnect(f->c);
    f->c = NULL;
    uint8_t b;
    assert_int_equal(read(f->peer, &b, 1), 0);
}

/* Queues a signed (or not) IOCTL reply carrying `out` as output. */
static void
queue_ioctl_reply_ctl(struct fixture *f, uint64_t mid, uint32_t ctl, const uint8_t *out,
                      size_t outlen, int sign);

static void
queue_ioctl_reply(struct fixture *f, uint64_t mid, const uint8_t *out, size_t outlen, int sign)
{
    queue_ioctl_reply_ctl(f, mid, WN_SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO, out, outlen, sign);
}

static void
queue_ioctl_reply_ctl(struct fixture *f, uint64_t mid, uint32_t ctl, const uint8_t *out,
                      size_t outlen, int sign)
{
    uint8_t buf[4 + 64 + 48 + 64];
    struct wn_wbuf w;
    wn_wbuf_init(&w, buf + 4, sizeof(buf) - 4);
    struct wn_smb2_hdr h = { .credit_charge = 1, .command = WN_SMB2_IOCTL, .credits = 3,
                             .flags = WN_SMB2_FLAG_RESPONSE, .message_id = mid,
                             .tree_id = 9, .session_id = 0x77 };
    wn_smb2_hdr_encode(&w, &h);
    wn_wbuf_u16le(&w, 49);
    wn_wbuf_u16le(&w, 0);
    wn_wbuf_u32le(&w, ctl);
    wn_wbuf_zeros(&w, 16);                  /* FileId */
    wn_wbuf_u32le(&w, 64 + 48);             /* InputOffset */
    wn_wbuf_u32le(&w, 0);
    wn_wbuf_u32le(&w, 64 + 48);             /* OutputOffset */
    wn_wbuf_u32le(&w, (uint32_t)outlen);
    wn_wbuf_zeros(&w, 8);
    wn_wbuf_bytes(&w, out, outlen);
    assert_int_equal(w.err, 0);
    size_t len = wn_wbuf_len(&w);
    if (sign)
        wn_smb2_sign(&f->c->signer, buf + 4, len);
    buf[0] = buf[1] = 0;
    buf[2] = (uint8_t)(len >> 8);
    buf[3] = (uint8_t)len;
    assert_int_equal(write(f->peer, buf, len + 4), (ssize_t)(len + 4));
}

static void
validate_setup(struct fixture *f, uint8_t *answer)
{
    f->c->signing = 0;   /* the exchange is signed even when signing is optional */
    f->c->server_caps = 0x2f;
    f->c->server_secmode = 1;
    for (int i = 0; i < 16; i++)
        f->c->server_guid[i] = (uint8_t)(0xa0 + i);
    f->c->neg_req.n_dialects = 2;
    f->c->neg_req.dialects[0] = 0x0300;
    f->c->neg_req.dialects[1] = 0x0302;
    /* the honest answer: capabilities, server GUID, security mode, dialect */
    answer[0] = 0x2f, answer[1] = answer[2] = answer[3] = 0;
    memcpy(answer + 4, f->c->server_guid, 16);
    answer[20] = 1, answer[21] = 0;
    answer[22] = 0x02, answer[23] = 0x03;
}

static void
test_smb2_validate_negotiate_accepts_the_honest_answer(void **state)
{
    struct fixture *f = *state;
    uint8_t ans[24];
    validate_setup(f, ans);
    queue_ioctl_reply(f, 5, ans, sizeof ans, 1);
    assert_int_equal(wn_smb2_validate_negotiate(f->c), 0);
    /* the request was signed and carried what NEGOTIATE offered */
    uint8_t req[4 + 64 + 56 + 28];
    assert_int_equal(read(f->peer, req, sizeof req), (ssize_t)sizeof req);
    assert_int_equal(wn_smb2_verify(&f->c->signer, req + 4, sizeof req - 4), 0);
    assert_int_equal(req[4 + 64 + 56 + 22], 2);       /* DialectCount */
    assert_int_equal(req[4 + 64 + 56 + 26], 0x02);    /* 0x0302 */
}

static void
test_smb2_validate_negotiate_detects_a_downgrade(void **state)
{
    struct fixture *f = *state;
    uint8_t ans[24];
    validate_setup(f, ans);
    ans[22] = 0x00;   /* the server says it chose 3.0, we negotiated 3.0.2 */
    queue_ioctl_reply(f, 5, ans, sizeof ans, 1);
    assert_int_equal(wn_smb2_validate_negotiate(f->c), WN_E_SIGNATURE);
}

/* A signed answer for another FSCTL is not the validation (the previous
 * code accepted it: 0). */
static void
test_smb2_validate_negotiate_rejects_an_answer_for_another_ctl_code(void **state)
{
    struct fixture *f = *state;
    uint8_t ans[24];
    validate_setup(f, ans);
    queue_ioctl_reply_ctl(f, 5, WN_SMB2_FSCTL_PIPE_TRANSCEIVE, ans, sizeof ans, 1);
    assert_int_equal(wn_smb2_validate_negotiate(f->c), WN_E_PROTOCOL);
}

static void
test_smb2_validate_negotiate_rejects_an_unsigned_answer(void **state)
{
    struct fixture *f = *state;
    uint8_t ans[24];
    validate_setup(f, ans);
    queue_ioctl_reply(f, 5, ans, sizeof ans, 0);
    assert_int_equal(wn_smb2_validate_negotiate(f->c), WN_E_SIGNATURE);
}

static void
test_smb2_validate_negotiate_is_skipped_outside_3_0(void **state)
{
    struct fixture *f = *state;
    f->c->dialect = WN_SMB2_DIALECT_311;
    assert_int_equal(wn_smb2_validate_negotiate(f->c), 0);   /* nothing sent */
    f->c->dialect = 0x0210;
    assert_int_equal(wn_smb2_validate_negotiate(f->c), 0);
    assert_int_equal(f->c->next_mid, 5);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_smb2_accepts_signed_reply_and_signs_request, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_smb2_validate_negotiate_accepts_the_honest_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_validate_negotiate_detects_a_downgrade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_validate_negotiate_rejects_an_unsigned_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_validate_negotiate_is_skipped_outside_3_0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_rejects_unsigned_reply_when_signing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_smb2_rejects_tampered_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_encrypting_seals_requests_and_unseals_replies,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_encrypting_refuses_a_plain_reply, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_smb2_encrypting_refuses_a_reply_sealed_with_other_keys,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_waits_past_interim_and_break, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_rejects_interim_reply_with_bad_signature, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_smb2_accepts_signed_interim_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_transceive_rejects_reply_for_another_ctl_code_or_file,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_validate_negotiate_rejects_an_answer_for_another_ctl_code,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_rejects_wrong_message_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_rejects_oversized_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_times_out_without_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_reports_peer_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_refuses_without_credits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_transceive_overflow_then_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smb2_pipe_open_closes_the_file_when_out_of_memory,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_smb2_disconnect_sends_tree_disconnect_then_signed_logoff, setup,
            teardown_peer_only),
        cmocka_unit_test_setup_teardown(test_smb2_disconnect_of_broken_connection_sends_nothing,
                                        setup, teardown_peer_only),
        cmocka_unit_test(test_smb2_status_mapping),
        cmocka_unit_test(test_smb2_connect_validates_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
