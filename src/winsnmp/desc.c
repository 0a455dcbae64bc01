/* desc.c: registry of memory handed to the application, so SnmpFreeDescriptor can detect foreign or double frees; no objects. */
#include "winsnmp_int.h"

#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

/* The registry and the cache below have a lock of their own, a leaf
 * taken for a few dozen instructions: SnmpFreeDescriptor, called once per
 * varbind a program reads, need not take the WinSNMP lock (it touches no
 * handle), and SnmpGetVb, which holds that lock, takes this one inside it.
 * A spin lock: a pthread mutex pair costs about as much as the rest of a
 * free.  A waiter yields the CPU after a few tries (the holder may have
 * been preempted on this 2-CPU class of machine). */
static atomic_flag reg_lock = ATOMIC_FLAG_INIT;
#define REG_SPINS 64

static void
reg_acquire(void)
{
    for (unsigned i = 0; atomic_flag_test_and_set_explicit(&reg_lock, memory_order_acquire); i++) {
        if (i >= REG_SPINS)
            sched_yield();
    }
}

static void
reg_release(void)
{
    atomic_flag_clear_explicit(&reg_lock, memory_order_release);
}

/* Open-addressing pointer set [reg_lock].  A key is the block's address,
 * its low bit set for a block of the small class below (malloc's blocks
 * are at least 2-aligned, so the bit is free). */
static struct {
    uintptr_t *keys;           /* 0 = empty, TOMB = deleted */
    size_t cap, used, live;
} reg;

static max_align_t tomb_;
#define TOMB ((uintptr_t)&tomb_)
#define SMALL_BIT ((uintptr_t)1)

/* Blocks of at most DESC_SMALL bytes (an OID of 32 sub-ids, a short
 * string) all get DESC_SMALL bytes, and freed ones are kept for the next
 * (at most DESC_CACHE; none in ASan builds): SnmpGetVb makes one per
 * varbind, the program frees it at once. */
#define DESC_SMALL 128u
#define DESC_CACHE 256u
static struct {
    void *slot[DESC_CACHE];
    unsigned n;
} cache;

