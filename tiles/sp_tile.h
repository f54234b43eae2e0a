/* tiles/sp_tile.h - map tiles: XYZ Web Mercator PNGs of the registry, drawn with Cairo and
 * Pango, encoded with libpng. Shared by GET /tiles/... and `spadok tiles`, so both draw
 * alike. The style (colours by condition, sizes by significance) is documented here and in
 * the TileJSON's legend, and bumped in SP_TILE_STYLE_REV whenever a pixel would change. */
#ifndef SP_TILE_H
#define SP_TILE_H

#include <stddef.h>
#include <stdint.h>

#include "sp_db.h"
#include "sp_err.h"

#define SP_TILE_SIZE      256 /* CSS pixels; @2x tiles are 512 device pixels */
#define SP_TILE_MAX_ZOOM  19
#define SP_TILE_STYLE_REV 2 /* 2: national monuments named from z13; labels by lang */

typedef enum {
    SP_TILE_MONUMENTS,
    SP_TILE_DAMAGE,
    SP_TILE_ZONES,
    SP_TILE_BASEMAP, /* Spadok's own base map (tiles/basemap.c), or the districts without one */
    SP_TILE_LAYER_COUNT
} sp_tile_layer;

typedef struct sp_tile_req {
    sp_tile_layer layer;
    int z, x, y;
    int scale;        /* 1, or 2 for @2x */
    const char *lang; /* labels: "en" (English names where there are, else Ukrainian), or
                         NULL or "uk" for Ukrainian */
    /* monuments layer filters, NULL for all: vocabulary codes, a district's name as the
     * items give it, and the first day (YYYY-MM-DD) of damage events to show */
    const char *significance, *kind, *condition, *district, *damaged_since;
} sp_tile_req;

/* A legend entry: what a colour means, in both languages. */
typedef struct sp_tile_legend {
    const char *code, *label_uk, *label_en;
    const char *color; /* "#rrggbb" */
} sp_tile_legend;

/* A symbol size on the monuments layer: what it says of a monument's significance. */
typedef struct sp_tile_size {
    const char *code, *label_uk, *label_en;
    double radius; /* CSS px, from zoom 14 (below, points are thinned into cells) */
    int is_ring;   /* drawn as a ring rather than a disc */
} sp_tile_size;

const char *sp_tile_layer_name(sp_tile_layer l);
int sp_tile_layer_by_name(const char *name); /* -1 when unknown */
/* The colours of a layer's symbols (NULL-terminated by code). */
const sp_tile_legend *sp_tile_legend_of(sp_tile_layer l);
/* The monuments' sizes by significance (NULL-terminated by code), and the one of a code: a
 * significance that is NULL or not established gets the last, "unknown", never a guess. */
const sp_tile_size *sp_tile_sizes(void);
const sp_tile_size *sp_tile_size_of(const char *significance);

/* Parses "{z}/{x}/{y}.png" or "{z}/{x}/{y}@2x.png" into req (layer and filters untouched):
 * SP_EINVAL with a message naming what is wrong (zoom over 19, x or y out of range, suffix). */
int sp_tile_parse_zxy(const char *z, const char *x, const char *yfile, sp_tile_req *req,
                      sp_err *err);
/* Web Mercator: a point's place on a world of `world` units across (256 * 2^z pixels, or
 * 2^z tiles), from the north-west corner, and back. */
void sp_tile_to_world(double lon, double lat, double world, double *wx, double *wy);
void sp_tile_from_world(double wx, double wy, double world, double *lon, double *lat);
/* The tile's bounds in EPSG:4326: min lon, min lat, max lon, max lat. */
void sp_tile_bounds(int z, int x, int y, double out[4]);

/* Prepares drawing (Cairo and Pango are linked, so today there is nothing to do); a server
 * and `tiles seed` call it at start, so a future setup step fails then, not on a tile. */
int sp_tile_init(sp_err *err);

/* Draws the tile and encodes it as PNG into *out_png (caller frees with free). *out_is_empty
 * is set when nothing was drawn: the caller may then send the shared empty tile. */
int sp_tile_render(sp_db *db, const sp_tile_req *req, unsigned char **out_png, size_t *out_len,
                   int *out_is_empty, sp_err *err);

/* The tiles a server keeps in memory in front of its cache database (any thread). */
typedef struct sp_tile_hot sp_tile_hot;
sp_tile_hot *sp_tile_hot_new(void);      /* NULL: out of memory */
void sp_tile_hot_free(sp_tile_hot *hot); /* NULL is fine */

/* The tile from the hot tiles (hot may be NULL) or the cache (a connection from
 * sp_db_tilecache_open), or drawn and kept there (cache NULL: always drawn), after the changes to
 * the registry since the cache last looked have dropped what they touched (sp_tile_cache_sync).
 * out_hash: 16 hex digits of the PNG's bytes, for its ETag. Past max_bytes of PNGs the least
 * recently used tiles are dropped.
 */
int sp_tile_get(sp_db *db, sp_db *cache, sp_tile_hot *hot, const sp_tile_req *req,
                int64_t max_bytes, unsigned char **out_png, size_t *out_len, char out_hash[17],
                int *out_is_empty, sp_err *err);
/* Drops the cached tiles that the registry's changes (its map version, sp_db_map_change_max)
 * touched since the cache last looked; *out_version: the newest change applied. */
int sp_tile_cache_sync(sp_db *db, sp_db *cache, int64_t *out_version, sp_err *err);

/* The fully transparent tile of a scale, shared (do not free). */
const unsigned char *sp_tile_empty_png(int scale, size_t *out_len);

#endif
