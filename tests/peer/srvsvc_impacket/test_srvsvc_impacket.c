/* test_srvsvc_impacket.c: decodes NetrSessionEnum replies encoded by impacket (gen_replies.py) and checks exactly the values the script encoded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "srvsvc.h"

extern char **environ;

#define MAX_FILE 65536
#define LINE_MAX_LEN 4096

static char tmpdir[64];

/* Removes the generator's output directory (files are flat). */
static void
cleanup_dir(void)
{
    if (!tmpdir[0])
        return;
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        for (e = readdir(d); e != NULL; e = readdir(d)) {
            if (e->d_name[0] == '.')
                continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(tmpdir);
    tmpdir[0] = 0;
}

/* Runs the impacket generator; returns its exit status. */
static int
run_generator(void)
{
    char *argv[] = {"/usr/bin/python3", WN_GEN_SCRIPT, tmpdir, NULL};
    pid_t pid;
    if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0)
        return -1;
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

static size_t
read_file(const char *name, uint8_t *buf)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, MAX_FILE, f);
    fclose(f);
    return n;
}

/* Compares a decoded view with the manifest's hex ("-" NULL, "." empty). */
static void
assert_view_hex(const uint8_t *p, uint32_t len, const char *hex)
{
    if (strcmp(hex, "-") == 0) {
        assert_null(p);
        assert_int_equal(len, 0);
        return;
    }
    assert_non_null(p);
    if (strcmp(hex, ".") == 0) {
        assert_int_equal(len, 0);
        return;
    }
    size_t n = strlen(hex) / 2;
    assert_int_equal(len, n);
    for (size_t i = 0; i < n; i++) {
        unsigned b;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
        assert_int_equal(p[i], b);
    }
}

static void
test_srvsvc_decodes_impacket_encoded_replies_exactly(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/wn-srvsvc-imp.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    int st = run_generator();
    if (st == 77) {
        cleanup_dir();
        skip();
    }
    assert_int_equal(st, 0);

    char p[512];
    snprintf(p, sizeof p, "%s/manifest.txt", tmpdir);
    FILE *m = fopen(p, "r");
    assert_non_null(m);
    static uint8_t buf[MAX_FILE];
    static char line[LINE_MAX_LEN];
    struct wn_srvsvc_enum_result *r = NULL;
    uint32_t next = 0;
    unsigned cases = 0, entries_checked = 0;
    while (fgets(line, sizeof line, m)) {
        char file[128];
        unsigned level, n, total, has_resume, resume, status;
        char cname[1024], user[1024], cltype[1024], transport[1024];
        unsigned opens, time, idle, flags;
        if (sscanf(line, "case %127s %u %u %u %u %u %u", file, &level, &n, &total,
                   &has_resume, &resume, &status) == 7) {
            if (r)
                assert_int_equal(next, r->entries);
            wn_srvsvc_enum_result_free(r);
            r = NULL;
            size_t len = read_file(file, buf);
            assert_int_equal(wn_srvsvc_session_enum_decode(buf, len, &r), 0);
            assert_int_equal(r->level, level);
            assert_int_equal(r->entries, n);
            assert_int_equal(r->total_entries, total);
            assert_int_equal(r->has_resume, has_resume);
            assert_int_equal(r->resume_handle, resume);
            assert_int_equal(r->status, status);
            next = 0;
            cases++;
        } else if (sscanf(line, "entry %1023s %1023s %u %u %u %u %1023s %1023s", cname, user,
                          &opens, &time, &idle, &flags, cltype, transport) == 8) {
            assert_non_null(r);
            assert_true(next < r->entries);
            const struct wn_srvsvc_session *s = &r->sessions[next++];
            assert_view_hex(s->cname, s->cname_len, cname);
            assert_view_hex(s->username, s->username_len, user);
            assert_int_equal(s->num_opens, opens);
            assert_int_equal(s->time, time);
            assert_int_equal(s->idle_time, idle);
            assert_int_equal(s->user_flags, flags);
            assert_view_hex(s->cltype, s->cltype_len, cltype);
            assert_view_hex(s->transport, s->transport_len, transport);
            entries_checked++;
        } else {
            fail_msg("bad manifest line: %s", line);
        }
    }
    fclose(m);
    if (r)
        assert_int_equal(next, r->entries);
    wn_srvsvc_enum_result_free(r);
    cleanup_dir();
    assert_int_equal(cases, 6);
    assert_int_equal(entries_checked, 12);
}

static int
teardown(void **state)
{
    (void)state;
    cleanup_dir();
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_srvsvc_decodes_impacket_encoded_replies_exactly,
                                  teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
