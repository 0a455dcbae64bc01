/* test_fault_overload.c: a v2c trap storm against a registered session, a request flood against an SnmpListen agent, and a descriptor limit of 64: bounded memory, counted drops, no crash or hang, normal service right after. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fault_util.h"
#include "wire_util.h"

/* The promises (docs/faults.md, "Overload"):
 *  - a session queues at most 65536 messages (WN_WSNMP_MAX_QUEUE); what
 *    arrives beyond that is dropped and counted in dropped_queue_full
 *    (wn_wsnmp_get_stats);
 *    datagrams the kernel dropped are sent - rx;
 *  - the storm costs at most OVERLOAD_MEM_BOUND_KB of resident memory;
 *  - right after the storm a request of another session is answered,
 *    and after draining, the flooded session works again;
 *  - with 64 descriptors, creating sessions and sending requests fail
 *    with SNMPAPI_TL_RESOURCE_ERROR (or succeed), never crash or hang,
 *    and work again once descriptors are free.
 * Caught deliberately broken builds: an unbounded queue (the drained
 * count exceeds 65536 and memory exceeds the bound), a queue-full path
 * that blocks the I/O thread (the request after the storm times out), a
 * socket error path that crashes or loses the request (child dies or
 * the wait times out). */

#define STORM_TRAPS 100000u
#define STORM_RATE 100000u            /* per second, paced in batches */
#define STORM_MAX_SECONDS 10u
#define QUEUE_DEPTH WN_WSNMP_MAX_QUEUE
#define OVERLOAD_MEM_BOUND_KB (96u * 1024u)

static struct wire_peers peers;
static unsigned trap_port;

static long
rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

static uint64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Encodes one message of `type` (trap: sysUpTime, snmpTrapOID, sysName;
 * get: sysName.0) for v2c "public" with the library itself. */
static size_t
encode(HSNMP_SESSION s, smiINT type, smiINT32 rid, uint8_t *out, size_t cap)
{
    HSNMP_ENTITY e = wire_entity(s, SNMPAPI_UNTRANSLATED_V2, "127.0.0.1:162");
    HSNMP_CONTEXT c = wire_context(s, SNMPAPI_UNTRANSLATED_V2, "public");
    static const char *const trap_names[] = {".1.3.6.1.2.1.1.3.0", ".1.3.6.1.6.3.1.1.4.1.0",
                                             ".1.3.6.1.2.1.1.5.0", NULL};
    static const char *const trap_values[] = {"t:42", "o:.1.3.6.1.6.3.1.1.5.1", "s:storm",
                                              NULL};
    static const char *const get_names[] = {".1.3.6.1.2.1.1.5.0", NULL};
    smiOID o;
    HSNMP_VBL vbl = SnmpCreateVbl(s, NULL, NULL);
    const char *const *names = type == SNMP_PDU_TRAP ? trap_names : get_names;
    for (size_t i = 0; names[i]; i++) {
        wire_oid(names[i], &o);
        smiVALUE v;
        memset(&v, 0, sizeof v);
        smiOID vo = {0, NULL};
        if (type == SNMP_PDU_TRAP) {
            const char *t = trap_values[i];
            if (t[0] == 't') {
                v.syntax = SNMP_SYNTAX_TIMETICKS;
                v.value.uNumber = 42;
            } else if (t[0] == 'o') {
                wire_oid(t + 2, &vo);
                v.syntax = SNMP_SYNTAX_OID;
                v.value.oid = vo;
            } else {
                v.syntax = SNMP_SYNTAX_OCTETS;
                v.value.string.ptr = (smiLPBYTE)(uintptr_t)(t + 2);
                v.value.string.len = (smiUINT32)strlen(t + 2);
            }
        }
        assert_int_not_equal(SnmpSetVb(vbl, 0, &o, type == SNMP_PDU_TRAP ? &v : NULL),
                             SNMPAPI_FAILURE);
        wire_oid_free(&o);
        if (vo.ptr)
            wire_oid_free(&vo);
    }
    HSNMP_PDU p = SnmpCreatePdu(s, type, rid, 0, 0, vbl);
    smiOCTETS msg;
    assert_true(SnmpEncodeMsg(s, NULL, e, c, p, &msg) > 0);
    assert_true(msg.len <= cap);
    memcpy(out, msg.ptr, msg.len);
    size_t n = msg.len;
    SnmpFreeDescriptor(SNMP_SYNTAX_OCTETS, &msg);
    SnmpFreePdu(p);
    SnmpFreeVbl(vbl);
    SnmpFreeContext(c);
    SnmpFreeEntity(e);
    return n;
}

