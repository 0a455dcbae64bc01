/* snmp.h: contract of the snmp layer: SNMPv1/v2c and SNMPv3 (RFC 3412) message codecs and RFC 3584 v1<->v2 translation. */
#ifndef WN_SNMP_H
#define WN_SNMP_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "ber.h"

/* ------------------------------------------------------------------------
 * Named limits.
 * ---------------------------------------------------------------------- */
#define WN_SNMP_MAX_MSG 65507          /* largest UDP/IPv4 payload */
#define WN_SNMP_MAX_VARBINDS 2048      /* per PDU, decode and encode */
#define WN_SNMP_MAX_COMMUNITY 255      /* community octets */
#define WN_SNMP_MAX_OID_LEN WN_BER_MAX_OID_LEN   /* 128 sub-ids */

enum wn_snmp_version { WN_SNMP_V1 = 0, WN_SNMP_V2C = 1, WN_SNMP_V3 = 3 };

/* PDU types (context-specific constructed identifier octets). */
#define WN_SNMP_PDU_GET      0xA0
#define WN_SNMP_PDU_GETNEXT  0xA1
#define WN_SNMP_PDU_RESPONSE 0xA2
#define WN_SNMP_PDU_SET      0xA3
#define WN_SNMP_PDU_TRAP_V1  0xA4
#define WN_SNMP_PDU_GETBULK  0xA5
#define WN_SNMP_PDU_INFORM   0xA6
#define WN_SNMP_PDU_TRAP_V2  0xA7
#define WN_SNMP_PDU_REPORT   0xA8

/* Value syntaxes (identifier octets). */
#define WN_SNMP_SYN_INTEGER     0x02
#define WN_SNMP_SYN_OCTETS      0x04
#define WN_SNMP_SYN_NULL        0x05
#define WN_SNMP_SYN_OID         0x06
#define WN_SNMP_SYN_IPADDR      0x40
#define WN_SNMP_SYN_COUNTER32   0x41
#define WN_SNMP_SYN_GAUGE32     0x42
#define WN_SNMP_SYN_TIMETICKS   0x43
#define WN_SNMP_SYN_OPAQUE      0x44
#define WN_SNMP_SYN_COUNTER64   0x46
#define WN_SNMP_SYN_NOSUCHOBJECT   0x80
#define WN_SNMP_SYN_NOSUCHINSTANCE 0x81
#define WN_SNMP_SYN_ENDOFMIBVIEW   0x82

/* error-status values (RFC 1157 0..5, RFC 3416 6..18). */
enum wn_snmp_errstat {
    WN_SNMP_ERR_NOERROR = 0, WN_SNMP_ERR_TOOBIG = 1, WN_SNMP_ERR_NOSUCHNAME = 2,
    WN_SNMP_ERR_BADVALUE = 3, WN_SNMP_ERR_READONLY = 4, WN_SNMP_ERR_GENERR = 5,
    WN_SNMP_ERR_NOACCESS = 6, WN_SNMP_ERR_WRONGTYPE = 7, WN_SNMP_ERR_WRONGLENGTH = 8,
    WN_SNMP_ERR_WRONGENCODING = 9, WN_SNMP_ERR_WRONGVALUE = 10,
    WN_SNMP_ERR_NOCREATION = 11, WN_SNMP_ERR_INCONSISTENTVALUE = 12,
    WN_SNMP_ERR_RESOURCEUNAVAILABLE = 13, WN_SNMP_ERR_COMMITFAILED = 14,
    WN_SNMP_ERR_UNDOFAILED = 15, WN_SNMP_ERR_AUTHORIZATIONERROR = 16,
    WN_SNMP_ERR_NOTWRITABLE = 17, WN_SNMP_ERR_INCONSISTENTNAME = 18
};

/* ------------------------------------------------------------------------
 * Values and varbinds.  Nothing here owns memory: every pointer is a
 * BORROWED view, either into the caller's arrays (encode side) or into the
 * decoded message buffer (decode side), and must outlive the struct.
 * ---------------------------------------------------------------------- */
