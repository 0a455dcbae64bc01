/* test_usm_keys.c: USM password-to-key, localisation and priv key extension against RFC 3414 A.3 and keys net-snmp 5.9.3 computed; the per-(user, engine) cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base.h"
#include "usm.h"
#include "crypto/test_hex.h"

/* RFC 3414 A.3.1 and A.3.2: "maplesyrup", engine ID 00..02 (12 octets). */
static void
test_usm_rfc3414_a3_md5_and_sha_vectors(void **state)
{
    (void)state;
    const uint8_t *eng = hx("000000000000000000000002", NULL);
    uint8_t ku[WN_USM_MAX_KEY], kul[WN_USM_MAX_KEY];
    assert_int_equal(wn_usm_password_to_key(WN_USM_AUTH_MD5, "maplesyrup", 10, ku), 0);
    ASSERT_HEX(ku, "9faf3283884e92834ebc9847d8edd963");
    assert_int_equal(wn_usm_localize_key(WN_USM_AUTH_MD5, ku, eng, 12, kul), 0);
    ASSERT_HEX(kul, "526f5eed9fcce26f8964c2930787d82b");
    assert_int_equal(wn_usm_password_to_key(WN_USM_AUTH_SHA1, "maplesyrup", 10, ku), 0);
    ASSERT_HEX(ku, "9fb5cc0381497b3793528939ff788d5d79145211");
    assert_int_equal(wn_usm_localize_key(WN_USM_AUTH_SHA1, ku, eng, 12, kul), 0);
    ASSERT_HEX(kul, "6695febc9288e36282235fc7151f128497b38f3f");
}

/* One user of tests/peer/snmpv3/snmpd-v3-users.conf: the localized keys
 * snmpd 5.9.3 (Debian 12) wrote to its persistent usmUser lines for engine
 * ID 80001f880476332d736e6d7064 ("v3-snmpd").  RFC 7860 itself publishes
 * no key vectors, so these are the SHA-2 vectors, and the AES-192/256
 * rows pin net-snmp's key extension byte for byte. */
struct netsnmp_vec {
    const char *auth_name, *auth_pass, *priv_name, *priv_pass;
    const char *auth_kul, *priv_kul;
};

static const struct netsnmp_vec netsnmp_vecs[] = {
    {"MD5", "v3authpass2", "DES", "v3privpass2",
     "405399e2cdc1d749fc40eb4a30b5bf63", "2c52df6853d2ec0acf5b157ad5bfada1"},
    {"SHA", "v3authpass1", "AES", "v3privpass1",
     "7979c2fc58022f8775d399ba625c7383f4eb43bc", "25e778e00bacb78beb6bdc97c1c9922d"},
    {"SHA-224", "v3authpass5", "AES-192", "v3privpass5",
     "f2eb68ba8bac0991c47043ff583dbde69477a9a3e3b872d1193d2310",
     "61ad489e18819f8ae31febce43a450aaf85499a8738f0e51"},
    {"SHA-256", "v3authpass3", "AES", "v3privpass3",
     "1b0bb19b402328d782ddda0a0b6936e9908d9dc06768deae3beb129bd0fe58c0",
     "694e47bebad39d8d4dfd05b58429d755"},
    {"SHA-384", "v3authpass6", "AES", "v3privpass6",
     "30b8ed05532e3848fc316d16ceaf46f037e5619355c28dd4de16943dc13f78b6"
     "7332831608ac6d9a6bf0ae02f9e319e2",
     "9d5ffca531ae400032224b4324a48f94"},
    {"SHA-512", "v3authpass4", "AES-256", "v3privpass4",
     "8037dc00525534120565f82855a352baaf7339d05d337affd85a12618a00dbb3"
     "8ff397646296f6d3ab458ae5241caedb1c538f10b59c01f7e0f30c298f63349b",
     "5103ac65dedbdb44a7aa8f5f38772501056bd12ca5383d4e6b6197e68cc09669"},
    /* Blumenthal extension: MD5 16 -> 24 bytes, SHA-1 20 -> 32 bytes. */
    {"MD5", "v3authpass8", "AES-192", "v3privpass8",
     "8dce9417f10c08a001071c740a477086", "208d204416ec4118ebbc25a14a686d1169d3a79dc08dddb4"},
    {"SHA", "v3authpass7", "AES-256", "v3privpass7",
     "eff41a6acdd71d05ffe561cab5d9170ab3bccc59",
     "79a55893909e75201aed83b7633abea77690520b15ec094fcd69630f7dc3924e"},
};

