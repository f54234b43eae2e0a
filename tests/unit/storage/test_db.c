/* tests/unit/storage/test_db.c - open/migrate, upsert outcomes and audit, backup, export rows.
 * Runs on a real SpatiaLite file in a temp folder. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ogr_api.h>
#include <sqlite3.h>

#include "db_int.h" /* the statements and their binding, tested here */
#include "sp_db.h"
#include "sp_db_items.h"
#include "sp_db_tilecache.h"
#include "sp_test.h"

static char dir[256];

static void path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static sp_db *fresh(const char *name)
{
    char p[512];
    path(p, sizeof p, name);
    unlink(p);
    sp_db *db = NULL;
    sp_err err = {0};
    if (sp_db_open(p, SP_DB_READWRITE, &db, &err) != SP_OK)
        fprintf(stderr, "  open: %s\n", err.msg);
    return db;
}

/* A point record with the given name; WKB built by OGR. */
typedef struct test_rec {
    sp_db_record rec;
    unsigned char wkb[128]; /* a point, or the 5-point square of varied_record */
} test_rec;

static void make_point(test_rec *t, const char *source_id, const char *name, double x, double y)
{
    memset(t, 0, sizeof *t);
    t->rec.entity = sp_model_entity(SP_ENT_MONUMENT);
    t->rec.dataset = "unit";
    t->rec.values[SP_MF_SOURCE_ID] = (char *)source_id;
    t->rec.values[SP_MF_NAME_UK] = (char *)name;
    t->rec.values[SP_MF_KINDS] = (char *)"history;architecture";
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, x, y);
    t->rec.wkb_len = (size_t)OGR_G_WkbSize(g);
    OGR_G_ExportToIsoWkb(g, wkbNDR, t->wkb);
    OGR_G_DestroyGeometry(g);
    t->rec.wkb = t->wkb;
    t->rec.marker_x = x;
    t->rec.marker_y = y;
}

static int monument_count(sp_db *db)
{
    long long n = -1;
    sp_err err = {0};
    sp_db_monument_count(db, &n, &err);
    return (int)n;
}

static void test_db__migrate_twice_is_noop(void)
{
    sp_db *db = fresh("m.sqlite");
    SP_CHECK(db != NULL);
    int version = 0, applied = -1;
    sp_err err = {0};
    SP_CHECK(sp_db_schema_version(db, &version, &err) == SP_OK);
    SP_CHECK(version == sp_db_schema_latest());
    SP_CHECK(sp_db_migrate(db, &applied, &err) == SP_OK && applied == 0);
    SP_CHECK(sp_db_integrity_check(db, &err) == SP_OK);
    sp_db_close(db);
    char p[512];
    path(p, sizeof p, "m.sqlite");
    SP_CHECK(sp_db_open(p, SP_DB_READONLY, &db, &err) == SP_OK);
    sp_db_close(db);
}

static void test_db__readonly_missing_file_fails(void)
{
    sp_db *db = NULL;
    sp_err err = {0};
    char p[512];
    path(p, sizeof p, "absent.sqlite");
    SP_CHECK(sp_db_open(p, SP_DB_READONLY, &db, &err) != SP_OK && db == NULL);
    SP_CHECK_CONTAINS(err.msg, "cannot open database");
}

static void test_db__not_a_database_is_refused(void)
{
    char p[512];
    path(p, sizeof p, "text.sqlite");
    FILE *f = fopen(p, "w");
    fputs("this is a text file, not SQLite, and long enough to have a header.............\n", f);
    fclose(f);
    sp_db *db = NULL;
    sp_err err = {0};
    SP_CHECK(sp_db_open(p, SP_DB_READWRITE, &db, &err) == SP_EINVAL && db == NULL);
    SP_CHECK_CONTAINS(err.msg, "not a database");
}

