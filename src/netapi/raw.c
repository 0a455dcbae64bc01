/* raw.c: the decoded session lists a backend hands to the API logic, with strings in a chunked arena (no allocation per entry). */
#include <string.h>

#include "backend.h"

/* Strings go into chunks of at least this size; entries grow by doubling,
 * so gathering n sessions costs O(log n) allocations, not O(n). */
#define WN_NETAPI_ARENA_CHUNK 4096u

struct wn_netapi_strchunk {
    struct wn_netapi_strchunk *next;
    size_t used, cap;
    char data[];
};

void
wn_netapi_raw_result_free(struct wn_netapi_raw_result *r)
{
    if (r == NULL)
        return;
    while (r->chunks != NULL) {
        struct wn_netapi_strchunk *c = r->chunks;
        r->chunks = c->next;
        wn_free(c);
    }
    wn_free(r->entries);
    memset(r, 0, sizeof(*r));
}

int
wn_netapi_raw_result_strdup(struct wn_netapi_raw_result *r, const char *s, char **out)
{
    *out = NULL;
    if (s == NULL)
        return 0;
    size_t n = strlen(s) + 1;
    struct wn_netapi_strchunk *c = r->chunks;
    if (c == NULL || c->cap - c->used < n) {
        size_t cap = n > WN_NETAPI_ARENA_CHUNK ? n : WN_NETAPI_ARENA_CHUNK;
        c = wn_malloc(sizeof(*c) + cap);
        if (c == NULL)
            return WN_E_NOMEM;
        c->used = 0;
        c->cap = cap;
        c->next = r->chunks;
        r->chunks = c;
    }
    *out = memcpy(c->data + c->used, s, n);
    c->used += n;
    return 0;
}

int
wn_netapi_raw_result_add(struct wn_netapi_raw_result *r, const struct wn_netapi_session *s)
{
    struct wn_netapi_session copy;

    if (r->count >= WN_NETAPI_MAX_SESSIONS)
        return WN_E_LIMIT;
    if (r->count == r->cap) {
        uint32_t cap = r->cap ? r->cap * 2 : 16;
        struct wn_netapi_session *grown = wn_realloc(r->entries, (size_t)cap * sizeof(*grown));
        if (grown == NULL)
            return WN_E_NOMEM;
        r->entries = grown;
        r->cap = cap;
    }
    memset(&copy, 0, sizeof(copy));
    copy.num_opens = s->num_opens;
    copy.time = s->time;
    copy.idle_time = s->idle_time;
    copy.user_flags = s->user_flags;
    if (wn_netapi_raw_result_strdup(r, s->cname, &copy.cname) != 0 ||
        wn_netapi_raw_result_strdup(r, s->username, &copy.username) != 0 ||
        wn_netapi_raw_result_strdup(r, s->cltype_name, &copy.cltype_name) != 0 ||
        wn_netapi_raw_result_strdup(r, s->transport, &copy.transport) != 0)
        return WN_E_NOMEM;   /* strings already copied stay in the arena */
    r->entries[r->count++] = copy;
    return 0;
}
