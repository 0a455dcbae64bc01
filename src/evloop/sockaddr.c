/* sockaddr.c: numeric socket address parsing/formatting/comparison and UDP socket creation. */
#include "evloop.h"

#include "base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Longest address string accepted by wn_sockaddr_parse. */
#define WN_SOCKADDR_MAX_INPUT 128
/* Receive buffer asked for on every UDP socket (the kernel may clamp it).
 * The kernel charges only what is queued; 16 MB (32 MB with the kernel's
 * doubling) holds the answers to 10,000 requests sent at once (about 1.1
 * KB of buffer each on loopback) while the I/O thread is still sending. */
#define WN_UDP_RCVBUF (16 * 1024 * 1024)

static int
parse_port(const char *s, size_t n, uint16_t *port)
{
    uint32_t v = 0;
    if (n == 0 || n > 5)
        return WN_E_INVAL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return WN_E_INVAL;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    if (v > 65535)
        return WN_E_INVAL;
    *port = (uint16_t)v;
    return 0;
}

static int
parse_scope(const char *s, uint32_t *scope)
{
    if (*s == '\0')
        return WN_E_INVAL;
    if (s[0] >= '0' && s[0] <= '9') {
        uint64_t v = 0;
        for (const char *p = s; *p; p++) {
            if (*p < '0' || *p > '9')
                return WN_E_INVAL;
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > UINT32_MAX)
                return WN_E_INVAL;
        }
        *scope = (uint32_t)v;
        return 0;
    }
    unsigned idx = if_nametoindex(s);
    if (idx == 0)
        return WN_E_INVAL;
    *scope = idx;
    return 0;
}

/* host is a NUL-terminated copy without brackets or port. */
static int
parse_host(char *host, int allow_v4, uint16_t port, struct sockaddr_storage *ss,
           socklen_t *len)
{
    memset(ss, 0, sizeof(*ss));
    if (allow_v4 && strcasecmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    if (allow_v4 && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        *len = sizeof(*sin);
        return 0;
    }
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    char *pct = strchr(host, '%');
    uint32_t scope = 0;
    if (pct) {
        *pct = '\0';
        int err = parse_scope(pct + 1, &scope);
        if (err < 0)
            return err;
    }
    if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
        memset(ss, 0, sizeof(*ss));
        return WN_E_RESOLVE;
    }
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    sin6->sin6_scope_id = scope;
    *len = sizeof(*sin6);
    return 0;
}

int
wn_sockaddr_parse(const char *str, uint16_t default_port, struct sockaddr_storage *ss,
                  socklen_t *len)
{
    char host[WN_SOCKADDR_MAX_INPUT + 1];
    uint16_t port = default_port;
    if (!str || !ss || !len)
        return WN_E_INVAL;
    size_t n = strlen(str);
    if (n == 0 || n > WN_SOCKADDR_MAX_INPUT)
        return WN_E_INVAL;

    if (str[0] == '[') {
        const char *close = strchr(str, ']');
        if (!close || close == str + 1)
            return WN_E_INVAL;
        if (close[1] != '\0') {
            if (close[1] != ':')
                return WN_E_INVAL;
            int err = parse_port(close + 2, strlen(close + 2), &port);
            if (err < 0)
                return err;
        }
        size_t hl = (size_t)(close - str - 1);
        memcpy(host, str + 1, hl);
        host[hl] = '\0';
        if (strchr(host, ':') == NULL)
            return WN_E_INVAL;      /* brackets are for IPv6 only */
        return parse_host(host, 0, port, ss, len);
    }

    const char *colon = strchr(str, ':');
    if (colon && strchr(colon + 1, ':') == NULL) {
        /* Exactly one colon: host:port. */
        int err = parse_port(colon + 1, strlen(colon + 1), &port);
        if (err < 0)
            return err;
        size_t hl = (size_t)(colon - str);
        if (hl == 0)
            return WN_E_INVAL;
        memcpy(host, str, hl);
        host[hl] = '\0';
        return parse_host(host, 1, port, ss, len);
    }
    memcpy(host, str, n + 1);
    return parse_host(host, colon == NULL, port, ss, len);
}

