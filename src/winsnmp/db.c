/* db.c: the translated-mode database: a text file of friendly entity and context names and SNMPv3 users (format in docs/winsnmp.md, docs/snmpv3.md). */
#include "winsnmp_int.h"
#include "usmuser.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

atomic_ulong wn_ws_db_reads;   /* database files opened (usmuser.h) */
atomic_ulong wn_ws_db_checks;  /* wn_ws_db_stamp calls: stat() of the file (usmuser.h) */

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

enum want { WANT_NONE, WANT_ENTITY, WANT_CONTEXT, WANT_USER };

struct query {
    enum want want;
    const char *name;
    int found;
    int secrets;                    /* the file holds a pass phrase or key */
    struct wn_ws_db_entity ent;
    struct wn_ws_db_context ctx;
    struct wn_ws_db_user user;      /* secrets: wiped by the query's caller */
    /* Optional: every user line's name is copied here (wn_ws_db_user_names). */
    char (*names)[WN_USM_MAX_USER_NAME + 1];
    size_t names_max, names_n;
    int names_overflow;
    struct wn_ws_db_stamp stamp;    /* the file read */
};

/* Logs a malformed line.  tok, when given, is named only up to its '=':
 * the value of a key=value token may be a secret (a pass phrase on a line
 * of its own, say), and values that are not secrets are passed alone. */
static int
bad(const char *file, unsigned line, unsigned *bad_line, const char *what, const char *tok)
{
    int n = tok ? (int)strcspn(tok, "=") : 0;
    wn_log(WN_LOG_ERROR, "winsnmp", "%s:%u: %s%s%.*s%s", file, line, what, tok ? ": " : "", n,
           tok ? tok : "", tok && tok[n] == '=' ? "=..." : "");
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

/* "0x<hex>" (a NUL-terminated field) -> out[0..max), *len. */
static int
hex_field(const char *v, uint8_t *out, size_t max, size_t *len)
{
    return wn_usm_hex_parse(v, strlen(v), out, max, len);
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
    e->level = WN_USM_LEVEL_DEFAULT;
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
        } else if (!strcmp(k, "user")) {
            if (strlen(v) > WN_USM_MAX_USER_NAME)
                return bad(file, line, bl, "user name longer than 32 bytes", v);
            snprintf(e->user, sizeof e->user, "%s", v);
        } else if (!strcmp(k, "level")) {
            if (wn_usm_level_from_name(v, &e->level) < 0)
                return bad(file, line, bl, "level must be noAuthNoPriv, authNoPriv or authPriv", v);
        } else if (!strcmp(k, "engineid")) {
            if (hex_field(v, e->engine_id, sizeof e->engine_id, &e->engine_id_len) < 0
                || e->engine_id_len < WN_USM_MIN_ENGINE_ID)
                return bad(file, line, bl, "engineid must be 0x and 5..32 bytes in hex", v);
        } else {
            return bad(file, line, bl, "unknown entity key", k);
        }
    }
    if (!e->address[0])
        return bad(file, line, bl, "entity without address=", NULL);
    if (e->version == WN_WS_V3 && !e->user[0])
        return bad(file, line, bl, "version=3 entity without user=", NULL);
    if (e->version != WN_WS_V3 && (e->user[0] || e->level != WN_USM_LEVEL_DEFAULT
                                   || e->engine_id_len))
        return bad(file, line, bl, "user=, level= and engineid= need version=3", NULL);
    return 0;
}

/* A pass phrase: as written, or 0x<hex> for one with spaces or '#'. */
static int
parse_pass(const char *v, char *out, size_t cap)
{
    size_t n;
    if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        if (hex_field(v, (uint8_t *)out, cap - 1, &n) < 0 || memchr(out, '\0', n))
            return WN_E_MALFORMED;
    } else {
        n = strlen(v);
        if (n >= cap)
            return WN_E_MALFORMED;
        memcpy(out, v, n);
    }
    out[n] = '\0';
    return n < WN_USM_MIN_PASSPHRASE ? WN_E_INVAL : 0;
}

