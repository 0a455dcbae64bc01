/* oid.c: OID utility functions (SnmpStrToOid, SnmpOidToStr, SnmpOidCopy, SnmpOidCompare) and SnmpFreeDescriptor. */
#include "winsnmp_int.h"

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

/* Writes v in decimal at p, returns the end. */
static char *
put_u32(char *p, uint32_t v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* The failure exit of the calls below that take the lock only to fail
 * (the last error is set under it). */
static SNMPAPI_STATUS
fail_locked(smiUINT32 code)
{
    wn_ws_lock();
    return wn_ws_unlock_fail(NULL, wn_ws_ready() ? code : SNMPAPI_NOT_INITIALIZED);
}

/* A pure conversion: no lock unless it fails. */
SNMPAPI_STATUS SNMPAPI_CALL
SnmpOidToStr(smiLPCOID srcOID, smiUINT32 size, LPSTR string)
{
    if (!wn_ws_started())
        return fail_locked(SNMPAPI_NOT_INITIALIZED);
    if (wn_ws_oid_check(srcOID, 0))
        return fail_locked(SNMPAPI_OID_INVALID);
    if (size == 0 || !string)
        return fail_locked(SNMPAPI_SIZE_INVALID);
    char buf[MAXOBJIDSIZE * 11 + 1];
    char *p = put_u32(buf, srcOID->ptr[0]);
    for (smiUINT32 i = 1; i < srcOID->len; i++) {
        *p++ = '.';
        p = put_u32(p, srcOID->ptr[i]);
    }
    *p = '\0';
    size_t len = (size_t)(p - buf);
    if (len + 1 > size)
        return fail_locked(SNMPAPI_OUTPUT_TRUNCATED);
    memcpy(string, buf, len + 1);
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

/* A pure comparison: no lock unless it fails. */
SNMPAPI_STATUS SNMPAPI_CALL
SnmpOidCompare(smiLPCOID xOID, smiLPCOID yOID, smiUINT32 maxlen, smiLPINT result)
{
    if (!wn_ws_started())
        return fail_locked(SNMPAPI_NOT_INITIALIZED);
    if (maxlen > MAXOBJIDSIZE)
        return fail_locked(SNMPAPI_SIZE_INVALID);
    if (wn_ws_oid_check(xOID, 1) || wn_ws_oid_check(yOID, 1))
        return fail_locked(SNMPAPI_OID_INVALID);
    if (!result)   /* the only out: nothing to do */
        return fail_locked(SNMPAPI_NOOP);
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
    return SNMPAPI_SUCCESS;
}

/* Touches no handle, only the descriptor registry, which has a lock of
 * its own (desc.c): no WinSNMP lock.  A free racing SnmpCleanup either
 * frees the block or finds it gone with the registry (OPERATION_INVALID). */
SNMPAPI_STATUS SNMPAPI_CALL
SnmpFreeDescriptor(smiUINT32 syntax, smiLPOPAQUE descriptor)
{
    if (!wn_ws_started())
        return wn_ws_fail(NULL, SNMPAPI_NOT_INITIALIZED);
    switch (syntax) {
    case SNMP_SYNTAX_OID:
    case SNMP_SYNTAX_OCTETS:
    case SNMP_SYNTAX_BITS:
    case SNMP_SYNTAX_OPAQUE:
    case SNMP_SYNTAX_IPADDR:
    case SNMP_SYNTAX_NSAPADDR:
        break;
    default:
        return wn_ws_fail(NULL, SNMPAPI_SYNTAX_INVALID);
    }
    if (!descriptor)
        return wn_ws_fail(NULL, SNMPAPI_OPERATION_INVALID);
    /* smiOID and smiOCTETS share the {len, ptr} layout. */
    if (wn_ws_desc_free(descriptor->ptr) < 0)
        return wn_ws_fail(NULL, SNMPAPI_OPERATION_INVALID);
    descriptor->ptr = NULL;
    descriptor->len = 0;
    return SNMPAPI_SUCCESS;
}
