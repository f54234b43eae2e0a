/* server/http.c - libmicrohttpd plumbing: start/stop, per-thread database connections,
 * routing, and what every response shares (format negotiation, ETag and 304, gzip, CORS,
 * Cache-Control, JSON errors, one log line per request). Routes only fill a body. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "http_int.h"
#include "sp_db_items.h"
#include "sp_db_tilecache.h"
#include "sp_hash.h"
#include "sp_json.h"
#include "sp_db_photos.h"
#include "sp_log.h"
#include "sp_photo.h"
#include "sp_pool.h"
#include "sp_progress.h"
#include "sp_tile.h"
#include "sp_utf8.h"

#define SP_HTTP_GZIP_MIN 1024 /* smaller bodies are sent as they are */
#define SP_HTTP_MAX_DBS  256

/* Metrics (Prometheus text at /metrics): requests by route and status, latency histogram. */
static const char *const metric_routes[] = {"landing",
                                            "conformance",
                                            "api",
                                            "healthz",
                                            "metrics",
                                            "collections",
                                            "collection",
                                            "items",
                                            "item",
                                            "queryables",
                                            "exports",
                                            "tile",
                                            "tilejson",
                                            "auth",
                                            "item_delete",
                                            "options",
                                            "unknown",
                                            "item_create",
                                            "item_replace",
                                            "item_patch",
                                            "history",
                                            "reports",
                                            "citizen_report",
                                            "moderation",
                                            "photos",
                                            "photo",
                                            "stats",
                                            "page",
                                            "static",
                                            "conflicts",
                                            "datasets",
                                            "-"};
#define SP_NROUTES ((int)(sizeof metric_routes / sizeof metric_routes[0]))
static const int metric_statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                                      406, 409, 412, 413, 415, 428, 429, 500, 0};
#define SP_NSTATUS ((int)(sizeof metric_statuses / sizeof metric_statuses[0]))
static const double metric_buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,   0.25,   0.5,   1.0,  2.5};
#define SP_NBUCKETS ((int)(sizeof metric_buckets / sizeof metric_buckets[0]))

typedef struct sp_metrics {
    atomic_ullong requests[SP_NROUTES][SP_NSTATUS]; /* status 0: any other */
    atomic_ullong buckets[SP_NBUCKETS + 1];         /* last: +Inf */
    atomic_ullong micros_total;
} sp_metrics;

struct sp_http_server {
    struct MHD_Daemon *daemon;
    sp_metrics metrics;
    sp_http_config cfg;
    int port;
    atomic_uint_fast64_t next_id;
    pthread_mutex_t dbs_lock; /* guards dbs: every worker's connection, closed at stop */
    sp_db *dbs[SP_HTTP_MAX_DBS];
    int ndbs;
    sp_http_writer writer; /* the one read-write connection, for every write */
    sp_watch watch;        /* the registry's versions (map, data) */
    sp_limiter *login_limit;
    sp_limiter *report_limit;
    sp_cidr trusted_proxy;
    sp_pool *pool; /* heavy work, off libmicrohttpd's threads */
    sp_photo_store *photos;
    char csp[640]; /* the HTML pages' Content-Security-Policy (the base map's origin in it) */
};

#define SP_CSP_FORMAT                                                                              \
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:%s%s; "       \
    "object-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/* The base map's origin (scheme://host[:port]) into origin, SP_EINVAL when the URL is not an
 * http(s) XYZ template: it goes into a header, so only characters a URL needs are let in. */
