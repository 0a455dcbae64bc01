/* winsnmp_int.h: internal structures, handle table and locking rules of the WinSNMP layer (shared with the engine). */
#ifndef WN_WINSNMP_INT_H
#define WN_WINSNMP_INT_H

#include <assert.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base.h"
#include "winsnmp.h"

/* ------------------------------------------------------------------------
 * LOCKING RULES
 *  - One process-wide mutex (wn_ws_lock / wn_ws_unlock) protects the handle
 *    table, every session / entity / context / PDU / VBL object, the
 *    process-wide modes and the startup state (the descriptor registry
 *    has a leaf lock of its own, desc.c).
 *  - Every public Snmp* function takes it for its whole duration; every
 *    function in this header whose comment says "[locked]" must be called
 *    with it held.  Pointers obtained from wn_ws_*_get() are valid only
 *    while the lock stays held.
 *  - The task-level last error is thread-local and needs no lock; the
 *    per-session last error lives in the session (locked).
 *  - Never call an application callback with the lock held (the callback
 *    will call back into the API).  Copy cb/hwnd/msg/client_data under the
 *    lock, unlock, then call.
 *  - The engine entry points (wn_ws_net_*) are called with the lock held;
 *    they must not wait for a thread that itself takes the lock, except
 *    wn_ws_net_shutdown which runs WITHOUT the lock.
 * ---------------------------------------------------------------------- */
extern struct wn_lock wn_ws_mutex;
/* 1 while this thread holds wn_ws_mutex (what WN_WS_ASSERT_LOCKED checks). */
extern WN_THREAD_LOCAL int wn_ws_t_held;

static inline void
wn_ws_lock(void)
{
    wn_lock_acquire(&wn_ws_mutex);
    wn_ws_t_held = 1;
}

static inline void
wn_ws_unlock(void)
{
    assert(wn_ws_t_held);
    wn_ws_t_held = 0;
    wn_lock_release(&wn_ws_mutex);
}

/* 1 when the calling thread holds the lock. */
static inline int
wn_ws_lock_held(void)
{
    return wn_ws_t_held;
}
/* Where a comment says [locked]: checked in builds without NDEBUG (the
 * Debug, sanitizer and TSan builds), free otherwise. */
#define WN_WS_ASSERT_LOCKED() assert(wn_ws_lock_held())

/* ------------------------------------------------------------------------
 * Limits.  Defaults are documented in docs/winsnmp.md; the environment
 * variables are read when the library initialises (first SnmpStartup /
 * SnmpStartupEx after load or after a full cleanup).
 * ---------------------------------------------------------------------- */
#define WN_WS_DEFAULT_MAX_SESSIONS 65536u          /* WSNMP_MAX_SESSIONS */
#define WN_WS_DEFAULT_MAX_HANDLES 1048576u         /* WSNMP_MAX_HANDLES (all sessions) */
#define WN_WS_DEFAULT_MAX_HANDLES_PER_SESSION 1048576u /* WSNMP_MAX_HANDLES_PER_SESSION */
#define WN_WS_HANDLE_INDEX_BITS 24                 /* slots per table, hard cap */
#define WN_WS_HANDLE_INDEX_MAX ((1u << WN_WS_HANDLE_INDEX_BITS) - 1u)
#define WN_WS_MAX_COMMUNITY 1024u                  /* context (community) bytes */
#define WN_WS_MAX_OCTETS 65535u                    /* an octet-string value */
#define WN_WS_MAX_VBS 65535u                       /* varbinds in one list */
#define WN_WS_MAX_ENTITY_STR 1024u                 /* SnmpStrToEntity input */
#define WN_WS_DEFAULT_PORT 161u
#define WN_WS_DEFAULT_TIMEOUT_CS 300u              /* 3 s, per try */
#define WN_WS_DEFAULT_RETRY 3u
#define WN_WS_V3_MAX_ENGINE_ID 32u                 /* = WN_USM_MAX_ENGINE_ID */
#define WN_WS_V3_MAX_USER 32u                      /* = WN_USM_MAX_USER_NAME */

