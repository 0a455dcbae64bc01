/* session.c: NetrSessionEnum (opnum 12) and NetrSessionDel (opnum 13) request/response stubs in NDR20. */
#include "srvsvc_ndr.h"

#include <string.h>

#define MOD "srvsvc"

/* 4b324fc8-1670-01d3-1278-5a47bf6ee188 in wire order. */
const struct wn_dcerpc_syntax wn_srvsvc_syntax = {
    {0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01,
     0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88},
    3, 0};

/* Fields of SESSION_INFO_<level> in IDL order. */
enum field { F_END, F_CNAME, F_USER, F_OPENS, F_TIME, F_IDLE, F_FLAGS, F_CLTYPE, F_TRANSPORT };

static const uint8_t fields_0[] = {F_CNAME, F_END};
static const uint8_t fields_1[] = {F_CNAME, F_USER, F_OPENS, F_TIME, F_IDLE, F_FLAGS, F_END};
static const uint8_t fields_2[] = {F_CNAME, F_USER, F_OPENS, F_TIME, F_IDLE, F_FLAGS,
                                   F_CLTYPE, F_END};
static const uint8_t fields_10[] = {F_CNAME, F_USER, F_TIME, F_IDLE, F_END};
static const uint8_t fields_502[] = {F_CNAME, F_USER, F_OPENS, F_TIME, F_IDLE, F_FLAGS,
                                     F_CLTYPE, F_TRANSPORT, F_END};

/* Field list of a level, or NULL for a level MS-SRVS does not define. */
static const uint8_t *
level_fields(uint32_t level)
{
    switch (level) {
    case 0: return fields_0;
    case 1: return fields_1;
    case 2: return fields_2;
    case 10: return fields_10;
    case 502: return fields_502;
    default: return NULL;
    }
}

static size_t
fixed_size(const uint8_t *f)
{
    size_t n = 0;
    while (*f++ != F_END)
        n += 4;
    return n;
}

/* The string slot of a session for a string field, else NULL. */
static const uint8_t **
str_slot(struct wn_srvsvc_session *s, int f, uint32_t **len)
{
    switch (f) {
    case F_CNAME: *len = &s->cname_len; return &s->cname;
    case F_USER: *len = &s->username_len; return &s->username;
    case F_CLTYPE: *len = &s->cltype_len; return &s->cltype;
    case F_TRANSPORT: *len = &s->transport_len; return &s->transport;
    default: return NULL;
    }
}

static uint32_t *
num_slot(struct wn_srvsvc_session *s, int f)
{
    switch (f) {
    case F_OPENS: return &s->num_opens;
    case F_TIME: return &s->time;
    case F_IDLE: return &s->idle_time;
    case F_FLAGS: return &s->user_flags;
    default: return NULL;
    }
}

int
wn_srvsvc_session_enum_encode(struct wn_dynbuf *out, const struct wn_srvsvc_enum_args *a)
{
    if (!out || !a || !level_fields(a->level))
        return WN_E_INVAL;
    struct wn_srvsvc_enc e;
    wn_srvsvc_enc_init(&e, out);
    wn_srvsvc_enc_top_str(&e, &a->server);
    wn_srvsvc_enc_top_str(&e, &a->client);
    wn_srvsvc_enc_top_str(&e, &a->user);
    /* InfoStruct: [ref] pointer, so no referent; Level, union tag, arm. */
    wn_srvsvc_enc_u32(&e, a->level);
    wn_srvsvc_enc_u32(&e, a->level);
    wn_srvsvc_enc_ptr(&e, 1);
    wn_srvsvc_enc_u32(&e, 0);           /* EntriesRead */
    wn_srvsvc_enc_ptr(&e, 0);           /* Buffer */
    wn_srvsvc_enc_u32(&e, a->pref_max_len);
    wn_srvsvc_enc_ptr(&e, a->has_resume);
    if (a->has_resume)
        wn_srvsvc_enc_u32(&e, a->resume_handle);
    return e.err;
}

