/* storage/stmt.h - a prepared statement of either engine, for the storage files; not for
 * other modules. The storage C is written once: it prepares statements by name (sp_db_stmt),
 * binds values by parameter index or name, steps and reads columns through these calls, and
 * the registry's engine - SQLite with SpatiaLite (the embedded default) or PostgreSQL with
 * PostGIS through libpq (storage/pg.c) - answers. The calls mirror SQLite's C API, which the
 * storage files were first written against, so that their reading stays familiar:
 *   - parameters are numbered as SQLite numbers them (?N is N; a :name takes the next number
 *     at its first appearance; a plain ? the largest so far + 1), on both engines;
 *   - sp_stmt_step returns SP_STMT_ROW, SP_STMT_DONE, or anything else on failure (the
 *     connection's error then says what: sp_db_sqlerr);
 *   - a column's text or blob stays valid until the next step or reset of the statement.
 * Every bound value is copied: the caller's buffer may go at once. */
#ifndef SP_STMT_H
#define SP_STMT_H

#include <stdint.h>

typedef struct sp_db sp_db;
typedef struct sp_stmt sp_stmt;

enum { SP_STMT_ROW = 100, SP_STMT_DONE = 101 };
/* Column types, numbered as SQLite's. */
enum { SP_COL_INTEGER = 1, SP_COL_FLOAT = 2, SP_COL_TEXT = 3, SP_COL_BLOB = 4, SP_COL_NULL = 5 };

int sp_stmt_step(sp_stmt *st);
void sp_stmt_reset(sp_stmt *st);
void sp_stmt_clear_bindings(sp_stmt *st);
void sp_stmt_finalize(sp_stmt *st); /* NULL is fine */
const char *sp_stmt_sql(sp_stmt *st);

/* Binding returns SP_OK or SP_ENOMEM / SP_EINTERNAL (no such index). */
int sp_stmt_bind_int64(sp_stmt *st, int idx, int64_t v);
int sp_stmt_bind_int(sp_stmt *st, int idx, int v);
int sp_stmt_bind_double(sp_stmt *st, int idx, double v);
int sp_stmt_bind_text(sp_stmt *st, int idx, const char *s); /* NULL binds NULL */
int sp_stmt_bind_blob(sp_stmt *st, int idx, const void *p, int n);
int sp_stmt_bind_null(sp_stmt *st, int idx);
/* The index of ":name", 0 when the statement has none. */
int sp_stmt_param_index(sp_stmt *st, const char *name);
int sp_stmt_param_count(sp_stmt *st);
const char *sp_stmt_param_name(sp_stmt *st, int idx); /* NULL for a plain ? */

int sp_stmt_column_count(sp_stmt *st);
const char *sp_stmt_column_name(sp_stmt *st, int col);
int sp_stmt_column_type(sp_stmt *st, int col);
int64_t sp_stmt_column_int64(sp_stmt *st, int col);
int sp_stmt_column_int(sp_stmt *st, int col);
double sp_stmt_column_double(sp_stmt *st, int col);
const unsigned char *sp_stmt_column_text(sp_stmt *st, int col); /* NULL for NULL */
const void *sp_stmt_column_blob(sp_stmt *st, int col);
int sp_stmt_column_bytes(sp_stmt *st, int col);
/* Binds parameter idx of `to` from column col of `from`'s current row, keeping its type. */
int sp_stmt_bind_column(sp_stmt *to, int idx, sp_stmt *from, int col);

/* The id of the row the connection's last INSERT made, and the rows its last INSERT,
 * UPDATE or DELETE changed. */
int64_t sp_db_last_id(sp_db *db);
int sp_db_changes(sp_db *db);
#endif
