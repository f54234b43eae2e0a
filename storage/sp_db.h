/* storage/sp_db.h - the registry store: the only module that speaks SQL.
 * SpatiaLite on SQLite, WAL, foreign keys on, synchronous=FULL; migrations from schemas/
 * are embedded in the binary and applied on open. Callers see records made of the model's
 * fields (model/sp_model.h), never SQL, so another backend can stand behind this header.
 * One sp_db per thread: a connection and its statement cache are never shared. */
#ifndef SP_DB_H
#define SP_DB_H

#include <stddef.h>
#include <stdint.h>

#include "sp_err.h"
#include "sp_model.h"

typedef struct sp_db sp_db;

enum {
    SP_DB_READWRITE = 0,
    SP_DB_READONLY = 1,
    /* Read-write; when the file does not exist yet, it is filled with a rollback journal and
     * turned to WAL by sp_db_close: a new file's pages are then written once, straight to the
     * file, where WAL would write them twice (log, then checkpoint). Nobody can be reading a
     * file that did not exist, and a crash leaves a hot journal that the next open rolls
     * back, so nothing is lost. For imports into a new registry. */
    SP_DB_FILL_NEW = 2
};

/* 1 when path names a database server - a PostgreSQL connection URI (postgresql://...) -
 * rather than a SQLite file. */
int sp_db_is_server(const char *path);
/* Opens (creating when read-write) and migrates to the newest schema. */
int sp_db_open(const char *path, int flags, sp_db **out, sp_err *err);
void sp_db_close(sp_db *db); /* NULL is fine */
int sp_db_schema_version(sp_db *db, int *out_version, sp_err *err);
int sp_db_schema_latest(void);
/* Applies pending migrations; *out_applied counts them. Run by sp_db_open too. */
int sp_db_migrate(sp_db *db, int *out_applied, sp_err *err);
/* SP_OK only when integrity_check says "ok", every R*Tree passes rtreecheck() and no foreign
 * key is broken. */
int sp_db_integrity_check(sp_db *db, sp_err *err);
int sp_db_versions(sp_db *db, char *out, size_t outsz, sp_err *err); /* "spatialite x sqlite y" */

int sp_db_begin(sp_db *db, sp_err *err);
int sp_db_commit(sp_db *db, sp_err *err);
void sp_db_rollback(sp_db *db);

int sp_db_load_vocab(sp_db *db, sp_vocab *v, sp_err *err);
/* Every vocabulary with its Ukrainian and English labels, and its label in lang ("uk" or
 * "en") as "label", as one JSON object text (free with sp_db_free). */
int sp_db_vocab_json(sp_db *db, const char *lang, char **out, sp_err *err);
/* The districts as a GeoJSON FeatureCollection text, outlines simplified by tolerance degrees,
 * "name" in lang and name_uk, name_en (free with sp_db_free). */
int sp_db_districts_geojson(sp_db *db, const char *lang, double tolerance, char **out, sp_err *err);

/* Online copy of the whole database to out_path (written to a temp file, then renamed),
 * a consistent snapshot even while another process writes. */
int sp_db_backup(sp_db *db, const char *out_path, sp_err *err);

/* Streaming replicas (PostgreSQL; `serve --read-db`). A position in the primary's
 * write-ahead log is a byte count that only grows; on SQLite, which has no replicas, every
 * position is 0. write_position: where the primary's log is now, at or past every commit
 * made before the call (a write's, when asked after it). has_replayed: *out 1 when replica db
 * has replayed the log up to pos, so that it shows every write made before pos was taken
 * (always 1 on a database that is not a replica). It asks the database on every call, so an
 * SP_EUNAVAILABLE also says the replica does not answer. */
int sp_db_write_position(sp_db *db, int64_t *out, sp_err *err);
int sp_db_has_replayed(sp_db *db, int64_t pos, int *out, sp_err *err);

/* ---- records --------------------------------------------------------------------------- */

typedef struct sp_db_record {
    const sp_entity *entity;     /* monument or district */
    const char *dataset;         /* source data set: scopes source_id */
    const char *uid;             /* optional: a Spadok uid carried by the source (re-import) */
    char *values[SP_MAX_FIELDS]; /* normalised values by field index, NULL when empty */
    const unsigned char *wkb;    /* EPSG:4326 geometry, valid */
    size_t wkb_len;
    double marker_x, marker_y; /* point on surface */
} sp_db_record;

/* CONFLICTED: the record holds a value a person (or another data set) set since, which the
 * import left as it was; other fields may have been updated (storage/provenance.c). */
typedef enum {
    SP_UPSERT_INSERTED,
    SP_UPSERT_UPDATED,
    SP_UPSERT_UNCHANGED,
    SP_UPSERT_CONFLICTED
} sp_upsert_result;

typedef struct sp_db_actor {
    const char *name; /* login, or "import" */
    const char *role;
    int64_t import_run_id; /* 0 when not an import */
    int prefer_source;     /* an import that overwrites people's edits on purpose */
} sp_db_actor;

