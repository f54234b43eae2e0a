/* storage/tilecache.c - the tile cache's storage (sp_db_tilecache.h) and the registry's log
 * of map changes it is kept fresh by. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "sp_db_tilecache.h"

#define SP_TILE_TOUCH_S 60 /* a hit refreshes "used" at most this often */

int sp_db_tilecache_open(const char *path, sp_db **out, sp_err *err)
{
    *out = NULL;
    sp_db *c = calloc(1, sizeof *c);
    if (!c)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    if (sqlite3_open_v2(path, &c->conn,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        sp_err_set(err, SP_EIO, "cannot open tile cache %s: %s", path,
                   c->conn ? sqlite3_errmsg(c->conn) : "out of memory");
        sp_db_close(c);
        return err->code;
    }
    sqlite3_extended_result_codes(c->conn, 1);
    if (sp_db_exec(c, SP_Q_EXEC_TILECACHE_SCHEMA, err) != SP_OK) {
        sp_err_prefix(err, "tile cache %s", path);
        sp_db_close(c);
        return err->code;
    }
    *out = c;
    return SP_OK;
}

static void bind_key(sp_stmt *st, const sp_db_tile_key *k)
{
    sp_stmt_bind_int(st, 1, k->z);
    sp_stmt_bind_int(st, 2, k->x);
    sp_stmt_bind_int(st, 3, k->y);
    sp_stmt_bind_text(st, 4, k->layer);
    sp_stmt_bind_int(st, 5, k->style);
    sp_stmt_bind_text(st, 6, k->filter);
    sp_stmt_bind_int(st, 7, k->day);
    sp_stmt_bind_int(st, 8, k->scale);
}

int sp_db_tile_get(sp_db *c, const sp_db_tile_key *k, int64_t now, unsigned char **out_png,
                   size_t *out_len, char out_hash[17], sp_err *err)
{
    *out_png = NULL;
    *out_len = 0;
    sp_stmt *st = sp_db_stmt(c, SP_Q_TILE_GET, err);
    if (!st)
        return err->code;
    bind_key(st, k);
    int rc = sp_stmt_step(st), stale_use = 0;
    if (rc == SP_STMT_ROW) {
        int n = sp_stmt_column_bytes(st, 1);
        const void *data = sp_stmt_column_blob(st, 1);
        const char *h = (const char *)sp_stmt_column_text(st, 0);
        *out_png = malloc(n > 0 ? (size_t)n : 1);
        if (!*out_png) {
            sp_stmt_reset(st);
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        }
        memcpy(*out_png, data, (size_t)n);
        *out_len = (size_t)n;
        snprintf(out_hash, 17, "%s", h ? h : "");
        stale_use = sp_stmt_column_int64(st, 2) < now - SP_TILE_TOUCH_S;
    }
    sp_stmt_reset(st);
    if (rc != SP_STMT_ROW && rc != SP_STMT_DONE) {
        free(*out_png);
        *out_png = NULL;
        return sp_db_sqlerr(c, err, "tile get");
    }
    if (stale_use && (st = sp_db_stmt(c, SP_Q_TILE_TOUCH, err))) {
        bind_key(st, k);
        sp_stmt_bind_int64(st, 9, now);
        sp_err ignored; /* a busy cache may skip a touch */
        sp_db_step_done(c, st, "tile touch", &ignored);
    }
    return SP_OK;
}

static int meta(sp_db *c, const char *key, int64_t *out, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(c, SP_Q_TILE_META_GET, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, key);
    int rc = sp_stmt_step(st);
    *out = rc == SP_STMT_ROW ? sp_stmt_column_int64(st, 0) : 0;
    sp_stmt_reset(st);
    return rc == SP_STMT_ROW || rc == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(c, err, "tile meta");
}

int sp_db_tile_seen(sp_db *c, int64_t *out, sp_err *err)
{
    return meta(c, "seen", out, err);
}

int sp_db_tile_bytes(sp_db *c, int64_t *out, sp_err *err)
{
    return meta(c, "bytes", out, err);
}

int sp_db_tile_put(sp_db *c, const sp_db_tile_key *k, const unsigned char *png, size_t len,
                   const char *hash, int64_t now, int64_t rendered_at, int *out_kept, sp_err *err)
{
    *out_kept = 0;
    int64_t seen = 0;
    if (sp_db_begin(c, err) != SP_OK)
        return err->code;
    int rc = sp_db_tile_seen(c, &seen, err);
    sp_stmt *st;
    if (rc == SP_OK && seen <= rendered_at) {
        if (!(st = sp_db_stmt(c, SP_Q_TILE_BLOB_PUT, err)))
            rc = err->code;
        if (rc == SP_OK) {
            sp_stmt_bind_text(st, 1, hash);
            sp_stmt_bind_blob(st, 2, png, (int)len);
            rc = sp_db_step_done(c, st, "tile blob put", err);
        }
        if (rc == SP_OK && !(st = sp_db_stmt(c, SP_Q_TILE_PUT, err)))
            rc = err->code;
        if (rc == SP_OK) {
            bind_key(st, k);
            sp_stmt_bind_text(st, 9, hash);
            sp_stmt_bind_int64(st, 10, now);
            rc = sp_db_step_done(c, st, "tile put", err);
        }
        *out_kept = rc == SP_OK;
    }
    if (rc == SP_OK)
        rc = sp_db_commit(c, err);
    if (rc != SP_OK) {
        *out_kept = 0;
        sp_db_rollback(c);
    }
    return rc;
}

int sp_db_tile_drop(sp_db *c, int z, int x0, int y0, int x1, int y1, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(c, SP_Q_TILE_DROP_RANGE, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int(st, 1, z);
    sp_stmt_bind_int(st, 2, x0);
    sp_stmt_bind_int(st, 3, x1);
    sp_stmt_bind_int(st, 4, y0);
    sp_stmt_bind_int(st, 5, y1);
    return sp_db_step_done(c, st, "tile drop", err);
}

int sp_db_tile_drop_all(sp_db *c, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(c, SP_Q_TILE_DROP_ALL, err);
    return st ? sp_db_step_done(c, st, "tile drop all", err) : err->code;
}

int sp_db_tile_set_seen(sp_db *c, int64_t seen, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(c, SP_Q_TILE_SEEN_SET, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, seen);
    return sp_db_step_done(c, st, "tile seen", err);
}

int sp_db_tile_evict(sp_db *c, sp_err *err)
{
    int64_t n = 0;
    if (sp_db_begin(c, err) != SP_OK)
        return err->code;
    int rc = sp_db_query_int(c, SP_Q_TILE_COUNT, &n, err);
    sp_stmt *st = rc == SP_OK ? sp_db_stmt(c, SP_Q_TILE_EVICT, err) : NULL;
    if (rc == SP_OK && !st)
        rc = err->code;
    if (rc == SP_OK) {
        sp_stmt_bind_int64(st, 1, n / 4 + 1);
        rc = sp_db_step_done(c, st, "tile evict", err);
    }
    if (rc == SP_OK && !(st = sp_db_stmt(c, SP_Q_TILE_BLOB_ORPHANS, err)))
        rc = err->code;
    if (rc == SP_OK)
        rc = sp_db_step_done(c, st, "tile evict blobs", err);
    if (rc == SP_OK)
        rc = sp_db_commit(c, err);
    if (rc != SP_OK)
        sp_db_rollback(c);
    return rc;
}

int sp_db_map_change_max(sp_db *db, int64_t *out, sp_err *err)
{
    return sp_db_version(db, SP_DB_SEEN_MAP, SP_Q_MAP_CHANGE_MAX, out, err);
}

int sp_db_map_changes(sp_db *db, int64_t since, sp_db_map_change_fn fn, void *ctx, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_MAP_CHANGES_SINCE, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, since);
    int rc = SP_OK, step;
    while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
        double b[4];
        int any = 0;
        for (int i = 0; i < 4; i++) {
            any |= sp_stmt_column_type(st, i + 1) == SP_COL_NULL;
            b[i] = sp_stmt_column_double(st, i + 1);
        }
        rc = fn(ctx, sp_stmt_column_int64(st, 0), any ? NULL : b, err);
    }
    if (rc == SP_OK && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, "map changes");
    sp_stmt_reset(st);
    return rc;
}

