/* importers/ogr.c - `spadok import`: open OGR sources, walk their layers, store records.
 * The whole import is one transaction (a fatal error leaves the database as it was); a
 * record the store refuses is rejected alone (see store()). Records are monuments, districts,
 * protection zones, or condition reports of existing monuments (store_report()). The counts
 * obey read = inserted + updated + unchanged + conflicted + rejected, checked again by
 * import_run; a re-read data set's records it no longer has are noted, never deleted. */
#include <gdal.h>
#include <pthread.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "imp_int.h"
#include "imp_record.h"
#include "sp_hash.h"
#include "sp_keyset.h"
#include "sp_progress.h"
#include "sp_strbuf.h"

typedef struct run_ctx {
    sp_db *db;
    const sp_imp_options *opt;
    sp_imp_mapping *mapping; /* the file's mapping, or NULL: one is made per layer */
    sp_vocab *vocab;
    sp_keyset *seen;
    const char *dataset;
    int64_t run_id;
    int is_report;       /* the records are condition reports (target condition_report) */
    int64_t report_mark; /* reports above it were inserted by this import */
    sp_import_counts counts;
    int had_records; /* the data set had records of this target before the run */
    int64_t *ids;    /* the records the run met, to tell which it no longer has */
    size_t nids, capids;
} run_ctx;

/* Notes record id as met by the run (only when the data set had records before it). */
static int seen_id(run_ctx *c, int64_t id, sp_err *err)
{
    if (!c->had_records || !id)
        return SP_OK;
    if (c->nids == c->capids) {
        size_t cap = c->capids ? 2 * c->capids : 1024;
        int64_t *grown = realloc(c->ids, cap * sizeof *grown);
        if (!grown)
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        c->ids = grown;
        c->capids = cap;
    }
    c->ids[c->nids++] = id;
    return SP_OK;
}

/* Default data set name: the file's base name without extension. */
static void base_name(const char *path, char *out, size_t outsz)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    snprintf(out, outsz, "%s", basename(copy));
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
}

