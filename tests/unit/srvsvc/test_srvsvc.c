/* test_srvsvc.c: NetrSessionEnum/Del stubs against Samba-produced golden vectors, plus truncation and corruption. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "srvsvc.h"
#include "srvsvc_vectors.h"

/* ASCII -> UTF-16LE view over a static slot (tests only; short strings). */
static struct wn_srvsvc_u16
u16(const char *s)
{
    static uint8_t slots[8][128];
    static unsigned next;
    struct wn_srvsvc_u16 v = {NULL, 0};
    if (!s)
        return v;
    uint8_t *b = slots[next++ % 8];
    size_t n = strlen(s);
    assert_true(n * 2 <= sizeof slots[0]);
    for (size_t i = 0; i < n; i++) {
        b[2 * i] = (uint8_t)s[i];
        b[2 * i + 1] = 0;
    }
    v.data = b;
    v.len = n * 2;
    return v;
}

/* Checks a decoded view against ASCII text (NULL = NULL pointer). */
static void
assert_view(const uint8_t *p, uint32_t len, const char *want)
{
    if (!want) {
        assert_null(p);
        assert_int_equal(len, 0);
        return;
    }
    assert_non_null(p);
    assert_int_equal(len, strlen(want) * 2);
    for (size_t i = 0; i < strlen(want); i++) {
        assert_int_equal(p[2 * i], (uint8_t)want[i]);
        assert_int_equal(p[2 * i + 1], 0);
    }
}

static void
assert_session(const struct wn_srvsvc_session *s, const char *cname, const char *user,
               uint32_t opens, uint32_t time, uint32_t idle, uint32_t flags,
               const char *cltype, const char *transport)
{
    assert_view(s->cname, s->cname_len, cname);
    assert_view(s->username, s->username_len, user);
    assert_int_equal(s->num_opens, opens);
    assert_int_equal(s->time, time);
    assert_int_equal(s->idle_time, idle);
    assert_int_equal(s->user_flags, flags);
    assert_view(s->cltype, s->cltype_len, cltype);
    assert_view(s->transport, s->transport_len, transport);
}

static void
assert_encodes_to(const struct wn_srvsvc_enum_args *a, const uint8_t *want, size_t len)
{
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 65536);
    assert_int_equal(wn_srvsvc_session_enum_encode(&b, a), 0);
    assert_int_equal(b.len, len);
    assert_memory_equal(b.data, want, len);
    wn_dynbuf_free(&b);
}

static void
test_srvsvc_enum_requests_match_samba_bytes(void **state)
{
    (void)state;
    struct wn_srvsvc_enum_args a = {u16("\\\\srv"), u16(NULL), u16(NULL), 1, 0xffffffffu, 1, 0};
    assert_encodes_to(&a, md_enum1_req, sizeof md_enum1_req);

    struct wn_srvsvc_enum_args b = {u16(NULL), u16("\\\\10.0.0.5"), u16("bob"), 10,
                                    0xffffffffu, 0, 0};
    assert_encodes_to(&b, md_enum10_req, sizeof md_enum10_req);

    static const struct { uint32_t level; const uint8_t *v; } cap[] = {
        {0, cap_enum0_req}, {1, cap_enum1_req}, {10, cap_enum10_req}, {502, cap_enum502_req}};
    for (size_t i = 0; i < 4; i++) {
        struct wn_srvsvc_enum_args c = {u16("127.0.0.1"), u16("\\\\127.0.0.1"), u16("labuser"),
                                        cap[i].level, 0xffffffffu, 0, 0};
        assert_encodes_to(&c, cap[i].v, 136);
    }
}

