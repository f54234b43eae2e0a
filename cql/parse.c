/* cql/parse.c - recursive descent over CQL2-Text, one function per rule:
 *
 *   filter    = or EOF
 *   or        = and { OR and }                    (flattened into one SP_CQL_OR)
 *   and       = not { AND not }
 *   not       = NOT not | primary
 *   primary   = "(" or ")" | spatial | temporal | predicate
 *   predicate = scalar ( cmpop scalar | [NOT] LIKE string | [NOT] IN "(" literal {"," literal} ")"
 *                      | [NOT] BETWEEN literal AND literal | IS [NOT] NULL )
 *   spatial   = S_fn "(" property|geometry "," property|geometry ")"   (wkt.c reads geometry)
 *   temporal  = T_fn "(" property|instant "," property|instant ")"
 *   scalar    = property | string | number | TRUE | FALSE | DATE(string) | TIMESTAMP(string)
 *
 * Recursion happens only through "(" and NOT, and both count against SP_CQL_MAX_DEPTH, so
 * hostile input cannot exhaust the stack; every node counts against SP_CQL_MAX_NODES. */
#include "cql_int.h"

#include <stdlib.h>
#include <string.h>

#include "sp_utf8.h"

/* The root is copied into the block that also anchors the node chunks, so sp_cql_free
 * finds everything from the root pointer alone. */
typedef struct cql_tree {
    cql_chunk *chunks;
    sp_cql_expr root;
} cql_tree;

static const char *const reserved[] = {"AND",     "OR", "NOT",  "LIKE", "IN",
                                       "BETWEEN", "IS", "NULL", "TRUE", "FALSE"};

static const struct {
    const char *name;
    sp_cql_kind kind;
    int op;
} functions[] = {
    {"S_INTERSECTS", SP_CQL_SPATIAL, SP_CQL_S_INTERSECTS},
    {"S_WITHIN", SP_CQL_SPATIAL, SP_CQL_S_WITHIN},
    {"S_CONTAINS", SP_CQL_SPATIAL, SP_CQL_S_CONTAINS},
    {"S_DISJOINT", SP_CQL_SPATIAL, SP_CQL_S_DISJOINT},
    {"T_AFTER", SP_CQL_TEMPORAL, SP_CQL_T_AFTER},
    {"T_BEFORE", SP_CQL_TEMPORAL, SP_CQL_T_BEFORE},
    {"T_EQUALS", SP_CQL_TEMPORAL, SP_CQL_T_EQUALS},
};

