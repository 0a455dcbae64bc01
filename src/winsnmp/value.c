/* value.c: validation and deep copies of OIDs and smiVALUEs held inside the library. */
#include "winsnmp_int.h"

#include <string.h>

int
wn_ws_syntax_valid(smiUINT32 syntax)
{
    switch (syntax) {
    case SNMP_SYNTAX_INT:
    case SNMP_SYNTAX_BITS:
    case SNMP_SYNTAX_OCTETS:
    case SNMP_SYNTAX_NULL:
    case SNMP_SYNTAX_OID:
    case SNMP_SYNTAX_IPADDR:
    case SNMP_SYNTAX_CNTR32:
    case SNMP_SYNTAX_GAUGE32:
    case SNMP_SYNTAX_TIMETICKS:
    case SNMP_SYNTAX_OPAQUE:
    case SNMP_SYNTAX_NSAPADDR:
    case SNMP_SYNTAX_CNTR64:
    case SNMP_SYNTAX_UINT32:
    case SNMP_SYNTAX_NOSUCHOBJECT:
    case SNMP_SYNTAX_NOSUCHINSTANCE:
    case SNMP_SYNTAX_ENDOFMIBVIEW:
        return 1;
    default:
        return 0;
    }
}

smiUINT32
wn_ws_oid_check(const smiOID *oid, int allow_empty)
{
    if (!oid)
        return SNMPAPI_OID_INVALID;
    if (oid->len == 0)
        return allow_empty ? 0 : SNMPAPI_OID_INVALID;
    if (oid->len > MAXOBJIDSIZE || !oid->ptr)
        return SNMPAPI_OID_INVALID;
    return 0;
}

static int
is_string_syntax(smiUINT32 syntax)
{
    return syntax == SNMP_SYNTAX_OCTETS || syntax == SNMP_SYNTAX_BITS ||
           syntax == SNMP_SYNTAX_OPAQUE || syntax == SNMP_SYNTAX_IPADDR ||
           syntax == SNMP_SYNTAX_NSAPADDR;
}

smiUINT32
wn_ws_value_check(const smiVALUE *v)
{
    if (!wn_ws_syntax_valid(v->syntax))
        return SNMPAPI_SYNTAX_INVALID;
    if (v->syntax == SNMP_SYNTAX_OID)
        return wn_ws_oid_check(&v->value.oid, 1) ? SNMPAPI_SYNTAX_INVALID : 0;
    if (is_string_syntax(v->syntax)) {
        if (v->value.string.len > WN_WS_MAX_OCTETS ||
            (v->value.string.len && !v->value.string.ptr))
            return SNMPAPI_SYNTAX_INVALID;
        if (v->syntax == SNMP_SYNTAX_IPADDR && v->value.string.len != 4 &&
            v->value.string.len != 16)
            return SNMPAPI_SYNTAX_INVALID;
    }
    return 0;
}

int
wn_ws_oid_dup(smiOID *dst, const smiOID *src)
{
    dst->len = 0;
    dst->ptr = NULL;
    if (src->len == 0)
        return 0;
    dst->ptr = wn_memdup(src->ptr, (size_t)src->len * sizeof *src->ptr);
    if (!dst->ptr)
        return WN_E_NOMEM;
    dst->len = src->len;
    return 0;
}

void
wn_ws_oid_clear(smiOID *o)
{
    wn_free(o->ptr);
    o->ptr = NULL;
    o->len = 0;
}

int
wn_ws_value_dup(smiVALUE *dst, const smiVALUE *src)
{
    *dst = *src;
    if (src->syntax == SNMP_SYNTAX_OID)
        return wn_ws_oid_dup(&dst->value.oid, &src->value.oid);
    if (is_string_syntax(src->syntax)) {
        dst->value.string.ptr = NULL;
        dst->value.string.len = 0;
        if (src->value.string.len == 0)
            return 0;
        dst->value.string.ptr = wn_memdup(src->value.string.ptr, src->value.string.len);
        if (!dst->value.string.ptr)
            return WN_E_NOMEM;
        dst->value.string.len = src->value.string.len;
    }
    return 0;
}

void
wn_ws_value_clear(smiVALUE *v)
{
    if (v->syntax == SNMP_SYNTAX_OID)
        wn_ws_oid_clear(&v->value.oid);
    else if (is_string_syntax(v->syntax))
        wn_free(v->value.string.ptr);
    memset(v, 0, sizeof *v);
    v->syntax = SNMP_SYNTAX_NULL;
}
