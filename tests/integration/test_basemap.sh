#!/usr/bin/env bash
# The base map (issue 22): `spadok basemap import` of a hand-made OpenStreetMap file
# (tests/data/basemap/, an invented town at 20 E 45 N: nothing here may assume Kyiv), its data
# set credited under ODbL, bad input refused with the old base map kept, a re-import replacing
# it whole; /tiles/basemap at z12-17 against reference images (tests/data/tiles/basemap-*.png,
# SPADOK_UPDATE_REFERENCE=1 rewrites them), labels in English and Ukrainian cached apart, the
# cache dropped by a re-import, TileJSON and /tiles crediting it, `tiles seed` and the MBTiles
# export; without base-map data, the districts (invented ones, around the same town).
source "$(dirname "$0")/lib.sh"
PNGDIFF=$(dirname "$SPADOK")/tests/tools/pngdiff
REF=$ROOT/tests/data/tiles
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

# Tags in GDAL's other_tags: escaped quotes and backslashes, keys that end like name:en, and
# name:uk before name.
cat >"$T/tricky.osm" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand-made for the Spadok tests">
  <node id="1" version="1" lat="45.0" lon="20.0"/>
  <node id="2" version="1" lat="45.0" lon="20.01"/>
  <node id="3" version="1" lat="45.001" lon="20.0">
    <tag k="place" v="village"/><tag k="name" v="Село"/><tag k="alt_name:en" v="Wrong"/>
    <tag k="name:en" v="The &quot;Quoted&quot; =&gt; Village"/>
  </node>
  <way id="10" version="1"><nd ref="1"/><nd ref="2"/>
    <tag k="highway" v="residential"/><tag k="name" v="Test Street"/><tag k="old_name:en" v="Old"/>
    <tag k="name:uk" v="вулиця Тестова"/><tag k="name:en" v="Back\slash Street"/>
  </way>
</osm>
XML
"$SPADOK" basemap import --db "$T/tricky.sqlite" "$T/tricky.osm" >/dev/null 2>&1
check_eq "other_tags read as OSM's tags" \
  'place_village|Село|The "Quoted" => Village road_minor|вулиця Тестова|Back\slash Street' \
  "$(sql "$T/tricky.sqlite" "SELECT class, name_uk, name_en FROM basemap_feature ORDER BY class" | tr '\n' ' ' | sed 's/ $//')"

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
  "geometry": {"type": "LineString", "coordinates": [[20.0, 45.0], [20.01, 45.0]]}},
 {"type": "Feature", "properties": {"place": "suburb", "name": "Нове місто"},
  "geometry": {"type": "Polygon", "coordinates": [[[20.0, 45.0], [20.02, 45.0], [20.02, 45.02], [20.0, 45.02], [20.0, 45.0]]]}}]}
JSON
"$SPADOK" basemap import --db "$DB" --dataset city-roads --licence CC-BY-4.0 \
  --attribution "City roads (CC BY 4.0)" "$T/roads.geojson" >/dev/null 2>&1
check_eq "a re-import replaces the base map whole" "road_primary|вулиця Нова|New Street" \
  "$(sql "$DB" "SELECT class, name_uk, name_en FROM basemap_feature WHERE class LIKE 'road%'")"
check_eq "and its R*Tree" "2" "$(sql "$DB" "SELECT count(*) FROM basemap_rtree")"
check_eq "a place mapped as an area is named at a point inside it" "place_village|Нове місто|1" \
  "$(sql "$DB" "SELECT class, name_uk, length(wkb) = 21 FROM basemap_feature WHERE class LIKE 'place%'")"
check_eq "its data set with the licence given" "CC-BY-4.0" \
  "$(sql "$DB" "SELECT licence FROM dataset WHERE name = 'city-roads'")"

