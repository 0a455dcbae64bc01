/* wsnmp_ext.h: libwsnmp extensions beyond WinSNMP 2.0 (waiting without a callback, window-mode delivery, statistics, trap port, zero-copy varbinds). */
#ifndef WSNMP_EXT_H
#define WSNMP_EXT_H

#include <stddef.h>
#include <stdint.h>
#include <winsnmp.h>

#ifdef __cplusplus
extern "C" {
#endif
WN_PUBLIC_BEGIN

/* SNMPv3 errors in the notification path (docs/snmpv3.md): a v3 request
 * that an agent refused with a Report ends with one of these in the
 * notification's wParam and from SnmpRecvMsg / SnmpGetLastError.  The
 * values are those of the WinSNMP 3.0 addendum (as in the MinGW.org and
 * ReactOS headers); Microsoft's <winsnmp.h> lacks them. */
#ifndef SNMPAPI_RPT_INVALIDMSG
#define SNMPAPI_RPT_INVALIDMSG 200
#define SNMPAPI_RPT_INASNPARSEERR 201
#define SNMPAPI_RPT_UNKNOWNSECMODEL 202
#define SNMPAPI_RPT_UNKNOWNENGINEID 203
#define SNMPAPI_RPT_UNSUPPSECLEVEL 204
#define SNMPAPI_RPT_UNKNOWNUSERNAME 205
#define SNMPAPI_RPT_WRONGDIGEST 206
#define SNMPAPI_RPT_NOTINTIMEWINDOW 207
#define SNMPAPI_RPT_DECRYPTIONERROR 208
#define SNMPAPI_RPT_OTHER 299
#endif

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
    uint64_t dropped_queue_full; /* messages for a session whose queue held
                                    WN_WSNMP_MAX_QUEUE already (traps, agent
                                    requests, responses): dropped, not queued;
                                    a request whose response is dropped ends
                                    with SNMPAPI_TL_RESOURCE_ERROR */
    /* SNMPv3 messages that reached our listeners (traps, informs,
     * SnmpListen requests) and were refused by the USM, never delivered:
     * the usmStats counters of RFC 3414 (our local engine's), and the
     * reports we sent about them (docs/snmpv3.md). */
    uint64_t v3_dropped;              /* all refusals, the six below included */
    uint64_t v3_unsupported_sec_levels;
    uint64_t v3_not_in_time_windows;
    uint64_t v3_unknown_user_names;
    uint64_t v3_unknown_engine_ids;   /* discovery probes included */
    uint64_t v3_wrong_digests;
    uint64_t v3_decryption_errors;
    uint64_t v3_reports_sent;
};
/* The most messages one session queues before SnmpRecvMsg takes them. */
#define WN_WSNMP_MAX_QUEUE 65536u
/* Reads the counters into *out, whose size the caller gives: the struct
 * grows at its end, and a program compiled against an older header passes
 * the older size.  The library writes min(size, its own sizeof) bytes of
 * counters and zeroes the rest of the caller's size (counters a newer
 * header has and this library does not), never past `size`.  Returns the
 * number of bytes of counters it wrote; 0 when out is NULL. */
size_t wn_wsnmp_get_stats_sized(struct wn_wsnmp_stats *out, size_t size);
/* The form to call: passes the size of the struct the caller was compiled
 * with.  (The exported function of this name, left for programs built
 * before the size parameter, writes the counters up to informs_acked only,
 * the struct as those programs knew it.) */
#define wn_wsnmp_get_stats(out) wn_wsnmp_get_stats_sized((out), sizeof *(out))

/* The UDP port SnmpRegister listens on for traps and informs.  Default
 * 162, or WSNMP_TRAP_PORT from the environment at SnmpStartup (a value
 * that is not a port 1..65535 is refused: one line on stderr, and
 * SnmpRegister fails with SNMPAPI_TL_INVALID_PARAM until this function
 * sets a valid port).  Takes effect the next time the trap port is
 * opened: by the first SnmpRegister while no registration is active.
 * While registrations exist the port already open stays in use.
 * SNMPAPI_TL_INVALID_PARAM for 0 or a value above 65535. */
