/* test_v3naming.c: SNMPv3 entity and context naming: snmpv3: strings and their redacted form, database user lines and v3 entities, the shared user table, the warning for a database whose secrets others can read. */
#include <fcntl.h>
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
#include "winsnmp_int.h"
#include "usmuser.h"
#include "dbfixture.h"

static char errfile[128];

static const char db_text[] =
    "# v3 users and entities (docs/snmpv3.md)\n"
    "user ops      auth=SHA-256 authpass=correct-horse-1 priv=AES privpass=battery-staple-2\n"
    "user monitor  auth=SHA authkey=0x7b06cab7befd7a267648668f15643107914e25dc "
    "engineid=0x80001f88046c61622d736e6d7064\n"
    "user guest\n"
    "entity core1  address=192.0.2.1 version=3 user=ops level=authPriv\n"
    "entity core2  address=192.0.2.2 version=3 user=ops\n"
    "entity lab    address=192.0.2.7 port=16161 version=3 user=monitor\n"
    "entity open   address=192.0.2.8 version=3 user=guest\n"
    "entity toohigh address=192.0.2.9 version=3 user=guest level=authNoPriv\n"
    "context vrf-a contextname=vrf-a\n"
    "context proxy contextname= contextengineid=0x80001f8804706f78792d31\n";

static void
write_db(const char *text, mode_t mode)
{
    FILE *f = fopen(dbfile, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(dbfile, mode), 0);
}

static int
setup(void **state)
{
    (void)state;
    if (db_fixture_dir("wsnmp-v3n", "entities.conf"))
        return -1;
    snprintf(errfile, sizeof errfile, "%s/stderr", dir);
    unsetenv("WN_LOG");
    write_db(db_text, 0600);
    return db_fixture_start();
}

static int
teardown(void **state)
{
    (void)state;
    unlink(errfile);
    db_fixture_stop();
    return 0;
}

static HSNMP_ENTITY
entity(smiUINT32 mode, const char *s)
{
    assert_int_equal(SnmpSetTranslateMode(mode), SNMPAPI_SUCCESS);
    return SnmpStrToEntity(sess, s);
}

static void
test_v3_string_prints_without_its_secrets(void **state)
{
    (void)state;
    char out[512];
    HSNMP_ENTITY e = entity(SNMPAPI_UNTRANSLATED_V2,
                            "snmpv3:tmp;auth=SHA-256;authpass=correct-horse-1;priv=AES;"
                            "privpass=battery-staple-2@192.0.2.1:16161");
    assert_non_null(e);
    assert_true(SnmpEntityToStr(e, sizeof out, out) > 0);
    assert_string_equal(out, "snmpv3:tmp;auth=SHA-256;priv=AES@192.0.2.1:16161");
    /* The entity keeps no pass phrase anywhere in its record. */
    wn_ws_lock();
    struct wn_ws_entity *we = wn_ws_entity_get(e);
    int leaked = we && strstr(we->str, "horse") != NULL;
    int version = we ? we->version : -1, level = we ? we->level : -1;
    wn_ws_unlock();
    assert_false(leaked);
    assert_int_equal(version, WN_WS_V3);
    assert_int_equal(level, WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV);
    /* SnmpSetPort shows in the printed form. */
    assert_int_equal(SnmpSetPort(e, 16162), SNMPAPI_SUCCESS);
    assert_true(SnmpEntityToStr(e, sizeof out, out) > 0);
    assert_string_equal(out, "snmpv3:tmp;auth=SHA-256;priv=AES@192.0.2.1:16162");
    assert_int_equal(SnmpFreeEntity(e), SNMPAPI_SUCCESS);

    /* A user named without secrets comes from the database's user lines. */
    e = entity(SNMPAPI_UNTRANSLATED_V1, "snmpv3:ops@192.0.2.1");
    assert_non_null(e);
    assert_true(SnmpEntityToStr(e, sizeof out, out) > 0);
    assert_string_equal(out, "snmpv3:ops@192.0.2.1");
    assert_int_equal(SnmpFreeEntity(e), SNMPAPI_SUCCESS);
    /* A noAuthNoPriv user needs neither secrets nor a database line. */
    e = entity(SNMPAPI_UNTRANSLATED_V2, "snmpv3:nobody-here@[::1]:16161");
    assert_non_null(e);
    assert_int_equal(SnmpFreeEntity(e), SNMPAPI_SUCCESS);
}

