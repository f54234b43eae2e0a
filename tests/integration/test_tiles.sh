#!/usr/bin/env bash
# Map tiles against a real server on a port: reference images over central Kyiv (compared
# pixel by pixel to committed PNGs, with a tolerance), symbols across a tile edge drawn on
# both tiles, an edit changing exactly the affected tile's bytes and ETag, TileJSON, 304,
# and bad tile requests answered by 4xx JSON with the server still healthy.
# SPADOK_UPDATE_REFERENCE=1 rewrites tests/data/tiles/ from this run (then look at them).
source "$(dirname "$0")/lib.sh"
PNGDIFF=$(dirname "$SPADOK")/tests/tools/pngdiff
REF=$ROOT/tests/data/tiles
DB=$T/r.sqlite
import_sample "$DB"
# Conditions and one recent damage report, so that the images show the palette: the sample
# itself records no inspections.
sql "$DB" "UPDATE monument SET condition = CASE id % 7 WHEN 0 THEN 'good' WHEN 1 THEN 'satisfactory'
             WHEN 2 THEN 'unsatisfactory' WHEN 3 THEN 'emergency' WHEN 4 THEN 'lost'
             WHEN 5 THEN 'needs_study' END;
           INSERT INTO condition_report (monument_id, dataset, source_id, report_type, event_date, damage_level)
             SELECT id, 'test', 'd1', 'damage', date('now', '-2 days'), 'severe' FROM monument
             WHERE name_uk = 'Золоті ворота';" >/dev/null
start_server "$DB"
# The first tile requests of a new cache, all at once: every worker opens the cache file.
pids=()
for i in $(seq 0 7); do
  curl -s -o /dev/null -w '%{http_code}\n' "$URL/tiles/monuments/12/$((2394 + i % 4))/$((1380 + i / 4)).png" >>"$T/first.txt" &
  pids+=($!)
done
wait "${pids[@]}"
check_eq "eight first tile requests at once: all 200" "8" "$(grep -c '^200$' "$T/first.txt")"

sofia="30.51444 50.45278"
refs=(
  "monuments/$(tile 12 $sofia).png monuments-z12.png"
  "monuments/$(tile 14 $sofia).png monuments-z14.png"
  "monuments/$(tile 16 $sofia).png monuments-z16-labels.png"
  "monuments/$(tile 16 $sofia)@2x.png monuments-z16@2x.png"
  "monuments/$(tile 17 30.52111 50.45293).png monuments-z17-footprints.png"
  "damage/$(tile 15 30.51333 50.44889).png damage-z15.png"
  "monuments/$(tile 14 $sofia).png?significance=national monuments-z14-national.png"
)
for r in "${refs[@]}"; do
  read -r path name <<<"$r"
  check_eq "GET /tiles/$path" 200 "$(http "/tiles/$path")"
  check_eq "$name is a PNG" "image/png" "$(header Content-Type)"
  same_as_reference "$name"
done
check_true "the z14 tile is not empty" test "$(stat -c %s "$REF/monuments-z14.png")" -gt 500
check_true "labels drawn at z16 (a bigger tile than its symbols alone)" \
  test "$(stat -c %s "$REF/monuments-z16-labels.png")" -gt 2000
check_true "national-only tile differs from all monuments" \
  sh -c "! cmp -s '$REF/monuments-z14.png' '$REF/monuments-z14-national.png'"

# Issue 22: national monuments are named from z13, the others from z16; in English with
# lang=en (name_en where there is one). A tile with names differs between the languages, one
# without does not.
langs_differ() { # PATH: the number of pixels its uk and en tiles differ in
  http "$1" >/dev/null && cp "$T/body" "$T/l-uk.png"
  http "$1$([[ $1 == *\?* ]] && echo '&' || echo '?')lang=en" >/dev/null
  "$PNGDIFF" "$T/l-uk.png" "$T/body" 24 | sed 's/.*differing=\([0-9]*\).*/\1/'
}
check_eq "no names at z12" 0 "$(langs_differ "/tiles/monuments/$(tile 12 $sofia).png")"
n=$(langs_differ "/tiles/monuments/$(tile 13 $sofia).png")
check_true "national monuments named at z13 ($n pixels differ in English)" test "$n" -gt 100
check_eq "local ones not yet" 0 \
  "$(langs_differ "/tiles/monuments/$(tile 13 $sofia).png?significance=local")"
