/* importers/feature.c - a record from a request body (OGC API - Features Part 4 and the
 * report endpoints), validated exactly as an import validates a source record: the same
 * normaliser for every value (vocabularies by code or Ukrainian/English label, dates, years,
 * Q-ids), the same required fields, and the same geometry pipeline (reprojection from the
 * Content-Crs, range check, repair, point-on-surface marker). What differs is the source: a
 * JSON object instead of an OGR feature, and a stored record to start from for PUT and PATCH.
 * Unknown property names are refused, so a typo is an error and not a silently lost value. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imp_int.h"
#include "sp_strbuf.h"

/* What GET returns beside the model's fields: accepted in a body (a client may send back
 * what it read) and ignored, as the registry sets them itself. */
static const char *const read_only[] = {
    "id",          "uid",           "dataset",       "condition",    "last_inspected",
    "version",     "created_at",    "updated_at",    "deleted_at",   "status",
    "monument_id", "supersedes_id", "superseded_by", "monument_uid", "monument_name_uk",
    NULL};

static int is_read_only(const char *name)
{
    for (int i = 0; read_only[i]; i++)
        if (strcmp(read_only[i], name) == 0)
            return 1;
    return 0;
}

void sp_imp_feature_clear(sp_imp_feature *f)
{
    for (int i = 0; i < SP_MAX_FIELDS; i++)
        free(f->rec.values[i]);
    free(f->wkb);
    memset(f, 0, sizeof *f);
}

/* A JSON value as the text the normaliser takes; *out NULL for null. */
static int value_text(const sp_field *fd, json_t *v, char **out, sp_err *err)
{
    *out = NULL;
    char buf[64];
    const char *text = NULL;
    switch (json_typeof(v)) {
    case JSON_NULL:
        return SP_OK;
    case JSON_STRING:
        text = json_string_value(v);
        break;
    case JSON_INTEGER:
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        text = buf;
        break;
    case JSON_REAL:
        snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
        text = buf;
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        text = json_is_true(v) ? "1" : "0";
        break;
    case JSON_ARRAY: {
        if (fd->type != SP_FT_VOCAB_SET)
            return sp_err_set(err, SP_EINVAL, "property '%s': a list is not allowed here",
                              fd->name);
        sp_strbuf b = {0};
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            if (!json_is_string(item)) {
                sp_strbuf_free(&b);
                return sp_err_set(err, SP_EINVAL, "property '%s': item %zu is not a string",
                                  fd->name, i + 1);
            }
            if (i)
                sp_strbuf_puts(&b, ";");
            sp_strbuf_puts(&b, json_string_value(item));
        }
        if (b.failed) {
            sp_strbuf_free(&b);
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        }
        *out = b.len ? b.data : NULL;
        if (!b.len)
            sp_strbuf_free(&b);
        return SP_OK;
    }
    default:
        return sp_err_set(err, SP_EINVAL, "property '%s': an object is not a value", fd->name);
    }
    if (!(*out = strdup(text)))
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    return SP_OK;
}

static int build_reproj(int srid, sp_imp_reproj *out, sp_err *err)
{
    out->fwd = out->back = NULL;
    if (srid == 4326)
        return SP_OK;
    OGRSpatialReferenceH src = OSRNewSpatialReference(NULL);
    int rc = !src || OSRImportFromEPSG(src, srid) != OGRERR_NONE
                 ? sp_err_set(err, SP_EGDAL, "cannot set up EPSG:%d", srid)
                 : sp_imp_reproj_make(src, out, err);
    OSRDestroySpatialReference(src);
    return rc;
}

static int take_geometry(json_t *geom, int srid, int swap, sp_imp_feature *out, sp_err *err)
{
    if (!json_is_object(geom))
        return sp_err_set(err, SP_EINVAL, "geometry: expected a GeoJSON geometry object");
    char *text = json_dumps(geom, JSON_COMPACT);
    if (!text)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    OGRGeometryH g = OGR_G_CreateGeometryFromJson(text);
    free(text);
    if (!g)
        return sp_err_set(err, SP_EINVAL, "geometry: not a valid GeoJSON geometry");
    if (swap) /* the CRS lists northing first (EPSG:4326, EPSG:6384) */
        OGR_G_SwapXY(g);
    sp_imp_reproj rp;
    if (build_reproj(srid, &rp, err) != SP_OK) {
        OGR_G_DestroyGeometry(g);
        return err->code;
    }
    int rc = sp_imp_geometry_take(g, &rp, &out->rec, &out->wkb, &out->repaired, err);
    sp_imp_reproj_free(&rp);
    return rc;
}

