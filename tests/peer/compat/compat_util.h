/* compat_util.h: helpers of the Windows-compatibility peer tests (silent sockets, one GET with the handles SnmpRecvMsg gives back). */
#ifndef COMPAT_UTIL_H
#define COMPAT_UTIL_H

#include "wire_util.h"

/* What every test program here sets up: the peers, SnmpStartup, one
 * callback session (events in ev), and "127.0.0.1:<snmpd port>". */
struct compat_fx {
    struct wire_peers peers;
    struct wire_events ev;
    HSNMP_SESSION sess;
    char agent[64];
};
/* Starts the wanted peers, then the library and the session.  0 or -1
 * (then call compat_fx_stop). */
int compat_fx_start(struct compat_fx *f, int want_snmpd, int want_trapd);
/* Closes the session, cleans up, stops the peers.  0 or -1. */
int compat_fx_stop(struct compat_fx *f);
/* cmocka group setup / teardown of the programs that need only snmpd:
 * compat_fx_start(&compat_snmpd_fx, 1, 0) and its stop. */
extern struct compat_fx compat_snmpd_fx;
int compat_snmpd_setup(void **state);
int compat_snmpd_teardown(void **state);

/* A UDP socket bound to 127.0.0.1 on a free port that never answers;
 * *port receives the port.  The fd, or -1. */
int compat_silent_socket(unsigned *port);

/* What SnmpRecvMsg handed back for one request. */
struct compat_reply {
    SNMPAPI_STATUS recv_rc;       /* SnmpRecvMsg's return */
    smiUINT32 recv_err;           /* SnmpGetLastError(session) when it failed */
    WPARAM wparam;                /* of the notification */
    HSNMP_ENTITY src, dst;        /* owned by the caller (SnmpFreeEntity) */
    HSNMP_CONTEXT ctx;            /* owned by the caller (SnmpFreeContext) */
    HSNMP_PDU pdu;                /* owned by the caller (SnmpFreePdu) */
    smiINT32 rid;                 /* the request's id */
    char value[256];              /* first varbind's value as text (responses) */
};

/* Sends a GET for `oid` from srcEntity (may be NULL) to dst with ctx;
 * returns its request id (fails the test when SnmpSendMsg fails). */
smiINT32 compat_send_get(HSNMP_SESSION s, HSNMP_ENTITY src, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx,
                         const char *oid);

/* Sends a GET for `oid` from srcEntity (may be NULL) to dst with ctx on a
 * callback session s, waits up to timeout_ms for its notification and
 * calls SnmpRecvMsg once.  0, or -1 when no notification came. */
int compat_get(HSNMP_SESSION s, struct wire_events *e, HSNMP_ENTITY src, HSNMP_ENTITY dst,
               HSNMP_CONTEXT ctx, const char *oid, unsigned timeout_ms, struct compat_reply *r);
/* Frees the reply's PDU (entities and contexts are the test's business:
 * freeing a received handle is part of what some tests check). */
void compat_reply_free(struct compat_reply *r);
/* Frees every handle of the reply: entities, context and PDU. */
void compat_reply_release(struct compat_reply *r);

#endif /* COMPAT_UTIL_H */
