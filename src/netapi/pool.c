/* pool.c: authenticated connections kept per (server, port, timeout, credentials) for a short idle time, closed by a reaper thread, at exit and after fork. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netapi.h"

struct wn_netapi_pooled {
    struct wn_netapi_pooled *next;      /* in the idle list (guarded by pool_lock) */
    const struct wn_netapi_backend_ops *ops;
    void *conn;                         /* owned; NULL after a failed reopen */
    char *server;                       /* owned copies of the key */
    uint16_t port;
    unsigned timeout_ms;
    struct wn_netapi_creds creds;       /* owned; password wiped on free */
    char *settings;                     /* owned: the NETAPI_* settings it was opened under */
    uint64_t expires_ms;                /* while idle: when the reaper closes it */
    int reused;                         /* this take handed out a kept connection */
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static struct wn_netapi_pooled *idle_list; /* guarded by pool_lock */
static unsigned idle_count;                /* guarded by pool_lock */
static int reaper_running;                 /* guarded by pool_lock */

static void
entry_free(struct wn_netapi_pooled *p, int quietly)
{
    if (p == NULL)
        return;
    if (p->conn != NULL) {
        if (quietly && p->ops->discard != NULL)
            p->ops->discard(p->conn);
        else if (!quietly)
            p->ops->close(p->conn);
        /* quietly without discard: the memory is left (never spoken on) */
    }
    wn_free(p->server);
    wn_free(p->settings);
    wn_netapi_creds_clear(&p->creds);
    wn_free(p);
}

/* Takes the whole idle list (caller holds pool_lock). */
static struct wn_netapi_pooled *
take_all_locked(void)
{
    struct wn_netapi_pooled *all = idle_list;
    idle_list = NULL;
    idle_count = 0;
    return all;
}

static void
free_list(struct wn_netapi_pooled *p, int quietly)
{
    while (p != NULL) {
        struct wn_netapi_pooled *next = p->next;
        entry_free(p, quietly);
        p = next;
    }
}

void
wn_netapi_pool_flush(void)
{
    struct wn_netapi_pooled *all;

    pthread_mutex_lock(&pool_lock);
    all = take_all_locked();
    pthread_cond_broadcast(&pool_cond);
    pthread_mutex_unlock(&pool_lock);
    free_list(all, 0);
}

/* At exit the sockets are closed without LOGOFF (the server ends the
 * sessions when the connection goes): exit never waits on a server. */
static void
at_exit(void)
{
    struct wn_netapi_pooled *all;

    pthread_mutex_lock(&pool_lock);
    all = take_all_locked();
    pthread_mutex_unlock(&pool_lock);
    free_list(all, 1);
}

static void
before_fork(void)
{
    pthread_mutex_lock(&pool_lock);
}

static void
after_fork_parent(void)
{
    pthread_mutex_unlock(&pool_lock);
}

/* The child shares the parent's sockets: it must never speak on the
 * parent's sessions, and its copy of the reaper thread does not exist. */
static void
cond_init(void)
{
    pthread_condattr_t a;

    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC); /* the clock of wn_clock_ms */
    pthread_cond_init(&pool_cond, &a);
    pthread_condattr_destroy(&a);
}

static void
after_fork_child(void)
{
    struct wn_netapi_pooled *all = take_all_locked();
    reaper_running = 0;
    /* the parent's reaper may have been waiting on the condition: the
     * child starts with a fresh one (no thread of the parent exists here) */
    cond_init();
    pthread_mutex_unlock(&pool_lock);
    free_list(all, 1);
}

static void
pool_init(void)
{
    cond_init();
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    atexit(at_exit);
}

/* Closes idle connections as they expire; exits when none is left. */
static void *
reaper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&pool_lock);
    for (;;) {
        struct wn_netapi_pooled **pp = &idle_list;
        struct wn_netapi_pooled *expired = NULL;
        uint64_t now = wn_clock_ms();
        uint64_t next = UINT64_MAX;

        while (*pp != NULL) {
            struct wn_netapi_pooled *p = *pp;
            if (p->expires_ms <= now) {
                *pp = p->next;
                idle_count--;
                p->next = expired;
                expired = p;
            } else {
                next = p->expires_ms < next ? p->expires_ms : next;
                pp = &p->next;
            }
        }
        if (expired != NULL) {
            pthread_mutex_unlock(&pool_lock);
            free_list(expired, 0);  /* LOGOFF etc. outside the lock */
            pthread_mutex_lock(&pool_lock);
            continue;
        }
        if (idle_list == NULL)
            break;
        struct timespec ts = { .tv_sec = (time_t)(next / 1000u),
                               .tv_nsec = (long)(next % 1000u) * 1000000L };
        int rc = pthread_cond_timedwait(&pool_cond, &pool_lock, &ts);
        if (rc != 0 && rc != ETIMEDOUT && rc != EINTR)
            break;
    }
    reaper_running = 0;
    pthread_mutex_unlock(&pool_lock);
    return NULL;
}