struct wn_ws_limits {
    uint32_t max_sessions;
    uint32_t max_handles;             /* entities+contexts+PDUs+VBLs, all sessions */
    uint32_t max_handles_per_session;
};

/* ------------------------------------------------------------------------
 * Objects.  Every object starts with a struct wn_ws_obj header; the owner
 * session keeps a doubly linked list of the objects it owns, so SnmpClose
 * frees all of them.  Handle value: generation << 32 | type << 24 | slot.
 * ---------------------------------------------------------------------- */
enum wn_ws_type {
    WN_WS_T_FREE = 0,
    WN_WS_T_SESSION = 1,
    WN_WS_T_ENTITY = 2,
    WN_WS_T_CONTEXT = 3,
    WN_WS_T_PDU = 4,
    WN_WS_T_VBL = 5,
};

struct wn_ws_session;
struct wn_ws_obj;
struct wn_ws_user;                /* usmuser.h */

/* What the handle table needs to know about a type, given at registration:
 * the table itself knows no object type. */
struct wn_ws_obj_ops {
    uint32_t type;                        /* enum wn_ws_type (in the handle) */
    void (*destroy)(struct wn_ws_obj *o); /* unregisters and frees [locked] */
};

struct wn_ws_obj {
    uint32_t slot;                /* index in the handle table */
    uint32_t type;                /* enum wn_ws_type */
    const struct wn_ws_obj_ops *ops;
    uintptr_t handle;             /* the public handle value */
    struct wn_ws_session *owner;  /* NULL for sessions */
    struct wn_ws_obj *prev, *next;/* owner's list */
};

struct wn_ws_session {
    struct wn_ws_obj hdr;
    SNMPAPI_CALLBACK callback;    /* NULL: window-message mode */
    HWND hwnd;                    /* opaque on Linux, passed back to callback */
    UINT wmsg;
    LPVOID client_data;           /* borrowed from the application */
    smiUINT32 last_error;         /* 0 until the first failure */
    struct wn_ws_obj *objs;       /* owned objects (head) */
    uint32_t nobjs;
    void *engine;                 /* engine state; freed by wn_ws_net_session_closing */
    uint32_t in_callback;         /* callbacks of this session running now */
};

/* Wire versions (the SNMP message version field). */
#define WN_WS_V1 0
#define WN_WS_V2C 1
#define WN_WS_V3 3

struct wn_ws_entity {
    struct wn_ws_obj hdr;
    struct sockaddr_storage addr; /* port stored in it too (network order) */
    socklen_t addrlen;
    uint16_t port;                /* host order; mirrors addr */
    int version;                  /* WN_WS_V1 / V2C / V3 */
    smiUINT32 mode;               /* translate mode at creation */
    smiTIMETICKS timeout_cs;      /* per-try timeout, centiseconds */
    smiUINT32 retry;
    char *str;                    /* owned: the string it was made from */
    char *name;                   /* owned: friendly name (TRANSLATED) or NULL */
    char *community;              /* owned: db "community=" context name or NULL */
    int listening;                /* set by the engine (SnmpListen) */
    int listener;                 /* its agent listener slot, while listening */
    uint32_t refs;                /* handles given out (SnmpRecvMsg adds one) */
    /* SNMPv3 (version WN_WS_V3): the user (a counted reference in the
     * user table, usmuser.h), the security level (msgFlags bits), the
     * engine ID given (engineid=; 0: discovered) and the default
     * contextEngineID (contextengineid=; 0: the agent's own). */
    struct wn_ws_user *user;
    uint8_t level;
    uint8_t engine_id[WN_WS_V3_MAX_ENGINE_ID];
    size_t engine_id_len;
    uint8_t ctx_engine_id[WN_WS_V3_MAX_ENGINE_ID];
    size_t ctx_engine_id_len;
};

