/* vbl.c: the variable-binding list API: SnmpCreateVbl, Duplicate, Free, Count, GetVb, SetVb, DeleteVb. */
#include "winsnmp_int.h"

#include <string.h>

HSNMP_VBL SNMPAPI_CALL
SnmpCreateVbl(HSNMP_SESSION session, smiLPCOID name, smiLPCVALUE value)
{
    WN_WS_ENTER_H(HSNMP_VBL);
    struct wn_ws_session *s = wn_ws_session_get(session);
    if (!s) {
        wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        return NULL;
    }
    struct wn_ws_vblist l;
    memset(&l, 0, sizeof l);
    if (name) {
        int bad = wn_ws_oid_check(name, 0);
        smiUINT32 code = wn_ws_map_err(bad, SNMPAPI_OID_INVALID);
        if (!bad && value) {
            bad = wn_ws_value_check(value);
            code = wn_ws_map_err(bad, SNMPAPI_SYNTAX_INVALID);
        }
        if (bad) {
            wn_ws_unlock_fail(s, code);
            return NULL;
        }
        int rc = wn_ws_vblist_append(&l, name, value);
        if (rc < 0) {
            wn_ws_vblist_clear(&l);     /* the array reserve() made */
            wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
            return NULL;
        }
    }
    struct wn_ws_vbl *v;
    int rc = wn_ws_vbl_create(s, &l, &v);
    wn_ws_vblist_clear(&l);
    if (rc < 0) {
        wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        return NULL;
    }
    HSNMP_VBL h = WN_WS_HANDLE(v);
    wn_ws_unlock();
    return h;
}

HSNMP_VBL SNMPAPI_CALL
SnmpDuplicateVbl(HSNMP_SESSION session, HSNMP_VBL vbl)
{
    WN_WS_ENTER_H(HSNMP_VBL);
    struct wn_ws_session *s = wn_ws_session_get(session);
    if (!s) {
        wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        return NULL;
    }
    struct wn_ws_vbl *src = wn_ws_vbl_get(vbl);
    if (!src) {
        wn_ws_unlock_fail(s, SNMPAPI_VBL_INVALID);
        return NULL;
    }
    struct wn_ws_vbl *v;
    int rc = wn_ws_vbl_create(s, &src->list, &v);
    if (rc < 0) {
        wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        return NULL;
    }
    HSNMP_VBL h = WN_WS_HANDLE(v);
    wn_ws_unlock();
    return h;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpFreeVbl(HSNMP_VBL vbl)
{
    WN_WS_ENTER();
    struct wn_ws_vbl *v = wn_ws_vbl_get(vbl);
    if (!v)
        return wn_ws_unlock_fail(NULL, SNMPAPI_VBL_INVALID);
    wn_ws_vbl_free(v);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpCountVbl(HSNMP_VBL vbl)
{
    WN_WS_ENTER();
    struct wn_ws_vbl *v = wn_ws_vbl_get(vbl);
    if (!v)
        return wn_ws_unlock_fail(NULL, SNMPAPI_VBL_INVALID);
    if (v->list.n == 0)
        return wn_ws_unlock_fail(v->hdr.owner, SNMPAPI_NOOP);
    SNMPAPI_STATUS n = v->list.n;
    wn_ws_unlock();
    return n;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpGetVb(HSNMP_VBL vbl, smiUINT32 index, smiLPOID name, smiLPVALUE value)
{
    WN_WS_ENTER();
    struct wn_ws_vbl *v = wn_ws_vbl_get(vbl);
    if (!v)
        return wn_ws_unlock_fail(NULL, SNMPAPI_VBL_INVALID);
    struct wn_ws_session *s = v->hdr.owner;
    if (index == 0 || index > v->list.n)
        return wn_ws_unlock_fail(s, SNMPAPI_INDEX_INVALID);
    /* Either out may be NULL (only the name, or only the value, wanted);
     * both NULL: nothing to do (the common code for all outs NULL). */
    if (!name && !value)
        return wn_ws_unlock_fail(s, SNMPAPI_NOOP);
    const struct wn_ws_vb *vb = &v->list.vb[index - 1];
    smiOID n = {0, NULL};
    int rc = name ? wn_ws_desc_oid(&n, &vb->name) : 0;
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    smiVALUE val = vb->value;
    /* Only OID and string values carry memory of their own to copy. */
    if (value && (val.syntax == SNMP_SYNTAX_OID || wn_ws_syntax_is_string(val.syntax)))
        rc = wn_ws_desc_value(&val, &vb->value);
    if (rc < 0) {
        if (n.ptr)
            wn_ws_desc_free(n.ptr);
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    }
    if (name)
        *name = n;
    if (value)
        *value = val;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSetVb(HSNMP_VBL vbl, smiUINT32 index, smiLPCOID name, smiLPCVALUE value)
{
    WN_WS_ENTER();
    struct wn_ws_vbl *v = wn_ws_vbl_get(vbl);
    if (!v)
        return wn_ws_unlock_fail(NULL, SNMPAPI_VBL_INVALID);
    struct wn_ws_session *s = v->hdr.owner;
    struct wn_ws_vblist *l = &v->list;
    if (index > l->n)
        return wn_ws_unlock_fail(s, SNMPAPI_INDEX_INVALID);
    int rc = name || index == 0 ? wn_ws_oid_check(name, 0) : 0;
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OID_INVALID));
    rc = value ? wn_ws_value_check(value) : 0;
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_SYNTAX_INVALID));
    if (index == 0) {
        rc = wn_ws_vblist_append(l, name, value);
        if (rc < 0)
            return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        SNMPAPI_STATUS r = l->n;
        wn_ws_unlock();
        return r;
    }
    /* Replace: a failure changes nothing. */
    rc = wn_ws_vblist_replace(l, index, name, value);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    wn_ws_unlock();
    return index;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpDeleteVb(HSNMP_VBL vbl, smiUINT32 index)
{
    WN_WS_ENTER();
    struct wn_ws_vbl *v = wn_ws_vbl_get(vbl);
    if (!v)
        return wn_ws_unlock_fail(NULL, SNMPAPI_VBL_INVALID);
    int rc = wn_ws_vblist_delete(&v->list, index);
    if (rc < 0)
        return wn_ws_unlock_fail(v->hdr.owner, rc == WN_E_INVAL ? SNMPAPI_INDEX_INVALID
                                                                : wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}
