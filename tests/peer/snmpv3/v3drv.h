/* v3drv.h: a small synchronous SNMPv3 manager for tests only: one UDP socket, the snmp codec and the usm layer, discovery, time sync, resync and retry. */
#ifndef V3DRV_H
#define V3DRV_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "usm.h"

#define V3DRV_BUF 65536

struct v3drv {
    int fd;
    struct sockaddr_in peer;
    struct wn_usm_user *user;       /* borrowed; auth NONE for noAuthNoPriv */
    uint8_t level;                  /* WN_SNMP_V3_FLAG_AUTH / _PRIV */
    struct wn_usm_engine engine;    /* what we know of the agent */
    struct wn_usm_salt salt;
    int32_t next_msg_id;
    int32_t next_req_id;
    unsigned timeout_ms;
    unsigned retries;
    /* what happened, for the tests */
    unsigned discoveries;           /* engine ID discoveries */
    unsigned time_syncs;            /* authenticated time synchronisations */
    unsigned resyncs;               /* notInTimeWindow / unknownEngineID recoveries */
    unsigned sent;                  /* datagrams sent */
    uint8_t tx[V3DRV_BUF];
    uint8_t rx[V3DRV_BUF];
    uint8_t scratch[V3DRV_BUF];
    struct wn_usm_in in;            /* the last message received */
};

/* Opens a UDP socket towards 127.0.0.1:port.  user borrowed. 0 or WN_E_*. */
int v3drv_open(struct v3drv *d, unsigned port, struct wn_usm_user *user, uint8_t level);
void v3drv_close(struct v3drv *d);
/* Engine ID discovery (a Report to an empty-engine probe) and, for an
 * authenticating user, time synchronisation (an authenticated Report
 * notInTimeWindow to a message with boots/time 0).  0 or the WN_E_* the
 * agent's report stands for (unknownUserName, wrongDigest, ...). */
int v3drv_discover(struct v3drv *d);
/* Sends pdu (its request_id is replaced by the driver's) and waits for
 * the matching Response; discovers first if needed.  On 0, *resp is the
 * response PDU, valid until the next call.  A notInTimeWindow report
 * resynchronises and an unknownEngineID report rediscovers, then the
 * request is retried once.  Errors: the report's WN_E_*, WN_E_TIMEOUT,
 * WN_E_DECRYPTIONERROR when an authPriv request gets no answer although
 * the agent answers the same user authenticated without privacy (snmpd
 * drops requests it cannot decrypt without a report). */
int v3drv_request(struct v3drv *d, const struct wn_snmp_pdu *pdu, const struct wn_snmp_pdu **resp);

#endif /* V3DRV_H */
