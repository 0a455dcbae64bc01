/* test_dcerpc.c: DCE/RPC PDU golden vectors, truncation, and the client against an in-memory fragmenting fake server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dcerpc.h"

/* netsession.md 2.4: bind, call_id 1, 4280/4280, srvsvc 3.0 / NDR20. */
static const uint8_t bind_vec[72] = {
    0x05, 0x00, 0x0b, 0x03, 0x10, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xb8, 0x10, 0xb8, 0x10, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
    0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88,
    0x03, 0x00, 0x00, 0x00, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00,
    0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x00, 0x00};

/* Samba's bind_ack (68 bytes). */
static const uint8_t bind_ack_vec[68] = {
    0x05, 0x00, 0x0c, 0x03, 0x10, 0x00, 0x00, 0x00, 0x44, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xb8, 0x10, 0xb8, 0x10, 0xf0, 0x53, 0x00, 0x00, 0x0d, 0x00, 0x5c, 0x50, 0x49, 0x50, 0x45, 0x5c,
    0x73, 0x72, 0x76, 0x73, 0x76, 0x63, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,
    0x02, 0x00, 0x00, 0x00};

/* Request header for a 68-byte stub, call_id 2, opnum 12. */
static const uint8_t req_hdr_vec[24] = {
    0x05, 0x00, 0x00, 0x03, 0x10, 0x00, 0x00, 0x00, 0x5c, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00};

static struct wn_dcerpc_syntax
srvsvc_syntax(void)
{
    struct wn_dcerpc_syntax s = {{0}, 3, 0};
    assert_int_equal(wn_dcerpc_uuid_parse("4b324fc8-1670-01d3-1278-5a47bf6ee188", s.uuid), 0);
    return s;
}

static void
test_dcerpc_bind_matches_golden_vector(void **state)
{
    (void)state;
    struct wn_dcerpc_syntax s = srvsvc_syntax();
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 1024);
    assert_int_equal(wn_dcerpc_bind_encode(&b, WN_DCERPC_BIND, 1, 4280, 4280, 0, &s,
                                           &wn_dcerpc_ndr20_syntax), 0);
    assert_int_equal(b.len, sizeof bind_vec);
    assert_memory_equal(b.data, bind_vec, sizeof bind_vec);

    struct wn_dcerpc_pdu d;
    assert_int_equal(wn_dcerpc_pdu_decode(b.data, b.len, &d), 0);
    assert_int_equal(d.hdr.ptype, WN_DCERPC_BIND);
    assert_int_equal(d.u.bind.max_xmit, 4280);
    assert_int_equal(d.u.bind.abstract.major, 3);
    assert_memory_equal(d.u.bind.abstract.uuid, s.uuid, 16);
    assert_memory_equal(d.u.bind.transfer.uuid, wn_dcerpc_ndr20_syntax.uuid, 16);
    assert_int_equal(d.u.bind.transfer.major, 2);
    wn_dynbuf_free(&b);
}

static void
test_dcerpc_bind_ack_decodes_and_round_trips(void **state)
{
    (void)state;
    struct wn_dcerpc_pdu d;
    assert_int_equal(wn_dcerpc_pdu_decode(bind_ack_vec, sizeof bind_ack_vec, &d), 0);
    assert_int_equal(d.hdr.ptype, WN_DCERPC_BIND_ACK);
    assert_int_equal(d.hdr.call_id, 1);
    assert_int_equal(d.hdr.frag_length, 68);
    assert_int_equal(d.u.bind_ack.max_xmit, 4280);
    assert_int_equal(d.u.bind_ack.max_recv, 4280);
    assert_int_equal(d.u.bind_ack.assoc_group, 0x53f0);
    assert_int_equal(d.u.bind_ack.sec_addr_len, 13);
    assert_string_equal((const char *)d.u.bind_ack.sec_addr, "\\PIPE\\srvsvc");
    assert_int_equal(d.u.bind_ack.n_results, 1);
    assert_int_equal(d.u.bind_ack.result, 0);
    assert_memory_equal(d.u.bind_ack.transfer.uuid, wn_dcerpc_ndr20_syntax.uuid, 16);

    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 1024);
    assert_int_equal(wn_dcerpc_bind_ack_encode(&b, WN_DCERPC_BIND_ACK, 1, 4280, 4280, 0x53f0,
                                               "\\PIPE\\srvsvc", 0, 0,
                                               &wn_dcerpc_ndr20_syntax), 0);
    assert_int_equal(b.len, sizeof bind_ack_vec);
    assert_memory_equal(b.data, bind_ack_vec, sizeof bind_ack_vec);
    wn_dynbuf_free(&b);
}

