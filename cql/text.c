/* cql/text.c - print a parsed filter back as canonical CQL2-Text. Used by tests (a table
 * of input -> canonical form pins the grammar down) and for logging what a filter meant;
 * sp_cql_parse of the output gives the same tree. */
#include "cql_int.h"

#include <stdio.h>
#include <string.h>

static const char *const cmp_ops[] = {"=", "<>", "<", ">", "<=", ">="};
static const char *const spatial_names[] = {"S_INTERSECTS", "S_WITHIN", "S_CONTAINS", "S_DISJOINT"};
static const char *const temporal_names[] = {"T_AFTER", "T_BEFORE", "T_EQUALS"};

/* Words that would not read back as a property name when written bare. */
static const char *const keywords[] = {
    "AND",          "OR",         "NOT",   "LIKE",
    "IN",           "BETWEEN",    "IS",    "NULL",
    "TRUE",         "FALSE",      "POINT", "LINESTRING",
    "POLYGON",      "MULTIPOINT", "BBOX",  "MULTILINESTRING",
    "MULTIPOLYGON",
};

static int is_bare_name(const char *s, size_t n)
{
    if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == ':'))
            return 0;
    }
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
        size_t kn = strlen(keywords[k]), i = 0;
        if (kn != n)
            continue;
        while (i < n && (s[i] & ~0x20) == keywords[k][i])
            i++;
        if (i == n)
            return 0;
    }
    return 1;
}

static void put_quoted(sp_strbuf *b, const char *s, size_t n)
{
    sp_strbuf_append(b, "'", 1);
    for (size_t i = 0; i < n; i++)
        sp_strbuf_append(b, s[i] == '\'' ? "''" : s + i, s[i] == '\'' ? 2 : 1);
    sp_strbuf_append(b, "'", 1);
}

static void put(sp_strbuf *b, const sp_cql_expr *e)
{
    char num[48];
    switch (e->kind) {
    case SP_CQL_AND:
    case SP_CQL_OR:
        sp_strbuf_append(b, "(", 1);
        for (int i = 0; i < e->nargs; i++) {
            if (i)
                sp_strbuf_puts(b, e->kind == SP_CQL_AND ? " AND " : " OR ");
            put(b, e->args[i]);
        }
        sp_strbuf_append(b, ")", 1);
        break;
    case SP_CQL_NOT:
        sp_strbuf_puts(b, "NOT ");
        put(b, e->args[0]);
        break;
    case SP_CQL_CMP:
        put(b, e->args[0]);
        sp_strbuf_printf(b, " %s ", cmp_ops[e->op]);
        put(b, e->args[1]);
        break;
    case SP_CQL_LIKE:
        put(b, e->args[0]);
        sp_strbuf_puts(b, e->is_negated ? " NOT LIKE " : " LIKE ");
        put(b, e->args[1]);
        break;
    case SP_CQL_IN:
        put(b, e->args[0]);
        sp_strbuf_puts(b, e->is_negated ? " NOT IN (" : " IN (");
        for (int i = 1; i < e->nargs; i++) {
            if (i > 1)
                sp_strbuf_puts(b, ", ");
            put(b, e->args[i]);
        }
        sp_strbuf_append(b, ")", 1);
        break;
    case SP_CQL_BETWEEN:
        put(b, e->args[0]);
        sp_strbuf_puts(b, e->is_negated ? " NOT BETWEEN " : " BETWEEN ");
        put(b, e->args[1]);
        sp_strbuf_puts(b, " AND ");
        put(b, e->args[2]);
        break;
    case SP_CQL_IS_NULL:
        put(b, e->args[0]);
        sp_strbuf_puts(b, e->is_negated ? " IS NOT NULL" : " IS NULL");
        break;
    case SP_CQL_SPATIAL:
    case SP_CQL_TEMPORAL:
        sp_strbuf_puts(b, e->kind == SP_CQL_SPATIAL ? spatial_names[e->op] : temporal_names[e->op]);
        sp_strbuf_append(b, "(", 1);
        put(b, e->args[0]);
        sp_strbuf_puts(b, ", ");
        put(b, e->args[1]);
        sp_strbuf_append(b, ")", 1);
        break;
    case SP_CQL_PROPERTY:
        if (is_bare_name(e->text, e->len)) {
            sp_strbuf_append(b, e->text, e->len);
        } else {
            sp_strbuf_append(b, "\"", 1);
            sp_strbuf_append(b, e->text, e->len);
            sp_strbuf_append(b, "\"", 1);
        }
        break;
    case SP_CQL_STRING:
        put_quoted(b, e->text, e->len);
        break;
    case SP_CQL_INT:
        sp_strbuf_printf(b, "%lld", e->i);
        break;
    case SP_CQL_REAL:
        cql_format_double(e->d, num, sizeof num);
        sp_strbuf_puts(b, num);
        if (!strpbrk(num, ".e")) /* keep it a decimal when read back */
            sp_strbuf_puts(b, ".0");
        break;
    case SP_CQL_BOOL:
        sp_strbuf_puts(b, e->i ? "TRUE" : "FALSE");
        break;
    case SP_CQL_DATE:
    case SP_CQL_TIMESTAMP:
        sp_strbuf_puts(b, e->kind == SP_CQL_DATE ? "DATE(" : "TIMESTAMP(");
        put_quoted(b, e->text, e->len);
        sp_strbuf_append(b, ")", 1);
        break;
    case SP_CQL_GEOMETRY:
        sp_strbuf_append(b, e->text, e->len);
        break;
    }
}

int sp_cql_to_text(const sp_cql_expr *e, sp_strbuf *out)
{
    cql_locale loc;
    sp_err err;
    if (cql_locale_enter(&loc, &err) != SP_OK)
        return SP_ENOMEM;
    put(out, e);
    cql_locale_leave(&loc);
    return out->failed ? SP_ENOMEM : SP_OK;
}
