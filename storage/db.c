/* storage/db.c - open a registry (a SQLite file with SpatiaLite, or a PostgreSQL database
 * with PostGIS: storage/pg.c), migrate, cache statements. Everything else in storage/ goes
 * through sp_db_stmt so each statement is prepared once per connection and always has its
 * values bound; the statement's text is the connection's engine's (schemas/queries.sql, or
 * its twin schemas/pg/queries.sql). */
#include "db_int.h"

#include <errno.h>
#include <spatialite.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "sp_log.h"
#include "sp_text.h"

/* The SP_E* of the connection's last error: a constraint is a conflict, a full disk (SQLite's
 * SQLITE_FULL, or an I/O error for ENOSPC) is SP_ENOSPACE, the rest a database error. */
static int last_code(sp_db *db)
{
    int rc = sqlite3_extended_errcode(db->conn), sys = sqlite3_system_errno(db->conn);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return SP_ECONFLICT;
    if ((rc & 0xff) == SQLITE_FULL ||
        ((rc & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT)))
        return SP_ENOSPACE;
    return SP_EDB;
}

int sp_db_sqlerr(sp_db *db, sp_err *err, const char *what)
{
    if (db->pg)
        return sp_pg_error(db->pg, err, what);
    return sp_err_set(err, last_code(db), "sqlite: %s (%s)", sqlite3_errmsg(db->conn), what);
}

const char *sp_db_errmsg(sp_db *db)
{
    static const char unknown[] = "";
    if (db->pg) /* the text of the last error, as sp_db_sqlerr would put it */
        return unknown;
    return sqlite3_errmsg(db->conn);
}

const char *sp_db_sql(const sp_db *db, enum sp_q id)
{
    if (!db->pg)
        return sp_sql_query_text[id];
    return sp_sql_pg_query_text[id] ? sp_sql_pg_query_text[id] : "";
}

char *sp_db_strdup(const char *s)
{
    return strdup(s ? s : "");
}

sp_stmt *sp_db_stmt(sp_db *db, enum sp_q id, sp_err *err)
{
    sp_stmt *st = db->stmts[id];
    if (!st) {
        if (db->pg && !sp_sql_pg_query_text[id]) {
            sp_err_set(err, SP_EINTERNAL, "statement %s has no PostgreSQL form",
                       sp_sql_query_name[id]);
            return NULL;
        }
        if (!(st = sp_stmt_prepare(db, sp_db_sql(db, id), sp_sql_query_name[id], err)))
            return NULL;
        db->stmts[id] = st;
    }
    sp_stmt_reset(st);
    sp_stmt_clear_bindings(st);
    return st;
}

sp_stmt *sp_db_stmt_sql(sp_db *db, const char *sql, sp_err *err)
{
    for (int i = 0; i < SP_DB_SQL_CACHE; i++) {
        if (db->sql_cache[i].sql && strcmp(db->sql_cache[i].sql, sql) == 0) {
            sp_stmt_reset(db->sql_cache[i].st);
            sp_stmt_clear_bindings(db->sql_cache[i].st);
            return db->sql_cache[i].st;
        }
    }
    sp_stmt *st = NULL;
    char *copy = strdup(sql);
    if (!copy) {
        sp_err_set(err, SP_ENOMEM, "out of memory");
        return NULL;
    }
    if (!(st = sp_stmt_prepare(db, sql, "composed query", err))) {
        free(copy);
        return NULL;
    }
    int slot = db->sql_cache_next; /* round robin: the oldest goes */
    db->sql_cache_next = (slot + 1) % SP_DB_SQL_CACHE;
    free(db->sql_cache[slot].sql);
    sp_stmt_finalize(db->sql_cache[slot].st);
    db->sql_cache[slot].sql = copy;
    db->sql_cache[slot].st = st;
    return st;
}

