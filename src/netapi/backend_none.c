/* backend_none.c: placeholder backend (every open fails WN_E_UNSUPPORTED) while rpc_backend.c is not built. */
#include <stddef.h>

#include "backend.h"

static int
none_open(const struct wn_netapi_target *target, void **conn, struct wn_netapi_wire *wire)
{
    (void)target;
    (void)wire;
    *conn = NULL;
    return WN_E_UNSUPPORTED;
}

static int
none_enum(void *conn, uint32_t level, const char *client, const char *user,
          uint32_t prefmaxlen, uint32_t *resume, struct wn_netapi_raw_result *out,
          struct wn_netapi_wire *wire)
{
    (void)conn; (void)level; (void)client; (void)user; (void)prefmaxlen; (void)resume;
    (void)out; (void)wire;
    return WN_E_UNSUPPORTED;
}

static int
none_del(void *conn, const char *client, const char *user, struct wn_netapi_wire *wire)
{
    (void)conn; (void)client; (void)user; (void)wire;
    return WN_E_UNSUPPORTED;
}

static void
none_close(void *conn)
{
    (void)conn;
}

const struct wn_netapi_backend_ops wn_netapi_default_backend = {
    none_open, none_enum, none_del, none_close, NULL, NULL,
};
