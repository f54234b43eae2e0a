/* storage/sp_db_items.h - the registry's public collections as OGC API - Features serves them:
 * which collections exist, what can be filtered, and one query function that pages through
 * features with bbox, simple equality filters and a parsed CQL2 filter, all bound as values.
 * Rows come back as text with their SQLite types and the geometry as GeoJSON text, so the
 * server writes JSON without knowing any table. */
#ifndef SP_DB_ITEMS_H
#define SP_DB_ITEMS_H

#include <stdint.h>

#include "sp_cql.h"
#include "sp_db.h"
#include "sp_db_cql.h"

typedef enum { SP_COL_MONUMENTS, SP_COL_ZONES, SP_COL_REPORTS, SP_COL_COUNT } sp_collection;

typedef struct sp_collection_info {
    const char *name; /* path segment: monuments, protection_zones, condition_reports */
    const char *title_uk, *title_en;
    const char *description_uk, *description_en;
    const char *time_property; /* what `datetime` filters on */
} sp_collection_info;

const sp_collection_info *sp_db_collection(sp_collection c);
int sp_db_collection_by_name(const char *name); /* -1 when unknown */
/* What filter= and the simple filters may name, for a collection (also /queryables). */
const sp_queryable *sp_db_queryables(sp_collection c, int *out_n);

#define SP_ITEMS_MAX_EQ 8

typedef enum { SP_ANY = 0, SP_YES, SP_NO } sp_tristate;

typedef struct sp_items_query {
    sp_collection collection;
    int64_t id; /* > 0: only this feature */
    long long limit, offset;
    int has_bbox;
    double bbox[4];          /* min lon, min lat, max lon, max lat (EPSG:4326) */
    const char *datetime[2]; /* interval on the time property; NULL = open end */
    int neq;                 /* simple filters: queryable name = value */
    const char *eq_name[SP_ITEMS_MAX_EQ], *eq_value[SP_ITEMS_MAX_EQ];
    const sp_cql_expr *filter; /* CQL2, or NULL */
    const char *q;             /* full-text words (monuments), or NULL */
    const char *updated_since; /* RFC 3339: only what changed after it, deletions included */
    const char *sortby;        /* "+name_uk,-year_from" (queryables; + or none = ascending) */
    int out_srid;              /* geometry output: 4326 (default when 0), 3857, 6384 */
    int out_swap;              /* list the coordinates northing first (EPSG:4326, EPSG:6384) */
    int out_decimals;          /* default 7 */
    int want_matched;          /* also count all matches (numberMatched) */
    /* The department's questions (monuments): */
    const char *damaged_since; /* damage reported on or after this date */
    int act_overdue;           /* no technical act in the last 5 years (or never) */
    int hit_again;             /* damaged more than once */
    sp_tristate has_photo, has_agreement;
} sp_items_query;

/* One feature: columns by name, text values (NULL for SQL NULL) with their types. */
typedef struct sp_db_feature {
    int64_t id;
    int ncols;
    const char *const *names;
    const char *const *values;
    const sp_db_param_type *types; /* a number's text is written as a JSON number */
    const char *geometry;          /* GeoJSON geometry object text, or NULL */
} sp_db_feature;
typedef int (*sp_db_feature_fn)(void *ctx, const sp_db_feature *f, sp_err *err);

#define SP_ITEMS_Q_MAX_BYTES 200
#define SP_ITEMS_Q_MAX_WORDS 16

/* SP_EINVAL (bad filter: unknown property, type mismatch; q empty or too long) is the
 * caller's 400. q matches every word as a word prefix, in any order, case-insensitively. */
int sp_db_items(sp_db *db, const sp_items_query *q, sp_db_feature_fn fn, void *ctx,
                long long *out_matched, sp_err *err);
/* Spatial extent (4326) and time extent (as text, NULL when none) of a collection. */
int sp_db_collection_extent(sp_db *db, sp_collection c, double out_bbox[4], int *out_has_bbox,
                            char out_tmin[32], char out_tmax[32], sp_err *err);
/* A place where monuments are: the mean of the public monument points in the cell of a grid
 * of cell_deg degrees that holds most of them (*out_count 0 when there are none; over 50,000
 * points an even sample of them is counted). */
int sp_db_monuments_densest(sp_db *db, double cell_deg, double out_lonlat[2], int64_t *out_count,
                            sp_err *err);
/* A bbox given in another CRS (x/y in that CRS's traditional GIS order) as EPSG:4326 lon/lat,
 * its edges densified so the result covers the curved outline. */
int sp_db_bbox_to_4326(sp_db *db, int srid, const double in[4], double out[4], sp_err *err);
/* Counts for /stats: the live monuments in all, by district, condition and significance (with
 * the vocabularies' labels), how many answer each of the department's questions, and the
 * damage events (approved reports) of live monuments by month since 2022-02-24 (key YYYY-MM,
 * months without one left out, in order). group: "total", "district", "condition",
 * "significance", "question", "damage_month"; key NULL for none. */
typedef int (*sp_db_stat_fn)(void *ctx, const char *group, const char *key, const char *label_uk,
                             const char *label_en, long long count, sp_err *err);
int sp_db_stats(sp_db *db, sp_db_stat_fn fn, void *ctx, sp_err *err);
/* The registry's change detection: grows with every change to its public data (the newest
 * audit row), by this process or another; ETags and the response cache derive from it. Asked
 * on every request (a read of one index entry); the map's own is sp_db_map_change_max. */
int sp_db_data_version(sp_db *db, int64_t *out, sp_err *err);

#endif
