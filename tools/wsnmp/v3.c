/* v3.c: net-snmp's SNMPv3 options (-u -l -a -A -x -X -e -E -n) checked and turned into libwsnmp's snmpv3: entity string, secrets escaped, taken out of argv and wiped. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wsnmp.h"

/* The limits of docs/snmpv3.md's string form (RFC 3411/3414 sizes). */
#define V3_USER_MAX 32
#define V3_PASS_MIN 8
#define V3_PASS_MAX 1024
#define V3_ENGINE_ID_MIN 5
#define V3_ENGINE_ID_MAX 32
#define V3_CONTEXT_NAME_MAX 255
#define V3_PRINTABLE_FIRST 0x21
#define V3_PRINTABLE_LAST 0x7e

/* net-snmp's defaults for a pass phrase given without its protocol. */
#define V3_DEFAULT_AUTH "MD5"
#define V3_DEFAULT_PRIV "DES"

struct alias {
    const char *name;   /* what the user may type (case-insensitive) */
    const char *canon;  /* what goes into the entity string */
};

static const struct alias levels[] = {
    {"noAuthNoPriv", "noAuthNoPriv"}, {"1", "noAuthNoPriv"}, {"noauth", "noAuthNoPriv"},
    {"nanp", "noAuthNoPriv"}, {"authNoPriv", "authNoPriv"}, {"2", "authNoPriv"},
    {"auth", "authNoPriv"}, {"anp", "authNoPriv"}, {"authPriv", "authPriv"},
    {"3", "authPriv"}, {"priv", "authPriv"}, {"ap", "authPriv"},
};

static const struct alias auths[] = {
    {"MD5", "MD5"}, {"SHA", "SHA"}, {"SHA1", "SHA"}, {"SHA-1", "SHA"},
    {"SHA-224", "SHA-224"}, {"SHA224", "SHA-224"}, {"SHA-256", "SHA-256"},
    {"SHA256", "SHA-256"}, {"SHA-384", "SHA-384"}, {"SHA384", "SHA-384"},
    {"SHA-512", "SHA-512"}, {"SHA512", "SHA-512"},
};

static const struct alias privs[] = {
    {"DES", "DES"}, {"AES", "AES"}, {"AES-128", "AES"}, {"AES128", "AES"},
    {"AES-192", "AES-192"}, {"AES192", "AES-192"}, {"AES-256", "AES-256"},
    {"AES256", "AES-256"}, {"AES-192-C", "AES-192-C"}, {"AES192C", "AES-192-C"},
    {"AES-256-C", "AES-256-C"}, {"AES256C", "AES-256-C"},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *
canon(const struct alias *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(t[i].name, name) == 0)
            return t[i].canon;
    return NULL;
}

