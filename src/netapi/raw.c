/* raw.c: ownership helpers for the decoded session lists a backend hands to the API logic. */
#include <string.h>

#include "backend.h"

static void
session_free(struct wn_netapi_session *s)
{
    wn_free(s->cname);
    wn_free(s->username);
    wn_free(s->cltype_name);
    wn_free(s->transport);
    memset(s, 0, sizeof(*s));
}

void
wn_netapi_raw_result_free(struct wn_netapi_raw_result *r)
{
    uint32_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->count; i++)
        session_free(&r->entries[i]);
    wn_free(r->entries);
    memset(r, 0, sizeof(*r));
}

static int
dup_opt(const char *s, char **out)
{
    *out = NULL;
    if (s == NULL)
        return 0;
    *out = wn_strdup(s);
    return *out != NULL ? 0 : WN_E_NOMEM;
}

int
wn_netapi_raw_result_add(struct wn_netapi_raw_result *r, const struct wn_netapi_session *s)
{
    struct wn_netapi_session copy;
    struct wn_netapi_session *grown;

    if (r->count >= WN_NETAPI_MAX_SESSIONS)
        return WN_E_LIMIT;
    memset(&copy, 0, sizeof(copy));
    copy.num_opens = s->num_opens;
    copy.time = s->time;
    copy.idle_time = s->idle_time;
    copy.user_flags = s->user_flags;
    if (dup_opt(s->cname, &copy.cname) != 0 || dup_opt(s->username, &copy.username) != 0 ||
        dup_opt(s->cltype_name, &copy.cltype_name) != 0 ||
        dup_opt(s->transport, &copy.transport) != 0) {
        session_free(&copy);
        return WN_E_NOMEM;
    }
    grown = wn_realloc(r->entries, ((size_t)r->count + 1) * sizeof(*grown));
    if (grown == NULL) {
        session_free(&copy);
        return WN_E_NOMEM;
    }
    r->entries = grown;
    r->entries[r->count++] = copy;
    return 0;
}
