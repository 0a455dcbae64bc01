/* windows_style.c: a WinSNMP program written as for Windows (no Linux-specific code), built unchanged against libwsnmp. */
#include <stdio.h>
#include <string.h>
#include <winsnmp.h>

static SNMPAPI_STATUS CALLBACK
Notify(HSNMP_SESSION hSession, HWND hWnd, UINT wMsg, WPARAM wParam, LPARAM lParam,
       LPVOID lpClientData)
{
    (void)hSession; (void)hWnd; (void)wMsg; (void)wParam; (void)lParam; (void)lpClientData;
    return SNMPAPI_SUCCESS;
}

static int
Fail(const char *what, HSNMP_SESSION hSession)
{
    printf("%s failed: error %lu\n", what, (unsigned long)SnmpGetLastError(hSession));
    SnmpCleanup();
    return 1;
}

int
main(void)
{
    smiUINT32 nMajor, nMinor, nLevel, nTranslate, nRetransmit;
    HSNMP_SESSION hManager, hWorker;
    HSNMP_ENTITY hAgent;
    HSNMP_CONTEXT hCommunity;
    HSNMP_VBL hVbl, hPduVbl;
    HSNMP_PDU hPdu;
    smiOID oidDescr, oidName;
    smiVALUE value;
    smiINT nType;
    smiINT32 nRequestId;
    smiUINT32 i, nCount;
    char szText[MAXOBJIDSTRSIZE];
    smiOCTETS community;

    if (SnmpStartup(&nMajor, &nMinor, &nLevel, &nTranslate, &nRetransmit) != SNMPAPI_SUCCESS)
        return Fail("SnmpStartup", NULL);
    printf("WinSNMP %lu.%lu level %lu, translate mode %lu, retransmit %s\n",
           (unsigned long)nMajor, (unsigned long)nMinor, (unsigned long)nLevel,
           (unsigned long)nTranslate, nRetransmit == SNMPAPI_ON ? "on" : "off");

    /* Two sessions: one with a callback, one in the v1.1 window style. */
    hManager = SnmpCreateSession(NULL, 0, Notify, NULL);
    hWorker = SnmpOpen((HWND)1, 0x8001);
    if (hManager == SNMPAPI_FAILURE || hWorker == SNMPAPI_FAILURE)
        return Fail("SnmpCreateSession", NULL);

    /* Entity and context made in the manager session. */
    hAgent = SnmpStrToEntity(hManager, "127.0.0.1");
    community.ptr = (smiLPBYTE) "public";
    community.len = (smiUINT32)strlen("public");
    hCommunity = SnmpStrToContext(hManager, &community);
    if (hAgent == SNMPAPI_FAILURE || hCommunity == SNMPAPI_FAILURE)
        return Fail("SnmpStrToEntity/Context", hManager);
    SnmpSetTimeout(hAgent, 200);
    SnmpSetRetry(hAgent, 2);
    if (SnmpEntityToStr(hAgent, sizeof szText, szText) == SNMPAPI_FAILURE)
        return Fail("SnmpEntityToStr", hManager);
    printf("agent entity: %s\n", szText);

    /* A varbind list in the manager session... */
    if (SnmpStrToOid("1.3.6.1.2.1.1.1.0", &oidDescr) == SNMPAPI_FAILURE ||
        SnmpStrToOid(".1.3.6.1.2.1.1.5.0", &oidName) == SNMPAPI_FAILURE)
        return Fail("SnmpStrToOid", NULL);
    hVbl = SnmpCreateVbl(hManager, &oidDescr, NULL);
    value.syntax = SNMP_SYNTAX_OCTETS;
    value.value.string.ptr = (smiLPBYTE) "demo-host";
    value.value.string.len = 9;
    if (hVbl == SNMPAPI_FAILURE || SnmpSetVb(hVbl, 0, &oidName, &value) != 2)
        return Fail("SnmpCreateVbl/SetVb", hManager);

    /* ...used by a PDU created in the worker session (handles are shared). */
    hPdu = SnmpCreatePdu(hWorker, SNMP_PDU_GET, 0, 0, 0, hVbl);
    if (hPdu == SNMPAPI_FAILURE)
        return Fail("SnmpCreatePdu", hWorker);

    /* Read everything back. */
    if (SnmpGetPduData(hPdu, &nType, &nRequestId, NULL, NULL, &hPduVbl) != SNMPAPI_SUCCESS)
        return Fail("SnmpGetPduData", hWorker);
    printf("PDU type 0x%X, request id %ld\n", (unsigned)nType, (long)nRequestId);
    nCount = SnmpCountVbl(hPduVbl);
    for (i = 1; i <= nCount; i++) {
        smiOID oid;
        smiVALUE val;
        if (SnmpGetVb(hPduVbl, i, &oid, &val) != SNMPAPI_SUCCESS)
            return Fail("SnmpGetVb", hWorker);
        SnmpOidToStr(&oid, sizeof szText, szText);
        if (val.syntax == SNMP_SYNTAX_OCTETS) {
            printf("  %lu: %s = \"%.*s\"\n", (unsigned long)i, szText,
                   (int)val.value.string.len, (char *)val.value.string.ptr);
            SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &val.value.string);
        } else {
            printf("  %lu: %s = (syntax 0x%lX)\n", (unsigned long)i, szText,
                   (unsigned long)val.syntax);
        }
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
    }
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oidDescr);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oidName);

    /* Closing the manager session frees its entity, context and VBL; the
     * worker's PDU (holding its own copy of the list) stays valid. */
    SnmpClose(hManager);
    if (SnmpFreeVbl(hVbl) != SNMPAPI_FAILURE ||
        SnmpGetLastError(NULL) != SNMPAPI_VBL_INVALID)
        return Fail("stale VBL check", NULL);
    printf("after closing the manager session its VBL is invalid (error %lu)\n",
           (unsigned long)SnmpGetLastError(NULL));
    if (SnmpFreePdu(hPdu) != SNMPAPI_SUCCESS)
        return Fail("SnmpFreePdu", hWorker);

    SnmpClose(hWorker);
    SnmpCleanup();
    printf("done\n");
    return 0;
}
