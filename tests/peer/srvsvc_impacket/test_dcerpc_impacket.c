/* test_dcerpc_impacket.c: our DCE/RPC client and srvsvc stubs against impacket's DCE/RPC server (srvsvc_server.py) over loopback TCP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "srvsvc.h"

extern char **environ;

#define IO_TIMEOUT_MS 10000
#define RECV_CHUNK 65536

struct server {
    pid_t pid;
    int port;
};

/* [0]: unfragmented answers; [1]: 40 stub bytes per response fragment. */
static struct server servers[2];

static void
stop_server(struct server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
    }
    s->pid = 0;
}

/* Starts srvsvc_server.py and reads "PORT n"; 0, 77 (no impacket) or -1. */
static int
start_server(struct server *s, const char *max_frag)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    char *argv[] = {"/usr/bin/python3", WN_SERVER_SCRIPT, "tcp", (char *)max_frag, NULL};
    int rc = posix_spawn(&s->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        s->pid = 0;
        return -1;
    }
    char line[64];
    size_t n = 0;
    while (n < sizeof line - 1) {
        struct pollfd p = {fds[0], POLLIN, 0};
        if (poll(&p, 1, IO_TIMEOUT_MS) != 1)
            break;
        ssize_t k = read(fds[0], line + n, 1);
        if (k <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = 0;
    close(fds[0]);
    if (sscanf(line, "PORT %d", &s->port) == 1 && s->port > 0)
        return 0;
    int st;
    if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
        s->pid = 0;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
            return 77;
    }
    stop_server(s);
    return -1;
}

static int skip_all;

static int
group_setup(void **state)
{
    (void)state;
    int a = start_server(&servers[0], "0");
    int b = a == 0 ? start_server(&servers[1], "40") : a;
    if (a == 77 || b == 77) {
        skip_all = 1;
        return 0;
    }
    /* DCERPC_TEST_HANG=FILE (tests/peer/snmp/test-peers-die.sh): write the
     * servers' PIDs to FILE once both listen, and hang, to be killed from
     * outside. */
    const char *hang = getenv("DCERPC_TEST_HANG");
    if (a == 0 && b == 0 && hang != NULL) {
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s.tmp", hang);
        FILE *f = fopen(tmp, "w");
        if (f == NULL)
            return -1;
        fprintf(f, "%ld\n%ld\n", (long)servers[0].pid, (long)servers[1].pid);
        if (fclose(f) != 0 || rename(tmp, hang) != 0)
            return -1;
        for (;;)
            pause();
    }
    return a == 0 && b == 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    stop_server(&servers[0]);
    stop_server(&servers[1]);
    return 0;
}

/* ------------------------------------------------------------------------
 * A TCP transport (ncacn_ip_tcp has no message mode: *more is always 0 and
 * the client reads again until each fragment is complete).
 * ---------------------------------------------------------------------- */
struct tcp {
    int fd;
};

static int
tcp_write(void *ctx, const uint8_t *buf, size_t len)
{
    struct tcp *t = ctx;
    while (len) {
        ssize_t k = send(t->fd, buf, len, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return WN_E_IO;
        buf += k;
        len -= (size_t)k;
    }
    return 0;
}

static int
tcp_read(void *ctx, struct wn_dynbuf *out, size_t max, int *more)
{
    struct tcp *t = ctx;
    *more = 0;
    struct pollfd p = {t->fd, POLLIN, 0};
    if (poll(&p, 1, IO_TIMEOUT_MS) != 1)
        return WN_E_TIMEOUT;
    uint8_t buf[RECV_CHUNK];
    ssize_t k = recv(t->fd, buf, max < sizeof buf ? max : sizeof buf, 0);
    if (k < 0)
        return WN_E_IO;
    if (k == 0)
        return WN_E_CLOSED;
    return wn_dynbuf_add(out, buf, (size_t)k);
}

static int
tcp_transceive(void *ctx, const uint8_t *in, size_t inlen, struct wn_dynbuf *out, int *more)
{
    int rc = tcp_write(ctx, in, inlen);
    return rc ? rc : tcp_read(ctx, out, RECV_CHUNK, more);
}

struct conn {
    struct tcp tcp;
    struct wn_dcerpc_transport t;
    struct wn_dcerpc_client c;
};

static void
connect_bind(struct conn *k, int which)
{
    if (skip_all)
        skip();
    k->tcp.fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(k->tcp.fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)servers[which].port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(k->tcp.fd, (struct sockaddr *)&a, sizeof a), 0);
    k->t.ctx = &k->tcp;
    k->t.transceive = tcp_transceive;
    k->t.write = tcp_write;
    k->t.read = tcp_read;
    assert_int_equal(wn_dcerpc_bind(&k->t, &wn_srvsvc_syntax, &wn_dcerpc_ndr20_syntax, &k->c), 0);
    assert_int_equal(k->c.bind_result, 0);
    assert_int_equal(k->c.assoc_group, 0x1234);     /* impacket's fixed value */
}

