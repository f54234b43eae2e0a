/* server/routes_ogc.c - OGC API - Features Part 1 (core, GeoJSON) and Part 3 (CQL2 text
 * filter, queryables): landing page, conformance, collections, items, one item. What GDAL's
 * OAPIF driver relies on is kept exact: geo+json items with numberMatched on every page,
 * next links until the last page, integer ids, CRS84 lon/lat. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "sp_csv.h"
#include "sp_db_users.h"
#include "sp_cql.h"
#include "sp_db_items.h"
#include "sp_json.h"
#include "sp_log.h"

#define SP_LIMIT_DEFAULT 100
#define SP_LIMIT_MAX     10000
#define SP_OFFSET_MAX    100000000LL
#define CRS84            "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#define EPSG_URI         "http://www.opengis.net/def/crs/EPSG/0/"

/* OGC API Part 2: the CRS offered for output (crs) and for bbox (bbox-crs). swap: the CRS
 * lists northing (latitude) first, so coordinates are given and returned in that order. */
typedef struct crs_def {
    const char *uri, *short_name;
    int srid, swap, decimals;
} crs_def;

static const crs_def crs_table[] = {
    {CRS84, "CRS84", 4326, 0, 7},
    {EPSG_URI "4326", "EPSG:4326", 4326, 1, 7},
    {EPSG_URI "3857", "EPSG:3857", 3857, 0, 2},
    {EPSG_URI "6384", "EPSG:6384", 6384, 1, 3}, /* UCS-2000 / Ukraine TM zone 10 */
};
#define SP_NCRS ((int)(sizeof crs_table / sizeof crs_table[0]))

int sp_http_crs_by_uri(const char *uri, int *out_srid, int *out_swap)
{
    for (int i = 0; i < SP_NCRS; i++)
        if (strcmp(uri, crs_table[i].uri) == 0 || strcmp(uri, crs_table[i].short_name) == 0) {
            *out_srid = crs_table[i].srid;
            *out_swap = crs_table[i].swap;
            return 1;
        }
    return 0;
}

static int add_link(sp_http_req *r, int *first, const char *href_path, const char *query,
                    const char *rel, const char *type, const char *title)
{
    if (!*first)
        sp_strbuf_puts(&r->body, ",");
    *first = 0;
    sp_strbuf_puts(&r->body, "{\"href\":");
    sp_strbuf url = {0};
    sp_http_link_url(r, &url, href_path, query);
    sp_json_str(&r->body, sp_strbuf_cstr(&url));
    sp_strbuf_free(&url);
    sp_strbuf_puts(&r->body, ",\"rel\":");
    sp_json_str(&r->body, rel);
    sp_strbuf_puts(&r->body, ",\"type\":");
    sp_json_str(&r->body, type);
    if (title) {
        sp_strbuf_puts(&r->body, ",\"title\":");
        sp_json_str(&r->body, title);
    }
    sp_strbuf_puts(&r->body, "}");
    return SP_OK;
}

/* Resources offered as JSON only: an explicit f=html|csv is refused (406); a browser's
 * Accept header alone gets the JSON. */
static int json_only(sp_http_req *r)
{
    if (r->format == SP_FMT_JSON || !r->format_is_explicit) {
        r->format = SP_FMT_JSON;
        return SP_OK;
    }
    return sp_http_error(r, 406, "NotAcceptable", "this resource is available as f=json only");
}

/* Resources offered as JSON and HTML: CSV is refused. */
static int json_or_html(sp_http_req *r)
{
    if (r->format != SP_FMT_CSV)
        return SP_OK;
    return sp_http_error(r, 406, "NotAcceptable", "this resource is available as json or html");
}

static void html_link(sp_strbuf *b, const char *href, const char *uk, const char *en)
{
    sp_strbuf_puts(b, "<a href=\"");
    sp_html_text(b, href);
    sp_strbuf_puts(b, "\">");
    sp_html_text(b, uk);
    if (en) {
        sp_strbuf_puts(b, " <span class=\"en\" lang=\"en\">");
        sp_html_text(b, en);
        sp_strbuf_puts(b, "</span>");
    }
    sp_strbuf_puts(b, "</a>");
}

/* The JSON answers' words follow the language asked (lang=, Accept-Language); the HTML pages
 * say both. */
static const char *const lang_args[] = {"lang", NULL};