/* Byte 18 of an SQLite file: 1 for a rollback journal, 2 for WAL. */
static int header_journal(const char *p)
{
    unsigned char h[20] = {0};
    FILE *f = fopen(p, "rb");
    if (f) {
        if (fread(h, 1, sizeof h, f) != sizeof h)
            h[18] = 0;
        fclose(f);
    }
    return h[18];
}

static int exists(const char *p)
{
    return access(p, F_OK) == 0;
}

/* A new file opened to be filled is written without a WAL and is WAL once closed; an existing
 * file opened the same way keeps its WAL (a server may be reading it). */
static void test_db__fill_new_writes_without_wal_then_turns_wal_on(void)
{
    char p[512], wal[520];
    path(p, sizeof p, "fill.sqlite");
    snprintf(wal, sizeof wal, "%s-wal", p);
    unlink(p);
    sp_db *db = NULL;
    sp_err err = {0};
    test_rec t;
    sp_upsert_result res;
    int64_t id;
    sp_db_actor actor = {"unit", NULL, 0, 0};
    SP_CHECK(sp_db_open(p, SP_DB_FILL_NEW, &db, &err) == SP_OK);
    make_point(&t, "f1", "Софійський собор", 30.514, 50.453);
    SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id, &err) == SP_OK);
    SP_CHECK(!exists(wal));
    SP_CHECK(header_journal(p) == 1);
    sp_db_close(db);
    SP_CHECK(header_journal(p) == 2);

    SP_CHECK(sp_db_open(p, SP_DB_FILL_NEW, &db, &err) == SP_OK);
    make_point(&t, "f2", "Золоті ворота", 30.513, 50.449);
    SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id, &err) == SP_OK);
    SP_CHECK(exists(wal));
    SP_CHECK(monument_count(db) == 2);
    sp_db_close(db);
    SP_CHECK(sp_db_open(p, SP_DB_READONLY, &db, &err) == SP_OK);
    SP_CHECK(monument_count(db) == 2);
    SP_CHECK(sp_db_integrity_check(db, &err) == SP_OK);
    sp_db_close(db);
}

/* The tile cache: keeps a tile only when drawn at or after the last change applied, stores
 * a PNG once whatever the tiles using it, and evicts the least recently used quarter. */
