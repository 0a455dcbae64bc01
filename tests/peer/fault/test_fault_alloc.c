/* test_fault_alloc.c: the allocation-failure seam over every allocation of a WinSNMP request/response cycle (against snmpd) and of a trap delivery: each ends in the documented error, without a crash, a hang or (ASan) a leak. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>


#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "base.h"
#include "fault_util.h"
#include "wire_tool.h"

/* The promise (docs/faults.md): with allocation N failing (and every later
 * one: the seam is sticky), every WinSNMP call either succeeds or fails
 * with SNMPAPI_ALLOC_ERROR; an accepted request ends in exactly one
 * callback (its response, or SNMPAPI_TL_TIMEOUT when the I/O thread could
 * not allocate for the answer); SnmpCleanup then leaves nothing behind
 * (the next SnmpCleanup says NOT_INITIALIZED; ASan's leak check at exit
 * sees no block).
 * Caught deliberately broken builds: an error path that forgets a free
 * (LeakSanitizer names the allocation), one that maps WN_E_NOMEM to
 * another code (the error assertion prints the step), a job that is
 * neither answered nor timed out after a failed allocation on the I/O
 * thread (the callback wait fails), a double free on a failed path (ASan). */

static struct wire_peers peers;
static uint8_t trap_bytes[512];
static size_t trap_len;
static unsigned trap_port;

struct ev {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned n;
    WPARAM w;
};
static struct ev ev = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND h, UINT m, WPARAM w, LPARAM l, LPVOID d)
{
    (void)s, (void)h, (void)m, (void)l, (void)d;
    pthread_mutex_lock(&ev.mu);
    ev.n++;
    ev.w = w;
    pthread_cond_broadcast(&ev.cv);
    pthread_mutex_unlock(&ev.mu);
    return SNMPAPI_SUCCESS;
}

/* Waits up to ms for the callback count to exceed `seen`; the new count. */
static unsigned
wait_ev(unsigned seen, unsigned ms, WPARAM *w)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&ev.mu);
    while (ev.n == seen && pthread_cond_timedwait(&ev.cv, &ev.mu, &ts) == 0) {
    }
    unsigned n = ev.n;
    *w = ev.w;
    pthread_mutex_unlock(&ev.mu);
    return n;
}

static unsigned
ev_count(void)
{
    pthread_mutex_lock(&ev.mu);
    unsigned n = ev.n;
    pthread_mutex_unlock(&ev.mu);
    return n;
}

/* A failed call must say ALLOC_ERROR. */
#define EXPECT_ALLOC(sess, what)                                                          \
    do {                                                                                  \
        smiUINT32 e_ = SnmpGetLastError(sess);                                            \
        if (e_ != SNMPAPI_ALLOC_ERROR)                                                    \
            fail_msg("allocation %ld: %s failed with %u, not SNMPAPI_ALLOC_ERROR", n, what, \
                     (unsigned)e_);                                                       \
    } while (0)
/* A call that needs a transport resource (socket, I/O-thread job) may also
 * say SNMPAPI_TL_RESOURCE_ERROR, the engine's code for a NOMEM there. */
#define EXPECT_ALLOC_OR_TL(sess, what)                                                    \
    do {                                                                                  \
        smiUINT32 e_ = SnmpGetLastError(sess);                                            \
        if (e_ != SNMPAPI_ALLOC_ERROR && e_ != SNMPAPI_TL_RESOURCE_ERROR)                 \
            fail_msg("allocation %ld: %s failed with %u", n, what, (unsigned)e_);         \
    } while (0)

struct outcome {
    int completed;      /* the whole cycle succeeded */
};

/* One request/response cycle (or a trap delivery when trap != 0) with
 * allocation n failing. */
