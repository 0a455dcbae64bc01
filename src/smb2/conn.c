/* conn.c: SMB2 connection: TCP with deadlines, NBSS framing, credits, signing, NEGOTIATE, SESSION_SETUP, TREE_CONNECT. */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"

#define MOD "smb2"
#define TX_MAX (WN_SMB2_MAX_IO + 4096u)

int
wn_smb2_status_to_err(uint32_t status)
{
    switch (status) {
    case WN_SMB2_STATUS_SUCCESS:
    case WN_SMB2_STATUS_PENDING:
    case WN_SMB2_STATUS_BUFFER_OVERFLOW:
    case WN_SMB2_STATUS_MORE_PROCESSING:
        return 0;
    case WN_SMB2_STATUS_LOGON_FAILURE:
    case 0xC000006Au: /* WRONG_PASSWORD */
    case 0xC0000064u: /* NO_SUCH_USER */
    case 0xC000006Eu: /* ACCOUNT_RESTRICTION */
    case 0xC000006Fu: /* INVALID_LOGON_HOURS */
    case 0xC0000070u: /* INVALID_WORKSTATION */
    case 0xC0000071u: /* PASSWORD_EXPIRED */
    case 0xC0000072u: /* ACCOUNT_DISABLED */
    case 0xC0000193u: /* ACCOUNT_EXPIRED */
    case 0xC0000224u: /* PASSWORD_MUST_CHANGE */
    case 0xC0000234u: /* ACCOUNT_LOCKED_OUT */
    case 0xC000015Bu: /* LOGON_TYPE_NOT_GRANTED */
        return WN_E_AUTH;
    case WN_SMB2_STATUS_ACCESS_DENIED:
    case 0xC0000205u: /* INSUFF_SERVER_RESOURCES */
        return WN_E_ACCESS;
    case 0xC0000034u: /* OBJECT_NAME_NOT_FOUND */
    case 0xC00000CCu: /* BAD_NETWORK_NAME */
        return WN_E_NOTFOUND;
    case 0xC00000BBu: /* NOT_SUPPORTED (e.g. no dialect in common) */
        return WN_E_UNSUPPORTED;
    case 0xC00000B5u: /* IO_TIMEOUT */
        return WN_E_TIMEOUT;
    case 0xC0000203u: /* USER_SESSION_DELETED */
    case 0xC000014Bu: /* PIPE_BROKEN */
    case 0xC00000B0u: /* PIPE_DISCONNECTED */
        return WN_E_CLOSED;
    default:
        return WN_E_PROTOCOL;
    }
}

int
wn_smb2_fail_status(struct wn_smb2_conn *c, uint32_t status)
{
    c->last_status = status;
    int e = wn_smb2_status_to_err(status);
    return e ? e : WN_E_PROTOCOL;
}

/* ---------------------------------------------------------------- transport */

static int
errno_to_err(int e)
{
    switch (e) {
    case ECONNREFUSED:
        return WN_E_CONNREFUSED;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EADDRNOTAVAIL:
    case ENETDOWN:
        return WN_E_UNREACHABLE;
    case ETIMEDOUT:
        return WN_E_TIMEOUT;
    case ECONNRESET:
    case EPIPE:
        return WN_E_CLOSED;
    case ENOMEM:
        return WN_E_NOMEM;
    default:
        return WN_E_IO;
    }
}

/* Waits for `events` on fd until the absolute deadline (ms). */
static int
wait_fd(int fd, short events, uint64_t deadline)
{
    for (;;) {
        uint64_t now = wn_clock_ms();
        if (now >= deadline)
            return WN_E_TIMEOUT;
        uint64_t left = deadline - now;
        struct pollfd p = { .fd = fd, .events = events };
        int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return errno_to_err(errno);
    }
}

static int
connect_one(const struct addrinfo *ai, uint64_t deadline, int *out)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai->ai_protocol);
    if (fd < 0)
        return errno_to_err(errno);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        if (errno != EINPROGRESS) {
            int rc = errno_to_err(errno);
            close(fd);
            return rc;
        }
        int rc = wait_fd(fd, POLLOUT, deadline);
        if (rc) {
            close(fd);
            return rc;
        }
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
            soerr = errno;
        if (soerr) {
            close(fd);
            return errno_to_err(soerr);
        }
    }
    *out = fd;
    return 0;
}

