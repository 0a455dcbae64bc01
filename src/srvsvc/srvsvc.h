/* srvsvc.h: contract of the srvsvc layer (MS-SRVS NetrSessionEnum / NetrSessionDel NDR20 stubs). */
#ifndef WN_SRVSVC_H
#define WN_SRVSVC_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "dcerpc.h"

#define WN_SRVSVC_OPNUM_SESSION_ENUM 12     /* NetrSessionEnum */
#define WN_SRVSVC_OPNUM_SESSION_DEL 13      /* NetrSessionDel */

/* Limits on decoded replies (named, checked before any allocation). */
#define WN_SRVSVC_MAX_ENTRIES 100000u       /* sessions in one reply */
#define WN_SRVSVC_MAX_STRING 4096u          /* UTF-16 units per string, incl. NUL */

/* Referent IDs the encoders use: WN_SRVSVC_REF_BASE + 4 * n for the n-th
 * non-NULL pointer in wire order (Samba's NDR convention, so the request
 * bytes equal Samba's; impacket uses random IDs). */
#define WN_SRVSVC_REF_BASE 0x00020000u

/* srvsvc 4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0 (wire-order UUID). */
extern const struct wn_dcerpc_syntax wn_srvsvc_syntax;

/* A UTF-16LE string view: `data` borrowed, `len` in BYTES without any
 * terminating NUL (must be even).  data == NULL means a NULL pointer on
 * the wire; data != NULL with len 0 is the empty string "". */
struct wn_srvsvc_u16 {
    const uint8_t *data;
    size_t len;
};

/* NetrSessionEnum [in] arguments.  All views borrowed for the call. */
struct wn_srvsvc_enum_args {
    struct wn_srvsvc_u16 server;    /* ServerName, e.g. "\\srv" or NULL */
    struct wn_srvsvc_u16 client;    /* ClientName: NULL or "\\name" */
    struct wn_srvsvc_u16 user;      /* UserName or NULL */
    uint32_t level;                 /* 0, 1, 2, 10 or 502 */
    uint32_t pref_max_len;          /* PreferedMaximumLength (0xffffffff = all) */
    int has_resume;                 /* 0: ResumeHandle NULL on the wire */
    uint32_t resume_handle;
};

/* Appends the opnum-12 request stub to `out` (caller-owned).
 * 0, WN_E_INVAL (bad level, odd string length), WN_E_LIMIT, WN_E_NOMEM. */
int wn_srvsvc_session_enum_encode(struct wn_dynbuf *out, const struct wn_srvsvc_enum_args *a);

/* One session.  The string fields are UTF-16LE byte views BORROWED from
 * the reply stub given to the decoder (not NUL-terminated; len in bytes
 * without the NUL), NULL when the server sent a NULL pointer or the level
 * has no such field.  Fields the level does not carry are 0. */
struct wn_srvsvc_session {
    const uint8_t *cname, *username, *cltype, *transport;
    uint32_t cname_len, username_len, cltype_len, transport_len;
    uint32_t num_opens, time, idle_time, user_flags;
};

/* A decoded NetrSessionEnum reply: ONE allocation holding this header and
 * the `entries` sessions after it.  Returned owned: free with
 * wn_srvsvc_enum_result_free (or wn_free).  The views inside borrow the
 * stub buffer passed to the decoder, which must outlive the result. */
struct wn_srvsvc_enum_result {
    uint32_t level;                 /* the level the server answered */
    int has_container;              /* 0: the level's container pointer was NULL */
    uint32_t entries;               /* EntriesRead */
    uint32_t total_entries;         /* TotalEntries */
    int has_resume;                 /* ResumeHandle pointer non-NULL */
    uint32_t resume_handle;
    uint32_t status;                /* NET_API_STATUS / WERROR (data) */
    struct wn_srvsvc_session *sessions;   /* points just after this struct */
};

/* Decodes an opnum-12 response stub.  Returns 0 and *out (owned) even when
 * status != 0 (the WERROR is data).  Any malformed, truncated or over-limit
 * input returns WN_E_TRUNCATED / WN_E_MALFORMED / WN_E_LIMIT and *out NULL. */
int wn_srvsvc_session_enum_decode(const uint8_t *stub, size_t len,
                                  struct wn_srvsvc_enum_result **out);
void wn_srvsvc_enum_result_free(struct wn_srvsvc_enum_result *r);

/* Encodes a response stub from `r` (test servers, round-trip tests).
 * Sessions' NULL views become NULL pointers.  Appends to `out`. */
int wn_srvsvc_session_enum_reply_encode(struct wn_dynbuf *out,
                                        const struct wn_srvsvc_enum_result *r);

/* NetrSessionDel request (opnum 13) and its reply (just the WERROR). */
int wn_srvsvc_session_del_encode(struct wn_dynbuf *out, const struct wn_srvsvc_u16 *server,
                                 const struct wn_srvsvc_u16 *client,
                                 const struct wn_srvsvc_u16 *user);
int wn_srvsvc_session_del_decode(const uint8_t *stub, size_t len, uint32_t *status);

#endif /* WN_SRVSVC_H */
