/* v3drv.c: a small synchronous SNMPv3 manager for tests only (see v3drv.h): sends what a wn_usm_exchange asks, with retransmissions, and feeds back replies and timeouts. */
#include "v3drv.h"

#include <arpa/inet.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_MSG_SIZE 65507
#define DEFAULT_TIMEOUT_MS 2000
#define DEFAULT_RETRIES 1

int
v3drv_open(struct v3drv *d, unsigned port, struct wn_usm_user *user, uint8_t level)
{
    memset(d, 0, sizeof *d);
    d->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (d->fd < 0)
        return WN_E_IO;
    d->peer_addr.sin_family = AF_INET;
    d->peer_addr.sin_port = htons((uint16_t)port);
    d->peer_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d->user = user;
    d->level = level;
    d->timeout_ms = DEFAULT_TIMEOUT_MS;
    d->retries = DEFAULT_RETRIES;
    uint32_t r = 0;
    wn_random(&r, sizeof r);
    d->msg_ids = (int32_t)(r & 0x3fffffff) + 1;
    d->next_req_id = (int32_t)((r >> 2) & 0x3fffffff) + 1;
    return wn_usm_salt_init(&d->salt);
}

void
v3drv_close(struct v3drv *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
    wn_wipe(d->scratch, sizeof d->scratch);
}

/* Sends x->out (with retransmissions) and feeds the first reply for it,
 * or the timeout, back to the exchange.  Returns the next step. */
static int
send_and_feed(struct v3drv *d)
{
    struct wn_usm_exchange *x = &d->x;
    for (unsigned attempt = 0; attempt <= d->retries; attempt++) {
        if (sendto(d->fd, x->out, x->out_len, 0, (const struct sockaddr *)&d->peer_addr,
                   sizeof d->peer_addr) != (ssize_t)x->out_len)
            return WN_E_IO;
        d->sent++;
        uint64_t deadline = wn_clock_ms() + d->timeout_ms;
        for (;;) {
            uint64_t now = wn_clock_ms();
            if (now >= deadline)
                break;
            struct pollfd p = {.fd = d->fd, .events = POLLIN};
            if (poll(&p, 1, (int)(deadline - now)) <= 0)
                continue;
            ssize_t n = recv(d->fd, d->rx, sizeof d->rx, 0);
            if (n <= 0)
                continue;
            int step = wn_usm_exchange_reply(x, d->rx, (size_t)n, wn_clock_ms());
            if (step != WN_USM_STEP_IGNORE)
                return step;
        }
    }
    return wn_usm_exchange_timeout(x, wn_clock_ms());
}

static int
run(struct v3drv *d, const struct wn_snmp_pdu *pdu)
{
    struct wn_usm_exchange *x = &d->x;
    memset(x, 0, sizeof *x);
    x->peer = &d->peer;
    x->user = d->user;
    x->level = d->level;
    x->salt = &d->salt;
    x->msg_ids = &d->msg_ids;
    x->max_size = d->max_size ? d->max_size : MAX_MSG_SIZE;
    x->pdu = pdu;
    x->buf = d->tx;
    x->buf_cap = sizeof d->tx;
    x->scratch = d->scratch;
    x->scratch_cap = sizeof d->scratch;
    int step = wn_usm_exchange_start(x, wn_clock_ms());
    while (step == WN_USM_STEP_SEND)
        step = send_and_feed(d);
    if (step == WN_USM_STEP_DONE)
        return 0;
    if (step == WN_USM_STEP_FAIL)
        return x->err;
    wn_usm_exchange_abort(x);
    return step < 0 ? step : WN_E_STATE;    /* WAIT cannot happen with one exchange */
}

int
v3drv_discover(struct v3drv *d)
{
    memset(&d->peer.engine, 0, sizeof d->peer.engine);
    return run(d, NULL);
}

int
v3drv_request(struct v3drv *d, const struct wn_snmp_pdu *pdu, const struct wn_snmp_pdu **resp)
{
    struct wn_snmp_pdu req = *pdu;
    req.request_id = d->next_req_id++;
    int rc = run(d, &req);
    if (rc == 0)
        *resp = &d->x.in.scoped.pdu;
    return rc;
}
