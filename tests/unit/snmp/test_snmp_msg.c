/* test_snmp_msg.c: SNMPv1/v2c message golden vectors (checked against net-snmp), round trips and rejections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "snmp.h"

/* snmpget -v2c -c public sysDescr.0, request-id 1 (net-snmp emits the
 * same bytes apart from its random request-id). */
static const uint8_t get_v2c[] = {
    0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa0, 0x19, 0x02,
    0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06,
    0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00};

/* Response, request-id 0x1234, sysX.0 for X = 1..13 carrying every syntax. */
static const uint8_t resp_all[] = {
    0x30, 0x81, 0xea, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x81,
    0xdc, 0x02, 0x02, 0x12, 0x34, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x81, 0xcf, 0x30, 0x0d,
    0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x02, 0x01, 0xfb, 0x30, 0x0e, 0x06,
    0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x02, 0x00, 0x04, 0x02, 0x61, 0x62, 0x30, 0x0c, 0x06,
    0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x05, 0x00, 0x30, 0x0f, 0x06, 0x08, 0x2b,
    0x06, 0x01, 0x02, 0x01, 0x01, 0x04, 0x00, 0x06, 0x03, 0x2b, 0x06, 0x01, 0x30, 0x10, 0x06, 0x08,
    0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x40, 0x04, 0x7f, 0x00, 0x00, 0x01, 0x30, 0x11,
    0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x06, 0x00, 0x41, 0x05, 0x00, 0xff, 0xff, 0xff,
    0xff, 0x30, 0x0e, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x07, 0x00, 0x42, 0x02, 0x00,
    0xc8, 0x30, 0x0d, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x08, 0x00, 0x43, 0x01, 0x64,
    0x30, 0x0e, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x09, 0x00, 0x44, 0x02, 0x01, 0x02,
    0x30, 0x11, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x0a, 0x00, 0x46, 0x05, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x0b, 0x00, 0x80,
    0x00, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x0c, 0x00, 0x81, 0x00, 0x30,
    0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x0d, 0x00, 0x82, 0x00};

/* snmptrap -v1 -c public 1.3.6.1.4.1.8072.3.2.10 127.0.0.1 6 17 256
 * sysName.0 s x: byte-identical to net-snmp's output. */
static const uint8_t trap_v1[] = {
    0x30, 0x3a, 0x02, 0x01, 0x00, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa4, 0x2d, 0x06,
    0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08, 0x03, 0x02, 0x0a, 0x40, 0x04, 0x7f, 0x00, 0x00,
    0x01, 0x02, 0x01, 0x06, 0x02, 0x01, 0x11, 0x43, 0x02, 0x01, 0x00, 0x30, 0x0f, 0x30, 0x0d, 0x06,
    0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x04, 0x01, 0x78};

/* snmpbulkget -Cn1 -Cr10 sysUpTime ifDescr, request-id 7. */
static const uint8_t bulk_v2c[] = {
    0x30, 0x34, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa5, 0x27, 0x02,
    0x01, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x0a, 0x30, 0x1c, 0x30, 0x0b, 0x06, 0x07, 0x2b, 0x06,
    0x01, 0x02, 0x01, 0x01, 0x03, 0x05, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2b, 0x06, 0x01, 0x02, 0x01,
    0x02, 0x02, 0x01, 0x02, 0x05, 0x00};

static const uint8_t public_[] = {'p', 'u', 'b', 'l', 'i', 'c'};

static void
encode_expect(const struct wn_snmp_msg *m, const uint8_t *exp, size_t n)
{
    uint8_t buf[512];
    const uint8_t *out = NULL;
    size_t len = 0;
    assert_int_equal(wn_snmp_msg_encode(m, buf, sizeof buf, &out, &len), 0);
    assert_int_equal(len, n);
    assert_memory_equal(out, exp, n);
    assert_ptr_equal(out + len, buf + sizeof buf);
}

/* Decodes, re-encodes from the decoded views, and compares bytes. */
static void
reencode_same(const uint8_t *b, size_t n)
{
    struct wn_snmp_msg m;
    assert_int_equal(wn_snmp_msg_decode(b, n, &m), 0);
    encode_expect(&m, b, n);
}

