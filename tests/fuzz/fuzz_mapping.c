/* tests/fuzz/fuzz_mapping.c - mapping files (importers/mappings/) on any bytes: parsed
 * by sp_imp_mapping_parse, then, as an import would use one, bound to two fixed layer
 * definitions made in memory (a point layer named like the bundled sources, then a table
 * with lon/lat columns, which rebinds what the first bound by name) and applied to one
 * fixed feature of each, down to a validated record. A mapping may be refused (SP_EINVAL)
 * and a record rejected (SP_EINVAL, the import's reject reasons); anything else is a finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "imp_int.h"
#include "imp_record.h"

typedef struct layer_field {
    const char *name;
    OGRFieldType type;
    const char *value; /* of the fixed feature; NULL: unset */
} layer_field;

/* The fields of the bundled mappings' sources, and some more a mapping may name. */
/* clang-format off */
static const layer_field point_fields[] = {
    {"source_id", OFTString, "kyiv-hc-001"},   {"name", OFTString, "Золоті ворота"},
    {"name_uk", OFTString, "Софійський собор"}, {"name_en", OFTString, "Saint Sophia"},
    {"name:en", OFTString, "Golden Gate"},     {"NAME", OFTString, "Шевченківський район"},
    {"NAME_EN", OFTString, "Shevchenkivskyi"}, {"OSM_ID", OFTInteger64, "421866"},
    {"@id", OFTString, "way/123"},             {"addr:street", OFTString, "вул. Володимирська"},
    {"addr:housenumber", OFTString, "24"},     {"note", OFTString, "покинута"},
    {"description", OFTString, "Храм XI ст."}, {"fixme", OFTString, NULL},
    {"address", OFTString, "вул. Володимирська, 40А"},
    {"district", OFTString, "Шевченківський район"},
    {"significance", OFTString, "національного значення"},
    {"object_kind", OFTString, "споруда"},      {"kinds", OFTString, "архітектури;історії"},
    {"dating", OFTString, "1011–1037"},         {"year_from", OFTInteger, "1011"},
    {"year_to", OFTInteger, "1037"},            {"protection_no", OFTString, "260001-Н"},
    {"wikidata", OFTString, "Q187831"},         {"fact_source", OFTString, "https://uk.wikipedia.org/"},
    {"objectid", OFTInteger, "7"},              {"title", OFTString, "Kharkiv Regional Administration"},
    {"date_construction", OFTString, "1954"},   {"location", OFTString, "Kharkiv"},
    {"region", OFTString, "Kharkiv Oblast"},    {"subjects", OFTString, "architecture"},
    {"date_destruction", OFTString, "2022-03-01"}, {"notes", OFTString, "damaged"},
    {"longitude", OFTReal, "36.2292"},          {"latitude", OFTReal, "49.9935"},
    {"wkt", OFTString, "POINT (30.5143 50.4529)"}, {"uid", OFTString, "0123456789abcdef0123456789abcdef"},
    {"type", OFTString, "Bauliche Anlage"},     {"reasons", OFTString, "Geschichtlich;Technisch"},
    {"designation", OFTString, "Kirche"},       {"street", OFTString, "Hauptstraße"},
    {"housenumber", OFTString, "1"},            {"postcode", OFTString, "24103"},
    {"city", OFTString, "Kiel"},                {"source_file", OFTString, "kiel.json"},
    {"object_id", OFTString, "42"},             {"tags", OFTStringList, "a;b"},
    {"observed_on", OFTDate, "2024-05-01"},     {"condition", OFTString, "аварійний"},
};
static const layer_field table_fields[] = {
    {"id", OFTInteger, "1"},                    {"name", OFTString, "Андріївська церква"},
    {"lon", OFTString, "30,5180"},              {"lat", OFTString, "50.4590"},
    {"wkt", OFTString, "LINESTRING (30.51 50.45, 30.52 50.46)"},
    {"significance", OFTString, "local"},       {"kinds", OFTStringList, "architecture;history"},
    {"dating", OFTString, "XVIII ст."},         {"report_type", OFTString, "огляд"},
    {"condition", OFTString, "good"},           {"observed_on", OFTString, "2023-10-01"},
};
/* clang-format on */