/* Sends count copies of msg to 127.0.0.1:port at about STORM_RATE per
 * second (batches of 64 with sendmmsg), for at most STORM_MAX_SECONDS.
 * Returns how many were sent. */
static unsigned
storm(const uint8_t *msg, size_t len, unsigned port, unsigned count)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons((uint16_t)port);
    enum { BATCH = 64 };
    struct iovec iov[BATCH];
    struct mmsghdr mm[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = (void *)(uintptr_t)msg;
        iov[i].iov_len = len;
        memset(&mm[i], 0, sizeof mm[i]);
        mm[i].msg_hdr.msg_name = &to;
        mm[i].msg_hdr.msg_namelen = sizeof to;
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    uint64_t t0 = now_ms(), end = t0 + STORM_MAX_SECONDS * 1000u;
    unsigned sent = 0;
    while (sent < count && now_ms() < end) {
        /* pace: do not run ahead of STORM_RATE */
        uint64_t due = t0 + (uint64_t)sent * 1000u / STORM_RATE;
        if (now_ms() < due) {
            struct timespec ts = {0, 200000L};
            nanosleep(&ts, NULL);
            continue;
        }
        unsigned n = count - sent < BATCH ? count - sent : BATCH;
        int k = sendmmsg(fd, mm, n, 0);
        if (k > 0)
            sent += (unsigned)k;
    }
    close(fd);
    return sent;
}

static SNMPAPI_STATUS CALLBACK
count_cb(HSNMP_SESSION s, HWND h, UINT m, WPARAM w, LPARAM l, LPVOID d)
{
    (void)s, (void)h, (void)m, (void)w, (void)l;
    __atomic_add_fetch((unsigned *)d, 1, __ATOMIC_RELAXED);
    return SNMPAPI_SUCCESS;
}

/* Drains a session's queue; returns the number of messages.  A failed
 * request's report (SNMPAPI_TL_RESOURCE_ERROR, its PDU carrying the request
 * id report_rid) is counted in *reports when reports is not NULL; anything
 * else that is not a message is a failure. */
static unsigned
drain_reports(HSNMP_SESSION s, unsigned *reports, smiINT32 report_rid)
{
    unsigned n = 0;
    for (;;) {
        HSNMP_ENTITY src = NULL, dst = NULL;
        HSNMP_CONTEXT ctx = NULL;
        HSNMP_PDU pdu = NULL;
        if (SnmpRecvMsg(s, &src, &dst, &ctx, &pdu) == SNMPAPI_SUCCESS) {
            n++;
        } else {
            smiUINT32 err = SnmpGetLastError(s);
            if (err == SNMPAPI_NOOP)
                return n;
            assert_non_null(reports);
            assert_int_equal(err, SNMPAPI_TL_RESOURCE_ERROR);
            smiINT32 rid = 0;
            assert_non_null(pdu);
            assert_int_equal(SnmpGetPduData(pdu, NULL, &rid, NULL, NULL, NULL), SNMPAPI_SUCCESS);
            assert_int_equal(rid, report_rid);
            (*reports)++;
        }
        SnmpFreeEntity(src);
        SnmpFreeEntity(dst);
        SnmpFreeContext(ctx);
        SnmpFreePdu(pdu);
    }
}

