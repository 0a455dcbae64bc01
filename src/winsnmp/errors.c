/* errors.c: the one place that maps internal WN_E_* errors to SNMPAPI_* codes and records last errors. */
#include "winsnmp_int.h"

#include <wsnmp_ext.h>

/* Task-level last error: per thread (see docs/winsnmp.md, "Last errors"). */
static WN_THREAD_LOCAL smiUINT32 task_error;

SNMPAPI_STATUS
wn_ws_fail(struct wn_ws_session *s, smiUINT32 code)
{
    task_error = code;
    if (s) {
        WN_WS_ASSERT_LOCKED();
        s->last_error = code;
    }
    return SNMPAPI_FAILURE;
}

smiUINT32
wn_ws_task_error(void)
{
    return task_error;
}

/* Transport steps (subject is an SNMPAPI_TL_* code): what the application
 * sees in a notification's wParam or after SnmpRegister / SnmpListen. */
static smiUINT32
map_transport(int err, smiUINT32 subject)
{
    switch (err) {
    case WN_E_NOMEM:
    case WN_E_LIMIT:
    case WN_E_QFULL:
        return SNMPAPI_TL_RESOURCE_ERROR;
    case WN_E_INUSE:
        return SNMPAPI_TL_IN_USE;
    case WN_E_ACCESS:
        return SNMPAPI_TL_NOT_AVAILABLE;
    case WN_E_UNREACHABLE:
        return SNMPAPI_TL_UNDELIVERABLE;
    case WN_E_INVAL:
        return SNMPAPI_TL_INVALID_PARAM;
    case WN_E_TIMEOUT:
        return SNMPAPI_TL_TIMEOUT;
    case WN_E_UNSUPPORTED:
        return SNMPAPI_TL_NOT_SUPPORTED;
    case WN_E_TOOBIG:
        return SNMPAPI_TL_PDU_TOO_BIG;
    default:
        return subject;
    }
}

/* The SNMPv3 reports an agent answered with (the usmStats counters, the
 * MPD's unknown security model and invalid message, any other report):
 * the same code whatever the step was about; 0 for any other error. */
static smiUINT32
map_report(int err)
{
    switch (err) {
    case WN_E_UNKNOWNENGINEID:
        return SNMPAPI_RPT_UNKNOWNENGINEID;
    case WN_E_UNSUPPORTEDSECLEVEL:
        return SNMPAPI_RPT_UNSUPPSECLEVEL;
    case WN_E_UNKNOWNUSERNAME:
        return SNMPAPI_RPT_UNKNOWNUSERNAME;
    case WN_E_WRONGDIGEST:
        return SNMPAPI_RPT_WRONGDIGEST;
    case WN_E_NOTINTIMEWINDOW:
        return SNMPAPI_RPT_NOTINTIMEWINDOW;
    case WN_E_DECRYPTIONERROR:
        return SNMPAPI_RPT_DECRYPTIONERROR;
    case WN_E_UNKNOWNSECMODEL:
        return SNMPAPI_RPT_UNKNOWNSECMODEL;
    case WN_E_INVALIDMSG:
        return SNMPAPI_RPT_INVALIDMSG;
    case WN_E_REPORT:
        return SNMPAPI_RPT_OTHER;
    default:
        return 0;
    }
}

smiUINT32
wn_ws_map_err(int err, smiUINT32 subject)
{
    smiUINT32 rpt = map_report(err);
    if (rpt)
        return rpt;
    if (subject >= SNMPAPI_TL_NOT_INITIALIZED)
        return map_transport(err, subject);
    switch (err) {
    case WN_E_NOMEM:
    case WN_E_LIMIT:
        return SNMPAPI_ALLOC_ERROR;
    case WN_E_QFULL:
        return SNMPAPI_TL_RESOURCE_ERROR;
    case WN_E_NOSPACE:
        return SNMPAPI_OUTPUT_TRUNCATED;
    case WN_E_STATE:
    case WN_E_NOEQUIV:
        return SNMPAPI_OPERATION_INVALID;
    case WN_E_UNSUPPORTED:
        return SNMPAPI_TL_NOT_SUPPORTED;
    case WN_E_TOOBIG:
        return SNMPAPI_TL_PDU_TOO_BIG;
    case WN_E_BADVALUE:
        return SNMPAPI_SYNTAX_INVALID;
    case WN_E_IO:
    case WN_E_CONFIG:
        return SNMPAPI_OTHER_ERROR;
    default:
        /* WN_E_INVAL, WN_E_NOTFOUND, WN_E_MALFORMED, WN_E_RESOLVE: the
         * argument or message the call was about is not acceptable. */
        return subject;
    }
}

SNMPAPI_STATUS
wn_ws_unlock_fail(struct wn_ws_session *s, smiUINT32 code)
{
    wn_ws_fail(s, code);
    wn_ws_unlock();
    return SNMPAPI_FAILURE;
}