struct wn_snmp_value {
    uint8_t syntax;     /* WN_SNMP_SYN_* (the BER identifier octet) */
    /* OID values only: 1 when the OID is given as BER content octets in
     * v.bytes (always so after decode; convert with wn_snmp_oid_decode),
     * 0 when given as sub-ids in v.oid (encode side). */
    uint8_t oid_is_ber;
    union {
        int32_t i32;    /* INTEGER */
        uint32_t u32;   /* Counter32, Gauge32, TimeTicks */
        uint64_t u64;   /* Counter64 */
        struct { const uint8_t *p; size_t len; } bytes;  /* OCTETS, IpAddress (4), Opaque, BER OID */
        struct { const uint32_t *sub; size_t n; } oid;   /* OID as sub-ids */
    } v;
};

struct wn_snmp_varbind {
    /* Name as sub-ids (encode side); NULL when name_ber is used. */
    const uint32_t *oid;
    size_t oid_len;
    /* Name as BER content octets (set by decode; used by encode when oid
     * is NULL).  Convert with wn_snmp_oid_decode. */
    const uint8_t *name_ber;
    size_t name_ber_len;
    struct wn_snmp_value value;
};

struct wn_snmp_pdu {
    uint8_t type;             /* WN_SNMP_PDU_* */
    int32_t request_id;
    int32_t error_status;     /* GetBulk: non-repeaters (RFC 3416) */
    int32_t error_index;      /* GetBulk: max-repetitions */
    /* Trap-v1 only.  enterprise as sub-ids (encode side) or, when
     * enterprise is NULL, as BER content (enterprise_ber; set by decode). */
    const uint32_t *enterprise;
    size_t enterprise_len;
    const uint8_t *enterprise_ber;
    size_t enterprise_ber_len;
    uint8_t agent_addr[4];
    int32_t generic_trap;     /* 0..6 */
    int32_t specific_trap;
    uint32_t time_stamp;      /* TimeTicks */
    /* Varbinds.  Encode: vbs[0..vb_count) borrowed; or, when vbs is NULL,
     * the raw VarBindList content vbl[0..vbl_len) is copied as is.
     * Decode: vbs NULL, vbl/vbl_len view the validated VarBindList content
     * and vb_count is its number of varbinds; walk it with wn_snmp_vb_next. */
    const struct wn_snmp_varbind *vbs;
    size_t vb_count;
    const uint8_t *vbl;
    size_t vbl_len;
};

/* GetBulk names for the shared fields. */
static inline int32_t
wn_snmp_pdu_non_repeaters(const struct wn_snmp_pdu *p) { return p->error_status; }
static inline int32_t
wn_snmp_pdu_max_repetitions(const struct wn_snmp_pdu *p) { return p->error_index; }
static inline void
wn_snmp_pdu_set_bulk(struct wn_snmp_pdu *p, int32_t non_repeaters, int32_t max_repetitions)
{
    p->error_status = non_repeaters;
    p->error_index = max_repetitions;
}

struct wn_snmp_msg {
    enum wn_snmp_version version;
    const uint8_t *community;   /* borrowed */
    size_t community_len;
    struct wn_snmp_pdu pdu;
};

/* ------------------------------------------------------------------------
 * Codec.
 * ---------------------------------------------------------------------- */
/* Decodes and validates the WHOLE message, every varbind included, before
 * returning 0; out's views borrow buf.  Errors: WN_E_TRUNCATED,
 * WN_E_MALFORMED (bad encoding, tag, trailing bytes, PDU type or syntax not
 * valid for the version), WN_E_LIMIT (named limits), WN_E_UNSUPPORTED
 * (version 3).  Never allocates. */
