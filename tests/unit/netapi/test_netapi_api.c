/* test_netapi_api.c: NetSessionEnum/GetInfo/Del behaviour against a fake srvsvc backend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "fake_backend.h"
#include "lm.h"
#include "netapi.h"

static int
setup(void **state)
{
    (void)state;
    unsetenv("NETAPI_USER");
    unsetenv("NETAPI_PASSWORD");
    unsetenv("NETAPI_DOMAIN");
    unsetenv("NETAPI_AUTHFILE");
    unsetenv("NETAPI_SMB_PORT");
    unsetenv("NETAPI_TIMEOUT_MS");
    wn_netapi_set_credentials(NULL, NULL, NULL);
    wn_alloc_fail_after(-1);
    fake_reset();
    fake.samba = 1;
    fake_add("127.0.0.1", "labuser", 2, 60, 0);
    fake_add("10.0.0.5", "nobody", 0, 5, SESS_GUEST);
    fake_add("127.0.0.1", "labadmin", 1, 30, 0);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    wn_alloc_fail_after(-1);
    wn_netapi_set_backend(NULL);
    return 0;
}

/* True when [p, p+n) lies inside the buffer [buf, buf+len). */
static int
inside(const void *buf, size_t len, const void *p, size_t n)
{
    const uint8_t *b = buf;
    const uint8_t *q = p;
    return q >= b && q + n <= b + len;
}

