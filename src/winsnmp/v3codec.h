/* v3codec.h: SnmpEncodeMsg / SnmpDecodeMsg of SNMPv3 messages (v3codec.c): the synchronous codec over the usm layer, the engine cache and the user table. */
#ifndef WN_WS_V3CODEC_H
#define WN_WS_V3CODEC_H

#include "engine_int.h"
#include "v3int.h"

/* SnmpEncodeMsg for a v3 destination dst (its user set) of PDU p in
 * context ctx (all borrowed).  The authoritative engine: for a Trap,
 * ours (v3local.c); for a request (Get, GetNext, GetBulk, Set, Inform),
 * the destination's: the engine cached for its address by an earlier
 * exchange (its ID, boots and time), else the entity's engineid= (boots
 * and time 0: an agent answers an authenticated request with a
 * notInTimeWindow report that carries its clock).  *out is
 * returned-owned (wn_free).  0, WN_E_STATE (a request to an engine
 * neither cached nor named by engineid=), WN_E_UNSUPPORTED (a Response,
 * a Report or a v1 Trap), the errors of wn_ws_encode and wn_usm_encode.
 * [locked] */
int wn_ws_v3_encode_msg(const struct wn_ws_entity *dst, const struct wn_ws_context *ctx,
                        const struct wn_ws_pdu *p, uint8_t **out, size_t *out_len);

/* A decoded v3 message: d as wn_ws_decode gives it (its community, the
 * contextName, views plain), the user and level it came with. */
struct wn_ws_v3_decoded {
    struct wn_ws_decoded d;
    struct wn_ws_v3in v3;
    uint8_t *plain;                  /* owned: wn_ws_v3_decoded_end */
    size_t plain_len;
};
/* SnmpDecodeMsg of a v3 message for a user of the user table
 * (wn_ws_user_find): checks the digest with the user's keys localized to
 * the message's msgAuthoritativeEngineID and decrypts.  It keeps no
 * state, so it checks no time window (docs/snmpv3.md).  A noAuthNoPriv
 * message needs no configured user.  0, WN_E_MALFORMED, WN_E_UNSUPPORTED
 * (another security model), WN_E_UNKNOWNUSERNAME, WN_E_UNKNOWNENGINEID
 * (the user's engineid= differs), WN_E_UNSUPPORTEDSECLEVEL,
 * WN_E_WRONGDIGEST, WN_E_DECRYPTIONERROR, WN_E_NOMEM.  On 0, end it with
 * wn_ws_v3_decoded_end. [locked] */
int wn_ws_v3_decode_msg(const uint8_t *pkt, size_t len, int convey, struct wn_ws_v3_decoded *out);
/* Wipes and frees what out holds. */
void wn_ws_v3_decoded_end(struct wn_ws_v3_decoded *out);

#endif /* WN_WS_V3CODEC_H */
