/* server/http.c - the daemon: libmicrohttpd start/stop, per-thread database connections,
 * the request's life (checks before routing, answer, completion) and what every response
 * shares (ETag and 304, gzip, CORS, Cache-Control, one log line per request). The router
 * (router.c) picks the handler; handlers ask their request through request.c. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
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
#include "sp_db_photos.h"
#include "sp_log.h"
#include "sp_photo.h"
#include "sp_pool.h"
#include "sp_progress.h"
#include "sp_tile.h"
#include "sp_utf8.h"

#define SP_HTTP_GZIP_MIN 1024 /* smaller bodies are sent as they are */
#define SP_HTTP_MAX_DBS  256
#define SP_HTTP_MAX_BASE 200 /* bytes of the public URL */

struct sp_http_server {
    struct MHD_Daemon *daemon;
    sp_http_table routes; /* routes.c's table */
    sp_http_metrics *metrics;
    sp_http_cache *cache;   /* finished public responses */
    sp_tile_hot *hot_tiles; /* the tiles asked for most recently */
    sp_http_config cfg;
    int port;
    atomic_uint_fast64_t next_id;
    pthread_mutex_t dbs_lock; /* guards dbs: every worker's connection, closed at stop */
    sp_db *dbs[SP_HTTP_MAX_DBS];
    int ndbs;
    sp_http_writer writer; /* the one read-write connection, for every write */
    /* With --read-db: 0 while the replica answers, else when to ask it again (ms of
     * sp_progress_now); reads go to the primary until then (read_db). */
    atomic_int_fast64_t replica_retry_ms;
    sp_limiter *login_limit;
    sp_limiter *report_limit;
    sp_cidr trusted_proxy;
    sp_pool *pool; /* heavy work, off libmicrohttpd's threads */
    sp_photo_store *photos;
    char csp[640]; /* the HTML pages' Content-Security-Policy (the base map's origin in it) */
    char base[SP_HTTP_MAX_BASE]; /* what absolute links start with (cfg.public_url or ours) */
};

#define SP_CSP_FORMAT                                                                              \
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:%s%s; "       \
    "object-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/* The base map's origin (scheme://host[:port]) into origin, SP_EINVAL when the URL is not an
 * http(s) XYZ template: it goes into a header, so only characters a URL needs are let in. */
/* The public URL (--public-url) into s->base without its trailing '/', SP_EINVAL unless it is
 * an http(s) URL of characters a URL needs (it goes into links and Location headers). */
static int public_base(sp_http_server *s, const char *url, sp_err *err)
{
    size_t n = strlen(url), scheme = strncmp(url, "https://", 8) == 0  ? 8
                                     : strncmp(url, "http://", 7) == 0 ? 7
                                                                       : 0;
    while (n > scheme && url[n - 1] == '/')
        n--;
    int ok =
        scheme && n > scheme && url[scheme] != '/' && n < sizeof s->base && strcspn(url, "?#") >= n;
    for (size_t i = 0; ok && i < n; i++)
        ok = (url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
             (url[i] >= '0' && url[i] <= '9') || strchr("-._~:/[]@!$&()*+,;=%", url[i]);
    if (!ok)
        return sp_err_set(err, SP_EINVAL,
                          "--public-url %.100s: expected an http(s) URL such as "
                          "https://heritage.example/spadok",
                          url);
    snprintf(s->base, sizeof s->base, "%.*s", (int)n, url);
    return SP_OK;
}

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
/* With --read-db: this worker's connection to the replica (read_db). */
static _Thread_local sp_db *worker_replica;

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

/* ---- read replicas (--read-db) ------------------------------------------------------------
 * Public reads go to a streaming replica; writes, and every request with a token (staff: few,
 * and a token just issued or revoked must count at once), to the primary (--db).
 * Read-your-writes: after a write the server takes the primary's log position
 * (sp_db_write_position) and gives it to the client in the cookie SP_HTTP_WAL_COOKIE, which
 * browsers, nginx and every node pass back; a read carrying a position the replica has not
 * replayed yet reads from the primary. A cookie rather than this node's memory: the next
 * request may reach another node. A replica that does not answer is left alone for
 * SP_HTTP_REPLICA_RETRY_S, its reads going to the primary, with one warning when it goes and
 * one line when it is back. */

static int is_read(const sp_http_req *r)
{
    return strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
}

/* A read the replica may answer: a public one. */
static int is_public_read(const sp_http_req *r)
{
    return is_read(r) && !MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
}

/* The write position the client's cookie carries; 0 when none (or not a number). */
static int64_t client_position(const sp_http_req *r)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SP_HTTP_WAL_COOKIE);
    size_t n = v ? strlen(v) : 0;
    if (n == 0 || n > 18 || strspn(v, "0123456789") != n)
        return 0;
    return strtoll(v, NULL, 10);
}

