/* storage/provenance.c - where each value came from, and what an import may change.
 * A monument's or zone's fields follow the record's data set (its `dataset` column) unless
 * field_origin says otherwise: a person's edit, or another data set (schemas/016). A
 * re-import takes the source's value only where the field still follows its data set; where
 * a person (or another data set) set it since, the current value stays and the field becomes
 * a conflict of the run (import_conflict) for an editor to keep or take. Also the data sets
 * themselves (licence, attribution), and the records a re-import no longer has. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "sp_strbuf.h"

#define SP_ORIGIN_FIELDS (SP_MAX_FIELDS + 2) /* the model's, geometry, deleted */

typedef struct origin {
    char field[64];
    char *dataset; /* NULL: a person's value */
    char *actor;   /* login (person) */
    char *at;
    char *declined; /* the source value an editor kept theirs against */
} origin;

typedef struct origins {
    origin o[SP_ORIGIN_FIELDS];
    int n;
} origins;

static void origins_clear(origins *os)
{
    for (int i = 0; i < os->n; i++) {
        free(os->o[i].dataset);
        free(os->o[i].actor);
        free(os->o[i].at);
        free(os->o[i].declined);
    }
    os->n = 0;
}

static char *dup_col(sp_stmt *st, int i)
{
    const char *v = (const char *)sp_stmt_column_text(st, i);
    return v ? strdup(v) : NULL;
}

static int origins_load(sp_db *db, const sp_entity *e, int64_t id, origins *out, sp_err *err)
{
    out->n = 0;
    sp_stmt *st = sp_db_stmt(db, SP_Q_ORIGIN_OF, err);
    if (!st || sp_db_bind_text(st, ":entity", e->name, err) || sp_db_bind_int(st, ":id", id, err))
        return err->code;
    int step;
    while ((step = sp_stmt_step(st)) == SP_STMT_ROW && out->n < SP_ORIGIN_FIELDS) {
        origin *o = &out->o[out->n++];
        memset(o, 0, sizeof *o);
        snprintf(o->field, sizeof o->field, "%s", (const char *)sp_stmt_column_text(st, 0));
        o->dataset = dup_col(st, 1);
        o->actor = dup_col(st, 2);
        o->at = dup_col(st, 3);
        o->declined = dup_col(st, 4);
    }
    sp_stmt_reset(st);
    if (step != SP_STMT_ROW && step != SP_STMT_DONE)
        return sp_db_sqlerr(db, err, "field origins");
    return SP_OK;
}

