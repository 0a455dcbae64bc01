/* wire.h: private SMB2 message codecs (header, requests, responses); pure, no I/O. */
#ifndef WN_SMB2_WIRE_H
#define WN_SMB2_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"

#define WN_SMB2_HDR_LEN 64
#define WN_SMB2_SIG_OFF 48
#define WN_SMB2_MAX_DIALECTS 8
#define WN_SMB2_MAX_CONTEXTS 16     /* negotiate contexts parsed in a response */
#define WN_SMB2_MAX_SECBLOB 65535u  /* security buffer of NEGOTIATE/SESSION_SETUP */
#define WN_SMB2_MAX_PATH 1024u      /* UTF-16 bytes of a tree path or file name */
#define WN_SMB2_SALT_LEN 32
#define WN_SMB2_MAX_CIPHERS 4       /* ciphers offered in ENCRYPTION_CAPABILITIES */

/* StructureSize of each message body (MS-SMB2 2.2.x).  A body with a
 * variable buffer counts the first byte of that buffer in its size, so its
 * fixed part is SIZE - 1 bytes and the buffer starts at WN_SMB2_BUF_OFF. */
#define WN_SMB2_NEGOTIATE_REQ_SIZE 36
#define WN_SMB2_NEGOTIATE_RESP_SIZE 65
/* Our NEGOTIATE body at most: fixed part, dialects, three contexts. */
#define WN_SMB2_NEGOTIATE_REQ_BODY_MAX 256
#define WN_SMB2_SESSION_SETUP_REQ_SIZE 25
#define WN_SMB2_SESSION_SETUP_RESP_SIZE 9
#define WN_SMB2_TREE_CONNECT_REQ_SIZE 9
#define WN_SMB2_TREE_CONNECT_RESP_SIZE 16
#define WN_SMB2_CREATE_REQ_SIZE 57
#define WN_SMB2_CREATE_RESP_SIZE 89
#define WN_SMB2_CLOSE_REQ_SIZE 24
#define WN_SMB2_CLOSE_RESP_SIZE 60
#define WN_SMB2_IOCTL_REQ_SIZE 57
#define WN_SMB2_IOCTL_RESP_SIZE 49
#define WN_SMB2_READ_REQ_SIZE 49
#define WN_SMB2_READ_RESP_SIZE 17
#define WN_SMB2_WRITE_REQ_SIZE 49
#define WN_SMB2_WRITE_RESP_SIZE 17
#define WN_SMB2_EMPTY_SIZE 4        /* TREE_DISCONNECT and LOGOFF, both ways */
#define WN_SMB2_ERROR_RESP_SIZE 9
/* Offset from the header start of the variable buffer of a body of StructureSize size. */
#define WN_SMB2_BUF_OFF(size) (WN_SMB2_HDR_LEN + (size) - 1)
/* Body capacity to reserve for a request of StructureSize size carrying n buffer bytes. */
#define WN_SMB2_BODY_CAP(size, n) ((size_t)(size) + (size_t)(n))
/* FSCTL_VALIDATE_NEGOTIATE_INFO input (fixed part, dialects follow) and output. */
#define WN_SMB2_VALIDATE_REQ_FIXED 24
#define WN_SMB2_VALIDATE_RESP_LEN 24

/* Commands. */
enum {
    WN_SMB2_NEGOTIATE = 0,
    WN_SMB2_SESSION_SETUP = 1,
    WN_SMB2_LOGOFF = 2,
    WN_SMB2_TREE_CONNECT = 3,
    WN_SMB2_TREE_DISCONNECT = 4,
    WN_SMB2_CREATE = 5,
    WN_SMB2_CLOSE = 6,
    WN_SMB2_READ = 8,
    WN_SMB2_WRITE = 9,
    WN_SMB2_IOCTL = 11,
};

/* Header flags. */
#define WN_SMB2_FLAG_RESPONSE 0x00000001u
#define WN_SMB2_FLAG_ASYNC 0x00000002u
#define WN_SMB2_FLAG_SIGNED 0x00000008u

/* Capabilities. */
#define WN_SMB2_CAP_ENCRYPTION 0x00000040u

