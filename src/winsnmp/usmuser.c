/* usmuser.c: the process-wide table of SNMPv3 users shared by entities (usmuser.h): lookup by database name or by credentials, counted references, keys wiped with the last one. */
#include "usmuser.h"

#include <string.h>

static struct wn_ws_user *users;   /* [locked] */

/* The user lines' names of the database version read last [locked]. */
static struct {
    int valid;
    int rc;                        /* 0, or WN_E_CONFIG: that version is malformed */
    int overflow;                  /* more names than kept: the list proves nothing */
    struct wn_ws_db_stamp stamp;
    size_t n;
    char names[WN_WS_USER_MAX_NAMES][WN_USM_MAX_USER_NAME + 1];
} db_names;

/* The database file as last looked at [locked]. */
static struct {
    int valid;
    int rc;                        /* wn_ws_db_stamp's: 0 or WN_E_NOTFOUND (no file) */
    uint64_t at_ms;                /* when (wn_clock_ms) */
    struct wn_ws_db_stamp stamp;
    unsigned long version;         /* changes whenever stamp or rc does */
} db_seen;

static int stamp_equal(const struct wn_ws_db_stamp *a, const struct wn_ws_db_stamp *b);

/* The database file's stamp in *now: the one seen last when it is less
 * than WN_WS_USER_DB_CHECK_MS old and fresh is 0, else taken again.  *took
 * is set when it was taken again.  0 or WN_E_NOTFOUND (no database). */
static int
db_look(int fresh, struct wn_ws_db_stamp *now, int *took)
{
    uint64_t t = wn_clock_ms();
    if (fresh || !db_seen.valid || t - db_seen.at_ms >= WN_WS_USER_DB_CHECK_MS) {
        struct wn_ws_db_stamp st;
        int rc = wn_ws_db_stamp(&st);
        if (!db_seen.valid || rc != db_seen.rc || !stamp_equal(&st, &db_seen.stamp))
            db_seen.version++;
        db_seen.stamp = st;
        db_seen.rc = rc;
        db_seen.at_ms = t;
        db_seen.valid = 1;
        *took = 1;
    }
    *now = db_seen.stamp;
    return db_seen.rc;
}

unsigned long
wn_ws_user_db_version(void)
{
    WN_WS_ASSERT_LOCKED();
    return db_seen.version;
}

int
wn_ws_user_stale(const struct wn_ws_user *u)
{
    WN_WS_ASSERT_LOCKED();
    return u->from_db && db_seen.valid
           && (db_seen.rc != 0 || !stamp_equal(&u->stamp, &db_seen.stamp));
}

void
wn_ws_user_hold(struct wn_ws_user *u)
{
    WN_WS_ASSERT_LOCKED();
    u->refs++;
}

void
wn_ws_user_put(struct wn_ws_user *u)
{
    WN_WS_ASSERT_LOCKED();
    if (!u || --u->refs > 0)
        return;
    for (struct wn_ws_user **pp = &users; *pp; pp = &(*pp)->next) {
        if (*pp == u) {
            *pp = u->next;
            break;
        }
    }
    wn_usm_user_clear(&u->usm);
    wn_wipe(u, sizeof *u);
    wn_free(u);
}

uint8_t
wn_ws_user_max_level(const struct wn_ws_user *u)
{
    uint8_t level = 0;
    if (u->usm.auth != WN_USM_AUTH_NONE)
        level |= WN_SNMP_V3_FLAG_AUTH;
    if (u->usm.priv != WN_USM_PRIV_NONE)
        level |= WN_SNMP_V3_FLAG_PRIV;
    return level;
}

static int
stamp_equal(const struct wn_ws_db_stamp *a, const struct wn_ws_db_stamp *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->mtime_ns == b->mtime_ns
           && a->size == b->size;
}

/* Makes a user from credentials (pass phrases and/or localized keys for
 * engine_id), not yet in the table.  Secrets borrowed. */
static int
user_new(const char *name, enum wn_usm_auth auth, const char *authpass, const uint8_t *authkey,
         size_t authkey_len, enum wn_usm_priv priv, const char *privpass,
         const uint8_t *privkey, size_t privkey_len, const uint8_t *engine_id,
         size_t engine_id_len, struct wn_ws_user **out)
{
    struct wn_ws_user *u = wn_calloc(1, sizeof *u);
    if (!u)
        return WN_E_NOMEM;
    int rc;
    if (authkey_len || privkey_len) {
        rc = wn_usm_user_init_localized(&u->usm, name, auth, priv);
        if (rc == 0)
            rc = wn_usm_user_add_keys(&u->usm, engine_id, engine_id_len, authkey, authkey_len,
                                      privkey, privkey_len);
    } else {
        rc = wn_usm_user_init(&u->usm, name, auth, authpass, priv, privpass);
    }
    if (rc < 0) {
        wn_usm_user_clear(&u->usm);
        wn_free(u);
        return rc;
    }
    if (engine_id_len)
        memcpy(u->engine_id, engine_id, engine_id_len);
    u->engine_id_len = engine_id_len;
    u->refs = 1;
    *out = u;
    return 0;
}

