/* snmp_window.c: Windows test program: window-mode session (SnmpOpen) answered through a message loop. */
#include "pe_common.h"

/* usage: snmp_window.exe HOST PORT OID
 * Opens a window-mode session on a message-only window, sends a GET and
 * runs a message loop; the notification arrives as the session's message
 * on this (the window's) thread.  Also: SnmpOpen with something that is
 * not a window fails with SNMPAPI_HWND_INVALID. */

#define WM_SNMP (WM_APP + 1)
#define TIMER_ID 1

static HSNMP_SESSION g_session;
static DWORD g_main_thread;
static int g_result = 1;

static LRESULT CALLBACK
wndproc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    switch (msg) {
    case WM_SNMP:
        if (GetCurrentThreadId() != g_main_thread)
            die("the session message was not delivered on the window's thread");
        if (wparam != 0) {
            printf("FAIL: request %ld failed with %lu\n", (long)lparam, (unsigned long)wparam);
        } else if (recv_print(g_session) == SNMP_PDU_RESPONSE) {
            printf("message received in the loop\n");
            g_result = 0;
        }
        PostQuitMessage(0);
        return 0;
    case WM_TIMER:
        printf("FAIL: no session message within %d ms\n", WAIT_MS);
        PostQuitMessage(0);
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wparam, lparam);
}

int
main(int argc, char **argv)
{
    if (argc != 4) {
        printf("usage: snmp_window.exe HOST PORT OID\n");
        return 2;
    }
    g_main_thread = GetCurrentThreadId();
    WNDCLASSW wc;
    memset(&wc, 0, sizeof wc);
    wc.lpfnWndProc = wndproc;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = L"wn_snmp_window";
    if (!RegisterClassW(&wc))
        die("RegisterClassW");
    HWND hwnd = CreateWindowExW(0, wc.lpszClassName, L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL,
                                wc.hInstance, NULL);
    if (!hwnd)
        die("CreateWindowExW");
    startup();
    if (SnmpOpen((HWND)(ULONG_PTR)0x4321, WM_SNMP) != NULL ||
        SnmpGetLastError(NULL) != SNMPAPI_HWND_INVALID)
        die("SnmpOpen accepted something that is not a window");
    g_session = SnmpOpen(hwnd, WM_SNMP);
    if (!g_session)
        die("SnmpOpen");
    struct target t = target_open(g_session, argv[1], argv[2]);
    if (send_get(g_session, &t, argv[3], 7) != SNMPAPI_SUCCESS)
        die("SnmpSendMsg");
    SetTimer(hwnd, TIMER_ID, WAIT_MS, NULL);
    MSG m;
    while (GetMessageW(&m, NULL, 0, 0) > 0) {
        TranslateMessage(&m);
        DispatchMessageW(&m);
    }
    if (SnmpClose(g_session) != SNMPAPI_SUCCESS)
        die("SnmpClose");
    if (SnmpCleanup() != SNMPAPI_SUCCESS)
        die("SnmpCleanup");
    DestroyWindow(hwnd);
    if (g_result == 0)
        printf("ok\n");
    return g_result;
}