# ---- tiles ---------------------------------------------------------------------------------
DB=$T/town.sqlite
"$SPADOK" basemap import --db "$DB" "$OSM" >/dev/null 2>&1
start_server "$DB"
centre="20.0 45.0"
refs=(
  "$(tile 12 $centre).png basemap-z12.png"
  "$(tile 13 $centre).png basemap-z13.png"
  "$(tile 14 $centre).png basemap-z14.png"
  "$(tile 15 $centre).png basemap-z15.png"
  "$(tile 16 19.997 45.001).png basemap-z16.png"
  "$(tile 17 20.0005 45.0005).png basemap-z17.png"
  "$(tile 16 19.997 45.001)@2x.png basemap-z16@2x.png"
  "$(tile 16 19.997 45.001).png?lang=en basemap-z16-en.png"
)
for r in "${refs[@]}"; do
  read -r path name <<<"$r"
  check_eq "GET /tiles/basemap/$path" 200 "$(http "/tiles/basemap/$path")"
  check_eq "$name is a PNG" "image/png" "$(header Content-Type)"
  same_as_reference "$name"
done
# pixel Z LON LAT: "x y" of the point within its tile
pixel() {
  python3 -c 'import math, sys
z, lon, lat = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
n = 2 ** z * 256
print("%d %d" % ((lon + 180) / 360 * n % 256, (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n % 256))' "$@"
}
# The middle of a building of the town (57 m east, 55 m north of its centre): drawn in the
# buildings' colour from z15, not at z14.
building="20.000725 45.000494"
check_eq "a building is drawn at z15" "226 222 215 255" "$("$PNGDIFF" --at "$REF/basemap-z15.png" $(pixel 15 $building))"
check_true "and not at z14" test "$("$PNGDIFF" --at "$REF/basemap-z14.png" $(pixel 14 $building))" != "226 222 215 255"

# Labels by language: the same place differs in its names, each cached on its own.
z16="/tiles/basemap/$(tile 16 19.997 45.001).png"
http "$z16" >/dev/null && cp "$T/body" "$T/uk.png"
http "$z16?lang=uk" >/dev/null && cp "$T/body" "$T/uk2.png"
http "$z16?lang=en" >/dev/null && cp "$T/body" "$T/en.png"
check_true "lang=uk is the default" cmp -s "$T/uk.png" "$T/uk2.png"
read -r _ differing _ <<<"$("$PNGDIFF" "$T/uk.png" "$T/en.png" 24)"
check_true "the English and the Ukrainian tile differ (in their labels: $differing)" \
  test "${differing#differing=}" -gt 100
IFS=/ read -r lz lx ly <<<"$(tile 16 19.997 45.001)"
check_eq "each language is cached on its own" "|||||en |||||uk" \
  "$(sqlite3 "$DB.tiles" "SELECT filter FROM tile WHERE layer = 'basemap' AND z = $lz AND x = $lx AND y = $ly AND scale = 1 ORDER BY filter" | tr '\n' ' ' | sed 's/ $//')"
check_eq "lang other than uk or en is refused" 400 "$(http "$z16?lang=de")"
check_eq "the monuments layer takes lang too" 200 "$(http "/tiles/monuments/$(tile 16 19.997 45.001).png?lang=en")"

# TileJSON and /tiles: Spadok's own base map, credited from its data set.
check_eq "GET /tiles/basemap.json" 200 "$(http /tiles/basemap.json)"
check_contains "its tiles are Spadok's own" "$(cat "$T/body")" "/tiles/basemap/{z}/{x}/{y}.png"
check_contains "its attribution credits OpenStreetMap under ODbL" "$(cat "$T/body")" "OpenStreetMap contributors (ODbL-1.0)"
http "/tiles/basemap.json?lang=en" >/dev/null
check_contains "the TileJSON of the English tiles keeps lang in their URL" "$(cat "$T/body")" \
  "/tiles/basemap/{z}/{x}/{y}.png?lang=en"
http /tiles >/dev/null
check_eq "/tiles lists the base map once" 1 "$(grep -o '"name":"basemap"' "$T/body" | wc -l)"
check_contains "/datasets credits the base map" "$(curl -s "$URL/datasets")" "ODbL-1.0"

# A re-import drops the cached tiles: the same address now shows the new base map.
etag=$(curl -s -D - -o /dev/null "$URL$z16" | grep -i '^etag' | tr -d '\r')
sed 's/вулиця Ґонти/вулиця Нова/' "$OSM" >"$T/town2.osm"
"$SPADOK" basemap import --db "$DB" "$T/town2.osm" >/dev/null 2>&1
http "$z16" >/dev/null && cp "$T/body" "$T/after.png"
check_true "after a re-import the tile shows the new names" sh -c "! cmp -s '$T/uk.png' '$T/after.png'"
check_true "and has another ETag" test "$(header ETag)" != "${etag#*: }"
# The data sets a running server credits follow a re-import of another data set (its
# responses are cached by the data's version: the import writes an audit row).
http /datasets >/dev/null
"$SPADOK" basemap import --db "$DB" --dataset city-roads-2 --licence CC0-1.0 "$T/roads.geojson" >/dev/null 2>&1
check_contains "a running server's /datasets credits the new base map" "$(curl -s "$URL/datasets")" "city-roads-2"
check_eq "and no longer the old one" "" "$(curl -s "$URL/datasets" | grep -o '"name":"basemap"')"
check_eq "the audit log says who replaced it with what" "basemap import|update|city-roads-2" \
  "$(sql "$DB" "SELECT actor, action, json_extract(after, '$.files[0].dataset') FROM audit_log WHERE entity = 'basemap' ORDER BY id DESC LIMIT 1")"
"$SPADOK" basemap import --db "$DB" "$T/town2.osm" >/dev/null 2>&1 # the town again, for what follows
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null

# Seeded and exported like the other layers (the default box: the base map's extent).
out=$("$SPADOK" tiles seed --db "$DB" --layer basemap --zoom 12-15 --quiet)
check_contains "tiles seed draws the base map" "$out" "seeded"
check_eq "into the cache" "$(echo "$out" | sed 's/seeded \([0-9]*\).*/\1/')" \
  "$(sqlite3 "$DB.tiles" "SELECT count(*) FROM tile WHERE layer = 'basemap' AND z BETWEEN 12 AND 15 AND filter = '|||||uk'")"
"$SPADOK" tiles export --db "$DB" --layer basemap --zoom 12-14 --format mbtiles --quiet "$T/base.mbtiles" >/dev/null
check_eq "the MBTiles export is a base layer credited to OpenStreetMap" "baselayer|© OpenStreetMap contributors (ODbL-1.0)" \
  "$(sqlite3 "$T/base.mbtiles" "SELECT (SELECT value FROM metadata WHERE name = 'type'), (SELECT value FROM metadata WHERE name = 'attribution')")"
check_true "with its tiles" test "$(sqlite3 "$T/base.mbtiles" "SELECT count(*) FROM tiles")" -gt 3

# Without base-map data the districts are the base: outlines and names.
DB2=$T/districts.sqlite
cat >"$T/districts.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "1", "name": "Західний район", "name_en": "Zakhidnyi district"},
  "geometry": {"type": "Polygon", "coordinates": [[[19.95, 44.96], [20.0, 44.96], [20.0, 45.04], [19.95, 45.04], [19.95, 44.96]]]}},
 {"type": "Feature", "properties": {"id": "2", "name": "Східний район", "name_en": "Skhidnyi district"},
  "geometry": {"type": "Polygon", "coordinates": [[[20.0, 44.96], [20.05, 44.96], [20.05, 45.04], [20.0, 45.04], [20.0, 44.96]]]}}]}
JSON
cat >"$T/districts.json" <<'JSON'
{"dataset": "test_districts", "target": "district", "key": "id", "licence": "CC0-1.0",
 "fields": {"name_uk": "name", "name_en": "name_en"}}
JSON
"$SPADOK" import --quiet --db "$DB2" --mapping "$T/districts.json" "$T/districts.geojson" >/dev/null 2>&1
start_server "$DB2"
check_eq "without base-map data the base map is drawn" 200 "$(http "/tiles/basemap/$(tile 13 $centre).png")"
same_as_reference basemap-districts-z13.png
http "/tiles/basemap/$(tile 13 $centre).png?lang=en" >/dev/null
same_as_reference basemap-districts-z13-en.png
check_eq "far from the districts, the shared empty tile" "public, max-age=3600" \
  "$(http "/tiles/basemap/$(tile 13 30.5 50.45).png" >/dev/null; header Cache-Control)"
finish
