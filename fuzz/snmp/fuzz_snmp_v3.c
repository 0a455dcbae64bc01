/* fuzz_snmp_v3.c: fuzz target: decode an SNMPv3 message (and the input as a bare ScopedPDU), re-encode, decode again and compare. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    if (an != bn || (an && memcmp(a, b, an)))
        abort();
}

static void
same_scoped(const struct wn_snmp_scoped_pdu *a, const struct wn_snmp_scoped_pdu *b)
{
    same_bytes(a->context_engine_id, a->context_engine_id_len, b->context_engine_id,
               b->context_engine_id_len);
    same_bytes(a->context_name, a->context_name_len, b->context_name, b->context_name_len);
    if (a->pdu.type != b->pdu.type || a->pdu.request_id != b->pdu.request_id
        || a->pdu.error_status != b->pdu.error_status || a->pdu.error_index != b->pdu.error_index
        || a->pdu.vb_count != b->pdu.vb_count)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[WN_SNMP_MAX_MSG + 64];
    const uint8_t *out;
    size_t len, off;
    struct wn_snmp_v3_msg m, m2;
    if (wn_snmp_v3_decode(data, size, &m) == 0) {
        if (wn_snmp_v3_encode(&m, buf, sizeof buf, &out, &len, &off) != 0)
            abort();
        if (wn_snmp_v3_decode(out, len, &m2) != 0)
            abort();
        if (m.msg_id != m2.msg_id || m.max_size != m2.max_size || m.flags != m2.flags
            || m.security_model != m2.security_model)
            abort();
        same_bytes(m.sec_params, m.sec_params_len, m2.sec_params, m2.sec_params_len);
        if (out + off != m2.sec_params)
            abort();
        if (m.flags & WN_SNMP_V3_FLAG_PRIV)
            same_bytes(m.encrypted, m.encrypted_len, m2.encrypted, m2.encrypted_len);
        else
            same_scoped(&m.scoped, &m2.scoped);
    }
    struct wn_snmp_scoped_pdu s, s2;
    size_t used;
    if (wn_snmp_scoped_pdu_decode(data, size, &s, &used) == 0) {
        if (used > size)
            abort();
        if (wn_snmp_scoped_pdu_encode(&s, buf, sizeof buf, &out, &len) != 0)
            abort();
        if (wn_snmp_scoped_pdu_decode(out, len, &s2, &used) != 0 || used != len)
            abort();
        same_scoped(&s, &s2);
    }
    return 0;
}
