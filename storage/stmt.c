/* storage/stmt.c - the statement calls of stmt.h: SQLite's own, or PostgreSQL's
 * (storage/pg.c) when the registry is a PostgreSQL database. One branch a call; the SQLite
 * path is SQLite's C API itself, so the embedded default pays a pointer test. */
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "pg.h"

struct sp_stmt {
    sp_db *db;
    sqlite3_stmt *lite; /* SQLite, or */
    sp_pgst *pg;        /* PostgreSQL */
};

sp_stmt *sp_stmt_prepare(sp_db *db, const char *sql, const char *what, sp_err *err)
{
    sp_stmt *st = calloc(1, sizeof *st);
    if (!st) {
        sp_err_set(err, SP_ENOMEM, "out of memory");
        return NULL;
    }
    st->db = db;
    if (db->pg) {
        st->pg = sp_pg_prepare(db->pg, sql, what, err);
    } else if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->lite, NULL) !=
               SQLITE_OK) {
        sp_db_sqlerr(db, err, what);
    }
    if (!st->lite && !st->pg) {
        free(st);
        return NULL;
    }
    return st;
}

void sp_stmt_finalize(sp_stmt *st)
{
    if (!st)
        return;
    if (st->lite)
        sqlite3_finalize(st->lite);
    else
        sp_pg_finalize(st->pg);
    free(st);
}

int sp_stmt_step(sp_stmt *st)
{
    if (!st->lite)
        return sp_pg_step(st->pg);
    int rc = sqlite3_step(st->lite);
    return rc == SQLITE_ROW ? SP_STMT_ROW : rc == SQLITE_DONE ? SP_STMT_DONE : rc;
}

void sp_stmt_reset(sp_stmt *st)
{
    if (st->lite)
        sqlite3_reset(st->lite);
    else
        sp_pg_reset(st->pg);
}

void sp_stmt_clear_bindings(sp_stmt *st)
{
    if (st->lite)
        sqlite3_clear_bindings(st->lite);
    else
        sp_pg_clear_bindings(st->pg);
}

const char *sp_stmt_sql(sp_stmt *st)
{
    return st->lite ? sqlite3_sql(st->lite) : sp_pg_sql(st->pg);
}

static int bound(int rc)
{
    return rc == SQLITE_OK ? SP_OK : rc == SQLITE_NOMEM ? SP_ENOMEM : SP_EINTERNAL;
}

int sp_stmt_bind_int64(sp_stmt *st, int idx, int64_t v)
{
    if (!st->lite)
        return sp_pg_bind_int64(st->pg, idx, v);
    return bound(sqlite3_bind_int64(st->lite, idx, v));
}

int sp_stmt_bind_int(sp_stmt *st, int idx, int v)
{
    return sp_stmt_bind_int64(st, idx, v);
}

int sp_stmt_bind_double(sp_stmt *st, int idx, double v)
{
    if (!st->lite)
        return sp_pg_bind_double(st->pg, idx, v);
    return bound(sqlite3_bind_double(st->lite, idx, v));
}

int sp_stmt_bind_text(sp_stmt *st, int idx, const char *s)
{
    if (!s)
        return sp_stmt_bind_null(st, idx);
    if (!st->lite)
        return sp_pg_bind_text(st->pg, idx, s);
    return bound(sqlite3_bind_text(st->lite, idx, s, -1, SQLITE_TRANSIENT));
}

int sp_stmt_bind_text_len(sp_stmt *st, int idx, const char *s, int n)
{
    if (!s)
        return sp_stmt_bind_null(st, idx);
    if (st->lite)
        return bound(sqlite3_bind_text(st->lite, idx, s, n, SQLITE_TRANSIENT));
    char *copy = strndup(s, (size_t)n);
    int rc = copy ? sp_pg_bind_text(st->pg, idx, copy) : SP_ENOMEM;
    free(copy);
    return rc;
}

int sp_stmt_bind_text_ref(sp_stmt *st, int idx, const char *s)
{
    if (s && st->lite)
        return bound(sqlite3_bind_text(st->lite, idx, s, -1, SQLITE_STATIC));
    return sp_stmt_bind_text(st, idx, s);
}

