/* server/http_int.h - what the server's files share: the request, the response being built,
 * the route table, and the helpers every route uses (request.c: errors, arguments, links,
 * formats, JSON bodies). Not for other modules. */
#ifndef SP_HTTP_INT_H
#define SP_HTTP_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>

#include "sp_arena.h"
#include "sp_db.h"
#include "sp_db_users.h"
#include "sp_http.h"
#include "sp_limit.h"
#include "sp_strbuf.h"
#include "sp_tile.h"

#define SP_HTTP_MAX_QUERY    8192 /* bytes of query string accepted */
#define SP_HTTP_MAX_ARGS     64
#define SP_HTTP_MAX_BODY     (64 * 1024) /* JSON request bodies */
#define SP_HTTP_FULL_RETRY_S 300         /* Retry-After of a 507 (disk full) */
#define SP_HTTP_DB_RETRY_S   5           /* Retry-After of a 503 when PostgreSQL is unreachable */
/* With --read-db: a replica that did not answer is asked again after this long, its reads
 * going to the primary meanwhile. */
#define SP_HTTP_REPLICA_RETRY_S 2
/* The cookie that carries a client's last write position (server/http.c, read_db). */
#define SP_HTTP_WAL_COOKIE "spadok_wal"

/* The server's one read-write connection: every write goes through it, one at a time. */
typedef struct sp_http_writer {
    pthread_mutex_t lock;
    sp_db *db;
    sp_vocab *vocab; /* the vocabularies, for validating request bodies (read-only) */
} sp_http_writer;

/* Login attempts per client address in any window (server/limit.c). */
#define SP_HTTP_LOGIN_WINDOW_S     60
#define SP_HTTP_LOGIN_MAX_ATTEMPTS 10
#define SP_HTTP_CITIZEN_WINDOW_S   3600 /* citizens' reports are limited per hour */

struct sp_photo_store;
typedef struct sp_http_upload sp_http_upload; /* a photo upload in progress (routes_photos.c) */

typedef enum { SP_FMT_JSON, SP_FMT_HTML, SP_FMT_CSV } sp_http_format;
enum { SP_HTTP_JOB_NONE, SP_HTTP_JOB_RUNNING, SP_HTTP_JOB_DONE };

typedef struct sp_http_arg {
    const char *key, *value; /* borrowed from libmicrohttpd, valid for the request */
} sp_http_arg;

/* The route table (routes.c): one row per path pattern and method set. The router
 * (router.c) matches a request to a row, answers 404/405 (Allow from the rows), checks the
 * row's roles before its handler runs, and counts the answer under the row's metric. */
enum {
    SP_M_GET = 1, /* takes HEAD too */
    SP_M_POST = 2,
    SP_M_PUT = 4,
    SP_M_PATCH = 8,
    SP_M_DELETE = 16,
};
enum { /* who may: no bits is everyone; else a valid token of one of these roles */
       SP_ROLE_INSPECTOR = 1,
       SP_ROLE_EDITOR = 2,
       SP_ROLE_ADMIN = 4,
       SP_ROLE_STAFF = 7, /* any role */
};
typedef enum { SP_BODY_NONE, SP_BODY_JSON, SP_BODY_PHOTO, SP_BODY_FORM } sp_http_body_kind;
enum {
    SP_ROUTE_CACHED = 1, /* a public GET kept in the response cache (data version in its key) */
    SP_ROUTE_TILE = 2,   /* a tile: ETag of its bytes and a cache of its own, no data version */
    SP_ROUTE_PAGE = 4,   /* a web page or asset, not in the OpenAPI document */
    SP_ROUTE_HEAVY = 8,  /* decoding, hashing or an export: run in the pool (sp_pool.h) */
};
typedef struct sp_http_req sp_http_req;
/* SP_OK when the response is set; otherwise an SP_E* the router answers (or the error
 * answer the handler already set). */