static int
v3_bad(const char *msg, const char *arg)
{
    fprintf(stderr, "wsnmp: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "Try 'wsnmp --help'.\n");
    return -1;
}

/* An engine ID as net-snmp takes it (hex, "0x" optional) into "0x<hex>"
 * of 5..32 bytes in out (WSNMP_V3_ENGINE_HEX bytes). */
static int
engine_id(const char *opt, const char *v, char *out)
{
    const char *h = v;
    if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
        h += 2;
    size_t n = strlen(h);
    int ok = n % 2 == 0 && n / 2 >= V3_ENGINE_ID_MIN && n / 2 <= V3_ENGINE_ID_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = isxdigit((unsigned char)h[i]) != 0;
    if (!ok) {
        fprintf(stderr, "wsnmp: %s takes an engine ID of 5 to 32 bytes in hex "
                        "(e.g. 800000020109840301): %s\n", opt, v);
        return -1;
    }
    out[0] = '0';
    out[1] = 'x';
    for (size_t i = 0; i < n; i++)
        out[2 + i] = (char)tolower((unsigned char)h[i]);
    out[2 + n] = '\0';
    return 0;
}

/* A localized key (hex, "0x" optional): its text is never printed. */
static int
key_ok(const char *opt, const char *k)
{
    if (!k)
        return 0;
    const char *h = k[0] == '0' && (k[1] == 'x' || k[1] == 'X') ? k + 2 : k;
    size_t n = strlen(h);
    int ok = n > 0 && n % 2 == 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = isxdigit((unsigned char)h[i]) != 0;
    if (!ok)
        fprintf(stderr, "wsnmp: %s takes a localized key in hex (an even number of hex "
                        "digits, 0x optional)\n", opt);
    return ok ? 0 : -1;
}

/* A pass phrase's length only: its text is never printed. */
static int
pass_ok(const char *opt, const char *p)
{
    size_t n = p ? strlen(p) : 0;
    if (p && (n < V3_PASS_MIN || n > V3_PASS_MAX)) {
        fprintf(stderr, "wsnmp: the %s pass phrase must have %d to %d characters "
                        "(it has %zu)\n", opt, V3_PASS_MIN, V3_PASS_MAX, n);
        return -1;
    }
    return 0;
}

int
wsnmp_v3_check(struct wsnmp_v3 *v3)
{
    if (v3->user && (v3->user[0] == '\0' || strlen(v3->user) > V3_USER_MAX))
        return v3_bad("-u takes a user name of 1 to 32 bytes", NULL);
    if (v3->level) {
        const char *c = canon(levels, N_OF(levels), v3->level);
        if (!c)
            return v3_bad("-l takes noAuthNoPriv, authNoPriv or authPriv", v3->level);
        v3->level = c;
    }
    if (v3->auth_proto) {
        const char *c = canon(auths, N_OF(auths), v3->auth_proto);
        if (!c)
            return v3_bad("-a takes MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512",
                          v3->auth_proto);
        v3->auth_proto = c;
    }
    if (v3->priv_proto) {
        const char *c = canon(privs, N_OF(privs), v3->priv_proto);
        if (!c)
            return v3_bad("-x takes DES, AES, AES-192, AES-256, AES-192-C or AES-256-C",
                          v3->priv_proto);
        v3->priv_proto = c;
    }
    if (pass_ok("-A", v3->auth_pass) != 0 || pass_ok("-X", v3->priv_pass) != 0 ||
        key_ok("-3k", v3->auth_key) != 0 || key_ok("-3K", v3->priv_key) != 0)
        return -1;
    if ((v3->auth_key && v3->auth_pass) || (v3->priv_key && v3->priv_pass))
        return v3_bad("give a pass phrase or a localized key, not both (-A/-3k, -X/-3K)", NULL);
    if ((v3->auth_key || v3->priv_key) && !v3->engine_id)
        return v3_bad("-3k/-3K need -e: a localized key belongs to one engine", NULL);
    if ((v3->auth_key && !v3->auth_proto) || (v3->priv_key && !v3->priv_proto))
        return v3_bad("-3k needs -a and -3K needs -x: a key does not say its protocol", NULL);
    /* As net-snmp: a pass phrase without its protocol means MD5 / DES. */
    if (v3->auth_pass && !v3->auth_proto)
        v3->auth_proto = V3_DEFAULT_AUTH;
    if (v3->priv_pass && !v3->priv_proto)
        v3->priv_proto = V3_DEFAULT_PRIV;
    if (v3->priv_proto && !v3->auth_proto)
        return v3_bad("privacy needs authentication: -x (or -X) needs -a (or -A) too", NULL);
    if (v3->ctx_name && strlen(v3->ctx_name) > V3_CONTEXT_NAME_MAX)
        return v3_bad("-n takes a context name of at most 255 bytes", NULL);
    if (v3->engine_id && engine_id("-e", v3->engine_id, v3->engine_hex) != 0)
        return -1;
    if (v3->ctx_engine && engine_id("-E", v3->ctx_engine, v3->ctx_engine_hex) != 0)
        return -1;
    return 0;
}

/* Copies the pass phrase at *p into owned memory and wipes the argument
 * it came from (what ps and /proc/PID/cmdline show from then on). */
static int
take(const char **p)
{
    if (!*p)
        return 0;
    size_t n = strlen(*p);
    char *copy = malloc(n + 1);
    if (!copy) {
        *p = NULL;
        return -1;
    }
    memcpy(copy, *p, n + 1);
    explicit_bzero((char *)*p, n);
    *p = copy;
    return 0;
}

int
wsnmp_v3_take_secrets(struct wsnmp_v3 *v3)
{
    int a = take(&v3->auth_pass), b = take(&v3->priv_pass);
    int c = take(&v3->auth_key), d = take(&v3->priv_key);
    v3->owns_secrets = 1;
    if (a != 0 || b != 0 || c != 0 || d != 0) {
        fprintf(stderr, "wsnmp: out of memory\n");
        return -1;
    }
    return 0;
}

static void
free_secret(const char *p)
{
    if (!p)
        return;
    explicit_bzero((char *)p, strlen(p));
    free((char *)p);
}

void
wsnmp_v3_free(struct wsnmp_v3 *v3)
{
    if (!v3->owns_secrets)
        return;
    free_secret(v3->auth_pass);
    free_secret(v3->priv_pass);
    free_secret(v3->auth_key);
    free_secret(v3->priv_key);
    v3->auth_pass = v3->priv_pass = v3->auth_key = v3->priv_key = NULL;
    v3->owns_secrets = 0;
}

/* A bounded writer: overflow is remembered, not written. */
struct sbuf {
    char *p;
    size_t cap, len;
    int overflow;
};

static void
put_char(struct sbuf *b, char c)
{
    if (b->len + 1 >= b->cap) {
        b->overflow = 1;
        return;
    }
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

static void
put_raw(struct sbuf *b, const char *s)
{
    for (; *s; s++)
        put_char(b, *s);
}

/* A value as the string form wants it: %XX for ';', '@', '%' and every
 * byte outside printable ASCII (space included). */
static void
put_escaped(struct sbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ';' || c == '@' || c == '%' || c < V3_PRINTABLE_FIRST || c > V3_PRINTABLE_LAST) {
            put_char(b, '%');
            put_char(b, hex[c >> 4]);
            put_char(b, hex[c & 0xf]);
        } else {
            put_char(b, (char)c);
        }
    }
}