static void
test_usm_keys_equal_net_snmp_for_every_protocol(void **state)
{
    (void)state;
    size_t elen;
    const uint8_t *eng = hx("80001f880476332d736e6d7064", &elen);
    uint8_t engine[WN_USM_MAX_ENGINE_ID];
    memcpy(engine, eng, elen);
    for (size_t i = 0; i < WN_ARRAY_SIZE(netsnmp_vecs); i++) {
        const struct netsnmp_vec *v = &netsnmp_vecs[i];
        enum wn_usm_auth a;
        enum wn_usm_priv p;
        assert_int_equal(wn_usm_auth_from_name(v->auth_name, &a), 0);
        assert_int_equal(wn_usm_priv_from_name(v->priv_name, &p), 0);
        struct wn_usm_user u;
        assert_int_equal(wn_usm_user_init(&u, "vec", a, v->auth_pass, p, v->priv_pass), 0);
        const struct wn_usm_keys *k;
        assert_int_equal(wn_usm_user_keys(&u, engine, elen, &k), 0);
        size_t alen, plen;
        const uint8_t *want_a = hx(v->auth_kul, &alen);
        assert_int_equal(k->auth_len, alen);
        assert_memory_equal(k->auth, want_a, alen);
        const uint8_t *want_p = hx(v->priv_kul, &plen);
        /* net-snmp stores the localized priv key cut or extended to what
         * the cipher uses (DES: 16, key + pre-IV). */
        assert_true(k->priv_len >= plen);
        assert_memory_equal(k->priv, want_p, plen);
        wn_usm_user_clear(&u);
    }
}

/* The lab's labuser (ref lab.md 2.3, also computed by net-snmp). */
static void
test_usm_lab_user_vector(void **state)
{
    (void)state;
    size_t elen;
    const uint8_t *e = hx("80001f88046c61622d736e6d7064", &elen);
    uint8_t eng[32], ku[64], kul[64];
    memcpy(eng, e, elen);
    assert_int_equal(wn_usm_password_to_key(WN_USM_AUTH_SHA1, "labauthpass1", 12, ku), 0);
    ASSERT_HEX(ku, "b14ed9226417915f1c594f4fd7a27c1de21cce3c");
    assert_int_equal(wn_usm_localize_key(WN_USM_AUTH_SHA1, ku, eng, elen, kul), 0);
    ASSERT_HEX(kul, "7b06cab7befd7a267648668f15643107914e25dc");
}

/* Reeder extension (net-snmp "AES-256-C"): Kul || localize(P2K(Kul)).
 * Checked against its definition built from the two vector-tested
 * primitives, and shown to differ from the Blumenthal one. */
static void
test_usm_reeder_extension_follows_its_definition(void **state)
{
    (void)state;
    const uint8_t *eng = hx("000000000000000000000002", NULL);
    uint8_t ku[64], kul[64], k2[64], kul2[64], blum[64];
    assert_int_equal(wn_usm_password_to_key(WN_USM_AUTH_SHA1, "maplesyrup", 10, ku), 0);
    assert_int_equal(wn_usm_localize_key(WN_USM_AUTH_SHA1, ku, eng, 12, kul), 0);
    memcpy(blum, kul, 20);
    size_t len = 20, blen = 20;
    assert_int_equal(wn_usm_extend_priv_key(WN_USM_AUTH_SHA1, WN_USM_PRIV_AES256_REEDER, eng, 12,
                                            kul, &len), 0);
    assert_int_equal(len, 32);
    assert_int_equal(wn_usm_password_to_key(WN_USM_AUTH_SHA1, kul, 20, k2), 0);
    assert_int_equal(wn_usm_localize_key(WN_USM_AUTH_SHA1, k2, eng, 12, kul2), 0);
    assert_memory_equal(kul + 20, kul2, 12);
    assert_int_equal(wn_usm_extend_priv_key(WN_USM_AUTH_SHA1, WN_USM_PRIV_AES256, eng, 12,
                                            blum, &blen), 0);
    assert_int_equal(blen, 32);
    assert_memory_not_equal(blum + 20, kul + 20, 12);
    /* Long enough already: nothing to do. */
    len = 20;
    assert_int_equal(wn_usm_extend_priv_key(WN_USM_AUTH_SHA1, WN_USM_PRIV_AES128, eng, 12,
                                            kul, &len), 0);
    assert_int_equal(len, 20);
}

