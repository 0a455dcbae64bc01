/* base.h: contract of the base layer (allocator, errors, byte cursors, bounded buffers, seams). */
#ifndef WN_BASE_H
#define WN_BASE_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------
 * Errors: one internal error language.  Every internal call returns 0 or a
 * negative WN_E_* code.  Wire statuses (NTSTATUS, WERROR, SNMP error-status)
 * are data and never travel through these codes.
 * ---------------------------------------------------------------------- */
#define WN_ERRNO_MAP(XX)                                                    \
    XX(NOMEM, 1, "out of memory")                                           \
    XX(INVAL, 2, "invalid argument")                                        \
    XX(TRUNCATED, 3, "input truncated")                                     \
    XX(MALFORMED, 4, "malformed input")                                     \
    XX(LIMIT, 5, "a named limit was exceeded")                              \
    XX(TIMEOUT, 6, "timed out")                                             \
    XX(AUTH, 7, "authentication failed")                                    \
    XX(CANCELLED, 8, "cancelled")                                           \
    XX(NOSPACE, 9, "output buffer too small")                               \
    XX(NOTFOUND, 10, "not found")                                           \
    XX(EXISTS, 11, "already exists")                                        \
    XX(UNSUPPORTED, 12, "not supported")                                    \
    XX(IO, 13, "I/O error")                                                 \
    XX(CONNREFUSED, 14, "connection refused")                               \
    XX(UNREACHABLE, 15, "host unreachable")                                 \
    XX(CLOSED, 16, "connection closed by peer")                             \
    XX(INUSE, 17, "address in use")                                         \
    XX(ACCESS, 18, "access denied")                                         \
    XX(STATE, 19, "operation not valid in this state")                      \
    XX(SIGNATURE, 20, "signature check failed")                             \
    XX(PROTOCOL, 21, "protocol violation by peer")                          \
    XX(RESOLVE, 22, "name resolution failed")                               \
    XX(BUSY, 23, "resource busy")                                           \
    XX(QFULL, 24, "queue full")                                             \
    XX(TOOBIG, 25, "message too big")                                       \
    XX(NOEQUIV, 26, "no equivalent in the target protocol version")         \
    XX(BADVALUE, 27, "value of an invalid type")                            \
    XX(CONFIG, 28, "configuration (file or setting) invalid")               \
    XX(UNKNOWNENGINEID, 29, "SNMPv3: unknown engine ID (usmStatsUnknownEngineIDs)") \
    XX(UNKNOWNUSERNAME, 30, "SNMPv3: unknown user name (usmStatsUnknownUserNames)") \
    XX(WRONGDIGEST, 31, "SNMPv3: wrong digest, bad auth key (usmStatsWrongDigests)") \
    XX(DECRYPTIONERROR, 32, "SNMPv3: decryption error, bad priv key (usmStatsDecryptionErrors)") \
    XX(UNSUPPORTEDSECLEVEL, 33, "SNMPv3: unsupported security level (usmStatsUnsupportedSecLevels)") \
    XX(NOTINTIMEWINDOW, 34, "SNMPv3: not in time window (usmStatsNotInTimeWindows)") \
    XX(UNKNOWNSECMODEL, 35, "SNMPv3: unknown security model (snmpUnknownSecurityModels)") \
    XX(INVALIDMSG, 36, "SNMPv3: invalid message (snmpInvalidMsgs)")         \
    XX(REPORT, 37, "SNMPv3: a report other than usmStats, snmpUnknownSecurityModels, snmpInvalidMsgs")

enum wn_err {
    WN_OK = 0,
#define WN_E_ENUM_(name, num, msg) WN_E_##name = -(num),
    WN_ERRNO_MAP(WN_E_ENUM_)
#undef WN_E_ENUM_
};

/* Returns a static string; never NULL. */
const char *wn_strerror(int err);
/* Returns the symbolic name ("WN_E_NOMEM"); never NULL. */
const char *wn_errname(int err);

/* ------------------------------------------------------------------------
 * Allocation: everything goes through these so that tests can fail the
 * N-th allocation.  wn_free(NULL) is a no-op.
 * ---------------------------------------------------------------------- */
void *wn_malloc(size_t n);
void *wn_calloc(size_t count, size_t size);   /* overflow-checked */
void *wn_realloc(void *p, size_t n);
void wn_free(void *p);
char *wn_strdup(const char *s);               /* returns owned; wn_free */
void *wn_memdup(const void *p, size_t n);     /* returns owned; wn_free */

