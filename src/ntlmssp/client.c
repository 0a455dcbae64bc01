/* client.c: NTLMv2 client (MS-NLMP): NEGOTIATE, AUTHENTICATE with MIC and key exchange, session keys. */
#include "ntlmssp.h"
#include "ntlmssp_int.h"

#include <string.h>

#include "crypto.h"

#define NEGOTIATE_LEN 40       /* fixed part incl. Version */
#define AUTH_FIXED_LEN 64      /* through NegotiateFlags */
#define AUTH_MIC_OFFSET 72     /* after Version */
#define MSV_AV_FLAG_MIC 0x2u
#define BLOB_FIXED_LEN 28      /* RespType..Z(4) before the AV pairs */

enum { ST_NEW, ST_NEGOTIATED, ST_DONE };

struct wn_ntlmssp {
    int state;
    int anonymous;
    int mic_sent;
    int sign_ready;
    uint32_t req_flags;
    uint32_t flags;
    uint8_t version[8];
    struct wn_dynbuf user;      /* UTF-16LE */
    struct wn_dynbuf domain;    /* UTF-16LE */
    struct wn_dynbuf ws;        /* UTF-16LE */
    struct wn_dynbuf target;    /* UTF-16LE MsvAvTargetName, may be empty */
    struct wn_dynbuf negotiate; /* copy of our NEGOTIATE, for the MIC */
    uint8_t response_key[16];   /* NTOWFv2 */
    uint8_t session_key[16];    /* exported session key */
    uint8_t client_sign[16];
    uint8_t server_sign[16];
    struct wn_crypto_rc4 client_seal;
    struct wn_crypto_rc4 server_seal;
    uint32_t client_seq;
    uint32_t server_seq;
};

static int
to_utf16(const char *s, size_t max, struct wn_dynbuf *out)
{
    size_t len = s ? strlen(s) : 0;
    if (len > max)
        return WN_E_INVAL;
    wn_dynbuf_init(out, 2 * max + 2);
    int rc = wn_utf8_to_utf16le(s ? s : "", len, out);
    return rc == WN_E_MALFORMED ? WN_E_INVAL : rc;
}

int
wn_ntlmssp_ntowfv2(const char *user, const char *domain, const char *password, uint8_t out[16])
{
    struct wn_dynbuf pw, ud;
    uint8_t nt_hash[16];
    wn_dynbuf_init(&ud, 0);
    int rc = to_utf16(password, WN_NTLMSSP_MAX_PASSWORD, &pw);
    if (rc == 0) {
        wn_crypto_md4(pw.data, pw.len, nt_hash);
        rc = to_utf16(user, WN_NTLMSSP_MAX_NAME, &ud);
    }
    if (rc == 0) {
        wn_utf16le_upper(ud.data, ud.len);
        ud.max += 2 * WN_NTLMSSP_MAX_NAME;
        size_t dlen = domain ? strlen(domain) : 0;
        rc = dlen > WN_NTLMSSP_MAX_NAME ? WN_E_INVAL
                                        : wn_utf8_to_utf16le(domain ? domain : "", dlen, &ud);
        if (rc == WN_E_MALFORMED)
            rc = WN_E_INVAL;
    }
    if (rc == 0)
        wn_crypto_hmac_md5(nt_hash, 16, ud.data, ud.len, out);
    wn_dynbuf_free_secret(&pw);
    wn_dynbuf_free(&ud);
    wn_wipe(nt_hash, sizeof nt_hash);
    return rc;
}

int
wn_ntlmssp_client_new(const struct wn_ntlmssp_creds *c, struct wn_ntlmssp **out)
{
    if (!c || !out)
        return WN_E_INVAL;
    *out = NULL;
    struct wn_ntlmssp *n = wn_calloc(1, sizeof *n);
    if (!n)
        return WN_E_NOMEM;
    n->req_flags = WN_NTLMSSP_CLIENT_FLAGS;
    wn_ntlmssp_set_version(n, 6, 1, 7600);
    n->anonymous = !c->user || !c->user[0];
    wn_dynbuf_init(&n->target, 2 * WN_NTLMSSP_MAX_NAME);
    wn_dynbuf_init(&n->negotiate, WN_NTLMSSP_OUT_MAX);
    int rc = to_utf16(c->user, WN_NTLMSSP_MAX_NAME, &n->user);
    if (rc == 0)
        rc = to_utf16(c->domain, WN_NTLMSSP_MAX_NAME, &n->domain);
    if (rc == 0)
        rc = to_utf16(c->workstation, WN_NTLMSSP_MAX_NAME, &n->ws);
    if (rc == 0 && !n->anonymous)
        rc = wn_ntlmssp_ntowfv2(c->user, c->domain, c->password, n->response_key);
    if (rc < 0) {
        wn_ntlmssp_free(n);
        return rc;
    }
    *out = n;
    return 0;
}

