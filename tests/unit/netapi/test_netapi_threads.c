/* test_netapi_threads.c: concurrent NetSessionEnum calls while credentials change (run under TSan). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "lm.h"
#include "netapi.h"

#define THREADS 4
#define CALLS 200

static atomic_int opens;
static atomic_int with_creds;
static int token;

static int
t_open(const struct wn_netapi_target *t, void **conn, struct wn_netapi_wire *wire)
{
    (void)wire;
    atomic_fetch_add(&opens, 1);
    if (t->creds->user != NULL) {
        /* Whatever set is current, it is complete and consistent. */
        if (strcmp(t->creds->user, "alice") == 0 && strcmp(t->creds->password, "pw-alice") != 0)
            return WN_E_AUTH;
        atomic_fetch_add(&with_creds, 1);
    }
    *conn = &token;
    return 0;
}

static int
t_enum(void *conn, uint32_t level, const char *client, const char *user, uint32_t prefmaxlen,
       uint32_t *resume, struct wn_netapi_raw_result *out, struct wn_netapi_wire *wire)
{
    struct wn_netapi_session s;
    int rc;

    (void)conn; (void)client; (void)user; (void)prefmaxlen; (void)resume;
    memset(out, 0, sizeof(*out));
    memset(&s, 0, sizeof(s));
    s.cname = "127.0.0.1";
    s.username = "labuser";
    rc = wn_netapi_raw_result_add(out, &s);
    if (rc == 0)
        rc = wn_netapi_raw_result_add(out, &s);
    if (rc != 0) {
        wn_netapi_raw_result_free(out);
        return rc;
    }
    out->level = level;
    wire->werror = 0;
    return 0;
}

static int
t_del(void *conn, const char *client, const char *user, struct wn_netapi_wire *wire)
{
    (void)conn; (void)client; (void)user;
    wire->werror = 0;
    return 0;
}

static void
t_close(void *conn)
{
    (void)conn;
}

static const struct wn_netapi_backend_ops ops = { t_open, t_enum, t_del, t_close, NULL, NULL };

static void *
worker(void *arg)
{
    int i;
    long bad = 0;

    (void)arg;
    for (i = 0; i < CALLS; i++) {
        LPBYTE buf = NULL;
        DWORD er = 0;
        DWORD te = 0;
        DWORD resume = 0;
        NET_API_STATUS st = NetSessionEnum(NULL, NULL, NULL, 10, &buf, 1, &er, &te, &resume);
        if (st != ERROR_MORE_DATA || er != 1 ||
            wcscmp(((SESSION_INFO_10 *)buf)->sesi10_username, L"labuser") != 0)
            bad++;
        NetApiBufferFree(buf);
    }
    return (void *)bad;
}

static void
test_concurrent_enumerations_with_changing_credentials(void **state)
{
    pthread_t th[THREADS];
    int i;

    (void)state;
    unsetenv("NETAPI_USER");
    unsetenv("NETAPI_AUTHFILE");
    wn_netapi_set_backend(&ops);
    for (i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker, NULL), 0);
    for (i = 0; i < 300; i++) {
        if (i % 2 == 0)
            assert_int_equal(wn_netapi_set_credentials("alice", "D", "pw-alice"), NERR_Success);
        else
            assert_int_equal(wn_netapi_set_credentials(NULL, NULL, NULL), NERR_Success);
    }
    for (i = 0; i < THREADS; i++) {
        void *bad = NULL;
        assert_int_equal(pthread_join(th[i], &bad), 0);
        assert_null(bad);
    }
    assert_int_equal(atomic_load(&opens), THREADS * CALLS);
    wn_netapi_set_credentials(NULL, NULL, NULL);
    wn_netapi_set_backend(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_enumerations_with_changing_credentials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
