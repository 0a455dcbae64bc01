/* keys.c: USM key material: protocol table, password-to-key and localisation (RFC 3414 A.2, RFC 7860), net-snmp's priv key extensions, the per-(user, engine) key cache. */
#include "usm.h"

#include <string.h>
#include <strings.h>

struct auth_info {
    enum wn_usm_auth id;
    enum wn_crypto_alg alg;
    size_t mac_len;
    const char *name;
};

/* RFC 3414 6.3.1 / 7.3.1 (12-octet MACs), RFC 7860 4.1 (16/24/32/48). */
static const struct auth_info auth_table[] = {
    {WN_USM_AUTH_MD5, WN_CRYPTO_MD5, 12, "MD5"},
    {WN_USM_AUTH_SHA1, WN_CRYPTO_SHA1, 12, "SHA"},
    {WN_USM_AUTH_SHA224, WN_CRYPTO_SHA224, 16, "SHA-224"},
    {WN_USM_AUTH_SHA256, WN_CRYPTO_SHA256, 24, "SHA-256"},
    {WN_USM_AUTH_SHA384, WN_CRYPTO_SHA384, 32, "SHA-384"},
    {WN_USM_AUTH_SHA512, WN_CRYPTO_SHA512, 48, "SHA-512"},
};

static const struct auth_info *
auth_info(enum wn_usm_auth a)
{
    for (size_t i = 0; i < WN_ARRAY_SIZE(auth_table); i++)
        if (auth_table[i].id == a)
            return &auth_table[i];
    return NULL;
}

size_t
wn_usm_auth_key_len(enum wn_usm_auth a)
{
    const struct auth_info *ai = auth_info(a);
    return ai ? wn_crypto_hash_len(ai->alg) : 0;
}

int
wn_usm_auth_alg(enum wn_usm_auth a, enum wn_crypto_alg *alg)
{
    const struct auth_info *ai = auth_info(a);
    if (!ai || !alg)
        return WN_E_INVAL;
    *alg = ai->alg;
    return 0;
}

size_t
wn_usm_auth_mac_len(enum wn_usm_auth a)
{
    const struct auth_info *ai = auth_info(a);
    return ai ? ai->mac_len : 0;
}

size_t
wn_usm_priv_key_len(enum wn_usm_priv p)
{
    switch (p) {
    case WN_USM_PRIV_DES:
        return WN_CRYPTO_DES_KEY_LEN;
    case WN_USM_PRIV_AES128:
        return WN_CRYPTO_AES128_KEY_LEN;
    case WN_USM_PRIV_AES192: case WN_USM_PRIV_AES192_REEDER:
        return WN_CRYPTO_AES192_KEY_LEN;
    case WN_USM_PRIV_AES256: case WN_USM_PRIV_AES256_REEDER:
        return WN_CRYPTO_AES256_KEY_LEN;
    default:
        return 0;
    }
}

/* Bytes of localized priv key a protocol consumes: DES also takes its
 * pre-IV from bytes 8..15 (RFC 3414 8.1.1.1). */
static size_t
priv_material_len(enum wn_usm_priv p)
{
    return p == WN_USM_PRIV_DES ? 2 * WN_CRYPTO_DES_KEY_LEN : wn_usm_priv_key_len(p);
}

struct name_map {
    const char *name;
    int value;
};

static const struct name_map auth_names[] = {
    {"MD5", WN_USM_AUTH_MD5}, {"SHA", WN_USM_AUTH_SHA1}, {"SHA-1", WN_USM_AUTH_SHA1},
    {"SHA1", WN_USM_AUTH_SHA1}, {"SHA-224", WN_USM_AUTH_SHA224}, {"SHA224", WN_USM_AUTH_SHA224},
    {"SHA-256", WN_USM_AUTH_SHA256}, {"SHA256", WN_USM_AUTH_SHA256},
    {"SHA-384", WN_USM_AUTH_SHA384}, {"SHA384", WN_USM_AUTH_SHA384},
    {"SHA-512", WN_USM_AUTH_SHA512}, {"SHA512", WN_USM_AUTH_SHA512},
};