static const char *const geometry_keywords[] = {
    "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "BBOX"};

static int parse_or(cql_parser *p, sp_cql_expr **out);

static int is_reserved(const cql_parser *p, const cql_tok *t)
{
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (cql_is_kw(p, t, reserved[i]))
            return 1;
    return 0;
}

static int is_geometry_keyword(const cql_parser *p, const cql_tok *t)
{
    for (size_t i = 0; i < sizeof geometry_keywords / sizeof geometry_keywords[0]; i++)
        if (cql_is_kw(p, t, geometry_keywords[i]))
            return 1;
    return 0;
}

static int function_index(const cql_parser *p, const cql_tok *t)
{
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
        if (cql_is_kw(p, t, functions[i].name))
            return (int)i;
    return -1;
}

/* Is p->tok an identifier directly followed by "(" (a function call)? */
static int is_call(cql_parser *p, int *rc)
{
    cql_tok next;
    *rc = SP_OK;
    if (p->tok.type != CQL_T_IDENT)
        return 0;
    if ((*rc = cql_lex_peek(p, &next)) != SP_OK)
        return 0;
    return next.type == CQL_T_LPAREN;
}

static int expect(cql_parser *p, cql_tok_type type, const char *what)
{
    if (p->tok.type != type)
        return cql_unexpected(p, &p->tok, what);
    return cql_lex_next(p);
}

static int enter(cql_parser *p)
{
    if (++p->depth > SP_CQL_MAX_DEPTH)
        return sp_err_set(p->err, SP_EINVAL,
                          "filter: nesting deeper than %d levels at position %zu", SP_CQL_MAX_DEPTH,
                          p->tok.pos);
    return SP_OK;
}

/* Fixed argument lists. */
static int set_args(cql_parser *p, sp_cql_expr *e, int n, sp_cql_expr *a, sp_cql_expr *b,
                    sp_cql_expr *c)
{
    e->args = cql_alloc(p, (size_t)n * sizeof *e->args);
    if (!e->args)
        return p->err->code;
    sp_cql_expr *v[3] = {a, b, c};
    for (int i = 0; i < n; i++)
        e->args[i] = v[i];
    e->nargs = n;
    return SP_OK;
}

/* Growing argument lists: the old array stays in the pool (at most as big as the new). */
static int push_arg(cql_parser *p, sp_cql_expr *e, int *cap, sp_cql_expr *child)
{
    if (e->nargs == *cap) {
        int ncap = *cap ? *cap * 2 : 4;
        sp_cql_expr **v = cql_alloc(p, (size_t)ncap * sizeof *v);
        if (!v)
            return p->err->code;
        if (e->nargs)
            memcpy(v, e->args, (size_t)e->nargs * sizeof *v);
        e->args = v;
        *cap = ncap;
    }
    e->args[e->nargs++] = child;
    return SP_OK;
}

/* ---- literals ------------------------------------------------------------------------ */

static int string_node(cql_parser *p, sp_cql_expr **out)
{
    const cql_tok *t = &p->tok;
    const char *s = p->src + t->off + 1;
    size_t n = t->len - 2; /* without the quotes */
    sp_cql_expr *e = cql_node(p, SP_CQL_STRING, t->pos);
    char *text = e ? cql_alloc(p, n + 1) : NULL;
    if (!text)
        return p->err->code;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        text[k++] = s[i];
        if (s[i] == '\'')
            i++; /* the lexer only lets '' through inside a string */
    }
    text[k] = '\0';
    e->text = text;
    e->len = k;
    *out = e;
    return cql_lex_next(p);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* YYYY-MM-DD at s (at least 10 bytes), a real calendar day. */
static int valid_day(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* YYYY-MM-DDTHH:MM:SS[.f...]Z into out[25] as YYYY-MM-DDTHH:MM:SS.sssZ (storage form:
 * strftime('%Y-%m-%dT%H:%M:%fZ')), so text comparison orders instants correctly. */
static int normal_timestamp(const char *s, size_t n, char *out)
{
    int h, mi, sec;
    if (n < 20 || !valid_day(s) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec) ||
        h > 23 || mi > 59 || sec > 60)
        return 0;
    char frac[4] = "000";
    size_t i = 19;
    if (s[i] == '.') {
        size_t start = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (i - start < 3)
                frac[i - start] = s[i];
            i++;
        }
        if (i == start)
            return 0;
    }
    if (i + 1 != n || (s[i] != 'Z' && s[i] != 'z'))
        return 0;
    memcpy(out, s, 10);
    out[10] = 'T';
    memcpy(out + 11, s + 11, 8);
    out[19] = '.';
    memcpy(out + 20, frac, 3);
    out[23] = 'Z';
    out[24] = '\0';
    return 1;
}

/* DATE('...') or TIMESTAMP('...'); p->tok is the name, known to be followed by "(". */
static int instant_node(cql_parser *p, sp_cql_expr **out)
{
    int is_date = cql_is_kw(p, &p->tok, "DATE");
    size_t pos = p->tok.pos;
    int rc;
    if ((rc = cql_lex_next(p)) != SP_OK || (rc = cql_lex_next(p)) != SP_OK)
        return rc;
    cql_tok t = p->tok;
    if (t.type != CQL_T_STRING)
        return cql_unexpected(p, &t,
                              is_date ? "a date string such as '2022-03-01'"
                                      : "a timestamp string such as '2022-03-01T10:00:00Z'");
    sp_cql_expr *s = NULL;
    if ((rc = string_node(p, &s)) != SP_OK)
        return rc;
    p->nodes--; /* the string is folded into the instant node */
    char norm[32];
    int ok = is_date ? s->len == 10 && valid_day(s->text) : normal_timestamp(s->text, s->len, norm);
    if (!ok) {
        char q[64];
        cql_tok_quote(p, &t, q, sizeof q);
        return sp_err_set(p->err, SP_EINVAL, "filter: invalid %s %s at position %zu: expected %s",
                          is_date ? "DATE" : "TIMESTAMP", q, t.pos,
                          is_date ? "YYYY-MM-DD" : "YYYY-MM-DDTHH:MM:SS[.sss]Z (UTC)");
    }
    if ((rc = expect(p, CQL_T_RPAREN, "')'")) != SP_OK)
        return rc;
    sp_cql_expr *e = cql_node(p, is_date ? SP_CQL_DATE : SP_CQL_TIMESTAMP, pos);
    if (!e)
        return p->err->code;
    e->text = is_date ? s->text : cql_strndup(p, norm, strlen(norm));
    if (!e->text)
        return p->err->code;
    e->len = strlen(e->text);
    *out = e;
    return SP_OK;
}