static void
test_enum_rejects_null_outputs_without_contacting_server(void **state)
{
    LPBYTE buf = (LPBYTE)1;
    DWORD er = 7;
    DWORD te = 7;

    (void)state;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, NULL, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, NULL, &te,
                                    NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er, NULL,
                                    NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(NetSessionGetInfo(NULL, L"x", L"y", 1, NULL), ERROR_INVALID_PARAMETER);
    /* the UTF-8 variants check the same pointers */
    assert_int_equal(wn_netapi_session_enum_utf8(NULL, NULL, NULL, 1, NULL, MAX_PREFERRED_LENGTH,
                                                 &er, &te, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(wn_netapi_session_enum_utf8(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH,
                                                 NULL, &te, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(wn_netapi_session_enum_utf8(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH,
                                                 &er, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(wn_netapi_session_getinfo_utf8(NULL, "x", "y", 1, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(fake.opens, 0);
}

static void
test_enum_rejects_unknown_levels(void **state)
{
    static const DWORD bad[] = { 3, 5, 11, 501, 503, 0xFFFFFFFFu };
    LPBYTE buf = NULL;
    DWORD er;
    DWORD te;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(NetSessionEnum(NULL, NULL, NULL, bad[i], &buf, MAX_PREFERRED_LENGTH,
                                        &er, &te, NULL), ERROR_INVALID_LEVEL);
        assert_null(buf);
    }
    assert_int_equal(NetSessionGetInfo(NULL, L"a", L"b", 502, &buf), ERROR_INVALID_LEVEL);
    assert_int_equal(NetSessionGetInfo(NULL, L"a", L"b", 7, &buf), ERROR_INVALID_LEVEL);
    assert_int_equal(fake.opens, 0);
}

static void
test_enum_level1_packs_all_sessions_in_one_buffer(void **state)
{
    LPBYTE buf = NULL;
    DWORD er = 0;
    DWORD te = 0;
    DWORD resume = 0;
    SESSION_INFO_1 *e;
    size_t len;
    DWORD i;

    (void)state;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    &resume), NERR_Success);
    assert_int_equal(er, 3);
    assert_int_equal(te, 3);
    assert_int_equal(resume, 0);
    assert_string_equal(fake.last_server, "127.0.0.1");
    assert_int_equal(fake.last_port, 445);
    assert_int_equal(fake.opens, fake.closes);
    e = (SESSION_INFO_1 *)buf;
    len = 3 * sizeof(*e);
    for (i = 0; i < 3; i++)
        len += (wcslen(e[i].sesi1_cname) + wcslen(e[i].sesi1_username) + 2) * sizeof(wchar_t);
    for (i = 0; i < 3; i++) {
        assert_true(inside(buf, len, e[i].sesi1_cname, sizeof(wchar_t)));
        assert_true(inside(buf, len, e[i].sesi1_username, sizeof(wchar_t)));
    }
    /* ordered by client name, then user name (docs/netsession.md §3) */
    assert_true(wcscmp(e[2].sesi1_cname, L"127.0.0.1") == 0);
    assert_true(wcscmp(e[2].sesi1_username, L"labuser") == 0);
    assert_int_equal(e[2].sesi1_num_opens, 2);
    assert_int_equal(e[2].sesi1_time, 60);
    assert_int_equal(e[2].sesi1_idle_time, 30);
    assert_true(wcscmp(e[0].sesi1_username, L"nobody") == 0);
    assert_int_equal(e[0].sesi1_user_flags, SESS_GUEST);
    assert_true(wcscmp(e[1].sesi1_username, L"labadmin") == 0);
    assert_int_equal(NetApiBufferFree(buf), NERR_Success);
    assert_int_equal(NetApiBufferFree(NULL), NERR_Success);
}

static void
test_enum_level0_and_servername_forms(void **state)
{
    LPBYTE buf = NULL;
    DWORD er = 0;
    DWORD te = 0;
    SESSION_INFO_0 *e;

    (void)state;
    assert_int_equal(NetSessionEnum(L"\\\\labsrv", NULL, NULL, 0, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), NERR_Success);
    assert_string_equal(fake.last_server, "labsrv");
    assert_int_equal(er, 3);
    e = (SESSION_INFO_0 *)buf;
    assert_true(wcscmp(e[2].sesi0_cname, L"127.0.0.1") == 0);
    NetApiBufferFree(buf);
    assert_int_equal(NetSessionEnum(L"localhost", NULL, NULL, 0, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), NERR_Success);
    assert_string_equal(fake.last_server, "localhost");
    NetApiBufferFree(buf);
    assert_int_equal(NetSessionEnum(L"", NULL, NULL, 0, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), NERR_Success);
    assert_string_equal(fake.last_server, "127.0.0.1");
    NetApiBufferFree(buf);
}

static void
test_enum_rejects_malformed_server_names(void **state)
{
    static const wchar_t *bad[] = { L"\\srv", L"\\\\", L"\\\\a\\b", L"a/b", L"a b",
                                    L"\\\\srv\\ipc$" };
    LPBYTE buf = NULL;
    DWORD er;
    DWORD te;
    wchar_t surrogate[] = { 0xD800, 0 };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        buf = (LPBYTE)1;
        er = 7;
        te = 7;
        assert_int_equal(NetSessionEnum((LMSTR)bad[i], NULL, NULL, 1, &buf,
                                        MAX_PREFERRED_LENGTH, &er, &te, NULL),
                         NERR_InvalidComputer);
        /* documented: on every error *bufptr is NULL and the counts 0 */
        assert_null(buf);
        assert_int_equal(er, 0);
        assert_int_equal(te, 0);
    }
    er = 7;
    assert_int_equal(NetSessionEnum(surrogate, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er,
                                    &te, NULL), NERR_InvalidComputer);
    assert_int_equal(er, 0);
    assert_int_equal(fake.opens, 0);
}

static void
test_samba_level502_is_derived_from_level1(void **state)
{
    LPBYTE buf = NULL;
    DWORD er = 0;
    DWORD te = 0;
    SESSION_INFO_502 *e;

    (void)state;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 502, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), NERR_Success);
    assert_int_equal(fake.enums, 2);
    assert_int_equal(fake.levels_asked[0], 502);
    assert_int_equal(fake.levels_asked[1], 1);
    assert_int_equal(er, 3);
    e = (SESSION_INFO_502 *)buf;
    assert_true(wcscmp(e[0].sesi502_cname, L"10.0.0.5") == 0);
    assert_true(wcscmp(e[0].sesi502_username, L"nobody") == 0);
    assert_int_equal(e[0].sesi502_user_flags, SESS_GUEST);
    assert_int_equal(e[2].sesi502_num_opens, 2);
    assert_true(wcscmp(e[2].sesi502_cltype_name, L"") == 0);
    assert_true(wcscmp(e[2].sesi502_transport, L"\\Device\\NetbiosSmb") == 0);
    NetApiBufferFree(buf);
}

static void
test_samba_level10_and_2_are_derived(void **state)
{
    LPBYTE buf = NULL;
    DWORD er = 0;
    DWORD te = 0;
    SESSION_INFO_10 *t;
    SESSION_INFO_2 *two;

    (void)state;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 10, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), NERR_Success);
    t = (SESSION_INFO_10 *)buf;
    assert_int_equal(er, 3);
    assert_true(wcscmp(t[1].sesi10_username, L"labadmin") == 0);
    assert_int_equal(t[1].sesi10_time, 30);
    assert_int_equal(t[1].sesi10_idle_time, 15);
    NetApiBufferFree(buf);
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 2, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), NERR_Success);
    two = (SESSION_INFO_2 *)buf;
    assert_true(wcscmp(two[0].sesi2_cltype_name, L"") == 0);
    NetApiBufferFree(buf);
}