static void
test_v3_string_refusals(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "snmpv3:tmp;auth=SHA;authpass=short@192.0.2.1",          /* pass phrase < 8 */
        "snmpv3:tmp;level=authPriv@192.0.2.1",                    /* no user, no secrets */
        "snmpv3:ops;level=authPriv;auth=MD5@192.0.2.1",           /* not the db user's protocol */
        "snmpv3:guest;level=authNoPriv@192.0.2.1",                /* more than the user has */
        "snmpv3:tmp;auth=SHA;authpass=longenough;priv=AES@192.0.2.1",   /* priv without secret */
        "snmpv3:tmp;colour=red@192.0.2.1",
    };
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(SnmpStrToEntity(sess, bad[i]));
        assert_int_equal(SnmpGetLastError(sess), SNMPAPI_ENTITY_UNKNOWN);
    }
}

static void
test_v3_database_entities_share_their_user(void **state)
{
    (void)state;
    HSNMP_ENTITY a = entity(SNMPAPI_TRANSLATED, "core1");
    HSNMP_ENTITY b = entity(SNMPAPI_TRANSLATED, "core2");
    HSNMP_ENTITY c = entity(SNMPAPI_UNTRANSLATED_V2, "snmpv3:ops@192.0.2.3");
    HSNMP_ENTITY lab = entity(SNMPAPI_TRANSLATED, "lab");
    HSNMP_ENTITY open = entity(SNMPAPI_TRANSLATED, "open");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(lab);
    assert_non_null(open);
    assert_null(entity(SNMPAPI_TRANSLATED, "toohigh"));
    char out[256];
    assert_true(SnmpEntityToStr(a, sizeof out, out) > 0);
    assert_string_equal(out, "core1");
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
    assert_true(SnmpEntityToStr(a, sizeof out, out) > 0);
    assert_string_equal(out, "snmpv3:ops;level=authPriv@192.0.2.1");

    /* Read under the lock, asserted after it (a failed assertion must
     * not leave the lock held). */
    struct snap {
        const struct wn_ws_user *ua, *ub, *uc, *found;
        uint32_t refs;
        int auth, level_b, level_l, level_o, have_master_l, find_missing;
        size_t engine_id_len_l;
        uint16_t port_l;
    } v;
    wn_ws_lock();
    struct wn_ws_entity *ea = wn_ws_entity_get(a), *eb = wn_ws_entity_get(b),
                        *ec = wn_ws_entity_get(c), *el = wn_ws_entity_get(lab),
                        *eo = wn_ws_entity_get(open);
    v.ua = ea->user;
    v.ub = eb->user;
    v.uc = ec->user;
    v.refs = ea->user->refs;
    v.auth = ea->user->usm.auth;
    v.level_b = eb->level;
    v.level_l = el->level;
    v.engine_id_len_l = el->engine_id_len;
    v.port_l = el->port;
    v.have_master_l = el->user->usm.have_master;
    v.level_o = eo->level;
    /* The user lookup by name for the other roles. */
    struct wn_ws_user *u = NULL;
    v.found = wn_ws_user_find("ops", &u) == 0 ? u : NULL;
    if (u)
        wn_ws_user_put(u);
    v.find_missing = wn_ws_user_find("nosuchuser", &u);
    wn_ws_unlock();
    /* One user (one key cache) for every entity that names it. */
    assert_ptr_equal(v.ua, v.ub);
    assert_ptr_equal(v.ua, v.uc);
    assert_ptr_equal(v.found, v.ua);
    assert_int_equal(v.refs, 3);
    assert_int_equal(v.auth, WN_USM_AUTH_SHA256);
    assert_int_equal(v.level_b, WN_SNMP_V3_FLAG_AUTH | WN_SNMP_V3_FLAG_PRIV);   /* default */
    /* Localized keys: the user's engine ID becomes the entity's. */
    assert_int_equal(v.level_l, WN_SNMP_V3_FLAG_AUTH);
    assert_int_equal(v.engine_id_len_l, 14);
    assert_int_equal(v.port_l, 16161);
    assert_int_equal(v.have_master_l, 0);
    assert_int_equal(v.level_o, 0);
    assert_int_equal(v.find_missing, WN_E_NOTFOUND);

    SnmpFreeEntity(a);
    SnmpFreeEntity(b);
    SnmpFreeEntity(c);
    SnmpFreeEntity(lab);
    SnmpFreeEntity(open);

    /* v3 contexts: contextname (may be empty) and contextengineid. */
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_TRANSLATED), SNMPAPI_SUCCESS);
    smiOCTETS name = {5, (smiLPBYTE) "proxy"}, str;
    HSNMP_CONTEXT px = SnmpStrToContext(sess, &name);
    assert_non_null(px);
    wn_ws_lock();
    struct wn_ws_context *wc = wn_ws_context_get(px);
    uint32_t clen = wc->len;
    size_t celen = wc->engine_id_len;
    wn_ws_unlock();
    assert_int_equal(clen, 0);
    assert_int_equal(celen, 11);
    assert_int_equal(SnmpContextToStr(px, &str), SNMPAPI_SUCCESS);
    assert_int_equal(str.len, 5);
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &str);
    SnmpFreeContext(px);
}

