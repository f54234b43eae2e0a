/* server/routes_photos.c - photo evidence over HTTP.
 * POST /collections/monuments/items/{id}/photos (inspectors): the image as the raw body
 * (Content-Type image/...) or as multipart/form-data with the image in field `file` and its
 * metadata beside it (author, licence, caption_uk/en, alt_uk/en, view, phase, status,
 * condition_report_id). The bytes are streamed into the photo store as they arrive, never
 * held whole: libmicrohttpd's post processor splits a multipart body, and a raw body goes
 * straight through. The photos module proves it is an image and derives the copies; the row
 * is written after the files are in place. GET .../items/{id}/photos lists them;
 * GET /photos/{id}/thumb and /web serve the EXIF-free copies to everyone (public photos), and
 * /photos/{id} the original, with its metadata, to staff only. PATCH /photos/{id} (staff)
 * changes a photo's metadata as a JSON Merge Patch, location_public included: where and when
 * a photo was taken is published only once staff set it. */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_int.h"
#include "sp_db_photos.h"
#include "sp_log.h"
#include "sp_db_reports.h"
#include "sp_db_users.h"
#include "sp_json.h"
#include "sp_photo.h"

#define SP_PHOTO_ROLE     "inspector"
#define SP_PHOTO_EDITOR   "editor" /* the department's editors may also change a photo */
#define SP_FORM_FIELD_MAX 8000     /* bytes of one text field; routes check their own limits */
#define SP_POST_BUFFER    (32 * 1024)
#define SP_IMMUTABLE      "public, max-age=31536000, immutable"
#define SP_UPLOAD_FIELDS  (SP_PM_COUNT + 1)

/* The text fields of a citizen's report form (the photos come in `file` parts). */
static const char *const report_fields[] = {"monument_id",   "location",    "lon",
                                            "lat",           "description", "contact",
                                            "photo_licence", "photo_credit"};
_Static_assert(sizeof report_fields / sizeof report_fields[0] <= SP_UPLOAD_FIELDS,
               "a report form's fields fit the upload's slots");

struct sp_http_upload {
    sp_http_upload_kind kind;
    sp_photo_upload *files[SP_UPLOAD_MAX_FILES]; /* received (or being received) in order */
    int nfiles, max_files;
    struct MHD_PostProcessor *pp;
    int is_multipart;
    int error; /* SP_E* of the first failure; the rest of the body is discarded */
    sp_err err;
    char *fields[SP_UPLOAD_FIELDS]; /* by field_index() */
    /* Stored photos held for this request (sp_photo_upload_finish), released at its end. */
    char held[SP_UPLOAD_MAX_FILES][SP_PHOTO_SHA_HEX];
    int nheld;
};

static void upload_fail(sp_http_upload *u, sp_err *err)
{
    if (!u->error) {
        u->error = err->code;
        u->err = *err;
    }
    for (int i = 0; i < u->nfiles; i++) {
        sp_photo_upload_abort(u->files[i]);
        u->files[i] = NULL;
    }
}

/* Starts the next file of the body. */
static void file_begin(sp_http_upload *u, sp_photo_store *store, long long max)
{
    sp_err err = {0};
    if (u->error)
        return;
    if (u->nfiles == u->max_files) {
        sp_err_set(&err, SP_EINVAL,
                   u->max_files == 1 ? "one photo per request: more than one `file` part"
                                     : "at most %d photos with one report",
                   u->max_files);
        return upload_fail(u, &err);
    }
    if (sp_photo_upload_begin(store, max, &u->files[u->nfiles], &err) != SP_OK)
        return upload_fail(u, &err);
    u->nfiles++;
}

static void file_write(sp_http_upload *u, const char *data, size_t n)
{
    sp_err err = {0};
    if (!u->error && n && sp_photo_upload_write(u->files[u->nfiles - 1], data, n, &err) != SP_OK)
        upload_fail(u, &err);
}

