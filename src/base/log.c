/* log.c: opt-in diagnostic logging (WN_LOG) and the parse-error counter. */
#include "base.h"

#include <stdarg.h>
#include <stdatomic.h>
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

void
wn_count_parse_error(const char *module, const char *expr, const char *file, int line)
{
    __atomic_add_fetch(&wn_parse_errors, 1, __ATOMIC_RELAXED);
    wn_log(WN_LOG_DEBUG, module, "parse check failed: %s (%s:%d)", expr, file, line);
}
