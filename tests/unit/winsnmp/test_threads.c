/* test_threads.c: many threads creating, using, sharing and closing sessions and handles at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>

#include "winsnmp.h"

#define NTHREADS 8
#define ROUNDS 300

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    return SNMPAPI_SUCCESS;
}

/* A VBL every thread reads while others churn. */
static HSNMP_VBL shared_vbl;
static atomic_int failures;

static void
check(int cond)
{
    if (!cond)
        atomic_fetch_add(&failures, 1);
}

static void *
worker(void *arg)
{
    uintptr_t id = (uintptr_t)arg;
    smiUINT32 ids[] = {1, 3, 6, 1, 4, 1, (smiUINT32)id};
    smiOID name = {7, ids};
    for (int r = 0; r < ROUNDS; r++) {
        HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, (LPVOID)arg);
        check(s != NULL);
        if (!s)
            continue;
        smiVALUE v;
        v.syntax = SNMP_SYNTAX_INT;
        v.value.sNumber = (smiINT)r;
        HSNMP_VBL l = SnmpCreateVbl(s, &name, &v);
        HSNMP_PDU p = SnmpCreatePdu(s, SNMP_PDU_SET, 0, 0, 0, l);
        HSNMP_ENTITY e = SnmpStrToEntity(s, "127.0.0.1:1161");
        check(l && p && e);
        HSNMP_PDU d = SnmpDuplicatePdu(s, p);
        HSNMP_VBL g = NULL;
        check(SnmpGetPduData(d, NULL, NULL, NULL, NULL, &g) == SNMPAPI_SUCCESS);
        check(SnmpCountVbl(g) == 1);
        smiOID on;
        smiVALUE ov;
        check(SnmpGetVb(g, 1, &on, &ov) == SNMPAPI_SUCCESS);
        check(ov.value.sNumber == r && on.ptr[6] == id);
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&on);
        /* Use the handle shared from the main thread's session. */
        check(SnmpCountVbl(shared_vbl) == 2);
        HSNMP_VBL sd = SnmpDuplicateVbl(s, shared_vbl);
        check(SnmpCountVbl(sd) == 2);
        if (r & 1)
            check(SnmpFreePdu(p) == SNMPAPI_SUCCESS);
        check(SnmpClose(s) == SNMPAPI_SUCCESS);
        check(SnmpFreeVbl(sd) == SNMPAPI_FAILURE); /* went with the session */
        check(SnmpGetLastError(NULL) == SNMPAPI_VBL_INVALID);
    }
    return NULL;
}

static void
test_threads_create_use_and_close_concurrently(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION main_s = SnmpCreateSession(NULL, 0, cb, NULL);
    smiUINT32 ids[] = {1, 3, 6, 1};
    smiOID name = {4, ids};
    shared_vbl = SnmpCreateVbl(main_s, &name, NULL);
    assert_int_equal(SnmpSetVb(shared_vbl, 0, &name, NULL), 2);
    pthread_t t[NTHREADS];
    for (uintptr_t i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)i), 0);
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(atomic_load(&failures), 0);
    assert_int_equal(SnmpCountVbl(shared_vbl), 2);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static void *
startup_churn(void *arg)
{
    (void)arg;
    for (int r = 0; r < ROUNDS; r++) {
        check(SnmpStartupEx(NULL, NULL, NULL, NULL, NULL) == SNMPAPI_SUCCESS);
        HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
        check(s != NULL);
        check(SnmpCreateVbl(s, NULL, NULL) != NULL);
        check(SnmpCleanupEx() == SNMPAPI_SUCCESS);
    }
    return NULL;
}

static void
test_counted_startup_from_many_threads(void **state)
{
    (void)state;
    atomic_store(&failures, 0);
    pthread_t t[NTHREADS];
    for (uintptr_t i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, startup_churn, NULL), 0);
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(atomic_load(&failures), 0);
    /* Balanced: the library is shut down again. */
    assert_null(SnmpCreateSession(NULL, 0, cb, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_create_use_and_close_concurrently),
        cmocka_unit_test(test_counted_startup_from_many_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
