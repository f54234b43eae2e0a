/* server/routes_edit.c - OGC API - Features Part 4 on monuments and protection zones:
 * POST .../items creates, PUT .../items/{id} replaces, PATCH .../items/{id} changes what the
 * body names (JSON Merge Patch), DELETE .../items/{id} leaves a tombstone. Editors only. PUT,
 * PATCH and DELETE need If-Match with the ETag the editor saw (428 without, 412 when someone
 * changed the record since), so two editors never overwrite each other unseen. Bodies are validated
 * by the importer's rules (importers/feature.c) with the geometry in the Content-Crs. Every change
 * writes its audit row in the same transaction; GET .../items/{id}/history shows them. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "sp_db_items.h"
#include "sp_db_users.h"
#include "sp_imp.h"
#include "sp_json.h"

#define SP_EDIT_ROLE "editor"

/* What a collection edited through the API stores, and how its messages and ETags name it. */
typedef struct editable {
    const char *collection;
    const sp_entity *entity;
    const char *noun;
    char etag_prefix; /* ETags are "<prefix><id>v<version>-...", see routes_ogc.c */
} editable;

/* The edited collection named by the path in *out; else the error. */
static int edited(sp_http_req *r, const char *collection, editable *out)
{
    int c = sp_db_collection_by_name(collection);
    if (c < 0)
        return sp_http_error(r, 404, "NotFound", "no collection '%.100s'", collection);
    if (c == SP_COL_MONUMENTS)
        *out = (editable){"monuments", sp_model_entity(SP_ENT_MONUMENT), "monument", 'm'};
    else if (c == SP_COL_ZONES)
        *out = (editable){"protection_zones", sp_model_entity(SP_ENT_ZONE), "protection zone", 'z'};
    else
        return sp_http_error(r, 405, "MethodNotAllowed",
                             "%s cannot be edited through the API: condition reports are "
                             "added with POST /collections/monuments/items/{id}/reports",
                             collection);
    return SP_OK;
}

/* The version named by If-Match (an ETag of GET .../items/{id}); else 428 or 412. */
static int if_match(sp_http_req *r, const editable *ed, long long id, long long *out_version)
{
    const char *im = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-Match");
    if (!im || strcmp(im, "*") == 0)
        return sp_http_error(r, 428, "PreconditionRequired",
                             "send If-Match with the ETag of the %s as you saw it "
                             "(GET /collections/%s/items/%lld)",
                             ed->noun, ed->collection, id);
    long long eid = 0;
    char prefix = 0;
    if (sscanf(im, " W/\"%c%lldv%lld-", &prefix, &eid, out_version) != 3 &&
        sscanf(im, " \"%c%lldv%lld-", &prefix, &eid, out_version) != 3)
        eid = 0;
    if (eid != id || prefix != ed->etag_prefix)
        return sp_http_error(r, 412, "PreconditionFailed",
                             "If-Match %.60s is not an ETag of %s %lld", im, ed->noun, id);
    return SP_OK;
}

/* If-None-Match on a write, after If-Match held (RFC 9110 13.2.2): the item exists in the
 * version If-Match named, so "*" or an ETag of that version means the condition is false:
 * 412, nothing written. */
static int if_none_match(sp_http_req *r, const editable *ed, long long id, long long version)
{
    const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
    if (!inm)
        return SP_OK;
    char mine[64];
    snprintf(mine, sizeof mine, "\"%c%lldv%lld-", ed->etag_prefix, id, version);
    const char *star = inm + strspn(inm, " \t");
    if (*star == '*' && star[1 + strspn(star + 1, " \t")] == '\0')
        return sp_http_error(r, 412, "PreconditionFailed",
                             "If-None-Match *: %s %lld exists; nothing was written", ed->noun, id);
    if (strstr(inm, mine))
        return sp_http_error(r, 412, "PreconditionFailed",
                             "If-None-Match names the current version of %s %lld; nothing was "
                             "written",
                             ed->noun, id);
    return SP_OK;
}

/* The body's CRS from Content-Crs (OGC API Part 4 with Part 2), CRS84 when absent. */
static int content_crs(sp_http_req *r, int *srid, int *swap)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Crs");
    *srid = 4326;
    *swap = 0;
    if (!h)
        return SP_OK;
    char uri[160];
    size_t n = strlen(h);
    if (n >= sizeof uri)
        return sp_http_error(r, 400, "InvalidParameterValue", "Content-Crs is too long");
    if (n >= 2 && h[0] == '<' && h[n - 1] == '>')
        snprintf(uri, sizeof uri, "%.*s", (int)(n - 2), h + 1);
    else
        snprintf(uri, sizeof uri, "%s", h);
    if (!sp_http_crs_by_uri(uri, srid, swap))
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "Content-Crs %.100s: supported are CRS84, EPSG 4326, 3857 and 6384 "
                             "(as http://www.opengis.net/def/crs/... URIs)",
                             h);
    return SP_OK;
}

