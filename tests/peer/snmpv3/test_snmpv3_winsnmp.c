/* test_snmpv3_winsnmp.c: SNMPv3 through the public WinSNMP API against private snmpd instances: snmpv3: strings and database users, GET/GETNEXT/GETBULK/SET and walks equal to net-snmp's, the report errors in the notification path, and 1,000 sessions discovering concurrently without blocking the caller. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "wire_tool.h"
#include "wire_util.h"

/* One USM user of snmpd-v3-users.conf. */
struct v3user {
    const char *user, *auth, *apass, *priv, *ppass;
    int rw;                 /* has write access (rwuser) */
};

static const struct v3user users[] = {
    {"v3sha", "SHA", "v3authpass1", "AES", "v3privpass1", 1},
    {"v3md5", "MD5", "v3authpass2", "DES", "v3privpass2", 1},
    {"v3sha256", "SHA-256", "v3authpass3", "AES", "v3privpass3", 1},
    {"v3auth", "SHA", "v3authpass9", NULL, NULL, 0},
    {"v3noauth", NULL, NULL, NULL, NULL, 0},
};
#define SHA256_USER (&users[2])

#define MAX_VBS 16384
#define NPEERS 4            /* snmpd instances (engines) of the concurrency test */
#define NSESSIONS 1000
#define REQ_TIMEOUT_MS 60000u

static struct wire_peers peers[NPEERS];
static char dbfile[512];
static struct wire_events ev;
static HSNMP_SESSION sess;
static struct wire_vb ours[MAX_VBS], ref[MAX_VBS];

/* ------------------------------------------------------------------------
 * Peers and the database.
 * ---------------------------------------------------------------------- */
/* The users' config with another engineID per instance, so that every
 * snmpd is an engine of its own. */
static void
peer_conf(unsigned i, char *path, size_t n)
{
    snprintf(path, n, "%.*s/v3users-%u.conf", (int)sizeof peers[0].dir - 1, peers[0].dir, i);
    char *text = NULL;
    assert_int_equal(wire_run(&text, "sed 's/^engineID .*/engineID v3-snmpd-%u/' '%s'", i,
                              V3_DIR "/snmpd-v3-users.conf"), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
}

static void
write_db(void)
{
    snprintf(dbfile, sizeof dbfile, "%.*s/entities.conf", (int)sizeof peers[0].dir - 1,
             peers[0].dir);
    FILE *f = fopen(dbfile, "w");
    assert_non_null(f);
    fprintf(f, "# the users of snmpd-v3-users.conf (lab pass phrases)\n");
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        const struct v3user *u = &users[i];
        fprintf(f, "user %s", u->user);
        if (u->auth)
            fprintf(f, " auth=%s authpass=%s", u->auth, u->apass);
        if (u->priv)
            fprintf(f, " priv=%s privpass=%s", u->priv, u->ppass);
        fprintf(f, "\nentity %s address=127.0.0.1 port=%u version=3 user=%s\n", u->user,
                peers[0].snmpd_port, u->user);
    }
    fprintf(f, "user notonagent auth=SHA authpass=not-the-pass priv=AES privpass=v3privpass1\n");
    fprintf(f, "context v3default contextname=\n");
    fclose(f);
    assert_int_equal(chmod(dbfile, 0600), 0);
    setenv("WSNMP_DB", dbfile, 1);
}

static int
group_setup(void **state)
{
    (void)state;
    /* Each start forks its watchdog: all before SnmpStartup. */
    for (unsigned i = 0; i < NPEERS; i++) {
        char conf[600];
        if (i == 0) {
            setenv("SNMPD_EXTRA_CONF", V3_DIR "/snmpd-v3-users.conf", 1);
            setenv("SNMPTRAPD_EXTRA_CONF", V3_DIR "/snmptrapd-v3-users.conf", 1);
        } else {
            peer_conf(i, conf, sizeof conf);
            setenv("SNMPD_EXTRA_CONF", conf, 1);
        }
        /* The first instance has snmptrapd beside it (informs). */
        if (wire_peers_start(&peers[i], 1, i == 0) != 0) {
            for (unsigned j = 0; j <= i; j++)
                wire_peers_stop(&peers[j]);
            return -1;
        }
    }
    write_db();
    return wire_session_open(&ev, &sess);
}

