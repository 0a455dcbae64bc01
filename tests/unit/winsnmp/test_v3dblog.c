/* test_v3dblog.c: database lines refused at WN_LOG=debug (every message printed) never put a secret in the log. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "winsnmp_int.h"

static char errpath[] = "/tmp/wsnmp-v3dblog-XXXXXX";

/* No value of a key=value token reaches the log when a line is refused:
 * a pass phrase wrapped onto a line of its own is named by its key only.
 * Checked against the old db.c: "expected a name after:
 * authpass=topsecret-1" was logged, and the context line's token too. */
static void
test_v3_database_errors_never_log_secrets(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "user ok\nauthpass=topsecret-1 privpass=topsecret-2\n",    /* a wrapped line */
        "user u auth=SHA authpass topsecret-3\n",
        "user u auth=SHA privpass=topsecret-4 authpass=topsecret-5\n",
        "user u auth=SHA authpass=topsecret-6 authkey=0x00 engineid=0x8000000001\n",
        "entity e address=192.0.2.1 authpass=topsecret-7\n",
        "context c authpass=topsecret-8\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fflush(stderr);
        int saved = dup(2);
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0 && saved >= 0);
        dup2(fd, 2);
        close(fd);
        unsigned line = 0;
        int rc = wn_ws_db_parse_text(bad[i], strlen(bad[i]), "t", &line);
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
        assert_int_equal(rc, WN_E_MALFORMED);
        char err[1024];
        FILE *f = fopen(errpath, "r");
        assert_non_null(f);
        size_t k = fread(err, 1, sizeof err - 1, f);
        err[k] = '\0';
        fclose(f);
        if (k == 0)                             /* the refusal is logged ... */
            fail_msg("line %zu: nothing logged", i);
        if (strstr(err, "topsecret"))           /* ... without the secret */
            fail_msg("line %zu logged a secret: %s", i, err);
    }
}

int
main(void)
{
    /* Before the first message: the level is read once. */
    setenv("WN_LOG", "debug", 1);
    int fd = mkstemp(errpath);
    if (fd < 0)
        return 1;
    close(fd);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_database_errors_never_log_secrets),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(errpath);
    return rc;
}
