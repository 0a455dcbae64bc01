/* wsnmp.h: the SNMP command-line tool's internal contract (options, MIB names, value text, the request engine). */
#ifndef WN_TOOLS_WSNMP_H
#define WN_TOOLS_WSNMP_H

#include <stdio.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "../common/json.h"

/* Exit codes (also in the man page and --help). */
enum wsnmp_exit {
    WSNMP_EXIT_OK = 0,
    WSNMP_EXIT_FAILURE = 1,   /* local, library or transport failure */
    WSNMP_EXIT_USAGE = 2,     /* bad arguments */
    WSNMP_EXIT_TIMEOUT = 3,   /* no response after the retries */
    WSNMP_EXIT_AGENT = 4,     /* the agent answered with an error status */
    WSNMP_EXIT_NOT_INCREASING = 5, /* walk: the agent returned an OID not after the previous */
    /* SNMPv3: the agent's USM refused the request (SNMPAPI_RPT_* codes) */
    WSNMP_EXIT_V3_UNKNOWN_USER = 6, /* the agent has no such user */
    WSNMP_EXIT_V3_AUTH = 7,   /* wrong digest: auth pass phrase or protocol (-A, -a) */
    WSNMP_EXIT_V3_PRIV = 8,   /* decryption error: priv pass phrase or protocol (-X, -x) */
    WSNMP_EXIT_V3_OTHER = 9   /* other USM errors: security level, engine ID, time window */
};

#define WSNMP_MAX_TARGETS 4096
#define WSNMP_MAX_OIDS 128
#define WSNMP_DEFAULT_WINDOW 64

enum wsnmp_cmd {
    WSNMP_GET,
    WSNMP_GETNEXT,
    WSNMP_GETBULK,
    WSNMP_WALK,
    WSNMP_SET,
    WSNMP_TRAP,
    WSNMP_INFORM,
    WSNMP_LISTEN
};

/* The entity string form of docs/snmpv3.md; the key that carries -E. */
#define WSNMP_V3_PREFIX "snmpv3:"
/* The community without -c and without a database default. */
#define WSNMP_DEFAULT_COMMUNITY "public"
#define WSNMP_V3_CONTEXT_ENGINE_KEY "contextengineid"
/* "0x" and up to 32 bytes in hex. */
#define WSNMP_V3_ENGINE_HEX (2 + 2 * 32 + 1)
/* The longest entity string the tool builds (two pass phrases of 1024
 * bytes, every byte escaped, and the rest). */
#define WSNMP_V3_ENTITY_MAX 8192
/* "snmpv3:" and a contextName of at most 255 bytes. */
#define WSNMP_V3_CONTEXT_MAX (sizeof WSNMP_V3_PREFIX + 255)

/* SNMPv3 options as net-snmp takes them. */
struct wsnmp_v3 {
    const char *user;       /* -u */
    const char *level;      /* -l noAuthNoPriv|authNoPriv|authPriv (canonical after check) */
    const char *auth_proto; /* -a MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512 */
    const char *auth_pass;  /* -A (owned after wsnmp_v3_take_secrets) */
    const char *priv_proto; /* -x DES|AES|AES-192|AES-256|AES-192-C|AES-256-C */
    const char *priv_pass;  /* -X (owned after wsnmp_v3_take_secrets) */
    const char *auth_key;   /* -3k localized key, hex (owned after take) */
    const char *priv_key;   /* -3K localized key, hex (owned after take) */
    const char *engine_id;  /* -e */
    const char *ctx_engine; /* -E */
    const char *ctx_name;   /* -n */
    char engine_hex[WSNMP_V3_ENGINE_HEX];     /* -e as 0x<hex>, after check */
    char ctx_engine_hex[WSNMP_V3_ENGINE_HEX]; /* -E as 0x<hex>, after check */
    int owns_secrets;
};

struct wsnmp_opts {
    enum wsnmp_cmd cmd;
    const char *version;      /* "1", "2c", "3" */
    const char *community;    /* -c, or NULL (target.c picks the default) */
    struct wsnmp_v3 v3;
    unsigned long timeout_cs; /* per try */
    unsigned long retries;
    unsigned long max_rep;    /* -Cr */
    unsigned long non_rep;    /* -Cn */
    int check_increasing;     /* walk; -Cc turns it off */
    int use_getnext;          /* walk: --getnext */
    int numeric;              /* -On */
    int json;
    int progress;             /* walk: stderr is a terminal */
    unsigned long count;      /* listen: stop after N (0 = never) */
    unsigned long port;       /* listen: trap port */
    unsigned long window;     /* targets queried at once */
    const char *mibs;         /* -m */
    const char *mibdirs;      /* -M */
    struct wn_tool_list targets; /* agents (owned) */
    char **args;              /* OIDs, or OID TYPE VALUE triples (borrowed) */
    unsigned nargs;
};

/* v3.c */
/* Checks the v3 options and puts protocol and level names in the form the
 * entity string takes (net-snmp's defaults: MD5 with -A alone, DES with -X
 * alone).  0, or -1 with a message on stderr that holds no pass phrase. */
