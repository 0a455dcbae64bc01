/* wire_tool.h: the net-snmp side of the wire tests (peer daemons, tool runs, output parsing, the volatile-value rule). */
#ifndef WIRE_TOOL_H
#define WIRE_TOOL_H

#include <stddef.h>
#include <stdint.h>

#ifndef WIRE_SCRIPT_DIR
#error "WIRE_SCRIPT_DIR must name tests/peer/snmp (set by CMake)"
#endif

/* ---- real peers (snmpd / snmptrapd via the scripts of this folder) ---- */
struct wire_peers {
    char dir[256];          /* mktemp dir owning configs, logs, pids */
    unsigned snmpd_port;    /* 0 when not started */
    unsigned trapd_port;    /* 0 when not started */
    int wd_fd;              /* write end of the watchdog pipe, -1 if none */
    int wd_pid;             /* watchdog: stops the peers if this process dies */
};

/* Creates the temp dir, exports SNMPCONFPATH/SNMP_PERSISTENT_DIR/MIBS= for
 * the tools, forks a watchdog that stops the peers by PID when this process
 * exits in any way (crash included), then starts snmpd and/or snmptrapd.
 * Call before SnmpStartup (it forks).  0 or -1; on -1 call wire_peers_stop. */
int wire_peers_start(struct wire_peers *p, int want_snmpd, int want_trapd);
/* Stops whatever was started (by PID, via the stop scripts) and removes the
 * dir.  Safe to call twice and after a failed start. 0, or -1 if a daemon
 * survived. */
int wire_peers_stop(struct wire_peers *p);

/* Waits up to about 5 s for a line of snmptrapd's log that contains a
 * and, when b is not NULL, b too; copies it into line[0..n) when line is
 * not NULL.  1 when found, 0 otherwise. */
int wire_trapd_log_line(const struct wire_peers *p, const char *a, const char *b, char *line,
                        size_t n);

/* Runs a shell command (printf format).  Returns its exit status (or -1);
 * when out != NULL, *out receives its stdout (returned-owned; free()). */
int wire_run(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Runs "ENV 'EXE' ARGS 2>DIR/child-stderr" (ENV a shell prefix such as
 * "WN_LOG=debug" or "env -u WN_LOG": WN_LOG is read once per process, so
 * a logging scenario runs in a child).  Returns the child's stderr
 * (returned-owned; free()), or NULL when it exited with another status
 * than 0, after printing that status and its stdout. */
char *wire_child_stderr(const char *dir, const char *env, const char *exe, const char *args);
/* A UDP port free on 127.0.0.1 and ::1 now. */
unsigned wire_free_port(void);
/* Milliseconds of a monotonic clock. */
uint64_t wire_now_ms(void);
void wire_sleep_ms(unsigned ms);

/* One varbind as text: OID with a leading dot, canonical "TYPE: value". */
struct wire_vb {
    char oid[512];
    char val[1536];     /* longer values are cut the same way on both sides */
};

/* Parses net-snmp tool output (-On -Ox -OU -Oe) into varbinds (continuation
 * lines joined, canonical value text).  "No more variables" lines are
 * skipped.  Returns the count (at most max). */
size_t wire_parse_tool_output(const char *text, struct wire_vb *vbs, size_t max);

/* 1 if OID (dotted, leading '.') lies under one of the listed prefixes. */
int wire_oid_under(const char *oid, const char *const *prefixes);

/* Environment for the net-snmp tools started by wire_run. */
#define WIRE_TOOL_OPTS "-On -Ox -OU -Oe -r1 -t2"

/* The comparison rule of a walk (docs/testing-snmp.md): values of volatile
 * types (Timeticks, Counter32/64, Gauge32, Opaque) and under volatile
 * subtrees are compared by type only; everything else exactly.  Returns 0
 * when ours matches ref, else writes why into why[n] and returns -1. */
int wire_vb_compare(const struct wire_vb *ours, const struct wire_vb *ref, char *why, size_t n);
/* Removes varbinds of tables whose rows come and go (sockets, processes);
 * returns the new count. */
size_t wire_filter_row_volatile(struct wire_vb *v, size_t n);

#endif /* WIRE_TOOL_H */
