/* session.c: NetSession* logic: validation, level fallback, client-side filters, paging, packing. */
#include <string.h>

#include "netapi.h"

#include "lmcons.h"
#include "lmerr.h"

/* One connection's worth of state for a call. */
struct call {
    const struct wn_netapi_backend_ops *ops;
    struct wn_netapi_pooled *pooled; /* owned until call_close */
    void *conn;                      /* borrowed from pooled */
    unsigned idle_ms;
    char *client_wire; /* "\\\\name" or NULL; owned */
    const char *client; /* name without backslashes or NULL; borrowed */
    const char *user;   /* NULL = any; borrowed */
};

static int
level_ok(uint32_t level)
{
    return level == 0 || level == 1 || level == 2 || level == 10 || level == 502;
}

static const char *
strip_unc(const char *s)
{
    if (s == NULL)
        return NULL;
    while (*s == '\\')
        s++;
    return *s == '\0' ? NULL : s;
}

/* A client name given as backslashes alone ("\\\\") names no computer:
 * it must not widen to "every client" (with NetSessionDel that would
 * delete every session of the user).  NULL and "" still mean "any". */
static int
client_bad(const char *s)
{
    return s != NULL && *s != '\0' && strip_unc(s) == NULL;
}

/* Validates and normalises the server name; *host borrowed from q or a
 * literal.  Returns 0 or a NET_API_STATUS. */
static uint32_t
server_host(const char *server, const char **host)
{
    const char *s = server;
    size_t i;

    *host = "127.0.0.1";
    if (s == NULL || *s == '\0')
        return NERR_Success;
    if (s[0] == '\\') {
        if (s[1] != '\\')
            return NERR_InvalidComputer;
        s += 2;
    }
    if (*s == '\0' || strlen(s) > WN_NETAPI_SERVER_NAME_MAX)
        return NERR_InvalidComputer;
    for (i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == '\\' || c == '/' || c == '*' || c == '?' || c == '"' ||
            c == '<' || c == '>' || c == '|')
            return NERR_InvalidComputer;
    }
    *host = s;
    return NERR_Success;
}

static void
call_close(struct call *c, enum wn_netapi_keep keep)
{
    wn_netapi_pool_give(c->pooled, keep, c->idle_ms);
    c->pooled = NULL;
    c->conn = NULL;
    wn_free(c->client_wire);
    c->client_wire = NULL;
}

static uint32_t
call_open(struct call *c, const struct wn_netapi_query *q)
{
    struct wn_netapi_creds creds;
    struct wn_netapi_target target;
    struct wn_netapi_wire wire;
    const char *host;
    uint32_t st;
    int rc;

    memset(c, 0, sizeof(*c));
    c->ops = wn_netapi_get_backend();
    c->client = strip_unc(q->client);
    c->user = (q->user != NULL && *q->user != '\0') ? q->user : NULL;
    st = server_host(q->server, &host);
    if (st != NERR_Success)
        return st;
    if (c->client != NULL) {
        size_t n = strlen(c->client);
        c->client_wire = wn_malloc(n + 3);
        if (c->client_wire == NULL)
            return ERROR_NOT_ENOUGH_MEMORY;
        c->client_wire[0] = '\\';
        c->client_wire[1] = '\\';
        memcpy(c->client_wire + 2, c->client, n + 1);
    }
    memset(&target, 0, sizeof(target));
    target.server = host;
    rc = wn_netapi_port_from_env(&target.port);
    if (rc == 0)
        rc = wn_netapi_timeout_from_env(&target.timeout_ms);
    if (rc == 0)
        rc = wn_netapi_idle_from_env(&c->idle_ms);
    if (rc != 0) {
        call_close(c, WN_NETAPI_KEEP_CLOSE);
        return ERROR_BAD_ENVIRONMENT;
    }
    rc = wn_netapi_creds_resolve(&creds);
    if (rc != 0) {
        call_close(c, WN_NETAPI_KEEP_CLOSE);
        /* An authfile that is missing or refused is a local configuration
         * error, reported before anything goes on the wire, with a code
         * of its own (never ERROR_ACCESS_DENIED, which is the server's). */
        if (rc == WN_E_NOMEM)
            return ERROR_NOT_ENOUGH_MEMORY;
        return rc == WN_E_NOTFOUND ? ERROR_FILE_NOT_FOUND : ERROR_BAD_ENVIRONMENT;
    }
    target.creds = &creds;
    memset(&wire, 0, sizeof(wire));
    rc = wn_netapi_pool_take(c->ops, &target, &c->pooled, &wire);
    wn_netapi_creds_clear(&creds);
    if (rc != 0) {
        c->pooled = NULL;
        call_close(c, WN_NETAPI_KEEP_CLOSE);
        return wn_netapi_status(rc, &wire);
    }
    c->conn = wn_netapi_pooled_conn(c->pooled);
    return NERR_Success;
}

