/* netsnmp_rr.c: the peer side of wsnmp_rr: the same N sessions x W outstanding Gets (or memory probe) written against net-snmp's classic async API and select loop. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>

#include "benchutil.h"

static long n_sess = 1, window = 1, total = 100000;
static long sent, done, ok, errs, timeouts, varbinds;
static netsnmp_session **sess;
static oid the_oid[MAX_OID_LEN];
static size_t the_oid_len = MAX_OID_LEN;
static int memory_mode;

static void send_one(netsnmp_session *s);

static int
on_response(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu, void *magic)
{
    (void)reqid, (void)magic;
    done++;
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE) {
        if (pdu->errstat == SNMP_ERR_NOERROR) {
            ok++;
            for (netsnmp_variable_list *v = pdu->variables; v; v = v->next_variable)
                varbinds++;
        } else {
            errs++;
        }
    } else {
        timeouts++;
    }
    if (!memory_mode)
        send_one(s);
    return 1;
}

static void
send_one(netsnmp_session *s)
{
    if (sent >= total)
        return;
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
    snmp_add_null_var(pdu, the_oid, the_oid_len);
    if (!snmp_async_send(s, pdu, on_response, NULL)) {
        snmp_sess_perror("netsnmp_rr: snmp_async_send", s);
        snmp_free_pdu(pdu);
        exit(2);
    }
    sent++;
}

/* SNMPv3 authPriv SHA-256/AES-128 from pass phrases, as snmpget -v3 sets
 * up its session (Ku here; net-snmp localises it after its discovery). */
static int
v3_session(netsnmp_session *t, const struct wn_bench_rr_opts *o)
{
    t->version = SNMP_VERSION_3;
    t->securityName = (char *)o->user;
    t->securityNameLen = strlen(o->user);
    t->securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
    t->securityAuthProto = usmHMAC192SHA256AuthProtocol;
    t->securityAuthProtoLen = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
    t->securityAuthKeyLen = USM_AUTH_KU_LEN;
    t->securityPrivProto = usmAESPrivProtocol;
    t->securityPrivProtoLen = OID_LENGTH(usmAESPrivProtocol);
    t->securityPrivKeyLen = USM_PRIV_KU_LEN;
    t->contextName = (char *)o->context;
    t->contextNameLen = strlen(o->context);
    if (generate_Ku(t->securityAuthProto, (u_int)t->securityAuthProtoLen, (const u_char *)o->authpass,
                    strlen(o->authpass), t->securityAuthKey, &t->securityAuthKeyLen) != SNMPERR_SUCCESS ||
        generate_Ku(t->securityAuthProto, (u_int)t->securityAuthProtoLen, (const u_char *)o->privpass,
                    strlen(o->privpass), t->securityPrivKey, &t->securityPrivKeyLen) != SNMPERR_SUCCESS) {
        fprintf(stderr, "netsnmp_rr: generate_Ku failed\n");
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct wn_bench_rr_opts o;
    wn_bench_rr_parse(argc, argv, &o);
    n_sess = o.sessions;
    window = o.window;
    total = o.total;
    memory_mode = o.memory;
    setenv("MIBS", "", 0);

    long rss0 = wn_bench_rss_kb();
    double t_setup = wn_bench_now();
    init_snmp("netsnmp_rr");
    read_objid(".1.3.6.1.2.1.1.3.0", the_oid, &the_oid_len);
    sess = calloc((size_t)n_sess, sizeof *sess);
    for (long i = 0; i < n_sess; i++) {
        netsnmp_session tmpl;
        snmp_sess_init(&tmpl);
        if (o.user && v3_session(&tmpl, &o) != 0)
            return 4;
        if (!o.user) {
            tmpl.version = SNMP_VERSION_2c;
            tmpl.community = (u_char *)o.context;
            tmpl.community_len = strlen(o.context);
        }
        tmpl.peername = (char *)o.agent;
        tmpl.timeout = o.timeout_cs * 10000L;
        tmpl.retries = (int)o.retries;
        sess[i] = snmp_open(&tmpl);
        if (!sess[i]) {
            snmp_sess_perror("netsnmp_rr: snmp_open", &tmpl);
            printf("impl=netsnmp sessions=%ld window=%ld status=open_failed_at_%ld\n", n_sess,
                   window, i);
            return 4;
        }
    }
    long rss1 = wn_bench_rss_kb();
    t_setup = wn_bench_now() - t_setup;

    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    double t0 = wn_bench_now();
    for (long k = 0; k < window; k++)
        for (long i = 0; i < n_sess; i++)
            send_one(sess[i]);

    if (memory_mode) {
        long rss2 = wn_bench_rss_kb();
        printf("impl=netsnmp mode=memory sessions=%ld outstanding=%ld tx=%ld "
               "rss_base_kb=%ld rss_sessions_kb=%ld rss_outstanding_kb=%ld "
               "bytes_per_session=%.0f bytes_per_request=%.0f setup_s=%.3f send_s=%.3f\n",
               n_sess, total, sent, rss0, rss1, rss2, (rss1 - rss0) * 1024.0 / (double)n_sess,
               (rss2 - rss1) * 1024.0 / (double)total, t_setup, wn_bench_now() - t0);
        return 0;
    }

    /* The classic loop every asyncapp-style client uses; gives up after
     * 3 s without progress (what happens above FD_SETSIZE descriptors). */
    double last_progress = wn_bench_now();
    long last_done = 0;
    while (done < total) {
        int fds = 0, block = 1;
        fd_set fdset;
        struct timeval tv;
        FD_ZERO(&fdset);
        snmp_select_info(&fds, &fdset, &tv, &block);
        if (block || tv.tv_sec > 0) { /* wake up to check progress */
            tv.tv_sec = 0;
            tv.tv_usec = 200000;
        }
        int n = select(fds, &fdset, NULL, NULL, &tv);
        if (n > 0)
            snmp_read(&fdset);
        else if (n == 0)
            snmp_timeout();
        else if (errno != EINTR) {
            perror("netsnmp_rr: select");
            break;
        }
        if (done != last_done) {
            last_done = done;
            last_progress = wn_bench_now();
        } else if (wn_bench_now() - last_progress > 3.0) {
            break;
        }
    }
    double wall = wn_bench_now() - t0;
    getrusage(RUSAGE_SELF, &ru1);
    double cpu = wn_bench_cpu_s(&ru1) - wn_bench_cpu_s(&ru0);
    printf("impl=netsnmp version=%s sessions=%ld window=%ld requests=%ld ok=%ld errors=%ld timeouts=%ld "
           "varbinds=%ld wall_s=%.3f rate=%.0f cpu_us_per_req=%.2f maxrss_kb=%ld setup_s=%.3f%s\n",
           o.user ? "3" : "2c", n_sess, window, done, ok, errs, timeouts, varbinds, wall, done / wall,
           done ? cpu * 1e6 / (double)done : 0.0, ru1.ru_maxrss, t_setup,
           done < total ? " status=stalled" : "");
    return done == total && timeouts == 0 ? 0 : 3;
}
