/* importers/mapping.c - mapping files: which source field feeds which model field.
 * A field spec is a field name, or an object with one of "field", "first" (first non-empty
 * of a list), "fields" + "join", "template" ("{a} {b}"), "value" (a constant), plus optional
 * "map" (coded source values to model values), "default", and "optional": true for a field
 * that sparse sources (OSM tags) may lack altogether. A mapping whose target is
 * condition_report reads one report per record: its "monument" spec gives the monument's
 * protection number (or, with "monument_dataset", its source id in that data set) and its
 * "key" (required) the report's stable id. See importers/mappings/README.md. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imp_int.h"
#include "sp_strbuf.h"
#include "sp_utf8.h"

static int parse_src(json_t *spec, const char *what, const char *mapname, sp_src *src, sp_err *err)
{
    memset(src, 0, sizeof *src);
    if (json_is_string(spec)) {
        src->kind = SP_SRC_FIELD;
        src->fields[0] = json_string_value(spec);
        src->nfields = 1;
        return SP_OK;
    }
    if (!json_is_object(spec))
        return sp_err_set(err, SP_EINVAL, "mapping %s: %s must be a field name or an object",
                          mapname, what);
    json_t *v;
    const char *key;
    json_object_foreach(spec, key, v)
    {
        if (strcmp(key, "field") && strcmp(key, "first") && strcmp(key, "fields") &&
            strcmp(key, "join") && strcmp(key, "template") && strcmp(key, "value") &&
            strcmp(key, "map") && strcmp(key, "default") && strcmp(key, "optional"))
            return sp_err_set(err, SP_EINVAL, "mapping %s: %s has unknown member '%s'", mapname,
                              what, key);
    }
    json_t *list = NULL;
    if ((v = json_object_get(spec, "field"))) {
        src->kind = SP_SRC_FIELD;
        if (!json_is_string(v))
            return sp_err_set(err, SP_EINVAL, "mapping %s: %s.field must be a string", mapname,
                              what);
        src->fields[0] = json_string_value(v);
        src->nfields = 1;
    } else if ((list = json_object_get(spec, "first"))) {
        src->kind = SP_SRC_FIRST;
    } else if ((list = json_object_get(spec, "fields"))) {
        src->kind = SP_SRC_JOIN;
        v = json_object_get(spec, "join");
        src->join = json_is_string(v) ? json_string_value(v) : " ";
    } else if ((v = json_object_get(spec, "template"))) {
        src->kind = SP_SRC_TEMPLATE;
        src->text = json_string_value(v);
    } else if ((v = json_object_get(spec, "value"))) {
        src->kind = SP_SRC_VALUE;
        src->text = json_string_value(v);
    } else if (!json_object_get(spec, "default")) {
        return sp_err_set(err, SP_EINVAL,
                          "mapping %s: %s needs one of field, first, fields, template, value",
                          mapname, what);
    }
    if ((src->kind == SP_SRC_TEMPLATE || src->kind == SP_SRC_VALUE) && !src->text)
        return sp_err_set(err, SP_EINVAL, "mapping %s: %s template/value must be a string", mapname,
                          what);
    if (list) {
        size_t i;
        json_t *item;
        if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 16)
            return sp_err_set(err, SP_EINVAL, "mapping %s: %s needs a list of 1-16 field names",
                              mapname, what);
        json_array_foreach(list, i, item)
        {
            if (!json_is_string(item))
                return sp_err_set(err, SP_EINVAL, "mapping %s: %s lists a non-string field",
                                  mapname, what);
            src->fields[src->nfields++] = json_string_value(item);
        }
    }
    if (src->kind == SP_SRC_TEMPLATE) { /* fields named in {braces}; bind_src gives each one
                                           a slot of idx[] */
        int n = 0;
        for (const char *p = strchr(src->text, '{'); p; p = strchr(p + 1, '{')) {
            if (!strchr(p, '}'))
                return sp_err_set(err, SP_EINVAL, "mapping %s: %s template is malformed", mapname,
                                  what);
            if (++n > (int)(sizeof src->idx / sizeof src->idx[0]))
                return sp_err_set(err, SP_EINVAL,
                                  "mapping %s: %s template names more than %d fields", mapname,
                                  what, (int)(sizeof src->idx / sizeof src->idx[0]));
        }
    }
    if ((v = json_object_get(spec, "map"))) {
        if (!json_is_object(v))
            return sp_err_set(err, SP_EINVAL, "mapping %s: %s.map must be an object", mapname,
                              what);
        src->map = v;
    }
    if ((v = json_object_get(spec, "optional"))) {
        if (!json_is_boolean(v))
            return sp_err_set(err, SP_EINVAL, "mapping %s: %s.optional must be true or false",
                              mapname, what);
        src->is_optional = json_is_true(v);
    }
    if ((v = json_object_get(spec, "default"))) {
        if (!json_is_string(v))
            return sp_err_set(err, SP_EINVAL, "mapping %s: %s.default must be a string", mapname,
                              what);
        src->fallback = json_string_value(v);
        if (src->kind == SP_SRC_NONE)
            src->kind = SP_SRC_VALUE, src->text = src->fallback;
    }
    return SP_OK;
}

