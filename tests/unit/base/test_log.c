/* test_log.c: at WN_LOG=debug the decoders' "parse check failed" lines are rate-limited (a flood of bad input cannot fill a disk), the ones left out said in one line, every failure still counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base.h"

#define FLOOD 25u       /* failures in one second: more than the 10 lines allowed */
#define LINES_MAX 10u   /* WN_LOG_PARSE_LINES */

static uint64_t now_ms = 5000;

static uint64_t
fake_clock(void)
{
    return now_ms;
}

static unsigned
count(const char *text, const char *s)
{
    unsigned n = 0;
    for (const char *p = strstr(text, s); p; p = strstr(p + 1, s))
        n++;
    return n;
}

/* Before the limit every failure wrote its line: 26 lines, no summary. */
static void
test_parse_check_lines_are_rate_limited(void **state)
{
    (void)state;
    char path[] = "/tmp/wn-test-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0 && dup2(fd, 2) == 2);
    wn_clock_set_ms_source(fake_clock);
    unsigned long before = wn_parse_errors;
    for (unsigned i = 0; i < FLOOD; i++)
        wn_count_parse_error("test", "len <= left", "file.c", 1);
    now_ms += 1000;   /* the next window: the summary, then a line again */
    wn_count_parse_error("test", "len <= left", "file.c", 2);
    wn_clock_set_ms_source(NULL);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char text[8192];
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    close(fd);
    assert_true(n > 0);
    text[n] = '\0';
    assert_int_equal(wn_parse_errors - before, FLOOD + 1);
    assert_int_equal(count(text, "[debug] test: parse check failed: len <= left (file.c:1)\n"),
                     LINES_MAX);
    char want[256];
    snprintf(want, sizeof want, "[debug] test: %u more parse check failures not logged (at "
             "most 10 lines per 1000 ms)\n[debug] test: parse check failed: len <= left "
             "(file.c:2)\n", FLOOD - LINES_MAX);
    if (!strstr(text, want))
        fail_msg("missing: %s\n--- output:\n%s", want, text);
}

int
main(void)
{
    setenv("WN_LOG", "debug", 1);   /* read once, at the first message */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_check_lines_are_rate_limited),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