int wn_snmp_msg_decode(const uint8_t *buf, size_t len, struct wn_snmp_msg *out);
/* The same up to the VarBindList, which is only delimited (pdu.vbl,
 * pdu.vbl_len; pdu.vb_count 0): for a caller that validates the list in
 * the pass that also decodes it, with wn_snmp_vb_next_strict until it
 * gives 0 and wn_snmp_oid_decode on every name and OID value; only then
 * is the message as valid as wn_snmp_msg_decode's. */
int wn_snmp_msg_decode_head(const uint8_t *buf, size_t len, struct wn_snmp_msg *out);

/* Encodes into buf[0..cap) without allocating.  The message is written at
 * the END of buf: *out (borrowed, inside buf) and *out_len.  WN_E_NOSPACE
 * if cap is too small, WN_E_LIMIT over WN_SNMP_MAX_MSG or another limit,
 * WN_E_INVAL for values not valid for the version or PDU type,
 * WN_E_UNSUPPORTED for version 3. */
int wn_snmp_msg_encode(const struct wn_snmp_msg *m, uint8_t *buf, size_t cap,
                       const uint8_t **out, size_t *out_len);

/* Reads only version, PDU type and request-id (Trap-v1: id 0).  Any out
 * pointer may be NULL.  Does not validate the rest. */
int wn_snmp_peek_request_id(const uint8_t *buf, size_t len, int32_t *id,
                            uint8_t *pdu_type, int *version);

/* Varbind iteration over either a decoded VarBindList or an encode-side
 * array (whichever the pdu holds).  The iterator borrows the pdu. */
struct wn_snmp_vb_iter {
    struct wn_rbuf r;
    const struct wn_snmp_varbind *vbs;
    size_t count;
    size_t i;
};
void wn_snmp_vb_iter_init(struct wn_snmp_vb_iter *it, const struct wn_snmp_pdu *pdu);
/* 1: *out filled (views borrow the message), 0: end, <0: WN_E_*. */
int wn_snmp_vb_next(struct wn_snmp_vb_iter *it, struct wn_snmp_varbind *out);
/* The first pass over a list wn_snmp_msg_decode_head delimited: every
 * rule wn_snmp_msg_decode applies for version ver (the varbind limit
 * included), except the contents of the name and of an OID value, which
 * the caller decodes with wn_snmp_oid_decode (strict) itself. */
int wn_snmp_vb_next_strict(struct wn_snmp_vb_iter *it, enum wn_snmp_version ver,
                           struct wn_snmp_varbind *out);

/* OID content octets -> sub-ids in out[0..max); *n = count.  out NULL
 * validates and counts.  Same rules and errors as wn_ber_oid_decode. */
int wn_snmp_oid_decode(const uint8_t *ber, size_t len, uint32_t *out, size_t max, size_t *n);
/* A varbind name (either form) as sub-ids in out[0..max); *n = count. */
int wn_snmp_vb_name(const struct wn_snmp_varbind *vb, uint32_t *out, size_t max, size_t *n);
/* Lexicographic order of two sub-id arrays (RFC 3416 GetNext order):
 * <0, 0, >0.  A proper prefix sorts first. */
int wn_snmp_oid_cmp(const uint32_t *a, size_t an, const uint32_t *b, size_t bn);
/* Compares a varbind name (either form) with sub-ids; 1 equal, 0 not. */
int wn_snmp_vb_name_equals(const struct wn_snmp_varbind *vb, const uint32_t *oid, size_t n);

/* ------------------------------------------------------------------------
 * SNMPv3 messages (RFC 3412 section 6; msg3.c).  The security model's
 * parameters travel as opaque octets (the usm layer reads them); the
 * ScopedPDU is either plaintext or, with the priv flag, an encryptedPDU
 * OCTET STRING the security model decrypts and hands to
 * wn_snmp_scoped_pdu_decode.
 *   SNMPv3Message ::= SEQUENCE { msgVersion INTEGER (3),
 *       msgGlobalData SEQUENCE { msgID INTEGER (0..2147483647),
 *           msgMaxSize INTEGER (484..2147483647), msgFlags OCTET STRING (SIZE(1)),
 *           msgSecurityModel INTEGER (1..2147483647) },
 *       msgSecurityParameters OCTET STRING,
 *       msgData CHOICE { plaintext ScopedPDU, encryptedPDU OCTET STRING } }
 *   ScopedPDU ::= SEQUENCE { contextEngineID OCTET STRING,
 *       contextName OCTET STRING, data ANY -- a v2c PDU -- }
 * ---------------------------------------------------------------------- */
