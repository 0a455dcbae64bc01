/* handles.c: the handle table: typed, generation-checked handles shared by all sessions, with limits; knows no object type (each brings its ops). */
#include "winsnmp_int.h"

#include <string.h>

_Static_assert(sizeof(uintptr_t) >= 8, "handle encoding needs 64-bit pointers");

#define NO_SLOT UINT32_MAX

struct wn_ws_htab wn_ws_htab;

static struct {
    uint32_t max_slots;        /* hard cap from the limits */
    uint32_t free_head;
    uint32_t nsessions;
    uint32_t nobjects;         /* non-session objects */
    struct wn_ws_limits lim;
} tab;

/* Generations come from one counter that survives cleanup, so a handle from
 * before a SnmpCleanup never matches an object made after SnmpStartup. */
static uint32_t gen_counter;

int
wn_ws_table_init(const struct wn_ws_limits *lim)
{
    WN_WS_ASSERT_LOCKED();
    memset(&tab, 0, sizeof tab);
    memset(&wn_ws_htab, 0, sizeof wn_ws_htab);
    tab.lim = *lim;
    uint64_t m = (uint64_t)lim->max_sessions + lim->max_handles;
    tab.max_slots = m > WN_WS_HANDLE_INDEX_MAX ? WN_WS_HANDLE_INDEX_MAX : (uint32_t)m;
    tab.free_head = NO_SLOT;
    return 0;
}

static int
grow(void)
{
    if (wn_ws_htab.cap >= tab.max_slots)
        return WN_E_LIMIT;
    uint32_t ncap = wn_ws_htab.cap ? wn_ws_htab.cap * 2 : 64;
    if (ncap > tab.max_slots || ncap < wn_ws_htab.cap)
        ncap = tab.max_slots;
    struct wn_ws_slot *n = wn_realloc(wn_ws_htab.slots, (size_t)ncap * sizeof *n);
    if (!n)
        return WN_E_NOMEM;
    for (uint32_t i = wn_ws_htab.cap; i < ncap; i++) {
        n[i].obj = NULL;
        n[i].gen = 0;
        n[i].next_free = (i + 1 < ncap) ? i + 1 : tab.free_head;
    }
    tab.free_head = wn_ws_htab.cap;
    wn_ws_htab.slots = n;
    wn_ws_htab.cap = ncap;
    return 0;
}

int
wn_ws_obj_register(struct wn_ws_obj *obj, const struct wn_ws_obj_ops *ops,
                   struct wn_ws_session *owner)
{
    WN_WS_ASSERT_LOCKED();
    uint32_t type = ops->type;
    if (type == WN_WS_T_SESSION) {
        if (tab.nsessions >= tab.lim.max_sessions)
            return WN_E_LIMIT;
    } else {
        if (!owner || tab.nobjects >= tab.lim.max_handles ||
            owner->nobjs >= tab.lim.max_handles_per_session)
            return WN_E_LIMIT;
    }
    if (tab.free_head == NO_SLOT) {
        int rc = grow();
        if (rc < 0)
            return rc;
    }
    uint32_t i = tab.free_head;
    struct wn_ws_slot *sl = &wn_ws_htab.slots[i];
    tab.free_head = sl->next_free;
    if (++gen_counter == 0)
        gen_counter = 1;
    sl->gen = gen_counter;
    sl->obj = obj;
    obj->slot = i;
    obj->type = type;
    obj->ops = ops;
    obj->handle = ((uintptr_t)sl->gen << 32) | ((uintptr_t)type << WN_WS_HANDLE_INDEX_BITS) | i;
    obj->owner = owner;
    obj->prev = NULL;
    obj->next = NULL;
    if (type == WN_WS_T_SESSION) {
        tab.nsessions++;
    } else {
        obj->next = owner->objs;
        if (owner->objs)
            owner->objs->prev = obj;
        owner->objs = obj;
        owner->nobjs++;
        tab.nobjects++;
    }
    return 0;
}

void
wn_ws_obj_unregister(struct wn_ws_obj *obj)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_slot *sl = &wn_ws_htab.slots[obj->slot];
    sl->obj = NULL;
    sl->next_free = tab.free_head;
    tab.free_head = obj->slot;
    if (obj->type == WN_WS_T_SESSION) {
        tab.nsessions--;
    } else {
        struct wn_ws_session *o = obj->owner;
        if (obj->prev)
            obj->prev->next = obj->next;
        else
            o->objs = obj->next;
        if (obj->next)
            obj->next->prev = obj->prev;
        o->nobjs--;
        tab.nobjects--;
    }
    obj->handle = 0;
    obj->prev = obj->next = NULL;
}

void
wn_ws_obj_destroy(struct wn_ws_obj *obj)
{
    WN_WS_ASSERT_LOCKED();
    obj->ops->destroy(obj);
}

void
wn_ws_table_destroy(void)
{
    WN_WS_ASSERT_LOCKED();
    /* Owners first: destroying an owner destroys what it owns. */
    for (uint32_t i = 0; i < wn_ws_htab.cap; i++) {
        struct wn_ws_obj *o = wn_ws_htab.slots[i].obj;
        if (o && !o->owner)
            wn_ws_obj_destroy(o);
    }
    wn_free(wn_ws_htab.slots);
    memset(&tab, 0, sizeof tab);
    memset(&wn_ws_htab, 0, sizeof wn_ws_htab);
    tab.free_head = NO_SLOT;
}