static void
test_snmp_get_request_golden(void **state)
{
    (void)state;
    static const uint32_t sysdescr[] = {1, 3, 6, 1, 2, 1, 1, 1, 0};
    struct wn_snmp_varbind vb = {.oid = sysdescr, .oid_len = 9,
                                 .value = {.syntax = WN_SNMP_SYN_NULL}};
    struct wn_snmp_msg m = {.version = WN_SNMP_V2C, .community = public_, .community_len = 6,
                            .pdu = {.type = WN_SNMP_PDU_GET, .request_id = 1,
                                    .vbs = &vb, .vb_count = 1}};
    encode_expect(&m, get_v2c, sizeof get_v2c);

    struct wn_snmp_msg d;
    assert_int_equal(wn_snmp_msg_decode(get_v2c, sizeof get_v2c, &d), 0);
    assert_int_equal(d.version, WN_SNMP_V2C);
    assert_int_equal(d.community_len, 6);
    assert_memory_equal(d.community, "public", 6);
    assert_int_equal(d.pdu.type, WN_SNMP_PDU_GET);
    assert_int_equal(d.pdu.request_id, 1);
    assert_int_equal(d.pdu.vb_count, 1);
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind got;
    wn_snmp_vb_iter_init(&it, &d.pdu);
    assert_int_equal(wn_snmp_vb_next(&it, &got), 1);
    assert_true(wn_snmp_vb_name_equals(&got, sysdescr, 9));
    assert_int_equal(got.value.syntax, WN_SNMP_SYN_NULL);
    assert_int_equal(wn_snmp_vb_next(&it, &got), 0);
    reencode_same(get_v2c, sizeof get_v2c);
}

static void
test_snmp_response_every_syntax_golden(void **state)
{
    (void)state;
    uint32_t names[13][9];
    static const uint32_t v_oid[] = {1, 3, 6, 1};
    static const uint8_t ip[] = {127, 0, 0, 1};
    static const uint8_t opaque[] = {1, 2};
    struct wn_snmp_varbind vbs[13];
    memset(vbs, 0, sizeof vbs);
    for (int i = 0; i < 13; i++) {
        const uint32_t base[] = {1, 3, 6, 1, 2, 1, 1, (uint32_t)i + 1, 0};
        memcpy(names[i], base, sizeof base);
        vbs[i].oid = names[i];
        vbs[i].oid_len = 9;
    }
    vbs[0].value.syntax = WN_SNMP_SYN_INTEGER; vbs[0].value.v.i32 = -5;
    vbs[1].value.syntax = WN_SNMP_SYN_OCTETS;
    vbs[1].value.v.bytes.p = (const uint8_t *)"ab"; vbs[1].value.v.bytes.len = 2;
    vbs[2].value.syntax = WN_SNMP_SYN_NULL;
    vbs[3].value.syntax = WN_SNMP_SYN_OID; vbs[3].value.v.oid.sub = v_oid; vbs[3].value.v.oid.n = 4;
    vbs[4].value.syntax = WN_SNMP_SYN_IPADDR; vbs[4].value.v.bytes.p = ip; vbs[4].value.v.bytes.len = 4;
    vbs[5].value.syntax = WN_SNMP_SYN_COUNTER32; vbs[5].value.v.u32 = UINT32_MAX;
    vbs[6].value.syntax = WN_SNMP_SYN_GAUGE32; vbs[6].value.v.u32 = 200;
    vbs[7].value.syntax = WN_SNMP_SYN_TIMETICKS; vbs[7].value.v.u32 = 100;
    vbs[8].value.syntax = WN_SNMP_SYN_OPAQUE; vbs[8].value.v.bytes.p = opaque; vbs[8].value.v.bytes.len = 2;
    vbs[9].value.syntax = WN_SNMP_SYN_COUNTER64; vbs[9].value.v.u64 = 1ULL << 32;
    vbs[10].value.syntax = WN_SNMP_SYN_NOSUCHOBJECT;
    vbs[11].value.syntax = WN_SNMP_SYN_NOSUCHINSTANCE;
    vbs[12].value.syntax = WN_SNMP_SYN_ENDOFMIBVIEW;
    struct wn_snmp_msg m = {.version = WN_SNMP_V2C, .community = public_, .community_len = 6,
                            .pdu = {.type = WN_SNMP_PDU_RESPONSE, .request_id = 0x1234,
                                    .vbs = vbs, .vb_count = 13}};
    encode_expect(&m, resp_all, sizeof resp_all);

    struct wn_snmp_msg d;
    assert_int_equal(wn_snmp_msg_decode(resp_all, sizeof resp_all, &d), 0);
    assert_int_equal(d.pdu.type, WN_SNMP_PDU_RESPONSE);
    assert_int_equal(d.pdu.request_id, 0x1234);
    assert_int_equal(d.pdu.vb_count, 13);
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind got[13];
    wn_snmp_vb_iter_init(&it, &d.pdu);
    for (int i = 0; i < 13; i++) {
        assert_int_equal(wn_snmp_vb_next(&it, &got[i]), 1);
        assert_true(wn_snmp_vb_name_equals(&got[i], names[i], 9));
        assert_int_equal(got[i].value.syntax, vbs[i].value.syntax);
    }
    assert_int_equal(wn_snmp_vb_next(&it, &got[0]), 0);
    assert_int_equal(got[0].value.v.i32, -5);
    assert_memory_equal(got[1].value.v.bytes.p, "ab", 2);
    uint32_t o[8];
    size_t on = 0;
    assert_true(got[3].value.oid_is_ber);
    assert_int_equal(wn_snmp_oid_decode(got[3].value.v.bytes.p, got[3].value.v.bytes.len,
                                        o, 8, &on), 0);
    assert_int_equal(on, 4);
    assert_memory_equal(o, v_oid, sizeof v_oid);
    assert_memory_equal(got[4].value.v.bytes.p, ip, 4);
    assert_true(got[5].value.v.u32 == UINT32_MAX);
    assert_int_equal(got[6].value.v.u32, 200);
    assert_int_equal(got[7].value.v.u32, 100);
    assert_int_equal(got[8].value.v.bytes.len, 2);
    assert_true(got[9].value.v.u64 == (1ULL << 32));
    reencode_same(resp_all, sizeof resp_all);
}

