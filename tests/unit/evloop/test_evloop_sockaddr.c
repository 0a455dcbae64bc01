/* test_evloop_sockaddr.c: table tests of address parsing, formatting, comparison and UDP open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "base.h"
#include "evloop.h"

struct parse_case {
    const char *in;
    int err;
    int family;
    const char *addr;       /* inet_ntop form */
    uint16_t port;
};

static const struct parse_case parse_cases[] = {
    { "1.2.3.4", 0, AF_INET, "1.2.3.4", 161 },
    { "1.2.3.4:162", 0, AF_INET, "1.2.3.4", 162 },
    { "127.0.0.1:0", 0, AF_INET, "127.0.0.1", 0 },
    { "255.255.255.255:65535", 0, AF_INET, "255.255.255.255", 65535 },
    { "localhost", 0, AF_INET, "127.0.0.1", 161 },
    { "LocalHost:1161", 0, AF_INET, "127.0.0.1", 1161 },
    { "::1", 0, AF_INET6, "::1", 161 },
    { "::", 0, AF_INET6, "::", 161 },
    { "[::1]:10161", 0, AF_INET6, "::1", 10161 },
    { "[::1]", 0, AF_INET6, "::1", 161 },
    { "2001:db8::1:2", 0, AF_INET6, "2001:db8::1:2", 161 },
    { "::ffff:1.2.3.4", 0, AF_INET6, "::ffff:1.2.3.4", 161 },
    { "[2001:db8::5]:7", 0, AF_INET6, "2001:db8::5", 7 },
    { "", WN_E_INVAL, 0, NULL, 0 },
    { "1.2.3.4:", WN_E_INVAL, 0, NULL, 0 },
    { "1.2.3.4:65536", WN_E_INVAL, 0, NULL, 0 },
    { "1.2.3.4:123456", WN_E_INVAL, 0, NULL, 0 },
    { "1.2.3.4:-1", WN_E_INVAL, 0, NULL, 0 },
    { "1.2.3.4:16x", WN_E_INVAL, 0, NULL, 0 },
    { ":161", WN_E_INVAL, 0, NULL, 0 },
    { "[::1", WN_E_INVAL, 0, NULL, 0 },
    { "[]:161", WN_E_INVAL, 0, NULL, 0 },
    { "[::1]161", WN_E_INVAL, 0, NULL, 0 },
    { "[1.2.3.4]:161", WN_E_INVAL, 0, NULL, 0 },
    { "fe80::1%no-such-if0", WN_E_INVAL, 0, NULL, 0 },
    { "fe80::1%", WN_E_INVAL, 0, NULL, 0 },
    { "1.2.3", WN_E_RESOLVE, 0, NULL, 0 },
    { "1.2.3.4.5", WN_E_RESOLVE, 0, NULL, 0 },
    { "256.1.1.1", WN_E_RESOLVE, 0, NULL, 0 },
    { "example.com", WN_E_RESOLVE, 0, NULL, 0 },
    { "example.com:161", WN_E_RESOLVE, 0, NULL, 0 },
    { "1:2:3:4:5:6:7:8:9", WN_E_RESOLVE, 0, NULL, 0 },
    { "::1%lo%lo", WN_E_INVAL, 0, NULL, 0 },
};

static void
test_sockaddr_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < WN_ARRAY_SIZE(parse_cases); i++) {
        const struct parse_case *c = &parse_cases[i];
        struct sockaddr_storage ss;
        socklen_t len = 0;
        int err = wn_sockaddr_parse(c->in, 161, &ss, &len);
        if (err != c->err)
            fail_msg("parse \"%s\": got %s want %s", c->in, wn_errname(err), wn_errname(c->err));
        if (err)
            continue;
        assert_int_equal(ss.ss_family, c->family);
        char buf[INET6_ADDRSTRLEN];
        if (c->family == AF_INET) {
            const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
            assert_int_equal(len, sizeof(*sin));
            inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
            assert_int_equal(ntohs(sin->sin_port), c->port);
        } else {
            const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
            assert_int_equal(len, sizeof(*sin6));
            inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
            assert_int_equal(ntohs(sin6->sin6_port), c->port);
            assert_int_equal(sin6->sin6_scope_id, 0);
        }
        assert_string_equal(buf, c->addr);
    }
    struct sockaddr_storage ss;
    socklen_t len;
    assert_int_equal(wn_sockaddr_parse(NULL, 161, &ss, &len), WN_E_INVAL);
    char big[300];
    memset(big, '1', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(wn_sockaddr_parse(big, 161, &ss, &len), WN_E_INVAL);
}

