/* alloc.c: the one fault-injectable allocator every layer uses, and secret wiping. */
#include "base.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The seam costs one relaxed load per allocation until a test (or
 * WN_ALLOC_FAIL) switches it on; from then on every call is counted and
 * fail_after is consulted. */
static atomic_int seam_on;
static atomic_long fail_after = -1;     /* -1: never fail */
static atomic_ulong alloc_calls;

/* WN_ALLOC_FAIL=N arms the seam for the whole process, read once at load. */
__attribute__((constructor)) static void
read_env(void)
{
    const char *v = getenv("WN_ALLOC_FAIL");
    if (!v || !*v)
        return;
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (end && *end == '\0' && n >= 0) {
        atomic_store(&fail_after, n);
        atomic_store(&seam_on, 1);
    }
}

/* Blocks up to this size are zeroed by hand (see wn_calloc). */
#define WN_SMALL_CALLOC 1024u

/* Returns nonzero when this allocation must fail. */
static int
should_fail(void)
{
    if (!atomic_load_explicit(&seam_on, memory_order_relaxed))
        return 0;
    atomic_fetch_add_explicit(&alloc_calls, 1, memory_order_relaxed);
    long n = atomic_load_explicit(&fail_after, memory_order_relaxed);
    if (n < 0)
        return 0;
    if (n == 0)
        return 1;
    /* Decrement unless another thread got there first; failing is sticky. */
    while (n > 0 && !atomic_compare_exchange_weak(&fail_after, &n, n - 1))
        ;
    return n <= 0;
}

void
wn_alloc_fail_after(long n)
{
    atomic_store(&fail_after, n < 0 ? -1 : n);
    atomic_store(&alloc_calls, 0);
    atomic_store(&seam_on, 1);
}

int
wn_alloc_seam_fails(void)
{
    return should_fail();
}

unsigned long
wn_alloc_count(void)
{
    atomic_store(&seam_on, 1);
    return atomic_load(&alloc_calls);
}

void *
wn_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *
wn_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    if (should_fail())
        return NULL;
    size_t n = (count ? count : 1) * (size ? size : 1);
    if (n > WN_SMALL_CALLOC)
        return calloc(n, 1);
    /* glibc's calloc bypasses the thread cache: for a small block malloc
     * and a zeroing cost a fifth of it (explicit_bzero, as gcc turns
     * malloc + memset back into calloc). */
    void *p = malloc(n);
    if (p)
        explicit_bzero(p, n);
    return p;
}

void *
wn_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void
wn_free(void *p)
{
    free(p);
}

char *
wn_strdup(const char *s)
{
    if (!s)
        return NULL;
    return wn_memdup(s, strlen(s) + 1);
}

void *
wn_memdup(const void *p, size_t n)
{
    void *q = wn_malloc(n);
    if (q && n)
        memcpy(q, p, n);
    return q;
}

void
wn_wipe(void *p, size_t n)
{
    if (!p || !n)
        return;
    explicit_bzero(p, n);
}

void
wn_free_secret(char *s)
{
    if (!s)
        return;
    wn_wipe(s, strlen(s));
    wn_free(s);
}

int
wn_memeq_ct(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a;
    const volatile uint8_t *y = b;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= (uint8_t)(x[i] ^ y[i]);
    return d;
}