int sp_ogc_landing(sp_http_req *r)
{
    int rc = SP_OK;
    if (r->format == SP_FMT_HTML && !r->format_is_explicit) { /* a browser: the map */
        r->route = "page";
        return sp_http_page(r, "index.html");
    }
    if ((rc = sp_http_check_args(r, lang_args)) != SP_OK || (rc = json_or_html(r)) != SP_OK)
        return rc;
    sp_strbuf *b = &r->body;
    if (r->format == SP_FMT_HTML) {
        sp_html_begin(r, "Спадок: реєстр пам’яток культурної спадщини",
                      "Spadok: heritage monument registry");
        sp_strbuf_puts(b, "<p>Пам’ятки, зони охорони та звіти про стан як OGC API - Features. "
                          "<span class=\"en\" lang=\"en\">Monuments, protection zones and "
                          "condition reports as OGC API - Features.</span></p><ul><li>");
        html_link(b, "/collections?f=html", "Колекції", "Collections");
        sp_strbuf_puts(b, "</li><li>");
        html_link(b, "/api", "Опис API (OpenAPI 3.0)", "API definition");
        sp_strbuf_puts(b, "</li><li>");
        html_link(b, "/conformance", "Відповідність стандартам", "Conformance");
        sp_strbuf_puts(b, "</li></ul>");
        sp_html_end(r, "/?f=json");
        return SP_OK;
    }
    sp_strbuf_puts(b, "{\"title\":");
    sp_json_str(b, sp_http_in_lang(r, "Спадок — реєстр пам’яток культурної спадщини",
                                   "Spadok — heritage monument registry"));
    sp_strbuf_puts(b, ",\"description\":");
    sp_json_str(b,
                sp_http_in_lang(r,
                                "Пам’ятки, зони охорони та звіти про стан реєстру як OGC API - "
                                "Features.",
                                "Monuments, protection zones and condition reports of the registry "
                                "as OGC API - Features."));
    sp_strbuf_puts(b, ",");
    if ((rc = sp_http_attribution_json(r, b)) != SP_OK) /* the error answer is set */
        return rc;
    sp_strbuf_puts(b, ",\"links\":[");
    int first = 1;
    add_link(r, &first, "/", NULL, "self", "application/json", "This document");
    add_link(r, &first, "/api", NULL, "service-desc",
             "application/vnd.oai.openapi+json;version=3.0", "The API definition (OpenAPI 3.0)");
    add_link(r, &first, "/conformance", NULL, "conformance", "application/json",
             "Conformance classes implemented");
    add_link(r, &first, "/collections", NULL, "data", "application/json", "Collections");
    add_link(r, &first, "/datasets", NULL, "describedby", "application/json",
             "The data sets, their publishers and licences");
    if ((rc = sp_http_licence_links(r, b)) != SP_OK)
        return rc;
    sp_strbuf_puts(b, "]}");
    return SP_OK;
}

int sp_ogc_conformance(sp_http_req *r)
{
    int rc = SP_OK;
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK || (rc = json_only(r)) != SP_OK)
        return rc;
    static const char *const classes[] = {
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        NULL};
    sp_strbuf_puts(&r->body, "{\"conformsTo\":[");
    for (int i = 0; classes[i]; i++) {
        if (i)
            sp_strbuf_puts(&r->body, ",");
        sp_json_str(&r->body, classes[i]);
    }
    sp_strbuf_puts(&r->body, "]}");
    return SP_OK;
}

static int collection_id(sp_http_req *r, const char *id)
{
    int c = sp_db_collection_by_name(id);
    if (c < 0)
        sp_http_error(r, 404, "NotFound",
                      "no collection '%.100s' (monuments, protection_zones, "
                      "condition_reports)",
                      id);
    return c;
}

static int collection_json(sp_http_req *r, sp_collection c)
{
    const sp_collection_info *info = sp_db_collection(c);
    sp_strbuf *b = &r->body;
    char path[128], tmin[32], tmax[32];
    double bbox[4];
    int has_bbox = 0;
    sp_err err = {0};
    if (sp_db_collection_extent(r->db, c, bbox, &has_bbox, tmin, tmax, &err) != SP_OK)
        has_bbox = 0, tmin[0] = tmax[0] = '\0';
    sp_strbuf_puts(b, "{\"id\":");
    sp_json_str(b, info->name);
    sp_strbuf_puts(b, ",\"title\":");
    sp_json_str(b, sp_http_in_lang(r, info->title_uk, info->title_en));
    sp_strbuf_puts(b, ",\"title_uk\":");
    sp_json_str(b, info->title_uk);
    sp_strbuf_puts(b, ",\"title_en\":");
    sp_json_str(b, info->title_en);
    sp_strbuf_puts(b, ",\"description\":");
    sp_json_str(b, sp_http_in_lang(r, info->description_uk, info->description_en));
    sp_strbuf_puts(b, ",\"itemType\":\"feature\",\"crs\":[");
    for (int i = 0; i < SP_NCRS; i++) {
        if (i)
            sp_strbuf_puts(b, ",");
        sp_json_str(b, crs_table[i].uri);
    }
    sp_strbuf_puts(b, "],\"storageCrs\":\"" CRS84 "\",\"extent\":{\"spatial\":{\"bbox\":[");
    if (!has_bbox)
        bbox[0] = -180, bbox[1] = -90, bbox[2] = 180, bbox[3] = 90;
    sp_strbuf_printf(b, "[%.7f,%.7f,%.7f,%.7f]]", bbox[0], bbox[1], bbox[2], bbox[3]);
    sp_strbuf_puts(b, ",\"crs\":\"" CRS84 "\"},\"temporal\":{\"interval\":[[");
    sp_json_str(b, tmin[0] ? tmin : NULL);
    sp_strbuf_puts(b, ",");
    sp_json_str(b, tmax[0] ? tmax : NULL);
    sp_strbuf_puts(b, "]],\"trs\":\"http://www.opengis.net/def/uom/ISO-8601/0/Gregorian\"}},");
    int rc = sp_http_attribution_json(r, b);
    if (rc != SP_OK) /* the error answer is set */
        return rc;
    sp_strbuf_puts(b, ",\"links\":[");
    int first = 1;
    snprintf(path, sizeof path, "/collections/%s", info->name);
    add_link(r, &first, path, NULL, "self", "application/json",
             sp_http_in_lang(r, info->title_uk, info->title_en));
    snprintf(path, sizeof path, "/collections/%s/items", info->name);
    add_link(r, &first, path, NULL, "items", "application/geo+json", "Features as GeoJSON");
    snprintf(path, sizeof path, "/collections/%s/queryables", info->name);
    add_link(r, &first, path, NULL, "http://www.opengis.net/def/rel/ogc/1.0/queryables",
             "application/schema+json", "What filter= can use");
    if ((rc = sp_http_licence_links(r, b)) != SP_OK)
        return rc;
    sp_strbuf_puts(b, "]}");
    return SP_OK;
}

