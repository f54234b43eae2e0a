/* storage/sp_db_map.h - what a map tile shows: the monuments (or damage events, or
 * protection zones) in a box, with just the fields the drawing needs. Archaeological sites
 * marked location_sensitive come back at their published 0.01 degree position, never
 * exactly, and without footprint, like every other public output. */
#ifndef SP_DB_MAP_H
#define SP_DB_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "sp_db.h"

typedef enum { SP_MAP_MONUMENTS, SP_MAP_DAMAGE, SP_MAP_ZONES } sp_map_kind;

typedef struct sp_db_map_query {
    sp_map_kind kind;
    double bbox[4];      /* EPSG:4326 min lon, min lat, max lon, max lat (margin included) */
    int with_names;      /* name_uk wanted (labels) */
    int with_footprints; /* polygon geometry wanted (WKB) */
    /* a point per monument is enough (no footprints, no labels): the answer then comes from
     * the map's points alone (012) unless a kind, district or damage filter is asked for */
    int points_only;
    int any_order; /* the caller only aggregates the features: they may come in any order */
    /* monuments filters, NULL for all: codes, a district's name, a first damage day */
    const char *significance, *kind_code, *condition, *district, *damaged_since;
    const char *lang; /* names: "en" for name_en where there is one, else name_uk */
} sp_db_map_query;

typedef struct sp_db_map_feature {
    int64_t id;
    double x, y;              /* marker lon, lat (coarsened when location_sensitive) */
    const char *condition;    /* latest condition code, NULL when unknown */
    const char *significance; /* code, NULL when unknown */
    const char *name;         /* name_uk (or name_en, lang "en") when asked */
    const unsigned char *wkb; /* footprint (polygons) or zone geometry, when asked */
    size_t wkb_len;
    const char *damage_level; /* damage: the latest damage event's level code */
    double damage_age_days;   /* damage: days since that event */
} sp_db_map_feature;

/* Calls fn for each feature, most significant first (national before local), then by id:
 * the order labels are placed in. Pointers are valid during the call only. */
typedef int (*sp_db_map_fn)(void *ctx, const sp_db_map_feature *f, sp_err *err);
int sp_db_map_features(sp_db *db, const sp_db_map_query *q, sp_db_map_fn fn, void *ctx,
                       sp_err *err);

#endif
