/* storage/reports.c - condition reports from the API and citizens' reports with moderation
 * (see sp_db_reports.h). Each function is one transaction with its audit row, so an
 * acknowledged report is on disk (synchronous=FULL) with the record of who filed it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "sp_db_reports.h"

void sp_db_free(void *p)
{
    free(p);
}

static int check_supersedes(sp_db *db, int64_t monument_id, int64_t rid, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_REPORT_OF, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, rid);
    int step = sp_stmt_step(st), rc = SP_OK;
    if (step == SP_STMT_ROW && sp_stmt_column_int64(st, 0) != monument_id)
        rc = sp_err_set(err, SP_EINVAL, "supersedes: report %lld is about another monument",
                        (long long)rid);
    else if (step == SP_STMT_ROW && sp_stmt_column_int(st, 1))
        rc = sp_err_set(err, SP_ECONFLICT,
                        "supersedes: report %lld is already superseded; correct the newer one",
                        (long long)rid);
    else if (step == SP_STMT_DONE)
        rc = sp_err_set(err, SP_EINVAL, "supersedes: there is no report %lld", (long long)rid);
    sp_stmt_reset(st);
    if (step != SP_STMT_ROW && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, "superseded report");
    return rc;
}

/* The insert and its sets and audit row, inside the caller's transaction. */
static int insert_report(sp_db *db, const sp_db_report_in *in, const sp_db_actor *actor,
                         int64_t user_id, int64_t *out_id, sp_err *err)
{
    const sp_entity *e = sp_model_entity(SP_ENT_REPORT);
    int rc = sp_db_monument_live(db, in->monument_id, err);
    if (rc == SP_OK && in->supersedes_id)
        rc = check_supersedes(db, in->monument_id, in->supersedes_id, err);
    sp_stmt *st = rc == SP_OK ? sp_db_stmt(db, SP_Q_REPORT_CREATE, err) : NULL;
    if (rc != SP_OK || !st)
        return err->code;
    if (sp_db_bind_int(st, ":monument_id", in->monument_id, err) ||
        (in->supersedes_id && sp_db_bind_int(st, ":supersedes_id", in->supersedes_id, err)) ||
        (user_id && sp_db_bind_int(st, ":created_by", user_id, err)) ||
        sp_db_bind_text(st, ":submitter_contact", in->submitter_contact, err) ||
        sp_db_bind_fields(db, SP_Q_REPORT_CREATE, st, e, in->values, err))
        return err->code;
    if ((rc = sp_db_step_done(db, st, "insert condition report", err)) != SP_OK)
        return rc;
    int64_t id = sp_db_last_id(db);
    rc = sp_db_write_set(db, SP_Q_COUNT, SP_Q_REPORT_CAUSE_INSERT, id, in->values[SP_RF_CAUSES],
                         err);
    if (rc == SP_OK)
        rc = sp_db_write_set(db, SP_Q_COUNT, SP_Q_REPORT_ELEMENT_INSERT, id,
                             in->values[SP_RF_ELEMENTS], err);
    char *after = rc == SP_OK ? sp_db_row_json(db, SP_Q_REPORT_JSON, id, err) : NULL;
    if (rc == SP_OK && !after)
        rc = err->code;
    if (rc == SP_OK)
        rc = sp_db_audit(db, actor, "insert", "condition_report", id, NULL, after, err);
    free(after);
    *out_id = id;
    return rc;
}

int sp_db_report_create(sp_db *db, const sp_db_report_in *in, const sp_db_actor *actor,
                        int64_t user_id, int64_t *out_id, sp_err *err)
{
    if (sp_db_begin(db, err) != SP_OK)
        return err->code;
    int rc = insert_report(db, in, actor, user_id, out_id, err);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK)
        sp_db_rollback(db);
    return rc;
}

