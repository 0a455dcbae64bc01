/* translate.c: RFC 3584 SNMPv1 <-> SNMPv2 trap, request, response and error-status translation. */
#include "snmp.h"

#include <string.h>

#define MOD "snmp"

static const uint32_t sys_uptime0[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
static const uint32_t snmp_trap_oid0[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const uint32_t snmp_trap_enterprise0[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0};
static const uint32_t snmp_trap_address0[] = {1, 3, 6, 1, 6, 3, 18, 1, 3, 0};
static const uint32_t snmp_trap_community0[] = {1, 3, 6, 1, 6, 3, 18, 1, 4, 0};
static const uint32_t snmp_traps[] = {1, 3, 6, 1, 6, 3, 1, 1, 5};
#define OIDN(a) (a), WN_ARRAY_SIZE(a)

/* Writes vb with a sub-id name into out[*k] if room. */
static int
add(struct wn_snmp_varbind *out, size_t max, size_t *k, const uint32_t *name, size_t n,
    const struct wn_snmp_value *val)
{
    if (*k >= max)
        return WN_E_NOSPACE;
    memset(&out[*k], 0, sizeof out[*k]);
    out[*k].oid = name;
    out[*k].oid_len = n;
    out[*k].value = *val;
    (*k)++;
    return 0;
}

/* Appends every varbind of pdu to out[*k..max). */
static int
append_all(const struct wn_snmp_pdu *pdu, struct wn_snmp_varbind *out, size_t max, size_t *k)
{
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    int rc;
    wn_snmp_vb_iter_init(&it, pdu);
    for (rc = wn_snmp_vb_next(&it, &vb); rc == 1; rc = wn_snmp_vb_next(&it, &vb)) {
        if (*k >= max)
            return WN_E_NOSPACE;
        out[(*k)++] = vb;
    }
    return rc < 0 ? rc : 0;
}

/* Enterprise of a Trap-PDU as sub-ids in scratch. */
static int
enterprise_of(const struct wn_snmp_pdu *trap, uint32_t *scratch, size_t max, size_t *n)
{
    if (trap->enterprise) {
        if (trap->enterprise_len > max)
            return WN_E_NOSPACE;
        memcpy(scratch, trap->enterprise, trap->enterprise_len * sizeof *scratch);
        *n = trap->enterprise_len;
        return 0;
    }
    return wn_ber_oid_decode(trap->enterprise_ber, trap->enterprise_ber_len, scratch, max, n);
}

static int
contains(const struct wn_snmp_pdu *pdu, const uint32_t *name, size_t n)
{
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    wn_snmp_vb_iter_init(&it, pdu);
    while (wn_snmp_vb_next(&it, &vb) == 1)
        if (wn_snmp_vb_name_equals(&vb, name, n))
            return 1;
    return 0;
}

int
wn_snmp_trap_v1_to_v2(const struct wn_snmp_pdu *trap, const uint8_t *community,
                      size_t community_len, uint32_t *oid_scratch, size_t scratch_max,
                      struct wn_snmp_varbind *out, size_t max, size_t *n)
{
    if (!trap || trap->type != WN_SNMP_PDU_TRAP_V1 || !oid_scratch || !out || !n)
        return WN_E_INVAL;
    if (trap->generic_trap < 0 || trap->generic_trap > 6)
        return WN_E_INVAL;
    size_t k = 0, olen = 0;
    int rc;
    struct wn_snmp_value v;

    /* (1)/(2) snmpTrapOID.0: enterprise.0.specific, or snmpTraps.(generic+1). */
    if (trap->generic_trap == 6) {
        if (scratch_max < 2)
            return WN_E_NOSPACE;
        rc = enterprise_of(trap, oid_scratch, scratch_max - 2, &olen);
        if (rc)
            return rc;
        oid_scratch[olen++] = 0;
        oid_scratch[olen++] = (uint32_t)trap->specific_trap;
    } else {
        if (scratch_max < WN_ARRAY_SIZE(snmp_traps) + 1)
            return WN_E_NOSPACE;
        memcpy(oid_scratch, snmp_traps, sizeof snmp_traps);
        olen = WN_ARRAY_SIZE(snmp_traps);
        oid_scratch[olen++] = (uint32_t)trap->generic_trap + 1;
    }
    /* (3) sysUpTime.0, snmpTrapOID.0, then the v1 varbinds. */
    memset(&v, 0, sizeof v);
    v.syntax = WN_SNMP_SYN_TIMETICKS;
    v.v.u32 = trap->time_stamp;
    rc = add(out, max, &k, OIDN(sys_uptime0), &v);
    if (rc != 0)
        return rc;
    memset(&v, 0, sizeof v);
    v.syntax = WN_SNMP_SYN_OID;
    v.v.oid.sub = oid_scratch;
    v.v.oid.n = olen;
    rc = add(out, max, &k, OIDN(snmp_trap_oid0), &v);
    if (rc != 0)
        return rc;
    rc = append_all(trap, out, max, &k);
    if (rc != 0)
        return rc;
    /* (4) snmpTrapAddress.0, snmpTrapCommunity.0, snmpTrapEnterprise.0. */
    if (!contains(trap, OIDN(snmp_trap_address0))) {
        memset(&v, 0, sizeof v);
        v.syntax = WN_SNMP_SYN_IPADDR;
        v.v.bytes.p = trap->agent_addr;
        v.v.bytes.len = 4;
        rc = add(out, max, &k, OIDN(snmp_trap_address0), &v);
        if (rc != 0)
            return rc;
    }
    if (!contains(trap, OIDN(snmp_trap_community0))) {
        memset(&v, 0, sizeof v);
        v.syntax = WN_SNMP_SYN_OCTETS;
        v.v.bytes.p = community;
        v.v.bytes.len = community ? community_len : 0;
        rc = add(out, max, &k, OIDN(snmp_trap_community0), &v);
        if (rc != 0)
            return rc;
    }
    if (!contains(trap, OIDN(snmp_trap_enterprise0))) {
        memset(&v, 0, sizeof v);
        v.syntax = WN_SNMP_SYN_OID;
        if (trap->enterprise) {
            v.v.oid.sub = trap->enterprise;
            v.v.oid.n = trap->enterprise_len;
        } else {
            v.oid_is_ber = 1;
            v.v.bytes.p = trap->enterprise_ber;
            v.v.bytes.len = trap->enterprise_ber_len;
        }
        rc = add(out, max, &k, OIDN(snmp_trap_enterprise0), &v);
        if (rc != 0)
            return rc;
    }
    *n = k;
    return 0;
}

/* OID value of a varbind as sub-ids (copied into dst). */
static int
oid_value(const struct wn_snmp_value *v, uint32_t *dst, size_t max, size_t *n)
{
    if (v->syntax != WN_SNMP_SYN_OID)
        return WN_E_MALFORMED;
    if (v->oid_is_ber)
        return wn_ber_oid_decode(v->v.bytes.p, v->v.bytes.len, dst, max, n);
    if (v->v.oid.n > max)
        return WN_E_NOSPACE;
    memcpy(dst, v->v.oid.sub, v->v.oid.n * sizeof *dst);
    *n = v->v.oid.n;
    return 0;
}

int
wn_snmp_trap_v2_to_v1(const struct wn_snmp_pdu *trap, uint32_t *oid_scratch,
                      size_t scratch_max, struct wn_snmp_varbind *vb_out, size_t vb_max,
                      struct wn_snmp_pdu *out)
{
    if (!trap || !oid_scratch || !out
        || (trap->type != WN_SNMP_PDU_TRAP_V2 && trap->type != WN_SNMP_PDU_INFORM))
        return WN_E_INVAL;
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind up, toid, vb;
    uint32_t tid[WN_SNMP_MAX_OID_LEN];
    size_t tlen = 0;
    wn_snmp_vb_iter_init(&it, trap);
    /* RFC 3416 4.2.6: the first two are sysUpTime.0 and snmpTrapOID.0. */
    WN_PARSE_CHECK(MOD, wn_snmp_vb_next(&it, &up) == 1, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, wn_snmp_vb_name_equals(&up, OIDN(sys_uptime0))
                   && up.value.syntax == WN_SNMP_SYN_TIMETICKS, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, wn_snmp_vb_next(&it, &toid) == 1, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, wn_snmp_vb_name_equals(&toid, OIDN(snmp_trap_oid0)), WN_E_MALFORMED);
    int rc = oid_value(&toid.value, tid, WN_ARRAY_SIZE(tid), &tlen);
    if (rc)
        return rc;
    WN_PARSE_CHECK(MOD, tlen >= 2, WN_E_MALFORMED);

    memset(out, 0, sizeof *out);
    out->type = WN_SNMP_PDU_TRAP_V1;
    out->time_stamp = up.value.v.u32;       /* (6) */
    int standard = tlen == WN_ARRAY_SIZE(snmp_traps) + 1
        && memcmp(tid, snmp_traps, sizeof snmp_traps) == 0
        && tid[tlen - 1] >= 1 && tid[tlen - 1] <= 6;
    size_t elen;
    if (standard) {
        /* (2) enterprise = snmpTrapEnterprise.0 if present, else snmpTraps;
         * (4)/(5) generic = last - 1, specific 0. */
        out->generic_trap = (int32_t)tid[tlen - 1] - 1;
        out->specific_trap = 0;
        elen = WN_ARRAY_SIZE(snmp_traps);
        if (scratch_max < elen)
            return WN_E_NOSPACE;
        memcpy(oid_scratch, snmp_traps, sizeof snmp_traps);
        wn_snmp_vb_iter_init(&it, trap);
        while (wn_snmp_vb_next(&it, &vb) == 1) {
            if (wn_snmp_vb_name_equals(&vb, OIDN(snmp_trap_enterprise0))
                && vb.value.syntax == WN_SNMP_SYN_OID) {
                rc = oid_value(&vb.value, oid_scratch, scratch_max, &elen);
                if (rc)
                    return rc;
                break;
            }
        }
    } else {
        /* (2) drop the last sub-id, and a '0' before it too. */
        out->generic_trap = 6;
        out->specific_trap = (int32_t)tid[tlen - 1];
        elen = tlen - 1;
        if (elen >= 2 && tid[elen - 1] == 0)
            elen--;
        if (scratch_max < elen)
            return WN_E_NOSPACE;
        memcpy(oid_scratch, tid, elen * sizeof *tid);
    }
    /* An enterprise must itself be an encodable OID. */
    WN_PARSE_CHECK(MOD, elen >= 2 && oid_scratch[0] <= 2
                   && (oid_scratch[0] == 2 || oid_scratch[1] < 40), WN_E_MALFORMED);
    out->enterprise = oid_scratch;
    out->enterprise_len = elen;
    /* (3) agent-addr from snmpTrapAddress.0 if present, else 0.0.0.0;
     * (1)/(7) varbinds without sysUpTime.0, snmpTrapOID.0 and Counter64. */
    size_t k = 0;
    wn_snmp_vb_iter_init(&it, trap);
    wn_snmp_vb_next(&it, &vb);
    wn_snmp_vb_next(&it, &vb);
    for (rc = wn_snmp_vb_next(&it, &vb); rc == 1; rc = wn_snmp_vb_next(&it, &vb)) {
        if (wn_snmp_vb_name_equals(&vb, OIDN(snmp_trap_address0))
            && vb.value.syntax == WN_SNMP_SYN_IPADDR && vb.value.v.bytes.len == 4)
            memcpy(out->agent_addr, vb.value.v.bytes.p, 4);
        if (vb.value.syntax == WN_SNMP_SYN_COUNTER64)
            continue;
        if (k >= vb_max)
            return WN_E_NOSPACE;
        vb_out[k++] = vb;
    }
    if (rc < 0)
        return rc;
    out->vbs = vb_out;
    out->vb_count = k;
    return 0;
}

int
wn_snmp_request_v2_to_v1(const struct wn_snmp_pdu *in, struct wn_snmp_pdu *out,
                         size_t *bad_index)
{
    if (!in || !out)
        return WN_E_INVAL;
    if (bad_index)
        *bad_index = 0;
    switch (in->type) {
    case WN_SNMP_PDU_GET: case WN_SNMP_PDU_GETNEXT: case WN_SNMP_PDU_SET:
    case WN_SNMP_PDU_GETBULK:
        break;
    default:
        return WN_E_UNSUPPORTED;
    }
    *out = *in;
    if (in->type == WN_SNMP_PDU_GETBULK) {
        /* 4.1.2.1: GetBulk goes out as GetNext; the bulk fields become 0. */
        out->type = WN_SNMP_PDU_GETNEXT;
        out->error_status = 0;
        out->error_index = 0;
    }
    /* A Counter64 (or an exception value) cannot be said in SNMPv1. */
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    int rc;
    size_t i = 0;
    wn_snmp_vb_iter_init(&it, in);
    for (rc = wn_snmp_vb_next(&it, &vb); rc == 1; rc = wn_snmp_vb_next(&it, &vb)) {
        i++;
        uint8_t s = vb.value.syntax;
        if (s == WN_SNMP_SYN_COUNTER64 || s == WN_SNMP_SYN_NOSUCHOBJECT
            || s == WN_SNMP_SYN_NOSUCHINSTANCE || s == WN_SNMP_SYN_ENDOFMIBVIEW) {
            if (bad_index)
                *bad_index = i;
            return WN_E_UNSUPPORTED;
        }
    }
    return rc < 0 ? rc : 0;
}

int32_t
wn_snmp_errstat_v2_to_v1(int32_t v2)
{
    switch (v2) {
    case WN_SNMP_ERR_NOERROR: case WN_SNMP_ERR_TOOBIG: case WN_SNMP_ERR_NOSUCHNAME:
    case WN_SNMP_ERR_BADVALUE: case WN_SNMP_ERR_READONLY: case WN_SNMP_ERR_GENERR:
        return v2;
    case WN_SNMP_ERR_WRONGVALUE: case WN_SNMP_ERR_WRONGENCODING:
    case WN_SNMP_ERR_WRONGTYPE: case WN_SNMP_ERR_WRONGLENGTH:
    case WN_SNMP_ERR_INCONSISTENTVALUE:
        return WN_SNMP_ERR_BADVALUE;
    case WN_SNMP_ERR_NOACCESS: case WN_SNMP_ERR_NOTWRITABLE: case WN_SNMP_ERR_NOCREATION:
    case WN_SNMP_ERR_INCONSISTENTNAME: case WN_SNMP_ERR_AUTHORIZATIONERROR:
        return WN_SNMP_ERR_NOSUCHNAME;
    case WN_SNMP_ERR_RESOURCEUNAVAILABLE: case WN_SNMP_ERR_COMMITFAILED:
    case WN_SNMP_ERR_UNDOFAILED:
        return WN_SNMP_ERR_GENERR;
    default:
        return WN_SNMP_ERR_GENERR;
    }
}

int
wn_snmp_response_v1_to_v2(const struct wn_snmp_pdu *resp, uint8_t orig_type,
                          struct wn_snmp_varbind *vb_out, size_t vb_max,
                          struct wn_snmp_pdu *out)
{
    if (!resp || !out || resp->type != WN_SNMP_PDU_RESPONSE)
        return WN_E_INVAL;
    size_t k = 0;
    int rc = append_all(resp, vb_out, vb_max, &k);
    if (rc)
        return rc;
    *out = *resp;
    out->vbs = vb_out;
    out->vb_count = k;
    out->vbl = NULL;
    out->vbl_len = 0;
    int walk = orig_type == WN_SNMP_PDU_GETNEXT || orig_type == WN_SNMP_PDU_GETBULK;
    if (walk && resp->error_status == WN_SNMP_ERR_NOSUCHNAME && resp->error_index >= 1
        && (size_t)resp->error_index <= k) {
        /* noSuchName on a walk: that variable ran off the end of the MIB. */
        struct wn_snmp_value *v = &vb_out[resp->error_index - 1].value;
        memset(v, 0, sizeof *v);
        v->syntax = WN_SNMP_SYN_ENDOFMIBVIEW;
        out->error_status = WN_SNMP_ERR_NOERROR;
        out->error_index = 0;
    }
    return 0;
}

int
wn_snmp_response_v2_to_v1(const struct wn_snmp_pdu *resp, const struct wn_snmp_pdu *request,
                          struct wn_snmp_pdu *out, size_t *bad_index)
{
    if (!resp || !request || !out || resp->type != WN_SNMP_PDU_RESPONSE)
        return WN_E_INVAL;
    if (bad_index)
        *bad_index = 0;
    /* Varbinds as the request had them, for error responses. */
    struct wn_snmp_pdu err = *resp;
    err.vbs = request->vbs;
    err.vb_count = request->vb_count;
    err.vbl = request->vbl;
    err.vbl_len = request->vbl_len;
    if (resp->error_status != WN_SNMP_ERR_NOERROR) {
        *out = err;
        out->error_status = wn_snmp_errstat_v2_to_v1(resp->error_status);
        return 0;
    }
    struct wn_snmp_vb_iter it;
    struct wn_snmp_varbind vb;
    int rc;
    size_t i = 0;
    wn_snmp_vb_iter_init(&it, resp);
    for (rc = wn_snmp_vb_next(&it, &vb); rc == 1; rc = wn_snmp_vb_next(&it, &vb)) {
        i++;
        uint8_t s = vb.value.syntax;
        if (s == WN_SNMP_SYN_COUNTER64 || s == WN_SNMP_SYN_NOSUCHOBJECT
            || s == WN_SNMP_SYN_NOSUCHINSTANCE || s == WN_SNMP_SYN_ENDOFMIBVIEW) {
            *out = err;
            out->error_status = WN_SNMP_ERR_NOSUCHNAME;
            out->error_index = (int32_t)i;
            if (bad_index)
                *bad_index = i;
            return 0;
        }
    }
    if (rc < 0)
        return rc;
    *out = *resp;
    return 0;
}
