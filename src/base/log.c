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

static void
say_left_out(struct wn_log_limit *l, const char *module)
{
    unsigned long left = atomic_exchange(&l->left_out, 0);
    if (left)
        wn_log(WN_LOG_DEBUG, module, "%lu more %s not logged (at most %u lines per %u ms)", left,
               l->what, l->lines, l->window_ms);
}

int
wn_log_limit_admit(struct wn_log_limit *l, const char *module)
{
    uint64_t now = wn_clock_ms() + 1;
    uint64_t start = atomic_load(&l->start);
    if ((start == 0 || now - start >= l->window_ms) &&
        atomic_compare_exchange_strong(&l->start, &start, now)) {
        say_left_out(l, module);
        atomic_store(&l->used, 0);
    }
    if (atomic_fetch_add(&l->used, 1) < l->lines)
        return 1;
    atomic_fetch_add(&l->left_out, 1);
    return 0;
}

void
wn_log_limit_flush(struct wn_log_limit *l, const char *module)
{
    say_left_out(l, module);
    atomic_store(&l->start, 0);
}

/* The decoders' "parse check failed" lines, for the whole process. */
#define WN_LOG_PARSE_LINES 10u
#define WN_LOG_PARSE_WINDOW_MS 1000u
static struct wn_log_limit parse_limit =
    WN_LOG_LIMIT_INIT("parse check failures", WN_LOG_PARSE_LINES, WN_LOG_PARSE_WINDOW_MS);

void
wn_count_parse_error(const char *module, const char *expr, const char *file, int line)
{
    __atomic_add_fetch(&wn_parse_errors, 1, __ATOMIC_RELAXED);
    if (wn_log_enabled(WN_LOG_DEBUG) && wn_log_limit_admit(&parse_limit, module))
        wn_log(WN_LOG_DEBUG, module, "parse check failed: %s (%s:%d)", expr, file, line);
}