struct wn_ws_context {
    struct wn_ws_obj hdr;
    uint8_t *community;           /* owned; len bytes (not NUL-terminated) */
    uint32_t len;
    char *name;                   /* owned: friendly name (TRANSLATED) or NULL */
    smiUINT32 mode;
    uint32_t refs;                /* handles given out (SnmpRecvMsg adds one) */
    /* SNMPv3: contextEngineID from the database (contextengineid=); 0:
     * the entity's default, else the agent's own engine ID. */
    uint8_t engine_id[WN_WS_V3_MAX_ENGINE_ID];
    size_t engine_id_len;
};

/* The contextEngineID a v3 message to dst in ctx (NULL: none) names: the
 * context's, else the entity's default; *len 0 when neither gives one
 * (then the caller's choice: the agent's engine ID, or ours).  Views into
 * ctx or dst. */
static inline void
wn_ws_v3_ctx_engine_id(const struct wn_ws_entity *dst, const struct wn_ws_context *ctx,
                       const uint8_t **id, size_t *len)
{
    if (ctx && ctx->engine_id_len) {
        *id = ctx->engine_id;
        *len = ctx->engine_id_len;
    } else {
        *id = dst->ctx_engine_id;
        *len = dst->ctx_engine_id_len;
    }
}

/* One varbind: deep copies owned by the list.  in_arena: name and value
 * data live in the list's arena (freed with it), else in their own blocks. */
struct wn_ws_vb {
    smiOID name;
    smiVALUE value;
    int in_arena;
};

/* A list of varbinds (inside a VBL object and inside a PDU).  A copy
 * (wn_ws_vblist_copy) costs two allocations whatever the number of
 * varbinds: the array and one arena holding every OID and string; the
 * copy of a decoded list nobody changed costs none (array and arena
 * shared). */
struct wn_ws_vblist {
    struct wn_ws_vb *vb;          /* owned array, or in the arena (vb_in_arena) */
    uint32_t n, cap;
    void *arena;                  /* one reference (wn_ws_arena_alloc), or NULL */
    /* 1: vb lies in the arena too (a decoded list: one allocation in all),
     * shared by the lists copied from it and never written; a change
     * first gives the list an array of its own. */
    int vb_in_arena;
};

struct wn_ws_vbl {
    struct wn_ws_obj hdr;
    struct wn_ws_vblist list;
};

struct wn_ws_pdu {
    struct wn_ws_obj hdr;
    smiINT type;                  /* SNMP_PDU_* */
    smiINT32 request_id;
    smiINT error_status;          /* non_repeaters for GETBULK */
    smiINT error_index;           /* max_repetitions for GETBULK */
    struct wn_ws_vblist vbl;      /* the PDU's own copy */
    /* Decoded from a v1 Trap-PDU (SnmpRecvMsg, SnmpDecodeMsg): its
     * agent-addr and the number of varbinds the translation appended
     * (snmpTrapAddress.0, snmpTrapEnterprise.0), so that encoding it for
     * a v1 entity gives the same Trap-PDU back.  v1_tail is reset when
     * the application sets another varbind list. */
    int from_v1_trap;
    uint8_t agent_addr[4];
    uint32_t v1_tail;
};

/* ------------------------------------------------------------------------
 * State (state.c): the leaf under everything.  [locked]
 * ---------------------------------------------------------------------- */
int wn_ws_ready(void);                 /* 1 after a successful startup */
/* The same without the lock, for calls that are pure conversions: a
 * snapshot that may change right after. */
int wn_ws_started(void);
void wn_ws_set_ready(int ready);
smiUINT32 wn_ws_translate_mode(void);
void wn_ws_set_translate_mode(smiUINT32 mode);
smiUINT32 wn_ws_retransmit_mode(void);
void wn_ws_set_retransmit_mode(smiUINT32 mode);
/* A request id chosen by the implementation: random, positive, never 0
 * (not unique: the engine re-keys a colliding one on the wire). [locked] */