static void
test_snmp_trap_v1_golden(void **state)
{
    (void)state;
    static const uint32_t ent[] = {1, 3, 6, 1, 4, 1, 8072, 3, 2, 10};
    static const uint32_t sysname[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};
    struct wn_snmp_varbind vb = {.oid = sysname, .oid_len = 9,
                                 .value = {.syntax = WN_SNMP_SYN_OCTETS,
                                           .v.bytes = {(const uint8_t *)"x", 1}}};
    struct wn_snmp_msg m = {.version = WN_SNMP_V1, .community = public_, .community_len = 6,
                            .pdu = {.type = WN_SNMP_PDU_TRAP_V1, .enterprise = ent,
                                    .enterprise_len = 10, .agent_addr = {127, 0, 0, 1},
                                    .generic_trap = 6, .specific_trap = 17, .time_stamp = 256,
                                    .vbs = &vb, .vb_count = 1}};
    encode_expect(&m, trap_v1, sizeof trap_v1);
    struct wn_snmp_msg d;
    assert_int_equal(wn_snmp_msg_decode(trap_v1, sizeof trap_v1, &d), 0);
    assert_int_equal(d.version, WN_SNMP_V1);
    assert_int_equal(d.pdu.type, WN_SNMP_PDU_TRAP_V1);
    assert_int_equal(d.pdu.generic_trap, 6);
    assert_int_equal(d.pdu.specific_trap, 17);
    assert_int_equal(d.pdu.time_stamp, 256);
    assert_memory_equal(d.pdu.agent_addr, m.pdu.agent_addr, 4);
    uint32_t o[16];
    size_t on;
    assert_int_equal(wn_snmp_oid_decode(d.pdu.enterprise_ber, d.pdu.enterprise_ber_len,
                                        o, 16, &on), 0);
    assert_int_equal(on, 10);
    assert_memory_equal(o, ent, sizeof ent);
    assert_int_equal(d.pdu.vb_count, 1);
    reencode_same(trap_v1, sizeof trap_v1);
}

