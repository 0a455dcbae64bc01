/* evloop.h: contract of the evloop layer (I/O thread, timers, fd watchers, sockets, UDP transactions). */
#ifndef WN_EVLOOP_H
#define WN_EVLOOP_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* ------------------------------------------------------------------------
 * The loop.  One process-wide loop runs on one I/O thread.  Every callback
 * of this layer (posted functions, timers, fd watchers, datagram events)
 * runs on that thread.  Functions marked "loop thread only" must be called
 * from a callback running on the loop (or via wn_evloop_call).
 * See docs/evloop.md for the threading and locking rules.
 * ---------------------------------------------------------------------- */
struct wn_evloop;

/* Takes a reference on the process-wide loop; the first acquire creates it
 * and starts its thread.  *out is borrowed until the matching release.
 * Thread-safe.  Returns 0, WN_E_NOMEM or WN_E_IO. */
int wn_evloop_acquire(struct wn_evloop **out);

/* Drops a reference.  The last release runs the functions still posted,
 * stops the thread and joins it (from any thread but the loop thread).
 * If the last release happens ON the loop thread (from a callback) the loop
 * stops after that callback returns and its thread frees the loop itself
 * (detached); a later acquire creates a fresh loop.  Timers and watchers
 * still registered at the last release are abandoned, never called.
 * Thread-safe. */
void wn_evloop_release(struct wn_evloop *l);

/* Queues fn(arg) to run on the loop thread soon, in FIFO order (order of
 * the posts as serialised by the queue lock).  Never runs fn inline, even
 * when called on the loop thread.  arg is passed through untouched.
 * Thread-safe.  Returns 0 or WN_E_NOMEM (then fn will not run). */
int wn_evloop_post(struct wn_evloop *l, void (*fn)(void *arg), void *arg);

/* Runs fn(arg) on the loop thread and waits until it returned.  Called on
 * the loop thread it runs fn inline.  Thread-safe.  Returns 0 or
 * WN_E_NOMEM (then fn did not run). */
int wn_evloop_call(struct wn_evloop *l, void (*fn)(void *arg), void *arg);

/* 1 when the caller is the loop's thread, else 0.  Thread-safe. */
int wn_evloop_in_loop(const struct wn_evloop *l);

/* A function run once on the loop thread before the loop next waits for
 * I/O: after the posted functions, timers or I/O callbacks running now
 * (to send together what they queued).  Intrusive: the caller owns the
 * struct; set cb and data, zero the rest. */
struct wn_evloop_prepare {
    void (*cb)(struct wn_evloop_prepare *p);
    void *data;                          /* the caller's */
    struct wn_evloop_prepare *wn_next;   /* private */
    uint64_t wn_round;                   /* private: the run it is queued for */
    int wn_queued;                       /* private */
};
/* Queues p unless it is queued already.  Loop thread only.  One run of
 * the queue takes what is queued when it starts; what its callbacks queue
 * runs after a poll that does not wait. */
void wn_evloop_prepare_once(struct wn_evloop *l, struct wn_evloop_prepare *p);
/* Unqueues p (a no-op when it is not queued).  Loop thread only. */
void wn_evloop_prepare_cancel(struct wn_evloop *l, struct wn_evloop_prepare *p);

/* ------------------------------------------------------------------------
 * Timers: intrusive (the caller owns the struct; no allocation per start),
 * kept in a min-heap keyed by wn_clock_ms(), O(log n) start/stop.  Loop
 * thread only.  Timers due at the same millisecond fire in start order.
 * A callback may start, stop or free its own timer and any other.  An
 * active timer must be stopped before its memory is freed or re-inited.
 * ---------------------------------------------------------------------- */
/* Timers started with one of up to WN_TIMER_LISTS distinct delays at a
 * time (a library uses a few: its retransmission timeouts) go to a list
 * per delay and start and stop in O(1) without allocating; the others go
 * to a min-heap (O(log n)). */
#define WN_TIMER_LISTS 8

