/* dgram_int.h: what the datagram transaction files share: the socket, request states, the batched send. */
#ifndef WN_EVLOOP_DGRAM_INT_H
#define WN_EVLOOP_DGRAM_INT_H

#include "evloop_int.h"

#include <sys/socket.h>
#include <sys/uio.h>

/* Datagrams taken per recvmmsg call (each gets a WN_DGRAM_MAX_LEN buffer). */
#define WN_DGRAM_RX_BATCH 8
/* Sends held for one sendmmsg: the first sends of one receive round, or
 * the first sends and retransmissions made before the loop next waits
 * (flushed early when full). */
#define WN_DGRAM_TX_BATCH 64

/* REQ_FAILED: in flight, its first send refused by the kernel during a
 * flush; reported (and released) at the end of the receive round. */
enum { REQ_IDLE = 0, REQ_RESERVED = 1, REQ_INFLIGHT = 2, REQ_FAILED = 3 };

/* A request's place in the socket's batch (wn_txq): none, its first send,
 * a retransmission (whose refusal is a loss, never reported). */
enum { TXQ_NONE = 0, TXQ_FIRST = 1, TXQ_RETX = 2 };

struct wn_dgram_sock {
    struct wn_evloop *loop;
    int fd;
    int family;
    struct wn_io io;
    const struct wn_dgram_ops *ops;
    void *ctx;
    struct wn_dgram_stats stats;
    /* Outstanding requests by key: open addressing, linear probing. */
    struct wn_dgram_req **slots;
    uint32_t *keys;     /* slots[i]'s key, 0 when free (in the same block) */
    size_t mask;
    size_t count;
    uint32_t next_key;
    /* Close requested from inside one of our receive callbacks. */
    int dispatching;
    int closing;
    /* Sends waiting for the end of the round or the prepare (wn_dgram_tx_send);
     * each request's wn_txq says it is here, at most once. */
    struct wn_dgram_req *txq[WN_DGRAM_TX_BATCH];
    int txn;
    /* Requests in REQ_FAILED, reported at the end of the round (tx_report). */
    size_t failed;
    /* Flushes the batch before the loop waits, for first sends made
     * outside a receive round. */
    struct wn_evloop_prepare txp;
    /* UDP GSO in use for those batches (probed at open, dropped after
     * WN_DGRAM_GSO_MAX_REFUSED refusals). */
    int gso;
    /* Receive batch, allocated once. */
    uint8_t *rxbuf;
    struct mmsghdr msgs[WN_DGRAM_RX_BATCH];
    struct iovec iov[WN_DGRAM_RX_BATCH];
    struct sockaddr_storage from[WN_DGRAM_RX_BATCH];
};


/* The WN_E_* of a send's errno: WN_E_BUSY for transient refusals. */
int wn_dgram_send_err(int e);

/* 1 when the kernel segments UDP GSO sends on fd (Linux >= 4.18). */
int wn_dgram_gso_probe(int fd);

/* Sends s's batch (s->txq) with sendmmsg, grouped into UDP GSO sends
 * where s->gso allows, and empties it (every request's wn_txq back to
 * TXQ_NONE).  Runs no callback: a request whose first send the kernel
 * refused for good is marked REQ_FAILED (error in wn_err) and counted in
 * s->failed, for dgram.c to report; a refused retransmission is a loss. */
void wn_dgram_tx_send(struct wn_dgram_sock *s);

#endif
