/* test_snmpv3_msg.c: SNMPv3 messages of libwsnmp against a private snmpd: no plaintext left in the request engine's buffers after authPriv exchanges (a seam into engv3.c); SnmpEncodeMsg/SnmpDecodeMsg of v3 messages, sent to snmpd and captured from snmpget -v3; reports beyond usmStats from an agent of our own in the notification path. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "engv3.h"
#include "usm.h"
#include "wire_tool.h"
#include "wire_util.h"

#define REQ_TIMEOUT_MS 60000u
#define MAX_VBS 64
#define SNMPD_ENGINE_ID "0x80001f880476332d736e6d7064"   /* engineID v3-snmpd */
#define SYSNAME ".1.3.6.1.2.1.1.5.0"
#define OUR_ENGINE_ID "0x80001f8804776e2d6c6962"   /* snmptrapd-v3-wsnmp.conf's -e */
#define NOT_IN_TIME_WINDOWS ".1.3.6.1.6.3.15.1.1.2.0"
#define PDU_REPORT (ASN_CONTEXT | ASN_CONSTRUCTOR | 0x8)   /* RFC 3416; not in WinSNMP 2.0 */

static struct wire_peers peer;
static struct wire_events ev;
static HSNMP_SESSION sess;
static char dbfile[512];

static int
group_setup(void **state)
{
    (void)state;
    setenv("SNMPD_EXTRA_CONF", V3_DIR "/snmpd-v3-users.conf", 1);
    /* snmptrapd knows user wsha for our engine ID (createUser -e). */
    setenv("SNMPTRAPD_EXTRA_CONF", V3_DIR "/snmptrapd-v3-wsnmp.conf", 1);
    if (wire_peers_start(&peer, 1, 1) != 0) {
        wire_peers_stop(&peer);
        return -1;
    }
    /* The database: users of snmpd-v3-users.conf (lab pass phrases). */
    snprintf(dbfile, sizeof dbfile, "%.*s/entities.conf", (int)sizeof peer.dir - 1, peer.dir);
    FILE *f = fopen(dbfile, "w");
    if (!f)
        return -1;
    fprintf(f, "user v3sha auth=SHA authpass=v3authpass1 priv=AES privpass=v3privpass1\n"
               "user v3md5 auth=MD5 authpass=v3authpass2 priv=DES privpass=v3privpass2\n"
               "user v3auth auth=SHA authpass=v3authpass9\n"
               "user v3noauth\n");
    fclose(f);
    if (chmod(dbfile, 0600) != 0)
        return -1;
    setenv("WSNMP_DB", dbfile, 1);
    char engine_file[600];
    snprintf(engine_file, sizeof engine_file, "%.*s/engine", (int)sizeof peer.dir - 1, peer.dir);
    setenv("WSNMP_ENGINE_FILE", engine_file, 1);
    setenv("WSNMP_ENGINE_ID", OUR_ENGINE_ID, 1);
    return wire_session_open(&ev, &sess);
}

static int
group_teardown(void **state)
{
    (void)state;
    wire_session_close(&ev, sess);
    return wire_peers_stop(&peer);
}

/* 1 when the engine's plaintext buffers hold nothing. */
static int
engine_buffers_clear(void)
{
    wn_ws_lock();
    int clear = wn_ws_v3_scratch_clear();
    wn_ws_unlock();
    return clear;
}

static HSNMP_ENTITY
v3_entity(const char *user, const char *auth, const char *apass, const char *priv,
          const char *ppass)
{
    char s[512];
    snprintf(s, sizeof s, "snmpv3:%s;auth=%s;authpass=%s;priv=%s;privpass=%s@127.0.0.1:%u", user,
             auth, apass, priv, ppass, peer.snmpd_port);
    return wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
}

/* The engine decrypts each authPriv response into its scratch and
 * re-encodes it in v2c form before queueing it: once the request has
 * ended, none of it may remain (with the wipe of the decrypted bytes
 * left out of engv3.c's run(), this fails after the first GET). */