/* property | literal; expected words the error when neither is there. */
static int parse_scalar(cql_parser *p, const char *expected, sp_cql_expr **out)
{
    cql_tok t = p->tok;
    sp_cql_expr *e;
    int rc;
    switch (t.type) {
    case CQL_T_STRING:
        return string_node(p, out);
    case CQL_T_NUMBER: {
        int is_int;
        long long i = 0;
        double d = 0;
        if ((rc = cql_number(p, &t, &is_int, &i, &d)) != SP_OK)
            return rc;
        if (!(e = cql_node(p, is_int ? SP_CQL_INT : SP_CQL_REAL, t.pos)))
            return p->err->code;
        e->i = i;
        e->d = d;
        *out = e;
        return cql_lex_next(p);
    }
    case CQL_T_QIDENT:
        if (t.len == 2)
            return sp_err_set(p->err, SP_EINVAL, "filter: empty property name at position %zu",
                              t.pos);
        if (!(e = cql_node(p, SP_CQL_PROPERTY, t.pos)) ||
            !(e->text = cql_strndup(p, p->src + t.off + 1, t.len - 2)))
            return p->err->code;
        e->len = t.len - 2;
        *out = e;
        return cql_lex_next(p);
    case CQL_T_IDENT:
        if (cql_is_kw(p, &t, "TRUE") || cql_is_kw(p, &t, "FALSE")) {
            if (!(e = cql_node(p, SP_CQL_BOOL, t.pos)))
                return p->err->code;
            e->i = cql_is_kw(p, &t, "TRUE");
            *out = e;
            return cql_lex_next(p);
        }
        if (is_call(p, &rc)) {
            if (cql_is_kw(p, &t, "DATE") || cql_is_kw(p, &t, "TIMESTAMP"))
                return instant_node(p, out);
            char q[64];
            cql_tok_quote(p, &t, q, sizeof q);
            if (is_geometry_keyword(p, &t))
                return sp_err_set(p->err, SP_EINVAL,
                                  "filter: geometry %s at position %zu can only be used inside "
                                  "S_INTERSECTS, S_WITHIN, S_CONTAINS or S_DISJOINT",
                                  q, t.pos);
            if (function_index(p, &t) >= 0)
                return cql_unexpected(p, &t, expected);
            return sp_err_set(p->err, SP_EINVAL, "filter: unknown function %s at position %zu", q,
                              t.pos);
        }
        if (rc != SP_OK)
            return rc;
        if (is_reserved(p, &t))
            return cql_unexpected(p, &t, expected);
        if (!(e = cql_node(p, SP_CQL_PROPERTY, t.pos)) ||
            !(e->text = cql_strndup(p, p->src + t.off, t.len)))
            return p->err->code;
        e->len = t.len;
        *out = e;
        return cql_lex_next(p);
    default:
        return cql_unexpected(p, &t, expected);
    }
}

static int parse_literal(cql_parser *p, sp_cql_expr **out)
{
    cql_tok t = p->tok;
    int rc = parse_scalar(p, "a value", out);
    if (rc == SP_OK && (*out)->kind == SP_CQL_PROPERTY)
        return cql_unexpected(p, &t, "a value");
    return rc;
}

static int need_property(cql_parser *p, const sp_cql_expr *left, const char *op)
{
    if (left->kind == SP_CQL_PROPERTY)
        return SP_OK;
    return sp_err_set(p->err, SP_EINVAL,
                      "filter: %s at position %zu needs a property on its left, not a value", op,
                      p->tok.pos);
}

/* ---- predicates ---------------------------------------------------------------------- */

/* args[0] is the property, the values follow it. */
static int parse_in_list(cql_parser *p, sp_cql_expr *e, sp_cql_expr *property)
{
    int rc, cap = 0;
    size_t list_pos = p->tok.pos;
    if ((rc = expect(p, CQL_T_LPAREN, "'('")) != SP_OK ||
        (rc = push_arg(p, e, &cap, property)) != SP_OK)
        return rc;
    for (;;) {
        if (e->nargs - 1 == SP_CQL_MAX_IN_ITEMS)
            return sp_err_set(p->err, SP_EINVAL,
                              "filter: IN list at position %zu has more than %d values", list_pos,
                              SP_CQL_MAX_IN_ITEMS);
        sp_cql_expr *item;
        if ((rc = parse_literal(p, &item)) != SP_OK || (rc = push_arg(p, e, &cap, item)) != SP_OK)
            return rc;
        if (p->tok.type == CQL_T_COMMA) {
            if ((rc = cql_lex_next(p)) != SP_OK)
                return rc;
            continue;
        }
        return expect(p, CQL_T_RPAREN, "',' or ')'");
    }
}

