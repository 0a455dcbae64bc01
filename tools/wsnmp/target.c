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
literal_context(HSNMP_SESSION s, const char *community)
{
    smiOCTETS c = {(smiUINT32)strlen(community), (smiLPBYTE)community};
    return SnmpStrToContext(s, &c);
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
     * then resolved as a host name. */
    if (!transport && !looks_like_address(a)) {
        SnmpSetTranslateMode(SNMPAPI_TRANSLATED);
        *ent = SnmpStrToEntity(s, a);
        if (*ent) {
            smiOCTETS c = {(smiUINT32)strlen(o->community), (smiLPBYTE)o->community};
            *ctx = SnmpStrToContext(s, &c);
        }
        SnmpSetTranslateMode(mode);
        if (*ent && !*ctx)
            *ctx = literal_context(s, o->community);
        if (*ent && *ctx)
            return 0;
        if (*ent)
            SnmpFreeEntity(*ent);
        *ent = NULL;
    }
    SnmpSetTranslateMode(mode);
    *ent = SnmpStrToEntity(s, a);
    if (!*ent) {
        fprintf(stderr, "wsnmp: %s: %s\n", agent, wn_wsnmp_strerror(SnmpGetLastError(s)));
        return -1;
    }
    *ctx = literal_context(s, o->community);
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
