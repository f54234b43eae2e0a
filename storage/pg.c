/* storage/pg.c - the PostgreSQL engine of the storage module (see pg.h): libpq, one
 * connection a sp_db, statements prepared on the server once per connection.
 *
 * The storage files are written once for both engines, with SQLite's parameter marks; this
 * file numbers them as SQLite does (?N is N, a :name takes the next number at its first
 * appearance, a plain ? the largest so far + 1) and sends $N, skipping string literals,
 * quoted names, comments and :: casts. Values go as text (blobs as binary) with no declared
 * type: the statements of schemas/pg/queries.sql cast where PostgreSQL cannot infer one.
 * A result is read whole (PQexecPrepared) and walked a row a step: storage code runs one
 * statement while it reads another's rows, which one connection in single-row mode could
 * not. Results come as text; a bytea column is decoded from its hex form when read.
 * In a transaction marked by sp_pg_defer (a bulk import), a statement that returns no rows
 * is sent in libpq's pipeline mode without waiting for its answer; the answers are read with
 * the next statement that returns rows or before anything else talks to the server. A bulk
 * import's kinds, index rows and search words were one round trip each: measured, about
 * two thirds of the round trips of an import (bench/RESULTS.md, issue 23). */
#include "pg.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stmt.h"

#define SP_PG_OID_BOOL    16
#define SP_PG_OID_BYTEA   17
#define SP_PG_OID_INT8    20
#define SP_PG_OID_INT2    21
#define SP_PG_OID_INT4    23
#define SP_PG_OID_TEXT    25
#define SP_PG_OID_OID     26
#define SP_PG_OID_FLOAT4  700
#define SP_PG_OID_FLOAT8  701
#define SP_PG_OID_NUMERIC 1700

/* Statements sent ahead of their answers at most: their small answers wait in the socket's
 * buffer meanwhile, which must not fill up (the server would stop reading). */
#define SP_PG_PIPELINE_MAX 512

struct sp_pg {
    PGconn *conn;
    unsigned next_name;  /* prepared statements are named s1, s2, ... */
    unsigned generation; /* bumped by a reconnection: statements are prepared again */
    char sqlstate[6];
    char *errmsg;
    int64_t last_id;
    int changes;
    int is_deferring;  /* sp_pg_defer: until the transaction ends */
    int pending;       /* statements sent in pipeline mode, answers not yet read */
    int is_late_error; /* the error noted was a pending statement's */
};

struct sp_pgst {
    sp_pg *pg;
    char name[16];
    unsigned generation; /* of the connection it was prepared on; 0: not yet */
    char *sql;           /* with $N */
    int is_empty;        /* only comments: steps to DONE */
    int nparams;
    char **param_names; /* [1..nparams]: ":name", or NULL */
    unsigned *types;    /* [1..nparams]: 0 (PostgreSQL infers it), or text for a number the
                         * SQL skips (?1 and ?3 without ?2), which it could not infer */
    char **values;      /* [1..nparams] */
    int *lengths, *formats;
    int ncols;       /* known from the prepare, before any step (as SQLite knows them) */
    char **colnames; /* [0..ncols) */
    PGresult *res;
    int is_sent; /* sent ahead of its answer (sp_pg_defer): done until reset */
    int row, nrows;
    unsigned char **blobs; /* decoded bytea of the current row, by column */
    size_t *blob_len;
};