static void
table_add(struct wn_ws_user *u)
{
    u->next = users;
    users = u;
}

/* What the database version `now` says of `name` without reading it
 * again: WN_E_NOTFOUND (no such user line), WN_E_CONFIG (malformed), or
 * 1 (it may be there: read it). */
static int
db_names_say(const char *name, const struct wn_ws_db_stamp *now)
{
    if (!db_names.valid || !stamp_equal(&db_names.stamp, now)) {
        db_names.valid = 0;
        int rc = wn_ws_db_user_names(db_names.names, WN_WS_USER_MAX_NAMES, &db_names.n,
                                     &db_names.overflow, &db_names.stamp);
        if (rc != 0 && rc != WN_E_CONFIG)
            return 1;
        db_names.rc = rc;
        db_names.valid = 1;
        if (!stamp_equal(&db_names.stamp, now))
            return 1;               /* changed meanwhile: ask the file */
    }
    if (db_names.rc)
        return db_names.rc;
    if (db_names.overflow)
        return 1;
    for (size_t i = 0; i < db_names.n; i++)
        if (strcmp(db_names.names[i], name) == 0)
            return 1;
    return WN_E_NOTFOUND;
}

/* The table's user of that name read from the database version now,
 * or NULL. */
static struct wn_ws_user *
table_find(const char *name, size_t n, const struct wn_ws_db_stamp *now)
{
    for (struct wn_ws_user *u = users; u; u = u->next)
        if (u->from_db && stamp_equal(&u->stamp, now) && u->usm.name_len == n
            && memcmp(u->usm.name, name, n) == 0)
            return u;
    return NULL;
}

int
wn_ws_user_find(const char *name, struct wn_ws_user **out)
{
    WN_WS_ASSERT_LOCKED();
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > WN_USM_MAX_USER_NAME)
        return WN_E_INVAL;
    struct wn_ws_db_stamp now;
    int took = 0;
    int rc = db_look(0, &now, &took);
    struct wn_ws_user *hit = rc == 0 ? table_find(name, n, &now) : NULL;
    /* Not in the table by the last look: look at the file now. */
    if (!hit && !took) {
        rc = db_look(1, &now, &took);
        hit = rc == 0 ? table_find(name, n, &now) : NULL;
    }
    if (hit) {
        wn_ws_user_hold(hit);
        *out = hit;
        return 0;
    }
    if (rc == 0) {
        int said = db_names_say(name, &now);
        if (said <= 0)
            return said;
    }
    struct wn_ws_db_user du;
    struct wn_ws_db_stamp st;
    rc = wn_ws_db_user(name, &du, &st);
    struct wn_ws_user *u = NULL;
    if (rc == 0)
        rc = user_new(name, du.auth, du.authpass[0] ? du.authpass : NULL, du.authkey,
                      du.authkey_len, du.priv, du.privpass[0] ? du.privpass : NULL, du.privkey,
                      du.privkey_len, du.engine_id, du.engine_id_len, &u);
    wn_wipe(&du, sizeof du);
    if (rc < 0)
        return rc == WN_E_INVAL ? WN_E_CONFIG : rc;
    u->from_db = 1;
    u->stamp = st;
    table_add(u);
    *out = u;
    return 0;
}

/* 1 when a and b hold the same credentials (constant-time compare of the
 * keys: they are secrets). */
static int
same_credentials(const struct wn_usm_user *a, const struct wn_usm_user *b)
{
    if (a->name_len != b->name_len || memcmp(a->name, b->name, a->name_len) != 0
        || a->auth != b->auth || a->priv != b->priv || a->have_master != b->have_master
        || !a->have_master)
        return 0;
    uint8_t diff = 0;
    for (size_t i = 0; i < WN_USM_MAX_KEY; i++)
        diff |= (uint8_t)((a->ku_auth[i] ^ b->ku_auth[i]) | (a->ku_priv[i] ^ b->ku_priv[i]));
    return diff == 0;
}

