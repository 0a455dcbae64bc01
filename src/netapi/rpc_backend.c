/* rpc_backend.c: the real backend: SMB2 to IPC$, \PIPE\srvsvc, DCE/RPC bind, NetrSessionEnum/Del. */
#include <string.h>

#include "backend.h"
#include "dcerpc.h"
#include "netapi.h"
#include "smb2.h"
#include "srvsvc.h"

/* Bounds of what one call may build or accept. */
#define RPC_BACKEND_MAX_REQUEST 65536u
#define RPC_BACKEND_MAX_NAME_U16 1024u /* bytes of one UTF-16LE name argument */

struct rpc_conn {
    struct wn_smb2_conn *smb;
    struct wn_smb2_pipe *pipe;
    struct wn_dcerpc_transport t;
    struct wn_dcerpc_client client;
    struct wn_dynbuf server_unc; /* "\\host" in UTF-16LE */
};

static int
t_transceive(void *ctx, const uint8_t *in, size_t inlen, struct wn_dynbuf *out, int *more)
{
    int rc = wn_smb2_pipe_transceive(ctx, in, inlen, out);
    if (rc < 0)
        return rc;
    *more = rc == 1;
    return 0;
}

static int
t_write(void *ctx, const uint8_t *buf, size_t len)
{
    return wn_smb2_pipe_write(ctx, buf, len);
}

static int
t_read(void *ctx, struct wn_dynbuf *out, size_t max, int *more)
{
    int rc = wn_smb2_pipe_read(ctx, out, max);
    if (rc < 0)
        return rc;
    *more = rc == 1;
    return 0;
}

static void
rpc_close(void *conn)
{
    struct rpc_conn *c = conn;

    if (c == NULL)
        return;
    wn_smb2_pipe_close(c->pipe);
    wn_smb2_disconnect(c->smb);
    wn_dynbuf_free(&c->server_unc);
    wn_free(c);
}

/* A failure of the connection itself (not of our options or credentials). */
static int
transport_failure(int rc)
{
    switch (rc) {
    case WN_E_RESOLVE:
    case WN_E_CONNREFUSED:
    case WN_E_UNREACHABLE:
    case WN_E_TIMEOUT:
    case WN_E_CLOSED:
    case WN_E_IO:
    case WN_E_TRUNCATED:
    case WN_E_MALFORMED:
    case WN_E_LIMIT:
    case WN_E_PROTOCOL:
        return 1;
    default:
        return 0;
    }
}

static int
rpc_open(const struct wn_netapi_target *target, void **conn, struct wn_netapi_wire *wire)
{
    struct wn_smb2_opts o;
    struct rpc_conn *c;
    int rc;

    *conn = NULL;
    c = wn_calloc(1, sizeof(*c));
    if (c == NULL)
        return WN_E_NOMEM;
    wn_dynbuf_init(&c->server_unc, RPC_BACKEND_MAX_NAME_U16);
    rc = wn_utf8_to_utf16le("\\\\", 2, &c->server_unc);
    if (rc == 0)
        rc = wn_utf8_to_utf16le(target->server, strlen(target->server), &c->server_unc);
    if (rc != 0) {
        rpc_close(c);
        return rc == WN_E_NOMEM ? rc : WN_E_INVAL;
    }
    memset(&o, 0, sizeof(o));
    /* the security knobs (secopts.c); refused before anything is sent */
    rc = wn_netapi_secopts_apply(target->creds, &o);
    if (rc != 0) {
        rpc_close(c);
        return rc;
    }
    o.host = target->server;
    o.port = target->port;
    o.timeout_ms = target->timeout_ms;
    /* No credentials: an anonymous NTLMSSP logon (empty user and password). */
    o.user = target->creds != NULL && target->creds->user != NULL ? target->creds->user : "";
    o.domain = target->creds != NULL ? target->creds->domain : NULL;
    o.password = target->creds != NULL && target->creds->password != NULL
                     ? target->creds->password : "";
    int negotiated = 0;
    o.negotiated = &negotiated;
    rc = wn_smb2_connect(&o, &c->smb);
    if (rc != 0) {
        /* Refused, reset, closed, silent, garbage, an oversized frame:
         * before a valid NEGOTIATE answer it is all "not an SMB server". */
        wire->not_smb = !negotiated && transport_failure(rc);
        c->smb = NULL;
        rpc_close(c);
        return rc;
    }
    rc = wn_smb2_pipe_open(c->smb, "srvsvc", &c->pipe);
    if (rc != 0) {
        wire->ntstatus = wn_smb2_last_status(c->smb);
        c->pipe = NULL;
        rpc_close(c);
        return rc;
    }
    c->t.ctx = c->pipe;
    c->t.transceive = t_transceive;
    c->t.write = t_write;
    c->t.read = t_read;
    rc = wn_dcerpc_bind(&c->t, &wn_srvsvc_syntax, &wn_dcerpc_ndr20_syntax, &c->client);
    if (rc != 0) {
        if (rc == WN_E_UNSUPPORTED)
            wire->fault = WN_DCERPC_NCA_S_UNKNOWN_IF;
        else if (c->smb != NULL)
            wire->ntstatus = wn_smb2_last_status(c->smb);
        rpc_close(c);
        return rc;
    }
    *conn = c;
    return 0;
}

