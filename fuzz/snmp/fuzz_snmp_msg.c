/* fuzz_snmp_msg.c: fuzz target: decode an SNMP message, re-encode it, decode again and compare; the one-pass reader WinSNMP uses accepts the same messages with the same varbinds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same_value(const struct wn_snmp_value *a, const struct wn_snmp_value *b)
{
    if (a->syntax != b->syntax)
        abort();
    switch (a->syntax) {
    case WN_SNMP_SYN_INTEGER:
        if (a->v.i32 != b->v.i32)
            abort();
        break;
    case WN_SNMP_SYN_COUNTER32: case WN_SNMP_SYN_GAUGE32: case WN_SNMP_SYN_TIMETICKS:
        if (a->v.u32 != b->v.u32)
            abort();
        break;
    case WN_SNMP_SYN_COUNTER64:
        if (a->v.u64 != b->v.u64)
            abort();
        break;
    case WN_SNMP_SYN_OCTETS: case WN_SNMP_SYN_IPADDR: case WN_SNMP_SYN_OPAQUE:
    case WN_SNMP_SYN_OID:
        if (a->v.bytes.len != b->v.bytes.len
            || (a->v.bytes.len && memcmp(a->v.bytes.p, b->v.bytes.p, a->v.bytes.len)))
            abort();
        break;
    default:
        break;
    }
}

/* The one pass WinSNMP decodes a received message with
 * (wn_snmp_msg_decode_head, then wn_snmp_vb_next_strict and
 * wn_snmp_oid_decode on every name and OID value, as
 * wn_ws_vbl_decode_checked does): 0 when it accepts data, its varbinds in
 * vbs[0..*k). */
static int
one_pass(const uint8_t *data, size_t size, struct wn_snmp_varbind *vbs, size_t *k)
{
    static uint32_t sub[WN_SNMP_MAX_OID_LEN];
    struct wn_snmp_msg m;
    struct wn_snmp_vb_iter it;
    size_t n;
    *k = 0;
    int rc = wn_snmp_msg_decode_head(data, size, &m);
    if (rc)
        return rc;
    wn_snmp_vb_iter_init(&it, &m.pdu);
    for (;;) {
        rc = wn_snmp_vb_next_strict(&it, m.version, &vbs[*k]);
        if (rc != 1)
            return rc;
        const struct wn_snmp_varbind *vb = &vbs[(*k)++];
        rc = wn_snmp_oid_decode(vb->name_ber, vb->name_ber_len, sub, WN_ARRAY_SIZE(sub), &n);
        if (rc == 0 && vb->value.syntax == WN_SNMP_SYN_OID)
            rc = wn_snmp_oid_decode(vb->value.v.bytes.p, vb->value.v.bytes.len, sub,
                                    WN_ARRAY_SIZE(sub), &n);
        if (rc)
            return rc;
    }
}