http "/tiles/monuments/$(tile 16 $sofia).png?lang=en" >/dev/null
cp "$T/body" "$T/en16.png"
read -r _ differing _ <<<"$("$PNGDIFF" "$REF/monuments-z16-labels.png" "$T/en16.png" 24)"
check_true "lang=en names them in English (z16: $differing)" test "${differing#differing=}" -gt 100

# Seams: a monument whose symbol crosses a tile edge is drawn on both tiles. Found in SQL:
# the marker within 4 px of the left edge of its z17 tile.
edge=$(sql "$DB" "SELECT ST_X(marker), ST_Y(marker) FROM monument" | python3 -c '
import math, sys
z = 17
for line in sys.stdin:
    lon, lat = map(float, line.split("|"))
    n = 2 ** z * 256
    px = (lon + 180) / 360 * n
    py = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    if 0.5 < px % 256 < 4 and 8 < py % 256 < 248:
        print(int(px // 256), int(py // 256), int(py % 256)); break')
check_true "the sample has a monument at a z17 tile edge" test -n "$edge"
read -r ex ey epy <<<"$edge"
http "/tiles/monuments/17/$ex/$ey.png" >/dev/null && cp "$T/body" "$T/right.png"
http "/tiles/monuments/17/$((ex - 1))/$ey.png" >/dev/null && cp "$T/body" "$T/left.png"
check_true "its symbol is drawn on the tile right of the edge" \
  test "$("$PNGDIFF" --at "$T/right.png" 0 "$epy" | cut -d' ' -f4)" -gt 0
check_true "and on the tile left of it" \
  test "$("$PNGDIFF" --at "$T/left.png" 255 "$epy" | cut -d' ' -f4)" -gt 0

# An edit changes the affected tile (bytes and ETag) and leaves a far one alone.
near="/tiles/monuments/$(tile 16 $sofia).png"
far="/tiles/monuments/$(tile 16 30.55694 50.43417).png" # Kyiv Pechersk Lavra, 3.5 km away
http "$near" >/dev/null
etag_near=$(header ETag)
cp "$T/body" "$T/near-before.png"
http "$far" >/dev/null
etag_far=$(header ETag)
check_true "tiles have ETags" test -n "$etag_near" -a -n "$etag_far"
check_eq "If-None-Match answers 304" 304 "$(http "$near" -H "If-None-Match: $etag_near")"
wide="/tiles/monuments/$(tile 10 30.5125 50.4531).png"
http "$wide" >/dev/null
cached() { # Z X Y: the cached monuments tile's hash, or nothing
  sqlite3 "$DB.tiles" "SELECT hash FROM tile WHERE layer = 'monuments' AND filter = '|||||uk' AND scale = 1 AND z = $1 AND x = $2 AND y = $3"
}
IFS=/ read -r fz fx fy <<<"$(tile 16 30.55694 50.43417)"
IFS=/ read -r wz wx wy <<<"$(tile 10 30.5125 50.4531)"
far_hash=$(cached "$fz" "$fx" "$fy")
check_true "tiles are kept in the cache beside the database" test -n "$far_hash" -a -n "$(cached "$wz" "$wx" "$wy")"
cat >"$T/edit.geojson" <<'EOF'
{"type": "FeatureCollection", "features": [{"type": "Feature",
  "properties": {"source_id": "tile-edit-1", "name_uk": "Пам’ятка для перевірки плиток",
                 "significance": "national", "kinds": "history", "condition": "emergency"},
  "geometry": {"type": "Point", "coordinates": [30.5125, 50.4531]}}]}
EOF
"$SPADOK" import --quiet --db "$DB" --dataset tile-test "$T/edit.geojson" >/dev/null 2>&1
http "$near" >/dev/null
check_true "the edited tile's ETag changed" test "$(header ETag)" != "$etag_near"
check_true "and its bytes" sh -c "! cmp -s '$T/near-before.png' '$T/body'"
# (the request for the near tile made the cache apply the change; the far one is not asked yet)
check_eq "the far tile stayed in the cache" "$far_hash" "$(cached "$fz" "$fx" "$fy")"
check_eq "the z10 tile over the edit was dropped from the cache" "" "$(cached "$wz" "$wx" "$wy")"
http "$far" >/dev/null
check_eq "the far tile's ETag did not change" "$etag_far" "$(header ETag)"
check_eq "the cache applied the change" "$(sql "$DB" "SELECT max(id) FROM map_change")" \
  "$(sqlite3 "$DB.tiles" "SELECT value FROM tile_meta WHERE key = 'seen'")"

# A write by another process shows on the very next tile, and so does one through the API.
http "$near" >/dev/null
etag_quiet=$(header ETag)
sed 's/"national"/"local"/' "$T/edit.geojson" >"$T/edit2.geojson" # a smaller symbol
"$SPADOK" import --quiet --db "$DB" --dataset tile-test "$T/edit2.geojson" >/dev/null 2>&1
http "$near" >/dev/null
check_true "another process's edit shows on the next tile" \
  test "$(header ETag)" != "$etag_quiet"
# The same for every other response: the response cache and the ETags follow the data's
# version (the newest audit row).
item="/collections/monuments/items/$(sql "$DB" "SELECT id FROM monument WHERE source_id = 'tile-edit-1'")"
http "$item" >/dev/null
http "$item" >/dev/null
etag_item=$(header ETag)
check_contains "the item as it was" "$(cat "$T/body")" '"significance":"local"'
sed 's/"national"/"newly_identified"/' "$T/edit.geojson" >"$T/edit3.geojson"
"$SPADOK" import --quiet --db "$DB" --dataset tile-test "$T/edit3.geojson" >/dev/null 2>&1
check_eq "another process's edit shows in the next response" 200 "$(http "$item")"
check_true "with a new ETag" test "$(header ETag)" != "$etag_item"
check_contains "and the new value" "$(cat "$T/body")" '"significance":"newly_identified"'

# TileJSON 3.0.0
check_eq "TileJSON" 200 "$(http /tiles/monuments.json)"
tj=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(d["tilejson"], d["tiles"][0].endswith("/tiles/monuments/{z}/{x}/{y}.png"), d["minzoom"], d["maxzoom"],
      len(d["bounds"]), d["legend"][0]["code"], d["legend"][0]["label_uk"])' "$T/body")
check_eq "TileJSON fields" "3.0.0 True 0 19 4 good добрий" "$tj"
http "/tiles/monuments.json?condition=emergency" >/dev/null
check_contains "TileJSON keeps the filter in the tile URL" "$(cat "$T/body")" "{y}.png?condition=emergency"
# The map page's district and "damaged since" filters: the items' own names and dates.
z12="/tiles/monuments/$(tile 12 $sofia).png"
http "$z12" >/dev/null && cp "$T/body" "$T/z12-all.png"
district=$(sql "$DB" "SELECT district FROM monument WHERE name_uk = 'Золоті ворота'")
check_true "the sample's monuments have districts" test -n "$district"
check_eq "a district's tile" 200 "$(http "$z12" -G --data-urlencode "district=$district")"
cp "$T/body" "$T/z12-district.png"
check_true "is not empty" test "$(stat -c %s "$T/z12-district.png")" -gt 500
check_true "and differs from all districts' tile" sh -c "! cmp -s '$T/z12-all.png' '$T/z12-district.png'"
http "$z12" -G --data-urlencode "district=Неіснуючий район" >/dev/null
check_true "an unknown district's tile is the empty tile" test "$(stat -c %s "$T/body")" -lt 200
gates="/tiles/monuments/$(tile 15 30.51333 50.44889).png"
http "$gates?damaged_since=$(date -u -d '-5 days' +%F)" >/dev/null
check_true "damaged since 5 days ago: the damaged Golden Gate is drawn" test "$(stat -c %s "$T/body")" -gt 200
http "$gates?damaged_since=2099-01-01" >/dev/null
check_true "damaged since 2099: nothing" test "$(stat -c %s "$T/body")" -lt 200
IFS=/ read -r tz tx ty <<<"$(tile 12 $sofia)"
check_eq "each filter is its own cache entry" "|||||uk,|||Неіснуючий район||uk,|||$district||uk" \
  "$(sqlite3 "$DB.tiles" "SELECT group_concat(filter, ',') FROM (SELECT DISTINCT filter FROM tile WHERE layer = 'monuments' AND z = $tz AND x = $tx AND y = $ty AND scale = 1 ORDER BY filter)")"
check_eq "damaged_since must be a date" 400 "$(http "$gates?damaged_since=yesterday")"
check_contains "and says so" "$(cat "$T/body")" "YYYY-MM-DD"
check_eq "an empty district is refused" 400 "$(http "$gates?district=")"
check_eq "HEAD of a tile" 200 "$(http "$near" -I)"
check_eq "empty tile" 200 "$(http /tiles/monuments/3/1/1.png)"
check_contains "empty tile: long cache lifetime" "$(header Cache-Control)" "max-age=3600"
check_true "empty tile is small" test "$(stat -c %s "$T/body")" -lt 200
# A z16 tile reads its whole 4 x 4 metatile to place labels, but draws only what meets it:
# a tile of a metatile with monuments, none of them (or their labels) within its reach, is
# the empty tile.
quiet=$(sql "$DB" "SELECT ST_X(marker), ST_Y(marker), ST_AsText(ST_Envelope(geom)) FROM monument" | python3 -c '
import math, re, sys
def px(lon, lat):
    n = 256 * 2 ** 16
    return (lon + 180) / 360 * n, (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n
boxes = []
for line in sys.stdin:
    x, y, env = line.rstrip().split("|", 2)
    pts = [px(float(a), float(b)) for a, b in re.findall(r"([-\d.]+) ([-\d.]+)", env)] + [px(float(x), float(y))]
    boxes.append((min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)))
for bx0, by0, bx1, by1 in boxes:
    tx, ty = int(bx0 // 256), int(by0 // 256)
    for mx in range(tx // 4 * 4, tx // 4 * 4 + 4):
        for my in range(ty // 4 * 4, ty // 4 * 4 + 4):
            x0, y0 = mx * 256, my * 256  # labels reach 170 px right of their monument
            if not any(b[2] >= x0 - 200 and b[0] <= x0 + 256 + 30 and b[3] >= y0 - 40 and b[1] <= y0 + 256 + 40 for b in boxes):
                print("16/%d/%d" % (mx, my))
                sys.exit(0)
')
check_true "the sample has a quiet tile in a busy metatile" test -n "$quiet"
check_eq "quiet z16 tile $quiet" 200 "$(http "/tiles/monuments/$quiet.png")"
check_contains "quiet z16 tile: the empty tile's cache lifetime" "$(header Cache-Control)" "max-age=3600"

# spadok tiles seed fills the cache the server reads; export writes an MBTiles file that
# GDAL opens (QGIS reads it the same way), rows counted from the south (TMS).
out=$("$SPADOK" tiles seed --db "$DB" --zoom 12-15 --quiet 2>&1)
check_contains "tiles seed" "$out" "seeded"
check_true "seeded tiles are in the cache" \
  test "$(sqlite3 "$DB.tiles" "SELECT count(*) FROM tile WHERE z = 15")" -gt 10
out=$("$SPADOK" tiles export --db "$DB" --format mbtiles --zoom 12-16 --quiet "$T/kyiv.mbtiles" 2>&1)
check_contains "tiles export" "$out" "exported"
info=$(gdalinfo "$T/kyiv.mbtiles" 2>&1)
check_contains "gdalinfo opens the MBTiles" "$info" "Driver: MBTiles/MBTiles"
check_contains "as RGBA" "$info" "Band 4"
check_contains "with its zooms" "$info" "ZOOM_LEVEL=16"
check_eq "MBTiles metadata (format, maxzoom, minzoom)" "png|16|12" \
  "$(sqlite3 "$T/kyiv.mbtiles" "SELECT group_concat(value, '|') FROM (SELECT value FROM metadata WHERE name IN ('format', 'minzoom', 'maxzoom') ORDER BY name)")"
IFS=/ read -r sz sx sy <<<"$(tile 16 $sofia)"
check_contains "the MBTiles credits the data sets drawn, with their licences (issue 20)" \
  "$(sqlite3 "$T/kyiv.mbtiles" "SELECT value FROM metadata WHERE name = 'attribution'")" \
  "Spadok sample monument list, CC BY 4.0"
sqlite3 "$T/kyiv.mbtiles" "SELECT writefile('$T/from-mbtiles.png', tile_data) FROM tiles WHERE zoom_level = 16 AND tile_column = $sx AND tile_row = $(((1 << 16) - 1 - sy))" >/dev/null
http "/tiles/monuments/16/$sx/$sy.png" >/dev/null
check_true "the MBTiles tile (TMS row) is the served tile" cmp -s "$T/from-mbtiles.png" "$T/body"
gdal_translate -q -of PNG -outsize 256 256 "$T/kyiv.mbtiles" "$T/overview.png" 2>"$T/gt.log"
check_eq "gdal_translate reads it" 0 $?
"$SPADOK" tiles export --db "$DB" --format mbtiles --quiet "$T/kyiv.mbtiles" >/dev/null 2>"$T/err"
check_eq "export will not overwrite a file" 1 $?
check_contains "and says so" "$(cat "$T/err")" "already exists"
"$SPADOK" tiles seed --db "$DB" --zoom 18-12 >/dev/null 2>&1
check_eq "a reversed zoom range is refused" 2 $?
"$SPADOK" tiles seed --db "$DB" --zoom 12 --tile-cache-mb 12x >/dev/null 2>&1
check_eq "a cache size that is not a number is refused" 2 $?

# Bad tile requests: 4xx JSON, never a crash.
for bad in "400 /tiles/monuments/20/0/0.png" "400 /tiles/monuments/1/2/0.png" \
           "400 /tiles/monuments/1/0/5.png" "404 /tiles/roads/1/0/0.png" \
           "400 /tiles/monuments/1/0/0.jpg" "400 /tiles/monuments/1/0/0.png.php" \
           "400 /tiles/monuments/a/b/c.png" "400 /tiles/monuments/1/0/0@3x.png" \
           "400 /tiles/monuments/1/0/0.png?condition=DROP%20TABLE" \
           "400 /tiles/monuments/1/0/0.png?colour=red" "404 /tiles/roads.json" \
           "404 /tiles/monuments/1/0" "405 /tiles/monuments/1/0/0.png -X POST"; do
  read -r want path extra <<<"$bad"
  # shellcheck disable=SC2086
  check_eq "$path $extra" "$want" "$(http "$path" $extra)"
  check_contains "$path: JSON error" "$(cat "$T/body")" '"code":'
done
check_eq "healthy after bad tile requests" 200 "$(http /healthz)"

# A registry served through a symbolic link, edited by another process: the next tile shows
# the edit (the server asks storage for the registry's version on every request).
kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
mkdir -p "$T/data"
ln -s "$DB" "$T/data/link.sqlite"
start_server "$T/data/link.sqlite"
http "$near" >/dev/null
etag_quiet=$(header ETag)
"$SPADOK" import --quiet --db "$DB" --dataset tile-test "$T/edit.geojson" >/dev/null 2>&1 # national again
http "$near" >/dev/null
check_true "served through a symbolic link, an edit shows on the next tile" \
  test "$(header ETag)" != "$etag_quiet"

# The tile cache and the downloads where the configuration puts them, not beside the registry.
kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
cp "$DB" "$T/other.sqlite"
mkdir -p "$T/cache"
start_server "$T/other.sqlite" --tile-cache "$T/cache/t.sqlite" --exports "$T/cache/exports"
check_eq "a tile with --tile-cache elsewhere" 200 "$(http "$near")"
check_eq "a download with --exports elsewhere" 200 "$(http /exports/monuments.csv)"
check_true "the tile cache is the configured file" test -s "$T/cache/t.sqlite"
check_true "the download is in the configured folder" \
  sh -c "ls '$T/cache/exports'/monuments-*.csv >/dev/null"
check_true "nothing beside the registry" \
  test ! -e "$T/other.sqlite.tiles" -a ! -e "$T/other.sqlite.exports"
finish
