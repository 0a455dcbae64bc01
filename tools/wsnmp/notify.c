/* notify.c: sending SNMPv2 traps, and the listener that prints traps and informs as they arrive (text or JSON lines). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>

#include "../common/json.h"
#include "wsnmp.h"

#define WSNMP_SYSUPTIME_OID "1.3.6.1.2.1.1.3.0"
#define WSNMP_TRAPOID_OID "1.3.6.1.6.3.1.1.4.1.0"
#define WSNMP_LISTEN_TICK_MS 250

static volatile sig_atomic_t stop_listening;

static void
on_signal(int sig)
{
    (void)sig;
    stop_listening = 1;
}

int
wsnmp_notification_vbl(HSNMP_SESSION s, const struct wsnmp_opts *o, HSNMP_VBL *out)
{
    smiOID oid;
    smiVALUE v;
    unsigned long ticks;
    if (o->args[0][0] == '\0') {
        struct sysinfo si;
        ticks = sysinfo(&si) == 0 ? (unsigned long)si.uptime * 100u : 0;
    } else if (wn_tool_parse_ulong(o->args[0], 0, UINT32_MAX, &ticks) != 0) {
        fprintf(stderr, "wsnmp: UPTIME must be centiseconds or '': %s\n", o->args[0]);
        return -1;
    }
    memset(&v, 0, sizeof v);
    v.syntax = SNMP_SYNTAX_TIMETICKS;
    v.value.uNumber = (smiUINT32)ticks;
    SnmpStrToOid(WSNMP_SYSUPTIME_OID, &oid);
    SNMPAPI_STATUS st = SnmpSetVb(*out, 0, &oid, &v);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
    if (st == SNMPAPI_FAILURE)
        return -1;
    v.syntax = SNMP_SYNTAX_OID;
    if (wsnmp_mib_parse(o->args[1], &v.value.oid) != 0)
        return -1;
    SnmpStrToOid(WSNMP_TRAPOID_OID, &oid);
    st = SnmpSetVb(*out, 0, &oid, &v);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&v.value.oid);
    if (st == SNMPAPI_FAILURE)
        return -1;
    return wsnmp_build_vbl(s, o->args + 2, o->nargs - 2, 3, *out);
}

int
wsnmp_send_trap(const struct wsnmp_opts *o)
{
    HSNMP_SESSION s = wsnmp_open_session();
    if (!s)
        return WSNMP_EXIT_FAILURE;
    int rc = WSNMP_EXIT_OK;
    HSNMP_VBL vbl = SnmpCreateVbl(s, NULL, NULL);
    if (!vbl || wsnmp_notification_vbl(s, o, &vbl) != 0) {
        SnmpClose(s);
        return WSNMP_EXIT_USAGE;
    }
    HSNMP_PDU pdu = SnmpCreatePdu(s, SNMP_PDU_TRAP, 0, 0, 0, vbl);
    for (unsigned i = 0; pdu && i < o->targets.n; i++) {
        HSNMP_ENTITY e;
        HSNMP_CONTEXT c;
        if (wsnmp_make_target(s, o, o->targets.v[i], &e, &c) != 0) {
            rc = rc ? rc : WSNMP_EXIT_USAGE;
            continue;
        }
        /* Trap port default 162, as snmptrap; an explicit :port wins. */
        if (!strchr(o->targets.v[i], ':') || o->targets.v[i][strlen(o->targets.v[i]) - 1] == ']')
            SnmpSetPort(e, 162);
        if (SnmpSendMsg(s, NULL, e, c, pdu) != SNMPAPI_SUCCESS) {
            fprintf(stderr, "wsnmp: trap to %s: %s\n", o->targets.v[i],
                    wn_wsnmp_strerror(SnmpGetLastError(s)));
            rc = rc ? rc : WSNMP_EXIT_FAILURE;
        }
        SnmpFreeEntity(e);
        SnmpFreeContext(c);
    }
    if (!pdu) {
        wsnmp_api_error("SnmpCreatePdu", SnmpGetLastError(s));
        rc = WSNMP_EXIT_FAILURE;
    }
    /* Sends are posted to the I/O thread: SnmpClose lets them leave first. */
    if (pdu)
        SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    SnmpClose(s);
    return rc;
}

/* A v3 notification's context is a contextName, not a community. */
static const char *
context_label(const char *src)
{
    return strncmp(src, WSNMP_V3_PREFIX, strlen(WSNMP_V3_PREFIX)) == 0 ? "context" : "community";
}

