/* listen.c: the API of SnmpRegister (trap and inform filters on the trap port) and SnmpListen/SnmpListenEx (the agent role). */
#include "engine_int.h"

#include <string.h>


static int
reg_same(const struct wn_ws_reg *a, const struct wn_ws_reg *b)
{
    if (a->session != b->session || a->has_agent != b->has_agent ||
        a->has_manager != b->has_manager || !a->community != !b->community ||
        !a->prefix != !b->prefix)
        return 0;
    if (a->has_agent && (a->agentlen != b->agentlen || memcmp(&a->agent, &b->agent, a->agentlen)))
        return 0;
    if (a->has_manager &&
        (a->managerlen != b->managerlen || memcmp(&a->manager, &b->manager, a->managerlen)))
        return 0;
    if (a->community && (a->community_len != b->community_len ||
                         memcmp(a->community, b->community, a->community_len)))
        return 0;
    if (a->prefix && (a->prefix_len != b->prefix_len ||
                      memcmp(a->prefix, b->prefix, a->prefix_len * sizeof *a->prefix)))
        return 0;
    return 1;
}

static void
reg_clear(struct wn_ws_reg *r)
{
    wn_free(r->community);
    wn_free(r->prefix);
    memset(r, 0, sizeof *r);
}

/* Builds the registration from the handles. [locked] 0 or an SNMPAPI code. */
static smiUINT32
reg_build(struct wn_ws_session *s, HSNMP_ENTITY srcEntity, HSNMP_ENTITY dstEntity,
          HSNMP_CONTEXT context, smiLPCOID notification, struct wn_ws_reg *r)
{
    WN_WS_ASSERT_LOCKED();
    memset(r, 0, sizeof *r);
    r->session = s->hdr.handle;
    if (srcEntity) {
        struct wn_ws_entity *e = wn_ws_entity_get(srcEntity);
        if (!e)
            return SNMPAPI_ENTITY_INVALID;
        r->has_manager = 1;
        memcpy(&r->manager, &e->addr, e->addrlen);
        r->managerlen = e->addrlen;
    }
    if (dstEntity) {
        struct wn_ws_entity *e = wn_ws_entity_get(dstEntity);
        if (!e)
            return SNMPAPI_ENTITY_INVALID;
        r->has_agent = 1;
        memcpy(&r->agent, &e->addr, e->addrlen);
        r->agentlen = e->addrlen;
    }
    if (context) {
        struct wn_ws_context *c = wn_ws_context_get(context);
        if (!c)
            return SNMPAPI_CONTEXT_INVALID;
        r->community = wn_memdup(c->len ? c->community : (const uint8_t *)"", c->len ? c->len : 1);
        r->community_len = c->len;
        if (!r->community)
            return SNMPAPI_ALLOC_ERROR;
    }
    if (notification) {
        if (notification->len > WN_SNMP_MAX_OID_LEN ||
            (notification->len && !notification->ptr)) {
            reg_clear(r);
            return SNMPAPI_OID_INVALID;
        }
        r->prefix = wn_memdup(notification->len ? (const void *)notification->ptr : "",
                              notification->len ? notification->len * sizeof(uint32_t) : 1);
        r->prefix_len = notification->len;
        if (!r->prefix) {
            reg_clear(r);
            return SNMPAPI_ALLOC_ERROR;
        }
    }
    return 0;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpRegister(HSNMP_SESSION session, HSNMP_ENTITY srcEntity, HSNMP_ENTITY dstEntity,
             HSNMP_CONTEXT context, smiLPCOID notification, smiUINT32 state)
{
    struct wn_ws_reg r;
    WN_WS_ENTER();
    struct wn_ws_session *s = wn_ws_session_get(session);
    if (!s)
        return wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
    smiUINT32 code = reg_build(s, srcEntity, dstEntity, context, notification, &r);
    if (code)
        return wn_ws_unlock_fail(s, code);

    if (state == SNMPAPI_OFF) {
        uint32_t w = 0;
        for (uint32_t i = 0; i < wn_ws_nregs; i++) {
            if (reg_same(&wn_ws_regs[i], &r))
                reg_clear(&wn_ws_regs[i]);
            else
                wn_ws_regs[w++] = wn_ws_regs[i];
        }
        wn_ws_nregs = w;
        reg_clear(&r);
        wn_ws_eng_trap_port_release();
        wn_ws_unlock();
        return SNMPAPI_SUCCESS;
    }

    /* The spec: any state other than OFF registers. */
    for (uint32_t i = 0; i < wn_ws_nregs; i++) {
        if (reg_same(&wn_ws_regs[i], &r)) {   /* redundant registration */
            reg_clear(&r);
            wn_ws_unlock();
            return SNMPAPI_SUCCESS;
        }
    }
    if (wn_ws_eng.trap_port == WN_WS_TRAP_PORT_REFUSED) {   /* bad WSNMP_TRAP_PORT */
        reg_clear(&r);
        return wn_ws_unlock_fail(s, SNMPAPI_TL_INVALID_PARAM);
    }
    if (wn_ws_nregs >= WN_WS_MAX_REGISTRATIONS) {
        reg_clear(&r);
        return wn_ws_unlock_fail(s, SNMPAPI_TL_RESOURCE_ERROR);
    }
    /* Open the trap port without the lock (the bind runs on the I/O
     * thread, which takes the lock itself).  Another thread may close it
     * again meanwhile (its last registration going away): then retry. */
    int rc;
    do {
        wn_ws_unlock();
        rc = wn_ws_eng_trap_port_open();
        wn_ws_lock();
        s = wn_ws_ready() ? wn_ws_session_get(session) : NULL;
        if (!s) {
            reg_clear(&r);
            if (wn_ws_ready())
                wn_ws_eng_trap_port_release();   /* opened for nobody */
            return wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        }
        if (rc < 0) {
            reg_clear(&r);
            return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_TL_RESOURCE_ERROR));
        }
    } while (!wn_ws_eng_trap_port_is_open());
    struct wn_ws_reg *nr = wn_realloc(wn_ws_regs, (wn_ws_nregs + 1) * sizeof *nr);
    if (!nr) {
        reg_clear(&r);
        wn_ws_eng_trap_port_release();
        return wn_ws_unlock_fail(s, SNMPAPI_ALLOC_ERROR);
    }
    wn_ws_regs = nr;
    wn_ws_regs[wn_ws_nregs++] = r;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

