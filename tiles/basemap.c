/* tiles/basemap.c - Spadok's own base map (/tiles/basemap/...), drawn offline from the
 * registry's base-map tables (`spadok basemap import`), in a quiet style that lets the
 * monuments' symbols (Okabe-Ito colours) stand out: pale land, water and green, roads by class
 * with casing, buildings from z15, railways; street and river names along their lines, place
 * names without collisions. Without base-map data, the registry's districts (outlines and
 * names) are the base, so a new registry is never drawn on an empty background.
 *
 * Seams, as for the monuments' labels (render.c): place and district names are placed over a
 * block of SP_TILE_META x SP_TILE_META tiles, the same way on every tile of it, never across
 * its edge; a street or river name is placed on a tile of its own, wholly inside it, so it is
 * never cut; it avoids the block's place names, which every tile of the block knows. One
 * R*Tree query (box, zoom) reads a tile's features; one more the block's place names. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_db_basemap.h"
#include "tile_int.h"

typedef enum { PASS_AREA, PASS_WATERWAY, PASS_BUILDING, PASS_ROAD, PASS_RAIL } pass;

typedef struct bm_style {
    const char *code;
    pass pass;
    const char *color;  /* fill (areas) or line */
    const char *casing; /* roads: the casing's colour; buildings: the outline's */
    double width;       /* line width in CSS px at z14 */
    int name_from;      /* lines: names from this zoom (0: none) */
} bm_style;

/* Drawn in this order within each pass: minor roads under major ones. */
/* clang-format off */
static const bm_style styles[] = {
    {"industrial",     PASS_AREA,     "#ebe7e1", NULL,      0,   0},
    {"cemetery",       PASS_AREA,     "#dde3d6", NULL,      0,   0},
    {"park",           PASS_AREA,     "#dcead0", NULL,      0,   0},
    {"wood",           PASS_AREA,     "#cfe0c3", NULL,      0,   0},
    {"water",          PASS_AREA,     "#b5d3e2", NULL,      0,   0},
    {"stream",         PASS_WATERWAY, "#b5d3e2", NULL,      0.8, 16},
    {"river",          PASS_WATERWAY, "#b5d3e2", NULL,      2.6, 12},
    {"building",       PASS_BUILDING, "#e2ded7", "#cfc8be", 0,   0},
    {"road_path",      PASS_ROAD,     "#b9b0a4", NULL,      0.7, 17},
    {"road_service",   PASS_ROAD,     "#ffffff", "#d3ccc1", 1.2, 17},
    {"road_minor",     PASS_ROAD,     "#ffffff", "#cdc5b8", 2.0, 15},
    {"road_tertiary",  PASS_ROAD,     "#ffffff", "#c6bdaf", 2.6, 14},
    {"road_secondary", PASS_ROAD,     "#fbf5dd", "#c3b8a5", 3.0, 13},
    {"road_primary",   PASS_ROAD,     "#f9ecc6", "#bfae92", 3.6, 13},
    {"road_motorway",  PASS_ROAD,     "#f4dcb2", "#b89a73", 4.2, 13},
    {"tram",           PASS_RAIL,     "#a9a39c", NULL,      0.8, 0},
    {"rail",           PASS_RAIL,     "#a29c95", NULL,      1.2, 0},
    {NULL, 0, NULL, NULL, 0, 0},
};
/* clang-format on */

#define SP_BM_LAND                "#f3f1ec" /* the ground under everything, where there is a base map */
#define SP_BM_WIDTH_GROWTH        1.4       /* line widths grow by this per zoom */
#define SP_BM_CASING_FROM         13        /* roads have casing from this zoom */
#define SP_BM_OUTLINE_FROM        16        /* buildings have an outline from this zoom */
#define SP_BM_DISTRICT_NAMES_FROM 9
#define SP_BM_STRAIGHT_PX         2.5 /* a line's stretch is straight when no vertex is farther off */
#define SP_BM_EDGE_PX             2.0 /* a street name keeps this far from its tile's edge (halo) */
#define SP_BM_MAX_NAMES           256 /* names placed on a tile (or a block) at most */
#define SP_BM_MIN_GLYPH_PX        3.0 /* no letter of the street font is narrower */

