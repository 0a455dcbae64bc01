/* fake_backend.c: scriptable srvsvc backend for the netapi unit tests (no I/O). */
#include <string.h>

#include "fake_backend.h"
#include "netapi.h"

struct fake_state fake;
static int fake_conn_token;

void
fake_reset(void)
{
    memset(&fake, 0, sizeof(fake));
    wn_netapi_set_backend(&fake_ops);
}

void
fake_add(const char *cname, const char *user, uint32_t num_opens, uint32_t time,
         uint32_t flags)
{
    struct wn_netapi_session *s = &fake.sessions[fake.nsessions++];
    memset(s, 0, sizeof(*s));
    s->cname = (char *)cname;
    s->username = (char *)user;
    s->num_opens = num_opens;
    s->time = time;
    s->idle_time = time / 2;
    s->user_flags = flags;
}

static void
copy_str(char *dst, size_t cap, const char *src)
{
    if (src == NULL) {
        dst[0] = '\0';
        return;
    }
    strncpy(dst, src, cap - 1);
    dst[cap - 1] = '\0';
}

static int
f_open(const struct wn_netapi_target *t, void **conn, struct wn_netapi_wire *wire)
{
    fake.opens++;
    copy_str(fake.last_server, sizeof(fake.last_server), t->server);
    fake.last_port = t->port;
    fake.last_timeout_ms = t->timeout_ms;
    fake.had_creds = t->creds != NULL && t->creds->user != NULL;
    if (t->creds != NULL) {
        copy_str(fake.last_user, sizeof(fake.last_user), t->creds->user);
        copy_str(fake.last_domain, sizeof(fake.last_domain), t->creds->domain);
        copy_str(fake.last_password, sizeof(fake.last_password), t->creds->password);
    }
    if (fake.open_err != 0) {
        *wire = fake.open_wire;
        return fake.open_err;
    }
    *conn = &fake_conn_token;
    return 0;
}

static int
matches(const struct wn_netapi_session *s, const char *client, const char *user)
{
    if (client != NULL && !wn_netapi_name_eq(client + 2, s->cname))
        return 0;
    if (user != NULL && !wn_netapi_name_eq(user, s->username))
        return 0;
    return 1;
}

static int
f_enum(void *conn, uint32_t level, const char *client, const char *user, uint32_t prefmaxlen,
       uint32_t *resume, struct wn_netapi_raw_result *out, struct wn_netapi_wire *wire)
{
    uint32_t i;
    uint32_t start = resume != NULL ? *resume : 0;
    uint32_t sent = 0;
    uint32_t matched = 0;
    int rc;

    (void)prefmaxlen;
    if (conn != &fake_conn_token)
        return WN_E_STATE;
    if (fake.enum_drop_once) {
        fake.enum_drop_once = 0;
        fake.enums++;
        return WN_E_CLOSED;
    }
    if (fake.enums < 8)
        fake.levels_asked[fake.enums] = level;
    fake.enums++;
    fake.last_client_null = client == NULL;
    copy_str(fake.last_client, sizeof(fake.last_client), client);
    fake.last_filter_user_null = user == NULL;
    copy_str(fake.last_filter_user, sizeof(fake.last_filter_user), user);
    memset(out, 0, sizeof(*out));
    if (fake.enum_err != 0) {
        *wire = fake.enum_wire;
        return fake.enum_err;
    }
    if (fake.enum_wire.werror != 0) {
        *wire = fake.enum_wire;
        return 0;
    }
    if (fake.samba && level != 0 && level != 1) {
        wire->werror = 124;
        return 0;
    }
    out->level = fake.wrong_reply_level ? 0 : level;
    for (i = 0; i < fake.nsessions; i++) {
        struct wn_netapi_session s = fake.sessions[i];
        if (!fake.samba && !matches(&s, client, user))
            continue;
        matched++;
        if (matched <= start)
            continue;
        if (!fake.samba && fake.page != 0 && sent == fake.page) {
            out->resume_handle = fake.stuck_resume ? start : start + sent;
            wire->werror = 234;
            return 0;
        }
        if (level == 0)
            s.username = NULL;
        if (level == 2 || level == 502)
            s.cltype_name = "SMB 3.1.1";
        if (level == 502)
            s.transport = "\\Device\\NetBT_Tcpip";
        rc = wn_netapi_raw_result_add(out, &s);
        if (rc != 0) {
            wn_netapi_raw_result_free(out);
            return rc;
        }
        sent++;
    }
    if (!fake.samba && matched == 0 && client != NULL) {
        wn_netapi_raw_result_free(out);
        wire->werror = 2312;
        return 0;
    }
    out->total_entries = matched;
    wire->werror = 0;
    return 0;
}

static int
f_del(void *conn, const char *client, const char *user, struct wn_netapi_wire *wire)
{
    (void)conn;
    fake.dels++;
    fake.last_client_null = client == NULL;
    copy_str(fake.last_client, sizeof(fake.last_client), client);
    fake.last_filter_user_null = user == NULL;
    copy_str(fake.last_filter_user, sizeof(fake.last_filter_user), user);
    wire->werror = fake.del_werror;
    return fake.del_err;
}

static void
f_close(void *conn)
{
    (void)conn;
    /* the pool's reaper thread closes connections too */
    __atomic_fetch_add(&fake.closes, 1, __ATOMIC_SEQ_CST);
}

static int
f_usable(void *conn)
{
    (void)conn;
    return !fake.dead;
}

static void
f_discard(void *conn)
{
    (void)conn;
    fake.discards++;
}

const struct wn_netapi_backend_ops fake_ops = { f_open, f_enum, f_del, f_close, NULL, NULL };
const struct wn_netapi_backend_ops fake_ops_kept = { f_open, f_enum, f_del, f_close, f_usable,
                                                     f_discard };