/* RFC 3584 trap translation must produce encodable messages both ways. */
static void
translate(const struct wn_snmp_msg *m)
{
    static uint8_t buf[WN_SNMP_MAX_MSG];
    static struct wn_snmp_varbind v2vbs[WN_SNMP_MAX_VARBINDS + 8];
    static struct wn_snmp_varbind v1vbs[WN_SNMP_MAX_VARBINDS + 8];
    uint32_t s1[WN_SNMP_MAX_OID_LEN + 2], s2[WN_SNMP_MAX_OID_LEN];
    const uint8_t *out;
    size_t len, n;
    struct wn_snmp_msg t = *m;
    int rc;
    if (m->pdu.type == WN_SNMP_PDU_TRAP_V1) {
        if (wn_snmp_trap_v1_to_v2(&m->pdu, m->community, m->community_len, s1,
                                  WN_ARRAY_SIZE(s1), v2vbs, WN_ARRAY_SIZE(v2vbs), &n))
            abort();
        t.version = WN_SNMP_V2C;
        memset(&t.pdu, 0, sizeof t.pdu);
        t.pdu.type = WN_SNMP_PDU_TRAP_V2;
        t.pdu.vbs = v2vbs;
        t.pdu.vb_count = n;
        rc = wn_snmp_msg_encode(&t, buf, sizeof buf, &out, &len);
        if (rc == WN_E_LIMIT || rc == WN_E_NOSPACE)
            return;
        if (rc)
            abort();
        m = &t;
    }
    if (m->pdu.type != WN_SNMP_PDU_TRAP_V2 && m->pdu.type != WN_SNMP_PDU_INFORM)
        return;
    struct wn_snmp_msg v1 = {.version = WN_SNMP_V1, .community = m->community,
                             .community_len = m->community_len};
    rc = wn_snmp_trap_v2_to_v1(&m->pdu, s2, WN_ARRAY_SIZE(s2), v1vbs,
                               WN_ARRAY_SIZE(v1vbs), &v1.pdu);
    if (rc == WN_E_MALFORMED)
        return;
    if (rc)
        abort();
    rc = wn_snmp_msg_encode(&v1, buf, sizeof buf, &out, &len);
    if (rc == WN_E_LIMIT || rc == WN_E_NOSPACE)
        return;
    if (rc)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wn_snmp_msg m1, m2;
    int32_t id;
    uint8_t type;
    int ver;
    int peek = wn_snmp_peek_request_id(data, size, &id, &type, &ver);
    static struct wn_snmp_varbind strict[WN_SNMP_MAX_VARBINDS];
    size_t ks = 0;
    int one = one_pass(data, size, strict, &ks);
    int whole = wn_snmp_msg_decode(data, size, &m1);
    if ((one == 0) != (whole == 0))
        abort();   /* the one pass accepts exactly what the whole decode does */
    if (whole != 0)
        return 0;
    if (peek != 0 || type != m1.pdu.type || ver != (int)m1.version)
        abort();
    if (type != WN_SNMP_PDU_TRAP_V1 && id != m1.pdu.request_id)
        abort();

    static uint8_t buf[WN_SNMP_MAX_MSG];
    const uint8_t *out;
    size_t len;
    /* Re-encode through the iterator into an array, not the raw VBL copy. */
    static struct wn_snmp_varbind vbs[WN_SNMP_MAX_VARBINDS];
    struct wn_snmp_vb_iter it;
    size_t k = 0;
    wn_snmp_vb_iter_init(&it, &m1.pdu);
    while (wn_snmp_vb_next(&it, &vbs[k]) == 1)
        k++;
    if (k != m1.pdu.vb_count || ks != k)
        abort();
    for (size_t i = 0; i < k; i++) {
        if (strict[i].name_ber != vbs[i].name_ber || strict[i].name_ber_len != vbs[i].name_ber_len)
            abort();
        same_value(&strict[i].value, &vbs[i].value);
    }
    struct wn_snmp_msg enc = m1;
    enc.pdu.vbs = vbs;
    if (wn_snmp_msg_encode(&enc, buf, sizeof buf, &out, &len) != 0)
        abort();
    if (wn_snmp_msg_decode(out, len, &m2) != 0)
        abort();
    if (m2.version != m1.version || m2.pdu.type != m1.pdu.type
        || m2.pdu.request_id != m1.pdu.request_id || m2.pdu.error_status != m1.pdu.error_status
        || m2.pdu.error_index != m1.pdu.error_index || m2.pdu.vb_count != m1.pdu.vb_count
        || m2.community_len != m1.community_len
        || (m1.community_len && memcmp(m1.community, m2.community, m1.community_len))
        || m2.pdu.generic_trap != m1.pdu.generic_trap
        || m2.pdu.specific_trap != m1.pdu.specific_trap
        || m2.pdu.time_stamp != m1.pdu.time_stamp
        || memcmp(m2.pdu.agent_addr, m1.pdu.agent_addr, 4) != 0
        || m2.pdu.vbl_len > m1.pdu.vbl_len)   /* shorter if lengths were non-minimal */
        abort();
    struct wn_snmp_varbind vb;
    wn_snmp_vb_iter_init(&it, &m2.pdu);
    for (size_t i = 0; i < k; i++) {
        if (wn_snmp_vb_next(&it, &vb) != 1)
            abort();
        if (vb.name_ber_len != vbs[i].name_ber_len
            || memcmp(vb.name_ber, vbs[i].name_ber, vb.name_ber_len) != 0)
            abort();
        same_value(&vb.value, &vbs[i].value);
    }
    translate(&m1);
    /* Minimal (DER-like) input re-encodes byte for byte. */
    if (len == size && memcmp(out, data, size) != 0)
        abort();
    return 0;
}
