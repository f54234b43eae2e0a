/* importers/basemap.c - `spadok basemap import`: base-map data (streets, railways, water,
 * green, land use, buildings, place names) read through GDAL/OGR into the registry's
 * base-map tables (schemas/020_basemap.sql), replacing the base map before it in one
 * transaction: a failed import leaves the old one whole.
 *
 * OpenStreetMap files (.osm, .osm.pbf) come through GDAL's OSM driver (layers points, lines,
 * multipolygons), whose tags are fields or sit in `other_tags` ("key"=>"value",...). Any other
 * OGR source is read the same way when its fields are named like OSM's keys (highway,
 * waterway, natural, landuse, building, place, name, name:en or name_en), or given one class
 * for all its features (--class). The class table below is the one place that says what a
 * tag becomes and from which zoom it is drawn; tiles/basemap.c says how each class looks. */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sp_db_basemap.h"
#include "sp_imp.h"
#include "sp_progress.h"

typedef enum { GEOM_POINT, GEOM_LINE, GEOM_AREA } geom_kind;

typedef struct bm_class {
    const char *code;
    geom_kind geom;
    int minzoom;
    const char *key;    /* the OSM key that gives it */
    const char *values; /* its values, "|"-separated; "*" any but "no" */
} bm_class;

/* First match wins, so the more particular rules come first. */
/* clang-format off */
static const bm_class classes[] = {
    {"place_city",     GEOM_POINT, 4,  "place",    "city"},
    {"place_town",     GEOM_POINT, 8,  "place",    "town"},
    {"place_village",  GEOM_POINT, 11, "place",    "village|suburb"},
    {"place_minor",    GEOM_POINT, 14, "place",    "hamlet|neighbourhood|quarter|locality|isolated_dwelling"},
    {"road_motorway",  GEOM_LINE,  6,  "highway",  "motorway|motorway_link|trunk|trunk_link"},
    {"road_primary",   GEOM_LINE,  8,  "highway",  "primary|primary_link"},
    {"road_secondary", GEOM_LINE,  10, "highway",  "secondary|secondary_link"},
    {"road_tertiary",  GEOM_LINE,  11, "highway",  "tertiary|tertiary_link"},
    {"road_minor",     GEOM_LINE,  13, "highway",  "residential|unclassified|living_street|road"},
    {"road_service",   GEOM_LINE,  15, "highway",  "service|track"},
    {"road_path",      GEOM_LINE,  15, "highway",  "pedestrian|footway|path|cycleway|steps|bridleway"},
    {"rail",           GEOM_LINE,  10, "railway",  "rail|light_rail|narrow_gauge|preserved"},
    {"tram",           GEOM_LINE,  14, "railway",  "tram"},
    {"river",          GEOM_LINE,  8,  "waterway", "river|canal"},
    {"stream",         GEOM_LINE,  13, "waterway", "stream|ditch|drain"},
    {"water",          GEOM_AREA,  6,  "natural",  "water|bay"},
    {"water",          GEOM_AREA,  6,  "waterway", "riverbank|dock"},
    {"water",          GEOM_AREA,  6,  "landuse",  "reservoir|basin"},
    {"wood",           GEOM_AREA,  10, "natural",  "wood"},
    {"wood",           GEOM_AREA,  10, "landuse",  "forest"},
    {"park",           GEOM_AREA,  11, "leisure",  "park|garden|nature_reserve|pitch|playground"},
    {"park",           GEOM_AREA,  11, "landuse",  "grass|meadow|recreation_ground|village_green|allotments"},
    {"park",           GEOM_AREA,  11, "natural",  "grassland|scrub|heath"},
    {"cemetery",       GEOM_AREA,  13, "landuse",  "cemetery"},
    {"industrial",     GEOM_AREA,  12, "landuse",  "industrial|railway|commercial|retail"},
    {"building",       GEOM_AREA,  15, "building", "*"},
    {NULL, 0, 0, NULL, NULL},
};
/* clang-format on */

static const bm_class *class_by_code(const char *code)
{
    for (const bm_class *c = classes; c->code; c++)
        if (strcmp(c->code, code) == 0)
            return c;
    return NULL;
}

int sp_imp_basemap_class_known(const char *code)
{
    return code && class_by_code(code) != NULL;
}

