/* wsnmp_rr.c: benchmark of libwsnmp request/response throughput (N sessions x W outstanding Gets) and memory per session / per outstanding request. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <winsnmp.h>
#include <wsnmp_ext.h>

#include "benchutil.h"

struct bsess {
    HSNMP_SESSION h;
    HSNMP_ENTITY dst;
    HSNMP_CONTEXT ctx;
    HSNMP_PDU *pdu; /* window PDUs, request ids base+0 .. base+W-1 */
    smiINT32 base;
};

static struct bsess *sess;
static long n_sess = 1, window = 1, total = 100000;
static atomic_long sent, done, ok, errs, timeouts, varbinds;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int finished, memory_mode;

static void
finish_one(void)
{
    if (atomic_fetch_add(&done, 1) + 1 == total) {
        pthread_mutex_lock(&mu);
        finished = 1;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&mu);
    }
}

static void
send_slot(struct bsess *s, long slot)
{
    if (atomic_fetch_add(&sent, 1) >= total)
        return;
    if (SnmpSendMsg(s->h, NULL, s->dst, s->ctx, s->pdu[slot]) != SNMPAPI_SUCCESS) {
        fprintf(stderr, "wsnmp_rr: SnmpSendMsg failed (%u)\n", SnmpGetLastError(s->h));
        exit(2);
    }
}