static int parse_fields(json_t *obj, const sp_entity *e, sp_src *out, const char *where,
                        const char *mapname, sp_err *err)
{
    const char *key;
    json_t *v;
    if (!json_is_object(obj))
        return sp_err_set(err, SP_EINVAL, "mapping %s: %s must be an object", mapname, where);
    json_object_foreach(obj, key, v)
    {
        int i = sp_model_field_index(e, key);
        if (i < 0)
            return sp_err_set(err, SP_EINVAL, "mapping %s: %s.%s is not a %s field", mapname, where,
                              key, e->name);
        char what[128];
        snprintf(what, sizeof what, "%s.%s", where, key);
        if (parse_src(v, what, mapname, &out[i], err) != SP_OK)
            return err->code;
    }
    return SP_OK;
}

static const char *opt_string(json_t *root, const char *key, const char *mapname, sp_err *err)
{
    json_t *v = json_object_get(root, key);
    if (v && !json_is_string(v))
        sp_err_set(err, SP_EINVAL, "mapping %s: '%s' must be a string", mapname, key);
    return v ? json_string_value(v) : NULL;
}

/* Members that only make sense for some targets: a condition report has no geometry, no
 * uid and no report of its own, and only it names a monument. */
static int check_members(json_t *root, const sp_entity *target, const char *mapname, sp_err *err)
{
    static const char *const not_for_reports[] = {"geometry", "uid", "report", NULL};
    int is_report = target->id == SP_ENT_REPORT;
    for (int i = 0; is_report && not_for_reports[i]; i++)
        if (json_object_get(root, not_for_reports[i]))
            return sp_err_set(err, SP_EINVAL,
                              "mapping %s: a condition_report mapping takes no '%s' (a report "
                              "is about a monument, named by \"monument\")",
                              mapname, not_for_reports[i]);
    static const char *const only_for_reports[] = {"monument", "monument_dataset", NULL};
    for (int i = 0; !is_report && only_for_reports[i]; i++)
        if (json_object_get(root, only_for_reports[i]))
            return sp_err_set(err, SP_EINVAL,
                              "mapping %s: \"%s\" is for target condition_report, not %s", mapname,
                              only_for_reports[i], target->name);
    return SP_OK;
}

