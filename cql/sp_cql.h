/* cql/sp_cql.h - parse an OGC CQL2-Text filter (the `filter=` query parameter of OGC API -
 * Features Part 3) into a small tree. The parser knows no SQL and no queryables: storage
 * checks property names and types and compiles the tree (storage/sp_db_cql.h), so the
 * grammar is tested alone and a second backend can reuse it.
 *
 * Subset (keywords case-insensitive): AND, OR, NOT and parentheses (NOT > AND > OR);
 * = <> < > <= >=; [NOT] LIKE, [NOT] IN (...), [NOT] BETWEEN .. AND .., IS [NOT] NULL;
 * 'strings' ('' escapes '), integers, decimals, TRUE/FALSE, DATE('YYYY-MM-DD'),
 * TIMESTAMP('YYYY-MM-DDTHH:MM:SS[.fff]Z'); S_INTERSECTS/S_WITHIN/S_CONTAINS/S_DISJOINT
 * (property, 2D WKT POINT..MULTIPOLYGON or BBOX(minx,miny,maxx,maxy)); T_AFTER/T_BEFORE/
 * T_EQUALS(property, DATE|TIMESTAMP). Property names: [A-Za-z_][A-Za-z0-9_.:]* or "quoted".
 * Errors are SP_EINVAL with the 1-based character position of the offending token. */
#ifndef SP_CQL_H
#define SP_CQL_H

#include <stddef.h>

#include "sp_err.h"
#include "sp_strbuf.h"

/* Limits: a filter over any of them is refused with SP_EINVAL, never truncated. */
#define SP_CQL_MAX_BYTES    65536 /* input length */
#define SP_CQL_MAX_DEPTH    64    /* nested parentheses and NOTs */
#define SP_CQL_MAX_IN_ITEMS 1000  /* values in one IN list */
#define SP_CQL_MAX_NODES    10000 /* tree nodes, literals included */

typedef enum {
    SP_CQL_AND,      /* args[0..nargs), nargs >= 2; nested ANDs are flattened */
    SP_CQL_OR,       /* likewise */
    SP_CQL_NOT,      /* args[0] */
    SP_CQL_CMP,      /* args[0] op args[1], op is sp_cql_cmp; either side may be the property */
    SP_CQL_LIKE,     /* args[0] property, args[1] string pattern (% _, \ escapes); is_negated */
    SP_CQL_IN,       /* args[0] property, args[1..nargs) literals; is_negated */
    SP_CQL_BETWEEN,  /* args[0] property, args[1] low, args[2] high literals; is_negated */
    SP_CQL_IS_NULL,  /* args[0] property; is_negated for IS NOT NULL */
    SP_CQL_SPATIAL,  /* op is sp_cql_spatial; args[0] property, args[1] geometry literal */
    SP_CQL_TEMPORAL, /* op is sp_cql_temporal; args[0] property, args[1] date or timestamp */
    /* operands (nargs 0) */
    SP_CQL_PROPERTY,  /* text: the name, unquoted */
    SP_CQL_STRING,    /* text: the value, '' unescaped */
    SP_CQL_INT,       /* i */
    SP_CQL_REAL,      /* d, finite */
    SP_CQL_BOOL,      /* i: 0 or 1 */
    SP_CQL_DATE,      /* text: YYYY-MM-DD, a valid calendar date */
    SP_CQL_TIMESTAMP, /* text: YYYY-MM-DDTHH:MM:SS.sssZ, always milliseconds (storage form) */
    SP_CQL_GEOMETRY,  /* text: normalised 2D WKT, op is sp_cql_geom, bbox its envelope */
} sp_cql_kind;

typedef enum { SP_CQL_EQ, SP_CQL_NE, SP_CQL_LT, SP_CQL_GT, SP_CQL_LE, SP_CQL_GE } sp_cql_cmp;
typedef enum {
    SP_CQL_S_INTERSECTS,
    SP_CQL_S_WITHIN, /* property within literal */
    SP_CQL_S_CONTAINS,
    SP_CQL_S_DISJOINT
} sp_cql_spatial;
typedef enum { SP_CQL_T_AFTER, SP_CQL_T_BEFORE, SP_CQL_T_EQUALS } sp_cql_temporal;
typedef enum {
    SP_CQL_G_POINT,
    SP_CQL_G_LINESTRING,
    SP_CQL_G_POLYGON, /* BBOX(...) becomes one */
    SP_CQL_G_MULTIPOINT,
    SP_CQL_G_MULTILINESTRING,
    SP_CQL_G_MULTIPOLYGON
} sp_cql_geom;

/* A node. Read-only for callers; all nodes and strings live in one block owned by the root.
 * Spatial and temporal functions written with the literal first are stored property-first
 * (S_WITHIN and S_CONTAINS, T_AFTER and T_BEFORE swap), so compilers see one shape. */
typedef struct sp_cql_expr sp_cql_expr;
struct sp_cql_expr {
    sp_cql_kind kind;
    int op;         /* sp_cql_cmp / sp_cql_spatial / sp_cql_temporal / sp_cql_geom */
    int is_negated; /* NOT LIKE, NOT IN, NOT BETWEEN, IS NOT NULL */
    size_t pos;     /* 1-based character (not byte) position in the filter text */
    int nargs;
    sp_cql_expr **args;
    const char *text; /* NUL-terminated UTF-8, see the kinds; NULL otherwise */
    size_t len;       /* bytes in text */
    long long i;
    double d;
    double bbox[4]; /* SP_CQL_GEOMETRY: minx, miny, maxx, maxy */
};

/* Parses text[0..len) (need not be NUL-terminated). On success *out is the root, which the
 * caller frees with sp_cql_free; on failure *out is NULL and err says what and where. */
int sp_cql_parse(const char *text, size_t len, sp_cql_expr **out, sp_err *err);
void sp_cql_free(sp_cql_expr *root); /* only a root from sp_cql_parse; NULL is fine */

/* Appends the canonical CQL2 text of e (upper-case keywords, AND/OR groups in parentheses,
 * normalised literals); parsing it again gives the same tree. SP_ENOMEM when out failed. */
int sp_cql_to_text(const sp_cql_expr *e, sp_strbuf *out);

#endif