static int is_lonlat_name(const char *name)
{
    static const char *const names[] = {"lon", "longitude", "lng", "long", "lat", "latitude", NULL};
    for (int i = 0; name && names[i]; i++)
        if (strcasecmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* The transformation from the layer's CRS to EPSG:4326 (none when they are the same). */
static int make_transform(run_ctx *c, OGRLayerH layer, const sp_imp_mapping *m, const char *file,
                          sp_imp_reproj *out, sp_err *err)
{
    out->fwd = out->back = NULL;
    const char *user = c->opt->source_crs ? c->opt->source_crs : m->source_crs;
    OGRSpatialReferenceH src = NULL;
    if (user) {
        src = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(src, user) != OGRERR_NONE) {
            OSRDestroySpatialReference(src);
            return sp_err_set(err, SP_EINVAL, "%s: unknown CRS '%s'", file, user);
        }
    } else if (m->xi < 0 && m->wkti < 0 && OGR_L_GetSpatialRef(layer)) {
        src = OSRClone(OGR_L_GetSpatialRef(layer));
    } else if (m->xi >= 0 && is_lonlat_name(m->x_field) && is_lonlat_name(m->y_field)) {
        return SP_OK; /* columns named lon/lat hold WGS84 degrees by their names */
    } else if (m->xi >= 0 || m->wkti >= 0 || OGR_L_GetGeomType(layer) != wkbNone) {
        return sp_err_set(err, SP_EINVAL,
                          "%s layer '%s': CRS unknown (the source declares none); pass "
                          "--source-crs EPSG:N or set source_crs in the mapping",
                          file, OGR_L_GetName(layer));
    } else {
        return sp_err_set(err, SP_EINVAL,
                          "%s layer '%s': no geometry (no geometry column and no lon/lat or "
                          "x/y fields; a mapping can name them under \"geometry\")",
                          file, OGR_L_GetName(layer));
    }
    int rc = sp_imp_reproj_make(src, out, err);
    OSRDestroySpatialReference(src);
    if (rc != SP_OK) {
        char why[SP_ERR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err->msg);
        sp_err_set(err, rc, "%s: %s", file, why);
    }
    return rc;
}

static int note_problem(run_ctx *c, const char *kind, const char *layer, OGRFeatureH f,
                        const char *raw, const char *key, const char *field, const char *reason,
                        sp_err *err)
{
    char *made = raw ? NULL : sp_imp_feature_json(f, layer);
    if (!raw && !made)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    int rc = sp_db_import_error_add(c->db, c->run_id, kind, layer, (long long)OGR_F_GetFID(f), key,
                                    field && *field ? field : NULL, reason, raw ? raw : made, err);
    free(made);
    if (rc == SP_OK && c->opt->on_reject)
        c->opt->on_reject(c->opt->reject_ctx, layer, (long long)OGR_F_GetFID(f), key, reason);
    return rc;
}

/* Identity used to find duplicates inside one import. */
static void identity(const sp_imp_record *r, char *out, size_t outsz)
{
    const sp_entity *e = r->rec.entity;
    if (r->uid)
        snprintf(out, outsz, "uid %s", r->uid);
    else if (e->id == SP_ENT_MONUMENT && r->rec.values[SP_MF_PROTECTION_NO])
        snprintf(out, outsz, "protection_no %s", r->rec.values[SP_MF_PROTECTION_NO]);
    else if (e->id == SP_ENT_DISTRICT)
        snprintf(out, outsz, "name_uk %s", r->rec.values[SP_DF_NAME_UK]);
    else
        snprintf(out, outsz, "key %s", r->key);
}

static int has_report(const sp_imp_record *r)
{
    for (int i = 0; i < SP_RF_COUNT; i++)
        if (r->report[i] && i != SP_RF_REPORT_TYPE && i != SP_RF_REPORT_SOURCE &&
            i != SP_RF_VERIFICATION)
            return 1;
    return 0;
}

/* Stores one condition report of a report file; an unknown monument or a key in conflict
 * rejects it, naming the field. */
static int store_report(run_ctx *c, sp_imp_record *r, sp_err *err)
{
    sp_upsert_result res;
    const char *monument_dataset = c->mapping ? c->mapping->monument_dataset : NULL;
    int rc = sp_db_report_import(c->db, c->report_mark, c->dataset, r->key, monument_dataset,
                                 r->monument, r->rec.values, &res, err);
    if (rc == SP_ENOTFOUND) { /* a record-level refusal, as a bad value is */
        snprintf(r->field, sizeof r->field, "monument");
        err->code = SP_EINVAL;
        return SP_EINVAL;
    }
    if (rc == SP_ECONFLICT)
        snprintf(r->field, sizeof r->field, "key");
    if (rc != SP_OK)
        return rc;
    c->counts.inserted += res == SP_UPSERT_INSERTED;
    c->counts.unchanged += res == SP_UPSERT_UNCHANGED;
    c->counts.reports += res == SP_UPSERT_INSERTED;
    int64_t id = 0;
    if (c->had_records && (rc = sp_db_find_source(c->db, sp_model_entity(SP_ENT_REPORT), c->dataset,
                                                  r->key, &id, err)) != SP_OK)
        return sp_err_set(err, SP_EDB, "%s (after the report was stored)", err->msg);
    return seen_id(c, id, err);
}

/* Stores one built record and its report. Everything that can refuse a record is checked
 * before the first write, and a refused first write changes nothing (SQLite undoes the
 * statement), so no savepoint is needed; a failure after it stops the whole import. */
static int store(run_ctx *c, sp_imp_record *r, sp_err *err)
{
    if (c->is_report)
        return store_report(c, r, err);
    int with_report = c->mapping && c->mapping->has_report && has_report(r);
    if (with_report && !r->report[SP_RF_REPORT_TYPE]) {
        snprintf(r->field, sizeof r->field, "report.report_type");
        return sp_err_set(err, SP_EINVAL, "report: field 'report_type': required but empty");
    }
    sp_db_actor actor = {"import", NULL, c->run_id, c->opt->prefer_source};
    sp_upsert_result res;
    int64_t id = 0;
    r->rec.dataset = c->dataset;
    int rc = sp_db_upsert(c->db, &r->rec, &actor, &res, &id, err);
    if (rc != SP_OK)
        return rc;
    int added = 0;
    if (with_report) {
        uint64_t h = SP_FNV_INIT;
        for (int i = 0; i < SP_RF_COUNT; i++) {
            if (r->report[i])
                h = sp_fnv1a(h, r->report[i], strlen(r->report[i]));
            h = sp_fnv1a(h, "\x1f", 1);
        }
        char source_id[512];
        snprintf(source_id, sizeof source_id, "%s#%016llx", r->key, (unsigned long long)h);
        if ((rc = sp_db_report_add(c->db, id, c->dataset, source_id, r->report, &added, err)))
            return sp_err_set(err, SP_EDB, "%s (after its monument was stored)", err->msg);
    }
    c->counts.inserted += res == SP_UPSERT_INSERTED;
    c->counts.updated += res == SP_UPSERT_UPDATED;
    c->counts.unchanged += res == SP_UPSERT_UNCHANGED;
    c->counts.conflicted += res == SP_UPSERT_CONFLICTED;
    c->counts.reports += added;
    return seen_id(c, id, err);
}

/* A record-level failure is a rejection; anything else stops the import. */
static int is_record_error(int code)
{
    return code == SP_EINVAL || code == SP_ECONFLICT;
}

/* ---- the reading thread ----------------------------------------------------------------
 * Parsing and validating (GDAL, GEOS, normalisation) run in a second thread while this one
 * writes to SQLite, through a bounded queue: about half the work each, so an import uses both
 * cores, and memory stays flat whatever the number of records. Only the reader touches the
 * layer and the coordinate transformation; a feature and its record pass whole to the writer,
 * which frees them. (Handing them back for the reader to free, as glibc's arena locks would
 * prefer, was measured for issue 21 on a 200,000-monument import, interleaved runs: median
 * 25.3 s wall, 18.3 s CPU with it, 20.9 s, 19.2 s without; the wall time is within this
 * machine's noise, so its 40 lines went.) */
#define SP_QUEUE_LEN 256
#define SP_BATCH     32

typedef struct queued {
    OGRFeatureH f;
    sp_imp_record r;
    int rc;
    sp_err err;
    char *raw; /* the source record as JSON, made by the reader for records it refused or
                  repaired (the writer makes it itself for the rare refusal of the store) */
} queued;

typedef struct pipeline {
    pthread_mutex_t lock;
    pthread_cond_t can_put, can_take;
    queued items[SP_QUEUE_LEN];
    int head, count;
    int is_done;                     /* the reader has put its last item */
    int is_stopped;                  /* the writer wants no more */
    char read_error[SP_ERR_MSG_MAX]; /* set by the reader when GDAL failed mid-layer */
    /* reader's inputs, read-only while it runs */
    OGRLayerH layer;
    const sp_imp_mapping *m;
    const sp_vocab *vocab;
    sp_imp_reproj rp;
    sp_keyset *seen; /* identities met so far in this import, with their row; NULL for
                        reports, whose repeated keys storage finds (memory stays flat) */
} pipeline;

/* A record whose identity an earlier record of this import had is rejected: which one to
 * keep is for a person to decide, and the rejection names the first row. */
static int check_repeat(sp_keyset *seen, sp_imp_record *r, long long row, sp_err *err)
{
    char ident[600];
    long long first = -1;
    identity(r, ident, sizeof ident);
    int added = sp_keyset_add(seen, ident, row, &first);
    if (added < 0)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    if (added == 0) {
        snprintf(r->field, sizeof r->field, "key");
        return sp_err_set(err, SP_ECONFLICT, "duplicate %s: already in this import (row %lld)",
                          ident, first);
    }
    return SP_OK;
}

static void spend(OGRFeatureH f, sp_imp_record *r, char *raw)
{
    sp_imp_record_clear(r);
    free(raw);
    OGR_F_Destroy(f);
}

/* Hands a batch of items to the writer, waiting for room; 0 when the writer wants no more
 * (the batch is then freed here). Items pass in batches
 * so that the two threads wake each other once per SP_BATCH records rather than once per record. */
static int put_batch(pipeline *p, queued *batch, int n)
{
    pthread_mutex_lock(&p->lock);
    while (p->count + n > SP_QUEUE_LEN && !p->is_stopped)
        pthread_cond_wait(&p->can_put, &p->lock);
    int stopped = p->is_stopped;
    for (int i = 0; i < n && !stopped; i++)
        p->items[(p->head + p->count++) % SP_QUEUE_LEN] = batch[i];
    if (!stopped)
        pthread_cond_signal(&p->can_take);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < n && stopped; i++)
        spend(batch[i].f, &batch[i].r, batch[i].raw);
    return !stopped;
}

