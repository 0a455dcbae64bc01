/* desc.c: registry of memory handed to the application, so SnmpFreeDescriptor can detect foreign or double frees; no objects. */
#include "winsnmp_int.h"

#include <stddef.h>
#include <string.h>

/* Open-addressing pointer set [locked].  A key is the block's address,
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

/* A block of the small class: a kept one or a new one. */
static void *
small_take(void)
{
    if (!cache.n)
        return wn_malloc(DESC_SMALL);
    if (wn_alloc_seam_fails())
        return NULL;
    return cache.slot[--cache.n];
}

static void
release(uintptr_t k)
{
    void *p = (void *)(k & ~SMALL_BIT);
    if ((k & SMALL_BIT) && cache.n < DESC_CACHE) {
        cache.slot[cache.n++] = p;
        return;
    }
    wn_free(p);
}

void *
wn_ws_desc_alloc(size_t n)
{
    WN_WS_ASSERT_LOCKED();
    int small = !WN_ASAN && n <= DESC_SMALL;
    void *p = small ? small_take() : wn_malloc(n ? n : 1);   /* the callers fill it */
    if (!p)
        return NULL;
    uintptr_t k = (uintptr_t)p | (small ? SMALL_BIT : 0);
    if (insert(k) < 0) {
        release(k);
        return NULL;
    }
    return p;
}

int
wn_ws_desc_free(void *p)
{
    WN_WS_ASSERT_LOCKED();
    if (!p || !reg.cap)
        return WN_E_NOTFOUND;
    uintptr_t want = (uintptr_t)p;
    size_t j = hash_ptr(want, reg.cap);
    for (size_t k = 0; k < reg.cap && reg.keys[j]; k++) {
        uintptr_t key = reg.keys[j];
        if (key != TOMB && (key & ~SMALL_BIT) == want) {
            reg.keys[j] = TOMB;
            reg.live--;
            release(key);
            return 0;
        }
        j = (j + 1) & (reg.cap - 1);
    }
    return WN_E_NOTFOUND;
}

void
wn_ws_desc_free_all(void)
{
    WN_WS_ASSERT_LOCKED();
    for (size_t i = 0; i < reg.cap; i++) {
        uintptr_t k = reg.keys[i];
        if (k && k != TOMB)
            wn_free((void *)(k & ~SMALL_BIT));
    }
    wn_free(reg.keys);
    memset(&reg, 0, sizeof reg);
    while (cache.n)
        wn_free(cache.slot[--cache.n]);
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
