/* test_winsnmp_stress.c: races between API threads and the I/O thread: send/cancel/close under load, SnmpClose and SnmpCleanup from a callback. */
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
#include <unistd.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "engine_util.h"

#define NTHREADS 6
#define NITER 30
#define NREQ 12

/* Sends a GET of sysName.0; returns its request id, 0 on failure.  When
 * slot is not NULL the id is stored there and published through *count
 * (set to n) BEFORE the send, so a callback can always match it. */
static smiINT32
send_get_track(HSNMP_SESSION s, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, smiINT32 *slot,
               atomic_int *count, int n)
{
    smiOID name;
    if (SnmpStrToOid("1.3.6.1.2.1.1.5.0", &name) <= 0)
        return 0;
    HSNMP_VBL vbl = SnmpCreateVbl(s, &name, NULL);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    HSNMP_PDU pdu = SnmpCreatePdu(s, SNMP_PDU_GET, 0, 0, 0, vbl);
    smiINT32 id = 0;
    SnmpGetPduData(pdu, NULL, &id, NULL, NULL, NULL);
    if (slot) {
        *slot = id;
        atomic_store(count, n);
    }
    if (SnmpSendMsg(s, NULL, dst, ctx, pdu) != SNMPAPI_SUCCESS)
        id = 0;
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    return id;
}

static smiINT32
send_get(HSNMP_SESSION s, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx)
{
    return send_get_track(s, dst, ctx, NULL, NULL, 0);
}

/* ------------------------------------------------------------------------
 * The in-process agent: a callback session answering every request.
 * ---------------------------------------------------------------------- */
static atomic_int agent_answers;

static SNMPAPI_STATUS CALLBACK
agent_cb(HSNMP_SESSION s, HWND w, UINT msg, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)w, (void)msg, (void)wp, (void)lp, (void)data;
    HSNMP_ENTITY src, dst;
    HSNMP_CONTEXT ctx;
    HSNMP_PDU pdu;
    if (SnmpRecvMsg(s, &src, &dst, &ctx, &pdu) != SNMPAPI_SUCCESS)
        return SNMPAPI_SUCCESS;
    smiINT32 id;
    HSNMP_VBL vbl;
    if (SnmpGetPduData(pdu, NULL, &id, NULL, NULL, &vbl) == SNMPAPI_SUCCESS) {
        HSNMP_PDU resp = SnmpCreatePdu(s, SNMP_PDU_RESPONSE, id, 0, 0, vbl);
        if (resp && SnmpSendMsg(s, dst, src, ctx, resp) == SNMPAPI_SUCCESS)
            atomic_fetch_add(&agent_answers, 1);
        SnmpFreePdu(resp);
        SnmpFreeVbl(vbl);
    }
    SnmpFreePdu(pdu);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(src);
    SnmpFreeEntity(dst);
    return SNMPAPI_SUCCESS;
}

static SNMPAPI_STATUS CALLBACK drain_cb(HSNMP_SESSION s, HWND w, UINT msg, WPARAM wp,
                                        LPARAM lp, LPVOID data);

static HSNMP_SESSION
start_agent(char *addr, size_t addrsz)
{
    snprintf(addr, addrsz, "127.0.0.1:%u", eng_free_udp_port());
    HSNMP_SESSION agent = SnmpCreateSession(NULL, 0, agent_cb, NULL);
    assert_non_null(agent);
    HSNMP_ENTITY ae = SnmpStrToEntity(agent, addr);
    assert_non_null(ae);
    assert_int_equal(SnmpListen(ae, SNMPAPI_ON), SNMPAPI_SUCCESS);
    return agent;
}


/* Starts the engine and an agent, then opens a manager session with cb
 * holding `nquiet` requests to a silent port (timeout `cs`, no retry) and,
 * when ask_agent, one GET to the agent.  Returns the silent socket to close at the end. */
