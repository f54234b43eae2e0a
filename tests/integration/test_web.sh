#!/usr/bin/env bash
# The web site over plain HTTP (the browser tests drive the same pages in Chromium): which
# address gets which page, caching (pages revalidated by ETag, versioned assets immutable),
# the security headers, nothing outside the embedded files reachable, and the base map:
# Spadok's own by default (the map works offline), or an XYZ server named by serve --basemap, whose
# origin the Content-Security-Policy then lets in, with OpenStreetMap's attribution.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
"$SPADOK" import --quiet --db "$DB" --mapping "$ROOT/importers/mappings/kyiv_raions_osm.json" \
  "$ROOT/data/sample/kyiv_raions.geojson" >/dev/null 2>&1
start_server "$DB"
HTML='Accept: text/html,application/xhtml+xml'

# 1. Pages
for page in "/ Спадок — мапа" "/monuments/1 monument.js" "/report report.js" "/login login.js" \
            "/department department.js" "/department/moderation moderation.js" \
            "/department/monuments/7 edit.js" "/department/monuments/new edit.js"; do
  read -r path want <<<"$page"
  check_eq "1.1 $path is a page" 200 "$(http "$path" -H "$HTML")"
  check_contains "1.1 $path: HTML" "$(header Content-Type)" "text/html"
  check_contains "1.1 $path: its content" "$(cat "$T/body")" "$want"
  check_eq "1.2 $path: revalidated on each visit" "no-cache" "$(header Cache-Control)"
done
check_eq "1.3 an API client asking for / gets the landing page" 200 "$(http / -H 'Accept: application/json')"
check_contains "1.3 as JSON" "$(cat "$T/body")" '"links"'
check_eq "1.3 /?f=html is the landing page's HTML" 200 "$(http '/?f=html' -H "$HTML")"
check_contains "1.3 not the map" "$(cat "$T/body")" "conformance"
http / -H "$HTML" >/dev/null
etag=$(header ETag)
check_eq "1.4 a page unchanged since: 304" 304 "$(http / -H "$HTML" -H "If-None-Match: $etag")"

check_eq "1.5 the vocabularies" 200 "$(http /vocabularies)"
check_eq "1.5 with the districts, for the map's filter" "10 Голосіївський район Holosiivskyi" \
  "$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))["district"]
print(len(d), d[0]["code"], d[0]["label_en"].split()[0])' "$T/body")"

# 2. Assets: linked by content hash, immutable under that address; 5 minutes without it.
http / -H "$HTML" >/dev/null
js=$(grep -o '/static/map.js?v=[0-9a-f]*' "$T/body" | head -1)
check_true "2.1 the page links its script by hash" test -n "$js"
check_eq "2.2 the versioned script" 200 "$(http "$js")"
check_contains "2.2 cached for a year" "$(header Cache-Control)" "max-age=31536000, immutable"
check_contains "2.2 as JavaScript" "$(header Content-Type)" "javascript"
check_eq "2.3 the same without its hash" 200 "$(http /static/map.js)"
check_eq "2.3 kept 5 minutes" "public, max-age=300" "$(header Cache-Control)"
check_eq "2.4 a stale hash is not immutable" 200 "$(http '/static/map.js?v=0000')"
check_eq "2.4 kept 5 minutes" "public, max-age=300" "$(header Cache-Control)"
check_eq "2.5 Leaflet-Geoman for the editor" 200 "$(http /static/geoman/leaflet-geoman.min.js)"
check_eq "2.6 gzip when asked" "gzip" "$(http /static/leaflet/leaflet.js -H 'Accept-Encoding: gzip' >/dev/null; header Content-Encoding)"

# 3. Nothing else: no path from a request reaches the disk.
for bad in /static/nope.js /static/../CMakeLists.txt /static/%2e%2e/CMakeLists.txt \
           /static/..%2fCMakeLists.txt /static/index.html /static/leaflet/../../README.md; do
  code=$(http "$bad")
  check_true "3.1 $bad: 400 or 404 ($code)" test "$code" = 404 -o "$code" = 400
  check_true "3.1 $bad: no file content" sh -c "! grep -q 'cmake_minimum_required\|Quick start' '$T/body'"
