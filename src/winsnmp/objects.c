/* objects.c: the handle-bearing objects (sessions, entities, contexts, PDUs, VBLs): constructors, destructors, typed lookups. */
#include "winsnmp_int.h"
#include "usmuser.h"
#include "winmsg.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

/* What the engine wants to hear about (set by the engine at startup). */
static struct wn_ws_obj_hooks hooks;

void
wn_ws_obj_set_hooks(const struct wn_ws_obj_hooks *h)
{
    WN_WS_ASSERT_LOCKED();
    hooks = *h;
}

static void
session_destroy(struct wn_ws_obj *o)
{
    wn_ws_session_close((struct wn_ws_session *)o);
}

static void
entity_destroy(struct wn_ws_obj *o)
{
    wn_ws_entity_free((struct wn_ws_entity *)o);
}

static void
context_destroy(struct wn_ws_obj *o)
{
    wn_ws_context_free((struct wn_ws_context *)o);
}

static void
pdu_destroy(struct wn_ws_obj *o)
{
    wn_ws_pdu_free((struct wn_ws_pdu *)o);
}

static void
vbl_destroy(struct wn_ws_obj *o)
{
    wn_ws_vbl_free((struct wn_ws_vbl *)o);
}

/* ------------------------------------------------------------------------
 * Freed PDU and VBL objects kept for the next ones [locked]: a response's
 * PDU and the VBL SnmpGetPduData makes of it are made and freed once per
 * request.  At most WN_WS_OBJ_CACHE of each; none in ASan builds.
 * ---------------------------------------------------------------------- */
#define WN_WS_OBJ_CACHE 64u

struct obj_cache {
    void *slot[WN_WS_OBJ_CACHE];
    unsigned n;
};
static struct obj_cache pdu_cache, vbl_cache;

/* A zeroed block of size bytes (a cached one, or a new one). */
static void *
cache_take(struct obj_cache *c, size_t size)
{
    if (!c->n)
        return wn_calloc(1, size);
    if (wn_alloc_seam_fails())
        return NULL;
    void *p = c->slot[--c->n];
    memset(p, 0, size);
    return p;
}

static void
cache_put(struct obj_cache *c, void *p)
{
    if (!WN_ASAN && c->n < WN_WS_OBJ_CACHE) {
        c->slot[c->n++] = p;
        return;
    }
    wn_free(p);
}

void
wn_ws_obj_cache_drain(void)
{
    WN_WS_ASSERT_LOCKED();
    while (pdu_cache.n)
        wn_free(pdu_cache.slot[--pdu_cache.n]);
    while (vbl_cache.n)
        wn_free(vbl_cache.slot[--vbl_cache.n]);
}

static const struct wn_ws_obj_ops session_ops = {WN_WS_T_SESSION, session_destroy};
static const struct wn_ws_obj_ops entity_ops = {WN_WS_T_ENTITY, entity_destroy};
static const struct wn_ws_obj_ops context_ops = {WN_WS_T_CONTEXT, context_destroy};
static const struct wn_ws_obj_ops pdu_ops = {WN_WS_T_PDU, pdu_destroy};
static const struct wn_ws_obj_ops vbl_ops = {WN_WS_T_VBL, vbl_destroy};

/* ------------------------------------------------------------------------
 * Sessions.
 * ---------------------------------------------------------------------- */
/* Callbacks running on this thread (a callback may close its own session
 * without waiting for itself). */
static WN_THREAD_LOCAL unsigned t_cb_depth;

