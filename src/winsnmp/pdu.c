/* pdu.c: the PDU API: SnmpCreatePdu, SnmpGetPduData, SnmpSetPduData, SnmpDuplicatePdu, SnmpFreePdu, wn_wsnmp_borrow_varbinds. */
#include "winsnmp_int.h"

#include <stddef.h>
#include <string.h>

#include "wsnmp_ext.h"

/* The borrowed view is the list's own array. */
_Static_assert(sizeof(struct wn_ws_vb) == sizeof(WN_WSNMP_VB), "varbind layout");
_Static_assert(offsetof(struct wn_ws_vb, name) == offsetof(WN_WSNMP_VB, name), "varbind name");
_Static_assert(offsetof(struct wn_ws_vb, value) == offsetof(WN_WSNMP_VB, value), "varbind value");

HSNMP_PDU SNMPAPI_CALL
SnmpCreatePdu(HSNMP_SESSION session, smiINT PDU_type, smiINT32 request_id,
              smiINT error_status, smiINT error_index, HSNMP_VBL varbindlist)
{
    WN_WS_ENTER_H(HSNMP_PDU);
    struct wn_ws_session *s = wn_ws_session_get(session);
    if (!s) {
        wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        return NULL;
    }
    if (PDU_type == 0)
        PDU_type = SNMP_PDU_GETNEXT;
    if (!wn_ws_pdu_type_creatable(PDU_type)) {
        wn_ws_unlock_fail(s, SNMPAPI_PDU_INVALID);
        return NULL;
    }
    /* GetBulk: error_status is non-repeaters, error_index max-repetitions;
     * neither can be negative (RFC 3416 4.2.3). */
    if (PDU_type == SNMP_PDU_GETBULK && (error_status < 0 || error_index < 0)) {
        wn_ws_unlock_fail(s, SNMPAPI_PDU_INVALID);
        return NULL;
    }
    const struct wn_ws_vblist *list = NULL;
    if (varbindlist) {
        struct wn_ws_vbl *v = wn_ws_vbl_get(varbindlist);
        if (!v) {
            wn_ws_unlock_fail(s, SNMPAPI_VBL_INVALID);
            return NULL;
        }
        list = &v->list;
    }
    struct wn_ws_pdu *p;
    int rc = wn_ws_pdu_create(s, PDU_type, request_id, error_status, error_index, list, &p);
    if (rc < 0) {
        wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        return NULL;
    }
    HSNMP_PDU h = WN_WS_HANDLE(p);
    wn_ws_unlock();
    return h;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpGetPduData(HSNMP_PDU PDU, smiLPINT PDU_type, smiLPINT32 request_id, smiLPINT error_status,
               smiLPINT error_index, LPHSNMP_VBL varbindlist)
{
    WN_WS_ENTER();
    struct wn_ws_pdu *p = wn_ws_pdu_get(PDU);
    if (!p)
        return wn_ws_unlock_fail(NULL, SNMPAPI_PDU_INVALID);
    struct wn_ws_session *s = p->hdr.owner;
    if (!PDU_type && !request_id && !error_status && !error_index && !varbindlist)
        return wn_ws_unlock_fail(s, SNMPAPI_NOOP);
    if (varbindlist) {
        /* Always a new VBL handle, owned by the PDU's session. */
        struct wn_ws_vbl *v;
        int rc = wn_ws_vbl_create(s, &p->vbl, &v);
        if (rc < 0)
            return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        *varbindlist = WN_WS_HANDLE(v);
    }
    if (PDU_type)
        *PDU_type = p->type;
    if (request_id)
        *request_id = p->request_id;
    if (error_status)
        *error_status = p->error_status;
    if (error_index)
        *error_index = p->error_index;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS
wn_wsnmp_borrow_varbinds(HSNMP_PDU PDU, const WN_WSNMP_VB **vbs, smiUINT32 *count)
{
    WN_WS_ENTER();
    struct wn_ws_pdu *p = wn_ws_pdu_get(PDU);
    if (!p)
        return wn_ws_unlock_fail(NULL, SNMPAPI_PDU_INVALID);
    if (!vbs || !count)
        return wn_ws_unlock_fail(p->hdr.owner, SNMPAPI_NOOP);
    *vbs = p->vbl.n ? (const WN_WSNMP_VB *)(const void *)p->vbl.vb : NULL;
    *count = p->vbl.n;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSetPduData(HSNMP_PDU PDU, const smiINT FAR *PDU_type, const smiINT32 FAR *request_id,
               const smiINT FAR *non_repeaters, const smiINT FAR *max_repetitions,
               const HSNMP_VBL FAR *varbindlist)
{
    WN_WS_ENTER();
    struct wn_ws_pdu *p = wn_ws_pdu_get(PDU);
    if (!p)
        return wn_ws_unlock_fail(NULL, SNMPAPI_PDU_INVALID);
    struct wn_ws_session *s = p->hdr.owner;
    if (!PDU_type && !request_id && !non_repeaters && !max_repetitions && !varbindlist)
        return wn_ws_unlock_fail(s, SNMPAPI_NOOP);
    /* Validate everything before changing anything. */
    if (PDU_type && !wn_ws_pdu_type_creatable(*PDU_type))
        return wn_ws_unlock_fail(s, SNMPAPI_PDU_INVALID);
    struct wn_ws_vblist nl;
    memset(&nl, 0, sizeof nl);
    int set_list = 0;
    if (varbindlist) {
        const struct wn_ws_vblist *src = NULL;
        if (*varbindlist) {
            struct wn_ws_vbl *v = wn_ws_vbl_get(*varbindlist);
            if (!v)
                return wn_ws_unlock_fail(s, SNMPAPI_VBL_INVALID);
            src = &v->list;
        }
        int rc = wn_ws_vblist_copy(&nl, src);
        if (rc < 0)
            return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        set_list = 1;
    }
    if (PDU_type)
        p->type = *PDU_type;
    if (request_id)
        p->request_id = *request_id;
    if (p->type == SNMP_PDU_GETBULK) {
        if (non_repeaters)
            p->error_status = *non_repeaters;
        if (max_repetitions)
            p->error_index = *max_repetitions;
    }
    if (set_list) {
        wn_ws_vblist_clear(&p->vbl);
        p->vbl = nl;
        p->v1_tail = 0;   /* the application's own list now */
    }
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

HSNMP_PDU SNMPAPI_CALL
SnmpDuplicatePdu(HSNMP_SESSION session, HSNMP_PDU PDU)
{
    WN_WS_ENTER_H(HSNMP_PDU);
    struct wn_ws_session *s = wn_ws_session_get(session);
    if (!s) {
        wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        return NULL;
    }
    struct wn_ws_pdu *src = wn_ws_pdu_get(PDU);
    if (!src) {
        wn_ws_unlock_fail(s, SNMPAPI_PDU_INVALID);
        return NULL;
    }
    struct wn_ws_pdu *p;
    int rc = wn_ws_pdu_create(s, src->type, src->request_id, src->error_status,
                              src->error_index, &src->vbl, &p);
    if (rc == 0) {
        p->request_id = src->request_id;
        p->from_v1_trap = src->from_v1_trap;
        memcpy(p->agent_addr, src->agent_addr, sizeof p->agent_addr);
        p->v1_tail = src->v1_tail;
    }
    if (rc < 0) {
        wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        return NULL;
    }
    HSNMP_PDU h = WN_WS_HANDLE(p);
    wn_ws_unlock();
    return h;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpFreePdu(HSNMP_PDU PDU)
{
    WN_WS_ENTER();
    struct wn_ws_pdu *p = wn_ws_pdu_get(PDU);
    if (!p)
        return wn_ws_unlock_fail(NULL, SNMPAPI_PDU_INVALID);
    wn_ws_pdu_free(p);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}