static int
str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

extern char **environ;

/* Every NETAPI_* variable that can change how a connection is made (the
 * security knobs among them), as "NAME=value\n" lines in environment
 * order: a connection opened under other settings is not reused.  The
 * password is compared on its own (key_eq); the idle time changes nothing
 * on the connection.  Owned (wn_free); NULL on allocation failure. */
static char *
settings_now(void)
{
    static const char prefix[] = "NETAPI_";
    size_t need = 1;
    char **e;
    char *out;
    char *q;

    for (e = environ; e != NULL && *e != NULL; e++)
        if (strncmp(*e, prefix, sizeof(prefix) - 1) == 0 &&
            strncmp(*e, "NETAPI_PASSWORD=", 16) != 0 &&
            strncmp(*e, "NETAPI_CONN_IDLE_MS=", 20) != 0)
            need += strlen(*e) + 1;
    out = wn_malloc(need);
    if (out == NULL)
        return NULL;
    q = out;
    for (e = environ; e != NULL && *e != NULL; e++) {
        if (strncmp(*e, prefix, sizeof(prefix) - 1) == 0 &&
            strncmp(*e, "NETAPI_PASSWORD=", 16) != 0 &&
            strncmp(*e, "NETAPI_CONN_IDLE_MS=", 20) != 0) {
            size_t n = strlen(*e);
            memcpy(q, *e, n);
            q += n;
            *q++ = '\n';
        }
    }
    *q = '\0';
    return out;
}

/* Same server, port, timeout and credentials (the password compared
 * without an early exit). */
