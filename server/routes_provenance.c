/* server/routes_provenance.c - who the data is from and what the imports left to decide.
 * The attribution and licence links of every output are composed here from the data sets
 * the registry holds values of (storage's dataset table), never written in code: TileJSON,
 * the landing page, each collection, the exports and the pages all call these. Also the
 * public list of data sets (GET /datasets) and the editors' conflicts (GET /conflicts,
 * POST /conflicts/{id}: keep ours, take the source's, or delete a missing record). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "sp_db_users.h"
#include "sp_json.h"

#define SP_CONFLICT_LIST_MAX 500
#define SP_CONFLICT_ROLE     "editor" /* as moderation: editors decide what the record says */

/* ---- attribution ------------------------------------------------------------------------ */

int sp_http_attribution(sp_http_req *r, sp_strbuf *out)
{
    sp_err err = {0};
    char *line = NULL;
    if (sp_db_attribution(r->db, &line, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_puts(out, line);
    free(line);
    return SP_OK;
}

int sp_http_attribution_json(sp_http_req *r, sp_strbuf *b)
{
    sp_strbuf credit = {0};
    sp_strbuf_puts(b, "\"attribution\":");
    int rc = sp_http_attribution(r, &credit);
    if (rc == SP_OK)
        sp_json_str(b, sp_strbuf_cstr(&credit));
    sp_strbuf_free(&credit);
    return rc;
}

/* One data set as JSON: its details, and a licence link when its licence is known. */
static void dataset_json(sp_strbuf *b, const sp_db_dataset *d)
{
    const char *keys[] = {"name",        "title",       "publisher", "licence",
                          "licence_url", "attribution", "url",       "retrieved"};
    const char *vals[] = {d->name,        d->title,       d->publisher, d->licence,
                          d->licence_url, d->attribution, d->url,       d->retrieved};
    sp_strbuf_puts(b, "{");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        sp_strbuf_printf(b, "%s\"%s\":", i ? "," : "", keys[i]);
        if (vals[i])
            sp_json_str(b, vals[i]);
        else
            sp_strbuf_puts(b, "null");
    }
    sp_strbuf_puts(b, "}");
}

typedef struct json_list {
    sp_strbuf *b;
    int n;
} json_list;

static int add_dataset(void *ctx, const sp_db_dataset *d, sp_err *err)
{
    json_list *l = ctx;
    (void)err;
    if (l->n++)
        sp_strbuf_puts(l->b, ",");
    dataset_json(l->b, d);
    return SP_OK;
}

int sp_http_datasets_json(sp_http_req *r, int64_t monument_id, sp_strbuf *b, sp_err *err)
{
    json_list l = {b, 0};
    sp_strbuf_puts(b, "[");
    if (sp_db_dataset_foreach(r->db, monument_id, add_dataset, &l, err) != SP_OK)
        return err->code;
    sp_strbuf_puts(b, "]");
    return SP_OK;
}

/* The OGC links of the licences: rel=license for each data set with a known licence text,
 * each after a comma (the caller's links array goes on). */
static int add_licence_link(void *ctx, const sp_db_dataset *d, sp_err *err)
{
    sp_strbuf *b = ctx;
    (void)err;
    if (!d->licence_url)
        return SP_OK;
    sp_strbuf_puts(b, ",{\"rel\":\"license\",\"type\":\"text/html\",\"href\":");
    sp_json_str(b, d->licence_url);
    sp_strbuf_puts(b, ",\"title\":");
    sp_strbuf title = {0};
    sp_strbuf_printf(&title, "%s: %s", d->title ? d->title : d->name, d->licence);
    sp_json_str(b, sp_strbuf_cstr(&title));
    sp_strbuf_free(&title);
    sp_strbuf_puts(b, "}");
    return SP_OK;
}

int sp_http_licence_links(sp_http_req *r, sp_strbuf *b)
{
    sp_err err = {0};
    if (sp_db_dataset_foreach(r->db, 0, add_licence_link, b, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    return SP_OK;
}

/* GET /datasets: the data sets the registry holds, with their licences and the composed
 * attribution line. */
int sp_route_datasets(sp_http_req *r)
{
    int rc = SP_OK;
    sp_err err = {0};
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    sp_strbuf credit = {0};
    sp_strbuf_puts(&r->body, "{\"datasets\":");
    if (sp_http_datasets_json(r, 0, &r->body, &err) != SP_OK)
        rc = sp_http_error_from(r, &err);
    if (rc == SP_OK && (rc = sp_http_attribution(r, &credit)) == SP_OK) {
        sp_strbuf_puts(&r->body, ",\"attribution\":");
        sp_json_str(&r->body, sp_strbuf_cstr(&credit));
        sp_strbuf_puts(&r->body, "}");
    }
    sp_strbuf_free(&credit);
    return rc;
}

/* ---- conflicts ----------------------------------------------------------------------------- */

static void str_or_null(sp_strbuf *b, const char *key, const char *v)
{
    sp_strbuf_printf(b, ",\"%s\":", key);
    if (v)
        sp_json_str(b, v);
    else
        sp_strbuf_puts(b, "null");
}

static int add_conflict(void *ctx, const sp_db_conflict *c, sp_err *err)
{
    json_list *l = ctx;
    (void)err;
    sp_strbuf *b = l->b;
    sp_strbuf_printf(b, "%s{\"id\":%lld,\"run_id\":%lld,\"entity_id\":%lld", l->n++ ? "," : "",
                     (long long)c->id, (long long)c->run_id, (long long)c->entity_id);
    str_or_null(b, "entity", c->entity);
    str_or_null(b, "name", c->name);
    str_or_null(b, "source_id", c->source_id);
    str_or_null(b, "dataset", c->dataset);
    str_or_null(b, "kind", c->kind);
    str_or_null(b, "field", c->field);
    str_or_null(b, "source_value", c->source_value);
    str_or_null(b, "current_value", c->current_value);
    str_or_null(b, "changed_by", c->changed_by);
    str_or_null(b, "changed_at", c->changed_at);
    str_or_null(b, "status", c->status);
    str_or_null(b, "resolved_by", c->resolved_by);
    str_or_null(b, "resolved_at", c->resolved_at);
    str_or_null(b, "created_at", c->created_at);
    sp_strbuf_puts(b, "}");
    return SP_OK;
}

int sp_route_conflict_list(sp_http_req *r)
{
    int rc = SP_OK;
    r->cache_control = "no-store";
    r->has_etag = 0;
    static const char *const args[] = {"status", "run", NULL};
    if ((rc = sp_http_check_args(r, args)) != SP_OK)
        return rc;
    const char *status = sp_http_arg_get(r, "status"), *run = sp_http_arg_get(r, "run");
    static const char *const statuses[] = {"open",    "noted", "kept", "taken",
                                           "deleted", "all",   NULL};
    int ok = !status;
    for (int i = 0; status && statuses[i]; i++)
        ok |= strcmp(status, statuses[i]) == 0;
    if (!ok)
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "status=%.40s: open, noted, kept, taken, deleted or all", status);
    if (!status)
        status = "open";
    long long run_id = 0;
    if (run && (rc = sp_http_parse_id(r, run, "import run", &run_id)) != SP_OK)
        return rc;
    json_list l = {&r->body, 0};
    sp_err err = {0};
    sp_strbuf_puts(&r->body, "{\"conflicts\":[");
    if (sp_db_conflict_foreach(r->db, run_id, strcmp(status, "all") ? status : NULL,
                               SP_CONFLICT_LIST_MAX, add_conflict, &l, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_printf(&r->body, "],\"numberReturned\":%d}", l.n);
    return SP_OK;
}

static int conflict_resolve(sp_http_req *r, const sp_db_user *u, long long id)
{
    json_t *body = NULL;
    int rc = sp_http_json_body(r, NULL, "JSON", &body);
    if (rc != SP_OK)
        return rc;
    const char *resolution = json_string_value(json_object_get(body, "resolution"));
    if (!resolution) {
        json_decref(body);
        return sp_http_error(r, 400, "InvalidBody",
                             "send {\"resolution\": \"keep\" | \"take\" | \"delete\"}");
    }
    const char *status = strcmp(resolution, "keep") == 0   ? "kept"
                         : strcmp(resolution, "take") == 0 ? "taken"
                                                           : "deleted";
    sp_db_actor actor = {u->login, u->role, 0, 0};
    sp_err err = {0};
    pthread_mutex_lock(&r->writer->lock);
    rc = sp_db_conflict_resolve(r->writer->db, id, resolution, &actor, &err);
    pthread_mutex_unlock(&r->writer->lock);
    json_decref(body); /* resolution was body's */
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_printf(&r->body, "{\"id\":%lld,\"status\":\"%s\"}", id, status);
    return SP_OK;
}

int sp_route_conflict_resolve(sp_http_req *r)
{
    int rc = SP_OK;
    r->cache_control = "no-store";
    r->has_etag = 0;
    sp_db_user u = r->user; /* the router checked the role */
    long long n = 0;
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK ||
        (rc = sp_http_parse_id(r, sp_http_param(r, "id"), "conflict", &n)) != SP_OK)
        return rc;
    return conflict_resolve(r, &u, n);
}