static void set_value(sp_imp_feature *out, int i, char *v)
{
    free(out->rec.values[i]);
    out->rec.values[i] = v;
}

int sp_imp_feature_parse(const char *json, size_t len, const sp_entity *e, const sp_vocab *v,
                         const sp_imp_body *how, sp_imp_feature *out, sp_err *err)
{
    memset(out, 0, sizeof *out);
    out->rec.entity = e;
    out->rec.dataset = "api";
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return sp_err_set(err, SP_EINVAL, "the body is not JSON: %s (line %d, column %d)",
                          jerr.text, jerr.line, jerr.column);
    int rc = SP_OK;
    json_t *props = root, *geom = NULL;
    const char *type = json_string_value(json_object_get(root, "type"));
    if (!json_is_object(root)) {
        rc = sp_err_set(err, SP_EINVAL, "the body must be a JSON object");
    } else if (e->needs_geometry && (!type || strcmp(type, "Feature") != 0)) {
        rc = sp_err_set(err, SP_EINVAL,
                        "the body must be a GeoJSON Feature (\"type\": \"Feature\")");
    } else if (type && strcmp(type, "Feature") == 0) {
        props = json_object_get(root, "properties");
        geom = json_object_get(root, "geometry");
        if (!props || json_is_null(props))
            props = NULL;
        else if (!json_is_object(props))
            rc = sp_err_set(err, SP_EINVAL, "properties: expected a JSON object");
    }
    /* The stored record, for PUT (which keeps what is not the client's to set) and PATCH. */
    const sp_db_record *base = how->base;
    for (int i = 0; rc == SP_OK && base && i < e->nfields; i++) {
        int keep = how->mode == SP_IMP_PATCH || i == e->key_field;
        if (keep && base->values[i] && !(out->rec.values[i] = strdup(base->values[i])))
            rc = sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    unsigned char is_set[SP_MAX_FIELDS] = {0};
    const char *key;
    json_t *val;
    if (rc == SP_OK && props) {
        json_object_foreach(props, key, val)
        {
            int i = sp_model_field_index(e, key);
            if (props == root && strcmp(key, "type") == 0)
                continue;
            if ((i >= 0 && i == e->key_field) || (i < 0 && is_read_only(key)))
                continue; /* set by the registry, not by a request */
            if (i < 0) {
                rc = sp_err_set(err, SP_EINVAL, "property '%.60s': not a property of a %s", key,
                                e->name);
                break;
            }
            char *raw = NULL, *norm = NULL;
            if ((rc = value_text(&e->fields[i], val, &raw, err)) == SP_OK)
                rc = sp_model_normalize(&e->fields[i], v, raw, &norm, err);
            free(raw);
            if (rc != SP_OK)
                break;
            set_value(out, i, norm);
            is_set[i] = 1;
        }
    }
    if (rc == SP_OK && how->mode == SP_IMP_PATCH && e->id == SP_ENT_MONUMENT) {
        /* Years follow a new dating unless given; a monument moved gets its district anew. */
        if (is_set[SP_MF_DATING] && !is_set[SP_MF_YEAR_FROM] && !is_set[SP_MF_YEAR_TO]) {
            set_value(out, SP_MF_YEAR_FROM, NULL);
            set_value(out, SP_MF_YEAR_TO, NULL);
        }
        if (geom && !is_set[SP_MF_DISTRICT])
            set_value(out, SP_MF_DISTRICT, NULL);
    }
    char field[96];
    if (rc == SP_OK)
        rc = sp_imp_values_finish(e, out->rec.values, field, sizeof field, err);
    if (rc == SP_OK && e->needs_geometry) {
        if (geom && !json_is_null(geom))
            rc = take_geometry(geom, how->srid ? how->srid : 4326, how->swap, out, err);
        else if (how->mode == SP_IMP_PATCH && !geom && base) { /* borrowed from base */
            out->rec.wkb = base->wkb;
            out->rec.wkb_len = base->wkb_len;
            out->rec.marker_x = base->marker_x;
            out->rec.marker_y = base->marker_y;
        } else
            rc = sp_err_set(err, SP_EINVAL, "geometry: a %s needs one", e->name);
    }
    json_decref(root);
    if (rc != SP_OK)
        sp_imp_feature_clear(out);
    return rc;
}