/* Fault injection.  wn_alloc_fail_after(n): the allocation after the next
 * n successful ones fails, and every later one too until reset;
 * n < 0 disables.  WN_ALLOC_FAIL=N in the environment has the same effect
 * from the start.  wn_alloc_count() counts calls since the last reset.
 * Until the first call of either (or WN_ALLOC_FAIL), the seam is off and
 * costs one relaxed load per allocation: nothing is counted. */
void wn_alloc_fail_after(long n);
unsigned long wn_alloc_count(void);
/* For an allocator of its own (a cache of freed objects): 1 when the seam
 * says this allocation fails, counted like a wn_malloc, so a cache hit
 * fails where the allocation it saves would have. */
int wn_alloc_seam_fails(void);

/* 1 in builds with AddressSanitizer: caches of freed memory keep nothing
 * there, so that a use after free is still reported. */
#if defined(__SANITIZE_ADDRESS__)
#define WN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WN_ASAN 1
#endif
#endif
#ifndef WN_ASAN
#define WN_ASAN 0
#endif

/* Overwrites memory the compiler cannot elide (for keys and passwords). */
void wn_wipe(void *p, size_t n);
/* Wipes then frees a NUL-terminated secret. */
void wn_free_secret(char *s);
/* Constant-time compare: 0 when equal. */
int wn_memeq_ct(const void *a, const void *b, size_t n);

/* ------------------------------------------------------------------------
 * Read cursor over untrusted bytes.  Reads past `end` set a sticky err
 * (WN_E_TRUNCATED) and return zeros; check err before using a decoded
 * length to allocate, loop or index.
 * ---------------------------------------------------------------------- */
struct wn_rbuf {
    const uint8_t *start;
    const uint8_t *p;
    const uint8_t *end;
    int err;
};

/* The three every decoder calls per field are inline. */
static inline void
wn_rbuf_init(struct wn_rbuf *r, const void *buf, size_t len)
{
    r->start = (const uint8_t *)buf;
    r->p = r->start;
    r->end = buf ? r->start + len : r->start;
    r->err = 0;
}
static inline size_t
wn_rbuf_left(const struct wn_rbuf *r)
{
    return r->err ? 0 : (size_t)(r->end - r->p);
}
static inline size_t
wn_rbuf_pos(const struct wn_rbuf *r)
{
    return (size_t)(r->p - r->start);
}
uint8_t wn_rbuf_u8(struct wn_rbuf *r);
uint16_t wn_rbuf_u16le(struct wn_rbuf *r);
uint32_t wn_rbuf_u32le(struct wn_rbuf *r);
uint64_t wn_rbuf_u64le(struct wn_rbuf *r);
uint16_t wn_rbuf_u16be(struct wn_rbuf *r);
uint32_t wn_rbuf_u32be(struct wn_rbuf *r);
/* Returns a view of n bytes (borrowed from the buffer) or NULL + err. */
const uint8_t *wn_rbuf_view(struct wn_rbuf *r, size_t n);
void wn_rbuf_copy(struct wn_rbuf *r, void *dst, size_t n);
void wn_rbuf_skip(struct wn_rbuf *r, size_t n);
/* Skips to the next multiple of `align` measured from `start`. */
void wn_rbuf_align(struct wn_rbuf *r, size_t align);
/* Moves to absolute offset off from start (bounds-checked). */
void wn_rbuf_seek(struct wn_rbuf *r, size_t off);
/* Sets err if not already set; returns the (sticky) err. */
int wn_rbuf_fail(struct wn_rbuf *r, int err);

/* ------------------------------------------------------------------------
 * Write cursor into a caller-provided buffer.  Writes past the end set a
 * sticky err (WN_E_NOSPACE) and write nothing.
 * ---------------------------------------------------------------------- */
struct wn_wbuf {
    uint8_t *start;
    uint8_t *p;
    uint8_t *end;
    int err;
};