int sp_db_exec(sp_db *db, enum sp_q id, sp_err *err)
{
    if (db->pg)
        return sp_pg_exec(db->pg, sp_db_sql(db, id), sp_sql_query_name[id], err);
    char *msg = NULL;
    if (sqlite3_exec(db->conn, sp_sql_query_text[id], NULL, NULL, &msg) != SQLITE_OK) {
        int code = last_code(db) == SP_ENOSPACE ? SP_ENOSPACE : SP_EDB;
        sp_err_set(err, code, "sqlite: %s (%s)", msg ? msg : "?", sp_sql_query_name[id]);
        sqlite3_free(msg);
        return code;
    }
    return SP_OK;
}

int sp_db_step_done(sp_db *db, sp_stmt *st, const char *what, sp_err *err)
{
    int rc = sp_stmt_step(st);
    int out = (rc == SP_STMT_DONE || rc == SP_STMT_ROW) ? SP_OK : sp_db_sqlerr(db, err, what);
    sp_stmt_reset(st);
    return out;
}

int sp_db_partly_written(int rc, sp_err *err)
{
    if (rc != SP_OK && err->code != SP_EDB && err->code != SP_EIO && err->code != SP_ENOSPACE &&
        err->code != SP_EUNAVAILABLE)
        err->code = rc = SP_EDB;
    return rc;
}

/* The index of parameter `name` (":name" in the SQL), or 0 with SP_EINTERNAL set. */
static int param(sp_stmt *st, const char *name, sp_err *err)
{
    int idx = sp_stmt_param_index(st, name);
    if (idx == 0)
        sp_err_set(err, SP_EINTERNAL, "statement has no parameter %s: %.200s", name,
                   sp_stmt_sql(st));
    return idx;
}

static int bound(int rc, const char *name, sp_err *err)
{
    if (rc == SP_OK)
        return SP_OK;
    return sp_err_set(err, rc, "binding %s: %s", name, sp_err_name(rc));
}

int sp_db_bind_text(sp_stmt *st, const char *name, const char *v, sp_err *err)
{
    int idx = param(st, name, err);
    return idx ? bound(sp_stmt_bind_text(st, idx, v), name, err) : err->code;
}

int sp_db_bind_int(sp_stmt *st, const char *name, int64_t v, sp_err *err)
{
    int idx = param(st, name, err);
    return idx ? bound(sp_stmt_bind_int64(st, idx, v), name, err) : err->code;
}

int sp_db_bind_double(sp_stmt *st, const char *name, double v, sp_err *err)
{
    int idx = param(st, name, err);
    return idx ? bound(sp_stmt_bind_double(st, idx, v), name, err) : err->code;
}

int sp_db_bind_blob(sp_stmt *st, const char *name, const void *p, size_t n, sp_err *err)
{
    int idx = param(st, name, err);
    return idx ? bound(sp_stmt_bind_blob(st, idx, p, (int)n), name, err) : err->code;
}

int sp_db_bind_fields(sp_db *db, enum sp_q q, sp_stmt *st, const sp_entity *e, char *const values[],
                      sp_err *err)
{
    short *idx = db->field_param[q];
    for (int i = 0; i < e->nfields; i++) {
        const sp_field *f = &e->fields[i];
        if (f->type == SP_FT_VOCAB_SET)
            continue;      /* stored in a join table */
        if (idx[i] == 0) { /* first use of q on this connection: where is :<field>? */
            char name[64];
            snprintf(name, sizeof name, ":%s", f->name);
            int k = sp_stmt_param_index(st, name);
            idx[i] = k > 0 ? (short)k : -1;
        }
        if (idx[i] < 0)
            return sp_err_set(err, SP_EINTERNAL, "statement %s has no parameter :%s",
                              sp_sql_query_name[q], f->name);
        const char *v = values[i];
        int rc = !v ? sp_stmt_bind_null(st, idx[i])
                 : f->type == SP_FT_INT || f->type == SP_FT_BOOL || f->type == SP_FT_ID
                     ? sp_stmt_bind_int64(st, idx[i], strtoll(v, NULL, 10))
                     : sp_stmt_bind_text_ref(st, idx[i], v);
        if (rc != SP_OK)
            return sp_err_set(err, rc, "binding :%s: %s", f->name, sp_err_name(rc));
    }
    return SP_OK;
}

