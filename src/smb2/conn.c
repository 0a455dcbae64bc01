/* conn.c: SMB2 connection: credits, signing, encryption, NEGOTIATE, SESSION_SETUP, TREE_CONNECT. */
#include "conn.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"

#define MOD "smb2"
#define TX_MAX (WN_SMB2_MAX_IO + 4096u)
#define NBSS_HDR_LEN 4

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
    case WN_SMB2_STATUS_WRONG_PASSWORD:
    case WN_SMB2_STATUS_NO_SUCH_USER:
    case WN_SMB2_STATUS_ACCOUNT_RESTRICTION:
    case WN_SMB2_STATUS_INVALID_LOGON_HOURS:
    case WN_SMB2_STATUS_INVALID_WORKSTATION:
    case WN_SMB2_STATUS_PASSWORD_EXPIRED:
    case WN_SMB2_STATUS_ACCOUNT_DISABLED:
    case WN_SMB2_STATUS_ACCOUNT_EXPIRED:
    case WN_SMB2_STATUS_PASSWORD_MUST_CHANGE:
    case WN_SMB2_STATUS_ACCOUNT_LOCKED_OUT:
    case WN_SMB2_STATUS_LOGON_TYPE_NOT_GRANTED:
        return WN_E_AUTH;
    case WN_SMB2_STATUS_ACCESS_DENIED:
    case WN_SMB2_STATUS_INSUFF_SERVER_RESOURCES:
        return WN_E_ACCESS;
    case WN_SMB2_STATUS_OBJECT_NAME_NOT_FOUND:
    case WN_SMB2_STATUS_BAD_NETWORK_NAME:
        return WN_E_NOTFOUND;
    case WN_SMB2_STATUS_NOT_SUPPORTED: /* e.g. no dialect in common */
        return WN_E_UNSUPPORTED;
    case WN_SMB2_STATUS_IO_TIMEOUT:
        return WN_E_TIMEOUT;
    case WN_SMB2_STATUS_USER_SESSION_DELETED:
    case WN_SMB2_STATUS_PIPE_BROKEN:
    case WN_SMB2_STATUS_PIPE_DISCONNECTED:
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

/* ------------------------------------------------------------------ engine */

