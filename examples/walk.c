/* walk.c: example manager that walks an SNMP agent with WinSNMP (GetBulk for v2c, GetNext for v1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

static void
usage(FILE *f)
{
    fprintf(f,
            "usage: walk [-v 1|2c] [-c community] [-t centiseconds] [-r retries] [-n max-repetitions]\n"
            "            agent [oid]\n"
            "  agent  IPv4 or IPv6 address, optional port: 127.0.0.1:1161, [::1]:1161\n"
            "  oid    where to start (default 1.3.6.1); the walk stays under it\n"
            "Prints one line per variable: OID = TYPE: value\n");
}

static void
print_value(const smiVALUE *v)
{
    switch (v->syntax) {
    case SNMP_SYNTAX_INT:
        printf("INTEGER: %d\n", v->value.sNumber);
        break;
    case SNMP_SYNTAX_CNTR32:
        printf("Counter32: %u\n", v->value.uNumber);
        break;
    case SNMP_SYNTAX_GAUGE32:
        printf("Gauge32: %u\n", v->value.uNumber);
        break;
    case SNMP_SYNTAX_TIMETICKS:
        printf("Timeticks: (%u)\n", v->value.uNumber);
        break;
    case SNMP_SYNTAX_CNTR64:
        printf("Counter64: %llu\n", ((unsigned long long)v->value.hNumber.hipart << 32) |
                                        v->value.hNumber.lopart);
        break;
    case SNMP_SYNTAX_IPADDR:
        if (v->value.string.len == 4)
            printf("IpAddress: %u.%u.%u.%u\n", v->value.string.ptr[0], v->value.string.ptr[1],
                   v->value.string.ptr[2], v->value.string.ptr[3]);
        else
            printf("IpAddress: (bad length %u)\n", v->value.string.len);
        break;
    case SNMP_SYNTAX_OID: {
        char buf[MAXOBJIDSTRSIZE];
        if (SnmpOidToStr(&v->value.oid, sizeof buf, buf) == SNMPAPI_FAILURE)
            strcpy(buf, "?");
        printf("OID: .%s\n", buf);
        break;
    }
    case SNMP_SYNTAX_OCTETS:
    case SNMP_SYNTAX_OPAQUE: {
        int printable = 1;
        for (smiUINT32 i = 0; i < v->value.string.len; i++)
            if (v->value.string.ptr[i] < 0x20 || v->value.string.ptr[i] > 0x7e)
                printable = 0;
        printf("%s: ", v->syntax == SNMP_SYNTAX_OPAQUE ? "Opaque" : printable ? "STRING" : "Hex-STRING");
        for (smiUINT32 i = 0; i < v->value.string.len; i++) {
            if (printable)
                putchar(v->value.string.ptr[i]);
            else
                printf("%02X ", v->value.string.ptr[i]);
        }
        putchar('\n');
        break;
    }
    case SNMP_SYNTAX_NULL:
        printf("NULL\n");
        break;
    default:
        printf("syntax 0x%x\n", v->syntax);
        break;
    }
}

static SNMPAPI_STATUS CALLBACK
on_event(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID data)
{
    /* The main thread waits with wn_wsnmp_wait; nothing to do here. */
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)data;
    return SNMPAPI_SUCCESS;
}

