/* photos/store.c - the photo folder on disk: opening it, naming its files, the temp-file,
 * fsync and rename helpers every write goes through, and the crash-recovery sweep.
 * A file appears under its final name only by rename(2) of a complete, fsynced temp file
 * from DIR/tmp/ (same file system), followed by an fsync of the folder, so a crash leaves
 * either the whole file or a leftover in DIR/tmp/ that the sweep removes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "photo_int.h"

int sp_photo_join(char *out, size_t outsz, sp_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, outsz, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= outsz)
        return sp_err_set(err, SP_EINVAL, "photo path too long (%d bytes)", n);
    return SP_OK;
}

int sp_photo_mkdir(const char *dir, sp_err *err)
{
    if (mkdir(dir, SP_PHOTO_DIR_MODE) == 0 || errno == EEXIST)
        return SP_OK;
    return sp_err_set(err, SP_EIO, "cannot create folder %s: %s", dir, strerror(errno));
}

/* mkdir -p */
static int mkdir_p(const char *dir, sp_err *err)
{
    char path[SP_PHOTO_PATH_MAX];
    if (sp_photo_join(path, sizeof path, err, "%s", dir) != SP_OK)
        return err->code;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = sp_photo_mkdir(path, err);
        *p = '/';
        if (rc != SP_OK)
            return rc;
    }
    return sp_photo_mkdir(path, err);
}

int sp_photo_fsync_dir(const char *dir, sp_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return sp_err_set(err, SP_EIO, "cannot open folder %s: %s", dir, strerror(errno));
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    if (rc != 0)
        return sp_err_set(err, SP_EIO, "cannot fsync folder %s: %s", dir, strerror(saved));
    return SP_OK;
}

int sp_photo_temp_open(char *pattern, sp_err *err)
{
    int fd = mkstemp(pattern);
    if (fd < 0)
        return sp_err_set(err, sp_photo_io_code(errno), "cannot create a temp file %s: %s", pattern,
                          strerror(errno));
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || fchmod(fd, SP_PHOTO_FILE_MODE) != 0) {
        int saved = errno;
        close(fd);
        unlink(pattern);
        return sp_err_set(err, SP_EIO, "cannot set up temp file %s: %s", pattern, strerror(saved));
    }
    return fd;
}

int sp_photo_io_code(int errnum)
{
    return errnum == ENOSPC || errnum == EDQUOT ? SP_ENOSPACE : SP_EIO;
}

int sp_photo_write_all(int fd, const void *data, size_t len, const char *path, sp_err *err)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return sp_err_set(err, n < 0 ? sp_photo_io_code(errno) : SP_EIO, "cannot write %s: %s",
                              path, n < 0 ? strerror(errno) : "no progress");
        p += n;
        len -= (size_t)n;
    }
    return SP_OK;
}

int sp_photo_temp_write(const sp_photo_store *s, const void *data, size_t len, char *out,
                        size_t outsz, sp_err *err)
{
    if (sp_photo_join(out, outsz, err, "%s/%s/%s", s->dir, SP_PHOTO_TMP_DIR, SP_PHOTO_TEMP_DERIV) !=
        SP_OK)
        return err->code;
    int fd = sp_photo_temp_open(out, err);
    if (fd < 0) {
        out[0] = '\0';
        return fd;
    }
    int rc = sp_photo_write_all(fd, data, len, out, err);
    if (rc == SP_OK && fsync(fd) != 0)
        rc = sp_err_set(err, sp_photo_io_code(errno), "cannot fsync %s: %s", out, strerror(errno));
    if (close(fd) != 0 && rc == SP_OK)
        rc = sp_err_set(err, sp_photo_io_code(errno), "cannot close %s: %s", out, strerror(errno));
    if (rc != SP_OK) {
        unlink(out);
        out[0] = '\0';
    }
    return rc;
}

