/* photos/sp_photo.h - contributors' photo uploads: streamed to a temp file, proved to be an
 * image by a full decode, EXIF date and GPS read, stored once per content under the photo
 * folder, with a thumbnail and a web copy derived once and stripped of all metadata.
 * Layout of a photo folder DIR:
 *   DIR/tmp/                       uploads and derivatives being written (sweep empties it)
 *   DIR/ab/<sha256>                the original bytes, as uploaded (ab = first two hex digits)
 *   DIR/ab/<sha256>.thumb.jpg      longest side SP_PHOTO_THUMB_SIZE px, JPEG, no metadata
 *   DIR/ab/<sha256>.web.jpg        longest side SP_PHOTO_WEB_SIZE px (never upscaled), idem
 * Uploads are independent: several threads may run their own uploads on one store at once
 * (an upload object belongs to one thread at a time). Memory: the body goes to disk as it
 * arrives; decoding streams in strips (tens of MB whatever the size), except progressive
 * JPEG, interlaced PNG and HEIC, decoded whole (up to 6 bytes a pixel), one at a time.
 * Design notes and measurements: photos/image.c. */
#ifndef SP_PHOTO_H
#define SP_PHOTO_H

#include <stddef.h>

#include "sp_err.h"

#define SP_PHOTO_THUMB_SIZE         320
#define SP_PHOTO_WEB_SIZE           1600
#define SP_PHOTO_MAX_PIXELS_DEFAULT 100000000LL /* decompression-bomb limit, settable */
#define SP_PHOTO_SHA_HEX            65          /* 64 hex digits and NUL */
#define SP_PHOTO_DERIVED_TYPE       "image/jpeg"

typedef struct sp_photo_store sp_photo_store; /* opaque; fields in photo_int.h */
typedef struct sp_photo_upload sp_photo_upload;

typedef enum { SP_PHOTO_ORIGINAL, SP_PHOTO_THUMB, SP_PHOTO_WEB } sp_photo_variant;

typedef struct sp_photo_info {
    char sha256[SP_PHOTO_SHA_HEX]; /* of the original bytes, lower-case hex */
    char media_type[32];           /* image/jpeg, image/png, image/webp or image/heic */
    int width, height;             /* as displayed, after EXIF orientation */
    long long bytes;
    int has_taken_at;
    char taken_at[32]; /* "2008-10-22T16:28:39", EXIF DateTimeOriginal, camera clock, no zone */
    int has_gps;
    double lat, lon; /* WGS84 decimal degrees, S and W negative */
    int orientation; /* EXIF 1..8, 1 when absent */
    int is_new;      /* 0: the same bytes were already stored */
} sp_photo_info;

/* Once per process, before the first upload (vips_init, libsodium); calling it again is a
 * no-op. Shutdown only at exit: the image library cannot be started twice. */
int sp_photo_init(const char *argv0, sp_err *err);
void sp_photo_shutdown(void);

/* Creates DIR and DIR/tmp/ when missing. The store may be shared by threads. */
int sp_photo_store_open(const char *dir, sp_photo_store **out, sp_err *err);
void sp_photo_store_close(sp_photo_store *s); /* NULL is fine; after its uploads ended */
/* Refuse images of more pixels than this (checked from the header, before decoding); call
 * before uploads start. */
void sp_photo_store_set_max_pixels(sp_photo_store *s, long long max_pixels);

/* Path of a stored file; SP_EINVAL for a malformed sha. Derivatives are SP_PHOTO_DERIVED_TYPE,
 * the original is of the media_type its upload reported. */
int sp_photo_path(const sp_photo_store *s, const char *sha256_hex, sp_photo_variant v, char *out,
                  size_t outsz, sp_err *err);

/* One upload streaming into DIR/tmp/; never held whole in memory. */
int sp_photo_upload_begin(sp_photo_store *s, long long max_bytes, sp_photo_upload **out,
                          sp_err *err);
/* SP_ETOOLARGE past max_bytes, SP_EIO on disk errors: the temp file is then removed at once
 * and the upload only waits for sp_photo_upload_abort. */
int sp_photo_upload_write(sp_photo_upload *u, const void *data, size_t n, sp_err *err);
/* Checks (SP_EMEDIA: empty, not an image, truncated or damaged, over the pixel limit), reads
 * EXIF, derives the thumbnail and web copy, then moves everything into place. Frees u,
 * whatever the result; on failure nothing of this upload is left on disk. On success the
 * stored photo is held for the caller, who must sp_photo_release it once its row is written
 * or refused. */
int sp_photo_upload_finish(sp_photo_upload *u, sp_photo_info *out, sp_err *err);
void sp_photo_upload_abort(sp_photo_upload *u); /* removes the temp file, frees; NULL is fine */
/* A lower pixel limit for this upload than the store's (anonymous uploads); 0: the store's. */
void sp_photo_upload_set_max_pixels(sp_photo_upload *u, long long max_pixels);

/* Ends the hold that sp_photo_upload_finish gave on sha. When no other upload holds it and fn
 * says no row references it (the caller's row was refused), the stored files are removed at
 * once: the check and the removal are atomic with respect to other uploads of the same bytes,
 * which hold it before they look whether it is stored. fn as in the sweep below; NULL: only
 * the hold ends. */
int sp_photo_release(sp_photo_store *s, const char *sha256, int (*fn)(void *ctx, const char *sha),
                     void *ctx, sp_err *err);

/* Crash recovery, at startup before uploads begin (it removes uploads in progress): empties
 * DIR/tmp/ and removes every stored file whose sha fn does not reference; with fn NULL only
 * DIR/tmp/ is emptied. fn returns 1 (referenced), 0 (not), or a negative SP_E* that stops
 * the sweep and is returned. *out_removed counts the files removed. Nothing is swept while
 * another process has the folder open (several nodes share one: their uploads are under
 * way), nor where folders cannot be locked: a crash's leftovers wait for a start alone. */
typedef int (*sp_photo_is_referenced_fn)(void *ctx, const char *sha256_hex);
int sp_photo_store_sweep(sp_photo_store *s, sp_photo_is_referenced_fn fn, void *ctx,
                         int *out_removed, sp_err *err);

#endif
