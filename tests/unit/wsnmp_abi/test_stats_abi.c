/* test_stats_abi.c: wn_wsnmp_get_stats through the shared library never writes past the caller's struct, for a program built before the struct grew, before the size parameter, or against a newer header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

/* What a program built before the size parameter was declared with (the
 * header now makes the name a macro that passes the size). */
void(wn_wsnmp_get_stats)(struct wn_wsnmp_stats *out);

#define FILL 0xA5
/* The struct as it was before dropped_queue_full: 8 counters. */
#define SIZE_V0 (8 * sizeof(uint64_t))

static int sink_fd = -1;
static HSNMP_SESSION session;

static SNMPAPI_STATUS CALLBACK
cb(HSNMP_SESSION s, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID d)
{
    (void)s, (void)w, (void)m, (void)wp, (void)lp, (void)d;
    return SNMPAPI_SUCCESS;
}

static int
all_fill(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != FILL)
            return 0;
    return 1;
}

/* One GET to a UDP socket of ours that never answers, once: tx moves. */
static void
send_one_get(void)
{
    if (sink_fd >= 0)
        return;
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sink_fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(sink_fd >= 0);
    assert_int_equal(bind(sink_fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(sink_fd, (struct sockaddr *)&a, &alen), 0);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    assert_int_equal(SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2), SNMPAPI_SUCCESS);
    HSNMP_ENTITY dst = SnmpStrToEntity(session, addr);
    assert_non_null(dst);
    assert_int_equal(SnmpSetRetry(dst, 0), SNMPAPI_SUCCESS);
    smiOCTETS comm = { 6, (smiLPBYTE)(uintptr_t)"public" };
    HSNMP_CONTEXT ctx = SnmpStrToContext(session, &comm);
    assert_non_null(ctx);
    smiOID oid;
    assert_true(SnmpStrToOid("1.3.6.1.2.1.1.1.0", &oid) > 0);
    HSNMP_VBL vbl = SnmpCreateVbl(session, &oid, NULL);
    assert_non_null(vbl);
    SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&oid);
    HSNMP_PDU pdu = SnmpCreatePdu(session, SNMP_PDU_GET, 0, 0, 0, vbl);
    assert_non_null(pdu);
    assert_int_equal(SnmpSendMsg(session, NULL, dst, ctx, pdu), SNMPAPI_SUCCESS);
    unsigned char dgram[1500];
    assert_true(recv(sink_fd, dgram, sizeof dgram, 0) > 0);
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    SnmpFreeContext(ctx);
    SnmpFreeEntity(dst);
}

static int
setup(void **state)
{
    (void)state;
    smiUINT32 a, b, c, d, e;
    if (SnmpStartup(&a, &b, &c, &d, &e) != SNMPAPI_SUCCESS)
        return -1;
    session = SnmpCreateSession(NULL, 0, cb, NULL);
    return session == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    (void)state;
    SnmpClose(session);
    SnmpCleanup();
    if (sink_fd >= 0)
        close(sink_fd);
    return 0;
}

/* A program built before the size parameter, with the 8-counter struct,
 * calls the exported function: its 8 counters are written, the byte after
 * its struct is not.  (Against the code before this change the ninth
 * counter overwrote those bytes: checked.) */
static void
test_old_program_gets_its_counters_and_nothing_more(void **state)
{
    (void)state;
    send_one_get();
    unsigned char buf[SIZE_V0 + 32];
    memset(buf, FILL, sizeof buf);
    (wn_wsnmp_get_stats)((struct wn_wsnmp_stats *)(void *)buf);
    assert_true(all_fill(buf + SIZE_V0, sizeof buf - SIZE_V0));
    uint64_t tx;
    memcpy(&tx, buf + offsetof(struct wn_wsnmp_stats, tx), sizeof tx);
    assert_true(tx >= 1);
    assert_false(all_fill(buf, SIZE_V0));
}

/* The sized form with an older, the current and a newer struct. */
static void
test_sized_form_fills_the_callers_size_only(void **state)
{
    (void)state;
    send_one_get();
    unsigned char buf[sizeof(struct wn_wsnmp_stats) + 64];
    struct wn_wsnmp_stats cur;

    /* older: 8 counters */
    memset(buf, FILL, sizeof buf);
    assert_int_equal(wn_wsnmp_get_stats_sized((struct wn_wsnmp_stats *)(void *)buf, SIZE_V0),
                     SIZE_V0);
    assert_true(all_fill(buf + SIZE_V0, sizeof buf - SIZE_V0));
    uint64_t tx;
    memcpy(&tx, buf + offsetof(struct wn_wsnmp_stats, tx), sizeof tx);
    assert_true(tx >= 1);

    /* current, through the macro every program now calls */
    memset(&cur, FILL, sizeof cur);
    wn_wsnmp_get_stats(&cur);
    assert_true(cur.tx >= 1);
    assert_int_equal(cur.dropped_queue_full, 0);

    /* newer: 4 counters this library does not know are zeroed, nothing
     * after them is touched, and the return says how much was filled */
    size_t newer = sizeof(struct wn_wsnmp_stats) + 4 * sizeof(uint64_t);
    memset(buf, FILL, sizeof buf);
    assert_int_equal(wn_wsnmp_get_stats_sized((struct wn_wsnmp_stats *)(void *)buf, newer),
                     sizeof(struct wn_wsnmp_stats));
    for (size_t i = sizeof(struct wn_wsnmp_stats); i < newer; i++)
        assert_int_equal(buf[i], 0);
    assert_true(all_fill(buf + newer, sizeof buf - newer));

    /* NULL: nothing */
    assert_int_equal(wn_wsnmp_get_stats_sized(NULL, sizeof cur), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_old_program_gets_its_counters_and_nothing_more),
        cmocka_unit_test(test_sized_form_fills_the_callers_size_only),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

