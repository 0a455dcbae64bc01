/* api.c: the public entry points (NetSession* in wchar_t, wn_netapi_session_*_utf8, NetApiBuffer*). */
#include <string.h>

#include "netapi.h"

#include "lmapibuf.h"
#include "lmerr.h"
#include "lmshare.h"

/* Converted arguments of a W call (owned UTF-8 copies). */
struct wide_args {
    char *server;
    char *client;
    char *user;
};

static void
wide_args_free(struct wide_args *a)
{
    wn_free(a->server);
    wn_free(a->client);
    wn_free(a->user);
    memset(a, 0, sizeof(*a));
}

static NET_API_STATUS
wide_args_make(LMSTR server, LMSTR client, LMSTR user, struct wide_args *a)
{
    int rc;

    memset(a, 0, sizeof(*a));
    rc = wn_netapi_wcs_to_utf8(server, &a->server);
    if (rc != 0)
        return rc == WN_E_NOMEM ? ERROR_NOT_ENOUGH_MEMORY : NERR_InvalidComputer;
    rc = wn_netapi_wcs_to_utf8(client, &a->client);
    if (rc == 0)
        rc = wn_netapi_wcs_to_utf8(user, &a->user);
    if (rc != 0) {
        wide_args_free(a);
        return rc == WN_E_NOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER;
    }
    return NERR_Success;
}

NET_API_STATUS NET_API_FUNCTION
NetSessionEnum(LMSTR servername, LMSTR UncClientName, LMSTR username, DWORD level,
               LPBYTE *bufptr, DWORD prefmaxlen, LPDWORD entriesread, LPDWORD totalentries,
               LPDWORD resume_handle)
{
    struct wide_args a;
    struct wn_netapi_query q;
    NET_API_STATUS st;

    if (bufptr == NULL || entriesread == NULL || totalentries == NULL)
        return ERROR_INVALID_PARAMETER;
    *bufptr = NULL;
    *entriesread = 0; /* also when the names are refused below */
    *totalentries = 0;
    st = wide_args_make(servername, UncClientName, username, &a);
    if (st != NERR_Success)
        return st;
    q.server = a.server;
    q.client = a.client;
    q.user = a.user;
    q.level = level;
    st = wn_netapi_session_enum(&q, WN_NETAPI_WIDE, bufptr, prefmaxlen, entriesread,
                                totalentries, resume_handle);
    wide_args_free(&a);
    return st;
}

NET_API_STATUS NET_API_FUNCTION
NetSessionGetInfo(LMSTR servername, LMSTR UncClientName, LMSTR username, DWORD level,
                  LPBYTE *bufptr)
{
    struct wide_args a;
    struct wn_netapi_query q;
    NET_API_STATUS st;

    if (bufptr == NULL)
        return ERROR_INVALID_PARAMETER;
    *bufptr = NULL;
    st = wide_args_make(servername, UncClientName, username, &a);
    if (st != NERR_Success)
        return st;
    q.server = a.server;
    q.client = a.client;
    q.user = a.user;
    q.level = level;
    st = wn_netapi_session_getinfo(&q, WN_NETAPI_WIDE, bufptr);
    wide_args_free(&a);
    return st;
}

NET_API_STATUS NET_API_FUNCTION
NetSessionDel(LMSTR servername, LMSTR UncClientName, LMSTR username)
{
    struct wide_args a;
    struct wn_netapi_query q;
    NET_API_STATUS st;

    st = wide_args_make(servername, UncClientName, username, &a);
    if (st != NERR_Success)
        return st;
    q.server = a.server;
    q.client = a.client;
    q.user = a.user;
    q.level = 0;
    st = wn_netapi_session_del(&q);
    wide_args_free(&a);
    return st;
}

NET_API_STATUS
wn_netapi_session_enum_utf8(const char *servername, const char *client, const char *username,
                            DWORD level, LPBYTE *bufptr, DWORD prefmaxlen, LPDWORD entriesread,
                            LPDWORD totalentries, LPDWORD resume_handle)
{
    struct wn_netapi_query q;

    q.server = servername;
    q.client = client;
    q.user = username;
    q.level = level;
    return wn_netapi_session_enum(&q, WN_NETAPI_UTF8, bufptr, prefmaxlen, entriesread,
                                  totalentries, resume_handle);
}

NET_API_STATUS
wn_netapi_session_getinfo_utf8(const char *servername, const char *client, const char *username,
                               DWORD level, LPBYTE *bufptr)
{
    struct wn_netapi_query q;

    q.server = servername;
    q.client = client;
    q.user = username;
    q.level = level;
    return wn_netapi_session_getinfo(&q, WN_NETAPI_UTF8, bufptr);
}

NET_API_STATUS
wn_netapi_session_del_utf8(const char *servername, const char *client, const char *username)
{
    struct wn_netapi_query q;

    q.server = servername;
    q.client = client;
    q.user = username;
    q.level = 0;
    return wn_netapi_session_del(&q);
}

NET_API_STATUS
wn_netapi_set_credentials(const char *user, const char *domain, const char *password)
{
    return wn_netapi_map_err(wn_netapi_creds_set(user, domain, password));
}

NET_API_STATUS NET_API_FUNCTION
NetApiBufferFree(LPVOID Buffer)
{
    wn_free(Buffer);
    return NERR_Success;
}

NET_API_STATUS NET_API_FUNCTION
NetApiBufferAllocate(DWORD ByteCount, LPVOID *Buffer)
{
    if (Buffer == NULL)
        return ERROR_INVALID_PARAMETER;
    *Buffer = wn_calloc(1, ByteCount > 0 ? ByteCount : 1);
    return *Buffer != NULL ? NERR_Success : ERROR_NOT_ENOUGH_MEMORY;
}
