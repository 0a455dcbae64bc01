/* spnego.c: SPNEGO (RFC 4178) tokens around NTLMSSP, and the client that drives SMB2 SESSION_SETUP through them. */
#include "ntlmssp.h"

#include <string.h>

#include "ber.h"

#define MOD "spnego"
#define WN_SPNEGO_MAX_MECHS 16    /* most mechTypes examined in a server token */
#define WRAP_OVERHEAD 64          /* DER headers around the inner token(s) */

/* DER of OID 1.3.6.1.5.5.2 (SPNEGO), whole TLV. */
static const uint8_t SPNEGO_OID[] = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
/* Content of OID 1.3.6.1.4.1.311.2.2.10 (NTLMSSP). */
static const uint8_t NTLMSSP_OID[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
/* MechTypeList ::= SEQUENCE OF MechType, with NTLMSSP only. */
static const uint8_t MECH_TYPES[] = {0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04,
                                     0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

const uint8_t *
wn_spnego_mech_types(size_t *len)
{
    *len = sizeof MECH_TYPES;
    return MECH_TYPES;
}

/* Runs the backward writer over a scratch buffer sized for the payload and
 * appends the result to out. */
static int
emit(struct wn_ber_wbuf *w, uint8_t *scratch, struct wn_dynbuf *out)
{
    int rc = w->err ? w->err : wn_dynbuf_add(out, wn_ber_wdata(w), wn_ber_wlen(w));
    wn_free(scratch);
    return rc;
}

int
wn_spnego_wrap_init(const uint8_t *mech_token, size_t len, struct wn_dynbuf *out)
{
    if (len > WN_SPNEGO_MAX_TOKEN)
        return WN_E_LIMIT;
    size_t cap = len + sizeof MECH_TYPES + WRAP_OVERHEAD;
    uint8_t *buf = wn_malloc(cap);
    if (!buf)
        return WN_E_NOMEM;
    struct wn_ber_wbuf w;
    wn_ber_winit(&w, buf, cap);
    size_t all = wn_ber_wlen(&w);
    wn_ber_put_octets(&w, WN_BER_OCTET_STRING, mech_token, len);
    wn_ber_wrap(&w, WN_BER_CLASS_CONTEXT | WN_BER_CONSTRUCTED | 2, all);      /* mechToken */
    size_t mark = wn_ber_wlen(&w);
    wn_ber_put_raw(&w, MECH_TYPES, sizeof MECH_TYPES);
    wn_ber_wrap(&w, WN_BER_CLASS_CONTEXT | WN_BER_CONSTRUCTED | 0, mark);     /* mechTypes */
    wn_ber_wrap(&w, WN_BER_SEQUENCE, all);                                    /* NegTokenInit */
    wn_ber_wrap(&w, WN_BER_CLASS_CONTEXT | WN_BER_CONSTRUCTED | 0, all);      /* negTokenInit */
    wn_ber_put_raw(&w, SPNEGO_OID, sizeof SPNEGO_OID);
    wn_ber_wrap(&w, WN_BER_CLASS_APPLICATION | WN_BER_CONSTRUCTED | 0, all);  /* GSS token */
    return emit(&w, buf, out);
}

int
wn_spnego_wrap_resp(const uint8_t *token, size_t token_len, const uint8_t *mic, size_t mic_len,
                    struct wn_dynbuf *out)
{
    if (token_len > WN_SPNEGO_MAX_TOKEN || mic_len > WN_SPNEGO_MAX_TOKEN)
        return WN_E_LIMIT;
    size_t cap = token_len + mic_len + WRAP_OVERHEAD;
    uint8_t *buf = wn_malloc(cap);
    if (!buf)
        return WN_E_NOMEM;
    struct wn_ber_wbuf w;
    wn_ber_winit(&w, buf, cap);
    size_t all = wn_ber_wlen(&w);
    if (mic) {
        size_t mark = wn_ber_wlen(&w);
        wn_ber_put_octets(&w, WN_BER_OCTET_STRING, mic, mic_len);
        wn_ber_wrap(&w, WN_BER_CLASS_CONTEXT | WN_BER_CONSTRUCTED | 3, mark);   /* mechListMIC */
    }
    if (token) {
        size_t mark = wn_ber_wlen(&w);
        wn_ber_put_octets(&w, WN_BER_OCTET_STRING, token, token_len);
        wn_ber_wrap(&w, WN_BER_CLASS_CONTEXT | WN_BER_CONSTRUCTED | 2, mark);   /* responseToken */
    }
    wn_ber_wrap(&w, WN_BER_SEQUENCE, all);
    wn_ber_wrap(&w, WN_BER_CLASS_CONTEXT | WN_BER_CONSTRUCTED | 1, all);        /* negTokenResp */
    return emit(&w, buf, out);
}

/* Strips an optional GSS InitialContextToken (0x60 + SPNEGO OID) and
 * returns a cursor over the NegotiationToken inside. */
static int
open_token(const uint8_t *p, size_t len, struct wn_rbuf *r)
{
    WN_PARSE_CHECK(MOD, p != NULL, WN_E_INVAL);
    WN_PARSE_CHECK(MOD, len <= WN_SPNEGO_MAX_TOKEN, WN_E_LIMIT);
    wn_rbuf_init(r, p, len);
    if (wn_ber_peek_ident(r) != (WN_BER_CLASS_APPLICATION | WN_BER_CONSTRUCTED | 0))
        return 0;
    struct wn_rbuf gss;
    int rc = wn_ber_expect(r, WN_BER_CLASS_APPLICATION | WN_BER_CONSTRUCTED | 0, &gss);
    if (rc < 0)
        return rc;
    WN_PARSE_CHECK(MOD, wn_rbuf_left(r) == 0, WN_E_MALFORMED);
    const uint8_t *oid;
    size_t oid_len;
    rc = wn_ber_read_octets(&gss, WN_BER_OID, &oid, &oid_len);
    if (rc < 0)
        return rc;
    WN_PARSE_CHECK(MOD, oid_len == sizeof SPNEGO_OID - 2 && memcmp(oid, SPNEGO_OID + 2, oid_len) == 0,
                   WN_E_UNSUPPORTED);
    *r = gss;
    return 0;
}

static int
is_ntlmssp(const uint8_t *oid, size_t len)
{
    return len == sizeof NTLMSSP_OID && memcmp(oid, NTLMSSP_OID, len) == 0;
}

int
wn_spnego_parse_resp(const uint8_t *p, size_t len, struct wn_spnego_resp *out)
{
    memset(out, 0, sizeof *out);
    out->neg_state = WN_SPNEGO_STATE_ABSENT;
    struct wn_rbuf r, outer, seq;
    int rc = open_token(p, len, &r);
    if (rc == 0)
        rc = wn_ber_expect(&r, WN_BER_CLASS_CONTEXT | WN_BER_CONSTRUCTED | 1, &outer);
    if (rc == 0)
        rc = wn_ber_expect(&outer, WN_BER_SEQUENCE, &seq);
    if (rc < 0)
        return rc;
    WN_PARSE_CHECK(MOD, wn_rbuf_left(&r) == 0 && wn_rbuf_left(&outer) == 0, WN_E_MALFORMED);
    int last = -1;
    while (wn_rbuf_left(&seq) > 0) {
        struct wn_ber_tlv t;
        rc = wn_ber_read_tlv(&seq, &t);
        if (rc < 0)
            return rc;
        /* [0]..[3], constructed, each at most once and in order. */
        WN_PARSE_CHECK(MOD, t.cls == WN_BER_CLASS_CONTEXT && t.constructed && t.tag <= 3,
                       WN_E_MALFORMED);
        WN_PARSE_CHECK(MOD, (int)t.tag > last, WN_E_MALFORMED);
        last = (int)t.tag;
        struct wn_rbuf v;
        wn_rbuf_init(&v, t.val, t.len);
        if (t.tag == 0) {
            const uint8_t *e;
            size_t elen;
            rc = wn_ber_read_octets(&v, WN_BER_ENUMERATED, &e, &elen);
            if (rc < 0)
                return rc;
            WN_PARSE_CHECK(MOD, elen == 1 && e[0] <= WN_SPNEGO_REQUEST_MIC, WN_E_MALFORMED);
            out->neg_state = e[0];
        } else if (t.tag == 1) {
            const uint8_t *oid;
            size_t oid_len;
            rc = wn_ber_read_octets(&v, WN_BER_OID, &oid, &oid_len);
            if (rc < 0)
                return rc;
            out->has_mech = 1;
            out->mech_is_ntlmssp = is_ntlmssp(oid, oid_len);
        } else {
            const uint8_t **dst = t.tag == 2 ? &out->token : &out->mic;
            size_t *dlen = t.tag == 2 ? &out->token_len : &out->mic_len;
            rc = wn_ber_read_octets(&v, WN_BER_OCTET_STRING, dst, dlen);
            if (rc < 0)
                return rc;
        }
        WN_PARSE_CHECK(MOD, wn_rbuf_left(&v) == 0, WN_E_MALFORMED);
    }
    return 0;
}

int
wn_spnego_check_init2(const uint8_t *p, size_t len)
{
    if (len == 0)
        return 0;   /* no hint from the server: go ahead with NTLMSSP */
    struct wn_rbuf r, outer, seq, types, list;
    int rc = open_token(p, len, &r);
    if (rc == 0)
        rc = wn_ber_expect(&r, WN_BER_CLASS_CONTEXT | WN_BER_CONSTRUCTED | 0, &outer);
    if (rc == 0)
        rc = wn_ber_expect(&outer, WN_BER_SEQUENCE, &seq);
    if (rc == 0)
        rc = wn_ber_expect(&seq, WN_BER_CLASS_CONTEXT | WN_BER_CONSTRUCTED | 0, &types);
    if (rc == 0)
        rc = wn_ber_expect(&types, WN_BER_SEQUENCE, &list);
    if (rc < 0)
        return rc;
    size_t count = 0;
    int found = 0;
    while (wn_rbuf_left(&list) > 0) {
        const uint8_t *oid;
        size_t oid_len;
        WN_PARSE_CHECK(MOD, ++count <= WN_SPNEGO_MAX_MECHS, WN_E_LIMIT);
        rc = wn_ber_read_octets(&list, WN_BER_OID, &oid, &oid_len);
        if (rc < 0)
            return rc;
        found |= is_ntlmssp(oid, oid_len);
    }
    return found ? 0 : WN_E_UNSUPPORTED;
}

/* ------------------------------------------------------------------------
 * Client.
 * ---------------------------------------------------------------------- */
enum { SP_START, SP_WAIT_CHALLENGE, SP_WAIT_FINAL, SP_DONE };

struct wn_spnego {
    struct wn_ntlmssp *ntlm;
    int state;
    int mic_sent;
};

int
wn_spnego_client_new(const struct wn_ntlmssp_creds *c, struct wn_spnego **out)
{
    if (!out)
        return WN_E_INVAL;
    *out = NULL;
    struct wn_spnego *s = wn_calloc(1, sizeof *s);
    if (!s)
        return WN_E_NOMEM;
    int rc = wn_ntlmssp_client_new(c, &s->ntlm);
    if (rc < 0) {
        wn_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

struct wn_ntlmssp *
wn_spnego_ntlmssp(struct wn_spnego *s)
{
    return s->ntlm;
}

static int
step_start(struct wn_spnego *s, const uint8_t *in, size_t inlen, struct wn_dynbuf *out)
{
    int rc = in ? wn_spnego_check_init2(in, inlen) : 0;
    if (rc < 0)
        return rc;
    struct wn_dynbuf neg;
    wn_dynbuf_init(&neg, WN_NTLMSSP_OUT_MAX);
    rc = wn_ntlmssp_negotiate(s->ntlm, &neg);
    if (rc == 0)
        rc = wn_spnego_wrap_init(neg.data, neg.len, out);
    wn_dynbuf_free(&neg);
    return rc;
}

static int
step_challenge(struct wn_spnego *s, const uint8_t *in, size_t inlen, struct wn_dynbuf *out)
{
    struct wn_spnego_resp resp;
    int rc = wn_spnego_parse_resp(in, inlen, &resp);
    if (rc < 0)
        return rc;
    if (resp.neg_state == WN_SPNEGO_REJECT)
        return WN_E_AUTH;
    if (resp.has_mech && !resp.mech_is_ntlmssp)
        return WN_E_UNSUPPORTED;
    if (!resp.token)
        return WN_E_PROTOCOL;
    struct wn_dynbuf auth;
    wn_dynbuf_init(&auth, WN_NTLMSSP_OUT_MAX);
    rc = wn_ntlmssp_authenticate(s->ntlm, resp.token, resp.token_len, &auth);
    uint8_t mic[WN_NTLMSSP_SIG_LEN];
    int want_mic = wn_ntlmssp_mic_sent(s->ntlm) || resp.neg_state == WN_SPNEGO_REQUEST_MIC;
    if (rc == 0 && want_mic)
        rc = wn_ntlmssp_sign(s->ntlm, MECH_TYPES, sizeof MECH_TYPES, mic);
    if (rc == 0)
        rc = wn_spnego_wrap_resp(auth.data, auth.len, want_mic ? mic : NULL,
                                 want_mic ? sizeof mic : 0, out);
    if (rc == 0) {
        s->mic_sent = want_mic;
        wn_log(WN_LOG_DEBUG, MOD, "AUTHENTICATE sent, flags 0x%08x, NTLM MIC %s, mechListMIC %s",
               (unsigned)wn_ntlmssp_flags(s->ntlm), wn_ntlmssp_mic_sent(s->ntlm) ? "yes" : "no",
               want_mic ? "yes" : "no");
    }
    wn_dynbuf_free(&auth);
    return rc;
}

static int
step_final(struct wn_spnego *s, const uint8_t *in, size_t inlen)
{
    /* The server's mechListMIC is verified when it is there, and not
     * required: RFC 4178 section 5 makes the MIC exchange optional when the
     * acceptor picked the initiator's first mechanism, and ours is the only
     * one (NTLMSSP), so there is nothing to downgrade to; servers such as
     * impacket's omit it.  The SMB signature of the final reply still covers
     * the token. */
    if (!in || inlen == 0)
        return 0;   /* SUCCESS without a token: nothing to check */
    struct wn_spnego_resp resp;
    int rc = wn_spnego_parse_resp(in, inlen, &resp);
    if (rc < 0)
        return rc;
    if (resp.neg_state == WN_SPNEGO_REJECT)
        return WN_E_AUTH;
    if (resp.neg_state != WN_SPNEGO_ACCEPT_COMPLETED && resp.neg_state != WN_SPNEGO_STATE_ABSENT)
        return WN_E_PROTOCOL;
    if (resp.mic) {
        if (resp.mic_len != WN_NTLMSSP_SIG_LEN)
            return WN_E_SIGNATURE;
        rc = wn_ntlmssp_verify(s->ntlm, MECH_TYPES, sizeof MECH_TYPES, resp.mic);
        if (rc < 0)
            return rc == WN_E_SIGNATURE ? rc : WN_E_SIGNATURE;
    }
    wn_log(WN_LOG_DEBUG, MOD, "accepted, server mechListMIC %s",
           resp.mic ? "verified" : "absent");
    return 0;
}

int
wn_spnego_client_step(struct wn_spnego *s, const uint8_t *in, size_t inlen,
                      struct wn_dynbuf *out, int *done)
{
    int rc;
    *done = 0;
    switch (s->state) {
    case SP_START:
        rc = step_start(s, in, inlen, out);
        break;
    case SP_WAIT_CHALLENGE:
        rc = in ? step_challenge(s, in, inlen, out) : WN_E_INVAL;
        break;
    case SP_WAIT_FINAL:
        rc = step_final(s, in, inlen);
        if (rc == 0)
            *done = 1;
        break;
    default:
        return WN_E_STATE;
    }
    if (rc == 0)
        s->state++;
    return rc;
}

int
wn_spnego_session_key(const struct wn_spnego *s, uint8_t key[16])
{
    return wn_ntlmssp_session_key(s->ntlm, key);
}

void
wn_spnego_free(struct wn_spnego *s)
{
    if (!s)
        return;
    wn_ntlmssp_free(s->ntlm);
    wn_free(s);
}
