/* storage/monument.c - upsert of monuments and districts, condition reports, export rows.
 * An upsert is keyed by the record's stable identity so re-import is idempotent: a content
 * hash of the incoming values tells "unchanged" from "updated" without a field-by-field
 * compare, and every insert or update writes its audit row in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "sp_hash.h"

typedef struct entity_sql {
    enum sp_q by_source, by_alt, insert, update, json;
    int alt_field; /* second natural key (protection_no, name_uk), or -1 */
    enum sp_q state, live, record, soft_delete; /* editing through the API; SP_Q_COUNT: none */
    const char *noun;                           /* in messages */
} entity_sql;

static const entity_sql *sql_for(const sp_entity *e)
{
    static const entity_sql monument = {SP_Q_MONUMENT_BY_SOURCE,
                                        SP_Q_MONUMENT_BY_PROTECTION_NO,
                                        SP_Q_MONUMENT_INSERT,
                                        SP_Q_MONUMENT_UPDATE,
                                        SP_Q_MONUMENT_JSON,
                                        SP_MF_PROTECTION_NO,
                                        SP_Q_MONUMENT_STATE,
                                        SP_Q_MONUMENT_LIVE,
                                        SP_Q_MONUMENT_RECORD,
                                        SP_Q_MONUMENT_SOFT_DELETE,
                                        "monument"};
    static const entity_sql district = {SP_Q_DISTRICT_BY_SOURCE,
                                        SP_Q_DISTRICT_BY_NAME,
                                        SP_Q_DISTRICT_INSERT,
                                        SP_Q_DISTRICT_UPDATE,
                                        SP_Q_DISTRICT_JSON,
                                        SP_DF_NAME_UK,
                                        SP_Q_COUNT,
                                        SP_Q_COUNT,
                                        SP_Q_COUNT,
                                        SP_Q_COUNT,
                                        "district"};
    static const entity_sql zone = {SP_Q_ZONE_BY_SOURCE,   SP_Q_COUNT,       SP_Q_ZONE_INSERT,
                                    SP_Q_ZONE_UPDATE,      SP_Q_ZONE_JSON,   -1,
                                    SP_Q_ZONE_STATE,       SP_Q_ZONE_LIVE,   SP_Q_ZONE_RECORD,
                                    SP_Q_ZONE_SOFT_DELETE, "protection zone"};
    switch (e->id) {
    case SP_ENT_MONUMENT:
        return &monument;
    case SP_ENT_DISTRICT:
        return &district;
    case SP_ENT_ZONE:
        return &zone;
    default:
        return NULL;
    }
}

/* The SQL for editing records of e through the API, or NULL with SP_EINTERNAL set. */
static const entity_sql *editable(const sp_entity *e, sp_err *err)
{
    const entity_sql *q = sql_for(e);
    if (!q || q->state == SP_Q_COUNT) {
        sp_err_set(err, SP_EINTERNAL, "records of %s are not edited through the API", e->name);
        return NULL;
    }
    return q;
}

