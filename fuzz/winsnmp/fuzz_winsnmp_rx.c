/* fuzz_winsnmp_rx.c: the WinSNMP engine's datagram path from recvmmsg to the application's queue, fuzz bytes injected on the manager socket (against an outstanding request) and on the SnmpListen and trap sockets, drained with SnmpRecvMsg. */
#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "engine_int.h"
#include "evloop.h"

/* Input layout:
 *   [0]    selector: bits 0-1 the socket (SEL_*); bit 2: the datagram
 *          comes from another port than the agent asked; bits 3-4 the
 *          outstanding request's type (GET, GETNEXT, GETBULK, SET)
 *   [1..4] the outstanding request's id, big-endian (manager sockets;
 *          at most 0 means 1)
 *   [5..]  the datagram
 * Seeds (fuzz/corpus/fuzz_winsnmp_rx/) are snmpd's answers to net-snmp
 * requests with the id those requests used, and net-snmp's requests,
 * traps and informs for the listener sockets, and SNMPv3 ones (a
 * discovery probe, snmptrap -v3 at authPriv and authNoPriv). */
enum { SEL_MGR_V2C, SEL_MGR_V1, SEL_AGENT, SEL_TRAP };
#define SEL_SOCK_MASK 3u
#define SEL_OTHER_PORT 4u
#define SEL_TYPE_SHIFT 3u
#define HEADER_LEN 5u
/* The Report-PDU (RFC 3416), which winsnmp.h does not name. */
#define PDU_REPORT (ASN_CONTEXT | ASN_CONSTRUCTOR | 0x8)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static HSNMP_SESSION session;
static HSNMP_ENTITY agent_v2, agent_v1, listen_ent;
static HSNMP_CONTEXT ctx;
static HSNMP_VBL vbl_get, vbl_set;
static uint16_t agent_port, listen_port;
static atomic_uint callbacks;
static atomic_uint last_wparam;
static atomic_int last_lparam;

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND h, UINT m, WPARAM w, LPARAM l, LPVOID d)
{
    (void)s, (void)h, (void)m, (void)d;
    atomic_store(&last_wparam, (unsigned)w);
    atomic_store(&last_lparam, (int)l);
    atomic_fetch_add(&callbacks, 1);
    return SNMPAPI_SUCCESS;
}

/* Every send is swallowed: requests, inform acknowledgements. */
static long
no_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
          socklen_t tolen)
{
    (void)fd, (void)buf, (void)flags, (void)to, (void)tolen;
    return (long)len;
}

/* A loopback UDP port free right now. */
static uint16_t
free_port(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) < 0)
        abort();
    close(fd);
    return ntohs(a.sin_port);
}

static HSNMP_ENTITY
entity(smiUINT32 mode, uint16_t port)
{
    char s[32];
    snprintf(s, sizeof s, "127.0.0.1:%u", (unsigned)port);
    SnmpSetTranslateMode(mode);
    HSNMP_ENTITY e = SnmpStrToEntity(session, s);
    if (!e || SnmpSetTimeout(e, 60000) != SNMPAPI_SUCCESS || SnmpSetRetry(e, 0) != SNMPAPI_SUCCESS)
        abort();
    return e;
}

/* SNMPv3: users for the v3 seeds (snmptrap -v3 as wsha and wmd5), and an
 * engine state file that cannot be written, so the local engine takes a
 * random ID and touches no file of the user running the fuzzer. */
static char db_path[] = "/tmp/wn-fuzz-rx-db-XXXXXX";

static void
remove_db(void)
{
    unlink(db_path);
}

static void
setup_v3(void)
{
    static const char users[] =
        "user wsha auth=SHA authpass=wsauthpass1 priv=AES privpass=wsprivpass1\n"
        "user wmd5 auth=MD5 authpass=wsmd5pass1\n";
    int fd = mkstemp(db_path);
    if (fd < 0 || write(fd, users, sizeof users - 1) != (ssize_t)(sizeof users - 1))
        abort();
    close(fd);
    atexit(remove_db);
    setenv("WSNMP_DB", db_path, 1);
    setenv("WSNMP_ENGINE_FILE", "/nonexistent/wn-fuzz-engine", 1);
}

static void
setup(void)
{
    setup_v3();
    wn_dgram_set_sendto(no_sendto);
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        abort();
    session = SnmpCreateSession(NULL, 0, cb, NULL);
    if (!session)
        abort();
    agent_port = free_port();
    agent_v2 = entity(SNMPAPI_UNTRANSLATED_V2, agent_port);
    agent_v1 = entity(SNMPAPI_UNTRANSLATED_V1, agent_port);
    listen_port = free_port();
    listen_ent = entity(SNMPAPI_UNTRANSLATED_V2, listen_port);
    smiOCTETS comm = {6, (smiLPBYTE) "public"};
    ctx = SnmpStrToContext(session, &comm);
    smiOID name;
    if (!ctx || SnmpStrToOid("1.3.6.1.2.1.1.1.0", &name) == SNMPAPI_FAILURE)
        abort();
    vbl_get = SnmpCreateVbl(session, &name, NULL);
    smiVALUE v;
    v.syntax = SNMP_SYNTAX_OCTETS;
    v.value.string.len = 4;
    v.value.string.ptr = (smiLPBYTE) "fuzz";
    vbl_set = SnmpCreateVbl(session, &name, &v);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&name);
    if (!vbl_get || !vbl_set)
        abort();
    if (SnmpListen(listen_ent, SNMPAPI_ON) != SNMPAPI_SUCCESS ||
        wn_wsnmp_set_trap_port(free_port()) != SNMPAPI_SUCCESS ||
        SnmpRegister(session, NULL, NULL, NULL, NULL, SNMPAPI_ON) != SNMPAPI_SUCCESS)
        abort();
}

