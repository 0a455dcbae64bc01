/* test_snmpv3_wsnmp.c: SNMPv3 notifications and the agent role through the WinSNMP API against net-snmp: snmptrap/snmpinform -v3 into SnmpRegister, our v3 traps into snmptrapd, snmpget/snmpbulkwalk -v3 against our SnmpListen agent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "usm.h"
#include "v3drv.h"
#include "wire_agent.h"
#include "wire_util.h"

/* Our engine ID: 0x80001f8804 + "wn-lib" (snmptrapd-v3-wsnmp.conf knows it). */
#define OUR_ENGINE_ID "0x80001f8804776e2d6c6962"
/* snmptrap's own engine ID (-e): 0x80001f8804 + "snmptrap". */
#define SENDER_ENGINE_ID "0x80001f8804736e6d7074726170"
#define SHA_OPTS "-v3 -u wsha -l authPriv -a SHA -A wsauthpass1 -x AES -X wsprivpass1"
#define MD5_OPTS "-v3 -u wmd5 -l authNoPriv -a MD5 -A wsmd5pass1"
#define WAIT_MS 8000
#define QUIET_MS 1500   /* how long "nothing is delivered" is watched */

static struct wire_peers peers;
static char db_path[300], engine_path[300];
static unsigned trap_port;
static struct wire_events ev;
static HSNMP_SESSION sess;

static const char db_text[] =
    "# users of test_snmpv3_wsnmp (lab pass phrases)\n"
    "user wsha auth=SHA authpass=wsauthpass1 priv=AES privpass=wsprivpass1\n"
    "user wmd5 auth=MD5 authpass=wsmd5pass1\n"
    "user wnone\n"
    "user wonly auth=SHA authpass=wsauthpass1 engineid=" SENDER_ENGINE_ID "\n"
    "user wother auth=SHA authpass=wsauthpass1 engineid=0x80001f88046f74686572\n";

static int
setup_inner(void)
{
    setenv("SNMPTRAPD_EXTRA_CONF", V3_DIR "/snmptrapd-v3-wsnmp.conf", 1);
    if (wire_peers_start(&peers, 0, 1) != 0)
        return -1;
    snprintf(db_path, sizeof db_path, "%s/wsnmp.db", peers.dir);
    snprintf(engine_path, sizeof engine_path, "%s/engine", peers.dir);
    FILE *f = fopen(db_path, "w");
    if (!f)
        return -1;
    fputs(db_text, f);
    fclose(f);
    chmod(db_path, 0600);
    setenv("WSNMP_DB", db_path, 1);
    setenv("WSNMP_ENGINE_ID", OUR_ENGINE_ID, 1);
    setenv("WSNMP_ENGINE_FILE", engine_path, 1);
    trap_port = wire_free_port();
    char buf[32];
    snprintf(buf, sizeof buf, "%u", trap_port);
    setenv("WSNMP_TRAP_PORT", buf, 1);
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    wire_events_init(&ev);
    sess = SnmpCreateSession(NULL, 0, wire_events_cb, &ev);
    if (!sess)
        return -1;
    return SnmpRegister(sess, NULL, NULL, NULL, NULL, SNMPAPI_ON) == SNMPAPI_SUCCESS ? 0 : -1;
}

static int
group_setup(void **state)
{
    (void)state;
    if (setup_inner() != 0) {
        wire_peers_stop(&peers);
        return -1;
    }
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    int rc = 0;
    if (sess && SnmpClose(sess) != SNMPAPI_SUCCESS)
        rc = -1;
    if (SnmpCleanup() != SNMPAPI_SUCCESS)
        rc = -1;
    if (wire_peers_stop(&peers) != 0)
        rc = -1;
    return rc;
}

/* One delivered message: its type, sender entity string, context and the
 * value of its snmpTrapOID.0 varbind. */
struct got {
    smiINT type;
    char src[512];
    char ctx[64];
    char trap_oid[128];
};

