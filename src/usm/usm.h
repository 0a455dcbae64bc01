/* usm.h: contract of the usm layer: SNMPv3 User-based Security Model (RFC 3414, RFC 7860 SHA-2 auth, RFC 3826 AES, net-snmp's AES-192/256): keys, security parameters, auth, privacy, timeliness, reports. */
#ifndef WN_USM_H
#define WN_USM_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "crypto.h"
#include "snmp.h"

/* ------------------------------------------------------------------------
 * Named limits and protocol constants.
 * ---------------------------------------------------------------------- */
#define WN_USM_MIN_ENGINE_ID 5          /* SnmpEngineID SIZE(5..32), RFC 3411 */
#define WN_USM_MAX_ENGINE_ID 32
#define WN_USM_MAX_USER_NAME 32         /* usmUserName SIZE(1..32), RFC 3414 */
#define WN_USM_MIN_PASSPHRASE 8         /* net-snmp refuses shorter ones too */
#define WN_USM_MAX_PASSPHRASE 1024
#define WN_USM_MAX_KEY 64               /* longest localized key (SHA-512) */
#define WN_USM_MAX_MAC 48               /* longest truncated MAC (SHA-512: 48) */
#define WN_USM_PRIV_PARAMS_LEN 8        /* DES and AES salt */
#define WN_USM_MAX_SECPARAMS 256        /* encoded UsmSecurityParameters we accept */
#define WN_USM_EXPAND_BYTES 1048576     /* password-to-key: 1 MB of pass phrase */
#define WN_USM_TIME_WINDOW 150          /* seconds, RFC 3414 section 3.2 step 7 */
#define WN_USM_MAX_BOOTS 2147483647u    /* snmpEngineBoots at its maximum: latched */
#define WN_USM_KEY_CACHE_MAX 4096       /* engines per user in the key cache */

/* Authentication protocols (usmNoAuthProtocol, usmHMACMD5AuthProtocol,
 * usmHMACSHAAuthProtocol, RFC 7860 usmHMAC128SHA224 ... usmHMAC384SHA512). */
enum wn_usm_auth {
    WN_USM_AUTH_NONE = 0,
    WN_USM_AUTH_MD5,
    WN_USM_AUTH_SHA1,
    WN_USM_AUTH_SHA224,
    WN_USM_AUTH_SHA256,
    WN_USM_AUTH_SHA384,
    WN_USM_AUTH_SHA512,
};

/* Privacy protocols.  AES192/AES256 are net-snmp's default "AES-192" /
 * "AES-256" (draft-blumenthal-aes-usm-04 key extension: Kul || H(Kul) ...);
 * the _REEDER ones are net-snmp's "AES-192-C" / "AES-256-C" (Cisco's, key
 * extension of draft-reeder-snmpv3-usm-3desede: Kul || localize(P2K(Kul))). */
enum wn_usm_priv {
    WN_USM_PRIV_NONE = 0,
    WN_USM_PRIV_DES,
    WN_USM_PRIV_AES128,
    WN_USM_PRIV_AES192,
    WN_USM_PRIV_AES256,
    WN_USM_PRIV_AES192_REEDER,
    WN_USM_PRIV_AES256_REEDER,
};

/* Key length (= digest length) of an auth protocol; 0 for NONE/unknown. */
size_t wn_usm_auth_key_len(enum wn_usm_auth a);
/* Length of msgAuthenticationParameters: 12 (MD5, SHA-1), 16/24/32/48. */
size_t wn_usm_auth_mac_len(enum wn_usm_auth a);
/* The hash behind an auth protocol; 0 or WN_E_INVAL for NONE/unknown. */
int wn_usm_auth_alg(enum wn_usm_auth a, enum wn_crypto_alg *alg);
/* Encryption key length of a priv protocol (DES 8, AES 16/24/32). */
size_t wn_usm_priv_key_len(enum wn_usm_priv p);
/* net-snmp's names, case-insensitive: "MD5", "SHA" ("SHA-1", "SHA1"),
 * "SHA-224" ... "SHA-512" (also without the dash); "DES", "AES"
 * ("AES-128", "AES128"), "AES-192", "AES-256", "AES-192-C", "AES-256-C".
 * 0 or WN_E_NOTFOUND. */