int
wn_ntlmssp_set_target_name(struct wn_ntlmssp *n, const char *target)
{
    wn_dynbuf_free(&n->target);
    if (!target)
        return 0;
    int rc = to_utf16(target, WN_NTLMSSP_MAX_NAME, &n->target);
    if (rc < 0)
        wn_dynbuf_free(&n->target);
    return rc;
}

void
wn_ntlmssp_set_flags(struct wn_ntlmssp *n, uint32_t flags)
{
    n->req_flags = flags;
}

void
wn_ntlmssp_set_version(struct wn_ntlmssp *n, uint8_t major, uint8_t minor, uint16_t build)
{
    memset(n->version, 0, sizeof n->version);
    n->version[0] = major;
    n->version[1] = minor;
    n->version[2] = (uint8_t)build;
    n->version[3] = (uint8_t)(build >> 8);
    n->version[7] = 0x0F;   /* NTLMSSP_REVISION_W2K3 */
}

/* Writes a (Len, MaxLen, Offset) field. */
static void
put_field(struct wn_wbuf *w, size_t len, size_t off)
{
    wn_wbuf_u16le(w, (uint16_t)len);
    wn_wbuf_u16le(w, (uint16_t)len);
    wn_wbuf_u32le(w, (uint32_t)off);
}

int
wn_ntlmssp_negotiate(struct wn_ntlmssp *n, struct wn_dynbuf *out)
{
    if (n->state != ST_NEW)
        return WN_E_STATE;
    uint8_t msg[NEGOTIATE_LEN];
    struct wn_wbuf w;
    wn_wbuf_init(&w, msg, sizeof msg);
    wn_wbuf_bytes(&w, WN_NTLMSSP_SIGNATURE, 8);
    wn_wbuf_u32le(&w, 1);
    wn_wbuf_u32le(&w, n->req_flags);
    put_field(&w, 0, NEGOTIATE_LEN);   /* DomainNameFields: not supplied */
    put_field(&w, 0, NEGOTIATE_LEN);   /* WorkstationFields: not supplied */
    wn_wbuf_bytes(&w, n->version, 8);
    wn_dynbuf_reset(&n->negotiate);
    int rc = wn_dynbuf_add(&n->negotiate, msg, sizeof msg);
    if (rc == 0)
        rc = wn_dynbuf_add(out, msg, sizeof msg);
    if (rc == 0)
        n->state = ST_NEGOTIATED;
    return rc;
}

static int
av_put(struct wn_dynbuf *b, uint16_t id, const void *val, size_t len)
{
    uint8_t h[4] = {(uint8_t)id, (uint8_t)(id >> 8), (uint8_t)len, (uint8_t)(len >> 8)};
    int rc = wn_dynbuf_add(b, h, sizeof h);
    if (rc == 0 && len)
        rc = wn_dynbuf_add(b, val, len);
    return rc;
}

/* The AV pairs of our NTLMv2 blob: the server's, then MsvAvFlags (when a
 * MIC follows) and MsvAvTargetName (when set), then EOL. */
static int
build_av_pairs(const struct wn_ntlmssp *n, const struct wn_ntlmssp_challenge *c, int mic,
               struct wn_dynbuf *b)
{
    struct wn_rbuf r;
    static const uint8_t none[1];
    /* No TargetInfo: an empty cursor over a real address. */
    wn_rbuf_init(&r, c->target_info ? c->target_info : none, c->target_info_len);
    int rc = 0;
    while (rc == 0 && wn_rbuf_left(&r) >= 4) {
        uint16_t id, len;
        const uint8_t *val;
        rc = wn_ntlmssp_av_next(&r, &id, &val, &len);
        if (rc < 0 || id == WN_NTLMSSP_AV_EOL)
            break;
        if ((id == WN_NTLMSSP_AV_FLAGS && mic) ||
            (id == WN_NTLMSSP_AV_TARGET_NAME && n->target.len))
            continue;
        rc = av_put(b, id, val, len);
    }
    if (rc == 0 && mic) {
        uint32_t f = (c->has_av_flags ? c->av_flags : 0) | MSV_AV_FLAG_MIC;
        uint8_t v[4] = {(uint8_t)f, (uint8_t)(f >> 8), (uint8_t)(f >> 16), (uint8_t)(f >> 24)};
        rc = av_put(b, WN_NTLMSSP_AV_FLAGS, v, sizeof v);
    }
    if (rc == 0 && n->target.len)
        rc = av_put(b, WN_NTLMSSP_AV_TARGET_NAME, n->target.data, n->target.len);
    if (rc == 0)
        rc = av_put(b, WN_NTLMSSP_AV_EOL, NULL, 0);
    return rc;
}