static struct outcome
cycle(long n, int trap)
{
    struct outcome o = {0};
    HSNMP_SESSION s = NULL;
    HSNMP_ENTITY e = NULL;
    HSNMP_CONTEXT c = NULL;
    HSNMP_VBL v = NULL;
    HSNMP_PDU p = NULL;
    smiOID name = {0, NULL};
    unsigned seen = 0;
    int accepted = 0;   /* SnmpSendMsg took a request: it has one callback */
    wn_alloc_fail_after(n);
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS) {
        EXPECT_ALLOC(NULL, "SnmpStartup");
        wn_alloc_fail_after(-1);
        return o;
    }
    s = SnmpCreateSession(NULL, 0, cb, NULL);
    if (!s) {
        EXPECT_ALLOC(NULL, "SnmpCreateSession");
        goto out;
    }
    seen = ev_count();
    WPARAM w = 0;
    if (trap) {
        if (SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_ON) != SNMPAPI_SUCCESS) {
            EXPECT_ALLOC_OR_TL(s, "SnmpRegister");
            goto out;
        }
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in to;
        memset(&to, 0, sizeof to);
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons((uint16_t)trap_port);
        assert_true(fd >= 0);
        assert_int_equal(sendto(fd, trap_bytes, trap_len, 0, (struct sockaddr *)&to, sizeof to),
                         (ssize_t)trap_len);
        close(fd);
        /* a trap the I/O thread could not allocate for is dropped: no callback */
        if (wait_ev(seen, 500, &w) == seen)
            goto out;
        assert_int_equal(w, 0);
    } else {
        char addr[64];
        snprintf(addr, sizeof addr, "127.0.0.1:%u", peers.snmpd_port);
        SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
        e = SnmpStrToEntity(s, addr);
        if (!e) {
            EXPECT_ALLOC(s, "SnmpStrToEntity");
            goto out;
        }
        smiOCTETS comm = {6, (smiLPBYTE) "public"};
        c = SnmpStrToContext(s, &comm);
        if (!c) {
            EXPECT_ALLOC(s, "SnmpStrToContext");
            goto out;
        }
        if (SnmpStrToOid("1.3.6.1.2.1.1.5.0", &name) == SNMPAPI_FAILURE) {
            EXPECT_ALLOC(NULL, "SnmpStrToOid");
            goto out;
        }
        v = SnmpCreateVbl(s, &name, NULL);
        if (!v) {
            EXPECT_ALLOC(s, "SnmpCreateVbl");
            goto out;
        }
        p = SnmpCreatePdu(s, SNMP_PDU_GET, 0, 0, 0, v);
        if (!p) {
            EXPECT_ALLOC(s, "SnmpCreatePdu");
            goto out;
        }
        if (SnmpSetTimeout(e, 20) != SNMPAPI_SUCCESS || SnmpSetRetry(e, 0) != SNMPAPI_SUCCESS)
            fail_msg("SnmpSetTimeout/Retry failed");
        if (SnmpSendMsg(s, NULL, e, c, p) != SNMPAPI_SUCCESS) {
            EXPECT_ALLOC_OR_TL(s, "SnmpSendMsg");
            goto out;
        }
        accepted = 1;
        /* One callback, exactly once: the response, or a timeout /
         * resource error (the request times out after 200 ms), even when
         * the I/O thread can allocate nothing more.  Before the failed
         * request became its own queue entry (engine.c
         * job_fail_and_unlock allocated the notice and freed the job
         * silently when it could not), allocation point 22 and on ended
         * here with no callback at all. */
        unsigned now = wait_ev(seen, 3000, &w);
        if (now == seen)
            fail_msg("allocation %ld: the accepted request ended without its callback", n);
        if (w != 0) {
            if (w != SNMPAPI_TL_TIMEOUT && w != SNMPAPI_TL_RESOURCE_ERROR &&
                w != SNMPAPI_ALLOC_ERROR)
                fail_msg("allocation %ld: request ended with %u", n, (unsigned)w);
            goto out;
        }
    }
    HSNMP_ENTITY src = NULL, dst = NULL;
    HSNMP_CONTEXT ctx = NULL;
    HSNMP_PDU got = NULL;
    if (SnmpRecvMsg(s, &src, &dst, &ctx, &got) != SNMPAPI_SUCCESS) {
        EXPECT_ALLOC(s, "SnmpRecvMsg");
        goto out;
    }
    smiINT type = 0;
    HSNMP_VBL gv = NULL;
    if (SnmpGetPduData(got, &type, NULL, NULL, NULL, &gv) != SNMPAPI_SUCCESS) {
        EXPECT_ALLOC(s, "SnmpGetPduData");
    } else {
        assert_int_equal(type, trap ? SNMP_PDU_TRAP : SNMP_PDU_RESPONSE);
        smiOID gn;
        smiVALUE val;
        if (SnmpGetVb(gv, trap ? 3 : 1, &gn, &val) != SNMPAPI_SUCCESS) {
            EXPECT_ALLOC(s, "SnmpGetVb");
        } else {
            assert_int_equal(val.syntax, SNMP_SYNTAX_OCTETS);
            o.completed = 1;
            SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&gn);
            SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, (smiLPOPAQUE)&val.value.string);
        }
        SnmpFreeVbl(gv);
    }
    SnmpFreeEntity(src);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
    SnmpFreePdu(got);
