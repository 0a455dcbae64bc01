/* test_compat_handles.c: SnmpRecvMsg gives back the handles of the request (reference-counted entities and contexts), against snmpd on loopback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compat_util.h"

#define SYS_NAME_0 ".1.3.6.1.2.1.1.5.0"
#define SYS_NAME_VALUE "STRING: 776972652D736E6D7064"   /* "wire-snmpd" (snmpd-start.sh) */

/* The fixture of compat_snmpd_setup (snmpd, a callback session). */
static struct compat_fx *const fx = &compat_snmpd_fx;

/* The entity / context still works: it prints its address, and a second
 * GET with it is answered. */
static void
assert_entity_alive(HSNMP_ENTITY e, const char *text)
{
    char buf[128];
    assert_int_equal(SnmpEntityToStr(e, sizeof buf, buf), strlen(text) + 1);
    assert_string_equal(buf, text);
}

/* A response: srcEntity is the dstEntity of SnmpSendMsg, context its
 * context, dstEntity a new handle (srcEntity was NULL).  Freeing what
 * SnmpRecvMsg returned (as Microsoft's guide recommends) leaves the
 * application's handles valid.  Fails before the change: new handles. */
static void
test_response_gives_back_request_handles(void **state)
{
    (void)state;
    HSNMP_ENTITY dst = wire_entity(fx->sess, SNMPAPI_UNTRANSLATED_V2, fx->agent);
    HSNMP_CONTEXT ctx = wire_context(fx->sess, SNMPAPI_UNTRANSLATED_V2, "public");
    struct compat_reply r;
    for (int round = 0; round < 2; round++) {
        assert_int_equal(compat_get(fx->sess, &fx->ev, NULL, dst, ctx, SYS_NAME_0, 5000, &r), 0);
        assert_int_equal(r.wparam, 0);
        assert_int_equal(r.recv_rc, SNMPAPI_SUCCESS);
        assert_string_equal(r.value, SYS_NAME_VALUE);
        assert_ptr_equal(r.src, dst);
        assert_ptr_equal(r.ctx, ctx);
        assert_non_null(r.dst);
        assert_ptr_not_equal(r.dst, dst);
        /* each received handle is one more reference: freeing it once
         * leaves the application's own reference */
        assert_int_equal(SnmpFreeEntity(r.src), SNMPAPI_SUCCESS);
        assert_int_equal(SnmpFreeContext(r.ctx), SNMPAPI_SUCCESS);
        assert_int_equal(SnmpFreeEntity(r.dst), SNMPAPI_SUCCESS);
        compat_reply_free(&r);
        assert_entity_alive(dst, fx->agent);
        smiOCTETS o;
        assert_int_equal(SnmpContextToStr(ctx, &o), SNMPAPI_SUCCESS);
        assert_int_equal(o.len, 6);
        assert_memory_equal(o.ptr, "public", 6);
        SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&o);
    }
    /* the application's reference is the last one: then they are gone */
    assert_int_equal(SnmpFreeEntity(dst), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeContext(ctx), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeEntity(dst), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_ENTITY_INVALID);
    assert_int_equal(SnmpFreeContext(ctx), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_CONTEXT_INVALID);
}

/* With a srcEntity, the response's dstEntity is that handle. */
static void
test_response_dst_is_the_request_src(void **state)
{
    (void)state;
    HSNMP_ENTITY dst = wire_entity(fx->sess, SNMPAPI_UNTRANSLATED_V1, fx->agent);
    HSNMP_ENTITY me = wire_entity(fx->sess, SNMPAPI_UNTRANSLATED_V1, "127.0.0.1");
    HSNMP_CONTEXT ctx = wire_context(fx->sess, SNMPAPI_UNTRANSLATED_V1, "public");
    struct compat_reply r;
    assert_int_equal(compat_get(fx->sess, &fx->ev, me, dst, ctx, SYS_NAME_0, 5000, &r), 0);
    assert_int_equal(r.recv_rc, SNMPAPI_SUCCESS);
    assert_string_equal(r.value, SYS_NAME_VALUE);
    assert_ptr_equal(r.src, dst);
    assert_ptr_equal(r.dst, me);
    assert_ptr_equal(r.ctx, ctx);
    compat_reply_release(&r);
    assert_entity_alive(me, "127.0.0.1");
    assert_entity_alive(dst, fx->agent);
    assert_int_equal(SnmpFreeEntity(me), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeEntity(dst), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeContext(ctx), SNMPAPI_SUCCESS);
}

/* Handles the application freed before the answer came: SnmpRecvMsg makes
 * new ones (and never hands back a stale or reused handle). */
static void
test_freed_request_handles_are_replaced(void **state)
{
    (void)state;
    HSNMP_ENTITY dst = wire_entity(fx->sess, SNMPAPI_UNTRANSLATED_V2, fx->agent);
    HSNMP_CONTEXT ctx = wire_context(fx->sess, SNMPAPI_UNTRANSLATED_V2, "public");
    smiINT32 rid = compat_send_get(fx->sess, NULL, dst, ctx, SYS_NAME_0);
    assert_int_equal(SnmpFreeEntity(dst), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeContext(ctx), SNMPAPI_SUCCESS);
    struct wire_event e;
    do {
        assert_int_equal(wire_events_wait(&fx->ev, 5000, &e), 0);
    } while ((smiINT32)e.lparam != rid);
    assert_int_equal(e.wparam, 0);
    HSNMP_ENTITY rs = NULL, rd = NULL;
    HSNMP_CONTEXT rc = NULL;
    HSNMP_PDU rp = NULL;
    assert_int_equal(SnmpRecvMsg(fx->sess, &rs, &rd, &rc, &rp), SNMPAPI_SUCCESS);
    assert_non_null(rs);
    assert_ptr_not_equal(rs, dst);
    assert_ptr_not_equal(rc, ctx);
    assert_entity_alive(rs, fx->agent);
    SnmpFreeEntity(rs);
    SnmpFreeEntity(rd);
    SnmpFreeContext(rc);
    SnmpFreePdu(rp);
}