int
wn_ws_user_from_entity(const struct wn_usm_entity *pe, struct wn_ws_user **out)
{
    WN_WS_ASSERT_LOCKED();
    int has_secret = pe->authpass || pe->privpass || pe->authkey_len || pe->privkey_len;
    if (!has_secret) {
        int rc = wn_ws_user_find(pe->user, out);
        if (rc == WN_E_NOTFOUND && pe->auth == WN_USM_AUTH_NONE && pe->priv == WN_USM_PRIV_NONE
            && (pe->level == 0 || pe->level == WN_USM_LEVEL_DEFAULT)) {
            /* snmpv3:guest@...: a noAuthNoPriv user needs no secret and
             * no database line (as snmpget -v3 -u guest). */
            rc = user_new(pe->user, WN_USM_AUTH_NONE, NULL, NULL, 0, WN_USM_PRIV_NONE, NULL,
                          NULL, 0, NULL, 0, out);
            if (rc == 0)
                table_add(*out);
            return rc;
        }
        if (rc < 0)
            return rc;
        if ((pe->auth != WN_USM_AUTH_NONE && pe->auth != (*out)->usm.auth)
            || (pe->priv != WN_USM_PRIV_NONE && pe->priv != (*out)->usm.priv)) {
            wn_ws_user_put(*out);
            *out = NULL;
            return WN_E_MALFORMED;
        }
        return 0;
    }
    /* A protocol named without its secret while the other has one: the
     * string is incomplete. */
    if ((pe->auth != WN_USM_AUTH_NONE && !pe->authpass && !pe->authkey_len)
        || (pe->priv != WN_USM_PRIV_NONE && !pe->privpass && !pe->privkey_len))
        return WN_E_MALFORMED;
    struct wn_ws_user *u;
    int rc = user_new(pe->user, pe->auth, pe->authpass, pe->authkey, pe->authkey_len, pe->priv,
                      pe->privpass, pe->privkey, pe->privkey_len, pe->engine_id,
                      pe->engine_id_len, &u);
    if (rc < 0)
        return rc;
    for (struct wn_ws_user *v = users; v; v = v->next) {
        if (!v->from_db && same_credentials(&v->usm, &u->usm)) {
            wn_ws_user_put(u);   /* not in the table: just wiped and freed */
            wn_ws_user_hold(v);
            *out = v;
            return 0;
        }
    }
    table_add(u);
    *out = u;
    return 0;
}

/* The entity's level and engine ID from what was asked and the user. */
static int
entity_finish(struct wn_ws_entity *e, struct wn_ws_user *u, int level,
              const uint8_t *engine_id, size_t engine_id_len)
{
    uint8_t max = wn_ws_user_max_level(u);
    if (level == WN_USM_LEVEL_DEFAULT)
        level = max;
    if ((level & ~max) != 0 || level == WN_SNMP_V3_FLAG_PRIV) {
        wn_ws_user_put(u);
        return WN_E_MALFORMED;          /* a level the user has no keys for */
    }
    if (!engine_id_len && u->engine_id_len) {
        engine_id = u->engine_id;       /* the user line's, for its localized keys */
        engine_id_len = u->engine_id_len;
    }
    e->user = u;
    e->level = (uint8_t)level;
    memcpy(e->engine_id, engine_id, engine_id_len);
    e->engine_id_len = engine_id_len;
    e->version = WN_WS_V3;
    return 0;
}

int
wn_ws_user_entity_str(struct wn_ws_entity *e, const struct wn_usm_entity *pe)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_user *u;
    int rc = wn_ws_user_from_entity(pe, &u);
    if (rc < 0)
        return rc;
    rc = entity_finish(e, u, pe->level, pe->engine_id, pe->engine_id_len);
    if (rc == 0) {
        memcpy(e->ctx_engine_id, pe->context_engine_id, pe->context_engine_id_len);
        e->ctx_engine_id_len = pe->context_engine_id_len;
    }
    return rc;
}

int
wn_ws_user_entity_db(struct wn_ws_entity *e, const struct wn_ws_db_entity *dbe)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_user *u;
    int rc = wn_ws_user_find(dbe->user, &u);
    if (rc < 0)
        return rc == WN_E_NOTFOUND ? WN_E_CONFIG : rc;  /* the entity names a missing user */
    return entity_finish(e, u, dbe->level, dbe->engine_id, dbe->engine_id_len);
}

char *
wn_ws_user_redact(const char *s)
{
    size_t cap = strlen(s) + 1;
    char *out = wn_malloc(cap);
    if (out && wn_usm_entity_redact(s, out, cap) < 0) {
        wn_free(out);
        out = NULL;
    }
    return out;
}
