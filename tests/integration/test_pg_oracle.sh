#!/usr/bin/env bash
# The oracle of issue 23: the same registry on SQLite and on PostgreSQL + PostGIS answers
# every public endpoint alike. Both get the bundled sample (sp_import_sample), the same staff
# accounts, then through each server's HTTP API the same writes (oracle.py write: monument
# edits, a new monument, a location-sensitive site, a deletion, a protection zone, condition
# reports with a correction, citizens' reports approved and rejected, a photo); then
# oracle.py compare asks both servers the same questions and compares status, content type
# and body byte for byte, normalising only random uids (compared by id), timestamps written
# during the test, citizens' random reference numbers and the server's own address.
#
# Endpoints compared (oracle.py, one summary line per group): landing (/, f=html, lang=en),
# /conformance, /api, /collections and each collection, queryables, /datasets,
# /vocabularies, /districts, /tiles; monuments' items with limit/offset, bbox, bbox-crs,
# crs (CRS84, 4326, 3857, 6384), datetime, sortby, the items' filters and questions,
# properties, f=csv/html, lang, updated_since, q= (Ukrainian and English words, word forms,
# prefixes, several words, quotes, backslashes, colons and tsquery operators), filter (CQL2
# text and JSON: comparisons, LIKE, IN, BETWEEN, IS NULL, NOT/AND/OR, S_INTERSECTS,
# S_WITHIN, S_DISJOINT, T_AFTER, T_BEFORE, errors); paging by next links; zones' and
# reports' items; every monument, zone and report item, every monument's history, reports
# and photos, photo thumbnails; the citizen's report status by reference; /stats with every
# group= (JSON, CSV, English); exports (feature counts of GeoJSON, CSV, KML, GeoPackage,
# and README.txt); TileJSON of every layer; PNG tiles of every layer at zooms 6-17 (the
# map's points and clusters, z13 national names, labels, footprints, @2x, filters, lang=en);
# the web pages; then, after the same base map is loaded into both, the base map's tiles
# (z10-17, @2x, lang=en), its TileJSON and /datasets. Then ogrinfo reads the Spadok tables
# on PostGIS with Cyrillic intact, and the public views for GIS clients.
#
# Differences found and fixed (PostgreSQL side, schemas/pg/ and storage/items.c):
#   1. JSON text: PostgreSQL's json_build_object/json_agg write "key" : value, ", " and
#      newlines where SQLite writes none (/vocabularies, a monument's photos, /reports/{ref},
#      the moderation list, audit rows): 001_init.sql's sp_json_text writes SQLite's bytes.
#   2. Tiles at every zoom differed in up to 1,700 pixels: the box tables held exact doubles,
#      SQLite's R*Tree float32 rounded outward, so map points sat elsewhere by a float's step;
#      now every writer stores SQLite's values (sp_f32_down/up), extents and change boxes too.
#   3. filter=kinds ... was a 500: the kinds queryable is SQL storage/items.c writes with
#      SQLite's group_concat and an unnamed FROM subquery; 001_init.sql has a group_concat
#      aggregate and the subquery is named (k) for both engines.
#   4. updated_since=2021-02-30T00:00:00Z was a 500 (PostgreSQL refuses the date, SQLite
#      keeps it as written), and digits past the millisecond were cut where SQLite rounds:
#      sp_strftime_ms answers as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', ?).
#   5. /districts: 1 in 20 coordinates differed in the 6th decimal (ST_AsGeoJSON rounds the
#      binary value, SpatiaLite 15 significant digits half away from zero): sp_geojson.
# Checked and equal: q= with quotes, backslashes, colons and tsquery operators is a 200 or
# the same 400 on both (the C quotes every lexeme), never a 500; every answer is checked
# for a 5xx on either side.
# Differences left, with their reasons (oracle.py KNOWN): none. Known but not reachable
# through the API or an import (not listed): feature GeoJSON at 7 decimals of data with 8
# (both engines store 7) rounds apart as in 5, and reals in JSON that are whole numbers are
# 30 on PostgreSQL, 30.0 on SQLite (a citizen report or photo at a whole degree, staff only).
source "$(dirname "$0")/lib.sh"
need_pg
pg_cluster oracle
PGDB=$(pg_database oracle) || { fail "create database"; finish; }
LITE=$T/registry.sqlite