struct wn_timer {
    uint64_t wn_due;     /* private: absolute due time (ms) */
    uint64_t wn_seq;     /* private: start order, ties broken FIFO */
    size_t wn_idx;       /* private: heap index, a list's tag, SIZE_MAX when inactive */
    struct wn_timer *wn_prev, *wn_next;   /* private: neighbours in a list */
    void (*cb)(struct wn_timer *t);
    void *data;          /* the caller's; untouched by the loop */
};

void wn_timer_init(struct wn_timer *t, void (*cb)(struct wn_timer *), void *data);
/* (Re)starts t to fire once after delay_ms; restarts if already active.
 * Returns 0, or WN_E_NOMEM when the heap was needed and could not grow
 * (t stays inactive).
 * wn_evloop_timer_reserve() makes later starts allocation-free. */
int wn_timer_start(struct wn_evloop *l, struct wn_timer *t, uint64_t delay_ms);
/* Stops t; idempotent (inactive or never started is fine). */
void wn_timer_stop(struct wn_evloop *l, struct wn_timer *t);
/* 1 while started and not yet fired or stopped. */
int wn_timer_active(const struct wn_timer *t);
/* Grows the heap so that n timers can be active without allocating.
 * Loop thread only.  0 or WN_E_NOMEM. */
int wn_evloop_timer_reserve(struct wn_evloop *l, size_t n);
/* Number of active timers.  Loop thread only. */
size_t wn_evloop_timer_count(const struct wn_evloop *l);

/* ------------------------------------------------------------------------
 * fd watchers: level-triggered, loop thread only.  The caller owns the
 * struct and the fd (the loop never closes it).  Stop before close/free.
 * A callback may stop or free any watcher, including its own: pending
 * events of a stopped watcher are discarded.  No FD_SETSIZE limit.
 * ---------------------------------------------------------------------- */
#define WN_IO_READ  0x1u
#define WN_IO_WRITE 0x2u
#define WN_IO_ERROR 0x4u   /* revents only: error or hang-up on the fd */

struct wn_io {
    int fd;
    uint32_t events;                              /* WN_IO_READ | WN_IO_WRITE */
    void (*cb)(struct wn_io *io, uint32_t revents);
    void *data;                                   /* the caller's */
    int wn_active;                                /* private */
};

void wn_io_init(struct wn_io *io, int fd, uint32_t events,
                void (*cb)(struct wn_io *, uint32_t), void *data);
/* 0, WN_E_STATE (already started), WN_E_INVAL (bad fd), WN_E_EXISTS (fd
 * already watched by another watcher), WN_E_NOMEM or WN_E_IO.  io is
 * borrowed until wn_io_stop. */
int wn_io_start(struct wn_evloop *l, struct wn_io *io);
/* Changes the interest set of a started watcher.  0 or WN_E_STATE/WN_E_IO. */
int wn_io_modify(struct wn_evloop *l, struct wn_io *io, uint32_t events);
/* Stops watching; idempotent. */
void wn_io_stop(struct wn_evloop *l, struct wn_io *io);

/* ------------------------------------------------------------------------
 * Socket address helpers (no name resolution except "localhost").
 * ---------------------------------------------------------------------- */
/* Longest output of wn_sockaddr_format, NUL included: "[v6%scope]:65535". */
#define WN_SOCKADDR_STRLEN 80

/* Parses "1.2.3.4", "1.2.3.4:161", "::1", "[::1]:161", "[::1]", "fe80::1%lo",
 * "[fe80::1%lo]:161" and "localhost" / "localhost:161" (= 127.0.0.1).
 * A bare IPv6 address never takes a port suffix.  default_port is used when
 * the string has none.  *len gets the sockaddr length.
 * Returns 0, WN_E_INVAL (syntax, bad port, unknown scope) or WN_E_RESOLVE
 * (not a numeric address). */
int wn_sockaddr_parse(const char *str, uint16_t default_port,
                      struct sockaddr_storage *ss, socklen_t *len);
/* Writes "1.2.3.4" / "1.2.3.4:161" / "::1" / "[::1]:161" (scope as
 * "%<ifname or index>").  Returns the length written (without NUL), or
 * WN_E_NOSPACE / WN_E_INVAL (unknown family). */
