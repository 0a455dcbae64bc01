/* timer.c: intrusive one-shot timers: a FIFO list per common delay (O(1)), a binary min-heap keyed by (due ms, start order) for the rest. */
#include "evloop_int.h"

#include "base.h"

#include <limits.h>

#define WN_TIMER_HEAP_MIN 64

static int
before(const struct wn_timer *a, const struct wn_timer *b)
{
    if (a->wn_due != b->wn_due)
        return a->wn_due < b->wn_due;
    return a->wn_seq < b->wn_seq;
}

static void
place(struct wn_evloop *l, size_t i, struct wn_timer *t)
{
    l->heap[i] = t;
    t->wn_idx = i;
}

static void
sift_up(struct wn_evloop *l, size_t i)
{
    struct wn_timer *t = l->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(t, l->heap[parent]))
            break;
        place(l, i, l->heap[parent]);
        i = parent;
    }
    place(l, i, t);
}

static void
sift_down(struct wn_evloop *l, size_t i)
{
    struct wn_timer *t = l->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= l->hlen)
            break;
        if (c + 1 < l->hlen && before(l->heap[c + 1], l->heap[c]))
            c++;
        if (!before(l->heap[c], t))
            break;
        place(l, i, l->heap[c]);
        i = c;
    }
    place(l, i, t);
}

static void
heap_remove(struct wn_evloop *l, struct wn_timer *t)
{
    size_t i = t->wn_idx;
    struct wn_timer *last = l->heap[--l->hlen];
    t->wn_idx = SIZE_MAX;
    if (last == t)
        return;
    place(l, i, last);
    if (i > 0 && before(last, l->heap[(i - 1) / 2]))
        sift_up(l, i);
    else
        sift_down(l, i);
}

/* wn_idx of a timer in list k: far above any heap index. */
#define LIST_TAG(k) (SIZE_MAX - 1 - WN_TIMER_LISTS + (size_t)(k))
#define IN_LIST(t) ((t)->wn_idx >= LIST_TAG(0) && (t)->wn_idx != SIZE_MAX)

static void
list_remove(struct wn_evloop *l, struct wn_timer *t)
{
    struct wn_timer_list *q = &l->tl[t->wn_idx - LIST_TAG(0)];
    if (t->wn_prev)
        t->wn_prev->wn_next = t->wn_next;
    else
        q->head = t->wn_next;
    if (t->wn_next)
        t->wn_next->wn_prev = t->wn_prev;
    else
        q->tail = t->wn_prev;
    q->n--;
    t->wn_prev = t->wn_next = NULL;
    t->wn_idx = SIZE_MAX;
}

/* Appends t (inactive, due set) to the list of its delay when there is
 * one or a free one; 0 when placed, -1 when the heap must take it.  A
 * list's due times only increase (now is monotonic), so its head is its
 * earliest. */
static int
list_add(struct wn_evloop *l, struct wn_timer *t, uint64_t delay)
{
    struct wn_timer_list *q = NULL;
    for (size_t k = 0; k < WN_TIMER_LISTS; k++) {
        if (l->tl[k].n && l->tl[k].delay == delay) {
            q = &l->tl[k];
            break;
        }
        if (!q && !l->tl[k].n)
            q = &l->tl[k];
    }
    if (!q)
        return -1;
    q->delay = delay;
    t->wn_idx = LIST_TAG(q - l->tl);
    t->wn_next = NULL;
    t->wn_prev = q->tail;
    if (q->tail)
        q->tail->wn_next = t;
    else
        q->head = t;
    q->tail = t;
    q->n++;
    return 0;
}

/* The timer that fires first: the heap's top or a list's head. */
static struct wn_timer *
earliest(const struct wn_evloop *l)
{
    struct wn_timer *best = l->hlen ? l->heap[0] : NULL;
    for (size_t k = 0; k < WN_TIMER_LISTS; k++) {
        struct wn_timer *h = l->tl[k].head;
        if (h && (!best || before(h, best)))
            best = h;
    }
    return best;
}

static void
timer_remove(struct wn_evloop *l, struct wn_timer *t)
{
    if (IN_LIST(t))
        list_remove(l, t);
    else
        heap_remove(l, t);
}