/* The value of tag key in other_tags ("k"=>"v","k2"=>"v2", with \" and \\ escaped) into out;
 * 0 when absent. */
static int other_tag(const char *tags, const char *key, char *out, size_t outsz)
{
    size_t klen = strlen(key);
    for (const char *p = tags; p && (p = strchr(p, '"'));) {
        p++;
        int is_key = strncmp(p, key, klen) == 0 && strncmp(p + klen, "\"=>\"", 4) == 0;
        /* skip this quoted text and, if it is a key, its value */
        const char *v = NULL;
        while (*p && *p != '"')
            p += (*p == '\\' && p[1]) ? 2 : 1;
        if (!*p)
            return 0;
        p++;
        if (strncmp(p, "=>\"", 3) != 0)
            continue;
        v = p + 3;
        size_t n = 0;
        for (p = v; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            if (is_key && n + 1 < outsz)
                out[n++] = *p;
        }
        if (is_key) {
            out[n] = '\0';
            return 1;
        }
        if (*p)
            p++;
    }
    return 0;
}

/* A tag of feature f: its field of that name, or its entry in other_tags; NULL when absent
 * or empty. The result lives in buf or in f. */
static const char *tag(OGRFeatureH f, OGRFeatureDefnH defn, const char *key, char *buf,
                       size_t bufsz)
{
    int i = OGR_FD_GetFieldIndex(defn, key);
    if (i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i)) {
        const char *v = OGR_F_GetFieldAsString(f, i);
        return v && *v ? v : NULL;
    }
    int t = OGR_FD_GetFieldIndex(defn, "other_tags");
    if (t >= 0 && OGR_F_IsFieldSetAndNotNull(f, t) &&
        other_tag(OGR_F_GetFieldAsString(f, t), key, buf, bufsz) && *buf)
        return buf;
    return NULL;
}

static int value_in(const char *v, const char *values)
{
    if (strcmp(values, "*") == 0)
        return strcmp(v, "no") != 0;
    size_t n = strlen(v);
    for (const char *p = values; p; p = strchr(p, '|'), p = p ? p + 1 : NULL)
        if (strncmp(p, v, n) == 0 && (p[n] == '|' || p[n] == '\0'))
            return 1;
    return 0;
}

static geom_kind kind_of(OGRGeometryH g)
{
    switch (wkbFlatten(OGR_G_GetGeometryType(g))) {
    case wkbPoint:
    case wkbMultiPoint:
        return GEOM_POINT;
    case wkbLineString:
    case wkbMultiLineString:
        return GEOM_LINE;
    default:
        return GEOM_AREA;
    }
}

static const bm_class *classify(OGRFeatureH f, OGRFeatureDefnH defn, geom_kind gk)
{
    char buf[256];
    for (const bm_class *c = classes; c->code; c++) {
        if (c->geom != gk)
            continue;
        const char *v = tag(f, defn, c->key, buf, sizeof buf);
        if (v && value_in(v, c->values))
            return c;
    }
    return NULL;
}

/* The groups counted in the summary, by class prefix. */
static const char *const group_prefix[SP_IMP_BASEMAP_GROUPS] = {
    "road",     "rail|tram", "river|stream|water", "wood|park|cemetery|industrial",
    "building", "place"};

static int group_of(const char *code)
{
    for (int g = 0; g < SP_IMP_BASEMAP_GROUPS; g++)
        for (const char *p = group_prefix[g]; p; p = strchr(p, '|'), p = p ? p + 1 : NULL) {
            size_t n = strcspn(p, "|");
            if (strncmp(code, p, n) == 0)
                return g;
        }
    return 0;
}

typedef struct reader {
    sp_db *db;
    const sp_imp_basemap_options *opt;
    const bm_class *forced;
    sp_imp_basemap_result *res;
    unsigned char *wkb;
    size_t wkb_cap;
} reader;

static int is_osm(GDALDatasetH ds)
{
    return strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "OSM") == 0;
}

static int store(reader *r, OGRFeatureH f, OGRFeatureDefnH defn, const bm_class *c, OGRGeometryH g,
                 sp_err *err);

