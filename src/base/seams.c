/* seams.c: clock and randomness sources, replaceable by tests for deterministic output. */
#include "base.h"

#include <errno.h>
#include <stdatomic.h>
#include <sys/random.h>
#include <time.h>

static _Atomic(wn_clock_fn) filetime_source;
static _Atomic(wn_clock_fn) ms_source;
static _Atomic(wn_random_fn) random_source;

uint64_t
wn_clock_ms(void)
{
    wn_clock_fn fn = atomic_load_explicit(&ms_source, memory_order_relaxed);
    if (fn)
        return fn();
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t
wn_clock_filetime(void)
{
    wn_clock_fn fn = atomic_load(&filetime_source);
    if (fn)
        return fn();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* 11644473600 s between 1601-01-01 and 1970-01-01. */
    return ((uint64_t)ts.tv_sec + 11644473600ULL) * 10000000ULL + (uint64_t)ts.tv_nsec / 100u;
}

void
wn_clock_set_filetime_source(wn_clock_fn fn)
{
    atomic_store(&filetime_source, fn);
}

void
wn_clock_set_ms_source(wn_clock_fn fn)
{
    atomic_store(&ms_source, fn);
}

int
wn_random(void *buf, size_t n)
{
    wn_random_fn fn = atomic_load(&random_source);
    if (fn)
        return fn(buf, n);
    uint8_t *p = buf;
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return WN_E_IO;
        }
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

void
wn_random_set_source(wn_random_fn fn)
{
    atomic_store(&random_source, fn);
}
