/* server/routes_tiles.c - /tiles/{layer}/{z}/{x}/{y}[@2x].png and the TileJSON 3.0.0 of each
 * layer at /tiles/{layer}.json, for Leaflet, QGIS and any XYZ client. A tile's ETag is the
 * hash of its bytes, so an edit changes the ETag of exactly the tiles whose pixels changed;
 * areas with nothing in them all get the one shared empty tile. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "sp_db_items.h"
#include "sp_json.h"
#include "sp_tile.h"

#define SP_TILE_CACHE_CONTROL  "public, max-age=0, must-revalidate" /* fresh after an edit */
#define SP_EMPTY_CACHE_CONTROL "public, max-age=3600"
#define SP_TILE_FILTER_MAX     40
#define SP_OSM_ATTRIBUTION                                                                         \
    "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors"

#define SP_TILE_DISTRICT_MAX 100 /* bytes of a district's name */

/* A map's first view (TileJSON's center): about SP_VIEW_TILES tiles wide, at the zoom that fits
 * the monuments' extent but never wider than SP_VIEW_MIN_ZOOM (a town, not a country), centred
 * where most monuments are. */
#define SP_VIEW_TILES      4
#define SP_VIEW_MIN_ZOOM   11
#define SP_VIEW_MAX_ZOOM   16
#define SP_VIEW_EMPTY_ZOOM 6 /* an empty registry: the whole of Ukraine's box */

static const char *const tile_args[] = {"significance",  "kind", "condition", "district",
                                        "damaged_since", "lang", NULL};

/* A filter value: a vocabulary code (lower-case letters and '_'), or NULL with a 400 set. */
static int filter_arg(sp_http_req *r, const char *name, const char **out)
{
    const char *v = sp_http_arg_get(r, name);
    *out = v;
    if (!v)
        return SP_OK;
    size_t n = strlen(v);
    int ok = n > 0 && n <= SP_TILE_FILTER_MAX && strspn(v, "abcdefghijklmnopqrstuvwxyz_") == n;
    if (!ok)
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "%s=%.60s: expected a vocabulary code such as 'national' or "
                             "'emergency'",
                             name, v);
    return SP_OK;
}

/* The query's filters into t (their only parameters); a 400 otherwise. A district is named
 * as the items name it (its Ukrainian name, valid UTF-8 as every argument is). */
static int tile_filters(sp_http_req *r, sp_tile_req *t)
{
    int rc = SP_OK;
    if ((rc = sp_http_check_args(r, tile_args)) != SP_OK ||
        (rc = filter_arg(r, "significance", &t->significance)) != SP_OK ||
        (rc = filter_arg(r, "kind", &t->kind)) != SP_OK ||
        (rc = filter_arg(r, "condition", &t->condition)) != SP_OK ||
        (rc = sp_http_date_arg(r, "damaged_since", &t->damaged_since)) != SP_OK)
        return rc;
    t->lang = sp_http_arg_get(r, "lang");
    if (t->lang && strcmp(t->lang, "uk") != 0 && strcmp(t->lang, "en") != 0)
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "lang=%.20s: expected uk or en (the labels' language)", t->lang);
    t->district = sp_http_arg_get(r, "district");
    size_t n = t->district ? strlen(t->district) : 1;
    if (n == 0 || n > SP_TILE_DISTRICT_MAX)
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "district: expected a district's name, 1 to %d bytes",
                             SP_TILE_DISTRICT_MAX);
    return SP_OK;
}

static int layer_of(sp_http_req *r, const char *name)
{
    int l = sp_tile_layer_by_name(name);
    if (l < 0)
        sp_http_error(r, 404, "NotFound",
                      "no tile layer '%.60s' (monuments, damage, zones, basemap)", name);
    return l;
}