static int
tcp_connect(const char *host, uint16_t port, uint64_t deadline, int *out)
{
    char svc[8];
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICSERV };
    struct addrinfo *res = NULL;
    snprintf(svc, sizeof(svc), "%u", (unsigned)port);
    int g = getaddrinfo(host, svc, &hints, &res);
    if (g != 0) {
        if (g == EAI_MEMORY)
            return WN_E_NOMEM;
        return WN_E_RESOLVE;
    }
    int rc = WN_E_UNREACHABLE;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        rc = connect_one(ai, deadline, out);
        if (rc == 0 || rc == WN_E_TIMEOUT)
            break;
    }
    freeaddrinfo(res);
    return rc;
}

static int
send_all(struct wn_smb2_conn *c, const uint8_t *p, size_t n, uint64_t deadline)
{
    while (n) {
        ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL);
        if (k > 0) {
            p += k;
            n -= (size_t)k;
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = wait_fd(c->fd, POLLOUT, deadline);
            if (rc)
                return rc;
            continue;
        }
        return k == 0 ? WN_E_CLOSED : errno_to_err(errno);
    }
    return 0;
}

static int
recv_all(struct wn_smb2_conn *c, uint8_t *p, size_t n, uint64_t deadline)
{
    while (n) {
        ssize_t k = recv(c->fd, p, n, 0);
        if (k > 0) {
            p += k;
            n -= (size_t)k;
            continue;
        }
        if (k == 0)
            return WN_E_CLOSED;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_fd(c->fd, POLLIN, deadline);
            if (rc)
                return rc;
            continue;
        }
        return errno_to_err(errno);
    }
    return 0;
}

/* Reads one NBSS frame into c->rx. */
static int
recv_frame(struct wn_smb2_conn *c, uint64_t deadline)
{
    uint8_t nb[4];
    int rc = recv_all(c, nb, 4, deadline);
    if (rc)
        return rc;
    size_t len = ((size_t)nb[1] << 16) | ((size_t)nb[2] << 8) | nb[3];
    WN_PARSE_CHECK(MOD, nb[0] == 0, WN_E_PROTOCOL);
    WN_PARSE_CHECK(MOD, len >= WN_SMB2_HDR_LEN, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, len <= WN_SMB2_MAX_MESSAGE, WN_E_LIMIT);
    wn_dynbuf_reset(&c->rx);
    uint8_t *dst;
    rc = wn_dynbuf_grow(&c->rx, len, &dst);
    if (rc)
        return rc;
    return recv_all(c, dst, len, deadline);
}

/* ------------------------------------------------------------------ engine */

int
wn_smb2_req_begin(struct wn_smb2_conn *c, size_t body_cap, struct wn_wbuf *w)
{
    uint8_t *p;
    if (c->broken)
        return WN_E_STATE;
    wn_dynbuf_reset(&c->tx);
    int rc = wn_dynbuf_grow(&c->tx, 4 + WN_SMB2_HDR_LEN + body_cap, &p);
    if (rc)
        return rc;
    memset(p, 0, 4 + WN_SMB2_HDR_LEN);
    wn_wbuf_init(w, p + 4, WN_SMB2_HDR_LEN + body_cap);
    w->p += WN_SMB2_HDR_LEN;
    return 0;
}

static uint16_t
charge_for(const struct wn_smb2_conn *c, uint32_t payload)
{
    if (c->dialect == WN_SMB2_DIALECT_202 || c->dialect == 0)
        return 0;
    return (uint16_t)(payload ? (payload - 1) / 65536u + 1 : 1);
}

