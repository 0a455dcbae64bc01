/* test_snmpv3_peer.c: the snmp v3 codec and the usm layer against a real snmpd with v3 users: discovery, time sync, GET/GETNEXT/GETBULK/SET compared with net-snmp's tools, and the distinct errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usm.h"
#include "v3drv.h"
#include "wire_tool.h"


struct v3case {
    const char *user, *auth, *apass, *priv, *ppass;
    int rw;
};

/* tests/peer/snmpv3/snmpd-v3-users.conf */
static const struct v3case cases[] = {
    {"v3sha", "SHA", "v3authpass1", "AES", "v3privpass1", 1},
    {"v3md5", "MD5", "v3authpass2", "DES", "v3privpass2", 1},
    {"v3sha256", "SHA-256", "v3authpass3", "AES", "v3privpass3", 1},
    {"v3sha512", "SHA-512", "v3authpass4", "AES-256", "v3privpass4", 1},
    {"v3sha224", "SHA-224", "v3authpass5", "AES-192", "v3privpass5", 1},
    {"v3sha384", "SHA-384", "v3authpass6", "AES", "v3privpass6", 1},
    {"v3sha1a256", "SHA", "v3authpass7", "AES-256", "v3privpass7", 1},
    {"v3md5a192", "MD5", "v3authpass8", "AES-192", "v3privpass8", 1},
    {"v3cisco", "SHA", "v3authpassA", "AES-256-C", "v3privpassA", 1},
    {"v3auth", "SHA", "v3authpass9", NULL, NULL, 0},
    {"v3noauth", NULL, NULL, NULL, NULL, 0},
};

#define ENGINE_ID "\x80\x00\x1f\x88\x04v3-snmpd"
#define ENGINE_ID_LEN 13
#define MAX_VBS 16384

static const uint32_t sys_root[] = {1, 3, 6, 1, 2, 1, 1};
static const uint32_t mib2_root[] = {1, 3, 6, 1, 2, 1};
static const uint32_t sys_contact[] = {1, 3, 6, 1, 2, 1, 1, 4, 0};

/* net-snmp's options for a case: "-l authPriv -u X -a SHA -A ... -x AES -X ...". */
static void
tool_opts(const struct v3case *c, char *buf, size_t n)
{
    if (!c->auth)
        snprintf(buf, n, "-v3 -l noAuthNoPriv -u %s", c->user);
    else if (!c->priv)
        snprintf(buf, n, "-v3 -l authNoPriv -u %s -a %s -A %s", c->user, c->auth, c->apass);
    else
        snprintf(buf, n, "-v3 -l authPriv -u %s -a %s -A %s -x %s -X %s", c->user, c->auth,
                 c->apass, c->priv, c->ppass);
}

static uint8_t
case_user(const struct v3case *c, struct wn_usm_user *u)
{
    enum wn_usm_auth a = WN_USM_AUTH_NONE;
    enum wn_usm_priv p = WN_USM_PRIV_NONE;
    if (c->auth)
        assert_int_equal(wn_usm_auth_from_name(c->auth, &a), 0);
    if (c->priv)
        assert_int_equal(wn_usm_priv_from_name(c->priv, &p), 0);
    assert_int_equal(wn_usm_user_init(u, c->user, a, c->apass, p, c->ppass), 0);
    return (uint8_t)((c->auth ? WN_SNMP_V3_FLAG_AUTH : 0) | (c->priv ? WN_SNMP_V3_FLAG_PRIV : 0));
}

static void
oid_text(const uint32_t *sub, size_t n, char *buf, size_t cap)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && off + 12 < cap; i++)
        off += (size_t)snprintf(buf + off, cap - off, ".%" PRIu32, sub[i]);
}

