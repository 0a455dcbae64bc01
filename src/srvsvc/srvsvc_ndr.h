/* srvsvc_ndr.h: private NDR20 helpers of the srvsvc layer (aligned scalars, unique pointers, conformant varying strings). */
#ifndef WN_SRVSVC_NDR_H
#define WN_SRVSVC_NDR_H

#include "srvsvc.h"

/* Encoder over a caller's dynbuf; alignment counts from `base` (the stub
 * start), the first error sticks. */
struct wn_srvsvc_enc {
    struct wn_dynbuf *out;
    size_t base;
    uint32_t next_ref;
    int err;
};

void wn_srvsvc_enc_init(struct wn_srvsvc_enc *e, struct wn_dynbuf *out);
void wn_srvsvc_enc_u32(struct wn_srvsvc_enc *e, uint32_t v);
/* Writes a unique pointer: a fresh referent ID when present, else 0. */
void wn_srvsvc_enc_ptr(struct wn_srvsvc_enc *e, int present);
/* Writes a [string] wchar_t pointee (MaxCount, Offset 0, ActualCount incl.
 * NUL, units, NUL).  len in bytes without NUL. */
void wn_srvsvc_enc_str(struct wn_srvsvc_enc *e, const uint8_t *data, size_t len);
/* Pointer + pointee for a top-level [in, string, unique] parameter. */
void wn_srvsvc_enc_top_str(struct wn_srvsvc_enc *e, const struct wn_srvsvc_u16 *s);

/* Aligned u32 read (NDR: align to 4 from the stub start). */
uint32_t wn_srvsvc_dec_u32(struct wn_rbuf *r);
/* Reads a [string] wchar_t pointee into a view (borrowed from r's buffer);
 * checks offset 0, actual <= max <= WN_SRVSVC_MAX_STRING, bytes left and
 * the terminating NUL.  0 or WN_E_*. */
int wn_srvsvc_dec_str(struct wn_rbuf *r, const uint8_t **data, uint32_t *len);

#endif /* WN_SRVSVC_NDR_H */
