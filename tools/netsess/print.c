/* print.c: sessions as a `net session` table, a detail view or JSON; NET_API_STATUS as its name and a plain sentence. */
#include <string.h>

#include "../common/json.h"
#include "netsess.h"

struct status_text {
    NET_API_STATUS st;
    const char *name;
    const char *why; /* completes "OP on SERVER failed: " or stands alone */
};

static const struct status_text statuses[] = {
    {NERR_Success, "NERR_Success", "the command completed successfully"},
    {ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND", "the authentication file (NETAPI_AUTHFILE or -A) does not exist or cannot be read"},
    {ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED", NULL},
    {ERROR_BAD_ENVIRONMENT, "ERROR_BAD_ENVIRONMENT", "a local setting was refused before anything was sent (the line above names the NETAPI_* variable or the authentication file and what it accepts)"},
    {ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY", "out of memory"},
    {ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED", "the server and this client have no SMB dialect or security mode in common"},
    {ERROR_BAD_NETPATH, "ERROR_BAD_NETPATH", "the server cannot be reached (name does not resolve, connection refused or timed out; check the name and NETAPI_SMB_PORT)"},
    {ERROR_UNEXP_NET_ERR, "ERROR_UNEXP_NET_ERR", "the connection failed unexpectedly (for example signing is required and the logon was anonymous)"},
    {ERROR_NETNAME_DELETED, "ERROR_NETNAME_DELETED", "the server closed the connection (for example after our own session was deleted)"},
    {ERROR_BAD_NET_NAME, "ERROR_BAD_NET_NAME", "the server has no IPC$ share"},
    {ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER", "a parameter is not valid (check the server and client names)"},
    {ERROR_INVALID_NAME, "ERROR_INVALID_NAME", "the name is not valid"},
    {ERROR_INVALID_LEVEL, "ERROR_INVALID_LEVEL", NULL},
    {ERROR_MORE_DATA, "ERROR_MORE_DATA", "more entries are available"},
    {ERROR_LOGON_FAILURE, "ERROR_LOGON_FAILURE", "the server rejected the user name or password"},
    {ERROR_ACCOUNT_RESTRICTION, "ERROR_ACCOUNT_RESTRICTION", "the account may not log on now (restriction)"},
    {ERROR_PASSWORD_EXPIRED, "ERROR_PASSWORD_EXPIRED", "the account's password has expired"},
    {ERROR_ACCOUNT_DISABLED, "ERROR_ACCOUNT_DISABLED", "the account is disabled"},
    {ERROR_ACCOUNT_LOCKED_OUT, "ERROR_ACCOUNT_LOCKED_OUT", "the account is locked out"},
    {RPC_S_UNKNOWN_IF, "RPC_S_UNKNOWN_IF", "the server does not offer the Server service (srvsvc) interface"},
    {RPC_S_SERVER_UNAVAILABLE, "RPC_S_SERVER_UNAVAILABLE", "the server has no srvsvc pipe (the Server service is not running)"},
    {RPC_S_CALL_FAILED, "RPC_S_CALL_FAILED", "the server's Server service failed the call"},
    {RPC_S_PROTOCOL_ERROR, "RPC_S_PROTOCOL_ERROR", "the server broke the DCE/RPC protocol"},
    {RPC_S_PROCNUM_OUT_OF_RANGE, "RPC_S_PROCNUM_OUT_OF_RANGE", "the server does not implement this call"},
    {RPC_X_BAD_STUB_DATA, "RPC_X_BAD_STUB_DATA", "the server's answer was malformed or over a limit"},
    {NERR_UserNotFound, "NERR_UserNotFound", "no session of that user comes from that client"},
    {NERR_ClientNameNotFound, "NERR_ClientNameNotFound", "no session comes from that client"},
    {NERR_InvalidComputer, "NERR_InvalidComputer", "the server name is not valid"},
};

static const struct status_text *
lookup(NET_API_STATUS st)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].st == st)
            return &statuses[i];
    return NULL;
}

const char *
netsess_status_name(NET_API_STATUS st)
{
    const struct status_text *t = lookup(st);
    return t ? t->name : "NET_API_STATUS";
}

const char *
netsess_server_label(const char *server)
{
    return server && *server ? server : "this host";
}

void
netsess_error_text(char *buf, size_t size, NET_API_STATUS st, const char *op,
                   unsigned long level, const char *server)
{
    const struct status_text *t = lookup(st);
    const char *srv = netsess_server_label(server);
    if (st == ERROR_ACCESS_DENIED)
        snprintf(buf, size, "ERROR_ACCESS_DENIED: %s at level %lu needs an administrator account on %s",
                 op, level, srv);
    else if (st == ERROR_INVALID_LEVEL)
        snprintf(buf, size, "ERROR_INVALID_LEVEL: %s failed on %s: level %lu is not supported "
                            "(the levels are 0, 1, 2, 10 and 502)", op, srv, level);
    else if (t)
        snprintf(buf, size, "%s: %s failed on %s: %s", t->name, op, srv, t->why);
    else
        snprintf(buf, size, "NET_API_STATUS %u: %s failed on %s", (unsigned)st, op, srv);
}

int
netsess_exit_code(NET_API_STATUS st)
{
    if (st == NERR_Success)
        return NETSESS_EXIT_OK;
    if (st == NERR_UserNotFound || st == NERR_ClientNameNotFound)
        return NETSESS_EXIT_NOT_FOUND;
    return NETSESS_EXIT_FAILURE;
}

void
netsess_duration(char *buf, size_t size, unsigned long s)
{
    if (s >= 86400)
        snprintf(buf, size, "%lu days %02lu:%02lu:%02lu", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
    else
        snprintf(buf, size, "%02lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
}

static const char *
str(const char *s)
{
    return s ? s : "";
}

void
netsess_print_table(FILE *f, const struct wn_session_info_utf8 *s, DWORD n, unsigned long level)
{
    fprintf(f, "%-22s %-20s %-17s %5s %s\n", "Computer", "User name", "Client Type", "Opens",
            "Idle time");
    fputs("\n-------------------------------------------------------------------------------\n", f);
    for (DWORD i = 0; i < n; i++) {
        char client[300], idle[40] = "";
        snprintf(client, sizeof client, "\\\\%s", str(s[i].cname));
        if (level != 0)
            netsess_duration(idle, sizeof idle, s[i].idle_time);
        fprintf(f, "%-22s %-20s %-17s ", client, str(s[i].username), str(s[i].cltype_name));
        if (level == 1 || level == 2 || level == 502)
            fprintf(f, "%5u %s\n", (unsigned)s[i].num_opens, idle);
        else
            fprintf(f, "%5s %s\n", "", idle);
    }
    fputs("The command completed successfully.\n", f);
}

void
netsess_print_detail(FILE *f, const struct wn_session_info_utf8 *s, unsigned long level)
{
    char t[40], idle[40];
    netsess_duration(t, sizeof t, s->time);
    netsess_duration(idle, sizeof idle, s->idle_time);
    fprintf(f, "%-20s %s\n", "User name", str(s->username));
    fprintf(f, "%-20s %s\n", "Computer", str(s->cname));
    if (level == 1 || level == 2 || level == 502) {
        fprintf(f, "%-20s %s\n", "Guest logon", (s->user_flags & SESS_GUEST) ? "Yes" : "No");
        fprintf(f, "%-20s %u\n", "Opens", (unsigned)s->num_opens);
    }
    if (level == 2 || level == 502)
        fprintf(f, "%-20s %s\n", "Client type", str(s->cltype_name));
    if (level == 502)
        fprintf(f, "%-20s %s\n", "Transport", str(s->transport));
    if (level != 0) {
        fprintf(f, "%-20s %s\n", "Sess time", t);
        fprintf(f, "%-20s %s\n", "Idle time", idle);
    }
}

void
netsess_print_json(FILE *f, const char *server, const struct wn_session_info_utf8 *s,
                   unsigned long level)
{
    fputs("{\"server\":", f);
    wn_tool_json_cstr(f, netsess_server_label(server));
    fputs(",\"client\":", f);
    wn_tool_json_cstr(f, s->cname);
    fprintf(f, ",\"level\":%lu", level);
    if (level != 0) {
        fputs(",\"user\":", f);
        wn_tool_json_cstr(f, s->username);
        fprintf(f, ",\"time\":%u,\"idle_time\":%u", (unsigned)s->time, (unsigned)s->idle_time);
    }
    if (level == 1 || level == 2 || level == 502)
        fprintf(f, ",\"opens\":%u,\"user_flags\":%u,\"guest\":%s", (unsigned)s->num_opens,
                (unsigned)s->user_flags, (s->user_flags & SESS_GUEST) ? "true" : "false");
    if (level == 2 || level == 502) {
        fputs(",\"client_type\":", f);
        wn_tool_json_cstr(f, s->cltype_name);
    }
    if (level == 502) {
        fputs(",\"transport\":", f);
        wn_tool_json_cstr(f, s->transport);
    }
    putc('}', f);
}