int
wn_smb2_transact(struct wn_smb2_conn *c, struct wn_wbuf *w, uint16_t cmd, uint32_t payload,
                 int sign, struct wn_smb2_hdr *hdr)
{
    if (w->err)
        return w->err == WN_E_NOSPACE ? WN_E_LIMIT : w->err;
    if (c->broken)
        return WN_E_STATE;
    uint16_t charge = charge_for(c, payload);
    uint16_t cost = charge ? charge : 1;
    if (c->credits < cost) {
        wn_log(WN_LOG_WARN, MOD, "out of credits (%u < %u)", c->credits, cost);
        return WN_E_PROTOCOL;
    }
    size_t len = wn_wbuf_len(w);
    c->tx.len = 4 + len; /* tx now holds exactly the frame sent (preauth hashes it) */
    struct wn_smb2_hdr h = { .credit_charge = charge, .command = cmd,
                             .credits = WN_SMB2_CREDIT_REQUEST, .message_id = c->next_mid,
                             .tree_id = c->tree_id, .session_id = c->session_id };
    struct wn_wbuf hw;
    wn_wbuf_init(&hw, w->start, WN_SMB2_HDR_LEN);
    wn_smb2_hdr_encode(&hw, &h);
    int do_sign = sign < 0 ? c->signing : sign;
    if (do_sign && c->signer.on)
        wn_smb2_sign(&c->signer, w->start, len);
    uint8_t *nb = w->start - 4;
    nb[0] = 0;
    nb[1] = (uint8_t)(len >> 16);
    nb[2] = (uint8_t)(len >> 8);
    nb[3] = (uint8_t)len;
    uint64_t mid = c->next_mid;
    c->next_mid += cost;
    c->credits -= cost;
    uint64_t deadline = wn_clock_ms() + c->timeout_ms;
    int rc = send_all(c, nb, len + 4, deadline);
    if (rc) {
        c->broken = 1;
        return rc;
    }
    for (;;) {
        rc = recv_frame(c, deadline);
        if (rc) {
            c->broken = 1;
            return rc;
        }
        struct wn_rbuf r;
        wn_rbuf_init(&r, c->rx.data, c->rx.len);
        rc = wn_smb2_hdr_decode(&r, hdr);
        if (rc) {
            c->broken = 1;
            return rc == WN_E_TRUNCATED ? WN_E_MALFORMED : rc;
        }
        if (!(hdr->flags & WN_SMB2_FLAG_RESPONSE) || hdr->next_command != 0) {
            c->broken = 1;
            return WN_E_PROTOCOL;
        }
        if (hdr->message_id == UINT64_MAX)
            continue; /* oplock/lease break notification: not ours */
        if (hdr->message_id != mid || hdr->command != cmd) {
            c->broken = 1;
            return WN_E_PROTOCOL;
        }
        c->credits += hdr->credits;
        if (hdr->status == WN_SMB2_STATUS_PENDING && (hdr->flags & WN_SMB2_FLAG_ASYNC))
            continue; /* interim reply: wait for the final one (same deadline) */
        break;
    }
    /* Signature policy: a signed reply is always verified when we have a key;
     * when signing is active every reply must be signed. */
    int is_signed = (hdr->flags & WN_SMB2_FLAG_SIGNED) != 0;
    if (is_signed && c->signer.on) {
        rc = wn_smb2_verify(&c->signer, c->rx.data, c->rx.len);
        if (rc) {
            wn_log(WN_LOG_WARN, MOD, "bad signature on reply to command %u", cmd);
            c->broken = 1;
            return WN_E_SIGNATURE;
        }
    } else if (do_sign && c->signer.on) {
        wn_log(WN_LOG_WARN, MOD, "unsigned reply to command %u while signing", cmd);
        c->broken = 1;
        return WN_E_SIGNATURE;
    }
    return 0;
}

/* ---------------------------------------------------------------- NEGOTIATE */