static void test_db__tile_cache_keeps_evicts_and_refuses_stale_tiles(void)
{
    char p[512];
    path(p, sizeof p, "c.tiles");
    unlink(p);
    sp_db *c = NULL;
    sp_err err = {0};
    SP_CHECK(sp_db_tilecache_open(p, &c, &err) == SP_OK);
    if (!c)
        return;
    unsigned char png[100];
    memset(png, 7, sizeof png);
    int kept = -1;
    char hash[17];
    unsigned char *got = NULL;
    size_t len = 0;
    for (int i = 0; i < 40; i++) { /* 40 tiles, 2 distinct PNGs, used at times 1000 + i */
        sp_db_tile_key k = {"monuments", 1, "||", 0, 10, i, 7, 1};
        SP_CHECK(sp_db_tile_put(c, &k, png, sizeof png - (size_t)(i % 2), i % 2 ? "b" : "a",
                                1000 + i, 0, &kept, &err) == SP_OK &&
                 kept == 1);
    }
    int64_t bytes = 0, seen = -1;
    SP_CHECK(sp_db_tile_bytes(c, &bytes, &err) == SP_OK && bytes == 199);
    sp_db_tile_key k3 = {"monuments", 1, "||", 0, 10, 3, 7, 1};
    SP_CHECK(sp_db_tile_get(c, &k3, 1010, &got, &len, hash, &err) == SP_OK && got && len == 99);
    SP_CHECK_STR(hash, "b");
    free(got);
    sp_db_tile_key other = {"damage", 1, "||", 0, 10, 3, 7, 1};
    SP_CHECK(sp_db_tile_get(c, &other, 1010, &got, &len, hash, &err) == SP_OK && !got);
    /* the oldest quarter goes (x 0..9); a blob used by no tile would go too */
    SP_CHECK(sp_db_tile_evict(c, &err) == SP_OK);
    sp_db_tile_key k0 = {"monuments", 1, "||", 0, 10, 0, 7, 1};
    sp_db_tile_key k11 = {"monuments", 1, "||", 0, 10, 11, 7, 1};
    SP_CHECK(sp_db_tile_get(c, &k0, 1010, &got, &len, hash, &err) == SP_OK && !got);
    SP_CHECK(sp_db_tile_get(c, &k11, 1010, &got, &len, hash, &err) == SP_OK && got);
    free(got);
    /* dropping a range at a zoom, then a stale tile is refused */
    SP_CHECK(sp_db_begin(c, &err) == SP_OK);
    SP_CHECK(sp_db_tile_drop(c, 10, 10, 7, 20, 7, &err) == SP_OK);
    SP_CHECK(sp_db_tile_set_seen(c, 12, &err) == SP_OK);
    SP_CHECK(sp_db_commit(c, &err) == SP_OK);
    SP_CHECK(sp_db_tile_get(c, &k11, 1010, &got, &len, hash, &err) == SP_OK && !got);
    sp_db_tile_key k30 = {"monuments", 1, "||", 0, 10, 30, 7, 1};
    SP_CHECK(sp_db_tile_get(c, &k30, 1010, &got, &len, hash, &err) == SP_OK && got);
    free(got);
    SP_CHECK(sp_db_tile_seen(c, &seen, &err) == SP_OK && seen == 12);
    SP_CHECK(sp_db_tile_put(c, &k11, png, sizeof png, "a", 2000, 11, &kept, &err) == SP_OK);
    SP_CHECK(kept == 0);
    SP_CHECK(sp_db_tile_put(c, &k11, png, sizeof png, "a", 2000, 12, &kept, &err) == SP_OK);
    SP_CHECK(kept == 1);
    SP_CHECK(sp_db_begin(c, &err) == SP_OK && sp_db_tile_drop_all(c, &err) == SP_OK &&
             sp_db_commit(c, &err) == SP_OK);
    SP_CHECK(sp_db_tile_evict(c, &err) == SP_OK); /* no tiles: the PNGs go */
    SP_CHECK(sp_db_tile_bytes(c, &bytes, &err) == SP_OK && bytes == 0);
    sp_db_close(c);
}

static void test_db__upsert_insert_unchanged_update(void)
{
    sp_db *db = fresh("u.sqlite");
    sp_err err = {0};
    sp_db_actor actor = {"unit", NULL, 0, 0};
    test_rec t;
    make_point(&t, "a1", "Золоті ворота", 30.5133, 50.4488);
    sp_upsert_result res;
    int64_t id1 = 0, id2 = 0;
    SP_CHECK(sp_db_begin(db, &err) == SP_OK);
    SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id1, &err) == SP_OK);
    SP_CHECK(res == SP_UPSERT_INSERTED && id1 > 0);
    SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id2, &err) == SP_OK);
    SP_CHECK(res == SP_UPSERT_UNCHANGED && id2 == id1);
    t.rec.values[SP_MF_NAME_EN] = (char *)"Golden Gate";
    SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id2, &err) == SP_OK);
    SP_CHECK(res == SP_UPSERT_UPDATED && id2 == id1);
    t.rec.values[SP_MF_PROTECTION_NO] = (char *)"260001-Н";
    SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id2, &err) == SP_OK);
    /* Found again by protection number even with another source id. */
    t.rec.values[SP_MF_SOURCE_ID] = (char *)"other";
    SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id2, &err) == SP_OK);
    SP_CHECK(res == SP_UPSERT_UPDATED && id2 == id1);
    SP_CHECK(sp_db_commit(db, &err) == SP_OK);
    SP_CHECK(monument_count(db) == 1);
    SP_CHECK(sp_db_integrity_check(db, &err) == SP_OK);
    sp_db_close(db);
}