static int collection_html(sp_http_req *r, sp_collection c, int is_heading)
{
    const sp_collection_info *info = sp_db_collection(c);
    sp_strbuf *b = &r->body;
    char href[160];
    snprintf(href, sizeof href, "/collections/%s/items?f=html", info->name);
    if (!is_heading) {
        sp_strbuf_puts(b, "<li>");
        html_link(b, href, info->title_uk, info->title_en);
        sp_strbuf_puts(b, "</li>");
        return SP_OK;
    }
    sp_strbuf_puts(b, "<p lang=\"en\">");
    sp_html_text(b, info->description_en);
    sp_strbuf_puts(b, "</p><ul><li>");
    html_link(b, href, "Об’єкти", "Items");
    snprintf(href, sizeof href, "/collections/%s/items", info->name);
    sp_strbuf_puts(b, "</li><li>");
    html_link(b, href, "GeoJSON", NULL);
    snprintf(href, sizeof href, "/collections/%s/queryables", info->name);
    sp_strbuf_puts(b, "</li><li>");
    html_link(b, href, "Поля для фільтрів", "Queryables");
    sp_strbuf_puts(b, "</li></ul>");
    return SP_OK;
}

int sp_ogc_collections(sp_http_req *r)
{
    int rc = SP_OK;
    if ((rc = sp_http_check_args(r, lang_args)) != SP_OK || (rc = json_or_html(r)) != SP_OK)
        return rc;
    if (r->format == SP_FMT_HTML) {
        sp_html_begin(r, "Колекції", "Collections");
        sp_strbuf_puts(&r->body, "<ul>");
        for (int c = 0; c < SP_COL_COUNT; c++)
            collection_html(r, c, 0);
        sp_strbuf_puts(&r->body, "</ul>");
        sp_html_end(r, "/collections?f=json");
        return SP_OK;
    }
    sp_strbuf_puts(&r->body, "{\"links\":[");
    int first = 1;
    add_link(r, &first, "/collections", NULL, "self", "application/json",
             sp_http_in_lang(r, "Колекції", "Collections"));
    sp_strbuf_puts(&r->body, "],\"collections\":[");
    for (int c = 0; c < SP_COL_COUNT; c++) {
        if (c)
            sp_strbuf_puts(&r->body, ",");
        if ((rc = collection_json(r, c)) != SP_OK)
            return rc;
    }
    sp_strbuf_puts(&r->body, "]}");
    return SP_OK;
}

int sp_ogc_collection(sp_http_req *r)
{
    int rc = SP_OK;
    const char *id = sp_http_param(r, "id");
    int c = collection_id(r, id);
    if (c < 0 || (rc = sp_http_check_args(r, lang_args)) != SP_OK ||
        (rc = json_or_html(r)) != SP_OK)
        return rc;
    if (r->format == SP_FMT_HTML) {
        char json[160];
        snprintf(json, sizeof json, "/collections/%s?f=json", id);
        sp_html_begin(r, sp_db_collection(c)->title_uk, sp_db_collection(c)->title_en);
        collection_html(r, c, 1);
        sp_html_end(r, json);
        return SP_OK;
    }
    return collection_json(r, c);
}

int sp_ogc_queryables(sp_http_req *r)
{
    int rc = SP_OK;
    const char *id = sp_http_param(r, "id");
    int c = collection_id(r, id);
    if (c < 0 || (rc = sp_http_check_args(r, lang_args)) != SP_OK || (rc = json_only(r)) != SP_OK)
        return rc;
    int n;
    const sp_queryable *q = sp_db_queryables(c, &n);
    sp_strbuf *b = &r->body;
    char path[128];
    snprintf(path, sizeof path, "/collections/%s/queryables", id);
    sp_strbuf_puts(b, "{\"$schema\":\"https://json-schema.org/draft/2019-09/schema\",\"$id\":");
    sp_strbuf url = {0};
    sp_http_link_url(r, &url, path, NULL);
    sp_json_str(b, sp_strbuf_cstr(&url));
    sp_strbuf_free(&url);
    sp_strbuf_puts(b, ",\"type\":\"object\",\"title\":");
    sp_json_str(b,
                sp_http_in_lang(r, sp_db_collection(c)->title_uk, sp_db_collection(c)->title_en));
    sp_strbuf_puts(b, ",\"properties\":{");
    for (int i = 0; i < n; i++) {
        static const char *const types[] = {
            "\"type\":\"string\"",  "\"type\":\"integer\"",
            "\"type\":\"number\"",  "\"type\":\"string\",\"format\":\"date\"",
            "\"type\":\"boolean\"", "\"format\":\"geometry-any\""};
        if (i)
            sp_strbuf_puts(b, ",");
        sp_json_str(b, q[i].name);
        sp_strbuf_printf(b, ":{%s}", types[q[i].type]);
    }
    sp_strbuf_puts(b, "},\"additionalProperties\":false}");
    r->content_type = "application/schema+json";
    return SP_OK;
}

