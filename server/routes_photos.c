/* server/routes_photos.c - photo evidence over HTTP.
 * POST /collections/monuments/items/{id}/photos (inspectors): the image as the raw body
 * (Content-Type image/...) or as multipart/form-data with the image in field `file` and its
 * metadata beside it (author, licence, caption_uk/en, alt_uk/en, view, phase, status,
 * condition_report_id). The bytes are streamed into the photo store as they arrive, never
 * held whole: libmicrohttpd's post processor splits a multipart body, and a raw body goes
 * straight through. The photos module proves it is an image and derives the copies; the row
 * is written after the files are in place. GET .../items/{id}/photos lists them;
 * GET /photos/{id}/thumb and /web serve the EXIF-free copies to everyone (public photos), and
 * /photos/{id} the original, with its metadata, to staff only. */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_int.h"
#include "sp_db_photos.h"
#include "sp_db_reports.h"
#include "sp_db_users.h"
#include "sp_json.h"
#include "sp_photo.h"

#define SP_PHOTO_ROLE      "inspector"
#define SP_PHOTO_FIELD_MAX 2000 /* bytes of one metadata field */
#define SP_POST_BUFFER     (32 * 1024)
#define SP_IMMUTABLE       "public, max-age=31536000, immutable"

struct sp_http_upload {
    sp_photo_upload *photo; /* the image being received, NULL before/after */
    struct MHD_PostProcessor *pp;
    int is_multipart;
    int has_file; /* a `file` part (or a raw body) was seen */
    int error;    /* SP_E* of the first failure; the rest of the body is discarded */
    sp_err err;
    char *meta[SP_PM_COUNT];
    char *report_id;
};

static void upload_fail(sp_http_upload *u, sp_err *err)
{
    if (!u->error) {
        u->error = err->code;
        u->err = *err;
    }
    sp_photo_upload_abort(u->photo);
    u->photo = NULL;
}

static void feed(sp_http_upload *u, sp_photo_store *store, long long max, const char *data,
                 size_t n)
{
    sp_err err = {0};
    if (u->error)
        return;
    if (!u->photo && !u->has_file) {
        u->has_file = 1;
        if (sp_photo_upload_begin(store, max, &u->photo, &err) != SP_OK)
            return upload_fail(u, &err);
    }
    if (u->photo && n && sp_photo_upload_write(u->photo, data, n, &err) != SP_OK)
        upload_fail(u, &err);
}

