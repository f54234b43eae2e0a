/* storage/sp_db_tilecache.h - the store of rendered tiles, a SQLite database of its own beside
 * the registry (<registry>.tiles): a cache, so it may be deleted at any time, and its writes
 * never wait for the registry's. PNGs are stored once by content hash. The zoom arithmetic
 * of what to drop lives in tiles/cache.c; this is only the storage. */
#ifndef SP_DB_TILECACHE_H
#define SP_DB_TILECACHE_H

#include <stddef.h>
#include <stdint.h>

#include "sp_db.h"

typedef struct sp_db_tile_key {
    const char *layer;
    int style; /* style revision */
    const char *filter;
    int day; /* 0, or the day for layers whose pixels age */
    int z, x, y, scale;
} sp_db_tile_key;

/* Opens (creating) a tile cache; the result is used with the functions below only. */
int sp_db_tilecache_open(const char *path, sp_db **out, sp_err *err);

/* *out_png (caller frees) and its hash (16 hex digits) on a hit; *out_png NULL on a miss.
 * A hit older than a minute is marked used now (least recently used go first). */
int sp_db_tile_get(sp_db *c, const sp_db_tile_key *k, int64_t now, unsigned char **out_png,
                   size_t *out_len, char out_hash[17], sp_err *err);
/* Keeps a tile rendered when map_change was at rendered_at, unless the cache has applied a
 * later change since (the tile may then be stale): *out_kept says which. */
int sp_db_tile_put(sp_db *c, const sp_db_tile_key *k, const unsigned char *png, size_t len,
                   const char *hash, int64_t now, int64_t rendered_at, int *out_kept, sp_err *err);

/* The last map_change applied, and the bytes of PNGs kept. */
int sp_db_tile_seen(sp_db *c, int64_t *out, sp_err *err);
int sp_db_tile_bytes(sp_db *c, int64_t *out, sp_err *err);

/* Applying changes, inside sp_db_begin .. sp_db_commit (or sp_db_rollback): drop ranges
 * (x0..x1, y0..y1 at z; or everything), set seen. */
int sp_db_tile_drop(sp_db *c, int z, int x0, int y0, int x1, int y1, sp_err *err);
int sp_db_tile_drop_all(sp_db *c, sp_err *err);
int sp_db_tile_set_seen(sp_db *c, int64_t seen, sp_err *err);

/* Drops the least recently used quarter of the tiles and the PNGs left unused. */
int sp_db_tile_evict(sp_db *c, sp_err *err);

/* ---- MBTiles export ------------------------------------------------------------------- */
/* Creates a new MBTiles file (refused when it exists) inside one transaction, which
 * sp_db_mbtiles_finish commits; sp_db_close without it leaves an empty file. */
int sp_db_mbtiles_create(const char *path, sp_db **out, sp_err *err);
int sp_db_mbtiles_meta(sp_db *m, const char *name, const char *value, sp_err *err);
/* z/x/y as XYZ (rows from the north); stored as TMS. */
int sp_db_mbtiles_put(sp_db *m, int z, int x, int y, const unsigned char *png, size_t len,
                      sp_err *err);
int sp_db_mbtiles_finish(sp_db *m, sp_err *err);

/* ---- the registry's side: where the map changed (schemas/004_map_change.sql) ---------- */
int sp_db_map_change_max(sp_db *db, int64_t *out, sp_err *err);
/* Calls fn for each change after since, in order; bbox NULL means "anywhere". */
typedef int (*sp_db_map_change_fn)(void *ctx, int64_t id, const double *bbox, sp_err *err);
int sp_db_map_changes(sp_db *db, int64_t since, sp_db_map_change_fn fn, void *ctx, sp_err *err);

#endif
