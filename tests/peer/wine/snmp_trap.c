/* snmp_trap.c: Windows test program: a trap received through SnmpRegister in a callback-mode session. */
#include "pe_common.h"

/* usage: snmp_trap.exe  (the trap port comes from WSNMP_TRAP_PORT)
 * Registers for every notification, prints "registered", and prints the
 * first trap's varbinds as they arrive; exits 0 after one trap. */

static HANDLE g_done;
static int g_got;

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam, LPVOID data)
{
    (void)hwnd, (void)msg, (void)lparam, (void)data;
    if (wparam == 0 && !g_got && recv_print(s) == SNMP_PDU_TRAP) {
        g_got = 1;
        SetEvent(g_done);
    }
    return SNMPAPI_SUCCESS;
}

int
main(void)
{
    g_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    startup();
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    if (!s)
        die("SnmpCreateSession");
    if (SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_ON) != SNMPAPI_SUCCESS)
        die("SnmpRegister");
    printf("registered\n");
    fflush(stdout);
    if (WaitForSingleObject(g_done, WAIT_MS) != WAIT_OBJECT_0)
        die("no trap received");
    SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_OFF);
    SnmpClose(s);
    SnmpCleanup();
    printf("ok\n");
    return 0;
}
