/* bridge_wine.h: the few Win32 services the bridges need, implemented in wine_side.c (built by winegcc). */
#ifndef WNB_BRIDGE_WINE_H
#define WNB_BRIDGE_WINE_H

#include <stddef.h>
#include <stdint.h>

/* The bridges' own code is compiled against this project's headers, the
 * Win32 calls against Wine's; this header uses neither, only plain C types.
 * Handles are opaque pointers. */

/* Starts fn(arg) on a new Wine thread (CreateThread, so it may call into
 * Windows code).  Returns the thread handle, or NULL on failure. */
void *wnb_thread_start(void (*fn)(void *arg), void *arg);
/* Waits until the thread has ended, then closes its handle. */
void wnb_thread_join(void *thread);
/* Closes a thread handle without waiting (a thread may release its own). */
void wnb_thread_release(void *thread);

/* IsWindow. */
int wnb_is_window(void *hwnd);
/* PostMessageW; nonzero on success. */
int wnb_post_message(void *hwnd, unsigned msg, uintptr_t wparam, intptr_t lparam);

/* The process heap, where Windows code frees NetApi buffers
 * (NetApiBufferFree).  wnb_heap_free returns nonzero on success. */
void *wnb_heap_alloc(size_t size);
int wnb_heap_free(void *p);

#endif /* WNB_BRIDGE_WINE_H */
