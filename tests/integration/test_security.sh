#!/usr/bin/env bash
# Attacks on a real server, each answered as it must be:
# 1. SQL injection through every query parameter, path segment and header
#    (security_probe.py): never a 5xx, a JSON 4xx or an empty match; afterwards the schema,
#    the rows and PRAGMA integrity_check are as before. Injection text in a JSON body (an
#    edit, a login, a citizen's report) is stored and read back as text.
# 2. A planted submitter contact and a restricted photo: in no public response or download.
# 3. An archaeological site (location_sensitive): its exact place cannot be found by asking,
#    neither by bbox, nor CQL2 S_INTERSECTS, nor the counts, nor the tiles.
# 4. Size limits on the request line, headers and body; paths out of the photo folder
#    (.., encoded, a symlink planted in the folder) lead nowhere.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
PH=$T/photos
import_sample "$DB"
printf 'edit pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
start_server "$DB" --photos "$PH"
OLENA=$(token olena "edit pass 2026")
IVAN=$(token ivan "inspect pass 2026")
JSON=(-H 'Content-Type: application/json')
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }
state() {
  sql "$DB" "SELECT (SELECT group_concat(name || ':' || coalesce(sql, ''), ';') FROM sqlite_master),
    (SELECT count(*) FROM monument), (SELECT count(*) FROM condition_report),
    (SELECT count(*) FROM app_user), (SELECT count(*) FROM api_token),
    (SELECT group_concat(name_uk, ';') FROM monument)" | sha256sum | cut -c1-16
}
id=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Михайлівський Золотоверхий монастир'")

# 1. Injection.
before=$(state)
python3 "$ROOT/tests/integration/security_probe.py" "$URL" "$id" >"$T/probe.log" 2>&1
check_true "1.1 every parameter, path and header: no 5xx, JSON 4xx, injections match nothing ($(tail -1 "$T/probe.log"))" \
  grep -q ', 0 problems$' "$T/probe.log"
grep PROBLEM "$T/probe.log" | head -20 >&2
check_eq "1.2 schema, rows and accounts unchanged" "$before" "$(state)"
check_eq "1.3 integrity_check" ok "$(sql "$DB" "PRAGMA integrity_check")"
check_eq "1.4 the server is up" 200 "$(http /healthz)"
evil="Собор'); DROP TABLE monument; -- \" OR 1=1 /*"
body=$(python3 -c 'import json, sys; print(json.dumps({"type": "Feature", "properties": {"name_uk": sys.argv[1]}}))' "$evil")
http "/collections/monuments/items/$id" >/dev/null
check_eq "1.5 an edit whose name is an injection" 200 \
  "$(http "/collections/monuments/items/$id" -X PATCH -H "Authorization: Bearer $OLENA" -H "If-Match: $(header ETag)" "${JSON[@]}" --data-binary "$body")"
check_eq "1.6 stored as text" "$evil" "$(sql "$DB" "SELECT name_uk FROM monument WHERE id = $id")"
http "/collections/monuments/items/$id" >/dev/null
check_eq "1.7 and read back as text" "$evil" "$(jq_ 'd["properties"]["name_uk"]')"
http "/collections/monuments/items?filter=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote("name_uk = '"'"'" + sys.argv[1].replace("'"'"'", "'"'"''"'"'") + "'"'"'", safe=""))' "$evil")" >/dev/null
check_eq "1.8 found by CQL2 as the literal it is" "$id" "$(jq_ '" ".join(str(f["id"]) for f in d["features"])')"
check_eq "1.9 a login that is an injection" 401 \
  "$(http /auth/login -X POST "${JSON[@]}" --data-binary "{\"login\": \"' OR 1=1 --\", \"password\": \"' OR '1'='1\"}")"
check_eq "1.10 a citizen's report that is one" 201 \
  "$(http /reports -X POST "${JSON[@]}" --data-binary "{\"monument_id\": $id, \"description\": \"x'); DELETE FROM condition_report; --\"}")"
check_eq "1.11 kept as text" "x'); DELETE FROM condition_report; --" \
  "$(sql "$DB" "SELECT description FROM citizen_report ORDER BY id DESC LIMIT 1")"

