#!/usr/bin/env bash
# Every source format the importer promises, made from the bundled sample by GDAL itself:
# Shapefile with a CP1251 .dbf and Cyrillic field names (with and without .cpg), a source in
# UCS-2000 / Ukraine TM zone 10 (EPSG:6384) reprojected on import, GeoPackage, KML, XLSX,
# CSV with x/y columns and --source-crs. Each must give the same monuments as the CSV.
source "$(dirname "$0")/lib.sh"
S=$ROOT/data/sample/kyiv_monuments.csv
n=$(($(grep -c . "$S") - 1))
# Reference points from the CSV itself.
ref=$T/ref.sqlite
"$SPADOK" import --quiet --db "$ref" "$S" >/dev/null 2>&1
check_eq "reference import" "$n" "$(sql "$ref" "SELECT count(*) FROM monument")"
pts() { sql "$1" "SELECT group_concat(source_id || ' ' || printf('%.6f %.6f', ST_X(marker), ST_Y(marker)) || ' ' || name_uk, '|') FROM (SELECT * FROM monument ORDER BY source_id)"; }
REF=$(pts "$ref")
base=(-oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat -a_srs EPSG:4326)

# Shapefile, CP1251 .dbf, Cyrillic field names (<= 10 bytes in CP1251).
mkdir -p "$T/shp"
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=CP1251 "${base[@]}" "$T/shp/пам'ятки.shp" "$S" \
  -sql 'SELECT source_id AS "код", name_uk AS "назва", significance AS "категорія", kinds AS "види", dating AS "датування", address AS "адреса" FROM kyiv_monuments' 2>/dev/null
check_true "shapefile written with a .cpg" test -f "$T/shp/пам'ятки.cpg"
check_true "the .dbf really is CP1251 (field name назва)" grep -qa "$(printf '\xed\xe0\xe7\xe2\xe0')" "$T/shp/пам'ятки.dbf"
cat >"$T/shp.json" <<'JSON'
{"dataset": "shp", "key": "код", "fields": {"source_id": "код", "name_uk": "назва",
 "significance": "категорія", "kinds": "види", "dating": "датування", "address": "адреса"}}
JSON
out=$("$SPADOK" import --quiet --db "$T/shp.sqlite" --mapping "$T/shp.json" "$T/shp/пам'ятки.shp" 2>&1)
check_contains "CP1251 shapefile with .cpg imports" "$out" "read $n = inserted $n"
check_eq "CP1251 shapefile: names and points equal the CSV's" "$REF" "$(pts "$T/shp.sqlite")"
# The same without .cpg (old files): the mapping names the encoding.
rm "$T/shp/пам'ятки.cpg"
sed 's/"dataset": "shp",/"dataset": "shp", "encoding": "CP1251",/' "$T/shp.json" >"$T/shp1251.json"
out=$("$SPADOK" import --quiet --db "$T/shp2.sqlite" --mapping "$T/shp1251.json" "$T/shp/пам'ятки.shp" 2>&1)
check_contains "CP1251 shapefile without .cpg, encoding in the mapping" "$out" "read $n = inserted $n"
check_eq "without .cpg: names and points equal the CSV's" "$REF" "$(pts "$T/shp2.sqlite")"

# UCS-2000 / Ukraine TM zone 10 source: reprojected to EPSG:4326 on import.
ogr2ogr -f GPKG -s_srs EPSG:4326 -t_srs EPSG:6384 -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat \
  "$T/ucs2000.gpkg" "$S" -nln monuments 2>/dev/null
check_contains "the GeoPackage is in EPSG:6384" "$(ogrinfo -ro -so "$T/ucs2000.gpkg" monuments 2>/dev/null)" "Ukraine TM zone 10"
out=$("$SPADOK" import --quiet --db "$T/ucs.sqlite" "$T/ucs2000.gpkg" 2>&1)
check_contains "EPSG:6384 GeoPackage imports" "$out" "read $n = inserted $n"
check_eq "EPSG:6384: points back within 1e-6 degree" 0 \
  "$(sql "$T/ucs.sqlite" "ATTACH '$ref' AS r; SELECT count(*) FROM monument m JOIN r.monument o USING (source_id) WHERE abs(ST_X(m.marker) - ST_X(o.marker)) > 1e-6 OR abs(ST_Y(m.marker) - ST_Y(o.marker)) > 1e-6")"

# CSV with x/y metres: CRS from --source-crs (and refused without it).
ogr2ogr -f CSV -lco GEOMETRY=AS_XY "$T/xy.csv" "$T/ucs2000.gpkg" 2>/dev/null
printf '{"dataset": "xy", "geometry": {"x": "X", "y": "Y"}}' >"$T/xy.json"
"$SPADOK" import --quiet --db "$T/xy.sqlite" --mapping "$T/xy.json" "$T/xy.csv" >/dev/null 2>"$T/err"
check_eq "x/y CSV without a CRS is refused" 1 $?
check_contains "x/y CSV refusal says how to fix it" "$(cat "$T/err")" "pass --source-crs EPSG:N"
out=$("$SPADOK" import --quiet --db "$T/xy.sqlite" --mapping "$T/xy.json" --source-crs EPSG:6384 "$T/xy.csv" 2>&1)
check_contains "x/y CSV with --source-crs EPSG:6384" "$out" "read $n = inserted $n"
check_eq "x/y CSV: points within 1e-6 degree" 0 \
  "$(sql "$T/xy.sqlite" "ATTACH '$ref' AS r; SELECT count(*) FROM monument m JOIN r.monument o USING (source_id) WHERE abs(ST_X(m.marker) - ST_X(o.marker)) > 1e-6 OR abs(ST_Y(m.marker) - ST_Y(o.marker)) > 1e-6")"

# KML (placemark names) and XLSX (lon/lat columns), no mapping.
ogr2ogr -f KML "${base[@]}" "$T/k.kml" "$S" -dsco NameField=name_uk 2>/dev/null
out=$("$SPADOK" import --quiet --db "$T/kml.sqlite" "$T/k.kml" 2>&1)
check_contains "KML imports with no mapping" "$out" "read $n = inserted $n"
check_eq "KML: names and points equal the CSV's" "$REF" "$(pts "$T/kml.sqlite")"
ogr2ogr -f XLSX -oo AUTODETECT_TYPE=YES "$T/пам'ятки.xlsx" "$S" -nln monuments 2>/dev/null
out=$("$SPADOK" import --quiet --db "$T/xlsx.sqlite" "$T/пам'ятки.xlsx" 2>&1)
check_contains "XLSX imports with no mapping" "$out" "read $n = inserted $n"
check_eq "XLSX: names and points equal the CSV's" "$REF" "$(pts "$T/xlsx.sqlite")"
check_eq "XLSX: kinds survive" "$(sql "$ref" "SELECT count(*) FROM monument_kind")" "$(sql "$T/xlsx.sqlite" "SELECT count(*) FROM monument_kind")"
finish