/* Our varbind in the canonical text of wire_parse_tool_output. */
static void
vb_text(const struct wn_snmp_varbind *vb, struct wire_vb *out)
{
    uint32_t sub[WN_SNMP_MAX_OID_LEN];
    size_t n;
    assert_int_equal(wn_snmp_vb_name(vb, sub, WN_SNMP_MAX_OID_LEN, &n), 0);
    oid_text(sub, n, out->oid, sizeof out->oid);
    const struct wn_snmp_value *v = &vb->value;
    char *s = out->val;
    size_t cap = sizeof out->val, off;
    switch (v->syntax) {
    case WN_SNMP_SYN_INTEGER:
        snprintf(s, cap, "INTEGER: %" PRId32, v->v.i32);
        break;
    case WN_SNMP_SYN_OCTETS:
        off = (size_t)snprintf(s, cap, "STRING: ");
        for (size_t i = 0; i < v->v.bytes.len && off + 3 < cap; i++)
            off += (size_t)snprintf(s + off, cap - off, "%02X", v->v.bytes.p[i]);
        break;
    case WN_SNMP_SYN_OID: {
        char o[1024];
        assert_int_equal(wn_snmp_oid_decode(v->v.bytes.p, v->v.bytes.len, sub,
                                            WN_SNMP_MAX_OID_LEN, &n), 0);
        oid_text(sub, n, o, sizeof o);
        snprintf(s, cap, "OID: %s", o);
        break;
    }
    case WN_SNMP_SYN_IPADDR:
        snprintf(s, cap, "IpAddress: %u.%u.%u.%u", v->v.bytes.p[0], v->v.bytes.p[1],
                 v->v.bytes.p[2], v->v.bytes.p[3]);
        break;
    case WN_SNMP_SYN_COUNTER32: case WN_SNMP_SYN_GAUGE32: case WN_SNMP_SYN_TIMETICKS:
        snprintf(s, cap, "%s: %" PRIu32,
                 v->syntax == WN_SNMP_SYN_COUNTER32 ? "Counter32"
                 : v->syntax == WN_SNMP_SYN_GAUGE32 ? "Gauge32" : "Timeticks", v->v.u32);
        break;
    case WN_SNMP_SYN_COUNTER64:
        snprintf(s, cap, "Counter64: %" PRIu64, v->v.u64);
        break;
    case WN_SNMP_SYN_OPAQUE:
        snprintf(s, cap, "Opaque: ?");
        break;
    case WN_SNMP_SYN_NULL:
        snprintf(s, cap, "NULL");
        break;
    case WN_SNMP_SYN_NOSUCHOBJECT:
        snprintf(s, cap, "noSuchObject");
        break;
    case WN_SNMP_SYN_NOSUCHINSTANCE:
        snprintf(s, cap, "noSuchInstance");
        break;
    default:
        snprintf(s, cap, "endOfMibView");
        break;
    }
}

static size_t
resp_texts(const struct wn_snmp_pdu *resp, struct wire_vb *out, size_t max)
{
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    size_t k = 0;
    wn_snmp_vb_iter_init(&it, resp);
    while (k < max && wn_snmp_vb_next(&it, &vb) == 1)
        vb_text(&vb, &out[k++]);
    return k;
}

static void
compare(const struct wire_vb *ours, size_t n_ours, const struct wire_vb *ref, size_t n_ref,
        const char *what)
{
    if (n_ours != n_ref)
        fail_msg("%s: %zu varbinds, net-snmp %zu", what, n_ours, n_ref);
    for (size_t i = 0; i < n_ref; i++) {
        char why[1024];
        if (wire_vb_compare(&ours[i], &ref[i], why, sizeof why) != 0)
            fail_msg("%s: %s", what, why);
    }
}

/* Runs a net-snmp tool with the case's options; parses its output. */
static size_t
tool(const struct v3case *c, const char *prog, const char *args, struct wire_vb *out, size_t max)
{
    char opts[512];
    char *text = NULL;
    tool_opts(c, opts, sizeof opts);
    int rc = wire_run(&text, "%s %s " WIRE_TOOL_OPTS " 127.0.0.1:%u %s 2>&1", prog, opts,
                      v3_peers.snmpd_port, args);
    if (rc != 0)
        fail_msg("%s %s failed (%d): %s", prog, opts, rc, text ? text : "");
    size_t n = wire_parse_tool_output(text, out, max);
    free(text);
    return n;
}

static struct wire_vb ours[MAX_VBS], ref[MAX_VBS];

