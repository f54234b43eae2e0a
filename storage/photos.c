/* storage/photos.c - photo rows (see sp_db_photos.h). The files are the photos module's; a
 * row is written only after its file is safely in place, so a crash leaves at worst a file
 * without a row, which the startup sweep removes, and never a row without its file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "sp_db_photos.h"
#include "sp_strbuf.h"

static const char *const meta_names[SP_PM_COUNT] = {
    "author", "licence", "caption_uk", "caption_en", "alt_uk", "alt_en", "view", "phase", "status"};

const char *sp_db_photo_meta_name(int i)
{
    return i >= 0 && i < SP_PM_COUNT ? meta_names[i] : NULL;
}

static int json_of(sp_db *db, enum sp_q q, int64_t id, int is_staff, char **out, sp_err *err)
{
    *out = NULL;
    sp_stmt *st = sp_db_stmt(db, q, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, id);
    sp_stmt_bind_int(st, 2, is_staff);
    int step = sp_stmt_step(st), rc = SP_OK;
    if (step == SP_STMT_ROW && sp_stmt_column_type(st, 0) != SP_COL_NULL) {
        if (!(*out = sp_db_strdup((const char *)sp_stmt_column_text(st, 0))))
            rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    } else if (step == SP_STMT_ROW || step == SP_STMT_DONE) {
        rc = sp_err_set(err, SP_ENOTFOUND, "no photo %lld", (long long)id);
    } else {
        rc = sp_db_sqlerr(db, err, "photo");
    }
    sp_stmt_reset(st);
    return rc;
}

int sp_db_photo_json(sp_db *db, int64_t id, int is_staff, char **out, sp_err *err)
{
    return json_of(db, SP_Q_PHOTO_JSON, id, is_staff, out, err);
}

int sp_db_photo_list(sp_db *db, int64_t monument_id, int is_staff, char **out, sp_err *err)
{
    *out = NULL;
    sp_stmt *st = sp_db_stmt(db, SP_Q_PHOTO_LIST, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, monument_id);
    sp_stmt_bind_int(st, 2, is_staff);
    sp_strbuf list = {0};
    sp_strbuf_puts(&list, "[");
    int step, rc = SP_OK, n = 0;
    while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
        char *one = NULL;
        rc = json_of(db, SP_Q_PHOTO_JSON, sp_stmt_column_int64(st, 0), is_staff, &one, err);
        if (rc == SP_OK) {
            if (n++)
                sp_strbuf_puts(&list, ",");
            sp_strbuf_puts(&list, one);
        }
        free(one);
    }
    if (rc == SP_OK && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, "photos");
    sp_stmt_reset(st);
    sp_strbuf_puts(&list, "]");
    if (rc == SP_OK && list.failed)
        rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    if (rc == SP_OK) { /* the buffer's text is the caller's now */
        *out = list.data;
        list = (sp_strbuf){0};
    }
    sp_strbuf_free(&list);
    return rc;
}

void sp_db_bind_photo_file(sp_stmt *st, int first, const sp_db_photo_file *f)
{
    sp_stmt_bind_text(st, first, f->sha256);
    sp_stmt_bind_text(st, first + 1, f->media_type);
    sp_stmt_bind_int(st, first + 2, f->width);
    sp_stmt_bind_int(st, first + 3, f->height);
    sp_stmt_bind_int64(st, first + 4, f->bytes);
    sp_stmt_bind_text(st, first + 5, f->taken_at);
    if (f->has_gps) {
        sp_stmt_bind_double(st, first + 6, f->lat);
        sp_stmt_bind_double(st, first + 7, f->lon);
    }
}

int sp_db_photo_add(sp_db *db, const sp_db_photo_in *in, const sp_db_actor *actor, int64_t *out_id,
                    sp_err *err)
{
    if (sp_db_begin(db, err) != SP_OK)
        return err->code;
    int rc = sp_db_monument_live(db, in->monument_id, err), step;
    sp_stmt *st = NULL;
    if (rc == SP_OK && in->report_id && (st = sp_db_stmt(db, SP_Q_REPORT_MONUMENT, err))) {
        sp_stmt_bind_int64(st, 1, in->report_id);
        step = sp_stmt_step(st);
        if (step != SP_STMT_ROW && step != SP_STMT_DONE)
            rc = sp_db_sqlerr(db, err, "report");
        else if (step == SP_STMT_DONE || sp_stmt_column_int64(st, 0) != in->monument_id)
            rc = sp_err_set(err, SP_EINVAL,
                            "condition_report_id: report %lld is not about monument %lld",
                            (long long)in->report_id, (long long)in->monument_id);
        sp_stmt_reset(st);
    } else if (rc == SP_OK && in->report_id) {
        rc = err->code;
    }
    if (rc == SP_OK && !(st = sp_db_stmt(db, SP_Q_PHOTO_INSERT, err)))
        rc = err->code;
    if (rc == SP_OK) {
        sp_stmt_bind_int64(st, 1, in->monument_id);
        if (in->report_id)
            sp_stmt_bind_int64(st, 2, in->report_id);
        sp_db_bind_photo_file(st, 3, &in->file);
        for (int i = 0; i < SP_PM_COUNT; i++)
            sp_stmt_bind_text(st, 11 + i, in->meta[i]);
        if (in->uploaded_by)
            sp_stmt_bind_int64(st, 20, in->uploaded_by);
        rc = sp_db_step_done(db, st, "insert photo", err);
    }
    int64_t id = rc == SP_OK ? sp_db_last_id(db) : 0;
    char *after = NULL;
    if (rc == SP_OK)
        rc = json_of(db, SP_Q_PHOTO_JSON, id, 1, &after, err);
    if (rc == SP_OK)
        rc = sp_db_audit(db, actor, "insert", "photo", id, NULL, after, err);
    free(after);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK)
        sp_db_rollback(db);
    *out_id = id;
    return rc;
}