int sp_db_schema_latest(void)
{
    return sp_sql_migrations_count;
}

/* The migrations of the connection's engine: schemas/NNN_*.sql or schemas/pg/NNN_*.sql. */
static const sp_sql_migration *migrations(const sp_db *db)
{
    return db->pg ? sp_sql_pg_migrations : sp_sql_migrations;
}

static int migrations_count(const sp_db *db)
{
    return db->pg ? sp_sql_pg_migrations_count : sp_sql_migrations_count;
}

int sp_db_query_int(sp_db *db, enum sp_q id, int64_t *out, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, id, err);
    if (!st)
        return err->code;
    int rc = sp_stmt_step(st);
    *out = rc == SP_STMT_ROW ? sp_stmt_column_int64(st, 0) : 0;
    sp_stmt_reset(st);
    return rc == SP_STMT_ROW ? SP_OK : sp_db_sqlerr(db, err, sp_sql_query_name[id]);
}

/* Change detection without a read transaction. Every commit to the registry, by this process
 * or another (`spadok import` beside a running server), writes its WAL file first; a version
 * read is kept with what stat() said of that file then, and is good for as long as the file
 * is unchanged, provided the read began SP_DB_QUIET_S after the file's last write (the
 * write is seen before its commit is visible: the commit waits for fsync; the assumption is
 * only that a commit becomes visible within that time). A read costs a read transaction (two
 * fcntl locks and a step: bench/tiles cached HTTP 0.61x nginx
 * without this, 0.66x with it); a stat() is one system call. Per connection, so no lock. */
#define SP_DB_QUIET_S 1

static int same_file(const sp_db_seen *s, const struct stat *st)
{
    return s->is_valid && s->size == st->st_size && s->ino == st->st_ino &&
           s->mtime.tv_sec == st->st_mtim.tv_sec && s->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

int sp_db_version(sp_db *db, int which, enum sp_q q, int64_t *out, sp_err *err)
{
    sp_db_seen *s = &db->seen[which];
    struct timespec now;
    struct stat st;
    if (db->pg) /* no file to watch: the database answers */
        return sp_db_query_int(db, q, out, err);
    const char *wal = sqlite3_filename_wal(sqlite3_db_filename(db->conn, "main"));
    int is_known = wal && clock_gettime(CLOCK_REALTIME, &now) == 0 && stat(wal, &st) == 0;
    if (is_known && same_file(s, &st) &&
        (s->read_at.tv_sec > st.st_mtim.tv_sec + SP_DB_QUIET_S ||
         (s->read_at.tv_sec == st.st_mtim.tv_sec + SP_DB_QUIET_S &&
          s->read_at.tv_nsec >= st.st_mtim.tv_nsec))) {
        *out = s->version;
        return SP_OK;
    }
    int rc = sp_db_query_int(db, q, out, err);
    s->is_valid = rc == SP_OK && is_known;
    if (s->is_valid) {
        s->mtime = st.st_mtim;
        s->size = st.st_size;
        s->ino = st.st_ino;
        s->read_at = now;
        s->version = *out;
    }
    return rc;
}

int sp_db_write_position(sp_db *db, int64_t *out, sp_err *err)
{
    return sp_db_query_int(db, SP_Q_WAL_POSITION, out, err);
}

int sp_db_has_replayed(sp_db *db, int64_t pos, int *out, sp_err *err)
{
    int64_t replayed = 0;
    int rc = sp_db_query_int(db, SP_Q_WAL_REPLAYED, &replayed, err);
    *out = rc == SP_OK && replayed >= pos;
    return rc;
}

int sp_db_schema_version(sp_db *db, int *out_version, sp_err *err)
{
    int64_t v = 0;
    int rc = sp_db_query_int(db, SP_Q_USER_VERSION, &v, err);
    *out_version = (int)v;
    return rc;
}

/* SP_OK when no foreign key is broken. */
static int foreign_key_check(sp_db *db, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_FOREIGN_KEY_CHECK, err);
    if (!st)
        return err->code;
    int rc = sp_stmt_step(st);
    if (rc == SP_STMT_ROW) {
        sp_err_set(err, SP_EDB, "foreign_key_check: table %s row %lld", sp_stmt_column_text(st, 0),
                   (long long)sp_stmt_column_int64(st, 1));
        sp_stmt_reset(st);
        return SP_EDB;
    }
    sp_stmt_reset(st);
    return rc == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, "foreign_key_check");
}

