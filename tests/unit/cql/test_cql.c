/* tests/unit/cql/test_cql.c - the CQL2-Text parser alone: valid filters against their
 * canonical form, errors against their exact message, the limits, hostile input, and a
 * small deterministic fuzz loop (random token soup, every prefix of valid filters) that
 * must only ever return SP_OK or SP_EINVAL; run it under ASan to make that mean something. */
#include <stdlib.h>

#include "sp_cql.h"
#include "sp_test.h"

/* Parses and prints; NULL when the parse failed (err says why). Also checks that the
 * canonical form reads back to itself. */
static char *canon(const char *in, size_t len, sp_err *err)
{
    sp_cql_expr *e = NULL;
    sp_err_clear(err);
    if (sp_cql_parse(in, len, &e, err) != SP_OK) {
        SP_CHECK(e == NULL);
        return NULL;
    }
    sp_strbuf b = {0}, again = {0};
    SP_CHECK(sp_cql_to_text(e, &b) == SP_OK);
    sp_cql_free(e);
    sp_err err2 = {0};
    sp_cql_expr *e2 = NULL;
    if (sp_cql_parse(b.data, b.len, &e2, &err2) != SP_OK) {
        fprintf(stderr, "  canonical form does not parse: %s: %s\n", b.data, err2.msg);
        sp_test_failures++;
    } else {
        sp_cql_to_text(e2, &again);
        SP_CHECK_STR(sp_strbuf_cstr(&again), sp_strbuf_cstr(&b));
    }
    sp_cql_free(e2);
    sp_strbuf_free(&again);
    return b.data;
}

