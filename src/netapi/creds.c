/* creds.c: credentials (explicit call, NETAPI_* environment, smbclient -A authfile) and the SMB port. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netapi.h"

static pthread_mutex_t creds_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wn_netapi_creds explicit_creds; /* guarded by creds_lock */
static int have_explicit;                     /* guarded by creds_lock */

void
wn_netapi_creds_clear(struct wn_netapi_creds *c)
{
    if (c == NULL)
        return;
    wn_free(c->user);
    wn_free(c->domain);
    if (c->password != NULL)
        wn_free_secret(c->password);
    memset(c, 0, sizeof(*c));
}

static int
dup_field(const char *s, char **out)
{
    *out = NULL;
    if (s == NULL)
        return 0;
    *out = wn_strdup(s);
    return *out != NULL ? 0 : WN_E_NOMEM;
}

/* Fills *out from the three strings (borrowed), splitting "DOM\\user"
 * when no domain is given. */
static int
creds_make(const char *user, const char *domain, const char *password,
           struct wn_netapi_creds *out)
{
    const char *slash = user != NULL ? strchr(user, '\\') : NULL;

    memset(out, 0, sizeof(*out));
    if (slash != NULL && (domain == NULL || *domain == '\0')) {
        out->domain = wn_malloc((size_t)(slash - user) + 1);
        if (out->domain == NULL)
            return WN_E_NOMEM;
        memcpy(out->domain, user, (size_t)(slash - user));
        out->domain[slash - user] = '\0';
        user = slash + 1;
    } else if (dup_field(domain, &out->domain) != 0) {
        return WN_E_NOMEM;
    }
    if (dup_field(user, &out->user) != 0 || dup_field(password, &out->password) != 0) {
        wn_netapi_creds_clear(out);
        return WN_E_NOMEM;
    }
    return 0;
}

int
wn_netapi_creds_set(const char *user, const char *domain, const char *password)
{
    struct wn_netapi_creds fresh;
    int rc = 0;

    memset(&fresh, 0, sizeof(fresh));
    if (user != NULL) {
        rc = creds_make(user, domain, password, &fresh);
        if (rc != 0)
            return rc;
    }
    pthread_mutex_lock(&creds_lock);
    wn_netapi_creds_clear(&explicit_creds);
    explicit_creds = fresh;
    have_explicit = user != NULL;
    pthread_mutex_unlock(&creds_lock);
    return 0;
}

/* Removes leading and trailing blanks of s[0..*len) in place. */
static char *
trim(char *s, size_t *len)
{
    while (*len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        (*len)--;
    }
    while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t' || s[*len - 1] == '\r'))
        (*len)--;
    return s;
}

static int
set_from_line(char *line, size_t len, struct wn_netapi_creds *out)
{
    char *eq;
    char *key;
    char *val;
    size_t klen;
    size_t vlen;
    char **slot;

    line = trim(line, &len);
    if (len == 0 || line[0] == '#' || line[0] == ';')
        return 0;
    eq = memchr(line, '=', len);
    if (eq == NULL)
        return WN_E_MALFORMED;
    klen = (size_t)(eq - line);
    key = trim(line, &klen);
    vlen = len - (size_t)(eq - line) - 1;
    val = trim(eq + 1, &vlen);
    if (klen == 8 && memcmp(key, "username", 8) == 0)
        slot = &out->user;
    else if (klen == 8 && memcmp(key, "password", 8) == 0)
        slot = &out->password;
    else if (klen == 6 && memcmp(key, "domain", 6) == 0)
        slot = &out->domain;
    else
        return 0; /* unknown keys are ignored, as smbclient does */
    if (*slot != NULL)
        wn_free_secret(*slot);
    *slot = wn_malloc(vlen + 1);
    if (*slot == NULL)
        return WN_E_NOMEM;
    memcpy(*slot, val, vlen);
    (*slot)[vlen] = '\0';
    return 0;
}