/* ---- items ------------------------------------------------------------------------------ */

static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

static int parse_bbox(sp_http_req *r, const char *s, const crs_def *crs, double out[4])
{
    double v[6];
    int n = 0;
    const char *p = s;
    while (*p && n < 6) {
        char *end;
        errno = 0;
        v[n] = strtod(p, &end);
        if (end == p || errno || !isfinite(v[n]))
            break;
        n++;
        p = end;
        if (*p == ',')
            p++;
        else
            break;
    }
    if (*p || (n != 4 && n != 6))
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "bbox=%.100s: expected 4 numbers (min lon, min lat, max lon, max lat)"
                             " or 6 with heights, separated by commas",
                             s);
    if (n == 6) /* heights are not used: keep x and y */
        v[2] = v[3], v[3] = v[4];
    if (crs->swap) { /* northing first: back to x, y */
        double t = v[0];
        v[0] = v[1], v[1] = t;
        t = v[2], v[2] = v[3], v[3] = t;
    }
    int is_degrees = crs->srid == 4326;
    if ((is_degrees && (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90)) || v[0] > v[2] ||
        v[1] > v[3])
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "bbox=%.100s: corners out of range or in the wrong order "
                             "(lon -180..180, lat -90..90, min before max)",
                             s);
    memcpy(out, v, 4 * sizeof *out);
    return SP_OK;
}

/* ISO 8601 date or date-time, as RFC 3339 / OGC datetime wants; ".." or "" is open. */
static int valid_instant(const char *s)
{
    int y, mo, d, h = 0, mi = 0, used = 0;
    double sec = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return 0;
    if (!s[10])
        return 1;
    if ((s[10] != 'T' && s[10] != 't') || sscanf(s + 11, "%2d:%2d:%lf", &h, &mi, &sec) != 3)
        return 0;
    const char *tz = s + 11 + strspn(s + 11, "0123456789:.");
    return h < 24 && mi < 60 && sec < 61 &&
           (strcmp(tz, "Z") == 0 || strcmp(tz, "z") == 0 ||
            ((tz[0] == '+' || tz[0] == '-') && strlen(tz) == 6));
}

static int parse_datetime(sp_http_req *r, const char *s, sp_items_query *q, char buf[2][80])
{
    const char *slash = strchr(s, '/');
    char part[2][80] = {"", ""};
    if (strlen(s) > 78)
        return sp_http_error(r, 400, "InvalidParameterValue", "datetime too long");
    if (slash) {
        snprintf(part[0], sizeof part[0], "%.*s", (int)(slash - s), s);
        snprintf(part[1], sizeof part[1], "%s", slash + 1);
    } else {
        snprintf(part[0], sizeof part[0], "%s", s);
        snprintf(part[1], sizeof part[1], "%s", s);
    }
    for (int k = 0; k < 2; k++) {
        if (!part[k][0] || strcmp(part[k], "..") == 0) {
            if (!slash)
                break;
            continue;
        }
        if (!valid_instant(part[k]))
            return sp_http_error(r, 400, "InvalidParameterValue",
                                 "datetime=%.80s: expected an RFC 3339 date or date-time, or an "
                                 "interval start/end with .. for an open end",
                                 s);
        memcpy(buf[k], part[k], sizeof part[k]);
        q->datetime[k] = buf[k];
    }
    if (q->datetime[0] && q->datetime[1] && strcmp(q->datetime[0], q->datetime[1]) > 0)
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "datetime=%.80s: the interval ends before it starts", s);
    if (!slash && !q->datetime[0])
        return sp_http_error(r, 400, "InvalidParameterValue", "datetime is empty");
    return SP_OK;
}

typedef struct items_ctx {
    sp_http_req *r;
    long long n;
    const char *properties; /* comma list, or NULL for all */
    const char *collection;
    int is_single;
    long long version; /* of the single feature, for its ETag */
} items_ctx;

static const char *prop(const sp_db_feature *f, const char *name)
{
    for (int i = 0; i < f->ncols; i++)
        if (strcmp(f->names[i], name) == 0)
            return f->values[i];
    return NULL;
}

static int wanted(const char *list, const char *name)
{
    if (!list)
        return 1;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p = end ? end + 1 : p + len;
    }
    return 0;
}

/* A deleted feature, listed only to updated_since: enough for a copy to drop it. */
static int write_tombstone(items_ctx *x, const sp_db_feature *f, sp_err *err)
{
    sp_strbuf *b = &x->r->body;
    sp_strbuf_printf(b,
                     "{\"type\":\"Feature\",\"id\":%lld,\"geometry\":null,\"properties\":{"
                     "\"deleted\":true",
                     (long long)f->id);
    static const char *const keep[] = {"uid", "version", "updated_at", "deleted_at", NULL};
    for (int i = 0; i < f->ncols; i++)
        for (int k = 0; keep[k]; k++)
            if (strcmp(f->names[i], keep[k]) == 0) {
                sp_strbuf_printf(b, ",\"%s\":", keep[k]);
                if (f->types[i] == SP_DB_P_INT)
                    sp_strbuf_puts(b, f->values[i]);
                else
                    sp_json_str(b, f->values[i]);
            }
    sp_strbuf_puts(b, "}}");
    return b->failed ? sp_err_set(err, SP_ENOMEM, "out of memory") : SP_OK;
}

