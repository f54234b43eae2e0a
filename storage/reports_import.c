/* storage/reports_import.c - condition reports imported from files, millions at a time.
 * An import of reports (importers/, target condition_report) is one bulk transaction: each
 * report is keyed by dataset + source_id and names its monument by protection number (or by
 * its source id in a named data set); the per-report triggers are set aside for the
 * transaction and their work is done once per touched monument at its end (noted in a
 * temporary table as reports go in), with the same outcome (see schemas/queries.sql,
 * "condition reports imported from files"). A report row carries the hash of its monument
 * and values (schemas/010_report_import.sql), so importing the same file again changes
 * nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "sp_hash.h"

/* Monuments updated by one statement at the end of an import: its statement journal (in
 * memory, temp_store) then holds a few MB of pages rather than the whole monument table. */
#define SP_REPORT_APPLY_SLICE 2000

/* The per-report triggers, off for the import (see schemas/queries.sql, report_import_mark). */
static const char *const report_triggers[] = {"condition_report_sets_condition",
                                              "map_change_report", "map_change_monument_update"};

int sp_db_report_bulk_begin(sp_db *db, int64_t *out_mark, sp_err *err)
{
    *out_mark = 0;
    if (!db->in_bulk)
        return sp_err_set(err, SP_EINTERNAL, "report import outside a bulk transaction");
    int rc = sp_db_query_int(db, SP_Q_REPORT_IMPORT_MARK, out_mark, err);
    if (rc == SP_OK)
        rc = sp_db_exec(db, SP_Q_EXEC_REPORT_BULK_OFF, err);
    if (rc == SP_OK)
        rc = sp_db_triggers_off(db, report_triggers,
                                sizeof report_triggers / sizeof report_triggers[0], &db->report_off,
                                err);
    return rc;
}

/* The last of the next SP_REPORT_APPLY_SLICE touched monuments after id `after`; 0 when none
 * is left. */
static int next_slice(sp_db *db, int64_t after, int64_t *out_last, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_REPORT_TOUCHED_SLICE, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, after);
    sp_stmt_bind_int(st, 2, SP_REPORT_APPLY_SLICE);
    int step = sp_stmt_step(st);
    *out_last = step == SP_STMT_ROW ? sp_stmt_column_int64(st, 0) : 0; /* NULL reads as 0 */
    sp_stmt_reset(st);
    return step == SP_STMT_ROW ? SP_OK : sp_db_sqlerr(db, err, "touched monuments");
}

int sp_db_report_bulk_finish(sp_db *db, int64_t mark, const sp_db_actor *actor, sp_err *err)
{
    int64_t from = 0, to = 0;
    sp_stmt *st = NULL;
    int rc;
    while ((rc = next_slice(db, from, &to, err)) == SP_OK && to > 0) {
        if (!(st = sp_db_stmt(db, SP_Q_REPORT_BULK_APPLY, err)))
            return err->code;
        sp_stmt_bind_int64(st, 1, from);
        sp_stmt_bind_int64(st, 2, to);
        if ((rc = sp_db_step_done(db, st, "monuments' condition from the reports", err)))
            return rc;
        from = to;
    }
    if (rc != SP_OK || !(st = sp_db_stmt(db, SP_Q_REPORT_BULK_MAP_CHANGE, err)))
        return rc != SP_OK ? rc : err->code;
    if ((rc = sp_db_step_done(db, st, "note the map change", err)) != SP_OK)
        return rc;
    if (!(st = sp_db_stmt(db, SP_Q_REPORT_BULK_AUDIT, err)))
        return err->code;
    sp_stmt_bind_text(st, 1, actor->name);
    if (actor->import_run_id)
        sp_stmt_bind_int64(st, 2, actor->import_run_id);
    sp_stmt_bind_int64(st, 3, mark);
    if ((rc = sp_db_step_done(db, st, "audit imported reports", err)) != SP_OK)
        return rc;
    return sp_db_triggers_on(db, &db->report_off, err);
}

/* FNV-1a over the monument and every value, separated so "a","b" != "ab","". */
static int64_t report_hash(int64_t monument_id, char *const values[])
{
    const sp_entity *e = sp_model_entity(SP_ENT_REPORT);
    char id[24];
    int n = snprintf(id, sizeof id, "%lld", (long long)monument_id);
    uint64_t h = sp_fnv1a(SP_FNV_INIT, id, (size_t)n);
    for (int i = 0; i < e->nfields; i++) {
        const char *v = values[i];
        unsigned char sep[2] = {v ? 1 : 0, 0x1f};
        h = sp_fnv1a(h, sep, 1);
        if (v)
            h = sp_fnv1a(h, v, strlen(v));
        h = sp_fnv1a(h, sep + 1, 1);
    }
    return (int64_t)h;
}

/* The live monument with this protection number, or with this source id in monument_dataset
 * when that is not NULL; SP_ENOTFOUND when none is. */