static void *reader_main(void *arg)
{
    pipeline *p = arg;
    CPLPushErrorHandler(CPLQuietErrorHandler); /* error handlers are per thread */
    CPLErrorReset();
    queued batch[SP_BATCH];
    int n = 0, go = 1;
    OGRFeatureH f;
    while (go && (f = OGR_L_GetNextFeature(p->layer))) {
        queued *q = &batch[n++];
        *q = (queued){.f = f};
        q->rc = sp_imp_record_build(p->m, p->vocab, f, &p->rp, &q->r, &q->err);
        if (q->rc == SP_OK && p->seen)
            q->rc = check_repeat(p->seen, &q->r, (long long)OGR_F_GetFID(f), &q->err);
        if (q->rc != SP_OK || q->r.repaired) /* NULL on OOM: the writer tries again */
            q->raw = sp_imp_feature_json(f, OGR_L_GetName(p->layer));
        if (n == SP_BATCH) {
            go = put_batch(p, batch, n);
            n = 0;
        }
    }
    if (n > 0)
        put_batch(p, batch, n);
    pthread_mutex_lock(&p->lock);
    if (CPLGetLastErrorType() >= CE_Failure)
        snprintf(p->read_error, sizeof p->read_error, "%s", CPLGetLastErrorMsg());
    p->is_done = 1;
    pthread_cond_signal(&p->can_take);
    pthread_mutex_unlock(&p->lock);
    CPLPopErrorHandler();
    return NULL;
}