static int citizen_photo_insert(sp_db *db, int64_t citizen_id, const sp_db_citizen_in *in,
                                const sp_db_photo_file *p, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_CITIZEN_PHOTO_INSERT, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, citizen_id);
    sp_db_bind_photo_file(st, 2, p);
    sp_stmt_bind_text(st, sp_stmt_param_index(st, ":licence"), in->photo_licence);
    sp_stmt_bind_text(st, sp_stmt_param_index(st, ":credit"), in->photo_credit);
    return sp_db_step_done(db, st, "insert citizen photo", err);
}

/* On approval: the report's photos become the monument's, each with its audit row. */
static int citizen_photos_adopt(sp_db *db, int64_t citizen_id, int64_t monument_id,
                                int64_t report_id, const sp_db_actor *actor, sp_err *err)
{
    static const enum sp_q steps[] = {SP_Q_CITIZEN_PHOTOS_ADOPT, SP_Q_CITIZEN_PHOTOS_LINK,
                                      SP_Q_CITIZEN_PHOTOS_AUDIT};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        sp_stmt *st = sp_db_stmt(db, steps[i], err);
        if (!st)
            return err->code;
        sp_stmt_bind_int64(st, 1, citizen_id);
        switch (steps[i]) {
        case SP_Q_CITIZEN_PHOTOS_ADOPT: /* ?2 monument, ?3 report */
            sp_stmt_bind_int64(st, 2, monument_id);
            sp_stmt_bind_int64(st, 3, report_id);
            break;
        case SP_Q_CITIZEN_PHOTOS_LINK: /* ?2 report */
            sp_stmt_bind_int64(st, 2, report_id);
            break;
        default: /* ?2, ?3 who */
            sp_stmt_bind_text(st, 2, actor->name);
            sp_stmt_bind_text(st, 3, actor->role);
        }
        if (sp_db_step_done(db, st, "adopt citizen photos", err) != SP_OK)
            return err->code;
    }
    return SP_OK;
}

int sp_db_citizen_photo_get(sp_db *db, int64_t id, char sha256[65], char media_type[32],
                            int *out_found, sp_err *err)
{
    *out_found = 0;
    sp_stmt *st = sp_db_stmt(db, SP_Q_CITIZEN_PHOTO_GET, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, id);
    int step = sp_stmt_step(st);
    if (step == SP_STMT_ROW) {
        snprintf(sha256, 65, "%s", (const char *)sp_stmt_column_text(st, 0));
        snprintf(media_type, 32, "%s", (const char *)sp_stmt_column_text(st, 1));
        *out_found = 1;
    }
    sp_stmt_reset(st);
    return step == SP_STMT_ROW || step == SP_STMT_DONE ? SP_OK
                                                       : sp_db_sqlerr(db, err, "citizen photo");
}

int sp_db_citizen_add(sp_db *db, const sp_db_citizen_in *in, int64_t *out_id, char out_ref[32],
                      sp_err *err)
{
    if (sp_db_begin(db, err) != SP_OK)
        return err->code;
    int rc = in->monument_id ? sp_db_monument_live(db, in->monument_id, err) : SP_OK;
    sp_stmt *st = rc == SP_OK ? sp_db_stmt(db, SP_Q_CITIZEN_INSERT, err) : NULL;
    if (rc == SP_OK && !st)
        rc = err->code;
    if (rc == SP_OK) {
        if (in->monument_id)
            sp_stmt_bind_int64(st, 1, in->monument_id);
        if (in->has_location) {
            sp_stmt_bind_double(st, 2, in->lon);
            sp_stmt_bind_double(st, 3, in->lat);
        }
        sp_stmt_bind_text(st, 4, in->description);
        sp_stmt_bind_text(st, 5, in->contact);
        sp_stmt_bind_text(st, 6, in->client);
        if (sp_stmt_step(st) == SP_STMT_ROW) {
            *out_id = sp_stmt_column_int64(st, 0);
            snprintf(out_ref, 32, "%s", (const char *)sp_stmt_column_text(st, 1));
        } else {
            rc = sp_db_sqlerr(db, err, "insert citizen report");
        }
        sp_stmt_reset(st);
    }
    for (int i = 0; rc == SP_OK && i < in->nphotos; i++)
        rc = citizen_photo_insert(db, *out_id, in, &in->photos[i], err);
    /* The audit log is for staff: it may keep the contact. */
    char *after = rc == SP_OK ? sp_db_row_json(db, SP_Q_CITIZEN_JSON, *out_id, err) : NULL;
    if (rc == SP_OK && !after)
        rc = err->code;
    sp_db_actor public = {"public", NULL, 0, 0};
    if (rc == SP_OK)
        rc = sp_db_audit(db, &public, "insert", "citizen_report", *out_id, NULL, after, err);
    free(after);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK)
        sp_db_rollback(db);
    return rc;
}