int sp_db_migrate(sp_db *db, int *out_applied, sp_err *err)
{
    int version, rc;
    *out_applied = 0;
    /* PostgreSQL keeps the version in a table, made here when the database is new. */
    if ((rc = sp_db_exec(db, SP_Q_EXEC_SCHEMA_BOOTSTRAP, err)) != SP_OK ||
        (rc = sp_db_schema_version(db, &version, err)) != SP_OK)
        return rc;
    if (version > migrations_count(db))
        return sp_err_set(err, SP_EINVAL,
                          "database schema version %d is newer than this spadok knows (%d)",
                          version, migrations_count(db));
    if (version == migrations_count(db))
        return SP_OK;
    /* All pending migrations are one transaction: a registry is at its old version or at the
     * latest, never in between, and a new one costs one commit rather than one a migration
     * (fifteen, with their syncs, were most of a small import's time). */
    /* Foreign keys are off while migrations run (SQLite's way to rebuild a table that others
     * reference: a DROP TABLE would otherwise cascade), and checked whole before the commit. */
    if ((rc = sp_db_exec(db, SP_Q_EXEC_FOREIGN_KEYS_OFF, err)) != SP_OK)
        return rc;
    if ((rc = sp_db_begin(db, err)) != SP_OK) {
        sp_db_exec(db, SP_Q_EXEC_FOREIGN_KEYS_ON, err);
        return rc;
    }
    for (int i = version; i < migrations_count(db) && rc == SP_OK; i++) {
        const sp_sql_migration *m = &migrations(db)[i];
        if (db->pg) {
            if ((rc = sp_pg_exec(db->pg, m->sql, m->name, err)) != SP_OK)
                sp_err_prefix(err, "migration %s failed", m->name);
            continue;
        }
        char *msg = NULL;
        if (sqlite3_exec(db->conn, m->sql, NULL, NULL, &msg) != SQLITE_OK)
            rc = sp_err_set(err, SP_EDB, "migration %s failed: %s", m->name, msg ? msg : "?");
        sqlite3_free(msg);
    }
    if (rc == SP_OK && (rc = foreign_key_check(db, err)) != SP_OK)
        sp_err_prefix(err, "after the migrations");
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK)
        sp_db_rollback(db);
    sp_err on_err = {0};
    int on = sp_db_exec(db, SP_Q_EXEC_FOREIGN_KEYS_ON, &on_err);
    if (rc != SP_OK)
        return rc;
    if (on != SP_OK)
        return *err = on_err, on;
    for (int i = version; i < migrations_count(db); i++)
        sp_log(SP_LOG_INFO, "msg=\"applied migration\" name=%s", migrations(db)[i].name);
    *out_applied = migrations_count(db) - version;
    /* Statements prepared against the old schema are re-prepared by SQLite on demand. */
    return SP_OK;
}

/* sp_search_words(text, ...): what the search index holds for a monument's texts
 * (schemas/021_search_lemmas.sql): the texts as written, then the lemmas and apostrophe-free
 * forms of their words (text/sp_text.h). NULLs are left out. */
