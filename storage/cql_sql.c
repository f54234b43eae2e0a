/* storage/cql_sql.c - CQL2 filter tree -> parameterised SQL WHERE fragment; see
 * sp_db_cql.h for the semantics. This is the one place where SQL is assembled in C
 * rather than read from schemas/: a filter's shape is only known at request time. What
 * gets assembled is limited to fixed operator text from this file plus the whitelist's
 * trusted expressions; every value from the filter goes into sp_db_params, which is also
 * how storage/items.c binds the rest of a query's values, by name. */
#include "sp_db_cql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

#define SP_DB_CQL_SRID  4326 /* storage keeps geometry in EPSG:4326, lon/lat like CRS84 */
#define SP_DB_CQL_FLAT  8    /* AND/OR operands written flat; longer lists are halved */
#define SP_DB_CQL_NAMES 200  /* bytes of queryable names listed in an error */

typedef struct cc {
    const sp_queryable *q;
    int nq;
    sp_strbuf *sql;
    sp_db_params *params;
    sp_err *err;
    int is_negative; /* inside an odd number of NOTs */
    int is_pg;       /* PostgreSQL's dialect (SP_DB_SQL_PG) */
} cc;

static const char *const cmp_sql[] = {" = ", " <> ", " < ", " > ", " <= ", " >= "};
static const char *const spatial_sql[] = {"ST_Intersects", "ST_Within", "ST_Contains",
                                          "ST_Disjoint"};
static const char *const spatial_cql[] = {"S_INTERSECTS", "S_WITHIN", "S_CONTAINS", "S_DISJOINT"};
static const char *const temporal_sql[] = {" > ", " < ", " = "};
static const char *const temporal_cql[] = {"T_AFTER", "T_BEFORE", "T_EQUALS"};

/* ---- parameters ---------------------------------------------------------------------- */

static int param_text(cc *c, const char *s, size_t n)
{
    return sp_db_params_text(c->params, NULL, s, n, c->err);
}

static int param_real(cc *c, double d)
{
    return sp_db_params_real(c->params, NULL, d, c->err);
}

static int param_int(cc *c, int64_t i)
{
    return sp_db_params_int(c->params, NULL, i, c->err);
}

static int param_literal(cc *c, const sp_cql_expr *lit)
{
    switch (lit->kind) {
    case SP_CQL_INT:
    case SP_CQL_BOOL:
        return param_int(c, lit->i);
    case SP_CQL_REAL:
        return param_real(c, lit->d);
    default: /* string, date, timestamp */
        return param_text(c, lit->text, lit->len);
    }
}

void sp_db_params_free(sp_db_params *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->items[i].text);
    free(p->items);
    p->items = NULL;
    p->n = p->cap = 0;
}

static sp_db_param *param_new(sp_db_params *p, const char *name, sp_err *err)
{
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 16;
        sp_db_param *v = realloc(p->items, (size_t)cap * sizeof *v);
        if (!v) {
            sp_err_set(err, SP_ENOMEM, "out of memory");
            return NULL;
        }
        p->items = v;
        p->cap = cap;
    }
    sp_db_param *x = &p->items[p->n++];
    memset(x, 0, sizeof *x);
    x->name = name;
    return x;
}

