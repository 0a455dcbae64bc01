/* fuzz_evloop_sockaddr.c: fuzz target for wn_sockaddr_parse; what parses must format and parse back equal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[256];
    if (size >= sizeof(in))
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    struct sockaddr_storage a, b;
    socklen_t la, lb;
    if (wn_sockaddr_parse(in, 161, &a, &la) != 0)
        return 0;
    char out[WN_SOCKADDR_STRLEN];
    if (wn_sockaddr_format((struct sockaddr *)&a, out, sizeof(out), 1) <= 0)
        abort();
    if (wn_sockaddr_parse(out, 1, &b, &lb) != 0 || la != lb ||
        !wn_sockaddr_equal((struct sockaddr *)&a, (struct sockaddr *)&b))
        abort();
    return 0;
}