/* A transaction for many validated writes (an import): foreign keys are checked once, at
 * commit (a violation then fails the commit and nothing is written), and the audit rows of
 * inserted monuments are written together by sp_db_bulk_finish, before the caller commits. */
int sp_db_bulk_begin(sp_db *db, sp_err *err);
int sp_db_bulk_finish(sp_db *db, const sp_db_actor *actor, sp_err *err);

/* Inserts or updates by the stable key (uid, protection_no, then dataset + source_id),
 * writing an audit row with before/after JSON; "unchanged" writes nothing. An import updates
 * only the fields whose value still came from its data set: a field a person changed since
 * (or another data set set) keeps its value and is noted as a conflict of the run, unless
 * actor->prefer_source. SP_EINVAL or
 * SP_ECONFLICT mean nothing was written for this record; any failure after the record's
 * first write is SP_EDB, and the caller must roll its transaction back. */
int sp_db_upsert(sp_db *db, const sp_db_record *rec, const sp_db_actor *actor,
                 sp_upsert_result *out_result, int64_t *out_id, sp_err *err);

/* Adds a condition report to a monument unless one with this dataset + source_id exists
 * (*out_added 0 then). values are indexed by enum sp_report_field. */
int sp_db_report_add(sp_db *db, int64_t monument_id, const char *dataset, const char *source_id,
                     char *const values[], int *out_added, sp_err *err);

/* Condition reports imported on their own (storage/reports_import.c), inside a bulk
 * transaction whose records are all reports: begin returns the mark that tells this import's
 * reports from older ones; finish, before sp_db_bulk_finish, sets each touched monument's
 * condition, last inspection and version, notes the map change and writes the audit rows,
 * as inserting the reports one by one would have. */
int sp_db_report_bulk_begin(sp_db *db, int64_t *out_mark, sp_err *err);
int sp_db_report_bulk_finish(sp_db *db, int64_t mark, const sp_db_actor *actor, sp_err *err);
/* Inserts an approved report (values by enum sp_report_field) of the live monument with this
 * protection number (or, when monument_dataset is not NULL, with this source id in that data
 * set), keyed by dataset + source_id; "unchanged" when that key holds the same
 * monument and values already. SP_ENOTFOUND: no such live monument; SP_ECONFLICT: the key is
 * already in this import, or holds other values (reports are never changed in place). Those
 * write nothing; a failure after the report's first write is SP_EDB. */
int sp_db_report_import(sp_db *db, int64_t mark, const char *dataset, const char *source_id,
                        const char *monument_dataset, const char *monument, char *const values[],
                        sp_upsert_result *out_result, sp_err *err);

/* One exported row: column names and text values (NULL for SQL NULL), geometry as WKB. */
typedef struct sp_db_row {
    int ncols;
    const char *const *names;
    const char *const *values;
    const unsigned char *wkb;
    size_t wkb_len;
} sp_db_row;
typedef int (*sp_db_row_fn)(void *ctx, const sp_db_row *row, sp_err *err);
/* Editing through the API, for monuments and protection zones (entity e, or rec->entity).
 * Deletes record id (kept as a tombstone) if it is still at expected_version, with an
 * audit row holding its last state, in one transaction: SP_ENOTFOUND when there is no such
 * live record, SP_ECONFLICT when its version moved on (someone else changed it). */
int sp_db_item_delete(sp_db *db, const sp_entity *e, int64_t id, int64_t expected_version,
                      const sp_db_actor *actor, sp_err *err);
/* A record as stored, for an edit to start from. */
typedef struct sp_db_stored {
    sp_db_record rec;   /* values (malloc'd) by model field, geometry, marker, bounds */
    unsigned char *wkb; /* rec.wkb points here */
    int64_t version;
    int is_deleted;
} sp_db_stored;
int sp_db_item_get(sp_db *db, const sp_entity *e, int64_t id, sp_db_stored *out, sp_err *err);
/* SP_OK when record id exists and is not deleted, else SP_ENOTFOUND. */
int sp_db_item_live(sp_db *db, const sp_entity *e, int64_t id, sp_err *err);
int sp_db_monument_live(sp_db *db, int64_t id, sp_err *err);
void sp_db_stored_clear(sp_db_stored *s);
/* Creates (id 0; rec->dataset names the data set) or replaces record id if it is still at
 * expected_version, with its audit row (before/after JSON), in one transaction; a
 * monument's district comes from the marker when rec has none. *out_changed is 0 when the
 * stored content was the same (nothing written, version kept). SP_ENOTFOUND, SP_ECONFLICT
 * (the version moved on, or the protection number is another monument's), SP_EINVAL (a
 * zone's monument_id names no monument). */
int sp_db_item_save(sp_db *db, int64_t id, int64_t expected_version, const sp_db_record *rec,
                    const sp_db_actor *actor, int64_t *out_id, int *out_changed, sp_err *err);
/* The audit rows of one record, oldest first: who (login and role), when, what, and the
 * record before and after as JSON text (NULL where the row keeps none). */