static void
test_dcerpc_request_header_matches_golden_vector(void **state)
{
    (void)state;
    uint8_t stub[68];
    for (size_t i = 0; i < sizeof stub; i++)
        stub[i] = (uint8_t)i;
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 1024);
    assert_int_equal(wn_dcerpc_request_encode(&b, 2, 3, 68, 0, 12, stub, sizeof stub), 0);
    assert_int_equal(b.len, 92);
    assert_memory_equal(b.data, req_hdr_vec, sizeof req_hdr_vec);
    assert_memory_equal(b.data + 24, stub, sizeof stub);
    struct wn_dcerpc_pdu d;
    assert_int_equal(wn_dcerpc_pdu_decode(b.data, b.len, &d), 0);
    assert_int_equal(d.u.request.opnum, 12);
    assert_int_equal(d.u.request.alloc_hint, 68);
    assert_int_equal(d.u.request.stub_len, 68);
    assert_memory_equal(d.u.request.stub, stub, 68);
    wn_dynbuf_free(&b);
}

static void
test_dcerpc_every_prefix_of_a_pdu_is_rejected(void **state)
{
    (void)state;
    struct wn_dcerpc_pdu d;
    for (size_t n = 0; n < sizeof bind_ack_vec; n++)
        assert_int_equal(wn_dcerpc_pdu_decode(bind_ack_vec, n, &d), WN_E_TRUNCATED);
    for (size_t n = 0; n < sizeof bind_vec; n++)
        assert_int_equal(wn_dcerpc_pdu_decode(bind_vec, n, &d), WN_E_TRUNCATED);
    /* A frag_length that cuts into the body is also short. */
    uint8_t v[sizeof bind_ack_vec];
    memcpy(v, bind_ack_vec, sizeof v);
    v[8] = 40;
    assert_int_equal(wn_dcerpc_pdu_decode(v, sizeof v, &d), WN_E_TRUNCATED);
}

static void
test_dcerpc_rejects_bad_header_fields(void **state)
{
    (void)state;
    struct wn_dcerpc_pdu d;
    uint8_t v[sizeof bind_ack_vec];

    memcpy(v, bind_ack_vec, sizeof v);
    v[0] = 4;                                   /* rpc_vers */
    assert_int_equal(wn_dcerpc_pdu_decode(v, sizeof v, &d), WN_E_MALFORMED);
    memcpy(v, bind_ack_vec, sizeof v);
    v[4] = 0x00;                                /* big-endian drep */
    assert_int_equal(wn_dcerpc_pdu_decode(v, sizeof v, &d), WN_E_MALFORMED);
    memcpy(v, bind_ack_vec, sizeof v);
    v[8] = 8;                                   /* frag_length < header */
    v[9] = 0;
    assert_int_equal(wn_dcerpc_pdu_decode(v, sizeof v, &d), WN_E_MALFORMED);
    memcpy(v, bind_ack_vec, sizeof v);
    v[10] = 16;                                 /* auth_length */
    assert_int_equal(wn_dcerpc_pdu_decode(v, sizeof v, &d), WN_E_UNSUPPORTED);
    memcpy(v, bind_ack_vec, sizeof v);
    v[2] = 99;                                  /* ptype */
    assert_int_equal(wn_dcerpc_pdu_decode(v, sizeof v, &d), WN_E_UNSUPPORTED);
    memcpy(v, bind_ack_vec, sizeof v);
    v[24] = 0xff;                               /* sec addr length over the limit */
    v[25] = 0x7f;
    assert_int_equal(wn_dcerpc_pdu_decode(v, sizeof v, &d), WN_E_LIMIT);
    memcpy(v, bind_ack_vec, sizeof v);
    v[40] = 0;                                  /* no results */
    assert_int_equal(wn_dcerpc_pdu_decode(v, sizeof v, &d), WN_E_MALFORMED);
    memcpy(v, bind_ack_vec, sizeof v);
    v[40] = 3;                                  /* 3 results, room for 1 */
    assert_int_equal(wn_dcerpc_pdu_decode(v, sizeof v, &d), WN_E_TRUNCATED);
}

