/* netapi_bridge.c: NetSessionEnum/GetInfo/Del and NetApiBufferFree for Windows programs: UTF-16 in, SESSION_INFO_* on the process heap out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lm.h>

#include "bridge_wine.h"
#include "utf16.h"

/* Windows strings are UTF-16 and Windows code frees the result with its
 * NetApiBufferFree (HeapFree on the process heap, which is also what Wine's
 * own netapi32 allocates from), so the bridge converts the arguments to
 * UTF-8, calls the library's UTF-8 functions, and copies the sessions into
 * one process-heap block: the structures of the level, then their strings.
 * The structures' layout is the same on Windows and LP64 Linux except for
 * the string type, so they are declared here with UTF-16 pointers. */

struct win_si0 {
    utf16 *cname;
};
struct win_si1 {
    utf16 *cname, *username;
    uint32_t num_opens, time, idle_time, user_flags;
};
struct win_si2 {
    utf16 *cname, *username;
    uint32_t num_opens, time, idle_time, user_flags;
    utf16 *cltype_name;
};
struct win_si10 {
    utf16 *cname, *username;
    uint32_t time, idle_time;
};
struct win_si502 {
    utf16 *cname, *username;
    uint32_t num_opens, time, idle_time, user_flags;
    utf16 *cltype_name, *transport;
};

static size_t
level_size(DWORD level)
{
    switch (level) {
    case 0: return sizeof(struct win_si0);
    case 1: return sizeof(struct win_si1);
    case 2: return sizeof(struct win_si2);
    case 10: return sizeof(struct win_si10);
    case 502: return sizeof(struct win_si502);
    default: return 0;
    }
}

/* The strings level `level` carries, in the order they are stored. */
static size_t
level_strings(DWORD level, const struct wn_session_info_utf8 *e, const char *out[4])
{
    size_t n = 0;
    out[n++] = e->cname;
    if (level != 0)
        out[n++] = e->username;
    if (level == 2 || level == 502)
        out[n++] = e->cltype_name;
    if (level == 502)
        out[n++] = e->transport;
    return n;
}

static void
fill_entry(DWORD level, void *dst, const struct wn_session_info_utf8 *e, utf16 **cursor)
{
    utf16 *cname = wnb_utf8_put_utf16(cursor, e->cname);
    utf16 *user = level != 0 ? wnb_utf8_put_utf16(cursor, e->username) : NULL;
    utf16 *cltype = level == 2 || level == 502 ? wnb_utf8_put_utf16(cursor, e->cltype_name) : NULL;
    utf16 *transport = level == 502 ? wnb_utf8_put_utf16(cursor, e->transport) : NULL;
    switch (level) {
    case 0: {
        struct win_si0 *w = dst;
        w->cname = cname;
        break;
    }
    case 1: {
        struct win_si1 *w = dst;
        *w = (struct win_si1){cname, user, e->num_opens, e->time, e->idle_time, e->user_flags};
        break;
    }
    case 2: {
        struct win_si2 *w = dst;
        *w = (struct win_si2){cname,        user,          e->num_opens, e->time,
                              e->idle_time, e->user_flags, cltype};
        break;
    }
    case 10: {
        struct win_si10 *w = dst;
        *w = (struct win_si10){cname, user, e->time, e->idle_time};
        break;
    }
    default: {
        struct win_si502 *w = dst;
        *w = (struct win_si502){cname,        user,          e->num_opens, e->time,
                                e->idle_time, e->user_flags, cltype,       transport};
        break;
    }
    }
}

/* Builds the Windows buffer of `count` entries on the process heap. */
static NET_API_STATUS
to_windows(DWORD level, const struct wn_session_info_utf8 *entries, DWORD count, void **out)
{
    *out = NULL;
    size_t size = level_size(level);
    if (!entries || count == 0 || size == 0)
        return NERR_Success;
    size_t total = size * count;
    for (DWORD i = 0; i < count; i++) {
        const char *strs[4];
        size_t n = level_strings(level, &entries[i], strs);
        for (size_t k = 0; k < n; k++)
            total += wnb_utf8_utf16_units(strs[k]) * sizeof(utf16);
    }
    unsigned char *buf = wnb_heap_alloc(total);
    if (!buf)
        return ERROR_NOT_ENOUGH_MEMORY;
    utf16 *cursor = (utf16 *)(buf + size * count);
    for (DWORD i = 0; i < count; i++)
        fill_entry(level, buf + size * i, &entries[i], &cursor);
    *out = buf;
    return NERR_Success;
}

