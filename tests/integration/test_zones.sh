#!/usr/bin/env bash
# Protection zones: imported by GDAL with a mapping (target protection_zone; a point and a
# zone naming no monument become import error rows, the rest are stored), and edited through
# OGC API - Features Part 4 as monuments are: POST (201, Location, a "z" ETag), PUT and PATCH
# with If-Match (428 without, 412 stale or a monument's ETag), the zone type by Ukrainian
# label, monument_id checked, DELETE as a tombstone, every change an audit row and a line of
# GET .../history; the zones tile over the zone changes after an edit.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
mid=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }

# 1. Import: two areas stored, a point and a dangling monument id refused with a reason.
cat >"$T/зони.geojson" <<EOF
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"zid": "z1", "kind": "охоронна зона", "name": "Зона Золотих воріт", "monument": $mid},
  "geometry": {"type": "Polygon", "coordinates": [[[30.5120, 50.4480], [30.5150, 50.4480], [30.5150, 50.4500], [30.5120, 50.4500], [30.5120, 50.4480]]]}},
 {"type": "Feature", "properties": {"zid": "z2", "kind": "historic_area", "name": "Старий Київ"},
  "geometry": {"type": "MultiPolygon", "coordinates": [[[[30.50, 50.44], [30.53, 50.44], [30.53, 50.46], [30.50, 50.46], [30.50, 50.44]]]]}},
 {"type": "Feature", "properties": {"zid": "z3", "kind": "historic_area", "name": "Точка"},
  "geometry": {"type": "Point", "coordinates": [30.51, 50.45]}},
 {"type": "Feature", "properties": {"zid": "z4", "kind": "historic_area", "name": "Чужа", "monument": 99999999},
  "geometry": {"type": "Polygon", "coordinates": [[[30.52, 50.44], [30.53, 50.44], [30.53, 50.45], [30.52, 50.44]]]}}
]}
EOF
cat >"$T/zones.json" <<'EOF'
{"dataset": "test_zones", "target": "protection_zone", "key": "zid",
 "fields": {"zone_type": "kind", "name_uk": "name", "monument_id": "monument"}}
EOF
"$SPADOK" import --quiet --db "$DB" --mapping "$T/zones.json" "$T/зони.geojson" >"$T/import.out" 2>&1
check_eq "1.1 two zones stored" "2" "$(sql "$DB" "SELECT count(*) FROM protection_zone")"
check_eq "1.2 the zone type by its Ukrainian label, the monument linked" "protection_zone|$mid" \
  "$(sql "$DB" "SELECT zone_type, monument_id FROM protection_zone WHERE source_id = 'z1'")"
run=$(sql "$DB" "SELECT max(id) FROM import_run")
check_eq "1.3 the point and the dangling link are error rows naming the record and why" \
  "z3|geometry: a protection zone is an area (Polygon or MultiPolygon), not a POINT
z4|monument_id 99999999: no such monument" \
  "$(sql "$DB" "SELECT source_key, reason FROM import_error WHERE run_id = $run ORDER BY source_key")"
"$SPADOK" import --quiet --db "$DB" --mapping "$T/zones.json" "$T/зони.geojson" >/dev/null 2>&1
check_eq "1.4 re-import changes nothing" "2|1" \
  "$(sql "$DB" "SELECT count(*), max(version) FROM protection_zone")"

start_server "$DB"
OLENA=$(token olena "editor pass 2026")
AUTH=(-H "Authorization: Bearer $OLENA" -H "Content-Type: application/geo+json")
Z=/collections/protection_zones/items

# 2. Create.
zone='{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[30.5170, 50.4540], [30.5190, 50.4540], [30.5190, 50.4555], [30.5170, 50.4555], [30.5170, 50.4540]]]},
  "properties": {"zone_type": "зона регулювання забудови", "name_uk": "Зона регулювання (тест)", "monument_id": '$mid', "decision": "рішення № 1"}}'
