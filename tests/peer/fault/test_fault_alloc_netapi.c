/* test_fault_alloc_netapi.c: the allocation-failure seam over every allocation of a NetSessionEnum call (SMB2, NTLMSSP, DCE/RPC, NDR, result packing) against impacket's SMB server: each ends in ERROR_NOT_ENOUGH_MEMORY, closes its connection and (ASan) leaks nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base.h"
#include "fault_util.h"
#include "lm.h"

/* Caught deliberately broken builds: an error path that skips a free or a
 * close (LeakSanitizer, or the descriptor count), a layer that turns
 * WN_E_NOMEM into another error (the status assertion names the point),
 * a failed allocation that is not checked (ASan/UBSan crash). */

#ifndef WN_SERVER_SCRIPT
#error "WN_SERVER_SCRIPT must name tests/peer/srvsvc_impacket/srvsvc_server.py"
#endif

static pid_t server = -1;


/* A TCP port free on 127.0.0.1 now (0 on failure). */
static unsigned
free_tcp_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    unsigned port = 0;
    if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(s, (struct sockaddr *)&a, &l) == 0)
        port = ntohs(a.sin_port);
    if (s >= 0)
        close(s);
    return port;
}

/* 0 once 127.0.0.1:port accepts connections (within about 10 s). */
static int
wait_listening(unsigned port)
{
    for (int i = 0; i < 200; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons((uint16_t)port);
        int ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0;
        if (s >= 0)
            close(s);
        if (ok)
            return 0;
        struct timespec ts = {0, 50000000L};
        nanosleep(&ts, NULL);
    }
    return -1;
}

static int
setup(void **state)
{
    (void)state;
    unsigned want = free_tcp_port();
    char portarg[16];
    snprintf(portarg, sizeof portarg, "%u", want);
    int p[2];
    if (pipe(p) != 0)
        return -1;
    server = fork();
    if (server == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execl("/usr/bin/python3", "python3", WN_SERVER_SCRIPT, "smb", portarg, "faultuser",
              "Fault-Pass-1", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    FILE *f = fdopen(p[0], "r");
    char line[64] = "";
    unsigned port = 0;
    if (!f || !fgets(line, sizeof line, f) || sscanf(line, "PORT %u", &port) != 1) {
        if (f)
            fclose(f);
        print_message("impacket SMB server did not start (%s)\n", line);
        return -1;
    }
    fclose(f);
    if (port != want || wait_listening(port) != 0) {
        print_message("impacket SMB server not listening on %u\n", want);
        return -1;
    }
    char buf[16];
    snprintf(buf, sizeof buf, "%u", port);
    setenv("NETAPI_SMB_PORT", buf, 1);
    setenv("NETAPI_USER", "faultuser", 1);
    setenv("NETAPI_PASSWORD", "Fault-Pass-1", 1);
    setenv("NETAPI_TIMEOUT_MS", "10000", 1);
    /* impacket's SMB server speaks SMB 2.x only: below the default floor */
    setenv("NETAPI_MIN_DIALECT", "2.0.2", 1);
    /* no connection kept between calls, so every call's descriptors must be
     * gone when it returns */
    setenv("NETAPI_CONN_IDLE_MS", "0", 1);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    if (server > 0) {
        kill(server, SIGTERM);
        waitpid(server, NULL, 0);
    }
    return 0;
}

static void
test_every_allocation_of_net_session_enum_can_fail(void **state)
{
    (void)state;
    wchar_t server_name[] = L"\\\\127.0.0.1";
    long n;
    for (n = 0; n < 100000; n++) {
        int fds = fault_fd_count();
        LPBYTE buf = NULL;
        DWORD read = 0, total = 0;
        wn_alloc_fail_after(n);
        NET_API_STATUS st = NetSessionEnum(server_name, NULL, NULL, 1, &buf,
                                           MAX_PREFERRED_LENGTH, &read, &total, NULL);
        unsigned long used = wn_alloc_count();
        wn_alloc_fail_after(-1);
        if (fault_fd_count() != fds)
            fail_msg("allocation %ld: %d descriptors before, %d after", n, fds, fault_fd_count());
        if ((unsigned long)n >= used) {
            /* nothing failed: the call must have worked */
            assert_int_equal(st, NERR_Success);
            assert_int_equal(read, 2);
            assert_non_null(buf);
            NetApiBufferFree(buf);
            break;
        }
        if (st != ERROR_NOT_ENOUGH_MEMORY)
            fail_msg("allocation %ld of %lu: NetSessionEnum returned %u, not "
                     "ERROR_NOT_ENOUGH_MEMORY", n, used, (unsigned)st);
        assert_null(buf);
    }
    print_message("NetSessionEnum: %ld allocation points failed in turn, then the call "
                  "succeeded\n", n);
    assert_true(n > 20);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_of_net_session_enum_can_fail),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
