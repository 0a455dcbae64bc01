/* netsess.h: the session tool's internal contract (options, credentials, output, watch). */
#ifndef WN_TOOLS_NETSESS_H
#define WN_TOOLS_NETSESS_H

#include <stdio.h>

#include <lm.h>

#include "../common/json.h"

enum netsess_exit {
    NETSESS_EXIT_OK = 0,
    NETSESS_EXIT_FAILURE = 1,   /* the call failed (NET_API_STATUS printed) */
    NETSESS_EXIT_USAGE = 2,     /* bad arguments, or a deletion not confirmed */
    NETSESS_EXIT_NOT_FOUND = 3  /* no session from that client / user */
};

#define NETSESS_MAX_SERVERS 1024
#define NETSESS_DEFAULT_WINDOW 16

enum netsess_cmd { NETSESS_LIST, NETSESS_SHOW, NETSESS_DELETE, NETSESS_WATCH };

struct netsess_opts {
    enum netsess_cmd cmd;
    struct wn_tool_list servers; /* owned; empty = this host */
    unsigned long level;
    int level_given;
    int json;
    int yes;
    const char *user;        /* -U [DOMAIN\]USER */
    const char *authfile;    /* -A FILE */
    const char *client;      /* show / delete */
    const char *client_user; /* delete */
    unsigned long interval;  /* watch, seconds */
    unsigned long count;     /* watch: polls (0 = until Ctrl-C) */
    unsigned long window;    /* servers queried at once */
};

/* creds.c: -A, -U with NETAPI_PASSWORD or a prompt (echo off); 0 or -1 with a message. */
int netsess_setup_credentials(const struct netsess_opts *o);

/* print.c */
/* "NAME: sentence" for what failed (op e.g. "listing sessions"). */
void netsess_error_text(char *buf, size_t size, NET_API_STATUS st, const char *op,
                        unsigned long level, const char *server);
const char *netsess_status_name(NET_API_STATUS st);
/* Exit code for a status. */
int netsess_exit_code(NET_API_STATUS st);
/* The server's name as printed ("this host" for NULL). */
const char *netsess_server_label(const char *server);
void netsess_print_table(FILE *f, const struct wn_session_info_utf8 *s, DWORD n,
                         unsigned long level);
void netsess_print_detail(FILE *f, const struct wn_session_info_utf8 *s, unsigned long level);
/* One session as a JSON object (no newline). */
void netsess_print_json(FILE *f, const char *server, const struct wn_session_info_utf8 *s,
                        unsigned long level);
/* "HH:MM:SS" (or "D days HH:MM:SS") for seconds. */
void netsess_duration(char *buf, size_t size, unsigned long seconds);

/* watch.c */
int netsess_watch(const struct netsess_opts *o);

#endif
