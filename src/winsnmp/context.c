/* context.c: the context API (community strings or friendly names): SnmpStrToContext, SnmpContextToStr, SnmpFreeContext. */
#include "winsnmp_int.h"

#include <string.h>

HSNMP_CONTEXT SNMPAPI_CALL
SnmpStrToContext(HSNMP_SESSION session, smiLPCOCTETS string)
{
    WN_WS_ENTER_H(HSNMP_CONTEXT);
    struct wn_ws_session *s = wn_ws_session_get(session);
    if (!s) {
        wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        return NULL;
    }
    if (!string || !string->ptr || string->len == 0 || string->len > WN_WS_MAX_COMMUNITY) {
        wn_ws_unlock_fail(s, SNMPAPI_CONTEXT_INVALID);
        return NULL;
    }
    struct wn_ws_context *c;
    int rc;
    if (wn_ws_translate_mode() == SNMPAPI_TRANSLATED) {
        /* A friendly name: text without NUL bytes. */
        char name[WN_WS_MAX_COMMUNITY + 1];
        if (memchr(string->ptr, '\0', string->len)) {
            wn_ws_unlock_fail(s, SNMPAPI_CONTEXT_UNKNOWN);
            return NULL;
        }
        memcpy(name, string->ptr, string->len);
        name[string->len] = '\0';
        struct wn_ws_db_context dc;
        rc = wn_ws_db_context(name, &dc);
        if (rc == 0)
            rc = wn_ws_context_create(s, dc.community, (uint32_t)strlen(dc.community), name, &c);
        if (rc == 0) {
            memcpy(c->engine_id, dc.engine_id, dc.engine_id_len);
            c->engine_id_len = dc.engine_id_len;
        }
        wn_wipe(&dc, sizeof dc);
        if (rc < 0) {
            wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_CONTEXT_UNKNOWN));
            return NULL;
        }
    } else {
        rc = wn_ws_context_create(s, string->ptr, string->len, NULL, &c);
        if (rc < 0) {
            wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_CONTEXT_INVALID));
            return NULL;
        }
    }
    HSNMP_CONTEXT h = WN_WS_HANDLE(c);
    wn_ws_unlock();
    return h;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpContextToStr(HSNMP_CONTEXT context, smiLPOCTETS string)
{
    WN_WS_ENTER();
    struct wn_ws_context *c = wn_ws_context_get(context);
    if (!c)
        return wn_ws_unlock_fail(NULL, SNMPAPI_CONTEXT_INVALID);
    if (!string)   /* the only out: nothing to do */
        return wn_ws_unlock_fail(c->hdr.owner, SNMPAPI_NOOP);
    int rc;
    if (wn_ws_translate_mode() == SNMPAPI_TRANSLATED && c->name)
        rc = wn_ws_desc_octets(string, c->name, strlen(c->name));
    else
        rc = wn_ws_desc_octets(string, c->community, c->len);
    if (rc < 0)
        return wn_ws_unlock_fail(c->hdr.owner, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpFreeContext(HSNMP_CONTEXT context)
{
    WN_WS_ENTER();
    struct wn_ws_context *c = wn_ws_context_get(context);
    if (!c)
        return wn_ws_unlock_fail(NULL, SNMPAPI_CONTEXT_INVALID);
    wn_ws_context_unref(c);   /* one reference, as SnmpFreeEntity */
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}
