/* conn.h: private state of an SMB2 connection and the request/response engine shared by conn.c and pipe.c. */
#ifndef WN_SMB2_CONN_H
#define WN_SMB2_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "crypt.h"
#include "sign.h"
#include "smb2.h"
#include "wire.h"

#define WN_SMB2_CREDIT_REQUEST 64 /* credits asked for on every request */

struct wn_smb2_conn {
    int fd;                       /* owned; closed by wn_smb2_disconnect */
    unsigned timeout_ms;
    uint16_t dialect;
    uint16_t server_secmode;
    uint32_t max_read, max_write, max_transact;
    uint64_t next_mid;
    uint32_t credits;             /* credits we may still spend */
    uint64_t session_id;
    uint32_t tree_id;
    int signing;                  /* sign every request, require signed replies */
    struct wn_smb2_signer signer; /* secret key: wiped on disconnect */
    int anonymous;                /* asked for: no key, nothing signed or sealed */
    int encrypt;                  /* seal every request, accept only sealed replies */
    int encrypt_mode;             /* enum wn_smb2_encrypt_mode (from the options) */
    uint16_t cipher;              /* negotiated cipher (0: none) */
    struct wn_smb2_crypt crypt;   /* secret keys: wiped on disconnect */
    struct wn_dynbuf sealed;      /* the sealed frame being sent */
    uint8_t preauth[WN_SMB2_PREAUTH_LEN];
    uint32_t last_status;
    char *host;                   /* owned copy */
    struct wn_dynbuf tx;          /* NBSS frame being sent */
    struct wn_dynbuf rx;          /* last message received (without NBSS) */
    int broken;                   /* transport failed: no further requests */
    uint8_t *neg_blob;            /* owned copy of the NEGOTIATE security buffer (or NULL) */
    size_t neg_blob_len;
    /* What NEGOTIATE said, for FSCTL_VALIDATE_NEGOTIATE_INFO (3.0/3.0.2). */
    struct wn_smb2_negotiate_req neg_req;
    uint32_t server_caps;
    uint8_t server_guid[16];
};

/* Starts a request: resets c->tx and returns a write cursor positioned after
 * a 64-byte header placeholder; w->start is the SMB2 header. */
int wn_smb2_req_begin(struct wn_smb2_conn *c, size_t body_cap, struct wn_wbuf *w);

/* Finishes the header of the request in w (command, charge, ids), signs it
 * when required, sends it, and waits for the final reply with the same
 * MessageId.  On 0, *hdr holds the reply header and the reply (header
 * included) is c->rx.data / c->rx.len (valid until the next request);
 * hdr->status is the NTSTATUS (data).  Replies are verified as signing
 * requires.  `sign` = -1: as the connection says, 0: never, 1: always. */
int wn_smb2_transact(struct wn_smb2_conn *c, struct wn_wbuf *w, uint16_t cmd, uint32_t payload,
                     int sign, struct wn_smb2_hdr *hdr);

/* After TREE_CONNECT on 3.0/3.0.2 with a signing session: the signed
 * FSCTL_VALIDATE_NEGOTIATE_INFO exchange.  0 (also when not applicable),
 * WN_E_SIGNATURE when the server's answer does not repeat what NEGOTIATE
 * said (downgrade) or is refused, or a transport error. */
int wn_smb2_validate_negotiate(struct wn_smb2_conn *c);

/* Transport (transport.c).  Deadlines are absolute wn_clock_ms() values. */
int wn_smb2_tcp_connect(const char *host, uint16_t port, uint64_t deadline, int *out);
int wn_smb2_send_all(struct wn_smb2_conn *c, const uint8_t *p, size_t n, uint64_t deadline);
/* Reads one NBSS frame into c->rx. */
int wn_smb2_recv_frame(struct wn_smb2_conn *c, uint64_t deadline);

/* Decides, after SESSION_SETUP (session_flags) or TREE_CONNECT
 * (share_flags), whether traffic must be encrypted from now on; 0 or
 * WN_E_ACCESS / WN_E_UNSUPPORTED with a log line saying why. */
int wn_smb2_encryption_decide(struct wn_smb2_conn *c, int server_requires, const char *what);

/* Records status as last_status and maps it to WN_E_*. */
int wn_smb2_fail_status(struct wn_smb2_conn *c, uint32_t status);

#endif /* WN_SMB2_CONN_H */
