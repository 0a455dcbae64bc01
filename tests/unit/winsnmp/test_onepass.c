/* test_onepass.c: the one-pass decode of a VarBindList (SnmpDecodeMsg, and the I/O thread's for everything it receives) accepts exactly what wn_snmp_msg_decode accepts and gives the same varbinds (a v1 trap's among those its translation adds), on a varied response, a varied v1 trap and thousands of mutations of each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <winsnmp.h>

#include "engine_int.h"
#include "snmp.h"

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    return SNMPAPI_SUCCESS;
}

#define MUTATIONS 20000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* A Response with one varbind of every syntax, names with large
 * sub-ids and the 2.x arc; with trap set, a v1 Trap-PDU (enterprise
 * 1.3.6.1.4.1.8072.2.3, specific-trap 1, time-stamp TRAP_UPTIME) with the
 * varbinds of the syntaxes v1 has. */
#define TRAP_UPTIME 4242u

static void
make_message(HSNMP_SESSION s, int trap, smiOCTETS *msg)
{
    SnmpSetTranslateMode(trap ? SNMPAPI_UNTRANSLATED_V1 : SNMPAPI_UNTRANSLATED_V2);
    HSNMP_ENTITY dst = SnmpStrToEntity(s, "127.0.0.1:161");
    smiOCTETS comm = {6, (smiLPBYTE) "public"};
    HSNMP_CONTEXT ctx = SnmpStrToContext(s, &comm);
    HSNMP_VBL vbl = SnmpCreateVbl(s, NULL, NULL);
    assert_non_null(vbl);
    static const char *names[] = {
        "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.2.2.1.10.1000", "1.3.6.1.4.1.4294967295.128.16384.2097152",
        "2.999.3", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.31.1.1.1.6.7", "1.3.6.1.2.1.4.20.1.1.10.0.0.1",
        "0.39.1", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.99.1", "1.3.6.1.2.1.99.2", "1.3.6.1.2.1.99.3",
    };
    smiBYTE str[] = "a string value";
    smiBYTE ip[] = {10, 0, 0, 1};
    smiUINT32 oidv[] = {1, 3, 6, 1, 4, 1, 8072, 3, 2, 10};
    smiVALUE v[12];
    memset(v, 0, sizeof v);
    v[0].syntax = SNMP_SYNTAX_OCTETS;
    v[0].value.string.ptr = str;
    v[0].value.string.len = sizeof str - 1;
    v[1].syntax = SNMP_SYNTAX_CNTR32;
    v[1].value.uNumber = 4000000000u;
    v[2].syntax = SNMP_SYNTAX_INT;
    v[2].value.sNumber = -129;
    v[3].syntax = SNMP_SYNTAX_OID;
    v[3].value.oid.ptr = oidv;
    v[3].value.oid.len = 10;
    v[4].syntax = SNMP_SYNTAX_TIMETICKS;
    v[4].value.uNumber = 123456;
    v[5].syntax = SNMP_SYNTAX_CNTR64;
    v[5].value.hNumber.hipart = 7;
    v[5].value.hNumber.lopart = 0x80000000u;
    v[6].syntax = SNMP_SYNTAX_IPADDR;
    v[6].value.string.ptr = ip;
    v[6].value.string.len = 4;
    v[7].syntax = SNMP_SYNTAX_GAUGE32;
    v[7].value.uNumber = 0;
    v[8].syntax = SNMP_SYNTAX_OPAQUE;
    v[8].value.string.ptr = str;
    v[8].value.string.len = 3;
    v[9].syntax = SNMP_SYNTAX_NOSUCHOBJECT;
    v[10].syntax = SNMP_SYNTAX_ENDOFMIBVIEW;
    v[11].syntax = SNMP_SYNTAX_NULL;
    if (trap) {
        smiUINT32 trap_oid[] = {1, 3, 6, 1, 4, 1, 8072, 2, 3, 0, 1};
        smiVALUE up = {.syntax = SNMP_SYNTAX_TIMETICKS, .value.uNumber = TRAP_UPTIME};
        smiVALUE to = {.syntax = SNMP_SYNTAX_OID};
        to.value.oid.ptr = trap_oid;
        to.value.oid.len = 11;
        smiOID oid;
        assert_true(SnmpStrToOid("1.3.6.1.2.1.1.3.0", &oid) != SNMPAPI_FAILURE);
        assert_int_equal(SnmpSetVb(vbl, 0, &oid, &up), 1);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
        assert_true(SnmpStrToOid("1.3.6.1.6.3.1.1.4.1.0", &oid) != SNMPAPI_FAILURE);
        assert_int_equal(SnmpSetVb(vbl, 0, &oid, &to), 2);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
    }
    for (int i = 0; i < 12; i++) {
        smiOID oid;
        if (trap && (v[i].syntax == SNMP_SYNTAX_CNTR64 || v[i].syntax == SNMP_SYNTAX_NOSUCHOBJECT ||
                     v[i].syntax == SNMP_SYNTAX_ENDOFMIBVIEW))
            continue;   /* no v1 form */
        assert_true(SnmpStrToOid(names[i], &oid) != SNMPAPI_FAILURE);
        assert_true(SnmpSetVb(vbl, 0, &oid, &v[i]) != SNMPAPI_FAILURE);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
    }
    HSNMP_PDU pdu = SnmpCreatePdu(s, trap ? SNMP_PDU_TRAP : SNMP_PDU_RESPONSE, 77, 0, 0, vbl);
    assert_true(SnmpEncodeMsg(s, NULL, dst, ctx, pdu, msg) != SNMPAPI_FAILURE);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
}