int wsnmp_v3_check(struct wsnmp_v3 *v3);
/* Copies -A, -X, -3k and -3K into owned memory and wipes them in argv.
 * 0 or -1. */
int wsnmp_v3_take_secrets(struct wsnmp_v3 *v3);
/* Wipes and frees what wsnmp_v3_take_secrets took. */
void wsnmp_v3_free(struct wsnmp_v3 *v3);
/* "snmpv3:USER[;key=value]...@ADDRESS" into out[0..cap): values escaped
 * with %XX; level= only when -l was given (else the library takes the most
 * the user's secrets allow).  The result holds the pass phrases: wipe it
 * (explicit_bzero) after use and never print it.  0, or -1 when v3->user
 * is NULL or the string does not fit (out is then wiped). */
int wsnmp_v3_entity_string(const struct wsnmp_v3 *v3, const char *address, char *out,
                           size_t cap);
/* The exit code for a USM error (SNMPAPI_RPT_*), 0 for any other code. */
int wsnmp_v3_exit_code(smiUINT32 code);
/* A hint naming the options to check (" (check -a and -A ...)") or "". */
const char *wsnmp_v3_hint(smiUINT32 code);

/* mib.c: names through libsmi when built with it; numeric always works. */
void wsnmp_mib_init(const struct wsnmp_opts *o);
void wsnmp_mib_exit(void);
/* Text (numeric, ".1.3...", "MODULE::name.1.2" or a plain name) into an
 * OID (returned-owned, SnmpFreeDescriptor).  0 or -1 with a message on stderr. */
int wsnmp_mib_parse(const char *text, smiOID *out);
/* Writes the OID as text: a MIB name when known and !numeric, else ".1.3...". */
void wsnmp_mib_print(FILE *f, const smiOID *oid, int numeric);
/* Writes the MIB name (or nothing) into buf; 1 if a name was found. */
int wsnmp_mib_name(const smiOID *oid, char *buf, size_t size);

/* value.c */
/* Builds a value from a net-snmp type letter and text; owned memory in
 * *v is freed by wsnmp_value_free.  0 or -1 with a message on stderr. */
int wsnmp_value_parse(char type, const char *text, smiVALUE *v);
void wsnmp_value_free(smiVALUE *v);
/* Frees what SnmpGetVb returned in name and value. */
void wsnmp_vb_release(smiOID *name, smiVALUE *val);
/* One varbind as net-snmp prints it: "NAME = TYPE: value\n". */
void wsnmp_print_vb_text(FILE *f, const smiOID *name, const smiVALUE *v, int numeric);
/* One varbind as a JSON object (no newline). */
void wsnmp_print_vb_json(FILE *f, const smiOID *name, const smiVALUE *v);
/* Calls fn for each varbind of vbl (index from 1; name and value are
 * borrowed for the call). */
typedef void (*wsnmp_vb_fn)(void *arg, unsigned index, const smiOID *name, const smiVALUE *val);
void wsnmp_each_vb(HSNMP_VBL vbl, wsnmp_vb_fn fn, void *arg);
/* Every varbind of vbl: text lines each after prefix, or JSON objects
 * separated by commas (no brackets, no newline). */
void wsnmp_print_vbl(FILE *f, HSNMP_VBL vbl, int json, int numeric, const char *prefix);
/* Frees what SnmpRecvMsg returned (NULL handles are skipped). */
void wsnmp_free_msg(HSNMP_ENTITY src, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, HSNMP_PDU pdu);
/* "noSuchName" etc. for an error status. */
const char *wsnmp_error_status_name(int status);

/* run.c: get, getnext, getbulk, walk, set, inform against every target. */
int wsnmp_run_requests(const struct wsnmp_opts *o);
/* notify.c */
int wsnmp_send_trap(const struct wsnmp_opts *o);
/* sysUpTime.0, snmpTrapOID.0 and the OID TYPE VALUE triples of o->args
 * as a VBL of session s; 0 or -1 with a message. */
int wsnmp_notification_vbl(HSNMP_SESSION s, const struct wsnmp_opts *o, HSNMP_VBL *out);
int wsnmp_listen(const struct wsnmp_opts *o);
/* Entity for an agent string ([udp:|udp6:]host[:port] or a database
 * name); 0 or -1 with a message.  *ent and *ctx belong to the session. */
int wsnmp_make_target(HSNMP_SESSION s, const struct wsnmp_opts *o, const char *agent,
                      HSNMP_ENTITY *ent, HSNMP_CONTEXT *ctx);
/* A session whose notifications are read with wn_wsnmp_wait. */
HSNMP_SESSION wsnmp_open_session(void);
/* Builds a VBL in s from o->args[from..]: OIDs with NULL values (step 1)
 * or OID TYPE VALUE triples (step 3).  0 or -1 with a message. */
int wsnmp_build_vbl(HSNMP_SESSION s, char **args, unsigned n, unsigned step, HSNMP_VBL vbl);
/* "what failed: SNMPAPI_X: sentence" on stderr. */
void wsnmp_api_error(const char *what, smiUINT32 code);

#endif