int sp_imp_mapping_parse(const char *text, size_t len, const char *name, sp_imp_mapping **out,
                         sp_err *err)
{
    *out = NULL;
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return sp_err_set(err, SP_EINVAL, "mapping %s: bad JSON at line %d column %d: %s", name,
                          jerr.line, jerr.column, jerr.text);
    sp_imp_mapping *m = calloc(1, sizeof *m);
    if (!m) {
        json_decref(root);
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    m->root = root;
    m->name = strdup(name);
    m->target = sp_model_entity(SP_ENT_MONUMENT);
    sp_err_clear(err);
    const char *key;
    json_t *v;
    if (!json_is_object(root)) {
        sp_err_set(err, SP_EINVAL, "mapping %s: must be a JSON object", name);
        goto fail;
    }
    json_object_foreach(root, key, v)
    {
        static const char *const known[] = {
            "dataset",     "target",      "layer",    "source_crs", "encoding",
            "geometry",    "key",         "uid",      "fields",     "report",
            "description", "licence",     "monument", "title",      "publisher",
            "licence_url", "attribution", "url",      "retrieved",  "monument_dataset",
            NULL};
        int ok = 0;
        for (int i = 0; known[i]; i++)
            ok |= strcmp(known[i], key) == 0;
        if (!ok) {
            sp_err_set(err, SP_EINVAL, "mapping %s: unknown member '%s'", name, key);
            goto fail;
        }
    }
    m->dataset = opt_string(root, "dataset", name, err);
    m->about.title = opt_string(root, "title", name, err);
    m->about.publisher = opt_string(root, "publisher", name, err);
    m->about.licence = opt_string(root, "licence", name, err);
    m->about.licence_url = opt_string(root, "licence_url", name, err);
    m->about.attribution = opt_string(root, "attribution", name, err);
    m->about.url = opt_string(root, "url", name, err);
    m->about.retrieved = opt_string(root, "retrieved", name, err);
    m->layer = opt_string(root, "layer", name, err);
    m->source_crs = opt_string(root, "source_crs", name, err);
    m->encoding = opt_string(root, "encoding", name, err);
    m->monument_dataset = opt_string(root, "monument_dataset", name, err);
    const char *target = opt_string(root, "target", name, err);
    if (err->code)
        goto fail;
    if (target && !(m->target = sp_model_entity_by_name(target))) {
        sp_err_set(err, SP_EINVAL,
                   "mapping %s: target '%s' is not monument, district, protection_zone or "
                   "condition_report",
                   name, target);
        goto fail;
    }
    if (check_members(root, m->target, name, err) != SP_OK)
        goto fail;
    if ((v = json_object_get(root, "geometry"))) {
        m->x_field = opt_string(v, "x", name, err);
        m->y_field = opt_string(v, "y", name, err);
        m->wkt_field = opt_string(v, "wkt", name, err);
        if (err->code)
            goto fail;
        if (!json_is_object(v) || (!m->wkt_field && (!m->x_field || !m->y_field))) {
            sp_err_set(err, SP_EINVAL, "mapping %s: geometry needs \"x\" and \"y\", or \"wkt\"",
                       name);
            goto fail;
        }
    }
    if ((v = json_object_get(root, "key")) && parse_src(v, "key", name, &m->key, err) != SP_OK)
        goto fail;
    if ((v = json_object_get(root, "uid")) && parse_src(v, "uid", name, &m->uid, err) != SP_OK)
        goto fail;
    if ((v = json_object_get(root, "monument")) &&
        parse_src(v, "monument", name, &m->monument, err) != SP_OK)
        goto fail;
    if ((v = json_object_get(root, "fields")) &&
        parse_fields(v, m->target, m->fields, "fields", name, err) != SP_OK)
        goto fail;
    if ((v = json_object_get(root, "report"))) {
        if (m->target->id != SP_ENT_MONUMENT) {
            sp_err_set(err, SP_EINVAL, "mapping %s: a report block needs target monument", name);
            goto fail;
        }
        m->has_report = 1;
        if (parse_fields(json_object_get(v, "fields"), sp_model_entity(SP_ENT_REPORT), m->report,
                         "report.fields", name, err) != SP_OK)
            goto fail;
    }
    *out = m;
    return SP_OK;
fail:
    sp_imp_mapping_free(m);
    return err->code;
}

int sp_imp_mapping_load(const char *path, sp_imp_mapping **out, sp_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sp_err_set(err, SP_ENOTFOUND, "mapping %s: cannot open", path);
    sp_strbuf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20))
        sp_strbuf_append(&b, chunk, n);
    int is_bad = ferror(f) || b.failed || b.len >= (1u << 20);
    fclose(f);
    int rc = is_bad ? sp_err_set(err, SP_EINVAL, "mapping %s: unreadable or over 1 MiB", path)
                    : sp_imp_mapping_parse(sp_strbuf_cstr(&b), b.len, path, out, err);
    sp_strbuf_free(&b);
    return rc;
}