int sp_pg_is_uri(const char *path)
{
    return path &&
           (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

void sp_pg_safe_uri(const char *uri, char *out, size_t outsz)
{
    const char *scheme = strstr(uri, "://"), *at = strchr(uri, '@');
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (scheme && at && colon && colon < at)
        snprintf(out, outsz, "%.*s:***%s", (int)(colon - uri), uri, at);
    else
        snprintf(out, outsz, "%s", uri);
}

static void note_error(sp_pg *pg, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (!msg || !*msg)
        msg = PQerrorMessage(pg->conn);
    snprintf(pg->sqlstate, sizeof pg->sqlstate, "%s", state ? state : "");
    pg->is_late_error = 0;
    free(pg->errmsg);
    pg->errmsg = strdup(msg && *msg ? msg : "unknown error");
    size_t n = pg->errmsg ? strlen(pg->errmsg) : 0;
    while (n > 0 && isspace((unsigned char)pg->errmsg[n - 1]))
        pg->errmsg[--n] = '\0';
}

int sp_pg_error(sp_pg *pg, sp_err *err, const char *what)
{
    const char *s = pg->sqlstate;
    int code = SP_EDB;
    if (strncmp(s, "23", 2) == 0 && !pg->is_late_error) /* a late one is not this record's */
        code = SP_ECONFLICT;
    else if (strcmp(s, "53100") == 0)
        code = SP_ENOSPACE;
    else if (strncmp(s, "08", 2) == 0 || strncmp(s, "57P", 3) == 0 || !*s ||
             PQstatus(pg->conn) != CONNECTION_OK)
        code = SP_EUNAVAILABLE;
    if (code != SP_EUNAVAILABLE || *s)
        return sp_err_set(err, code, "postgresql: %s (%s%s)", pg->errmsg ? pg->errmsg : "?",
                          pg->is_late_error ? "a statement sent before " : "", what);
    return sp_err_set(err, code, "postgresql: the database is not reachable: %s (%s)",
                      pg->errmsg ? pg->errmsg : "?", what);
}

/* A lost connection is made again before the next statement, outside a transaction only
 * (one that was open is lost with it, and the caller's commit fails). Lost includes closed
 * by the server since the last statement (PostgreSQL restarted while this connection was
 * idle): libpq learns that only by reading, so what the server sent is read first, without
 * waiting (libpq's socket does not block). A server that ends a session sends its FATAL
 * message, then closes: the first read takes the message, the second meets the end of the
 * stream and makes the status bad (two recv() calls, each EAGAIN on a live connection).
 * Else the statement would be sent to a closed connection and fail: a 503 for a database
 * that is up, once for every idle connection of every node (test_pg_faults.sh, c). */
static int ensure_connected(sp_pg *pg)
{
    if (PQstatus(pg->conn) == CONNECTION_OK && PQconsumeInput(pg->conn) &&
        PQconsumeInput(pg->conn) && PQstatus(pg->conn) == CONNECTION_OK)
        return 1;
    PQreset(pg->conn);
    if (PQstatus(pg->conn) != CONNECTION_OK) {
        note_error(pg, NULL);
        pg->sqlstate[0] = '\0';
        return 0;
    }
    pg->generation++;
    return 1;
}

static void notice_quiet(void *arg, const char *message)
{
    (void)arg, (void)message; /* NOTICEs of migrations ("already exists, skipping") */
}

int sp_pg_connect(const char *uri, sp_pg **out, sp_err *err)
{
    *out = NULL;
    sp_pg *pg = calloc(1, sizeof *pg);
    if (!pg)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    pg->generation = 1;
    pg->conn = PQconnectdb(uri);
    char safe[512];
    sp_pg_safe_uri(uri, safe, sizeof safe);
    if (!pg->conn || PQstatus(pg->conn) != CONNECTION_OK) {
        sp_err_set(err, SP_EUNAVAILABLE, "cannot connect to %s: %s", safe,
                   pg->conn ? PQerrorMessage(pg->conn) : "out of memory");
        sp_pg_close(pg);
        return err->code;
    }
    PQsetNoticeProcessor(pg->conn, notice_quiet, NULL);
    if (PQsetClientEncoding(pg->conn, "UTF8") != 0) {
        sp_err_set(err, SP_EDB, "%s: cannot use UTF-8: %s", safe, PQerrorMessage(pg->conn));
        sp_pg_close(pg);
        return err->code;
    }
    *out = pg;
    return SP_OK;
}

void sp_pg_close(sp_pg *pg)
{
    if (!pg)
        return;
    if (pg->conn)
        PQfinish(pg->conn);
    free(pg->errmsg);
    free(pg);
}

int sp_pg_in_transaction(sp_pg *pg)
{
    PGTransactionStatusType t = PQtransactionStatus(pg->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* 1 when sql holds nothing but whitespace and comments. */
static int is_blank(const char *sql)
{
    for (const char *p = sql; *p;) {
        if (isspace((unsigned char)*p))
            p++;
        else if (p[0] == '-' && p[1] == '-')
            p += strcspn(p, "\n");
        else
            return 0;
    }
    return 1;
}

/* ---- statements sent ahead (sp_pg_defer) ----------------------------------------------- */

void sp_pg_defer(sp_pg *pg)
{
    pg->is_deferring = 1;
}

/* Leaves pipeline mode: reads the answers of the pending statements (the first error among
 * them is noted as a late one; the transaction is then aborted), then, when last is given,
 * the answer of the one statement sent after them, for the caller. SP_OK, SP_EDB when a
 * pending statement failed, SP_EUNAVAILABLE when the connection did. */
static int pipeline_end(sp_pg *pg, PGresult **last)
{
    int rc = SP_OK, n = pg->pending + (last ? 1 : 0);
    if (last)
        *last = NULL;
    pg->pending = 0;
    if (PQpipelineSync(pg->conn) != 1) {
        note_error(pg, NULL);
        return SP_EUNAVAILABLE;
    }
    for (int i = 0; i < n; i++) {
        PGresult *res = PQgetResult(pg->conn);
        if (!res) {
            note_error(pg, NULL);
            return SP_EUNAVAILABLE;
        }
        PQclear(PQgetResult(pg->conn)); /* the NULL that ends a statement's answer */
        if (last && i == n - 1) {
            *last = res;
            break;
        }
        ExecStatusType s = PQresultStatus(res);
        if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
            const char *tuples = PQcmdTuples(res);
            pg->changes = tuples && *tuples ? atoi(tuples) : 0;
        } else if (rc == SP_OK) { /* the rest were not run (PGRES_PIPELINE_ABORTED) */
            note_error(pg, res);
            pg->is_late_error = 1;
            rc = SP_EDB;
        }
        PQclear(res);
    }
    PGresult *sync = PQgetResult(pg->conn);
    int is_synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    PQclear(sync);
    if ((!is_synced || PQexitPipelineMode(pg->conn) != 1) && rc == SP_OK) {
        note_error(pg, NULL);
        rc = SP_EUNAVAILABLE;
    }
    return rc;
}

/* Sends st without waiting for its answer (a statement that returns no rows, in a deferring
 * transaction); at most SP_PG_PIPELINE_MAX are pending. */
static int send_ahead(sp_pgst *st)
{
    sp_pg *pg = st->pg;
    if (PQpipelineStatus(pg->conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(pg->conn) != 1) {
        note_error(pg, NULL);
        return SP_EDB;
    }
    if (!PQsendQueryPrepared(pg->conn, st->name, st->nparams, (const char *const *)st->values + 1,
                             st->lengths + 1, st->formats + 1, 0)) {
        note_error(pg, NULL);
        return SP_EDB;
    }
    pg->pending++;
    st->is_sent = 1;
    if (pg->pending >= SP_PG_PIPELINE_MAX && pipeline_end(pg, NULL) != SP_OK)
        return SP_EDB;
    return SP_STMT_DONE;
}

int sp_pg_exec(sp_pg *pg, const char *sql, const char *what, sp_err *err)
{
    if (is_blank(sql))
        return SP_OK;
    /* A late error fails even a COMMIT, which PostgreSQL would turn into a quiet ROLLBACK. */
    int late = pg->pending ? pipeline_end(pg, NULL) : SP_OK;
    if (!sp_pg_in_transaction(pg) && !ensure_connected(pg))
        return sp_pg_error(pg, err, what);
    PGresult *res = PQexec(pg->conn, sql);
    ExecStatusType s = PQresultStatus(res);
    int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
    if (!ok && late == SP_OK)
        note_error(pg, res);
    PQclear(res);
    if (!sp_pg_in_transaction(pg))
        pg->is_deferring = 0;
    return ok && late == SP_OK ? SP_OK : sp_pg_error(pg, err, what);
}

/* ---- statements ------------------------------------------------------------------------ */

static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* sql with SQLite's parameter marks as $N, numbered as SQLite numbers them; the names of
 * :name parameters into st->param_names. */
static int translate(sp_pgst *st, const char *sql)
{
    size_t n = strlen(sql);
    char *out = malloc(n * 2 + 16), *o = out;
    char **names = calloc(n + 2, sizeof *names);
    unsigned *types = calloc(n + 2, sizeof *types);
    int max = 0;
    if (!out || !names || !types) {
        free(out);
        free(names);
        free(types);
        return SP_ENOMEM;
    }
    for (size_t i = 0; i < n + 2; i++)
        types[i] = SP_PG_OID_TEXT; /* until the SQL uses it */
    for (const char *p = sql; *p;) {
        if (*p == '\'' || *p == '"') { /* a literal or quoted name; '' and "" inside */
            char q = *p;
            *o++ = *p++;
            while (*p && !(*p == q && p[1] != q))
                if (*p == q)
                    *o++ = *p++, *o++ = *p++;
                else
                    *o++ = *p++;
            if (*p)
                *o++ = *p++;
        } else if (p[0] == '-' && p[1] == '-') {
            size_t k = strcspn(p, "\n");
            memcpy(o, p, k), o += k, p += k;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            size_t k = end ? (size_t)(end + 2 - p) : strlen(p);
            memcpy(o, p, k), o += k, p += k;
        } else if (p[0] == ':' && p[1] == ':') {
            *o++ = *p++, *o++ = *p++;
        } else if (*p == '?' || (*p == ':' && name_char(p[1]) && !isdigit((unsigned char)p[1]))) {
            int idx;
            if (*p == '?' && isdigit((unsigned char)p[1])) {
                idx = (int)strtol(p + 1, (char **)&p, 10);
            } else if (*p == '?') {
                idx = max + 1;
                p++;
            } else {
                const char *s = p++;
                while (name_char(*p))
                    p++;
                idx = 0;
                for (int i = 1; i <= max && !idx; i++)
                    if (names[i] && strlen(names[i]) == (size_t)(p - s) &&
                        strncmp(names[i], s, (size_t)(p - s)) == 0)
                        idx = i;
                if (!idx) {
                    idx = max + 1;
                    names[idx] = strndup(s, (size_t)(p - s));
                }
            }
            if (idx < 1 || (size_t)idx > n) {
                free(out);
                for (int i = 0; i <= max; i++)
                    free(names[i]);
                free(names);
                free(types);
                return SP_EINTERNAL;
            }
            if (idx > max)
                max = idx;
            types[idx] = 0;
            o += sprintf(o, "$%d", idx);
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    st->sql = out;
    st->nparams = max;
    st->param_names = names;
    st->types = types;
    st->values = calloc((size_t)max + 1, sizeof *st->values);
    st->lengths = calloc((size_t)max + 1, sizeof *st->lengths);
    st->formats = calloc((size_t)max + 1, sizeof *st->formats);
    return st->values && st->lengths && st->formats ? SP_OK : SP_ENOMEM;
}

static int server_prepare(sp_pgst *st)
{
    sp_pg *pg = st->pg;
    if (pg->pending && pipeline_end(pg, NULL) != SP_OK)
        return 0;
    snprintf(st->name, sizeof st->name, "s%u", ++pg->next_name);
    PGresult *res = PQprepare(pg->conn, st->name, st->sql, st->nparams, st->types + 1);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        note_error(pg, res);
    PQclear(res);
    if (ok && !st->colnames) { /* the columns, as sqlite3_column_count/name know them */
        res = PQdescribePrepared(pg->conn, st->name);
        ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        int n = ok ? PQnfields(res) : 0;
        if (!ok)
            note_error(pg, res);
        else if (n > 0 && !(st->colnames = calloc((size_t)n, sizeof *st->colnames)))
            ok = 0;
        for (int i = 0; ok && i < n; i++)
            ok = (st->colnames[i] = strdup(PQfname(res, i))) != NULL;
        st->ncols = n;
        PQclear(res);
    }
    if (ok)
        st->generation = pg->generation;
    return ok;
}

sp_pgst *sp_pg_prepare(sp_pg *pg, const char *sql, const char *what, sp_err *err)
{
    sp_pgst *st = calloc(1, sizeof *st);
    if (!st) {
        sp_err_set(err, SP_ENOMEM, "out of memory");
        return NULL;
    }
    st->pg = pg;
    st->row = -1;
    int rc = translate(st, sql);
    if (rc != SP_OK) {
        sp_err_set(err, rc, "%s: cannot number the parameters of %.200s", what, sql);
        sp_pg_finalize(st);
        return NULL;
    }
    st->is_empty = is_blank(st->sql);
    if (!st->is_empty && (!ensure_connected(pg) || !server_prepare(st))) {
        sp_pg_error(pg, err, what);
        sp_pg_finalize(st);
        return NULL;
    }
    return st;
}

static void drop_row(sp_pgst *st)
{
    if (st->blobs) {
        int n = st->res ? PQnfields(st->res) : 0;
        for (int i = 0; i < n; i++)
            free(st->blobs[i]);
        free(st->blobs);
        free(st->blob_len);
        st->blobs = NULL;
        st->blob_len = NULL;
    }
}

void sp_pg_reset(sp_pgst *st)
{
    drop_row(st);
    PQclear(st->res);
    st->res = NULL;
    st->is_sent = 0;
    st->row = -1;
    st->nrows = 0;
}

void sp_pg_clear_bindings(sp_pgst *st)
{
    for (int i = 1; i <= st->nparams; i++) {
        free(st->values[i]);
        st->values[i] = NULL;
        st->lengths[i] = 0;
        st->formats[i] = 0;
    }
}

void sp_pg_finalize(sp_pgst *st)
{
    if (!st)
        return;
    sp_pg_reset(st);
    if (st->values)
        sp_pg_clear_bindings(st);
    if (st->generation && st->generation == st->pg->generation &&
        PQstatus(st->pg->conn) == CONNECTION_OK && !sp_pg_in_transaction(st->pg)) {
        char sql[40];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
        PQclear(PQexec(st->pg->conn, sql));
    }
    for (int i = 0; st->param_names && i <= st->nparams; i++)
        free(st->param_names[i]);
    free(st->param_names);
    free(st->types);
    for (int i = 0; st->colnames && i < st->ncols; i++)
        free(st->colnames[i]);
    free(st->colnames);
    free(st->values);
    free(st->lengths);
    free(st->formats);
    free(st->sql);
    free(st);
}

const char *sp_pg_sql(sp_pgst *st)
{
    return st->sql;
}

int sp_pg_step(sp_pgst *st)
{
    sp_pg *pg = st->pg;
    if (st->is_empty || st->is_sent)
        return SP_STMT_DONE;
    if (!st->res) {
        drop_row(st);
        int in_tx = sp_pg_in_transaction(pg);
        if ((!in_tx && !ensure_connected(pg)) ||
            (st->generation != pg->generation && !server_prepare(st)))
            return SP_EUNAVAILABLE;
        if (pg->is_deferring && in_tx && st->ncols == 0)
            return send_ahead(st);
        const char *const *values = (const char *const *)st->values + 1;
        if (!pg->pending) {
            st->res = PQexecPrepared(pg->conn, st->name, st->nparams, values, st->lengths + 1,
                                     st->formats + 1, 0);
        } else { /* after the pending ones, in the same round trip */
            int rc = PQsendQueryPrepared(pg->conn, st->name, st->nparams, values, st->lengths + 1,
                                         st->formats + 1, 0)
                         ? pipeline_end(pg, &st->res)
                         : SP_EUNAVAILABLE;
            if (rc != SP_OK) {
                if (rc == SP_EUNAVAILABLE && !pg->is_late_error)
                    note_error(pg, NULL);
                PQclear(st->res);
                st->res = NULL;
                return rc;
            }
        }
        ExecStatusType s = PQresultStatus(st->res);
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            note_error(pg, st->res);
            PQclear(st->res);
            st->res = NULL;
            return SP_EDB;
        }
        st->nrows = PQntuples(st->res);
        st->row = -1;
        const char *tuples = PQcmdTuples(st->res);
        pg->changes = tuples && *tuples ? atoi(tuples) : 0;
        if (strncmp(PQcmdStatus(st->res), "INSERT", 6) == 0 && st->nrows > 0 &&
            PQnfields(st->res) > 0 && !PQgetisnull(st->res, 0, 0))
            pg->last_id = strtoll(PQgetvalue(st->res, 0, 0), NULL, 10);
    }
    drop_row(st);
    if (st->row + 1 >= st->nrows) {
        st->row = st->nrows;
        return SP_STMT_DONE;
    }
    st->row++;
    return SP_STMT_ROW;
}

static int set_value(sp_pgst *st, int idx, char *v, int len, int format)
{
    if (idx < 1 || idx > st->nparams) {
        free(v);
        return SP_EINTERNAL;
    }
    free(st->values[idx]);
    st->values[idx] = v;
    st->lengths[idx] = len;
    st->formats[idx] = format;
    return SP_OK;
}

int sp_pg_bind_int64(sp_pgst *st, int idx, int64_t v)
{
    char *s = malloc(24);
    if (!s)
        return SP_ENOMEM;
    snprintf(s, 24, "%lld", (long long)v);
    return set_value(st, idx, s, 0, 0);
}

int sp_pg_bind_double(sp_pgst *st, int idx, double v)
{
    char *s = malloc(32);
    if (!s)
        return SP_ENOMEM;
    snprintf(s, 32, "%.17g", v);
    return set_value(st, idx, s, 0, 0);
}

int sp_pg_bind_text(sp_pgst *st, int idx, const char *v)
{
    char *s = strdup(v);
    return s ? set_value(st, idx, s, 0, 0) : SP_ENOMEM;
}

int sp_pg_bind_blob(sp_pgst *st, int idx, const void *p, int n)
{
    char *s = malloc(n > 0 ? (size_t)n : 1);
    if (!s)
        return SP_ENOMEM;
    if (n > 0)
        memcpy(s, p, (size_t)n);
    return set_value(st, idx, s, n, 1);
}

int sp_pg_bind_null(sp_pgst *st, int idx)
{
    return set_value(st, idx, NULL, 0, 0);
}

int sp_pg_param_index(sp_pgst *st, const char *name)
{
    for (int i = 1; i <= st->nparams; i++)
        if (st->param_names[i] && strcmp(st->param_names[i], name) == 0)
            return i;
    return 0;
}

int sp_pg_param_count(sp_pgst *st)
{
    return st->nparams;
}

const char *sp_pg_param_name(sp_pgst *st, int idx)
{
    return idx >= 1 && idx <= st->nparams ? st->param_names[idx] : NULL;
}

static int has_row(sp_pgst *st, int col)
{
    return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 && col < PQnfields(st->res);
}

int sp_pg_column_count(sp_pgst *st)
{
    return st->ncols;
}

const char *sp_pg_column_name(sp_pgst *st, int col)
{
    return col >= 0 && col < st->ncols ? st->colnames[col] : NULL;
}

int sp_pg_column_type(sp_pgst *st, int col)
{
    if (!has_row(st, col) || PQgetisnull(st->res, st->row, col))
        return SP_COL_NULL;
    switch (PQftype(st->res, col)) {
    case SP_PG_OID_BOOL:
    case SP_PG_OID_INT2:
    case SP_PG_OID_INT4:
    case SP_PG_OID_INT8:
    case SP_PG_OID_OID:
        return SP_COL_INTEGER;
    case SP_PG_OID_FLOAT4:
    case SP_PG_OID_FLOAT8:
    case SP_PG_OID_NUMERIC:
        return SP_COL_FLOAT;
    case SP_PG_OID_BYTEA:
        return SP_COL_BLOB;
    default:
        return SP_COL_TEXT;
    }
}

const char *sp_pg_column_text(sp_pgst *st, int col)
{
    if (!has_row(st, col) || PQgetisnull(st->res, st->row, col))
        return NULL;
    return PQgetvalue(st->res, st->row, col);
}

int64_t sp_pg_column_int64(sp_pgst *st, int col)
{
    const char *v = sp_pg_column_text(st, col);
    if (!v)
        return 0;
    if (PQftype(st->res, col) == SP_PG_OID_BOOL)
        return *v == 't';
    if (strpbrk(v, ".eE")) /* a real read as an integer: truncated, as SQLite does */
        return (int64_t)strtod(v, NULL);
    return strtoll(v, NULL, 10);
}

double sp_pg_column_double(sp_pgst *st, int col)
{
    const char *v = sp_pg_column_text(st, col);
    return v ? strtod(v, NULL) : 0.0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* A bytea column's bytes, decoded once a row from PostgreSQL's hex output (\x...). */
static const unsigned char *blob_of(sp_pgst *st, int col, size_t *len)
{
    const char *v = sp_pg_column_text(st, col);
    *len = 0;
    if (!v)
        return NULL;
    if (PQftype(st->res, col) != SP_PG_OID_BYTEA || strncmp(v, "\\x", 2) != 0) {
        *len = (size_t)PQgetlength(st->res, st->row, col);
        return (const unsigned char *)v;
    }
    int n = PQnfields(st->res);
    if (!st->blobs) {
        st->blobs = calloc((size_t)n, sizeof *st->blobs);
        st->blob_len = calloc((size_t)n, sizeof *st->blob_len);
        if (!st->blobs || !st->blob_len)
            return NULL;
    }
    if (!st->blobs[col]) {
        size_t k = strlen(v + 2) / 2;
        unsigned char *b = malloc(k ? k : 1);
        if (!b)
            return NULL;
        for (size_t i = 0; i < k; i++)
            b[i] = (unsigned char)(hexval(v[2 + 2 * i]) << 4 | hexval(v[3 + 2 * i]));
        st->blobs[col] = b;
        st->blob_len[col] = k;
    }
    *len = st->blob_len[col];
    return st->blobs[col];
}

const void *sp_pg_column_blob(sp_pgst *st, int col)
{
    size_t len;
    return blob_of(st, col, &len);
}

int sp_pg_column_bytes(sp_pgst *st, int col)
{
    size_t len;
    blob_of(st, col, &len);
    return (int)len;
}

int64_t sp_pg_last_id(sp_pg *pg)
{
    return pg->last_id;
}

int sp_pg_changes(sp_pg *pg)
{
    if (pg->pending)
        pipeline_end(pg, NULL); /* an error is the next statement's too */
    return pg->changes;
}
