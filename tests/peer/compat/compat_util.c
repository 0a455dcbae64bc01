/* compat_util.c: helpers of the Windows-compatibility peer tests (silent sockets, one GET with the handles SnmpRecvMsg gives back). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat_util.h"

int
compat_fx_start(struct compat_fx *f, int want_snmpd, int want_trapd)
{
    memset(f, 0, sizeof *f);
    wire_events_init(&f->ev);
    if (wire_peers_start(&f->peers, want_snmpd, want_trapd) != 0)
        return -1;
    snprintf(f->agent, sizeof f->agent, "127.0.0.1:%u", f->peers.snmpd_port);
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    f->sess = SnmpCreateSession(NULL, 0, wire_events_cb, &f->ev);
    return f->sess ? 0 : -1;
}

int
compat_fx_stop(struct compat_fx *f)
{
    int rc = 0;
    if (f->sess && SnmpClose(f->sess) != SNMPAPI_SUCCESS)
        rc = -1;
    f->sess = NULL;
    SnmpCleanup();
    wire_events_destroy(&f->ev);
    if (wire_peers_stop(&f->peers) != 0)
        rc = -1;
    return rc;
}

struct compat_fx compat_snmpd_fx;

int
compat_snmpd_setup(void **state)
{
    (void)state;
    return compat_fx_start(&compat_snmpd_fx, 1, 0);
}

int
compat_snmpd_teardown(void **state)
{
    (void)state;
    return compat_fx_stop(&compat_snmpd_fx);
}

int
compat_silent_socket(unsigned *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &l) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

smiINT32
compat_send_get(HSNMP_SESSION s, HSNMP_ENTITY src, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx,
                const char *oid)
{
    const char *const names[] = {oid, NULL};
    smiINT32 rid = 0;
    if (wire_send_from(s, src, dst, ctx, SNMP_PDU_GET, 0, 0, names, NULL, &rid) != 0)
        fail_msg("SnmpSendMsg failed: %u", SnmpGetLastError(s));
    return rid;
}

int
compat_get(HSNMP_SESSION s, struct wire_events *e, HSNMP_ENTITY src, HSNMP_ENTITY dst,
           HSNMP_CONTEXT ctx, const char *oid, unsigned timeout_ms, struct compat_reply *r)
{
    memset(r, 0, sizeof *r);
    r->rid = compat_send_get(s, src, dst, ctx, oid);
    uint64_t deadline = wire_now_ms() + timeout_ms;
    struct wire_event ev;
    for (;;) {
        uint64_t now = wire_now_ms();
        if (now >= deadline || wire_events_wait(e, (unsigned)(deadline - now), &ev) != 0)
            return -1;
        if ((smiINT32)ev.lparam == r->rid)
            break;
    }
    r->wparam = ev.wparam;
    r->recv_rc = SnmpRecvMsg(s, &r->src, &r->dst, &r->ctx, &r->pdu);
    if (r->recv_rc != SNMPAPI_SUCCESS) {
        r->recv_err = SnmpGetLastError(s);
        return 0;
    }
    HSNMP_VBL got = NULL;
    if (SnmpGetPduData(r->pdu, NULL, NULL, NULL, NULL, &got) == SNMPAPI_SUCCESS) {
        smiOID n;
        smiVALUE v;
        if (SnmpGetVb(got, 1, &n, &v) == SNMPAPI_SUCCESS) {
            wire_value_str(&v, r->value, sizeof r->value);
            wire_oid_free(&n);
            wire_value_free(&v);
        }
        SnmpFreeVbl(got);
    }
    return 0;
}

void
compat_reply_free(struct compat_reply *r)
{
    if (r->pdu)
        SnmpFreePdu(r->pdu);
    r->pdu = NULL;
}

void
compat_reply_release(struct compat_reply *r)
{
    if (r->src)
        SnmpFreeEntity(r->src);
    if (r->dst)
        SnmpFreeEntity(r->dst);
    if (r->ctx)
        SnmpFreeContext(r->ctx);
    r->src = r->dst = NULL;
    r->ctx = NULL;
    compat_reply_free(r);
}