out:
    /* ... and never a second one (a timeout after the answer). */
    if (accepted && ev_count() != seen + 1)
        fail_msg("allocation %ld: %u callbacks for one request", n, ev_count() - seen);
    if (name.ptr)
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    /* the frees and SnmpClose/SnmpCleanup run with the failure still on */
    SnmpFreePdu(p);
    SnmpFreeVbl(v);
    SnmpFreeContext(c);
    SnmpFreeEntity(e);
    if (s && SnmpClose(s) != SNMPAPI_SUCCESS)
        fail_msg("allocation %ld: SnmpClose failed with %u", n, SnmpGetLastError(NULL));
    if (SnmpCleanup() != SNMPAPI_SUCCESS)
        fail_msg("allocation %ld: SnmpCleanup failed with %u", n, SnmpGetLastError(NULL));
    wn_alloc_fail_after(-1);
    /* everything is gone: the library is not initialised any more */
    assert_int_equal(SnmpCleanup(), SNMPAPI_FAILURE);
    assert_int_equal(SnmpGetLastError(NULL), SNMPAPI_NOT_INITIALIZED);
    return o;
}


/* Drives the failure over allocation 0, 1, 2, ... until a cycle needs no
 * more allocations than that (it then completed). */
static void
drive(int trap)
{
    long n = 0;
    /* WN_FAULT_ALLOC_FROM=N starts at allocation N (to debug one point) */
    const char *from = getenv("WN_FAULT_ALLOC_FROM");
    if (from)
        n = strtol(from, NULL, 10);
    for (; n < 20000; n++) {
        int fds = fault_fd_count();
        struct outcome o = cycle(n, trap);
        /* a descriptor closed late is not leaked: allow the I/O side 2 s */
        for (int i = 0; i < 100 && fault_fd_count() != fds; i++)
            wire_sleep_ms(20);
        if (fault_fd_count() != fds) {
            char *ls = NULL;
            wire_run(&ls, "ls -l /proc/%d/fd | tail -n 3", (int)getpid());
            print_message("%s", ls ? ls : "");
            free(ls);
        }
        if (fault_fd_count() != fds)
            fail_msg("allocation %ld: %d descriptors before the cycle, %d after SnmpCleanup",
                     n, fds, fault_fd_count());
        if (o.completed)
            break;
    }
    print_message("%s: %ld allocation points failed in turn, then the cycle completed\n",
                  trap ? "trap delivery" : "request/response", n);
    assert_true(n > 10);
    assert_true(n < 20000);
}

static void
test_every_allocation_of_a_request_response_cycle_can_fail(void **s)
{
    (void)s;
    drive(0);
}

static void
test_every_allocation_of_a_trap_delivery_can_fail(void **s)
{
    (void)s;
    drive(1);
}

/* The v2c trap sent to the library: sysUpTime, snmpTrapOID, sysName = "alloc". */
static void
encode_trap(void)
{
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, cb, NULL);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    HSNMP_ENTITY e = SnmpStrToEntity(s, "127.0.0.1:162");
    smiOCTETS comm = {6, (smiLPBYTE) "public"};
    HSNMP_CONTEXT c = SnmpStrToContext(s, &comm);
    smiOID o;
    smiVALUE v;
    HSNMP_VBL vbl = SnmpCreateVbl(s, NULL, NULL);
    memset(&v, 0, sizeof v);
    SnmpStrToOid("1.3.6.1.2.1.1.3.0", &o);
    v.syntax = SNMP_SYNTAX_TIMETICKS;
    v.value.uNumber = 42;
    SnmpSetVb(vbl, 0, &o, &v);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o);
    SnmpStrToOid("1.3.6.1.6.3.1.1.4.1.0", &o);
    smiOID trapoid;
    SnmpStrToOid("1.3.6.1.6.3.1.1.5.1", &trapoid);
    v.syntax = SNMP_SYNTAX_OID;
    v.value.oid = trapoid;
    SnmpSetVb(vbl, 0, &o, &v);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&trapoid);
    SnmpStrToOid("1.3.6.1.2.1.1.5.0", &o);
    v.syntax = SNMP_SYNTAX_OCTETS;
    v.value.string.len = 5;
    v.value.string.ptr = (smiLPBYTE) "alloc";
    assert_int_equal(SnmpSetVb(vbl, 0, &o, &v), 3);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o);
    HSNMP_PDU p = SnmpCreatePdu(s, SNMP_PDU_TRAP, 0, 0, 0, vbl);
    smiOCTETS out;
    assert_true(SnmpEncodeMsg(s, NULL, e, c, p, &out) > 0);
    assert_true(out.len <= sizeof trap_bytes);
    memcpy(trap_bytes, out.ptr, out.len);
    trap_len = out.len;
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &out);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

static int
setup(void **state)
{
    (void)state;
    if (wire_peers_start(&peers, 1, 0) != 0)
        return -1;
    trap_port = fault_set_trap_port(wire_free_port());
    encode_trap();
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    wn_alloc_fail_after(-1);
    return wire_peers_stop(&peers);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_of_a_request_response_cycle_can_fail),
        cmocka_unit_test(test_every_allocation_of_a_trap_delivery_can_fail),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