/* The extent comes from the root node of the public R*Tree and the ends of two indexes
 * (014_extents.sql): with enough monuments for a tree of several levels it must bound them
 * as tightly as the R*Tree's float bounds allow. */
static void test_db__extent_of_a_deep_rtree(void)
{
    sp_db *db = fresh("x.sqlite");
    sp_err err = {0};
    sp_db_actor actor = {"unit", NULL, 0, 0};
    double want[4] = {180, 90, -180, -90};
    int ymin = 9999, ymax = 0;
    SP_CHECK(sp_db_begin(db, &err) == SP_OK);
    for (int i = 0; i < 3000; i++) { /* an R*Tree node holds about 170 boxes */
        double x = 22.5 + (i * 7919 % 10007) * 0.0017, y = 44.5 + (i * 104729 % 10009) * 0.0007;
        char id[16], from[8], to[8];
        snprintf(id, sizeof id, "x%d", i);
        int y0 = 1000 + i * 37 % 900;
        snprintf(from, sizeof from, "%d", y0);
        snprintf(to, sizeof to, "%d", y0 + i % 50);
        test_rec t;
        make_point(&t, id, "Пам'ятка", x, y);
        t.rec.values[SP_MF_YEAR_FROM] = from;
        t.rec.values[SP_MF_YEAR_TO] = to;
        sp_upsert_result res;
        int64_t rid;
        SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &rid, &err) == SP_OK);
        want[0] = fmin(want[0], x), want[1] = fmin(want[1], y);
        want[2] = fmax(want[2], x), want[3] = fmax(want[3], y);
        ymin = y0 < ymin ? y0 : ymin;
        ymax = y0 + i % 50 > ymax ? y0 + i % 50 : ymax;
    }
    SP_CHECK(sp_db_commit(db, &err) == SP_OK);
    double got[4];
    int has = 0;
    char tmin[32], tmax[32], wmin[32], wmax[32];
    SP_CHECK(sp_db_collection_extent(db, SP_COL_MONUMENTS, got, &has, tmin, tmax, &err) == SP_OK);
    SP_CHECK(has == 1);
    for (int k = 0; k < 4; k++) /* rounded outward to a float, never inward */
        SP_CHECK(k < 2 ? got[k] <= want[k] && want[k] - got[k] < 1e-5
                       : got[k] >= want[k] && got[k] - want[k] < 1e-5);
    snprintf(wmin, sizeof wmin, "%04d-01-01T00:00:00Z", ymin);
    snprintf(wmax, sizeof wmax, "%04d-12-31T23:59:59Z", ymax);
    SP_CHECK_STR(tmin, wmin);
    SP_CHECK_STR(tmax, wmax);
    SP_CHECK(sp_db_collection_extent(db, SP_COL_ZONES, got, &has, tmin, tmax, &err) == SP_OK);
    SP_CHECK(has == 0); /* no zones: no extent */
    sp_db_close(db);
}

/* Points on a 0.001-degree grid, spread by two primes so that they fill a box. */
static void grid_point(int i, double *x, double *y)
{
    *x = 22.5 + (i * 7919 % 10007) * 0.001;
    *y = 44.5 + (i * 104729 % 10009) * 0.001;
}

static int count_feature(void *ctx, const sp_db_feature *f, sp_err *err)
{
    (void)f, (void)err;
    ++*(int *)ctx;
    return SP_OK;
}