int
wn_srvsvc_session_enum_reply_encode(struct wn_dynbuf *out,
                                    const struct wn_srvsvc_enum_result *r)
{
    const uint8_t *fl = r ? level_fields(r->level) : NULL;
    if (!out || !fl || (r->entries && (!r->sessions || !r->has_container)))
        return WN_E_INVAL;
    struct wn_srvsvc_enc e;
    wn_srvsvc_enc_init(&e, out);
    wn_srvsvc_enc_u32(&e, r->level);
    wn_srvsvc_enc_u32(&e, r->level);
    wn_srvsvc_enc_ptr(&e, r->has_container);
    if (r->has_container) {
        wn_srvsvc_enc_u32(&e, r->entries);
        wn_srvsvc_enc_ptr(&e, r->entries != 0);
        if (r->entries) {
            wn_srvsvc_enc_u32(&e, r->entries);      /* MaxCount */
            for (uint32_t i = 0; i < r->entries; i++) {
                struct wn_srvsvc_session *s = &r->sessions[i];
                for (const uint8_t *f = fl; *f != F_END; f++) {
                    uint32_t *len;
                    const uint8_t **p = str_slot(s, *f, &len);
                    if (p)
                        wn_srvsvc_enc_ptr(&e, *p != NULL);
                    else
                        wn_srvsvc_enc_u32(&e, *num_slot(s, *f));
                }
            }
            for (uint32_t i = 0; i < r->entries; i++) {
                struct wn_srvsvc_session *s = &r->sessions[i];
                for (const uint8_t *f = fl; *f != F_END; f++) {
                    uint32_t *len;
                    const uint8_t **p = str_slot(s, *f, &len);
                    if (p && *p)
                        wn_srvsvc_enc_str(&e, *p, *len);
                }
            }
        }
    }
    wn_srvsvc_enc_u32(&e, r->total_entries);
    wn_srvsvc_enc_ptr(&e, r->has_resume);
    if (r->has_resume)
        wn_srvsvc_enc_u32(&e, r->resume_handle);
    wn_srvsvc_enc_u32(&e, r->status);
    return e.err;
}

/* Marks a string pointer seen in the fixed part whose pointee follows. */
#define PENDING UINT32_MAX

/* Reads MaxCount, the fixed parts and then the deferred strings of the
 * session array into res->sessions (already sized for res->entries). */