typedef enum {
    FONT_STREET,
    FONT_WATER,
    FONT_CITY,
    FONT_TOWN,
    FONT_VILLAGE,
    FONT_MINOR,
    FONT_DISTRICT,
    FONT_COUNT
} font_id;

static const char *const font_names[FONT_COUNT] = {
    "DejaVu Sans 7.5", "DejaVu Sans Italic 8", "DejaVu Sans Bold 13",  "DejaVu Sans Bold 11",
    "DejaVu Sans 10",  "DejaVu Sans 8.5",      "DejaVu Sans Bold 10.5"};

/* Font descriptions per thread, like render.c's Pango context (the first tile pays). */
static _Thread_local PangoFontDescription *thread_fonts[FONT_COUNT];

/* What features and place names are sorted by: a key, then the order read. */
typedef struct order {
    int key;
    long seq;
} order;

static int order_cmp(const void *pa, const void *pb)
{
    const order *a = pa, *c = pb;
    if (a->key != c->key)
        return a->key - c->key;
    return a->seq < c->seq ? -1 : a->seq > c->seq;
}

typedef struct feat {
    order o; /* key: the index in styles */
    OGRGeometryH g;
    char *name; /* in the tile's language, or NULL */
} feat;

typedef struct box {
    double x0, y0, x1, y1; /* world px */
} box;

typedef struct bm {
    const sp_tile_req *req;
    cairo_t *cr;
    PangoContext *pango;
    double world, ox, oy, meta[4];
    int is_en, drew;
    feat *feats;
    long nfeats, capfeats;
    box names[SP_BM_MAX_NAMES]; /* placed names (place and district names of the block first) */
    int nnames, nblock;         /* nblock: how many of them are the block's */
    const char *placed[SP_BM_MAX_NAMES]; /* the street names placed on this tile */
    int nplaced;
} bm;

static int style_of(const char *code)
{
    for (int i = 0; styles[i].code; i++)
        if (strcmp(styles[i].code, code) == 0)
            return i;
    return -1;
}

static const char *name_in(const bm *b, const sp_db_basemap_feature *f)
{
    return b->is_en && f->name_en ? f->name_en : f->name_uk;
}

static double width_at(const bm_style *s, int z)
{
    double w = s->width * pow(SP_BM_WIDTH_GROWTH, z - 14);
    return w < 0.5 ? 0.5 : w > 40 ? 40 : w;
}

static PangoLayout *layout_of(bm *b, font_id font, const char *text, sp_err *err)
{
    if (!thread_fonts[font] &&
        !(thread_fonts[font] = pango_font_description_from_string(font_names[font]))) {
        sp_err_set(err, SP_EINTERNAL, "cannot load the font %s", font_names[font]);
        return NULL;
    }
    PangoLayout *l = pango_layout_new(b->pango);
    pango_layout_set_font_description(l, thread_fonts[font]);
    pango_layout_set_text(l, text, -1);
    return l;
}

static int crowded(const bm *b, box x)
{
    for (int i = 0; i < b->nnames; i++) {
        const box *o = &b->names[i];
        if (!(x.x1 + 2 < o->x0 || o->x1 + 2 < x.x0 || x.y1 + 1 < o->y0 || o->y1 + 1 < x.y0))
            return 1;
    }
    return 0;
}

/* ---- the features of the tile --------------------------------------------------------- */

static int on_feature(void *ctx, const sp_db_basemap_feature *f, sp_err *err)
{
    bm *b = ctx;
    int s = style_of(f->class_code);
    if (s < 0)
        return SP_OK; /* a class this style does not draw */
    if (b->nfeats == b->capfeats) {
        long cap = b->capfeats ? b->capfeats * 2 : 256;
        feat *p = realloc(b->feats, (size_t)cap * sizeof *p);
        if (!p)
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        b->feats = p, b->capfeats = cap;
    }
    OGRGeometryH g = NULL;
    if (OGR_G_CreateFromWkb(f->wkb, NULL, &g, (int)f->wkb_len) != OGRERR_NONE || !g)
        return SP_OK;
    const char *name = name_in(b, f);
    feat *x = &b->feats[b->nfeats];
    *x = (feat){{s, b->nfeats}, g, name ? strdup(name) : NULL};
    b->nfeats++;
    return SP_OK;
}