static int
key_eq(const struct wn_netapi_pooled *p, const struct wn_netapi_target *t, const char *settings)
{
    const struct wn_netapi_creds *c = t->creds;
    const char *pa = p->creds.password != NULL ? p->creds.password : "";
    const char *pb = c != NULL && c->password != NULL ? c->password : "";
    size_t la = strlen(pa);
    size_t lb = strlen(pb);
    unsigned char diff = (unsigned char)(la != lb);
    size_t i;

    for (i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(pa[i] ^ pb[i]);
    return diff == 0 && strcmp(p->server, t->server) == 0 && p->port == t->port &&
           settings != NULL && p->settings != NULL && strcmp(p->settings, settings) == 0 &&
           p->timeout_ms == t->timeout_ms &&
           str_eq(p->creds.user, c != NULL ? c->user : NULL) &&
           str_eq(p->creds.domain, c != NULL ? c->domain : NULL);
}

static int
dup_or_null(const char *s, char **out)
{
    *out = NULL;
    if (s == NULL)
        return 0;
    *out = wn_strdup(s);
    return *out != NULL ? 0 : WN_E_NOMEM;
}

/* The target an entry was opened for (views into p). */
static void
entry_target(const struct wn_netapi_pooled *p, struct wn_netapi_target *t)
{
    memset(t, 0, sizeof(*t));
    t->server = p->server;
    t->port = p->port;
    t->timeout_ms = p->timeout_ms;
    t->creds = &p->creds;
}

int
wn_netapi_pool_take(const struct wn_netapi_backend_ops *ops, const struct wn_netapi_target *t,
                    struct wn_netapi_pooled **out, struct wn_netapi_wire *wire)
{
    struct wn_netapi_pooled *p = NULL;
    struct wn_netapi_pooled *stale = NULL;
    struct wn_netapi_pooled *expired = NULL;
    struct wn_netapi_target mine;
    char *settings;
    int rc;

    *out = NULL;
    pthread_once(&pool_once, pool_init);
    settings = ops->usable != NULL ? settings_now() : NULL;
    if (settings != NULL) {
        struct wn_netapi_pooled **pp;
        pthread_mutex_lock(&pool_lock);
        pp = &idle_list;
        uint64_t now = wn_clock_ms();
        while (*pp != NULL) {
            struct wn_netapi_pooled *e = *pp;
            if (e->expires_ms <= now) {
                /* past its idle time (no reaper ran): closed, not reused */
                *pp = e->next;
                idle_count--;
                e->next = expired;
                expired = e;
                continue;
            }
            if (e->ops == ops && key_eq(e, t, settings)) {
                *pp = e->next;
                idle_count--;
                e->next = NULL;
                if (e->ops->usable(e->conn)) {
                    p = e;
                    break;
                }
                /* closed by the server while idle (or failed): drop it */
                e->next = stale;
                stale = e;
                continue;
            }
            pp = &e->next;
        }
        pthread_mutex_unlock(&pool_lock);
    }
    /* Closing what the server already dropped sends nothing useful. */
    free_list(stale, 1);
    free_list(expired, 0);
    if (p != NULL) {
        wn_free(settings);
        p->reused = 1;
        *out = p;
        return 0;
    }
    p = wn_calloc(1, sizeof(*p));
    if (p == NULL) {
        wn_free(settings);
        return WN_E_NOMEM;
    }
    /* without a fingerprint (no memory, or a backend that keeps nothing)
     * the connection is simply never reused */
    p->settings = settings;
    p->ops = ops;
    p->port = t->port;
    p->timeout_ms = t->timeout_ms;
    rc = dup_or_null(t->server, &p->server);
    if (rc == 0 && t->creds != NULL) {
        rc = dup_or_null(t->creds->user, &p->creds.user);
        if (rc == 0)
            rc = dup_or_null(t->creds->domain, &p->creds.domain);
        if (rc == 0)
            rc = dup_or_null(t->creds->password, &p->creds.password);
    }
    if (rc != 0 || p->server == NULL) {
        entry_free(p, 0);
        return WN_E_NOMEM;
    }
    entry_target(p, &mine);
    rc = ops->open(&mine, &p->conn, wire);
    if (rc != 0) {
        p->conn = NULL;
        entry_free(p, 0);
        return rc;
    }
    *out = p;
    return 0;
}

void *
wn_netapi_pooled_conn(const struct wn_netapi_pooled *p)
{
    return p->conn;
}

int
wn_netapi_pooled_reused(const struct wn_netapi_pooled *p)
{
    return p->reused;
}

int
wn_netapi_pool_reopen(struct wn_netapi_pooled *p, struct wn_netapi_wire *wire)
{
    struct wn_netapi_target t;
    int rc;

    if (p->conn != NULL) {
        /* It failed: whatever was on it is gone; say nothing more. */
        if (p->ops->discard != NULL)
            p->ops->discard(p->conn);
        else
            p->ops->close(p->conn);
        p->conn = NULL;
    }
    p->reused = 0;
    entry_target(p, &t);
    rc = p->ops->open(&t, &p->conn, wire);
    if (rc != 0)
        p->conn = NULL;
    return rc;
}

void
wn_netapi_pool_give(struct wn_netapi_pooled *p, enum wn_netapi_keep keep, unsigned idle_ms)
{
    uint64_t hold;
    pthread_t th;
    int start = 0;

    if (p == NULL)
        return;
    hold = keep == WN_NETAPI_KEEP_PAGING
               ? (idle_ms > WN_NETAPI_RESUME_HOLD_MS ? idle_ms : WN_NETAPI_RESUME_HOLD_MS)
               : idle_ms;
    if (keep == WN_NETAPI_KEEP_CLOSE || hold == 0 || p->conn == NULL || p->settings == NULL ||
        p->ops->usable == NULL || !p->ops->usable(p->conn)) {
        entry_free(p, 0);
        return;
    }
    pthread_once(&pool_once, pool_init);
    pthread_mutex_lock(&pool_lock);
    if (idle_count >= WN_NETAPI_POOL_MAX) {
        pthread_mutex_unlock(&pool_lock);
        entry_free(p, 0);
        return;
    }
    p->reused = 0;
    p->expires_ms = wn_clock_ms() + hold;
    p->next = idle_list;
    idle_list = p;
    idle_count++;
    if (!reaper_running) {
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
        start = pthread_create(&th, &a, reaper, NULL) == 0;
        pthread_attr_destroy(&a);
        reaper_running = start;
    } else {
        pthread_cond_broadcast(&pool_cond);
    }
    pthread_mutex_unlock(&pool_lock);
    /* Without a reaper (thread creation failed) an expired entry is closed
     * at the next take, flush or exit instead. */
}