int sp_db_citizen_list(sp_db *db, const char *status, int limit, char **out, sp_err *err)
{
    *out = NULL;
    sp_stmt *st = sp_db_stmt(db, SP_Q_CITIZEN_LIST, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, status);
    sp_stmt_bind_int(st, 2, limit);
    int rc = SP_OK;
    if (sp_stmt_step(st) == SP_STMT_ROW) {
        if (!(*out = sp_db_strdup((const char *)sp_stmt_column_text(st, 0))))
            rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    } else {
        rc = sp_db_sqlerr(db, err, "citizen reports");
    }
    sp_stmt_reset(st);
    return rc;
}

int sp_db_citizen_moderate(sp_db *db, int64_t id, const sp_db_moderation *m,
                           const sp_db_actor *actor, int64_t *out_report_id, sp_err *err)
{
    *out_report_id = 0;
    if (sp_db_begin(db, err) != SP_OK)
        return err->code;
    sp_stmt *st = sp_db_stmt(db, SP_Q_CITIZEN_STATE, err);
    int rc = st ? SP_OK : err->code, step = SP_STMT_DONE;
    char status[16] = "", *description = NULL, *contact = NULL;
    int64_t monument_id = 0;
    if (rc == SP_OK) {
        sp_stmt_bind_int64(st, 1, id);
        if ((step = sp_stmt_step(st)) == SP_STMT_ROW) {
            snprintf(status, sizeof status, "%s", (const char *)sp_stmt_column_text(st, 0));
            monument_id = sp_stmt_column_int64(st, 1);
            description = sp_db_strdup((const char *)sp_stmt_column_text(st, 2));
            if (sp_stmt_column_type(st, 3) != SP_COL_NULL)
                contact = sp_db_strdup((const char *)sp_stmt_column_text(st, 3));
        }
        sp_stmt_reset(st);
        if (step != SP_STMT_ROW && step != SP_STMT_DONE)
            rc = sp_db_sqlerr(db, err, "citizen report");
        else if (step == SP_STMT_DONE)
            rc = sp_err_set(err, SP_ENOTFOUND, "no citizen report %lld", (long long)id);
        else if (strcmp(status, "pending") != 0)
            rc = sp_err_set(err, SP_ECONFLICT, "citizen report %lld is already %s", (long long)id,
                            status);
    }
    char *before = rc == SP_OK ? sp_db_row_json(db, SP_Q_CITIZEN_JSON, id, err) : NULL;
    if (rc == SP_OK && !before)
        rc = err->code;
    if (rc == SP_OK && m->is_approved) {
        if (m->monument_id)
            monument_id = m->monument_id;
        if (!monument_id)
            rc = sp_err_set(err, SP_EINVAL,
                            "monument_id: the report names a place, not a monument; say which "
                            "monument it is about to approve it");
        char *values[SP_MAX_FIELDS] = {0};
        for (int i = 0; m->values && i < SP_RF_COUNT; i++)
            values[i] = m->values[i];
        values[SP_RF_REPORT_TYPE] = "citizen";
        values[SP_RF_REPORT_SOURCE] = "citizen";
        values[SP_RF_VERIFICATION] = (char *)(m->verification ? m->verification : "unverified");
        if (!values[SP_RF_DESCRIPTION])
            values[SP_RF_DESCRIPTION] = description;
        sp_db_report_in in = {monument_id, values, 0, contact};
        if (rc == SP_OK)
            rc = insert_report(db, &in, actor, 0, out_report_id, err);
        if (rc == SP_OK)
            rc = citizen_photos_adopt(db, id, monument_id, *out_report_id, actor, err);
    }
    if (rc == SP_OK && !(st = sp_db_stmt(db, SP_Q_CITIZEN_DECIDE, err)))
        rc = err->code;
    if (rc == SP_OK) {
        sp_stmt_bind_int64(st, 1, id);
        sp_stmt_bind_text(st, 2, m->is_approved ? "approved" : "rejected");
        sp_stmt_bind_text(st, 3, m->is_approved ? NULL : m->reason);
        if (*out_report_id)
            sp_stmt_bind_int64(st, 4, *out_report_id);
        sp_stmt_bind_text(st, 5, actor->name);
        sp_stmt_bind_text(st, sp_stmt_param_index(st, ":public_reason"),
                          m->is_approved ? NULL : m->public_reason);
        rc = sp_db_step_done(db, st, "moderate citizen report", err);
    }
    char *after = rc == SP_OK ? sp_db_row_json(db, SP_Q_CITIZEN_JSON, id, err) : NULL;
    if (rc == SP_OK && !after)
        rc = err->code;
    if (rc == SP_OK)
        rc = sp_db_audit(db, actor, "update", "citizen_report", id, before, after, err);
    free(before);
    free(after);
    free(description);
    free(contact);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK) {
        sp_db_rollback(db);
        *out_report_id = 0;
    }
    return rc;
}

