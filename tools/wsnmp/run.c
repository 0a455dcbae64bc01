/* run.c: get, getnext, getbulk, walk, set and inform against one or many agents at once through the async engine. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/json.h"
#include "wsnmp.h"

#define WSNMP_WAIT_TICK_MS 200
#define WSNMP_PROGRESS_AFTER_MS 1000
#define WSNMP_DEFAULT_WALK_ROOT "1.3.6.1.2.1"
#define WSNMP_ERR_MAX 512

enum target_state { T_WAITING, T_RUNNING, T_DONE };

struct target {
    const char *agent;
    HSNMP_ENTITY ent;
    HSNMP_CONTEXT ctx;
    enum target_state state;
    smiINT32 reqid;
    int rc;
    char err[WSNMP_ERR_MAX];
    smiOID root, cur;        /* walk */
    int have_cur;
    unsigned long max_rep;   /* walk: halved on tooBig */
    unsigned long count;     /* varbinds printed */
    FILE *out;               /* stdout, or a memory stream for many agents */
    char *buf;
    size_t len;
    int json_first;
};

struct run {
    const struct wsnmp_opts *o;
    HSNMP_SESSION s;
    struct target *t;
    unsigned n, next, active;
    smiINT32 next_reqid;
    uint64_t start_ms;
    int progress_shown;
};

static uint64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int many(const struct run *r) { return r->n > 1; }

static void
fail(struct target *t, int rc, const char *fmt, const char *a, const char *b)
{
    t->rc = rc;
    snprintf(t->err, sizeof t->err, fmt, a, b);
}

static void
finish(struct run *r, struct target *t)
{
    if (t->state == T_RUNNING)
        r->active--;
    t->state = T_DONE;
    if (!many(r) && t->rc != 0)
        fprintf(stderr, "%s\n", t->err);
}

static int
pdu_type(const struct wsnmp_opts *o)
{
    switch (o->cmd) {
    case WSNMP_GET: return SNMP_PDU_GET;
    case WSNMP_GETNEXT: return SNMP_PDU_GETNEXT;
    case WSNMP_SET: return SNMP_PDU_SET;
    case WSNMP_INFORM: return SNMP_PDU_INFORM;
    case WSNMP_WALK: return o->use_getnext ? SNMP_PDU_GETNEXT : SNMP_PDU_GETBULK;
    default: return SNMP_PDU_GETBULK;
    }
}

static int
make_vbl(struct run *r, struct target *t, HSNMP_VBL *vbl)
{
    const struct wsnmp_opts *o = r->o;
    if (o->cmd == WSNMP_WALK) {
        *vbl = SnmpCreateVbl(r->s, &t->cur, NULL);
        return *vbl ? 0 : -1;
    }
    *vbl = SnmpCreateVbl(r->s, NULL, NULL);
    if (!*vbl)
        return -1;
    int rc;
    if (o->cmd == WSNMP_INFORM)
        rc = wsnmp_notification_vbl(r->s, o, vbl);
    else
        rc = wsnmp_build_vbl(r->s, o->args, o->nargs, o->cmd == WSNMP_SET ? 3 : 1, *vbl);
    if (rc != 0) {
        SnmpFreeVbl(*vbl);
        *vbl = NULL;
    }
    return rc;
}

/* Sends the target's next request; on failure the target is done. */
static void
send_request(struct run *r, struct target *t)
{
    const struct wsnmp_opts *o = r->o;
    HSNMP_VBL vbl = NULL;
    if (make_vbl(r, t, &vbl) != 0) {
        fail(t, WSNMP_EXIT_USAGE, "%s: cannot build the request%s", t->agent, "");
        finish(r, t);
        return;
    }
    int type = pdu_type(o);
    smiINT a = 0, b = 0;
    if (type == SNMP_PDU_GETBULK) {
        a = o->cmd == WSNMP_WALK ? 0 : (smiINT)o->non_rep;
        b = (smiINT)(o->cmd == WSNMP_WALK ? t->max_rep : o->max_rep);
    }
    t->reqid = r->next_reqid++;
    HSNMP_PDU pdu = SnmpCreatePdu(r->s, type, t->reqid, a, b, vbl);
    SNMPAPI_STATUS st = pdu ? SnmpSendMsg(r->s, NULL, t->ent, t->ctx, pdu) : SNMPAPI_FAILURE;
    smiUINT32 code = SnmpGetLastError(r->s);
    if (pdu)
        SnmpFreePdu(pdu);
    SnmpFreeVbl(vbl);
    if (st != SNMPAPI_SUCCESS) {
        fail(t, WSNMP_EXIT_FAILURE, "%s: sending failed: %s", t->agent, wn_wsnmp_strerror(code));
        finish(r, t);
    }
}