static const origin *origin_of(const origins *os, const char *field)
{
    for (int i = 0; i < os->n; i++)
        if (strcmp(os->o[i].field, field) == 0)
            return &os->o[i];
    return NULL;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static char *hex(const unsigned char *p, size_t n)
{
    char *out = malloc(2 * n + 1);
    for (size_t i = 0; out && i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    if (out)
        out[2 * n] = '\0';
    return out;
}

/* Writes (or, with dataset NULL and actor NULL, removes) the origin of one field. */
static int origin_write(sp_db *db, const sp_entity *e, int64_t id, const char *field,
                        const char *dataset, const sp_db_actor *actor, const char *declined,
                        sp_err *err)
{
    int is_forget = !dataset && !actor;
    sp_stmt *st = sp_db_stmt(db, is_forget ? SP_Q_ORIGIN_FORGET : SP_Q_ORIGIN_PUT, err);
    if (!st || sp_db_bind_text(st, ":entity", e->name, err) || sp_db_bind_int(st, ":id", id, err) ||
        sp_db_bind_text(st, ":field", field, err))
        return err->code;
    if (!is_forget && (sp_db_bind_text(st, ":dataset", dataset, err) ||
                       sp_db_bind_text(st, ":actor", actor ? actor->name : NULL, err) ||
                       sp_db_bind_text(st, ":role", actor ? actor->role : NULL, err) ||
                       sp_db_bind_int(st, ":run", actor ? actor->import_run_id : 0, err) ||
                       sp_db_bind_text(st, ":declined", declined, err)))
        return err->code;
    return sp_db_step_done(db, st, "field origin", err);
}

int sp_db_origin_put(sp_db *db, const sp_entity *e, int64_t id, const char *field,
                     const sp_db_actor *actor, sp_err *err)
{
    return origin_write(db, e, id, field, NULL, actor, NULL, err);
}

int sp_db_origin_note_edit(sp_db *db, const sp_db_record *before, const sp_db_record *after,
                           int64_t id, const sp_db_actor *actor, sp_err *err)
{
    const sp_entity *e = after->entity;
    int rc = SP_OK;
    for (int i = 0; i < e->nfields && rc == SP_OK; i++)
        if (i != e->key_field && !same(before->values[i], after->values[i]))
            rc = sp_db_origin_put(db, e, id, e->fields[i].name, actor, err);
    if (rc == SP_OK &&
        (before->wkb_len != after->wkb_len || memcmp(before->wkb, after->wkb, after->wkb_len) != 0))
        rc = sp_db_origin_put(db, e, id, "geometry", actor, err);
    return rc;
}

int sp_db_origin_reset(sp_db *db, const sp_entity *e, int64_t id, const sp_db_actor *actor,
                       sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_ORIGIN_FORGET_ALL, err);
    if (!st || sp_db_bind_text(st, ":entity", e->name, err) || sp_db_bind_int(st, ":id", id, err) ||
        sp_db_step_done(db, st, "field origins", err))
        return err->code;
    char by[64];
    snprintf(by, sizeof by, "import:%lld", (long long)actor->import_run_id);
    if (!(st = sp_db_stmt(db, SP_Q_CONFLICTS_TAKEN, err)) ||
        sp_db_bind_text(st, ":entity", e->name, err) || sp_db_bind_int(st, ":id", id, err) ||
        sp_db_bind_text(st, ":by", by, err))
        return err->code;
    return sp_db_step_done(db, st, "conflicts taken", err);
}

/* One field an import did not take: noted for the run, or the open conflict of that field
 * brought up to date (one open conflict a field, whatever the number of re-imports). */
typedef struct conflict_in {
    const char *field, *source_value, *current_value, *changed_by, *changed_at;
    const unsigned char *source_wkb, *current_wkb; /* geometry */
    size_t source_wkb_len, current_wkb_len;
} conflict_in;

static int conflict_note(sp_db *db, const sp_entity *e, int64_t id, const char *dataset,
                         const sp_db_actor *actor, const conflict_in *c, sp_err *err)
{
    for (int pass = 0; pass < 2; pass++) {
        sp_stmt *st = sp_db_stmt(db, pass == 0 ? SP_Q_CONFLICT_REFRESH : SP_Q_CONFLICT_INSERT, err);
        if (!st || sp_db_bind_int(st, ":run", actor->import_run_id, err) ||
            sp_db_bind_text(st, ":dataset", dataset, err) ||
            sp_db_bind_text(st, ":entity", e->name, err) || sp_db_bind_int(st, ":id", id, err) ||
            sp_db_bind_text(st, ":field", c->field, err) ||
            sp_db_bind_text(st, ":source_value", c->source_value, err) ||
            sp_db_bind_blob(st, ":source_wkb", c->source_wkb, c->source_wkb_len, err) ||
            sp_db_bind_text(st, ":current_value", c->current_value, err) ||
            sp_db_bind_blob(st, ":current_wkb", c->current_wkb, c->current_wkb_len, err) ||
            sp_db_bind_text(st, ":changed_by", c->changed_by, err) ||
            sp_db_bind_text(st, ":changed_at", c->changed_at, err) ||
            sp_db_step_done(db, st, "import conflict", err))
            return err->code;
        if (sp_db_changes(db) > 0)
            return SP_OK;
    }
    return SP_OK;
}

/* Who a field's current value is from, for the conflict: a login, or "dataset:<name>". */
static void changed_by(const origin *o, const char *stored_dataset, char *out, size_t outsz)
{
    if (o && !o->dataset)
        snprintf(out, outsz, "%s", o->actor ? o->actor : "?");
    else
        snprintf(out, outsz, "dataset:%s", o ? o->dataset : stored_dataset);
}

int sp_db_merge(sp_db *db, const sp_db_record *rec, int64_t id, const char *old_hash,
                const char *stored_dataset, const sp_db_actor *actor, sp_upsert_result *out_result,
                int64_t *out_id, sp_err *err)
{
    const sp_entity *e = rec->entity;
    sp_db_stored cur;
    origins os = {0};
    int rc = sp_db_item_get(db, e, id, &cur, err);
    if (rc != SP_OK)
        return rc;
    if ((rc = origins_load(db, e, id, &os, err)) != SP_OK) {
        sp_db_stored_clear(&cur);
        return rc;
    }
    *out_id = id;
    int nconflicts = 0;
    char by[SP_DB_NAME_MAX + 16];
    const char *dataset = rec->dataset;
    const origin *o;

    if (cur.is_deleted) { /* a person deleted it: the source's having it is a conflict */
        o = origin_of(&os, "deleted");
        if (!o || !o->declined || strcmp(o->declined, "present") != 0) {
            changed_by(o, stored_dataset, by, sizeof by);
            conflict_in c = {"deleted", "present", "deleted", by, o ? o->at : NULL,
                             NULL,      NULL,      0,         0};
            rc = conflict_note(db, e, id, dataset, actor, &c, err);
            nconflicts++;
        }
        *out_result = nconflicts ? SP_UPSERT_CONFLICTED : SP_UPSERT_UNCHANGED;
        origins_clear(&os);
        sp_db_stored_clear(&cur);
        return rc;
    }

    /* Field by field: the merged record starts as the source's. */
    sp_db_record merged = *rec;
    for (int i = 0; i < e->nfields && rc == SP_OK; i++) {
        const char *name = e->fields[i].name, *in = rec->values[i], *now = cur.rec.values[i];
        o = origin_of(&os, name);
        int is_ours = o ? o->dataset && strcmp(o->dataset, dataset) == 0
                        : strcmp(stored_dataset, dataset) == 0;
        if (same(in, now)) {
            if (o && !is_ours) /* the source agrees: the field follows it again */
                rc = origin_write(db, e, id, name, NULL, NULL, NULL, err);
            continue;
        }
        if (is_ours)
            continue; /* the source's value */
        merged.values[i] = cur.rec.values[i];
        if (!in || i == e->key_field)
            continue; /* the source says nothing here, or keys its record its own way */
        if (!now && (!o || o->dataset)) { /* another data set left it empty: fill it */
            merged.values[i] = rec->values[i];
            rc = origin_write(db, e, id, name, dataset, actor, NULL, err);
            continue;
        }
        if (o && o->declined && strcmp(o->declined, in) == 0)
            continue; /* an editor kept theirs against this very value */
        changed_by(o, stored_dataset, by, sizeof by);
        conflict_in c = {name, in, now, by, o ? o->at : NULL, NULL, NULL, 0, 0};
        rc = conflict_note(db, e, id, dataset, actor, &c, err);
        nconflicts++;
    }

    /* The geometry, as one value (its WKB). */
    int same_geom = rec->wkb_len == cur.rec.wkb_len && cur.rec.wkb &&
                    memcmp(rec->wkb, cur.rec.wkb, rec->wkb_len) == 0;
    o = origin_of(&os, "geometry");
    int geom_ours =
        o ? o->dataset && strcmp(o->dataset, dataset) == 0 : strcmp(stored_dataset, dataset) == 0;
    if (rc == SP_OK && same_geom && o && !geom_ours)
        rc = origin_write(db, e, id, "geometry", NULL, NULL, NULL, err);
    else if (rc == SP_OK && !same_geom && !geom_ours) {
        merged.wkb = cur.rec.wkb;
        merged.wkb_len = cur.rec.wkb_len;
        merged.marker_x = cur.rec.marker_x;
        merged.marker_y = cur.rec.marker_y;
        char *h = hex(rec->wkb, rec->wkb_len);
        if (!h)
            rc = sp_err_set(err, SP_ENOMEM, "out of memory");
        else if (!o || !o->declined || strcmp(o->declined, h) != 0) {
            changed_by(o, stored_dataset, by, sizeof by);
            conflict_in c = {"geometry",       NULL,     NULL,        by,
                             o ? o->at : NULL, rec->wkb, cur.rec.wkb, rec->wkb_len,
                             cur.rec.wkb_len};
            rc = conflict_note(db, e, id, dataset, actor, &c, err);
            nconflicts++;
        }
        free(h);
    }

    /* What the source may change is written (the hash tells "unchanged"), with its audit. */
    sp_upsert_result res = SP_UPSERT_UNCHANGED;
    if (rc == SP_OK)
        rc = sp_db_store_record(db, &merged, id, old_hash, actor, &res, out_id, err);
    *out_result = nconflicts ? SP_UPSERT_CONFLICTED : res;
    origins_clear(&os);
    sp_db_stored_clear(&cur);
    return rc;
}

/* ---- conflicts ---------------------------------------------------------------------------- */

int sp_db_conflict_foreach(sp_db *db, int64_t run_id, const char *status, int limit,
                           sp_db_conflict_fn fn, void *ctx, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_CONFLICT_LIST, err);
    if (!st || sp_db_bind_int(st, ":run", run_id, err) ||
        sp_db_bind_text(st, ":status", status, err) ||
        sp_db_bind_int(st, ":limit", limit > 0 ? limit : -1, err))
        return err->code;
    int step, rc = SP_OK;
    while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
#define T(i) ((const char *)sp_stmt_column_text(st, i))
        sp_db_conflict c = {sp_stmt_column_int64(st, 0),
                            sp_stmt_column_int64(st, 1),
                            sp_stmt_column_int64(st, 2),
                            T(3),
                            T(4),
                            T(5),
                            T(6),
                            T(7),
                            T(8),
                            T(9),
                            T(10),
                            T(11),
                            T(12),
                            T(13),
                            T(14),
                            T(15),
                            T(16)};
#undef T
        rc = fn(ctx, &c, err);
    }
    if (rc == SP_OK && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, "import conflicts");
    sp_stmt_reset(st);
    return rc;
}

