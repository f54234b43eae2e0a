/* storage/sp_db_cql.h - compile a parsed CQL2 filter (cql/sp_cql.h) into a parameterised
 * SQL WHERE fragment. Storage owns SQL text, so the compiler lives here; the server hands
 * the tree to storage's query functions. Nothing from the filter is pasted into SQL:
 * property names are looked up in a whitelist of trusted SQL expressions and every value,
 * the geometry WKT included, becomes a bound parameter.
 *
 * Semantics: text/number/date comparisons are SQLite's (dates as ISO text: a DATE equals
 * no timestamp and sorts before every timestamp of its day); booleans compare as 0/1;
 * LIKE is CQL2's case-sensitive LIKE (% any run, _ one character, \ escapes) compiled to
 * GLOB with a translated pattern, because SQLite's LIKE folds ASCII case only; spatial
 * functions are SpatiaLite's ST_* on SRID 4326 with an R*Tree prefilter when the
 * queryable names its index (S_DISJOINT cannot use one). */
#ifndef SP_DB_CQL_H
#define SP_DB_CQL_H

#include <stddef.h>
#include <stdint.h>

#include "sp_cql.h"
#include "sp_err.h"
#include "sp_strbuf.h"

typedef enum {
    SP_QT_TEXT,
    SP_QT_INT,
    SP_QT_REAL,
    SP_QT_DATE, /* ISO text: YYYY[-MM[-DD]] or YYYY-MM-DDTHH:MM:SS.sssZ */
    SP_QT_BOOL, /* 0/1 */
    SP_QT_GEOMETRY
} sp_queryable_type;

/* One filterable property. name is what filters say; sql, rtree and rowid are trusted
 * SQL written by storage, never derived from input. */
typedef struct sp_queryable {
    const char *name;
    const char *sql; /* a column such as "m.year_from"; parenthesise anything else */
    sp_queryable_type type;
    const char *rtree; /* SP_QT_GEOMETRY, optional: R*Tree table such as "idx_monument_geom" */
    const char *rowid; /* with rtree: the row key the R*Tree's pkid holds, e.g. "m.id" */
} sp_queryable;

typedef enum { SP_DB_P_NULL, SP_DB_P_INT, SP_DB_P_REAL, SP_DB_P_TEXT } sp_db_param_type;

typedef struct sp_db_param {
    const char *name; /* ":minx" (static text), or NULL: the next plain ? of the statement */
    sp_db_param_type type;
    int64_t i;
    double d;
    char *text; /* owned, NUL-terminated */
    size_t len;
} sp_db_param;

/* Values to bind: by name, or in order for the plain ? of a filter (storage binds them,
 * storage/cql_sql.c). Zero-initialise; sp_db_params_free releases. */
typedef struct sp_db_params {
    sp_db_param *items;
    int n, cap;
} sp_db_params;

void sp_db_params_free(sp_db_params *p);
/* Appends a value; name NULL for a plain ?. s NULL is SQL NULL. SP_OK or SP_ENOMEM. */
int sp_db_params_text(sp_db_params *p, const char *name, const char *s, size_t len, sp_err *err);
int sp_db_params_real(sp_db_params *p, const char *name, double d, sp_err *err);
int sp_db_params_int(sp_db_params *p, const char *name, int64_t i, sp_err *err);

/* Appends "(<condition>)" to sql_out and its values to params. On failure both are left
 * as they were and err says why: SP_EINVAL for an unknown property or a type mismatch,
 * SP_ENOMEM. AND/OR operands come out nested operands first and long lists in balanced
 * groups, which keeps SQLite's parser stack and expression depth within its limits for
 * filters within SP_CQL_MAX_DEPTH. */
enum { SP_DB_SQL_SQLITE, SP_DB_SQL_PG }; /* the dialect of the SQL sp_db_cql_where writes */
int sp_db_cql_where(const sp_cql_expr *e, const sp_queryable *whitelist, int n, int dialect,
                    sp_strbuf *sql_out, sp_db_params *params, sp_err *err);

#endif
