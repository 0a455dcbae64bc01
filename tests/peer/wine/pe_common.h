/* pe_common.h: helpers shared by the Windows test programs (built with mingw-w64 against its own headers). */
#ifndef PE_COMMON_H
#define PE_COMMON_H

#include <windows.h>
#include <tlhelp32.h>
#include <winsnmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_MS 20000 /* generous: the machine is shared */
#define POLL_MS 50

static inline void
die(const char *what)
{
    printf("FAIL: %s (SnmpGetLastError %lu, GetLastError %lu)\n", what,
           (unsigned long)SnmpGetLastError(NULL), (unsigned long)GetLastError());
    fflush(stdout);
    ExitProcess(1);
}

/* Threads of this process that Wine knows (the library's own I/O thread
 * is a plain Linux thread and is not among them). */
static inline int
thread_count(void)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    THREADENTRY32 te;
    int n = 0;
    if (snap == INVALID_HANDLE_VALUE)
        die("CreateToolhelp32Snapshot");
    te.dwSize = sizeof te;
    if (Thread32First(snap, &te)) {
        do {
            if (te.th32OwnerProcessID == GetCurrentProcessId())
                n++;
            te.dwSize = sizeof te;
        } while (Thread32Next(snap, &te));
    }
    CloseHandle(snap);
    return n;
}

/* Waits (bounded) until the process has `want` threads; returns the count. */
static inline int
wait_thread_count(int want)
{
    int n = thread_count();
    for (int waited = 0; n != want && waited < WAIT_MS; waited += POLL_MS) {
        Sleep(POLL_MS);
        n = thread_count();
    }
    return n;
}

struct target {
    HSNMP_ENTITY agent;
    HSNMP_CONTEXT community;
};

/* "HOST" and "PORT" of the agent, community "public". */
static inline struct target
target_open(HSNMP_SESSION s, const char *host, const char *port)
{
    struct target t;
    smiOCTETS comm = {6, (smiLPBYTE) "public"};
    t.agent = SnmpStrToEntity(s, host);
    if (!t.agent)
        die("SnmpStrToEntity");
    if (SnmpSetPort(t.agent, (UINT)atoi(port)) != SNMPAPI_SUCCESS)
        die("SnmpSetPort");
    t.community = SnmpStrToContext(s, &comm);
    if (!t.community)
        die("SnmpStrToContext");
    return t;
}

/* Sends a GET of one OID (dotted string); returns SnmpSendMsg's status. */
static inline SNMPAPI_STATUS
send_get(HSNMP_SESSION s, struct target *t, const char *oid_str, smiINT32 reqid)
{
    smiOID oid;
    if (SnmpStrToOid(oid_str, &oid) == SNMPAPI_FAILURE)
        die("SnmpStrToOid");
    HSNMP_VBL vbl = SnmpCreateVbl(s, &oid, NULL);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
    if (!vbl)
        return SNMPAPI_FAILURE;
    HSNMP_PDU pdu = SnmpCreatePdu(s, SNMP_PDU_GET, reqid, 0, 0, vbl);
    if (!pdu) {
        SnmpFreeVbl(vbl);
        return SNMPAPI_FAILURE;
    }
    SNMPAPI_STATUS rc = SnmpSendMsg(s, NULL, t->agent, t->community, pdu);
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    return rc;
}

/* Receives one message and prints "pdu type=T" then one "vb OID=VALUE"
 * line per varbind (strings as text, numbers in decimal, OIDs dotted).
 * Returns the PDU type, or -1 when nothing was received. */
static inline int
recv_print(HSNMP_SESSION s)
{
    HSNMP_ENTITY src, dst;
    HSNMP_CONTEXT ctx;
    HSNMP_PDU pdu;
    smiINT type, err, idx;
    smiINT32 reqid;
    HSNMP_VBL vbl;
    if (SnmpRecvMsg(s, &src, &dst, &ctx, &pdu) != SNMPAPI_SUCCESS)
        return -1;
    if (SnmpGetPduData(pdu, &type, &reqid, &err, &idx, &vbl) != SNMPAPI_SUCCESS)
        die("SnmpGetPduData");
    printf("pdu type=%d error=%d\n", (int)type, (int)err);
    smiUINT32 n = SnmpCountVbl(vbl);
    for (smiUINT32 i = 1; i <= n; i++) {
        smiOID name;
        smiVALUE val;
        char oid[MAXOBJIDSTRSIZE], text[MAXOBJIDSTRSIZE];
        if (SnmpGetVb(vbl, i, &name, &val) != SNMPAPI_SUCCESS)
            die("SnmpGetVb");
        SnmpOidToStr(&name, sizeof oid, oid);
        switch (val.syntax) {
        case SNMP_SYNTAX_OCTETS:
            snprintf(text, sizeof text, "%.*s", (int)val.value.string.len,
                     (const char *)val.value.string.ptr);
            break;
        case SNMP_SYNTAX_OID:
            SnmpOidToStr(&val.value.oid, sizeof text, text);
            break;
        case SNMP_SYNTAX_INT:
            snprintf(text, sizeof text, "%ld", (long)val.value.sNumber);
            break;
        default:
            snprintf(text, sizeof text, "%lu", (unsigned long)val.value.uNumber);
            break;
        }
        printf("vb %s=%s\n", oid, text);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
        if (val.syntax == SNMP_SYNTAX_OCTETS || val.syntax == SNMP_SYNTAX_OID)
            SnmpFreeDescriptor(val.syntax, (smiLPOPAQUE)&val.value.string);
    }
    fflush(stdout);
    SnmpFreeVbl(vbl);
    SnmpFreePdu(pdu);
    SnmpFreeEntity(src);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
    return (int)type;
}

static inline void
startup(void)
{
    smiUINT32 major, minor, level, tmode, rmode;
    if (SnmpStartup(&major, &minor, &level, &tmode, &rmode) != SNMPAPI_SUCCESS)
        die("SnmpStartup");
}

#endif /* PE_COMMON_H */
