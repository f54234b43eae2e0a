/* server/router.c - from a request to a row of the route table (routes.c) and its answer:
 * path matching with {params}, 404 and 405 with the Allow header the rows imply, the row's
 * role check before its handler runs, the handler's error code mapped to a response, and
 * the metrics by row (Prometheus text at /metrics). What every route needs is here once, so
 * a handler only fills a body. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>

#include "http_int.h"

static const int metric_statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                                      406, 409, 412, 413, 415, 428, 429, 500, 0};
#define SP_NSTATUS ((int)(sizeof metric_statuses / sizeof metric_statuses[0]))
static const double metric_buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,   0.25,   0.5,   1.0,  2.5};
#define SP_NBUCKETS ((int)(sizeof metric_buckets / sizeof metric_buckets[0]))
/* Answers given without a row: OPTIONS, no such path or method, refused before routing. */
static const char *const metric_extra[] = {"options", "unknown", "-"};
#define SP_NEXTRA   3
#define SP_MAX_ROWS 128

struct sp_http_metrics {
    const sp_http_table *t;
    atomic_ullong requests[SP_MAX_ROWS + SP_NEXTRA][SP_NSTATUS]; /* status 0: any other */
    atomic_ullong buckets[SP_NBUCKETS + 1];                      /* last: +Inf */
    atomic_ullong micros_total;
};

sp_http_metrics *sp_http_metrics_new(const sp_http_table *t)
{
    sp_http_metrics *m = t->n <= SP_MAX_ROWS ? calloc(1, sizeof *m) : NULL;
    if (m)
        m->t = t;
    return m;
}

void sp_http_metrics_free(sp_http_metrics *m)
{
    free(m);
}

static unsigned method_bit(const char *m)
{
    static const struct {
        const char *name;
        unsigned bit;
    } methods[] = {{"GET", SP_M_GET}, {"HEAD", SP_M_GET},    {"POST", SP_M_POST},
                   {"PUT", SP_M_PUT}, {"PATCH", SP_M_PATCH}, {"DELETE", SP_M_DELETE}};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(m, methods[i].name) == 0)
            return methods[i].bit;
    return 0;
}

/* 1 when the path's n segments fit the row's pattern; its {params} into params. */
static int fits(const char *pattern, char *const *seg, int n, const char **params)
{
    int i = 0, np = 0;
    for (const char *p = pattern; *p == '/' && p[1]; i++) {
        p++;
        size_t len = strcspn(p, "/");
        if (len == 3 && strncmp(p, "{*}", 3) == 0) /* the rest, one segment or more */
            return i < n;
        if (i == n)
            return 0;
        if (*p == '{') {
            if (np < SP_HTTP_MAX_PARAMS)
                params[np++] = seg[i];
        } else if (strlen(seg[i]) != len || strncmp(p, seg[i], len) != 0)
            return 0;
        p += len;
    }
    return i == n;
}

const sp_http_route *sp_http_route_find(const sp_http_table *t, const char *method,
                                        const char *path, char *segs, size_t size,
                                        const char **params, unsigned *out_allowed)
{
    char *seg[8];
    int n = 0;
    *out_allowed = 0;
    if (snprintf(segs, size, "%s", path) >= (int)size)
        return NULL;
    for (char *save = NULL, *tok = strtok_r(segs, "/", &save); tok;
         tok = strtok_r(NULL, "/", &save)) {
        if (n == (int)(sizeof seg / sizeof seg[0]))
            return NULL;
        seg[n++] = tok;
    }
    unsigned bit = method_bit(method);
    for (int i = 0; i < t->n; i++) {
        const sp_http_route *rt = &t->rows[i];
        const char *p[SP_HTTP_MAX_PARAMS] = {0};
        if (!fits(rt->pattern, seg, n, p))
            continue;
        if (rt->methods & bit) {
            memcpy(params, p, sizeof p);
            return rt;
        }
        *out_allowed |= rt->methods;
    }
    return NULL;
}

