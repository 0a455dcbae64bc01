/* lmshare.h: NetSessionEnum/GetInfo/Del with the SESSION_INFO_* structures, plus UTF-8 wn_* variants. */
#ifndef WN_LMSHARE_H
#define WN_LMSHARE_H

#include "lmcons.h"

#ifdef __cplusplus
extern "C" {
#endif
WN_PUBLIC_BEGIN

/* Session structures (field names and order as published).  Every LMSTR
 * points into the same buffer as the structure; NetApiBufferFree releases
 * all of it.  cname never contains a backslash. */
typedef struct _SESSION_INFO_0 {
    LMSTR sesi0_cname;
} SESSION_INFO_0, *PSESSION_INFO_0, *LPSESSION_INFO_0;

typedef struct _SESSION_INFO_1 {
    LMSTR sesi1_cname;
    LMSTR sesi1_username;
    DWORD sesi1_num_opens;
    DWORD sesi1_time;
    DWORD sesi1_idle_time;
    DWORD sesi1_user_flags;
} SESSION_INFO_1, *PSESSION_INFO_1, *LPSESSION_INFO_1;

typedef struct _SESSION_INFO_2 {
    LMSTR sesi2_cname;
    LMSTR sesi2_username;
    DWORD sesi2_num_opens;
    DWORD sesi2_time;
    DWORD sesi2_idle_time;
    DWORD sesi2_user_flags;
    LMSTR sesi2_cltype_name;
} SESSION_INFO_2, *PSESSION_INFO_2, *LPSESSION_INFO_2;

typedef struct _SESSION_INFO_10 {
    LMSTR sesi10_cname;
    LMSTR sesi10_username;
    DWORD sesi10_time;
    DWORD sesi10_idle_time;
} SESSION_INFO_10, *PSESSION_INFO_10, *LPSESSION_INFO_10;

typedef struct _SESSION_INFO_502 {
    LMSTR sesi502_cname;
    LMSTR sesi502_username;
    DWORD sesi502_num_opens;
    DWORD sesi502_time;
    DWORD sesi502_idle_time;
    DWORD sesi502_user_flags;
    LMSTR sesi502_cltype_name;
    LMSTR sesi502_transport;
} SESSION_INFO_502, *PSESSION_INFO_502, *LPSESSION_INFO_502;

/* sesiN_user_flags */
#define SESS_GUEST 0x00000001        /* established with the guest account */
#define SESS_NOENCRYPTION 0x00000002 /* established without password encryption */

#define SESI1_NUM_ELEMENTS 8
#define SESI2_NUM_ELEMENTS 9

/* servername: NULL or L"" = this host (127.0.0.1), with or without a
 * leading L"\\\\".  UncClientName: with or without the leading L"\\\\".
 * All string arguments are borrowed.  *bufptr receives a buffer the caller
 * owns and frees with NetApiBufferFree (also after ERROR_MORE_DATA); it is
 * NULL when no entry is returned.  Levels: 0, 1, 2, 10, 502 (GetInfo: 0, 1,
 * 2, 10).  See docs/netsession.md for credentials, paging and the
 * values derived when the server (Samba) answers only levels 0 and 1. */
NET_API_STATUS NET_API_FUNCTION NetSessionEnum(LMSTR servername, LMSTR UncClientName,
                                               LMSTR username, DWORD level, LPBYTE *bufptr,
                                               DWORD prefmaxlen, LPDWORD entriesread,
                                               LPDWORD totalentries, LPDWORD resume_handle);
NET_API_STATUS NET_API_FUNCTION NetSessionGetInfo(LMSTR servername, LMSTR UncClientName,
                                                  LMSTR username, DWORD level,
                                                  LPBYTE *bufptr);
NET_API_STATUS NET_API_FUNCTION NetSessionDel(LMSTR servername, LMSTR UncClientName,
                                              LMSTR username);

/* ------------------------------------------------------------------------
 * Linux extensions (UTF-8; not part of the Windows API).
 * ---------------------------------------------------------------------- */

/* One session in UTF-8.  The UTF-8 calls return an array of these whatever
 * the level; fields the level does not carry are NULL / 0.  Strings point
 * into the same buffer (free it with NetApiBufferFree). */
struct wn_session_info_utf8 {
    char *cname;       /* levels 0 1 2 10 502 */
    char *username;    /* levels 1 2 10 502 */
    DWORD num_opens;   /* levels 1 2 502 */
    DWORD time;        /* levels 1 2 10 502 */
    DWORD idle_time;   /* levels 1 2 10 502 */
    DWORD user_flags;  /* levels 1 2 502 */
    char *cltype_name; /* levels 2 502 */
    char *transport;   /* level 502 */
};

/* Same parameters and return codes as the W functions, with UTF-8
 * strings; *bufptr is an array of struct wn_session_info_utf8. */
NET_API_STATUS wn_netapi_session_enum_utf8(const char *servername, const char *client,
                                           const char *username, DWORD level, LPBYTE *bufptr,
                                           DWORD prefmaxlen, LPDWORD entriesread,
                                           LPDWORD totalentries, LPDWORD resume_handle);
NET_API_STATUS wn_netapi_session_getinfo_utf8(const char *servername, const char *client,
                                              const char *username, DWORD level,
                                              LPBYTE *bufptr);
NET_API_STATUS wn_netapi_session_del_utf8(const char *servername, const char *client,
                                          const char *username);

/* Credentials for the following calls of this process (all threads).
 * The strings are copied (borrowed; the password copy is wiped when
 * replaced).  user may be "DOMAIN\\user".  user == NULL forgets them:
 * then NETAPI_USER/NETAPI_PASSWORD/NETAPI_DOMAIN, else NETAPI_AUTHFILE
 * (smbclient -A format, refused when group or others may read it), else
 * anonymous.  Returns NERR_Success or ERROR_NOT_ENOUGH_MEMORY. */
NET_API_STATUS wn_netapi_set_credentials(const char *user, const char *domain,
                                         const char *password);

WN_PUBLIC_END
#ifdef __cplusplus
}
#endif

#endif /* WN_LMSHARE_H */