/* The parser without the "username is required" rule. */
static int
parse_text(const char *text, size_t len, struct wn_netapi_creds *out)
{
    char line[WN_NETAPI_AUTHFILE_MAX + 1];
    size_t start = 0;
    size_t i;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (len > WN_NETAPI_AUTHFILE_MAX)
        return WN_E_LIMIT;
    for (i = 0; rc == 0 && i <= len; i++) {
        if (i == len || text[i] == '\n') {
            /* A NUL inside a line ends that line's value. */
            size_t n = i - start;
            memcpy(line, text + start, n);
            line[n] = '\0';
            rc = set_from_line(line, strnlen(line, n), out);
            start = i + 1;
        }
    }
    wn_wipe(line, sizeof(line));
    if (rc != 0)
        wn_netapi_creds_clear(out);
    return rc;
}

int
wn_netapi_authfile_parse(const char *text, size_t len, struct wn_netapi_creds *out)
{
    int rc = parse_text(text, len, out);

    if (rc == 0 && out->user == NULL) {
        wn_netapi_creds_clear(out);
        rc = WN_E_MALFORMED;
    }
    return rc;
}

void
wn_netapi_config_refused(const char *fmt, ...)
{
    const char *lv = getenv("WN_LOG");
    char line[512];
    va_list ap;

    /* Shown at the default log level; only an explicit WN_LOG=off hides it. */
    if (lv != NULL && (strcmp(lv, "off") == 0 || strcmp(lv, "none") == 0))
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "netapi: %s\n", line);
}

/* Opens and reads the authfile; checks that it is a regular file of the
 * effective user, not a symbolic link, with no group/other permission. */
static int
authfile_read(const char *path, struct wn_netapi_creds *out, int need_user)
{
    char buf[WN_NETAPI_AUTHFILE_MAX + 1];
    struct stat st;
    size_t len = 0;
    int fd;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    /* O_NOFOLLOW: a symbolic link could point the check and the read at a
     * file someone else controls; it is refused, not resolved. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0 && errno == ELOOP) {
        wn_netapi_config_refused("NETAPI_AUTHFILE=%s refused: it is a symbolic link "
                                 "(name the file itself: a regular file of yours, mode 0600)",
                                 path);
        return WN_E_ACCESS;
    }
    if (fd < 0) {
        wn_netapi_config_refused("NETAPI_AUTHFILE=%s refused: cannot open it (%s); expected "
                                 "a readable file in smbclient -A format", path,
                                 strerror(errno));
        return WN_E_NOTFOUND;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        wn_netapi_config_refused("NETAPI_AUTHFILE=%s refused: not a regular file", path);
        return WN_E_ACCESS;
    }
    if (st.st_uid != geteuid()) {
        close(fd);
        wn_netapi_config_refused("NETAPI_AUTHFILE=%s refused: owned by uid %lu, not by you "
                                 "(uid %lu)", path, (unsigned long)st.st_uid,
                                 (unsigned long)geteuid());
        return WN_E_ACCESS;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        close(fd);
        wn_netapi_config_refused("NETAPI_AUTHFILE=%s refused: mode %04o lets group/others "
                                 "access it; expected 0600 or 0400", path,
                                 (unsigned)(st.st_mode & 07777));
        return WN_E_ACCESS;
    }
    while (len < sizeof(buf)) {
        ssize_t n = read(fd, buf + len, sizeof(buf) - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = WN_E_IO;
            break;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (rc == 0)
        rc = parse_text(buf, len, out);
    wn_wipe(buf, sizeof(buf));
    if (rc == 0 && need_user && out->user == NULL) {
        wn_netapi_creds_clear(out);
        rc = WN_E_MALFORMED;
    }
    if (rc == WN_E_LIMIT)
        wn_netapi_config_refused("NETAPI_AUTHFILE=%s refused: larger than %u bytes", path,
                                 (unsigned)WN_NETAPI_AUTHFILE_MAX);
    else if (rc == WN_E_MALFORMED)
        wn_netapi_config_refused("NETAPI_AUTHFILE=%s refused: expected 'username = ...', "
                                 "'password = ...', 'domain = ...' lines%s", path,
                                 need_user ? " with a username (or NETAPI_USER set)" : "");
    else if (rc == WN_E_IO)
        wn_netapi_config_refused("NETAPI_AUTHFILE=%s refused: read error", path);
    return rc;
}

int
wn_netapi_authfile_load(const char *path, struct wn_netapi_creds *out)
{
    return authfile_read(path, out, 1);
}

int
wn_netapi_creds_resolve(struct wn_netapi_creds *out)
{
    const char *user;
    const char *file;
    const char *password;
    const char *domain;
    struct wn_netapi_creds fromfile;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&creds_lock);
    if (have_explicit) {
        rc = creds_make(explicit_creds.user, explicit_creds.domain, explicit_creds.password,
                        out);
        pthread_mutex_unlock(&creds_lock);
        return rc;
    }
    pthread_mutex_unlock(&creds_lock);
    user = getenv("NETAPI_USER");
    password = getenv("NETAPI_PASSWORD");
    domain = getenv("NETAPI_DOMAIN");
    file = getenv("NETAPI_AUTHFILE");
    if (user != NULL && *user == '\0')
        user = NULL;
    if (domain != NULL && *domain == '\0')
        domain = NULL;
    if (file != NULL && *file == '\0')
        file = NULL;
    /* Environment values win field by field; the authfile supplies what
     * the environment leaves out (typically the password). */
    if (user != NULL && (password != NULL || file == NULL))
        return creds_make(user, domain, password, out);
    if (file == NULL)
        return 0; /* anonymous */
    rc = authfile_read(file, &fromfile, user == NULL);
    if (rc != 0)
        return rc;
    if (user != NULL && fromfile.user != NULL && !wn_netapi_name_eq(user, fromfile.user))
        wn_log(WN_LOG_INFO, "netapi", "NETAPI_USER overrides the authfile's username");
    rc = creds_make(user != NULL ? user : fromfile.user,
                    domain != NULL ? domain : fromfile.domain, fromfile.password, out);
    wn_netapi_creds_clear(&fromfile);
    return rc;
}