void wn_wbuf_init(struct wn_wbuf *w, void *buf, size_t cap);
size_t wn_wbuf_len(const struct wn_wbuf *w);
size_t wn_wbuf_left(const struct wn_wbuf *w);
void wn_wbuf_u8(struct wn_wbuf *w, uint8_t v);
void wn_wbuf_u16le(struct wn_wbuf *w, uint16_t v);
void wn_wbuf_u32le(struct wn_wbuf *w, uint32_t v);
void wn_wbuf_u64le(struct wn_wbuf *w, uint64_t v);
void wn_wbuf_u16be(struct wn_wbuf *w, uint16_t v);
void wn_wbuf_u32be(struct wn_wbuf *w, uint32_t v);
void wn_wbuf_bytes(struct wn_wbuf *w, const void *src, size_t n);
void wn_wbuf_zeros(struct wn_wbuf *w, size_t n);
/* Pads with zeros to a multiple of `align` from start. */
void wn_wbuf_align(struct wn_wbuf *w, size_t align);
/* Reserves n bytes and returns a pointer to fill later, or NULL + err. */
uint8_t *wn_wbuf_reserve(struct wn_wbuf *w, size_t n);

/* ------------------------------------------------------------------------
 * Bounded growable buffer (curl's dynbuf): appending past `max` fails
 * with WN_E_LIMIT and frees the contents.  Every maximum is a named
 * constant at its user.
 * ---------------------------------------------------------------------- */
struct wn_dynbuf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max;
};

void wn_dynbuf_init(struct wn_dynbuf *b, size_t max);     /* cannot fail */
int wn_dynbuf_add(struct wn_dynbuf *b, const void *p, size_t n);
int wn_dynbuf_add_zeros(struct wn_dynbuf *b, size_t n);
/* Makes room for n more bytes and returns where they go (len grows by n). */
int wn_dynbuf_grow(struct wn_dynbuf *b, size_t n, uint8_t **out);
void wn_dynbuf_reset(struct wn_dynbuf *b);                 /* len = 0, keeps memory */
void wn_dynbuf_free(struct wn_dynbuf *b);                  /* idempotent */
/* Like free, but wipes the contents first (secrets). */
void wn_dynbuf_free_secret(struct wn_dynbuf *b);
/* Hands the data over: returns owned (wn_free), leaves b empty. */
uint8_t *wn_dynbuf_take(struct wn_dynbuf *b, size_t *len);

/* ------------------------------------------------------------------------
 * Seams: clock and randomness, replaceable by tests.
 * ---------------------------------------------------------------------- */
/* Monotonic milliseconds. */
uint64_t wn_clock_ms(void);
/* Wall clock as Windows FILETIME (100 ns since 1601-01-01). */
uint64_t wn_clock_filetime(void);
/* Fills buf with cryptographically strong random bytes; 0 or WN_E_IO. */
int wn_random(void *buf, size_t n);
/* Test hooks: a NULL function restores the default. */
typedef uint64_t (*wn_clock_fn)(void);
void wn_clock_set_filetime_source(wn_clock_fn fn);
/* Replaces the monotonic clock of wn_clock_ms (tests that move time:
 * every timer and time check of the process follows it). */
void wn_clock_set_ms_source(wn_clock_fn fn);
typedef int (*wn_random_fn)(void *buf, size_t n);
void wn_random_set_source(wn_random_fn fn);

/* ------------------------------------------------------------------------
 * Logging: off unless WN_LOG=debug|info|warn|error.  Never pass secrets.
 * ---------------------------------------------------------------------- */
