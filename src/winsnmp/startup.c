/* startup.c: SnmpStartup/Cleanup (plain and counted Ex forms), the mode getters and setters, SnmpGetLastError and vendor info. */
#include "winsnmp_int.h"

#include <stdlib.h>
#include <string.h>

/* Startup bookkeeping [locked]: the leaf state (lock, modes, request ids)
 * is in state.c. */
static struct {
    int stopping;              /* a teardown is in progress */
    int plain;                 /* a plain SnmpStartup is outstanding */
    uint32_t ex_count;         /* outstanding SnmpStartupEx calls */
    struct wn_ws_limits lim;
} st;

/* A positive decimal from the environment, or def when unset; a bad value
 * is logged and ignored. */
static uint32_t
env_limit(const char *name, uint32_t def, uint32_t max)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || n == 0 || n > max || v[0] == '-') {
        wn_log(WN_LOG_WARN, "winsnmp", "%s=%s ignored (want 1..%u)", name, v, max);
        return def;
    }
    return (uint32_t)n;
}

static int
init_locked(void)
{
    memset(&st.lim, 0, sizeof st.lim);
    st.lim.max_sessions = env_limit("WSNMP_MAX_SESSIONS", WN_WS_DEFAULT_MAX_SESSIONS,
                                    WN_WS_HANDLE_INDEX_MAX / 2);
    st.lim.max_handles = env_limit("WSNMP_MAX_HANDLES", WN_WS_DEFAULT_MAX_HANDLES,
                                   WN_WS_HANDLE_INDEX_MAX / 2);
    st.lim.max_handles_per_session =
        env_limit("WSNMP_MAX_HANDLES_PER_SESSION", WN_WS_DEFAULT_MAX_HANDLES_PER_SESSION,
                  WN_WS_HANDLE_INDEX_MAX / 2);
    int rc = wn_ws_table_init(&st.lim);
    if (rc < 0)
        return rc;
    uint32_t r = 0;
    if (wn_random(&r, sizeof r) < 0)
        r = (uint32_t)wn_clock_ms();
    wn_ws_seed_request_id(r);
    wn_ws_set_translate_mode(SNMPAPI_UNTRANSLATED_V1);
    wn_ws_set_retransmit_mode(SNMPAPI_ON);
    rc = wn_ws_net_startup();
    if (rc < 0) {
        wn_ws_table_destroy();
        wn_ws_obj_cache_drain();
        return rc;
    }
    wn_ws_set_ready(1);
    return 0;
}

static void
fill_outs(smiLPUINT32 major, smiLPUINT32 minor, smiLPUINT32 level, smiLPUINT32 tmode,
          smiLPUINT32 rmode)
{
    if (major)
        *major = 2;
    if (minor)
        *minor = 0;
    if (level)
        *level = SNMPAPI_V2_SUPPORT;
    if (tmode)
        *tmode = wn_ws_translate_mode();
    if (rmode)
        *rmode = wn_ws_retransmit_mode();
}

