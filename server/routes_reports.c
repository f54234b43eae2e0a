/* server/routes_reports.c - how condition is recorded: inspectors file condition reports on
 * a monument (POST .../items/{id}/reports; a correction is a new report that supersedes one,
 * never an edit); anyone may report damage (POST /reports, no account, limited per address),
 * which waits for an editor at /moderation to approve it as a citizen's report or reject it
 * with a reason. A monument's timeline is GET .../items/{id}/reports (the condition_reports
 * collection filtered to it). Bodies are validated by the importer's rules. A citizen says
 * whether the photos may be published (photo_licence: CC-BY-4.0, CC0-1.0 or none; none when
 * not said) and how to be credited (photo_credit; anonymous when empty), and follows the
 * report by its reference number (GET /reports/{ref}: its state, never the contact, the
 * place or the photos' EXIF). */
#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "sp_db_items.h"
#include "sp_db_reports.h"
#include "sp_db_users.h"
#include "sp_imp.h"
#include "sp_json.h"
#include "sp_photo.h"

#define SP_REPORT_ROLE         "inspector"
#define SP_MODERATOR_ROLE      "editor"
#define SP_CITIZEN_TEXT_MAX    4000
#define SP_CITIZEN_CONTACT_MAX 200
#define SP_MODERATION_LIST_MAX 500
#define SP_CITIZEN_REF_MAX     31 /* "2026-1A2B3C4D" and room to grow */

/* What a citizen may choose for the photos: an SPDX licence, or none (do not publish). */
static const char *const photo_licences[] = {"CC-BY-4.0", "CC0-1.0", "none"};

/* The request body as a JSON object (JSON or GeoJSON), NULL with the error answer set. */
static json_t *json_request(sp_http_req *r)
{
    static const char *const types[] = {"application/json", "application/geo+json", NULL};
    json_t *j = NULL;
    sp_http_json_body(r, types, "JSON (application/json)", &j);
    return j;
}

/* Report fields of a JSON object (or a Feature's properties), validated as an import. */
static int report_values(sp_http_req *r, json_t *obj, sp_imp_feature *out)
{
    char *text = json_dumps(obj, JSON_COMPACT);
    if (!text)
        return sp_http_error(r, 500, "ServerError", "out of memory");
    sp_err err = {0};
    sp_imp_body how = {SP_IMP_CREATE, NULL, 0, 0};
    int rc = sp_imp_feature_parse(text, strlen(text), sp_model_entity(SP_ENT_REPORT),
                                  r->writer->vocab, &how, out, &err);
    free(text);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    return SP_OK;
}

static int report_create(sp_http_req *r, long long monument_id)
{
    sp_db_user u = r->user; /* the router checked the role */
    json_t *body = json_request(r);
    if (!body)
        return SP_OK;
    json_t *props = json_object_get(body, "properties");
    json_t *obj = json_is_object(props) ? props : body;
    json_t *sup = json_object_get(obj, "supersedes_id");
    sp_imp_feature f = {0};
    if (sup && !json_is_integer(sup) && !json_is_null(sup)) {
        json_decref(body);
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "supersedes_id: expected the id of the report it corrects");
    }
    long long supersedes = json_is_integer(sup) ? (long long)json_integer_value(sup) : 0;
    int rc = report_values(r, obj, &f);
    json_decref(body);
    if (rc != SP_OK)
        return rc;
    const char *type = f.rec.values[SP_RF_REPORT_TYPE];
    if (strcmp(type, "citizen") == 0) {
        sp_imp_feature_clear(&f);
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "report_type: citizens' reports come through POST /reports "
                             "and moderation");
    }
    sp_db_report_in in = {monument_id, f.rec.values, supersedes, NULL};
    sp_db_actor actor = {u.login, u.role, 0, 0};
    sp_err err = {0};
    int64_t rid = 0;
    pthread_mutex_lock(&r->writer->lock);
    rc = sp_db_report_create(r->writer->db, &in, &actor, u.id, &rid, &err);
    pthread_mutex_unlock(&r->writer->lock);
    sp_imp_feature_clear(&f);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    char fid[24];
    snprintf(fid, sizeof fid, "%lld", (long long)rid);
    snprintf(r->location, sizeof r->location, "%s/collections/condition_reports/items/%s", r->base,
             fid);
    sp_ogc_item_of(r, "condition_reports", fid);
    if (r->status == 200) {
        r->status = 201;
        r->cache_control = "no-store";
    }
    return SP_OK;
}

