/* v3int.h: private contract of the SNMPv3 notification and agent side of the engine (our local engine, received v3 traps/informs/requests, v3 one-shot sends). */
#ifndef WN_WS_V3INT_H
#define WN_WS_V3INT_H

#include <stdint.h>
#include <sys/socket.h>

#include "evloop.h"
#include "usm.h"
#include "winsnmp_int.h"

/* ------------------------------------------------------------------------
 * Named limits and constants.
 * ---------------------------------------------------------------------- */
/* Enterprise number in a generated snmpEngineID (RFC 3411): 0, the IANA
 * "Reserved" entry, as the library has no number of its own; the 0x80 bit
 * and the format octet make it a valid SnmpEngineID all the same. */
#define WN_WS_V3_ENTERPRISE 0u
#define WN_WS_V3_ENGINE_FORMAT_OCTETS 5u   /* RFC 3411: "octets, administratively assigned" */
#define WN_WS_V3_ENGINE_RANDOM 12u         /* random bytes of a generated ID */
#define WN_WS_V3_MAX_PATH 4096u            /* the engine state file's path */
#define WN_WS_V3_MAX_BOOTS_LINES 64u       /* engine IDs kept in the state file */
#define WN_WS_V3_MAX_REMOTE 1024u          /* trap senders' engines remembered (clock, 7b) */
#define WN_WS_V3_MAX_HELD_USERS 64u       /* users whose keys our listeners keep */
#define WN_WS_V3_MAX_PENDING 1024u         /* agent requests awaiting the program's response */
#define WN_WS_V3_PENDING_MS 120000u        /* how long such a request waits */

/* ------------------------------------------------------------------------
 * Our engine (v3local.c) [locked].
 * snmpEngineID: WSNMP_ENGINE_ID (0x<hex>), else the one kept in the state file
 * (WSNMP_ENGINE_FILE, $XDG_STATE_HOME/wsnmp/engine, ~/.local/state/wsnmp/
 * engine), else generated and kept there.  snmpEngineBoots: one more than
 * the file says for that ID, written back before first use; when the file
 * cannot be used, a new random ID with boots 1.  snmpEngineTime: seconds
 * of the monotonic clock since then.  Made on first use, once per process.
 * ---------------------------------------------------------------------- */
const struct wn_usm_engine *wn_ws_v3_local(void);
/* Forgets the engine (tests: the next use makes it again). */
void wn_ws_v3_local_reset(void);
/* bytes -> "0x<hex>" (cut at cap). */
void wn_ws_v3_hex_format(const uint8_t *p, size_t n, char *out, size_t cap);

/* ------------------------------------------------------------------------
 * Received SNMPv3 messages (v3agent.c).  [I/O thread, locked]
 * ---------------------------------------------------------------------- */
/* What a delivered v3 message carries besides its v2c form: queued with
 * it (struct wn_ws_qmsg v3, owned) for SnmpRecvMsg's entities. */
struct wn_ws_v3in {
    char user[WN_USM_MAX_USER_NAME + 1];
    uint8_t level;                       /* WN_SNMP_V3_FLAG_AUTH / _PRIV */
};

/* Counters of received v3 messages (wn_wsnmp_get_stats). */
struct wn_ws_v3_counters {
    uint64_t delivered;                  /* traps, informs, requests given to the program */
    uint64_t dropped;                    /* refused by the USM (each also counted below) */
    uint64_t reports_sent;
    uint64_t unsupported_sec_levels, not_in_time_windows, unknown_user_names,
        unknown_engine_ids, wrong_digests, decryption_errors;
    uint64_t unknown_security_models, invalid_msgs, unknown_pdu_handlers;
    uint64_t probes_answered;            /* RFC 5343 contextEngineID discovery probes */
};
extern struct wn_ws_v3_counters wn_ws_v3_c;

/* A datagram of version 3 arrived on a listener (agent: SnmpListen's,
 * else the trap port's) from `from`.  Runs the USM as its role needs:
 * answers discovery probes, reports and informs itself; on 1 the message
 * is to be delivered, in v2c form: *m (as wn_snmp_msg_decode_head gives
 * it, of a message the USM validated whole; views into a static buffer
 * valid until the next call; community = contextName) and *v3.  0: answered or
 * dropped (counted). */
int wn_ws_v3_receive(int agent, struct wn_dgram_sock *sock, const uint8_t *pkt, size_t len,
                     const struct sockaddr *from, socklen_t fromlen, struct wn_snmp_msg *m,
                     const uint8_t **v2pkt, size_t *v2len, struct wn_ws_v3in *v3);
/* The caller is done with *v2pkt (copied into the queues): wipes it. */
void wn_ws_v3_receive_end(void);
/* What a one-shot send (Trap, Response) to a v3 entity takes from it:
 * owned by its job (struct wn_ws_job v3out), freed with it. */
struct wn_ws_v3out {
    struct wn_ws_user *user;             /* a counted reference */
    uint8_t level;                       /* msgFlags level bits */
    uint8_t ctx_engine[WN_USM_MAX_ENGINE_ID];   /* contextEngineID; 0: ours */
    size_t ctx_engine_len;
};
/* Fills job->v3out from its v3 destination dst and context ctx (borrowed):
 * 0 or WN_E_NOMEM. [locked] */
struct wn_ws_job;
struct wn_ws_context;
int wn_ws_v3_job_out(struct wn_ws_job *job, const struct wn_ws_entity *dst,
                     const struct wn_ws_context *ctx);
/* Sends a one-shot message for a v3 entity: pkt is its v2c form
 * (community = contextName).  A Response to a request that SnmpListen
 * delivered goes back at that request's level, user and msgID; a Trap
 * goes out from our engine (we are authoritative: our ID, boots and
 * time; no discovery) as out says.  0, WN_E_NOTFOUND (a Response to no
 * request of ours), WN_E_UNSUPPORTED (another PDU type), WN_E_*. */
int wn_ws_v3_send_oneshot(struct wn_dgram_sock *sock, const struct sockaddr *to,
                          socklen_t tolen, const uint8_t *pkt, size_t len,
                          const struct wn_ws_v3out *out);
/* Makes e (an entity made for a received v3 message: its sender or our
 * address) that message's user (a counted reference, when the user is
 * still configured) and level, named "snmpv3:<user>;level=<level>@
 * <address>" (docs/snmpv3.md; replaces e->str).  0 or WN_E_NOMEM. */
int wn_ws_v3_entity_name(struct wn_ws_entity *e, const struct wn_ws_v3in *v3);
/* Drops every pending agent request and remembered engine (SnmpCleanup). */
void wn_ws_v3_reset(void);

#endif /* WN_WS_V3INT_H */
