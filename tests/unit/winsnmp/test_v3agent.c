/* test_v3agent.c: hostile SNMPv3 input on loopback to our trap port and SnmpListen agent: floods of forged engine IDs, unauthenticated floods against the trap senders' clocks, requests for other contextEngineIDs, other security models and PDU types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "usmuser.h"
#include "v3int.h"

#define OPS_PASS "ops-auth-pass-1"
#define DB_USERS "user ops auth=MD5 authpass=" OPS_PASS "\n" \
                 "user guest\n"
#define WAIT_MS 60000           /* generous: the CPU is shared */
#define BATCH 128               /* datagrams in flight before we wait (no kernel drops) */

static char db_path[] = "/tmp/wn-v3agent-db-XXXXXX";
static HSNMP_SESSION session;
static HSNMP_ENTITY listen_ent;
static uint16_t trap_port, agent_port;
static int sender = -1;
static struct wn_usm_user ops;           /* the sender's copy of user "ops" */
static struct wn_usm_salt salt;

static uint16_t
free_port(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND h, UINT m, WPARAM w, LPARAM l, LPVOID d)
{
    (void)s, (void)h, (void)m, (void)w, (void)l, (void)d;
    return SNMPAPI_SUCCESS;
}

static int
setup(void **state)
{
    (void)state;
    static const char users[] = DB_USERS;
    int fd = mkstemp(db_path);
    if (fd < 0 || write(fd, users, sizeof users - 1) != (ssize_t)(sizeof users - 1))
        return -1;
    close(fd);
    setenv("WSNMP_DB", db_path, 1);
    unsetenv("WSNMP_ENGINE_ID");
    setenv("WSNMP_ENGINE_FILE", "/nonexistent/wn-v3agent-engine", 1);
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    session = SnmpCreateSession(NULL, 0, cb, NULL);
    trap_port = free_port();
    agent_port = free_port();
    char s[32];
    snprintf(s, sizeof s, "127.0.0.1:%u", (unsigned)agent_port);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    listen_ent = SnmpStrToEntity(session, s);
    if (!session || !listen_ent || SnmpListen(listen_ent, SNMPAPI_ON) != SNMPAPI_SUCCESS
        || wn_wsnmp_set_trap_port(trap_port) != SNMPAPI_SUCCESS
        || SnmpRegister(session, NULL, NULL, NULL, NULL, SNMPAPI_ON) != SNMPAPI_SUCCESS)
        return -1;
    sender = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (sender < 0 || bind(sender, (struct sockaddr *)&a, sizeof a) < 0)
        return -1;
    if (wn_usm_user_init(&ops, "ops", WN_USM_AUTH_MD5, OPS_PASS, WN_USM_PRIV_NONE, NULL) < 0
        || wn_usm_salt_init(&salt) < 0)
        return -1;
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    wn_usm_user_clear(&ops);
    close(sender);
    SnmpClose(session);
    SnmpCleanup();
    unlink(db_path);
    return 0;
}

static void
send_to(uint16_t port, const uint8_t *p, size_t n)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(sendto(sender, p, n, 0, (struct sockaddr *)&to, sizeof to), (ssize_t)n);
}

/* The v3 counters, read under the lock. */
static struct wn_ws_v3_counters
counters(void)
{
    wn_ws_lock();
    struct wn_ws_v3_counters c = wn_ws_v3_c;
    wn_ws_unlock();
    return c;
}

static uint64_t
handled(void)
{
    struct wn_ws_v3_counters c = counters();
    return c.delivered + c.dropped + c.invalid_msgs;
}