static void
print_vb(struct run *r, struct target *t, const smiOID *name, const smiVALUE *v)
{
    if (r->o->json) {
        if (many(r)) {
            fputs(t->json_first ? "" : ",", t->out);
            t->json_first = 0;
            wsnmp_print_vb_json(t->out, name, v);
        } else {
            wsnmp_print_vb_json(t->out, name, v);
            putc('\n', t->out);
        }
    } else {
        wsnmp_print_vb_text(t->out, name, v, r->o->numeric);
    }
    t->count++;
}

/* Walk: prints what is under the root and says whether to go on. */
static int
walk_step(struct run *r, struct target *t, HSNMP_VBL vbl)
{
    SNMPAPI_STATUS n = SnmpCountVbl(vbl);
    int more = n != SNMPAPI_FAILURE && n > 0;
    for (SNMPAPI_STATUS k = 1; more && k <= n; k++) {
        smiOID name;
        smiVALUE val;
        if (SnmpGetVb(vbl, k, &name, &val) != SNMPAPI_SUCCESS) {
            fail(t, WSNMP_EXIT_FAILURE, "%s: %s", t->agent, wn_wsnmp_strerror(SnmpGetLastError(r->s)));
            return 0;
        }
        smiINT in_root = 1, order = 1;
        SnmpOidCompare(&t->root, &name, t->root.len, &in_root);
        if (val.syntax == SNMP_SYNTAX_ENDOFMIBVIEW || val.syntax == SNMP_SYNTAX_NOSUCHOBJECT ||
            val.syntax == SNMP_SYNTAX_NOSUCHINSTANCE || in_root != 0 || name.len < t->root.len) {
            more = 0;
        } else {
            SnmpOidCompare(&name, &t->cur, 0, &order);
            if (order <= 0 && r->o->check_increasing) {
                char oid[MAXOBJIDSTRSIZE] = "?";
                SnmpOidToStr(&name, sizeof oid, oid);
                fail(t, WSNMP_EXIT_NOT_INCREASING,
                     "%s: Error: OID not increasing: .%s (the agent is looping; -Cc turns this check off)",
                     t->agent, oid);
                more = 0;
            } else {
                print_vb(r, t, &name, &val);
                SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&t->cur);
                SnmpOidCopy(&name, &t->cur);
            }
        }
        wsnmp_vb_release(&name, &val);
    }
    return more && t->rc == 0;
}

struct print_all_args {
    struct run *r;
    struct target *t;
};

static void
print_one(void *arg, unsigned index, const smiOID *name, const smiVALUE *val)
{
    struct print_all_args *a = arg;
    (void)index;
    print_vb(a->r, a->t, name, val);
}

static void
print_all(struct run *r, struct target *t, HSNMP_VBL vbl)
{
    struct print_all_args a = {r, t};
    wsnmp_each_vb(vbl, print_one, &a);
}

static void
failed_object(struct target *t, HSNMP_VBL vbl, smiINT status, smiINT index)
{
    smiOID name;
    smiVALUE val;
    char oid[MAXOBJIDSTRSIZE] = "";
    if (index > 0 && SnmpGetVb(vbl, (smiUINT32)index, &name, &val) == SNMPAPI_SUCCESS) {
        oid[0] = '.';
        SnmpOidToStr(&name, sizeof oid - 1, oid + 1);
        wsnmp_vb_release(&name, &val);
    }
    char reason[64];
    snprintf(reason, sizeof reason, "%s (%d)", wsnmp_error_status_name(status), (int)status);
    t->rc = WSNMP_EXIT_AGENT;
    int n = snprintf(t->err, sizeof t->err, "%s: Error in packet. Reason: %s%s%s", t->agent,
                     reason, oid[0] ? ", failed object: " : "", oid);
    if (n < 0)
        snprintf(t->err, sizeof t->err, "%s: Error in packet. Reason: %s", t->agent, reason);
    /* else a long failed-object OID is cut at the end of t->err: the reason comes first */
}