static unsigned
drain(HSNMP_SESSION s)
{
    return drain_reports(s, NULL, 0);
}

/* A callback session registered for traps, and the trap the storms send
 * (into trap[cap]; *tl gets its length). */
static HSNMP_SESSION
trap_session(unsigned *calls, uint8_t *trap, size_t cap, size_t *tl)
{
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, count_cb, calls);
    assert_non_null(s);
    assert_int_equal(SnmpRegister(s, NULL, NULL, NULL, NULL, SNMPAPI_ON), SNMPAPI_SUCCESS);
    *tl = encode(s, SNMP_PDU_TRAP, 777, trap, cap);
    return s;
}

/* Waits until the stats stop moving (the I/O thread caught up). */
static void
settle(struct wn_wsnmp_stats *st)
{
    uint64_t last = UINT64_MAX;
    wn_wsnmp_get_stats(st);
    while (st->rx != last) {
        last = st->rx;
        wire_sleep_ms(200);
        wn_wsnmp_get_stats(st);
    }
}

/* A Get to snmpd from a fresh session: answered within 2 s, first try. */
static void
request_works(const char *label)
{
    struct wire_events ev;
    wire_events_init(&ev);
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, wire_events_cb, &ev);
    assert_non_null(s);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", peers.snmpd_port);
    HSNMP_ENTITY e = wire_entity(s, SNMPAPI_UNTRANSLATED_V2, addr);
    HSNMP_CONTEXT c = wire_context(s, SNMPAPI_UNTRANSLATED_V2, "public");
    assert_int_equal(SnmpSetTimeout(e, 200), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpSetRetry(e, 0), SNMPAPI_SUCCESS);
    const char *const names[] = {".1.3.6.1.2.1.1.5.0", NULL};
    struct wire_vb vb[2];
    size_t n = 0;
    smiINT es = -1, ei = -1;
    if (wire_request(s, &ev, e, c, SNMP_PDU_GET, 0, 0, names, NULL, vb, 2, &n, &es, &ei,
                     3000) != 0)
        fail_msg("%s: the request was not answered", label);
    assert_int_equal(es, 0);
    assert_int_equal(n, 1);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
    wire_events_destroy(&ev);
}

/* What one flood did. */
struct flood_result {
    unsigned sent, queued;
    struct wn_wsnmp_stats before, after;
    long rss_grew_kb;
};

/* Sends STORM_TRAPS copies of msg to port while session s does not read,
 * checks that another session is served meanwhile, then drains s. */
static struct flood_result
flood(HSNMP_SESSION s, const uint8_t *msg, size_t len, unsigned port, const char *label)
{
    struct flood_result r;
    settle(&r.before);
    long rss0 = rss_kb();
    r.sent = storm(msg, len, port, STORM_TRAPS);
    request_works(label);
    settle(&r.after);
    r.rss_grew_kb = rss_kb() - rss0;
    r.queued = drain(s);
    assert_true(r.sent >= STORM_TRAPS / 2);
    assert_true(r.queued <= QUEUE_DEPTH);
    assert_true(r.rss_grew_kb < (long)OVERLOAD_MEM_BOUND_KB);
    return r;
}

/* One more message to a drained session: its callback comes at once. */
static void
served_again(HSNMP_SESSION s, const unsigned *calls, const uint8_t *msg, size_t len,
             unsigned port)
{
    unsigned c0 = __atomic_load_n(calls, __ATOMIC_RELAXED);
    assert_int_equal(storm(msg, len, port, 1), 1);
    uint64_t end = wire_now_ms() + 3000;
    while (__atomic_load_n(calls, __ATOMIC_RELAXED) == c0 && wire_now_ms() < end)
        wire_sleep_ms(5);
    assert_int_equal(drain(s), 1);
}

