/* test_snmp_translate.c: RFC 3584 trap, request, response and error-status translation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "snmp.h"

/* snmptrap -v1 -c public 1.3.6.1.4.1.8072.3.2.10 127.0.0.1 6 17 256 sysName.0 s x */
static const uint8_t trap_v1[] = {
    0x30, 0x3a, 0x02, 0x01, 0x00, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa4, 0x2d, 0x06,
    0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08, 0x03, 0x02, 0x0a, 0x40, 0x04, 0x7f, 0x00, 0x00,
    0x01, 0x02, 0x01, 0x06, 0x02, 0x01, 0x11, 0x43, 0x02, 0x01, 0x00, 0x30, 0x0f, 0x30, 0x0d, 0x06,
    0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x04, 0x01, 0x78};

static const uint32_t ent[] = {1, 3, 6, 1, 4, 1, 8072, 3, 2, 10};
static const uint32_t sys_uptime0[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
static const uint32_t trap_oid0[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const uint32_t trap_ent0[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0};
static const uint32_t trap_addr0[] = {1, 3, 6, 1, 6, 3, 18, 1, 3, 0};
static const uint32_t trap_comm0[] = {1, 3, 6, 1, 6, 3, 18, 1, 4, 0};
static const uint32_t sysname0[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};

static void
assert_oid_value(const struct wn_snmp_value *v, const uint32_t *exp, size_t n)
{
    assert_int_equal(v->syntax, WN_SNMP_SYN_OID);
    uint32_t tmp[WN_SNMP_MAX_OID_LEN];
    size_t k;
    if (v->oid_is_ber) {
        assert_int_equal(wn_snmp_oid_decode(v->v.bytes.p, v->v.bytes.len, tmp, 128, &k), 0);
    } else {
        k = v->v.oid.n;
        memcpy(tmp, v->v.oid.sub, k * sizeof *tmp);
    }
    assert_int_equal(k, n);
    assert_memory_equal(tmp, exp, n * sizeof *exp);
}

static void
test_snmp_trap_v1_to_v2_enterprise_specific(void **state)
{
    (void)state;
    struct wn_snmp_msg m;
    assert_int_equal(wn_snmp_msg_decode(trap_v1, sizeof trap_v1, &m), 0);
    uint32_t scratch[WN_SNMP_MAX_OID_LEN];
    struct wn_snmp_varbind out[8];
    size_t n = 0;
    assert_int_equal(wn_snmp_trap_v1_to_v2(&m.pdu, m.community, m.community_len, scratch,
                                           WN_ARRAY_SIZE(scratch), out, 8, &n), 0);
    assert_int_equal(n, 6);
    assert_true(wn_snmp_vb_name_equals(&out[0], sys_uptime0, 9));
    assert_int_equal(out[0].value.syntax, WN_SNMP_SYN_TIMETICKS);
    assert_int_equal(out[0].value.v.u32, 256);
    assert_true(wn_snmp_vb_name_equals(&out[1], trap_oid0, 11));
    const uint32_t exp_oid[] = {1, 3, 6, 1, 4, 1, 8072, 3, 2, 10, 0, 17};
    assert_oid_value(&out[1].value, exp_oid, 12);
    assert_true(wn_snmp_vb_name_equals(&out[2], sysname0, 9));
    assert_memory_equal(out[2].value.v.bytes.p, "x", 1);
    assert_true(wn_snmp_vb_name_equals(&out[3], trap_addr0, 10));
    assert_int_equal(out[3].value.syntax, WN_SNMP_SYN_IPADDR);
    assert_memory_equal(out[3].value.v.bytes.p, "\x7f\x00\x00\x01", 4);
    assert_true(wn_snmp_vb_name_equals(&out[4], trap_comm0, 10));
    assert_int_equal(out[4].value.v.bytes.len, 6);
    assert_memory_equal(out[4].value.v.bytes.p, "public", 6);
    assert_true(wn_snmp_vb_name_equals(&out[5], trap_ent0, 11));
    assert_oid_value(&out[5].value, ent, 10);

    /* the result encodes as a valid v2c trap */
    struct wn_snmp_msg v2 = {.version = WN_SNMP_V2C, .community = m.community,
                             .community_len = m.community_len,
                             .pdu = {.type = WN_SNMP_PDU_TRAP_V2, .request_id = 5,
                                     .vbs = out, .vb_count = n}};
    uint8_t buf[512];
    const uint8_t *enc;
    size_t len;
    assert_int_equal(wn_snmp_msg_encode(&v2, buf, sizeof buf, &enc, &len), 0);
    struct wn_snmp_msg back;
    assert_int_equal(wn_snmp_msg_decode(enc, len, &back), 0);
    assert_int_equal(back.pdu.vb_count, 6);

    /* and back to v1 (3.2) gives the original trap fields */
    struct wn_snmp_pdu v1;
    struct wn_snmp_varbind vb1[8];
    uint32_t s2[WN_SNMP_MAX_OID_LEN];
    assert_int_equal(wn_snmp_trap_v2_to_v1(&back.pdu, s2, WN_ARRAY_SIZE(s2), vb1, 8, &v1), 0);
    assert_int_equal(v1.type, WN_SNMP_PDU_TRAP_V1);
    assert_int_equal(v1.generic_trap, 6);
    assert_int_equal(v1.specific_trap, 17);
    assert_int_equal(v1.time_stamp, 256);
    assert_int_equal(v1.enterprise_len, 10);
    assert_memory_equal(v1.enterprise, ent, sizeof ent);
    assert_memory_equal(v1.agent_addr, "\x7f\x00\x00\x01", 4);
    assert_int_equal(v1.vb_count, 4);   /* sysName + the three 3.1 (4) varbinds */
    assert_true(wn_snmp_vb_name_equals(&vb1[0], sysname0, 9));

    /* too little room */
    assert_int_equal(wn_snmp_trap_v1_to_v2(&m.pdu, m.community, m.community_len, scratch,
                                           WN_ARRAY_SIZE(scratch), out, 5, &n), WN_E_NOSPACE);
    assert_int_equal(wn_snmp_trap_v1_to_v2(&m.pdu, m.community, m.community_len, scratch,
                                           11, out, 8, &n), WN_E_NOSPACE);
}

static void
test_snmp_trap_v1_generic_maps_to_snmp_traps(void **state)
{
    (void)state;
    for (int32_t g = 0; g <= 5; g++) {
        struct wn_snmp_pdu t = {.type = WN_SNMP_PDU_TRAP_V1, .enterprise = ent,
                                .enterprise_len = 10, .generic_trap = g, .specific_trap = 99,
                                .time_stamp = 7};
        static const struct wn_snmp_varbind none[1];
        t.vbs = none;
        t.vb_count = 0;
        uint32_t scratch[16];
        struct wn_snmp_varbind out[8];
        size_t n;
        assert_int_equal(wn_snmp_trap_v1_to_v2(&t, NULL, 0, scratch, 16, out, 8, &n), 0);
        assert_int_equal(n, 5);
        const uint32_t exp[] = {1, 3, 6, 1, 6, 3, 1, 1, 5, (uint32_t)g + 1};
        assert_oid_value(&out[1].value, exp, 10);
        /* round trip: generic comes back, enterprise from snmpTrapEnterprise.0 */
        struct wn_snmp_pdu v2 = {.type = WN_SNMP_PDU_TRAP_V2, .vbs = out, .vb_count = n};
        struct wn_snmp_pdu v1;
        struct wn_snmp_varbind vb1[8];
        uint32_t s2[16];
        assert_int_equal(wn_snmp_trap_v2_to_v1(&v2, s2, 16, vb1, 8, &v1), 0);
        assert_int_equal(v1.generic_trap, g);
        assert_int_equal(v1.specific_trap, 0);
        assert_int_equal(v1.enterprise_len, 10);
        assert_memory_equal(v1.enterprise, ent, sizeof ent);
    }
}

static void
test_snmp_trap_v2_to_v1_drops_counter64_and_strips_zero(void **state)
{
    (void)state;
    static const uint32_t toid[] = {1, 3, 6, 1, 4, 1, 9, 0, 42};
    static const uint32_t c64name[] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1};
    struct wn_snmp_varbind in[4];
    memset(in, 0, sizeof in);
    in[0].oid = sys_uptime0; in[0].oid_len = 9;
    in[0].value.syntax = WN_SNMP_SYN_TIMETICKS; in[0].value.v.u32 = 1234;
    in[1].oid = trap_oid0; in[1].oid_len = 11;
    in[1].value.syntax = WN_SNMP_SYN_OID; in[1].value.v.oid.sub = toid; in[1].value.v.oid.n = 9;
    in[2].oid = c64name; in[2].oid_len = 12;
    in[2].value.syntax = WN_SNMP_SYN_COUNTER64; in[2].value.v.u64 = 5;
    in[3].oid = sysname0; in[3].oid_len = 9;
    in[3].value.syntax = WN_SNMP_SYN_INTEGER; in[3].value.v.i32 = 3;
    struct wn_snmp_pdu v2 = {.type = WN_SNMP_PDU_TRAP_V2, .vbs = in, .vb_count = 4};
    struct wn_snmp_pdu v1;
    struct wn_snmp_varbind vb1[4];
    uint32_t s[16];
    assert_int_equal(wn_snmp_trap_v2_to_v1(&v2, s, 16, vb1, 4, &v1), 0);
    assert_int_equal(v1.generic_trap, 6);
    assert_int_equal(v1.specific_trap, 42);
    assert_int_equal(v1.time_stamp, 1234);
    assert_int_equal(v1.enterprise_len, 7);          /* ...9 without .0.42 */
    assert_memory_equal(v1.enterprise, toid, 7 * sizeof *toid);
    assert_memory_equal(v1.agent_addr, "\0\0\0\0", 4);
    assert_int_equal(v1.vb_count, 1);
    assert_true(wn_snmp_vb_name_equals(&vb1[0], sysname0, 9));
    /* no '.0.' before the last sub-id: only the last one goes */
    static const uint32_t toid2[] = {1, 3, 6, 1, 4, 1, 9, 7, 42};
    in[1].value.v.oid.sub = toid2;
    assert_int_equal(wn_snmp_trap_v2_to_v1(&v2, s, 16, vb1, 4, &v1), 0);
    assert_int_equal(v1.enterprise_len, 8);
    /* an enterprise of one arc would not be encodable */
    static const uint32_t toid3[] = {1, 39};
    in[1].value.v.oid.sub = toid3;
    in[1].value.v.oid.n = 2;
    assert_int_equal(wn_snmp_trap_v2_to_v1(&v2, s, 16, vb1, 4, &v1), WN_E_MALFORMED);
    /* the first two varbinds must be sysUpTime.0 and snmpTrapOID.0 */
    in[1].value.v.oid.sub = toid2;
    in[1].value.v.oid.n = 9;
    assert_int_equal(wn_snmp_trap_v2_to_v1(&v2, s, 16, vb1, 4, &v1), 0);
    in[0].oid = sysname0;
    assert_int_equal(wn_snmp_trap_v2_to_v1(&v2, s, 16, vb1, 4, &v1), WN_E_MALFORMED);
}

static void
test_snmp_request_v2_to_v1(void **state)
{
    (void)state;
    static const uint32_t o[] = {1, 3, 6, 1, 2, 1, 1, 1, 0};
    struct wn_snmp_varbind vbs[2] = {
        {.oid = o, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_NULL}},
        {.oid = o, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_NULL}}};
    struct wn_snmp_pdu in = {.type = WN_SNMP_PDU_GETBULK, .request_id = 9,
                             .vbs = vbs, .vb_count = 2};
    wn_snmp_pdu_set_bulk(&in, 1, 25);
    struct wn_snmp_pdu out;
    size_t bad = 99;
    assert_int_equal(wn_snmp_request_v2_to_v1(&in, &out, &bad), 0);
    assert_int_equal(out.type, WN_SNMP_PDU_GETNEXT);
    assert_int_equal(out.error_status, 0);
    assert_int_equal(out.error_index, 0);
    assert_int_equal(out.request_id, 9);
    assert_int_equal(out.vb_count, 2);
    assert_int_equal(bad, 0);
    in.type = WN_SNMP_PDU_SET;
    vbs[1].value.syntax = WN_SNMP_SYN_COUNTER64;
    assert_int_equal(wn_snmp_request_v2_to_v1(&in, &out, &bad), WN_E_UNSUPPORTED);
    assert_int_equal(bad, 2);
    in.type = WN_SNMP_PDU_INFORM;
    assert_int_equal(wn_snmp_request_v2_to_v1(&in, &out, &bad), WN_E_UNSUPPORTED);
}