/* The conflict as its row holds it, for a resolution. */
typedef struct held {
    char entity[64], kind[16], field[64], status[16], dataset[SP_DB_NAME_MAX];
    int64_t entity_id;
    char *source_value;
    unsigned char *source_wkb;
    size_t source_wkb_len;
} held;

static int conflict_get(sp_db *db, int64_t id, held *out, sp_err *err)
{
    memset(out, 0, sizeof *out);
    sp_stmt *st = sp_db_stmt(db, SP_Q_CONFLICT_GET, err);
    if (!st || sp_db_bind_int(st, ":id", id, err))
        return err->code;
    int step = sp_stmt_step(st), rc = SP_OK;
    if (step == SP_STMT_ROW) {
        snprintf(out->entity, sizeof out->entity, "%s", sp_stmt_column_text(st, 0));
        out->entity_id = sp_stmt_column_int64(st, 1);
        snprintf(out->kind, sizeof out->kind, "%s", sp_stmt_column_text(st, 2));
        const char *f = (const char *)sp_stmt_column_text(st, 3);
        snprintf(out->field, sizeof out->field, "%s", f ? f : "");
        snprintf(out->dataset, sizeof out->dataset, "%s", sp_stmt_column_text(st, 4));
        out->source_value = dup_col(st, 5);
        int n = sp_stmt_column_bytes(st, 6);
        if (n > 0 && (out->source_wkb = malloc((size_t)n))) {
            memcpy(out->source_wkb, sp_stmt_column_blob(st, 6), (size_t)n);
            out->source_wkb_len = (size_t)n;
        }
        snprintf(out->status, sizeof out->status, "%s", sp_stmt_column_text(st, 7));
    }
    sp_stmt_reset(st);
    if (step == SP_STMT_DONE)
        rc = sp_err_set(err, SP_ENOTFOUND, "no conflict %lld", (long long)id);
    else if (step != SP_STMT_ROW)
        rc = sp_db_sqlerr(db, err, "import conflict");
    return rc;
}

