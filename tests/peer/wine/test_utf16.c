/* test_utf16.c: the netapi32 bridge's UTF-16 <-> UTF-8 conversions (ASCII, BMP, surrogate pairs, invalid input). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "utf16.h"

static void
to_utf8_is(const utf16 *in, const char *want)
{
    char *out = NULL;
    assert_int_equal(wnb_utf16_to_utf8(in, &out), 0);
    assert_string_equal(out, want);
    free(out);
}

static void
to_utf16_is(const char *in, const utf16 *want, size_t want_units)
{
    assert_int_equal(wnb_utf8_utf16_units(in), want_units);
    utf16 buf[64];
    utf16 *cursor = buf;
    utf16 *start = wnb_utf8_put_utf16(&cursor, in);
    assert_ptr_equal(start, buf);
    assert_int_equal(cursor - buf, want_units);
    assert_memory_equal(buf, want, want_units * sizeof(utf16));
}

/* ASCII keeps every bit (a first version cleared bit 6: "labuser" became
 * ",!\"53%2" while digits and dots passed). */
static void
test_ascii(void **state)
{
    (void)state;
    static const utf16 w[] = {'l', 'a', 'b', 'u', 's', 'e', 'r', '~', 0};
    to_utf8_is(w, "labuser~");
    to_utf16_is("labuser~", w, 9);
}

static void
test_bmp_and_pairs(void **state)
{
    (void)state;
    /* M\u00fcller, \u65e5\u672c, U+1F600 as a surrogate pair */
    static const utf16 w[] = {'M', 0x00FC, 'l', 0x65E5, 0x672C, 0xD83D, 0xDE00, 0};
    const char *u = "M\xC3\xBCl\xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x98\x80";
    to_utf8_is(w, u);
    to_utf16_is(u, w, 8);
}

static void
test_unpaired_surrogates_are_refused(void **state)
{
    (void)state;
    static const utf16 high_at_end[] = {'a', 0xD83D, 0};
    static const utf16 low_alone[] = {0xDE00, 'a', 0};
    static const utf16 high_then_char[] = {0xD83D, 'a', 0};
    char *out = (char *)1;
    assert_int_equal(wnb_utf16_to_utf8(high_at_end, &out), -1);
    assert_null(out);
    assert_int_equal(wnb_utf16_to_utf8(low_alone, &out), -1);
    assert_int_equal(wnb_utf16_to_utf8(high_then_char, &out), -1);
}

static void
test_null(void **state)
{
    (void)state;
    char *out = (char *)1;
    assert_int_equal(wnb_utf16_to_utf8(NULL, &out), 0);
    assert_null(out);
    assert_int_equal(wnb_utf8_utf16_units(NULL), 0);
    utf16 buf[1];
    utf16 *cursor = buf;
    assert_null(wnb_utf8_put_utf16(&cursor, NULL));
    assert_ptr_equal(cursor, buf);
}

/* Invalid UTF-8 from the library cannot happen, but would become U+FFFD,
 * counted and written alike (the buffer is sized by the count). */
static void
test_invalid_utf8_becomes_replacement(void **state)
{
    (void)state;
    static const utf16 w1[] = {0xFFFD, 'a', 0};
    to_utf16_is("\xFF" "a", w1, 3);
    static const utf16 w2[] = {0xFFFD, 'x', 0}; /* truncated 3-byte sequence */
    to_utf16_is("\xE6\x97" "x", w2, 3);
    static const utf16 w3[] = {0xFFFD, 0};      /* an encoded surrogate */
    to_utf16_is("\xED\xA0\x80", w3, 2);
    static const utf16 w4[] = {0xFFFD, 'b', 0}; /* overlong NUL: not a terminator */
    to_utf16_is("\xC0\x80" "b", w4, 3);
    /* no 5-byte forms: the lead and each stray continuation byte */
    static const utf16 w5[] = {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0};
    to_utf16_is("\xF8\x88\x80\x80\x80", w5, 6);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_bmp_and_pairs),
        cmocka_unit_test(test_unpaired_surrogates_are_refused),
        cmocka_unit_test(test_null),
        cmocka_unit_test(test_invalid_utf8_becomes_replacement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