/* Takes up to SP_BATCH items at once; 0 when the reader has finished and the queue is
 * empty. */
static int take_batch(pipeline *p, queued *out)
{
    pthread_mutex_lock(&p->lock);
    while (p->count == 0 && !p->is_done)
        pthread_cond_wait(&p->can_take, &p->lock);
    int n = 0;
    while (p->count > 0 && n < SP_BATCH) {
        out[n++] = p->items[p->head];
        p->head = (p->head + 1) % SP_QUEUE_LEN;
        p->count--;
    }
    if (n > 0)
        pthread_cond_signal(&p->can_put);
    pthread_mutex_unlock(&p->lock);
    return n;
}

static void stop_reader(pipeline *p)
{
    pthread_mutex_lock(&p->lock);
    p->is_stopped = 1;
    pthread_cond_signal(&p->can_put);
    pthread_mutex_unlock(&p->lock);
}

/* Writes one record read by the reader: store it, or record its rejection. */
static int write_one(run_ctx *c, const char *file, const char *lname, queued *q, sp_err *err)
{
    sp_imp_record *r = &q->r;
    int rrc = q->rc, rc = SP_OK;
    if (rrc == SP_OK)
        rrc = store(c, r, &q->err);
    if (rrc != SP_OK && is_record_error(rrc)) {
        c->counts.rejected++;
        rc = note_problem(c, "rejected", lname, q->f, q->raw, r->key, r->field, q->err.msg, err);
        int64_t id = 0; /* a refused record is not missing: its stored one stays as it was */
        if (rc == SP_OK && c->had_records && r->key && r->rec.entity)
            rc = sp_db_find_source(c->db, r->rec.entity, c->dataset, r->key, &id, err);
        if (rc == SP_OK)
            rc = seen_id(c, id, err);
    } else if (rrc != SP_OK) {
        rc = sp_err_set(err, rrc, "%s layer '%s' row %lld: %s", file, lname,
                        (long long)OGR_F_GetFID(q->f), q->err.msg);
    } else if (r->repaired) {
        c->counts.repaired++;
        rc = note_problem(c, "repaired", lname, q->f, q->raw, r->key, "geometry",
                          "geometry: invalid in the source, repaired with MakeValid", err);
    }
    return rc;
}