static void
test_v3_authpriv_exchanges_leave_no_plaintext(void **state)
{
    (void)state;
    static const struct {
        const char *user, *auth, *apass, *priv, *ppass;
    } users[] = {
        {"v3sha", "SHA", "v3authpass1", "AES", "v3privpass1"},
        {"v3md5", "MD5", "v3authpass2", "DES", "v3privpass2"},
        {"v3sha512", "SHA-512", "v3authpass4", "AES-256", "v3privpass4"},
    };
    HSNMP_CONTEXT ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "snmpv3:");
    assert_true(engine_buffers_clear());
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        HSNMP_ENTITY dst = v3_entity(users[i].user, users[i].auth, users[i].apass,
                                     users[i].priv, users[i].ppass);
        struct wire_vb vbs[MAX_VBS];
        size_t n;
        smiINT st, ix;
        const char *get[] = {".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.1.5.0", NULL};
        assert_int_equal(wire_request(sess, &ev, dst, ctx, SNMP_PDU_GET, 0, 0, get, NULL, vbs,
                                      MAX_VBS, &n, &st, &ix, REQ_TIMEOUT_MS), 0);
        assert_int_equal(n, 2);
        assert_true(strstr(vbs[1].val, "wire-snmpd") || strstr(vbs[1].val, "77697265"));
        if (!engine_buffers_clear())
            fail_msg("%s: plaintext left after a GET", users[i].user);
        const char *bulk[] = {".1.3.6.1.2.1", NULL};
        assert_int_equal(wire_request(sess, &ev, dst, ctx, SNMP_PDU_GETBULK, 0, 40, bulk, NULL,
                                      vbs, MAX_VBS, &n, &st, &ix, REQ_TIMEOUT_MS), 0);
        assert_int_equal(n, 40);
        if (!engine_buffers_clear())
            fail_msg("%s: plaintext left after a GETBULK", users[i].user);
        SnmpFreeEntity(dst);
    }
    /* A wrong priv pass phrase: the request times out, the diagnosis
     * (authNoPriv probe answered, authPriv probe not) tells
     * decryptionError; nothing left either. */
    HSNMP_ENTITY bad = v3_entity("v3sha", "SHA", "v3authpass1", "AES", "not-the-priv-pass");
    assert_int_equal(SnmpSetTimeout(bad, 50), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetRetry(bad, 0), SNMPAPI_SUCCESS);
    const char *one[] = {".1.3.6.1.2.1.1.5.0", NULL};
    smiINT32 rid;
    assert_int_equal(wire_send(sess, bad, ctx, SNMP_PDU_GET, 0, 0, one, NULL, &rid), 0);
    struct wire_event e;
    assert_int_equal(wire_events_wait(&ev, REQ_TIMEOUT_MS, &e), 0);
    assert_int_equal(e.wparam, SNMPAPI_RPT_DECRYPTIONERROR);
    /* Its SnmpRecvMsg fails the same way and empties the queue. */
    HSNMP_PDU failed = NULL;
    assert_int_equal(SnmpRecvMsg(sess, NULL, NULL, NULL, &failed), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_RPT_DECRYPTIONERROR);
    SnmpFreePdu(failed);
    assert_true(engine_buffers_clear());
    SnmpFreeEntity(bad);
    SnmpFreeContext(ctx);
}

/* The loopback address (127.0.0.1, or ::1) at port, in ss; its length. */
static socklen_t
loopback(int v6, unsigned port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        a->sin6_port = htons((uint16_t)port);
        return sizeof *a;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a->sin_port = htons((uint16_t)port);
    return sizeof *a;
}

/* A UDP socket of the test on 127.0.0.1 (port in *port), or on ::1. */
static int
udp_socket(int v6, unsigned *port)
{
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_storage ss;
    socklen_t n = loopback(v6, 0, &ss);
    assert_int_equal(bind(fd, (struct sockaddr *)&ss, n), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &n), 0);
    if (port)
        *port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                         : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

/* One datagram on fd within timeout_ms into buf; its length, or 0. */
static size_t
recv_one(int fd, uint8_t *buf, size_t cap, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) != 1)
        return 0;
    ssize_t n = recv(fd, buf, cap, 0);
    return n > 0 ? (size_t)n : 0;
}

/* Sends msg from fd to snmpd (127.0.0.1, or ::1) and returns its answer. */
static size_t
ask_snmpd(int fd, int v6, const smiOCTETS *msg, uint8_t *buf, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t n = loopback(v6, peer.snmpd_port, &ss);
    assert_int_equal(sendto(fd, msg->ptr, msg->len, 0, (struct sockaddr *)&ss, n),
                     (ssize_t)msg->len);
    size_t got = recv_one(fd, buf, cap, 10000);
    assert_true(got > 0);
    return got;
}

/* A GET of sysName.0 with request-id rid. */
static HSNMP_PDU
get_pdu(smiINT32 rid)
{
    smiOID name;
    wire_oid(SYSNAME, &name);
    HSNMP_VBL vbl = SnmpCreateVbl(sess, &name, NULL);
    assert_non_null(vbl);
    wire_oid_free(&name);
    HSNMP_PDU pdu = SnmpCreatePdu(sess, SNMP_PDU_GET, rid, 0, 0, vbl);
    assert_non_null(pdu);
    SnmpFreeVbl(vbl);
    return pdu;
}

