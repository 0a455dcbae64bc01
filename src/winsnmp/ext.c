/* ext.c: the libwsnmp extensions of wsnmp_ext.h (statistics, trap port, pollable fd, blocking wait). */
#include "engine_int.h"
#include "v3int.h"

#include <poll.h>
#include <stddef.h>
#include <string.h>

#include "wsnmp_ext.h"

/* ------------------------------------------------------------------------
 * Extensions (wsnmp_ext.h).
 * ---------------------------------------------------------------------- */
struct stats_call {
    struct wn_wsnmp_stats out;
};

static void
stats_on_loop(void *arg)
{
    struct stats_call *c = arg;
    wn_ws_lock();
    struct wn_dgram_stats acc = wn_ws_eng.closed;
    for (int i = 0; i < 2; i++) {
        if (wn_ws_eng.mgr[i]) {
            struct wn_dgram_stats st;
            wn_dgram_sock_stats(wn_ws_eng.mgr[i], &st);
            wn_ws_eng_add_stats(&acc, &st);
        }
    }
    for (unsigned i = 0; i < WN_WS_MAX_LISTENERS; i++) {
        if (wn_ws_eng.lst[i].sock) {
            struct wn_dgram_stats st;
            wn_dgram_sock_stats(wn_ws_eng.lst[i].sock, &st);
            wn_ws_eng_add_stats(&acc, &st);
        }
    }
    c->out.rx = acc.rx;
    c->out.tx = acc.tx;
    c->out.retransmits = acc.retransmits;
    c->out.timeouts = acc.timeouts;
    c->out.dropped_malformed = wn_ws_eng.c[WN_WS_C_MALFORMED] + acc.rx_errors;
    c->out.dropped_stray = wn_ws_eng.c[WN_WS_C_STRAY] + acc.stray;
    c->out.traps_received = wn_ws_eng.c[WN_WS_C_TRAP];
    c->out.informs_acked = wn_ws_eng.c[WN_WS_C_INFORM_ACK];
    c->out.dropped_queue_full = wn_ws_eng.c[WN_WS_C_QFULL];
    c->out.v3_dropped = wn_ws_v3_c.dropped;
    c->out.v3_unsupported_sec_levels = wn_ws_v3_c.unsupported_sec_levels;
    c->out.v3_not_in_time_windows = wn_ws_v3_c.not_in_time_windows;
    c->out.v3_unknown_user_names = wn_ws_v3_c.unknown_user_names;
    c->out.v3_unknown_engine_ids = wn_ws_v3_c.unknown_engine_ids;
    c->out.v3_wrong_digests = wn_ws_v3_c.wrong_digests;
    c->out.v3_decryption_errors = wn_ws_v3_c.decryption_errors;
    c->out.v3_reports_sent = wn_ws_v3_c.reports_sent;
    wn_ws_unlock();
}

size_t
wn_wsnmp_get_stats_sized(struct wn_wsnmp_stats *out, size_t size)
{
    if (!out)
        return 0;
    struct stats_call c;
    memset(&c, 0, sizeof c);
    wn_ws_lock();
    struct wn_evloop *l = wn_ws_eng_loop_ref();
    wn_ws_unlock();
    if (l) {
        if (wn_evloop_call(l, stats_on_loop, &c) != 0)
            memset(&c, 0, sizeof c);
        wn_evloop_release(l);
    }
    /* only the caller's bytes: its struct may be older (smaller) or newer */
    size_t n = size < sizeof c.out ? size : sizeof c.out;
    memcpy(out, &c.out, n);
    if (size > n)
        memset((unsigned char *)out + n, 0, size - n);
    return n;
}

/* The function programs built before the size parameter call (the header
 * makes the name a macro for everyone else): the struct they know ends
 * after informs_acked. */
#define WN_WSNMP_STATS_SIZE_V0 offsetof(struct wn_wsnmp_stats, dropped_queue_full)
#undef wn_wsnmp_get_stats
void wn_wsnmp_get_stats(struct wn_wsnmp_stats *out) __attribute__((visibility("default")));

void
wn_wsnmp_get_stats(struct wn_wsnmp_stats *out)
{
    wn_wsnmp_get_stats_sized(out, WN_WSNMP_STATS_SIZE_V0);
}

SNMPAPI_STATUS SNMPAPI_CALL
wn_wsnmp_set_trap_port(smiUINT32 port)
{
    WN_WS_ENTER();
    if (port == 0 || port > 65535)
        return wn_ws_unlock_fail(NULL, SNMPAPI_TL_INVALID_PARAM);
    wn_ws_eng.trap_port = (uint16_t)port;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

int
wn_wsnmp_session_fd(HSNMP_SESSION session)
{
    wn_ws_lock();
    if (!wn_ws_ready()) {
        wn_ws_unlock_fail(NULL, SNMPAPI_NOT_INITIALIZED);
        return -1;
    }
    struct wn_ws_session *s = wn_ws_session_get(session);
    struct wn_ws_sess_eng *se;
    if (!s) {
        wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        return -1;
    }
    int rc = wn_ws_eng_session(s, &se);
    if (rc < 0) {
        wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        return -1;
    }
    int fd = wn_ws_eng_session_efd(se);
    if (fd < 0) {
        wn_ws_unlock_fail(s, wn_ws_map_err(fd, SNMPAPI_TL_RESOURCE_ERROR));
        return -1;
    }
    wn_ws_unlock();
    return fd;
}

SNMPAPI_STATUS SNMPAPI_CALL
wn_wsnmp_wait(HSNMP_SESSION session, smiUINT32 timeout_ms)
{
    uint64_t deadline = wn_clock_ms() + timeout_ms;
    for (;;) {
        WN_WS_ENTER();
        struct wn_ws_session *s = wn_ws_session_get(session);
        if (!s)
            return wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
        struct wn_ws_sess_eng *se;
        int rc = wn_ws_eng_session(s, &se);
        if (rc < 0)
            return wn_ws_unlock_fail(s, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        int fd = wn_ws_eng_session_efd(se);
        if (fd < 0)
            return wn_ws_unlock_fail(s, wn_ws_map_err(fd, SNMPAPI_TL_RESOURCE_ERROR));
        int queued = se->qlen > 0;
        wn_ws_unlock();
        if (queued)
            return SNMPAPI_SUCCESS;
        uint64_t now = wn_clock_ms();
        if (now >= deadline)
            return SNMPAPI_NOOP;
        /* Short slices: a session closed meanwhile is noticed quickly. */
        uint64_t left = deadline - now;
        struct pollfd p = {fd, POLLIN, 0};
        (void)poll(&p, 1, (int)(left > 100 ? 100 : left));
    }
}