static int
group_teardown(void **state)
{
    (void)state;
    wire_session_close(&ev, sess);
    int rc = 0;
    for (int i = NPEERS - 1; i >= 0; i--)
        if (wire_peers_stop(&peers[i]) != 0)
            rc = -1;
    return rc;
}

/* ------------------------------------------------------------------------
 * Helpers.
 * ---------------------------------------------------------------------- */
static void
tool_opts(const struct v3user *u, char *buf, size_t n)
{
    if (!u->auth)
        snprintf(buf, n, "-v3 -l noAuthNoPriv -u %s", u->user);
    else if (!u->priv)
        snprintf(buf, n, "-v3 -l authNoPriv -u %s -a %s -A %s", u->user, u->auth, u->apass);
    else
        snprintf(buf, n, "-v3 -l authPriv -u %s -a %s -A %s -x %s -X %s", u->user, u->auth,
                 u->apass, u->priv, u->ppass);
}

static size_t
tool(const struct v3user *u, const char *prog, const char *args, struct wire_vb *out, size_t max)
{
    char opts[256];
    char *text = NULL;
    tool_opts(u, opts, sizeof opts);
    int rc = wire_run(&text, "%s %s " WIRE_TOOL_OPTS " 127.0.0.1:%u %s 2>&1", prog, opts,
                      peers[0].snmpd_port, args);
    if (rc != 0)
        fail_msg("%s %s failed (%d): %s", prog, opts, rc, text ? text : "");
    size_t n = wire_parse_tool_output(text, out, max);
    free(text);
    return n;
}

static void
compare(const struct wire_vb *a, size_t n, const struct wire_vb *b, size_t m, const char *what)
{
    if (n != m)
        fail_msg("%s: %zu varbinds, net-snmp %zu", what, n, m);
    for (size_t i = 0; i < n; i++) {
        char why[256];
        if (wire_vb_compare(&a[i], &b[i], why, sizeof why) != 0)
            fail_msg("%s: varbind %zu (%s): %s", what, i, a[i].oid, why);
    }
}

/* The "snmpv3:" string of a user with its secrets, at port. */
static void
v3_string(const struct v3user *u, const char *apass, const char *ppass, unsigned port, char *buf,
          size_t n)
{
    size_t off = (size_t)snprintf(buf, n, "snmpv3:%s", u->user);
    if (u->auth)
        off += (size_t)snprintf(buf + off, n - off, ";auth=%s;authpass=%s", u->auth,
                                apass ? apass : u->apass);
    if (u->priv)
        off += (size_t)snprintf(buf + off, n - off, ";priv=%s;privpass=%s", u->priv,
                                ppass ? ppass : u->ppass);
    if (!u->auth)
        off += (size_t)snprintf(buf + off, n - off, ";level=noAuthNoPriv");
    snprintf(buf + off, n - off, "@127.0.0.1:%u", port);
}

/* A v3 context: "snmpv3:" is the default (empty) contextName. */
static HSNMP_CONTEXT
v3_context(void)
{
    return wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "snmpv3:");
}

/* What one SnmpRecvMsg gave. */
struct recvd {
    HSNMP_ENTITY src, me;
    HSNMP_CONTEXT c;
    HSNMP_PDU pdu;
};

static SNMPAPI_STATUS
recv_msg(HSNMP_SESSION s, struct recvd *r)
{
    memset(r, 0, sizeof *r);
    return SnmpRecvMsg(s, &r->src, &r->me, &r->c, &r->pdu);
}

static void
recvd_free(struct recvd *r)
{
    SnmpFreePdu(r->pdu);
    SnmpFreeEntity(r->src);
    SnmpFreeEntity(r->me);
    SnmpFreeContext(r->c);
}

/* Sends one request and takes its answer with SnmpRecvMsg, checking that
 * the answer comes with the request's own entity and context handles. */