int wn_usm_auth_from_name(const char *name, enum wn_usm_auth *out);
int wn_usm_priv_from_name(const char *name, enum wn_usm_priv *out);
const char *wn_usm_auth_name(enum wn_usm_auth a);   /* static; "?" if unknown */
const char *wn_usm_priv_name(enum wn_usm_priv p);

/* ------------------------------------------------------------------------
 * Keys (keys.c).  Every buffer is borrowed; outputs are secrets the caller
 * wipes.
 * ---------------------------------------------------------------------- */
/* RFC 3414 A.2 password-to-key with the protocol's hash (RFC 7860 for
 * SHA-2): ku receives wn_usm_auth_key_len(a) bytes.  WN_E_INVAL for NONE,
 * a pass phrase shorter than WN_USM_MIN_PASSPHRASE or longer than
 * WN_USM_MAX_PASSPHRASE. */
int wn_usm_password_to_key(enum wn_usm_auth a, const void *pass, size_t pass_len, uint8_t *ku);
/* Localisation: kul = H(ku || engineID || ku), wn_usm_auth_key_len bytes.
 * WN_E_INVAL for an engine ID outside 1..WN_USM_MAX_ENGINE_ID bytes. */
int wn_usm_localize_key(enum wn_usm_auth a, const uint8_t *ku, const uint8_t *engine_id,
                        size_t engine_id_len, uint8_t *kul);
/* Extends a localized priv key in place to what priv p needs, exactly as
 * net-snmp 5.9 does (Blumenthal for AES192/AES256, Reeder for the _REEDER
 * ones; nothing for DES/AES128 or when the key is already long enough).
 * kul holds *len bytes in a buffer of WN_USM_MAX_KEY; *len grows. */
int wn_usm_extend_priv_key(enum wn_usm_auth a, enum wn_usm_priv p, const uint8_t *engine_id,
                           size_t engine_id_len, uint8_t kul[WN_USM_MAX_KEY], size_t *len);

/* Localized keys for one (user, engine). */
struct wn_usm_keys {
    struct wn_usm_keys *next;                /* hash chain (private) */
    uint8_t engine_id[WN_USM_MAX_ENGINE_ID];
    size_t engine_id_len;
    uint8_t auth[WN_USM_MAX_KEY];
    size_t auth_len;
    uint8_t priv[WN_USM_MAX_KEY];           /* extended as the priv protocol needs */
    size_t priv_len;
    /* HMAC keyed with auth once; each message copies it (keying costs two
     * hash blocks, about a third of a message's MAC). */
    struct wn_crypto_hmac mac;
    /* The priv key scheduled once (DES-CBC or AES-CFB; unset without
     * priv): nettle's key schedule is about 1,700 instructions, run for
     * every message before. */
    struct wn_crypto_cipher cipher;
    uint64_t used;                          /* the user's tick at the last use (LRU) */
    int verified;                           /* a received digest checked with these keys */
    int pinned;                             /* given by wn_usm_user_add_keys: never evicted */
};

#define WN_USM_KEY_BUCKETS 64

/* A user's credentials.  The pass phrases are turned into master keys
 * (Ku) once, in wn_usm_user_init, and never kept; localized keys are made
 * once per engine and cached.  Not thread-safe: one owner (the I/O thread)
 * uses it. */
