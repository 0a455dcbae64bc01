/* json.h: the few helpers both command-line tools share (JSON strings, number parsing, lists of targets). */
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

/* A list of owned strings (agents, servers) from arguments and files. */
struct wn_tool_list {
    char **v;
    unsigned n;
};
/* Adds a copy of s; -1 (with a message) beyond max entries or out of memory. */
int wn_tool_list_add(struct wn_tool_list *l, const char *s, unsigned max);
/* Adds each comma-separated part of csv. */
int wn_tool_list_add_csv(struct wn_tool_list *l, const char *csv, unsigned max);
/* Adds each line of the file (blank lines and # comments skipped). */
int wn_tool_list_read(struct wn_tool_list *l, const char *path, unsigned max);
void wn_tool_list_free(struct wn_tool_list *l);

#endif
