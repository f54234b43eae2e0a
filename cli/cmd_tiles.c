/* cli/cmd_tiles.c - `spadok tiles seed` (draw tiles ahead into the cache the server reads, so
 * the first visitors after a restart or an import get them at once) and `spadok tiles export
 * --format mbtiles` (an MBTiles file for QGIS and mobile apps, offline). Both walk the tiles
 * of a zoom range over a box: by default the layer's extent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_db_basemap.h"
#include "sp_db_items.h"
#include "sp_db_tilecache.h"
#include "sp_progress.h"
#include "sp_tile.h"

#define SP_TILES_MAX_COUNT  5000000L /* tiles in one run; more needs a smaller box */
#define SP_TILES_DEFAULT_MB 256

typedef struct walk {
    sp_db *db, *cache, *mbtiles;
    sp_tile_req req;
    int zmin, zmax;
    double bbox[4];
    int64_t max_bytes;
    long long drawn, cached_empty, stored;
} walk;

static int parse_zoom(const char *s, int *zmin, int *zmax)
{
    char *end;
    long a = strtol(s, &end, 10), b = a;
    if (end == s)
        return -1;
    if (*end == '-') {
        const char *p = end + 1;
        b = strtol(p, &end, 10);
        if (end == p)
            return -1;
    }
    if (*end || a < 0 || b > SP_TILE_MAX_ZOOM || a > b)
        return -1;
    *zmin = (int)a;
    *zmax = (int)b;
    return 0;
}

static int parse_bbox(const char *s, double b[4])
{
    char *end;
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        b[i] = strtod(p, &end);
        if (end == p || (i < 3 && *end != ',') || (i == 3 && *end))
            return -1;
        p = end + 1;
    }
    return b[0] < b[2] && b[1] < b[3] && b[0] >= -180 && b[2] <= 180 && b[1] >= -85.06 &&
                   b[3] <= 85.06
               ? 0
               : -1;
}

/* The x or y tile index of a longitude or latitude at zoom z, clamped to the grid. */
static int clamp_tile(double v, int z)
{
    long n = 1L << z, i = (long)floor(v);
    return (int)(i < 0 ? 0 : i >= n ? n - 1 : i);
}

static int tx(double lon, int z)
{
    double x, y;
    sp_tile_to_world(lon, 0, ldexp(1.0, z), &x, &y);
    return clamp_tile(x, z);
}

static int ty(double lat, int z)
{
    double x, y;
    sp_tile_to_world(0, lat, ldexp(1.0, z), &x, &y);
    return clamp_tile(y, z);
}

static long long count_tiles(const walk *w)
{
    long long n = 0;
    for (int z = w->zmin; z <= w->zmax; z++)
        n += (long long)(tx(w->bbox[2], z) - tx(w->bbox[0], z) + 1) *
             (ty(w->bbox[1], z) - ty(w->bbox[3], z) + 1);
    return n;
}

static int run(walk *w, int show_progress, sp_err *err)
{
    sp_progress bar;
    long long total = count_tiles(w), done = 0;
    if (total > SP_TILES_MAX_COUNT)
        return sp_err_set(err, SP_EINVAL,
                          "%lld tiles: more than %ld in one run; give a smaller --bbox or --zoom",
                          total, SP_TILES_MAX_COUNT);
    sp_progress_start(&bar, sp_tile_layer_name(w->req.layer), total);
    bar.enabled &= show_progress;
    int rc = SP_OK;
    for (int z = w->zmin; z <= w->zmax && rc == SP_OK; z++)
        for (int x = tx(w->bbox[0], z); x <= tx(w->bbox[2], z) && rc == SP_OK; x++)
            for (int y = ty(w->bbox[3], z); y <= ty(w->bbox[1], z) && rc == SP_OK; y++) {
                w->req.z = z, w->req.x = x, w->req.y = y;
                unsigned char *png = NULL;
                size_t len = 0;
                char hash[17];
                int is_empty = 0;
                rc = sp_tile_get(w->db, w->cache, NULL, &w->req, w->max_bytes, &png, &len, hash,
                                 &is_empty, err);
                if (rc == SP_OK && !is_empty && w->mbtiles) {
                    rc = sp_db_mbtiles_put(w->mbtiles, z, x, y, png, len, err);
                    w->stored++;
                }
                w->cached_empty += rc == SP_OK && is_empty;
                w->drawn += rc == SP_OK && !is_empty;
                free(png);
                sp_progress_update(&bar, ++done);
            }
    sp_progress_finish(&bar);
    return rc;
}