static void
request(HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, smiINT type, smiINT nonrep, smiINT maxrep,
        const char *const *names, const char *const *values, size_t *n)
{
    smiINT32 rid;
    assert_int_equal(wire_send(sess, dst, ctx, type, nonrep, maxrep, names, values, &rid), 0);
    struct wire_event e;
    assert_int_equal(wire_events_wait(&ev, REQ_TIMEOUT_MS, &e), 0);
    if (e.wparam != 0)
        fail_msg("request %d failed: %s", (int)rid, wn_wsnmp_strerror((smiUINT32)e.wparam));
    assert_int_equal((smiINT32)e.lparam, rid);
    struct recvd r;
    assert_int_equal(recv_msg(sess, &r), SNMPAPI_SUCCESS);
    assert_ptr_equal(r.src, dst);    /* the request's own handles, as for v2c */
    assert_ptr_equal(r.c, ctx);
    HSNMP_PDU pdu = r.pdu;
    smiINT t, st, ix;
    smiINT32 got;
    HSNMP_VBL vbl;
    assert_int_equal(SnmpGetPduData(pdu, &t, &got, &st, &ix, &vbl), SNMPAPI_SUCCESS);
    assert_int_equal(t, SNMP_PDU_RESPONSE);
    assert_int_equal(got, rid);
    assert_int_equal(st, 0);
    smiINT32 count = SnmpCountVbl(vbl);
    *n = 0;
    for (smiINT32 i = 1; i <= count && *n < MAX_VBS; i++) {
        smiOID name;
        smiVALUE val;
        assert_int_equal(SnmpGetVb(vbl, (smiUINT32)i, &name, &val), SNMPAPI_SUCCESS);
        wire_oid_str(&name, ours[*n].oid, sizeof ours[*n].oid);
        wire_value_str(&val, ours[*n].val, sizeof ours[*n].val);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
        wire_value_free(&val);
        (*n)++;
    }
    SnmpFreeVbl(vbl);
    recvd_free(&r);
}

/* A GETBULK walk of root through the API into ours[]; the count. */
static size_t
api_walk(HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, const char *root)
{
    char cur[sizeof ours[0].oid];
    size_t k = 0, rl = strlen(root);
    snprintf(cur, sizeof cur, "%.*s", (int)sizeof cur - 1, root);
    static struct wire_vb got[MAX_VBS];
    for (;;) {
        const char *names[] = {cur, NULL};
        size_t n;
        request(dst, ctx, SNMP_PDU_GETBULK, 0, 25, names, NULL, &n);
        memcpy(got, ours, n * sizeof *got);
        int more = 0;
        for (size_t i = 0; i < n; i++) {
            if (strncmp(got[i].oid, root, rl) != 0 || (got[i].oid[rl] != '.')
                || !strncmp(got[i].val, "endOfMibView", 12))
                goto done;
            assert_true(k < MAX_VBS);
            ref[k] = got[i];            /* ref as scratch: copied back below */
            k++;
            memcpy(cur, got[i].oid, sizeof cur);
            more = 1;
        }
        if (!more)
            break;
    }
done:
    memcpy(ours, ref, k * sizeof *ours);
    return k;
}

/* GET, GETNEXT, a GETBULK walk of the system group and a SET, each
 * compared with net-snmp's tools for the same user in this run. */
static void
exercise(const struct v3user *u, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx)
{
    size_t n, r;
    const char *get[] = {".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.1.2.0", ".1.3.6.1.2.1.1.5.0", NULL};
    request(dst, ctx, SNMP_PDU_GET, 0, 0, get, NULL, &n);
    r = tool(u, "snmpget", ".1.3.6.1.2.1.1.1.0 .1.3.6.1.2.1.1.2.0 .1.3.6.1.2.1.1.5.0", ref,
             MAX_VBS);
    compare(ours, n, ref, r, "GET");

    const char *next[] = {".1.3.6.1.2.1.1", NULL};
    request(dst, ctx, SNMP_PDU_GETNEXT, 0, 0, next, NULL, &n);
    r = tool(u, "snmpgetnext", ".1.3.6.1.2.1.1", ref, MAX_VBS);
    compare(ours, n, ref, r, "GETNEXT");

    n = api_walk(dst, ctx, ".1.3.6.1.2.1.1");
    static struct wire_vb mine[MAX_VBS];
    memcpy(mine, ours, n * sizeof *mine);
    r = tool(u, "snmpbulkwalk", ".1.3.6.1.2.1.1", ref, MAX_VBS);
    assert_true(n > 5);
    compare(mine, n, ref, r, "GETBULK walk of system");

    if (u->rw) {
        char text[64], want[160];
        snprintf(text, sizeof text, "s:set by %s through WinSNMP", u->user);
        const char *names[] = {".1.3.6.1.2.1.1.4.0", NULL}, *values[] = {text, NULL};
        request(dst, ctx, SNMP_PDU_SET, 0, 0, names, values, &n);
        r = tool(u, "snmpget", ".1.3.6.1.2.1.1.4.0", ref, MAX_VBS);
        assert_int_equal(r, 1);
        size_t off = (size_t)snprintf(want, sizeof want, "STRING: ");
        for (size_t i = 2; text[i]; i++)
            off += (size_t)snprintf(want + off, sizeof want - off, "%02X",
                                    (unsigned char)text[i]);
        assert_string_equal(ref[0].val, want);
    }
}