SNMPAPI_STATUS wn_wsnmp_set_trap_port(smiUINT32 port);

/* The friendly name of the context an entity is usually used with: the
 * `community=` field of the database's entity line (docs/winsnmp.md,
 * "Translated mode"), for an entity made by SnmpStrToEntity in
 * SNMPAPI_TRANSLATED mode.  Pass the name to SnmpStrToContext in
 * SNMPAPI_TRANSLATED mode to get the context (its `context` line gives
 * the community, or the contextName for SNMPv3).  On success *name is a
 * descriptor owned by the caller: free it with SnmpFreeDescriptor
 * (SNMP_SYNTAX_OCTETS).  An entity without one (no `community=`, or not
 * made from the database) fails with SNMPAPI_NOOP as the last error and
 * *name set to {0, NULL}; name NULL fails with SNMPAPI_NOOP too; an
 * invalid handle with SNMPAPI_ENTITY_INVALID. */
SNMPAPI_STATUS wn_wsnmp_entity_default_context(HSNMP_ENTITY entity, smiLPOCTETS name);

/* ------------------------------------------------------------------------
 * Window-mode sessions: SnmpOpen(hWnd, wMsg) and SnmpCreateSession(hWnd,
 * wMsg, NULL, ...).  Windows posts wMsg to hWnd where a callback session
 * would be called, with the same wParam (0: a message is waiting, call
 * SnmpRecvMsg; else an SNMPAPI_TL_* code) and lParam (the request id).
 * Linux has no windows, so such a post goes to one of two places:
 *
 *  (a) the post hook, when one is set: a host that has windows (Wine's
 *      user32, a GUI toolkit) plugs its PostMessage in here;
 *  (b) otherwise the library's own message queue below, which a ported
 *      message loop reads instead of GetMessage (a one-line change):
 *
 *          WN_WSNMP_MSG msg;
 *          while (wn_wsnmp_get_message(&msg, NULL, 0, 0, WN_WSNMP_INFINITE) > 0)
 *              DispatchMessage-or-WndProc(msg.hwnd, msg.message, msg.wParam, msg.lParam);
 *
 * Posts happen on the library's I/O thread, never inside the API call that
 * caused them and never with a library lock held.  The queue may be read
 * on any thread, but not with a blocking wait from a callback or the hook
 * (they run on the I/O thread, which would then post nothing more).
 * ---------------------------------------------------------------------- */

/* The post hook: the PostMessage shape.  Return non-zero when posted; a
 * zero return is logged and the notification is lost, as a failed
 * PostMessage is on Windows (the message stays queued for SnmpRecvMsg). */
typedef int (*WN_WSNMP_POST_HOOK)(HWND hWnd, UINT wMsg, WPARAM wParam, LPARAM lParam);

/* Sets the process-wide post hook (NULL: back to the built-in queue).
 * Meant to be set once, before the first window-mode session opens; it
 * takes effect for notifications made after the call (one being posted
 * at that moment may still reach the previous hook).  May be called
 * before SnmpStartup.  Always SNMPAPI_SUCCESS. */
SNMPAPI_STATUS wn_wsnmp_set_post_hook(WN_WSNMP_POST_HOOK hook);

/* One message of the built-in queue: the first fields of Win32's MSG. */
typedef struct wn_wsnmp_msg {
    HWND hwnd;                /* the hWnd given to SnmpOpen / SnmpCreateSession */
    UINT message;             /* its wMsg */
    WPARAM wParam;
    LPARAM lParam;
    DWORD time;               /* milliseconds of a monotonic clock at the post */
} WN_WSNMP_MSG;

#define WN_WSNMP_INFINITE 0xFFFFFFFFu
/* The WM_QUIT value: wn_wsnmp_get_message returns 0 when it takes it. */
#define WN_WSNMP_WM_QUIT 0x0012u
/* PeekMessage's wRemoveMsg values. */
#define WN_WSNMP_PM_NOREMOVE 0x0000u
#define WN_WSNMP_PM_REMOVE 0x0001u
/* Messages the queue holds at most (Windows' per-thread default); a post
 * to a full queue is dropped and logged (the message itself stays queued
 * for SnmpRecvMsg). */