/* GETBULK walk of the subtree under root[0..rn) with our driver. */
static size_t
walk(struct v3drv *d, const uint32_t *root, size_t rn, struct wire_vb *out, size_t max)
{
    uint32_t cur[WN_SNMP_MAX_OID_LEN];
    size_t cn = rn, k = 0;
    memcpy(cur, root, rn * sizeof *cur);
    for (;;) {
        struct wn_snmp_varbind vb = {.oid = cur, .oid_len = cn,
                                     .value = {.syntax = WN_SNMP_SYN_NULL}};
        struct wn_snmp_pdu req = {.type = WN_SNMP_PDU_GETBULK, .vbs = &vb, .vb_count = 1};
        wn_snmp_pdu_set_bulk(&req, 0, 25);
        const struct wn_snmp_pdu *resp;
        assert_int_equal(v3drv_request(d, &req, &resp), 0);
        assert_int_equal(resp->error_status, 0);
        struct wn_snmp_vb_iter it;
        struct wn_snmp_varbind got;
        wn_snmp_vb_iter_init(&it, resp);
        int more = 0;
        while (wn_snmp_vb_next(&it, &got) == 1) {
            uint32_t sub[WN_SNMP_MAX_OID_LEN];
            size_t n;
            assert_int_equal(wn_snmp_vb_name(&got, sub, WN_SNMP_MAX_OID_LEN, &n), 0);
            if (got.value.syntax == WN_SNMP_SYN_ENDOFMIBVIEW || n < rn
                || memcmp(sub, root, rn * sizeof *sub) != 0)
                return k;
            assert_true(wn_snmp_oid_cmp(sub, n, cur, cn) > 0);     /* increasing */
            assert_true(k < max);
            vb_text(&got, &out[k++]);
            memcpy(cur, sub, n * sizeof *sub);
            cn = n;
            more = 1;
        }
        if (!more)
            return k;
    }
}

