/* process.c: USM message processing (RFC 3414 sections 3.1 and 3.2): engines and timeliness, salts, outgoing encode/encrypt/authenticate, incoming parse/authenticate/time-check/decrypt. */
#include "usm.h"

#include <string.h>

#define MOD "usm"
#define MS_PER_S 1000u

/* ------------------------------------------------------------------------
 * Engines and timeliness.
 * ---------------------------------------------------------------------- */
int
wn_usm_engine_set_id(struct wn_usm_engine *e, const uint8_t *id, size_t len)
{
    if (!e || !id || len < WN_USM_MIN_ENGINE_ID || len > WN_USM_MAX_ENGINE_ID)
        return WN_E_INVAL;
    if (e->id_len == len && memcmp(e->id, id, len) == 0)
        return 0;
    memset(e, 0, sizeof *e);
    memcpy(e->id, id, len);
    e->id_len = len;
    return 0;
}

uint32_t
wn_usm_engine_time_now(const struct wn_usm_engine *e, uint64_t now_ms)
{
    if (!e || !e->time_known)
        return 0;
    uint64_t t = e->time + (now_ms > e->synced_ms ? (now_ms - e->synced_ms) / MS_PER_S : 0);
    return t > WN_USM_MAX_BOOTS ? WN_USM_MAX_BOOTS : (uint32_t)t;
}

void
wn_usm_engine_sync(struct wn_usm_engine *e, uint32_t boots, uint32_t time, uint64_t now_ms)
{
    e->boots = boots;
    e->time = time;
    e->latest_time = time;
    e->synced_ms = now_ms;
    e->time_known = 1;
}

int
wn_usm_timeliness_nonauth(struct wn_usm_engine *e, uint32_t boots, uint32_t time, uint64_t now_ms)
{
    if (!e)
        return WN_E_INVAL;
    /* 7b: a newer boots, or a later time in the same boots, updates our
     * notion of the authoritative engine's clock. */
    if (!e->time_known || boots > e->boots || (boots == e->boots && time > e->latest_time)) {
        wn_usm_engine_sync(e, boots, time, now_ms);
        return e->boots == WN_USM_MAX_BOOTS ? WN_E_NOTINTIMEWINDOW : 0;
    }
    uint32_t local = wn_usm_engine_time_now(e, now_ms);
    if (e->boots == WN_USM_MAX_BOOTS || boots < e->boots
        || (boots == e->boots && (uint64_t)time + WN_USM_TIME_WINDOW < local))
        return WN_E_NOTINTIMEWINDOW;
    return 0;
}

int
wn_usm_timeliness_auth(const struct wn_usm_engine *local, uint32_t boots, uint32_t time,
                       uint64_t now_ms)
{
    if (!local || !local->time_known)
        return WN_E_INVAL;
    uint32_t now = wn_usm_engine_time_now(local, now_ms);
    uint32_t diff = time > now ? time - now : now - time;
    if (local->boots == WN_USM_MAX_BOOTS || boots != local->boots || diff > WN_USM_TIME_WINDOW)
        return WN_E_NOTINTIMEWINDOW;
    return 0;
}

/* ------------------------------------------------------------------------
 * Salts and ciphers.
 * ---------------------------------------------------------------------- */