/* Security mode bits. */
#define WN_SMB2_SIGNING_ENABLED 0x0001
#define WN_SMB2_SIGNING_REQUIRED 0x0002

/* Session flags (SESSION_SETUP response). */
#define WN_SMB2_SESSION_IS_GUEST 0x0001
#define WN_SMB2_SESSION_IS_NULL 0x0002
#define WN_SMB2_SESSION_ENCRYPT 0x0004

/* Share flags (TREE_CONNECT response). */
#define WN_SMB2_SHAREFLAG_ENCRYPT_DATA 0x00008000u

/* Negotiate contexts. */
#define WN_SMB2_CTX_PREAUTH 0x0001
#define WN_SMB2_CTX_ENCRYPTION 0x0002
#define WN_SMB2_CTX_SIGNING 0x0008
#define WN_SMB2_PREAUTH_SHA512 0x0001
#define WN_SMB2_SIGN_HMAC_SHA256 0x0000
#define WN_SMB2_SIGN_AES_CMAC 0x0001
#define WN_SMB2_SIGN_AES_GMAC 0x0002
/* Cipher ids (ENCRYPTION_CAPABILITIES, TRANSFORM_HEADER). */
#define WN_SMB2_CIPHER_NONE 0x0000
#define WN_SMB2_CIPHER_AES128_CCM 0x0001
#define WN_SMB2_CIPHER_AES128_GCM 0x0002
#define WN_SMB2_CIPHER_AES256_CCM 0x0003
#define WN_SMB2_CIPHER_AES256_GCM 0x0004

/* CREATE of a named pipe (MS-SMB2 2.2.13). */
#define WN_SMB2_IMPERSONATION 0x00000002u     /* ImpersonationLevel: Impersonation */
#define WN_SMB2_PIPE_ACCESS 0x0012019Fu       /* DesiredAccess: read/write data, EAs and
                                               * attributes, READ_CONTROL, SYNCHRONIZE */
#define WN_SMB2_SHARE_READ_WRITE 0x00000003u  /* ShareAccess: FILE_SHARE_READ | WRITE */
#define WN_SMB2_FILE_OPEN 0x00000001u         /* CreateDisposition: open, never create */
/* READ: where we would like the data (header + fixed part of the response). */
#define WN_SMB2_READ_PADDING 0x50
/* IOCTL Flags. */
#define WN_SMB2_IOCTL_IS_FSCTL 0x00000001u

#define WN_SMB2_FSCTL_PIPE_TRANSCEIVE 0x0011C017u
#define WN_SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO 0x00140204u
#define WN_SMB2_SHARE_TYPE_PIPE 0x02

/* The 64-byte sync/async header. */
struct wn_smb2_hdr {
    uint16_t credit_charge;
    uint32_t status;          /* request: ChannelSequence/Reserved (0) */
    uint16_t command;
    uint16_t credits;         /* request: credits asked; response: granted */
    uint32_t flags;
    uint32_t next_command;
    uint64_t message_id;
    uint64_t async_id;        /* when FLAG_ASYNC */
    uint32_t tree_id;         /* when not FLAG_ASYNC */
    uint64_t session_id;
    uint8_t signature[16];
};

void wn_smb2_hdr_encode(struct wn_wbuf *w, const struct wn_smb2_hdr *h);
int wn_smb2_hdr_decode(struct wn_rbuf *r, struct wn_smb2_hdr *h);

/* NEGOTIATE. */
struct wn_smb2_negotiate_req {
    uint16_t security_mode;
    uint32_t capabilities;
    uint8_t client_guid[16];
    size_t n_dialects;
    uint16_t dialects[WN_SMB2_MAX_DIALECTS];
    uint8_t salt[WN_SMB2_SALT_LEN];  /* used when 0x0311 is offered */
    size_t n_ciphers;                /* 0x0311: ENCRYPTION_CAPABILITIES sent when > 0 */
    uint16_t ciphers[WN_SMB2_MAX_CIPHERS];
};
/* Encodes the body (after the header); w's start must be the header start. */
void wn_smb2_negotiate_req_encode(struct wn_wbuf *w, const struct wn_smb2_negotiate_req *q);

