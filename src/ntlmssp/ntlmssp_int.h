/* ntlmssp_int.h: private helpers shared by the ntlmssp layer's files. */
#ifndef WN_NTLMSSP_INT_H
#define WN_NTLMSSP_INT_H

#include "base.h"

#define WN_NTLMSSP_SIGNATURE "NTLMSSP\0"

/* Reads one AV pair header + value view; 0 or WN_E_TRUNCATED. */
int wn_ntlmssp_av_next(struct wn_rbuf *r, uint16_t *id, const uint8_t **val, uint16_t *len);

#endif /* WN_NTLMSSP_INT_H */