static const struct name_map priv_names[] = {
    {"DES", WN_USM_PRIV_DES}, {"AES", WN_USM_PRIV_AES128}, {"AES-128", WN_USM_PRIV_AES128},
    {"AES128", WN_USM_PRIV_AES128}, {"AES-192", WN_USM_PRIV_AES192},
    {"AES192", WN_USM_PRIV_AES192}, {"AES-256", WN_USM_PRIV_AES256},
    {"AES256", WN_USM_PRIV_AES256}, {"AES-192-C", WN_USM_PRIV_AES192_REEDER},
    {"AES192C", WN_USM_PRIV_AES192_REEDER}, {"AES-256-C", WN_USM_PRIV_AES256_REEDER},
    {"AES256C", WN_USM_PRIV_AES256_REEDER},
};

static int
lookup_name(const struct name_map *m, size_t n, const char *name, int *out)
{
    if (!name)
        return WN_E_INVAL;
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(m[i].name, name) == 0) {
            *out = m[i].value;
            return 0;
        }
    }
    return WN_E_NOTFOUND;
}

int
wn_usm_auth_from_name(const char *name, enum wn_usm_auth *out)
{
    int v = 0;
    int rc = lookup_name(auth_names, WN_ARRAY_SIZE(auth_names), name, &v);
    if (rc == 0)
        *out = (enum wn_usm_auth)v;
    return rc;
}

int
wn_usm_priv_from_name(const char *name, enum wn_usm_priv *out)
{
    int v = 0;
    int rc = lookup_name(priv_names, WN_ARRAY_SIZE(priv_names), name, &v);
    if (rc == 0)
        *out = (enum wn_usm_priv)v;
    return rc;
}

const char *
wn_usm_auth_name(enum wn_usm_auth a)
{
    if (a == WN_USM_AUTH_NONE)
        return "NONE";
    const struct auth_info *ai = auth_info(a);
    return ai ? ai->name : "?";
}

const char *
wn_usm_priv_name(enum wn_usm_priv p)
{
    if (p == WN_USM_PRIV_NONE)
        return "NONE";
    for (size_t i = 0; i < WN_ARRAY_SIZE(priv_names); i++)
        if (priv_names[i].value == (int)p && strchr(priv_names[i].name, '-'))
            return priv_names[i].name;
    return p == WN_USM_PRIV_DES ? "DES" : "?";
}

/* ------------------------------------------------------------------------
 * Password-to-key and localisation.
 * ---------------------------------------------------------------------- */
#define EXPAND_CHUNK 64

int
wn_usm_password_to_key(enum wn_usm_auth a, const void *pass, size_t pass_len, uint8_t *ku)
{
    const struct auth_info *ai = auth_info(a);
    if (!ai || !pass || !ku || pass_len < WN_USM_MIN_PASSPHRASE
        || pass_len > WN_USM_MAX_PASSPHRASE)
        return WN_E_INVAL;
    /* Hash WN_USM_EXPAND_BYTES of the pass phrase repeated (RFC 3414 A.2.1
     * and A.2.2; RFC 7860 uses the same with the SHA-2 hash). */
    struct wn_crypto_hash h;
    uint8_t chunk[EXPAND_CHUNK];
    const uint8_t *pw = pass;
    size_t idx = 0;
    wn_crypto_hash_init(&h, ai->alg);
    for (size_t done = 0; done < WN_USM_EXPAND_BYTES; done += EXPAND_CHUNK) {
        for (size_t i = 0; i < EXPAND_CHUNK; i++) {
            chunk[i] = pw[idx++];
            if (idx == pass_len)
                idx = 0;
        }
        wn_crypto_hash_update(&h, chunk, EXPAND_CHUNK);
    }
    wn_crypto_hash_final(&h, ku);
    wn_wipe(chunk, sizeof chunk);
    return 0;
}

int
wn_usm_localize_key(enum wn_usm_auth a, const uint8_t *ku, const uint8_t *engine_id,
                    size_t engine_id_len, uint8_t *kul)
{
    const struct auth_info *ai = auth_info(a);
    if (!ai || !ku || !kul || !engine_id || engine_id_len == 0
        || engine_id_len > WN_USM_MAX_ENGINE_ID)
        return WN_E_INVAL;
    size_t klen = wn_crypto_hash_len(ai->alg);
    struct wn_crypto_hash h;
    wn_crypto_hash_init(&h, ai->alg);
    wn_crypto_hash_update(&h, ku, klen);
    wn_crypto_hash_update(&h, engine_id, engine_id_len);
    wn_crypto_hash_update(&h, ku, klen);
    wn_crypto_hash_final(&h, kul);
    return 0;
}

/* draft-blumenthal-aes-usm-04 3.1.2.1 as net-snmp 5.9 runs it: while
 * short, Kul = Kul || H(Kul), hashing the whole key grown so far. */
