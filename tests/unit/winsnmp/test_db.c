/* test_db.c: translated mode: the entity/context database file, its lookup path and malformed files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "winsnmp.h"
#include "wsnmp_ext.h"
#include "winsnmp_int.h"
#include "dbfixture.h"

static void
write_db(const char *text)
{
    FILE *f = fopen(dbfile, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int
setup(void **state)
{
    (void)state;
    if (db_fixture_dir("wsnmp-db", "entities.conf"))
        return -1;
    return db_fixture_start();
}

static int
teardown(void **state)
{
    (void)state;
    db_fixture_stop();
    return 0;
}

static const char good_db[] =
    "# test database\n"
    "entity router address=127.0.0.1 port=1161 version=2c community=ro timeout=150 retry=1\n"
    "entity v6box address=::1 version=1\n"
    "\n"
    "   context ro community=s3cret   # trailing comment\n"
    "context rw community=private\n";

static void
test_translated_entity_comes_from_the_database(void **state)
{
    (void)state;
    write_db(good_db);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    HSNMP_ENTITY e = SnmpStrToEntity(sess, "router");
    assert_non_null(e);
    smiTIMETICKS t;
    smiUINT32 r;
    assert_int_equal(SnmpGetTimeout(e, &t, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(t, 150);
    assert_int_equal(SnmpGetRetry(e, &r, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(r, 1);
    char buf[64];
    assert_int_equal(SnmpEntityToStr(e, sizeof buf, buf), 7);
    assert_string_equal(buf, "router");
    /* Copied under the lock, checked after it: a failed check must not
     * leave the lock held for the tests that follow. */
    wn_ws_lock();
    struct wn_ws_entity *ie = wn_ws_entity_get(e);
    struct wn_ws_entity seen;
    if (ie)
        seen = *ie;
    wn_ws_unlock();
    assert_non_null(ie);
    assert_int_equal(seen.port, 1161);
    assert_int_equal(seen.version, WN_WS_V2C);
    assert_string_equal(seen.community, "ro");
    /* In an untranslated mode the same entity prints its address. */
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V1), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpEntityToStr(e, sizeof buf, buf), 15);
    assert_string_equal(buf, "127.0.0.1:1161");
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    /* An entity made from an address keeps printing the address. */
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
    HSNMP_ENTITY lit = SnmpStrToEntity(sess, "::1");
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpEntityToStr(lit, sizeof buf, buf), 4);
    assert_string_equal(buf, "::1");
    assert_null(SnmpStrToEntity(sess, "nosuch"));
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_ENTITY_UNKNOWN);
    /* Literal addresses are not names. */
    assert_null(SnmpStrToEntity(sess, "127.0.0.1"));
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_ENTITY_UNKNOWN);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V1), SNMPAPI_SUCCESS);
}

static void
test_translated_context_comes_from_the_database(void **state)
{
    (void)state;
    write_db(good_db);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    smiOCTETS name = {2, (smiLPBYTE) "ro"}, out;
    HSNMP_CONTEXT c = SnmpStrToContext(sess, &name);
    assert_non_null(c);
    assert_int_equal(SnmpContextToStr(c, &out), SNMPAPI_SUCCESS);
    assert_int_equal(out.len, 2);
    assert_memory_equal(out.ptr, "ro", 2);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpContextToStr(c, &out), SNMPAPI_SUCCESS);
    assert_int_equal(out.len, 6);
    assert_memory_equal(out.ptr, "s3cret", 6);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    smiOCTETS unknown = {4, (smiLPBYTE) "nope"};
    assert_null(SnmpStrToContext(sess, &unknown));
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_CONTEXT_UNKNOWN);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V1), SNMPAPI_SUCCESS);
}

/* wn_wsnmp_entity_default_context: the entity line's community= name,
 * which SnmpStrToContext (translated) turns into the context it names;
 * SNMPAPI_NOOP for an entity without one or not from the database. */
