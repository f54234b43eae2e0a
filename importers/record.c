/* importers/record.c - one source feature -> one validated record, or a reason why not.
 * A condition report (target condition_report) has values, a key and its monument's
 * protection number, and no geometry.
 * Geometry is taken from the layer, from x/y columns or from a WKT column, flattened to 2D,
 * reprojected to EPSG:4326 (each point must map back: a CRS wraps what lies beyond its
 * range), range-checked, repaired when invalid (GEOS MakeValid) and given
 * a point-on-surface marker. Values go through the model's normaliser field by field, so a
 * rejection names the field. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "imp_int.h"
#include "imp_record.h"

void sp_imp_record_clear(sp_imp_record *r)
{
    for (int i = 0; i < SP_MAX_FIELDS; i++) {
        free(r->rec.values[i]);
        free(r->report[i]);
    }
    free(r->key);
    free(r->monument);
    free(r->uid);
    free(r->wkb);
    memset(r, 0, sizeof *r);
}

static int reject(sp_imp_record *r, const char *field, sp_err *err)
{
    snprintf(r->field, sizeof r->field, "%s", field ? field : "");
    return err->code;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return 0;
    /* Decimal commas are common in Ukrainian spreadsheets. */
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *comma = strchr(buf, ',');
    if (comma && !strchr(comma + 1, ','))
        *comma = '.';
    *out = strtod(buf, &end);
    while (*end == ' ')
        end++;
    return end != buf && *end == '\0' && isfinite(*out);
}

/* The feature's geometry in the source CRS; caller destroys it. NULL with err on failure. */
static OGRGeometryH source_geometry(const sp_imp_mapping *m, OGRFeatureH f, sp_imp_record *r,
                                    sp_err *err)
{
    if (m->xi >= 0 && m->yi >= 0) {
        /* Copies: OGR returns numbers as text in one per-feature buffer, reused by the next call.
         */
        char xs[64] = "", ys[64] = "";
        if (OGR_F_IsFieldSetAndNotNull(f, m->xi))
            snprintf(xs, sizeof xs, "%s", OGR_F_GetFieldAsString(f, m->xi));
        if (OGR_F_IsFieldSetAndNotNull(f, m->yi))
            snprintf(ys, sizeof ys, "%s", OGR_F_GetFieldAsString(f, m->yi));
        double x, y;
        if (!xs[0] && !ys[0]) {
            sp_err_set(err, SP_EINVAL, "geometry: empty (no coordinates in '%s'/'%s')", m->x_field,
                       m->y_field);
            reject(r, "geometry", err);
            return NULL;
        }
        if (!parse_number(xs, &x) || !parse_number(ys, &y)) {
            sp_err_set(err, SP_EINVAL, "geometry: coordinates '%s', '%s' are not numbers", xs, ys);
            reject(r, "geometry", err);
            return NULL;
        }
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, x, y);
        return g;
    }
    if (m->wkti >= 0) {
        const char *wkt = OGR_F_GetFieldAsString(f, m->wkti);
        OGRGeometryH g = NULL;
        char *p = (char *)wkt;
        if (!wkt || !*wkt) {
            sp_err_set(err, SP_EINVAL, "geometry: empty ('%s' is blank)", m->wkt_field);
        } else if (OGR_G_CreateFromWkt(&p, NULL, &g) != OGRERR_NONE || !g) {
            sp_err_set(err, SP_EINVAL, "geometry: '%s' is not WKT", m->wkt_field);
            g = NULL;
        }
        if (!g)
            reject(r, "geometry", err);
        return g;
    }
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    /* GDAL's CSV driver takes a column named WKT as the geometry, and leaves a feature
     * without one when the text is not WKT: say so rather than "missing". */
    int wkt = g ? -1 : OGR_F_GetFieldIndex(f, "WKT");
    if (!g && wkt >= 0 && OGR_F_IsFieldSetAndNotNull(f, wkt) && *OGR_F_GetFieldAsString(f, wkt)) {
        sp_err_set(err, SP_EINVAL, "geometry: column WKT is not valid WKT: '%.80s'",
                   OGR_F_GetFieldAsString(f, wkt));
        reject(r, "geometry", err);
        return NULL;
    }
    if (!g) {
        sp_err_set(err, SP_EINVAL, "geometry: missing");
        reject(r, "geometry", err);
        return NULL;
    }
    return OGR_G_Clone(g);
}

