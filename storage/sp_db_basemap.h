/* storage/sp_db_basemap.h - the base map's storage (schemas/020_basemap.sql): features by
 * class with their names and EPSG:4326 WKB, found by box, zoom and kind in an R*Tree.
 * Written by `spadok basemap import` (importers/basemap.c), read by tiles/basemap.c; and the
 * registry's districts as the base when there is no base-map data. */
#ifndef SP_DB_BASEMAP_H
#define SP_DB_BASEMAP_H

#include <stddef.h>
#include <stdint.h>

#include "sp_db.h"

typedef struct sp_db_basemap_feature {
    const char *class_code;   /* "road_primary", "water", "place_town", "district", ... */
    const char *name_uk;      /* NULL when unnamed */
    const char *name_en;      /* NULL when the source has none */
    const unsigned char *wkb; /* EPSG:4326 */
    size_t wkb_len;
    double bbox[4];          /* min lon, min lat, max lon, max lat (written) */
    int minzoom;             /* drawn from this zoom */
    int is_place;            /* a place name, placed over a block of tiles */
    double label_x, label_y; /* districts: a point inside for the name (read) */
} sp_db_basemap_feature;

/* Replacing the base map: begin a transaction and clear it; put each feature; note each
 * file; commit (with a map_change row that drops every cached tile, and an audit row that
 * changes the data's version, which responses are cached by). On failure the caller
 * calls sp_db_rollback and the old base map stays. */
int sp_db_basemap_replace_begin(sp_db *db, sp_err *err);
int sp_db_basemap_put(sp_db *db, const char *dataset, const sp_db_basemap_feature *f, sp_err *err);
int sp_db_basemap_source(sp_db *db, const char *dataset, const char *file, int64_t features,
                         sp_err *err);
int sp_db_basemap_replace_commit(sp_db *db, sp_err *err);

/* 1 when there is a base map, 0 when none is loaded (the districts are the base). */
int sp_db_basemap_exists(sp_db *db, int64_t *out, sp_err *err);

/* The base map's extent (min lon, min lat, max lon, max lat); *out_has 0 when there is none. */
int sp_db_basemap_extent(sp_db *db, double out[4], int *out_has, sp_err *err);

/* Calls fn for each feature meeting bbox that is drawn at zoom z: the place names (places 1)
 * or the rest (0), in import order. Pointers are valid during the call only. */
typedef int (*sp_db_basemap_fn)(void *ctx, const sp_db_basemap_feature *f, sp_err *err);
int sp_db_basemap_features(sp_db *db, const double bbox[4], int z, int places, sp_db_basemap_fn fn,
                           void *ctx, sp_err *err);
/* The same for the districts meeting bbox (class "district", label_x/y set), largest first. */
int sp_db_map_districts(sp_db *db, const double bbox[4], sp_db_basemap_fn fn, void *ctx,
                        sp_err *err);

#endif
