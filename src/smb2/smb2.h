/* smb2.h: contract of the smb2 layer: a blocking SMB2/3 client that reaches named pipes on IPC$. */
#ifndef WN_SMB2_H
#define WN_SMB2_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"

/* ------------------------------------------------------------------------
 * Limits (named, checked by every decoder and by the transport).
 * ---------------------------------------------------------------------- */
#define WN_SMB2_MAX_MESSAGE (8u * 1024u * 1024u) /* largest NBSS frame accepted */
#define WN_SMB2_MAX_IO 65536u                    /* largest pipe I/O per request (charge 1) */
#define WN_SMB2_DEFAULT_TIMEOUT_MS 30000u        /* used when opts.timeout_ms == 0 */

/* Dialects. */
#define WN_SMB2_DIALECT_202 0x0202
#define WN_SMB2_DIALECT_210 0x0210
#define WN_SMB2_DIALECT_300 0x0300
#define WN_SMB2_DIALECT_302 0x0302
#define WN_SMB2_DIALECT_311 0x0311
#define WN_SMB2_DIALECT_WILDCARD 0x02FF /* "2.x or later": no dialect in common for us */

/* NTSTATUS values (MS-ERREF 2.3.1) the smb2 layer and netapi/errors.c
 * interpret: data, never return codes.  Named once, here. */
#define WN_SMB2_STATUS_SUCCESS 0x00000000u
#define WN_SMB2_STATUS_PENDING 0x00000103u
#define WN_SMB2_STATUS_BUFFER_OVERFLOW 0x80000005u
#define WN_SMB2_STATUS_INVALID_PARAMETER 0xC000000Du
#define WN_SMB2_STATUS_MORE_PROCESSING 0xC0000016u
#define WN_SMB2_STATUS_NO_MEMORY 0xC0000017u
#define WN_SMB2_STATUS_ACCESS_DENIED 0xC0000022u
#define WN_SMB2_STATUS_OBJECT_NAME_NOT_FOUND 0xC0000034u
#define WN_SMB2_STATUS_NO_SUCH_USER 0xC0000064u
#define WN_SMB2_STATUS_WRONG_PASSWORD 0xC000006Au
#define WN_SMB2_STATUS_LOGON_FAILURE 0xC000006Du
#define WN_SMB2_STATUS_ACCOUNT_RESTRICTION 0xC000006Eu
#define WN_SMB2_STATUS_INVALID_LOGON_HOURS 0xC000006Fu
#define WN_SMB2_STATUS_INVALID_WORKSTATION 0xC0000070u
#define WN_SMB2_STATUS_PASSWORD_EXPIRED 0xC0000071u
#define WN_SMB2_STATUS_ACCOUNT_DISABLED 0xC0000072u
#define WN_SMB2_STATUS_INSUFFICIENT_RESOURCES 0xC000009Au
#define WN_SMB2_STATUS_PIPE_DISCONNECTED 0xC00000B0u
#define WN_SMB2_STATUS_IO_TIMEOUT 0xC00000B5u
#define WN_SMB2_STATUS_NOT_SUPPORTED 0xC00000BBu
#define WN_SMB2_STATUS_BAD_NETWORK_NAME 0xC00000CCu
#define WN_SMB2_STATUS_LOCAL_DISCONNECT 0xC000013Bu
#define WN_SMB2_STATUS_REMOTE_DISCONNECT 0xC000013Cu
#define WN_SMB2_STATUS_PIPE_BROKEN 0xC000014Bu
#define WN_SMB2_STATUS_LOGON_TYPE_NOT_GRANTED 0xC000015Bu
#define WN_SMB2_STATUS_ACCOUNT_EXPIRED 0xC0000193u
#define WN_SMB2_STATUS_USER_SESSION_DELETED 0xC0000203u
#define WN_SMB2_STATUS_INSUFF_SERVER_RESOURCES 0xC0000205u
#define WN_SMB2_STATUS_CONNECTION_DISCONNECTED 0xC000020Cu
#define WN_SMB2_STATUS_PASSWORD_MUST_CHANGE 0xC0000224u
#define WN_SMB2_STATUS_ACCOUNT_LOCKED_OUT 0xC0000234u
#define WN_SMB2_STATUS_CONNECTION_REFUSED 0xC0000236u
#define WN_SMB2_STATUS_NETWORK_UNREACHABLE 0xC000023Cu
#define WN_SMB2_STATUS_HOST_UNREACHABLE 0xC000023Du
#define WN_SMB2_STATUS_INVALID_SIGNATURE 0xC000A000u

