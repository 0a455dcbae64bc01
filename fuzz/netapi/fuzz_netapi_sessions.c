/* fuzz_netapi_sessions.c: arbitrary session lists (any bytes as names) through filters, paging and packing. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lm.h"
#include "netapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_SESSIONS 64

static struct wn_netapi_raw_result canned;

static int
f_open(const struct wn_netapi_target *t, void **conn, struct wn_netapi_wire *wire)
{
    (void)t;
    (void)wire;
    *conn = &canned;
    return 0;
}

static int
f_enum(void *conn, uint32_t level, const char *client, const char *user, uint32_t prefmaxlen,
       uint32_t *resume, struct wn_netapi_raw_result *out, struct wn_netapi_wire *wire)
{
    uint32_t i;
    int rc;

    (void)conn; (void)client; (void)user; (void)prefmaxlen; (void)resume;
    memset(out, 0, sizeof(*out));
    if (level != 0 && level != 1) { /* Samba-like */
        wire->werror = 124;
        return 0;
    }
    for (i = 0; i < canned.count; i++) {
        rc = wn_netapi_raw_result_add(out, &canned.entries[i]);
        if (rc != 0) {
            wn_netapi_raw_result_free(out);
            return rc;
        }
    }
    out->level = level;
    wire->werror = 0;
    return 0;
}

static int
f_del(void *conn, const char *client, const char *user, struct wn_netapi_wire *wire)
{
    (void)conn; (void)client; (void)user;
    wire->werror = 5;
    return 0;
}

static void
f_close(void *conn)
{
    (void)conn;
}

static const struct wn_netapi_backend_ops ops = { f_open, f_enum, f_del, f_close, NULL, NULL };

/* Next NUL- or newline-terminated field of the input as a C string in pool. */
static char *
field(const uint8_t **p, const uint8_t *end, char **pool)
{
    char *s = *pool;
    while (*p < end && **p != '\n') {
        *(*pool)++ = **p == 0 ? '?' : (char)**p;
        (*p)++;
    }
    if (*p < end)
        (*p)++;
    *(*pool)++ = '\0';
    return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t levels[] = { 0, 1, 2, 10, 502 };
    struct wn_netapi_session sessions[FUZZ_MAX_SESSIONS];
    char pool[4096 * 2 + FUZZ_MAX_SESSIONS * 4];
    char *pp = pool;
    const uint8_t *p = data;
    const uint8_t *end;
    uint32_t level;
    uint32_t pref;
    uint32_t n = 0;
    uint32_t got = 0;
    uint32_t resume = 0;
    uint32_t st;
    char *client;
    char *user;
    int calls = 0;

    if (size < 5 || size > 4096)
        return 0;
    level = levels[data[0] % 5];
    pref = (uint32_t)data[1] | (uint32_t)data[2] << 8;
    if (data[3] & 1)
        pref = MAX_PREFERRED_LENGTH;
    p = data + 5;
    end = data + size;
    client = (data[4] & 1) ? field(&p, end, &pp) : NULL;
    user = (data[4] & 2) ? field(&p, end, &pp) : NULL;
    while (p < end && n < FUZZ_MAX_SESSIONS) {
        memset(&sessions[n], 0, sizeof(sessions[n]));
        sessions[n].cname = field(&p, end, &pp);
        sessions[n].username = field(&p, end, &pp);
        sessions[n].time = n;
        n++;
    }
    canned.entries = sessions;
    canned.count = n;
    wn_netapi_set_backend(&ops);
    do {
        uint8_t *buf = NULL;
        uint32_t er = 0;
        uint32_t te = 0;
        struct wn_netapi_query q = { NULL, client, user, level };
        st = wn_netapi_session_enum(&q, (data[3] & 2) ? WN_NETAPI_UTF8 : WN_NETAPI_WIDE, &buf,
                                    pref, &er, &te, &resume);
        if ((st == NERR_Success || st == ERROR_MORE_DATA) && er > 0 && buf == NULL)
            __builtin_trap();
        if (st == ERROR_MORE_DATA && er == 0)
            __builtin_trap();
        got += er;
        NetApiBufferFree(buf);
    } while (st == ERROR_MORE_DATA && ++calls <= FUZZ_MAX_SESSIONS + 1);
    if (st == ERROR_MORE_DATA || got > n)
        __builtin_trap();
    if (client == NULL && user == NULL && st == NERR_Success && got != n)
        __builtin_trap();
    wn_netapi_set_backend(NULL);
    return 0;
}
