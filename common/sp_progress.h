/* common/sp_progress.h - a progress bar for long work (import, export, seed).
 * Drawn on stderr only when stderr is a terminal; silent otherwise, so logs and CI
 * output stay clean. Redraws at most a few times a second. */
#ifndef SP_PROGRESS_H
#define SP_PROGRESS_H

typedef struct sp_progress {
    const char *label;
    long long total; /* < 0 when unknown */
    long long done;
    double started;
    double last_draw;
    int enabled;
} sp_progress;

void sp_progress_start(sp_progress *p, const char *label, long long total);
void sp_progress_update(sp_progress *p, long long done);
void sp_progress_finish(sp_progress *p);
double sp_progress_now(void); /* monotonic seconds */

#endif
