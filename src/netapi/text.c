/* text.c: UTF-8 <-> wchar_t (UTF-32) conversion for the API edges and ASCII-folding name comparison. */
#include <string.h>

#include "netapi.h"

int
wn_netapi_wcs_to_utf8(const wchar_t *s, char **out)
{
    size_t need = 1;
    const wchar_t *p;
    char *buf;
    char *q;

    *out = NULL;
    if (s == NULL)
        return 0;
    for (p = s; *p != 0; p++) {
        uint32_t c = (uint32_t)*p;
        if (c > 0x10FFFFu || (c >= 0xD800u && c <= 0xDFFFu))
            return WN_E_MALFORMED;
        need += c < 0x80u ? 1 : c < 0x800u ? 2 : c < 0x10000u ? 3 : 4;
    }
    buf = wn_malloc(need);
    if (buf == NULL)
        return WN_E_NOMEM;
    q = buf;
    for (p = s; *p != 0; p++) {
        uint32_t c = (uint32_t)*p;
        if (c < 0x80u) {
            *q++ = (char)c;
        } else if (c < 0x800u) {
            *q++ = (char)(0xC0u | (c >> 6));
            *q++ = (char)(0x80u | (c & 0x3Fu));
        } else if (c < 0x10000u) {
            *q++ = (char)(0xE0u | (c >> 12));
            *q++ = (char)(0x80u | ((c >> 6) & 0x3Fu));
            *q++ = (char)(0x80u | (c & 0x3Fu));
        } else {
            *q++ = (char)(0xF0u | (c >> 18));
            *q++ = (char)(0x80u | ((c >> 12) & 0x3Fu));
            *q++ = (char)(0x80u | ((c >> 6) & 0x3Fu));
            *q++ = (char)(0x80u | (c & 0x3Fu));
        }
    }
    *q = '\0';
    *out = buf;
    return 0;
}

/* Decodes one code point at *pp (NUL-terminated) and advances; invalid
 * or overlong sequences yield U+FFFD and consume one byte. */
static uint32_t
utf8_next(const unsigned char **pp)
{
    const unsigned char *p = *pp;
    uint32_t c = p[0];
    size_t n;
    uint32_t min;
    size_t i;

    if (c < 0x80u) {
        *pp = p + 1;
        return c;
    }
    if ((c & 0xE0u) == 0xC0u) {
        n = 1; min = 0x80u; c &= 0x1Fu;
    } else if ((c & 0xF0u) == 0xE0u) {
        n = 2; min = 0x800u; c &= 0x0Fu;
    } else if ((c & 0xF8u) == 0xF0u) {
        n = 3; min = 0x10000u; c &= 0x07u;
    } else {
        *pp = p + 1;
        return 0xFFFDu;
    }
    for (i = 1; i <= n; i++) {
        if ((p[i] & 0xC0u) != 0x80u) {
            *pp = p + 1;
            return 0xFFFDu;
        }
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFFu || (c >= 0xD800u && c <= 0xDFFFu)) {
        *pp = p + 1;
        return 0xFFFDu;
    }
    *pp = p + n + 1;
    return c;
}

size_t
wn_netapi_utf8_wcslen(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;

    while (*p != 0) {
        (void)utf8_next(&p);
        n++;
    }
    return n;
}

void
wn_netapi_utf8_to_wcs(const char *s, wchar_t *out)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != 0)
        *out++ = (wchar_t)utf8_next(&p);
    *out = 0;
}

static unsigned char
ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

int
wn_netapi_name_eq(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    if (p == NULL || q == NULL)
        return p == q;
    while (*p != 0 && ascii_lower(*p) == ascii_lower(*q)) {
        p++;
        q++;
    }
    return *p == 0 && *q == 0;
}
