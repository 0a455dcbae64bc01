/* desc.c: registry of memory handed to the application, so SnmpFreeDescriptor can detect foreign or double frees; no objects. */
#include "winsnmp_int.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

/* The registry has a lock of its own, a leaf taken for a few dozen
 * instructions: SnmpFreeDescriptor, called once per varbind a program
 * reads, need not take the WinSNMP lock (it touches no handle).  A spin
 * lock: a pthread mutex pair costs about as much as the rest of a free.
 * A waiter yields the CPU after a few tries (the holder may have been
 * preempted on this 2-CPU class of machine).
 *
 * Every allocation is made under the WinSNMP lock (its callers are API
 * functions holding it, asserted below), and so is wn_ws_desc_free_all
 * (SnmpCleanup), which takes this lock too: state written only by
 * wn_ws_desc_free_all may be read under either lock. */
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

/* Open-addressing pointer set [reg_lock].  A key is the address handed
 * out, its low bit set for a block of the small class below (malloc's
 * blocks are at least 2-aligned, so the bit is free). */
static struct {
    uintptr_t *keys;           /* 0 = empty, TOMB = deleted */
    size_t cap, used, live;
} reg;

static max_align_t tomb_;
#define TOMB ((uintptr_t)&tomb_)
#define SMALL_BIT ((uintptr_t)1)

/* Blocks of at most DESC_SMALL bytes (an OID of 32 sub-ids, a short
 * string) all get DESC_SMALL bytes after a header holding the block's
 * state (none in ASan builds, where every block is malloc's own).  A
 * small block stays in the registry from its malloc until it leaves a
 * full cache or SnmpCleanup frees it; its state says whether the
 * application holds it (OUT) or a thread's cache does (KEPT).  Handing
 * out a kept block (SnmpGetVb makes one per varbind) is then a store to
 * its state under the WinSNMP lock, no registry lock: only the thread
 * whose cache holds a block hands it out, and SnmpFreeDescriptor turns
 * OUT into KEPT under the registry lock, so two frees of one block
 * cannot both succeed.  The state is atomic because the hand-out (WinSNMP
 * lock) and the free (registry lock) hold different locks. */
#define DESC_SMALL 128u
#define SMALL_HDR ((size_t)_Alignof(max_align_t))
enum { SMALL_KEPT, SMALL_OUT };
struct small_hdr {
    _Atomic unsigned char state;
};
_Static_assert(sizeof(struct small_hdr) <= SMALL_HDR, "the header fits before the block");

static struct small_hdr *
hdr_of(uintptr_t key)
{
    return (struct small_hdr *)((key & ~SMALL_BIT) - SMALL_HDR);
}

/* Each thread keeps up to DESC_CACHE small blocks it freed, for its next
 * allocations (a program frees each varbind's name at once).  A cache is
 * valid only in the registry generation it was filled in: SnmpCleanup
 * frees every block, cached ones included, and starts a new generation
 * (reg_gen: written under both locks, read under either).  A thread that
 * exits gives its blocks back (tcache_exit, a thread-specific key's
 * destructor), so a program that reads varbinds on short-lived threads
 * and never calls SnmpCleanup does not grow. */
#define DESC_CACHE 16u
static unsigned reg_gen;
static WN_THREAD_LOCAL struct {
    void *slot[DESC_CACHE];
    unsigned n, gen;
    int armed;                 /* this thread's exit runs tcache_exit */
} tcache;

static pthread_once_t exit_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static int exit_key_ok;

/* This thread's cache, emptied if SnmpCleanup freed its blocks since it
 * was filled.  [WinSNMP lock or reg_lock] */
static void
tcache_sync(void)
{
    if (tcache.gen != reg_gen) {
        tcache.n = 0;
        tcache.gen = reg_gen;
    }
}