int sp_route_tile(sp_http_req *r)
{
    int rc = SP_OK;
    /* /tiles/basemap/... names its layer in its route's row */
    const char *layer = r->route_row->arg ? r->route_row->arg : sp_http_param(r, "layer");
    const char *z = sp_http_param(r, "z");
    const char *x = sp_http_param(r, "x");
    const char *yfile = sp_http_param(r, "yfile");
    sp_tile_req t = {0};
    sp_err err = {0};
    int l = layer_of(r, layer);
    if (l < 0)
        return SP_OK;
    t.layer = (sp_tile_layer)l;
    if (sp_tile_parse_zxy(z, x, yfile, &t, &err) != SP_OK)
        return sp_http_error(r, 400, "InvalidParameterValue", "%s", err.msg);
    if ((rc = tile_filters(r, &t)) != SP_OK)
        return rc;
    unsigned char *png = NULL;
    size_t len = 0;
    int is_empty = 0;
    char hash[17];
    if (sp_tile_get(r->db, r->tiles, r->hot_tiles, &t, (int64_t)r->cfg->tile_cache_mb * 1024 * 1024,
                    &png, &len, hash, &is_empty, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    char *body = realloc(png, len + 1); /* the body takes the PNG, NUL-terminated */
    if (!body) {
        free(png);
        return sp_http_error(r, 500, "ServerError", "out of memory");
    }
    body[len] = '\0';
    sp_strbuf_free(&r->body);
    r->body.data = body;
    r->body.len = len;
    r->body.cap = len + 1;
    r->cache_control = is_empty ? SP_EMPTY_CACHE_CONTROL : SP_TILE_CACHE_CONTROL;
    r->content_type = "image/png";
    snprintf(r->etag_tag, sizeof r->etag_tag, "t%s", hash);
    return SP_OK;
}

/* The remote base map's TileJSON (serve --basemap URL): another server's tiles, drawn under
 * Spadok's instead of its own base map, with the attribution its licence asks for
 * (OpenStreetMap's when none is given for its tiles). */
static int remote_basemap_tilejson(sp_http_req *r)
{
    const char *attribution = r->cfg->basemap_attribution;
    if (!attribution && strstr(r->cfg->basemap_url, "openstreetmap.org"))
        attribution = SP_OSM_ATTRIBUTION;
    sp_strbuf *b = &r->body;
    sp_strbuf_puts(b, "{\"tilejson\":\"3.0.0\",\"name\":\"basemap\",\"tiles\":[");
    sp_json_str(b, r->cfg->basemap_url);
    sp_strbuf_printf(
        b, "],\"scheme\":\"xyz\",\"minzoom\":0,\"maxzoom\":%d,\"attribution\":", SP_TILE_MAX_ZOOM);
    sp_json_str(b, attribution ? attribution : "");
    sp_strbuf_puts(b, "}");
    r->cache_control = "public, max-age=60";
    return SP_OK;
}

/* GET /tiles: the tile sets, each with its TileJSON (the base map's: the remote one of
 * serve --basemap URL, else Spadok's own). */
int sp_route_tilesets(sp_http_req *r)
{
    int rc = SP_OK;
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    sp_strbuf *b = &r->body, url = {0}, path = {0};
    sp_strbuf_puts(b, "{\"tilesets\":[");
    for (int l = 0; l < SP_TILE_LAYER_COUNT; l++) {
        const char *name = sp_tile_layer_name((sp_tile_layer)l);
        sp_strbuf_reset(&path);
        sp_strbuf_reset(&url);
        sp_strbuf_printf(&path, "/tiles/%s.json", name);
        sp_http_link_url(r, &url, sp_strbuf_cstr(&path), NULL);
        sp_strbuf_puts(b, l ? ",{\"name\":" : "{\"name\":");
        sp_json_str(b, name);
        sp_strbuf_puts(b, ",\"tilejson\":");
        sp_json_str(b, sp_strbuf_cstr(&url));
        sp_strbuf_puts(b, "}");
    }
    sp_strbuf_puts(b, "]}");
    sp_strbuf_free(&url);
    sp_strbuf_free(&path);
    r->cache_control = "public, max-age=60";
    return SP_OK;
}

/* TileJSON 3.0.0: where the tiles are, their zooms and bounds, attribution, and the legend
 * of the layer's colours and (monuments) sizes (extension fields) so a map can draw its key
 * from it. */
static int first_view(sp_http_req *r, const double bbox[4], int has_bbox, double out_center[3])
{
    out_center[0] = (bbox[0] + bbox[2]) / 2;
    out_center[1] = (bbox[1] + bbox[3]) / 2;
    out_center[2] = SP_VIEW_EMPTY_ZOOM;
    if (!has_bbox)
        return SP_OK;
    /* the extent's width in degrees of longitude, its height stretched as Mercator draws it */
    double span = fmax(bbox[2] - bbox[0], (bbox[3] - bbox[1]) / cos(out_center[1] * M_PI / 180.0));
    int z = span > 0 ? (int)floor(log2(360.0 * SP_VIEW_TILES / span)) : SP_VIEW_MAX_ZOOM;
    z = z < SP_VIEW_MIN_ZOOM ? SP_VIEW_MIN_ZOOM : z > SP_VIEW_MAX_ZOOM ? SP_VIEW_MAX_ZOOM : z;
    double at[2];
    int64_t n = 0;
    sp_err err = {0};
    if (sp_db_monuments_densest(r->db, 360.0 * SP_VIEW_TILES / pow(2, z), at, &n, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    if (n > 0)
        out_center[0] = at[0], out_center[1] = at[1];
    out_center[2] = z;
    return SP_OK;
}

int sp_route_tilejson(sp_http_req *r)
{
    int rc = SP_OK;
    const char *file = sp_http_param(r, "file");
    char name[64];
    size_t n = strlen(file);
    if (n < 6 || n - 5 >= sizeof name || strcmp(file + n - 5, ".json") != 0)
        return sp_http_error(r, 404, "NotFound", "no such path: %.200s", r->path);
    snprintf(name, sizeof name, "%.*s", (int)(n - 5), file);
    if (strcmp(name, "basemap") == 0 && r->cfg->basemap_url)
        return (rc = sp_http_check_args(r, NULL)) != SP_OK ? rc : remote_basemap_tilejson(r);
    int l = layer_of(r, name);
    sp_tile_req checked = {0}; /* the filters are checked here, and kept in the tile URL */
    if (l < 0 || (rc = tile_filters(r, &checked)) != SP_OK)
        return rc;
    double bbox[4] = {22.1, 44.3, 40.3, 52.4}; /* Ukraine, when the registry is empty */
    int has_bbox = 0;
    char tmin[32], tmax[32];
    sp_err err = {0};
    if (sp_db_collection_extent(r->db, l == SP_TILE_ZONES ? SP_COL_ZONES : SP_COL_MONUMENTS, bbox,
                                &has_bbox, tmin, tmax, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    if (!has_bbox) {
        bbox[0] = 22.1, bbox[1] = 44.3, bbox[2] = 40.3, bbox[3] = 52.4;
    }
    double center[3];
    if ((rc = first_view(r, bbox, has_bbox, center)) != SP_OK)
        return rc;
    sp_strbuf *b = &r->body, url = {0}, path = {0};
    sp_strbuf_printf(&path, "/tiles/%s/{z}/{x}/{y}.png", name);
    sp_http_link_url(r, &url, sp_strbuf_cstr(&path), sp_strbuf_cstr(&r->query));
    sp_strbuf_puts(b, "{\"tilejson\":\"3.0.0\",\"name\":");
    sp_json_str(b, name);
    sp_strbuf_printf(b, ",\"description\":\"Spadok: %s of the heritage registry\",",
                     l == SP_TILE_ZONES     ? "protection zones"
                     : l == SP_TILE_DAMAGE  ? "damaged monuments by recency and damage level"
                     : l == SP_TILE_BASEMAP ? "its own base map (the districts without one)"
                                            : "monuments by condition and significance");
    sp_strbuf_printf(b, "\"version\":\"%d.0.0\",\"scheme\":\"xyz\",\"tiles\":[", SP_TILE_STYLE_REV);
    sp_json_str(b, sp_strbuf_cstr(&url));
    sp_strbuf_printf(b, "],\"minzoom\":0,\"maxzoom\":%d,\"bounds\":[%.6f,%.6f,%.6f,%.6f],",
                     SP_TILE_MAX_ZOOM, bbox[0], bbox[1], bbox[2], bbox[3]);
    sp_strbuf_printf(b, "\"center\":[%.6f,%.6f,%d],", center[0], center[1], (int)center[2]);
    sp_strbuf credit = {0}; /* composed from the data sets held, never written here */
    sp_strbuf_puts(b, "\"attribution\":");
    if ((rc = sp_http_attribution(r, &credit)) != SP_OK) {
        sp_strbuf_free(&credit);
        sp_strbuf_free(&url);
        sp_strbuf_free(&path);
        return SP_OK;
    }
    sp_json_str(b, sp_strbuf_cstr(&credit));
    sp_strbuf_free(&credit);
    sp_strbuf_puts(b, ",\"legend\":[");
    const sp_tile_legend *lg = sp_tile_legend_of((sp_tile_layer)l);
    for (int i = 0; lg[i].code; i++) {
        sp_strbuf_puts(b, i ? ",{\"code\":" : "{\"code\":");
        sp_json_str(b, lg[i].code);
        sp_strbuf_puts(b, ",\"label\":");
        sp_json_str(b, sp_http_in_lang(r, lg[i].label_uk, lg[i].label_en));
        sp_strbuf_puts(b, ",\"label_uk\":");
        sp_json_str(b, lg[i].label_uk);
        sp_strbuf_puts(b, ",\"label_en\":");
        sp_json_str(b, lg[i].label_en);
        sp_strbuf_puts(b, ",\"color\":");
        sp_json_str(b, lg[i].color);
        sp_strbuf_puts(b, "}");
    }
    sp_strbuf_puts(b, "]");
    if (l == SP_TILE_MONUMENTS) { /* and what a symbol's size says, "unknown" included */
        const sp_tile_size *sz = sp_tile_sizes();
        sp_strbuf_puts(b, ",\"sizes\":[");
        for (int i = 0; sz[i].code; i++) {
            sp_strbuf_puts(b, i ? ",{\"code\":" : "{\"code\":");
            sp_json_str(b, sz[i].code);
            sp_strbuf_puts(b, ",\"label\":");
            sp_json_str(b, sp_http_in_lang(r, sz[i].label_uk, sz[i].label_en));
            sp_strbuf_puts(b, ",\"label_uk\":");
            sp_json_str(b, sz[i].label_uk);
            sp_strbuf_puts(b, ",\"label_en\":");
            sp_json_str(b, sz[i].label_en);
            sp_strbuf_printf(b, ",\"radius\":%.1f,\"ring\":%s}", sz[i].radius,
                             sz[i].is_ring ? "true" : "false");
        }
        sp_strbuf_puts(b, "]");
    }
    sp_strbuf_puts(b, "}");
    sp_strbuf_free(&url);
    sp_strbuf_free(&path);
    r->cache_control = "public, max-age=60";
    return SP_OK;
}
