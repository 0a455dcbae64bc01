/* fuzz_usm_entity.c: fuzz target: parse an SNMPv3 entity string, redact it, and check the redacted form and the formatted one (wn_usm_entity_format) parse back to the same thing without secrets. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char s[WN_USM_MAX_ENTITY_PARAMS * 2];
    static char red[WN_USM_MAX_ENTITY_PARAMS * 2];
    if (size >= sizeof s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct wn_usm_entity e, r;
    int rc = wn_usm_entity_parse(s, &e);
    if (wn_usm_entity_redact(s, red, sizeof red) != 0)
        abort();
    if (rc == 0) {
        if (wn_usm_entity_parse(red, &r) != 0)
            abort();
        if (strcmp(e.user, r.user) || e.level != r.level || e.auth != r.auth || e.priv != r.priv
            || strcmp(e.address, r.address) || r.authpass || r.privpass || r.authkey_len
            || r.privkey_len || e.engine_id_len != r.engine_id_len)
            abort();
        wn_usm_entity_clear(&r);
        /* The form SnmpEntityToStr prints for a user and level. */
        static char fmt[WN_USM_MAX_ENTITY_PARAMS * 2];
        int level = e.level == WN_USM_LEVEL_DEFAULT ? 0 : e.level;
        if (wn_usm_entity_format(e.user, strlen(e.user), level, e.address, fmt, sizeof fmt) != 0
            || wn_usm_entity_parse(fmt, &r) != 0 || strcmp(e.user, r.user) || r.level != level
            || strcmp(e.address, r.address))
            abort();
        wn_usm_entity_clear(&r);
        wn_usm_entity_clear(&e);
    } else if (e.authpass || e.privpass) {
        abort();
    }
    return 0;
}
