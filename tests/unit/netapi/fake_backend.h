/* fake_backend.h: a scriptable in-memory srvsvc backend (Samba-like or Windows-like) for the netapi unit tests. */
#ifndef WN_TEST_FAKE_BACKEND_H
#define WN_TEST_FAKE_BACKEND_H

#include <stdint.h>

#include "backend.h"

#define FAKE_MAX 32

struct fake_state {
    /* Behaviour */
    int samba;             /* levels 0/1 only (else 124), filters ignored, one reply */
    uint32_t page;         /* Windows mode: entries per reply (0 = all) */
    int open_err;          /* returned by open */
    struct wn_netapi_wire open_wire;
    int enum_err;          /* returned by session_enum */
    struct wn_netapi_wire enum_wire; /* used when enum_err != 0 or werror forced */
    int wrong_reply_level; /* answer with level 0 whatever was asked */
    int stuck_resume;      /* Windows mode paging: the resume handle never moves */
    uint32_t del_werror;
    int del_err;
    /* Canned sessions (strings borrowed from test literals) */
    struct wn_netapi_session sessions[FAKE_MAX];
    uint32_t nsessions;
    int dead;              /* usable() answers 0 (the server closed it) */
    int enum_drop_once;    /* next session_enum fails with WN_E_CLOSED */
    /* Observations */
    int discards;
    int opens, closes, enums, dels;
    uint32_t levels_asked[8];
    char last_server[128];
    uint16_t last_port;
    unsigned last_timeout_ms;
    char last_user[64];
    char last_domain[64];
    char last_password[64];
    int had_creds;
    char last_client[128];
    int last_client_null;
    char last_filter_user[64];
    int last_filter_user_null;
};

extern struct fake_state fake;
extern const struct wn_netapi_backend_ops fake_ops;
/* The same backend with usable/discard, so that the pool keeps its
 * connections. */
extern const struct wn_netapi_backend_ops fake_ops_kept;

/* Resets the state and installs the fake backend. */
void fake_reset(void);
/* Appends a canned session. */
void fake_add(const char *cname, const char *user, uint32_t num_opens, uint32_t time,
              uint32_t flags);

#endif