static void test_cql__valid_filters_have_canonical_form(void)
{
    /* clang-format off */
    static const struct { const char *in, *out; } cases[] = {
        {"a=1", "a = 1"},
        {"  a\t=\n1\r ", "a = 1"},
        {"name = 'Софійський собор'", "name = 'Софійський собор'"},
        {"a <> 1 and b < 2 OR c > 3", "((a <> 1 AND b < 2) OR c > 3)"},
        {"a = 1 OR b = 2 AND c = 3", "(a = 1 OR (b = 2 AND c = 3))"},
        {"a = 1 AND b = 2 OR c = 3 AND d = 4", "((a = 1 AND b = 2) OR (c = 3 AND d = 4))"},
        {"NOT a = 1 AND b = 2", "(NOT a = 1 AND b = 2)"},
        {"NOT (a = 1 OR b = 2)", "NOT (a = 1 OR b = 2)"},
        {"(a = 1 OR b = 2) AND c = 3", "((a = 1 OR b = 2) AND c = 3)"},
        {"a = 1 AND (b = 2 AND c = 3)", "(a = 1 AND b = 2 AND c = 3)"},
        {"a = 1 OR (b = 2 OR c = 3) OR d = 4", "(a = 1 OR b = 2 OR c = 3 OR d = 4)"},
        {"((((a = 1))))", "a = 1"},
        {"not not a=1", "NOT NOT a = 1"},
        {"1 < year", "1 < year"},
        {"year_from >= year_to", "year_from >= year_to"},
        {"a<=1 AND a>=2 AND a<3 AND a>4", "(a <= 1 AND a >= 2 AND a < 3 AND a > 4)"},
        {"x <= -1.5e3", "x <= -1500.0"},
        {"x = .5", "x = 0.5"},
        {"x = 1.", "x = 1.0"},
        {"x = +7", "x = 7"},
        {"x = 0.1", "x = 0.1"},
        {"x = 1E300", "x = 1e+300"},
        {"x = 1e-400", "x = 0.0"},
        {"x = -9223372036854775808", "x = -9223372036854775808"},
        {"s = 'it''s'", "s = 'it''s'"},
        {"s = ''''", "s = ''''"},
        {"s = ''", "s = ''"},
        {"s = 'Солом''янська'", "s = 'Солом''янська'"},
        {"s = 'ґ є ї'", "s = 'ґ є ї'"},
        {"flag = true AND other = False", "(flag = TRUE AND other = FALSE)"},
        {"\"name; DROP TABLE t\" = 'x'", "\"name; DROP TABLE t\" = 'x'"},
        {"\"назва\" = 'x'", "\"назва\" = 'x'"},
        {"\"and\" = 1", "\"and\" = 1"},
        {"\"point\" = 1", "\"point\" = 1"},
        {"\"plain\" = 1", "plain = 1"},
        {"ns:prop.sub_1 = 1", "ns:prop.sub_1 = 1"},
        {"date = DATE('2022-03-01')", "date = DATE('2022-03-01')"},
        {"date = 1", "date = 1"},
        {"point = 1", "\"point\" = 1"},
        {"d = DATE('2024-02-29')", "d = DATE('2024-02-29')"},
        {"u > timestamp('2022-03-01t10:00:00z')", "u > TIMESTAMP('2022-03-01T10:00:00.000Z')"},
        {"u > TIMESTAMP('2022-03-01T10:00:00.123456Z')",
         "u > TIMESTAMP('2022-03-01T10:00:00.123Z')"},
        {"u > TIMESTAMP('2022-03-01T23:59:59.5Z')", "u > TIMESTAMP('2022-03-01T23:59:59.500Z')"},
        {"name LIKE 'Київ%'", "name LIKE 'Київ%'"},
        {"name not like '_a\\%'", "name NOT LIKE '_a\\%'"},
        {"k IN ('a', 'b', 3)", "k IN ('a', 'b', 3)"},
        {"k NOT IN (1)", "k NOT IN (1)"},
        {"k in(TRUE,DATE('2020-01-01'),1.5)", "k IN (TRUE, DATE('2020-01-01'), 1.5)"},
        {"y BETWEEN 1 AND 5", "y BETWEEN 1 AND 5"},
        {"y not between 1.5 and 5", "y NOT BETWEEN 1.5 AND 5"},
        {"y BETWEEN 1 AND 5 AND z = 2", "(y BETWEEN 1 AND 5 AND z = 2)"},
        {"y is null", "y IS NULL"},
        {"y IS NOT NULL OR z IS NULL", "(y IS NOT NULL OR z IS NULL)"},
        {"S_INTERSECTS(geom, POINT(30.5 50.45))", "S_INTERSECTS(geom, POINT(30.5 50.45))"},
        {"s_intersects(geom,point ( -1e1  +2 ))", "S_INTERSECTS(geom, POINT(-10 2))"},
        {"S_INTERSECTS(geom, BBOX(30, 50, 31, 51.5))",
         "S_INTERSECTS(geom, POLYGON((30 50,31 50,31 51.5,30 51.5,30 50)))"},
        {"S_WITHIN(geom, POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (1 1, 2 1, 2 2, 1 1)))",
         "S_WITHIN(geom, POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,2 1,2 2,1 1)))"},
        {"S_WITHIN(POLYGON((0 0,1 0,1 1,0 0)), geom)",
         "S_CONTAINS(geom, POLYGON((0 0,1 0,1 1,0 0)))"},
        {"S_CONTAINS(POINT(1 1), geom)", "S_WITHIN(geom, POINT(1 1))"},
        {"S_DISJOINT(geom, LINESTRING(0 0, 1 1))", "S_DISJOINT(geom, LINESTRING(0 0,1 1))"},
        {"S_CONTAINS(geom, MULTIPOINT(1 2, 3 4))", "S_CONTAINS(geom, MULTIPOINT((1 2),(3 4)))"},
        {"S_INTERSECTS(geom, MULTIPOINT((1 2), (3 4)))",
         "S_INTERSECTS(geom, MULTIPOINT((1 2),(3 4)))"},
        {"S_INTERSECTS(geom, MULTILINESTRING((0 0, 1 1), (2 2, 3 3)))",
         "S_INTERSECTS(geom, MULTILINESTRING((0 0,1 1),(2 2,3 3)))"},
        {"S_INTERSECTS(geom, MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5))))",
         "S_INTERSECTS(geom, MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5))))"},
        {"S_INTERSECTS(\"the geom\", POINT(0.1 0.7))",
         "S_INTERSECTS(\"the geom\", POINT(0.1 0.7))"},
        {"T_AFTER(updated, DATE('2022-01-01'))", "T_AFTER(updated, DATE('2022-01-01'))"},
        {"T_BEFORE(DATE('2022-01-01'), updated)", "T_AFTER(updated, DATE('2022-01-01'))"},
        {"t_equals(d, timestamp('2022-01-01T00:00:00Z'))",
         "T_EQUALS(d, TIMESTAMP('2022-01-01T00:00:00.000Z'))"},
        {"NOT S_INTERSECTS(geom, POINT(1 2)) AND T_AFTER(u, DATE('2000-01-01'))",
         "(NOT S_INTERSECTS(geom, POINT(1 2)) AND T_AFTER(u, DATE('2000-01-01')))"},
        {"S_INTERSECTS = 1", "S_INTERSECTS = 1"},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_err err;
        char *got = canon(cases[i].in, strlen(cases[i].in), &err);
        if (!got)
            fprintf(stderr, "  %s: %s\n", cases[i].in, err.msg);
        SP_CHECK_STR(got, cases[i].out);
        free(got);
    }
}

