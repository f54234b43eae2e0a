/* storage/sp_db_photos.h - photo records: the evidence about a monument, its files kept by
 * the photos module under their content hash (the row names the sha256). */
#ifndef SP_DB_PHOTOS_H
#define SP_DB_PHOTOS_H

#include <stdint.h>

#include "sp_db.h"

/* Text fields a photo carries besides what its bytes say. */
enum sp_photo_meta {
    SP_PM_AUTHOR,
    SP_PM_LICENCE,
    SP_PM_CAPTION_UK,
    SP_PM_CAPTION_EN,
    SP_PM_ALT_UK,
    SP_PM_ALT_EN,
    SP_PM_VIEW,
    SP_PM_PHASE,
    SP_PM_STATUS,
    SP_PM_COUNT
};
const char *sp_db_photo_meta_name(int i); /* "author", ... */

/* A file in the photo store as the photos module read it. */
typedef struct sp_db_photo_file {
    const char *sha256, *media_type;
    int width, height;
    long long bytes;
    const char *taken_at; /* NULL when unknown */
    int has_gps;
    double lat, lon;
} sp_db_photo_file;

typedef struct sp_db_photo_in {
    int64_t monument_id, report_id; /* report_id 0: none */
    sp_db_photo_file file;
    const char *meta[SP_PM_COUNT]; /* NULL: not given (status: public) */
    int64_t uploaded_by;
} sp_db_photo_in;

/* Adds the row and its audit row in one transaction; SP_ENOTFOUND (monument), SP_EINVAL
 * (a report of another monument, a vocabulary value). */
int sp_db_photo_add(sp_db *db, const sp_db_photo_in *in, const sp_db_actor *actor, int64_t *out_id,
                    sp_err *err);

typedef struct sp_db_photo {
    int64_t id, monument_id;
    char sha256[65], media_type[32], status[16];
    int is_monument_coarse; /* the monument's place is published at 0.01 degree only */
} sp_db_photo;
/* *out_found 0 when there is no such photo (of a live monument). */
int sp_db_photo_get(sp_db *db, int64_t id, sp_db_photo *out, int *out_found, sp_err *err);
/* The photos of a monument as a JSON array text (free with sp_db_free), public
 * ones only unless is_staff; places coarsened as the monument's when it is published so. */
int sp_db_photo_list(sp_db *db, int64_t monument_id, int is_staff, char **out, sp_err *err);
/* One photo as JSON (as in the list), for the answer to an upload. */
int sp_db_photo_json(sp_db *db, int64_t id, int is_staff, char **out, sp_err *err);
/* A change to a photo's metadata: field i changes when is_set[i] (meta[i] NULL clears it;
 * status cannot be cleared); location_public 1 lets the public see where and when it was
 * taken, 0 hides them again, -1 keeps it. */
typedef struct sp_db_photo_patch {
    const char *meta[SP_PM_COUNT];
    int is_set[SP_PM_COUNT];
    int location_public;
} sp_db_photo_patch;
/* Changes it and writes its audit row in one transaction. SP_ENOTFOUND (no such photo of a
 * live monument), SP_EINVAL (a vocabulary value, status cleared), SP_ECONFLICT (status public
 * for a citizen's photo sent without consent to publish it). */
int sp_db_photo_update(sp_db *db, int64_t id, const sp_db_photo_patch *p, const sp_db_actor *actor,
                       sp_err *err);
/* 1 when a photo row names this sha256, else 0; negative SP_E* on failure. */
int sp_db_photo_referenced(sp_db *db, const char *sha256, sp_err *err);

#endif