static void
test_snmp_errstat_v2_to_v1_table(void **state)
{
    (void)state;
    static const int32_t exp[19] = {0, 1, 2, 3, 4, 5, 2, 3, 3, 3, 3, 2, 3, 5, 5, 5, 2, 2, 2};
    for (int32_t i = 0; i < 19; i++)
        assert_int_equal(wn_snmp_errstat_v2_to_v1(i), exp[i]);
    assert_int_equal(wn_snmp_errstat_v2_to_v1(77), WN_SNMP_ERR_GENERR);
}

static void
test_snmp_response_v1_nosuchname_on_walk_is_end_of_mib(void **state)
{
    (void)state;
    static const uint32_t o1[] = {1, 3, 6, 1, 2, 1, 1, 1, 0};
    static const uint32_t o2[] = {1, 3, 6, 1, 9, 9};
    struct wn_snmp_varbind vbs[2] = {
        {.oid = o1, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_INTEGER, .v.i32 = 1}},
        {.oid = o2, .oid_len = 6, .value = {.syntax = WN_SNMP_SYN_NULL}}};
    struct wn_snmp_pdu resp = {.type = WN_SNMP_PDU_RESPONSE, .request_id = 3,
                               .error_status = WN_SNMP_ERR_NOSUCHNAME, .error_index = 2,
                               .vbs = vbs, .vb_count = 2};
    struct wn_snmp_varbind out_vbs[2];
    struct wn_snmp_pdu out;
    assert_int_equal(wn_snmp_response_v1_to_v2(&resp, WN_SNMP_PDU_GETBULK, out_vbs, 2, &out), 0);
    assert_int_equal(out.error_status, 0);
    assert_int_equal(out.error_index, 0);
    assert_int_equal(out_vbs[1].value.syntax, WN_SNMP_SYN_ENDOFMIBVIEW);
    assert_int_equal(out_vbs[0].value.syntax, WN_SNMP_SYN_INTEGER);
    assert_int_equal(vbs[1].value.syntax, WN_SNMP_SYN_NULL);   /* input untouched */
    /* a Get keeps noSuchName */
    assert_int_equal(wn_snmp_response_v1_to_v2(&resp, WN_SNMP_PDU_GET, out_vbs, 2, &out), 0);
    assert_int_equal(out.error_status, WN_SNMP_ERR_NOSUCHNAME);
    assert_int_equal(out.error_index, 2);
    assert_int_equal(out_vbs[1].value.syntax, WN_SNMP_SYN_NULL);
    assert_int_equal(wn_snmp_response_v1_to_v2(&resp, WN_SNMP_PDU_GET, out_vbs, 1, &out),
                     WN_E_NOSPACE);
}

