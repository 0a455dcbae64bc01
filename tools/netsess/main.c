/* main.c: netsess, a `net session` tool on NetSessionEnum/GetInfo/Del: list, show, delete, watch; many servers at once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/json.h"
#include "netsess.h"

#define NETSESS_ERR_MAX 512
#define NETSESS_CONFIRM_MAX 16

static void
usage(FILE *f)
{
    fprintf(f,
"usage: netsess [OPTIONS] COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  list                     the sessions on the server (like `net session`)\n"
"  show \\\\CLIENT             the sessions from one client, in detail\n"
"  delete \\\\CLIENT [USER]    end the sessions from CLIENT (of USER only, if given)\n"
"  watch                    poll and print sessions as they appear and disappear\n"
"\n"
"Options:\n"
"  --server NAME[,NAME...]  server(s) to ask (default this host); also -S\n"
"  --servers FILE           servers from FILE, one per line (# comments)\n"
"  --level N                0, 1, 2, 10 or 502 (default 1)\n"
"  --json                   JSON: one object per session per line, or one per server\n"
"  --yes                    delete without asking\n"
"  -U [DOMAIN\\]USER         user name; the password comes from NETAPI_PASSWORD\n"
"                           or is asked for on the terminal (echo off)\n"
"  -A FILE                  authentication file (smbclient -A format, mode 0600)\n"
"  --interval SECONDS       watch: seconds between polls (default 5)\n"
"  --count N                watch: stop after N polls\n"
"  --window N               servers queried at once (default %d)\n"
"  -h, --help               this help\n"
"\n"
"Credentials otherwise come from NETAPI_USER, NETAPI_PASSWORD, NETAPI_DOMAIN or\n"
"NETAPI_AUTHFILE (docs/netsession.md); a password is never taken from the command line.\n"
"NETAPI_SMB_PORT and NETAPI_TIMEOUT_MS select the port and the timeout.\n"
"\n"
"Exit status: 0 success, 1 the call failed, 2 bad arguments or deletion not confirmed,\n"
"3 no session from that client or user.\n",
            NETSESS_DEFAULT_WINDOW);
}

static int
bad(const char *msg, const char *arg)
{
    fprintf(stderr, "netsess: %s%s%s\nTry 'netsess --help'.\n", msg, arg ? ": " : "", arg ? arg : "");
    return -1;
}

static int
number(const char *opt, const char *v, unsigned long min, unsigned long max, unsigned long *out)
{
    if (!v || wn_tool_parse_ulong(v, min, max, out) != 0) {
        fprintf(stderr, "netsess: %s takes a number %lu..%lu\n", opt, min, max);
        return -1;
    }
    return 0;
}

static int
parse_args(struct netsess_opts *o, int argc, char **argv)
{
    const char *positional[4];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1, rc = 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return 1;
        else if (!strcmp(a, "--json"))
            o->json = 1, takes = 0;
        else if (!strcmp(a, "--yes") || !strcmp(a, "-y"))
            o->yes = 1, takes = 0;
        else if (!v && a[0] == '-' && a[1] != '\0')
            return bad("option needs a value", a);
        else if (!strcmp(a, "--server") || !strcmp(a, "-S"))
            rc = wn_tool_list_add_csv(&o->servers, v, NETSESS_MAX_SERVERS);
        else if (!strcmp(a, "--servers"))
            rc = wn_tool_list_read(&o->servers, v, NETSESS_MAX_SERVERS);
        else if (!strcmp(a, "--level")) {
            rc = number(a, v, 0, 502, &o->level);
            o->level_given = 1;
        } else if (!strcmp(a, "-U"))
            o->user = v;
        else if (!strcmp(a, "-A"))
            o->authfile = v;
        else if (!strcmp(a, "--interval"))
            rc = number(a, v, 1, 86400, &o->interval);
        else if (!strcmp(a, "--count"))
            rc = number(a, v, 1, 1000000000, &o->count);
        else if (!strcmp(a, "--window"))
            rc = number(a, v, 1, 256, &o->window);
        else if (a[0] == '-' && a[1] != '\0')
            return bad("unknown option", a);
        else {
            if (np >= 4)
                return bad("too many arguments", a);
            positional[np++] = a;
            takes = 0;
        }
        if (rc != 0)
            return -1;
        i += takes;
    }
    if (np == 0)
        return bad("no command given", NULL);
    static const char *const cmds[] = {"list", "show", "delete", "watch"};
    static const int min_args[] = {0, 1, 1, 0}, max_args[] = {0, 1, 2, 0};
    size_t c = 0;
    while (c < 4 && strcmp(positional[0], cmds[c]) != 0)
        c++;
    if (c == 4)
        return bad("unknown command", positional[0]);
    if (np - 1 < min_args[c] || np - 1 > max_args[c])
        return bad("wrong number of arguments for", cmds[c]);
    o->cmd = (enum netsess_cmd)c;
    o->client = np > 1 ? positional[1] : NULL;
    o->client_user = np > 2 ? positional[2] : NULL;
    if (o->client && strncmp(o->client, "\\\\", 2) != 0)
        return bad("the client is written \\\\NAME (quote it in the shell: '\\\\1.2.3.4')", o->client);
    if (o->level != 0 && o->level != 1 && o->level != 2 && o->level != 10 && o->level != 502)
        return bad("--level takes 0, 1, 2, 10 or 502", NULL);
    if (o->cmd == NETSESS_DELETE && o->servers.n > 1)
        return bad("delete takes one server", NULL);
    return 0;
}

/* One server's answer, filled by a worker thread. */
struct job {
    const struct netsess_opts *o;
    const char *server;
    NET_API_STATUS st;
    LPBYTE buf;
    DWORD n;
};

