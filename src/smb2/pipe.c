/* pipe.c: named pipe on IPC$: CREATE, WRITE, READ, IOCTL FSCTL_PIPE_TRANSCEIVE, CLOSE. */
#include <string.h>

#include "conn.h"

struct wn_smb2_pipe {
    struct wn_smb2_conn *c; /* borrowed */
    uint8_t file_id[16];
};

static int
decode_err(int rc)
{
    return rc == WN_E_TRUNCATED ? WN_E_MALFORMED : rc;
}

/* CLOSE of an open file; failures are ignored (LOGOFF ends it anyway). */
static void
close_file(struct wn_smb2_conn *c, const uint8_t file_id[16])
{
    struct wn_wbuf w;
    if (wn_smb2_req_begin(c, WN_SMB2_CLOSE_REQ_SIZE, &w) == 0) {
        wn_smb2_close_req_encode(&w, file_id);
        struct wn_smb2_hdr h;
        if (wn_smb2_transact(c, &w, WN_SMB2_CLOSE, 0, -1, &h) == 0 && h.status == 0)
            (void)wn_smb2_close_resp_decode(c->rx.data, c->rx.len);
    }
}

int
wn_smb2_pipe_open(struct wn_smb2_conn *c, const char *pipe, struct wn_smb2_pipe **out)
{
    if (!out)
        return WN_E_INVAL;
    *out = NULL;
    if (!c || !pipe || !*pipe)
        return WN_E_INVAL;
    struct wn_dynbuf name;
    wn_dynbuf_init(&name, WN_SMB2_MAX_PATH);
    int rc = wn_utf8_to_utf16le(pipe, strlen(pipe), &name);
    if (rc) {
        wn_dynbuf_free(&name);
        return rc;
    }
    struct wn_wbuf w;
    rc = wn_smb2_req_begin(c, WN_SMB2_BODY_CAP(WN_SMB2_CREATE_REQ_SIZE, name.len), &w);
    if (!rc)
        wn_smb2_create_req_encode(&w, name.data, name.len);
    wn_dynbuf_free(&name);
    if (rc)
        return rc;
    struct wn_smb2_hdr h;
    rc = wn_smb2_transact(c, &w, WN_SMB2_CREATE, 0, -1, &h);
    if (rc)
        return rc;
    if (h.status != WN_SMB2_STATUS_SUCCESS)
        return wn_smb2_fail_status(c, h.status);
    uint8_t file_id[16];
    rc = wn_smb2_create_resp_decode(c->rx.data, c->rx.len, file_id);
    if (rc)
        return decode_err(rc);
    struct wn_smb2_pipe *p = wn_calloc(1, sizeof(*p));
    if (!p) {
        close_file(c, file_id); /* the server opened it: do not leave it open */
        return WN_E_NOMEM;
    }
    memcpy(p->file_id, file_id, sizeof(file_id));
    p->c = c;
    *out = p;
    return 0;
}

int
wn_smb2_pipe_write(struct wn_smb2_pipe *p, const uint8_t *buf, size_t len)
{
    if (!p || (!buf && len) || len > WN_SMB2_MAX_IO)
        return WN_E_INVAL;
    struct wn_smb2_conn *c = p->c;
    if (c->max_write && len > c->max_write)
        return WN_E_LIMIT;
    struct wn_wbuf w;
    int rc = wn_smb2_req_begin(c, WN_SMB2_BODY_CAP(WN_SMB2_WRITE_REQ_SIZE, len), &w);
    if (rc)
        return rc;
    wn_smb2_write_req_encode(&w, p->file_id, buf, len);
    struct wn_smb2_hdr h;
    rc = wn_smb2_transact(c, &w, WN_SMB2_WRITE, (uint32_t)len, -1, &h);
    if (rc)
        return rc;
    if (h.status != WN_SMB2_STATUS_SUCCESS)
        return wn_smb2_fail_status(c, h.status);
    uint32_t count = 0;
    rc = wn_smb2_write_resp_decode(c->rx.data, c->rx.len, &count);
    if (rc)
        return decode_err(rc);
    return count == len ? 0 : WN_E_IO;
}

