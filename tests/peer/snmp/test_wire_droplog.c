/* test_wire_droplog.c: WN_LOG=debug says, one line each, why the manager dropped a reply (another source address, a repeated answer, another community or version, a corrupt byte, a flood), never the community; without WN_LOG nothing (snmpd behind a proxy of ours). */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <winsnmp.h>

#include "wire_tool.h"
#include "wire_util.h"

/* WN_LOG is read once per process: the requests run in a child process of
 * this program ("child PORT"), its stderr in a file; the proxy runs here.
 * Before the change the debug run wrote none of the drop lines. */
#define CHILD_ARG "child"
#define COMMUNITY "private"          /* must never be logged */
#define FORGED_COMMUNITY "PRIVATE"   /* same length: the line says 7 octets */
#define REQ_TIMEOUT_CS 500           /* SnmpSetTimeout unit: 10 ms */
#define WAIT_MS 20000u
#define FORGERY_GAP_US 20000         /* the forgery is first in line */
#define FLOOD_COPIES 30              /* more than the log's 10 lines a second */
#define LATE_COPY_MS 1200            /* after the log's one-second window */
#define MAX_DGRAM 65536

/* What the proxy does to the answer of the n-th request it sees. */
enum step { ST_OTHER_ADDR, ST_REPEAT, ST_COMMUNITY, ST_CORRUPT, ST_VERSION, ST_FLOOD, ST_COUNT };

static struct {
    int fd;                    /* 127.0.0.1: talks to the library and snmpd */
    int alt_fd;                /* 127.0.0.2: answers from another address */
    unsigned port, alt_port;
    struct sockaddr_in agent;
    pthread_t th;
    int stop_pipe[2];
    int started;
    pthread_mutex_t mu;
    unsigned nreq;             /* distinct requests seen */
    int32_t last_id;
    int32_t id[ST_COUNT];      /* each step's request id */
    size_t len[ST_COUNT];      /* and the length of its bad datagram */
} px;

static struct wire_peers peer;
static char exe[PATH_MAX];

/* Skips a BER header at p[*at] (tag, then short or long length): 0, or -1
 * past the end. */
static int
ber_skip_head(const uint8_t *p, size_t n, size_t *at, size_t *clen)
{
    if (*at + 2 > n)
        return -1;
    size_t k = *at + 1, l = p[k++];
    if (l & 0x80) {
        size_t octets = l & 0x7f;
        if (octets > 2 || k + octets > n)
            return -1;
        for (l = 0; octets--;)
            l = l << 8 | p[k++];
    }
    *at = k;
    *clen = l;
    return 0;
}

/* The version byte's offset, the community's and the request id of a
 * v1/v2c message. */
static int
msg_fields(const uint8_t *p, size_t n, size_t *ver_at, size_t *comm_at, int32_t *id)
{
    size_t at = 0, l;
    if (ber_skip_head(p, n, &at, &l) || ber_skip_head(p, n, &at, &l) || l != 1)
        return -1;
    *ver_at = at;
    at += l;
    if (ber_skip_head(p, n, &at, &l))
        return -1;
    *comm_at = at;
    at += l;
    if (ber_skip_head(p, n, &at, &l) || ber_skip_head(p, n, &at, &l) || l < 1 || l > 4 ||
        at + l > n)
        return -1;
    uint32_t v = p[at] & 0x80 ? UINT32_MAX : 0;
    for (size_t i = 0; i < l; i++)
        v = v << 8 | p[at + i];
    *id = (int32_t)v;
    return 0;
}

static void
to_client(int fd, const uint8_t *b, size_t n, const struct sockaddr_in *client)
{
    (void)sendto(fd, b, n, 0, (const struct sockaddr *)client, sizeof *client);
}

/* snmpd's answer ans[0..n) to the request of step st: the bad datagram(s)
 * around the good one. */
static void
answer(enum step st, const uint8_t *ans, size_t n, const struct sockaddr_in *client)
{
    static uint8_t bad[MAX_DGRAM];
    size_t va, ca;
    int32_t id;
    memcpy(bad, ans, n);
    (void)msg_fields(bad, n, &va, &ca, &id);
    int after = st == ST_REPEAT || st == ST_FLOOD;
    if (after)
        to_client(px.fd, ans, n, client);
    switch (st) {
    case ST_OTHER_ADDR:
        to_client(px.alt_fd, bad, n, client);       /* right bytes, 127.0.0.2 */
        break;
    case ST_COMMUNITY:
        memcpy(bad + ca, FORGED_COMMUNITY, strlen(FORGED_COMMUNITY));
        to_client(px.fd, bad, n, client);
        break;
    case ST_CORRUPT:
        bad[1]++;                                   /* the message claims one more byte */
        to_client(px.fd, bad, n, client);
        break;
    case ST_VERSION:
        bad[va] = 0;                                /* SNMPv2c -> SNMPv1 */
        to_client(px.fd, bad, n, client);
        break;
    case ST_FLOOD:
        for (int i = 0; i < FLOOD_COPIES; i++)
            to_client(px.fd, ans, n, client);
        usleep(LATE_COPY_MS * 1000);
        to_client(px.fd, ans, n, client);
        break;
    default:                                        /* ST_REPEAT */
        usleep(FORGERY_GAP_US);
        to_client(px.fd, ans, n, client);
        break;
    }
    if (!after) {
        usleep(FORGERY_GAP_US);
        to_client(px.fd, ans, n, client);
    }
}

