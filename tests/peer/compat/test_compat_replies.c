/* test_compat_replies.c: a reply is accepted only with the version, community, id and address of its request; ids are not guessable (snmpd behind a proxy of ours). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat_util.h"

#define SYS_NAME_0 ".1.3.6.1.2.1.1.5.0"
#define SYS_NAME_VALUE "STRING: 776972652D736E6D7064"   /* "wire-snmpd" */
#define MAX_SEEN 256

/* The proxy: the library talks to it; it forwards each request to snmpd
 * and, before the real answer, sends the library a forged copy of it
 * (made by `forge`), which must be dropped. */
enum forge { FORGE_NONE, FORGE_COMMUNITY, FORGE_VERSION, FORGE_SOURCE };

static struct {
    int fd;                     /* the proxy's socket (talks to both sides) */
    int other_fd;               /* another socket, for forgeries from a wrong source */
    unsigned port;
    struct sockaddr_in agent;   /* snmpd */
    pthread_t th;
    int stop_pipe[2];
    pthread_mutex_t mu;
    enum forge forge;
    int32_t seen_ids[MAX_SEEN]; /* request ids seen on the wire */
    unsigned nseen;
    unsigned forged;            /* forgeries sent */
    int started;                /* the proxy thread runs */
} px;

static struct compat_fx fx;
static char proxy_addr[64];

/* Offsets in a v1/v2c message with short lengths (what snmpd sends for a
 * small answer): 30 L 02 01 <version> 04 L <community> A2 L 02 L <id>. */
static int
parse_small(const uint8_t *p, size_t n, size_t *ver_at, size_t *comm_at, size_t *comm_len,
            int32_t *id)
{
    if (n < 12 || p[0] != 0x30 || p[1] >= 0x80 || p[2] != 0x02 || p[3] != 0x01 || p[5] != 0x04 ||
        p[6] >= 0x80)
        return -1;
    *ver_at = 4;
    *comm_at = 7;
    *comm_len = p[6];
    size_t k = 7 + p[6];
    if (k + 4 > n || p[k + 1] >= 0x80 || p[k + 2] != 0x02 || p[k + 3] > 4 || k + 4 + p[k + 3] > n)
        return -1;
    int32_t v = (p[k + 4] & 0x80) ? -1 : 0;
    for (unsigned i = 0; i < p[k + 3]; i++)
        v = (int32_t)((uint32_t)v << 8 | p[k + 4 + i]);
    *id = v;
    return 0;
}

static void
replace(uint8_t *p, size_t n, const char *from, const char *to)
{
    size_t l = strlen(from);
    for (size_t i = 0; i + l <= n; i++)
        if (memcmp(p + i, from, l) == 0)
            memcpy(p + i, to, l);
}