/* FNV-1a over every value and the geometry, separated so "a","b" != "ab","". */
static void content_hash(const sp_db_record *rec, char out[17])
{
    uint64_t h = SP_FNV_INIT;
    for (int i = 0; i < rec->entity->nfields; i++) {
        const char *v = rec->values[i];
        unsigned char sep[2] = {v ? 1 : 0, 0x1f};
        h = sp_fnv1a(h, sep, 1);
        if (v)
            h = sp_fnv1a(h, v, strlen(v));
        h = sp_fnv1a(h, sep + 1, 1);
    }
    h = sp_fnv1a(h, rec->wkb, rec->wkb_len);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* A record found by one of its keys (queries *_by_*: id, content hash, then for monuments
 * and zones its data set, whether it is deleted, whether a field has an origin of its own). */
typedef struct found {
    int64_t id; /* 0 when absent */
    char hash[17];
    char dataset[SP_DB_NAME_MAX];
    int is_deleted, has_origin;
} found;

/* Finds a row by one query with one or two text keys. */
static int find_by(sp_db *db, enum sp_q q, const char *k1, const char *k2, found *out, sp_err *err)
{
    memset(out, 0, sizeof *out);
    sp_stmt *st = sp_db_stmt(db, q, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, k1);
    if (k2)
        sp_stmt_bind_text(st, 2, k2);
    int rc = sp_stmt_step(st), ncols = sp_stmt_column_count(st);
    if (rc == SP_STMT_ROW) {
        out->id = sp_stmt_column_int64(st, 0);
        const char *h = ncols > 1 ? (const char *)sp_stmt_column_text(st, 1) : NULL;
        snprintf(out->hash, sizeof out->hash, "%s", h ? h : "");
        if (ncols >= 5) {
            const char *d = (const char *)sp_stmt_column_text(st, 2);
            snprintf(out->dataset, sizeof out->dataset, "%s", d ? d : "");
            out->is_deleted = sp_stmt_column_int(st, 3);
            out->has_origin = sp_stmt_column_int(st, 4);
        }
    }
    sp_stmt_reset(st);
    return rc == SP_STMT_ROW || rc == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, "find record");
}

char *sp_db_row_json(sp_db *db, enum sp_q q, int64_t id, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, q, err);
    if (!st)
        return NULL;
    sp_stmt_bind_int64(st, 1, id);
    char *out = NULL;
    if (sp_stmt_step(st) == SP_STMT_ROW)
        out = sp_db_strdup((const char *)sp_stmt_column_text(st, 0));
    else
        sp_db_sqlerr(db, err, "record as json");
    sp_stmt_reset(st);
    if (!out && err->code == SP_OK)
        sp_err_set(err, SP_ENOMEM, "out of memory");
    return out;
}

int sp_db_audit(sp_db *db, const sp_db_actor *actor, const char *action, const char *entity,
                int64_t id, const char *before, const char *after, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_AUDIT_INSERT, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, actor->name);
    sp_stmt_bind_text(st, 2, actor->role);
    sp_stmt_bind_text(st, 3, action);
    sp_stmt_bind_text(st, 4, entity);
    sp_stmt_bind_int64(st, 5, id);
    if (actor->import_run_id)
        sp_stmt_bind_int64(st, 6, actor->import_run_id);
    sp_stmt_bind_text(st, 7, before);
    sp_stmt_bind_text(st, 8, after);
    return sp_db_step_done(db, st, "audit log", err);
}

int sp_db_write_set(sp_db *db, enum sp_q clear, enum sp_q insert, int64_t id, const char *set,
                    sp_err *err)
{
    sp_stmt *st;
    if (clear != SP_Q_COUNT) {
        if (!(st = sp_db_stmt(db, clear, err)))
            return err->code;
        sp_stmt_bind_int64(st, 1, id);
        if (sp_db_step_done(db, st, "clear set", err) != SP_OK)
            return err->code;
    }
    for (const char *p = set; p && *p;) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (!(st = sp_db_stmt(db, insert, err)))
            return err->code;
        sp_stmt_bind_int64(st, 1, id);
        sp_stmt_bind_text_len(st, 2, p, (int)n);
        if (sp_db_step_done(db, st, "write set", err) != SP_OK)
            return err->code;
        p = end ? end + 1 : p + n;
    }
    return SP_OK;
}

/* Name of the district containing the point, copied into out; "" when none. */
static int district_at(sp_db *db, double x, double y, char *out, size_t outsz, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_DISTRICT_AT, err);
    if (!st)
        return err->code;
    sp_stmt_bind_double(st, 1, x);
    sp_stmt_bind_double(st, 2, y);
    int rc = sp_stmt_step(st);
    out[0] = '\0';
    if (rc == SP_STMT_ROW)
        snprintf(out, outsz, "%s", (const char *)sp_stmt_column_text(st, 0));
    sp_stmt_reset(st);
    return rc == SP_STMT_ROW || rc == SP_STMT_DONE ? SP_OK : sp_db_sqlerr(db, err, "district_at");
}

