/* errors.c: the one place that maps internal WN_E_* errors to SNMPAPI_* codes and records last errors. */
#include "winsnmp_int.h"

/* Task-level last error: per thread (see docs/winsnmp.md, "Last errors"). */
static _Thread_local smiUINT32 task_error;

SNMPAPI_STATUS
wn_ws_fail(struct wn_ws_session *s, smiUINT32 code)
{
    task_error = code;
    if (s)
        s->last_error = code;
    return SNMPAPI_FAILURE;
}

smiUINT32
wn_ws_map_err(int err, smiUINT32 fallback)
{
    switch (err) {
    case WN_E_NOMEM:
    case WN_E_LIMIT:
        return SNMPAPI_ALLOC_ERROR;
    case WN_E_NOSPACE:
        return SNMPAPI_OUTPUT_TRUNCATED;
    case WN_E_STATE:
        return SNMPAPI_OPERATION_INVALID;
    case WN_E_UNSUPPORTED:
        return SNMPAPI_TL_NOT_SUPPORTED;
    default:
        return fallback;
    }
}

SNMPAPI_STATUS
wn_ws_unlock_fail(struct wn_ws_session *s, smiUINT32 code)
{
    wn_ws_fail(s, code);
    wn_ws_unlock();
    return SNMPAPI_FAILURE;
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpGetLastError(HSNMP_SESSION session)
{
    if (session == NULL)
        return task_error;
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
