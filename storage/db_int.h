/* storage/db_int.h - internals shared by the storage files; not for other modules. */
#ifndef SP_DB_INT_H
#define SP_DB_INT_H

#include <sqlite3.h>
#include <sys/types.h>
#include <time.h>

#include "pg.h"
#include "sp_db.h"
#include "sp_sql.h"
#include "stmt.h"

#define SP_DB_SQL_CACHE 32 /* composed statements (items queries) kept prepared */
#define SP_DB_TRIGGERS  8  /* triggers one bulk step drops */
/* The texts a monument's search words come from: name_uk, name_en, address, protection_no
 * (sp_search_words in schemas/021_search_lemmas.sql; search_pending on PostgreSQL). */
#define SP_DB_SEARCH_TEXTS 4

/* What a version read saw of the registry's WAL file, and when it began (sp_db_version). */
typedef struct sp_db_seen {
    struct timespec mtime, read_at;
    off_t size;
    ino_t ino;
    int64_t version;
    int is_valid;
} sp_db_seen;
enum { SP_DB_SEEN_DATA, SP_DB_SEEN_MAP, SP_DB_SEEN_COUNT };

/* Triggers dropped for a bulk transaction, with the SQL that made them (sp_db_triggers_off). */
typedef struct sp_db_triggers {
    char *sql[SP_DB_TRIGGERS];
    int n;
} sp_db_triggers;

struct sp_db {
    sqlite3 *conn; /* SQLite, or */
    sp_pg *pg;     /* PostgreSQL (storage/pg.c) */
    struct {
        char *sql;
        sp_stmt *st;
    } sql_cache[SP_DB_SQL_CACHE];
    int sql_cache_next;
    void *splite_cache;
    sp_stmt *stmts[SP_Q_COUNT];
    int is_readonly;
    int is_wal_deferred;    /* SP_DB_FILL_NEW on a new file: WAL at close */
    int in_bulk;            /* inside sp_db_bulk_begin .. sp_db_bulk_finish */
    int64_t bulk_max_id;    /* monument ids above it were inserted by the bulk transaction */
    int64_t bulk_districts; /* districts at the start of the bulk transaction */
    int bulk_analyze;       /* PostgreSQL: a bulk transaction's tables want statistics */
    sp_db_triggers bulk_off, report_off; /* dropped by the bulk transaction, to re-create */
    /* Parameter index of each model field in statement q, found once (sp_db_bind_fields):
     * 0 not looked up yet, -1 the statement has no such parameter. */
    short field_param[SP_Q_COUNT][SP_MAX_FIELDS];
    sp_db_seen seen[SP_DB_SEEN_COUNT]; /* the registry's versions as last read */
};

/* A new statement of the connection's engine (stmt.c); sp_stmt_finalize frees it. */
sp_stmt *sp_stmt_prepare(sp_db *db, const char *sql, const char *what, sp_err *err);
/* Binds n bytes of s as text, copied. */
int sp_stmt_bind_text_len(sp_stmt *st, int idx, const char *s, int n);
/* Binds s as text without a copy: s must outlive the step (a record's values in a bulk
 * import, bound a million times). */
int sp_stmt_bind_text_ref(sp_stmt *st, int idx, const char *s);
/* 1 inside a transaction. */
int sp_db_in_transaction(sp_db *db);
/* The text of statement or fragment id in the connection's engine's dialect. */
const char *sp_db_sql(const sp_db *db, enum sp_q id);
/* The connection's last error message. */
const char *sp_db_errmsg(sp_db *db);
/* A malloc'd copy of s ("" for NULL), as the storage files return texts (free them). */
char *sp_db_strdup(const char *s);

/* rc for a failure after part of a record is written (the caller rolls back): the
 * database's own failures as they are (SP_EDB, SP_EIO, SP_ENOSPACE, SP_EUNAVAILABLE: a 503
 * with Retry-After when PostgreSQL went away mid-write), anything else as SP_EDB, never
 * as a rejection of the record the client would get a 4xx for. */
int sp_db_partly_written(int rc, sp_err *err);

/* The cached statement for id, reset with bindings cleared; NULL with err set on failure. */
sp_stmt *sp_db_stmt(sp_db *db, enum sp_q id, sp_err *err);
/* Binds every parameter of st from p: a named one (":minx") by its name, each plain ? to the
 * next unnamed value in order. A parameter without a value, or a value left over, is an
 * SP_EDB: the SQL and the code that fills p disagree. */
struct sp_db_params;
int sp_db_params_bind(const struct sp_db_params *p, sp_stmt *st, sp_err *err);
/* A statement composed at run time from schemas/ fragments, prepared once per connection
 * and kept in a small cache; reset with bindings cleared. */
sp_stmt *sp_db_stmt_sql(sp_db *db, const char *sql, sp_err *err);
/* The registry's version that query q reads (one integer), without a read transaction when
 * its WAL file has not been written since a read that began SP_DB_QUIET_S after the last
 * write (storage/db.c). */
int sp_db_version(sp_db *db, int which, enum sp_q q, int64_t *out, sp_err *err);
/* Runs an exec_* query (several statements, no values). */
int sp_db_exec(sp_db *db, enum sp_q id, sp_err *err);
/* Wraps the connection's last error once, keeping the engine's text: "sqlite: ... (what)" or
 * "postgresql: ... (what)". */
