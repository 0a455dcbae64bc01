/* wire_agent.c: a tiny SNMP agent built on SnmpListen for the wire tests (a few scalars under 1.3.6.1.4.1.99999.1). */
#include <stdio.h>
#include <string.h>

#include "wire_agent.h"

#define NSCALARS 5
static const smiUINT32 base[] = { 1, 3, 6, 1, 4, 1, 99999, 1 };
#define BASE_LEN (sizeof base / sizeof base[0])
static smiUINT32 enterprise[] = { 1, 3, 6, 1, 4, 1, 99999 };

/* OID of scalar k (1-based) into buf (len BASE_LEN + 2). */
static void
scalar_oid(unsigned k, smiUINT32 *buf, smiOID *out)
{
    memcpy(buf, base, sizeof base);
    buf[BASE_LEN] = k;
    buf[BASE_LEN + 1] = 0;
    out->len = BASE_LEN + 2;
    out->ptr = buf;
}

/* Lexicographic compare, a proper prefix sorts first. */
static int
oid_cmp(const smiOID *a, const smiOID *b)
{
    smiUINT32 n = a->len < b->len ? a->len : b->len;
    for (smiUINT32 i = 0; i < n; i++)
        if (a->ptr[i] != b->ptr[i])
            return a->ptr[i] < b->ptr[i] ? -1 : 1;
    return (a->len > b->len) - (a->len < b->len);
}

/* Value of scalar k (pointers into the agent, valid while mu is held). */
static void
scalar_value(struct wire_agent *a, unsigned k, smiVALUE *v)
{
    static char descr[] = "wire agent";
    memset(v, 0, sizeof *v);
    switch (k) {
    case 1:
        v->syntax = SNMP_SYNTAX_OCTETS;
        v->value.string.len = (smiUINT32)strlen(descr);
        v->value.string.ptr = (smiLPBYTE)descr;
        break;
    case 2:
        v->syntax = SNMP_SYNTAX_INT;
        v->value.sNumber = 42;
        break;
    case 3:
        v->syntax = SNMP_SYNTAX_OID;
        v->value.oid.len = sizeof enterprise / sizeof enterprise[0];
        v->value.oid.ptr = enterprise;
        break;
    case 4:
        v->syntax = SNMP_SYNTAX_OCTETS;
        v->value.string.len = (smiUINT32)strlen(a->writable);
        v->value.string.ptr = (smiLPBYTE)a->writable;
        break;
    default:
        v->syntax = SNMP_SYNTAX_GAUGE32;
        v->value.uNumber = 1234;
        break;
    }
}

/* Exact match: scalar number, or 0. */
static unsigned
find_exact(const smiOID *name)
{
    for (unsigned k = 1; k <= NSCALARS; k++) {
        smiUINT32 buf[BASE_LEN + 2];
        smiOID o;
        scalar_oid(k, buf, &o);
        if (oid_cmp(name, &o) == 0)
            return k;
    }
    return 0;
}

/* First scalar after name, or 0. */
static unsigned
find_next(const smiOID *name)
{
    for (unsigned k = 1; k <= NSCALARS; k++) {
        smiUINT32 buf[BASE_LEN + 2];
        smiOID o;
        scalar_oid(k, buf, &o);
        if (oid_cmp(name, &o) < 0)
            return k;
    }
    return 0;
}

/* Appends the answer for one name (GetNext semantics if next) to out; when
 * last != NULL it receives the OID answered (GetBulk repetitions). */
static void
answer(struct wire_agent *a, HSNMP_VBL out, const smiOID *name, int next, smiOID *last)
{
    smiUINT32 buf[BASE_LEN + 2];
    smiOID o;
    smiVALUE v;
    unsigned k = next ? find_next(name) : find_exact(name);
    if (k == 0) {
        memset(&v, 0, sizeof v);
        v.syntax = next ? SNMP_SYNTAX_ENDOFMIBVIEW : SNMP_SYNTAX_NOSUCHOBJECT;
        SnmpSetVb(out, 0, name, &v);   /* last stays: later repetitions end too */
        return;
    }
    scalar_oid(k, buf, &o);
    scalar_value(a, k, &v);
    SnmpSetVb(out, 0, &o, &v);
    if (last != NULL) {   /* last->ptr has room for BASE_LEN + 4 sub-ids */
        memcpy(last->ptr, o.ptr, o.len * sizeof *o.ptr);
        last->len = o.len;
    }
}

