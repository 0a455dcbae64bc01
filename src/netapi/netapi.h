/* netapi.h: contract of the netapi layer (NetSession* logic behind the public lm*.h API). */
#ifndef WN_NETAPI_H
#define WN_NETAPI_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "backend.h"
#include "base.h"

/* ---- errors.c: the one place where failures become NET_API_STATUS ---- */
/* Internal error (negative WN_E_*) -> NET_API_STATUS; 0 -> 0. */
uint32_t wn_netapi_map_err(int err);
/* SMB2 NTSTATUS of a failed request -> NET_API_STATUS. */
uint32_t wn_netapi_map_ntstatus(uint32_t ntstatus);
/* DCE/RPC fault status -> NET_API_STATUS. */
uint32_t wn_netapi_map_fault(uint32_t fault);
/* Failure of an established SMB connection (WN_E_* of the transport):
 * timeout -> ERROR_SEM_TIMEOUT, reset/closed -> ERROR_NETNAME_DELETED,
 * frame over the size limit -> ERROR_INVALID_DATA, anything else (garbage,
 * bad signature) -> ERROR_UNEXP_NET_ERR. */
uint32_t wn_netapi_map_transport(int err);
/* Outcome of a backend call: err == 0 gives wire->werror; otherwise the
 * fault, then "not an SMB server" (ERROR_BAD_NETPATH), then the NTSTATUS,
 * then the transport error, then err decide.  wire may be NULL. */
uint32_t wn_netapi_status(int err, const struct wn_netapi_wire *wire);

/* ---- creds.c: credentials and port from the call / environment ---- */
/* Explicit credentials (copies; NULL user forgets them).  0 or WN_E_NOMEM. */
int wn_netapi_creds_set(const char *user, const char *domain, const char *password);
/* Fills *out (owned; wn_netapi_creds_clear) from, in order: the explicit
 * credentials; NETAPI_USER (+NETAPI_PASSWORD, NETAPI_DOMAIN); then
 * NETAPI_AUTHFILE for what the environment left out (NETAPI_USER +
 * NETAPI_DOMAIN with the password in the authfile works; environment
 * values win field by field); else anonymous (all NULL).  "DOM\\user"
 * is split.  Errors: WN_E_NOMEM; authfile errors as
 * wn_netapi_authfile_load (a line on stderr says why). */
int wn_netapi_creds_resolve(struct wn_netapi_creds *out);
/* Reads an smbclient -A file (username=, password=, domain= lines; '#'
 * and ';' comments).  WN_E_ACCESS when it is a symbolic link, not a
 * regular file, not owned by the effective user, or group or others have
 * any permission on it; WN_E_NOTFOUND when it cannot be opened,
 * WN_E_LIMIT over WN_NETAPI_AUTHFILE_MAX bytes, WN_E_MALFORMED without
 * username.  Every refusal prints one line on stderr naming
 * NETAPI_AUTHFILE (wn_netapi_config_refused). */
int wn_netapi_authfile_load(const char *path, struct wn_netapi_creds *out);
/* One line "netapi: <message>" on stderr for a refused setting, shown at
 * the default log level (only WN_LOG=off hides it). */
