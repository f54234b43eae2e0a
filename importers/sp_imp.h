/* importers/sp_imp.h - read any OGR source into the registry, losing no record.
 * A mapping (JSON, importers/mappings/) says which source fields feed which model fields;
 * without one, source fields named like the model's are taken as they are. Every record
 * read ends inserted, updated, unchanged, conflicted (a person's value kept, noted for an
 * editor) or rejected with a reason (import_error). */
#ifndef SP_IMP_H
#define SP_IMP_H

#include <stddef.h>

#include "sp_db.h"
#include "sp_err.h"

typedef struct sp_imp_mapping sp_imp_mapping;

int sp_imp_mapping_load(const char *path, sp_imp_mapping **out, sp_err *err);
/* Parses mapping JSON from memory; name is used in messages. */
int sp_imp_mapping_parse(const char *text, size_t len, const char *name, sp_imp_mapping **out,
                         sp_err *err);
void sp_imp_mapping_free(sp_imp_mapping *m);                /* NULL is fine */
const char *sp_imp_mapping_target(const sp_imp_mapping *m); /* "monument", "district" */

typedef void (*sp_imp_reject_fn)(void *ctx, const char *layer, long long row, const char *key,
                                 const char *reason);
/* Told of each conflict and missing record the run noted (storage's sp_db_conflict). */
typedef void (*sp_imp_conflict_fn)(void *ctx, const sp_db_conflict *c);

typedef enum { SP_IMP_MISSING_REPORT, SP_IMP_MISSING_FLAG } sp_imp_missing;

typedef struct sp_imp_options {
    const char *mapping_path; /* NULL: fields named like the model's */
    const char *layer;        /* overrides the mapping's; NULL: every layer */
    const char *source_crs;   /* "EPSG:N" etc.: overrides the mapping's and the source's */
    const char *dataset;      /* overrides the mapping's; default: the first file's base name */
    sp_db_dataset about;      /* licence, attribution, ...: override the mapping's */
    int prefer_source;        /* take the source's values over people's edits (audited) */
    sp_imp_missing missing;   /* what to do with records the data set no longer has */
    sp_imp_conflict_fn on_conflict; /* may be NULL */
    void *conflict_ctx;
    int is_dry_run;             /* do everything, then roll back */
    int show_progress;          /* progress bar on stderr (when it is a terminal) */
    sp_imp_reject_fn on_reject; /* told of each rejected or repaired record; may be NULL */
    void *reject_ctx;
} sp_imp_options;

typedef struct sp_imp_result {
    sp_import_counts counts;
    long long run_id;
} sp_imp_result;

/* The sources of an import: mapping loaded, files opened, layers chosen. Opening needs no
 * database, so a wrong file or mapping is reported before one is created, and the CLI opens
 * the database meanwhile. opt must outlive the source. */
typedef struct sp_imp_source sp_imp_source;
int sp_imp_open(const char *const *files, int nfiles, const sp_imp_options *opt,
                sp_imp_source **out, sp_err *err);
void sp_imp_close(sp_imp_source *src); /* NULL is fine */

/* One transaction for the whole import: on a fatal error nothing is written. */
int sp_imp_run_source(sp_db *db, sp_imp_source *src, sp_imp_result *out, sp_err *err);
/* sp_imp_open + sp_imp_run_source + sp_imp_close. */
int sp_imp_run(sp_db *db, const char *const *files, int nfiles, const sp_imp_options *opt,
               sp_imp_result *out, sp_err *err);

/* ---- request bodies -------------------------------------------------------------------- */

typedef enum { SP_IMP_CREATE, SP_IMP_REPLACE, SP_IMP_PATCH } sp_imp_mode;

typedef struct sp_imp_body {
    sp_imp_mode mode;
    const sp_db_record *base; /* the stored record (REPLACE, PATCH), borrowed; else NULL */
    int srid;                 /* CRS of the geometry (Content-Crs); 0: CRS84 */
    int swap;                 /* its coordinates are listed northing first */
} sp_imp_body;

/* A record built from a request body, validated as an import validates. */
typedef struct sp_imp_feature {
    sp_db_record rec;   /* values owned here; rec.wkb is wkb, or base's (PATCH, no geometry) */
    unsigned char *wkb; /* owned */
    int repaired;       /* the geometry was invalid and was repaired */
} sp_imp_feature;

/* Parses a GeoJSON Feature (or, for an entity without geometry, a JSON object or a Feature
 * without geometry) into a record of e: CREATE and REPLACE take every field from the body
 * (REPLACE keeps the base's source key), PATCH changes only what the body names (JSON Merge
 * Patch: null clears). Unknown properties are refused; those the registry sets itself (id,
 * uid, version, condition, ...) are ignored. SP_EINVAL with a message naming the property. */
int sp_imp_feature_parse(const char *json, size_t len, const sp_entity *e, const sp_vocab *v,
                         const sp_imp_body *how, sp_imp_feature *out, sp_err *err);
void sp_imp_feature_clear(sp_imp_feature *f);

/* ---- the base map (importers/basemap.c) ------------------------------------------------ */

typedef struct sp_imp_basemap_options {
    const char *dataset;    /* the data set it is credited as */
    sp_db_dataset about;    /* licence, attribution...: default OSM's for OSM files */
    const char *class_code; /* every feature is of this class (a source without OSM tags) */
    int show_progress;      /* features read, on stderr (when it is a terminal) */
} sp_imp_basemap_options;

/* Features read, kept (by group: roads, railways, water, green and land use, buildings,
 * places) and skipped (no base-map class, or a geometry that cannot be used). */
#define SP_IMP_BASEMAP_GROUPS 6
typedef struct sp_imp_basemap_result {
    long long read, kept, skipped;
    long long groups[SP_IMP_BASEMAP_GROUPS];
    int is_osm_only; /* every file was read by GDAL's OSM driver */
} sp_imp_basemap_result;

/* Replaces the base map with the classified features of files, in one transaction: on any
 * error (a file unreadable, or without anything of a base map) the old one stays. */
int sp_imp_basemap(sp_db *db, const char *const *files, int nfiles,
                   const sp_imp_basemap_options *opt, sp_imp_basemap_result *out, sp_err *err);
/* 1 when code is a class of the base map ("road_primary", "water", ...). */
int sp_imp_basemap_class_known(const char *code);

#endif