/* One "user" line: tokens after the name.  u's secrets are the caller's
 * to wipe, on error too. */
static int
parse_user(const char *name, char **tok, unsigned ntok, const char *file, unsigned line,
           unsigned *bl, struct wn_ws_db_user *u)
{
    memset(u, 0, sizeof *u);
    if (strlen(name) > WN_USM_MAX_USER_NAME)
        return bad(file, line, bl, "user name longer than 32 bytes", name);
    snprintf(u->name, sizeof u->name, "%s", name);
    for (unsigned i = 0; i < ntok; i++) {
        char *eq = strchr(tok[i], '=');
        if (!eq || eq == tok[i] || !eq[1])
            return bad(file, line, bl, "expected key=value", NULL);
        *eq = '\0';
        const char *k = tok[i], *v = eq + 1;
        int rc;
        /* Never the value of a secret in a message. */
        if (!strcmp(k, "auth")) {
            if (wn_usm_auth_from_name(v, &u->auth) < 0)
                return bad(file, line, bl, "auth must be MD5, SHA, SHA-224, SHA-256, SHA-384 "
                                           "or SHA-512", v);
        } else if (!strcmp(k, "priv")) {
            if (wn_usm_priv_from_name(v, &u->priv) < 0)
                return bad(file, line, bl, "priv must be DES, AES, AES-192, AES-256, "
                                           "AES-192-C or AES-256-C", v);
        } else if (!strcmp(k, "authpass") || !strcmp(k, "privpass")) {
            rc = parse_pass(v, k[0] == 'a' ? u->authpass : u->privpass, sizeof u->authpass);
            if (rc < 0)
                return bad(file, line, bl, rc == WN_E_INVAL ? "pass phrase shorter than 8 bytes"
                                                            : "bad pass phrase", k);
        } else if (!strcmp(k, "authkey")) {
            if (hex_field(v, u->authkey, sizeof u->authkey, &u->authkey_len) < 0)
                return bad(file, line, bl, "authkey must be 0x and hex", NULL);
        } else if (!strcmp(k, "privkey")) {
            if (hex_field(v, u->privkey, sizeof u->privkey, &u->privkey_len) < 0)
                return bad(file, line, bl, "privkey must be 0x and hex", NULL);
        } else if (!strcmp(k, "engineid")) {
            if (hex_field(v, u->engine_id, sizeof u->engine_id, &u->engine_id_len) < 0
                || u->engine_id_len < WN_USM_MIN_ENGINE_ID)
                return bad(file, line, bl, "engineid must be 0x and 5..32 bytes in hex", v);
        } else {
            return bad(file, line, bl, "unknown user key", k);
        }
    }
    int has_a = u->authpass[0] || u->authkey_len, has_p = u->privpass[0] || u->privkey_len;
    if ((u->authpass[0] && u->authkey_len) || (u->privpass[0] && u->privkey_len))
        return bad(file, line, bl, "both a pass phrase and a key", NULL);
    if (has_a != (u->auth != WN_USM_AUTH_NONE) || has_p != (u->priv != WN_USM_PRIV_NONE))
        return bad(file, line, bl, "each of auth= and priv= needs its pass phrase or key", NULL);
    if (u->priv != WN_USM_PRIV_NONE && u->auth == WN_USM_AUTH_NONE)
        return bad(file, line, bl, "priv= needs auth=", NULL);
    if ((u->authkey_len || u->privkey_len) && !u->engine_id_len)
        return bad(file, line, bl, "localized keys need engineid=", NULL);
    if ((u->authkey_len && u->authkey_len != wn_usm_auth_key_len(u->auth))
        || (u->privkey_len && u->privkey_len < wn_usm_priv_key_len(u->priv)))
        return bad(file, line, bl, "key of the wrong length for its protocol", NULL);
    return 0;
}