struct wn_usm_user {
    char name[WN_USM_MAX_USER_NAME + 1];
    size_t name_len;
    enum wn_usm_auth auth;
    enum wn_usm_priv priv;
    int have_master;                        /* 0: only localized keys given */
    uint8_t ku_auth[WN_USM_MAX_KEY];
    uint8_t ku_priv[WN_USM_MAX_KEY];
    struct wn_usm_keys *buckets[WN_USM_KEY_BUCKETS];
    size_t cached;
    uint64_t tick;                          /* use counter of the cache's LRU order */
    unsigned long localizations;            /* how many times keys were made */
    unsigned long evictions;                /* entries dropped to make room */
};

/* name: 1..WN_USM_MAX_USER_NAME bytes (borrowed, NUL-terminated).  auth
 * NONE: no pass phrases (noAuthNoPriv); priv NONE: no priv pass phrase.
 * priv without auth is WN_E_INVAL.  Pass phrases borrowed, not kept. */
int wn_usm_user_init(struct wn_usm_user *u, const char *name, enum wn_usm_auth auth,
                     const char *auth_pass, enum wn_usm_priv priv, const char *priv_pass);
/* Same without pass phrases: the caller supplies localized keys per engine
 * with wn_usm_user_add_keys (a database that stores localized keys). */
int wn_usm_user_init_localized(struct wn_usm_user *u, const char *name, enum wn_usm_auth auth,
                               enum wn_usm_priv priv);
/* Stores already-localized keys for one engine (auth_len must be the auth
 * key length; priv_len at least the priv key length, extended by the
 * caller).  Replaces an entry for the same engine. */
int wn_usm_user_add_keys(struct wn_usm_user *u, const uint8_t *engine_id, size_t engine_id_len,
                         const uint8_t *auth_kul, size_t auth_len,
                         const uint8_t *priv_kul, size_t priv_len);
/* The cache holds at most WN_USM_KEY_CACHE_MAX engines per user.  When it
 * is full, a new entry replaces the one used longest ago among those no
 * received digest has verified, else the one used longest ago; entries
 * of wn_usm_user_add_keys are never replaced.  So a flood of forged
 * engine IDs cannot lock legitimate new engines out. */
/* The keys for an engine: from the cache, else localized now (once) and
 * cached.  *out is borrowed from u until the next call that adds to its
 * cache (wn_usm_user_keys, wn_usm_user_keep_keys, wn_usm_user_add_keys) or
 * wn_usm_user_clear.  WN_E_NOTFOUND when the user has no master keys and
 * no entry for this engine; WN_E_LIMIT when every entry is pinned. */
int wn_usm_user_keys(struct wn_usm_user *u, const uint8_t *engine_id, size_t engine_id_len,
                     const struct wn_usm_keys **out);
/* The cached keys for an engine (borrowed as above; marked used), or NULL. */
const struct wn_usm_keys *wn_usm_user_keys_cached(struct wn_usm_user *u,
                                                  const uint8_t *engine_id,
                                                  size_t engine_id_len);
/* Localizes the user's master keys for an engine into *k (the caller's,
 * outside the cache; a secret the caller wipes).  WN_E_NOTFOUND without
 * master keys.  On error *k holds no key. */
int wn_usm_keys_make(struct wn_usm_user *u, const uint8_t *engine_id, size_t engine_id_len,
                     struct wn_usm_keys *k);
/* Copies keys made by wn_usm_keys_make into the cache (verified: a digest
 * checked with them), replacing as described above; *out borrowed. */
int wn_usm_user_keep_keys(struct wn_usm_user *u, const struct wn_usm_keys *made, int verified,
                          const struct wn_usm_keys **out);
/* Marks the cached entry of an engine as having verified a digest. */
void wn_usm_user_keys_verified(struct wn_usm_user *u, const uint8_t *engine_id,
                               size_t engine_id_len);
/* Wipes every key and frees the cache; u may be re-initialised. */
void wn_usm_user_clear(struct wn_usm_user *u);