static void test_cql__tree_shape_and_positions(void)
{
    sp_cql_expr *e = NULL;
    sp_err err = {0};
    const char *f = "\"назва\" LIKE 'К%' AND S_INTERSECTS(geom, BBOX(1, 2, 3, 4))";
    SP_CHECK(sp_cql_parse(f, strlen(f), &e, &err) == SP_OK);
    if (!e)
        return;
    SP_CHECK(e->kind == SP_CQL_AND && e->nargs == 2 && e->pos == 1);
    const sp_cql_expr *like = e->args[0], *s = e->args[1];
    SP_CHECK(like->kind == SP_CQL_LIKE && !like->is_negated);
    SP_CHECK_STR(like->args[0]->text, "назва");
    SP_CHECK(like->args[0]->len == strlen("назва"));
    SP_CHECK(like->args[1]->kind == SP_CQL_STRING && like->args[1]->pos == 14);
    SP_CHECK(s->kind == SP_CQL_SPATIAL && s->op == SP_CQL_S_INTERSECTS && s->pos == 23);
    SP_CHECK(s->args[0]->kind == SP_CQL_PROPERTY && s->args[0]->pos == 36);
    const sp_cql_expr *g = s->args[1];
    SP_CHECK(g->kind == SP_CQL_GEOMETRY && g->op == SP_CQL_G_POLYGON && g->pos == 42);
    SP_CHECK(g->bbox[0] == 1 && g->bbox[1] == 2 && g->bbox[2] == 3 && g->bbox[3] == 4);
    sp_cql_free(e);

    f = "S_INTERSECTS(geom, LINESTRING(-3 7.5, 10 -2, 4 20))";
    SP_CHECK(sp_cql_parse(f, strlen(f), &e, &err) == SP_OK);
    if (!e)
        return;
    g = e->args[1];
    SP_CHECK(g->bbox[0] == -3 && g->bbox[1] == -2 && g->bbox[2] == 10 && g->bbox[3] == 20);
    SP_CHECK(g->op == SP_CQL_G_LINESTRING);
    sp_cql_free(e);

    /* Not NUL-terminated: only len bytes are read. */
    char buf[8] = {'a', '=', '1', 'X', 'X', 'X', 'X', 'X'};
    SP_CHECK(sp_cql_parse(buf, 3, &e, &err) == SP_OK);
    SP_CHECK(e && e->kind == SP_CQL_CMP && e->args[1]->i == 1);
    sp_cql_free(e);
    sp_cql_free(NULL);
}