static void
test_srvsvc_enum_request_rejects_bad_arguments(void **state)
{
    (void)state;
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 65536);
    struct wn_srvsvc_enum_args a = {u16(NULL), u16(NULL), u16(NULL), 3, 0, 0, 0};
    assert_int_equal(wn_srvsvc_session_enum_encode(&b, &a), WN_E_INVAL);
    a.level = 2;
    a.user = u16("bob");
    a.user.len = 3;                             /* odd byte count */
    wn_dynbuf_reset(&b);
    assert_int_equal(wn_srvsvc_session_enum_encode(&b, &a), WN_E_INVAL);
    a.user.len = 2 * WN_SRVSVC_MAX_STRING;      /* too long */
    wn_dynbuf_reset(&b);
    assert_int_equal(wn_srvsvc_session_enum_encode(&b, &a), WN_E_LIMIT);
    a.user = u16("");                           /* empty: MaxCount 1, just the NUL */
    wn_dynbuf_reset(&b);
    assert_int_equal(wn_srvsvc_session_enum_encode(&b, &a), 0);
    static const uint8_t empty[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 0, 0,
                                    0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0};
    assert_memory_equal(b.data, empty, sizeof empty);
    wn_dynbuf_free(&b);
}

static void
test_srvsvc_del_request_matches_samba_bytes(void **state)
{
    (void)state;
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 65536);
    struct wn_srvsvc_u16 s = u16("\\\\srv"), c = u16("\\\\10.0.0.5"), u = u16(NULL);
    assert_int_equal(wn_srvsvc_session_del_encode(&b, &s, &c, &u), 0);
    assert_int_equal(b.len, sizeof md_del_req);
    assert_memory_equal(b.data, md_del_req, sizeof md_del_req);
    wn_dynbuf_reset(&b);
    s = u16("127.0.0.1");
    c = u16("\\\\127.0.0.1");
    u = u16("labuser");
    assert_int_equal(wn_srvsvc_session_del_encode(&b, &s, &c, &u), 0);
    assert_int_equal(b.len, sizeof cap_del_req);
    assert_memory_equal(b.data, cap_del_req, sizeof cap_del_req);
    wn_dynbuf_free(&b);

    uint32_t st = 99;
    assert_int_equal(wn_srvsvc_session_del_decode(cap_del_resp, 4, &st), 0);
    assert_int_equal(st, 0);
    static const uint8_t denied[] = {5, 0, 0, 0};
    assert_int_equal(wn_srvsvc_session_del_decode(denied, 4, &st), 0);
    assert_int_equal(st, 5);
    assert_int_equal(wn_srvsvc_session_del_decode(denied, 3, &st), WN_E_TRUNCATED);
    static const uint8_t longer[12] = {0};
    assert_int_equal(wn_srvsvc_session_del_decode(longer, 12, &st), WN_E_MALFORMED);
}

/* Decodes, checks re-encoding reproduces the bytes when `round_trip`. */
static struct wn_srvsvc_enum_result *
decode_ok(const uint8_t *v, size_t len, int round_trip)
{
    struct wn_srvsvc_enum_result *r = NULL;
    assert_int_equal(wn_srvsvc_session_enum_decode(v, len, &r), 0);
    assert_non_null(r);
    if (round_trip) {
        struct wn_dynbuf b;
        wn_dynbuf_init(&b, 1 << 20);
        assert_int_equal(wn_srvsvc_session_enum_reply_encode(&b, r), 0);
        assert_int_equal(b.len, len);
        assert_memory_equal(b.data, v, len);
        wn_dynbuf_free(&b);
    }
    return r;
}

static void
test_srvsvc_decodes_level1_reply_every_field(void **state)
{
    (void)state;
    struct wn_srvsvc_enum_result *r = decode_ok(md_enum1_resp, sizeof md_enum1_resp, 1);
    assert_int_equal(r->level, 1);
    assert_true(r->has_container);
    assert_int_equal(r->entries, 2);
    assert_int_equal(r->total_entries, 2);
    assert_true(r->has_resume);
    assert_int_equal(r->resume_handle, 2);
    assert_int_equal(r->status, 0);
    assert_session(&r->sessions[0], "127.0.0.1", "alice", 2, 60, 0, 0, NULL, NULL);
    assert_session(&r->sessions[1], "10.0.0.5", "nobody", 0, 5, 0, 1, NULL, NULL);
    wn_srvsvc_enum_result_free(r);

    r = decode_ok(cap_enum1_resp, sizeof cap_enum1_resp, 0);
    assert_int_equal(r->entries, 2);
    assert_int_equal(r->total_entries, 2);
    assert_false(r->has_resume);
    assert_session(&r->sessions[0], "127.0.0.1", "labadmin", 0, 0xffffffffu, 0, 0, NULL, NULL);
    assert_session(&r->sessions[1], "127.0.0.1", "labuser", 0, 6, 0, 0, NULL, NULL);
    wn_srvsvc_enum_result_free(r);
}

