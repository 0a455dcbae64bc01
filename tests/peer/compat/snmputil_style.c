/* snmputil_style.c: a WinSNMP program in the pattern of Microsoft's snmputil sample (SnmpOpen, a window procedure, a message loop), ported with one changed line. */
#include <stdio.h>
#include <string.h>

#include "win32_standin.h"

#define WM_SNMP (WM_USER + 1)

/* Usage: snmputil_style get|getnext AGENT COMMUNITY OID [timeout_cs]
 * Prints "OID = value" or "error: ...", exit 0 on an answer, 2 on a
 * timeout, 1 on any other failure. */

static HSNMP_SESSION session;
static smiINT32 request_id;
static int result = 1;

static void
print_value(const smiOID *name, const smiVALUE *v)
{
    char oid[MAXOBJIDSTRSIZE];
    if (SnmpOidToStr(name, sizeof oid, oid) == SNMPAPI_FAILURE)
        strcpy(oid, "?");
    printf("%s = ", oid);
    switch (v->syntax) {
    case SNMP_SYNTAX_OCTETS:
        printf("STRING: %.*s\n", (int)v->value.string.len, (const char *)v->value.string.ptr);
        break;
    case SNMP_SYNTAX_INT:
        printf("INTEGER: %d\n", (int)v->value.sNumber);
        break;
    case SNMP_SYNTAX_TIMETICKS:
        printf("Timeticks: %u\n", (unsigned)v->value.uNumber);
        break;
    case SNMP_SYNTAX_OID: {
        char o[MAXOBJIDSTRSIZE];
        SnmpOidToStr(&v->value.oid, sizeof o, o);
        printf("OID: %s\n", o);
        break;
    }
    default:
        printf("syntax %u\n", (unsigned)v->syntax);
    }
}

/* The window procedure: WM_SNMP with wParam 0 means "call SnmpRecvMsg";
 * any other wParam is the error of the request in lParam. */
static LRESULT
WndProc(HWND hWnd, UINT msg, WPARAM wParam, LPARAM lParam)
{
    (void)hWnd;
    if (msg != WM_SNMP)
        return 0;
    if (wParam != 0) {
        if ((smiINT32)lParam == request_id) {
            printf("error: request %d failed with %u%s\n", (int)lParam, (unsigned)wParam,
                   wParam == SNMPAPI_TL_TIMEOUT ? " (timeout)" : "");
            result = wParam == SNMPAPI_TL_TIMEOUT ? 2 : 1;
            HSNMP_PDU pdu = NULL;
            HSNMP_ENTITY src = NULL, dst = NULL;
            HSNMP_CONTEXT ctx = NULL;
            SnmpRecvMsg(session, &src, &dst, &ctx, &pdu);   /* dequeues the report */
            if (src) SnmpFreeEntity(src);
            if (dst) SnmpFreeEntity(dst);
            if (ctx) SnmpFreeContext(ctx);
            if (pdu) SnmpFreePdu(pdu);
            PostQuitMessage(0);
        }
        return 0;
    }
    HSNMP_ENTITY src, dst;
    HSNMP_CONTEXT ctx;
    HSNMP_PDU pdu;
    if (SnmpRecvMsg(session, &src, &dst, &ctx, &pdu) == SNMPAPI_FAILURE)
        return 0;   /* SNMPAPI_NOOP: nothing queued */
    smiINT type, status, index;
    smiINT32 id;
    HSNMP_VBL vbl;
    SnmpGetPduData(pdu, &type, &id, &status, &index, &vbl);
    if (type == SNMP_PDU_RESPONSE && id == request_id) {
        if (status != SNMP_ERROR_NOERROR) {
            printf("error: agent status %d index %d\n", (int)status, (int)index);
        } else {
            smiUINT32 n = SnmpCountVbl(vbl);
            for (smiUINT32 i = 1; i <= n; i++) {
                smiOID name;
                smiVALUE value;
                if (SnmpGetVb(vbl, i, &name, &value) == SNMPAPI_SUCCESS) {
                    print_value(&name, &value);
                    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
                    if (value.syntax == SNMP_SYNTAX_OCTETS || value.syntax == SNMP_SYNTAX_OID)
                        SnmpFreeDescriptor(value.syntax, (smiLPOPAQUE)&value.value.string);
                }
            }
            result = 0;
        }
        PostQuitMessage(0);
    }
    SnmpFreeVbl(vbl);
    SnmpFreePdu(pdu);
    SnmpFreeEntity(src);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s get|getnext AGENT COMMUNITY OID [timeout_cs]\n", argv[0]);
        return 1;
    }
    smiUINT32 major, minor, level, tmode, rmode;
    if (SnmpStartup(&major, &minor, &level, &tmode, &rmode) == SNMPAPI_FAILURE) {
        printf("error: SnmpStartup %u\n", (unsigned)SnmpGetLastError(NULL));
        return 1;
    }
    HWND hWnd = standin_create_window(WndProc);
    session = SnmpOpen(hWnd, WM_SNMP);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V1);
    HSNMP_ENTITY agent = SnmpStrToEntity(session, argv[2]);
    smiOCTETS community = {(smiUINT32)strlen(argv[3]), (smiLPBYTE)argv[3]};
    HSNMP_CONTEXT context = SnmpStrToContext(session, &community);
    smiOID oid;
    if (!session || !agent || !context || SnmpStrToOid(argv[4], &oid) == SNMPAPI_FAILURE) {
        printf("error: setup %u\n", (unsigned)SnmpGetLastError(NULL));
        return 1;
    }
    if (argc > 5) {
        SnmpSetTimeout(agent, (smiTIMETICKS)atoi(argv[5]));
        SnmpSetRetry(agent, 1);
    }
    HSNMP_VBL vbl = SnmpCreateVbl(session, &oid, NULL);
    HSNMP_PDU pdu = SnmpCreatePdu(session, strcmp(argv[1], "getnext") == 0 ? SNMP_PDU_GETNEXT
                                                                           : SNMP_PDU_GET,
                                  0, 0, 0, vbl);
    SnmpGetPduData(pdu, NULL, &request_id, NULL, NULL, NULL);
    if (SnmpSendMsg(session, NULL, agent, context, pdu) == SNMPAPI_FAILURE) {
        printf("error: SnmpSendMsg %u\n", (unsigned)SnmpGetLastError(session));
        return 1;
    }

    MSG msg;
    /* The one line that differs from the Windows program, which reads
     *     while (GetMessage(&msg, NULL, 0, 0)) {                          */
    while (wn_wsnmp_get_message(&msg, NULL, 0, 0, WN_WSNMP_INFINITE) > 0) {
        TranslateMessage(&msg);
        DispatchMessage(&msg);
    }

    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    SnmpFreeEntity(agent);
    SnmpFreeContext(context);
    SnmpClose(session);
    SnmpCleanup();
    return result;
}
