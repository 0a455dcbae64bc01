/* v3local.c: our own SNMPv3 engine (the authoritative side of traps, inform answers and SnmpListen): snmpEngineID, snmpEngineBoots kept in a state file, snmpEngineTime from the monotonic clock. */
#include "v3int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The process's engine, made once on first use and kept across
 * SnmpCleanup (its time keeps running). [locked] */
static struct {
    int ready;
    struct wn_usm_engine e;
    int persisted;               /* boots came from (and went to) the state file */
} local;

/* A generated engine ID (RFC 3411 SnmpEngineID, format 5 "octets"):
 * 0x80 | our enterprise number, 0x05, WN_WS_V3_ENGINE_RANDOM random bytes. */
static int
generate_id(uint8_t *id, size_t *len)
{
    uint32_t ent = WN_WS_V3_ENTERPRISE | 0x80000000u;
    id[0] = (uint8_t)(ent >> 24);
    id[1] = (uint8_t)(ent >> 16);
    id[2] = (uint8_t)(ent >> 8);
    id[3] = (uint8_t)ent;
    id[4] = WN_WS_V3_ENGINE_FORMAT_OCTETS;
    *len = 5 + WN_WS_V3_ENGINE_RANDOM;
    return wn_random(id + 5, WN_WS_V3_ENGINE_RANDOM);
}

void
wn_ws_v3_hex_format(const uint8_t *p, size_t n, char *out, size_t cap)
{
    static const char digits[] = "0123456789abcdef";
    size_t o = 0;
    if (cap < 3)
        return;
    out[o++] = '0';
    out[o++] = 'x';
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        out[o++] = digits[p[i] >> 4];
        out[o++] = digits[p[i] & 15];
    }
    out[o] = '\0';
}

/* "0x<hex>" of an SnmpEngineID (5..32 bytes) into id; 0 or WN_E_MALFORMED. */
static int
engine_id_decode(const char *s, uint8_t id[WN_USM_MAX_ENGINE_ID], size_t *len)
{
    if (wn_usm_hex_parse(s, strlen(s), id, WN_USM_MAX_ENGINE_ID, len) < 0 ||
        *len < WN_USM_MIN_ENGINE_ID)
        return WN_E_MALFORMED;
    return 0;
}

/* The state file: WSNMP_ENGINE_FILE, else $XDG_STATE_HOME/wsnmp/engine,
 * else ~/.local/state/wsnmp/engine (directories made 0700).  Returned
 * owned, or NULL. */
static char *
state_path(void)
{
    const char *env = getenv("WSNMP_ENGINE_FILE");
    if (env && *env)
        return wn_strdup(env);
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char dir[WN_WS_V3_MAX_PATH];
    int n;
    if (xdg && *xdg) {
        n = snprintf(dir, sizeof dir, "%s/wsnmp", xdg);
    } else if (home && *home) {
        n = snprintf(dir, sizeof dir, "%s/.local", home);
        if (n > 0 && (size_t)n < sizeof dir)
            (void)mkdir(dir, 0700);
        n = snprintf(dir, sizeof dir, "%s/.local/state", home);
        if (n > 0 && (size_t)n < sizeof dir)
            (void)mkdir(dir, 0700);
        n = snprintf(dir, sizeof dir, "%s/.local/state/wsnmp", home);
    } else {
        return NULL;
    }
    if (n < 0 || (size_t)n >= sizeof dir)
        return NULL;
    (void)mkdir(dir, 0700);
    char path[WN_WS_V3_MAX_PATH];
    n = snprintf(path, sizeof path, "%s/engine", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return NULL;
    return wn_strdup(path);
}

/* One line of the state file: "<engine id hex> <boots>". */
struct boots_line {
    uint8_t id[WN_USM_MAX_ENGINE_ID];
    size_t id_len;
    uint32_t boots;
};

static int
parse_line(char *line, struct boots_line *b)
{
    char *sp = strchr(line, ' ');
    if (!sp)
        return WN_E_MALFORMED;
    *sp = '\0';
    if (engine_id_decode(line, b->id, &b->id_len) < 0)
        return WN_E_MALFORMED;
    char *end;
    unsigned long v = strtoul(sp + 1, &end, 10);
    if (end == sp + 1 || (*end && *end != '\n') || v > WN_USM_MAX_BOOTS)
        return WN_E_MALFORMED;
    b->boots = (uint32_t)v;
    return 0;
}

/* Reads the file's lines into lines[] (at most WN_WS_V3_MAX_BOOTS_LINES;
 * malformed lines are dropped). */
static size_t
read_lines(const char *path, struct boots_line *lines)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = 0;
    char buf[2 * WN_USM_MAX_ENGINE_ID + 32];
    while (n < WN_WS_V3_MAX_BOOTS_LINES && fgets(buf, sizeof buf, f))
        if (buf[0] != '#' && parse_line(buf, &lines[n]) == 0)
            n++;
    fclose(f);
    return n;
}

/* Writes lines[] to path through a temporary file and a rename, so a
 * crash leaves the old file or the new one, never a shorter count. */
static int
write_lines(const char *path, const struct boots_line *lines, size_t n)
{
    char tmp[WN_WS_V3_MAX_PATH];
    int len = snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (len < 0 || (size_t)len >= sizeof tmp)
        return WN_E_LIMIT;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return WN_E_IO;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return WN_E_IO;
    }
    fprintf(f, "# libwsnmp: snmpEngineBoots per local snmpEngineID (do not copy to another host)\n");
    for (size_t i = 0; i < n; i++) {
        char hex[2 * WN_USM_MAX_ENGINE_ID + 3];
        wn_ws_v3_hex_format(lines[i].id, lines[i].id_len, hex, sizeof hex);
        fprintf(f, "%s %u\n", hex, (unsigned)lines[i].boots);
    }
    int ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) < 0) {
        unlink(tmp);
        return WN_E_IO;
    }
    return 0;
}