/* Waits until the engine has handled `want` v3 datagrams in all. */
static void
wait_handled(uint64_t want)
{
    for (int ms = 0; handled() < want; ms += 2) {
        assert_true(ms < WAIT_MS);
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
}

/* A message from user u (NULL: noAuthNoPriv user `guest`) for the
 * authoritative engine e (its clock at now_ms). */
static size_t
make_msg(struct wn_usm_user *u, const struct wn_usm_engine *e, uint64_t now_ms, uint8_t pdu_type,
         const uint8_t *ctx_engine, size_t ctx_engine_len, uint8_t flags, int32_t msg_id,
         uint8_t *buf, size_t cap, const uint8_t **msg)
{
    static struct wn_usm_user guest;
    static uint8_t plain[2048];
    if (!u) {
        assert_int_equal(wn_usm_user_init(&guest, "guest", WN_USM_AUTH_NONE, NULL,
                                          WN_USM_PRIV_NONE, NULL), 0);
        u = &guest;
    }
    static const uint32_t oid[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
    struct wn_snmp_varbind vb = {.oid = oid, .oid_len = WN_ARRAY_SIZE(oid),
                                 .value = {.syntax = WN_SNMP_SYN_TIMETICKS, .v.u32 = 5}};
    struct wn_snmp_scoped_pdu sc = {
        .context_engine_id = ctx_engine ? ctx_engine : e->id,
        .context_engine_id_len = ctx_engine ? ctx_engine_len : e->id_len,
        .pdu = {.type = pdu_type, .request_id = 77, .vbs = &vb, .vb_count = 1}};
    struct wn_usm_out o = {.user = u, .engine = e, .flags = flags, .msg_id = msg_id,
                           .max_size = 65507, .scoped = &sc};
    size_t len;
    assert_int_equal(wn_usm_encode(&o, &salt, now_ms, buf, cap, plain, sizeof plain, msg, &len),
                     0);
    if (u == &guest)
        wn_usm_user_clear(&guest);
    return len;
}

/* A trap from engine id at (boots, time). */
static size_t
make_trap(struct wn_usm_user *u, const uint8_t *id, size_t id_len, uint32_t boots, uint32_t time,
          uint8_t *buf, size_t cap, const uint8_t **msg)
{
    struct wn_usm_engine e;
    memset(&e, 0, sizeof e);
    assert_int_equal(wn_usm_engine_set_id(&e, id, id_len), 0);
    wn_usm_engine_sync(&e, boots, time, 0);
    return make_msg(u, &e, 0, WN_SNMP_PDU_TRAP_V2, NULL, 0, u ? WN_SNMP_V3_FLAG_AUTH : 0, 4242,
                    buf, cap, msg);
}

/* Our engine, as a manager that synchronised with it sees it. */
static struct wn_usm_engine
our_engine(void)
{
    wn_ws_lock();
    struct wn_usm_engine me = *wn_ws_v3_local();
    wn_ws_unlock();
    return me;
}

/* A request of ops (authNoPriv, reportable) to our agent. */
static size_t
make_request(uint8_t type, const uint8_t *ctx_engine, size_t ctx_engine_len, int32_t msg_id,
             uint8_t *buf, size_t cap, const uint8_t **msg)
{
    struct wn_usm_engine me = our_engine();
    return make_msg(&ops, &me, wn_clock_ms(), type, ctx_engine, ctx_engine_len,
                    WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_REPORTABLE, msg_id, buf, cap, msg);
}

/* The next datagram to the sender (it must come: generous wait), parsed
 * as a message of our engine; scoped PDU of a noAuth/authNoPriv one. */
static void
recv_msg(uint8_t *buf, size_t cap, struct wn_usm_in *in)
{
    struct pollfd pf = {.fd = sender, .events = POLLIN};
    assert_int_equal(poll(&pf, 1, WAIT_MS), 1);
    ssize_t n = recv(sender, buf, cap, 0);
    assert_true(n > 0);
    assert_int_equal(wn_usm_parse(buf, (size_t)n, in), 0);
}

/* The counter a Report carries. */
static int
report_is(const struct wn_usm_in *in, const uint32_t *oid, size_t n)
{
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    if (in->scoped.pdu.type != WN_SNMP_PDU_REPORT)
        return 0;
    wn_snmp_vb_iter_init(&it, &in->scoped.pdu);
    return wn_snmp_vb_next(&it, &vb) == 1 && wn_snmp_vb_name_equals(&vb, oid, n);
}

static size_t
user_cached(const char *name)
{
    struct wn_ws_user *u;
    wn_ws_lock();
    assert_int_equal(wn_ws_user_find(name, &u), 0);
    size_t n = u->usm.cached;
    wn_ws_user_put(u);
    wn_ws_unlock();
    return n;
}

/* Forged authenticated traps naming more new engine IDs than a user's key
 * cache holds (the user line has no engineid=, so any engine may send):
 * none is delivered, the user's cache stays empty, and a trap from a
 * legitimate engine never seen before is still delivered.  Checked
 * against the old code (keys cached before the digest, no eviction): the
 * cache filled to WN_USM_KEY_CACHE_MAX and the legitimate trap was
 * refused. */
static void
test_v3agent_forged_engine_flood_leaves_room(void **state)
{
    (void)state;
    struct wn_ws_v3_counters before = counters();
    uint64_t base = handled();
    uint8_t buf[1024];
    const uint8_t *msg;
    struct wn_usm_user forger;
    uint8_t wrong[16];
    memset(wrong, 0xa5, sizeof wrong);
    unsigned n = WN_USM_KEY_CACHE_MAX + 64;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t id[] = {0x80, 0, 0, 0, 5, 0xf0, (uint8_t)(i >> 8), (uint8_t)i};
        assert_int_equal(wn_usm_user_init_localized(&forger, "ops", WN_USM_AUTH_MD5,
                                                    WN_USM_PRIV_NONE), 0);
        assert_int_equal(wn_usm_user_add_keys(&forger, id, sizeof id, wrong, 16, NULL, 0), 0);
        size_t len = make_trap(&forger, id, sizeof id, 1, 10, buf, sizeof buf, &msg);
        wn_usm_user_clear(&forger);
        send_to(trap_port, msg, len);
        if (i % BATCH == BATCH - 1)
            wait_handled(base + i + 1);
    }
    wait_handled(base + n);
    struct wn_ws_v3_counters after = counters();
    assert_int_equal(after.wrong_digests - before.wrong_digests, n);
    assert_int_equal(after.delivered, before.delivered);
    assert_int_equal(user_cached("ops"), 0);
    /* The real sender, on an engine never seen before. */
    const uint8_t good[] = {0x80, 0, 0, 0, 5, 0x60, 0x0d};
    size_t len = make_trap(&ops, good, sizeof good, 3, 300, buf, sizeof buf, &msg);
    send_to(trap_port, msg, len);
    wait_handled(base + n + 1);
    assert_int_equal(counters().delivered, before.delivered + 1);
    assert_int_equal(user_cached("ops"), 1);
}

/* Unauthenticated traps (a noAuthNoPriv user) from more engines than we
 * remember clocks for do not push out the clock an authenticated trap
 * taught: an older trap of that engine is still refused as
 * notInTimeWindow.  Checked against the old code (every delivered trap's
 * engine kept, replaced in turn): the replay was delivered. */
static void
test_v3agent_unauthenticated_flood_keeps_trap_clocks(void **state)
{
    (void)state;
    uint64_t base = handled();
    struct wn_ws_v3_counters before = counters();
    uint8_t buf[1024];
    const uint8_t *msg;
    const uint8_t a[] = {0x80, 0, 0, 0, 5, 0xaa, 0x01};
    size_t len = make_trap(&ops, a, sizeof a, 5, 1000, buf, sizeof buf, &msg);
    send_to(trap_port, msg, len);
    wait_handled(base + 1);
    assert_int_equal(counters().delivered, before.delivered + 1);
    unsigned n = WN_WS_V3_MAX_REMOTE + 64;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t id[] = {0x80, 0, 0, 0, 5, 0xbb, (uint8_t)(i >> 8), (uint8_t)i};
        len = make_trap(NULL, id, sizeof id, 1, 1, buf, sizeof buf, &msg);
        send_to(trap_port, msg, len);
        if (i % BATCH == BATCH - 1)
            wait_handled(base + 1 + i + 1);
    }
    wait_handled(base + 1 + n);
    assert_int_equal(counters().delivered, before.delivered + 1 + n);
    /* The trap of engine a from its previous boot. */
    len = make_trap(&ops, a, sizeof a, 4, 1000, buf, sizeof buf, &msg);
    send_to(trap_port, msg, len);
    wait_handled(base + 2 + n);
    struct wn_ws_v3_counters after = counters();
    assert_int_equal(after.not_in_time_windows, before.not_in_time_windows + 1);
    assert_int_equal(after.delivered, before.delivered + 1 + n);
}