static int write_metadata(walk *w, sp_err *err)
{
    char bounds[128], center[96], zmin[8], zmax[8];
    snprintf(bounds, sizeof bounds, "%.6f,%.6f,%.6f,%.6f", w->bbox[0], w->bbox[1], w->bbox[2],
             w->bbox[3]);
    snprintf(center, sizeof center, "%.6f,%.6f,%d", (w->bbox[0] + w->bbox[2]) / 2,
             (w->bbox[1] + w->bbox[3]) / 2, w->zmin);
    snprintf(zmin, sizeof zmin, "%d", w->zmin);
    snprintf(zmax, sizeof zmax, "%d", w->zmax);
    char *credit = NULL; /* the data sets drawn, under their licences (never written here) */
    if (sp_db_attribution(w->db, &credit, err) != SP_OK)
        return err->code;
    const char *kv[][2] = {
        {"name", "Спадок / Spadok: heritage monuments"},
        {"format", "png"},
        {"type", w->req.layer == SP_TILE_BASEMAP ? "baselayer" : "overlay"},
        {"version", "1"},
        {"description", sp_tile_layer_name(w->req.layer)},
        {"attribution", credit},
        {"bounds", bounds},
        {"center", center},
        {"minzoom", zmin},
        {"maxzoom", zmax},
    };
    int rc = SP_OK;
    for (size_t i = 0; i < sizeof kv / sizeof kv[0] && rc == SP_OK; i++)
        rc = sp_db_mbtiles_meta(w->mbtiles, kv[i][0], kv[i][1], err);
    free(credit);
    return rc;
}