int
wn_smb2_req_begin(struct wn_smb2_conn *c, size_t body_cap, struct wn_wbuf *w)
{
    uint8_t *p;
    if (c->broken)
        return WN_E_STATE;
    wn_dynbuf_reset(&c->tx);
    int rc = wn_dynbuf_grow(&c->tx, NBSS_HDR_LEN + WN_SMB2_HDR_LEN + body_cap, &p);
    if (rc)
        return rc;
    memset(p, 0, NBSS_HDR_LEN + WN_SMB2_HDR_LEN);
    wn_wbuf_init(w, p + NBSS_HDR_LEN, WN_SMB2_HDR_LEN + body_cap);
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

/* Signature policy for the reply in c->rx: a sealed reply is authenticated
 * by its AEAD tag; a signed one is always verified when we have a key; when
 * `must_sign`, an unsigned one is refused.  0 or WN_E_SIGNATURE (the
 * connection is then broken). */
static int
reply_verify(struct wn_smb2_conn *c, const struct wn_smb2_hdr *hdr, uint16_t cmd, int sealed,
             int must_sign)
{
    if (sealed)
        return 0;
    int is_signed = (hdr->flags & WN_SMB2_FLAG_SIGNED) != 0;
    if (is_signed && c->signer.on) {
        if (wn_smb2_verify(&c->signer, c->rx.data, c->rx.len) == 0)
            return 0;
        wn_log(WN_LOG_WARN, MOD, "bad signature on %sreply to command %u",
               hdr->status == WN_SMB2_STATUS_PENDING ? "interim " : "", cmd);
    } else if (must_sign && c->signer.on) {
        wn_log(WN_LOG_WARN, MOD, "unsigned reply to command %u while signing", cmd);
    } else {
        return 0;
    }
    c->broken = 1;
    return WN_E_SIGNATURE;
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
    c->tx.len = NBSS_HDR_LEN + len; /* tx now holds exactly the frame sent (preauth hashes it) */
    struct wn_smb2_hdr h = { .credit_charge = charge, .command = cmd,
                             .credits = WN_SMB2_CREDIT_REQUEST, .message_id = c->next_mid,
                             .tree_id = c->tree_id, .session_id = c->session_id };
    struct wn_wbuf hw;
    wn_wbuf_init(&hw, w->start, WN_SMB2_HDR_LEN);
    wn_smb2_hdr_encode(&hw, &h);
    /* An encrypted request is not signed (MS-SMB2 3.2.4.1.8): the AEAD tag
     * covers it. */
    int sealed = c->encrypt;
    int do_sign = sign < 0 ? c->signing : sign;
    if (do_sign && c->signer.on && !sealed)
        wn_smb2_sign(&c->signer, w->start, len);
    uint8_t *nb = w->start - NBSS_HDR_LEN;
    nb[0] = 0;
    nb[1] = (uint8_t)(len >> 16);
    nb[2] = (uint8_t)(len >> 8);
    nb[3] = (uint8_t)len;
    int rc = 0;
    if (sealed) {
        rc = wn_smb2_seal(&c->crypt, w->start, len, &c->sealed);
        if (rc)
            return rc;
    }
    uint64_t mid = c->next_mid;
    c->next_mid += cost;
    c->credits -= cost;
    uint64_t deadline = wn_clock_ms() + c->timeout_ms;
    if (sealed)
        rc = wn_smb2_send_all(c, c->sealed.data, c->sealed.len, deadline);
    else
        rc = wn_smb2_send_all(c, nb, len + NBSS_HDR_LEN, deadline);
    if (rc) {
        c->broken = 1;
        return rc;
    }
    for (;;) {
        rc = wn_smb2_recv_frame(c, deadline);
        if (rc) {
            c->broken = 1;
            return rc;
        }
        int reply_sealed = wn_smb2_is_transform(c->rx.data, c->rx.len);
        if (reply_sealed) {
            rc = wn_smb2_unseal(&c->crypt, c->rx.data, &c->rx.len);
            if (rc) {
                c->broken = 1;
                return rc;
            }
        } else if (sealed) {
            /* we encrypt: a plain reply may have been made up by anyone */
            wn_log(WN_LOG_WARN, MOD, "unencrypted reply to encrypted command %u", cmd);
            c->broken = 1;
            return WN_E_SIGNATURE;
        }
        struct wn_rbuf r;
        wn_rbuf_init(&r, c->rx.data, c->rx.len);
        rc = wn_smb2_hdr_decode(&r, hdr);
        if (rc) {
            c->broken = 1;
            return rc == WN_E_TRUNCATED ? WN_E_MALFORMED : rc;
        }
        /* MS-SMB2 3.2.5.1.1.1 found the session by the TRANSFORM_HEADER's
         * SessionId (wn_smb2_unseal: ours); the message inside must speak
         * for that same session, else one session's key carries another
         * session's answer */
        if (reply_sealed && hdr->session_id != c->crypt.session_id) {
            wn_log(WN_LOG_WARN, MOD, "encrypted reply carries another session (0x%016llx)",
                   (unsigned long long)hdr->session_id);
            c->broken = 1;
            return WN_E_SIGNATURE;
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
        int interim = hdr->status == WN_SMB2_STATUS_PENDING && (hdr->flags & WN_SMB2_FLAG_ASYNC);
        /* Nothing of a reply (not even its credit grant) is used before it
         * is verified.  An interim reply may come unsigned (MS-SMB2
         * 3.3.4.1.1 signs only final replies), but one that says it is
         * signed must verify like any other. */
        rc = reply_verify(c, hdr, cmd, reply_sealed, do_sign && !interim);
        if (rc)
            return rc;
        c->credits += hdr->credits;
        if (interim)
            continue; /* wait for the final reply (same deadline) */
        break;
    }
    return 0;
}

int
wn_smb2_encryption_decide(struct wn_smb2_conn *c, int server_requires, const char *what)
{
    if (c->encrypt)
        return 0;
    int want = server_requires || c->encrypt_mode == WN_SMB2_ENCRYPT_REQUIRED;
    if (!want)
        return 0;
    if (c->encrypt_mode == WN_SMB2_ENCRYPT_OFF) {
        wn_log(WN_LOG_WARN, MOD, "the server requires encryption for the %s, which is turned "
               "off (NETAPI_ENCRYPT=off)", what);
        return WN_E_ACCESS;
    }
    if (!c->crypt.on) {
        wn_log(WN_LOG_WARN, MOD, "encryption is %s for the %s but not possible (dialect "
               "0x%04x, %s)", server_requires ? "required by the server" : "required", what,
               c->dialect, c->cipher ? "no session key" : "no cipher in common");
        return WN_E_UNSUPPORTED;
    }
    c->encrypt = 1;
    wn_log(WN_LOG_DEBUG, MOD, "encrypting (cipher %u) from the %s on", c->cipher, what);
    return 0;
}

/* ---------------------------------------------------------------- NEGOTIATE */

static int
negotiate(struct wn_smb2_conn *c, const struct wn_smb2_opts *o)
{
    static const uint16_t all[] = { WN_SMB2_DIALECT_202, WN_SMB2_DIALECT_210,
                                    WN_SMB2_DIALECT_300, WN_SMB2_DIALECT_302,
                                    WN_SMB2_DIALECT_311 };
    /* Our preference for 3.1.1 (the server picks): the 128-bit GCM first,
     * as Windows orders them. */
    static const uint16_t cipher_pref[] = { WN_SMB2_CIPHER_AES128_GCM, WN_SMB2_CIPHER_AES128_CCM,
                                            WN_SMB2_CIPHER_AES256_GCM, WN_SMB2_CIPHER_AES256_CCM };
    struct wn_smb2_negotiate_req q;
    memset(&q, 0, sizeof(q));
    uint16_t lo = o->min_dialect ? o->min_dialect : WN_SMB2_DEFAULT_MIN_DIALECT;
    uint16_t hi = o->max_dialect ? o->max_dialect : WN_SMB2_DIALECT_311;
    for (size_t i = 0; i < WN_ARRAY_SIZE(all); i++)
        if (all[i] >= lo && all[i] <= hi)
            q.dialects[q.n_dialects++] = all[i];
    if (q.n_dialects == 0)
        return WN_E_INVAL;
    /* We ask the server to sign too whenever we will (everything but an
     * anonymous session, unless signing was turned off explicitly). */
    q.security_mode = WN_SMB2_SIGNING_ENABLED | (c->signing ? WN_SMB2_SIGNING_REQUIRED : 0);
    if (c->encrypt_mode != WN_SMB2_ENCRYPT_OFF) {
        unsigned mask = o->ciphers ? o->ciphers : WN_SMB2_CIPHERS_ALL;
        q.capabilities |= WN_SMB2_CAP_ENCRYPTION;
        for (size_t i = 0; i < WN_ARRAY_SIZE(cipher_pref); i++)
            if (mask & (1u << cipher_pref[i]))
                q.ciphers[q.n_ciphers++] = cipher_pref[i];
    }
    int rc = wn_random(q.client_guid, sizeof(q.client_guid));
    if (!rc)
        rc = wn_random(q.salt, sizeof(q.salt));
    if (rc)
        return rc;

    struct wn_wbuf w;
    rc = wn_smb2_req_begin(c, WN_SMB2_NEGOTIATE_REQ_BODY_MAX, &w);
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
    wn_smb2_preauth_update(c->preauth, c->tx.data + NBSS_HDR_LEN, c->tx.len - NBSS_HDR_LEN);
    if (h.status != WN_SMB2_STATUS_SUCCESS) {
        if (h.status == WN_SMB2_STATUS_NOT_SUPPORTED)
            wn_log(WN_LOG_WARN, MOD, "no dialect in common: we offered 0x%04x..0x%04x (a lower "
                   "floor must be asked for)", q.dialects[0], q.dialects[q.n_dialects - 1]);
        return wn_smb2_fail_status(c, h.status);
    }
    struct wn_smb2_negotiate_resp n;
    rc = wn_smb2_negotiate_resp_decode(c->rx.data, c->rx.len, &n);
    if (rc)
        return rc == WN_E_TRUNCATED ? WN_E_MALFORMED : rc;
    /* A well-formed NEGOTIATE answer: the host is an SMB2 server, and what
     * follows is our refusal of what it (or a man in the middle) chose. */
    if (o->negotiated)
        *o->negotiated = 1;
    int offered = 0;
    for (size_t i = 0; i < q.n_dialects; i++)
        offered |= q.dialects[i] == n.dialect;
    if (!offered) {
        if (n.dialect == WN_SMB2_DIALECT_WILDCARD) {
            wn_log(WN_LOG_WARN, MOD, "no dialect in common: we offered 0x%04x..0x%04x",
                   q.dialects[0], q.dialects[q.n_dialects - 1]);
            return WN_E_UNSUPPORTED;
        }
        /* e.g. a man in the middle that rewrote our dialect list */
        wn_log(WN_LOG_WARN, MOD, "server chose dialect 0x%04x, which we did not offer "
               "(lowest offered 0x%04x)", n.dialect, q.dialects[0]);
        return WN_E_PROTOCOL;
    }
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
    if (n.security_mode & WN_SMB2_SIGNING_REQUIRED)
        c->signing = 1;
    if (n.dialect == WN_SMB2_DIALECT_311)
        c->cipher = n.cipher;
    else if (n.dialect >= WN_SMB2_DIALECT_300 && (n.capabilities & WN_SMB2_CAP_ENCRYPTION) &&
             (q.capabilities & WN_SMB2_CAP_ENCRYPTION))
        c->cipher = WN_SMB2_CIPHER_AES128_CCM;
    if (c->cipher != WN_SMB2_CIPHER_NONE) {
        int known = 0;
        for (size_t i = 0; i < q.n_ciphers; i++)
            known |= q.ciphers[i] == c->cipher;
        if (!known && n.dialect == WN_SMB2_DIALECT_311) {
            wn_log(WN_LOG_WARN, MOD, "server chose cipher %u, which we did not offer", c->cipher);
            return WN_E_PROTOCOL;
        }
    }
    wn_log(WN_LOG_DEBUG, MOD, "dialect 0x%04x, server security mode 0x%x", n.dialect,
           n.security_mode);
    return 0;
}

/* ------------------------------------------------------------ SESSION_SETUP */

/* A named user's logon answered with a guest or null session. */
static int
refuse_guest(const struct wn_smb2_opts *o, uint16_t session_flags)
{
    wn_log(WN_LOG_WARN, MOD, "the server answered the logon of user \"%s\" with a %s "
           "session: refused as a logon failure", o->user,
           (session_flags & WN_SMB2_SESSION_IS_GUEST) ? "guest" : "anonymous");
    return WN_E_AUTH;
}

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
        rc = wn_smb2_req_begin(c, WN_SMB2_BODY_CAP(WN_SMB2_SESSION_SETUP_REQ_SIZE, tok.len), &w);
        if (rc)
            break;
        wn_smb2_session_setup_req_encode(&w, secmode, tok.data, tok.len);
        wn_dynbuf_reset(&tok);
        struct wn_smb2_hdr h;
        rc = wn_smb2_transact(c, &w, WN_SMB2_SESSION_SETUP, 0, 0, &h);
        if (rc)
            break;
        if (c->dialect == WN_SMB2_DIALECT_311)
            wn_smb2_preauth_update(pre, c->tx.data + NBSS_HDR_LEN, c->tx.len - NBSS_HDR_LEN);
        if (h.status != WN_SMB2_STATUS_SUCCESS && h.status != WN_SMB2_STATUS_MORE_PROCESSING) {
            if (h.status == WN_SMB2_STATUS_ACCESS_DENIED && c->cipher == WN_SMB2_CIPHER_NONE)
                /* what a server that requires encryption answers a client that cannot */
                wn_log(WN_LOG_WARN, MOD, "session refused with ACCESS_DENIED: the server may "
                       "require encryption, which is %s", c->encrypt_mode == WN_SMB2_ENCRYPT_OFF
                       ? "turned off (NETAPI_ENCRYPT=off)" : "not possible with this dialect");
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
        int guest = (s.session_flags & (WN_SMB2_SESSION_IS_GUEST | WN_SMB2_SESSION_IS_NULL)) != 0;
        int is_signed = (h.flags & WN_SMB2_FLAG_SIGNED) != 0;
        if (guest && !is_signed && !c->anonymous) {
            /* Refused whoever set the flag, so it needs no trust: a server
             * that maps a bad user to guest neither signs this reply nor
             * sends the SPNEGO mechListMIC (there is no key for either). */
            rc = refuse_guest(o, s.session_flags);
            break;
        }
        rc = wn_smb2_auth_finish(a, s.secblob, s.secblob_len);
        if (rc) {
            wn_log(WN_LOG_WARN, MOD, "SPNEGO did not complete: %s", wn_errname(rc));
            break;
        }
        uint8_t key[16];
        int klen = wn_smb2_auth_session_key(a, key);
        if (c->anonymous) {
            /* Asked for: no key, nothing can be signed or sealed (Samba
             * reports an anonymous logon with flags 0: the NTLMSSP layer
             * knows, WN_E_NOTFOUND). */
            wn_wipe(key, sizeof(key));
            if (c->signing)
                rc = WN_E_SIGNATURE; /* no key to sign with */
            else
                rc = wn_smb2_encryption_decide(c, (s.session_flags & WN_SMB2_SESSION_ENCRYPT) != 0,
                                               "anonymous session");
            break;
        }
        if (klen <= 0) {
            wn_wipe(key, sizeof(key));
            rc = klen < 0 ? klen : WN_E_STATE;
            if (klen == WN_E_NOTFOUND)
                rc = WN_E_AUTH; /* we sent a user name, NTLMSSP made it anonymous */
            break;
        }
        rc = wn_smb2_signer_init(&c->signer, c->dialect, key, (size_t)klen, pre);
        if (!rc && c->cipher != WN_SMB2_CIPHER_NONE && c->dialect >= WN_SMB2_DIALECT_300)
            rc = wn_smb2_crypt_init(&c->crypt, c->dialect, c->cipher, key, (size_t)klen, pre,
                                    c->session_id);
        wn_wipe(key, sizeof(key));
        if (rc)
            break;
        /* The session flags of a signed reply are trusted only once its
         * signature verified (a guest flag set by a man in the middle is
         * WN_E_SIGNATURE); an unsigned guest reply was refused above. */
        if (is_signed) {
            rc = wn_smb2_verify(&c->signer, c->rx.data, c->rx.len);
            if (rc)
                wn_log(WN_LOG_WARN, MOD, "final SESSION_SETUP reply: bad signature");
        }
        if (!rc && guest) {
            rc = refuse_guest(o, s.session_flags);
            break;
        }
        if (!rc && !is_signed && (c->signing || c->dialect == WN_SMB2_DIALECT_311)) {
            /* 3.1.1 always signs the final reply, and so does any server
             * when we require signing */
            wn_log(WN_LOG_WARN, MOD, "final SESSION_SETUP reply: missing signature");
            rc = WN_E_SIGNATURE;
        }
        if (!rc)
            rc = wn_smb2_encryption_decide(c, (s.session_flags & WN_SMB2_SESSION_ENCRYPT) != 0,
                                           "session");
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
    rc = wn_smb2_req_begin(c, WN_SMB2_BODY_CAP(WN_SMB2_TREE_CONNECT_REQ_SIZE, path.len), &w);
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
    return wn_smb2_encryption_decide(c, (t.share_flags & WN_SMB2_SHAREFLAG_ENCRYPT_DATA) != 0,
                                     "IPC$ share");
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
    uint8_t in[WN_SMB2_VALIDATE_REQ_FIXED + 2 * WN_SMB2_MAX_DIALECTS];
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
    int rc = wn_smb2_req_begin(c, WN_SMB2_BODY_CAP(WN_SMB2_IOCTL_REQ_SIZE, inlen), &w);
    if (rc)
        return rc;
    wn_smb2_ioctl_req_encode(&w, WN_SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO, no_file, in, inlen,
                            WN_SMB2_VALIDATE_RESP_LEN);
    struct wn_smb2_hdr h;
    /* Always signed, and the reply must be signed (checked by transact). */
    rc = wn_smb2_transact(c, &w, WN_SMB2_IOCTL, (uint32_t)inlen, 1, &h);
    if (rc == WN_E_CLOSED) {
        /* what a server does when our list differs from what it received */
        wn_log(WN_LOG_WARN, MOD, "connection dropped at validate negotiate: possible downgrade");
        return WN_E_SIGNATURE;
    }
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
    /* the FileId of this answer is all ones (MS-SMB2 3.3.5.15.12) or, for
     * some servers, ours: only the control code is matched */
    if (!rc)
        rc = wn_smb2_ioctl_resp_match(c->rx.data, c->rx.len,
                                      WN_SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO, NULL);
    if (rc)
        return rc == WN_E_TRUNCATED ? WN_E_MALFORMED : rc;
    struct wn_rbuf r;
    wn_rbuf_init(&r, d, n);
    uint32_t caps = wn_rbuf_u32le(&r);
    const uint8_t *guid = wn_rbuf_view(&r, 16);
    uint16_t secmode = wn_rbuf_u16le(&r);
    uint16_t dialect = wn_rbuf_u16le(&r);
    if (r.err || n != WN_SMB2_VALIDATE_RESP_LEN)
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
    /* Anonymous only when asked for, and then with no name or password. */
    if (o->anonymous ? (*o->user != '\0' || *o->password != '\0') : *o->user == '\0')
        return WN_E_INVAL;
    if (o->encrypt < WN_SMB2_ENCRYPT_AUTO || o->encrypt > WN_SMB2_ENCRYPT_OFF ||
        o->sign_mode < WN_SMB2_SIGN_DEFAULT || o->sign_mode > WN_SMB2_SIGN_OFF ||
        (o->ciphers & ~WN_SMB2_CIPHERS_ALL) != 0)
        return WN_E_INVAL;
    uint16_t lo = o->min_dialect ? o->min_dialect : WN_SMB2_DEFAULT_MIN_DIALECT;
    uint16_t hi = o->max_dialect ? o->max_dialect : WN_SMB2_DIALECT_311;
    if (lo > hi || hi < WN_SMB2_DIALECT_202 || lo > WN_SMB2_DIALECT_311)
        return WN_E_INVAL;
    struct wn_smb2_conn *c = wn_calloc(1, sizeof(*c));
    if (!c)
        return WN_E_NOMEM;
    c->fd = -1;
    c->timeout_ms = o->timeout_ms ? o->timeout_ms : WN_SMB2_DEFAULT_TIMEOUT_MS;
    c->credits = 1;
    c->anonymous = o->anonymous != 0;
    c->encrypt_mode = o->encrypt;
    /* Sign whenever there will be a session key, unless explicitly turned
     * off; the server may still require it (negotiate sets it then). */
    c->signing = o->require_signing || (!o->anonymous && o->sign_mode == WN_SMB2_SIGN_DEFAULT);
    if (o->sign_mode == WN_SMB2_SIGN_OFF && !o->require_signing)
        wn_log(WN_LOG_WARN, MOD, "signing turned off by option: replies from %s are not "
               "authenticated unless the server requires signing", o->host);
    wn_dynbuf_init(&c->tx, TX_MAX);
    wn_dynbuf_init(&c->sealed, WN_SMB2_MAX_MESSAGE);
    wn_dynbuf_init(&c->rx, WN_SMB2_MAX_MESSAGE);
    c->host = wn_strdup(o->host);
    if (!c->host) {
        wn_smb2_disconnect(c);
        return WN_E_NOMEM;
    }
    uint64_t deadline = wn_clock_ms() + c->timeout_ms;
    int rc = wn_smb2_tcp_connect(o->host, o->port ? o->port : 445, deadline, &c->fd);
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
    if (wn_smb2_req_begin(c, WN_SMB2_EMPTY_SIZE, &w))
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
    wn_smb2_crypt_wipe(&c->crypt);
    wn_dynbuf_free(&c->sealed);
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

uint16_t
wn_smb2_encryption_active(const struct wn_smb2_conn *c)
{
    return c && c->encrypt ? c->cipher : 0;
}
