#!/usr/bin/env bash
# OGC API - Features Part 4 on monuments against a real server: POST creates (201, Location,
# the feature back, an audit row), PUT replaces and PATCH merges with If-Match (428 without,
# 412 stale), bodies are validated as imports are (vocabulary by label, unknown property,
# invalid and repaired geometry, wrong CRS, Content-Crs reprojection, bad JSON, duplicate
# protection number), two editors PATCHing with the same ETag: exactly one wins and one audit
# row is written; GET .../history shows who (as a role to the public) changed what.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
printf 'editor pass 2027\n' | "$SPADOK" user add taras --role editor --db "$DB" >/dev/null 2>&1
start_server "$DB"
OLENA=$(token olena "editor pass 2026")
TARAS=$(token taras "editor pass 2027")
AUTH=(-H "Authorization: Bearer $OLENA" -H "Content-Type: application/geo+json")
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }
audit_rows() { sql "$DB" "SELECT count(*) FROM audit_log"; }

# 1. POST creates.
new='{"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.5234, 50.4501]},
  "properties": {"name_uk": "Будинок з химерами (тест)", "name_en": "House with Chimaeras (test)",
  "significance": "національного значення", "kinds": ["architecture", "історії"],
  "object_kind": "structure", "dating": "1901–1903", "protection_no": "T-0001",
  "address": "вул. Банкова, 10"}}'