struct wn_smb2_negotiate_resp {
    uint16_t security_mode;
    uint16_t dialect;
    uint8_t server_guid[16];
    uint32_t capabilities;
    uint32_t max_transact, max_read, max_write;
    const uint8_t *secblob;   /* borrowed from the message */
    size_t secblob_len;
    int have_preauth;         /* 0x0311: preauth context seen with SHA-512 */
    uint16_t signing_alg;     /* 0x0311: from SIGNING_CAPABILITIES, default CMAC */
    uint16_t cipher;          /* 0x0311: 0 if none */
};
/* msg/len: the whole message (header included), body at offset 64. */
int wn_smb2_negotiate_resp_decode(const uint8_t *msg, size_t len,
                                  struct wn_smb2_negotiate_resp *out);

/* SESSION_SETUP. */
void wn_smb2_session_setup_req_encode(struct wn_wbuf *w, uint16_t security_mode,
                                      const uint8_t *blob, size_t blob_len);
struct wn_smb2_session_setup_resp {
    uint16_t session_flags;
    const uint8_t *secblob;   /* borrowed */
    size_t secblob_len;
};
int wn_smb2_session_setup_resp_decode(const uint8_t *msg, size_t len,
                                      struct wn_smb2_session_setup_resp *out);

/* TREE_CONNECT: path is UTF-16LE bytes. */
void wn_smb2_tree_connect_req_encode(struct wn_wbuf *w, const uint8_t *path16, size_t len16);
struct wn_smb2_tree_connect_resp {
    uint8_t share_type;
    uint32_t share_flags, capabilities, maximal_access;
};
int wn_smb2_tree_connect_resp_decode(const uint8_t *msg, size_t len,
                                     struct wn_smb2_tree_connect_resp *out);

/* CREATE of a pipe (FILE_OPEN, impersonation, read/write access). */
void wn_smb2_create_req_encode(struct wn_wbuf *w, const uint8_t *name16, size_t len16);
int wn_smb2_create_resp_decode(const uint8_t *msg, size_t len, uint8_t file_id[16]);

/* CLOSE. */
void wn_smb2_close_req_encode(struct wn_wbuf *w, const uint8_t file_id[16]);
int wn_smb2_close_resp_decode(const uint8_t *msg, size_t len);

/* IOCTL. */
void wn_smb2_ioctl_req_encode(struct wn_wbuf *w, uint32_t ctl, const uint8_t file_id[16],
                              const uint8_t *in, size_t inlen, uint32_t max_out);
/* out/out_len: borrowed view of the output buffer inside msg. */
int wn_smb2_ioctl_resp_decode(const uint8_t *msg, size_t len, const uint8_t **out,
                              size_t *out_len);
/* 0 when the IOCTL response msg names control code `ctl` and, unless
 * file_id is NULL, that file (what its request fixed); else WN_E_PROTOCOL
 * (or a decode error). */
int wn_smb2_ioctl_resp_match(const uint8_t *msg, size_t len, uint32_t ctl,
                             const uint8_t file_id[16]);

/* READ / WRITE. */
void wn_smb2_read_req_encode(struct wn_wbuf *w, const uint8_t file_id[16], uint32_t length);
int wn_smb2_read_resp_decode(const uint8_t *msg, size_t len, const uint8_t **data,
                             size_t *data_len);
void wn_smb2_write_req_encode(struct wn_wbuf *w, const uint8_t file_id[16],
                              const uint8_t *data, size_t len);
int wn_smb2_write_resp_decode(const uint8_t *msg, size_t len, uint32_t *count);

/* TREE_DISCONNECT / LOGOFF (4-byte bodies). */
void wn_smb2_empty_req_encode(struct wn_wbuf *w);
int wn_smb2_empty_resp_decode(const uint8_t *msg, size_t len);

/* ERROR response body (StructureSize 9): checks the shape only. */
int wn_smb2_error_resp_decode(const uint8_t *msg, size_t len);

/* Decodes whichever response body `command` names (for the fuzz target). */
int wn_smb2_any_resp_decode(const uint8_t *msg, size_t len);

#endif /* WN_SMB2_WIRE_H */