/* ------------------------------------------------------------------------
 * UsmSecurityParameters (secparams.c).
 *   SEQUENCE { msgAuthoritativeEngineID OCTET STRING,
 *              msgAuthoritativeEngineBoots INTEGER (0..2147483647),
 *              msgAuthoritativeEngineTime INTEGER (0..2147483647),
 *              msgUserName OCTET STRING (SIZE(0..32)),
 *              msgAuthenticationParameters OCTET STRING,
 *              msgPrivacyParameters OCTET STRING }
 * ---------------------------------------------------------------------- */
struct wn_usm_secparams {
    const uint8_t *engine_id;   /* borrowed views (decode) or inputs (encode) */
    size_t engine_id_len;
    uint32_t boots;
    uint32_t time;
    const uint8_t *user;
    size_t user_len;
    const uint8_t *auth;
    size_t auth_len;
    const uint8_t *priv;
    size_t priv_len;
};

/* Decodes the content of msgSecurityParameters (p, len: borrowed; views
 * borrow it).  Checks every length against the limits above: engine ID
 * 0 or 5..32, user 0..32, auth 0..WN_USM_MAX_MAC, priv 0 or 8.  Errors:
 * WN_E_TRUNCATED, WN_E_MALFORMED, WN_E_LIMIT. */
int wn_usm_secparams_decode(const uint8_t *p, size_t len, struct wn_usm_secparams *out);
/* Encodes into buf[0..cap) (at its end, like the BER writer): *out, *out_len.
 * When sp->auth is NULL, sp->auth_len zero bytes are written as the
 * placeholder and *auth_off gets the offset of those bytes in *out. */
int wn_usm_secparams_encode(const struct wn_usm_secparams *sp, uint8_t *buf, size_t cap,
                            const uint8_t **out, size_t *out_len, size_t *auth_off);

/* ------------------------------------------------------------------------
 * Engines and timeliness (process.c).
 * ---------------------------------------------------------------------- */
/* What a non-authoritative engine (a manager) knows of an authoritative
 * one, or an authoritative engine's own clock (the agent role). */
struct wn_usm_engine {
    uint8_t id[WN_USM_MAX_ENGINE_ID];
    size_t id_len;                  /* 0: not discovered yet */
    uint32_t boots;
    uint32_t time;                  /* engine time at synced_ms */
    uint32_t latest_time;           /* latestReceivedEngineTime */
    uint64_t synced_ms;             /* local wn_clock_ms() of the last sync */
    int time_known;
};

/* Sets the engine ID (discovery) and forgets boots/time if it changed. */
int wn_usm_engine_set_id(struct wn_usm_engine *e, const uint8_t *id, size_t len);
/* snmpEngineTime now, as estimated from the last sync. */
uint32_t wn_usm_engine_time_now(const struct wn_usm_engine *e, uint64_t now_ms);
/* Records boots/time from an authenticated message of that engine,
 * unconditionally (a notInTimeWindow report; discovery). */
void wn_usm_engine_sync(struct wn_usm_engine *e, uint32_t boots, uint32_t time, uint64_t now_ms);
/* RFC 3414 3.2 step 7b (we are not authoritative): updates e from an
 * authenticated message when it is newer, then 0 or WN_E_NOTINTIMEWINDOW. */
int wn_usm_timeliness_nonauth(struct wn_usm_engine *e, uint32_t boots, uint32_t time,
                              uint64_t now_ms);
/* RFC 3414 3.2 step 7a (we are authoritative; local is our own engine). */
int wn_usm_timeliness_auth(const struct wn_usm_engine *local, uint32_t boots, uint32_t time,
                           uint64_t now_ms);

/* ------------------------------------------------------------------------
 * Whole messages (process.c).  SNMPv3 msgFlags levels.
 * ---------------------------------------------------------------------- */
#define WN_USM_LEVEL_MASK (WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV)

/* Per-process salt counters (RFC 3414 8.1.1.1, RFC 3826 3.1.2.1): started
 * at random values, incremented per encrypted message.  One owner. */