static void
test_dcerpc_uuid_parse_rejects_garbage(void **state)
{
    (void)state;
    uint8_t u[16];
    assert_int_equal(wn_dcerpc_uuid_parse("8a885d04-1ceb-11c9-9fe8-08002b104860", u), 0);
    assert_memory_equal(u, wn_dcerpc_ndr20_syntax.uuid, 16);
    assert_int_equal(wn_dcerpc_uuid_parse("8a885d04-1ceb-11c9-9fe8-08002b10486", u), WN_E_INVAL);
    assert_int_equal(wn_dcerpc_uuid_parse("8a885d04x1ceb-11c9-9fe8-08002b104860", u), WN_E_INVAL);
    assert_int_equal(wn_dcerpc_uuid_parse("8a885d04-1ceb-11c9-9fe8-08002b10486g", u), WN_E_INVAL);
    assert_int_equal(wn_dcerpc_uuid_parse(NULL, u), WN_E_INVAL);
}

/* ------------------------------------------------------------------------
 * Fake server: decodes what the client writes, answers with fragments of
 * `frag` bytes at most, and hands its reply back `chunk` bytes at a time.
 * ---------------------------------------------------------------------- */
enum fake_mode { FAKE_OK, FAKE_FAULT, FAKE_NAK, FAKE_REJECT, FAKE_BAD_CALL_ID,
                 FAKE_NO_FIRST, FAKE_SILENT, FAKE_SMALL_FRAG, FAKE_EXTRA, FAKE_BAD_CTX };

struct fake {
    enum fake_mode mode;
    size_t frag;                /* max response fragment size */
    size_t chunk;               /* bytes per transceive/read answer */
    struct wn_dynbuf reply;     /* pending bytes to hand back */
    size_t reply_off;
    struct wn_dynbuf stub;      /* reassembled request stub */
    unsigned req_frags;
    unsigned bad_flags;
    unsigned max_req_frag;
    uint16_t opnum;
};

static int
fake_answer_bind(struct fake *f, const struct wn_dcerpc_pdu *d)
{
    if (f->mode == FAKE_NAK)
        return wn_dcerpc_bind_nak_encode(&f->reply, d->hdr.call_id, 4);
    uint16_t frag = f->mode == FAKE_SMALL_FRAG ? 512 : 4280;
    return wn_dcerpc_bind_ack_encode(&f->reply, WN_DCERPC_BIND_ACK, d->hdr.call_id,
                                     frag, frag, 0x1234, "\\PIPE\\srvsvc",
                                     f->mode == FAKE_REJECT ? 2 : 0,
                                     f->mode == FAKE_REJECT ? 1 : 0, &d->u.bind.transfer);
}

/* Answer: the request stub with every byte incremented, so the client
 * cannot pass by echoing its own input. */
static int
fake_answer_call(struct fake *f, uint32_t call_id)
{
    if (f->mode == FAKE_FAULT)
        return wn_dcerpc_fault_encode(&f->reply, call_id, 0, WN_DCERPC_NCA_S_OP_RNG_ERROR);
    if (f->mode == FAKE_SILENT)
        return 0;
    size_t per = f->frag - WN_DCERPC_RESP_HDR_LEN;
    size_t off = 0, len = f->stub.len;
    for (size_t i = 0; i < len; i++)
        f->stub.data[i]++;
    do {
        size_t n = len - off < per ? len - off : per;
        uint8_t flags = 0;
        if (off == 0 && f->mode != FAKE_NO_FIRST)
            flags |= WN_DCERPC_PFC_FIRST_FRAG;
        if (off + n == len)
            flags |= WN_DCERPC_PFC_LAST_FRAG;
        uint32_t cid = f->mode == FAKE_BAD_CALL_ID ? call_id + 1 : call_id;
        /* FAKE_BAD_CTX: the last fragment names another presentation context */
        uint16_t ctx = f->mode == FAKE_BAD_CTX && off + n == len ? 1 : 0;
        int rc = wn_dcerpc_response_encode(&f->reply, cid, flags, (uint32_t)(len - off), ctx,
                                           len ? f->stub.data + off : NULL, n);
        if (rc)
            return rc;
        off += n;
    } while (off < len);
    if (f->mode == FAKE_EXTRA)
        return wn_dynbuf_add_zeros(&f->reply, 16);
    return 0;
}

