/* server/routes_web.c - the web pages people use: the public map at / (for a browser; API
 * clients still get the OGC landing page there, and /?f=html is its HTML), a monument's page
 * at /monuments/{id}, and their scripts, styles and images under /static/. All are embedded
 * in the binary (server/sp_assets.h), so nothing is read from disk and no path from a
 * request reaches the file system. Pages are revalidated on every visit (no-cache and an
 * ETag of their bytes) so a new release shows at once; assets linked with ?v=<hash> never
 * change under that address and are cached for a year. GET /vocabularies gives the pages
 * (and any client) the registry's vocabularies with their Ukrainian and English labels, and
 * "label" in the language asked (lang=, Accept-Language); GET /districts their outlines. */
#include <stdio.h>
#include <string.h>

#include "http_int.h"
#include "sp_assets.h"
#include "sp_db_reports.h"

#define SP_IMMUTABLE          "public, max-age=31536000, immutable"
#define SP_DISTRICT_TOLERANCE 0.0002 /* degrees (about 20 m): outlines for a map, not a survey */

static const sp_asset *find(const char *path)
{
    for (int i = 0; i < sp_nassets; i++)
        if (strcmp(sp_assets[i].path, path) == 0)
            return &sp_assets[i];
    return NULL;
}

static int serve(sp_http_req *r, const sp_asset *a, const char *cache_control)
{
    r->content_type = a->media_type;
    r->cache_control = cache_control;
    snprintf(r->etag_tag, sizeof r->etag_tag, "s%s", a->hash);
    sp_strbuf_append(&r->body, (const char *)a->data, a->len);
    return SP_OK;
}

int sp_route_static(sp_http_req *r)
{
    int rc = SP_OK;
    static const char *const args[] = {"v", NULL};
    if ((rc = sp_http_check_args(r, args)) != SP_OK)
        return rc;
    const sp_asset *a = find(r->path);
    if (!a || strstr(a->media_type, "text/html"))
        return sp_http_error(r, 404, "NotFound", "no such file: %.200s", r->path);
    const char *v = sp_http_arg_get(r, "v");
    serve(r, a, v && strcmp(v, a->hash) == 0 ? SP_IMMUTABLE : "public, max-age=300");
    return SP_OK;
}

int sp_route_page(sp_http_req *r)
{
    return sp_http_page(r, r->route_row->arg);
}

int sp_http_page(sp_http_req *r, const char *name)
{
    char path[96];
    snprintf(path, sizeof path, "/static/%s", name);
    const sp_asset *a = find(path);
    if (!a)
        return sp_http_error(r, 404, "NotFound", "no page %s", name);
    serve(r, a, "no-cache");
    return SP_OK;
}

/* Both answer a JSON text made by storage, in the language asked, kept 5 minutes. */
static const char *const lang_args[] = {"lang", NULL};

static int stored_json(sp_http_req *r, int rc, char *json, const sp_err *err)
{
    if (rc != SP_OK)
        return sp_http_error_from(r, err);
    sp_strbuf_puts(&r->body, json);
    sp_db_free(json);
    r->cache_control = "public, max-age=300";
    return SP_OK;
}

int sp_route_vocabularies(sp_http_req *r)
{
    int rc = SP_OK;
    if ((rc = sp_http_check_args(r, lang_args)) != SP_OK)
        return rc;
    char *json = NULL;
    sp_err err = {0};
    rc = sp_db_vocab_json(r->db, sp_http_lang(r), &json, &err);
    return stored_json(r, rc, json, &err);
}

/* GET /districts: the districts' outlines and names as GeoJSON, for the map's districts layer
 * (and any client), named in the language asked. */
int sp_route_districts(sp_http_req *r)
{
    int rc = SP_OK;
    if ((rc = sp_http_check_args(r, lang_args)) != SP_OK)
        return rc;
    char *json = NULL;
    sp_err err = {0};
    r->content_type = "application/geo+json";
    rc = sp_db_districts_geojson(r->db, sp_http_lang(r), SP_DISTRICT_TOLERANCE, &json, &err);
    return stored_json(r, rc, json, &err);
}