static void test_cql__errors_name_token_and_position(void)
{
    /* clang-format off */
    static const struct { const char *in, *msg; } cases[] = {
        {"", "filter: empty filter"},
        {"  \t\n ", "filter: empty filter"},
        {"name = 'x' AMD year > 5",
         "filter: unexpected 'AMD' at position 12: expected AND, OR or end of filter"},
        {"\"назва\" = 'Київ' AMD x",
         "filter: unexpected 'AMD' at position 18: expected AND, OR or end of filter"},
        {"name = 'unterminated", "filter: unterminated string starting at position 8"},
        {"'", "filter: unterminated string starting at position 1"},
        {"a = 'it''", "filter: unterminated string starting at position 5"},
        {"\"abc = 1", "filter: unterminated property name starting at position 1"},
        {"S_FOO(geom, 1)", "filter: unknown function 'S_FOO' at position 1"},
        {"a = upper('x')", "filter: unknown function 'upper' at position 5"},
        {"a = ", "filter: unexpected end of filter at position 5: expected a property or a value"},
        {"(a = 1", "filter: unexpected end of filter at position 7: expected AND, OR or ')'"},
        {"a = 1)", "filter: unexpected ')' at position 6: expected AND, OR or end of filter"},
        {"назва = 1", "filter: unexpected character 'н' at position 1"},
        {"a == 1", "filter: unexpected '=' at position 4: expected a property or a value"},
        {"a != 1", "filter: unexpected character '!' at position 3"},
        {"a = 1; DROP TABLE t", "filter: unexpected character ';' at position 6"},
        {"a = -x", "filter: unexpected character '-' at position 5"},
        {"a = 1e", "filter: malformed number '1e' at position 5"},
        {"a = 2e+x", "filter: malformed number '2e+x' at position 5"},
        {"a = 99999999999999999999",
         "filter: number '99999999999999999999' at position 5 is out of range"},
        {"a = 1e999", "filter: number '1e999' at position 5 is out of range"},
        {"a = 1 2", "filter: unexpected '2' at position 7: expected AND, OR or end of filter"},
        {"a LIKE 5", "filter: unexpected '5' at position 8: expected a string pattern"},
        {"'x' LIKE 'y'", "filter: LIKE at position 5 needs a property on its left, not a value"},
        {"1 IS NULL", "filter: IS NULL at position 3 needs a property on its left, not a value"},
        {"a IN ()", "filter: unexpected ')' at position 7: expected a value"},
        {"a IN (b)", "filter: unexpected 'b' at position 7: expected a value"},
        {"a IN 1", "filter: unexpected '1' at position 6: expected '('"},
        {"a IN (1 2)", "filter: unexpected '2' at position 9: expected ',' or ')'"},
        {"a BETWEEN 1 OR 2", "filter: unexpected 'OR' at position 13: expected AND"},
        {"a IS NOT 1", "filter: unexpected '1' at position 10: expected NULL"},
        {"a NOT = 1",
         "filter: unexpected '=' at position 7: expected LIKE, IN or BETWEEN after NOT"},
        {"a", "filter: unexpected end of filter at position 2: expected a comparison operator, "
              "LIKE, IN, BETWEEN or IS"},
        {"AND = 1", "filter: unexpected 'AND' at position 1: expected a property or a value"},
        {"a = NULL", "filter: unexpected 'NULL' at position 5: expected a property or a value"},
        {"d = DATE('2022-02-30')",
         "filter: invalid DATE '2022-02-30' at position 10: expected YYYY-MM-DD"},
        {"d = DATE('2023-02-29')",
         "filter: invalid DATE '2023-02-29' at position 10: expected YYYY-MM-DD"},
        {"d = DATE('2022-3-1')",
         "filter: invalid DATE '2022-3-1' at position 10: expected YYYY-MM-DD"},
        {"d = TIMESTAMP('2022-03-01T10:00:00+02:00')",
         "filter: invalid TIMESTAMP '2022-03-01T10:00:00+02:00' at position 15: expected "
         "YYYY-MM-DDTHH:MM:SS[.sss]Z (UTC)"},
        {"d = TIMESTAMP('2022-03-01T24:00:00Z')",
         "filter: invalid TIMESTAMP '2022-03-01T24:00:00Z' at position 15: expected "
         "YYYY-MM-DDTHH:MM:SS[.sss]Z (UTC)"},
        {"d = TIMESTAMP('2022-03-01T10:00:00.Z')",
         "filter: invalid TIMESTAMP '2022-03-01T10:00:00.Z' at position 15: expected "
         "YYYY-MM-DDTHH:MM:SS[.sss]Z (UTC)"},
        {"d = DATE(2022)",
         "filter: unexpected '2022' at position 10: expected a date string such as '2022-03-01'"},
        {"d = DATE('2022-01-01'", "filter: unexpected end of filter at position 22: expected ')'"},
        {"S_INTERSECTS(geom, POLYGON((0 0, 1 1)))",
         "filter: polygon ring at position 28 has 2 points, needs at least 4"},
        {"S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 1)))",
         "filter: polygon ring at position 28 is not closed (its last point differs from its "
         "first)"},
        {"S_INTERSECTS(geom, LINESTRING(0 0))",
         "filter: line at position 30 has 1 point, needs at least 2"},
        {"S_INTERSECTS(geom, POINT(1 2 3))",
         "filter: only 2D coordinates are supported (third number at position 30)"},
        {"S_INTERSECTS(geom, POINT(1))",
         "filter: unexpected ')' at position 27: expected a number"},
        {"S_INTERSECTS(geom, POINT(1 1e999))",
         "filter: number '1e999' at position 28 is out of range"},
        {"S_INTERSECTS(geom, POINT Z (1 2 3))",
         "filter: geometry at position 20: only 2D coordinates are supported"},
        {"S_INTERSECTS(geom, POINT EMPTY)",
         "filter: EMPTY geometry at position 20 is not supported"},
        {"S_INTERSECTS(geom, GEOMETRYCOLLECTION(POINT(1 2)))",
         "filter: unknown function 'GEOMETRYCOLLECTION' at position 20"},
        {"S_INTERSECTS(geom, BBOX(1, 2, 0, 3))",
         "filter: BBOX at position 20 has minx > maxx or miny > maxy (boxes across the "
         "antimeridian are not supported)"},
        {"S_INTERSECTS(geom, BBOX(0, 0, 0, 1, 1, 1))",
         "filter: BBOX at position 20: only 2D boxes (4 numbers) are supported"},
        {"S_INTERSECTS(geom, BBOX(0 0 1 1))",
         "filter: unexpected '0' at position 27: expected ','"},
        {"S_INTERSECTS(geom, 'x')",
         "filter: S_INTERSECTS at position 1 needs a property and a geometry literal"},
        {"S_INTERSECTS(a, b)",
         "filter: S_INTERSECTS at position 1 needs a property and a geometry literal"},
        {"S_INTERSECTS(POINT(0 0), POINT(1 1))",
         "filter: S_INTERSECTS at position 1 needs a property and a geometry literal"},
        {"S_INTERSECTS(geom POINT(0 0))",
         "filter: unexpected 'POINT' at position 19: expected ','"},
        {"T_AFTER(updated, '2022-01-01')",
         "filter: T_AFTER at position 1 needs a property and a DATE or TIMESTAMP literal"},
        {"T_AFTER(updated, AND)",
         "filter: unexpected 'AND' at position 18: expected a property or a DATE or TIMESTAMP "
         "literal"},
        {"a = POINT(1 2)", "filter: geometry 'POINT' at position 5 can only be used inside "
                           "S_INTERSECTS, S_WITHIN, S_CONTAINS or S_DISJOINT"},
        {"a = S_INTERSECTS(g, POINT(1 2))",
         "filter: unexpected 'S_INTERSECTS' at position 5: expected a property or a value"},
        {"\"\" = 1", "filter: empty property name at position 1"},
        {"a = 1 OR \"x\ny\" = 1",
         "filter: property name at position 10 contains a tab or line break"},
        {"a = 1 OR",
         "filter: unexpected end of filter at position 9: expected a property or a value"},
        {"NOT", "filter: unexpected end of filter at position 4: expected a property or a value"},
        {"(((", "filter: unexpected end of filter at position 4: expected a property or a value"},
        {"()", "filter: unexpected ')' at position 2: expected a property or a value"},
        {"a = 'x' AND 'a very long string that goes on and on and on and on' = b x",
         "filter: unexpected 'x' at position 72: expected AND, OR or end of filter"},
        {"a = 'x' b 'a very long string that goes on and on and on and on'",
         "filter: unexpected 'b' at position 9: expected AND, OR or end of filter"},
        {"a = 1 'a very long string that goes on and on and on and on'",
         "filter: unexpected 'a very long string that goes on and on ...' at position 7: "
         "expected AND, OR or end of filter"},
        {"a = 1 'ґґґґґґґґґґґґґґґґґґґґґґґґґґґґґґ'",
         "filter: unexpected 'ґґґґґґґґґґґґґґґґґґґ...' at position 7: expected AND, OR or end "
         "of filter"},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_err err;
        char *got = canon(cases[i].in, strlen(cases[i].in), &err);
        if (got)
            fprintf(stderr, "  %s: parsed as %s\n", cases[i].in, got);
        SP_CHECK(got == NULL && err.code == SP_EINVAL);
        SP_CHECK_STR(err.msg, cases[i].msg);
        free(got);
    }
}

