/* tests/unit/importers/test_importers.c - mapping parsing and small real imports through GDAL.
 * Inputs are written to a temp folder by the test itself. */
#include <jansson.h>
#include <math.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <unistd.h>

#include "imp_int.h"
#include "sp_imp.h"
#include "sp_test.h"

static char dir[256];

static const char *write_file(const char *name, const char *text)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return p;
}

static void expect_mapping_error(const char *json, const char *fragment)
{
    sp_imp_mapping *m = NULL;
    sp_err err = {0};
    SP_CHECK(sp_imp_mapping_parse(json, strlen(json), "t.json", &m, &err) == SP_EINVAL);
    SP_CHECK(m == NULL);
    SP_CHECK_CONTAINS(err.msg, fragment);
}

static void test_mapping__rejects_what_it_cannot_mean(void)
{
    expect_mapping_error("{\"fields\": {\"name_uk\": \"a\"", "bad JSON at line 1");
    expect_mapping_error("[1, 2]", "must be a JSON object");
    expect_mapping_error("{\"colour\": \"red\"}", "unknown member 'colour'");
    expect_mapping_error("{\"fields\": {\"castle\": \"a\"}}",
                         "fields.castle is not a monument field");
    expect_mapping_error("{\"fields\": {\"name_uk\": 5}}", "must be a field name or an object");
    expect_mapping_error("{\"fields\": {\"name_uk\": {\"feild\": \"a\"}}}",
                         "unknown member 'feild'");
    expect_mapping_error("{\"target\": \"castle\"}", "target 'castle'");
    expect_mapping_error("{\"monument_dataset\": \"kyiv\"}",
                         "\"monument_dataset\" is for target condition_report, not monument");
    expect_mapping_error("{\"geometry\": {\"x\": \"lon\"}}", "geometry needs");
    expect_mapping_error("{\"fields\": {\"name_uk\": {\"first\": []}}}", "list of 1-16");
    expect_mapping_error("{\"a\": 1, \"a\": 2}", "duplicate");
    expect_mapping_error("{\"fields\": {\"name_uk\": {\"template\": \"{a} {b\"}}}",
                         "template is malformed");
    /* one slot per field for the binding (sp_src.idx): 17 would write past it */
    expect_mapping_error("{\"fields\": {\"name_uk\": {\"template\": "
                         "\"{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}{a}\"}}}",
                         "more than 16 fields");
}

static void test_mapping__accepts_every_form(void)
{
    const char *json = "{\"dataset\": \"d\", \"key\": \"id\", \"fields\": {"
                       "\"name_uk\": \"n\", \"name_en\": {\"first\": [\"a\", \"b\"]},"
                       "\"address\": {\"fields\": [\"s\", \"h\"], \"join\": \", \"},"
                       "\"source\": {\"template\": \"OSM {id}\"},"
                       "\"object_kind\": {\"value\": \"structure\"},"
                       "\"significance\": {\"field\": \"sig\", \"map\": {\"N\": \"national\"},"
                       " \"default\": \"local\"}},"
                       "\"report\": {\"fields\": {\"report_type\": {\"value\": \"damage\"}}}}";
    sp_imp_mapping *m = NULL;
    sp_err err = {0};
    SP_CHECK(sp_imp_mapping_parse(json, strlen(json), "ok.json", &m, &err) == SP_OK);
    SP_CHECK_STR(m ? sp_imp_mapping_target(m) : NULL, "monument");
    sp_imp_mapping_free(m);
}

static void test_mapping__condition_report_members(void)
{
    expect_mapping_error("{\"target\": \"condition_report\", \"geometry\": {\"wkt\": \"w\"}}",
                         "a condition_report mapping takes no 'geometry'");
    expect_mapping_error("{\"target\": \"condition_report\", \"report\": {\"fields\": {}}}",
                         "takes no 'report'");
    expect_mapping_error("{\"monument\": \"pn\"}", "\"monument\" is for target condition_report");
    expect_mapping_error("{\"target\": \"condition_report\", \"fields\": {\"name_uk\": \"n\"}}",
                         "fields.name_uk is not a condition_report field");
    const char *json = "{\"target\": \"condition_report\", \"key\": \"act\","
                       " \"monument\": {\"field\": \"pn\"},"
                       " \"fields\": {\"report_type\": {\"value\": \"inspection\"},"
                       " \"condition\": \"стан\"}}";
    sp_imp_mapping *m = NULL;
    sp_err err = {0};
    SP_CHECK(sp_imp_mapping_parse(json, strlen(json), "r.json", &m, &err) == SP_OK);
    SP_CHECK_STR(m ? sp_imp_mapping_target(m) : NULL, "condition_report");
    sp_imp_mapping_free(m);
}