static void
test_windows_level502_is_passed_through(void **state)
{
    LPBYTE buf = NULL;
    DWORD er = 0;
    DWORD te = 0;
    SESSION_INFO_502 *e;

    (void)state;
    fake.samba = 0;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 502, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), NERR_Success);
    assert_int_equal(fake.enums, 1);
    e = (SESSION_INFO_502 *)buf;
    assert_true(wcscmp(e[0].sesi502_cltype_name, L"SMB 3.1.1") == 0);
    assert_true(wcscmp(e[0].sesi502_transport, L"\\Device\\NetBT_Tcpip") == 0);
    NetApiBufferFree(buf);
}

static void
test_filters_apply_client_side_with_or_without_backslashes(void **state)
{
    LPBYTE buf = NULL;
    DWORD er = 0;
    DWORD te = 0;
    SESSION_INFO_1 *e;

    (void)state;
    assert_int_equal(NetSessionEnum(NULL, L"\\\\127.0.0.1", NULL, 1, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), NERR_Success);
    assert_string_equal(fake.last_client, "\\\\127.0.0.1");
    assert_int_equal(er, 2);
    e = (SESSION_INFO_1 *)buf;
    assert_true(wcscmp(e[0].sesi1_username, L"labadmin") == 0);
    assert_true(wcscmp(e[1].sesi1_username, L"labuser") == 0);
    NetApiBufferFree(buf);

    assert_int_equal(NetSessionEnum(NULL, L"127.0.0.1", L"LABADMIN", 1, &buf,
                                    MAX_PREFERRED_LENGTH, &er, &te, NULL), NERR_Success);
    assert_string_equal(fake.last_client, "\\\\127.0.0.1");
    assert_string_equal(fake.last_filter_user, "LABADMIN");
    assert_int_equal(er, 1);
    e = (SESSION_INFO_1 *)buf;
    assert_true(wcscmp(e[0].sesi1_username, L"labadmin") == 0);
    NetApiBufferFree(buf);

    /* Level 0 with a user filter still filters (asks for level 10). */
    assert_int_equal(NetSessionEnum(NULL, NULL, L"nobody", 0, &buf, MAX_PREFERRED_LENGTH, &er,
                                    &te, NULL), NERR_Success);
    assert_int_equal(er, 1);
    assert_true(wcscmp(((SESSION_INFO_0 *)buf)[0].sesi0_cname, L"10.0.0.5") == 0);
    NetApiBufferFree(buf);
}

static void
test_filters_that_match_nothing_give_the_documented_codes(void **state)
{
    LPBYTE buf = (LPBYTE)1;
    DWORD er = 9;
    DWORD te = 9;

    (void)state;
    assert_int_equal(NetSessionEnum(NULL, L"\\\\192.0.2.1", NULL, 1, &buf,
                                    MAX_PREFERRED_LENGTH, &er, &te, NULL),
                     NERR_ClientNameNotFound);
    assert_null(buf);
    assert_int_equal(er, 0);
    assert_int_equal(NetSessionEnum(NULL, NULL, L"ghost", 1, &buf, MAX_PREFERRED_LENGTH, &er,
                                    &te, NULL), NERR_UserNotFound);
    assert_int_equal(NetSessionEnum(NULL, L"10.0.0.5", L"labuser", 10, &buf,
                                    MAX_PREFERRED_LENGTH, &er, &te, NULL), NERR_UserNotFound);
    /* A Windows server that filters itself and says 2312 is passed on. */
    fake.samba = 0;
    assert_int_equal(NetSessionEnum(NULL, L"nowhere", NULL, 1, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), NERR_ClientNameNotFound);
}

static void
test_empty_server_list_is_success_with_no_buffer(void **state)
{
    LPBYTE buf = (LPBYTE)1;
    DWORD er = 9;
    DWORD te = 9;

    (void)state;
    fake.nsessions = 0;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), NERR_Success);
    assert_null(buf);
    assert_int_equal(er, 0);
    assert_int_equal(te, 0);
}

