/* test_objects.c: OIDs, descriptors, PDUs, varbind lists, every value syntax, entities and contexts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "winsnmp.h"

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    return SNMPAPI_SUCCESS;
}

static HSNMP_SESSION sess;

static int
setup(void **state)
{
    (void)state;
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    sess = SnmpCreateSession(NULL, 0, cb, NULL);
    return sess ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    return SnmpCleanup() == SNMPAPI_SUCCESS ? 0 : -1;
}

/* ---- Header -------------------------------------------------------------- */

static void
test_header_matches_published_values_and_sizes(void **state)
{
    (void)state;
    assert_int_equal(sizeof(smiUINT32), 4);
    assert_int_equal(sizeof(smiINT), 4);
    assert_int_equal(sizeof(smiOID), 16);
    assert_int_equal(sizeof(smiCNTR64), 8);
    assert_int_equal(sizeof(smiVALUE), 24);
    assert_int_equal(sizeof(smiVENDORINFO), 196);
    assert_int_equal(offsetof(smiCNTR64, hipart), 0);
    assert_int_equal(SNMP_PDU_GET, 0xA0);
    assert_int_equal(SNMP_PDU_V1TRAP, 0xA4);
    assert_int_equal(SNMP_PDU_GETBULK, 0xA5);
    assert_int_equal(SNMP_PDU_TRAP, 0xA7);
    assert_int_equal(SNMP_SYNTAX_IPADDR, 0x40);
    assert_int_equal(SNMP_SYNTAX_CNTR64, 0x46);
    assert_int_equal(SNMP_SYNTAX_UINT32, 0x47);
    assert_int_equal(SNMP_SYNTAX_UNSIGNED32, 0x42);
    assert_int_equal(SNMP_SYNTAX_ENDOFMIBVIEW, 0x82);
    assert_int_equal(SNMPAPI_NOT_INITIALIZED, 18);
    assert_int_equal(SNMPAPI_HWND_INVALID, 20);
    assert_int_equal(SNMPAPI_OTHER_ERROR, 99);
    assert_int_equal(SNMPAPI_TL_TIMEOUT, 108);
    assert_int_equal(SNMPAPI_TL_OTHER, 199);
    assert_int_equal(MAXOBJIDSIZE, 128);
    assert_int_equal(MAXOBJIDSTRSIZE, 1408);
    assert_int_equal(SNMP_ERROR_INCONSISTENTNAME, 18);
    assert_int_equal(SNMPLISTEN_ALL_ADDR, 1);
}

/* ---- OIDs ---------------------------------------------------------------- */

static void
test_str_to_oid_accepts_dotted_decimal(void **state)
{
    (void)state;
    smiOID o;
    assert_int_equal(SnmpStrToOid("1.3.6.1.2.1.1.1.0", &o), 9);
    assert_int_equal(o.len, 9);
    assert_int_equal(o.ptr[0], 1);
    assert_int_equal(o.ptr[8], 0);
    char buf[MAXOBJIDSTRSIZE];
    assert_int_equal(SnmpOidToStr(&o, sizeof buf, buf), 18);
    assert_string_equal(buf, "1.3.6.1.2.1.1.1.0");
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpStrToOid(".1.3.4294967295", &o), 3);
    assert_int_equal(o.ptr[2], 4294967295u);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o), SNMPAPI_SUCCESS);
}