static int
manager_with_requests_in_flight(SNMPAPI_CALLBACK cb, int nquiet, smiUINT32 cs,
                                int ask_agent, HSNMP_SESSION *out)
{
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    char addr[64];
    start_agent(addr, sizeof addr);
    uint16_t sport;
    int sfd = eng_silent_socket(&sport);
    char silent[64];
    snprintf(silent, sizeof silent, "127.0.0.1:%u", sport);
    HSNMP_SESSION m = SnmpCreateSession(NULL, 0, cb, NULL);
    HSNMP_ENTITY quiet = SnmpStrToEntity(m, silent);
    HSNMP_ENTITY agent = SnmpStrToEntity(m, addr);
    HSNMP_CONTEXT c = eng_context(m, "public");
    SnmpSetTimeout(quiet, cs);
    SnmpSetRetry(quiet, 0);
    for (int i = 0; i < nquiet; i++)
        assert_true(send_get(m, quiet, c) != 0);
    if (ask_agent)
        assert_true(send_get(m, agent, c) != 0);
    *out = m;
    return sfd;
}

/* ------------------------------------------------------------------------
 * Many threads sending, cancelling and closing while answers arrive.
 * ---------------------------------------------------------------------- */
struct sess_track {
    smiINT32 ids[NREQ];
    int cancelled[NREQ];          /* SnmpCancelMsg returned SUCCESS */
    atomic_int got[NREQ];         /* notifications per request */
    atomic_int bad;               /* wrong wParam, unknown id, id mismatch */
    atomic_int sent;              /* how many ids[] are valid */
};

static struct sess_track tracks[NTHREADS][NITER];
static char agent_addr[64];

static SNMPAPI_STATUS CALLBACK
mgr_cb(HSNMP_SESSION s, HWND w, UINT msg, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)w, (void)msg;
    struct sess_track *t = data;
    int n = atomic_load(&t->sent);
    int hit = 0;
    for (int i = 0; i < n; i++) {
        if (t->ids[i] == (smiINT32)lp) {
            atomic_fetch_add(&t->got[i], 1);
            hit = 1;
        }
    }
    /* Ids are published before their send, so every lParam is known. */
    if (!hit || wp != 0) {
        fprintf(stderr, "unexpected notification: hit %d wParam %lu lParam %ld\n", hit,
                (unsigned long)wp, (long)lp);
        atomic_fetch_add(&t->bad, 1);
    }
    HSNMP_PDU pdu;
    if (SnmpRecvMsg(s, NULL, NULL, NULL, &pdu) == SNMPAPI_SUCCESS) {
        smiINT32 id = 0;
        /* The owning thread may close the session meanwhile (then the PDU
         * is gone and GetPduData fails): only a readable PDU is checked. */
        if (SnmpGetPduData(pdu, NULL, &id, NULL, NULL, NULL) == SNMPAPI_SUCCESS &&
            id != (smiINT32)lp) {
            fprintf(stderr, "message %ld popped for notification %ld\n", (long)id, (long)lp);
            atomic_fetch_add(&t->bad, 1);
        }
        SnmpFreePdu(pdu);
    }
    return SNMPAPI_SUCCESS;
}

static void *
stress_thread(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int it = 0; it < NITER; it++) {
        struct sess_track *t = &tracks[me][it];
        HSNMP_SESSION s = SnmpCreateSession(NULL, 0, mgr_cb, t);
        if (!s) {
            atomic_fetch_add(&t->bad, 100);
            continue;
        }
        HSNMP_ENTITY dst = SnmpStrToEntity(s, agent_addr);
        HSNMP_CONTEXT ctx = eng_context(s, "public");
        /* Long timeout: every request the agent answers completes by its
         * response, never by a timeout. */
        SnmpSetTimeout(dst, 500);
        SnmpSetRetry(dst, 1);
        for (int i = 0; i < NREQ; i++) {
            smiINT32 id = send_get_track(s, dst, ctx, &t->ids[i], &t->sent, i + 1);
            if (id == 0)
                atomic_fetch_add(&t->bad, 1000);
            if ((i + it) % 3 == 0)
                t->cancelled[i] = SnmpCancelMsg(s, id) == SNMPAPI_SUCCESS;
        }
        if (it % 3 == 0) {
            SnmpClose(s);      /* close with answers in flight */
            continue;
        }
        /* Wait for every request that was not cancelled. */
        for (int k = 0; k < 500; k++) {
            int done = 1;
            for (int i = 0; i < NREQ; i++)
                if (!t->cancelled[i] && atomic_load(&t->got[i]) == 0)
                    done = 0;
            if (done)
                break;
            usleep(10000);
        }
        if (it % 3 == 1)
            SnmpFreeEntity(dst);   /* the rest goes with the session */
        SnmpClose(s);
    }
    return NULL;
}

