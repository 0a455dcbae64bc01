/* test_bridge_dispatch.c: the wsnmp32 bridge's delivery thread, natively on pthreads: callbacks off the I/O thread, return value, close/cleanup inside a callback, window mode. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>
#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "fake_wine_side.h"

/* Traps sent by the library to itself on loopback drive the notifications:
 * the test needs no other peer.  The bridge's entry points are the
 * Windows-convention ones a Windows program calls. */

#define MSABI __attribute__((ms_abi))
typedef SNMPAPI_STATUS(MSABI *win_cb)(HSNMP_SESSION, HWND, UINT, WPARAM, LPARAM, LPVOID);
SNMPAPI_STATUS MSABI wnb_SnmpStartup(smiLPUINT32, smiLPUINT32, smiLPUINT32, smiLPUINT32,
                                     smiLPUINT32);
SNMPAPI_STATUS MSABI wnb_SnmpCleanup(void);
HSNMP_SESSION MSABI wnb_SnmpCreateSession(HWND, UINT, SNMPAPI_CALLBACK, LPVOID);
HSNMP_SESSION MSABI wnb_SnmpOpen(HWND, UINT);
SNMPAPI_STATUS MSABI wnb_SnmpClose(HSNMP_SESSION);

#define WAIT_TRIES 2000 /* x 10 ms: generous, the machine is shared */
#define TICK_US 10000
#define WM_TEST 0x8001u

static SNMPAPI_CALLBACK
as_callback(win_cb cb)
{
    /* The bridge takes the application's (ms_abi) callback through the
     * header's type; via void (*)(void) the cast is explicit. */
    return (SNMPAPI_CALLBACK)(void (*)(void))cb;
}

/* A UDP port on 127.0.0.1 that was free a moment ago. */
static uint16_t
free_udp_port(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

struct ctx {
    atomic_int calls;
    atomic_int on_wine_thread;
    atomic_int in_callback;
    atomic_int after_close;     /* callbacks that started after SnmpClose returned */
    atomic_int close_returned;
    atomic_int received_traps;
    atomic_int mode;            /* what the callback does */
    atomic_int closer_started;  /* CB_WAIT_CLEANUP: another thread is in SnmpClose */
    HSNMP_SESSION session;
};

enum { CB_RECV, CB_FAIL, CB_CLOSE_CLEANUP, CB_SLOW, CB_WAIT_CLEANUP };

static SNMPAPI_STATUS MSABI
test_cb(HSNMP_SESSION s, HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam, LPVOID data)
{
    (void)hwnd, (void)msg, (void)lparam;
    struct ctx *c = data;
    if (atomic_load(&c->close_returned))
        atomic_fetch_add(&c->after_close, 1);
    atomic_store(&c->in_callback, 1);
    atomic_store(&c->on_wine_thread, fake_on_wine_thread());
    HSNMP_PDU pdu;
    if (wparam == 0 && SnmpRecvMsg(s, NULL, NULL, NULL, &pdu) == SNMPAPI_SUCCESS) {
        smiINT type = 0;
        SnmpGetPduData(pdu, &type, NULL, NULL, NULL, NULL);
        if (type == SNMP_PDU_TRAP)
            atomic_fetch_add(&c->received_traps, 1);
        SnmpFreePdu(pdu);
    }
    SNMPAPI_STATUS rc = SNMPAPI_SUCCESS;
    switch (atomic_load(&c->mode)) {
    case CB_FAIL:
        rc = SNMPAPI_FAILURE;
        break;
    case CB_CLOSE_CLEANUP:
        if (wnb_SnmpClose(s) != SNMPAPI_SUCCESS || wnb_SnmpCleanup() != SNMPAPI_SUCCESS)
            rc = SNMPAPI_OTHER_ERROR; /* seen below as the session staying open */
        break;
    case CB_SLOW:
        usleep(TICK_US * 3);
        break;
    case CB_WAIT_CLEANUP:
        /* let the closer reach its wait for this callback, then clean up */
        while (!atomic_load(&c->closer_started))
            usleep(TICK_US / 10);
        usleep(TICK_US * 3);
        if (wnb_SnmpCleanup() != SNMPAPI_SUCCESS)
            rc = SNMPAPI_OTHER_ERROR;
        break;
    }
    atomic_store(&c->in_callback, 0);
    atomic_fetch_add(&c->calls, 1);
    return rc;
}

/* A sender session and a receiving port; traps go from one to the other. */
struct link {
    HSNMP_SESSION tx;
    HSNMP_ENTITY dst;
    HSNMP_CONTEXT community;
};

static struct link
link_open(uint16_t port)
{
    struct link l;
    char dst[64];
    snprintf(dst, sizeof dst, "127.0.0.1:%u", port);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    l.tx = wnb_SnmpOpen(FAKE_HWND, WM_TEST + 1);
    assert_non_null(l.tx);
    l.dst = SnmpStrToEntity(l.tx, dst);
    assert_non_null(l.dst);
    smiOCTETS comm = {6, (smiLPBYTE) "public"};
    l.community = SnmpStrToContext(l.tx, &comm);
    assert_non_null(l.community);
    return l;
}

static void
send_trap(struct link *l)
{
    smiOID name, toid;
    assert_true(SnmpStrToOid("1.3.6.1.6.3.1.1.4.1.0", &name) > 0);
    assert_true(SnmpStrToOid("1.3.6.1.6.3.1.1.5.1", &toid) > 0);
    /* An SNMPv2-Trap starts with sysUpTime.0 and snmpTrapOID.0. */
    smiOID uptime;
    assert_true(SnmpStrToOid("1.3.6.1.2.1.1.3.0", &uptime) > 0);
    smiVALUE up;
    up.syntax = SNMP_SYNTAX_TIMETICKS;
    up.value.uNumber = 7;
    HSNMP_VBL vbl = SnmpCreateVbl(l->tx, &uptime, &up);
    assert_non_null(vbl);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&uptime);
    smiVALUE v;
    v.syntax = SNMP_SYNTAX_OID;
    v.value.oid = toid;
    assert_int_equal(SnmpSetVb(vbl, 0, &name, &v), 2);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&toid);
    HSNMP_PDU pdu = SnmpCreatePdu(l->tx, SNMP_PDU_TRAP, 0, 0, 0, vbl);
    assert_non_null(pdu);
    assert_int_equal(SnmpSendMsg(l->tx, NULL, l->dst, l->community, pdu), SNMPAPI_SUCCESS);
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
}