/* One feature: classified, reprojected when ct is set, stored. */
static int one(reader *r, OGRFeatureH f, OGRFeatureDefnH defn, OGRCoordinateTransformationH ct,
               sp_err *err)
{
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g))
        return SP_OK;
    geom_kind gk = kind_of(g);
    const bm_class *c = r->forced ? r->forced : classify(f, defn, gk);
    OGRGeometryH point = NULL; /* a place mapped as an area is named at a point inside it */
    if (!c && gk == GEOM_AREA)
        c = classify(f, defn, GEOM_POINT);
    if (c && c->geom == GEOM_POINT && gk == GEOM_AREA && (point = OGR_G_PointOnSurface(g)))
        gk = GEOM_POINT, g = point;
    if (!c || (r->forced && c->geom != gk) || (ct && OGR_G_Transform(g, ct) != OGRERR_NONE)) {
        r->res->skipped++;
        if (point)
            OGR_G_DestroyGeometry(point);
        return SP_OK;
    }
    OGR_G_FlattenTo2D(g);
    int rc = store(r, f, defn, c, g, err);
    if (point)
        OGR_G_DestroyGeometry(point);
    return rc;
}

/* Feature f of class c, geometry g (in EPSG:4326), into the base map. */
static int store(reader *r, OGRFeatureH f, OGRFeatureDefnH defn, const bm_class *c, OGRGeometryH g,
                 sp_err *err)
{
    char uk[512], en[512], nbuf[512];
    const char *name = tag(f, defn, "name:uk", nbuf, sizeof nbuf);
    if (!name)
        name = tag(f, defn, "name", nbuf, sizeof nbuf);
    snprintf(uk, sizeof uk, "%s", name ? name : "");
    const char *name_en = tag(f, defn, "name:en", nbuf, sizeof nbuf);
    if (!name_en)
        name_en = tag(f, defn, "name_en", nbuf, sizeof nbuf);
    snprintf(en, sizeof en, "%s", name_en ? name_en : "");
    size_t n = (size_t)OGR_G_WkbSize(g);
    if (n > r->wkb_cap) {
        unsigned char *p = realloc(r->wkb, n);
        if (!p)
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        r->wkb = p, r->wkb_cap = n;
    }
    if (OGR_G_ExportToWkb(g, wkbNDR, r->wkb) != OGRERR_NONE) {
        r->res->skipped++;
        return SP_OK;
    }
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    sp_db_basemap_feature bf = {
        .class_code = c->code,
        .name_uk = uk[0] ? uk : NULL,
        .name_en = en[0] ? en : NULL,
        .wkb = r->wkb,
        .wkb_len = n,
        .bbox = {e.MinX, e.MinY, e.MaxX, e.MaxY},
        .minzoom = c->minzoom,
        .is_place = c->geom == GEOM_POINT,
    };
    if (sp_db_basemap_put(r->db, r->opt->dataset, &bf, err) != SP_OK)
        return err->code;
    r->res->kept++;
    r->res->groups[group_of(c->code)]++;
    return SP_OK;
}

/* The transformation of a layer's CRS to EPSG:4326 (NULL when it is that already, or has
 * none: taken as longitude, latitude). */
static int layer_transform(OGRLayerH l, const char *file, OGRCoordinateTransformationH *out,
                           sp_err *err)
{
    *out = NULL;
    OGRSpatialReferenceH src = OGR_L_GetSpatialRef(l);
    if (!src)
        return SP_OK;
    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs84, 4326);
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReferenceH s = OSRClone(src);
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    int rc = SP_OK;
    if (!OSRIsSame(s, wgs84) && !(*out = OCTNewCoordinateTransformation(s, wgs84)))
        rc = sp_err_set(err, SP_EINVAL, "%s: layer %s: cannot reproject to EPSG:4326: %s", file,
                        OGR_L_GetName(l), CPLGetLastErrorMsg());
    OSRDestroySpatialReference(s);
    OSRDestroySpatialReference(wgs84);
    return rc;
}

#define SP_BM_MAX_LAYERS 64