int sp_route_monument_reports(sp_http_req *r)
{
    int rc = SP_OK;
    const char *collection = r->route_row->arg ? r->route_row->arg : sp_http_param(r, "collection");
    const char *fid = sp_http_param(r, "fid");
    long long id;
    if (strcmp(collection, "monuments") != 0)
        return sp_http_error(r, 404, "NotFound", "reports are filed on monuments");
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK ||
        (rc = sp_http_parse_id(r, fid, "monument", &id)) != SP_OK)
        return rc;
    if (strcmp(r->method, "POST") == 0) {
        r->cache_control = "no-store";
        return report_create(r, id);
    }
    /* The timeline is the condition_reports collection filtered to this monument. */
    r->status = 303;
    r->has_etag = 0;
    snprintf(r->location, sizeof r->location,
             "%s/collections/condition_reports/items?filter=monument_id%%3D%lld"
             "&sortby=-observed_on,-created_at",
             r->base, id);
    sp_strbuf_puts(&r->body, "{\"href\":");
    sp_json_str(&r->body, r->location);
    sp_strbuf_puts(&r->body, "}");
    return SP_OK;
}

/* ---- citizens' reports ------------------------------------------------------------------ */

static const char *client_addr(sp_http_req *r, char *buf, size_t n)
{
    sp_addr a;
    if (!sp_http_client_addr(r, &a))
        return NULL;
    sp_addr_format(&a, buf, (int)n);
    return buf[0] ? buf : NULL;
}

static int text_ok(sp_http_req *r, json_t *v, const char *name, size_t max, int is_required)
{
    if (!v || json_is_null(v)) {
        if (is_required)
            return sp_http_error(r, 400, "InvalidParameterValue", "%s: required", name);
        return SP_OK;
    }
    if (!json_is_string(v))
        return sp_http_error(r, 400, "InvalidParameterValue", "%s: expected text", name);
    size_t len = json_string_length(v);
    if (len > max)
        return sp_http_error(r, 400, "InvalidParameterValue", "%s: %zu bytes, at most %zu", name,
                             len, max);
    if (is_required && strspn(json_string_value(v), " \t\r\n") == len)
        return sp_http_error(r, 400, "InvalidParameterValue", "%s: required", name);
    return SP_OK;
}

/* A report form (multipart/form-data, with photos) as the JSON object a client would send:
 * monument_id, location (GeoJSON text) or lon and lat, description, contact. NULL with the
 * error set. */