typedef int (*sp_http_handler)(sp_http_req *r);
typedef struct sp_http_route {
    unsigned methods;
    const char *pattern; /* "/collections/{collection}/items/{fid}"; "{*}" last: the rest */
    sp_http_handler handler;
    unsigned roles;   /* SP_ROLE_* bits; 0: public */
    const char *what; /* the action, for a 403 ("adding monuments") */
    sp_http_body_kind body;
    unsigned flags;     /* SP_ROUTE_* */
    const char *metric; /* the route's name in logs and /metrics */
    const char *arg;    /* handler-specific (the page's file) */
} sp_http_route;
/* The table (routes.c), handed to the router by the daemon (http.c): the router never names
 * routes.c, whose rows name the router's own handlers (/healthz, /metrics). */
typedef struct sp_http_table {
    const sp_http_route *rows;
    int n;
} sp_http_table;
extern const sp_http_route sp_http_routes[];
extern const int sp_http_nroutes;
#define SP_HTTP_MAX_PARAMS 6
#define SP_HTTP_MAX_PATH   512 /* bytes of a path the router splits; longer: no route */

typedef struct sp_http_metrics sp_http_metrics; /* router.c */
typedef struct sp_http_cache sp_http_cache;     /* cache.c */

struct sp_http_req {
    struct MHD_Connection *conn;
    const sp_http_config *cfg;              /* the server's, read-only */
    const sp_http_route *route_row;         /* the matched row; NULL: none (404/405) */
    sp_arena arena;                         /* what dies with the request (on_completed) */
    const char *params[SP_HTTP_MAX_PARAMS]; /* the row's {params} in order, into segs */
    char *segs;                             /* the path, split (in the arena) */
    sp_db_user user;                        /* who, when the row needs a role */
    sp_http_metrics *metrics;
    const sp_http_table *routes; /* the server's */
    const char *method, *path;
    sp_http_arg args[SP_HTTP_MAX_ARGS];
    int nargs;
    int args_overflow;
    sp_strbuf query;  /* the query string re-encoded in order, for links and ETags */
    const char *base; /* the server's public URL, for absolute links (no trailing '/') */
    sp_http_format format;
    const char *lang;     /* "uk" or "en" (sp_http_negotiate_lang) */
    int lang_is_explicit; /* lang= was given (else from Accept-Language, or the default) */
    sp_db *db;            /* this worker's read-only connection */
    /* With --read-db: "replica" or "primary", the database db is a connection to. */
    const char *db_role;
    sp_db *tiles; /* this worker's tile cache connection (tile requests only), or NULL */
    sp_http_writer *writer;
    sp_http_cache *cache;   /* the server's response cache */
    sp_tile_hot *hot_tiles; /* the server's tiles in memory */
    sp_limiter *login_limit;
    sp_limiter *report_limit;
    const sp_cidr *trusted_proxy;  /* X-Forwarded-For is honoured from it only; NULL: never */
    sp_strbuf req_body;            /* the request body, up to SP_HTTP_MAX_BODY */
    sp_http_upload *upload;        /* a photo upload streams here instead */
    struct sp_photo_store *photos; /* the photo folder, or NULL */
    int job; /* SP_HTTP_JOB_*: heavy work runs in the server's pool (sp_pool.h) */
    uint64_t req_body_total;
    const char *csp; /* the HTML pages' Content-Security-Policy (the server's) */
    int retry_after; /* seconds, for a 429's Retry-After */
    int64_t data_version;
    uint64_t id;
    double started;
    const char *route; /* for logs and metrics */
    /* response */
    /* After a write with --read-db: the primary's log position then, for the client's cookie
     * SP_HTTP_WAL_COOKIE (server/http.c). */
    char wal_position[24];
    int status;
    const char *content_type;
    const char *cache_control;
    const char *content_crs;
    sp_strbuf body;
    int has_etag;
    int is_localized;       /* the words depend on r->lang (sp_http_lang) */
    int format_is_explicit; /* f= was given (else the format came from Accept) */
    int file_fd;            /* >= 0: send this file instead of body (the response owns it) */
    uint64_t file_size;
    char disposition[96]; /* Content-Disposition, when not empty */
    char allow[64];       /* Allow header of a 405 */
    char mime[32];        /* content_type points here when it comes from data */
    char location[384];   /* Location header (201 Created), when not empty */
    char etag_tag[24];    /* what the ETag names instead of the data version ("m12v3": an
                             item's version; "t<hash>": a tile's bytes), when not empty */
};