/* NTLMv2 responses and the session base key (MS-NLMP 3.3.2). */
static int
ntlmv2_responses(const struct wn_ntlmssp *n, const struct wn_ntlmssp_challenge *c, int mic,
                 struct wn_dynbuf *nt, uint8_t lm[24], uint8_t base_key[16])
{
    uint8_t cc[8];
    int rc = wn_random(cc, sizeof cc);
    if (rc < 0)
        return rc;
    uint64_t t = c->has_timestamp ? c->timestamp : wn_clock_filetime();
    uint8_t *hdr;
    /* NTProofStr placeholder, then the blob ("temp"). */
    rc = wn_dynbuf_grow(nt, 16 + BLOB_FIXED_LEN, &hdr);
    if (rc < 0)
        return rc;
    struct wn_wbuf w;
    wn_wbuf_init(&w, hdr, 16 + BLOB_FIXED_LEN);
    wn_wbuf_zeros(&w, 16);
    wn_wbuf_u8(&w, 1);          /* RespType */
    wn_wbuf_u8(&w, 1);          /* HiRespType */
    wn_wbuf_zeros(&w, 6);
    wn_wbuf_u64le(&w, t);
    wn_wbuf_bytes(&w, cc, 8);
    wn_wbuf_zeros(&w, 4);
    rc = build_av_pairs(n, c, mic, nt);
    if (rc == 0)
        rc = wn_dynbuf_add_zeros(nt, 4);
    if (rc < 0)
        return rc;
    struct wn_crypto_hmac m;
    (void)wn_crypto_hmac_init(&m, WN_CRYPTO_MD5, n->response_key, 16);
    wn_crypto_hmac_update(&m, c->server_challenge, 8);
    wn_crypto_hmac_update(&m, nt->data + 16, nt->len - 16);
    wn_crypto_hmac_final(&m, nt->data);
    wn_crypto_hmac_md5(n->response_key, 16, nt->data, 16, base_key);
    if (c->has_timestamp) {
        memset(lm, 0, 24);
    } else {
        uint8_t sc_cc[16];
        memcpy(sc_cc, c->server_challenge, 8);
        memcpy(sc_cc + 8, cc, 8);
        wn_crypto_hmac_md5(n->response_key, 16, sc_cc, 16, lm);
        memcpy(lm + 16, cc, 8);
    }
    return 0;
}

static void
derive_key(const uint8_t *base, size_t base_len, const char *magic, uint8_t out[16])
{
    struct wn_crypto_hash h;
    (void)wn_crypto_hash_init(&h, WN_CRYPTO_MD5);
    wn_crypto_hash_update(&h, base, base_len);
    wn_crypto_hash_update(&h, magic, strlen(magic) + 1);
    wn_crypto_hash_final(&h, out);
}

/* Signing and sealing keys (MS-NLMP 3.4.5.2, 3.4.5.3), with ESS only. */
static void
derive_session_security(struct wn_ntlmssp *n)
{
    if (!(n->flags & WN_NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY))
        return;
    size_t seal_len = (n->flags & WN_NTLMSSP_NEGOTIATE_128) ? 16
                      : (n->flags & WN_NTLMSSP_NEGOTIATE_56) ? 7 : 5;
    uint8_t k[16];
    derive_key(n->session_key, 16,
               "session key to client-to-server signing key magic constant", n->client_sign);
    derive_key(n->session_key, 16,
               "session key to server-to-client signing key magic constant", n->server_sign);
    derive_key(n->session_key, seal_len,
               "session key to client-to-server sealing key magic constant", k);
    (void)wn_crypto_rc4_init(&n->client_seal, k, sizeof k);
    derive_key(n->session_key, seal_len,
               "session key to server-to-client sealing key magic constant", k);
    (void)wn_crypto_rc4_init(&n->server_seal, k, sizeof k);
    wn_wipe(k, sizeof k);
    n->sign_ready = 1;
}