/* The next message of the session within ms; 0, or -1 when none came. */
static int
next_msg(unsigned ms, struct got *g)
{
    memset(g, 0, sizeof *g);
    uint64_t deadline = wire_now_ms() + ms;
    for (;;) {
        uint64_t now = wire_now_ms();
        struct wire_event e;
        if (now >= deadline || wire_events_wait(&ev, (unsigned)(deadline - now), &e) != 0)
            return -1;
        if (e.wparam != 0)
            continue;
        HSNMP_ENTITY src = NULL, dst = NULL;
        HSNMP_CONTEXT ctx = NULL;
        HSNMP_PDU pdu = NULL;
        if (SnmpRecvMsg(sess, &src, &dst, &ctx, &pdu) != SNMPAPI_SUCCESS)
            continue;
        assert_true(SnmpEntityToStr(src, sizeof g->src, g->src) != SNMPAPI_FAILURE);
        smiOCTETS c = {0, NULL};
        assert_int_equal(SnmpContextToStr(ctx, &c), SNMPAPI_SUCCESS);
        snprintf(g->ctx, sizeof g->ctx, "%.*s", (int)c.len, c.ptr ? (const char *)c.ptr : "");
        SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &c);
        HSNMP_VBL vbl = NULL;
        assert_int_equal(SnmpGetPduData(pdu, &g->type, NULL, NULL, NULL, &vbl), SNMPAPI_SUCCESS);
        SNMPAPI_STATUS n = SnmpCountVbl(vbl);
        for (smiUINT32 i = 1; n != SNMPAPI_FAILURE && i <= (smiUINT32)n; i++) {
            smiOID name;
            smiVALUE val;
            assert_int_equal(SnmpGetVb(vbl, i, &name, &val), SNMPAPI_SUCCESS);
            char o[128];
            wire_oid_str(&name, o, sizeof o);
            if (!strcmp(o, ".1.3.6.1.6.3.1.1.4.1.0"))
                wire_value_str(&val, g->trap_oid, sizeof g->trap_oid);
            wire_oid_free(&name);
            wire_value_free(&val);
        }
        SnmpFreeVbl(vbl);
        SnmpFreePdu(pdu);
        SnmpFreeEntity(src);
        SnmpFreeEntity(dst);
        SnmpFreeContext(ctx);
        return 0;
    }
}

static struct wn_wsnmp_stats
stats(void)
{
    struct wn_wsnmp_stats s;
    wn_wsnmp_get_stats(&s);
    return s;
}

/* snmptrap -v3 with opts from engine SENDER_ENGINE_ID, trap OID .99999.0.<n>. */
static void
snmptrap(const char *opts, unsigned n)
{
    assert_int_equal(wire_run(NULL, "snmptrap %s -e " SENDER_ENGINE_ID " 127.0.0.1:%u 4242"
                                    " .1.3.6.1.4.1.99999.0.%u .1.3.6.1.2.1.1.5.0 s v3 >/dev/null"
                                    " 2>&1", opts, trap_port, n), 0);
}

static void
expect_trap(unsigned n, const char *user, const char *level)
{
    struct got g;
    assert_int_equal(next_msg(WAIT_MS, &g), 0);
    assert_int_equal(g.type, SNMP_PDU_TRAP);
    char want[128];
    snprintf(want, sizeof want, "OID: .1.3.6.1.4.1.99999.0.%u", n);
    assert_string_equal(g.trap_oid, want);
    snprintf(want, sizeof want, "snmpv3:%s;level=%s@127.0.0.1:", user, level);
    if (strncmp(g.src, want, strlen(want)) != 0)
        fail_msg("srcEntity %s, want %s<port>", g.src, want);
}

/* authPriv SHA/AES and authNoPriv MD5 traps from snmptrap reach the
 * registered session, verified and decrypted, named by user and level. */
static void
test_snmptrap_v3_traps_are_delivered(void **state)
{
    (void)state;
    snmptrap(SHA_OPTS, 21);
    expect_trap(21, "wsha", "authPriv");
    snmptrap(MD5_OPTS, 22);
    expect_trap(22, "wmd5", "authNoPriv");
    snmptrap("-v3 -u wnone -l noAuthNoPriv", 23);
    expect_trap(23, "wnone", "noAuthNoPriv");
}

/* A wrong pass phrase, an unknown user and a forged noAuthNoPriv trap
 * naming an authPriv user are dropped and counted; the good trap sent
 * after them is the next thing delivered. */
