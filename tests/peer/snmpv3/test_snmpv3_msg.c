/* test_snmpv3_msg.c: SNMPv3 messages of libwsnmp against a private snmpd: no plaintext left in the request engine's buffers after authPriv exchanges (a seam into engv3.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "engv3.h"
#include "wire_tool.h"
#include "wire_util.h"

#define REQ_TIMEOUT_MS 60000u
#define MAX_VBS 64

static struct wire_peers peer;
static struct wire_events ev;
static HSNMP_SESSION sess;
static char dbfile[512];

static int
group_setup(void **state)
{
    (void)state;
    setenv("SNMPD_EXTRA_CONF", V3_DIR "/snmpd-v3-users.conf", 1);
    if (wire_peers_start(&peer, 1, 0) != 0) {
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
    smiUINT32 a, b, c, d, e;
    if (SnmpStartup(&a, &b, &c, &d, &e) != SNMPAPI_SUCCESS)
        return -1;
    wire_events_init(&ev);
    sess = SnmpCreateSession(NULL, 0, wire_events_cb, &ev);
    return sess ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    SnmpClose(sess);
    SnmpCleanup();
    wire_events_destroy(&ev);
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
    /* A wrong priv pass phrase: the request times out, the authNoPriv
     * diagnosis tells decryptionError; nothing left either. */
    HSNMP_ENTITY bad = v3_entity("v3sha", "SHA", "v3authpass1", "AES", "not-the-priv-pass");
    assert_int_equal(SnmpSetTimeout(bad, 50), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetRetry(bad, 0), SNMPAPI_SUCCESS);
    const char *one[] = {".1.3.6.1.2.1.1.5.0", NULL};
    smiINT32 rid;
    assert_int_equal(wire_send(sess, bad, ctx, SNMP_PDU_GET, 0, 0, one, NULL, &rid), 0);
    struct wire_event e;
    assert_int_equal(wire_events_wait(&ev, REQ_TIMEOUT_MS, &e), 0);
    assert_int_equal(e.wparam, SNMPAPI_RPT_DECRYPTIONERROR);
    assert_true(engine_buffers_clear());
    SnmpFreeEntity(bad);
    SnmpFreeContext(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_authpriv_exchanges_leave_no_plaintext),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