/* An authenticated request naming another engine's context is not
 * delivered: it gets a Report of snmpUnknownPDUHandlers, with its msgID,
 * at its level and authenticated with its user's key (RFC 3412 4.2.2.1,
 * 7.1).  The same request naming our engine, or RFC 5343's
 * localEngineID, is delivered.  Checked against the old code: the
 * request for the other engine was delivered and answered. */
static void
test_v3agent_other_context_engine_gets_unknown_pdu_handlers(void **state)
{
    (void)state;
    uint8_t buf[2048], rbuf[2048];
    const uint8_t *msg;
    const uint8_t other[] = {0x80, 0, 0, 0, 5, 'o', 't', 'h'};
    struct wn_ws_v3_counters before = counters();
    size_t len = make_request(WN_SNMP_PDU_GET, other, sizeof other, 5001, buf, sizeof buf, &msg);
    send_to(agent_port, msg, len);
    struct wn_usm_in in;
    recv_msg(rbuf, sizeof rbuf, &in);
    assert_int_equal(in.msg.msg_id, 5001);
    assert_int_equal(in.msg.flags & WN_USM_LEVEL_MASK, WN_SNMP_V3_FLAG_AUTH);
    struct wn_usm_engine view = our_engine();
    assert_int_equal(wn_usm_process_in(&in, &ops, &view, 0, wn_clock_ms(), NULL, 0), 0);
    size_t n;
    const uint32_t *oid = wn_usm_unknown_pdu_handlers_oid(&n);
    assert_true(report_is(&in, oid, n));
    assert_int_equal(in.scoped.pdu.request_id, 77);
    struct wn_ws_v3_counters after = counters();
    assert_int_equal(after.unknown_pdu_handlers, before.unknown_pdu_handlers + 1);
    assert_int_equal(after.delivered, before.delivered);
    assert_int_equal(after.reports_sent, before.reports_sent + 1);
    /* Our own engine's context and RFC 5343's localEngineID are ours. */
    uint64_t base = handled();
    len = make_request(WN_SNMP_PDU_GET, NULL, 0, 5002, buf, sizeof buf, &msg);
    send_to(agent_port, msg, len);
    const uint8_t local[] = {0x80, 0, 0, 0, 6};
    len = make_request(WN_SNMP_PDU_GET, local, sizeof local, 5003, buf, sizeof buf, &msg);
    send_to(agent_port, msg, len);
    wait_handled(base + 2);
    assert_int_equal(counters().delivered, before.delivered + 2);
}