/* Monuments in a bbox through the public R*Tree, against a count of the points made. */
static int bbox_mismatches(sp_db *db, int npoints)
{
    int bad = 0;
    for (int b = 0; b < 40; b++) {
        /* edges half-way between grid lines: no point on an edge */
        double x0 = 22.5 + (b * 211 % 9000) * 0.001 + 0.0005,
               y0 = 44.5 + (b * 373 % 9000) * 0.001 + 0.0005;
        double w = (b % 4 + 1) * (b % 3 ? 0.05 : 0.8);
        int want = 0, got = 0;
        for (int i = 0; i < npoints; i++) {
            double x, y;
            grid_point(i, &x, &y);
            want += x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + w;
        }
        sp_items_query q = {0};
        q.collection = SP_COL_MONUMENTS;
        q.limit = 100000;
        q.has_bbox = 1;
        q.bbox[0] = x0, q.bbox[1] = y0, q.bbox[2] = x0 + w, q.bbox[3] = y0 + w;
        long long matched = -1;
        sp_err err = {0};
        if (sp_db_items(db, &q, count_feature, &got, &matched, &err) != SP_OK || got != want) {
            fprintf(stderr, "  bbox %d: %d monuments, want %d (%s)\n", b, got, want, err.msg);
            bad++;
        }
    }
    return bad;
}

static void bulk_points(sp_db *db, int from, int to)
{
    sp_err err = {0};
    sp_db_actor actor = {"unit", NULL, 0, 0};
    SP_CHECK(sp_db_bulk_begin(db, &err) == SP_OK);
    for (int i = from; i < to; i++) {
        char id[16];
        double x, y;
        snprintf(id, sizeof id, "b%d", i);
        grid_point(i, &x, &y);
        test_rec t;
        make_point(&t, id, "Пам'ятка", x, y);
        sp_upsert_result res;
        int64_t rid;
        SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &rid, &err) == SP_OK);
    }
    SP_CHECK(sp_db_bulk_finish(db, &actor, &err) == SP_OK);
    SP_CHECK(sp_db_commit(db, &err) == SP_OK);
}

/* A bulk import into an empty registry packs its three R*Trees in one pass
 * (storage/rtree.c); one into a registry that has rows adds to them row by row. Either way
 * every tree passes rtreecheck() (in sp_db_integrity_check) and answers bbox questions as
 * the points say. */
static void test_db__bulk_import_packs_its_rtrees(void)
{
    sp_db *db = fresh("bulk.sqlite");
    sp_err err = {0};
    bulk_points(db, 0, 6000); /* 6,000 rows: three levels of 51-cell nodes */
    SP_CHECK(sp_db_integrity_check(db, &err) == SP_OK);
    SP_CHECK(monument_count(db) == 6000);
    SP_CHECK(bbox_mismatches(db, 6000) == 0);
    bulk_points(db, 6000, 7000);
    SP_CHECK(sp_db_integrity_check(db, &err) == SP_OK);
    SP_CHECK(bbox_mismatches(db, 7000) == 0);
    if (err.code)
        fprintf(stderr, "  %s\n", err.msg);
    sp_db_close(db);
}

/* Monument i of a varied set: every third a sensitive site, significance in turn national,
 * local or none, every fourth a polygon (a 0.002-degree square around its marker). */
static void varied_record(int i, test_rec *t, char *key, size_t keysz)
{
    double x, y;
    grid_point(i, &x, &y);
    snprintf(key, keysz, "v%d", i);
    make_point(t, key, "Пам'ятка", x, y);
    static const char *const significance[] = {"national", "local", NULL};
    t->rec.values[SP_MF_SIGNIFICANCE] = (char *)significance[i % 3];
    t->rec.values[SP_MF_LOCATION_SENSITIVE] = (char *)(i % 3 == 1 ? "1" : "0");
    if (i % 4 == 0) {
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing), poly;
        const double d = 0.001, corner[5][2] = {{-d, -d}, {d, -d}, {d, d}, {-d, d}, {-d, -d}};
        for (int k = 0; k < 5; k++)
            OGR_G_AddPoint_2D(ring, x + corner[k][0], y + corner[k][1]);
        poly = OGR_G_CreateGeometry(wkbPolygon);
        OGR_G_AddGeometryDirectly(poly, ring);
        t->rec.wkb_len = (size_t)OGR_G_WkbSize(poly);
        SP_CHECK(t->rec.wkb_len <= sizeof t->wkb);
        if (t->rec.wkb_len <= sizeof t->wkb)
            OGR_G_ExportToIsoWkb(poly, wkbNDR, t->wkb);
        OGR_G_DestroyGeometry(poly);
    }
}

