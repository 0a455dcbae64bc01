/* test_compat_winmode.c: window-mode sessions (SnmpOpen, SnmpCreateSession without a callback) are told through the post hook or the built-in message queue, against snmpd. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compat_util.h"

#define SYS_NAME_0 ".1.3.6.1.2.1.1.5.0"
#define WM_USER 0x0400u
#define WM_SNMP (WM_USER + 7u)
#define HWND_MAIN ((HWND)(uintptr_t)0x5101)
#define HWND_OTHER ((HWND)(uintptr_t)0x5102)
#define HWND_HOOKED ((HWND)(uintptr_t)0x5103)

/* The fixture of compat_snmpd_setup (snmpd, a callback session). */
static struct compat_fx *const fx = &compat_snmpd_fx;

static smiINT32
send_get(HSNMP_SESSION s, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx)
{
    return compat_send_get(s, NULL, dst, ctx, SYS_NAME_0);
}

static void
recv_response(HSNMP_SESSION s, smiINT32 rid)
{
    HSNMP_ENTITY src = NULL, dst = NULL;
    HSNMP_CONTEXT ctx = NULL;
    HSNMP_PDU pdu = NULL;
    assert_int_equal(SnmpRecvMsg(s, &src, &dst, &ctx, &pdu), SNMPAPI_SUCCESS);
    smiINT type = 0;
    smiINT32 got = 0;
    SnmpGetPduData(pdu, &type, &got, NULL, NULL, NULL);
    assert_int_equal(type, SNMP_PDU_RESPONSE);
    assert_int_equal(got, rid);
    SnmpFreeEntity(src);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
    SnmpFreePdu(pdu);
}

/* SnmpOpen without a hook: the notification is a message in the built-in
 * queue (fd readable, PeekMessage sees it, GetMessage takes it) with the
 * callback's wParam/lParam.  Before the change nothing was ever posted. */
static void
test_snmpopen_posts_to_the_builtin_queue(void **state)
{
    (void)state;
    HSNMP_SESSION s = SnmpOpen(HWND_MAIN, WM_SNMP);
    assert_non_null(s);
    HSNMP_ENTITY dst = wire_entity(s, SNMPAPI_UNTRANSLATED_V2, fx->agent);
    HSNMP_CONTEXT ctx = wire_context(s, SNMPAPI_UNTRANSLATED_V2, "public");
    int fd = wn_wsnmp_message_fd();
    assert_true(fd >= 0);
    smiINT32 rid = send_get(s, dst, ctx);
    struct pollfd p = {fd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 5000), 1);
    WN_WSNMP_MSG m;
    memset(&m, 0, sizeof m);
    assert_true(wn_wsnmp_peek_message(&m, NULL, 0, 0, WN_WSNMP_PM_NOREMOVE));
    assert_ptr_equal(m.hwnd, HWND_MAIN);
    assert_int_equal(m.message, WM_SNMP);
    memset(&m, 0, sizeof m);
    assert_int_equal(wn_wsnmp_get_message(&m, HWND_MAIN, WM_SNMP, WM_SNMP, 5000), 1);
    assert_ptr_equal(m.hwnd, HWND_MAIN);
    assert_int_equal(m.message, WM_SNMP);
    assert_int_equal(m.wParam, 0);
    assert_int_equal((smiINT32)m.lParam, rid);
    recv_response(s, rid);
    /* drained: the fd is quiet and a short wait times out */
    assert_int_equal(poll(&p, 1, 0), 0);
    assert_false(wn_wsnmp_peek_message(&m, NULL, 0, 0, WN_WSNMP_PM_REMOVE));
    assert_int_equal(wn_wsnmp_get_message(&m, NULL, 0, 0, 100), -1);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
}

/* A transport error is posted with wParam = SNMPAPI_TL_TIMEOUT. */
static void
test_timeout_is_posted_with_its_code(void **state)
{
    (void)state;
    unsigned port = 0;
    int sfd = compat_silent_socket(&port);
    assert_true(sfd >= 0);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
    HSNMP_SESSION s = SnmpCreateSession(HWND_MAIN, WM_SNMP, NULL, NULL);
    assert_non_null(s);
    HSNMP_ENTITY dst = wire_entity(s, SNMPAPI_UNTRANSLATED_V2, addr);
    HSNMP_CONTEXT ctx = wire_context(s, SNMPAPI_UNTRANSLATED_V2, "public");
    SnmpSetTimeout(dst, 10);
    SnmpSetRetry(dst, 0);
    smiINT32 rid = send_get(s, dst, ctx);
    WN_WSNMP_MSG m;
    assert_int_equal(wn_wsnmp_get_message(&m, HWND_MAIN, 0, 0, 5000), 1);
    assert_int_equal(m.wParam, SNMPAPI_TL_TIMEOUT);
    assert_int_equal((smiINT32)m.lParam, rid);
    HSNMP_PDU pdu = NULL;
    assert_int_equal(SnmpRecvMsg(s, NULL, NULL, NULL, &pdu), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_TL_TIMEOUT);
    if (pdu)
        SnmpFreePdu(pdu);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
    close(sfd);
}