static int basemap_origin(const char *url, char *origin, size_t size, sp_err *err)
{
    size_t n = strlen(url), scheme = strncmp(url, "https://", 8) == 0  ? 8
                                     : strncmp(url, "http://", 7) == 0 ? 7
                                                                       : 0;
    size_t host = scheme ? strcspn(url + scheme, "/") : 0;
    int ok = scheme && host > 0 && n < 400 && strstr(url, "{z}") && strstr(url, "{x}") &&
             strstr(url, "{y}");
    for (size_t i = 0; ok && i < n; i++)
        ok = (url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
             (url[i] >= '0' && url[i] <= '9') || strchr("-._~:/?#[]@!$&()*+=%{}", url[i]);
    if (!ok || scheme + host >= size)
        return sp_err_set(err, SP_EINVAL,
                          "--basemap %.100s: expected an http(s) XYZ URL template with {z}, {x} "
                          "and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                          url);
    snprintf(origin, size, "%.*s", (int)(scheme + host), url);
    return SP_OK;
}

/* One read-only connection per worker thread: SQLite connections are not shared, and a
 * worker serves one request at a time. Owned by the server (closed in sp_http_stop). */
static _Thread_local sp_db *worker_db;
static _Thread_local sp_db *worker_tiles; /* the tile cache, opened on the first tile request */

/* Keeps a worker's connection for closing at stop; returns it. */
static sp_db *keep(sp_http_server *s, sp_db *db)
{
    pthread_mutex_lock(&s->dbs_lock);
    if (s->ndbs < SP_HTTP_MAX_DBS)
        s->dbs[s->ndbs++] = db;
    pthread_mutex_unlock(&s->dbs_lock);
    return db;
}

static sp_db *thread_db(sp_http_server *s, sp_err *err)
{
    sp_db *db = NULL;
    if (!worker_db && sp_db_open(s->cfg.db_path, SP_DB_READONLY, &db, err) == SP_OK)
        worker_db = keep(s, db);
    return worker_db;
}

static int open_tiles(sp_http_server *s, sp_db **out, sp_err *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s.tiles", s->cfg.db_path) >= (int)sizeof path)
        return sp_err_set(err, SP_EINVAL, "database path too long for its tile cache");
    return sp_db_tilecache_open(path, out, err);
}

static sp_db *thread_tiles(sp_http_server *s, sp_err *err)
{
    sp_db *db = NULL;
    if (!worker_tiles && s->cfg.tile_cache_mb > 0 && open_tiles(s, &db, err) == SP_OK)
        worker_tiles = keep(s, db);
    return worker_tiles;
}

int sp_http_error(sp_http_req *r, int status, const char *code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Messages may quote request bytes: keep the JSON valid whatever they are. */
    if (!sp_utf8_valid(msg, strlen(msg)))
        snprintf(msg, sizeof msg, "%s", "the request contains bytes that are not UTF-8");
    sp_strbuf_reset(&r->body);
    sp_strbuf_puts(&r->body, "{\"code\":");
    sp_json_str(&r->body, code);
    sp_strbuf_puts(&r->body, ",\"description\":");
    sp_json_str(&r->body, msg);
    sp_strbuf_puts(&r->body, "}");
    r->status = status;
    r->content_type = "application/json";
    r->cache_control = "no-store";
    r->has_etag = 0;
    return 0;
}

int sp_http_error_from(sp_http_req *r, const sp_err *err)
{
    switch (err->code) {
    case SP_EINVAL:
        return sp_http_error(r, 400, "InvalidParameterValue", "%s", err->msg);
    case SP_ENOTFOUND:
        return sp_http_error(r, 404, "NotFound", "%s", err->msg);
    case SP_ECONFLICT:
        return sp_http_error(r, 409, "Conflict", "%s", err->msg);
    case SP_ETOOLARGE:
        return sp_http_error(r, 413, "PayloadTooLarge", "%s", err->msg);
    case SP_EMEDIA:
        return sp_http_error(r, 415, "UnsupportedMediaType", "%s", err->msg);
    case SP_ENOSPACE: /* the detail names files: for the log, not the client */
        sp_log(SP_LOG_ERROR, "req=%llx msg=\"disk full\" detail=\"%s\"", (unsigned long long)r->id,
               err->msg);
        r->retry_after = SP_HTTP_FULL_RETRY_S;
        return sp_http_error(r, 507, "InsufficientStorage",
                             "the server's disk is full: nothing was written; try again later");
    default:
        sp_log(SP_LOG_ERROR, "req=%llx msg=\"%s\"", (unsigned long long)r->id, err->msg);
        return sp_http_error(r, 500, "ServerError", "internal error (logged as req %llx)",
                             (unsigned long long)r->id);
    }
}

uint32_t sp_http_client_ipv4(const sp_http_req *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        return ((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr.s_addr;
    return 0;
}

int sp_http_parse_id(sp_http_req *r, const char *s, const char *what, long long *out)
{
    char *end;
    long long n = s && *s >= '0' && *s <= '9' ? strtoll(s, &end, 10) : 0;
    if (n < 1 || *end)
        return sp_http_error(r, 404, "NotFound", "no %s '%.40s'", what, s ? s : "");
    *out = n;
    return 1;
}

const char *sp_http_arg_get(const sp_http_req *r, const char *key)
{
    for (int i = 0; i < r->nargs; i++)
        if (strcmp(r->args[i].key, key) == 0)
            return r->args[i].value;
    return NULL;
}

int sp_http_check_args(sp_http_req *r, const char *const *allowed)
{
    for (int i = 0; i < r->nargs; i++) {
        const char *k = r->args[i].key;
        int ok = strcmp(k, "f") == 0;
        for (int j = 0; allowed && allowed[j] && !ok; j++)
            ok = strcmp(k, allowed[j]) == 0;
        if (!ok)
            return sp_http_error(r, 400, "InvalidParameterValue",
                                 "unknown query parameter '%.100s' for %s", k, r->path);
        for (int j = 0; j < i; j++)
            if (strcmp(r->args[j].key, k) == 0)
                return sp_http_error(r, 400, "InvalidParameterValue",
                                     "query parameter '%.100s' given more than once", k);
    }
    return 1;
}

int sp_http_date_arg(sp_http_req *r, const char *name, const char **out)
{
    const char *v = sp_http_arg_get(r, name);
    int y, m, d, n = 0;
    *out = v;
    if (v && (sscanf(v, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || v[n] || m < 1 ||
              m > 12 || d < 1 || d > 31))
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "%s=%.40s: expected a date, YYYY-MM-DD", name, v);
    return 1;
}

static void url_encode(sp_strbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~,:", *p))
            sp_strbuf_append(b, (const char *)p, 1);
        else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            sp_strbuf_append(b, e, 3);
        }
    }
}

void sp_http_link_url(sp_http_req *r, sp_strbuf *b, const char *path, const char *query)
{
    sp_strbuf_puts(b, r->base);
    sp_strbuf_puts(b, path);
    if (query && *query) {
        sp_strbuf_puts(b, "?");
        sp_strbuf_puts(b, query);
    }
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    sp_http_req *r = cls;
    if (r->nargs == SP_HTTP_MAX_ARGS) {
        r->args_overflow = 1;
        return MHD_NO;
    }
    r->args[r->nargs].key = key;
    r->args[r->nargs].value = value ? value : "";
    r->nargs++;
    if (r->query.len)
        sp_strbuf_puts(&r->query, "&");
    url_encode(&r->query, key);
    sp_strbuf_puts(&r->query, "=");
    url_encode(&r->query, value ? value : "");
    return MHD_YES;
}

/* f= wins over Accept; browsers asking for text/html get HTML. */
static int negotiate(sp_http_req *r)
{
    const char *f = sp_http_arg_get(r, "f");
    r->format_is_explicit = f != NULL;
    if (f) {
        if (strcmp(f, "json") == 0 || strcmp(f, "geojson") == 0)
            r->format = SP_FMT_JSON;
        else if (strcmp(f, "html") == 0)
            r->format = SP_FMT_HTML;
        else if (strcmp(f, "csv") == 0)
            r->format = SP_FMT_CSV;
        else
            return sp_http_error(r, 400, "InvalidParameterValue",
                                 "f=%.40s: supported formats are json, html, csv", f);
        return 1;
    }
    const char *accept = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept");
    r->format = SP_FMT_JSON;
    if (accept && strstr(accept, "text/html") && !strstr(accept, "json"))
        r->format = SP_FMT_HTML;
    else if (accept && strstr(accept, "text/csv") && !strstr(accept, "json"))
        r->format = SP_FMT_CSV;
    return 1;
}

static int is(const sp_http_req *r, const char *method)
{
    return strcmp(r->method, method) == 0;
}

/* 1 when the request's method is in allowed ("GET PUT"; GET takes HEAD too), else 405 with
 * the Allow header naming them. */
static int method_ok(sp_http_req *r, const char *allowed)
{
    size_t n = strlen(r->method);
    for (const char *p = allowed; (p = strstr(p, r->method)); p += n)
        if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    if (is(r, "HEAD") && strstr(allowed, "GET"))
        return 1;
    sp_strbuf b = {0};
    for (const char *p = allowed; *p;) {
        size_t len = strcspn(p, " ");
        sp_strbuf_printf(&b, "%s%.*s%s", b.len ? ", " : "", (int)len, p,
                         strncmp(p, "GET", len) == 0 ? ", HEAD" : "");
        p += len + (p[len] == ' ');
    }
    snprintf(r->allow, sizeof r->allow, "%s", b.len ? b.data : "");
    sp_strbuf_free(&b);
    sp_http_error(r, 405, "MethodNotAllowed", "%s is not allowed on %.200s (allowed: %s)",
                  r->method, r->path, allowed);
    return 0;
}

static void route(sp_http_req *r)
{
    /* Split the path into at most 4 segments after the leading slash. */
    char path[512];
    if (snprintf(path, sizeof path, "%s", r->path) >= (int)sizeof path)
        return (void)sp_http_error(r, 404, "NotFound", "no such path");
    char *seg[5] = {0};
    int n = 0;
    for (char *save = NULL, *t = strtok_r(path, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (n == 5)
            return (void)sp_http_error(r, 404, "NotFound", "no such path");
        seg[n++] = t;
    }
    int is_read = is(r, "GET") || is(r, "HEAD");
    int is_open = n > 0 && (strcmp(seg[0], "collections") == 0 || strcmp(seg[0], "auth") == 0 ||
                            strcmp(seg[0], "reports") == 0 || strcmp(seg[0], "moderation") == 0 ||
                            strcmp(seg[0], "conflicts") == 0 || strcmp(seg[0], "photos") == 0);
    if (!is_read && !is_open)
        return r->route = "unknown", (void)method_ok(r, "GET");
    /* A browser asking for / gets the map; API clients (and ?f=html) the landing page. */
    if (n == 0 && r->format == SP_FMT_HTML && !r->format_is_explicit)
        return r->route = "page", sp_route_page(r, "index.html");
    if (n == 0)
        return r->route = "landing", sp_ogc_landing(r);
    if (n == 1 && strcmp(seg[0], "vocabularies") == 0)
        return r->route = "page", sp_route_vocabularies(r);
    if (n == 1 && strcmp(seg[0], "favicon.ico") == 0) /* asked for by browsers regardless */
        return r->route = "static", sp_route_page(r, "favicon.svg");
    if (n >= 2 && strcmp(seg[0], "static") == 0)
        return r->route = "static", sp_route_static(r);
    if (n == 2 && strcmp(seg[0], "monuments") == 0)
        return r->route = "page", sp_route_page(r, "monument.html");
    if (n == 1 && (strcmp(seg[0], "report") == 0 || strcmp(seg[0], "login") == 0 ||
                   strcmp(seg[0], "department") == 0)) {
        char page[32];
        snprintf(page, sizeof page, "%s.html", seg[0]);
        return r->route = "page", sp_route_page(r, page);
    }
    if (n == 2 && strcmp(seg[0], "department") == 0 && strcmp(seg[1], "moderation") == 0)
        return r->route = "page", sp_route_page(r, "moderation.html");
    if (n == 3 && strcmp(seg[0], "department") == 0 && strcmp(seg[1], "monuments") == 0)
        return r->route = "page", sp_route_page(r, "edit.html");
    if (n == 1 && strcmp(seg[0], "conformance") == 0)
        return r->route = "conformance", sp_ogc_conformance(r);
    if (n == 1 && strcmp(seg[0], "api") == 0)
        return r->route = "api", sp_ogc_api(r);
    if (n == 1 && strcmp(seg[0], "healthz") == 0) {
        r->route = "healthz";
        sp_strbuf_puts(&r->body, "{\"status\":\"ok\"}");
        r->cache_control = "no-store";
        return;
    }
    if (n == 2 && strcmp(seg[0], "photos") == 0 && is(r, "PATCH"))
        return r->route = "photo", sp_route_photo_patch(r, seg[1]);
    if ((n == 2 || n == 3) && strcmp(seg[0], "photos") == 0 &&
        method_ok(r, n == 2 ? "GET PATCH" : "GET"))
        return r->route = "photo", sp_route_photo(r, seg[1], seg[2]);
    if (n == 1 && strcmp(seg[0], "stats") == 0)
        return r->route = "stats", sp_route_stats(r);
    if (n == 2 && strcmp(seg[0], "auth") == 0)
        return r->route = "auth", sp_route_auth(r, seg[1]);
    if (n == 1 && strcmp(seg[0], "tiles") == 0)
        return r->route = "tilejson", sp_route_tilesets(r);
    if (n == 2 && strcmp(seg[0], "tiles") == 0)
        return r->route = "tilejson", sp_route_tilejson(r, seg[1]);
    if (n == 5 && strcmp(seg[0], "tiles") == 0)
        return r->route = "tile", sp_route_tile(r, seg[1], seg[2], seg[3], seg[4]);
    if (n == 2 && strcmp(seg[0], "exports") == 0)
        return r->route = "exports", sp_route_export(r, r->db_path, seg[1]);
    if (n == 1 && strcmp(seg[0], "reports") == 0 && method_ok(r, "POST"))
        return r->route = "citizen_report", sp_route_citizen_report(r);
    if (n == 2 && strcmp(seg[0], "reports") == 0 && method_ok(r, "GET"))
        return r->route = "citizen_report", sp_route_citizen_status(r, seg[1]);
    if (n == 2 && strcmp(seg[0], "report") == 0)
        return r->route = "page", sp_route_page(r, "status.html");
    if ((n == 3 || n == 4) && strcmp(seg[0], "moderation") == 0 && strcmp(seg[1], "photos") == 0 &&
        method_ok(r, "GET"))
        return r->route = "moderation", sp_route_citizen_photo(r, seg[2], seg[3]);
    if (n <= 2 && strcmp(seg[0], "moderation") == 0 && method_ok(r, n == 1 ? "GET" : "POST"))
        return r->route = "moderation", sp_route_moderation(r, seg[1]);
    if (n <= 2 && strcmp(seg[0], "conflicts") == 0 && method_ok(r, n == 1 ? "GET" : "POST"))
        return r->route = "conflicts", sp_route_conflicts(r, seg[1]);
    if (n == 1 && strcmp(seg[0], "datasets") == 0)
        return r->route = "datasets", sp_route_datasets(r);
    if (n == 2 && strcmp(seg[0], "department") == 0 && strcmp(seg[1], "conflicts") == 0)
        return r->route = "page", sp_route_page(r, "conflicts.html");
    if (strcmp(seg[0], "collections") == 0) {
        if (n == 1 && method_ok(r, "GET"))
            return r->route = "collections", sp_ogc_collections(r);
        if (n == 2 && method_ok(r, "GET"))
            return r->route = "collection", sp_ogc_collection(r, seg[1]);
        if (n == 3 && strcmp(seg[2], "queryables") == 0 && method_ok(r, "GET"))
            return r->route = "queryables", sp_ogc_queryables(r, seg[1]);
        if (n == 3 && strcmp(seg[2], "items") == 0 && method_ok(r, "GET POST")) {
            if (is(r, "POST"))
                return r->route = "item_create", sp_edit_create(r, seg[1]);
            return r->route = "items", sp_ogc_items(r, seg[1]);
        }
        if (n == 4 && strcmp(seg[2], "items") == 0 && method_ok(r, "GET PUT PATCH DELETE")) {
            r->route = is(r, "PUT")      ? "item_replace"
                       : is(r, "PATCH")  ? "item_patch"
                       : is(r, "DELETE") ? "item_delete"
                                         : "item";
            if (strcmp(r->route, "item") == 0)
                return sp_ogc_item(r, seg[1], seg[3]);
            return sp_edit_item(r, seg[1], seg[3]);
        }
        if (n == 5 && strcmp(seg[2], "items") == 0 && strcmp(seg[4], "history") == 0 &&
            method_ok(r, "GET"))
            return r->route = "history", sp_edit_history(r, seg[1], seg[3]);
        if (n == 5 && strcmp(seg[2], "items") == 0 && strcmp(seg[4], "reports") == 0 &&
            method_ok(r, "GET POST"))
            return r->route = "reports", sp_route_monument_reports(r, seg[1], seg[3]);
        if (n == 5 && strcmp(seg[2], "items") == 0 && strcmp(seg[4], "photos") == 0 &&
            method_ok(r, "GET POST"))
            return r->route = "photos", sp_route_monument_photos(r, seg[1], seg[3]);
    }
    if (r->status == 405)
        return (void)(r->route = "unknown");
    r->route = "unknown";
    sp_http_error(r, 404, "NotFound", "no such path: %.200s", r->path);
}

/* Compresses r->body in place when the client takes gzip and it is worth it. */
static int maybe_gzip(sp_http_req *r)
{
    const char *ae = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Encoding");
    if (!ae || !strstr(ae, "gzip") || r->body.len < SP_HTTP_GZIP_MIN ||
        strncmp(r->content_type, "image/", 6) == 0) /* already compressed */
        return 0;
    z_stream z = {0};
    if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    uLong bound = deflateBound(&z, (uLong)r->body.len);
    char *out = malloc(bound);
    int ok = 0;
    if (out) {
        z.next_in = (Bytef *)r->body.data;
        z.avail_in = (uInt)r->body.len;
        z.next_out = (Bytef *)out;
        z.avail_out = (uInt)bound;
        ok = deflate(&z, Z_FINISH) == Z_STREAM_END;
    }
    deflateEnd(&z);
    if (!ok) {
        free(out);
        return 0;
    }
    free(r->body.data);
    r->body.data = out;
    r->body.len = z.total_out;
    r->body.cap = bound;
    return 1;
}

static enum MHD_Result send_response(sp_http_req *r)
{
    char etag[48] = "";
    if ((r->status == 200 || r->status == 201) && r->has_etag) {
        uint64_t h = sp_fnv1a(SP_FNV_INIT, r->base, strlen(r->base)); /* links carry it */
        h = sp_fnv1a(h, r->path, strlen(r->path));
        h = sp_fnv1a(h, "?", 1);
        h = sp_fnv1a(h, sp_strbuf_cstr(&r->query), r->query.len);
        h = sp_fnv1a(h, &r->format, sizeof r->format);
        /* What the content depends on (the data version, unless the route named something
         * narrower: an item's version, a tile's bytes), then which representation. */
        char version[24];
        if (!r->etag_tag[0])
            snprintf(version, sizeof version, "%llx", (long long)r->data_version);
        snprintf(etag, sizeof etag, "\"%s-%016llx\"", r->etag_tag[0] ? r->etag_tag : version,
                 (unsigned long long)h);
        const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
        /* 304 is for GET and HEAD only (RFC 9110 13.1.2): a write has been made by now. */
        if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0) &&
            (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)) {
            r->status = 304;
            sp_strbuf_reset(&r->body);
        }
    }
    int has_file = r->file_fd >= 0 && r->status == 200;
    if (r->file_fd >= 0 && !has_file) { /* 304: the file is not sent */
        close(r->file_fd);
        r->file_fd = -1;
    }
    int gz = !has_file && r->status != 304 && maybe_gzip(r);
    size_t len = r->body.len;
    char *data = r->body.data;
    r->body.data = NULL; /* the response owns it now */
    r->body.len = r->body.cap = 0;
    struct MHD_Response *resp;
    if (has_file) {
        free(data);
        resp = MHD_create_response_from_fd64(r->file_size, r->file_fd);
        r->file_fd = -1; /* the response closes it */
    } else {
        resp = data ? MHD_create_response_from_buffer_with_free_callback(len, data, free)
                    : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    if (r->status != 304)
        MHD_add_response_header(resp, "Content-Type", r->content_type);
    if (gz)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    if (r->status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"spadok\"");
    if ((r->status == 429 || r->status == 503 || r->status == 507) && r->retry_after > 0) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", r->retry_after);
        MHD_add_response_header(resp, "Retry-After", secs);
    }
    if (strncmp(r->content_type, "image/", 6) != 0) /* a tile is the same bytes for all */
        MHD_add_response_header(resp, "Vary", "Accept, Accept-Encoding");
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
    MHD_add_response_header(resp, "Access-Control-Expose-Headers", "ETag, Content-Crs, Link");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    if (strncmp(r->content_type, "text/html", 9) == 0)
        MHD_add_response_header(resp, "Content-Security-Policy", r->csp);
    if (r->cache_control)
        MHD_add_response_header(resp, "Cache-Control", r->cache_control);
    if (etag[0])
        MHD_add_response_header(resp, "ETag", etag);
    if (r->content_crs && r->status == 200) {
        char crs[160];
        snprintf(crs, sizeof crs, "<%s>", r->content_crs); /* OGC API Part 2 wants <uri> */
        MHD_add_response_header(resp, "Content-Crs", crs);
    }
    if (r->status == 405)
        MHD_add_response_header(resp, "Allow", r->allow[0] ? r->allow : "GET, HEAD");
    if (r->location[0] && (r->status == 201 || r->status == 303))
        MHD_add_response_header(resp, "Location", r->location);
    if (r->disposition[0] && r->status == 200)
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void set_base(sp_http_req *r)
{
    const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
    const char *proto = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
    int ok = host && strlen(host) < 200 &&
             strspn(host, "abcdefghijklmnopqrstuvwxyz"
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == strlen(host);
    snprintf(r->base, sizeof r->base, "%s://%s",
             proto && strcmp(proto, "https") == 0 ? "https" : "http", ok ? host : "localhost");
}

static void count(sp_metrics *m, const char *route, int status, double seconds)
{
    int ri = SP_NROUTES - 1, si = SP_NSTATUS - 1, bi = SP_NBUCKETS;
    for (int i = 0; i < SP_NROUTES; i++)
        if (strcmp(metric_routes[i], route) == 0)
            ri = i;
    for (int i = 0; i < SP_NSTATUS - 1; i++)
        if (metric_statuses[i] == status)
            si = i;
    for (int i = SP_NBUCKETS - 1; i >= 0; i--)
        if (seconds <= metric_buckets[i])
            bi = i;
    atomic_fetch_add(&m->requests[ri][si], 1);
    atomic_fetch_add(&m->buckets[bi], 1);
    atomic_fetch_add(&m->micros_total, (unsigned long long)(seconds * 1e6));
}

/* GET /metrics: Prometheus text exposition format 0.0.4. */
static void metrics_page(sp_http_server *s, sp_http_req *r)
{
    sp_strbuf *b = &r->body;
    sp_strbuf_puts(b, "# HELP spadok_http_requests_total HTTP requests by route and status.\n"
                      "# TYPE spadok_http_requests_total counter\n");
    for (int i = 0; i < SP_NROUTES; i++)
        for (int k = 0; k < SP_NSTATUS; k++) {
            unsigned long long n = atomic_load(&s->metrics.requests[i][k]);
            if (!n)
                continue;
            if (metric_statuses[k])
                sp_strbuf_printf(b, "spadok_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                                 metric_routes[i], metric_statuses[k], n);
            else
                sp_strbuf_printf(b,
                                 "spadok_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
                                 metric_routes[i], n);
        }
    sp_strbuf_puts(b, "# HELP spadok_http_request_duration_seconds Time to answer a request.\n"
                      "# TYPE spadok_http_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (int i = 0; i <= SP_NBUCKETS; i++) {
        cum += atomic_load(&s->metrics.buckets[i]);
        if (i < SP_NBUCKETS)
            sp_strbuf_printf(b, "spadok_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                             metric_buckets[i], cum);
        else
            sp_strbuf_printf(b, "spadok_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                             cum);
    }
    sp_strbuf_printf(b,
                     "spadok_http_request_duration_seconds_sum %.6f\n"
                     "spadok_http_request_duration_seconds_count %llu\n",
                     (double)atomic_load(&s->metrics.micros_total) / 1e6, cum);
    struct stat st;
    long long bytes = 0;
    char wal[4096];
    if (stat(s->cfg.db_path, &st) == 0)
        bytes += (long long)st.st_size;
    snprintf(wal, sizeof wal, "%s-wal", s->cfg.db_path);
    if (stat(wal, &st) == 0)
        bytes += (long long)st.st_size;
    sp_strbuf_printf(b,
                     "# HELP spadok_db_bytes Size of the database file and its WAL.\n"
                     "# TYPE spadok_db_bytes gauge\nspadok_db_bytes %lld\n"
                     "# HELP spadok_data_version The registry's data version (newest audit row).\n"
                     "# TYPE spadok_data_version gauge\nspadok_data_version %lld\n",
                     bytes, (long long)r->data_version);
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    r->cache_control = "no-store";
    r->has_etag = 0;
}

/* POST /collections/monuments/items/{id}/photos */
static int is_photo_upload(const char *url)
{
    static const char prefix[] = "/collections/monuments/items/", suffix[] = "/photos";
    size_t n = strlen(url), p = sizeof prefix - 1, sfx = sizeof suffix - 1;
    return n > p + sfx && strncmp(url, prefix, p) == 0 && strcmp(url + n - sfx, suffix) == 0 &&
           strspn(url + p, "0123456789") == n - p - sfx;
}

/* A photo upload is checked on its headers, before its body is read (issue 21): token,
 * role and monument. 0 with the answer set. */
static int upload_allowed(sp_http_server *s, sp_http_req *r, struct MHD_Connection *conn,
                          const char *method, const char *url)
{
    sp_err err = {0};
    r->conn = conn;
    r->method = method;
    r->path = url;
    r->route = "photos";
    r->status = 200;
    r->content_type = "application/json";
    if (!(r->db = thread_db(s, &err)))
        return sp_http_error_from(r, &err);
    return sp_http_photo_precheck(r, url);
}

/* Photo decoding, Argon2id and export rebuilds: run in the pool, not on this thread. */
static int is_heavy(const char *method, const char *url)
{
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        return strncmp(url, "/exports/", 9) == 0;
    return strcmp(method, "POST") == 0 && (strcmp(url, "/auth/login") == 0 ||
                                           strcmp(url, "/reports") == 0 || is_photo_upload(url));
}

typedef struct heavy_job {
    sp_http_server *s;
    sp_http_req *r;
    int is_cacheable;
} heavy_job;

static void run_heavy(void *arg)
{
    heavy_job *j = arg;
    sp_http_req *r = j->r;
    sp_err err = {0};
    if (!(r->db = thread_db(j->s, &err))) { /* the pool thread's own connection */
        sp_http_error_from(r, &err);
    } else {
        route(r);
        if (j->is_cacheable && !r->body.failed)
            sp_http_cache_put(r);
    }
    free(j);
    r->job = SP_HTTP_JOB_DONE;
    MHD_resume_connection(r->conn); /* on_request is called again and sends the answer */
}

/* Suspends the connection while the pool runs its route; 503 + Retry-After when full. */
static enum MHD_Result in_pool(sp_http_server *s, sp_http_req *r, int is_cacheable)
{
    sp_err err = {0};
    heavy_job *j = malloc(sizeof *j);
    if (!j) {
        sp_http_error(r, 500, "ServerError", "out of memory");
        return send_response(r);
    }
    *j = (heavy_job){s, r, is_cacheable};
    r->job = SP_HTTP_JOB_RUNNING;
    MHD_suspend_connection(r->conn);
    if (sp_pool_submit(s->pool, run_heavy, j, &err) != SP_OK) {
        free(j);
        r->retry_after = SP_POOL_RETRY_S;
        sp_http_error(r, 503, "ServiceUnavailable", "%s: try again in %d seconds", err.msg,
                      SP_POOL_RETRY_S);
        r->job = SP_HTTP_JOB_DONE;
        MHD_resume_connection(r->conn);
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **req_cls)
{
    (void)version;
    sp_http_server *s = cls;
    sp_http_req *r = *req_cls;
    if (!r) {
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        r->file_fd = -1; /* not 0: on_completed closes it, also for a request cut short */
        r->started = sp_progress_now();
        r->id = atomic_fetch_add(&s->next_id, 1);
        r->photos = s->photos;
        r->max_photo_bytes = s->cfg.max_photo_bytes;
        r->max_citizen_pixels =
            s->cfg.max_citizen_pixels > 0 ? s->cfg.max_citizen_pixels : SP_HTTP_CITIZEN_PIXELS;
        *req_cls = r;
        const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        int is_form = ct && strncmp(ct, "multipart/form-data", 19) == 0;
        if (strcmp(method, "POST") == 0 && is_photo_upload(url)) {
            if (!upload_allowed(s, r, conn, method, url))
                return send_response(r); /* at once: the body is not read */
            if (!sp_http_photo_start(r, conn, SP_UPLOAD_PHOTO))
                return MHD_NO;
        }
        if (strcmp(method, "POST") == 0 && strcmp(url, "/reports") == 0 && is_form &&
            !sp_http_photo_start(r, conn, SP_UPLOAD_REPORT))
            return MHD_NO;
        return MHD_YES; /* headers only so far */
    }
    if (r->job == SP_HTTP_JOB_DONE) /* the pool has run the route */
        return send_response(r);
    if (*upload_size && r->upload) { /* a photo: streamed to the store, never kept whole */
        sp_http_photo_data(r, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) { /* a request body: kept up to SP_HTTP_MAX_BODY, the rest counted */
        r->req_body_total += *upload_size;
        if (r->req_body_total <= SP_HTTP_MAX_BODY)
            sp_strbuf_append(&r->req_body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    r->conn = conn;
    r->file_fd = -1;
    r->db_path = s->cfg.db_path;
    r->writer = &s->writer;
    r->watch = &s->watch;
    r->login_limit = s->login_limit;
    r->report_limit = s->report_limit;
    r->trusted_proxy = s->cfg.trusted_proxy ? &s->trusted_proxy : NULL;
    r->citizen_per_hour =
        s->cfg.citizen_per_hour > 0 ? s->cfg.citizen_per_hour : SP_HTTP_CITIZEN_PER_HOUR;
    r->csp = s->csp;
    r->basemap_url = s->cfg.basemap_url;
    r->basemap_attribution = s->cfg.basemap_attribution;
    r->method = method;
    r->path = url;
    r->status = 200;
    r->content_type = "application/json";
    r->cache_control = "public, max-age=60";
    r->route = "-";
    set_base(r);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, r);
    if (strcmp(method, "OPTIONS") == 0) {
        r->route = "options";
        r->status = 204;
        r->cache_control = "max-age=86400";
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
        MHD_add_response_header(resp, "Access-Control-Allow-Methods",
                                "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                                "Accept, If-None-Match, If-Match, Content-Type, Content-Crs, "
                                "Authorization");
        MHD_add_response_header(resp, "Access-Control-Max-Age", "86400");
        enum MHD_Result ret = MHD_queue_response(conn, 204, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    sp_err err = {0};
    int is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (!is_get && strcmp(method, "POST") != 0 && strcmp(method, "PUT") != 0 &&
        strcmp(method, "PATCH") != 0 && strcmp(method, "DELETE") != 0) {
        sp_http_error(r, 405, "MethodNotAllowed", "%s is not allowed on %.200s", method, url);
    } else if (r->req_body_total > SP_HTTP_MAX_BODY) {
        sp_http_error(r, 413, "PayloadTooLarge", "the request body is over %d bytes",
                      SP_HTTP_MAX_BODY);
    } else if (r->args_overflow || r->query.len > SP_HTTP_MAX_QUERY) {
        sp_http_error(r, 400, "InvalidParameterValue",
                      "query string too long (at most %d bytes and %d parameters)",
                      SP_HTTP_MAX_QUERY, SP_HTTP_MAX_ARGS);
    } else if (!sp_utf8_valid(url, strlen(url))) {
        sp_http_error(r, 400, "InvalidParameterValue", "the path is not UTF-8");
    } else if (negotiate(r) && r->status == 200) {
        int bad = 0;
        for (int i = 0; i < r->nargs && !bad; i++)
            if (!sp_utf8_valid(r->args[i].value, strlen(r->args[i].value)) ||
                !sp_utf8_valid(r->args[i].key, strlen(r->args[i].key)))
                bad = sp_http_error(r, 400, "InvalidParameterValue",
                                    "query parameter %d is not UTF-8 text", i + 1) == 0;
        /* A tile carries the ETag of its bytes and has a cache of its own, kept exact by
         * the map_change log: neither the data version nor the response cache is needed. */
        int is_tile = strncmp(url, "/tiles/", 7) == 0 && strchr(url + 7, '/');
        /* Writes, sign-in and whatever a token may change are not cached. */
        int is_private = strncmp(url, "/auth/", 6) == 0 || !is_get ||
                         MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
        if (!bad && !(r->db = thread_db(s, &err)))
            sp_http_error_from(r, &err);
        else if (!bad && !is_tile &&
                 sp_watch_version(&s->watch, SP_WATCH_DATA, r->db, &r->data_version, &err) != SP_OK)
            sp_http_error_from(r, &err);
        else if (!bad && is_tile && s->cfg.tile_cache_mb > 0 && !(r->tiles = thread_tiles(s, &err)))
            sp_http_error_from(r, &err);
        else if (!bad && strcmp(url, "/metrics") == 0) {
            r->route = "metrics";
            metrics_page(s, r);
        } else if (!bad) {
            r->has_etag = 1;
            r->tile_cache_max = (int64_t)s->cfg.tile_cache_mb * 1024 * 1024;
            if (is_tile || is_private || !sp_http_cache_get(r)) {
                if (is_heavy(method, url))
                    return in_pool(s, r, !is_tile && !is_private);
                route(r);
                if (!is_tile && !is_private && !r->body.failed)
                    sp_http_cache_put(r);
            }
        }
    }
    if (r->body.failed)
        sp_http_error(r, 500, "ServerError", "out of memory");
    return send_response(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    sp_http_server *s = cls;
    sp_http_req *r = *req_cls;
    if (!r)
        return;
    if (r->path)
        count(&s->metrics, r->route, r->status, sp_progress_now() - r->started);
    if (r->path)
        sp_log(SP_LOG_INFO, "req=%llx method=%s path=%s query=%s status=%d ms=%.2f route=%s%s",
               (unsigned long long)r->id, r->method, r->path,
               r->query.len ? sp_strbuf_cstr(&r->query) : "-", r->status,
               (sp_progress_now() - r->started) * 1000.0, r->route,
               toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
    if (r->file_fd >= 0)
        close(r->file_fd);
    sp_http_photo_free(r);
    sp_strbuf_free(&r->body);
    sp_strbuf_free(&r->query);
    sp_strbuf_free(&r->req_body);
    free(r);
    *req_cls = NULL;
}

/* Closes every connection and frees the server (the daemon stopped or never started). */
static void free_server(sp_http_server *s)
{
    for (int i = 0; i < s->ndbs; i++)
        sp_db_close(s->dbs[i]);
    sp_db_close(s->writer.db);
    sp_vocab_free(s->writer.vocab);
    sp_photo_store_close(s->photos);
    pthread_mutex_destroy(&s->writer.lock);
    sp_pool_free(s->pool);
    sp_limiter_free(s->login_limit);
    sp_limiter_free(s->report_limit);
    pthread_mutex_destroy(&s->dbs_lock);
    sp_watch_close(&s->watch);
    free(s);
}

static int is_referenced(void *ctx, const char *sha)
{
    sp_err err = {0};
    return sp_db_photo_referenced(ctx, sha, &err);
}

/* The photo folder, swept of what a crash left: temp files, and files no row names (the row
 * is written after its file, so a crash between leaves only such a file). */
static int open_photos(sp_http_server *s, sp_err *err)
{
    int removed = 0;
    if (sp_photo_store_open(s->cfg.photos_dir, &s->photos, err) != SP_OK)
        return err->code;
    sp_photo_store_set_max_pixels(s->photos, s->cfg.max_photo_pixels);
    if (sp_photo_store_sweep(s->photos, is_referenced, s->writer.db, &removed, err) != SP_OK)
        return err->code;
    if (removed)
        sp_log(SP_LOG_INFO, "msg=\"photo folder swept\" removed=%d", removed);
    return SP_OK;
}

int sp_http_start(const sp_http_config *cfg, sp_http_server **out, sp_err *err)
{
    *out = NULL;
    sp_http_server *s = calloc(1, sizeof *s);
    if (!s)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    s->cfg = *cfg;
    sp_watch_open(&s->watch, cfg->db_path);
    char origin[400] = "";
    if (cfg->basemap_url && basemap_origin(cfg->basemap_url, origin, sizeof origin, err) != SP_OK) {
        free(s);
        return err->code;
    }
    snprintf(s->csp, sizeof s->csp, SP_CSP_FORMAT, origin[0] ? " " : "", origin);
    pthread_mutex_init(&s->dbs_lock, NULL);
    pthread_mutex_init(&s->writer.lock, NULL);
    /* The writer connection first: the server fails early and clearly when the database
     * cannot be opened. */
    int heavy = cfg->heavy_jobs > 0 ? cfg->heavy_jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    heavy = heavy > 0 ? heavy : 1;
    int citizen = cfg->citizen_per_hour > 0 ? cfg->citizen_per_hour : SP_HTTP_CITIZEN_PER_HOUR;
    if ((cfg->trusted_proxy && sp_cidr_parse(cfg->trusted_proxy, &s->trusted_proxy, err)) ||
        sp_limiter_new(SP_HTTP_LOGIN_WINDOW_S, SP_HTTP_LOGIN_MAX_ATTEMPTS, &s->login_limit, err) ||
        sp_limiter_new(SP_HTTP_CITIZEN_WINDOW_S, citizen, &s->report_limit, err) ||
        sp_pool_new(heavy, heavy, &s->pool, err) ||
        sp_db_open(cfg->db_path, SP_DB_READWRITE, &s->writer.db, err) != SP_OK ||
        (!(s->writer.vocab = sp_vocab_new()) && sp_err_set(err, SP_ENOMEM, "out of memory")) ||
        sp_db_load_vocab(s->writer.db, s->writer.vocab, err) != SP_OK) {
        free_server(s);
        return err->code;
    }
    if (cfg->photos_dir && open_photos(s, err) != SP_OK) {
        free_server(s);
        return err->code;
    }
    /* The tile cache is created here, once: workers opening a new file all at once would
     * each try to set it up. */
    sp_db *tiles = NULL;
    if (cfg->tile_cache_mb > 0 && open_tiles(s, &tiles, err) != SP_OK) {
        free_server(s);
        return err->code;
    }
    sp_db_close(tiles);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->bind ? cfg->bind : "127.0.0.1", &addr.sin_addr) != 1) {
        free_server(s);
        return sp_err_set(err, SP_EINVAL, "--bind %s is not an IPv4 address", cfg->bind);
    }
    int threads = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    s->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME,
        0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 1),
        MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(cfg->max_connections > 0 ? cfg->max_connections : SP_HTTP_MAX_CONNECTIONS),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(cfg->max_per_ip > 0 ? cfg->max_per_ip : SP_HTTP_MAX_PER_IP),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(cfg->timeout_s > 0 ? cfg->timeout_s : 30),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_END);
    if (!s->daemon) {
        free_server(s);
        return sp_err_set(err, SP_EIO, "cannot listen on %s:%d: %s",
                          cfg->bind ? cfg->bind : "127.0.0.1", cfg->port, strerror(errno));
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    *out = s;
    return SP_OK;
}

int sp_http_port(const sp_http_server *s)
{
    return s->port;
}

void sp_http_stop(sp_http_server *s, int grace_s)
{
    if (!s)
        return;
    /* No new connections; those open finish. MHD's threads may still hold the listening
     * socket until MHD_stop_daemon, so it is shut down now (the kernel stops completing
     * handshakes for it) and closed after. */
    MHD_socket listener = MHD_quiesce_daemon(s->daemon);
    if (listener != MHD_INVALID_SOCKET)
        shutdown(listener, SHUT_RDWR);
    for (int i = 0; i < grace_s * 20; i++) {
        const union MHD_DaemonInfo *info =
            MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (!info || info->num_connections == 0)
            break;
        usleep(50000);
    }
    sp_pool_free(s->pool); /* its jobs finish and resume their connections first */
    s->pool = NULL;
    MHD_stop_daemon(s->daemon);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    sp_http_cache_clear();
    sp_tile_hot_clear();
    free_server(s);
}