static void
run_case(const struct v3case *c, int full_walk)
{
    struct wn_usm_user u;
    struct v3drv d;
    uint8_t level = case_user(c, &u);
    assert_int_equal(v3drv_open(&d, v3_peers.snmpd_port, &u, level), 0);
    assert_int_equal(v3drv_discover(&d), 0);
    assert_int_equal(d.peer.engine.id_len, ENGINE_ID_LEN);
    assert_memory_equal(d.peer.engine.id, ENGINE_ID, ENGINE_ID_LEN);
    assert_int_equal(d.peer.time_syncs, c->auth ? 1 : 0);

    /* GET of three scalars. */
    static const uint32_t descr[] = {1, 3, 6, 1, 2, 1, 1, 1, 0}, objid[] = {1, 3, 6, 1, 2, 1, 1, 2, 0},
                          name[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};
    struct wn_snmp_varbind vbs[3] = {
        {.oid = descr, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_NULL}},
        {.oid = objid, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_NULL}},
        {.oid = name, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_NULL}},
    };
    struct wn_snmp_pdu get = {.type = WN_SNMP_PDU_GET, .vbs = vbs, .vb_count = 3};
    const struct wn_snmp_pdu *resp;
    assert_int_equal(v3drv_request(&d, &get, &resp), 0);
    size_t n = resp_texts(resp, ours, MAX_VBS);
    size_t r = tool(c, "snmpget", ".1.3.6.1.2.1.1.1.0 .1.3.6.1.2.1.1.2.0 .1.3.6.1.2.1.1.5.0", ref,
                    MAX_VBS);
    compare(ours, n, ref, r, "GET");

    /* GETNEXT from the system group. */
    struct wn_snmp_varbind nx = {.oid = sys_root, .oid_len = 7,
                                 .value = {.syntax = WN_SNMP_SYN_NULL}};
    struct wn_snmp_pdu next = {.type = WN_SNMP_PDU_GETNEXT, .vbs = &nx, .vb_count = 1};
    assert_int_equal(v3drv_request(&d, &next, &resp), 0);
    n = resp_texts(resp, ours, MAX_VBS);
    r = tool(c, "snmpgetnext", ".1.3.6.1.2.1.1", ref, MAX_VBS);
    compare(ours, n, ref, r, "GETNEXT");

    /* GETBULK walk of the system group (or of mib-2). */
    const uint32_t *root = full_walk ? mib2_root : sys_root;
    size_t rn = full_walk ? 6 : 7;
    n = walk(&d, root, rn, ours, MAX_VBS);
    r = tool(c, "snmpbulkwalk", full_walk ? ".1.3.6.1.2.1" : ".1.3.6.1.2.1.1", ref, MAX_VBS);
    if (full_walk) {
        n = wire_filter_row_volatile(ours, n);
        r = wire_filter_row_volatile(ref, r);
    }
    assert_true(n > 10);
    compare(ours, n, ref, r, "GETBULK walk");
    print_message("  walk %s: %zu varbinds equal to snmpbulkwalk's\n",
                  full_walk ? ".1.3.6.1.2.1" : ".1.3.6.1.2.1.1", n);

    /* SET sysContact.0 and read it back with snmpget -v3. */
    if (c->rw) {
        char text[64], want[160];
        snprintf(text, sizeof text, "set by %s", c->user);
        struct wn_snmp_varbind sv = {
            .oid = sys_contact, .oid_len = 9,
            .value = {.syntax = WN_SNMP_SYN_OCTETS,
                      .v.bytes = {(const uint8_t *)text, strlen(text)}}};
        struct wn_snmp_pdu set = {.type = WN_SNMP_PDU_SET, .vbs = &sv, .vb_count = 1};
        assert_int_equal(v3drv_request(&d, &set, &resp), 0);
        assert_int_equal(resp->error_status, 0);
        r = tool(c, "snmpget", ".1.3.6.1.2.1.1.4.0", ref, MAX_VBS);
        assert_int_equal(r, 1);
        size_t off = (size_t)snprintf(want, sizeof want, "STRING: ");
        for (size_t i = 0; text[i]; i++)
            off += (size_t)snprintf(want + off, sizeof want - off, "%02X", (unsigned char)text[i]);
        assert_string_equal(ref[0].val, want);
    }
    /* Localized once for this (user, engine), however many requests. */
    assert_int_equal(u.localizations, c->auth ? 1 : 0);
    assert_int_equal(d.peer.resyncs, 0);
    v3drv_close(&d);
    wn_usm_user_clear(&u);
}

static void
test_v3_every_user_matches_net_snmp(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        print_message("user %s (%s/%s)\n", cases[i].user, cases[i].auth ? cases[i].auth : "-",
                      cases[i].priv ? cases[i].priv : "-");
        run_case(&cases[i], 0);
    }
}

static void
test_v3_full_mib2_walk_sha256_aes_matches_snmpbulkwalk(void **state)
{
    (void)state;
    run_case(&cases[2], 1);
}

/* Runs one request for a user with the given pass phrases; the result. */
static int
one_request(const char *user, const char *auth, const char *apass, const char *priv,
            const char *ppass, struct v3drv *d, struct wn_usm_user *u)
{
    const struct v3case c = {user, auth, apass, priv, ppass, 0};
    uint8_t level = case_user(&c, u);
    assert_int_equal(v3drv_open(d, v3_peers.snmpd_port, u, level), 0);
    d->timeout_ms = 1000;
    d->retries = 0;
    struct wn_snmp_varbind vb = {.oid = sys_contact, .oid_len = 9,
                                 .value = {.syntax = WN_SNMP_SYN_NULL}};
    struct wn_snmp_pdu get = {.type = WN_SNMP_PDU_GET, .vbs = &vb, .vb_count = 1};
    const struct wn_snmp_pdu *resp;
    int rc = v3drv_request(d, &get, &resp);
    v3drv_close(d);
    wn_usm_user_clear(u);
    return rc;
}