/* Pages through `total` sessions with prefmaxlen, checking each once. */
static void
page_through(DWORD prefmaxlen, DWORD total, DWORD max_per_call)
{
    int seen[FAKE_MAX];
    DWORD resume = 0;
    DWORD got = 0;
    int calls = 0;
    NET_API_STATUS st;

    memset(seen, 0, sizeof(seen));
    do {
        LPBYTE buf = NULL;
        DWORD er = 0;
        DWORD te = 0;
        SESSION_INFO_10 *e;
        DWORD i;

        st = NetSessionEnum(NULL, NULL, NULL, 10, &buf, prefmaxlen, &er, &te, &resume);
        assert_true(st == NERR_Success || st == ERROR_MORE_DATA);
        assert_int_equal(te, total - got);
        assert_true(er >= 1 && er <= max_per_call);
        e = (SESSION_INFO_10 *)buf;
        for (i = 0; i < er; i++) {
            int idx = (int)wcstol(e[i].sesi10_username + 1, NULL, 10);
            assert_int_equal(seen[idx], 0);
            seen[idx] = 1;
        }
        got += er;
        NetApiBufferFree(buf);
        assert_true(++calls <= (int)total);
        if (st == ERROR_MORE_DATA)
            assert_int_equal(resume, got);
    } while (st == ERROR_MORE_DATA);
    assert_int_equal(got, total);
    assert_int_equal(resume, 0);
}

static void
test_paging_with_small_prefmaxlen_returns_each_session_once(void **state)
{
    static const char *names[] = { "u0", "u1", "u2", "u3", "u4", "u5", "u6" };
    size_t one;
    size_t i;

    (void)state;
    fake.nsessions = 0;
    for (i = 0; i < 7; i++)
        fake_add("127.0.0.1", names[i], 0, (uint32_t)i, 0);
    one = sizeof(SESSION_INFO_10) + (strlen("127.0.0.1") + 1 + 3) * sizeof(wchar_t);
    page_through(1, 7, 1);                       /* smaller than one entry: 1 per call */
    page_through((DWORD)(one * 2 + one / 2), 7, 2);
    page_through((DWORD)(one * 3), 7, 3);
    page_through(MAX_PREFERRED_LENGTH, 7, 7);
    fake.samba = 0;
    fake.page = 2;                               /* Windows-like server paging underneath */
    page_through((DWORD)(one * 3), 7, 3);
}

static void
test_resume_past_end_is_empty_success(void **state)
{
    LPBYTE buf = (LPBYTE)1;
    DWORD er = 9;
    DWORD te = 9;
    DWORD resume = 50;

    (void)state;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    &resume), NERR_Success);
    assert_null(buf);
    assert_int_equal(er, 0);
    assert_int_equal(resume, 0);
}

