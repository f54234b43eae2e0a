#!/usr/bin/env bash
# Export round trip: spadok export in every format, read back by ogr2ogr into a SpatiaLite
# file, compared with the database: same monuments, Cyrillic names intact, geometries within
# 1e-7 degrees. Uses the sample, and the 9,228-record register when ../shared is present.
source "$(dirname "$0")/lib.sh"
M=$ROOT/importers/mappings
DB=$T/r.sqlite
import_sample "$DB"
if [ -d "$SHARED" ]; then
  "$SPADOK" import --quiet --db "$DB" --mapping "$M/schleswig_holstein_denkmalliste.json" \
    "$SHARED/schleswig_holstein_denkmalliste/sh_denkmalliste.geojson" >/dev/null 2>&1
else
  skip_part "the round trip of ../shared/data's Schleswig-Holstein list: ../shared/data absent (the bundled sample only)"
fi
total=$(sql "$DB" "SELECT count(*) FROM monument")

for fmt in gpkg geojson csv kml; do
  out="$T/пам’ятки.$fmt"
  msg=$("$SPADOK" export --quiet --db "$DB" --format $fmt "$out" 2>&1)
  check_eq "$fmt: export exit" 0 $?
  check_contains "$fmt: export message" "$msg" "exported $total monuments"
  check_eq "$fmt: ogrinfo counts all" "$total" "$(feature_count "$out")"
  rt=$T/rt_$fmt.sqlite
  rm -f "$rt"
  ogr2ogr -f SQLite -dsco SPATIALITE=YES -lco GEOMETRY_NAME=g -nln rt "$rt" "$out" >/dev/null 2>&1
  check_eq "$fmt: ogr2ogr read it" 0 $?
  name=name_uk
  [ $fmt = kml ] && name=Name   # KML carries name_uk as the placemark <name>
  check_eq "$fmt: every uid back with the same Cyrillic name" "$total" \
    "$(sql "$DB" "ATTACH '$rt' AS rt; SELECT count(*) FROM monument m JOIN rt.rt r ON r.uid = m.uid WHERE r.$name = m.name_uk")"
  check_eq "$fmt: geometries within 1e-7 degrees" 0 \
    "$(sql "$DB" "ATTACH '$rt' AS rt; SELECT count(*) FROM monument m JOIN rt.rt r ON r.uid = m.uid WHERE NOT (HausdorffDistance(m.geom, r.g) <= 1e-7)")"
  check_eq "$fmt: kinds and significance survive" "$total" \
    "$(sql "$DB" "ATTACH '$rt' AS rt; SELECT count(*) FROM monument_v m JOIN rt.rt r ON r.uid = m.uid WHERE coalesce(r.kinds, '') = coalesce(m.kinds, '') AND coalesce(r.significance, '') = coalesce(m.significance, '')")"
done
# Every field survives: the GeoJSON export imports back as "unchanged".
out=$("$SPADOK" import --quiet --db "$DB" "$T/пам’ятки.geojson" 2>&1)
check_contains "re-import of the export is all unchanged" "$out" "read $total = inserted 0 + updated 0 + unchanged $total + conflicted 0 + rejected 0"
out=$("$SPADOK" import --quiet --db "$DB" "$T/пам’ятки.gpkg" 2>&1)
check_contains "re-import of the GeoPackage is all unchanged" "$out" "read $total = inserted 0 + updated 0 + unchanged $total + conflicted 0 + rejected 0"
# Into a fresh database: same uids, same fields.
"$SPADOK" import --quiet --db "$T/fresh.sqlite" "$T/пам’ятки.gpkg" >/dev/null 2>&1
check_eq "fresh database from the export has identical records" \
  "$(sql "$DB" "SELECT group_concat(uid || name_uk || coalesce(kinds,'') || coalesce(dating,'') || coalesce(district,''), '') FROM (SELECT * FROM monument_v ORDER BY uid)" | md5sum)" \
  "$(sql "$T/fresh.sqlite" "SELECT group_concat(uid || name_uk || coalesce(kinds,'') || coalesce(dating,'') || coalesce(district,''), '') FROM (SELECT * FROM monument_v ORDER BY uid)" | md5sum)"
"$SPADOK" export --quiet --db "$DB" --format shp "$T/x.shp" >/dev/null 2>"$T/err"
check_eq "unknown export format: exit 1" 1 $?
check_contains "unknown export format: message" "$(cat "$T/err")" "unknown format 'shp'"
finish