static void
test_v3_wrong_auth_wrong_priv_unknown_user_are_distinct_errors(void **state)
{
    (void)state;
    struct v3drv d;
    struct wn_usm_user u;
    int auth = one_request("v3sha", "SHA", "wrong-auth-pass", "AES", "v3privpass1", &d, &u);
    int priv = one_request("v3sha", "SHA", "v3authpass1", "AES", "wrong-priv-pass", &d, &u);
    int user = one_request("nobody", "SHA", "v3authpass1", "AES", "v3privpass1", &d, &u);
    int level = one_request("v3auth", "SHA", "v3authpass9", "AES", "some-priv-pass", &d, &u);
    print_message("wrong auth: %s, wrong priv: %s, unknown user: %s, level: %s\n",
                  wn_errname(auth), wn_errname(priv), wn_errname(user), wn_errname(level));
    assert_int_equal(auth, WN_E_WRONGDIGEST);
    assert_int_equal(priv, WN_E_DECRYPTIONERROR);
    assert_int_equal(user, WN_E_UNKNOWNUSERNAME);
    assert_int_equal(level, WN_E_UNSUPPORTEDSECLEVEL);
    /* net-snmp agrees on the first and third, and only times out on the
     * second (snmpd sends no report for what it cannot decrypt). */
    char *text = NULL;
    wire_run(&text, "snmpget -v3 -l authPriv -u v3sha -a SHA -A wrong-auth-pass -x AES -X x12345678"
                    " -r0 -t1 127.0.0.1:%u .1.3.6.1.2.1.1.4.0 2>&1", v3_peers.snmpd_port);
    assert_non_null(strstr(text, "Authentication failure"));
    free(text);
    text = NULL;
    wire_run(&text, "snmpget -v3 -l authPriv -u nobody -a SHA -A v3authpass1 -x AES -X v3privpass1"
                    " -r0 -t1 127.0.0.1:%u .1.3.6.1.2.1.1.4.0 2>&1", v3_peers.snmpd_port);
    assert_non_null(strstr(text, "Unknown user name"));
    free(text);
}

static void
test_v3_not_in_time_window_and_stale_engine_id_recover(void **state)
{
    (void)state;
    struct wn_usm_user u;
    struct v3drv d;
    uint8_t level = case_user(&cases[0], &u);
    assert_int_equal(v3drv_open(&d, v3_peers.snmpd_port, &u, level), 0);
    assert_int_equal(v3drv_discover(&d), 0);
    struct wn_snmp_varbind vb = {.oid = sys_contact, .oid_len = 9,
                                 .value = {.syntax = WN_SNMP_SYN_NULL}};
    struct wn_snmp_pdu get = {.type = WN_SNMP_PDU_GET, .vbs = &vb, .vb_count = 1};
    const struct wn_snmp_pdu *resp;
    /* Our clock of the agent 1000 s behind: snmpd answers notInTimeWindow
     * (authenticated), we resync and retry once. */
    d.peer.engine.time = d.peer.engine.time > 1000 ? d.peer.engine.time - 1000 : 0;
    d.peer.engine.latest_time = d.peer.engine.time;
    d.peer.engine.boots = 0;
    assert_int_equal(v3drv_request(&d, &get, &resp), 0);
    assert_int_equal(d.peer.resyncs, 1);
    /* A stale engine ID: unknownEngineID, rediscovery, retry once. */
    d.peer.engine.id[d.peer.engine.id_len - 1] ^= 0x55;
    assert_int_equal(v3drv_request(&d, &get, &resp), 0);
    assert_int_equal(d.peer.resyncs, 2);
    assert_int_equal(d.peer.discoveries, 2);
    assert_memory_equal(d.peer.engine.id, ENGINE_ID, ENGINE_ID_LEN);
    /* Two engine IDs seen: two localisations, each once. */
    assert_int_equal(u.localizations, 2);
    v3drv_close(&d);
    wn_usm_user_clear(&u);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_every_user_matches_net_snmp),
        cmocka_unit_test(test_v3_full_mib2_walk_sha256_aes_matches_snmpbulkwalk),
        cmocka_unit_test(test_v3_wrong_auth_wrong_priv_unknown_user_are_distinct_errors),
        cmocka_unit_test(test_v3_not_in_time_window_and_stale_engine_id_recover),
    };
    return cmocka_run_group_tests(tests, v3_peers_setup_snmpd, v3_peers_teardown);
}