/* One text value of a query (a second, plain SQLite connection). */
static char *query_text(const char *file, const char *sql)
{
    char p[512], *out = NULL;
    path(p, sizeof p, file);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        out = strdup((const char *)sqlite3_column_text(st, 0));
    else
        fprintf(stderr, "  %s %s: %s\n", file, sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

/* Every cell of an R*Tree, in row order, as text. */
static char *tree_text(const char *file, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "WITH t(c0, c1, c2, c3, c4) AS (SELECT * FROM %s) "
             "SELECT group_concat(printf('%%lld %%.9g %%.9g %%.9g %%.9g', c0, c1, c2, c3, c4), "
             "';') FROM (SELECT * FROM t ORDER BY c0)",
             table);
    return query_text(file, sql);
}

/* The trees a bulk import packs from one scan (queries.sql bulk_tree_rows) hold what the
 * insert triggers write row by row: the same 500 monuments stored both ways give the same
 * cells in the exact index, the public index (a sensitive site's rounded point) and the
 * map's points (keys carrying the significance's sort order). */
static void test_db__bulk_trees_hold_what_the_triggers_write(void)
{
    sp_db *bulk = fresh("tree-bulk.sqlite"), *rows = fresh("tree-rows.sqlite");
    sp_err err = {0};
    sp_db_actor actor = {"unit", NULL, 0, 0};
    SP_CHECK(sp_db_bulk_begin(bulk, &err) == SP_OK);
    SP_CHECK(sp_db_begin(rows, &err) == SP_OK);
    for (int i = 0; i < 500; i++) {
        test_rec t;
        char key[16];
        varied_record(i, &t, key, sizeof key);
        sp_upsert_result res;
        int64_t a = 0, b = 0;
        SP_CHECK(sp_db_upsert(bulk, &t.rec, &actor, &res, &a, &err) == SP_OK);
        SP_CHECK(sp_db_upsert(rows, &t.rec, &actor, &res, &b, &err) == SP_OK);
        SP_CHECK(a == b);
    }
    SP_CHECK(sp_db_bulk_finish(bulk, &actor, &err) == SP_OK);
    SP_CHECK(sp_db_commit(bulk, &err) == SP_OK);
    SP_CHECK(sp_db_commit(rows, &err) == SP_OK);
    if (err.code)
        fprintf(stderr, "  %s\n", err.msg);
    sp_db_close(bulk);
    sp_db_close(rows);
    static const char *const trees[] = {"idx_monument_geom", "idx_monument_pub", "idx_map_point"};
    for (int k = 0; k < 3; k++) {
        char *got = tree_text("tree-bulk.sqlite", trees[k]);
        char *want = tree_text("tree-rows.sqlite", trees[k]);
        SP_CHECK(got && want && strcmp(got, want) == 0);
        if (got && want && strcmp(got, want) != 0)
            fprintf(stderr, "  %s differs:\n  bulk %.300s\n  rows %.300s\n", trees[k], got, want);
        free(got);
        free(want);
    }
    /* the triggers it dropped are back, word for word */
    const char *triggers = "SELECT group_concat(name || ':' || sql, '|') FROM "
                           "(SELECT * FROM sqlite_master WHERE type = 'trigger' ORDER BY name)";
    char *got = query_text("tree-bulk.sqlite", triggers);
    char *want = query_text("tree-rows.sqlite", triggers);
    SP_CHECK(got && want && strcmp(got, want) == 0);
    free(got);
    free(want);
}

static void test_db__record_without_key_is_refused(void)
{
    sp_db *db = fresh("k.sqlite");
    sp_err err = {0};
    sp_db_actor actor = {"unit", NULL, 0, 0};
    test_rec t;
    make_point(&t, NULL, "Без ключа", 30.5, 50.4);
    sp_upsert_result res;
    int64_t id = 0;
    SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id, &err) == SP_EINVAL);
    SP_CHECK_CONTAINS(err.msg, "record has no key");
    sp_db_close(db);
}

