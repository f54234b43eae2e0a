/* server/sp_pool.h - a bounded pool of threads for heavy work (decoding photos, Argon2id,
 * export rebuilds), so that libmicrohttpd's threads stay free for cheap requests. A job
 * that finds the queue full is refused at once; the server answers it 503 + Retry-After. */
#ifndef SP_POOL_H
#define SP_POOL_H

#include "sp_err.h"

#define SP_POOL_RETRY_S 5 /* Retry-After of a 503 when the pool is full */

typedef struct sp_pool sp_pool;
typedef void (*sp_pool_fn)(void *arg);

/* threads run jobs; at most queue_max more wait. */
int sp_pool_new(int threads, int queue_max, sp_pool **out, sp_err *err);
/* SP_OK: fn(arg) will run on a pool thread. SP_ETOOLARGE: full, nothing queued. */
int sp_pool_submit(sp_pool *p, sp_pool_fn fn, void *arg, sp_err *err);
/* Runs what is queued, joins the threads, frees; NULL is fine. */
void sp_pool_free(sp_pool *p);

#endif