/* Writes rec as row id (0: a new row) unless its content hash equals old_hash: the district
 * from the marker when the record has none, the row, the kinds, the audit row. */
static int store(sp_db *db, const entity_sql *q, const sp_db_record *rec, int64_t id,
                 const char *old_hash, const sp_db_actor *actor, sp_upsert_result *out_result,
                 int64_t *out_id, sp_err *err)
{
    const sp_entity *e = rec->entity;
    int is_monument = e->id == SP_ENT_MONUMENT;
    char new_hash[17];
    int rc = SP_OK;
    /* A monument without a district gets the one its marker falls in, when known; before
     * hashing, so that re-importing an export (which carries the district) is "unchanged". */
    sp_db_record stored = *rec;
    char district[256];
    int may_have_district = !db->in_bulk || db->bulk_districts > 0; /* a run has one target */
    if (is_monument && !stored.values[SP_MF_DISTRICT] && may_have_district) {
        if ((rc = district_at(db, rec->marker_x, rec->marker_y, district, sizeof district, err)))
            return rc;
        if (district[0])
            stored.values[SP_MF_DISTRICT] = district;
    }
    char **values = stored.values;
    content_hash(&stored, new_hash);
    if (id && strcmp(old_hash, new_hash) == 0) {
        *out_result = SP_UPSERT_UNCHANGED;
        *out_id = id;
        return SP_OK;
    }

    char *before = id ? sp_db_row_json(db, q->json, id, err) : NULL;
    if (id && !before)
        return err->code;
    enum sp_q qs = id ? q->update : q->insert;
    sp_stmt *st = sp_db_stmt(db, qs, err);
    /* An update keeps the data set the record first came from. */
    if (!st || (!id && sp_db_bind_text(st, ":dataset", rec->dataset, err)) ||
        sp_db_bind_text(st, ":content_hash", new_hash, err) ||
        sp_db_bind_blob(st, ":wkb", rec->wkb, rec->wkb_len, err) ||
        (is_monument && (sp_db_bind_double(st, ":marker_x", rec->marker_x, err) ||
                         sp_db_bind_double(st, ":marker_y", rec->marker_y, err))) ||
        (id && sp_db_bind_int(st, ":id", id, err)) ||
        (!id && is_monument && sp_db_bind_text(st, ":uid", rec->uid, err)) ||
        sp_db_bind_fields(db, qs, st, e, values, err)) {
        free(before);
        return err->code;
    }
    if ((rc = sp_db_step_done(db, st, id ? "update" : "insert", err)) != SP_OK) {
        free(before);
        return rc;
    }
    if (!id)
        id = sp_db_last_id(db);
    /* From here on the record is partly written: no failure may pass as a rejection. */
    if (is_monument) /* a new row has no kinds to clear */
        rc = sp_db_write_set(db, before ? SP_Q_MONUMENT_KINDS_CLEAR : SP_Q_COUNT,
                             SP_Q_MONUMENT_KIND_INSERT, id, values[SP_MF_KINDS], err);
    /* An insert's audit row carries no JSON: the inserted state is the next change's
     * "before", or the row itself while it is unchanged. Updates keep both sides. Inside a
     * bulk transaction the monuments' insert rows are written at its end, in one statement. */
    char *after = rc == SP_OK && before ? sp_db_row_json(db, q->json, id, err) : NULL;
    int is_deferred = !before && is_monument && db->in_bulk;
    if (rc == SP_OK && (after || !before) && !is_deferred)
        rc = sp_db_audit(db, actor, before ? "update" : "insert", e->name, id, before, after, err);
    else if (rc == SP_OK)
        rc = err->code;
    *out_result = before ? SP_UPSERT_UPDATED : SP_UPSERT_INSERTED;
    *out_id = id;
    free(before);
    free(after);
    return sp_db_partly_written(rc, err);
}

/* What a record may not be although its values are valid: a protection number that is
 * another monument's, a zone that names a monument that does not exist. */
