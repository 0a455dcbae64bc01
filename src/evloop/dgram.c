/* dgram.c: UDP request/response transactions: key table, retransmission timers, batched receive. */
#include "evloop_int.h"

#include "base.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>
#include <netinet/udp.h>
#include <sys/uio.h>
#include <unistd.h>

/* Datagrams taken per recvmmsg call (each gets a WN_DGRAM_MAX_LEN buffer). */
#define WN_DGRAM_RX_BATCH 8
/* First sends of requests made while a receive round is dispatched (the
 * callbacks answering one batch) that go out together in one sendmmsg. */
#define WN_DGRAM_TX_BATCH 64
/* recvmmsg calls per readiness event before yielding to other work. */
#define WN_DGRAM_RX_ROUNDS 32
/* First size of the key table (slots; a power of two, kept under half full). */
#define WN_DGRAM_TABLE_MIN 64
/* Datagrams and bytes of one UDP GSO send at most (the kernel takes up to
 * 64 segments, and an IP packet's 64 KiB less headers). */
#define WN_DGRAM_GSO_MAX_SEGS 64
#define WN_DGRAM_GSO_MAX_BYTES 60000
/* Largest datagram sent as a GSO segment, IPv4 / IPv6: 1500 bytes with the
 * IP and UDP headers. */
#define WN_DGRAM_GSO_MAX_SEG4 (1500 - 20 - 8)
#define WN_DGRAM_GSO_MAX_SEG6 (1500 - 40 - 8)
/* GSO sends refused on a socket before it sends one datagram at a time. */
#define WN_DGRAM_GSO_MAX_REFUSED 16
#define WN_DGRAM_RX_SLOT (WN_DGRAM_MAX_LEN + 1)

/* REQ_FAILED: in flight, its first send refused by the kernel during a
 * flush; reported (and released) at the end of the receive round. */
enum { REQ_IDLE = 0, REQ_RESERVED = 1, REQ_INFLIGHT = 2, REQ_FAILED = 3 };

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
    /* First sends waiting for the end of the receive round (tx_send). */
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

static _Atomic(wn_dgram_sendto_fn) sendto_seam;

void
wn_dgram_set_sendto(wn_dgram_sendto_fn fn)
{
    atomic_store(&sendto_seam, fn);
}

static ssize_t
do_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
          socklen_t tolen)
{
    wn_dgram_sendto_fn fn = atomic_load_explicit(&sendto_seam, memory_order_relaxed);
    if (fn)
        return (ssize_t)fn(fd, buf, len, flags, to, tolen);
    return sendto(fd, buf, len, flags, to, tolen);
}

/* ---- key table ---------------------------------------------------------- */

static size_t
slot_of(uint32_t key, size_t mask)
{
    /* murmur3 finaliser: spreads sequential keys. */
    key ^= key >> 16;
    key *= 0x85ebca6bu;
    key ^= key >> 13;
    key *= 0xc2b2ae35u;
    key ^= key >> 16;
    return key & mask;
}

static struct wn_dgram_req *
table_find(const struct wn_dgram_sock *s, uint32_t key)
{
    if (!s->slots)
        return NULL;
    for (size_t i = slot_of(key, s->mask); s->keys[i]; i = (i + 1) & s->mask)
        if (s->keys[i] == key)
            return s->slots[i];
    return NULL;
}

static void
table_put(struct wn_dgram_req **slots, uint32_t *keys, size_t mask, struct wn_dgram_req *req)
{
    size_t i = slot_of(req->key, mask);
    while (keys[i])
        i = (i + 1) & mask;
    slots[i] = req;
    keys[i] = req->key;
}