int
wn_usm_salt_init(struct wn_usm_salt *s)
{
    if (!s)
        return WN_E_INVAL;
    int rc = wn_random(&s->des, sizeof s->des);
    if (rc == 0)
        rc = wn_random(&s->aes, sizeof s->aes);
    return rc;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int
is_aes(enum wn_usm_priv p)
{
    return p != WN_USM_PRIV_NONE && p != WN_USM_PRIV_DES;
}

/* IV of RFC 3414 8.1.1.1 (DES: pre-IV XOR salt) or RFC 3826 3.1.2.1 (AES:
 * boots || time || salt). */
static void
make_iv(enum wn_usm_priv p, const struct wn_usm_keys *k, uint32_t boots, uint32_t time,
        const uint8_t salt[WN_USM_PRIV_PARAMS_LEN], uint8_t iv[WN_CRYPTO_AES_BLOCK])
{
    if (p == WN_USM_PRIV_DES) {
        for (size_t i = 0; i < WN_CRYPTO_DES_BLOCK; i++)
            iv[i] = k->priv[WN_CRYPTO_DES_KEY_LEN + i] ^ salt[i];
        return;
    }
    put_be32(iv, boots);
    put_be32(iv + 4, time);
    memcpy(iv + 8, salt, WN_USM_PRIV_PARAMS_LEN);
}

/* HMAC of the whole message with the MAC field taken as zeros, from the
 * cache entry's pre-keyed context. */
static void
message_mac(const struct wn_usm_keys *k, const uint8_t *msg, size_t len, size_t mac_off,
            size_t mac_len, uint8_t out[WN_CRYPTO_HASH_MAX_LEN])
{
    static const uint8_t zeros[WN_USM_MAX_MAC];
    struct wn_crypto_hmac h = k->mac;
    wn_crypto_hmac_update(&h, msg, mac_off);
    wn_crypto_hmac_update(&h, zeros, mac_len);
    wn_crypto_hmac_update(&h, msg + mac_off + mac_len, len - mac_off - mac_len);
    wn_crypto_hmac_final(&h, out);      /* wipes h */
}

/* ------------------------------------------------------------------------
 * Outgoing (RFC 3414 3.1).
 * ---------------------------------------------------------------------- */
/* Encrypts scratch[*plain .. +*len) in place (DES pads to 8 within scratch);
 * writes the salt. */
static int
encrypt_scoped(const struct wn_usm_out *o, const struct wn_usm_keys *k, struct wn_usm_salt *salt,
               uint32_t boots, uint32_t time, uint8_t *p, size_t *len, size_t room,
               uint8_t salt_out[WN_USM_PRIV_PARAMS_LEN])
{
    enum wn_usm_priv pv = o->user->priv;
    uint8_t iv[WN_CRYPTO_AES_BLOCK];
    int rc;
    if (pv == WN_USM_PRIV_DES) {
        size_t pad = (WN_CRYPTO_DES_BLOCK - *len % WN_CRYPTO_DES_BLOCK) % WN_CRYPTO_DES_BLOCK;
        if (pad > room)
            return WN_E_NOSPACE;
        memset(p + *len, 0, pad);
        *len += pad;
        put_be32(salt_out, boots);
        put_be32(salt_out + 4, salt->des++);
        make_iv(pv, k, boots, time, salt_out, iv);
        rc = wn_crypto_des_cbc_encrypt(k->priv, iv, p, p, *len);
    } else {
        uint64_t s = salt->aes++;
        put_be32(salt_out, (uint32_t)(s >> 32));
        put_be32(salt_out + 4, (uint32_t)s);
        make_iv(pv, k, boots, time, salt_out, iv);
        rc = wn_crypto_aes_cfb_encrypt(k->priv, wn_usm_priv_key_len(pv), iv, p, p, *len);
    }
    wn_wipe(iv, sizeof iv);
    return rc;
}

int
wn_usm_encode(const struct wn_usm_out *o, struct wn_usm_salt *salt, uint64_t now_ms,
              uint8_t *buf, size_t cap, uint8_t *scratch, size_t scratch_cap,
              const uint8_t **out, size_t *out_len)
{
    if (!o || !o->scoped || !buf || !out || !out_len)
        return WN_E_INVAL;
    int auth = (o->flags & WN_SNMP_V3_FLAG_AUTH) != 0;
    int priv = (o->flags & WN_SNMP_V3_FLAG_PRIV) != 0;
    const struct wn_usm_user *u = o->user;
    if ((priv && !auth) || (auth && (!u || u->auth == WN_USM_AUTH_NONE))
        || (priv && (u->priv == WN_USM_PRIV_NONE || !salt || !scratch)))
        return WN_E_INVAL;
    const struct wn_usm_engine *e = o->engine;
    struct wn_usm_secparams sp = {0};
    if (e && e->id_len) {
        sp.engine_id = e->id;
        sp.engine_id_len = e->id_len;
        sp.boots = e->boots;
        sp.time = wn_usm_engine_time_now(e, now_ms);
    }
    if (u) {
        sp.user = (const uint8_t *)u->name;
        sp.user_len = u->name_len;
    }
    const struct wn_usm_keys *k = NULL;
    int rc;
    if (auth) {
        if (!sp.engine_id_len)
            return WN_E_INVAL;      /* authenticated messages need a discovered engine */
        rc = wn_usm_user_keys(o->user, sp.engine_id, sp.engine_id_len, &k);
        if (rc)
            return rc;
        sp.auth_len = wn_usm_auth_mac_len(u->auth);
    }
    struct wn_snmp_v3_msg m = {
        .msg_id = o->msg_id, .max_size = o->max_size, .flags = o->flags,
        .security_model = WN_SNMP_V3_SECMODEL_USM,
    };
    uint8_t salt_bytes[WN_USM_PRIV_PARAMS_LEN];
    if (priv) {
        /* Plaintext ScopedPDU at the end of scratch, minus room for DES padding. */
        if (scratch_cap < WN_CRYPTO_DES_BLOCK)
            return WN_E_NOSPACE;
        const uint8_t *plain;
        size_t plen;
        rc = wn_snmp_scoped_pdu_encode(o->scoped, scratch, scratch_cap - WN_CRYPTO_DES_BLOCK,
                                       &plain, &plen);
        if (rc) {
            /* Too big: part of it may be anywhere in scratch (rare). */
            wn_wipe(scratch, scratch_cap - WN_CRYPTO_DES_BLOCK);
            return rc;
        }
        uint8_t *p = scratch + (plain - scratch);
        rc = encrypt_scoped(o, k, salt, sp.boots, sp.time, p, &plen, WN_CRYPTO_DES_BLOCK,
                            salt_bytes);
        if (rc) {
            wn_wipe(p, plen);
            return rc;
        }
        m.encrypted = p;
        m.encrypted_len = plen;
        sp.priv = salt_bytes;
        sp.priv_len = WN_USM_PRIV_PARAMS_LEN;
    } else {
        m.scoped = *o->scoped;
    }
    uint8_t spbuf[WN_USM_MAX_SECPARAMS];
    size_t auth_off, sp_off;
    rc = wn_usm_secparams_encode(&sp, spbuf, sizeof spbuf, &m.sec_params, &m.sec_params_len,
                                 &auth_off);
    if (rc == 0)
        rc = wn_snmp_v3_encode(&m, buf, cap, out, out_len, &sp_off);
    if (rc == 0 && auth) {
        uint8_t mac[WN_CRYPTO_HASH_MAX_LEN];
        size_t mac_off = sp_off + auth_off;
        message_mac(k, *out, *out_len, mac_off, sp.auth_len, mac);
        memcpy(buf + (*out - buf) + mac_off, mac, sp.auth_len);
        wn_wipe(mac, sizeof mac);
    }
    /* The plaintext was encrypted in place; the ciphertext, now copied
     * into the message, goes too: scratch is left as it was found. */
    if (m.encrypted)
        wn_wipe((uint8_t *)m.encrypted, m.encrypted_len);
    return rc;
}

/* ------------------------------------------------------------------------
 * Incoming (RFC 3414 3.2).
 * ---------------------------------------------------------------------- */
int
wn_usm_parse(const uint8_t *buf, size_t len, struct wn_usm_in *in)
{
    if (!in)
        return WN_E_INVAL;
    memset(in, 0, sizeof *in);
    int rc = wn_snmp_v3_decode(buf, len, &in->msg);
    if (rc)
        return rc;
    if (in->msg.security_model != WN_SNMP_V3_SECMODEL_USM)
        return WN_E_UNSUPPORTED;
    rc = wn_usm_secparams_decode(in->msg.sec_params, in->msg.sec_params_len, &in->sp);
    if (rc)
        return rc;
    in->whole = buf;
    in->whole_len = len;
    if (!(in->msg.flags & WN_SNMP_V3_FLAG_PRIV))
        in->scoped = in->msg.scoped;
    return 0;
}

static int
check_digest(struct wn_usm_in *in, struct wn_usm_user *user, const struct wn_usm_keys *k)
{
    size_t mac_len = wn_usm_auth_mac_len(user->auth);
    if (in->sp.auth_len != mac_len)
        return WN_E_WRONGDIGEST;
    size_t mac_off = (size_t)(in->sp.auth - in->whole);
    uint8_t mac[WN_CRYPTO_HASH_MAX_LEN];
    int rc = 0;
    message_mac(k, in->whole, in->whole_len, mac_off, mac_len, mac);
    if (wn_memeq_ct(mac, in->sp.auth, mac_len) != 0)
        rc = WN_E_WRONGDIGEST;
    wn_wipe(mac, sizeof mac);
    return rc;
}

static int
decrypt_scoped(struct wn_usm_in *in, const struct wn_usm_user *user, const struct wn_usm_keys *k,
               uint8_t *scratch, size_t scratch_cap)
{
    const uint8_t *c = in->msg.encrypted;
    size_t n = in->msg.encrypted_len;
    if (in->sp.priv_len != WN_USM_PRIV_PARAMS_LEN || n > scratch_cap || !scratch)
        return WN_E_DECRYPTIONERROR;
    if (user->priv == WN_USM_PRIV_DES && n % WN_CRYPTO_DES_BLOCK)
        return WN_E_DECRYPTIONERROR;       /* RFC 3414 8.3.2 step 2 */
    uint8_t iv[WN_CRYPTO_AES_BLOCK];
    make_iv(user->priv, k, in->sp.boots, in->sp.time, in->sp.priv, iv);
    int rc = is_aes(user->priv)
                 ? wn_crypto_aes_cfb_decrypt(k->priv, wn_usm_priv_key_len(user->priv), iv,
                                             scratch, c, n)
                 : wn_crypto_des_cbc_decrypt(k->priv, iv, scratch, c, n);
    wn_wipe(iv, sizeof iv);
    if (rc)
        return WN_E_DECRYPTIONERROR;
    size_t used;
    /* A wrong key gives garbage: it fails to decode as a ScopedPDU. */
    if (wn_snmp_scoped_pdu_decode(scratch, n, &in->scoped, &used) != 0)
        return WN_E_DECRYPTIONERROR;
    return 0;
}

int
wn_usm_process_in(struct wn_usm_in *in, struct wn_usm_user *user, struct wn_usm_engine *engine,
                  int authoritative, uint64_t now_ms, uint8_t *scratch, size_t scratch_cap)
{
    if (!in || !in->whole)
        return WN_E_INVAL;
    uint8_t level = in->msg.flags & WN_USM_LEVEL_MASK;
    /* Step 3, in RFC order: the engine ID (always, for the authoritative
     * receiver: a discovery probe gets unknownEngineID), then the user. */
    int engine_ok = engine && in->sp.engine_id_len != 0 && in->sp.engine_id_len == engine->id_len
                    && memcmp(in->sp.engine_id, engine->id, engine->id_len) == 0;
    if (authoritative && !engine_ok)
        return WN_E_UNKNOWNENGINEID;
    if (user && (in->sp.user_len != user->name_len
                 || memcmp(in->sp.user, user->name, user->name_len) != 0))
        return WN_E_UNKNOWNUSERNAME;
    if (!(level & WN_SNMP_V3_FLAG_AUTH))
        return 0;               /* noAuthNoPriv: nothing to check, scoped already decoded */
    if (!user)
        return WN_E_UNKNOWNUSERNAME;
    /* Step 4: the user must support the level the message claims. */
    if (user->auth == WN_USM_AUTH_NONE
        || ((level & WN_SNMP_V3_FLAG_PRIV) && user->priv == WN_USM_PRIV_NONE))
        return WN_E_UNSUPPORTEDSECLEVEL;
    /* Authenticated traffic from an engine we do not know (a manager's
     * view): the keys would be localized to the wrong engine. */
    if (!engine_ok)
        return WN_E_UNKNOWNENGINEID;
    /* Step 6: the digest, with the user's key localized to that engine.
     * Keys for an engine not in the cache are made outside it and kept
     * only once the digest checks: anyone can name a new engine ID. */
    const struct wn_usm_keys *k = wn_usm_user_keys_cached(user, in->sp.engine_id,
                                                         in->sp.engine_id_len);
    int rc;
    if (k) {
        rc = check_digest(in, user, k);
        if (rc)
            return rc;
        wn_usm_user_keys_verified(user, in->sp.engine_id, in->sp.engine_id_len);
    } else {
        struct wn_usm_keys made;
        rc = wn_usm_keys_make(user, in->sp.engine_id, in->sp.engine_id_len, &made);
        if (rc == 0)
            rc = check_digest(in, user, &made);
        if (rc == 0)
            rc = wn_usm_user_keep_keys(user, &made, 1, &k);
        wn_wipe(&made, sizeof made);
        if (rc)
            return rc;
    }
    /* Step 7: timeliness. */
    rc = authoritative ? wn_usm_timeliness_auth(engine, in->sp.boots, in->sp.time, now_ms)
                       : wn_usm_timeliness_nonauth(engine, in->sp.boots, in->sp.time, now_ms);
    if (rc)
        return rc;
    /* Step 8: privacy. */
    if (level & WN_SNMP_V3_FLAG_PRIV)
        return decrypt_scoped(in, user, k, scratch, scratch_cap);
    return 0;
}