int sp_photo_store_open(const char *dir, sp_photo_store **out, sp_err *err)
{
    *out = NULL;
    size_t n = dir ? strlen(dir) : 0;
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 0)
        return sp_err_set(err, SP_EINVAL, "photo folder: no path given");
    sp_photo_store *s = calloc(1, sizeof *s);
    if (!s || !(s->dir = strndup(dir, n))) {
        free(s);
        return sp_err_set(err, SP_ENOMEM, "out of memory opening photo folder %s", dir);
    }
    s->max_pixels = SP_PHOTO_MAX_PIXELS_DEFAULT;
    s->dir_fd = -1;
    pthread_mutex_init(&s->hold_lock, NULL);
    char tmp[SP_PHOTO_PATH_MAX];
    if (mkdir_p(s->dir, err) != SP_OK ||
        sp_photo_join(tmp, sizeof tmp, err, "%s/%s", s->dir, SP_PHOTO_TMP_DIR) != SP_OK ||
        sp_photo_mkdir(tmp, err) != SP_OK || sp_photo_fsync_dir(s->dir, err) != SP_OK) {
        sp_photo_store_close(s);
        return err->code;
    }
    /* Every process with the folder open holds this shared lock: the sweep's test. On a file
     * system that cannot lock folders nobody holds it, and nobody sweeps. */
    s->dir_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dir_fd >= 0 && flock(s->dir_fd, LOCK_SH) != 0) {
        close(s->dir_fd);
        s->dir_fd = -1;
    }
    *out = s;
    return SP_OK;
}

void sp_photo_store_close(sp_photo_store *s)
{
    if (!s)
        return;
    if (s->dir_fd >= 0)
        close(s->dir_fd);
    pthread_mutex_destroy(&s->hold_lock);
    free(s->holds);
    free(s->dir);
    free(s);
}

int sp_photo_hold_take(sp_photo_store *s, const char *sha256, sp_err *err)
{
    int rc = SP_OK;
    pthread_mutex_lock(&s->hold_lock);
    int i = 0;
    while (i < s->nholds && strcmp(s->holds[i].sha256, sha256) != 0)
        i++;
    if (i == s->nholds && s->nholds == s->cap_holds) {
        int cap = s->cap_holds ? s->cap_holds * 2 : 8;
        sp_photo_hold *h = realloc(s->holds, (size_t)cap * sizeof *h);
        if (h) {
            s->holds = h;
            s->cap_holds = cap;
        } else {
            rc = sp_err_set(err, SP_ENOMEM, "out of memory");
        }
    }
    if (rc == SP_OK && i == s->nholds) {
        snprintf(s->holds[i].sha256, sizeof s->holds[i].sha256, "%s", sha256);
        s->holds[s->nholds++].count = 0;
    }
    if (rc == SP_OK)
        s->holds[i].count++;
    pthread_mutex_unlock(&s->hold_lock);
    return rc;
}

int sp_photo_release(sp_photo_store *s, const char *sha256, int (*fn)(void *ctx, const char *sha),
                     void *ctx, sp_err *err)
{
    int rc = SP_OK;
    pthread_mutex_lock(&s->hold_lock);
    int i = 0;
    while (i < s->nholds && strcmp(s->holds[i].sha256, sha256) != 0)
        i++;
    if (i < s->nholds && --s->holds[i].count == 0) {
        s->holds[i] = s->holds[--s->nholds];
        int ref = fn ? fn(ctx, sha256) : 1;
        if (ref < 0)
            rc = sp_err_set(err, ref, "photo %.12s: checking whether it is referenced failed",
                            sha256);
        else if (ref == 0)
            sp_photo_unlink_stored(s, sha256);
    }
    pthread_mutex_unlock(&s->hold_lock);
    return rc;
}

void sp_photo_store_set_max_pixels(sp_photo_store *s, long long max_pixels)
{
    s->max_pixels = max_pixels > 0 ? max_pixels : SP_PHOTO_MAX_PIXELS_DEFAULT;
}