smiINT32 wn_ws_next_request_id(void);
void wn_ws_seed_request_id(uint32_t seed);
/* The agent-addr put into the v1 Trap-PDUs we send (SnmpSetAgentAddress;
 * 0.0.0.0 until set) and whether a received v1 trap's agent-addr is given
 * to the application as snmpTrapAddress.0 (SnmpConveyAgentAddress).
 * Process-wide, kept across SnmpCleanup. [locked] */
void wn_ws_agent_addr(uint8_t out[4]);
void wn_ws_set_agent_addr(const uint8_t addr[4]);
int wn_ws_convey_agent_addr(void);
void wn_ws_set_convey_agent_addr(int on);
/* Waits (dropping the lock) until a callback ends; wakes the waiters.
 * [locked] */
void wn_ws_callback_wait(void);
void wn_ws_callback_ended(void);
/* Waits (dropping the lock) until a teardown has finished; wakes the
 * waiters. [locked] */
void wn_ws_stopped_wait(void);
void wn_ws_stopped_signal(void);

/* ------------------------------------------------------------------------
 * Handle table (handles.c).  [locked]
 * ---------------------------------------------------------------------- */
int wn_ws_table_init(const struct wn_ws_limits *lim);
/* Destroys every object (owners first, which frees what they own) and
 * frees the table. */
void wn_ws_table_destroy(void);
/* Registers obj (already allocated by the caller) under `owner` (NULL for
 * a session) with its type's ops (borrowed, static).  WN_E_LIMIT at a
 * limit, WN_E_NOMEM.  On error obj is not registered and still belongs to
 * the caller. */
int wn_ws_obj_register(struct wn_ws_obj *obj, const struct wn_ws_obj_ops *ops,
                       struct wn_ws_session *owner);
/* Removes obj from the table and its owner's list (does not free it). */
void wn_ws_obj_unregister(struct wn_ws_obj *obj);
/* The table's slots: handles.c owns them, the lookup below reads them. */
struct wn_ws_slot {
    struct wn_ws_obj *obj;     /* NULL when free */
    uint32_t gen;              /* generation of the current / last occupant */
    uint32_t next_free;
};
struct wn_ws_htab {
    struct wn_ws_slot *slots;
    uint32_t cap;              /* allocated slots */
};
extern struct wn_ws_htab wn_ws_htab;
/* Looks a handle up; NULL if stale, wrong type or not a handle.  Inline:
 * every API call makes one to three. */
static inline struct wn_ws_obj *
wn_ws_obj_get(HANDLE h, uint32_t type)
{
    WN_WS_ASSERT_LOCKED();
    uintptr_t v = (uintptr_t)h;
    uint32_t i = (uint32_t)(v & WN_WS_HANDLE_INDEX_MAX);
    uint32_t t = (uint32_t)((v >> WN_WS_HANDLE_INDEX_BITS) & 0xff);
    uint32_t g = (uint32_t)(v >> 32);
    if (v == 0 || t != type || g == 0 || i >= wn_ws_htab.cap)
        return NULL;
    const struct wn_ws_slot *sl = &wn_ws_htab.slots[i];
    if (!sl->obj || sl->gen != g || sl->obj->type != type)
        return NULL;
    return sl->obj;
}
/* Frees one object of any type through its ops (a session: closes it,
 * freeing everything it owns). [locked] */
void wn_ws_obj_destroy(struct wn_ws_obj *obj);
#define WN_WS_HANDLE(obj) ((HANDLE)(obj)->hdr.handle)

/* ------------------------------------------------------------------------
 * Objects (objects.c) [locked].  Constructors return 0 or WN_E_*; the new
 * object is registered in `s` and *out is borrowed (owned by the session).
 * ---------------------------------------------------------------------- */
