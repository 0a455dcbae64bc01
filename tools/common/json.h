/* json.h: the few JSON and text helpers both command-line tools share (string escaping, number parsing). */
#ifndef WN_TOOLS_JSON_H
#define WN_TOOLS_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Writes s (len bytes, any bytes) as a JSON string literal with quotes. */
void wn_tool_json_str(FILE *f, const char *s, size_t len);
/* Same for a NUL-terminated string; NULL is written as null. */
void wn_tool_json_cstr(FILE *f, const char *s);
/* Parses a whole decimal unsigned number in [min, max]; 0 or -1. */
int wn_tool_parse_ulong(const char *s, unsigned long min, unsigned long max,
                        unsigned long *out);

#endif
