/* wire_util.h: the WinSNMP side of the wire tests (callback events, SMI helpers, synchronous requests). */
#ifndef WIRE_UTIL_H
#define WIRE_UTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "wire_tool.h"

/* ---- callback events (callbacks run on the library's I/O thread) ---- */
struct wire_event {
    HSNMP_SESSION session;
    WPARAM wparam;
    LPARAM lparam;
};

#define WIRE_MAX_EVENTS 4096
struct wire_events {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct wire_event ev[WIRE_MAX_EVENTS];
    unsigned head, tail;    /* queue of not yet taken events */
    unsigned total;         /* events ever delivered */
    /* When set, called on the I/O thread instead of queueing (agent role). */
    void (*handler)(struct wire_events *e, HSNMP_SESSION s, WPARAM w, LPARAM l);
    void *handler_data;
};

void wire_events_init(struct wire_events *e);
void wire_events_destroy(struct wire_events *e);
/* The SNMPAPI_CALLBACK to pass to SnmpCreateSession with lpClientData = e. */
SNMPAPI_STATUS CALLBACK wire_events_cb(HSNMP_SESSION s, HWND hwnd, UINT msg, WPARAM w,
                                      LPARAM l, LPVOID data);
/* Takes the oldest queued event, waiting up to timeout_ms.  0, or -1 on timeout. */
int wire_events_wait(struct wire_events *e, unsigned timeout_ms, struct wire_event *out);
unsigned wire_events_total(struct wire_events *e);
/* SnmpStartup, e initialised, *s a session whose callback queues into e:
 * 0 or -1.  wire_session_close: SnmpClose, SnmpCleanup, e destroyed. */
int wire_session_open(struct wire_events *e, HSNMP_SESSION *s);
void wire_session_close(struct wire_events *e, HSNMP_SESSION s);

/* ---- SMI helpers (fail the test on API failure) ---- */
/* Parses "1.3.6..." (a leading '.' is allowed); out->ptr is returned-owned
 * by the library: release with wire_oid_free. */
void wire_oid(const char *dotted, smiOID *out);
void wire_oid_free(smiOID *o);
/* "1.3.6.1..." with a leading '.', into buf. */
void wire_oid_str(const smiOID *o, char *buf, size_t n);
/* Canonical "TYPE: value" text of a value, comparable with wire_parse_tool_line. */
void wire_value_str(const smiVALUE *v, char *buf, size_t n);
/* Frees the descriptor inside a value from SnmpGetVb (OID / octets kinds). */
void wire_value_free(smiVALUE *v);

/* Entity in the given translate mode (SNMPAPI_UNTRANSLATED_V1/_V2). */
HSNMP_ENTITY wire_entity(HSNMP_SESSION s, smiUINT32 mode, const char *addr);
HSNMP_CONTEXT wire_context(HSNMP_SESSION s, smiUINT32 mode, const char *community);

/* Builds and sends one PDU (request id chosen by the library, returned in
 * *rid).  0, or -1 if SnmpSendMsg failed. */
int wire_send(HSNMP_SESSION s, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, smiINT type, smiINT nonrep,
              smiINT maxrep, const char *const *names, const char *const *values, smiINT32 *rid);
/* The same with a srcEntity (may be NULL). */
int wire_send_from(HSNMP_SESSION s, HSNMP_ENTITY src, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx,
                   smiINT type, smiINT nonrep, smiINT maxrep, const char *const *names,
                   const char *const *values, smiINT32 *rid);

/* Sends a request PDU and waits for its response (callback wParam 0 then
 * SnmpRecvMsg, skipping other request ids).  Fills up to max varbinds into
 * vbs, *n_out, *err_status, *err_index.  Returns 0, -1 on failure/timeout.
 * names: NULL-terminated list of dotted OIDs; values: NULL or parallel list
 * of "s:text" / "i:number" / "t:timeticks" / "o:oid" (Set, notifications). */
int wire_request(HSNMP_SESSION s, struct wire_events *e, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx,
                 smiINT type, smiINT nonrep, smiINT maxrep, const char *const *names,
                 const char *const *values, struct wire_vb *vbs, size_t max, size_t *n_out,
                 smiINT *err_status, smiINT *err_index, unsigned timeout_ms);

/* Waits for the next queued message of s (callback wParam 0, then
 * SnmpRecvMsg), whatever its type; fills type, request id and varbinds.
 * 0, or -1 on timeout. */
int wire_recv(HSNMP_SESSION s, struct wire_events *e, unsigned timeout_ms, smiINT *type,
              smiINT32 *rid, struct wire_vb *vbs, size_t max, size_t *n_out);

#endif /* WIRE_UTIL_H */