/* Typed lookups: borrowed pointers, valid while locked. */
static inline struct wn_ws_session *
wn_ws_session_get(HSNMP_SESSION h)
{
    return (struct wn_ws_session *)wn_ws_obj_get(h, WN_WS_T_SESSION);
}
static inline struct wn_ws_entity *
wn_ws_entity_get(HSNMP_ENTITY h)
{
    return (struct wn_ws_entity *)wn_ws_obj_get(h, WN_WS_T_ENTITY);
}
static inline struct wn_ws_context *
wn_ws_context_get(HSNMP_CONTEXT h)
{
    return (struct wn_ws_context *)wn_ws_obj_get(h, WN_WS_T_CONTEXT);
}
static inline struct wn_ws_pdu *
wn_ws_pdu_get(HSNMP_PDU h)
{
    return (struct wn_ws_pdu *)wn_ws_obj_get(h, WN_WS_T_PDU);
}
static inline struct wn_ws_vbl *
wn_ws_vbl_get(HSNMP_VBL h)
{
    return (struct wn_ws_vbl *)wn_ws_obj_get(h, WN_WS_T_VBL);
}

/* What the engine (a layer above) is told before a session closes or an
 * entity is freed; set by the engine at startup.  NULL members: nothing. */
struct wn_ws_obj_hooks {
    void (*session_closing)(struct wn_ws_session *s);  /* [locked] */
    void (*entity_freeing)(struct wn_ws_entity *e);    /* [locked] */
};
void wn_ws_obj_set_hooks(const struct wn_ws_obj_hooks *h);

int wn_ws_session_create(HWND hwnd, UINT wmsg, SNMPAPI_CALLBACK cb, LPVOID data,
                         struct wn_ws_session **out);
void wn_ws_session_close(struct wn_ws_session *s);
/* Tells the session about (wparam, lparam) - NOT locked: takes and drops
 * the lock itself and calls out without it.  A callback session: its
 * callback is called; one returning anything but SNMPAPI_SUCCESS closes
 * the session (as SnmpClose).  A window-mode session: its wMsg is posted
 * to its hWnd (wn_ws_winmsg_post: the post hook or the built-in queue).
 * 0 when told, WN_E_NOTFOUND if the session is gone. */
int wn_ws_session_notify(HSNMP_SESSION h, WPARAM wparam, LPARAM lparam);
/* 1 while the calling thread runs a callback (wn_ws_session_notify). */
int wn_ws_in_callback(void);
/* Entity from a transport address (borrowed), version WN_WS_V*. */
int wn_ws_entity_create_addr(struct wn_ws_session *s, const struct sockaddr *sa,
                             socklen_t salen, int version, struct wn_ws_entity **out);
/* Entity from a string in the current translate mode (may read the db). */
int wn_ws_entity_create_str(struct wn_ws_session *s, const char *str,
                            struct wn_ws_entity **out);
void wn_ws_entity_set_port(struct wn_ws_entity *e, uint16_t port);
/* Entities and contexts are reference-counted as on Windows: each is made
 * with one reference, SnmpRecvMsg hands the request's own handle back
 * with one more (wn_ws_*_ref: 0, or WN_E_LIMIT when the count is full),
 * and SnmpFreeEntity / SnmpFreeContext drop one (wn_ws_*_unref frees the
 * object with the last).  wn_ws_entity_free / wn_ws_context_free free it
 * whatever the count (SnmpClose, SnmpCleanup). [locked] */
int wn_ws_entity_ref(struct wn_ws_entity *e);
void wn_ws_entity_unref(struct wn_ws_entity *e);
int wn_ws_context_ref(struct wn_ws_context *c);
void wn_ws_context_unref(struct wn_ws_context *c);
void wn_ws_entity_free(struct wn_ws_entity *e);
int wn_ws_context_create(struct wn_ws_session *s, const void *community, uint32_t len,
                         const char *name, struct wn_ws_context **out);
void wn_ws_context_free(struct wn_ws_context *c);
/* PDU with a copy of list (may be NULL = empty).  request_id 0 = pick one. */
int wn_ws_pdu_create(struct wn_ws_session *s, smiINT type, smiINT32 request_id,
                     smiINT error_status, smiINT error_index,
                     const struct wn_ws_vblist *list, struct wn_ws_pdu **out);
