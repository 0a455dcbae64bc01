/* utf16.c: UTF-16 <-> UTF-8 for the netapi32 bridge (Windows strings in and out of the library's UTF-8 calls). */
#include <stdlib.h>

#include "utf16.h"

#define UTF8_MAX_PER_UNIT 3 /* a UTF-16 unit is at most 3 UTF-8 bytes (pairs: 2 units, 4 bytes) */
#define SURROGATE_HIGH 0xD800u
#define SURROGATE_LOW 0xDC00u
#define SURROGATE_END 0xE000u
#define REPLACEMENT_CHAR 0xFFFDu

/* UTF-16 (NUL-terminated, may be NULL) to a malloc'ed UTF-8 copy (NULL for
 * NULL).  0, or -1 on an unpaired surrogate or no memory. */
int
wnb_utf16_to_utf8(const utf16 *in, char **out)
{
    *out = NULL;
    if (!in)
        return 0;
    size_t n = 0;
    while (in[n])
        n++;
    char *s = malloc(n * UTF8_MAX_PER_UNIT + 1);
    if (!s)
        return -1;
    char *p = s;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = in[i];
        if (c >= SURROGATE_HIGH && c < SURROGATE_END) {
            if (c >= SURROGATE_LOW || i + 1 >= n || in[i + 1] < SURROGATE_LOW ||
                in[i + 1] >= SURROGATE_END) {
                free(s);
                return -1;
            }
            c = 0x10000u + ((c - SURROGATE_HIGH) << 10) + (in[++i] - SURROGATE_LOW);
        }
        if (c < 0x80) {
            *p++ = (char)c;
        } else if (c < 0x800) {
            *p++ = (char)(0xC0 | (c >> 6));
            *p++ = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            *p++ = (char)(0xE0 | (c >> 12));
            *p++ = (char)(0x80 | ((c >> 6) & 0x3F));
            *p++ = (char)(0x80 | (c & 0x3F));
        } else {
            *p++ = (char)(0xF0 | (c >> 18));
            *p++ = (char)(0x80 | ((c >> 12) & 0x3F));
            *p++ = (char)(0x80 | ((c >> 6) & 0x3F));
            *p++ = (char)(0x80 | (c & 0x3F));
        }
    }
    *p = '\0';
    *out = s;
    return 0;
}

/* Decodes one UTF-8 sequence at *s (the library's strings are valid
 * UTF-8; anything else becomes U+FFFD) and advances *s. */
static uint32_t
next_char(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t c = *p++;
    unsigned more = c >= 0xF8 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (c < 0x80 || !more) {
        *s = p;
        return c < 0x80 ? c : REPLACEMENT_CHAR;
    }
    c &= 0x3Fu >> more;
    for (unsigned i = 0; i < more; i++) {
        if ((*p & 0xC0) != 0x80) {
            *s = p;
            return REPLACEMENT_CHAR;
        }
        c = (c << 6) | (*p++ & 0x3F);
    }
    *s = p;
    static const uint32_t least[] = {0, 0x80, 0x800, 0x10000}; /* shorter forms are overlong */
    if (c < least[more] || c > 0x10FFFF || (c >= SURROGATE_HIGH && c < SURROGATE_END))
        return REPLACEMENT_CHAR;
    return c;
}

/* UTF-16 units of a UTF-8 string, its NUL included (0 for NULL). */
size_t
wnb_utf8_utf16_units(const char *in)
{
    if (!in)
        return 0;
    size_t n = 1;
    const unsigned char *p = (const unsigned char *)in;
    while (*p)
        n += next_char(&p) >= 0x10000 ? 2 : 1;
    return n;
}

/* Copies a UTF-8 string as UTF-16 at *cursor; returns where it starts
 * (NULL for NULL) and advances *cursor. */
utf16 *
wnb_utf8_put_utf16(utf16 **cursor, const char *in)
{
    if (!in)
        return NULL;
    utf16 *start = *cursor, *q = start;
    const unsigned char *p = (const unsigned char *)in;
    while (*p) {
        uint32_t c = next_char(&p);
        if (c >= 0x10000) {
            c -= 0x10000;
            *q++ = (utf16)(SURROGATE_HIGH + (c >> 10));
            *q++ = (utf16)(SURROGATE_LOW + (c & 0x3FF));
        } else {
            *q++ = (utf16)c;
        }
    }
    *q++ = 0;
    *cursor = q;
    return start;
}