void sp_imp_mapping_free(sp_imp_mapping *m)
{
    if (!m)
        return;
    json_decref(m->root);
    free(m->name);
    free(m);
}

const char *sp_imp_mapping_target(const sp_imp_mapping *m)
{
    return m->target->name;
}

static int field_ci(OGRFeatureDefnH defn, const char *name)
{
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++)
        if (strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), name) == 0)
            return i;
    return -1;
}

int sp_imp_mapping_auto(const sp_entity *target, sp_imp_mapping **out, sp_err *err)
{
    sp_imp_mapping *m = calloc(1, sizeof *m);
    if (!m || !(m->name = strdup("(fields named like the model)"))) {
        free(m);
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    m->target = target;
    *out = m;
    return SP_OK;
}

/* A value the mapping does not give, read from the first of names the layer has (any case);
 * found again for every layer. */
static void auto_src(sp_src *src, OGRFeatureDefnH defn, const char *const names[])
{
    if (src->is_auto)
        memset(src, 0, sizeof *src);
    for (int i = 0; src->kind == SP_SRC_NONE && names[i]; i++) {
        int idx = field_ci(defn, names[i]);
        if (idx < 0)
            continue;
        src->kind = SP_SRC_FIELD;
        src->fields[0] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, idx));
        src->nfields = 1;
        src->is_auto = 1;
    }
}

/* Model fields a mapping leaves out are read from source fields of the same name (any case;
 * "name" also serves name_uk, as KML and most GIS layers call it), and likewise the uid. */
static void fill_by_name(sp_imp_mapping *m, OGRFeatureDefnH defn)
{
    for (int i = 0; i < m->target->nfields; i++) {
        sp_src *src = &m->fields[i];
        if (src->is_auto)
            memset(src, 0, sizeof *src); /* found in the previous layer: look again */
        if (src->kind != SP_SRC_NONE)
            continue;
        int idx = field_ci(defn, m->target->fields[i].name);
        if (idx < 0 && strcmp(m->target->fields[i].name, "name_uk") == 0)
            idx = field_ci(defn, "name");
        if (idx >= 0) {
            src->kind = SP_SRC_FIELD;
            src->fields[0] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, idx));
            src->nfields = 1;
            src->is_auto = 1;
        }
    }
    if (m->target->id == SP_ENT_REPORT) {
        static const char *const keys[] = {"source_id", NULL};
        static const char *const monuments[] = {"protection_no", "monument", NULL};
        auto_src(&m->key, defn, keys);
        auto_src(&m->monument, defn, monuments);
        return;
    }
    static const char *const uids[] = {"uid", NULL};
    auto_src(&m->uid, defn, uids);
}

/* Point columns found by name when a layer has no geometry and the mapping names none:
 * lon/lat-like names, whose CRS is then WGS84 degrees (see ogr.c). */
static void find_lonlat(sp_imp_mapping *m, OGRFeatureDefnH defn)
{
    static const char *const xs[] = {"lon", "longitude", "lng", "long", NULL};
    static const char *const ys[] = {"lat", "latitude", NULL};
    const char *x = NULL, *y = NULL;
    int idx;
    for (int i = 0; xs[i] && !x; i++)
        if ((idx = field_ci(defn, xs[i])) >= 0)
            x = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, idx));
    for (int i = 0; ys[i] && !y; i++)
        if ((idx = field_ci(defn, ys[i])) >= 0)
            y = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, idx));
    if (x && y) {
        m->x_field = x;
        m->y_field = y;
    }
}