/* The connection failed underneath the call (dropped, reset, gone). */
static int
dropped(int rc, const struct wn_netapi_wire *wire)
{
    if (rc == 0 || wire->fault != 0)
        return 0;
    return rc == WN_E_CLOSED || rc == WN_E_IO || rc == WN_E_STATE;
}

/* One enumeration request.  A kept connection the server closed while it
 * was idle (unnoticed: the close raced our check) is replaced once by a
 * fresh one; a fresh connection that fails is an error. */
static int
enum_request(struct call *c, uint32_t level, uint32_t *resume, struct wn_netapi_raw_result *out,
             struct wn_netapi_wire *wire)
{
    int rc = c->ops->session_enum(c->conn, level, c->client_wire, c->user,
                                  MAX_PREFERRED_LENGTH, resume, out, wire);
    if (dropped(rc, wire) && wn_netapi_pooled_reused(c->pooled)) {
        wn_log(WN_LOG_DEBUG, "netapi", "kept connection was closed by the server: reconnecting");
        memset(wire, 0, sizeof(*wire));
        rc = wn_netapi_pool_reopen(c->pooled, wire);
        c->conn = wn_netapi_pooled_conn(c->pooled);
        if (rc == 0)
            rc = c->ops->session_enum(c->conn, level, c->client_wire, c->user,
                                      MAX_PREFERRED_LENGTH, resume, out, wire);
    }
    return rc;
}

/* Fills the fields a level-1 answer lacks for the level asked for. */
static int
derive(struct wn_netapi_raw_result *r, struct wn_netapi_session *s, uint32_t level)
{
    if ((level == 2 || level == 502) && s->cltype_name == NULL &&
        wn_netapi_raw_result_strdup(r, WN_NETAPI_DERIVED_CLTYPE, &s->cltype_name) != 0)
        return WN_E_NOMEM;
    if (level == 502 && s->transport == NULL &&
        wn_netapi_raw_result_strdup(r, WN_NETAPI_DERIVED_TRANSPORT, &s->transport) != 0)
        return WN_E_NOMEM;
    return 0;
}

/* Orders entries by client name, then user name, ties kept in server
 * order (a merge sort: stable).  A resume handle is an index into this
 * order, so it does not depend on the order the server happens to list
 * its sessions in from one call to the next. */
static int
entry_cmp(const struct wn_netapi_session *a, const struct wn_netapi_session *b)
{
    int r = strcmp(a->cname != NULL ? a->cname : "", b->cname != NULL ? b->cname : "");
    if (r == 0)
        r = strcmp(a->username != NULL ? a->username : "",
                   b->username != NULL ? b->username : "");
    return r;
}

