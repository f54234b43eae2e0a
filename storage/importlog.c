/* storage/importlog.c - import_run and import_error rows, and the per-import key set.
 * Together they make "nothing lost" checkable: every source record ends as a counted
 * outcome, and every rejected one keeps its raw source JSON and the reason. */
#include "db_int.h"

int sp_db_import_run_begin(sp_db *db, const char *dataset, const char *files, const char *mapping,
                           const char *target, int64_t *out_id, sp_err *err)
{
    sqlite3_stmt *st = sp_db_stmt(db, SP_Q_IMPORT_RUN_INSERT, err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, files, -1, SQLITE_TRANSIENT);
    sp_db_bind_text_or_null(st, 3, mapping);
    sqlite3_bind_text(st, 4, target, -1, SQLITE_TRANSIENT);
    int rc = sp_db_step_done(db, st, "start import run", err);
    *out_id = rc == SP_OK ? sqlite3_last_insert_rowid(db->conn) : 0;
    return rc;
}

int sp_db_import_run_finish(sp_db *db, int64_t run_id, const sp_import_counts *c, int is_ok,
                            sp_err *err)
{
    sqlite3_stmt *st = sp_db_stmt(db, SP_Q_IMPORT_RUN_FINISH, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, is_ok ? "ok" : "failed", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->read);
    sqlite3_bind_int64(st, 4, c->inserted);
    sqlite3_bind_int64(st, 5, c->updated);
    sqlite3_bind_int64(st, 6, c->unchanged);
    sqlite3_bind_int64(st, 7, c->rejected);
    sqlite3_bind_int64(st, 8, c->repaired);
    sqlite3_bind_int64(st, 9, c->reports);
    return sp_db_step_done(db, st, "finish import run", err);
}

int sp_db_import_error_add(sp_db *db, int64_t run_id, const char *kind, const char *layer,
                           long long row, const char *source_key, const char *field,
                           const char *reason, const char *raw, sp_err *err)
{
    sqlite3_stmt *st = sp_db_stmt(db, SP_Q_IMPORT_ERROR_INSERT, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
    sp_db_bind_text_or_null(st, 3, layer);
    sqlite3_bind_int64(st, 4, row);
    sp_db_bind_text_or_null(st, 5, source_key);
    sp_db_bind_text_or_null(st, 6, field);
    sqlite3_bind_text(st, 7, reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, raw, -1, SQLITE_TRANSIENT);
    return sp_db_step_done(db, st, "record import error", err);
}
