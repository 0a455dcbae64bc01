/* wire_util.c: the WinSNMP side of the wire tests (callback events, SMI helpers, synchronous requests). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire_util.h"

/* --------------------------------------------------------------- events */

void
wire_events_init(struct wire_events *e)
{
    memset(e, 0, sizeof *e);
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv, NULL);
}

void
wire_events_destroy(struct wire_events *e)
{
    pthread_cond_destroy(&e->cv);
    pthread_mutex_destroy(&e->mu);
}

int
wire_session_open(struct wire_events *e, HSNMP_SESSION *s)
{
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS)
        return -1;
    wire_events_init(e);
    *s = SnmpCreateSession(NULL, 0, wire_events_cb, e);
    return *s ? 0 : -1;
}

void
wire_session_close(struct wire_events *e, HSNMP_SESSION s)
{
    SnmpClose(s);
    SnmpCleanup();
    wire_events_destroy(e);
}

SNMPAPI_STATUS CALLBACK
wire_events_cb(HSNMP_SESSION s, HWND hwnd, UINT msg, WPARAM w, LPARAM l, LPVOID data)
{
    struct wire_events *e = data;
    (void)hwnd;
    (void)msg;
    if (e->handler != NULL) {
        pthread_mutex_lock(&e->mu);
        e->total++;
        pthread_mutex_unlock(&e->mu);
        e->handler(e, s, w, l);
        return SNMPAPI_SUCCESS;
    }
    pthread_mutex_lock(&e->mu);
    e->total++;
    if (e->tail - e->head < WIRE_MAX_EVENTS) {
        struct wire_event *ev = &e->ev[e->tail % WIRE_MAX_EVENTS];
        ev->session = s;
        ev->wparam = w;
        ev->lparam = l;
        e->tail++;
    }
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    return SNMPAPI_SUCCESS;
}

int
wire_events_wait(struct wire_events *e, unsigned timeout_ms, struct wire_event *out)
{
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += timeout_ms / 1000u;
    dl.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    int rc = -1;
    pthread_mutex_lock(&e->mu);
    while (e->head == e->tail) {
        if (pthread_cond_timedwait(&e->cv, &e->mu, &dl) == ETIMEDOUT)
            break;
    }
    if (e->head != e->tail) {
        if (out != NULL)
            *out = e->ev[e->head % WIRE_MAX_EVENTS];
        e->head++;
        rc = 0;
    }
    pthread_mutex_unlock(&e->mu);
    return rc;
}

unsigned
wire_events_total(struct wire_events *e)
{
    pthread_mutex_lock(&e->mu);
    unsigned t = e->total;
    pthread_mutex_unlock(&e->mu);
    return t;
}

/* ------------------------------------------------------------------ SMI */

void
wire_oid(const char *dotted, smiOID *out)
{
    memset(out, 0, sizeof *out);
    if (dotted[0] == '.')
        dotted++;
    SNMPAPI_STATUS n = SnmpStrToOid(dotted, out);
    if (n == SNMPAPI_FAILURE)
        fail_msg("SnmpStrToOid(%s) failed: %u", dotted, SnmpGetLastError(NULL));
    assert_int_equal(n, out->len);
}

void
wire_oid_free(smiOID *o)
{
    if (o->ptr != NULL)
        SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)o);
    o->ptr = NULL;
    o->len = 0;
}

void
wire_oid_str(const smiOID *o, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (smiUINT32 i = 0; i < o->len && off + 12 < n; i++)
        off += (size_t)snprintf(buf + off, n - off, ".%u", o->ptr[i]);
}

static void
hex_str(const smiOCTETS *s, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (smiUINT32 i = 0; i < s->len && off + 3 < n; i++)
        off += (size_t)snprintf(buf + off, n - off, "%02X", s->ptr[i]);
}

