/* wire_tool.c: the net-snmp side of the wire tests (peer daemons, tool runs, output parsing, the volatile-value rule). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wire_tool.h"

/* ---------------------------------------------------------------- peers */

static int
run_script(const char *script, const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s/%s' '%s' >>'%s/harness.log' 2>&1", WIRE_SCRIPT_DIR, script,
             dir, dir);
    int rc = system(cmd);
    return (rc == 0) ? 0 : -1;
}

static unsigned
read_port(const char *dir, const char *name)
{
    char path[512];
    unsigned port = 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    if (fscanf(f, "%u", &port) != 1)
        port = 0;
    fclose(f);
    return port;
}

int
wire_peers_start(struct wire_peers *p, int want_snmpd, int want_trapd)
{
    char tmpl[] = "/tmp/wn-wire-snmp.XXXXXX";
    char buf[512];

    memset(p, 0, sizeof *p);
    p->wd_fd = -1;
    /* The daemons the start scripts leave behind are reparented to this
     * process, not to init: they stay in its process tree, which CTest
     * kills whole on a timeout (the watchdog below is in that tree too, so
     * it cannot clean up then).  Killed alone, this process leaves them to
     * the watchdog. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
        return -1;
    if (mkdtemp(tmpl) == NULL)
        return -1;
    snprintf(p->dir, sizeof p->dir, "%s", tmpl);
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* watchdog: EOF on the pipe = the test is gone (or done) */
        close(fds[1]);
        if (dup2(fds[0], 0) < 0)
            _exit(1);
        execl("/bin/bash", "bash", "-c",
              "cat >/dev/null; \"$0/snmpd-stop.sh\" \"$1\"; \"$0/snmptrapd-stop.sh\" \"$1\";"
              " [ -n \"$WIRE_KEEP_DIR\" ] || rm -rf \"$1\"",
              WIRE_SCRIPT_DIR, p->dir, (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);   /* daemons and tools must not hold it */
    p->wd_fd = fds[1];
    p->wd_pid = (int)pid;
    setenv("SNMPCONFPATH", p->dir, 1);
    snprintf(buf, sizeof buf, "%s/client-persist", p->dir);
    setenv("SNMP_PERSISTENT_DIR", buf, 1);
    setenv("MIBS", "", 1);
    if (want_snmpd) {
        if (run_script("snmpd-start.sh", p->dir) != 0)
            return -1;
        p->snmpd_port = read_port(p->dir, "snmpd.port");
        if (p->snmpd_port == 0)
            return -1;
    }
    if (want_trapd) {
        if (run_script("snmptrapd-start.sh", p->dir) != 0)
            return -1;
        p->trapd_port = read_port(p->dir, "snmptrapd.port");
        if (p->trapd_port == 0)
            return -1;
    }
    /* WIRE_TEST_HANG=FILE (tests/peer/snmp/test-peers-die.sh): write the
     * peer directory to FILE and hang, to be killed from outside. */
    const char *hang = getenv("WIRE_TEST_HANG");
    if (hang != NULL) {
        FILE *f = fopen(hang, "w");
        if (f == NULL)
            return -1;
        fprintf(f, "%s\n", p->dir);
        fclose(f);
        for (;;)
            pause();
    }
    return 0;
}

int
wire_peers_stop(struct wire_peers *p)
{
    int rc = 0;
    if (p->dir[0] == '\0')
        return 0;
    if (run_script("snmpd-stop.sh", p->dir) != 0)
        rc = -1;
    if (run_script("snmptrapd-stop.sh", p->dir) != 0)
        rc = -1;
    if (rc == 0 && getenv("WIRE_KEEP_DIR") == NULL)
        wire_run(NULL, "rm -rf '%s'", p->dir);
    else
        fprintf(stderr, "wire: peer dir kept: %s\n", p->dir);
    if (p->wd_fd >= 0) {
        close(p->wd_fd);
        waitpid((pid_t)p->wd_pid, NULL, 0);
        p->wd_fd = -1;
    }
    /* the stopped daemons were our children (subreaper): reap them */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    p->dir[0] = '\0';
    p->snmpd_port = p->trapd_port = 0;
    return rc;
}

int
wire_run(char **out, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);

    FILE *f = popen(cmd, "r");
    if (f == NULL)
        return -1;
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        pclose(f);
        return -1;
    }
    for (;;) {
        if (len + 4096 + 1 > cap) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL)
                break;
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, 4096, f);
        if (got == 0)
            break;
        len += got;
    }
    buf[len] = '\0';
    int st = pclose(f);
    if (out != NULL)
        *out = buf;
    else
        free(buf);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

