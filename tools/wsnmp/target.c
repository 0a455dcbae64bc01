/* target.c: agent strings into WinSNMP entities and contexts, the session, and varbind lists from arguments. */
#include <string.h>

#include "wsnmp.h"

static SNMPAPI_STATUS CALLBACK
on_event(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID data)
{
    /* The tool waits with wn_wsnmp_wait and drains with SnmpRecvMsg. */
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)data;
    return SNMPAPI_SUCCESS;
}

HSNMP_SESSION
wsnmp_open_session(void)
{
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, on_event, NULL);
    if (!s)
        wsnmp_api_error("SnmpCreateSession", SnmpGetLastError(NULL));
    return s;
}

/* An address, not a name: digits, dots, colons, brackets, hex. */
static int
looks_like_address(const char *a)
{
    if (a[0] == '[')
        return 1;
    int colons = 0, alpha = 0;
    for (const char *c = a; *c; c++) {
        if (*c == ':')
            colons++;
        else if ((*c < '0' || *c > '9') && *c != '.')
            alpha = 1;
    }
    return !alpha || colons > 1;
}

static HSNMP_CONTEXT
literal_context(HSNMP_SESSION s, const char *name)
{
    smiOCTETS c = {(smiUINT32)strlen(name), (smiLPBYTE)name};
    return SnmpStrToContext(s, &c);
}

static int
is_v3(const struct wsnmp_opts *o)
{
    return !strcmp(o->version, "3");
}

/* The literal context of name (-c or -n, or a database default; NULL
 * for none): a v1/v2c community (default public), or for v3 "snmpv3:"
 * and the contextName (default empty; docs/snmpv3.md), in buf. */
static const char *
context_text(const char *name, int v3, char *buf, size_t size)
{
    if (!v3)
        return name ? name : WSNMP_DEFAULT_COMMUNITY;
    snprintf(buf, size, "%s%s", WSNMP_V3_PREFIX, name ? name : "");
    return buf;
}

/* The context option that applies: -n for v3, -c otherwise. */
static const char *
context_option(const struct wsnmp_opts *o, int v3)
{
    return v3 ? o->v3.ctx_name : o->community;
}

/* 1 when e is an SNMPv3 entity: in an untranslated mode (the caller's
 * mode) its string is the snmpv3: form (docs/winsnmp.md). */
static int
entity_is_v3(HSNMP_ENTITY e)
{
    static char str[WSNMP_V3_ENTITY_MAX];
    int v3 = SnmpEntityToStr(e, sizeof str, str) != SNMPAPI_FAILURE
             && !strncmp(str, WSNMP_V3_PREFIX, strlen(WSNMP_V3_PREFIX));
    explicit_bzero(str, sizeof str);
    return v3;
}

/* The database's default context of e (its entity line's community=)
 * into buf; NULL when it has none. */
static const char *
default_context(HSNMP_ENTITY e, char *buf, size_t size)
{
    smiOCTETS d = {0, NULL};
    if (wn_wsnmp_entity_default_context(e, &d) != SNMPAPI_SUCCESS)
        return NULL;
    int fits = d.len < size && !memchr(d.ptr, '\0', d.len);
    if (fits) {
        memcpy(buf, d.ptr, d.len);
        buf[d.len] = '\0';
    }
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&d);
    return fits ? buf : NULL;
}

/* A database name: its entity, and its context by name (else literal):
 * -c (-n for v3), else the entity line's community=, else the default.
 * An entity with version=3 gets a contextName with or without -v 3,
 * never the community. */
static int
database_target(HSNMP_SESSION s, const struct wsnmp_opts *o, const char *name, smiUINT32 mode,
                HSNMP_ENTITY *ent, HSNMP_CONTEXT *ctx)
{
    char buf[WSNMP_V3_CONTEXT_MAX], dflt[WSNMP_V3_CONTEXT_MAX];
    SnmpSetTranslateMode(SNMPAPI_TRANSLATED);
    *ent = SnmpStrToEntity(s, name);
    SnmpSetTranslateMode(mode);
    if (!*ent)
        return -1;
    int v3 = is_v3(o) || entity_is_v3(*ent);
    const char *c = context_option(o, v3);
    if (!c)
        c = default_context(*ent, dflt, sizeof dflt);
    /* a database context name first (its community or contextName) */
    smiOCTETS oc = {(smiUINT32)(c ? strlen(c) : 0), (smiLPBYTE)c};
    SnmpSetTranslateMode(SNMPAPI_TRANSLATED);
    *ctx = oc.len ? SnmpStrToContext(s, &oc) : NULL;
    SnmpSetTranslateMode(mode);
    if (!*ctx)
        *ctx = literal_context(s, context_text(c, v3, buf, sizeof buf));
    if (*ctx)
        return 0;
    SnmpFreeEntity(*ent);
    *ent = NULL;
    return -1;
}

