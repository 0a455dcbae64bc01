/* fuzz_netapi_authfile.c: fuzzes the smbclient -A authfile parser (bounded, no I/O). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wn_netapi_creds c;

    if (wn_netapi_authfile_parse((const char *)data, size, &c) == 0) {
        /* A success always names a user; strings are C strings. */
        if (c.user == NULL || strlen(c.user) > size)
            __builtin_trap();
        wn_netapi_creds_clear(&c);
    }
    return 0;
}