static void
test_srvsvc_decodes_level0_replies(void **state)
{
    (void)state;
    struct wn_srvsvc_enum_result *r = decode_ok(cap_enum0_resp, sizeof cap_enum0_resp, 0);
    assert_int_equal(r->level, 0);
    assert_int_equal(r->entries, 2);
    assert_int_equal(r->total_entries, 2);
    assert_int_equal(r->status, 0);
    assert_false(r->has_resume);
    for (int i = 0; i < 2; i++)
        assert_session(&r->sessions[i], "127.0.0.1", NULL, 0, 0, 0, 0, NULL, NULL);
    wn_srvsvc_enum_result_free(r);

    r = decode_ok(md_enum0_empty_resp, sizeof md_enum0_empty_resp, 1);
    assert_int_equal(r->level, 0);
    assert_true(r->has_container);
    assert_int_equal(r->entries, 0);
    assert_int_equal(r->total_entries, 0);
    assert_int_equal(r->status, 0);
    wn_srvsvc_enum_result_free(r);
}

static void
test_srvsvc_decodes_level2_10_502_replies(void **state)
{
    (void)state;
    struct wn_srvsvc_enum_result *r = decode_ok(syn_enum2_resp, sizeof syn_enum2_resp, 1);
    assert_int_equal(r->level, 2);
    assert_int_equal(r->entries, 2);
    assert_int_equal(r->total_entries, 2);
    assert_session(&r->sessions[0], "127.0.0.1", "labadmin", 0, 0, 7, 0, "Samba", NULL);
    assert_session(&r->sessions[1], "127.0.0.1", "labuser", 1, 42, 7, 0, "Samba", NULL);
    wn_srvsvc_enum_result_free(r);

    r = decode_ok(syn_enum10_resp, sizeof syn_enum10_resp, 1);
    assert_int_equal(r->level, 10);
    assert_int_equal(r->entries, 2);
    assert_session(&r->sessions[0], "127.0.0.1", "labadmin", 0, 0, 7, 0, NULL, NULL);
    assert_session(&r->sessions[1], "127.0.0.1", "labuser", 0, 42, 7, 0, NULL, NULL);
    wn_srvsvc_enum_result_free(r);

    r = decode_ok(syn_enum502_resp, sizeof syn_enum502_resp, 1);
    assert_int_equal(r->level, 502);
    assert_int_equal(r->entries, 2);
    assert_session(&r->sessions[0], "127.0.0.1", "labadmin", 0, 0, 7, 0, "Samba",
                   "\\Device\\NetbiosSmb");
    assert_session(&r->sessions[1], "127.0.0.1", "labuser", 1, 42, 7, 0, "Samba",
                   "\\Device\\NetbiosSmb");
    wn_srvsvc_enum_result_free(r);

    r = decode_ok(md_enum502_resp, sizeof md_enum502_resp, 1);
    assert_int_equal(r->entries, 1);
    assert_int_equal(r->total_entries, 1);
    assert_false(r->has_resume);
    assert_session(&r->sessions[0], "PC1", "ab", 1, 7, 3, 0, "SMB2", "TCP");
    wn_srvsvc_enum_result_free(r);
}

static void
test_srvsvc_invalid_level_status_is_data(void **state)
{
    (void)state;
    struct wn_srvsvc_enum_result *r =
        decode_ok(md_enum502_invalid_resp, sizeof md_enum502_invalid_resp, 1);
    assert_int_equal(r->level, 502);
    assert_int_equal(r->entries, 0);
    assert_int_equal(r->status, 124);
    wn_srvsvc_enum_result_free(r);
    r = decode_ok(cap_enum10_resp, sizeof cap_enum10_resp, 0);
    assert_int_equal(r->level, 10);
    assert_int_equal(r->status, 124);
    wn_srvsvc_enum_result_free(r);
    r = decode_ok(cap_enum502_resp, sizeof cap_enum502_resp, 0);
    assert_int_equal(r->status, 124);
    wn_srvsvc_enum_result_free(r);
}