static void
print_text(const struct wsnmp_opts *o, const char *src, const char *community, int type,
           HSNMP_VBL vbl)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
    printf("%s %s from %s %s %s\n", when, type == SNMP_PDU_INFORM ? "INFORM" : "TRAP",
           src, context_label(src), community);
    wsnmp_print_vbl(stdout, vbl, 0, o->numeric, "    ");
}

static void
print_json(const char *src, const char *community, int type, smiINT32 reqid, HSNMP_VBL vbl)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    printf("{\"time\":\"%s\",\"type\":\"%s\",\"source\":", when,
           type == SNMP_PDU_INFORM ? "inform" : "trap");
    wn_tool_json_cstr(stdout, src);
    printf(",\"%s\":", context_label(src));
    wn_tool_json_cstr(stdout, community);
    printf(",\"request_id\":%d,\"varbinds\":[", (int)reqid);
    wsnmp_print_vbl(stdout, vbl, 1, 0, "");
    puts("]}");
}

/* One queued notification; returns 1 if one was printed, 0 when the queue is empty. */
static int
receive_one(const struct wsnmp_opts *o, HSNMP_SESSION s)
{
    HSNMP_ENTITY src = NULL, dst = NULL;
    HSNMP_CONTEXT ctx = NULL;
    HSNMP_PDU pdu = NULL;
    SNMPAPI_STATUS st = SnmpRecvMsg(s, &src, &dst, &ctx, &pdu);
    int printed = 0;
    if (st == SNMPAPI_SUCCESS) {
        char from[256] = "?";
        char community[256] = "";
        smiOCTETS c = {0, NULL};
        SnmpEntityToStr(src, sizeof from, from);
        if (SnmpContextToStr(ctx, &c) == SNMPAPI_SUCCESS) {
            size_t n = c.len < sizeof community - 1 ? c.len : sizeof community - 1;
            memcpy(community, c.ptr, n);
            community[n] = '\0';
            SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&c);
        }
        smiINT type = 0;
        smiINT32 reqid = 0;
        HSNMP_VBL vbl = NULL;
        SnmpGetPduData(pdu, &type, &reqid, NULL, NULL, &vbl);
        if (o->json)
            print_json(from, community, type, reqid, vbl);
        else
            print_text(o, from, community, type, vbl);
        fflush(stdout);
        if (vbl)
            SnmpFreeVbl(vbl);
        printed = 1;
    }
    wsnmp_free_msg(src, dst, ctx, pdu);
    return st == SNMPAPI_SUCCESS ? printed : (SnmpGetLastError(s) == SNMPAPI_NOOP ? 0 : -1);
}

int
wsnmp_listen(const struct wsnmp_opts *o)
{
    /* Without -p the library's port: WSNMP_TRAP_PORT, else 162. */
    if (o->port && wn_wsnmp_set_trap_port((smiUINT32)o->port) != SNMPAPI_SUCCESS) {
        wsnmp_api_error("trap port", SnmpGetLastError(NULL));
        return WSNMP_EXIT_USAGE;
    }
    const char *env = getenv("WSNMP_TRAP_PORT");
    char port[32];
    snprintf(port, sizeof port, "%lu", o->port);
    if (!o->port)
        snprintf(port, sizeof port, "%.16s", env && *env ? env : "162");
    HSNMP_SESSION s = wsnmp_open_session();
    if (!s)
        return WSNMP_EXIT_FAILURE;
    if (SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_ON) != SNMPAPI_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "listening on UDP port %s", port);
        wsnmp_api_error(what, SnmpGetLastError(s));
        SnmpClose(s);
        return WSNMP_EXIT_FAILURE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr, "wsnmp: listening for traps and informs on UDP port %s\n", port);
    unsigned long seen = 0;
    int rc = WSNMP_EXIT_OK;
    while (!stop_listening && (o->count == 0 || seen < o->count)) {
        SNMPAPI_STATUS w = wn_wsnmp_wait(s, WSNMP_LISTEN_TICK_MS);
        if (w == SNMPAPI_NOOP)
            continue;
        if (w != SNMPAPI_SUCCESS) {
            wsnmp_api_error("waiting", SnmpGetLastError(s));
            rc = WSNMP_EXIT_FAILURE;
            break;
        }
        while (o->count == 0 || seen < o->count) {
            if (receive_one(o, s) <= 0)
                break;   /* queue empty (or a message that did not decode) */
            seen++;
        }
    }
    SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_OFF);
    SnmpClose(s);
    return rc;
}