/* For decoded PDUs: keeps request_id as given (even 0) and takes the
 * list's contents without copying (list is left empty on success and
 * untouched on error; NULL = empty).  Any type is accepted (V1TRAP too). */
int wn_ws_pdu_adopt(struct wn_ws_session *s, smiINT type, smiINT32 request_id,
                    smiINT error_status, smiINT error_index, struct wn_ws_vblist *list,
                    struct wn_ws_pdu **out);
void wn_ws_pdu_free(struct wn_ws_pdu *p);
int wn_ws_vbl_create(struct wn_ws_session *s, const struct wn_ws_vblist *list,
                     struct wn_ws_vbl **out);
void wn_ws_vbl_free(struct wn_ws_vbl *v);
/* Frees the PDU and VBL objects kept for reuse (the final cleanup). */
void wn_ws_obj_cache_drain(void);

/* ------------------------------------------------------------------------
 * Varbind lists and values (vblist.c, value.c).  No lock needed: they
 * touch only the memory given.
 * ---------------------------------------------------------------------- */
void wn_ws_vblist_clear(struct wn_ws_vblist *l);
/* An arena of n bytes for a list (returned with one reference, never
 * written once its list is filled); wn_ws_arena_free drops a reference
 * and frees it with the last (NULL: nothing). */
void *wn_ws_arena_alloc(size_t n);
void wn_ws_arena_free(void *arena);
/* The n an arena was asked with (saturated at UINT32_MAX; NULL: 0). */
size_t wn_ws_arena_size(const void *arena);
/* Deep copy into dst (uninitialised).  src may point into borrowed memory
 * (e.g. a decoder's scratch); src NULL = empty.  2 allocations. */
int wn_ws_vblist_copy(struct wn_ws_vblist *dst, const struct wn_ws_vblist *src);
/* Appends deep copies of name and value (value NULL = SNMP_SYNTAX_NULL). */
int wn_ws_vblist_append(struct wn_ws_vblist *l, const smiOID *name, const smiVALUE *value);
/* Replaces varbind index (1-based) with copies of name (NULL: keep the old
 * name) and value (NULL = SNMP_SYNTAX_NULL); a failure changes nothing.
 * WN_E_INVAL for a bad index, WN_E_NOMEM. */
int wn_ws_vblist_replace(struct wn_ws_vblist *l, uint32_t index, const smiOID *name,
                         const smiVALUE *value);
/* Removes varbind index (1-based); WN_E_INVAL for a bad index. */
int wn_ws_vblist_delete(struct wn_ws_vblist *l, uint32_t index);
/* 0, WN_E_INVAL for an unacceptable OID, WN_E_BADVALUE for a value. */
int wn_ws_oid_check(const smiOID *oid, int allow_empty);
int wn_ws_value_check(const smiVALUE *v);
/* 1 for the syntaxes whose value is a byte string (smiOCTETS). */
static inline int
wn_ws_syntax_is_string(smiUINT32 syntax)
{
    return syntax == SNMP_SYNTAX_OCTETS || syntax == SNMP_SYNTAX_BITS ||
           syntax == SNMP_SYNTAX_OPAQUE || syntax == SNMP_SYNTAX_IPADDR ||
           syntax == SNMP_SYNTAX_NSAPADDR;
}
/* Deep copies into library memory (wn_malloc); free with the _clear. */
int wn_ws_oid_dup(smiOID *dst, const smiOID *src);
void wn_ws_oid_clear(smiOID *o);
int wn_ws_value_dup(smiVALUE *dst, const smiVALUE *src);
void wn_ws_value_clear(smiVALUE *v);
int wn_ws_syntax_valid(smiUINT32 syntax);
int wn_ws_pdu_type_creatable(smiINT type);