static void
agent_handler(struct wire_events *e, HSNMP_SESSION s, WPARAM w, LPARAM l)
{
    struct wire_agent *a = e->handler_data;
    HSNMP_ENTITY src = NULL, dst = NULL;
    HSNMP_CONTEXT ctx = NULL;
    HSNMP_PDU pdu = NULL;
    HSNMP_VBL vbl = NULL;
    (void)l;
    if (w != 0)
        return;
    if (SnmpRecvMsg(s, &src, &dst, &ctx, &pdu) != SNMPAPI_SUCCESS) {
        pthread_mutex_lock(&a->mu);
        a->recv_failures++;
        pthread_mutex_unlock(&a->mu);
        return;
    }
    smiINT type = 0, nonrep = 0, maxrep = 0;
    smiINT32 rid = 0;
    SnmpGetPduData(pdu, &type, &rid, &nonrep, &maxrep, &vbl);
    SNMPAPI_STATUS count = SnmpCountVbl(vbl);
    if (count == SNMPAPI_FAILURE)
        count = 0;
    HSNMP_VBL out = SnmpCreateVbl(s, NULL, NULL);
    smiINT status = 0, index = 0;

    pthread_mutex_lock(&a->mu);
    if (type == SNMP_PDU_GETBULK) {
        smiUINT32 nr = nonrep < 0 ? 0 : (smiUINT32)nonrep;
        if (nr > count)
            nr = count;
        smiUINT32 reps = maxrep < 0 ? 0 : (smiUINT32)maxrep;
        if (reps > 50)
            reps = 50;
        smiUINT32 nrep = count - nr;
        smiUINT32 cur[16][BASE_LEN + 4];
        smiOID curo[16];
        if (nrep > 16)
            nrep = 16;
        for (smiUINT32 i = 1; i <= count; i++) {
            smiOID name;
            smiVALUE v;
            memset(&name, 0, sizeof name);
            memset(&v, 0, sizeof v);
            SnmpGetVb(vbl, i, &name, &v);
            if (i <= nr) {
                answer(a, out, &name, 1, NULL);
            } else if (i - nr <= nrep) {
                smiUINT32 j = i - nr - 1;
                curo[j].ptr = cur[j];
                curo[j].len = name.len < BASE_LEN + 4 ? name.len : BASE_LEN + 4;
                memcpy(cur[j], name.ptr, curo[j].len * sizeof(smiUINT32));
            }
            wire_oid_free(&name);
            wire_value_free(&v);
        }
        for (smiUINT32 r = 0; r < reps; r++)
            for (smiUINT32 j = 0; j < nrep; j++) {
                smiOID probe = curo[j];
                smiUINT32 tmp[BASE_LEN + 4];
                memcpy(tmp, probe.ptr, probe.len * sizeof(smiUINT32));
                probe.ptr = tmp;
                answer(a, out, &probe, 1, &curo[j]);
            }
    } else {
        for (smiUINT32 i = 1; i <= count; i++) {
            smiOID name;
            smiVALUE v;
            memset(&name, 0, sizeof name);
            memset(&v, 0, sizeof v);
            SnmpGetVb(vbl, i, &name, &v);
            if (type == SNMP_PDU_SET) {
                unsigned k = find_exact(&name);
                if (k != 4) {
                    if (status == 0) {
                        status = SNMP_ERROR_NOTWRITABLE;
                        index = (smiINT)i;
                    }
                } else if (v.syntax != SNMP_SYNTAX_OCTETS || v.value.string.len >= 255) {
                    if (status == 0) {
                        status = SNMP_ERROR_WRONGTYPE;
                        index = (smiINT)i;
                    }
                } else {
                    memcpy(a->writable, v.value.string.ptr, v.value.string.len);
                    a->writable[v.value.string.len] = '\0';
                }
                SnmpSetVb(out, 0, &name, &v);
            } else {
                answer(a, out, &name, type == SNMP_PDU_GETNEXT, NULL);
            }
            wire_oid_free(&name);
            wire_value_free(&v);
        }
    }
    a->requests++;
    pthread_mutex_unlock(&a->mu);

    HSNMP_PDU resp = SnmpCreatePdu(s, SNMP_PDU_RESPONSE, rid, status, index, out);
    if (resp != NULL) {
        if (SnmpSendMsg(s, dst, src, ctx, resp) != SNMPAPI_SUCCESS)
            fprintf(stderr, "wire agent: SnmpSendMsg failed: %u\n", SnmpGetLastError(s));
        SnmpFreePdu(resp);
    }
    SnmpFreeVbl(out);
    SnmpFreeVbl(vbl);
    SnmpFreePdu(pdu);
    SnmpFreeEntity(src);
    SnmpFreeEntity(dst);
    SnmpFreeContext(ctx);
}

int
wire_agent_start(struct wire_agent *a, unsigned port4, unsigned port6)
{
    char addr[64];
    memset(a, 0, sizeof *a);
    pthread_mutex_init(&a->mu, NULL);
    snprintf(a->writable, sizeof a->writable, "initial");
    wire_events_init(&a->events);
    a->events.handler = agent_handler;
    a->events.handler_data = a;
    a->session = SnmpCreateSession(NULL, 0, wire_events_cb, &a->events);
    if (a->session == NULL)
        return -1;
    for (int i = 0; i < 2; i++) {
        unsigned port = i == 0 ? port4 : port6;
        if (port == 0)
            continue;
        snprintf(addr, sizeof addr, i == 0 ? "127.0.0.1:%u" : "[::1]:%u", port);
        SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
        a->listen[i] = SnmpStrToEntity(a->session, addr);
        if (a->listen[i] == NULL) {
            fprintf(stderr, "wire agent: SnmpStrToEntity(%s): %u\n", addr,
                    SnmpGetLastError(a->session));
            return -1;
        }
        if (SnmpListen(a->listen[i], SNMPAPI_ON) != SNMPAPI_SUCCESS) {
            fprintf(stderr, "wire agent: SnmpListen(%s): %u\n", addr,
                    SnmpGetLastError(a->session));
            return -1;
        }
    }
    return 0;
}

void
wire_agent_stop(struct wire_agent *a)
{
    for (int i = 0; i < 2; i++)
        if (a->listen[i] != NULL)
            SnmpListen(a->listen[i], SNMPAPI_OFF);
    if (a->session != NULL)
        SnmpClose(a->session);
    a->session = NULL;
    wire_events_destroy(&a->events);
    pthread_mutex_destroy(&a->mu);
}

unsigned
wire_agent_requests(struct wire_agent *a)
{
    pthread_mutex_lock(&a->mu);
    unsigned n = a->requests;
    pthread_mutex_unlock(&a->mu);
    return n;
}

void
wire_agent_writable(struct wire_agent *a, char *buf, size_t n)
{
    pthread_mutex_lock(&a->mu);
    snprintf(buf, n, "%s", a->writable);
    pthread_mutex_unlock(&a->mu);
}