/* Appends data; returns 0/1 for SUCCESS/BUFFER_OVERFLOW or WN_E_*. */
static int
append(struct wn_dynbuf *out, const uint8_t *d, size_t n, uint32_t status)
{
    int rc = n ? wn_dynbuf_add(out, d, n) : 0;
    if (rc)
        return rc;
    return status == WN_SMB2_STATUS_BUFFER_OVERFLOW ? 1 : 0;
}

int
wn_smb2_pipe_read(struct wn_smb2_pipe *p, struct wn_dynbuf *out, size_t max)
{
    if (!p || !out || max == 0)
        return WN_E_INVAL;
    struct wn_smb2_conn *c = p->c;
    uint32_t want = (uint32_t)WN_MIN(max, (size_t)WN_SMB2_MAX_IO);
    if (c->max_read && want > c->max_read)
        want = c->max_read;
    struct wn_wbuf w;
    int rc = wn_smb2_req_begin(c, WN_SMB2_READ_REQ_SIZE, &w);
    if (rc)
        return rc;
    wn_smb2_read_req_encode(&w, p->file_id, want);
    struct wn_smb2_hdr h;
    rc = wn_smb2_transact(c, &w, WN_SMB2_READ, want, -1, &h);
    if (rc)
        return rc;
    if (h.status != WN_SMB2_STATUS_SUCCESS && h.status != WN_SMB2_STATUS_BUFFER_OVERFLOW)
        return wn_smb2_fail_status(c, h.status);
    const uint8_t *d;
    size_t n;
    rc = wn_smb2_read_resp_decode(c->rx.data, c->rx.len, &d, &n);
    if (rc)
        return decode_err(rc);
    if (n > want)
        return WN_E_PROTOCOL;
    return append(out, d, n, h.status);
}

int
wn_smb2_pipe_transceive(struct wn_smb2_pipe *p, const uint8_t *in, size_t inlen,
                        struct wn_dynbuf *out)
{
    if (!p || !out || (!in && inlen) || inlen > WN_SMB2_MAX_IO)
        return WN_E_INVAL;
    struct wn_smb2_conn *c = p->c;
    uint32_t max_out = WN_SMB2_MAX_IO;
    if (c->max_transact && max_out > c->max_transact)
        max_out = c->max_transact;
    struct wn_wbuf w;
    int rc = wn_smb2_req_begin(c, WN_SMB2_BODY_CAP(WN_SMB2_IOCTL_REQ_SIZE, inlen), &w);
    if (rc)
        return rc;
    wn_smb2_ioctl_req_encode(&w, WN_SMB2_FSCTL_PIPE_TRANSCEIVE, p->file_id, in, inlen, max_out);
    struct wn_smb2_hdr h;
    rc = wn_smb2_transact(c, &w, WN_SMB2_IOCTL, (uint32_t)WN_MAX(inlen, (size_t)max_out), -1, &h);
    if (rc)
        return rc;
    if (h.status != WN_SMB2_STATUS_SUCCESS && h.status != WN_SMB2_STATUS_BUFFER_OVERFLOW)
        return wn_smb2_fail_status(c, h.status);
    const uint8_t *d;
    size_t n;
    rc = wn_smb2_ioctl_resp_decode(c->rx.data, c->rx.len, &d, &n);
    if (!rc)
        rc = wn_smb2_ioctl_resp_match(c->rx.data, c->rx.len, WN_SMB2_FSCTL_PIPE_TRANSCEIVE,
                                      p->file_id);
    if (rc)
        return decode_err(rc);
    if (n > max_out)
        return WN_E_PROTOCOL;
    return append(out, d, n, h.status);
}

void
wn_smb2_pipe_close(struct wn_smb2_pipe *p)
{
    if (!p)
        return;
    close_file(p->c, p->file_id);
    wn_free(p);
}
