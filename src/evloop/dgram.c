/* dgram.c: UDP request/response transactions: key table, retransmission timers, batched receive, the reports of refused sends (the sending itself: dgram_tx.c). */
#include "dgram_int.h"

#include "base.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* recvmmsg calls per readiness event before yielding to other work. */
#define WN_DGRAM_RX_ROUNDS 32
/* First size of the key table (slots; a power of two, kept under half full). */
#define WN_DGRAM_TABLE_MIN 64
#define WN_DGRAM_RX_SLOT (WN_DGRAM_MAX_LEN + 1)

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

/* Takes req out of the socket's batch of sends, if it is there.  A
 * retransmission taken out never left: it is no longer counted. */
static void
txq_remove(struct wn_dgram_sock *s, struct wn_dgram_req *req)
{
    if (req->wn_txq == TXQ_NONE)
        return;
    if (req->wn_txq == TXQ_RETX) {
        req->sent--;
        s->stats.retransmits--;
    }
    req->wn_txq = TXQ_NONE;
    for (int i = 0; i < s->txn; i++) {
        if (s->txq[i] == req) {
            memmove(&s->txq[i], &s->txq[i + 1], (size_t)(s->txn - i - 1) * sizeof s->txq[0]);
            s->txn--;
            return;
        }
    }
}

/* Whether s batches its sends: with on_send_error (which reports the
 * refused first sends), and not while the test seam replaces sendto (it
 * sees every datagram). */
static int
tx_batched(const struct wn_dgram_sock *s)
{
    return s->ops->on_send_error && !atomic_load_explicit(&sendto_seam, memory_order_relaxed);
}

/* Adds req to s's batch as `kind` (TXQ_FIRST or TXQ_RETX): it goes out
 * at the end of the receive round being dispatched, or else before the
 * loop next waits.  A full batch is sent first; so is one that holds req
 * already (a retransmission of a request whose earlier datagram has not
 * left yet), so that its datagrams leave in order, each once. */
static void
txq_push(struct wn_dgram_sock *s, struct wn_dgram_req *req, int kind)
{
    if (s->txn == WN_DGRAM_TX_BATCH || req->wn_txq != TXQ_NONE)
        wn_dgram_tx_send(s);     /* refusals are reported at the end of the round */
    req->wn_txq = (uint8_t)kind;
    s->txq[s->txn++] = req;
    if (!s->dispatching)
        wn_evloop_prepare_once(s->loop, &s->txp);
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
    req->wn_txq = TXQ_NONE;
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
        return wn_dgram_send_err(errno);
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
            wn_dgram_tx_send(s);
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
    int batch = err == 0 && tx_batched(s);
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
    if (batch)
        txq_push(s, req, TXQ_FIRST);
    return 0;
}

static void
req_timer_cb(struct wn_timer *t)
{
    struct wn_dgram_req *req = t->data;
    struct wn_dgram_sock *s = req->wn_sock;
    if ((uint64_t)req->sent < 1 + (uint64_t)req->retries) {
        /* A refused retransmission counts as sent: the peer just sees
         * loss.  Batched, the retransmissions of one timer pass (an agent
         * that stopped answering: all its requests at once) leave together
         * before the loop waits, grouped as first sends are. */
        if (tx_batched(s))
            txq_push(s, req, TXQ_RETX);
        else
            (void)send_once(s, (const struct sockaddr *)&req->dest, req->destlen, req->pkt,
                            req->len);
        req->sent++;
        s->stats.retransmits++;
        if (wn_timer_start(s->loop, t, req->timeout_ms ? req->timeout_ms : 1) == 0)
            return;
        /* No room for the timer: give up now rather than hang forever.
         * The retransmission still leaves (and counts), as unbatched. */
        if (req->wn_txq == TXQ_RETX)
            wn_dgram_tx_send(s);
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
    s->gso = wn_dgram_gso_probe(s->fd);
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
            r->wn_txq = TXQ_NONE;
            r->wn_sock = NULL;
            s->slots[i] = NULL;
            s->keys[i] = 0;
        }
    }
    s->count = 0;
    s->failed = 0;
    s->txn = 0;
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

const struct wn_dgram_req *
wn_dgram_req_find(const struct wn_dgram_sock *s, uint32_t key)
{
    WN_EVLOOP_ASSERT_LOOP(s->loop);
    const struct wn_dgram_req *req = table_find(s, key);
    return req && req->wn_state == REQ_INFLIGHT ? req : NULL;
}