done
check_eq "3.2 an unknown parameter on an asset" 400 "$(http '/static/app.css?x=1')"

# 4. Security headers on the pages; no base map by default.
http / -H "$HTML" >/dev/null
csp=$(header Content-Security-Policy)
check_contains "4.1 CSP: scripts from the site only" "$csp" "default-src 'self'"
check_contains "4.1 CSP: images from the site, data: and blob: only" "$csp" "img-src 'self' data: blob:;"
check_contains "4.1 CSP: no framing" "$csp" "frame-ancestors 'none'"
check_eq "4.2 nosniff" "nosniff" "$(header X-Content-Type-Options)"
check_eq "4.2 referrer policy" "same-origin" "$(header Referrer-Policy)"
check_eq "4.3 the tile sets" 200 "$(http /tiles)"
check_eq "4.3 monuments, damage, zones and the base map" "monuments damage zones basemap" \
  "$(python3 -c 'import json, sys; print(*[t["name"] for t in json.load(open(sys.argv[1]))["tilesets"]])' "$T/body")"
check_eq "4.3 the base map's TileJSON" 200 "$(http /tiles/basemap.json)"
check_contains "4.3 is Spadok's own, drawn offline (no --basemap)" "$(cat "$T/body")" \
  "/tiles/basemap/{z}/{x}/{y}.png"

# 5. A base map: its origin in the CSP, its TileJSON with OpenStreetMap's attribution.
kill $SERVER_PID; wait $SERVER_PID 2>/dev/null
start_server "$DB" --basemap 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
http / -H "$HTML" >/dev/null
check_contains "5.1 CSP lets the base map's images in" "$(header Content-Security-Policy)" \
  "img-src 'self' data: blob: https://tile.openstreetmap.org;"
check_eq "5.2 the tile sets name it" "monuments damage zones basemap" \
  "$(http /tiles >/dev/null; python3 -c 'import json, sys; print(*[t["name"] for t in json.load(open(sys.argv[1]))["tilesets"]])' "$T/body")"
check_eq "5.3 its TileJSON" 200 "$(http /tiles/basemap.json)"
check_eq "5.3 tiles and attribution" "https://tile.openstreetmap.org/{z}/{x}/{y}.png True 3.0.0" \
  "$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(d["tiles"][0], "OpenStreetMap</a> contributors" in d["attribution"], d["tilejson"])' "$T/body")"
kill $SERVER_PID; wait $SERVER_PID 2>/dev/null
start_server "$DB" --basemap 'http://127.0.0.1:9/t/{z}/{x}/{y}.png' --basemap-attribution 'Карта: місто'
check_eq "5.4 another server's own attribution" "Карта: місто" \
  "$(http /tiles/basemap.json >/dev/null; python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["attribution"])' "$T/body")"
http / -H "$HTML" >/dev/null
check_contains "5.4 its origin with the port" "$(header Content-Security-Policy)" "blob: http://127.0.0.1:9;"
kill $SERVER_PID; wait $SERVER_PID 2>/dev/null

# 6. A base map URL that is not an XYZ template, or would break the header, is refused.
for bad in 'javascript:alert(1)/{z}/{x}/{y}' 'https://a.example/{z}/{x}.png' \
           "https://a.example/{z}/{x}/{y}.png; script-src *" "https://a.example/{z}/{x}/{y}.png'" \
           'ftp://a.example/{z}/{x}/{y}.png'; do
  out=$("$SPADOK" serve --db "$DB" --port 0 --basemap "$bad" 2>&1)
  check_eq "6.1 --basemap '$bad' refused" 1 $?
  check_contains "6.1 saying what is expected" "$out" "expected an http(s) XYZ URL template"
done
finish