/* The slot of a form field by name, -1 when the form has no such field. */
static int field_index(const sp_http_upload *u, const char *key)
{
    if (u->kind == SP_UPLOAD_REPORT) {
        for (size_t i = 0; i < sizeof report_fields / sizeof report_fields[0]; i++)
            if (strcmp(key, report_fields[i]) == 0)
                return (int)i;
        return -1;
    }
    for (int i = 0; i < SP_PM_COUNT; i++)
        if (strcmp(key, sp_db_photo_meta_name(i)) == 0)
            return i;
    return strcmp(key, "condition_report_id") == 0 ? SP_PM_COUNT : -1;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    (void)kind, (void)filename, (void)content_type, (void)transfer_encoding;
    sp_http_req *r = cls;
    sp_http_upload *u = r->upload;
    sp_err err;
    if (u->error)
        return MHD_YES;
    if (!key) { /* libmicrohttpd passes NULL for a part whose name it could not read */
        sp_err_set(&err, SP_EINVAL, "a form part without a readable name");
        upload_fail(u, &err);
        return MHD_YES;
    }
    if (strcmp(key, "file") == 0) {
        if (off == 0) /* a part's first bytes */
            file_begin(u, r->photos, r->cfg->max_photo_bytes);
        file_write(u, data, size);
        return MHD_YES;
    }
    int i = field_index(u, key);
    if (i < 0) {
        sp_err_set(&err, SP_EINVAL, "form field '%.60s': not a field of a %s", key,
                   u->kind == SP_UPLOAD_REPORT ? "report" : "photo");
        upload_fail(u, &err);
        return MHD_YES;
    }
    char **slot = &u->fields[i];
    size_t have = *slot ? strlen(*slot) : 0;
    if (have + size > SP_FORM_FIELD_MAX) {
        sp_err_set(&err, SP_EINVAL, "form field '%s': over %d bytes", key, SP_FORM_FIELD_MAX);
        upload_fail(u, &err);
        return MHD_YES;
    }
    char *grown = realloc(*slot, have + size + 1);
    if (!grown)
        return MHD_NO;
    memcpy(grown + have, data, size);
    grown[have + size] = '\0';
    *slot = grown;
    return MHD_YES;
}

int sp_http_photo_start(sp_http_req *r, struct MHD_Connection *conn, sp_http_upload_kind kind)
{
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    sp_http_upload *u = calloc(1, sizeof *u);
    if (!u)
        return 0;
    r->upload = u;
    u->kind = kind;
    u->max_files = kind == SP_UPLOAD_REPORT ? SP_UPLOAD_MAX_FILES : 1;
    if (!r->photos) {
        sp_err_set(&u->err, SP_EIO, "this server keeps no photos (start it with --photos DIR)");
        u->error = SP_EIO;
        return 1;
    }
    const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (len && strtoll(len, NULL, 10) > r->cfg->max_photo_bytes * u->max_files + SP_POST_BUFFER) {
        sp_err_set(&u->err, SP_ETOOLARGE, "the upload is %s bytes; photos are limited to %lld%s",
                   len, r->cfg->max_photo_bytes, u->max_files > 1 ? " each" : "");
        u->error = SP_ETOOLARGE;
        return 1;
    }
    if (ct && strncmp(ct, "multipart/form-data", 19) == 0) {
        u->is_multipart = 1;
        u->pp = MHD_create_post_processor(conn, SP_POST_BUFFER, on_part, r);
        if (!u->pp) { /* no boundary, or not one MHD understands */
            sp_err_set(&u->err, SP_EINVAL,
                       "multipart/form-data without a usable boundary: send the image in the "
                       "form field `file`");
            u->error = SP_EINVAL;
        }
    } else if (!ct || strncmp(ct, "image/", 6) != 0 || kind != SP_UPLOAD_PHOTO) {
        sp_err_set(&u->err, SP_EMEDIA,
                   "send the photo as an image (Content-Type image/jpeg, image/png, image/webp) "
                   "or as multipart/form-data with the image in field `file`");
        u->error = SP_EMEDIA;
    }
    return 1;
}