static int bind_src(sp_src *src, OGRFeatureDefnH defn, const char *what, const char *mapname,
                    const char *layer, sp_err *err)
{
    if (src->kind == SP_SRC_TEMPLATE) {
        src->nfields = 0;
        for (const char *p = strchr(src->text, '{'); p; p = strchr(p + 1, '{')) {
            const char *end = strchr(p, '}');
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
            int idx = OGR_FD_GetFieldIndex(defn, name);
            if (idx < 0 && !src->is_optional)
                return sp_err_set(err, SP_EINVAL,
                                  "mapping %s: %s names field '%s', which layer '%s' lacks",
                                  mapname, what, name, layer);
            src->idx[src->nfields++] = idx;
        }
        return SP_OK;
    }
    for (int i = 0; i < src->nfields; i++) {
        src->idx[i] = OGR_FD_GetFieldIndex(defn, src->fields[i]);
        if (src->idx[i] < 0 && !src->is_optional)
            return sp_err_set(err, SP_EINVAL,
                              "mapping %s: %s names field '%s', which layer '%s' lacks", mapname,
                              what, src->fields[i], layer);
    }
    return SP_OK;
}

static int bind_xy(const char *name, int *out, OGRFeatureDefnH defn, const char *mapname,
                   const char *layer, sp_err *err)
{
    *out = name ? OGR_FD_GetFieldIndex(defn, name) : -1;
    if (name && *out < 0)
        return sp_err_set(err, SP_EINVAL,
                          "mapping %s: geometry names field '%s', which layer '%s' lacks", mapname,
                          name, layer);
    return SP_OK;
}

int sp_imp_mapping_bind(sp_imp_mapping *m, OGRFeatureDefnH defn, const char *layer,
                        const char *recode, sp_err *err)
{
    fill_by_name(m, defn); /* borrowed names: valid while this layer is */
    if (m->xy_is_auto)     /* found in the previous layer: look again */
        m->x_field = m->y_field = NULL;
    m->xy_is_auto = 0;
    int is_report = m->target->id == SP_ENT_REPORT;
    if (!is_report && !m->x_field && !m->wkt_field && OGR_FD_GetGeomFieldCount(defn) == 0) {
        find_lonlat(m, defn); /* borrowed names: valid while this layer is */
        m->xy_is_auto = m->x_field != NULL;
    }
    /* A report without a stable key would be added again by every import of its file. */
    if (is_report && m->key.kind == SP_SRC_NONE)
        return sp_err_set(err, SP_EINVAL,
                          "mapping %s: condition reports need a key: name the field that holds "
                          "each report's stable id (\"key\"), or give layer '%s' a source_id "
                          "column",
                          m->name, layer);
    if (is_report && m->monument.kind == SP_SRC_NONE)
        return sp_err_set(err, SP_EINVAL,
                          "mapping %s: condition reports need their monument: name the field "
                          "that holds its protection number (\"monument\"), or give layer '%s' "
                          "a protection_no column",
                          m->name, layer);
    m->key.recode = m->uid.recode = m->monument.recode = recode;
    for (int i = 0; i < SP_MAX_FIELDS; i++)
        m->fields[i].recode = m->report[i].recode = recode;
    if (bind_xy(m->x_field, &m->xi, defn, m->name, layer, err) ||
        bind_xy(m->y_field, &m->yi, defn, m->name, layer, err) ||
        bind_xy(m->wkt_field, &m->wkti, defn, m->name, layer, err) ||
        bind_src(&m->key, defn, "key", m->name, layer, err) ||
        bind_src(&m->uid, defn, "uid", m->name, layer, err) ||
        bind_src(&m->monument, defn, "monument", m->name, layer, err))
        return err->code;
    for (int i = 0; i < m->target->nfields; i++) {
        char what[128];
        snprintf(what, sizeof what, "fields.%s", m->target->fields[i].name);
        if (bind_src(&m->fields[i], defn, what, m->name, layer, err) != SP_OK)
            return err->code;
    }
    for (int i = 0; m->has_report && i < SP_RF_COUNT; i++) {
        char what[128];
        snprintf(what, sizeof what, "report.fields.%s",
                 sp_model_entity(SP_ENT_REPORT)->fields[i].name);
        if (bind_src(&m->report[i], defn, what, m->name, layer, err) != SP_OK)
            return err->code;
    }
    return SP_OK;
}