int
main(int argc, char **argv)
{
    const char *community = "public", *version = "2c";
    smiUINT32 timeout_cs = 100, retries = 2;
    smiINT maxrep = 20;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            usage(stderr);
            return 2;
        }
        if (!strcmp(argv[i], "-v"))
            version = argv[++i];
        else if (!strcmp(argv[i], "-c"))
            community = argv[++i];
        else if (!strcmp(argv[i], "-t"))
            timeout_cs = (smiUINT32)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-r"))
            retries = (smiUINT32)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-n"))
            maxrep = (smiINT)strtol(argv[++i], NULL, 10);
        else {
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc || argc - i > 2) {
        usage(stderr);
        return 2;
    }
    int v1 = !strcmp(version, "1");
    const char *agent = argv[i];
    const char *start = i + 1 < argc ? argv[i + 1] : "1.3.6.1";

    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS) {
        fprintf(stderr, "walk: SnmpStartup failed (%u)\n", SnmpGetLastError(NULL));
        return 1;
    }
    SnmpSetTranslateMode(v1 ? SNMPAPI_UNTRANSLATED_V1 : SNMPAPI_UNTRANSLATED_V2);
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, on_event, NULL);
    HSNMP_ENTITY dst = s ? SnmpStrToEntity(s, agent) : NULL;
    smiOCTETS comm = {(smiUINT32)strlen(community), (smiLPBYTE)community};
    HSNMP_CONTEXT ctx = dst ? SnmpStrToContext(s, &comm) : NULL;
    smiOID root, cur;
    if (!ctx || SnmpStrToOid(start, &root) == SNMPAPI_FAILURE) {
        fprintf(stderr, "walk: bad agent, community or OID (error %u)\n", SnmpGetLastError(NULL));
        SnmpCleanup();
        return 2;
    }
    SnmpSetTimeout(dst, timeout_cs);
    SnmpSetRetry(dst, retries);
    SnmpOidCopy(&root, &cur);

    int rc = 0, done = 0;
    unsigned long count = 0;
    while (!done) {
        HSNMP_VBL vbl = SnmpCreateVbl(s, &cur, NULL);
        HSNMP_PDU pdu = v1 ? SnmpCreatePdu(s, SNMP_PDU_GETNEXT, 0, 0, 0, vbl)
                           : SnmpCreatePdu(s, SNMP_PDU_GETBULK, 0, 0, maxrep, vbl);
        smiINT32 reqid = 0;
        SnmpGetPduData(pdu, NULL, &reqid, NULL, NULL, NULL);
        SNMPAPI_STATUS sent = SnmpSendMsg(s, NULL, dst, ctx, pdu);
        SnmpFreePdu(pdu);
        SnmpFreeVbl(vbl);
        if (sent != SNMPAPI_SUCCESS) {
            fprintf(stderr, "walk: SnmpSendMsg failed (%u)\n", SnmpGetLastError(s));
            rc = 1;
            break;
        }

        HSNMP_ENTITY rsrc, rdst;
        HSNMP_CONTEXT rctx;
        HSNMP_PDU resp = NULL;
        for (;;) {
            if (wn_wsnmp_wait(s, 60000) != SNMPAPI_SUCCESS) {
                fprintf(stderr, "walk: no answer\n");
                rc = 1;
                done = 1;
                break;
            }
            rsrc = rdst = NULL;
            rctx = NULL;
            resp = NULL;
            if (SnmpRecvMsg(s, &rsrc, &rdst, &rctx, &resp) != SNMPAPI_SUCCESS) {
                smiUINT32 e = SnmpGetLastError(s);
                /* A transport error still fills the outs with the failed
                 * request (so the application can tell which one): they
                 * are not a response. */
                if (rsrc)
                    SnmpFreeEntity(rsrc);
                if (rdst)
                    SnmpFreeEntity(rdst);
                if (rctx)
                    SnmpFreeContext(rctx);
                if (resp)
                    SnmpFreePdu(resp);
                resp = NULL;
                if (e == SNMPAPI_TL_TIMEOUT) {
                    fprintf(stderr, "walk: Timeout: No Response from %s\n", agent);
                    rc = 1;
                    done = 1;
                    break;
                }
                continue;
            }
            SnmpFreeEntity(rsrc);
            SnmpFreeEntity(rdst);
            SnmpFreeContext(rctx);
            smiINT32 id = 0;
            SnmpGetPduData(resp, NULL, &id, NULL, NULL, NULL);
            if (id == reqid)
                break;
            SnmpFreePdu(resp);   /* not ours */
            resp = NULL;
        }
        if (!resp)
            break;

        smiINT status = 0;
        HSNMP_VBL rv = NULL;
        SnmpGetPduData(resp, NULL, NULL, &status, NULL, &rv);
        SnmpFreePdu(resp);
        if (status != 0) {
            /* v1 agents end a walk with noSuchName (the engine maps it to
             * endOfMibView for GetNext); anything else is an error. */
            fprintf(stderr, "walk: error-status %d\n", status);
            rc = 1;
            SnmpFreeVbl(rv);
            break;
        }
        SNMPAPI_STATUS n = SnmpCountVbl(rv);
        if (n == SNMPAPI_FAILURE)
            done = 1;
        for (SNMPAPI_STATUS k = 1; !done && k <= n; k++) {
            smiOID name;
            smiVALUE val;
            SnmpGetVb(rv, k, &name, &val);
            smiINT cmp = 0;
            SnmpOidCompare(&root, &name, root.len, &cmp);
            if (val.syntax == SNMP_SYNTAX_ENDOFMIBVIEW || val.syntax == SNMP_SYNTAX_NOSUCHOBJECT ||
                val.syntax == SNMP_SYNTAX_NOSUCHINSTANCE || cmp != 0 || name.len < root.len) {
                done = 1;
            } else {
                smiINT order = 0;
                SnmpOidCompare(&name, &cur, 0, &order);
                if (order <= 0) {
                    fprintf(stderr, "walk: OID not increasing\n");
                    rc = 1;
                    done = 1;
                } else {
                    char buf[MAXOBJIDSTRSIZE];
                    SnmpOidToStr(&name, sizeof buf, buf);
                    putchar('.');
                    fputs(buf, stdout);
                    fputs(" = ", stdout);
                    print_value(&val);
                    count++;
                    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&cur);
                    SnmpOidCopy(&name, &cur);
                }
            }
            SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
            if (val.syntax == SNMP_SYNTAX_OID)
                SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&val.value.oid);
            else if (val.syntax == SNMP_SYNTAX_OCTETS || val.syntax == SNMP_SYNTAX_OPAQUE ||
                     val.syntax == SNMP_SYNTAX_IPADDR)
                SnmpFreeDescriptor(val.syntax, (smiLPOPAQUE)&val.value.string);
        }
        SnmpFreeVbl(rv);
    }
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&cur);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&root);
    SnmpClose(s);
    SnmpCleanup();
    if (count == 0 && rc == 0)
        fprintf(stderr, "walk: no variables under %s\n", start);
    return rc;
}