/* What SnmpDecodeMsg gave for one varbind against the codec's view of
 * the same varbind (from wn_snmp_msg_decode). */
static void
check_vb(const struct wn_snmp_varbind *ref, const smiOID *name, const smiVALUE *val)
{
    uint32_t sub[WN_SNMP_MAX_OID_LEN];
    size_t n = 0;
    assert_int_equal(wn_snmp_oid_decode(ref->name_ber, ref->name_ber_len, sub, WN_SNMP_MAX_OID_LEN, &n), 0);
    assert_int_equal(name->len, n);
    assert_memory_equal(name->ptr, sub, n * sizeof *sub);
    const struct wn_snmp_value *r = &ref->value;
    switch (r->syntax) {
    case WN_SNMP_SYN_INTEGER:
        assert_int_equal(val->syntax, SNMP_SYNTAX_INT);
        assert_int_equal(val->value.sNumber, r->v.i32);
        break;
    case WN_SNMP_SYN_COUNTER32: case WN_SNMP_SYN_GAUGE32: case WN_SNMP_SYN_TIMETICKS:
        assert_int_equal(val->value.uNumber, r->v.u32);
        break;
    case WN_SNMP_SYN_COUNTER64:
        assert_int_equal(val->syntax, SNMP_SYNTAX_CNTR64);
        assert_int_equal(val->value.hNumber.hipart, (smiUINT32)(r->v.u64 >> 32));
        assert_int_equal(val->value.hNumber.lopart, (smiUINT32)r->v.u64);
        break;
    case WN_SNMP_SYN_OID:
        assert_int_equal(val->syntax, SNMP_SYNTAX_OID);
        assert_int_equal(wn_snmp_oid_decode(r->v.bytes.p, r->v.bytes.len, sub, WN_SNMP_MAX_OID_LEN, &n), 0);
        assert_int_equal(val->value.oid.len, n);
        assert_memory_equal(val->value.oid.ptr, sub, n * sizeof *sub);
        break;
    case WN_SNMP_SYN_OCTETS: case WN_SNMP_SYN_OPAQUE: case WN_SNMP_SYN_IPADDR:
        assert_int_equal(val->value.string.len, r->v.bytes.len);
        if (r->v.bytes.len)
            assert_memory_equal(val->value.string.ptr, r->v.bytes.p, r->v.bytes.len);
        break;
    default:
        break;
    }
}

/* Where the version INTEGER's content octet of an encoded message is:
 * after the SEQUENCE header (short or long length) and the INTEGER's. */
static size_t
version_at(const uint8_t *msg)
{
    size_t seq = 2 + ((msg[1] & 0x80) ? (msg[1] & 0x7fu) : 0);
    assert_int_equal(msg[seq], 0x02);       /* INTEGER */
    assert_int_equal(msg[seq + 1], 0x01);   /* of one octet */
    return seq + 2;
}

/* Decodes buf both ways: accepted by both or by neither, and the same
 * varbinds when accepted (a v1 trap's after the two its translation puts
 * first, sysUpTime.0 with its time-stamp).  Returns 1 when accepted. */
