#!/usr/bin/env bash
# schemas/pg/001_init.sql gives PostgreSQL + PostGIS the model SQLite has after its migrations
# (issue 23): the same tables and views with the same columns in the same order, the same
# vocabularies, trigger and index names, and the same outcome of the rules' triggers for the
# same SQL (a monument's condition from its reports, a sensitive site's published point, the
# map's point keys and change boxes, the questions' views); on PostgreSQL the search index
# gets its pending rows. A throwaway cluster (scripts/lib.sh, sp_pg_start) on a free port.
source "$(dirname "$0")/lib.sh"

pg_cluster schema
URI=$PG_URI
DB=${URI%/postgres}/spadok_test
pg() { psql -X -q -At -F '|' -v ON_ERROR_STOP=1 "$DB" "$@"; }
pg_database spadok_test >/dev/null || fail "create database"
if ! out=$("$SPADOK" migrate --db "$DB" 2>&1); then
  printf '%s\n' "$out" >&2
  fail "spadok migrate does not apply schemas/pg/ to a new database"
  finish
fi

REG=$T/registry.sqlite
"$SPADOK" migrate --db "$REG" >/dev/null 2>"$T/migrate.log" || { cat "$T/migrate.log" >&2; fail "spadok migrate"; finish; }
# SpatiaLite's own metadata, to be left out: what InitSpatialMetadata makes, and
# InsertEpsgSrid on first use (spatial_ref_sys_aux, spatial_ref_sys_all).
sqlite3 -batch -cmd ".load mod_spatialite" "$T/lib.sqlite" \
  "SELECT InitSpatialMetadata('NONE'); SELECT InsertEpsgSrid(4326)" >/dev/null
lite() {
  sqlite3 -batch -noheader -separator '|' -cmd ".load mod_spatialite" \
    -cmd "ATTACH '$T/lib.sqlite' AS lib" "$REG" "$1" 2>&1
}
# same WHAT FILE_A FILE_B: the two engines' answers, with the difference on failure.
same() {
  if diff -u --label sqlite --label postgresql "$2" "$3" >"$T/diff"; then ok; else
    cat "$T/diff" >&2
    fail "$1 differ (- SQLite, + PostgreSQL)"
  fi
}

# ---- (a) tables and views, their columns in order ---------------------------------------
# SQLite: ours, not SpatiaLite's metadata nor the shadow tables of the R*Tree and FTS5
# tables (pragma_table_list types those 'shadow'); generated columns (xinfo hidden 2, 3) count,
# a virtual table's hidden columns (FTS5's own name and rank: hidden 1) do not.
lite "SELECT t.name || '|' || c.name FROM pragma_table_list t, pragma_table_xinfo(t.name) c
      WHERE t.schema = 'main' AND t.type IN ('table', 'view', 'virtual')
        AND t.name NOT LIKE 'sqlite_%' AND c.hidden <> 1
        AND t.name NOT IN (SELECT name FROM lib.sqlite_master)
      ORDER BY t.name, c.cid" >"$T/cols.sqlite"
# PostgreSQL: public minus PostGIS's relations; what the model adds on purpose: the version
# row (PRAGMA user_version), the tables behind the R*Tree and map_change views (xmin, xmax
# are system columns there), monument_fts's rowid (implicit in FTS5) and tsv (its index),
# the public views for GIS clients that read the database itself (monument_public, ...).
pg -c "SELECT table_name || '|' || column_name FROM information_schema.columns
       WHERE table_schema = 'public'
         AND table_name NOT IN ('spatial_ref_sys', 'geography_columns', 'geometry_columns',
                                'raster_columns', 'raster_overviews', 'spadok_schema',
                                'monument_public', 'protection_zone_public')
         AND table_name NOT LIKE '%\_rows'
         AND (table_name, column_name) NOT IN (('monument_fts', 'rowid'), ('monument_fts', 'tsv'))
       ORDER BY table_name, ordinal_position" >"$T/cols.pg"
check_true "SQLite lists tables and columns" test "$(wc -l <"$T/cols.sqlite")" -gt 200
same "tables, views and columns" "$T/cols.sqlite" "$T/cols.pg"
check_eq "spadok_schema" "1" "$(pg -c 'SELECT version FROM spadok_schema')"