/* Runs on the library's I/O thread: drain the queue, resend each slot. */
static SNMPAPI_STATUS CALLBACK
on_event(HSNMP_SESSION h, HWND w, UINT m, WPARAM wp, LPARAM lp, LPVOID data)
{
    struct bsess *s = data;
    (void)w, (void)m, (void)wp, (void)lp;
    for (;;) {
        HSNMP_PDU pdu = NULL;
        SNMPAPI_STATUS st = SnmpRecvMsg(h, NULL, NULL, NULL, &pdu);
        smiUINT32 err = st == SNMPAPI_SUCCESS ? 0 : SnmpGetLastError(h);
        if (err && !pdu) /* empty queue (NOOP), or the session is going away */
            break;
        smiINT32 id = 0;
        smiINT status = 0;
        HSNMP_VBL vbl = NULL;
        if (pdu && SnmpGetPduData(pdu, NULL, &id, err ? NULL : &status, NULL,
                                  err ? NULL : &vbl) == SNMPAPI_FAILURE)
            id = 0;
        if (err == SNMPAPI_TL_TIMEOUT)
            atomic_fetch_add(&timeouts, 1);
        else if (err || status)
            atomic_fetch_add(&errs, 1);
        else {
            atomic_fetch_add(&ok, 1);
            SNMPAPI_STATUS n = SnmpCountVbl(vbl);
            if (n != SNMPAPI_FAILURE)
                atomic_fetch_add(&varbinds, n);
        }
        if (vbl)
            SnmpFreeVbl(vbl);
        if (pdu)
            SnmpFreePdu(pdu);
        long slot = id - s->base;
        if (pdu && slot >= 0 && slot < window) {
            finish_one();
            if (!memory_mode)
                send_slot(s, slot);
        }
    }
    return SNMPAPI_SUCCESS;
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
    smiUINT32 timeout_cs = (smiUINT32)o.timeout_cs, retries = (smiUINT32)o.retries;
    const char *agent = o.agent;

    long rss0 = wn_bench_rss_kb();
    double t_setup = wn_bench_now();
    if (SnmpStartup(NULL, NULL, NULL, NULL, NULL) != SNMPAPI_SUCCESS) {
        fprintf(stderr, "wsnmp_rr: SnmpStartup failed\n");
        return 1;
    }
    SnmpSetTranslateMode(SNMPAPI_UNTRANSLATED_V2);
    SnmpSetRetransmitMode(retries ? SNMPAPI_ON : SNMPAPI_OFF);
    sess = calloc((size_t)n_sess, sizeof *sess);
    smiOID oid;
    /* v3: the entity string of docs/snmpv3.md (bench pass phrases only:
     * no characters that need escaping), the context "snmpv3:<contextName>" */
    static char v3agent[1024], context[300];
    snprintf(context, sizeof context, "%s%s", o.user ? "snmpv3:" : "", o.context);
    smiOCTETS comm = {(smiUINT32)strlen(context), (smiLPBYTE)context};
    if (!sess || SnmpStrToOid("1.3.6.1.2.1.1.3.0", &oid) == SNMPAPI_FAILURE)
        return 1;
    if (o.user) {
        if (snprintf(v3agent, sizeof v3agent, "snmpv3:%s;level=authPriv;auth=%s;authpass=%s;"
                     "priv=%s;privpass=%s@%s", o.user, WN_BENCH_V3_AUTH, o.authpass,
                     WN_BENCH_V3_PRIV, o.privpass, agent) >= (int)sizeof v3agent)
            return 1;
        agent = v3agent;
    }
    for (long i = 0; i < n_sess; i++) { /* what a session costs: session, agent, community */
        struct bsess *s = &sess[i];
        s->h = SnmpCreateSession(NULL, 0, on_event, s);
        s->dst = s->h ? SnmpStrToEntity(s->h, agent) : NULL;
        s->ctx = s->dst ? SnmpStrToContext(s->h, &comm) : NULL;
        if (!s->ctx) {
            fprintf(stderr, "wsnmp_rr: session %ld: setup failed (%u)\n", i,
                    SnmpGetLastError(s->h));
            return 1;
        }
        SnmpSetTimeout(s->dst, timeout_cs);
        SnmpSetRetry(s->dst, retries);
    }
    long rss1 = wn_bench_rss_kb();
    t_setup = wn_bench_now() - t_setup;
    for (long i = 0; i < n_sess; i++) { /* the requests (counted per request in -m) */
        struct bsess *s = &sess[i];
        s->base = (smiINT32)(1 + i * window);
        s->pdu = calloc((size_t)window, sizeof *s->pdu);
        HSNMP_VBL vbl = SnmpCreateVbl(s->h, &oid, NULL);
        for (long k = 0; s->pdu && vbl && k < window; k++)
            s->pdu[k] = SnmpCreatePdu(s->h, SNMP_PDU_GET, s->base + (smiINT32)k, 0, 0, vbl);
        if (!s->pdu || !vbl || !s->pdu[window - 1]) {
            fprintf(stderr, "wsnmp_rr: session %ld: PDU failed (%u)\n", i, SnmpGetLastError(s->h));
            return 1;
        }
        SnmpFreeVbl(vbl);
    }
    long rss_pdus = wn_bench_rss_kb();

    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    double t0 = wn_bench_now();
    for (long k = 0; k < window; k++)
        for (long i = 0; i < n_sess; i++)
            send_slot(&sess[i], k);

    if (memory_mode) {
        struct wn_wsnmp_stats st;
        for (int spin = 0; spin < 3000; spin++) { /* until every request is on the wire */
            wn_wsnmp_get_stats(&st);
            if ((long)st.tx >= total)
                break;
            usleep(10000);
        }
        double t_send = wn_bench_now() - t0;
        long rss2 = wn_bench_rss_kb();
        /* bytes_per_request counts the application's PDU handle and the
         * engine's state for the request; engine_bytes_per_request only the
         * latter (an application may reuse one PDU for every request). */
        printf("impl=wsnmp mode=memory sessions=%ld outstanding=%ld tx=%llu "
               "rss_base_kb=%ld rss_sessions_kb=%ld rss_pdus_kb=%ld rss_outstanding_kb=%ld "
               "bytes_per_session=%.0f bytes_per_request=%.0f engine_bytes_per_request=%.0f "
               "setup_s=%.3f send_s=%.3f\n",
               n_sess, total, (unsigned long long)st.tx, rss0, rss1, rss_pdus, rss2,
               (rss1 - rss0) * 1024.0 / (double)n_sess, (rss2 - rss1) * 1024.0 / (double)total,
               (rss2 - rss_pdus) * 1024.0 / (double)total, t_setup, t_send);
        double tc = wn_bench_now();
        SnmpCleanup();
        printf("cleanup_s=%.3f\n", wn_bench_now() - tc);
        return 0;
    }

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 15; /* a stalled run reports what it got */
    pthread_mutex_lock(&mu);
    while (!finished)
        if (pthread_cond_timedwait(&cv, &mu, &deadline) != 0)
            break;
    pthread_mutex_unlock(&mu);
    double wall = wn_bench_now() - t0;
    getrusage(RUSAGE_SELF, &ru1);
    double cpu = wn_bench_cpu_s(&ru1) - wn_bench_cpu_s(&ru0);
    long d = atomic_load(&done);
    struct wn_wsnmp_stats st;
    wn_wsnmp_get_stats(&st);
    printf("impl=wsnmp version=%s sessions=%ld window=%ld requests=%ld ok=%ld errors=%ld timeouts=%ld "
           "varbinds=%ld retransmits=%llu wall_s=%.3f rate=%.0f cpu_us_per_req=%.2f maxrss_kb=%ld "
           "setup_s=%.3f%s\n",
           o.user ? "3" : "2c", n_sess, window, d, atomic_load(&ok), atomic_load(&errs), atomic_load(&timeouts),
           atomic_load(&varbinds), (unsigned long long)st.retransmits, wall, d / wall, d ? cpu * 1e6 / (double)d : 0.0,
           ru1.ru_maxrss, t_setup, d < total ? " status=stalled" : "");
    if (d < total) {
        printf("stats: sent=%ld rx=%llu tx=%llu retransmits=%llu timeouts=%llu stray=%llu "
               "malformed=%llu\n", atomic_load(&sent), (unsigned long long)st.rx,
               (unsigned long long)st.tx, (unsigned long long)st.retransmits,
               (unsigned long long)st.timeouts, (unsigned long long)st.dropped_stray,
               (unsigned long long)st.dropped_malformed);
    }
    fflush(stdout);
    SnmpCleanup();
    return d == total && atomic_load(&timeouts) == 0 ? 0 : 3;
}
