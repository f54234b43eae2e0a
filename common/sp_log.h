/* common/sp_log.h - leveled logging to stderr; modules never printf. */
#ifndef SP_LOG_H
#define SP_LOG_H

typedef enum { SP_LOG_DEBUG, SP_LOG_INFO, SP_LOG_WARN, SP_LOG_ERROR } sp_log_level;

void sp_log_set_level(sp_log_level level);
void sp_log(sp_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The current UTC time as 2026-05-04T10:12:03Z (logs, API timeStamp). */
void sp_log_utc_now(char out[32]);

#endif