static int json_body(sp_http_req *r)
{
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (!ct ||
        (strncmp(ct, "application/geo+json", 20) != 0 && strncmp(ct, "application/json", 16) != 0 &&
         strncmp(ct, "application/merge-patch+json", 28) != 0))
        return sp_http_error(r, 415, "UnsupportedMediaType",
                             "send the feature as Content-Type: application/geo+json");
    if (!r->req_body.len)
        return sp_http_error(r, 400, "InvalidBody", "the request has no body");
    return SP_OK;
}

/* After a write: the record as GET shows it (with its new ETag), and the status. */
static int answer(sp_http_req *r, const editable *ed, long long id, int status)
{
    char fid[24];
    snprintf(fid, sizeof fid, "%lld", id);
    sp_ogc_item_of(r, ed->collection, fid);
    if (r->status == 200) {
        r->status = status;
        r->cache_control = "no-store";
    }
    return SP_OK;
}

/* Validates the body (against base for PUT/PATCH) and saves it; id 0 creates. */
static int save(sp_http_req *r, const editable *ed, const sp_db_user *u, sp_imp_mode mode,
                long long id, long long version)
{
    int rc = SP_OK;
    int srid, swap;
    if ((rc = content_crs(r, &srid, &swap)) != SP_OK || (rc = json_body(r)) != SP_OK)
        return rc;
    sp_err err = {0};
    sp_db_stored base = {0};
    sp_imp_feature f = {0};
    sp_db_actor actor = {u->login, u->role, 0, 0};
    int64_t new_id = 0;
    int changed = 0;
    pthread_mutex_lock(&r->writer->lock);
    if (mode != SP_IMP_CREATE) {
        rc = sp_db_item_get(r->writer->db, ed->entity, id, &base, &err);
        if (rc == SP_OK && base.is_deleted)
            rc = sp_err_set(&err, SP_ENOTFOUND, "%s %lld is deleted", ed->noun, id);
        if (rc == SP_OK && base.version != version) /* before validating: 412 comes first */
            rc = sp_err_set(&err, SP_ECONFLICT,
                            "%s %lld is at version %lld, not %lld: someone changed it; get it "
                            "again, check, and retry with its new ETag",
                            ed->noun, id, (long long)base.version, version);
    }
    sp_imp_body how = {mode, mode == SP_IMP_CREATE ? NULL : &base.rec, srid, swap};
    if (rc == SP_OK)
        rc = sp_imp_feature_parse(r->req_body.data, r->req_body.len, ed->entity, r->writer->vocab,
                                  &how, &f, &err);
    if (rc == SP_OK)
        rc = sp_db_item_save(r->writer->db, id, version, &f.rec, &actor, &new_id, &changed, &err);
    pthread_mutex_unlock(&r->writer->lock);
    sp_imp_feature_clear(&f);
    sp_db_stored_clear(&base);
    if (rc == SP_ECONFLICT && mode != SP_IMP_CREATE && strstr(err.msg, "version"))
        return sp_http_error(r, 412, "PreconditionFailed", "%s", err.msg);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    if (mode == SP_IMP_CREATE)
        snprintf(r->location, sizeof r->location, "%s/collections/%s/items/%lld", r->base,
                 ed->collection, (long long)new_id);
    answer(r, ed, new_id, mode == SP_IMP_CREATE ? 201 : 200);
    return SP_OK;
}

