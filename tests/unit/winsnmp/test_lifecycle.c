/* test_lifecycle.c: startup/cleanup counting, sessions, handle validity after close, limits, last errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base.h"
#include "winsnmp_int.h"
#include "winsnmp.h"
#include "wsnmp_ext.h"

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    return SNMPAPI_SUCCESS;
}

static HSNMP_SESSION
open_session(void)
{
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    assert_non_null(s);
    return s;
}

static void
test_calls_before_startup_fail_not_initialized(void **state)
{
    (void)state;
    smiUINT32 mode;
    smiOID oid;
    assert_null(SnmpCreateSession(NULL, 0, cb, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
    assert_int_equal(SnmpGetTranslateMode(&mode), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
    assert_int_equal(SnmpStrToOid("1.3.6", &oid), SNMPAPI_FAILURE);
    assert_int_equal(SnmpCleanup(), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
}

static void
test_startup_reports_version_and_modes(void **state)
{
    (void)state;
    smiUINT32 maj = 9, min = 9, lvl = 9, tm = 9, rm = 9;
    assert_int_equal(SnmpStartup(&maj, &min, &lvl, &tm, &rm), SNMPAPI_SUCCESS);
    assert_int_equal(maj, 2);
    assert_int_equal(min, 0);
    assert_int_equal(lvl, SNMPAPI_V2_SUPPORT);
    assert_int_equal(tm, SNMPAPI_UNTRANSLATED_V1);
    assert_int_equal(rm, SNMPAPI_ON);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_plain_startup_is_not_counted(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = open_session();
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    /* One cleanup was enough: everything is gone. */
    assert_null(SnmpCreateSession(NULL, 0, cb, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
    assert_int_equal(SnmpClose(s), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
}

static void
test_startup_ex_is_counted(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartupEx(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpStartupEx(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = open_session();
    assert_int_equal(SnmpCleanupEx(), SNMPAPI_SUCCESS);
    /* Still initialised, session still alive. */
    HSNMP_VBL v = SnmpCreateVbl(s, NULL, NULL);
    assert_non_null(v);
    assert_int_equal(SnmpCleanupEx(), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCountVbl(v), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
    assert_int_equal(SnmpCleanupEx(), SNMPAPI_FAILURE);
}

static void
test_cleanup_frees_open_sessions_and_restart_rejects_old_handles(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = open_session();
    HSNMP_PDU p = SnmpCreatePdu(s, SNMP_PDU_GET, 0, 0, 0, NULL);
    assert_non_null(p);
    smiOID oid;
    assert_int_equal(SnmpStrToOid("1.3.6.1", &oid), 4); /* freed by cleanup */
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);   /* ASan: no leak */
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION s2 = open_session();
    assert_ptr_not_equal(s, s2);
    assert_int_equal(SnmpClose(s), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SESSION_INVALID);
    assert_int_equal(SnmpFreePdu(p), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_PDU_INVALID);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_create_session_needs_callback_or_window(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_null(SnmpCreateSession(NULL, 0, NULL, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OPERATION_INVALID);
    assert_null(SnmpOpen(NULL, 0));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_HWND_INVALID);
    HSNMP_SESSION w = SnmpOpen((HWND)(uintptr_t)0x1234, 0x400);
    assert_non_null(w);
    HSNMP_SESSION c = SnmpCreateSession((HWND)(uintptr_t)0x1234, 0x400, cb, &w);
    assert_non_null(c);
    assert_ptr_not_equal(w, c);
    assert_int_equal(SnmpClose(w), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpClose(w), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SESSION_INVALID);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_thousands_of_sessions_share_handles(void **state)
{
    (void)state;
    enum { N = 1500 };
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    static HSNMP_SESSION s[N];
    for (int i = 0; i < N; i++) {
        s[i] = open_session();
        for (int j = 0; j < i; j += 97)
            assert_ptr_not_equal(s[i], s[j]);
    }
    /* Objects made in one session are usable from calls on another. */
    HSNMP_VBL v = SnmpCreateVbl(s[3], NULL, NULL);
    assert_non_null(v);
    HSNMP_PDU p = SnmpCreatePdu(s[1000], SNMP_PDU_GET, 77, 0, 0, v);
    assert_non_null(p);
    HSNMP_PDU d = SnmpDuplicatePdu(s[1499], p);
    assert_non_null(d);
    HSNMP_VBL v2 = SnmpDuplicateVbl(s[0], v);
    assert_non_null(v2);
    smiOCTETS comm = {6, (smiLPBYTE) "public"};
    HSNMP_CONTEXT c = SnmpStrToContext(s[5], &comm);
    assert_non_null(c);
    /* Closing the owner of p does not affect d (owned by s[1499]). */
    assert_int_equal(SnmpClose(s[1000]), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreePdu(p), SNMPAPI_FAILURE);
    smiINT32 rid = 0;
    assert_int_equal(SnmpGetPduData(d, NULL, &rid, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(rid, 77);
    for (int i = 0; i < N; i++)
        if (i != 1000)
            assert_int_equal(SnmpClose(s[i]), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_close_invalidates_every_handle_of_the_session(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION a = open_session(), b = open_session();
    HSNMP_ENTITY e = SnmpStrToEntity(a, "127.0.0.1");
    smiOCTETS comm = {6, (smiLPBYTE) "public"};
    HSNMP_CONTEXT c = SnmpStrToContext(a, &comm);
    HSNMP_VBL v = SnmpCreateVbl(a, NULL, NULL);
    HSNMP_PDU p = SnmpCreatePdu(a, 0, 0, 0, 0, v);
    HSNMP_VBL vb = SnmpCreateVbl(b, NULL, NULL);
    assert_non_null(e);
    assert_non_null(c);
    assert_non_null(v);
    assert_non_null(p);
    assert_int_equal(SnmpClose(a), SNMPAPI_SUCCESS);
    char buf[64];
    assert_int_equal(SnmpEntityToStr(e, sizeof buf, buf), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_ENTITY_INVALID);
    assert_int_equal(SnmpFreeContext(c), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_CONTEXT_INVALID);
    assert_int_equal(SnmpFreePdu(p), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_PDU_INVALID);
    assert_int_equal(SnmpCountVbl(v), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_VBL_INVALID);
    assert_null(SnmpCreateVbl(a, NULL, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SESSION_INVALID);
    /* The other session's objects are untouched. */
    assert_int_equal(SnmpCountVbl(vb), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpFreeVbl(vb), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_stale_handle_rejected_after_slot_reuse(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = open_session();
    HSNMP_VBL v1 = SnmpCreateVbl(s, NULL, NULL);
    assert_int_equal(SnmpFreeVbl(v1), SNMPAPI_SUCCESS);
    /* The freed slot is reused by the next object... */
    HSNMP_VBL v2 = SnmpCreateVbl(s, NULL, NULL);
    assert_non_null(v2);
    assert_int_equal((uintptr_t)v1 & 0xffffff, (uintptr_t)v2 & 0xffffff);
    /* ...but the old handle stays dead. */
    assert_ptr_not_equal(v1, v2);
    assert_int_equal(SnmpFreeVbl(v1), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_VBL_INVALID);
    /* A handle of the wrong type is rejected too. */
    assert_int_equal(SnmpFreePdu((HSNMP_PDU)v2), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_PDU_INVALID);
    assert_int_equal(SnmpFreeVbl(v2), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_session_limit_from_environment(void **state)
{
    (void)state;
    setenv("WSNMP_MAX_SESSIONS", "3", 1);
    setenv("WSNMP_MAX_HANDLES", "5", 1);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    unsetenv("WSNMP_MAX_SESSIONS");
    unsetenv("WSNMP_MAX_HANDLES");
    HSNMP_SESSION s[3];
    for (int i = 0; i < 3; i++)
        s[i] = open_session();
    assert_null(SnmpCreateSession(NULL, 0, cb, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_ALLOC_ERROR);
    assert_int_equal(SnmpClose(s[1]), SNMPAPI_SUCCESS);
    s[1] = open_session(); /* a free place again */
    for (int i = 0; i < 5; i++)
        assert_non_null(SnmpCreateVbl(s[i % 3], NULL, NULL));
    assert_null(SnmpCreateVbl(s[2], NULL, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_ALLOC_ERROR);
    assert_int_equal(SnmpGetLastError(s[2]), SNMPAPI_ALLOC_ERROR);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    /* Limits are read again at the next startup: back to the defaults. */
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    for (int i = 0; i < 10; i++)
        open_session();
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_per_session_handle_limit(void **state)
{
    (void)state;
    setenv("WSNMP_MAX_HANDLES_PER_SESSION", "2", 1);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    unsetenv("WSNMP_MAX_HANDLES_PER_SESSION");
    HSNMP_SESSION a = open_session(), b = open_session();
    assert_non_null(SnmpCreateVbl(a, NULL, NULL));
    assert_non_null(SnmpCreateVbl(a, NULL, NULL));
    assert_null(SnmpCreateVbl(a, NULL, NULL));
    assert_int_equal(SnmpGetLastError(a), SNMPAPI_ALLOC_ERROR);
    assert_non_null(SnmpCreateVbl(b, NULL, NULL));
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_allocation_failure_gives_alloc_error(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = open_session();
    wn_alloc_fail_after(0);
    assert_null(SnmpCreateSession(NULL, 0, cb, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_ALLOC_ERROR);
    assert_null(SnmpCreatePdu(s, SNMP_PDU_GET, 0, 0, 0, NULL));
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_ALLOC_ERROR);
    wn_alloc_fail_after(-1);
    /* A PDU or VBL made from a freed one kept for reuse fails the same. */
    assert_int_equal(SnmpFreePdu(SnmpCreatePdu(s, SNMP_PDU_GET, 0, 0, 0, NULL)),
                     SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeVbl(SnmpCreateVbl(s, NULL, NULL)), SNMPAPI_SUCCESS);
    wn_alloc_fail_after(0);
    assert_null(SnmpCreatePdu(s, SNMP_PDU_GET, 0, 0, 0, NULL));
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_ALLOC_ERROR);
    assert_null(SnmpCreateVbl(s, NULL, NULL));
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_ALLOC_ERROR);
    wn_alloc_fail_after(-1);
    /* So does a descriptor made from a freed one. */
    smiOID name;
    assert_int_equal(SnmpStrToOid("1.3.6.1.2.1.1.5.0", &name), 9);
    HSNMP_VBL one = SnmpCreateVbl(s, &name, NULL);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name), SNMPAPI_SUCCESS);
    smiOID got;
    assert_int_equal(SnmpGetVb(one, 1, &got, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&got), SNMPAPI_SUCCESS);
    wn_alloc_fail_after(0);
    assert_int_equal(SnmpGetVb(one, 1, &got, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_ALLOC_ERROR);
    wn_alloc_fail_after(-1);
    assert_int_equal(SnmpFreeVbl(one), SNMPAPI_SUCCESS);
    /* Every allocation point of a full object graph, failed in turn. */
    for (long n = 0; n < 40; n++) {
        wn_alloc_fail_after(n);
        HSNMP_SESSION t = SnmpCreateSession(NULL, 0, cb, NULL);
        HSNMP_VBL v = t ? SnmpCreateVbl(t, NULL, NULL) : NULL;
        HSNMP_PDU p = v ? SnmpCreatePdu(t, 0, 0, 0, 0, v) : NULL;
        HSNMP_VBL g = NULL;
        if (p)
            SnmpGetPduData(p, NULL, NULL, NULL, NULL, &g);
        wn_alloc_fail_after(-1);
        if (t)
            assert_int_equal(SnmpClose(t), SNMPAPI_SUCCESS);
    }
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_session_and_task_errors_are_independent(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION a = open_session(), b = open_session();
    assert_int_equal(SnmpGetLastError(a), 0);
    assert_null(SnmpCreatePdu(a, 0x55, 0, 0, 0, NULL));
    assert_int_equal(SnmpGetLastError(a), SNMPAPI_PDU_INVALID);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_PDU_INVALID);
    assert_int_equal(SnmpGetLastError(b), 0);
    /* A failure without a session changes only the task-level error. */
    assert_int_equal(SnmpSetTranslateMode(7), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_MODE_INVALID);
    assert_int_equal(SnmpGetLastError(a), SNMPAPI_PDU_INVALID);
    /* Success leaves both unchanged. */
    assert_non_null(SnmpCreatePdu(a, 0, 0, 0, 0, NULL));
    assert_int_equal(SnmpGetLastError(a), SNMPAPI_PDU_INVALID);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void *
fail_in_thread(void *arg)
{
    (void)arg;
    smiOID o;
    SnmpStrToOid("x", &o);
    return (void *)(uintptr_t)SnmpGetLastError(NULL);
}

static void
test_task_error_is_per_thread(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetRetransmitMode(5), SNMPAPI_FAILURE);
    pthread_t t;
    void *ret;
    assert_int_equal(pthread_create(&t, NULL, fail_in_thread, NULL), 0);
    assert_int_equal(pthread_join(t, &ret), 0);
    assert_int_equal((uintptr_t)ret, SNMPAPI_OID_INVALID);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_MODE_INVALID);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_modes_and_vendor_info(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    smiUINT32 m;
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetTranslateMode(3), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_MODE_INVALID);
    assert_int_equal(SnmpGetTranslateMode(&m), SNMPAPI_SUCCESS);
    assert_int_equal(m, SNMPAPI_TRANSLATED);
    assert_int_equal(SnmpSetRetransmitMode(SNMPAPI_OFF), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpGetRetransmitMode(&m), SNMPAPI_SUCCESS);
    assert_int_equal(m, SNMPAPI_OFF);
    smiVENDORINFO vi;
    memset(&vi, 0x55, sizeof vi);
    assert_int_equal(SnmpGetVendorInfo(&vi), SNMPAPI_SUCCESS);
    assert_non_null(memchr(vi.vendorName, 0, sizeof vi.vendorName));
    assert_true(strlen(vi.vendorName) > 0);
    assert_non_null(memchr(vi.vendorVersionDate, 0, sizeof vi.vendorVersionDate));
    assert_int_equal(SnmpGetVendorInfo(NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    /* Modes return to the defaults after a full cleanup. */
    smiUINT32 tm, rm;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, &tm, &rm), SNMPAPI_SUCCESS);
    assert_int_equal(tm, SNMPAPI_UNTRANSLATED_V1);
    assert_int_equal(rm, SNMPAPI_ON);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static int notified;
static SNMPAPI_STATUS CALLBACK
counting_cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)w;
    notified++;
    assert_int_equal(m, 0x401);
    assert_int_equal(wp, SNMPAPI_TL_TIMEOUT);
    assert_int_equal(lp, 4242);
    /* The callback may use the API (the lock is not held). */
    assert_int_equal(SnmpGetLastError(s), 0);
    return (SNMPAPI_STATUS)(uintptr_t)d;
}

static void
test_notify_calls_back_and_failure_return_closes_session(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION keep = SnmpCreateSession(NULL, 0x401, counting_cb,
                                           (LPVOID)(uintptr_t)SNMPAPI_SUCCESS);
    HSNMP_SESSION drop = SnmpCreateSession(NULL, 0x401, counting_cb,
                                           (LPVOID)(uintptr_t)SNMPAPI_FAILURE);
    HSNMP_SESSION win = SnmpOpen((HWND)(uintptr_t)7, 0x401);
    notified = 0;
    assert_int_equal(wn_ws_session_notify(keep, SNMPAPI_TL_TIMEOUT, 4242), 0);
    assert_int_equal(wn_ws_session_notify(drop, SNMPAPI_TL_TIMEOUT, 4242), 0);
    assert_int_equal(notified, 2);
    /* a window-mode session is told by a posted message (wsnmp_ext.h) */
    assert_int_equal(wn_ws_session_notify(win, 0, 77), 0);
    WN_WSNMP_MSG msg;
    assert_true(wn_wsnmp_peek_message(&msg, (HWND)(uintptr_t)7, 0, 0, WN_WSNMP_PM_REMOVE));
    assert_int_equal(msg.message, 0x401);
    assert_int_equal(msg.wParam, 0);
    assert_int_equal(msg.lParam, 77);
    assert_non_null(SnmpCreateVbl(keep, NULL, NULL));
    assert_null(SnmpCreateVbl(drop, NULL, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SESSION_INVALID);
    assert_int_equal(wn_ws_session_notify(drop, 0, 0), WN_E_NOTFOUND);
    assert_int_equal(notified, 2);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_engine_constructors_make_valid_handles(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION h = open_session();
    smiUINT32 ids[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
    smiOID name = {9, ids};
    smiVALUE v;
    v.syntax = SNMP_SYNTAX_TIMETICKS;
    v.value.uNumber = 100;
    struct wn_ws_vblist l;
    memset(&l, 0, sizeof l);
    struct wn_ws_pdu *p;
    struct wn_ws_entity *e;
    struct wn_ws_context *c;
    struct sockaddr_storage ss;
    socklen_t sl;
    uint16_t port;
    wn_ws_lock();
    struct wn_ws_session *s = wn_ws_session_get(h);
    assert_non_null(s);
    assert_int_equal(wn_ws_vblist_append(&l, &name, &v), 0);
    assert_int_equal(wn_ws_pdu_adopt(s, SNMP_PDU_V1TRAP, 0, 0, 0, &l, &p), 0);
    assert_int_equal(l.n, 0); /* taken */
    assert_int_equal(wn_ws_parse_address("[::1]:1162", 161, &ss, &sl, &port), 0);
    assert_int_equal(wn_ws_entity_create_addr(s, (struct sockaddr *)&ss, sl, WN_WS_V2C, &e), 0);
    assert_int_equal(wn_ws_context_create(s, "pub", 3, NULL, &c), 0);
    HSNMP_PDU hp = WN_WS_HANDLE(p);
    HSNMP_ENTITY he = WN_WS_HANDLE(e);
    HSNMP_CONTEXT hc = WN_WS_HANDLE(c);
    wn_ws_unlock();
    smiINT type;
    smiINT32 rid = 5;
    HSNMP_VBL g;
    assert_int_equal(SnmpGetPduData(hp, &type, &rid, NULL, NULL, &g), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_V1TRAP);
    assert_int_equal(rid, 0); /* kept as received */
    assert_int_equal(SnmpCountVbl(g), 1);
    char buf[64];
    assert_int_equal(SnmpEntityToStr(he, sizeof buf, buf), 11);
    assert_string_equal(buf, "[::1]:1162");
    smiOCTETS out;
    assert_int_equal(SnmpContextToStr(hc, &out), SNMPAPI_SUCCESS);
    assert_int_equal(out.len, 3);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out);
    assert_int_equal(SnmpClose(h), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreePdu(hp), SNMPAPI_FAILURE);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void
test_copying_a_list_costs_constant_allocations(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = open_session();
    smiUINT32 ids[] = {1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 0};
    smiOID name = {11, ids};
    smiVALUE v;
    v.syntax = SNMP_SYNTAX_OCTETS;
    v.value.string.len = 4;
    v.value.string.ptr = (smiLPBYTE) "eth0";
    HSNMP_VBL l = SnmpCreateVbl(s, &name, &v);
    for (int i = 1; i < 50; i++) {
        ids[10] = (smiUINT32)i;
        assert_int_equal(SnmpSetVb(l, 0, &name, &v), (SNMPAPI_STATUS)(i + 1));
    }
    /* A free slot, so the handle table does not grow during the count. */
    assert_int_equal(SnmpFreeVbl(SnmpCreateVbl(s, NULL, NULL)), SNMPAPI_SUCCESS);
    wn_alloc_fail_after(-1);
    unsigned long before = wn_alloc_count();
    HSNMP_VBL d = SnmpDuplicateVbl(s, l);
    assert_non_null(d);
    /* The object, the varbind array and one arena: not 2 per varbind. */
    assert_int_equal(wn_alloc_count() - before, 3);
    assert_int_equal(SnmpCountVbl(d), 50);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

/* The lock is checked, not only described: wn_ws_lock_held follows the
 * lock, and in builds without NDEBUG a [locked] function called without
 * it aborts (in a child process here).  Checked to fail: with the
 * assertion removed from wn_ws_next_request_id the child exits 0. */
static void
test_locked_functions_assert_the_lock(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(wn_ws_lock_held(), 0);
    wn_ws_lock();
    assert_int_equal(wn_ws_lock_held(), 1);
    assert_true(wn_ws_next_request_id() > 0);
    wn_ws_unlock();
    assert_int_equal(wn_ws_lock_held(), 0);
#ifdef NDEBUG
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    skip();
#else
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        (void)wn_ws_next_request_id();   /* without the lock */
        _exit(0);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
#endif
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calls_before_startup_fail_not_initialized),
        cmocka_unit_test(test_startup_reports_version_and_modes),
        cmocka_unit_test(test_plain_startup_is_not_counted),
        cmocka_unit_test(test_startup_ex_is_counted),
        cmocka_unit_test(test_cleanup_frees_open_sessions_and_restart_rejects_old_handles),
        cmocka_unit_test(test_create_session_needs_callback_or_window),
        cmocka_unit_test(test_thousands_of_sessions_share_handles),
        cmocka_unit_test(test_close_invalidates_every_handle_of_the_session),
        cmocka_unit_test(test_stale_handle_rejected_after_slot_reuse),
        cmocka_unit_test(test_session_limit_from_environment),
        cmocka_unit_test(test_per_session_handle_limit),
        cmocka_unit_test(test_allocation_failure_gives_alloc_error),
        cmocka_unit_test(test_session_and_task_errors_are_independent),
        cmocka_unit_test(test_task_error_is_per_thread),
        cmocka_unit_test(test_modes_and_vendor_info),
        cmocka_unit_test(test_notify_calls_back_and_failure_return_closes_session),
        cmocka_unit_test(test_engine_constructors_make_valid_handles),
        cmocka_unit_test(test_copying_a_list_costs_constant_allocations),
        cmocka_unit_test(test_locked_functions_assert_the_lock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
