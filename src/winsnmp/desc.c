/* desc.c: registry of memory handed to the application, so SnmpFreeDescriptor can detect foreign or double frees; no objects. */
#include "winsnmp_int.h"

#include <string.h>

/* Open-addressing pointer set [locked]. */
static struct {
    void **keys;               /* NULL = empty, TOMB = deleted */
    size_t cap, used, live;
} reg;

static char tomb_;
#define TOMB ((void *)&tomb_)

static size_t
hash_ptr(const void *p, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

static int
rehash(size_t ncap)
{
    void **n = wn_calloc(ncap, sizeof *n);
    if (!n)
        return WN_E_NOMEM;
    for (size_t i = 0; i < reg.cap; i++) {
        void *k = reg.keys[i];
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
insert(void *p)
{
    if ((reg.used + 1) * 4 >= reg.cap * 3) {
        size_t ncap = reg.cap ? reg.cap : 64;
        while ((reg.live + 1) * 2 >= ncap)
            ncap *= 2;
        int rc = rehash(ncap);
        if (rc < 0)
            return rc;
    }
    size_t j = hash_ptr(p, reg.cap);
    while (reg.keys[j] && reg.keys[j] != TOMB)
        j = (j + 1) & (reg.cap - 1);
    if (!reg.keys[j])
        reg.used++;
    reg.keys[j] = p;
    reg.live++;
    return 0;
}

void *
wn_ws_desc_alloc(size_t n)
{
    WN_WS_ASSERT_LOCKED();
    void *p = wn_malloc(n ? n : 1);   /* the callers fill every byte */
    if (!p)
        return NULL;
    if (insert(p) < 0) {
        wn_free(p);
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
    size_t j = hash_ptr(p, reg.cap);
    for (size_t k = 0; k < reg.cap && reg.keys[j]; k++) {
        if (reg.keys[j] == p) {
            reg.keys[j] = TOMB;
            reg.live--;
            wn_free(p);
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
        void *k = reg.keys[i];
        if (k && k != TOMB)
            wn_free(k);
    }
    wn_free(reg.keys);
    memset(&reg, 0, sizeof reg);
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