/* Coordinates are kept to 1e-7 degree (about 1 cm), the precision every export writes, so
 * an exported record imports back as "unchanged". */
#define SP_COORD_SCALE 1e7

static void round_coords(OGRGeometryH g)
{
    int parts = OGR_G_GetGeometryCount(g);
    for (int i = 0; i < parts; i++)
        round_coords(OGR_G_GetGeometryRef(g, i));
    int n = OGR_G_GetPointCount(g);
    for (int i = 0; i < n; i++)
        OGR_G_SetPoint_2D(g, i, round(OGR_G_GetX(g, i) * SP_COORD_SCALE) / SP_COORD_SCALE,
                          round(OGR_G_GetY(g, i) * SP_COORD_SCALE) / SP_COORD_SCALE);
}

static int envelope_ok(OGRGeometryH g, sp_err *err)
{
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    if (!isfinite(e.MinX) || !isfinite(e.MaxX) || !isfinite(e.MinY) || !isfinite(e.MaxY))
        return sp_err_set(err, SP_EINVAL, "geometry: coordinates are not finite");
    if (e.MinX < -180 || e.MaxX > 180 || e.MinY < -90 || e.MaxY > 90)
        return sp_err_set(err, SP_EINVAL,
                          "geometry: coordinates out of range (x %.6g..%.6g, y %.6g..%.6g): "
                          "wrong CRS or swapped axes?",
                          e.MinX, e.MaxX, e.MinY, e.MaxY);
    return SP_OK;
}

/* A protection zone is an area; monuments and districts take any geometry. */
static int shape_ok(const sp_db_record *rec, OGRGeometryH g, sp_err *err)
{
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (!rec->entity || rec->entity->id != SP_ENT_ZONE || type == wkbPolygon ||
        type == wkbMultiPolygon)
        return SP_OK;
    return sp_err_set(err, SP_EINVAL,
                      "geometry: a protection zone is an area (Polygon or MultiPolygon), not a %s",
                      OGR_G_GetGeometryName(g));
}

int sp_imp_reproj_make(OGRSpatialReferenceH src, sp_imp_reproj *out, sp_err *err)
{
    out->fwd = out->back = NULL;
    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
    if (!wgs84 || OSRImportFromEPSG(wgs84, 4326) != OGRERR_NONE) {
        OSRDestroySpatialReference(wgs84);
        return sp_err_set(err, SP_EGDAL, "cannot set up EPSG:4326");
    }
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    int rc = SP_OK;
    if (!OSRIsSame(src, wgs84)) {
        out->fwd = OCTNewCoordinateTransformation(src, wgs84);
        out->back = out->fwd ? OCTNewCoordinateTransformation(wgs84, src) : NULL;
        if (!out->back) {
            rc = sp_err_set(err, SP_EINVAL, "cannot transform from its CRS to EPSG:4326: %s",
                            CPLGetLastErrorMsg());
            sp_imp_reproj_free(out);
        }
    }
    OSRDestroySpatialReference(wgs84);
    return rc;
}

void sp_imp_reproj_free(sp_imp_reproj *rp)
{
    if (rp->fwd)
        OCTDestroyCoordinateTransformation(rp->fwd);
    if (rp->back)
        OCTDestroyCoordinateTransformation(rp->back);
    rp->fwd = rp->back = NULL;
}

/* No CRS on Earth needs source numbers beyond this (metres reach 4e7 with a zone prefix);
 * bigger ones are wrong units or garbage, and PROJ may loop for minutes over them (its
 * longitude adjustment steps 2 pi at a time: x = 1e18 m in EPSG:3857). */
#define SP_SOURCE_COORD_MAX 1e9

/* 1 when every vertex of a lies within rounding of the same vertex of b; else 0 with the
 * first one that does not in *x, *y. */