static void
test_snmptrap_v3_refused_traps_are_not_delivered(void **state)
{
    (void)state;
    struct wn_wsnmp_stats before = stats();
    snmptrap("-v3 -u wsha -l authPriv -a SHA -A wrongpass99 -x AES -X wsprivpass1", 31);
    snmptrap("-v3 -u nobody -l authNoPriv -a SHA -A wsauthpass1", 32);
    snmptrap("-v3 -u wsha -l noAuthNoPriv", 33);
    struct got g;
    assert_int_equal(next_msg(QUIET_MS, &g), -1);
    snmptrap(SHA_OPTS, 34);
    expect_trap(34, "wsha", "authPriv");
    struct wn_wsnmp_stats after = stats();
    assert_int_equal(after.v3_wrong_digests - before.v3_wrong_digests, 1);
    assert_int_equal(after.v3_unknown_user_names - before.v3_unknown_user_names, 1);
    assert_int_equal(after.v3_unsupported_sec_levels - before.v3_unsupported_sec_levels, 1);
    assert_int_equal(after.v3_dropped - before.v3_dropped, 3);
}

/* An authPriv trap of user wsha from engine id at (boots, time), made with
 * the usm layer and sent to our trap port. */
static void
send_usm_trap(const uint8_t *id, size_t id_len, uint32_t boots, uint32_t time, uint32_t n)
{
    struct wn_usm_user u;
    assert_int_equal(wn_usm_user_init(&u, "wsha", WN_USM_AUTH_SHA1, "wsauthpass1",
                                      WN_USM_PRIV_AES128, "wsprivpass1"), 0);
    struct wn_usm_engine e = {0};
    assert_int_equal(wn_usm_engine_set_id(&e, id, id_len), 0);
    wn_usm_engine_sync(&e, boots, time, wn_clock_ms());
    struct wn_usm_salt salt;
    assert_int_equal(wn_usm_salt_init(&salt), 0);
    static const uint32_t trap_oid0[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
    uint32_t which[] = {1, 3, 6, 1, 4, 1, 99999, 0, n};
    static const uint32_t uptime0[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
    struct wn_snmp_varbind vb[2] = {
        {.oid = uptime0, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_TIMETICKS, .v.u32 = 1}},
        {.oid = trap_oid0, .oid_len = 11,
         .value = {.syntax = WN_SNMP_SYN_OID, .v.oid = {which, 9}}}};
    struct wn_snmp_scoped_pdu sc = {
        .context_engine_id = e.id, .context_engine_id_len = e.id_len,
        .pdu = {.type = WN_SNMP_PDU_TRAP_V2, .request_id = (int32_t)n, .vbs = vb, .vb_count = 2}};
    struct wn_usm_out o = {.user = &u, .engine = &e,
                           .flags = WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV,
                           .msg_id = (int32_t)n, .max_size = 65507, .scoped = &sc};
    static uint8_t buf[4096], scratch[4096];
    const uint8_t *msg;
    size_t len;
    assert_int_equal(wn_usm_encode(&o, &salt, wn_clock_ms(), buf, sizeof buf, scratch,
                                   sizeof scratch, &msg, &len), 0);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)trap_port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(sendto(fd, msg, len, 0, (struct sockaddr *)&to, sizeof to), (ssize_t)len);
    close(fd);
    wn_usm_user_clear(&u);
}

/* The sender's clock (RFC 3414 3.2 step 7b): a trap from an older boots
 * than one already seen from that engine is a replay, refused and
 * counted; a newer one is delivered. */
static void
test_trap_from_an_older_boots_is_refused(void **state)
{
    (void)state;
    static const uint8_t id[] = {0x80, 0x00, 0x1f, 0x88, 0x04, 'c', 'l', 'o', 'c', 'k'};
    send_usm_trap(id, sizeof id, 5, 1000, 61);
    expect_trap(61, "wsha", "authPriv");
    struct wn_wsnmp_stats before = stats();
    send_usm_trap(id, sizeof id, 4, 5000, 62);
    struct got g;
    assert_int_equal(next_msg(QUIET_MS, &g), -1);
    struct wn_wsnmp_stats after = stats();
    assert_int_equal(after.v3_not_in_time_windows - before.v3_not_in_time_windows, 1);
    send_usm_trap(id, sizeof id, 6, 10, 63);
    expect_trap(63, "wsha", "authPriv");
}

/* A user line with engineid= takes traps from that engine only. */
static void
test_user_engineid_limits_the_trap_senders(void **state)
{
    (void)state;
    struct wn_wsnmp_stats before = stats();
    snmptrap("-v3 -u wother -l authNoPriv -a SHA -A wsauthpass1", 35);
    struct got g;
    assert_int_equal(next_msg(QUIET_MS, &g), -1);
    struct wn_wsnmp_stats after = stats();
    assert_int_equal(after.v3_unknown_engine_ids - before.v3_unknown_engine_ids, 1);
    snmptrap("-v3 -u wonly -l authNoPriv -a SHA -A wsauthpass1", 36);
    expect_trap(36, "wonly", "authNoPriv");
}