void sp_http_allow_header(unsigned methods, char *out, size_t size)
{
    static const char *const names[] = {"GET, HEAD", "POST", "PUT", "PATCH", "DELETE"};
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < 5; i++)
        if (methods & (1u << i))
            len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s%s", len ? ", " : "",
                                    names[i]);
}

const char *sp_http_param(const sp_http_req *r, const char *name)
{
    if (!r->route_row)
        return NULL;
    size_t n = strlen(name);
    int i = 0;
    for (const char *p = strchr(r->route_row->pattern, '{'); p && i < SP_HTTP_MAX_PARAMS;
         p = strchr(p + 1, '{'), i++)
        if (strncmp(p + 1, name, n) == 0 && p[n + 1] == '}')
            return r->params[i];
    return NULL;
}

char *sp_http_route_segs(sp_http_req *r, const char *path, size_t *out_size)
{
    size_t n = strlen(path) + 1;
    *out_size = n < SP_HTTP_MAX_PATH ? n : SP_HTTP_MAX_PATH; /* longer: cut, so no route */
    return sp_arena_alloc(&r->arena, *out_size);
}

int sp_http_route_match(sp_http_req *r)
{
    unsigned allowed = 0;
    size_t size;
    if (!(r->segs = sp_http_route_segs(r, r->path, &size)))
        return sp_http_error(r, 500, "ServerError", "out of memory");
    r->route_row =
        sp_http_route_find(r->routes, r->method, r->path, r->segs, size, r->params, &allowed);
    if (r->route_row) {
        r->route = r->route_row->metric;
        return SP_OK;
    }
    r->route = "unknown";
    if (!allowed)
        return sp_http_error(r, 404, "NotFound", "no such path: %.200s", r->path);
    sp_http_allow_header(allowed, r->allow, sizeof r->allow);
    return sp_http_error(r, 405, "MethodNotAllowed", "%s is not allowed on %.200s (allowed: %s)",
                         r->method, r->path, r->allow);
}

static unsigned role_bit(const char *role)
{
    return strcmp(role, "inspector") == 0 ? SP_ROLE_INSPECTOR
           : strcmp(role, "editor") == 0  ? SP_ROLE_EDITOR
           : strcmp(role, "admin") == 0   ? SP_ROLE_ADMIN
                                          : 0;
}

/* 401 without a valid token, 403 naming the role(s) the row is for. */
static int check_role(sp_http_req *r, const sp_http_route *rt)
{
    if (!rt->roles)
        return SP_OK;
    int rc = sp_http_auth(r, &r->user);
    if (rc != SP_OK)
        return rc;
    if (role_bit(r->user.role) & rt->roles)
        return SP_OK;
    static const char *const names[] = {"inspector", "editor", "admin"};
    char roles[64] = "";
    int k = 0;
    for (int i = 0; i < 3; i++)
        if (rt->roles & (1u << i))
            k++;
    for (int i = 0, j = 0; i < 3; i++)
        if (rt->roles & (1u << i)) {
            size_t len = strlen(roles);
            snprintf(roles + len, sizeof roles - len, "%s%s", j == 0 ? "" : " and ", names[i]);
            j++;
        }
    return sp_http_error(r, 403, "Forbidden", "%s is for the %s role%s; %s is %s",
                         rt->what ? rt->what : "this", roles, k > 1 ? "s" : "", r->user.login,
                         r->user.role);
}

int sp_http_route_allowed(sp_http_req *r)
{
    return check_role(r, r->route_row);
}

int sp_http_route_run(sp_http_req *r)
{
    const sp_http_route *rt = r->route_row;
    int rc = check_role(r, rt);
    if (rc == SP_OK)
        rc = rt->handler(r);
    if (rc != SP_OK && r->status < 400) { /* a code, no answer yet: the one map */
        sp_err err = {0};
        sp_err_set(&err, rc, "%s failed", rt->metric);
        sp_http_error_from(r, &err);
    }
    return rc;
}