int
wn_ws_session_create(HWND hwnd, UINT wmsg, SNMPAPI_CALLBACK cb, LPVOID data,
                     struct wn_ws_session **out)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_session *s = wn_calloc(1, sizeof *s);
    if (!s)
        return WN_E_NOMEM;
    s->callback = cb;
    s->hwnd = hwnd;
    s->wmsg = wmsg;
    s->client_data = data;
    int rc = wn_ws_obj_register(&s->hdr, &session_ops, NULL);
    if (rc < 0) {
        wn_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void
wn_ws_session_close(struct wn_ws_session *s)
{
    WN_WS_ASSERT_LOCKED();
    if (hooks.session_closing)
        hooks.session_closing(s);
    while (s->objs)
        wn_ws_obj_destroy(s->objs);
    wn_ws_obj_unregister(&s->hdr);
    wn_free(s);
}

int
wn_ws_in_callback(void)
{
    return t_cb_depth > 0;
}

int
wn_ws_session_notify(HSNMP_SESSION h, WPARAM wparam, LPARAM lparam)
{
    wn_ws_lock();
    struct wn_ws_session *s = wn_ws_ready() ? wn_ws_session_get(h) : NULL;
    if (!s) {
        wn_ws_unlock();
        return WN_E_NOTFOUND;
    }
    SNMPAPI_CALLBACK fn = s->callback;
    HWND hwnd = s->hwnd;
    UINT wmsg = s->wmsg;
    LPVOID data = s->client_data;
    if (!fn) {
        /* Window mode: post wMsg to hWnd, where Windows would (the hook
         * of wsnmp_ext.h, or the built-in queue). */
        wn_ws_unlock();
        int rc = wn_ws_winmsg_post(hwnd, wmsg, wparam, lparam);
        if (rc < 0 && rc != WN_E_LIMIT)   /* a full queue logs itself */
            wn_log(WN_LOG_WARN, "winsnmp", "window message not posted: %s", wn_strerror(rc));
        return 0;
    }
    s->in_callback++;       /* SnmpClose from another thread waits for it */
    wn_ws_unlock();
    /* Called without the lock: the callback calls back into the API. */
    t_cb_depth++;
    SNMPAPI_STATUS rc = fn(h, hwnd, wmsg, wparam, lparam, data);
    t_cb_depth--;
    wn_ws_lock();
    /* Gone if the callback closed it or cleaned up. */
    s = wn_ws_ready() ? wn_ws_session_get(h) : NULL;
    if (s) {
        s->in_callback--;
        if (rc != SNMPAPI_SUCCESS)
            wn_ws_obj_destroy(&s->hdr);
    }
    wn_ws_callback_ended();
    wn_ws_unlock();
    return 0;
}

/* ------------------------------------------------------------------------
 * Entities.
 * ---------------------------------------------------------------------- */
void
wn_ws_entity_set_port(struct wn_ws_entity *e, uint16_t port)
{
    WN_WS_ASSERT_LOCKED();
    e->port = port;
    wn_ws_addr_set_port(&e->addr, port);
}

static int
entity_new(struct wn_ws_session *s, struct wn_ws_entity **out)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_entity *e = wn_calloc(1, sizeof *e);
    if (!e)
        return WN_E_NOMEM;
    e->timeout_cs = WN_WS_DEFAULT_TIMEOUT_CS;
    e->retry = WN_WS_DEFAULT_RETRY;
    e->port = WN_WS_DEFAULT_PORT;
    e->mode = wn_ws_translate_mode();
    e->refs = 1;
    int rc = wn_ws_obj_register(&e->hdr, &entity_ops, s);
    if (rc < 0) {
        wn_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

int
wn_ws_entity_ref(struct wn_ws_entity *e)
{
    WN_WS_ASSERT_LOCKED();
    if (e->refs == UINT32_MAX)
        return WN_E_LIMIT;
    e->refs++;
    return 0;
}

void
wn_ws_entity_unref(struct wn_ws_entity *e)
{
    WN_WS_ASSERT_LOCKED();
    if (--e->refs == 0)
        wn_ws_entity_free(e);
}

void
wn_ws_entity_free(struct wn_ws_entity *e)
{
    WN_WS_ASSERT_LOCKED();
    if (hooks.entity_freeing)
        hooks.entity_freeing(e);
    wn_ws_obj_unregister(&e->hdr);
    wn_ws_user_put(e->user);
    wn_free(e->str);
    wn_free(e->name);
    wn_free(e->community);
    wn_free(e);
}

int
wn_ws_entity_create_addr(struct wn_ws_session *s, const struct sockaddr *sa, socklen_t salen,
                         int version, struct wn_ws_entity **out)
{
    WN_WS_ASSERT_LOCKED();
    if (salen > sizeof(struct sockaddr_storage) ||
        (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
        return WN_E_INVAL;
    struct wn_ws_entity *e;
    int rc = entity_new(s, &e);
    if (rc < 0)
        return rc;
    memcpy(&e->addr, sa, salen);
    e->addrlen = salen;
    e->version = version;
    e->port = sa->sa_family == AF_INET ? ntohs(((const struct sockaddr_in *)sa)->sin_port)
                                       : ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    char buf[WN_WS_ADDR_TEXT_MAX];
    wn_ws_addr_format(&e->addr, e->port, buf, sizeof buf);
    e->str = wn_strdup(buf);
    if (!e->str) {
        wn_ws_entity_free(e);
        return WN_E_NOMEM;
    }
    *out = e;
    return 0;
}

int
wn_ws_entity_create_str(struct wn_ws_session *s, const char *str, struct wn_ws_entity **out)
{
    WN_WS_ASSERT_LOCKED();
    if (strnlen(str, WN_WS_MAX_ENTITY_STR) >= WN_WS_MAX_ENTITY_STR || !*str)
        return WN_E_INVAL;
    smiUINT32 mode = wn_ws_translate_mode();
    struct wn_ws_db_entity dbe;
    struct wn_usm_entity pe;        /* an "snmpv3:" string (untranslated modes) */
    int v3str = 0;
    const char *addr = str;
    if (mode == SNMPAPI_TRANSLATED) {
        int rc = wn_ws_db_entity(str, &dbe);
        if (rc < 0)
            return rc;
        addr = dbe.address;
    } else {
        int rc = wn_usm_entity_parse(str, &pe);
        if (rc == 0) {
            v3str = 1;
            addr = pe.address;
        } else if (rc != WN_E_NOTFOUND) {
            return rc;
        }
    }
    struct sockaddr_storage ss;
    socklen_t sl;
    uint16_t port;
    int rc = wn_ws_parse_address(addr, WN_WS_DEFAULT_PORT, &ss, &sl, &port);
    struct wn_ws_entity *e = NULL;
    if (rc < 0)
        rc = rc == WN_E_RESOLVE ? WN_E_NOTFOUND : rc;
    else
        rc = entity_new(s, &e);
    if (rc == 0 && v3str)
        rc = wn_ws_user_entity_str(e, &pe);
    if (v3str)
        wn_usm_entity_clear(&pe);   /* wipes the pass phrases */
    if (rc < 0) {
        if (e)
            wn_ws_entity_free(e);
        return rc;
    }
    e->addr = ss;
    e->addrlen = sl;
    wn_ws_entity_set_port(e, port);
    /* Never a secret in what the entity keeps (SnmpEntityToStr, logs). */
    e->str = v3str ? wn_ws_user_redact(str) : wn_strdup(str);
    if (!e->str)
        rc = WN_E_NOMEM;
    if (mode == SNMPAPI_TRANSLATED) {
        e->version = dbe.version;
        if (rc == 0 && dbe.version == WN_WS_V3)
            rc = wn_ws_user_entity_db(e, &dbe);
        e->timeout_cs = dbe.timeout_cs;
        e->retry = dbe.retry;
        if (port == WN_WS_DEFAULT_PORT)
            wn_ws_entity_set_port(e, dbe.port);
        e->name = wn_strdup(str);
        if (!e->name)
            rc = WN_E_NOMEM;
        if (dbe.community[0]) {
            e->community = wn_strdup(dbe.community);
            if (!e->community)
                rc = WN_E_NOMEM;
        }
    } else if (!v3str) {
        e->version = mode == SNMPAPI_UNTRANSLATED_V2 ? WN_WS_V2C : WN_WS_V1;
    }
    if (rc < 0) {
        wn_ws_entity_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

/* ------------------------------------------------------------------------
 * Contexts, PDUs and VBLs.
 * ---------------------------------------------------------------------- */
int
wn_ws_context_create(struct wn_ws_session *s, const void *community, uint32_t len,
                     const char *name, struct wn_ws_context **out)
{
    WN_WS_ASSERT_LOCKED();
    if (len > WN_WS_MAX_COMMUNITY)
        return WN_E_LIMIT;
    struct wn_ws_context *c = wn_calloc(1, sizeof *c);
    if (!c)
        return WN_E_NOMEM;
    c->mode = wn_ws_translate_mode();
    c->refs = 1;
    c->len = len;
    c->community = wn_memdup(len ? community : "", len ? len : 1);
    if (name)
        c->name = wn_strdup(name);
    int rc = (!c->community || (name && !c->name)) ? WN_E_NOMEM : 0;
    if (rc == 0)
        rc = wn_ws_obj_register(&c->hdr, &context_ops, s);
    if (rc < 0) {
        wn_free(c->community);
        wn_free(c->name);
        wn_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int
wn_ws_context_ref(struct wn_ws_context *c)
{
    WN_WS_ASSERT_LOCKED();
    if (c->refs == UINT32_MAX)
        return WN_E_LIMIT;
    c->refs++;
    return 0;
}

void
wn_ws_context_unref(struct wn_ws_context *c)
{
    WN_WS_ASSERT_LOCKED();
    if (--c->refs == 0)
        wn_ws_context_free(c);
}

void
wn_ws_context_free(struct wn_ws_context *c)
{
    WN_WS_ASSERT_LOCKED();
    wn_ws_obj_unregister(&c->hdr);
    wn_wipe(c->community, c->len); /* a community is a password */
    wn_free(c->community);
    wn_free(c->name);
    wn_free(c);
}

int
wn_ws_pdu_create(struct wn_ws_session *s, smiINT type, smiINT32 request_id,
                 smiINT error_status, smiINT error_index, const struct wn_ws_vblist *list,
                 struct wn_ws_pdu **out)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_pdu *p = cache_take(&pdu_cache, sizeof *p);
    if (!p)
        return WN_E_NOMEM;
    p->type = type;
    p->request_id = request_id ? request_id : wn_ws_next_request_id();
    p->error_status = error_status;
    p->error_index = error_index;
    int rc = wn_ws_vblist_copy(&p->vbl, list);
    if (rc == 0)
        rc = wn_ws_obj_register(&p->hdr, &pdu_ops, s);
    if (rc < 0) {
        wn_ws_vblist_clear(&p->vbl);
        cache_put(&pdu_cache, p);
        return rc;
    }
    *out = p;
    return 0;
}

int
wn_ws_pdu_adopt(struct wn_ws_session *s, smiINT type, smiINT32 request_id, smiINT error_status,
                smiINT error_index, struct wn_ws_vblist *list, struct wn_ws_pdu **out)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_pdu *p = cache_take(&pdu_cache, sizeof *p);
    if (!p)
        return WN_E_NOMEM;
    p->type = type;
    p->request_id = request_id; /* as received, even 0 */
    p->error_status = error_status;
    p->error_index = error_index;
    int rc = wn_ws_obj_register(&p->hdr, &pdu_ops, s);
    if (rc < 0) {
        cache_put(&pdu_cache, p);
        return rc;
    }
    if (list) {
        p->vbl = *list;
        memset(list, 0, sizeof *list);
    }
    *out = p;
    return 0;
}

void
wn_ws_pdu_free(struct wn_ws_pdu *p)
{
    WN_WS_ASSERT_LOCKED();
    wn_ws_obj_unregister(&p->hdr);
    wn_ws_vblist_clear(&p->vbl);
    cache_put(&pdu_cache, p);
}

int
wn_ws_vbl_create(struct wn_ws_session *s, const struct wn_ws_vblist *list,
                 struct wn_ws_vbl **out)
{
    WN_WS_ASSERT_LOCKED();
    struct wn_ws_vbl *v = cache_take(&vbl_cache, sizeof *v);
    if (!v)
        return WN_E_NOMEM;
    int rc = wn_ws_vblist_copy(&v->list, list);
    if (rc == 0)
        rc = wn_ws_obj_register(&v->hdr, &vbl_ops, s);
    if (rc < 0) {
        wn_ws_vblist_clear(&v->list);
        cache_put(&vbl_cache, v);
        return rc;
    }
    *out = v;
    return 0;
}

void
wn_ws_vbl_free(struct wn_ws_vbl *v)
{
    WN_WS_ASSERT_LOCKED();
    wn_ws_obj_unregister(&v->hdr);
    wn_ws_vblist_clear(&v->list);
    cache_put(&vbl_cache, v);
}
