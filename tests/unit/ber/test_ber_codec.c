/* test_ber_codec.c: BER TLV reader strictness, INTEGER/OID/BOOLEAN golden vectors, backward writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ber.h"

static int
read_one(const uint8_t *b, size_t n, struct wn_ber_tlv *t)
{
    struct wn_rbuf r;
    wn_rbuf_init(&r, b, n);
    return wn_ber_read_tlv(&r, t);
}

static void
test_ber_reads_short_and_long_lengths(void **state)
{
    (void)state;
    struct wn_ber_tlv t;
    const uint8_t s[] = {0x04, 0x02, 'h', 'i'};
    assert_int_equal(read_one(s, sizeof s, &t), 0);
    assert_int_equal(t.cls, 0);
    assert_int_equal(t.tag, 4);
    assert_int_equal(t.len, 2);
    assert_int_equal(t.hdr_len, 2);
    assert_memory_equal(t.val, "hi", 2);
    /* long form, and a non-minimal long form is accepted */
    uint8_t l[3 + 200];
    memset(l, 0x41, sizeof l);
    l[0] = 0x30; l[1] = 0x81; l[2] = 200;
    assert_int_equal(read_one(l, sizeof l, &t), 0);
    assert_int_equal(t.len, 200);
    assert_true(t.constructed);
    const uint8_t nm[] = {0xA2, 0x84, 0, 0, 0, 1, 0x05};
    assert_int_equal(read_one(nm, sizeof nm, &t), 0);
    assert_int_equal(t.len, 1);
    assert_int_equal(t.cls, 0x80);
    assert_int_equal(t.tag, 2);
    assert_int_equal(t.hdr_len, 6);
}

static void
test_ber_rejects_indefinite_length(void **state)
{
    (void)state;
    struct wn_ber_tlv t;
    const uint8_t b[] = {0x30, 0x80, 0x05, 0x00, 0x00, 0x00};
    assert_int_equal(read_one(b, sizeof b, &t), WN_E_MALFORMED);
    const uint8_t ff[] = {0x30, 0xFF, 0x00};
    assert_int_equal(read_one(ff, sizeof ff, &t), WN_E_MALFORMED);
}

static void
test_ber_rejects_oversized_and_truncated_lengths(void **state)
{
    (void)state;
    struct wn_ber_tlv t;
    const uint8_t over[] = {0x04, 0x03, 'a', 'b'};
    assert_int_equal(read_one(over, sizeof over, &t), WN_E_TRUNCATED);
    const uint8_t five[] = {0x04, 0x85, 0, 0, 0, 0, 1, 'a'};
    assert_int_equal(read_one(five, sizeof five, &t), WN_E_LIMIT);
    const uint8_t cut[] = {0x04, 0x82, 0x01};
    assert_int_equal(read_one(cut, sizeof cut, &t), WN_E_TRUNCATED);
    const uint8_t huge[] = {0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0};
    assert_int_equal(read_one(huge, sizeof huge, &t), WN_E_TRUNCATED);
    assert_int_equal(read_one(over, 0, &t), WN_E_TRUNCATED);
}

static void
test_ber_high_tag_form_limits(void **state)
{
    (void)state;
    struct wn_ber_tlv t;
    const uint8_t ok[] = {0xBF, 0x81, 0x00, 0x00};   /* [128] constructed */
    assert_int_equal(read_one(ok, sizeof ok, &t), 0);
    assert_int_equal(t.tag, 128);
    assert_int_equal(t.cls, 0x80);
    const uint8_t small[] = {0x9F, 0x05, 0x00};      /* tag 5 in high form */
    assert_int_equal(read_one(small, sizeof small, &t), WN_E_MALFORMED);
    const uint8_t pad[] = {0x9F, 0x80, 0x7F, 0x00};  /* leading 0x80 */
    assert_int_equal(read_one(pad, sizeof pad, &t), WN_E_MALFORMED);
    const uint8_t lng[] = {0x9F, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00};
    assert_int_equal(read_one(lng, sizeof lng, &t), WN_E_LIMIT);
    /* writer round trip of a high tag */
    uint8_t buf[16];
    struct wn_ber_wbuf w;
    wn_ber_winit(&w, buf, sizeof buf);
    assert_int_equal(wn_ber_put_header_tag(&w, 0x80, 1, 128, 0), 0);
    assert_int_equal(wn_ber_wlen(&w), 4);
    assert_memory_equal(wn_ber_wdata(&w), ok, 4);
}