static void
expect_default_context(HSNMP_ENTITY e, const char *want)
{
    smiOCTETS out = {7, (smiLPBYTE) "garbage"};
    if (!want) {
        assert_int_equal(wn_wsnmp_entity_default_context(e, &out), SNMPAPI_FAILURE);
        assert_int_equal(SnmpGetLastError(sess), SNMPAPI_NOOP);
        assert_int_equal(out.len, 0);
        assert_null(out.ptr);
        return;
    }
    assert_int_equal(wn_wsnmp_entity_default_context(e, &out), SNMPAPI_SUCCESS);
    assert_int_equal(out.len, strlen(want));
    assert_memory_equal(out.ptr, want, out.len);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out);
}

/* The context the default name gives, as its untranslated string. */
static void
expect_default_context_string(HSNMP_ENTITY e, const char *want)
{
    smiOCTETS name, out;
    assert_int_equal(wn_wsnmp_entity_default_context(e, &name), SNMPAPI_SUCCESS);
    HSNMP_CONTEXT c = SnmpStrToContext(sess, &name);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &name);
    assert_non_null(c);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpContextToStr(c, &out), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    assert_int_equal(out.len, strlen(want));
    assert_memory_equal(out.ptr, want, out.len);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out);
    SnmpFreeContext(c);
}

/* An entity made in mode; the mode is TRANSLATED afterwards. */
static HSNMP_ENTITY
entity_in(smiUINT32 mode, const char *str)
{
    assert_int_equal(SnmpSetTranslateMode(mode), SNMPAPI_SUCCESS);
    HSNMP_ENTITY e = SnmpStrToEntity(sess, str);
    assert_non_null(e);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    return e;
}

static void
test_entity_default_context_is_the_database_community(void **state)
{
    (void)state;
    write_db("entity router address=127.0.0.1 version=2c community=ro\n"
             "entity v6box address=::1 version=1\n"
             "user guest\n"
             "entity core address=127.0.0.1 version=3 user=guest community=vrf\n"
             "context ro community=s3cret\n"
             "context vrf contextname=vrf-a\n");
    HSNMP_ENTITY router = entity_in(SNMPAPI_TRANSLATED, "router");
    HSNMP_ENTITY v6box = entity_in(SNMPAPI_TRANSLATED, "v6box");
    HSNMP_ENTITY core = entity_in(SNMPAPI_TRANSLATED, "core");
    expect_default_context(router, "ro");
    expect_default_context_string(router, "s3cret");
    /* SNMPv3: the context line's contextName */
    expect_default_context(core, "vrf");
    expect_default_context_string(core, "vrf-a");
    /* no community= on the line */
    expect_default_context(v6box, NULL);
    /* an entity made from an address */
    HSNMP_ENTITY lit = entity_in(SNMPAPI_UNTRANSLATED_V2, "127.0.0.1");
    expect_default_context(lit, NULL);
    assert_int_equal(wn_wsnmp_entity_default_context(router, NULL), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_NOOP);
    SnmpFreeEntity(lit);
    SnmpFreeEntity(core);
    SnmpFreeEntity(v6box);
    smiOCTETS out;
    assert_int_equal(wn_wsnmp_entity_default_context(v6box, &out), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_ENTITY_INVALID);
    SnmpFreeEntity(router);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V1), SNMPAPI_SUCCESS);
}

static void
test_untranslated_mode_sets_the_version(void **state)
{
    (void)state;
    HSNMP_ENTITY e1 = SnmpStrToEntity(sess, "127.0.0.1");
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
    HSNMP_ENTITY e2 = SnmpStrToEntity(sess, "127.0.0.1");
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V1), SNMPAPI_SUCCESS);
    wn_ws_lock();   /* read under the lock, checked after it (see above) */
    struct wn_ws_entity *i1 = wn_ws_entity_get(e1), *i2 = wn_ws_entity_get(e2);
    int v1 = i1 ? (int)i1->version : -1, v2 = i2 ? (int)i2->version : -1;
    int port2 = i2 ? (int)i2->port : -1;
    wn_ws_unlock();
    assert_int_equal(v1, WN_WS_V1);
    assert_int_equal(v2, WN_WS_V2C);
    assert_int_equal(port2, 161);
}