static int check_links(sp_db *db, const sp_db_record *rec, int64_t id, sp_err *err)
{
    found other;
    const char *v;
    int rc = SP_OK;
    if (rec->entity->id == SP_ENT_MONUMENT && (v = rec->values[SP_MF_PROTECTION_NO])) {
        rc = find_by(db, SP_Q_MONUMENT_BY_PROTECTION_NO, v, NULL, &other, err);
        if (rc == SP_OK && other.id && other.id != id)
            rc = sp_err_set(err, SP_ECONFLICT, "protection number %s is monument %lld's", v,
                            (long long)other.id);
    } else if (rec->entity->id == SP_ENT_ZONE && (v = rec->values[SP_ZF_MONUMENT_ID])) {
        rc = sp_db_monument_live(db, strtoll(v, NULL, 10), err);
        if (rc == SP_ENOTFOUND)
            rc = sp_err_set(err, SP_EINVAL, "monument_id %s: no such monument", v);
    }
    return rc;
}

int sp_db_upsert(sp_db *db, const sp_db_record *rec, const sp_db_actor *actor,
                 sp_upsert_result *out_result, int64_t *out_id, sp_err *err)
{
    const sp_entity *e = rec->entity;
    const entity_sql *q = sql_for(e);
    if (!q)
        return sp_err_set(err, SP_EINVAL, "cannot store records of %s here", e->name);
    int is_monument = e->id == SP_ENT_MONUMENT;
    const char *source_id = rec->values[e->key_field];
    const char *alt = q->alt_field >= 0 ? rec->values[q->alt_field] : NULL;
    found f = {0};
    int rc = SP_OK;
    if (rec->uid && is_monument)
        rc = find_by(db, SP_Q_MONUMENT_BY_UID, rec->uid, NULL, &f, err);
    if (rc == SP_OK && !f.id && alt)
        rc = find_by(db, q->by_alt, alt, NULL, &f, err);
    if (rc == SP_OK && !f.id && source_id)
        rc = find_by(db, q->by_source, rec->dataset, source_id, &f, err);
    if (rc == SP_OK && e->id == SP_ENT_ZONE) /* the monument a zone names must exist */
        rc = check_links(db, rec, f.id, err);
    if (rc != SP_OK)
        return rc;
    if (!f.id && !source_id && !alt && !rec->uid)
        return sp_err_set(err, SP_EINVAL, "record has no key (source_id%s%s or uid)",
                          q->alt_field >= 0 ? ", " : "",
                          q->alt_field >= 0 ? e->fields[q->alt_field].name : "");
    /* Provenance (storage/provenance.c): a record that holds a value someone else set is
     * merged field by field, unless the import overwrites on purpose. */
    int has_provenance = q->state != SP_Q_COUNT && f.id;
    if (has_provenance && actor->import_run_id && !actor->prefer_source &&
        (f.has_origin || strcmp(f.dataset, rec->dataset) != 0))
        return sp_db_merge(db, rec, f.id, f.hash, f.dataset, actor, out_result, out_id, err);
    if (f.is_deleted) /* deleted by its data set, and back: not "unchanged" */
        f.hash[0] = '\0';
    rc = store(db, q, rec, f.id, f.hash, actor, out_result, out_id, err);
    if (rc == SP_OK && has_provenance && actor->prefer_source && f.has_origin &&
        *out_result != SP_UPSERT_UNCHANGED)
        rc = sp_db_origin_reset(db, e, f.id, actor, err);
    return rc;
}

int sp_db_store_record(sp_db *db, const sp_db_record *rec, int64_t id, const char *old_hash,
                       const sp_db_actor *actor, sp_upsert_result *out_result, int64_t *out_id,
                       sp_err *err)
{
    const entity_sql *q = sql_for(rec->entity);
    if (!q)
        return sp_err_set(err, SP_EINTERNAL, "cannot store records of %s", rec->entity->name);
    return store(db, q, rec, id, old_hash ? old_hash : "", actor, out_result, out_id, err);
}

