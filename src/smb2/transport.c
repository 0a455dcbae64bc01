/* transport.c: SMB2 transport: TCP connect with a deadline, blocking send/receive of NBSS frames. */
#include "conn.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MOD "smb2"
#define NBSS_HDR_LEN 4

static int
errno_to_err(int e)
{
    switch (e) {
    case ECONNREFUSED:
        return WN_E_CONNREFUSED;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EADDRNOTAVAIL:
    case ENETDOWN:
        return WN_E_UNREACHABLE;
    case ETIMEDOUT:
        return WN_E_TIMEOUT;
    case ECONNRESET:
    case EPIPE:
        return WN_E_CLOSED;
    case ENOMEM:
        return WN_E_NOMEM;
    default:
        return WN_E_IO;
    }
}

/* Waits for `events` on fd until the absolute deadline (ms). */
static int
wait_fd(int fd, short events, uint64_t deadline)
{
    for (;;) {
        uint64_t now = wn_clock_ms();
        if (now >= deadline)
            return WN_E_TIMEOUT;
        uint64_t left = deadline - now;
        struct pollfd p = { .fd = fd, .events = events };
        int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return errno_to_err(errno);
    }
}

static int
connect_one(const struct addrinfo *ai, uint64_t deadline, int *out)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai->ai_protocol);
    if (fd < 0)
        return errno_to_err(errno);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        if (errno != EINPROGRESS) {
            int rc = errno_to_err(errno);
            close(fd);
            return rc;
        }
        int rc = wait_fd(fd, POLLOUT, deadline);
        if (rc) {
            close(fd);
            return rc;
        }
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
            soerr = errno;
        if (soerr) {
            close(fd);
            return errno_to_err(soerr);
        }
    }
    *out = fd;
    return 0;
}

int
wn_smb2_tcp_connect(const char *host, uint16_t port, uint64_t deadline, int *out)
{
    char svc[8];
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICSERV };
    struct addrinfo *res = NULL;
    snprintf(svc, sizeof(svc), "%u", (unsigned)port);
    int g = getaddrinfo(host, svc, &hints, &res);
    if (g != 0) {
        if (g == EAI_MEMORY)
            return WN_E_NOMEM;
        return WN_E_RESOLVE;
    }
    int rc = WN_E_UNREACHABLE;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        rc = connect_one(ai, deadline, out);
        if (rc == 0 || rc == WN_E_TIMEOUT)
            break;
    }
    freeaddrinfo(res);
    return rc;
}

int
wn_smb2_send_all(struct wn_smb2_conn *c, const uint8_t *p, size_t n, uint64_t deadline)
{
    while (n) {
        ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL);
        if (k > 0) {
            p += k;
            n -= (size_t)k;
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = wait_fd(c->fd, POLLOUT, deadline);
            if (rc)
                return rc;
            continue;
        }
        return k == 0 ? WN_E_CLOSED : errno_to_err(errno);
    }
    return 0;
}

static int
recv_all(struct wn_smb2_conn *c, uint8_t *p, size_t n, uint64_t deadline)
{
    while (n) {
        ssize_t k = recv(c->fd, p, n, 0);
        if (k > 0) {
            p += k;
            n -= (size_t)k;
            continue;
        }
        if (k == 0)
            return WN_E_CLOSED;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_fd(c->fd, POLLIN, deadline);
            if (rc)
                return rc;
            continue;
        }
        return errno_to_err(errno);
    }
    return 0;
}

/* Reads one NBSS frame into c->rx. */
int
wn_smb2_recv_frame(struct wn_smb2_conn *c, uint64_t deadline)
{
    uint8_t nb[4];
    int rc = recv_all(c, nb, 4, deadline);
    if (rc)
        return rc;
    size_t len = ((size_t)nb[1] << 16) | ((size_t)nb[2] << 8) | nb[3];
    WN_PARSE_CHECK(MOD, nb[0] == 0, WN_E_PROTOCOL);
    WN_PARSE_CHECK(MOD, len >= WN_SMB2_HDR_LEN, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, len <= WN_SMB2_MAX_MESSAGE, WN_E_LIMIT);
    wn_dynbuf_reset(&c->rx);
    uint8_t *dst;
    rc = wn_dynbuf_grow(&c->rx, len, &dst);
    if (rc)
        return rc;
    return recv_all(c, dst, len, deadline);
}

