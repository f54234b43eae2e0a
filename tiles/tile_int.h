/* tiles/tile_int.h - what the tile module's files share. */
#ifndef SP_TILE_INT_H
#define SP_TILE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cairo.h>
#include <ogr_api.h>
#include <pango/pangocairo.h>

#include "sp_err.h"
#include "sp_tile.h"

/* The drawing's reach, shared by render.c (what to read around a tile) and cache.c (which
 * cached tiles a change touches). */
#define SP_TILE_THIN_BELOW   14   /* zooms below thin points into grid cells */
#define SP_TILE_CELL_PX      10.0 /* grid cell of the thinning, CSS px */
#define SP_TILE_FOOTPRINT_AT 15   /* footprints drawn from this zoom */
#define SP_TILE_LABEL_AT     16   /* labels from this zoom */
#define SP_TILE_NATIONAL_AT  13   /* national monuments' names from this zoom */
#define SP_TILE_META         4    /* labels are placed per META x META tiles */
#define SP_TILE_MARGIN_PX    24.0 /* symbol margin read around a tile */

/* Labels are placed per metatile from this zoom on (national names; the base map's place and
 * district names at every zoom, but a base map's change drops every tile). */
#define SP_TILE_BLOCKS_FROM SP_TILE_NATIONAL_AT

/* ---- shared by render.c and basemap.c ---- */
typedef struct rgb {
    double r, g, b;
} rgb;
rgb sp_tile_hex(const char *h); /* "#rrggbb" */
/* g's lines and polygon rings (closed) as cairo's current path, in px of a tile whose top
 * left is at world px ox, oy of a world `world` px across. Points add nothing. */
void sp_tile_path(cairo_t *cr, OGRGeometryH g, double world, double ox, double oy);
/* This thread's Pango context for labels (made on first use; owned by the thread). */
int sp_tile_pango(PangoContext **out, sp_err *err);
/* A label at x, y (its top left, tile px) in colour r, g, b on a white halo. */
void sp_tile_halo_text(cairo_t *cr, PangoLayout *layout, double x, double y, double r, double g,
                       double b);
/* The base-map layer onto cr (scaled to CSS px): the base map, or the districts without one.
 * *out_drew is set when anything was drawn. */
int sp_tile_draw_basemap(sp_db *db, const sp_tile_req *req, cairo_t *cr, int *out_drew,
                         sp_err *err);

/* Encodes w x h pixels of Cairo's ARGB32 (premultiplied, native-endian 32-bit words, rows
 * `stride` bytes apart) as PNG (palette when they have at most 256 colours: smaller and pixel
 * for pixel the same). *out is the caller's, to free. */
int sp_tile_encode_png(const unsigned char *argb, int w, int h, int stride, unsigned char **out,
                       size_t *out_len, sp_err *err);

/* The hot tiles by key and that key's hash h (the set it lives in): get is 1 and a copy of the
 * PNG (the caller's) when key is kept at version, whatever else shares h; put keeps a copy.
 * Apart from sp_tile_get so that a test can give two keys one hash. */
int sp_tile_hot_get(sp_tile_hot *c, uint64_t h, const char *key, int64_t version,
                    unsigned char **out, size_t *out_len, char hash[17], int *is_empty);
void sp_tile_hot_put(sp_tile_hot *c, uint64_t h, const char *key, int64_t version,
                     const unsigned char *png, size_t len, const char hash[17], int is_empty);

#endif
