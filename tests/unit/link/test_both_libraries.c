/* test_both_libraries: one program linked against both shared libraries uses both, and sees only their public API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <lm.h>
#include <winsnmp.h>

/* WinSNMP through libwsnmp.so: start, convert an OID both ways, clean up. */
static void
test_winsnmp_works_beside_netsess(void **state)
{
    (void)state;
    smiUINT32 major, minor, level, tmode, rmode;
    assert_int_equal(SnmpStartup(&major, &minor, &level, &tmode, &rmode), SNMPAPI_SUCCESS);
    smiOID oid = {0, NULL};
    assert_int_equal(SnmpStrToOid("1.3.6.1.2.1.1.5.0", &oid), 9);
    char text[64];
    assert_int_not_equal(SnmpOidToStr(&oid, sizeof text, text), SNMPAPI_FAILURE);
    assert_string_equal(text, "1.3.6.1.2.1.1.5.0");
    assert_int_equal(SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid), SNMPAPI_SUCCESS);
    assert_int_equal(SnmpCleanup(), SNMPAPI_SUCCESS);
}

/* A local TCP port that refuses connections: bound, never listening. */
static int
refusing_port(int *fd_out)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *fd_out = fd;
    return ntohs(a.sin_port);
}

/* NetSession* through libnetsess.so: a buffer round trip, and an enumeration
 * against a port nobody listens on fails cleanly with nothing returned. */
static void
test_netsess_works_beside_winsnmp(void **state)
{
    (void)state;
    LPVOID buf = NULL;
    assert_int_equal(NetApiBufferAllocate(64, &buf), NERR_Success);
    assert_non_null(buf);
    assert_int_equal(NetApiBufferFree(buf), NERR_Success);

    int fd;
    char port[16];
    snprintf(port, sizeof port, "%d", refusing_port(&fd));
    setenv("NETAPI_SMB_PORT", port, 1);
    setenv("NETAPI_USER", "nobody", 1);
    setenv("NETAPI_PASSWORD", "secret", 1);
    LPBYTE out = (LPBYTE)&fd; /* not NULL, so a success would show */
    DWORD read = 7, total = 7, resume = 0;
    NET_API_STATUS st = NetSessionEnum(L"\\\\127.0.0.1", NULL, NULL, 10, &out,
                                       MAX_PREFERRED_LENGTH, &read, &total, &resume);
    assert_int_not_equal(st, NERR_Success);
    assert_int_not_equal(st, ERROR_NOT_ENOUGH_MEMORY);
    assert_int_equal(read, 0);
    assert_int_equal(total, 0);
    close(fd);
}

/* The internals (test seams, codecs, globals) are not reachable from a
 * program: each library keeps its own, hidden. */
static void
test_internals_are_hidden(void **state)
{
    (void)state;
    static const char *const internal[] = {
        "wn_alloc_fail_after", "wn_malloc", "wn_ber_read_tlv", "wn_log",
        "wn_evloop_acquire",   "wn_smb2_connect",   "wn_wipe",
    };
    for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++) {
        if (dlsym(RTLD_DEFAULT, internal[i]) != NULL)
            fail_msg("internal symbol %s is visible to programs", internal[i]);
    }
    assert_non_null(dlsym(RTLD_DEFAULT, "SnmpStartup"));
    assert_non_null(dlsym(RTLD_DEFAULT, "NetSessionEnum"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_winsnmp_works_beside_netsess),
        cmocka_unit_test(test_netsess_works_beside_winsnmp),
        cmocka_unit_test(test_internals_are_hidden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