/* Runs SnmpStrToEntity of a database name with stderr in errfile; what
 * was written there. */
static void
lookup_capturing(const char *name, char *out, size_t n)
{
    fflush(stderr);
    int saved = dup(2);
    int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0 && saved >= 0);
    dup2(fd, 2);
    close(fd);
    HSNMP_ENTITY e = entity(SNMPAPI_TRANSLATED, name);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_non_null(e);
    SnmpFreeEntity(e);
    FILE *f = fopen(errfile, "r");
    assert_non_null(f);
    size_t k = fread(out, 1, n - 1, f);
    out[k] = '\0';
    fclose(f);
}

static void
test_v3_database_readable_by_others_warns_once_per_version(void **state)
{
    (void)state;
    char err[4096];
    write_db(db_text, 0644);
    lookup_capturing("core1", err, sizeof err);
    assert_non_null(strstr(err, "warning"));
    assert_non_null(strstr(err, dbfile));
    assert_non_null(strstr(err, "chmod 600"));
    assert_null(strstr(err, "horse"));          /* never a pass phrase */
    assert_null(strstr(err, "battery"));
    /* Once per (file, mtime). */
    lookup_capturing("core2", err, sizeof err);
    assert_string_equal(err, "");
    /* A private file: no warning. */
    write_db(db_text, 0600);
    lookup_capturing("core1", err, sizeof err);
    assert_string_equal(err, "");
    /* A file without secrets may be readable. */
    write_db("user guest\nentity open address=192.0.2.8 version=3 user=guest\n", 0644);
    lookup_capturing("open", err, sizeof err);
    assert_string_equal(err, "");
    /* Malformed user lines are reported without their secrets. */
    write_db("user bad auth=SHA authpass=sh0rt\n", 0600);
    fflush(stderr);
    assert_null(entity(SNMPAPI_TRANSLATED, "bad"));
    write_db(db_text, 0600);
}

static void
test_v3_database_lines_checked(void **state)
{
    (void)state;
    unsigned line = 99;
    assert_int_equal(wn_ws_db_parse_text(db_text, strlen(db_text), "t", &line), 0);
    static const char *const bad[] = {
        "user u auth=SHA\n",                                   /* protocol without secret */
        "user u authpass=longenough\n",                        /* secret without protocol */
        "user u auth=SHA authpass=longenough priv=AES\n",
        "user u auth=SHA authpass=short\n",
        "user u auth=SHA3 authpass=longenough\n",
        "user u auth=SHA authpass=longenough authkey=0x00\n",
        "user u auth=SHA authkey=0x7b06cab7befd7a267648668f15643107914e25dc\n",   /* no engineid */
        "user u auth=SHA authkey=0x7b06 engineid=0x80001f8804aa\n",               /* key length */
        "user u priv=AES privpass=longenough\n",
        "user 123456789012345678901234567890123\n",
        "user u colour=red\n",
        "entity e address=192.0.2.1 version=3\n",               /* no user= */
        "entity e address=192.0.2.1 user=u\n",                 /* user= needs version=3 */
        "entity e address=192.0.2.1 version=3 user=u level=high\n",
        "entity e address=192.0.2.1 version=3 user=u engineid=0x8000\n",
        "context c contextengineid=0x80\n",
        "context c colour=red\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "user ok\n%s", bad[i]);
        line = 0;
        assert_int_equal(wn_ws_db_parse_text(text, strlen(text), "t", &line), WN_E_MALFORMED);
        assert_int_equal(line, 2);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_string_prints_without_its_secrets),
        cmocka_unit_test(test_v3_string_refusals),
        cmocka_unit_test(test_v3_database_lines_checked),
        cmocka_unit_test(test_v3_database_entities_share_their_user),
        cmocka_unit_test(test_v3_database_readable_by_others_warns_once_per_version),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
