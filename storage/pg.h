/* storage/pg.h - PostgreSQL through libpq, for storage/stmt.c and storage/db.c only: a
 * connection that answers statements written with SQLite's parameter marks (?N, :name, ?),
 * which it numbers as SQLite does and sends as $N. */
#ifndef SP_PG_H
#define SP_PG_H

#include <stddef.h>
#include <stdint.h>

#include "sp_err.h"

typedef struct sp_pg sp_pg;     /* a connection */
typedef struct sp_pgst sp_pgst; /* a statement of one */

/* 1 when path names a PostgreSQL database (a libpq URI: postgresql:// or postgres://). */
int sp_pg_is_uri(const char *path);
int sp_pg_connect(const char *uri, sp_pg **out, sp_err *err);
void sp_pg_close(sp_pg *pg);
/* Runs several statements without values (PQexec); an empty text does nothing. */
int sp_pg_exec(sp_pg *pg, const char *sql, const char *what, sp_err *err);
/* The connection's last error as an SP_E* in err: a constraint is a conflict, a lost or
 * refused connection SP_EUNAVAILABLE, a full disk SP_ENOSPACE, the rest SP_EDB. */
int sp_pg_error(sp_pg *pg, sp_err *err, const char *what);
int sp_pg_in_transaction(sp_pg *pg);
/* Until the transaction ends, a statement that returns no rows is sent without waiting for
 * its answer (libpq's pipeline mode) and steps to done at once; the answers are read with
 * the next statement that returns rows, sp_pg_changes or sp_pg_exec, and an error among them
 * fails that call as SP_EDB (never as this record's conflict), naming the statement's error.
 * For bulk transactions, where a failure after a record's first write stops the whole run. */
void sp_pg_defer(sp_pg *pg);
/* A connection string without its password, for messages. */
void sp_pg_safe_uri(const char *uri, char *out, size_t outsz);

sp_pgst *sp_pg_prepare(sp_pg *pg, const char *sql, const char *what, sp_err *err);
void sp_pg_finalize(sp_pgst *st);
int sp_pg_step(sp_pgst *st);
void sp_pg_reset(sp_pgst *st);
void sp_pg_clear_bindings(sp_pgst *st);
const char *sp_pg_sql(sp_pgst *st);
int sp_pg_bind_int64(sp_pgst *st, int idx, int64_t v);
int sp_pg_bind_double(sp_pgst *st, int idx, double v);
int sp_pg_bind_text(sp_pgst *st, int idx, const char *s);
int sp_pg_bind_blob(sp_pgst *st, int idx, const void *p, int n);
int sp_pg_bind_null(sp_pgst *st, int idx);
int sp_pg_param_index(sp_pgst *st, const char *name);
int sp_pg_param_count(sp_pgst *st);
const char *sp_pg_param_name(sp_pgst *st, int idx);
int sp_pg_column_count(sp_pgst *st);
const char *sp_pg_column_name(sp_pgst *st, int col);
int sp_pg_column_type(sp_pgst *st, int col);
int64_t sp_pg_column_int64(sp_pgst *st, int col);
double sp_pg_column_double(sp_pgst *st, int col);
const char *sp_pg_column_text(sp_pgst *st, int col);
const void *sp_pg_column_blob(sp_pgst *st, int col);
int sp_pg_column_bytes(sp_pgst *st, int col);
int64_t sp_pg_last_id(sp_pg *pg);
int sp_pg_changes(sp_pg *pg);
#endif