static void
test_srvsvc_null_strings_and_null_container(void **state)
{
    (void)state;
    /* An entry with NULL username/cltype/transport round-trips as NULL. */
    struct {
        struct wn_srvsvc_enum_result h;
        struct wn_srvsvc_session s[1];
    } in;
    memset(&in, 0, sizeof in);
    struct wn_srvsvc_u16 c = u16("PC");
    in.h.level = 502;
    in.h.has_container = 1;
    in.h.entries = 1;
    in.h.total_entries = 9;
    in.h.status = 234;
    in.h.sessions = in.s;
    in.s[0].cname = c.data;
    in.s[0].cname_len = (uint32_t)c.len;
    in.s[0].time = 77;
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 4096);
    assert_int_equal(wn_srvsvc_session_enum_reply_encode(&b, &in.h), 0);
    struct wn_srvsvc_enum_result *r = decode_ok(b.data, b.len, 1);
    assert_session(&r->sessions[0], "PC", NULL, 0, 77, 0, 0, NULL, NULL);
    assert_int_equal(r->total_entries, 9);
    assert_int_equal(r->status, 234);
    wn_srvsvc_enum_result_free(r);

    /* A NULL container pointer: no entries, fields after it still read. */
    in.h.has_container = 0;
    in.h.entries = 0;
    in.h.has_resume = 1;
    in.h.resume_handle = 5;
    wn_dynbuf_reset(&b);
    assert_int_equal(wn_srvsvc_session_enum_reply_encode(&b, &in.h), 0);
    assert_int_equal(b.len, 28);
    r = decode_ok(b.data, b.len, 1);
    assert_false(r->has_container);
    assert_int_equal(r->entries, 0);
    assert_true(r->has_resume);
    assert_int_equal(r->resume_handle, 5);
    wn_srvsvc_enum_result_free(r);
    wn_dynbuf_free(&b);
}

static const struct { const uint8_t *v; size_t len; } all_replies[] = {
    {md_enum1_resp, sizeof md_enum1_resp},
    {md_enum0_empty_resp, sizeof md_enum0_empty_resp},
    {md_enum502_invalid_resp, sizeof md_enum502_invalid_resp},
    {md_enum502_resp, sizeof md_enum502_resp},
    {cap_enum0_resp, sizeof cap_enum0_resp},
    {cap_enum1_resp, sizeof cap_enum1_resp},
    {cap_enum10_resp, sizeof cap_enum10_resp},
    {cap_enum502_resp, sizeof cap_enum502_resp},
    {syn_enum2_resp, sizeof syn_enum2_resp},
    {syn_enum10_resp, sizeof syn_enum10_resp},
    {syn_enum502_resp, sizeof syn_enum502_resp},
};

static void
test_srvsvc_every_prefix_of_every_reply_fails_cleanly(void **state)
{
    (void)state;
    for (size_t i = 0; i < WN_ARRAY_SIZE(all_replies); i++) {
        for (size_t n = 0; n < all_replies[i].len; n++) {
            /* Copy so ASan sees reads past the prefix. */
            uint8_t *p = malloc(n ? n : 1);
            memcpy(p, all_replies[i].v, n);
            struct wn_srvsvc_enum_result *r = (void *)1;
            int rc = wn_srvsvc_session_enum_decode(p, n, &r);
            assert_true(rc == WN_E_TRUNCATED || rc == WN_E_MALFORMED);
            assert_null(r);
            free(p);
        }
    }
}

/* Overwrites the u32 at `off` and expects `want`. */
static void
corrupt(const uint8_t *v, size_t len, size_t off, uint32_t val, int want)
{
    uint8_t *p = malloc(len);
    memcpy(p, v, len);
    p[off] = (uint8_t)val;
    p[off + 1] = (uint8_t)(val >> 8);
    p[off + 2] = (uint8_t)(val >> 16);
    p[off + 3] = (uint8_t)(val >> 24);
    struct wn_srvsvc_enum_result *r = (void *)1;
    assert_int_equal(wn_srvsvc_session_enum_decode(p, len, &r), want);
    assert_null(r);
    free(p);
}

