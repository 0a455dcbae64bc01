/* dgram_fixture.h: shared fixture of the dgram tests: manager socket on the loop, responder socket, counters. */
#ifndef WN_TEST_EVLOOP_DGRAM_FIXTURE_H
#define WN_TEST_EVLOOP_DGRAM_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "base.h"
#include "evloop.h"
#include "waiter.h"

/* Test wire format: 'Q' (request) / 'R' (response) / 'T' (trap), key u32be, payload. */
#define PKT_HDR 5

struct treq {
    struct wn_dgram_req r;
    uint8_t buf[32];
    int callbacks;          /* loop thread */
    int responded;          /* loop thread */
};

struct fx {
    struct wn_evloop *l;
    int family;
    struct wn_dgram_sock *mgr;
    struct sockaddr_storage mgr_addr;     /* loopback + the manager's port */
    socklen_t mgr_len;
    int peer;                             /* responder socket, test thread */
    struct sockaddr_storage peer_addr;
    socklen_t peer_len;
    struct waiter w;                      /* bumped by every callback */
    long responses, timeouts, unsolicited, strays;     /* loop thread */
    uint32_t last_stray_key;                           /* loop thread */
    struct sockaddr_storage last_from;                 /* loop thread */
    uint8_t last_pkt[64];
    size_t last_len;
    int close_in_callback;
    struct treq *free_after_close;        /* heap; freed by that callback */
    int other_released;                   /* it was released by the close */
};

struct start_op {
    struct treq *t;
    uint32_t timeout_ms, retries;
    const struct sockaddr *dest;   /* NULL: the peer */
    socklen_t destlen;
    int err;
};

struct stats_op {
    struct wn_dgram_stats st;
    size_t outstanding;
    long responses, timeouts, unsolicited, strays;
    uint32_t last_stray_key;
};

extern struct fx F;
extern const struct wn_dgram_ops t_ops;

/* Opens the responder socket and the manager socket; -1 when the family is unavailable. */
int fx_setup(int family);
/* cmocka teardown: closes everything, also after a failed test. */
int fx_teardown(void **state);
void encode(struct treq *t, char type, uint32_t key);
/* match_key of the test wire format: the key of an 'R' datagram, else -1. */
int fx_match_key(void *ctx, const uint8_t *pkt, size_t len, uint32_t *key);
/* On the loop: starts t (zeroed first; data = t) on s to dest, a 'Q'
 * datagram with "hello" after the header.  0 or the first WN_E_* of
 * key_alloc / send_request. */
int fx_start_on(struct wn_dgram_sock *s, struct treq *t, const struct sockaddr *dest, socklen_t dl,
                uint32_t timeout_ms, uint32_t retries);
/* Loop-thread bodies for wn_evloop_call. */
void start_req(void *arg);
void cancel_req(void *arg);
void get_stats(void *arg);
/* Test-thread wrappers. */
int start(struct treq *t, uint32_t timeout_ms, uint32_t retries);
struct stats_op stats(void);
struct stats_op stats_when_rx(uint64_t rx);
int raw_send(const uint8_t *bytes, size_t len);
ssize_t peer_recv(int fd, uint8_t *buf, size_t cap, struct sockaddr_storage *from, long timeout_ms);
void peer_send(int fd, char type, uint32_t key, const struct sockaddr_storage *to, socklen_t tolen);
uint32_t key_of(const uint8_t *b);

#endif