/* Reads the decimal variable `name` when it is set and not empty: *set = 1
 * and *out = its value, or WN_E_INVAL with the refusal line (naming what
 * is accepted) when it is not a number in min..max. */
static int
env_number(const char *name, long min, long max, const char *accepts, int *set, long *out)
{
    const char *s = getenv(name);
    char *end = NULL;
    long v;

    *set = 0;
    if (s == NULL || *s == '\0')
        return 0;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
        wn_netapi_config_refused("%s=%s refused: expected %s", name, s, accepts);
        return WN_E_INVAL;
    }
    *set = 1;
    *out = v;
    return 0;
}

int
wn_netapi_port_from_env(uint16_t *port)
{
    int set;
    long v;
    int rc = env_number("NETAPI_SMB_PORT", 1, 65535,
                        "a TCP port number 1..65535 (unset = 445)", &set, &v);

    *port = rc == 0 && set ? (uint16_t)v : WN_NETAPI_DEFAULT_PORT;
    return rc;
}

int
wn_netapi_timeout_from_env(unsigned *timeout_ms)
{
    int set;
    long v;
    int rc = env_number("NETAPI_TIMEOUT_MS", 1, (long)WN_NETAPI_TIMEOUT_MAX_MS,
                        "milliseconds 1..3600000 (unset = 30000)", &set, &v);

    *timeout_ms = rc == 0 && set ? (unsigned)v : 0;
    return rc;
}

int
wn_netapi_idle_from_env(unsigned *idle_ms)
{
    int set;
    long v;
    int rc = env_number("NETAPI_CONN_IDLE_MS", 0, (long)WN_NETAPI_MAX_IDLE_MS,
                        "milliseconds 0..3600000 (0 = no reuse; unset = 30000)", &set, &v);

    *idle_ms = rc == 0 && set ? (unsigned)v : WN_NETAPI_DEFAULT_IDLE_MS;
    return rc;
}