static int
negotiate(struct wn_smb2_conn *c, const struct wn_smb2_opts *o)
{
    static const uint16_t all[] = { 0x0202, 0x0210, 0x0300, 0x0302, 0x0311 };
    struct wn_smb2_negotiate_req q;
    memset(&q, 0, sizeof(q));
    uint16_t lo = o->min_dialect ? o->min_dialect : 0x0202;
    uint16_t hi = o->max_dialect ? o->max_dialect : 0x0311;
    for (size_t i = 0; i < WN_ARRAY_SIZE(all); i++)
        if (all[i] >= lo && all[i] <= hi)
            q.dialects[q.n_dialects++] = all[i];
    if (q.n_dialects == 0)
        return WN_E_INVAL;
    q.security_mode = WN_SMB2_SIGNING_ENABLED | (o->require_signing ? WN_SMB2_SIGNING_REQUIRED : 0);
    int rc = wn_random(q.client_guid, sizeof(q.client_guid));
    if (!rc)
        rc = wn_random(q.salt, sizeof(q.salt));
    if (rc)
        return rc;

    struct wn_wbuf w;
    rc = wn_smb2_req_begin(c, 256, &w);
    if (rc)
        return rc;
    wn_smb2_negotiate_req_encode(&w, &q);
    memset(c->preauth, 0, sizeof(c->preauth));
    /* The header is written by transact; hash after it, so transact is split:
     * the request bytes are final once sent, and tx still holds them. */
    struct wn_smb2_hdr h;
    rc = wn_smb2_transact(c, &w, WN_SMB2_NEGOTIATE, 0, 0, &h);
    if (rc)
        return rc;
    wn_smb2_preauth_update(c->preauth, c->tx.data + 4, c->tx.len - 4);
    if (h.status != WN_SMB2_STATUS_SUCCESS)
        return wn_smb2_fail_status(c, h.status);
    struct wn_smb2_negotiate_resp n;
    rc = wn_smb2_negotiate_resp_decode(c->rx.data, c->rx.len, &n);
    if (rc)
        return rc == WN_E_TRUNCATED ? WN_E_MALFORMED : rc;
    int offered = 0;
    for (size_t i = 0; i < q.n_dialects; i++)
        offered |= q.dialects[i] == n.dialect;
    if (!offered)
        return n.dialect == 0x02FF ? WN_E_UNSUPPORTED : WN_E_PROTOCOL;
    if (n.dialect == WN_SMB2_DIALECT_311 && n.signing_alg != WN_SMB2_SIGN_AES_CMAC)
        return WN_E_PROTOCOL; /* we offered AES-CMAC only */
    if (n.secblob_len) {
        c->neg_blob = wn_memdup(n.secblob, n.secblob_len);
        if (!c->neg_blob)
            return WN_E_NOMEM;
        c->neg_blob_len = n.secblob_len;
    }
    c->dialect = n.dialect;
    c->server_secmode = n.security_mode;
    c->neg_req = q;
    c->server_caps = n.capabilities;
    memcpy(c->server_guid, n.server_guid, sizeof(c->server_guid));
    c->max_read = n.max_read;
    c->max_write = n.max_write;
    c->max_transact = n.max_transact;
    if (n.dialect == WN_SMB2_DIALECT_311)
        wn_smb2_preauth_update(c->preauth, c->rx.data, c->rx.len);
    c->signing = o->require_signing || (n.security_mode & WN_SMB2_SIGNING_REQUIRED);
    wn_log(WN_LOG_DEBUG, MOD, "dialect 0x%04x, server security mode 0x%x", n.dialect,
           n.security_mode);
    if (o->negotiated)
        *o->negotiated = 1;
    return 0;
}

/* ------------------------------------------------------------ SESSION_SETUP */