static void
test_ber_expect_checks_identifier(void **state)
{
    (void)state;
    const uint8_t b[] = {0x02, 0x01, 0x05, 0x30, 0x00};
    struct wn_rbuf r, in;
    wn_rbuf_init(&r, b, sizeof b);
    assert_int_equal(wn_ber_peek_ident(&r), 0x02);
    assert_int_equal(wn_ber_expect(&r, 0x02, &in), 0);
    assert_int_equal(wn_rbuf_left(&in), 1);
    assert_int_equal(wn_ber_expect(&r, 0x31, &in), WN_E_MALFORMED);
    assert_int_equal(r.err, WN_E_MALFORMED);
}

struct int_vec {
    int32_t v;
    uint8_t enc[6];
    size_t n;
};

static void
test_ber_int32_golden_round_trip(void **state)
{
    (void)state;
    static const struct int_vec vecs[] = {
        {0, {0x02, 0x01, 0x00}, 3},
        {127, {0x02, 0x01, 0x7F}, 3},
        {128, {0x02, 0x02, 0x00, 0x80}, 4},
        {256, {0x02, 0x02, 0x01, 0x00}, 4},
        {-1, {0x02, 0x01, 0xFF}, 3},
        {-128, {0x02, 0x01, 0x80}, 3},
        {-129, {0x02, 0x02, 0xFF, 0x7F}, 4},
        {INT32_MAX, {0x02, 0x04, 0x7F, 0xFF, 0xFF, 0xFF}, 6},
        {INT32_MIN, {0x02, 0x04, 0x80, 0x00, 0x00, 0x00}, 6},
    };
    for (size_t i = 0; i < WN_ARRAY_SIZE(vecs); i++) {
        uint8_t buf[8];
        struct wn_ber_wbuf w;
        wn_ber_winit(&w, buf, sizeof buf);
        assert_int_equal(wn_ber_put_int32(&w, 0x02, vecs[i].v), 0);
        assert_int_equal(wn_ber_wlen(&w), vecs[i].n);
        assert_memory_equal(wn_ber_wdata(&w), vecs[i].enc, vecs[i].n);
        struct wn_rbuf r;
        int32_t got = 12345;
        wn_rbuf_init(&r, vecs[i].enc, vecs[i].n);
        assert_int_equal(wn_ber_read_int32(&r, 0x02, &got), 0);
        assert_int_equal(got, vecs[i].v);
        assert_int_equal(wn_rbuf_left(&r), 0);
    }
}