char *
wire_child_stderr(const char *dir, const char *env, const char *exe, const char *args)
{
    char path[1024], *out = NULL, *text = NULL;
    snprintf(path, sizeof path, "%s/child-stderr", dir);
    int rc = wire_run(&out, "%s '%s' %s 2>'%s'", env, exe, args, path);
    if (rc != 0) {
        printf("child (%s %s) exited with %d: %s\n", env, args, rc, out ? out : "");
        free(out);
        return NULL;
    }
    free(out);
    if (wire_run(&text, "cat '%s'", path) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

unsigned
wire_free_port(void)
{
    char *out = NULL;
    unsigned port = 0;
    if (wire_run(&out, "bash -c '. %s/peer-common.sh; wn_free_udp_port'", WIRE_SCRIPT_DIR) == 0)
        port = (unsigned)strtoul(out, NULL, 10);
    free(out);
    return port;
}

uint64_t
wire_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void
wire_sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000u, (long)(ms % 1000u) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ------------------------------------------------------- tool output */

static void
canon_tool_value(const char *raw, char *out, size_t n)
{
    static char trimmed[65536];
    while (*raw == ' ')
        raw++;
    size_t tl = strlen(raw);
    if (tl >= sizeof trimmed)
        tl = sizeof trimmed - 1;
    while (tl > 0 && (raw[tl - 1] == ' ' || raw[tl - 1] == '\n' || raw[tl - 1] == '\t'))
        tl--;
    memcpy(trimmed, raw, tl);
    trimmed[tl] = '\0';
    const char *v = trimmed;
    if (strncmp(v, "Hex-STRING:", 11) == 0 || strncmp(v, "BITS:", 5) == 0) {
        const char *kind = (v[0] == 'H') ? "STRING" : "BITS";
        size_t off = (size_t)snprintf(out, n, "%s: ", kind);
        for (v = strchr(v, ':') + 1; *v != '\0' && off + 1 < n; v++)
            if (isxdigit((unsigned char)*v))
                out[off++] = (char)toupper((unsigned char)*v);
        out[off] = '\0';
        /* with MIBS= net-snmp prints BITS as hex octets as well */
    } else if (strcmp(v, "\"\"") == 0) {
        snprintf(out, n, "STRING: ");
    } else if (strncmp(v, "STRING: \"", 9) == 0) {
        size_t off = (size_t)snprintf(out, n, "STRING: ");
        const char *end = strrchr(v, '"');
        for (v += 9; v < end && off + 3 < n; v++)
            off += (size_t)snprintf(out + off, n - off, "%02X", (unsigned char)*v);
    } else if (strncmp(v, "Timeticks: (", 12) == 0) {
        snprintf(out, n, "Timeticks: %lu", strtoul(v + 12, NULL, 10));
    } else if (strncmp(v, "Opaque:", 7) == 0) {
        snprintf(out, n, "Opaque: ?");
    } else if (strncmp(v, "No Such Object", 14) == 0) {
        snprintf(out, n, "noSuchObject");
    } else if (strncmp(v, "No Such Instance", 16) == 0) {
        snprintf(out, n, "noSuchInstance");
    } else if (strncmp(v, "No more variables", 17) == 0) {
        snprintf(out, n, "endOfMibView");
    } else {
        size_t l = strlen(v) < n - 1 ? strlen(v) : n - 1;
        memcpy(out, v, l);
        out[l] = '\0';
    }
}

size_t
wire_parse_tool_output(const char *text, struct wire_vb *vbs, size_t max)
{
    size_t n = 0;
    static char line[65536];
    const char *p = text;
    while (*p != '\0' && n < max) {
        /* one varbind: a line starting with '.', plus continuation lines */
        const char *eol = strchr(p, '\n');
        if (*p != '.') {
            p = eol ? eol + 1 : p + strlen(p);
            continue;
        }
        size_t len = 0;
        for (;;) {
            size_t l = eol ? (size_t)(eol - p) : strlen(p);
            if (len + l + 2 < sizeof line) {
                memcpy(line + len, p, l);
                len += l;
                line[len++] = ' ';
            }
            p = eol ? eol + 1 : p + l;
            if (*p == '\0' || *p == '.')
                break;
            eol = strchr(p, '\n');
        }
        line[len] = '\0';
        char *eq = strstr(line, " = ");
        if (eq == NULL)
            continue;
        *eq = '\0';
        canon_tool_value(eq + 3, vbs[n].val, sizeof vbs[n].val);
        if (strcmp(vbs[n].val, "endOfMibView") == 0)
            continue;
        size_t ol = strlen(line);
        if (ol >= sizeof vbs[n].oid)
            ol = sizeof vbs[n].oid - 1;
        memcpy(vbs[n].oid, line, ol);
        vbs[n].oid[ol] = '\0';
        n++;
    }
    return n;
}

int
wire_oid_under(const char *oid, const char *const *prefixes)
{
    for (size_t i = 0; prefixes[i] != NULL; i++) {
        size_t l = strlen(prefixes[i]);
        if (strncmp(oid, prefixes[i], l) == 0 && (oid[l] == '.' || oid[l] == '\0'))
            return 1;
    }
    return 0;
}

/* ------------------------------------------------ the volatile rule */

/* Values that change between two reads: compared by OID and type only. */
static const char *const volatile_types[] = {
    "Timeticks", "Counter32", "Counter64", "Gauge32", "Opaque", NULL
};
static const char *const volatile_subtrees[] = {
    ".1.3.6.1.2.1.1.3",         /* sysUpTime */
    ".1.3.6.1.2.1.25.1",        /* hrSystem: uptime, date, processes */
    ".1.3.6.1.2.1.25.2",        /* hrStorage: used sizes */
    ".1.3.6.1.2.1.25.3",        /* hrDevice: processor load, ... */
    ".1.3.6.1.4.1.2021",        /* UCD: memory, load, disk, systemStats */
    ".1.3.6.1.4.1.8072.1.5.3",  /* nsCacheTable: cache status flips as caches expire */
    ".1.3.6.1.6.3.10.2.1",      /* snmpEngine: boots/time */
    NULL
};
/* Tables whose ROWS come and go (sockets and processes of the test
 * itself): left out of the comparison entirely. */
static const char *const row_volatile_subtrees[] = {
    ".1.3.6.1.2.1.4.22",        /* ipNetToMediaTable (neighbour cache) */
    ".1.3.6.1.2.1.4.35",        /* ipNetToPhysicalTable (neighbour cache, states) */
    ".1.3.6.1.2.1.6.13",        /* tcpConnTable */
    ".1.3.6.1.2.1.6.19",        /* tcpConnectionTable */
    ".1.3.6.1.2.1.7.5",         /* udpTable */
    ".1.3.6.1.2.1.7.7",         /* udpEndpointTable */
    ".1.3.6.1.2.1.25.4",        /* hrSWRun */
    ".1.3.6.1.2.1.25.5",        /* hrSWRunPerf */
    NULL
};

static int
is_volatile(const struct wire_vb *vb)
{
    if (wire_oid_under(vb->oid, volatile_subtrees))
        return 1;
    for (size_t i = 0; volatile_types[i] != NULL; i++) {
        size_t l = strlen(volatile_types[i]);
        if (strncmp(vb->val, volatile_types[i], l) == 0 && vb->val[l] == ':')
            return 1;
    }
    return 0;
}

/* Type part of a canonical value ("INTEGER", "STRING", ...). */
static void
type_of(const char *val, char *out, size_t n)
{
    size_t l = strcspn(val, ":");
    if (l >= n)
        l = n - 1;
    memcpy(out, val, l);
    out[l] = '\0';
}

int
wire_vb_compare(const struct wire_vb *ours, const struct wire_vb *ref, char *why, size_t n)
{
    if (strcmp(ours->oid, ref->oid) != 0) {
        snprintf(why, n, "OID differs: ours %.400s, net-snmp %.400s", ours->oid, ref->oid);
        return -1;
    }
    if (is_volatile(ref)) {
        char t1[64], t2[64];
        type_of(ours->val, t1, sizeof t1);
        type_of(ref->val, t2, sizeof t2);
        if (strcmp(t1, t2) != 0) {
            snprintf(why, n, "%.200s: type differs: ours '%.300s', net-snmp '%.300s'", ref->oid,
                     ours->val, ref->val);
            return -1;
        }
    } else if (strcmp(ours->val, ref->val) != 0) {
        snprintf(why, n, "%.200s: value differs: ours '%.300s', net-snmp '%.300s'", ref->oid,
                 ours->val, ref->val);
        return -1;
    }
    return 0;
}

size_t
wire_filter_row_volatile(struct wire_vb *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!wire_oid_under(v[i].oid, row_volatile_subtrees))
            v[k++] = v[i];
    return k;
}

int
wire_trapd_log_line(const struct wire_peers *p, const char *a, const char *b, char *line,
                    size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/snmptrapd.log", p->dir);
    for (int tries = 0; tries < 100; tries++) {
        char *out = NULL;
        int found = 0;
        if (wire_run(&out, "cat '%s'", path) == 0) {
            char *save = NULL;
            char *l = strtok_r(out, "\n", &save);
            for (; l && !found; l = strtok_r(NULL, "\n", &save)) {
                if (strstr(l, a) && (!b || strstr(l, b))) {
                    if (line)
                        snprintf(line, n, "%s", l);
                    found = 1;
                }
            }
        }
        free(out);
        if (found)
            return 1;
        wire_sleep_ms(50);
    }
    return 0;
}