static void
test_getinfo_returns_first_match_or_not_found(void **state)
{
    LPBYTE buf = NULL;
    SESSION_INFO_2 *e;

    (void)state;
    assert_int_equal(NetSessionGetInfo(NULL, NULL, L"labuser", 1, &buf),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(NetSessionGetInfo(NULL, L"127.0.0.1", NULL, 1, &buf),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(fake.opens, 0);
    assert_int_equal(NetSessionGetInfo(NULL, L"\\\\127.0.0.1", L"labadmin", 2, &buf),
                     NERR_Success);
    e = (SESSION_INFO_2 *)buf;
    assert_true(wcscmp(e->sesi2_username, L"labadmin") == 0);
    assert_int_equal(e->sesi2_num_opens, 1);
    NetApiBufferFree(buf);
    assert_int_equal(NetSessionGetInfo(NULL, L"127.0.0.2", L"labadmin", 1, &buf),
                     NERR_ClientNameNotFound);
    assert_null(buf);
    assert_int_equal(NetSessionGetInfo(NULL, L"127.0.0.1", L"nobody", 1, &buf),
                     NERR_UserNotFound);
}

static void
test_del_normalises_client_and_maps_results(void **state)
{
    (void)state;
    assert_int_equal(NetSessionDel(NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(NetSessionDel(NULL, L"", L""), ERROR_INVALID_PARAMETER);
    assert_int_equal(fake.opens, 0);
    assert_int_equal(NetSessionDel(NULL, L"10.0.0.5", NULL), NERR_Success);
    assert_string_equal(fake.last_client, "\\\\10.0.0.5");
    assert_true(fake.last_filter_user_null);
    assert_int_equal(NetSessionDel(NULL, NULL, L"labuser"), NERR_Success);
    assert_true(fake.last_client_null);
    assert_string_equal(fake.last_filter_user, "labuser");
    /* Samba: ACCESS_DENIED also means "nothing matched"; the probe tells. */
    fake.del_werror = 5;
    assert_int_equal(NetSessionDel(NULL, L"\\\\192.0.2.9", NULL), NERR_ClientNameNotFound);
    /* issue 15 item 7: the documented "no such session" code for Del
     * (MS-SRVS 3.1.4.6, SDK), not NERR_UserNotFound */
    assert_int_equal(NetSessionDel(NULL, L"10.0.0.5", L"ghost"), NERR_ClientNameNotFound);
    assert_int_equal(NetSessionDel(NULL, NULL, L"ghost"), NERR_ClientNameNotFound);
    assert_int_equal(NetSessionDel(NULL, L"10.0.0.5", NULL), ERROR_ACCESS_DENIED);
    /* ... and when the probe is denied too, the answer stays ACCESS_DENIED. */
    fake.enum_wire.werror = 5;
    assert_int_equal(NetSessionDel(NULL, L"\\\\192.0.2.9", NULL), ERROR_ACCESS_DENIED);
    fake.del_werror = 0;
    fake.enum_wire.werror = 0;
    fake.del_err = WN_E_CLOSED;
    assert_int_equal(NetSessionDel(NULL, L"10.0.0.5", NULL), ERROR_NETNAME_DELETED);
    assert_int_equal(fake.opens, fake.closes);
}

static void
test_transport_and_auth_failures_map_to_actionable_codes(void **state)
{
    static const struct {
        int err;
        uint32_t ntstatus;
        uint32_t fault;
        NET_API_STATUS want;
    } cases[] = {
        { WN_E_CONNREFUSED, 0, 0, ERROR_BAD_NETPATH },
        { WN_E_RESOLVE, 0, 0, ERROR_BAD_NETPATH },
        { WN_E_TIMEOUT, 0, 0, ERROR_BAD_NETPATH },
        { WN_E_UNREACHABLE, 0, 0, ERROR_BAD_NETPATH },
        { WN_E_AUTH, 0, 0, ERROR_LOGON_FAILURE },
        { WN_E_AUTH, 0xC000006Du, 0, ERROR_LOGON_FAILURE },
        { WN_E_PROTOCOL, 0xC0000022u, 0, ERROR_ACCESS_DENIED },
        { WN_E_SIGNATURE, 0, 0, ERROR_UNEXP_NET_ERR },
        { WN_E_PROTOCOL, 0, 0x1C010003u, RPC_S_UNKNOWN_IF },
        { WN_E_PROTOCOL, 0, 5, ERROR_ACCESS_DENIED },
        { WN_E_MALFORMED, 0, 0, RPC_X_BAD_STUB_DATA },
        { WN_E_NOMEM, 0, 0, ERROR_NOT_ENOUGH_MEMORY },
        { WN_E_UNSUPPORTED, 0, 0, ERROR_NOT_SUPPORTED },
    };
    LPBYTE buf = NULL;
    DWORD er;
    DWORD te;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fake.open_err = cases[i].err;
        fake.open_wire.ntstatus = cases[i].ntstatus;
        fake.open_wire.fault = cases[i].fault;
        assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er,
                                        &te, NULL), cases[i].want);
        assert_null(buf);
    }
    fake.open_err = 0;
    fake.enum_err = WN_E_PROTOCOL;
    fake.enum_wire.fault = 0x1C010002u;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), RPC_S_PROCNUM_OUT_OF_RANGE);
    fake.enum_err = 0;
    fake.enum_wire.fault = 0;
    fake.enum_wire.werror = 5;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), ERROR_ACCESS_DENIED);
    assert_int_equal(fake.opens - 13, fake.closes);
}

static void
test_reply_at_another_level_than_asked_is_rejected(void **state)
{
    LPBYTE buf = (LPBYTE)1;
    DWORD er = 7;
    DWORD te = 7;

    (void)state;
    fake.wrong_reply_level = 1;
    assert_int_equal(NetSessionEnum(NULL, NULL, L"labuser", 10, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), RPC_X_BAD_STUB_DATA);
    assert_null(buf);
    assert_int_equal(er, 0);
    assert_int_equal(fake.opens, fake.closes);
    fake.wrong_reply_level = 0;
    assert_int_equal(NetSessionEnum(NULL, NULL, L"labuser", 10, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), NERR_Success);
    assert_int_equal(er, 1);
    NetApiBufferFree(buf);
}

