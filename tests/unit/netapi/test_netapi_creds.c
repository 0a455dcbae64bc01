/* test_netapi_creds.c: credentials from the call, NETAPI_* variables and authfiles; the SMB port variable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_backend.h"
#include "lm.h"
#include "netapi.h"

static char tmpdir[64];

static int
setup(void **state)
{
    (void)state;
    unsetenv("NETAPI_USER");
    unsetenv("NETAPI_PASSWORD");
    unsetenv("NETAPI_DOMAIN");
    unsetenv("NETAPI_AUTHFILE");
    unsetenv("NETAPI_SMB_PORT");
    unsetenv("NETAPI_TIMEOUT_MS");
    wn_netapi_set_credentials(NULL, NULL, NULL);
    fake_reset();
    fake.samba = 1;
    fake_add("127.0.0.1", "labuser", 0, 1, 0);
    strcpy(tmpdir, "/tmp/netapi-creds.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int
teardown(void **state)
{
    char path[128];

    (void)state;
    snprintf(path, sizeof(path), "%s/auth", tmpdir);
    unlink(path);
    rmdir(tmpdir);
    wn_netapi_set_credentials(NULL, NULL, NULL);
    wn_netapi_set_backend(NULL);
    wn_alloc_fail_after(-1);
    return 0;
}

static const char *
write_authfile(const char *text, mode_t mode)
{
    static char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/auth", tmpdir);
    unlink(path);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static NET_API_STATUS
enum_once(void)
{
    LPBYTE buf = NULL;
    DWORD er;
    DWORD te;
    NET_API_STATUS st = NetSessionEnum(NULL, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er,
                                       &te, NULL);
    NetApiBufferFree(buf);
    return st;
}

static void
test_anonymous_when_nothing_is_configured(void **state)
{
    (void)state;
    assert_int_equal(enum_once(), NERR_Success);
    assert_int_equal(fake.had_creds, 0);
}

static void
test_environment_credentials_are_used(void **state)
{
    (void)state;
    setenv("NETAPI_USER", "labadmin", 1);
    setenv("NETAPI_PASSWORD", "LabAdmin-456", 1);
    setenv("NETAPI_DOMAIN", "LABGROUP", 1);
    assert_int_equal(enum_once(), NERR_Success);
    assert_string_equal(fake.last_user, "labadmin");
    assert_string_equal(fake.last_password, "LabAdmin-456");
    assert_string_equal(fake.last_domain, "LABGROUP");
    unsetenv("NETAPI_DOMAIN");
    setenv("NETAPI_USER", "OTHER\\bob", 1);
    assert_int_equal(enum_once(), NERR_Success);
    assert_string_equal(fake.last_user, "bob");
    assert_string_equal(fake.last_domain, "OTHER");
}

static void
test_explicit_credentials_win_over_environment(void **state)
{
    char pw[] = "secret-1";

    (void)state;
    setenv("NETAPI_USER", "envuser", 1);
    assert_int_equal(wn_netapi_set_credentials("calluser", "DOM", pw), NERR_Success);
    memset(pw, 'x', sizeof(pw) - 1); /* the library keeps its own copy */
    assert_int_equal(enum_once(), NERR_Success);
    assert_string_equal(fake.last_user, "calluser");
    assert_string_equal(fake.last_password, "secret-1");
    assert_string_equal(fake.last_domain, "DOM");
    assert_int_equal(wn_netapi_set_credentials(NULL, NULL, NULL), NERR_Success);
    assert_int_equal(enum_once(), NERR_Success);
    assert_string_equal(fake.last_user, "envuser");
}

static void
test_authfile_is_read_when_private(void **state)
{
    struct wn_netapi_creds c;
    const char *path;

    (void)state;
    path = write_authfile("# comment\nusername = labuser\npassword=Lab Pass=1 \r\n"
                          "domain=LABGROUP\nunknown=1\n", 0600);
    assert_int_equal(wn_netapi_authfile_load(path, &c), 0);
    assert_string_equal(c.user, "labuser");
    assert_string_equal(c.password, "Lab Pass=1");
    assert_string_equal(c.domain, "LABGROUP");
    wn_netapi_creds_clear(&c);
    assert_null(c.user);
    setenv("NETAPI_AUTHFILE", path, 1);
    assert_int_equal(enum_once(), NERR_Success);
    assert_string_equal(fake.last_user, "labuser");
}