/* ------------------------------------------------------------------------
 * Descriptors handed to the application (desc.c): memory the
 * application frees with SnmpFreeDescriptor.  The registry has a leaf lock
 * of its own.  wn_ws_desc_alloc returns an owned block registered in the
 * registry (at least 1 byte, not zeroed: the caller fills it), or NULL.
 * [locked]
 * ---------------------------------------------------------------------- */
void *wn_ws_desc_alloc(size_t n);
/* 0 if p was registered and held by the application (and is now freed),
 * WN_E_NOTFOUND otherwise.  With or without the WinSNMP lock. */
int wn_ws_desc_free(void *p);
/* Frees every registered block (SnmpCleanup). [locked] */
void wn_ws_desc_free_all(void);
/* How many blocks the registry holds, kept ones included (tests). */
size_t wn_ws_desc_live(void);
/* Fill application descriptors (allocated with wn_ws_desc_alloc). */
int wn_ws_desc_oid(smiOID *dst, const smiOID *src);
int wn_ws_desc_octets(smiOCTETS *dst, const void *p, size_t n);
int wn_ws_desc_value(smiVALUE *dst, const smiVALUE *src);

/* ------------------------------------------------------------------------
 * Translation database (db.c).  No lock needed (reads a file).
 * ---------------------------------------------------------------------- */
struct wn_ws_db_entity {
    char address[256];
    uint16_t port;
    int version;                  /* WN_WS_V* */
    char community[256];          /* context name, "" if none */
    smiTIMETICKS timeout_cs;
    smiUINT32 retry;
    /* version=3 only: */
    char user[WN_WS_V3_MAX_USER + 1];  /* a "user" line's name */
    int level;                    /* -1 (WN_USM_LEVEL_DEFAULT) or msgFlags level bits */
    uint8_t engine_id[WN_WS_V3_MAX_ENGINE_ID];
    size_t engine_id_len;         /* 0: discover */
};
/* A "context" line: community= (v1/v2c) or contextname= (v3, may be
 * empty) in community; contextengineid= in engine_id. */
struct wn_ws_db_context {
    char community[256];
    uint8_t engine_id[WN_WS_V3_MAX_ENGINE_ID];
    size_t engine_id_len;
};
/* Which version of the database file was read. */
struct wn_ws_db_stamp {
    uint64_t dev, ino, mtime_ns, size;
};
/* Path of the database in use (WSNMP_DB, ~/.config/wsnmp/entities.conf,
 * /etc/wsnmp/entities.conf: the first that exists), or NULL. Returns owned. */
char *wn_ws_db_path(void);
/* WN_E_NOTFOUND (no file or no such name), WN_E_CONFIG (the file is
 * malformed or too large; logged as file:line: reason), WN_E_NOMEM,
 * WN_E_IO. */
int wn_ws_db_entity(const char *name, struct wn_ws_db_entity *out);
int wn_ws_db_context(const char *name, struct wn_ws_db_context *out);
/* The stamp of the database file in use now; WN_E_NOTFOUND if none. */
int wn_ws_db_stamp(struct wn_ws_db_stamp *stamp);
/* Parses a whole database text (for tests and the fuzz target): 0 or
 * WN_E_MALFORMED with *line set to the first bad line. */
int wn_ws_db_parse_text(const char *text, size_t len, const char *file, unsigned *line);

/* ------------------------------------------------------------------------
 * Entity addresses (addr.c).  No lock needed.
 * Host names in entity strings (untranslated modes; database addresses
 * stay numeric) are resolved with getaddrinfo by SnmpStrToEntity, without
 * the lock.
 * ---------------------------------------------------------------------- */
#define WN_WS_MAX_HOSTNAME 253u
/* "name[:port]" -> the numeric form "a.b.c.d[:port]" / "[v6][:port]" in
 * out (numeric input is copied as is).  May block on the resolver: never
 * call it locked.  WN_E_RESOLVE, WN_E_INVAL, WN_E_NOSPACE. */
