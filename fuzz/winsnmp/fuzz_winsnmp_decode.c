/* fuzz_winsnmp_decode.c: SnmpDecodeMsg (the path every received datagram takes) on arbitrary bytes; what decodes must re-encode and decode to the same PDU, and its borrowed varbinds match SnmpGetVb's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static HSNMP_SESSION session;
static HSNMP_ENTITY v2_entity;

static void
free_vb(smiOID *name, smiVALUE *val)
{
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)name);
    if (val->syntax == SNMP_SYNTAX_OID)
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&val->value.oid);
    else if (val->syntax == SNMP_SYNTAX_OCTETS || val->syntax == SNMP_SYNTAX_OPAQUE ||
             val->syntax == SNMP_SYNTAX_IPADDR)
        SnmpFreeDescriptor(val->syntax, (smiLPOPAQUE)&val->value.string);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!session) {
        if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
            abort();
        SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
        session = SnmpCreateSession((HWND)1, 1, NULL, NULL);
        v2_entity = SnmpStrToEntity(session, "127.0.0.1:1161");
        if (!session || !v2_entity)
            abort();
    }
    smiOCTETS in = {(smiUINT32)size, (smiLPBYTE)data};
    HSNMP_CONTEXT ctx = NULL;
    HSNMP_PDU pdu = NULL;
    if (SnmpDecodeMsg(session, NULL, NULL, &ctx, &pdu, &in) == SNMPAPI_FAILURE) {
        if (ctx || pdu)
            abort();   /* a failed decode creates nothing */
        return 0;
    }
    smiINT type = 0;
    smiINT32 id = 0;
    HSNMP_VBL vbl = NULL;
    if (SnmpGetPduData(pdu, &type, &id, NULL, NULL, &vbl) != SNMPAPI_SUCCESS)
        abort();
    SNMPAPI_STATUS n = SnmpCountVbl(vbl);
    /* The PDU's borrowed varbinds are what SnmpGetVb copies out. */
    const WN_WSNMP_VB *vb = NULL;
    smiUINT32 nb = 0;
    if (wn_wsnmp_borrow_varbinds(pdu, &vb, &nb) != SNMPAPI_SUCCESS ||
        nb != (n == SNMPAPI_FAILURE ? 0u : (smiUINT32)n))
        abort();
    for (SNMPAPI_STATUS i = 1; n != SNMPAPI_FAILURE && i <= n; i++) {
        smiOID name;
        smiVALUE val;
        if (SnmpGetVb(vbl, i, &name, &val) != SNMPAPI_SUCCESS)
            abort();
        const WN_WSNMP_VB *b = &vb[i - 1];
        if (b->name.len != name.len ||
            (name.len && memcmp(b->name.ptr, name.ptr, name.len * sizeof *name.ptr)) ||
            b->value.syntax != val.syntax)
            abort();
        free_vb(&name, &val);
    }
    /* Changing the VBL made from the PDU leaves the PDU's varbinds alone. */
    if (n != SNMPAPI_FAILURE && n > 0) {
        smiUINT32 first = vb[0].name.len ? vb[0].name.ptr[0] : 0;
        smiUINT32 syntax = vb[n - 1].value.syntax;
        smiVALUE nul = {.syntax = SNMP_SYNTAX_NULL};
        if (SnmpSetVb(vbl, 1, NULL, &nul) == SNMPAPI_FAILURE ||
            SnmpDeleteVb(vbl, (smiUINT32)n) != SNMPAPI_SUCCESS)
            abort();
        if ((vb[0].name.len ? vb[0].name.ptr[0] : 0) != first ||
            vb[n - 1].value.syntax != syntax)
            abort();
    }
    /* Re-encode for a v2c entity (what SnmpSendMsg would send) and decode
     * again: same type, id and varbind count.  Types a manager cannot send
     * (a v1 Trap-PDU surfaces as a v2 trap; Report) may be refused. */
    smiOCTETS out;
    if (SnmpEncodeMsg(session, NULL, v2_entity, ctx, pdu, &out) != SNMPAPI_FAILURE) {
        HSNMP_CONTEXT c2 = NULL;
        HSNMP_PDU p2 = NULL;
        if (SnmpDecodeMsg(session, NULL, NULL, &c2, &p2, &out) == SNMPAPI_FAILURE)
            abort();
        smiINT t2 = 0;
        smiINT32 id2 = 0;
        HSNMP_VBL v2 = NULL;
        if (SnmpGetPduData(p2, &t2, &id2, NULL, NULL, &v2) != SNMPAPI_SUCCESS)
            abort();
        if (t2 != type || id2 != id || SnmpCountVbl(v2) != n)
            abort();
        SnmpFreeVbl(v2);
        SnmpFreePdu(p2);
        SnmpFreeContext(c2);
        SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&out);
    }
    SnmpFreeVbl(vbl);
    SnmpFreePdu(pdu);
    SnmpFreeContext(ctx);
    return 0;
}