int sp_db_photo_get(sp_db *db, int64_t id, sp_db_photo *out, int *out_found, sp_err *err)
{
    memset(out, 0, sizeof *out);
    *out_found = 0;
    sp_stmt *st = sp_db_stmt(db, SP_Q_PHOTO_GET, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, id);
    int step = sp_stmt_step(st);
    if (step == SP_STMT_ROW) {
        out->id = sp_stmt_column_int64(st, 0);
        out->monument_id = sp_stmt_column_int64(st, 1);
        snprintf(out->sha256, sizeof out->sha256, "%s", (const char *)sp_stmt_column_text(st, 2));
        snprintf(out->media_type, sizeof out->media_type, "%s",
                 (const char *)sp_stmt_column_text(st, 3));
        snprintf(out->status, sizeof out->status, "%s", (const char *)sp_stmt_column_text(st, 4));
        out->is_monument_coarse = sp_stmt_column_int(st, 5);
        *out_found = 1;
    }
    sp_stmt_reset(st);
    return step == SP_STMT_ROW || step == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, "photo");
}

int sp_db_photo_referenced(sp_db *db, const char *sha256, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_PHOTO_BY_SHA, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, sha256);
    int step = sp_stmt_step(st);
    int n = step == SP_STMT_ROW ? sp_stmt_column_int(st, 0) : 0;
    sp_stmt_reset(st);
    return step == SP_STMT_ROW ? n : sp_db_sqlerr(db, err, "photo by sha");
}

/* Binds the named parameter of st (it exists: the statement is ours). */
static int param(sp_stmt *st, const char *prefix, const char *name)
{
    char key[48];
    snprintf(key, sizeof key, ":%s%s", prefix, name);
    return sp_stmt_param_index(st, key);
}

/* SP_ECONFLICT when p makes public a photo its citizen did not consent to publish. */
static int check_consent(sp_db *db, int64_t id, const sp_db_photo_patch *p, sp_err *err)
{
    if (!p->is_set[SP_PM_STATUS] || !p->meta[SP_PM_STATUS] ||
        strcmp(p->meta[SP_PM_STATUS], "public") != 0)
        return SP_OK;
    sp_stmt *st = sp_db_stmt(db, SP_Q_PHOTO_WITHOUT_CONSENT, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, param(st, "", "id"), id);
    int step = sp_stmt_step(st), refused = step == SP_STMT_ROW && sp_stmt_column_int(st, 0);
    sp_stmt_reset(st);
    if (step != SP_STMT_ROW)
        return sp_db_sqlerr(db, err, "photo consent");
    return refused ? sp_err_set(err, SP_ECONFLICT,
                                "status: photo %lld was sent by a citizen who did not consent to "
                                "publishing it; it stays restricted",
                                (long long)id)
                   : SP_OK;
}

int sp_db_photo_update(sp_db *db, int64_t id, const sp_db_photo_patch *p, const sp_db_actor *actor,
                       sp_err *err)
{
    if (p->is_set[SP_PM_STATUS] && !p->meta[SP_PM_STATUS])
        return sp_err_set(err, SP_EINVAL,
                          "status: a photo always has one (public, restricted, "
                          "pending)");
    if (sp_db_begin(db, err) != SP_OK)
        return err->code;
    sp_db_photo cur;
    int found = 0, rc = sp_db_photo_get(db, id, &cur, &found, err);
    if (rc == SP_OK && !found)
        rc = sp_err_set(err, SP_ENOTFOUND, "no photo %lld", (long long)id);
    if (rc == SP_OK)
        rc = check_consent(db, id, p, err);
    char *before = NULL, *after = NULL;
    if (rc == SP_OK)
        rc = json_of(db, SP_Q_PHOTO_JSON, id, 1, &before, err);
    sp_stmt *st = NULL;
    if (rc == SP_OK && !(st = sp_db_stmt(db, SP_Q_PHOTO_UPDATE, err)))
        rc = err->code;
    if (rc == SP_OK) {
        for (int i = 0; i < SP_PM_COUNT; i++) {
            sp_stmt_bind_int(st, param(st, "set_", meta_names[i]), p->is_set[i]);
            sp_stmt_bind_text(st, param(st, "", meta_names[i]), p->meta[i]);
        }
        if (p->location_public >= 0)
            sp_stmt_bind_int(st, param(st, "", "location_public"), p->location_public);
        sp_stmt_bind_int64(st, param(st, "", "id"), id);
        rc = sp_db_step_done(db, st, "update photo", err);
    }
    if (rc == SP_OK)
        rc = json_of(db, SP_Q_PHOTO_JSON, id, 1, &after, err);
    if (rc == SP_OK)
        rc = sp_db_audit(db, actor, "update", "photo", id, before, after, err);
    free(before);
    free(after);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK)
        sp_db_rollback(db);
    return rc;
}