static void
test_malformed_database_gives_other_error(void **state)
{
    (void)state;
    static const char *bad[] = {
        "entity x\n",                                       /* no address */
        "entity x address=999.1.1.1\n",                     /* bad address */
        "entity x address=127.0.0.1 port=0\n",
        "entity x address=127.0.0.1 port=70000\n",
        "entity x address=127.0.0.1 version=4\n",
        "entity x address=127.0.0.1 colour=blue\n",
        "entity x address=127.0.0.1 timeout=-1\n",
        "entity x address=127.0.0.1 retry\n",
        "context x\n",
        "context x secret=1\n",
        "host x address=127.0.0.1\n",
        "entity\n",
    };
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        /* A good line for the name, the bad line after it: the whole file
         * is checked, not just up to the match. */
        snprintf(text, sizeof text, "entity ok address=127.0.0.1\n%s", bad[i]);
        write_db(text);
        assert_null(SnmpStrToEntity(sess, "ok"));
        assert_int_equal(SnmpGetLastError(sess), SNMPAPI_OTHER_ERROR);
        unsigned line = 0;
        assert_int_equal(wn_ws_db_parse_text(text, strlen(text), "t", &line), WN_E_MALFORMED);
        assert_int_equal(line, 2);
    }
    write_db("context ok community=x y=z\n");
    smiOCTETS ok = {2, (smiLPBYTE) "ok"};
    assert_null(SnmpStrToContext(sess, &ok));
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_OTHER_ERROR);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V1), SNMPAPI_SUCCESS);
}

static void
test_database_lookup_path(void **state)
{
    (void)state;
    char *p = wn_ws_db_path();
    assert_string_equal(p, dbfile);
    wn_free(p);
    /* Without WSNMP_DB: $HOME/.config/wsnmp/entities.conf. */
    const char *oldhome = getenv("HOME");
    char *saved = oldhome ? strdup(oldhome) : NULL;
    unsetenv("WSNMP_DB");
    char cfg[96], wsd[128], file[192];
    snprintf(cfg, sizeof cfg, "%s/.config", dir);
    snprintf(wsd, sizeof wsd, "%s/wsnmp", cfg);
    snprintf(file, sizeof file, "%s/entities.conf", wsd);
    assert_int_equal(mkdir(cfg, 0700), 0);
    assert_int_equal(mkdir(wsd, 0700), 0);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("entity home address=::1 port=2161\n", f);
    fclose(f);
    setenv("HOME", dir, 1);
    p = wn_ws_db_path();
    assert_string_equal(p, file);
    wn_free(p);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    HSNMP_ENTITY e = SnmpStrToEntity(sess, "home");
    assert_non_null(e);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V1), SNMPAPI_SUCCESS);
    char buf[64];
    assert_int_equal(SnmpEntityToStr(e, sizeof buf, buf), 11);
    assert_string_equal(buf, "[::1]:2161");
    unlink(file);
    rmdir(wsd);
    rmdir(cfg);
    if (saved) {
        setenv("HOME", saved, 1);
        free(saved);
    }
    setenv("WSNMP_DB", dbfile, 1);
}

static void
test_missing_database_is_entity_unknown(void **state)
{
    (void)state;
    unlink(dbfile);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    assert_null(SnmpStrToEntity(sess, "router"));
    assert_int_equal(SnmpGetLastError(sess), SNMPAPI_ENTITY_UNKNOWN);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V1), SNMPAPI_SUCCESS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_translated_entity_comes_from_the_database),
        cmocka_unit_test(test_translated_context_comes_from_the_database),
        cmocka_unit_test(test_entity_default_context_is_the_database_community),
        cmocka_unit_test(test_untranslated_mode_sets_the_version),
        cmocka_unit_test(test_malformed_database_gives_other_error),
        cmocka_unit_test(test_database_lookup_path),
        cmocka_unit_test(test_missing_database_is_entity_unknown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
