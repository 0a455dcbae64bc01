/* entity.c: entities (transport addresses or friendly names) and their timeout, retry and port. */
#include "winsnmp_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
parse_port(const char *s, uint16_t *out)
{
    if (!*s)
        return WN_E_INVAL;
    unsigned long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return WN_E_INVAL;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > 65535)
            return WN_E_INVAL;
    }
    if (v == 0)
        return WN_E_INVAL;
    *out = (uint16_t)v;
    return 0;
}

int
wn_ws_parse_address(const char *s, uint16_t default_port, struct sockaddr_storage *ss,
                    socklen_t *len, uint16_t *port)
{
    char host[INET6_ADDRSTRLEN + 8];
    const char *ps = NULL;
    size_t n = strlen(s);
    if (n == 0 || n >= WN_WS_MAX_ENTITY_STR)
        return WN_E_INVAL;
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (!rb || (size_t)(rb - s - 1) >= sizeof host)
            return WN_E_INVAL;
        memcpy(host, s + 1, (size_t)(rb - s - 1));
        host[rb - s - 1] = '\0';
        if (rb[1] == ':')
            ps = rb + 2;
        else if (rb[1])
            return WN_E_INVAL;
    } else {
        const char *c = strchr(s, ':');
        if (c && strchr(c + 1, ':')) {
            c = NULL;  /* bare IPv6, no port */
        }
        size_t hl = c ? (size_t)(c - s) : n;
        if (hl >= sizeof host)
            return WN_E_INVAL;
        memcpy(host, s, hl);
        host[hl] = '\0';
        if (c)
            ps = c + 1;
    }
    uint16_t p = default_port;
    if (ps && parse_port(ps, &p) < 0)
        return WN_E_INVAL;
    memset(ss, 0, sizeof *ss);
    /* "localhost" without a lookup; other names: wn_ws_resolve_address. */
    if (!strcmp(host, "localhost"))
        memcpy(host, "127.0.0.1", sizeof "127.0.0.1");
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (s[0] != '[' && inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(p);
        *len = sizeof *a4;
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(p);
        *len = sizeof *a6;
    } else {
        return WN_E_RESOLVE;
    }
    *port = p;
    return 0;
}

/* A DNS name: letters, digits, '-', '.', '_' (not only digits and dots). */
static int
hostname_syntax_ok(const char *h)
{
    size_t n = strlen(h);
    int alpha = 0;
    if (n == 0 || n > WN_WS_MAX_HOSTNAME)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)h[i];
        if (!isalnum(c) && c != '-' && c != '.' && c != '_')
            return 0;
        alpha |= isalpha(c) || c == '-' || c == '_';
    }
    return alpha;
}

int
wn_ws_resolve_address(const char *s, char *out, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t len;
    uint16_t port;
    int rc = wn_ws_parse_address(s, WN_WS_DEFAULT_PORT, &ss, &len, &port);
    if (rc == 0) {
        if (strlen(s) >= cap)
            return WN_E_NOSPACE;
        strcpy(out, s);
        return 0;
    }
    if (rc != WN_E_RESOLVE || s[0] == '[')
        return rc;
    /* "name" or "name:port" (a name has no ':'). */
    const char *c = strchr(s, ':');
    size_t hl = c ? (size_t)(c - s) : strlen(s);
    char host[WN_WS_MAX_HOSTNAME + 1];
    if (hl == 0 || hl >= sizeof host || (c && strchr(c + 1, ':')))
        return WN_E_INVAL;
    memcpy(host, s, hl);
    host[hl] = '\0';
    if (!hostname_syntax_ok(host))
        return WN_E_RESOLVE;
    uint16_t p;
    if (c && parse_port(c + 1, &p) < 0)
        return WN_E_INVAL;   /* checked before any lookup */
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
        return WN_E_RESOLVE;
    /* IPv4 first when the name has both (what most agents listen on). */
    const struct addrinfo *pick = NULL;
    for (const struct addrinfo *a = res; a; a = a->ai_next)
        if (a->ai_family == AF_INET && !pick)
            pick = a;
    for (const struct addrinfo *a = res; a && !pick; a = a->ai_next)
        if (a->ai_family == AF_INET6)
            pick = a;
    char num[INET6_ADDRSTRLEN];
    int v6 = pick && pick->ai_family == AF_INET6;
    const void *src = !pick ? NULL
                      : v6  ? (const void *)&((const struct sockaddr_in6 *)pick->ai_addr)->sin6_addr
                            : (const void *)&((const struct sockaddr_in *)pick->ai_addr)->sin_addr;
    rc = src && inet_ntop(v6 ? AF_INET6 : AF_INET, src, num, sizeof num) ? 0 : WN_E_RESOLVE;
    freeaddrinfo(res);
    if (rc < 0)
        return rc;
    int w = snprintf(out, cap, v6 ? "[%s]%s%s" : "%s%s%s", num, c ? ":" : "", c ? c + 1 : "");
    return w < 0 || (size_t)w >= cap ? WN_E_NOSPACE : 0;
}

static void
set_port(struct wn_ws_entity *e, uint16_t port)
{
    e->port = port;
    if (e->addr.ss_family == AF_INET)
        ((struct sockaddr_in *)&e->addr)->sin_port = htons(port);
    else if (e->addr.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&e->addr)->sin6_port = htons(port);
}

/* The literal form: "a.b.c.d" / "::1", with ":port" / "[v6]:port" when the
 * port is not 161.  buf must hold INET6_ADDRSTRLEN + 8. */