/* A transport error (here SNMPAPI_TL_TIMEOUT from a port that never
 * answers): the outs carry the request's own handles too. */
static void
test_timeout_outs_are_the_request_handles(void **state)
{
    (void)state;
    unsigned port = 0;
    int fd = compat_silent_socket(&port);
    assert_true(fd >= 0);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
    HSNMP_ENTITY dst = wire_entity(fx->sess, SNMPAPI_UNTRANSLATED_V2, addr);
    HSNMP_CONTEXT ctx = wire_context(fx->sess, SNMPAPI_UNTRANSLATED_V2, "public");
    assert_int_equal(SnmpSetTimeout(dst, 10), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetRetry(dst, 0), SNMPAPI_SUCCESS);
    struct compat_reply r;
    assert_int_equal(compat_get(fx->sess, &fx->ev, NULL, dst, ctx, SYS_NAME_0, 5000, &r), 0);
    assert_int_equal(r.wparam, SNMPAPI_TL_TIMEOUT);
    assert_int_equal(r.recv_rc, SNMPAPI_FAILURE);
    assert_int_equal(r.recv_err, SNMPAPI_TL_TIMEOUT);
    assert_ptr_equal(r.src, dst);
    assert_ptr_equal(r.ctx, ctx);
    assert_non_null(r.dst);   /* srcEntity was NULL: a new one, our address */
    assert_non_null(r.pdu);
    smiINT32 got = 0;
    SnmpGetPduData(r.pdu, NULL, &got, NULL, NULL, NULL);
    assert_int_equal(got, r.rid);
    compat_reply_release(&r);
    assert_entity_alive(dst, addr);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
    close(fd);
}

/* SnmpGetVb with only the name (or only the value) wanted, on a response
 * from snmpd: accepted.  Before the change: SNMPAPI_ALLOC_ERROR although
 * nothing failed to allocate.  Outs all NULL say SNMPAPI_NOOP, here and in
 * the other functions whose only out was refused with ALLOC_ERROR. */
static void
test_getvb_with_one_out(void **state)
{
    (void)state;
    HSNMP_ENTITY dst = wire_entity(fx->sess, SNMPAPI_UNTRANSLATED_V2, fx->agent);
    HSNMP_CONTEXT ctx = wire_context(fx->sess, SNMPAPI_UNTRANSLATED_V2, "public");
    struct compat_reply r;
    assert_int_equal(compat_get(fx->sess, &fx->ev, NULL, dst, ctx, SYS_NAME_0, 5000, &r), 0);
    assert_int_equal(r.recv_rc, SNMPAPI_SUCCESS);
    HSNMP_VBL vbl = NULL;
    assert_int_equal(SnmpGetPduData(r.pdu, NULL, NULL, NULL, NULL, &vbl), SNMPAPI_SUCCESS);
    smiOID name;
    assert_int_equal(SnmpGetVb(vbl, 1, &name, NULL), SNMPAPI_SUCCESS);
    char buf[128];
    wire_oid_str(&name, buf, sizeof buf);
    assert_string_equal(buf, SYS_NAME_0);
    wire_oid_free(&name);
    smiVALUE v;
    assert_int_equal(SnmpGetVb(vbl, 1, NULL, &v), SNMPAPI_SUCCESS);
    wire_value_str(&v, buf, sizeof buf);
    assert_string_equal(buf, SYS_NAME_VALUE);
    wire_value_free(&v);
    assert_int_equal(SnmpGetVb(vbl, 1, NULL, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(fx->sess), SNMPAPI_NOOP);
    assert_int_equal(SnmpGetVb(vbl, 2, &name, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(fx->sess), SNMPAPI_INDEX_INVALID);
    assert_int_equal(SnmpContextToStr(r.ctx, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpEncodeMsg(fx->sess, NULL, dst, ctx, r.pdu, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpGetTranslateMode(NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpGetRetransmitMode(NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    smiOID sys;
    wire_oid(SYS_NAME_0, &sys);
    assert_int_equal(SnmpOidCopy(&sys, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpOidCompare(&sys, &sys, 0, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    assert_int_equal(SnmpStrToOid("1.3.6.1", NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOOP);
    wire_oid_free(&sys);
    SnmpFreeVbl(vbl);
    compat_reply_release(&r);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_response_gives_back_request_handles),
        cmocka_unit_test(test_response_dst_is_the_request_src),
        cmocka_unit_test(test_freed_request_handles_are_replaced),
        cmocka_unit_test(test_timeout_outs_are_the_request_handles),
        cmocka_unit_test(test_getvb_with_one_out),
    };
    return cmocka_run_group_tests(tests, compat_snmpd_setup, compat_snmpd_teardown);
}
