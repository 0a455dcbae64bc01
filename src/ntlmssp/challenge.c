/* challenge.c: bounded decoder of the NTLMSSP CHALLENGE_MESSAGE and its AV pairs (untrusted input). */
#include "ntlmssp.h"
#include "ntlmssp_int.h"

#include <string.h>

#define MOD "ntlmssp"
#define CHALLENGE_FIXED_LEN 48   /* through TargetInfoFields; Version optional */

/* Reads a (Len, MaxLen, Offset) field and returns a view of it inside the
 * message, or NULL for an empty field. */
static int
read_field(struct wn_rbuf *r, const uint8_t *msg, size_t msglen, size_t limit,
           const uint8_t **view, size_t *vlen)
{
    uint16_t len = wn_rbuf_u16le(r);
    (void)wn_rbuf_u16le(r);   /* MaxLen: ignored */
    uint32_t off = wn_rbuf_u32le(r);
    if (r->err)
        return r->err;
    *view = NULL;
    *vlen = 0;
    if (len == 0)
        return 0;
    WN_PARSE_CHECK(MOD, len <= limit, WN_E_LIMIT);
    WN_PARSE_CHECK(MOD, off >= CHALLENGE_FIXED_LEN, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, off <= msglen && len <= msglen - off, WN_E_TRUNCATED);
    *view = msg + off;
    *vlen = len;
    return 0;
}

int
wn_ntlmssp_av_next(struct wn_rbuf *r, uint16_t *id, const uint8_t **val, uint16_t *len)
{
    *id = wn_rbuf_u16le(r);
    *len = wn_rbuf_u16le(r);
    if (r->err)
        return WN_E_TRUNCATED;
    *val = wn_rbuf_view(r, *len);
    if (!*val && *len)
        return WN_E_TRUNCATED;
    return 0;
}

static int
decode_av_pairs(struct wn_ntlmssp_challenge *c)
{
    if (!c->target_info)
        return 0;
    struct wn_rbuf r;
    wn_rbuf_init(&r, c->target_info, c->target_info_len);
    size_t count = 0;
    while (wn_rbuf_left(&r) > 0) {
        uint16_t id, len;
        const uint8_t *val;
        int rc = wn_ntlmssp_av_next(&r, &id, &val, &len);
        WN_PARSE_CHECK(MOD, rc == 0, rc);
        if (id == WN_NTLMSSP_AV_EOL) {
            WN_PARSE_CHECK(MOD, len == 0, WN_E_MALFORMED);
            /* Anything after EOL is ignored. */
            c->target_info_len = wn_rbuf_pos(&r);
            break;
        }
        WN_PARSE_CHECK(MOD, ++count <= WN_NTLMSSP_MAX_AV_PAIRS, WN_E_LIMIT);
        if (id == WN_NTLMSSP_AV_TIMESTAMP) {
            WN_PARSE_CHECK(MOD, len == 8, WN_E_MALFORMED);
            struct wn_rbuf v;
            wn_rbuf_init(&v, val, len);
            c->timestamp = wn_rbuf_u64le(&v);
            c->has_timestamp = 1;
        } else if (id == WN_NTLMSSP_AV_FLAGS) {
            WN_PARSE_CHECK(MOD, len == 4, WN_E_MALFORMED);
            struct wn_rbuf v;
            wn_rbuf_init(&v, val, len);
            c->av_flags = wn_rbuf_u32le(&v);
            c->has_av_flags = 1;
        }
    }
    c->av_count = count;
    return 0;
}

int
wn_ntlmssp_challenge_decode(const uint8_t *msg, size_t len, struct wn_ntlmssp_challenge *out)
{
    memset(out, 0, sizeof *out);
    WN_PARSE_CHECK(MOD, msg != NULL, WN_E_INVAL);
    WN_PARSE_CHECK(MOD, len <= WN_NTLMSSP_MAX_MSG, WN_E_LIMIT);
    WN_PARSE_CHECK(MOD, len >= CHALLENGE_FIXED_LEN, WN_E_TRUNCATED);
    struct wn_rbuf r;
    wn_rbuf_init(&r, msg, len);
    const uint8_t *sig = wn_rbuf_view(&r, 8);
    WN_PARSE_CHECK(MOD, memcmp(sig, WN_NTLMSSP_SIGNATURE, 8) == 0, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, wn_rbuf_u32le(&r) == 2, WN_E_MALFORMED);
    int rc = read_field(&r, msg, len, WN_NTLMSSP_MAX_NAME, &out->target_name,
                        &out->target_name_len);
    if (rc < 0)
        return rc;
    out->flags = wn_rbuf_u32le(&r);
    wn_rbuf_copy(&r, out->server_challenge, 8);
    wn_rbuf_skip(&r, 8);   /* Reserved */
    rc = read_field(&r, msg, len, WN_NTLMSSP_MAX_TARGET_INFO, &out->target_info,
                    &out->target_info_len);
    if (rc < 0)
        return rc;
    if (r.err)
        return r.err;
    return decode_av_pairs(out);
}