/* ------------------------------------------------------------------------
 * Tests.
 * ---------------------------------------------------------------------- */
static void
test_v3_users_by_snmpv3_strings_match_net_snmp(void **state)
{
    (void)state;
    HSNMP_CONTEXT ctx = v3_context();
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        char s[512], back[512];
        v3_string(&users[i], NULL, NULL, peers[0].snmpd_port, s, sizeof s);
        print_message("%s\n", users[i].user);
        HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
        /* The printed form carries no secret and parses back. */
        assert_true(SnmpEntityToStr(dst, sizeof back, back) > 0);
        assert_null(strstr(back, "pass"));
        if (users[i].auth)
            assert_null(strstr(back, users[i].apass));
        exercise(&users[i], dst, ctx);
        SnmpFreeEntity(dst);
    }
    SnmpFreeContext(ctx);
}

static void
test_v3_users_by_database_match_net_snmp(void **state)
{
    (void)state;
    HSNMP_CONTEXT ctx = wire_context(sess, SNMPAPI_TRANSLATED, "v3default");
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        print_message("%s\n", users[i].user);
        HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_TRANSLATED, users[i].user);
        exercise(&users[i], dst, ctx);
        SnmpFreeEntity(dst);
    }
    SnmpFreeContext(ctx);
    /* In the untranslated modes a user named without secrets comes from
     * the database too. */
    char s[128];
    snprintf(s, sizeof s, "snmpv3:v3sha256@127.0.0.1:%u", peers[0].snmpd_port);
    HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
    ctx = v3_context();
    exercise(SHA256_USER, dst, ctx);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

static void
test_v3_full_mib2_walk_equals_snmpbulkwalk(void **state)
{
    (void)state;
    char s[512];
    v3_string(SHA256_USER, NULL, NULL, peers[0].snmpd_port, s, sizeof s);
    HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
    HSNMP_CONTEXT ctx = v3_context();
    size_t n = api_walk(dst, ctx, ".1.3.6.1.2.1");
    static struct wire_vb mine[MAX_VBS];
    memcpy(mine, ours, n * sizeof *mine);
    size_t r = tool(SHA256_USER, "snmpbulkwalk", ".1.3.6.1.2.1", ref, MAX_VBS);
    n = wire_filter_row_volatile(mine, n);
    r = wire_filter_row_volatile(ref, r);
    assert_true(n > 100);
    compare(mine, n, ref, r, "mib-2 walk");
    print_message("  mib-2: %zu varbinds equal to snmpbulkwalk -v3's\n", n);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

/* One GET for entity string s in context string c; the notification's
 * wParam (0: answered), checking that SnmpRecvMsg then fails with the same
 * code and still names the request. */
static smiUINT32
outcome_in(const char *s, const char *c)
{
    HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
    HSNMP_CONTEXT ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, c);
    /* One retry cycle: 1 s per try, one retry. */
    assert_int_equal(SnmpSetTimeout(dst, 100), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetRetry(dst, 1), SNMPAPI_SUCCESS);
    const char *names[] = {".1.3.6.1.2.1.1.5.0", NULL};
    smiINT32 rid;
    assert_int_equal(wire_send(sess, dst, ctx, SNMP_PDU_GET, 0, 0, names, NULL, &rid), 0);
    struct wire_event e;
    assert_int_equal(wire_events_wait(&ev, REQ_TIMEOUT_MS, &e), 0);
    assert_int_equal((smiINT32)e.lparam, rid);
    struct recvd r;
    SNMPAPI_STATUS st = recv_msg(sess, &r);
    if (e.wparam != 0) {
        assert_int_equal(st, SNMPAPI_FAILURE);
        assert_int_equal(SnmpGetLastError(sess), (smiUINT32)e.wparam);
        smiINT32 got = 0;
        assert_int_equal(SnmpGetPduData(r.pdu, NULL, &got, NULL, NULL, NULL), SNMPAPI_SUCCESS);
        assert_int_equal(got, rid);
        assert_ptr_equal(r.src, dst);
    }
    recvd_free(&r);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
    return (smiUINT32)e.wparam;
}