static int point_on_surface(sp_db *db, const unsigned char *wkb, size_t n, double *x, double *y,
                            sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_POINT_ON_SURFACE, err);
    if (!st || sp_db_bind_blob(st, ":wkb", wkb, n, err))
        return err->code;
    int step = sp_stmt_step(st);
    if (step == SP_STMT_ROW && sp_stmt_column_type(st, 0) != SP_COL_NULL) {
        *x = sp_stmt_column_double(st, 0);
        *y = sp_stmt_column_double(st, 1);
    }
    sp_stmt_reset(st);
    if (step != SP_STMT_ROW)
        return sp_db_sqlerr(db, err, "point on surface");
    return SP_OK;
}

/* The source's value of one field replaces the current one; the field follows the data set
 * of the conflict again. */
static int take(sp_db *db, const sp_entity *e, const held *h, const sp_db_actor *actor, sp_err *err)
{
    sp_db_stored cur;
    int rc = sp_db_item_get(db, e, h->entity_id, &cur, err);
    if (rc != SP_OK)
        return rc;
    sp_db_record rec = cur.rec;
    int fi = sp_model_field_index(e, h->field);
    if (strcmp(h->field, "geometry") == 0) {
        rec.wkb = h->source_wkb;
        rec.wkb_len = h->source_wkb_len;
        rc = point_on_surface(db, rec.wkb, rec.wkb_len, &rec.marker_x, &rec.marker_y, err);
    } else if (fi >= 0) {
        rec.values[fi] = h->source_value;
    } else if (strcmp(h->field, "deleted") != 0) {
        rc = sp_err_set(err, SP_EINVAL, "conflict on unknown field %s", h->field);
    }
    sp_upsert_result res;
    int64_t id;
    /* No old hash: written even when unchanged, so that a deletion is undone too. */
    if (rc == SP_OK)
        rc = sp_db_store_record(db, &rec, h->entity_id, "", actor, &res, &id, err);
    sp_db_stored_clear(&cur); /* rec's values were cur's, or the conflict's */
    if (rc != SP_OK)
        return rc;
    /* The field follows the conflict's data set again: its own when it is the record's. */
    char own[SP_DB_NAME_MAX] = "";
    sp_stmt *st =
        sp_db_stmt(db, e->id == SP_ENT_ZONE ? SP_Q_ZONE_DATASET : SP_Q_MONUMENT_DATASET, err);
    if (!st || sp_db_bind_int(st, ":id", h->entity_id, err))
        return err->code;
    int step = sp_stmt_step(st);
    if (step == SP_STMT_ROW)
        snprintf(own, sizeof own, "%s", sp_stmt_column_text(st, 0));
    sp_stmt_reset(st);
    if (step != SP_STMT_ROW)
        return sp_db_sqlerr(db, err, "record's data set");
    sp_db_actor by_dataset = {NULL, NULL, actor->import_run_id, 0};
    return strcmp(own, h->dataset) == 0
               ? origin_write(db, e, h->entity_id, h->field, NULL, NULL, NULL, err)
               : origin_write(db, e, h->entity_id, h->field, h->dataset, &by_dataset, NULL, err);
}

