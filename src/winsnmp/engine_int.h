/* engine_int.h: private contract of the WinSNMP network engine (jobs, queues, sockets, registrations). */
#ifndef WN_WS_ENGINE_INT_H
#define WN_WS_ENGINE_INT_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include "evloop.h"
#include "snmp.h"
#include "winsnmp_int.h"
#include "wsnmp_ext.h"

/* ------------------------------------------------------------------------
 * THREADS AND LOCKS (see docs/winsnmp-engine.md)
 *  - Every structure below is protected by the one WinSNMP lock
 *    (wn_ws_lock), on whatever thread touches it.
 *  - wn_dgram_* and wn_timer_* calls happen only on the I/O thread, which
 *    takes the WinSNMP lock around them.  Application threads never wait
 *    for the I/O thread while holding the lock: they post (wn_evloop_post)
 *    or, for socket binds whose result they need, drop the lock first and
 *    use wn_evloop_call.
 *  - Application callbacks run on the I/O thread, without the lock.
 * ---------------------------------------------------------------------- */

/* Named limits. */
#define WN_WS_MAX_QUEUE WN_WSNMP_MAX_QUEUE /* queued messages per session */
#define WN_WS_MAX_REGISTRATIONS 4096u   /* trap registrations per process */
#define WN_WS_DEFAULT_TRAP_PORT 162u
/* trap_port value after a WSNMP_TRAP_PORT that is not a port: SnmpRegister refuses. */
#define WN_WS_TRAP_PORT_REFUSED 0u
#define WN_WS_MIN_TIMEOUT_MS 10u

/* A link in a session's queue: a message (struct wn_ws_qmsg, job NULL,
 * the link its first member) or a failed request's report (the job's own
 * link, job set), which needs no allocation and so cannot be lost. */
struct wn_ws_qlink {
    struct wn_ws_qlink *next;
    struct wn_ws_job *job;
};

struct wn_ws_v3in;                   /* v3int.h */
struct wn_ws_v3out;

/* An outstanding request (Get, GetNext, GetBulk, Set, Inform) or a
 * one-shot send (Response, Trap) waiting for the I/O thread.  One
 * allocation holds the job and its encoded packet (data[]); nothing else
 * is copied per request. */
struct wn_ws_job {
    struct wn_dgram_req dreq;        /* intrusive dgram request */
    struct wn_ws_job *prev, *next;   /* session's list of outstanding jobs */
    uintptr_t session;               /* owner's handle value (re-validated) */
    uint8_t cancelled;               /* set under the lock; the I/O thread frees */
    uint8_t orphaned;                /* cancelled, but the cancel could not be
                                      * posted: its completion frees it */
    uint8_t expects_reply;           /* request (1) or one-shot send (0) */
    uint8_t started;                 /* handed to the dgram layer */
    uint8_t pdu_type;                /* as given by the application */
    uint8_t sent_type;               /* after v2 -> v1 translation */
    uint8_t version;                 /* WN_WS_V1 / WN_WS_V2C */
    smiINT32 app_reqid;              /* the PDU's request id */
    int listener_idx;                /* >= 0: send from this agent socket */
    int unsent_err;                  /* WN_E_* of a failed inline send */
    smiINT error_status, error_index;
    struct wn_ws_qlink q;            /* queued as its own failure report */
    smiUINT32 fail_code;             /* that report's SNMPAPI_TL_* code */
    uint8_t *pkt;                    /* the bytes on the wire: data[], or
                                      * rekeyed when the id was re-keyed */
    uint8_t *rekeyed;                /* owned, NULL unless re-keyed */
    size_t len;
    const uint8_t *community;        /* requests: a view into pkt */
    uint32_t community_len;
    /* Filled only when the request fails (wn_ws_job_snapshot), for the
     * transport-error report of SnmpRecvMsg: */
    struct wn_ws_vblist vbl;         /* owned, decoded from pkt */
    union wn_sockaddr_in46 src;      /* manager side, if the app gave one */
    socklen_t srclen;
    /* The handles SnmpSendMsg was given (srcEntity 0 when NULL), which
     * SnmpRecvMsg gives back with the answer or the transport error while
     * they are valid (re-validated by generation; never dereferenced). */
    uintptr_t h_src, h_dst, h_ctx;
    /* SNMPv3 (version WN_WS_V3; engv3.c): its exchange state, freed
     * through v3_free by wn_ws_job_free.  pkt then holds the request in
     * v2c form (community: the context name); dreq.pkt the v3 message. */
    void *v3;
    void (*v3_free)(struct wn_ws_job *job);
    struct wn_ws_v3out *v3out;       /* owned: a one-shot send (Trap, Response) to a
                                      * v3 entity (pkt is its v2c form), else NULL */
    uint8_t data[];                  /* the encoded packet */
};