/* Inside a bulk transaction the monuments' insert triggers are off: sp_db_bulk_finish fills
 * the three R*Trees and the full-text index in one pass each over the new rows, notes one
 * map change and writes the audit rows in one statement (a trigger that writes an R*Tree
 * also makes SQLite keep a statement journal for every insert, which costs more than the
 * insert). They are dropped and re-created inside the transaction, from the SQL the schema
 * holds, so no other connection sees them missing and a rollback restores them.
 * Kept because measured (issue 21): a 200,000-monument import (scripts/synth --monuments
 * 200000 --reports 0, 2 shared cores, hyperfine, 3 runs each) took 48.3 s wall, 21.3 s of
 * user CPU with the triggers set aside, and 87.3 s wall, 56.7 s CPU with them firing on
 * every insert: 1.8x the time, 2.7x the CPU, for about 60 lines (this, sp_db_triggers_off and
 * _on in db.c, the three fills above the audit in sp_db_bulk_finish). */
static const char *const bulk_triggers[] = {"gii_monument_geom", "monument_pub_insert",
                                            "map_point_insert", "monument_fts_insert",
                                            "map_change_monument_insert"};

int sp_db_bulk_begin(sp_db *db, sp_err *err)
{
    int rc = sp_db_exec(db, SP_Q_EXEC_BEGIN_BULK, err);
    if (rc == SP_OK)
        rc = sp_db_query_int(db, SP_Q_MONUMENT_MAX_ID, &db->bulk_max_id, err);
    if (rc == SP_OK) /* no districts: no point-in-polygon look-up per monument */
        rc = sp_db_query_int(db, SP_Q_DISTRICT_COUNT, &db->bulk_districts, err);
    if (rc == SP_OK)
        rc = sp_db_triggers_off(db, bulk_triggers, sizeof bulk_triggers / sizeof bulk_triggers[0],
                                &db->bulk_off, err);
    if (rc != SP_OK) {
        sp_db_rollback(db);
        return rc;
    }
    if (db->pg) /* a bulk run stops at a failure after a record's first write: see pg.h */
        sp_pg_defer(db->pg);
    db->in_bulk = 1;
    db->bulk_analyze = 1;
    return SP_OK;
}

int sp_db_bulk_finish(sp_db *db, const sp_db_actor *actor, sp_err *err)
{
    /* The insert triggers are off (bulk_triggers): the new rows' index entries, here. */
    sp_stmt *st;
    int64_t after = db->bulk_max_id;
    static const char *const trees[] = {"idx_monument_geom", "idx_monument_pub", "idx_map_point"};
    if (sp_db_rtree_fill(db, trees, 3, SP_Q_BULK_TREE_ROWS, after, err) != SP_OK ||
        !(st = sp_db_stmt(db, SP_Q_BULK_FTS_FILL, err)))
        return err->code;
    sp_stmt_bind_int64(st, 1, after);
    if (sp_db_step_done(db, st, "fill the search index", err) != SP_OK ||
        !(st = sp_db_stmt(db, SP_Q_BULK_MAP_CHANGE, err)))
        return err->code;
    sp_stmt_bind_int64(st, 1, after);
    if (sp_db_step_done(db, st, "note the map change", err) != SP_OK ||
        sp_db_triggers_on(db, &db->bulk_off, err) != SP_OK ||
        !(st = sp_db_stmt(db, SP_Q_AUDIT_BULK_INSERTS, err)))
        return err->code;
    sp_stmt_bind_text(st, 1, actor->name);
    if (actor->import_run_id)
        sp_stmt_bind_int64(st, 2, actor->import_run_id);
    sp_stmt_bind_int64(st, 3, after);
    db->in_bulk = 0;
    return sp_db_step_done(db, st, "audit inserted monuments", err);
}

