/* server/watch.c - the registry's versions without a read transaction per request: the
 * map's (the newest map_change id) for tiles, the data's (the newest audit row) for the
 * response cache and ETags. A cached tile is worth ~10 us of work, and reading a version is a
 * read transaction on the registry (two fcntl locks and an fstat, about 3 us; a third of the
 * server's time on cached tiles). Every commit to the registry, by this server or by another
 * process (`spadok import` beside a running server), writes the registry's WAL file, and
 * inotify reports each write as it is made: while none has come for SP_WATCH_QUIET_S, the
 * version read after the last one still holds; after a write, every request reads it again
 * until the quiet time has passed since the write and one more read has been made (the
 * write that is seen comes before its commit is visible: the commit waits for fsync). So an
 * edit shows in the very next response; the assumption is only that a commit becomes
 * visible within SP_WATCH_QUIET_S of its last write, and a disk that stalls longer leaves a
 * response behind for SP_WATCH_MAX_AGE_S at most. Without inotify, every call reads. */
#include "http_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "sp_db_items.h"
#include "sp_db_tilecache.h"
#include "sp_progress.h"

#define SP_WATCH_QUIET_S   1.0
#define SP_WATCH_MAX_AGE_S 5.0 /* and a read at least this often, whatever inotify says */

void sp_watch_open(sp_watch *w, const char *db_path)
{
    memset(w, 0, sizeof *w);
    w->fd = -1;
    pthread_mutex_init(&w->lock, NULL);
    /* SQLite puts the WAL beside the file a symbolic link names, so the watch goes there. */
    char real[PATH_MAX];
    if (realpath(db_path, real))
        db_path = real;
    const char *slash = strrchr(db_path, '/');
    char dir[PATH_MAX];
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - db_path == 0 ? 1 : slash - db_path),
                 db_path);
    else
        snprintf(dir, sizeof dir, ".");
    snprintf(w->name, sizeof w->name, "%.255s", slash ? slash + 1 : db_path); /* NAME_MAX */
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd >= 0 && inotify_add_watch(fd, dir,
                                     IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_TO |
                                         IN_MOVED_FROM | IN_CLOSE_WRITE) < 0) {
        close(fd);
        fd = -1;
    }
    w->fd = fd;
}

void sp_watch_close(sp_watch *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    pthread_mutex_destroy(&w->lock);
}

/* Is this the registry itself or its WAL (not its tile cache, photos or anything else)? */
static int is_registry(const sp_watch *w, const struct inotify_event *ev)
{
    size_t n = strlen(w->name);
    return ev->len > 0 && strncmp(ev->name, w->name, n) == 0 &&
           (ev->name[n] == '\0' || strcmp(ev->name + n, "-wal") == 0 ||
            strcmp(ev->name + n, "-journal") == 0);
}

/* Reads what inotify has queued (w->lock held); 1 when the registry was written. */
static int drain(sp_watch *w)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int hit = 0;
    ssize_t n;
    while ((n = read(w->fd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            if ((ev->mask & IN_Q_OVERFLOW) || is_registry(w, ev))
                hit = 1;
            p += sizeof *ev + ev->len;
        }
    }
    return hit;
}

int sp_watch_version(sp_watch *w, sp_watch_of which, sp_db *db, int64_t *out, sp_err *err)
{
    pthread_mutex_lock(&w->lock);
    double now = sp_progress_now();
    if (w->fd >= 0 && drain(w))
        w->last_write = now;
    /* Before the first read, read_at is 0: not trusted. */
    double read_at = w->of[which].read_at;
    int trust = w->fd >= 0 && read_at >= w->last_write + SP_WATCH_QUIET_S &&
                now - read_at < SP_WATCH_MAX_AGE_S;
    *out = w->of[which].version;
    pthread_mutex_unlock(&w->lock);
    if (trust)
        return SP_OK;
    int64_t v = 0;
    if ((which == SP_WATCH_MAP ? sp_db_map_change_max(db, &v, err)
                               : sp_db_data_version(db, &v, err)) != SP_OK)
        return err->code;
    pthread_mutex_lock(&w->lock);
    /* Reads made at once may end in any order: a version only grows, and read_at is when
     * the read began, so that it never claims to be later than what it saw. */
    if (v >= w->of[which].version) {
        w->of[which].version = v;
        w->of[which].read_at = now > read_at ? now : read_at;
    }
    pthread_mutex_unlock(&w->lock);
    *out = v;
    return SP_OK;
}