# 2. A planted contact and a restricted photo, and every public output searched for them.
PLANT=planted-7Q3X-contact@example.org
PHONE=+380-99-715-3Q7X
check_eq "2.1 a citizen's report with a contact" 201 \
  "$(http /reports -X POST "${JSON[@]}" --data-binary "{\"monument_id\": $id, \"description\": \"Тріщина на фасаді\", \"contact\": \"$PLANT $PHONE\"}")"
http /moderation -H "Authorization: Bearer $OLENA" >/dev/null
cid=$(jq_ '[r["id"] for r in d["reports"] if r["contact"] and "planted" in r["contact"]][0]')
check_eq "2.2 approved: its report becomes public" 200 \
  "$(http "/moderation/$cid" -X POST -H "Authorization: Bearer $OLENA" "${JSON[@]}" --data-binary '{"decision": "approve", "condition": "unsatisfactory", "damage_level": "minor"}')"
report=$(jq_ 'd["report_id"]')
check_eq "2.3 the contact is kept for staff" 1 \
  "$(sql "$DB" "SELECT count(*) FROM citizen_report WHERE contact LIKE '%$PLANT%'")"
check_eq "2.4 and with the approved condition report" 1 \
  "$(sql "$DB" "SELECT count(*) FROM condition_report WHERE id = $report AND submitter_contact LIKE '%$PLANT%'")"
vips black "$T/p.png" 320 200 --bands 3 >/dev/null
check_eq "2.5 a restricted photo" 201 "$(http "/collections/monuments/items/$id/photos" -X POST -H "Authorization: Bearer $IVAN" \
  -F "file=@$T/p.png;type=image/png" -F 'status=restricted' -F "caption_uk=$PHONE" -F "author=$PLANT")"
secret_photo=$(jq_ 'd["id"]')
secret_sha=$(sql "$DB" "SELECT sha256 FROM photo WHERE id = $secret_photo")
public=(
  / "/?f=json" /conformance /api /collections /vocabularies /stats /metrics /tiles /tiles/monuments.json
  "/collections/monuments/items?limit=10000" "/collections/monuments/items?limit=10000&f=html"
  "/collections/monuments/items?limit=10000&f=csv"
  "/collections/monuments/items/$id" "/collections/monuments/items/$id?f=html"
  "/collections/monuments/items/$id/history" "/collections/monuments/items/$id/photos"
  "/collections/monuments/items/$id/reports"
  "/collections/condition_reports/items?limit=10000" "/collections/condition_reports/items?limit=10000&f=html"
  "/collections/condition_reports/items?limit=10000&f=csv" "/collections/condition_reports/items/$report"
  "/collections/condition_reports/items/$report?f=html"
  "/collections/protection_zones/items?limit=10000" "/monuments/$id" /report
  /exports/monuments.geojson /exports/monuments.csv /exports/monuments.kml /exports/monuments.gpkg
)
leaks=""
for p in "${public[@]}"; do
  code=$(curl -s -L -o "$T/out" -w '%{http_code}' "$URL$p")
  [ "$code" = 200 ] || leaks="$leaks [$p answered $code]"
  grep -a -q -e "$PLANT" -e "$PHONE" -e "$secret_sha" -e "/photos/$secret_photo\"" "$T/out" && leaks="$leaks [$p]"
done
check_eq "2.6 the planted contact, phone and restricted photo in none of ${#public[@]} public outputs" "" "$leaks"
check_eq "2.7 the restricted photo's files are for staff only" "401 401 401" \
  "$(http "/photos/$secret_photo/thumb") $(http "/photos/$secret_photo/web") $(http "/photos/$secret_photo")"
check_eq "2.8 staff see it" 200 "$(http "/photos/$secret_photo/thumb" -H "Authorization: Bearer $IVAN")"
check_eq "2.9 the waiting reports (with contacts) are for editors" "401 403" \
  "$(http /moderation) $(http /moderation -H "Authorization: Bearer $IVAN")"

