/* tests/fuzz/fuzz_body.c - request bodies as the server takes them: a GeoJSON Feature for
 * OGC API Part 4 (POST, PUT, PATCH of monuments and protection zones, with a Content-Crs)
 * and a condition report's JSON (POST .../items/{id}/reports), parsed and validated by
 * sp_imp_feature_parse (importers/feature.c), then saved as server/routes_edit.c and
 * server/routes_reports.c save them. The first byte picks what the body is for, the rest is
 * the body. A body may be refused with a 4xx error (SP_EINVAL, SP_ENOTFOUND, SP_ECONFLICT);
 * any other failure would be the client's 500, so it is a finding, as is a crash.
 * The database is made once; it grows by every body accepted and is made anew from time to
 * time, so saving stays cheap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "sp_db_reports.h"
#include "sp_db_users.h"
#include "sp_imp.h"

#define SAVES_PER_DB 2000 /* bodies saved before the database is made anew */

typedef enum { FOR_MONUMENT, FOR_ZONE, FOR_REPORT, FOR_COUNT } body_for;

/* What the first byte selects: the entity, the request (its mode) and the Content-Crs. */
static const struct {
    body_for what;
    sp_imp_mode mode;
} uses[] = {
    {FOR_MONUMENT, SP_IMP_CREATE}, {FOR_MONUMENT, SP_IMP_REPLACE}, {FOR_MONUMENT, SP_IMP_PATCH},
    {FOR_ZONE, SP_IMP_CREATE},     {FOR_ZONE, SP_IMP_REPLACE},     {FOR_ZONE, SP_IMP_PATCH},
    {FOR_REPORT, SP_IMP_CREATE},
};
#define NUSES ((int)(sizeof uses / sizeof uses[0]))
static const struct {
    int srid, swap;
} crss[] = {{4326, 0}, {4326, 1}, {3857, 0}, {6384, 1}};
#define NCRSS ((int)(sizeof crss / sizeof crss[0]))

static const char monument_body[] =
    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[30.5143,50.4529]},"
    "\"properties\":{\"name_uk\":\"Софійський собор\",\"significance\":\"national\","
    "\"object_kind\":\"structure\",\"kinds\":[\"architecture\",\"history\"],"
    "\"dating\":\"1011–1037\",\"protection_no\":\"260001-Н\"}}";
static const char zone_body[] =
    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[30.51,50.45],[30.52,50.45],[30.52,50.46],[30.51,50.46],[30.51,50.45]]]},"
    "\"properties\":{\"zone_type\":\"protection_zone\",\"name_uk\":\"Охоронна зона\"}}";

static sp_vocab *vocab;
static sp_db *db;
static char db_path[512];
static int saves;
static int64_t user_id;
static int64_t base_id[FOR_COUNT];   /* the stored monument and zone */
static sp_db_stored base[FOR_COUNT]; /* ... as they were made: PUT and PATCH start here */
static const sp_entity *entity[FOR_COUNT];