static int read_file(reader *r, const char *file, sp_err *err)
{
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    struct stat sb;
    if (!ds && stat(file, &sb) != 0)
        return sp_err_set(err, SP_ENOTFOUND, "%s: no such file", file);
    if (!ds)
        return sp_err_set(err, SP_EINVAL, "%s: not a readable vector data source%s%s", file,
                          CPLGetLastErrorMsg()[0] ? ": " : "", CPLGetLastErrorMsg());
    r->res->is_osm_only &= is_osm(ds);
    int nl = GDALDatasetGetLayerCount(ds), rc = SP_OK;
    OGRLayerH layers[SP_BM_MAX_LAYERS];
    OGRCoordinateTransformationH cts[SP_BM_MAX_LAYERS] = {0};
    if (nl > SP_BM_MAX_LAYERS)
        nl = SP_BM_MAX_LAYERS;
    for (int i = 0; i < nl && rc == SP_OK; i++) {
        layers[i] = GDALDatasetGetLayer(ds, i);
        rc = layer_transform(layers[i], file, &cts[i], err);
    }
    long long before_kept = r->res->kept, before_read = r->res->read;
    /* The dataset's own order: the OSM driver reads its layers interleaved (a .pbf once). */
    OGRLayerH l = NULL;
    OGRFeatureH f;
    sp_progress bar; /* the total is not known before the end (an OSM file's is not) */
    sp_progress_start(&bar, file, -1);
    bar.enabled &= r->opt->show_progress;
    CPLErrorReset();
    while (rc == SP_OK && (f = GDALDatasetGetNextFeature(ds, &l, NULL, NULL, NULL))) {
        sp_progress_update(&bar, r->res->read - before_read);
        int li = 0;
        while (li < nl && layers[li] != l)
            li++;
        if (li < nl) {
            r->res->read++;
            rc = one(r, f, OGR_L_GetLayerDefn(l), cts[li], err);
        }
        OGR_F_Destroy(f);
    }
    sp_progress_finish(&bar);
    if (rc == SP_OK && CPLGetLastErrorType() >= CE_Failure)
        rc = sp_err_set(err, SP_EINVAL, "%s: cannot read it all: %s", file, CPLGetLastErrorMsg());
    for (int i = 0; i < nl; i++)
        if (cts[i])
            OCTDestroyCoordinateTransformation(cts[i]);
    GDALClose(ds);
    if (rc == SP_OK && r->res->kept == before_kept)
        rc = sp_err_set(err, SP_EINVAL,
                        "%s: nothing of a base map in %lld features (no roads, railways, "
                        "water, green, buildings or places by OSM tags such as highway, "
                        "waterway, natural, landuse, building, place); for a source of one "
                        "kind give --class",
                        file, r->res->read - before_read);
    if (rc == SP_OK)
        rc = sp_db_basemap_source(r->db, r->opt->dataset, file, r->res->kept - before_kept, err);
    return rc;
}

int sp_imp_basemap(sp_db *db, const char *const *files, int nfiles,
                   const sp_imp_basemap_options *opt, sp_imp_basemap_result *out, sp_err *err)
{
    memset(out, 0, sizeof *out);
    out->is_osm_only = 1;
    reader r = {.db = db, .opt = opt, .res = out};
    if (opt->class_code && !(r.forced = class_by_code(opt->class_code)))
        return sp_err_set(err, SP_EINVAL, "--class %s: no such base-map class", opt->class_code);
    if (nfiles < 1)
        return sp_err_set(err, SP_EINVAL, "no file to import");
    GDALAllRegister();
    if (sp_db_basemap_replace_begin(db, err) != SP_OK)
        return err->code;
    /* The data set first (its features refer to it); OpenStreetMap's licence and credit once
     * every file proved to be OSM's, unless told otherwise. */
    sp_db_dataset d = opt->about;
    d.name = opt->dataset;
    int rc = sp_db_dataset_put(db, &d, err);
    for (int i = 0; i < nfiles && rc == SP_OK; i++)
        rc = read_file(&r, files[i], err);
    if (out->is_osm_only) {
        d.title = d.title ? d.title : "OpenStreetMap";
        d.licence = d.licence ? d.licence : "ODbL-1.0";
        d.licence_url =
            d.licence_url ? d.licence_url : "https://opendatacommons.org/licenses/odbl/";
        d.attribution = d.attribution ? d.attribution : "© OpenStreetMap contributors";
        d.url = d.url ? d.url : "https://www.openstreetmap.org/copyright";
    }
    if (rc == SP_OK)
        rc = sp_db_dataset_put(db, &d, err);
    if (rc == SP_OK)
        rc = sp_db_basemap_replace_commit(db, err);
    else
        sp_db_rollback(db);
    free(r.wkb);
    return rc;
}