static void
test_ber_unsigned_golden_round_trip(void **state)
{
    (void)state;
    uint8_t buf[16];
    struct wn_ber_wbuf w;
    wn_ber_winit(&w, buf, sizeof buf);
    assert_int_equal(wn_ber_put_uint32(&w, 0x41, UINT32_MAX), 0);
    const uint8_t u32[] = {0x41, 0x05, 0x00, 0xFF, 0xFF, 0xFF, 0xFF};
    assert_int_equal(wn_ber_wlen(&w), sizeof u32);
    assert_memory_equal(wn_ber_wdata(&w), u32, sizeof u32);
    uint32_t v32 = 0;
    assert_int_equal(wn_ber_uint32_decode(u32 + 2, 5, &v32), 0);
    assert_true(v32 == UINT32_MAX);

    wn_ber_winit(&w, buf, sizeof buf);
    assert_int_equal(wn_ber_put_uint64(&w, 0x46, UINT64_MAX), 0);
    const uint8_t u64[] = {0x46, 0x09, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    assert_int_equal(wn_ber_wlen(&w), sizeof u64);
    assert_memory_equal(wn_ber_wdata(&w), u64, sizeof u64);
    uint64_t v64 = 0;
    assert_int_equal(wn_ber_uint64_decode(u64 + 2, 9, &v64), 0);
    assert_true(v64 == UINT64_MAX);

    wn_ber_winit(&w, buf, sizeof buf);
    assert_int_equal(wn_ber_put_uint64(&w, 0x46, 0x0123456789ULL), 0);
    const uint8_t m64[] = {0x46, 0x05, 0x01, 0x23, 0x45, 0x67, 0x89};
    assert_memory_equal(wn_ber_wdata(&w), m64, sizeof m64);
}

static void
test_ber_integer_rejections(void **state)
{
    (void)state;
    int32_t i;
    uint32_t u;
    uint64_t u64;
    const uint8_t nm0[] = {0x00, 0x01};
    assert_int_equal(wn_ber_int32_decode(nm0, 2, &i), WN_E_MALFORMED);
    const uint8_t nmf[] = {0xFF, 0x80};
    assert_int_equal(wn_ber_int32_decode(nmf, 2, &i), WN_E_MALFORMED);
    assert_int_equal(wn_ber_int32_decode(nm0, 0, &i), WN_E_MALFORMED);
    const uint8_t five[] = {0x01, 0x00, 0x00, 0x00, 0x00};
    assert_int_equal(wn_ber_int32_decode(five, 5, &i), WN_E_LIMIT);
    assert_int_equal(wn_ber_uint32_decode(five, 5, &u), WN_E_LIMIT);
    const uint8_t neg[] = {0xFF};
    assert_int_equal(wn_ber_uint32_decode(neg, 1, &u), WN_E_MALFORMED);
    assert_int_equal(wn_ber_uint64_decode(neg, 1, &u64), WN_E_MALFORMED);
    const uint8_t ten[] = {0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(wn_ber_uint64_decode(ten, 10, &u64), WN_E_LIMIT);
}

static void
test_ber_bool_and_null(void **state)
{
    (void)state;
    uint8_t buf[8];
    struct wn_ber_wbuf w;
    wn_ber_winit(&w, buf, sizeof buf);
    wn_ber_put_null(&w, 0x05);
    assert_int_equal(wn_ber_put_bool(&w, 0x01, 1), 0);
    const uint8_t exp[] = {0x01, 0x01, 0xFF, 0x05, 0x00};
    assert_int_equal(wn_ber_wlen(&w), sizeof exp);
    assert_memory_equal(wn_ber_wdata(&w), exp, sizeof exp);
    struct wn_rbuf r;
    int b = 0;
    wn_rbuf_init(&r, exp, sizeof exp);
    assert_int_equal(wn_ber_read_bool(&r, 0x01, &b), 0);
    assert_int_equal(b, 1);
    assert_int_equal(wn_ber_read_null(&r, 0x05), 0);
    const uint8_t badnull[] = {0x05, 0x01, 0x00};
    wn_rbuf_init(&r, badnull, sizeof badnull);
    assert_int_equal(wn_ber_read_null(&r, 0x05), WN_E_MALFORMED);
    const uint8_t badbool[] = {0x01, 0x02, 0x00, 0x00};
    wn_rbuf_init(&r, badbool, sizeof badbool);
    assert_int_equal(wn_ber_read_bool(&r, 0x01, &b), WN_E_MALFORMED);
}

static void
test_ber_oid_golden_round_trip(void **state)
{
    (void)state;
    /* 1.3.6.1.2.1.1.3.0 (sysUpTime.0) */
    const uint32_t up[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
    const uint8_t upenc[] = {0x06, 0x08, 0x2B, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00};
    /* 2.999.4294967295 and a big arc */
    const uint32_t big[] = {2, 999, 4294967295u};
    const uint8_t bigenc[] = {0x06, 0x07, 0x88, 0x37, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F};
    uint8_t buf[32];
    struct wn_ber_wbuf w;
    uint32_t out[16];
    size_t n = 0;

    wn_ber_winit(&w, buf, sizeof buf);
    assert_int_equal(wn_ber_put_oid(&w, 0x06, up, 9), 0);
    assert_int_equal(wn_ber_wlen(&w), sizeof upenc);
    assert_memory_equal(wn_ber_wdata(&w), upenc, sizeof upenc);
    struct wn_rbuf r;
    wn_rbuf_init(&r, upenc, sizeof upenc);
    assert_int_equal(wn_ber_read_oid(&r, 0x06, out, 16, &n), 0);
    assert_int_equal(n, 9);
    assert_memory_equal(out, up, sizeof up);

    wn_ber_winit(&w, buf, sizeof buf);
    assert_int_equal(wn_ber_put_oid(&w, 0x06, big, 3), 0);
    assert_int_equal(wn_ber_wlen(&w), sizeof bigenc);
    assert_memory_equal(wn_ber_wdata(&w), bigenc, sizeof bigenc);
    assert_int_equal(wn_ber_oid_decode(bigenc + 2, 7, out, 16, &n), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(out, big, sizeof big);
    /* count-only mode */
    assert_int_equal(wn_ber_oid_decode(upenc + 2, 8, NULL, 0, &n), 0);
    assert_int_equal(n, 9);
}

static void
test_ber_oid_rejections(void **state)
{
    (void)state;
    uint32_t out[WN_BER_MAX_OID_LEN + 2];
    size_t n;
    const uint8_t pad[] = {0x2B, 0x80, 0x01};
    assert_int_equal(wn_ber_oid_decode(pad, 3, out, 8, &n), WN_E_MALFORMED);
    const uint8_t open[] = {0x2B, 0x81};
    assert_int_equal(wn_ber_oid_decode(open, 2, out, 8, &n), WN_E_MALFORMED);
    const uint8_t over[] = {0x2B, 0x90, 0x80, 0x80, 0x80, 0x00};  /* 2^32 */
    assert_int_equal(wn_ber_oid_decode(over, sizeof over, out, 8, &n), WN_E_MALFORMED);
    assert_int_equal(wn_ber_oid_decode(pad, 0, out, 8, &n), WN_E_MALFORMED);
    const uint8_t three[] = {0x2B, 0x06, 0x01};
    assert_int_equal(wn_ber_oid_decode(three, 3, out, 3, &n), WN_E_NOSPACE);
    /* 129 arcs: first octet gives two, then 127 more */
    uint8_t many[128];
    memset(many, 0x01, sizeof many);
    many[0] = 0x2B;
    assert_int_equal(wn_ber_oid_decode(many, 127, out, WN_ARRAY_SIZE(out), &n), 0);
    assert_int_equal(n, 128);
    assert_int_equal(wn_ber_oid_decode(many, 128, out, WN_ARRAY_SIZE(out), &n), WN_E_LIMIT);
    /* The same answers when only validating and counting (out NULL). */
    assert_int_equal(wn_ber_oid_decode(pad, 3, NULL, 0, &n), WN_E_MALFORMED);
    assert_int_equal(wn_ber_oid_decode(open, 2, NULL, 0, &n), WN_E_MALFORMED);
    assert_int_equal(wn_ber_oid_decode(over, sizeof over, NULL, 0, &n), WN_E_MALFORMED);
    const uint8_t first_pad[] = {0x80, 0x2B};
    assert_int_equal(wn_ber_oid_decode(first_pad, 2, NULL, 0, &n), WN_E_MALFORMED);
    assert_int_equal(wn_ber_oid_decode(many, 127, NULL, 0, &n), 0);
    assert_int_equal(n, 128);
    assert_int_equal(wn_ber_oid_decode(many, 128, NULL, 0, &n), WN_E_LIMIT);
    const uint8_t five[] = {0x2B, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F, 0x81, 0x00};  /* 2^32-1, 128 */
    assert_int_equal(wn_ber_oid_decode(five, sizeof five, NULL, 0, &n), 0);
    assert_int_equal(n, 4);
    /* Decoding gives the arcs and stops at the room it has. */
    uint32_t chk[8];
    size_t nc = 0;
    assert_int_equal(wn_ber_oid_decode(five, sizeof five, chk, 8, &nc), 0);
    assert_int_equal(nc, 4);
    assert_int_equal(chk[2], 4294967295u);
    assert_int_equal(chk[3], 128);
    assert_int_equal(wn_ber_oid_decode(five, sizeof five, chk, 3, &nc), WN_E_NOSPACE);
    const uint8_t big_first[] = {0x90, 0x80, 0x80, 0x80, 0x4F};  /* 2.4294967295 */
    assert_int_equal(wn_ber_oid_decode(big_first, sizeof big_first, chk, 8, &nc), 0);
    assert_int_equal(nc, 2);
    assert_int_equal(chk[0], 2);
    assert_int_equal(chk[1], 4294967295u);
    /* writer refuses bad first arcs and short OIDs */
    uint8_t buf[16];
    struct wn_ber_wbuf w;
    const uint32_t bad[] = {3, 1};
    wn_ber_winit(&w, buf, sizeof buf);
    assert_int_equal(wn_ber_put_oid(&w, 0x06, bad, 2), WN_E_INVAL);
    const uint32_t bad2[] = {1, 40};
    wn_ber_winit(&w, buf, sizeof buf);
    assert_int_equal(wn_ber_put_oid(&w, 0x06, bad2, 2), WN_E_INVAL);
    wn_ber_winit(&w, buf, sizeof buf);
    assert_int_equal(wn_ber_put_oid(&w, 0x06, bad2, 1), WN_E_INVAL);
}

static void
test_ber_writer_reports_nospace_and_wraps(void **state)
{
    (void)state;
    uint8_t buf[6];
    struct wn_ber_wbuf w;
    wn_ber_winit(&w, buf, sizeof buf);
    size_t mark = wn_ber_wlen(&w);
    assert_int_equal(wn_ber_put_int32(&w, 0x02, 5), 0);
    assert_int_equal(wn_ber_wrap(&w, 0x30, mark), 0);
    const uint8_t exp[] = {0x30, 0x03, 0x02, 0x01, 0x05};
    assert_int_equal(wn_ber_wlen(&w), 5);
    assert_memory_equal(wn_ber_wdata(&w), exp, 5);
    assert_int_equal(wn_ber_put_octets(&w, 0x04, "ab", 2), WN_E_NOSPACE);
    assert_int_equal(wn_ber_wlen(&w), 5);   /* nothing partial */
    assert_int_equal(wn_ber_put_null(&w, 0x05), WN_E_NOSPACE);  /* sticky */
    assert_int_equal(wn_ber_wrap(&w, 0x30, 99), WN_E_NOSPACE);

    /* a 300-byte value gets a two-octet long form */
    uint8_t big[310];
    uint8_t val[300];
    memset(val, 'x', sizeof val);
    wn_ber_winit(&w, big, sizeof big);
    assert_int_equal(wn_ber_put_octets(&w, 0x04, val, sizeof val), 0);
    assert_int_equal(wn_ber_wlen(&w), 304);
    const uint8_t *d = wn_ber_wdata(&w);
    assert_int_equal(d[0], 0x04);
    assert_int_equal(d[1], 0x82);
    assert_int_equal(d[2], 0x01);
    assert_int_equal(d[3], 0x2C);
    wn_ber_winit(&w, big, sizeof big);
    assert_int_equal(wn_ber_wrap(&w, 0x30, 1), WN_E_INVAL);
}

static void
test_ber_validate_limits_nesting_depth(void **state)
{
    (void)state;
    uint8_t b[2 * (WN_BER_MAX_DEPTH + 2)];
    /* depth d of nested empty-terminated SEQUENCEs */
    for (size_t d = WN_BER_MAX_DEPTH; d <= WN_BER_MAX_DEPTH + 1; d++) {
        size_t n = 2 * d;
        for (size_t i = 0; i < d; i++) {
            b[2 * i] = 0x30;
            b[2 * i + 1] = (uint8_t)(n - 2 * i - 2);
        }
        int rc = wn_ber_validate(b, n, WN_BER_MAX_DEPTH);
        if (d == WN_BER_MAX_DEPTH)
            assert_int_equal(rc, 0);
        else
            assert_int_equal(rc, WN_E_LIMIT);
    }
    const uint8_t bad[] = {0x30, 0x03, 0x04, 0x05, 0x00};
    assert_int_equal(wn_ber_validate(bad, sizeof bad, 4), WN_E_TRUNCATED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ber_reads_short_and_long_lengths),
        cmocka_unit_test(test_ber_rejects_indefinite_length),
        cmocka_unit_test(test_ber_rejects_oversized_and_truncated_lengths),
        cmocka_unit_test(test_ber_high_tag_form_limits),
        cmocka_unit_test(test_ber_expect_checks_identifier),
        cmocka_unit_test(test_ber_int32_golden_round_trip),
        cmocka_unit_test(test_ber_unsigned_golden_round_trip),
        cmocka_unit_test(test_ber_integer_rejections),
        cmocka_unit_test(test_ber_bool_and_null),
        cmocka_unit_test(test_ber_oid_golden_round_trip),
        cmocka_unit_test(test_ber_oid_rejections),
        cmocka_unit_test(test_ber_writer_reports_nospace_and_wraps),
        cmocka_unit_test(test_ber_validate_limits_nesting_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