/* What SnmpDecodeMsg gave. */
struct decoded {
    char src[256], dst[256];
    smiOCTETS ctx;
    char ctx_text[64];
    size_t ctx_len;
    smiINT type, status;
    smiINT32 rid;
    size_t n;
    struct wire_vb vbs[MAX_VBS];
};

/* SnmpDecodeMsg of msg into *d; its status (SNMPAPI_FAILURE: the last
 * error in *err). */
static SNMPAPI_STATUS
decode(const uint8_t *msg, size_t len, struct decoded *d, smiUINT32 *err)
{
    memset(d, 0, sizeof *d);
    smiOCTETS in = {(smiUINT32)len, (smiLPBYTE)msg};
    HSNMP_ENTITY src = NULL, dst = NULL;
    HSNMP_CONTEXT ctx = NULL;
    HSNMP_PDU pdu = NULL;
    SNMPAPI_STATUS st = SnmpDecodeMsg(sess, &src, &dst, &ctx, &pdu, &in);
    if (st == SNMPAPI_FAILURE) {
        *err = SnmpGetLastError(sess);
        return st;
    }
    assert_int_equal(st, (SNMPAPI_STATUS)len);
    assert_true(SnmpEntityToStr(src, sizeof d->src, d->src) > 0);
    assert_true(SnmpEntityToStr(dst, sizeof d->dst, d->dst) > 0);
    assert_int_equal(SnmpContextToStr(ctx, &d->ctx), SNMPAPI_SUCCESS);
    smiINT ix;
    HSNMP_VBL vbl;
    assert_int_equal(SnmpGetPduData(pdu, &d->type, &d->rid, &d->status, &ix, &vbl),
                     SNMPAPI_SUCCESS);
    smiINT32 count = SnmpCountVbl(vbl);
    for (smiINT32 i = 1; i <= count && d->n < MAX_VBS; i++) {
        smiOID name;
        smiVALUE val;
        assert_int_equal(SnmpGetVb(vbl, (smiUINT32)i, &name, &val), SNMPAPI_SUCCESS);
        wire_oid_str(&name, d->vbs[d->n].oid, sizeof d->vbs[d->n].oid);
        wire_value_str(&val, d->vbs[d->n].val, sizeof d->vbs[d->n].val);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
        wire_value_free(&val);
        d->n++;
    }
    SnmpFreeVbl(vbl);
    SnmpFreePdu(pdu);
    SnmpFreeEntity(src);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
    return st;
}

static void
encode(HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, HSNMP_PDU pdu, smiOCTETS *out)
{
    SNMPAPI_STATUS st = SnmpEncodeMsg(sess, NULL, dst, ctx, pdu, out);
    if (st == SNMPAPI_FAILURE)
        fail_msg("SnmpEncodeMsg: %s", wn_wsnmp_strerror(SnmpGetLastError(sess)));
    assert_int_equal(st, (SNMPAPI_STATUS)out->len);
}

/* SnmpEncodeMsg of pdu, then SnmpDecodeMsg of the message (left in
 * *msg): one varbind named oid, srcEntity src.  d's context is copied
 * into ctx_text and its descriptor freed. */
static void
round_trip(HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, HSNMP_PDU pdu, smiOCTETS *msg,
           struct decoded *d, const char *oid, const char *src)
{
    encode(dst, ctx, pdu, msg);
    smiUINT32 err = 0;
    assert_int_equal(decode(msg->ptr, msg->len, d, &err), (SNMPAPI_STATUS)msg->len);
    assert_int_equal(d->n, 1);
    assert_string_equal(d->vbs[0].oid, oid);
    assert_string_equal(d->src, src);
    assert_true(d->ctx.len <= sizeof d->ctx_text);
    memcpy(d->ctx_text, d->ctx.ptr, d->ctx.len);
    d->ctx_len = d->ctx.len;
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&d->ctx);
}

/* SnmpEncodeMsg needs the destination's engine: to an agent never
 * contacted, and without engineid=, it fails at once with
 * SNMPAPI_OPERATION_INVALID (it cannot discover synchronously). */