static json_t *form_as_json(sp_http_req *r)
{
    json_t *o = json_object();
    const char *v, *lon = sp_http_upload_field(r, "lon"), *lat = sp_http_upload_field(r, "lat");
    static const char *const texts[] = {"description", "contact", "photo_licence", "photo_credit"};
    char *end;
    int rc = o ? SP_OK : sp_http_error(r, 500, "ServerError", "out of memory");
    if (rc == SP_OK && (v = sp_http_upload_field(r, "monument_id")) && *v) {
        long long n = strtoll(v, &end, 10);
        if (*end)
            rc = sp_http_error(r, 400, "InvalidParameterValue",
                               "monument_id: expected the number of a monument");
        json_object_set_new(o, "monument_id", json_integer(n));
    }
    if (rc == SP_OK && (v = sp_http_upload_field(r, "location")) && *v) {
        json_t *loc = json_loads(v, JSON_REJECT_DUPLICATES, NULL);
        if (!loc)
            rc = sp_http_error(r, 400, "InvalidParameterValue",
                               "location: expected a GeoJSON Point [longitude, latitude]");
        json_object_set_new(o, "location", loc);
    } else if (rc == SP_OK && (lon || lat)) {
        double x = lon ? strtod(lon, &end) : NAN;
        int bad = !lon || *end || !*lon;
        double y = lat ? strtod(lat, &end) : NAN;
        bad |= !lat || *end || !*lat;
        if (bad)
            rc = sp_http_error(r, 400, "InvalidParameterValue",
                               "lon and lat: expected both, as decimal degrees");
        else
            json_object_set_new(o, "location",
                                json_pack("{s:s, s:[f, f]}", "type", "Point", "coordinates", x, y));
    }
    for (size_t i = 0; rc == SP_OK && i < sizeof texts / sizeof texts[0]; i++)
        if ((v = sp_http_upload_field(r, texts[i])))
            json_object_set_new(o, texts[i], json_string(v));
    if (rc != SP_OK) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int sp_route_citizen_report(sp_http_req *r)
{
    int rc = SP_OK;
    r->cache_control = "no-store";
    r->has_etag = 0;
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    if (r->upload && (rc = sp_http_upload_received(r)) != SP_OK)
        return rc;
    json_t *body = r->upload ? form_as_json(r) : json_request(r);
    if (!body)
        return SP_OK;
    sp_db_citizen_in in = {0};
    json_t *mid = json_object_get(body, "monument_id"), *loc = json_object_get(body, "location");
    json_t *desc = json_object_get(body, "description"),
           *contact = json_object_get(body, "contact");
    const char *key;
    json_t *v;
    json_t *licence = json_object_get(body, "photo_licence"),
           *credit = json_object_get(body, "photo_credit");
    json_object_foreach(body, key, v)
    {
        if (rc == SP_OK && strcmp(key, "monument_id") && strcmp(key, "location") &&
            strcmp(key, "description") && strcmp(key, "contact") && strcmp(key, "photo_licence") &&
            strcmp(key, "photo_credit"))
            rc = sp_http_error(r, 400, "InvalidParameterValue",
                               "%.60s: not a field of a report (monument_id, location, "
                               "description, contact, photo_licence, photo_credit)",
                               key);
    }
    if (rc == SP_OK && licence && !json_is_null(licence)) {
        const char *l = json_string_value(licence);
        size_t i = 0, n = sizeof photo_licences / sizeof photo_licences[0];
        while (l && i < n && strcmp(l, photo_licences[i]) != 0)
            i++;
        if (!l || i == n)
            rc = sp_http_error(r, 400, "InvalidParameterValue",
                               "photo_licence: CC-BY-4.0, CC0-1.0 or none (do not publish)");
        else if (strcmp(l, "none") != 0)
            in.photo_licence = l;
    }
    if (rc == SP_OK)
        rc = text_ok(r, credit, "photo_credit", SP_CITIZEN_CONTACT_MAX, 0);
    if (rc == SP_OK && json_is_string(credit) &&
        strspn(json_string_value(credit), " \t\r\n") < json_string_length(credit))
        in.photo_credit = json_string_value(credit);
    if (rc == SP_OK && mid && !json_is_null(mid)) {
        if (!json_is_integer(mid) || json_integer_value(mid) < 1)
            rc = sp_http_error(r, 400, "InvalidParameterValue",
                               "monument_id: expected the number of a monument");
        else
            in.monument_id = json_integer_value(mid);
    }
    if (rc == SP_OK && loc && !json_is_null(loc)) {
        json_t *c = json_object_get(loc, "coordinates");
        const char *t = json_string_value(json_object_get(loc, "type"));
        double lon = json_number_value(json_array_get(c, 0));
        double lat = json_number_value(json_array_get(c, 1));
        if (!t || strcmp(t, "Point") != 0 || json_array_size(c) != 2 ||
            !json_is_number(json_array_get(c, 0)) || !json_is_number(json_array_get(c, 1)) ||
            !isfinite(lon) || !isfinite(lat) || fabs(lon) > 180 || fabs(lat) > 90)
            rc = sp_http_error(r, 400, "InvalidParameterValue",
                               "location: expected a GeoJSON Point [longitude, latitude]");
        in.has_location = 1;
        in.lon = lon;
        in.lat = lat;
    }
    if (rc == SP_OK && !in.monument_id && !in.has_location)
        rc = sp_http_error(r, 400, "InvalidParameterValue",
                           "say where: monument_id, or location (a GeoJSON Point)");
    if (rc == SP_OK)
        rc = text_ok(r, desc, "description", SP_CITIZEN_TEXT_MAX, 1);
    if (rc == SP_OK)
        rc = text_ok(r, contact, "contact", SP_CITIZEN_CONTACT_MAX, 0);
    /* Counted only once the report is well formed: a typo does not use up the quota. */
    if (rc == SP_OK)
        rc = sp_http_limit(r, r->report_limit, "reports"); /* 429 set when over */
    /* The photos are decoded (proved images) and stored only now: after the cheap checks. */
    sp_photo_info info[SP_UPLOAD_MAX_FILES];
    sp_db_photo_file photos[SP_UPLOAD_MAX_FILES];
    int nphotos = 0;
    if (rc == SP_OK && r->upload)
        rc = sp_http_upload_finish(r, info, &nphotos);
    if (rc != SP_OK) {
        json_decref(body);
        return rc;
    }
    for (int i = 0; i < nphotos; i++)
        photos[i] = sp_http_photo_file(&info[i]);
    char addr[64], ref[32] = "";
    in.description = json_string_value(desc);
    in.contact = json_string_value(contact);
    in.client = client_addr(r, addr, sizeof addr);
    in.photos = photos;
    in.nphotos = nphotos;
    sp_err err = {0};
    int64_t id = 0;
    pthread_mutex_lock(&r->writer->lock);
    rc = sp_db_citizen_add(r->writer->db, &in, &id, ref, &err);
    pthread_mutex_unlock(&r->writer->lock);
    json_decref(body);
    /* A refused report's stored photos go at the end of the request (sp_http_photo_free). */
    if (rc == SP_ENOTFOUND) /* the path exists; the monument named in the body does not */
        return sp_http_error(r, 400, "InvalidParameterValue", "monument_id: %s", err.msg);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    r->status = 201;
    sp_strbuf_puts(&r->body, "{\"ref\":");
    sp_json_str(&r->body, ref);
    sp_strbuf_printf(&r->body, ",\"status\":\"pending\",\"photos\":%d", nphotos);
    sp_strbuf_printf(&r->body, ",\"status_href\":\"/reports/%s\",\"page\":\"/report/%s\"", ref,
                     ref);
    sp_strbuf_puts(&r->body,
                   ",\"message_uk\":\"Дякуємо! Повідомлення отримано й буде перевірене.\","
                   "\"message_en\":\"Thank you: the report is received and will be checked.\"}");
    return SP_OK;
}

/* ---- moderation ------------------------------------------------------------------------- */

int sp_route_moderation_list(sp_http_req *r)
{
    int rc = SP_OK;
    r->cache_control = "no-store";
    r->has_etag = 0;
    static const char *const args[] = {"status", NULL};
    if ((rc = sp_http_check_args(r, args)) != SP_OK)
        return rc;
    const char *status = sp_http_arg_get(r, "status");
    if (!status)
        status = "pending";
    if (strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected"))
        return sp_http_error(r, 400, "InvalidParameterValue",
                             "status=%.40s: pending, approved or rejected", status);
    char *list = NULL;
    sp_err err = {0};
    if (sp_db_citizen_list(r->db, status, SP_MODERATION_LIST_MAX, &list, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_printf(&r->body, "{\"status\":\"%s\",\"reports\":%s}", status, list);
    sp_db_free(list);
    return SP_OK;
}

/* An editor takes the report up: its citizen sees "under review". */
static int review(sp_http_req *r, const sp_db_user *u, long long id)
{
    sp_db_actor actor = {u->login, u->role, 0, 0};
    sp_err err = {0};
    pthread_mutex_lock(&r->writer->lock);
    int rc = sp_db_citizen_review(r->writer->db, id, &actor, &err);
    pthread_mutex_unlock(&r->writer->lock);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_printf(&r->body, "{\"id\":%lld,\"status\":\"pending\",\"under_review\":true}", id);
    return SP_OK;
}

static int moderate(sp_http_req *r, const sp_db_user *u, long long id)
{
    json_t *body = json_request(r);
    if (!body)
        return SP_OK;
    const char *decision = json_string_value(json_object_get(body, "decision"));
    sp_db_moderation m = {0};
    sp_imp_feature f = {0};
    int rc = SP_OK;
    if (!decision ||
        (strcmp(decision, "approve") && strcmp(decision, "reject") && strcmp(decision, "review")))
        rc = sp_http_error(r, 400, "InvalidParameterValue",
                           "decision: \"approve\", \"reject\" or \"review\"");
    if (rc == SP_OK && strcmp(decision, "review") == 0) {
        json_decref(body);
        return review(r, u, id);
    }
    m.is_approved = rc == SP_OK && strcmp(decision, "approve") == 0;
    if (rc == SP_OK && !m.is_approved) {
        json_t *reason = json_object_get(body, "reason"),
               *public_reason = json_object_get(body, "public_reason");
        rc = text_ok(r, reason, "reason", SP_CITIZEN_TEXT_MAX, 1);
        if (rc == SP_OK)
            rc = text_ok(r, public_reason, "public_reason", SP_CITIZEN_TEXT_MAX, 0);
        m.reason = json_string_value(reason);
        m.public_reason = json_string_value(public_reason);
    }
    if (rc == SP_OK && m.is_approved) {
        json_t *mid = json_object_get(body, "monument_id");
        if (mid && !json_is_integer(mid))
            rc = sp_http_error(r, 400, "InvalidParameterValue",
                               "monument_id: expected the number of a monument");
        m.monument_id = json_integer_value(mid);
        const char *ver = json_string_value(json_object_get(body, "verification"));
        if (rc == SP_OK && json_object_get(body, "verification") &&
            (!ver || (strcmp(ver, "unverified") && strcmp(ver, "confirmed"))))
            rc = sp_http_error(r, 400, "InvalidParameterValue",
                               "verification: \"unverified\" or \"confirmed\"");
        m.verification = ver;
        /* The rest are report fields the moderator sets (condition, damage_level, ...). */
        json_t *fields = json_deep_copy(body);
        json_object_del(fields, "decision");
        json_object_del(fields, "monument_id");
        json_object_del(fields, "verification");
        json_object_set_new(fields, "report_type", json_string("citizen"));
        if (rc == SP_OK && fields && json_object_get(fields, "source"))
            rc = sp_http_error(r, 400, "InvalidParameterValue", "source: a citizen's, always");
        if (rc == SP_OK)
            rc = report_values(r, fields, &f);
        json_decref(fields);
        m.values = f.rec.values;
    }
    if (rc != SP_OK) {
        json_decref(body);
        sp_imp_feature_clear(&f);
        return rc;
    }
    sp_db_actor actor = {u->login, u->role, 0, 0};
    sp_err err = {0};
    int64_t rid = 0;
    pthread_mutex_lock(&r->writer->lock);
    rc = sp_db_citizen_moderate(r->writer->db, id, &m, &actor, &rid, &err);
    pthread_mutex_unlock(&r->writer->lock);
    json_decref(body);
    sp_imp_feature_clear(&f);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_printf(&r->body, "{\"id\":%lld,\"status\":\"%s\"", id,
                     m.is_approved ? "approved" : "rejected");
    if (rid)
        sp_strbuf_printf(&r->body, ",\"report_id\":%lld", (long long)rid);
    sp_strbuf_puts(&r->body, "}");
    return SP_OK;
}

int sp_route_moderate(sp_http_req *r)
{
    int rc = SP_OK;
    r->cache_control = "no-store";
    r->has_etag = 0;
    sp_db_user u = r->user; /* the router checked the role */
    long long n = 0;
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK ||
        (rc = sp_http_parse_id(r, sp_http_param(r, "id"), "citizen report", &n)) != SP_OK)
        return rc;
    return moderate(r, &u, n);
}

int sp_route_citizen_status(sp_http_req *r)
{
    /* A report's state is not public data: the public data version (ETags, the response
     * cache) does not follow its moderation. */
    int rc = SP_OK;
    const char *ref = sp_http_param(r, "ref");
    r->cache_control = "no-store";
    r->has_etag = 0;
    if ((rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    size_t n = strlen(ref);
    if (n == 0 || n > SP_CITIZEN_REF_MAX ||
        strspn(ref, "0123456789ABCDEFabcdef-") != n) /* never reaches the database */
        return sp_http_error(r, 404, "NotFound", "no report with the reference %.40s", ref);
    char *json = NULL;
    sp_err err = {0};
    if (sp_db_citizen_status(r->db, ref, &json, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    if (!json)
        return sp_http_error(r, 404, "NotFound", "no report with the reference %.40s", ref);
    sp_strbuf_puts(&r->body, json);
    sp_db_free(json);
    return SP_OK;
}