static void
test_threads_send_cancel_close_while_answers_arrive(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    start_agent(agent_addr, sizeof agent_addr);
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, stress_thread, (void *)(intptr_t)i), 0);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    usleep(200000);   /* late answers to closed sessions and cancels land */
    int answered = 0, cancelled = 0;
    for (int i = 0; i < NTHREADS; i++) {
        for (int it = 0; it < NITER; it++) {
            struct sess_track *t = &tracks[i][it];
            assert_int_equal(atomic_load(&t->bad), 0);
            for (int r = 0; r < NREQ; r++) {
                int got = atomic_load(&t->got[r]);
                if (t->cancelled[r]) {
                    /* Cancelled: no notification at all, ever. */
                    assert_int_equal(got, 0);
                    cancelled++;
                } else if (it % 3 != 0) {
                    /* Answered exactly once, retransmissions notwithstanding. */
                    assert_int_equal(got, 1);
                    answered++;
                } else {
                    assert_true(got <= 1);
                }
            }
        }
    }
    assert_true(answered > 0);
    assert_true(cancelled > 0);
    assert_true(atomic_load(&agent_answers) > 0);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

/* ------------------------------------------------------------------------
 * SnmpClose from inside the session's own callback.
 * ---------------------------------------------------------------------- */
static atomic_int close_cb_calls;
static atomic_int close_cb_rc;

static SNMPAPI_STATUS CALLBACK
closing_cb(HSNMP_SESSION s, HWND w, UINT msg, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)w, (void)msg, (void)wp, (void)lp, (void)data;
    if (atomic_fetch_add(&close_cb_calls, 1) == 0)
        atomic_store(&close_cb_rc, (int)SnmpClose(s));
    return SNMPAPI_SUCCESS;
}

static void
test_close_from_callback_stops_all_notifications(void **state)
{
    (void)state;
    atomic_store(&close_cb_calls, 0);
    HSNMP_SESSION m;
    int sfd = manager_with_requests_in_flight(closing_cb, 20, 20, 1, &m);
    for (int i = 0; i < 300 && atomic_load(&close_cb_calls) == 0; i++)
        usleep(10000);
    usleep(500000);   /* well past the 200 ms timeouts of the silent requests */
    /* One notification (the answer), then the session closed itself: the
     * 20 timeouts are never reported. */
    assert_int_equal(atomic_load(&close_cb_calls), 1);
    assert_int_equal(atomic_load(&close_cb_rc), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpClose(m), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_SESSION_INVALID);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    close(sfd);
}

/* ------------------------------------------------------------------------
 * SnmpCleanup from inside a callback while other requests are in flight on
 * the same manager socket, then a fresh startup that works.
 * ---------------------------------------------------------------------- */
static atomic_int cleanup_cb_calls;
static atomic_int cleanup_done;

static SNMPAPI_STATUS CALLBACK
cleanup_cb(HSNMP_SESSION s, HWND w, UINT msg, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)s, (void)w, (void)msg, (void)wp, (void)lp, (void)data;
    if (atomic_fetch_add(&cleanup_cb_calls, 1) == 0) {
        SnmpCleanup();
        atomic_store(&cleanup_done, 1);
    }
    return SNMPAPI_SUCCESS;
}

static atomic_int plain_cb_calls;

static SNMPAPI_STATUS CALLBACK
plain_cb(HSNMP_SESSION s, HWND w, UINT msg, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)w, (void)msg, (void)lp, (void)data;
    HSNMP_PDU pdu;
    if (wp == 0 && SnmpRecvMsg(s, NULL, NULL, NULL, &pdu) == SNMPAPI_SUCCESS) {
        SnmpFreePdu(pdu);
        atomic_fetch_add(&plain_cb_calls, 1);
    }
    return SNMPAPI_SUCCESS;
}