static void
on_response(struct run *r, struct target *t, HSNMP_PDU pdu)
{
    smiINT status = 0, index = 0;
    HSNMP_VBL vbl = NULL;
    SnmpGetPduData(pdu, NULL, NULL, &status, &index, &vbl);
    int again = 0;
    if (status == SNMP_ERROR_TOOBIG && r->o->cmd == WSNMP_WALK && t->max_rep > 1) {
        t->max_rep /= 2;   /* adaptive: ask for fewer rows */
        again = 1;
    } else if (status != SNMP_ERROR_NOERROR) {
        failed_object(t, vbl, status, index);
    } else if (r->o->cmd == WSNMP_WALK) {
        again = walk_step(r, t, vbl);
    } else if (r->o->cmd != WSNMP_INFORM) {
        print_all(r, t, vbl);
    }
    if (vbl)
        SnmpFreeVbl(vbl);
    if (again)
        send_request(r, t);
    else
        finish(r, t);
}

static struct target *
find(struct run *r, smiINT32 id)
{
    for (unsigned i = 0; i < r->n; i++)
        if (r->t[i].state == T_RUNNING && r->t[i].reqid == id)
            return &r->t[i];
    return NULL;
}

/* The request of t ended without a response: timeout, USM report, other. */
static void
request_failed(struct target *t, smiUINT32 code)
{
    int v3 = wsnmp_v3_exit_code(code);
    if (code == SNMPAPI_TL_TIMEOUT)
        fail(t, WSNMP_EXIT_TIMEOUT, "Timeout: No Response from %s.%s", t->agent, "");
    else if (v3)
        fail(t, v3, "%s: %s", t->agent, wn_wsnmp_strerror(code));
    else
        fail(t, WSNMP_EXIT_FAILURE, "%s: %s", t->agent, wn_wsnmp_strerror(code));
    if (v3) {
        size_t n = strlen(t->err);
        snprintf(t->err + n, sizeof t->err - n, "%s", wsnmp_v3_hint(code));
    }
}

/* Drains the session's queue: responses and failed requests. */
static void
drain(struct run *r)
{
    for (;;) {
        HSNMP_ENTITY src = NULL, dst = NULL;
        HSNMP_CONTEXT ctx = NULL;
        HSNMP_PDU pdu = NULL;
        SNMPAPI_STATUS st = SnmpRecvMsg(r->s, &src, &dst, &ctx, &pdu);
        smiUINT32 code = st == SNMPAPI_SUCCESS ? 0 : SnmpGetLastError(r->s);
        smiINT32 id = 0;
        if (pdu)
            SnmpGetPduData(pdu, NULL, &id, NULL, NULL, NULL);
        struct target *t = pdu ? find(r, id) : NULL;
        if (t && st == SNMPAPI_SUCCESS) {
            on_response(r, t, pdu);
        } else if (t) {
            /* a transport or USM failure names its request through the outs */
            request_failed(t, code);
            finish(r, t);
        }
        wsnmp_free_msg(src, dst, ctx, pdu);
        if (st != SNMPAPI_SUCCESS && !pdu)
            return;   /* queue empty (SNMPAPI_NOOP) or nothing to match */
    }
}

static void
start(struct run *r, struct target *t)
{
    const struct wsnmp_opts *o = r->o;
    if (wsnmp_make_target(r->s, o, t->agent, &t->ent, &t->ctx) != 0) {
        fail(t, WSNMP_EXIT_USAGE, "%s: not a usable agent%s", t->agent, "");
        t->state = T_DONE;
        return;
    }
    if (o->cmd == WSNMP_WALK) {
        const char *root = o->nargs ? o->args[0] : WSNMP_DEFAULT_WALK_ROOT;
        if (wsnmp_mib_parse(root, &t->root) != 0) {
            fail(t, WSNMP_EXIT_USAGE, "%s: bad OID %s", t->agent, root);
            t->state = T_DONE;
            return;
        }
        SnmpOidCopy(&t->root, &t->cur);
        t->have_cur = 1;
        t->max_rep = o->max_rep;
    }
    t->state = T_RUNNING;
    r->active++;
    send_request(r, t);
}

static void
progress(struct run *r, int clear)
{
    if (!r->o->progress || r->o->cmd != WSNMP_WALK || many(r))
        return;
    if (clear) {
        if (r->progress_shown)
            fputs("\r\033[K", stderr);
        return;
    }
    if (now_ms() - r->start_ms < WSNMP_PROGRESS_AFTER_MS)
        return;
    fprintf(stderr, "\r\033[Kwalking %s: %lu variables", r->t[0].agent, r->t[0].count);
    r->progress_shown = 1;
}