/* The server's one error convention: every helper returns SP_OK, or a negative SP_E* after
 * setting the error answer (sp_http_error); a handler returns that code up, and the router
 * answers a code that comes without an answer through sp_http_error_from, the one map from
 * SP_E* to HTTP. As in libgit2: if ((rc = helper(r, ...)) != SP_OK) return rc;
 * sp_http_error sets a JSON error {"code","description"} as the response and returns the
 * SP_E* of its status (404 SP_ENOTFOUND, 409/412 SP_ECONFLICT, 413 SP_ETOOLARGE, ...). */
int sp_http_error(sp_http_req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int sp_http_error_from(sp_http_req *r, const sp_err *err);
const char *sp_http_arg_get(const sp_http_req *r, const char *key);
/* The path segment matched by {name} in the route's pattern, NULL when it has none. */
const char *sp_http_param(const sp_http_req *r, const char *name);
/* A record id from a path segment (digits, > 0); a 404 naming what otherwise. */
int sp_http_parse_id(sp_http_req *r, const char *s, const char *what, long long *out);
/* A 400 unless every query parameter is in allowed (NULL-terminated); f is always allowed. */
int sp_http_check_args(sp_http_req *r, const char *const *allowed);
/* The query parameter `name` as a date (YYYY-MM-DD) into *out, NULL when absent; a 400 when
 * it is not one. */
int sp_http_date_arg(sp_http_req *r, const char *name, const char **out);
/* Appends base + path (+ "?" + query when non-empty). */
void sp_http_link_url(sp_http_req *r, sp_strbuf *b, const char *path, const char *query);
/* libmicrohttpd's iterator over the query: each argument into r->args and r->query. */
enum MHD_Result sp_http_collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value);
/* r->format from f= (a 400 when unknown), else from Accept. */
int sp_http_negotiate(sp_http_req *r);
/* The answer's language (r->lang): lang= (uk|en, else 400), else Accept-Language, else uk. */
int sp_http_negotiate_lang(sp_http_req *r);
/* The answer's language, for a handler whose words depend on it: the answer then says
 * Content-Language, and Vary: Accept-Language. */
const char *sp_http_lang(sp_http_req *r);
/* uk or en, whichever is the answer's language (as sp_http_lang). */
const char *sp_http_in_lang(sp_http_req *r, const char *uk, const char *en);
/* The request body as a JSON object (duplicate keys refused) into *out, the caller's to
 * json_decref: a 415 ("send <what>") when its Content-Type starts with none of types
 * (NULL-terminated; NULL: any), a 400 when it is not a JSON object. */
int sp_http_json_body(sp_http_req *r, const char *const *types, const char *what, json_t **out);

/* Response cache (cache.c), one per server: get is 1 and the response filled on a hit for
 * this request and data version; put keeps a finished 200 response. */
sp_http_cache *sp_http_cache_new(void); /* NULL: out of memory */
void sp_http_cache_free(sp_http_cache *c);
int sp_http_cache_get(sp_http_req *r);
void sp_http_cache_put(const sp_http_req *r);

/* The router (router.c). route_find: the row for method and path (its {params} into params,
 * pointing into segs), or NULL and the methods the path allows (0: no such path). match: the
 * same for a request, with 404 or 405 (Allow) set when none. run: the row's role check, then
 * its handler; an error code without an answer is answered by sp_http_error_from. */
const sp_http_route *sp_http_route_find(const sp_http_table *t, const char *method,
                                        const char *path, char *segs, size_t size,
                                        const char **params, unsigned *out_allowed);