static void
test_trap_storm_is_bounded_counted_and_harmless(void **state)
{
    (void)state;
    unsigned calls = 0;
    static uint8_t trap[512];
    size_t tl;
    HSNMP_SESSION s = trap_session(&calls, trap, sizeof trap, &tl);
    struct flood_result r = flood(s, trap, tl, trap_port, "during the tail of the trap storm");
    uint64_t received = r.after.traps_received - r.before.traps_received;
    uint64_t rx = r.after.rx - r.before.rx;
    print_message("trap storm: sent %u, received %llu, queued %u, dropped at the queue %llu, "
                  "dropped by the kernel %llu, callbacks %u, resident +%ld kB\n",
                  r.sent, (unsigned long long)received, r.queued,
                  (unsigned long long)(received - r.queued),
                  (unsigned long long)(r.sent > rx ? r.sent - rx : 0),
                  __atomic_load_n(&calls, __ATOMIC_RELAXED), r.rss_grew_kb);
    assert_true(r.queued <= received);
    if (received > QUEUE_DEPTH)
        assert_int_equal(r.queued, QUEUE_DEPTH);   /* full, then every later one dropped */
    else
        assert_int_equal(r.queued, received);
    /* every trap that reached the session and was not queued is counted */
    assert_int_equal(r.after.dropped_queue_full - r.before.dropped_queue_full,
                     received - r.queued);
    served_again(s, &calls, trap, tl, trap_port);
    request_works("after the trap storm");
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
}

/* A session whose queue is full sends a Get that snmpd answers: the answer
 * cannot be queued, so the request ends at once with its one notification,
 * SNMPAPI_TL_RESOURCE_ERROR (the failure entry needs no room in the queue),
 * and the answer is counted in dropped_queue_full.  Before, the request
 * ended with no notification at all. */
static void
test_answer_to_a_full_queue_ends_its_request_once(void **state)
{
    (void)state;
    unsigned calls = 0;
    static uint8_t trap[512];
    size_t tl;
    HSNMP_SESSION s = trap_session(&calls, trap, sizeof trap, &tl);
    struct wn_wsnmp_stats before, full, after;
    settle(&before);
    storm(trap, tl, trap_port, STORM_TRAPS);
    settle(&full);
    uint64_t queued = full.traps_received - before.traps_received -
                      (full.dropped_queue_full - before.dropped_queue_full);
    if (queued < QUEUE_DEPTH)
        fail_msg("the storm queued only %llu traps: the queue is not full",
                 (unsigned long long)queued);

    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", peers.snmpd_port);
    HSNMP_ENTITY e = wire_entity(s, SNMPAPI_UNTRANSLATED_V2, addr);
    HSNMP_CONTEXT c = wire_context(s, SNMPAPI_UNTRANSLATED_V2, "public");
    assert_int_equal(SnmpSetTimeout(e, 500), SNMPAPI_SUCCESS);   /* centiseconds: 5 s */
    assert_int_equal(SnmpSetRetry(e, 0), SNMPAPI_SUCCESS);
    smiOID o;
    wire_oid(".1.3.6.1.2.1.1.5.0", &o);
    HSNMP_VBL vbl = SnmpCreateVbl(s, &o, NULL);
    wire_oid_free(&o);
    HSNMP_PDU p = SnmpCreatePdu(s, SNMP_PDU_GET, 4711, 0, 0, vbl);
    unsigned c0 = __atomic_load_n(&calls, __ATOMIC_RELAXED);
    uint64_t t0 = wire_now_ms();
    assert_int_equal(SnmpSendMsg(s, NULL, e, c, p), SNMPAPI_SUCCESS);
    /* the notification comes with the answer, long before the 5 s timeout */
    while (__atomic_load_n(&calls, __ATOMIC_RELAXED) == c0 && wire_now_ms() < t0 + 4000)
        wire_sleep_ms(5);
    assert_int_equal(__atomic_load_n(&calls, __ATOMIC_RELAXED), c0 + 1);
    settle(&after);
    assert_int_equal(after.dropped_queue_full - full.dropped_queue_full, 1);

    /* The queue holds the traps, then the request's one report. */
    unsigned reports = 0;
    assert_int_equal(drain_reports(s, &reports, 4711), QUEUE_DEPTH);
    assert_int_equal(reports, 1);
    SnmpFreePdu(p);
    SnmpFreeVbl(vbl);
    SnmpFreeContext(c);
    SnmpFreeEntity(e);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
}