static void search_words(const char *const *texts, int n, sp_strbuf *b)
{
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            const char *t = texts[i];
            if (t && pass == 0) {
                sp_strbuf_puts(b, b->len ? " " : "");
                sp_strbuf_puts(b, t);
            } else if (t) {
                sp_text_index_words(t, b);
            }
        }
    }
}

static void search_words_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sp_strbuf b = {0};
    const char *texts[SP_DB_SEARCH_TEXTS];
    int n = argc < SP_DB_SEARCH_TEXTS ? argc : SP_DB_SEARCH_TEXTS;
    for (int i = 0; i < n; i++)
        texts[i] = (const char *)sqlite3_value_text(argv[i]);
    search_words(texts, n, &b);
    if (b.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, sp_strbuf_cstr(&b), (int)b.len, SQLITE_TRANSIENT);
    sp_strbuf_free(&b);
}

/* The words of text as FTS5's unicode61 tokenizer would index them (sp_text_word splits as
 * it does, sp_text_fold folds as it does), separated by spaces: PostgreSQL's index holds
 * these as they are, so that both engines find the same monuments for a q=. */
static void fold_words(const char *text, sp_strbuf *out)
{
    size_t len;
    for (const char *w = sp_text_word(text, &len); w; w = sp_text_word(w + len, &len)) {
        sp_strbuf_puts(out, out->len ? " " : "");
        sp_text_fold(w, len, out);
    }
}

/* PostgreSQL cannot call search_words: its triggers leave a monument's search row without
 * words (schemas/pg/), and the words are put in here, before each commit. */
static int search_fill(sp_db *db, sp_err *err)
{
    for (;;) {
        sp_stmt *st = sp_db_stmt(db, SP_Q_SEARCH_PENDING, err), *put;
        if (!st)
            return err->code;
        int step, rc = SP_OK, n = 0;
        while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
            const char *texts[SP_DB_SEARCH_TEXTS];
            for (int i = 0; i < SP_DB_SEARCH_TEXTS; i++)
                texts[i] = (const char *)sp_stmt_column_text(st, i + 1);
            sp_strbuf words = {0}, b = {0};
            search_words(texts, SP_DB_SEARCH_TEXTS, &words);
            fold_words(sp_strbuf_cstr(&words), &b);
            sp_strbuf_free(&words);
            if (b.failed)
                rc = sp_err_set(err, SP_ENOMEM, "out of memory");
            else if (!(put = sp_db_stmt(db, SP_Q_SEARCH_FILL, err)))
                rc = err->code;
            else if (sp_stmt_bind_text(put, 1, sp_strbuf_cstr(&b)) != SP_OK ||
                     sp_stmt_bind_int64(put, 2, sp_stmt_column_int64(st, 0)) != SP_OK)
                rc = sp_err_set(err, SP_ENOMEM, "out of memory");
            else
                rc = sp_db_step_done(db, put, "search words", err);
            sp_strbuf_free(&b);
            n++;
        }
        if (rc == SP_OK && step != SP_STMT_DONE)
            rc = sp_db_sqlerr(db, err, "search rows to fill");
        sp_stmt_reset(st);
        if (rc != SP_OK || n == 0)
            return rc;
    }
}

/* Read-write: applies the pending migrations; read-only: SP_EINVAL unless the database is
 * at the newest schema (a reader never migrates). */
static int migrate_or_check(sp_db *db, sp_err *err)
{
    int applied = 0, version = 0, rc;
    if (!db->is_readonly)
        return sp_db_migrate(db, &applied, err);
    if ((rc = sp_db_schema_version(db, &version, err)) == SP_OK && version != migrations_count(db))
        rc = sp_err_set(err, SP_EINVAL, "schema version %d, expected %d: run spadok migrate",
                        version, migrations_count(db));
    return rc;
}

/* A PostgreSQL registry: connect, set up, migrate when read-write. */
static int open_pg(sp_db *db, const char *uri, sp_err *err)
{
    int rc = sp_pg_connect(uri, &db->pg, err);
    if (rc == SP_OK)
        rc = sp_db_exec(db, SP_Q_EXEC_CONNECTION_SETUP, err);
    return rc == SP_OK ? migrate_or_check(db, err) : rc;
}