static void
test_snmp_getbulk_golden(void **state)
{
    (void)state;
    static const uint32_t up[] = {1, 3, 6, 1, 2, 1, 1, 3};
    static const uint32_t ifdescr[] = {1, 3, 6, 1, 2, 1, 2, 2, 1, 2};
    struct wn_snmp_varbind vbs[2] = {
        {.oid = up, .oid_len = 8, .value = {.syntax = WN_SNMP_SYN_NULL}},
        {.oid = ifdescr, .oid_len = 10, .value = {.syntax = WN_SNMP_SYN_NULL}}};
    struct wn_snmp_msg m = {.version = WN_SNMP_V2C, .community = public_, .community_len = 6,
                            .pdu = {.type = WN_SNMP_PDU_GETBULK, .request_id = 7,
                                    .vbs = vbs, .vb_count = 2}};
    wn_snmp_pdu_set_bulk(&m.pdu, 1, 10);
    encode_expect(&m, bulk_v2c, sizeof bulk_v2c);
    struct wn_snmp_msg d;
    assert_int_equal(wn_snmp_msg_decode(bulk_v2c, sizeof bulk_v2c, &d), 0);
    assert_int_equal(wn_snmp_pdu_non_repeaters(&d.pdu), 1);
    assert_int_equal(wn_snmp_pdu_max_repetitions(&d.pdu), 10);
    assert_int_equal(d.pdu.vb_count, 2);
    reencode_same(bulk_v2c, sizeof bulk_v2c);
}

static void
test_snmp_peek_request_id(void **state)
{
    (void)state;
    int32_t id = 0;
    uint8_t type = 0;
    int ver = -1;
    assert_int_equal(wn_snmp_peek_request_id(resp_all, sizeof resp_all, &id, &type, &ver), 0);
    assert_int_equal(id, 0x1234);
    assert_int_equal(type, WN_SNMP_PDU_RESPONSE);
    assert_int_equal(ver, WN_SNMP_V2C);
    assert_int_equal(wn_snmp_peek_request_id(trap_v1, sizeof trap_v1, &id, &type, &ver), 0);
    assert_int_equal(id, 0);
    assert_int_equal(type, WN_SNMP_PDU_TRAP_V1);
    assert_int_equal(ver, WN_SNMP_V1);
    assert_int_equal(wn_snmp_peek_request_id(get_v2c, 20, &id, NULL, NULL), WN_E_TRUNCATED);
}

/* Copy of a vector with one byte changed. */
static int
decode_patched(const uint8_t *b, size_t n, size_t off, uint8_t val)
{
    uint8_t tmp[512];
    memcpy(tmp, b, n);
    tmp[off] = val;
    struct wn_snmp_msg m;
    return wn_snmp_msg_decode(tmp, n, &m);
}

static void
test_snmp_rejects_truncated_every_prefix(void **state)
{
    (void)state;
    struct wn_snmp_msg m;
    for (size_t n = 0; n < sizeof resp_all; n++)
        assert_true(wn_snmp_msg_decode(resp_all, n, &m) < 0);
    for (size_t n = 0; n < sizeof trap_v1; n++)
        assert_true(wn_snmp_msg_decode(trap_v1, n, &m) < 0);
}

static void
test_snmp_rejects_trailing_garbage(void **state)
{
    (void)state;
    uint8_t tmp[64];
    memcpy(tmp, get_v2c, sizeof get_v2c);
    tmp[sizeof get_v2c] = 0x00;
    struct wn_snmp_msg m;
    assert_int_equal(wn_snmp_msg_decode(tmp, sizeof get_v2c + 1, &m), WN_E_MALFORMED);
    /* garbage inside the varbind SEQUENCE: lengths grown by one each */
    uint8_t in[64];
    memcpy(in, get_v2c, sizeof get_v2c);
    in[1]++; in[14]++; in[25]++; in[27]++;
    in[sizeof get_v2c] = 0x00;
    assert_int_equal(wn_snmp_msg_decode(in, sizeof get_v2c + 1, &m), WN_E_MALFORMED);
}

static void
test_snmp_rejects_wrong_lengths_and_indefinite(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 1, 0x27), WN_E_TRUNCATED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 1, 0x80), WN_E_MALFORMED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 14, 0x80), WN_E_MALFORMED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 14, 0x85), WN_E_LIMIT);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 14, 0x18), WN_E_MALFORMED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 29, 0x09), WN_E_TRUNCATED);
}

static void
test_snmp_rejects_wrong_version(void **state)
{
    (void)state;
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 4, 3), WN_E_UNSUPPORTED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 4, 2), WN_E_MALFORMED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 4, 0xFF), WN_E_MALFORMED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 4, 0), 0);   /* v1 GET is fine */
    int32_t id;
    uint8_t tmp[64];
    memcpy(tmp, get_v2c, sizeof get_v2c);
    tmp[4] = 3;
    assert_int_equal(wn_snmp_peek_request_id(tmp, sizeof get_v2c, &id, NULL, NULL),
                     WN_E_UNSUPPORTED);
}