/* snmpinform -v3 discovers our engine (our unknownEngineID report),
 * syncs its clock (our notInTimeWindow report) and gets our Response; the
 * inform is delivered. */
static void
test_snmpinform_v3_is_acknowledged_and_delivered(void **state)
{
    (void)state;
    const char *opts[] = {SHA_OPTS, MD5_OPTS};
    const char *levels[] = {"authPriv", "authNoPriv"};
    const char *users[] = {"wsha", "wmd5"};
    for (unsigned i = 0; i < 2; i++) {
        struct wn_wsnmp_stats before = stats();
        int rc = wire_run(NULL, "snmpinform %s -r0 -t5 127.0.0.1:%u 4242 .1.3.6.1.4.1.99999.0.%u"
                                " .1.3.6.1.2.1.1.5.0 s inform >/dev/null 2>&1",
                          opts[i], trap_port, 41 + i);
        assert_int_equal(rc, 0);
        struct got g;
        assert_int_equal(next_msg(WAIT_MS, &g), 0);
        assert_int_equal(g.type, SNMP_PDU_INFORM);
        char want[128];
        snprintf(want, sizeof want, "OID: .1.3.6.1.4.1.99999.0.%u", 41 + i);
        assert_string_equal(g.trap_oid, want);
        snprintf(want, sizeof want, "snmpv3:%s;level=%s@127.0.0.1:", users[i], levels[i]);
        assert_true(strncmp(g.src, want, strlen(want)) == 0);
        struct wn_wsnmp_stats after = stats();
        assert_true(after.informs_acked > before.informs_acked);
        assert_true(after.v3_reports_sent > before.v3_reports_sent);   /* discovery */
    }
}

/* An inform with a wrong pass phrase: our wrongDigest report ends
 * snmpinform with an error at once, and nothing is delivered. */
static void
test_snmpinform_v3_wrong_pass_phrase_is_refused(void **state)
{
    (void)state;
    char *out = NULL;
    int rc = wire_run(&out, "snmpinform -v3 -u wsha -l authPriv -a SHA -A wrongpass99 -x AES -X"
                            " wsprivpass1 -r0 -t5 127.0.0.1:%u 4242 .1.3.6.1.4.1.99999.0.43 2>&1",
                      trap_port);
    assert_int_not_equal(rc, 0);
    assert_non_null(out);
    if (!strstr(out, "Authentication failure"))
        fail_msg("snmpinform said: %s", out);
    free(out);
    struct got g;
    assert_int_equal(next_msg(QUIET_MS, &g), -1);
}

/* SnmpSendMsg of a Trap to a v3 entity: authPriv from our engine ID
 * (authoritative, no discovery), logged by snmptrapd that knows the user
 * only for our engine ID (createUser -e). */
/* The varbinds of our notifications: sysUpTime.0, snmpTrapOID.0, sysName.0. */
static const char *const notif_names[] = {".1.3.6.1.2.1.1.3.0", ".1.3.6.1.6.3.1.1.4.1.0",
                                          ".1.3.6.1.2.1.1.5.0", NULL};

/* The v3 entity of snmptrapd for user wsha (from the database) and a context. */
static void
trapd_target(HSNMP_ENTITY *dst, HSNMP_CONTEXT *ctx)
{
    char addr[96];
    snprintf(addr, sizeof addr, "snmpv3:wsha@127.0.0.1:%u", peers.trapd_port);
    *dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, addr);
    assert_non_null(*dst);
    *ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "wn-ctx");
}

