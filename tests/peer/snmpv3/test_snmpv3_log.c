/* test_snmpv3_log.c: WN_LOG=debug tells an administrator, one line each, what an SNMPv3 request through SnmpSendMsg met (discovery, time sync, reports, timeout, the wrong-priv diagnosis) against a private snmpd, never a secret; without WN_LOG nothing is written. */
#include <limits.h>
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

#include "wire_tool.h"
#include "wire_util.h"

/* WN_LOG is read once per process: each scenario runs in a child
 * process of this program ("child PORT"), its stderr in a file. */
#define CHILD_ARG "child"
#define REQ_TIMEOUT_MS 60000u

static struct wire_peers peer;
static char exe[PATH_MAX];

/* The pass phrases the scenario uses (snmpd-v3-users.conf and wrong
 * ones): none may appear in any output. */
static const char *const secrets[] = {
    "wrong-auth-pass", "v3authpass1", "v3privpass1", "whatever-pass-1", "v3authpass9",
    "wrong-priv-pass",
};

/* ------------------------------------------------------------------------
 * The child: the requests, with plain checks (no cmocka in this process).
 * ---------------------------------------------------------------------- */
static struct wire_events ev;
static HSNMP_SESSION sess;

/* The notification's wParam of one GET (0: answered), or ~0 when the
 * API refused the request. */
static smiUINT32
outcome(const char *entity, const char *context)
{
    HSNMP_ENTITY dst = SnmpStrToEntity(sess, entity);
    smiOCTETS o = {(smiUINT32)strlen(context), (smiLPBYTE)(uintptr_t)context};
    HSNMP_CONTEXT ctx = SnmpStrToContext(sess, &o);
    smiUINT32 rc = ~(smiUINT32)0;
    const char *names[] = {".1.3.6.1.2.1.1.5.0", NULL};
    smiINT32 rid;
    struct wire_event e;
    /* One retry cycle: 1 s per try, one retry. */
    if (dst && ctx && SnmpSetTimeout(dst, 100) == SNMPAPI_SUCCESS
        && SnmpSetRetry(dst, 1) == SNMPAPI_SUCCESS
        && wire_send(sess, dst, ctx, SNMP_PDU_GET, 0, 0, names, NULL, &rid) == 0
        && wire_events_wait(&ev, REQ_TIMEOUT_MS, &e) == 0 && (smiINT32)e.lparam == rid) {
        rc = (smiUINT32)e.wparam;
        HSNMP_ENTITY src = NULL, me = NULL;
        HSNMP_CONTEXT c = NULL;
        HSNMP_PDU pdu = NULL;
        SnmpRecvMsg(sess, &src, &me, &c, &pdu);
        SnmpFreePdu(pdu);
        SnmpFreeEntity(src);
        SnmpFreeEntity(me);
        SnmpFreeContext(c);
    }
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
    return rc;
}

/* A line of the child's own in the log (only when WN_LOG is set, so that
 * the run without it must leave stderr empty). */
static void
mark(const char *what)
{
    if (getenv("WN_LOG"))
        fprintf(stderr, "MARK %s\n", what);
}

static int
child(unsigned port)
{
    if (wire_session_open(&ev, &sess) != 0
        || SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2) != SNMPAPI_SUCCESS)
        return 2;
    struct {
        const char *fmt, *context;
        smiUINT32 want;
        const char *mark;           /* written after it */
    } steps[] = {
        /* Discovers 127.0.0.1, then the agent's wrongDigest report. */
        {"snmpv3:v3sha;auth=SHA;authpass=wrong-auth-pass;priv=AES;privpass=v3privpass1"
         "@127.0.0.1:%u", "snmpv3:", SNMPAPI_RPT_WRONGDIGEST, NULL},
        {"snmpv3:nobody;auth=SHA;authpass=whatever-pass-1@127.0.0.1:%u", "snmpv3:",
         SNMPAPI_RPT_UNKNOWNUSERNAME, NULL},
        /* The same agent over IPv6: an address not discovered yet. */
        {"snmpv3:v3sha;auth=SHA;authpass=v3authpass1;priv=AES;privpass=v3privpass1@[::1]:%u",
         "snmpv3:", 0, "cached"},
        /* Known engine, answered: nothing at all. */
        {"snmpv3:v3sha;auth=SHA;authpass=v3authpass1;priv=AES;privpass=v3privpass1@[::1]:%u",
         "snmpv3:", 0, "cached-end"},
        /* A contextName snmpd does not serve: dropped, timed out. */
        {"snmpv3:v3auth;auth=SHA;authpass=v3authpass9@127.0.0.1:%u", "snmpv3:public",
         SNMPAPI_TL_TIMEOUT, NULL},
        /* Wrong priv pass phrase: the diagnosis. */
        {"snmpv3:v3sha;auth=SHA;authpass=v3authpass1;priv=AES;privpass=wrong-priv-pass"
         "@127.0.0.1:%u", "snmpv3:", SNMPAPI_RPT_DECRYPTIONERROR, NULL},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char s[256];
        snprintf(s, sizeof s, steps[i].fmt, port);
        smiUINT32 got = outcome(s, steps[i].context);
        if (got != steps[i].want) {
            printf("step %zu: got %lu, want %lu\n", i, (unsigned long)got,
                   (unsigned long)steps[i].want);
            rc = 3;
        }
        if (steps[i].mark)
            mark(steps[i].mark);
    }
    wire_session_close(&ev, sess);
    return rc;
}

