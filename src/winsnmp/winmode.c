/* winmode.c: the window-mode entry points of wsnmp_ext.h (post hook, GetMessage/PeekMessage/PostMessage stand-ins, message fd). */
#include "winsnmp_int.h"
#include "winmsg.h"

SNMPAPI_STATUS
wn_wsnmp_set_post_hook(WN_WSNMP_POST_HOOK hook)
{
    wn_ws_winmsg_set_hook(hook);
    return SNMPAPI_SUCCESS;
}

int
wn_wsnmp_get_message(WN_WSNMP_MSG *msg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                     smiUINT32 timeout_ms)
{
    if (!msg) {
        wn_ws_fail(NULL, SNMPAPI_NOOP);   /* nowhere to put one: nothing taken */
        return -1;
    }
    int rc = wn_ws_winmsg_get(msg, hWnd, wMsgFilterMin, wMsgFilterMax, timeout_ms);
    if (rc < 0) {
        wn_ws_fail(NULL, SNMPAPI_NOOP);   /* the only failure: the timeout passed */
        return -1;
    }
    return msg->message == WN_WSNMP_WM_QUIT ? 0 : 1;
}

int
wn_wsnmp_peek_message(WN_WSNMP_MSG *msg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                      UINT wRemoveMsg)
{
    if (!msg)
        return 0;
    return wn_ws_winmsg_peek(msg, hWnd, wMsgFilterMin, wMsgFilterMax,
                             (wRemoveMsg & WN_WSNMP_PM_REMOVE) != 0) == 0;
}

int
wn_wsnmp_post_message(HWND hWnd, UINT wMsg, WPARAM wParam, LPARAM lParam)
{
    return wn_ws_winmsg_post_queue(hWnd, wMsg, wParam, lParam) == 0;
}

int
wn_wsnmp_message_fd(void)
{
    int fd = wn_ws_winmsg_fd();
    return fd < 0 ? -1 : fd;
}