struct wn_usm_salt {
    uint32_t des;
    uint64_t aes;
};
int wn_usm_salt_init(struct wn_usm_salt *s);

/* An outgoing message.  user may be NULL only for noAuthNoPriv (discovery:
 * empty user name).  engine: the authoritative engine (the agent for a
 * request; ourselves for a trap or a response); id_len 0 for discovery. */
struct wn_usm_out {
    struct wn_usm_user *user;
    const struct wn_usm_engine *engine;
    uint8_t flags;                  /* WN_SNMP_V3_FLAG_* (level | reportable) */
    int32_t msg_id;
    int32_t max_size;
    const struct wn_snmp_scoped_pdu *scoped;
};
/* Encodes, encrypts and authenticates into buf[0..cap) using scratch
 * [0..scratch_cap) for the plaintext ScopedPDU, which it leaves as it
 * found it (the bytes it used are wiped, also on failure); *out (inside buf) and
 * *out_len.  Errors: WN_E_INVAL (level not supported by the user, priv
 * without auth), WN_E_NOSPACE (buf or scratch too small), WN_E_TOOBIG (the
 * message, or the ScopedPDU, over WN_SNMP_MAX_MSG or a contextEngineID /
 * contextName over the codec's limits), the errors of wn_usm_user_keys. */
int wn_usm_encode(const struct wn_usm_out *o, struct wn_usm_salt *salt, uint64_t now_ms,
                  uint8_t *buf, size_t cap, uint8_t *scratch, size_t scratch_cap,
                  const uint8_t **out, size_t *out_len);

/* An incoming message, parsed but not yet checked. */
struct wn_usm_in {
    struct wn_snmp_v3_msg msg;
    struct wn_usm_secparams sp;
    struct wn_snmp_scoped_pdu scoped;   /* valid after wn_usm_process_in */
    const uint8_t *whole;               /* the message (borrowed) */
    size_t whole_len;
};
/* Step 1: decode the message and its USM parameters (views borrow buf).
 * WN_E_UNSUPPORTED for a security model other than USM. */
int wn_usm_parse(const uint8_t *buf, size_t len, struct wn_usm_in *in);
/* Step 2, after the caller looked up the user named in in->sp (user NULL:
 * not found, or a discovery message with an empty name) and the engine.
 * authoritative != 0: engine is our own (the agent role), else our view of
 * the sender (the manager role), updated by the step 7b rules.  Checks, in
 * the order of RFC 3414 3.2: the engine ID (WN_E_UNKNOWNENGINEID; at every
 * level when authoritative, so a discovery probe gets it), the user name
 * (WN_E_UNKNOWNUSERNAME; user NULL only matters from authNoPriv up), the
 * level against the user (WN_E_UNSUPPORTEDSECLEVEL), the digest
 * (WN_E_WRONGDIGEST), the time window (WN_E_NOTINTIMEWINDOW), then
 * decrypts into scratch (WN_E_DECRYPTIONERROR) and decodes the ScopedPDU
 * into in->scoped.  A noAuthNoPriv message passes with user NULL in the
 * manager role (the reports an agent sends before any authentication).
 * After an authPriv message, scratch holds the plaintext that in->scoped
 * views: the caller wipes it (wn_wipe) when done with the PDU. */
int wn_usm_process_in(struct wn_usm_in *in, struct wn_usm_user *user, struct wn_usm_engine *engine,
                      int authoritative, uint64_t now_ms, uint8_t *scratch, size_t scratch_cap);