static void replica_down(sp_http_server *s, const sp_err *why)
{
    int64_t retry = (int64_t)(sp_progress_now() * 1000) + SP_HTTP_REPLICA_RETRY_S * 1000;
    if (atomic_exchange(&s->replica_retry_ms, retry) == 0)
        sp_log(SP_LOG_WARN,
               "msg=\"read replica not answering: reads go to the primary until it does\" "
               "detail=\"%s\"",
               why->msg);
}

static void replica_up(sp_http_server *s)
{
    int_fast64_t retry = atomic_load(&s->replica_retry_ms);
    if (retry != 0 && atomic_compare_exchange_strong(&s->replica_retry_ms, &retry, 0))
        sp_log(SP_LOG_INFO, "msg=\"read replica answers again: reads go to it\"");
}

/* The replica, asked whether it has replayed up to pos; NULL when it does not answer. */
static sp_db *replica_at(sp_http_server *s, int64_t pos, int *out_is_replayed)
{
    sp_err err = {0};
    sp_db *db = NULL;
    if (!worker_replica && sp_db_open(s->cfg.read_db_path, SP_DB_READONLY, &db, &err) == SP_OK)
        worker_replica = keep(s, db);
    int rc =
        worker_replica ? sp_db_has_replayed(worker_replica, pos, out_is_replayed, &err) : err.code;
    if (rc == SP_EUNAVAILABLE && worker_replica) /* closed by its restart: again, reconnecting */
        rc = sp_db_has_replayed(worker_replica, pos, out_is_replayed, &err);
    if (rc != SP_OK) {
        replica_down(s, &err);
        return NULL;
    }
    replica_up(s);
    return worker_replica;
}

/* The connection request r reads from: the worker's own of --db, or, with --read-db, the
 * replica for a public read whose client's last write it has replayed. */
static sp_db *read_db(sp_http_server *s, sp_http_req *r, sp_err *err)
{
    int is_replayed = 0;
    if (!s->cfg.read_db_path)
        return thread_db(s, err);
    int64_t retry = atomic_load(&s->replica_retry_ms);
    sp_db *replica = NULL;
    if (is_public_read(r) && (retry == 0 || sp_progress_now() * 1000 >= (double)retry))
        replica = replica_at(s, client_position(r), &is_replayed);
    r->db_role = replica && is_replayed ? "replica" : "primary";
    return replica && is_replayed ? replica : thread_db(s, err);
}

/* After a write with --read-db: the primary's log position, for the client's cookie. */
static void note_write(sp_http_server *s, sp_http_req *r)
{
    sp_err err = {0};
    int64_t pos = 0;
    if (!s->cfg.read_db_path || is_read(r) || !r->db)
        return;
    if (sp_db_write_position(r->db, &pos, &err) != SP_OK) {
        sp_log(SP_LOG_WARN, "req=%llx msg=\"no write position for the cookie\" detail=\"%s\"",
               (unsigned long long)r->id, err.msg);
        return;
    }
    snprintf(r->wal_position, sizeof r->wal_position, "%lld", (long long)pos);
}

static int open_tiles(sp_http_server *s, sp_db **out, sp_err *err)
{
    return sp_db_tilecache_open(s->cfg.tiles_path, out, err);
}