static int write_feature(void *ctx, const sp_db_feature *f, sp_err *err)
{
    (void)err;
    items_ctx *x = ctx;
    sp_strbuf *b = &x->r->body;
    if (x->n++)
        sp_strbuf_puts(b, ",");
    if (prop(f, "deleted_at"))
        return write_tombstone(x, f, err);
    const char *version = x->is_single ? prop(f, "version") : NULL;
    if (version)
        x->version = atoll(version);
    sp_strbuf_printf(b, "{\"type\":\"Feature\",\"id\":%lld,\"geometry\":%s,\"properties\":{",
                     (long long)f->id, f->geometry ? f->geometry : "null");
    int first = 1;
    for (int i = 1; i < f->ncols; i++) { /* column 0 is the id */
        if (!wanted(x->properties, f->names[i]))
            continue;
        sp_json_key(b, f->names[i], &first);
        if (f->types[i] == SP_DB_P_INT || f->types[i] == SP_DB_P_REAL)
            sp_strbuf_puts(b, f->values[i]);
        else
            sp_json_str(b, f->values[i]);
    }
    /* One monument: the data sets its values come from, with their licences. */
    if (x->is_single && strcmp(x->collection, "monuments") == 0 &&
        wanted(x->properties, "datasets")) {
        sp_json_key(b, "datasets", &first);
        if (sp_http_datasets_json(x->r, f->id, b, err) != SP_OK)
            return err->code; /* as it is: SP_EUNAVAILABLE is a 503, not a 500 */
    }
    sp_strbuf_puts(b, "}}");
    return b->failed ? sp_err_set(err, SP_ENOMEM, "out of memory") : SP_OK;
}

/* CSV (RFC 4180, UTF-8): a header from the first feature's columns, the geometry as GeoJSON
 * text in the last column. A leading =, +, - or @ is quoted with ' so spreadsheets do not
 * take a name for a formula. */
static int write_feature_csv(void *ctx, const sp_db_feature *f, sp_err *err)
{
    items_ctx *x = ctx;
    sp_strbuf *b = &x->r->body;
    if (x->n++ == 0) {
        sp_strbuf_puts(b, "id");
        for (int i = 1; i < f->ncols; i++)
            if (wanted(x->properties, f->names[i]))
                sp_strbuf_printf(b, ",%s", f->names[i]);
        sp_strbuf_puts(b, ",geometry\r\n");
    }
    sp_strbuf_printf(b, "%lld", (long long)f->id);
    for (int i = 1; i < f->ncols; i++) {
        if (!wanted(x->properties, f->names[i]))
            continue;
        sp_strbuf_puts(b, ",");
        sp_csv_cell(b, f->values[i]);
    }
    sp_strbuf_puts(b, ",");
    sp_csv_cell(b, f->geometry);
    sp_strbuf_puts(b, "\r\n");
    return b->failed ? sp_err_set(err, SP_ENOMEM, "out of memory") : SP_OK;
}

/* HTML: a table row per feature, or a definition list for one feature. */
static int write_feature_html(void *ctx, const sp_db_feature *f, sp_err *err)
{
    items_ctx *x = ctx;
    sp_strbuf *b = &x->r->body;
    char href[200];
    snprintf(href, sizeof href, "/collections/%s/items/%lld?f=html", x->collection,
             (long long)f->id);
    x->n++;
    if (x->is_single) {
        sp_strbuf_puts(b, "<dl>");
        for (int i = 0; i < f->ncols; i++) {
            if (!f->values[i] || !wanted(x->properties, f->names[i]))
                continue;
            sp_strbuf_puts(b, "<dt>");
            sp_html_text(b, f->names[i]);
            sp_strbuf_puts(b, "</dt><dd>");
            sp_html_text(b, f->values[i]);
            sp_strbuf_puts(b, "</dd>");
        }
        sp_strbuf_puts(b, "<dt>geometry</dt><dd><code>");
        sp_html_text(b, f->geometry);
        sp_strbuf_puts(b, "</code></dd></dl>");
    } else {
        const char *uk = prop(f, "name_uk");
        const char *en = prop(f, "name_en");
        const char *kind = prop(f, "significance");
        sp_strbuf_printf(b, "<tr><td>%lld</td><td>", (long long)f->id);
        html_link(b, href, uk ? uk : prop(f, "report_type") ? prop(f, "report_type") : "—", en);
        sp_strbuf_puts(b, "</td><td>");
        sp_html_text(b, kind ? kind : prop(f, "zone_type"));
        sp_strbuf_puts(b, "</td><td>");
        sp_html_text(b, prop(f, "district"));
        sp_strbuf_puts(b, "</td><td>");
        sp_html_text(b, prop(f, "condition"));
        sp_strbuf_puts(b, "</td></tr>");
    }
    return b->failed ? sp_err_set(err, SP_ENOMEM, "out of memory") : SP_OK;
}