static void
test_our_v3_trap_reaches_snmptrapd(void **state)
{
    (void)state;
    HSNMP_ENTITY dst;
    HSNMP_CONTEXT ctx;
    trapd_target(&dst, &ctx);
    const char *values[] = {"t:4242", "o:.1.3.6.1.4.1.99999.0.51", "s:v3 trap from wsnmp"};
    smiINT32 rid;
    assert_int_equal(wire_send(sess, dst, ctx, SNMP_PDU_TRAP, 0, 0, notif_names, values, &rid),
                     0);
    assert_true(wire_trapd_log_line(&peers, ".1.3.6.1.4.1.99999.0.51", "Timeticks: (4242)", NULL,
                                    0));
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

/* SnmpSendMsg of an Inform to a v3 entity: the request engine discovers
 * snmptrapd's engine, syncs and gets its Response; snmptrapd logs it. */
static void
test_our_v3_inform_is_acknowledged_by_snmptrapd(void **state)
{
    (void)state;
    HSNMP_ENTITY dst;
    HSNMP_CONTEXT ctx;
    trapd_target(&dst, &ctx);
    const char *values[] = {"t:4243", "o:.1.3.6.1.4.1.99999.0.52", "s:v3 inform from wsnmp"};
    struct wire_vb vbs[8];
    size_t n = 0;
    smiINT st = -1, ix = -1;
    assert_int_equal(wire_request(sess, &ev, dst, ctx, SNMP_PDU_INFORM, 0, 0, notif_names, values, vbs,
                                  8, &n, &st, &ix, WAIT_MS), 0);
    assert_int_equal(st, 0);
    assert_int_equal(n, 3);
    assert_true(wire_trapd_log_line(&peers, ".1.3.6.1.4.1.99999.0.52", "Timeticks: (4243)", NULL,
                                    0));
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

/* Our SnmpListen agent answers snmpget and snmpbulkwalk -v3: discovery,
 * time window, then the program's responses at the request's level. */
static void
test_snmpbulkwalk_v3_walks_our_agent(void **state)
{
    (void)state;
    struct wire_agent agent;
    unsigned port = wire_free_port();
    assert_int_equal(wire_agent_start(&agent, port, 0), 0);
    const char *opts[] = {SHA_OPTS, MD5_OPTS};
    for (unsigned i = 0; i < 2; i++) {
        char *out = NULL;
        int rc = wire_run(&out, "snmpbulkwalk %s " WIRE_TOOL_OPTS " 127.0.0.1:%u "
                                WIRE_AGENT_BASE " 2>&1", opts[i], port);
        struct wire_vb vbs[16];
        size_t n = out ? wire_parse_tool_output(out, vbs, 16) : 0;
        if (rc != 0 || n != 5)
            fail_msg("snmpbulkwalk (%s) exit %d, %zu varbinds:\n%s", opts[i], rc, n,
                     out ? out : "");
        assert_string_equal(vbs[0].oid, ".1.3.6.1.4.1.99999.1.1.0");
        assert_string_equal(vbs[1].val, "INTEGER: 42");
        assert_string_equal(vbs[4].val, "Gauge32: 1234");
        free(out);
    }
    /* Wrong pass phrase and unknown user: our reports, told apart. */
    char *out = NULL;
    wire_run(&out, "snmpget -v3 -u wsha -l authPriv -a SHA -A wrongpass99 -x AES -X wsprivpass1"
                   " " WIRE_TOOL_OPTS " 127.0.0.1:%u " WIRE_AGENT_BASE ".2.0 2>&1", port);
    assert_non_null(out);
    if (!strstr(out, "Authentication failure"))
        fail_msg("snmpget with a wrong pass phrase said: %s", out);
    free(out);
    out = NULL;
    wire_run(&out, "snmpget -v3 -u nobody -l authNoPriv -a SHA -A wsauthpass1 " WIRE_TOOL_OPTS
                   " 127.0.0.1:%u " WIRE_AGENT_BASE ".2.0 2>&1", port);
    assert_non_null(out);
    if (!strstr(out, "Unknown user name"))
        fail_msg("snmpget as an unknown user said: %s", out);
    free(out);
    /* A contextEngineID not ours (-E): not answered with data but with an
     * snmpUnknownPDUHandlers report (RFC 3412 4.2.2.1), which net-snmp
     * 5.9 reports as "Bad version specified" (snmpv3_get_report_type). */
    out = NULL;
    int rc = wire_run(&out, "snmpget " SHA_OPTS " -E 0x8000000005aabbccdd " WIRE_TOOL_OPTS
                            " 127.0.0.1:%u " WIRE_AGENT_BASE ".2.0 2>&1", port);
    assert_non_null(out);
    if (rc == 0 || strstr(out, "INTEGER") || !strstr(out, "Bad version"))
        fail_msg("snmpget -E for another engine exit %d, said: %s", rc, out);
    free(out);
    wire_agent_stop(&agent);
}

/* The usm layer's own manager (discovery, the authenticated time sync
 * that our notInTimeWindow report answers, the request) against our
 * agent; then with its clock of us a boot behind: our
 * authenticated notInTimeWindow report resynchronises it, and the retry
 * gets the answer.  A response larger than the manager's msgMaxSize
 * comes back as tooBig. */
static void
test_our_agent_reports_not_in_time_window(void **state)
{
    (void)state;
    struct wire_agent agent;
    unsigned port = wire_free_port();
    assert_int_equal(wire_agent_start(&agent, port, 0), 0);
    struct wn_usm_user u;
    assert_int_equal(wn_usm_user_init(&u, "wsha", WN_USM_AUTH_SHA1, "wsauthpass1",
                                      WN_USM_PRIV_AES128, "wsprivpass1"), 0);
    static struct v3drv d;
    assert_int_equal(v3drv_open(&d, port, &u, WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV), 0);
    static const uint32_t oid[] = {1, 3, 6, 1, 4, 1, 99999, 1, 2, 0};
    struct wn_snmp_varbind vb = {.oid = oid, .oid_len = 10,
                                 .value = {.syntax = WN_SNMP_SYN_NULL}};
    struct wn_snmp_pdu get = {.type = WN_SNMP_PDU_GET, .vbs = &vb, .vb_count = 1};
    const struct wn_snmp_pdu *resp;
    assert_int_equal(v3drv_request(&d, &get, &resp), 0);
    assert_int_equal(resp->type, WN_SNMP_PDU_RESPONSE);
    assert_int_equal(d.peer.discoveries, 1);
    assert_int_equal(d.peer.time_syncs, 1);
    /* Our engine ID and boots, as configured and kept in the state file. */
    static const uint8_t our_id[] = {0x80, 0x00, 0x1f, 0x88, 0x04, 'w', 'n', '-', 'l', 'i', 'b'};
    assert_int_equal(d.peer.engine.id_len, sizeof our_id);
    assert_memory_equal(d.peer.engine.id, our_id, sizeof our_id);
    assert_int_equal(d.peer.engine.boots, 1);
    struct wn_wsnmp_stats before = stats();
    d.peer.engine.boots = 0;   /* a reboot of ours it has not seen */
    assert_int_equal(v3drv_request(&d, &get, &resp), 0);
    assert_int_equal(resp->type, WN_SNMP_PDU_RESPONSE);
    assert_int_equal(d.peer.resyncs, 1);
    struct wn_wsnmp_stats after = stats();
    assert_int_equal(after.v3_not_in_time_windows - before.v3_not_in_time_windows, 1);
    /* A response larger than our msgMaxSize: tooBig, no varbinds. */
    static const uint32_t name_oid[] = {1, 3, 6, 1, 4, 1, 99999, 1, 1, 0};
    struct wn_snmp_varbind many[40];
    for (unsigned i = 0; i < 40; i++)
        many[i] = (struct wn_snmp_varbind){.oid = name_oid, .oid_len = 10,
                                           .value = {.syntax = WN_SNMP_SYN_NULL}};
    struct wn_snmp_pdu big = {.type = WN_SNMP_PDU_GET, .vbs = many, .vb_count = 40};
    d.max_size = WN_SNMP_V3_MIN_MAX_SIZE;
    assert_int_equal(v3drv_request(&d, &big, &resp), 0);
    assert_int_equal(resp->type, WN_SNMP_PDU_RESPONSE);
    assert_int_equal(resp->error_status, WN_SNMP_ERR_TOOBIG);
    assert_int_equal(resp->vb_count, 0);
    v3drv_close(&d);
    wn_usm_user_clear(&u);
    wire_agent_stop(&agent);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snmptrap_v3_traps_are_delivered),
        cmocka_unit_test(test_snmptrap_v3_refused_traps_are_not_delivered),
        cmocka_unit_test(test_user_engineid_limits_the_trap_senders),
        cmocka_unit_test(test_trap_from_an_older_boots_is_refused),
        cmocka_unit_test(test_snmpinform_v3_is_acknowledged_and_delivered),
        cmocka_unit_test(test_snmpinform_v3_wrong_pass_phrase_is_refused),
        cmocka_unit_test(test_our_v3_trap_reaches_snmptrapd),
        cmocka_unit_test(test_our_v3_inform_is_acknowledged_by_snmptrapd),
        cmocka_unit_test(test_snmpbulkwalk_v3_walks_our_agent),
        cmocka_unit_test(test_our_agent_reports_not_in_time_window),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
