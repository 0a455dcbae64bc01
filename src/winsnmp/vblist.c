/* vblist.c: varbind lists held inside the library (deep copies in one arena, shared read-only between copies until changed, append, replace, delete); no lock, no objects. */
#include "winsnmp_int.h"

#include <stdatomic.h>
#include <string.h>

/* In front of an arena's bytes: how many lists hold it.  An arena is
 * never written once filled, so lists copied from a list whose varbinds
 * all live in it share it instead of copying it. */
struct arena_hdr {
    atomic_uint refs;
    /* The bytes asked for, saturated at UINT32_MAX (wn_ws_arena_size);
     * also keeps the bytes 8-byte aligned. */
    uint32_t size;
};

/* A decoded list's array lies at the start of its arena's bytes. */
_Static_assert(_Alignof(struct wn_ws_vb) <= sizeof(struct arena_hdr), "varbind alignment");

void *
wn_ws_arena_alloc(size_t n)
{
    struct arena_hdr *h = wn_malloc(sizeof *h + n);
    if (!h)
        return NULL;
    atomic_init(&h->refs, 1);
    h->size = n < UINT32_MAX ? (uint32_t)n : UINT32_MAX;
    return h + 1;
}

size_t
wn_ws_arena_size(const void *arena)
{
    return arena ? ((const struct arena_hdr *)arena - 1)->size : 0;
}

void
wn_ws_arena_free(void *arena)
{
    if (!arena)
        return;
    struct arena_hdr *h = (struct arena_hdr *)arena - 1;
    if (atomic_fetch_sub_explicit(&h->refs, 1, memory_order_acq_rel) == 1)
        wn_free(h);
}

static void *
arena_share(void *arena)
{
    struct arena_hdr *h = (struct arena_hdr *)arena - 1;
    atomic_fetch_add_explicit(&h->refs, 1, memory_order_relaxed);
    return arena;
}

/* Frees what one varbind owns outside the arena. */
static void
vb_release(struct wn_ws_vb *vb)
{
    if (!vb->in_arena) {
        wn_ws_oid_clear(&vb->name);
        wn_ws_value_clear(&vb->value);
    }
    memset(vb, 0, sizeof *vb);
}

void
wn_ws_vblist_clear(struct wn_ws_vblist *l)
{
    if (l->vb_in_arena) {
        /* A shared, read-only array whose varbinds all live in the arena. */
        wn_ws_arena_free(l->arena);
        memset(l, 0, sizeof *l);
        return;
    }
    for (uint32_t i = 0; i < l->n; i++)
        vb_release(&l->vb[i]);
    wn_free(l->vb);
    wn_ws_arena_free(l->arena);
    memset(l, 0, sizeof *l);
}

/* Gives l an array of its own, a copy of the one in its arena, before a
 * change; a failure changes nothing. */
static int
own_array(struct wn_ws_vblist *l)
{
    if (!l->vb_in_arena)
        return 0;
    struct wn_ws_vb *v = wn_malloc((size_t)(l->n ? l->n : 1) * sizeof *v);
    if (!v)
        return WN_E_NOMEM;
    memcpy(v, l->vb, (size_t)l->n * sizeof *v);
    l->vb = v;
    l->cap = l->n;
    l->vb_in_arena = 0;
    return 0;
}

static int
reserve(struct wn_ws_vblist *l, uint32_t n)
{
    int rc = own_array(l);
    if (rc < 0)
        return rc;
    if (n <= l->cap)
        return 0;
    if (n > WN_WS_MAX_VBS)
        return WN_E_LIMIT;
    uint32_t ncap = l->cap ? l->cap * 2 : 4;
    if (ncap < n)
        ncap = n;
    if (ncap > WN_WS_MAX_VBS)
        ncap = WN_WS_MAX_VBS;
    struct wn_ws_vb *v = wn_realloc(l->vb, (size_t)ncap * sizeof *v);
    if (!v)
        return WN_E_NOMEM;
    l->vb = v;
    l->cap = ncap;
    return 0;
}

/* Deep copy of one varbind into *vb (uninitialised memory). */
static int
vb_set(struct wn_ws_vb *vb, const smiOID *name, const smiVALUE *value)
{
    smiVALUE null_value;
    memset(&null_value, 0, sizeof null_value);
    null_value.syntax = SNMP_SYNTAX_NULL;
    int rc = wn_ws_oid_dup(&vb->name, name);
    if (rc < 0)
        return rc;
    rc = wn_ws_value_dup(&vb->value, value ? value : &null_value);
    if (rc < 0) {
        wn_ws_oid_clear(&vb->name);
        return rc;
    }
    return 0;
}

int
wn_ws_vblist_append(struct wn_ws_vblist *l, const smiOID *name, const smiVALUE *value)
{
    int rc = reserve(l, l->n + 1);
    if (rc < 0)
        return rc;
    rc = vb_set(&l->vb[l->n], name, value);
    if (rc < 0)
        return rc;
    l->vb[l->n].in_arena = 0;
    l->n++;
    return 0;
}

