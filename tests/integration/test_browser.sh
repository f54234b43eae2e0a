#!/usr/bin/env bash
# Browser-side checks against a real server: the OpenAPI document under an npm validator
# (@apidevtools/swagger-parser), and the HTML pages in Debian's Chromium via playwright-core
# (tests/browser/*.test.mjs, node's test runner): the API's HTML pages, the tiles in Leaflet,
# and the public web pages (map, monument page) with axe-core; screenshots of the pages go to
# $SPADOK_ARTIFACTS (default build/screenshots). SPADOK_BROWSER_TESTS=FILE... runs only those.
source "$(dirname "$0")/lib.sh"
if [ ! -d "$ROOT/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
  echo "SKIPPED: node_modules or /usr/bin/chromium missing (scripts/test installs them)"
  exit 77
fi
DB=$T/r.sqlite
"$SPADOK" import --quiet --db "$DB" --mapping "$ROOT/importers/mappings/kyiv_raions_osm.json" \
  "$ROOT/data/sample/kyiv_raions.geojson" >/dev/null 2>&1
"$SPADOK" import --quiet --db "$DB" --mapping "$ROOT/importers/mappings/kyiv_sample_monuments.json" \
  "$ROOT/data/sample/kyiv_monuments.csv" >/dev/null 2>&1
# Protection documents for Золоті ворота's page (test values, not the monument's real ones).
sql "$DB" "UPDATE monument SET register_act = 'Тестовий наказ № 1', register_date = '2001-01-01',
             agreement_no = 'Т-1', agreement_date = '2002-02-02', passport_ref = 'Тестовий паспорт 1'
           WHERE name_uk = 'Золоті ворота'" >/dev/null
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
printf 'edit pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
start_server "$DB"
# Золоті ворота gets a photo and an inspection, for its page.
mid=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
at=$(sql "$DB" "SELECT ST_X(marker) || ',' || ST_Y(marker) FROM monument WHERE id = $mid")
IVAN=$(token ivan "inspect pass 2026")
vips black "$T/dark.png" 640 400 --bands 3 >/dev/null
vips linear "$T/dark.png" "$T/photo.jpg" 1 120 >/dev/null
check_eq "a photo for the monument page" 201 "$(http "/collections/monuments/items/$mid/photos" -X POST \
  -H "Authorization: Bearer $IVAN" -F "file=@$T/photo.jpg;type=image/jpeg" -F 'alt_uk=Золоті ворота, вигляд з заходу' \
  -F 'alt_en=The Golden Gate from the west' -F 'author=Іван' -F 'licence=CC BY 4.0')"
check_eq "an inspection for its timeline" 201 "$(http "/collections/monuments/items/$mid/reports" -X POST \
  -H "Authorization: Bearer $IVAN" -H 'Content-Type: application/json' \
  --data-binary '{"report_type": "inspection", "condition": "satisfactory", "observed_on": "2026-11-01", "description": "Тріщини в кладці"}')"
# An editor's change that the same import then leaves alone: a conflict for the department's
# conflicts page (tests/browser/conflicts.test.mjs).
cid=$(sql "$DB" "SELECT id FROM monument WHERE source_id = 'kyiv-hc-032'")
OLENA=$(token olena "edit pass 2026")
http "/collections/monuments/items/$cid" >/dev/null
check_eq "an editor's change" 200 "$(http "/collections/monuments/items/$cid" -X PATCH \
  -H "Authorization: Bearer $OLENA" -H "If-Match: $(header ETag)" -H 'Content-Type: application/merge-patch+json' \
  --data-binary '{"type": "Feature", "properties": {"name_en": "St Nicholas on Askold’s Grave (edited)"}}')"
check_contains "the same import leaves it: one conflict" "$("$SPADOK" import --quiet --db "$DB" \
  --mapping "$ROOT/importers/mappings/kyiv_sample_monuments.json" "$ROOT/data/sample/kyiv_monuments.csv" 2>&1)" "conflicted 1"
# A second server whose base map is the first one's zone tiles: another origin, as a real
# base map is, for the map page's base layer and its attribution.
"$SPADOK" serve --db "$DB" --port 0 --basemap "$URL/tiles/zones/{z}/{x}/{y}.png" \
  --basemap-attribution 'Base map test attribution' >"$T/base.log" 2>&1 &
BASE_PID=$!
# A third: a registry spread over Ukraine (scripts/synth, 3,000 monuments), for the first view
# of a country's registry (tests/browser/map.test.mjs); that part is SKIPPED without it.
COUNTRY_PID="" COUNTRY_URL=""
if SPADOK=$SPADOK "$ROOT/scripts/synth" --monuments 3000 --reports 1 "$T/country.sqlite" >"$T/synth.log" 2>&1; then
  "$SPADOK" serve --db "$T/country.sqlite" --port 0 >"$T/country.log" 2>&1 &
  COUNTRY_PID=$!
else
  skip_part "scripts/synth could not make a country's registry (the first view over a country)"; tail -3 "$T/synth.log"
fi
trap 'kill $SERVER_PID $BASE_PID $COUNTRY_PID 2>/dev/null; wait $SERVER_PID $BASE_PID $COUNTRY_PID 2>/dev/null; rm -rf "$T"' EXIT
BASE_PORT=$(port_of "$T/base.log")
check_true "a second server with a base map" test -n "$BASE_PORT"
if [ -n "$COUNTRY_PID" ]; then
  COUNTRY_URL=http://127.0.0.1:$(port_of "$T/country.log")
  check_true "a third server with a country's registry" test "$COUNTRY_URL" != "http://127.0.0.1:"
fi
ARTIFACTS=${SPADOK_ARTIFACTS:-$ROOT/build/screenshots}
(cd "$ROOT" && SPADOK_URL=$URL SPADOK_COUNTRY_URL=$COUNTRY_URL SPADOK_BASEMAP_SITE=http://127.0.0.1:$BASE_PORT SPADOK_DB=$DB SPADOK_MONUMENT=$mid SPADOK_CONFLICT_MONUMENT=$cid \
  SPADOK_INSPECTOR='ivan:inspect pass 2026' SPADOK_EDITOR='olena:edit pass 2026' SPADOK_MONUMENT_AT=$at SPADOK_ARTIFACTS=$ARTIFACTS \
  node --test ${SPADOK_BROWSER_TESTS:-tests/browser/}) >"$T/node.log" 2>&1
status=$?
cat "$T/node.log"
check_eq "node --test tests/browser passes" 0 $status
finish