static int
table_reserve_one(struct wn_dgram_sock *s)
{
    size_t cap = s->slots ? s->mask + 1 : 0;
    if (s->count >= WN_DGRAM_MAX_OUTSTANDING)
        return WN_E_LIMIT;
    if ((s->count + 1) * 2 <= cap)
        return 0;
    size_t ncap = cap ? cap * 2 : WN_DGRAM_TABLE_MIN;
    /* One block: the pointers, then the keys. */
    struct wn_dgram_req **ns = wn_calloc(ncap, sizeof(*ns) + sizeof(uint32_t));
    if (!ns)
        return WN_E_NOMEM;
    uint32_t *nk = (uint32_t *)(ns + ncap);
    for (size_t i = 0; i < cap; i++)
        if (s->keys[i])
            table_put(ns, nk, ncap - 1, s->slots[i]);
    wn_free(s->slots);
    s->slots = ns;
    s->keys = nk;
    s->mask = ncap - 1;
    return 0;
}

static void
table_remove(struct wn_dgram_sock *s, struct wn_dgram_req *req)
{
    size_t i = slot_of(req->key, s->mask);
    while (s->keys[i] != req->key) {
        if (!s->keys[i])
            return;     /* not present */
        i = (i + 1) & s->mask;
    }
    if (s->slots[i] != req)
        return;         /* the key is another request's */
    s->slots[i] = NULL;
    s->keys[i] = 0;
    s->count--;
    /* Backward-shift deletion keeps probe chains intact without tombstones;
     * it reads only the keys, never the requests. */
    size_t j = i;
    for (;;) {
        j = (j + 1) & s->mask;
        uint32_t k = s->keys[j];
        if (!k)
            break;
        size_t home = slot_of(k, s->mask);
        /* The entry may move to the hole i unless its home lies cyclically in (i, j]. */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            s->slots[i] = s->slots[j];
            s->keys[i] = k;
            s->slots[j] = NULL;
            s->keys[j] = 0;
            i = j;
        }
    }
}

/* ---- requests ----------------------------------------------------------- */

static void req_timer_cb(struct wn_timer *t);

/* Takes req out of the socket's batch of first sends, if it is there. */
static void
txq_remove(struct wn_dgram_sock *s, struct wn_dgram_req *req)
{
    for (int i = 0; i < s->txn; i++) {
        if (s->txq[i] == req) {
            memmove(&s->txq[i], &s->txq[i + 1], (size_t)(s->txn - i - 1) * sizeof s->txq[0]);
            s->txn--;
            return;
        }
    }
}

static void
req_release(struct wn_dgram_req *req)
{
    struct wn_dgram_sock *s = req->wn_sock;
    if (s) {
        if (req->wn_state == REQ_FAILED)
            s->failed--;
        table_remove(s, req);
        wn_timer_stop(s->loop, &req->wn_timer);
        if (s->txn)
            txq_remove(s, req);
    }
    req->wn_state = REQ_IDLE;
    req->wn_sock = NULL;
}

static int
key_register(struct wn_dgram_sock *s, struct wn_dgram_req *req, uint32_t key)
{
    int err = table_reserve_one(s);
    if (err < 0)
        return err;
    req->key = key;
    req->sent = 0;
    req->wn_sock = s;
    req->wn_state = REQ_RESERVED;
    wn_timer_init(&req->wn_timer, req_timer_cb, req);
    table_put(s->slots, s->keys, s->mask, req);
    s->count++;
    return 0;
}

void
wn_dgram_req_init(struct wn_dgram_req *req)
{
    memset(req, 0, sizeof(*req));
    wn_timer_init(&req->wn_timer, req_timer_cb, req);
}

int
wn_dgram_key_alloc(struct wn_dgram_sock *s, struct wn_dgram_req *req)
{
    if (!s || !req)
        return WN_E_INVAL;
    WN_EVLOOP_ASSERT_LOOP(s->loop);
    if (req->wn_state != REQ_IDLE)
        return WN_E_STATE;
    if (s->count >= WN_DGRAM_MAX_OUTSTANDING)
        return WN_E_LIMIT;
    uint32_t key;
    do {
        uint32_t r;
        if (wn_random(&r, sizeof r) == 0) {
            key = r % WN_DGRAM_KEY_MAX + 1;
        } else {
            /* No randomness: still unique, though guessable. */
            key = s->next_key;
            s->next_key = key >= WN_DGRAM_KEY_MAX ? 1 : key + 1;
        }
    } while (table_find(s, key));
    return key_register(s, req, key);
}