static void
test_request_flood_on_an_snmplisten_agent_is_bounded_and_harmless(void **state)
{
    (void)state;
    unsigned calls = 0;
    HSNMP_SESSION s = SnmpCreateSession(NULL, 0, count_cb, &calls);
    assert_non_null(s);
    unsigned port = wire_free_port();
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
    HSNMP_ENTITY me = wire_entity(s, SNMPAPI_UNTRANSLATED_V2, addr);
    assert_int_equal(SnmpListen(me, SNMPAPI_ON), SNMPAPI_SUCCESS);
    static uint8_t get[512];
    size_t gl = encode(s, SNMP_PDU_GET, 4242, get, sizeof get);
    struct flood_result r = flood(s, get, gl, port, "during the tail of the request flood");
    uint64_t rx = r.after.rx - r.before.rx;
    print_message("request flood: sent %u, received %llu, queued %u, resident +%ld kB\n", r.sent,
                  (unsigned long long)rx, r.queued, r.rss_grew_kb);
    assert_true(r.queued <= rx);
    uint64_t dropped = r.after.dropped_queue_full - r.before.dropped_queue_full;
    assert_true(dropped <= rx - r.queued);
    if (rx > QUEUE_DEPTH + 1000u) {
        assert_int_equal(r.queued, QUEUE_DEPTH);
        assert_true(dropped > 0);
    }
    served_again(s, &calls, get, gl, port);
    assert_int_equal(SnmpListen(me, SNMPAPI_OFF), SNMPAPI_SUCCESS);
    SnmpFreeEntity(me);
    assert_int_equal(SnmpClose(s), SNMPAPI_SUCCESS);
}

/* ---- descriptor limit ---- */

#define FD_LIMIT 64
#define MAX_HOG 128