static void test_cql__bytes_that_are_not_text(void)
{
    static const struct {
        const char *in;
        size_t len;
        const char *msg;
    } cases[] = {
        {"a = 1\0 OR b = 2", 15, "filter: control character U+0000 at position 6"},
        {"a = 'x\0y'", 9, "filter: control character U+0000 at position 7"},
        {"a = 1\x01", 6, "filter: control character U+0001 at position 6"},
        {"a = 1\x7f", 6, "filter: control character U+007F at position 6"},
        {"a = '\xff'", 7, "filter: invalid UTF-8 at position 6"},
        {"\"Київ\" = '\xd0'", 17, "filter: invalid UTF-8 at position 11"},
        {"a = '\xc0\xaf'", 8, "filter: invalid UTF-8 at position 6"},          /* overlong '/' */
        {"a = '\xed\xa0\x80'", 9, "filter: invalid UTF-8 at position 6"},      /* surrogate */
        {"a = '\xf4\x90\x80\x80'", 10, "filter: invalid UTF-8 at position 6"}, /* > U+10FFFF */
        {"a = 'x\xe2\x82", 8, "filter: invalid UTF-8 at position 7"},          /* cut short */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_err err;
        char *got = canon(cases[i].in, cases[i].len, &err);
        SP_CHECK(got == NULL && err.code == SP_EINVAL);
        SP_CHECK_STR(err.msg, cases[i].msg);
        free(got);
    }
    sp_cql_expr *e = (sp_cql_expr *)1;
    sp_err err = {0};
    SP_CHECK(sp_cql_parse(NULL, 0, &e, &err) == SP_EINVAL && e == NULL);
    SP_CHECK(sp_cql_parse("a = 1", 5, NULL, &err) == SP_EINVAL);
    SP_CHECK(sp_cql_parse("a = 1", 5, &e, NULL) == SP_OK); /* err may be omitted */
    sp_cql_free(e);
}

/* A filter of n bytes: a = '<x...x>'. */
static char *long_string_filter(size_t n)
{
    char *s = malloc(n + 1);
    memcpy(s, "a = '", 5);
    memset(s + 5, 'x', n - 6);
    s[n - 1] = '\'';
    s[n] = '\0';
    return s;
}

static char *repeat(const char *prefix, const char *unit, int n, const char *suffix)
{
    sp_strbuf b = {0};
    sp_strbuf_puts(&b, prefix);
    for (int i = 0; i < n; i++)
        sp_strbuf_puts(&b, unit);
    sp_strbuf_puts(&b, suffix);
    return b.data;
}

static int parse_rc(const char *s, sp_err *err)
{
    sp_cql_expr *e = NULL;
    sp_err_clear(err);
    int rc = sp_cql_parse(s, strlen(s), &e, err);
    sp_cql_free(e);
    return rc;
}

static void test_cql__limits(void)
{
    sp_err err;
    char *s = long_string_filter(SP_CQL_MAX_BYTES);
    SP_CHECK(parse_rc(s, &err) == SP_OK);
    free(s);
    s = long_string_filter(SP_CQL_MAX_BYTES + 1);
    SP_CHECK(parse_rc(s, &err) == SP_EINVAL);
    SP_CHECK_STR(err.msg, "filter: longer than 65536 bytes");
    free(s);

    /* Depth: parentheses and NOTs count alike. */
    char *open = repeat("", "(", SP_CQL_MAX_DEPTH, "a = 1");
    s = repeat(open, ")", SP_CQL_MAX_DEPTH, "");
    SP_CHECK(parse_rc(s, &err) == SP_OK);
    free(open);
    free(s);
    open = repeat("", "(", SP_CQL_MAX_DEPTH + 1, "a = 1");
    s = repeat(open, ")", SP_CQL_MAX_DEPTH + 1, "");
    SP_CHECK(parse_rc(s, &err) == SP_EINVAL);
    SP_CHECK_STR(err.msg, "filter: nesting deeper than 64 levels at position 65");
    free(open);
    free(s);
    s = repeat("", "NOT ", SP_CQL_MAX_DEPTH, "a = 1");
    SP_CHECK(parse_rc(s, &err) == SP_OK);
    free(s);
    s = repeat("", "NOT ", SP_CQL_MAX_DEPTH + 1, "a = 1");
    SP_CHECK(parse_rc(s, &err) == SP_EINVAL);
    SP_CHECK_STR(err.msg, "filter: nesting deeper than 64 levels at position 257");
    free(s);
    s = repeat("", "NOT (a = 1 AND ", SP_CQL_MAX_DEPTH / 2, "a = 1");
    open = repeat(s, ")", SP_CQL_MAX_DEPTH / 2, "");
    SP_CHECK(parse_rc(open, &err) == SP_OK);
    free(open);
    free(s);

    /* IN lists. */
    s = repeat("a IN (0", ",1", SP_CQL_MAX_IN_ITEMS - 1, ")");
    SP_CHECK(parse_rc(s, &err) == SP_OK);
    free(s);
    s = repeat("a IN (0", ",1", SP_CQL_MAX_IN_ITEMS, ")");
    SP_CHECK(parse_rc(s, &err) == SP_EINVAL);
    SP_CHECK_STR(err.msg, "filter: IN list at position 6 has more than 1000 values");
    free(s);

    /* Nodes: one OR plus three per comparison. */
    s = repeat("a=1", " OR a=1", (SP_CQL_MAX_NODES - 1) / 3 - 1, "");
    SP_CHECK(parse_rc(s, &err) == SP_OK);
    free(s);
    s = repeat("a=1", " OR a=1", (SP_CQL_MAX_NODES - 1) / 3, "");
    SP_CHECK(parse_rc(s, &err) == SP_EINVAL);
    SP_CHECK_CONTAINS(err.msg, "filter: more than 10000 nodes at position ");
    free(s);
}

