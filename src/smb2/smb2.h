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

/* NTSTATUS values the layer interprets (data, never return codes). */
#define WN_SMB2_STATUS_SUCCESS 0x00000000u
#define WN_SMB2_STATUS_PENDING 0x00000103u
#define WN_SMB2_STATUS_BUFFER_OVERFLOW 0x80000005u
#define WN_SMB2_STATUS_MORE_PROCESSING 0xC0000016u
#define WN_SMB2_STATUS_ACCESS_DENIED 0xC0000022u
#define WN_SMB2_STATUS_LOGON_FAILURE 0xC000006Du

/* Connection options.  Every pointer is borrowed for the duration of
 * wn_smb2_connect() only: the connection keeps its own copies (the password
 * copy is wiped as soon as authentication finishes, and on every error). */
struct wn_smb2_opts {
    const char *host;        /* numeric IPv4/IPv6 address or name (getaddrinfo) */
    uint16_t port;           /* 0 = 445 */
    unsigned timeout_ms;     /* per operation; 0 = WN_SMB2_DEFAULT_TIMEOUT_MS */
    uint16_t min_dialect;    /* 0 = 0x0202 */
    uint16_t max_dialect;    /* 0 = 0x0311 */
    int require_signing;     /* nonzero: sign every request, reject unsigned replies */
    const char *user;
    const char *domain;      /* NULL = "" */
    const char *password;
    const char *workstation; /* NULL = "" */
    int *negotiated;         /* optional out: set to 1 once the server's NEGOTIATE
                              * response was accepted (a failure before that means
                              * the host did not answer as an SMB2 server) */
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
 * WN_E_SIGNATURE (bad/missing signature, or signing required but
 * impossible, e.g. guest session), WN_E_UNSUPPORTED (no common dialect),
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

/* Maps an NTSTATUS to the layer's WN_E_* (0 for success/informational). */
int wn_smb2_status_to_err(uint32_t status);

#endif /* WN_SMB2_H */