/* A buffer in the request's arena for sp_http_route_find to split r's path into; NULL: out
 * of memory. */
char *sp_http_route_segs(sp_http_req *r, const char *path, size_t *out_size);
void sp_http_allow_header(unsigned methods, char *out, size_t size);
int sp_http_route_match(sp_http_req *r);
int sp_http_route_run(sp_http_req *r);
/* The row's role check alone (401/403 set when it fails), e.g. on an upload's headers. */
int sp_http_route_allowed(sp_http_req *r);
sp_http_metrics *sp_http_metrics_new(const sp_http_table *t); /* NULL: out of memory */
void sp_http_metrics_free(sp_http_metrics *m);
void sp_http_metrics_count(sp_http_metrics *m, const sp_http_req *r, double seconds);
int sp_http_metrics_page(sp_http_req *r);
int sp_http_healthz(sp_http_req *r);

/* HTML pages (html.c): text escaping, page head and foot (bilingual, no scripts). */
void sp_html_text(sp_strbuf *b, const char *s);
void sp_html_begin(sp_http_req *r, const char *title_uk, const char *title_en);
void sp_html_end(sp_http_req *r, const char *json_href);

/* Routes (routes_ogc.c). Each fills r->status, r->body, r->content_type. */
int sp_ogc_landing(sp_http_req *r);
int sp_ogc_conformance(sp_http_req *r);
int sp_ogc_api(sp_http_req *r);
int sp_ogc_collections(sp_http_req *r);
int sp_ogc_collection(sp_http_req *r);
int sp_ogc_queryables(sp_http_req *r);
int sp_ogc_items(sp_http_req *r);
int sp_ogc_item(sp_http_req *r);
/* GET of item fid of collection id (also the answer to an edit). */
int sp_ogc_item_of(sp_http_req *r, const char *id, const char *fid);
/* A CRS of OGC API Part 2 by URI or short name: its SRID and axis order; 0 when unknown. */
int sp_http_crs_by_uri(const char *uri, int *out_srid, int *out_swap);
/* Part 4 and history (routes_edit.c): POST .../items, PUT/PATCH/DELETE .../items/{id},
 * GET .../items/{id}/history. */
int sp_edit_create(sp_http_req *r);
int sp_edit_item(sp_http_req *r);
int sp_edit_history(sp_http_req *r);
/* Condition reports and citizens' reports (routes_reports.c): POST and GET
 * .../items/{id}/reports, POST /reports, GET /reports/{ref} (a report's state, for its
 * citizen), GET /moderation, POST /moderation/{id}. */
int sp_route_monument_reports(sp_http_req *r);
int sp_route_citizen_report(sp_http_req *r);
int sp_route_citizen_status(sp_http_req *r);
int sp_route_moderation_list(sp_http_req *r); /* GET /moderation */
int sp_route_moderate(sp_http_req *r);        /* POST /moderation/{id} */

/* routes_provenance.c: data sets, licences, attribution, import conflicts */
/* The attribution of the data sets the registry holds, as one line of text, into out. */
int sp_http_attribution(sp_http_req *r, sp_strbuf *out);
/* "attribution": that line, as a JSON member (an error answer is set when it cannot be read). */
int sp_http_attribution_json(sp_http_req *r, sp_strbuf *b);
/* ",{rel: license ...}" for each data set with a licence URL, to go on a links array. */
int sp_http_licence_links(sp_http_req *r, sp_strbuf *b);
/* The data sets (of monument_id, or all held when 0) as a JSON array; else err, no answer. */
int sp_http_datasets_json(sp_http_req *r, int64_t monument_id, sp_strbuf *b, sp_err *err);
int sp_route_datasets(sp_http_req *r);
int sp_route_conflict_list(sp_http_req *r);    /* GET /conflicts */
int sp_route_conflict_resolve(sp_http_req *r); /* POST /conflicts/{id} */
/* Photos (routes_photos.c). An upload is recognised on its headers, its body streamed into
 * the photo store as it arrives (never held whole), freed at completion. A photo upload
 * takes one image (raw body or multipart field `file`); a citizen's report form takes up to
 * SP_UPLOAD_MAX_FILES `file` parts beside its text fields. start: 0 only when out of memory. */
