/* dgram_tx.c: the batched sends (first sends, retransmissions) of the datagram layer: one sendmmsg per batch, UDP GSO groups, the fallback when the kernel refuses GSO. */
#include "dgram_int.h"

#include "base.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>

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

/* r was refused with err: a transient refusal, or any refusal of a
 * retransmission, is a loss (the timer retransmits, or the request times
 * out as if the peer had not answered); else r is marked, for dgram.c to
 * report (tx_report). */
static void
tx_refused(struct wn_dgram_sock *s, struct wn_dgram_req *r, int err)
{
    s->stats.tx_errors++;
    if (err == WN_E_BUSY || r->wn_txq != TXQ_FIRST || r->wn_state != REQ_INFLIGHT ||
        r->wn_sock != s)
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
            tx_refused(s, r, wn_dgram_send_err(errno));
        }
    }
    return sent;
}

void
wn_dgram_tx_send(struct wn_dgram_sock *s)
{
    struct tx_batch b;
    int n = s->txn;
    s->txn = 0;
    int nm = tx_group(s, &b, n);
    int g = 0;
    while (g < nm) {
        int k = sendmmsg(s->fd, b.m + g, (unsigned)(nm - g), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (k > 0) {
            s->stats.tx_batches++;
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
                tx_refused(s, b.reqs[x], wn_dgram_send_err(e));
        }
        g++;
    }
    for (int i = 0; i < n; i++)
        b.reqs[i]->wn_txq = TXQ_NONE;
}

int
wn_dgram_gso_probe(int fd)
{
#if WN_DGRAM_HAVE_GSO
    /* The option exists where the kernel segments: a kernel without it
     * would ignore the control message and send one big datagram. */
    int gso_size = 0;
    socklen_t optlen = sizeof gso_size;
    return getsockopt(fd, SOL_UDP, UDP_SEGMENT, &gso_size, &optlen) == 0;
#else
    (void)fd;
    return 0;
#endif
}

int
wn_dgram_send_err(int e)
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