static int same_points(OGRGeometryH a, OGRGeometryH b, double *x, double *y)
{
    int parts = OGR_G_GetGeometryCount(a), n = OGR_G_GetPointCount(a);
    if (parts != OGR_G_GetGeometryCount(b) || n != OGR_G_GetPointCount(b))
        return 0;
    for (int i = 0; i < parts; i++)
        if (!same_points(OGR_G_GetGeometryRef(a, i), OGR_G_GetGeometryRef(b, i), x, y))
            return 0;
    for (int i = 0; i < n; i++) {
        *x = OGR_G_GetX(a, i);
        *y = OGR_G_GetY(a, i);
        if (fabs(*x - OGR_G_GetX(b, i)) > 1e-3 + 1e-7 * fabs(*x) ||
            fabs(*y - OGR_G_GetY(b, i)) > 1e-3 + 1e-7 * fabs(*y))
            return 0;
    }
    return 1;
}

/* Source coordinates -> EPSG:4326 through rp, each point checked to map back. */
static int reproject(OGRGeometryH g, const sp_imp_reproj *rp, sp_err *err)
{
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    double most = fmax(fmax(fabs(e.MinX), fabs(e.MaxX)), fmax(fabs(e.MinY), fabs(e.MaxY)));
    if (!(most <= SP_SOURCE_COORD_MAX)) /* NaN too */
        return sp_err_set(err, SP_EINVAL,
                          "geometry: coordinate %.6g is beyond the range of any CRS "
                          "(x %.6g..%.6g, y %.6g..%.6g): wrong CRS or units?",
                          most, e.MinX, e.MaxX, e.MinY, e.MaxY);
    OGRGeometryH source = OGR_G_Clone(g);
    if (!source)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    int rc = SP_OK;
    double x = 0, y = 0;
    if (OGR_G_Transform(g, rp->fwd) != OGRERR_NONE) {
        rc = sp_err_set(err, SP_EINVAL, "geometry: cannot be reprojected to EPSG:4326");
    } else if ((rc = envelope_ok(g, err)) != SP_OK) {
        ;
    } else {
        OGRGeometryH back = OGR_G_Clone(g);
        if (!back)
            rc = sp_err_set(err, SP_ENOMEM, "out of memory");
        else if (OGR_G_Transform(back, rp->back) != OGRERR_NONE)
            rc = sp_err_set(err, SP_EINVAL,
                            "geometry: does not map back from EPSG:4326 to "
                            "the source CRS: wrong CRS?");
        else if (!same_points(source, back, &x, &y))
            rc = sp_err_set(err, SP_EINVAL,
                            "geometry: point (%.10g %.10g) lies outside the range of the "
                            "source CRS (it does not map back from EPSG:4326): wrong CRS?",
                            x, y);
        OGR_G_DestroyGeometry(back);
    }
    OGR_G_DestroyGeometry(source);
    return rc;
}

int sp_imp_geometry_take(OGRGeometryH g, const sp_imp_reproj *rp, sp_db_record *rec,
                         unsigned char **out_wkb, int *out_repaired, sp_err *err)
{
    *out_repaired = 0;
    int rc = SP_OK;
    OGR_G_FlattenTo2D(g);
    if (OGR_G_IsEmpty(g)) {
        rc = sp_err_set(err, SP_EINVAL, "geometry: empty");
        goto done;
    }
    if ((rc = shape_ok(rec, g, err)) != SP_OK)
        goto done;
    if (rp && rp->fwd)
        rc = reproject(g, rp, err);
    else
        rc = envelope_ok(g, err);
    if (rc != SP_OK)
        goto done;
    round_coords(g);
    if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint) { /* valid, its own marker */
        rec->marker_x = OGR_G_GetX(g, 0);
        rec->marker_y = OGR_G_GetY(g, 0);
        goto encode;
    }
    if (!OGR_G_IsValid(g)) {
        OGRGeometryH fixed = OGR_G_MakeValid(g);
        if (!fixed || OGR_G_IsEmpty(fixed) || !OGR_G_IsValid(fixed)) {
            OGR_G_DestroyGeometry(fixed);
            rc = sp_err_set(err, SP_EINVAL, "geometry: invalid and cannot be repaired");
            goto done;
        }
        OGR_G_DestroyGeometry(g);
        g = fixed;
        *out_repaired = 1;
        if ((rc = shape_ok(rec, g, err)) != SP_OK) /* a repair may split it into parts */
            goto done;
    }
    OGRGeometryH pt = OGR_G_PointOnSurface(g);
    if (!pt || OGR_G_IsEmpty(pt)) {
        OGR_G_DestroyGeometry(pt);
        pt = OGR_G_CreateGeometry(wkbPoint);
        if (OGR_G_Centroid(g, pt) != OGRERR_NONE || OGR_G_IsEmpty(pt)) {
            OGR_G_DestroyGeometry(pt);
            rc = sp_err_set(err, SP_EINVAL, "geometry: no point on its surface");
            goto done;
        }
    }
    rec->marker_x = OGR_G_GetX(pt, 0);
    rec->marker_y = OGR_G_GetY(pt, 0);
    OGR_G_DestroyGeometry(pt);
