/* utf16.c: UTF-8 / UTF-32 wchar_t <-> UTF-16LE conversion and the NTLM upper-casing of UTF-16. */
#include "base.h"

#include <string.h>

#define UNI_REPLACEMENT 0xFFFDu
#define UNI_MAX 0x10FFFFu

static int
is_surrogate(uint32_t c)
{
    return c >= 0xD800u && c <= 0xDFFFu;
}

/* Appends one scalar value (never a surrogate, <= U+10FFFF) as UTF-16LE. */
static int
put_utf16le(struct wn_dynbuf *out, uint32_t c)
{
    uint8_t u[4];
    size_t n;
    if (c < 0x10000u) {
        u[0] = (uint8_t)c;
        u[1] = (uint8_t)(c >> 8);
        n = 2;
    } else {
        uint32_t v = c - 0x10000u;
        uint16_t hi = (uint16_t)(0xD800u | (v >> 10));
        uint16_t lo = (uint16_t)(0xDC00u | (v & 0x3FFu));
        u[0] = (uint8_t)hi;
        u[1] = (uint8_t)(hi >> 8);
        u[2] = (uint8_t)lo;
        u[3] = (uint8_t)(lo >> 8);
        n = 4;
    }
    return wn_dynbuf_add(out, u, n);
}

/* Undoes a partial append after malformed input (the dynbuf may have been
 * freed by a limit or allocation failure, then len is already 0). */
static int
fail_restore(struct wn_dynbuf *out, size_t oldlen, int err)
{
    if (out->data && out->len > oldlen)
        out->len = oldlen;
    return err;
}

/* Decodes one UTF-8 sequence starting at s[*i]; returns the scalar value or
 * UINT32_MAX if the sequence is invalid (overlong, surrogate, > U+10FFFF,
 * truncated, stray continuation byte). */
static uint32_t
utf8_next(const uint8_t *s, size_t len, size_t *i)
{
    uint8_t b0 = s[*i];
    uint32_t c;
    size_t need;
    uint32_t min;
    if (b0 < 0x80u) {
        (*i)++;
        return b0;
    } else if (b0 >= 0xC2u && b0 <= 0xDFu) {
        c = b0 & 0x1Fu;
        need = 1;
        min = 0x80u;
    } else if (b0 >= 0xE0u && b0 <= 0xEFu) {
        c = b0 & 0x0Fu;
        need = 2;
        min = 0x800u;
    } else if (b0 >= 0xF0u && b0 <= 0xF4u) {
        c = b0 & 0x07u;
        need = 3;
        min = 0x10000u;
    } else {
        return UINT32_MAX;
    }
    if (len - *i - 1 < need)
        return UINT32_MAX;
    for (size_t k = 1; k <= need; k++) {
        uint8_t b = s[*i + k];
        if ((b & 0xC0u) != 0x80u)
            return UINT32_MAX;
        c = (c << 6) | (b & 0x3Fu);
    }
    if (c < min || c > UNI_MAX || is_surrogate(c))
        return UINT32_MAX;
    *i += need + 1;
    return c;
}