static SNMPAPI_STATUS
listen_common(HSNMP_ENTITY hEntity, SNMPAPI_STATUS lStatus, smiUINT32 use_any)
{
    WN_WS_ENTER();
    struct wn_ws_entity *e = wn_ws_entity_get(hEntity);
    if (!e)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ENTITY_INVALID);
    struct wn_ws_session *s = e->hdr.owner;
    if (lStatus != SNMPAPI_ON && lStatus != SNMPAPI_OFF)
        return wn_ws_unlock_fail(s, SNMPAPI_MODE_INVALID);
    if (use_any != SNMPLISTEN_USEENTITY_ADDR && use_any != SNMPLISTEN_ALL_ADDR)
        return wn_ws_unlock_fail(s, SNMPAPI_MODE_INVALID);
    if (lStatus == SNMPAPI_OFF) {
        if (!e->listening)
            return wn_ws_unlock_fail(s, SNMPAPI_NOOP);
        wn_ws_net_entity_freeing(e);   /* closes the listener */
        wn_ws_unlock();
        return SNMPAPI_SUCCESS;
    }
    if (e->listening)
        return wn_ws_unlock_fail(s, SNMPAPI_NOOP);

    struct sockaddr_storage addr;
    memcpy(&addr, &e->addr, e->addrlen);
    socklen_t alen = e->addrlen;
    if (use_any == SNMPLISTEN_ALL_ADDR) {
        if (addr.ss_family == AF_INET)
            ((struct sockaddr_in *)&addr)->sin_addr.s_addr = htonl(INADDR_ANY);
        else if (addr.ss_family == AF_INET6)
            ((struct sockaddr_in6 *)&addr)->sin6_addr = in6addr_any;
    }
    wn_ws_unlock();
    int idx = -1;
    int rc = wn_ws_eng_listen_open((struct sockaddr *)&addr, alen, WN_WS_LISTENER_AGENT, &idx);
    wn_ws_lock();
    e = wn_ws_ready() ? wn_ws_entity_get(hEntity) : NULL;
    if (!e || e->listening) {
        /* Freed or listened to by another thread meanwhile. */
        if (rc == 0)
            wn_ws_eng_listen_close(idx);
        return wn_ws_unlock_fail(e ? e->hdr.owner : NULL,
                                 e ? SNMPAPI_NOOP : SNMPAPI_ENTITY_INVALID);
    }
    s = e->hdr.owner;
    if (rc < 0)
        return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_TL_OTHER));
    wn_ws_eng_listen_set_session(idx, s->hdr.handle);
    e->listening = 1;
    e->listener = idx;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpListen(HSNMP_ENTITY hEntity, SNMPAPI_STATUS lStatus)
{
    return listen_common(hEntity, lStatus, SNMPLISTEN_USEENTITY_ADDR);
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpListenEx(HSNMP_ENTITY hEntity, SNMPAPI_STATUS lStatus, smiUINT32 nUseEntityAddr)
{
    return listen_common(hEntity, lStatus, nUseEntityAddr);
}
