/* storage/map.c - the features a map tile draws (sp_db_map.h): one prepared statement per
 * layer, every value bound; filters left NULL match everything. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db_int.h"
#include "sp_db_map.h"

static const enum sp_q map_sql[] = {SP_Q_MAP_MONUMENTS, SP_Q_MAP_DAMAGE, SP_Q_MAP_ZONES};

static void bind_opt(sp_stmt *st, int i, const char *s)
{
    if (s)
        sp_stmt_bind_text(st, i, s);
    else
        sp_stmt_bind_null(st, i);
}

/* The codes of the vocabularies' sort numbers (map_points answers with those): [0] the
 * conditions', [1] the significances'. */
#define SP_MAP_SORTS 100
typedef struct vocab_sorts {
    char code[2][SP_MAP_SORTS][32];
} vocab_sorts;

static int load_sorts(sp_db *db, vocab_sorts *v, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_MAP_VOCAB_SORTS, err);
    if (!st)
        return err->code;
    memset(v, 0, sizeof *v);
    int step;
    while ((step = sp_stmt_step(st)) == SP_STMT_ROW) {
        int which = sp_stmt_column_int(st, 0), sort = sp_stmt_column_int(st, 1);
        const char *code = (const char *)sp_stmt_column_text(st, 2);
        if (sort >= 0 && sort < SP_MAP_SORTS && code)
            snprintf(v->code[which & 1][sort], sizeof v->code[0][0], "%s", code);
    }
    sp_stmt_reset(st);
    return step == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, "vocabulary sorts");
}

static const char *code_of(const vocab_sorts *v, int which, int sort)
{
    return sort >= 0 && sort < SP_MAP_SORTS && v->code[which][sort][0] ? v->code[which][sort]
                                                                       : NULL;
}

int sp_db_map_features(sp_db *db, const sp_db_map_query *q, sp_db_map_fn fn, void *ctx, sp_err *err)
{
    if (q->kind < SP_MAP_MONUMENTS || q->kind > SP_MAP_ZONES)
        return sp_err_set(err, SP_EINVAL, "no such map layer");
    /* What the public index alone can answer (map_points) it answers. */
    int narrow = q->kind == SP_MAP_MONUMENTS && q->points_only && !q->with_names &&
                 !q->with_footprints && !q->kind_code && !q->district && !q->damaged_since;
    vocab_sorts sorts;
    if (narrow && load_sorts(db, &sorts, err) != SP_OK)
        return err->code;
    sp_stmt *st;
    if (narrow) {
        char sql[2048];
        snprintf(sql, sizeof sql, "%s%s", sp_db_sql(db, SP_Q_FRAG_MAP_POINTS),
                 q->any_order ? "" : sp_db_sql(db, SP_Q_FRAG_MAP_POINTS_ORDER));
        st = sp_db_stmt_sql(db, sql, err);
    } else {
        int by_significance = q->kind == SP_MAP_MONUMENTS && q->significance && !q->with_footprints;
        st = sp_db_stmt(db, by_significance ? SP_Q_MAP_MONUMENTS_OF_SIGNIFICANCE : map_sql[q->kind],
                        err);
    }
    if (!st)
        return err->code;
    /* Each statement uses the parameters it needs; binding one it lacks is a no-op. */
    for (int i = 0; i < 4; i++)
        sp_stmt_bind_double(st, i + 1, q->bbox[i]);
    sp_stmt_bind_int(st, 5, q->with_names);
    sp_stmt_bind_int(st, 6, q->with_footprints);
    bind_opt(st, 7, q->significance);
    bind_opt(st, 8, q->condition);
    bind_opt(st, 9, q->kind_code);
    if (q->kind == SP_MAP_DAMAGE) /* ages counted from the start of today (UTC), in days */
        sp_stmt_bind_double(st, 10, (double)(time(NULL) / 86400) + 2440587.5);
    bind_opt(st, 11, q->district);
    bind_opt(st, 12, q->damaged_since);
    bind_opt(st, 13, q->lang);
    int rc = SP_OK, step;
    while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
        sp_db_map_feature f = {
            .id = sp_stmt_column_int64(st, 0),
            .x = sp_stmt_column_double(st, 1),
            .y = sp_stmt_column_double(st, 2),
            .condition = narrow ? code_of(&sorts, 0, sp_stmt_column_int(st, 3))
                                : (const char *)sp_stmt_column_text(st, 3),
            .significance = narrow ? code_of(&sorts, 1, sp_stmt_column_int(st, 4))
                                   : (const char *)sp_stmt_column_text(st, 4),
            .name = (const char *)sp_stmt_column_text(st, 5),
        };
        f.wkb = sp_stmt_column_blob(st, 6);
        f.wkb_len = (size_t)sp_stmt_column_bytes(st, 6);
        if (q->kind == SP_MAP_DAMAGE) {
            f.damage_level = (const char *)sp_stmt_column_text(st, 7);
            f.damage_age_days = sp_stmt_column_double(st, 8);
        }
        rc = fn(ctx, &f, err);
    }
    if (rc == SP_OK && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, "map features");
    sp_stmt_reset(st);
    return rc;
}