int sp_edit_create(sp_http_req *r)
{
    int rc = SP_OK;
    const char *collection = r->route_row->arg ? r->route_row->arg : sp_http_param(r, "collection");
    r->cache_control = "no-store";
    sp_db_user u = r->user; /* the router checked the role */
    editable ed = {0};
    if ((rc = edited(r, collection, &ed)) != SP_OK || (rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    save(r, &ed, &u, SP_IMP_CREATE, 0, 0);
    return SP_OK;
}

static int delete (sp_http_req *r, const editable *ed, const sp_db_user *u, long long id,
                   long long version)
{
    sp_db_actor actor = {u->login, u->role, 0, 0};
    sp_err err = {0};
    pthread_mutex_lock(&r->writer->lock);
    int rc = sp_db_item_delete(r->writer->db, ed->entity, id, version, &actor, &err);
    pthread_mutex_unlock(&r->writer->lock);
    if (rc == SP_ECONFLICT)
        return sp_http_error(r, 412, "PreconditionFailed", "%s", err.msg);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    r->status = 204;
    r->has_etag = 0;
    return SP_OK;
}

int sp_edit_item(sp_http_req *r)
{
    int rc = SP_OK;
    const char *collection = r->route_row->arg ? r->route_row->arg : sp_http_param(r, "collection");
    const char *fid = sp_http_param(r, "fid");
    r->cache_control = "no-store";
    long long id, version = 0;
    editable ed = {0};
    if ((rc = edited(r, collection, &ed)) != SP_OK || (rc = sp_http_check_args(r, NULL)) != SP_OK ||
        (rc = sp_http_parse_id(r, fid, ed.noun, &id)) != SP_OK)
        return rc;
    /* Who may (checked by the router) comes before what they send: a stranger learns
     * nothing from 428/412. */
    sp_db_user u = r->user;
    int is_delete = strcmp(r->method, "DELETE") == 0;
    if ((rc = if_match(r, &ed, id, &version)) != SP_OK ||
        (rc = if_none_match(r, &ed, id, version)) != SP_OK)
        return rc;
    if (is_delete)
        return delete (r, &ed, &u, id, version);
    save(r, &ed, &u, strcmp(r->method, "PUT") == 0 ? SP_IMP_REPLACE : SP_IMP_PATCH, id, version);
    return SP_OK;
}

/* ---- history -------------------------------------------------------------------------- */

typedef struct history_ctx {
    sp_http_req *r;
    int n;
    int is_staff;     /* staff see logins and exact geometry; the public sees roles */
    int is_sensitive; /* a location-sensitive site (or its zone): no place in public history */
} history_ctx;

/* What public history never shows of a location-sensitive site: where it was. */
static int is_place(const char *key)
{
    static const char *const place[] = {"geometry", "address", "cadastral_no", "district", NULL};
    for (int i = 0; place[i]; i++)
        if (strcmp(key, place[i]) == 0)
            return 1;
    return 0;
}

static int says_sensitive(json_t *side)
{
    json_t *v = json_object_get(side, "location_sensitive");
    return json_is_integer(v) && json_integer_value(v) != 0;
}

static void json_value(sp_strbuf *b, json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    sp_strbuf_puts(b, text ? text : "null");
    free(text);
}

/* {"field": {"from": .., "to": ..}} for every property that differs between the two sides. */
static void diff(history_ctx *x, json_t *before, json_t *after)
{
    sp_strbuf *b = &x->r->body;
    static const char *const skip[] = {"version", "id", NULL};
    json_t *sides[2] = {before, after};
    int hides_place = x->is_sensitive || says_sensitive(before) || says_sensitive(after);
    int first = 1;
    sp_strbuf_puts(b, "{");
    for (int s = 0; s < 2; s++) {
        const char *key;
        json_t *v;
        json_object_foreach(sides[s], key, v)
        {
            json_t *old = json_object_get(before, key), *new = json_object_get(after, key);
            int is_skipped = 0;
            for (int k = 0; skip[k]; k++)
                is_skipped |= strcmp(key, skip[k]) == 0;
            /* each key once: from the first side that has it */
            /* where and when a contributor's photo was taken never reaches the public */
            is_skipped |= !x->is_staff && strncmp(key, "taken_", 6) == 0;
            if (is_skipped || (s == 1 && old) || json_equal(old, new))
                continue;
            if ((json_is_null(old) || !old) && (json_is_null(new) || !new))
                continue;
            sp_json_key(b, key, &first);
            if (!x->is_staff && (strcmp(key, "geometry") == 0 || (hides_place && is_place(key)))) {
                sp_strbuf_puts(b, "{\"changed\":true}"); /* archaeological sites stay coarse */
                continue;
            }
            sp_strbuf_puts(b, "{\"from\":");
            json_value(b, old);
            sp_strbuf_puts(b, ",\"to\":");
            json_value(b, new);
            sp_strbuf_puts(b, "}");
        }
    }
    sp_strbuf_puts(b, "}");
}

static int history_row(void *ctx, const sp_db_audit_row *row, sp_err *err)
{
    history_ctx *x = ctx;
    sp_strbuf *b = &x->r->body;
    if (x->n++)
        sp_strbuf_puts(b, ",");
    sp_strbuf_puts(b, "{\"at\":");
    sp_json_str(b, row->at);
    sp_strbuf_puts(b, ",\"action\":");
    sp_json_str(b, row->action);
    /* Staff identities are not published: the public sees the role (or the import run). */
    sp_strbuf_puts(b, ",\"by\":");
    if (row->import_run_id)
        sp_strbuf_printf(b, "\"import run %lld\"", (long long)row->import_run_id);
    else
        sp_json_str(b, row->actor_role ? row->actor_role : "staff");
    if (x->is_staff && !row->import_run_id) {
        sp_strbuf_puts(b, ",\"login\":");
        sp_json_str(b, row->actor);
    }
    json_t *before = row->before ? json_loads(row->before, 0, NULL) : NULL;
    json_t *after = row->after ? json_loads(row->after, 0, NULL) : NULL;
    json_t *version = json_object_get(after ? after : before, "version");
    if (json_is_integer(version))
        sp_strbuf_printf(b, ",\"version\":%lld", (long long)json_integer_value(version));
    if (before && after) {
        sp_strbuf_puts(b, ",\"changes\":");
        diff(x, before, after);
    }
    json_decref(before);
    json_decref(after);
    sp_strbuf_puts(b, "}");
    return b->failed ? sp_err_set(err, SP_ENOMEM, "out of memory") : SP_OK;
}

/* *out 1 when record id of e is a location-sensitive monument, or the zone of one. */
static int sensitive(sp_http_req *r, const sp_entity *e, long long id, int *out, sp_err *err)
{
    sp_db_stored s;
    *out = 0;
    int rc = sp_db_item_get(r->db, e, id, &s, err);
    if (rc != SP_OK)
        return rc;
    if (e->id == SP_ENT_MONUMENT) {
        const char *flag = s.rec.values[SP_MF_LOCATION_SENSITIVE];
        *out = flag && strcmp(flag, "0") != 0;
    } else if (s.rec.values[SP_ZF_MONUMENT_ID]) { /* a zone: its monument's */
        long long mid = atoll(s.rec.values[SP_ZF_MONUMENT_ID]);
        sp_db_stored_clear(&s);
        rc = sensitive(r, sp_model_entity(SP_ENT_MONUMENT), mid, out, err);
        return rc == SP_ENOTFOUND ? SP_OK : rc;
    }
    sp_db_stored_clear(&s);
    return rc;
}

int sp_edit_history(sp_http_req *r)
{
    int rc = SP_OK;
    const char *collection = r->route_row->arg ? r->route_row->arg : sp_http_param(r, "collection");
    const char *fid = sp_http_param(r, "fid");
    long long id;
    editable ed = {0};
    if ((rc = edited(r, collection, &ed)) != SP_OK || (rc = sp_http_check_args(r, NULL)) != SP_OK ||
        (rc = sp_http_parse_id(r, fid, ed.noun, &id)) != SP_OK)
        return rc;
    if (r->format != SP_FMT_JSON)
        return sp_http_error(r, 406, "NotAcceptable", "history is served as JSON");
    history_ctx x = {r, 0, 0, 0};
    sp_db_user u;
    if (MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization")) {
        rc = sp_http_auth(r, &u);
        if (rc != SP_OK)
            return rc;
        x.is_staff = 1;
        r->cache_control = "private, no-store";
    }
    sp_err err = {0};
    if (sp_db_item_live(r->db, ed.entity, id, &err) != SP_OK ||
        (!x.is_staff && sensitive(r, ed.entity, id, &x.is_sensitive, &err) != SP_OK))
        return sp_http_error_from(r, &err);
    sp_strbuf_printf(&r->body, "{\"id\":%lld,\"history\":[", id);
    if (sp_db_audit_foreach(r->db, ed.entity->name, id, history_row, &x, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_puts(&r->body, "],\"links\":[{\"href\":");
    sp_strbuf url = {0};
    char path[96];
    snprintf(path, sizeof path, "/collections/%s/items/%lld", ed.collection, id);
    sp_http_link_url(r, &url, path, NULL);
    sp_json_str(&r->body, sp_strbuf_cstr(&url));
    sp_strbuf_free(&url);
    sp_strbuf_puts(&r->body, ",\"rel\":\"about\",\"type\":\"application/geo+json\"}]}");
    return SP_OK;
}