/* Takes the next boots for engine id from the state file (a new line
 * starts at 1), under an exclusive lock on "<path>.lock" so that two
 * processes starting together do not both take the same value.  0, or
 * WN_E_IO / WN_E_LIMIT when the file cannot be used. */
static int
next_boots(const char *path, const uint8_t *id, size_t id_len, uint32_t *boots)
{
    char lk[WN_WS_V3_MAX_PATH];
    int n = snprintf(lk, sizeof lk, "%s.lock", path);
    if (n < 0 || (size_t)n >= sizeof lk)
        return WN_E_LIMIT;
    int lfd = open(lk, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lfd < 0)
        return WN_E_IO;
    if (flock(lfd, LOCK_EX) < 0) {
        close(lfd);
        return WN_E_IO;
    }
    struct boots_line *lines = wn_calloc(WN_WS_V3_MAX_BOOTS_LINES + 1, sizeof *lines);
    int rc = WN_E_NOMEM;
    if (lines) {
        size_t cnt = read_lines(path, lines);
        size_t i = 0;
        while (i < cnt && !(lines[i].id_len == id_len && memcmp(lines[i].id, id, id_len) == 0))
            i++;
        if (i == cnt) {
            if (cnt == WN_WS_V3_MAX_BOOTS_LINES) {   /* drop the oldest line */
                memmove(lines, lines + 1, (cnt - 1) * sizeof *lines);
                i = --cnt;
            }
            memcpy(lines[i].id, id, id_len);
            lines[i].id_len = id_len;
            lines[i].boots = 0;
            cnt++;
        }
        if (lines[i].boots < WN_USM_MAX_BOOTS)
            lines[i].boots++;
        *boots = lines[i].boots;
        rc = write_lines(path, lines, cnt);
        wn_free(lines);
    }
    close(lfd);   /* releases the lock */
    return rc;
}

/* Makes the engine: WSNMP_ENGINE_ID or the ID kept in the state file's
 * first line, else a generated one; boots from the state file.  When the
 * state file cannot be used, a freshly generated ID with boots 1: a new
 * ID has never been seen with any boots, so no (ID, boots, time) is used
 * twice. [locked] */
static void
local_init(void)
{
    uint8_t id[WN_USM_MAX_ENGINE_ID];
    size_t id_len = 0;
    const char *env = getenv("WSNMP_ENGINE_ID");
    int configured = 0;
    if (env && *env) {
        if (engine_id_decode(env, id, &id_len) == 0)
            configured = 1;
        else   /* said whatever WN_LOG is (docs/logging.md) */
            fprintf(stderr, "libwsnmp: WSNMP_ENGINE_ID=%.80s refused: it takes an SNMP engine "
                            "ID of 5..32 bytes as 0x<hex>; using the state file's or a new one\n",
                    env);
    }
    char *path = state_path();
    if (!configured && path) {
        /* No configured ID: keep the one generated the first time. */
        struct boots_line *lines = wn_calloc(WN_WS_V3_MAX_BOOTS_LINES, sizeof *lines);
        if (lines && read_lines(path, lines) > 0) {
            memcpy(id, lines[0].id, lines[0].id_len);
            id_len = lines[0].id_len;
            configured = 1;
        }
        wn_free(lines);
    }
    if (!configured && generate_id(id, &id_len) < 0)
        id_len = 0;
    uint32_t boots = 1;
    int rc = path && id_len ? next_boots(path, id, id_len, &boots) : WN_E_NOTFOUND;
    if (rc < 0) {
        wn_log(WN_LOG_WARN, "winsnmp", "SNMPv3 engine state file %s unusable (%s): using a new "
               "random engine ID for this process", path ? path : "(none)", wn_strerror(rc));
        if (generate_id(id, &id_len) < 0)
            id_len = 0;
        boots = 1;
    }
    wn_free(path);
    if (id_len == 0) {
        /* No randomness at all: an ID from the clock, never reused either. */
        uint64_t t = wn_clock_filetime();
        id_len = 5 + sizeof t;
        memset(id, 0, sizeof id);
        id[0] = 0x80;
        id[4] = WN_WS_V3_ENGINE_FORMAT_OCTETS;
        memcpy(id + 5, &t, sizeof t);
    }
    memset(&local.e, 0, sizeof local.e);
    (void)wn_usm_engine_set_id(&local.e, id, id_len);
    wn_usm_engine_sync(&local.e, boots, 0, wn_clock_ms());
    local.persisted = rc == 0;
    local.ready = 1;
    char hex[2 * WN_USM_MAX_ENGINE_ID + 3];
    wn_ws_v3_hex_format(id, id_len, hex, sizeof hex);
    wn_log(WN_LOG_INFO, "winsnmp", "local SNMPv3 engine %s, boots %u", hex, (unsigned)boots);
    if (boots == WN_USM_MAX_BOOTS)
        wn_log(WN_LOG_WARN, "winsnmp", "snmpEngineBoots of %s is at its maximum: authenticated "
               "SNMPv3 to this engine fails until it gets a new engine ID", hex);
}

const struct wn_usm_engine *
wn_ws_v3_local(void)
{
    WN_WS_ASSERT_LOCKED();
    if (!local.ready)
        local_init();
    return &local.e;
}

void
wn_ws_v3_local_reset(void)
{
    WN_WS_ASSERT_LOCKED();
    memset(&local, 0, sizeof local);
}
