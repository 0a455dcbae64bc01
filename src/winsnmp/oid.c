/* oid.c: OID utility functions (SnmpStrToOid, SnmpOidToStr, SnmpOidCopy, SnmpOidCompare) and SnmpFreeDescriptor. */
#include "winsnmp_int.h"

#include <stdio.h>
#include <string.h>

/* Parses dotted decimal (optional leading '.'), 2..MAXOBJIDSIZE sub-ids,
 * each <= 4294967295; no spaces, signs, empty or trailing components.
 * Returns the count, or 0 when invalid. */
static uint32_t
parse_oid(const char *s, smiUINT32 *out)
{
    size_t slen = strnlen(s, MAXOBJIDSTRSIZE + 1);
    if (slen == 0 || slen > MAXOBJIDSTRSIZE)
        return 0;
    const char *p = s;
    if (*p == '.')
        p++;
    uint32_t n = 0;
    for (;;) {
        if (*p < '0' || *p > '9')
            return 0;
        uint64_t v = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > 0xffffffffull)
                return 0;
            p++;
        }
        if (n >= MAXOBJIDSIZE)
            return 0;
        out[n++] = (smiUINT32)v;
        if (*p == '\0')
            break;
        if (*p != '.')
            return 0;
        p++;
    }
    return n >= 2 ? n : 0;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpStrToOid(LPCSTR string, smiLPOID dstOID)
{
    WN_WS_ENTER();
    if (!string)
        return wn_ws_unlock_fail(NULL, SNMPAPI_OID_INVALID);
    if (!dstOID)   /* the only out: nothing to do */
        return wn_ws_unlock_fail(NULL, SNMPAPI_NOOP);
    smiUINT32 tmp[MAXOBJIDSIZE];
    uint32_t n = parse_oid(string, tmp);
    if (n == 0)
        return wn_ws_unlock_fail(NULL, SNMPAPI_OID_INVALID);
    smiOID src = {n, tmp};
    int rc = wn_ws_desc_oid(dstOID, &src);
    if (rc < 0)
        return wn_ws_unlock_fail(NULL, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    wn_ws_unlock();
    return n;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpOidToStr(smiLPCOID srcOID, smiUINT32 size, LPSTR string)
{
    WN_WS_ENTER();
    if (wn_ws_oid_check(srcOID, 0))
        return wn_ws_unlock_fail(NULL, SNMPAPI_OID_INVALID);
    if (size == 0 || !string)
        return wn_ws_unlock_fail(NULL, SNMPAPI_SIZE_INVALID);
    char buf[MAXOBJIDSIZE * 11 + 1];
    size_t len = 0;
    for (smiUINT32 i = 0; i < srcOID->len; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, i ? ".%u" : "%u",
                                (unsigned)srcOID->ptr[i]);
    if (len + 1 > size)
        return wn_ws_unlock_fail(NULL, SNMPAPI_OUTPUT_TRUNCATED);
    memcpy(string, buf, len + 1);
    wn_ws_unlock();
    return (SNMPAPI_STATUS)(len + 1);
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpOidCopy(smiLPCOID srcOID, smiLPOID dstOID)
{
    WN_WS_ENTER();
    if (wn_ws_oid_check(srcOID, 0))
        return wn_ws_unlock_fail(NULL, SNMPAPI_OID_INVALID);
    if (!dstOID)   /* the only out: nothing to do */
        return wn_ws_unlock_fail(NULL, SNMPAPI_NOOP);
    int rc = wn_ws_desc_oid(dstOID, srcOID);
    if (rc < 0)
        return wn_ws_unlock_fail(NULL, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    wn_ws_unlock();
    return dstOID->len;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpOidCompare(smiLPCOID xOID, smiLPCOID yOID, smiUINT32 maxlen, smiLPINT result)
{
    WN_WS_ENTER();
    if (maxlen > MAXOBJIDSIZE)
        return wn_ws_unlock_fail(NULL, SNMPAPI_SIZE_INVALID);
    if (wn_ws_oid_check(xOID, 1) || wn_ws_oid_check(yOID, 1))
        return wn_ws_unlock_fail(NULL, SNMPAPI_OID_INVALID);
    if (!result)   /* the only out: nothing to do */
        return wn_ws_unlock_fail(NULL, SNMPAPI_NOOP);
    smiUINT32 lx = xOID->len, ly = yOID->len;
    if (maxlen) {
        lx = WN_MIN(lx, maxlen);
        ly = WN_MIN(ly, maxlen);
    }
    /* Lexicographic; a proper prefix sorts first (RFC ordering). */
    int r = 0;
    smiUINT32 n = WN_MIN(lx, ly);
    for (smiUINT32 i = 0; i < n && r == 0; i++) {
        if (xOID->ptr[i] < yOID->ptr[i])
            r = -1;
        else if (xOID->ptr[i] > yOID->ptr[i])
            r = 1;
    }
    if (r == 0 && lx != ly)
        r = lx < ly ? -1 : 1;
    *result = r;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpFreeDescriptor(smiUINT32 syntax, smiLPOPAQUE descriptor)
{
    WN_WS_ENTER();
    switch (syntax) {
    case SNMP_SYNTAX_OID:
    case SNMP_SYNTAX_OCTETS:
    case SNMP_SYNTAX_BITS:
    case SNMP_SYNTAX_OPAQUE:
    case SNMP_SYNTAX_IPADDR:
    case SNMP_SYNTAX_NSAPADDR:
        break;
    default:
        return wn_ws_unlock_fail(NULL, SNMPAPI_SYNTAX_INVALID);
    }
    if (!descriptor)
        return wn_ws_unlock_fail(NULL, SNMPAPI_OPERATION_INVALID);
    /* smiOID and smiOCTETS share the {len, ptr} layout. */
    if (wn_ws_desc_free(descriptor->ptr) < 0)
        return wn_ws_unlock_fail(NULL, SNMPAPI_OPERATION_INVALID);
    descriptor->ptr = NULL;
    descriptor->len = 0;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}