/* The queue as a thread message queue: window and range filters, the
 * application's own posts, and WM_QUIT ending a GetMessage loop. */
static void
test_queue_filters_and_quit(void **state)
{
    (void)state;
    assert_true(wn_wsnmp_post_message(HWND_OTHER, WM_USER + 1, 11, 12));
    assert_true(wn_wsnmp_post_message(HWND_MAIN, WM_USER + 2, 21, 22));
    WN_WSNMP_MSG m;
    assert_int_equal(wn_wsnmp_get_message(&m, HWND_MAIN, 0, 0, 1000), 1);
    assert_int_equal(m.wParam, 21);
    assert_false(wn_wsnmp_peek_message(&m, HWND_MAIN, 0, 0, WN_WSNMP_PM_REMOVE));
    assert_false(wn_wsnmp_peek_message(&m, NULL, WM_USER + 2, WM_USER + 9, WN_WSNMP_PM_REMOVE));
    assert_true(wn_wsnmp_peek_message(&m, NULL, WM_USER + 1, WM_USER + 1, WN_WSNMP_PM_REMOVE));
    assert_int_equal(m.lParam, 12);
    assert_true(wn_wsnmp_post_message(NULL, WN_WSNMP_WM_QUIT, 0, 0));
    assert_int_equal(wn_wsnmp_get_message(&m, NULL, 0, 0, WN_WSNMP_INFINITE), 0);
    assert_int_equal(wn_wsnmp_get_message(NULL, NULL, 0, 0, 0), -1);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
}

/* The post hook: called where Windows would post, with the session's
 * hWnd and wMsg; the built-in queue stays empty. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned calls;
    HWND hwnd;
    UINT msg;
    WPARAM wp;
    LPARAM lp;
} hk = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, NULL, 0, 0, 0};

static int
post_hook(HWND hWnd, UINT wMsg, WPARAM wParam, LPARAM lParam)
{
    pthread_mutex_lock(&hk.mu);
    hk.calls++;
    hk.hwnd = hWnd;
    hk.msg = wMsg;
    hk.wp = wParam;
    hk.lp = lParam;
    pthread_cond_broadcast(&hk.cv);
    pthread_mutex_unlock(&hk.mu);
    return 1;
}

static void
test_post_hook_gets_the_notification(void **state)
{
    (void)state;
    assert_int_equal(wn_wsnmp_set_post_hook(post_hook), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = SnmpOpen(HWND_HOOKED, WM_SNMP + 1);
    assert_non_null(s);
    HSNMP_ENTITY dst = wire_entity(s, SNMPAPI_UNTRANSLATED_V1, fx->agent);
    HSNMP_CONTEXT ctx = wire_context(s, SNMPAPI_UNTRANSLATED_V1, "public");
    smiINT32 rid = send_get(s, dst, ctx);
    uint64_t deadline = wire_now_ms() + 5000;
    pthread_mutex_lock(&hk.mu);
    while (hk.calls == 0 && wire_now_ms() < deadline) {
        pthread_mutex_unlock(&hk.mu);
        wire_sleep_ms(10);
        pthread_mutex_lock(&hk.mu);
    }
    unsigned calls = hk.calls;
    HWND hwnd = hk.hwnd;
    UINT msg = hk.msg;
    WPARAM wp = hk.wp;
    LPARAM lp = hk.lp;
    pthread_mutex_unlock(&hk.mu);
    assert_int_equal(calls, 1);
    assert_ptr_equal(hwnd, HWND_HOOKED);
    assert_int_equal(msg, WM_SNMP + 1);
    assert_int_equal(wp, 0);
    assert_int_equal((smiINT32)lp, rid);
    WN_WSNMP_MSG m;
    assert_false(wn_wsnmp_peek_message(&m, NULL, 0, 0, WN_WSNMP_PM_NOREMOVE));
    recv_response(s, rid);
    assert_int_equal(wn_wsnmp_set_post_hook(NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snmpopen_posts_to_the_builtin_queue),
        cmocka_unit_test(test_timeout_is_posted_with_its_code),
        cmocka_unit_test(test_queue_filters_and_quit),
        cmocka_unit_test(test_post_hook_gets_the_notification),
    };
    return cmocka_run_group_tests(tests, compat_snmpd_setup, compat_snmpd_teardown);
}
