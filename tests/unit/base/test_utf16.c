/* test_utf16.c: UTF-8/wchar_t <-> UTF-16LE conversion and NTLM upper-casing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

#include "base.h"

static void
test_utf8_to_utf16le_encodes_bmp_and_pairs(void **state)
{
    (void)state;
    /* "Aé€😀" = 41, C3 A9, E2 82 AC, F0 9F 98 80 */
    const char s[] = "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    const uint8_t want[] = {0x41, 0, 0xE9, 0, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE};
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 64);
    assert_int_equal(wn_utf8_to_utf16le(s, strlen(s), &b), 0);
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);
    wn_dynbuf_free(&b);
}

static void
test_utf8_to_utf16le_rejects_invalid_and_restores_len(void **state)
{
    (void)state;
    static const char *bad[] = {
        "\xC0\xAF",         /* overlong '/' */
        "\xE0\x80\xAF",     /* overlong */
        "\xED\xA0\x80",     /* surrogate D800 */
        "\xF4\x90\x80\x80", /* > U+10FFFF */
        "\x80",             /* stray continuation */
        "\xE2\x82",         /* truncated */
        "\xF5\x80\x80\x80", /* invalid lead */
        "\xC3\x28",         /* bad continuation */
    };
    for (size_t i = 0; i < WN_ARRAY_SIZE(bad); i++) {
        struct wn_dynbuf b;
        wn_dynbuf_init(&b, 64);
        assert_int_equal(wn_utf8_to_utf16le("ab", 2, &b), 0);
        assert_int_equal(wn_utf8_to_utf16le(bad[i], strlen(bad[i]), &b), WN_E_MALFORMED);
        assert_int_equal(b.len, 4);
        wn_dynbuf_free(&b);
    }
}

static void
test_utf8_to_utf16le_respects_dynbuf_limit(void **state)
{
    (void)state;
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 5);
    assert_int_equal(wn_utf8_to_utf16le("abc", 3, &b), WN_E_LIMIT);
    assert_null(b.data);
}

static void
test_utf16le_to_utf8_round_trips_and_replaces_lone_surrogates(void **state)
{
    (void)state;
    const char s[] = "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    struct wn_dynbuf u, o;
    wn_dynbuf_init(&u, 64);
    wn_dynbuf_init(&o, 64);
    assert_int_equal(wn_utf8_to_utf16le(s, strlen(s), &u), 0);
    assert_int_equal(wn_utf16le_to_utf8(u.data, u.len, &o), 0);
    assert_int_equal(o.len, strlen(s));
    assert_string_equal((const char *)o.data, s);
    wn_dynbuf_free(&o);

    /* lone low surrogate, lone high surrogate, then x and an odd byte */
    const uint8_t lone[] = {0x00, 0xDC, 0x00, 0xD8, 'x', 0, 0x41};
    wn_dynbuf_init(&o, 64);
    assert_int_equal(wn_utf16le_to_utf8(lone, sizeof lone, &o), 0);
    assert_string_equal((const char *)o.data,
                        "\xEF\xBF\xBD\xEF\xBF\xBDx\xEF\xBF\xBD");
    wn_dynbuf_free(&o);

    /* stops at an embedded NUL unit */
    const uint8_t nul[] = {'a', 0, 0, 0, 'b', 0};
    wn_dynbuf_init(&o, 64);
    assert_int_equal(wn_utf16le_to_utf8(nul, sizeof nul, &o), 0);
    assert_int_equal(o.len, 1);
    assert_string_equal((const char *)o.data, "a");
    wn_dynbuf_free(&o);
    wn_dynbuf_free(&u);
}

static void
test_wcs_round_trip_and_truncation(void **state)
{
    (void)state;
    const wchar_t w[] = {L'S', 0xE9, 0x1F600, L'!', 0};
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, 64);
    assert_int_equal(wn_wcs_to_utf16le(w, &b), 0);
    assert_int_equal(b.len, 10);
    wchar_t out[8];
    assert_int_equal(wn_utf16le_to_wcs(b.data, b.len, out, WN_ARRAY_SIZE(out)), 4);
    assert_memory_equal(out, w, sizeof w);
    /* size query, then truncated write is NUL-terminated */
    assert_int_equal(wn_utf16le_to_wcs(b.data, b.len, NULL, 0), 4);
    wchar_t small[3] = {9, 9, 9};
    assert_int_equal(wn_utf16le_to_wcs(b.data, b.len, small, 3), 4);
    assert_int_equal(small[0], L'S');
    assert_int_equal(small[1], 0xE9);
    assert_int_equal(small[2], 0);
    wn_dynbuf_free(&b);

    const wchar_t bad[] = {L'a', 0xD800, 0};
    wn_dynbuf_init(&b, 64);
    assert_int_equal(wn_wcs_to_utf16le(bad, &b), WN_E_MALFORMED);
    assert_int_equal(b.len, 0);
    const wchar_t big[] = {(wchar_t)0x110000, 0};
    assert_int_equal(wn_wcs_to_utf16le(big, &b), WN_E_MALFORMED);
    wn_dynbuf_free(&b);
}

static void
test_utf16_toupper_covers_ascii_latin1_and_documented_ranges(void **state)
{
    (void)state;
    assert_int_equal(wn_utf16_toupper('a'), 'A');
    assert_int_equal(wn_utf16_toupper('z'), 'Z');
    assert_int_equal(wn_utf16_toupper('A'), 'A');
    assert_int_equal(wn_utf16_toupper('{'), '{');
    assert_int_equal(wn_utf16_toupper(0xE9), 0xC9);   /* e acute */
    assert_int_equal(wn_utf16_toupper(0xF7), 0xF7);   /* division sign */
    assert_int_equal(wn_utf16_toupper(0xFF), 0x178);
    assert_int_equal(wn_utf16_toupper(0xDF), 0xDF);   /* sharp s: limit */
    assert_int_equal(wn_utf16_toupper(0x101), 0x100);
    assert_int_equal(wn_utf16_toupper(0x13A), 0x139);
    assert_int_equal(wn_utf16_toupper(0x17E), 0x17D);
    assert_int_equal(wn_utf16_toupper(0x3B1), 0x391);
    assert_int_equal(wn_utf16_toupper(0x3C2), 0x3A3);
    assert_int_equal(wn_utf16_toupper(0x430), 0x410);
    assert_int_equal(wn_utf16_toupper(0x451), 0x401);
    assert_int_equal(wn_utf16_toupper(0xD83D), 0xD83D);

    uint8_t s[] = {'u', 0, 's', 0, 0xE9, 0, 'R', 0, 0x7F};
    wn_utf16le_upper(s, sizeof s);
    const uint8_t want[] = {'U', 0, 'S', 0, 0xC9, 0, 'R', 0, 0x7F};
    assert_memory_equal(s, want, sizeof want);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_to_utf16le_encodes_bmp_and_pairs),
        cmocka_unit_test(test_utf8_to_utf16le_rejects_invalid_and_restores_len),
        cmocka_unit_test(test_utf8_to_utf16le_respects_dynbuf_limit),
        cmocka_unit_test(test_utf16le_to_utf8_round_trips_and_replaces_lone_surrogates),
        cmocka_unit_test(test_wcs_round_trip_and_truncation),
        cmocka_unit_test(test_utf16_toupper_covers_ascii_latin1_and_documented_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