static void stroke_line(bm *b, const feat *f, rgb c, double w, int dashed)
{
    cairo_t *cr = b->cr;
    cairo_new_path(cr);
    sp_tile_path(cr, f->g, b->world, b->ox, b->oy);
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
    cairo_set_line_width(cr, w);
    if (dashed) {
        double dash[2] = {w * 2.5, w * 2};
        cairo_set_dash(cr, dash, 2, 0);
    }
    cairo_stroke(cr);
    if (dashed)
        cairo_set_dash(cr, NULL, 0, 0);
}

static void draw_pass(bm *b, pass p, int casing)
{
    cairo_t *cr = b->cr;
    int z = b->req->z;
    for (long i = 0; i < b->nfeats; i++) {
        const feat *f = &b->feats[i];
        const bm_style *s = &styles[f->o.key];
        if (s->pass != p)
            continue;
        if (p == PASS_AREA || p == PASS_BUILDING) {
            rgb c = sp_tile_hex(s->color);
            cairo_new_path(cr);
            sp_tile_path(cr, f->g, b->world, b->ox, b->oy);
            cairo_set_source_rgb(cr, c.r, c.g, c.b);
            if (s->casing && z >= SP_BM_OUTLINE_FROM) {
                cairo_fill_preserve(cr);
                rgb o = sp_tile_hex(s->casing);
                cairo_set_source_rgb(cr, o.r, o.g, o.b);
                cairo_set_line_width(cr, 0.6);
                cairo_stroke(cr);
            } else {
                cairo_fill(cr);
            }
        } else if (casing) {
            if (s->casing && z >= SP_BM_CASING_FROM)
                stroke_line(b, f, sp_tile_hex(s->casing), width_at(s, z) + 1.6, 0);
        } else {
            int is_path = strcmp(s->code, "road_path") == 0;
            /* below the casing zoom a road is one line in its casing's (darker) colour */
            rgb c = sp_tile_hex(s->casing && z < SP_BM_CASING_FROM ? s->casing : s->color);
            stroke_line(b, f, c, width_at(s, z), is_path);
        }
        b->drew = 1;
    }
}

/* ---- names ---------------------------------------------------------------------------- */

/* A name centred at world px (wx, wy), placed over the block: kept when inside the block and
 * clear of the names placed before; drawn when it meets this tile. */
static int place_name(bm *b, double wx, double wy, const char *text, font_id font, rgb c,
                      sp_err *err)
{
    if (!text || !*text || b->nnames == SP_BM_MAX_NAMES)
        return SP_OK;
    PangoLayout *l = layout_of(b, font, text, err);
    if (!l)
        return err->code;
    int w, h;
    pango_layout_get_pixel_size(l, &w, &h);
    box x = {wx - w / 2.0, wy - h / 2.0, wx + w / 2.0, wy + h / 2.0};
    if (x.x0 >= b->meta[0] && x.y0 >= b->meta[1] && x.x1 <= b->meta[2] && x.y1 <= b->meta[3] &&
        !crowded(b, x)) {
        b->names[b->nnames++] = x;
        double px = x.x0 - b->ox, py = x.y0 - b->oy;
        if (px + w >= -2 && py + h >= -2 && px <= SP_TILE_SIZE + 2 && py <= SP_TILE_SIZE + 2) {
            sp_tile_halo_text(b->cr, l, px, py, c.r, c.g, c.b);
            b->drew = 1;
        }
    }
    g_object_unref(l);
    return SP_OK;
}

typedef struct place_feat {
    order o; /* key: the place's rank */
    double wx, wy;
    char *name;
} place_feat;

typedef struct places {
    bm *b;
    place_feat *p;
    long n, cap;
} places;

static int place_rank(const char *code)
{
    static const char *const ranks[] = {"place_city", "place_town", "place_village", "place_minor"};
    for (int i = 0; i < 4; i++)
        if (strcmp(ranks[i], code) == 0)
            return i;
    return 4;
}