struct inject {
    unsigned sock;
    const uint8_t *pkt;
    size_t len;
    struct sockaddr_in from;
};

/* On the I/O thread: the datagram as recvmmsg would give it. */
static void
inject_on_loop(void *arg)
{
    struct inject *in = arg;
    struct wn_dgram_sock *s = NULL;
    wn_ws_lock();
    if (in->sock == SEL_MGR_V2C || in->sock == SEL_MGR_V1) {
        s = wn_ws_eng.mgr[0];
    } else {
        for (unsigned i = 0; i < WN_WS_MAX_LISTENERS && !s; i++) {
            const struct wn_ws_listener *L = &wn_ws_eng.lst[i];
            if (L->used && L->sock && L->addr.ss_family == AF_INET &&
                L->kind == (in->sock == SEL_AGENT ? WN_WS_LISTENER_AGENT : WN_WS_LISTENER_TRAP))
                s = L->sock;
        }
    }
    wn_ws_unlock();
    if (!s)
        abort();
    if (wn_dgram_inject(s, in->pkt, in->len, (const struct sockaddr *)&in->from,
                        sizeof in->from) < 0)
        abort();
}

static void
nothing_on_loop(void *arg)
{
    (void)arg;
}

static struct wn_evloop *
loop(void)
{
    wn_ws_lock();
    struct wn_evloop *l = wn_ws_eng_loop();
    wn_ws_unlock();
    return l;
}

/* Takes every queued message; the number taken. */
static unsigned
drain(smiINT32 want_id, int *got_response)
{
    unsigned n = 0;
    for (;;) {
        HSNMP_ENTITY src = NULL, dst = NULL;
        HSNMP_CONTEXT c = NULL;
        HSNMP_PDU pdu = NULL;
        SNMPAPI_STATUS st = SnmpRecvMsg(session, &src, &dst, &c, &pdu);
        if (st != SNMPAPI_SUCCESS) {
            if (SnmpGetLastError(session) == SNMPAPI_NOOP)
                return n;
            n++;
            continue;
        }
        n++;
        smiINT type = 0;
        smiINT32 id = 0;
        if (SnmpGetPduData(pdu, &type, &id, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
            abort();
        if (want_id && (type == SNMP_PDU_RESPONSE || type == PDU_REPORT) && id == want_id)
            *got_response = 1;
        SnmpFreeEntity(src);
        SnmpFreeEntity(dst);
        SnmpFreeContext(c);
        SnmpFreePdu(pdu);
    }
}

static uint64_t
dropped(void)
{
    struct wn_wsnmp_stats st;
    wn_wsnmp_get_stats(&st);
    return st.dropped_malformed + st.dropped_stray;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const smiINT types[] = {SNMP_PDU_GET, SNMP_PDU_GETNEXT, SNMP_PDU_GETBULK,
                                   SNMP_PDU_SET};
    if (size < HEADER_LEN)
        return 0;
    if (!session)
        setup();
    struct inject in;
    memset(&in, 0, sizeof in);
    in.sock = data[0] & SEL_SOCK_MASK;
    in.pkt = data + HEADER_LEN;
    in.len = size - HEADER_LEN;
    in.from.sin_family = AF_INET;
    in.from.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int manager = in.sock == SEL_MGR_V2C || in.sock == SEL_MGR_V1;
    uint16_t port = manager ? agent_port : (uint16_t)(listen_port + 1);
    in.from.sin_port = htons((uint16_t)(data[0] & SEL_OTHER_PORT ? port + 1 : port));
    smiINT32 reqid = (smiINT32)(((uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 |
                                 (uint32_t)data[3] << 8 | data[4]) & 0x7fffffffu);
    if (reqid <= 0)
        reqid = 1;

    HSNMP_PDU req = NULL;
    if (manager) {
        smiINT type = types[(data[0] >> SEL_TYPE_SHIFT) & 3u];
        req = SnmpCreatePdu(session, type, reqid, 0, type == SNMP_PDU_GETBULK ? 5 : 0,
                            type == SNMP_PDU_SET ? vbl_set : vbl_get);
        if (!req || SnmpSendMsg(session, NULL, in.sock == SEL_MGR_V1 ? agent_v1 : agent_v2,
                                ctx, req) != SNMPAPI_SUCCESS)
            abort();
    }
    unsigned before = atomic_load(&callbacks);
    uint64_t dropped_before = dropped();
    /* After the posted send: the loop runs posted functions in order. */
    if (wn_evloop_call(loop(), inject_on_loop, &in) < 0)
        abort();
    unsigned calls = atomic_load(&callbacks) - before;
    int got_response = 0;
    unsigned taken = drain(manager ? reqid : 0, &got_response);
    if (taken != calls)
        abort();   /* one callback per queued message, exactly */
    if (manager) {
        /* The datagram answered the request (one callback, its id, and
         * SnmpRecvMsg gives the response) or was dropped and counted. */
        uint64_t counted = dropped() - dropped_before;
        if (calls > 1 || calls + counted != 1)
            abort();
        if (calls && (atomic_load(&last_lparam) != reqid || atomic_load(&last_wparam) != 0 ||
                      !got_response))
            abort();
        if (!calls && SnmpCancelMsg(session, reqid) != SNMPAPI_SUCCESS)
            abort();
        SnmpFreePdu(req);
        /* The cancel is posted to the I/O thread: let it free the job now,
         * so each input frees what it allocated (libFuzzer's leak check). */
        if (wn_evloop_call(loop(), nothing_on_loop, NULL) < 0)
            abort();
    }
    return 0;
}