int sp_db_conflict_resolve(sp_db *db, int64_t id, const char *resolution, const sp_db_actor *actor,
                           sp_err *err)
{
    held h;
    int rc = sp_db_begin(db, err);
    if (rc != SP_OK)
        return rc;
    char *before = NULL, *after = NULL;
    const char *status = NULL;
    if ((rc = conflict_get(db, id, &h, err)) != SP_OK)
        goto done;
    const sp_entity *e = sp_model_entity_by_name(h.entity);
    int is_missing = strcmp(h.kind, "missing") == 0;
    if (!e)
        rc = sp_err_set(err, SP_EINTERNAL, "conflict %lld: unknown entity %s", (long long)id,
                        h.entity);
    else if (strcmp(h.status, "open") != 0 && strcmp(h.status, "noted") != 0)
        rc = sp_err_set(err, SP_ECONFLICT, "conflict %lld is already resolved (%s)", (long long)id,
                        h.status);
    else if (strcmp(resolution, "keep") == 0)
        status = "kept";
    else if (strcmp(resolution, "take") == 0 && !is_missing)
        status = "taken";
    else if (strcmp(resolution, "delete") == 0 && is_missing)
        status = "deleted";
    else
        rc = sp_err_set(err, SP_EINVAL, "resolution must be %s, not '%.40s'",
                        is_missing ? "\"keep\" or \"delete\"" : "\"keep\" or \"take\"", resolution);
    if (rc == SP_OK && !(before = sp_db_row_json(db, SP_Q_CONFLICT_JSON, id, err)))
        rc = err->code;
    if (rc == SP_OK && strcmp(status, "kept") == 0 && !is_missing) {
        /* The editor's value stays; the source's same value is no conflict next time. */
        char *declined = strcmp(h.field, "deleted") == 0 ? strdup("present")
                         : h.source_wkb                  ? hex(h.source_wkb, h.source_wkb_len)
                                        : (h.source_value ? strdup(h.source_value) : NULL);
        origins os = {0};
        rc = origins_load(db, e, h.entity_id, &os, err);
        const origin *o = rc == SP_OK ? origin_of(&os, h.field) : NULL;
        sp_db_actor who = {o && o->actor ? o->actor : actor->name, NULL, 0, 0};
        if (rc == SP_OK) {
            sp_stmt *st = sp_db_stmt(db, SP_Q_ORIGIN_DECLINE, err);
            if (!st || sp_db_bind_text(st, ":entity", e->name, err) ||
                sp_db_bind_int(st, ":id", h.entity_id, err) ||
                sp_db_bind_text(st, ":field", h.field, err) ||
                sp_db_bind_text(st, ":actor", who.name, err) ||
                sp_db_bind_text(st, ":declined", declined, err))
                rc = err->code;
            else
                rc = sp_db_step_done(db, st, "decline source value", err);
        }
        origins_clear(&os);
        free(declined);
    } else if (rc == SP_OK && strcmp(status, "taken") == 0) {
        rc = take(db, e, &h, actor, err);
    } else if (rc == SP_OK && strcmp(status, "deleted") == 0) {
        sp_db_stored cur;
        if ((rc = sp_db_item_get(db, e, h.entity_id, &cur, err)) == SP_OK)
            rc = cur.is_deleted ? SP_OK
                                : sp_db_delete_record(db, e, h.entity_id, cur.version, actor, err);
        sp_db_stored_clear(&cur);
    }
    if (rc == SP_OK) {
        sp_stmt *st = sp_db_stmt(db, SP_Q_CONFLICT_RESOLVE, err);
        if (!st || sp_db_bind_int(st, ":id", id, err) ||
            sp_db_bind_text(st, ":status", status, err) ||
            sp_db_bind_text(st, ":by", actor->name, err) ||
            sp_db_step_done(db, st, "resolve conflict", err))
            rc = err->code;
    }
    if (rc == SP_OK && !(after = sp_db_row_json(db, SP_Q_CONFLICT_JSON, id, err)))
        rc = err->code;
    if (rc == SP_OK)
        rc = sp_db_audit(db, actor, "update", "import_conflict", id, before, after, err);
    if (rc == SP_OK)
        rc = sp_db_commit(db, err);
done:
    if (rc != SP_OK)
        sp_db_rollback(db);
    free(before);
    free(after);
    free(h.source_value);
    free(h.source_wkb);
    return rc;
}

