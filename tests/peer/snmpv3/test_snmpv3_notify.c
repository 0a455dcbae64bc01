/* test_snmpv3_notify.c: SNMPv3 notifications with the usm layer and net-snmp: our traps and informs into snmptrapd, snmptrap's traps and snmpinform's informs into us (the agent-side checks and reports). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "usm.h"
#include "v3drv.h"
#include "wire_tool.h"


#define USER "v3trap"
#define AUTH_PASS "trapauthpass1"
#define PRIV_PASS "trapprivpass1"
#define NET_SNMP_OPTS "-v3 -u " USER " -l authPriv -a SHA-256 -A " AUTH_PASS " -x AES -X " PRIV_PASS
#define WAIT_MS 5000

/* Our engine when we send traps (snmptrapd-v3-users.conf knows it). */
static const uint8_t our_engine_id[] = {0x80, 0x00, 0x1f, 0x88, 0x04, 'w', 'n', '-', 't', 'r', 'a', 'p'};

static const uint32_t sys_uptime[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
static const uint32_t trap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const uint32_t sys_name[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};

static uint8_t buf[V3DRV_BUF], scratch[V3DRV_BUF], scratch_out[V3DRV_BUF], rx[V3DRV_BUF];

static void
user_init(struct wn_usm_user *u)
{
    assert_int_equal(wn_usm_user_init(u, USER, WN_USM_AUTH_SHA256, AUTH_PASS, WN_USM_PRIV_AES128,
                                      PRIV_PASS), 0);
}

/* sysUpTime.0, snmpTrapOID.0 = 1.3.6.1.4.1.99999.0.<n>, sysName.0 = text. */
struct notif {
    uint32_t oid[9];
    struct wn_snmp_varbind vbs[3];
};

static void
notif_init(struct notif *n, uint32_t which, const char *text)
{
    static const uint32_t base[] = {1, 3, 6, 1, 4, 1, 99999, 0};
    memcpy(n->oid, base, sizeof base);
    n->oid[8] = which;
    n->vbs[0] = (struct wn_snmp_varbind){.oid = sys_uptime, .oid_len = 9,
                                         .value = {.syntax = WN_SNMP_SYN_TIMETICKS, .v.u32 = 4242}};
    n->vbs[1] = (struct wn_snmp_varbind){.oid = trap_oid, .oid_len = 11,
                                         .value = {.syntax = WN_SNMP_SYN_OID,
                                                   .v.oid = {n->oid, 9}}};
    n->vbs[2] = (struct wn_snmp_varbind){
        .oid = sys_name, .oid_len = 9,
        .value = {.syntax = WN_SNMP_SYN_OCTETS, .v.bytes = {(const uint8_t *)text, strlen(text)}}};
}

static int
log_has(const char *a, const char *b)
{
    for (unsigned i = 0; i < WAIT_MS / 50; i++) {
        char *text = NULL;
        wire_run(&text, "cat '%s/snmptrapd.log'", v3_peers.dir);
        int ok = text && strstr(text, a) && (!b || strstr(text, b));
        free(text);
        if (ok)
            return 1;
        wire_sleep_ms(50);
    }
    return 0;
}

static int
udp_socket(unsigned *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t l = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* One datagram within WAIT_MS (from: where it came from); its length or 0. */
static size_t
recv_one(int fd, struct sockaddr_in *from)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, WAIT_MS) != 1)
        return 0;
    socklen_t l = sizeof *from;
    ssize_t n = recvfrom(fd, rx, sizeof rx, 0, (struct sockaddr *)from, &l);
    return n > 0 ? (size_t)n : 0;
}

/* Our authPriv SNMPv2-Trap, sent from our own (authoritative) engine. */
static void
test_our_v3_trap_reaches_snmptrapd(void **state)
{
    (void)state;
    struct wn_usm_user u;
    user_init(&u);
    struct wn_usm_engine me = {0};
    assert_int_equal(wn_usm_engine_set_id(&me, our_engine_id, sizeof our_engine_id), 0);
    wn_usm_engine_sync(&me, 1, 100, wn_clock_ms());
    struct wn_usm_salt salt;
    wn_usm_salt_init(&salt);
    struct notif n;
    notif_init(&n, 11, "v3 trap from wn");
    struct wn_snmp_scoped_pdu sc = {
        .context_engine_id = me.id, .context_engine_id_len = me.id_len,
        .pdu = {.type = WN_SNMP_PDU_TRAP_V2, .request_id = 77, .vbs = n.vbs, .vb_count = 3},
    };
    struct wn_usm_out o = {.user = &u, .engine = &me,
                           .flags = WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV,
                           .msg_id = 1, .max_size = 65507, .scoped = &sc};
    const uint8_t *msg;
    size_t len;
    assert_int_equal(wn_usm_encode(&o, &salt, wn_clock_ms(), buf, sizeof buf, scratch,
                                   sizeof scratch, &msg, &len), 0);
    unsigned port;
    int fd = udp_socket(&port);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)v3_peers.trapd_port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(sendto(fd, msg, len, 0, (struct sockaddr *)&to, sizeof to), (ssize_t)len);
    assert_true(log_has("OID: .1.3.6.1.4.1.99999.0.11", "Timeticks: (4242)"));
    close(fd);
    wn_usm_user_clear(&u);
}