int sp_db_is_server(const char *path)
{
    return sp_pg_is_uri(path);
}

int sp_db_open(const char *path, int flags, sp_db **out, sp_err *err)
{
    *out = NULL;
    sp_db *db = calloc(1, sizeof *db);
    if (!db)
        return sp_err_set(err, SP_ENOMEM, "out of memory opening %s", path);
    db->is_readonly = flags & SP_DB_READONLY;
    if (sp_pg_is_uri(path)) {
        char safe[512];
        if (open_pg(db, path, err) != SP_OK) {
            sp_pg_safe_uri(path, safe, sizeof safe);
            sp_err_prefix(err, "%s", safe);
            sp_db_close(db);
            return err->code;
        }
        *out = db;
        return SP_OK;
    }
    struct stat st;
    db->is_wal_deferred = !db->is_readonly && (flags & SP_DB_FILL_NEW) && stat(path, &st) != 0;
    int oflags =
        db->is_readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &db->conn, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        sp_err_set(err, db->is_readonly ? SP_ENOTFOUND : SP_EIO, "cannot open database %s: %s",
                   path, db->conn ? sqlite3_errmsg(db->conn) : "out of memory");
        sp_db_close(db);
        return err->code;
    }
    sqlite3_extended_result_codes(db->conn, 1);
    db->splite_cache = spatialite_alloc_connection();
    spatialite_init_ex(db->conn, db->splite_cache, 0);
    int rc = sp_db_exec(db, SP_Q_EXEC_CONNECTION_SETUP, err);
    if (rc == SP_OK &&
        sqlite3_create_function_v2(db->conn, "sp_search_words", -1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                   search_words_fn, NULL, NULL, NULL) != SQLITE_OK)
        rc = sp_db_sqlerr(db, err, "register sp_search_words");
    if (rc == SP_OK && !db->is_readonly && !db->is_wal_deferred)
        rc = sp_db_exec(db, SP_Q_EXEC_WAL, err);
    if (rc == SP_OK)
        rc = migrate_or_check(db, err);
    if (rc != SP_OK) {
        if (err->code == SP_EDB && strstr(err->msg, "not a database"))
            err->code = SP_EINVAL;
        sp_err_prefix(err, "%s", path);
        sp_db_close(db);
        return err->code;
    }
    *out = db;
    return SP_OK;
}

void sp_db_close(sp_db *db)
{
    if (!db)
        return;
    sp_err ignored; /* on failure the next read-write open turns WAL on */
    if (db->conn && db->is_wal_deferred && !sp_db_in_transaction(db))
        sp_db_exec(db, SP_Q_EXEC_WAL, &ignored);
    for (int i = 0; i < SP_Q_COUNT; i++)
        sp_stmt_finalize(db->stmts[i]);
    for (int i = 0; i < SP_DB_SQL_CACHE; i++) {
        sp_stmt_finalize(db->sql_cache[i].st);
        free(db->sql_cache[i].sql);
    }
    if (db->conn)
        sqlite3_close(db->conn);
    sp_pg_close(db->pg);
    if (db->splite_cache)
        spatialite_cleanup_ex(db->splite_cache);
    sp_db_triggers_forget(&db->bulk_off);
    sp_db_triggers_forget(&db->report_off);
    free(db);
}

int sp_db_begin(sp_db *db, sp_err *err)
{
    return sp_db_exec(db, SP_Q_EXEC_BEGIN, err);
}

/* PostgreSQL plans from statistics that autovacuum gathers some time after a bulk import;
 * until then a search of a rare word walked 200,000 monuments (0.9 s, not 1 ms), so the bulk
 * transaction gathers them itself, once its search words are filled (exec_bulk_analyze). */