/* UTF-8 name (borrowed, may be NULL) -> UTF-16LE view backed by b. */
static int
name_view(const char *s, struct wn_dynbuf *b, struct wn_srvsvc_u16 *v)
{
    int rc;

    v->data = NULL;
    v->len = 0;
    if (s == NULL)
        return 0;
    rc = wn_utf8_to_utf16le(s, strlen(s), b);
    if (rc != 0)
        return rc == WN_E_NOMEM ? rc : WN_E_INVAL;
    v->data = b->len > 0 ? b->data : (const uint8_t *)"";
    v->len = b->len;
    return 0;
}

/* Runs one call: request stub in -> response stub out (out reset first). */
static int
call(struct rpc_conn *c, uint16_t opnum, const struct wn_dynbuf *in, struct wn_dynbuf *out,
     struct wn_netapi_wire *wire)
{
    uint32_t fault = 0;
    uint32_t before = wn_smb2_last_status(c->smb);
    int rc = wn_dcerpc_call(&c->client, opnum, in->data, in->len, out, &fault);

    if (rc != 0) {
        wire->fault = fault;
        if (fault != 0)
            return rc;
        if (!wn_smb2_usable(c->smb))
            wire->transport_err = rc;   /* the connection itself failed */
        else if (wn_smb2_last_status(c->smb) != before)
            wire->ntstatus = wn_smb2_last_status(c->smb);
    }
    return rc;
}

/* UTF-16LE view -> NUL-terminated UTF-8 in the reusable scratch b
 * (allocates only when b must grow); *out borrows b, NULL for NULL. */
static int
u16_to_utf8(const uint8_t *p, uint32_t len, struct wn_dynbuf *b, const char **out)
{
    *out = NULL;
    if (p == NULL)
        return 0;
    wn_dynbuf_reset(b);
    int rc = wn_utf16le_to_utf8(p, len, b);
    if (rc == 0 && b->data == NULL)
        rc = wn_dynbuf_add(b, "", 1);   /* empty string: make room for the NUL */
    if (rc != 0)
        return rc;
    *out = (const char *)b->data;   /* the converter leaves a NUL after len */
    return 0;
}

static int
add_session(struct wn_netapi_raw_result *out, const struct wn_srvsvc_session *v,
            struct wn_dynbuf scratch[4])
{
    struct wn_netapi_session s;
    const char *str[4];
    int rc;

    memset(&s, 0, sizeof(s));
    s.num_opens = v->num_opens;
    /* Samba computes "now - start" in whole seconds and can send -1
     * (0xFFFFFFFF) for a session started within the current second;
     * Windows never does: report 0. */
    s.time = v->time == UINT32_MAX ? 0 : v->time;
    s.idle_time = v->idle_time == UINT32_MAX ? 0 : v->idle_time;
    s.user_flags = v->user_flags;
    rc = u16_to_utf8(v->cname, v->cname_len, &scratch[0], &str[0]);
    if (rc == 0)
        rc = u16_to_utf8(v->username, v->username_len, &scratch[1], &str[1]);
    if (rc == 0)
        rc = u16_to_utf8(v->cltype, v->cltype_len, &scratch[2], &str[2]);
    if (rc == 0)
        rc = u16_to_utf8(v->transport, v->transport_len, &scratch[3], &str[3]);
    if (rc != 0)
        return rc;
    /* raw_result_add copies the strings into its arena. */
    s.cname = (char *)str[0];
    s.username = (char *)str[1];
    s.cltype_name = (char *)str[2];
    s.transport = (char *)str[3];
    return wn_netapi_raw_result_add(out, &s);
}

