/* wn_wintypes.h: the Windows base types the public headers need, sized as on Windows (LP64-safe). */
#ifndef WN_WINTYPES_H
#define WN_WINTYPES_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* A program (or Wine) that already has the Windows types defines
 * _WINDEF_ / WN_HAVE_WINTYPES and these are skipped. */
#if !defined(_WINDEF_) && !defined(WN_HAVE_WINTYPES)
#define WN_HAVE_WINTYPES 1

typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef uint16_t WORD, *PWORD, *LPWORD;
typedef uint8_t BYTE, *PBYTE, *LPBYTE;
typedef int BOOL, *PBOOL, *LPBOOL;
typedef unsigned int UINT, *PUINT;
typedef int32_t LONG, *PLONG;
typedef uint32_t ULONG, *PULONG;
typedef void VOID, *PVOID, *LPVOID;
typedef const void *LPCVOID;
typedef void *HANDLE, *LPHANDLE;
typedef struct wn_hwnd__ *HWND;
typedef uintptr_t WPARAM;
typedef intptr_t LPARAM;
typedef intptr_t LRESULT;
typedef char CHAR, *PCHAR, *LPSTR, *PSTR;
typedef const char *LPCSTR, *PCSTR;
/* Windows code writes L"..." literals: on Linux wchar_t is 32-bit UTF-32,
 * and the libraries convert to UTF-16 at the wire. */
typedef wchar_t WCHAR, *PWCHAR, *LPWSTR, *PWSTR;
typedef const wchar_t *LPCWSTR, *PCWSTR;

#ifndef WINAPI
#define WINAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef FAR
#define FAR
#endif
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#endif /* !_WINDEF_ */

/* WN_PUBLIC_BEGIN / WN_PUBLIC_END bracket the function declarations of every
 * public header.  The libraries are built with hidden visibility, so exactly
 * the functions declared between them are exported (and a version script
 * per library, libwsnmp.map and libnetsess.map, says the same by name). */
#if defined(__GNUC__) && !defined(_WIN32)
#define WN_PUBLIC_BEGIN _Pragma("GCC visibility push(default)")
#define WN_PUBLIC_END _Pragma("GCC visibility pop")
#else
#define WN_PUBLIC_BEGIN
#define WN_PUBLIC_END
#endif

#endif /* WN_WINTYPES_H */