typedef struct fixed_layer {
    const char *name;
    OGRFeatureDefnH defn;
    OGRFeatureH feature;
} fixed_layer;

static fixed_layer layers[2];
static sp_vocab *vocab;

static void make_layer(fixed_layer *l, const char *name, const layer_field *fields, int n,
                       OGRwkbGeometryType gtype, const char *wkt)
{
    l->name = name;
    l->defn = OGR_FD_Create(name);
    OGR_FD_Reference(l->defn);
    OGR_FD_SetGeomType(l->defn, gtype); /* wkbNone: no geometry field at all */
    for (int i = 0; i < n; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i].name, fields[i].type);
        OGR_FD_AddFieldDefn(l->defn, fd);
        OGR_Fld_Destroy(fd);
    }
    l->feature = OGR_F_Create(l->defn);
    OGR_F_SetFID(l->feature, 3);
    for (int i = 0; i < n; i++) {
        if (!fields[i].value)
            continue;
        if (fields[i].type == OFTStringList) {
            char **list = CSLTokenizeString2(fields[i].value, ";", 0);
            OGR_F_SetFieldStringList(l->feature, i, (CSLConstList)list);
            CSLDestroy(list);
        } else
            OGR_F_SetFieldString(l->feature, i, fields[i].value);
    }
    if (wkt) {
        OGRGeometryH g = NULL;
        char *p = (char *)wkt;
        if (OGR_G_CreateFromWkt(&p, NULL, &g) != OGRERR_NONE)
            sp_fuzz_fail(NULL, 0, "bad fixed WKT %s", wkt);
        OGR_F_SetGeometryDirectly(l->feature, g);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    sp_fuzz_quiet();
    char path[512];
    sp_db *db = NULL;
    sp_err err = {0};
    sp_fuzz_path("mapping.sqlite", path, sizeof path);
    if (sp_db_open(path, SP_DB_READWRITE, &db, &err) != SP_OK || !(vocab = sp_vocab_new()) ||
        sp_db_load_vocab(db, vocab, &err) != SP_OK)
        sp_fuzz_fail(NULL, 0, "vocabularies: %s", err.msg);
    sp_db_close(db);
    make_layer(&layers[0], "points", point_fields,
               (int)(sizeof point_fields / sizeof point_fields[0]), wkbPoint,
               "POINT (30.5143 50.4529)");
    make_layer(&layers[1], "table", table_fields,
               (int)(sizeof table_fields / sizeof table_fields[0]), wkbNone, NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_imp_mapping *m = NULL;
    sp_err err = {0};
    int rc = sp_imp_mapping_parse((const char *)data, size, "fuzz.json", &m, &err);
    if (rc != SP_OK) {
        if (m || rc != SP_EINVAL || !err.msg[0])
            sp_fuzz_fail(data, size, "parse: %s \"%s\"", sp_err_name(rc), err.msg);
        return 0;
    }
    if (!sp_imp_mapping_target(m))
        sp_fuzz_fail(data, size, "a mapping without a target");
    for (int k = 0; k < 2; k++) {
        sp_err_clear(&err);
        rc = sp_imp_mapping_bind(m, layers[k].defn, layers[k].name, NULL, &err);
        if (rc != SP_OK) {
            if (rc != SP_EINVAL)
                sp_fuzz_fail(data, size, "bind to %s: %s \"%s\"", layers[k].name, sp_err_name(rc),
                             err.msg);
            break; /* the import stops there too */
        }
        sp_imp_record r = {0};
        sp_err_clear(&err);
        rc = sp_imp_record_build(m, vocab, layers[k].feature, NULL, &r, &err);
        if (rc != SP_OK && rc != SP_EINVAL)
            sp_fuzz_fail(data, size, "record from %s: %s \"%s\"", layers[k].name, sp_err_name(rc),
                         err.msg);
        sp_imp_record_clear(&r);
    }
    sp_imp_mapping_free(m);
    return 0;
}