void
wire_value_str(const smiVALUE *v, char *buf, size_t n)
{
    char tmp[4096];
    switch (v->syntax) {
    case SNMP_SYNTAX_INT:
        snprintf(buf, n, "INTEGER: %d", (int)v->value.sNumber);
        break;
    case SNMP_SYNTAX_OCTETS:
        hex_str(&v->value.string, tmp, sizeof tmp);
        snprintf(buf, n, "STRING: %s", tmp);
        break;
    case SNMP_SYNTAX_BITS:
        hex_str(&v->value.string, tmp, sizeof tmp);
        snprintf(buf, n, "BITS: %s", tmp);
        break;
    case SNMP_SYNTAX_OPAQUE:
        hex_str(&v->value.string, tmp, sizeof tmp);
        snprintf(buf, n, "Opaque: %s", tmp);
        break;
    case SNMP_SYNTAX_OID:
        wire_oid_str(&v->value.oid, tmp, sizeof tmp);
        snprintf(buf, n, "OID: %s", tmp);
        break;
    case SNMP_SYNTAX_IPADDR:
        if (v->value.string.len == 4)
            snprintf(buf, n, "IpAddress: %u.%u.%u.%u", v->value.string.ptr[0],
                     v->value.string.ptr[1], v->value.string.ptr[2], v->value.string.ptr[3]);
        else
            snprintf(buf, n, "IpAddress: bad length %u", v->value.string.len);
        break;
    case SNMP_SYNTAX_CNTR32:
        snprintf(buf, n, "Counter32: %u", v->value.uNumber);
        break;
    case SNMP_SYNTAX_GAUGE32:
        snprintf(buf, n, "Gauge32: %u", v->value.uNumber);
        break;
    case SNMP_SYNTAX_TIMETICKS:
        snprintf(buf, n, "Timeticks: %u", v->value.uNumber);
        break;
    case SNMP_SYNTAX_UINT32:
        snprintf(buf, n, "UInteger32: %u", v->value.uNumber);
        break;
    case SNMP_SYNTAX_CNTR64:
        snprintf(buf, n, "Counter64: %" PRIu64,
                 ((uint64_t)v->value.hNumber.hipart << 32) | v->value.hNumber.lopart);
        break;
    case SNMP_SYNTAX_NULL:
        snprintf(buf, n, "NULL");
        break;
    case SNMP_SYNTAX_NOSUCHOBJECT:
        snprintf(buf, n, "noSuchObject");
        break;
    case SNMP_SYNTAX_NOSUCHINSTANCE:
        snprintf(buf, n, "noSuchInstance");
        break;
    case SNMP_SYNTAX_ENDOFMIBVIEW:
        snprintf(buf, n, "endOfMibView");
        break;
    default:
        snprintf(buf, n, "syntax-0x%x", v->syntax);
        break;
    }
}

void
wire_value_free(smiVALUE *v)
{
    switch (v->syntax) {
    case SNMP_SYNTAX_OID:
        wire_oid_free(&v->value.oid);
        break;
    case SNMP_SYNTAX_OCTETS:
    case SNMP_SYNTAX_BITS:
    case SNMP_SYNTAX_OPAQUE:
    case SNMP_SYNTAX_IPADDR:
    case SNMP_SYNTAX_NSAPADDR:
        if (v->value.string.ptr != NULL)
            SnmpFreeDescriptor(v->syntax, &v->value.string);
        v->value.string.ptr = NULL;
        break;
    default:
        break;
    }
}

HSNMP_ENTITY
wire_entity(HSNMP_SESSION s, smiUINT32 mode, const char *addr)
{
    assert_int_equal(SnmpSetTranslateMode(mode), SNMPAPI_SUCCESS);
    HSNMP_ENTITY ent = SnmpStrToEntity(s, addr);
    if (ent == NULL)
        fail_msg("SnmpStrToEntity(%s) failed: %u", addr, SnmpGetLastError(s));
    return ent;
}

HSNMP_CONTEXT
wire_context(HSNMP_SESSION s, smiUINT32 mode, const char *community)
{
    smiOCTETS o = { (smiUINT32)strlen(community), (smiLPBYTE)(uintptr_t)community };
    assert_int_equal(SnmpSetTranslateMode(mode), SNMPAPI_SUCCESS);
    HSNMP_CONTEXT c = SnmpStrToContext(s, &o);
    if (c == NULL)
        fail_msg("SnmpStrToContext(%s) failed: %u", community, SnmpGetLastError(s));
    return c;
}

