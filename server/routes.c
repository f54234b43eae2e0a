/* server/routes.c - every route of `spadok serve` in one table, as h2o keeps its paths: the
 * method(s), the path pattern, the handler, who may call it, what body it takes, whether its
 * answer is cached and its name in logs and /metrics. The router (router.c) derives 404,
 * 405 and Allow, the role check, the upload streaming and the metrics from these rows; a
 * test (tests/unit/server/test_routes.c) checks them against server/openapi.json.
 * Rows sharing a path are listed together; the first row that matches path and method wins. */
#include "http_int.h"

#define GET    SP_M_GET
#define POST   SP_M_POST
#define PUT    SP_M_PUT
#define PATCH  SP_M_PATCH
#define DELETE SP_M_DELETE
#define INSP   SP_ROLE_INSPECTOR
#define EDIT   SP_ROLE_EDITOR
#define STAFF  SP_ROLE_STAFF
#define CACHED SP_ROUTE_CACHED
#define TILE   SP_ROUTE_TILE
#define HEAVY  SP_ROUTE_HEAVY
#define PAGE   (SP_ROUTE_PAGE | SP_ROUTE_CACHED)
#define NOBODY SP_BODY_NONE
#define JSON   SP_BODY_JSON

/* clang-format off */
const sp_http_route sp_http_routes[] = {
/*  methods      pattern                                             handler                   roles  what (403)                 body           flags   metric            arg */
    {GET,        "/",                                                sp_ogc_landing,           0,     NULL,                      NOBODY,        CACHED, "landing",        NULL},
    {GET,        "/conformance",                                     sp_ogc_conformance,       0,     NULL,                      NOBODY,        CACHED, "conformance",    NULL},
    {GET,        "/api",                                             sp_ogc_api,               0,     NULL,                      NOBODY,        CACHED, "api",            NULL},
    {GET,        "/healthz",                                         sp_http_healthz,          0,     NULL,                      NOBODY,        0,      "healthz",        NULL},
    {GET,        "/metrics",                                         sp_http_metrics_page,     0,     NULL,                      NOBODY,        0,      "metrics",        NULL},
    {GET,        "/collections",                                     sp_ogc_collections,       0,     NULL,                      NOBODY,        CACHED, "collections",    NULL},
    {GET,        "/collections/{id}",                                sp_ogc_collection,        0,     NULL,                      NOBODY,        CACHED, "collection",     NULL},
    {GET,        "/collections/{id}/queryables",                     sp_ogc_queryables,        0,     NULL,                      NOBODY,        CACHED, "queryables",     NULL},
    {GET,        "/collections/{id}/items",                          sp_ogc_items,             0,     NULL,                      NOBODY,        CACHED, "items",          NULL},
    {POST,       "/collections/monuments/items",                     sp_edit_create,           EDIT,  "adding monuments",        JSON,          0,      "item_create",    "monuments"},
    {POST,       "/collections/protection_zones/items",              sp_edit_create,           EDIT,  "adding protection zones", JSON,          0,      "item_create",    "protection_zones"},
    {GET,        "/collections/{id}/items/{fid}",                    sp_ogc_item,              0,     NULL,                      NOBODY,        CACHED, "item",           NULL},
    {PUT,        "/collections/monuments/items/{fid}",               sp_edit_item,             EDIT,  "editing monuments",       JSON,          0,      "item_replace",   "monuments"},
    {PATCH,      "/collections/monuments/items/{fid}",               sp_edit_item,             EDIT,  "editing monuments",       JSON,          0,      "item_patch",     "monuments"},
    {DELETE,     "/collections/monuments/items/{fid}",               sp_edit_item,             EDIT,  "deleting monuments",      NOBODY,        0,      "item_delete",    "monuments"},
    {PUT,        "/collections/protection_zones/items/{fid}",        sp_edit_item,             EDIT,  "editing protection zones", JSON,         0,      "item_replace",   "protection_zones"},
    {PATCH,      "/collections/protection_zones/items/{fid}",        sp_edit_item,             EDIT,  "editing protection zones", JSON,         0,      "item_patch",     "protection_zones"},
    {DELETE,     "/collections/protection_zones/items/{fid}",        sp_edit_item,             EDIT,  "deleting protection zones", NOBODY,      0,      "item_delete",    "protection_zones"},
    {GET,        "/collections/{collection}/items/{fid}/history",    sp_edit_history,          0,     NULL,                      NOBODY,        CACHED, "history",        NULL},
    {GET,        "/collections/{collection}/items/{fid}/reports",    sp_route_monument_reports, 0,    NULL,                      NOBODY,        CACHED, "reports",        NULL},
    {POST,       "/collections/monuments/items/{fid}/reports",       sp_route_monument_reports, INSP, "filing condition reports", JSON,         0,      "reports",        "monuments"},
    {GET,        "/collections/{collection}/items/{fid}/photos",     sp_route_monument_photos, 0,     NULL,                      NOBODY,        CACHED, "photos",         NULL},
    {POST,       "/collections/monuments/items/{fid}/photos",        sp_route_monument_photos, INSP,  "adding photos",           SP_BODY_PHOTO, HEAVY,  "photos",         "monuments"},
    {GET,        "/photos/{fid}",                                    sp_route_photo,           0,     NULL,                      NOBODY,        CACHED, "photo",          NULL},
    {PATCH,      "/photos/{fid}",                                    sp_route_photo_patch,     INSP | EDIT, "changing a photo",  JSON,          0,      "photo",          NULL},
    {GET,        "/photos/{fid}/{variant}",                          sp_route_photo,           0,     NULL,                      NOBODY,        CACHED, "photo",          NULL},
    {GET,        "/stats",                                           sp_route_stats,           0,     NULL,                      NOBODY,        CACHED, "stats",          NULL},
    {POST,       "/auth/login",                                      sp_route_login,           0,     NULL,                      JSON,          HEAVY,  "auth",           NULL},
    {POST,       "/auth/logout",                                     sp_route_logout,          STAFF, NULL,                      NOBODY,        0,      "auth",           NULL},
    {GET,        "/auth/me",                                         sp_route_me,              STAFF, NULL,                      NOBODY,        0,      "auth",           NULL},
    {GET,        "/tiles",                                           sp_route_tilesets,        0,     NULL,                      NOBODY,        CACHED, "tilejson",       NULL},
    {GET,        "/tiles/{file}",                                    sp_route_tilejson,        0,     NULL,                      NOBODY,        CACHED, "tilejson",       NULL},
    {GET,        "/tiles/basemap/{z}/{x}/{yfile}",                   sp_route_tile,            0,     NULL,                      NOBODY,        TILE,   "tile",           "basemap"},
    {GET,        "/tiles/{layer}/{z}/{x}/{yfile}",                   sp_route_tile,            0,     NULL,                      NOBODY,        TILE,   "tile",           NULL},
    {GET,        "/exports/{file}",                                  sp_route_export,          0,     NULL,                      NOBODY,        CACHED | HEAVY, "exports",        NULL},
    {POST,       "/reports",                                         sp_route_citizen_report,  0,     NULL,                      SP_BODY_FORM,  HEAVY,  "citizen_report", NULL},
    {GET,        "/reports/{ref}",                                   sp_route_citizen_status,  0,     NULL,                      NOBODY,        0,      "citizen_report", NULL},
    {GET,        "/moderation",                                      sp_route_moderation_list, EDIT,  "moderation",              NOBODY,        0,      "moderation",     NULL},
    {POST,       "/moderation/{id}",                                 sp_route_moderate,        EDIT,  "moderation",              JSON,          0,      "moderation",     NULL},
    {GET,        "/moderation/photos/{fid}",                         sp_route_citizen_photo,   EDIT,  "seeing citizens' photos", NOBODY,        0,      "moderation",     NULL},
    {GET,        "/moderation/photos/{fid}/{variant}",               sp_route_citizen_photo,   EDIT,  "seeing citizens' photos", NOBODY,        0,      "moderation",     NULL},
    {GET,        "/conflicts",                                       sp_route_conflict_list,   EDIT,  "import conflicts",        NOBODY,        0,      "conflicts",      NULL},
    {POST,       "/conflicts/{id}",                                  sp_route_conflict_resolve, EDIT,  "import conflicts",        JSON,          0,      "conflicts",      NULL},
    {GET,        "/datasets",                                        sp_route_datasets,        0,     NULL,                      NOBODY,        CACHED, "datasets",       NULL},
    {GET,        "/vocabularies",                                    sp_route_vocabularies,    0,     NULL,                      NOBODY,        CACHED, "page",           NULL},
    {GET,        "/districts",                                       sp_route_districts,       0,     NULL,                      NOBODY,        CACHED, "page",           NULL},
    /* The web pages and their assets (not in the OpenAPI document). */
    {GET,        "/favicon.ico",                                     sp_route_page,            0,     NULL,                      NOBODY,        PAGE,   "static",         "favicon.svg"},
    {GET,        "/static/{*}",                                      sp_route_static,          0,     NULL,                      NOBODY,        PAGE,   "static",         NULL},
    {GET,        "/monuments/{id}",                                  sp_route_page,            0,     NULL,                      NOBODY,        PAGE,   "page",           "monument.html"},
    {GET,        "/report",                                          sp_route_page,            0,     NULL,                      NOBODY,        PAGE,   "page",           "report.html"},
    {GET,        "/report/{ref}",                                    sp_route_page,            0,     NULL,                      NOBODY,        PAGE,   "page",           "status.html"},
    {GET,        "/overview",                                        sp_route_page,            0,     NULL,                      NOBODY,        PAGE,   "page",           "overview.html"},
    {GET,        "/login",                                           sp_route_page,            0,     NULL,                      NOBODY,        PAGE,   "page",           "login.html"},
    {GET,        "/department",                                      sp_route_page,            0,     NULL,                      NOBODY,        PAGE,   "page",           "department.html"},
    {GET,        "/department/moderation",                           sp_route_page,            0,     NULL,                      NOBODY,        PAGE,   "page",           "moderation.html"},
    {GET,        "/department/conflicts",                            sp_route_page,            0,     NULL,                      NOBODY,        PAGE,   "page",           "conflicts.html"},
    {GET,        "/department/monuments/{id}",                       sp_route_page,            0,     NULL,                      NOBODY,        PAGE,   "page",           "edit.html"},
};
/* clang-format on */
const int sp_http_nroutes = (int)(sizeof sp_http_routes / sizeof sp_http_routes[0]);