static void
test_str_to_oid_rejects_bad_text(void **state)
{
    (void)state;
    static const char *bad[] = {"", ".", "1", "1..3", "1.3.", "1.3.x", " 1.3", "1.3 ",
                                "1.-3", "1.+3", "1.3.4294967296", "a.b", "1.3.99999999999"};
    smiOID o;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(SnmpStrToOid(bad[i], &o), SNMPAPI_FAILURE);
        assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OID_INVALID);
    }
    assert_int_equal(SnmpStrToOid(NULL, &o), SNMPAPI_FAILURE);
    /* 128 sub-ids are fine, 129 are not. */
    char s[129 * 2 + 1];
    size_t n = 0;
    for (int i = 0; i < 129; i++) {
        s[n++] = '1';
        s[n++] = '.';
    }
    s[n - 1] = '\0';
    assert_int_equal(SnmpStrToOid(s, &o), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OID_INVALID);
    /* Text longer than MAXOBJIDSTRSIZE is refused even if well formed. */
    static char longtext[MAXOBJIDSTRSIZE + 2];
    memset(longtext, '0', sizeof longtext - 1);
    longtext[0] = '1';
    longtext[1] = '.';
    assert_int_equal(SnmpStrToOid(longtext, &o), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OID_INVALID);
    s[128 * 2 - 1] = '\0';
    assert_int_equal(SnmpStrToOid(s, &o), 128);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o), SNMPAPI_SUCCESS);
}

static void
test_oid_to_str_buffer_rules(void **state)
{
    (void)state;
    smiUINT32 ids[] = {1, 3, 6, 1};
    smiOID o = {4, ids};
    char buf[16];
    assert_int_equal(SnmpOidToStr(&o, 0, buf), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SIZE_INVALID);
    assert_int_equal(SnmpOidToStr(&o, 7, buf), SNMPAPI_FAILURE); /* strlen = 7 */
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OUTPUT_TRUNCATED);
    assert_int_equal(SnmpOidToStr(&o, 8, buf), 8);
    assert_string_equal(buf, "1.3.6.1");
    smiOID big = {MAXOBJIDSIZE + 1, ids};
    assert_int_equal(SnmpOidToStr(&big, sizeof buf, buf), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OID_INVALID);
}

static void
test_oid_copy_and_compare(void **state)
{
    (void)state;
    smiUINT32 a[] = {1, 3, 6, 1}, b[] = {1, 3, 6, 2}, c[] = {1, 3, 6};
    smiOID x = {4, a}, y = {4, b}, z = {3, c}, empty = {0, NULL}, cp;
    smiINT r = 99;
    assert_int_equal(SnmpOidCopy(&x, &cp), 4);
    assert_ptr_not_equal(cp.ptr, x.ptr);
    assert_int_equal(SnmpOidCompare(&x, &cp, 0, &r), SNMPAPI_SUCCESS);
    assert_int_equal(r, 0);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&cp), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpOidCompare(&x, &y, 0, &r), SNMPAPI_SUCCESS);
    assert_true(r < 0);
    assert_int_equal(SnmpOidCompare(&y, &x, 0, &r), SNMPAPI_SUCCESS);
    assert_true(r > 0);
    assert_int_equal(SnmpOidCompare(&x, &y, 3, &r), SNMPAPI_SUCCESS);
    assert_int_equal(r, 0);
    assert_int_equal(SnmpOidCompare(&z, &x, 0, &r), SNMPAPI_SUCCESS);
    assert_true(r < 0); /* a prefix sorts first */
    assert_int_equal(SnmpOidCompare(&empty, &empty, 0, &r), SNMPAPI_SUCCESS);
    assert_int_equal(r, 0);
    assert_int_equal(SnmpOidCompare(&x, &y, MAXOBJIDSIZE + 1, &r), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SIZE_INVALID);
}

static void
test_free_descriptor_detects_foreign_and_double_free(void **state)
{
    (void)state;
    smiOID o;
    assert_int_equal(SnmpStrToOid("1.3.6", &o), 3);
    smiOID keep = o;
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o), SNMPAPI_SUCCESS);
    assert_null(o.ptr);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&keep), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OPERATION_INVALID);
    smiUINT32 mine[2] = {1, 3};
    smiOID app = {2, mine};
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&app), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OPERATION_INVALID);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_INT, (smiLPOPAQUE)&app), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SYNTAX_INVALID);
}

/* ---- PDUs ------------------------------------------------------------- */

