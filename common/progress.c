/* common/progress.c - terminal progress bar with records/s and ETA; see sp_progress.h. */
#include "sp_progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define SP_PROGRESS_WIDTH    30
#define SP_PROGRESS_REDRAW_S 0.2

double sp_progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw(sp_progress *p)
{
    double elapsed = sp_progress_now() - p->started;
    double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
    if (p->total > 0) {
        int fill = (int)(SP_PROGRESS_WIDTH * p->done / p->total);
        char bar[SP_PROGRESS_WIDTH + 1];
        for (int i = 0; i < SP_PROGRESS_WIDTH; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[SP_PROGRESS_WIDTH] = '\0';
        double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0;
        fprintf(stderr, "\r%s [%s] %lld/%lld %3d%% %.0f rec/s ETA %.0fs ", p->label, bar, p->done,
                p->total, (int)(100 * p->done / p->total), rate, eta);
    } else {
        fprintf(stderr, "\r%s %lld %.0f rec/s ", p->label, p->done, rate);
    }
    fflush(stderr);
    p->last_draw = sp_progress_now();
}

void sp_progress_start(sp_progress *p, const char *label, long long total)
{
    p->label = label;
    p->total = total;
    p->done = 0;
    p->started = sp_progress_now();
    p->last_draw = 0;
    p->enabled = isatty(STDERR_FILENO);
}

void sp_progress_update(sp_progress *p, long long done)
{
    p->done = done;
    if (p->enabled && sp_progress_now() - p->last_draw >= SP_PROGRESS_REDRAW_S)
        draw(p);
}

void sp_progress_finish(sp_progress *p)
{
    if (!p->enabled)
        return;
    draw(p);
    fputc('\n', stderr);
}