int wn_ws_resolve_address(const char *s, char *out, size_t cap);
/* Address text -> sockaddr (numeric IPv4/IPv6 and "localhost", optional
 * port as "a.b.c.d:p" or "[v6]:p").  WN_E_RESOLVE / WN_E_INVAL. */
int wn_ws_parse_address(const char *s, uint16_t default_port, struct sockaddr_storage *ss,
                        socklen_t *len, uint16_t *port);
/* Room for the text of any address with a port. */
#define WN_WS_ADDR_TEXT_MAX (INET6_ADDRSTRLEN + 8)
/* The literal form of ss: "a.b.c.d" / "::1", with ":port" / "[v6]:port"
 * when port is not WN_WS_DEFAULT_PORT. */
void wn_ws_addr_format(const struct sockaddr_storage *ss, uint16_t port, char *buf,
                       size_t cap);
/* Sets the port (host order) inside an IPv4 / IPv6 address. */
void wn_ws_addr_set_port(struct sockaddr_storage *ss, uint16_t port);

/* ------------------------------------------------------------------------
 * Errors (errors.c): the only place that maps WN_E_* to SNMPAPI_* and
 * sets last errors.
 * ---------------------------------------------------------------------- */
/* Records `code` as the calling thread's task-level error and, when s is
 * non-NULL, as s's last error [locked].  Returns SNMPAPI_FAILURE. */
SNMPAPI_STATUS wn_ws_fail(struct wn_ws_session *s, smiUINT32 code);
/* The calling thread's task-level last error. */
smiUINT32 wn_ws_task_error(void);
/* THE map from an internal error to its SNMPAPI_* code.  `subject` says
 * what the failed step was about: the SNMPAPI_* code of the argument or
 * message it rejects (SNMPAPI_ENTITY_UNKNOWN, SNMPAPI_PDU_INVALID,
 * SNMPAPI_MESSAGE_INVALID, ...; SNMPAPI_OTHER_ERROR when none), which
 * WN_E_INVAL / NOTFOUND / MALFORMED / RESOLVE and codes with no fixed
 * meaning get; or, for a transport step (sending, binding), the
 * SNMPAPI_TL_* code for its unexpected failures, and then the transport
 * codes apply (WN_E_NOMEM -> SNMPAPI_TL_RESOURCE_ERROR, WN_E_INUSE ->
 * SNMPAPI_TL_IN_USE, ...). */
smiUINT32 wn_ws_map_err(int err, smiUINT32 subject);
/* Unlocks and fails: the common exit of public functions. */
SNMPAPI_STATUS wn_ws_unlock_fail(struct wn_ws_session *s, smiUINT32 code);

/* Entering a public function: lock, fail NOT_INITIALIZED if not started. */
#define WN_WS_ENTER()                                                       \
    do {                                                                    \
        wn_ws_lock();                                                       \
        if (!wn_ws_ready())                                                 \
            return wn_ws_unlock_fail(NULL, SNMPAPI_NOT_INITIALIZED);        \
    } while (0)
#define WN_WS_ENTER_H(type_)                                                \
    do {                                                                    \
        wn_ws_lock();                                                       \
        if (!wn_ws_ready()) {                                               \
            wn_ws_unlock_fail(NULL, SNMPAPI_NOT_INITIALIZED);               \
            return (type_)SNMPAPI_FAILURE;                                  \
        }                                                                   \
    } while (0)

/* ------------------------------------------------------------------------
 * Engine entry points for the API layer (engine.c, engcore.c).
 * ---------------------------------------------------------------------- */
int wn_ws_net_startup(void);                          /* [locked] */
void wn_ws_net_shutdown(void);                        /* NOT locked */
/* 1 when the caller runs on the engine's I/O thread (a callback). [locked] */
int wn_ws_net_on_io_thread(void);
void wn_ws_net_session_closing(struct wn_ws_session *s);  /* [locked] */
void wn_ws_net_entity_freeing(struct wn_ws_entity *e);    /* [locked] */

#endif /* WN_WINSNMP_INT_H */