int
wn_ws_vblist_copy(struct wn_ws_vblist *dst, const struct wn_ws_vblist *src)
{
    memset(dst, 0, sizeof *dst);
    if (!src || src->n == 0)
        return 0;
    if (src->n > WN_WS_MAX_VBS)
        return WN_E_LIMIT;
    if (src->vb_in_arena) {
        /* A decoded list nobody changed: the same array and arena. */
        dst->vb = src->vb;
        dst->n = dst->cap = src->n;
        dst->vb_in_arena = 1;
        dst->arena = arena_share(src->arena);
        return 0;
    }
    uint32_t shared = 0;
    while (src->arena && shared < src->n && src->vb[shared].in_arena)
        shared++;
    if (src->arena && shared == src->n) {
        /* Its varbinds all in the arena: a copy of the array viewing the
         * same arena (one allocation, no per-varbind work). */
        struct wn_ws_vb *vb = wn_malloc((size_t)src->n * sizeof *vb);
        if (!vb)
            return WN_E_NOMEM;
        memcpy(vb, src->vb, (size_t)src->n * sizeof *vb);
        dst->vb = vb;
        dst->n = dst->cap = src->n;
        dst->arena = arena_share(src->arena);
        return 0;
    }
    /* Sub-ids first (4-byte aligned), then string bytes. */
    size_t ids = 0, bytes = 0;
    for (uint32_t i = 0; i < src->n; i++) {
        const struct wn_ws_vb *v = &src->vb[i];
        ids += v->name.len;
        if (v->value.syntax == SNMP_SYNTAX_OID)
            ids += v->value.value.oid.len;
        else if (wn_ws_syntax_is_string(v->value.syntax))
            bytes += v->value.value.string.len;
    }
    struct wn_ws_vb *vb = wn_calloc(src->n, sizeof *vb);
    uint8_t *arena = wn_ws_arena_alloc(ids * sizeof(smiUINT32) + bytes + 1);
    if (!vb || !arena) {
        wn_free(vb);
        wn_ws_arena_free(arena);
        return WN_E_NOMEM;
    }
    smiUINT32 *ip = (smiUINT32 *)(void *)arena;
    uint8_t *bp = arena + ids * sizeof(smiUINT32);
    for (uint32_t i = 0; i < src->n; i++) {
        const struct wn_ws_vb *s = &src->vb[i];
        struct wn_ws_vb *d = &vb[i];
        d->in_arena = 1;
        d->name.len = s->name.len;
        d->name.ptr = s->name.len ? ip : NULL;
        if (s->name.len)
            memcpy(ip, s->name.ptr, (size_t)s->name.len * sizeof *ip);
        ip += s->name.len;
        d->value = s->value;
        if (s->value.syntax == SNMP_SYNTAX_OID) {
            d->value.value.oid.ptr = s->value.value.oid.len ? ip : NULL;
            if (s->value.value.oid.len)
                memcpy(ip, s->value.value.oid.ptr,
                       (size_t)s->value.value.oid.len * sizeof *ip);
            ip += s->value.value.oid.len;
        } else if (wn_ws_syntax_is_string(s->value.syntax)) {
            d->value.value.string.ptr = s->value.value.string.len ? bp : NULL;
            if (s->value.value.string.len)
                memcpy(bp, s->value.value.string.ptr, s->value.value.string.len);
            bp += s->value.value.string.len;
        }
    }
    dst->vb = vb;
    dst->n = dst->cap = src->n;
    dst->arena = arena;
    return 0;
}

int
wn_ws_vblist_replace(struct wn_ws_vblist *l, uint32_t index, const smiOID *name,
                     const smiVALUE *value)
{
    if (index == 0 || index > l->n)
        return WN_E_INVAL;
    /* Build the new varbind first so a failure changes nothing. */
    struct wn_ws_vb nvb;
    int rc = vb_set(&nvb, name ? name : &l->vb[index - 1].name, value);
    if (rc < 0)
        return rc;
    nvb.in_arena = 0;
    rc = own_array(l);
    if (rc < 0) {
        vb_release(&nvb);
        return rc;
    }
    struct wn_ws_vb *old = &l->vb[index - 1];
    vb_release(old);
    *old = nvb;
    return 0;
}

int
wn_ws_vblist_delete(struct wn_ws_vblist *l, uint32_t index)
{
    if (index == 0 || index > l->n)
        return WN_E_INVAL;
    int rc = own_array(l);
    if (rc < 0)
        return rc;
    struct wn_ws_vb *vb = &l->vb[index - 1];
    vb_release(vb);
    memmove(vb, vb + 1, (size_t)(l->n - index) * sizeof *vb);
    l->n--;
    return 0;
}
