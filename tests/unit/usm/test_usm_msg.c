/* test_usm_msg.c: USM message processing: net-snmp's own authNoPriv/authPriv messages verified and decrypted, our messages for every protocol pair, timeliness (RFC 3414 3.2 step 7), security parameters and reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base.h"
#include "usm.h"
#include "crypto/test_hex.h"
#include "snmp/v3_golden.h"

#define ENGINE GOLD_ENGINE

static uint8_t scratch[WN_SNMP_MAX_MSG];
static uint8_t wire[WN_SNMP_MAX_MSG];

static void
engine_init(struct wn_usm_engine *e)
{
    size_t n;
    const uint8_t *id = hx(ENGINE, &n);
    memset(e, 0, sizeof *e);
    assert_int_equal(wn_usm_engine_set_id(e, id, n), 0);
}

static size_t
load(const char *hex)
{
    size_t n;
    const uint8_t *b = hx(hex, &n);
    memcpy(wire, b, n);
    return n;
}

/* Parses a golden message and checks what process_in says of it. */
static void
expect(const char *hex, struct wn_usm_user *u, struct wn_usm_engine *e, int authoritative,
       int err)
{
    struct wn_usm_in in;
    size_t n = load(hex);
    assert_int_equal(wn_usm_parse(wire, n, &in), 0);
    assert_int_equal(wn_usm_process_in(&in, u, e, authoritative, 1000, scratch, sizeof scratch),
                     err);
}

static void
test_usm_verifies_net_snmp_authnopriv_message(void **state)
{
    (void)state;
    struct wn_usm_user u;
    struct wn_usm_engine e;
    struct wn_usm_in in;
    engine_init(&e);
    assert_int_equal(wn_usm_user_init(&u, "v3auth", WN_USM_AUTH_SHA1, "v3authpass9",
                                      WN_USM_PRIV_NONE, NULL), 0);
    size_t n = load(GOLD_AUTHNOPRIV);
    assert_int_equal(wn_usm_parse(wire, n, &in), 0);
    assert_int_equal(in.sp.user_len, 6);
    assert_int_equal(wn_usm_process_in(&in, &u, &e, 0, 1000, scratch, sizeof scratch), 0);
    assert_int_equal(in.scoped.pdu.vb_count, 1);
    /* One flipped bit anywhere in the covered bytes breaks the digest. */
    wire[n - 3] ^= 0x01;
    assert_int_equal(wn_usm_parse(wire, n, &in), 0);
    assert_int_equal(wn_usm_process_in(&in, &u, &e, 0, 1000, scratch, sizeof scratch),
                     WN_E_WRONGDIGEST);
    /* A wrong pass phrase is a wrong digest too. */
    struct wn_usm_user bad, none, other;
    assert_int_equal(wn_usm_user_init(&bad, "v3auth", WN_USM_AUTH_SHA1, "v3authpassX",
                                      WN_USM_PRIV_NONE, NULL), 0);
    expect(GOLD_AUTHNOPRIV, &bad, &e, 0, WN_E_WRONGDIGEST);
    /* A user without auth cannot take an authenticated message. */
    assert_int_equal(wn_usm_user_init(&none, "v3auth", WN_USM_AUTH_NONE, NULL,
                                      WN_USM_PRIV_NONE, NULL), 0);
    expect(GOLD_AUTHNOPRIV, &none, &e, 0, WN_E_UNSUPPORTEDSECLEVEL);
    /* Step 3: another user's name, no user at all, another engine. */
    assert_int_equal(wn_usm_user_init(&other, "v3other", WN_USM_AUTH_SHA1, "v3authpass9",
                                      WN_USM_PRIV_NONE, NULL), 0);
    expect(GOLD_AUTHNOPRIV, &other, &e, 0, WN_E_UNKNOWNUSERNAME);
    expect(GOLD_AUTHNOPRIV, NULL, &e, 0, WN_E_UNKNOWNUSERNAME);
    struct wn_usm_engine elsewhere = e;
    elsewhere.id[0] ^= 1;
    expect(GOLD_AUTHNOPRIV, &u, &elsewhere, 0, WN_E_UNKNOWNENGINEID);
    /* As the authoritative agent: a discovery probe (noAuthNoPriv, empty
     * engine ID) gets unknownEngineID; as a manager it passes. */
    expect(GOLD_DISCOVERY, NULL, &e, 1, WN_E_UNKNOWNENGINEID);
    expect(GOLD_DISCOVERY, NULL, &e, 0, 0);
    wn_usm_user_clear(&u);
    wn_usm_user_clear(&bad);
    wn_usm_user_clear(&none);
    wn_usm_user_clear(&other);
}

