/* entity.c: the entity API (transport addresses or friendly names): SnmpStrToEntity, SnmpEntityToStr, timeout, retry and port, and the database default context (wsnmp_ext.h). */
#include "winsnmp_int.h"
#include "usmuser.h"
#include "wsnmp_ext.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

HSNMP_ENTITY SNMPAPI_CALL
SnmpStrToEntity(HSNMP_SESSION session, LPCSTR string)
{
    WN_WS_ENTER_H(HSNMP_ENTITY);
    struct wn_ws_session *s = wn_ws_session_get(session);
    if (!s) {
        wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        return NULL;
    }
    if (!string) {
        wn_ws_unlock_fail(s, SNMPAPI_ENTITY_UNKNOWN);
        return NULL;
    }
    /* A host name (untranslated modes) is resolved without the lock, so a
     * slow resolver stalls neither other threads nor the I/O thread. */
    const char *orig = string;
    char resolved[WN_WS_MAX_ENTITY_STR];
    struct sockaddr_storage ss;
    socklen_t sl;
    uint16_t port;
    /* An "snmpv3:...@host" string: only its address part is resolved. */
    size_t head = 0;
    if (!strncasecmp(string, WN_USM_ENTITY_PREFIX, strlen(WN_USM_ENTITY_PREFIX))
        && strchr(string, '@'))
        head = (size_t)(strchr(string, '@') - string) + 1;
    if (wn_ws_translate_mode() != SNMPAPI_TRANSLATED &&
        strnlen(string, WN_WS_MAX_ENTITY_STR) < WN_WS_MAX_ENTITY_STR &&
        wn_ws_parse_address(string + head, WN_WS_DEFAULT_PORT, &ss, &sl, &port) == WN_E_RESOLVE) {
        wn_ws_unlock();
        memcpy(resolved, string, head);
        int rr = wn_ws_resolve_address(string + head, resolved + head, sizeof resolved - head);
        wn_ws_lock();
        if (!wn_ws_ready()) {
            wn_ws_unlock_fail(NULL, SNMPAPI_NOT_INITIALIZED);
            return NULL;
        }
        s = wn_ws_session_get(session);
        if (!s) {
            wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
            return NULL;
        }
        if (rr < 0) {
            wn_ws_unlock_fail(s, SNMPAPI_ENTITY_UNKNOWN);
            return NULL;
        }
        string = resolved;
    }
    struct wn_ws_entity *e;
    int rc = wn_ws_entity_create_str(s, string, &e);
    if (string == resolved)
        wn_wipe(resolved, head);        /* may hold pass phrases */
    if (rc == 0 && string != orig) {
        /* The string it was made from, without secrets. */
        char *keep = e->user ? wn_ws_user_redact(orig) : wn_strdup(orig);
        if (keep) {
            wn_free(e->str);
            e->str = keep;
        }
    }
    if (rc < 0) {
        wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_ENTITY_UNKNOWN));
        return NULL;
    }
    HSNMP_ENTITY h = WN_WS_HANDLE(e);
    wn_ws_unlock();
    return h;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpEntityToStr(HSNMP_ENTITY entity, smiUINT32 size, LPSTR string)
{
    WN_WS_ENTER();
    struct wn_ws_entity *e = wn_ws_entity_get(entity);
    if (!e)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ENTITY_INVALID);
    char buf[WN_WS_ADDR_TEXT_MAX];
    const char *out;
    char v3[WN_WS_MAX_ENTITY_STR + WN_WS_ADDR_TEXT_MAX];
    if (wn_ws_translate_mode() == SNMPAPI_TRANSLATED && e->name) {
        out = e->name;
    } else if (e->version == WN_WS_V3) {
        /* "snmpv3:<user>[;<key>=<value>]...@<address>" without its
         * secrets (e->str keeps none), with the address as it is now. */
        wn_ws_addr_format(&e->addr, e->port, buf, sizeof buf);
        const char *at = e->str ? strchr(e->str, '@') : NULL;
        if (at && !strncasecmp(e->str, WN_USM_ENTITY_PREFIX, strlen(WN_USM_ENTITY_PREFIX)))
            snprintf(v3, sizeof v3, "%.*s@%s", (int)(at - e->str), e->str, buf);
        else if (!e->user || wn_usm_entity_format(e->user->usm.name, e->user->usm.name_len,
                                                  e->level, buf, v3, sizeof v3) < 0)
            snprintf(v3, sizeof v3, "%s;level=%s@%s", WN_USM_ENTITY_PREFIX,
                     wn_usm_level_name(e->level), buf);   /* no user: cannot parse back */
        out = v3;
    } else {
        wn_ws_addr_format(&e->addr, e->port, buf, sizeof buf);
        out = buf;
    }
    size_t n = strlen(out) + 1;
    if (size == 0 || !string)
        return wn_ws_unlock_fail(e->hdr.owner, SNMPAPI_SIZE_INVALID);
    if (n > size)
        return wn_ws_unlock_fail(e->hdr.owner, SNMPAPI_OUTPUT_TRUNCATED);
    memcpy(string, out, n);
    wn_ws_unlock();
    return (SNMPAPI_STATUS)n;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpFreeEntity(HSNMP_ENTITY entity)
{
    WN_WS_ENTER();
    struct wn_ws_entity *e = wn_ws_entity_get(entity);
    if (!e)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ENTITY_INVALID);
    /* One reference: the handle stays valid while SnmpRecvMsg's copies
     * of it are not all freed (winsnmp.h, SnmpRecvMsg). */
    wn_ws_entity_unref(e);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpGetTimeout(HSNMP_ENTITY hEntity, smiLPTIMETICKS nPolicyTimeout,
               smiLPTIMETICKS nActualTimeout)
{
    WN_WS_ENTER();
    struct wn_ws_entity *e = wn_ws_entity_get(hEntity);
    if (!e)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ENTITY_INVALID);
    if (!nPolicyTimeout && !nActualTimeout)
        return wn_ws_unlock_fail(e->hdr.owner, SNMPAPI_NOOP);
    if (nPolicyTimeout)
        *nPolicyTimeout = e->timeout_cs;
    if (nActualTimeout)
        *nActualTimeout = 0; /* not measured, as in the reference implementation */
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSetTimeout(HSNMP_ENTITY hEntity, smiTIMETICKS nPolicyTimeout)
{
    WN_WS_ENTER();
    struct wn_ws_entity *e = wn_ws_entity_get(hEntity);
    if (!e)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ENTITY_INVALID);
    e->timeout_cs = nPolicyTimeout ? nPolicyTimeout : WN_WS_DEFAULT_TIMEOUT_CS;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpGetRetry(HSNMP_ENTITY hEntity, smiLPUINT32 nPolicyRetry, smiLPUINT32 nActualRetry)
{
    WN_WS_ENTER();
    struct wn_ws_entity *e = wn_ws_entity_get(hEntity);
    if (!e)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ENTITY_INVALID);
    if (!nPolicyRetry && !nActualRetry)
        return wn_ws_unlock_fail(e->hdr.owner, SNMPAPI_NOOP);
    if (nPolicyRetry)
        *nPolicyRetry = e->retry;
    if (nActualRetry)
        *nActualRetry = 0;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSetRetry(HSNMP_ENTITY hEntity, smiUINT32 nPolicyRetry)
{
    WN_WS_ENTER();
    struct wn_ws_entity *e = wn_ws_entity_get(hEntity);
    if (!e)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ENTITY_INVALID);
    /* 0 is a valid policy here: one transmission, no retry. */
    e->retry = nPolicyRetry;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSetPort(HSNMP_ENTITY hEntity, UINT nPort)
{
    WN_WS_ENTER();
    struct wn_ws_entity *e = wn_ws_entity_get(hEntity);
    if (!e)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ENTITY_INVALID);
    if (e->listening)
        return wn_ws_unlock_fail(e->hdr.owner, SNMPAPI_OPERATION_INVALID);
    if (nPort == 0 || nPort > 65535)
        return wn_ws_unlock_fail(e->hdr.owner, SNMPAPI_OPERATION_INVALID);
    wn_ws_entity_set_port(e, (uint16_t)nPort);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpStrToIpxAddress(LPCSTR string, LPBYTE netnum, LPBYTE nodenum)
{
    if (!string || !netnum || !nodenum || strnlen(string, 22) != 21)
        return SNMPAPI_FAILURE;
    if (string[8] != ':' && string[8] != '.' && string[8] != '-')
        return SNMPAPI_FAILURE;
    uint8_t b[10];
    for (int i = 0, j = 0; i < 10; i++) {
        if (j == 8)
            j++;
        int h = wn_hexval(string[j]), l = wn_hexval(string[j + 1]);
        if (h < 0 || l < 0)
            return SNMPAPI_FAILURE;
        b[i] = (uint8_t)(h << 4 | l);
        j += 2;
    }
    memcpy(netnum, b, 4);
    memcpy(nodenum, b + 4, 6);
    return SNMPAPI_SUCCESS;
}

/* wsnmp_ext.h: the database's community= (the friendly name of the
 * context the entity is usually used with) of an entity made from the
 * translated-mode database; fails with SNMPAPI_NOOP for any other entity. */
SNMPAPI_STATUS SNMPAPI_CALL
wn_wsnmp_entity_default_context(HSNMP_ENTITY entity, smiLPOCTETS name)
{
    WN_WS_ENTER();
    struct wn_ws_entity *e = wn_ws_entity_get(entity);
    if (!e)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ENTITY_INVALID);
    if (name && !e->community) {
        name->len = 0;
        name->ptr = NULL;
    }
    if (!name || !e->community)
        return wn_ws_unlock_fail(e->hdr.owner, SNMPAPI_NOOP);
    int rc = wn_ws_desc_octets(name, e->community, strlen(e->community));
    if (rc < 0)
        return wn_ws_unlock_fail(e->hdr.owner, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}