/* Kept on the request while the body arrives (the post processor's callback). */
typedef struct pp_ctx {
    sp_http_req *r;
} pp_ctx;

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    (void)kind, (void)filename, (void)content_type, (void)transfer_encoding;
    sp_http_req *r = cls;
    sp_http_upload *u = r->upload;
    if (strcmp(key, "file") == 0) {
        if (u->has_file && off == 0 && !u->photo && !u->error) {
            sp_err err;
            sp_err_set(&err, SP_EINVAL, "one photo per request: more than one `file` part");
            upload_fail(u, &err);
        }
        feed(u, r->photos, r->max_photo_bytes, data, size);
        return MHD_YES;
    }
    char **slot = strcmp(key, "condition_report_id") == 0 ? &u->report_id : NULL;
    for (int i = 0; i < SP_PM_COUNT && !slot; i++)
        if (strcmp(key, sp_db_photo_meta_name(i)) == 0)
            slot = &u->meta[i];
    sp_err err;
    if (!slot) {
        sp_err_set(&err, SP_EINVAL, "form field '%.60s': not a photo field", key);
        upload_fail(u, &err);
        return MHD_YES;
    }
    size_t have = *slot ? strlen(*slot) : 0;
    if (have + size > SP_PHOTO_FIELD_MAX) {
        sp_err_set(&err, SP_EINVAL, "form field '%s': over %d bytes", key, SP_PHOTO_FIELD_MAX);
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

int sp_http_photo_start(sp_http_req *r, struct MHD_Connection *conn)
{
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    sp_http_upload *u = calloc(1, sizeof *u);
    if (!u)
        return 0;
    r->upload = u;
    if (!r->photos) {
        sp_err_set(&u->err, SP_EIO, "this server keeps no photos (start it with --photos DIR)");
        u->error = SP_EIO;
        return 1;
    }
    const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (len && strtoll(len, NULL, 10) > r->max_photo_bytes + SP_POST_BUFFER) {
        sp_err_set(&u->err, SP_ETOOLARGE, "the upload is %s bytes; photos are limited to %lld", len,
                   r->max_photo_bytes);
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
    } else if (!ct || strncmp(ct, "image/", 6) != 0) {
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
    if (!u->is_multipart)
        return feed(u, r->photos, r->max_photo_bytes, data, n);
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
    sp_photo_upload_abort(u->photo);
    for (int i = 0; i < SP_PM_COUNT; i++)
        free(u->meta[i]);
    free(u->report_id);
    free(u);
    r->upload = NULL;
}

/* Vocabulary fields of a photo (view, phase, status) resolved to codes; 0 with 400 set. */
static int photo_vocab(sp_http_req *r, sp_http_upload *u)
{
    static const struct {
        int field;
        const char *domain;
    } v[] = {
        {SP_PM_VIEW, "photo_view"}, {SP_PM_PHASE, "photo_phase"}, {SP_PM_STATUS, "photo_status"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *raw = u->meta[v[i].field];
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
        u->meta[v[i].field] = dup;
    }
    return 1;
}

static void upload(sp_http_req *r, long long monument_id)
{
    sp_http_upload *u = r->upload;
    sp_db_user user;
    if (!sp_http_staff(r, SP_PHOTO_ROLE, "adding photos", &user))
        return;
    if (u->is_multipart && !u->error && u->pp) {
        MHD_destroy_post_processor(u->pp); /* flushes the last part */
        u->pp = NULL;
    }
    if (!u->error && !u->has_file)
        u->error = sp_err_set(&u->err, SP_EMEDIA,
                              u->is_multipart ? "no image in the form: send it in the field `file`"
                                              : "the request has no body: 0 bytes are no image");
    if (u->error)
        return (void)sp_http_error_from(r, &u->err);
    long long report_id = 0;
    if (u->report_id) {
        char *end;
        report_id = strtoll(u->report_id, &end, 10);
        if (*end || report_id < 1)
            return (void)sp_http_error(r, 400, "InvalidParameterValue",
                                       "condition_report_id: '%.40s' is not a report number",
                                       u->report_id);
    }
    if (!photo_vocab(r, u))
        return;
    sp_err err = {0};
    if (sp_db_monument_live(r->db, monument_id, &err) != SP_OK)
        return (void)sp_http_error_from(r, &err);
    sp_photo_info info;
    int rc = sp_photo_upload_finish(u->photo, &info, &err);
    u->photo = NULL; /* freed by finish, whatever the result */
    if (rc != SP_OK)
        return (void)sp_http_error_from(r, &err);
    sp_db_photo_in in = {
        monument_id,  report_id,   info.sha256, info.media_type,
        info.width,   info.height, info.bytes,  info.has_taken_at ? info.taken_at : NULL,
        info.has_gps, info.lat,    info.lon,    {0},
        user.id};
    for (int i = 0; i < SP_PM_COUNT; i++)
        in.meta[i] = u->meta[i];
    sp_db_actor actor = {user.login, user.role, 0};
    int64_t id = 0;
    pthread_mutex_lock(&r->writer->lock);
    rc = sp_db_photo_add(r->writer->db, &in, &actor, &id, &err);
    pthread_mutex_unlock(&r->writer->lock);
    /* A refused row leaves a stored file that no row names: the sweep at the next start
     * removes it (removing it here could race an upload of the same bytes). */
    if (rc != SP_OK)
        return (void)sp_http_error_from(r, &err);
    char *json = NULL;
    if (sp_db_photo_json(r->writer->db, id, 1, &json, &err) != SP_OK)
        return (void)sp_http_error_from(r, &err);
    r->status = 201;
    r->has_etag = 0;
    snprintf(r->location, sizeof r->location, "%s/photos/%lld", r->base, (long long)id);
    sp_strbuf_puts(&r->body, json);
    sp_db_free(json);
}

void sp_route_monument_photos(sp_http_req *r, const char *collection, const char *fid)
{
    long long id;
    if (strcmp(collection, "monuments") != 0)
        return (void)sp_http_error(r, 404, "NotFound", "photos belong to monuments");
    if (!sp_http_parse_id(r, fid, "monument", &id) || !sp_http_check_args(r, NULL))
        return;
    if (strcmp(r->method, "POST") == 0) {
        r->cache_control = "no-store";
        return upload(r, id);
    }
    sp_db_user user;
    int is_staff = 0;
    if (MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization")) {
        if (!sp_http_auth(r, &user))
            return;
        is_staff = 1;
        r->cache_control = "private, no-store";
    }
    sp_err err = {0};
    if (sp_db_monument_live(r->db, id, &err) != SP_OK)
        return (void)sp_http_error_from(r, &err);
    char *list = NULL;
    if (sp_db_photo_list(r->db, id, is_staff, &list, &err) != SP_OK)
        return (void)sp_http_error_from(r, &err);
    sp_strbuf_printf(&r->body, "{\"monument_id\":%lld,\"photos\":%s}", id, list);
    sp_db_free(list);
}

void sp_route_photo(sp_http_req *r, const char *fid, const char *variant)
{
    long long id;
    if (!sp_http_parse_id(r, fid, "photo", &id) || !sp_http_check_args(r, NULL))
        return;
    sp_photo_variant v = !variant                        ? SP_PHOTO_ORIGINAL
                         : strcmp(variant, "thumb") == 0 ? SP_PHOTO_THUMB
                         : strcmp(variant, "web") == 0   ? SP_PHOTO_WEB
                                                         : (sp_photo_variant)-1;
    if ((int)v < 0)
        return (void)sp_http_error(r, 404, "NotFound", "a photo has /thumb and /web");
    sp_db_photo p;
    int found = 0;
    sp_err err = {0};
    if (sp_db_photo_get(r->db, id, &p, &found, &err) != SP_OK)
        return (void)sp_http_error_from(r, &err);
    if (!found || !r->photos)
        return (void)sp_http_error(r, 404, "NotFound", "no photo %lld", id);
    /* The original keeps the contributor's EXIF (place, device): staff only, as are photos
     * not (yet) public. */
    int needs_staff = v == SP_PHOTO_ORIGINAL || strcmp(p.status, "public") != 0;
    sp_db_user user;
    if (needs_staff && !sp_http_auth(r, &user))
        return;
    char path[4096];
    if (sp_photo_path(r->photos, p.sha256, v, path, sizeof path, &err) != SP_OK)
        return (void)sp_http_error_from(r, &err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return (void)sp_http_error(r, 500, "ServerError", "photo %lld: its file is missing", id);
    }
    r->file_fd = fd;
    r->file_size = (uint64_t)st.st_size;
    snprintf(r->mime, sizeof r->mime, "%s", p.media_type);
    r->content_type = v == SP_PHOTO_ORIGINAL ? r->mime : SP_PHOTO_DERIVED_TYPE;
    r->cache_control = needs_staff ? "private, max-age=3600" : SP_IMMUTABLE;
    /* The bytes never change for this address: the ETag names them. */
    snprintf(r->etag_tag, sizeof r->etag_tag, "p%.12s%d", p.sha256, (int)v);
}
