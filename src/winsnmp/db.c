/* db.c: the translated-mode database: a text file of friendly entity and context names (format in docs/winsnmp.md). */
#include "winsnmp_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WN_WS_DB_MAX_FILE (1u << 20)   /* bytes read from the file */
#define WN_WS_DB_MAX_LINE 4096u        /* one line */
#define WN_WS_DB_MAX_NAME 255u         /* a name or value */
#define WN_WS_DB_MAX_TOKENS 16u        /* tokens on one line */

char *
wn_ws_db_path(void)
{
    const char *env = getenv("WSNMP_DB");
    if (env && *env)
        return wn_strdup(env);
    struct stat sb;
    const char *home = getenv("HOME");
    if (home && *home) {
        static const char tail[] = "/.config/wsnmp/entities.conf";
        size_t n = strlen(home);
        char *p = wn_malloc(n + sizeof tail);
        if (!p)
            return NULL;
        memcpy(p, home, n);
        memcpy(p + n, tail, sizeof tail);
        if (stat(p, &sb) == 0)
            return p;
        wn_free(p);
    }
    if (stat("/etc/wsnmp/entities.conf", &sb) == 0)
        return wn_strdup("/etc/wsnmp/entities.conf");
    return NULL;
}

enum want { WANT_NONE, WANT_ENTITY, WANT_CONTEXT };

struct query {
    enum want want;
    const char *name;
    int found;
    struct wn_ws_db_entity ent;
    char community[WN_WS_DB_MAX_NAME + 1];
};

static int
bad(const char *file, unsigned line, unsigned *bad_line, const char *what, const char *tok)
{
    wn_log(WN_LOG_ERROR, "winsnmp", "%s:%u: %s%s%s", file, line, what, tok ? ": " : "",
           tok ? tok : "");
    if (bad_line)
        *bad_line = line;
    return WN_E_MALFORMED;
}

static int
parse_u32(const char *s, uint32_t max, uint32_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v > max)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* One "entity" line: tokens after the name. */
static int
parse_entity(char **tok, unsigned ntok, const char *file, unsigned line, unsigned *bl,
             struct wn_ws_db_entity *e)
{
    memset(e, 0, sizeof *e);
    e->port = WN_WS_DEFAULT_PORT;
    e->version = WN_WS_V1;
    e->timeout_cs = WN_WS_DEFAULT_TIMEOUT_CS;
    e->retry = WN_WS_DEFAULT_RETRY;
    for (unsigned i = 0; i < ntok; i++) {
        char *eq = strchr(tok[i], '=');
        if (!eq || eq == tok[i] || !eq[1])
            return bad(file, line, bl, "expected key=value", tok[i]);
        *eq = '\0';
        const char *k = tok[i], *v = eq + 1;
        uint32_t n;
        if (!strcmp(k, "address")) {
            struct sockaddr_storage ss;
            socklen_t sl;
            uint16_t port;
            if (wn_ws_parse_address(v, WN_WS_DEFAULT_PORT, &ss, &sl, &port) < 0)
                return bad(file, line, bl, "address is not a numeric IPv4/IPv6 address", v);
            snprintf(e->address, sizeof e->address, "%s", v);
        } else if (!strcmp(k, "port")) {
            if (parse_u32(v, 65535, &n) < 0 || n == 0)
                return bad(file, line, bl, "port must be 1..65535", v);
            e->port = (uint16_t)n;
        } else if (!strcmp(k, "version")) {
            if (!strcmp(v, "1"))
                e->version = WN_WS_V1;
            else if (!strcmp(v, "2") || !strcmp(v, "2c"))
                e->version = WN_WS_V2C;
            else if (!strcmp(v, "3"))
                e->version = WN_WS_V3;
            else
                return bad(file, line, bl, "version must be 1, 2, 2c or 3", v);
        } else if (!strcmp(k, "community")) {
            snprintf(e->community, sizeof e->community, "%s", v);
        } else if (!strcmp(k, "timeout")) {
            if (parse_u32(v, 0xffffffffu, &n) < 0)
                return bad(file, line, bl, "timeout must be centiseconds", v);
            e->timeout_cs = n ? n : WN_WS_DEFAULT_TIMEOUT_CS;
        } else if (!strcmp(k, "retry")) {
            if (parse_u32(v, 0xffffffffu, &n) < 0)
                return bad(file, line, bl, "retry must be a count", v);
            e->retry = n;
        } else {
            return bad(file, line, bl, "unknown entity key", k);
        }
    }
    if (!e->address[0])
        return bad(file, line, bl, "entity without address=", NULL);
    return 0;
}

static int
parse_context(char **tok, unsigned ntok, const char *file, unsigned line, unsigned *bl,
              char *community)
{
    int have = 0;
    for (unsigned i = 0; i < ntok; i++) {
        if (strncmp(tok[i], "community=", 10) != 0 || !tok[i][10])
            return bad(file, line, bl, "expected community=<string>", tok[i]);
        snprintf(community, WN_WS_DB_MAX_NAME + 1, "%s", tok[i] + 10);
        have = 1;
    }
    if (!have)
        return bad(file, line, bl, "context without community=", NULL);
    return 0;
}

