/* runstat.c: runs a command (stdout to /dev/null) and prints its wall time, CPU time and max RSS, for timing peer tools side by side. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: runstat command [args...]\n"
                        "prints: wall_s=.. cpu_s=.. maxrss_kb=.. rc=.. lines=..\n");
        return 2;
    }
    int pfd[2];
    if (pipe(pfd) != 0)
        return 1;
    double t0 = wn_bench_now();
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        execvp(argv[1], argv + 1);
        perror("runstat: exec");
        _exit(127);
    }
    close(pfd[1]);
    /* Count output lines (what a walk returned) while discarding them. */
    char buf[65536];
    long lines = 0;
    ssize_t n;
    for (n = read(pfd[0], buf, sizeof buf); n > 0; n = read(pfd[0], buf, sizeof buf))
        for (ssize_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
    close(pfd[0]);
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        return 1;
    double wall = wn_bench_now() - t0;
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("wall_s=%.4f cpu_s=%.4f maxrss_kb=%ld rc=%d lines=%ld\n", wall, wn_bench_cpu_s(&ru),
           ru.ru_maxrss, rc, lines);
    return rc;
}