/* ---- records a re-import no longer has ---------------------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The query of the live records of a data set, for entities a re-import can miss. */
static enum sp_q ids_of_dataset(const sp_entity *e)
{
    return e->id == SP_ENT_MONUMENT ? SP_Q_MONUMENT_IDS_OF_DATASET
           : e->id == SP_ENT_ZONE   ? SP_Q_ZONE_IDS_OF_DATASET
           : e->id == SP_ENT_REPORT ? SP_Q_REPORT_IDS_OF_DATASET
                                    : SP_Q_COUNT; /* districts are named, not deleted */
}

int sp_db_missing_note(sp_db *db, const sp_entity *e, const char *dataset, int64_t run_id,
                       int64_t *seen, size_t nseen, int is_flag, long long *out_n, sp_err *err)
{
    *out_n = 0;
    if (nseen) /* none met: qsort and bsearch may not be given NULL */
        qsort(seen, nseen, sizeof *seen, cmp_id);
    enum sp_q q = ids_of_dataset(e);
    if (q == SP_Q_COUNT)
        return SP_OK;
    /* Collect first: the notes are written by other statements of the same connection. */
    int64_t *missing = NULL;
    size_t n = 0, cap = 0;
    sp_stmt *st = sp_db_stmt(db, q, err);
    if (!st || sp_db_bind_text(st, ":dataset", dataset, err))
        return err->code;
    int step, rc = SP_OK;
    while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
        int64_t id = sp_stmt_column_int64(st, 0);
        if (nseen && bsearch(&id, seen, nseen, sizeof *seen, cmp_id))
            continue;
        if (n == cap) {
            int64_t *grown = realloc(missing, (cap = cap ? 2 * cap : 64) * sizeof *grown);
            if (!grown) {
                rc = sp_err_set(err, SP_ENOMEM, "out of memory");
                break;
            }
            missing = grown;
        }
        missing[n++] = id;
    }
    if (rc == SP_OK && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, "records of the data set");
    sp_stmt_reset(st);
    for (size_t i = 0; i < n && rc == SP_OK; i++) {
        for (int pass = 0; pass < 2 && rc == SP_OK; pass++) {
            st = sp_db_stmt(db, pass == 0 ? SP_Q_MISSING_REFRESH : SP_Q_MISSING_INSERT, err);
            if (!st || sp_db_bind_int(st, ":run", run_id, err) ||
                sp_db_bind_text(st, ":dataset", dataset, err) ||
                sp_db_bind_text(st, ":entity", e->name, err) ||
                sp_db_bind_int(st, ":id", missing[i], err) ||
                sp_db_bind_text(st, ":status", is_flag ? "open" : "noted", err) ||
                sp_db_step_done(db, st, "missing record", err))
                rc = err->code;
            else if (sp_db_changes(db) > 0)
                break;
        }
    }
    free(missing);
    *out_n = rc == SP_OK ? (long long)n : 0;
    return rc;
}