before=$(audit_rows)
check_eq "1.1 POST a monument" 201 "$(http /collections/monuments/items -X POST "${AUTH[@]}" --data-binary "$new")"
loc=$(header Location)
check_contains "1.2 Location names the new item" "$loc" "/collections/monuments/items/"
id=${loc##*/}
check_eq "1.3 the body is the feature, values normalised like an import" \
  "national history;architecture 1901 1903 True" \
  "$(jq_ 'd["properties"]["significance"], d["properties"]["kinds"], d["properties"]["year_from"], d["properties"]["year_to"], d["properties"]["district"].endswith("район")' | paste -sd' ')"
etag=$(header ETag)
check_contains "1.4 with its ETag (version 1)" "$etag" "\"m${id}v1-"
check_eq "1.4 read back" 200 "$(http "/collections/monuments/items/$id")"
check_eq "1.4 revalidated on every read (an editor sees their change at once)" "no-cache" "$(header Cache-Control)"
check_eq "1.5 one audit row: insert by olena" "$((before + 1)) insert olena editor" \
  "$(audit_rows) $(sql "$DB" "SELECT action, actor, actor_role FROM audit_log ORDER BY id DESC LIMIT 1" | tr '|' ' ')"
check_eq "1.6 GET finds it" 200 "$(http "/collections/monuments/items/$id")"
check_eq "1.7 the same protection number again: 409" 409 \
  "$(http /collections/monuments/items -X POST "${AUTH[@]}" --data-binary "$new")"
check_contains "1.8 saying whose it is" "$(cat "$T/body")" "T-0001 is monument $id"
# Issue 21: If-None-Match: * on a create holds (the item is new): 201 with Location, never a
# 304 after the write (which invited a duplicate on retry).
before=$(audit_rows)
check_eq "1.9 issue 21: POST with If-None-Match: * creates: 201" 201 \
  "$(http /collections/monuments/items -X POST "${AUTH[@]}" -H 'If-None-Match: *' --data-binary "${new//T-0001/T-0002}")"
check_contains "1.10 issue 21: with its Location" "$(header Location)" "/collections/monuments/items/"
check_eq "1.11 issue 21: one item written" "$((before + 1))" "$(audit_rows)"

# 2. Bad bodies: a clear 400 each, nothing written.
before=$(audit_rows)
bad() { # name, expected status, expected text, body [content type]
  local ct=${5:-application/geo+json}
  check_eq "2 $1" "$2" "$(http /collections/monuments/items -X POST -H "Authorization: Bearer $OLENA" -H "Content-Type: $ct" --data-binary "$4")"
  check_contains "2 $1: says why" "$(cat "$T/body")" "$3"
}
pt='"geometry": {"type": "Point", "coordinates": [30.52, 50.45]}'
bad "not JSON" 400 "not JSON" '{"type": "Feature",'
bad "not a Feature" 400 "GeoJSON Feature" '{"type": "FeatureCollection", "features": []}'
bad "no name" 400 "name_uk" "{\"type\": \"Feature\", $pt, \"properties\": {\"name_en\": \"x\"}}"
bad "unknown property" 400 "'nmae_uk': not a property" "{\"type\": \"Feature\", $pt, \"properties\": {\"name_uk\": \"x\", \"nmae_uk\": \"y\"}}"
bad "unknown significance" 400 "significance" "{\"type\": \"Feature\", $pt, \"properties\": {\"name_uk\": \"x\", \"significance\": \"світового\"}}"
bad "bad date" 400 "register_date" "{\"type\": \"Feature\", $pt, \"properties\": {\"name_uk\": \"x\", \"register_date\": \"31.02.20x\"}}"
bad "bad Q-id" 400 "wikidata" "{\"type\": \"Feature\", $pt, \"properties\": {\"name_uk\": \"x\", \"wikidata\": \"Z12\"}}"
bad "years reversed" 400 "year_from" "{\"type\": \"Feature\", $pt, \"properties\": {\"name_uk\": \"x\", \"year_from\": 1900, \"year_to\": 1800}}"
bad "no geometry" 400 "geometry" '{"type": "Feature", "geometry": null, "properties": {"name_uk": "x"}}'
bad "not a geometry" 400 "geometry" '{"type": "Feature", "geometry": {"type": "Pointy", "coordinates": [1, 2]}, "properties": {"name_uk": "x"}}'
bad "projected coordinates as lon/lat" 400 "wrong CRS" '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [3396000, 5590000]}, "properties": {"name_uk": "x"}}'
bad "a list where one value goes" 400 "list" "{\"type\": \"Feature\", $pt, \"properties\": {\"name_uk\": [\"x\"]}}"
bad "text/plain" 415 "application/geo+json" "{\"type\": \"Feature\", $pt, \"properties\": {\"name_uk\": \"x\"}}" text/plain
check_eq "2 a CRS we do not know" 400 "$(http /collections/monuments/items -X POST "${AUTH[@]}" -H 'Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/9999>' --data-binary "{\"type\": \"Feature\", $pt, \"properties\": {\"name_uk\": \"x\"}}")"
check_eq "2 none of them wrote anything" "$before" "$(audit_rows)"

# 3. Content-Crs: a point given in Web Mercator is stored as lon/lat; a self-crossing
# footprint is repaired, as an import repairs it.
check_eq "3.1 POST in EPSG:3857" 201 "$(http /collections/monuments/items -X POST "${AUTH[@]}" \
  -H 'Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/3857>' \
  --data-binary '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [3396253.6, 6521435.9]}, "properties": {"name_uk": "Точка в Меркаторі"}}')"
check_eq "3.2 stored in EPSG:4326 (x/R, 2 atan(exp(y/R)) - pi/2 in degrees)" "30.509065 50.432037" \
  "$(jq_ '"%.6f %.6f" % tuple(d["geometry"]["coordinates"])')"
# Web Mercator wraps x beyond +-20037508 m round the world (1e8 m would be read as 178.3
# degrees east): refused, and so is a number no CRS has, which PROJ would loop over.
check_eq "3.2a a Mercator point beyond the world" 400 "$(http /collections/monuments/items -X POST "${AUTH[@]}" \
  -H 'Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/3857>' \
  --data-binary '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [100000000, 6521435.9]}, "properties": {"name_uk": "x"}}')"
check_contains "3.2b says why" "$(cat "$T/body")" "outside the range of the source CRS"
check_eq "3.2c a coordinate of 1e18 metres" 400 "$(http /collections/monuments/items -X POST "${AUTH[@]}" \
  -H 'Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/3857>' \
  --data-binary '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1e18, 6521435.9]}, "properties": {"name_uk": "x"}}')"
check_contains "3.2d says why" "$(cat "$T/body")" "beyond the range of any CRS"
check_eq "3.3 POST in EPSG:4326 (latitude first)" 201 "$(http /collections/monuments/items -X POST "${AUTH[@]}" \
  -H 'Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/4326>' \
  --data-binary '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [50.4501, 30.5234]}, "properties": {"name_uk": "Точка широта-довгота"}}')"
check_eq "3.4 axes as the CRS says" "30.5234 50.4501" "$(jq_ '"%.4f %.4f" % tuple(d["geometry"]["coordinates"])')"
check_eq "3.5 a bow-tie footprint" 201 "$(http /collections/monuments/items -X POST "${AUTH[@]}" \
  --data-binary '{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[30.50, 50.44], [30.51, 50.45], [30.51, 50.44], [30.50, 50.45], [30.50, 50.44]]]}, "properties": {"name_uk": "Метелик"}}')"
check_eq "3.6 is stored valid" 1 "$(sql "$DB" "SELECT ST_IsValid(geom) FROM monument WHERE name_uk = 'Метелик'")"

# 4. PUT replaces; If-Match is required and must be current.
item="/collections/monuments/items/$id"
put='{"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.5236, 50.4502]},
  "properties": {"name_uk": "Будинок з химерами", "significance": "national",
  "kinds": "architecture", "protection_no": "T-0001", "condition": "good", "version": 1}}'
check_eq "4.1 PUT without If-Match" 428 "$(http "$item" -X PUT "${AUTH[@]}" --data-binary "$put")"
check_eq "4.2 PUT with a stale ETag" 412 "$(http "$item" -X PUT "${AUTH[@]}" -H "If-Match: \"m${id}v9-0\"" --data-binary "$put")"
check_eq "4.3 PUT with the ETag" 200 "$(http "$item" -X PUT "${AUTH[@]}" -H "If-Match: $etag" --data-binary "$put")"
check_eq "4.4 replaced: what the body left out is gone, read-only values ignored" \
  "Будинок з химерами None None 2 None" \
  "$(jq_ 'd["properties"]["name_uk"], d["properties"]["name_en"], d["properties"]["address"], d["properties"]["version"], d["properties"]["condition"]' | paste -sd' ')"
