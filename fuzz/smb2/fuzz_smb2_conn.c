/* fuzz_smb2_conn.c: fuzzes the SMB2 transport engine (NBSS framing, reply matching, credits, interim replies, the signature policy) and the named-pipe read loop with an arbitrary server byte stream. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input layout:
 *   byte 0    mode: bits 0-1 dialect (0202, 0210, 0300, 0311); bit 2 signing
 *             active (sign requests, require signed replies); bit 3 a
 *             signing key without signing (signed replies are verified);
 *             bits 4-5 scenario: 0 ECHO-like empty requests, 1 pipe open +
 *             READ loop, 2 pipe open + TRANSCEIVE + READ loop (what
 *             DCE/RPC does), 3 the same with WRITE first
 *   bytes 1-8 first MessageId (little endian)
 *   rest      what the "server" sends, then EOF.
 * The key is fixed, so seeds can carry valid signatures. */
#define HDR 9
#define MAX_STREAM (128u * 1024u) /* fits the socket buffer set below */
#define MAX_ROUNDS 64
#define MAX_OUT (1u << 20)
#define FUZZ_TIMEOUT_MS 50

static const uint16_t dialects[4] = {WN_SMB2_DIALECT_202, WN_SMB2_DIALECT_210,
                                     WN_SMB2_DIALECT_300, WN_SMB2_DIALECT_311};
static const uint8_t session_key[16] = "fuzz-session-key";
static const uint8_t preauth_zero[WN_SMB2_PREAUTH_LEN];

static struct wn_smb2_conn *
fake_conn(int fd, uint8_t mode, uint64_t mid)
{
    struct wn_smb2_conn *c = wn_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = fd;
    c->timeout_ms = FUZZ_TIMEOUT_MS;
    c->dialect = dialects[mode & 3];
    c->credits = 64;
    c->next_mid = mid;
    c->session_id = 0x1122334455667788ull;
    c->tree_id = 1;
    c->max_read = c->max_write = c->max_transact = WN_SMB2_MAX_IO;
    wn_dynbuf_init(&c->tx, WN_SMB2_MAX_IO + 4096u);
    wn_dynbuf_init(&c->rx, WN_SMB2_MAX_MESSAGE);
    if (mode & 0x0c)
        (void)wn_smb2_signer_init(&c->signer, c->dialect, session_key, sizeof session_key,
                                  preauth_zero);
    c->signing = (mode & 0x04) != 0;
    return c;
}

static void
run_echo(struct wn_smb2_conn *c)
{
    for (int i = 0; i < MAX_ROUNDS; i++) {
        struct wn_wbuf w;
        struct wn_smb2_hdr h;
        if (wn_smb2_req_begin(c, 4, &w))
            return;
        wn_smb2_empty_req_encode(&w);
        if (wn_smb2_transact(c, &w, WN_SMB2_TREE_DISCONNECT, 0, -1, &h))
            return;
    }
}

static void
run_pipe(struct wn_smb2_conn *c, int scenario)
{
    struct wn_smb2_pipe *p = NULL;
    if (wn_smb2_pipe_open(c, "srvsvc", &p))
        return;
    struct wn_dynbuf out;
    wn_dynbuf_init(&out, MAX_OUT);
    static const uint8_t req[72] = {5, 0, 0, 3, 0x10, 0, 0, 0, 72, 0};
    int rc = 1;
    if (scenario == 3)
        rc = wn_smb2_pipe_write(p, req, sizeof req) == 0 ? 1 : -1;
    else if (scenario == 2)
        rc = wn_smb2_pipe_transceive(p, req, sizeof req, &out);
    for (int i = 0; i < MAX_ROUNDS && rc == 1; i++)
        rc = wn_smb2_pipe_read(p, &out, WN_SMB2_MAX_IO);
    wn_dynbuf_free(&out);
    wn_smb2_pipe_close(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HDR || size - HDR > MAX_STREAM)
        return 0;
    uint8_t mode = data[0];
    uint64_t mid = 0;
    for (int i = 0; i < 8; i++)
        mid |= (uint64_t)data[1 + i] << (8 * i);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 0;
    int buf = (int)(2 * MAX_STREAM);
    (void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    (void)setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    (void)setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    (void)fcntl(sv[1], F_SETFL, O_NONBLOCK);
    size_t off = HDR;
    while (off < size) {
        ssize_t k = write(sv[1], data + off, size - off);
        if (k <= 0)
            break;  /* buffer full: the rest is cut, as a peer that stops sending */
        off += (size_t)k;
    }
    (void)shutdown(sv[1], SHUT_WR);   /* then EOF: no read ever waits */
    struct wn_smb2_conn *c = fake_conn(sv[0], mode, mid);
    if (c) {
        int scenario = (mode >> 4) & 3;
        if (scenario == 0)
            run_echo(c);
        else
            run_pipe(c, scenario);
        wn_smb2_disconnect(c);      /* closes sv[0] */
    } else {
        close(sv[0]);
    }
    close(sv[1]);
    return 0;
}
