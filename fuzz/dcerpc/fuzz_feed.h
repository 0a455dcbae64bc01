/* fuzz_feed.h: a fake pipe transport for the DCE/RPC fuzz targets: answers transceive/read from the fuzz input in chunks. */
#ifndef WN_FUZZ_FEED_H
#define WN_FUZZ_FEED_H

#include <stdint.h>

#include "dcerpc.h"

struct wn_fuzz_feed {
    const uint8_t *data;    /* borrowed: the input */
    size_t len, off;
    size_t chunk;           /* bytes per transceive/read answer */
    unsigned writes;        /* write calls seen */
    int eof_is_error;       /* read with nothing left: WN_E_CLOSED (else an empty read) */
};

/* The transport over f (f is borrowed for the transport's life). */
void wn_fuzz_feed_transport(struct wn_fuzz_feed *f, struct wn_dcerpc_transport *t);

#endif /* WN_FUZZ_FEED_H */