static void
extend_blumenthal(const struct auth_info *ai, uint8_t *kul, size_t *len, size_t need)
{
    uint8_t d[WN_CRYPTO_HASH_MAX_LEN];
    while (*len < need) {
        wn_crypto_hash(ai->alg, kul, *len, d);
        size_t n = WN_MIN(need - *len, wn_crypto_hash_len(ai->alg));
        memcpy(kul + *len, d, n);
        *len += n;
    }
    wn_wipe(d, sizeof d);
}

/* draft-reeder-snmpv3-usm-3desede 2.1: while short, Kul = Kul ||
 * localize(password_to_key(Kul)), the whole key so far as pass phrase. */
static int
extend_reeder(const struct auth_info *ai, const uint8_t *engine_id, size_t engine_id_len,
              uint8_t *kul, size_t *len, size_t need)
{
    uint8_t ku[WN_USM_MAX_KEY], more[WN_USM_MAX_KEY];
    int rc = 0;
    while (*len < need) {
        rc = wn_usm_password_to_key(ai->id, kul, *len, ku);
        if (rc == 0)
            rc = wn_usm_localize_key(ai->id, ku, engine_id, engine_id_len, more);
        if (rc)
            break;
        size_t n = WN_MIN(need - *len, wn_crypto_hash_len(ai->alg));
        memcpy(kul + *len, more, n);
        *len += n;
    }
    wn_wipe(ku, sizeof ku);
    wn_wipe(more, sizeof more);
    return rc;
}

int
wn_usm_extend_priv_key(enum wn_usm_auth a, enum wn_usm_priv p, const uint8_t *engine_id,
                       size_t engine_id_len, uint8_t kul[WN_USM_MAX_KEY], size_t *len)
{
    const struct auth_info *ai = auth_info(a);
    if (!ai || !kul || !len || *len > WN_USM_MAX_KEY)
        return WN_E_INVAL;
    size_t need = priv_material_len(p);
    if (*len >= need)
        return 0;
    switch (p) {
    case WN_USM_PRIV_AES192: case WN_USM_PRIV_AES256:
        extend_blumenthal(ai, kul, len, need);
        return 0;
    case WN_USM_PRIV_AES192_REEDER: case WN_USM_PRIV_AES256_REEDER:
        return extend_reeder(ai, engine_id, engine_id_len, kul, len, need);
    default:
        return WN_E_INVAL;      /* DES/AES-128 never need more than any hash gives */
    }
}

/* ------------------------------------------------------------------------
 * Users and the key cache.
 * ---------------------------------------------------------------------- */
static int
user_base(struct wn_usm_user *u, const char *name, enum wn_usm_auth auth, enum wn_usm_priv priv)
{
    if (!u || !name)
        return WN_E_INVAL;
    memset(u, 0, sizeof *u);
    size_t n = strlen(name);
    if (n == 0 || n > WN_USM_MAX_USER_NAME)
        return WN_E_INVAL;
    if (auth != WN_USM_AUTH_NONE && !auth_info(auth))
        return WN_E_INVAL;
    if (priv != WN_USM_PRIV_NONE && (auth == WN_USM_AUTH_NONE || !wn_usm_priv_key_len(priv)))
        return WN_E_INVAL;
    memcpy(u->name, name, n);
    u->name_len = n;
    u->auth = auth;
    u->priv = priv;
    return 0;
}

int
wn_usm_user_init(struct wn_usm_user *u, const char *name, enum wn_usm_auth auth,
                 const char *auth_pass, enum wn_usm_priv priv, const char *priv_pass)
{
    int rc = user_base(u, name, auth, priv);
    if (rc)
        return rc;
    if (auth != WN_USM_AUTH_NONE) {
        if (!auth_pass)
            return WN_E_INVAL;
        rc = wn_usm_password_to_key(auth, auth_pass, strlen(auth_pass), u->ku_auth);
    }
    if (rc == 0 && priv != WN_USM_PRIV_NONE) {
        /* The priv key comes from the priv pass phrase through the auth
         * protocol's hash (RFC 3414 2.6, RFC 3826 1.2). */
        rc = priv_pass ? wn_usm_password_to_key(auth, priv_pass, strlen(priv_pass), u->ku_priv)
                       : WN_E_INVAL;
    }
    if (rc) {
        wn_usm_user_clear(u);
        return rc;
    }
    u->have_master = 1;
    return 0;
}