/* A queued message for a session (a response, trap, inform or agent
 * request); failed requests queue themselves (struct wn_ws_qlink). */
struct wn_ws_qmsg {
    struct wn_ws_qlink q;            /* first: the queue holds &q */
    smiINT32 reqid;                  /* lParam of the notification */
    const uint8_t *pkt;              /* the datagram, in data[] */
    size_t len;
    uint8_t orig_type;               /* request type for v1 response fix-up, 0 if none */
    struct sockaddr_storage from;    /* where it came from (the agent or manager) */
    socklen_t fromlen;
    struct sockaddr_storage to;      /* our address it arrived on */
    socklen_t tolen;
    int to_version;
    uintptr_t h_src, h_dst, h_ctx;   /* responses: the request's handles (job's) */
    int validated;                   /* msg holds pkt decoded (views into data[]) */
    int secret;                      /* decrypted v3 plaintext: wiped when freed */
    struct wn_snmp_msg msg;
    /* validated: msg's varbinds, decoded in the pass that validated them
     * (owned; empty when there are none or they are still to decode) */
    struct wn_ws_vblist list;
    struct wn_ws_v3in *v3;           /* owned: a v3 message's user and level (pkt is
                                      * its v2c form), NULL for v1/v2c */
    uint8_t data[];                  /* pkt points here (wn_ws_qmsg_new) */
};

/* Per-session engine state (s->engine). */
struct wn_ws_sess_eng {
    struct wn_ws_job *jobs;          /* outstanding requests */
    struct wn_ws_qlink *qhead, *qtail;
    uint32_t qlen;                   /* messages and failure reports */
    int efd;                         /* eventfd: readable while qlen > 0 */
};

/* A trap/inform registration (SnmpRegister). */
struct wn_ws_reg {
    uintptr_t session;
    int has_agent;                   /* dstEntity filter: the sending agent */
    struct sockaddr_storage agent;
    socklen_t agentlen;
    int has_manager;                 /* srcEntity given: tells registrations apart,
                                      * filters nothing */
    struct sockaddr_storage manager;
    socklen_t managerlen;
    uint8_t *community;              /* NULL: any */
    uint32_t community_len;
    uint32_t *prefix;                /* NULL: any notification */
    uint32_t prefix_len;
};


/* Largest number of agent + trap listener sockets at once. */
#define WN_WS_MAX_LISTENERS 1024u

enum wn_ws_listener_kind {
    WN_WS_LISTENER_AGENT,            /* SnmpListen: requests for one session */
    WN_WS_LISTENER_TRAP,             /* the trap port: traps and informs */
};

struct wn_ws_listener {
    int used;
    enum wn_ws_listener_kind kind;
    struct wn_dgram_sock *sock;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    uintptr_t session;               /* agent: the listening entity's session */
};

/* The engine's process-wide state [locked]. */
/* Engine counters (wn_wsnmp_get_stats). */
enum { WN_WS_C_MALFORMED, WN_WS_C_STRAY, WN_WS_C_TRAP, WN_WS_C_INFORM_ACK, WN_WS_C_QFULL,
       WN_WS_C_COUNT };

struct wn_ws_eng {
    struct wn_evloop *loop;
    struct wn_dgram_sock *mgr[2];    /* manager sockets: [0] IPv4, [1] IPv6 */
    struct sockaddr_storage mgr_name[2]; /* their local addresses, read once */
    socklen_t mgr_namelen[2];
    struct wn_ws_listener lst[WN_WS_MAX_LISTENERS];
    int trap_idx[2];                 /* listener slots of the trap port, -1 */
    int trap_open;
    uint16_t trap_port;
    uint64_t c[WN_WS_C_COUNT];       /* WN_WS_C_* */
    struct wn_dgram_stats closed;    /* counters of sockets already closed */
};
extern struct wn_ws_eng wn_ws_eng;

/* Shared helpers of engine.c for listeners.c and ext.c. */
/* Queues m for s (taking it) and signals the session's fd.  Returns 1
 * when queued: the session is to be told (wn_ws_eng_notify, after
 * unlocking: its callback, or its window message); WN_E_QFULL when the
 * queue was full or WN_E_NOMEM when the session's queue could not be made
 * (m is dropped then, with no notification). [locked] */