static int parse_predicate(cql_parser *p, sp_cql_expr **out)
{
    static const struct {
        cql_tok_type tok;
        sp_cql_cmp op;
    } cmps[] = {{CQL_T_EQ, SP_CQL_EQ}, {CQL_T_NE, SP_CQL_NE}, {CQL_T_LT, SP_CQL_LT},
                {CQL_T_GT, SP_CQL_GT}, {CQL_T_LE, SP_CQL_LE}, {CQL_T_GE, SP_CQL_GE}};
    sp_cql_expr *left, *right, *e;
    int rc;
    if ((rc = parse_scalar(p, "a property or a value", &left)) != SP_OK)
        return rc;
    for (size_t i = 0; i < sizeof cmps / sizeof cmps[0]; i++) {
        if (p->tok.type != cmps[i].tok)
            continue;
        if ((rc = cql_lex_next(p)) != SP_OK ||
            (rc = parse_scalar(p, "a property or a value", &right)) != SP_OK)
            return rc;
        if (!(e = cql_node(p, SP_CQL_CMP, left->pos)))
            return p->err->code;
        e->op = (int)cmps[i].op;
        *out = e;
        return set_args(p, e, 2, left, right, NULL);
    }
    int is_negated = 0;
    if (cql_is_kw(p, &p->tok, "NOT")) {
        if ((rc = cql_lex_next(p)) != SP_OK)
            return rc;
        if (!cql_is_kw(p, &p->tok, "LIKE") && !cql_is_kw(p, &p->tok, "IN") &&
            !cql_is_kw(p, &p->tok, "BETWEEN"))
            return cql_unexpected(p, &p->tok, "LIKE, IN or BETWEEN after NOT");
        is_negated = 1;
    }
    const cql_tok op = p->tok;
    if (cql_is_kw(p, &op, "LIKE")) {
        if ((rc = need_property(p, left, "LIKE")) != SP_OK || (rc = cql_lex_next(p)) != SP_OK)
            return rc;
        if (p->tok.type != CQL_T_STRING)
            return cql_unexpected(p, &p->tok, "a string pattern");
        if ((rc = string_node(p, &right)) != SP_OK)
            return rc;
        if (!(e = cql_node(p, SP_CQL_LIKE, left->pos)))
            return p->err->code;
        rc = set_args(p, e, 2, left, right, NULL);
    } else if (cql_is_kw(p, &op, "IN")) {
        if ((rc = need_property(p, left, "IN")) != SP_OK || (rc = cql_lex_next(p)) != SP_OK)
            return rc;
        if (!(e = cql_node(p, SP_CQL_IN, left->pos)))
            return p->err->code;
        rc = parse_in_list(p, e, left);
    } else if (cql_is_kw(p, &op, "BETWEEN")) {
        sp_cql_expr *low, *high;
        if ((rc = need_property(p, left, "BETWEEN")) != SP_OK || (rc = cql_lex_next(p)) != SP_OK ||
            (rc = parse_literal(p, &low)) != SP_OK)
            return rc;
        if (!cql_is_kw(p, &p->tok, "AND"))
            return cql_unexpected(p, &p->tok, "AND");
        if ((rc = cql_lex_next(p)) != SP_OK || (rc = parse_literal(p, &high)) != SP_OK)
            return rc;
        if (!(e = cql_node(p, SP_CQL_BETWEEN, left->pos)))
            return p->err->code;
        rc = set_args(p, e, 3, left, low, high);
    } else if (cql_is_kw(p, &op, "IS")) {
        if ((rc = need_property(p, left, "IS NULL")) != SP_OK || (rc = cql_lex_next(p)) != SP_OK)
            return rc;
        if (cql_is_kw(p, &p->tok, "NOT")) {
            is_negated = 1;
            if ((rc = cql_lex_next(p)) != SP_OK)
                return rc;
        }
        if (!cql_is_kw(p, &p->tok, "NULL"))
            return cql_unexpected(p, &p->tok, "NULL");
        if ((rc = cql_lex_next(p)) != SP_OK)
            return rc;
        if (!(e = cql_node(p, SP_CQL_IS_NULL, left->pos)))
            return p->err->code;
        rc = set_args(p, e, 1, left, NULL, NULL);
    } else {
        return cql_unexpected(p, &op, "a comparison operator, LIKE, IN, BETWEEN or IS");
    }
    if (rc != SP_OK)
        return rc;
    e->is_negated = is_negated;
    *out = e;
    return SP_OK;
}