static void test_cql__adversarial_input_is_refused(void)
{
    static const char *const bad[] = {
        "",
        " ",
        "(",
        ")",
        "(((",
        ")))",
        "((a = 1)",
        "(a = 1))",
        "'",
        "''",
        "\"",
        "\"\"",
        "a = ",
        "= 1",
        "a = 'x",
        "a = 'x''",
        "AND",
        "NOT NOT",
        "a = 1 AND",
        "a = 1 OR OR b = 2",
        "a IN (",
        "a IN (1,",
        "a IN (1,)",
        "a BETWEEN",
        "a BETWEEN 1 AND",
        "a IS",
        "a LIKE",
        "S_INTERSECTS(",
        "S_INTERSECTS(geom,",
        "S_INTERSECTS(geom, POLYGON((0 0, 1 1)))",
        "S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 0))",
        "S_INTERSECTS(geom, POLYGON(0 0, 1 0, 1 1, 0 0))",
        "S_INTERSECTS(geom, MULTIPOLYGON((0 0, 1 0, 1 1, 0 0)))",
        "S_INTERSECTS(geom, POINT(nan 1))",
        "S_INTERSECTS(geom, POINT(inf 1))",
        "S_INTERSECTS(geom, BBOX(0, 0, 1))",
        "S_INTERSECTS(geom, BBOX)",
        "T_AFTER(a)",
        "T_AFTER(a, DATE('x'))",
        "DATE('2020-01-01')",
        "a = DATE()",
        "a = DATE('2020-01-01' x)",
        "a = DATE(",
        "a = 1e",
        "a = .",
        "a = -",
        "a = 1.2.3",
        "a = 123456789012345678901234567890",
        "a = 1e308000",
        "a = TRUE(",
        "a <",
        "a < > 1",
        "a <=> 1",
        "\\",
        "a = `x`",
        "a = 'x' -- comment",
        "a = 1 /* c */",
        "a = 'x'; DROP TABLE t",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sp_cql_expr *e = NULL;
        sp_err err = {0};
        int rc = sp_cql_parse(bad[i], strlen(bad[i]), &e, &err);
        if (rc != SP_EINVAL)
            fprintf(stderr, "  accepted: %s\n", bad[i]);
        SP_CHECK(rc == SP_EINVAL && e == NULL);
        SP_CHECK(strncmp(err.msg, "filter: ", 8) == 0);
        sp_cql_free(e);
    }
    /* Pathological sizes. */
    sp_err err;
    char *s = repeat("", "(", 1000, "");
    SP_CHECK(parse_rc(s, &err) == SP_EINVAL);
    free(s);
    s = repeat("", "(", 1000, "a = 1");
    char *t = repeat(s, ")", 1000, "");
    SP_CHECK(parse_rc(t, &err) == SP_EINVAL);
    SP_CHECK_CONTAINS(err.msg, "nesting deeper than 64");
    free(s);
    free(t);
    s = repeat("a = ", "9", 5000, "");
    SP_CHECK(parse_rc(s, &err) == SP_EINVAL);
    SP_CHECK_CONTAINS(err.msg, "out of range");
    free(s);
    s = repeat("a = 0.", "0", 5000, "1");
    SP_CHECK(parse_rc(s, &err) == SP_EINVAL);
    free(s);
    s = repeat("", "'", 30001, "");
    SP_CHECK(parse_rc(s, &err) == SP_EINVAL);
    free(s);
    s = repeat("a = 1", " ", 60000, "");
    SP_CHECK(parse_rc(s, &err) == SP_OK);
    free(s);
    s = repeat("S_INTERSECTS(geom, POLYGON((0 0", ",1 1", 15000, ",0 0)))");
    SP_CHECK(parse_rc(s, &err) == SP_OK);
    free(s);
}