int wn_ws_eng_enqueue(struct wn_ws_session *s, struct wn_ws_qmsg *m);
/* Queues a request that ended without its answer (job->fail_code set) as
 * its own report, taking the job.  Never fails and ignores the queue
 * limit (the session's outstanding requests bound it): the session is
 * always to be told. [locked] */
void wn_ws_eng_enqueue_failed(struct wn_ws_sess_eng *se, struct wn_ws_job *job);
/* Tells the session (wn_ws_session_notify), without the lock. */
void wn_ws_eng_notify(uintptr_t session, WPARAM wp, LPARAM lp);
/* Closes a dgram socket, keeping its counters. [I/O thread, locked] */
void wn_ws_eng_sock_close(struct wn_dgram_sock *s);
void wn_ws_eng_add_stats(struct wn_dgram_stats *acc, const struct wn_dgram_stats *s);
/* The session's eventfd, made on first use. [locked] */
int wn_ws_eng_session_efd(struct wn_ws_sess_eng *se);

/* engine.c */
int wn_ws_eng_session(struct wn_ws_session *s, struct wn_ws_sess_eng **out);  /* [locked] */
struct wn_evloop *wn_ws_eng_loop(void);                                        /* [locked] */
/* The engine's loop with a reference held (NULL when the engine is not
 * ready, e.g. a teardown has begun), so a caller may drop the lock and
 * wn_evloop_call it while another thread runs SnmpCleanup; release with
 * wn_evloop_release.  [locked] */
struct wn_evloop *wn_ws_eng_loop_ref(void);
/* Sends job: posted to the I/O thread, or at once when called on it (a
 * failure of that send is then reported from the loop, as the request's
 * outcome).  [locked]  0 or WN_E_NOMEM / WN_E_STATE (the job is the
 * caller's again then). */
int wn_ws_eng_submit(struct wn_ws_job *job);
/* Marks job cancelled and has the I/O thread drop it.  [locked] */
void wn_ws_eng_cancel(struct wn_ws_job *job);
void wn_ws_job_free(struct wn_ws_job *job);
/* Fills job->vbl and job->community from the job's own packet (the
 * request as sent), for the report of a failed request.  0 or WN_E_NOMEM
 * / WN_E_MALFORMED (then they stay empty). */
int wn_ws_job_snapshot(struct wn_ws_job *job);
/* The session's list of outstanding jobs. [locked] */
void wn_ws_job_link(struct wn_ws_sess_eng *se, struct wn_ws_job *job);
void wn_ws_job_unlink(struct wn_ws_sess_eng *se, struct wn_ws_job *job);
/* A queue entry holding a copy of pkt[0..len) (pkt may be NULL when len
 * is 0), zeroed otherwise; NULL when out of memory.  Returned-owned:
 * wn_ws_qmsg_free. */
struct wn_ws_qmsg *wn_ws_qmsg_new(const uint8_t *pkt, size_t len);
void wn_ws_qmsg_free(struct wn_ws_qmsg *m);
/* Listener sockets (agent role and trap port).  Called WITHOUT the lock;
 * runs the bind on the I/O thread and returns its result; *idx gets the
 * listener's slot. */
int wn_ws_eng_listen_open(const struct sockaddr *sa, socklen_t salen,
                          enum wn_ws_listener_kind kind, int *idx);
void wn_ws_eng_listen_close(int idx);          /* [locked] */
int wn_ws_eng_trap_port_open(void);            /* NOT locked: 0 or WN_E_INUSE / WN_E_* */
int wn_ws_eng_trap_port_is_open(void);         /* [locked] */
extern struct wn_ws_reg *wn_ws_regs;           /* [locked] */
extern uint32_t wn_ws_nregs;
void wn_ws_eng_trap_port_release(void);        /* [locked] closes it when unused */
/* Agent listeners [locked]: the session that gets the requests, and the
 * listener an entity answers from (-1 if it does not listen). */
void wn_ws_eng_listen_set_session(int idx, uintptr_t session);
int wn_ws_eng_listener_of(const struct wn_ws_entity *e);
/* Pops the head of the session's queue, NULL if empty: a message, or
 * (link->job set) a failed request. [locked] */