int sp_db_mbtiles_create(const char *path, sp_db **out, sp_err *err)
{
    *out = NULL;
    sp_db *m = calloc(1, sizeof *m);
    if (!m)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    int rc = sqlite3_open_v2(path, &m->conn,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                                 SQLITE_OPEN_EXRESCODE,
                             NULL);
    if (rc != SQLITE_OK) {
        sp_err_set(err, SP_EIO, "cannot create %s: %s", path,
                   m->conn ? sqlite3_errmsg(m->conn) : "out of memory");
        sp_db_close(m);
        return err->code;
    }
    int64_t tables = 0;
    rc = sp_db_query_int(m, SP_Q_TABLE_COUNT, &tables, err);
    if (rc == SP_OK && tables > 0)
        rc = sp_err_set(err, SP_EINVAL, "%s already exists: give a new file", path);
    if (rc == SP_OK)
        rc = sp_db_exec(m, SP_Q_EXEC_MBTILES_SCHEMA, err);
    if (rc == SP_OK)
        rc = sp_db_exec(m, SP_Q_EXEC_BEGIN, err);
    if (rc != SP_OK) {
        sp_db_close(m);
        return rc;
    }
    *out = m;
    return SP_OK;
}

int sp_db_mbtiles_meta(sp_db *m, const char *name, const char *value, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(m, SP_Q_MBTILES_META, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, name);
    sp_stmt_bind_text(st, 2, value);
    return sp_db_step_done(m, st, "mbtiles metadata", err);
}

int sp_db_mbtiles_put(sp_db *m, int z, int x, int y, const unsigned char *png, size_t len,
                      sp_err *err)
{
    sp_stmt *st = sp_db_stmt(m, SP_Q_MBTILES_PUT, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int(st, 1, z);
    sp_stmt_bind_int(st, 2, x);
    sp_stmt_bind_int(st, 3, (1 << z) - 1 - y);
    sp_stmt_bind_blob(st, 4, png, (int)len);
    return sp_db_step_done(m, st, "mbtiles tile", err);
}

int sp_db_mbtiles_finish(sp_db *m, sp_err *err)
{
    return sp_db_commit(m, err);
}