enum wn_log_level { WN_LOG_DEBUG, WN_LOG_INFO, WN_LOG_WARN, WN_LOG_ERROR, WN_LOG_OFF };
void wn_log(enum wn_log_level lvl, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* 1 when wn_log at lvl would write: for callers that must prepare a
 * message (hex, names) before logging it, so that they do no work when
 * the level is off.  One atomic load once WN_LOG has been read. */
int wn_log_enabled(enum wn_log_level lvl);

/* A flood limit for one kind of debug line: at most `lines` per
 * `window_ms`, so that a flood of bad input cannot fill a disk.  The
 * lines left out are counted and said in one line ("N more <what> not
 * logged ...") when the next window opens, or at wn_log_limit_flush.
 * Any thread; statically initialised with WN_LOG_LIMIT_INIT. */
struct wn_log_limit {
    const char *what;          /* the lines' subject in the summary line */
    unsigned lines, window_ms;
    _Atomic uint64_t start;    /* wn_clock_ms() + 1 when the window opened; 0: none open */
    _Atomic unsigned used;     /* lines admitted in it */
    _Atomic unsigned long left_out;   /* lines refused in it */
};
#define WN_LOG_LIMIT_INIT(what_, lines_, window_ms_) {(what_), (lines_), (window_ms_), 0, 0, 0}
/* 1 when one more line may be written now (call only when the level is
 * enabled); may first write the summary of the window before. */
int wn_log_limit_admit(struct wn_log_limit *l, const char *module);
/* Writes the summary of the open window, if lines were left out, and
 * closes it. */
void wn_log_limit_flush(struct wn_log_limit *l, const char *module);

/* Parse-failure helper (lwIP style): log the failed expression, count it,
 * and return the error from the enclosing function. */
extern unsigned long wn_parse_errors;  /* process-wide counter, atomic adds */
void wn_count_parse_error(const char *module, const char *expr, const char *file, int line);
#define WN_PARSE_CHECK(module, cond, err)                                   \
    do {                                                                    \
        if (!(cond)) {                                                      \
            wn_count_parse_error((module), #cond, __FILE__, __LINE__);      \
            return (err);                                                   \
        }                                                                   \
    } while (0)

/* Value of one hexadecimal digit (either case), or -1 (rbuf.c). */
int wn_hexval(char c);

/* Small helpers. */
#define WN_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define WN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define WN_MAX(a, b) ((a) > (b) ? (a) : (b))
/* A thread-local variable of the libraries: the initial-exec model makes
 * each access one instruction instead of a __tls_get_addr call (the few
 * bytes come from the static TLS block glibc keeps for libraries). */
#define WN_THREAD_LOCAL _Thread_local __attribute__((tls_model("initial-exec")))

/* ------------------------------------------------------------------------
 * UTF-16 (utf16.c).  Windows wire strings are UTF-16LE; ours are UTF-8 or,
 * at the public API, wchar_t (UTF-32 on Linux).  The *_to_utf16le and
 * *_to_utf8 functions APPEND to `out` (borrowed; caller frees it) and write
 * no terminator of their own except where said.
 * ---------------------------------------------------------------------- */
/* UTF-8 (s: borrowed, len bytes, NUL not needed) -> UTF-16LE.  Rejects
 * invalid UTF-8 (overlong forms, surrogates, > U+10FFFF, truncated or
 * stray bytes) with WN_E_MALFORMED and leaves out->len as it was; a U+0000
 * inside len is converted like any other character.  WN_E_LIMIT/NOMEM from
 * the dynbuf free it (see wn_dynbuf_grow). */
int wn_utf8_to_utf16le(const char *s, size_t len, struct wn_dynbuf *out);
/* UTF-16LE (p: borrowed, nbytes) -> UTF-8.  Stops at the first U+0000 unit
 * or at nbytes.  Never fails on content: an unpaired surrogate or a
 * trailing odd byte becomes U+FFFD (EF BF BD).  On success out->data is
 * followed by a NUL byte that out->len does not count, so it is a C string. */
int wn_utf16le_to_utf8(const uint8_t *p, size_t nbytes, struct wn_dynbuf *out);
/* NUL-terminated wchar_t string (borrowed; UTF-32) -> UTF-16LE, without a
 * terminator.  Rejects surrogates, negative values and > U+10FFFF with
 * WN_E_MALFORMED (out->len restored). */
int wn_wcs_to_utf16le(const wchar_t *s, struct wn_dynbuf *out);
/* UTF-16LE -> wchar_t, snprintf-style: returns the number of wchar_t the
 * whole string needs, excluding the NUL (surrogate pairs decode to one
 * wchar_t; stops at the first U+0000 unit; unpaired surrogates and a
 * trailing odd byte become U+FFFD).  Writes at most cap-1 characters plus
 * a NUL when out != NULL and cap > 0, so truncation <=> return >= cap.
 * p may be NULL only with nbytes == 0. */
size_t wn_utf16le_to_wcs(const uint8_t *p, size_t nbytes, wchar_t *out, size_t cap);
/* Simple (1:1, locale-free) upper-casing of one UTF-16 code unit, as NTLM
 * needs for NTOWFv2(UPPER(user)).  Covered: ASCII, Latin-1 (U+00FF ->
 * U+0178, U+00B5 -> U+039C), Latin Extended-A, basic Greek and Cyrillic
 * lower-case letters, fullwidth a-z.  Every other unit (incl. surrogates,
 * U+00DF sharp s, U+017F long s) is returned unchanged: a documented limit. */
uint16_t wn_utf16_toupper(uint16_t c);
/* Upper-cases a UTF-16LE buffer in place with wn_utf16_toupper (a trailing
 * odd byte is left alone). */
void wn_utf16le_upper(uint8_t *p, size_t nbytes);

/* The mutex with inline fast paths (lock.h, lock.c). */
#include "lock.h"

#endif /* WN_BASE_H */