/* Our authPriv InformRequest: discovery of snmptrapd's engine, time sync,
 * the inform, its Response, through a wn_usm_exchange. */
static void
test_our_v3_inform_is_acknowledged_by_snmptrapd(void **state)
{
    (void)state;
    struct wn_usm_user u;
    struct v3drv d;
    user_init(&u);
    assert_int_equal(v3drv_open(&d, v3_peers.trapd_port, &u,
                                WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV), 0);
    struct notif n;
    notif_init(&n, 12, "v3 inform from wn");
    struct wn_snmp_pdu inform = {.type = WN_SNMP_PDU_INFORM, .vbs = n.vbs, .vb_count = 3};
    const struct wn_snmp_pdu *resp;
    assert_int_equal(v3drv_request(&d, &inform, &resp), 0);
    assert_int_equal(resp->type, WN_SNMP_PDU_RESPONSE);
    assert_int_equal(d.peer.discoveries, 1);
    assert_int_equal(d.peer.time_syncs, 1);
    assert_true(log_has("OID: .1.3.6.1.4.1.99999.0.12", NULL));
    v3drv_close(&d);
    wn_usm_user_clear(&u);
}

/* snmptrap -v3 from engine "snmptrap" (-e): we are not authoritative and
 * know the sender's engine ID from configuration. */
static void
test_snmptrap_v3_trap_is_verified_and_decrypted(void **state)
{
    (void)state;
    static const uint8_t sender[] = {0x80, 0x00, 0x1f, 0x88, 0x04, 's', 'n', 'm', 'p', 't', 'r',
                                     'a', 'p'};
    unsigned port;
    int fd = udp_socket(&port);
    assert_int_equal(wire_run(NULL, "snmptrap " NET_SNMP_OPTS " -e 0x80001f8804736e6d7074726170"
                                    " 127.0.0.1:%u 4242 .1.3.6.1.4.1.99999.0.13"
                                    " .1.3.6.1.2.1.1.5.0 s 'from snmptrap' >/dev/null 2>&1", port),
                     0);
    struct sockaddr_in from;
    size_t n = recv_one(fd, &from);
    assert_true(n > 0);
    struct wn_usm_user u;
    user_init(&u);
    struct wn_usm_engine e = {0};
    assert_int_equal(wn_usm_engine_set_id(&e, sender, sizeof sender), 0);
    struct wn_usm_in in;
    assert_int_equal(wn_usm_parse(rx, n, &in), 0);
    assert_int_equal(in.msg.flags & WN_USM_LEVEL_MASK, WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV);
    assert_int_equal(wn_usm_process_in(&in, &u, &e, 0, wn_clock_ms(), scratch, sizeof scratch), 0);
    assert_int_equal(in.scoped.pdu.type, WN_SNMP_PDU_TRAP_V2);
    assert_int_equal(in.scoped.pdu.vb_count, 3);
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    wn_snmp_vb_iter_init(&it, &in.scoped.pdu);
    assert_int_equal(wn_snmp_vb_next(&it, &vb), 1);
    assert_int_equal(wn_snmp_vb_next(&it, &vb), 1);
    uint32_t sub[16];
    size_t k;
    assert_int_equal(wn_snmp_oid_decode(vb.value.v.bytes.p, vb.value.v.bytes.len, sub, 16, &k), 0);
    assert_int_equal(k, 9);
    assert_int_equal(sub[8], 13);
    /* The same trap with a wrong pass phrase on our side: wrongDigest. */
    struct wn_usm_user bad;
    assert_int_equal(wn_usm_user_init(&bad, USER, WN_USM_AUTH_SHA256, "trapauthpassX",
                                      WN_USM_PRIV_AES128, PRIV_PASS), 0);
    assert_int_equal(wn_usm_parse(rx, n, &in), 0);
    assert_int_equal(wn_usm_process_in(&in, &bad, &e, 0, wn_clock_ms(), scratch, sizeof scratch),
                     WN_E_WRONGDIGEST);
    wn_wipe(scratch, sizeof scratch);
    close(fd);
    wn_usm_user_clear(&u);
    wn_usm_user_clear(&bad);
}

/* Answers msg as the authoritative engine me would: a Report (the
 * discovery probe, or an error), or a Response to an inform. */