/* outcome_in the default (empty) contextName. */
static smiUINT32
outcome(const char *s)
{
    return outcome_in(s, "snmpv3:");
}

/* The v2c habit: SnmpStrToContext("public") for a v3 entity.  In an
 * untranslated mode it is the contextName "public", as docs/snmpv3.md
 * says (the context string of a v3 destination is its contextName):
 * snmpd has no such context and drops the request without a report, so
 * the program gets SNMPAPI_TL_TIMEOUT after its retries (snmpget -n
 * public times out the same way); "snmpv3:" (the empty contextName) is
 * answered.  In SNMPAPI_TRANSLATED, "public" is a friendly name and,
 * with no database context of that name, SnmpStrToContext fails with
 * SNMPAPI_CONTEXT_UNKNOWN, for a v2c entity as for a v3 one. */
static void
test_v3_context_public_is_a_context_name(void **state)
{
    (void)state;
    char s[512];
    v3_string(&users[0], NULL, NULL, peers[0].snmpd_port, s, sizeof s);
    HSNMP_CONTEXT pub = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "public");
    smiOCTETS text;
    assert_int_equal(SnmpContextToStr(pub, &text), SNMPAPI_SUCCESS);
    assert_int_equal(text.len, 6);
    assert_memory_equal(text.ptr, "public", 6);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&text);
    SnmpFreeContext(pub);
    assert_int_equal(outcome_in(s, "public"), SNMPAPI_TL_TIMEOUT);
    assert_int_equal(outcome(s), 0);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    smiOCTETS name = {6, (smiLPBYTE)"public"};
    assert_null(SnmpStrToContext(sess, &name));
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_CONTEXT_UNKNOWN);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
}

static void
test_v3_errors_reach_the_notification_within_their_retry_cycles(void **state)
{
    (void)state;
    char s[512];
    struct wn_wsnmp_stats before, after;
    const struct v3user *sha = &users[0];

    /* Wrong auth pass phrase: the agent's wrongDigest report, no timeout. */
    wn_wsnmp_get_stats(&before);
    v3_string(sha, "wrong-auth-pass", NULL, peers[0].snmpd_port, s, sizeof s);
    assert_int_equal(outcome(s), SNMPAPI_RPT_WRONGDIGEST);
    wn_wsnmp_get_stats(&after);
    assert_int_equal(after.timeouts, before.timeouts);

    /* Unknown user: unknownUserName, no timeout. */
    static const struct v3user nobody = {"nobody", "SHA", "whatever-pass", NULL, NULL, 0};
    v3_string(&nobody, NULL, NULL, peers[0].snmpd_port, s, sizeof s);
    assert_int_equal(outcome(s), SNMPAPI_RPT_UNKNOWNUSERNAME);
    wn_wsnmp_get_stats(&before);
    assert_int_equal(before.timeouts, after.timeouts);

    /* The right pass phrases and a contextName snmpd does not serve: snmpd
     * drops the request without a report, as snmpget -n public just times
     * out.  Both probes are answered: privacy works, the request timed
     * out (one timed-out cycle).  Before the authPriv probe this ended
     * with SNMPAPI_RPT_DECRYPTIONERROR. */
    v3_string(sha, NULL, NULL, peers[0].snmpd_port, s, sizeof s);
    assert_int_equal(outcome_in(s, "snmpv3:public"), SNMPAPI_TL_TIMEOUT);
    wn_wsnmp_get_stats(&after);
    assert_int_equal(after.timeouts, before.timeouts + 1);

    /* Wrong priv pass phrase: snmpd drops what it cannot decrypt; after
     * the request's one retry cycle ends, the authNoPriv probe is
     * answered and the authPriv probe (default context, no varbinds) is
     * dropped too: exactly two timed-out cycles. */
    v3_string(sha, NULL, "wrong-priv-pass", peers[0].snmpd_port, s, sizeof s);
    assert_int_equal(outcome(s), SNMPAPI_RPT_DECRYPTIONERROR);
    wn_wsnmp_get_stats(&before);
    assert_int_equal(before.timeouts, after.timeouts + 2);

    /* The same user with the right pass phrases still works, and a
     * database user the agent does not know fails as unknown. */
    v3_string(sha, NULL, NULL, peers[0].snmpd_port, s, sizeof s);
    assert_int_equal(outcome(s), 0);
    snprintf(s, sizeof s, "snmpv3:notonagent@127.0.0.1:%u", peers[0].snmpd_port);
    assert_int_equal(outcome(s), SNMPAPI_RPT_UNKNOWNUSERNAME);
    assert_string_equal(wn_wsnmp_strerror(SNMPAPI_RPT_WRONGDIGEST),
                        "SNMPAPI_RPT_WRONGDIGEST: the SNMPv3 agent rejected the authentication: "
                        "wrong auth pass phrase or protocol (usmStatsWrongDigests)");
}