/* A Trap to the agent socket (no handler there, and not reportable) and a
 * message of another security model are counted and dropped without a
 * report (RFC 3412 7.2 step 4 discards the latter: there is no security
 * model to send a report with; net-snmp does the same); an Inform to the
 * agent socket is reportable and gets snmpUnknownPDUHandlers, the first
 * datagram that comes back.  Checked against the old code: the Inform got
 * no report. */
static void
test_v3agent_unhandled_pdus_and_models(void **state)
{
    (void)state;
    uint8_t buf[2048], rbuf[2048];
    const uint8_t *msg;
    struct wn_ws_v3_counters before = counters();
    struct wn_usm_engine me = our_engine();
    size_t len = make_msg(&ops, &me, wn_clock_ms(), WN_SNMP_PDU_TRAP_V2, NULL, 0,
                          WN_SNMP_V3_FLAG_AUTH, 6001, buf, sizeof buf, &msg);
    send_to(agent_port, msg, len);
    /* Security model 99 with USM-looking parameters. */
    static const uint8_t secparams[] = {0x30, 0x0e, 0x04, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01,
                                        0x00, 0x04, 0x00, 0x04, 0x00, 0x04, 0x00};
    struct wn_snmp_v3_msg m = {.msg_id = 6002, .max_size = 65507,
                               .flags = WN_SNMP_V3_FLAG_REPORTABLE, .security_model = 99,
                               .sec_params = secparams, .sec_params_len = sizeof secparams,
                               .scoped = {.pdu = {.type = WN_SNMP_PDU_GET, .request_id = 1}}};
    size_t off;
    assert_int_equal(wn_snmp_v3_encode(&m, buf, sizeof buf, &msg, &len, &off), 0);
    send_to(agent_port, msg, len);
    /* An Inform to the agent: reportable, Confirmed Class. */
    len = make_request(WN_SNMP_PDU_INFORM, NULL, 0, 6003, buf, sizeof buf, &msg);
    send_to(agent_port, msg, len);
    struct wn_usm_in in;
    recv_msg(rbuf, sizeof rbuf, &in);
    assert_int_equal(in.msg.msg_id, 6003);
    size_t n;
    const uint32_t *oid = wn_usm_unknown_pdu_handlers_oid(&n);
    assert_true(report_is(&in, oid, n));
    struct wn_ws_v3_counters after = counters();
    assert_int_equal(after.unknown_pdu_handlers, before.unknown_pdu_handlers + 2);
    assert_int_equal(after.unknown_security_models, before.unknown_security_models + 1);
    assert_int_equal(after.delivered, before.delivered);
}