/* ---- spatial and temporal functions -------------------------------------------------- */

static int parse_function_arg(cql_parser *p, int is_spatial, sp_cql_expr **out)
{
    if (is_spatial && p->tok.type == CQL_T_IDENT && is_geometry_keyword(p, &p->tok))
        return cql_parse_geometry(p, out);
    return parse_scalar(p,
                        is_spatial ? "a property or a geometry literal"
                                   : "a property or a DATE or TIMESTAMP literal",
                        out);
}

static int parse_function(cql_parser *p, int fn, sp_cql_expr **out)
{
    int is_spatial = functions[fn].kind == SP_CQL_SPATIAL, op = functions[fn].op, rc;
    cql_tok name = p->tok;
    sp_cql_expr *a, *b;
    if ((rc = cql_lex_next(p)) != SP_OK || (rc = expect(p, CQL_T_LPAREN, "'('")) != SP_OK ||
        (rc = parse_function_arg(p, is_spatial, &a)) != SP_OK ||
        (rc = expect(p, CQL_T_COMMA, "','")) != SP_OK ||
        (rc = parse_function_arg(p, is_spatial, &b)) != SP_OK ||
        (rc = expect(p, CQL_T_RPAREN, "')'")) != SP_OK)
        return rc;
    sp_cql_kind lit = is_spatial ? SP_CQL_GEOMETRY : SP_CQL_DATE;
    int a_is_lit = a->kind == lit || (!is_spatial && a->kind == SP_CQL_TIMESTAMP);
    int b_is_lit = b->kind == lit || (!is_spatial && b->kind == SP_CQL_TIMESTAMP);
    if (a_is_lit && b->kind == SP_CQL_PROPERTY) {
        sp_cql_expr *t = a; /* literal first: store property first, with the converse op */
        a = b;
        b = t;
        if (is_spatial && (op == SP_CQL_S_WITHIN || op == SP_CQL_S_CONTAINS))
            op = op == SP_CQL_S_WITHIN ? SP_CQL_S_CONTAINS : SP_CQL_S_WITHIN;
        else if (!is_spatial && (op == SP_CQL_T_AFTER || op == SP_CQL_T_BEFORE))
            op = op == SP_CQL_T_AFTER ? SP_CQL_T_BEFORE : SP_CQL_T_AFTER;
    } else if (a->kind != SP_CQL_PROPERTY || !b_is_lit) {
        return sp_err_set(p->err, SP_EINVAL, "filter: %s at position %zu needs a property and %s",
                          functions[fn].name, name.pos,
                          is_spatial ? "a geometry literal" : "a DATE or TIMESTAMP literal");
    }
    sp_cql_expr *e = cql_node(p, functions[fn].kind, name.pos);
    if (!e)
        return p->err->code;
    e->op = op;
    *out = e;
    return set_args(p, e, 2, a, b, NULL);
}

/* ---- boolean structure --------------------------------------------------------------- */

static int parse_primary(cql_parser *p, sp_cql_expr **out)
{
    int rc = SP_OK;
    if (p->tok.type == CQL_T_LPAREN) {
        if ((rc = enter(p)) != SP_OK || (rc = cql_lex_next(p)) != SP_OK ||
            (rc = parse_or(p, out)) != SP_OK)
            return rc;
        if ((rc = expect(p, CQL_T_RPAREN, "AND, OR or ')'")) != SP_OK)
            return rc;
        p->depth--;
        return SP_OK;
    }
    int fn = function_index(p, &p->tok);
    if (fn >= 0 && is_call(p, &rc))
        return parse_function(p, fn, out);
    if (rc != SP_OK)
        return rc;
    return parse_predicate(p, out);
}

static int parse_not(cql_parser *p, sp_cql_expr **out)
{
    if (!cql_is_kw(p, &p->tok, "NOT"))
        return parse_primary(p, out);
    size_t pos = p->tok.pos;
    sp_cql_expr *child, *e;
    int rc;
    if ((rc = enter(p)) != SP_OK || (rc = cql_lex_next(p)) != SP_OK ||
        (rc = parse_not(p, &child)) != SP_OK)
        return rc;
    p->depth--;
    if (!(e = cql_node(p, SP_CQL_NOT, pos)))
        return p->err->code;
    *out = e;
    return set_args(p, e, 1, child, NULL, NULL);
}

