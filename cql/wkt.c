/* cql/wkt.c - geometry literals of spatial functions: 2D WKT POINT .. MULTIPOLYGON and
 * BBOX(minx, miny, maxx, maxy). The literal is re-serialised from the parsed numbers rather
 * than copied, so what reaches the database is known-good WKT: finite numbers in shortest
 * round-trip form, rings closed with at least 4 points, lines with at least 2, plus the
 * envelope that storage uses for the R*Tree prefilter. Z/M, EMPTY, GEOMETRYCOLLECTION and
 * antimeridian-crossing boxes are refused with a message rather than half supported. */
#include "cql_int.h"

#include <math.h>
#include <string.h>

typedef struct wkt {
    cql_parser *p;
    sp_strbuf out;
    double bbox[4];
} wkt;

static const struct {
    const char *name;
    sp_cql_geom type;
} wkt_types[] = {
    {"POINT", SP_CQL_G_POINT},
    {"LINESTRING", SP_CQL_G_LINESTRING},
    {"POLYGON", SP_CQL_G_POLYGON},
    {"MULTIPOINT", SP_CQL_G_MULTIPOINT},
    {"MULTILINESTRING", SP_CQL_G_MULTILINESTRING},
    {"MULTIPOLYGON", SP_CQL_G_MULTIPOLYGON},
};

static int expect(wkt *w, cql_tok_type type, const char *what)
{
    if (w->p->tok.type != type)
        return cql_unexpected(w->p, &w->p->tok, what);
    return cql_lex_next(w->p);
}

static int number(wkt *w, double *out)
{
    cql_parser *p = w->p;
    if (p->tok.type != CQL_T_NUMBER)
        return cql_unexpected(p, &p->tok, "a number");
    int is_int, rc;
    long long i = 0;
    double d = 0;
    if ((rc = cql_number(p, &p->tok, &is_int, &i, &d)) != SP_OK)
        return rc;
    *out = is_int ? (double)i : d;
    if (*out == 0) /* -0 would print as "-0", which reads back as the integer 0 */
        *out = 0;
    return cql_lex_next(p);
}

static void put_number(wkt *w, double d)
{
    char buf[40];
    cql_format_double(d, buf, sizeof buf);
    sp_strbuf_puts(&w->out, buf);
}

/* "x y", also widening the envelope. */
static int coord(wkt *w, double *x, double *y)
{
    int rc;
    if ((rc = number(w, x)) != SP_OK || (rc = number(w, y)) != SP_OK)
        return rc;
    if (w->p->tok.type == CQL_T_NUMBER)
        return sp_err_set(w->p->err, SP_EINVAL,
                          "filter: only 2D coordinates are supported (third number at position "
                          "%zu)",
                          w->p->tok.pos);
    put_number(w, *x);
    sp_strbuf_append(&w->out, " ", 1);
    put_number(w, *y);
    if (*x < w->bbox[0])
        w->bbox[0] = *x;
    if (*y < w->bbox[1])
        w->bbox[1] = *y;
    if (*x > w->bbox[2])
        w->bbox[2] = *x;
    if (*y > w->bbox[3])
        w->bbox[3] = *y;
    return SP_OK;
}

/* "(" x y {"," x y} ")"; a ring must be closed and have at least 4 points. */
static int coord_list(wkt *w, int min_points, int is_ring)
{
    cql_parser *p = w->p;
    size_t pos = p->tok.pos;
    double x0 = 0, y0 = 0, x = 0, y = 0;
    int n = 0, rc;
    if ((rc = expect(w, CQL_T_LPAREN, "'('")) != SP_OK)
        return rc;
    sp_strbuf_append(&w->out, "(", 1);
    for (;;) {
        if ((rc = coord(w, &x, &y)) != SP_OK)
            return rc;
        if (n++ == 0)
            x0 = x, y0 = y;
        if (p->tok.type != CQL_T_COMMA)
            break;
        sp_strbuf_append(&w->out, ",", 1);
        if ((rc = cql_lex_next(p)) != SP_OK)
            return rc;
    }
    if ((rc = expect(w, CQL_T_RPAREN, "',' or ')'")) != SP_OK)
        return rc;
    sp_strbuf_append(&w->out, ")", 1);
    if (n < min_points)
        return sp_err_set(p->err, SP_EINVAL,
                          "filter: %s at position %zu has %d point%s, needs at least %d",
                          is_ring ? "polygon ring" : "line", pos, n, n == 1 ? "" : "s", min_points);
    if (is_ring && (x != x0 || y != y0))
        return sp_err_set(p->err, SP_EINVAL,
                          "filter: polygon ring at position %zu is not closed (its last point "
                          "differs from its first)",
                          pos);
    return SP_OK;
}

/* "(" item {"," item} ")" for the ring list of a polygon and the parts of a multi. */
static int list_of(wkt *w, int (*item)(wkt *))
{
    int rc;
    if ((rc = expect(w, CQL_T_LPAREN, "'('")) != SP_OK)
        return rc;
    sp_strbuf_append(&w->out, "(", 1);
    for (;;) {
        if ((rc = item(w)) != SP_OK)
            return rc;
        if (w->p->tok.type != CQL_T_COMMA)
            break;
        sp_strbuf_append(&w->out, ",", 1);
        if ((rc = cql_lex_next(w->p)) != SP_OK)
            return rc;
    }
    if ((rc = expect(w, CQL_T_RPAREN, "',' or ')'")) != SP_OK)
        return rc;
    sp_strbuf_append(&w->out, ")", 1);
    return SP_OK;
}

static int ring(wkt *w)
{
    return coord_list(w, 4, 1);
}