int sp_db_report_add(sp_db *db, int64_t monument_id, const char *dataset, const char *source_id,
                     char *const values[], int *out_added, sp_err *err)
{
    found f;
    int rc = find_by(db, SP_Q_REPORT_BY_SOURCE, dataset, source_id, &f, err);
    *out_added = 0;
    if (rc != SP_OK || f.id)
        return rc;
    int64_t id;
    sp_stmt *st = sp_db_stmt(db, SP_Q_REPORT_INSERT, err);
    if (!st || sp_db_bind_int(st, ":monument_id", monument_id, err) ||
        sp_db_bind_text(st, ":dataset", dataset, err) ||
        sp_db_bind_text(st, ":source_key", source_id, err) ||
        sp_db_bind_fields(db, SP_Q_REPORT_INSERT, st, sp_model_entity(SP_ENT_REPORT), values, err))
        return err->code;
    if ((rc = sp_db_step_done(db, st, "insert condition report", err)) != SP_OK)
        return rc;
    id = sp_db_last_id(db);
    rc = sp_db_write_set(db, SP_Q_COUNT, SP_Q_REPORT_CAUSE_INSERT, id, values[SP_RF_CAUSES], err);
    if (rc == SP_OK)
        rc = sp_db_write_set(db, SP_Q_COUNT, SP_Q_REPORT_ELEMENT_INSERT, id, values[SP_RF_ELEMENTS],
                             err);
    *out_added = rc == SP_OK;
    return rc;
}

/* In a transaction: SP_OK when record id is live at expected_version (its content hash in
 * hash when asked), SP_ENOTFOUND when there is no such live record, SP_ECONFLICT when its
 * version moved on (someone changed it since the caller saw it). */
static int check_version(sp_db *db, const entity_sql *q, int64_t id, int64_t expected_version,
                         char hash[17], sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, q->state, err);
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, id);
    int step = sp_stmt_step(st), rc = SP_OK;
    int64_t version = 0;
    int is_deleted = 0;
    if (step == SP_STMT_ROW) {
        version = sp_stmt_column_int64(st, 0);
        is_deleted = sp_stmt_column_int(st, 1);
        if (hash)
            snprintf(hash, 17, "%s", (const char *)sp_stmt_column_text(st, 2));
    }
    sp_stmt_reset(st);
    if (step != SP_STMT_ROW && step != SP_STMT_DONE)
        return sp_db_sqlerr(db, err, "record state");
    /* A version that moved on is a conflict even when the change was a deletion: the
     * caller saw the record before it. */
    if (step != SP_STMT_ROW)
        rc = sp_err_set(err, SP_ENOTFOUND, "no %s %lld", q->noun, (long long)id);
    else if (version != expected_version)
        rc = sp_err_set(
            err, SP_ECONFLICT, "%s %lld is at version %lld, not %lld: someone changed it%s",
            q->noun, (long long)id, (long long)version, (long long)expected_version,
            is_deleted ? " (it is deleted)" : "; get it again, check, and retry with its new ETag");
    else if (is_deleted)
        rc = sp_err_set(err, SP_ENOTFOUND, "%s %lld is deleted", q->noun, (long long)id);
    return rc;
}

void sp_db_stored_clear(sp_db_stored *s)
{
    for (int i = 0; i < SP_MAX_FIELDS; i++)
        free(s->rec.values[i]);
    free(s->wkb);
    memset(s, 0, sizeof *s);
}

int sp_db_item_live(sp_db *db, const sp_entity *e, int64_t id, sp_err *err)
{
    const entity_sql *q = editable(e, err);
    sp_stmt *st = q ? sp_db_stmt(db, q->live, err) : NULL;
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, id);
    int step = sp_stmt_step(st);
    int n = step == SP_STMT_ROW ? sp_stmt_column_int(st, 0) : 0;
    sp_stmt_reset(st);
    if (step != SP_STMT_ROW)
        return sp_db_sqlerr(db, err, q->noun);
    return n ? SP_OK : sp_err_set(err, SP_ENOTFOUND, "no %s %lld", q->noun, (long long)id);
}

int sp_db_monument_live(sp_db *db, int64_t id, sp_err *err)
{
    return sp_db_item_live(db, sp_model_entity(SP_ENT_MONUMENT), id, err);
}