#define WN_SNMP_V3_FLAG_AUTH 0x01
#define WN_SNMP_V3_FLAG_PRIV 0x02
#define WN_SNMP_V3_FLAG_REPORTABLE 0x04
#define WN_SNMP_V3_SECMODEL_USM 3
#define WN_SNMP_V3_MIN_MAX_SIZE 484             /* msgMaxSize lower bound */
#define WN_SNMP_V3_MAX_INT 2147483647           /* msgID, msgMaxSize, model */
#define WN_SNMP_V3_MAX_SECPARAMS 1024           /* msgSecurityParameters octets */
#define WN_SNMP_V3_MAX_CONTEXT_ENGINE_ID 32     /* SnmpEngineID SIZE(5..32); 0 allowed */
#define WN_SNMP_V3_MAX_CONTEXT_NAME 255         /* SnmpAdminString SIZE(0..255) */

struct wn_snmp_scoped_pdu {
    const uint8_t *context_engine_id;   /* borrowed */
    size_t context_engine_id_len;
    const uint8_t *context_name;        /* borrowed */
    size_t context_name_len;
    struct wn_snmp_pdu pdu;             /* v2c grammar; Trap-v1 is invalid */
};

struct wn_snmp_v3_msg {
    int32_t msg_id;
    int32_t max_size;
    uint8_t flags;                      /* WN_SNMP_V3_FLAG_* */
    int32_t security_model;
    const uint8_t *sec_params;          /* content octets, borrowed */
    size_t sec_params_len;
    /* flags & PRIV: the encryptedPDU octets (borrowed); scoped unused. */
    const uint8_t *encrypted;
    size_t encrypted_len;
    /* !(flags & PRIV): the plaintext ScopedPDU. */
    struct wn_snmp_scoped_pdu scoped;
};

/* Decodes and validates a whole SNMPv3 message (a plaintext ScopedPDU
 * fully, varbinds included); views borrow buf.  Errors as
 * wn_snmp_msg_decode; priv without auth, a msgFlags of other than one
 * octet, out-of-range msgID/msgMaxSize/model: WN_E_MALFORMED; another
 * version: WN_E_UNSUPPORTED. */
int wn_snmp_v3_decode(const uint8_t *buf, size_t len, struct wn_snmp_v3_msg *out);
/* Encodes m at the end of buf[0..cap) (plaintext m->scoped, or m->encrypted
 * when m->flags has PRIV): *out, *out_len, and *sec_params_off, the offset
 * of the msgSecurityParameters content in *out (so the security model can
 * fill in a MAC afterwards).  Same errors as wn_snmp_msg_encode. */
int wn_snmp_v3_encode(const struct wn_snmp_v3_msg *m, uint8_t *buf, size_t cap,
                      const uint8_t **out, size_t *out_len, size_t *sec_params_off);
/* A ScopedPDU from buf[0..len); bytes after its SEQUENCE are allowed (the
 * padding of a decrypted DES block) and *used (may be NULL) tells where it
 * ended.  Views borrow buf. */
int wn_snmp_scoped_pdu_decode(const uint8_t *buf, size_t len, struct wn_snmp_scoped_pdu *out,
                              size_t *used);
int wn_snmp_scoped_pdu_encode(const struct wn_snmp_scoped_pdu *s, uint8_t *buf, size_t cap,
                              const uint8_t **out, size_t *out_len);