/* Deterministic xorshift, so a failure reproduces. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static int fuzz_accepted; /* how many fuzz inputs parsed: the round trip was checked */

static int fuzz_one(const char *s, size_t len)
{
    sp_cql_expr *e = NULL;
    sp_err err = {0};
    int rc = sp_cql_parse(s, len, &e, &err);
    if (rc == SP_OK) {
        fuzz_accepted++;
        sp_strbuf b = {0}, again = {0};
        sp_cql_to_text(e, &b);
        sp_cql_expr *e2 = NULL;
        if (sp_cql_parse(b.data, b.len, &e2, &err) != SP_OK) {
            fprintf(stderr, "  canonical form does not parse: %s\n", b.data);
            sp_test_failures++;
        } else {
            sp_cql_to_text(e2, &again);
            SP_CHECK_STR(again.data, b.data);
        }
        sp_cql_free(e2);
        sp_strbuf_free(&b);
        sp_strbuf_free(&again);
    } else if (rc != SP_EINVAL || e != NULL || strncmp(err.msg, "filter: ", 8) != 0) {
        fprintf(stderr, "  rc %d for %.*s: %s\n", rc, (int)len, s, err.msg);
        sp_test_failures++;
    }
    sp_cql_free(e);
    return rc;
}

static const char *const junk[] = {"(",  ")",    ",",     "'", "\"", "AND",   "NOT", "=",
                                   "1e", "\xd0", "POINT", "",  "IN", "BBOX(", "x"};
static int junk_rate; /* one token in junk_rate is replaced by junk; 0: none */

static void tok(sp_strbuf *b, const char *t)
{
    if (junk_rate && rnd((unsigned)junk_rate) == 0)
        t = junk[rnd(sizeof junk / sizeof junk[0])];
    sp_strbuf_puts(b, t);
    sp_strbuf_puts(b, !junk_rate || rnd(4) ? " " : ""); /* words may run together in junk */
}

static void gen_value(sp_strbuf *b)
{
    static const char *const values[] = {"1",
                                         "-7",
                                         "2.5",
                                         "1e3",
                                         "'x'",
                                         "'Київ'",
                                         "'it''s'",
                                         "TRUE",
                                         "false",
                                         "DATE('2020-02-29')",
                                         "TIMESTAMP('2021-05-01T10:00:00.25Z')"};
    tok(b, values[rnd(sizeof values / sizeof values[0])]);
}

static void gen_geometry(sp_strbuf *b)
{
    static const char *const geoms[] = {"POINT(1 2)",
                                        "BBOX(0,0,1,1)",
                                        "LINESTRING(0 0,1 1,2 0)",
                                        "POLYGON((0 0,1 0,1 1,0 0))",
                                        "MULTIPOINT(1 2,3 4)",
                                        "MULTILINESTRING((0 0,1 1))",
                                        "MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))"};
    tok(b, geoms[rnd(sizeof geoms / sizeof geoms[0])]);
}

/* A random filter from the grammar (depth-limited), with junk sprinkled in. */
static void gen_filter(sp_strbuf *b, int depth)
{
    static const char *const props[] = {"a", "name", "\"the geom\"", "x.y"};
    static const char *const ops[] = {"=", "<>", "<", ">", "<=", ">="};
    unsigned pick = depth > 6 ? 4 + rnd(8) : rnd(12);
    switch (pick) {
    case 0:
    case 1:
        tok(b, "(");
        gen_filter(b, depth + 1);
        tok(b, rnd(2) ? "AND" : "OR");
        gen_filter(b, depth + 1);
        tok(b, ")");
        break;
    case 2:
        tok(b, "NOT");
        gen_filter(b, depth + 1);
        break;
    case 3:
        gen_filter(b, depth + 1);
        tok(b, rnd(2) ? "and" : "or");
        gen_filter(b, depth + 1);
        break;
    case 4:
    case 5:
        tok(b, props[rnd(4)]);
        tok(b, ops[rnd(6)]);
        gen_value(b);
        break;
    case 6:
        tok(b, props[rnd(4)]);
        tok(b, rnd(2) ? "LIKE" : "NOT LIKE");
        tok(b, "'К%_\\%'");
        break;
    case 7:
        tok(b, props[rnd(4)]);
        tok(b, rnd(2) ? "IN (" : "NOT IN (");
        for (int i = 0, n = 1 + (int)rnd(4); i < n; i++) {
            if (i)
                tok(b, ",");
            gen_value(b);
        }
        tok(b, ")");
        break;
    case 8:
        tok(b, props[rnd(4)]);
        tok(b, rnd(2) ? "BETWEEN" : "NOT BETWEEN");
        gen_value(b);
        tok(b, "AND");
        gen_value(b);
        break;
    case 9:
        tok(b, props[rnd(4)]);
        tok(b, rnd(2) ? "IS NULL" : "IS NOT NULL");
        break;
    case 10: {
        static const char *const fns[] = {"S_INTERSECTS(", "S_WITHIN(", "S_CONTAINS(",
                                          "S_DISJOINT("};
        tok(b, fns[rnd(4)]);
        if (rnd(2)) {
            tok(b, props[rnd(4)]);
            tok(b, ",");
            gen_geometry(b);
        } else {
            gen_geometry(b);
            tok(b, ",");
            tok(b, props[rnd(4)]);
        }
        tok(b, ")");
        break;
    }
    default: {
        static const char *const fns[] = {"T_AFTER(", "T_BEFORE(", "T_EQUALS("};
        tok(b, fns[rnd(3)]);
        tok(b, props[rnd(4)]);
        tok(b, ",");
        tok(b, rnd(2) ? "DATE('1999-12-31')" : "TIMESTAMP('2000-01-01T00:00:00Z')");
        tok(b, ")");
        break;
    }
    }
}