static int import_layer(run_ctx *c, const char *file, OGRLayerH layer, const char *recode,
                        sp_err *err)
{
    const char *lname = OGR_L_GetName(layer);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    sp_imp_mapping *automap = NULL;
    sp_imp_mapping *m = c->mapping;
    if (!m && sp_imp_mapping_auto(sp_model_entity(SP_ENT_MONUMENT), &automap, err) != SP_OK)
        return err->code;
    if (!m)
        m = automap;
    pipeline *p = calloc(1, sizeof *p);
    if (!p) {
        sp_imp_mapping_free(automap);
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    int rc = sp_imp_mapping_bind(m, defn, lname, recode, err);
    if (rc == SP_OK && !c->is_report) /* a report has no geometry */
        rc = make_transform(c, layer, m, file, &p->rp, err);
    /* Counted before the reader starts: from then on only the reader touches the layer. */
    long long total = rc == SP_OK ? OGR_L_GetFeatureCount(layer, 0) : -1;
    pthread_t reader;
    int has_reader = 0;
    if (rc == SP_OK) {
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->can_put, NULL);
        pthread_cond_init(&p->can_take, NULL);
        p->layer = layer;
        p->m = m;
        p->vocab = c->vocab;
        p->seen = c->is_report ? NULL : c->seen;
        OGR_L_ResetReading(layer);
        has_reader = pthread_create(&reader, NULL, reader_main, p) == 0;
        if (!has_reader)
            rc = sp_err_set(err, SP_EINTERNAL, "cannot start the reading thread");
    }
    sp_progress bar;
    sp_progress_start(&bar, lname, total);
    bar.enabled &= c->opt->show_progress && has_reader;
    long long n = 0;
    queued batch[SP_BATCH];
    int got;
    while (has_reader && (got = take_batch(p, batch)) > 0) {
        for (int i = 0; i < got; i++) {
            queued *q = &batch[i];
            c->counts.read++;
            if (rc == SP_OK && (rc = write_one(c, file, lname, q, err)) != SP_OK)
                stop_reader(p); /* drain what is queued, write nothing more */
            sp_progress_update(&bar, ++n);
            spend(q->f, &q->r, q->raw);
        }
    }
    sp_progress_finish(&bar);
    if (has_reader) {
        pthread_join(reader, NULL);
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->can_put);
        pthread_cond_destroy(&p->can_take);
    }
    if (rc == SP_OK && p->read_error[0])
        rc = sp_err_set(err, SP_EINVAL, "%s layer '%s': read error after %lld records: %s", file,
                        lname, n, p->read_error);
    sp_imp_reproj_free(&p->rp);
    free(p);
    sp_imp_mapping_free(automap);
    return rc;
}

/* ---- sources: files opened and layers chosen before the database is touched ------------- */

typedef struct source_file {
    const char *path;
    GDALDatasetH ds;
    const char *recode; /* encoding to convert from when the driver does not */
    OGRLayerH layers[64];
    int nlayers;
} source_file;

struct sp_imp_source {
    const sp_imp_options *opt;
    sp_imp_mapping *mapping;
    char dataset[512];
    sp_strbuf files; /* newline-separated, for import_run */
    source_file *f;
    int nfiles;
};