static void
disconnect(struct conn *k)
{
    close(k->tcp.fd);
}

/* UTF-16LE of the served strings. */
static const uint8_t u_10007[] = "1\0" "0\0" ".\0" "0\0" ".\0" "0\0" ".\0" "7\0";
static const uint8_t u_alice[] = "a\0l\0i\0c\0e\0";
static const uint8_t u_win10[] = "W\0i\0n\0d\0o\0w\0s\0 \0" "1\0" "0\0";
static const uint8_t u_nbsmb[] = "\\\0D\0e\0v\0i\0c\0e\0\\\0N\0e\0t\0b\0i\0o\0s\0S\0m\0b\0";
static const uint8_t u_reseau[] = {'r', 0, 0xe9, 0, 's', 0, 'e', 0, 'a', 0, 'u', 0};
static const uint8_t u_user[] = {0x28, 0x75, 0x37, 0x62};

static void
assert_bytes(const uint8_t *p, uint32_t len, const uint8_t *want, size_t wlen)
{
    if (!want) {
        assert_null(p);
        assert_int_equal(len, 0);
        return;
    }
    assert_non_null(p);
    assert_int_equal(len, wlen);
    assert_memory_equal(p, want, wlen);
}

static int
has(uint32_t level, int field)
{
    /* field: 0 user, 1 opens/flags, 2 cltype, 3 transport */
    switch (field) {
    case 0: return level != 0;
    case 1: return level == 1 || level == 2 || level == 502;
    case 2: return level == 2 || level == 502;
    default: return level == 502;
    }
}

static void
enum_level(struct conn *k, uint32_t level, const char *user, int resume)
{
    struct wn_dynbuf in, out;
    wn_dynbuf_init(&in, 65536);
    wn_dynbuf_init(&out, WN_DCERPC_MAX_STUB);
    uint8_t ubuf[16];
    struct wn_srvsvc_enum_args a = {{NULL, 0}, {NULL, 0}, {NULL, 0}, level, 0xffffffffu,
                                    resume >= 0, resume >= 0 ? (uint32_t)resume : 0};
    if (user) {
        for (size_t i = 0; i < strlen(user); i++) {
            ubuf[2 * i] = (uint8_t)user[i];
            ubuf[2 * i + 1] = 0;
        }
        a.user.data = ubuf;
        a.user.len = 2 * strlen(user);
    }
    assert_int_equal(wn_srvsvc_session_enum_encode(&in, &a), 0);
    uint32_t fault = 1;
    assert_int_equal(wn_dcerpc_call(&k->c, WN_SRVSVC_OPNUM_SESSION_ENUM, in.data, in.len, &out,
                                    &fault), 0);
    assert_int_equal(fault, 0);
    struct wn_srvsvc_enum_result *r = NULL;
    assert_int_equal(wn_srvsvc_session_enum_decode(out.data, out.len, &r), 0);
    assert_int_equal(r->level, level);
    assert_int_equal(r->status, 0);
    assert_int_equal(r->total_entries, 2);
    assert_int_equal(r->has_resume, resume >= 0);
    if (resume >= 0)
        assert_int_equal(r->resume_handle, (uint32_t)resume + 2);
    assert_int_equal(r->entries, user ? 1 : 2);

    const struct wn_srvsvc_session *s = &r->sessions[0];
    assert_bytes(s->cname, s->cname_len, u_10007, sizeof u_10007 - 1);
    assert_bytes(s->username, s->username_len, has(level, 0) ? u_alice : NULL,
                 sizeof u_alice - 1);
    assert_int_equal(s->num_opens, has(level, 1) ? 2 : 0);
    assert_int_equal(s->time, level ? 60 : 0);
    assert_int_equal(s->idle_time, level ? 5 : 0);
    assert_int_equal(s->user_flags, 0);
    assert_bytes(s->cltype, s->cltype_len, has(level, 2) ? u_win10 : NULL, sizeof u_win10 - 1);
    assert_bytes(s->transport, s->transport_len, has(level, 3) ? u_nbsmb : NULL,
                 sizeof u_nbsmb - 1);
    if (!user) {
        s = &r->sessions[1];
        assert_bytes(s->cname, s->cname_len, u_reseau, sizeof u_reseau);
        assert_bytes(s->username, s->username_len, has(level, 0) ? u_user : NULL,
                     sizeof u_user);
        assert_int_equal(s->num_opens, 0);
        assert_int_equal(s->time, level ? 7 : 0);
        assert_int_equal(s->idle_time, level ? 1 : 0);
        assert_int_equal(s->user_flags, has(level, 1) ? 1 : 0);
        assert_null(s->cltype);
        assert_null(s->transport);
    }
    wn_srvsvc_enum_result_free(r);
    wn_dynbuf_free(&in);
    wn_dynbuf_free(&out);
}

