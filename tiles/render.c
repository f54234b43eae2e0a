/* tiles/render.c - draw one tile of a layer with Cairo (anti-aliased) and Pango (Cyrillic
 * labels with a halo), then hand the pixels to encode.c.
 *
 * Seams: every tile reads the features of its box plus a margin wider than any symbol, so a
 * symbol across an edge is drawn on both tiles. Low zooms thin points on a grid fixed to the
 * world (not to the tile), so neighbours agree on every cell. Labels are placed for a block
 * of 4 x 4 tiles (a "metatile") at once, in the same order on every tile of the block, and
 * never across the block's edge: a label across a tile edge is then drawn alike on both
 * tiles. */
#include <math.h>
#include <ogr_api.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_db_map.h"
#include "sp_tile.h"
#include "tile_int.h"

#define SP_TILE_LABEL_FONT   "DejaVu Sans 8.5"
#define SP_TILE_LABEL_MAX_PX 160.0 /* longer names are wrapped */

/* Cairo and Pango are linked normally, as libvips is (photos/image.c): issue 21 traded the
 * start-up that opening the three at run time saved (`spadok --help`, hyperfine, shared
 * 2-core machine: 60-68 ms mean opened late, 92 ms linked) for ~100 fewer lines of function
 * tables. Nothing is left to open before the first tile. */
int sp_tile_init(sp_err *err)
{
    (void)err;
    return SP_OK;
}