/* The query string with offset replaced (and limit made explicit), for next/prev links. */
static int page_query(sp_http_req *r, sp_strbuf *out, long long limit, long long offset)
{
    for (int i = 0; i < r->nargs; i++) {
        if (strcmp(r->args[i].key, "offset") == 0 || strcmp(r->args[i].key, "limit") == 0)
            continue;
        if (out->len)
            sp_strbuf_puts(out, "&");
        sp_strbuf_puts(out, r->args[i].key);
        sp_strbuf_puts(out, "=");
        for (const unsigned char *p = (const unsigned char *)r->args[i].value; *p; p++) {
            if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                strchr("-._~,:", *p))
                sp_strbuf_append(out, (const char *)p, 1);
            else
                sp_strbuf_printf(out, "%%%02X", *p);
        }
    }
    sp_strbuf_printf(out, "%slimit=%lld&offset=%lld", out->len ? "&" : "", limit, offset);
    return SP_OK;
}

static const char *const item_args[] = {
    "limit",       "q",         "updated_since", "sortby",        "offset",
    "bbox",        "bbox-crs",  "datetime",      "filter",        "filter-lang",
    "filter-crs",  "crs",       "properties",    "significance",  "kind",
    "object_kind", "condition", "district",      "damaged_since", "act_overdue",
    "hit_again",   "has_photo", "has_agreement", "zone_type",     "monument_id",
    NULL};

/* The simple filters: parameter name -> queryable name, for the collections (bits by
 * sp_collection) that have it. */
#define SP_IN(c) (1u << (c))
static const struct {
    const char *param, *queryable;
    unsigned collections;
} simple_filters[] = {
    {"significance", "significance", SP_IN(SP_COL_MONUMENTS)},
    {"kind", "kinds", SP_IN(SP_COL_MONUMENTS)},
    {"object_kind", "object_kind", SP_IN(SP_COL_MONUMENTS)},
    {"condition", "condition", SP_IN(SP_COL_MONUMENTS) | SP_IN(SP_COL_REPORTS)},
    {"district", "district", SP_IN(SP_COL_MONUMENTS)},
    {"zone_type", "zone_type", SP_IN(SP_COL_ZONES)},
    {"monument_id", "monument_id", SP_IN(SP_COL_ZONES) | SP_IN(SP_COL_REPORTS)},
};

/* The CRS a parameter names (full URI or EPSG:N / CRS84), or NULL with a 400 set. */
static const crs_def *crs_param(sp_http_req *r, const char *name)
{
    const char *v = sp_http_arg_get(r, name);
    if (!v)
        return &crs_table[0];
    for (int i = 0; i < SP_NCRS; i++)
        if (strcmp(v, crs_table[i].uri) == 0 || strcmp(v, crs_table[i].short_name) == 0)
            return &crs_table[i];
    sp_strbuf list = {0};
    for (int i = 0; i < SP_NCRS; i++)
        sp_strbuf_printf(&list, "%s%s", i ? ", " : "", crs_table[i].uri);
    sp_http_error(r, 400, "InvalidParameterValue", "%s=%.120s: supported CRS are %s", name, v,
                  sp_strbuf_cstr(&list));
    sp_strbuf_free(&list);
    return NULL;
}

/* The HTML page of items (a table with paging links) or of one item. */
static int items_html(sp_http_req *r, sp_collection c, const sp_items_query *q, items_ctx *x,
                      sp_cql_expr *filter)
{
    const sp_collection_info *info = sp_db_collection(c);
    sp_strbuf *b = &r->body;
    sp_err err = {0};
    long long matched = -1;
    char json[200];
    if (q->id > 0)
        snprintf(json, sizeof json, "/collections/%s/items/%lld?f=json", info->name,
                 (long long)q->id);
    else
        snprintf(json, sizeof json, "/collections/%s/items?f=json", info->name);
    sp_html_begin(r, info->title_uk, info->title_en);
    if (q->id <= 0)
        sp_strbuf_puts(b, "<table><thead><tr><th>id</th><th>Назва <span class=\"en\">Name"
                          "</span></th><th>Категорія <span class=\"en\">Category</span></th>"
                          "<th>Район <span class=\"en\">District</span></th><th>Стан "
                          "<span class=\"en\">Condition</span></th></tr></thead><tbody>");
    int rc = sp_db_items(r->db, q, write_feature_html, x, &matched, &err);
    sp_cql_free(filter);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    if (q->id > 0) {
        if (x->n == 0)
            return sp_http_error(r, 404, "NotFound", "no feature %lld in %s", (long long)q->id,
                                 info->name);
        sp_html_end(r, json);
        return SP_OK;
    }
    sp_strbuf_printf(b, "</tbody></table><p>%lld–%lld / %lld</p><p>", x->n ? q->offset + 1 : 0,
                     q->offset + x->n, matched);
    char path[128];
    snprintf(path, sizeof path, "/collections/%s/items", info->name);
    sp_strbuf pq = {0}, url = {0};
    if (q->offset > 0) {
        page_query(r, &pq, q->limit, q->offset > q->limit ? q->offset - q->limit : 0);
        sp_http_link_url(r, &url, path, sp_strbuf_cstr(&pq));
        html_link(b, sp_strbuf_cstr(&url), "← Попередні", "Previous");
        sp_strbuf_puts(b, " ");
    }
    if (q->offset + x->n < matched) {
        sp_strbuf_reset(&pq);
        sp_strbuf_reset(&url);
        page_query(r, &pq, q->limit, q->offset + q->limit);
        sp_http_link_url(r, &url, path, sp_strbuf_cstr(&pq));
        html_link(b, sp_strbuf_cstr(&url), "Наступні →", "Next");
    }
    sp_strbuf_free(&pq);
    sp_strbuf_free(&url);
    sp_strbuf_puts(b, "</p>");
    sp_html_end(r, json);
    return SP_OK;
}