static void
test_snmp_rejects_bad_tags_and_pdu_for_version(void **state)
{
    (void)state;
    /* GetBulk, Inform, v2 Trap, Report are not v1 PDUs; Trap-v1 is not v2c */
    assert_int_equal(decode_patched(bulk_v2c, sizeof bulk_v2c, 4, 0), WN_E_MALFORMED);
    for (uint8_t t = 0xA6; t <= 0xA8; t++)
        assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 13, t), 0);
    uint8_t v1get[64];
    memcpy(v1get, get_v2c, sizeof get_v2c);
    v1get[4] = 0;
    for (uint8_t t = 0xA5; t <= 0xA8; t++)
        assert_int_equal(decode_patched(v1get, sizeof get_v2c, 13, t), WN_E_MALFORMED);
    assert_int_equal(decode_patched(trap_v1, sizeof trap_v1, 4, 1), WN_E_MALFORMED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 13, 0xA9), WN_E_MALFORMED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 13, 0x30), WN_E_MALFORMED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 0, 0x31), WN_E_MALFORMED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 5, 0x06), WN_E_MALFORMED);
    /* value tag 0x47 (UInteger32) and name not an OID */
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 38, 0x47), WN_E_MALFORMED);
    assert_int_equal(decode_patched(get_v2c, sizeof get_v2c, 28, 0x04), WN_E_MALFORMED);
    /* Counter64 and exception values are not v1 syntaxes */
    uint8_t v1resp[512];
    memcpy(v1resp, resp_all, sizeof resp_all);
    v1resp[5] = 0;
    assert_int_equal(decode_patched(v1resp, sizeof resp_all, 5, 0), WN_E_MALFORMED);
    /* generic-trap out of 0..6 */
    assert_int_equal(decode_patched(trap_v1, sizeof trap_v1, 35, 7), WN_E_MALFORMED);
    /* IpAddress of 4 octets only: agent-addr length 5 breaks the structure */
    assert_int_equal(decode_patched(trap_v1, sizeof trap_v1, 28, 3), WN_E_MALFORMED);
}

static void
test_snmp_rejects_nesting_too_deep(void **state)
{
    (void)state;
    /* A varbind value that is itself constructed (SEQUENCE of SEQUENCE...)
     * is not a syntax: the fixed grammar refuses to descend. */
    uint8_t b[64] = {0x30, 0x00, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa2, 0x00,
                     0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
                     0x30, 0x00, 0x30, 0x00, 0x06, 0x01, 0x2b};
    size_t n = 25;
    for (int i = 0; i < 10; i++) {
        b[n++] = 0x30;
        b[n++] = (uint8_t)(2 * (9 - i));
    }
    b[21] = (uint8_t)(n - 22);
    b[19] = (uint8_t)(n - 20);
    b[8] = (uint8_t)(n - 9);
    b[1] = (uint8_t)(n - 2);
    struct wn_snmp_msg m;
    assert_int_equal(wn_snmp_msg_decode(b, n, &m), WN_E_MALFORMED);
    /* and the generic validator's depth limit holds for the same bytes */
    assert_int_equal(wn_ber_validate(b, n, 8), WN_E_LIMIT);
}

static void
test_snmp_limits_community_and_varbinds(void **state)
{
    (void)state;
    uint8_t comm[WN_SNMP_MAX_COMMUNITY + 1];
    memset(comm, 'c', sizeof comm);
    uint8_t buf[1024];
    const uint8_t *out;
    size_t len;
    struct wn_snmp_msg m = {.version = WN_SNMP_V2C, .community = comm,
                            .community_len = sizeof comm,
                            .pdu = {.type = WN_SNMP_PDU_GET}};
    static const struct wn_snmp_varbind none[1];
    m.pdu.vbs = none;
    m.pdu.vb_count = 0;
    assert_int_equal(wn_snmp_msg_encode(&m, buf, sizeof buf, &out, &len), WN_E_LIMIT);
    m.community_len = WN_SNMP_MAX_COMMUNITY;
    assert_int_equal(wn_snmp_msg_encode(&m, buf, sizeof buf, &out, &len), 0);
    struct wn_snmp_msg d;
    assert_int_equal(wn_snmp_msg_decode(out, len, &d), 0);
    /* hand-grow the community by one octet on the wire */
    uint8_t big[1100];
    size_t bl = 0;
    big[bl++] = 0x30; big[bl++] = 0x82; big[bl++] = 0; big[bl++] = 0;
    big[bl++] = 0x02; big[bl++] = 0x01; big[bl++] = 0x01;
    big[bl++] = 0x04; big[bl++] = 0x82; big[bl++] = 0x01; big[bl++] = 0x00;
    memset(big + bl, 'c', 256);
    bl += 256;
    const uint8_t pdu[] = {0xa0, 0x0b, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
                           0x30, 0x00};
    memcpy(big + bl, pdu, sizeof pdu);
    bl += sizeof pdu;
    big[2] = (uint8_t)((bl - 4) >> 8);
    big[3] = (uint8_t)(bl - 4);
    assert_int_equal(wn_snmp_msg_decode(big, bl, &d), WN_E_LIMIT);
    m.pdu.vb_count = WN_SNMP_MAX_VARBINDS + 1;
    assert_int_equal(wn_snmp_msg_encode(&m, buf, sizeof buf, &out, &len), WN_E_LIMIT);
}