static void
test_v3_encode_without_known_engine_fails(void **state)
{
    (void)state;
    unsigned port;
    int fd = udp_socket(0, &port);     /* an address nobody asked yet */
    char s[256];
    snprintf(s, sizeof s, "snmpv3:v3sha@127.0.0.1:%u", port);
    HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
    HSNMP_CONTEXT ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "snmpv3:");
    HSNMP_PDU pdu = get_pdu(7);
    smiOCTETS out = {0, NULL};
    assert_int_equal(SnmpEncodeMsg(sess, NULL, dst, ctx, pdu, &out), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_OPERATION_INVALID);
    assert_null(out.ptr);
    /* A Response has no msgID to answer with: not supported. */
    HSNMP_PDU resp = SnmpCreatePdu(sess, SNMP_PDU_RESPONSE, 7, 0, 0, NULL);
    assert_int_equal(SnmpEncodeMsg(sess, NULL, dst, ctx, resp, &out), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_TL_NOT_SUPPORTED);
    SnmpFreePdu(resp);
    SnmpFreePdu(pdu);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
    close(fd);
}

/* A Set of sysName.0 to an octet string of len bytes. */
static HSNMP_PDU
big_set_pdu(size_t len)
{
    static smiBYTE fill[WN_SNMP_MAX_MSG];
    memset(fill, 'x', sizeof fill);
    assert_true(len <= sizeof fill);
    smiOID name;
    wire_oid(SYSNAME, &name);
    smiVALUE val = {.syntax = SNMP_SYNTAX_OCTETS};
    val.value.string.len = (smiUINT32)len;
    val.value.string.ptr = fill;
    HSNMP_VBL vbl = SnmpCreateVbl(sess, &name, &val);
    assert_non_null(vbl);
    wire_oid_free(&name);
    HSNMP_PDU pdu = SnmpCreatePdu(sess, SNMP_PDU_SET, 5, 0, 0, vbl);
    assert_non_null(pdu);
    SnmpFreeVbl(vbl);
    return pdu;
}

/* SnmpEncodeMsg's outcome for pdu to dst in ctx: the length, or the last
 * error when it fails (*out freed either way). */
static smiUINT32
encode_outcome(HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, HSNMP_PDU pdu, size_t *len)
{
    smiOCTETS out = {0, NULL};
    SNMPAPI_STATUS st = SnmpEncodeMsg(sess, NULL, dst, ctx, pdu, &out);
    *len = out.len;
    if (st == SNMPAPI_FAILURE) {
        assert_null(out.ptr);
        return SnmpGetLastError(sess);
    }
    assert_int_equal(st, (SNMPAPI_STATUS)out.len);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&out);
    return SNMPAPI_SUCCESS;
}

/* A v3 message over 65,507 bytes fails as a v2c one of that size does,
 * with SNMPAPI_TL_PDU_TOO_BIG, also when its v2c form would fit (the v3
 * header and security parameters push it over); authPriv (the ScopedPDU
 * encrypted) and noAuthNoPriv (in clear).  Checked to fail before
 * wn_usm_encode turned the codec's WN_E_LIMIT into WN_E_TOOBIG: the v3
 * cases gave SNMPAPI_ALLOC_ERROR. */
static void
test_v3_encode_too_big_like_v2c(void **state)
{
    (void)state;
    enum { FITS_V2C = WN_SNMP_MAX_MSG - 80, OVER_V2C = WN_SNMP_MAX_MSG };
    char s[256];
    snprintf(s, sizeof s, "127.0.0.1:%u", peer.snmpd_port);
    HSNMP_ENTITY v2 = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
    HSNMP_CONTEXT community = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "public");
    HSNMP_CONTEXT v3ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "snmpv3:");
    HSNMP_PDU fits = big_set_pdu(FITS_V2C), over = big_set_pdu(OVER_V2C);
    size_t len;
    assert_int_equal(encode_outcome(v2, community, fits, &len), SNMPAPI_SUCCESS);
    assert_in_range(len, WN_SNMP_MAX_MSG - 100, WN_SNMP_MAX_MSG);
    assert_int_equal(encode_outcome(v2, community, over, &len), SNMPAPI_TL_PDU_TOO_BIG);
    static const char *const users[] = {"v3sha", "v3noauth"};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        snprintf(s, sizeof s, "snmpv3:%s;engineid=" SNMPD_ENGINE_ID "@127.0.0.1:%u", users[i],
                 peer.snmpd_port);
        HSNMP_ENTITY v3 = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
        HSNMP_PDU small = big_set_pdu(1000);
        assert_int_equal(encode_outcome(v3, v3ctx, small, &len), SNMPAPI_SUCCESS);
        assert_int_equal(encode_outcome(v3, v3ctx, fits, &len), SNMPAPI_TL_PDU_TOO_BIG);
        assert_int_equal(encode_outcome(v3, v3ctx, over, &len), SNMPAPI_TL_PDU_TOO_BIG);
        SnmpFreePdu(small);
        SnmpFreeEntity(v3);
    }
    SnmpFreePdu(fits);
    SnmpFreePdu(over);
    SnmpFreeContext(v3ctx);
    SnmpFreeContext(community);
    SnmpFreeEntity(v2);
}