/* -v 3 -u USER: the snmpv3: string, which holds the pass phrases and is
 * wiped once the library has it; messages name the agent as typed. */
static HSNMP_ENTITY
v3_entity(HSNMP_SESSION s, const struct wsnmp_opts *o, const char *agent, const char *address)
{
    static char str[WSNMP_V3_ENTITY_MAX];
    if (wsnmp_v3_entity_string(&o->v3, address, str, sizeof str) != 0) {
        fprintf(stderr, "wsnmp: %s: the SNMPv3 entity string would be too long\n", agent);
        return NULL;
    }
    HSNMP_ENTITY e = SnmpStrToEntity(s, str);
    explicit_bzero(str, sizeof str);
    if (!e)
        fprintf(stderr, "wsnmp: %s: %s (user %s%s%s)\n", agent,
                wn_wsnmp_strerror(SnmpGetLastError(s)), o->v3.user,
                o->v3.level ? ", level " : "", o->v3.level ? o->v3.level : "");
    return e;
}

int
wsnmp_make_target(HSNMP_SESSION s, const struct wsnmp_opts *o, const char *agent,
                  HSNMP_ENTITY *ent, HSNMP_CONTEXT *ctx)
{
    const char *a = agent;
    int transport = 0;
    if (!strncmp(a, "udp:", 4) || !strncmp(a, "udp6:", 5)) {
        a += a[3] == ':' ? 4 : 5;
        transport = 1;
    }
    smiUINT32 mode = !strcmp(o->version, "1") ? SNMPAPI_UNTRANSLATED_V1 : SNMPAPI_UNTRANSLATED_V2;
    *ent = NULL;
    *ctx = NULL;
    /* A name is looked up in the entity database first (no network),
     * then resolved as a host name.  With -u, AGENT is an address. */
    int by_user = is_v3(o) && o->v3.user;
    if (!by_user && !transport && !looks_like_address(a) &&
        database_target(s, o, a, mode, ent, ctx) == 0)
        return 0;
    if (is_v3(o) && !by_user) {
        fprintf(stderr, "wsnmp: %s: -v 3 needs -u USER, or an AGENT that the database "
                        "names (an entity with version=3)\n", agent);
        return -1;
    }
    SnmpSetTranslateMode(mode);
    *ent = by_user ? v3_entity(s, o, agent, a) : SnmpStrToEntity(s, a);
    if (!*ent) {
        if (!by_user)
            fprintf(stderr, "wsnmp: %s: %s\n", agent, wn_wsnmp_strerror(SnmpGetLastError(s)));
        return -1;
    }
    char buf[WSNMP_V3_CONTEXT_MAX];
    *ctx = literal_context(s, context_text(context_option(o, is_v3(o)), is_v3(o), buf, sizeof buf));
    if (!*ctx) {
        wsnmp_api_error("SnmpStrToContext", SnmpGetLastError(s));
        return -1;
    }
    SnmpSetTimeout(*ent, (smiTIMETICKS)o->timeout_cs);
    SnmpSetRetry(*ent, (smiUINT32)o->retries);
    return 0;
}

int
wsnmp_build_vbl(HSNMP_SESSION s, char **args, unsigned n, unsigned step, HSNMP_VBL vbl)
{
    (void)s;
    for (unsigned i = 0; i + step <= n; i += step) {
        smiOID oid;
        smiVALUE val;
        memset(&val, 0, sizeof val);
        if (wsnmp_mib_parse(args[i], &oid) != 0)
            return -1;
        if (step == 3 && (strlen(args[i + 1]) != 1 ||
                          wsnmp_value_parse(args[i + 1][0], args[i + 2], &val) != 0)) {
            if (strlen(args[i + 1]) != 1)
                fprintf(stderr, "wsnmp: bad value type '%s' (use i u s x o a t c C)\n", args[i + 1]);
            SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
            return -1;
        }
        SNMPAPI_STATUS st = SnmpSetVb(vbl, 0, &oid, step == 3 ? &val : NULL);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
        wsnmp_value_free(&val);
        if (st == SNMPAPI_FAILURE) {
            wsnmp_api_error("SnmpSetVb", SnmpGetLastError(s));
            return -1;
        }
    }
    return 0;
}

void
wsnmp_free_msg(HSNMP_ENTITY src, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, HSNMP_PDU pdu)
{
    if (src)
        SnmpFreeEntity(src);
    if (dst)
        SnmpFreeEntity(dst);
    if (ctx)
        SnmpFreeContext(ctx);
    if (pdu)
        SnmpFreePdu(pdu);
}