int sp_db_item_get(sp_db *db, const sp_entity *e, int64_t id, sp_db_stored *out, sp_err *err)
{
    memset(out, 0, sizeof *out);
    const entity_sql *q = editable(e, err);
    sp_stmt *st = q ? sp_db_stmt(db, q->record, err) : NULL;
    if (!st)
        return err->code;
    sp_stmt_bind_int64(st, 1, id);
    int step = sp_stmt_step(st), rc = SP_OK;
    if (step == SP_STMT_ROW) {
        out->rec.entity = e;
        int ncols = sp_stmt_column_count(st);
        for (int i = 0; i < ncols && rc == SP_OK; i++) {
            const char *name = sp_stmt_column_name(st, i);
            const void *v = sp_stmt_column_blob(st, i);
            int n = sp_stmt_column_bytes(st, i), fi;
            if (strcmp(name, "wkb") == 0) {
                if (!(out->wkb = malloc((size_t)n + 1)))
                    rc = sp_err_set(err, SP_ENOMEM, "out of memory");
                else {
                    memcpy(out->wkb, v, (size_t)n);
                    out->rec.wkb = out->wkb;
                    out->rec.wkb_len = (size_t)n;
                }
            } else if (strcmp(name, "version") == 0) {
                out->version = sp_stmt_column_int64(st, i);
            } else if (strcmp(name, "is_deleted") == 0) {
                out->is_deleted = sp_stmt_column_int(st, i);
            } else if (strcmp(name, "marker_x") == 0) {
                out->rec.marker_x = sp_stmt_column_double(st, i);
            } else if (strcmp(name, "marker_y") == 0) {
                out->rec.marker_y = sp_stmt_column_double(st, i);
            } else if ((fi = sp_model_field_index(e, name)) >= 0 && v) {
                if (!(out->rec.values[fi] = strdup((const char *)sp_stmt_column_text(st, i))))
                    rc = sp_err_set(err, SP_ENOMEM, "out of memory");
            }
        }
    }
    sp_stmt_reset(st);
    if (step != SP_STMT_ROW && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, q->noun);
    else if (step == SP_STMT_DONE)
        rc = sp_err_set(err, SP_ENOTFOUND, "no %s %lld", q->noun, (long long)id);
    if (rc != SP_OK)
        sp_db_stored_clear(out);
    return rc;
}

int sp_db_item_save(sp_db *db, int64_t id, int64_t expected_version, const sp_db_record *rec,
                    const sp_db_actor *actor, int64_t *out_id, int *out_changed, sp_err *err)
{
    const entity_sql *q = editable(rec->entity, err);
    *out_changed = 0;
    if (!q || sp_db_begin(db, err) != SP_OK)
        return err->code;
    char old_hash[17] = "";
    sp_db_stored before = {0};
    int rc = id ? check_version(db, q, id, expected_version, old_hash, err) : SP_OK;
    if (rc == SP_OK && id) /* what the person changed becomes theirs (provenance.c) */
        rc = sp_db_item_get(db, rec->entity, id, &before, err);
    if (rc == SP_OK)
        rc = check_links(db, rec, id, err);
    sp_upsert_result result = SP_UPSERT_UNCHANGED;
    if (rc == SP_OK)
        rc = store(db, q, rec, id, old_hash, actor, &result, out_id, err);
    if (rc == SP_OK && id && result != SP_UPSERT_UNCHANGED)
        rc = sp_db_origin_note_edit(db, &before.rec, rec, id, actor, err);
    sp_db_stored_clear(&before);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK)
        sp_db_rollback(db);
    *out_changed = rc == SP_OK && result != SP_UPSERT_UNCHANGED;
    return rc;
}

