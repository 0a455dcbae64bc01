/* vbl.c: variable-binding lists: SnmpCreateVbl, Duplicate, Free, Count, GetVb, SetVb, DeleteVb. */
#include "winsnmp_int.h"

#include <string.h>

/* Frees what one varbind owns outside the arena. */
static void
vb_release(struct wn_ws_vb *vb)
{
    if (!vb->in_arena) {
        wn_ws_oid_clear(&vb->name);
        wn_ws_value_clear(&vb->value);
    }
    memset(vb, 0, sizeof *vb);
}

void
wn_ws_vblist_clear(struct wn_ws_vblist *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        vb_release(&l->vb[i]);
    wn_free(l->vb);
    wn_free(l->arena);
    memset(l, 0, sizeof *l);
}

static int
reserve(struct wn_ws_vblist *l, uint32_t n)
{
    if (n <= l->cap)
        return 0;
    if (n > WN_WS_MAX_VBS)
        return WN_E_LIMIT;
    uint32_t ncap = l->cap ? l->cap * 2 : 4;
    if (ncap < n)
        ncap = n;
    if (ncap > WN_WS_MAX_VBS)
        ncap = WN_WS_MAX_VBS;
    struct wn_ws_vb *v = wn_realloc(l->vb, (size_t)ncap * sizeof *v);
    if (!v)
        return WN_E_NOMEM;
    l->vb = v;
    l->cap = ncap;
    return 0;
}

/* Deep copy of one varbind into *vb (uninitialised memory). */
static int
vb_set(struct wn_ws_vb *vb, const smiOID *name, const smiVALUE *value)
{
    smiVALUE null_value;
    memset(&null_value, 0, sizeof null_value);
    null_value.syntax = SNMP_SYNTAX_NULL;
    int rc = wn_ws_oid_dup(&vb->name, name);
    if (rc < 0)
        return rc;
    rc = wn_ws_value_dup(&vb->value, value ? value : &null_value);
    if (rc < 0) {
        wn_ws_oid_clear(&vb->name);
        return rc;
    }
    return 0;
}

int
wn_ws_vblist_append(struct wn_ws_vblist *l, const smiOID *name, const smiVALUE *value)
{
    int rc = reserve(l, l->n + 1);
    if (rc < 0)
        return rc;
    rc = vb_set(&l->vb[l->n], name, value);
    if (rc < 0)
        return rc;
    l->vb[l->n].in_arena = 0;
    l->n++;
    return 0;
}

static int
is_string(smiUINT32 syntax)
{
    return syntax == SNMP_SYNTAX_OCTETS || syntax == SNMP_SYNTAX_BITS ||
           syntax == SNMP_SYNTAX_OPAQUE || syntax == SNMP_SYNTAX_IPADDR ||
           syntax == SNMP_SYNTAX_NSAPADDR;
}

