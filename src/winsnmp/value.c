/* value.c: validation and deep copies of OIDs and smiVALUEs held inside the library, and which syntaxes and PDU types exist. */
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

int
wn_ws_oid_check(const smiOID *oid, int allow_empty)
{
    if (!oid)
        return WN_E_INVAL;
    if (oid->len == 0)
        return allow_empty ? 0 : WN_E_INVAL;
    if (oid->len > MAXOBJIDSIZE || !oid->ptr)
        return WN_E_INVAL;
    return 0;
}

int
wn_ws_value_check(const smiVALUE *v)
{
    if (!wn_ws_syntax_valid(v->syntax))
        return WN_E_BADVALUE;
    if (v->syntax == SNMP_SYNTAX_OID)
        return wn_ws_oid_check(&v->value.oid, 1) ? WN_E_BADVALUE : 0;
    if (wn_ws_syntax_is_string(v->syntax)) {
        if (v->value.string.len > WN_WS_MAX_OCTETS ||
            (v->value.string.len && !v->value.string.ptr))
            return WN_E_BADVALUE;
        if (v->syntax == SNMP_SYNTAX_IPADDR && v->value.string.len != 4 &&
            v->value.string.len != 16)
            return WN_E_BADVALUE;
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
    if (wn_ws_syntax_is_string(src->syntax)) {
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
    else if (wn_ws_syntax_is_string(v->syntax))
        wn_free(v->value.string.ptr);
    memset(v, 0, sizeof *v);
    v->syntax = SNMP_SYNTAX_NULL;
}

int
wn_ws_pdu_type_creatable(smiINT type)
{
    switch (type) {
    case SNMP_PDU_GET:
    case SNMP_PDU_GETNEXT:
    case SNMP_PDU_RESPONSE:
    case SNMP_PDU_SET:
    case SNMP_PDU_GETBULK:
    case SNMP_PDU_INFORM:
    case SNMP_PDU_TRAP:
        return 1;
    default:
        return 0; /* SNMP_PDU_V1TRAP only comes from the engine */
    }
}
