/* test_planted.c: boundary checks that catch deliberately planted bugs (SnmpCreatePdu/SnmpSetVb limits, closed-session errors, GetBulk and Counter64 bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <winsnmp.h>

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    return SNMPAPI_SUCCESS;
}

static int
setup(void **state)
{
    (void)state;
    return SnmpStartup(NULL, NULL, NULL, NULL, NULL) == SNMPAPI_SUCCESS ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    return SnmpCleanup() == SNMPAPI_SUCCESS ? 0 : -1;
}

static HSNMP_VBL
vbl_of(HSNMP_SESSION s, const char *dotted, const smiVALUE *v)
{
    smiOID name;
    assert_int_not_equal(SnmpStrToOid(dotted, &name), SNMPAPI_FAILURE);
    HSNMP_VBL vbl = SnmpCreateVbl(s, &name, v);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    assert_non_null(vbl);
    return vbl;
}

/* Planted bug caught: dropping the negative check in SnmpCreatePdu (pdu.c)
 * makes the two NULL assertions fail; checking only one of the two fields
 * fails the other. */
static void
test_create_pdu_refuses_negative_bulk_fields(void **state)
{
    (void)state;
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    assert_non_null(s);
    HSNMP_VBL v = vbl_of(s, "1.3.6.1.2.1.1", NULL);
    assert_null(SnmpCreatePdu(s, SNMP_PDU_GETBULK, 1, -1, 10, v));
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_PDU_INVALID);
    assert_null(SnmpCreatePdu(s, SNMP_PDU_GETBULK, 1, 0, -1, v));
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_PDU_INVALID);
    assert_null(SnmpCreatePdu(s, SNMP_PDU_GETBULK, 1, INT32_MIN, INT32_MIN, v));
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_PDU_INVALID);
    /* zero and positive are fine, and so is any value for a Response
     * (error-status/index are not repetition counts there) */
    HSNMP_PDU p = SnmpCreatePdu(s, SNMP_PDU_GETBULK, 1, 0, 0, v);
    assert_non_null(p);
    SnmpFreePdu(p);
    p = SnmpCreatePdu(s, SNMP_PDU_GETBULK, 1, 3, 50, v);
    assert_non_null(p);
    SnmpFreePdu(p);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
}

/* Planted bug caught: `index > l->n` in SnmpSetVb (vbl.c) turned into
 * `index > l->n + 1` accepts count+1 and writes one varbind past the list:
 * the FAILURE assertion fails (seen: the test then hangs in the corrupted
 * list at cleanup, which the CTest timeout reports). */
static void
test_set_vb_refuses_index_count_plus_one(void **state)
{
    (void)state;
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    smiVALUE v;
    memset(&v, 0, sizeof v);
    v.syntax = SNMP_SYNTAX_INT;
    v.value.sNumber = 5;
    HSNMP_VBL vbl = vbl_of(s, "1.3.6.1.2.1.1.1.0", &v);
    smiOID name;
    assert_int_not_equal(SnmpStrToOid("1.3.6.1.2.1.1.2.0", &name), SNMPAPI_FAILURE);
    assert_int_equal(SnmpSetVb(vbl, 0, &name, &v), 2);   /* append: now 2 */
    assert_int_equal(SnmpCountVbl(vbl), 2);
    for (smiUINT32 bad = 3; bad <= 4; bad++) {
        assert_int_equal(SnmpSetVb(vbl, bad, &name, &v), SNMPAPI_FAILURE);
        assert_int_equal(SnmpGetLastError(s), SNMPAPI_INDEX_INVALID);
        assert_int_equal(SnmpCountVbl(vbl), 2);
    }
    assert_int_equal(SnmpSetVb(vbl, 0xFFFFFFFFu, &name, &v), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_INDEX_INVALID);
    /* index == count is the last valid one, and replaces */
    v.value.sNumber = 9;
    assert_int_equal(SnmpSetVb(vbl, 2, NULL, &v), 2);
    smiOID got;
    smiVALUE gv;
    assert_int_equal(SnmpGetVb(vbl, 2, &got, &gv), SNMPAPI_SUCCESS);
    assert_int_equal(gv.value.sNumber, 9);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&got);
    assert_int_equal(SnmpGetVb(vbl, 3, &got, &gv), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_INDEX_INVALID);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
}

/* Planted bug caught: SnmpGetLastError returning the thread's last error
 * for a handle that is no longer a session: the task error is set to
 * something else first, so the equality fails. */
static void
test_last_error_of_a_closed_session_is_session_invalid(void **state)
{
    (void)state;
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    assert_non_null(s);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
    /* leave a different error as the task's last error */
    assert_int_equal(SnmpCountVbl((HSNMP_VBL)(uintptr_t)0x1234), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_VBL_INVALID);
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_SESSION_INVALID);
    /* and a handle reused by a new session is not the old one */
    HSNMP_SESSION s2 = SnmpCreateSession(NULL, 0, cb, NULL);
    assert_non_null(s2);
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_SESSION_INVALID);
    assert_int_equal(SnmpClose(s2), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpGetLastError(s2), SNMPAPI_SESSION_INVALID);
}