static int
fake_consume(struct fake *f, const uint8_t *in, size_t len)
{
    struct wn_dcerpc_pdu d;
    int rc = wn_dcerpc_pdu_decode(in, len, &d);
    if (rc)
        return rc;
    if (d.hdr.frag_length != len)
        return WN_E_MALFORMED;
    if (len > f->max_req_frag)
        f->max_req_frag = (unsigned)len;
    if (d.hdr.ptype == WN_DCERPC_BIND)
        return fake_answer_bind(f, &d);
    if (d.hdr.ptype != WN_DCERPC_REQUEST)
        return WN_E_PROTOCOL;
    int first = (d.hdr.pfc_flags & WN_DCERPC_PFC_FIRST_FRAG) != 0;
    if (first != (f->req_frags == 0))
        f->bad_flags++;
    if (d.u.request.alloc_hint != 0 && first && d.u.request.alloc_hint < d.u.request.stub_len)
        f->bad_flags++;
    f->req_frags++;
    f->opnum = d.u.request.opnum;
    rc = d.u.request.stub_len
             ? wn_dynbuf_add(&f->stub, d.u.request.stub, d.u.request.stub_len) : 0;
    if (rc || !(d.hdr.pfc_flags & WN_DCERPC_PFC_LAST_FRAG))
        return rc;
    return fake_answer_call(f, d.hdr.call_id);
}

static int
fake_hand_back(struct fake *f, struct wn_dynbuf *out, size_t max, int *more)
{
    size_t left = f->reply.len - f->reply_off;
    size_t n = left < f->chunk ? left : f->chunk;
    if (n > max)
        n = max;
    int rc = n ? wn_dynbuf_add(out, f->reply.data + f->reply_off, n) : 0;
    f->reply_off += n;
    *more = f->reply_off < f->reply.len;
    return rc;
}

static int
fake_transceive(void *ctx, const uint8_t *in, size_t inlen, struct wn_dynbuf *out, int *more)
{
    struct fake *f = ctx;
    int rc = fake_consume(f, in, inlen);
    return rc ? rc : fake_hand_back(f, out, SIZE_MAX, more);
}

static int
fake_write(void *ctx, const uint8_t *buf, size_t len)
{
    return fake_consume(ctx, buf, len);
}

static int
fake_read(void *ctx, struct wn_dynbuf *out, size_t max, int *more)
{
    return fake_hand_back(ctx, out, max, more);
}

static void
fake_init(struct fake *f, enum fake_mode mode, size_t frag, size_t chunk)
{
    memset(f, 0, sizeof *f);
    f->mode = mode;
    f->frag = frag;
    f->chunk = chunk;
    wn_dynbuf_init(&f->reply, 1u << 24);
    wn_dynbuf_init(&f->stub, 1u << 24);
}

static void
fake_free(struct fake *f)
{
    wn_dynbuf_free(&f->reply);
    wn_dynbuf_free(&f->stub);
}

static struct wn_dcerpc_transport
fake_transport(struct fake *f)
{
    struct wn_dcerpc_transport t = {f, fake_transceive, fake_write, fake_read};
    return t;
}

