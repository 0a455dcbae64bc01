/* test_snmp_v3.c: SNMPv3 message codec (RFC 3412) against messages net-snmp 5.9.3 sent: golden round trips and rejections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base.h"
#include "snmp.h"
#include "crypto/test_hex.h"
#include "snmp/v3_golden.h"

static void
roundtrip(const char *hex, struct wn_snmp_v3_msg *m)
{
    size_t len;
    const uint8_t *in = hx(hex, &len);
    static uint8_t msg[512];      /* m's views borrow it after we return */
    memcpy(msg, in, len);
    assert_int_equal(wn_snmp_v3_decode(msg, len, m), 0);
    uint8_t buf[512];
    const uint8_t *out;
    size_t out_len, sp_off;
    assert_int_equal(wn_snmp_v3_encode(m, buf, sizeof buf, &out, &out_len, &sp_off), 0);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, msg, len);
    assert_int_equal(sp_off, (size_t)(m->sec_params - msg));
}

static void
test_snmp_v3_discovery_probe_roundtrips(void **state)
{
    (void)state;
    struct wn_snmp_v3_msg m;
    roundtrip(GOLD_DISCOVERY, &m);
    assert_int_equal(m.msg_id, 0x3ed56d21);
    assert_int_equal(m.max_size, 65507);
    assert_int_equal(m.flags, WN_SNMP_V3_FLAG_REPORTABLE);
    assert_int_equal(m.security_model, WN_SNMP_V3_SECMODEL_USM);
    assert_int_equal(m.sec_params_len, 16);
    assert_int_equal(m.scoped.context_engine_id_len, 0);
    assert_int_equal(m.scoped.context_name_len, 0);
    assert_int_equal(m.scoped.pdu.type, WN_SNMP_PDU_GET);
    assert_int_equal(m.scoped.pdu.vb_count, 0);
}

static void
test_snmp_v3_authpriv_keeps_encrypted_pdu_opaque(void **state)
{
    (void)state;
    struct wn_snmp_v3_msg m;
    roundtrip(GOLD_AUTHPRIV, &m);
    assert_int_equal(m.flags, WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV
                                  | WN_SNMP_V3_FLAG_REPORTABLE);
    assert_int_equal(m.encrypted_len, 49);
    assert_int_equal(m.encrypted[0], 0xfe);
}

static void
test_snmp_v3_authnopriv_with_context_roundtrips(void **state)
{
    (void)state;
    struct wn_snmp_v3_msg m;
    roundtrip(GOLD_AUTHNOPRIV, &m);
    assert_int_equal(m.scoped.context_engine_id_len, 13);
    assert_int_equal(m.scoped.context_name_len, 3);
    assert_memory_equal(m.scoped.context_name, "ctx", 3);
    assert_int_equal(m.scoped.pdu.request_id, 0x1b1e8b3d);
    assert_int_equal(m.scoped.pdu.vb_count, 1);
    uint32_t sub[16];
    size_t n;
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    wn_snmp_vb_iter_init(&it, &m.scoped.pdu);
    assert_int_equal(wn_snmp_vb_next(&it, &vb), 1);
    assert_int_equal(wn_snmp_vb_name(&vb, sub, 16, &n), 0);
    assert_int_equal(n, 9);
    assert_int_equal(sub[7], 5);
}

/* Decrypted DES data has padding after the ScopedPDU: allowed, measured. */
static void
test_snmp_v3_scoped_pdu_allows_trailing_padding(void **state)
{
    (void)state;
    uint32_t oid[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};
    struct wn_snmp_varbind vb = {.oid = oid, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_NULL}};
    struct wn_snmp_scoped_pdu s = {
        .context_engine_id = (const uint8_t *)"\x80\x00\x1f\x88\x04xyz", .context_engine_id_len = 8,
        .pdu = {.type = WN_SNMP_PDU_GETBULK, .request_id = 7, .vbs = &vb, .vb_count = 1},
    };
    wn_snmp_pdu_set_bulk(&s.pdu, 0, 10);
    uint8_t buf[256], padded[256];
    const uint8_t *out;
    size_t len, used;
    assert_int_equal(wn_snmp_scoped_pdu_encode(&s, buf, sizeof buf, &out, &len), 0);
    memcpy(padded, out, len);
    memset(padded + len, 0xAB, 5);
    struct wn_snmp_scoped_pdu d;
    assert_int_equal(wn_snmp_scoped_pdu_decode(padded, len + 5, &d, &used), 0);
    assert_int_equal(used, len);
    assert_int_equal(d.pdu.type, WN_SNMP_PDU_GETBULK);
    assert_int_equal(wn_snmp_pdu_max_repetitions(&d.pdu), 10);
    assert_int_equal(d.context_engine_id_len, 8);
    /* A v1 Trap is not a v3 PDU. */
    s.pdu.type = WN_SNMP_PDU_TRAP_V1;
    assert_int_equal(wn_snmp_scoped_pdu_encode(&s, buf, sizeof buf, &out, &len), WN_E_INVAL);
}

