/* text.c: UTF-8 <-> wchar_t (UTF-32) conversion for the API edges and Unicode case-insensitive name comparison. */
#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <wctype.h>

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

/* Case mapping independent of the program's locale: glibc's built-in
 * C.UTF-8 (always present since glibc 2.35) has the Unicode simple case
 * mappings.  Without it only ASCII letters fold. */
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;
static locale_t fold_locale;

static void
fold_init(void)
{
    fold_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static uint32_t
fold_upper(uint32_t c)
{
    if (c < 0x80u)
        return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
    if (fold_locale == (locale_t)0)
        return c;
    return (uint32_t)towupper_l((wint_t)c, fold_locale);
}

int
wn_netapi_name_eq(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    if (p == NULL || q == NULL)
        return p == q;
    pthread_once(&fold_once, fold_init);
    /* Windows compares account names upper-cased code point by code point
     * (RtlUpcaseUnicodeString): simple mappings only, no expansions. */
    while (*p != 0 && *q != 0) {
        uint32_t x = utf8_next(&p);
        uint32_t y = utf8_next(&q);
        if (x != y && fold_upper(x) != fold_upper(y))
            return 0;
    }
    return *p == 0 && *q == 0;
}