static sp_db *fresh_db(void)
{
    char p[512];
    snprintf(p, sizeof p, "%s/r.sqlite", dir);
    unlink(p);
    sp_db *db = NULL;
    sp_err err = {0};
    sp_db_open(p, SP_DB_READWRITE, &db, &err);
    return db;
}

static const char *geojson =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"source_id\":\"1\",\"name_uk\":\"Золоті ворота\","
    "\"significance\":\"національного значення\",\"kinds\":\"архітектури;археології\","
    "\"dating\":\"1037\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[30.5133,50.4488]}},"
    "{\"type\":\"Feature\",\"properties\":{\"source_id\":\"2\",\"name_uk\":\"Без геометрії\"},"
    "\"geometry\":null},"
    "{\"type\":\"Feature\",\"properties\":{\"source_id\":\"3\",\"name_uk\":\"Метелик\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[30,50],[30.01,50.01],[30.01,50],"
    "[30,50.01],[30,50]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"source_id\":\"1\",\"name_uk\":\"Двійник\"},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[30.5,50.4]}},"
    "{\"type\":\"Feature\",\"properties\":{\"source_id\":\"5\",\"name_uk\":\"Меркатор\"},"
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[3396000,6524000]}}]}";

typedef struct rejects {
    int n;
    char reasons[8][200];
} rejects;

static void on_reject(void *ctx, const char *layer, long long row, const char *key,
                      const char *reason)
{
    (void)layer, (void)row, (void)key;
    rejects *r = ctx;
    if (r->n < 8)
        snprintf(r->reasons[r->n], sizeof r->reasons[0], "%s", reason);
    r->n++;
}

static void test_import__counts_add_up_and_reasons_name_fields(void)
{
    const char *file = write_file("t.geojson", geojson);
    sp_db *db = fresh_db();
    rejects rj = {0};
    sp_imp_options opt = {0};
    opt.on_reject = on_reject;
    opt.reject_ctx = &rj;
    sp_imp_result res;
    sp_err err = {0};
    SP_CHECK(sp_imp_run(db, &file, 1, &opt, &res, &err) == SP_OK);
    const sp_import_counts *c = &res.counts;
    SP_CHECK(c->read == 5);
    SP_CHECK(c->inserted == 2 && c->rejected == 3 && c->repaired == 1);
    SP_CHECK(c->read == c->inserted + c->updated + c->unchanged + c->rejected);
    SP_CHECK_CONTAINS(rj.reasons[0], "geometry: missing");
    SP_CHECK_CONTAINS(rj.reasons[1], "repaired with MakeValid");
    SP_CHECK_CONTAINS(rj.reasons[2], "duplicate key 1");
    SP_CHECK_CONTAINS(rj.reasons[3], "coordinates out of range");
    /* The second run changes nothing. */
    SP_CHECK(sp_imp_run(db, &file, 1, &opt, &res, &err) == SP_OK);
    SP_CHECK(res.counts.unchanged == 2 && res.counts.inserted == 0 && res.counts.updated == 0);
    SP_CHECK(sp_db_integrity_check(db, &err) == SP_OK);
    sp_db_close(db);
}

static void test_import__dry_run_writes_nothing(void)
{
    const char *file = write_file("t.geojson", geojson);
    sp_db *db = fresh_db();
    sp_imp_options opt = {0};
    opt.is_dry_run = 1;
    sp_imp_result res;
    sp_err err = {0};
    SP_CHECK(sp_imp_run(db, &file, 1, &opt, &res, &err) == SP_OK);
    SP_CHECK(res.counts.inserted == 2 && res.run_id == 0);
    long long n = -1;
    SP_CHECK(sp_db_monument_count(db, &n, &err) == SP_OK && n == 0);
    sp_db_close(db);
}

static void test_import__fatal_error_leaves_database_unchanged(void)
{
    char good[512];
    snprintf(good, sizeof good, "%s", write_file("good.geojson", geojson));
    const char *bad = write_file("bad.geojson", "{\"type\":\"FeatureCollection\",\"features\":[");
    const char *files[2] = {good, bad};
    sp_db *db = fresh_db();
    sp_imp_options opt = {0};
    sp_imp_result res;
    sp_err err = {0};
    SP_CHECK(sp_imp_run(db, files, 2, &opt, &res, &err) == SP_EINVAL);
    SP_CHECK_CONTAINS(err.msg, "not a readable vector data source");
    long long n = -1;
    SP_CHECK(sp_db_monument_count(db, &n, &err) == SP_OK && n == 0);
    SP_CHECK(sp_db_integrity_check(db, &err) == SP_OK);
    sp_db_close(db);
}

