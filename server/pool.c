/* server/pool.c - the bounded pool for heavy work (sp_pool.h). A ring of queued jobs under
 * one lock and a condition variable; the threads take jobs in order. Bounded so that a
 * flood of heavy requests is refused (503) instead of piling up memory and latency. */
#include <pthread.h>
#include <stdlib.h>

#include "sp_pool.h"

typedef struct sp_pool_job {
    sp_pool_fn fn;
    void *arg;
} sp_pool_job;

struct sp_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t *threads;
    int nthreads;
    sp_pool_job *ring; /* capacity: queue_max + nthreads (jobs running are out of it) */
    int cap, head, len, running, is_stopping;
    int max_pending; /* queued + running */
};

static void *worker(void *arg)
{
    sp_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->len && !p->is_stopping)
            pthread_cond_wait(&p->wake, &p->lock);
        if (!p->len)
            break; /* stopping, nothing left */
        sp_pool_job job = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->len--;
        p->running++;
        pthread_mutex_unlock(&p->lock);
        job.fn(job.arg);
        pthread_mutex_lock(&p->lock);
        p->running--;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int sp_pool_new(int threads, int queue_max, sp_pool **out, sp_err *err)
{
    *out = NULL;
    if (threads < 1 || queue_max < 0)
        return sp_err_set(err, SP_EINVAL, "a pool needs at least one thread");
    sp_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->threads = calloc((size_t)threads, sizeof *p->threads)) ||
        !(p->ring = calloc((size_t)(queue_max + threads), sizeof *p->ring))) {
        if (p)
            free(p->threads);
        free(p);
        return sp_err_set(err, SP_ENOMEM, "out of memory (pool)");
    }
    p->cap = queue_max + threads;
    p->max_pending = queue_max + threads;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    for (; p->nthreads < threads; p->nthreads++)
        if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0) {
            sp_pool_free(p);
            return sp_err_set(err, SP_EINTERNAL, "cannot start the pool's threads");
        }
    *out = p;
    return SP_OK;
}

int sp_pool_submit(sp_pool *p, sp_pool_fn fn, void *arg, sp_err *err)
{
    pthread_mutex_lock(&p->lock);
    int is_full = p->is_stopping || p->len + p->running >= p->max_pending;
    if (!is_full) {
        p->ring[(p->head + p->len) % p->cap] = (sp_pool_job){fn, arg};
        p->len++;
        pthread_cond_signal(&p->wake);
    }
    pthread_mutex_unlock(&p->lock);
    return is_full ? sp_err_set(err, SP_ETOOLARGE, "the server is busy with heavy work") : SP_OK;
}

void sp_pool_free(sp_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->is_stopping = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p->ring);
    free(p);
}