/* A yes/no parameter: *out (SP_ANY when absent), or a 400. */
static int yes_no(sp_http_req *r, const char *name, sp_tristate *out)
{
    const char *v = sp_http_arg_get(r, name);
    *out = !v ? SP_ANY : strcmp(v, "true") == 0 ? SP_YES : strcmp(v, "false") == 0 ? SP_NO : -1;
    if ((int)*out < 0)
        return sp_http_error(r, 400, "InvalidParameterValue", "%s=%.40s: true or false", name, v);
    return SP_OK;
}

/* The department's questions (damaged_since, act_overdue, hit_again, has_photo,
 * has_agreement) into q; a 400 when one is malformed. */
static int questions(sp_http_req *r, sp_items_query *q)
{
    int rc = SP_OK;
    sp_tristate overdue, again;
    if ((rc = sp_http_date_arg(r, "damaged_since", &q->damaged_since)) != SP_OK ||
        (rc = yes_no(r, "act_overdue", &overdue)) != SP_OK ||
        (rc = yes_no(r, "hit_again", &again)) != SP_OK ||
        (rc = yes_no(r, "has_photo", &q->has_photo)) != SP_OK ||
        (rc = yes_no(r, "has_agreement", &q->has_agreement)) != SP_OK)
        return rc;
    if (overdue == SP_NO || again == SP_NO)
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "act_overdue and hit_again are asked with =true");
    q->act_overdue = overdue == SP_YES;
    q->hit_again = again == SP_YES;
    return SP_OK;
}