encode:;
    rec->wkb_len = (size_t)OGR_G_WkbSize(g);
    *out_wkb = malloc(rec->wkb_len);
    if (!*out_wkb) {
        rc = sp_err_set(err, SP_ENOMEM, "out of memory");
        goto done;
    }
    OGR_G_ExportToIsoWkb(g, wkbNDR, *out_wkb);
    rec->wkb = *out_wkb;
done:
    OGR_G_DestroyGeometry(g);
    return rc;
}

/* Geometry pipeline; fills r->wkb and the marker. *out_repaired when MakeValid ran. */
static int build_geometry(const sp_imp_mapping *m, OGRFeatureH f, const sp_imp_reproj *rp,
                          sp_imp_record *r, int *out_repaired, sp_err *err)
{
    *out_repaired = 0;
    OGRGeometryH g = source_geometry(m, f, r, err);
    if (!g)
        return err->code;
    if (sp_imp_geometry_take(g, rp, &r->rec, &r->wkb, out_repaired, err) != SP_OK)
        return reject(r, "geometry", err);
    return SP_OK;
}

/* Normalises every mapped field of one entity into values[]. */
static int build_values(const sp_entity *e, const sp_src *srcs, const sp_vocab *v, OGRFeatureH f,
                        char **values, const char *prefix, sp_imp_record *r, sp_err *err)
{
    for (int i = 0; i < e->nfields; i++) {
        char *raw = NULL;
        int rc = sp_imp_src_value(&srcs[i], f, &raw, err);
        if (rc == SP_OK) {
            rc = sp_model_normalize(&e->fields[i], v, raw, &values[i], err);
            free(raw);
        }
        if (rc != SP_OK) {
            char field[96];
            snprintf(field, sizeof field, "%s%s", prefix, e->fields[i].name);
            if (*prefix)
                sp_err_prefix(err, "report");
            return reject(r, field, err);
        }
    }
    return SP_OK;
}

int sp_imp_values_finish(const sp_entity *e, char **values, char *out_field, size_t fieldsz,
                         sp_err *err)
{
    for (int i = 0; i < e->nfields; i++) {
        if (e->fields[i].is_required && !values[i]) {
            snprintf(out_field, fieldsz, "%s", e->fields[i].name);
            return sp_err_set(err, SP_EINVAL, "field '%s': required but empty", e->fields[i].name);
        }
    }
    if (e->id != SP_ENT_MONUMENT)
        return SP_OK;
    if (!values[SP_MF_LOCATION_SENSITIVE] && /* the stored default, so hashes compare alike */
        !(values[SP_MF_LOCATION_SENSITIVE] = strdup("0")))
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    int from, to;
    if (!values[SP_MF_YEAR_FROM] && !values[SP_MF_YEAR_TO] &&
        sp_dating_years(values[SP_MF_DATING], &from, &to)) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", from);
        values[SP_MF_YEAR_FROM] = strdup(buf);
        snprintf(buf, sizeof buf, "%d", to);
        values[SP_MF_YEAR_TO] = strdup(buf);
        if (!values[SP_MF_YEAR_FROM] || !values[SP_MF_YEAR_TO])
            return sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    if (values[SP_MF_YEAR_FROM] && values[SP_MF_YEAR_TO] &&
        atoi(values[SP_MF_YEAR_FROM]) > atoi(values[SP_MF_YEAR_TO])) {
        snprintf(out_field, fieldsz, "year_from");
        return sp_err_set(err, SP_EINVAL, "field 'year_from': %s is after year_to %s",
                          values[SP_MF_YEAR_FROM], values[SP_MF_YEAR_TO]);
    }
    return SP_OK;
}