/* ------------------------------------------------------------------------
 * One request's SNMPv3 exchange with discovery (exchange.c), without I/O:
 * the caller sends what it is told, feeds back the replies (or tells of a
 * timeout after its own retransmissions of that same message), and gets
 * the response or one error.  Sequence (docs/snmpv3.md): engine ID probe,
 * authenticated time sync, the request; one transparent resend after an
 * authenticated notInTimeWindow report, one rediscovery after an
 * unknownEngineID report; after an authPriv request goes unanswered, an
 * authNoPriv probe of the same user, then an authPriv one in the default
 * context (both without varbinds), tell a wrong priv key (the first
 * answered, the second not: WN_E_DECRYPTIONERROR) from a request dropped
 * for another reason or silence (WN_E_TIMEOUT).
 * ---------------------------------------------------------------------- */
/* What we know of one agent (one transport address): shared by every
 * exchange with it.  One owner thread. */
struct wn_usm_peer {
    struct wn_usm_engine engine;        /* id_len 0: not discovered */
    const void *discovering;            /* the exchange running discovery, or NULL */
    unsigned discoveries;               /* engine IDs learnt */
    unsigned time_syncs;                /* authenticated time synchronisations */
    unsigned resyncs;                   /* notInTimeWindow / unknownEngineID recoveries */
};

enum wn_usm_step {
    WN_USM_STEP_SEND = 1,   /* send x->out[0..x->out_len), await msgID x->msg_id */
    WN_USM_STEP_WAIT,       /* another exchange is discovering this peer: start again later */
    WN_USM_STEP_DONE,       /* x->in.scoped.pdu is the response (views: the reply, scratch) */
    WN_USM_STEP_FAIL,       /* x->err says why */
    WN_USM_STEP_IGNORE,     /* the datagram was not for this exchange: keep waiting */
};

/* What an exchange tells its observer (wn_usm_exchange.on_event), for
 * diagnostics: only the steps around the request, never those of a
 * request to a known engine that is answered (err and what as listed;
 * otherwise 0 and NULL). */
enum wn_usm_event {
    WN_USM_EV_DISCOVER = 1, /* the engine ID probe is being sent */
    WN_USM_EV_DISCOVERED,   /* engine ID learnt (x->peer->engine.id); x->in.sp the
                               unauthenticated report's boots and time */
    WN_USM_EV_TIME_SYNCED,  /* the agent's clock learnt, authenticated (x->peer->engine) */
    WN_USM_EV_REPORT,       /* a Report arrived (x->in.scoped.pdu), err its WN_E_* */
    WN_USM_EV_RESYNC,       /* after an authenticated notInTimeWindow report: resending */
    WN_USM_EV_REDISCOVER,   /* after an unknownEngineID report: discovering again */
    WN_USM_EV_DIAG_AUTH,    /* an authPriv request went unanswered: authNoPriv probe */
    WN_USM_EV_DIAG_PRIV,    /* the authNoPriv probe was answered: authPriv probe */
    WN_USM_EV_DIAGNOSED,    /* the diagnosis's conclusion: err WN_E_DECRYPTIONERROR
                               (privacy fails) or WN_E_TIMEOUT (it works, or the agent
                               is silent: what says which) */
    WN_USM_EV_DROPPED,      /* a reply with our msgID dropped: what names what does not
                               match the request ("contextName", "request-id",
                               "security level", "authentication", ...) */
    WN_USM_EV_FAILED,       /* the exchange ends: err; what names the step */
};

struct wn_usm_exchange;
/* The observer: called on the owner's thread, inside the exchange's
 * calls; x is readable, not to be changed.  Must not log secrets (the
 * user's keys, x->scratch). */
typedef void (*wn_usm_event_fn)(const struct wn_usm_exchange *x, enum wn_usm_event ev,
                                int err, const char *what);

