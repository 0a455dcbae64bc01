/* wsnmp_ext.h: libwsnmp extensions beyond WinSNMP 2.0 (waiting without a callback, statistics, trap port). */
#ifndef WSNMP_EXT_H
#define WSNMP_EXT_H

#include <stdint.h>
#include <winsnmp.h>

#ifdef __cplusplus
extern "C" {
#endif
WN_PUBLIC_BEGIN

/* A file descriptor that becomes readable while the session has a queued
 * message or notification (what the callback would have been told about).
 * Owned by the session: do not close it; it is closed by SnmpClose.
 * Returns -1 and sets the session's last error on failure.  Reading it is
 * not needed: SnmpRecvMsg drains the queue and the fd follows. */
int wn_wsnmp_session_fd(HSNMP_SESSION session);

/* Blocks the calling thread until the session has something queued or
 * timeout_ms passes.  SNMPAPI_SUCCESS when something is queued,
 * SNMPAPI_NOOP on timeout, SNMPAPI_FAILURE on error (last error set). */
SNMPAPI_STATUS wn_wsnmp_wait(HSNMP_SESSION session, smiUINT32 timeout_ms);

/* Process-wide counters of the I/O engine, since the first SnmpStartup. */
struct wn_wsnmp_stats {
    uint64_t rx;                /* datagrams received */
    uint64_t tx;                /* datagrams sent, retransmissions included */
    uint64_t retransmits;       /* retransmissions */
    uint64_t timeouts;          /* requests that ran out of retries */
    uint64_t dropped_malformed; /* datagrams that did not decode */
    uint64_t dropped_stray;     /* responses that matched no outstanding request */
    uint64_t traps_received;    /* traps and informs delivered to a session */
    uint64_t informs_acked;     /* informs answered with a Response */
};
void wn_wsnmp_get_stats(struct wn_wsnmp_stats *out);

/* The UDP port SnmpRegister listens on for traps and informs.  Default
 * 162, or WSNMP_TRAP_PORT from the environment at SnmpStartup (a value
 * that is not a port 1..65535 is refused: one line on stderr, and
 * SnmpRegister fails with SNMPAPI_TL_INVALID_PARAM until this function
 * sets a valid port).  Takes effect the next time the trap port is
 * opened: by the first SnmpRegister while no registration is active.
 * While registrations exist the port already open stays in use.
 * SNMPAPI_TL_INVALID_PARAM for 0 or a value above 65535. */
SNMPAPI_STATUS wn_wsnmp_set_trap_port(smiUINT32 port);

/* The name and a one-sentence explanation of an SnmpGetLastError code,
 * e.g. "SNMPAPI_TL_TIMEOUT: no response from the agent before the last
 * retry timed out".  Never NULL: an unknown code gives a sentence saying
 * so.  The string is static (do not free).  Table: docs/winsnmp-errors.md. */
const char *wn_wsnmp_strerror(smiUINT32 code);

WN_PUBLIC_END
#ifdef __cplusplus
}
#endif

#endif /* WSNMP_EXT_H */