static int
compare(HSNMP_SESSION s, const uint8_t *buf, size_t len)
{
    struct wn_snmp_msg ref;
    int want = wn_snmp_msg_decode(buf, len, &ref) == 0;
    HSNMP_PDU pdu = NULL;
    HSNMP_CONTEXT ctx = NULL;
    smiOCTETS in = {(smiUINT32)len, (smiLPBYTE)buf};
    SNMPAPI_STATUS got = SnmpDecodeMsg(s, NULL, NULL, &ctx, &pdu, &in);
    assert_int_equal(got != SNMPAPI_FAILURE, want);
    if (!want)
        return 0;
    HSNMP_VBL vbl = NULL;
    assert_int_equal(SnmpGetPduData(pdu, NULL, NULL, NULL, NULL, &vbl), SNMPAPI_SUCCESS);
    smiUINT32 first = 1;
    SNMPAPI_STATUS count = SnmpCountVbl(vbl);
    if (ref.pdu.type == WN_SNMP_PDU_TRAP_V1) {
        /* sysUpTime.0, snmpTrapOID.0, its own, then at most
         * snmpTrapAddress.0 and snmpTrapEnterprise.0. */
        assert_true(count >= (SNMPAPI_STATUS)ref.pdu.vb_count + 2);
        assert_true(count <= (SNMPAPI_STATUS)ref.pdu.vb_count + 4);
        smiOID name;
        smiVALUE val;
        assert_int_equal(SnmpGetVb(vbl, 1, &name, &val), SNMPAPI_SUCCESS);
        assert_int_equal(val.syntax, SNMP_SYNTAX_TIMETICKS);
        assert_int_equal(val.value.uNumber, ref.pdu.time_stamp);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
        first = 3;
    } else {
        assert_int_equal(count, (SNMPAPI_STATUS)ref.pdu.vb_count);
    }
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    wn_snmp_vb_iter_init(&it, &ref.pdu);
    for (smiUINT32 i = first; wn_snmp_vb_next(&it, &vb) == 1; i++) {
        smiOID name;
        smiVALUE val;
        assert_int_equal(SnmpGetVb(vbl, i, &name, &val), SNMPAPI_SUCCESS);
        check_vb(&vb, &name, &val);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
        if (val.syntax == SNMP_SYNTAX_OID)
            SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&val.value.oid);
        else if (val.syntax == SNMP_SYNTAX_OCTETS || val.syntax == SNMP_SYNTAX_IPADDR ||
                 val.syntax == SNMP_SYNTAX_OPAQUE)
            SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&val.value.string);
    }
    SnmpFreeVbl(vbl);
    SnmpFreePdu(pdu);
    SnmpFreeContext(ctx);
    return 1;
}

/* MUTATIONS mutations of msg, each decoded both ways; both outcomes
 * many times. */
static void
mutate_and_compare(HSNMP_SESSION s, const smiOCTETS *msg)
{
    uint8_t buf[512];
    assert_true(msg->len <= sizeof buf);
    int accepted = 0, refused = 0;
    for (int k = 0; k < MUTATIONS; k++) {
        memcpy(buf, msg->ptr, msg->len);
        size_t len = msg->len;
        int edits = 1 + (int)(next_rand() % 3);
        for (int e = 0; e < edits; e++) {
            size_t at = next_rand() % len;
            switch (next_rand() % 4) {
            case 0:
                buf[at] ^= (uint8_t)(1u << (next_rand() % 8));
                break;
            case 1:
                buf[at] = (uint8_t)next_rand();
                break;
            case 2:   /* values the OID and length rules care about */
                buf[at] = (const uint8_t[]){0x80, 0x7f, 0x81, 0xff, 0x00, 0x06, 0x05, 0x46}[next_rand() % 8];
                break;
            default:
                len = at ? at : len;   /* truncated */
                break;
            }
        }
        if (compare(s, buf, len))
            accepted++;
        else
            refused++;
    }
    assert_true(accepted > 100);
    assert_true(refused > 100);
}

/* Each test in a library started for it, with one session (*state). */
static int
start(void **state)
{
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    *state = (void *)s;
    return s ? 0 : -1;
}

static int
stop(void **state)
{
    (void)state;
    return SnmpCleanup() == SNMPAPI_SUCCESS ? 0 : -1;
}