static void
test_server_paging_that_does_not_advance_is_rejected(void **state)
{
    LPBYTE buf = NULL;
    DWORD er = 7;
    DWORD te = 7;

    (void)state;
    fake.samba = 0;                              /* a Windows-like server that pages */
    fake.page = 1;
    fake.stuck_resume = 1;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), RPC_X_BAD_STUB_DATA);
    assert_null(buf);
    assert_int_equal(fake.enums, 1);
    assert_int_equal(fake.opens, fake.closes);
    fake.stuck_resume = 0;
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te,
                                    NULL), NERR_Success);
    assert_int_equal(er, 3);
    NetApiBufferFree(buf);
}

static void
test_utf8_variant_and_non_ascii_names(void **state)
{
    LPBYTE buf = NULL;
    DWORD er = 0;
    DWORD te = 0;
    struct wn_session_info_utf8 *u;
    SESSION_INFO_10 *w;

    (void)state;
    fake.nsessions = 0;
    fake_add("pc-\xc3\xa9t\xc3\xa9", "j\xc3\xb6rg", 1, 10, 0);
    fake_add("pc2", "\xf0\x9f\x98\x80", 0, 1, 0);
    assert_int_equal(wn_netapi_session_enum_utf8("\\\\127.0.0.1", NULL, NULL, 502, &buf,
                                                 MAX_PREFERRED_LENGTH, &er, &te, NULL),
                     NERR_Success);
    u = (struct wn_session_info_utf8 *)buf;
    assert_int_equal(er, 2);
    assert_string_equal(u[0].cname, "pc-\xc3\xa9t\xc3\xa9");
    assert_string_equal(u[0].username, "j\xc3\xb6rg");
    assert_string_equal(u[0].transport, "\\Device\\NetbiosSmb");
    assert_int_equal(u[0].num_opens, 1);
    NetApiBufferFree(buf);

    assert_int_equal(wn_netapi_session_enum_utf8(NULL, NULL, NULL, 0, &buf, MAX_PREFERRED_LENGTH,
                                                 &er, &te, NULL), NERR_Success);
    u = (struct wn_session_info_utf8 *)buf;
    assert_null(u[0].username);
    assert_int_equal(u[0].time, 0);
    NetApiBufferFree(buf);

    /* names fold over Unicode, not only ASCII (issue 15 item 8) */
    assert_int_equal(NetSessionEnum(NULL, L"PC-\u00c9T\u00c9", L"J\u00d6RG", 10, &buf,
                                    MAX_PREFERRED_LENGTH, &er, &te, NULL), NERR_Success);
    assert_int_equal(er, 1);
    NetApiBufferFree(buf);
    buf = NULL;
    assert_int_equal(NetSessionEnum(NULL, L"pc-\u00e9t\u00e9", L"J\u00f6rg", 10, &buf,
                                    MAX_PREFERRED_LENGTH, &er, &te, NULL), NERR_Success);
    w = (SESSION_INFO_10 *)buf;
    assert_int_equal(er, 1);
    assert_true(wcscmp(w[0].sesi10_username, L"j\u00f6rg") == 0);
    NetApiBufferFree(buf);
    assert_int_equal(wn_netapi_session_getinfo_utf8(NULL, "pc2", "\xf0\x9f\x98\x80", 1, &buf),
                     NERR_Success);
    assert_string_equal(((struct wn_session_info_utf8 *)buf)->cname, "pc2");
    NetApiBufferFree(buf);
    assert_int_equal(wn_netapi_session_del_utf8(NULL, "pc2", NULL), NERR_Success);
}

static void
test_allocation_failures_give_not_enough_memory(void **state)
{
    long n;
    int succeeded = 0;

    (void)state;
    for (n = 0; n < 400 && !succeeded; n++) {
        LPBYTE buf = NULL;
        DWORD er = 0;
        DWORD te = 0;
        DWORD resume = 0;
        NET_API_STATUS st;

        wn_alloc_fail_after(n);
        st = NetSessionEnum(L"\\\\srv", L"127.0.0.1", NULL, 502, &buf, MAX_PREFERRED_LENGTH,
                            &er, &te, &resume);
        wn_alloc_fail_after(-1);
        if (st == NERR_Success) {
            succeeded = 1;
            assert_int_equal(er, 2);
        } else {
            assert_int_equal(st, ERROR_NOT_ENOUGH_MEMORY);
            assert_null(buf);
        }
        NetApiBufferFree(buf);
        assert_int_equal(fake.opens, fake.closes);
    }
    assert_true(succeeded);
    assert_true(n > 5);
    succeeded = 0;
    for (n = 0; n < 400 && !succeeded; n++) {
        LPBYTE buf = NULL;
        NET_API_STATUS st;
        wn_alloc_fail_after(n);
        st = NetSessionGetInfo(NULL, L"127.0.0.1", L"labuser", 10, &buf);
        wn_alloc_fail_after(-1);
        assert_true(st == NERR_Success || st == ERROR_NOT_ENOUGH_MEMORY);
        succeeded = st == NERR_Success;
        NetApiBufferFree(buf);
    }
    assert_true(succeeded);
}

