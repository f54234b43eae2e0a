/* exporters/export.c - `spadok export` and /exports/...: monuments through OGR.
 * Rows come from sp_db_monument_foreach in the model's field order; each format's GDAL
 * options are in one table below. Every file says which view it is (public or staff) and
 * credits the data sets it holds, under their licences (sp_exp_about). */
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp_csv.h"
#include "sp_exp.h"
#include "sp_model.h"
#include "sp_progress.h"
#include "sp_strbuf.h"

typedef struct export_format {
    const char *name, *driver;
    const char *dsco[4]; /* dataset creation options */
    const char *lco[4];  /* layer creation options */
} export_format;

/* clang-format off */
static const export_format formats[] = {
    {"gpkg", "GPKG", {NULL}, {"IDENTIFIER=Monuments / Пам'ятки", NULL}},
    {"geojson", "GeoJSON", {NULL}, {"RFC7946=YES", "COORDINATE_PRECISION=7", NULL}},
    {"csv", "CSV", {NULL}, {"GEOMETRY=AS_WKT", "CREATE_CSVT=YES", NULL}},
    {"kml", "KML", {"NameField=name_uk", "DescriptionField=description", NULL}, {NULL}},
};
/* clang-format on */

#define SP_EXPORT_MAX_COLS 64

typedef struct export_ctx {
    OGRLayerH layer;
    int has_fields;
    int idx[SP_EXPORT_MAX_COLS]; /* layer field index of each column: drivers may add their own */
    int is_text[SP_EXPORT_MAX_COLS];
    int is_csv;        /* text values are neutralised for spreadsheets (sp_csv.h) */
    sp_strbuf scratch; /* a neutralised value */
    sp_progress bar;
    long long n;
} export_ctx;

static OGRFieldType field_type(const char *name, OGRFieldSubType *sub)
{
    *sub = OFSTNone;
    if (strcmp(name, "id") == 0 || strcmp(name, "version") == 0)
        return OFTInteger64;
    const sp_entity *e = sp_model_entity(SP_ENT_MONUMENT);
    int i = sp_model_field_index(e, name);
    if (i >= 0 && e->fields[i].type == SP_FT_INT)
        return OFTInteger;
    if (i >= 0 && e->fields[i].type == SP_FT_BOOL) {
        *sub = OFSTBoolean;
        return OFTInteger;
    }
    return OFTString;
}

static int create_fields(export_ctx *x, const sp_db_row *row, sp_err *err)
{
    if (row->ncols > SP_EXPORT_MAX_COLS)
        return sp_err_set(err, SP_EINTERNAL, "too many export columns");
    for (int i = 0; i < row->ncols; i++) {
        OGRFieldSubType sub;
        OGRFieldType type = field_type(row->names[i], &sub);
        x->is_text[i] = type == OFTString;
        OGRFieldDefnH fd = OGR_Fld_Create(row->names[i], type);
        OGR_Fld_SetSubType(fd, sub);
        OGRErr e = OGR_L_CreateField(x->layer, fd, 1);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE)
            return sp_err_set(err, SP_EGDAL, "cannot create field %s: %s", row->names[i],
                              CPLGetLastErrorMsg());
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(x->layer);
    for (int i = 0; i < row->ncols; i++)
        if ((x->idx[i] = OGR_FD_GetFieldIndex(defn, row->names[i])) < 0)
            return sp_err_set(err, SP_EGDAL, "field %s missing after creation", row->names[i]);
    x->has_fields = 1;
    return SP_OK;
}

static int write_row(void *ctx, const sp_db_row *row, sp_err *err)
{
    export_ctx *x = ctx;
    if (!x->has_fields && create_fields(x, row, err) != SP_OK)
        return err->code;
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(x->layer));
    for (int i = 0; i < row->ncols; i++) {
        const char *v = row->values[i];
        if (v && x->is_csv && x->is_text[i] && sp_csv_is_formula(v)) {
            if (sp_csv_neutral(v, &x->scratch) != SP_OK) {
                OGR_F_Destroy(f);
                return sp_err_set(err, SP_ENOMEM, "out of memory (export)");
            }
            v = sp_strbuf_cstr(&x->scratch);
        }
        if (v)
            OGR_F_SetFieldString(f, x->idx[i], v);
    }
    OGRGeometryH g = NULL;
    if (OGR_G_CreateFromWkb(row->wkb, NULL, &g, (int)row->wkb_len) != OGRERR_NONE) {
        OGR_F_Destroy(f);
        return sp_err_set(err, SP_EINTERNAL, "monument %s: stored geometry is unreadable",
                          row->values[0]);
    }
    OGR_F_SetGeometryDirectly(f, g);
    OGRErr e = OGR_L_CreateFeature(x->layer, f);
    OGR_F_Destroy(f);
    if (e != OGRERR_NONE)
        return sp_err_set(err, SP_EIO, "cannot write monument %s: %s", row->values[0],
                          CPLGetLastErrorMsg());
    sp_progress_update(&x->bar, ++x->n);
    return SP_OK;
}

