/* session.c: the session API: SnmpCreateSession, SnmpOpen, SnmpClose. */
#include "winsnmp_int.h"

HSNMP_SESSION SNMPAPI_CALL
SnmpCreateSession(HWND hWnd, UINT wMsg, SNMPAPI_CALLBACK fCallBack, LPVOID lpClientData)
{
    WN_WS_ENTER_H(HSNMP_SESSION);
    /* Callback mode when fCallBack is set; otherwise window mode, where
     * hWnd is only an opaque value on Linux (the application polls). */
    if (!fCallBack && !hWnd) {
        wn_ws_unlock_fail(NULL, SNMPAPI_OPERATION_INVALID);
        return NULL;
    }
    struct wn_ws_session *s;
    int rc = wn_ws_session_create(hWnd, wMsg, fCallBack, lpClientData, &s);
    if (rc < 0) {
        wn_ws_unlock_fail(NULL, wn_ws_map_err(rc, SNMPAPI_OTHER_ERROR));
        return NULL;
    }
    HSNMP_SESSION h = WN_WS_HANDLE(s);
    wn_ws_unlock();
    return h;
}

HSNMP_SESSION SNMPAPI_CALL
SnmpOpen(HWND hWnd, UINT wMsg)
{
    WN_WS_ENTER_H(HSNMP_SESSION);
    if (!hWnd) {
        wn_ws_unlock_fail(NULL, SNMPAPI_HWND_INVALID);
        return NULL;
    }
    wn_ws_unlock();
    return SnmpCreateSession(hWnd, wMsg, NULL, NULL);
}

SNMPAPI_STATUS SNMPAPI_CALL
SnmpClose(HSNMP_SESSION session)
{
    WN_WS_ENTER();
    struct wn_ws_session *s = wn_ws_session_get(session);
    /* A callback of this session running on the I/O thread ends first, so
     * that once SnmpClose returns none runs or starts (the application
     * may free its lpClientData).  From a callback itself (the I/O thread)
     * there is nothing to wait for. */
    while (s && s->in_callback && !wn_ws_in_callback() && !wn_ws_net_on_io_thread()) {
        wn_ws_callback_wait();
        if (!wn_ws_ready())
            return wn_ws_unlock_fail(NULL, SNMPAPI_NOT_INITIALIZED);
        s = wn_ws_session_get(session);
    }
    if (!s)
        return wn_ws_unlock_fail(NULL, SNMPAPI_SESSION_INVALID);
    wn_ws_session_close(s);
    wn_ws_unlock();
    return SNMPAPI_SUCCESS;
}