int sp_db_dataset_has(sp_db *db, const sp_entity *e, const char *dataset, int *out, sp_err *err)
{
    *out = 0;
    enum sp_q q = ids_of_dataset(e);
    if (q == SP_Q_COUNT)
        return SP_OK;
    sp_stmt *st = sp_db_stmt(db, q, err);
    if (!st || sp_db_bind_text(st, ":dataset", dataset, err))
        return err->code;
    int step = sp_stmt_step(st);
    *out = step == SP_STMT_ROW;
    sp_stmt_reset(st);
    return step == SP_STMT_ROW || step == SP_STMT_DONE
               ? SP_OK
               : sp_db_sqlerr(db, err, "data set's records");
}

int sp_db_find_source(sp_db *db, const sp_entity *e, const char *dataset, const char *source_id,
                      int64_t *out_id, sp_err *err)
{
    *out_id = 0;
    enum sp_q q = e->id == SP_ENT_MONUMENT ? SP_Q_MONUMENT_ID_BY_SOURCE
                  : e->id == SP_ENT_ZONE   ? SP_Q_ZONE_ID_BY_SOURCE
                  : e->id == SP_ENT_REPORT ? SP_Q_REPORT_BY_SOURCE
                                           : SP_Q_COUNT;
    if (q == SP_Q_COUNT || !source_id)
        return SP_OK;
    sp_stmt *st = sp_db_stmt(db, q, err);
    if (!st)
        return err->code;
    sp_stmt_bind_text(st, 1, dataset);
    sp_stmt_bind_text(st, 2, source_id);
    int step = sp_stmt_step(st);
    if (step == SP_STMT_ROW)
        *out_id = sp_stmt_column_int64(st, 0);
    sp_stmt_reset(st);
    return step == SP_STMT_ROW || step == SP_STMT_DONE ? SP_OK
                                                       : sp_db_sqlerr(db, err, "record by key");
}