static void
test_one_pass_matches_the_codec(void **state)
{
    HSNMP_SESSION s = (HSNMP_SESSION)*state;
    smiOCTETS msg;
    make_message(s, 0, &msg);
    assert_int_equal(compare(s, msg.ptr, msg.len), 1);
    uint8_t buf[512];
    assert_true(msg.len <= sizeof buf);
    /* The same message as v1: Counter64 and the exceptions are refused. */
    memcpy(buf, msg.ptr, msg.len);
    size_t v = version_at(buf);
    assert_int_equal(buf[v], 1);
    buf[v] = 0;
    struct wn_snmp_msg head;
    assert_int_equal(wn_snmp_msg_decode_head(buf, msg.len, &head), 0);
    assert_int_equal(compare(s, buf, msg.len), 0);
    mutate_and_compare(s, &msg);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);
}

/* A v1 trap is translated from the list the one pass decoded: the same
 * messages refused, its own varbinds unchanged after the two the
 * translation puts first. */
static void
test_one_pass_v1_trap_matches_the_codec(void **state)
{
    HSNMP_SESSION s = (HSNMP_SESSION)*state;
    smiOCTETS msg;
    make_message(s, 1, &msg);
    struct wn_snmp_msg ref;
    assert_int_equal(wn_snmp_msg_decode(msg.ptr, msg.len, &ref), 0);
    assert_int_equal(ref.pdu.type, WN_SNMP_PDU_TRAP_V1);
    assert_int_equal(ref.pdu.time_stamp, TRAP_UPTIME);
    assert_int_equal(ref.pdu.vb_count, 9);
    assert_int_equal(compare(s, msg.ptr, msg.len), 1);
    mutate_and_compare(s, &msg);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);
}

/* Two decoded lists hold the same varbinds. */
static void
same_list(const struct wn_ws_vblist *a, const struct wn_ws_vblist *b)
{
    assert_int_equal(a->n, b->n);
    for (uint32_t i = 0; i < a->n; i++) {
        const struct wn_ws_vb *x = &a->vb[i], *y = &b->vb[i];
        assert_int_equal(x->name.len, y->name.len);
        assert_memory_equal(x->name.ptr, y->name.ptr, x->name.len * sizeof *x->name.ptr);
        assert_int_equal(x->value.syntax, y->value.syntax);
        if (x->value.syntax == SNMP_SYNTAX_OID) {
            assert_int_equal(x->value.value.oid.len, y->value.value.oid.len);
            assert_memory_equal(x->value.value.oid.ptr, y->value.value.oid.ptr,
                                x->value.value.oid.len * sizeof *x->value.value.oid.ptr);
        } else if (wn_ws_syntax_is_string(x->value.syntax)) {
            assert_int_equal(x->value.value.string.len, y->value.value.string.len);
            if (x->value.value.string.len)
                assert_memory_equal(x->value.value.string.ptr, y->value.value.string.ptr,
                                    x->value.value.string.len);
        } else {
            assert_int_equal(x->value.value.hNumber.hipart, y->value.value.hNumber.hipart);
            assert_int_equal(x->value.value.hNumber.lopart, y->value.value.hNumber.lopart);
        }
    }
}

/* Without memory for the list, a received message is still validated
 * (what is malformed is refused all the same) and its list is decoded
 * when it is read: the same varbinds, translated or not, as with memory. */
static void
test_receive_without_memory_decodes_when_read(void **state)
{
    HSNMP_SESSION s = (HSNMP_SESSION)*state;
    for (int trap = 0; trap < 2; trap++) {
        smiOCTETS msg;
        make_message(s, trap, &msg);
        struct wn_snmp_msg m;
        struct wn_ws_vblist list;
        uint8_t buf[512];
        assert_true(msg.len <= sizeof buf);
        memcpy(buf, msg.ptr, msg.len);
        buf[version_at(buf)] ^= 1;   /* the other version: the response's v2c
                                      * syntaxes, the v1 Trap-PDU, refused */
        wn_alloc_fail_after(0);
        int bad = wn_ws_msg_receive(buf, msg.len, &m, &list);
        int rc = wn_ws_msg_receive(msg.ptr, msg.len, &m, &list);
        wn_alloc_fail_after(-1);
        assert_int_equal(bad, WN_E_MALFORMED);
        assert_int_equal(rc, 0);
        assert_null(list.vb);
        struct wn_ws_decoded later, now;
        assert_int_equal(wn_ws_decode_msg(&m, 0, 1, NULL, &later), 0);
        assert_int_equal(wn_ws_decode(msg.ptr, msg.len, 0, 1, &now), 0);
        assert_int_equal(later.type, trap ? SNMP_PDU_TRAP : SNMP_PDU_RESPONSE);
        assert_int_equal(later.type, now.type);
        assert_int_equal(later.from_v1_trap, trap);
        assert_int_equal(later.v1_tail, now.v1_tail);
        assert_true(later.vbl.n > 0);
        same_list(&later.vbl, &now.vbl);
        wn_ws_vblist_clear(&later.vbl);
        wn_ws_vblist_clear(&now.vbl);
        SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);
    }
}