static int on_place(void *ctx, const sp_db_basemap_feature *f, sp_err *err)
{
    places *ps = ctx;
    const char *name = name_in(ps->b, f);
    OGRGeometryH g = NULL;
    if (!name || OGR_G_CreateFromWkb(f->wkb, NULL, &g, (int)f->wkb_len) != OGRERR_NONE || !g)
        return SP_OK;
    OGRGeometryH pt = wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint ? g
                      : OGR_G_GetGeometryCount(g) > 0                  ? OGR_G_GetGeometryRef(g, 0)
                                                                       : NULL;
    int rc = SP_OK;
    if (pt && ps->n == ps->cap) {
        long cap = ps->cap ? ps->cap * 2 : 32;
        place_feat *p = realloc(ps->p, (size_t)cap * sizeof *p);
        if (p)
            ps->p = p, ps->cap = cap;
        else
            rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    if (pt && rc == SP_OK) {
        place_feat *x = &ps->p[ps->n];
        sp_tile_to_world(OGR_G_GetX(pt, 0), OGR_G_GetY(pt, 0), ps->b->world, &x->wx, &x->wy);
        x->o = (order){place_rank(f->class_code), ps->n};
        x->name = strdup(name);
        ps->n += x->name != NULL;
    }
    OGR_G_DestroyGeometry(g);
    return rc;
}

static const font_id place_fonts[] = {FONT_CITY, FONT_TOWN, FONT_VILLAGE, FONT_MINOR, FONT_MINOR};

/* The place names of the block, the bigger places first. */
static int draw_places(sp_db *db, bm *b, sp_err *err)
{
    double box4[4];
    sp_tile_from_world(b->meta[0], b->meta[3], b->world, &box4[0], &box4[1]);
    sp_tile_from_world(b->meta[2], b->meta[1], b->world, &box4[2], &box4[3]);
    places ps = {b, NULL, 0, 0};
    int rc = sp_db_basemap_features(db, box4, b->req->z, 1, on_place, &ps, err);
    if (rc == SP_OK && ps.n)
        qsort(ps.p, (size_t)ps.n, sizeof *ps.p, order_cmp);
    for (long i = 0; i < ps.n && rc == SP_OK; i++)
        rc = place_name(b, ps.p[i].wx, ps.p[i].wy, ps.p[i].name, place_fonts[ps.p[i].o.key],
                        sp_tile_hex(ps.p[i].o.key < 2 ? "#2f2f2f" : "#4d4d4d"), err);
    for (long i = 0; i < ps.n; i++)
        free(ps.p[i].name);
    free(ps.p);
    b->nblock = b->nnames;
    return rc;
}

/* The straightest stretch of a line (tile px, pts[0..n)) long enough for a name of w px, wholly
 * inside the tile: its ends into a, c; 0 when there is none. */
static int straight_stretch(const double *pts, int n, double w, double a[2], double c[2])
{
    double best = 0;
    const double lo = SP_BM_EDGE_PX, hi = SP_TILE_SIZE - SP_BM_EDGE_PX;
    for (int i = 0; i + 1 < n;) {
        int j = i + 1;
        while (j + 1 < n) { /* does the stretch i..j+1 stay straight? */
            double dx = pts[2 * (j + 1)] - pts[2 * i], dy = pts[2 * (j + 1) + 1] - pts[2 * i + 1];
            double len = hypot(dx, dy);
            int ok = len > 0;
            for (int k = i + 1; ok && k <= j; k++) {
                double off =
                    fabs((pts[2 * k] - pts[2 * i]) * dy - (pts[2 * k + 1] - pts[2 * i + 1]) * dx);
                ok = off / len <= SP_BM_STRAIGHT_PX;
            }
            if (!ok)
                break;
            j++;
        }
        double dx = pts[2 * j] - pts[2 * i], dy = pts[2 * j + 1] - pts[2 * i + 1];
        double len = hypot(dx, dy);
        if (len > best && len >= w + 8) {
            /* the stretch's middle part that the name takes must be inside the tile */
            double mx = (pts[2 * i] + pts[2 * j]) / 2, my = (pts[2 * i + 1] + pts[2 * j + 1]) / 2;
            double hx = dx / len * (w / 2 + 6), hy = dy / len * (w / 2 + 6);
            if (mx - fabs(hx) - 6 >= lo && mx + fabs(hx) + 6 <= hi && my - fabs(hy) - 6 >= lo &&
                my + fabs(hy) + 6 <= hi) {
                best = len;
                a[0] = mx - hx, a[1] = my - hy, c[0] = mx + hx, c[1] = my + hy;
            }
        }
        i = j;
    }
    return best > 0;
}

/* A named line on this tile in tile px: the ways of one street (or river) joined end to end,
 * since mapped streets come in many short ways (one a block, in a dense city) and a name needs
 * the length of several. */
typedef struct chain {
    int style;
    const char *name; /* borrowed from its first feature */
    double *pts;      /* x, y pairs */
    int n, cap;
    double len; /* px, along it */
} chain;

typedef struct chains {
    chain *c;
    int n, cap;
} chains;

static int chain_put(chain *c, double x, double y)
{
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 16;
        double *p = realloc(c->pts, (size_t)cap * 2 * sizeof *p);
        if (!p)
            return -1;
        c->pts = p, c->cap = cap;
    }
    if (c->n)
        c->len += hypot(x - c->pts[2 * c->n - 2], y - c->pts[2 * c->n - 1]);
    c->pts[2 * c->n] = x, c->pts[2 * c->n + 1] = y;
    c->n++;
    return 0;
}