/* Authenticated requests naming users that are in no database line, each
 * a new name: each gets its unknownUserName report, and the database file
 * is read at most once for all of them (its user names are kept per file
 * version).  Checked against the old user table: the file was opened and
 * parsed once per datagram. */
static void
test_v3agent_unknown_user_flood_reads_database_once(void **state)
{
    (void)state;
    uint8_t buf[2048], rbuf[2048];
    const uint8_t *msg;
    struct wn_usm_engine me = our_engine();
    uint8_t key[16];
    memset(key, 0x3c, sizeof key);
    unsigned long reads = atomic_load(&wn_ws_db_reads);
    struct wn_ws_v3_counters before = counters();
    enum { N = 200 };
    for (unsigned i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "nobody-%u", i);
        struct wn_usm_user u;
        assert_int_equal(wn_usm_user_init_localized(&u, name, WN_USM_AUTH_MD5,
                                                    WN_USM_PRIV_NONE), 0);
        assert_int_equal(wn_usm_user_add_keys(&u, me.id, me.id_len, key, 16, NULL, 0), 0);
        size_t len = make_msg(&u, &me, wn_clock_ms(), WN_SNMP_PDU_GET, NULL, 0,
                              WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_REPORTABLE,
                              (int32_t)(7000 + i), buf, sizeof buf, &msg);
        wn_usm_user_clear(&u);
        send_to(agent_port, msg, len);
        struct wn_usm_in in;
        recv_msg(rbuf, sizeof rbuf, &in);      /* one at a time: no kernel drops */
        assert_int_equal(in.msg.msg_id, (int32_t)(7000 + i));
    }
    assert_int_equal(counters().unknown_user_names, before.unknown_user_names + N);
    assert_true(atomic_load(&wn_ws_db_reads) - reads <= 1);
}

/* The monotonic clock while a test holds it still (wn_clock_set_ms_source). */
static _Atomic uint64_t still_ms;

static uint64_t
still_clock(void)
{
    return atomic_load(&still_ms);
}

/* One request of ops to our agent (msgID id), handled before return. */
static void
request_handled(int32_t id)
{
    uint8_t buf[2048];
    const uint8_t *msg;
    uint64_t base = handled();
    size_t len = make_request(WN_SNMP_PDU_GET, NULL, 0, id, buf, sizeof buf, &msg);
    send_to(agent_port, msg, len);
    wait_handled(base + 1);
}