static void test_cql__fuzz_grammar_with_junk(void)
{
    int before = fuzz_accepted;
    for (int iter = 0; iter < 20000; iter++) {
        sp_strbuf b = {0};
        junk_rate = iter % 2 ? 0 : 8 + (int)rnd(40);
        gen_filter(&b, 0);
        sp_err err = {0};
        if (fuzz_one(b.data, b.len) != SP_OK && junk_rate == 0) {
            sp_cql_expr *e = NULL;
            sp_cql_parse(b.data, b.len, &e, &err);
            fprintf(stderr, "  generated filter refused: %s: %s\n", b.data, err.msg);
            sp_test_failures++;
        }
        sp_strbuf_free(&b);
    }
    junk_rate = 0;
    fprintf(stderr, "  grammar fuzz: %d of 20000 parsed\n", fuzz_accepted - before);
    SP_CHECK(fuzz_accepted - before > 10000); /* all junk-free ones, and then some */
}

static void test_cql__fuzz_token_soup_and_prefixes(void)
{
    static const char *const tokens[] = {
        "a",
        "\"b c\"",
        "=",
        "<>",
        "<",
        ">=",
        "(",
        ")",
        ",",
        "AND",
        "OR",
        "NOT",
        "LIKE",
        "IN",
        "BETWEEN",
        "IS",
        "NULL",
        "TRUE",
        "'x'",
        "'ї''є'",
        "1",
        "-2.5e3",
        ".5",
        "DATE",
        "('2020-01-01')",
        "TIMESTAMP",
        "S_INTERSECTS",
        "T_AFTER",
        "POINT",
        "POLYGON",
        "BBOX",
        "0 0",
        "1 1",
        "'",
        "\"",
        "\xd0",
        "\x00",
        "  ",
        "MULTIPOINT",
    };
    size_t ntok = sizeof tokens / sizeof tokens[0];
    char buf[512];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0;
        int n = 1 + (int)rnd(24);
        for (int k = 0; k < n; k++) {
            const char *t = tokens[rnd((unsigned)ntok)];
            size_t tl = t[0] ? strlen(t) : 1; /* "\x00" stands for one NUL byte */
            if (len + tl + 1 >= sizeof buf)
                break;
            memcpy(buf + len, t, tl);
            len += tl;
            if (rnd(3))
                buf[len++] = ' ';
        }
        fuzz_one(buf, len);
    }
    /* Every prefix and every single-byte mutation of some valid filters. */
    static const char *const valid[] = {
        "name LIKE 'Київ%' AND (year BETWEEN 1000 AND 1100 OR year IS NULL)",
        "S_INTERSECTS(geom, MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5))))",
        "NOT T_AFTER(updated, TIMESTAMP('2022-03-01T10:00:00Z')) OR k NOT IN ('a', 2, TRUE)",
        "S_WITHIN(BBOX(-1.5, 2e1, 3, 40), geom) AND \"x y\" <> DATE('2020-02-29')",
    };
    static const char mutations[] = "()'\",= -.e0Z\xd0\x80";
    for (size_t v = 0; v < sizeof valid / sizeof valid[0]; v++) {
        size_t n = strlen(valid[v]);
        for (size_t k = 0; k <= n; k++)
            fuzz_one(valid[v], k);
        for (size_t k = 0; k < n; k++) {
            memcpy(buf, valid[v], n);
            for (size_t m = 0; m < sizeof mutations - 1; m++) {
                buf[k] = mutations[m];
                fuzz_one(buf, n);
            }
        }
    }
}

int main(int argc, char **argv)
{
    static const sp_test_case cases[] = {
        {"test_cql__valid_filters_have_canonical_form",
         test_cql__valid_filters_have_canonical_form},
        {"test_cql__tree_shape_and_positions", test_cql__tree_shape_and_positions},
        {"test_cql__errors_name_token_and_position", test_cql__errors_name_token_and_position},
        {"test_cql__bytes_that_are_not_text", test_cql__bytes_that_are_not_text},
        {"test_cql__limits", test_cql__limits},
        {"test_cql__adversarial_input_is_refused", test_cql__adversarial_input_is_refused},
        {"test_cql__fuzz_grammar_with_junk", test_cql__fuzz_grammar_with_junk},
        {"test_cql__fuzz_token_soup_and_prefixes", test_cql__fuzz_token_soup_and_prefixes},
        {NULL, NULL},
    };
    return sp_test_main(argc, argv, cases);
}