static int
read_pid(const struct wire_peers *p)
{
    char path[sizeof p->dir + 16];
    snprintf(path, sizeof path, "%.*s/snmpd.pid", (int)sizeof p->dir - 1, p->dir);
    FILE *f = fopen(path, "r");
    int pid = 0;
    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    return pid;
}

/* 1,000 sessions, spread over NPEERS engines never contacted before, send
 * while every agent is stopped: every SnmpSendMsg returns at once (no
 * discovery on the caller's thread: with the agents stopped a blocking
 * one could not return), then every request completes exactly once. */
static void
test_v3_thousand_sessions_discover_without_blocking_the_caller(void **state)
{
    (void)state;
    static struct wire_events cev;
    wire_events_init(&cev);
    static HSNMP_SESSION ss[NSESSIONS];
    static HSNMP_ENTITY de[NSESSIONS];
    static HSNMP_CONTEXT dc[NSESSIONS];
    static smiINT32 rid[NSESSIONS];
    static int seen[NSESSIONS];
    int pids[NPEERS];
    for (unsigned i = 0; i < NPEERS; i++) {
        pids[i] = read_pid(&peers[i]);
        assert_true(pids[i] > 0);
    }
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
    for (unsigned i = 0; i < NSESSIONS; i++) {
        ss[i] = SnmpCreateSession(NULL, 0, wire_events_cb, &cev);
        assert_non_null(ss[i]);
        char s[128];
        /* A database user: its pass phrases are hashed once. */
        snprintf(s, sizeof s, "snmpv3:v3sha256@127.0.0.1:%u",
                 i % NPEERS == 0 ? peers[0].snmpd_port : peers[i % NPEERS].snmpd_port);
        de[i] = SnmpStrToEntity(ss[i], s);
        assert_non_null(de[i]);
        assert_int_equal(SnmpSetTimeout(de[i], 3000), SNMPAPI_SUCCESS);   /* 30 s per try */
        smiOCTETS o = {7, (smiLPBYTE) "snmpv3:"};
        dc[i] = SnmpStrToContext(ss[i], &o);
        assert_non_null(dc[i]);
    }
    for (unsigned i = 0; i < NPEERS; i++)
        assert_int_equal(kill(pids[i], SIGSTOP), 0);
    const char *names[] = {".1.3.6.1.2.1.1.5.0", NULL};
    for (unsigned i = 0; i < NSESSIONS; i++)
        assert_int_equal(wire_send(ss[i], de[i], dc[i], SNMP_PDU_GET, 0, 0, names, NULL, &rid[i]),
                         0);
    /* All 1,000 calls returned while no agent can answer. */
    assert_int_equal(wire_events_total(&cev), 0);
    for (unsigned i = 0; i < NPEERS; i++)
        assert_int_equal(kill(pids[i], SIGCONT), 0);
    for (unsigned k = 0; k < NSESSIONS; k++) {
        struct wire_event e;
        assert_int_equal(wire_events_wait(&cev, REQ_TIMEOUT_MS, &e), 0);
        unsigned i = 0;
        while (i < NSESSIONS && ss[i] != e.session)
            i++;
        assert_true(i < NSESSIONS);
        if (e.wparam != 0)
            fail_msg("session %u: %s", i, wn_wsnmp_strerror((smiUINT32)e.wparam));
        assert_int_equal((smiINT32)e.lparam, rid[i]);
        assert_int_equal(seen[i], 0);     /* exactly once */
        seen[i] = 1;
        struct recvd r;
        assert_int_equal(recv_msg(ss[i], &r), SNMPAPI_SUCCESS);
        HSNMP_VBL vbl;
        smiINT st;
        assert_int_equal(SnmpGetPduData(r.pdu, NULL, NULL, &st, NULL, &vbl), SNMPAPI_SUCCESS);
        assert_int_equal(st, 0);
        smiOID name;
        smiVALUE val;
        assert_int_equal(SnmpGetVb(vbl, 1, &name, &val), SNMPAPI_SUCCESS);
        assert_int_equal(val.syntax, SNMP_SYNTAX_OCTETS);
        assert_int_equal(val.value.string.len, strlen("wire-snmpd"));
        assert_memory_equal(val.value.string.ptr, "wire-snmpd", strlen("wire-snmpd"));
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
        wire_value_free(&val);
        SnmpFreeVbl(vbl);
        recvd_free(&r);
    }
    /* Nothing more: one notification per request. */
    struct wire_event extra;
    assert_int_equal(wire_events_wait(&cev, 500, &extra), -1);
    assert_int_equal(wire_events_total(&cev), NSESSIONS);
    for (unsigned i = 0; i < NSESSIONS; i++)
        assert_int_equal(SnmpClose(ss[i]), SNMPAPI_SUCCESS);
    wire_events_destroy(&cev);
}

