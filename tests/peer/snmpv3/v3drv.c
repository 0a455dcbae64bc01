/* v3drv.c: a small synchronous SNMPv3 manager for tests only (see v3drv.h); the engine design it tries out is in docs/snmpv3.md. */
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
    d->peer.sin_family = AF_INET;
    d->peer.sin_port = htons((uint16_t)port);
    d->peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d->user = user;
    d->level = level;
    d->timeout_ms = DEFAULT_TIMEOUT_MS;
    d->retries = DEFAULT_RETRIES;
    uint32_t r;
    wn_random(&r, sizeof r);
    d->next_msg_id = (int32_t)(r & 0x3fffffff) + 1;
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

/* Sends tx[0..len) and waits for a message with msgID id; retries.
 * 0 (d->in parsed), WN_E_TIMEOUT or an error of wn_usm_parse. */
static int
exchange(struct v3drv *d, const uint8_t *msg, size_t len, int32_t id)
{
    for (unsigned attempt = 0; attempt <= d->retries; attempt++) {
        if (sendto(d->fd, msg, len, 0, (const struct sockaddr *)&d->peer, sizeof d->peer)
            != (ssize_t)len)
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
            if (wn_usm_parse(d->rx, (size_t)n, &d->in) != 0 || d->in.msg.msg_id != id)
                continue;   /* not ours, or not a message: keep waiting */
            return 0;
        }
    }
    return WN_E_TIMEOUT;
}

/* Encodes a request for the current engine at `level` with the user (or
 * none) and exchanges it.  pdu's request id is kept. */
static int
send_and_wait(struct v3drv *d, struct wn_usm_user *user, uint8_t level,
              const struct wn_snmp_pdu *pdu)
{
    struct wn_snmp_scoped_pdu sc = {
        .context_engine_id = d->engine.id, .context_engine_id_len = d->engine.id_len,
        .pdu = *pdu,
    };
    int32_t id = d->next_msg_id++;
    if (d->next_msg_id < 0)
        d->next_msg_id = 1;
    struct wn_usm_out o = {
        .user = user, .engine = &d->engine, .flags = level | WN_SNMP_V3_FLAG_REPORTABLE,
        .msg_id = id, .max_size = MAX_MSG_SIZE, .scoped = &sc,
    };
    const uint8_t *msg;
    size_t len;
    int rc = wn_usm_encode(&o, &d->salt, wn_clock_ms(), d->tx, sizeof d->tx, d->scratch,
                           sizeof d->scratch, &msg, &len);
    if (rc)
        return rc;
    return exchange(d, msg, len, id);
}

/* Security processing of d->in as a reply to a request made by user. */
static int
process(struct v3drv *d, struct wn_usm_user *user)
{
    return wn_usm_process_in(&d->in, user, &d->engine, 0, wn_clock_ms(), d->scratch,
                             sizeof d->scratch);
}

static struct wn_snmp_pdu
empty_get(struct v3drv *d)
{
    struct wn_snmp_pdu p = {.type = WN_SNMP_PDU_GET, .request_id = d->next_req_id++};
    return p;
}

int
v3drv_discover(struct v3drv *d)
{
    memset(&d->engine, 0, sizeof d->engine);
    struct wn_snmp_pdu probe = empty_get(d);
    /* RFC 3414 4: noAuthNoPriv, empty engine ID and user name. */
    int rc = send_and_wait(d, NULL, 0, &probe);
    if (rc)
        return rc;
    if (d->in.scoped.pdu.type != WN_SNMP_PDU_REPORT || (d->in.msg.flags & WN_SNMP_V3_FLAG_AUTH))
        return WN_E_PROTOCOL;
    rc = wn_usm_engine_set_id(&d->engine, d->in.sp.engine_id, d->in.sp.engine_id_len);
    if (rc)
        return WN_E_PROTOCOL;
    d->discoveries++;
    if (d->user->auth == WN_USM_AUTH_NONE)
        return 0;
    /* Time: an authenticated message with boots/time 0 gets an
     * authenticated notInTimeWindow report carrying the agent's clock. */
    struct wn_snmp_pdu sync = empty_get(d);
    rc = send_and_wait(d, d->user, WN_SNMP_V3_FLAG_AUTH, &sync);
    if (rc)
        return rc;
    if (!(d->in.msg.flags & WN_SNMP_V3_FLAG_AUTH)) {
        /* Unauthenticated report: wrong digest, unknown user, ... */
        return d->in.scoped.pdu.type == WN_SNMP_PDU_REPORT ? wn_usm_report_error(&d->in.scoped.pdu)
                                                           : WN_E_PROTOCOL;
    }
    rc = process(d, d->user);
    if (rc)
        return rc;
    if (!d->engine.time_known)
        return WN_E_PROTOCOL;
    d->time_syncs++;
    return 0;
}

/* After an authPriv request went unanswered: does the agent answer the
 * same user authenticated without privacy?  Then the priv key is wrong. */
static int
diagnose_silence(struct v3drv *d)
{
    if (!(d->level & WN_SNMP_V3_FLAG_PRIV))
        return WN_E_TIMEOUT;
    struct wn_snmp_pdu probe = empty_get(d);
    if (send_and_wait(d, d->user, WN_SNMP_V3_FLAG_AUTH, &probe) != 0)
        return WN_E_TIMEOUT;
    if ((d->in.msg.flags & WN_SNMP_V3_FLAG_AUTH) && process(d, d->user) == 0)
        return WN_E_DECRYPTIONERROR;
    return WN_E_TIMEOUT;
}

int
v3drv_request(struct v3drv *d, const struct wn_snmp_pdu *pdu, const struct wn_snmp_pdu **resp)
{
    int rc;
    if (!d->engine.id_len) {
        rc = v3drv_discover(d);
        if (rc)
            return rc;
    }
    struct wn_snmp_pdu req = *pdu;
    for (int round = 0; round < 2; round++) {
        req.request_id = d->next_req_id++;
        rc = send_and_wait(d, d->user, d->level, &req);
        if (rc == WN_E_TIMEOUT)
            return diagnose_silence(d);
        if (rc)
            return rc;
        int authed = (d->in.msg.flags & WN_SNMP_V3_FLAG_AUTH) != 0;
        if (authed) {
            rc = process(d, d->user);
            if (rc)
                return rc;
        }
        const struct wn_snmp_pdu *got = &d->in.scoped.pdu;
        if (got->type == WN_SNMP_PDU_REPORT) {
            rc = wn_usm_report_error(got);
            /* An authenticated notInTimeWindow report already moved our
             * clock (step 7b in process); retry once.  A stale engine ID:
             * discover again, retry once. */
            if (round == 0 && rc == WN_E_NOTINTIMEWINDOW && authed) {
                d->resyncs++;
                continue;
            }
            if (round == 0 && rc == WN_E_UNKNOWNENGINEID) {
                d->resyncs++;
                rc = v3drv_discover(d);
                if (rc)
                    return rc;
                continue;
            }
            return rc;
        }
        /* A response comes at the request's level (RFC 3412 7.2 step 12). */
        if (got->type != WN_SNMP_PDU_RESPONSE || got->request_id != req.request_id
            || (d->in.msg.flags & WN_USM_LEVEL_MASK) != d->level)
            return WN_E_PROTOCOL;
        *resp = got;
        return 0;
    }
    return WN_E_NOTINTIMEWINDOW;
}
