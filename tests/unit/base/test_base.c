/* test_base.c: cursors, bounded buffers, the fault-injectable allocator and error names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base.h"

static void
test_rbuf_reads_little_and_big_endian(void **state)
{
    (void)state;
    const uint8_t b[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    struct wn_rbuf r;
    wn_rbuf_init(&r, b, sizeof b);
    assert_int_equal(wn_rbuf_u8(&r), 1);
    assert_int_equal(wn_rbuf_u16le(&r), 0x0302);
    assert_int_equal(wn_rbuf_u16be(&r), 0x0405);
    assert_int_equal(wn_rbuf_u32le(&r), 0x09080706u);
    assert_int_equal(wn_rbuf_u32be(&r), 0x0a0b0c0du);
    assert_int_equal(wn_rbuf_left(&r), 1);
    assert_int_equal(r.err, 0);
}

static void
test_rbuf_overrun_is_sticky_and_returns_zero(void **state)
{
    (void)state;
    const uint8_t b[] = {0xff, 0xff, 0xff};
    struct wn_rbuf r;
    wn_rbuf_init(&r, b, sizeof b);
    assert_int_equal(wn_rbuf_u32le(&r), 0);
    assert_int_equal(r.err, WN_E_TRUNCATED);
    /* Even a read that would fit now fails: the error is sticky. */
    assert_int_equal(wn_rbuf_u8(&r), 0);
    assert_null(wn_rbuf_view(&r, 1));
    assert_int_equal(wn_rbuf_left(&r), 0);
}

static void
test_rbuf_align_and_seek_are_bounded(void **state)
{
    (void)state;
    uint8_t b[8] = {0};
    struct wn_rbuf r;
    wn_rbuf_init(&r, b, sizeof b);
    wn_rbuf_u8(&r);
    wn_rbuf_align(&r, 4);
    assert_int_equal(wn_rbuf_pos(&r), 4);
    wn_rbuf_seek(&r, 9);
    assert_int_equal(r.err, WN_E_TRUNCATED);
}

static void
test_wbuf_refuses_overflow(void **state)
{
    (void)state;
    uint8_t b[5];
    struct wn_wbuf w;
    wn_wbuf_init(&w, b, sizeof b);
    wn_wbuf_u32be(&w, 0x01020304);
    assert_int_equal(w.err, 0);
    wn_wbuf_u16le(&w, 0xffff);
    assert_int_equal(w.err, WN_E_NOSPACE);
    assert_int_equal(wn_wbuf_len(&w), 4);
    assert_memory_equal(b, "\x01\x02\x03\x04", 4);
}

static void
test_wbuf_align_pads_with_zeros(void **state)
{
    (void)state;
    uint8_t b[8];
    memset(b, 0xaa, sizeof b);
    struct wn_wbuf w;
    wn_wbuf_init(&w, b, sizeof b);
    wn_wbuf_u8(&w, 7);
    wn_wbuf_align(&w, 4);
    assert_int_equal(wn_wbuf_len(&w), 4);
    assert_memory_equal(b, "\x07\x00\x00\x00", 4);
}

static void
test_dynbuf_enforces_its_maximum(void **state)
{
    (void)state;
    struct wn_dynbuf d;
    wn_dynbuf_init(&d, 100);
    assert_int_equal(wn_dynbuf_add(&d, "0123456789", 10), 0);
    for (int i = 0; i < 9; i++)
        assert_int_equal(wn_dynbuf_add(&d, "0123456789", 10), 0);
    assert_int_equal(d.len, 100);
    assert_int_equal(wn_dynbuf_add(&d, "x", 1), WN_E_LIMIT);
    /* A failed append frees the buffer. */
    assert_null(d.data);
    assert_int_equal(d.len, 0);
}