static void append_recoded(sp_strbuf *out, const char *s, const char *recode)
{
    if (!recode) {
        sp_strbuf_puts(out, s);
        return;
    }
    char *utf8 = CPLRecode(s, recode, CPL_ENC_UTF8);
    sp_strbuf_puts(out, utf8 ? utf8 : s);
    CPLFree(utf8);
}

/* One field's text; string lists are joined with ';'. */
static void field_text(OGRFeatureH f, int idx, const char *recode, sp_strbuf *out)
{
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx)) /* idx < 0: optional, absent */
        return;
    OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, idx));
    if (t == OFTStringList) {
        char **list = OGR_F_GetFieldAsStringList(f, idx);
        for (int i = 0; list && list[i]; i++) {
            if (i)
                sp_strbuf_puts(out, ";");
            append_recoded(out, list[i], recode);
        }
        return;
    }
    append_recoded(out, OGR_F_GetFieldAsString(f, idx), recode);
}

static int is_blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

/* Applies src->map to a value, or to each ';' part when the value is a list. */
static void apply_map(const sp_src *src, const char *in, sp_strbuf *out)
{
    json_t *hit = json_object_get(src->map, in);
    if (json_is_string(hit) || json_is_null(hit)) {
        sp_strbuf_puts(out, json_is_string(hit) ? json_string_value(hit) : "");
        return;
    }
    if (!strchr(in, ';')) {
        sp_strbuf_puts(out, in);
        return;
    }
    char *copy = strdup(in);
    if (!copy) {
        out->failed = 1;
        return;
    }
    int first = 1;
    for (char *save = NULL, *tok = strtok_r(copy, ";", &save); tok;
         tok = strtok_r(NULL, ";", &save)) {
        hit = json_object_get(src->map, tok);
        const char *v = json_is_string(hit) ? json_string_value(hit) : hit ? "" : tok;
        if (!*v)
            continue;
        if (!first)
            sp_strbuf_puts(out, ";");
        sp_strbuf_puts(out, v);
        first = 0;
    }
    free(copy);
}

