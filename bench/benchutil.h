/* benchutil.h: small shared helpers of the benchmark programs (monotonic clock, CPU time, RSS). */
#ifndef WN_BENCHUTIL_H
#define WN_BENCHUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static inline double
wn_bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* User + system CPU seconds of a rusage. */
static inline double
wn_bench_cpu_s(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

/* Current resident set size in KiB (VmRSS), -1 if unknown. */
static inline long
wn_bench_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6) && sscanf(line + 6, "%ld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* Command line shared by wsnmp_rr and its net-snmp twin netsnmp_rr. */
struct wn_bench_rr_opts {
    long sessions;   /* -s: sessions (each net-snmp session is a socket) */
    long window;     /* -w: outstanding requests per session */
    long total;      /* -n: requests in all (memory mode: sessions * window) */
    long timeout_cs; /* -t: timeout per attempt, centiseconds */
    long retries;    /* -r: retransmissions */
    int memory;      /* -m: memory mode (send once to a silent sink, report RSS) */
    const char *agent; /* borrowed from argv */
    /* SNMPv3 authPriv with SHA-256 and AES-128 when user is set (-u USER
     * -A AUTHPASS -X PRIVPASS); the context (-c) is then the contextName
     * (default empty), else the community (default public). */
    const char *user, *authpass, *privpass, *context;
};

/* The benchmark's one v3 configuration: the Speed target of issue 16. */
#define WN_BENCH_V3_AUTH "SHA-256"
#define WN_BENCH_V3_PRIV "AES"

static inline void
wn_bench_rr_parse(int argc, char **argv, struct wn_bench_rr_opts *o)
{
    *o = (struct wn_bench_rr_opts){1, 1, 100000, 200, 1, 0, NULL, NULL, NULL, NULL, NULL};
    const char *optstr = "s:w:n:t:r:mu:A:X:c:";
    int opt;
    for (opt = getopt(argc, argv, optstr); opt != -1; opt = getopt(argc, argv, optstr)) {
        switch (opt) {
        case 's': o->sessions = atol(optarg); break;
        case 'w': o->window = atol(optarg); break;
        case 'n': o->total = atol(optarg); break;
        case 't': o->timeout_cs = atol(optarg); break;
        case 'r': o->retries = atol(optarg); break;
        case 'm': o->memory = 1; break;
        case 'u': o->user = optarg; break;
        case 'A': o->authpass = optarg; break;
        case 'X': o->privpass = optarg; break;
        case 'c': o->context = optarg; break;
        default: o->sessions = 0; break;
        }
    }
    if (optind != argc - 1 || o->sessions < 1 || o->window < 1 || o->total < 1 ||
        o->timeout_cs < 1 || o->retries < 0 || (o->user && (!o->authpass || !o->privpass))) {
        fprintf(stderr, "usage: %s [-s sessions] [-w window] [-n requests] [-t timeout_cs] "
                        "[-r retries] [-m] [-c community|context]\n"
                        "          [-u user -A authpass -X privpass] agent\n"
                        "  -m  memory mode: send sessions*window requests to a silent sink,\n"
                        "      report RSS per session and per outstanding request\n"
                        "  -u  SNMPv3 authPriv, " WN_BENCH_V3_AUTH "/" WN_BENCH_V3_PRIV
                        " (-c is then the contextName, default empty)\n", argv[0]);
        exit(2);
    }
    o->agent = argv[optind];
    if (!o->context)
        o->context = o->user ? "" : "public";
    if (o->memory)
        o->total = o->sessions * o->window;
}

#endif /* WN_BENCHUTIL_H */