static void test_import__csv_lonlat_and_mapping_values(void)
{
    const char *csv = "id,назва,lon,lat,sig,street,house\n"
                      "a,Андріївська церква,30.5179,50.4589,Н,Андріївський узвіз,23\n"
                      "b,Кирилівська церква,30.4731,50.4762,M,Олени Теліги,12\n";
    char file[512];
    snprintf(file, sizeof file, "%s", write_file("кирилиця.csv", csv));
    const char *map = "{\"dataset\": \"csvtest\", \"key\": \"id\", \"fields\": {"
                      "\"name_uk\": \"назва\","
                      "\"significance\": {\"field\": \"sig\", \"map\": {\"Н\": \"national\","
                      " \"M\": \"local\"}},"
                      "\"address\": {\"fields\": [\"street\", \"house\"], \"join\": \", \"}}}";
    char mpath[512];
    snprintf(mpath, sizeof mpath, "%s", write_file("m.json", map));
    sp_db *db = fresh_db();
    sp_imp_options opt = {0};
    opt.mapping_path = mpath;
    const char *files[1] = {file};
    sp_imp_result res;
    sp_err err = {0};
    SP_CHECK(sp_imp_run(db, files, 1, &opt, &res, &err) == SP_OK);
    if (err.code)
        fprintf(stderr, "  %s\n", err.msg);
    SP_CHECK(res.counts.inserted == 2 && res.counts.rejected == 0);
    sp_db_close(db);
}

static void test_import__unknown_layer_and_absent_field(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s", write_file("t.geojson", geojson));
    const char *file = path;
    sp_db *db = fresh_db();
    sp_imp_options opt = {0};
    opt.layer = "nope";
    sp_imp_result res;
    sp_err err = {0};
    SP_CHECK(sp_imp_run(db, &file, 1, &opt, &res, &err) == SP_ENOTFOUND);
    SP_CHECK_CONTAINS(err.msg, "no layer 'nope' (it has 't')");
    char mpath[512];
    snprintf(mpath, sizeof mpath, "%s",
             write_file("absent.json", "{\"fields\": {\"name_uk\": \"NAMEX\"}}"));
    opt.layer = NULL;
    opt.mapping_path = mpath;
    SP_CHECK(sp_imp_run(db, &file, 1, &opt, &res, &err) == SP_EINVAL);
    SP_CHECK_CONTAINS(err.msg, "names field 'NAMEX', which layer 't' lacks");
    sp_db_close(db);
}

static int run_file(sp_db *db, const char *file, const char *mapping, sp_imp_result *res,
                    rejects *rj, sp_err *err)
{
    sp_imp_options opt = {0};
    opt.mapping_path = mapping;
    opt.on_reject = on_reject;
    opt.reject_ctx = rj;
    memset(rj, 0, sizeof *rj);
    return sp_imp_run(db, &file, 1, &opt, res, err);
}

static void test_import__condition_reports_keyed_and_idempotent(void)
{
    char mons[512], reps[512], map[512];
    snprintf(mons, sizeof mons, "%s",
             write_file("m.csv", "source_id,protection_no,name_uk,lon,lat\n"
                                 "1,100-Н,Андріївська церква,30.5179,50.4589\n"
                                 "2,200-Н,Кирилівська церква,30.4731,50.4762\n"));
    snprintf(reps, sizeof reps, "%s",
             write_file("r.csv", "act,pn,type,date,стан\n"
                                 "a1,100-Н,огляд,2020-01-02,задовільний\n"
                                 "a2,100-Н,damage,2023-03-04,аварійний\n"
                                 "a3,300-Н,огляд,2023-03-04,добрий\n"
                                 "a4,200-Н,огляд,2023-03-04,пречудовий\n"
                                 "a1,200-Н,огляд,2023-03-05,добрий\n"
                                 ",200-Н,огляд,2023-03-05,добрий\n"));
    snprintf(map, sizeof map, "%s",
             write_file("r.json", "{\"target\": \"condition_report\", \"key\": \"act\","
                                  " \"monument\": \"pn\", \"fields\": {\"report_type\": \"type\","
                                  " \"observed_on\": \"date\", \"condition\": \"стан\"}}"));
    sp_db *db = fresh_db();
    sp_imp_result res;
    rejects rj;
    sp_err err = {0};
    SP_CHECK(run_file(db, mons, NULL, &res, &rj, &err) == SP_OK && res.counts.inserted == 2);
    SP_CHECK(run_file(db, reps, map, &res, &rj, &err) == SP_OK);
    const sp_import_counts *c = &res.counts;
    SP_CHECK(c->read == 6 && c->inserted == 2 && c->rejected == 4 && c->reports == 2);
    SP_CHECK(c->read == c->inserted + c->updated + c->unchanged + c->rejected);
    SP_CHECK_CONTAINS(rj.reasons[0], "monument: no monument has protection number 300-Н");
    SP_CHECK_CONTAINS(rj.reasons[1], "field 'condition': unknown condition value 'пречудовий'");
    SP_CHECK_CONTAINS(rj.reasons[2], "duplicate key a1: already in this import");
    SP_CHECK_CONTAINS(rj.reasons[3], "key: empty");
    /* The second run changes nothing; the rejections are the same but for the repeated key,
     * which now holds other values than the stored report. */
    SP_CHECK(run_file(db, reps, map, &res, &rj, &err) == SP_OK);
    SP_CHECK(c->unchanged == 2 && c->inserted == 0 && c->rejected == 4 && c->reports == 0);
    SP_CHECK_CONTAINS(rj.reasons[2], "key a1: report 1 was imported with other values");
    SP_CHECK(sp_db_integrity_check(db, &err) == SP_OK);
    sp_db_close(db);
}

