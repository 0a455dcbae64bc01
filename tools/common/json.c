/* json.c: JSON string escaping and strict number parsing for the command-line tools. */
#include "json.h"

#include <errno.h>
#include <stdlib.h>

void
wn_tool_json_str(FILE *f, const char *s, size_t len)
{
    putc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(f, "\\u%04x", c);
            else
                putc(c, f);
        }
    }
    putc('"', f);
}

void
wn_tool_json_cstr(FILE *f, const char *s)
{
    size_t n = 0;
    if (!s) {
        fputs("null", f);
        return;
    }
    while (s[n])
        n++;
    wn_tool_json_str(f, s, n);
}

int
wn_tool_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}