etag2=$(header ETag)
check_true "4.5 a new ETag" test "$etag2" != "$etag"
check_eq "4.6 the old ETag is now stale" 412 "$(http "$item" -X PUT "${AUTH[@]}" -H "If-Match: $etag" --data-binary "$put")"
check_eq "4.7 the same content again: 200, nothing written" "200 2" \
  "$(http "$item" -X PUT "${AUTH[@]}" -H "If-Match: $etag2" --data-binary "$put") $(sql "$DB" "SELECT version FROM monument WHERE id = $id")"

# 5. PATCH changes what it names; null clears.
before=$(audit_rows)
check_eq "5.1 PATCH" 200 "$(http "$item" -X PATCH "${AUTH[@]}" -H "If-Match: $etag2" \
  --data-binary '{"type": "Feature", "properties": {"name_en": "House with Chimaeras", "dating": "1901-1902", "kinds": null}}')"
check_eq "5.2 merged, years follow the new dating, kinds cleared" \
  "Будинок з химерами House with Chimaeras 1901 1902 None 3" \
  "$(jq_ 'd["properties"]["name_uk"], d["properties"]["name_en"], d["properties"]["year_from"], d["properties"]["year_to"], d["properties"]["kinds"], d["properties"]["version"]' | paste -sd' ')"
etag3=$(header ETag)
check_eq "5.3 its audit row has both sides" "$((before + 1)) update None House with Chimaeras" \
  "$(audit_rows) $(sql "$DB" "SELECT action, coalesce(json_extract(before, '\$.name_en'), 'None'), json_extract(after, '\$.name_en') FROM audit_log ORDER BY id DESC LIMIT 1" | tr '|' ' ')"