for db in "$LITE" "$PGDB"; do
  sample_with_staff "$db"
done
check_eq "the same monuments imported" "$(sql "$LITE" "SELECT count(*) FROM monument")" \
  "$(psql -X -At "$PGDB" -c "SELECT count(*) FROM monument")"
# An import leaves the planner statistics of what it wrote (without, a search of a rare word
# walked every monument until autovacuum came by: 0.9 s at 200,000 monuments, not 1 ms).
check_eq "a bulk import gathers statistics (exec_bulk_analyze)" "t|t" \
  "$(psql -X -At "$PGDB" -c "SELECT bool_or(attname = 'tsv'), bool_or(attname = 'name_uk')
                             FROM pg_stats WHERE tablename IN ('monument_fts', 'monument')")"

start_server "$LITE"
A=$URL
mkdir -p "$T/pg-photos" "$T/pg-exports"
cp "$T/server.log" "$T/lite.log"
start_server "$PGDB" --photos "$T/pg-photos" --tile-cache "$T/pg.tiles" --exports "$T/pg-exports"
B=$URL

if python3 "$ROOT/tests/integration/oracle.py" write "$A" "$B" "$T/state.json"; then ok; else
  fail "the same writes through both servers"
  finish
fi
if python3 "$ROOT/tests/integration/oracle.py" compare "$A" "$B" "$T/state.json" \
  "$(dirname "$SPADOK")/tests/tools/pngdiff"; then ok; else
  fail "SQLite and PostgreSQL answer differently (DIFF lines above)"
fi
# The base map above drew the districts (no base-map data); now the same base map in both
# (an invented town at 20 E 45 N), loaded while the servers run.
for db in "$LITE" "$PGDB"; do
  "$SPADOK" basemap import --db "$db" "$ROOT/tests/data/basemap/town.osm" >"$T/basemap.log" 2>&1 ||
    { cat "$T/basemap.log" >&2; fail "spadok basemap import into $db"; }
done
if python3 "$ROOT/tests/integration/oracle.py" basemap "$A" "$B" "$T/state.json" \
  "$(dirname "$SPADOK")/tests/tools/pngdiff"; then ok; else
  fail "SQLite and PostgreSQL draw the base map differently (DIFF lines above)"
fi

# QGIS and GDAL read the tables on PostGIS directly, Cyrillic intact; the public views show a
# location-sensitive site only at its published point (0.01 degree).
PGCONN="PG:${PGDB}"
if command -v ogrinfo >/dev/null; then
  layers=$(ogrinfo -ro -q "$PGCONN" 2>&1)
  check_contains "ogrinfo lists the monument table" "$layers" ": monument (Unknown (any), Point"
  check_contains "and the public view of monuments" "$layers" "monument_public"
  check_contains "and of zones" "$layers" "protection_zone_public"
  check_contains "ogrinfo reads a Cyrillic name" \
    "$(ogrinfo -ro -q "$PGCONN" -sql "SELECT name_uk FROM monument WHERE name_uk LIKE 'Софій%'" 2>&1)" \
    "name_uk (String) = Софійський собор"
  site=$(ogrinfo -ro -q "$PGCONN" monument_public -where "name_uk = 'Городище Оракул'" 2>&1)
  check_contains "the public view: a sensitive site at its published point" "$site" "POINT (30.49 50.46)"
  check_contains "with its Cyrillic name" "$site" "name_uk (String) = Городище Оракул"
  check_eq "the public view: live monuments only, as /collections/monuments/items" \
    "$(sql "$LITE" "SELECT count(*) FROM monument WHERE deleted_at IS NULL")" \
    "$(feature_count "$PGCONN" monument_public)"
else
  skip_part "ogrinfo (GDAL) is not installed"
fi
finish