static HSNMP_VBL
build_vbl(HSNMP_SESSION s, const char *const *names, const char *const *values)
{
    HSNMP_VBL vbl = SnmpCreateVbl(s, NULL, NULL);
    assert_non_null(vbl);
    for (size_t i = 0; names[i] != NULL; i++) {
        smiOID name;
        smiVALUE val;
        smiLPCVALUE pv = NULL;
        wire_oid(names[i], &name);
        memset(&val, 0, sizeof val);
        if (values != NULL && values[i] != NULL) {
            const char *v = values[i];
            if (v[0] == 's' && v[1] == ':') {
                val.syntax = SNMP_SYNTAX_OCTETS;
                val.value.string.len = (smiUINT32)strlen(v + 2);
                val.value.string.ptr = (smiLPBYTE)(uintptr_t)(v + 2);
            } else if (v[0] == 'i' && v[1] == ':') {
                val.syntax = SNMP_SYNTAX_INT;
                val.value.sNumber = (smiINT)strtol(v + 2, NULL, 10);
            } else if (v[0] == 't' && v[1] == ':') {
                val.syntax = SNMP_SYNTAX_TIMETICKS;
                val.value.uNumber = (smiUINT32)strtoul(v + 2, NULL, 10);
            } else if (v[0] == 'o' && v[1] == ':') {
                val.syntax = SNMP_SYNTAX_OID;
                wire_oid(v + 2, &val.value.oid);
            } else {
                fail_msg("bad value spec %s", v);
            }
            pv = &val;
        }
        SNMPAPI_STATUS r = SnmpSetVb(vbl, 0, &name, pv);
        wire_oid_free(&name);
        if (val.syntax == SNMP_SYNTAX_OID)
            wire_oid_free(&val.value.oid);
        assert_int_equal(r, i + 1);
    }
    return vbl;
}

static int
collect_pdu(HSNMP_PDU pdu, struct wire_vb *vbs, size_t max, size_t *n_out,
            smiINT *err_status, smiINT *err_index, smiINT *type_out)
{
    smiINT type = 0, st = 0, ix = 0;
    smiINT32 rid = 0;
    HSNMP_VBL vbl = NULL;
    if (SnmpGetPduData(pdu, &type, &rid, &st, &ix, &vbl) != SNMPAPI_SUCCESS)
        return -1;
    if (err_status != NULL)
        *err_status = st;
    if (err_index != NULL)
        *err_index = ix;
    SNMPAPI_STATUS count = SnmpCountVbl(vbl);
    if (count == SNMPAPI_FAILURE && SnmpGetLastError(NULL) != SNMPAPI_NOOP)
        count = 0;
    size_t n = 0;
    for (smiUINT32 i = 1; i <= count && n < max; i++) {
        smiOID name;
        smiVALUE val;
        memset(&name, 0, sizeof name);
        memset(&val, 0, sizeof val);
        if (SnmpGetVb(vbl, i, &name, &val) != SNMPAPI_SUCCESS) {
            SnmpFreeVbl(vbl);
            return -1;
        }
        wire_oid_str(&name, vbs[n].oid, sizeof vbs[n].oid);
        wire_value_str(&val, vbs[n].val, sizeof vbs[n].val);
        wire_oid_free(&name);
        wire_value_free(&val);
        n++;
    }
    SnmpFreeVbl(vbl);
    *n_out = n;
    if (type_out != NULL)
        *type_out = type;
    return 0;
}

static int
collect_response(HSNMP_PDU pdu, struct wire_vb *vbs, size_t max, size_t *n_out,
                 smiINT *err_status, smiINT *err_index)
{
    smiINT type = 0;
    if (collect_pdu(pdu, vbs, max, n_out, err_status, err_index, &type) != 0)
        return -1;
    return type == SNMP_PDU_RESPONSE ? 0 : -1;
}