# 3. An archaeological site whose exact place is withheld.
site=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Залишки Десятинної церкви'")
read -r ex ey < <(sql "$DB" "SELECT printf('%.7f %.7f', ST_X(marker), ST_Y(marker)) FROM monument WHERE id = $site" | tr '|' ' ')
read -r px py < <(python3 -c "print(round($ex, 2), round($ey, 2))")
z=18
tile_of() { python3 -c "import math, sys; x, y = float(sys.argv[1]), float(sys.argv[2]); n = 2 ** $z; r = math.radians(y); print('%d/%d' % (int((x + 180) / 360 * n), int((1 - math.asinh(math.tan(r)) / math.pi) / 2 * n)))" "$1" "$2"; }
exact_tile=$(tile_of "$ex" "$ey")
http "/tiles/monuments/$z/$exact_tile.png" >/dev/null; cp "$T/body" "$T/open.png"
http "/collections/monuments/items/$site" >/dev/null
check_eq "3.1 the site is marked sensitive by an editor" 200 \
  "$(http "/collections/monuments/items/$site" -X PATCH -H "Authorization: Bearer $OLENA" -H "If-Match: $(header ETag)" "${JSON[@]}" --data-binary '{"type": "Feature", "properties": {"location_sensitive": true}}')"
d=0.0002
box="$(python3 -c "print('%.7f,%.7f,%.7f,%.7f' % ($ex - $d, $ey - $d, $ex + $d, $ey + $d))")"
found() { http "$1" >/dev/null; jq_ "sum(1 for f in d['features'] if f['id'] == $site), d.get('numberMatched')" | paste -sd' '; }
check_eq "3.2 a bbox around the exact place does not find it" "0 $(sql "$DB" "SELECT count(*) FROM monument WHERE deleted_at IS NULL AND location_sensitive = 0 AND ST_Intersects(geom, BuildMbr($ex - $d, $ey - $d, $ex + $d, $ey + $d, 4326))")" \
  "$(found "/collections/monuments/items?bbox=$box")"
check_eq "3.3 a bbox around the published place does" "1" \
  "$(found "/collections/monuments/items?bbox=$(python3 -c "print('%.4f,%.4f,%.4f,%.4f' % ($px - 0.001, $py - 0.001, $px + 0.001, $py + 0.001))")" | cut -d' ' -f1)"
poly=$(python3 -c "print('POLYGON((%.7f %.7f,%.7f %.7f,%.7f %.7f,%.7f %.7f,%.7f %.7f))' % ($ex-$d,$ey-$d,$ex+$d,$ey-$d,$ex+$d,$ey+$d,$ex-$d,$ey+$d,$ex-$d,$ey-$d))")
check_eq "3.4 nor does CQL2 S_INTERSECTS" 0 \
  "$(found "/collections/monuments/items?filter=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "S_INTERSECTS(geometry, $poly)")" | cut -d' ' -f1)"
check_eq "3.5 nor a bbox with a text search (the counted path)" "0 0" \
  "$(found "/collections/monuments/items?bbox=$box&q=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("Десятинної"))')")"
check_eq "3.6 its reports are not found at the exact place either" 0 \
  "$(http "/collections/condition_reports/items?bbox=$box" >/dev/null; jq_ "sum(1 for f in d['features'] if f['properties']['monument_id'] == $site)")"
http "/tiles/monuments/$z/$exact_tile.png" >/dev/null
check_true "3.7 the tile at the exact place no longer draws it" sh -c "! cmp -s '$T/body' '$T/open.png'"
http "/tiles/monuments/$z/$(tile_of "$px" "$py").png" >/dev/null
check_true "3.8 the tile at the published place does" test "$(stat -c %s "$T/body")" -gt 200

# Its public history never shows where it was; its protection zone is no more precise.
old_addr=$(sql "$DB" "SELECT address FROM monument WHERE id = $site")
http "/collections/monuments/items/$site" >/dev/null
check_eq "3.9 an editor corrects its address" 200 \
  "$(http "/collections/monuments/items/$site" -X PATCH -H "Authorization: Bearer $OLENA" -H "If-Match: $(header ETag)" "${JSON[@]}" --data-binary '{"type": "Feature", "properties": {"address": "уточнена адреса розкопу"}}')"
