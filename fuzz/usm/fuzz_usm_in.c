/* fuzz_usm_in.c: fuzz target: USM incoming processing (parse, security parameters round trip, digest, time window, decryption, the key cache) on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct wn_usm_user users[3];
/* A user with master keys: keys for an engine it has not cached are made
 * outside the cache and kept only once a digest checks. */
static struct wn_usm_user master;
static int ready;

static void
setup(void)
{
    /* Localized keys only (no 1 MB hashing per run): the same keys for
     * whatever engine the input names. */
    wn_usm_user_init_localized(&users[0], "v3sha", WN_USM_AUTH_SHA1, WN_USM_PRIV_AES128);
    wn_usm_user_init_localized(&users[1], "v3md5", WN_USM_AUTH_MD5, WN_USM_PRIV_DES);
    wn_usm_user_init_localized(&users[2], "v3sha512", WN_USM_AUTH_SHA512, WN_USM_PRIV_AES256);
    if (wn_usm_user_init(&master, "v3sha", WN_USM_AUTH_SHA1, "fuzz-auth-pass",
                         WN_USM_PRIV_AES128, "fuzz-priv-pass") != 0)
        abort();
    ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t scratch[WN_SNMP_MAX_MSG];
    static const uint8_t key[WN_USM_MAX_KEY] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    if (!ready)
        setup();
    struct wn_usm_in in;
    if (wn_usm_parse(data, size, &in) != 0)
        return 0;
    uint8_t spbuf[WN_USM_MAX_SECPARAMS];
    const uint8_t *sp;
    size_t sp_len, auth_off;
    struct wn_usm_secparams again;
    if (wn_usm_secparams_encode(&in.sp, spbuf, sizeof spbuf, &sp, &sp_len, &auth_off) != 0
        || wn_usm_secparams_decode(sp, sp_len, &again) != 0 || again.boots != in.sp.boots
        || again.time != in.sp.time || again.user_len != in.sp.user_len
        || again.auth_len != in.sp.auth_len || again.priv_len != in.sp.priv_len)
        abort();
    struct wn_usm_engine e;
    memset(&e, 0, sizeof e);
    if (wn_usm_engine_set_id(&e, in.sp.engine_id, in.sp.engine_id_len) == 0) {
        for (size_t i = 0; i < 3; i++) {
            struct wn_usm_user *u = &users[i];
            wn_usm_user_add_keys(u, e.id, e.id_len, key, wn_usm_auth_key_len(u->auth), key,
                                 WN_USM_MAX_KEY);
        }
    }
    struct wn_usm_user *u = size % 4 == 3 ? &master : &users[size % 4];
    size_t cached = u->cached;
    int rc = wn_usm_process_in(&in, u, &e, (int)(size & 1), 0, scratch, sizeof scratch);
    /* Keys enter the cache only with a digest that checked; it stays bounded. */
    if (u == &master && (rc == WN_E_WRONGDIGEST ? u->cached != cached
                                                : u->cached > WN_USM_KEY_CACHE_MAX))
        abort();
    if (rc == 0 && (in.msg.flags & WN_SNMP_V3_FLAG_PRIV)) {
        struct wn_snmp_vb_iter it;
        struct wn_snmp_varbind vb;
        wn_snmp_vb_iter_init(&it, &in.scoped.pdu);
        while (wn_snmp_vb_next(&it, &vb) == 1)
            ;
    }
    return 0;
}