static void
test_cleanup_from_callback_with_requests_in_flight(void **state)
{
    (void)state;
    HSNMP_SESSION m;
    int sfd = manager_with_requests_in_flight(cleanup_cb, 50, 1000, 1, &m);
    (void)m;
    char addr[64];
    for (int i = 0; i < 300 && !atomic_load(&cleanup_done); i++)
        usleep(10000);
    assert_int_equal(atomic_load(&cleanup_done), 1);
    usleep(100000);   /* the old I/O thread winds down */
    assert_int_equal(atomic_load(&cleanup_cb_calls), 1);
    /* Torn down: nothing works until the next startup. */
    assert_null(SnmpCreateSession(NULL, 0, plain_cb, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);

    /* A new startup gets a working engine. */
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    start_agent(addr, sizeof addr);
    HSNMP_SESSION m2 = SnmpCreateSession(NULL, 0, plain_cb, NULL);
    HSNMP_ENTITY a2 = SnmpStrToEntity(m2, addr);
    HSNMP_CONTEXT c2 = eng_context(m2, "public");
    assert_true(send_get(m2, a2, c2) != 0);
    for (int i = 0; i < 300 && atomic_load(&plain_cb_calls) == 0; i++)
        usleep(10000);
    assert_int_equal(atomic_load(&plain_cb_calls), 1);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    close(sfd);
}

/* The same from a timeout notification: the other requests' timers are due
 * in the same timer round. */
static void
test_cleanup_from_timeout_callback_with_timers_due(void **state)
{
    (void)state;
    atomic_store(&cleanup_cb_calls, 0);
    atomic_store(&cleanup_done, 0);
    HSNMP_SESSION m;
    int sfd = manager_with_requests_in_flight(cleanup_cb, 40, 10, 0, &m);
    (void)m;
    for (int i = 0; i < 300 && !atomic_load(&cleanup_done); i++)
        usleep(10000);
    assert_int_equal(atomic_load(&cleanup_done), 1);
    usleep(300000);
    assert_int_equal(atomic_load(&cleanup_cb_calls), 1);
    assert_null(SnmpCreateSession(NULL, 0, plain_cb, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
    close(sfd);
}

/* The same from the agent role: a request callback (the listener socket's
 * own dispatch) tears everything down, with more requests queued behind. */
static void
test_cleanup_from_agent_request_callback(void **state)
{
    (void)state;
    atomic_store(&cleanup_cb_calls, 0);
    atomic_store(&cleanup_done, 0);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", eng_free_udp_port());
    HSNMP_SESSION agent = SnmpCreateSession(NULL, 0, cleanup_cb, NULL);
    assert_int_equal(SnmpListen(SnmpStrToEntity(agent, addr), SNMPAPI_ON), SNMPAPI_SUCCESS);
    HSNMP_SESSION m = SnmpCreateSession(NULL, 0, drain_cb, NULL);
    HSNMP_ENTITY d = SnmpStrToEntity(m, addr);
    HSNMP_CONTEXT c = eng_context(m, "public");
    /* The first request may tear the engine down while later ones are
     * still being sent: those sends fail, which is fine. */
    assert_true(send_get(m, d, c) != 0);
    for (int i = 0; i < 19; i++)
        send_get(m, d, c);
    for (int i = 0; i < 300 && !atomic_load(&cleanup_done); i++)
        usleep(10000);
    assert_int_equal(atomic_load(&cleanup_done), 1);
    usleep(200000);
    assert_int_equal(atomic_load(&cleanup_cb_calls), 1);
    assert_null(SnmpCreateSession(NULL, 0, drain_cb, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
}

/* ------------------------------------------------------------------------
 * SnmpCleanup from the main thread while other threads send and answers
 * arrive: every thread's calls fail cleanly afterwards, nothing leaks.
 * ---------------------------------------------------------------------- */
static atomic_int stop_senders;

static SNMPAPI_STATUS CALLBACK
drain_cb(HSNMP_SESSION s, HWND w, UINT msg, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)w, (void)msg, (void)wp, (void)lp, (void)data;
    HSNMP_PDU pdu;
    if (SnmpRecvMsg(s, NULL, NULL, NULL, &pdu) == SNMPAPI_SUCCESS)
        SnmpFreePdu(pdu);
    return SNMPAPI_SUCCESS;
}

static void *
sender_thread(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop_senders)) {
        HSNMP_SESSION s = SnmpCreateSession(NULL, 0, drain_cb, NULL);
        if (!s) {
            usleep(1000);
            continue;
        }
        HSNMP_ENTITY d = SnmpStrToEntity(s, agent_addr);
        HSNMP_CONTEXT c = eng_context(s, "public");
        /* A listener too: binds run on the I/O thread while the teardown
         * may be stopping it. */
        char own[64];
        snprintf(own, sizeof own, "127.0.0.1:%u", eng_free_udp_port());
        SnmpListen(SnmpStrToEntity(s, own), SNMPAPI_ON);
        for (int i = 0; i < 8; i++)
            send_get(s, d, c);
        usleep(2000);
        SnmpClose(s);
    }
    return NULL;
}

static void
test_cleanup_while_threads_send(void **state)
{
    (void)state;
    atomic_store(&stop_senders, 0);
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    start_agent(agent_addr, sizeof agent_addr);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, sender_thread, NULL), 0);
    usleep(300000);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    usleep(50000);
    atomic_store(&stop_senders, 1);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    assert_null(SnmpCreateSession(NULL, 0, drain_cb, NULL));
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
}