/* Once a request through SnmpSendMsg has discovered snmpd, SnmpEncodeMsg
 * to it gives a message snmpd answers (sent by the test on its own
 * socket), and SnmpDecodeMsg of the answer gives the response with the
 * user and level of the database user and the contextName. */
static void
test_v3_encoded_requests_answered_by_snmpd(void **state)
{
    (void)state;
    static const char *const names[] = {"v3sha", "v3md5", "v3auth", "v3noauth"};
    static const char *const levels[] = {"authPriv", "authPriv", "authNoPriv", "noAuthNoPriv"};
    HSNMP_CONTEXT ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "snmpv3:");
    int fd = udp_socket(0, NULL);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char s[256];
        snprintf(s, sizeof s, "snmpv3:%s@127.0.0.1:%u", names[i], peer.snmpd_port);
        HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
        /* Discovery and time sync through the engine first. */
        struct wire_vb vbs[MAX_VBS];
        size_t n;
        smiINT st, ix;
        const char *one[] = {SYSNAME, NULL};
        assert_int_equal(wire_request(sess, &ev, dst, ctx, SNMP_PDU_GET, 0, 0, one, NULL, vbs,
                                      MAX_VBS, &n, &st, &ix, REQ_TIMEOUT_MS), 0);
        smiINT32 rid = 4242 + (smiINT32)i;
        HSNMP_PDU pdu = get_pdu(rid);
        smiOCTETS msg;
        encode(dst, ctx, pdu, &msg);
        if (i < 2)  /* encrypted: the OID is not in clear */
            assert_null(memmem(msg.ptr, msg.len, "\x2b\x06\x01\x02\x01\x01\x05", 7));
        uint8_t answer[65536];
        size_t alen = ask_snmpd(fd, 0, &msg, answer, sizeof answer);
        SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);
        struct decoded d;
        smiUINT32 err = 0;
        if (decode(answer, alen, &d, &err) == SNMPAPI_FAILURE)
            fail_msg("%s: SnmpDecodeMsg: %s", names[i], wn_wsnmp_strerror(err));
        print_message("%s: %s\n", names[i], d.src);
        assert_int_equal(d.type, SNMP_PDU_RESPONSE);
        assert_int_equal(d.rid, rid);
        assert_int_equal(d.status, 0);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.vbs[0].oid, SYSNAME);
        assert_string_equal(d.vbs[0].val, vbs[0].val);
        char want[128];
        snprintf(want, sizeof want, "snmpv3:%s;level=%s@0.0.0.0:0", names[i], levels[i]);
        assert_string_equal(d.src, want);
        assert_string_equal(d.dst, want);
        assert_int_equal(d.ctx.len, 0);
        SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&d.ctx);
        SnmpFreePdu(pdu);
        SnmpFreeEntity(dst);
    }
    close(fd);
    SnmpFreeContext(ctx);
}

/* With engineid= and no cached clock (snmpd over ::1, never asked), the
 * message goes at boots and time 0: snmpd authenticates it and answers
 * with an authenticated notInTimeWindow report, which SnmpDecodeMsg
 * gives as a Report PDU (a wrong key would get wrongDigest instead). */
static void
test_v3_encode_with_engineid_gets_time_report(void **state)
{
    (void)state;
    char s[256];
    snprintf(s, sizeof s, "snmpv3:v3sha;engineid=" SNMPD_ENGINE_ID "@[::1]:%u", peer.snmpd_port);
    HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
    HSNMP_CONTEXT ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "snmpv3:");
    HSNMP_PDU pdu = get_pdu(99);
    smiOCTETS msg;
    /* Our own message decodes back (round trip): the user's keys for
     * that engine. */
    struct decoded d;
    round_trip(dst, ctx, pdu, &msg, &d, SYSNAME, "snmpv3:v3sha;level=authPriv@0.0.0.0:0");
    assert_int_equal(d.type, SNMP_PDU_GET);
    assert_int_equal(d.rid, 99);
    smiUINT32 err = 0;
    int fd = udp_socket(1, NULL);
    uint8_t answer[65536];
    size_t alen = ask_snmpd(fd, 1, &msg, answer, sizeof answer);
    assert_int_equal(decode(answer, alen, &d, &err), (SNMPAPI_STATUS)alen);
    assert_int_equal(d.type, PDU_REPORT);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.vbs[0].oid, NOT_IN_TIME_WINDOWS);
    assert_string_equal(d.src, "snmpv3:v3sha;level=authNoPriv@0.0.0.0:0");
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&d.ctx);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);
    close(fd);
    SnmpFreePdu(pdu);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
}

