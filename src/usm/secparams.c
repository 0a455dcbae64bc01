/* secparams.c: UsmSecurityParameters (RFC 3414 section 2.4) decode and encode, side by side. */
#include "usm.h"

#include <string.h>

#define MOD "usm"

static int
read_u31(struct wn_rbuf *r, uint32_t *v)
{
    int32_t x;
    int rc = wn_ber_read_int32(r, WN_BER_INTEGER, &x);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, x >= 0, WN_E_MALFORMED);   /* (0..2147483647) */
    *v = (uint32_t)x;
    return 0;
}

int
wn_usm_secparams_decode(const uint8_t *p, size_t len, struct wn_usm_secparams *out)
{
    if (!out || (!p && len))
        return WN_E_INVAL;
    memset(out, 0, sizeof *out);
    WN_PARSE_CHECK(MOD, len <= WN_USM_MAX_SECPARAMS, WN_E_LIMIT);
    struct wn_rbuf r, in;
    wn_rbuf_init(&r, p, len);
    int rc = wn_ber_expect(&r, WN_BER_SEQUENCE, &in);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, wn_rbuf_left(&r) == 0, WN_E_MALFORMED);
    rc = wn_ber_read_octets(&in, WN_BER_OCTET_STRING, &out->engine_id, &out->engine_id_len);
    if (rc)
        return rc;
    /* Empty while discovering; otherwise SnmpEngineID SIZE(5..32). */
    WN_PARSE_CHECK(MOD, out->engine_id_len <= WN_USM_MAX_ENGINE_ID, WN_E_LIMIT);
    WN_PARSE_CHECK(MOD, out->engine_id_len == 0 || out->engine_id_len >= WN_USM_MIN_ENGINE_ID,
                   WN_E_MALFORMED);
    rc = read_u31(&in, &out->boots);
    if (rc)
        return rc;
    rc = read_u31(&in, &out->time);
    if (rc)
        return rc;
    rc = wn_ber_read_octets(&in, WN_BER_OCTET_STRING, &out->user, &out->user_len);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, out->user_len <= WN_USM_MAX_USER_NAME, WN_E_LIMIT);
    rc = wn_ber_read_octets(&in, WN_BER_OCTET_STRING, &out->auth, &out->auth_len);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, out->auth_len <= WN_USM_MAX_MAC, WN_E_LIMIT);
    rc = wn_ber_read_octets(&in, WN_BER_OCTET_STRING, &out->priv, &out->priv_len);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, out->priv_len == 0 || out->priv_len == WN_USM_PRIV_PARAMS_LEN,
                   WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, wn_rbuf_left(&in) == 0, WN_E_MALFORMED);
    return 0;
}

int
wn_usm_secparams_encode(const struct wn_usm_secparams *sp, uint8_t *buf, size_t cap,
                        const uint8_t **out, size_t *out_len, size_t *auth_off)
{
    static const uint8_t zeros[WN_USM_MAX_MAC];
    if (!sp || !buf || !out || !out_len || !auth_off)
        return WN_E_INVAL;
    if ((!sp->engine_id && sp->engine_id_len) || (!sp->user && sp->user_len)
        || (!sp->priv && sp->priv_len) || sp->boots > WN_USM_MAX_BOOTS
        || sp->time > WN_USM_MAX_BOOTS)
        return WN_E_INVAL;
    if (sp->engine_id_len > WN_USM_MAX_ENGINE_ID || sp->user_len > WN_USM_MAX_USER_NAME
        || sp->auth_len > WN_USM_MAX_MAC || sp->priv_len > WN_USM_PRIV_PARAMS_LEN)
        return WN_E_LIMIT;
    struct wn_ber_wbuf w;
    wn_ber_winit(&w, buf, cap);
    wn_ber_put_octets(&w, WN_BER_OCTET_STRING, sp->priv, sp->priv_len);
    size_t before_auth = wn_ber_wlen(&w);
    wn_ber_put_octets(&w, WN_BER_OCTET_STRING, sp->auth ? sp->auth : zeros, sp->auth_len);
    wn_ber_put_octets(&w, WN_BER_OCTET_STRING, sp->user, sp->user_len);
    wn_ber_put_int32(&w, WN_BER_INTEGER, (int32_t)sp->time);
    wn_ber_put_int32(&w, WN_BER_INTEGER, (int32_t)sp->boots);
    wn_ber_put_octets(&w, WN_BER_OCTET_STRING, sp->engine_id, sp->engine_id_len);
    if (wn_ber_wrap(&w, WN_BER_SEQUENCE, 0))
        return w.err;
    *out = wn_ber_wdata(&w);
    *out_len = wn_ber_wlen(&w);
    *auth_off = *out_len - before_auth - sp->auth_len;
    return 0;
}
