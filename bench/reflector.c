/* reflector.c: benchmark stand-in SNMP agent on loopback: answers each request by flipping its PDU tag to Response (recvmmsg/sendmmsg), or swallows everything (--sink). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define MAXMSG 1500

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* Reads one BER header at buf[*pos]; returns the content length or -1. */
static long
ber_header(const unsigned char *buf, size_t len, size_t *pos)
{
    if (*pos + 2 > len)
        return -1;
    (*pos)++; /* tag: single byte in SNMP */
    unsigned char b = buf[(*pos)++];
    if (b < 0x80)
        return b;
    unsigned n = b & 0x7f;
    if (n == 0 || n > 3 || *pos + n > len)
        return -1;
    long v = 0;
    for (unsigned i = 0; i < n; i++)
        v = (v << 8) | buf[(*pos)++];
    return v;
}

/* Flips a v1/v2c Get/GetNext/GetBulk/Set tag to Response (0xa2); 0 on success. */
static int
flip(unsigned char *buf, size_t len)
{
    size_t pos = 0;
    if (len < 2 || buf[0] != 0x30 || ber_header(buf, len, &pos) < 0)
        return -1;
    for (int skip = 0; skip < 2; skip++) { /* version, community */
        long l = ber_header(buf, len, &pos);
        if (l < 0 || pos + (size_t)l > len)
            return -1;
        pos += (size_t)l;
    }
    if (pos >= len)
        return -1;
    unsigned char t = buf[pos];
    if (t != 0xa0 && t != 0xa1 && t != 0xa3 && t != 0xa5)
        return -1;
    buf[pos] = 0xa2;
    return 0;
}

int
main(int argc, char **argv)
{
    int sink = 0, port = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sink"))
            sink = 1;
        else
            port = atoi(argv[i]);
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* Large buffers so that a burst of 10,000+ requests is not dropped here
     * (the FORCE variants need CAP_NET_ADMIN; fall back to the capped ones). */
    int big = 32 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) != 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("reflector: bind");
        return 1;
    }
    socklen_t sl = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    printf("PORT=%u\n", ntohs(sa.sin_port));
    fflush(stdout);
    struct sigaction act = {.sa_handler = on_signal};
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    if (sink) { /* a silent agent: never reads, never answers */
        while (!stop_flag)
            pause();
        return 0;
    }

    static unsigned char bufs[BATCH][MAXMSG];
    struct mmsghdr in[BATCH], out[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_in from[BATCH];
    unsigned long long answered = 0;
    while (!stop_flag) {
        memset(in, 0, sizeof in);
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = bufs[i];
            iov[i].iov_len = MAXMSG;
            in[i].msg_hdr.msg_iov = &iov[i];
            in[i].msg_hdr.msg_iovlen = 1;
            in[i].msg_hdr.msg_name = &from[i];
            in[i].msg_hdr.msg_namelen = sizeof from[i];
        }
        int n = recvmmsg(fd, in, BATCH, MSG_WAITFORONE, NULL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("reflector: recvmmsg");
            return 1;
        }
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (flip(bufs[i], in[i].msg_len) != 0)
                continue;
            iov[i].iov_len = in[i].msg_len;
            out[k].msg_hdr = in[i].msg_hdr;
            out[k].msg_len = 0;
            k++;
        }
        int off = 0;
        while (off < k) {
            int m = sendmmsg(fd, out + off, (unsigned)(k - off), 0);
            if (m < 0) {
                if (errno == EINTR)
                    continue;
                break; /* drop the rest, like a busy agent */
            }
            off += m;
        }
        answered += (unsigned long long)k;
    }
    fprintf(stderr, "reflector: answered %llu\n", answered);
    return 0;
}
