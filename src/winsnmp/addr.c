/* addr.c: entity address text: parsing (numeric and "localhost"), resolving host names, formatting; no lock, no objects. */
#include "winsnmp_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
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

void
wn_ws_addr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)ss)->sin_port = htons(port);
    else if (ss->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

void
wn_ws_addr_format(const struct sockaddr_storage *ss, uint16_t port, char *buf, size_t cap)
{
    char h[INET6_ADDRSTRLEN];
    int v6 = ss->ss_family == AF_INET6;
    const void *src = v6 ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
                         : (const void *)&((const struct sockaddr_in *)ss)->sin_addr;
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, src, h, sizeof h))
        h[0] = '\0';
    if (port == WN_WS_DEFAULT_PORT)
        snprintf(buf, cap, "%s", h);
    else if (v6)
        snprintf(buf, cap, "[%s]:%u", h, (unsigned)port);
    else
        snprintf(buf, cap, "%s:%u", h, (unsigned)port);
}