void sp_http_photo_data(sp_http_req *r, const char *data, size_t n)
{
    sp_http_upload *u = r->upload;
    if (u->error)
        return; /* discarded: the answer is already decided */
    if (!u->is_multipart) {
        if (!u->nfiles)
            file_begin(u, r->photos, r->cfg->max_photo_bytes);
        return (void)file_write(u, data, n);
    }
    if (MHD_post_process(u->pp, data, n) != MHD_YES && !u->error) {
        sp_err err;
        sp_err_set(&err, SP_EINVAL, "the multipart body is malformed");
        upload_fail(u, &err);
    }
}

void sp_http_photo_free(sp_http_req *r)
{
    sp_http_upload *u = r->upload;
    if (!u)
        return;
    if (u->pp)
        MHD_destroy_post_processor(u->pp);
    for (int i = 0; i < u->nfiles; i++)
        sp_photo_upload_abort(u->files[i]);
    /* A photo whose row was refused (or never written) is removed now, not at the next
     * start; under the writer's lock, so that no row can be written meanwhile. */
    for (int i = 0; i < u->nheld; i++) {
        sp_err err = {0};
        pthread_mutex_lock(&r->writer->lock);
        if (sp_photo_release(r->photos, u->held[i], sp_http_photo_referenced, r->writer->db,
                             &err) != SP_OK)
            sp_log(SP_LOG_WARN, "msg=\"photo release\" error=\"%s\"", err.msg);
        pthread_mutex_unlock(&r->writer->lock);
    }
    for (int i = 0; i < SP_UPLOAD_FIELDS; i++)
        free(u->fields[i]);
    free(u);
    r->upload = NULL;
}

int sp_http_upload_received(sp_http_req *r)
{
    sp_http_upload *u = r->upload;
    if (u->is_multipart && !u->error && u->pp) {
        MHD_destroy_post_processor(u->pp); /* flushes the last part */
        u->pp = NULL;
    }
    if (u->error)
        return sp_http_error_from(r, &u->err);
    return SP_OK;
}

const char *sp_http_upload_field(sp_http_req *r, const char *name)
{
    int i = field_index(r->upload, name);
    return i < 0 ? NULL : r->upload->fields[i];
}

int sp_http_photo_referenced(void *db, const char *sha256)
{
    sp_err err = {0};
    return sp_db_photo_referenced(db, sha256, &err);
}

sp_db_photo_file sp_http_photo_file(const sp_photo_info *info)
{
    return (sp_db_photo_file){
        info->sha256,  info->media_type, info->width,
        info->height,  info->bytes,      info->has_taken_at ? info->taken_at : NULL,
        info->has_gps, info->lat,        info->lon};
}

int sp_http_upload_finish(sp_http_req *r, sp_photo_info *out, int *out_n)
{
    sp_http_upload *u = r->upload;
    sp_err err = {0};
    *out_n = 0;
    for (int i = 0; i < u->nfiles; i++) {
        if (u->kind == SP_UPLOAD_REPORT) /* anonymous: a lower whole-decode limit */
            sp_photo_upload_set_max_pixels(u->files[i], r->cfg->max_citizen_pixels > 0
                                                            ? r->cfg->max_citizen_pixels
                                                            : SP_HTTP_CITIZEN_PIXELS);
        int rc = sp_photo_upload_finish(u->files[i], &out[i], &err);
        u->files[i] = NULL; /* freed by finish, whatever the result */
        if (rc == SP_OK)
            memcpy(u->held[u->nheld++], out[i].sha256, SP_PHOTO_SHA_HEX);
        if (rc != SP_OK) {
            if (u->nfiles > 1)
                sp_err_prefix(&err, "photo %d", i + 1);
            for (int j = i + 1; j < u->nfiles; j++) {
                sp_photo_upload_abort(u->files[j]);
                u->files[j] = NULL;
            }
            u->nfiles = 0;
            return sp_http_error_from(r, &err);
        }
    }
    *out_n = u->nfiles;
    u->nfiles = 0;
    return SP_OK;
}