check_eq "5.4 PATCH to an invalid value" 400 "$(http "$item" -X PATCH "${AUTH[@]}" -H "If-Match: $etag3" --data-binary '{"type": "Feature", "properties": {"object_kind": "castle"}}')"
check_eq "5.5 PATCH of a missing monument" 404 "$(http /collections/monuments/items/999999 -X PATCH "${AUTH[@]}" -H 'If-Match: "m999999v1-0"' --data-binary '{"type": "Feature", "properties": {}}')"

# 6. Two editors PATCH with the same ETag at once: exactly one wins, one audit row.
before=$(audit_rows)
( curl -s -o "$T/a.body" -w '%{http_code}' -X PATCH -H "Authorization: Bearer $OLENA" -H 'Content-Type: application/geo+json' \
    -H "If-Match: $etag3" --data-binary '{"type": "Feature", "properties": {"address": "вул. Банкова, 10 (Олена)"}}' "$URL$item" >"$T/a.status" ) &
a=$!
( curl -s -o "$T/b.body" -w '%{http_code}' -X PATCH -H "Authorization: Bearer $TARAS" -H 'Content-Type: application/geo+json' \
    -H "If-Match: $etag3" --data-binary '{"type": "Feature", "properties": {"address": "вул. Банкова, 10 (Тарас)"}}' "$URL$item" >"$T/b.status" ) &
wait $a $!
check_eq "6.1 one 200 and one 412" "200 412" "$(printf '%s\n%s\n' "$(cat "$T/a.status")" "$(cat "$T/b.status")" | sort | paste -sd' ')"
check_eq "6.2 one audit row" "$((before + 1))" "$(audit_rows)"
winner=$(sql "$DB" "SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1")
want=$([ "$winner" = olena ] && echo "вул. Банкова, 10 (Олена)" || echo "вул. Банкова, 10 (Тарас)")
check_eq "6.3 the stored address is the winner's" "$want" "$(sql "$DB" "SELECT address FROM monument WHERE id = $id")"

# 7. History: the public sees roles and what changed; staff also see logins.
check_eq "7.1 GET history" 200 "$(http "$item/history")"
check_eq "7.2 insert, replace, patch, patch" "insert update update update" "$(jq_ '" ".join(h["action"] for h in d["history"])')"
check_eq "7.3 by a role, no login" "editor False" "$(jq_ 'd["history"][2]["by"], "login" in d["history"][2]' | paste -sd' ')"
check_eq "7.4 what changed" "None -> House with Chimaeras" "$(jq_ '"%s -> %s" % (d["history"][2]["changes"]["name_en"]["from"], d["history"][2]["changes"]["name_en"]["to"])')"
check_eq "7.5 staff see the login" "olena" "$(http "$item/history" -H "Authorization: Bearer $OLENA" >/dev/null; jq_ 'd["history"][0]["login"]')"
check_eq "7.6 history of a missing monument" 404 "$(http /collections/monuments/items/999999/history)"

# 8. Methods: the right 405s, and the server is healthy.
check_eq "8.1 PUT on the collection" 405 "$(http /collections/monuments/items -X PUT "${AUTH[@]}" --data-binary '{}')"
check_contains "8.2 Allow names what is" "$(header Allow)" "GET, HEAD, POST"
check_eq "8.3 POST on the landing page" 405 "$(http / -X POST "${AUTH[@]}" --data-binary '{}')"
check_eq "8.4 POST to condition_reports items" 405 "$(http /collections/condition_reports/items -X POST "${AUTH[@]}" --data-binary '{}')"
http /api >/dev/null
check_eq "8.5 the OpenAPI document describes the writes" "True True True True True True" \
  "$(jq_ '"post" in d["paths"]["/collections/{collectionId}/items"], all(m in d["paths"]["/collections/{collectionId}/items/{featureId}"] for m in ("put", "patch", "delete")), "/collections/{collectionId}/items/{featureId}/history" in d["paths"], "/reports" in d["paths"], "/moderation/{reportId}" in d["paths"], "/stats" in d["paths"]' | paste -sd' ')"
check_eq "8.6 healthy" 200 "$(http /healthz)"
check_eq "8.7 integrity" ok "$(sql "$DB" "PRAGMA integrity_check")"
finish