static int chains_add(const bm *b, chains *cs, const feat *f, sp_err *err)
{
    int is_multi = wkbFlatten(OGR_G_GetGeometryType(f->g)) == wkbMultiLineString;
    int parts = is_multi ? OGR_G_GetGeometryCount(f->g) : 1;
    for (int p = 0; p < parts; p++) {
        OGRGeometryH line = is_multi ? OGR_G_GetGeometryRef(f->g, p) : f->g;
        int n = OGR_G_GetPointCount(line);
        if (n < 2)
            continue;
        if (cs->n == cs->cap) {
            int cap = cs->cap ? cs->cap * 2 : 64;
            chain *c = realloc(cs->c, (size_t)cap * sizeof *c);
            if (!c)
                return sp_err_set(err, SP_ENOMEM, "out of memory");
            cs->c = c, cs->cap = cap;
        }
        chain *c = &cs->c[cs->n++];
        *c = (chain){f->o.key, f->name, NULL, 0, 0, 0};
        for (int i = 0; i < n; i++) {
            double wx, wy;
            sp_tile_to_world(OGR_G_GetX(line, i), OGR_G_GetY(line, i), b->world, &wx, &wy);
            if (chain_put(c, wx - b->ox, wy - b->oy) != 0)
                return sp_err_set(err, SP_ENOMEM, "out of memory");
        }
    }
    return SP_OK;
}

static int near(const double *p, const double *q)
{
    return fabs(p[0] - q[0]) < 0.01 && fabs(p[1] - q[1]) < 0.01;
}

/* Joins to chain a every chain of its street that meets one of its ends (the joined ones
 * are left empty). */
static int chain_join(chains *cs, int a, sp_err *err)
{
    chain *c = &cs->c[a];
    for (int grew = 1; grew;) {
        grew = 0;
        for (int k = a + 1; k < cs->n; k++) {
            chain *o = &cs->c[k];
            if (!o->n || o->style != c->style || strcmp(o->name, c->name) != 0)
                continue;
            const double *cend = &c->pts[2 * c->n - 2], *oend = &o->pts[2 * o->n - 2];
            int at_end = near(cend, o->pts) || near(cend, oend);
            int at_start = !at_end && (near(c->pts, oend) || near(c->pts, o->pts));
            if (!at_end && !at_start)
                continue;
            /* o's points in the order that continues c (at its end), or leads into it */
            int reversed = at_end ? !near(cend, o->pts) : !near(c->pts, oend);
            chain j = {c->style, c->name, NULL, 0, 0, 0};
            const chain *first = at_end ? c : o, *second = at_end ? o : c;
            int ok = 0;
            for (int i = 0; i < first->n && ok == 0; i++) {
                int q = first == o && reversed ? o->n - 1 - i : i;
                ok = chain_put(&j, first->pts[2 * q], first->pts[2 * q + 1]);
            }
            for (int i = 1; i < second->n && ok == 0; i++) {
                int q = second == o && reversed ? o->n - 1 - i : i;
                ok = chain_put(&j, second->pts[2 * q], second->pts[2 * q + 1]);
            }
            if (ok != 0) {
                free(j.pts);
                return sp_err_set(err, SP_ENOMEM, "out of memory");
            }
            free(c->pts);
            free(o->pts);
            *o = (chain){o->style, o->name, NULL, 0, 0, 0};
            *c = j;
            grew = 1;
        }
    }
    return SP_OK;
}