static int
rpc_enum(void *conn, uint32_t level, const char *client, const char *user, uint32_t prefmaxlen,
         uint32_t *resume, struct wn_netapi_raw_result *out, struct wn_netapi_wire *wire)
{
    struct rpc_conn *c = conn;
    struct wn_dynbuf cb, ub, req, resp;
    struct wn_srvsvc_enum_args a;
    struct wn_srvsvc_enum_result *r = NULL;
    uint32_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&a, 0, sizeof(a));
    wn_dynbuf_init(&cb, RPC_BACKEND_MAX_NAME_U16);
    wn_dynbuf_init(&ub, RPC_BACKEND_MAX_NAME_U16);
    wn_dynbuf_init(&req, RPC_BACKEND_MAX_REQUEST);
    wn_dynbuf_init(&resp, WN_DCERPC_MAX_STUB);
    a.server.data = c->server_unc.data;
    a.server.len = c->server_unc.len;
    a.level = level;
    a.pref_max_len = prefmaxlen;
    a.has_resume = resume != NULL;
    a.resume_handle = resume != NULL ? *resume : 0;
    rc = name_view(client, &cb, &a.client);
    if (rc == 0)
        rc = name_view(user, &ub, &a.user);
    if (rc == 0)
        rc = wn_srvsvc_session_enum_encode(&req, &a);
    if (rc == 0)
        rc = call(c, WN_SRVSVC_OPNUM_SESSION_ENUM, &req, &resp, wire);
    if (rc == 0)
        rc = wn_srvsvc_session_enum_decode(resp.data, resp.len, &r);
    if (rc == 0) {
        wire->werror = r->status;
        if (r->status == 0 || r->status == 234u) {
            out->level = r->level;
            out->total_entries = r->total_entries;
            out->resume_handle = r->has_resume ? r->resume_handle : 0;
            struct wn_dynbuf scratch[4];
            for (i = 0; i < 4; i++)
                wn_dynbuf_init(&scratch[i], (size_t)WN_SRVSVC_MAX_STRING * 3 + 1);
            for (i = 0; rc == 0 && i < r->entries; i++)
                rc = add_session(out, &r->sessions[i], scratch);
            for (i = 0; i < 4; i++)
                wn_dynbuf_free(&scratch[i]);
            if (rc != 0)
                wn_netapi_raw_result_free(out);
        }
    }
    wn_srvsvc_enum_result_free(r);
    wn_dynbuf_free(&cb);
    wn_dynbuf_free(&ub);
    wn_dynbuf_free(&req);
    wn_dynbuf_free(&resp);
    return rc;
}

static int
rpc_del(void *conn, const char *client, const char *user, struct wn_netapi_wire *wire)
{
    struct rpc_conn *c = conn;
    struct wn_dynbuf cb, ub, req, resp;
    struct wn_srvsvc_u16 server, cv, uv;
    uint32_t status = 0;
    int rc;

    wn_dynbuf_init(&cb, RPC_BACKEND_MAX_NAME_U16);
    wn_dynbuf_init(&ub, RPC_BACKEND_MAX_NAME_U16);
    wn_dynbuf_init(&req, RPC_BACKEND_MAX_REQUEST);
    wn_dynbuf_init(&resp, RPC_BACKEND_MAX_REQUEST);
    server.data = c->server_unc.data;
    server.len = c->server_unc.len;
    rc = name_view(client, &cb, &cv);
    if (rc == 0)
        rc = name_view(user, &ub, &uv);
    if (rc == 0)
        rc = wn_srvsvc_session_del_encode(&req, &server, &cv, &uv);
    if (rc == 0)
        rc = call(c, WN_SRVSVC_OPNUM_SESSION_DEL, &req, &resp, wire);
    if (rc == 0)
        rc = wn_srvsvc_session_del_decode(resp.data, resp.len, &status);
    if (rc == 0)
        wire->werror = status;
    wn_dynbuf_free(&cb);
    wn_dynbuf_free(&ub);
    wn_dynbuf_free(&req);
    wn_dynbuf_free(&resp);
    return rc;
}

static int
rpc_usable(void *conn)
{
    struct rpc_conn *c = conn;
    return c != NULL && wn_smb2_usable(c->smb);
}

static void
rpc_discard(void *conn)
{
    struct rpc_conn *c = conn;
    if (c != NULL)
        wn_smb2_abandon(c->smb);
    rpc_close(c);
}

const struct wn_netapi_backend_ops wn_netapi_default_backend = {
    rpc_open, rpc_enum, rpc_del, rpc_close, rpc_usable, rpc_discard,
};