int wn_sockaddr_format(const struct sockaddr *sa, char *buf, size_t cap, int with_port);
/* 1 when a and b have the same family, address and port (and, for IPv6,
 * the same scope id when both have one), else 0. */
int wn_sockaddr_equal(const struct sockaddr *a, const struct sockaddr *b);
/* Length of the sockaddr for its family (0 for an unknown family). */
socklen_t wn_sockaddr_len(const struct sockaddr *sa);

/* Opens a non-blocking, close-on-exec UDP socket of family AF_INET or
 * AF_INET6 (IPV6_V6ONLY set), with a large receive buffer, bound to
 * bind_addr when not NULL (else unbound: the kernel picks an ephemeral port
 * at the first send).  *fd is returned-owned (close()).  Returns 0 or
 * WN_E_INVAL / WN_E_INUSE / WN_E_ACCESS / WN_E_UNSUPPORTED / WN_E_IO. */
int wn_udp_open(int family, const struct sockaddr *bind_addr, socklen_t bind_len, int *fd);

/* ------------------------------------------------------------------------
 * Datagram transactions (generic; knows nothing about SNMP).  All loop
 * thread only (asserted in builds without NDEBUG) except sock_name/sock_fd.  A request is sent, retransmitted with the same bytes every
 * timeout_ms up to `retries` more times, and completes exactly once with
 * on_response or on_timeout, unless cancelled (then no callback at all).
 * ---------------------------------------------------------------------- */
struct wn_dgram_sock;
struct wn_dgram_req;

/* Counters of one socket (since it opened). */
struct wn_dgram_stats {
    uint64_t rx;          /* datagrams received */
    uint64_t tx;          /* datagrams sent (first sends, retransmits, raw) */
    uint64_t retransmits; /* retransmissions sent */
    uint64_t timeouts;    /* requests that ran out of retries */
    uint64_t stray;       /* responses with no outstanding key or wrong source */
    uint64_t rx_errors;   /* receive errors and truncated datagrams */
    uint64_t tx_errors;   /* sends the kernel refused (the request still times out) */
    uint64_t tx_gso;      /* datagrams of tx that left as segments of a UDP GSO send */
    uint64_t gso_refused; /* GSO sends refused whose datagrams then went out one by one */
    uint64_t tx_batches;  /* sendmmsg calls that sent a batch's messages (or the first of them) */
};

struct wn_dgram_ops {
    /* Extracts the wire key (request id) of a received datagram.  Returns
     * 0 with *key set, or < 0 when it is not a response (then the datagram
     * goes to on_unsolicited).  pkt is borrowed for the call. */
    int (*match_key)(void *ctx, const uint8_t *pkt, size_t len, uint32_t *key);
    /* A response matched req (same key AND source == req->dest).  req is
     * already complete: the callback may free it.  pkt/from are borrowed
     * for the call. */
    void (*on_response)(void *ctx, struct wn_dgram_req *req, const uint8_t *pkt,
                        size_t len, const struct sockaddr *from, socklen_t fromlen);
    /* Retries exhausted; req is complete and may be freed. */
    void (*on_timeout)(void *ctx, struct wn_dgram_req *req);
    /* Everything match_key refused: traps, requests to an agent socket.
     * pkt/from borrowed for the call.  May be NULL (then dropped). */
    void (*on_unsolicited)(void *ctx, struct wn_dgram_sock *s, const uint8_t *pkt,
                           size_t len, const struct sockaddr *from, socklen_t fromlen);
    /* Optional (NULL: dropped).  A response whose key is not outstanding
     * (late, duplicate, unknown) or that came from another address than the
     * request's destination.  Counted in `stray` either way; no request is
     * touched.  pkt/from borrowed for the call. */
    void (*on_stray)(void *ctx, struct wn_dgram_sock *s, uint32_t key, const uint8_t *pkt,
                     size_t len, const struct sockaddr *from, socklen_t fromlen);
    /* Optional.  When set, first sends are batched: one made from inside
     * this socket's receive callbacks (on_response, on_unsolicited,
     * on_stray) goes out with the others of the same receive round in one
     * sendmmsg after the round, one made elsewhere (a posted function, a
     * timer) with the others made before the loop next waits for I/O; and
     * wn_dgram_send_request cannot see its errors: a datagram the kernel
     * refuses for good (WN_E_UNREACHABLE, WN_E_ACCESS, WN_E_INVAL, WN_E_IO)
     * ends the request here instead, after the batch is sent, released as
     * for on_response (no other callback follows).  Never called inside
     * wn_dgram_send_request.  Retransmissions are batched too, with the
     * sends made before the loop next waits; a refused one is a loss
     * (counted as sent), never reported here.  NULL: every first send and
     * retransmission is made at once. */
    void (*on_send_error)(void *ctx, struct wn_dgram_req *req, int err);
    /* Optional (NULL: key and source are enough).  Asked about a datagram
     * whose key and source match req, before req completes: 0 accepts it
     * (on_response follows), < 0 refuses it as not its answer (it is
     * counted and handled as a stray; req stays outstanding).  For what
     * else the request fixed (an SNMP reply's version and community).
     * pkt borrowed for the call. */
    int (*accept)(void *ctx, const struct wn_dgram_req *req, const uint8_t *pkt, size_t len);
};