static SNMPAPI_STATUS
startup(int counted, smiLPUINT32 major, smiLPUINT32 minor, smiLPUINT32 level,
        smiLPUINT32 tmode, smiLPUINT32 rmode)
{
    wn_ws_lock();
    while (st.stopping) {
        /* A callback cannot wait for a teardown that waits for the I/O
         * thread it runs on (another thread's SnmpCleanup): that would
         * deadlock both. */
        if (wn_ws_net_on_io_thread())
            return wn_ws_unlock_fail(NULL, SNMPAPI_OTHER_ERROR);
        wn_ws_stopped_wait();
    }
    if (!wn_ws_ready()) {
        int rc = init_locked();
        if (rc < 0)
            return wn_ws_unlock_fail(NULL, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
    }
    if (counted) {
        if (st.ex_count == UINT32_MAX)
            return wn_ws_unlock_fail(NULL, SNMPAPI_OTHER_ERROR);
        st.ex_count++;
    } else {
        st.plain = 1;
    }
    fill_outs(major, minor, level, tmode, rmode);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpStartup(smiLPUINT32 nMajorVersion, smiLPUINT32 nMinorVersion, smiLPUINT32 nLevel,
            smiLPUINT32 nTranslateMode, smiLPUINT32 nRetransmitMode)
{
    return startup(0, nMajorVersion, nMinorVersion, nLevel, nTranslateMode, nRetransmitMode);
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpStartupEx(smiLPUINT32 nMajorVersion, smiLPUINT32 nMinorVersion, smiLPUINT32 nLevel,
              smiLPUINT32 nTranslateMode, smiLPUINT32 nRetransmitMode)
{
    return startup(1, nMajorVersion, nMinorVersion, nLevel, nTranslateMode, nRetransmitMode);
}

/* Full teardown: stop the engine without the lock, then free everything. */
static void
teardown_and_unlock(void)
{
    wn_ws_set_ready(0);
    st.plain = 0;
    st.ex_count = 0;
    st.stopping = 1;
    wn_ws_unlock();
    wn_ws_net_shutdown();
    wn_ws_lock();
    wn_ws_table_destroy();
    wn_ws_obj_cache_drain();
    wn_ws_desc_free_all();
    st.stopping = 0;
    wn_ws_stopped_signal();
    wn_ws_unlock();
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpCleanup(void)
{
    WN_WS_ENTER();
    teardown_and_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpCleanupEx(void)
{
    WN_WS_ENTER();
    if (st.ex_count > 0)
        st.ex_count--;
    else
        st.plain = 0;
    if (st.ex_count == 0 && !st.plain) {
        teardown_and_unlock();
        return SNMPAPI_SUCCESS;
    }
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpGetTranslateMode(smiLPUINT32 nTranslateMode)
{
    WN_WS_ENTER();
    if (!nTranslateMode)   /* the only out: nothing to do */
        return wn_ws_unlock_fail(NULL, SNMPAPI_NOOP);
    *nTranslateMode = wn_ws_translate_mode();
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSetTranslateMode(smiUINT32 nTranslateMode)
{
    WN_WS_ENTER();
    if (nTranslateMode != SNMPAPI_TRANSLATED && nTranslateMode != SNMPAPI_UNTRANSLATED_V1 &&
        nTranslateMode != SNMPAPI_UNTRANSLATED_V2)
        return wn_ws_unlock_fail(NULL, SNMPAPI_MODE_INVALID);
    wn_ws_set_translate_mode(nTranslateMode);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpGetRetransmitMode(smiLPUINT32 nRetransmitMode)
{
    WN_WS_ENTER();
    if (!nRetransmitMode)   /* the only out: nothing to do */
        return wn_ws_unlock_fail(NULL, SNMPAPI_NOOP);
    *nRetransmitMode = wn_ws_retransmit_mode();
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSetRetransmitMode(smiUINT32 nRetransmitMode)
{
    WN_WS_ENTER();
    if (nRetransmitMode != SNMPAPI_ON && nRetransmitMode != SNMPAPI_OFF)
        return wn_ws_unlock_fail(NULL, SNMPAPI_MODE_INVALID);
    wn_ws_set_retransmit_mode(nRetransmitMode);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

static void
copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpGetVendorInfo(smiLPVENDORINFO vendorInfo)
{
    WN_WS_ENTER();
    if (!vendorInfo)
        return wn_ws_unlock_fail(NULL, SNMPAPI_NOOP);
    memset(vendorInfo, 0, sizeof *vendorInfo);
    copy_str(vendorInfo->vendorName, sizeof vendorInfo->vendorName,
             "winnetmgmt libwsnmp for Linux");
    copy_str(vendorInfo->vendorContact, sizeof vendorInfo->vendorContact,
             "see the project README");
    copy_str(vendorInfo->vendorVersionId, sizeof vendorInfo->vendorVersionId, "0.1.0");
    copy_str(vendorInfo->vendorVersionDate, sizeof vendorInfo->vendorVersionDate,
             "2026-11-26");
    vendorInfo->vendorEnterprise = 0; /* no IANA enterprise number assigned */
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpGetLastError(HSNMP_SESSION session)
{
    if (session == NULL)
        return wn_ws_task_error();
    smiUINT32 r;
    wn_ws_lock();
    if (!wn_ws_ready()) {
        r = SNMPAPI_NOT_INITIALIZED;
    } else {
        struct wn_ws_session *s = wn_ws_session_get(session);
        /* A handle that is not an open session: report that, as the task
         * error would (the spec has no other way to say it). */
        r = s ? s->last_error : SNMPAPI_SESSION_INVALID;
    }
    wn_ws_unlock();
    return r;
}
