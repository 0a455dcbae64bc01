/* fake_wine_side.c: bridge_wine.h on plain pthreads, so the wsnmp32 bridge's delivery logic runs natively (and under sanitizers) in test_bridge_dispatch. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "bridge_wine.h"
#include "fake_wine_side.h"

static atomic_int live_threads;
static _Thread_local int on_fake_thread;
static pthread_mutex_t post_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t post_cond = PTHREAD_COND_INITIALIZER;
static struct fake_post posts[FAKE_MAX_POSTS];
static int post_count;

struct start {
    void (*fn)(void *arg);
    void *arg;
    pthread_t thread;
};

static void *
thread_main(void *p)
{
    struct start *st = p;
    on_fake_thread = 1;
    st->fn(st->arg);
    atomic_fetch_sub(&live_threads, 1);
    return NULL;
}

void *
wnb_thread_start(void (*fn)(void *arg), void *arg)
{
    struct start *st = malloc(sizeof *st);
    if (!st)
        return NULL;
    st->fn = fn;
    st->arg = arg;
    atomic_fetch_add(&live_threads, 1);
    if (pthread_create(&st->thread, NULL, thread_main, st) != 0) {
        atomic_fetch_sub(&live_threads, 1);
        free(st);
        return NULL;
    }
    return st;
}

void
wnb_thread_join(void *thread)
{
    struct start *st = thread;
    pthread_join(st->thread, NULL);
    free(st);
}

void
wnb_thread_release(void *thread)
{
    struct start *st = thread;
    pthread_detach(st->thread);
    free(st);
}

int
wnb_is_window(void *hwnd)
{
    return hwnd == FAKE_HWND;
}

int
wnb_post_message(void *hwnd, unsigned msg, uintptr_t wparam, intptr_t lparam)
{
    pthread_mutex_lock(&post_lock);
    if (post_count < FAKE_MAX_POSTS)
        posts[post_count++] = (struct fake_post){hwnd, msg, wparam, lparam, on_fake_thread};
    pthread_cond_broadcast(&post_cond);
    pthread_mutex_unlock(&post_lock);
    return 1;
}

void *
wnb_heap_alloc(size_t size)
{
    return malloc(size);
}

int
wnb_heap_free(void *p)
{
    free(p);
    return 1;
}

int
fake_live_threads(void)
{
    return atomic_load(&live_threads);
}

int
fake_on_wine_thread(void)
{
    return on_fake_thread;
}

int
fake_wait_post(struct fake_post *out, int timeout_s)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_s;
    pthread_mutex_lock(&post_lock);
    while (post_count == 0) {
        if (pthread_cond_timedwait(&post_cond, &post_lock, &until) != 0)
            break;
    }
    int got = post_count > 0;
    if (got) {
        *out = posts[0];
        post_count = 0;
    }
    pthread_mutex_unlock(&post_lock);
    return got;
}