/* community=<string> (v1/v2c), or contextname=[<string>] and
 * contextengineid=0x<hex> (v3; an empty contextname is allowed). */
static int
parse_context(char **tok, unsigned ntok, const char *file, unsigned line, unsigned *bl,
              struct wn_ws_db_context *c)
{
    int have = 0;
    memset(c, 0, sizeof *c);
    for (unsigned i = 0; i < ntok; i++) {
        if (strncmp(tok[i], "community=", 10) == 0 && tok[i][10]) {
            snprintf(c->community, sizeof c->community, "%s", tok[i] + 10);
        } else if (strncmp(tok[i], "contextname=", 12) == 0) {
            snprintf(c->community, sizeof c->community, "%s", tok[i] + 12);
        } else if (strncmp(tok[i], "contextengineid=", 16) == 0) {
            if (hex_field(tok[i] + 16, c->engine_id, sizeof c->engine_id, &c->engine_id_len)
                    < 0 || c->engine_id_len < WN_USM_MIN_ENGINE_ID)
                return bad(file, line, bl, "contextengineid must be 0x and 5..32 bytes in hex",
                           tok[i] + 16);
        } else {
            return bad(file, line, bl, "expected community=, contextname= or contextengineid=",
                       tok[i]);
        }
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
        enum want kind = !strcmp(tok[0], "entity")    ? WANT_ENTITY
                         : !strcmp(tok[0], "context") ? WANT_CONTEXT
                         : !strcmp(tok[0], "user")    ? WANT_USER
                                                      : WANT_NONE;
        if (kind == WANT_NONE)
            return bad(file, line, bl, "expected 'entity', 'context' or 'user'", tok[0]);
        int match = !q->found && q->name && !strcmp(tok[1], q->name) && q->want == kind;
        int rc;
        if (kind == WANT_ENTITY) {
            struct wn_ws_db_entity e;
            rc = parse_entity(tok + 2, ntok - 2, file, line, bl, &e);
            if (rc == 0 && match)
                q->ent = e;
        } else if (kind == WANT_CONTEXT) {
            struct wn_ws_db_context c;
            rc = parse_context(tok + 2, ntok - 2, file, line, bl, &c);
            if (rc == 0 && match)
                q->ctx = c;
        } else {
            struct wn_ws_db_user u;
            rc = parse_user(tok[1], tok + 2, ntok - 2, file, line, bl, &u);
            if (u.authpass[0] || u.privpass[0] || u.authkey_len || u.privkey_len)
                q->secrets = 1;
            if (rc == 0 && match)
                q->user = u;
            if (rc == 0 && q->names) {
                if (q->names_n < q->names_max)
                    memcpy(q->names[q->names_n++], u.name, sizeof u.name);
                else
                    q->names_overflow = 1;
            }
            wn_wipe(&u, sizeof u);
        }
        wn_wipe(buf, sizeof buf);   /* the line may hold a secret */
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

/* A database that holds secrets and that others may read or that someone
 * else owns: one warning per (file, mtime), without the secrets. */
static void
warn_if_exposed(const char *path, int fd)
{
    static struct {
        dev_t dev;
        ino_t ino;
        struct timespec mtime;
        int set;
    } warned;
    struct stat sb;
    if (fstat(fd, &sb) < 0)
        return;
    int foreign = sb.st_uid != geteuid() && sb.st_uid != 0;
    if (!(sb.st_mode & 077) && !foreign)
        return;
    if (warned.set && warned.dev == sb.st_dev && warned.ino == sb.st_ino
        && warned.mtime.tv_sec == sb.st_mtim.tv_sec && warned.mtime.tv_nsec == sb.st_mtim.tv_nsec)
        return;
    warned.set = 1;
    warned.dev = sb.st_dev;
    warned.ino = sb.st_ino;
    warned.mtime = sb.st_mtim;
    /* Shown unless WN_LOG silences warnings (error, off): a security
     * warning must not need opting in. */
    const char *lv = getenv("WN_LOG");
    if (lv && (!strcasecmp(lv, "error") || !strcasecmp(lv, "off")))
        return;
    fprintf(stderr,
            "libwsnmp: warning: %s holds SNMPv3 pass phrases or keys but is %s (mode %03o, "
            "owner uid %u): make it private, e.g. chmod 600 %s\n",
            path, foreign ? "owned by another user" : "readable by others",
            (unsigned)(sb.st_mode & 0777), (unsigned)sb.st_uid, path);
}

static int
query(struct query *q)
{
    char *path = wn_ws_db_path();
    if (!path)
        return WN_E_NOTFOUND;
    atomic_fetch_add_explicit(&wn_ws_db_reads, 1, memory_order_relaxed);
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
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0) {
        q->stamp.dev = (uint64_t)sb.st_dev;
        q->stamp.ino = (uint64_t)sb.st_ino;
        q->stamp.mtime_ns = (uint64_t)sb.st_mtim.tv_sec * 1000000000u + (uint64_t)sb.st_mtim.tv_nsec;
        q->stamp.size = (uint64_t)sb.st_size;
    }
    wn_wipe(chunk, sizeof chunk);
    if (rc == WN_E_LIMIT) {
        wn_log(WN_LOG_ERROR, "winsnmp", "%s: larger than %u bytes", path, WN_WS_DB_MAX_FILE);
        rc = WN_E_MALFORMED;
    }
    if (rc == 0)
        rc = parse((const char *)b.data, b.len, path, NULL, q);
    if (q->secrets)
        warn_if_exposed(path, fileno(f));
    fclose(f);
    if (b.data)
        wn_wipe(b.data, b.len);
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
wn_ws_db_context(const char *name, struct wn_ws_db_context *out)
{
    struct query q;
    memset(&q, 0, sizeof q);
    q.want = WANT_CONTEXT;
    q.name = name;
    int rc = query(&q);
    if (rc < 0)
        return rc;
    *out = q.ctx;
    return 0;
}

int
wn_ws_db_user(const char *name, struct wn_ws_db_user *out, struct wn_ws_db_stamp *stamp)
{
    struct query q;
    memset(&q, 0, sizeof q);
    q.want = WANT_USER;
    q.name = name;
    int rc = query(&q);
    if (rc == 0)
        *out = q.user;
    if (stamp)
        *stamp = q.stamp;
    wn_wipe(&q, sizeof q);
    return rc;
}

int
wn_ws_db_user_names(char (*names)[WN_USM_MAX_USER_NAME + 1], size_t max, size_t *n,
                    int *overflow, struct wn_ws_db_stamp *stamp)
{
    struct query q;
    memset(&q, 0, sizeof q);
    q.names = names;
    q.names_max = max;
    int rc = query(&q);
    *n = q.names_n;
    *overflow = q.names_overflow;
    *stamp = q.stamp;
    wn_wipe(&q, sizeof q);
    /* Read, and no line was asked for: the list is complete. */
    if (rc == WN_E_NOTFOUND && stamp->ino)
        rc = 0;
    return rc;
}

int
wn_ws_db_stamp(struct wn_ws_db_stamp *stamp)
{
    memset(stamp, 0, sizeof *stamp);
    atomic_fetch_add_explicit(&wn_ws_db_checks, 1, memory_order_relaxed);
    char *path = wn_ws_db_path();
    if (!path)
        return WN_E_NOTFOUND;
    struct stat sb;
    int rc = stat(path, &sb) == 0 ? 0 : WN_E_NOTFOUND;
    wn_free(path);
    if (rc == 0) {
        stamp->dev = (uint64_t)sb.st_dev;
        stamp->ino = (uint64_t)sb.st_ino;
        stamp->mtime_ns = (uint64_t)sb.st_mtim.tv_sec * 1000000000u + (uint64_t)sb.st_mtim.tv_nsec;
        stamp->size = (uint64_t)sb.st_size;
    }
    return rc;
}