static void
test_del_and_utf8_enum_survive_allocation_failures(void **state)
{
    long n;
    int ok_del = 0;
    int ok_enum = 0;

    (void)state;
    fake.del_werror = 5; /* forces the probe enumeration too */
    for (n = 0; n < 400 && !(ok_del && ok_enum); n++) {
        LPBYTE buf = NULL;
        DWORD er = 0;
        DWORD te = 0;
        NET_API_STATUS st;

        wn_alloc_fail_after(n);
        st = NetSessionDel(L"\\\\srv", L"192.0.2.1", L"x");
        wn_alloc_fail_after(-1);
        assert_true(st == NERR_ClientNameNotFound || st == ERROR_NOT_ENOUGH_MEMORY);
        ok_del |= st == NERR_ClientNameNotFound;
        wn_alloc_fail_after(n);
        st = wn_netapi_session_enum_utf8(NULL, NULL, "labuser", 2, &buf, 10, &er, &te, NULL);
        wn_alloc_fail_after(-1);
        assert_true(st == NERR_Success || st == ERROR_NOT_ENOUGH_MEMORY);
        if (st == NERR_Success) {
            ok_enum = 1;
            assert_int_equal(er, 1);
            assert_string_equal(((struct wn_session_info_utf8 *)buf)->username, "labuser");
        } else {
            assert_null(buf);
        }
        NetApiBufferFree(buf);
        assert_int_equal(fake.opens, fake.closes);
    }
    assert_true(ok_del && ok_enum);
}