/* Vocabulary fields of a photo (view, phase, status) resolved to codes; a 400 otherwise. */
static int photo_vocab(sp_http_req *r, sp_http_upload *u)
{
    static const struct {
        int field;
        const char *domain;
    } v[] = {
        {SP_PM_VIEW, "photo_view"}, {SP_PM_PHASE, "photo_phase"}, {SP_PM_STATUS, "photo_status"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *raw = u->fields[v[i].field];
        if (!raw)
            continue;
        const char *code = sp_vocab_resolve(r->writer->vocab, v[i].domain, raw);
        if (!code)
            return sp_http_error(r, 400, "InvalidParameterValue", "%s: '%.60s' is not a %s",
                                 sp_db_photo_meta_name(v[i].field), raw, v[i].domain);
        char *dup = strdup(code);
        if (!dup)
            return sp_http_error(r, 500, "ServerError", "out of memory");
        free(raw);
        u->fields[v[i].field] = dup;
    }
    return SP_OK;
}

int sp_http_photo_precheck(sp_http_req *r)
{
    sp_err err = {0};
    long long id = strtoll(sp_http_param(r, "fid"), NULL, 10);
    if (sp_db_monument_live(r->db, id, &err) != SP_OK)
        return sp_http_error_from(r, &err), 0;
    return 1;
}

static int upload(sp_http_req *r, long long monument_id)
{
    int rc = SP_OK;
    sp_http_upload *u = r->upload;
    sp_db_user user = r->user; /* the router checked the role */
    if ((rc = sp_http_upload_received(r)) != SP_OK)
        return rc;
    if (!u->nfiles)
        return sp_http_error(r, 415, "UnsupportedMediaType", "%s",
                             u->is_multipart ? "no image in the form: send it in the field `file`"
                                             : "the request has no body: 0 bytes are no image");
    long long report_id = 0;
    const char *rid = u->fields[SP_PM_COUNT];
    if (rid) {
        char *end;
        report_id = strtoll(rid, &end, 10);
        if (*end || report_id < 1)
            return sp_http_error(r, 400, "InvalidParameterValue",
                                 "condition_report_id: '%.40s' is not a report number", rid);
    }
    if ((rc = photo_vocab(r, u)) != SP_OK)
        return rc;
    sp_err err = {0};
    if (sp_db_monument_live(r->db, monument_id, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    sp_photo_info info;
    int n;
    if ((rc = sp_http_upload_finish(r, &info, &n)) != SP_OK)
        return rc;
    sp_db_photo_in in = {monument_id, report_id, sp_http_photo_file(&info), {0}, user.id};
    for (int i = 0; i < SP_PM_COUNT; i++)
        in.meta[i] = u->fields[i];
    sp_db_actor actor = {user.login, user.role, 0, 0};
    int64_t id = 0;
    /* The writer connection is one thread's at a time: the row read back under the lock too
     * (read unlocked, it ran inside another request's transaction: test_crash.sh lost
     * acknowledged edits that way). */
    char *json = NULL;
    pthread_mutex_lock(&r->writer->lock);
    rc = sp_db_photo_add(r->writer->db, &in, &actor, &id, &err);
    if (rc == SP_OK)
        rc = sp_db_photo_json(r->writer->db, id, 1, &json, &err);
    pthread_mutex_unlock(&r->writer->lock);
    if (rc != SP_OK) /* the stored file goes at the end of the request (sp_http_photo_free) */
        return sp_http_error_from(r, &err);
    r->status = 201;
    r->has_etag = 0;
    snprintf(r->location, sizeof r->location, "%s/photos/%lld", r->base, (long long)id);
    sp_strbuf_puts(&r->body, json);
    sp_db_free(json);
    return SP_OK;
}

int sp_route_monument_photos(sp_http_req *r)
{
    int rc = SP_OK;
    const char *collection = r->route_row->arg ? r->route_row->arg : sp_http_param(r, "collection");
    const char *fid = sp_http_param(r, "fid");
    long long id;
    if (strcmp(collection, "monuments") != 0)
        return sp_http_error(r, 404, "NotFound", "photos belong to monuments");
    if ((rc = sp_http_parse_id(r, fid, "monument", &id)) != SP_OK ||
        (rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    if (strcmp(r->method, "POST") == 0) {
        r->cache_control = "no-store";
        return upload(r, id);
    }
    sp_db_user user;
    int is_staff = 0;
    if (MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization")) {
        rc = sp_http_auth(r, &user);
        if (rc != SP_OK)
            return rc;
        is_staff = 1;
        r->cache_control = "private, no-store";
    }
    sp_err err = {0};
    if (sp_db_monument_live(r->db, id, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    char *list = NULL;
    if (sp_db_photo_list(r->db, id, is_staff, &list, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_printf(&r->body, "{\"monument_id\":%lld,\"photos\":%s}", id, list);
    sp_db_free(list);
    return SP_OK;
}

/* The variant named by the last path segment (none: the original), or -1 with 404 set. */
static int photo_variant(sp_http_req *r, const char *variant)
{
    if (!variant)
        return SP_PHOTO_ORIGINAL;
    if (strcmp(variant, "thumb") == 0)
        return SP_PHOTO_THUMB;
    if (strcmp(variant, "web") == 0)
        return SP_PHOTO_WEB;
    sp_http_error(r, 404, "NotFound", "a photo has /thumb and /web");
    return -1;
}

/* Answers with a stored photo file; is_private: staff only, not kept by shared caches. */
static int serve_file(sp_http_req *r, const char *sha256, const char *media_type,
                      sp_photo_variant v, int is_private)
{
    char path[4096];
    sp_err err = {0};
    if (sp_photo_path(r->photos, sha256, v, path, sizeof path, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    /* Never out of the folder: a symlink planted in it is not followed. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return sp_http_error(r, 500, "ServerError", "photo %.12s: its file is missing", sha256);
    }
    r->file_fd = fd;
    r->file_size = (uint64_t)st.st_size;
    snprintf(r->mime, sizeof r->mime, "%s", media_type);
    r->content_type = v == SP_PHOTO_ORIGINAL ? r->mime : SP_PHOTO_DERIVED_TYPE;
    r->cache_control = is_private ? "private, max-age=3600" : SP_IMMUTABLE;
    /* The bytes never change for this address: the ETag names them. */
    snprintf(r->etag_tag, sizeof r->etag_tag, "p%.12s%d", sha256, (int)v);
    return SP_OK;
}

int sp_route_photo(sp_http_req *r)
{
    int rc = SP_OK;
    const char *fid = sp_http_param(r, "fid");
    const char *variant = sp_http_param(r, "variant");
    long long id;
    if ((rc = sp_http_parse_id(r, fid, "photo", &id)) != SP_OK ||
        (rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    int v = photo_variant(r, variant);
    if (v < 0)
        return SP_OK;
    sp_db_photo p;
    int found = 0;
    sp_err err = {0};
    if (sp_db_photo_get(r->db, id, &p, &found, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    if (!found || !r->photos)
        return sp_http_error(r, 404, "NotFound", "no photo %lld", id);
    /* The original keeps the contributor's EXIF (place, device): staff only, as are photos
     * not (yet) public. */
    int needs_staff = v == SP_PHOTO_ORIGINAL || strcmp(p.status, "public") != 0;
    sp_db_user user;
    rc = needs_staff ? sp_http_auth(r, &user) : SP_OK;
    if (rc != SP_OK)
        return rc;
    serve_file(r, p.sha256, p.media_type, (sp_photo_variant)v, needs_staff);
    return SP_OK;
}

int sp_route_citizen_photo(sp_http_req *r)
{
    int rc = SP_OK;
    const char *fid = sp_http_param(r, "fid");
    const char *variant = sp_http_param(r, "variant");
    long long id;
    r->cache_control = "private, no-store";
    if ((rc = sp_http_parse_id(r, fid, "citizen photo", &id)) != SP_OK ||
        (rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    int v = photo_variant(r, variant);
    if (v < 0)
        return SP_OK;
    char sha[65], media[32];
    int found = 0;
    sp_err err = {0};
    if (sp_db_citizen_photo_get(r->db, id, sha, media, &found, &err) != SP_OK)
        return sp_http_error_from(r, &err);
    if (!found || !r->photos)
        return sp_http_error(r, 404, "NotFound", "no citizen photo %lld", id);
    serve_file(r, sha, media, (sp_photo_variant)v, 1);
    return SP_OK;
}

/* ---- PATCH /photos/{id} ----------------------------------------------------------------- */

/* The patch of a JSON object into *out: meta fields as text or null, location_public as a
 * boolean; vocabulary fields resolved to their codes (into codes). A 400 otherwise. */
static int photo_patch_of(sp_http_req *r, json_t *body, sp_db_photo_patch *out,
                          const char *codes[SP_PM_COUNT])
{
    const char *key;
    json_t *v;
    out->location_public = -1;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "location_public") == 0) {
            if (!json_is_boolean(v))
                return sp_http_error(r, 400, "InvalidParameterValue",
                                     "location_public: true or false");
            out->location_public = json_is_true(v);
            continue;
        }
        int i = 0;
        while (i < SP_PM_COUNT && strcmp(key, sp_db_photo_meta_name(i)) != 0)
            i++;
        if (i == SP_PM_COUNT)
            return sp_http_error(r, 400, "InvalidParameterValue",
                                 "%.60s: not a field of a photo (author, licence, caption_uk, "
                                 "caption_en, alt_uk, alt_en, view, phase, status, "
                                 "location_public)",
                                 key);
        if (!json_is_string(v) && !json_is_null(v))
            return sp_http_error(r, 400, "InvalidParameterValue", "%s: text or null", key);
        if (json_is_string(v) && json_string_length(v) > SP_FORM_FIELD_MAX)
            return sp_http_error(r, 400, "InvalidParameterValue", "%s: over %d bytes", key,
                                 SP_FORM_FIELD_MAX);
        out->is_set[i] = 1;
        out->meta[i] = json_string_value(v);
        const char *domain = i == SP_PM_VIEW     ? "photo_view"
                             : i == SP_PM_PHASE  ? "photo_phase"
                             : i == SP_PM_STATUS ? "photo_status"
                                                 : NULL;
        if (domain && out->meta[i]) {
            codes[i] = sp_vocab_resolve(r->writer->vocab, domain, out->meta[i]);
            if (!codes[i])
                return sp_http_error(r, 400, "InvalidParameterValue", "%s: '%.60s' is not a %s",
                                     key, out->meta[i], domain);
            out->meta[i] = codes[i];
        }
    }
    return SP_OK;
}

int sp_route_photo_patch(sp_http_req *r)
{
    int rc = SP_OK;
    const char *fid = sp_http_param(r, "fid");
    long long id;
    sp_db_user user = r->user; /* the router checked the role */
    r->cache_control = "no-store";
    r->has_etag = 0;
    if ((rc = sp_http_parse_id(r, fid, "photo", &id)) != SP_OK ||
        (rc = sp_http_check_args(r, NULL)) != SP_OK)
        return rc;
    static const char *const types[] = {"application/merge-patch+json", "application/json", NULL};
    json_t *body = NULL;
    if ((rc = sp_http_json_body(r, types, "a JSON Merge Patch (application/merge-patch+json)",
                                &body)) != SP_OK)
        return rc;
    sp_db_photo_patch patch = {0};
    const char *codes[SP_PM_COUNT] = {0};
    if ((rc = photo_patch_of(r, body, &patch, codes)) != SP_OK) {
        json_decref(body);
        return SP_OK;
    }
    sp_db_actor actor = {user.login, user.role, 0, 0};
    sp_err err = {0};
    char *json = NULL;
    pthread_mutex_lock(&r->writer->lock);
    rc = sp_db_photo_update(r->writer->db, id, &patch, &actor, &err);
    if (rc == SP_OK)
        rc = sp_db_photo_json(r->writer->db, id, 1, &json, &err);
    pthread_mutex_unlock(&r->writer->lock);
    json_decref(body);
    if (rc != SP_OK)
        return sp_http_error_from(r, &err);
    sp_strbuf_puts(&r->body, json);
    sp_db_free(json);
    return SP_OK;
}