audit=$(sql "$DB" "SELECT count(*) FROM audit_log WHERE entity = 'protection_zone'")
check_eq "2.1 POST a zone" 201 "$(http $Z -X POST "${AUTH[@]}" --data-binary "$zone")"
loc=$(header Location)
zid=${loc##*/}
check_contains "2.2 Location names it" "$loc" "$Z/"
check_eq "2.3 the feature back, the type by code" "building_regulation $mid Polygon" \
  "$(jq_ 'd["properties"]["zone_type"], d["properties"]["monument_id"], d["geometry"]["type"]' | paste -sd' ')"
etag=$(header ETag)
check_contains "2.4 a zone's ETag (version 1)" "$etag" "\"z${zid}v1-"
check_eq "2.5 an audit row" "$((audit + 1))" "$(sql "$DB" "SELECT count(*) FROM audit_log WHERE entity = 'protection_zone'")"
check_eq "2.6 listed in the collection" 200 "$(http "$Z?zone_type=building_regulation")"
check_eq "2.7 one of them" 1 "$(jq_ 'd["numberMatched"]')"
check_eq "2.8 the zones of a monument" 200 "$(http "$Z?monument_id=$mid")"
check_eq "2.9 two (imported and new)" 2 "$(jq_ 'd["numberMatched"]')"
check_eq "2.10 a monument's filter on zones: 400" 400 "$(http "$Z?significance=national")"

# 3. Bad bodies: 400 each, nothing written.
before=$(sql "$DB" "SELECT count(*) FROM protection_zone")
bad() { # name, expected text, body
  check_eq "3 $1" 400 "$(http $Z -X POST "${AUTH[@]}" --data-binary "$3")"
  check_contains "3 $1: says why" "$(cat "$T/body")" "$2"
}
poly='"geometry": {"type": "Polygon", "coordinates": [[[30.51, 50.45], [30.52, 50.45], [30.52, 50.46], [30.51, 50.45]]]}'
bad "a point" "a protection zone is an area" '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.5, 50.4]}, "properties": {"zone_type": "historic_area"}}'
bad "no zone type" "zone_type" "{\"type\": \"Feature\", $poly, \"properties\": {\"name_uk\": \"x\"}}"
bad "unknown zone type" "zone_type" "{\"type\": \"Feature\", $poly, \"properties\": {\"zone_type\": \"буферна\"}}"
bad "no such monument" "monument_id 99999999: no such monument" "{\"type\": \"Feature\", $poly, \"properties\": {\"zone_type\": \"historic_area\", \"monument_id\": 99999999}}"
bad "monument id not a number" "monument_id" "{\"type\": \"Feature\", $poly, \"properties\": {\"zone_type\": \"historic_area\", \"monument_id\": \"Золоті ворота\"}}"
bad "a monument's property" "'significance': not a property of a protection_zone" "{\"type\": \"Feature\", $poly, \"properties\": {\"zone_type\": \"historic_area\", \"significance\": \"national\"}}"
check_eq "3 nothing written" "$before" "$(sql "$DB" "SELECT count(*) FROM protection_zone")"

# 4. PATCH and PUT with If-Match; the zones tile over it changes.
read -r tx ty < <(python3 -c 'import math
lon, lat, z = 30.518, 50.4548, 16
n = 2 ** z
print(int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))')
http "/tiles/zones/16/$tx/$ty.png" >/dev/null
tile_etag=$(header ETag)
patch='{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[30.5160, 50.4535], [30.5195, 50.4535], [30.5195, 50.4560], [30.5160, 50.4560], [30.5160, 50.4535]]]}, "properties": {"name_uk": "Зона регулювання (змінена)"}}'
check_eq "4.1 PATCH without If-Match: 428" 428 "$(http "$Z/$zid" -X PATCH "${AUTH[@]}" --data-binary "$patch")"
check_eq "4.2 a monument's ETag with the zone's id and version is not the zone's: 412" 412 \
  "$(http "$Z/$zid" -X PATCH "${AUTH[@]}" -H "If-Match: ${etag/\"z/\"m}" --data-binary "$patch")"
check_eq "4.3 PATCH with the ETag" 200 "$(http "$Z/$zid" -X PATCH "${AUTH[@]}" -H "If-Match: $etag" --data-binary "$patch")"
check_eq "4.4 the name changed, the rest kept" "Зона регулювання (змінена) building_regulation рішення № 1 2" \
  "$(jq_ 'd["properties"]["name_uk"], d["properties"]["zone_type"], d["properties"]["decision"], d["properties"]["version"]' | paste -sd' ')"
check_eq "4.5 the old ETag is stale now: 412" 412 "$(http "$Z/$zid" -X PATCH "${AUTH[@]}" -H "If-Match: $etag" --data-binary "$patch")"
http "/tiles/zones/16/$tx/$ty.png" >/dev/null
check_true "4.6 the zones tile over it changed" test "$(header ETag)" != "$tile_etag"
etag=$(http "$Z/$zid" >/dev/null; header ETag)
put='{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[30.5160, 50.4535], [30.5195, 50.4535], [30.5195, 50.4560], [30.5160, 50.4560], [30.5160, 50.4535]]]}, "properties": {"zone_type": "охоронна зона"}}'
check_eq "4.7 PUT replaces" 200 "$(http "$Z/$zid" -X PUT "${AUTH[@]}" -H "If-Match: $etag" --data-binary "$put")"
check_eq "4.8 what PUT did not name is gone" "protection_zone None None 3" \
  "$(jq_ 'd["properties"]["zone_type"], d["properties"].get("name_uk"), d["properties"].get("decision"), d["properties"]["version"]' | paste -sd' ')"

# 5. History, then DELETE leaves a tombstone.
check_eq "5.1 history" 200 "$(http "$Z/$zid/history")"
check_eq "5.2 insert, then two updates by an editor" "insert update update editor" \
  "$(jq_ '" ".join(h["action"] for h in d["history"]), d["history"][-1]["by"]' | paste -sd' ')"
check_contains "5.3 the changes named" "$(cat "$T/body")" '"name_uk":{"from":"Зона регулювання (змінена)","to":null}'
etag=$(http "$Z/$zid" >/dev/null; header ETag)
check_eq "5.4 DELETE" 204 "$(http "$Z/$zid" -X DELETE -H "Authorization: Bearer $OLENA" -H "If-Match: $etag")"
check_eq "5.5 gone from the API" 404 "$(http "$Z/$zid")"
check_eq "5.6 kept as a tombstone with its audit row" "1 delete" \
  "$(sql "$DB" "SELECT deleted_at IS NOT NULL FROM protection_zone WHERE id = $zid") $(sql "$DB" "SELECT action FROM audit_log WHERE entity = 'protection_zone' AND entity_id = $zid ORDER BY id DESC LIMIT 1")"
check_eq "5.7 DELETE again: 412 (the version moved on)" 412 \
  "$(http "$Z/$zid" -X DELETE -H "Authorization: Bearer $OLENA" -H "If-Match: $etag")"
check_eq "5.8 condition reports cannot be edited here: 405" 405 \
  "$(http /collections/condition_reports/items -X POST "${AUTH[@]}" --data-binary "$zone")"
# 6. Re-import (issue 20): an editor's change to an imported zone is kept, as a conflict.
z1=$(sql "$DB" "SELECT id FROM protection_zone WHERE source_id = 'z1'")
etag=$(http "$Z/$z1" >/dev/null; header ETag)
check_eq "6.1 an editor renames the imported zone" 200 "$(http "$Z/$z1" -X PATCH "${AUTH[@]}" \
  -H "If-Match: $etag" --data-binary '{"type": "Feature", "properties": {"name_uk": "Зона Золотих воріт (уточнено)"}}')"
out=$("$SPADOK" import --quiet --db "$DB" --mapping "$T/zones.json" "$T/зони.geojson" 2>&1)
check_contains "6.2 the same import: the zone conflicted" "$out" "unchanged 1 + conflicted 1 + rejected 2"
check_contains "6.3 naming both names" "$out" "name_uk: source 'Зона Золотих воріт', current 'Зона Золотих воріт (уточнено)'"
check_eq "6.4 the editor's name stays" "Зона Золотих воріт (уточнено)" \
  "$(sql "$DB" "SELECT name_uk FROM protection_zone WHERE id = $z1")"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["features"] = d["features"][:1]; print(json.dumps(d))' "$T/зони.geojson" >"$T/one.geojson"
out=$("$SPADOK" import --quiet --db "$DB" --mapping "$T/zones.json" "$T/one.geojson" 2>&1)
check_contains "6.5 a zone dropped from the source is reported missing, not deleted" "$out" "missing 1)"
check_eq "6.6 still there" 0 "$(sql "$DB" "SELECT count(*) FROM protection_zone WHERE source_id = 'z2' AND deleted_at IS NOT NULL")"
check_eq "healthy" 200 "$(http /healthz)"
finish