/* ------------------------------------------------------------------------
 * RFC 3584 translation (translate.c).  Pure functions over caller scratch;
 * outputs borrow from the inputs and the scratch.
 * ---------------------------------------------------------------------- */
/* Section 3.1: v1 Trap-PDU (decoded or encode-side) -> SNMPv2-Trap varbinds:
 * sysUpTime.0, snmpTrapOID.0, the v1 varbinds, then snmpTrapAddress.0,
 * snmpTrapCommunity.0 and snmpTrapEnterprise.0 unless already present.
 * oid_scratch (>= enterprise length + 2 sub-ids) holds the snmpTrapOID value
 * and must outlive out; community borrowed.  out[0..max) receives *n
 * varbinds.  WN_E_NOSPACE when max or the scratch is too small. */
int wn_snmp_trap_v1_to_v2(const struct wn_snmp_pdu *trap, const uint8_t *community,
                          size_t community_len, uint32_t *oid_scratch, size_t scratch_max,
                          struct wn_snmp_varbind *out, size_t max, size_t *n);

/* Section 3.2: SNMPv2-Trap (or Inform) PDU -> v1 Trap-PDU in *out.  The
 * first two varbinds must be sysUpTime.0 and snmpTrapOID.0
 * (WN_E_MALFORMED otherwise).  Counter64 varbinds are dropped.
 * enterprise goes to oid_scratch (WN_SNMP_MAX_OID_LEN is always enough),
 * varbinds to vb_out[0..vb_max). */
int wn_snmp_trap_v2_to_v1(const struct wn_snmp_pdu *trap, uint32_t *oid_scratch,
                          size_t scratch_max, struct wn_snmp_varbind *vb_out,
                          size_t vb_max, struct wn_snmp_pdu *out);

/* Section 4.1.2: a v2 request to send to a v1 agent.  GetBulk becomes
 * GetNext (non-repeaters/max-repetitions dropped, status/index 0);
 * Get/GetNext/Set unchanged.  A Set carrying a Counter64 value is refused
 * with WN_E_UNSUPPORTED and *bad_index (1-based); Inform, v2 Trap, Report
 * and Response: WN_E_UNSUPPORTED.  out borrows in's varbinds. */
int wn_snmp_request_v2_to_v1(const struct wn_snmp_pdu *in, struct wn_snmp_pdu *out,
                             size_t *bad_index);

/* Section 4.4: SNMPv2 error-status -> SNMPv1 error-status. */
int32_t wn_snmp_errstat_v2_to_v1(int32_t v2);

/* Section 4.2 / 4.4: an SNMPv2 Response to send to a v1 requester.  A
 * non-zero error-status is mapped with wn_snmp_errstat_v2_to_v1 and the
 * request's varbinds are returned; with noError, the first varbind holding
 * Counter64 or an exception value makes it noSuchName with that 1-based
 * error-index and the request's varbinds (*bad_index = i as well, so a
 * GetNext caller may instead re-issue past that name).  Otherwise
 * unchanged.  out borrows resp or request. */
int wn_snmp_response_v2_to_v1(const struct wn_snmp_pdu *resp, const struct wn_snmp_pdu *request,
                              struct wn_snmp_pdu *out, size_t *bad_index);

/* A v1 Response to a request that went out as `orig_type` (before
 * wn_snmp_request_v2_to_v1), for a v2 caller.  The varbinds are copied to
 * vb_out[0..vb_max) (views still borrow resp's message) and out->vbs points
 * there.  When orig_type is GetNext or GetBulk and the status is noSuchName
 * with a valid error-index i, varbind i gets endOfMibView and the status
 * becomes noError (the walk ran off the end of the MIB); every other
 * status passes through unchanged (noSuchName is a legal v2 status). */
int wn_snmp_response_v1_to_v2(const struct wn_snmp_pdu *resp, uint8_t orig_type,
                              struct wn_snmp_varbind *vb_out, size_t vb_max,
                              struct wn_snmp_pdu *out);

#endif /* WN_SNMP_H */
