/* exporters/export.c - `spadok export` (and later /exports/...): monuments through OGR.
 * Rows come from sp_db_monument_foreach in the model's field order; each format's GDAL
 * options are in one table below. */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp_exp.h"
#include "sp_model.h"
#include "sp_progress.h"

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
        OGRFieldDefnH fd = OGR_Fld_Create(row->names[i], field_type(row->names[i], &sub));
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
    for (int i = 0; i < row->ncols; i++)
        if (row->values[i])
            OGR_F_SetFieldString(f, x->idx[i], row->values[i]);
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
    GDALDatasetH ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, (char **)fmt->dsco);
    if (!ds) {
        rc = sp_err_set(err, SP_EIO, "cannot create %s: %s", out_path, CPLGetLastErrorMsg());
        CPLPopErrorHandler();
        return rc;
    }
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    export_ctx x = {0};
    x.layer = GDALDatasetCreateLayer(ds, "monuments", srs, wkbUnknown, (char **)fmt->lco);
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
    CPLErrorReset();
    GDALClose(ds); /* returns void before GDAL 3.7: read the error state instead */
    if (rc == SP_OK && CPLGetLastErrorType() >= CE_Failure)
        rc = sp_err_set(err, SP_EIO, "cannot finish %s: %s", out_path, CPLGetLastErrorMsg());
    CPLPopErrorHandler();
    if (rc == SP_OK && rename(tmp, out_path) != 0)
        rc = sp_err_set(err, SP_EIO, "cannot rename output to %s", out_path);
    if (rc != SP_OK)
        unlink(tmp);
    move_sidecars(tmp, out_path, rc == SP_OK);
    *out_count = x.n;
    return rc;
}
