/* backend.c: selection of the transport backend, and the built-in one used until the RPC stack is linked. */
#include <stdatomic.h>

#include "backend.h"

static _Atomic(const struct wn_netapi_backend_ops *) current;

void
wn_netapi_set_backend(const struct wn_netapi_backend_ops *ops)
{
    atomic_store(&current, ops);
}

const struct wn_netapi_backend_ops *
wn_netapi_get_backend(void)
{
    const struct wn_netapi_backend_ops *ops = atomic_load(&current);
    return ops != NULL ? ops : &wn_netapi_default_backend;
}