int
wn_sockaddr_format(const struct sockaddr *sa, char *buf, size_t cap, int with_port)
{
    char addr[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
    uint16_t port;
    int v6;
    if (!sa || !buf)
        return WN_E_INVAL;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
        port = ntohs(sin->sin_port);
        v6 = 0;
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
        if (sin6->sin6_scope_id) {
            char ifn[IF_NAMESIZE];
            size_t al = strlen(addr);
            if (if_indextoname(sin6->sin6_scope_id, ifn))
                snprintf(addr + al, sizeof(addr) - al, "%%%s", ifn);
            else
                snprintf(addr + al, sizeof(addr) - al, "%%%u", (unsigned)sin6->sin6_scope_id);
        }
        port = ntohs(sin6->sin6_port);
        v6 = 1;
    } else {
        return WN_E_INVAL;
    }
    int n;
    if (!with_port)
        n = snprintf(buf, cap, "%s", addr);
    else if (v6)
        n = snprintf(buf, cap, "[%s]:%u", addr, (unsigned)port);
    else
        n = snprintf(buf, cap, "%s:%u", addr, (unsigned)port);
    if (n < 0 || (size_t)n >= cap) {
        if (cap)
            buf[0] = '\0';
        return WN_E_NOSPACE;
    }
    return n;
}

int
wn_sockaddr_equal(const struct sockaddr *a, const struct sockaddr *b)
{
    if (!a || !b || a->sa_family != b->sa_family)
        return 0;
    if (a->sa_family == AF_INET) {
        const struct sockaddr_in *x = (const struct sockaddr_in *)a;
        const struct sockaddr_in *y = (const struct sockaddr_in *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->sa_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
        const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
        if (x->sin6_port != y->sin6_port ||
            memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) != 0)
            return 0;
        return !x->sin6_scope_id || !y->sin6_scope_id || x->sin6_scope_id == y->sin6_scope_id;
    }
    return 0;
}

socklen_t
wn_sockaddr_len(const struct sockaddr *sa)
{
    if (sa && sa->sa_family == AF_INET)
        return sizeof(struct sockaddr_in);
    if (sa && sa->sa_family == AF_INET6)
        return sizeof(struct sockaddr_in6);
    return 0;
}

static int
map_errno(int e)
{
    switch (e) {
    case EADDRINUSE:
        return WN_E_INUSE;
    case EACCES:
    case EPERM:
        return WN_E_ACCESS;
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
        return WN_E_UNSUPPORTED;
    case EADDRNOTAVAIL:
    case EINVAL:
        return WN_E_INVAL;
    case ENOMEM:
    case ENOBUFS:
    case EMFILE:
    case ENFILE:
        return WN_E_NOMEM;
    default:
        return WN_E_IO;
    }
}

int
wn_udp_open(int family, const struct sockaddr *bind_addr, socklen_t bind_len, int *fd)
{
    if (!fd || (family != AF_INET && family != AF_INET6))
        return WN_E_INVAL;
    if (bind_addr && (bind_addr->sa_family != family || bind_len < wn_sockaddr_len(bind_addr)))
        return WN_E_INVAL;
    int s = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0)
        return map_errno(errno);
    int on = 1;
    if (family == AF_INET6 && setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0) {
        int err = map_errno(errno);
        close(s);
        return err;
    }
    /* Best effort: SO_RCVBUFFORCE passes net.core.rmem_max when the process
     * may (CAP_NET_ADMIN), so bursts of answers to thousands of requests are
     * not dropped; otherwise SO_RCVBUF, which the kernel clamps. */
    int rcvbuf = WN_UDP_RCVBUF;
    if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
        (void)setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    if (bind_addr && bind(s, bind_addr, bind_len) < 0) {
        int err = map_errno(errno);
        close(s);
        return err;
    }
    *fd = s;
    return 0;
}