int sp_imp_src_value(const sp_src *src, OGRFeatureH f, char **out, sp_err *err)
{
    *out = NULL;
    sp_strbuf b = {0};
    switch (src->kind) {
    case SP_SRC_NONE:
        return SP_OK;
    case SP_SRC_VALUE:
        sp_strbuf_puts(&b, src->text);
        break;
    case SP_SRC_FIELD:
        field_text(f, src->idx[0], src->recode, &b);
        break;
    case SP_SRC_FIRST:
        for (int i = 0; i < src->nfields && (b.len == 0 || is_blank(sp_strbuf_cstr(&b))); i++) {
            sp_strbuf_reset(&b);
            field_text(f, src->idx[i], src->recode, &b);
        }
        break;
    case SP_SRC_JOIN: {
        sp_strbuf part = {0};
        for (int i = 0; i < src->nfields; i++) {
            sp_strbuf_reset(&part);
            field_text(f, src->idx[i], src->recode, &part);
            if (part.len == 0 || is_blank(sp_strbuf_cstr(&part)))
                continue;
            if (b.len)
                sp_strbuf_puts(&b, src->join);
            sp_strbuf_append(&b, part.data, part.len);
        }
        b.failed |= part.failed;
        sp_strbuf_free(&part);
        break;
    }
    case SP_SRC_TEMPLATE: {
        int k = 0;
        for (const char *p = src->text; *p;) {
            const char *open = strchr(p, '{');
            if (!open) {
                sp_strbuf_puts(&b, p);
                break;
            }
            sp_strbuf_append(&b, p, (size_t)(open - p));
            field_text(f, src->idx[k++], src->recode, &b);
            p = strchr(open, '}') + 1;
        }
        break;
    }
    }
    if (b.failed) {
        sp_strbuf_free(&b);
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    const char *v = sp_strbuf_cstr(&b);
    if (is_blank(v) && src->fallback) {
        sp_strbuf_reset(&b);
        sp_strbuf_puts(&b, src->fallback);
        v = sp_strbuf_cstr(&b);
    }
    if (src->map && !is_blank(v)) {
        sp_strbuf mapped = {0};
        apply_map(src, v, &mapped);
        sp_strbuf_free(&b);
        b = mapped;
        v = sp_strbuf_cstr(&b);
    }
    if (is_blank(v)) {
        sp_strbuf_free(&b);
        return SP_OK;
    }
    *out = b.data; /* ownership passes to the caller */
    return SP_OK;
}

/* JSON string for possibly non-UTF-8 bytes: invalid bytes become the text "\xNN". */
static json_t *safe_string(const char *s)
{
    size_t len = strlen(s);
    if (sp_utf8_valid(s, len))
        return json_stringn(s, len);
    sp_strbuf b = {0};
    while (len > 0) {
        size_t ok = sp_utf8_invalid_at(s, len);
        sp_strbuf_append(&b, s, ok);
        if (ok == len)
            break;
        sp_strbuf_printf(&b, "\\x%02X", (unsigned char)s[ok]);
        s += ok + 1;
        len -= ok + 1;
    }
    json_t *j = json_string(sp_strbuf_cstr(&b));
    sp_strbuf_free(&b);
    return j;
}

char *sp_imp_feature_json(OGRFeatureH f, const char *layer)
{
    json_t *props = json_object();
    OGRFeatureDefnH defn = OGR_F_GetDefnRef(f);
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        json_t *v;
        if (!OGR_F_IsFieldSetAndNotNull(f, i)) {
            v = json_null();
        } else {
            OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i));
            if (t == OFTInteger || t == OFTInteger64)
                v = json_integer(OGR_F_GetFieldAsInteger64(f, i));
            else if (t == OFTReal)
                v = json_real(OGR_F_GetFieldAsDouble(f, i));
            else
                v = safe_string(OGR_F_GetFieldAsString(f, i));
        }
        json_t *k = safe_string(name);
        if (k)
            json_object_set_new(props, json_string_value(k), v ? v : json_null());
        json_decref(k);
    }
    json_t *root = json_object();
    json_object_set_new(root, "layer", json_string(layer ? layer : ""));
    json_object_set_new(root, "fid", json_integer(OGR_F_GetFID(f)));
    json_object_set_new(root, "properties", props);
    char *head = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    if (!head)
        return NULL;
    /* The geometry's JSON goes in as GDAL wrote it (GDAL writes none for a NaN or infinite
     * coordinate): parsing and printing a polygon's coordinates again cost more than the
     * rest of the record. */
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    char *gj = g ? OGR_G_ExportToJson(g) : NULL;
    sp_strbuf b = {0};
    sp_strbuf_append(&b, head, strlen(head) - 1); /* without its closing brace */
    sp_strbuf_puts(&b, ",\"geometry\":");
    sp_strbuf_puts(&b, gj ? gj : "null");
    sp_strbuf_puts(&b, "}");
    CPLFree(gj);
    free(head);
    if (b.failed) {
        sp_strbuf_free(&b);
        return NULL;
    }
    return b.data; /* ownership passes to the caller */
}