static int line(wkt *w)
{
    return coord_list(w, 2, 0);
}

static int polygon(wkt *w)
{
    return list_of(w, ring);
}

static int point(wkt *w)
{
    int rc;
    double x, y;
    if ((rc = expect(w, CQL_T_LPAREN, "'('")) != SP_OK)
        return rc;
    sp_strbuf_append(&w->out, "(", 1);
    if ((rc = coord(w, &x, &y)) != SP_OK)
        return rc;
    sp_strbuf_append(&w->out, ")", 1);
    return expect(w, CQL_T_RPAREN, "')'");
}

/* A MULTIPOINT member, written "(x y)" or bare "x y"; always printed as "(x y)". */
static int multipoint_member(wkt *w)
{
    double x, y;
    if (w->p->tok.type != CQL_T_LPAREN) {
        sp_strbuf_append(&w->out, "(", 1);
        int rc = coord(w, &x, &y);
        sp_strbuf_append(&w->out, ")", 1);
        return rc;
    }
    return point(w);
}

/* BBOX(minx, miny, maxx, maxy) as the closed POLYGON it stands for. */
static int bbox(wkt *w, size_t pos)
{
    double v[4];
    int rc;
    if ((rc = expect(w, CQL_T_LPAREN, "'('")) != SP_OK)
        return rc;
    for (int i = 0; i < 4; i++) {
        if ((i > 0 && (rc = expect(w, CQL_T_COMMA, "','")) != SP_OK) ||
            (rc = number(w, &v[i])) != SP_OK)
            return rc;
    }
    if (w->p->tok.type == CQL_T_COMMA)
        return sp_err_set(w->p->err, SP_EINVAL,
                          "filter: BBOX at position %zu: only 2D boxes (4 numbers) are supported",
                          pos);
    if ((rc = expect(w, CQL_T_RPAREN, "')'")) != SP_OK)
        return rc;
    if (v[0] > v[2] || v[1] > v[3])
        return sp_err_set(w->p->err, SP_EINVAL,
                          "filter: BBOX at position %zu has minx > maxx or miny > maxy (boxes "
                          "across the antimeridian are not supported)",
                          pos);
    const double xs[5] = {v[0], v[2], v[2], v[0], v[0]}, ys[5] = {v[1], v[1], v[3], v[3], v[1]};
    sp_strbuf_puts(&w->out, "POLYGON((");
    for (int i = 0; i < 5; i++) {
        if (i)
            sp_strbuf_append(&w->out, ",", 1);
        put_number(w, xs[i]);
        sp_strbuf_append(&w->out, " ", 1);
        put_number(w, ys[i]);
    }
    sp_strbuf_puts(&w->out, "))");
    memcpy(w->bbox, v, sizeof v);
    return SP_OK;
}

static int geometry_body(wkt *w, size_t pos, int *out_type)
{
    cql_parser *p = w->p;
    cql_tok kw = p->tok;
    int rc, type = -1;
    if ((rc = cql_lex_next(p)) != SP_OK)
        return rc;
    if (cql_is_kw(p, &kw, "BBOX")) {
        *out_type = SP_CQL_G_POLYGON;
        return bbox(w, pos);
    }
    for (size_t i = 0; i < sizeof wkt_types / sizeof wkt_types[0]; i++)
        if (cql_is_kw(p, &kw, wkt_types[i].name)) {
            type = (int)wkt_types[i].type;
            sp_strbuf_puts(&w->out, wkt_types[i].name);
        }
    *out_type = type;
    if (cql_is_kw(p, &p->tok, "EMPTY"))
        return sp_err_set(p->err, SP_EINVAL,
                          "filter: EMPTY geometry at position %zu is not supported", pos);
    if (cql_is_kw(p, &p->tok, "Z") || cql_is_kw(p, &p->tok, "M") || cql_is_kw(p, &p->tok, "ZM"))
        return sp_err_set(p->err, SP_EINVAL,
                          "filter: geometry at position %zu: only 2D coordinates are supported",
                          pos);
    switch (type) {
    case SP_CQL_G_POINT:
        return point(w);
    case SP_CQL_G_LINESTRING:
        return line(w);
    case SP_CQL_G_POLYGON:
        return polygon(w);
    case SP_CQL_G_MULTIPOINT:
        return list_of(w, multipoint_member);
    case SP_CQL_G_MULTILINESTRING:
        return list_of(w, line);
    case SP_CQL_G_MULTIPOLYGON:
        return list_of(w, polygon);
    default:
        return sp_err_set(p->err, SP_EINTERNAL, "filter: not a geometry keyword at position %zu",
                          pos);
    }
}

int cql_parse_geometry(cql_parser *p, sp_cql_expr **out)
{
    wkt w = {.p = p, .bbox = {INFINITY, INFINITY, -INFINITY, -INFINITY}};
    size_t pos = p->tok.pos;
    int type = -1;
    int rc = geometry_body(&w, pos, &type);
    if (rc == SP_OK && w.out.failed)
        rc = sp_err_set(p->err, SP_ENOMEM, "filter: out of memory");
    sp_cql_expr *e = NULL;
    if (rc == SP_OK && (!(e = cql_node(p, SP_CQL_GEOMETRY, pos)) ||
                        !(e->text = cql_strndup(p, w.out.data, w.out.len))))
        rc = p->err->code;
    if (rc == SP_OK) {
        e->op = type;
        e->len = w.out.len;
        memcpy(e->bbox, w.bbox, sizeof e->bbox);
        *out = e;
    }
    sp_strbuf_free(&w.out);
    return rc;
}