int sp_db_commit(sp_db *db, sp_err *err)
{
    if (db->pg && search_fill(db, err) != SP_OK)
        return err->code;
    if (db->pg && db->bulk_analyze && sp_db_exec(db, SP_Q_EXEC_BULK_ANALYZE, err) != SP_OK)
        return err->code;
    db->bulk_analyze = 0;
    return sp_db_exec(db, SP_Q_EXEC_COMMIT, err);
}

int sp_db_in_transaction(sp_db *db)
{
    return db->pg ? sp_pg_in_transaction(db->pg) : !sqlite3_get_autocommit(db->conn);
}

void sp_db_triggers_forget(sp_db_triggers *kept)
{
    for (int i = 0; i < kept->n; i++)
        free(kept->sql[i]);
    kept->n = 0;
}

int sp_db_triggers_off(sp_db *db, const char *const *names, int n, sp_db_triggers *kept,
                       sp_err *err)
{
    sp_db_triggers_forget(kept);
    if (n > SP_DB_TRIGGERS)
        return sp_err_set(err, SP_EINTERNAL, "%d triggers to drop at once", n);
    for (int i = 0; i < n; i++) {
        sp_stmt *st = sp_db_stmt(db, SP_Q_TRIGGER_SQL, err);
        if (!st)
            return err->code;
        sp_stmt_bind_text(st, 1, names[i]);
        int step = sp_stmt_step(st);
        char *sql =
            step == SP_STMT_ROW ? sp_db_strdup((const char *)sp_stmt_column_text(st, 0)) : NULL;
        sp_stmt_reset(st);
        if (step != SP_STMT_ROW)
            return step == SP_STMT_DONE
                       ? sp_err_set(err, SP_EINTERNAL, "no trigger %s to drop", names[i])
                       : sp_db_sqlerr(db, err, "trigger SQL");
        if (!sql)
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        kept->sql[kept->n++] = sql;
        if (db->pg) /* trigger_sql set the trigger aside for the transaction (schemas/pg/) */
            continue;
        char *drop = sqlite3_mprintf("DROP TRIGGER \"%w\"", names[i]);
        int rc = drop ? sqlite3_exec(db->conn, drop, NULL, NULL, NULL) : SQLITE_NOMEM;
        sqlite3_free(drop);
        if (rc != SQLITE_OK)
            return sp_db_sqlerr(db, err, "drop trigger");
    }
    return SP_OK;
}

int sp_db_triggers_on(sp_db *db, sp_db_triggers *kept, sp_err *err)
{
    int rc = SP_OK;
    for (int i = 0; i < kept->n && rc == SP_OK; i++) {
        if (db->pg) { /* trigger_sql answered the statement that sets the trigger back */
            rc = sp_pg_exec(db->pg, kept->sql[i], "trigger back", err);
            continue;
        }
        if (sqlite3_exec(db->conn, kept->sql[i], NULL, NULL, NULL) != SQLITE_OK)
            rc = sp_db_sqlerr(db, err, "re-create trigger");
    }
    sp_db_triggers_forget(kept);
    return rc;
}

void sp_db_rollback(sp_db *db)
{
    sp_err ignored;
    db->in_bulk = 0;
    db->bulk_analyze = 0;
    sp_db_triggers_forget(&db->bulk_off); /* the rollback restores the triggers themselves */
    sp_db_triggers_forget(&db->report_off);
    if (sp_db_in_transaction(db))
        sp_db_exec(db, SP_Q_EXEC_ROLLBACK, &ignored);
}

