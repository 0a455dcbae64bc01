/* lmapibuf.h: allocation and release of the buffers the Net* functions return. */
#ifndef WN_LMAPIBUF_H
#define WN_LMAPIBUF_H

#include "lmcons.h"

#ifdef __cplusplus
extern "C" {
#endif
WN_PUBLIC_BEGIN

/* Releases a buffer returned by any Net* function (structures and the
 * strings they point to are one allocation).  NULL is accepted and gives
 * NERR_Success. */
NET_API_STATUS NET_API_FUNCTION NetApiBufferFree(LPVOID Buffer);

/* Allocates ByteCount bytes (zeroed) that NetApiBufferFree releases.
 * Returns ERROR_INVALID_PARAMETER when Buffer is NULL and
 * ERROR_NOT_ENOUGH_MEMORY when the allocation fails. */
NET_API_STATUS NET_API_FUNCTION NetApiBufferAllocate(DWORD ByteCount, LPVOID *Buffer);

WN_PUBLIC_END
#ifdef __cplusplus
}
#endif

#endif /* WN_LMAPIBUF_H */