/* The bytes a decoded list holds: its varbinds, their sub-ids (names and
 * OID values) and string octets. */
static size_t
list_content(const struct wn_ws_vblist *l)
{
    size_t bytes = l->n * sizeof(struct wn_ws_vb);
    for (uint32_t i = 0; i < l->n; i++) {
        const smiVALUE *v = &l->vb[i].value;
        bytes += l->vb[i].name.len * sizeof(smiUINT32);
        if (v->syntax == SNMP_SYNTAX_OID)
            bytes += v->value.oid.len * sizeof(smiUINT32);
        else if (wn_ws_syntax_is_string(v->syntax))
            bytes += v->value.string.len;
    }
    return bytes;
}

/* The decoded list of msg (wn_ws_msg_receive, as the I/O thread) into
 * *l, with its arena's size and content; also what SnmpDecodeMsg gives
 * (compare). */
static void
receive_sized(HSNMP_SESSION s, const uint8_t *msg, size_t len, struct wn_ws_vblist *l,
              size_t *arena, size_t *content)
{
    assert_int_equal(compare(s, msg, len), 1);
    struct wn_snmp_msg m;
    assert_int_equal(wn_ws_msg_receive(msg, len, &m, l), 0);
    assert_non_null(l->arena);
    assert_true(l->n > 0);
    *arena = wn_ws_arena_size(l->arena);
    *content = list_content(l);
}

#define BULK_VARBINDS 25
#define LONG_STRING 300   /* a value and a varbind with two-octet lengths */

/* A received list's arena is about the size of what it holds, not of the
 * worst case its length allows: within 1/8 for a 25-varbind GetBulk
 * response (ifHCInOctets-like names, Counter32 values, one string of
 * LONG_STRING octets), within 1/4 for the varied response (names with
 * sub-ids of up to five octets, each counted as if of one).  Fails with
 * the arena sized from the list's length alone (about 3 times the
 * content: 10,677 bytes for 2,600 here). */
static void
test_arena_sized_to_content(void **state)
{
    HSNMP_SESSION s = (HSNMP_SESSION)*state;
    HSNMP_ENTITY dst = SnmpStrToEntity(s, "127.0.0.1:161");
    smiOCTETS comm = {6, (smiLPBYTE) "public"};
    HSNMP_CONTEXT ctx = SnmpStrToContext(s, &comm);
    HSNMP_VBL vbl = SnmpCreateVbl(s, NULL, NULL);
    assert_non_null(vbl);
    static smiBYTE text[LONG_STRING];
    memset(text, 'x', sizeof text);
    for (int i = 0; i < BULK_VARBINDS; i++) {
        char name[64];
        snprintf(name, sizeof name, "1.3.6.1.2.1.2.2.1.10.%d", 1000 + i);
        smiOID oid;
        smiVALUE v = {.syntax = SNMP_SYNTAX_CNTR32, .value.uNumber = 123456789u + (unsigned)i};
        if (i == BULK_VARBINDS / 2) {
            v.syntax = SNMP_SYNTAX_OCTETS;
            v.value.string.ptr = text;
            v.value.string.len = sizeof text;
        }
        assert_true(SnmpStrToOid(name, &oid) != SNMPAPI_FAILURE);
        assert_true(SnmpSetVb(vbl, 0, &oid, &v) != SNMPAPI_FAILURE);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
    }
    HSNMP_PDU pdu = SnmpCreatePdu(s, SNMP_PDU_RESPONSE, 4242, 0, 0, vbl);
    smiOCTETS msg;
    assert_true(SnmpEncodeMsg(s, NULL, dst, ctx, pdu, &msg) != SNMPAPI_FAILURE);
    struct wn_ws_vblist l;
    size_t arena, content;
    receive_sized(s, msg.ptr, msg.len, &l, &arena, &content);
    assert_int_equal(l.n, BULK_VARBINDS);
    assert_true(arena >= content);
    assert_true(arena <= content + content / 8);
    wn_ws_vblist_clear(&l);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);

    make_message(s, 0, &msg);
    receive_sized(s, msg.ptr, msg.len, &l, &arena, &content);
    assert_true(arena >= content);
    assert_true(arena <= content + content / 4);
    wn_ws_vblist_clear(&l);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&msg);
}

