#!/usr/bin/env bash
# The base map (issue 22): `spadok basemap import` of a hand-made OpenStreetMap file
# (tests/data/basemap/, an invented town at 20 E 45 N: nothing here may assume Kyiv), its data
# set credited under ODbL, bad input refused with the old base map kept, a re-import replacing
# it whole.
source "$(dirname "$0")/lib.sh"
OSM=$ROOT/tests/data/basemap/town.osm
DB=$T/r.sqlite

out=$("$SPADOK" basemap import --db "$DB" "$OSM" 2>/dev/null)
check_contains "the import says what it kept" "$out" "kept 28 (roads 8, railways 1, water 2"
check_eq "streets, river, park, buildings and places stored by class" \
  "building|12 park|1 place_minor|1 place_town|1 place_village|1 rail|1 river|1 road_minor|3 road_motorway|1 road_path|1 road_primary|1 road_secondary|1 road_tertiary|1 water|1 wood|1" \
  "$(sql "$DB" "SELECT class, count(*) FROM basemap_feature GROUP BY class ORDER BY class" | tr '\n' ' ' | sed 's/ $//')"
check_eq "Cyrillic names and name:en kept" "вулиця Ґонти|Honty Street" \
  "$(sql "$DB" "SELECT name_uk, name_en FROM basemap_feature WHERE name_uk = 'вулиця Ґонти'")"
check_eq "a street without name:en has none" "" \
  "$(sql "$DB" "SELECT name_en FROM basemap_feature WHERE name_uk = 'вулиця Садова'")"
check_eq "every feature is in the R*Tree, with the zoom it is drawn from" "28|15" \
  "$(sql "$DB" "SELECT count(*), CAST(max(zmin) AS INTEGER) FROM basemap_rtree")"
check_eq "its data set is OpenStreetMap's under ODbL" "ODbL-1.0|© OpenStreetMap contributors" \
  "$(sql "$DB" "SELECT licence, attribution FROM dataset WHERE name = 'basemap'")"

# Bad input: a clear one-line reason, the base map before it kept whole.
before=$(sql "$DB" "SELECT count(*) FROM basemap_feature")
err=$("$SPADOK" basemap import --db "$DB" "$T/missing.osm" 2>&1 >/dev/null)
check_eq "a missing file is named" "spadok: $T/missing.osm: no such file" "$err"
printf 'not osm' >"$T/bad.osm"
check_true "a file GDAL cannot read fails" sh -c "! '$SPADOK' basemap import --db '$DB' '$OSM' '$T/bad.osm' 2>/dev/null"
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"x":1},"geometry":{"type":"Point","coordinates":[20,45]}}]}' >"$T/none.geojson"
err=$("$SPADOK" basemap import --db "$DB" "$T/none.geojson" 2>&1 >/dev/null)
check_contains "a source with nothing of a base map says so" "$err" "nothing of a base map in 1 features"
check_eq "and the base map before them stays whole" "$before" "$(sql "$DB" "SELECT count(*) FROM basemap_feature")"
err=$("$SPADOK" basemap import --db "$DB" --class castle "$T/none.geojson" 2>&1 >/dev/null)
check_contains "an unknown --class is refused" "$err" "no such base-map class"

# Any OGR source: one of fields named like OSM's keys, and one given a class.
cat >"$T/roads.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"highway": "primary", "name": "вулиця Нова", "name_en": "New Street"},
  "geometry": {"type": "LineString", "coordinates": [[20.0, 45.0], [20.01, 45.0]]}}]}
JSON
"$SPADOK" basemap import --db "$DB" --dataset city-roads --licence CC-BY-4.0 \
  --attribution "City roads (CC BY 4.0)" "$T/roads.geojson" >/dev/null 2>&1
check_eq "a re-import replaces the base map whole" "road_primary|вулиця Нова|New Street" \
  "$(sql "$DB" "SELECT class, name_uk, name_en FROM basemap_feature")"
check_eq "and its R*Tree" "1" "$(sql "$DB" "SELECT count(*) FROM basemap_rtree")"
check_eq "its data set with the licence given" "CC-BY-4.0" \
  "$(sql "$DB" "SELECT licence FROM dataset WHERE name = 'city-roads'")"
finish
