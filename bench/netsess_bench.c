/* netsess_bench.c: benchmark of libnetsess NetSessionEnum (level 0/1) against a server: per-call latency and CPU (with NETAPI_CONN_IDLE_MS=0 each call connects, authenticates, binds and enumerates; by default calls after the first reuse the kept connection). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <lm.h>

#include "benchutil.h"

static int
cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    const char *server = "127.0.0.1";
    long calls = 20;
    DWORD level = 1;
    int opt;
    for (opt = getopt(argc, argv, "n:l:"); opt != -1; opt = getopt(argc, argv, "n:l:")) {
        switch (opt) {
        case 'n': calls = atol(optarg); break;
        case 'l': level = (DWORD)atol(optarg); break;
        default:
            fprintf(stderr, "usage: netsess_bench [-n calls] [-l level] [server]\n"
                            "credentials and port: NETAPI_USER, NETAPI_PASSWORD, NETAPI_SMB_PORT\n");
            return 2;
        }
    }
    if (optind < argc)
        server = argv[optind];
    if (calls < 1)
        calls = 1;
    double *lat = calloc((size_t)calls, sizeof *lat);
    if (!lat)
        return 1;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    DWORD entries = 0;
    for (long i = 0; i < calls; i++) {
        LPBYTE buf = NULL;
        DWORD read = 0, total = 0, resume = 0;
        double t = wn_bench_now();
        NET_API_STATUS st = wn_netapi_session_enum_utf8(server, NULL, NULL, level, &buf,
                                                        MAX_PREFERRED_LENGTH, &read, &total,
                                                        &resume);
        lat[i] = wn_bench_now() - t;
        NetApiBufferFree(buf);
        if (st != NERR_Success) {
            printf("impl=netsess status=%u call=%ld\n", (unsigned)st, i);
            return 3;
        }
        entries = read;
    }
    getrusage(RUSAGE_SELF, &ru1);
    double cpu = wn_bench_cpu_s(&ru1) - wn_bench_cpu_s(&ru0);
    double first = lat[0];
    qsort(lat, (size_t)calls, sizeof *lat, cmpd);
    printf("impl=netsess level=%u calls=%ld entries=%u first_ms=%.2f median_ms=%.2f min_ms=%.2f "
           "max_ms=%.2f cpu_ms_per_call=%.3f maxrss_kb=%ld\n",
           (unsigned)level, calls, (unsigned)entries, first * 1e3, lat[calls / 2] * 1e3,
           lat[0] * 1e3, lat[calls - 1] * 1e3, cpu * 1e3 / (double)calls, ru1.ru_maxrss);
    free(lat);
    return 0;
}
