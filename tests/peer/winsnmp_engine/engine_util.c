/* engine_util.c: helpers shared by the in-process WinSNMP engine tests (loopback sockets, contexts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine_util.h"

int
eng_silent_socket(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t l = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

uint16_t
eng_free_udp_port(void)
{
    uint16_t p;
    close(eng_silent_socket(&p));
    return p;
}

HSNMP_CONTEXT
eng_context(HSNMP_SESSION s, const char *community)
{
    smiOCTETS c = {(smiUINT32)strlen(community), (smiLPBYTE)community};
    return SnmpStrToContext(s, &c);
}