int
wn_usm_user_init_localized(struct wn_usm_user *u, const char *name, enum wn_usm_auth auth,
                           enum wn_usm_priv priv)
{
    return user_base(u, name, auth, priv);
}

/* FNV-1a over the engine ID. */
static size_t
bucket_of(const uint8_t *id, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= id[i];
        h *= 16777619u;
    }
    return h % WN_USM_KEY_BUCKETS;
}

static struct wn_usm_keys *
cache_find(struct wn_usm_user *u, const uint8_t *id, size_t len)
{
    for (struct wn_usm_keys *k = u->buckets[bucket_of(id, len)]; k; k = k->next)
        if (k->engine_id_len == len && memcmp(k->engine_id, id, len) == 0)
            return k;
    return NULL;
}

/* The entry the cache gives up for a new one when full: one that only
 * wn_usm_user_keys made and no digest has verified, used longest ago, else
 * the one used longest ago; never a pinned one (localized keys given by
 * the caller cannot be made again).  NULL when every entry is pinned. */
static struct wn_usm_keys *
cache_victim(struct wn_usm_user *u)
{
    struct wn_usm_keys *best = NULL;
    for (size_t b = 0; b < WN_USM_KEY_BUCKETS; b++) {
        for (struct wn_usm_keys *k = u->buckets[b]; k; k = k->next) {
            if (k->pinned)
                continue;
            if (!best || (!k->verified && best->verified)
                || (k->verified == best->verified && k->used < best->used))
                best = k;
        }
    }
    return best;
}

static void cache_drop(struct wn_usm_user *u, struct wn_usm_keys *k);

/* A zeroed entry for the engine, linked in (existing one reused; when the
 * cache is full, cache_victim's entry is dropped for it). */
static int
cache_slot(struct wn_usm_user *u, const uint8_t *id, size_t len, struct wn_usm_keys **out)
{
    struct wn_usm_keys *k = cache_find(u, id, len);
    if (!k) {
        if (u->cached >= WN_USM_KEY_CACHE_MAX) {
            struct wn_usm_keys *victim = cache_victim(u);
            if (!victim)
                return WN_E_LIMIT;
            cache_drop(u, victim);
            u->evictions++;
        }
        k = wn_calloc(1, sizeof *k);
        if (!k)
            return WN_E_NOMEM;
        size_t b = bucket_of(id, len);
        k->next = u->buckets[b];
        u->buckets[b] = k;
        u->cached++;
    }
    struct wn_usm_keys *next = k->next;
    wn_wipe(k, sizeof *k);
    k->next = next;
    memcpy(k->engine_id, id, len);
    k->engine_id_len = len;
    k->used = ++u->tick;
    *out = k;
    return 0;
}

static void
cache_drop(struct wn_usm_user *u, struct wn_usm_keys *k)
{
    struct wn_usm_keys **pp = &u->buckets[bucket_of(k->engine_id, k->engine_id_len)];
    while (*pp && *pp != k)
        pp = &(*pp)->next;
    if (*pp)
        *pp = k->next;
    wn_wipe(k, sizeof *k);
    wn_free(k);
    u->cached--;
}

/* Keys k->mac with the auth key (nothing to do without auth). */
static int
key_mac(const struct wn_usm_user *u, struct wn_usm_keys *k)
{
    const struct auth_info *ai = auth_info(u->auth);
    if (!ai)
        return 0;
    return wn_crypto_hmac_init(&k->mac, ai->alg, k->auth, k->auth_len);
}

static int
engine_id_ok(const uint8_t *id, size_t len)
{
    return id && len > 0 && len <= WN_USM_MAX_ENGINE_ID;
}

int
wn_usm_user_add_keys(struct wn_usm_user *u, const uint8_t *engine_id, size_t engine_id_len,
                     const uint8_t *auth_kul, size_t auth_len, const uint8_t *priv_kul,
                     size_t priv_len)
{
    if (!u || !engine_id_ok(engine_id, engine_id_len) || auth_len != wn_usm_auth_key_len(u->auth)
        || (auth_len && !auth_kul) || priv_len > WN_USM_MAX_KEY
        || priv_len < priv_material_len(u->priv) || (priv_len && !priv_kul))
        return WN_E_INVAL;
    struct wn_usm_keys *k;
    int rc = cache_slot(u, engine_id, engine_id_len, &k);
    if (rc)
        return rc;
    if (auth_len)
        memcpy(k->auth, auth_kul, auth_len);
    k->auth_len = auth_len;
    rc = key_mac(u, k);
    if (rc) {
        cache_drop(u, k);
        return rc;
    }
    if (priv_len)
        memcpy(k->priv, priv_kul, priv_len);
    k->priv_len = priv_len;
    k->pinned = 1;
    return 0;
}