struct wn_usm_exchange {
    /* Set by the caller before wn_usm_exchange_start; all borrowed for the
     * exchange's life. */
    wn_usm_event_fn on_event;           /* NULL: none */
    struct wn_usm_peer *peer;
    struct wn_usm_user *user;           /* auth NONE for noAuthNoPriv */
    uint8_t level;                      /* WN_SNMP_V3_FLAG_AUTH / _PRIV */
    struct wn_usm_salt *salt;
    int32_t *msg_ids;                   /* the caller's msgID counter (1..2^31-1) */
    int32_t max_size;                   /* our msgMaxSize */
    /* The request (its request-id stays the same across resends); NULL:
     * discovery only, DONE once the peer is ready. */
    const struct wn_snmp_pdu *pdu;
    const uint8_t *context_name;
    size_t context_name_len;
    /* contextEngineID of the request; length 0: the peer's engine ID. */
    const uint8_t *context_engine_id;
    size_t context_engine_id_len;
    uint8_t *buf;                       /* where messages are encoded */
    size_t buf_cap;
    uint8_t *scratch;                   /* plaintext in and out */
    size_t scratch_cap;
    /* State and results. */
    int phase;
    int32_t msg_id;
    unsigned resends;
    int err;
    const uint8_t *out;
    size_t out_len;
    struct wn_usm_in in;
};

/* Starts (or, after WAIT, restarts) the exchange: SEND, WAIT or FAIL. */
int wn_usm_exchange_start(struct wn_usm_exchange *x, uint64_t now_ms);
/* A datagram from the peer (borrowed; the result's views borrow it until
 * the next call): SEND, DONE, FAIL or IGNORE. */
int wn_usm_exchange_reply(struct wn_usm_exchange *x, const uint8_t *dgram, size_t len,
                          uint64_t now_ms);
/* The last message sent got no answer in the caller's retries: SEND (a
 * priv diagnosis probe) or FAIL. */
int wn_usm_exchange_timeout(struct wn_usm_exchange *x, uint64_t now_ms);
/* Ends an exchange early (cancel, close): releases the peer's discovery. */
void wn_usm_exchange_abort(struct wn_usm_exchange *x);

/* ------------------------------------------------------------------------
 * The SNMPv3 entity string of the untranslated modes (entity.c; grammar in
 * docs/snmpv3.md):
 *     snmpv3:<user>[;<key>=<value>]...@<address>
 * keys level, auth, authpass, authkey, priv, privpass, privkey, engineid,
 * contextengineid (case-insensitive); values with %XX escapes, printable ASCII otherwise;
 * keys and engine ID as 0x<hex>.
 * ---------------------------------------------------------------------- */
#define WN_USM_ENTITY_PREFIX "snmpv3:"
#define WN_USM_MAX_ENTITY_PARAMS 2048   /* bytes between the prefix and the '@' */
#define WN_USM_LEVEL_DEFAULT (-1)       /* level not given: the most the user supports */

struct wn_usm_entity {
    char user[WN_USM_MAX_USER_NAME + 1];
    int level;                          /* WN_USM_LEVEL_DEFAULT or msgFlags level bits */
    enum wn_usm_auth auth;              /* NONE: not given */
    enum wn_usm_priv priv;
    char *authpass;                     /* returned-owned secrets or NULL; */
    char *privpass;                     /*   freed by wn_usm_entity_clear */
    uint8_t authkey[WN_USM_MAX_KEY];    /* localized keys (need engineid) */
    size_t authkey_len;
    uint8_t privkey[WN_USM_MAX_KEY];
    size_t privkey_len;
    uint8_t engine_id[WN_USM_MAX_ENGINE_ID];
    size_t engine_id_len;               /* 0: discover */
    /* contextEngineID of the requests (0: the agent's own engine ID). */
    uint8_t context_engine_id[WN_USM_MAX_ENGINE_ID];
    size_t context_engine_id_len;
    const char *address;                /* borrowed: the input after the '@' */
};

/* "0x" and an even number of hex digits (v[0..n)), 1..max bytes into
 * out, *len.  WN_E_MALFORMED, WN_E_LIMIT over max. */
int wn_usm_hex_parse(const char *v, size_t n, uint8_t *out, size_t max, size_t *len);
/* "noAuthNoPriv" / "authNoPriv" / "authPriv" (any case) -> msgFlags level
 * bits.  0 or WN_E_MALFORMED. */