static int
decode_array(struct wn_rbuf *r, const uint8_t *fl, struct wn_srvsvc_enum_result *res)
{
    for (uint32_t i = 0; i < res->entries; i++) {
        struct wn_srvsvc_session *s = &res->sessions[i];
        for (const uint8_t *f = fl; *f != F_END; f++) {
            uint32_t v = wn_srvsvc_dec_u32(r);
            uint32_t *len;
            const uint8_t **p = str_slot(s, *f, &len);
            if (p)
                *len = v ? PENDING : 0;
            else
                *num_slot(s, *f) = v;
        }
    }
    if (r->err)
        return r->err;
    for (uint32_t i = 0; i < res->entries; i++) {
        struct wn_srvsvc_session *s = &res->sessions[i];
        for (const uint8_t *f = fl; *f != F_END; f++) {
            uint32_t *len;
            const uint8_t **p = str_slot(s, *f, &len);
            if (!p || *len != PENDING)
                continue;
            int rc = wn_srvsvc_dec_str(r, p, len);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int
decode_enum(struct wn_rbuf *r, struct wn_srvsvc_enum_result **out)
{
    uint32_t level = wn_srvsvc_dec_u32(r);
    uint32_t tag = wn_srvsvc_dec_u32(r);
    uint32_t ctr = wn_srvsvc_dec_u32(r);
    uint32_t entries = 0, buffer = 0, max_count = 0;
    if (r->err)
        return r->err;
    const uint8_t *fl = level_fields(level);
    WN_PARSE_CHECK(MOD, fl != NULL, WN_E_MALFORMED);
    WN_PARSE_CHECK(MOD, tag == level, WN_E_MALFORMED);
    if (ctr) {
        entries = wn_srvsvc_dec_u32(r);
        buffer = wn_srvsvc_dec_u32(r);
        if (buffer)
            max_count = wn_srvsvc_dec_u32(r);
        if (r->err)
            return r->err;
        WN_PARSE_CHECK(MOD, buffer || entries == 0, WN_E_MALFORMED);
        WN_PARSE_CHECK(MOD, max_count == entries, WN_E_MALFORMED);
        WN_PARSE_CHECK(MOD, entries <= WN_SRVSVC_MAX_ENTRIES, WN_E_LIMIT);
        WN_PARSE_CHECK(MOD, (size_t)entries * fixed_size(fl) <= wn_rbuf_left(r),
                       WN_E_TRUNCATED);
    }
    size_t size = sizeof(struct wn_srvsvc_enum_result) +
                  (size_t)entries * sizeof(struct wn_srvsvc_session);
    struct wn_srvsvc_enum_result *res = wn_calloc(1, size);
    if (!res)
        return WN_E_NOMEM;
    res->level = level;
    res->has_container = ctr != 0;
    res->entries = entries;
    res->sessions = (struct wn_srvsvc_session *)(res + 1);
    int rc = decode_array(r, fl, res);
    if (!rc) {
        res->total_entries = wn_srvsvc_dec_u32(r);
        res->has_resume = wn_srvsvc_dec_u32(r) != 0;
        if (res->has_resume)
            res->resume_handle = wn_srvsvc_dec_u32(r);
        res->status = wn_srvsvc_dec_u32(r);
        rc = r->err;
    }
    if (rc) {
        wn_free(res);
        return rc;
    }
    *out = res;
    return 0;
}

/* NDR allows the stub to be padded to 8; anything longer is garbage. */
static int
check_tail(struct wn_rbuf *r)
{
    size_t left = wn_rbuf_left(r);
    WN_PARSE_CHECK(MOD, left < 8, WN_E_MALFORMED);
    return 0;
}

int
wn_srvsvc_session_enum_decode(const uint8_t *stub, size_t len,
                              struct wn_srvsvc_enum_result **out)
{
    if (!out)
        return WN_E_INVAL;
    *out = NULL;
    struct wn_rbuf r;
    wn_rbuf_init(&r, stub, len);
    struct wn_srvsvc_enum_result *res = NULL;
    int rc = decode_enum(&r, &res);
    if (!rc)
        rc = check_tail(&r);
    if (rc) {
        wn_free(res);
        return rc;
    }
    *out = res;
    return 0;
}

void
wn_srvsvc_enum_result_free(struct wn_srvsvc_enum_result *r)
{
    wn_free(r);
}

int
wn_srvsvc_session_del_encode(struct wn_dynbuf *out, const struct wn_srvsvc_u16 *server,
                             const struct wn_srvsvc_u16 *client,
                             const struct wn_srvsvc_u16 *user)
{
    if (!out)
        return WN_E_INVAL;
    struct wn_srvsvc_enc e;
    wn_srvsvc_enc_init(&e, out);
    wn_srvsvc_enc_top_str(&e, server);
    wn_srvsvc_enc_top_str(&e, client);
    wn_srvsvc_enc_top_str(&e, user);
    return e.err;
}

int
wn_srvsvc_session_del_decode(const uint8_t *stub, size_t len, uint32_t *status)
{
    struct wn_rbuf r;
    wn_rbuf_init(&r, stub, len);
    uint32_t v = wn_srvsvc_dec_u32(&r);
    if (r.err)
        return r.err;
    int rc = check_tail(&r);
    if (rc)
        return rc;
    *status = v;
    return 0;
}