# Every trigger under SQLite's name (the bulk paths set them aside by name), but the search
# index's delete trigger, which PostgreSQL's foreign key (ON DELETE CASCADE) replaces; every
# named index of SQLite's under its name.
lite "SELECT name FROM sqlite_master WHERE type = 'trigger'
        AND name NOT IN (SELECT name FROM lib.sqlite_master) AND name <> 'monument_fts_delete'
      ORDER BY name" >"$T/triggers.sqlite"
pg -c "SELECT DISTINCT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname" >"$T/triggers.pg"
same "trigger names" "$T/triggers.sqlite" "$T/triggers.pg"
lite "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
        AND name NOT IN (SELECT name FROM lib.sqlite_master) ORDER BY name" >"$T/indexes.sqlite"
pg -c "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'" | LC_ALL=C sort >"$T/indexes.pg"
check_eq "SQLite's indexes missing on PostgreSQL" "" \
  "$(LC_ALL=C comm -23 "$T/indexes.sqlite" "$T/indexes.pg" | tr '\n' ' ')"

# ---- (b) the vocabularies' rows, and the data sets a new registry has -----------------------
for t in $(lite "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'vocab_*'
                 ORDER BY name"); do
  lite "SELECT * FROM $t ORDER BY 1, 2" >"$T/$t.sqlite"
  pg -c "SELECT * FROM $t ORDER BY 1, 2" >"$T/$t.pg"
  check_true "$t has rows" test -s "$T/$t.sqlite"
  same "rows of $t" "$T/$t.sqlite" "$T/$t.pg"
done
lite "SELECT name, title, licence FROM dataset ORDER BY name" >"$T/dataset.sqlite"
pg -c "SELECT name, title, licence FROM dataset ORDER BY name" >"$T/dataset.pg"
same "data sets" "$T/dataset.sqlite" "$T/dataset.pg"

# ---- (c) the rules, by the same SQL on both engines ------------------------------------------
# The sqlite3 shell has no sp_search_words() (storage registers it): the search triggers go
# from this throwaway copy; PostgreSQL's search rule is checked below.
lite "DROP TRIGGER monument_fts_insert; DROP TRIGGER monument_fts_update" >/dev/null
# m2..m4 are sensitive sites; m2's and m3's markers lie on a half of the 0.01 degree grid as
# written in decimal (30.525 is 30.524999... in binary): both engines round it away from zero.
cat >"$T/rules.sql" <<'SQL'
INSERT INTO monument (uid, dataset, name_uk, content_hash, location_sensitive, significance,
                      deleted_at, geom, marker) VALUES
 ('m1', 'api', 'Софійський собор', 'h1', 0, 'national', NULL,
  ST_GeomFromText('POLYGON((30.51 50.45, 30.52 50.45, 30.52 50.46, 30.51 50.46, 30.51 50.45))', 4326),
  ST_GeomFromText('POINT(30.5143 50.4529)', 4326)),
 ('m2', 'api', 'Городище', 'h2', 1, 'local', NULL,
  ST_GeomFromText('POINT(30.525 50.455)', 4326), ST_GeomFromText('POINT(30.525 50.455)', 4326)),
 ('m3', 'api', 'Курган', 'h3', 1, NULL, NULL,
  ST_GeomFromText('POINT(2.675 -30.525)', 4326), ST_GeomFromText('POINT(2.675 -30.525)', 4326)),
 ('m4', 'api', 'Стоянка', 'h4', 1, 'not_established', '2024-01-01T00:00:00.000Z',
  ST_GeomFromText('POINT(-1.0149 0.015)', 4326), ST_GeomFromText('POINT(-1.0149 0.015)', 4326)),
 ('m5', 'api', 'Садиба', 'h5', 0, NULL, NULL,
  ST_GeomFromText('POINT(24.03 49.84)', 4326), ST_GeomFromText('POINT(24.03 49.84)', 4326));
INSERT INTO condition_report (monument_id, report_type, status, verification, condition,
                              observed_on, event_date, repeat_hit, damage_level) VALUES
 ((SELECT id FROM monument WHERE uid = 'm1'), 'inspection', 'approved', 'confirmed', 'good',
  '2024-01-01', NULL, NULL, NULL),
 ((SELECT id FROM monument WHERE uid = 'm1'), 'damage', 'approved', 'unverified', 'emergency',
  NULL, '2024-06-01', 1, 'severe'),
 ((SELECT id FROM monument WHERE uid = 'm1'), 'damage', 'pending', 'unverified', 'lost',
  NULL, '2025-01-01', NULL, 'destroyed'),
 ((SELECT id FROM monument WHERE uid = 'm1'), 'damage', 'approved', 'rejected', 'lost',
  NULL, '2025-02-01', NULL, 'destroyed'),
 ((SELECT id FROM monument WHERE uid = 'm2'), 'technical_act', 'approved', 'confirmed',
  'unsatisfactory', '2999-01-01', NULL, NULL, NULL),
 ((SELECT id FROM monument WHERE uid = 'm3'), 'technical_act', 'approved', 'confirmed',
  'satisfactory', '2000-01-01', NULL, NULL, 'minor');
-- A correction of the damage report, dated before the inspection: the inspection's 'good'
-- is the latest of the reports nothing supersedes.
INSERT INTO condition_report (monument_id, report_type, status, verification, condition,
                              observed_on, supersedes_id)
SELECT monument_id, 'inspection', 'approved', 'confirmed', 'satisfactory', '2023-12-01', id
FROM condition_report WHERE report_type = 'damage' AND status = 'approved'
  AND verification = 'unverified';
UPDATE monument SET geom = ST_GeomFromText('POINT(30.6 50.5)', 4326),
                    marker = ST_GeomFromText('POINT(30.6 50.5)', 4326) WHERE uid = 'm2';
UPDATE monument SET significance = 'national' WHERE uid = 'm3';
DELETE FROM monument WHERE uid = 'm5';
-- A zone of a sensitive site is published as its box on the 0.01 degree grid; another as is.
INSERT INTO protection_zone (dataset, source_id, monument_id, zone_type, content_hash, geom)
VALUES ('api', 'z1', (SELECT id FROM monument WHERE uid = 'm2'), 'protection_zone', 'z',
        ST_GeomFromText('POLYGON((30.5212 50.4511, 30.5288 50.4511, 30.5288 50.4589,
                                  30.5212 50.4589, 30.5212 50.4511))', 4326)),
       ('api', 'z2', (SELECT id FROM monument WHERE uid = 'm1'), 'protection_zone', 'z',
        ST_GeomFromText('POLYGON((30.5112 50.4511, 30.5188 50.4511, 30.5188 50.4589,
                                  30.5112 50.4511))', 4326)),
       ('api', 'z3', NULL, 'historic_area', 'z',
        ST_GeomFromText('POLYGON((30.1 50.1, 30.9 50.1, 30.9 50.9, 30.1 50.1))', 4326));
UPDATE protection_zone SET name_uk = 'Охоронна зона' WHERE source_id = 'z2';
DELETE FROM protection_zone WHERE source_id = 'z3';
-- A district: a map change "anywhere" (a NULL box) when it is added and when its name or
-- content change, not when a write leaves them as they were.
INSERT INTO district (dataset, source_id, name_uk, name_en, content_hash, geom)
VALUES ('api', 'd1', 'Голосіївський район', 'Golosiivskyi district', 'c1',
        ST_GeomFromText('POLYGON((30.1 50.1, 30.9 50.1, 30.9 50.9, 30.1 50.9, 30.1 50.1))', 4326));
UPDATE district SET content_hash = 'c1';
UPDATE district SET name_en = 'Holosiivskyi district';
SQL
cat >"$T/answers.sql" <<'SQL'
SELECT uid, condition, last_inspected, version FROM monument ORDER BY uid;
-- Geometry as text only for points (SpatiaLite writes ", " between a ring's points, PostGIS ",").
SELECT uid, ST_AsText(pub_marker), ST_AsText(CASE WHEN location_sensitive = 1 THEN pub_geom END),
       CASE WHEN ST_Equals(pub_geom, geom) THEN 1 ELSE 0 END
  FROM monument ORDER BY uid;
-- SQLite's R*Tree keeps 32-bit floats rounded outward (30.51 -> 30.509996): 4 decimals.
SELECT m.uid, p.key, round(p.xmin * 10000) / 10000, round(p.ymin * 10000) / 10000
  FROM idx_map_point p JOIN monument m ON m.id = p.key >> 8 ORDER BY m.uid;
SELECT m.uid, round(p.xmin * 10000) / 10000, round(p.xmax * 10000) / 10000,
       round(p.ymin * 10000) / 10000, round(p.ymax * 10000) / 10000
  FROM idx_monument_pub p JOIN monument m ON m.id = p.pkid ORDER BY m.uid;
SELECT m.uid, round(g.xmin * 10000) / 10000, round(g.ymax * 10000) / 10000
  FROM idx_monument_geom g JOIN monument m ON m.id = g.pkid ORDER BY m.uid;
SELECT count(*), round(sum(xmin) * 1000) / 1000, round(sum(ymax) * 1000) / 1000 FROM map_change;
SELECT m.uid, d.day, d.repeat_hit FROM damage_event d JOIN monument m ON m.id = d.monument_id
 ORDER BY m.uid, d.day;
SELECT m.uid FROM hit_again h JOIN monument m ON m.id = h.monument_id ORDER BY m.uid;
SELECT m.uid FROM technical_act_current t JOIN monument m ON m.id = t.monument_id ORDER BY m.uid;
SELECT source_id, replace(ST_AsText(pub_geom), ', ', ',') FROM protection_zone_pub ORDER BY 1;
SELECT z.source_id, round(i.xmin * 10000) / 10000, round(i.ymax * 10000) / 10000
  FROM idx_protection_zone_geom i JOIN protection_zone z ON z.id = i.pkid ORDER BY 1;
SELECT d.name_en, round(i.xmax * 10000) / 10000 FROM idx_district_geom i JOIN district d ON d.id = i.pkid;
SELECT count(*) FROM map_change WHERE xmin IS NULL;
SQL
if lite "$(cat "$T/rules.sql")" >"$T/rules.sqlite.out" && [ ! -s "$T/rules.sqlite.out" ]; then ok; else
  cat "$T/rules.sqlite.out" >&2; fail "the rules' SQL on SQLite"
fi
if pg -f "$T/rules.sql" >"$T/rules.pg.out" 2>&1; then ok; else
  cat "$T/rules.pg.out" >&2; fail "the rules' SQL on PostgreSQL"
fi
lite "$(cat "$T/answers.sql")" >"$T/answers.sqlite"
pg -f "$T/answers.sql" >"$T/answers.pg" 2>&1
same "the rules' outcome" "$T/answers.sqlite" "$T/answers.pg"
# What the rules say, so that two engines agreeing on something wrong fail too.
check_contains "m1's condition from its latest unsuperseded report" "$(cat "$T/answers.pg")" \
  "m1|good|2024-01-01|4"
check_contains "a sensitive site's point, rounded half away from zero" "$(cat "$T/answers.pg")" \
  "m3|POINT(2.68 -30.53)|POINT(2.68 -30.53)|0"
check_contains "a sensitive site's zone, as SpatiaLite's BuildMbr draws its box" \
  "$(cat "$T/answers.pg")" "z1|POLYGON((30.52 50.45,30.53 50.45,30.53 50.46,30.52 50.46,30.52 50.45))"

# ---- the search index's pending rows (PostgreSQL only) -----------------------------------------
check_eq "every monument pending for search" "4|4" \
  "$(pg -c "SELECT count(*), count(*) FILTER (WHERE words IS NULL) FROM monument_fts")"
pg -c "UPDATE monument_fts SET words = 'софійський софійськ собор 0001'" >/dev/null
check_eq "filled words are searched as lexemes, prefixes too" "4" \
  "$(pg -c "SELECT count(*) FROM monument_fts WHERE tsv @@ '''соф'':* & (''собор'' | ''x'')'::tsquery")"
pg -c "UPDATE monument SET name_en = 'St Sophia Cathedral' WHERE uid = 'm1';
       UPDATE monument SET description = 'not searched' WHERE uid = 'm2'" >/dev/null
check_eq "a renamed monument is pending again, not one whose other fields changed" "m1" \
  "$(pg -c "SELECT m.uid FROM monument_fts f JOIN monument m ON m.id = f.rowid
            WHERE f.words IS NULL")"
pg -c "DELETE FROM condition_report; DELETE FROM monument WHERE uid = 'm1'" >/dev/null
check_eq "a deleted monument leaves the indexes" "3|3|3|3" \
  "$(pg -c "SELECT (SELECT count(*) FROM monument_fts), (SELECT count(*) FROM idx_monument_geom),
                   (SELECT count(*) FROM idx_monument_pub), (SELECT count(*) FROM idx_map_point)")"
finish
