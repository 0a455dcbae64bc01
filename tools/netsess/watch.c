/* watch.c: netsess watch: polls servers every N seconds and prints sessions as they appear and disappear (text or JSON lines). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/json.h"
#include "netsess.h"

#define NETSESS_NAP_MS 100
/* watch keeps its connection this long past the interval, at most an hour
 * (the largest NETAPI_CONN_IDLE_MS the library accepts). */
#define NETSESS_WATCH_IDLE_MARGIN_MS 10000ul
#define NETSESS_WATCH_IDLE_MAX_MS 3600000ul

/* One (client, user) pair and how many sessions it had at the last poll. */
struct seen {
    char *client;
    char *user;
    unsigned count;
    unsigned now;
};

struct server_state {
    const char *server;
    struct seen *items;
    size_t n, cap;
    NET_API_STATUS last;
    int polled;
};

static volatile sig_atomic_t stop_watching;

static void
on_signal(int sig)
{
    (void)sig;
    stop_watching = 1;
}

static int
same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static struct seen *
find_or_add(struct server_state *st, const char *client, const char *user)
{
    for (size_t i = 0; i < st->n; i++)
        if (same(st->items[i].client, client) && same(st->items[i].user, user))
            return &st->items[i];
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        struct seen *n = realloc(st->items, cap * sizeof *n);
        if (!n)
            return NULL;
        st->items = n;
        st->cap = cap;
    }
    struct seen *s = &st->items[st->n];
    memset(s, 0, sizeof *s);
    s->client = strdup(client ? client : "");
    s->user = strdup(user ? user : "");
    if (!s->client || !s->user) {
        free(s->client);
        free(s->user);
        return NULL;
    }
    st->n++;
    return s;
}

static void
stamp(char *buf, size_t size, int utc)
{
    time_t now = time(NULL);
    struct tm tm;
    if (utc)
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    else
        strftime(buf, size, "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
}

static void
event(const struct netsess_opts *o, const struct server_state *st, const char *what,
      const struct seen *s)
{
    char when[32];
    stamp(when, sizeof when, o->json);
    if (o->json) {
        printf("{\"time\":\"%s\",\"event\":\"%s\",\"server\":", when, what);
        wn_tool_json_cstr(stdout, netsess_server_label(st->server));
        fputs(",\"client\":", stdout);
        wn_tool_json_cstr(stdout, s->client);
        fputs(",\"user\":", stdout);
        wn_tool_json_cstr(stdout, s->user);
        puts("}");
    } else {
        printf("%s %s %-11s \\\\%s %s\n", when, netsess_server_label(st->server), what, s->client,
               s->user);
    }
}

static void
error_event(const struct netsess_opts *o, const struct server_state *st, NET_API_STATUS status)
{
    char when[32], err[512];
    stamp(when, sizeof when, o->json);
    netsess_error_text(err, sizeof err, status, "listing sessions", o->level, st->server);
    if (o->json) {
        printf("{\"time\":\"%s\",\"event\":\"error\",\"server\":", when);
        wn_tool_json_cstr(stdout, netsess_server_label(st->server));
        printf(",\"status\":%u,\"error\":\"%s\",\"message\":", (unsigned)status,
               netsess_status_name(status));
        wn_tool_json_cstr(stdout, err);
        puts("}");
    } else {
        printf("%s %s error       %s\n", when, netsess_server_label(st->server), err);
    }
}

static void
poll_server(const struct netsess_opts *o, struct server_state *st)
{
    LPBYTE buf = NULL;
    DWORD n = 0, total = 0, resume = 0;
    NET_API_STATUS status = wn_netapi_session_enum_utf8(st->server, NULL, NULL, (DWORD)o->level, &buf,
                                                    MAX_PREFERRED_LENGTH, &n, &total, &resume);
    if (status != NERR_Success) {
        if (status != st->last)   /* one line per change of state, not per poll */
            error_event(o, st, status);
        st->last = status;
        NetApiBufferFree(buf);
        return;
    }
    st->last = NERR_Success;
    const struct wn_session_info_utf8 *s = (const struct wn_session_info_utf8 *)buf;
    for (size_t i = 0; i < st->n; i++)
        st->items[i].now = 0;
    for (DWORD i = 0; i < n; i++) {
        struct seen *e = find_or_add(st, s[i].cname, s[i].username);
        if (e)
            e->now++;
    }
    NetApiBufferFree(buf);
    for (size_t i = 0; i < st->n; i++) {
        struct seen *e = &st->items[i];
        for (unsigned k = e->count; k < e->now; k++)
            event(o, st, st->polled ? "appeared" : "present", e);
        for (unsigned k = e->now; k < e->count; k++)
            event(o, st, "disappeared", e);
        e->count = e->now;
    }
    st->polled = 1;
}

int
netsess_watch(const struct netsess_opts *o)
{
    unsigned n = o->servers.n ? o->servers.n : 1;
    struct server_state *st = calloc(n, sizeof *st);
    if (!st)
        return NETSESS_EXIT_FAILURE;
    for (unsigned i = 0; i < n; i++)
        st[i].server = o->servers.n ? o->servers.v[i] : NULL;
    /* One connection for the whole watch: the library keeps a connection
     * NETAPI_CONN_IDLE_MS after each call, so unless the user chose a value
     * it must outlive the interval between polls. */
    if (getenv("NETAPI_CONN_IDLE_MS") == NULL) {
        unsigned long idle = o->interval * 1000 + NETSESS_WATCH_IDLE_MARGIN_MS;
        char v[32];
        snprintf(v, sizeof v, "%lu", idle < NETSESS_WATCH_IDLE_MAX_MS ? idle : NETSESS_WATCH_IDLE_MAX_MS);
        setenv("NETAPI_CONN_IDLE_MS", v, 1);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    for (unsigned long polls = 0; !stop_watching && (o->count == 0 || polls < o->count); polls++) {
        if (polls > 0) {
            for (unsigned long t = 0; !stop_watching && t < o->interval * 1000; t += NETSESS_NAP_MS)
                usleep(NETSESS_NAP_MS * 1000);
            if (stop_watching)
                break;
        }
        for (unsigned i = 0; i < n; i++)
            poll_server(o, &st[i]);
    }
    int rc = NETSESS_EXIT_OK;
    for (unsigned i = 0; i < n; i++) {
        if (st[i].last != NERR_Success && rc == NETSESS_EXIT_OK)
            rc = netsess_exit_code(st[i].last);
        for (size_t k = 0; k < st[i].n; k++) {
            free(st[i].items[k].client);
            free(st[i].items[k].user);
        }
        free(st[i].items);
    }
    free(st);
    return rc;
}