/* ------------------------------------------------------------------------
 * SnmpStartup from a callback while another thread's SnmpCleanup waits for
 * the I/O thread: the startup fails instead of deadlocking both.
 * ---------------------------------------------------------------------- */
static atomic_int in_cb, cleanup_started, startup_rc, startup_err;

static SNMPAPI_STATUS CALLBACK
startup_cb(HSNMP_SESSION s, HWND w, UINT msg, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)s, (void)w, (void)msg, (void)wp, (void)lp, (void)data;
    if (atomic_fetch_add(&in_cb, 1) != 0)
        return SNMPAPI_SUCCESS;
    while (!atomic_load(&cleanup_started))
        usleep(1000);
    usleep(100000);   /* the cleanup is now waiting for this thread */
    atomic_store(&startup_rc, (int)SnmpStartup(NULL, NULL, NULL, NULL, NULL));
    atomic_store(&startup_err, (int)SnmpGetLastError(NULL));
    return SNMPAPI_SUCCESS;
}

static void
test_startup_in_callback_during_cleanup_does_not_deadlock(void **state)
{
    (void)state;
    atomic_store(&startup_rc, -1);
    HSNMP_SESSION m;
    int sfd = manager_with_requests_in_flight(startup_cb, 0, 100, 1, &m);
    for (int i = 0; i < 300 && !atomic_load(&in_cb); i++)
        usleep(10000);
    assert_int_equal(atomic_load(&in_cb), 1);
    atomic_store(&cleanup_started, 1);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    assert_int_equal(atomic_load(&startup_rc), SNMPAPI_FAILURE);
    assert_int_equal(atomic_load(&startup_err), SNMPAPI_OTHER_ERROR);
    /* Nothing half-started is left behind. */
    assert_null(SnmpCreateSession(NULL, 0, drain_cb, NULL));
    close(sfd);
}

/* ------------------------------------------------------------------------
 * Threads registering for traps at the same moment all get the trap port,
 * and a trap sent afterwards reaches every registered session.
 * ---------------------------------------------------------------------- */
#define NREG 6
static pthread_barrier_t reg_barrier;
static HSNMP_SESSION reg_sess[NREG];
static atomic_int reg_rc[NREG], reg_traps[NREG];

static SNMPAPI_STATUS CALLBACK
trap_cb(HSNMP_SESSION s, HWND w, UINT msg, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)w, (void)msg, (void)lp;
    HSNMP_PDU pdu;
    smiINT type = 0;
    if (wp == 0 && SnmpRecvMsg(s, NULL, NULL, NULL, &pdu) == SNMPAPI_SUCCESS) {
        SnmpGetPduData(pdu, &type, NULL, NULL, NULL, NULL);
        SnmpFreePdu(pdu);
    }
    if (type == SNMP_PDU_TRAP)
        atomic_fetch_add(&reg_traps[(intptr_t)data], 1);
    return SNMPAPI_SUCCESS;
}

static void *
register_thread(void *arg)
{
    intptr_t i = (intptr_t)arg;
    pthread_barrier_wait(&reg_barrier);
    atomic_store(&reg_rc[i], (int)SnmpRegister(reg_sess[i], NULL, NULL, NULL, NULL, SNMPAPI_ON));
    return NULL;
}