/* ---- what an export says of itself ---------------------------------------------------- */

typedef struct about_ctx {
    sp_strbuf *b;
    int has_odbl, has_unknown;
} about_ctx;

static int about_dataset(void *ctx, const sp_db_dataset *d, sp_err *err)
{
    about_ctx *a = ctx;
    (void)err;
    sp_strbuf_printf(a->b, "- %s", d->title ? d->title : d->name);
    if (d->publisher)
        sp_strbuf_printf(a->b, ", published by %s", d->publisher);
    sp_strbuf_printf(a->b, "; licence: %s", d->licence ? d->licence : "unknown");
    if (d->licence_url)
        sp_strbuf_printf(a->b, " <%s>", d->licence_url);
    if (d->attribution)
        sp_strbuf_printf(a->b, "; credit: %s", d->attribution);
    if (d->url)
        sp_strbuf_printf(a->b, "; source: %s", d->url);
    if (d->retrieved)
        sp_strbuf_printf(a->b, "; retrieved %s", d->retrieved);
    sp_strbuf_printf(a->b, " (data set \"%s\")\n", d->name);
    a->has_odbl |= d->licence && strncmp(d->licence, "ODbL", 4) == 0;
    a->has_unknown |= !d->licence || strcmp(d->licence, "unknown") == 0;
    return SP_OK;
}

int sp_exp_about(sp_db *db, int is_public, sp_strbuf *out, sp_err *err)
{
    char *line = NULL;
    int rc = sp_db_attribution(db, &line, err);
    if (rc != SP_OK)
        return rc;
    sp_strbuf_printf(out, "Spadok heritage registry export: %s\n",
                     is_public ? "public view (what the registry publishes: archaeological sites "
                                 "and other location-sensitive places at 0.01 degree)"
                               : "STAFF VIEW, exact locations of location-sensitive sites: for "
                                 "the department's own use, not for publication (spadok export "
                                 "--public writes the public view)");
    sp_strbuf_printf(out, "Data: %s\nData sets and licences:\n", line);
    free(line);
    about_ctx a = {out, 0, 0};
    rc = sp_db_dataset_foreach(db, 0, about_dataset, &a, err);
    if (a.has_odbl)
        sp_strbuf_puts(out, "Contains data under the Open Database License (ODbL 1.0): keep the "
                            "credit above, and offer a database derived from it and made public "
                            "under the ODbL too.\n");
    if (a.has_unknown)
        sp_strbuf_puts(out, "Data sets of unknown licence: ask their publisher before reusing "
                            "them.\n");
    return rc;
}

/* Side files some drivers write beside the main one (CSV: .csvt types, .prj CRS). */
static void move_sidecars(const char *tmp, const char *out, int keep)
{
    static const char *const exts[] = {".csvt", ".prj", NULL};
    for (int i = 0; exts[i]; i++) {
        char from[4200], to[4200];
        const char *tdot = strrchr(tmp, '.'), *odot = strrchr(out, '.');
        int tn = tdot ? (int)(tdot - tmp) : (int)strlen(tmp);
        int on = odot ? (int)(odot - out) : (int)strlen(out);
        snprintf(from, sizeof from, "%.*s%s", tn, tmp, exts[i]);
        snprintf(to, sizeof to, "%.*s%s", on, out, exts[i]);
        if (access(from, F_OK) != 0)
            continue;
        if (!keep || rename(from, to) != 0)
            unlink(from);
    }
}

/* OUT's README beside it (monuments.csv: monuments.README.txt), written whole or not at all. */
static int write_readme(const char *out_path, const sp_strbuf *about, sp_err *err)
{
    char path[4200], tmp[4300];
    const char *dot = strrchr(out_path, '.'), *slash = strrchr(out_path, '/');
    int stem = dot && (!slash || dot > slash) ? (int)(dot - out_path) : (int)strlen(out_path);
    snprintf(path, sizeof path, "%.*s.README.txt", stem, out_path);
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return sp_err_set(err, SP_EIO, "cannot write %s", path);
    int ok = fwrite(about->data, 1, about->len, f) == about->len;
    ok &= fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return sp_err_set(err, SP_EIO, "cannot write %s", path);
    }
    return SP_OK;
}