int
wn_dgram_key_claim(struct wn_dgram_sock *s, struct wn_dgram_req *req, uint32_t key)
{
    if (!s || !req || key == 0)
        return WN_E_INVAL;
    WN_EVLOOP_ASSERT_LOOP(s->loop);
    if (req->wn_state != REQ_IDLE)
        return WN_E_STATE;
    if (table_find(s, key))
        return WN_E_EXISTS;
    return key_register(s, req, key);
}

/* The WN_E_* of a send's errno: WN_E_BUSY for transient refusals. */
static int
send_err(int e)
{
    switch (e) {
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
        case ENOBUFS:
        case ENOMEM:
        case ECONNREFUSED:  /* a queued ICMP error of an earlier datagram */
            return WN_E_BUSY;
        case ENETUNREACH:
        case EHOSTUNREACH:
            return WN_E_UNREACHABLE;
        case EACCES:
        case EPERM:
            return WN_E_ACCESS;
        case EINVAL:
        case EAFNOSUPPORT:
        case EMSGSIZE:
        case EDESTADDRREQ:
            return WN_E_INVAL;
        default:
            return WN_E_IO;
    }
}

/* Sends once; returns 0, WN_E_BUSY for transient refusals, or a hard error. */
static int
send_once(struct wn_dgram_sock *s, const struct sockaddr *dest, socklen_t destlen,
          const uint8_t *bytes, size_t len)
{
    for (;;) {
        ssize_t n = do_sendto(s->fd, bytes, len, MSG_DONTWAIT | MSG_NOSIGNAL, dest, destlen);
        if (n >= 0) {
            s->stats.tx++;
            return 0;
        }
        if (errno == EINTR)
            continue;
        s->stats.tx_errors++;
        return send_err(errno);
    }
}

/* UDP GSO (Linux >= 4.18): the datagrams of one flush that go to the same
 * destination with the same length leave as one send carrying a
 * UDP_SEGMENT control message; the kernel makes them the same datagrams,
 * one IP/UDP header each, but walks its send path (routing, IP output,
 * the device) once per group instead of once per datagram. */
#if defined(UDP_SEGMENT) && defined(SOL_UDP)
#define WN_DGRAM_HAVE_GSO 1
#else
#define WN_DGRAM_HAVE_GSO 0
#endif

/* Same destination for one GSO send: family, port, address, and for IPv6
 * the scope and flow label (one header serves every segment). */
static int
same_dest(const struct wn_dgram_req *a, const struct wn_dgram_req *b)
{
    if (a->dest.sa.sa_family != b->dest.sa.sa_family)
        return 0;
    if (a->dest.sa.sa_family == AF_INET)
        return a->dest.sin.sin_port == b->dest.sin.sin_port &&
               a->dest.sin.sin_addr.s_addr == b->dest.sin.sin_addr.s_addr;
    return a->dest.sin6.sin6_port == b->dest.sin6.sin6_port &&
           a->dest.sin6.sin6_scope_id == b->dest.sin6.sin6_scope_id &&
           a->dest.sin6.sin6_flowinfo == b->dest.sin6.sin6_flowinfo &&
           memcmp(&a->dest.sin6.sin6_addr, &b->dest.sin6.sin6_addr,
                  sizeof a->dest.sin6.sin6_addr) == 0;
}

/* Largest datagram grouped: one that fits a 1500-byte Ethernet frame with
 * its IP and UDP headers.  The kernel refuses a GSO send whose segment
 * does not fit the path's MTU (then the datagrams go one by one); this
 * keeps that from happening on ordinary networks. */
static size_t
gso_max_seg(const struct wn_dgram_sock *s)
{
    return s->family == AF_INET6 ? WN_DGRAM_GSO_MAX_SEG6 : WN_DGRAM_GSO_MAX_SEG4;
}

/* One flush's work: the batch in send order (groups contiguous) and its
 * messages. */
