/* wine_side.c: the Win32 calls of the bridges (threads, window messages, process heap), built by winegcc. */
#include <windows.h>

#include "bridge_wine.h"

struct thread_start {
    void (*fn)(void *arg);
    void *arg;
};

static DWORD WINAPI
thread_main(void *p)
{
    struct thread_start st = *(struct thread_start *)p;
    HeapFree(GetProcessHeap(), 0, p);
    st.fn(st.arg);
    return 0;
}

void *
wnb_thread_start(void (*fn)(void *arg), void *arg)
{
    struct thread_start *st = HeapAlloc(GetProcessHeap(), 0, sizeof *st);
    if (!st)
        return NULL;
    st->fn = fn;
    st->arg = arg;
    HANDLE h = CreateThread(NULL, 0, thread_main, st, 0, NULL);
    if (!h)
        HeapFree(GetProcessHeap(), 0, st);
    return h;
}

void
wnb_thread_join(void *thread)
{
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
}

void
wnb_thread_release(void *thread)
{
    CloseHandle(thread);
}

int
wnb_is_window(void *hwnd)
{
    return IsWindow(hwnd) != FALSE;
}

int
wnb_post_message(void *hwnd, unsigned msg, uintptr_t wparam, intptr_t lparam)
{
    return PostMessageW(hwnd, msg, wparam, lparam) != FALSE;
}

void *
wnb_heap_alloc(size_t size)
{
    return HeapAlloc(GetProcessHeap(), 0, size);
}

int
wnb_heap_free(void *p)
{
    return HeapFree(GetProcessHeap(), 0, p) != FALSE;
}