/* Encodes pdu for 127.0.0.1:1161 v2c "public" into out (returned-owned). */
static void
encode_v2c(HSNMP_SESSION s, HSNMP_PDU pdu, smiOCTETS *out)
{
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    HSNMP_ENTITY e = SnmpStrToEntity(s, "127.0.0.1:1161");
    smiOCTETS c = {6, (smiLPBYTE) "public"};
    HSNMP_CONTEXT ctx = SnmpStrToContext(s, &c);
    assert_non_null(e);
    assert_non_null(ctx);
    assert_true(SnmpEncodeMsg(s, NULL, e, ctx, pdu, out) > 0);
    SnmpFreeEntity(e);
    SnmpFreeContext(ctx);
}

/* Finds needle in hay; index or -1. */
static long
find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return (long)i;
    return -1;
}

/* Second check of the GetBulk field order (the first is the snmpbulkget
 * comparison of test_wire_manager): on the wire, request-id, then
 * non-repeaters, then max-repetitions (RFC 3416 section 3).  A swap in the
 * encoder puts 0x0b before 0x02 and fails the memcmp. */
static void
test_getbulk_puts_non_repeaters_before_max_repetitions(void **state)
{
    (void)state;
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    HSNMP_VBL v = vbl_of(s, "1.3.6.1.2.1.1", NULL);
    HSNMP_PDU pdu = SnmpCreatePdu(s, SNMP_PDU_GETBULK, 0x55, 2, 11, v);
    assert_non_null(pdu);
    smiOCTETS out;
    encode_v2c(s, pdu, &out);
    static const uint8_t want[] = {0x02, 0x01, 0x55, 0x02, 0x01, 0x02,
                                   0x02, 0x01, 0x0b, 0x30};
    long at = find(out.ptr, out.len, want, sizeof want);
    assert_true(at >= 2);
    assert_int_equal(out.ptr[at - 2], SNMP_PDU_GETBULK);
    /* and the decoder reads them back in the same places */
    HSNMP_CONTEXT c2;
    HSNMP_PDU p2;
    assert_true(SnmpDecodeMsg(s, NULL, NULL, &c2, &p2, &out) > 0);
    smiINT type, nr, mr;
    assert_int_equal(SnmpGetPduData(p2, &type, NULL, &nr, &mr, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_GETBULK);
    assert_int_equal(nr, 2);
    assert_int_equal(mr, 11);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
}

/* Second check of the Counter64 word order: hipart is the high 32 bits on
 * the wire.  {hipart 1, lopart 2} is 0x0000000100000002: 46 05 01 00 00 00
 * 02.  Swapping the words encodes 46 05 02 00 00 00 01. */
static void
test_counter64_high_word_goes_first(void **state)
{
    (void)state;
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    smiVALUE v;
    memset(&v, 0, sizeof v);
    v.syntax = SNMP_SYNTAX_CNTR64;
    v.value.hNumber.hipart = 1;
    v.value.hNumber.lopart = 2;
    HSNMP_VBL vbl = vbl_of(s, "1.3.6.1.2.1.31.1.1.1.6.1", &v);
    HSNMP_PDU pdu = SnmpCreatePdu(s, SNMP_PDU_RESPONSE, 9, 0, 0, vbl);
    smiOCTETS out;
    encode_v2c(s, pdu, &out);
    static const uint8_t want[] = {0x46, 0x05, 0x01, 0x00, 0x00, 0x00, 0x02};
    assert_true(find(out.ptr, out.len, want, sizeof want) >= 0);
    /* the largest value: nine octets with a leading zero */
    v.value.hNumber.hipart = 0xFFFFFFFFu;
    v.value.hNumber.lopart = 0x00000001u;
    assert_int_equal(SnmpSetVb(vbl, 1, NULL, &v), 1);
    HSNMP_PDU pdu2 = SnmpCreatePdu(s, SNMP_PDU_RESPONSE, 9, 0, 0, vbl);
    smiOCTETS out2;
    encode_v2c(s, pdu2, &out2);
    static const uint8_t want2[] = {0x46, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff,
                                    0x00, 0x00, 0x00, 0x01};
    assert_true(find(out2.ptr, out2.len, want2, sizeof want2) >= 0);
    /* decoding the first gives the words back where they were */
    HSNMP_CONTEXT c2;
    HSNMP_PDU p2;
    assert_true(SnmpDecodeMsg(s, NULL, NULL, &c2, &p2, &out) > 0);
    HSNMP_VBL got;
    assert_int_equal(SnmpGetPduData(p2, NULL, NULL, NULL, NULL, &got), SNMPAPI_SUCCESS);
    smiOID name;
    smiVALUE gv;
    assert_int_equal(SnmpGetVb(got, 1, &name, &gv), SNMPAPI_SUCCESS);
    assert_int_equal(gv.syntax, SNMP_SYNTAX_CNTR64);
    assert_int_equal(gv.value.hNumber.hipart, 1);
    assert_int_equal(gv.value.hNumber.lopart, 2);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out2);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_pdu_refuses_negative_bulk_fields),
        cmocka_unit_test(test_set_vb_refuses_index_count_plus_one),
        cmocka_unit_test(test_last_error_of_a_closed_session_is_session_invalid),
        cmocka_unit_test(test_getbulk_puts_non_repeaters_before_max_repetitions),
        cmocka_unit_test(test_counter64_high_word_goes_first),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