/* A Trap goes from our engine: encoded, it decodes back to the same PDU,
 * with the context name. */
static void
test_v3_trap_round_trip(void **state)
{
    (void)state;
    HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, "snmpv3:v3md5@127.0.0.1:162");
    HSNMP_CONTEXT ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "snmpv3:ctx-a");
    smiOID name;
    wire_oid(".1.3.6.1.6.3.1.1.4.1.0", &name);     /* snmpTrapOID.0 */
    smiOID trap;
    wire_oid(".1.3.6.1.6.3.1.1.5.1", &trap);       /* coldStart */
    smiVALUE v = {.syntax = SNMP_SYNTAX_OID, .value.oid = trap};
    HSNMP_VBL vbl = SnmpCreateVbl(sess, &name, &v);
    assert_non_null(vbl);
    HSNMP_PDU pdu = SnmpCreatePdu(sess, SNMP_PDU_TRAP, 5150, 0, 0, vbl);
    smiOCTETS msg;
    struct decoded d;
    round_trip(dst, ctx, pdu, &msg, &d, ".1.3.6.1.6.3.1.1.4.1.0",
               "snmpv3:v3md5;level=authPriv@0.0.0.0:0");
    assert_int_equal(d.type, SNMP_PDU_TRAP);
    assert_int_equal(d.rid, 5150);
    assert_int_equal(d.ctx_len, 5);
    assert_memory_equal(d.ctx_text, "ctx-a", 5);
    smiUINT32 err = 0;
    /* One bit changed in the message: its digest no longer matches. */
    msg.ptr[msg.len - 1] ^= 1;
    assert_int_equal(decode(msg.ptr, msg.len, &d, &err), SNMPAPI_FAILURE);
    assert_int_equal(err, SNMPAPI_RPT_WRONGDIGEST);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);
    wire_oid_free(&name);
    wire_oid_free(&trap);
    SnmpFreeVbl(vbl);
    SnmpFreePdu(pdu);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
}

/* Runs `sh -c cmd` (its output discarded) and returns the first
 * datagram that reaches fd within 10 s; the command is stopped by PID. */
static size_t
capture(int fd, const char *cmd, uint8_t *buf, size_t cap)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 1);
        dup2(nul, 2);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    size_t len = recv_one(fd, buf, cap, 10000);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    assert_true(len > 0);
    return len;
}

/* What snmpget -v3 sends (with -e: no discovery) to a socket of the
 * test decodes with the database's user; a user the table lacks is
 * unknownUserName. */
static void
test_v3_decode_snmpget_message(void **state)
{
    (void)state;
    static const struct {
        const char *args, *src;
        smiUINT32 err;
    } cases[] = {
        {"-l authPriv -u v3sha -a SHA -A v3authpass1 -x AES -X v3privpass1 -n ctx-b",
         "snmpv3:v3sha;level=authPriv@0.0.0.0:0", 0},
        {"-l authPriv -u v3md5 -a MD5 -A v3authpass2 -x DES -X v3privpass2 -n ctx-b",
         "snmpv3:v3md5;level=authPriv@0.0.0.0:0", 0},
        {"-l authNoPriv -u v3auth -a SHA -A v3authpass9 -n ctx-b",
         "snmpv3:v3auth;level=authNoPriv@0.0.0.0:0", 0},
        {"-l authNoPriv -u nobody -a SHA -A v3authpass9 -n ctx-b", NULL,
         SNMPAPI_RPT_UNKNOWNUSERNAME},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned port;
        int fd = udp_socket(0, &port);
        char cmd[512];
        snprintf(cmd, sizeof cmd, "snmpget -v3 %s -e " SNMPD_ENGINE_ID " -r0 -t2 127.0.0.1:%u "
                 SYSNAME, cases[i].args, port);
        uint8_t buf[65536];
        size_t len = capture(fd, cmd, buf, sizeof buf);
        close(fd);
        struct decoded d;
        smiUINT32 err = 0;
        SNMPAPI_STATUS st = decode(buf, len, &d, &err);
        if (cases[i].err) {
            assert_int_equal(st, SNMPAPI_FAILURE);
            assert_int_equal(err, cases[i].err);
            continue;
        }
        if (st == SNMPAPI_FAILURE)
            fail_msg("%s: %s", cases[i].args, wn_wsnmp_strerror(err));
        assert_int_equal(d.type, SNMP_PDU_GET);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.vbs[0].oid, SYSNAME);
        assert_string_equal(d.src, cases[i].src);
        assert_int_equal(d.ctx.len, 5);
        assert_memory_equal(d.ctx.ptr, "ctx-b", 5);
        SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&d.ctx);
    }
}