int sp_db_delete_record(sp_db *db, const sp_entity *e, int64_t id, int64_t expected_version,
                        const sp_db_actor *actor, sp_err *err)
{
    const entity_sql *q = editable(e, err);
    if (!q)
        return err->code;
    int rc = check_version(db, q, id, expected_version, NULL, err);
    sp_stmt *st = NULL;
    char *before = rc == SP_OK ? sp_db_row_json(db, q->json, id, err) : NULL;
    if (rc == SP_OK && !before)
        rc = err->code;
    if (rc == SP_OK && !(st = sp_db_stmt(db, q->soft_delete, err)))
        rc = err->code;
    if (rc == SP_OK) {
        sp_stmt_bind_int64(st, 1, id);
        sp_stmt_bind_int64(st, 2, expected_version);
        rc = sp_db_step_done(db, st, "delete", err);
    }
    if (rc == SP_OK)
        rc = sp_db_audit(db, actor, "delete", e->name, id, before, NULL, err);
    if (rc == SP_OK && !actor->import_run_id) /* a person's deletion: no import undoes it */
        rc = sp_db_origin_put(db, e, id, "deleted", actor, err);
    free(before);
    return rc;
}

int sp_db_item_delete(sp_db *db, const sp_entity *e, int64_t id, int64_t expected_version,
                      const sp_db_actor *actor, sp_err *err)
{
    if (!editable(e, err) || sp_db_begin(db, err) != SP_OK)
        return err->code;
    int rc = sp_db_delete_record(db, e, id, expected_version, actor, err);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
    if (rc != SP_OK)
        sp_db_rollback(db);
    return rc;
}

int sp_db_audit_foreach(sp_db *db, const char *entity, int64_t id, sp_db_audit_fn fn, void *ctx,
                        sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_AUDIT_OF, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, entity);
    sp_stmt_bind_int64(st, 2, id);
    int step, rc = SP_OK;
    while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
        sp_db_audit_row row = {sp_stmt_column_int64(st, 0),
                               (const char *)sp_stmt_column_text(st, 1),
                               (const char *)sp_stmt_column_text(st, 2),
                               (const char *)sp_stmt_column_text(st, 3),
                               (const char *)sp_stmt_column_text(st, 4),
                               (const char *)sp_stmt_column_text(st, 5),
                               (const char *)sp_stmt_column_text(st, 6),
                               sp_stmt_column_int64(st, 7)};
        rc = fn(ctx, &row, err);
    }
    if (rc == SP_OK && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, "audit log");
    sp_stmt_reset(st);
    return rc;
}

int sp_db_monument_count(sp_db *db, long long *out, sp_err *err)
{
    int64_t n = 0;
    int rc = sp_db_query_int(db, SP_Q_MONUMENT_COUNT, &n, err);
    *out = (long long)n;
    return rc;
}

#define SP_EXPORT_MAX_COLS 64

int sp_db_monument_foreach(sp_db *db, int is_public, sp_db_row_fn fn, void *ctx, sp_err *err)
{
    sp_stmt *st =
        sp_db_stmt(db, is_public ? SP_Q_MONUMENT_EXPORT_PUBLIC : SP_Q_MONUMENT_EXPORT, err);
    if (!st)
        return err->code;
    int ncols = sp_stmt_column_count(st) - 1; /* the last column is the geometry */
    if (ncols > SP_EXPORT_MAX_COLS)
        return sp_err_set(err, SP_EINTERNAL, "export query has too many columns");
    const char *names[SP_EXPORT_MAX_COLS], *values[SP_EXPORT_MAX_COLS];
    int rc, out = SP_OK, is_first = 1;
    while (out == SP_OK && (rc = sp_stmt_step(st)) == SP_STMT_ROW) {
        for (int i = 0; is_first && i < ncols; i++) /* after a step: see items.c */
            names[i] = sp_stmt_column_name(st, i);
        is_first = 0;
        for (int i = 0; i < ncols; i++)
            values[i] = (const char *)sp_stmt_column_text(st, i);
        sp_db_row row = {ncols, names, values, sp_stmt_column_blob(st, ncols),
                         (size_t)sp_stmt_column_bytes(st, ncols)};
        out = fn(ctx, &row, err);
    }
    if (out == SP_OK && rc != SP_STMT_DONE)
        out = sp_db_sqlerr(db, err, "export monuments");
    sp_stmt_reset(st);
    return out;
}
