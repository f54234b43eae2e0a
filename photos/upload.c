/* photos/upload.c - one upload from its first byte to its place in the store. The body is
 * streamed into DIR/tmp/ as it arrives and hashed on the way (SHA-256, libsodium), so a
 * 50 MB photo costs a few KB of memory until it is decoded; the size limit is enforced on
 * each write, before the bytes reach the disk. Finishing checks and derives (image.c), then
 * renames thumbnail, web copy and finally the original into DIR/ab/: the original's presence
 * means the derivatives are complete, which is what makes "same bytes stored once" safe. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "photo_int.h"

#define BYTES_PER_MB 1e6

struct sp_photo_upload {
    sp_photo_store *store;
    int is_held;                  /* finish took a hold on the photo (sp_photo_hold_take) */
    int fd;                       /* -1 once closed */
    char path[SP_PHOTO_PATH_MAX]; /* the temp file; empty once removed */
    long long max_bytes, bytes;
    crypto_hash_sha256_state sha;
    unsigned char head[SP_PHOTO_SNIFF_LEN]; /* the first bytes, to recognise the format */
    int failed;                             /* the SP_E* of a refused write */
    long long max_pixels;                   /* 0: the store's */
};

void sp_photo_upload_set_max_pixels(sp_photo_upload *u, long long max_pixels)
{
    u->max_pixels = max_pixels;
}

/* Closes and removes the temp file (an upload that failed, or whose bytes are stored). */
static void drop_temp(sp_photo_upload *u)
{
    if (u->fd >= 0)
        close(u->fd);
    u->fd = -1;
    if (u->path[0])
        unlink(u->path);
    u->path[0] = '\0';
}

int sp_photo_upload_begin(sp_photo_store *s, long long max_bytes, sp_photo_upload **out,
                          sp_err *err)
{
    *out = NULL;
    if (!sp_photo_initialized())
        return sp_err_set(err, SP_EINTERNAL, "photo upload before sp_photo_init");
    if (max_bytes <= 0)
        return sp_err_set(err, SP_EINVAL, "photo upload limit must be positive (%lld)", max_bytes);
    sp_photo_upload *u = calloc(1, sizeof *u);
    if (!u)
        return sp_err_set(err, SP_ENOMEM, "out of memory starting a photo upload");
    u->store = s;
    u->max_bytes = max_bytes;
    if (sp_photo_join(u->path, sizeof u->path, err, "%s/%s/%s", s->dir, SP_PHOTO_TMP_DIR,
                      SP_PHOTO_TEMP_UP) != SP_OK) {
        free(u);
        return err->code;
    }
    u->fd = sp_photo_temp_open(u->path, err);
    if (u->fd < 0) {
        int rc = u->fd;
        free(u);
        return rc;
    }
    crypto_hash_sha256_init(&u->sha);
    *out = u;
    return SP_OK;
}

/* A refused write: the temp file goes at once, later calls repeat the code. */
static int fail(sp_photo_upload *u, int code)
{
    drop_temp(u);
    u->failed = code;
    return code;
}

int sp_photo_upload_write(sp_photo_upload *u, const void *data, size_t n, sp_err *err)
{
    if (u->failed)
        return sp_err_set(err, u->failed, "photo upload already refused (%s)",
                          sp_err_name(u->failed));
    if (n == 0)
        return SP_OK;
    if ((unsigned long long)n > (unsigned long long)(u->max_bytes - u->bytes)) {
        sp_err_set(err, SP_ETOOLARGE, "photo is over the limit of %lld bytes (%.1f MB)",
                   u->max_bytes, (double)u->max_bytes / BYTES_PER_MB);
        return fail(u, SP_ETOOLARGE);
    }
    if (u->bytes < SP_PHOTO_SNIFF_LEN) {
        size_t k = SP_PHOTO_SNIFF_LEN - (size_t)u->bytes;
        memcpy(u->head + u->bytes, data, n < k ? n : k);
    }
    if (sp_photo_write_all(u->fd, data, n, u->path, err) != SP_OK)
        return fail(u, err->code);
    crypto_hash_sha256_update(&u->sha, data, n);
    u->bytes += (long long)n;
    return SP_OK;
}