static void
test_sockaddr_parse_scope_by_name_and_number(void **state)
{
    (void)state;
    unsigned lo = if_nametoindex("lo");
    if (lo == 0)
        skip();
    struct sockaddr_storage ss;
    socklen_t len;
    assert_int_equal(wn_sockaddr_parse("fe80::1%lo", 161, &ss, &len), 0);
    assert_int_equal(((struct sockaddr_in6 *)&ss)->sin6_scope_id, lo);
    assert_int_equal(wn_sockaddr_parse("[fe80::2%lo]:99", 161, &ss, &len), 0);
    assert_int_equal(((struct sockaddr_in6 *)&ss)->sin6_scope_id, lo);
    assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 99);
    char buf[WN_SOCKADDR_STRLEN];
    assert_true(wn_sockaddr_format((struct sockaddr *)&ss, buf, sizeof(buf), 1) > 0);
    assert_string_equal(buf, "[fe80::2%lo]:99");
    assert_int_equal(wn_sockaddr_parse("fe80::3%7", 161, &ss, &len), 0);
    assert_int_equal(((struct sockaddr_in6 *)&ss)->sin6_scope_id, 7);
}

static void
test_sockaddr_format_round_trips(void **state)
{
    (void)state;
    static const char *const with_port[] = {
        "1.2.3.4:161", "0.0.0.0:0", "[::1]:162", "[2001:db8::1]:65535", "[::ffff:1.2.3.4]:5",
    };
    static const char *const no_port[] = { "10.0.0.1", "::1", "2001:db8::42" };
    char buf[WN_SOCKADDR_STRLEN];
    struct sockaddr_storage ss;
    socklen_t len;
    for (size_t i = 0; i < WN_ARRAY_SIZE(with_port); i++) {
        assert_int_equal(wn_sockaddr_parse(with_port[i], 1, &ss, &len), 0);
        int n = wn_sockaddr_format((struct sockaddr *)&ss, buf, sizeof(buf), 1);
        assert_int_equal(n, (int)strlen(with_port[i]));
        assert_string_equal(buf, with_port[i]);
    }
    for (size_t i = 0; i < WN_ARRAY_SIZE(no_port); i++) {
        assert_int_equal(wn_sockaddr_parse(no_port[i], 1, &ss, &len), 0);
        assert_true(wn_sockaddr_format((struct sockaddr *)&ss, buf, sizeof(buf), 0) > 0);
        assert_string_equal(buf, no_port[i]);
    }
    /* Too small: error and an empty string, never a cut address. */
    assert_int_equal(wn_sockaddr_parse("1.2.3.4:161", 1, &ss, &len), 0);
    assert_int_equal(wn_sockaddr_format((struct sockaddr *)&ss, buf, 11, 1), WN_E_NOSPACE);
    assert_string_equal(buf, "");
    assert_int_equal(wn_sockaddr_format((struct sockaddr *)&ss, buf, 12, 1), 11);
    struct sockaddr bad = { .sa_family = AF_UNIX };
    assert_int_equal(wn_sockaddr_format(&bad, buf, sizeof(buf), 1), WN_E_INVAL);
    assert_int_equal(wn_sockaddr_len(&bad), 0);
}

static void
test_sockaddr_equal_compares_family_address_port(void **state)
{
    (void)state;
    struct sockaddr_storage a, b;
    socklen_t len;
    struct { const char *x, *y; int eq; } cases[] = {
        { "1.2.3.4:161", "1.2.3.4:161", 1 },
        { "1.2.3.4:161", "1.2.3.4:162", 0 },
        { "1.2.3.4:161", "1.2.3.5:161", 0 },
        { "::1", "[::1]:161", 1 },
        { "::1", "[::1]:162", 0 },
        { "::ffff:1.2.3.4", "1.2.3.4", 0 },
        { "fe80::1%1", "fe80::1%2", 0 },
        { "fe80::1%1", "fe80::1", 1 },
        { "fe80::1%1", "fe80::1%1", 1 },
    };
    for (size_t i = 0; i < WN_ARRAY_SIZE(cases); i++) {
        assert_int_equal(wn_sockaddr_parse(cases[i].x, 161, &a, &len), 0);
        assert_int_equal(wn_sockaddr_parse(cases[i].y, 161, &b, &len), 0);
        if (wn_sockaddr_equal((struct sockaddr *)&a, (struct sockaddr *)&b) != cases[i].eq)
            fail_msg("equal(%s, %s) != %d", cases[i].x, cases[i].y, cases[i].eq);
    }
    assert_int_equal(wn_sockaddr_equal(NULL, (struct sockaddr *)&b), 0);
}

