/* test_netapi_secopts.c: the SMB security knobs (NETAPI_ENCRYPT, NETAPI_SIGNING, NETAPI_MIN_DIALECT, NETAPI_ANONYMOUS) and the no-silent-anonymous rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lm.h"
#include "netapi.h"
#include "smb2.h"

static const char *const vars[] = { "NETAPI_ENCRYPT", "NETAPI_SIGNING", "NETAPI_MIN_DIALECT",
                                    "NETAPI_ANONYMOUS", "NETAPI_PASSWORD", "NETAPI_USER" };

static int
clean_env(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    return 0;
}

static char user[] = "admin";
static char pass[] = "secret";
static const struct wn_netapi_creds named = { user, NULL, pass };
static const struct wn_netapi_creds nobody = { NULL, NULL, NULL };

/* Runs apply with stderr captured into err (NUL-terminated). */
static int
apply(const struct wn_netapi_creds *cr, struct wn_smb2_opts *o, char *err, size_t errlen)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
    memset(o, 0, sizeof(*o));
    o->user = cr->user != NULL ? cr->user : "";
    o->password = cr->password != NULL ? cr->password : "";
    int rc = wn_netapi_secopts_apply(cr, o);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    size_t n = fread(err, 1, errlen - 1, tmp);
    err[n] = '\0';
    fclose(tmp);
    return rc;
}

static void
test_secopts_defaults_are_the_secure_ones(void **state)
{
    (void)state;
    struct wn_smb2_opts o;
    char err[512];
    assert_int_equal(apply(&named, &o, err, sizeof(err)), 0);
    assert_int_equal(o.encrypt, WN_SMB2_ENCRYPT_AUTO);
    assert_int_equal(o.sign_mode, WN_SMB2_SIGN_DEFAULT);
    assert_int_equal(o.min_dialect, WN_SMB2_DIALECT_300);
    assert_int_equal(o.anonymous, 0);
    assert_string_equal(err, "");
}

static void
test_secopts_reads_every_knob(void **state)
{
    (void)state;
    struct wn_smb2_opts o;
    char err[512];
    setenv("NETAPI_ENCRYPT", "required", 1);
    setenv("NETAPI_SIGNING", "off", 1);
    setenv("NETAPI_MIN_DIALECT", "2.0.2", 1);
    assert_int_equal(apply(&named, &o, err, sizeof(err)), 0);
    assert_int_equal(o.encrypt, WN_SMB2_ENCRYPT_REQUIRED);
    assert_int_equal(o.sign_mode, WN_SMB2_SIGN_OFF);
    assert_int_equal(o.min_dialect, WN_SMB2_DIALECT_202);
    setenv("NETAPI_ENCRYPT", "off", 1);
    setenv("NETAPI_MIN_DIALECT", "SMB3_11", 1);
    assert_int_equal(apply(&named, &o, err, sizeof(err)), 0);
    assert_int_equal(o.encrypt, WN_SMB2_ENCRYPT_OFF);
    assert_int_equal(o.min_dialect, WN_SMB2_DIALECT_311);
}

static void
test_secopts_refuses_a_bad_value_with_one_line_naming_it(void **state)
{
    (void)state;
    struct wn_smb2_opts o;
    char err[512];
    static const char *const bad[][2] = {
        { "NETAPI_ENCRYPT", "yes" },       { "NETAPI_SIGNING", "required " },
        { "NETAPI_MIN_DIALECT", "2.0" },   { "NETAPI_ANONYMOUS", "1" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        clean_env(NULL);
        setenv(bad[i][0], bad[i][1], 1);
        assert_int_equal(apply(&named, &o, err, sizeof(err)), WN_E_CONFIG);
        /* ... and the API says ERROR_BAD_ENVIRONMENT like every refused
         * local setting (87 before the knobs joined that rule). */
        assert_int_equal(wn_netapi_map_err(WN_E_CONFIG), ERROR_BAD_ENVIRONMENT);
        assert_non_null(strstr(err, bad[i][0]));
        /* worded as every refused NETAPI_* setting (creds.c) */
        assert_non_null(strstr(err, "netapi: "));
        assert_non_null(strstr(err, " refused: expected "));
        char *nl = strchr(err, '\n');
        assert_non_null(nl);
        assert_int_equal(nl[1], '\0'); /* exactly one line */
    }
    clean_env(NULL);
    setenv("NETAPI_ENCRYPT", "yes", 1);
    apply(&named, &o, err, sizeof(err));
    assert_non_null(strstr(err, "required, auto or off"));
}

/* Through the API: a refused knob is ERROR_BAD_ENVIRONMENT, the code of
 * every refused local setting, and nothing is sent (no server listens). */
static void
test_secopts_refused_knob_is_bad_environment(void **state)
{
    (void)state;
    clean_env(NULL);
    setenv("NETAPI_USER", "admin", 1);
    setenv("NETAPI_PASSWORD", "secret", 1);
    setenv("NETAPI_ENCRYPT", "yes", 1);
    LPBYTE buf = NULL;
    DWORD read = 0, total = 0;
    fflush(stderr);
    assert_int_equal(NetSessionEnum(L"\\\\127.0.0.1", NULL, NULL, 10, &buf,
                                    MAX_PREFERRED_LENGTH, &read, &total, NULL),
                     ERROR_BAD_ENVIRONMENT);
    assert_null(buf);
    clean_env(NULL);
}

static void
test_secopts_anonymous_only_when_asked(void **state)
{
    (void)state;
    struct wn_smb2_opts o;
    char err[512];
    /* no credentials at all: refused, not an anonymous logon */
    assert_int_equal(apply(&nobody, &o, err, sizeof(err)), WN_E_AUTH);
    assert_non_null(strstr(err, "NETAPI_ANONYMOUS=on"));
    /* an empty user with a password: refused */
    setenv("NETAPI_USER", "", 1);
    setenv("NETAPI_PASSWORD", "secret", 1);
    assert_int_equal(apply(&nobody, &o, err, sizeof(err)), WN_E_AUTH);
    assert_non_null(strstr(err, "password is set"));
    /* ... even when anonymous is asked for */
    setenv("NETAPI_ANONYMOUS", "on", 1);
    assert_int_equal(apply(&nobody, &o, err, sizeof(err)), WN_E_AUTH);
    unsetenv("NETAPI_PASSWORD");
    assert_int_equal(apply(&nobody, &o, err, sizeof(err)), 0);
    assert_int_equal(o.anonymous, 1);
    assert_string_equal(o.user, "");
    assert_string_equal(o.password, "");
    /* anonymous and a configured user contradict each other */
    assert_int_equal(apply(&named, &o, err, sizeof(err)), WN_E_CONFIG);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_secopts_defaults_are_the_secure_ones, clean_env,
                                        clean_env),
        cmocka_unit_test_setup_teardown(test_secopts_reads_every_knob, clean_env, clean_env),
        cmocka_unit_test_setup_teardown(test_secopts_refuses_a_bad_value_with_one_line_naming_it,
                                        clean_env, clean_env),
        cmocka_unit_test_setup_teardown(test_secopts_refused_knob_is_bad_environment, clean_env,
                                        clean_env),
        cmocka_unit_test_setup_teardown(test_secopts_anonymous_only_when_asked, clean_env,
                                        clean_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