static void
run_call(size_t stub_len, size_t frag, size_t chunk)
{
    struct fake f;
    fake_init(&f, FAKE_OK, frag, chunk);
    struct wn_dcerpc_transport t = fake_transport(&f);
    struct wn_dcerpc_syntax s = srvsvc_syntax();
    struct wn_dcerpc_client c;
    assert_int_equal(wn_dcerpc_bind(&t, &s, &wn_dcerpc_ndr20_syntax, &c), 0);
    assert_int_equal(c.max_xmit, 4280);
    assert_int_equal(c.max_recv, 4280);
    assert_int_equal(c.assoc_group, 0x1234);

    uint8_t *in = wn_malloc(stub_len + 1);
    assert_non_null(in);
    for (size_t i = 0; i < stub_len; i++)
        in[i] = (uint8_t)(i * 7 + 3);
    struct wn_dynbuf out;
    wn_dynbuf_init(&out, WN_DCERPC_MAX_STUB);
    uint32_t fault = 99;
    wn_dynbuf_reset(&f.reply);
    f.reply_off = 0;
    assert_int_equal(wn_dcerpc_call(&c, 12, in, stub_len, &out, &fault), 0);
    assert_int_equal(fault, 0);
    assert_int_equal(f.opnum, 12);
    assert_int_equal(f.bad_flags, 0);
    assert_true(f.max_req_frag <= 4280);
    assert_int_equal(f.req_frags, stub_len ? (stub_len + 4255) / 4256 : 1);
    assert_int_equal(out.len, stub_len);
    for (size_t i = 0; i < stub_len; i++)
        assert_int_equal(out.data[i], (uint8_t)(in[i] + 1));
    wn_free(in);
    wn_dynbuf_free(&out);
    fake_free(&f);
}

static void
test_dcerpc_call_reassembles_tiny_fragments_and_chunks(void **state)
{
    (void)state;
    run_call(100, 32, 7);          /* 8-byte stub per fragment, 7-byte reads */
    run_call(0, 32, 1);
    run_call(5000, 100, 3);
    run_call(30000, 4280, 4280);   /* request split into 8 fragments */
    run_call(4256, 4280, 65536);   /* exactly one full request fragment */
    run_call(4257, 4280, 65536);
}

static void
bind_expect(enum fake_mode mode, int want, struct wn_dcerpc_client *c)
{
    struct fake f;
    fake_init(&f, mode, 4280, 4280);
    struct wn_dcerpc_transport t = fake_transport(&f);
    struct wn_dcerpc_syntax s = srvsvc_syntax();
    assert_int_equal(wn_dcerpc_bind(&t, &s, &wn_dcerpc_ndr20_syntax, c), want);
    fake_free(&f);
}

static void
test_dcerpc_bind_reports_nak_reject_and_small_frag(void **state)
{
    (void)state;
    struct wn_dcerpc_client c;
    bind_expect(FAKE_NAK, WN_E_PROTOCOL, &c);
    assert_int_equal(c.bind_ptype, WN_DCERPC_BIND_NAK);
    assert_int_equal(c.bind_reason, 4);
    bind_expect(FAKE_REJECT, WN_E_UNSUPPORTED, &c);
    assert_int_equal(c.bind_result, 2);
    assert_int_equal(c.bind_reason, 1);
    bind_expect(FAKE_SMALL_FRAG, WN_E_PROTOCOL, &c);
    bind_expect(FAKE_OK, 0, &c);
}

static int
call_expect(enum fake_mode mode, uint32_t *fault)
{
    struct fake f;
    fake_init(&f, FAKE_OK, 64, 5);
    struct wn_dcerpc_transport t = fake_transport(&f);
    struct wn_dcerpc_syntax s = srvsvc_syntax();
    struct wn_dcerpc_client c;
    assert_int_equal(wn_dcerpc_bind(&t, &s, &wn_dcerpc_ndr20_syntax, &c), 0);
    f.mode = mode;
    wn_dynbuf_reset(&f.reply);
    f.reply_off = 0;
    uint8_t in[200] = {1, 2, 3};
    struct wn_dynbuf out;
    wn_dynbuf_init(&out, WN_DCERPC_MAX_STUB);
    int rc = wn_dcerpc_call(&c, 12, in, sizeof in, &out, fault);
    wn_dynbuf_free(&out);
    fake_free(&f);
    return rc;
}

static void
test_dcerpc_call_reports_fault_status_as_data(void **state)
{
    (void)state;
    uint32_t fault = 0;
    assert_int_equal(call_expect(FAKE_FAULT, &fault), WN_E_PROTOCOL);
    assert_int_equal(fault, WN_DCERPC_NCA_S_OP_RNG_ERROR);
    fault = 77;
    assert_int_equal(call_expect(FAKE_OK, &fault), 0);
    assert_int_equal(fault, 0);
}

