/* lmcons.h: LAN Manager base types and constants for the NetSession* API on Linux. */
#ifndef WN_LMCONS_H
#define WN_LMCONS_H

#include "wn_wintypes.h"

/* LMSTR is wchar_t * and the library reads 4-byte characters: a program
 * built with 2-byte wchar_t (-fshort-wchar) would hand it UTF-16 that it
 * reads as garbage.  Refuse to compile instead. */
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ != 4
#error "lmcons.h: libnetsess needs a 4-byte wchar_t (do not build with -fshort-wchar)"
#elif !defined(__SIZEOF_WCHAR_T__) && defined(__WCHAR_MAX__) && (__WCHAR_MAX__ <= 0xFFFF)
#error "lmcons.h: libnetsess needs a 4-byte wchar_t (do not build with -fshort-wchar)"
#endif

/* Strings of the Net* API are wchar_t (UTF-32 on Linux, 32-bit), so Windows
 * code that writes L"..." compiles unchanged; the library converts to
 * UTF-16LE on the wire.  POSIX callers can use the UTF-8 wn_* variants of
 * lmshare.h instead. */
#ifndef LMSTR
#define LMSTR LPWSTR
#endif
#ifndef LMCSTR
#define LMCSTR LPCWSTR
#endif

#ifndef NET_API_STATUS
typedef DWORD NET_API_STATUS;
#define NET_API_STATUS NET_API_STATUS
#endif
#ifndef API_RET_TYPE
#define API_RET_TYPE NET_API_STATUS
#endif
#ifndef NET_API_FUNCTION
#define NET_API_FUNCTION
#endif

/* prefmaxlen value meaning "return everything in one buffer". */
#ifndef MAX_PREFERRED_LENGTH
#define MAX_PREFERRED_LENGTH ((DWORD)-1)
#endif

/* Name lengths (characters, without the terminating NUL). */
#ifndef CNLEN
#define CNLEN 15     /* NetBIOS computer name */
#endif
#ifndef UNLEN
#define UNLEN 256    /* user name */
#endif
#ifndef DNLEN
#define DNLEN CNLEN  /* domain name */
#endif
#ifndef PWLEN
#define PWLEN 256    /* password */
#endif
#ifndef UNCLEN
#define UNCLEN (CNLEN + 2)
#endif

#ifndef NERR_Success
#define NERR_Success 0
#endif

#endif /* WN_LMCONS_H */
