/* usmuser.h: the process-wide table of SNMPv3 users (usmuser.c): refcounted credentials shared by every entity, listener and registration that names the same user, so each user's key cache is shared. */
#ifndef WN_WS_USMUSER_H
#define WN_WS_USMUSER_H

#include <stdatomic.h>

#include "usm.h"
#include "winsnmp_int.h"

/* A "user" line (docs/snmpv3.md).  Holds secrets: wipe it (wn_wipe)
 * after use. */
struct wn_ws_db_user {
    char name[WN_USM_MAX_USER_NAME + 1];
    enum wn_usm_auth auth;
    enum wn_usm_priv priv;
    char authpass[256];           /* "" when not given */
    char privpass[256];
    uint8_t authkey[WN_USM_MAX_KEY];   /* localized (need engine_id) */
    size_t authkey_len;
    uint8_t privkey[WN_USM_MAX_KEY];
    size_t privkey_len;
    uint8_t engine_id[WN_WS_V3_MAX_ENGINE_ID];
    size_t engine_id_len;
};
/* The user line `name` (out holds its secrets: the caller wipes it) and
 * the stamp of the file read (may be NULL).  Errors as wn_ws_db_entity.
 * Reading a file that holds secrets and that others may read, or that
 * neither the caller nor root owns, logs one warning per (file, mtime). */
int wn_ws_db_user(const char *name, struct wn_ws_db_user *out, struct wn_ws_db_stamp *stamp);
/* The names of every "user" line (names[0..*n), at most max; *overflow
 * set when there were more) and the stamp of the file read.  0,
 * WN_E_NOTFOUND (no database), WN_E_CONFIG (malformed), WN_E_NOMEM. */
int wn_ws_db_user_names(char (*names)[WN_USM_MAX_USER_NAME + 1], size_t max, size_t *n,
                        int *overflow, struct wn_ws_db_stamp *stamp);
/* How many times a database file was opened (tests: a lookup that the
 * user table answers reads none). */
extern atomic_ulong wn_ws_db_reads;
/* How many times the database file's stamp was taken (a stat(), after
 * finding the file's path). */
extern atomic_ulong wn_ws_db_checks;

#define WN_WS_USER_MAX_NAMES 1024u   /* user names of one database version remembered */
/* A user found in the table is given without looking at the database
 * file again for this long after the last look (wn_clock_ms). */
#define WN_WS_USER_DB_CHECK_MS 1000u

/* One user.  Every field is [locked] (the one WinSNMP lock): the key
 * cache in usm is used by the I/O thread under that lock.  Pointers to
 * it are counted references (wn_ws_user_hold / wn_ws_user_put); the last
 * put wipes every key (wn_usm_user_clear) and frees it. */
struct wn_ws_user {
    struct wn_usm_user usm;        /* name, protocols, Ku, localized key cache */
    uint32_t refs;
    int from_db;                   /* made from the database's "user" line */
    struct wn_ws_db_stamp stamp;   /* from_db: the file version it was read from */
    /* The user line's or entity string's engineid= (localized keys
     * belong to it; 0 when not given). */
    uint8_t engine_id[WN_USM_MAX_ENGINE_ID];
    size_t engine_id_len;
    struct wn_ws_user *next;       /* table chain (private) */
};

/* The user `name` (NUL-terminated, borrowed) of the translated-mode
 * database's "user" lines (also in the untranslated modes): a new counted
 * reference in *out (release with wn_ws_user_put).  The same entry is
 * returned while the database file stays the same (same inode, mtime and
 * size), so pass phrases are hashed once per user and file version; a
 * user line with localized keys (authkey=/privkey=) has them for its
 * engineid= only.  The file's stamp is taken (stat) at most once per
 * WN_WS_USER_DB_CHECK_MS while the names asked for are in the table, so
 * an edit takes effect for them within that time; a name not in the
 * table takes the stamp at once (a user just added is found).  The names
 * of a file version's user lines are read once (at most
 * WN_WS_USER_MAX_NAMES): a name not among them is WN_E_NOTFOUND without
 * reading the file again, so datagrams naming unknown users cost one
 * stat() each, not a read and parse of the database.  0, WN_E_NOTFOUND (no database, or no such user),
 * WN_E_CONFIG (the database is malformed; logged without secrets),
 * WN_E_INVAL (name empty or longer than WN_USM_MAX_USER_NAME),
 * WN_E_NOMEM.  May hash pass phrases (RFC 3414 A.2: about 2-5 ms each).
 * [locked] */
int wn_ws_user_find(const char *name, struct wn_ws_user **out);

/* The user an "snmpv3:" entity string names (pe from wn_usm_entity_parse,
 * borrowed): with its secrets given, a user of those credentials (shared
 * with every other entity of the same name, protocols and keys); with
 * protocols at most (no secret), the database's user of that name
 * (wn_ws_user_find), which must then use the same protocols
 * (WN_E_MALFORMED otherwise).  *out: a new counted reference.
 * [locked] */
int wn_ws_user_from_entity(const struct wn_usm_entity *pe, struct wn_ws_user **out);

/* The most a user supports: msgFlags level bits. */
uint8_t wn_ws_user_max_level(const struct wn_ws_user *u);

/* Makes e (a new entity, its address set) a v3 entity: its user (a
 * counted reference, put when e is freed), level (the user's most when
 * not given; more than the user supports is WN_E_MALFORMED), engine ID
 * and default contextEngineID; from an "snmpv3:" string's parse (pe
 * borrowed) or from a database entity line with version=3 (dbe
 * borrowed; a user= missing from the database is WN_E_CONFIG).  Errors
 * of wn_ws_user_from_entity / wn_ws_user_find; e unchanged on error.
 * [locked] */
int wn_ws_user_entity_str(struct wn_ws_entity *e, const struct wn_usm_entity *pe);
int wn_ws_user_entity_db(struct wn_ws_entity *e, const struct wn_ws_db_entity *dbe);

/* A copy of an entity string without its secrets (wn_usm_entity_redact):
 * returned-owned (wn_free), NULL when out of memory. */
char *wn_ws_user_redact(const char *s);

/* 1 when u came from a database line of a file version other than the
 * one last seen (an edit dropped or changed it): wn_ws_user_find no
 * longer gives it, and a holder of a reference should put it, so that
 * its keys are wiped.  [locked] */
int wn_ws_user_stale(const struct wn_ws_user *u);
/* Counts the database versions seen: changes when the file's stamp
 * does, so that holders know when to look for stale users. [locked] */
unsigned long wn_ws_user_db_version(void);

/* Counted references. [locked] */
void wn_ws_user_hold(struct wn_ws_user *u);
void wn_ws_user_put(struct wn_ws_user *u);   /* NULL: no-op */

#endif /* WN_WS_USMUSER_H */