static int open_file(const sp_imp_source *src, source_file *sf, sp_err *err)
{
    const char *enc = src->mapping ? src->mapping->encoding : NULL;
    const char *file = sf->path;
    char encopt[64];
    const char *open_opts[2] = {NULL, NULL};
    if (enc) {
        snprintf(encopt, sizeof encopt, "ENCODING=%s", enc);
        open_opts[0] = encopt;
    }
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (ds && enc &&
        strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "ESRI Shapefile") == 0) {
        GDALClose(ds); /* the Shapefile driver converts from ENCODING itself */
        ds = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, open_opts, NULL);
    }
    struct stat sb; /* GDAL paths such as /vsizip/... need not exist as files */
    if (!ds && strncmp(file, "/vsi", 4) != 0 && stat(file, &sb) != 0)
        return sp_err_set(err, SP_ENOTFOUND, "%s: no such file", file);
    if (!ds)
        return sp_err_set(err, SP_EINVAL, "%s: not a readable vector data source%s%s", file,
                          CPLGetLastErrorMsg()[0] ? ": " : "", CPLGetLastErrorMsg());
    sf->ds = ds;
    sf->recode =
        enc && strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "ESRI Shapefile") != 0
            ? enc
            : NULL;
    const char *want = src->opt->layer ? src->opt->layer
                       : src->mapping  ? src->mapping->layer
                                       : NULL;
    int n = GDALDatasetGetLayerCount(ds);
    if (want) {
        OGRLayerH layer = GDALDatasetGetLayerByName(ds, want);
        if (!layer) {
            sp_strbuf names = {0};
            for (int i = 0; i < n; i++)
                sp_strbuf_printf(&names, "%s'%s'", i ? ", " : "",
                                 OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
            sp_err_set(err, SP_ENOTFOUND, "%s: no layer '%s' (it has %s)", file, want,
                       sp_strbuf_cstr(&names));
            sp_strbuf_free(&names);
            return err->code;
        }
        sf->layers[sf->nlayers++] = layer;
        return SP_OK;
    }
    if (n == 0)
        return sp_err_set(err, SP_EINVAL, "%s: has no layers", file);
    if (n > (int)(sizeof sf->layers / sizeof sf->layers[0]))
        return sp_err_set(err, SP_EINVAL, "%s: %d layers; name one with --layer", file, n);
    for (int i = 0; i < n; i++)
        sf->layers[sf->nlayers++] = GDALDatasetGetLayer(ds, i);
    return SP_OK;
}

void sp_imp_close(sp_imp_source *src)
{
    if (!src)
        return;
    for (int i = 0; i < src->nfiles; i++)
        if (src->f[i].ds)
            GDALClose(src->f[i].ds);
    free(src->f);
    sp_imp_mapping_free(src->mapping);
    sp_strbuf_free(&src->files);
    free(src);
}