void wn_netapi_config_refused(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The parser behind it: text (borrowed, len bytes, need not be
 * NUL-terminated) -> *out (owned; wn_netapi_creds_clear).  WN_E_LIMIT over
 * WN_NETAPI_AUTHFILE_MAX, WN_E_MALFORMED (a line without '=', no
 * username), WN_E_NOMEM.  No I/O. */
int wn_netapi_authfile_parse(const char *text, size_t len, struct wn_netapi_creds *out);
/* Wipes the password, frees everything, zeroes *c.  NULL-safe. */
void wn_netapi_creds_clear(struct wn_netapi_creds *c);
/* NETAPI_SMB_PORT or 445.  WN_E_INVAL (and a line on stderr) when set
 * but not 1..65535. */
int wn_netapi_port_from_env(uint16_t *port);
/* NETAPI_TIMEOUT_MS (per network operation) or 0 = transport default.
 * WN_E_INVAL (and a line on stderr) when set but not
 * 1..WN_NETAPI_TIMEOUT_MAX_MS. */
int wn_netapi_timeout_from_env(unsigned *timeout_ms);
#define WN_NETAPI_TIMEOUT_MAX_MS 3600000u

/* ---- secopts.c: SMB security knobs (docs/netsession.md, "Security") ---- */
struct wn_smb2_opts;
/* Reads NETAPI_ENCRYPT (auto|required|off), NETAPI_SIGNING (on|off),
 * NETAPI_MIN_DIALECT (default 3.0) and NETAPI_ANONYMOUS (off|on) into *o,
 * and checks creds (borrowed): anonymous only when NETAPI_ANONYMOUS=on.
 * WN_E_INVAL for a bad value (one line on stderr names the variable and
 * what it accepts), WN_E_AUTH for a password without a user name or no
 * credentials at all (one line on stderr). */
int wn_netapi_secopts_apply(const struct wn_netapi_creds *creds, struct wn_smb2_opts *o);

#define WN_NETAPI_AUTHFILE_MAX 4096
#define WN_NETAPI_DEFAULT_PORT 445

/* ---- pool.c: connections kept between calls ---- */
/* A connection taken from the pool (or freshly opened) for one call. */
struct wn_netapi_pooled;
enum wn_netapi_keep {
    WN_NETAPI_KEEP_CLOSE,  /* close it now (failed, or may be dead) */
    WN_NETAPI_KEEP_IDLE,   /* keep it for the idle time */
    WN_NETAPI_KEEP_PAGING  /* a resume sequence goes on: keep it at least
                            * WN_NETAPI_RESUME_HOLD_MS, even with idle 0 */
};
/* Hands out an idle connection for the same server, port, timeout and
 * credentials that ops->usable says is still open, else opens one with
 * ops->open (errors and *wire as open's).  Backends without `usable` are
 * never kept.  *out is owned until wn_netapi_pool_give. */
int wn_netapi_pool_take(const struct wn_netapi_backend_ops *ops,
                        const struct wn_netapi_target *t, struct wn_netapi_pooled **out,
                        struct wn_netapi_wire *wire);
/* The backend connection of p (borrowed from p; NULL after a failed reopen). */
void *wn_netapi_pooled_conn(const struct wn_netapi_pooled *p);
/* 1 when p was an idle kept connection (it may have died unnoticed). */
int wn_netapi_pooled_reused(const struct wn_netapi_pooled *p);
/* Drops p's connection without traffic and opens a new one for the same
 * target (after a kept connection turned out dead). */
int wn_netapi_pool_reopen(struct wn_netapi_pooled *p, struct wn_netapi_wire *wire);
/* Takes p back (NULL-safe): kept per `keep`, else closed. */
void wn_netapi_pool_give(struct wn_netapi_pooled *p, enum wn_netapi_keep keep,
                         unsigned idle_ms);
/* Closes every idle connection now (LOGOFF sent). */
void wn_netapi_pool_flush(void);
/* NETAPI_CONN_IDLE_MS or the default; WN_E_INVAL (and a line on stderr)
 * when set but not 0..WN_NETAPI_MAX_IDLE_MS. */
int wn_netapi_idle_from_env(unsigned *idle_ms);
#define WN_NETAPI_DEFAULT_IDLE_MS 30000u
#define WN_NETAPI_MAX_IDLE_MS 3600000u
#define WN_NETAPI_RESUME_HOLD_MS 60000u
#define WN_NETAPI_POOL_MAX 16u

/* ---- text.c: UTF-8 <-> wchar_t (UTF-32) and name helpers ---- */
/* s (borrowed, may be NULL) -> *out owned UTF-8 (wn_free); NULL -> NULL.
 * WN_E_MALFORMED for surrogates / > U+10FFFF, WN_E_NOMEM. */
int wn_netapi_wcs_to_utf8(const wchar_t *s, char **out);
/* Number of wchar_t the UTF-8 string s decodes to, without the NUL
 * (invalid bytes count as one U+FFFD each). */
size_t wn_netapi_utf8_wcslen(const char *s);
/* Decodes s into out (room for wn_netapi_utf8_wcslen(s) + 1), NUL included. */
void wn_netapi_utf8_to_wcs(const char *s, wchar_t *out);
/* Case-insensitive equality of two UTF-8 names over Unicode (simple
 * upper-case mapping per code point, as Windows compares account names;
 * NULL == NULL).  Invalid bytes compare as U+FFFD. */
int wn_netapi_name_eq(const char *a, const char *b);

/* ---- pack.c: one-buffer results ---- */
enum wn_netapi_form { WN_NETAPI_WIDE, WN_NETAPI_UTF8 };
/* Bytes one entry takes in the packed buffer (structure + its strings). */
size_t wn_netapi_entry_size(uint32_t level, enum wn_netapi_form form,
                            const struct wn_netapi_session *s);
/* Packs n entries (borrowed) into one wn_malloc block: *buf owned (free
 * with NetApiBufferFree / wn_free).  n == 0 gives *buf = NULL.  0 or
 * WN_E_NOMEM / WN_E_INVAL (bad level). */
int wn_netapi_pack(uint32_t level, enum wn_netapi_form form,
                   const struct wn_netapi_session *entries, size_t n, uint8_t **buf);

/* ---- session.c: the NetSession* logic, strings UTF-8 (borrowed) ---- */
struct wn_netapi_query {
    const char *server; /* NULL/"" = this host; leading "\\\\" allowed */
    const char *client; /* NULL/"" = any; leading "\\\\" allowed */
    const char *user;   /* NULL/"" = any */
    uint32_t level;
};
uint32_t wn_netapi_session_enum(const struct wn_netapi_query *q, enum wn_netapi_form form,
                                uint8_t **bufptr, uint32_t prefmaxlen, uint32_t *entriesread,
                                uint32_t *totalentries, uint32_t *resume_handle);
uint32_t wn_netapi_session_getinfo(const struct wn_netapi_query *q, enum wn_netapi_form form,
                                   uint8_t **bufptr);
uint32_t wn_netapi_session_del(const struct wn_netapi_query *q);

/* Values put in fields the server did not send when a level is derived
 * from level 1 (see docs/netsession.md). */
#define WN_NETAPI_DERIVED_CLTYPE ""
#define WN_NETAPI_DERIVED_TRANSPORT "\\Device\\NetbiosSmb"
/* Longest server name accepted (bytes of UTF-8). */
#define WN_NETAPI_SERVER_NAME_MAX 255

#endif /* WN_NETAPI_H */
