/* utf16.h: UTF-16 <-> UTF-8 conversions of the netapi32 bridge. */
#ifndef WNB_UTF16_H
#define WNB_UTF16_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t utf16;

/* UTF-16 (NUL-terminated, borrowed, may be NULL) to a malloc'ed UTF-8
 * copy, returned-owned (NULL for NULL).  0, or -1 on an unpaired surrogate
 * or no memory. */
int wnb_utf16_to_utf8(const utf16 *in, char **out);

/* UTF-16 units of a UTF-8 string, its NUL included (0 for NULL).
 * Invalid UTF-8 counts as U+FFFD, as wnb_utf8_put_utf16 writes it. */
size_t wnb_utf8_utf16_units(const char *in);

/* Writes a UTF-8 string as NUL-terminated UTF-16 at *cursor (room for
 * wnb_utf8_utf16_units(in) units); returns where it starts (NULL for NULL)
 * and advances *cursor. */
utf16 *wnb_utf8_put_utf16(utf16 **cursor, const char *in);

#endif /* WNB_UTF16_H */