/* and = not { AND not }, or = and { OR and }; nested groups of the same kind are merged. */
static int parse_list(cql_parser *p, sp_cql_kind kind, sp_cql_expr **out)
{
    const char *kw = kind == SP_CQL_OR ? "OR" : "AND";
    sp_cql_expr *first, *e = NULL;
    int rc = kind == SP_CQL_OR ? parse_list(p, SP_CQL_AND, &first) : parse_not(p, &first);
    if (rc != SP_OK)
        return rc;
    if (!cql_is_kw(p, &p->tok, kw)) {
        *out = first;
        return SP_OK;
    }
    if (!(e = cql_node(p, kind, first->pos)))
        return p->err->code;
    int cap = 0;
    sp_cql_expr *item = first;
    for (;;) {
        if (item->kind == kind) {
            for (int i = 0; i < item->nargs; i++)
                if ((rc = push_arg(p, e, &cap, item->args[i])) != SP_OK)
                    return rc;
        } else if ((rc = push_arg(p, e, &cap, item)) != SP_OK) {
            return rc;
        }
        if (!cql_is_kw(p, &p->tok, kw))
            break;
        if ((rc = cql_lex_next(p)) != SP_OK)
            return rc;
        rc = kind == SP_CQL_OR ? parse_list(p, SP_CQL_AND, &item) : parse_not(p, &item);
        if (rc != SP_OK)
            return rc;
    }
    *out = e;
    return SP_OK;
}

static int parse_or(cql_parser *p, sp_cql_expr **out)
{
    return parse_list(p, SP_CQL_OR, out);
}

/* ---- entry points -------------------------------------------------------------------- */

/* Whole-input checks before the first token: size, UTF-8, control characters. */
static int check_input(const char *text, size_t len, sp_err *err)
{
    if (len > SP_CQL_MAX_BYTES)
        return sp_err_set(err, SP_EINVAL, "filter: longer than %d bytes", SP_CQL_MAX_BYTES);
    size_t bad = sp_utf8_invalid_at(text, len);
    if (bad < len)
        return sp_err_set(err, SP_EINVAL, "filter: invalid UTF-8 at position %zu",
                          cql_char_pos(text, bad));
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return sp_err_set(err, SP_EINVAL, "filter: control character U+%04X at position %zu", c,
                              cql_char_pos(text, i));
    }
    return SP_OK;
}

int sp_cql_parse(const char *text, size_t len, sp_cql_expr **out, sp_err *err)
{
    sp_err local;
    if (!err)
        err = &local;
    if (!out)
        return sp_err_set(err, SP_EINVAL, "filter: nowhere to put the result");
    *out = NULL;
    if (!text)
        return sp_err_set(err, SP_EINVAL, "filter: empty filter");
    int rc = check_input(text, len, err);
    if (rc != SP_OK)
        return rc;
    cql_tree *tree = calloc(1, sizeof *tree);
    if (!tree)
        return sp_err_set(err, SP_ENOMEM, "filter: out of memory");
    cql_locale loc;
    if ((rc = cql_locale_enter(&loc, err)) != SP_OK) {
        free(tree);
        return rc;
    }
    cql_parser p = {.src = text, .len = len, .pos = 1, .chunks = &tree->chunks, .err = err};
    sp_cql_expr *root = NULL;
    rc = cql_lex_next(&p);
    if (rc == SP_OK && p.tok.type == CQL_T_EOF)
        rc = sp_err_set(err, SP_EINVAL, "filter: empty filter");
    if (rc == SP_OK)
        rc = parse_or(&p, &root);
    if (rc == SP_OK && p.tok.type != CQL_T_EOF)
        rc = cql_unexpected(&p, &p.tok, "AND, OR or end of filter");
    cql_locale_leave(&loc);
    if (rc != SP_OK) {
        cql_chunks_free(tree->chunks);
        free(tree);
        return rc;
    }
    tree->root = *root;
    *out = &tree->root;
    return SP_OK;
}

void sp_cql_free(sp_cql_expr *root)
{
    if (!root)
        return;
    cql_tree *tree = (cql_tree *)(void *)((char *)root - offsetof(cql_tree, root));
    cql_chunks_free(tree->chunks);
    free(tree);
}