static int
stable_order(struct wn_netapi_raw_result *r)
{
    struct wn_netapi_session *tmp;
    struct wn_netapi_session *src = r->entries;
    struct wn_netapi_session *dst;
    size_t n = r->count;
    size_t width;

    if (n < 2)
        return 0;
    tmp = wn_malloc(n * sizeof(*tmp));
    if (tmp == NULL)
        return WN_E_NOMEM;
    dst = tmp;
    for (width = 1; width < n; width *= 2) {
        size_t lo;
        for (lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = entry_cmp(&src[j], &src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        struct wn_netapi_session *swap = src;
        src = dst;
        dst = swap;
    }
    if (src != r->entries)
        memcpy(r->entries, src, n * sizeof(*src));
    wn_free(tmp);
    return 0;
}

/* Gathers every session at `level` (following the server's own paging),
 * falling back to level 1 when the server refuses 2, 10 or 502.
 * Returns a NET_API_STATUS; on success *all holds the entries. */
static uint32_t
fetch_all(struct call *c, uint32_t level, struct wn_netapi_raw_result *all)
{
    uint32_t ask = level;
    uint32_t resume = 0;
    int fell_back = 0;
    uint32_t i;

    memset(all, 0, sizeof(*all));
    for (;;) {
        struct wn_netapi_raw_result part;
        struct wn_netapi_wire wire;
        int rc;

        memset(&part, 0, sizeof(part));
        memset(&wire, 0, sizeof(wire));
        rc = enum_request(c, ask, &resume, &part, &wire);
        if (rc == 0 && wire.werror == ERROR_INVALID_LEVEL && !fell_back && ask != 1 &&
            (level == 2 || level == 10 || level == 502) && all->count == 0) {
            wn_netapi_raw_result_free(&part);
            ask = 1;
            fell_back = 1;
            resume = 0;
            continue;
        }
        if (rc != 0 || (wire.werror != NERR_Success && wire.werror != ERROR_MORE_DATA)) {
            wn_netapi_raw_result_free(&part);
            wn_netapi_raw_result_free(all);
            return wn_netapi_status(rc, &wire);
        }
        /* Entries of another level than asked carry other fields: a
         * server answering so is not believed (filters would misfire). */
        if (part.count > 0 && part.level != ask) {
            wn_netapi_raw_result_free(&part);
            wn_netapi_raw_result_free(all);
            return RPC_X_BAD_STUB_DATA;
        }
        for (i = 0; i < part.count; i++) {
            rc = wn_netapi_raw_result_add(all, &part.entries[i]);
            if (rc != 0) {
                wn_netapi_raw_result_free(&part);
                wn_netapi_raw_result_free(all);
                return wn_netapi_map_err(rc);
            }
        }
        /* A server that says "more" but sends nothing, or does not move
         * its resume handle on, would loop (re-reading the same page). */
        if (wire.werror == ERROR_MORE_DATA &&
            (part.count == 0 || part.resume_handle == resume)) {
            wn_netapi_raw_result_free(&part);
            wn_netapi_raw_result_free(all);
            return RPC_X_BAD_STUB_DATA;
        }
        resume = part.resume_handle;
        wn_netapi_raw_result_free(&part);
        if (wire.werror == NERR_Success)
            break;
    }
    all->level = level;
    if (stable_order(all) != 0) {
        wn_netapi_raw_result_free(all);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (fell_back) {
        for (i = 0; i < all->count; i++) {
            if (derive(all, &all->entries[i], level) != 0) {
                wn_netapi_raw_result_free(all);
                return ERROR_NOT_ENOUGH_MEMORY;
            }
        }
    }
    return NERR_Success;
}

/* Keeps the entries that match the client and user filters, in server
 * order (moves them to the front of r).  Returns NERR_Success, or
 * NERR_ClientNameNotFound / NERR_UserNotFound when a filter matched
 * nothing (with no entries at all and no filter: success, empty). */
static uint32_t
apply_filters(const struct call *c, struct wn_netapi_raw_result *r, uint32_t *nkept)
{
    uint32_t kept = 0;
    uint32_t client_hits = 0;
    uint32_t i;

    for (i = 0; i < r->count; i++) {
        struct wn_netapi_session *s = &r->entries[i];
        int client_ok = c->client == NULL || wn_netapi_name_eq(strip_unc(s->cname), c->client);
        int user_ok = c->user == NULL || wn_netapi_name_eq(s->username, c->user);

        client_hits += client_ok ? 1u : 0u;
        if (client_ok && user_ok) {
            struct wn_netapi_session tmp = r->entries[kept];
            r->entries[kept] = *s;
            *s = tmp;
            kept++;
        }
    }
    *nkept = kept;
    if (kept == 0 && c->client != NULL && client_hits == 0)
        return NERR_ClientNameNotFound;
    if (kept == 0 && c->user != NULL)
        return NERR_UserNotFound;
    /* The non-matching entries stay past `kept` so raw_result_free still
     * releases them; only the count the caller looks at changes. */
    return NERR_Success;
}

/* Fetches, filters; *kept = number of matching entries at the front. */
static uint32_t
matching(struct call *c, uint32_t level, struct wn_netapi_raw_result *all, uint32_t *kept)
{
    /* Level 0 has no user name to filter on: ask for level 10 instead. */
    uint32_t ask = (level == 0 && c->user != NULL) ? 10 : level;
    uint32_t st = fetch_all(c, ask, all);

    *kept = 0;
    if (st != NERR_Success)
        return st;
    st = apply_filters(c, all, kept);
    if (st != NERR_Success)
        wn_netapi_raw_result_free(all);
    return st;
}

uint32_t
wn_netapi_session_enum(const struct wn_netapi_query *q, enum wn_netapi_form form,
                       uint8_t **bufptr, uint32_t prefmaxlen, uint32_t *entriesread,
                       uint32_t *totalentries, uint32_t *resume_handle)
{
    struct wn_netapi_raw_result all;
    struct call c;
    uint32_t kept;
    uint32_t start;
    uint32_t end;
    size_t used = 0;
    uint32_t st;
    int rc;

    if (bufptr == NULL || entriesread == NULL || totalentries == NULL)
        return ERROR_INVALID_PARAMETER;
    *bufptr = NULL;
    *entriesread = 0;
    *totalentries = 0;
    if (client_bad(q->client))
        return ERROR_INVALID_PARAMETER;
    if (!level_ok(q->level))
        return ERROR_INVALID_LEVEL;
    st = call_open(&c, q);
    if (st != NERR_Success)
        return st;
    st = matching(&c, q->level, &all, &kept);
    if (st != NERR_Success) {
        call_close(&c, WN_NETAPI_KEEP_IDLE);
        return st;
    }

    start = resume_handle != NULL ? *resume_handle : 0;
    if (start >= kept) {
        /* Past the end (or nothing there): an empty, final answer. */
        call_close(&c, WN_NETAPI_KEEP_IDLE);
        wn_netapi_raw_result_free(&all);
        if (resume_handle != NULL)
            *resume_handle = 0;
        return NERR_Success;
    }
    /* Whole entries only, and always at least one so a paging loop
     * advances even when prefmaxlen is smaller than one entry. */
    end = start;
    while (end < kept) {
        size_t sz = wn_netapi_entry_size(q->level, form, &all.entries[end]);
        if (end > start && prefmaxlen != MAX_PREFERRED_LENGTH && used + sz > prefmaxlen)
            break;
        used += sz;
        end++;
    }
    rc = wn_netapi_pack(q->level, form, all.entries + start, end - start, bufptr);
    wn_netapi_raw_result_free(&all);
    /* The caller will come back for the rest only with a resume handle:
     * keep this connection (and so our own session, which is in the list)
     * for the whole sequence, so that the list does not shift under it. */
    call_close(&c, rc == 0 && end < kept && resume_handle != NULL ? WN_NETAPI_KEEP_PAGING
                                                                 : WN_NETAPI_KEEP_IDLE);
    if (rc != 0)
        return wn_netapi_map_err(rc);
    *entriesread = end - start;
    *totalentries = kept - start;
    if (end < kept) {
        if (resume_handle != NULL)
            *resume_handle = end;
        return ERROR_MORE_DATA;
    }
    if (resume_handle != NULL)
        *resume_handle = 0;
    return NERR_Success;
}

uint32_t
wn_netapi_session_getinfo(const struct wn_netapi_query *q, enum wn_netapi_form form,
                          uint8_t **bufptr)
{
    struct wn_netapi_raw_result all;
    struct call c;
    uint32_t kept;
    uint32_t st;
    int rc;

    if (bufptr == NULL)
        return ERROR_INVALID_PARAMETER;
    *bufptr = NULL;
    if (strip_unc(q->client) == NULL || q->user == NULL || *q->user == '\0')
        return ERROR_INVALID_PARAMETER;
    if (q->level == 502 || !level_ok(q->level))
        return ERROR_INVALID_LEVEL;
    st = call_open(&c, q);
    if (st != NERR_Success)
        return st;
    st = matching(&c, q->level, &all, &kept);
    call_close(&c, WN_NETAPI_KEEP_IDLE);
    if (st != NERR_Success)
        return st;
    /* Several sessions can match: the first in server order, as ReactOS. */
    rc = wn_netapi_pack(q->level, form, all.entries, kept > 0 ? 1 : 0, bufptr);
    wn_netapi_raw_result_free(&all);
    if (rc != 0)
        return wn_netapi_map_err(rc);
    return kept > 0 ? NERR_Success : NERR_ClientNameNotFound;
}

/* What a fresh connection shows after the connection dropped under a
 * NetrSessionDel. */
enum del_outcome {
    DEL_UNKNOWN,   /* cannot tell (the enumeration failed) */
    DEL_REMAINS,   /* a matching session older than the drop is still there */
    DEL_DONE,      /* sessions match, all younger than the drop (ours, new) */
    DEL_NO_MATCH   /* no session matches at all, not even our new one */
};

/* After the connection dropped under a NetrSessionDel: on a fresh
 * connection, did the deletion happen?  It did when sessions match the
 * filters but none is older than the drop (our own new session is
 * younger): the deletion matched our own session.  When nothing matches,
 * our own session was not among those deleted, so the drop says nothing
 * about whether the deletion ran. */
static enum del_outcome
deletion_happened(struct call *c, uint64_t dropped_at_ms)
{
    struct wn_netapi_raw_result all;
    uint32_t kept;
    uint32_t i;
    uint32_t st = matching(c, 10, &all, &kept);
    uint64_t age_s = (wn_clock_ms() - dropped_at_ms) / 1000u + 1u;
    int old = 0;

    if (st == NERR_ClientNameNotFound || st == NERR_UserNotFound)
        return DEL_NO_MATCH;
    if (st != NERR_Success)
        return DEL_UNKNOWN;
    for (i = 0; i < kept; i++)
        old += all.entries[i].time > age_s;
    wn_netapi_raw_result_free(&all);
    if (kept == 0)
        return DEL_NO_MATCH;
    return old == 0 ? DEL_DONE : DEL_REMAINS;
}

uint32_t
wn_netapi_session_del(const struct wn_netapi_query *q)
{
    struct wn_netapi_wire wire;
    struct call c;
    uint32_t st;
    int rc;
    int attempt;

    /* Both NULL would delete every session, the caller's own included
     * (Samba does exactly that): refused. */
    if (client_bad(q->client) ||
        (strip_unc(q->client) == NULL && (q->user == NULL || *q->user == '\0')))
        return ERROR_INVALID_PARAMETER;
    st = call_open(&c, q);
    if (st != NERR_Success)
        return st;
    for (attempt = 0;; attempt++) {
        int was_reused = wn_netapi_pooled_reused(c.pooled);
        memset(&wire, 0, sizeof(wire));
        rc = c.ops->session_del(c.conn, c.client_wire, c.user, &wire);
        st = wn_netapi_status(rc, &wire);
        if (!dropped(rc, &wire) || attempt > 0)
            break;
        /* The server dropped the connection: because the deletion matched
         * our own session (Samba ends the whole connection of every session
         * it deletes, ours included, often before its answer is out), or
         * because a kept connection had died while idle.  Look again on a
         * fresh connection. */
        uint64_t at = wn_clock_ms();
        struct wn_netapi_wire w2;
        memset(&w2, 0, sizeof(w2));
        if (wn_netapi_pool_reopen(c.pooled, &w2) != 0)
            break;
        c.conn = wn_netapi_pooled_conn(c.pooled);
        enum del_outcome done = deletion_happened(&c, at);
        if (done == DEL_DONE || (done == DEL_NO_MATCH && !was_reused)) {
            /* ours was deleted; or, on a connection opened for this call,
             * the drop came after the server took the request (a fresh
             * connection does not die idle) and nothing matches any more */
            wn_log(WN_LOG_DEBUG, "netapi", "connection dropped under NetSessionDel: "
                                           "no matching session is left, the deletion happened");
            st = NERR_Success;
            break;
        }
        if (done == DEL_UNKNOWN || !was_reused)
            break;
        /* a kept connection that had died while idle: the request never
         * ran; once more on the fresh one, whose answer is the truth (with
         * nothing matching, NERR_ClientNameNotFound below) */
    }
    if (st == ERROR_ACCESS_DENIED && rc == 0) {
        /* Samba answers ACCESS_DENIED also when nothing matched: if we
         * may enumerate, tell the two apart. */
        struct wn_netapi_raw_result all;
        uint32_t kept;
        uint32_t probe = matching(&c, 10, &all, &kept);
        /* Nothing matched: NERR_ClientNameNotFound whichever filter found
         * nothing, the one "no such session" code MS-SRVS 3.1.4.6 and the
         * SDK list for NetrSessionDel / NetSessionDel (NERR_UserNotFound is
         * not among them; Windows answers 0x908 when no session matches). */
        if (probe == NERR_ClientNameNotFound || probe == NERR_UserNotFound)
            st = NERR_ClientNameNotFound;
        else if (probe == ERROR_NOT_ENOUGH_MEMORY)
            st = probe;
        else if (probe == NERR_Success)
            wn_netapi_raw_result_free(&all);
    }
    /* A server that says "no such user" for a deletion means the same. */
    if (st == NERR_UserNotFound)
        st = NERR_ClientNameNotFound;
    /* Never kept: the deletion may end our own session a moment later. */
    call_close(&c, WN_NETAPI_KEEP_CLOSE);
    return st;
}
