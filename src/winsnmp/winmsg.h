/* winmsg.h: the window-mode message queue and post hook (winmsg.c), a leaf below the engine and the API. */
#ifndef WN_WS_WINMSG_H
#define WN_WS_WINMSG_H

#include <stdint.h>

#include "base.h"
#include "wsnmp_ext.h"

/* Every function here takes only the queue's own lock (never the WinSNMP
 * lock) and may be called with or without the WinSNMP lock held, except
 * wn_ws_winmsg_post, which calls the application's hook and so must be
 * called WITHOUT any library lock. */

/* Sets the post hook (NULL: the built-in queue). */
void wn_ws_winmsg_set_hook(WN_WSNMP_POST_HOOK hook);
/* Where Windows would post (hwnd, msg, wp, lp): the hook when set, else
 * the built-in queue.  0, WN_E_LIMIT (queue full) or WN_E_IO (the hook
 * said it did not post). */
int wn_ws_winmsg_post(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp);
/* Into the built-in queue whatever the hook (wn_wsnmp_post_message). */
int wn_ws_winmsg_post_queue(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp);
/* Takes the oldest message matching (hwnd or NULL, [lo, hi] or 0/0),
 * waiting up to timeout_ms (WN_WSNMP_INFINITE: for ever).  0 or
 * WN_E_TIMEOUT.  msg borrowed. */
int wn_ws_winmsg_get(WN_WSNMP_MSG *msg, HWND hwnd, UINT lo, UINT hi, uint32_t timeout_ms);
/* The same without waiting; removes it only when remove is set.  0 or
 * WN_E_NOTFOUND. */
int wn_ws_winmsg_peek(WN_WSNMP_MSG *msg, HWND hwnd, UINT lo, UINT hi, int remove);
/* The queue's eventfd (made on first call, kept for the process), or
 * WN_E_IO. */
int wn_ws_winmsg_fd(void);

#endif /* WN_WS_WINMSG_H */
