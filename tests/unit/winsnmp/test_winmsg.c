/* test_winmsg.c: the window-mode message queue (winmsg.c): order, filters, the fill limit, wrap-around and its fd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>

#include "winmsg.h"

#define W1 ((HWND)(uintptr_t)0x11)
#define W2 ((HWND)(uintptr_t)0x22)

static int
fd_readable(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, 0) == 1;
}

static void
drain(void)
{
    WN_WSNMP_MSG m;
    while (wn_ws_winmsg_peek(&m, NULL, 0, 0, 1) == 0) {
    }
}

/* Oldest first per filter; taking from the middle keeps the others in
 * order; the fd is readable exactly while something is queued. */
static void
test_queue_order_filters_and_fd(void **state)
{
    (void)state;
    drain();
    int fd = wn_ws_winmsg_fd();
    assert_true(fd >= 0);
    assert_false(fd_readable(fd));
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(wn_ws_winmsg_post_queue(i % 2 ? W2 : W1, 100 + i, i, 0), 0);
    assert_true(fd_readable(fd));
    WN_WSNMP_MSG m;
    assert_int_equal(wn_ws_winmsg_peek(&m, W2, 0, 0, 1), 0);       /* the first of W2 */
    assert_int_equal(m.wParam, 1);
    assert_int_equal(wn_ws_winmsg_peek(&m, NULL, 104, 104, 1), 0); /* by message number */
    assert_int_equal(m.wParam, 4);
    assert_int_equal(wn_ws_winmsg_peek(&m, NULL, 0, 0, 0), 0);     /* not removed */
    assert_int_equal(m.wParam, 0);
    static const unsigned rest[] = {0, 2, 3, 5};
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(wn_ws_winmsg_get(&m, NULL, 0, 0, 0), 0);
        assert_int_equal(m.wParam, rest[i]);
    }
    assert_false(fd_readable(fd));
    assert_int_equal(wn_ws_winmsg_get(&m, NULL, 0, 0, 10), WN_E_TIMEOUT);
    assert_int_equal(wn_ws_winmsg_peek(&m, NULL, 0, 0, 1), WN_E_NOTFOUND);
}

/* WN_WSNMP_MAX_POSTED messages fit, one more does not; after the ring
 * has wrapped around, order still holds. */
static void
test_queue_limit_and_wrap(void **state)
{
    (void)state;
    drain();
    WN_WSNMP_MSG m;
    for (unsigned round = 0; round < 2; round++) {
        for (unsigned i = 0; i < WN_WSNMP_MAX_POSTED; i++)
            assert_int_equal(wn_ws_winmsg_post_queue(W1, 1, i, 0), 0);
        assert_int_equal(wn_ws_winmsg_post_queue(W1, 1, 0, 0), WN_E_LIMIT);
        /* take half, post half again: the ring wraps */
        for (unsigned i = 0; i < WN_WSNMP_MAX_POSTED / 2; i++) {
            assert_int_equal(wn_ws_winmsg_get(&m, NULL, 0, 0, 0), 0);
            assert_int_equal(m.wParam, i);
        }
        for (unsigned i = 0; i < WN_WSNMP_MAX_POSTED / 2; i++)
            assert_int_equal(wn_ws_winmsg_post_queue(W1, 1, WN_WSNMP_MAX_POSTED + i, 0), 0);
        for (unsigned i = WN_WSNMP_MAX_POSTED / 2; i < WN_WSNMP_MAX_POSTED * 3 / 2; i++) {
            assert_int_equal(wn_ws_winmsg_get(&m, NULL, 0, 0, 0), 0);
            assert_int_equal(m.wParam, i);
        }
    }
    assert_int_equal(wn_ws_winmsg_peek(&m, NULL, 0, 0, 1), WN_E_NOTFOUND);
}

/* With a hook, posts go to it and not to the queue; a hook that refuses
 * is reported. */
static int hook_calls, hook_answer;

static int
hook(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
    (void)h, (void)msg, (void)wp, (void)lp;
    hook_calls++;
    return hook_answer;
}

static void
test_hook_takes_the_posts(void **state)
{
    (void)state;
    drain();
    wn_ws_winmsg_set_hook(hook);
    hook_answer = 1;
    assert_int_equal(wn_ws_winmsg_post(W1, 5, 0, 0), 0);
    hook_answer = 0;
    assert_int_equal(wn_ws_winmsg_post(W1, 5, 0, 0), WN_E_IO);
    assert_int_equal(hook_calls, 2);
    WN_WSNMP_MSG m;
    assert_int_equal(wn_ws_winmsg_peek(&m, NULL, 0, 0, 1), WN_E_NOTFOUND);
    wn_ws_winmsg_set_hook(NULL);
    assert_int_equal(wn_ws_winmsg_post(W1, 5, 0, 0), 0);
    assert_int_equal(wn_ws_winmsg_peek(&m, NULL, 0, 0, 1), 0);
    assert_int_equal(hook_calls, 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_order_filters_and_fd),
        cmocka_unit_test(test_queue_limit_and_wrap),
        cmocka_unit_test(test_hook_takes_the_posts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
