/* chaos_proxy.c: seeded UDP proxy for fault tests: drops, duplicates, delays and reorders datagrams between one client and a loopback upstream. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Usage: chaos_proxy UPSTREAM_PORT PORTFILE [SEED [DROP%]]
 * Listens on 127.0.0.1 (free port, written to PORTFILE), forwards what the
 * client sends to 127.0.0.1:UPSTREAM_PORT and the answers back to the last
 * client address.  Per datagram, in each direction, from one xorshift
 * stream seeded with SEED (so a seed gives the same decisions for the same
 * traffic): DROP% dropped (default 30), then of the rest 10 % duplicated
 * (the copy 5 ms later), 20 % delayed 1-40 ms, 10 % held back until the
 * next datagram of the same direction has passed (reordered, at most
 * 60 ms), the others forwarded at once.  Runs until SIGTERM/SIGINT and
 * prints its counts to stderr. */

#define MAX_DGRAM 65535
#define MAX_HELD 256
#define DUP_DELAY_MS 5
#define MAX_DELAY_MS 40
#define REORDER_MAX_MS 60

struct held {
    int used, dir, wait_next;  /* wait_next: released when the next one of dir passes */
    uint64_t due_ms;
    size_t len;
    uint8_t *buf;
};

static volatile sig_atomic_t stop;
static uint64_t rng;
static struct held held[MAX_HELD];
static int lsock, usock;
static struct sockaddr_in client, upstream;
static int have_client;
static unsigned long n_in, n_drop, n_dup, n_delay, n_reorder, n_fwd;

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static uint32_t
next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static uint64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* dir 0: client -> upstream, 1: upstream -> client */
static void
emit(int dir, const uint8_t *buf, size_t len)
{
    if (dir == 0)
        (void)sendto(usock, buf, len, 0, (struct sockaddr *)&upstream, sizeof upstream);
    else if (have_client)
        (void)sendto(lsock, buf, len, 0, (struct sockaddr *)&client, sizeof client);
    n_fwd++;
}

static void
hold(int dir, const uint8_t *buf, size_t len, uint64_t due, int wait_next)
{
    for (int i = 0; i < MAX_HELD; i++) {
        if (held[i].used)
            continue;
        held[i].buf = malloc(len ? len : 1);
        if (!held[i].buf)
            break;
        memcpy(held[i].buf, buf, len);
        held[i].used = 1;
        held[i].dir = dir;
        held[i].len = len;
        held[i].due_ms = due;
        held[i].wait_next = wait_next;
        return;
    }
    emit(dir, buf, len); /* no room: forward */
}

static void
release(int i)
{
    emit(held[i].dir, held[i].buf, held[i].len);
    free(held[i].buf);
    held[i].used = 0;
}

static void
release_due(uint64_t now)
{
    for (int i = 0; i < MAX_HELD; i++)
        if (held[i].used && held[i].due_ms <= now)
            release(i);
}

/* A datagram of dir passed: the ones held for reordering follow it. */
static void
release_waiting(int dir)
{
    for (int i = 0; i < MAX_HELD; i++)
        if (held[i].used && held[i].wait_next && held[i].dir == dir)
            release(i);
}

static void
handle(int dir, const uint8_t *buf, size_t len, unsigned drop_pct)
{
    n_in++;
    uint32_t r = next_rand() % 100u;
    uint64_t now = now_ms();
    if (r < drop_pct) {
        n_drop++;
        return;
    }
    uint32_t k = next_rand() % 100u;
    if (k < 10) {
        n_dup++;
        emit(dir, buf, len);
        release_waiting(dir);
        hold(dir, buf, len, now + DUP_DELAY_MS, 0);
    } else if (k < 30) {
        n_delay++;
        hold(dir, buf, len, now + 1 + next_rand() % MAX_DELAY_MS, 0);
    } else if (k < 40) {
        n_reorder++;
        hold(dir, buf, len, now + REORDER_MAX_MS, 1);
    } else {
        emit(dir, buf, len);
        release_waiting(dir);
    }
}

static int
next_timeout(void)
{
    uint64_t now = now_ms(), best = UINT64_MAX;
    for (int i = 0; i < MAX_HELD; i++)
        if (held[i].used && held[i].due_ms < best)
            best = held[i].due_ms;
    if (best == UINT64_MAX)
        return 200;
    return best <= now ? 0 : (int)(best - now);
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: chaos_proxy UPSTREAM_PORT PORTFILE [SEED [DROP%%]]\n");
        return 2;
    }
    unsigned up = (unsigned)strtoul(argv[1], NULL, 10);
    rng = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;
    if (rng == 0)
        rng = 1;
    unsigned drop_pct = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 30;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lsock = socket(AF_INET, SOCK_DGRAM, 0);
    usock = socket(AF_INET, SOCK_DGRAM, 0);
    socklen_t sl = sizeof a;
    if (lsock < 0 || usock < 0 || bind(lsock, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(lsock, (struct sockaddr *)&a, &sl) != 0) {
        perror("chaos_proxy: socket");
        return 1;
    }
    upstream = a;
    upstream.sin_port = htons((uint16_t)up);
    FILE *pf = fopen(argv[2], "w");
    if (!pf) {
        perror(argv[2]);
        return 1;
    }
    fprintf(pf, "%u\n", ntohs(a.sin_port));
    fclose(pf);

    static uint8_t buf[MAX_DGRAM];
    while (!stop) {
        struct pollfd p[2] = {{lsock, POLLIN, 0}, {usock, POLLIN, 0}};
        int n = poll(p, 2, next_timeout());
        if (n < 0 && errno != EINTR)
            break;
        release_due(now_ms());
        if (n <= 0)
            continue;
        if (p[0].revents & POLLIN) {
            struct sockaddr_in from;
            socklen_t fl = sizeof from;
            ssize_t r = recvfrom(lsock, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
            if (r >= 0) {
                client = from;
                have_client = 1;
                handle(0, buf, (size_t)r, drop_pct);
            }
        }
        if (p[1].revents & POLLIN) {
            struct sockaddr_in from;
            socklen_t fl = sizeof from;
            ssize_t r = recvfrom(usock, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
            if (r >= 0 && from.sin_port == upstream.sin_port)
                handle(1, buf, (size_t)r, drop_pct);
        }
    }
    for (int i = 0; i < MAX_HELD; i++)
        if (held[i].used)
            free(held[i].buf);
    fprintf(stderr, "chaos_proxy: in %lu dropped %lu duplicated %lu delayed %lu reordered %lu sent %lu\n",
            n_in, n_drop, n_dup, n_delay, n_reorder, n_fwd);
    return 0;
}
