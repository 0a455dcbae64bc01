/* v3drv.h: a small synchronous SNMPv3 manager for tests only: one UDP socket running the usm layer's exchanges (discovery, time sync, resync, retry) to completion. */
#ifndef V3DRV_H
#define V3DRV_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "usm.h"

#define V3DRV_BUF 65536

struct v3drv {
    int fd;
    struct sockaddr_in peer_addr;
    struct wn_usm_user *user;       /* borrowed; auth NONE for noAuthNoPriv */
    uint8_t level;                  /* WN_SNMP_V3_FLAG_AUTH / _PRIV */
    struct wn_usm_peer peer;        /* what we know of the agent, and counters */
    struct wn_usm_salt salt;
    int32_t msg_ids;
    int32_t next_req_id;
    unsigned timeout_ms;
    unsigned retries;
    int32_t max_size;               /* our msgMaxSize; 0: the largest (65 507) */
    unsigned sent;                  /* datagrams sent */
    struct wn_usm_exchange x;       /* the last exchange (its result) */
    uint8_t tx[V3DRV_BUF];
    uint8_t rx[V3DRV_BUF];
    uint8_t scratch[V3DRV_BUF];
};

/* Opens a UDP socket towards 127.0.0.1:port.  user borrowed. 0 or WN_E_*. */
int v3drv_open(struct v3drv *d, unsigned port, struct wn_usm_user *user, uint8_t level);
void v3drv_close(struct v3drv *d);
/* Engine ID discovery and, for an authenticating user, time sync.  0 or
 * the WN_E_* of the exchange. */
int v3drv_discover(struct v3drv *d);
/* Sends pdu (its request_id replaced by the driver's) and waits for the
 * response (discovering first if needed).  On 0, *resp is the response
 * PDU, valid until the next call.  Errors: those of wn_usm_exchange_*. */
int v3drv_request(struct v3drv *d, const struct wn_snmp_pdu *pdu, const struct wn_snmp_pdu **resp);

/* cmocka group setup/teardown for the v3 peer tests: private snmpd and/or
 * snmptrapd (tests/peer/snmp scripts) with this folder's v3 users, in
 * v3_peers.  Defined in v3peers.c. */
struct wire_peers;
extern struct wire_peers v3_peers;
int v3_peers_setup_snmpd(void **state);
int v3_peers_setup_trapd(void **state);
int v3_peers_teardown(void **state);

#endif /* V3DRV_H */