int
wn_ntlmssp_authenticate(struct wn_ntlmssp *n, const uint8_t *challenge, size_t len,
                        struct wn_dynbuf *out)
{
    if (n->state != ST_NEGOTIATED)
        return WN_E_STATE;
    struct wn_ntlmssp_challenge c;
    int rc = wn_ntlmssp_challenge_decode(challenge, len, &c);
    if (rc < 0)
        return rc;
    if (!(c.flags & WN_NTLMSSP_NEGOTIATE_UNICODE))
        return WN_E_PROTOCOL;
    n->flags = n->req_flags & (c.flags | WN_NTLMSSP_REQUEST_TARGET);
    if (n->anonymous)
        n->flags = (n->flags & ~WN_NTLMSSP_NEGOTIATE_KEY_EXCH) | WN_NTLMSSP_NEGOTIATE_ANONYMOUS;
    int mic = c.has_timestamp && !n->anonymous;

    struct wn_dynbuf nt;
    uint8_t lm[24];
    uint8_t base_key[16];
    uint8_t enc_key[16];
    size_t lm_len = 0, key_len = 0;
    wn_dynbuf_init(&nt, WN_NTLMSSP_OUT_MAX);
    if (n->anonymous) {
        lm[0] = 0;
        lm_len = 1;
        memset(base_key, 0, sizeof base_key);
    } else {
        rc = ntlmv2_responses(n, &c, mic, &nt, lm, base_key);
        lm_len = 24;
    }
    if (rc == 0 && !n->anonymous) {
        /* NTLMv2: KeyExchangeKey = SessionBaseKey. */
        if (n->flags & WN_NTLMSSP_NEGOTIATE_KEY_EXCH) {
            rc = wn_random(n->session_key, 16);
            if (rc == 0)
                rc = wn_crypto_rc4(base_key, 16, enc_key, n->session_key, 16);
            key_len = 16;
        } else {
            memcpy(n->session_key, base_key, 16);
        }
    }
    size_t hdr = AUTH_FIXED_LEN;
    if ((n->flags & WN_NTLMSSP_NEGOTIATE_VERSION) || mic)
        hdr += 8;
    if (mic)
        hdr += 16;
    size_t total = hdr + n->domain.len + n->user.len + n->ws.len + lm_len + nt.len + key_len;
    uint8_t *msg = NULL;
    size_t start = out->len;
    if (rc == 0 && total > WN_NTLMSSP_OUT_MAX)
        rc = WN_E_LIMIT;
    if (rc == 0)
        rc = wn_dynbuf_grow(out, total, &msg);
    if (rc == 0) {
        struct wn_wbuf w;
        size_t off = hdr;
        wn_wbuf_init(&w, msg, total);
        wn_wbuf_bytes(&w, WN_NTLMSSP_SIGNATURE, 8);
        wn_wbuf_u32le(&w, 3);
        size_t lm_off = off + n->domain.len + n->user.len + n->ws.len;
        put_field(&w, lm_len, lm_off);
        put_field(&w, nt.len, lm_off + lm_len);
        put_field(&w, n->domain.len, off);
        put_field(&w, n->user.len, off + n->domain.len);
        put_field(&w, n->ws.len, off + n->domain.len + n->user.len);
        put_field(&w, key_len, lm_off + lm_len + nt.len);
        wn_wbuf_u32le(&w, n->flags);
        if (hdr > AUTH_FIXED_LEN)
            wn_wbuf_bytes(&w, n->version, 8);
        if (mic)
            wn_wbuf_zeros(&w, 16);
        wn_wbuf_bytes(&w, n->domain.data, n->domain.len);
        wn_wbuf_bytes(&w, n->user.data, n->user.len);
        wn_wbuf_bytes(&w, n->ws.data, n->ws.len);
        wn_wbuf_bytes(&w, lm, lm_len);
        wn_wbuf_bytes(&w, nt.data, nt.len);
        wn_wbuf_bytes(&w, enc_key, key_len);
        rc = w.err;
    }
    if (rc == 0 && mic) {
        struct wn_crypto_hmac m;
        (void)wn_crypto_hmac_init(&m, WN_CRYPTO_MD5, n->session_key, 16);
        wn_crypto_hmac_update(&m, n->negotiate.data, n->negotiate.len);
        wn_crypto_hmac_update(&m, challenge, len);
        wn_crypto_hmac_update(&m, msg, total);
        wn_crypto_hmac_final(&m, msg + AUTH_MIC_OFFSET);
        n->mic_sent = 1;
    }
    if (rc == 0) {
        n->state = ST_DONE;
        if (!n->anonymous)
            derive_session_security(n);
    } else if (out->data && out->len > start) {
        out->len = start;
    }
    wn_dynbuf_free(&nt);
    wn_wipe(base_key, sizeof base_key);
    wn_wipe(enc_key, sizeof enc_key);
    return rc;
}