static void
test_dynbuf_take_hands_over_ownership(void **state)
{
    (void)state;
    struct wn_dynbuf d;
    wn_dynbuf_init(&d, 1024);
    assert_int_equal(wn_dynbuf_add(&d, "abc", 3), 0);
    size_t n = 0;
    uint8_t *p = wn_dynbuf_take(&d, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(p, "abc", 3);
    assert_null(d.data);
    wn_free(p);
}

static void
test_alloc_fail_after_fails_the_nth_allocation(void **state)
{
    (void)state;
    wn_alloc_fail_after(2);
    void *a = wn_malloc(8);
    void *b = wn_malloc(8);
    void *c = wn_malloc(8);
    void *d = wn_malloc(8);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_null(d);
    assert_int_equal(wn_alloc_count(), 4);
    wn_alloc_fail_after(-1);
    void *e = wn_malloc(8);
    assert_non_null(e);
    wn_free(a);
    wn_free(b);
    wn_free(e);
}

static void
test_calloc_detects_overflow(void **state)
{
    (void)state;
    assert_null(wn_calloc(SIZE_MAX / 2, 4));
}

static void
test_error_names_and_messages(void **state)
{
    (void)state;
    assert_string_equal(wn_errname(WN_E_NOMEM), "WN_E_NOMEM");
    assert_string_equal(wn_strerror(WN_E_TIMEOUT), "timed out");
    assert_string_equal(wn_errname(-999), "WN_E_UNKNOWN");
    assert_true(WN_E_NOMEM < 0);
}

static void
test_memeq_ct(void **state)
{
    (void)state;
    assert_int_equal(wn_memeq_ct("abcd", "abcd", 4), 0);
    assert_int_not_equal(wn_memeq_ct("abcd", "abce", 4), 0);
}

static uint64_t
fixed_filetime(void)
{
    return 42;
}

static void
test_clock_seam_is_replaceable(void **state)
{
    (void)state;
    wn_clock_set_filetime_source(fixed_filetime);
    assert_int_equal(wn_clock_filetime(), 42);
    wn_clock_set_filetime_source(NULL);
    /* 2020-01-01 in FILETIME is 132223104000000000. */
    assert_true(wn_clock_filetime() > 132223104000000000ULL);
}

/* Until a test switches the seam on, allocations are not even counted (the
 * hot paths pay one load, no atomic read-modify-write).  Checked in a child
 * process image of its own, which starts with the seam off whatever the
 * tests before did in this one. */
static void
test_alloc_seam_is_off_until_used(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl("/proc/self/exe", "/proc/self/exe", "--seam-child", (char *)NULL);
        _exit(3);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* The child: 100 allocations with the seam off leave the count at 0; once
 * switched on, the next allocation counts. */
static int
seam_child(void)
{
    for (int i = 0; i < 100; i++)
        wn_free(wn_malloc(16));
    if (wn_alloc_count() != 0)
        return 1;
    wn_free(wn_malloc(16));
    return wn_alloc_count() == 1 ? 0 : 2;
}

int
main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--seam-child") == 0)
        return seam_child();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rbuf_reads_little_and_big_endian),
        cmocka_unit_test(test_rbuf_overrun_is_sticky_and_returns_zero),
        cmocka_unit_test(test_rbuf_align_and_seek_are_bounded),
        cmocka_unit_test(test_wbuf_refuses_overflow),
        cmocka_unit_test(test_wbuf_align_pads_with_zeros),
        cmocka_unit_test(test_dynbuf_enforces_its_maximum),
        cmocka_unit_test(test_dynbuf_take_hands_over_ownership),
        cmocka_unit_test(test_alloc_fail_after_fails_the_nth_allocation),
        cmocka_unit_test(test_alloc_seam_is_off_until_used),
        cmocka_unit_test(test_calloc_detects_overflow),
        cmocka_unit_test(test_error_names_and_messages),
        cmocka_unit_test(test_memeq_ct),
        cmocka_unit_test(test_clock_seam_is_replaceable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