/* Runs in a child with RLIMIT_NOFILE 64.  Exit 0 when every promise held. */
static int
fd_limit_child(void)
{
    struct rlimit rl = {FD_LIMIT, FD_LIMIT};
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 10;
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return 11;
    /* take every descriptor left */
    int hog[MAX_HOG], nh = 0;
    while (nh < MAX_HOG) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0)
            break;
        hog[nh++] = fd;
    }
    if (nh == MAX_HOG)
        return 12;
    struct wire_events ev;
    wire_events_init(&ev);
    /* sessions: need no descriptor, or fail with the resource error */
    int made = 0;
    HSNMP_SESSION s[100];
    for (int i = 0; i < 100; i++) {
        s[i] = SnmpCreateSession(NULL, 0, wire_events_cb, &ev);
        if (s[i])
            made++;
        else if (SnmpGetLastError(NULL) != SNMPAPI_TL_RESOURCE_ERROR &&
                 SnmpGetLastError(NULL) != SNMPAPI_ALLOC_ERROR)
            return 13;
    }
    if (made == 0)
        return 14;
    HSNMP_SESSION m = s[0];
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", peers.snmpd_port);
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    HSNMP_ENTITY e = SnmpStrToEntity(m, addr);
    smiOCTETS comm = {6, (smiLPBYTE) "public"};
    HSNMP_CONTEXT c = SnmpStrToContext(m, &comm);
    if (!e || !c)
        return 15;
    SnmpSetTimeout(e, 100);
    SnmpSetRetry(e, 0);
    smiOID o;
    SnmpStrToOid("1.3.6.1.2.1.1.5.0", &o);
    HSNMP_VBL v = SnmpCreateVbl(m, &o, NULL);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&o);
    HSNMP_PDU p = SnmpCreatePdu(m, SNMP_PDU_GET, 0, 0, 0, v);
    /* no descriptor for the manager socket: the request fails with the
     * resource error, at once or as its one notification */
    if (SnmpSendMsg(m, NULL, e, c, p) == SNMPAPI_SUCCESS) {
        struct wire_event w;
        if (wire_events_wait(&ev, 5000, &w) != 0)
            return 16;
        if (w.wparam != SNMPAPI_TL_RESOURCE_ERROR) {
            fprintf(stderr, "request ended with %lu\n", (unsigned long)w.wparam);
            return 17;
        }
    } else if (SnmpGetLastError(m) != SNMPAPI_TL_RESOURCE_ERROR) {
        fprintf(stderr, "SnmpSendMsg failed with %u\n", SnmpGetLastError(m));
        return 18;
    }
    /* listening and registering need a socket too */
    HSNMP_ENTITY me = SnmpStrToEntity(m, "127.0.0.1:1");
    if (SnmpListen(me, SNMPAPI_ON) == SNMPAPI_SUCCESS ||
        SnmpGetLastError(m) != SNMPAPI_TL_RESOURCE_ERROR) {
        fprintf(stderr, "SnmpListen: %u\n", SnmpGetLastError(m));
        return 19;
    }
    if (SnmpRegister(m, NULL, NULL, NULL, NULL, SNMPAPI_ON) == SNMPAPI_SUCCESS ||
        SnmpGetLastError(m) != SNMPAPI_TL_RESOURCE_ERROR) {
        fprintf(stderr, "SnmpRegister: %u\n", SnmpGetLastError(m));
        return 20;
    }
    /* descriptors back: the same session works */
    for (int i = 0; i < nh; i++)
        close(hog[i]);
    while (wire_events_wait(&ev, 0, NULL) == 0) {
    }
    if (SnmpSendMsg(m, NULL, e, c, p) != SNMPAPI_SUCCESS)
        return 21;
    struct wire_event w;
    if (wire_events_wait(&ev, 5000, &w) != 0 || w.wparam != 0)
        return 22;
    if (SnmpCleanup() != SNMPAPI_SUCCESS)
        return 23;
    wire_events_destroy(&ev);
    return 0;
}

static void
test_descriptor_limit_gives_resource_errors_not_crashes(void **state)
{
    (void)state;
    /* the child starts its own library instance */
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(fd_limit_child());
    int st = 0;
    uint64_t end = wire_now_ms() + 60000;
    while (waitpid(pid, &st, WNOHANG) == 0) {
        if (wire_now_ms() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            fail_msg("the child under ulimit -n %d hung", FD_LIMIT);
        }
        wire_sleep_ms(20);
    }
    assert_int_equal(SnmpStartup(NULL, NULL, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    if (!WIFEXITED(st))
        fail_msg("the child under ulimit -n %d died (signal %d)", FD_LIMIT, WTERMSIG(st));
    if (WEXITSTATUS(st) != 0)
        fail_msg("the child under ulimit -n %d failed check %d (see the source)", FD_LIMIT,
                 WEXITSTATUS(st));
}

static int
setup(void **state)
{
    (void)state;
    if (wire_peers_start(&peers, 1, 0) != 0)
        return -1;
    trap_port = fault_set_trap_port(wire_free_port());
    return SnmpStartup(NULL, NULL, NULL, NULL, NULL) == SNMPAPI_SUCCESS ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    int rc = SnmpCleanup() == SNMPAPI_SUCCESS ? 0 : -1;
    if (wire_peers_stop(&peers) != 0)
        rc = -1;
    return rc;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trap_storm_is_bounded_counted_and_harmless),
        cmocka_unit_test(test_answer_to_a_full_queue_ends_its_request_once),
        cmocka_unit_test(test_request_flood_on_an_snmplisten_agent_is_bounded_and_harmless),
        cmocka_unit_test(test_descriptor_limit_gives_resource_errors_not_crashes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