static void make_db(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    sp_err err = {0};
    sp_db_close(db);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", db_path, suffixes[i]);
        unlink(p);
    }
    if (sp_db_open(db_path, SP_DB_READWRITE, &db, &err) != SP_OK ||
        sp_db_user_add(db, "fuzz", "-", "admin", "Fuzz", &err) != SP_OK)
        sp_fuzz_fail(NULL, 0, "%s", err.msg);
    sp_db_user u;
    int found = 0;
    if (sp_db_user_by_login(db, "fuzz", &u, &found, &err) != SP_OK || !found)
        sp_fuzz_fail(NULL, 0, "no user: %s", err.msg);
    user_id = u.id;
    /* One monument and one zone, made through the same path as a POST. */
    const char *bodies[] = {monument_body, zone_body};
    for (int k = FOR_MONUMENT; k <= FOR_ZONE; k++) {
        sp_imp_body how = {SP_IMP_CREATE, NULL, 4326, 0};
        sp_imp_feature f;
        sp_db_actor actor = {"fuzz", "admin", 0, 0};
        int changed;
        if (sp_imp_feature_parse(bodies[k], strlen(bodies[k]), entity[k], vocab, &how, &f, &err) !=
                SP_OK ||
            sp_db_item_save(db, 0, 0, &f.rec, &actor, &base_id[k], &changed, &err) != SP_OK)
            sp_fuzz_fail(NULL, 0, "making the base %s: %s", entity[k]->name, err.msg);
        sp_imp_feature_clear(&f);
        if (!base[k].rec.entity && sp_db_item_get(db, entity[k], base_id[k], &base[k], &err))
            sp_fuzz_fail(NULL, 0, "reading the base %s: %s", entity[k]->name, err.msg);
    }
    saves = 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    sp_err err = {0};
    sp_fuzz_quiet();
    entity[FOR_MONUMENT] = sp_model_entity(SP_ENT_MONUMENT);
    entity[FOR_ZONE] = sp_model_entity(SP_ENT_ZONE);
    entity[FOR_REPORT] = sp_model_entity(SP_ENT_REPORT);
    sp_fuzz_path("body.sqlite", db_path, sizeof db_path);
    if (sp_db_open(db_path, SP_DB_READWRITE, &db, &err) != SP_OK || !(vocab = sp_vocab_new()) ||
        sp_db_load_vocab(db, vocab, &err) != SP_OK)
        sp_fuzz_fail(NULL, 0, "vocabularies: %s", err.msg);
    make_db();
    return 0;
}

/* 1 when the server answers rc with a 4xx status (sp_http_error_from). */
static int is_client_error(int rc)
{
    return rc == SP_EINVAL || rc == SP_ENOTFOUND || rc == SP_ECONFLICT || rc == SP_ETOOLARGE ||
           rc == SP_EMEDIA;
}

/* Saves an accepted body as the server would; returns the result code. */
static int save(body_for what, sp_imp_mode mode, const sp_imp_feature *f, sp_err *err)
{
    sp_db_actor actor = {"fuzz", "admin", 0, 0};
    if (what == FOR_REPORT) {
        sp_db_report_in in = {base_id[FOR_MONUMENT], f->rec.values, 0, NULL};
        int64_t id;
        return sp_db_report_create(db, &in, &actor, user_id, &id, err);
    }
    int64_t id = 0, version = 0;
    int changed;
    if (mode != SP_IMP_CREATE) { /* the version stored now, as If-Match would name it */
        sp_db_stored now = {0};
        int rc = sp_db_item_get(db, entity[what], base_id[what], &now, err);
        version = now.version;
        sp_db_stored_clear(&now);
        if (rc != SP_OK)
            return rc;
        id = base_id[what];
    }
    return sp_db_item_save(db, id, version, &f->rec, &actor, &id, &changed, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    body_for what = uses[data[0] % NUSES].what;
    sp_imp_mode mode = uses[data[0] % NUSES].mode;
    int crs = (data[0] / NUSES) % NCRSS;
    const char *json = (const char *)data + 1;
    size_t len = size - 1;
    sp_imp_body how = {mode, mode == SP_IMP_CREATE ? NULL : &base[what].rec, crss[crs].srid,
                       crss[crs].swap};
    if (what == FOR_REPORT) /* routes_reports.c: CRS84, nothing to start from */
        how = (sp_imp_body){SP_IMP_CREATE, NULL, 0, 0};
    sp_imp_feature f;
    sp_err err = {0};
    int rc = sp_imp_feature_parse(json, len, entity[what], vocab, &how, &f, &err);
    if (rc != SP_OK) {
        if (!is_client_error(rc) || !err.msg[0])
            sp_fuzz_fail(data, size, "sp_imp_feature_parse: %s \"%s\"", sp_err_name(rc), err.msg);
        return 0;
    }
    if (entity[what]->needs_geometry && (!f.rec.wkb || !f.rec.wkb_len))
        sp_fuzz_fail(data, size, "a %s accepted without a geometry", entity[what]->name);
    if (saves++ == SAVES_PER_DB)
        make_db();
    sp_err_clear(&err);
    rc = save(what, mode, &f, &err);
    if (rc != SP_OK && !is_client_error(rc))
        sp_fuzz_fail(data, size, "saving the %s: %s \"%s\"", entity[what]->name, sp_err_name(rc),
                     err.msg);
    sp_imp_feature_clear(&f);
    return 0;
}