static void
test_authfile_readable_by_others_is_refused_before_connecting(void **state)
{
    struct wn_netapi_creds c;
    const char *path;

    (void)state;
    path = write_authfile("username=labuser\npassword=x\n", 0644);
    assert_int_equal(wn_netapi_authfile_load(path, &c), WN_E_ACCESS);
    path = write_authfile("username=labuser\npassword=x\n", 0640);
    assert_int_equal(wn_netapi_authfile_load(path, &c), WN_E_ACCESS);
    setenv("NETAPI_AUTHFILE", path, 1);
    /* a code of its own: ERROR_ACCESS_DENIED is what the server says */
    assert_int_equal(enum_once(), ERROR_BAD_ENVIRONMENT);
    assert_int_equal(fake.opens, 0);
    setenv("NETAPI_AUTHFILE", "/nonexistent/netapi-auth", 1);
    assert_int_equal(enum_once(), ERROR_FILE_NOT_FOUND);
    assert_int_equal(fake.opens, 0);
}

static void
test_authfile_without_username_or_too_big_is_rejected(void **state)
{
    struct wn_netapi_creds c;
    char big[WN_NETAPI_AUTHFILE_MAX + 64];
    const char *path;

    (void)state;
    path = write_authfile("password=x\n", 0600);
    assert_int_equal(wn_netapi_authfile_load(path, &c), WN_E_MALFORMED);
    path = write_authfile("username\n", 0600);
    assert_int_equal(wn_netapi_authfile_load(path, &c), WN_E_MALFORMED);
    memset(big, '#', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    path = write_authfile(big, 0600);
    assert_int_equal(wn_netapi_authfile_load(path, &c), WN_E_LIMIT);
}

static void
test_smb_port_variable(void **state)
{
    uint16_t port = 0;

    (void)state;
    assert_int_equal(wn_netapi_port_from_env(&port), 0);
    assert_int_equal(port, 445);
    setenv("NETAPI_SMB_PORT", "10445", 1);
    assert_int_equal(enum_once(), NERR_Success);
    assert_int_equal(fake.last_port, 10445);
    setenv("NETAPI_SMB_PORT", "0", 1);
    assert_int_equal(wn_netapi_port_from_env(&port), WN_E_INVAL);
    setenv("NETAPI_SMB_PORT", "65536", 1);
    assert_int_equal(wn_netapi_port_from_env(&port), WN_E_INVAL);
    setenv("NETAPI_SMB_PORT", "44x", 1);
    assert_int_equal(enum_once(), ERROR_BAD_ENVIRONMENT);
}

static void
test_timeout_variable(void **state)
{
    (void)state;
    assert_int_equal(enum_once(), NERR_Success);
    assert_int_equal(fake.last_timeout_ms, 0);
    setenv("NETAPI_TIMEOUT_MS", "1500", 1);
    assert_int_equal(enum_once(), NERR_Success);
    assert_int_equal(fake.last_timeout_ms, 1500);
    setenv("NETAPI_TIMEOUT_MS", "-5", 1);
    assert_int_equal(enum_once(), ERROR_BAD_ENVIRONMENT);
    setenv("NETAPI_TIMEOUT_MS", "99999999999", 1);
    assert_int_equal(enum_once(), ERROR_BAD_ENVIRONMENT);
    unsetenv("NETAPI_TIMEOUT_MS");
}

static void
test_set_credentials_out_of_memory(void **state)
{
    (void)state;
    wn_alloc_fail_after(1);
    assert_int_equal(wn_netapi_set_credentials("u", "d", "p"), ERROR_NOT_ENOUGH_MEMORY);
    wn_alloc_fail_after(-1);
    assert_int_equal(enum_once(), NERR_Success);
    assert_int_equal(fake.had_creds, 0);
}

static void
test_error_mapping_tables(void **state)
{
    struct wn_netapi_wire w;

    memset(&w, 0, sizeof(w));

    (void)state;
    assert_int_equal(wn_netapi_map_err(WN_E_CLOSED), ERROR_NETNAME_DELETED);
    assert_int_equal(wn_netapi_map_err(WN_E_BUSY), NERR_InternalError);
    assert_int_equal(wn_netapi_map_ntstatus(0xC0000072u), ERROR_ACCOUNT_DISABLED);
    assert_int_equal(wn_netapi_map_ntstatus(0xC00000CCu), ERROR_BAD_NET_NAME);
    assert_int_equal(wn_netapi_map_ntstatus(0xC000A000u), ERROR_UNEXP_NET_ERR);
    assert_int_equal(wn_netapi_map_fault(0x12345678u), RPC_S_CALL_FAILED);
    assert_int_equal(wn_netapi_map_fault(0x6f7u), RPC_X_BAD_STUB_DATA);
    w.werror = 2312;
    assert_int_equal(wn_netapi_status(0, &w), NERR_ClientNameNotFound);
    w.ntstatus = 0xC000006Du;
    assert_int_equal(wn_netapi_status(WN_E_AUTH, &w), ERROR_LOGON_FAILURE);
    w.fault = 0x1C010003u;
    assert_int_equal(wn_netapi_status(WN_E_PROTOCOL, &w), RPC_S_UNKNOWN_IF);
    assert_int_equal(wn_netapi_status(WN_E_CONNREFUSED, NULL), ERROR_BAD_NETPATH);
    /* Published numeric values. */
    assert_int_equal(NERR_ClientNameNotFound, 2312);
    assert_int_equal(NERR_UserNotFound, 2221);
    assert_int_equal(NERR_InvalidComputer, 2351);
    assert_int_equal(NERR_BufTooSmall, 2123);
    assert_int_equal(ERROR_MORE_DATA, 234);
    assert_int_equal(ERROR_LOGON_FAILURE, 1326);
    assert_int_equal(MAX_PREFERRED_LENGTH, 0xFFFFFFFFu);
}

/* Runs enum_once with stderr captured; returns the status, *err gets
 * what was printed (static, NUL-terminated). */
static NET_API_STATUS
enum_capturing_stderr(const char **err)
{
    static char text[2048];
    char path[128];
    NET_API_STATUS st;
    int saved;
    int fd;
    ssize_t n;

    snprintf(path, sizeof(path), "%s/stderr", tmpdir);
    fflush(stderr);
    saved = dup(2);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    st = enum_once();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    n = pread(fd, text, sizeof(text) - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    *err = text;
    return st;
}

static int
count_lines(const char *s)
{
    int n = 0;
    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* Issue 17 point 1: NETAPI_USER + NETAPI_DOMAIN with the password in
 * NETAPI_AUTHFILE (the README's example).  The previous code ignored the
 * authfile as soon as NETAPI_USER was set and logged on without password. */
static void
test_user_and_domain_from_environment_with_password_in_authfile(void **state)
{
    const char *path;

    (void)state;
    path = write_authfile("password = S3cret pass\n", 0600);
    setenv("NETAPI_USER", "administrator", 1);
    setenv("NETAPI_DOMAIN", "WORKGROUP", 1);
    setenv("NETAPI_AUTHFILE", path, 1);
    assert_int_equal(enum_once(), NERR_Success);
    assert_int_equal(fake.had_creds, 1);
    assert_string_equal(fake.last_user, "administrator");
    assert_string_equal(fake.last_domain, "WORKGROUP");
    assert_string_equal(fake.last_password, "S3cret pass");
    /* the file's own username/domain yield to the environment's */
    path = write_authfile("username=other\npassword=pw2\ndomain=FILEDOM\n", 0600);
    assert_int_equal(enum_once(), NERR_Success);
    assert_string_equal(fake.last_user, "administrator");
    assert_string_equal(fake.last_domain, "WORKGROUP");
    assert_string_equal(fake.last_password, "pw2");
    unsetenv("NETAPI_DOMAIN");
    assert_int_equal(enum_once(), NERR_Success);
    assert_string_equal(fake.last_domain, "FILEDOM");
    /* NETAPI_PASSWORD set: the file is not needed (not even read) */
    setenv("NETAPI_PASSWORD", "envpw", 1);
    setenv("NETAPI_AUTHFILE", "/nonexistent/auth", 1);
    assert_int_equal(enum_once(), NERR_Success);
    assert_string_equal(fake.last_password, "envpw");
    /* authfile alone without a username is refused (nobody to log on as) */
    unsetenv("NETAPI_USER");
    unsetenv("NETAPI_PASSWORD");
    path = write_authfile("password=x\n", 0600);
    setenv("NETAPI_AUTHFILE", path, 1);
    assert_int_equal(enum_once(), ERROR_BAD_ENVIRONMENT);
}

/* Issue 17 point 2: every refused setting says so in one line on stderr
 * naming the variable and what it accepts, with WN_LOG unset (the
 * previous code printed nothing). */
static void
test_refused_settings_print_one_line_naming_the_variable(void **state)
{
    const char *err;
    const char *path;

    (void)state;
    unsetenv("WN_LOG");
    setenv("NETAPI_SMB_PORT", "abc", 1);
    assert_int_equal(enum_capturing_stderr(&err), ERROR_BAD_ENVIRONMENT);
    assert_non_null(strstr(err, "NETAPI_SMB_PORT=abc"));
    assert_non_null(strstr(err, "1..65535"));
    assert_int_equal(count_lines(err), 1);
    setenv("NETAPI_SMB_PORT", "70000", 1);
    assert_int_equal(enum_capturing_stderr(&err), ERROR_BAD_ENVIRONMENT);
    assert_non_null(strstr(err, "NETAPI_SMB_PORT=70000"));
    unsetenv("NETAPI_SMB_PORT");
    setenv("NETAPI_TIMEOUT_MS", "soon", 1);
    assert_int_equal(enum_capturing_stderr(&err), ERROR_BAD_ENVIRONMENT);
    assert_non_null(strstr(err, "NETAPI_TIMEOUT_MS=soon"));
    assert_non_null(strstr(err, "milliseconds"));
    assert_int_equal(count_lines(err), 1);
    unsetenv("NETAPI_TIMEOUT_MS");
    setenv("NETAPI_AUTHFILE", "/nonexistent/netapi-auth", 1);
    assert_int_equal(enum_capturing_stderr(&err), ERROR_FILE_NOT_FOUND);
    assert_non_null(strstr(err, "NETAPI_AUTHFILE=/nonexistent/netapi-auth"));
    assert_int_equal(count_lines(err), 1);
    path = write_authfile("username=u\npassword=p\n", 0640);
    setenv("NETAPI_AUTHFILE", path, 1);
    assert_int_equal(enum_capturing_stderr(&err), ERROR_BAD_ENVIRONMENT);
    assert_non_null(strstr(err, "NETAPI_AUTHFILE="));
    assert_non_null(strstr(err, "0600"));
    assert_int_equal(count_lines(err), 1);
    /* WN_LOG=off silences it; the code stays */
    setenv("WN_LOG", "off", 1);
    assert_int_equal(enum_capturing_stderr(&err), ERROR_BAD_ENVIRONMENT);
    assert_string_equal(err, "");
    unsetenv("WN_LOG");
    assert_int_equal(fake.opens, 0);
}

/* Issue 18 point 5: the authfile must belong to the user and not be a
 * symbolic link (the previous code followed links and checked only the
 * mode).  Ownership is tested when the test runs as root. */
static void
test_authfile_symlink_or_foreign_owner_is_refused(void **state)
{
    struct wn_netapi_creds c;
    char link[160];
    const char *path;
    const char *err;

    (void)state;
    path = write_authfile("username=labuser\npassword=x\n", 0600);
    snprintf(link, sizeof(link), "%s/link", tmpdir);
    unlink(link);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(wn_netapi_authfile_load(path, &c), 0);
    wn_netapi_creds_clear(&c);
    setenv("NETAPI_AUTHFILE", link, 1);
    assert_int_equal(enum_capturing_stderr(&err), ERROR_BAD_ENVIRONMENT);
    assert_non_null(strstr(err, "symbolic link"));
    unlink(link);
    if (geteuid() == 0) {
        assert_int_equal(chown(path, 65534, 65534), 0);
        assert_int_equal(wn_netapi_authfile_load(path, &c), WN_E_ACCESS);
        setenv("NETAPI_AUTHFILE", path, 1);
        assert_int_equal(enum_capturing_stderr(&err), ERROR_BAD_ENVIRONMENT);
        assert_non_null(strstr(err, "owned by uid 65534"));
    }
    assert_int_equal(fake.opens, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_anonymous_when_nothing_is_configured),
        T(test_environment_credentials_are_used),
        T(test_explicit_credentials_win_over_environment),
        T(test_authfile_is_read_when_private),
        T(test_authfile_readable_by_others_is_refused_before_connecting),
        T(test_authfile_without_username_or_too_big_is_rejected),
        T(test_smb_port_variable),
        T(test_timeout_variable),
        T(test_set_credentials_out_of_memory),
        T(test_error_mapping_tables),
        T(test_user_and_domain_from_environment_with_password_in_authfile),
        T(test_refused_settings_print_one_line_naming_the_variable),
        T(test_authfile_symlink_or_foreign_owner_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