int wn_usm_level_from_name(const char *v, int *level);
/* msgFlags level bits -> "noAuthNoPriv" / "authNoPriv" / "authPriv"
 * (static); the one inverse of wn_usm_level_from_name. */
const char *wn_usm_level_name(int level);
/* "snmpv3:<user>;level=<level>@<address>" into out[0..cap): user[0..
 * user_len) (1..WN_USM_MAX_USER_NAME bytes, any) with %XX escapes for '%',
 * ';', '@' and bytes outside printable ASCII, so that wn_usm_entity_parse
 * gives back the same user and level.  WN_E_INVAL, WN_E_NOSPACE. */
int wn_usm_entity_format(const char *user, size_t user_len, int level, const char *address,
                         char *out, size_t cap);
/* Parses s (borrowed; e->address points into it).  WN_E_NOTFOUND when s
 * does not start with the prefix (not a v3 string), WN_E_MALFORMED for bad
 * syntax, an unknown key or protocol, a secret without its protocol, priv
 * without auth, localized keys without engineid; WN_E_INVAL for a pass
 * phrase outside WN_USM_MIN_PASSPHRASE..WN_USM_MAX_PASSPHRASE; WN_E_LIMIT
 * past the named limits.  On error e holds no secret. */
int wn_usm_entity_parse(const char *s, struct wn_usm_entity *e);
/* Wipes e and frees its secrets. */
void wn_usm_entity_clear(struct wn_usm_entity *e);
/* Copies s to out[0..cap) without its authpass, privpass, authkey and
 * privkey fields (for logs and SnmpEntityToStr); other strings unchanged.
 * The result parses back to the same user, level, protocols and address.
 * WN_E_NOSPACE when cap is too small. */
int wn_usm_entity_redact(const char *s, char *out, size_t cap);

/* ------------------------------------------------------------------------
 * Reports (report.c): the usmStats counters of RFC 3414 and the MPD
 * counters of RFC 3412.
 * ---------------------------------------------------------------------- */
/* The WN_E_* that a Report PDU stands for, from its first varbind:
 * usmStatsUnsupportedSecLevels -> WN_E_UNSUPPORTEDSECLEVEL,
 * NotInTimeWindows -> WN_E_NOTINTIMEWINDOW, UnknownUserNames ->
 * WN_E_UNKNOWNUSERNAME, UnknownEngineIDs -> WN_E_UNKNOWNENGINEID,
 * WrongDigests -> WN_E_WRONGDIGEST, DecryptionErrors ->
 * WN_E_DECRYPTIONERROR; snmpUnknownSecurityModels -> WN_E_UNKNOWNSECMODEL,
 * snmpInvalidMsgs -> WN_E_INVALIDMSG; anything else (snmpUnknownPDUHandlers,
 * another counter, no varbind) WN_E_REPORT.  WN_E_INVAL: not a Report. */
int wn_usm_report_error(const struct wn_snmp_pdu *report);
/* The name of the counter of a Report (e.g. "usmStatsWrongDigests") and
 * what it means for a manager in a few words (static strings); for
 * another counter or none, "an unknown counter" and NULL. */
const char *wn_usm_report_counter(const struct wn_snmp_pdu *report, const char **meaning);
/* The counter OID (with its .0) an agent puts in the Report for err;
 * *oid borrowed static.  WN_E_INVAL for an error without a counter. */
int wn_usm_report_oid(int err, const uint32_t **oid, size_t *n);

/* snmpUnknownPDUHandlers.0 (RFC 3412), the counter of the Report an engine
 * sends for a request no application of it handles (its contextEngineID
 * is not the engine's own, or its PDU type has no handler); borrowed
 * static, *n its length. */
const uint32_t *wn_usm_unknown_pdu_handlers_oid(size_t *n);

#endif /* WN_USM_H */