int sp_db_params_text(sp_db_params *p, const char *name, const char *s, size_t len, sp_err *err)
{
    sp_db_param *x = param_new(p, name, err);
    if (!x)
        return SP_ENOMEM;
    if (!s)
        return SP_OK; /* SP_DB_P_NULL */
    if (!(x->text = malloc(len + 1))) {
        p->n--;
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    memcpy(x->text, s, len);
    x->text[len] = '\0';
    x->len = len;
    x->type = SP_DB_P_TEXT;
    return SP_OK;
}

int sp_db_params_real(sp_db_params *p, const char *name, double d, sp_err *err)
{
    sp_db_param *x = param_new(p, name, err);
    if (!x)
        return SP_ENOMEM;
    x->type = SP_DB_P_REAL;
    x->d = d;
    return SP_OK;
}

int sp_db_params_int(sp_db_params *p, const char *name, int64_t i, sp_err *err)
{
    sp_db_param *x = param_new(p, name, err);
    if (!x)
        return SP_ENOMEM;
    x->type = SP_DB_P_INT;
    x->i = i;
    return SP_OK;
}

static int bind_one(sp_stmt *st, int idx, const sp_db_param *x)
{
    switch (x->type) {
    case SP_DB_P_INT:
        return sp_stmt_bind_int64(st, idx, x->i);
    case SP_DB_P_REAL:
        return sp_stmt_bind_double(st, idx, x->d);
    case SP_DB_P_TEXT:
        return sp_stmt_bind_text_len(st, idx, x->text, (int)x->len);
    default:
        return sp_stmt_bind_null(st, idx);
    }
}

/* The next unnamed value from *next on, or NULL. */
static const sp_db_param *next_plain(const sp_db_params *p, int *next)
{
    while (*next < p->n && p->items[*next].name)
        (*next)++;
    return *next < p->n ? &p->items[(*next)++] : NULL;
}

int sp_db_params_bind(const sp_db_params *p, sp_stmt *st, sp_err *err)
{
    int count = sp_stmt_param_count(st), next = 0, named = 0;
    for (int idx = 1; idx <= count; idx++) {
        const char *name = sp_stmt_param_name(st, idx);
        const sp_db_param *x = NULL;
        if (!name)
            x = next_plain(p, &next);
        for (int k = 0; name && !x && k < p->n; k++)
            if (p->items[k].name && strcmp(p->items[k].name, name) == 0)
                x = &p->items[k], named++;
        if (!x)
            return sp_err_set(err, SP_EDB, "internal: no value for SQL parameter %d (%s)", idx,
                              name ? name : "?");
        int rc = bind_one(st, idx, x);
        if (rc != SP_OK)
            return sp_err_set(err, rc, "binding SQL parameter %d (%s)", idx, name ? name : "?");
    }
    int plain_left = next_plain(p, &next) != NULL, named_all = 0;
    for (int k = 0; k < p->n; k++)
        named_all += p->items[k].name != NULL;
    if (plain_left || named != named_all)
        return sp_err_set(err, SP_EDB, "internal: %s values that the SQL does not take",
                          plain_left ? "filter" : "named");
    return SP_OK;
}

/* ---- names and types ----------------------------------------------------------------- */

static const char *type_name(sp_queryable_type t)
{
    static const char *const names[] = {"text", "integer", "number", "date", "boolean", "geometry"};
    return names[t];
}

static const char *value_name(sp_cql_kind k)
{
    switch (k) {
    case SP_CQL_STRING:
        return "a string";
    case SP_CQL_INT:
        return "an integer";
    case SP_CQL_REAL:
        return "a number";
    case SP_CQL_BOOL:
        return "a boolean";
    case SP_CQL_DATE:
        return "a date";
    case SP_CQL_TIMESTAMP:
        return "a timestamp";
    case SP_CQL_GEOMETRY:
        return "a geometry";
    default:
        return "a property";
    }
}

static int accepts(sp_queryable_type t, sp_cql_kind k)
{
    switch (t) {
    case SP_QT_TEXT:
        return k == SP_CQL_STRING;
    case SP_QT_INT:
    case SP_QT_REAL:
        return k == SP_CQL_INT || k == SP_CQL_REAL;
    case SP_QT_DATE:
        return k == SP_CQL_DATE || k == SP_CQL_TIMESTAMP;
    case SP_QT_BOOL:
        return k == SP_CQL_BOOL;
    default:
        return 0;
    }
}

static const sp_queryable *lookup(cc *c, const sp_cql_expr *prop)
{
    for (int i = 0; i < c->nq; i++)
        if (strlen(c->q[i].name) == prop->len && memcmp(c->q[i].name, prop->text, prop->len) == 0)
            return &c->q[i];
    char names[SP_DB_CQL_NAMES + 4];
    size_t k = 0;
    names[0] = '\0';
    for (int i = 0; i < c->nq; i++) {
        size_t n = strlen(c->q[i].name) + (i ? 2 : 0);
        if (k + n > SP_DB_CQL_NAMES) {
            memcpy(names + k, "...", 4);
            break;
        }
        k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", i ? ", " : "", c->q[i].name);
    }
    size_t shown = prop->len > 100 ? 100 : prop->len;
    while (shown < prop->len && ((unsigned char)prop->text[shown] & 0xc0) == 0x80)
        shown--; /* quote whole characters only */
    sp_err_set(c->err, SP_EINVAL,
               "filter: unknown property '%.*s%s' at position %zu (queryables: %s)", (int)shown,
               prop->text, shown < prop->len ? "..." : "", prop->pos, names);
    return NULL;
}

/* A property used with a value: known, not a geometry, and of a type the value fits. */
static const sp_queryable *value_property(cc *c, const sp_cql_expr *prop, const char *use)
{
    const sp_queryable *q = lookup(c, prop);
    if (q && q->type == SP_QT_GEOMETRY) {
        sp_err_set(c->err, SP_EINVAL,
                   "filter: property '%s' (geometry) at position %zu cannot be used with %s; use "
                   "S_INTERSECTS, S_WITHIN, S_CONTAINS or S_DISJOINT",
                   q->name, prop->pos, use);
        return NULL;
    }
    return q;
}

static int check_value(cc *c, const sp_queryable *q, const sp_cql_expr *prop,
                       const sp_cql_expr *lit)
{
    if (accepts(q->type, lit->kind))
        return SP_OK;
    return sp_err_set(c->err, SP_EINVAL,
                      "filter: property '%s' (%s) at position %zu cannot be compared with %s at "
                      "position %zu",
                      q->name, type_name(q->type), prop->pos, value_name(lit->kind), lit->pos);
}

static int wrong_type(cc *c, const sp_queryable *q, const sp_cql_expr *prop, const char *use,
                      const char *needs)
{
    return sp_err_set(c->err, SP_EINVAL,
                      "filter: property '%s' (%s) at position %zu cannot be used with %s, which "
                      "needs %s",
                      q->name, type_name(q->type), prop->pos, use, needs);
}

/* ---- conditions ---------------------------------------------------------------------- */

static int emit(cc *c, const sp_cql_expr *e, int is_bare);

static void put(cc *c, const char *s)
{
    sp_strbuf_puts(c->sql, s);
}

static int emit_cmp(cc *c, const sp_cql_expr *e)
{
    const sp_cql_expr *a = e->args[0], *b = e->args[1];
    const char *op = cmp_sql[e->op];
    const sp_queryable *qa = NULL, *qb = NULL;
    if (a->kind != SP_CQL_PROPERTY && b->kind != SP_CQL_PROPERTY)
        return sp_err_set(c->err, SP_EINVAL,
                          "filter: comparison at position %zu has no property on either side",
                          e->pos);
    if (a->kind == SP_CQL_PROPERTY && !(qa = value_property(c, a, "a comparison")))
        return c->err->code;
    if (b->kind == SP_CQL_PROPERTY && !(qb = value_property(c, b, "a comparison")))
        return c->err->code;
    if (qa && qb) {
        int is_num_a = qa->type == SP_QT_INT || qa->type == SP_QT_REAL;
        int is_num_b = qb->type == SP_QT_INT || qb->type == SP_QT_REAL;
        if (qa->type != qb->type && !(is_num_a && is_num_b))
            return sp_err_set(c->err, SP_EINVAL,
                              "filter: properties '%s' (%s) and '%s' (%s) at position %zu cannot "
                              "be compared",
                              qa->name, type_name(qa->type), qb->name, type_name(qb->type), e->pos);
        put(c, qa->sql);
        put(c, op);
        put(c, qb->sql);
        return SP_OK;
    }
    int rc = qa ? check_value(c, qa, a, b) : check_value(c, qb, b, a);
    if (rc != SP_OK)
        return rc;
    if (qa) {
        put(c, qa->sql);
        put(c, op);
        put(c, "?");
        return param_literal(c, b);
    }
    put(c, "?");
    put(c, op);
    put(c, qb->sql);
    return param_literal(c, a);
}

/* CQL2 pattern (% any run, _ one character, \x a literal x) as a GLOB pattern, in which
 * the literal characters *, ? and [ are written [*], [?] and [[]; for PostgreSQL, whose
 * LIKE is case-sensitive and escapes with a backslash as CQL2 does, the pattern as it is
 * but for a trailing backslash, which stands for itself. */
static int like_param(cc *c, const sp_cql_expr *pat)
{
    sp_strbuf g = {0};
    const char *s = pat->text;
    if (c->is_pg) {
        size_t tail = 0; /* backslashes at the end: an odd count ends in an unescaped one */
        while (tail < pat->len && s[pat->len - 1 - tail] == '\\')
            tail++;
        sp_strbuf_append(&g, s, pat->len);
        sp_strbuf_puts(&g, tail % 2 ? "\\" : "");
    }
    for (size_t i = 0; i < pat->len && !c->is_pg; i++) {
        char ch = s[i];
        if (ch == '%' || ch == '_') {
            sp_strbuf_append(&g, ch == '%' ? "*" : "?", 1);
            continue;
        }
        if (ch == '\\' && i + 1 < pat->len)
            ch = s[++i]; /* escaped; a trailing backslash stands for itself */
        if (ch == '*' || ch == '?' || ch == '[') {
            char cls[3] = {'[', ch, ']'};
            sp_strbuf_append(&g, cls, 3);
        } else {
            sp_strbuf_append(&g, &ch, 1);
        }
    }
    int rc = g.failed ? sp_err_set(c->err, SP_ENOMEM, "filter: out of memory")
                      : param_text(c, sp_strbuf_cstr(&g), g.len);
    sp_strbuf_free(&g);
    return rc;
}

static int emit_predicate(cc *c, const sp_cql_expr *e)
{
    const sp_cql_expr *prop = e->args[0];
    const sp_queryable *q;
    int rc;
    switch (e->kind) {
    case SP_CQL_LIKE:
        if (!(q = value_property(c, prop, "LIKE")))
            return c->err->code;
        if (q->type != SP_QT_TEXT)
            return wrong_type(c, q, prop, "LIKE", "text");
        put(c, q->sql);
        if (c->is_pg)
            put(c, e->is_negated ? " NOT LIKE ?" : " LIKE ?");
        else
            put(c, e->is_negated ? " NOT GLOB ?" : " GLOB ?");
        return like_param(c, e->args[1]);
    case SP_CQL_IN:
        if (!(q = value_property(c, prop, "IN")))
            return c->err->code;
        put(c, q->sql);
        put(c, e->is_negated ? " NOT IN (" : " IN (");
        for (int i = 1; i < e->nargs; i++) {
            if ((rc = check_value(c, q, prop, e->args[i])) != SP_OK ||
                (rc = param_literal(c, e->args[i])) != SP_OK)
                return rc;
            put(c, i > 1 ? ", ?" : "?");
        }
        put(c, ")");
        return SP_OK;
    case SP_CQL_BETWEEN:
        if (!(q = value_property(c, prop, "BETWEEN")))
            return c->err->code;
        if ((rc = check_value(c, q, prop, e->args[1])) != SP_OK ||
            (rc = check_value(c, q, prop, e->args[2])) != SP_OK ||
            (rc = param_literal(c, e->args[1])) != SP_OK ||
            (rc = param_literal(c, e->args[2])) != SP_OK)
            return rc;
        put(c, q->sql);
        put(c, e->is_negated ? " NOT BETWEEN ? AND ?" : " BETWEEN ? AND ?");
        return SP_OK;
    case SP_CQL_IS_NULL:
        if (!(q = lookup(c, prop)))
            return c->err->code;
        put(c, q->sql);
        put(c, e->is_negated ? " IS NOT NULL" : " IS NULL");
        return SP_OK;
    case SP_CQL_TEMPORAL:
        if (!(q = lookup(c, prop)))
            return c->err->code;
        if (q->type != SP_QT_DATE)
            return wrong_type(c, q, prop, temporal_cql[e->op], "a date");
        put(c, q->sql);
        put(c, temporal_sql[e->op]);
        put(c, "?");
        return param_literal(c, e->args[1]);
    case SP_CQL_SPATIAL: {
        const sp_cql_expr *g = e->args[1];
        if (!(q = lookup(c, prop)))
            return c->err->code;
        if (q->type != SP_QT_GEOMETRY)
            return wrong_type(c, q, prop, spatial_cql[e->op], "a geometry");
        /* Any geometry this one intersects, lies within or contains shares its box, so the
         * R*Tree finds a superset; disjoint rows are exactly those it cannot narrow.
         * The prefilter says false, not unknown, for a row without geometry; that is the
         * same to WHERE unless a NOT is above, so there the row is made unknown instead
         * (NOT S_INTERSECTS must not return rows that have no geometry at all). */
        int use_rtree = q->rtree && q->rowid && e->op != SP_CQL_S_DISJOINT && !c->is_negative;
        if (c->is_negative)
            sp_strbuf_printf(c->sql, "CASE WHEN %s IS NULL THEN NULL ELSE ", q->sql);
        if (use_rtree) {
            sp_strbuf_printf(c->sql,
                             "(%s IN (SELECT pkid FROM %s WHERE xmax >= ? AND xmin <= ? AND "
                             "ymax >= ? AND ymin <= ?) AND ",
                             q->rowid, q->rtree);
            if ((rc = param_real(c, g->bbox[0])) != SP_OK ||
                (rc = param_real(c, g->bbox[2])) != SP_OK ||
                (rc = param_real(c, g->bbox[1])) != SP_OK ||
                (rc = param_real(c, g->bbox[3])) != SP_OK)
                return rc;
        }
        sp_strbuf_printf(
            c->sql, c->is_pg ? "%s(%s, ST_GeomFromText(?, %d))" : "%s(%s, GeomFromText(?, %d)) = 1",
            spatial_sql[e->op], q->sql, SP_DB_CQL_SRID);
        if (use_rtree)
            put(c, ")");
        if (c->is_negative)
            put(c, " END");
        return param_text(c, g->text, g->len);
    }
    default:
        return sp_err_set(c->err, SP_EINTERNAL,
                          "filter: node kind %d at position %zu is not a condition", (int)e->kind,
                          e->pos);
    }
}

static int count_nodes(const sp_cql_expr *e)
{
    int n = 1;
    for (int i = 0; i < e->nargs; i++)
        n += count_nodes(e->args[i]);
    return n;
}

typedef struct operand {
    const sp_cql_expr *e;
    int is_compound, size, index;
} operand;

static int operand_order(const void *pa, const void *pb)
{
    const operand *a = pa, *b = pb;
    if (a->is_compound != b->is_compound)
        return b->is_compound - a->is_compound;
    if (a->is_compound && a->size != b->size)
        return b->size - a->size;
    return a->index - b->index;
}

static int emit_group(cc *c, const operand *v, int n, const char *op, int is_bare)
{
    int rc = SP_OK;
    if (!is_bare)
        put(c, "(");
    if (n <= SP_DB_CQL_FLAT) {
        for (int i = 0; i < n && rc == SP_OK; i++) {
            if (i)
                put(c, op);
            rc = emit(c, v[i].e, 0);
        }
    } else {
        int half = n / 2;
        if ((rc = emit_group(c, v, half, op, 0)) == SP_OK) {
            put(c, op);
            rc = emit_group(c, v + half, n - half, op, 0);
        }
    }
    if (!is_bare)
        put(c, ")");
    return rc;
}

/* SQLite's parser keeps one stack entry per "(" it is inside of but three per "x AND (",
 * and its expression depth grows with every operand of a left-deep "a AND b AND c" chain
 * that lies above a nested one. So nested operands go first, the biggest first (a later
 * one is at most half its parent's size, so any path passes through few of them), and in
 * a long list the first nested operand stands alone before a parenthesised group of the
 * rest: the path down the biggest operand then costs one stack entry and at most
 * SP_DB_CQL_FLAT depth per level. Results do not depend on the order. */
static int emit_list(cc *c, const sp_cql_expr *e, int is_bare)
{
    int n = e->nargs, rc;
    operand *v = malloc((size_t)n * sizeof *v);
    if (!v)
        return sp_err_set(c->err, SP_ENOMEM, "filter: out of memory");
    for (int i = 0; i < n; i++) {
        sp_cql_kind k = e->args[i]->kind;
        v[i].e = e->args[i];
        v[i].is_compound = k == SP_CQL_AND || k == SP_CQL_OR || k == SP_CQL_NOT;
        v[i].size = v[i].is_compound ? count_nodes(e->args[i]) : 1;
        v[i].index = i;
    }
    qsort(v, (size_t)n, sizeof *v, operand_order);
    const char *op = e->kind == SP_CQL_AND ? " AND " : " OR ";
    if (v[0].is_compound && n > SP_DB_CQL_FLAT) {
        if (!is_bare)
            put(c, "(");
        if ((rc = emit(c, v[0].e, 0)) == SP_OK) {
            put(c, op);
            rc = emit_group(c, v + 1, n - 1, op, 0);
        }
        if (!is_bare)
            put(c, ")");
    } else {
        rc = emit_group(c, v, n, op, is_bare);
    }
    free(v);
    return rc;
}

/* is_bare: the caller already wrote the parentheses an AND/OR list would need. */
static int emit(cc *c, const sp_cql_expr *e, int is_bare)
{
    switch (e->kind) {
    case SP_CQL_AND:
    case SP_CQL_OR:
        return emit_list(c, e, is_bare);
    case SP_CQL_NOT: {
        int is_negated = 0; /* NOT NOT x is x in SQL's three-valued logic too */
        while (e->kind == SP_CQL_NOT) {
            is_negated = !is_negated;
            e = e->args[0];
        }
        if (!is_negated)
            return emit(c, e, is_bare);
        put(c, "NOT (");
        c->is_negative = !c->is_negative;
        int rc = emit(c, e, 1);
        c->is_negative = !c->is_negative;
        put(c, ")");
        return rc;
    }
    case SP_CQL_CMP:
        return emit_cmp(c, e);
    default:
        return emit_predicate(c, e);
    }
}

int sp_db_cql_where(const sp_cql_expr *e, const sp_queryable *whitelist, int n, int dialect,
                    sp_strbuf *sql_out, sp_db_params *params, sp_err *err)
{
    cc c = {.q = whitelist,
            .nq = n,
            .sql = sql_out,
            .params = params,
            .err = err,
            .is_pg = dialect == SP_DB_SQL_PG};
    size_t sql_len = sql_out->len;
    int nparams = params->n;
    put(&c, "(");
    int rc = emit(&c, e, 1);
    put(&c, ")");
    if (rc == SP_OK && sql_out->failed)
        rc = sp_err_set(err, SP_ENOMEM, "filter: out of memory");
    if (rc != SP_OK) {
        sql_out->len = sql_len;
        if (sql_out->data)
            sql_out->data[sql_len] = '\0';
        while (params->n > nparams)
            free(params->items[--params->n].text);
    }
    return rc;
}