static size_t
hash_ptr(uintptr_t p, size_t cap)
{
    uint64_t x = (uint64_t)(p & ~SMALL_BIT);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

static int
rehash(size_t ncap)
{
    uintptr_t *n = wn_calloc(ncap, sizeof *n);
    if (!n)
        return WN_E_NOMEM;
    for (size_t i = 0; i < reg.cap; i++) {
        uintptr_t k = reg.keys[i];
        if (!k || k == TOMB)
            continue;
        size_t j = hash_ptr(k, ncap);
        while (n[j])
            j = (j + 1) & (ncap - 1);
        n[j] = k;
    }
    wn_free(reg.keys);
    reg.keys = n;
    reg.cap = ncap;
    reg.used = reg.live;
    return 0;
}

static int
insert(uintptr_t k)
{
    if ((reg.used + 1) * 4 >= reg.cap * 3) {
        size_t ncap = reg.cap ? reg.cap : 64;
        while ((reg.live + 1) * 2 >= ncap)
            ncap *= 2;
        int rc = rehash(ncap);
        if (rc < 0)
            return rc;
    }
    size_t j = hash_ptr(k, reg.cap);
    while (reg.keys[j] && reg.keys[j] != TOMB)
        j = (j + 1) & (reg.cap - 1);
    if (!reg.keys[j])
        reg.used++;
    reg.keys[j] = k;
    reg.live++;
    return 0;
}

/* A kept block of the small class, or NULL when none is kept. [reg_lock] */
static void *
small_kept(void)
{
    return cache.n ? cache.slot[--cache.n] : NULL;
}

/* Keeps a small block for the next (1) or leaves it to the caller to
 * free (0). [reg_lock] */
static int
keep(uintptr_t k)
{
    if ((k & SMALL_BIT) && cache.n < DESC_CACHE) {
        cache.slot[cache.n++] = (void *)(k & ~SMALL_BIT);
        return 1;
    }
    return 0;
}

void *
wn_ws_desc_alloc(size_t n)
{
    int small = !WN_ASAN && n <= DESC_SMALL;
    void *p = NULL;
    if (small) {
        /* A kept block, registered in the same hold of the lock; it still
         * consults the allocation-failure seam. */
        reg_acquire();
        p = small_kept();
        if (p && wn_alloc_seam_fails()) {
            keep((uintptr_t)p | SMALL_BIT);
            reg_release();
            return NULL;
        }
        if (!p)
            reg_release();
    }
    if (!p) {
        p = wn_malloc(small ? DESC_SMALL : n ? n : 1);   /* the callers fill it */
        if (!p)
            return NULL;
        reg_acquire();
    }
    uintptr_t k = (uintptr_t)p | (small ? SMALL_BIT : 0);
    int rc = insert(k);
    int kept = rc < 0 && keep(k);
    reg_release();
    if (rc < 0) {
        if (!kept)
            wn_free(p);
        return NULL;
    }
    return p;
}

int
wn_ws_desc_free(void *p)
{
    if (!p)
        return WN_E_NOTFOUND;
    uintptr_t want = (uintptr_t)p, found = 0;
    reg_acquire();
    size_t j = reg.cap ? hash_ptr(want, reg.cap) : 0;
    for (size_t k = 0; k < reg.cap && reg.keys[j]; k++) {
        uintptr_t key = reg.keys[j];
        if (key != TOMB && (key & ~SMALL_BIT) == want) {
            reg.keys[j] = TOMB;
            reg.live--;
            found = key;
            break;
        }
        j = (j + 1) & (reg.cap - 1);
    }
    int kept = found && keep(found);
    reg_release();
    if (!found)
        return WN_E_NOTFOUND;
    if (!kept)
        wn_free(p);
    return 0;
}

void
wn_ws_desc_free_all(void)
{
    reg_acquire();
    for (size_t i = 0; i < reg.cap; i++) {
        uintptr_t k = reg.keys[i];
        if (k && k != TOMB)
            wn_free((void *)(k & ~SMALL_BIT));
    }
    wn_free(reg.keys);
    memset(&reg, 0, sizeof reg);
    while (cache.n)
        wn_free(cache.slot[--cache.n]);
    reg_release();
}

int
wn_ws_desc_oid(smiOID *dst, const smiOID *src)
{
    smiUINT32 *p = wn_ws_desc_alloc((size_t)src->len * sizeof *p);
    if (!p)
        return WN_E_NOMEM;
    if (src->len)
        memcpy(p, src->ptr, (size_t)src->len * sizeof *p);
    dst->len = src->len;
    dst->ptr = p;
    return 0;
}

int
wn_ws_desc_octets(smiOCTETS *dst, const void *p, size_t n)
{
    smiBYTE *b = wn_ws_desc_alloc(n + 1); /* room for a courtesy NUL */
    if (!b)
        return WN_E_NOMEM;
    if (n)
        memcpy(b, p, n);
    b[n] = 0;
    dst->len = (smiUINT32)n;
    dst->ptr = b;
    return 0;
}

int
wn_ws_desc_value(smiVALUE *dst, const smiVALUE *src)
{
    smiVALUE v = *src;
    int rc = 0;
    switch (src->syntax) {
    case SNMP_SYNTAX_OID:
        rc = wn_ws_desc_oid(&v.value.oid, &src->value.oid);
        break;
    case SNMP_SYNTAX_OCTETS:
    case SNMP_SYNTAX_BITS:
    case SNMP_SYNTAX_OPAQUE:
    case SNMP_SYNTAX_IPADDR:
    case SNMP_SYNTAX_NSAPADDR:
        rc = wn_ws_desc_octets(&v.value.string, src->value.string.ptr, src->value.string.len);
        break;
    default:
        break;
    }
    if (rc < 0)
        return rc;
    *dst = v;
    return 0;
}
