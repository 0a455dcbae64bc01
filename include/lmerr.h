/* lmerr.h: NET_API_STATUS values (Win32 ERROR_* and LAN Manager NERR_*) with their published numbers. */
#ifndef WN_LMERR_H
#define WN_LMERR_H

#ifndef NERR_Success
#define NERR_Success 0
#endif
#ifndef NERR_BASE
#define NERR_BASE 2100
#endif

/* Win32 codes (winerror.h values) that the Net* functions return.  Each is
 * guarded so a program that also includes another winerror.h still builds. */
#ifndef ERROR_SUCCESS
#define ERROR_SUCCESS 0L
#endif
#ifndef ERROR_FILE_NOT_FOUND
#define ERROR_FILE_NOT_FOUND 2L
#endif
#ifndef ERROR_ACCESS_DENIED
#define ERROR_ACCESS_DENIED 5L
#endif
#ifndef ERROR_NOT_ENOUGH_MEMORY
#define ERROR_NOT_ENOUGH_MEMORY 8L
#endif
#ifndef ERROR_NOT_SUPPORTED
#define ERROR_NOT_SUPPORTED 50L
#endif
#ifndef ERROR_BAD_NETPATH
#define ERROR_BAD_NETPATH 53L
#endif
#ifndef ERROR_UNEXP_NET_ERR
#define ERROR_UNEXP_NET_ERR 59L
#endif
#ifndef ERROR_NETNAME_DELETED
#define ERROR_NETNAME_DELETED 64L
#endif
#ifndef ERROR_BAD_NET_NAME
#define ERROR_BAD_NET_NAME 67L
#endif
#ifndef ERROR_INVALID_PARAMETER
#define ERROR_INVALID_PARAMETER 87L
#endif
#ifndef ERROR_INVALID_NAME
#define ERROR_INVALID_NAME 123L
#endif
#ifndef ERROR_INVALID_LEVEL
#define ERROR_INVALID_LEVEL 124L
#endif
#ifndef ERROR_MORE_DATA
#define ERROR_MORE_DATA 234L
#endif
#ifndef ERROR_BAD_ENVIRONMENT
#define ERROR_BAD_ENVIRONMENT 10L
#endif
#ifndef ERROR_INVALID_DATA
#define ERROR_INVALID_DATA 13L
#endif
#ifndef ERROR_SEM_TIMEOUT
#define ERROR_SEM_TIMEOUT 121L
#endif
#ifndef ERROR_INVALID_PASSWORD
#define ERROR_INVALID_PASSWORD 86L
#endif
#ifndef ERROR_LOGON_FAILURE
#define ERROR_LOGON_FAILURE 1326L
#endif
#ifndef ERROR_ACCOUNT_RESTRICTION
#define ERROR_ACCOUNT_RESTRICTION 1327L
#endif
#ifndef ERROR_ACCOUNT_DISABLED
#define ERROR_ACCOUNT_DISABLED 1331L
#endif
#ifndef ERROR_PASSWORD_EXPIRED
#define ERROR_PASSWORD_EXPIRED 1330L
#endif
#ifndef ERROR_ACCOUNT_LOCKED_OUT
#define ERROR_ACCOUNT_LOCKED_OUT 1909L
#endif
#ifndef RPC_S_UNKNOWN_IF
#define RPC_S_UNKNOWN_IF 1717L
#endif
#ifndef RPC_S_SERVER_UNAVAILABLE
#define RPC_S_SERVER_UNAVAILABLE 1722L
#endif
#ifndef RPC_S_CALL_FAILED
#define RPC_S_CALL_FAILED 1726L
#endif
#ifndef RPC_S_PROTOCOL_ERROR
#define RPC_S_PROTOCOL_ERROR 1728L
#endif
#ifndef RPC_S_PROCNUM_OUT_OF_RANGE
#define RPC_S_PROCNUM_OUT_OF_RANGE 1745L
#endif
#ifndef RPC_X_BAD_STUB_DATA
#define RPC_X_BAD_STUB_DATA 1783L
#endif

/* LAN Manager codes (NERR_BASE + n). */
#define NERR_NetNotStarted (NERR_BASE + 2)        /* 2102 */
#define NERR_ServerNotStarted (NERR_BASE + 14)    /* 2114 */
#define NERR_BufTooSmall (NERR_BASE + 23)         /* 2123 */
#define NERR_InternalError (NERR_BASE + 40)       /* 2140 */
#define NERR_UserNotFound (NERR_BASE + 121)       /* 2221 */
#define NERR_NetNameNotFound (NERR_BASE + 210)    /* 2310 */
#define NERR_ClientNameNotFound (NERR_BASE + 212) /* 2312 */
#define NERR_InvalidComputer (NERR_BASE + 251)    /* 2351 */

#endif /* WN_LMERR_H */