static void
wait_for(atomic_int *v, int at_least)
{
    for (int i = 0; i < WAIT_TRIES && atomic_load(v) < at_least; i++)
        usleep(TICK_US);
    assert_true(atomic_load(v) >= at_least);
}

/* A registered callback-mode session and a link to it. */
static struct link
setup_receiver(struct ctx *c, int mode)
{
    assert_int_equal(wnb_SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    uint16_t port = free_udp_port();
    assert_int_equal(wn_wsnmp_set_trap_port(port), SNMPAPI_SUCCESS);
    atomic_store(&c->mode, mode);
    c->session = wnb_SnmpCreateSession(NULL, 0, as_callback(test_cb), c);
    assert_non_null(c->session);
    assert_int_equal(SnmpRegister(c->session, NULL, NULL, NULL, NULL, SNMPAPI_ON),
                     SNMPAPI_SUCCESS);
    return link_open(port);
}

static void
test_callback_runs_on_the_delivery_thread(void **state)
{
    (void)state;
    static struct ctx c;
    struct link l = setup_receiver(&c, CB_RECV);
    send_trap(&l);
    wait_for(&c.calls, 1);
    assert_int_equal(atomic_load(&c.received_traps), 1);
    assert_int_equal(atomic_load(&c.on_wine_thread), 1);
    assert_int_equal(fake_live_threads(), 1);
    assert_int_equal(wnb_SnmpCleanup(), SNMPAPI_SUCCESS);
    /* the delivery thread has ended when SnmpCleanup returns */
    assert_int_equal(fake_live_threads(), 0);
}

static void
test_failure_return_closes_the_session(void **state)
{
    (void)state;
    static struct ctx c;
    struct link l = setup_receiver(&c, CB_FAIL);
    send_trap(&l);
    wait_for(&c.calls, 1);
    int closed = 0;
    for (int i = 0; i < WAIT_TRIES && !closed; i++) {
        closed = SnmpRegister(c.session, NULL, NULL, NULL, NULL, SNMPAPI_ON) == SNMPAPI_FAILURE &&
                 SnmpGetLastError(NULL) == SNMPAPI_SESSION_INVALID;
        if (!closed)
            usleep(TICK_US);
    }
    assert_true(closed);
    assert_int_equal(wnb_SnmpClose(c.session), SNMPAPI_FAILURE);
    assert_int_equal(wnb_SnmpCleanup(), SNMPAPI_SUCCESS);
    assert_int_equal(fake_live_threads(), 0);
}

static void
test_close_and_cleanup_inside_the_callback(void **state)
{
    (void)state;
    static struct ctx c;
    struct link l = setup_receiver(&c, CB_CLOSE_CLEANUP);
    send_trap(&l);
    wait_for(&c.calls, 1);
    /* the delivery thread ends on its own once the callback returned */
    for (int i = 0; i < WAIT_TRIES && fake_live_threads() != 0; i++)
        usleep(TICK_US);
    assert_int_equal(fake_live_threads(), 0);
    /* everything was cleaned up: the library is not started any more */
    assert_null(SnmpCreateSession(NULL, 0, NULL, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
    /* and it starts again, with a new delivery thread */
    static struct ctx c2;
    struct link l2 = setup_receiver(&c2, CB_RECV);
    send_trap(&l2);
    wait_for(&c2.calls, 1);
    assert_int_equal(fake_live_threads(), 1);
    assert_int_equal(wnb_SnmpCleanup(), SNMPAPI_SUCCESS);
    assert_int_equal(fake_live_threads(), 0);
}

static void
test_window_mode_posts_the_message(void **state)
{
    (void)state;
    assert_int_equal(wnb_SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    assert_null(wnb_SnmpOpen((HWND)(uintptr_t)0x1, WM_TEST));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_HWND_INVALID);
    uint16_t port = free_udp_port();
    assert_int_equal(wn_wsnmp_set_trap_port(port), SNMPAPI_SUCCESS);
    HSNMP_SESSION r = wnb_SnmpOpen(FAKE_HWND, WM_TEST);
    assert_non_null(r);
    assert_int_equal(SnmpRegister(r, NULL, NULL, NULL, NULL, SNMPAPI_ON), SNMPAPI_SUCCESS);
    struct link l = link_open(port);
    send_trap(&l);
    struct fake_post p;
    assert_true(fake_wait_post(&p, WAIT_TRIES * TICK_US / 1000000));
    assert_ptr_equal(p.hwnd, FAKE_HWND);
    assert_int_equal(p.msg, WM_TEST);
    assert_int_equal(p.wparam, 0);
    assert_int_equal(p.on_wine_thread, 1);
    HSNMP_PDU pdu;
    assert_int_equal(SnmpRecvMsg(r, NULL, NULL, NULL, &pdu), SNMPAPI_SUCCESS);
    SnmpFreePdu(pdu);
    assert_int_equal(wnb_SnmpClose(r), SNMPAPI_SUCCESS);
    assert_int_equal(wnb_SnmpCleanup(), SNMPAPI_SUCCESS);
    assert_int_equal(fake_live_threads(), 0);
}

/* SnmpClose from another thread while callbacks of the session run: it
 * waits for the running one, and none starts after it returned. */
static void
test_close_waits_for_a_running_callback(void **state)
{
    (void)state;
    static struct ctx c;
    struct link l = setup_receiver(&c, CB_SLOW);
    enum { TRAPS = 20 };
    for (int i = 0; i < TRAPS; i++)
        send_trap(&l);
    wait_for(&c.calls, 1);
    wait_for(&c.in_callback, 1);
    assert_int_equal(wnb_SnmpClose(c.session), SNMPAPI_SUCCESS);
    assert_int_equal(atomic_load(&c.in_callback), 0);
    atomic_store(&c.close_returned, 1);
    int calls = atomic_load(&c.calls);
    send_trap(&l);
    assert_int_equal(wnb_SnmpCleanup(), SNMPAPI_SUCCESS); /* joins the delivery thread */
    assert_int_equal(atomic_load(&c.after_close), 0);
    assert_int_equal(atomic_load(&c.calls), calls);
    assert_int_equal(fake_live_threads(), 0);
}

/* SnmpCleanup inside a callback while another thread waits in SnmpClose
 * for that callback: the session record stays valid for the waiting
 * thread (ASan reported a use after free when the dispatcher freed it). */
static void
test_close_waiting_while_the_callback_cleans_up(void **state)
{
    (void)state;
    static struct ctx c;
    struct link l = setup_receiver(&c, CB_WAIT_CLEANUP);
    send_trap(&l);
    wait_for(&c.in_callback, 1);
    atomic_store(&c.closer_started, 1);
    /* the library is cleaned up by the time the wait ends */
    assert_int_equal(wnb_SnmpClose(c.session), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
    for (int i = 0; i < WAIT_TRIES && fake_live_threads() != 0; i++)
        usleep(TICK_US);
    assert_int_equal(fake_live_threads(), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_callback_runs_on_the_delivery_thread),
        cmocka_unit_test(test_failure_return_closes_the_session),
        cmocka_unit_test(test_close_and_cleanup_inside_the_callback),
        cmocka_unit_test(test_window_mode_posts_the_message),
        cmocka_unit_test(test_close_waits_for_a_running_callback),
        cmocka_unit_test(test_close_waiting_while_the_callback_cleans_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