static void
print_block(struct run *r, struct target *t)
{
    fflush(t->out);
    if (r->o->json) {
        fputs("{\"target\":", stdout);
        wn_tool_json_cstr(stdout, t->agent);
        fprintf(stdout, ",\"ok\":%s,\"exit\":%d", t->rc ? "false" : "true", t->rc);
        if (t->rc) {
            fputs(",\"error\":", stdout);
            wn_tool_json_cstr(stdout, t->err);
        }
        fputs(",\"varbinds\":[", stdout);
        fwrite(t->buf, 1, t->len, stdout);
        fputs("]}\n", stdout);
        return;
    }
    printf("== %s ==\n", t->agent);
    fwrite(t->buf, 1, t->len, stdout);
    if (t->rc)
        printf("%s\n", t->err);
}

static int
report(struct run *r)
{
    int rc = 0;
    unsigned failed = 0;
    for (unsigned i = 0; i < r->n; i++) {
        struct target *t = &r->t[i];
        if (many(r))
            print_block(r, t);
        if (t->rc) {
            failed++;
            if (!rc)
                rc = t->rc;   /* the first failing agent's code */
        }
    }
    if (many(r) && failed) {
        fprintf(stderr, "wsnmp: %u of %u agents failed:\n", failed, r->n);
        for (unsigned i = 0; i < r->n; i++)
            if (r->t[i].rc)
                fprintf(stderr, "  %s\n", r->t[i].err);
    }
    return rc;
}

static void
release(struct run *r)
{
    for (unsigned i = 0; i < r->n; i++) {
        struct target *t = &r->t[i];
        if (t->have_cur) {
            SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&t->cur);
            SnmpFreeDescriptor(SNMP_SYNTAX_OID, (smiLPOPAQUE)&t->root);
        }
        if (t->out && t->out != stdout)
            fclose(t->out);
        free(t->buf);
    }
    free(r->t);
}

int
wsnmp_run_requests(const struct wsnmp_opts *o)
{
    struct run r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.n = o->targets.n;
    r.next_reqid = 1000;
    r.t = calloc(r.n, sizeof *r.t);
    r.s = r.t ? wsnmp_open_session() : NULL;
    if (!r.s) {
        free(r.t);
        return WSNMP_EXIT_FAILURE;
    }
    for (unsigned i = 0; i < r.n; i++) {
        r.t[i].agent = o->targets.v[i];
        r.t[i].json_first = 1;
        r.t[i].out = many(&r) ? open_memstream(&r.t[i].buf, &r.t[i].len) : stdout;
        if (!r.t[i].out) {
            release(&r);
            SnmpClose(r.s);
            return WSNMP_EXIT_FAILURE;
        }
    }
    /* Arguments are checked once, before anything is sent. */
    if (o->cmd != WSNMP_WALK) {
        HSNMP_VBL check = NULL;
        if (make_vbl(&r, &r.t[0], &check) != 0) {
            release(&r);
            SnmpClose(r.s);
            return WSNMP_EXIT_USAGE;
        }
        SnmpFreeVbl(check);
    }
    r.start_ms = now_ms();
    while (r.next < r.n || r.active > 0) {
        while (r.next < r.n && r.active < o->window)
            start(&r, &r.t[r.next++]);
        if (r.active == 0)
            continue;
        SNMPAPI_STATUS w = wn_wsnmp_wait(r.s, WSNMP_WAIT_TICK_MS);
        if (w == SNMPAPI_SUCCESS) {
            drain(&r);
        } else if (w == SNMPAPI_NOOP) {
            progress(&r, 0);
        } else {
            smiUINT32 code = SnmpGetLastError(r.s);
            for (unsigned i = 0; i < r.n; i++)
                if (r.t[i].state == T_RUNNING) {
                    fail(&r.t[i], WSNMP_EXIT_FAILURE, "%s: %s", r.t[i].agent, wn_wsnmp_strerror(code));
                    finish(&r, &r.t[i]);
                }
        }
    }
    progress(&r, 1);
    if (!many(&r) && o->cmd == WSNMP_INFORM && r.t[0].rc == 0 && !o->json)
        printf("Inform acknowledged by %s\n", r.t[0].agent);
    fflush(stdout);
    int rc = report(&r);
    release(&r);
    SnmpClose(r.s);
    return rc;
}