/* Security choices (docs/smb2.md, "Security defaults"). */
#define WN_SMB2_DEFAULT_MIN_DIALECT WN_SMB2_DIALECT_300 /* no 2.x unless asked */
enum wn_smb2_encrypt_mode {
    WN_SMB2_ENCRYPT_AUTO = 0, /* encrypt when the server requires it (session or share) */
    WN_SMB2_ENCRYPT_REQUIRED, /* always encrypt after SESSION_SETUP; fail if impossible */
    WN_SMB2_ENCRYPT_OFF,      /* never; a server that requires it is refused (WN_E_ACCESS) */
};
enum wn_smb2_sign_mode {
    WN_SMB2_SIGN_DEFAULT = 0, /* sign every request and require signed replies once a
                               * session key exists */
    WN_SMB2_SIGN_OFF,         /* sign only when the server requires it (logged) */
};
/* Bits of wn_smb2_opts.ciphers: 1u << WN_SMB2_CIPHER_* (wire.h ids 1..4). */
#define WN_SMB2_CIPHERS_ALL 0x1Eu

/* Connection options.  Every pointer is borrowed for the duration of
 * wn_smb2_connect() only: the connection keeps its own copies (the password
 * copy is wiped as soon as authentication finishes, and on every error). */
struct wn_smb2_opts {
    const char *host;        /* numeric IPv4/IPv6 address or name (getaddrinfo) */
    uint16_t port;           /* 0 = 445 */
    unsigned timeout_ms;     /* per operation; 0 = WN_SMB2_DEFAULT_TIMEOUT_MS */
    uint16_t min_dialect;    /* 0 = WN_SMB2_DEFAULT_MIN_DIALECT (3.0) */
    uint16_t max_dialect;    /* 0 = 0x0311 */
    int require_signing;     /* nonzero: fail unless every request can be signed */
    int sign_mode;           /* enum wn_smb2_sign_mode */
    int encrypt;             /* enum wn_smb2_encrypt_mode */
    unsigned ciphers;        /* 3.1.1 ciphers offered; 0 = WN_SMB2_CIPHERS_ALL */
    int anonymous;           /* nonzero: anonymous logon (user and password must be "") */
    const char *user;        /* "" only with anonymous */
    const char *domain;      /* NULL = "" */
    const char *password;
    const char *workstation; /* NULL = "" */
    int *negotiated;         /* optional out: set to 1 once a well-formed NEGOTIATE
                              * response arrived, before we check what it chose (a
                              * failure before that means the host did not answer as
                              * an SMB2 server) */
};

/* A connection and its pipes are used by one thread at a time (no locking);
 * every call blocks for at most timeout_ms per request. */
struct wn_smb2_conn;  /* opaque; created by wn_smb2_connect, freed by wn_smb2_disconnect */
struct wn_smb2_pipe;  /* opaque; created by wn_smb2_pipe_open, freed by wn_smb2_pipe_close */

/* TCP connect, NEGOTIATE, SESSION_SETUP (SPNEGO/NTLMSSP), TREE_CONNECT
 * \\host\IPC$.  On success *out is returned-owned: free it with
 * wn_smb2_disconnect().  On failure *out is NULL.
 * Errors: WN_E_RESOLVE, WN_E_CONNREFUSED, WN_E_UNREACHABLE, WN_E_TIMEOUT,
 * WN_E_CLOSED, WN_E_AUTH (STATUS_LOGON_FAILURE and friends), WN_E_ACCESS,
 * WN_E_SIGNATURE (bad/missing signature or encrypted reply, or signing
 * required but impossible), WN_E_AUTH also when a named user was given a
 * guest or anonymous session, WN_E_ACCESS also when the server requires
 * encryption and o->encrypt is OFF, WN_E_UNSUPPORTED (no common dialect,
 * or encryption required but not possible),
 * WN_E_MALFORMED / WN_E_PROTOCOL (bad server), WN_E_NOMEM, WN_E_INVAL. */