typedef struct sp_db_audit_row {
    int64_t id;
    const char *at, *actor, *actor_role, *action, *before, *after;
    int64_t import_run_id; /* 0 when not an import */
} sp_db_audit_row;
typedef int (*sp_db_audit_fn)(void *ctx, const sp_db_audit_row *row, sp_err *err);
int sp_db_audit_foreach(sp_db *db, const char *entity, int64_t id, sp_db_audit_fn fn, void *ctx,
                        sp_err *err);
int sp_db_monument_count(sp_db *db, long long *out, sp_err *err);
/* is_public: location_sensitive monuments at 0.01 degree, as the API publishes them. */
int sp_db_monument_foreach(sp_db *db, int is_public, sp_db_row_fn fn, void *ctx, sp_err *err);

/* ---- import bookkeeping ---------------------------------------------------------------- */

typedef struct sp_import_counts {
    long long read, inserted, updated, unchanged, conflicted, rejected, repaired, reports;
    long long missing; /* records of the data set the run no longer had (not read) */
} sp_import_counts;

int sp_db_import_run_begin(sp_db *db, const char *dataset, const char *files, const char *mapping,
                           const char *target, int prefer_source, int64_t *out_id, sp_err *err);
int sp_db_import_run_finish(sp_db *db, int64_t run_id, const sp_import_counts *c, int is_ok,
                            sp_err *err);
/* kind is "rejected" or "repaired"; raw is the source record as JSON. */
int sp_db_import_error_add(sp_db *db, int64_t run_id, const char *kind, const char *layer,
                           long long row, const char *source_key, const char *field,
                           const char *reason, const char *raw, sp_err *err);

/* ---- data sets and provenance (storage/provenance.c) ------------------------------------ */

/* A data set: who published it, under which licence (an SPDX id, or "unknown"). */
typedef struct sp_db_dataset {
    const char *name, *title, *publisher, *licence, *licence_url, *attribution, *url, *retrieved;
} sp_db_dataset;
/* Records a data set, or updates the details given (NULL keeps what is known; a new data
 * set without a licence gets "unknown"). */
int sp_db_dataset_put(sp_db *db, const sp_db_dataset *d, sp_err *err);
typedef int (*sp_db_dataset_fn)(void *ctx, const sp_db_dataset *d, sp_err *err);
/* The data sets that the registry's live records hold values of, by name; with monument_id
 * > 0, those of that monument only (its own and those of single fields). */
int sp_db_dataset_foreach(sp_db *db, int64_t monument_id, sp_db_dataset_fn fn, void *ctx,
                          sp_err *err);

/* The credit line of the data sets the registry holds ("A (CC-BY-4.0); B (licence
 * unknown)"), composed from their rows, never written in code; malloc'd, "" when none. */
int sp_db_attribution(sp_db *db, char **out, sp_err *err);

/* What an import left for an editor: a field whose source value it did not take, or a
 * record that the data set no longer has. */
typedef struct sp_db_conflict {
    int64_t id, run_id, entity_id;
    const char *dataset, *entity, *kind, *field, *source_value, *current_value, *changed_by,
        *changed_at, *status, *resolved_by, *resolved_at, *created_at, *name, *source_id;
} sp_db_conflict;
typedef int (*sp_db_conflict_fn)(void *ctx, const sp_db_conflict *c, sp_err *err);
/* run_id > 0: the conflicts noted by that run; else by status ("open", ...; NULL: all),
 * newest first, at most limit (0: no limit). */
int sp_db_conflict_foreach(sp_db *db, int64_t run_id, const char *status, int limit,
                           sp_db_conflict_fn fn, void *ctx, sp_err *err);
/* Resolves conflict id in one transaction with its audit row: "keep" (the current value
 * stays, and a re-import bringing the same source value is no new conflict), "take" (the
 * source's value replaces it, and the field follows its data set again), "delete" (a missing
 * record is deleted). SP_ENOTFOUND, SP_ECONFLICT (already resolved), SP_EINVAL. */
int sp_db_conflict_resolve(sp_db *db, int64_t id, const char *resolution, const sp_db_actor *actor,
                           sp_err *err);
/* Notes the records of data set `dataset` (entity e) not in `seen` (ids, sorted here) as
 * missing from run run_id: 'open' for review when is_flag, else 'noted'. *out_n counts them. */
int sp_db_missing_note(sp_db *db, const sp_entity *e, const char *dataset, int64_t run_id,
                       int64_t *seen, size_t nseen, int is_flag, long long *out_n, sp_err *err);
/* *out 1 when data set `dataset` has live records of e (monuments, zones, reports). */
int sp_db_dataset_has(sp_db *db, const sp_entity *e, const char *dataset, int *out, sp_err *err);
/* The id of the live or deleted record of e keyed dataset + source_id; 0 when none. */
int sp_db_find_source(sp_db *db, const sp_entity *e, const char *dataset, const char *source_id,
                      int64_t *out_id, sp_err *err);

#endif