static void *
enum_worker(void *arg)
{
    struct job *j = arg;
    DWORD total = 0, resume = 0;
    j->st = wn_netapi_session_enum_utf8(j->server, j->o->cmd == NETSESS_SHOW ? j->o->client : NULL,
                                    NULL, (DWORD)j->o->level, &j->buf, MAX_PREFERRED_LENGTH,
                                    &j->n, &total, &resume);
    return NULL;
}

/* NetSessionEnum on every server, at most o->window at a time. */
static void
run_jobs(const struct netsess_opts *o, struct job *jobs, unsigned n)
{
    pthread_t tid[256];
    for (unsigned first = 0; first < n; first += (unsigned)o->window) {
        unsigned k = n - first < o->window ? n - first : (unsigned)o->window;
        unsigned started = 0;
        for (unsigned i = 0; i < k; i++) {
            if (pthread_create(&tid[i], NULL, enum_worker, &jobs[first + i]) != 0)
                break;
            started++;
        }
        for (unsigned i = started; i < k; i++)
            enum_worker(&jobs[first + i]);
        for (unsigned i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
    }
}

static void
print_job(const struct netsess_opts *o, const struct job *j, int many, const char *op)
{
    const struct wn_session_info_utf8 *s = (const struct wn_session_info_utf8 *)j->buf;
    char err[NETSESS_ERR_MAX] = "";
    if (j->st != NERR_Success)
        netsess_error_text(err, sizeof err, j->st, op, o->level, j->server);
    if (o->json && many) {
        fputs("{\"server\":", stdout);
        wn_tool_json_cstr(stdout, netsess_server_label(j->server));
        printf(",\"ok\":%s,\"status\":%u", j->st ? "false" : "true", (unsigned)j->st);
        if (j->st) {
            fputs(",\"error\":", stdout);
            wn_tool_json_cstr(stdout, netsess_status_name(j->st));
            fputs(",\"message\":", stdout);
            wn_tool_json_cstr(stdout, err);
        }
        fputs(",\"sessions\":[", stdout);
        for (DWORD i = 0; j->st == NERR_Success && i < j->n; i++) {
            if (i)
                putchar(',');
            netsess_print_json(stdout, j->server, &s[i], o->level);
        }
        puts("]}");
        return;
    }
    if (many && !o->json)
        printf("== %s ==\n", netsess_server_label(j->server));
    if (j->st != NERR_Success) {
        fprintf(many ? stdout : stderr, "%s\n", err);
        return;
    }
    if (o->json) {
        for (DWORD i = 0; i < j->n; i++) {
            netsess_print_json(stdout, j->server, &s[i], o->level);
            putchar('\n');
        }
    } else if (o->cmd == NETSESS_SHOW) {
        for (DWORD i = 0; i < j->n; i++) {
            if (i)
                putchar('\n');
            netsess_print_detail(stdout, &s[i], o->level);
        }
    } else {
        netsess_print_table(stdout, s, j->n, o->level);
    }
}

static int
cmd_list(const struct netsess_opts *o)
{
    unsigned n = o->servers.n ? o->servers.n : 1;
    struct job *jobs = calloc(n, sizeof *jobs);
    if (!jobs)
        return NETSESS_EXIT_FAILURE;
    for (unsigned i = 0; i < n; i++) {
        jobs[i].o = o;
        jobs[i].server = o->servers.n ? o->servers.v[i] : NULL;
    }
    run_jobs(o, jobs, n);
    const char *op = o->cmd == NETSESS_SHOW ? "showing a client's sessions" : "listing sessions";
    int rc = NETSESS_EXIT_OK;
    unsigned failed = 0;
    for (unsigned i = 0; i < n; i++) {
        print_job(o, &jobs[i], n > 1, op);
        if (jobs[i].st != NERR_Success) {
            failed++;
            if (rc == NETSESS_EXIT_OK)
                rc = netsess_exit_code(jobs[i].st);
        }
    }
    if (n > 1 && failed) {
        fprintf(stderr, "netsess: %u of %u servers failed:\n", failed, n);
        for (unsigned i = 0; i < n; i++)
            if (jobs[i].st != NERR_Success)
                fprintf(stderr, "  %s: %s\n", netsess_server_label(jobs[i].server),
                        netsess_status_name(jobs[i].st));
    }
    for (unsigned i = 0; i < n; i++)
        NetApiBufferFree(jobs[i].buf);
    free(jobs);
    return rc;
}

static int
confirm(const struct netsess_opts *o, const char *server)
{
    if (o->yes)
        return 1;
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty || !isatty(fileno(tty))) {
        if (tty)
            fclose(tty);
        fprintf(stderr, "netsess: not deleting without confirmation: give --yes, or run on a terminal\n");
        return 0;
    }
    fprintf(tty, "End the session%s from %s%s%s on %s? Open files are closed. [y/N] ",
            o->client_user ? "" : "s", o->client, o->client_user ? " of user " : "",
            o->client_user ? o->client_user : "", netsess_server_label(server));
    fflush(tty);
    char answer[NETSESS_CONFIRM_MAX] = "";
    int yes = fgets(answer, sizeof answer, tty) && (answer[0] == 'y' || answer[0] == 'Y');
    fclose(tty);
    return yes;
}