struct wn_ws_qlink *wn_ws_eng_dequeue(struct wn_ws_sess_eng *se);
/* Frees a queue entry of either kind. */
void wn_ws_qlink_free(struct wn_ws_qlink *l);
/* Counters in wn_ws_eng.c[] [locked]: */


/* convert.c (data level: no objects, no lock): between WinSNMP PDU
 * fields and the snmp codec. */
/* Encodes the message SnmpSendMsg/SnmpEncodeMsg would send.  Applies the
 * RFC 3584 downgrade for v1.  *sent_type gets the type on the wire.
 * Returns 0 (*pkt owned) or: WN_E_INVAL (PDU fields or type not valid),
 * WN_E_BADVALUE (a value of an invalid type), WN_E_UNSUPPORTED (version),
 * WN_E_NOEQUIV (no v1 form), WN_E_TOOBIG, WN_E_LIMIT (community longer
 * than WN_SNMP_MAX_COMMUNITY), WN_E_NOMEM. */
/* What a v1 Trap-PDU takes besides what its v2 form carries (v1 NULL for
 * everything else): the agent-addr when the varbinds hold no
 * snmpTrapAddress.0, and how many trailing varbinds are the ones a
 * decode appended (struct wn_ws_decoded, v1_tail): they go back into the
 * Trap-PDU's fields and are not sent as varbinds. */
struct wn_ws_v1_fields {
    uint8_t agent_addr[4];
    uint32_t tail;
};
int wn_ws_encode(int version, const uint8_t *community, uint32_t community_len,
                 smiINT type, smiINT32 reqid, smiINT error_status, smiINT error_index,
                 const struct wn_ws_vblist *vbl, const struct wn_ws_v1_fields *v1,
                 uint8_t **pkt, size_t *len, uint8_t *sent_type);
/* The same, in one allocation of head + *len bytes with the message at
 * (uint8_t *)*block + head (returned-owned: wn_free(*block)), so a caller
 * can keep its own record and the packet together. */
int wn_ws_encode_block(int version, const uint8_t *community, uint32_t community_len,
                       smiINT type, smiINT32 reqid, smiINT error_status, smiINT error_index,
                       const struct wn_ws_vblist *vbl, const struct wn_ws_v1_fields *v1,
                       size_t head, void **block, size_t *len, uint8_t *sent_type);
/* Encode scratch on the stack: messages up to this size and up to this
 * many varbinds need no scratch allocation. */
#define WN_WS_ENCODE_STACK 1472u
#define WN_WS_ENCODE_STACK_VBS 16u
/* Re-encodes our own message pkt with another request id into *out
 * (returned-owned, wn_free).  0, WN_E_NOMEM, WN_E_TOOBIG or WN_E_INVAL. */
int wn_ws_rekey(const uint8_t *pkt, size_t len, smiINT32 reqid, uint8_t **out, size_t *outlen);
/* The community of an encoded message: a view into pkt.  0 or
 * WN_E_MALFORMED. */
int wn_ws_community_view(const uint8_t *pkt, size_t len, const uint8_t **community,
                         uint32_t *community_len);
/* A decoded message as plain data. */
struct wn_ws_decoded {
    smiINT type;                     /* SNMP_PDU_*, v1 traps as SNMP_PDU_TRAP */
    smiINT32 request_id;
    smiINT error_status, error_index;
    struct wn_ws_vblist vbl;         /* owned: wn_ws_vblist_clear */
    const uint8_t *community;        /* borrowed: points into the packet */
    uint32_t community_len;
    int version;                     /* WN_WS_V1 / WN_WS_V2C */
    /* A v1 Trap-PDU (from_v1_trap): its agent-addr, and how many varbinds
     * the translation appended at the end (snmpTrapAddress.0 when
     * conveyed, snmpTrapEnterprise.0), which wn_ws_encode drops again. */
    int from_v1_trap;
    uint8_t agent_addr[4];
    uint32_t v1_tail;
};
/* Decodes pkt, translating v1 traps to v2 and v1 responses per orig_type.
 * A v1 trap becomes the form Windows gives (RFC 3584 3.1 without
 * snmpTrapCommunity.0, the community being the context): sysUpTime.0,
 * snmpTrapOID.0, its varbinds, snmpTrapAddress.0 when convey is set, then
 * snmpTrapEnterprise.0 (each unless the trap carries it already).
 * 0, WN_E_MALFORMED or WN_E_NOMEM (out is then empty). */
int wn_ws_decode(const uint8_t *pkt, size_t len, uint8_t orig_type, int convey,
                 struct wn_ws_decoded *out);
