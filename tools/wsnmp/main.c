/* main.c: wsnmp, the SNMP command-line tool on WinSNMP: options in net-snmp's style, subcommand dispatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wsnmp.h"

static const char *const cmd_names[] = {"get", "getnext", "getbulk", "walk",
                                        "set", "trap", "inform", "listen"};

static void
usage(FILE *f)
{
    fprintf(f,
"usage: wsnmp COMMAND [OPTIONS] AGENT[,AGENT...] ARGS...\n"
"\n"
"Commands:\n"
"  get      AGENT OID...                 Get\n"
"  getnext  AGENT OID...                 GetNext\n"
"  getbulk  AGENT OID...                 GetBulk (-Cn non-repeaters, -Cr max-repetitions)\n"
"  walk     AGENT [OID]                  the subtree under OID (default 1.3.6.1.2.1)\n"
"  set      AGENT OID TYPE VALUE...      Set; TYPE is one of i u s x o a t c C\n"
"  trap     AGENT UPTIME TRAPOID [OID TYPE VALUE]...   send an SNMPv2 trap\n"
"  inform   AGENT UPTIME TRAPOID [OID TYPE VALUE]...   send an inform, wait for the ack\n"
"  listen   [-p PORT]                    print traps and informs as they arrive\n"
"\n"
"Options:\n"
"  -v 1|2c|3        SNMP version (default 2c)\n"
"  -c COMMUNITY     community (default: a database AGENT's community=, else public)\n"
"  -t SECONDS       timeout per try (default 1)\n"
"  -r RETRIES       retries (default 5)\n"
"  -Cr N            max-repetitions for getbulk and walk (default 10)\n"
"  -Cn N            non-repeaters for getbulk (default 0)\n"
"  -Cc              walk: do not check that OIDs increase\n"
"  --getnext        walk with GetNext instead of GetBulk\n"
"  -On              print OIDs numerically\n"
"  -m MODULES       MIB modules to load (colon-separated, ALL = every file)\n"
"  -M DIRS          MIB directories (colon-separated)\n"
"  --json           one JSON object per line instead of text\n"
"  --targets FILE   read agents from FILE (one per line, # comments)\n"
"  --window N       query at most N agents at once (default %d)\n"
"  -p PORT          listen: UDP port (default WSNMP_TRAP_PORT, else 162)\n"
"  --count N        listen: exit after N notifications\n"
"  -h, --help       this help\n"
"SNMPv3 (-v 3):\n"
"  -u USER          security name; alone, its secrets come from the database's\n"
"                   user lines (keeps pass phrases out of argv and shell history)\n"
"  -l LEVEL         noAuthNoPriv|authNoPriv|authPriv (default: the most the\n"
"                   user's secrets allow)\n"
"  -a PROTOCOL      MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512 (default MD5 with -A)\n"
"  -A PASSPHRASE    authentication pass phrase (8..1024 characters)\n"
"  -x PROTOCOL      DES|AES|AES-192|AES-256|AES-192-C|AES-256-C (default DES with -X)\n"
"  -X PASSPHRASE    privacy pass phrase (8..1024 characters)\n"
"  -3k KEY, -3K KEY localized authentication / privacy key in hex (needs -e)\n"
"  -e ENGINEID      security engine ID in hex (default: discovered)\n"
"  -E ENGINEID      context engine ID in hex (default: the agent's)\n"
"  -n CONTEXT       context name (default: a database AGENT's community=, else empty)\n"
"\n"
"AGENT is [udp:|udp6:]host[:port] (e.g. 127.0.0.1:1161, udp6:[::1]:1161)\n"
"or a name from the WinSNMP entity database (docs/winsnmp.md).\n"
"TYPE: i INTEGER, u Unsigned32, s STRING, x hex STRING, o OID, a IpAddress,\n"
"      t TimeTicks, c Counter32, C Counter64.  UPTIME '' means now.\n"
"\n"
"Exit status: 0 success, 1 failure, 2 bad arguments, 3 timeout,\n"
"4 the agent answered with an error status, 5 walk: OID not increasing;\n"
"SNMPv3: 6 unknown user, 7 wrong digest (-a/-A), 8 decryption error (-x/-X),\n"
"9 other USM error (security level, engine ID, time window).\n",
            WSNMP_DEFAULT_WINDOW);
}

void
wsnmp_api_error(const char *what, smiUINT32 code)
{
    fprintf(stderr, "wsnmp: %s: %s\n", what, wn_wsnmp_strerror(code));
}

static int
bad(const char *msg, const char *arg)
{
    fprintf(stderr, "wsnmp: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "Try 'wsnmp --help'.\n");
    return -1;
}

/* Value of an option that takes one: glued (-v2c) or the next argument. */
static const char *
opt_value(int argc, char **argv, int *i, size_t skip)
{
    if (argv[*i][skip] != '\0')
        return argv[*i] + skip;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static int
parse_c_option(struct wsnmp_opts *o, const char *v)
{
    unsigned long n;
    if (!strcmp(v, "c")) {
        o->check_increasing = 0;
        return 0;
    }
    if ((v[0] == 'r' || v[0] == 'n') && wn_tool_parse_ulong(v + 1, v[0] == 'r', 65535, &n) == 0) {
        if (v[0] == 'r')
            o->max_rep = n;
        else
            o->non_rep = n;
        return 0;
    }
    return bad("unknown -C option (use -Cr N, -Cn N or -Cc)", v);
}

static int
parse_timeout(struct wsnmp_opts *o, const char *v)
{
    char *end = NULL;
    double sec = strtod(v, &end);
    if (!end || *end != '\0' || end == v || !(sec >= 0.01 && sec <= 3600))
        return bad("-t takes seconds between 0.01 and 3600", v);
    o->timeout_cs = (unsigned long)(sec * 100 + 0.5);
    return 0;
}

/* Options with a value: returns the field to store it in, or NULL. */
static const char **
string_option(struct wsnmp_opts *o, char letter)
{
    switch (letter) {
    case 'c': return &o->community;
    case 'v': return &o->version;
    case 'u': return &o->v3.user;
    case 'l': return &o->v3.level;
    case 'a': return &o->v3.auth_proto;
    case 'A': return &o->v3.auth_pass;
    case 'x': return &o->v3.priv_proto;
    case 'X': return &o->v3.priv_pass;
    case 'e': return &o->v3.engine_id;
    case 'E': return &o->v3.ctx_engine;
    case 'n': return &o->v3.ctx_name;
    case 'm': return &o->mibs;
    case 'M': return &o->mibdirs;
    default: return NULL;
    }
}

static int
parse_long_option(struct wsnmp_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    unsigned long n;
    if (!strcmp(a, "--json"))
        o->json = 1;
    else if (!strcmp(a, "--getnext"))
        o->use_getnext = 1;
    else if (!strcmp(a, "--targets")) {
        if (*i + 1 >= argc)
            return bad("--targets needs a file", NULL);
        if (wn_tool_list_read(&o->targets, argv[++*i], WSNMP_MAX_TARGETS) != 0)
            return bad("unusable --targets file", argv[*i]);
        return 0;
    } else if (!strcmp(a, "--count") || !strcmp(a, "--window")) {
        if (*i + 1 >= argc || wn_tool_parse_ulong(argv[*i + 1], 1, 1000000, &n) != 0)
            return bad("expects a number 1..1000000", a);
        ++*i;
        if (a[2] == 'c')
            o->count = n;
        else
            o->window = n;
    } else
        return bad("unknown option", a);
    return 0;
}

/* net-snmp's -3k / -3K: localized keys in hex (with -e); -3m / -3M
 * (master keys) have no place in the entity string. */
static int
parse_v3_key_option(struct wsnmp_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (a[2] != 'k' && a[2] != 'K')
        return bad(a[2] == 'm' || a[2] == 'M'
                       ? "-3m/-3M (master keys) are not supported: use pass phrases, or "
                         "-3k/-3K (localized keys) with -e"
                       : "unknown option",
                   a[2] == 'm' || a[2] == 'M' ? NULL : a);
    const char *v = opt_value(argc, argv, i, 3);
    if (!v)
        return bad("option needs a value", a);
    if (a[2] == 'k')
        o->v3.auth_key = v;
    else
        o->v3.priv_key = v;
    return 0;
}

/* Options come before the positional arguments, as in net-snmp. */
static int
parse_options(struct wsnmp_opts *o, int argc, char **argv, int *i)
{
    for (; *i < argc && argv[*i][0] == '-' && argv[*i][1] != '\0'; ++*i) {
        const char *a = argv[*i];
        if (a[1] == '-') {
            if (a[2] == '\0') {
                ++*i;
                break;
            }
            if (parse_long_option(o, argc, argv, i) != 0)
                return -1;
            continue;
        }
        if (a[1] == '3') {
            if (parse_v3_key_option(o, argc, argv, i) != 0)
                return -1;
            continue;
        }
        const char **field = string_option(o, a[1]);
        const char *v = NULL;
        if (a[1] != 'h' && a[1] != 'O') {
            v = opt_value(argc, argv, i, 2);
            if (!v)
                return bad("option needs a value", a);
        }
        unsigned long n;
        if (field)
            *field = v;
        else if (a[1] == 'h')
            return 1;
        else if (a[1] == 'O') {
            if (strcmp(a, "-On") != 0)
                return bad("only -On is supported of the -O options", a);
            o->numeric = 1;
        } else if (a[1] == 'C') {
            if (parse_c_option(o, v) != 0)
                return -1;
        } else if (a[1] == 't') {
            if (parse_timeout(o, v) != 0)
                return -1;
        } else if (a[1] == 'r' || a[1] == 'p') {
            if (wn_tool_parse_ulong(v, a[1] == 'p', a[1] == 'p' ? 65535 : 100, &n) != 0)
                return bad(a[1] == 'p' ? "-p takes a port 1..65535" : "-r takes 0..100", v);
            if (a[1] == 'p')
                o->port = n;
            else
                o->retries = n;
        } else
            return bad("unknown option", a);
    }
    return 0;
}

static int
check_version(struct wsnmp_opts *o)
{
    if (!strcmp(o->version, "1") || !strcmp(o->version, "2c"))
        return 0;
    if (!strcmp(o->version, "3"))
        return wsnmp_v3_check(&o->v3);
    return bad("-v takes 1, 2c or 3", o->version);
}

/* Positional arguments: the agents (comma-separated), then the rest. */
static int
parse_positional(struct wsnmp_opts *o, int argc, char **argv, int i)
{
    if (o->cmd != WSNMP_LISTEN && o->targets.n == 0) {
        if (i >= argc)
            return bad("no agent given", NULL);
        if (wn_tool_list_add_csv(&o->targets, argv[i++], WSNMP_MAX_TARGETS) != 0)
            return -1;
        if (o->targets.n == 0)
            return bad("no agent given", NULL);
    }
    o->args = argv + i;
    o->nargs = (unsigned)(argc - i);
    switch (o->cmd) {
    case WSNMP_GET:
    case WSNMP_GETNEXT:
    case WSNMP_GETBULK:
        if (o->nargs == 0)
            return bad("no OID given", NULL);
        break;
    case WSNMP_WALK:
        if (o->nargs > 1)
            return bad("walk takes one OID", NULL);
        break;
    case WSNMP_SET:
        if (o->nargs == 0 || o->nargs % 3 != 0)
            return bad("set takes OID TYPE VALUE triples", NULL);
        break;
    case WSNMP_TRAP:
    case WSNMP_INFORM:
        if (o->nargs < 2 || (o->nargs - 2) % 3 != 0)
            return bad("expects UPTIME TRAPOID [OID TYPE VALUE]...", NULL);
        break;
    case WSNMP_LISTEN:
        if (o->nargs != 0)
            return bad("listen takes no arguments", NULL);
        break;
    }
    if (o->nargs > WSNMP_MAX_OIDS * 3)
        return bad("too many arguments", NULL);
    return 0;
}

int
main(int argc, char **argv)
{
    struct wsnmp_opts o;
    memset(&o, 0, sizeof o);
    o.version = "2c";
    o.community = NULL;   /* -c: else the database's, else WSNMP_DEFAULT_COMMUNITY */
    o.timeout_cs = 100;
    o.retries = 5;
    o.max_rep = 10;
    o.check_increasing = 1;
    o.window = WSNMP_DEFAULT_WINDOW;

    if (argc < 2) {
        usage(stderr);
        return WSNMP_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return WSNMP_EXIT_OK;
    }
    size_t c = 0;
    while (c < sizeof cmd_names / sizeof cmd_names[0] && strcmp(argv[1], cmd_names[c]) != 0)
        c++;
    if (c == sizeof cmd_names / sizeof cmd_names[0]) {
        bad("unknown command", argv[1]);
        return WSNMP_EXIT_USAGE;
    }
    o.cmd = (enum wsnmp_cmd)c;
    int i = 2;
    int rc = parse_options(&o, argc, argv, &i);
    /* The pass phrases leave argv at once, whatever comes next. */
    if (wsnmp_v3_take_secrets(&o.v3) != 0)
        rc = -1;
    if (rc == 1) {
        usage(stdout);
        wsnmp_v3_free(&o.v3);
        wn_tool_list_free(&o.targets);
        return WSNMP_EXIT_OK;
    }
    if (rc != 0 || check_version(&o) != 0 || parse_positional(&o, argc, argv, i) != 0) {
        wsnmp_v3_free(&o.v3);
        wn_tool_list_free(&o.targets);
        return WSNMP_EXIT_USAGE;
    }
    o.progress = isatty(STDERR_FILENO) && !o.json;
    /* snmptrap's -e: the engine ID our v3 traps come from (the library
     * takes it from WSNMP_ENGINE_ID at its first v3 send). */
    if (o.cmd == WSNMP_TRAP && o.v3.engine_id && !strcmp(o.version, "3"))
        setenv("WSNMP_ENGINE_ID", o.v3.engine_hex, 1);

    wsnmp_mib_init(&o);
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS) {
        wsnmp_api_error("SnmpStartup", SnmpGetLastError(NULL));
        wsnmp_mib_exit();
        wsnmp_v3_free(&o.v3);
        wn_tool_list_free(&o.targets);
        return WSNMP_EXIT_FAILURE;
    }
    if (o.cmd == WSNMP_LISTEN)
        rc = wsnmp_listen(&o);
    else if (o.cmd == WSNMP_TRAP)
        rc = wsnmp_send_trap(&o);
    else
        rc = wsnmp_run_requests(&o);
    SnmpCleanup();
    wsnmp_mib_exit();
    wsnmp_v3_free(&o.v3);
    wn_tool_list_free(&o.targets);
    return rc;
}
