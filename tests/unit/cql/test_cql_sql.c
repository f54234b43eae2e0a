/* tests/unit/cql/test_cql_sql.c - CQL2 filters compiled by storage (sp_db_cql_where) and
 * run on a real SpatiaLite database: which rows each filter returns, the SQL it becomes,
 * type and whitelist errors, injection attempts, and deep or wide filters that SQLite's
 * parser must still accept. The table is made here with SQL: tests are not the product. */
#include <stdlib.h>

#include <sqlite3.h>
/* after sqlite3.h, which it needs */
#include <spatialite.h>

#include "db_int.h" /* sp_db_params_bind */
#include "sp_cql.h"
#include "sp_db_cql.h"
#include "sp_test.h"

#define ROWS 20

static sqlite3 *db;
static void *splite_cache;

/* clang-format off */
static const sp_queryable queryables[] = {
    {"id", "t.id", SP_QT_INT, NULL, NULL},
    {"name", "t.name", SP_QT_TEXT, NULL, NULL},
    {"year", "t.year", SP_QT_INT, NULL, NULL},
    {"significance", "t.significance", SP_QT_TEXT, NULL, NULL},
    {"updated", "t.updated", SP_QT_DATE, NULL, NULL},
    {"is_lost", "t.is_lost", SP_QT_BOOL, NULL, NULL},
    {"rating", "t.rating", SP_QT_REAL, NULL, NULL},
    {"geom", "t.geom", SP_QT_GEOMETRY, "idx_t_geom", "t.id"},
    {"geom_noidx", "t.geom", SP_QT_GEOMETRY, NULL, NULL},
};
#define NQ ((int)(sizeof queryables / sizeof queryables[0]))

static const char *const setup_sql =
    "SELECT InitSpatialMetadata('NONE');"
    "SELECT InsertEpsgSrid(4326);"
    "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, year INTEGER, significance TEXT,"
    "               updated TEXT, is_lost INTEGER, rating REAL);"
    "SELECT AddGeometryColumn('t', 'geom', 4326, 'GEOMETRY', 'XY');"
    "SELECT CreateSpatialIndex('t', 'geom');"
    "INSERT INTO t VALUES"
    " (1, 'Софійський собор', 1037, 'national', '2024-05-01T10:00:00.000Z', 0, 4.9,"
    "  GeomFromText('POINT(30.5143 50.4529)', 4326)),"
    " (2, 'Києво-Печерська лавра', 1051, 'national', '2023-11-20T08:30:00.000Z', 0, 5.0,"
    "  GeomFromText('POINT(30.5566 50.4347)', 4326)),"
    " (3, 'Золоті ворота', 1037, 'national', '2024-01-15T12:00:00.000Z', 0, 4.5,"
    "  GeomFromText('POINT(30.5133 50.4488)', 4326)),"
    " (4, 'Андріївська церква', 1754, 'national', '2022-03-01T00:00:00.000Z', 0, 4.7,"
    "  GeomFromText('POINT(30.5180 50.4590)', 4326)),"
    " (5, 'Михайлівський Золотоверхий собор', 1108, 'national', '2022-03-01T10:00:00.500Z', 0,"
    "  4.8, GeomFromText('POINT(30.5225 50.4556)', 4326)),"
    " (6, 'Кирилівська церква', 1146, 'national', '2021-06-30T23:59:59.999Z', 0, 4.2,"
    "  GeomFromText('POINT(30.4593 50.4814)', 4326)),"
    " (7, 'Будинок з химерами', 1902, 'local', '2020-01-01T00:00:00.000Z', 0, 4.6,"
    "  GeomFromText('POINT(30.5286 50.4450)', 4326)),"
    " (8, 'Маріїнський палац', 1752, 'national', '2019-12-31T12:00:00.000Z', 0, 4.4,"
    "  GeomFromText('POINT(30.5375 50.4486)', 4326)),"
    " (9, 'Національна опера', 1901, 'local', '2024-05-01T09:59:59.999Z', 0, 4.3,"
    "  GeomFromText('POINT(30.5126 50.4466)', 4326)),"
    " (10, 'Pyrohiv open-air museum', NULL, 'local', NULL, 0, NULL,"
    "  GeomFromText('POINT(30.5130 50.3530)', 4326)),"
    " (11, 'Chernobyl NPP', 1977, 'newly_identified', '2022-02-24T04:00:00.000Z', 1, 1.0,"
    "  GeomFromText('POINT(30.0994 51.3890)', 4326)),"
    " (12, 'Хотинська фортеця', 1400, 'national', '2018-07-07T07:07:07.000Z', 0, 4.9,"
    "  GeomFromText('POINT(26.4984 48.5219)', 4326)),"
    " (13, 'Львівська ратуша', 1835, 'national', '2023-01-01T00:00:00.000Z', 0, 4.1,"
    "  GeomFromText('POINT(24.0316 49.8418)', 4326)),"
    " (14, 'Одеський оперний театр', 1887, 'national', '2023-07-23T03:00:00.000Z', 0, 5.0,"
    "  GeomFromText('POINT(30.7411 46.4854)', 4326)),"
    " (15, NULL, 2000, 'delisted', '2015-05-05T00:00:00.000Z', 1, NULL, NULL),"
    " (16, 'Парк Шевченка', NULL, 'local', '2024-06-01T00:00:00.000Z', 0, 3.9,"
    "  GeomFromText('POLYGON((30.510 50.441,30.516 50.441,30.516 50.444,30.510 50.444,"
    "                         30.510 50.441))', 4326)),"
    " (17, 'Пейзажна алея', 1984, 'local', '2017-03-03T00:00:00.000Z', 0, 3.5,"
    "  GeomFromText('LINESTRING(30.512 50.456,30.515 50.458)', 4326)),"
    " (18, 'Солом''янська площа', 1900, 'local', '2016-01-01T00:00:00.000Z', 0, 3.0,"
    "  GeomFromText('POINT(30.47 50.43)', 4326)),"
    " (19, '100% Ukrainian_Heritage*', 2020, 'newly_identified', '2025-01-01T00:00:00.000Z', 0,"
    "  2.5, GeomFromText('POINT(30.6 50.4)', 4326)),"
    " (20, 'софійський дзвін', 1700, 'local', '2024-05-01T10:00:00.000Z', 0, 4.0,"
    "  GeomFromText('POINT(30.5145 50.4530)', 4326));";