static void
test_buffer_allocate_and_free(void **state)
{
    LPVOID p = NULL;

    (void)state;
    assert_int_equal(NetApiBufferAllocate(16, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(NetApiBufferAllocate(16, &p), NERR_Success);
    assert_non_null(p);
    assert_int_equal(((uint8_t *)p)[15], 0);
    assert_int_equal(NetApiBufferFree(p), NERR_Success);
    wn_alloc_fail_after(0);
    assert_int_equal(NetApiBufferAllocate(16, &p), ERROR_NOT_ENOUGH_MEMORY);
    wn_alloc_fail_after(-1);
    assert_null(p);
}

/* Allocations do not grow with the number of sessions (house rule: no
 * allocation per session entry): 4 sessions and FAKE_MAX sessions cost
 * about the same, at a derived level (Samba fallback) and at level 1. */
static unsigned long
allocs_for_enum(uint32_t n, DWORD level)
{
    static char names[FAKE_MAX][32];
    fake_reset();
    fake.samba = 1;
    for (uint32_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "10.0.0.%u", (unsigned)i + 1);
        fake_add(names[i], "someuser", i, 10, 0);
    }
    LPBYTE buf = NULL;
    DWORD er = 0, te = 0;
    unsigned long before = wn_alloc_count();
    assert_int_equal(NetSessionEnum(NULL, NULL, NULL, level, &buf, MAX_PREFERRED_LENGTH, &er,
                                    &te, NULL), NERR_Success);
    unsigned long used = wn_alloc_count() - before;
    assert_int_equal(er, n);
    NetApiBufferFree(buf);
    return used;
}

static void
test_allocations_do_not_grow_per_session(void **state)
{
    (void)state;
    static const DWORD levels[] = {1, 502};
    for (size_t i = 0; i < 2; i++) {
        unsigned long few = allocs_for_enum(4, levels[i]);
        unsigned long many = allocs_for_enum(FAKE_MAX, levels[i]);
        /* doubling the entry array 16 -> 32 is one more; per entry would be 28+ */
        assert_true(many <= few + 3);
    }
}

/* Issue 15 item 8: account names compare case-insensitively over Unicode,
 * as Windows compares them (fails with the former ASCII-only folding). */
static void
test_user_filter_is_case_insensitive_over_unicode(void **state)
{
    LPBYTE buf = NULL;
    DWORD er = 0;
    DWORD te = 0;
    SESSION_INFO_10 *e;

    (void)state;
    fake_add("10.0.0.9", "j\xc3\xb6rg", 0, 7, 0);           /* jörg */
    fake_add("10.0.0.10", "\xce\xb4\xce\xb9\xce\xba", 0, 8, 0); /* δικ */
    assert_int_equal(NetSessionEnum(NULL, NULL, L"J\u00D6RG", 10, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), NERR_Success);
    assert_int_equal(er, 1);
    e = (SESSION_INFO_10 *)buf;
    assert_true(wcscmp(e[0].sesi10_username, L"j\u00F6rg") == 0);
    NetApiBufferFree(buf);
    buf = NULL;
    assert_int_equal(NetSessionEnum(NULL, NULL, L"\u0394\u0399\u039A", 10, &buf,
                                    MAX_PREFERRED_LENGTH, &er, &te, NULL), NERR_Success);
    assert_int_equal(er, 1);
    NetApiBufferFree(buf);
    buf = NULL;
    assert_int_equal(wn_netapi_session_getinfo_utf8(NULL, "10.0.0.9", "J\xc3\x96RG", 1, &buf),
                     NERR_Success);
    NetApiBufferFree(buf);
    buf = NULL;
    /* still not a prefix match, and other letters stay different */
    assert_int_equal(NetSessionEnum(NULL, NULL, L"J\u00D6R", 10, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), NERR_UserNotFound);
    assert_int_equal(NetSessionEnum(NULL, NULL, L"JORG", 10, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), NERR_UserNotFound);
    assert_int_equal(wn_netapi_name_eq("STRASSE", "stra\xc3\x9f" "e"), 0);
}

/* Issue 15 item 8: a client name of backslashes alone is an invalid
 * parameter, never "every client" (fails on the code that stripped it to
 * NULL: Enum listed everything, Del deleted all of the user's sessions). */
static void
test_client_name_of_backslashes_alone_is_invalid(void **state)
{
    LPBYTE buf = (LPBYTE)1;
    DWORD er = 7;
    DWORD te = 7;

    (void)state;
    assert_int_equal(NetSessionEnum(NULL, L"\\\\", NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er,
                                    &te, NULL), ERROR_INVALID_PARAMETER);
    assert_null(buf);
    assert_int_equal(er, 0);
    assert_int_equal(NetSessionEnum(NULL, L"\\", L"labuser", 1, &buf, MAX_PREFERRED_LENGTH,
                                    &er, &te, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(NetSessionDel(NULL, L"\\\\", L"labuser"), ERROR_INVALID_PARAMETER);
    assert_int_equal(wn_netapi_session_del_utf8(NULL, "\\\\", "labuser"),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(NetSessionGetInfo(NULL, L"\\\\", L"labuser", 1, &buf),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(fake.opens, 0);
    assert_int_equal(fake.dels, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_enum_rejects_null_outputs_without_contacting_server),
        T(test_enum_rejects_unknown_levels),
        T(test_enum_level1_packs_all_sessions_in_one_buffer),
        T(test_enum_level0_and_servername_forms),
        T(test_enum_rejects_malformed_server_names),
        T(test_samba_level502_is_derived_from_level1),
        T(test_samba_level10_and_2_are_derived),
        T(test_windows_level502_is_passed_through),
        T(test_filters_apply_client_side_with_or_without_backslashes),
        T(test_filters_that_match_nothing_give_the_documented_codes),
        T(test_empty_server_list_is_success_with_no_buffer),
        T(test_paging_with_small_prefmaxlen_returns_each_session_once),
        T(test_resume_past_end_is_empty_success),
        T(test_getinfo_returns_first_match_or_not_found),
        T(test_del_normalises_client_and_maps_results),
        T(test_transport_and_auth_failures_map_to_actionable_codes),
        T(test_reply_at_another_level_than_asked_is_rejected),
    T(test_server_paging_that_does_not_advance_is_rejected),
    T(test_utf8_variant_and_non_ascii_names),
        T(test_allocation_failures_give_not_enough_memory),
        T(test_del_and_utf8_enum_survive_allocation_failures),
        T(test_buffer_allocate_and_free),
        T(test_allocations_do_not_grow_per_session),
        T(test_user_filter_is_case_insensitive_over_unicode),
        T(test_client_name_of_backslashes_alone_is_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