/* A v2c Response (community "public", request-id 1, no error) whose
 * VarBindList holds vbl[0..len), every length in one octet, in a heap
 * block of its exact size (so that AddressSanitizer sees a read past
 * it); *n: its length.  The caller frees it. */
static uint8_t *
response_around(const uint8_t *vbl, size_t len, size_t *n)
{
    static const uint8_t head[] = {0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c'};
    static const uint8_t pdu_head[] = {0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00};
    size_t pdu_len = sizeof pdu_head + 2 + len, msg_len = sizeof head + 2 + pdu_len;
    assert_true(msg_len < 0x80);
    *n = 2 + msg_len;
    uint8_t *p = malloc(*n), *w = p;
    assert_non_null(p);
    *w++ = 0x30;
    *w++ = (uint8_t)msg_len;
    memcpy(w, head, sizeof head);
    w += sizeof head;
    *w++ = 0xa2;   /* Response-PDU */
    *w++ = (uint8_t)pdu_len;
    memcpy(w, pdu_head, sizeof pdu_head);
    w += sizeof pdu_head;
    *w++ = 0x30;
    *w++ = (uint8_t)len;
    memcpy(w, vbl, len);
    return p;
}

/* A varbind whose SEQUENCE length takes three octets (BER allows it; the
 * sizing walk does not follow it): the list is decoded all the same, the
 * same as the codec's, in an arena of the room its length allows. */
static void
test_unusual_length_form_decodes_in_worst_case_room(void **state)
{
    HSNMP_SESSION s = (HSNMP_SESSION)*state;
    static const uint8_t vbl[] = {   /* sysUpTime.0 = TimeTicks 256 */
        0x30, 0x83, 0x00, 0x00, 0x0e,
        0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00,
        0x43, 0x02, 0x01, 0x00,
    };
    size_t len;
    uint8_t *msg = response_around(vbl, sizeof vbl, &len);
    struct wn_ws_vblist l;
    size_t arena, content;
    receive_sized(s, msg, len, &l, &arena, &content);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.vb[0].name.len, 9);
    assert_int_equal(l.vb[0].value.syntax, SNMP_SYNTAX_TIMETICKS);
    assert_int_equal(l.vb[0].value.value.uNumber, 256);
    /* Two varbinds' room (19 octets / 7), a sub-id per octet plus two per
     * varbind, a string per octet. */
    assert_int_equal(arena, 2 * sizeof(struct wn_ws_vb) + (19 + 2 * 2) * sizeof(smiUINT32) + 19);
    wn_ws_vblist_clear(&l);
    free(msg);
}

/* A last varbind whose SEQUENCE claims more octets than the list has
 * left: refused, and neither the sizing walk nor the decode reads past
 * the list, which here ends the datagram (a walk that stepped over the
 * varbind by its claimed length did: AddressSanitizer's
 * heap-buffer-overflow in room_walk). */
static void
test_overlong_varbind_is_refused_within_the_list(void **state)
{
    HSNMP_SESSION s = (HSNMP_SESSION)*state;
    static const uint8_t vbl[] = {
        0x30, 0x10, 0x06, 0x02, 0x2b, 0x06, 0x05, 0x00,   /* claims 16 octets */
    };
    size_t len;
    uint8_t *msg = response_around(vbl, sizeof vbl, &len);
    struct wn_snmp_msg m;
    struct wn_ws_vblist l;
    assert_int_equal(wn_snmp_msg_decode_head(msg, len, &m), 0);   /* the list delimited */
    assert_true(wn_ws_msg_receive(msg, len, &m, &l) < 0);
    assert_null(l.arena);
    assert_int_equal(compare(s, msg, len), 0);
    free(msg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_pass_matches_the_codec, start, stop),
        cmocka_unit_test_setup_teardown(test_one_pass_v1_trap_matches_the_codec, start, stop),
        cmocka_unit_test_setup_teardown(test_receive_without_memory_decodes_when_read, start,
                                        stop),
        cmocka_unit_test_setup_teardown(test_arena_sized_to_content, start, stop),
        cmocka_unit_test_setup_teardown(test_unusual_length_form_decodes_in_worst_case_room,
                                        start, stop),
        cmocka_unit_test_setup_teardown(test_overlong_varbind_is_refused_within_the_list, start,
                                        stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