static int
cmd_delete(const struct netsess_opts *o)
{
    const char *server = o->servers.n ? o->servers.v[0] : NULL;
    if (!confirm(o, server))
        return NETSESS_EXIT_USAGE;
    NET_API_STATUS st = wn_netapi_session_del_utf8(server, o->client, o->client_user);
    if (st != NERR_Success) {
        char err[NETSESS_ERR_MAX];
        netsess_error_text(err, sizeof err, st, "deleting sessions", o->level, server);
        fprintf(stderr, "%s\n", err);
        if (o->json) {
            printf("{\"server\":");
            wn_tool_json_cstr(stdout, netsess_server_label(server));
            printf(",\"ok\":false,\"status\":%u,\"error\":\"%s\",\"message\":", (unsigned)st,
                   netsess_status_name(st));
            wn_tool_json_cstr(stdout, err);
            puts("}");
        }
        return netsess_exit_code(st);
    }
    if (o->json) {
        printf("{\"server\":");
        wn_tool_json_cstr(stdout, netsess_server_label(server));
        fputs(",\"ok\":true,\"deleted\":{\"client\":", stdout);
        wn_tool_json_cstr(stdout, o->client);
        fputs(",\"user\":", stdout);
        wn_tool_json_cstr(stdout, o->client_user);
        puts("}}");
    } else {
        puts("The command completed successfully.");
    }
    return NETSESS_EXIT_OK;
}

int
main(int argc, char **argv)
{
    struct netsess_opts o;
    memset(&o, 0, sizeof o);
    o.level = 1;
    o.interval = 5;
    o.window = NETSESS_DEFAULT_WINDOW;
    int rc = parse_args(&o, argc, argv);
    if (rc == 1)
        usage(stdout);
    if (rc == 0 && netsess_setup_credentials(&o) != 0)
        rc = -1;
    if (rc == 0) {
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (o.cmd == NETSESS_DELETE)
            rc = cmd_delete(&o);
        else if (o.cmd == NETSESS_WATCH)
            rc = netsess_watch(&o);
        else
            rc = cmd_list(&o);
    } else {
        rc = rc == 1 ? NETSESS_EXIT_OK : NETSESS_EXIT_USAGE;
    }
    wn_netapi_set_credentials(NULL, NULL, NULL);
    wn_tool_list_free(&o.servers);
    return rc;
}