struct tx_batch {
    struct wn_dgram_req *reqs[WN_DGRAM_TX_BATCH];
    struct mmsghdr m[WN_DGRAM_TX_BATCH];
    struct iovec iov[WN_DGRAM_TX_BATCH];
    int first[WN_DGRAM_TX_BATCH];   /* message g: reqs[first[g] .. first[g] + segs[g]) */
    int segs[WN_DGRAM_TX_BATCH];
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } ctl[WN_DGRAM_TX_BATCH];
};

/* Orders s->txq into b->reqs, grouping for GSO; returns the messages.
 * The datagrams to one destination keep the order they were sent in
 * (those to different destinations may change places). */
static int
tx_group(const struct wn_dgram_sock *s, struct tx_batch *b, int n)
{
    uint8_t taken[WN_DGRAM_TX_BATCH];
    size_t max_seg = gso_max_seg(s);
    int k = 0, nm = 0;
    memset(taken, 0, (size_t)n);
    for (int i = 0; i < n; i++) {
        if (taken[i])
            continue;
        struct wn_dgram_req *r = s->txq[i];
        b->first[nm] = k;
        b->reqs[k++] = r;
        if (s->gso && r->len <= max_seg) {
            /* The datagrams that follow to the same destination, in their
             * order, while they have r's length; a shorter one ends the
             * group as its last segment, a longer one starts the next. */
            size_t bytes = r->len;
            for (int j = i + 1; j < n && k - b->first[nm] < WN_DGRAM_GSO_MAX_SEGS; j++) {
                struct wn_dgram_req *q = s->txq[j];
                if (!same_dest(q, r))
                    continue;
                if (q->len > r->len || bytes + q->len > WN_DGRAM_GSO_MAX_BYTES)
                    break;
                taken[j] = 1;
                b->reqs[k++] = q;
                bytes += q->len;
                if (q->len < r->len)
                    break;
            }
        }
        b->segs[nm] = k - b->first[nm];
        nm++;
    }
    memset(b->m, 0, (size_t)nm * sizeof b->m[0]);
    for (int i = 0; i < n; i++) {
        b->iov[i].iov_base = (void *)b->reqs[i]->pkt;
        b->iov[i].iov_len = b->reqs[i]->len;
    }
    for (int g = 0; g < nm; g++) {
        struct wn_dgram_req *r = b->reqs[b->first[g]];
        struct msghdr *h = &b->m[g].msg_hdr;
        h->msg_name = &r->dest;
        h->msg_namelen = r->destlen;
        h->msg_iov = &b->iov[b->first[g]];
        h->msg_iovlen = (size_t)b->segs[g];
#if WN_DGRAM_HAVE_GSO
        if (b->segs[g] > 1) {
            struct cmsghdr *c = &b->ctl[g].align;
            uint16_t gso_size = (uint16_t)r->len;
            memset(b->ctl[g].buf, 0, sizeof b->ctl[g].buf);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof gso_size);
            memcpy(CMSG_DATA(c), &gso_size, sizeof gso_size);
            h->msg_control = b->ctl[g].buf;
            h->msg_controllen = sizeof b->ctl[g].buf;
        }
#endif
    }
    return nm;
}

/* r was refused with err: a transient refusal is a loss (the timer
 * retransmits); else r is marked, to be reported at the end of the round
 * (tx_report). */
static void
tx_refused(struct wn_dgram_sock *s, struct wn_dgram_req *r, int err)
{
    s->stats.tx_errors++;
    if (err == WN_E_BUSY || r->wn_state != REQ_INFLIGHT || r->wn_sock != s)
        return;
    r->wn_state = REQ_FAILED;
    r->wn_err = err;
    s->failed++;
}

/* errno values with which the kernel refuses a GSO send it would have
 * taken as separate datagrams: no UDP_SEGMENT support (ENOPROTOOPT,
 * EOPNOTSUPP), a segment over the path MTU (EMSGSIZE; EINVAL before Linux
 * 6.5), checksums off on the socket (EINVAL), an IPsec route (EIO). */
static int
gso_refusal(int e)
{
    return e == EINVAL || e == EIO || e == EMSGSIZE || e == ENOPROTOOPT || e == EOPNOTSUPP;
}

/* Sends message g's datagrams one by one (its GSO send was refused);
 * returns how many went out. */
