/* netapi_probe.c: command-line driver of the public NetSession* API for the peer tests (prints results). */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "lm.h"

/* "-" means NULL.  Returns a malloc'd wide copy (freed by main). */
static LMSTR
wide(const char *s)
{
    size_t n;
    wchar_t *w;

    if (s == NULL || strcmp(s, "-") == 0)
        return NULL;
    n = mbstowcs(NULL, s, 0);
    if (n == (size_t)-1)
        return NULL;
    w = calloc(n + 1, sizeof(*w));
    if (w != NULL)
        mbstowcs(w, s, n + 1);
    return w;
}

static void
print_entries(DWORD level, const BYTE *buf, DWORD n)
{
    DWORD i;

    for (i = 0; i < n; i++) {
        switch (level) {
        case 0: {
            const SESSION_INFO_0 *e = (const SESSION_INFO_0 *)(const void *)buf + i;
            printf("entry cname=%ls\n", e->sesi0_cname);
            break;
        }
        case 1: {
            const SESSION_INFO_1 *e = (const SESSION_INFO_1 *)(const void *)buf + i;
            printf("entry cname=%ls user=%ls opens=%u time=%u idle=%u flags=%u\n",
                   e->sesi1_cname, e->sesi1_username, e->sesi1_num_opens, e->sesi1_time,
                   e->sesi1_idle_time, e->sesi1_user_flags);
            break;
        }
        case 2: {
            const SESSION_INFO_2 *e = (const SESSION_INFO_2 *)(const void *)buf + i;
            printf("entry cname=%ls user=%ls opens=%u time=%u idle=%u flags=%u cltype=[%ls]\n",
                   e->sesi2_cname, e->sesi2_username, e->sesi2_num_opens, e->sesi2_time,
                   e->sesi2_idle_time, e->sesi2_user_flags, e->sesi2_cltype_name);
            break;
        }
        case 10: {
            const SESSION_INFO_10 *e = (const SESSION_INFO_10 *)(const void *)buf + i;
            printf("entry cname=%ls user=%ls time=%u idle=%u\n", e->sesi10_cname,
                   e->sesi10_username, e->sesi10_time, e->sesi10_idle_time);
            break;
        }
        default: {
            const SESSION_INFO_502 *e = (const SESSION_INFO_502 *)(const void *)buf + i;
            printf("entry cname=%ls user=%ls opens=%u time=%u idle=%u flags=%u cltype=[%ls] "
                   "transport=[%ls]\n",
                   e->sesi502_cname, e->sesi502_username, e->sesi502_num_opens,
                   e->sesi502_time, e->sesi502_idle_time, e->sesi502_user_flags,
                   e->sesi502_cltype_name, e->sesi502_transport);
            break;
        }
        }
    }
}

int
main(int argc, char **argv)
{
    NET_API_STATUS st;
    LPBYTE buf = NULL;
    LMSTR w[6] = { NULL, NULL, NULL, NULL, NULL, NULL };
    int i;

    setlocale(LC_ALL, "C.UTF-8");
    for (i = 2; i < argc && i < 6; i++)
        w[i] = wide(argv[i]);
    if (argc >= 3 && strcmp(argv[1], "enum") == 0) {
        /* enum LEVEL [server] [client] [user] [prefmaxlen]: pages until done.
         * PROBE_REPEAT=N lists N times (PROBE_SLEEP_MS apart, "round" lines
         * between); PROBE_FORK=1 forks after the first listing and the
         * child lists once (its lines start with "child "). */
        DWORD level = (DWORD)strtoul(argv[2], NULL, 0);
        DWORD pref = argc > 6 ? (DWORD)strtoul(argv[6], NULL, 0) : MAX_PREFERRED_LENGTH;
        const char *rep = getenv("PROBE_REPEAT");
        const char *slp = getenv("PROBE_SLEEP_MS");
        const char *frk = getenv("PROBE_FORK");
        int rounds = rep != NULL ? atoi(rep) : 1;
        long sleep_ms = slp != NULL ? atol(slp) : 0;
        int r;
        for (r = 0; r < rounds; r++) {
            DWORD resume = 0;
            int calls = 0;
            if (r > 0) {
                struct timespec ts = { sleep_ms / 1000, (sleep_ms % 1000) * 1000000L };
                nanosleep(&ts, NULL);
                printf("round %d\n", r);
            }
            do {
                DWORD er = 0;
                DWORD te = 0;
                st = NetSessionEnum(w[3], w[4], w[5], level, &buf, pref, &er, &te, &resume);
                printf("call status=%u entries=%u total=%u resume=%u\n", st, er, te, resume);
                if (st == NERR_Success || st == ERROR_MORE_DATA)
                    print_entries(level, buf, er);
                NetApiBufferFree(buf);
                buf = NULL;
            } while (st == ERROR_MORE_DATA && ++calls < 1000);
            fflush(stdout);
            if (r == 0 && frk != NULL && strcmp(frk, "1") == 0) {
                pid_t pid = fork();
                if (pid == 0) {
                    DWORD er = 0;
                    DWORD te = 0;
                    st = NetSessionEnum(w[3], w[4], w[5], level, &buf, MAX_PREFERRED_LENGTH,
                                        &er, &te, NULL);
                    printf("child call status=%u entries=%u\n", st, er);
                    NetApiBufferFree(buf);
                    fflush(stdout);
                    /* A fork child leaves with _exit: the parent's atexit
                     * handlers are not its business, and the ASan build's
                     * leak check can hang in the child of a threaded
                     * process (a lock held by a parent thread at fork): it
                     * hung for the 60 s timeout once in a full run. */
                    _exit(st == NERR_Success ? 0 : 1);
                }
                int wst = 0;
                waitpid(pid, &wst, 0);
                printf("child exit=%d\n", WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
            }
        }
    } else if (argc >= 6 && strcmp(argv[1], "getinfo") == 0) {
        DWORD level = (DWORD)strtoul(argv[2], NULL, 0);
        st = NetSessionGetInfo(w[3], w[4], w[5], level, &buf);
        printf("call status=%u\n", st);
        if (st == NERR_Success)
            print_entries(level, buf, 1);
        NetApiBufferFree(buf);
    } else if (argc >= 5 && strcmp(argv[1], "del") == 0) {
        /* PROBE_WARM_GO=FILE: a NetSessionEnum first (it leaves a kept
         * connection), "warm status=N", then the deletion once FILE exists
         * (the test does something to that connection in between). */
        const char *go = getenv("PROBE_WARM_GO");
        if (go != NULL) {
            DWORD er = 0;
            DWORD te = 0;
            int waited;
            st = NetSessionEnum(w[2], NULL, NULL, 10, &buf, MAX_PREFERRED_LENGTH, &er, &te, NULL);
            NetApiBufferFree(buf);
            buf = NULL;
            printf("warm status=%u\n", st);
            fflush(stdout);
            for (waited = 0; access(go, F_OK) != 0 && waited < 600; waited++) {
                struct timespec ts = { 0, 100000000L };
                nanosleep(&ts, NULL);
            }
        }
        st = NetSessionDel(w[2], w[3], w[4]);
        printf("call status=%u\n", st);
    } else {
        fprintf(stderr, "usage: netapi_probe enum LEVEL [server client user prefmaxlen]\n"
                        "       netapi_probe getinfo LEVEL server client user\n"
                        "       netapi_probe del server client user   ('-' = NULL)\n");
        for (i = 0; i < 6; i++)
            free(w[i]);
        return 2;
    }
    for (i = 0; i < 6; i++)
        free(w[i]);
    return 0;
}