/* clang-format on */

static int open_db(void)
{
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        return 0;
    splite_cache = spatialite_alloc_connection();
    spatialite_init_ex(db, splite_cache, 0);
    char *msg = NULL;
    if (sqlite3_exec(db, setup_sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "setup: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return 0;
    }
    return 1;
}

static void close_db(void)
{
    sqlite3_close(db);
    spatialite_cleanup_ex(splite_cache);
}

/* Compiles filter into sql/params; SP_OK or the error code with err set. */
static int compile(const char *filter, sp_strbuf *sql, sp_db_params *params, sp_err *err)
{
    sp_cql_expr *e = NULL;
    sp_err_clear(err);
    int rc = sp_cql_parse(filter, strlen(filter), &e, err);
    if (rc == SP_OK)
        rc = sp_db_cql_where(e, queryables, NQ, SP_DB_SQL_SQLITE, sql, params, err);
    sp_cql_free(e);
    return rc;
}

/* "1,3,5": the ids the filter selects, in order; NULL with err set on failure. */
static char *select_ids(const char *filter, sp_err *err)
{
    sp_strbuf sql = {0}, out = {0};
    sp_db_params params = {0};
    sp_strbuf_puts(&sql, "SELECT t.id FROM t WHERE ");
    char *result = NULL;
    if (compile(filter, &sql, &params, err) == SP_OK) {
        sp_strbuf_puts(&sql, " ORDER BY t.id");
        sp_db conn = {.conn = db}; /* the storage calls over this test's own SQLite */
        sp_stmt *st = sp_stmt_prepare(&conn, sql.data, sql.data, err);
        if (st && sp_db_params_bind(&params, st, err) == SP_OK) {
            int rc;
            sp_strbuf_puts(&out, "");
            while ((rc = sp_stmt_step(st)) == SP_STMT_ROW)
                sp_strbuf_printf(&out, "%s%lld", out.len ? "," : "",
                                 (long long)sp_stmt_column_int64(st, 0));
            if (rc == SP_STMT_DONE) {
                result = out.data;
                out.data = NULL;
            } else {
                sp_err_set(err, SP_EDB, "sqlite: %s (step)", sqlite3_errmsg(db));
            }
        }
        sp_stmt_finalize(st);
    }
    sp_strbuf_free(&sql);
    sp_strbuf_free(&out);
    sp_db_params_free(&params);
    return result;
}

static int row_count(void)
{
    sqlite3_stmt *st = NULL;
    int n = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

typedef struct row_case {
    const char *filter, *ids;
} row_case;

static void check_rows(const row_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sp_err err = {0};
        char *got = select_ids(cases[i].filter, &err);
        if (!got)
            fprintf(stderr, "  %s: %s\n", cases[i].filter, err.msg);
        else if (strcmp(got, cases[i].ids) != 0)
            fprintf(stderr, "  %s\n", cases[i].filter);
        SP_CHECK_STR(got, cases[i].ids);
        free(got);
    }
}

static void test_cql__sql_comparisons_and_precedence(void)
{
    static const row_case cases[] = {
        {"year = 1037", "1,3"},
        {"year <> 1037", "2,4,5,6,7,8,9,11,12,13,14,15,17,18,19,20"},
        {"year < 1100", "1,2,3"},
        {"1100 > year", "1,2,3"},
        {"year >= 1900 AND year <= 1902", "7,9,18"},
        {"year >= 2000", "15,19"},
        {"rating > 4.85", "1,2,12,14"},
        {"rating = 5", "2,14"},
        {"year = rating", ""},
        {"id < year AND id > 18", "19,20"},
        {"name = 'Софійський собор'", "1"},
        {"name = 'Солом''янська площа'", "18"},
        {"name > 'Я'", "20"}, /* byte order: lower-case Cyrillic sorts after 'Я' */
        {"significance = 'local' AND year > 1900 OR id = 1", "1,7,9,17"},
        {"id = 1 OR significance = 'local' AND year > 1900", "1,7,9,17"},
        {"significance = 'local' AND (year > 1900 OR id = 1)", "7,9,17"},
        {"NOT significance = 'national'", "7,9,10,11,15,16,17,18,19,20"},
        {"NOT significance = 'national' AND year < 1800", "20"},
        {"NOT (significance = 'national' AND year < 1800)", "7,9,10,11,13,14,15,16,17,18,19,20"},
        {"NOT NOT year = 1037", "1,3"},
        {"is_lost = TRUE", "11,15"},
        {"is_lost <> true AND year < 1100", "1,2,3"},
        {"FALSE = is_lost AND year > 1950", "17,19"},
    };
    check_rows(cases, sizeof cases / sizeof cases[0]);
}

static void test_cql__sql_like_in_between_null(void)
{
    static const row_case cases[] = {
        {"name LIKE 'Софійськ%'", "1"}, /* case-sensitive: not 20 */
        {"name LIKE 'софійськ%'", "20"},
        {"name LIKE '%собор'", "1,5"},
        {"name LIKE '%церква'", "4,6"},
        {"name LIKE '_олоті ворота'", "3"},
        {"name LIKE '_олоті'", ""},
        {"name LIKE 'PYROHIV%'", ""},
        {"name LIKE '%\\%%'", "19"},
        {"name LIKE '100\\% Ukrainian\\_Heritage\\*'", "19"},
        {"name LIKE '100% Ukrainian_Heritage*'", "19"},
        {"name LIKE '100\\%_Ukrainian'", ""},
        {"name LIKE '%*'", "19"},
        {"name LIKE '%[%'", ""},
        {"name LIKE '%?%'", ""},
        {"name LIKE '%Солом''%'", "18"},
        {"name NOT LIKE '%а%'", "1,10,11,19,20"},
        {"significance IN ('newly_identified', 'delisted')", "11,15,19"},
        {"significance NOT IN ('national', 'local')", "11,15,19"},
        {"year IN (1037, 1700, 3000)", "1,3,20"},
        {"year IN (1037.0)", "1,3"},
        {"year BETWEEN 1700 AND 1800", "4,8,20"},
        {"year NOT BETWEEN 1000 AND 1900", "7,9,11,15,17,19"},
        {"rating BETWEEN 4.85 AND 5", "1,2,12,14"},
        {"year IS NULL", "10,16"},
        {"name IS NULL", "15"},
        {"geom IS NULL", "15"},
        {"geom IS NOT NULL AND year IS NULL", "10,16"},
        {"updated IS NULL AND rating IS NULL", "10"},
    };
    check_rows(cases, sizeof cases / sizeof cases[0]);
}

static void test_cql__sql_dates(void)
{
    static const row_case cases[] = {
        {"T_AFTER(updated, TIMESTAMP('2024-05-01T10:00:00Z'))", "16,19"},
        {"T_BEFORE(updated, DATE('2017-01-01'))", "15,18"},
        {"T_BEFORE(DATE('2024-06-01'), updated)", "16,19"}, /* 2024-06-01T00:00 is after */
        {"T_EQUALS(updated, TIMESTAMP('2024-05-01T10:00:00Z'))", "1,20"},
        {"T_AFTER(updated, TIMESTAMP('2022-03-01T10:00:00.499Z')) AND "
         "T_BEFORE(updated, TIMESTAMP('2022-03-01T10:00:00.501Z'))",
         "5"},
        {"T_AFTER(updated, TIMESTAMP('2022-03-01T10:00:00.5Z'))", "1,2,3,9,13,14,16,19,20"},
        {"T_AFTER(updated, DATE('2024-05-01'))", "1,9,16,19,20"}, /* the day itself is after */
        {"updated < DATE('2018-01-01')", "15,17,18"},
        {"updated BETWEEN DATE('2022-01-01') AND DATE('2022-12-31')", "4,5,11"},
        {"updated IN (TIMESTAMP('2024-05-01T10:00:00Z'))", "1,20"},
    };
    check_rows(cases, sizeof cases / sizeof cases[0]);
}

static void test_cql__sql_spatial(void)
{
    static const row_case cases[] = {
        {"S_INTERSECTS(geom, BBOX(30.50, 50.44, 30.53, 50.46))", "1,3,4,5,7,9,16,17,20"},
        {"S_INTERSECTS(geom_noidx, BBOX(30.50, 50.44, 30.53, 50.46))", "1,3,4,5,7,9,16,17,20"},
        /* the lower-left half of that box: the R*Tree alone would also return 1,4,5,7,17,20 */
        {"S_INTERSECTS(geom, POLYGON((30.50 50.44, 30.53 50.44, 30.50 50.46, 30.50 50.44)))",
         "3,9,16"},
        {"S_WITHIN(geom, BBOX(30.50, 50.44, 30.53, 50.46))", "1,3,4,5,7,9,16,17,20"},
        {"S_WITHIN(geom, BBOX(30.511, 50.44, 30.53, 50.46))", "1,3,4,5,7,9,17,20"},
        {"S_CONTAINS(geom, POINT(30.513 50.442))", "16"},
        {"S_WITHIN(POINT(30.513 50.442), geom)", "16"},
        {"S_INTERSECTS(geom, POINT(30.5143 50.4529))", "1"},
        {"S_INTERSECTS(geom, MULTIPOINT((30.5143 50.4529), (24.0316 49.8418)))", "1,13"},
        {"S_INTERSECTS(geom, LINESTRING(30.509 50.4425, 30.52 50.4425))", "16"},
        {"S_INTERSECTS(geom, MULTIPOLYGON(((24 49, 25 49, 25 50, 24 49)),"
         "((26 48, 27 48, 27 49, 26 49, 26 48))))",
         "12"},
        {"S_INTERSECTS(geom, MULTILINESTRING((30.509 50.4425, 30.52 50.4425),"
         "(30.5143 50.44, 30.5143 50.46)))",
         "1,16,17"},
        {"S_DISJOINT(geom, BBOX(22, 44, 41, 53))", ""},
        {"S_DISJOINT(geom, BBOX(30, 50, 31, 51))", "11,12,13,14"},
        /* Under NOT a row without geometry stays unknown, as in SQL: 15 is never returned. */
        {"NOT S_INTERSECTS(geom, BBOX(30, 50, 31, 51))", "11,12,13,14"},
        {"NOT S_INTERSECTS(geom_noidx, BBOX(30, 50, 31, 51))", "11,12,13,14"},
        {"NOT S_DISJOINT(geom, BBOX(30, 50, 31, 51))", "1,2,3,4,5,6,7,8,9,10,16,17,18,19,20"},
        {"NOT (S_INTERSECTS(geom, BBOX(30, 50, 31, 51)) OR year < 1500)", "11,13,14"},
        {"NOT (S_INTERSECTS(geom, BBOX(30, 50, 31, 51)) AND year < 1500)",
         "4,7,8,9,11,12,13,14,15,17,18,19,20"},
        {"S_INTERSECTS(geom, BBOX(30.50, 50.44, 30.53, 50.46)) AND year IS NULL", "16"},
        {"S_INTERSECTS(geom, BBOX(30.50, 50.44, 30.53, 50.46)) AND name LIKE '%собор' OR "
         "id = 14",
         "1,5,14"},
        {"S_INTERSECTS(geom, BBOX(-180, -90, 180, 90))", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,16,17,"
                                                         "18,19,20"},
        {"S_INTERSECTS(geom, POINT(0 0))", ""},
    };
    check_rows(cases, sizeof cases / sizeof cases[0]);
}

static void test_cql__sql_text_and_parameters(void)
{
    static const struct {
        const char *filter, *sql;
    } cases[] = {
        {"name = 'x'", "(t.name = ?)"},
        {"'x' <> name", "(? <> t.name)"},
        {"year >= rating", "(t.year >= t.rating)"},
        {"year > 1 AND (name = 'a' OR name = 'b')", "((t.name = ? OR t.name = ?) AND t.year > ?)"},
        {"NOT NOT year = 1", "(t.year = ?)"},
        {"NOT NOT NOT year = 1", "(NOT (t.year = ?))"},
        {"NOT (year = 1 OR year = 2)", "(NOT (t.year = ? OR t.year = ?))"},
        {"name NOT LIKE 'a%'", "(t.name NOT GLOB ?)"},
        {"year NOT IN (1, 2, 3)", "(t.year NOT IN (?, ?, ?))"},
        {"year BETWEEN 1 AND 2", "(t.year BETWEEN ? AND ?)"},
        {"geom IS NOT NULL", "(t.geom IS NOT NULL)"},
        {"T_BEFORE(updated, DATE('2020-01-01'))", "(t.updated < ?)"},
        {"S_INTERSECTS(geom, POINT(1 2))",
         "((t.id IN (SELECT pkid FROM idx_t_geom WHERE xmax >= ? AND xmin <= ? AND ymax >= ? AND "
         "ymin <= ?) AND ST_Intersects(t.geom, GeomFromText(?, 4326)) = 1))"},
        {"S_DISJOINT(geom, POINT(1 2))", "(ST_Disjoint(t.geom, GeomFromText(?, 4326)) = 1)"},
        {"NOT S_INTERSECTS(geom, POINT(1 2))",
         "(NOT (CASE WHEN t.geom IS NULL THEN NULL ELSE ST_Intersects(t.geom, GeomFromText(?, "
         "4326)) = 1 END))"},
        {"S_WITHIN(geom_noidx, POINT(1 2))", "(ST_Within(t.geom, GeomFromText(?, 4326)) = 1)"},
        {"id=1 OR id=2 OR id=3 OR id=4 OR id=5 OR id=6 OR id=7 OR id=8 OR id=9",
         "((t.id = ? OR t.id = ? OR t.id = ? OR t.id = ?) OR (t.id = ? OR t.id = ? OR t.id = ? "
         "OR t.id = ? OR t.id = ?))"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_strbuf sql = {0};
        sp_db_params params = {0};
        sp_err err;
        if (compile(cases[i].filter, &sql, &params, &err) != SP_OK)
            fprintf(stderr, "  %s: %s\n", cases[i].filter, err.msg);
        SP_CHECK_STR(sp_strbuf_cstr(&sql), cases[i].sql);
        sp_strbuf_free(&sql);
        sp_db_params_free(&params);
    }

    /* Values and their types, in binding order. */
    sp_strbuf sql = {0};
    sp_db_params p = {0};
    sp_err err;
    SP_CHECK(compile("name LIKE 'К*?[%_\\%' AND is_lost = TRUE AND rating < 2.5 AND "
                     "S_INTERSECTS(geom, BBOX(1, 2, 3, 4)) AND updated > DATE('2020-01-02')",
                     &sql, &p, &err) == SP_OK);
    SP_CHECK(p.n == 9);
    if (p.n == 9) {
        SP_CHECK(p.items[0].type == SP_DB_P_TEXT);
        SP_CHECK_STR(p.items[0].text, "К[*][?][[]*?%");
        SP_CHECK(p.items[1].type == SP_DB_P_INT && p.items[1].i == 1);
        SP_CHECK(p.items[2].type == SP_DB_P_REAL && p.items[2].d == 2.5);
        SP_CHECK(p.items[3].type == SP_DB_P_REAL && p.items[3].d == 1); /* minx */
        SP_CHECK(p.items[4].type == SP_DB_P_REAL && p.items[4].d == 3); /* maxx */
        SP_CHECK(p.items[5].type == SP_DB_P_REAL && p.items[5].d == 2); /* miny */
        SP_CHECK(p.items[6].type == SP_DB_P_REAL && p.items[6].d == 4); /* maxy */
        SP_CHECK_STR(p.items[7].text, "POLYGON((1 2,3 2,3 4,1 4,1 2))");
        SP_CHECK_STR(p.items[8].text, "2020-01-02");
    }
    sp_strbuf_free(&sql);
    sp_db_params_free(&p);
}

/* The R*Tree subquery must drive the search (rowid lookups), not be probed per row. */
static void test_cql__sql_rtree_prefilter_drives_the_plan(void)
{
    sp_strbuf sql = {0}, plan = {0};
    sp_db_params params = {0};
    sp_err err;
    sp_strbuf_puts(&sql, "EXPLAIN QUERY PLAN SELECT t.id FROM t WHERE ");
    SP_CHECK(compile("S_INTERSECTS(geom, BBOX(30, 50, 31, 51)) AND year > 1000", &sql, &params,
                     &err) == SP_OK);
    sqlite3_stmt *st = NULL;
    SP_CHECK(sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) == SQLITE_OK);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        sp_strbuf_printf(&plan, "%s\n", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    SP_CHECK_CONTAINS(sp_strbuf_cstr(&plan), "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)");
    SP_CHECK_CONTAINS(sp_strbuf_cstr(&plan), "SCAN idx_t_geom VIRTUAL TABLE INDEX");
    sp_strbuf_free(&sql);
    sp_strbuf_free(&plan);
    sp_db_params_free(&params);
}

static void test_cql__sql_type_and_whitelist_errors(void)
{
    static const struct {
        const char *filter, *msg;
    } cases[] = {
        {"foo = 1", "filter: unknown property 'foo' at position 1 (queryables: id, name, year, "
                    "significance, updated, is_lost, rating, geom, geom_noidx)"},
        {"Name = 'x'", "filter: unknown property 'Name' at position 1 (queryables: id, name, "
                       "year, significance, updated, is_lost, rating, geom, geom_noidx)"},
        {"year = 1 AND \"назва\" IS NULL",
         "filter: unknown property 'назва' at position 14 (queryables: id, name, year, "
         "significance, updated, is_lost, rating, geom, geom_noidx)"},
        {"year = 'x'", "filter: property 'year' (integer) at position 1 cannot be compared with "
                       "a string at position 8"},
        {"name = 1", "filter: property 'name' (text) at position 1 cannot be compared with an "
                     "integer at position 8"},
        {"1.5 < name", "filter: property 'name' (text) at position 7 cannot be compared with a "
                       "number at position 1"},
        {"updated > '2020-01-01'", "filter: property 'updated' (date) at position 1 cannot be "
                                   "compared with a string at position 11"},
        {"year > DATE('2020-01-01')", "filter: property 'year' (integer) at position 1 cannot "
                                      "be compared with a date at position 8"},
        {"is_lost = 1", "filter: property 'is_lost' (boolean) at position 1 cannot be compared "
                        "with an integer at position 11"},
        {"year IN (1, 'x')", "filter: property 'year' (integer) at position 1 cannot be compared "
                             "with a string at position 13"},
        {"year BETWEEN 1 AND 'x'", "filter: property 'year' (integer) at position 1 cannot be "
                                   "compared with a string at position 20"},
        {"year LIKE '1%'", "filter: property 'year' (integer) at position 1 cannot be used with "
                           "LIKE, which needs text"},
        {"geom = 'x'", "filter: property 'geom' (geometry) at position 1 cannot be used with a "
                       "comparison; use S_INTERSECTS, S_WITHIN, S_CONTAINS or S_DISJOINT"},
        {"geom IN ('x')", "filter: property 'geom' (geometry) at position 1 cannot be used with "
                          "IN; use S_INTERSECTS, S_WITHIN, S_CONTAINS or S_DISJOINT"},
        {"S_INTERSECTS(name, POINT(1 2))", "filter: property 'name' (text) at position 14 "
                                           "cannot be used with S_INTERSECTS, which needs a "
                                           "geometry"},
        {"T_AFTER(year, DATE('2020-01-01'))", "filter: property 'year' (integer) at position 9 "
                                              "cannot be used with T_AFTER, which needs a date"},
        {"1 = 1", "filter: comparison at position 1 has no property on either side"},
        {"name = year", "filter: properties 'name' (text) and 'year' (integer) at position 1 "
                        "cannot be compared"},
        {"\"name; DROP TABLE t\" = 'x'",
         "filter: unknown property 'name; DROP TABLE t' at position 1 (queryables: id, name, "
         "year, significance, updated, is_lost, rating, geom, geom_noidx)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_strbuf sql = {0};
        sp_db_params params = {0};
        sp_err err;
        /* A failed compile leaves what the caller had already written untouched. */
        sp_strbuf_puts(&sql, "SELECT 1 WHERE x = ? AND ");
        sp_db_param *x = params.items = calloc(4, sizeof *params.items);
        params.cap = 4;
        params.n = 1;
        x->type = SP_DB_P_TEXT;
        x->text = strdup("kept");
        x->len = 4;
        SP_CHECK(compile(cases[i].filter, &sql, &params, &err) == SP_EINVAL);
        SP_CHECK_STR(err.msg, cases[i].msg);
        SP_CHECK_STR(sp_strbuf_cstr(&sql), "SELECT 1 WHERE x = ? AND ");
        SP_CHECK(params.n == 1 && strcmp(params.items[0].text, "kept") == 0);
        sp_strbuf_free(&sql);
        sp_db_params_free(&params);
    }
}

static void test_cql__sql_injection_is_bound_or_refused(void)
{
    static const row_case bound[] = {
        {"name = 'x'' OR 1=1 --'", ""},
        {"name = 'x''); DROP TABLE t; --'", ""},
        {"name LIKE '%'' OR ''1''=''1'", ""},
        {"significance IN ('national'' OR 1=1', ''')--')", ""},
        {"S_INTERSECTS(geom, POINT(1 2)) OR name = '''; DELETE FROM t; --'", ""},
        {"name = 'Софійський собор'' OR id > 0 OR name = '''", ""},
    };
    check_rows(bound, sizeof bound / sizeof bound[0]);
    static const char *const refused[] = {
        "\"name; DROP TABLE t\" = 'x'",
        "\"name\"\" = 1; DROP TABLE t; --\" = 'x'",
        "name = 'x'; DROP TABLE t",
        "name = 'a'); DROP TABLE t; --",
        "year = 1 OR 1=1",
        "\"t.id) OR (1\" = 1",
        "name = x'41'",
        "S_INTERSECTS(geom, POINT(1 2)); DROP TABLE t",
        "S_INTERSECTS(\"geom, GeomFromText('POINT(1 2)')) OR (1\", POINT(1 2))",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        sp_err err = {0};
        char *got = select_ids(refused[i], &err);
        if (got)
            fprintf(stderr, "  ran: %s -> %s\n", refused[i], got);
        SP_CHECK(got == NULL && err.code == SP_EINVAL);
        free(got);
    }
    SP_CHECK(row_count() == ROWS);
}

/* Random boolean trees of comparisons, up to the parser's limits. */
static unsigned long long rng_state = 0x2545f4914f6cdd1dULL;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static void gen_tree(sp_strbuf *b, int depth, int *budget)
{
    unsigned pick = depth >= SP_CQL_MAX_DEPTH || *budget <= 0 ? 3 : rnd(4);
    if (pick == 0) {
        sp_strbuf_puts(b, "NOT ");
        gen_tree(b, depth + 1, budget);
    } else if (pick <= 2) {
        int n = 2 + (int)rnd(rnd(8) == 0 ? 60 : 3);
        sp_strbuf_puts(b, "(");
        for (int i = 0; i < n; i++) {
            if (i)
                sp_strbuf_puts(b, pick == 1 ? " AND " : " OR ");
            gen_tree(b, depth + 1, budget);
        }
        sp_strbuf_puts(b, ")");
    } else {
        *budget -= 3;
        sp_strbuf_printf(b, rnd(2) ? "year > %u" : "S_INTERSECTS(geom, POINT(%u 50))", rnd(3000));
    }
}

static void expect_runs(const char *filter)
{
    sp_err err = {0};
    char *got = select_ids(filter, &err);
    if (!got)
        fprintf(stderr, "  %.200s...: %s\n", filter, err.msg);
    SP_CHECK(got != NULL);
    free(got);
}

static void test_cql__sql_deep_and_wide_filters_still_prepare(void)
{
    sp_strbuf b = {0};
    /* 64 alternating AND/OR levels, each "x AND (...)". */
    for (int i = 0; i < SP_CQL_MAX_DEPTH; i++)
        sp_strbuf_printf(&b, "year > %d %s (", i, i % 2 ? "OR" : "AND");
    sp_strbuf_puts(&b, "year > 0");
    for (int i = 0; i < SP_CQL_MAX_DEPTH; i++)
        sp_strbuf_puts(&b, ")");
    expect_runs(b.data);
    sp_strbuf_reset(&b);
    /* NOT (x AND NOT (x OR ...)): a NOT and a "(" per level, 64 in all. */
    for (int i = 0; i < SP_CQL_MAX_DEPTH / 2; i++)
        sp_strbuf_printf(&b, "NOT (id > %d %s ", i, i % 2 ? "OR" : "AND");
    sp_strbuf_puts(&b, "id > 0");
    for (int i = 0; i < SP_CQL_MAX_DEPTH / 2; i++)
        sp_strbuf_puts(&b, ")");
    expect_runs(b.data);
    sp_strbuf_reset(&b);
    /* As wide as the node limit allows. */
    sp_strbuf_puts(&b, "id = 0");
    for (int i = 1; i < (SP_CQL_MAX_NODES - 1) / 3; i++)
        sp_strbuf_printf(&b, " OR id = %d", i);
    expect_runs(b.data);
    sp_strbuf_reset(&b);
    /* Deep and wide at once: 50 levels of 60 operands. */
    for (int i = 0; i < 50; i++) {
        for (int k = 0; k < 60; k++)
            sp_strbuf_printf(&b, "year > %d %s ", k, i % 2 ? "OR" : "AND");
        sp_strbuf_puts(&b, "(");
    }
    sp_strbuf_puts(&b, "year > 0");
    for (int i = 0; i < 50; i++)
        sp_strbuf_puts(&b, ")");
    expect_runs(b.data);
    sp_strbuf_reset(&b);
    /* Random trees. */
    for (int iter = 0; iter < 50; iter++) {
        int budget = (int)rnd(SP_CQL_MAX_NODES / 2);
        gen_tree(&b, 1, &budget);
        sp_cql_expr *e = NULL;
        sp_err err = {0};
        if (sp_cql_parse(b.data, b.len, &e, &err) == SP_OK) /* some exceed the node limit */
            expect_runs(b.data);
        sp_cql_free(e);
        sp_strbuf_reset(&b);
    }
    sp_strbuf_free(&b);
}

int main(int argc, char **argv)
{
    if (!open_db()) {
        printf("0 passed, 1 failed\n");
        return 1;
    }
    static const sp_test_case cases[] = {
        {"test_cql__sql_comparisons_and_precedence", test_cql__sql_comparisons_and_precedence},
        {"test_cql__sql_like_in_between_null", test_cql__sql_like_in_between_null},
        {"test_cql__sql_dates", test_cql__sql_dates},
        {"test_cql__sql_spatial", test_cql__sql_spatial},
        {"test_cql__sql_text_and_parameters", test_cql__sql_text_and_parameters},
        {"test_cql__sql_rtree_prefilter_drives_the_plan",
         test_cql__sql_rtree_prefilter_drives_the_plan},
        {"test_cql__sql_type_and_whitelist_errors", test_cql__sql_type_and_whitelist_errors},
        {"test_cql__sql_injection_is_bound_or_refused",
         test_cql__sql_injection_is_bound_or_refused},
        {"test_cql__sql_deep_and_wide_filters_still_prepare",
         test_cql__sql_deep_and_wide_filters_still_prepare},
        {NULL, NULL},
    };
    int rc = sp_test_main(argc, argv, cases);
    close_db();
    return rc;
}
