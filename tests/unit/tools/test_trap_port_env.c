/* test_trap_port_env.c: a WSNMP_TRAP_PORT that is not a port is refused with one stderr line, never a silent fall-back to 162. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    return SNMPAPI_SUCCESS;
}

/* SnmpStartup with WSNMP_TRAP_PORT=value; stderr captured into err. */
static void
startup_with(const char *value, char *err, size_t size)
{
    char path[] = "/tmp/wn-trapport.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    setenv("WSNMP_TRAP_PORT", value, 1);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    ssize_t n = pread(fd, err, size - 1, 0);
    err[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
}

static void
refused(const char *value)
{
    char err[512];
    startup_with(value, err, sizeof err);
    /* one line naming the variable and what it accepts */
    assert_non_null(strstr(err, "WSNMP_TRAP_PORT"));
    assert_non_null(strstr(err, "1..65535"));
    int lines = 0;
    for (const char *c = err; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1);
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    assert_non_null(s);
    /* no registration on 162 (or anywhere) behind the user's back */
    assert_int_equal(SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_ON), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(s), SNMPAPI_TL_INVALID_PARAM);
    SnmpClose(s);
    SnmpCleanup();
    unsetenv("WSNMP_TRAP_PORT");
}

static void
test_trap_port_env_rejects_text(void **state)
{
    (void)state;
    refused("abc");
}

static void
test_trap_port_env_rejects_out_of_range(void **state)
{
    (void)state;
    refused("70000");
}

static void
test_trap_port_env_rejects_negative(void **state)
{
    (void)state;
    refused("-162");
}

static void
test_trap_port_env_valid_is_silent(void **state)
{
    (void)state;
    char err[512];
    startup_with("16199", err, sizeof err);
    assert_string_equal(err, "");
    SnmpCleanup();
    unsetenv("WSNMP_TRAP_PORT");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trap_port_env_rejects_text),
        cmocka_unit_test(test_trap_port_env_rejects_out_of_range),
        cmocka_unit_test(test_trap_port_env_rejects_negative),
        cmocka_unit_test(test_trap_port_env_valid_is_silent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
