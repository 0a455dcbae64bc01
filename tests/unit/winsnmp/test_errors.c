/* test_errors.c: the one WN_E_* -> SNMPAPI_* map and the distinct codes the engine's queue gives for a full queue and for out-of-memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base.h"
#include "engine_int.h"
#include "winsnmp.h"

/* API steps: the fixed meanings, and the subject for "this argument is not
 * acceptable" outcomes. */
static void
test_map_gives_fixed_codes_and_the_subject(void **state)
{
    (void)state;
    assert_int_equal(wn_ws_map_err(WN_E_NOMEM, SNMPAPI_OTHER_ERROR), SNMPAPI_ALLOC_ERROR);
    assert_int_equal(wn_ws_map_err(WN_E_LIMIT, SNMPAPI_OTHER_ERROR), SNMPAPI_ALLOC_ERROR);
    assert_int_equal(wn_ws_map_err(WN_E_NOSPACE, SNMPAPI_OTHER_ERROR), SNMPAPI_OUTPUT_TRUNCATED);
    assert_int_equal(wn_ws_map_err(WN_E_STATE, SNMPAPI_PDU_INVALID), SNMPAPI_OPERATION_INVALID);
    assert_int_equal(wn_ws_map_err(WN_E_NOEQUIV, SNMPAPI_PDU_INVALID), SNMPAPI_OPERATION_INVALID);
    assert_int_equal(wn_ws_map_err(WN_E_UNSUPPORTED, SNMPAPI_PDU_INVALID),
                     SNMPAPI_TL_NOT_SUPPORTED);
    assert_int_equal(wn_ws_map_err(WN_E_TOOBIG, SNMPAPI_PDU_INVALID), SNMPAPI_TL_PDU_TOO_BIG);
    assert_int_equal(wn_ws_map_err(WN_E_BADVALUE, SNMPAPI_PDU_INVALID), SNMPAPI_SYNTAX_INVALID);
    /* A broken database file is not an unknown name. */
    assert_int_equal(wn_ws_map_err(WN_E_CONFIG, SNMPAPI_ENTITY_UNKNOWN), SNMPAPI_OTHER_ERROR);
    assert_int_equal(wn_ws_map_err(WN_E_IO, SNMPAPI_CONTEXT_UNKNOWN), SNMPAPI_OTHER_ERROR);
    assert_int_equal(wn_ws_map_err(WN_E_NOTFOUND, SNMPAPI_ENTITY_UNKNOWN),
                     SNMPAPI_ENTITY_UNKNOWN);
    assert_int_equal(wn_ws_map_err(WN_E_INVAL, SNMPAPI_OID_INVALID), SNMPAPI_OID_INVALID);
    assert_int_equal(wn_ws_map_err(WN_E_MALFORMED, SNMPAPI_MESSAGE_INVALID),
                     SNMPAPI_MESSAGE_INVALID);
}

/* Transport steps: the TL_* codes, the subject for anything unexpected. */
static void
test_map_gives_transport_codes_for_transport_steps(void **state)
{
    (void)state;
    assert_int_equal(wn_ws_map_err(WN_E_NOMEM, SNMPAPI_TL_OTHER), SNMPAPI_TL_RESOURCE_ERROR);
    assert_int_equal(wn_ws_map_err(WN_E_QFULL, SNMPAPI_TL_OTHER), SNMPAPI_TL_RESOURCE_ERROR);
    assert_int_equal(wn_ws_map_err(WN_E_INUSE, SNMPAPI_TL_OTHER), SNMPAPI_TL_IN_USE);
    assert_int_equal(wn_ws_map_err(WN_E_ACCESS, SNMPAPI_TL_OTHER), SNMPAPI_TL_NOT_AVAILABLE);
    assert_int_equal(wn_ws_map_err(WN_E_UNREACHABLE, SNMPAPI_TL_OTHER),
                     SNMPAPI_TL_UNDELIVERABLE);
    assert_int_equal(wn_ws_map_err(WN_E_INVAL, SNMPAPI_TL_OTHER), SNMPAPI_TL_INVALID_PARAM);
    assert_int_equal(wn_ws_map_err(WN_E_TIMEOUT, SNMPAPI_TL_OTHER), SNMPAPI_TL_TIMEOUT);
    assert_int_equal(wn_ws_map_err(WN_E_IO, SNMPAPI_TL_OTHER), SNMPAPI_TL_OTHER);
    assert_int_equal(wn_ws_map_err(WN_E_STATE, SNMPAPI_TL_RESOURCE_ERROR),
                     SNMPAPI_TL_RESOURCE_ERROR);
}

/* A full session queue is WN_E_QFULL, not out-of-memory, so a caller can
 * tell them apart (the trap fan-out lists a session whose queue was full
 * but skips one it could not queue for lack of memory).  The old code
 * returned -1 here, which is WN_E_NOMEM. */
static void
test_full_queue_is_not_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION h = SnmpOpen((HWND)(uintptr_t)1, 1);
    assert_non_null(h);
    wn_ws_lock();
    struct wn_ws_session *s = wn_ws_session_get(h);
    assert_non_null(s);
    for (uint32_t i = 0; i < WN_WS_MAX_QUEUE; i++) {
        struct wn_ws_qmsg *m = wn_calloc(1, sizeof *m);
        assert_non_null(m);
        /* Queued: the session is to be told (its window message). */
        assert_int_equal(wn_ws_eng_enqueue(s, m), 1);
    }
    struct wn_ws_qmsg *m = wn_calloc(1, sizeof *m);
    assert_non_null(m);
    assert_int_equal(wn_ws_eng_enqueue(s, m), WN_E_QFULL);   /* and m is freed */
    wn_ws_unlock();
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_gives_fixed_codes_and_the_subject),
        cmocka_unit_test(test_map_gives_transport_codes_for_transport_steps),
        cmocka_unit_test(test_full_queue_is_not_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
