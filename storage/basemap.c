/* storage/basemap.c - the base map's tables (sp_db_basemap.h): replaced whole in one
 * transaction, read by box, zoom and kind through basemap_rtree. */
#include "db_int.h"
#include "sp_db_basemap.h"

int sp_db_basemap_replace_begin(sp_db *db, sp_err *err)
{
    if (sp_db_begin(db, err) != SP_OK)
        return err->code;
    if (sp_db_exec(db, SP_Q_EXEC_BASEMAP_CLEAR, err) != SP_OK) {
        sp_db_rollback(db);
        return err->code;
    }
    return SP_OK;
}

int sp_db_basemap_put(sp_db *db, const char *dataset, const sp_db_basemap_feature *f, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_BASEMAP_INSERT, err);
    if (!st || sp_db_bind_text(st, ":dataset", dataset, err) ||
        sp_db_bind_text(st, ":class", f->class_code, err) ||
        sp_db_bind_text(st, ":name_uk", f->name_uk, err) ||
        sp_db_bind_text(st, ":name_en", f->name_en, err) ||
        sp_db_bind_blob(st, ":wkb", f->wkb, f->wkb_len, err) ||
        sp_db_step_done(db, st, "base-map feature", err))
        return err->code;
    int64_t id = sp_db_last_id(db);
    st = sp_db_stmt(db, SP_Q_BASEMAP_RTREE_INSERT, err);
    if (!st || sp_db_bind_int(st, ":id", id, err) ||
        sp_db_bind_double(st, ":xmin", f->bbox[0], err) ||
        sp_db_bind_double(st, ":ymin", f->bbox[1], err) ||
        sp_db_bind_double(st, ":xmax", f->bbox[2], err) ||
        sp_db_bind_double(st, ":ymax", f->bbox[3], err) ||
        sp_db_bind_int(st, ":zoom", f->minzoom, err) ||
        sp_db_bind_int(st, ":place", f->is_place, err))
        return err->code;
    return sp_db_step_done(db, st, "base-map index", err);
}

int sp_db_basemap_source(sp_db *db, const char *dataset, const char *file, int64_t features,
                         sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_BASEMAP_SOURCE_INSERT, err);
    if (!st || sp_db_bind_text(st, ":dataset", dataset, err) ||
        sp_db_bind_text(st, ":file", file, err) || sp_db_bind_int(st, ":features", features, err))
        return err->code;
    return sp_db_step_done(db, st, "base-map source", err);
}

int sp_db_basemap_replace_commit(sp_db *db, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_BASEMAP_MAP_CHANGE, err);
    if (!st || sp_db_step_done(db, st, "base-map change", err) ||
        !(st = sp_db_stmt(db, SP_Q_BASEMAP_AUDIT, err)) ||
        sp_db_step_done(db, st, "base-map audit", err) || sp_db_commit(db, err)) {
        sp_db_rollback(db);
        return err->code;
    }
    return SP_OK;
}

int sp_db_basemap_exists(sp_db *db, int64_t *out, sp_err *err)
{
    return sp_db_query_int(db, SP_Q_BASEMAP_EXISTS, out, err);
}

int sp_db_basemap_extent(sp_db *db, double out[4], int *out_has, sp_err *err)
{
    *out_has = 0;
    sp_stmt *st = sp_db_stmt(db, SP_Q_BASEMAP_EXTENT, err);
    if (!st)
        return err->code;
    int step = sp_stmt_step(st);
    if (step == SP_STMT_ROW && sp_stmt_column_type(st, 0) != SP_COL_NULL) {
        for (int i = 0; i < 4; i++)
            out[i] = sp_stmt_column_double(st, i);
        *out_has = 1;
    }
    sp_stmt_reset(st);
    return step == SP_STMT_ROW || step == SP_STMT_DONE ? SP_OK
                                                       : sp_db_sqlerr(db, err, "base-map extent");
}

static int bind_box(sp_stmt *st, const double b[4], sp_err *err)
{
    return sp_db_bind_double(st, ":xmin", b[0], err) || sp_db_bind_double(st, ":ymin", b[1], err) ||
                   sp_db_bind_double(st, ":xmax", b[2], err) ||
                   sp_db_bind_double(st, ":ymax", b[3], err)
               ? err->code
               : SP_OK;
}

/* Rows of class, name_uk, name_en, wkb, minzoom[, label x, label y] to fn. */
static int each(sp_db *db, sp_stmt *st, int with_label, sp_db_basemap_fn fn, void *ctx, sp_err *err)
{
    int rc = SP_OK, step;
    while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
        sp_db_basemap_feature f = {
            .class_code = (const char *)sp_stmt_column_text(st, 0),
            .name_uk = (const char *)sp_stmt_column_text(st, 1),
            .name_en = (const char *)sp_stmt_column_text(st, 2),
            .wkb = sp_stmt_column_blob(st, 3),
            .wkb_len = (size_t)sp_stmt_column_bytes(st, 3),
            .minzoom = sp_stmt_column_int(st, 4),
        };
        if (with_label) {
            f.label_x = sp_stmt_column_double(st, 5);
            f.label_y = sp_stmt_column_double(st, 6);
        }
        if (f.class_code && f.wkb)
            rc = fn(ctx, &f, err);
    }
    if (rc == SP_OK && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, "base-map features");
    sp_stmt_reset(st);
    return rc;
}

int sp_db_basemap_features(sp_db *db, const double bbox[4], int z, int places, sp_db_basemap_fn fn,
                           void *ctx, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_BASEMAP_FEATURES, err);
    if (!st || bind_box(st, bbox, err) || sp_db_bind_int(st, ":z", z, err) ||
        sp_db_bind_int(st, ":place", places != 0, err))
        return err->code;
    return each(db, st, 0, fn, ctx, err);
}

int sp_db_map_districts(sp_db *db, const double bbox[4], sp_db_basemap_fn fn, void *ctx,
                        sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_MAP_DISTRICTS, err);
    if (!st || bind_box(st, bbox, err))
        return err->code;
    return each(db, st, 1, fn, ctx, err);
}