/* An agent of our own on socket fd, built from the usm layer's
 * authoritative side: takes one message and answers it with a
 * noAuthNoPriv Report of `oid` from engine FAKE_ENGINE_ID. */
static const uint8_t fake_engine_id[] = {0x80, 0x00, 0x1f, 0x88, 0x04, 'f', 'a', 'k', 'e'};

static void
fake_agent_report(int fd, const uint32_t *oid, size_t oid_len)
{
    uint8_t in_buf[65536], out_buf[4096];
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&pf, 1, 10000), 1);
    ssize_t n = recvfrom(fd, in_buf, sizeof in_buf, 0, (struct sockaddr *)&from, &fromlen);
    assert_true(n > 0);
    struct wn_usm_in in;
    assert_int_equal(wn_usm_parse(in_buf, (size_t)n, &in), 0);
    assert_false(in.msg.flags & WN_SNMP_V3_FLAG_PRIV);
    struct wn_usm_engine eng;
    memset(&eng, 0, sizeof eng);
    assert_int_equal(wn_usm_engine_set_id(&eng, fake_engine_id, sizeof fake_engine_id), 0);
    struct wn_snmp_varbind vb = {.oid = oid, .oid_len = oid_len,
                                 .value = {.syntax = WN_SNMP_SYN_COUNTER32, .v.u32 = 1}};
    struct wn_snmp_scoped_pdu sc = {.context_engine_id = eng.id,
                                    .context_engine_id_len = eng.id_len};
    sc.pdu.type = WN_SNMP_PDU_REPORT;
    sc.pdu.request_id = in.msg.scoped.pdu.request_id;
    sc.pdu.vbs = &vb;
    sc.pdu.vb_count = 1;
    struct wn_usm_out o = {.engine = &eng, .msg_id = in.msg.msg_id,
                           .max_size = WN_SNMP_MAX_MSG, .scoped = &sc};
    const uint8_t *msg;
    size_t len;
    assert_int_equal(wn_usm_encode(&o, NULL, 0, out_buf, sizeof out_buf, NULL, 0, &msg, &len), 0);
    assert_int_equal(sendto(fd, msg, len, 0, (struct sockaddr *)&from, fromlen), (ssize_t)len);
}

/* Reports other than the usmStats ones reach the program as their own
 * codes in the notification path (and from SnmpRecvMsg): the MPD's
 * unknown security model and invalid message, anything else as
 * SNMPAPI_RPT_OTHER.  The agent answers the discovery probe as an agent
 * does (usmStatsUnknownEngineIDs), then the request (noAuthNoPriv user)
 * or the time sync (authNoPriv user) with the report. */
static void
test_v3_other_reports_in_notification_path(void **state)
{
    (void)state;
    static const struct {
        uint32_t oid[11];
        const char *user;
        smiUINT32 code;
    } cases[] = {
        {{1, 3, 6, 1, 6, 3, 11, 2, 1, 1, 0}, "v3noauth", SNMPAPI_RPT_UNKNOWNSECMODEL},
        {{1, 3, 6, 1, 6, 3, 11, 2, 1, 2, 0}, "v3noauth", SNMPAPI_RPT_INVALIDMSG},
        {{1, 3, 6, 1, 6, 3, 11, 2, 1, 3, 0}, "v3noauth", SNMPAPI_RPT_OTHER},  /* unknownPDUHandlers */
        {{1, 3, 6, 1, 6, 3, 15, 1, 1, 99, 0}, "v3noauth", SNMPAPI_RPT_OTHER},
        {{1, 3, 6, 1, 6, 3, 11, 2, 1, 2, 0}, "v3auth", SNMPAPI_RPT_INVALIDMSG},
    };
    const uint32_t *unknown_engine;
    size_t ue_len;
    assert_int_equal(wn_usm_report_oid(WN_E_UNKNOWNENGINEID, &unknown_engine, &ue_len), 0);
    HSNMP_CONTEXT ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "snmpv3:");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned port;
        int fd = udp_socket(0, &port);      /* a new agent: discovered anew */
        char s[256];
        snprintf(s, sizeof s, "snmpv3:%s@127.0.0.1:%u", cases[i].user, port);
        HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
        const char *one[] = {SYSNAME, NULL};
        smiINT32 rid;
        assert_int_equal(wire_send(sess, dst, ctx, SNMP_PDU_GET, 0, 0, one, NULL, &rid), 0);
        fake_agent_report(fd, unknown_engine, ue_len);
        fake_agent_report(fd, cases[i].oid, 11);
        struct wire_event e;
        assert_int_equal(wire_events_wait(&ev, REQ_TIMEOUT_MS, &e), 0);
        assert_int_equal((smiINT32)e.lparam, rid);
        if (e.wparam != cases[i].code)
            fail_msg("case %zu: %s, want %s", i, wn_wsnmp_strerror((smiUINT32)e.wparam),
                     wn_wsnmp_strerror(cases[i].code));
        HSNMP_PDU failed = NULL;
        assert_int_equal(SnmpRecvMsg(sess, NULL, NULL, NULL, &failed), SNMPAPI_FAILURE);
        assert_int_equal(SnmpGetLastError(sess), cases[i].code);
        SnmpFreePdu(failed);
        SnmpFreeEntity(dst);
        close(fd);
    }
    SnmpFreeContext(ctx);
}