int wn_smb2_connect(const struct wn_smb2_opts *o, struct wn_smb2_conn **out);

/* CREATE of the named pipe `pipe` ("srvsvc", no "\PIPE\" prefix; ASCII)
 * on the IPC$ tree.  *out is returned-owned (wn_smb2_pipe_close) and
 * borrows c: close every pipe before wn_smb2_disconnect(c). */
int wn_smb2_pipe_open(struct wn_smb2_conn *c, const char *pipe, struct wn_smb2_pipe **out);

/* One WRITE of len bytes (len <= WN_SMB2_MAX_IO).  buf is borrowed. */
int wn_smb2_pipe_write(struct wn_smb2_pipe *p, const uint8_t *buf, size_t len);

/* One READ of at most max bytes (clamped to WN_SMB2_MAX_IO); the data is
 * APPENDED to out (caller-owned dynbuf; its max applies).  Returns 0 when
 * the server said STATUS_SUCCESS, 1 on STATUS_BUFFER_OVERFLOW (data
 * appended, more of the same message is waiting: read again), or a
 * negative WN_E_*.  If the append fails, out has been freed (dynbuf rule). */
int wn_smb2_pipe_read(struct wn_smb2_pipe *p, struct wn_dynbuf *out, size_t max);

/* IOCTL FSCTL_PIPE_TRANSCEIVE: writes in[0..inlen) (inlen <= WN_SMB2_MAX_IO)
 * and APPENDS the reply (up to WN_SMB2_MAX_IO bytes) to out.  Returns 0
 * when the whole reply came back, 1 on STATUS_BUFFER_OVERFLOW (the data
 * appended is partial; the caller (DCE/RPC) must wn_smb2_pipe_read() the
 * rest until its fragment is complete), or a negative WN_E_*.  in is
 * borrowed. */
int wn_smb2_pipe_transceive(struct wn_smb2_pipe *p, const uint8_t *in, size_t inlen,
                            struct wn_dynbuf *out);

/* CLOSE (best effort) and free.  NULL is a no-op. */
void wn_smb2_pipe_close(struct wn_smb2_pipe *p);

/* TREE_DISCONNECT, LOGOFF (best effort), close the socket, wipe keys, free.
 * NULL is a no-op. */
void wn_smb2_disconnect(struct wn_smb2_conn *c);

/* For a caller that keeps a connection between calls (netapi's pool):
 * 1 when the connection has not failed and the server has sent nothing
 * unsolicited (no EOF, reset or stray bytes waiting on the socket), so a
 * request can go out; 0 otherwise.  Never blocks.  NULL gives 0. */
int wn_smb2_usable(const struct wn_smb2_conn *c);
/* Marks c failed so that wn_smb2_pipe_close / wn_smb2_disconnect send
 * nothing (they still close the socket and free): for a process that
 * inherited c across fork() and must not speak on the parent's session. */
void wn_smb2_abandon(struct wn_smb2_conn *c);

/* NTSTATUS of the last failed operation (0 if none): data, not a code. */
uint32_t wn_smb2_last_status(const struct wn_smb2_conn *c);
/* Negotiated dialect (0x0202..0x0311). */
uint16_t wn_smb2_dialect(const struct wn_smb2_conn *c);
/* 1 when every request is signed and every reply verified, else 0. */
int wn_smb2_signing_active(const struct wn_smb2_conn *c);
/* Cipher (WN_SMB2_CIPHER_*) when every request is encrypted and every
 * reply must be, else 0. */
uint16_t wn_smb2_encryption_active(const struct wn_smb2_conn *c);

/* Maps an NTSTATUS to the layer's WN_E_* (0 for success/informational). */
int wn_smb2_status_to_err(uint32_t status);

#endif /* WN_SMB2_H */
