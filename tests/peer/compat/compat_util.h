/* compat_util.h: helpers of the Windows-compatibility peer tests (silent sockets, one GET with the handles SnmpRecvMsg gives back). */
#ifndef COMPAT_UTIL_H
#define COMPAT_UTIL_H

#include "wire_util.h"

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

/* Sends a GET for `oid` from srcEntity (may be NULL) to dst with ctx on a
 * callback session s, waits up to timeout_ms for its notification and
 * calls SnmpRecvMsg once.  0, or -1 when no notification came. */
int compat_get(HSNMP_SESSION s, struct wire_events *e, HSNMP_ENTITY src, HSNMP_ENTITY dst,
               HSNMP_CONTEXT ctx, const char *oid, unsigned timeout_ms, struct compat_reply *r);
/* Frees the reply's PDU (entities and contexts are the test's business:
 * freeing a received handle is part of what the tests check). */
void compat_reply_free(struct compat_reply *r);

#endif /* COMPAT_UTIL_H */
