/* startup.c: SnmpStartup/Cleanup (plain and counted Ex forms), process-wide modes, limits and vendor info. */
#include "winsnmp_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t ws_mutex = PTHREAD_MUTEX_INITIALIZER;
/* Signalled when a teardown, which drops the lock while the engine stops,
 * has finished: a startup in that window waits for it. */
static pthread_cond_t ws_stopped = PTHREAD_COND_INITIALIZER;
/* Signalled when a callback returns (SnmpClose waits for its session's). */
static pthread_cond_t ws_cb_ended = PTHREAD_COND_INITIALIZER;

static struct {
    int ready;                 /* initialised */
    int stopping;              /* a teardown is in progress */
    int plain;                 /* a plain SnmpStartup is outstanding */
    uint32_t ex_count;         /* outstanding SnmpStartupEx calls */
    smiUINT32 translate;
    smiUINT32 retransmit;
    struct wn_ws_limits lim;
    uint32_t next_reqid;
} st;

void
wn_ws_lock(void)
{
    pthread_mutex_lock(&ws_mutex);
}

void
wn_ws_unlock(void)
{
    pthread_mutex_unlock(&ws_mutex);
}

void
wn_ws_callback_wait(void)
{
    pthread_cond_wait(&ws_cb_ended, &ws_mutex);
}

void
wn_ws_callback_ended(void)
{
    pthread_cond_broadcast(&ws_cb_ended);
}

int
wn_ws_ready(void)
{
    return st.ready;
}

smiUINT32
wn_ws_translate_mode(void)
{
    return st.translate;
}

smiUINT32
wn_ws_retransmit_mode(void)
{
    return st.retransmit;
}

smiINT32
wn_ws_next_request_id(void)
{
    st.next_reqid = (st.next_reqid + 1) & 0x7fffffffu;
    if (st.next_reqid == 0)
        st.next_reqid = 1;
    return (smiINT32)st.next_reqid;
}

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
    st.next_reqid = r & 0x00ffffffu; /* leaves room before wrapping */
    st.translate = SNMPAPI_UNTRANSLATED_V1;
    st.retransmit = SNMPAPI_ON;
    rc = wn_ws_net_startup();
    if (rc < 0) {
        wn_ws_table_destroy();
        return rc;
    }
    st.ready = 1;
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
        *tmode = st.translate;
    if (rmode)
        *rmode = st.retransmit;
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
        pthread_cond_wait(&ws_stopped, &ws_mutex);
    }
    if (!st.ready) {
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
    st.ready = 0;
    st.plain = 0;
    st.ex_count = 0;
    st.stopping = 1;
    wn_ws_unlock();
    wn_ws_net_shutdown();
    wn_ws_lock();
    wn_ws_table_destroy();
    wn_ws_desc_free_all();
    st.stopping = 0;
    pthread_cond_broadcast(&ws_stopped);
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
    if (!nTranslateMode)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ALLOC_ERROR);
    *nTranslateMode = st.translate;
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
    st.translate = nTranslateMode;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpGetRetransmitMode(smiLPUINT32 nRetransmitMode)
{
    WN_WS_ENTER();
    if (!nRetransmitMode)
        return wn_ws_unlock_fail(NULL, SNMPAPI_ALLOC_ERROR);
    *nRetransmitMode = st.retransmit;
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpSetRetransmitMode(smiUINT32 nRetransmitMode)
{
    WN_WS_ENTER();
    if (nRetransmitMode != SNMPAPI_ON && nRetransmitMode != SNMPAPI_OFF)
        return wn_ws_unlock_fail(NULL, SNMPAPI_MODE_INVALID);
    st.retransmit = nRetransmitMode;
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