int sp_http_healthz(sp_http_req *r)
{
    sp_strbuf_puts(&r->body, "{\"status\":\"ok\"}");
    r->cache_control = "no-store";
    return SP_OK;
}

static int metric_row(const sp_http_metrics *m, const sp_http_req *r)
{
    if (r->route_row)
        return (int)(r->route_row - m->t->rows);
    for (int i = 0; i < SP_NEXTRA - 1; i++)
        if (strcmp(r->route, metric_extra[i]) == 0)
            return SP_MAX_ROWS + i;
    return SP_MAX_ROWS + SP_NEXTRA - 1;
}

void sp_http_metrics_count(sp_http_metrics *m, const sp_http_req *r, double seconds)
{
    int ri = metric_row(m, r), si = SP_NSTATUS - 1, bi = SP_NBUCKETS;
    for (int i = 0; i < SP_NSTATUS - 1; i++)
        if (metric_statuses[i] == r->status)
            si = i;
    for (int i = SP_NBUCKETS - 1; i >= 0; i--)
        if (seconds <= metric_buckets[i])
            bi = i;
    atomic_fetch_add(&m->requests[ri][si], 1);
    atomic_fetch_add(&m->buckets[bi], 1);
    atomic_fetch_add(&m->micros_total, (unsigned long long)(seconds * 1e6));
}

static const char *metric_name(const sp_http_metrics *m, int row)
{
    return row < SP_MAX_ROWS ? m->t->rows[row].metric : metric_extra[row - SP_MAX_ROWS];
}

/* 1 when an earlier row has the same metric name (its counts are summed there). */
static int is_repeat(const sp_http_metrics *m, int row)
{
    for (int i = 0; i < row && i < m->t->n; i++)
        if (strcmp(m->t->rows[i].metric, metric_name(m, row)) == 0)
            return 1;
    return 0;
}

/* GET /metrics: Prometheus text exposition format 0.0.4. */
int sp_http_metrics_page(sp_http_req *r)
{
    sp_http_metrics *m = r->metrics;
    sp_strbuf *b = &r->body;
    sp_strbuf_puts(b, "# HELP spadok_http_requests_total HTTP requests by route and status.\n"
                      "# TYPE spadok_http_requests_total counter\n");
    for (int i = 0; i < SP_MAX_ROWS + SP_NEXTRA; i++) {
        if ((i < SP_MAX_ROWS && i >= m->t->n) || is_repeat(m, i))
            continue;
        for (int k = 0; k < SP_NSTATUS; k++) {
            unsigned long long n = 0;
            for (int j = i; j < SP_MAX_ROWS + SP_NEXTRA; j++)
                if ((j >= SP_MAX_ROWS || j < m->t->n) &&
                    strcmp(metric_name(m, j), metric_name(m, i)) == 0)
                    n += atomic_load(&m->requests[j][k]);
            if (!n)
                continue;
            if (metric_statuses[k])
                sp_strbuf_printf(b, "spadok_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                                 metric_name(m, i), metric_statuses[k], n);
            else
                sp_strbuf_printf(b,
                                 "spadok_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
                                 metric_name(m, i), n);
        }
    }
    sp_strbuf_puts(b, "# HELP spadok_http_request_duration_seconds Time to answer a request.\n"
                      "# TYPE spadok_http_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (int i = 0; i <= SP_NBUCKETS; i++) {
        cum += atomic_load(&m->buckets[i]);
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
                     (double)atomic_load(&m->micros_total) / 1e6, cum);
    struct stat st;
    long long bytes = 0;
    char wal[4096];
    if (stat(r->cfg->db_path, &st) == 0)
        bytes += (long long)st.st_size;
    snprintf(wal, sizeof wal, "%s-wal", r->cfg->db_path);
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
    return SP_OK;
}