int sp_db_sqlerr(sp_db *db, sp_err *err, const char *what);
/* Steps a statement that returns no rows (or whose rows are ignored), then resets it. */
int sp_db_step_done(sp_db *db, sp_stmt *st, const char *what, sp_err *err);
/* Bind by the parameter's name (":name" in schemas/queries.sql), copying the value (NULL binds
 * SQL NULL); SP_EINTERNAL when the statement has no such parameter. Return SP_OK (0), so
 * that `if (bind(...) || bind(...))` stops at the first failure, err set. */
int sp_db_bind_text(sp_stmt *st, const char *name, const char *v, sp_err *err);
int sp_db_bind_int(sp_stmt *st, const char *name, int64_t v, sp_err *err);
int sp_db_bind_double(sp_stmt *st, const char *name, double v, sp_err *err);
int sp_db_bind_blob(sp_stmt *st, const char *name, const void *p, size_t n, sp_err *err);
/* Binds a record's model fields of e to statement q's parameters :<field name> (NULL values
 * as SQL NULL; whole numbers as integers). Sets of codes go to join tables and are skipped;
 * any other field the statement lacks is SP_EINTERNAL. Values must outlive the step. */
int sp_db_bind_fields(sp_db *db, enum sp_q q, sp_stmt *st, const sp_entity *e, char *const values[],
                      sp_err *err);
/* A photo file's sha256, media type, width, height, bytes, taken_at, lat, lon from
 * parameter first on (lat and lon NULL without GPS); storage/photos.c. */
struct sp_db_photo_file;
void sp_db_bind_photo_file(sp_stmt *st, int first, const struct sp_db_photo_file *f);
/* Runs a query without values that returns one integer (a count, a version, a max id). */
int sp_db_query_int(sp_db *db, enum sp_q id, int64_t *out, sp_err *err);

/* The row id of query q (one JSON text column) for the audit log; free it. */
char *sp_db_row_json(sp_db *db, enum sp_q q, int64_t id, sp_err *err);
/* One audit_log row, in the caller's transaction. */
int sp_db_audit(sp_db *db, const sp_db_actor *actor, const char *action, const char *entity,
                int64_t id, const char *before, const char *after, sp_err *err);
/* Replaces a ';'-joined code set in a join table (monument kinds, report causes); clear
 * SP_Q_COUNT: nothing to clear (a new row). */
int sp_db_write_set(sp_db *db, enum sp_q clear, enum sp_q insert, int64_t id, const char *set,
                    sp_err *err);

/* ---- provenance (storage/monument.c, storage/provenance.c) ------------------------------ */
#define SP_DB_NAME_MAX 256 /* a data set's name, in memory */

/* store() of monument.c for another storage file: writes rec as row id (0: new) unless its
 * content hash is old_hash, with its audit row; no provenance rule applied. */
int sp_db_store_record(sp_db *db, const sp_db_record *rec, int64_t id, const char *old_hash,
                       const sp_db_actor *actor, sp_upsert_result *out_result, int64_t *out_id,
                       sp_err *err);
/* Deletes (tombstones) record id at expected_version with its audit row, in the caller's
 * transaction; a person's deletion is noted as their value of `deleted`. */
int sp_db_delete_record(sp_db *db, const sp_entity *e, int64_t id, int64_t expected_version,
                        const sp_db_actor *actor, sp_err *err);
/* An import's record rec for stored record id (content hash old_hash, data set
 * stored_dataset) that holds values of other origins: field by field, the source's value
 * where the field still follows this data set, the current one (and a conflict) where not. */
int sp_db_merge(sp_db *db, const sp_db_record *rec, int64_t id, const char *old_hash,
                const char *stored_dataset, const sp_db_actor *actor, sp_upsert_result *out_result,
                int64_t *out_id, sp_err *err);
/* A person changed record id from `before` to `after`: the fields that differ are theirs. */
int sp_db_origin_note_edit(sp_db *db, const sp_db_record *before, const sp_db_record *after,
                           int64_t id, const sp_db_actor *actor, sp_err *err);
/* Field `field` of record id now holds actor's value (a person's, dataset NULL). */
int sp_db_origin_put(sp_db *db, const sp_entity *e, int64_t id, const char *field,
                     const sp_db_actor *actor, sp_err *err);
/* An import that prefers its source took every field: they follow its data set again, and
 * the record's open conflicts are resolved as taken. */
int sp_db_origin_reset(sp_db *db, const sp_entity *e, int64_t id, const sp_db_actor *actor,
                       sp_err *err);

/* Drops the named triggers for the rest of the transaction, keeping in `kept` the SQL that
 * made them as the schema holds it (the migrations' own text); sp_db_triggers_on runs it
 * again. A rollback brings them back by itself (sp_db_rollback then forgets `kept`). */
int sp_db_triggers_off(sp_db *db, const char *const *names, int n, sp_db_triggers *kept,
                       sp_err *err);
int sp_db_triggers_on(sp_db *db, sp_db_triggers *kept, sp_err *err);
void sp_db_triggers_forget(sp_db_triggers *kept);

/* Puts the rows of query `rows` (?1 = after) into the R*Trees `tables`, all from one scan:
 * five columns a tree (id, xmin, xmax, ymin, ymax), a NULL id where a row has no cell in
 * that tree. An empty tree is packed in one pass, any other filled one row at a time,
 * keeping a row it already has (storage/rtree.c). */
#define SP_RTREE_FILL_MAX 4
int sp_db_rtree_fill(sp_db *db, const char *const *tables, int ntables, enum sp_q rows,
                     int64_t after, sp_err *err);
/* The union of the cells of an R*Tree's root node blob p[0..n) into out (xmin, ymin, xmax,
 * ymax); 0 when the tree is empty. */
int sp_db_rtree_root_bounds(const unsigned char *p, int n, double out[4]);
#endif