int sp_imp_open(const char *const *files, int nfiles, const sp_imp_options *opt,
                sp_imp_source **out, sp_err *err)
{
    *out = NULL;
    if (nfiles < 1)
        return sp_err_set(err, SP_EINVAL, "no input files");
    GDALAllRegister();
    sp_imp_source *src = calloc(1, sizeof *src);
    if (!src || !(src->f = calloc((size_t)nfiles, sizeof *src->f))) {
        free(src);
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    src->opt = opt;
    int rc = SP_OK;
    if (opt->mapping_path)
        rc = sp_imp_mapping_load(opt->mapping_path, &src->mapping, err);
    if (opt->dataset)
        snprintf(src->dataset, sizeof src->dataset, "%s", opt->dataset);
    else if (src->mapping && src->mapping->dataset)
        snprintf(src->dataset, sizeof src->dataset, "%s", src->mapping->dataset);
    else
        base_name(files[0], src->dataset, sizeof src->dataset);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    for (int i = 0; i < nfiles && rc == SP_OK; i++) {
        src->f[i].path = files[i];
        src->nfiles = i + 1;
        sp_strbuf_printf(&src->files, "%s%s", i ? "\n" : "", files[i]);
        rc = open_file(src, &src->f[i], err);
    }
    CPLPopErrorHandler();
    if (rc == SP_OK && src->files.failed)
        rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    if (rc != SP_OK) {
        sp_imp_close(src);
        return rc;
    }
    *out = src;
    return SP_OK;
}

/* The data set of the run: the options' details over the mapping's over what is known. */
static int put_dataset(sp_db *db, const sp_imp_source *src, sp_err *err)
{
    static const sp_db_dataset none = {0};
    const sp_db_dataset *m = src->mapping ? &src->mapping->about : &none, *o = &src->opt->about;
    sp_db_dataset d = {src->dataset,
                       o->title ? o->title : m->title,
                       o->publisher ? o->publisher : m->publisher,
                       o->licence ? o->licence : m->licence,
                       o->licence_url ? o->licence_url : m->licence_url,
                       o->attribution ? o->attribution : m->attribution,
                       o->url ? o->url : m->url,
                       o->retrieved ? o->retrieved : m->retrieved};
    return sp_db_dataset_put(db, &d, err);
}

static int tell_conflict(void *ctx, const sp_db_conflict *c, sp_err *err)
{
    const sp_imp_options *opt = ctx;
    opt->on_conflict(opt->conflict_ctx, c);
    (void)err;
    return SP_OK;
}

int sp_imp_run_source(sp_db *db, sp_imp_source *src, sp_imp_result *out, sp_err *err)
{
    memset(out, 0, sizeof *out);
    const sp_imp_options *opt = src->opt;
    run_ctx c = {.db = db, .opt = opt, .mapping = src->mapping, .dataset = src->dataset};
    int rc = SP_OK;
    const char *target = c.mapping ? sp_imp_mapping_target(c.mapping) : "monument";
    c.is_report = c.mapping && c.mapping->target->id == SP_ENT_REPORT;
    c.vocab = sp_vocab_new();
    c.seen = sp_keyset_new();
    if (!c.vocab || !c.seen)
        rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (rc == SP_OK)
        rc = sp_db_load_vocab(db, c.vocab, err);
    if (rc == SP_OK)
        rc = sp_db_bulk_begin(db, err);
    int in_tx = rc == SP_OK;
    const sp_entity *e = c.mapping ? c.mapping->target : sp_model_entity(SP_ENT_MONUMENT);
    if (rc == SP_OK) /* the data set, with what the mapping and the options say of it */
        rc = put_dataset(db, src, err);
    if (rc == SP_OK) /* a whole data set read again: which records does it no longer have? */
        rc = sp_db_dataset_has(db, e, src->dataset, &c.had_records, err);
    c.had_records &= !opt->layer;
    if (rc == SP_OK)
        rc = sp_db_import_run_begin(db, src->dataset, sp_strbuf_cstr(&src->files),
                                    opt->mapping_path, target, opt->prefer_source, &c.run_id, err);
    if (rc == SP_OK && c.is_report)
        rc = sp_db_report_bulk_begin(db, &c.report_mark, err);
    for (int i = 0; i < src->nfiles && rc == SP_OK; i++)
        for (int k = 0; k < src->f[i].nlayers && rc == SP_OK; k++)
            rc = import_layer(&c, src->f[i].path, src->f[i].layers[k], src->f[i].recode, err);
    sp_db_actor actor = {"import", NULL, c.run_id, 0};
    if (rc == SP_OK && c.is_report)
        rc = sp_db_report_bulk_finish(db, c.report_mark, &actor, err);
    if (rc == SP_OK)
        rc = sp_db_bulk_finish(db, &actor, err);
    if (rc == SP_OK && c.had_records) {
        rc = sp_db_missing_note(db, e, src->dataset, c.run_id, c.ids, c.nids,
                                opt->missing == SP_IMP_MISSING_FLAG, &c.counts.missing, err);
    }
    if (rc == SP_OK && opt->on_conflict)
        rc = sp_db_conflict_foreach(db, c.run_id, NULL, 0, tell_conflict, (void *)opt, err);
    if (rc == SP_OK)
        rc = sp_db_import_run_finish(db, c.run_id, &c.counts, 1, err);
    if (rc == SP_OK && !opt->is_dry_run)
        rc = sp_db_commit(db, err);
    if (in_tx && (rc != SP_OK || opt->is_dry_run))
        sp_db_rollback(db);
    CPLPopErrorHandler();
    out->counts = c.counts;
    out->run_id = opt->is_dry_run ? 0 : c.run_id;
    sp_vocab_free(c.vocab);
    sp_keyset_free(c.seen);
    free(c.ids);
    return rc;
}

int sp_imp_run(sp_db *db, const char *const *files, int nfiles, const sp_imp_options *opt,
               sp_imp_result *out, sp_err *err)
{
    sp_imp_source *src = NULL;
    memset(out, 0, sizeof *out);
    int rc = sp_imp_open(files, nfiles, opt, &src, err);
    if (rc == SP_OK)
        rc = sp_imp_run_source(db, src, out, err);
    sp_imp_close(src);
    return rc;
}
