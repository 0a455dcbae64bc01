/* backend.h: the seam between the NetSession API logic and the transport (RPC stack or a test fake). */
#ifndef WN_NETAPI_BACKEND_H
#define WN_NETAPI_BACKEND_H

#include <stdint.h>

#include "base.h"

/* Credentials handed to open (borrowed for the duration of open; all
 * fields NULL = anonymous).  UTF-8. */
struct wn_netapi_creds {
    char *user;
    char *domain;
    char *password; /* secret: wiped by wn_netapi_creds_clear */
};

/* Where to connect.  server: UTF-8 host name or address without leading
 * backslashes (borrowed).  creds: borrowed. */
struct wn_netapi_target {
    const char *server;
    uint16_t port;
    unsigned timeout_ms; /* per network operation; 0 = the transport's default */
    const struct wn_netapi_creds *creds;
};

/* One session as the server described it (UTF-8 strings, NULL = absent).
 * In a wn_netapi_raw_result the strings are owned by the result. */
struct wn_netapi_session {
    char *cname;
    char *username;
    char *cltype_name;
    char *transport;
    uint32_t num_opens;
    uint32_t time;
    uint32_t idle_time;
    uint32_t user_flags;
};

/* Decoded NetrSessionEnum answer.  entries: owned, count elements, each
 * string owned; release with wn_netapi_raw_result_free. */
struct wn_netapi_raw_result {
    uint32_t level;          /* level the server answered with */
    uint32_t count;
    struct wn_netapi_session *entries;
    uint32_t total_entries;  /* server's TotalEntries */
    uint32_t resume_handle;  /* server's ResumeHandle (0 when NULL) */
    uint32_t cap;            /* private: entries allocated */
    struct wn_netapi_strchunk *chunks; /* private: string arena */
};

/* Wire outcome of a call: data, never a return code.  A backend fills
 * what it knows and leaves the rest 0. */
struct wn_netapi_wire {
    uint32_t werror;   /* NET_API_STATUS the server returned */
    uint32_t ntstatus; /* failing SMB2 status, if the SMB layer failed */
    uint32_t fault;    /* DCE/RPC fault status, if the call faulted */
    int not_smb;       /* open: the host never completed an SMB2 NEGOTIATE */
    int transport_err; /* WN_E_* of the SMB transport (socket, framing) when
                        * an established connection failed; 0 otherwise */
};

/* Backend operations.  All return 0 or a negative WN_E_*.
 * open: *conn receives an owned handle released by close.
 * session_enum: client is NULL or "\\\\name", user NULL or a name
 *   (borrowed); resume NULL = no resume handle sent.  On return 0 the
 *   server's NET_API_STATUS is in wire->werror and, when it is 0 or
 *   ERROR_MORE_DATA (234), *out holds the entries (caller frees with
 *   wn_netapi_raw_result_free; out is zeroed on every other outcome).
 * session_del: same conventions, result in wire->werror.
 * A negative return may come with wire->ntstatus / wire->fault set. */
struct wn_netapi_backend_ops {
    int (*open)(const struct wn_netapi_target *target, void **conn,
                struct wn_netapi_wire *wire);
    int (*session_enum)(void *conn, uint32_t level, const char *client,
                        const char *user, uint32_t prefmaxlen, uint32_t *resume,
                        struct wn_netapi_raw_result *out, struct wn_netapi_wire *wire);
    int (*session_del)(void *conn, const char *client, const char *user,
                       struct wn_netapi_wire *wire);
    void (*close)(void *conn);
    /* Optional (NULL: the connection is never kept between calls).
     * usable: 1 when a kept connection can carry another call (not
     *   failed, nothing unsolicited from the server), never blocking.
     * discard: frees conn without any network traffic (after fork). */
    int (*usable)(void *conn);
    void (*discard)(void *conn);
};

/* Installs ops (borrowed; must outlive their use) for every later call;
 * NULL restores the built-in backend.  For tests and embedders. */
void wn_netapi_set_backend(const struct wn_netapi_backend_ops *ops);
/* Returns the backend in use (never NULL). */
const struct wn_netapi_backend_ops *wn_netapi_get_backend(void);
/* The built-in backend (rpc_backend.c once the RPC stack is in the build,
 * otherwise one whose open fails with WN_E_UNSUPPORTED). */
extern const struct wn_netapi_backend_ops wn_netapi_default_backend;

/* Frees the strings and the array; leaves *r zeroed.  NULL-safe. */
void wn_netapi_raw_result_free(struct wn_netapi_raw_result *r);
/* Appends a copy of s to r, its strings copied into r's arena (entry
 * strings belong to r: never free them one by one).  Allocates only when
 * the array doubles or an arena chunk fills.  0 or WN_E_NOMEM/LIMIT. */
int wn_netapi_raw_result_add(struct wn_netapi_raw_result *r,
                             const struct wn_netapi_session *s);
/* Copies s (NULL gives NULL) into r's arena; *out borrowed from r. */
int wn_netapi_raw_result_strdup(struct wn_netapi_raw_result *r, const char *s, char **out);

/* Upper bound on the sessions one enumeration gathers (all pages). */
#define WN_NETAPI_MAX_SESSIONS 65536u

#endif /* WN_NETAPI_BACKEND_H */