int sp_exp_run(sp_db *db, const char *format, const char *out_path, int is_public,
               int show_progress, long long *out_count, sp_err *err)
{
    const export_format *fmt = NULL;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, format) == 0)
            fmt = &formats[i];
    if (!fmt)
        return sp_err_set(err, SP_EINVAL, "unknown format '%s' (gpkg, geojson, csv, kml)", format);
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName(fmt->driver);
    if (!drv)
        return sp_err_set(err, SP_EGDAL, "GDAL has no %s driver", fmt->driver);
    /* Temp name keeps the extension: the CSV driver makes a folder for names without .csv. */
    const char *ext = strrchr(out_path, '.');
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld%s", out_path, (long)getpid(), ext ? ext : "") >=
        (int)sizeof tmp)
        return sp_err_set(err, SP_EINVAL, "output path too long");
    unlink(tmp);
    long long total = 0;
    int rc = sp_db_monument_count(db, &total, err);
    if (rc != SP_OK)
        return rc;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    /* What the file is and whose data it holds: in the file where the format has a place
     * for it (GeoPackage, GeoJSON), in a README beside it where not (CSV, KML). */
    sp_strbuf about = {0};
    if ((rc = sp_exp_about(db, is_public, &about, err)) != SP_OK) {
        sp_strbuf_free(&about);
        return rc;
    }
    char **lco = CSLDuplicate((char **)fmt->lco);
    if (strcmp(fmt->name, "gpkg") == 0 || strcmp(fmt->name, "geojson") == 0)
        lco = CSLSetNameValue(lco, "DESCRIPTION", sp_strbuf_cstr(&about));
    GDALDatasetH ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, (char **)fmt->dsco);
    if (!ds) {
        rc = sp_err_set(err, SP_EIO, "cannot create %s: %s", out_path, CPLGetLastErrorMsg());
        CPLPopErrorHandler();
        CSLDestroy(lco);
        sp_strbuf_free(&about);
        return rc;
    }
    if (strcmp(fmt->name, "gpkg") == 0) { /* gpkg_metadata, for QGIS's layer properties */
        GDALSetMetadataItem(ds, "SPADOK_VIEW", is_public ? "public" : "staff", NULL);
        GDALSetMetadataItem(ds, "SPADOK_ABOUT", sp_strbuf_cstr(&about), NULL);
    }
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    export_ctx x = {0};
    x.is_csv = strcmp(fmt->name, "csv") == 0;
    x.layer = GDALDatasetCreateLayer(ds, "monuments", srs, wkbUnknown, lco);
    CSLDestroy(lco);
    OSRDestroySpatialReference(srs);
    if (!x.layer)
        rc = sp_err_set(err, SP_EGDAL, "cannot create layer: %s", CPLGetLastErrorMsg());
    sp_progress_start(&x.bar, "export", total);
    x.bar.enabled &= show_progress;
    int in_tx = rc == SP_OK && OGR_L_StartTransaction(x.layer) == OGRERR_NONE;
    if (rc == SP_OK)
        rc = sp_db_monument_foreach(db, is_public, write_row, &x, err);
    if (in_tx && rc == SP_OK && OGR_L_CommitTransaction(x.layer) != OGRERR_NONE)
        rc = sp_err_set(err, SP_EIO, "cannot commit %s: %s", out_path, CPLGetLastErrorMsg());
    sp_progress_finish(&x.bar);
    sp_strbuf_free(&x.scratch);
    CPLErrorReset();
    GDALClose(ds); /* returns void before GDAL 3.7: read the error state instead */
    if (rc == SP_OK && CPLGetLastErrorType() >= CE_Failure)
        rc = sp_err_set(err, SP_EIO, "cannot finish %s: %s", out_path, CPLGetLastErrorMsg());
    CPLPopErrorHandler();
    if (rc == SP_OK && (strcmp(fmt->name, "csv") == 0 || strcmp(fmt->name, "kml") == 0))
        rc = write_readme(out_path, &about, err);
    sp_strbuf_free(&about);
    if (rc == SP_OK && rename(tmp, out_path) != 0)
        rc = sp_err_set(err, SP_EIO, "cannot rename output to %s", out_path);
    if (rc != SP_OK)
        unlink(tmp);
    move_sidecars(tmp, out_path, rc == SP_OK);
    *out_count = x.n;
    return rc;
}