void sp_photo_upload_abort(sp_photo_upload *u)
{
    if (!u)
        return;
    drop_temp(u);
    free(u);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* What finish moves into the shard folder, in this order: the original last, so that its
 * presence means the derivatives are complete. */
enum { MOVE_THUMB, MOVE_WEB, MOVE_ORIGINAL, MOVES };

/* Moves the fsynced temp files to their names in the shard folder and fsyncs it; each temp
 * name moved is emptied. When the original cannot be moved, the derivatives just moved go
 * too, unless another upload of the same bytes completed meanwhile. */
static int move_into_place(const sp_photo_store *s, const char *shard, char *const from[MOVES],
                           char *const to[MOVES], sp_err *err)
{
    if (mkdir(shard, SP_PHOTO_DIR_MODE) == 0) {
        if (sp_photo_fsync_dir(s->dir, err) != SP_OK)
            return err->code;
    } else if (errno != EEXIST) {
        return sp_err_set(err, sp_photo_io_code(errno), "cannot create folder %s: %s", shard,
                          strerror(errno));
    }
    for (int i = 0; i < MOVES; i++) {
        if (rename(from[i], to[i]) != 0) {
            sp_err_set(err, SP_EIO, "cannot move %s to %s: %s", from[i], to[i], strerror(errno));
            if (!exists(to[MOVE_ORIGINAL]))
                for (int j = 0; j < i; j++)
                    unlink(to[j]);
            return err->code;
        }
        from[i][0] = '\0';
    }
    return sp_photo_fsync_dir(shard, err);
}

/* The part of finish that may fail; u is freed by the caller. */
static int finish(sp_photo_upload *u, sp_photo_info *out, sp_err *err)
{
    const sp_photo_store *s = u->store;
    if (u->failed)
        return sp_err_set(err, u->failed, "photo upload already refused (%s)",
                          sp_err_name(u->failed));
    if (u->bytes == 0)
        return sp_err_set(err, SP_EMEDIA, "0 bytes: the upload is empty, not an image");
    if (fsync(u->fd) != 0)
        return sp_err_set(err, sp_photo_io_code(errno), "cannot fsync %s: %s", u->path,
                          strerror(errno));
    int rc = close(u->fd);
    u->fd = -1;
    if (rc != 0)
        return sp_err_set(err, sp_photo_io_code(errno), "cannot close %s: %s", u->path,
                          strerror(errno));

    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&u->sha, digest);
    sodium_bin2hex(out->sha256, sizeof out->sha256, digest, sizeof digest);
    out->bytes = u->bytes;

    size_t head_len = u->bytes < SP_PHOTO_SNIFF_LEN ? (size_t)u->bytes : SP_PHOTO_SNIFF_LEN;
    sp_photo_format f = sp_photo_sniff(u->head, head_len);
    if (f == SP_PHOTO_FMT_NONE)
        return sp_err_set(err, SP_EMEDIA,
                          "not an image: the content is not JPEG, PNG, WebP or HEIC");
    snprintf(out->media_type, sizeof out->media_type, "%s", sp_photo_media_type(f));
    sp_photo_header h = {0};
    long long max_pixels =
        u->max_pixels > 0 && u->max_pixels < s->max_pixels ? u->max_pixels : s->max_pixels;
    if (sp_photo_probe(u->path, f, max_pixels, out, &h, err) != SP_OK)
        return err->code;

    char orig[SP_PHOTO_PATH_MAX], thumb[SP_PHOTO_PATH_MAX], web[SP_PHOTO_PATH_MAX];
    char shard[SP_PHOTO_PATH_MAX];
    if (sp_photo_path(s, out->sha256, SP_PHOTO_ORIGINAL, orig, sizeof orig, err) != SP_OK ||
        sp_photo_path(s, out->sha256, SP_PHOTO_THUMB, thumb, sizeof thumb, err) != SP_OK ||
        sp_photo_path(s, out->sha256, SP_PHOTO_WEB, web, sizeof web, err) != SP_OK ||
        sp_photo_join(shard, sizeof shard, err, "%s/%.*s", s->dir, SP_PHOTO_SHARD_LEN,
                      out->sha256) != SP_OK)
        return err->code;
    /* Held before looking, so that a refused upload of the same bytes cannot remove them
     * between the look and this upload's row (sp_photo_release). */
    if (sp_photo_hold_take(u->store, out->sha256, err) != SP_OK)
        return err->code;
    u->is_held = 1;
    /* Same bytes as a stored photo: they passed every check then, nothing to derive. */
    if (exists(orig) && exists(thumb) && exists(web))
        return SP_OK;

    char tmp_web[SP_PHOTO_PATH_MAX], tmp_thumb[SP_PHOTO_PATH_MAX];
    if (sp_photo_derive(s, u->path, f, &h, tmp_web, tmp_thumb, err) != SP_OK)
        return err->code;
    char *from[MOVES] = {[MOVE_THUMB] = tmp_thumb, [MOVE_WEB] = tmp_web, [MOVE_ORIGINAL] = u->path};
    char *to[MOVES] = {[MOVE_THUMB] = thumb, [MOVE_WEB] = web, [MOVE_ORIGINAL] = orig};
    rc = move_into_place(s, shard, from, to, err);
    if (tmp_thumb[0])
        unlink(tmp_thumb);
    if (tmp_web[0])
        unlink(tmp_web);
    out->is_new = rc == SP_OK;
    return rc;
}

void sp_photo_unlink_stored(const sp_photo_store *s, const char *sha256)
{
    static const sp_photo_variant order[] = {SP_PHOTO_ORIGINAL, SP_PHOTO_THUMB, SP_PHOTO_WEB};
    char path[SP_PHOTO_PATH_MAX];
    sp_err err = {0};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (sp_photo_path(s, sha256, order[i], path, sizeof path, &err) == SP_OK)
            unlink(path);
}

int sp_photo_upload_finish(sp_photo_upload *u, sp_photo_info *out, sp_err *err)
{
    if (!u)
        return sp_err_set(err, SP_EINVAL, "no photo upload to finish");
    memset(out, 0, sizeof *out);
    out->orientation = 1;
    int rc = finish(u, out, err);
    if (rc != SP_OK && u->is_held) /* nothing of this upload was stored: only the hold goes */
        sp_photo_release(u->store, out->sha256, NULL, NULL, err);
    sp_photo_upload_abort(u); /* removes the temp file unless it became the stored original */
    if (rc != SP_OK)
        memset(out, 0, sizeof *out);
    return rc;
}