/* Walks every line (so any malformed line is reported, wherever the name
 * is); fills q on the first definition of q->name. */
static int
parse(const char *text, size_t len, const char *file, unsigned *bl, struct query *q)
{
    char buf[WN_WS_DB_MAX_LINE + 1];
    unsigned line = 0;
    size_t pos = 0;
    while (pos < len) {
        line++;
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        size_t n = end - pos;
        if (n > WN_WS_DB_MAX_LINE)
            return bad(file, line, bl, "line too long", NULL);
        memcpy(buf, text + pos, n);
        buf[n] = '\0';
        pos = end < len ? end + 1 : end;
        if (memchr(buf, '\0', n))
            return bad(file, line, bl, "NUL byte in line", NULL);
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *tok[WN_WS_DB_MAX_TOKENS];
        unsigned ntok = 0;
        char *save = NULL;
        for (char *t = strtok_r(buf, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
            if (ntok == WN_WS_DB_MAX_TOKENS)
                return bad(file, line, bl, "too many fields", NULL);
            if (strlen(t) > WN_WS_DB_MAX_NAME)
                return bad(file, line, bl, "field longer than 255 bytes", NULL);
            tok[ntok++] = t;
        }
        if (ntok == 0)
            continue;
        if (ntok < 2 || strchr(tok[1], '='))
            return bad(file, line, bl, "expected a name after", tok[0]);
        int is_entity = !strcmp(tok[0], "entity");
        if (!is_entity && strcmp(tok[0], "context") != 0)
            return bad(file, line, bl, "expected 'entity' or 'context'", tok[0]);
        int match = !q->found && q->name && !strcmp(tok[1], q->name) &&
                    q->want == (is_entity ? WANT_ENTITY : WANT_CONTEXT);
        int rc;
        if (is_entity) {
            struct wn_ws_db_entity e;
            rc = parse_entity(tok + 2, ntok - 2, file, line, bl, &e);
            if (rc == 0 && match)
                q->ent = e;
        } else {
            char c[WN_WS_DB_MAX_NAME + 1];
            rc = parse_context(tok + 2, ntok - 2, file, line, bl, c);
            if (rc == 0 && match)
                memcpy(q->community, c, sizeof c);
        }
        if (rc < 0)
            return rc;
        if (match)
            q->found = 1;
    }
    return 0;
}

int
wn_ws_db_parse_text(const char *text, size_t len, const char *file, unsigned *line)
{
    struct query q;
    memset(&q, 0, sizeof q);
    if (line)
        *line = 0;
    return parse(text, len, file ? file : "<text>", line, &q);
}

static int
query(struct query *q)
{
    char *path = wn_ws_db_path();
    if (!path)
        return WN_E_NOTFOUND;
    FILE *f = fopen(path, "rb");
    if (!f) {
        wn_log(WN_LOG_ERROR, "winsnmp", "%s: cannot open: %s", path, strerror(errno));
        wn_free(path);
        return WN_E_NOTFOUND;
    }
    struct wn_dynbuf b;
    wn_dynbuf_init(&b, WN_WS_DB_MAX_FILE);
    char chunk[4096];
    size_t n;
    int rc = 0;
    while (rc == 0) {
        n = fread(chunk, 1, sizeof chunk, f);
        if (n == 0)
            break;
        rc = wn_dynbuf_add(&b, chunk, n);
    }
    if (rc == 0 && ferror(f))
        rc = WN_E_IO;
    fclose(f);
    if (rc == WN_E_LIMIT) {
        wn_log(WN_LOG_ERROR, "winsnmp", "%s: larger than %u bytes", path, WN_WS_DB_MAX_FILE);
        rc = WN_E_MALFORMED;
    }
    if (rc == 0)
        rc = parse((const char *)b.data, b.len, path, NULL, q);
    if (rc == WN_E_MALFORMED)
        rc = WN_E_CONFIG;   /* the file is broken, not the name asked for */
    wn_dynbuf_free(&b);
    wn_free(path);
    if (rc == 0 && !q->found)
        rc = WN_E_NOTFOUND;
    return rc;
}

int
wn_ws_db_entity(const char *name, struct wn_ws_db_entity *out)
{
    struct query q;
    memset(&q, 0, sizeof q);
    q.want = WANT_ENTITY;
    q.name = name;
    int rc = query(&q);
    if (rc == 0)
        *out = q.ent;
    return rc;
}

int
wn_ws_db_context(const char *name, uint8_t **community, uint32_t *len)
{
    struct query q;
    memset(&q, 0, sizeof q);
    q.want = WANT_CONTEXT;
    q.name = name;
    int rc = query(&q);
    if (rc < 0)
        return rc;
    size_t n = strlen(q.community);
    *community = wn_memdup(q.community, n ? n : 1);
    if (!*community)
        return WN_E_NOMEM;
    *len = (uint32_t)n;
    return 0;
}