static int
session_setup(struct wn_smb2_conn *c, const struct wn_smb2_opts *o)
{
    struct wn_smb2_auth *a = NULL;
    struct wn_dynbuf tok;
    uint8_t pre[WN_SMB2_PREAUTH_LEN];
    memcpy(pre, c->preauth, sizeof(pre));
    wn_dynbuf_init(&tok, WN_SMB2_MAX_SECBLOB);
    int rc = wn_smb2_auth_new(o, &a);
    if (rc)
        return rc;
    rc = wn_smb2_auth_step(a, c->neg_blob, c->neg_blob_len, &tok);
    uint16_t secmode = WN_SMB2_SIGNING_ENABLED | (c->signing ? WN_SMB2_SIGNING_REQUIRED : 0);
    for (int legs = 0; rc == 0; legs++) {
        if (legs > 8) {
            rc = WN_E_PROTOCOL;
            break;
        }
        struct wn_wbuf w;
        rc = wn_smb2_req_begin(c, 24 + tok.len, &w);
        if (rc)
            break;
        wn_smb2_session_setup_req_encode(&w, secmode, tok.data, tok.len);
        wn_dynbuf_reset(&tok);
        struct wn_smb2_hdr h;
        rc = wn_smb2_transact(c, &w, WN_SMB2_SESSION_SETUP, 0, 0, &h);
        if (rc)
            break;
        if (c->dialect == WN_SMB2_DIALECT_311)
            wn_smb2_preauth_update(pre, c->tx.data + 4, c->tx.len - 4);
        if (h.status != WN_SMB2_STATUS_SUCCESS && h.status != WN_SMB2_STATUS_MORE_PROCESSING) {
            rc = wn_smb2_fail_status(c, h.status);
            break;
        }
        struct wn_smb2_session_setup_resp s;
        rc = wn_smb2_session_setup_resp_decode(c->rx.data, c->rx.len, &s);
        if (rc) {
            rc = rc == WN_E_TRUNCATED ? WN_E_MALFORMED : rc;
            break;
        }
        if (legs == 0)
            c->session_id = h.session_id;
        else if (h.session_id != c->session_id) {
            rc = WN_E_PROTOCOL;
            break;
        }
        if (h.status == WN_SMB2_STATUS_MORE_PROCESSING) {
            if (c->dialect == WN_SMB2_DIALECT_311)
                wn_smb2_preauth_update(pre, c->rx.data, c->rx.len);
            rc = wn_smb2_auth_step(a, s.secblob, s.secblob_len, &tok);
            if (rc == 0 && tok.len == 0)
                rc = WN_E_PROTOCOL;
            continue;
        }
        /* STATUS_SUCCESS: derive the signing key, then check the reply. */
        wn_log(WN_LOG_DEBUG, MOD, "session 0x%llx set up, flags 0x%x, reply %ssigned",
               (unsigned long long)c->session_id, s.session_flags,
               (h.flags & WN_SMB2_FLAG_SIGNED) ? "" : "un");
        rc = wn_smb2_auth_finish(a, s.secblob, s.secblob_len);
        if (rc) {
            wn_log(WN_LOG_WARN, MOD, "SPNEGO did not complete: %s", wn_errname(rc));
            break;
        }
        if (s.session_flags & WN_SMB2_SESSION_ENCRYPT) {
            /* we announced no encryption; a server insisting on it cannot be served */
            wn_log(WN_LOG_WARN, MOD, "server requires SMB3 encryption (unsupported)");
            rc = WN_E_UNSUPPORTED;
            break;
        }
        uint8_t key[16];
        int klen = wn_smb2_auth_session_key(a, key);
        /* Guest and anonymous sessions have no key (Samba reports an anonymous
         * logon with flags 0: the NTLMSSP layer knows, WN_E_NOTFOUND). */
        int guest = (s.session_flags & (WN_SMB2_SESSION_IS_GUEST | WN_SMB2_SESSION_IS_NULL)) != 0;
        if (guest || klen == WN_E_NOTFOUND) {
            wn_wipe(key, sizeof(key));
            if (c->signing)
                rc = WN_E_SIGNATURE; /* no key to sign with */
            break;
        }
        if (klen <= 0) {
            rc = klen < 0 ? klen : WN_E_STATE;
            break;
        }
        rc = wn_smb2_signer_init(&c->signer, c->dialect, key, (size_t)klen, pre);
        wn_wipe(key, sizeof(key));
        if (rc)
            break;
        int is_signed = (h.flags & WN_SMB2_FLAG_SIGNED) != 0;
        if (is_signed)
            rc = wn_smb2_verify(&c->signer, c->rx.data, c->rx.len);
        else if (c->signing || c->dialect == WN_SMB2_DIALECT_311)
            rc = WN_E_SIGNATURE; /* 3.1.1 always signs the final reply */
        if (rc)
            wn_log(WN_LOG_WARN, MOD, "final SESSION_SETUP reply: bad or missing signature");
        break;
    }
    wn_wipe(pre, sizeof(pre));
    wn_dynbuf_free_secret(&tok);
    wn_smb2_auth_free(a);
    return rc;
}

/* ------------------------------------------------------------- TREE_CONNECT */