static void
test_concurrent_first_registrations_all_get_the_trap_port(void **state)
{
    (void)state;
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    uint16_t port = eng_free_udp_port();
    assert_int_equal(wn_wsnmp_set_trap_port(port), SNMPAPI_SUCCESS);
    for (int i = 0; i < NREG; i++) {
        reg_sess[i] = SnmpCreateSession(NULL, 0, trap_cb, (LPVOID)(intptr_t)i);
        assert_non_null(reg_sess[i]);
    }
    pthread_barrier_init(&reg_barrier, NULL, NREG);
    pthread_t th[NREG];
    for (int i = 0; i < NREG; i++)
        assert_int_equal(pthread_create(&th[i], NULL, register_thread, (void *)(intptr_t)i), 0);
    for (int i = 0; i < NREG; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&reg_barrier);
    for (int i = 0; i < NREG; i++)
        assert_int_equal(atomic_load(&reg_rc[i]), SNMPAPI_SUCCESS);

    /* A v2 trap to the port reaches all of them. */
    char dst[64];
    snprintf(dst, sizeof dst, "127.0.0.1:%u", port);
    HSNMP_SESSION tx = SnmpCreateSession(NULL, 0, drain_cb, NULL);
    HSNMP_ENTITY d = SnmpStrToEntity(tx, dst);
    HSNMP_CONTEXT c = eng_context(tx, "public");
    smiOID name;
    assert_true(SnmpStrToOid("1.3.6.1.2.1.1.3.0", &name) > 0);
    smiVALUE up;
    up.syntax = SNMP_SYNTAX_TIMETICKS;
    up.value.uNumber = 42;
    HSNMP_VBL vbl = SnmpCreateVbl(tx, &name, &up);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    assert_true(SnmpStrToOid("1.3.6.1.6.3.1.1.4.1.0", &name) > 0);
    smiOID trapoid;
    assert_true(SnmpStrToOid("1.3.6.1.4.1.311.1.2", &trapoid) > 0);
    smiVALUE tv;
    tv.syntax = SNMP_SYNTAX_OID;
    tv.value.oid = trapoid;
    assert_int_equal(SnmpSetVb(vbl, 0, &name, &tv), 2);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&trapoid);
    HSNMP_PDU pdu = SnmpCreatePdu(tx, SNMP_PDU_TRAP, 0, 0, 0, vbl);
    assert_int_equal(SnmpSendMsg(tx, NULL, d, c, pdu), SNMPAPI_SUCCESS);
    for (int k = 0; k < 300; k++) {
        int all = 1;
        for (int i = 0; i < NREG; i++)
            all &= atomic_load(&reg_traps[i]) == 1;
        if (all)
            break;
        usleep(10000);
    }
    for (int i = 0; i < NREG; i++)
        assert_int_equal(atomic_load(&reg_traps[i]), 1);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

/* ------------------------------------------------------------------------
 * SnmpClose from another thread while the session's callback runs: it
 * returns only once the callback has ended, so the application may free
 * its client data right after it.
 * ---------------------------------------------------------------------- */
static atomic_int slow_entered, slow_left;

static SNMPAPI_STATUS CALLBACK
slow_cb(HSNMP_SESSION s, HWND w, UINT msg, WPARAM wp, LPARAM lp, LPVOID data)
{
    (void)s, (void)w, (void)msg, (void)wp, (void)lp, (void)data;
    if (atomic_fetch_add(&slow_entered, 1) == 0) {
        usleep(200000);
        atomic_store(&slow_left, 1);
    }
    return SNMPAPI_SUCCESS;
}

static void
test_close_waits_for_the_running_callback(void **state)
{
    (void)state;
    HSNMP_SESSION m;
    int sfd = manager_with_requests_in_flight(slow_cb, 5, 10, 1, &m);
    for (int i = 0; i < 300 && !atomic_load(&slow_entered); i++)
        usleep(10000);
    assert_true(atomic_load(&slow_entered) >= 1);
    assert_int_equal(SnmpClose(m), SNMPAPI_SUCCESS);
    assert_int_equal(atomic_load(&slow_left), 1);
    /* Timeouts that fired while the slow callback ran may have been
     * notified before SnmpClose got the session; none after it returned. */
    int at_close = atomic_load(&slow_entered);
    usleep(300000);
    assert_int_equal(atomic_load(&slow_entered), at_close);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    close(sfd);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_send_cancel_close_while_answers_arrive),
        cmocka_unit_test(test_close_from_callback_stops_all_notifications),
        cmocka_unit_test(test_cleanup_from_callback_with_requests_in_flight),
        cmocka_unit_test(test_cleanup_from_timeout_callback_with_timers_due),
        cmocka_unit_test(test_cleanup_from_agent_request_callback),
        cmocka_unit_test(test_cleanup_while_threads_send),
        cmocka_unit_test(test_startup_in_callback_during_cleanup_does_not_deadlock),
        cmocka_unit_test(test_concurrent_first_registrations_all_get_the_trap_port),
        cmocka_unit_test(test_close_waits_for_the_running_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