int sp_db_integrity_check(sp_db *db, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_INTEGRITY_CHECK, err);
    if (!st)
        return err->code;
    int rc = sp_stmt_step(st);
    if (rc != SP_STMT_ROW)
        return sp_db_sqlerr(db, err, "integrity_check");
    const char *res = (const char *)sp_stmt_column_text(st, 0);
    if (!res || strcmp(res, "ok") != 0) {
        sp_err_set(err, SP_EDB, "integrity_check: %s", res ? res : "?");
        sp_stmt_reset(st);
        return SP_EDB;
    }
    sp_stmt_reset(st);
    if (!(st = sp_db_stmt(db, SP_Q_RTREE_CHECK, err)))
        return err->code;
    if ((rc = sp_stmt_step(st)) == SP_STMT_ROW) {
        sp_err_set(err, SP_EDB, "rtreecheck %s: %s", sp_stmt_column_text(st, 0),
                   sp_stmt_column_text(st, 1));
        sp_stmt_reset(st);
        return SP_EDB;
    }
    sp_stmt_reset(st);
    if (rc != SP_STMT_DONE)
        return sp_db_sqlerr(db, err, "rtreecheck");
    return foreign_key_check(db, err);
}

int sp_db_versions(sp_db *db, char *out, size_t outsz, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_SPATIALITE_VERSION, err);
    if (!st)
        return err->code;
    if (sp_stmt_step(st) != SP_STMT_ROW)
        return sp_db_sqlerr(db, err, "versions");
    snprintf(out, outsz, db->pg ? "postgis %s, postgresql %s" : "spatialite %s, sqlite %s",
             sp_stmt_column_text(st, 0), sp_stmt_column_text(st, 1));
    sp_stmt_reset(st);
    return SP_OK;
}

/* The one text a bound statement answers, sqlite3-allocated into *out; the statement reset. */
static int one_text(sp_db *db, sp_stmt *st, const char *what, char **out, sp_err *err)
{
    int rc = SP_OK;
    if (sp_stmt_step(st) != SP_STMT_ROW)
        rc = sp_db_sqlerr(db, err, what);
    else if (!(*out = sp_db_strdup((const char *)sp_stmt_column_text(st, 0))))
        rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    sp_stmt_reset(st);
    return rc;
}

int sp_db_vocab_json(sp_db *db, const char *lang, char **out, sp_err *err)
{
    *out = NULL;
    sp_stmt *st = sp_db_stmt(db, SP_Q_VOCAB_JSON, err);
    if (!st || sp_db_bind_text(st, ":lang", lang, err) != SP_OK)
        return err->code;
    return one_text(db, st, "vocabularies", out, err);
}

int sp_db_districts_geojson(sp_db *db, const char *lang, double tolerance, char **out, sp_err *err)
{
    *out = NULL;
    sp_stmt *st = sp_db_stmt(db, SP_Q_DISTRICTS_GEOJSON, err);
    if (!st || sp_db_bind_text(st, ":lang", lang, err) != SP_OK ||
        sp_db_bind_double(st, ":tolerance", tolerance, err) != SP_OK)
        return err->code;
    return one_text(db, st, "districts", out, err);
}

int sp_db_load_vocab(sp_db *db, sp_vocab *v, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_VOCAB_ALL, err);
    if (!st)
        return err->code;
    int rc;
    while ((rc = sp_stmt_step(st)) == SP_STMT_ROW) {
        if (sp_vocab_add(v, (const char *)sp_stmt_column_text(st, 0),
                         (const char *)sp_stmt_column_text(st, 1),
                         (const char *)sp_stmt_column_text(st, 2),
                         (const char *)sp_stmt_column_text(st, 3), err) != SP_OK) {
            sp_stmt_reset(st);
            return err->code;
        }
    }
    sp_stmt_reset(st);
    if (rc != SP_STMT_DONE)
        return sp_db_sqlerr(db, err, "load vocabularies");
    if (!(st = sp_db_stmt(db, SP_Q_VOCAB_ALIASES, err)))
        return err->code;
    while ((rc = sp_stmt_step(st)) == SP_STMT_ROW) {
        if (sp_vocab_add(v, (const char *)sp_stmt_column_text(st, 0),
                         (const char *)sp_stmt_column_text(st, 1),
                         (const char *)sp_stmt_column_text(st, 2), NULL, err) != SP_OK) {
            sp_stmt_reset(st);
            return err->code;
        }
    }
    sp_stmt_reset(st);
    return rc == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, "load vocabulary aliases");
}