static int
tree_connect(struct wn_smb2_conn *c)
{
    struct wn_dynbuf path;
    char unc[300];
    int n = snprintf(unc, sizeof(unc), "\\\\%s\\IPC$", c->host);
    if (n < 0 || (size_t)n >= sizeof(unc))
        return WN_E_LIMIT;
    wn_dynbuf_init(&path, WN_SMB2_MAX_PATH);
    int rc = wn_utf8_to_utf16le(unc, (size_t)n, &path);
    if (rc) {
        wn_dynbuf_free(&path);
        return rc;
    }
    struct wn_wbuf w;
    rc = wn_smb2_req_begin(c, 8 + path.len, &w);
    if (!rc)
        wn_smb2_tree_connect_req_encode(&w, path.data, path.len);
    wn_dynbuf_free(&path);
    if (rc)
        return rc;
    struct wn_smb2_hdr h;
    /* 3.1.1 (MS-SMB2 3.2.4.1.1): TREE_CONNECT is always signed (downgrade protection) */
    int sign = c->signing || (c->dialect == WN_SMB2_DIALECT_311 && c->signer.on);
    rc = wn_smb2_transact(c, &w, WN_SMB2_TREE_CONNECT, 0, sign, &h);
    if (rc)
        return rc;
    if (h.status != WN_SMB2_STATUS_SUCCESS)
        return wn_smb2_fail_status(c, h.status);
    struct wn_smb2_tree_connect_resp t;
    rc = wn_smb2_tree_connect_resp_decode(c->rx.data, c->rx.len, &t);
    if (rc)
        return rc == WN_E_TRUNCATED ? WN_E_MALFORMED : rc;
    if (t.share_type != WN_SMB2_SHARE_TYPE_PIPE)
        return WN_E_PROTOCOL;
    c->tree_id = h.tree_id;
    return 0;
}

/* ------------------------------------------------ VALIDATE_NEGOTIATE_INFO */

/* SMB 3.0 / 3.0.2 downgrade protection (MS-SMB2 3.2.5.5, 3.3.5.15.12): the
 * client repeats what it offered in a signed IOCTL and the server's signed
 * answer must repeat what it chose.  3.1.1 has preauth integrity instead;
 * 2.x has neither; a session that cannot sign (anonymous) skips it. */
int
wn_smb2_validate_negotiate(struct wn_smb2_conn *c)
{
    if ((c->dialect != WN_SMB2_DIALECT_300 && c->dialect != WN_SMB2_DIALECT_302) ||
        !c->signer.on)
        return 0;
    const struct wn_smb2_negotiate_req *q = &c->neg_req;
    uint8_t in[24 + 2 * WN_SMB2_MAX_DIALECTS];
    struct wn_wbuf b;
    wn_wbuf_init(&b, in, sizeof(in));
    wn_wbuf_u32le(&b, q->capabilities);
    wn_wbuf_bytes(&b, q->client_guid, 16);
    wn_wbuf_u16le(&b, q->security_mode);
    wn_wbuf_u16le(&b, (uint16_t)q->n_dialects);
    for (size_t i = 0; i < q->n_dialects; i++)
        wn_wbuf_u16le(&b, q->dialects[i]);
    if (b.err)
        return b.err;
    static const uint8_t no_file[16] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    struct wn_wbuf w;
    size_t inlen = wn_wbuf_len(&b);
    int rc = wn_smb2_req_begin(c, 57 + inlen, &w);
    if (rc)
        return rc;
    wn_smb2_ioctl_req_encode(&w, WN_SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO, no_file, in, inlen, 24);
    struct wn_smb2_hdr h;
    /* Always signed, and the reply must be signed (checked by transact). */
    rc = wn_smb2_transact(c, &w, WN_SMB2_IOCTL, (uint32_t)inlen, 1, &h);
    if (rc)
        return rc;
    if (h.status != WN_SMB2_STATUS_SUCCESS) {
        wn_log(WN_LOG_WARN, MOD, "validate negotiate refused (0x%08x): possible downgrade",
               h.status);
        c->last_status = h.status;
        return WN_E_SIGNATURE;
    }
    const uint8_t *d;
    size_t n;
    rc = wn_smb2_ioctl_resp_decode(c->rx.data, c->rx.len, &d, &n);
    if (rc)
        return rc == WN_E_TRUNCATED ? WN_E_MALFORMED : rc;
    struct wn_rbuf r;
    wn_rbuf_init(&r, d, n);
    uint32_t caps = wn_rbuf_u32le(&r);
    const uint8_t *guid = wn_rbuf_view(&r, 16);
    uint16_t secmode = wn_rbuf_u16le(&r);
    uint16_t dialect = wn_rbuf_u16le(&r);
    if (r.err || n != 24)
        return WN_E_MALFORMED;
    if (caps != c->server_caps || memcmp(guid, c->server_guid, 16) != 0 ||
        secmode != c->server_secmode || dialect != c->dialect) {
        wn_log(WN_LOG_WARN, MOD, "validate negotiate mismatch: possible downgrade");
        return WN_E_SIGNATURE;
    }
    wn_log(WN_LOG_DEBUG, MOD, "validate negotiate ok (dialect 0x%04x)", dialect);
    return 0;
}