http "/collections/monuments/items/$site/history" >/dev/null
check_true "3.10 the public history shows neither address" sh -c "! grep -q -e '$old_addr' -e 'уточнена адреса' '$T/body'"
check_contains "3.11 only that it changed" "$(cat "$T/body")" '"address":{"changed":true}'
http "/collections/monuments/items/$site/history" -H "Authorization: Bearer $OLENA" >/dev/null
check_contains "3.12 staff see both" "$(cat "$T/body")" "$old_addr"
zone=$(python3 -c "d=0.0004; print('{\"type\": \"Feature\", \"properties\": {\"zone_type\": \"archaeological_layer\", \"monument_id\": $site}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f]]]}}' % ($ex-d, $ey-d, $ex+d, $ey-d, $ex+d, $ey+d, $ex-d, $ey+d, $ex-d, $ey-d))")
check_eq "3.13 its archaeological layer zone" 201 "$(http /collections/protection_zones/items -X POST -H "Authorization: Bearer $OLENA" "${JSON[@]}" --data-binary "$zone")"
zid=$(sql "$DB" "SELECT max(id) FROM protection_zone")
http "/collections/protection_zones/items/$zid" >/dev/null
check_eq "3.14 is published on the 0.01 degree grid only" "True" \
  "$(jq_ "all(abs(round(c * 100) - c * 100) < 1e-6 for ring in d['geometry']['coordinates'] for p in ring for c in p)")"
far=$(python3 -c "print('%.7f,%.7f,%.7f,%.7f' % (round($ex - 0.005, 2) + 0.0001, round($ey - 0.005, 2) + 0.0001, round($ex - 0.005, 2) + 0.0002, round($ey - 0.005, 2) + 0.0002))")
check_eq "3.15 and found wherever it is shown, not only at the exact place" 1 \
  "$(http "/collections/protection_zones/items?bbox=$far" >/dev/null; jq_ "sum(1 for f in d['features'] if f['id'] == $zid)")"

# 4. Limits and paths.
long=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Long: $long" "$URL/healthz")
check_true "4.1 a 20 kB header is refused (got $code)" test "$code" = 431 -o "$code" = 400 -o "$code" = 413
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/collections/monuments/items?q=$long")
check_true "4.2 a 20 kB request line is refused (got $code)" test "$code" -ge 400 -a "$code" -lt 500
head -c 70000 /dev/zero | tr '\0' ' ' >"$T/big.json"
check_eq "4.3 a JSON body over 64 KiB" 413 \
  "$(http "/collections/monuments/items/$id" -X PATCH -H "Authorization: Bearer $OLENA" "${JSON[@]}" --data-binary "@$T/big.json")"
args=$(python3 -c "print('&'.join('a%d=1' % i for i in range(100)))")
check_eq "4.4 over 64 query parameters" 400 "$(http "/collections/monuments/items?$args")"
for p in "/photos/..%2F..%2F..%2Fetc%2Fpasswd" "/photos/1/..%2F..%2Fetc%2Fpasswd" "/static/..%2F..%2Fetc%2Fpasswd" \
         "/static/%2e%2e/%2e%2e/etc/passwd" "/photos/%2e%2e/%2e%2e/etc/passwd" "/exports/..%2Fr.sqlite"; do
  curl -s --path-as-is -o "$T/out" "$URL$p"
  check_true "4.5 $p leads nowhere" sh -c "! grep -q -e 'root:' -e 'SQLite format' '$T/out'"
done
# A symlink planted where a photo's thumbnail should be: not followed out of the folder.
victim=$(sql "$DB" "SELECT id FROM photo WHERE status = 'public' ORDER BY id LIMIT 1")
if [ -z "$victim" ]; then
  http "/collections/monuments/items/$id/photos" -X POST -H "Authorization: Bearer $IVAN" -F "file=@$T/p.png;type=image/png" >/dev/null
  victim=$(jq_ 'd["id"]')
fi
vsha=$(sql "$DB" "SELECT sha256 FROM photo WHERE id = $victim")
thumb=$(find "$PH" -type f -name "${vsha}.thumb.jpg" | head -1)
if [ -n "$thumb" ]; then
  mv "$thumb" "$T/thumb.keep" && ln -s /etc/passwd "$thumb"
  code=$(http "/photos/$victim/thumb")
  check_true "4.6 a symlink in the photo folder is not followed (got $code)" sh -c "! grep -q 'root:' '$T/body'"
  rm -f "$thumb" && mv "$T/thumb.keep" "$thumb"
else
  fail "4.6 no thumbnail file of photo $victim found under $PH"
fi
check_eq "4.7 integrity_check at the end" ok "$(sql "$DB" "PRAGMA integrity_check")"
check_eq "4.8 the server is up" 200 "$(http /healthz)"
finish