/* The same from a message wn_snmp_msg_decode_head delimited (its views
 * borrowed, as out's community is) and `ready`, the list
 * wn_ws_vbl_decode_checked decoded from it (borrowed; out shares its
 * arena unless wn_ws_msg_translated), or NULL when that is still to do
 * (then done here, so the message may be one wn_snmp_msg_decode
 * validated). */
int wn_ws_decode_msg(const struct wn_snmp_msg *m, uint8_t orig_type, int convey,
                     const struct wn_ws_vblist *ready, struct wn_ws_decoded *out);
/* 1 when the delivered varbinds are a translation of m's (a v1 trap, a v1
 * response to a request of orig_type), not the wire's own. */
int wn_ws_msg_translated(const struct wn_snmp_msg *m, uint8_t orig_type);
/* The one pass over a VarBindList wn_snmp_msg_decode_head delimited: every
 * check wn_snmp_msg_decode makes, and the varbinds decoded into list at
 * the same time (one allocation: the array, every OID and string, in an
 * arena sized by a walk over the varbinds' headers to what they hold;
 * from the list's length alone for a shape the walk does not follow).
 * Sets m->pdu.vb_count, after which
 * m is what wn_snmp_msg_decode gives.  0, WN_E_NOMEM, or the codec's
 * error (list then empty). */
int wn_ws_vbl_decode_checked(struct wn_snmp_msg *m, struct wn_ws_vblist *list);
/* A received v1/v2c datagram validated and its varbinds decoded in the
 * same pass (wn_snmp_msg_decode_head, wn_ws_vbl_decode_checked): *m
 * (views borrow pkt) and *list (owned: wn_ws_vblist_clear).  When the
 * list's memory cannot be had the message is still validated, without
 * allocating (wn_snmp_msg_decode), and list stays empty: decoded when it
 * is read (wn_ws_decode_msg with no list).  0 or the codec's error. */
int wn_ws_msg_receive(const uint8_t *pkt, size_t len, struct wn_snmp_msg *m,
                      struct wn_ws_vblist *list);
/* Moves the views of a decoded message from the bytes at from[0..len) to
 * the same bytes copied to `to`. */
void wn_ws_msg_rebase(struct wn_snmp_msg *m, const uint8_t *from, size_t len, const uint8_t *to);
/* The notification OID of a decoded trap or inform (snmpTrapOID.0, or the
 * RFC 3584 one for a v1 trap) into out[0..max); 0 or WN_E_*. */
int wn_ws_trap_oid(const struct wn_snmp_msg *m, uint32_t *out, size_t max, size_t *n);

/* ------------------------------------------------------------------------
 * Why a manager socket dropped a datagram (droplog.c): WN_LOG=debug lines,
 * rate-limited.  I/O thread only; call wn_ws_drop_admit only when
 * wn_log_enabled(WN_LOG_DEBUG), and wn_ws_drop_log only when it said 1.
 * ---------------------------------------------------------------------- */
enum wn_ws_drop_why {
    WN_WS_DROP_MALFORMED,   /* the bytes do not decode */
    WN_WS_DROP_NOT_REPLY,   /* got: its PDU type */
    WN_WS_DROP_BAD_ID,      /* got: its request id (not positive) */
    WN_WS_DROP_NO_REQUEST,  /* reqid: no request in flight with it */
    WN_WS_DROP_OTHER_ADDR,  /* reqid's request went to `to` */
    WN_WS_DROP_VERSION,     /* got / want: WN_WS_V* of response / request */
    WN_WS_DROP_COMMUNITY,   /* got: the response's community length */
    WN_WS_DROP_V3,          /* got: wn_ws_v3_accept's refusal */
};
struct wn_ws_drop {
    enum wn_ws_drop_why why;
    const struct sockaddr *from;    /* borrowed */
    const struct sockaddr *to;      /* borrowed; WN_WS_DROP_OTHER_ADDR only */
    size_t len;                     /* of the datagram */
    uint32_t reqid;
    int got, want;
};
/* 1 when one more line fits in the rate limit (it is counted), else 0 (the
 * drop is counted for the "more dropped" line). */
int wn_ws_drop_admit(void);
/* Writes d's line. */
void wn_ws_drop_log(const struct wn_ws_drop *d);
/* Writes the "more dropped" line if drops were left out (shutdown). */
void wn_ws_drop_flush(void);

#endif /* WN_WS_ENGINE_INT_H */