#define SP_UPLOAD_MAX_FILES 5
typedef enum { SP_UPLOAD_PHOTO, SP_UPLOAD_REPORT } sp_http_upload_kind;
struct sp_photo_info;
int sp_http_photo_start(sp_http_req *r, struct MHD_Connection *conn, sp_http_upload_kind kind);
/* On the headers of POST /collections/monuments/items/{id}/photos, before its body is read:
 * the token, its role and the monument. 0 with the answer set (the body is never read). */
int sp_http_photo_precheck(sp_http_req *r);
void sp_http_photo_data(sp_http_req *r, const char *data, size_t n);
void sp_http_photo_free(sp_http_req *r);
/* 1 when a row names the stored photo sha256 (db: an sp_db *), 0 when none, else SP_E*. */
int sp_http_photo_referenced(void *db, const char *sha256);
/* After the body: SP_OK, or the error of a refused body (too large, malformed, ...). */
int sp_http_upload_received(sp_http_req *r);
/* A text field of the form, NULL when not sent. */
const char *sp_http_upload_field(sp_http_req *r, const char *name);
/* Proves each received file is an image and stores it (out[SP_UPLOAD_MAX_FILES]); an error
 * (413, 415, ...) when one is refused. */
int sp_http_upload_finish(sp_http_req *r, struct sp_photo_info *out, int *out_n);
/* What the registry keeps of a stored photo file (pointing into info). */
struct sp_db_photo_file sp_http_photo_file(const struct sp_photo_info *info);
int sp_route_monument_photos(sp_http_req *r);
int sp_route_photo(sp_http_req *r);
/* PATCH /photos/{id}: a photo's metadata and location_public, for inspectors and editors. */
int sp_route_photo_patch(sp_http_req *r);
/* The web pages and their assets (routes_web.c): GET /static/... and a page by file name. */
int sp_route_static(sp_http_req *r);
int sp_route_page(sp_http_req *r);
/* The web page of that file name (web/), as sp_route_page answers it. */
int sp_http_page(sp_http_req *r, const char *name);
int sp_route_vocabularies(sp_http_req *r);
int sp_route_districts(sp_http_req *r);
/* GET /moderation/photos/{id}[/thumb|/web]: a citizen's photo, for editors. */
int sp_route_citizen_photo(sp_http_req *r);
/* GET /stats (routes_stats.c). */
int sp_route_stats(sp_http_req *r);
/* /auth/login, /auth/logout, /auth/me (routes_auth.c). */
int sp_route_login(sp_http_req *r);
int sp_route_logout(sp_http_req *r);
int sp_route_me(sp_http_req *r);
/* The client's address: the peer's, or, when the peer is the trusted proxy, the nearest
 * address in X-Forwarded-For that is not the proxy's. 0 when it has none. */
int sp_http_client_addr(const sp_http_req *r, sp_addr *out);
/* SP_OK when this client may do one more of `what` (and counts it), else an error with 429
 * set. */
int sp_http_limit(sp_http_req *r, sp_limiter *l, const char *what);
/* The staff member behind the request's bearer token: SP_OK, or an error with its answer
 * (401) set. */
struct sp_db_user;
int sp_http_auth(sp_http_req *r, struct sp_db_user *out);

/* /tiles/{layer}/{z}/{x}/{y}[@2x].png and /tiles/{layer}.json (routes_tiles.c). */
int sp_route_tile(sp_http_req *r);
int sp_route_tilejson(sp_http_req *r);
int sp_route_tilesets(sp_http_req *r);
/* /exports/<file> (routes_exports.c). */
int sp_route_export(sp_http_req *r);

#endif