/* An authPriv InformRequest to snmptrapd through SnmpSendMsg: the
 * discovery of snmptrapd's engine, the Response, the inform in its log. */
static void
test_v3_inform_is_acknowledged_by_snmptrapd(void **state)
{
    (void)state;
    char s[256];
    snprintf(s, sizeof s, "snmpv3:v3trap;auth=SHA-256;authpass=trapauthpass1;priv=AES;"
                          "privpass=trapprivpass1@127.0.0.1:%u", peers[0].trapd_port);
    HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
    HSNMP_CONTEXT ctx = v3_context();
    const char *names[] = {".1.3.6.1.2.1.1.3.0", ".1.3.6.1.6.3.1.1.4.1.0",
                           ".1.3.6.1.4.1.99999.2.1", NULL};
    const char *values[] = {"t:4343", "o:1.3.6.1.4.1.99999.0.21", "s:v3 inform via WinSNMP",
                            NULL};
    size_t n;
    request(dst, ctx, SNMP_PDU_INFORM, 0, 0, names, values, &n);
    assert_int_equal(n, 3);
    assert_int_equal(wire_trapd_log_line(&peers[0], ".1.3.6.1.4.1.99999.0.21", NULL, NULL, 0), 1);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

/* Requests waiting for a discovery, cancelled or closed before it ends,
 * never notify; the others complete once each.  (ASan checks that the
 * cancelled waiters leave the engine's queue.) */
static void
test_v3_cancel_and_close_during_discovery(void **state)
{
    (void)state;
    static struct wire_events cev;
    wire_events_init(&cev);
    HSNMP_SESSION a = SnmpCreateSession(NULL, 0, wire_events_cb, &cev);
    HSNMP_SESSION b = SnmpCreateSession(NULL, 0, wire_events_cb, &cev);
    assert_non_null(a);
    assert_non_null(b);
    int pid = read_pid(&peers[NPEERS - 1]);
    assert_true(pid > 0);
    char s[128];
    /* Over IPv6: an address the engine has never talked to, so the first
     * request discovers and the others wait for it. */
    snprintf(s, sizeof s, "snmpv3:v3sha@[::1]:%u", peers[NPEERS - 1].snmpd_port);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
    HSNMP_ENTITY da = SnmpStrToEntity(a, s), db = SnmpStrToEntity(b, s);
    assert_non_null(da);
    assert_non_null(db);
    smiOCTETS o = {7, (smiLPBYTE) "snmpv3:"};
    HSNMP_CONTEXT ca = SnmpStrToContext(a, &o), cb2 = SnmpStrToContext(b, &o);
    const char *names[] = {".1.3.6.1.2.1.1.5.0", NULL};
    smiINT32 ra[4], rb[4];
    assert_int_equal(kill(pid, SIGSTOP), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(wire_send(a, da, ca, SNMP_PDU_GET, 0, 0, names, NULL, &ra[i]), 0);
        assert_int_equal(wire_send(b, db, cb2, SNMP_PDU_GET, 0, 0, names, NULL, &rb[i]), 0);
    }
    /* Cancel the discovering request and one waiter; close session b. */
    assert_int_equal(SnmpCancelMsg(a, ra[0]), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCancelMsg(a, ra[2]), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpClose(b), SNMPAPI_SUCCESS);
    assert_int_equal(kill(pid, SIGCONT), 0);
    int done[4] = {0};
    for (int k = 0; k < 2; k++) {
        struct wire_event e;
        assert_int_equal(wire_events_wait(&cev, REQ_TIMEOUT_MS, &e), 0);
        assert_ptr_equal(e.session, a);
        assert_int_equal(e.wparam, 0);
        int i = (smiINT32)e.lparam == ra[1] ? 1 : (smiINT32)e.lparam == ra[3] ? 3 : -1;
        assert_true(i > 0);
        assert_int_equal(done[i], 0);
        done[i] = 1;
        struct recvd r;
        assert_int_equal(recv_msg(a, &r), SNMPAPI_SUCCESS);
        recvd_free(&r);
    }
    struct wire_event extra;
    assert_int_equal(wire_events_wait(&cev, 500, &extra), -1);
    /* Requests of a closed session, one discovering a stopped agent and
     * one waiting for that discovery, end without a word. */
    int pid2 = read_pid(&peers[NPEERS - 2]);
    assert_int_equal(kill(pid2, SIGSTOP), 0);
    snprintf(s, sizeof s, "snmpv3:v3md5@[::1]:%u", peers[NPEERS - 2].snmpd_port);
    HSNMP_ENTITY dc2 = SnmpStrToEntity(a, s);
    assert_non_null(dc2);
    smiINT32 rid;
    assert_int_equal(wire_send(a, dc2, ca, SNMP_PDU_GET, 0, 0, names, NULL, &rid), 0);
    assert_int_equal(wire_send(a, dc2, ca, SNMP_PDU_GET, 0, 0, names, NULL, &rid), 0);
    assert_int_equal(SnmpClose(a), SNMPAPI_SUCCESS);
    assert_int_equal(kill(pid2, SIGCONT), 0);
    assert_int_equal(wire_events_wait(&cev, 500, &extra), -1);

    /* SnmpCleanup while a discovery runs and requests wait for it: no
     * callback, nothing left behind (the ASan build checks leaks). */
    int pid3 = read_pid(&peers[NPEERS - 3]);
    HSNMP_SESSION d = SnmpCreateSession(NULL, 0, wire_events_cb, &cev);
    assert_non_null(d);
    snprintf(s, sizeof s, "snmpv3:v3auth@[::1]:%u", peers[NPEERS - 3].snmpd_port);
    HSNMP_ENTITY dd = SnmpStrToEntity(d, s);
    HSNMP_CONTEXT cd = SnmpStrToContext(d, &o);
    assert_non_null(dd);
    assert_non_null(cd);
    assert_int_equal(kill(pid3, SIGSTOP), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(wire_send(d, dd, cd, SNMP_PDU_GET, 0, 0, names, NULL, &rid), 0);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    assert_int_equal(kill(pid3, SIGCONT), 0);
    assert_int_equal(wire_events_wait(&cev, 500, &extra), -1);
    wire_events_destroy(&cev);
    /* The group teardown's session. */
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    sess = SnmpCreateSession(NULL, 0, wire_events_cb, &ev);
    assert_non_null(sess);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_users_by_snmpv3_strings_match_net_snmp),
        cmocka_unit_test(test_v3_users_by_database_match_net_snmp),
        cmocka_unit_test(test_v3_full_mib2_walk_equals_snmpbulkwalk),
        cmocka_unit_test(test_v3_errors_reach_the_notification_within_their_retry_cycles),
        cmocka_unit_test(test_v3_context_public_is_a_context_name),
        cmocka_unit_test(test_v3_thousand_sessions_discover_without_blocking_the_caller),
        cmocka_unit_test(test_v3_inform_is_acknowledged_by_snmptrapd),
        cmocka_unit_test(test_v3_cancel_and_close_during_discovery),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