/* The database file is looked at (a stat) at most once per
 * WN_WS_USER_DB_CHECK_MS while the users that datagrams name are in the
 * user table: with the clock held still, 100 requests of ops take no look
 * at all.  An edit that drops ops takes effect once the interval has
 * passed: its next request gets unknownUserName, and the listeners put
 * their reference to the old record (its keys are wiped with the last
 * one, here the queued requests' and ours).  Checked against the old table: one look per datagram (100), and
 * the listeners kept the old record. */
static void
test_v3agent_database_looked_at_once_per_interval(void **state)
{
    (void)state;
    atomic_store(&still_ms, wn_clock_ms());
    wn_clock_set_ms_source(still_clock);
    struct wn_ws_v3_counters before = counters();
    request_handled(8000);                  /* ops in the table, the file looked at */
    unsigned long looks = atomic_load(&wn_ws_db_checks);
    enum { N = 100 };
    for (int32_t i = 0; i < N; i++)
        request_handled(8001 + i);
    assert_int_equal(atomic_load(&wn_ws_db_checks), looks);
    assert_int_equal(counters().delivered, before.delivered + N + 1);

    struct wn_ws_user *old;
    wn_ws_lock();
    assert_int_equal(wn_ws_user_find("ops", &old), 0);
    wn_ws_unlock();
    /* The edit: a new file without ops. */
    char tmp[sizeof db_path + 8];
    snprintf(tmp, sizeof tmp, "%s.new", db_path);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fputs("user guest\n", f);
    fclose(f);
    assert_int_equal(rename(tmp, db_path), 0);
    /* Within the interval the record found last still answers. */
    request_handled(8200);
    assert_int_equal(counters().delivered, before.delivered + N + 2);
    /* (Each delivered request holds a reference too, until received.) */
    wn_ws_lock();
    uint32_t refs_before = old->refs;
    wn_ws_unlock();
    /* Then the edit is seen. */
    atomic_fetch_add(&still_ms, WN_WS_USER_DB_CHECK_MS);
    uint8_t buf[2048], rbuf[2048];
    const uint8_t *msg;
    size_t len = make_request(WN_SNMP_PDU_GET, NULL, 0, 8201, buf, sizeof buf, &msg);
    send_to(agent_port, msg, len);
    struct wn_usm_in in;
    recv_msg(rbuf, sizeof rbuf, &in);
    assert_int_equal(in.msg.msg_id, 8201);
    struct wn_usm_engine view = our_engine();
    assert_int_equal(wn_usm_process_in(&in, NULL, &view, 0, wn_clock_ms(), NULL, 0), 0);
    const uint32_t *oid;
    size_t n;
    assert_int_equal(wn_usm_report_oid(WN_E_UNKNOWNUSERNAME, &oid, &n), 0);
    assert_true(report_is(&in, oid, n));
    assert_int_equal(counters().delivered, before.delivered + N + 2);
    wn_ws_lock();
    int stale = wn_ws_user_stale(old);
    uint32_t refs = old->refs;
    wn_ws_user_put(old);
    wn_ws_unlock();
    assert_true(stale);
    assert_int_equal(refs, refs_before - 1);    /* the listeners let go */

    /* The file as setup wrote it, for whatever runs next; the real clock,
     * never behind the one the test moved. */
    f = fopen(tmp, "w");
    assert_non_null(f);
    fputs(DB_USERS, f);
    fclose(f);
    assert_int_equal(rename(tmp, db_path), 0);
    wn_clock_set_ms_source(NULL);
    while (wn_clock_ms() < atomic_load(&still_ms)) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3agent_forged_engine_flood_leaves_room),
        cmocka_unit_test(test_v3agent_unauthenticated_flood_keeps_trap_clocks),
        cmocka_unit_test(test_v3agent_other_context_engine_gets_unknown_pdu_handlers),
        cmocka_unit_test(test_v3agent_unhandled_pdus_and_models),
        cmocka_unit_test(test_v3agent_unknown_user_flood_reads_database_once),
        cmocka_unit_test(test_v3agent_database_looked_at_once_per_interval),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
