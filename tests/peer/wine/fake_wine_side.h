/* fake_wine_side.h: what test_bridge_dispatch asks the pthread stand-in for Wine (fake_wine_side.c). */
#ifndef FAKE_WINE_SIDE_H
#define FAKE_WINE_SIDE_H

#include <stdint.h>
#include <time.h>

#define FAKE_HWND ((void *)(uintptr_t)0x5150)
#define FAKE_MAX_POSTS 64

struct fake_post {
    void *hwnd;
    unsigned msg;
    uintptr_t wparam;
    intptr_t lparam;
    int on_wine_thread;
};

/* Threads started with wnb_thread_start whose function has not returned. */
int fake_live_threads(void);
/* Nonzero on a thread started with wnb_thread_start. */
int fake_on_wine_thread(void);
/* Waits up to timeout_s for a posted message; takes the first (and
 * forgets the rest).  1 if one came, 0 if not. */
int fake_wait_post(struct fake_post *out, int timeout_s);

#endif /* FAKE_WINE_SIDE_H */
