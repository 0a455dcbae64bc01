/* list.c: lists of targets (agents, servers) given as arguments, comma-separated, or one per line of a file. */
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define WN_TOOL_LINE_MAX 512

int
wn_tool_list_add(struct wn_tool_list *l, const char *s, unsigned max)
{
    if (l->n >= max) {
        fprintf(stderr, "too many targets (at most %u)\n", max);
        return -1;
    }
    char **v = realloc(l->v, (l->n + 1) * sizeof *v);
    char *copy = strdup(s);
    if (v)
        l->v = v;
    if (!v || !copy) {
        free(copy);
        fprintf(stderr, "out of memory\n");
        return -1;
    }
    l->v[l->n++] = copy;
    return 0;
}

int
wn_tool_list_add_csv(struct wn_tool_list *l, const char *csv, unsigned max)
{
    char *copy = strdup(csv);
    int rc = copy ? 0 : -1;
    char *save = NULL;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && rc == 0;
         t = strtok_r(NULL, ",", &save))
        rc = wn_tool_list_add(l, t, max);
    free(copy);
    return rc;
}

int
wn_tool_list_read(struct wn_tool_list *l, const char *path, unsigned max)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    char line[WN_TOOL_LINE_MAX];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        char *p = line + strspn(line, " \t");
        p[strcspn(p, " \t\r\n#")] = '\0';
        if (*p)
            rc = wn_tool_list_add(l, p, max);
    }
    fclose(f);
    return rc;
}

void
wn_tool_list_free(struct wn_tool_list *l)
{
    for (unsigned i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
