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
#include "winsnmp_int.h"   /* wn_ws_desc_live */

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

/* Descriptors made and freed on many threads at once: SnmpFreeDescriptor
 * takes the registry's own lock, not the WinSNMP lock, so each block must
 * still go to exactly one owner (the pattern a thread writes survives
 * until it frees the block) and foreign or twice-freed pointers must
 * still be refused. */
#define DESC_BATCH 16

static void *
desc_churn(void *arg)
{
    uintptr_t id = (uintptr_t)arg;
    for (int r = 0; r < ROUNDS; r++) {
        smiOID mine[DESC_BATCH];
        for (int i = 0; i < DESC_BATCH; i++) {
            smiUINT32 want = 1 + (smiUINT32)(i & 1);
            check(SnmpGetVb(shared_vbl, want, &mine[i], NULL) == SNMPAPI_SUCCESS);
            for (smiUINT32 k = 0; k < mine[i].len; k++)
                mine[i].ptr[k] = (smiUINT32)(id << 16 | (uintptr_t)i);
        }
        for (int i = 0; i < DESC_BATCH; i++) {
            for (smiUINT32 k = 0; k < mine[i].len; k++)
                check(mine[i].ptr[k] == (smiUINT32)(id << 16 | (uintptr_t)i));
            check(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&mine[i]) == SNMPAPI_SUCCESS);
            check(mine[i].ptr == NULL && mine[i].len == 0);
        }
        /* A block freed here may be handed to another thread at once, so
         * a second free is checked on one thread below; from here, a
         * pointer that never was a descriptor. */
        smiUINT32 foreign[2] = {1, 3};
        smiOID bogus = {2, foreign};
        check(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&bogus) == SNMPAPI_FAILURE);
        check(SnmpGetLastError(NULL) == SNMPAPI_OPERATION_INVALID);
    }
    return NULL;
}

/* A VBL of two varbinds with the same name, in a new session. */
static HSNMP_VBL
two_vb_list(void)
{
    smiUINT32 ids[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};
    smiOID name = {9, ids};
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    HSNMP_VBL v = SnmpCreateVbl(s, &name, NULL);
    assert_non_null(v);
    assert_int_equal(SnmpSetVb(v, 0, &name, NULL), 2);
    return v;
}

static void
test_descriptors_freed_concurrently(void **state)
{
    (void)state;
    atomic_store(&failures, 0);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    shared_vbl = two_vb_list();
    pthread_t t[NTHREADS];
    for (uintptr_t i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, desc_churn, (void *)i), 0);
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(atomic_load(&failures), 0);
    /* A descriptor freed twice on one thread: the second is refused. */
    smiOID o;
    assert_int_equal(SnmpGetVb(shared_vbl, 1, &o, NULL), SNMPAPI_SUCCESS);
    smiOID again = o;
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&again), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_OPERATION_INVALID);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    /* After cleanup: not initialised, without the WinSNMP lock too. */
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&again), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
}

/* Descriptors made on one thread and freed on another, a thread that
 * exits holding freed blocks for reuse, and a restart: each thread keeps
 * the small blocks it freed for its next SnmpGetVb (desc.c), and
 * SnmpCleanup frees those too, so a thread's kept blocks must not be
 * handed out again after a restart.  Without that (desc.c's tcache_sync
 * in wn_ws_desc_alloc removed) the descriptors after the restart reuse
 * freed memory and the second cleanup frees them twice: glibc aborts. */
#define HANDOFF 64

static smiOID handed[HANDOFF];

static void *
desc_maker(void *arg)
{
    (void)arg;
    for (int i = 0; i < HANDOFF; i++)
        check(SnmpGetVb(shared_vbl, 1, &handed[i], NULL) == SNMPAPI_SUCCESS);
    /* Some made and freed here: this thread ends with blocks kept. */
    for (int i = 0; i < DESC_BATCH; i++) {
        smiOID o;
        check(SnmpGetVb(shared_vbl, 2, &o, NULL) == SNMPAPI_SUCCESS);
        check(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o) == SNMPAPI_SUCCESS);
    }
    return NULL;
}

static void
test_descriptors_across_threads_and_restart(void **state)
{
    (void)state;
    atomic_store(&failures, 0);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    shared_vbl = two_vb_list();
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, desc_maker, NULL), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(atomic_load(&failures), 0);
    smiOID again[HANDOFF];
    for (int i = 0; i < HANDOFF; i++) {
        assert_int_equal(handed[i].len, 9);
        again[i] = handed[i];
        assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&handed[i]), SNMPAPI_SUCCESS);
    }
    for (int i = 0; i < HANDOFF; i++)
        assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&again[i]), SNMPAPI_FAILURE);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    /* Restarted: this thread's kept blocks went with the cleanup. */
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    shared_vbl = two_vb_list();
    smiOID fresh[HANDOFF];
    for (int i = 0; i < HANDOFF; i++) {
        assert_int_equal(SnmpGetVb(shared_vbl, 1, &fresh[i], NULL), SNMPAPI_SUCCESS);
        for (smiUINT32 k = 0; k < fresh[i].len; k++)
            fresh[i].ptr[k] = (smiUINT32)i;
    }
    for (int i = 0; i < HANDOFF; i++) {
        for (smiUINT32 k = 0; k < fresh[i].len; k++)
            assert_int_equal(fresh[i].ptr[k], (smiUINT32)i);
        if (i % 2)   /* the rest go with the cleanup */
            assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&fresh[i]), SNMPAPI_SUCCESS);
    }
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

/* A thread that ends gives back the blocks it kept for reuse: 50
 * short-lived threads reading and freeing varbinds leave the registry as
 * it was.  Without desc.c's tcache_exit each left 16 blocks (about 2.3 KB)
 * registered until SnmpCleanup; builds with AddressSanitizer keep none. */
#define SHORT_LIVED 50

static void *
read_and_free(void *arg)
{
    (void)arg;
    smiOID o[DESC_BATCH];
    for (int i = 0; i < DESC_BATCH; i++)
        check(SnmpGetVb(shared_vbl, 1, &o[i], NULL) == SNMPAPI_SUCCESS);
    for (int i = 0; i < DESC_BATCH; i++)
        check(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o[i]) == SNMPAPI_SUCCESS);
    return NULL;
}

static void
test_exiting_threads_give_their_kept_blocks_back(void **state)
{
    (void)state;
    atomic_store(&failures, 0);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    shared_vbl = two_vb_list();
    size_t before = wn_ws_desc_live();
    for (int i = 0; i < SHORT_LIVED; i++) {
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, read_and_free, NULL), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
    }
    assert_int_equal(atomic_load(&failures), 0);
    assert_int_equal(wn_ws_desc_live(), before);
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
        cmocka_unit_test(test_descriptors_freed_concurrently),
        cmocka_unit_test(test_descriptors_across_threads_and_restart),
        cmocka_unit_test(test_exiting_threads_give_their_kept_blocks_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