static size_t
hash_ptr(uintptr_t p, size_t cap)
{
    uint64_t x = (uint64_t)(p & ~SMALL_BIT);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

static void
block_free(uintptr_t k)
{
    wn_free(k & SMALL_BIT ? (void *)hdr_of(k) : (void *)k);
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

/* [reg_lock] */
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

void *
wn_ws_desc_alloc(size_t n)
{
    WN_WS_ASSERT_LOCKED();
    int small = !WN_ASAN && n <= DESC_SMALL;
    uintptr_t k;
    if (small) {
        tcache_sync();
        if (tcache.n) {
            /* A kept block: still registered, only its state changes.  It
             * still consults the allocation-failure seam. */
            if (wn_alloc_seam_fails())
                return NULL;
            void *p = tcache.slot[--tcache.n];
            atomic_store_explicit(&hdr_of((uintptr_t)p | SMALL_BIT)->state, SMALL_OUT,
                                  memory_order_relaxed);
            return p;
        }
        unsigned char *b = wn_malloc(SMALL_HDR + DESC_SMALL);   /* the callers fill it */
        if (!b)
            return NULL;
        k = (uintptr_t)(b + SMALL_HDR) | SMALL_BIT;
        atomic_init(&hdr_of(k)->state, SMALL_OUT);
    } else {
        void *p = wn_malloc(n ? n : 1);
        if (!p)
            return NULL;
        k = (uintptr_t)p;
    }
    reg_acquire();
    int rc = insert(k);
    reg_release();
    if (rc < 0) {
        block_free(k);
        return NULL;
    }
    return (void *)(k & ~SMALL_BIT);
}

/* Removes the key at slot j. [reg_lock] */
static void
remove_at(size_t j)
{
    reg.keys[j] = TOMB;
    reg.live--;
}

/* The key registered for address p, 0 if none; its slot in *at. [reg_lock] */
static uintptr_t
find(uintptr_t want, size_t *at)
{
    size_t j = reg.cap ? hash_ptr(want, reg.cap) : 0;
    for (size_t k = 0; k < reg.cap && reg.keys[j]; k++) {
        uintptr_t key = reg.keys[j];
        if (key != TOMB && (key & ~SMALL_BIT) == want) {
            *at = j;
            return key;
        }
        j = (j + 1) & (reg.cap - 1);
    }
    return 0;
}

/* A thread ends: the blocks its cache keeps leave the registry, unless
 * SnmpCleanup freed them already (another generation). */
static void
tcache_exit(void *unused)
{
    (void)unused;
    reg_acquire();
    for (unsigned i = 0; tcache.gen == reg_gen && i < tcache.n; i++) {
        size_t j;
        uintptr_t k = find((uintptr_t)tcache.slot[i], &j);
        if (k) {
            remove_at(j);
            block_free(k);
        }
    }
    tcache.n = 0;
    reg_release();
}

static void
exit_key_create(void)
{
    exit_key_ok = pthread_key_create(&exit_key, tcache_exit) == 0;
}

/* Unloading the library (dlclose) must not leave the destructor of a
 * thread still running pointing into unmapped code. */
__attribute__((destructor)) static void
exit_key_delete(void)
{
    if (exit_key_ok)
        pthread_key_delete(exit_key);
}

/* Makes this thread's exit give its kept blocks back (once per thread;
 * without a key, they stay until SnmpCleanup as before). */
static void
tcache_arm(void)
{
    tcache.armed = 1;
    pthread_once(&exit_once, exit_key_create);
    if (exit_key_ok)
        pthread_setspecific(exit_key, &tcache);
}

size_t
wn_ws_desc_live(void)
{
    reg_acquire();
    size_t n = reg.live;
    reg_release();
    return n;
}

int
wn_ws_desc_free(void *p)
{
    if (!p)
        return WN_E_NOTFOUND;
    if (!tcache.armed)
        tcache_arm();
    uintptr_t want = (uintptr_t)p;
    size_t j = 0;
    reg_acquire();
    uintptr_t found = find(want, &j);
    if (found & SMALL_BIT) {
        /* Held by the application, or already freed (kept in a cache). */
        struct small_hdr *h = hdr_of(found);
        if (atomic_load_explicit(&h->state, memory_order_relaxed) != SMALL_OUT) {
            reg_release();
            return WN_E_NOTFOUND;
        }
        tcache_sync();
        if (tcache.n < DESC_CACHE) {
            atomic_store_explicit(&h->state, SMALL_KEPT, memory_order_relaxed);
            tcache.slot[tcache.n++] = p;
            reg_release();
            return 0;
        }
    }
    if (found)
        remove_at(j);
    reg_release();
    if (!found)
        return WN_E_NOTFOUND;
    block_free(found);
    return 0;
}

void
wn_ws_desc_free_all(void)
{
    WN_WS_ASSERT_LOCKED();
    reg_acquire();
    for (size_t i = 0; i < reg.cap; i++) {
        uintptr_t k = reg.keys[i];
        if (k && k != TOMB)
            block_free(k);
    }
    wn_free(reg.keys);
    memset(&reg, 0, sizeof reg);
    reg_gen++;   /* every thread's cache held blocks just freed */
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