static sp_db *thread_tiles(sp_http_server *s, sp_err *err)
{
    sp_db *db = NULL;
    if (!worker_tiles && s->cfg.tiles_path && s->cfg.tile_cache_mb > 0 &&
        open_tiles(s, &db, err) == SP_OK)
        worker_tiles = keep(s, db);
    return worker_tiles;
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
        if (r->is_localized) /* Accept-Language picked the words */
            h = sp_fnv1a(h, r->lang, strlen(r->lang));
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
        MHD_add_response_header(resp, "Vary",
                                r->is_localized ? "Accept, Accept-Encoding, Accept-Language"
                                                : "Accept, Accept-Encoding");
    if (r->is_localized && r->status != 304)
        MHD_add_response_header(resp, "Content-Language", r->lang);
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
    if (r->wal_position[0]) {
        char cookie[96];
        snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Lax", SP_HTTP_WAL_COOKIE,
                 r->wal_position);
        MHD_add_response_header(resp, "Set-Cookie", cookie);
    }
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

/* The matched row's answer: from the response cache when the row is cached, the request
 * public and the data version the same, else from its handler. A tile carries the ETag of
 * its bytes and has a cache of its own, kept exact by the map_change log: neither the data
 * version nor the response cache is needed. Writes, sign-in and whatever a token may change
 * are not cached. */
static enum MHD_Result in_pool(sp_http_server *s, sp_http_req *r, int is_cacheable);