static int monument_of(sp_db *db, const char *monument_dataset, const char *monument,
                       int64_t *out_id, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(
        db, monument_dataset ? SP_Q_REPORT_IMPORT_MONUMENT_BY_SOURCE : SP_Q_REPORT_IMPORT_MONUMENT,
        err);
    if (!st || sp_db_bind_text(st, ":monument", monument, err) ||
        (monument_dataset && sp_db_bind_text(st, ":dataset", monument_dataset, err)))
        return err->code;
    int step = sp_stmt_step(st);
    *out_id = step == SP_STMT_ROW ? sp_stmt_column_int64(st, 0) : 0;
    int is_deleted = step == SP_STMT_ROW && sp_stmt_column_int(st, 1);
    sp_stmt_reset(st);
    char named[600];
    if (monument_dataset)
        snprintf(named, sizeof named, "source id %s in data set %s", monument, monument_dataset);
    else
        snprintf(named, sizeof named, "protection number %s", monument);
    if (step != SP_STMT_ROW && step != SP_STMT_DONE)
        return sp_db_sqlerr(db, err, "monument of a report");
    if (!*out_id)
        return sp_err_set(err, SP_ENOTFOUND, "monument: no monument has %s", named);
    if (is_deleted)
        return sp_err_set(err, SP_ENOTFOUND, "monument: monument %lld (%s) is deleted",
                          (long long)*out_id, named);
    return SP_OK;
}

/* The report stored under dataset + source_id: *out_id 0 when there is none. */
static int find_report(sp_db *db, const char *dataset, const char *source_id, int64_t *out_id,
                       int64_t *out_hash, int *out_has_hash, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_REPORT_IMPORT_FIND, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, dataset);
    sp_stmt_bind_text(st, 2, source_id);
    int step = sp_stmt_step(st);
    *out_id = step == SP_STMT_ROW ? sp_stmt_column_int64(st, 0) : 0;
    *out_has_hash = step == SP_STMT_ROW && sp_stmt_column_type(st, 1) != SP_COL_NULL;
    *out_hash = *out_has_hash ? sp_stmt_column_int64(st, 1) : 0;
    sp_stmt_reset(st);
    return step == SP_STMT_ROW || step == SP_STMT_DONE ? SP_OK
                                                       : sp_db_sqlerr(db, err, "find report");
}

/* Notes that the monument got a report, for sp_db_report_bulk_finish: whether the report
 * fires the trigger, as its WHEN says (approved, which every imported report is, and its
 * verification not rejected), and which report it is. */
static int note_touched(sp_db *db, int64_t monument_id, int64_t report_id, char *const values[],
                        sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_REPORT_TOUCHED_NOTE, err);
    if (!st)
        return err->code;
    const char *v = values[SP_RF_VERIFICATION];
    sp_stmt_bind_int64(st, 1, monument_id);
    sp_stmt_bind_int(st, 2, !(v && strcmp(v, "rejected") == 0));
    sp_stmt_bind_int64(st, 3, report_id);
    return sp_db_step_done(db, st, "note the reported monument", err);
}

int sp_db_report_import(sp_db *db, int64_t mark, const char *dataset, const char *source_id,
                        const char *monument_dataset, const char *monument, char *const values[],
                        sp_upsert_result *out_result, sp_err *err)
{
    int64_t monument_id = 0, id = 0, stored_hash = 0;
    int has_hash = 0;
    int rc = monument_of(db, monument_dataset, monument, &monument_id, err);
    if (rc == SP_OK)
        rc = find_report(db, dataset, source_id, &id, &stored_hash, &has_hash, err);
    if (rc != SP_OK)
        return rc;
    int64_t hash = report_hash(monument_id, values);
    if (id > mark)
        return sp_err_set(err, SP_ECONFLICT,
                          "duplicate key %s: already in this import (report %lld)", source_id,
                          (long long)id);
    if (id && has_hash && hash == stored_hash) {
        *out_result = SP_UPSERT_UNCHANGED;
        return SP_OK;
    }
    if (id)
        return sp_err_set(err, SP_ECONFLICT,
                          "key %s: report %lld was imported with other values; reports are "
                          "never changed: file a correction that supersedes it",
                          source_id, (long long)id);
    sp_stmt *st = sp_db_stmt(db, SP_Q_REPORT_IMPORT_INSERT, err);
    if (!st || sp_db_bind_int(st, ":monument_id", monument_id, err) ||
        sp_db_bind_text(st, ":dataset", dataset, err) ||
        sp_db_bind_text(st, ":source_key", source_id, err) ||
        sp_db_bind_int(st, ":content_hash", hash, err) ||
        sp_db_bind_fields(db, SP_Q_REPORT_IMPORT_INSERT, st, sp_model_entity(SP_ENT_REPORT), values,
                          err))
        return err->code;
    if ((rc = sp_db_step_done(db, st, "insert condition report", err)) != SP_OK)
        return rc; /* SQLite undid the statement: nothing of this report is written */
    id = sp_db_last_id(db);
    rc = sp_db_write_set(db, SP_Q_COUNT, SP_Q_REPORT_CAUSE_INSERT, id, values[SP_RF_CAUSES], err);
    if (rc == SP_OK)
        rc = sp_db_write_set(db, SP_Q_COUNT, SP_Q_REPORT_ELEMENT_INSERT, id, values[SP_RF_ELEMENTS],
                             err);
    if (rc == SP_OK)
        rc = note_touched(db, monument_id, id, values, err);
    *out_result = SP_UPSERT_INSERTED;
    return sp_db_partly_written(rc, err); /* partly written: the caller must roll back */
}