rgb sp_tile_hex(const char *h)
{
    unsigned v = (unsigned)strtoul(h + 1, NULL, 16);
    return (rgb){((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0};
}

/* Severity of a condition, for the colour of a thinned cell (its worst member). */
static int severity(const char *condition)
{
    static const char *const order[] = {"good",           "satisfactory", "needs_study",
                                        "unsatisfactory", "emergency",    "lost"};
    for (int i = 0; condition && i < 6; i++)
        if (strcmp(order[i], condition) == 0)
            return i + 1;
    return 0; /* unknown */
}

static rgb condition_color(int sev)
{
    const sp_tile_legend *l = sp_tile_legend_of(SP_TILE_MONUMENTS);
    /* legend order: good, satisfactory, needs_study, unsatisfactory, emergency, lost, unknown */
    return sp_tile_hex(l[sev == 0 ? 6 : sev - 1].color);
}

typedef struct cell {
    long cx, cy;
    int64_t sx, sy; /* sums of world px in 1/256, for the centre: integers, so that the sum
                       is the same in whatever order the members come */
    int n, worst, is_national;
} cell;

typedef struct label {
    double x, y, w, h; /* box in world px */
    PangoLayout *layout;
} label;

typedef struct draw {
    const sp_tile_req *req;
    cairo_t *cr;
    double world;  /* world size in CSS px at this zoom */
    double ox, oy; /* world px of the tile's top left */
    int drew;
    cell *cells;
    int ncells, capcells;
    int *slots;    /* open addressing over cells by (cx, cy): index + 1, 0 empty; 2 x capcells */
    label *labels; /* placed, in the order read */
    int nlabels, caplabels;
    double meta[4]; /* the metatile labels are placed in: x0, y0, x1, y1 in world px */
    PangoContext *pango;
    PangoFontDescription *font;
    double line_px; /* height of one line of the label font */
} draw;

/* 1 when the box x0..x1, y0..y1 (tile px) comes within pad of the tile: the features of a
 * whole metatile are read for its labels, and only this tile's are drawn. */
static int meets_tile(double x0, double y0, double x1, double y1, double pad)
{
    return x1 >= -pad && y1 >= -pad && x0 <= SP_TILE_SIZE + pad && y0 <= SP_TILE_SIZE + pad;
}

static void dot(draw *d, double px, double py, double r, rgb c, int hollow)
{
    if (!meets_tile(px - r, py - r, px + r, py + r, 2.0)) /* the halo is 1.5 px */
        return;
    cairo_t *cr = d->cr;
    cairo_new_path(cr);
    if (hollow) { /* a ring: a white halo, then the colour */
        cairo_arc(cr, px, py, r, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 3.0);
        cairo_stroke_preserve(cr);
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        cairo_set_line_width(cr, 1.6);
        cairo_stroke(cr);
    } else { /* a white disc 1.5 px wider under the coloured one: two fills cost less than a
                stroke and a fill (a dense z10 tile draws a thousand) */
        cairo_arc(cr, px, py, r + 1.5, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
        cairo_arc(cr, px, py, r, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        cairo_fill(cr);
    }
    d->drew = 1;
}

/* g's lines, or its rings closed (is_ring), as the current path in tile px. */
static void path_of(cairo_t *cr, OGRGeometryH g, double world, double ox, double oy, int is_ring)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbLineString || t == wkbLinearRing) { /* OGR calls a polygon's ring a line */
        int n = OGR_G_GetPointCount(g);
        for (int i = 0; i < n; i++) {
            double wx, wy;
            sp_tile_to_world(OGR_G_GetX(g, i), OGR_G_GetY(g, i), world, &wx, &wy);
            if (i == 0)
                cairo_move_to(cr, wx - ox, wy - oy);
            else
                cairo_line_to(cr, wx - ox, wy - oy);
        }
        if (is_ring)
            cairo_close_path(cr);
        return;
    }
    for (int i = 0; t != wkbPoint && i < OGR_G_GetGeometryCount(g); i++) /* rings and parts */
        path_of(cr, OGR_G_GetGeometryRef(g, i), world, ox, oy, t == wkbPolygon);
}

void sp_tile_path(cairo_t *cr, OGRGeometryH g, double world, double ox, double oy)
{
    path_of(cr, g, world, ox, oy, 0);
}

static void area(draw *d, const unsigned char *wkb, size_t len, rgb c, double fill_alpha,
                 double line_alpha)
{
    OGRGeometryH g = NULL;
    if (OGR_G_CreateFromWkb(wkb, NULL, &g, (int)len) != OGRERR_NONE || !g)
        return;
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    double x0, y0, x1, y1; /* world px: north is up */
    sp_tile_to_world(e.MinX, e.MaxY, d->world, &x0, &y0);
    sp_tile_to_world(e.MaxX, e.MinY, d->world, &x1, &y1);
    if (meets_tile(x0 - d->ox, y0 - d->oy, x1 - d->ox, y1 - d->oy, 1.0)) { /* line 1.2 px */
        cairo_new_path(d->cr);
        cairo_set_fill_rule(d->cr, CAIRO_FILL_RULE_EVEN_ODD);
        sp_tile_path(d->cr, g, d->world, d->ox, d->oy);
        cairo_set_source_rgba(d->cr, c.r, c.g, c.b, fill_alpha);
        cairo_fill_preserve(d->cr);
        cairo_set_source_rgba(d->cr, c.r, c.g, c.b, line_alpha);
        cairo_set_line_width(d->cr, 1.2);
        cairo_stroke(d->cr);
        d->drew = 1;
    }
    OGR_G_DestroyGeometry(g);
}

static unsigned cell_hash(long cx, long cy, int nslots)
{
    uint64_t h = (uint64_t)cx * 0x9E3779B97F4A7C15u ^ (uint64_t)cy * 0xC2B2AE3D27D4EB4Fu;
    return (unsigned)(h >> 32) & (unsigned)(nslots - 1);
}

/* The slot of cell (cx, cy): where it is, or the empty slot where it goes. */
static int *cell_slot(const draw *d, long cx, long cy)
{
    int nslots = 2 * d->capcells;
    for (unsigned i = cell_hash(cx, cy, nslots);; i = (i + 1) & (unsigned)(nslots - 1)) {
        int k = d->slots[i];
        if (k == 0 || (d->cells[k - 1].cx == cx && d->cells[k - 1].cy == cy))
            return &d->slots[i];
    }
}

static int add_cell(draw *d, double wx, double wy, int sev, int is_national, sp_err *err)
{
    long cx = (long)floor(wx / SP_TILE_CELL_PX), cy = (long)floor(wy / SP_TILE_CELL_PX);
    if (d->capcells) {
        int *slot = cell_slot(d, cx, cy);
        if (*slot) {
            cell *c = &d->cells[*slot - 1];
            c->sx += llround(wx * 256), c->sy += llround(wy * 256), c->n++;
            if (sev > c->worst)
                c->worst = sev;
            c->is_national |= is_national;
            return SP_OK;
        }
    }
    if (d->ncells == d->capcells) { /* grow, and hash every cell again */
        int cap = d->capcells ? d->capcells * 2 : 256;
        cell *cells = realloc(d->cells, (size_t)cap * sizeof *cells);
        int *slots = cells ? calloc((size_t)cap * 2, sizeof *slots) : NULL;
        if (!slots) {
            if (cells)
                d->cells = cells;
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        }
        free(d->slots);
        d->cells = cells, d->slots = slots, d->capcells = cap;
        for (int i = 0; i < d->ncells; i++)
            *cell_slot(d, d->cells[i].cx, d->cells[i].cy) = i + 1;
    }
    d->cells[d->ncells] = (cell){cx, cy, llround(wx * 256), llround(wy * 256), 1, sev, is_national};
    *cell_slot(d, cx, cy) = ++d->ncells;
    return SP_OK;
}

/* 1 when box x, y, w, h, grown by the gap labels keep, meets label b's box. */
static int crowds(double x, double y, double w, double h, const label *b)
{
    return !(x + w + 2 < b->x || b->x + b->w + 2 < x || y + h + 1 < b->y || b->y + b->h + 1 < y);
}

/* Places the label of a feature at world px (wx, wy) with a symbol of radius r, in the
 * order read (most significant first): only where it meets no label placed before and
 * stays inside the metatile. Its box starts at x = wx + r + 3 and grows right, centred on
 * wy, at least half a line high (a line of the label font, d->line_px; half, for text in a
 * fallback font), so when that much is outside the metatile or crowded the label is too,
 * and is dropped before Pango shapes it: in a dense quarter nearly all are. */
static int add_label(draw *d, double wx, double wy, double r, const char *text, sp_err *err)
{
    if (!text || !*text)
        return SP_OK;
    double x = wx + r + 3.0;
    double least = d->line_px / 2;
    if (x < d->meta[0] || wy - least / 2 < d->meta[1] || x > d->meta[2] ||
        wy + least / 2 > d->meta[3])
        return SP_OK;
    for (int j = 0; j < d->nlabels; j++)
        if (crowds(x, wy - least / 2, 0, least, &d->labels[j]))
            return SP_OK;
    PangoLayout *layout = pango_layout_new(d->pango);
    pango_layout_set_font_description(layout, d->font);
    pango_layout_set_width(layout, (int)(SP_TILE_LABEL_MAX_PX * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
    pango_layout_set_text(layout, text, -1);
    int w, h;
    pango_layout_get_pixel_size(layout, &w, &h);
    double y = wy - h / 2.0;
    int ok = y >= d->meta[1] && x + w <= d->meta[2] && y + h <= d->meta[3];
    for (int j = 0; ok && j < d->nlabels; j++)
        ok = !crowds(x, y, w, h, &d->labels[j]);
    if (!ok) {
        g_object_unref(layout);
        return SP_OK;
    }
    if (d->nlabels == d->caplabels) {
        int cap = d->caplabels ? d->caplabels * 2 : 64;
        label *l = realloc(d->labels, (size_t)cap * sizeof *l);
        if (!l) {
            g_object_unref(layout);
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        }
        d->labels = l;
        d->caplabels = cap;
    }
    d->labels[d->nlabels++] = (label){x, y, w, h, layout};
    return SP_OK;
}

static int on_feature(void *ctx, const sp_db_map_feature *f, sp_err *err)
{
    draw *d = ctx;
    double wx, wy;
    sp_tile_to_world(f->x, f->y, d->world, &wx, &wy);
    const sp_tile_req *q = d->req;
    if (q->layer == SP_TILE_ZONES) {
        if (f->wkb)
            area(d, f->wkb, f->wkb_len, sp_tile_hex(sp_tile_legend_of(SP_TILE_ZONES)[0].color),
                 0.18, 0.7);
        return SP_OK;
    }
    int sev = severity(f->condition);
    int is_national = f->significance && strcmp(f->significance, "national") == 0;
    if (q->layer == SP_TILE_MONUMENTS && q->z < SP_TILE_THIN_BELOW)
        return add_cell(d, wx, wy, sev, is_national, err);
    double px = wx - d->ox, py = wy - d->oy, r;
    if (q->layer == SP_TILE_DAMAGE) {
        const sp_tile_legend *l = sp_tile_legend_of(SP_TILE_DAMAGE);
        rgb c = sp_tile_hex(l[f->damage_age_days <= 7    ? 0
                              : f->damage_age_days <= 30 ? 1
                                                         : 2]
                                .color);
        const char *lv = f->damage_level ? f->damage_level : "";
        r = strcmp(lv, "destroyed") == 0  ? 8.0
            : strcmp(lv, "severe") == 0   ? 7.0
            : strcmp(lv, "moderate") == 0 ? 5.5
                                          : 4.5;
        cairo_t *cr = d->cr;
        cairo_new_path(cr);
        cairo_move_to(cr, px, py - r);
        cairo_line_to(cr, px + r, py);
        cairo_line_to(cr, px, py + r);
        cairo_line_to(cr, px - r, py);
        cairo_close_path(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 3.0);
        cairo_stroke_preserve(cr);
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        cairo_fill(cr);
        if (strcmp(lv, "destroyed") == 0) { /* a cross on what is gone */
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 1.5);
            cairo_move_to(cr, px - r / 2.5, py - r / 2.5);
            cairo_line_to(cr, px + r / 2.5, py + r / 2.5);
            cairo_move_to(cr, px + r / 2.5, py - r / 2.5);
            cairo_line_to(cr, px - r / 2.5, py + r / 2.5);
            cairo_stroke(cr);
        }
        d->drew = 1;
    } else {
        rgb c = condition_color(sev);
        const sp_tile_size *size = sp_tile_size_of(f->significance);
        r = size->radius;
        if (f->wkb && q->z >= SP_TILE_FOOTPRINT_AT) {
            area(d, f->wkb, f->wkb_len, c, 0.35, 0.9);
            r *= 0.75;
        }
        dot(d, px, py, r, c, size->is_ring);
    }
    return q->z >= SP_TILE_LABEL_AT ? add_label(d, wx, wy, r, f->name, err) : SP_OK;
}

/* Cells are drawn in an order of their own, not the order read (which map_points leaves to
 * the index): the worse condition on top, then national ones, then north to south, west to
 * east, the same on every tile that draws a cell. */
static int cell_cmp(const void *pa, const void *pb)
{
    const cell *a = pa, *b = pb;
    if (a->worst != b->worst)
        return a->worst - b->worst;
    if (a->is_national != b->is_national)
        return a->is_national - b->is_national;
    if (a->cy != b->cy)
        return a->cy < b->cy ? -1 : 1;
    return a->cx < b->cx ? -1 : a->cx > b->cx;
}

static void draw_cells(draw *d)
{
    qsort(d->cells, (size_t)d->ncells, sizeof *d->cells, cell_cmp); /* slots are stale now */
    for (int i = 0; i < d->ncells; i++) {
        const cell *c = &d->cells[i];
        double r = 2.5 + 1.2 * log2((double)c->n);
        if (r > 8.0)
            r = 8.0;
        if (c->is_national && r < 4.0)
            r = 4.0;
        dot(d, (double)c->sx / 256 / c->n - d->ox, (double)c->sy / 256 / c->n - d->oy, r,
            condition_color(c->worst), 0);
    }
}

void sp_tile_halo_text(cairo_t *cr, PangoLayout *layout, double x, double y, double r, double g,
                       double b)
{
    cairo_move_to(cr, x, y);
    pango_cairo_layout_path(cr, layout);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, 3.0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    cairo_move_to(cr, x, y);
    cairo_set_source_rgb(cr, r, g, b);
    pango_cairo_show_layout(cr, layout);
}

/* Draws the placed labels that meet this tile. */
static void draw_labels(draw *d)
{
    for (int i = 0; i < d->nlabels; i++) {
        const label *l = &d->labels[i];
        double px = l->x - d->ox, py = l->y - d->oy;
        if (!meets_tile(px, py, px + l->w, py + l->h, 2.0)) /* the halo is 1.5 px */
            continue;
        sp_tile_halo_text(d->cr, l->layout, px, py, 0.13, 0.13, 0.13);
        d->drew = 1;
    }
}

/* Pango's font map is per thread; the context and font are kept per thread too, so that a
 * tile does not pay for font loading (the first tile of a thread does). */
static _Thread_local PangoContext *thread_pango;
static _Thread_local PangoFontDescription *thread_font;
static _Thread_local int thread_line_px;

int sp_tile_pango(PangoContext **out, sp_err *err)
{
    if (!thread_pango) {
        PangoFontMap *fm = pango_cairo_font_map_get_default();
        thread_pango = fm ? pango_font_map_create_context(fm) : NULL;
        thread_font = pango_font_description_from_string(SP_TILE_LABEL_FONT);
        if (!thread_pango || !thread_font)
            return sp_err_set(err, SP_EINTERNAL, "cannot set up Pango for labels");
        cairo_font_options_t *fo = cairo_font_options_create();
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
        pango_cairo_context_set_font_options(thread_pango, fo);
        cairo_font_options_destroy(fo);
        PangoLayout *one = pango_layout_new(thread_pango);
        pango_layout_set_font_description(one, thread_font);
        pango_layout_set_text(one, "Й", -1);
        pango_layout_get_pixel_size(one, NULL, &thread_line_px);
        g_object_unref(one);
    }
    *out = thread_pango;
    return SP_OK;
}

static int ensure_pango(draw *d, sp_err *err)
{
    if (sp_tile_pango(&d->pango, err) != SP_OK)
        return err->code;
    d->line_px = thread_line_px;
    d->font = thread_font;
    return SP_OK;
}

/* The names of national monuments from SP_TILE_NATIONAL_AT, before all names are drawn: at
 * the symbol's own place (below SP_TILE_THIN_BELOW, inside its cell's disc or beside it). */
static int on_national_name(void *ctx, const sp_db_map_feature *f, sp_err *err)
{
    draw *d = ctx;
    double wx, wy;
    sp_tile_to_world(f->x, f->y, d->world, &wx, &wy);
    return add_label(d, wx, wy, sp_tile_size_of(f->significance)->radius, f->name, err);
}

/* The box of world px x0, y0 .. x1, y1 grown by margin, in degrees: west, south, east, north. */
static void box_of(const draw *d, double x0, double y0, double x1, double y1, double margin,
                   double out[4])
{
    sp_tile_from_world(x0 - margin, y0 - margin, d->world, &out[0], &out[3]);
    sp_tile_from_world(x1 + margin, y1 + margin, d->world, &out[2], &out[1]);
}

/* The registry's layers: symbols (thinned into cells at low zoom), footprints, zones and the
 * names placed over the metatile. */
static int draw_registry(sp_db *db, draw *d, sp_err *err)
{
    int rc = SP_OK;
    /* Names: every symbol's from SP_TILE_LABEL_AT; national monuments' from
     * SP_TILE_NATIONAL_AT (unless a filter leaves them out), read in a query of their own. */
    int all_names = d->req->z >= SP_TILE_LABEL_AT && d->req->layer != SP_TILE_ZONES;
    int national_names = !all_names && d->req->z >= SP_TILE_NATIONAL_AT &&
                         d->req->layer == SP_TILE_MONUMENTS &&
                         (!d->req->significance || strcmp(d->req->significance, "national") == 0);
    if (all_names || national_names)
        rc = ensure_pango(d, err);
    if (rc == SP_OK && d->pango)
        pango_cairo_update_context(d->cr, d->pango);

    /* What to read: the tile plus the symbol margin (plus one thinning cell below
     * SP_TILE_THIN_BELOW); for names, the whole metatile they are placed in. Pixel boxes are
     * in world px. */
    double x0 = d->ox, y0 = d->oy, x1 = d->ox + SP_TILE_SIZE, y1 = d->oy + SP_TILE_SIZE;
    double margin = SP_TILE_MARGIN_PX + (d->req->z < SP_TILE_THIN_BELOW ? SP_TILE_CELL_PX : 0);
    if (d->pango) {
        d->meta[0] = (double)(d->req->x / SP_TILE_META * SP_TILE_META) * SP_TILE_SIZE;
        d->meta[1] = (double)(d->req->y / SP_TILE_META * SP_TILE_META) * SP_TILE_SIZE;
        d->meta[2] = d->meta[0] + SP_TILE_META * SP_TILE_SIZE;
        d->meta[3] = d->meta[1] + SP_TILE_META * SP_TILE_SIZE;
    }
    sp_db_map_query q = {
        .kind = d->req->layer == SP_TILE_DAMAGE  ? SP_MAP_DAMAGE
                : d->req->layer == SP_TILE_ZONES ? SP_MAP_ZONES
                                                 : SP_MAP_MONUMENTS,
        .with_names = all_names,
        .with_footprints = d->req->z >= SP_TILE_FOOTPRINT_AT || d->req->layer == SP_TILE_ZONES,
        .points_only =
            d->req->layer == SP_TILE_MONUMENTS && d->req->z < SP_TILE_FOOTPRINT_AT && !all_names,
        .any_order =
            d->req->layer == SP_TILE_MONUMENTS && d->req->z < SP_TILE_THIN_BELOW, /* cells */
        .significance = d->req->significance,
        .kind_code = d->req->kind,
        .condition = d->req->condition,
        .district = d->req->district,
        .damaged_since = d->req->damaged_since,
        .lang = d->req->lang,
    };
    if (all_names)
        box_of(d, d->meta[0], d->meta[1], d->meta[2], d->meta[3], margin, q.bbox);
    else
        box_of(d, x0, y0, x1, y1, margin, q.bbox);
    cairo_set_line_cap(d->cr, CAIRO_LINE_CAP_ROUND);
    if (rc == SP_OK && national_names) { /* first: they are placed before any other */
        sp_db_map_query nq = q;
        nq.significance = "national";
        nq.with_names = 1;
        nq.points_only = nq.with_footprints = nq.any_order = 0;
        box_of(d, d->meta[0], d->meta[1], d->meta[2], d->meta[3], margin, nq.bbox);
        rc = sp_db_map_features(db, &nq, on_national_name, d, err);
    }
    if (rc == SP_OK)
        rc = sp_db_map_features(db, &q, on_feature, d, err);
    if (rc == SP_OK && d->ncells)
        draw_cells(d);
    if (rc == SP_OK && d->nlabels)
        draw_labels(d);
    for (int i = 0; i < d->nlabels; i++)
        g_object_unref(d->labels[i].layout);
    free(d->labels);
    free(d->cells);
    free(d->slots);
    return rc;
}

int sp_tile_render(sp_db *db, const sp_tile_req *req, unsigned char **out_png, size_t *out_len,
                   int *out_is_empty, sp_err *err)
{
    *out_png = NULL;
    *out_len = 0;
    *out_is_empty = 0;
    int px = SP_TILE_SIZE * req->scale;
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, px, px);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return sp_err_set(err, SP_ENOMEM, "cannot create a %d px surface", px);
    }
    draw d = {.req = req, .cr = cairo_create(surface), .world = ldexp(SP_TILE_SIZE, req->z)};
    d.ox = (double)req->x * SP_TILE_SIZE;
    d.oy = (double)req->y * SP_TILE_SIZE;
    cairo_scale(d.cr, req->scale, req->scale);
    int rc = req->layer == SP_TILE_BASEMAP ? sp_tile_draw_basemap(db, req, d.cr, &d.drew, err)
                                           : draw_registry(db, &d, err);
    cairo_destroy(d.cr);
    cairo_surface_flush(surface);
    if (rc == SP_OK && !d.drew)
        *out_is_empty = 1;
    else if (rc == SP_OK)
        rc = sp_tile_encode_png(cairo_image_surface_get_data(surface), px, px,
                                cairo_image_surface_get_stride(surface), out_png, out_len, err);
    cairo_surface_destroy(surface);
    return rc;
}