/* ------------------------------------------------------------------ public */

int
wn_smb2_connect(const struct wn_smb2_opts *o, struct wn_smb2_conn **out)
{
    if (!out)
        return WN_E_INVAL;
    *out = NULL;
    if (!o || !o->host || !o->user || !o->password)
        return WN_E_INVAL;
    uint16_t lo = o->min_dialect ? o->min_dialect : 0x0202;
    uint16_t hi = o->max_dialect ? o->max_dialect : 0x0311;
    if (lo > hi || hi < 0x0202 || lo > 0x0311)
        return WN_E_INVAL;
    struct wn_smb2_conn *c = wn_calloc(1, sizeof(*c));
    if (!c)
        return WN_E_NOMEM;
    c->fd = -1;
    c->timeout_ms = o->timeout_ms ? o->timeout_ms : WN_SMB2_DEFAULT_TIMEOUT_MS;
    c->credits = 1;
    wn_dynbuf_init(&c->tx, TX_MAX);
    wn_dynbuf_init(&c->rx, WN_SMB2_MAX_MESSAGE);
    c->host = wn_strdup(o->host);
    if (!c->host) {
        wn_smb2_disconnect(c);
        return WN_E_NOMEM;
    }
    uint64_t deadline = wn_clock_ms() + c->timeout_ms;
    int rc = tcp_connect(o->host, o->port ? o->port : 445, deadline, &c->fd);
    if (!rc)
        rc = negotiate(c, o);
    if (!rc)
        rc = session_setup(c, o);
    if (!rc)
        rc = tree_connect(c);
    if (!rc)
        rc = wn_smb2_validate_negotiate(c);
    if (rc) {
        if (c->session_id == 0 || rc == WN_E_AUTH)
            c->broken = 1; /* nothing to log off */
        wn_smb2_disconnect(c);
        return rc;
    }
    *out = c;
    return 0;
}

static void
simple_request(struct wn_smb2_conn *c, uint16_t cmd)
{
    struct wn_wbuf w;
    struct wn_smb2_hdr h;
    if (wn_smb2_req_begin(c, 4, &w))
        return;
    wn_smb2_empty_req_encode(&w);
    if (wn_smb2_transact(c, &w, cmd, 0, -1, &h) == 0 && h.status == 0)
        (void)wn_smb2_empty_resp_decode(c->rx.data, c->rx.len);
}

void
wn_smb2_disconnect(struct wn_smb2_conn *c)
{
    if (!c)
        return;
    if (c->fd >= 0 && !c->broken) {
        if (c->tree_id)
            simple_request(c, WN_SMB2_TREE_DISCONNECT);
        c->tree_id = 0;
        if (c->session_id)
            simple_request(c, WN_SMB2_LOGOFF);
    }
    if (c->fd >= 0)
        close(c->fd);
    wn_smb2_signer_wipe(&c->signer);
    wn_wipe(c->preauth, sizeof(c->preauth));
    wn_dynbuf_free(&c->tx);
    wn_dynbuf_free(&c->rx);
    wn_free(c->host);
    wn_free(c->neg_blob);
    wn_wipe(c, sizeof(*c));
    wn_free(c);
}

uint32_t
wn_smb2_last_status(const struct wn_smb2_conn *c)
{
    return c ? c->last_status : 0;
}

uint16_t
wn_smb2_dialect(const struct wn_smb2_conn *c)
{
    return c ? c->dialect : 0;
}

int
wn_smb2_signing_active(const struct wn_smb2_conn *c)
{
    return c && c->signing && c->signer.on;
}