struct args {
    char *server, *client, *user;
};

/* Converts the three names; *bufptr (if any) is NULL until a result is built. */
static NET_API_STATUS
args_get(struct args *a, LPBYTE *bufptr, const utf16 *server, const utf16 *client,
         const utf16 *user)
{
    if (bufptr)
        *bufptr = NULL;
    memset(a, 0, sizeof *a);
    if (wnb_utf16_to_utf8(server, &a->server) < 0 || wnb_utf16_to_utf8(client, &a->client) < 0 ||
        wnb_utf16_to_utf8(user, &a->user) < 0) {
        free(a->server);
        free(a->client);
        return ERROR_INVALID_PARAMETER;
    }
    return NERR_Success;
}

static void
args_free(struct args *a)
{
    free(a->server);
    free(a->client);
    free(a->user);
}

NET_API_STATUS __attribute__((ms_abi))
wnb_NetSessionEnum(utf16 *servername, utf16 *UncClientName, utf16 *username, DWORD level,
                   LPBYTE *bufptr, DWORD prefmaxlen, LPDWORD entriesread,
                   LPDWORD totalentries, LPDWORD resume_handle)
{
    struct args a;
    NET_API_STATUS st = args_get(&a, bufptr, servername, UncClientName, username);
    if (st != NERR_Success)
        return st;
    LPBYTE lin = NULL;
    DWORD read = 0;
    st = wn_netapi_session_enum_utf8(a.server, a.client, a.user, level, bufptr ? &lin : NULL,
                                 prefmaxlen, entriesread ? &read : NULL, totalentries,
                                 resume_handle);
    args_free(&a);
    if (bufptr && (st == NERR_Success || st == ERROR_MORE_DATA)) {
        NET_API_STATUS cst =
            to_windows(level, (const struct wn_session_info_utf8 *)lin, read, (void **)bufptr);
        if (cst != NERR_Success)
            st = cst;
    }
    if (entriesread)
        *entriesread = st == NERR_Success || st == ERROR_MORE_DATA ? read : 0;
    NetApiBufferFree(lin);
    return st;
}

NET_API_STATUS __attribute__((ms_abi))
wnb_NetSessionGetInfo(utf16 *servername, utf16 *UncClientName, utf16 *username, DWORD level,
                      LPBYTE *bufptr)
{
    struct args a;
    NET_API_STATUS st = args_get(&a, bufptr, servername, UncClientName, username);
    if (st != NERR_Success)
        return st;
    LPBYTE lin = NULL;
    st = wn_netapi_session_getinfo_utf8(a.server, a.client, a.user, level, bufptr ? &lin : NULL);
    args_free(&a);
    if (bufptr && st == NERR_Success)
        st = to_windows(level, (const struct wn_session_info_utf8 *)lin, lin ? 1 : 0,
                        (void **)bufptr);
    NetApiBufferFree(lin);
    return st;
}

NET_API_STATUS __attribute__((ms_abi))
wnb_NetSessionDel(utf16 *servername, utf16 *UncClientName, utf16 *username)
{
    struct args a;
    NET_API_STATUS st = args_get(&a, NULL, servername, UncClientName, username);
    if (st != NERR_Success)
        return st;
    st = wn_netapi_session_del_utf8(a.server, a.client, a.user);
    args_free(&a);
    return st;
}

/* Frees what these functions and Wine's own netapi32 return (both on the
 * process heap). */
NET_API_STATUS __attribute__((ms_abi))
wnb_NetApiBufferFree(LPVOID Buffer)
{
    if (!Buffer)
        return NERR_Success;
    return wnb_heap_free(Buffer) ? NERR_Success : ERROR_INVALID_PARAMETER;
}
