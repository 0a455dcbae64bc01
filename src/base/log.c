/* log.c: opt-in diagnostic logging (WN_LOG) and the parse-error counter. */
#include "base.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long wn_parse_errors;
static atomic_int level_cached = -1;

static enum wn_log_level
current_level(void)
{
    int l = atomic_load(&level_cached);
    if (l >= 0)
        return (enum wn_log_level)l;
    const char *v = getenv("WN_LOG");
    enum wn_log_level lv = WN_LOG_OFF;
    if (v) {
        if (!strcmp(v, "debug"))
            lv = WN_LOG_DEBUG;
        else if (!strcmp(v, "info"))
            lv = WN_LOG_INFO;
        else if (!strcmp(v, "warn"))
            lv = WN_LOG_WARN;
        else if (!strcmp(v, "error"))
            lv = WN_LOG_ERROR;
    }
    atomic_store(&level_cached, (int)lv);
    return lv;
}

int
wn_log_enabled(enum wn_log_level lvl)
{
    return lvl < WN_LOG_OFF && lvl >= current_level();
}

void
wn_log(enum wn_log_level lvl, const char *module, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (!wn_log_enabled(lvl))
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "[%s] %s: %s\n", names[lvl], module, line);
}

/* The "parse check failed" lines: at most WN_LOG_PARSE_LINES per
 * WN_LOG_PARSE_WINDOW_MS in the process, so that a flood of bad input at
 * debug level cannot fill a disk; the ones left out are counted and said
 * in one line when the next window opens. */
#define WN_LOG_PARSE_LINES 10u
#define WN_LOG_PARSE_WINDOW_MS 1000u
static _Atomic uint64_t parse_window;   /* wn_clock_ms() + 1 at its start; 0: none yet */
static atomic_uint parse_lines;         /* lines written in it */
static atomic_ulong parse_left_out;     /* lines left out in it */

/* 1 when one more "parse check failed" line may be written. */
static int
parse_line_admitted(const char *module)
{
    uint64_t now = wn_clock_ms() + 1;
    uint64_t start = atomic_load(&parse_window);
    if ((start == 0 || now - start >= WN_LOG_PARSE_WINDOW_MS) &&
        atomic_compare_exchange_strong(&parse_window, &start, now)) {
        unsigned long left = atomic_exchange(&parse_left_out, 0);
        atomic_store(&parse_lines, 0);
        if (left)
            wn_log(WN_LOG_DEBUG, module, "%lu more parse check failures not logged (at most "
                   "%u lines per %u ms)", left, WN_LOG_PARSE_LINES, WN_LOG_PARSE_WINDOW_MS);
    }
    if (atomic_fetch_add(&parse_lines, 1) < WN_LOG_PARSE_LINES)
        return 1;
    atomic_fetch_add(&parse_left_out, 1);
    return 0;
}

void
wn_count_parse_error(const char *module, const char *expr, const char *file, int line)
{
    __atomic_add_fetch(&wn_parse_errors, 1, __ATOMIC_RELAXED);
    if (wn_log_enabled(WN_LOG_DEBUG) && parse_line_admitted(module))
        wn_log(WN_LOG_DEBUG, module, "parse check failed: %s (%s:%d)", expr, file, line);
}