int
wn_utf8_to_utf16le(const char *s, size_t len, struct wn_dynbuf *out)
{
    if (!out || (!s && len))
        return WN_E_INVAL;
    const uint8_t *u = (const uint8_t *)s;
    size_t oldlen = out->len;
    size_t i = 0;
    while (i < len) {
        uint32_t c = utf8_next(u, len, &i);
        if (c == UINT32_MAX)
            return fail_restore(out, oldlen, WN_E_MALFORMED);
        int rc = put_utf16le(out, c);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int
wn_wcs_to_utf16le(const wchar_t *s, struct wn_dynbuf *out)
{
    if (!out || !s)
        return WN_E_INVAL;
    size_t oldlen = out->len;
    for (; *s; s++) {
        /* Linux wchar_t is a signed 32-bit UTF-32 code point. */
        int64_t v = (int64_t)*s;
        if (v < 0 || v > (int64_t)UNI_MAX || is_surrogate((uint32_t)v))
            return fail_restore(out, oldlen, WN_E_MALFORMED);
        int rc = put_utf16le(out, (uint32_t)v);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Decodes the next scalar value from UTF-16LE at p[*i] (nbytes total);
 * unpaired surrogates and a trailing odd byte become U+FFFD. */
static uint32_t
utf16_next(const uint8_t *p, size_t nbytes, size_t *i)
{
    if (nbytes - *i < 2) {
        *i = nbytes;
        return UNI_REPLACEMENT;
    }
    uint32_t u = (uint32_t)p[*i] | ((uint32_t)p[*i + 1] << 8);
    *i += 2;
    if (u >= 0xD800u && u <= 0xDBFFu && nbytes - *i >= 2) {
        uint32_t l = (uint32_t)p[*i] | ((uint32_t)p[*i + 1] << 8);
        if (l >= 0xDC00u && l <= 0xDFFFu) {
            *i += 2;
            return 0x10000u + ((u - 0xD800u) << 10) + (l - 0xDC00u);
        }
    }
    if (is_surrogate(u))
        return UNI_REPLACEMENT;
    return u;
}

int
wn_utf16le_to_utf8(const uint8_t *p, size_t nbytes, struct wn_dynbuf *out)
{
    if (!out || (!p && nbytes))
        return WN_E_INVAL;
    size_t i = 0;
    while (i < nbytes) {
        uint32_t c = utf16_next(p, nbytes, &i);
        if (c == 0)
            break;
        uint8_t b[4];
        size_t n;
        if (c < 0x80u) {
            b[0] = (uint8_t)c;
            n = 1;
        } else if (c < 0x800u) {
            b[0] = (uint8_t)(0xC0u | (c >> 6));
            b[1] = (uint8_t)(0x80u | (c & 0x3Fu));
            n = 2;
        } else if (c < 0x10000u) {
            b[0] = (uint8_t)(0xE0u | (c >> 12));
            b[1] = (uint8_t)(0x80u | ((c >> 6) & 0x3Fu));
            b[2] = (uint8_t)(0x80u | (c & 0x3Fu));
            n = 3;
        } else {
            b[0] = (uint8_t)(0xF0u | (c >> 18));
            b[1] = (uint8_t)(0x80u | ((c >> 12) & 0x3Fu));
            b[2] = (uint8_t)(0x80u | ((c >> 6) & 0x3Fu));
            b[3] = (uint8_t)(0x80u | (c & 0x3Fu));
            n = 4;
        }
        int rc = wn_dynbuf_add(out, b, n);
        if (rc < 0)
            return rc;
    }
    /* Keep the result a C string: a NUL after the data, not counted in len. */
    int rc = wn_dynbuf_add_zeros(out, 1);
    if (rc < 0)
        return rc;
    out->len--;
    return 0;
}

size_t
wn_utf16le_to_wcs(const uint8_t *p, size_t nbytes, wchar_t *out, size_t cap)
{
    size_t n = 0;
    size_t i = 0;
    if (!p)
        nbytes = 0;
    while (i < nbytes) {
        uint32_t c = utf16_next(p, nbytes, &i);
        if (c == 0)
            break;
        if (out && n + 1 < cap)
            out[n] = (wchar_t)c;
        n++;
    }
    if (out && cap)
        out[n < cap ? n : cap - 1] = L'\0';
    return n;
}

uint16_t
wn_utf16_toupper(uint16_t c)
{
    if (c < 0x80u)
        return (c >= 'a' && c <= 'z') ? (uint16_t)(c - 0x20u) : c;
    if (c < 0x100u) {
        /* Latin-1: U+00E0..U+00FE except U+00F7 (division sign). */
        if (c >= 0xE0u && c <= 0xFEu && c != 0xF7u)
            return (uint16_t)(c - 0x20u);
        if (c == 0xFFu)
            return 0x178u;  /* y diaeresis */
        if (c == 0xB5u)
            return 0x39Cu;  /* micro sign -> Greek capital mu */
        return c;
    }
    if (c <= 0x17Fu) {
        /* Latin Extended-A: pairs capital/small, alternating parity. */
        if ((c >= 0x100u && c <= 0x137u) || (c >= 0x14Au && c <= 0x177u))
            return (c & 1u) ? (uint16_t)(c - 1u) : c;
        if ((c >= 0x139u && c <= 0x148u) || (c >= 0x179u && c <= 0x17Eu))
            return (c & 1u) ? c : (uint16_t)(c - 1u);
        return c;
    }
    /* Greek lower-case alphabet (final sigma -> capital sigma). */
    if (c >= 0x3B1u && c <= 0x3CBu && c != 0x3C2u)
        return (uint16_t)(c - 0x20u);
    if (c == 0x3C2u)
        return 0x3A3u;
    /* Cyrillic: U+0430..U+044F -> -0x20, U+0450..U+045F -> -0x50. */
    if (c >= 0x430u && c <= 0x44Fu)
        return (uint16_t)(c - 0x20u);
    if (c >= 0x450u && c <= 0x45Fu)
        return (uint16_t)(c - 0x50u);
    /* Fullwidth Latin small letters. */
    if (c >= 0xFF41u && c <= 0xFF5Au)
        return (uint16_t)(c - 0x20u);
    return c;
}

void
wn_utf16le_upper(uint8_t *p, size_t nbytes)
{
    for (size_t i = 0; i + 1 < nbytes; i += 2) {
        uint16_t c = (uint16_t)(p[i] | (p[i + 1] << 8));
        uint16_t u = wn_utf16_toupper(c);
        p[i] = (uint8_t)u;
        p[i + 1] = (uint8_t)(u >> 8);
    }
}