static void
patch_and_expect(const char *hex, size_t off, uint8_t val, int err)
{
    size_t len;
    const uint8_t *in = hx(hex, &len);
    uint8_t msg[512];
    memcpy(msg, in, len);
    msg[off] = val;
    struct wn_snmp_v3_msg m;
    assert_int_equal(wn_snmp_v3_decode(msg, len, &m), err);
}

static void
test_snmp_v3_rejects_bad_header_fields(void **state)
{
    (void)state;
    /* Offsets in GOLD_DISCOVERY: version content 4, msgFlags content 20,
     * msgSecurityModel content 23. */
    patch_and_expect(GOLD_DISCOVERY, 4, 2, WN_E_UNSUPPORTED);      /* version 2 */
    patch_and_expect(GOLD_DISCOVERY, 20, 0x06, WN_E_MALFORMED);    /* priv without auth */
    patch_and_expect(GOLD_DISCOVERY, 23, 0x00, WN_E_MALFORMED);    /* model 0 */
    /* msgMaxSize 484 is the least allowed, 228 is below it. */
    struct wn_snmp_v3_msg lo = {.msg_id = 1, .max_size = 484, .security_model = 3,
                                .scoped = {.pdu = {.type = WN_SNMP_PDU_GET}}};
    uint8_t lbuf[128], lmsg[128];
    const uint8_t *lout;
    size_t llen, loff;
    assert_int_equal(wn_snmp_v3_encode(&lo, lbuf, sizeof lbuf, &lout, &llen, &loff), 0);
    memcpy(lmsg, lout, llen);
    assert_int_equal(wn_snmp_v3_decode(lmsg, llen, &lo), 0);
    assert_int_equal(lo.max_size, 484);
    assert_int_equal(lmsg[12], 0x01);       /* 02 02 01 e4 at 10..13 */
    lmsg[12] = 0x00;
    assert_int_equal(wn_snmp_v3_decode(lmsg, llen, &lo), WN_E_MALFORMED);
    size_t len;
    const uint8_t *in = hx(GOLD_DISCOVERY, &len);
    struct wn_snmp_v3_msg m;
    for (size_t cut = 0; cut < len; cut++)
        assert_int_not_equal(wn_snmp_v3_decode(in, cut, &m), 0);
    /* Trailing byte after the message. */
    uint8_t more[128];
    memcpy(more, in, len);
    more[len] = 0;
    assert_int_equal(wn_snmp_v3_decode(more, len + 1, &m), WN_E_MALFORMED);
    /* A v2c message is not v3, and the v2c decoder still refuses v3. */
    struct wn_snmp_msg v2;
    assert_int_equal(wn_snmp_msg_decode(in, len, &v2), WN_E_UNSUPPORTED);
}

static void
test_snmp_v3_encode_checks_inputs(void **state)
{
    (void)state;
    struct wn_snmp_v3_msg m = {.msg_id = 1, .max_size = 483, .flags = 0, .security_model = 3,
                               .scoped = {.pdu = {.type = WN_SNMP_PDU_GET}}};
    uint8_t buf[256];
    const uint8_t *out;
    size_t len, off;
    assert_int_equal(wn_snmp_v3_encode(&m, buf, sizeof buf, &out, &len, &off), WN_E_INVAL);
    m.max_size = 484;
    m.flags = WN_SNMP_V3_FLAG_PRIV;
    assert_int_equal(wn_snmp_v3_encode(&m, buf, sizeof buf, &out, &len, &off), WN_E_INVAL);
    m.flags = 0;
    assert_int_equal(wn_snmp_v3_encode(&m, buf, 10, &out, &len, &off), WN_E_NOSPACE);
    m.sec_params_len = WN_SNMP_V3_MAX_SECPARAMS + 1;
    m.sec_params = buf;
    assert_int_equal(wn_snmp_v3_encode(&m, buf, sizeof buf, &out, &len, &off), WN_E_LIMIT);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snmp_v3_discovery_probe_roundtrips),
        cmocka_unit_test(test_snmp_v3_authpriv_keeps_encrypted_pdu_opaque),
        cmocka_unit_test(test_snmp_v3_authnopriv_with_context_roundtrips),
        cmocka_unit_test(test_snmp_v3_scoped_pdu_allows_trailing_padding),
        cmocka_unit_test(test_snmp_v3_rejects_bad_header_fields),
        cmocka_unit_test(test_snmp_v3_encode_checks_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