int
wire_recv(HSNMP_SESSION s, struct wire_events *e, unsigned timeout_ms, smiINT *type,
          smiINT32 *rid, struct wire_vb *vbs, size_t max, size_t *n_out)
{
    uint64_t deadline = wire_now_ms() + timeout_ms;
    for (;;) {
        uint64_t now = wire_now_ms();
        struct wire_event ev;
        if (now >= deadline || wire_events_wait(e, (unsigned)(deadline - now), &ev) != 0)
            return -1;
        if (ev.wparam != 0)
            continue;
        HSNMP_ENTITY src = NULL, dst = NULL;
        HSNMP_CONTEXT ctx = NULL;
        HSNMP_PDU pdu = NULL;
        if (SnmpRecvMsg(s, &src, &dst, &ctx, &pdu) != SNMPAPI_SUCCESS)
            continue;
        int rc = collect_pdu(pdu, vbs, max, n_out, NULL, NULL, type);
        if (rid != NULL)
            SnmpGetPduData(pdu, NULL, rid, NULL, NULL, NULL);
        SnmpFreePdu(pdu);
        SnmpFreeEntity(src);
        SnmpFreeEntity(dst);
        SnmpFreeContext(ctx);
        return rc;
    }
}

int
wire_send(HSNMP_SESSION s, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx, smiINT type, smiINT nonrep,
          smiINT maxrep, const char *const *names, const char *const *values, smiINT32 *rid)
{
    return wire_send_from(s, NULL, dst, ctx, type, nonrep, maxrep, names, values, rid);
}

int
wire_send_from(HSNMP_SESSION s, HSNMP_ENTITY src, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx,
               smiINT type, smiINT nonrep, smiINT maxrep, const char *const *names,
               const char *const *values, smiINT32 *rid)
{
    HSNMP_VBL vbl = build_vbl(s, names, values);
    HSNMP_PDU pdu = SnmpCreatePdu(s, type, 0, nonrep, maxrep, vbl);
    assert_non_null(pdu);
    assert_int_equal(SnmpGetPduData(pdu, NULL, rid, NULL, NULL, NULL), SNMPAPI_SUCCESS);
    SNMPAPI_STATUS sent = SnmpSendMsg(s, src, dst, ctx, pdu);
    SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    if (sent != SNMPAPI_SUCCESS) {
        fprintf(stderr, "wire: SnmpSendMsg failed: %u\n", SnmpGetLastError(s));
        return -1;
    }
    return 0;
}

int
wire_request(HSNMP_SESSION s, struct wire_events *e, HSNMP_ENTITY dst, HSNMP_CONTEXT ctx,
             smiINT type, smiINT nonrep, smiINT maxrep, const char *const *names,
             const char *const *values, struct wire_vb *vbs, size_t max, size_t *n_out,
             smiINT *err_status, smiINT *err_index, unsigned timeout_ms)
{
    smiINT32 rid = 0;
    if (wire_send(s, dst, ctx, type, nonrep, maxrep, names, values, &rid) != 0)
        return -1;
    uint64_t deadline = wire_now_ms() + timeout_ms;
    for (;;) {
        uint64_t now = wire_now_ms();
        struct wire_event ev;
        if (now >= deadline || wire_events_wait(e, (unsigned)(deadline - now), &ev) != 0) {
            fprintf(stderr, "wire: no response to request %d\n", (int)rid);
            return -1;
        }
        if (ev.wparam != 0) {
            if ((smiINT32)ev.lparam == rid) {
                fprintf(stderr, "wire: request %d failed: wParam %lu\n", (int)rid,
                        (unsigned long)ev.wparam);
                return -1;
            }
            continue;
        }
        HSNMP_ENTITY src = NULL, dst2 = NULL;
        HSNMP_CONTEXT c2 = NULL;
        HSNMP_PDU resp = NULL;
        if (SnmpRecvMsg(s, &src, &dst2, &c2, &resp) != SNMPAPI_SUCCESS)
            continue;
        smiINT32 got = 0;
        SnmpGetPduData(resp, NULL, &got, NULL, NULL, NULL);
        int rc = -2;
        if (got == rid)
            rc = collect_response(resp, vbs, max, n_out, err_status, err_index);
        SnmpFreePdu(resp);
        SnmpFreeEntity(src);
        SnmpFreeEntity(dst2);
        SnmpFreeContext(c2);
        if (rc != -2)
            return rc;
    }
}