static void *
proxy_main(void *arg)
{
    (void)arg;
    static uint8_t buf[MAX_DGRAM];
    struct sockaddr_in client;
    memset(&client, 0, sizeof client);
    for (;;) {
        struct pollfd p[2] = {{px.fd, POLLIN, 0}, {px.stop_pipe[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0 || (p[1].revents & POLLIN))
            return NULL;
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(px.fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        size_t va, ca;
        int32_t id;
        if (n <= 0 || msg_fields(buf, (size_t)n, &va, &ca, &id) != 0)
            continue;
        if (from.sin_port != px.agent.sin_port) {
            client = from;
            pthread_mutex_lock(&px.mu);
            if (px.nreq == 0 || id != px.last_id) {
                if (px.nreq < ST_COUNT)
                    px.id[px.nreq] = id;
                px.nreq++;
                px.last_id = id;
            }
            pthread_mutex_unlock(&px.mu);
            (void)sendto(px.fd, buf, (size_t)n, 0, (struct sockaddr *)&px.agent, sizeof px.agent);
            continue;
        }
        pthread_mutex_lock(&px.mu);
        unsigned k = px.nreq ? px.nreq - 1 : 0;
        if (k < ST_COUNT)
            px.len[k] = (size_t)n;
        pthread_mutex_unlock(&px.mu);
        if (k < ST_COUNT)
            answer((enum step)k, buf, (size_t)n, &client);
        else
            to_client(px.fd, buf, (size_t)n, &client);
    }
}

static int
bind_udp(int *fd, const char *ip, unsigned *port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    socklen_t l = sizeof a;
    *fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (*fd < 0 || inet_pton(AF_INET, ip, &a.sin_addr) != 1 ||
        bind(*fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(*fd, (struct sockaddr *)&a, &l) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    return 0;
}

/* ------------------------------------------------------------------------
 * The child: one GET per step through the proxy, each answered.
 * ---------------------------------------------------------------------- */
static int
child(unsigned port)
{
    struct wire_events ev;
    HSNMP_SESSION sess;
    if (wire_session_open(&ev, &sess) != 0)
        return 2;
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
    HSNMP_ENTITY dst = wire_entity(sess, SNMPAPI_UNTRANSLATED_V2, addr);
    HSNMP_CONTEXT ctx = wire_context(sess, SNMPAPI_UNTRANSLATED_V2, COMMUNITY);
    const char *names[] = {".1.3.6.1.2.1.1.5.0", NULL};
    int rc = 0;
    if (SnmpSetTimeout(dst, REQ_TIMEOUT_CS) != SNMPAPI_SUCCESS ||
        SnmpSetRetry(dst, 0) != SNMPAPI_SUCCESS)
        rc = 3;
    for (int i = 0; i < ST_COUNT && rc == 0; i++) {
        smiINT32 rid;
        struct wire_event e;
        if (wire_send(sess, dst, ctx, SNMP_PDU_GET, 0, 0, names, NULL, &rid) != 0 ||
            wire_events_wait(&ev, WAIT_MS, &e) != 0 || (smiINT32)e.lparam != rid ||
            e.wparam != 0) {
            printf("step %d: not answered\n", i);
            rc = 4;
            break;
        }
        HSNMP_ENTITY src = NULL, me = NULL;
        HSNMP_CONTEXT c = NULL;
        HSNMP_PDU pdu = NULL;
        if (SnmpRecvMsg(sess, &src, &me, &c, &pdu) != SNMPAPI_SUCCESS) {
            printf("step %d: SnmpRecvMsg failed\n", i);
            rc = 5;
        }
        SnmpFreePdu(pdu);
        SnmpFreeEntity(src);
        SnmpFreeEntity(me);
        SnmpFreeContext(c);
    }
    /* The flood's late copy arrives while the session is still open. */
    wire_sleep_ms(2 * LATE_COPY_MS);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
    wire_session_close(&ev, sess);
    return rc;
}

/* ------------------------------------------------------------------------
 * The tests.
 * ---------------------------------------------------------------------- */
static int
group_setup(void **state)
{
    (void)state;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    px.fd = px.alt_fd = -1;
    if (wire_peers_start(&peer, 1, 0) != 0) {
        wire_peers_stop(&peer);
        return -1;
    }
    pthread_mutex_init(&px.mu, NULL);
    if (bind_udp(&px.fd, "127.0.0.1", &px.port) != 0 ||
        bind_udp(&px.alt_fd, "127.0.0.2", &px.alt_port) != 0 || pipe(px.stop_pipe) != 0)
        return -1;
    px.agent.sin_family = AF_INET;
    px.agent.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    px.agent.sin_port = htons((uint16_t)peer.snmpd_port);
    if (pthread_create(&px.th, NULL, proxy_main, NULL) != 0)
        return -1;
    px.started = 1;
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    int rc = wire_peers_stop(&peer);
    if (px.started && write(px.stop_pipe[1], "x", 1) == 1)
        pthread_join(px.th, NULL);
    if (px.fd >= 0)
        close(px.fd);
    if (px.alt_fd >= 0)
        close(px.alt_fd);
    return rc;
}

/* Runs the child with env (a shell prefix) through a fresh round of the
 * proxy's steps; returns its stderr (returned-owned). */
static char *
run_child(const char *env)
{
    pthread_mutex_lock(&px.mu);
    px.nreq = 0;
    pthread_mutex_unlock(&px.mu);
    char args[32];
    snprintf(args, sizeof args, CHILD_ARG " %u", px.port);
    char *text = wire_child_stderr(peer.dir, env, exe, args);
    if (!text)
        fail_msg("the child (%s) failed", env);
    pthread_mutex_lock(&px.mu);
    assert_int_equal(px.nreq, ST_COUNT);
    pthread_mutex_unlock(&px.mu);
    return text;
}

static void
expect(const char *log, const char *line)
{
    if (!strstr(log, line))
        fail_msg("missing in the WN_LOG=debug output: %s\n--- output:\n%s", line, log);
}

static unsigned
count(const char *log, const char *s)
{
    unsigned n = 0;
    for (const char *p = strstr(log, s); p; p = strstr(p + 1, s))
        n++;
    return n;
}

static void
test_debug_log_says_why_each_reply_was_dropped(void **state)
{
    (void)state;
    char *log = run_child("WN_LOG=debug");
    char want[512];
    const char *head = "[debug] winsnmp: dropped datagram from";
    unsigned p = px.port;
    snprintf(want, sizeof want, "%s 127.0.0.2:%u (%zu bytes): request %d went to 127.0.0.1:%u, "
             "not to this address\n", head, px.alt_port, px.len[ST_OTHER_ADDR],
             (int)px.id[ST_OTHER_ADDR], p);
    expect(log, want);
    snprintf(want, sizeof want, "%s 127.0.0.1:%u (%zu bytes): no outstanding request with id "
             "%d (a late or repeated answer, or not ours)\n", head, p, px.len[ST_REPEAT],
             (int)px.id[ST_REPEAT]);
    expect(log, want);
    snprintf(want, sizeof want, "%s 127.0.0.1:%u (%zu bytes): request %d: the community "
             "differs (the response's has %zu octets)\n", head, p, px.len[ST_COMMUNITY],
             (int)px.id[ST_COMMUNITY], strlen(FORGED_COMMUNITY));
    expect(log, want);
    /* The outer SEQUENCE claims one byte more than the datagram has: the
     * decoder's line names the check, the drop line follows it. */
    snprintf(want, sizeof want, "[debug] ber: parse check failed: length <= bytes left (");
    const char *chk = strstr(log, want);
    if (!chk)
        fail_msg("missing in the WN_LOG=debug output: %s\n--- output:\n%s", want, log);
    snprintf(want, sizeof want, "\n%s 127.0.0.1:%u (%zu bytes): malformed\n", head, p,
             px.len[ST_CORRUPT]);
    assert_ptr_equal(strstr(chk, want), strchr(chk, '\n'));
    snprintf(want, sizeof want, "%s 127.0.0.1:%u (%zu bytes): request %d is SNMPv2c, the "
             "response SNMPv1\n", head, p, px.len[ST_VERSION], (int)px.id[ST_VERSION]);
    expect(log, want);
    /* The flood: 10 lines a second at most, the others said in one line
     * when the late copy opens the next second (not all of them written,
     * however slowly the burst was read). */
    snprintf(want, sizeof want, "no outstanding request with id %d ", (int)px.id[ST_FLOOD]);
    unsigned lines = count(log, want);
    assert_true(lines >= 1 && lines < FLOOD_COPIES);
    expect(log, " more dropped datagrams not logged (at most 10 lines per 1000 ms)\n");
    /* Checked against the library before the change: no drop line at all
     * (the first expect failed). */
    if (strcasestr(log, COMMUNITY))
        fail_msg("the log holds the community:\n%s", log);
    free(log);
}

/* The same without WN_LOG: not one byte on stderr. */
static void
test_silent_without_wn_log(void **state)
{
    (void)state;
    char *log = run_child("env -u WN_LOG");
    if (log[0])
        fail_msg("stderr without WN_LOG:\n%s", log);
    free(log);
}

int
main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], CHILD_ARG))
        return child((unsigned)strtoul(argv[2], NULL, 10));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debug_log_says_why_each_reply_was_dropped),
        cmocka_unit_test(test_silent_without_wn_log),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