static void
test_dcerpc_call_rejects_foreign_call_id_missing_first_silence_and_extra(void **state)
{
    (void)state;
    uint32_t fault = 77;
    assert_int_equal(call_expect(FAKE_BAD_CALL_ID, &fault), WN_E_PROTOCOL);
    assert_int_equal(fault, 0);
    assert_int_equal(call_expect(FAKE_NO_FIRST, &fault), WN_E_PROTOCOL);
    assert_int_equal(call_expect(FAKE_SILENT, &fault), WN_E_PROTOCOL);
    assert_int_equal(call_expect(FAKE_EXTRA, &fault), WN_E_PROTOCOL);
    /* A response fragment for another context than the request's is not
     * ours (the previous code appended its stub: 0). */
    assert_int_equal(call_expect(FAKE_BAD_CTX, &fault), WN_E_PROTOCOL);
}

static void
test_dcerpc_call_stub_over_caller_limit_fails(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, FAKE_OK, 1000, 1000);
    struct wn_dcerpc_transport t = fake_transport(&f);
    struct wn_dcerpc_syntax s = srvsvc_syntax();
    struct wn_dcerpc_client c;
    assert_int_equal(wn_dcerpc_bind(&t, &s, &wn_dcerpc_ndr20_syntax, &c), 0);
    wn_dynbuf_reset(&f.reply);
    f.reply_off = 0;
    uint8_t in[3000] = {0};
    struct wn_dynbuf out;
    wn_dynbuf_init(&out, 2000);
    uint32_t fault;
    assert_int_equal(wn_dcerpc_call(&c, 12, in, sizeof in, &out, &fault), WN_E_LIMIT);
    wn_dynbuf_free(&out);
    fake_free(&f);
}

static void
test_dcerpc_call_survives_every_allocation_failure(void **state)
{
    (void)state;
    int saw_ok = 0;
    for (long n = 0; n < 200 && !saw_ok; n++) {
        struct fake f;
        fake_init(&f, FAKE_OK, 100, 9);
        struct wn_dcerpc_transport t = fake_transport(&f);
        struct wn_dcerpc_syntax s = srvsvc_syntax();
        struct wn_dcerpc_client c;
        /* Pre-size the fake's buffers so only the client's allocations fail. */
        uint8_t *p;
        assert_int_equal(wn_dynbuf_grow(&f.reply, 1 << 16, &p), 0);
        assert_int_equal(wn_dynbuf_grow(&f.stub, 1 << 16, &p), 0);
        wn_dynbuf_reset(&f.reply);
        wn_dynbuf_reset(&f.stub);
        uint8_t in[1000] = {0};
        struct wn_dynbuf out;
        wn_dynbuf_init(&out, WN_DCERPC_MAX_STUB);
        uint32_t fault;
        wn_alloc_fail_after(n);
        int rc = wn_dcerpc_bind(&t, &s, &wn_dcerpc_ndr20_syntax, &c);
        if (rc == 0) {
            wn_dynbuf_reset(&f.reply);
            f.reply_off = 0;
            rc = wn_dcerpc_call(&c, 1, in, sizeof in, &out, &fault);
        }
        wn_alloc_fail_after(-1);
        if (rc == 0)
            saw_ok = 1;
        else
            assert_int_equal(rc, WN_E_NOMEM);
        wn_dynbuf_free(&out);
        fake_free(&f);
    }
    assert_true(saw_ok);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dcerpc_bind_matches_golden_vector),
        cmocka_unit_test(test_dcerpc_bind_ack_decodes_and_round_trips),
        cmocka_unit_test(test_dcerpc_request_header_matches_golden_vector),
        cmocka_unit_test(test_dcerpc_every_prefix_of_a_pdu_is_rejected),
        cmocka_unit_test(test_dcerpc_rejects_bad_header_fields),
        cmocka_unit_test(test_dcerpc_uuid_parse_rejects_garbage),
        cmocka_unit_test(test_dcerpc_call_reassembles_tiny_fragments_and_chunks),
        cmocka_unit_test(test_dcerpc_bind_reports_nak_reject_and_small_frag),
        cmocka_unit_test(test_dcerpc_call_reports_fault_status_as_data),
        cmocka_unit_test(test_dcerpc_call_rejects_foreign_call_id_missing_first_silence_and_extra),
        cmocka_unit_test(test_dcerpc_call_stub_over_caller_limit_fails),
        cmocka_unit_test(test_dcerpc_call_survives_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
