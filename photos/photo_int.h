/* photos/photo_int.h - what the files of photos/ share and nobody else sees: the store's
 * fields, the file helpers (temp file, fsync, rename), the image checks and the EXIF reader. */
#ifndef SP_PHOTO_INT_H
#define SP_PHOTO_INT_H

#include <pthread.h>
#include <stddef.h>

#include "sp_photo.h"

#define SP_PHOTO_TMP_DIR    "tmp"
#define SP_PHOTO_SHARD_LEN  2 /* DIR/ab/: the first two hex digits of the sha */
#define SP_PHOTO_SHA_LEN    64
#define SP_PHOTO_FILE_MODE  0644 /* the derivatives may be served by another process */
#define SP_PHOTO_DIR_MODE   0755
#define SP_PHOTO_SNIFF_LEN  32 /* bytes read from the start to recognise a format */
#define SP_PHOTO_PATH_MAX   4096
#define SP_PHOTO_THUMB_EXT  ".thumb.jpg"
#define SP_PHOTO_WEB_EXT    ".web.jpg"
#define SP_PHOTO_TEMP_UP    "up-XXXXXX"
#define SP_PHOTO_TEMP_DERIV "dv-XXXXXX"

/* A stored photo that an upload has finished and its caller not yet released: it may be
 * about to get a row, so it is never removed (sp_photo_release). */
typedef struct sp_photo_hold {
    char sha256[SP_PHOTO_SHA_HEX];
    int count;
} sp_photo_hold;

struct sp_photo_store {
    char *dir;                 /* as given, without a trailing slash */
    long long max_pixels;      /* set before uploads start, read-only after */
    pthread_mutex_t hold_lock; /* guards the holds, and a release's removal */
    sp_photo_hold *holds;
    int nholds, cap_holds;
    int dir_fd; /* DIR, flock'ed shared while open (see sp_photo_store_sweep); -1: none */
};

/* store.c: takes a hold on sha (SP_ENOMEM), before finish looks whether it is stored. */
int sp_photo_hold_take(sp_photo_store *s, const char *sha256, sp_err *err);

/* The formats accepted; the order of sp_photo_formats in image.c. */
typedef enum {
    SP_PHOTO_FMT_JPEG,
    SP_PHOTO_FMT_PNG,
    SP_PHOTO_FMT_WEBP,
    SP_PHOTO_FMT_HEIC,
    SP_PHOTO_FMT_NONE = -1
} sp_photo_format;

/* store.c: files. Each returns SP_OK or SP_EIO with the path and strerror in err. */
int sp_photo_join(char *out, size_t outsz, sp_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Creates a temp file from pattern (…XXXXXX) with mode SP_PHOTO_FILE_MODE; returns its fd
 * or a negative SP_E*. */
int sp_photo_temp_open(char *pattern, sp_err *err);
/* Writes len bytes to a new temp file under DIR/tmp/ and fsyncs it; its path in out. */
int sp_photo_temp_write(const sp_photo_store *s, const void *data, size_t len, char *out,
                        size_t outsz, sp_err *err);
/* SP_ENOSPACE for a full disk or quota (errno ENOSPC, EDQUOT), else SP_EIO. */
int sp_photo_io_code(int errnum);
int sp_photo_write_all(int fd, const void *data, size_t len, const char *path, sp_err *err);
int sp_photo_fsync_dir(const char *dir, sp_err *err);
int sp_photo_mkdir(const char *dir, sp_err *err); /* one level; an existing folder is fine */
int sp_photo_initialized(void);                   /* image.c: sp_photo_init has run */
/* upload.c: the three stored files of sha (original first), when they exist. */
void sp_photo_unlink_stored(const sp_photo_store *s, const char *sha256);

/* image.c: the checks and the derivatives. */
sp_photo_format sp_photo_sniff(const unsigned char *head, size_t n);
const char *sp_photo_media_type(sp_photo_format f);
/* What the header says about decoding the pixels. */
typedef struct sp_photo_header {
    int has_icc;       /* an ICC profile is embedded: convert to sRGB before stripping it */
    int decodes_whole; /* progressive JPEG, interlaced PNG, HEIC: decoded whole in memory */
    int longest;       /* the longer side in pixels, as stored */
    int shortest;      /* the shorter one */
} sp_photo_header;

/* Reads the header (no pixels): dimensions against max_pixels, EXIF into info. */
int sp_photo_probe(const char *path, sp_photo_format f, long long max_pixels, sp_photo_info *info,
                   sp_photo_header *out, sp_err *err);
/* Decodes the whole image (SP_EMEDIA when damaged or truncated) and writes the web copy and
 * the thumbnail as fsynced temp files under DIR/tmp/, their paths in web and thumb (empty
 * strings when not written). */
int sp_photo_derive(const sp_photo_store *s, const char *path, sp_photo_format f,
                    const sp_photo_header *h, char web[SP_PHOTO_PATH_MAX],
                    char thumb[SP_PHOTO_PATH_MAX], sp_err *err);

/* exif.c: orientation, DateTimeOriginal and GPS from a raw EXIF block (with or without its
 * "Exif\0\0" header) into info; what is missing or malformed is left absent. */
void sp_photo_exif_read(const unsigned char *data, size_t len, sp_photo_info *info);

#endif
