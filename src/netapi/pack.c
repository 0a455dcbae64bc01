/* pack.c: packs session entries into one buffer (structures first, their strings after them). */
#include <string.h>

#include "netapi.h"

#include "lmshare.h"

static size_t
fixed_size(uint32_t level, enum wn_netapi_form form)
{
    if (form == WN_NETAPI_UTF8)
        return sizeof(struct wn_session_info_utf8);
    switch (level) {
    case 0: return sizeof(SESSION_INFO_0);
    case 1: return sizeof(SESSION_INFO_1);
    case 2: return sizeof(SESSION_INFO_2);
    case 10: return sizeof(SESSION_INFO_10);
    case 502: return sizeof(SESSION_INFO_502);
    default: return 0;
    }
}

/* Which strings a level carries: cname, username, cltype, transport. */
static void
level_strings(uint32_t level, int has[4])
{
    has[0] = 1;
    has[1] = level != 0;
    has[2] = level == 2 || level == 502;
    has[3] = level == 502;
}

static size_t
string_size(const char *s, enum wn_netapi_form form)
{
    if (s == NULL)
        return 0;
    if (form == WN_NETAPI_UTF8)
        return strlen(s) + 1;
    return (wn_netapi_utf8_wcslen(s) + 1) * sizeof(wchar_t);
}

size_t
wn_netapi_entry_size(uint32_t level, enum wn_netapi_form form,
                     const struct wn_netapi_session *s)
{
    int has[4];
    size_t n = fixed_size(level, form);

    level_strings(level, has);
    if (has[0])
        n += string_size(s->cname, form);
    if (has[1])
        n += string_size(s->username, form);
    if (has[2])
        n += string_size(s->cltype_name, form);
    if (has[3])
        n += string_size(s->transport, form);
    return n;
}

/* Copies s to *pos in the buffer's string area; returns where it went
 * (as LPWSTR or char *, cast by the caller) or NULL when s is NULL or the
 * level does not carry it. */
static void *
put_string(const char *s, int wanted, enum wn_netapi_form form, uint8_t **pos)
{
    void *at = *pos;
    size_t len;

    if (!wanted || s == NULL)
        return NULL;
    len = string_size(s, form);
    if (form == WN_NETAPI_UTF8)
        memcpy(at, s, len);
    else
        wn_netapi_utf8_to_wcs(s, (wchar_t *)at);
    *pos += len;
    return at;
}

static void
fill_wide(uint32_t level, uint8_t *slot, const struct wn_netapi_session *s,
          const int has[4], uint8_t **pos)
{
    LPWSTR cname = put_string(s->cname, has[0], WN_NETAPI_WIDE, pos);
    LPWSTR user = put_string(s->username, has[1], WN_NETAPI_WIDE, pos);
    LPWSTR cltype = put_string(s->cltype_name, has[2], WN_NETAPI_WIDE, pos);
    LPWSTR transport = put_string(s->transport, has[3], WN_NETAPI_WIDE, pos);

    switch (level) {
    case 0: {
        SESSION_INFO_0 *e = (SESSION_INFO_0 *)(void *)slot;
        e->sesi0_cname = cname;
        break;
    }
    case 1: {
        SESSION_INFO_1 *e = (SESSION_INFO_1 *)(void *)slot;
        e->sesi1_cname = cname;
        e->sesi1_username = user;
        e->sesi1_num_opens = s->num_opens;
        e->sesi1_time = s->time;
        e->sesi1_idle_time = s->idle_time;
        e->sesi1_user_flags = s->user_flags;
        break;
    }
    case 2: {
        SESSION_INFO_2 *e = (SESSION_INFO_2 *)(void *)slot;
        e->sesi2_cname = cname;
        e->sesi2_username = user;
        e->sesi2_num_opens = s->num_opens;
        e->sesi2_time = s->time;
        e->sesi2_idle_time = s->idle_time;
        e->sesi2_user_flags = s->user_flags;
        e->sesi2_cltype_name = cltype;
        break;
    }
    case 10: {
        SESSION_INFO_10 *e = (SESSION_INFO_10 *)(void *)slot;
        e->sesi10_cname = cname;
        e->sesi10_username = user;
        e->sesi10_time = s->time;
        e->sesi10_idle_time = s->idle_time;
        break;
    }
    default: {
        SESSION_INFO_502 *e = (SESSION_INFO_502 *)(void *)slot;
        e->sesi502_cname = cname;
        e->sesi502_username = user;
        e->sesi502_num_opens = s->num_opens;
        e->sesi502_time = s->time;
        e->sesi502_idle_time = s->idle_time;
        e->sesi502_user_flags = s->user_flags;
        e->sesi502_cltype_name = cltype;
        e->sesi502_transport = transport;
        break;
    }
    }
}

static void
fill_utf8(uint32_t level, uint8_t *slot, const struct wn_netapi_session *s,
          const int has[4], uint8_t **pos)
{
    struct wn_session_info_utf8 *e = (struct wn_session_info_utf8 *)(void *)slot;
    int numeric = level != 0;

    e->cname = put_string(s->cname, has[0], WN_NETAPI_UTF8, pos);
    e->username = put_string(s->username, has[1], WN_NETAPI_UTF8, pos);
    e->cltype_name = put_string(s->cltype_name, has[2], WN_NETAPI_UTF8, pos);
    e->transport = put_string(s->transport, has[3], WN_NETAPI_UTF8, pos);
    e->num_opens = numeric && level != 10 ? s->num_opens : 0;
    e->time = numeric ? s->time : 0;
    e->idle_time = numeric ? s->idle_time : 0;
    e->user_flags = numeric && level != 10 ? s->user_flags : 0;
}

int
wn_netapi_pack(uint32_t level, enum wn_netapi_form form,
               const struct wn_netapi_session *entries, size_t n, uint8_t **buf)
{
    size_t fixed = fixed_size(level, form);
    size_t total = 0;
    size_t i;
    uint8_t *block;
    uint8_t *pos;
    int has[4];

    *buf = NULL;
    if (fixed == 0)
        return WN_E_INVAL;
    if (n == 0)
        return 0;
    for (i = 0; i < n; i++)
        total += wn_netapi_entry_size(level, form, &entries[i]);
    block = wn_calloc(1, total);
    if (block == NULL)
        return WN_E_NOMEM;
    level_strings(level, has);
    pos = block + fixed * n;
    for (i = 0; i < n; i++) {
        if (form == WN_NETAPI_UTF8)
            fill_utf8(level, block + fixed * i, &entries[i], has, &pos);
        else
            fill_wide(level, block + fixed * i, &entries[i], has, &pos);
    }
    *buf = block;
    return 0;
}
