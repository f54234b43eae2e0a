/* common/log.c - one line per message on stderr with a UTC timestamp and level.
 * The level is set once at start-up by cli/ before any thread starts.
 *
 * A busy server writes a line per request: one write() each costs more than serving a
 * cached tile. With sp_log_buffer_start, info and debug lines collect in a buffer that a
 * thread writes out every SP_LOG_FLUSH_MS (or when it fills); warnings and errors write the
 * buffer and themselves at once, so order is kept and nothing important waits. A crash can
 * lose at most that last fraction of a second of request lines, never an error. */
#include "sp_log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SP_LOG_BUF      (64 * 1024)
#define SP_LOG_FLUSH_MS 200

static sp_log_level min_level = SP_LOG_INFO; /* written once in main() before threads */

static pthread_mutex_t buf_lock = PTHREAD_MUTEX_INITIALIZER; /* guards everything below */
static pthread_cond_t buf_wake = PTHREAD_COND_INITIALIZER;
static char buf[SP_LOG_BUF];
static size_t buf_len;
static int is_buffering, is_stopping;
static pthread_t flusher;

void sp_log_set_level(sp_log_level level)
{
    min_level = level;
}

void sp_log_utc_now(char out[32])
{
    /* Formatted once a second per thread: a busy server logs thousands of lines a second. */
    static _Thread_local time_t last = -1;
    static _Thread_local char text[32];
    time_t now = time(NULL);
    if (now != last) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
        last = now;
    }
    memcpy(out, text, sizeof text);
}

/* Writes the buffer out; the caller holds buf_lock. */
static void flush_locked(void)
{
    size_t off = 0;
    while (off < buf_len) {
        ssize_t n = write(STDERR_FILENO, buf + off, buf_len - off);
        if (n <= 0)
            break; /* nowhere to log to: drop, never block the server */
        off += (size_t)n;
    }
    buf_len = 0;
}

static void *flush_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&buf_lock);
    while (!is_stopping) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += SP_LOG_FLUSH_MS * 1000000L;
        t.tv_sec += t.tv_nsec / 1000000000L;
        t.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&buf_wake, &buf_lock, &t);
        flush_locked();
    }
    pthread_mutex_unlock(&buf_lock);
    return NULL;
}

int sp_log_buffer_start(void)
{
    pthread_mutex_lock(&buf_lock);
    is_stopping = 0;
    is_buffering = pthread_create(&flusher, NULL, flush_main, NULL) == 0;
    pthread_mutex_unlock(&buf_lock);
    return is_buffering ? 0 : -1;
}

void sp_log_buffer_stop(void)
{
    pthread_mutex_lock(&buf_lock);
    int was = is_buffering;
    is_buffering = 0;
    is_stopping = 1;
    pthread_cond_signal(&buf_wake);
    pthread_mutex_unlock(&buf_lock);
    if (was)
        pthread_join(flusher, NULL);
    pthread_mutex_lock(&buf_lock);
    flush_locked();
    pthread_mutex_unlock(&buf_lock);
}

void sp_log(sp_log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (level < min_level)
        return;
    char ts[32];
    sp_log_utc_now(ts);
    char line[2048];
    int n = snprintf(line, sizeof line, "ts=%s level=%s ", ts, names[level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2; /* cut, still one line */
    line[len++] = '\n';
    pthread_mutex_lock(&buf_lock);
    if (!is_buffering || level >= SP_LOG_WARN || buf_len + len > sizeof buf)
        flush_locked();
    if (is_buffering && level < SP_LOG_WARN) {
        memcpy(buf + buf_len, line, len);
        buf_len += len;
    } else {
        buf_len = len; /* written at once, after what was buffered */
        memcpy(buf, line, len);
        flush_locked();
    }
    pthread_mutex_unlock(&buf_lock);
}
