/* test_winsnmp_scale.c: 10,000 sessions with 100,000 requests outstanding at once, each timed out exactly once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "engine_util.h"

#define NSESS 10000
#define PER_SESS 10
#define NREQ (NSESS * PER_SESS)

static atomic_uint per_session[NSESS];
static atomic_uint timeouts, others;

static SNMPAPI_STATUS CALLBACK
on_event(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)s, (void)w, (void)m, (void)lp;
    if (wp == SNMPAPI_TL_TIMEOUT) {
        atomic_fetch_add(&timeouts, 1);
        atomic_fetch_add(&per_session[(uintptr_t)data], 1);
    } else {
        atomic_fetch_add(&others, 1);
    }
    return SNMPAPI_SUCCESS;
}

static uint64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
test_ten_thousand_sessions_hundred_thousand_outstanding(void **state)
{
    (void)state;
    /* A silent sink: bound, never read, so nothing ever answers. */
    uint16_t sink_port;
    int sink = eng_silent_socket(&sink_port);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", sink_port);

    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
    static HSNMP_SESSION sess[NSESS];
    static HSNMP_ENTITY ent[NSESS];
    static HSNMP_CONTEXT ctx[NSESS];
    for (uintptr_t i = 0; i < NSESS; i++) {
        sess[i] = SnmpCreateSession(NULL, 0, on_event, (LPVOID)i);
        assert_non_null(sess[i]);
        ent[i] = SnmpStrToEntity(sess[i], addr);
        assert_non_null(ent[i]);
        /* Long enough that every request is still outstanding when the
         * last one is sent; no retries. */
        assert_int_equal(SnmpSetTimeout(ent[i], 600), SNMPAPI_SUCCESS);
        assert_int_equal(SnmpSetRetry(ent[i], 0), SNMPAPI_SUCCESS);
        ctx[i] = eng_context(sess[i], "public");
        assert_non_null(ctx[i]);
    }
    /* One VBL shared by every session (handles are shared). */
    smiOID name;
    assert_int_equal(SnmpStrToOid("1.3.6.1.2.1.1.3.0", &name), 9);
    HSNMP_VBL vbl = SnmpCreateVbl(sess[0], &name, NULL);
    assert_non_null(vbl);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);

    uint64_t t0 = now_ms();
    for (int k = 0; k < PER_SESS; k++) {
        for (int i = 0; i < NSESS; i++) {
            HSNMP_PDU pdu = SnmpCreatePdu(sess[i], SNMP_PDU_GET, 0, 0, 0, vbl);
            assert_non_null(pdu);
            assert_int_equal(SnmpSendMsg(sess[i], NULL, ent[i], ctx[i], pdu), SNMPAPI_SUCCESS);
            SnmpFreePdu(pdu);
        }
    }
    uint64_t sent_ms = now_ms() - t0;
    print_message("sent %d requests from %d sessions in %llu ms\n", NREQ, NSESS,
                  (unsigned long long)sent_ms);
    /* Nothing may have timed out before the last send. */
    assert_true(sent_ms < 6000);
    assert_int_equal(atomic_load(&timeouts), 0);

    uint64_t deadline = now_ms() + 60000;
    while (atomic_load(&timeouts) < NREQ && now_ms() < deadline)
        usleep(20000);
    usleep(200000);   /* any extra callback would show now */
    assert_int_equal(atomic_load(&timeouts), NREQ);
    assert_int_equal(atomic_load(&others), 0);
    for (int i = 0; i < NSESS; i++)
        assert_int_equal(atomic_load(&per_session[i]), PER_SESS);

    struct wn_wsnmp_stats st;
    wn_wsnmp_get_stats(&st);
    assert_int_equal(st.timeouts, NREQ);
    assert_true(st.tx >= NREQ);

    /* Each session now holds its 10 timeout reports for SnmpRecvMsg. */
    HSNMP_ENTITY s1, d1;
    HSNMP_CONTEXT c1;
    HSNMP_PDU p1;
    assert_int_equal(SnmpRecvMsg(sess[42], &s1, &d1, &c1, &p1), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(sess[42]), SNMPAPI_TL_TIMEOUT);
    assert_non_null(p1);
    smiINT type = 0;
    assert_int_equal(SnmpGetPduData(p1, &type, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_int_equal(type, SNMP_PDU_GET);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    close(sink);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ten_thousand_sessions_hundred_thousand_outstanding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