static void
format_addr(const struct wn_ws_entity *e, char *buf, size_t cap)
{
    char h[INET6_ADDRSTRLEN];
    int v6 = e->addr.ss_family == AF_INET6;
    const void *src = v6 ? (const void *)&((const struct sockaddr_in6 *)&e->addr)->sin6_addr
                         : (const void *)&((const struct sockaddr_in *)&e->addr)->sin_addr;
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, src, h, sizeof h))
        h[0] = '\0';
    if (e->port == WN_WS_DEFAULT_PORT)
        snprintf(buf, cap, "%s", h);
    else if (v6)
        snprintf(buf, cap, "[%s]:%u", h, (unsigned)e->port);
    else
        snprintf(buf, cap, "%s:%u", h, (unsigned)e->port);
}

static int
entity_new(struct wn_ws_session *s, struct wn_ws_entity **out)
{
    struct wn_ws_entity *e = wn_calloc(1, sizeof *e);
    if (!e)
        return WN_E_NOMEM;
    e->timeout_cs = WN_WS_DEFAULT_TIMEOUT_CS;
    e->retry = WN_WS_DEFAULT_RETRY;
    e->port = WN_WS_DEFAULT_PORT;
    e->mode = wn_ws_translate_mode();
    int rc = wn_ws_obj_register(&e->hdr, WN_WS_T_ENTITY, s);
    if (rc < 0) {
        wn_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

void
wn_ws_entity_free(struct wn_ws_entity *e)
{
    wn_ws_net_entity_freeing(e);
    wn_ws_obj_unregister(&e->hdr);
    wn_free(e->str);
    wn_free(e->name);
    wn_free(e->community);
    wn_free(e);
}

int
wn_ws_entity_create_addr(struct wn_ws_session *s, const struct sockaddr *sa, socklen_t salen,
                         int version, struct wn_ws_entity **out)
{
    if (salen > sizeof(struct sockaddr_storage) ||
        (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
        return WN_E_INVAL;
    struct wn_ws_entity *e;
    int rc = entity_new(s, &e);
    if (rc < 0)
        return rc;
    memcpy(&e->addr, sa, salen);
    e->addrlen = salen;
    e->version = version;
    e->port = sa->sa_family == AF_INET ? ntohs(((const struct sockaddr_in *)sa)->sin_port)
                                       : ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    char buf[INET6_ADDRSTRLEN + 8];
    format_addr(e, buf, sizeof buf);
    e->str = wn_strdup(buf);
    if (!e->str) {
        wn_ws_entity_free(e);
        return WN_E_NOMEM;
    }
    *out = e;
    return 0;
}

int
wn_ws_entity_create_str(struct wn_ws_session *s, const char *str, struct wn_ws_entity **out)
{
    if (strnlen(str, WN_WS_MAX_ENTITY_STR) >= WN_WS_MAX_ENTITY_STR || !*str)
        return WN_E_INVAL;
    smiUINT32 mode = wn_ws_translate_mode();
    struct wn_ws_db_entity dbe;
    const char *addr = str;
    if (mode == SNMPAPI_TRANSLATED) {
        int rc = wn_ws_db_entity(str, &dbe);
        if (rc < 0)
            return rc;
        addr = dbe.address;
    }
    struct sockaddr_storage ss;
    socklen_t sl;
    uint16_t port;
    int rc = wn_ws_parse_address(addr, WN_WS_DEFAULT_PORT, &ss, &sl, &port);
    if (rc < 0)
        return rc == WN_E_RESOLVE ? WN_E_NOTFOUND : rc;
    struct wn_ws_entity *e;
    rc = entity_new(s, &e);
    if (rc < 0)
        return rc;
    e->addr = ss;
    e->addrlen = sl;
    set_port(e, port);
    e->str = wn_strdup(str);
    if (!e->str)
        rc = WN_E_NOMEM;
    if (mode == SNMPAPI_TRANSLATED) {
        e->version = dbe.version;
        e->timeout_cs = dbe.timeout_cs;
        e->retry = dbe.retry;
        if (port == WN_WS_DEFAULT_PORT)
            set_port(e, dbe.port);
        e->name = wn_strdup(str);
        if (!e->name)
            rc = WN_E_NOMEM;
        if (dbe.community[0]) {
            e->community = wn_strdup(dbe.community);
            if (!e->community)
                rc = WN_E_NOMEM;
        }
    } else {
        e->version = mode == SNMPAPI_UNTRANSLATED_V2 ? WN_WS_V2C : WN_WS_V1;
    }
    if (rc < 0) {
        wn_ws_entity_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

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
    if (wn_ws_translate_mode() != SNMPAPI_TRANSLATED &&
        strnlen(string, WN_WS_MAX_ENTITY_STR) < WN_WS_MAX_ENTITY_STR &&
        wn_ws_parse_address(string, WN_WS_DEFAULT_PORT, &ss, &sl, &port) == WN_E_RESOLVE) {
        wn_ws_unlock();
        int rr = wn_ws_resolve_address(string, resolved, sizeof resolved);
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
    if (rc == 0 && string != orig) {
        char *keep = wn_strdup(orig);   /* the string it was made from */
        if (keep) {
            wn_free(e->str);
            e->str = keep;
        }
    }
    if (rc < 0) {
        smiUINT32 code = rc == WN_E_MALFORMED || rc == WN_E_IO
                             ? SNMPAPI_OTHER_ERROR
                             : wn_ws_map_err(rc, SNMPAPI_ENTITY_UNKNOWN);
        wn_ws_unlock_fail(s, code);
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
    char buf[INET6_ADDRSTRLEN + 8];
    const char *out;
    if (wn_ws_translate_mode() == SNMPAPI_TRANSLATED && e->name) {
        out = e->name;
    } else {
        format_addr(e, buf, sizeof buf);
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
    wn_ws_entity_free(e);
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
    set_port(e, (uint16_t)nPort);
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
