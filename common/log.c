/* common/log.c - one line per message on stderr with a UTC timestamp and level.
 * The level is set once at start-up by cli/ before any thread starts. */
#include "sp_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static sp_log_level min_level = SP_LOG_INFO; /* written once in main() before threads */

void sp_log_set_level(sp_log_level level)
{
    min_level = level;
}

void sp_log_utc_now(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void sp_log(sp_log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (level < min_level)
        return;
    char ts[32];
    sp_log_utc_now(ts);
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ts=%s level=%s %s\n", ts, names[level], line);
}