static void
put_field(struct sbuf *b, const char *key, const char *value, int escape)
{
    if (!value)
        return;
    put_char(b, ';');
    put_raw(b, key);
    put_char(b, '=');
    if (escape)
        put_escaped(b, value);
    else
        put_raw(b, value);
}

/* A localized key as the string wants it: 0x and the hex digits. */
static void
put_key(struct sbuf *b, const char *key, const char *hex)
{
    if (!hex)
        return;
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    put_field(b, key, "0x", 0);
    put_raw(b, hex);
}

int
wsnmp_v3_entity_string(const struct wsnmp_v3 *v3, const char *address, char *out, size_t cap)
{
    struct sbuf b = {out, cap, 0, 0};
    if (cap == 0 || !v3->user)
        return -1;
    out[0] = '\0';
    put_raw(&b, WSNMP_V3_PREFIX);
    put_escaped(&b, v3->user);
    put_field(&b, "level", v3->level, 0);
    put_field(&b, "auth", v3->auth_proto, 0);
    put_field(&b, "authpass", v3->auth_pass, 1);
    put_key(&b, "authkey", v3->auth_key);
    put_field(&b, "priv", v3->priv_proto, 0);
    put_field(&b, "privpass", v3->priv_pass, 1);
    put_key(&b, "privkey", v3->priv_key);
    put_field(&b, "engineid", v3->engine_id ? v3->engine_hex : NULL, 0);
    put_field(&b, WSNMP_V3_CONTEXT_ENGINE_KEY, v3->ctx_engine ? v3->ctx_engine_hex : NULL, 0);
    put_char(&b, '@');
    put_raw(&b, address);
    if (b.overflow) {
        explicit_bzero(out, cap);
        return -1;
    }
    return 0;
}

/* The SNMPAPI_RPT_* codes of the WinSNMP 3.0 addendum (docs/snmpv3.md),
 * for a <wsnmp_ext.h> that does not define them yet. */
#ifndef SNMPAPI_RPT_UNKNOWNUSERNAME
#define SNMPAPI_RPT_UNKNOWNUSERNAME 205
#endif
#ifndef SNMPAPI_RPT_WRONGDIGEST
#define SNMPAPI_RPT_WRONGDIGEST 206
#endif
#ifndef SNMPAPI_RPT_DECRYPTIONERROR
#define SNMPAPI_RPT_DECRYPTIONERROR 208
#endif
#define WSNMP_RPT_FIRST 200
#define WSNMP_RPT_LAST 299

int
wsnmp_v3_exit_code(smiUINT32 code)
{
    switch (code) {
    case SNMPAPI_RPT_UNKNOWNUSERNAME: return WSNMP_EXIT_V3_UNKNOWN_USER;
    case SNMPAPI_RPT_WRONGDIGEST: return WSNMP_EXIT_V3_AUTH;
    case SNMPAPI_RPT_DECRYPTIONERROR: return WSNMP_EXIT_V3_PRIV;
    default:
        return code >= WSNMP_RPT_FIRST && code <= WSNMP_RPT_LAST ? WSNMP_EXIT_V3_OTHER : 0;
    }
}

const char *
wsnmp_v3_hint(smiUINT32 code)
{
    switch (code) {
    case SNMPAPI_RPT_UNKNOWNUSERNAME: return " (check -u: the agent has no such user)";
    case SNMPAPI_RPT_WRONGDIGEST:
        return " (check -a and -A: they do not match the agent's user)";
    case SNMPAPI_RPT_DECRYPTIONERROR:
        return " (check -x and -X: they do not match the agent's user)";
    default: return "";
    }
}