int sp_db_citizen_review(sp_db *db, int64_t id, const sp_db_actor *actor, sp_err *err)
{
    if (sp_db_begin(db, err) != SP_OK)
        return err->code;
    char *before = NULL, *after = NULL;
    sp_stmt *st = sp_db_stmt(db, SP_Q_CITIZEN_STATE, err);
    int rc = st ? SP_OK : err->code;
    if (rc == SP_OK) {
        sp_stmt_bind_int64(st, 1, id);
        int step = sp_stmt_step(st);
        if (step != SP_STMT_ROW)
            rc = step == SP_STMT_DONE
                     ? sp_err_set(err, SP_ENOTFOUND, "no citizen report %lld", (long long)id)
                     : sp_db_sqlerr(db, err, "citizen report");
        else if (strcmp((const char *)sp_stmt_column_text(st, 0), "pending") != 0)
            rc = sp_err_set(err, SP_ECONFLICT, "citizen report %lld is already %s", (long long)id,
                            (const char *)sp_stmt_column_text(st, 0));
        sp_stmt_reset(st);
    }
    if (rc == SP_OK && !(before = sp_db_row_json(db, SP_Q_CITIZEN_JSON, id, err)))
        rc = err->code;
    if (rc == SP_OK && !(st = sp_db_stmt(db, SP_Q_CITIZEN_REVIEW, err)))
        rc = err->code;
    if (rc == SP_OK) {
        sp_stmt_bind_int64(st, sp_stmt_param_index(st, ":id"), id);
        rc = sp_db_step_done(db, st, "review citizen report", err);
    }
    int changed = rc == SP_OK && sp_db_changes(db) > 0;
    if (changed && !(after = sp_db_row_json(db, SP_Q_CITIZEN_JSON, id, err)))
        rc = err->code;
    if (changed && rc == SP_OK)
        rc = sp_db_audit(db, actor, "update", "citizen_report", id, before, after, err);
    free(before);
    free(after);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK)
        sp_db_rollback(db);
    return rc;
}

int sp_db_citizen_status(sp_db *db, const char *ref, char **out, sp_err *err)
{
    *out = NULL;
    sp_stmt *st = sp_db_stmt(db, SP_Q_CITIZEN_STATUS, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, sp_stmt_param_index(st, ":ref"), ref);
    int step = sp_stmt_step(st), rc = SP_OK;
    if (step == SP_STMT_ROW) {
        if (!(*out = sp_db_strdup((const char *)sp_stmt_column_text(st, 0))))
            rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    } else if (step != SP_STMT_DONE) {
        rc = sp_db_sqlerr(db, err, "citizen report status");
    }
    sp_stmt_reset(st);
    return rc;
}
