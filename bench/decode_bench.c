/* decode_bench.c: cost per varbind of receiving a 25-varbind GetBulk response through the public API a program uses (decode into a PDU, SnmpGetPduData, SnmpGetVb for each varbind, free; or with -b the varbinds borrowed with wn_wsnmp_borrow_varbinds); with -q N, the memory each of N decoded responses holds while kept; no I/O. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "benchutil.h"

#define VARBINDS 25

static SNMPAPI_STATUS CALLBACK
on_event(HSNMP_SESSION h, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)h, (void)w, (void)m, (void)wp, (void)lp, (void)data;
    return SNMPAPI_SUCCESS;
}

static int
fail(const char *what, HSNMP_SESSION s)
{
    fprintf(stderr, "decode_bench: %s failed (%u)\n", what, SnmpGetLastError(s));
    return 1;
}

/* -q: n copies of msg decoded and kept (the PDU of SnmpDecodeMsg holds
 * the decoded list, as a response waiting in the receive queue does);
 * prints the heap bytes in use (glibc's mallinfo2) and the resident set
 * per response. */
static int
queue_responses(HSNMP_SESSION s, const smiOCTETS *msg, long n)
{
    HSNMP_PDU *pdus = calloc((size_t)n, sizeof *pdus);
    HSNMP_CONTEXT *ctxs = calloc((size_t)n, sizeof *ctxs);
    if (!pdus || !ctxs)
        return fail("calloc", s);
    /* One first, so that what the first decode sets up once is not counted. */
    HSNMP_PDU p0 = NULL;
    HSNMP_CONTEXT c0 = NULL;
    if (SnmpDecodeMsg(s, NULL, NULL, &c0, &p0, (smiLPOCTETS)msg) == SNMPAPI_FAILURE)
        return fail("decode", s);
    size_t heap0 = mallinfo2().uordblks;
    long rss0 = wn_bench_rss_kb();
    for (long i = 0; i < n; i++)
        if (SnmpDecodeMsg(s, NULL, NULL, &ctxs[i], &pdus[i], (smiLPOCTETS)msg) == SNMPAPI_FAILURE)
            return fail("decode", s);
    size_t heap1 = mallinfo2().uordblks;
    long rss1 = wn_bench_rss_kb();
    printf("impl=wsnmp queued=%ld varbinds=%d heap_bytes_per_response=%.0f rss_bytes_per_response=%.0f\n",
           n, VARBINDS, (double)(heap1 - heap0) / (double)n, (double)(rss1 - rss0) * 1024.0 / (double)n);
    for (long i = 0; i < n; i++) {
        SnmpFreePdu(pdus[i]);
        SnmpFreeContext(ctxs[i]);
    }
    SnmpFreePdu(p0);
    SnmpFreeContext(c0);
    free(pdus);
    free(ctxs);
    return 0;
}

int
main(int argc, char **argv)
{
    long iters = 200000, queued = 0;
    int borrow = 0;
    int opt;
    for (opt = getopt(argc, argv, "bn:q:"); opt != -1; opt = getopt(argc, argv, "bn:q:")) {
        if (opt == 'b')
            borrow = 1;
        else if (opt == 'q')
            queued = atol(optarg);
        else
            iters = opt == 'n' ? atol(optarg) : 0;
    }
    if (iters < 1 || queued < 0) {
        fprintf(stderr, "usage: %s [-b] [-n iterations] [-q responses]\n", argv[0]);
        return 2;
    }
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return 1;
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, on_event, NULL);
    HSNMP_ENTITY dst = s ? SnmpStrToEntity(s, "127.0.0.1:161") : NULL;
    smiOCTETS comm = {6, (smiLPBYTE) "public"};
    HSNMP_CONTEXT ctx = dst ? SnmpStrToContext(s, &comm) : NULL;
    HSNMP_VBL vbl = ctx ? SnmpCreateVbl(s, NULL, NULL) : NULL;
    if (!vbl)
        return fail("setup", s);
    /* A typical table row: ifHCInOctets.1..25 (Counter64-sized names, Counter32 values). */
    for (int i = 0; i < VARBINDS; i++) {
        char name[64];
        snprintf(name, sizeof name, "1.3.6.1.2.1.2.2.1.10.%d", 1000 + i);
        smiOID oid;
        smiVALUE v = {.syntax = SNMP_SYNTAX_CNTR32, .value.uNumber = 123456789u + (unsigned)i};
        if (SnmpStrToOid(name, &oid) == SNMPAPI_FAILURE || SnmpSetVb(vbl, 0, &oid, &v) == SNMPAPI_FAILURE)
            return fail("SnmpSetVb", s);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
    }
    HSNMP_PDU pdu = SnmpCreatePdu(s, SNMP_PDU_RESPONSE, 4242, 0, 0, vbl);
    smiOCTETS msg;
    if (!pdu || SnmpEncodeMsg(s, NULL, dst, ctx, pdu, &msg) == SNMPAPI_FAILURE)
        return fail("SnmpEncodeMsg", s);
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    if (queued > 0) {
        int rc = queue_responses(s, &msg, queued);
        SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);
        SnmpCleanup();
        return rc;
    }

    unsigned long sum = 0;
    double t0 = wn_bench_now();
    for (long it = 0; it < iters; it++) {
        HSNMP_PDU p = NULL;
        HSNMP_CONTEXT c = NULL;
        HSNMP_VBL v = NULL;
        smiINT32 id;
        if (borrow) {
            const WN_WSNMP_VB *vb;
            smiUINT32 n;
            if (SnmpDecodeMsg(s, NULL, NULL, &c, &p, &msg) == SNMPAPI_FAILURE ||
                SnmpGetPduData(p, NULL, &id, NULL, NULL, NULL) == SNMPAPI_FAILURE ||
                wn_wsnmp_borrow_varbinds(p, &vb, &n) == SNMPAPI_FAILURE)
                return fail("decode", s);
            for (smiUINT32 i = 0; i < n; i++)
                sum += vb[i].value.value.uNumber + vb[i].name.len;
            SnmpFreePdu(p);
            SnmpFreeContext(c);
            continue;
        }
        if (SnmpDecodeMsg(s, NULL, NULL, &c, &p, &msg) == SNMPAPI_FAILURE ||
            SnmpGetPduData(p, NULL, &id, NULL, NULL, &v) == SNMPAPI_FAILURE)
            return fail("decode", s);
        SNMPAPI_STATUS n = SnmpCountVbl(v);
        for (smiUINT32 i = 1; i <= (smiUINT32)n; i++) {
            smiOID name;
            smiVALUE val;
            if (SnmpGetVb(v, i, &name, &val) == SNMPAPI_FAILURE)
                return fail("SnmpGetVb", s);
            sum += val.value.uNumber + name.len;
            SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
        }
        SnmpFreeVbl(v);
        SnmpFreePdu(p);
        SnmpFreeContext(c);
    }
    double t = wn_bench_now() - t0;
    printf("impl=wsnmp%s iterations=%ld varbinds=%d ns_per_varbind=%.1f ns_per_message=%.0f check=%lu\n",
           borrow ? "-borrow" : "", iters, VARBINDS, t * 1e9 / (double)iters / VARBINDS, t * 1e9 / (double)iters, sum);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);
    SnmpCleanup();
    return 0;
}