void
wn_timer_init(struct wn_timer *t, void (*cb)(struct wn_timer *), void *data)
{
    t->wn_due = 0;
    t->wn_seq = 0;
    t->wn_idx = SIZE_MAX;
    t->wn_prev = t->wn_next = NULL;
    t->cb = cb;
    t->data = data;
}

int
wn_evloop_timer_reserve(struct wn_evloop *l, size_t n)
{
    WN_EVLOOP_ASSERT_LOOP(l);
    if (n <= l->hcap)
        return 0;
    if (n > SIZE_MAX / sizeof(*l->heap))
        return WN_E_NOMEM;
    struct wn_timer **h = wn_realloc(l->heap, n * sizeof(*h));
    if (!h)
        return WN_E_NOMEM;
    l->heap = h;
    l->hcap = n;
    return 0;
}

int
wn_timer_start(struct wn_evloop *l, struct wn_timer *t, uint64_t delay_ms)
{
    WN_EVLOOP_ASSERT_LOOP(l);
    uint64_t now = wn_clock_ms();
    uint64_t due = delay_ms > UINT64_MAX - now ? UINT64_MAX : now + delay_ms;
    if (IN_LIST(t))
        list_remove(l, t);
    if (t->wn_idx == SIZE_MAX && due != UINT64_MAX) {
        t->wn_due = due;
        t->wn_seq = l->timer_seq++;
        if (list_add(l, t, delay_ms) == 0)
            return 0;
    }
    if (t->wn_idx != SIZE_MAX) {
        t->wn_due = due;
        t->wn_seq = l->timer_seq++;
        /* A later key: only sift down is ever needed, but the due time may
         * also be earlier than before. */
        size_t i = t->wn_idx;
        if (i > 0 && before(t, l->heap[(i - 1) / 2]))
            sift_up(l, i);
        else
            sift_down(l, i);
        return 0;
    }
    if (l->hlen == l->hcap) {
        int err = wn_evloop_timer_reserve(l, l->hcap ? l->hcap * 2 : WN_TIMER_HEAP_MIN);
        if (err < 0)
            return err;
    }
    t->wn_due = due;
    t->wn_seq = l->timer_seq++;
    place(l, l->hlen, t);
    l->hlen++;
    sift_up(l, l->hlen - 1);
    return 0;
}

void
wn_timer_stop(struct wn_evloop *l, struct wn_timer *t)
{
    WN_EVLOOP_ASSERT_LOOP(l);
    if (IN_LIST(t)) {
        list_remove(l, t);
        return;
    }
    if (t->wn_idx == SIZE_MAX || t->wn_idx >= l->hlen || l->heap[t->wn_idx] != t)
        return;
    heap_remove(l, t);
}

int
wn_timer_active(const struct wn_timer *t)
{
    return t->wn_idx != SIZE_MAX;
}

size_t
wn_evloop_timer_count(const struct wn_evloop *l)
{
    size_t n = l->hlen;
    for (size_t k = 0; k < WN_TIMER_LISTS; k++)
        n += l->tl[k].n;
    return n;
}

int
wn_evloop_timers_run(struct wn_evloop *l)
{
    uint64_t now = wn_clock_ms();
    /* Timers (re)started by the callbacks below wait for the next round,
     * so a zero-delay timer restarting itself cannot starve the loop. */
    uint64_t seq_limit = l->timer_seq;
    struct wn_timer *t;
    for (t = earliest(l); t; t = earliest(l)) {
        if (t->wn_due > now)
            break;
        if (t->wn_seq >= seq_limit)
            return 0;
        timer_remove(l, t);
        t->cb(t);
    }
    if (!t)
        return -1;
    uint64_t wait = t->wn_due - now;
    return wait > INT_MAX ? INT_MAX : (int)wait;
}

void
wn_evloop_timers_free(struct wn_evloop *l)
{
    for (size_t i = 0; i < l->hlen; i++)
        l->heap[i]->wn_idx = SIZE_MAX;
    for (size_t k = 0; k < WN_TIMER_LISTS; k++) {
        while (l->tl[k].head)
            list_remove(l, l->tl[k].head);
        l->tl[k].delay = 0;
    }
    wn_free(l->heap);
    l->heap = NULL;
    l->hlen = l->hcap = 0;
}