static int
tx_one_by_one(struct wn_dgram_sock *s, struct tx_batch *b, int g)
{
    int sent = 0;
    for (int x = b->first[g]; x < b->first[g] + b->segs[g]; x++) {
        struct wn_dgram_req *r = b->reqs[x];
        ssize_t n;
        do
            n = sendto(s->fd, r->pkt, r->len, MSG_DONTWAIT | MSG_NOSIGNAL, &r->dest.sa,
                       r->destlen);
        while (n < 0 && errno == EINTR);
        if (n >= 0) {
            s->stats.tx++;
            sent++;
        } else {
            tx_refused(s, r, send_err(errno));
        }
    }
    return sent;
}

/* Sends the batch of first sends with sendmmsg.  Runs no callback: the
 * requests the kernel refused for good are marked for tx_report. */
static void
tx_send(struct wn_dgram_sock *s)
{
    struct tx_batch b;
    int n = s->txn;
    s->txn = 0;
    int nm = tx_group(s, &b, n);
    int g = 0;
    while (g < nm) {
        int k = sendmmsg(s->fd, b.m + g, (unsigned)(nm - g), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (k > 0) {
            for (int x = g; x < g + k; x++) {
                s->stats.tx += (uint64_t)b.segs[x];
                if (b.segs[x] > 1)
                    s->stats.tx_gso += (uint64_t)b.segs[x];
            }
            g += k;
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        int e = k < 0 ? errno : EIO;
        if (b.segs[g] > 1 && gso_refusal(e)) {
            /* The datagrams may go one by one.  When some of them do, it
             * was GSO the kernel refused: after a few such refusals the
             * socket stops asking. */
            if (tx_one_by_one(s, &b, g) > 0 &&
                ++s->stats.gso_refused >= WN_DGRAM_GSO_MAX_REFUSED)
                s->gso = 0;
        } else {
            /* Refused: every datagram of the message (one destination). */
            for (int x = b.first[g]; x < b.first[g] + b.segs[g]; x++)
                tx_refused(s, b.reqs[x], send_err(e));
        }
        g++;
    }
}

/* Reports the requests whose first send was refused for good, each
 * through ops->on_send_error after its release (as for a response).
 * They are found in the key table by their state, some at a time, and
 * looked up again by key before each report: a report's callback may
 * cancel, and free, another of them. */
static void
tx_report(struct wn_dgram_sock *s)
{
    while (s->failed && !s->closing) {
        uint32_t keys[WN_DGRAM_TX_BATCH];
        int n = 0;
        for (size_t i = 0; s->slots && i <= s->mask && n < WN_DGRAM_TX_BATCH; i++)
            if (s->keys[i] && s->slots[i]->wn_state == REQ_FAILED)
                keys[n++] = s->keys[i];
        if (n == 0) {
            s->failed = 0;
            return;
        }
        for (int i = 0; i < n && !s->closing; i++) {
            struct wn_dgram_req *r = table_find(s, keys[i]);
            if (!r || r->wn_state != REQ_FAILED)
                continue;   /* cancelled meanwhile */
            int err = r->wn_err;
            req_release(r);
            s->ops->on_send_error(s->ctx, r, err);
        }
    }
}

/* The end of a receive round: its sends, then the reports of the refused
 * ones (whose callbacks may send again). */
static void
tx_round_end(struct wn_dgram_sock *s)
{
    while ((s->txn || s->failed) && !s->closing) {
        if (s->txn)
            tx_send(s);
        tx_report(s);
    }
}

static int
dest_ok(const struct wn_dgram_sock *s, const struct sockaddr *dest, socklen_t destlen)
{
    return dest && dest->sa_family == s->family && destlen >= wn_sockaddr_len(dest) &&
           destlen <= sizeof(struct sockaddr_storage);
}

int
wn_dgram_send_request(struct wn_dgram_req *req)
{
    if (!req)
        return WN_E_INVAL;
    struct wn_dgram_sock *s = req->wn_sock;
    if (req->wn_state != REQ_RESERVED || !s)
        return WN_E_STATE;
    WN_EVLOOP_ASSERT_LOOP(s->loop);
    int err = 0;
    if (!req->pkt || req->len == 0 || req->len > WN_DGRAM_MAX_LEN ||
        req->destlen > sizeof req->dest ||
        !dest_ok(s, (const struct sockaddr *)&req->dest, req->destlen))
        err = WN_E_INVAL;
    /* Goes out with the others of the receive round being dispatched (a
     * callback sending the next request), or else with those made before
     * the loop next waits (posted sends, timers), in one sendmmsg.  Not
     * with the test seam, which sees every sendto. */
    int batch = err == 0 && s->ops->on_send_error &&
                !atomic_load_explicit(&sendto_seam, memory_order_relaxed);
    if (err == 0 && !batch) {
        err = send_once(s, (const struct sockaddr *)&req->dest, req->destlen, req->pkt, req->len);
        if (err == WN_E_BUSY)
            err = 0;    /* counted as lost; the retransmission timer recovers */
    }
    if (err == 0)
        err = wn_timer_start(s->loop, &req->wn_timer, req->timeout_ms ? req->timeout_ms : 1);
    if (err < 0) {
        req_release(req);
        return err;
    }
    req->sent = 1;
    req->wn_state = REQ_INFLIGHT;
    if (batch) {
        if (s->txn == WN_DGRAM_TX_BATCH)
            tx_send(s);     /* refusals are reported at the end of the round */
        s->txq[s->txn++] = req;
        if (!s->dispatching)
            wn_evloop_prepare_once(s->loop, &s->txp);
    }
    return 0;
}

static void
req_timer_cb(struct wn_timer *t)
{
    struct wn_dgram_req *req = t->data;
    struct wn_dgram_sock *s = req->wn_sock;
    if ((uint64_t)req->sent < 1 + (uint64_t)req->retries) {
        /* A refused retransmission counts as sent: the peer just sees loss. */
        (void)send_once(s, (const struct sockaddr *)&req->dest, req->destlen, req->pkt, req->len);
        req->sent++;
        s->stats.retransmits++;
        if (wn_timer_start(s->loop, t, req->timeout_ms ? req->timeout_ms : 1) == 0)
            return;
        /* No room for the timer: give up now rather than hang forever. */
    }
    s->stats.timeouts++;
    req_release(req);
    s->ops->on_timeout(s->ctx, req);
}

void
wn_dgram_cancel(struct wn_dgram_req *req)
{
    if (!req || req->wn_state == REQ_IDLE)
        return;
    WN_EVLOOP_ASSERT_LOOP(req->wn_sock->loop);
    req_release(req);
}

int
wn_dgram_send_raw(struct wn_dgram_sock *s, const struct sockaddr *dest, socklen_t destlen,
                  const uint8_t *bytes, size_t len)
{
    if (!s || !bytes || len == 0 || len > WN_DGRAM_MAX_LEN || !dest_ok(s, dest, destlen))
        return WN_E_INVAL;
    WN_EVLOOP_ASSERT_LOOP(s->loop);
    return send_once(s, dest, destlen, bytes, len);
}

/* ---- receive ------------------------------------------------------------ */

static void
dispatch(struct wn_dgram_sock *s, const uint8_t *pkt, size_t len,
         const struct sockaddr *from, socklen_t fromlen)
{
    uint32_t key;
    if (!s->ops->match_key || s->ops->match_key(s->ctx, pkt, len, &key) < 0) {
        if (s->ops->on_unsolicited)
            s->ops->on_unsolicited(s->ctx, s, pkt, len, from, fromlen);
        return;
    }
    struct wn_dgram_req *req = table_find(s, key);
    if (!req || req->wn_state != REQ_INFLIGHT ||
        !wn_sockaddr_equal(from, (const struct sockaddr *)&req->dest) ||
        (s->ops->accept && s->ops->accept(s->ctx, req, pkt, len) < 0)) {
        s->stats.stray++;
        if (s->ops->on_stray)
            s->ops->on_stray(s->ctx, s, key, pkt, len, from, fromlen);
        return;
    }
    req_release(req);
    s->ops->on_response(s->ctx, req, pkt, len, from, fromlen);
}

static void sock_free(struct wn_dgram_sock *s);

static void
on_readable(struct wn_io *io, uint32_t revents)
{
    struct wn_dgram_sock *s = io->data;
    (void)revents;
    s->dispatching = 1;
    for (int round = 0; round < WN_DGRAM_RX_ROUNDS && !s->closing; round++) {
        for (int i = 0; i < WN_DGRAM_RX_BATCH; i++) {
            s->msgs[i].msg_hdr.msg_namelen = sizeof(s->from[i]);
            s->msgs[i].msg_hdr.msg_flags = 0;
        }
        int n = recvmmsg(s->fd, s->msgs, WN_DGRAM_RX_BATCH, MSG_DONTWAIT, NULL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            if (errno != EINTR)
                s->stats.rx_errors++;  /* e.g. a queued ICMP error; it is consumed */
            continue;
        }
        for (int i = 0; i < n && !s->closing; i++) {
            struct msghdr *h = &s->msgs[i].msg_hdr;
            if ((h->msg_flags & MSG_TRUNC) || s->msgs[i].msg_len > WN_DGRAM_MAX_LEN) {
                s->stats.rx_errors++;
                continue;
            }
            s->stats.rx++;
            dispatch(s, s->iov[i].iov_base, s->msgs[i].msg_len,
                     (const struct sockaddr *)&s->from[i], h->msg_namelen);
        }
        /* The round's callbacks sent: one sendmmsg. */
        tx_round_end(s);
        if (n < WN_DGRAM_RX_BATCH)
            break;
    }
    tx_round_end(s);
    s->txn = 0;   /* closing: the requests are released with the socket */
    s->dispatching = 0;
    if (s->closing)
        sock_free(s);
}

/* The prepare of sends made outside a receive round: they go out, then
 * the refusals are reported, as at the end of a round. */
static void
tx_deferred(struct wn_evloop_prepare *p)
{
    struct wn_dgram_sock *s = p->data;
    s->dispatching = 1;
    tx_round_end(s);
    s->txn = 0;
    s->dispatching = 0;
    if (s->closing)
        sock_free(s);
}

int
wn_dgram_inject(struct wn_dgram_sock *s, const uint8_t *pkt, size_t len,
                const struct sockaddr *from, socklen_t fromlen)
{
    WN_EVLOOP_ASSERT_LOOP(s->loop);
    if (s->dispatching || s->closing || !from || fromlen > sizeof(struct sockaddr_storage))
        return WN_E_STATE;
    if (len > WN_DGRAM_MAX_LEN) {
        s->stats.rx_errors++;
        return 0;
    }
    s->dispatching = 1;
    s->stats.rx++;
    dispatch(s, pkt, len, from, fromlen);
    tx_round_end(s);
    s->txn = 0;
    s->dispatching = 0;
    if (s->closing)
        sock_free(s);
    return 0;
}

/* ---- sockets ------------------------------------------------------------ */

int
wn_dgram_sock_open(struct wn_evloop *l, int family, const struct sockaddr *bind_addr,
                   socklen_t bind_len, const struct wn_dgram_ops *ops, void *ctx,
                   struct wn_dgram_sock **out)
{
    if (!l || !ops || !ops->on_response || !ops->on_timeout || !out)
        return WN_E_INVAL;
    WN_EVLOOP_ASSERT_LOOP(l);
    struct sockaddr_storage any;
    if (!bind_addr) {
        memset(&any, 0, sizeof(any));
        any.ss_family = (sa_family_t)family;
        bind_addr = (const struct sockaddr *)&any;
        bind_len = wn_sockaddr_len(bind_addr);
    }
    struct wn_dgram_sock *s = wn_calloc(1, sizeof(*s));
    if (!s)
        return WN_E_NOMEM;
    s->rxbuf = wn_malloc((size_t)WN_DGRAM_RX_BATCH * WN_DGRAM_RX_SLOT);
    if (!s->rxbuf) {
        wn_free(s);
        return WN_E_NOMEM;
    }
    int err = wn_udp_open(family, bind_addr, bind_len, &s->fd);
    if (err < 0) {
        wn_free(s->rxbuf);
        wn_free(s);
        return err;
    }
    s->loop = l;
    s->family = family;
#if WN_DGRAM_HAVE_GSO
    /* The option exists where the kernel segments (Linux >= 4.18): a kernel
     * without it would ignore the control message and send one datagram. */
    int gso_size = 0;
    socklen_t optlen = sizeof gso_size;
    s->gso = getsockopt(s->fd, SOL_UDP, UDP_SEGMENT, &gso_size, &optlen) == 0;
#endif
    s->ops = ops;
    s->ctx = ctx;
    for (int i = 0; i < WN_DGRAM_RX_BATCH; i++) {
        s->iov[i].iov_base = s->rxbuf + (size_t)i * WN_DGRAM_RX_SLOT;
        s->iov[i].iov_len = WN_DGRAM_RX_SLOT;
        s->msgs[i].msg_hdr.msg_iov = &s->iov[i];
        s->msgs[i].msg_hdr.msg_iovlen = 1;
        s->msgs[i].msg_hdr.msg_name = &s->from[i];
    }
    uint32_t seed = 0;
    if (wn_random(&seed, sizeof(seed)) < 0)
        seed = 1;
    s->next_key = seed % WN_DGRAM_KEY_MAX + 1;
    s->txp.cb = tx_deferred;
    s->txp.data = s;
    wn_io_init(&s->io, s->fd, WN_IO_READ, on_readable, s);
    err = wn_io_start(l, &s->io);
    if (err < 0) {
        close(s->fd);
        wn_free(s->rxbuf);
        wn_free(s);
        return err;
    }
    *out = s;
    return 0;
}

/* Releases every outstanding request silently: after this the socket
 * holds no pointer to any of them (their owners may free them at once). */
static void
release_all(struct wn_dgram_sock *s)
{
    size_t cap = s->slots ? s->mask + 1 : 0;
    for (size_t i = 0; i < cap; i++) {
        struct wn_dgram_req *r = s->slots[i];
        if (r) {
            wn_timer_stop(s->loop, &r->wn_timer);
            r->wn_state = REQ_IDLE;
            r->wn_sock = NULL;
            s->slots[i] = NULL;
            s->keys[i] = 0;
        }
    }
    s->count = 0;
    s->failed = 0;
}

static void
sock_free(struct wn_dgram_sock *s)
{
    release_all(s);
    wn_evloop_prepare_cancel(s->loop, &s->txp);
    wn_io_stop(s->loop, &s->io);
    close(s->fd);
    wn_free(s->slots);
    wn_free(s->rxbuf);
    wn_free(s);
}

void
wn_dgram_sock_close(struct wn_dgram_sock *s)
{
    if (!s)
        return;
    WN_EVLOOP_ASSERT_LOOP(s->loop);
    if (s->dispatching) {
        /* Freed when on_readable unwinds, but the requests are released
         * now, as documented: their owners may free them right after this
         * call (e.g. a callback that tears the whole engine down). */
        release_all(s);
        s->closing = 1;
        return;
    }
    sock_free(s);
}

int
wn_dgram_sock_name(struct wn_dgram_sock *s, struct sockaddr_storage *ss, socklen_t *len)
{
    if (!s || !ss || !len)
        return WN_E_INVAL;
    socklen_t l = sizeof(*ss);
    if (getsockname(s->fd, (struct sockaddr *)ss, &l) < 0)
        return WN_E_IO;
    *len = l;
    return 0;
}

int
wn_dgram_sock_fd(const struct wn_dgram_sock *s)
{
    return s ? s->fd : -1;
}

void
wn_dgram_sock_stats(const struct wn_dgram_sock *s, struct wn_dgram_stats *out)
{
    if (s && out) {
        WN_EVLOOP_ASSERT_LOOP(s->loop);
        *out = s->stats;
    }
}

size_t
wn_dgram_sock_outstanding(const struct wn_dgram_sock *s)
{
    if (!s)
        return 0;
    WN_EVLOOP_ASSERT_LOOP(s->loop);
    return s->count;
}