/* A v1 Trap-PDU forwarded to a v3 entity (RFC 3584): WinSNMP has no v1
 * trap PDU of its own (SnmpCreatePdu refuses SNMP_PDU_V1TRAP); a received
 * or decoded one is already its SNMPv2-Trap translation (RFC 3584 3.1:
 * sysUpTime.0, snmpTrapOID.0 = enterprise.0.specific, its varbinds,
 * snmpTrapEnterprise.0), and that is what goes to a v3 entity, as
 * net-snmp's agent converts a v1 trap for a v2c/v3 sink.  Captured from
 * snmptrap -v1, decoded, sent with SnmpSendMsg to snmptrapd as wsha
 * (authPriv, known to it only for our engine ID): logged with the
 * translated trap OID, uptime, payload and enterprise. */
static void
test_v3_forwarded_v1_trap_reaches_snmptrapd(void **state)
{
    (void)state;
    unsigned port;
    int fd = udp_socket(0, &port);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "snmptrap -v1 -c public 127.0.0.1:%u .1.3.6.1.4.1.99999.7 "
             "127.0.0.9 6 17 4343 .1.3.6.1.4.1.99999.7.1 s 'v1 trap to v3'", port);
    uint8_t buf[65536];
    size_t len = capture(fd, cmd, buf, sizeof buf);
    close(fd);
    smiOCTETS in = {(smiUINT32)len, buf};
    HSNMP_PDU pdu = NULL;
    assert_int_equal(SnmpDecodeMsg(sess, NULL, NULL, NULL, &pdu, &in), (SNMPAPI_STATUS)len);
    smiINT type;
    assert_int_equal(SnmpGetPduData(pdu, &type, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_TRAP);
    char s[256];
    snprintf(s, sizeof s,
             "snmpv3:wsha;auth=SHA;authpass=wsauthpass1;priv=AES;privpass=wsprivpass1@127.0.0.1:%u",
             peer.trapd_port);
    HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, s);
    HSNMP_CONTEXT ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, "snmpv3:");
    /* Encoded, it is an SNMPv3 message (from our engine). */
    smiOCTETS msg;
    encode(dst, ctx, pdu, &msg);
    assert_int_equal(msg.ptr[0], 0x30);
    assert_true(wn_ws_v3_looks_v3(msg.ptr, msg.len));
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);
    assert_int_equal(SnmpSendMsg(sess, NULL, dst, ctx, pdu), SNMPAPI_SUCCESS);
    char line[2048];
    assert_true(wire_trapd_log_line(&peer, ".1.3.6.1.4.1.99999.7.0.17", "v1 trap to v3", line,
                                    sizeof line));
    print_message("%s\n", line);
    assert_non_null(strstr(line, "Timeticks: (4343)"));           /* the v1 time-stamp */
    assert_non_null(strstr(line, ".1.3.6.1.6.3.1.1.4.3.0"));     /* snmpTrapEnterprise.0 */
    assert_non_null(strstr(line, ".1.3.6.1.4.1.99999.7"));
    SnmpFreePdu(pdu);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_authpriv_exchanges_leave_no_plaintext),
        cmocka_unit_test(test_v3_encode_without_known_engine_fails),
        cmocka_unit_test(test_v3_encoded_requests_answered_by_snmpd),
        cmocka_unit_test(test_v3_encode_too_big_like_v2c),
        cmocka_unit_test(test_v3_encode_with_engineid_gets_time_report),
        cmocka_unit_test(test_v3_trap_round_trip),
        cmocka_unit_test(test_v3_decode_snmpget_message),
        cmocka_unit_test(test_v3_other_reports_in_notification_path),
        cmocka_unit_test(test_v3_forwarded_v1_trap_reaches_snmptrapd),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