static void
test_snmp_rejects_over_max_msg_and_counts_parse_errors(void **state)
{
    (void)state;
    static uint8_t big[WN_SNMP_MAX_MSG + 1];
    /* a well-formed outer SEQUENCE one octet over the limit */
    big[0] = 0x30; big[1] = 0x83;
    size_t inner = sizeof big - 5;
    big[2] = (uint8_t)(inner >> 16); big[3] = (uint8_t)(inner >> 8); big[4] = (uint8_t)inner;
    struct wn_snmp_msg m;
    unsigned long before = wn_parse_errors;
    assert_int_equal(wn_snmp_msg_decode(big, sizeof big, &m), WN_E_LIMIT);
    assert_true(wn_parse_errors > before);
    before = wn_parse_errors;
    assert_int_equal(wn_snmp_msg_decode(get_v2c, sizeof get_v2c, &m), 0);
    assert_int_equal(wn_parse_errors, before);
}

static void
test_snmp_encode_reports_nospace_and_invalid(void **state)
{
    (void)state;
    struct wn_snmp_msg d;
    assert_int_equal(wn_snmp_msg_decode(get_v2c, sizeof get_v2c, &d), 0);
    uint8_t buf[64];
    const uint8_t *out;
    size_t len;
    for (size_t cap = 0; cap < sizeof get_v2c; cap++)
        assert_int_equal(wn_snmp_msg_encode(&d, buf, cap ? cap : 1, &out, &len),
                         WN_E_NOSPACE);
    assert_int_equal(wn_snmp_msg_encode(&d, buf, sizeof get_v2c, &out, &len), 0);
    d.version = WN_SNMP_V3;
    assert_int_equal(wn_snmp_msg_encode(&d, buf, sizeof buf, &out, &len), WN_E_UNSUPPORTED);
    d.version = WN_SNMP_V1;
    d.pdu.type = WN_SNMP_PDU_GETBULK;
    assert_int_equal(wn_snmp_msg_encode(&d, buf, sizeof buf, &out, &len), WN_E_INVAL);
    static const uint32_t o[] = {1, 3, 6, 1};
    struct wn_snmp_varbind vb = {.oid = o, .oid_len = 4,
                                 .value = {.syntax = WN_SNMP_SYN_COUNTER64}};
    d.pdu.type = WN_SNMP_PDU_SET;
    d.pdu.vbs = &vb;
    d.pdu.vb_count = 1;
    assert_int_equal(wn_snmp_msg_encode(&d, buf, sizeof buf, &out, &len), WN_E_INVAL);
    vb.value.syntax = WN_SNMP_SYN_IPADDR;
    vb.value.v.bytes.p = (const uint8_t *)"abc";
    vb.value.v.bytes.len = 3;
    d.version = WN_SNMP_V2C;
    assert_int_equal(wn_snmp_msg_encode(&d, buf, sizeof buf, &out, &len), WN_E_INVAL);
}

