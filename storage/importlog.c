/* storage/importlog.c - import_run and import_error rows, and the per-import key set.
 * Together they make "nothing lost" checkable: every source record ends as a counted
 * outcome, and every rejected one keeps its raw source JSON and the reason. */
#include "db_int.h"

int sp_db_import_run_begin(sp_db *db, const char *dataset, const char *files, const char *mapping,
                           const char *target, int prefer_source, int64_t *out_id, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_IMPORT_RUN_INSERT, err);
    *out_id = 0;
    if (!st || sp_db_bind_text(st, ":dataset", dataset, err) ||
        sp_db_bind_text(st, ":files", files, err) ||
        sp_db_bind_text(st, ":mapping", mapping, err) ||
        sp_db_bind_text(st, ":target", target, err) ||
        sp_db_bind_int(st, ":prefer_source", prefer_source != 0, err))
        return err->code;
    int rc = sp_db_step_done(db, st, "start import run", err);
    *out_id = rc == SP_OK ? sp_db_last_id(db) : 0;
    return rc;
}

int sp_db_import_run_finish(sp_db *db, int64_t run_id, const sp_import_counts *c, int is_ok,
                            sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_IMPORT_RUN_FINISH, err);
    if (!st || sp_db_bind_int(st, ":id", run_id, err) ||
        sp_db_bind_text(st, ":status", is_ok ? "ok" : "failed", err) ||
        sp_db_bind_int(st, ":read", c->read, err) ||
        sp_db_bind_int(st, ":inserted", c->inserted, err) ||
        sp_db_bind_int(st, ":updated", c->updated, err) ||
        sp_db_bind_int(st, ":unchanged", c->unchanged, err) ||
        sp_db_bind_int(st, ":conflicted", c->conflicted, err) ||
        sp_db_bind_int(st, ":rejected", c->rejected, err) ||
        sp_db_bind_int(st, ":repaired", c->repaired, err) ||
        sp_db_bind_int(st, ":reports", c->reports, err) ||
        sp_db_bind_int(st, ":missing", c->missing, err))
        return err->code;
    return sp_db_step_done(db, st, "finish import run", err);
}

int sp_db_import_error_add(sp_db *db, int64_t run_id, const char *kind, const char *layer,
                           long long row, const char *source_key, const char *field,
                           const char *reason, const char *raw, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_IMPORT_ERROR_INSERT, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, run_id);
    sp_stmt_bind_text(st, 2, kind);
    sp_stmt_bind_text(st, 3, layer);
    sp_stmt_bind_int64(st, 4, row);
    sp_stmt_bind_text(st, 5, source_key);
    sp_stmt_bind_text(st, 6, field);
    sp_stmt_bind_text(st, 7, reason);
    sp_stmt_bind_text(st, 8, raw);
    return sp_db_step_done(db, st, "record import error", err);
}