static int answer(sp_http_server *s, sp_http_req *r)
{
    sp_err err = {0};
    int is_tile = (r->route_row->flags & SP_ROUTE_TILE) != 0;
    int is_cached = (r->route_row->flags & SP_ROUTE_CACHED) && is_public_read(r);
    if (!(r->db = read_db(s, r, &err)))
        return sp_http_error_from(r, &err);
    if (!is_tile && sp_db_data_version(r->db, &r->data_version, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    if (is_tile && s->cfg.tiles_path && s->cfg.tile_cache_mb > 0 &&
        !(r->tiles = thread_tiles(s, &err)))
        return sp_http_error_from(r, &err);
    r->has_etag = strcmp(r->route_row->metric, "metrics") != 0;
    if (is_cached && sp_http_cache_get(r))
        return SP_OK;
    if (r->route_row->flags & SP_ROUTE_HEAVY) /* decoding, hashing, exports: in the pool */
        return in_pool(s, r, is_cached), SP_OK;
    int rc = sp_http_route_run(r);
    if (rc == SP_OK && is_cached && !r->body.failed)
        sp_http_cache_put(r);
    note_write(s, r);
    return rc;
}

/* What is checked of every request before routing: its method, sizes, UTF-8, format. */
static int check_request(sp_http_req *r)
{
    const char *method = r->method, *url = r->path;
    int is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (!is_get && strcmp(method, "POST") != 0 && strcmp(method, "PUT") != 0 &&
        strcmp(method, "PATCH") != 0 && strcmp(method, "DELETE") != 0)
        return sp_http_error(r, 405, "MethodNotAllowed", "%s is not allowed on %.200s", method,
                             url);
    if (r->req_body_total > SP_HTTP_MAX_BODY)
        return sp_http_error(r, 413, "PayloadTooLarge", "the request body is over %d bytes",
                             SP_HTTP_MAX_BODY);
    if (r->args_overflow || r->query.len > SP_HTTP_MAX_QUERY)
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "query string too long (at most %d bytes and %d parameters)",
                             SP_HTTP_MAX_QUERY, SP_HTTP_MAX_ARGS);
    if (!sp_utf8_valid(url, strlen(url)))
        return sp_http_error(r, 400, "InvalidParameterValue", "the path is not UTF-8");
    int rc = sp_http_negotiate(r);
    if (rc == SP_OK)
        rc = sp_http_negotiate_lang(r);
    for (int i = 0; i < r->nargs && rc == SP_OK; i++)
        if (!sp_utf8_valid(r->args[i].value, strlen(r->args[i].value)) ||
            !sp_utf8_valid(r->args[i].key, strlen(r->args[i].key)))
            rc = sp_http_error(r, 400, "InvalidParameterValue",
                               "query parameter %d is not UTF-8 text", i + 1);
    return rc;
}

/* libmicrohttpd's %-decoding of the path and the query, except that %00 becomes a byte
 * never valid in UTF-8: a C string would end at the NUL ("/exports/monuments.gpkg%00.csv"
 * would name the GeoPackage), and the UTF-8 check answers 400 instead. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    char *out = s;
    for (const char *p = s; *p; p++) {
        unsigned v;
        if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]) &&
            sscanf(p + 1, "%2x", &v) == 1) {
            *out++ = v ? (char)v : (char)0xFF;
            p += 2;
        } else
            *out++ = *p;
    }
    *out = '\0';
    return (size_t)(out - s);
}

/* A photo upload is checked on its headers, before its body is read (issue 21): token and
 * role (the row's, as the router checks them) and monument. 0 with the answer set. */
static int upload_allowed(sp_http_server *s, sp_http_req *r, struct MHD_Connection *conn,
                          const char *method, const char *url, const sp_http_route *rt,
                          const char *const *params)
{
    sp_err err = {0};
    r->conn = conn;
    r->method = method;
    r->path = url;
    r->route_row = rt;
    r->route = rt->metric;
    memcpy(r->params, params, sizeof r->params);
    r->status = 200;
    r->content_type = "application/json";
    if (!(r->db = thread_db(s, &err)))
        return sp_http_error_from(r, &err), 0;
    return sp_http_route_allowed(r) == SP_OK && sp_http_photo_precheck(r);
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
    if (!(r->db = read_db(j->s, r, &err))) { /* the pool thread's own connection */
        sp_http_error_from(r, &err);
    } else {
        sp_http_route_run(r);
        if (j->is_cacheable && !r->body.failed)
            sp_http_cache_put(r);
        note_write(j->s, r);
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
        sp_arena_init(&r->arena); /* freed once, in on_completed */
        r->file_fd = -1;          /* not 0: on_completed closes it, also for a request cut short */
        r->started = sp_progress_now();
        r->id = atomic_fetch_add(&s->next_id, 1);
        r->photos = s->photos;
        r->cfg = &s->cfg; /* the upload limits are read before the body */
        *req_cls = r;
        /* The row decides whether the body streams to the photo store (never held whole). */
        unsigned allowed;
        size_t size;
        const char *params[SP_HTTP_MAX_PARAMS];
        char *segs = sp_http_route_segs(r, url, &size);
        const sp_http_route *rt =
            segs ? sp_http_route_find(&s->routes, method, url, segs, size, params, &allowed) : NULL;
        const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        int is_form = ct && strncmp(ct, "multipart/form-data", 19) == 0;
        if (rt && rt->body == SP_BODY_PHOTO) {
            if (!upload_allowed(s, r, conn, method, url, rt, params))
                return send_response(r); /* at once: the body is not read */
            if (!sp_http_photo_start(r, conn, SP_UPLOAD_PHOTO))
                return MHD_NO;
        }
        if (rt && rt->body == SP_BODY_FORM && is_form &&
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
    r->cfg = &s->cfg;
    r->metrics = s->metrics;
    r->routes = &s->routes;
    r->writer = &s->writer;
    r->cache = s->cache;
    r->hot_tiles = s->hot_tiles;
    r->login_limit = s->login_limit;
    r->report_limit = s->report_limit;
    r->trusted_proxy = s->cfg.trusted_proxy ? &s->trusted_proxy : NULL;
    r->csp = s->csp;
    r->method = method;
    r->path = url;
    r->status = 200;
    r->content_type = "application/json";
    r->cache_control = "public, max-age=60";
    r->route = "-";
    r->base = s->base;
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, sp_http_collect_arg, r);
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
    if (check_request(r) == SP_OK && sp_http_route_match(r) == SP_OK)
        answer(s, r); /* an error travels up with its answer set */
    if (r->job != SP_HTTP_JOB_NONE)
        return MHD_YES; /* the pool has it: answered when it resumes the connection */
    if (r->body.failed)
        sp_http_error(r, 500, "ServerError", "out of memory");
    return send_response(r);
}

/* A request's value for the log line, with what could end the field or forge a line
 * (controls, spaces, quotes, backslashes, bytes that are not UTF-8) as \xHH. */
static const char *log_value(sp_arena *a, const char *v)
{
    int is_utf8 = sp_utf8_valid(v, strlen(v));
    char *out = sp_arena_alloc(a, 4 * strlen(v) + 1), *o = out;
    if (!out)
        return "-";
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '\\' || (*p >= 0x80 && !is_utf8))
            o += sprintf(o, "\\x%02X", *p);
        else
            *o++ = (char)*p;
    *o = '\0';
    return out;
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
        sp_http_metrics_count(s->metrics, r, sp_progress_now() - r->started);
    if (r->path) {
        sp_log(SP_LOG_INFO, "req=%llx method=%s path=%s query=%s status=%d ms=%.2f route=%s%s%s%s",
               (unsigned long long)r->id, log_value(&r->arena, r->method),
               log_value(&r->arena, r->path),
               r->query.len ? log_value(&r->arena, sp_strbuf_cstr(&r->query)) : "-", r->status,
               (sp_progress_now() - r->started) * 1000.0, r->route, r->db_role ? " db=" : "",
               r->db_role ? r->db_role : "",
               toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
    }
    if (r->file_fd >= 0)
        close(r->file_fd);
    sp_http_photo_free(r);
    sp_strbuf_free(&r->body);
    sp_strbuf_free(&r->query);
    sp_strbuf_free(&r->req_body);
    sp_arena_free_all(&r->arena);
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
    sp_http_metrics_free(s->metrics);
    sp_http_cache_free(s->cache);
    sp_tile_hot_free(s->hot_tiles);
    free(s);
}

/* The photo folder, swept of what a crash left: temp files, and files no row names (the row
 * is written after its file, so a crash between leaves only such a file). */
static int open_photos(sp_http_server *s, sp_err *err)
{
    int removed = 0;
    if (sp_photo_store_open(s->cfg.photos_dir, &s->photos, err) != SP_OK)
        return err->code;
    sp_photo_store_set_max_pixels(s->photos, s->cfg.max_photo_pixels);
    if (sp_photo_store_sweep(s->photos, sp_http_photo_referenced, s->writer.db, &removed, err) !=
        SP_OK)
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
    s->routes = (sp_http_table){sp_http_routes, sp_http_nroutes};
    if (cfg->public_url && public_base(s, cfg->public_url, err) != SP_OK) {
        free(s);
        return err->code;
    }
    if (!(s->metrics = sp_http_metrics_new(&s->routes)) || !(s->cache = sp_http_cache_new()) ||
        !(s->hot_tiles = sp_tile_hot_new())) {
        sp_http_metrics_free(s->metrics);
        sp_http_cache_free(s->cache);
        free(s);
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    }
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
    int is_replayed;
    if (cfg->read_db_path) /* a replica that does not answer yet is only a warning */
        replica_at(s, 0, &is_replayed);
    if (cfg->photos_dir && open_photos(s, err) != SP_OK) {
        free_server(s);
        return err->code;
    }
    /* The tile cache is created here, once: workers opening a new file all at once would
     * each try to set it up. */
    sp_db *tiles = NULL;
    if (cfg->tiles_path && cfg->tile_cache_mb > 0 && open_tiles(s, &tiles, err) != SP_OK) {
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
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024), MHD_OPTION_UNESCAPE_CALLBACK,
        unescape, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->daemon) {
        free_server(s);
        return sp_err_set(err, SP_EIO, "cannot listen on %s:%d: %s",
                          cfg->bind ? cfg->bind : "127.0.0.1", cfg->port, strerror(errno));
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    if (!cfg->public_url)
        snprintf(s->base, sizeof s->base, "http://%s:%d", cfg->bind ? cfg->bind : "127.0.0.1",
                 s->port);
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
    free_server(s);
}