static int items(sp_http_req *r, sp_collection c, int64_t single_id)
{
    int rc = SP_OK;
    sp_items_query q = {0};
    q.collection = c;
    q.limit = SP_LIMIT_DEFAULT;
    q.want_matched = 1;
    q.id = single_id;
    const char *v;
    char dtbuf[2][80];
    sp_cql_expr *filter = NULL;
    if ((v = sp_http_arg_get(r, "limit")) && !parse_int(v, 1, 1000000000LL, &q.limit))
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "limit=%.40s: expected a whole number from 1 to %d", v, SP_LIMIT_MAX);
    if (q.limit > SP_LIMIT_MAX) /* OGC API: a larger limit is served at the maximum */
        q.limit = SP_LIMIT_MAX;
    if ((v = sp_http_arg_get(r, "offset")) && !parse_int(v, 0, SP_OFFSET_MAX, &q.offset))
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "offset=%.40s: expected a whole number from 0", v);
    const crs_def *bbox_crs = crs_param(r, "bbox-crs"), *out_crs = crs_param(r, "crs");
    if (!bbox_crs || !out_crs)
        return SP_OK;
    sp_err err = {0};
    if ((v = sp_http_arg_get(r, "bbox"))) {
        if ((rc = parse_bbox(r, v, bbox_crs, q.bbox)) != SP_OK)
            return rc;
        if (bbox_crs->srid != 4326 &&
            sp_db_bbox_to_4326(r->db, bbox_crs->srid, q.bbox, q.bbox, &err) != SP_OK)
            return sp_http_error_from(r, &err);
        q.has_bbox = 1;
    } else if (sp_http_arg_get(r, "bbox-crs")) {
        return sp_http_error(r, 400, "InvalidParameterValue", "bbox-crs without bbox");
    }
    q.out_srid = out_crs->srid;
    q.out_swap = out_crs->swap;
    q.out_decimals = out_crs->decimals;
    if ((v = sp_http_arg_get(r, "datetime")) && (rc = parse_datetime(r, v, &q, dtbuf)) != SP_OK)
        return rc;
    for (size_t i = 0; i < sizeof simple_filters / sizeof simple_filters[0]; i++) {
        if (!(v = sp_http_arg_get(r, simple_filters[i].param)))
            continue;
        if (!(simple_filters[i].collections & SP_IN(c)))
            return sp_http_error(r, 400, "InvalidParameterValue",
                                 "%s does not filter the %s collection", simple_filters[i].param,
                                 sp_db_collection(c)->name);
        q.eq_name[q.neq] = simple_filters[i].queryable;
        q.eq_value[q.neq++] = v;
    }
    const char *lang = sp_http_arg_get(r, "filter-lang");
    if (lang && strcmp(lang, "cql2-text") != 0)
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "filter-lang=%.40s: only cql2-text is supported", lang);
    const char *fcrs = sp_http_arg_get(r, "filter-crs");
    if (fcrs && strcmp(fcrs, CRS84) != 0 && strcmp(fcrs, "CRS84") != 0)
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "filter-crs=%.120s: geometry literals are taken in " CRS84, fcrs);
    if ((rc = questions(r, &q)) != SP_OK)
        return rc;
    q.q = sp_http_arg_get(r, "q");
    q.sortby = sp_http_arg_get(r, "sortby");
    if ((v = sp_http_arg_get(r, "updated_since"))) {
        if (!valid_instant(v))
            return sp_http_error(r, 400, "InvalidParameterValue",
                                 "updated_since=%.60s: expected an RFC 3339 date or "
                                 "date-time, e.g. 2026-05-01T10:00:00Z",
                                 v);
        q.updated_since = v;
    }
    /* Parsed last: every early return above would have to free it. */
    if ((v = sp_http_arg_get(r, "filter"))) {
        if (sp_cql_parse(v, strlen(v), &filter, &err) != SP_OK)
            return sp_http_error_from(r, &err);
        q.filter = filter;
    }
    items_ctx x = {r, 0, sp_http_arg_get(r, "properties"), sp_db_collection(c)->name, single_id > 0,
                   0};
    sp_strbuf *b = &r->body;
    long long matched = -1;
    if (r->format == SP_FMT_HTML)
        return items_html(r, c, &q, &x, filter);
    if (r->format == SP_FMT_CSV) {
        rc = sp_db_items(r->db, &q, write_feature_csv, &x, &matched, &err);
        sp_cql_free(filter);
        if (rc != SP_OK)
            return sp_http_error_from(r, &err);
        if (single_id && x.n == 0)
            return sp_http_error(r, 404, "NotFound", "no feature %lld in %s", (long long)single_id,
                                 x.collection);
        r->content_type = "text/csv; charset=utf-8; header=present";
        return SP_OK;
    }
    if (!single_id)
        sp_strbuf_puts(b, "{\"type\":\"FeatureCollection\",\"features\":[");
    rc = sp_db_items(r->db, &q, write_feature, &x, &matched, &err);
    sp_cql_free(filter);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    r->content_type = "application/geo+json";
    r->content_crs = out_crs->uri;
    if (single_id) {
        if (x.n == 0)
            return sp_http_error(r, 404, "NotFound", "no feature %lld in %s", (long long)single_id,
                                 x.collection);
        /* Revalidated each time (a 304 when unchanged): its ETag is what an edit's If-Match
         * names, and an editor reading it back must see their change. */
        r->cache_control = "no-cache";
        if (c == SP_COL_MONUMENTS || c == SP_COL_ZONES) /* If-Match for Part 4 edits */
            snprintf(r->etag_tag, sizeof r->etag_tag, "%c%lldv%lld",
                     c == SP_COL_MONUMENTS ? 'm' : 'z', (long long)single_id, x.version);
        return SP_OK;
    }
    char ts[32];
    sp_log_utc_now(ts);
    sp_strbuf_printf(b,
                     "],\"numberMatched\":%lld,\"numberReturned\":%lld,\"timeStamp\":\"%s\","
                     "\"links\":[",
                     matched, x.n, ts);
    char path[128];
    snprintf(path, sizeof path, "/collections/%s/items", x.collection);
    int first = 1;
    add_link(r, &first, path, sp_strbuf_cstr(&r->query), "self", "application/geo+json",
             "This page");
    sp_strbuf pq = {0};
    if (q.offset + x.n < matched) {
        page_query(r, &pq, q.limit, q.offset + q.limit);
        add_link(r, &first, path, sp_strbuf_cstr(&pq), "next", "application/geo+json", "Next page");
    }
    if (q.offset > 0) {
        sp_strbuf_reset(&pq);
        page_query(r, &pq, q.limit, q.offset > q.limit ? q.offset - q.limit : 0);
        add_link(r, &first, path, sp_strbuf_cstr(&pq), "prev", "application/geo+json",
                 "Previous page");
    }
    sp_strbuf_free(&pq);
    snprintf(path, sizeof path, "/collections/%s", x.collection);
    add_link(r, &first, path, NULL, "collection", "application/json", "The collection");
    sp_strbuf_puts(b, "]}");
    return SP_OK;
}

int sp_ogc_items(sp_http_req *r)
{
    int rc = SP_OK;
    const char *id = sp_http_param(r, "id");
    int c = collection_id(r, id);
    if (c < 0 || (rc = sp_http_check_args(r, item_args)) != SP_OK) /* JSON, HTML and CSV */
        return SP_OK;
    items(r, c, 0);
    return SP_OK;
}

int sp_ogc_item(sp_http_req *r)
{
    return sp_ogc_item_of(r, sp_http_param(r, "id"), sp_http_param(r, "fid"));
}

int sp_ogc_item_of(sp_http_req *r, const char *id, const char *fid)
{
    int rc = SP_OK;
    static const char *const one_args[] = {"crs", "properties", NULL};
    int c = collection_id(r, id);
    long long n;
    if (c < 0 || (rc = sp_http_check_args(r, one_args)) != SP_OK || (rc = json_or_html(r)) != SP_OK)
        return rc;
    if (!parse_int(fid, 1, INT64_MAX, &n))
        return sp_http_error(r, 404, "NotFound", "no feature '%.40s' in %s", fid, id);
    items(r, c, n);
    return SP_OK;
}

extern const char sp_openapi_json[]; /* server/openapi.json, embedded at build time */

int sp_ogc_api(sp_http_req *r)
{
    int rc = SP_OK;
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK || (rc = json_only(r)) != SP_OK)
        return rc;
    sp_strbuf_puts(&r->body, sp_openapi_json);
    r->content_type = "application/vnd.oai.openapi+json;version=3.0";
    r->cache_control = "public, max-age=3600";
    return SP_OK;
}
