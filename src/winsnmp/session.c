/* session.c: session objects: SnmpCreateSession, SnmpOpen, SnmpClose and closing everything a session owns. */
#include "winsnmp_int.h"

/* Callbacks running on this thread (a callback may close its own session
 * without waiting for itself). */
static _Thread_local unsigned t_cb_depth;

int
wn_ws_session_create(HWND hwnd, UINT wmsg, SNMPAPI_CALLBACK cb, LPVOID data,
                     struct wn_ws_session **out)
{
    struct wn_ws_session *s = wn_calloc(1, sizeof *s);
    if (!s)
        return WN_E_NOMEM;
    s->callback = cb;
    s->hwnd = hwnd;
    s->wmsg = wmsg;
    s->client_data = data;
    int rc = wn_ws_obj_register(&s->hdr, WN_WS_T_SESSION, NULL);
    if (rc < 0) {
        wn_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void
wn_ws_session_close(struct wn_ws_session *s)
{
    wn_ws_net_session_closing(s);
    while (s->objs)
        wn_ws_obj_destroy(s->objs);
    wn_ws_obj_unregister(&s->hdr);
    wn_free(s);
}

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
    while (s && s->in_callback && t_cb_depth == 0 && !wn_ws_net_on_io_thread()) {
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

int
wn_ws_session_notify(HSNMP_SESSION h, WPARAM wparam, LPARAM lparam)
{
    wn_ws_lock();
    struct wn_ws_session *s = wn_ws_ready() ? wn_ws_session_get(h) : NULL;
    if (!s) {
        wn_ws_unlock();
        return WN_E_NOTFOUND;
    }
    SNMPAPI_CALLBACK fn = s->callback;
    HWND hwnd = s->hwnd;
    UINT wmsg = s->wmsg;
    LPVOID data = s->client_data;
    if (!fn) {
        wn_ws_unlock();
        return WN_E_STATE;
    }
    s->in_callback++;       /* SnmpClose from another thread waits for it */
    wn_ws_unlock();
    /* Called without the lock: the callback calls back into the API. */
    t_cb_depth++;
    SNMPAPI_STATUS rc = fn(h, hwnd, wmsg, wparam, lparam, data);
    t_cb_depth--;
    wn_ws_lock();
    /* Gone if the callback closed it or cleaned up. */
    s = wn_ws_ready() ? wn_ws_session_get(h) : NULL;
    if (s) {
        s->in_callback--;
        if (rc != SNMPAPI_SUCCESS)
            wn_ws_session_close(s);
    }
    wn_ws_callback_ended();
    wn_ws_unlock();
    return 0;
}
