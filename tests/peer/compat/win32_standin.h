/* win32_standin.h: the ordinary Win32 pieces (events, Sleep, a window procedure and its dispatch) that a ported WinSNMP program brings itself; not part of the library. */
#ifndef WIN32_STANDIN_H
#define WIN32_STANDIN_H

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#define INFINITE 0xFFFFFFFFu
#define WAIT_OBJECT_0 0u
#define WAIT_TIMEOUT 258u
#define WM_USER 0x0400u
#define WM_QUIT WN_WSNMP_WM_QUIT

/* Events (manual-reset off: auto-reset, as most WinSNMP samples use). */
struct standin_event {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int signalled;
};

static inline HANDLE
CreateEventA(void *sa, BOOL manual, BOOL initial, const char *name)
{
    (void)sa, (void)manual, (void)name;
    struct standin_event *e = (struct standin_event *)calloc(1, sizeof *e);
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv, NULL);
    e->signalled = initial;
    return e;
}

static inline BOOL
SetEvent(HANDLE h)
{
    struct standin_event *e = (struct standin_event *)h;
    pthread_mutex_lock(&e->mu);
    e->signalled = 1;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    return TRUE;
}

static inline DWORD
WaitForSingleObject(HANDLE h, DWORD ms)
{
    struct standin_event *e = (struct standin_event *)h;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000u;
    until.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    DWORD rc = WAIT_OBJECT_0;
    pthread_mutex_lock(&e->mu);
    while (!e->signalled) {
        if (ms == INFINITE) {
            pthread_cond_wait(&e->cv, &e->mu);
        } else if (pthread_cond_timedwait(&e->cv, &e->mu, &until) == ETIMEDOUT) {
            rc = e->signalled ? WAIT_OBJECT_0 : WAIT_TIMEOUT;
            break;
        }
    }
    if (rc == WAIT_OBJECT_0)
        e->signalled = 0;
    pthread_mutex_unlock(&e->mu);
    return rc;
}

static inline BOOL
CloseHandle(HANDLE h)
{
    struct standin_event *e = (struct standin_event *)h;
    pthread_cond_destroy(&e->cv);
    pthread_mutex_destroy(&e->mu);
    free(e);
    return TRUE;
}

static inline void
Sleep(DWORD ms)
{
    usleep((useconds_t)ms * 1000u);
}

/* A program with one window: CreateWindow gives a token, DispatchMessage
 * calls its window procedure, PostQuitMessage posts WM_QUIT. */
typedef LRESULT (*WNDPROC)(HWND, UINT, WPARAM, LPARAM);
typedef WN_WSNMP_MSG MSG;
static WNDPROC standin_wndproc;

static inline HWND
standin_create_window(WNDPROC proc)
{
    standin_wndproc = proc;
    return (HWND)(uintptr_t)0x1000;
}

static inline BOOL
TranslateMessage(const MSG *m)
{
    (void)m;
    return FALSE;
}

static inline LRESULT
DispatchMessage(const MSG *m)
{
    return standin_wndproc ? standin_wndproc(m->hwnd, m->message, m->wParam, m->lParam) : 0;
}

static inline void
PostQuitMessage(int code)
{
    wn_wsnmp_post_message(NULL, WM_QUIT, (WPARAM)code, 0);
}

#endif /* WIN32_STANDIN_H */