static int is_hex_lower(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static const char *variant_ext(sp_photo_variant v)
{
    switch (v) {
    case SP_PHOTO_THUMB:
        return SP_PHOTO_THUMB_EXT;
    case SP_PHOTO_WEB:
        return SP_PHOTO_WEB_EXT;
    case SP_PHOTO_ORIGINAL:
        break;
    }
    return "";
}

int sp_photo_path(const sp_photo_store *s, const char *sha256_hex, sp_photo_variant v, char *out,
                  size_t outsz, sp_err *err)
{
    if (!sha256_hex || strlen(sha256_hex) != SP_PHOTO_SHA_LEN ||
        !is_hex_lower(sha256_hex, SP_PHOTO_SHA_LEN))
        return sp_err_set(err, SP_EINVAL, "'%.80s' is not a photo id (64 lower-case hex digits)",
                          sha256_hex ? sha256_hex : "");
    if (v != SP_PHOTO_ORIGINAL && v != SP_PHOTO_THUMB && v != SP_PHOTO_WEB)
        return sp_err_set(err, SP_EINVAL, "unknown photo variant %d", (int)v);
    return sp_photo_join(out, outsz, err, "%s/%.*s/%s%s", s->dir, SP_PHOTO_SHARD_LEN, sha256_hex,
                         sha256_hex, variant_ext(v));
}

/* ---- sweep ------------------------------------------------------------------------------ */

/* The sha a stored file name belongs to (the name itself, or it with a derivative's
 * extension); 0 for a name that is none of these. */
static int sha_of_name(const char *name, char sha[SP_PHOTO_SHA_HEX])
{
    size_t n = strlen(name);
    if (n < SP_PHOTO_SHA_LEN || !is_hex_lower(name, SP_PHOTO_SHA_LEN))
        return 0;
    const char *ext = name + SP_PHOTO_SHA_LEN;
    if (*ext && strcmp(ext, SP_PHOTO_THUMB_EXT) != 0 && strcmp(ext, SP_PHOTO_WEB_EXT) != 0)
        return 0;
    memcpy(sha, name, SP_PHOTO_SHA_LEN);
    sha[SP_PHOTO_SHA_LEN] = '\0';
    return 1;
}

static int remove_file(const char *dir, const char *name, int *removed, sp_err *err)
{
    char path[SP_PHOTO_PATH_MAX];
    if (sp_photo_join(path, sizeof path, err, "%s/%s", dir, name) != SP_OK)
        return err->code;
    if (unlink(path) != 0 && errno != ENOENT)
        return sp_err_set(err, SP_EIO, "cannot remove %s: %s", path, strerror(errno));
    (*removed)++;
    return SP_OK;
}

/* Removes the files of dir: every one when shard is NULL (DIR/tmp/), else the stored files
 * of that shard whose sha fn does not reference; names that are not ours are left alone. */
static int sweep_dir(const char *dir, const char *shard, sp_photo_is_referenced_fn fn, void *ctx,
                     int *removed, sp_err *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT
                   ? SP_OK
                   : sp_err_set(err, SP_EIO, "cannot read folder %s: %s", dir, strerror(errno));
    int rc = SP_OK, before = *removed;
    struct dirent *e;
    while (rc == SP_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (shard) {
            char sha[SP_PHOTO_SHA_HEX];
            if (!sha_of_name(e->d_name, sha) || strncmp(sha, shard, SP_PHOTO_SHARD_LEN) != 0)
                continue;
            int ref = fn(ctx, sha);
            if (ref < 0) {
                rc = sp_err_set(err, ref, "photo sweep: checking whether %s is referenced failed",
                                sha);
                break;
            }
            if (ref > 0)
                continue;
        }
        rc = remove_file(dir, e->d_name, removed, err);
    }
    closedir(d);
    if (rc == SP_OK && *removed > before)
        rc = sp_photo_fsync_dir(dir, err);
    return rc;
}

static int is_shard_name(const char *name)
{
    return strlen(name) == SP_PHOTO_SHARD_LEN && is_hex_lower(name, SP_PHOTO_SHARD_LEN);
}

int sp_photo_store_sweep(sp_photo_store *s, sp_photo_is_referenced_fn fn, void *ctx,
                         int *out_removed, sp_err *err)
{
    int removed = 0;
    if (out_removed)
        *out_removed = 0;
    /* Only with the folder to itself: another process with it open (a node of the same
     * registry, sharing the folder) may be writing an upload into DIR/tmp/ or have renamed
     * one into place before its row is committed. Its shared lock makes the exclusive one
     * fail; a failed conversion may have dropped ours, so it is taken again. */
    if (s->dir_fd < 0 || flock(s->dir_fd, LOCK_EX | LOCK_NB) != 0) {
        if (s->dir_fd >= 0)
            flock(s->dir_fd, LOCK_SH);
        return SP_OK;
    }
    char path[SP_PHOTO_PATH_MAX];
    int rc = sp_photo_join(path, sizeof path, err, "%s/%s", s->dir, SP_PHOTO_TMP_DIR);
    if (rc == SP_OK)
        rc = sweep_dir(path, NULL, NULL, NULL, &removed, err);
    DIR *d = rc == SP_OK && fn ? opendir(s->dir) : NULL;
    if (rc == SP_OK && fn && !d)
        rc = sp_err_set(err, SP_EIO, "cannot read folder %s: %s", s->dir, strerror(errno));
    struct dirent *e;
    while (d && rc == SP_OK && (e = readdir(d)) != NULL) {
        if (!is_shard_name(e->d_name))
            continue;
        rc = sp_photo_join(path, sizeof path, err, "%s/%s", s->dir, e->d_name);
        if (rc == SP_OK)
            rc = sweep_dir(path, e->d_name, fn, ctx, &removed, err);
    }
    if (d)
        closedir(d);
    flock(s->dir_fd, LOCK_SH);
    if (out_removed)
        *out_removed = removed;
    return rc;
}