static void test_db__bad_vocab_code_violates_foreign_key(void)
{
    sp_db *db = fresh("fk.sqlite");
    sp_err err = {0};
    sp_db_actor actor = {"unit", NULL, 0, 0};
    test_rec t;
    make_point(&t, "x", "Назва", 30.5, 50.4);
    t.rec.values[SP_MF_SIGNIFICANCE] = (char *)"imperial";
    sp_upsert_result res;
    int64_t id = 0;
    SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id, &err) == SP_ECONFLICT);
    SP_CHECK_CONTAINS(err.msg, "FOREIGN KEY");
    sp_db_close(db);
}

typedef struct export_seen {
    int rows;
    int name_col, kinds_col;
    char name[128], kinds[128];
} export_seen;

static int on_row(void *ctx, const sp_db_row *row, sp_err *err)
{
    (void)err;
    export_seen *s = ctx;
    s->rows++;
    for (int i = 0; i < row->ncols; i++) {
        if (strcmp(row->names[i], "name_uk") == 0)
            snprintf(s->name, sizeof s->name, "%s", row->values[i]);
        if (strcmp(row->names[i], "kinds") == 0)
            snprintf(s->kinds, sizeof s->kinds, "%s", row->values[i]);
    }
    return row->wkb_len > 0 ? SP_OK : SP_EINTERNAL;
}

static void test_db__export_rows_carry_model_fields(void)
{
    sp_db *db = fresh("e.sqlite");
    sp_err err = {0};
    sp_db_actor actor = {"unit", NULL, 0, 0};
    test_rec t;
    make_point(&t, "s1", "Софійський собор", 30.5143, 50.4529);
    sp_upsert_result res;
    int64_t id;
    SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id, &err) == SP_OK);
    export_seen s = {0};
    SP_CHECK(sp_db_monument_foreach(db, 0, on_row, &s, &err) == SP_OK);
    SP_CHECK(s.rows == 1);
    SP_CHECK_STR(s.name, "Софійський собор");
    SP_CHECK_STR(s.kinds, "history;architecture");
    sp_db_close(db);
}

static void test_db__backup_is_consistent_copy(void)
{
    sp_db *db = fresh("b.sqlite");
    sp_err err = {0};
    sp_db_actor actor = {"unit", NULL, 0, 0};
    test_rec t;
    sp_upsert_result res;
    int64_t id;
    sp_db_begin(db, &err);
    for (int i = 0; i < 200; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        make_point(&t, key, "Пам’ятка", 30 + i * 0.001, 50.4);
        SP_CHECK(sp_db_upsert(db, &t.rec, &actor, &res, &id, &err) == SP_OK);
    }
    sp_db_commit(db, &err);
    char out[512];
    path(out, sizeof out, "b-copy.sqlite");
    unlink(out);
    SP_CHECK(sp_db_backup(db, out, &err) == SP_OK);
    sp_db_close(db);
    sp_db *copy = NULL;
    SP_CHECK(sp_db_open(out, SP_DB_READONLY, &copy, &err) == SP_OK);
    SP_CHECK(monument_count(copy) == 200);
    SP_CHECK(sp_db_integrity_check(copy, &err) == SP_OK);
    sp_db_close(copy);
    path(out, sizeof out, "no/such/dir/x.sqlite");
    db = fresh("b.sqlite");
    SP_CHECK(sp_db_backup(db, out, &err) == SP_EIO);
    sp_db_close(db);
}