int sp_cmd_tiles(int argc, char **argv)
{
    const char *db_path = NULL, *layer = "monuments", *zoom = "10-16", *bbox = NULL;
    const char *format = NULL, *cache_mb = NULL, *cache_path = NULL, *significance = NULL,
               *kind = NULL, *condition = NULL, *lang = NULL;
    int quiet = 0;
    const sp_cli_opt opts[] = {
        {"db", "FILE|URI", "registry: a SQLite file or a postgresql:// URI", &db_path, NULL},
        {"layer", "L", "monuments (default), damage, zones or basemap", &layer, NULL},
        {"zoom", "A-B", "zoom levels (default 10-16; at most 19)", &zoom, NULL},
        {"bbox", "W,S,E,N", "box in degrees (default: the layer's extent)", &bbox, NULL},
        {"significance", "CODE", "monuments of this significance only", &significance, NULL},
        {"kind", "CODE", "monuments of this kind only", &kind, NULL},
        {"condition", "CODE", "monuments in this condition only", &condition, NULL},
        {"lang", "uk|en", "the labels' language (default uk)", &lang, NULL},
        {"format", "F", "export: mbtiles", &format, NULL},
        {"tile-cache", "PATH", "the tile cache file (default: FILE.tiles beside the database)",
         &cache_path, NULL},
        {"tile-cache-mb", "N", "size bound of the tile cache (default 256)", &cache_mb, NULL},
        {"quiet", NULL, "no progress bar", NULL, &quiet},
        {NULL, NULL, NULL, NULL, NULL},
    };
    const sp_cli_cmd cmd = {
        "spadok tiles seed --db FILE [--layer L] [--zoom A-B] [--bbox W,S,E,N]\n"
        "       spadok tiles export --db FILE --format mbtiles [options] OUT",
        "Draw map tiles ahead into the cache (seed), or write them to an "
        "MBTiles file for offline use (export).",
        opts, 1, 2};
    int first, rc = sp_cli_parse(&cmd, argc, argv, &first);
    if (rc >= 0)
        return rc;
    const char *verb = argv[first];
    int is_export = strcmp(verb, "export") == 0;
    walk w = {0};
    int l = sp_tile_layer_by_name(layer);
    long mb = cache_mb ? sp_cli_number(cache_mb, 1, 1L << 20) : SP_TILES_DEFAULT_MB;
    if ((!is_export && strcmp(verb, "seed") != 0) || !db_path || l < 0 ||
        parse_zoom(zoom, &w.zmin, &w.zmax) != 0 || (bbox && parse_bbox(bbox, w.bbox) != 0) ||
        (is_export && (!format || strcmp(format, "mbtiles") != 0 || first + 1 >= argc)) ||
        (!is_export && first + 1 < argc) || mb <= 0 ||
        (lang && strcmp(lang, "uk") != 0 && strcmp(lang, "en") != 0)) {
        fprintf(stderr, "spadok: tiles needs seed or export, --db FILE, a --layer (monuments, "
                        "damage, zones, basemap), --lang uk or en, --zoom A-B within 0-19, --bbox "
                        "W,S,E,N in degrees; "
                        "export needs --format mbtiles and an output file; --tile-cache-mb from 1 "
                        "to 1048576\n");
        return SP_EXIT_USAGE;
    }
    w.req = (sp_tile_req){.layer = (sp_tile_layer)l,
                          .scale = 1,
                          .significance = significance,
                          .kind = kind,
                          .condition = condition,
                          .lang = lang};
    w.max_bytes = (int64_t)mb * 1024 * 1024;
    sp_err err = {0};
    char beside[4096];
    if (!cache_path && !(cache_path = sp_cli_beside(beside, sizeof beside, db_path, ".tiles")))
        return sp_cli_fail("the database's path is too long for the tile cache's beside it");
    rc = sp_tile_init(&err);
    if (rc == SP_OK)
        rc = sp_db_open(db_path, SP_DB_READONLY, &w.db, &err);
    if (rc == SP_OK && !bbox) { /* the base map's extent, else the registry's */
        int has = 0;
        char t0[32], t1[32];
        if (l == SP_TILE_BASEMAP)
            rc = sp_db_basemap_extent(w.db, w.bbox, &has, &err);
        if (rc == SP_OK && !has)
            rc = sp_db_collection_extent(w.db, l == SP_TILE_ZONES ? SP_COL_ZONES : SP_COL_MONUMENTS,
                                         w.bbox, &has, t0, t1, &err);
        if (rc == SP_OK && !has)
            rc = sp_err_set(&err, SP_EINVAL, "the %s layer is empty: nothing to draw", layer);
    }
    if (rc == SP_OK)
        rc = sp_db_tilecache_open(cache_path, &w.cache, &err);
    if (rc == SP_OK && is_export)
        rc = sp_db_mbtiles_create(argv[first + 1], &w.mbtiles, &err);
    if (rc == SP_OK && is_export)
        rc = write_metadata(&w, &err);
    if (rc == SP_OK)
        rc = run(&w, !quiet, &err);
    if (rc == SP_OK && w.mbtiles)
        rc = sp_db_mbtiles_finish(w.mbtiles, &err);
    sp_db_close(w.mbtiles);
    sp_db_close(w.cache);
    sp_db_close(w.db);
    if (rc != SP_OK)
        return sp_cli_fail(err.msg);
    if (is_export)
        printf("exported %lld tiles of %s (zoom %d-%d; %lld empty left out) to %s\n", w.stored,
               layer, w.zmin, w.zmax, w.cached_empty, argv[first + 1]);
    else
        printf("seeded %lld tiles of %s (zoom %d-%d; %lld empty)\n", w.drawn + w.cached_empty,
               layer, w.zmin, w.zmax, w.cached_empty);
    return SP_EXIT_OK;
}