/* Random strings over the address alphabet: parse never crashes, and
 * whatever parses formats to a string that parses to the same address. */
static void
test_sockaddr_parse_random_strings_round_trip(void **state)
{
    (void)state;
    static const char alphabet[] = "0123456789abcdef::..[]%lox1";
    uint32_t x = 2463534242u;
    long parsed = 0;
    for (int iter = 0; iter < 200000; iter++) {
        char in[48];
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        size_t n = x % 40;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            in[i] = alphabet[x % (sizeof(alphabet) - 1)];
        }
        in[n] = '\0';
        struct sockaddr_storage a, b;
        socklen_t la = 0, lb = 0;
        int err = wn_sockaddr_parse(in, 161, &a, &la);
        if (err) {
            assert_true(err == WN_E_INVAL || err == WN_E_RESOLVE);
            continue;
        }
        parsed++;
        char out[WN_SOCKADDR_STRLEN];
        assert_true(wn_sockaddr_format((struct sockaddr *)&a, out, sizeof(out), 1) > 0);
        if (wn_sockaddr_parse(out, 9, &b, &lb) != 0)
            fail_msg("\"%s\" formatted as \"%s\", which does not parse", in, out);
        assert_int_equal(la, lb);
        assert_true(wn_sockaddr_equal((struct sockaddr *)&a, (struct sockaddr *)&b));
    }
    assert_true(parsed > 100);   /* the alphabet does produce addresses */
}

static void
test_udp_open_binds_nonblocking_v6only(void **state)
{
    (void)state;
    struct sockaddr_storage ss;
    socklen_t len;
    int fd = -1;
    assert_int_equal(wn_sockaddr_parse("127.0.0.1:0", 0, &ss, &len), 0);
    assert_int_equal(wn_udp_open(AF_INET, (struct sockaddr *)&ss, len, &fd), 0);
    assert_true(fd >= 0);
    /* Non-blocking: an empty receive returns at once. */
    char c;
    assert_int_equal(recv(fd, &c, 1, 0), -1);
    struct sockaddr_storage bound;
    socklen_t bl = sizeof(bound);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&bound, &bl), 0);
    assert_int_not_equal(((struct sockaddr_in *)&bound)->sin_port, 0);
    /* Same port again: in use. */
    int fd2 = -1;
    assert_int_equal(wn_udp_open(AF_INET, (struct sockaddr *)&bound, bl, &fd2), WN_E_INUSE);
    close(fd);
    /* Family mismatch is refused before any syscall. */
    assert_int_equal(wn_udp_open(AF_INET6, (struct sockaddr *)&ss, len, &fd2), WN_E_INVAL);
    assert_int_equal(wn_udp_open(AF_UNIX, NULL, 0, &fd2), WN_E_INVAL);

    int fd6 = -1;
    assert_int_equal(wn_sockaddr_parse("[::]:0", 0, &ss, &len), 0);
    int err = wn_udp_open(AF_INET6, (struct sockaddr *)&ss, len, &fd6);
    if (err == WN_E_UNSUPPORTED)
        return;
    assert_int_equal(err, 0);
    int v6only = 0;
    socklen_t ol = sizeof(v6only);
    assert_int_equal(getsockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &ol), 0);
    assert_int_equal(v6only, 1);
    close(fd6);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sockaddr_parse_table),
        cmocka_unit_test(test_sockaddr_parse_scope_by_name_and_number),
        cmocka_unit_test(test_sockaddr_format_round_trips),
        cmocka_unit_test(test_sockaddr_equal_compares_family_address_port),
        cmocka_unit_test(test_sockaddr_parse_random_strings_round_trip),
        cmocka_unit_test(test_udp_open_binds_nonblocking_v6only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
