/* fuzz_winsnmp_db.c: fuzz target for the translated-mode database parser and the entity address parser (no I/O). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "winsnmp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned line = 0;
    int rc = wn_ws_db_parse_text((const char *)data, size, "fuzz", &line);
    if (rc != 0 && rc != WN_E_MALFORMED)
        __builtin_trap();
    if (rc == WN_E_MALFORMED && line == 0)
        __builtin_trap();
    /* The first line (bounded) as an entity address. */
    char s[WN_WS_MAX_ENTITY_STR + 1];
    size_t n = 0;
    while (n < size && n < WN_WS_MAX_ENTITY_STR && data[n] != '\n' && data[n] != '\0') {
        s[n] = (char)data[n];
        n++;
    }
    s[n] = '\0';
    struct sockaddr_storage ss;
    socklen_t sl = 0;
    uint16_t port = 0;
    if (wn_ws_parse_address(s, 161, &ss, &sl, &port) == 0 &&
        (port == 0 || sl == 0 || sl > sizeof ss))
        __builtin_trap();
    return 0;
}