/* A request.  The caller owns the struct (intrusive: no allocation per
 * request) and must keep it alive until it completes or is cancelled.
 * Initialise it once with wn_dgram_req_init (or zero it); after completion
 * or cancel it may be reused for a new key. */
/* A UDP peer address: IPv4 or IPv6, 28 bytes instead of a 128-byte
 * sockaddr_storage (kept once per outstanding request). */
union wn_sockaddr_in46 {
    struct sockaddr sa;
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
};

struct wn_dgram_req {
    /* Set by the caller before wn_dgram_send_request (destlen at most
     * sizeof dest): */
    union wn_sockaddr_in46 dest;
    socklen_t destlen;
    const uint8_t *pkt;   /* borrowed until completion or cancel */
    size_t len;
    uint32_t timeout_ms;  /* per attempt; 0 is treated as 1 */
    uint32_t retries;     /* retransmissions after the first send */
    void *data;           /* the caller's */
    /* Set by the layer: */
    uint32_t key;         /* wire key, valid from wn_dgram_key_* on */
    uint32_t sent;        /* transmissions so far (1 + retransmits) */
    /* Private: */
    struct wn_dgram_sock *wn_sock;
    struct wn_timer wn_timer;
    uint8_t wn_state;
    uint8_t wn_txq;       /* in the socket's batch of sends: as a first send or a retransmission */
    int wn_err;           /* a refused first send's WN_E_*, until reported */
};

/* Key range handed out by wn_dgram_key_alloc: 1 .. WN_DGRAM_KEY_MAX
 * (positive Integer32, as SNMP request ids want). */
#define WN_DGRAM_KEY_MAX 0x7fffffffu
/* Outstanding requests per socket (keys reserved or in flight). */
#define WN_DGRAM_MAX_OUTSTANDING (1u << 22)
/* Largest datagram received or sent. */
#define WN_DGRAM_MAX_LEN 65535u

/* Opens a UDP socket on the loop.  bind_addr NULL: bound at once to the
 * wildcard address of `family`, ephemeral port (a manager socket); else the socket is bound to it (a listener)
 * and family must match.  ops is borrowed for the socket's life (usually
 * static), ctx is passed to every callback.  *out is returned-owned, free
 * with wn_dgram_sock_close.  Loop thread only.  0 or WN_E_*. */
int wn_dgram_sock_open(struct wn_evloop *l, int family, const struct sockaddr *bind_addr,
                       socklen_t bind_len, const struct wn_dgram_ops *ops, void *ctx,
                       struct wn_dgram_sock **out);
/* Closes the socket.  Requests still outstanding are released silently
 * (no callback): the upper layer owns them and reports their cancellation
 * itself.  NULL is a no-op.  Must not be called from this socket's
 * on_response/on_timeout/on_unsolicited. */
