/* importers/imp_int.h - internals shared by the importer files. */
#ifndef SP_IMP_INT_H
#define SP_IMP_INT_H

#include <cpl_conv.h>
#include <cpl_string.h>
#include <jansson.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "sp_imp.h"
#include "sp_model.h"

typedef enum {
    SP_SRC_NONE,
    SP_SRC_FIELD,
    SP_SRC_FIRST,
    SP_SRC_JOIN,
    SP_SRC_TEMPLATE,
    SP_SRC_VALUE
} sp_src_kind;

/* Where one model value comes from. */
typedef struct sp_src {
    sp_src_kind kind;
    const char *fields[16]; /* borrowed from the mapping's JSON */
    int nfields;
    const char *text;     /* template or constant */
    const char *join;     /* separator for SP_SRC_JOIN */
    json_t *map;          /* source value -> model value, borrowed */
    const char *fallback; /* "default" */
    int is_optional;      /* an absent source field reads as empty instead of an error */
    int is_auto;          /* filled from a same-named field of the current layer */
    int idx[16];          /* OGR field indexes, resolved per layer */
    const char *recode;   /* source encoding to convert from, when OGR does not */
} sp_src;

struct sp_imp_mapping {
    json_t *root; /* owns every string the sp_src point to */
    char *name;
    const char *dataset, *layer, *source_crs, *encoding;
    sp_db_dataset about; /* the data set's title, publisher, licence, ... (name: dataset) */
    const sp_entity *target;
    const char *x_field, *y_field, *wkt_field;
    int xi, yi, wkti; /* resolved per layer, -1 when absent */
    int xy_is_auto;   /* x/y were found by name in the current layer */
    sp_src key, uid;
    sp_src monument; /* target condition_report: the protection number of its monument, */
    const char *monument_dataset; /* or, when set, its source id in this data set */
    sp_src fields[SP_MAX_FIELDS];
    int has_report;
    sp_src report[SP_MAX_FIELDS];
};

/* The mapping used when none is given: everything is found by name at bind time. */
int sp_imp_mapping_auto(const sp_entity *target, sp_imp_mapping **out, sp_err *err);
/* Resolves field names to this layer's indexes (an absent field is an error) and fills the
 * model fields the mapping leaves out from same-named source fields; recode names
 * the source encoding when OGR does not convert it to UTF-8 itself, else NULL. */
int sp_imp_mapping_bind(sp_imp_mapping *m, OGRFeatureDefnH defn, const char *layer,
                        const char *recode, sp_err *err);
/* The value of src for feature f: malloc'd, NULL when empty. */
int sp_imp_src_value(const sp_src *src, OGRFeatureH f, char **out, sp_err *err);
/* After the values of a record are normalised: required fields present; for monuments the
 * stored default of location_sensitive and the years derived from the dating when not given.
 * On failure *out_field names the field to blame. */
int sp_imp_values_finish(const sp_entity *e, char **values, char *out_field, size_t fieldsz,
                         sp_err *err);
/* A source CRS to EPSG:4326 (lon/lat) and back. The way back checks each point: a CRS
 * silently wraps what lies beyond its range (EPSG:3857 x = 1e8 m comes out as 178.3 degrees
 * east), and a point that does not map back to itself is rejected. Both NULL when the
 * source is EPSG:4326 already. */
typedef struct sp_imp_reproj {
    OGRCoordinateTransformationH fwd, back;
} sp_imp_reproj;
/* From src (its axis order is set to the GIS one here). */
int sp_imp_reproj_make(OGRSpatialReferenceH src, sp_imp_reproj *out, sp_err *err);
void sp_imp_reproj_free(sp_imp_reproj *rp);

/* Makes a source geometry (taken, always destroyed) a stored one: flattened to 2D,
 * reprojected by rp (NULL or rp->fwd NULL: already EPSG:4326), range-checked, rounded to
 * 1e-7 degree, repaired when invalid (*out_repaired), with its point-on-surface marker and
 * bounds in rec and its WKB in *out_wkb (malloc'd, rec->wkb points at it). */
int sp_imp_geometry_take(OGRGeometryH g, const sp_imp_reproj *rp, sp_db_record *rec,
                         unsigned char **out_wkb, int *out_repaired, sp_err *err);
/* The feature as JSON text (properties + geometry), malloc'd; never NULL unless OOM. */
char *sp_imp_feature_json(OGRFeatureH f, const char *layer);

#endif
