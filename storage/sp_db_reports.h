/* storage/sp_db_reports.h - condition reports filed through the API and citizens' reports
 * with their moderation. Reports are never changed in place: a correction is a new report
 * that supersedes one; a citizen's report is kept whatever the moderator decides. Every
 * write has its audit row in the same transaction. */
#ifndef SP_DB_REPORTS_H
#define SP_DB_REPORTS_H

#include <stdint.h>

#include "sp_db.h"
#include "sp_db_photos.h"

typedef struct sp_db_report_in {
    int64_t monument_id;
    char *const *values;           /* normalised, by enum sp_report_field */
    int64_t supersedes_id;         /* 0: none */
    const char *submitter_contact; /* citizens' reports only; never published */
} sp_db_report_in;

/* Files an approved report. SP_ENOTFOUND (no such live monument), SP_EINVAL (supersedes a
 * report of another monument, or none), SP_ECONFLICT (that report is already superseded). */
int sp_db_report_create(sp_db *db, const sp_db_report_in *in, const sp_db_actor *actor,
                        int64_t user_id, int64_t *out_id, sp_err *err);

typedef struct sp_db_citizen_in {
    int64_t monument_id; /* 0: none, then the location */
    int has_location;
    double lon, lat;
    const char *description, *contact, *client;
    const sp_db_photo_file *photos; /* sent with the report, already in the photo store */
    int nphotos;
    const char *photo_licence; /* the photos' SPDX licence; NULL: do not publish them */
    const char *photo_credit;  /* the name to credit them by; NULL: anonymous */
} sp_db_citizen_in;

/* Keeps a citizen's report as pending, with its photos, in one transaction; out_ref: the
 * reference number given back. */
int sp_db_citizen_add(sp_db *db, const sp_db_citizen_in *in, int64_t *out_id, char out_ref[32],
                      sp_err *err);

/* The citizens' reports with a status ("pending", ...), oldest first, as one JSON array
 * (contacts included: for staff). *out is freed with sp_db_free. */
int sp_db_citizen_list(sp_db *db, const char *status, int limit, char **out, sp_err *err);
void sp_db_free(void *p);

typedef struct sp_db_moderation {
    int is_approved;
    const char *verification;  /* approve: unverified or confirmed */
    int64_t monument_id;       /* approve: required when the report names no monument */
    char *const *values;       /* approve: report fields the moderator set (condition, ...) */
    const char *reason;        /* reject: required, internal (staff only) */
    const char *public_reason; /* reject: optional, shown to the citizen by reference */
} sp_db_moderation;

/* Approves (a condition report of type citizen is filed, *out_report_id, and the report's
 * photos become public photos of the monument) or rejects a pending citizen's report.
 * SP_ENOTFOUND, SP_ECONFLICT (already moderated), SP_EINVAL. */
int sp_db_citizen_moderate(sp_db *db, int64_t id, const sp_db_moderation *m,
                           const sp_db_actor *actor, int64_t *out_report_id, sp_err *err);

/* An editor takes up a pending report: its citizen sees it "under review". SP_ENOTFOUND,
 * SP_ECONFLICT (already moderated); taking it up twice changes nothing. */
int sp_db_citizen_review(sp_db *db, int64_t id, const sp_db_actor *actor, sp_err *err);

/* What the public sees of a citizen's report by its reference number, as a JSON object
 * (free with sp_db_free); *out NULL when there is no such report. */
int sp_db_citizen_status(sp_db *db, const char *ref, char **out, sp_err *err);

/* The file of a photo sent with a citizen's report: *out_found 0 when there is none. */
int sp_db_citizen_photo_get(sp_db *db, int64_t id, char sha256[65], char media_type[32],
                            int *out_found, sp_err *err);

#endif