static void
test_snmp_vb_name_and_oid_order(void **state)
{
    (void)state;
    struct wn_snmp_msg d;
    assert_int_equal(wn_snmp_msg_decode(bulk_v2c, sizeof bulk_v2c, &d), 0);
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind a, b;
    wn_snmp_vb_iter_init(&it, &d.pdu);
    assert_int_equal(wn_snmp_vb_next(&it, &a), 1);
    assert_int_equal(wn_snmp_vb_next(&it, &b), 1);
    uint32_t na[16], nb[16];
    size_t la, lb;
    assert_int_equal(wn_snmp_vb_name(&a, na, 16, &la), 0);
    assert_int_equal(wn_snmp_vb_name(&b, nb, 16, &lb), 0);
    assert_int_equal(la, 8);
    assert_int_equal(lb, 10);
    assert_true(wn_snmp_oid_cmp(na, la, nb, lb) < 0);    /* ...1.3 < ...2.2.1.2 */
    assert_true(wn_snmp_oid_cmp(nb, lb, na, la) > 0);
    assert_int_equal(wn_snmp_oid_cmp(na, la, na, la), 0);
    assert_true(wn_snmp_oid_cmp(na, 7, na, 8) < 0);      /* prefix first */
    const uint32_t big[] = {1, 3, 6, 1, 2, 1, 1, 4294967295u};
    assert_true(wn_snmp_oid_cmp(na, la, big, 8) < 0);    /* unsigned order */
    assert_int_equal(wn_snmp_vb_name(&b, nb, 9, &lb), WN_E_NOSPACE);
    struct wn_snmp_varbind c = {.oid = big, .oid_len = 8};
    assert_int_equal(wn_snmp_vb_name(&c, nb, 16, &lb), 0);
    assert_int_equal(lb, 8);
    assert_int_equal(nb[7], 4294967295u);
    assert_int_equal(wn_snmp_vb_name(&c, nb, 7, &lb), WN_E_NOSPACE);
}

static void
test_snmp_decode_64_varbinds_does_not_allocate(void **state)
{
    (void)state;
    static uint8_t buf[8192];
    uint32_t names[64][11];
    struct wn_snmp_varbind vbs[64];
    memset(vbs, 0, sizeof vbs);
    for (uint32_t i = 0; i < 64; i++) {
        const uint32_t base[] = {1, 3, 6, 1, 2, 1, 2, 2, 1, 10, i + 1};
        memcpy(names[i], base, sizeof base);
        vbs[i].oid = names[i];
        vbs[i].oid_len = 11;
        vbs[i].value.syntax = WN_SNMP_SYN_COUNTER32;
        vbs[i].value.v.u32 = i * 100000u;
    }
    struct wn_snmp_msg m = {.version = WN_SNMP_V2C, .community = public_, .community_len = 6,
                            .pdu = {.type = WN_SNMP_PDU_RESPONSE, .request_id = 99,
                                    .vbs = vbs, .vb_count = 64}};
    const uint8_t *out;
    size_t len;
    wn_alloc_fail_after(0);   /* any allocation from here on fails */
    unsigned long before = wn_alloc_count();
    assert_int_equal(wn_snmp_msg_encode(&m, buf, sizeof buf, &out, &len), 0);
    struct wn_snmp_msg d;
    assert_int_equal(wn_snmp_msg_decode(out, len, &d), 0);
    assert_int_equal(d.pdu.vb_count, 64);
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    uint32_t i = 0;
    wn_snmp_vb_iter_init(&it, &d.pdu);
    while (wn_snmp_vb_next(&it, &vb) == 1) {
        assert_int_equal(vb.value.v.u32, i * 100000u);
        i++;
    }
    assert_int_equal(i, 64);
    assert_int_equal(wn_alloc_count(), before);
    wn_alloc_fail_after(-1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snmp_get_request_golden),
        cmocka_unit_test(test_snmp_response_every_syntax_golden),
        cmocka_unit_test(test_snmp_trap_v1_golden),
        cmocka_unit_test(test_snmp_getbulk_golden),
        cmocka_unit_test(test_snmp_peek_request_id),
        cmocka_unit_test(test_snmp_rejects_truncated_every_prefix),
        cmocka_unit_test(test_snmp_rejects_trailing_garbage),
        cmocka_unit_test(test_snmp_rejects_wrong_lengths_and_indefinite),
        cmocka_unit_test(test_snmp_rejects_wrong_version),
        cmocka_unit_test(test_snmp_rejects_bad_tags_and_pdu_for_version),
        cmocka_unit_test(test_snmp_rejects_nesting_too_deep),
        cmocka_unit_test(test_snmp_limits_community_and_varbinds),
        cmocka_unit_test(test_snmp_rejects_over_max_msg_and_counts_parse_errors),
        cmocka_unit_test(test_snmp_encode_reports_nospace_and_invalid),
        cmocka_unit_test(test_snmp_vb_name_and_oid_order),
        cmocka_unit_test(test_snmp_decode_64_varbinds_does_not_allocate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