static void
test_create_pdu_defaults_and_request_ids(void **state)
{
    (void)state;
    HSNMP_PDU p1 = SnmpCreatePdu(sess, 0, 0, 0, 0, NULL);
    HSNMP_PDU p2 = SnmpCreatePdu(sess, 0, 0, 0, 0, NULL);
    assert_non_null(p1);
    smiINT type = 0, st = -1, ix = -1;
    smiINT32 id1 = 0, id2 = 0;
    assert_int_equal(SnmpGetPduData(p1, &type, &id1, &st, &ix, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_GETNEXT);
    assert_int_not_equal(id1, 0);
    assert_int_equal(st, 0);
    assert_int_equal(ix, 0);
    assert_int_equal(SnmpGetPduData(p2, NULL, &id2, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_not_equal(id1, id2);
    assert_int_equal(SnmpGetPduData(p2, NULL, NULL, NULL, NULL, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_NOOP);
    HSNMP_PDU p3 = SnmpCreatePdu(sess, SNMP_PDU_GET, 1234, 0, 0, NULL);
    assert_int_equal(SnmpGetPduData(p3, NULL, &id1, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(id1, 1234);
    smiINT32 zero = 0;
    assert_int_equal(SnmpSetPduData(p3, NULL, &zero, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpGetPduData(p3, NULL, &id1, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(id1, 0);
    assert_null(SnmpCreatePdu(sess, SNMP_PDU_V1TRAP, 0, 0, 0, NULL));
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_PDU_INVALID);
    assert_null(SnmpCreatePdu(sess, 0x55, 0, 0, 0, NULL));
    assert_null(SnmpCreatePdu(sess, SNMP_PDU_GET, 0, 0, 0, (HSNMP_VBL)p1));
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_VBL_INVALID);
}

static void
test_getbulk_fields_and_set_pdu_data(void **state)
{
    (void)state;
    HSNMP_PDU p = SnmpCreatePdu(sess, SNMP_PDU_GETBULK, 5, 2, 10, NULL);
    smiINT nr = 0, mr = 0, type = 0;
    assert_int_equal(SnmpGetPduData(p, NULL, NULL, &nr, &mr, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(nr, 2);
    assert_int_equal(mr, 10);
    smiINT nnr = 1, nmr = 20;
    assert_int_equal(SnmpSetPduData(p, NULL, NULL, &nnr, &nmr, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpGetPduData(p, NULL, NULL, &nr, &mr, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(nr, 1);
    assert_int_equal(mr, 20);
    /* Ignored for other PDU types. */
    smiINT get = SNMP_PDU_GET;
    assert_int_equal(SnmpSetPduData(p, &get, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    nnr = 7;
    assert_int_equal(SnmpSetPduData(p, NULL, NULL, &nnr, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpGetPduData(p, &type, NULL, &nr, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_GET);
    assert_int_equal(nr, 1);
    assert_int_equal(SnmpSetPduData(p, NULL, NULL, NULL, NULL, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    smiINT v1trap = SNMP_PDU_V1TRAP;
    assert_int_equal(SnmpSetPduData(p, &v1trap, NULL, NULL, NULL, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_PDU_INVALID);
}

static void
test_pdu_vbl_is_copied_and_get_mints_new_handles(void **state)
{
    (void)state;
    smiUINT32 ids[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};
    smiOID name = {9, ids};
    HSNMP_VBL v = SnmpCreateVbl(sess, &name, NULL);
    HSNMP_PDU p = SnmpCreatePdu(sess, SNMP_PDU_GET, 0, 0, 0, v);
    assert_int_equal(SnmpFreeVbl(v), SNMPAPI_SUCCESS); /* the PDU has its own copy */
    HSNMP_VBL g1 = NULL, g2 = NULL;
    assert_int_equal(SnmpGetPduData(p, NULL, NULL, NULL, NULL, &g1), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpGetPduData(p, NULL, NULL, NULL, NULL, &g2), SNMPAPI_SUCCESS);
    assert_non_null(g1);
    assert_ptr_not_equal(g1, g2);
    assert_int_equal(SnmpCountVbl(g1), 1);
    assert_int_equal(SnmpSetVb(g1, 0, &name, NULL), 2);
    assert_int_equal(SnmpFreeVbl(g1), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCountVbl(g2), 1);
    /* SetPduData replaces the list with a copy of another VBL. */
    assert_int_equal(SnmpSetVb(g2, 0, &name, NULL), 2);
    assert_int_equal(SnmpSetPduData(p, NULL, NULL, NULL, NULL, &g2), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeVbl(g2), SNMPAPI_SUCCESS);
    HSNMP_VBL g3;
    assert_int_equal(SnmpGetPduData(p, NULL, NULL, NULL, NULL, &g3), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCountVbl(g3), 2);
    /* Duplicate is independent of the original. */
    HSNMP_PDU d = SnmpDuplicatePdu(sess, p);
    smiINT32 rid = 4321;
    assert_int_equal(SnmpSetPduData(p, NULL, &rid, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    smiINT32 drid;
    assert_int_equal(SnmpGetPduData(d, NULL, &drid, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_not_equal(drid, 4321);
    assert_int_equal(SnmpFreePdu(p), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreePdu(p), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_PDU_INVALID);
    assert_int_equal(SnmpFreePdu(d), SNMPAPI_SUCCESS);
}

/* ---- VBLs and values --------------------------------------------------- */

static void
test_vbl_index_rules(void **state)
{
    (void)state;
    smiUINT32 a[] = {1, 3, 6, 1, 1}, b[] = {1, 3, 6, 1, 2}, c[] = {1, 3, 6, 1, 3};
    smiOID na = {5, a}, nb = {5, b}, nc = {5, c}, got;
    smiVALUE v, out;
    HSNMP_VBL l = SnmpCreateVbl(sess, NULL, NULL);
    assert_int_equal(SnmpCountVbl(l), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    v.syntax = SNMP_SYNTAX_INT;
    v.value.sNumber = 1;
    assert_int_equal(SnmpSetVb(l, 0, &na, &v), 1);
    v.value.sNumber = 2;
    assert_int_equal(SnmpSetVb(l, 0, &nb, &v), 2);
    v.value.sNumber = 3;
    assert_int_equal(SnmpSetVb(l, 0, &nc, &v), 3);
    assert_int_equal(SnmpSetVb(l, 5, &nc, &v), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_INDEX_INVALID);
    assert_int_equal(SnmpGetVb(l, 0, &got, &out), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_INDEX_INVALID);
    assert_int_equal(SnmpGetVb(l, 4, &got, &out), SNMPAPI_FAILURE);
    /* Replace the value only. */
    v.value.sNumber = 22;
    assert_int_equal(SnmpSetVb(l, 2, NULL, &v), 2);
    assert_int_equal(SnmpGetVb(l, 2, &got, &out), SNMPAPI_SUCCESS);
    assert_int_equal(got.ptr[4], 2);
    assert_int_equal(out.value.sNumber, 22);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&got), SNMPAPI_SUCCESS);
    /* Delete renumbers. */
    assert_int_equal(SnmpDeleteVb(l, 1), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCountVbl(l), 2);
    assert_int_equal(SnmpGetVb(l, 1, &got, &out), SNMPAPI_SUCCESS);
    assert_int_equal(got.ptr[4], 2);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&got);
    assert_int_equal(SnmpGetVb(l, 2, &got, &out), SNMPAPI_SUCCESS);
    assert_int_equal(got.ptr[4], 3);
    assert_int_equal(out.value.sNumber, 3);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&got);
    assert_int_equal(SnmpDeleteVb(l, 3), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_INDEX_INVALID);
    assert_int_equal(SnmpDeleteVb(l, 2), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpDeleteVb(l, 1), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCountVbl(l), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    /* Bad names and syntaxes. */
    v.syntax = 0x99;
    assert_int_equal(SnmpSetVb(l, 0, &na, &v), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SYNTAX_INVALID);
    smiOID toolong = {MAXOBJIDSIZE + 1, a};
    assert_null(SnmpCreateVbl(sess, &toolong, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OID_INVALID);
    assert_int_equal(SnmpSetVb(l, 0, NULL, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OID_INVALID);
    /* Name only: NULL syntax. */
    HSNMP_VBL n = SnmpCreateVbl(sess, &na, NULL);
    assert_int_equal(SnmpGetVb(n, 1, &got, &out), SNMPAPI_SUCCESS);
    assert_int_equal(out.syntax, SNMP_SYNTAX_NULL);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&got);
}

static void
test_copied_list_can_be_edited_and_freed(void **state)
{
    (void)state;
    smiUINT32 a[] = {1, 3, 6, 1, 1}, b[] = {1, 3, 6, 1, 2};
    smiOID na = {5, a}, nb = {5, b}, got;
    smiBYTE text[] = "hello";
    smiVALUE str, out;
    str.syntax = SNMP_SYNTAX_OCTETS;
    str.value.string.len = 5;
    str.value.string.ptr = text;
    smiVALUE oidv;
    oidv.syntax = SNMP_SYNTAX_OID;
    oidv.value.oid = nb;
    HSNMP_VBL l = SnmpCreateVbl(sess, &na, &str);
    assert_int_equal(SnmpSetVb(l, 0, &nb, &oidv), 2);
    assert_int_equal(SnmpSetVb(l, 0, &na, &str), 3);
    HSNMP_VBL d = SnmpDuplicateVbl(sess, l);
    /* Replace an entry of the copy, keeping its name, then delete one and
     * append one: every ownership mix of arena and separate blocks. */
    assert_int_equal(SnmpSetVb(d, 2, NULL, &str), 2);
    assert_int_equal(SnmpDeleteVb(d, 1), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetVb(d, 0, &nb, &oidv), 3);
    assert_int_equal(SnmpGetVb(d, 1, &got, &out), SNMPAPI_SUCCESS);
    assert_int_equal(got.ptr[4], 2);
    assert_int_equal(out.syntax, SNMP_SYNTAX_OCTETS);
    assert_memory_equal(out.value.string.ptr, "hello", 5);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&got);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out.value.string);
    assert_int_equal(SnmpGetVb(d, 3, &got, &out), SNMPAPI_SUCCESS);
    assert_int_equal(out.syntax, SNMP_SYNTAX_OID);
    assert_int_equal(out.value.oid.ptr[4], 2);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&got);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&out.value.oid);
    /* The source list did not change. */
    assert_int_equal(SnmpCountVbl(l), 3);
    assert_int_equal(SnmpGetVb(l, 2, &got, &out), SNMPAPI_SUCCESS);
    assert_int_equal(out.syntax, SNMP_SYNTAX_OID);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&got);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&out.value.oid);
    assert_int_equal(SnmpFreeVbl(d), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeVbl(l), SNMPAPI_SUCCESS);
}

static void
check_roundtrip(HSNMP_VBL l, smiUINT32 idx, const smiVALUE *in)
{
    smiOID name;
    smiVALUE out;
    memset(&out, 0xee, sizeof out);
    assert_int_equal(SnmpGetVb(l, idx, &name, &out), SNMPAPI_SUCCESS);
    assert_int_equal(out.syntax, in->syntax);
    switch (in->syntax) {
    case SNMP_SYNTAX_INT:
        assert_int_equal(out.value.sNumber, in->value.sNumber);
        break;
    case SNMP_SYNTAX_CNTR32:
    case SNMP_SYNTAX_GAUGE32:
    case SNMP_SYNTAX_TIMETICKS:
    case SNMP_SYNTAX_UINT32:
        assert_int_equal(out.value.uNumber, in->value.uNumber);
        break;
    case SNMP_SYNTAX_CNTR64:
        assert_int_equal(out.value.hNumber.hipart, in->value.hNumber.hipart);
        assert_int_equal(out.value.hNumber.lopart, in->value.hNumber.lopart);
        break;
    case SNMP_SYNTAX_OID:
        assert_int_equal(out.value.oid.len, in->value.oid.len);
        assert_ptr_not_equal(out.value.oid.ptr, in->value.oid.ptr);
        assert_memory_equal(out.value.oid.ptr, in->value.oid.ptr,
                            in->value.oid.len * sizeof(smiUINT32));
        assert_int_equal(SnmpFreeDescriptor(out.syntax, (smiLPOPAQUE)&out.value.oid),
                         SNMPAPI_SUCCESS);
        break;
    case SNMP_SYNTAX_OCTETS:
    case SNMP_SYNTAX_BITS:
    case SNMP_SYNTAX_OPAQUE:
    case SNMP_SYNTAX_IPADDR:
    case SNMP_SYNTAX_NSAPADDR:
        assert_int_equal(out.value.string.len, in->value.string.len);
        assert_non_null(out.value.string.ptr);
        if (in->value.string.len)
            assert_memory_equal(out.value.string.ptr, in->value.string.ptr,
                                in->value.string.len);
        assert_int_equal(SnmpFreeDescriptor(out.syntax, &out.value.string), SNMPAPI_SUCCESS);
        break;
    default:
        break; /* NULL and the v2 exceptions carry no value */
    }
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name), SNMPAPI_SUCCESS);
}

static void
test_every_syntax_round_trips(void **state)
{
    (void)state;
    smiUINT32 nm[] = {1, 3, 6, 1, 4, 1, 99};
    smiOID name = {7, nm};
    smiUINT32 oidval[] = {1, 3, 6, 1, 6, 3, 1, 1, 5, 1};
    smiBYTE bytes[] = {0, 1, 2, 0xff, 'x'};
    smiBYTE ip[] = {192, 0, 2, 1};
    smiVALUE vals[17];
    memset(vals, 0, sizeof vals);
    int n = 0;
    vals[n].syntax = SNMP_SYNTAX_INT, vals[n++].value.sNumber = -2147483647 - 1;
    vals[n].syntax = SNMP_SYNTAX_INT32, vals[n++].value.sNumber = 42;
    vals[n].syntax = SNMP_SYNTAX_CNTR32, vals[n++].value.uNumber = 4294967295u;
    vals[n].syntax = SNMP_SYNTAX_GAUGE32, vals[n++].value.uNumber = 7;
    vals[n].syntax = SNMP_SYNTAX_TIMETICKS, vals[n++].value.uNumber = 123456;
    vals[n].syntax = SNMP_SYNTAX_UINT32, vals[n++].value.uNumber = 99;
    vals[n].syntax = SNMP_SYNTAX_CNTR64;
    vals[n].value.hNumber.hipart = 0x01234567;
    vals[n++].value.hNumber.lopart = 0x89abcdef;
    vals[n].syntax = SNMP_SYNTAX_OID;
    vals[n].value.oid.len = 10;
    vals[n++].value.oid.ptr = oidval;
    vals[n].syntax = SNMP_SYNTAX_OCTETS;
    vals[n].value.string.len = sizeof bytes;
    vals[n++].value.string.ptr = bytes;
    vals[n].syntax = SNMP_SYNTAX_OCTETS; /* empty string */
    vals[n++].value.string.len = 0;
    vals[n].syntax = SNMP_SYNTAX_BITS;
    vals[n].value.string.len = 2;
    vals[n++].value.string.ptr = bytes;
    vals[n].syntax = SNMP_SYNTAX_OPAQUE;
    vals[n].value.string.len = sizeof bytes;
    vals[n++].value.string.ptr = bytes;
    vals[n].syntax = SNMP_SYNTAX_IPADDR;
    vals[n].value.string.len = 4;
    vals[n++].value.string.ptr = ip;
    vals[n].syntax = SNMP_SYNTAX_NULL, n++;
    vals[n].syntax = SNMP_SYNTAX_NOSUCHOBJECT, n++;
    vals[n].syntax = SNMP_SYNTAX_NOSUCHINSTANCE, n++;
    vals[n].syntax = SNMP_SYNTAX_ENDOFMIBVIEW, n++;
    HSNMP_VBL l = SnmpCreateVbl(sess, &name, &vals[0]);
    assert_non_null(l);
    for (int i = 1; i < n; i++)
        assert_int_equal(SnmpSetVb(l, 0, &name, &vals[i]), (SNMPAPI_STATUS)(i + 1));
    /* The copies live through a duplicate and a PDU. */
    HSNMP_VBL d = SnmpDuplicateVbl(sess, l);
    assert_int_equal(SnmpFreeVbl(l), SNMPAPI_SUCCESS);
    HSNMP_PDU p = SnmpCreatePdu(sess, SNMP_PDU_SET, 0, 0, 0, d);
    HSNMP_VBL g;
    assert_int_equal(SnmpGetPduData(p, NULL, NULL, NULL, NULL, &g), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCountVbl(g), (SNMPAPI_STATUS)n);
    for (int i = 0; i < n; i++) {
        check_roundtrip(d, (smiUINT32)i + 1, &vals[i]);
        check_roundtrip(g, (smiUINT32)i + 1, &vals[i]);
    }
    /* An IpAddress of 3 bytes is refused. */
    smiVALUE badip = vals[12];
    badip.value.string.len = 3;
    assert_int_equal(SnmpSetVb(d, 0, &name, &badip), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SYNTAX_INVALID);
}

/* ---- Entities and contexts ------------------------------------------- */

static void
test_entity_untranslated_addresses(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"127.0.0.1", "127.0.0.1"},     {"10.1.2.3:1161", "10.1.2.3:1161"},
        {"::1", "::1"},                 {"[::1]:1161", "[::1]:1161"},
        {"[fe80::1]", "fe80::1"},       {"localhost", "127.0.0.1"},
        {"127.0.0.1:161", "127.0.0.1"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        HSNMP_ENTITY e = SnmpStrToEntity(sess, ok[i].in);
        assert_non_null(e);
        assert_int_equal(SnmpEntityToStr(e, sizeof buf, buf), strlen(ok[i].out) + 1);
        assert_string_equal(buf, ok[i].out);
        assert_int_equal(SnmpFreeEntity(e), SNMPAPI_SUCCESS);
    }
    static const char *bad[] = {"", "host name", "1.2.3.4:0", "1.2.3.4:65536",
                                "1.2.3", "[::1", "[::1]x", "1.2.3.4:", "00000001:00081A0D01C2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(SnmpStrToEntity(sess, bad[i]));
        assert_int_equal(SnmpGetLastError(sess), SNMPAPI_ENTITY_UNKNOWN);
    }
    HSNMP_ENTITY e = SnmpStrToEntity(sess, "127.0.0.1");
    assert_int_equal(SnmpEntityToStr(e, 9, buf), SNMPAPI_FAILURE); /* needs 10 */
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OUTPUT_TRUNCATED);
    assert_int_equal(SnmpSetPort(e, 1161), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpEntityToStr(e, sizeof buf, buf), 15);
    assert_string_equal(buf, "127.0.0.1:1161");
    assert_int_equal(SnmpSetPort(e, 0), SNMPAPI_FAILURE);
}

static void
test_entity_timeout_and_retry(void **state)
{
    (void)state;
    HSNMP_ENTITY e = SnmpStrToEntity(sess, "127.0.0.1");
    smiTIMETICKS t = 0, at = 9;
    smiUINT32 r = 0, ar = 9;
    assert_int_equal(SnmpGetTimeout(e, &t, &at), SNMPAPI_SUCCESS);
    assert_int_equal(t, 300);
    assert_int_equal(at, 0);
    assert_int_equal(SnmpGetRetry(e, &r, &ar), SNMPAPI_SUCCESS);
    assert_int_equal(r, 3);
    assert_int_equal(ar, 0);
    assert_int_equal(SnmpSetTimeout(e, 150), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetRetry(e, 5), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpGetTimeout(e, &t, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(t, 150);
    assert_int_equal(SnmpGetRetry(e, &r, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(r, 5);
    assert_int_equal(SnmpGetTimeout(e, NULL, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpGetRetry(e, NULL, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpFreeEntity(e), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetTimeout(e, 1), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_ENTITY_INVALID);
}

static void
test_context_untranslated_round_trip(void **state)
{
    (void)state;
    smiOCTETS in = {6, (smiLPBYTE) "public"}, out;
    HSNMP_CONTEXT c = SnmpStrToContext(sess, &in);
    assert_non_null(c);
    assert_int_equal(SnmpContextToStr(c, &out), SNMPAPI_SUCCESS);
    assert_int_equal(out.len, 6);
    assert_memory_equal(out.ptr, "public", 6);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out), SNMPAPI_SUCCESS);
    smiOCTETS empty = {0, (smiLPBYTE) ""}, nullp = {3, NULL};
    assert_null(SnmpStrToContext(sess, &empty));
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_CONTEXT_INVALID);
    assert_null(SnmpStrToContext(sess, &nullp));
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_CONTEXT_INVALID);
    /* Binary community bytes are kept as they are. */
    smiOCTETS bin = {3, (smiLPBYTE) "a\0b"};
    HSNMP_CONTEXT cb2 = SnmpStrToContext(sess, &bin);
    assert_int_equal(SnmpContextToStr(cb2, &out), SNMPAPI_SUCCESS);
    assert_int_equal(out.len, 3);
    assert_memory_equal(out.ptr, "a\0b", 3);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeContext(c), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeContext(c), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_CONTEXT_INVALID);
}

static void
test_ipx_address_parser(void **state)
{
    (void)state;
    BYTE net[4], node[6];
    assert_int_equal(SnmpStrToIpxAddress("00000001:00081A0D01c2", net, node), SNMPAPI_SUCCESS);
    assert_int_equal(net[3], 1);
    assert_int_equal(node[2], 0x1a);
    assert_int_equal(node[5], 0xc2);
    assert_int_equal(SnmpStrToIpxAddress("00000001.00081A0D01C2", net, node), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpStrToIpxAddress("00000001:00081A0D01C", net, node), SNMPAPI_FAILURE);
    assert_int_equal(SnmpStrToIpxAddress("0000000g:00081A0D01C2", net, node), SNMPAPI_FAILURE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_matches_published_values_and_sizes),
        cmocka_unit_test(test_str_to_oid_accepts_dotted_decimal),
        cmocka_unit_test(test_str_to_oid_rejects_bad_text),
        cmocka_unit_test(test_oid_to_str_buffer_rules),
        cmocka_unit_test(test_oid_copy_and_compare),
        cmocka_unit_test(test_free_descriptor_detects_foreign_and_double_free),
        cmocka_unit_test(test_create_pdu_defaults_and_request_ids),
        cmocka_unit_test(test_getbulk_fields_and_set_pdu_data),
        cmocka_unit_test(test_pdu_vbl_is_copied_and_get_mints_new_handles),
        cmocka_unit_test(test_vbl_index_rules),
        cmocka_unit_test(test_every_syntax_round_trips),
        cmocka_unit_test(test_copied_list_can_be_edited_and_freed),
        cmocka_unit_test(test_entity_untranslated_addresses),
        cmocka_unit_test(test_entity_timeout_and_retry),
        cmocka_unit_test(test_context_untranslated_round_trip),
        cmocka_unit_test(test_ipx_address_parser),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