/* Every statement that stores a record names each of its entity's fields as :<field>, and a
 * statement that lacks one is refused at once rather than bound at the wrong place. */
static void test_db__record_statements_bind_every_field_by_name(void)
{
    static const struct {
        enum sp_q q;
        sp_entity_id e;
    } uses[] = {
        {SP_Q_MONUMENT_INSERT, SP_ENT_MONUMENT},
        {SP_Q_MONUMENT_UPDATE, SP_ENT_MONUMENT},
        {SP_Q_DISTRICT_INSERT, SP_ENT_DISTRICT},
        {SP_Q_DISTRICT_UPDATE, SP_ENT_DISTRICT},
        {SP_Q_ZONE_INSERT, SP_ENT_ZONE},
        {SP_Q_ZONE_UPDATE, SP_ENT_ZONE},
        {SP_Q_REPORT_INSERT, SP_ENT_REPORT},
        {SP_Q_REPORT_CREATE, SP_ENT_REPORT},
        {SP_Q_REPORT_IMPORT_INSERT, SP_ENT_REPORT},
    };
    sp_db *db = fresh("bind.sqlite");
    sp_err err = {0};
    char *none[SP_MAX_FIELDS] = {0};
    for (size_t i = 0; i < sizeof uses / sizeof uses[0]; i++) {
        sp_stmt *st = sp_db_stmt(db, uses[i].q, &err);
        SP_CHECK(st != NULL);
        SP_CHECK(sp_db_bind_fields(db, uses[i].q, st, sp_model_entity(uses[i].e), none, &err) ==
                 SP_OK);
    }
    sp_stmt *st = sp_db_stmt(db, SP_Q_ZONE_INSERT, &err);
    SP_CHECK(sp_db_bind_fields(db, SP_Q_ZONE_INSERT, st, sp_model_entity(SP_ENT_MONUMENT), none,
                               &err) == SP_EINTERNAL);
    SP_CHECK(strstr(err.msg, "zone_insert has no parameter :") != NULL);
    sp_db_close(db);
}

int main(int argc, char **argv)
{
    static const sp_test_case cases[] = {
        {"test_db__migrate_twice_is_noop", test_db__migrate_twice_is_noop},
        {"test_db__readonly_missing_file_fails", test_db__readonly_missing_file_fails},
        {"test_db__not_a_database_is_refused", test_db__not_a_database_is_refused},
        {"test_db__fill_new_writes_without_wal_then_turns_wal_on",
         test_db__fill_new_writes_without_wal_then_turns_wal_on},
        {"test_db__tile_cache_keeps_evicts_and_refuses_stale_tiles",
         test_db__tile_cache_keeps_evicts_and_refuses_stale_tiles},
        {"test_db__upsert_insert_unchanged_update", test_db__upsert_insert_unchanged_update},
        {"test_db__record_without_key_is_refused", test_db__record_without_key_is_refused},
        {"test_db__extent_of_a_deep_rtree", test_db__extent_of_a_deep_rtree},
        {"test_db__bulk_import_packs_its_rtrees", test_db__bulk_import_packs_its_rtrees},
        {"test_db__bulk_trees_hold_what_the_triggers_write",
         test_db__bulk_trees_hold_what_the_triggers_write},
        {"test_db__bad_vocab_code_violates_foreign_key",
         test_db__bad_vocab_code_violates_foreign_key},
        {"test_db__export_rows_carry_model_fields", test_db__export_rows_carry_model_fields},
        {"test_db__backup_is_consistent_copy", test_db__backup_is_consistent_copy},
        {"test_db__record_statements_bind_every_field_by_name",
         test_db__record_statements_bind_every_field_by_name},
        {NULL, NULL},
    };
    return sp_test_main_in_tmpdir(argc, argv, cases, dir, sizeof dir, "spadok-unit");
}