/* ---- data sets ---------------------------------------------------------------------------- */

int sp_db_dataset_put(sp_db *db, const sp_db_dataset *d, sp_err *err)
{
    sp_stmt *st = sp_db_stmt(db, SP_Q_DATASET_PUT, err);
    if (!st || sp_db_bind_text(st, ":name", d->name, err) ||
        sp_db_bind_text(st, ":title", d->title, err) ||
        sp_db_bind_text(st, ":publisher", d->publisher, err) ||
        sp_db_bind_text(st, ":licence", d->licence, err) ||
        sp_db_bind_text(st, ":licence_url", d->licence_url, err) ||
        sp_db_bind_text(st, ":attribution", d->attribution, err) ||
        sp_db_bind_text(st, ":url", d->url, err) ||
        sp_db_bind_text(st, ":retrieved", d->retrieved, err))
        return err->code;
    return sp_db_step_done(db, st, "data set", err);
}

int sp_db_dataset_foreach(sp_db *db, int64_t monument_id, sp_db_dataset_fn fn, void *ctx,
                          sp_err *err)
{
    sp_stmt *st =
        sp_db_stmt(db, monument_id > 0 ? SP_Q_MONUMENT_DATASETS : SP_Q_DATASETS_PRESENT, err);
    if (!st || (monument_id > 0 && sp_db_bind_int(st, ":id", monument_id, err)))
        return err->code;
    int step, rc = SP_OK;
    while (rc == SP_OK && (step = sp_stmt_step(st)) == SP_STMT_ROW) {
#define T(i) ((const char *)sp_stmt_column_text(st, i))
        sp_db_dataset d = {T(0), T(1), T(2), T(3), T(4), T(5), T(6), T(7)};
#undef T
        rc = fn(ctx, &d, err);
    }
    if (rc == SP_OK && step != SP_STMT_DONE)
        rc = sp_db_sqlerr(db, err, "data sets");
    sp_stmt_reset(st);
    return rc;
}

/* One data set's credit: its attribution text (else its title or name), and its licence
 * unless the text names it; "licence unknown" when none was declared. */
static int add_credit(void *ctx, const sp_db_dataset *d, sp_err *err)
{
    sp_strbuf *b = ctx, one = {0};
    (void)err;
    sp_strbuf_puts(&one, d->attribution ? d->attribution : d->title ? d->title : d->name);
    char spaced[64]; /* "CC-BY-4.0" is often written "CC BY 4.0" */
    snprintf(spaced, sizeof spaced, "%s", d->licence ? d->licence : "");
    for (char *p = spaced; *p; p++)
        *p = *p == '-' ? ' ' : *p;
    if (!d->licence || strcmp(d->licence, "unknown") == 0)
        sp_strbuf_puts(&one, " (licence unknown)");
    else if (!d->attribution ||
             (!strstr(d->attribution, d->licence) && !strstr(d->attribution, spaced)))
        sp_strbuf_printf(&one, " (%s)", d->licence);
    if (!strstr(sp_strbuf_cstr(b), sp_strbuf_cstr(&one))) /* two OSM extracts: one credit */
        sp_strbuf_printf(b, "%s%s", b->len ? "; " : "", sp_strbuf_cstr(&one));
    sp_strbuf_free(&one);
    return SP_OK;
}

int sp_db_attribution(sp_db *db, char **out, sp_err *err)
{
    sp_strbuf b = {0};
    *out = NULL;
    int rc = sp_db_dataset_foreach(db, 0, add_credit, &b, err);
    if (rc == SP_OK && !(*out = strdup(sp_strbuf_cstr(&b))))
        rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    sp_strbuf_free(&b);
    return rc;
}