/* ------------------------------------------------------------------------
 * The tests.
 * ---------------------------------------------------------------------- */
static int
group_setup(void **state)
{
    (void)state;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    setenv("SNMPD_EXTRA_CONF", V3_DIR "/snmpd-v3-users.conf", 1);
    if (wire_peers_start(&peer, 1, 0) != 0) {
        wire_peers_stop(&peer);
        return -1;
    }
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    return wire_peers_stop(&peer);
}

/* Runs the child with env (a shell prefix) and returns its stderr
 * (returned-owned), failing the test if its requests did not end as
 * expected. */
static char *
run_child(const char *env)
{
    char args[32];
    snprintf(args, sizeof args, CHILD_ARG " %u", peer.snmpd_port);
    char *text = wire_child_stderr(peer.dir, env, exe, args);
    if (!text)
        fail_msg("the child (%s) failed", env);
    return text;
}

static void
expect(const char *log, const char *line)
{
    if (!strstr(log, line))
        fail_msg("missing in the WN_LOG=debug output: %s\n--- output:\n%s", line, log);
}

static void
test_v3_debug_log_tells_each_step_and_no_secret(void **state)
{
    (void)state;
    char *log = run_child("WN_LOG=debug");
    char want[512];
    unsigned p = peer.snmpd_port;
    /* "engineID v3-snmpd" of snmpd-v3-users.conf. */
    const char *id = "0x80001f880476332d736e6d7064";
    /* Each line after "[debug] winsnmp: SNMPv3 ", formatted with the port
     * (and then the engine ID where it names it). */
    static const char *const lines[] = {
        "engine discovery of 127.0.0.1:%u started (user v3sha)\n",
        "engine of 127.0.0.1:%u discovered: engine ID %s, boots ",
        "report from 127.0.0.1:%u for user v3sha: usmStatsWrongDigests (wrong auth pass "
        "phrase or protocol)\n",
        "time synchronisation to 127.0.0.1:%u (user v3sha) failed: ",
        "report from 127.0.0.1:%u for user nobody: usmStatsUnknownUserNames (the agent has no "
        "such user)\n",
        "engine discovery of [::1]:%u started (user v3sha)\n",
        "time of [::1]:%u synchronised (user v3sha): engine ID %s, boots ",
        "request to 127.0.0.1:%u (user v3auth): no answer after 1 retries of 1000 ms\n",
        "authPriv request to 127.0.0.1:%u (user v3sha) unanswered after 1 retries: wrong-priv "
        "diagnosis, sending an authNoPriv probe\n",
        "wrong-priv diagnosis of 127.0.0.1:%u (user v3sha): the authNoPriv probe was answered",
        "wrong-priv diagnosis of 127.0.0.1:%u (user v3sha): the authPriv probe went unanswered "
        "after the authNoPriv one was answered: wrong priv pass phrase or protocol\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        int k = snprintf(want, sizeof want, "[debug] winsnmp: SNMPv3 ");
        snprintf(want + k, sizeof want - (size_t)k, lines[i], p, id);
        expect(log, want);
    }
    /* An answered request to a known engine logs nothing. */
    const char *a = strstr(log, "MARK cached\n");
    assert_non_null(a);
    assert_ptr_equal(strstr(a, "\nMARK cached-end\n"), a + strlen("MARK cached"));
    /* Each engine is discovered once per address. */
    snprintf(want, sizeof want, "engine discovery of [::1]:%u", p);
    assert_ptr_equal(strstr(strstr(log, want) + 1, want), NULL);
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        if (strstr(log, secrets[i]))
            fail_msg("the log holds the secret %s:\n%s", secrets[i], log);
    free(log);
}

/* The same requests without WN_LOG: not one byte on stderr.  Fails when
 * the library logs at debug by default. */
static void
test_v3_silent_without_wn_log(void **state)
{
    (void)state;
    char *log = run_child("env -u WN_LOG");
    if (log[0])
        fail_msg("stderr without WN_LOG:\n%s", log);
    free(log);
}

int
main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], CHILD_ARG))
        return child((unsigned)strtoul(argv[2], NULL, 10));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_debug_log_tells_each_step_and_no_secret),
        cmocka_unit_test(test_v3_silent_without_wn_log),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