static void *
proxy_main(void *arg)
{
    (void)arg;
    struct sockaddr_in client;
    memset(&client, 0, sizeof client);
    uint8_t buf[65536];
    for (;;) {
        struct pollfd p[2] = {{px.fd, POLLIN, 0}, {px.stop_pipe[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0 || (p[1].revents & POLLIN))
            return NULL;
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(px.fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n <= 0)
            continue;
        size_t va, ca, cl;
        int32_t id;
        if (parse_small(buf, (size_t)n, &va, &ca, &cl, &id) != 0)
            continue;
        if (from.sin_port != px.agent.sin_port) {
            /* a request from the library: note its id, pass it on */
            client = from;
            pthread_mutex_lock(&px.mu);
            if (px.nseen < MAX_SEEN)
                px.seen_ids[px.nseen++] = id;
            pthread_mutex_unlock(&px.mu);
            sendto(px.fd, buf, (size_t)n, 0, (struct sockaddr *)&px.agent, sizeof px.agent);
            continue;
        }
        /* snmpd's answer: first the forgery (same id, other contents), then
         * the real one. */
        pthread_mutex_lock(&px.mu);
        enum forge f = px.forge;
        pthread_mutex_unlock(&px.mu);
        if (f != FORGE_NONE) {
            uint8_t fake[65536];
            memcpy(fake, buf, (size_t)n);
            replace(fake, (size_t)n, "wire-snmpd", "evil-snmpd");
            int out = px.fd;
            if (f == FORGE_COMMUNITY)
                fake[ca + cl - 1] ^= 0x20;           /* "public" -> "publiC" */
            else if (f == FORGE_VERSION)
                fake[va] = fake[va] == 0 ? 1 : 0;   /* v2c <-> v1 */
            else
                out = px.other_fd;                  /* right bytes, wrong port */
            sendto(out, fake, (size_t)n, 0, (struct sockaddr *)&client, sizeof client);
            pthread_mutex_lock(&px.mu);
            px.forged++;
            pthread_mutex_unlock(&px.mu);
            usleep(20000);   /* the forgery is first in line */
        }
        sendto(px.fd, buf, (size_t)n, 0, (struct sockaddr *)&client, sizeof client);
    }
}

static int
bind_loopback(int *fd, unsigned *port)
{
    *fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    if (*fd < 0 || bind(*fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(*fd, (struct sockaddr *)&a, &l) != 0)
        return -1;
    if (port)
        *port = ntohs(a.sin_port);
    return 0;
}

static int
group_setup(void **state)
{
    (void)state;
    px.fd = px.other_fd = -1;
    if (compat_fx_start(&fx, 1, 0) != 0)
        return -1;
    pthread_mutex_init(&px.mu, NULL);
    if (bind_loopback(&px.fd, &px.port) != 0 || bind_loopback(&px.other_fd, NULL) != 0 ||
        pipe(px.stop_pipe) != 0)
        return -1;
    px.agent.sin_family = AF_INET;
    px.agent.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    px.agent.sin_port = htons((uint16_t)fx.peers.snmpd_port);
    if (pthread_create(&px.th, NULL, proxy_main, NULL) != 0)
        return -1;
    px.started = 1;
    snprintf(proxy_addr, sizeof proxy_addr, "127.0.0.1:%u", px.port);
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    int rc = compat_fx_stop(&fx);
    if (px.started && write(px.stop_pipe[1], "x", 1) == 1)
        pthread_join(px.th, NULL);
    if (px.fd >= 0)
        close(px.fd);
    if (px.other_fd >= 0)
        close(px.other_fd);
    return rc;
}

/* One GET through the proxy with forgery f in translate mode `mode`: the
 * request completes with snmpd's own value, the forgery is counted as
 * dropped.  Before the change the forgery completed the request and its
 * value ("evil-snmpd") reached the application. */
static void
get_through_forgery(enum forge f, smiUINT32 mode)
{
    HSNMP_ENTITY dst = wire_entity(fx.sess, mode, proxy_addr);
    HSNMP_CONTEXT ctx = wire_context(fx.sess, mode, "public");
    pthread_mutex_lock(&px.mu);
    px.forge = f;
    unsigned forged0 = px.forged;
    pthread_mutex_unlock(&px.mu);
    struct wn_wsnmp_stats before, after;
    wn_wsnmp_get_stats(&before);
    struct compat_reply r;
    assert_int_equal(compat_get(fx.sess, &fx.ev, NULL, dst, ctx, SYS_NAME_0, 5000, &r), 0);
    assert_int_equal(r.wparam, 0);
    assert_int_equal(r.recv_rc, SNMPAPI_SUCCESS);
    assert_string_equal(r.value, SYS_NAME_VALUE);
    compat_reply_release(&r);
    pthread_mutex_lock(&px.mu);
    assert_int_equal(px.forged, forged0 + 1);
    px.forge = FORGE_NONE;
    pthread_mutex_unlock(&px.mu);
    /* counted like the other bad datagrams (the forgery arrived first, so
     * it has been counted by the time the real answer was delivered) */
    wn_wsnmp_get_stats(&after);
    assert_true(after.dropped_stray + after.dropped_malformed >
                before.dropped_stray + before.dropped_malformed);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

static void
test_reply_with_other_community_is_dropped(void **state)
{
    (void)state;
    get_through_forgery(FORGE_COMMUNITY, SNMPAPI_UNTRANSLATED_V2);
    get_through_forgery(FORGE_COMMUNITY, SNMPAPI_UNTRANSLATED_V1);
}

static void
test_v1_reply_to_v2c_request_is_dropped(void **state)
{
    (void)state;
    get_through_forgery(FORGE_VERSION, SNMPAPI_UNTRANSLATED_V2);
}

static void
test_v2c_reply_to_v1_request_is_dropped(void **state)
{
    (void)state;
    get_through_forgery(FORGE_VERSION, SNMPAPI_UNTRANSLATED_V1);
}

/* Already checked before this change; kept so the rule stays whole. */
static void
test_reply_from_other_port_is_dropped(void **state)
{
    (void)state;
    get_through_forgery(FORGE_SOURCE, SNMPAPI_UNTRANSLATED_V2);
}

/* Ids the library picks are not sequential: one observed id does not give
 * the next.  Before the change every id was the previous one plus 1. */
static void
test_request_ids_are_not_guessable(void **state)
{
    (void)state;
    enum { N = 32 };
    HSNMP_ENTITY dst = wire_entity(fx.sess, SNMPAPI_UNTRANSLATED_V2, proxy_addr);
    HSNMP_CONTEXT ctx = wire_context(fx.sess, SNMPAPI_UNTRANSLATED_V2, "public");
    pthread_mutex_lock(&px.mu);
    px.nseen = 0;
    pthread_mutex_unlock(&px.mu);
    for (int i = 0; i < N; i++) {
        struct compat_reply r;
        assert_int_equal(compat_get(fx.sess, &fx.ev, NULL, dst, ctx, SYS_NAME_0, 5000, &r), 0);
        assert_int_equal(r.recv_rc, SNMPAPI_SUCCESS);
        compat_reply_release(&r);
    }
    pthread_mutex_lock(&px.mu);
    unsigned n = px.nseen;
    int32_t ids[MAX_SEEN];
    memcpy(ids, px.seen_ids, sizeof ids);
    pthread_mutex_unlock(&px.mu);
    assert_int_equal(n, N);
    unsigned close_pairs = 0;
    for (unsigned i = 1; i < n; i++) {
        assert_true(ids[i] > 0);
        int64_t d = (int64_t)ids[i] - ids[i - 1];
        if (d >= -1000 && d <= 1000)
            close_pairs++;
    }
    /* random 31-bit ids: two within 1000 of each other about once in a
     * million pairs */
    assert_true(close_pairs <= 1);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_with_other_community_is_dropped),
        cmocka_unit_test(test_v1_reply_to_v2c_request_is_dropped),
        cmocka_unit_test(test_v2c_reply_to_v1_request_is_dropped),
        cmocka_unit_test(test_reply_from_other_port_is_dropped),
        cmocka_unit_test(test_request_ids_are_not_guessable),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