static void
test_snmp_response_v2_to_v1_maps_errors_and_exceptions(void **state)
{
    (void)state;
    static const uint32_t o1[] = {1, 3, 6, 1, 2, 1, 1, 1, 0};
    static const uint32_t o2[] = {1, 3, 6, 1, 2, 1, 1, 2, 0};
    struct wn_snmp_varbind req_vbs[2] = {
        {.oid = o1, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_NULL}},
        {.oid = o2, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_NULL}}};
    struct wn_snmp_varbind resp_vbs[2] = {
        {.oid = o1, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_INTEGER, .v.i32 = 4}},
        {.oid = o2, .oid_len = 9, .value = {.syntax = WN_SNMP_SYN_NOSUCHINSTANCE}}};
    struct wn_snmp_pdu req = {.type = WN_SNMP_PDU_GET, .request_id = 8, .vbs = req_vbs,
                              .vb_count = 2};
    struct wn_snmp_pdu resp = {.type = WN_SNMP_PDU_RESPONSE, .request_id = 8, .vbs = resp_vbs,
                               .vb_count = 2};
    struct wn_snmp_pdu out;
    size_t bad = 0;
    assert_int_equal(wn_snmp_response_v2_to_v1(&resp, &req, &out, &bad), 0);
    assert_int_equal(out.error_status, WN_SNMP_ERR_NOSUCHNAME);
    assert_int_equal(out.error_index, 2);
    assert_int_equal(bad, 2);
    assert_ptr_equal(out.vbs, req_vbs);
    assert_int_equal(out.request_id, 8);
    /* v2 error-status mapped, request varbinds returned */
    resp.error_status = WN_SNMP_ERR_NOTWRITABLE;
    resp.error_index = 1;
    assert_int_equal(wn_snmp_response_v2_to_v1(&resp, &req, &out, &bad), 0);
    assert_int_equal(out.error_status, WN_SNMP_ERR_NOSUCHNAME);
    assert_int_equal(out.error_index, 1);
    assert_ptr_equal(out.vbs, req_vbs);
    /* clean response passes through */
    resp.error_status = 0;
    resp.error_index = 0;
    resp_vbs[1].value.syntax = WN_SNMP_SYN_COUNTER32;
    assert_int_equal(wn_snmp_response_v2_to_v1(&resp, &req, &out, &bad), 0);
    assert_int_equal(out.error_status, 0);
    assert_ptr_equal(out.vbs, resp_vbs);
    assert_int_equal(bad, 0);
    resp_vbs[0].value.syntax = WN_SNMP_SYN_COUNTER64;
    assert_int_equal(wn_snmp_response_v2_to_v1(&resp, &req, &out, &bad), 0);
    assert_int_equal(out.error_index, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snmp_trap_v1_to_v2_enterprise_specific),
        cmocka_unit_test(test_snmp_trap_v1_generic_maps_to_snmp_traps),
        cmocka_unit_test(test_snmp_trap_v2_to_v1_drops_counter64_and_strips_zero),
        cmocka_unit_test(test_snmp_request_v2_to_v1),
        cmocka_unit_test(test_snmp_errstat_v2_to_v1_table),
        cmocka_unit_test(test_snmp_response_v1_nosuchname_on_walk_is_end_of_mib),
        cmocka_unit_test(test_snmp_response_v2_to_v1_maps_errors_and_exceptions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