static void
test_srvsvc_rejects_flipped_counts_and_lengths(void **state)
{
    (void)state;
    const uint8_t *v = md_enum1_resp;
    size_t n = sizeof md_enum1_resp;
    corrupt(v, n, 0x00, 3, WN_E_MALFORMED);             /* unknown level */
    corrupt(v, n, 0x04, 0, WN_E_MALFORMED);             /* tag != level */
    corrupt(v, n, 0x0c, 3, WN_E_MALFORMED);             /* EntriesRead != MaxCount */
    corrupt(v, n, 0x14, 1, WN_E_MALFORMED);             /* MaxCount != EntriesRead */
    corrupt(v, n, 0x10, 0, WN_E_MALFORMED);             /* entries but NULL buffer */
    corrupt(v, n, 0x48, WN_SRVSVC_MAX_STRING + 1, WN_E_LIMIT); /* MaxCount over limit */
    corrupt(v, n, 0x4c, 1, WN_E_MALFORMED);             /* offset != 0 */
    corrupt(v, n, 0x50, 11, WN_E_MALFORMED);            /* actual > max */
    corrupt(v, n, 0x50, 9, WN_E_MALFORMED);             /* last unit not NUL */
    corrupt(v, n, 0x34, 0, WN_E_MALFORMED);             /* drop user ptr: rest misparses */
    /* Huge counts are refused before any allocation. */
    uint8_t *p = malloc(n);
    memcpy(p, v, n);
    p[0x0c] = p[0x14] = 0xff;
    p[0x0d] = p[0x15] = 0xff;
    p[0x0e] = p[0x16] = 0xff;
    p[0x0f] = p[0x17] = 0x7f;
    struct wn_srvsvc_enum_result *r = NULL;
    unsigned long before = wn_alloc_count();
    assert_int_equal(wn_srvsvc_session_enum_decode(p, n, &r), WN_E_LIMIT);
    assert_int_equal(wn_alloc_count(), before);
    p[0x0f] = p[0x17] = 0;
    p[0x0e] = p[0x16] = 0;
    p[0x0d] = p[0x15] = 0x01;                           /* 256+: within limit, too few bytes */
    assert_int_equal(wn_srvsvc_session_enum_decode(p, n, &r), WN_E_TRUNCATED);
    free(p);
    /* Garbage after the status. */
    uint8_t big[sizeof md_enum1_resp + 8] = {0};
    memcpy(big, v, n);
    assert_int_equal(wn_srvsvc_session_enum_decode(big, sizeof big, &r), WN_E_MALFORMED);
    assert_int_equal(wn_srvsvc_session_enum_decode(big, n + 4, &r), 0);  /* 8-pad ok */
    wn_srvsvc_enum_result_free(r);
}

static void
test_srvsvc_decode_survives_allocation_failure(void **state)
{
    (void)state;
    struct wn_srvsvc_enum_result *r = (void *)1;
    wn_alloc_fail_after(0);
    int rc = wn_srvsvc_session_enum_decode(md_enum1_resp, sizeof md_enum1_resp, &r);
    wn_alloc_fail_after(-1);
    assert_int_equal(rc, WN_E_NOMEM);
    assert_null(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_srvsvc_enum_requests_match_samba_bytes),
        cmocka_unit_test(test_srvsvc_enum_request_rejects_bad_arguments),
        cmocka_unit_test(test_srvsvc_del_request_matches_samba_bytes),
        cmocka_unit_test(test_srvsvc_decodes_level1_reply_every_field),
        cmocka_unit_test(test_srvsvc_decodes_level0_replies),
        cmocka_unit_test(test_srvsvc_decodes_level2_10_502_replies),
        cmocka_unit_test(test_srvsvc_invalid_level_status_is_data),
        cmocka_unit_test(test_srvsvc_null_strings_and_null_container),
        cmocka_unit_test(test_srvsvc_every_prefix_of_every_reply_fails_cleanly),
        cmocka_unit_test(test_srvsvc_rejects_flipped_counts_and_lengths),
        cmocka_unit_test(test_srvsvc_decode_survives_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
