/* common/sp_log.h - leveled logging to stderr; modules never printf. */
#ifndef SP_LOG_H
#define SP_LOG_H

typedef enum { SP_LOG_DEBUG, SP_LOG_INFO, SP_LOG_WARN, SP_LOG_ERROR } sp_log_level;

void sp_log_set_level(sp_log_level level);
void sp_log(sp_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Info and debug lines are then buffered and written every fraction of a second (a server
 * logging a line per request); warnings and errors still go out at once. Stop writes what
 * is left. */
int sp_log_buffer_start(void);
void sp_log_buffer_stop(void);
/* The current UTC time as 2026-05-04T10:12:03Z (logs, API timeStamp). */
void sp_log_utc_now(char out[32]);

#endif