int
wn_ws_vblist_copy(struct wn_ws_vblist *dst, const struct wn_ws_vblist *src)
{
    memset(dst, 0, sizeof *dst);
    if (!src || src->n == 0)
        return 0;
    if (src->n > WN_WS_MAX_VBS)
        return WN_E_LIMIT;
    /* Sub-ids first (4-byte aligned), then string bytes. */
    size_t ids = 0, bytes = 0;
    for (uint32_t i = 0; i < src->n; i++) {
        const struct wn_ws_vb *v = &src->vb[i];
        ids += v->name.len;
        if (v->value.syntax == SNMP_SYNTAX_OID)
            ids += v->value.value.oid.len;
        else if (is_string(v->value.syntax))
            bytes += v->value.value.string.len;
    }
    struct wn_ws_vb *vb = wn_calloc(src->n, sizeof *vb);
    uint8_t *arena = wn_malloc(ids * sizeof(smiUINT32) + bytes + 1);
    if (!vb || !arena) {
        wn_free(vb);
        wn_free(arena);
        return WN_E_NOMEM;
    }
    smiUINT32 *ip = (smiUINT32 *)(void *)arena;
    uint8_t *bp = arena + ids * sizeof(smiUINT32);
    for (uint32_t i = 0; i < src->n; i++) {
        const struct wn_ws_vb *s = &src->vb[i];
        struct wn_ws_vb *d = &vb[i];
        d->in_arena = 1;
        d->name.len = s->name.len;
        d->name.ptr = s->name.len ? ip : NULL;
        if (s->name.len)
            memcpy(ip, s->name.ptr, (size_t)s->name.len * sizeof *ip);
        ip += s->name.len;
        d->value = s->value;
        if (s->value.syntax == SNMP_SYNTAX_OID) {
            d->value.value.oid.ptr = s->value.value.oid.len ? ip : NULL;
            if (s->value.value.oid.len)
                memcpy(ip, s->value.value.oid.ptr,
                       (size_t)s->value.value.oid.len * sizeof *ip);
            ip += s->value.value.oid.len;
        } else if (is_string(s->value.syntax)) {
            d->value.value.string.ptr = s->value.value.string.len ? bp : NULL;
            if (s->value.value.string.len)
                memcpy(bp, s->value.value.string.ptr, s->value.value.string.len);
            bp += s->value.value.string.len;
        }
    }
    dst->vb = vb;
    dst->n = dst->cap = src->n;
    dst->arena = arena;
    return 0;
}

int
wn_ws_vbl_create(struct wn_ws_session *s, const struct wn_ws_vblist *list,
                 struct wn_ws_vbl **out)
{
    struct wn_ws_vbl *v = wn_calloc(1, sizeof *v);
    if (!v)
        return WN_E_NOMEM;
    int rc = wn_ws_vblist_copy(&v->list, list);
    if (rc == 0)
        rc = wn_ws_obj_register(&v->hdr, WN_WS_T_VBL, s);
    if (rc < 0) {
        wn_ws_vblist_clear(&v->list);
        wn_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

void
wn_ws_vbl_free(struct wn_ws_vbl *v)
{
    wn_ws_obj_unregister(&v->hdr);
    wn_ws_vblist_clear(&v->list);
    wn_free(v);
}

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
        smiUINT32 code = wn_ws_oid_check(name, 0);
        if (!code && value)
            code = wn_ws_value_check(value);
        if (code) {
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
    if (!name || !value)
        return wn_ws_unlock_fail(s, SNMPAPI_ALLOC_ERROR);
    const struct wn_ws_vb *vb = &v->list.vb[index - 1];
    smiOID n;
    int rc = wn_ws_desc_oid(&n, &vb->name);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    smiVALUE val;
    rc = wn_ws_desc_value(&val, &vb->value);
    if (rc < 0) {
        wn_ws_desc_free(n.ptr);
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    }
    *name = n;
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
    if (name || index == 0) {
        smiUINT32 code = wn_ws_oid_check(name, 0);
        if (code)
            return wn_ws_unlock_fail(s, code);
    }
    if (value) {
        smiUINT32 code = wn_ws_value_check(value);
        if (code)
            return wn_ws_unlock_fail(s, code);
    }
    int rc;
    if (index == 0) {
        rc = wn_ws_vblist_append(l, name, value);
        if (rc < 0)
            return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        SNMPAPI_STATUS r = l->n;
        wn_ws_unlock();
        return r;
    }
    /* Replace: build the new varbind first so a failure changes nothing. */
    struct wn_ws_vb *old = &l->vb[index - 1];
    struct wn_ws_vb nvb;
    rc = vb_set(&nvb, name ? name : &old->name, value);
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    vb_release(old);
    nvb.in_arena = 0;
    *old = nvb;
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
    struct wn_ws_vblist *l = &v->list;
    if (index == 0 || index > l->n)
        return wn_ws_unlock_fail(v->hdr.owner, SNMPAPI_INDEX_INVALID);
    struct wn_ws_vb *vb = &l->vb[index - 1];
    vb_release(vb);
    memmove(vb, vb + 1, (size_t)(l->n - index) * sizeof *vb);
    l->n--;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}