/* A refused record's raw JSON: its fields, and its geometry as GDAL writes it, or null where
 * a coordinate is NaN or infinite (which JSON cannot say). */
static void test_import__raw_json_of_a_feature(void)
{
    OGRFeatureDefnH defn = OGR_FD_Create("raw");
    OGRFieldDefnH fd = OGR_Fld_Create("name_uk", OFTString);
    OGR_FD_AddFieldDefn(defn, fd);
    OGR_Fld_Destroy(fd);
    OGR_FD_Reference(defn);
    OGRFeatureH f = OGR_F_Create(defn);
    OGR_F_SetFieldString(f, 0, "Ворота \"Золоті\"");
    OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
    OGR_G_AddPoint_2D(g, 30.5, 50.4);
    OGR_G_AddPoint_2D(g, 30.6, -1.5e-7);
    OGR_F_SetGeometry(f, g);
    char *text = sp_imp_feature_json(f, "raw");
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    json_t *coords = json_object_get(json_object_get(j, "geometry"), "coordinates");
    SP_CHECK(json_array_size(coords) == 2);
    SP_CHECK(json_real_value(json_array_get(json_array_get(coords, 1), 1)) == -1.5e-7);
    SP_CHECK_STR(json_string_value(json_object_get(json_object_get(j, "properties"), "name_uk")),
                 "Ворота \"Золоті\"");
    json_decref(j);
    free(text);
    OGR_G_SetPoint_2D(g, 1, NAN, 50.4);
    OGR_F_SetGeometry(f, g);
    text = sp_imp_feature_json(f, "raw");
    SP_CHECK((j = text ? json_loads(text, 0, NULL) : NULL) != NULL);
    SP_CHECK(json_is_null(json_object_get(j, "geometry")));
    SP_CHECK(json_object_get(json_object_get(j, "properties"), "name_uk") != NULL);
    json_decref(j);
    free(text);
    OGR_G_DestroyGeometry(g);
    OGR_F_Destroy(f);
    OGR_FD_Release(defn);
}

int main(int argc, char **argv)
{
    static const sp_test_case cases[] = {
        {"test_mapping__rejects_what_it_cannot_mean", test_mapping__rejects_what_it_cannot_mean},
        {"test_mapping__accepts_every_form", test_mapping__accepts_every_form},
        {"test_import__counts_add_up_and_reasons_name_fields",
         test_import__counts_add_up_and_reasons_name_fields},
        {"test_import__dry_run_writes_nothing", test_import__dry_run_writes_nothing},
        {"test_import__fatal_error_leaves_database_unchanged",
         test_import__fatal_error_leaves_database_unchanged},
        {"test_import__csv_lonlat_and_mapping_values", test_import__csv_lonlat_and_mapping_values},
        {"test_import__unknown_layer_and_absent_field",
         test_import__unknown_layer_and_absent_field},
        {"test_mapping__condition_report_members", test_mapping__condition_report_members},
        {"test_import__condition_reports_keyed_and_idempotent",
         test_import__condition_reports_keyed_and_idempotent},
        {"test_import__raw_json_of_a_feature", test_import__raw_json_of_a_feature},
        {NULL, NULL},
    };
    return sp_test_main_in_tmpdir(argc, argv, cases, dir, sizeof dir, "spadok-imp");
}