int
wn_ntlmssp_session_key(const struct wn_ntlmssp *n, uint8_t key[16])
{
    if (n->state != ST_DONE)
        return WN_E_STATE;
    if (n->anonymous)
        return WN_E_NOTFOUND;
    memcpy(key, n->session_key, 16);
    return 0;
}

int
wn_ntlmssp_mic_sent(const struct wn_ntlmssp *n)
{
    return n->mic_sent;
}

uint32_t
wn_ntlmssp_flags(const struct wn_ntlmssp *n)
{
    return n->state == ST_DONE ? n->flags : 0;
}

/* MAC per MS-NLMP 3.4.4.2 (with extended session security). */
static void
mac(const struct wn_ntlmssp *n, const uint8_t sign_key[16], struct wn_crypto_rc4 *seal,
    uint32_t seq, const uint8_t *msg, size_t len, uint8_t sig[WN_NTLMSSP_SIG_LEN])
{
    uint8_t s[4] = {(uint8_t)seq, (uint8_t)(seq >> 8), (uint8_t)(seq >> 16), (uint8_t)(seq >> 24)};
    uint8_t full[16];
    struct wn_crypto_hmac m;
    (void)wn_crypto_hmac_init(&m, WN_CRYPTO_MD5, sign_key, 16);
    wn_crypto_hmac_update(&m, s, 4);
    wn_crypto_hmac_update(&m, msg, len);
    wn_crypto_hmac_final(&m, full);
    sig[0] = 1;
    sig[1] = sig[2] = sig[3] = 0;
    if (n->flags & WN_NTLMSSP_NEGOTIATE_KEY_EXCH)
        wn_crypto_rc4_crypt(seal, sig + 4, full, 8);
    else
        memcpy(sig + 4, full, 8);
    memcpy(sig + 12, s, 4);
    wn_wipe(full, sizeof full);
}

static int
security_ready(const struct wn_ntlmssp *n)
{
    if (n->state != ST_DONE || n->anonymous)
        return WN_E_STATE;
    return n->sign_ready ? 0 : WN_E_UNSUPPORTED;
}

int
wn_ntlmssp_sign(struct wn_ntlmssp *n, const uint8_t *msg, size_t len,
                uint8_t sig[WN_NTLMSSP_SIG_LEN])
{
    int rc = security_ready(n);
    if (rc < 0)
        return rc;
    mac(n, n->client_sign, &n->client_seal, n->client_seq++, msg, len, sig);
    return 0;
}

int
wn_ntlmssp_seal(struct wn_ntlmssp *n, uint8_t *msg, size_t len, uint8_t sig[WN_NTLMSSP_SIG_LEN])
{
    int rc = security_ready(n);
    if (rc < 0)
        return rc;
    struct wn_dynbuf plain;
    wn_dynbuf_init(&plain, len ? len : 1);
    rc = wn_dynbuf_add(&plain, msg, len);
    if (rc < 0)
        return rc;
    wn_crypto_rc4_crypt(&n->client_seal, msg, msg, len);
    mac(n, n->client_sign, &n->client_seal, n->client_seq++, plain.data, len, sig);
    wn_dynbuf_free_secret(&plain);
    return 0;
}

int
wn_ntlmssp_verify(struct wn_ntlmssp *n, const uint8_t *msg, size_t len,
                  const uint8_t sig[WN_NTLMSSP_SIG_LEN])
{
    int rc = security_ready(n);
    if (rc < 0)
        return rc;
    /* Work on a copy of the RC4 state so that a forged signature does not
     * desynchronise the handle. */
    uint8_t want[WN_NTLMSSP_SIG_LEN];
    struct wn_crypto_rc4 seal = n->server_seal;
    mac(n, n->server_sign, &seal, n->server_seq, msg, len, want);
    rc = wn_memeq_ct(want, sig, sizeof want) == 0 ? 0 : WN_E_SIGNATURE;
    if (rc == 0) {
        n->server_seal = seal;
        n->server_seq++;
    }
    wn_crypto_rc4_wipe(&seal);
    return rc;
}

void
wn_ntlmssp_free(struct wn_ntlmssp *n)
{
    if (!n)
        return;
    wn_dynbuf_free(&n->user);
    wn_dynbuf_free(&n->domain);
    wn_dynbuf_free(&n->ws);
    wn_dynbuf_free(&n->target);
    wn_dynbuf_free(&n->negotiate);
    wn_crypto_rc4_wipe(&n->client_seal);
    wn_crypto_rc4_wipe(&n->server_seal);
    wn_wipe(n, sizeof *n);
    wn_free(n);
}