/* The most important lines first (roads by class, then rivers), the longer first. */
static int chain_cmp(const void *pa, const void *pb)
{
    const chain *a = pa, *c = pb;
    if (a->style != c->style)
        return c->style - a->style;
    return a->len > c->len ? -1 : a->len < c->len;
}

/* A street's or river's name along the straightest stretch of its chain on this tile. */
static int line_name(bm *b, const chain *ch, sp_err *err)
{
    const bm_style *s = &styles[ch->style];
    if (ch->n < 2 || b->nnames == SP_BM_MAX_NAMES)
        return SP_OK;
    for (int i = 0; i < b->nplaced; i++) /* a street is named once a tile */
        if (strcmp(b->placed[i], ch->name) == 0)
            return SP_OK;
    /* Too short for its name whatever the font: dropped before Pango shapes it. */
    if (ch->len < SP_BM_MIN_GLYPH_PX * (double)g_utf8_strlen(ch->name, -1))
        return SP_OK;
    int is_water = s->pass == PASS_WATERWAY;
    PangoLayout *l = layout_of(b, is_water ? FONT_WATER : FONT_STREET, ch->name, err);
    if (!l)
        return err->code;
    int w, h;
    pango_layout_get_pixel_size(l, &w, &h);
    double a[2], c[2];
    if (straight_stretch(ch->pts, ch->n, w, a, c)) {
        if (c[0] < a[0]) { /* read from left to right */
            double t0 = a[0], t1 = a[1];
            a[0] = c[0], a[1] = c[1], c[0] = t0, c[1] = t1;
        }
        double angle = atan2(c[1] - a[1], c[0] - a[0]);
        double mx = (a[0] + c[0]) / 2, my = (a[1] + c[1]) / 2;
        double ex = fabs(cos(angle)) * w / 2 + fabs(sin(angle)) * h / 2;
        double ey = fabs(sin(angle)) * w / 2 + fabs(cos(angle)) * h / 2;
        box x = {mx - ex + b->ox, my - ey + b->oy, mx + ex + b->ox, my + ey + b->oy};
        if (!crowded(b, x)) {
            rgb col = sp_tile_hex(is_water ? "#3d6d8c" : "#545454");
            cairo_save(b->cr);
            cairo_translate(b->cr, mx, my);
            cairo_rotate(b->cr, angle);
            sp_tile_halo_text(b->cr, l, -w / 2.0, -h / 2.0, col.r, col.g, col.b);
            cairo_restore(b->cr);
            b->names[b->nnames++] = x;
            b->placed[b->nplaced++] = ch->name;
            b->drew = 1;
        }
    }
    g_object_unref(l);
    return SP_OK;
}

/* The names of the tile's named lines. */
static int line_names(bm *b, sp_err *err)
{
    chains cs = {0};
    int rc = SP_OK;
    for (long i = 0; i < b->nfeats && rc == SP_OK; i++) {
        const feat *f = &b->feats[i];
        const bm_style *s = &styles[f->o.key];
        if (f->name && s->name_from && b->req->z >= s->name_from)
            rc = chains_add(b, &cs, f, err);
    }
    for (int i = 0; i < cs.n && rc == SP_OK; i++)
        if (cs.c[i].n)
            rc = chain_join(&cs, i, err);
    if (rc == SP_OK && cs.n)
        qsort(cs.c, (size_t)cs.n, sizeof *cs.c, chain_cmp);
    for (int i = 0; i < cs.n && rc == SP_OK; i++)
        rc = line_name(b, &cs.c[i], err);
    for (int i = 0; i < cs.n; i++)
        free(cs.c[i].pts);
    free(cs.c);
    return rc;
}

/* ---- without base-map data: the districts ---------------------------------------------- */