static int is_uid(const char *s)
{
    return strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

/* A required text value of the mapping (the key, a report's monument): present, UTF-8. */
static int required_text(const sp_src *src, OGRFeatureH f, const char *what, const char *empty,
                         char **out, sp_imp_record *r, sp_err *err)
{
    if (sp_imp_src_value(src, f, out, err) != SP_OK)
        return reject(r, what, err);
    if (!*out) {
        sp_err_set(err, SP_EINVAL, "%s: empty%s", what, empty);
        return reject(r, what, err);
    }
    if (!sp_utf8_valid_str(*out)) {
        sp_err_set(err, SP_EINVAL, "%s: not valid UTF-8", what);
        return reject(r, what, err);
    }
    return SP_OK;
}

/* A condition report on its own: its values, its key, its monument; no geometry. */
static int build_report(const sp_imp_mapping *m, const sp_vocab *v, OGRFeatureH f, sp_imp_record *r,
                        sp_err *err)
{
    const sp_entity *e = m->target;
    r->rec.entity = e;
    /* The key first, so that a rejection for any other field names the report. */
    if (required_text(&m->key, f, "key", "", &r->key, r, err) != SP_OK ||
        required_text(&m->monument, f, "monument", " (no protection number)", &r->monument, r,
                      err) != SP_OK ||
        build_values(e, m->fields, v, f, r->rec.values, "", r, err) != SP_OK)
        return err->code;
    char field[96];
    if (sp_imp_values_finish(e, r->rec.values, field, sizeof field, err) != SP_OK)
        return reject(r, field, err);
    return SP_OK;
}

int sp_imp_record_build(const sp_imp_mapping *m, const sp_vocab *v, OGRFeatureH f,
                        const sp_imp_reproj *rp, sp_imp_record *r, sp_err *err)
{
    const sp_entity *e = m->target;
    if (e->id == SP_ENT_REPORT)
        return build_report(m, v, f, r, err);
    r->rec.entity = e;
    if (build_values(e, m->fields, v, f, r->rec.values, "", r, err) != SP_OK)
        return err->code;
    char field[96];
    if (sp_imp_values_finish(e, r->rec.values, field, sizeof field, err) != SP_OK)
        return reject(r, field, err);
    /* The stable key: mapping's key, else the model's source_id, else the feature id. */
    if (m->key.kind != SP_SRC_NONE) {
        if (required_text(&m->key, f, "key", "", &r->key, r, err) != SP_OK)
            return err->code;
        free(r->rec.values[e->key_field]);
        r->rec.values[e->key_field] = strdup(r->key);
    } else if (r->rec.values[e->key_field]) {
        r->key = strdup(r->rec.values[e->key_field]);
    } else {
        char buf[32];
        snprintf(buf, sizeof buf, "fid:%lld", (long long)OGR_F_GetFID(f));
        r->key = strdup(buf);
        r->rec.values[e->key_field] = strdup(buf);
    }
    if (m->uid.kind != SP_SRC_NONE) {
        if (sp_imp_src_value(&m->uid, f, &r->uid, err) != SP_OK)
            return reject(r, "uid", err);
        if (r->uid && !is_uid(r->uid)) {
            sp_err_set(err, SP_EINVAL, "field 'uid': '%.40s' is not a Spadok uid (32 hex digits)",
                       r->uid);
            return reject(r, "uid", err);
        }
        r->rec.uid = r->uid;
    }
    if (m->has_report && build_values(sp_model_entity(SP_ENT_REPORT), m->report, v, f, r->report,
                                      "report.", r, err) != SP_OK)
        return err->code;
    if (!r->key || (e->key_field >= 0 && !r->rec.values[e->key_field]))
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    return build_geometry(m, f, rp, r, &r->repaired, err);
}
