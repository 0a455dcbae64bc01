/* peer_guard.c: runs one peer test so that every process it starts (daemons included) dies with it, however it ends. */
/*
 * Usage: peer_guard TEST [ARGS...]
 *
 * The guard becomes a child subreaper (PR_SET_CHILD_SUBREAPER) and runs
 * TEST as its child with PR_SET_PDEATHSIG = SIGTERM.  Daemons that TEST's
 * start scripts leave behind (snmpd, smbd, samba-dcerpcd, python peers)
 * are reparented to the guard, not to init, so they stay in the guard's
 * process tree:
 *   - CTest's timeout kills the test's whole tree, now the daemons too;
 *   - the guard killed alone: TEST gets SIGTERM (its trap stops its peers);
 *   - TEST killed alone, or TEST returning with peers still running: the
 *     guard ends every process left in its tree, by PID (TERM, 5 s, KILL),
 *     says so on stderr and exits with TEST's status.
 * Test harness only; it never looks at a process outside its own tree.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GRACE_MS 5000
#define POLL_MS 50
#define MAX_KIDS 256

static pid_t test_pid;

/* The guard's own SIGTERM/SIGINT goes on to the test (whose trap cleans up). */
static void
forward(int sig)
{
    if (test_pid > 0)
        kill(test_pid, sig);
}

static void
nap_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Reaps what has ended; records the test's status.  Returns the number reaped. */
static int
reap(int *test_status, int *test_done)
{
    int n = 0;
    for (;;) {
        int st;
        pid_t p = waitpid(-1, &st, WNOHANG);
        if (p <= 0)
            return n;
        n++;
        if (p == test_pid) {
            *test_status = st;
            *test_done = 1;
        }
    }
}

/* The guard's children now (from /proc/self/task/T/children), up to max. */
static size_t
children(pid_t *out, size_t max)
{
    char path[320];
    size_t n = 0;
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    if (d == NULL)
        return 0;
    for (e = readdir(d); e != NULL && n < max; e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/self/task/%s/children", e->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        long pid;
        while (n < max && fscanf(f, "%ld", &pid) == 1)
            out[n++] = (pid_t)pid;
        fclose(f);
    }
    closedir(d);
    return n;
}

static void
describe(pid_t pid, char *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
    FILE *f = fopen(path, "r");
    size_t n = f != NULL ? fread(buf, 1, len - 1, f) : 0;
    if (f != NULL)
        fclose(f);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    buf[n] = '\0';
}

int
main(int argc, char **argv)
{
    int status = 0;
    int done = 0;
    pid_t kids[MAX_KIDS];
    pid_t me = getpid();

    if (argc < 2) {
        fprintf(stderr, "usage: peer_guard TEST [ARGS...]\n");
        return 2;
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        perror("peer_guard: PR_SET_CHILD_SUBREAPER");
        return 2;
    }
    test_pid = fork();
    if (test_pid < 0) {
        perror("peer_guard: fork");
        return 2;
    }
    if (test_pid == 0) {
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != me)
            _exit(2);
        execvp(argv[1], argv + 1);
        perror("peer_guard: exec");
        _exit(127);
    }
    signal(SIGTERM, forward);
    signal(SIGINT, forward);
    signal(SIGHUP, forward);
    while (!done) {
        reap(&status, &done);
        if (!done)
            nap_ms(POLL_MS);
    }
    /* Whatever is left in the tree outlived the test: TERM, then KILL
     * GRACE_MS later.  A grandchild shows up here once its own parent has
     * gone, and gets its own grace time. */
    pid_t termed[MAX_KIDS];
    long termed_at[MAX_KIDS];
    size_t nterm = 0;
    long now = 0;
    for (;;) {
        reap(&status, &done);
        size_t n = children(kids, MAX_KIDS);
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++) {
            size_t j = 0;
            while (j < nterm && termed[j] != kids[i])
                j++;
            int fresh = j == nterm;
            if (!fresh && now - termed_at[j] < GRACE_MS)
                continue;
            if (fresh && nterm == MAX_KIDS)
                continue;
            char what[160];
            describe(kids[i], what, sizeof what);
            fprintf(stderr, "peer_guard: pid %ld outlived the test, %s: %s\n", (long)kids[i],
                    fresh ? "TERM" : "KILL", what);
            kill(kids[i], fresh ? SIGTERM : SIGKILL);
            if (fresh) {
                termed[nterm] = kids[i];
                termed_at[nterm++] = now;
            } else {
                termed_at[j] = now;
            }
        }
        nap_ms(POLL_MS);
        now += POLL_MS;
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