static void
answer_as_agent(int fd, const struct sockaddr_in *to, size_t n, struct wn_usm_user *u,
                struct wn_usm_engine *me, struct wn_usm_salt *salt, int *informs)
{
    struct wn_usm_in in;
    assert_int_equal(wn_usm_parse(rx, n, &in), 0);
    int rc = wn_usm_process_in(&in, in.sp.user_len ? u : NULL, me, 1, wn_clock_ms(), scratch,
                               sizeof scratch);
    struct wn_snmp_varbind vb;
    struct wn_snmp_pdu pdu = {.request_id = in.scoped.pdu.request_id};
    uint8_t flags = in.msg.flags & WN_USM_LEVEL_MASK;
    struct wn_usm_user *as = u;
    if (rc) {
        const uint32_t *oid;
        size_t k;
        assert_int_equal(wn_usm_report_oid(rc, &oid, &k), 0);
        vb = (struct wn_snmp_varbind){.oid = oid, .oid_len = k,
                                      .value = {.syntax = WN_SNMP_SYN_COUNTER32, .v.u32 = 1}};
        pdu.type = WN_SNMP_PDU_REPORT;
        pdu.vbs = &vb;
        pdu.vb_count = 1;
        /* Reports go out at noAuthNoPriv except notInTimeWindow (authNoPriv). */
        flags = rc == WN_E_NOTINTIMEWINDOW ? WN_SNMP_V3_FLAG_AUTH : 0;
        if (!flags)
            as = NULL;
        /* (request-id: the request's when it could be read, else 0) */
    } else {
        assert_int_equal(in.scoped.pdu.type, WN_SNMP_PDU_INFORM);
        (*informs)++;
        pdu = in.scoped.pdu;
        pdu.type = WN_SNMP_PDU_RESPONSE;
        pdu.error_status = pdu.error_index = 0;
    }
    struct wn_snmp_scoped_pdu sc = {.context_engine_id = me->id,
                                    .context_engine_id_len = me->id_len, .pdu = pdu};
    if (!rc) {
        /* A response names the request's context (RFC 3412 7.1 step 3). */
        sc.context_engine_id = in.scoped.context_engine_id;
        sc.context_engine_id_len = in.scoped.context_engine_id_len;
        sc.context_name = in.scoped.context_name;
        sc.context_name_len = in.scoped.context_name_len;
    }
    struct wn_usm_out o = {.user = as, .engine = me, .flags = flags, .msg_id = in.msg.msg_id,
                           .max_size = 65507, .scoped = &sc};
    const uint8_t *msg;
    size_t len;
    /* The response's varbinds still view the decrypted request in scratch. */
    assert_int_equal(wn_usm_encode(&o, salt, wn_clock_ms(), buf, sizeof buf, scratch_out,
                                   sizeof scratch_out, &msg, &len), 0);
    assert_int_equal(sendto(fd, msg, len, 0, (const struct sockaddr *)to, sizeof *to),
                     (ssize_t)len);
}

/* snmpinform -v3 discovers our engine (unknownEngineID report from us),
 * then sends the inform we acknowledge: it exits 0. */
static void
test_snmpinform_v3_discovers_us_and_is_acknowledged(void **state)
{
    (void)state;
    unsigned port;
    int fd = udp_socket(&port);
    struct wn_usm_user u;
    user_init(&u);
    struct wn_usm_engine me = {0};
    static const uint8_t id[] = {0x80, 0x00, 0x1f, 0x88, 0x04, 'w', 'n', '-', 'a', 'g', 'e', 'n',
                                 't'};
    assert_int_equal(wn_usm_engine_set_id(&me, id, sizeof id), 0);
    wn_usm_engine_sync(&me, 2, 3000, wn_clock_ms());
    struct wn_usm_salt salt;
    wn_usm_salt_init(&salt);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "snmpinform " NET_SNMP_OPTS " -r0 -t4 127.0.0.1:%u 4242 .1.3.6.1.4.1.99999.0.14"
             " .1.3.6.1.2.1.1.5.0 s 'inform from net-snmp' >/dev/null 2>&1; echo $?",
             port);
    FILE *tool = popen(cmd, "r");
    assert_non_null(tool);
    int informs = 0;
    for (int i = 0; i < 4 && informs == 0; i++) {
        struct sockaddr_in from;
        size_t n = recv_one(fd, &from);
        assert_true(n > 0);
        answer_as_agent(fd, &from, n, &u, &me, &salt, &informs);
    }
    int status = -1;
    assert_int_equal(fscanf(tool, "%d", &status), 1);
    pclose(tool);
    assert_int_equal(informs, 1);
    assert_int_equal(status, 0);
    wn_wipe(scratch, sizeof scratch);
    close(fd);
    wn_usm_user_clear(&u);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_our_v3_trap_reaches_snmptrapd),
        cmocka_unit_test(test_our_v3_inform_is_acknowledged_by_snmptrapd),
        cmocka_unit_test(test_snmptrap_v3_trap_is_verified_and_decrypted),
        cmocka_unit_test(test_snmpinform_v3_discovers_us_and_is_acknowledged),
    };
    return cmocka_run_group_tests(tests, v3_peers_setup_trapd, v3_peers_teardown);
}