static int on_district(void *ctx, const sp_db_basemap_feature *f, sp_err *err)
{
    bm *b = ctx;
    OGRGeometryH g = NULL;
    if (OGR_G_CreateFromWkb(f->wkb, NULL, &g, (int)f->wkb_len) != OGRERR_NONE || !g)
        return SP_OK;
    cairo_t *cr = b->cr;
    cairo_new_path(cr);
    sp_tile_path(cr, g, b->world, b->ox, b->oy);
    OGR_G_DestroyGeometry(g);
    rgb c = sp_tile_hex("#8a7aa3");
    cairo_set_source_rgba(cr, c.r, c.g, c.b, 0.05);
    cairo_fill_preserve(cr); /* a solid line: two districts' dashes along a shared edge
                                 would not line up */
    cairo_set_source_rgba(cr, c.r, c.g, c.b, 0.7);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
    b->drew = 1;
    if (b->req->z < SP_BM_DISTRICT_NAMES_FROM)
        return SP_OK;
    double wx, wy;
    sp_tile_to_world(f->label_x, f->label_y, b->world, &wx, &wy);
    return place_name(b, wx, wy, name_in(b, f), FONT_DISTRICT, sp_tile_hex("#5e4f75"), err);
}

/* ---- the tile -------------------------------------------------------------------------- */

int sp_tile_draw_basemap(sp_db *db, const sp_tile_req *req, cairo_t *cr, int *out_drew, sp_err *err)
{
    bm b = {.req = req,
            .cr = cr,
            .world = ldexp(SP_TILE_SIZE, req->z),
            .is_en = req->lang && strcmp(req->lang, "en") == 0};
    b.ox = (double)req->x * SP_TILE_SIZE;
    b.oy = (double)req->y * SP_TILE_SIZE;
    b.meta[0] = (double)(req->x / SP_TILE_META * SP_TILE_META) * SP_TILE_SIZE;
    b.meta[1] = (double)(req->y / SP_TILE_META * SP_TILE_META) * SP_TILE_SIZE;
    b.meta[2] = b.meta[0] + SP_TILE_META * SP_TILE_SIZE;
    b.meta[3] = b.meta[1] + SP_TILE_META * SP_TILE_SIZE;
    int64_t has = 0;
    int rc = sp_db_basemap_exists(db, &has, err);
    if (rc == SP_OK)
        rc = sp_tile_pango(&b.pango, err);
    if (rc != SP_OK)
        return rc;
    pango_cairo_update_context(cr, b.pango);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    double box4[4]; /* the tile and a margin wider than any line, in degrees */
    double m = 24.0;
    sp_tile_from_world(b.ox - m, b.oy + SP_TILE_SIZE + m, b.world, &box4[0], &box4[1]);
    sp_tile_from_world(b.ox + SP_TILE_SIZE + m, b.oy - m, b.world, &box4[2], &box4[3]);
    if (!has) { /* the districts are the base; their names are placed over the block */
        double mb[4];
        sp_tile_from_world(b.meta[0], b.meta[3], b.world, &mb[0], &mb[1]);
        sp_tile_from_world(b.meta[2], b.meta[1], b.world, &mb[2], &mb[3]);
        rc = sp_db_map_districts(db, mb, on_district, &b, err);
        *out_drew = b.drew;
        return rc;
    }
    rgb land = sp_tile_hex(SP_BM_LAND);
    cairo_set_source_rgb(cr, land.r, land.g, land.b);
    cairo_paint(cr);
    b.drew = 1;
    rc = sp_db_basemap_features(db, box4, req->z, 0, on_feature, &b, err);
    if (rc == SP_OK) {
        if (b.nfeats)
            qsort(b.feats, (size_t)b.nfeats, sizeof *b.feats, order_cmp);
        draw_pass(&b, PASS_AREA, 0);
        draw_pass(&b, PASS_WATERWAY, 0);
        draw_pass(&b, PASS_BUILDING, 0);
        draw_pass(&b, PASS_ROAD, 1);
        draw_pass(&b, PASS_ROAD, 0);
        draw_pass(&b, PASS_RAIL, 0);
        rc = draw_places(db, &b, err);
    }
    if (rc == SP_OK) /* street and river names, the most important roads first */
        rc = line_names(&b, err);
    for (long i = 0; i < b.nfeats; i++) {
        OGR_G_DestroyGeometry(b.feats[i].g);
        free(b.feats[i].name);
    }
    free(b.feats);
    *out_drew = b.drew;
    return rc;
}