void wn_dgram_sock_close(struct wn_dgram_sock *s);
/* The bound local address.  0 or WN_E_INVAL / WN_E_IO.  Like
 * wn_dgram_sock_fd, callable from any thread while the socket is open. */
int wn_dgram_sock_name(struct wn_dgram_sock *s, struct sockaddr_storage *ss, socklen_t *len);
int wn_dgram_sock_fd(const struct wn_dgram_sock *s);
void wn_dgram_sock_stats(const struct wn_dgram_sock *s, struct wn_dgram_stats *out);
/* Requests outstanding (reserved keys included). */
size_t wn_dgram_sock_outstanding(const struct wn_dgram_sock *s);
/* The request in flight with key on s, or NULL (borrowed: valid until it
 * completes or is cancelled).  For diagnostics of a stray. */
const struct wn_dgram_req *wn_dgram_req_find(const struct wn_dgram_sock *s, uint32_t key);

/* Zeroes req (all fields, private ones included). */
void wn_dgram_req_init(struct wn_dgram_req *req);

/* Step 1: reserves a key for req on s, unique among its outstanding
 * requests, and stores it in req->key (the upper layer then encodes its
 * bytes with that key).  Keys are drawn at random (wn_random), so one
 * observed key does not give the next.  0, WN_E_LIMIT (too many outstanding), WN_E_NOMEM,
 * WN_E_STATE (req already in use). */
int wn_dgram_key_alloc(struct wn_dgram_sock *s, struct wn_dgram_req *req);
/* Same, with a key chosen by the caller (1 .. 0xffffffff).  WN_E_EXISTS
 * when it is outstanding on s. */
int wn_dgram_key_claim(struct wn_dgram_sock *s, struct wn_dgram_req *req, uint32_t key);
/* Step 2: sends req->pkt to req->dest and arms the retransmission timer.
 * Needs a key from step 1.  On error the key is released and no callback
 * follows: WN_E_INVAL (len 0 or > WN_DGRAM_MAX_LEN, bad dest),
 * WN_E_UNREACHABLE / WN_E_ACCESS / WN_E_IO (the kernel refused the first
 * send for a reason retrying cannot fix), WN_E_NOMEM, WN_E_STATE. */
int wn_dgram_send_request(struct wn_dgram_req *req);
/* Stops req (reserved or in flight) and releases its key; no callback
 * follows.  Idempotent; a completed request is fine. */
void wn_dgram_cancel(struct wn_dgram_req *req);
/* Sends bytes once, with no matching (responses, traps, acks).  bytes are
 * borrowed for the call.  0, WN_E_INVAL, WN_E_BUSY (socket buffer full),
 * WN_E_UNREACHABLE, WN_E_ACCESS or WN_E_IO. */
int wn_dgram_send_raw(struct wn_dgram_sock *s, const struct sockaddr *dest, socklen_t destlen,
                      const uint8_t *bytes, size_t len);

/* Test and fuzz seam: handles pkt[0..len) from `from` exactly as a
 * datagram recvmmsg returned on s (counted, matched, dispatched to the
 * socket's ops, the round's sends flushed), with no socket I/O.  pkt is
 * borrowed for the call.  Loop thread only, not from inside one of s's
 * callbacks; s may be closed by a callback (then it is freed here).
 * 0, or WN_E_STATE (inside a dispatch of s, or a bad address). */
int wn_dgram_inject(struct wn_dgram_sock *s, const uint8_t *pkt, size_t len,
                    const struct sockaddr *from, socklen_t fromlen);

/* Test seam: replaces sendto() for every dgram socket (NULL restores it),
 * so tests can drop datagrams or inject errno values (return -1 and set
 * errno).  Thread-safe; meant for tests only. */
typedef long (*wn_dgram_sendto_fn)(int fd, const void *buf, size_t len, int flags,
                                   const struct sockaddr *to, socklen_t tolen);
void wn_dgram_set_sendto(wn_dgram_sendto_fn fn);

#endif /* WN_EVLOOP_H */
