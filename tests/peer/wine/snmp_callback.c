/* snmp_callback.c: Windows test program: callback-mode GET, callback return value, SnmpClose/SnmpCleanup from inside a callback, no thread left behind. */
#include "pe_common.h"

/* usage: snmp_callback.exe HOST PORT OID
 * 1. A session whose callback returns SNMPAPI_FAILURE is closed by that
 *    (SnmpSendMsg on it then fails with SNMPAPI_SESSION_INVALID).
 * 2. SnmpCleanup from this thread ends the delivery thread.
 * 3. A GET of OID; the callback prints the response, closes its session
 *    and calls SnmpCleanup itself; the delivery thread then ends.
 * Prints "threads base=N" ... and "ok" at the end. */

static HANDLE g_done;
static int g_calls;

static SNMPAPI_STATUS CALLBACK
cb_fail(HSNMP_SESSION s, HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam, LPVOID data)
{
    (void)hwnd, (void)msg, (void)lparam;
    if (data != &g_calls)
        die("lpClientData not passed through");
    g_calls++;
    if (wparam == 0)
        recv_print(s);
    SetEvent(g_done);
    return SNMPAPI_FAILURE; /* closes the session */
}

static SNMPAPI_STATUS CALLBACK
cb_get(HSNMP_SESSION s, HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam, LPVOID data)
{
    (void)hwnd, (void)msg, (void)data;
    if (wparam != 0) {
        printf("FAIL: request %ld failed with %lu\n", (long)lparam, (unsigned long)wparam);
    } else if (recv_print(s) != SNMP_PDU_RESPONSE) {
        printf("FAIL: no response received\n");
    } else {
        if (SnmpClose(s) != SNMPAPI_SUCCESS)
            die("SnmpClose inside the callback");
        if (SnmpCleanup() != SNMPAPI_SUCCESS)
            die("SnmpCleanup inside the callback");
        printf("closed and cleaned up inside the callback\n");
    }
    fflush(stdout);
    SetEvent(g_done);
    return SNMPAPI_SUCCESS;
}

int
main(int argc, char **argv)
{
    if (argc != 4) {
        printf("usage: snmp_callback.exe HOST PORT OID\n");
        return 2;
    }
    g_done = CreateEventW(NULL, FALSE, FALSE, NULL);
    int base = thread_count();
    printf("threads base=%d\n", base);

    /* 1: a callback's return value other than SNMPAPI_SUCCESS closes the session */
    startup();
    HSNMP_SESSION s1 = SnmpCreateSession(NULL, 0, cb_fail, &g_calls);
    if (!s1)
        die("SnmpCreateSession");
    struct target t1 = target_open(s1, argv[1], argv[2]);
    if (send_get(s1, &t1, argv[3], 1) != SNMPAPI_SUCCESS)
        die("SnmpSendMsg");
    if (WaitForSingleObject(g_done, WAIT_MS) != WAIT_OBJECT_0)
        die("no callback for the first session");
    int closed = 0;
    for (int waited = 0; waited < WAIT_MS && !closed; waited += POLL_MS) {
        closed = send_get(s1, &t1, argv[3], 2) == SNMPAPI_FAILURE &&
                 SnmpGetLastError(NULL) == SNMPAPI_SESSION_INVALID;
        if (!closed)
            Sleep(POLL_MS);
    }
    if (!closed)
        die("the session stayed open after its callback returned SNMPAPI_FAILURE");
    printf("closed by the callback's return value\n");
    printf("threads with delivery=%d\n", thread_count());

    /* 2: SnmpCleanup from here ends the delivery thread before it returns */
    if (SnmpCleanup() != SNMPAPI_SUCCESS)
        die("SnmpCleanup");
    int n = thread_count();
    printf("threads after cleanup=%d\n", n);
    if (n != base)
        die("SnmpCleanup left a thread behind");

    /* 3: GET; the callback closes and cleans up itself */
    startup();
    HSNMP_SESSION s2 = SnmpCreateSession(NULL, 0, cb_get, NULL);
    if (!s2)
        die("SnmpCreateSession");
    struct target t2 = target_open(s2, argv[1], argv[2]);
    if (send_get(s2, &t2, argv[3], 3) != SNMPAPI_SUCCESS)
        die("SnmpSendMsg");
    if (WaitForSingleObject(g_done, WAIT_MS) != WAIT_OBJECT_0)
        die("no callback for the GET");
    n = wait_thread_count(base);
    printf("threads after cleanup in callback=%d\n", n);
    if (n != base)
        die("SnmpCleanup inside the callback left the delivery thread behind");
    printf("ok\n");
    return 0;
}
