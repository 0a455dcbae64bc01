/* engv3.h: the SNMPv3 request engine (engv3.c): v3 jobs as wn_usm_exchange runs on the I/O thread, the engine cache per address, discovery shared by waiting jobs; hooks for engine.c and messaging.c. */
#ifndef WN_WS_ENGV3_H
#define WN_WS_ENGV3_H

#include "engine_int.h"
#include "usm.h"

/* Named limits of the engine cache (docs/snmpv3.md). */
#define WN_WS_V3_MAX_ENGINES 65536u        /* cached agents (transport addresses) */
#define WN_WS_V3_ENGINE_IDLE_MS 3600000u   /* an agent unused this long is forgotten */
#define WN_WS_V3_ENGINE_BUCKETS 4096u
/* Room a v3 message needs beyond its PDU in v2c form: header, security
 * parameters, contextEngineID, padding. */
#define WN_WS_V3_OVERHEAD 512u

/* What engine.c lends engv3.c (set once by wn_ws_net_startup, so that
 * engv3.c, below engine.c, calls nothing above it). */
struct wn_ws_v3_eng_ops {
    /* engine.c job_end: 1 when the job was cancelled (leave it alone). */
    int (*job_end)(struct wn_ws_job *job, struct wn_ws_session **s);
    /* engine.c job_fail_and_unlock: queues the failure, unlocks, notifies. */
    void (*job_fail_and_unlock)(struct wn_ws_job *job, struct wn_ws_session *s, int err);
    /* engine.c mgr_sock: the manager socket of a family. */
    struct wn_dgram_sock *(*mgr_sock)(int family, int *err);
};
void wn_ws_v3_set_ops(const struct wn_ws_v3_eng_ops *ops);   /* [locked] */

/* The contextName a context gives a v3 request: its bytes, or, for a
 * context string of the untranslated modes that starts with "snmpv3:",
 * the bytes after it ("snmpv3:" alone: the default, empty contextName,
 * which SnmpStrToContext cannot take as an empty string).  *name borrows
 * ctx. */
void wn_ws_v3_context_name(const struct wn_ws_context *ctx, const uint8_t **name,
                           uint32_t *len);

/* SnmpSendMsg: makes job (its packet the request in v2c form with the
 * context name as community) a v3 job for dst and ctx (borrowed): takes a
 * reference on dst's user.  0 or WN_E_NOMEM. [locked] */
int wn_ws_v3_job_init(struct wn_ws_job *job, const struct wn_ws_entity *dst,
                      const struct wn_ws_context *ctx);

/* engine.c hooks, I/O thread.  job_start: 0 when the job is on its way
 * (sent, or waiting for its agent's discovery), else the WN_E_* to report
 * (the job no longer holds any discovery). [locked] */
int wn_ws_v3_job_start(struct wn_ws_job *job);
/* 1 when pkt looks like an SNMPv3 message (version field 3). */
int wn_ws_v3_looks_v3(const uint8_t *pkt, size_t len);
/* The key (msgID) of a v3 datagram; 0 or -1. */
int wn_ws_v3_match_key(const uint8_t *pkt, size_t len, uint32_t *key);
/* 0 when pkt may be the answer of v3 job's current message. */
int wn_ws_v3_accept(const struct wn_ws_job *job, const uint8_t *pkt, size_t len);
/* A matched datagram, the retries' end, a refused send: each takes the
 * lock itself and ends with it released. */
void wn_ws_v3_on_response(struct wn_ws_job *job, const uint8_t *pkt, size_t len,
                          const struct sockaddr *from, socklen_t fromlen);
void wn_ws_v3_on_timeout(struct wn_ws_job *job);
void wn_ws_v3_on_send_error(struct wn_ws_job *job, int err);
/* The salt counters of every message the library encrypts (the
 * engine's requests, SnmpEncodeMsg, v3agent.c's traps, responses and
 * inform acknowledgements), started at random values on first use: one
 * pair, so that no two messages under the same key share a salt.  0 or
 * WN_E_IO.  [locked] */
int wn_ws_v3_salt(struct wn_usm_salt **out);
/* What the engine cache knows of the agent at addr (its engine ID, and
 * its clock when time_known), in *out: 0, or WN_E_NOTFOUND when it was
 * never discovered, is being discovered again, or was forgotten.
 * [locked] */
int wn_ws_v3_engine_cached(const struct sockaddr *addr, socklen_t addrlen,
                           struct wn_usm_engine *out);
/* For tests: 1 when no byte of a plaintext the engine handled is left
 * in its buffers (the scratch of encryption and decryption, the v2c form
 * of responses), 0 otherwise. [locked] */
int wn_ws_v3_scratch_clear(void);
/* SnmpCleanup: forgets every agent. [locked] */
void wn_ws_v3_shutdown(void);

#endif /* WN_WS_ENGV3_H */