static void
test_usm_decrypts_net_snmp_authpriv_message(void **state)
{
    (void)state;
    struct wn_usm_user u, wrongpriv;
    struct wn_usm_engine e;
    struct wn_usm_in in;
    engine_init(&e);
    assert_int_equal(wn_usm_user_init(&u, "v3sha", WN_USM_AUTH_SHA1, "v3authpass1",
                                      WN_USM_PRIV_AES128, "v3privpass1"), 0);
    size_t n = load(GOLD_AUTHPRIV);
    assert_int_equal(wn_usm_parse(wire, n, &in), 0);
    assert_int_equal(wn_usm_process_in(&in, &u, &e, 0, 1000, scratch, sizeof scratch), 0);
    assert_int_equal(in.scoped.pdu.type, WN_SNMP_PDU_GET);
    assert_int_equal(in.scoped.context_engine_id_len, 13);
    static const uint32_t sysname[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    wn_snmp_vb_iter_init(&it, &in.scoped.pdu);
    assert_int_equal(wn_snmp_vb_next(&it, &vb), 1);
    assert_true(wn_snmp_vb_name_equals(&vb, sysname, 9));
    /* Right auth, wrong priv pass phrase: the digest passes, decryption
     * yields no ScopedPDU. */
    assert_int_equal(wn_usm_user_init(&wrongpriv, "v3sha", WN_USM_AUTH_SHA1, "v3authpass1",
                                      WN_USM_PRIV_AES128, "v3privpassX"), 0);
    assert_int_equal(wn_usm_parse(wire, n, &in), 0);
    assert_int_equal(wn_usm_process_in(&in, &wrongpriv, &e, 0, 1000, scratch, sizeof scratch),
                     WN_E_DECRYPTIONERROR);
    wn_usm_user_clear(&u);
    wn_usm_user_clear(&wrongpriv);
}

struct pair {
    enum wn_usm_auth a;
    enum wn_usm_priv p;
};

static void
test_usm_roundtrip_every_protocol_pair(void **state)
{
    (void)state;
    static const struct pair pairs[] = {
        {WN_USM_AUTH_MD5, WN_USM_PRIV_DES}, {WN_USM_AUTH_SHA1, WN_USM_PRIV_AES128},
        {WN_USM_AUTH_SHA224, WN_USM_PRIV_AES192}, {WN_USM_AUTH_SHA256, WN_USM_PRIV_AES128},
        {WN_USM_AUTH_SHA384, WN_USM_PRIV_AES256}, {WN_USM_AUTH_SHA512, WN_USM_PRIV_AES256},
        {WN_USM_AUTH_MD5, WN_USM_PRIV_AES192}, {WN_USM_AUTH_SHA1, WN_USM_PRIV_AES256_REEDER},
        {WN_USM_AUTH_SHA1, WN_USM_PRIV_AES192_REEDER}, {WN_USM_AUTH_SHA256, WN_USM_PRIV_NONE},
    };
    static const uint32_t oid[] = {1, 3, 6, 1, 2, 1, 1, 4, 0};
    const char text[] = "a value of some length that is not block-aligned";
    struct wn_snmp_varbind vb = {.oid = oid, .oid_len = 9,
                                 .value = {.syntax = WN_SNMP_SYN_OCTETS,
                                           .v.bytes = {(const uint8_t *)text, sizeof text - 1}}};
    struct wn_usm_salt salt;
    assert_int_equal(wn_usm_salt_init(&salt), 0);
    for (size_t i = 0; i < WN_ARRAY_SIZE(pairs); i++) {
        struct wn_usm_user u;
        struct wn_usm_engine agent, mgr_view;
        engine_init(&agent);
        wn_usm_engine_sync(&agent, 7, 5000, 0);
        mgr_view = agent;
        assert_int_equal(wn_usm_user_init(&u, "pair", pairs[i].a, "authpass-x",
                                          pairs[i].p, "privpass-y"), 0);
        uint8_t level = WN_SNMP_V3_FLAG_AUTH | (pairs[i].p ? WN_SNMP_V3_FLAG_PRIV : 0);
        struct wn_snmp_scoped_pdu sc = {
            .context_engine_id = agent.id, .context_engine_id_len = agent.id_len,
            .pdu = {.type = WN_SNMP_PDU_SET, .request_id = (int32_t)i + 1, .vbs = &vb,
                    .vb_count = 1},
        };
        struct wn_usm_out o = {.user = &u, .engine = &mgr_view,
                               .flags = level | WN_SNMP_V3_FLAG_REPORTABLE,
                               .msg_id = 42, .max_size = 65507, .scoped = &sc};
        uint8_t buf[2048];
        const uint8_t *msg;
        size_t len;
        memset(scratch, 0, sizeof scratch);
        assert_int_equal(wn_usm_encode(&o, &salt, 3000, buf, sizeof buf, scratch, sizeof scratch,
                                       &msg, &len), 0);
        /* Neither the plaintext nor its ciphertext stays in scratch. */
        for (size_t b = 0; b < sizeof scratch; b++)
            if (scratch[b])
                fail_msg("pair %zu: scratch byte %zu left at %02x", i, b, scratch[b]);
        if (pairs[i].p) /* the value never appears in clear */
            assert_null(memmem(msg, len, text, sizeof text - 1));
        struct wn_usm_in in;
        /* The agent (authoritative) checks it against its own clock. */
        assert_int_equal(wn_usm_parse(msg, len, &in), 0);
        assert_int_equal(in.sp.auth_len, wn_usm_auth_mac_len(pairs[i].a));
        assert_int_equal(in.sp.time, 5003);
        assert_int_equal(wn_usm_process_in(&in, &u, &agent, 1, 3000, scratch, sizeof scratch), 0);
        assert_int_equal(in.scoped.pdu.request_id, (int32_t)i + 1);
        struct wn_snmp_vb_iter it;
        struct wn_snmp_varbind got;
        wn_snmp_vb_iter_init(&it, &in.scoped.pdu);
        assert_int_equal(wn_snmp_vb_next(&it, &got), 1);
        assert_int_equal(got.value.v.bytes.len, sizeof text - 1);
        assert_memory_equal(got.value.v.bytes.p, text, sizeof text - 1);
        /* 200 s later the agent refuses it. */
        assert_int_equal(wn_usm_parse(msg, len, &in), 0);
        assert_int_equal(wn_usm_process_in(&in, &u, &agent, 1, 203000, scratch, sizeof scratch),
                         WN_E_NOTINTIMEWINDOW);
        wn_usm_user_clear(&u);
    }
}

static void
test_usm_timeliness_rules(void **state)
{
    (void)state;
    struct wn_usm_engine e;
    engine_init(&e);
    /* Non-authoritative (7b): the first message syncs us. */
    assert_int_equal(wn_usm_timeliness_nonauth(&e, 5, 1000, 0), 0);
    assert_int_equal(wn_usm_engine_time_now(&e, 10000), 1010);
    assert_int_equal(wn_usm_timeliness_nonauth(&e, 5, 850, 0), 0);     /* 150 behind: ok */
    assert_int_equal(wn_usm_timeliness_nonauth(&e, 5, 849, 0), WN_E_NOTINTIMEWINDOW);
    assert_int_equal(wn_usm_timeliness_nonauth(&e, 4, 5000, 0), WN_E_NOTINTIMEWINDOW);
    assert_int_equal(wn_usm_timeliness_nonauth(&e, 6, 3, 0), 0);       /* reboot: resync */
    assert_int_equal(e.boots, 6);
    assert_int_equal(e.time, 3);
    assert_int_equal(wn_usm_timeliness_nonauth(&e, 5, 5000, 0), WN_E_NOTINTIMEWINDOW);
    assert_int_equal(wn_usm_timeliness_nonauth(&e, WN_USM_MAX_BOOTS, 1, 0), WN_E_NOTINTIMEWINDOW);
    /* Authoritative (7a). */
    struct wn_usm_engine me;
    engine_init(&me);
    wn_usm_engine_sync(&me, 5, 1000, 0);
    assert_int_equal(wn_usm_timeliness_auth(&me, 5, 1150, 0), 0);
    assert_int_equal(wn_usm_timeliness_auth(&me, 5, 1151, 0), WN_E_NOTINTIMEWINDOW);
    assert_int_equal(wn_usm_timeliness_auth(&me, 5, 850, 0), 0);
    assert_int_equal(wn_usm_timeliness_auth(&me, 5, 849, 0), WN_E_NOTINTIMEWINDOW);
    assert_int_equal(wn_usm_timeliness_auth(&me, 4, 1000, 0), WN_E_NOTINTIMEWINDOW);
    wn_usm_engine_sync(&me, WN_USM_MAX_BOOTS, 1000, 0);
    assert_int_equal(wn_usm_timeliness_auth(&me, WN_USM_MAX_BOOTS, 1000, 0), WN_E_NOTINTIMEWINDOW);
}

/* A trap (authNoPriv) of user "victim" from engine `id`, authenticated with
 * the auth key akey (16 bytes, MD5) as localized for that engine. */
static size_t
forge_trap(const uint8_t *id, size_t id_len, const uint8_t akey[16], uint8_t *buf, size_t cap,
           const uint8_t **msg)
{
    struct wn_usm_user sender;
    struct wn_usm_engine e;
    memset(&e, 0, sizeof e);
    assert_int_equal(wn_usm_engine_set_id(&e, id, id_len), 0);
    wn_usm_engine_sync(&e, 1, 100, 0);
    assert_int_equal(wn_usm_user_init_localized(&sender, "victim", WN_USM_AUTH_MD5,
                                                WN_USM_PRIV_NONE), 0);
    assert_int_equal(wn_usm_user_add_keys(&sender, id, id_len, akey, 16, NULL, 0), 0);
    struct wn_snmp_scoped_pdu sc = {.context_engine_id = id, .context_engine_id_len = id_len,
                                    .pdu = {.type = WN_SNMP_PDU_TRAP_V2, .request_id = 9}};
    struct wn_usm_out o = {.user = &sender, .engine = &e, .flags = WN_SNMP_V3_FLAG_AUTH,
                           .msg_id = 5, .max_size = 65507, .scoped = &sc};
    size_t len;
    assert_int_equal(wn_usm_encode(&o, NULL, 0, buf, cap, NULL, 0, msg, &len), 0);
    wn_usm_user_clear(&sender);
    return len;
}

/* Receives a trap as a trap receiver (not authoritative) with a fresh view
 * of its engine. */
static int
receive_trap(const uint8_t *msg, size_t len, struct wn_usm_user *u)
{
    struct wn_usm_in in;
    struct wn_usm_engine view;
    assert_int_equal(wn_usm_parse(msg, len, &in), 0);
    memset(&view, 0, sizeof view);
    assert_int_equal(wn_usm_engine_set_id(&view, in.sp.engine_id, in.sp.engine_id_len), 0);
    return wn_usm_process_in(&in, u, &view, 0, 0, scratch, sizeof scratch);
}

/* A user that accepts traps from any engine: forged traps naming more
 * new engine IDs than the key cache holds leave nothing in the cache (the
 * keys are kept only once a digest checks), and a legitimate new engine
 * is still accepted.  Checked against the old cache (keys cached before
 * the digest, no eviction): the flood filled it and the legitimate
 * trap failed with WN_E_LIMIT. */
static void
test_usm_forged_engine_flood_leaves_key_cache_empty(void **state)
{
    (void)state;
    struct wn_usm_user u;
    assert_int_equal(wn_usm_user_init(&u, "victim", WN_USM_AUTH_MD5, "victim-pass-1",
                                      WN_USM_PRIV_NONE, NULL), 0);
    uint8_t buf[512], forged_key[16];
    memset(forged_key, 0x5a, sizeof forged_key);
    const uint8_t *msg;
    for (unsigned i = 0; i < WN_USM_KEY_CACHE_MAX + 64; i++) {
        const uint8_t id[] = {0x80, 0, 0, 0, 5, 0xee, (uint8_t)(i >> 8), (uint8_t)i};
        size_t len = forge_trap(id, sizeof id, forged_key, buf, sizeof buf, &msg);
        assert_int_equal(receive_trap(msg, len, &u), WN_E_WRONGDIGEST);
    }
    assert_int_equal(u.cached, 0);
    assert_int_equal(u.localizations, WN_USM_KEY_CACHE_MAX + 64);
    /* The real sender on an engine never seen before. */
    const uint8_t good[] = {0x80, 0, 0, 0, 5, 0x11, 0x22, 0x33};
    uint8_t kul[16];
    assert_int_equal(wn_usm_localize_key(WN_USM_AUTH_MD5, u.ku_auth, good, sizeof good, kul), 0);
    size_t len = forge_trap(good, sizeof good, kul, buf, sizeof buf, &msg);
    assert_int_equal(receive_trap(msg, len, &u), 0);
    assert_int_equal(u.cached, 1);
    /* Its keys are cached: the next trap localizes nothing. */
    unsigned long made = u.localizations;
    assert_int_equal(receive_trap(msg, len, &u), 0);
    assert_int_equal(u.localizations, made);
    wn_usm_user_clear(&u);
}

static void
test_usm_reports_map_to_distinct_errors(void **state)
{
    (void)state;
    static const int errs[] = {WN_E_UNSUPPORTEDSECLEVEL, WN_E_NOTINTIMEWINDOW,
                               WN_E_UNKNOWNUSERNAME, WN_E_UNKNOWNENGINEID, WN_E_WRONGDIGEST,
                               WN_E_DECRYPTIONERROR};
    for (size_t i = 0; i < WN_ARRAY_SIZE(errs); i++) {
        const uint32_t *oid;
        size_t n;
        assert_int_equal(wn_usm_report_oid(errs[i], &oid, &n), 0);
        assert_int_equal(oid[9], i + 1);
        struct wn_snmp_varbind vb = {.oid = oid, .oid_len = n,
                                     .value = {.syntax = WN_SNMP_SYN_COUNTER32, .v.u32 = 1}};
        struct wn_snmp_pdu r = {.type = WN_SNMP_PDU_REPORT, .vbs = &vb, .vb_count = 1};
        assert_int_equal(wn_usm_report_error(&r), errs[i]);
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(errs[i], errs[j]);
    }
    const uint32_t *oid;
    size_t n;
    assert_int_equal(wn_usm_report_oid(WN_E_TIMEOUT, &oid, &n), WN_E_INVAL);
    static const uint32_t other[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
    struct wn_snmp_varbind vb = {.oid = other, .oid_len = 9,
                                 .value = {.syntax = WN_SNMP_SYN_NULL}};
    struct wn_snmp_pdu r = {.type = WN_SNMP_PDU_REPORT, .vbs = &vb, .vb_count = 1};
    assert_int_equal(wn_usm_report_error(&r), WN_E_REPORT);
    r.vb_count = 0;
    assert_int_equal(wn_usm_report_error(&r), WN_E_REPORT);
    /* The MPD's counters (RFC 3412): their own codes, or the rest. */
    static const struct {
        uint32_t last;
        int err;
    } mpd[] = {{1, WN_E_UNKNOWNSECMODEL}, {2, WN_E_INVALIDMSG}, {3, WN_E_REPORT}};
    for (size_t i = 0; i < WN_ARRAY_SIZE(mpd); i++) {
        const uint32_t name[] = {1, 3, 6, 1, 6, 3, 11, 2, 1, mpd[i].last, 0};
        vb.oid = name;
        vb.oid_len = WN_ARRAY_SIZE(name);
        r.vb_count = 1;
        assert_int_equal(wn_usm_report_error(&r), mpd[i].err);
    }
    r.type = WN_SNMP_PDU_RESPONSE;
    assert_int_equal(wn_usm_report_error(&r), WN_E_INVAL);
}

static void
test_usm_secparams_roundtrip_and_limits(void **state)
{
    (void)state;
    size_t n = load(GOLD_AUTHPRIV);
    struct wn_usm_in in;
    assert_int_equal(wn_usm_parse(wire, n, &in), 0);
    uint8_t buf[256];
    const uint8_t *out;
    size_t len, auth_off;
    assert_int_equal(wn_usm_secparams_encode(&in.sp, buf, sizeof buf, &out, &len, &auth_off), 0);
    assert_int_equal(len, in.msg.sec_params_len);
    assert_memory_equal(out, in.msg.sec_params, len);
    assert_int_equal(auth_off, (size_t)(in.sp.auth - in.msg.sec_params));
    /* A 33-byte user name, a 7-byte salt, a 4-byte engine ID. */
    struct wn_usm_secparams sp = in.sp, d;
    uint8_t name[33];
    memset(name, 'u', sizeof name);
    sp.user = name;
    sp.user_len = 33;
    assert_int_equal(wn_usm_secparams_encode(&sp, buf, sizeof buf, &out, &len, &auth_off),
                     WN_E_LIMIT);
    sp = in.sp;
    sp.priv_len = 7;
    assert_int_equal(wn_usm_secparams_encode(&sp, buf, sizeof buf, &out, &len, &auth_off), 0);
    assert_int_equal(wn_usm_secparams_decode(out, len, &d), WN_E_MALFORMED);
    sp = in.sp;
    sp.engine_id_len = 4;
    assert_int_equal(wn_usm_secparams_encode(&sp, buf, sizeof buf, &out, &len, &auth_off), 0);
    assert_int_equal(wn_usm_secparams_decode(out, len, &d), WN_E_MALFORMED);
    for (size_t cut = 0; cut < in.msg.sec_params_len; cut++)
        assert_int_not_equal(wn_usm_secparams_decode(in.msg.sec_params, cut, &d), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usm_verifies_net_snmp_authnopriv_message),
        cmocka_unit_test(test_usm_decrypts_net_snmp_authpriv_message),
        cmocka_unit_test(test_usm_roundtrip_every_protocol_pair),
        cmocka_unit_test(test_usm_timeliness_rules),
        cmocka_unit_test(test_usm_forged_engine_flood_leaves_key_cache_empty),
        cmocka_unit_test(test_usm_reports_map_to_distinct_errors),
        cmocka_unit_test(test_usm_secparams_roundtrip_and_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