int
wn_usm_keys_make(struct wn_usm_user *u, const uint8_t *engine_id, size_t engine_id_len,
                 struct wn_usm_keys *k)
{
    if (!u || !k || !engine_id_ok(engine_id, engine_id_len))
        return WN_E_INVAL;
    memset(k, 0, sizeof *k);
    if (!u->have_master)
        return WN_E_NOTFOUND;
    memcpy(k->engine_id, engine_id, engine_id_len);
    k->engine_id_len = engine_id_len;
    int rc = 0;
    if (u->auth != WN_USM_AUTH_NONE) {
        k->auth_len = wn_usm_auth_key_len(u->auth);
        rc = wn_usm_localize_key(u->auth, u->ku_auth, engine_id, engine_id_len, k->auth);
    }
    if (rc == 0)
        rc = key_mac(u, k);
    if (rc == 0 && u->priv != WN_USM_PRIV_NONE) {
        k->priv_len = wn_usm_auth_key_len(u->auth);
        rc = wn_usm_localize_key(u->auth, u->ku_priv, engine_id, engine_id_len, k->priv);
        if (rc == 0)
            rc = wn_usm_extend_priv_key(u->auth, u->priv, engine_id, engine_id_len, k->priv,
                                        &k->priv_len);
    }
    if (rc) {
        wn_wipe(k, sizeof *k);      /* no half-made key stays behind */
        return rc;
    }
    u->localizations++;
    return 0;
}

const struct wn_usm_keys *
wn_usm_user_keys_cached(struct wn_usm_user *u, const uint8_t *engine_id, size_t engine_id_len)
{
    if (!u || !engine_id_ok(engine_id, engine_id_len))
        return NULL;
    struct wn_usm_keys *k = cache_find(u, engine_id, engine_id_len);
    if (k)
        k->used = ++u->tick;
    return k;
}

int
wn_usm_user_keep_keys(struct wn_usm_user *u, const struct wn_usm_keys *made, int verified,
                      const struct wn_usm_keys **out)
{
    if (!u || !made || !out || !engine_id_ok(made->engine_id, made->engine_id_len))
        return WN_E_INVAL;
    struct wn_usm_keys *k;
    int rc = cache_slot(u, made->engine_id, made->engine_id_len, &k);
    if (rc)
        return rc;
    struct wn_usm_keys *next = k->next;
    uint64_t used = k->used;
    *k = *made;
    k->next = next;
    k->used = used;
    k->pinned = 0;
    k->verified = verified != 0;
    *out = k;
    return 0;
}

void
wn_usm_user_keys_verified(struct wn_usm_user *u, const uint8_t *engine_id, size_t engine_id_len)
{
    struct wn_usm_keys *k = u && engine_id_ok(engine_id, engine_id_len)
                                ? cache_find(u, engine_id, engine_id_len) : NULL;
    if (k)
        k->verified = 1;
}

int
wn_usm_user_keys(struct wn_usm_user *u, const uint8_t *engine_id, size_t engine_id_len,
                 const struct wn_usm_keys **out)
{
    if (!u || !out || !engine_id_ok(engine_id, engine_id_len))
        return WN_E_INVAL;
    const struct wn_usm_keys *hit = wn_usm_user_keys_cached(u, engine_id, engine_id_len);
    if (hit) {
        *out = hit;
        return 0;
    }
    struct wn_usm_keys made;
    int rc = wn_usm_keys_make(u, engine_id, engine_id_len, &made);
    if (rc == 0)
        rc = wn_usm_user_keep_keys(u, &made, 0, out);
    wn_wipe(&made, sizeof made);
    return rc;
}

void
wn_usm_user_clear(struct wn_usm_user *u)
{
    if (!u)
        return;
    for (size_t b = 0; b < WN_USM_KEY_BUCKETS; b++) {
        struct wn_usm_keys *k = u->buckets[b];
        while (k) {
            struct wn_usm_keys *next = k->next;
            wn_wipe(k, sizeof *k);
            wn_free(k);
            k = next;
        }
    }
    wn_wipe(u, sizeof *u);
}