static void
test_usm_key_cache_localizes_once_per_engine(void **state)
{
    (void)state;
    struct wn_usm_user u;
    assert_int_equal(wn_usm_user_init(&u, "cache", WN_USM_AUTH_SHA256, "authpass-1",
                                      WN_USM_PRIV_AES128, "privpass-1"), 0);
    const uint8_t e1[] = {0x80, 0, 0, 0, 1, 1}, e2[] = {0x80, 0, 0, 0, 1, 2};
    const struct wn_usm_keys *a, *b, *c;
    assert_int_equal(wn_usm_user_keys(&u, e1, sizeof e1, &a), 0);
    assert_int_equal(u.localizations, 1);
    assert_int_equal(wn_usm_user_keys(&u, e1, sizeof e1, &b), 0);
    assert_ptr_equal(a, b);
    assert_int_equal(u.localizations, 1);
    assert_int_equal(wn_usm_user_keys(&u, e2, sizeof e2, &c), 0);
    assert_int_equal(u.localizations, 2);
    assert_memory_not_equal(a->auth, c->auth, 32);
    wn_usm_user_clear(&u);
    /* Everything wiped. */
    static const struct wn_usm_user zero;
    assert_memory_equal(&u, &zero, sizeof u);
}

/* A full cache makes room: past WN_USM_KEY_CACHE_MAX engines the entry
 * used longest ago among those no digest verified goes first, a verified
 * one stays, and entries given as localized keys are never dropped.
 * Checked against the old cache (no eviction): the 4097th engine failed
 * with WN_E_LIMIT. */
static void
test_usm_key_cache_evicts_unverified_first(void **state)
{
    (void)state;
    struct wn_usm_user u;
    assert_int_equal(wn_usm_user_init(&u, "evict", WN_USM_AUTH_MD5, "authpass-1",
                                      WN_USM_PRIV_NONE, NULL), 0);
    const uint8_t kept[] = {0x80, 0, 0, 0, 7, 7};
    const struct wn_usm_keys *k;
    assert_int_equal(wn_usm_user_keys(&u, kept, sizeof kept, &k), 0);
    wn_usm_user_keys_verified(&u, kept, sizeof kept);
    for (unsigned i = 0; i < WN_USM_KEY_CACHE_MAX + 10; i++) {
        const uint8_t id[] = {0x80, 0, 0, 0, 5, (uint8_t)(i >> 8), (uint8_t)i};
        assert_int_equal(wn_usm_user_keys(&u, id, sizeof id, &k), 0);
        assert_true(u.cached <= WN_USM_KEY_CACHE_MAX);
    }
    assert_int_equal(u.cached, WN_USM_KEY_CACHE_MAX);
    assert_int_equal(u.evictions, 11);
    assert_non_null(wn_usm_user_keys_cached(&u, kept, sizeof kept));
    /* The first unverified ones went, the latest stayed. */
    const uint8_t first[] = {0x80, 0, 0, 0, 5, 0, 0};
    const uint8_t last[] = {0x80, 0, 0, 0, 5, (uint8_t)((WN_USM_KEY_CACHE_MAX + 9) >> 8),
                            (uint8_t)(WN_USM_KEY_CACHE_MAX + 9)};
    assert_null(wn_usm_user_keys_cached(&u, first, sizeof first));
    assert_non_null(wn_usm_user_keys_cached(&u, last, sizeof last));
    wn_usm_user_clear(&u);
    /* A user of localized keys only: its entry is never given up. */
    assert_int_equal(wn_usm_user_init_localized(&u, "db", WN_USM_AUTH_MD5, WN_USM_PRIV_NONE), 0);
    uint8_t ak[16] = {1};
    assert_int_equal(wn_usm_user_add_keys(&u, kept, sizeof kept, ak, 16, NULL, 0), 0);
    assert_int_equal(wn_usm_user_keys(&u, first, sizeof first, &k), WN_E_NOTFOUND);
    assert_non_null(wn_usm_user_keys_cached(&u, kept, sizeof kept));
    wn_usm_user_clear(&u);
}

