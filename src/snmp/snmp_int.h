/* snmp_int.h: private to the snmp layer: the PDU grammar shared by the v1/v2c (msg.c) and v3 (msg3.c) codecs. */
#ifndef WN_SNMP_INT_H
#define WN_SNMP_INT_H

#include "snmp.h"

/* 1 if a PDU of this type may travel in a message of version v. */
int wn_snmp_pdu_valid_for(enum wn_snmp_version v, uint8_t type);
/* The inside of a PDU's [n] IMPLICIT SEQUENCE (pdu->type already set),
 * varbinds validated; views borrow r's buffer.  r must be exactly filled. */
int wn_snmp_pdu_body_decode(enum wn_snmp_version ver, struct wn_rbuf *r, struct wn_snmp_pdu *pdu);
/* Prepends the whole PDU TLV; returns the writer's sticky err. */
int wn_snmp_pdu_encode(struct wn_ber_wbuf *w, enum wn_snmp_version ver,
                       const struct wn_snmp_pdu *pdu);

#endif /* WN_SNMP_INT_H */