#define WN_WSNMP_MAX_POSTED 10000u

/* GetMessage with a timeout: takes the oldest message for hWnd (NULL: any
 * window) whose message number lies in [wMsgFilterMin, wMsgFilterMax]
 * (both 0: any), waiting up to timeout_ms (WN_WSNMP_INFINITE: for ever).
 * Returns 1 with *msg filled; 0 when the message taken is WN_WSNMP_WM_QUIT;
 * -1 when nothing was taken (the timeout passed, or msg is NULL), with
 * SnmpGetLastError(NULL) = SNMPAPI_NOOP.  msg is borrowed.  Needs no
 * SnmpStartup. */
int wn_wsnmp_get_message(WN_WSNMP_MSG *msg, HWND hWnd, UINT wMsgFilterMin,
                         UINT wMsgFilterMax, smiUINT32 timeout_ms);

/* PeekMessage: the same selection without waiting.  Non-zero when a
 * message was there (removed when wRemoveMsg is WN_WSNMP_PM_REMOVE), 0
 * when none (msg untouched). */
int wn_wsnmp_peek_message(WN_WSNMP_MSG *msg, HWND hWnd, UINT wMsgFilterMin,
                          UINT wMsgFilterMax, UINT wRemoveMsg);

/* PostMessage into the built-in queue (for the application's own
 * messages, e.g. WN_WSNMP_WM_QUIT to end a loop).  Non-zero when queued,
 * 0 when the queue is full. */
int wn_wsnmp_post_message(HWND hWnd, UINT wMsg, WPARAM wParam, LPARAM lParam);

/* A file descriptor that is readable while the built-in queue holds a
 * message (for poll/select/epoll next to other fds).  Owned by the
 * library, valid for the life of the process; do not read or close it.
 * -1 when it cannot be made. */
int wn_wsnmp_message_fd(void);

/* ------------------------------------------------------------------------
 * Zero-copy access to a PDU's varbinds.
 *
 * SnmpGetPduData + SnmpGetVb hand out copies: a new VBL, and a new name
 * (and string or OID value) descriptor per varbind that the program frees.
 * A program that only reads a response can instead borrow the varbinds
 * the PDU holds (those SnmpRecvMsg or SnmpDecodeMsg decoded, one decode
 * for the whole message):
 *
 *     const WN_WSNMP_VB *vb;
 *     smiUINT32 n;
 *     if (wn_wsnmp_borrow_varbinds(pdu, &vb, &n) == SNMPAPI_SUCCESS)
 *         for (smiUINT32 i = 0; i < n; i++)
 *             use(&vb[i].name, &vb[i].value);
 *     SnmpFreePdu(pdu);    // vb is gone from here on
 * ---------------------------------------------------------------------- */

/* One borrowed varbind: the name and the value as SnmpGetVb would give
 * them, pointing into memory the PDU owns. */
typedef struct wn_wsnmp_vb {
    smiOID name;
    smiVALUE value;
    smiUINT32 reserved;     /* the library's; neither read nor write it */
} WN_WSNMP_VB;

/* Points *vbs at the PDU's own array of *count varbinds (NULL and 0 for a
 * PDU without varbinds): no allocation, no copy.  Everything reached
 * through *vbs is borrowed from the PDU, read-only (do not write it, do
 * not pass it to SnmpFreeDescriptor), and stays valid until the PDU's
 * varbinds go: SnmpFreePdu of this PDU, SnmpSetPduData of it with a
 * varbindlist, SnmpClose of its session or the final SnmpCleanup.
 * Nothing else invalidates it (not freeing a VBL SnmpGetPduData made from
 * the PDU, not changing that VBL).  Reading it while another thread frees
 * the PDU is the program's race, as with any freed handle.
 * SNMPAPI_FAILURE with SNMPAPI_PDU_INVALID (not a PDU), SNMPAPI_NOOP
 * (vbs or count NULL), SNMPAPI_NOT_INITIALIZED. */
SNMPAPI_STATUS wn_wsnmp_borrow_varbinds(HSNMP_PDU PDU, const WN_WSNMP_VB **vbs,
                                        smiUINT32 *count);

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