static void
test_usm_localized_keys_only_and_bad_inputs(void **state)
{
    (void)state;
    struct wn_usm_user u;
    uint8_t ku[64];
    assert_int_equal(wn_usm_password_to_key(WN_USM_AUTH_MD5, "short", 5, ku), WN_E_INVAL);
    assert_int_equal(wn_usm_password_to_key(WN_USM_AUTH_NONE, "longenough", 10, ku), WN_E_INVAL);
    assert_int_equal(wn_usm_user_init(&u, "x", WN_USM_AUTH_NONE, NULL, WN_USM_PRIV_DES, "p12345678"),
                     WN_E_INVAL);
    assert_int_equal(wn_usm_user_init(&u, "123456789012345678901234567890123", WN_USM_AUTH_NONE,
                                      NULL, WN_USM_PRIV_NONE, NULL), WN_E_INVAL);
    assert_int_equal(wn_usm_user_init_localized(&u, "db", WN_USM_AUTH_MD5, WN_USM_PRIV_DES), 0);
    const uint8_t e[] = {1, 2, 3, 4, 5};
    const struct wn_usm_keys *k;
    assert_int_equal(wn_usm_user_keys(&u, e, sizeof e, &k), WN_E_NOTFOUND);
    uint8_t ak[16] = {1}, pk[16] = {2};
    assert_int_equal(wn_usm_user_add_keys(&u, e, sizeof e, ak, 15, pk, 16), WN_E_INVAL);
    assert_int_equal(wn_usm_user_add_keys(&u, e, sizeof e, ak, 16, pk, 8), WN_E_INVAL);
    assert_int_equal(wn_usm_user_add_keys(&u, e, sizeof e, ak, 16, pk, 16), 0);
    assert_int_equal(wn_usm_user_keys(&u, e, sizeof e, &k), 0);
    assert_memory_equal(k->auth, ak, 16);
    assert_int_equal(u.localizations, 0);
    wn_usm_user_clear(&u);
    enum wn_usm_auth a;
    assert_int_equal(wn_usm_auth_from_name("sha-384", &a), 0);
    assert_int_equal(a, WN_USM_AUTH_SHA384);
    assert_int_equal(wn_usm_auth_from_name("SHA-3", &a), WN_E_NOTFOUND);
    assert_int_equal(wn_usm_auth_mac_len(WN_USM_AUTH_SHA224), 16);
    assert_int_equal(wn_usm_auth_mac_len(WN_USM_AUTH_SHA512), 48);
    assert_int_equal(wn_usm_auth_mac_len(WN_USM_AUTH_MD5), 12);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usm_rfc3414_a3_md5_and_sha_vectors),
        cmocka_unit_test(test_usm_keys_equal_net_snmp_for_every_protocol),
        cmocka_unit_test(test_usm_lab_user_vector),
        cmocka_unit_test(test_usm_reeder_extension_follows_its_definition),
        cmocka_unit_test(test_usm_key_cache_localizes_once_per_engine),
        cmocka_unit_test(test_usm_key_cache_evicts_unverified_first),
        cmocka_unit_test(test_usm_localized_keys_only_and_bad_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