static void
test_impacket_enum_every_level_whole_and_fragmented(void **state)
{
    (void)state;
    static const uint32_t levels[] = {0, 1, 2, 10, 502};
    for (int which = 0; which < 2; which++) {
        struct conn k;
        connect_bind(&k, which);
        for (size_t i = 0; i < WN_ARRAY_SIZE(levels); i++)
            enum_level(&k, levels[i], NULL, -1);
        disconnect(&k);
    }
}

static void
test_impacket_enum_user_filter_and_resume_handle(void **state)
{
    (void)state;
    struct conn k;
    connect_bind(&k, 1);
    enum_level(&k, 502, "alice", -1);
    enum_level(&k, 1, NULL, 5);
    enum_level(&k, 10, "alice", 0);
    disconnect(&k);
}

static uint32_t
session_del(struct conn *k, const char *client)
{
    uint8_t cbuf[64];
    size_t n = strlen(client);
    for (size_t i = 0; i < n; i++) {
        cbuf[2 * i] = (uint8_t)client[i];
        cbuf[2 * i + 1] = 0;
    }
    struct wn_srvsvc_u16 c = {cbuf, 2 * n};
    struct wn_dynbuf in, out;
    wn_dynbuf_init(&in, 65536);
    wn_dynbuf_init(&out, 65536);
    assert_int_equal(wn_srvsvc_session_del_encode(&in, NULL, &c, NULL), 0);
    uint32_t fault = 1, st = 99;
    assert_int_equal(wn_dcerpc_call(&k->c, WN_SRVSVC_OPNUM_SESSION_DEL, in.data, in.len, &out,
                                    &fault), 0);
    assert_int_equal(fault, 0);
    assert_int_equal(wn_srvsvc_session_del_decode(out.data, out.len, &st), 0);
    wn_dynbuf_free(&in);
    wn_dynbuf_free(&out);
    return st;
}

static void
test_impacket_session_del_status_is_data(void **state)
{
    (void)state;
    struct conn k;
    connect_bind(&k, 0);
    assert_int_equal(session_del(&k, "\\\\10.0.0.7"), 0);
    assert_int_equal(session_del(&k, "\\\\nobody"), 2312);
    disconnect(&k);
}

static void
test_impacket_unknown_opnum_is_a_fault(void **state)
{
    (void)state;
    struct conn k;
    connect_bind(&k, 0);
    struct wn_dynbuf out;
    wn_dynbuf_init(&out, 65536);
    static const uint8_t stub[8];
    uint32_t fault = 0;
    assert_int_equal(wn_dcerpc_call(&k.c, 99, stub, sizeof stub, &out, &fault), WN_E_PROTOCOL);
    assert_int_equal(fault, 0x6e4);     /* impacket's RPC_S_CANNOT_SUPPORT */
    /* The association still works after a fault. */
    enum_level(&k, 1, NULL, -1);
    wn_dynbuf_free(&out);
    disconnect(&k);
}

int
main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_impacket_enum_every_level_whole_and_fragmented),
        cmocka_unit_test(test_impacket_enum_user_filter_and_resume_handle),
        cmocka_unit_test(test_impacket_session_del_status_is_data),
        cmocka_unit_test(test_impacket_unknown_opnum_is_a_fault),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