int sp_stmt_bind_blob(sp_stmt *st, int idx, const void *p, int n)
{
    if (!p)
        return sp_stmt_bind_null(st, idx);
    if (!st->lite)
        return sp_pg_bind_blob(st->pg, idx, p, n);
    return bound(sqlite3_bind_blob(st->lite, idx, p, n, SQLITE_TRANSIENT));
}

int sp_stmt_bind_null(sp_stmt *st, int idx)
{
    if (!st->lite)
        return sp_pg_bind_null(st->pg, idx);
    return bound(sqlite3_bind_null(st->lite, idx));
}

int sp_stmt_param_index(sp_stmt *st, const char *name)
{
    return st->lite ? sqlite3_bind_parameter_index(st->lite, name)
                    : sp_pg_param_index(st->pg, name);
}

int sp_stmt_param_count(sp_stmt *st)
{
    return st->lite ? sqlite3_bind_parameter_count(st->lite) : sp_pg_param_count(st->pg);
}

const char *sp_stmt_param_name(sp_stmt *st, int idx)
{
    return st->lite ? sqlite3_bind_parameter_name(st->lite, idx) : sp_pg_param_name(st->pg, idx);
}

int sp_stmt_column_count(sp_stmt *st)
{
    return st->lite ? sqlite3_column_count(st->lite) : sp_pg_column_count(st->pg);
}

const char *sp_stmt_column_name(sp_stmt *st, int col)
{
    return st->lite ? sqlite3_column_name(st->lite, col) : sp_pg_column_name(st->pg, col);
}

int sp_stmt_column_type(sp_stmt *st, int col)
{
    return st->lite ? sqlite3_column_type(st->lite, col) : sp_pg_column_type(st->pg, col);
}

int64_t sp_stmt_column_int64(sp_stmt *st, int col)
{
    return st->lite ? sqlite3_column_int64(st->lite, col) : sp_pg_column_int64(st->pg, col);
}

int sp_stmt_column_int(sp_stmt *st, int col)
{
    return (int)sp_stmt_column_int64(st, col);
}

double sp_stmt_column_double(sp_stmt *st, int col)
{
    return st->lite ? sqlite3_column_double(st->lite, col) : sp_pg_column_double(st->pg, col);
}

const unsigned char *sp_stmt_column_text(sp_stmt *st, int col)
{
    return st->lite ? sqlite3_column_text(st->lite, col)
                    : (const unsigned char *)sp_pg_column_text(st->pg, col);
}

const void *sp_stmt_column_blob(sp_stmt *st, int col)
{
    return st->lite ? sqlite3_column_blob(st->lite, col) : sp_pg_column_blob(st->pg, col);
}

int sp_stmt_column_bytes(sp_stmt *st, int col)
{
    return st->lite ? sqlite3_column_bytes(st->lite, col) : sp_pg_column_bytes(st->pg, col);
}

int sp_stmt_bind_column(sp_stmt *to, int idx, sp_stmt *from, int col)
{
    if (to->lite && from->lite)
        return bound(sqlite3_bind_value(to->lite, idx, sqlite3_column_value(from->lite, col)));
    switch (sp_stmt_column_type(from, col)) {
    case SP_COL_NULL:
        return sp_stmt_bind_null(to, idx);
    case SP_COL_INTEGER:
        return sp_stmt_bind_int64(to, idx, sp_stmt_column_int64(from, col));
    case SP_COL_FLOAT:
        return sp_stmt_bind_double(to, idx, sp_stmt_column_double(from, col));
    case SP_COL_BLOB:
        return sp_stmt_bind_blob(to, idx, sp_stmt_column_blob(from, col),
                                 sp_stmt_column_bytes(from, col));
    default:
        return sp_stmt_bind_text(to, idx, (const char *)sp_stmt_column_text(from, col));
    }
}

int64_t sp_db_last_id(sp_db *db)
{
    return db->pg ? sp_pg_last_id(db->pg) : sqlite3_last_insert_rowid(db->conn);
}

int sp_db_changes(sp_db *db)
{
    return db->pg ? sp_pg_changes(db->pg) : sqlite3_changes(db->conn);
}
