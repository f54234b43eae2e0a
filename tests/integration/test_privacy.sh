#!/usr/bin/env bash
# A contributor's safety (issue 20): photos carry where and when they were taken (EXIF GPS and
# DateTimeOriginal, written here by tests/tools/exifjpeg), and none of that reaches the public
# unless staff make a photo's location public. Three photos: a citizen's with consent (CC BY
# 4.0, a credit name), a citizen's with "do not publish", an inspector's. Every public output
# (items as JSON, HTML and CSV, an item, photo lists, the monument's page, history, the four
# downloads, stats, metrics, TileJSON, the report timeline, the report status) is searched for
# the coordinates (three decimals) and the capture times, as test_security.sh searches for a
# contact. A citizen follows a report by its reference: received, under review, approved or
# not approved with the public reason; never the contact, the internal reason or the place.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
PH=$T/photos
import_sample "$DB"
printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
start_server "$DB" --photos "$PH"
OLENA=$(token olena "editor pass 2026")
IVAN=$(token ivan "inspect pass 2026")
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }
JSON=(-H 'Content-Type: application/json')
mid=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
EXIFJPEG=$(dirname "$SPADOK")/tests/tools/exifjpeg
vips black "$T/dark.png" 640 400 --bands 3 >/dev/null
for i in 1 2 3; do vips linear "$T/dark.png" "$T/plain$i.jpg" 1 $((i * 50)) >/dev/null; done
"$EXIFJPEG" "$T/plain1.jpg" "$T/citizen.jpg" 50.4137 30.6071 "2025:06:14 09:41:07"
"$EXIFJPEG" "$T/plain2.jpg" "$T/private.jpg" 50.3922 30.6583 "2025:07:02 18:05:33"
"$EXIFJPEG" "$T/plain3.jpg" "$T/inspector.jpg" 50.4838 30.3904 "2025:08:21 07:12:45"
# What must not leak: each position to three decimals, each capture time as EXIF and ISO write it.
SECRETS=(-e '50\.413' -e '30\.607' -e '50\.392' -e '30\.658' -e '50\.483' -e '30\.390'
  -e '2025-06-14' -e '2025:06:14' -e '2025-07-02' -e '2025:07:02' -e '2025-08-21' -e '2025:08:21')
CONTACT=privacy-4K9P@example.org
INTERNAL=internal-reason-8R2W

# The public outputs, each fetched and searched; prints what leaked (nothing: empty).
leaks() {
  local out="" code p
  for p in "$@"; do
    code=$(curl -s -L -o "$T/out" -w '%{http_code}' "$URL$p")
    [ "$code" = 200 ] || out="$out [$p answered $code]"
    grep -a -q "${SECRETS[@]}" -e "$CONTACT" -e "$INTERNAL" "$T/out" && out="$out [$p: $(grep -a -o "${SECRETS[@]}" -e "$CONTACT" -e "$INTERNAL" "$T/out" | sort -u | paste -sd,)]"
  done
  echo "$out"
}
public=(
  / "/?f=json" /api /collections /vocabularies /stats "/stats?f=csv" /metrics /tiles /tiles/monuments.json
  "/collections/monuments/items?limit=10000" "/collections/monuments/items?limit=10000&f=html"
  "/collections/monuments/items?limit=10000&f=csv"
  "/collections/monuments/items/$mid" "/collections/monuments/items/$mid?f=html"
  "/collections/monuments/items/$mid/history" "/collections/monuments/items/$mid/photos"
  "/collections/monuments/items/$mid/reports"
  "/collections/condition_reports/items?limit=10000" "/collections/condition_reports/items?limit=10000&f=html"
  "/collections/condition_reports/items?limit=10000&f=csv"
  "/monuments/$mid" /report
  /exports/monuments.geojson /exports/monuments.csv /exports/monuments.kml /exports/monuments.gpkg
)
check_eq "0.1 before any photo, no public output holds what the test looks for" "" "$(leaks "${public[@]}")"

# 1. A citizen's photo with consent, CC BY 4.0, credited by name; followed by its reference.
check_eq "1.1 a report with a phone photo, consent and credit" 201 "$(http /reports -X POST \
  -F "monument_id=$mid" -F 'description=Тріщина над аркою' -F "contact=$CONTACT" \
  -F 'photo_licence=CC-BY-4.0' -F 'photo_credit=Марія Коваль' -F "file=@$T/citizen.jpg;type=image/jpeg")"
ref1=$(jq_ 'd["ref"]')
check_eq "1.2 the receipt links to the status" "/reports/$ref1 /report/$ref1" "$(jq_ 'd["status_href"], d["page"]' | paste -sd' ')"
check_eq "1.3 status: received" "200 received" "$(http "/reports/$ref1") $(jq_ 'd["status"]')"
check_eq "1.4 the status holds no contact, place or EXIF" "" "$(leaks "/reports/$ref1")"
check_eq "1.5 the choice is kept with the photo, for the editor" "CC-BY-4.0 Марія Коваль" \
  "$(http /moderation -H "Authorization: Bearer $OLENA" >/dev/null; jq_ '" ".join("%s %s" % (p["licence"], p["credit"]) for r in d["reports"] if r["ref"] == "'"$ref1"'" for p in r["photos"])')"
cid1=$(sql "$DB" "SELECT id FROM citizen_report WHERE ref = '$ref1'")
check_eq "1.6 an editor takes it up" 200 "$(http "/moderation/$cid1" -X POST -H "Authorization: Bearer $OLENA" "${JSON[@]}" --data-binary '{"decision": "review"}')"
check_eq "1.7 status: under review" under_review "$(http "/reports/$ref1" >/dev/null; jq_ 'd["status"]')"
check_eq "1.8 approved" 200 "$(http "/moderation/$cid1" -X POST -H "Authorization: Bearer $OLENA" "${JSON[@]}" \
  --data-binary '{"decision": "approve", "condition": "unsatisfactory"}')"
rid1=$(jq_ 'd["report_id"]')
check_eq "1.9 status: approved, of the monument" "approved $mid" "$(http "/reports/$ref1" >/dev/null; jq_ 'd["status"], d["monument_id"]' | paste -sd' ')"
pid1=$(sql "$DB" "SELECT id FROM photo WHERE condition_report_id = $rid1")
check_eq "1.10 a public photo credited and licensed as chosen" "public|Марія Коваль|CC-BY-4.0" \
  "$(sql "$DB" "SELECT status, author, licence FROM photo WHERE id = $pid1")"

# 2. A citizen's photo with "do not publish": restricted for good.
check_eq "2.1 a report with a photo not to publish" 201 "$(http /reports -X POST \
  -F "monument_id=$mid" -F 'description=Сліди вогню' -F 'photo_licence=none' -F "file=@$T/private.jpg;type=image/jpeg")"
ref2=$(jq_ 'd["ref"]')
cid2=$(sql "$DB" "SELECT id FROM citizen_report WHERE ref = '$ref2'")
check_eq "2.2 the editor sees the choice: no licence" "None" \
  "$(http /moderation -H "Authorization: Bearer $OLENA" >/dev/null; jq_ '" ".join(str(p["licence"]) for r in d["reports"] if r["ref"] == "'"$ref2"'" for p in r["photos"])')"
check_eq "2.3 approved" 200 "$(http "/moderation/$cid2" -X POST -H "Authorization: Bearer $OLENA" "${JSON[@]}" --data-binary '{"decision": "approve"}')"
pid2=$(sql "$DB" "SELECT id FROM photo WHERE condition_report_id = $(jq_ 'd["report_id"]')")
check_eq "2.4 the photo stays restricted" restricted "$(sql "$DB" "SELECT status FROM photo WHERE id = $pid2")"
check_eq "2.5 not in the public list" "False" "$(http "/collections/monuments/items/$mid/photos" >/dev/null; jq_ "any(p['id'] == $pid2 for p in d['photos'])")"
check_eq "2.6 its copies are for staff" "401 401" "$(http "/photos/$pid2/thumb") $(http "/photos/$pid2/web")"
check_eq "2.7 staff cannot make it public: 409" 409 "$(http "/photos/$pid2" -X PATCH -H "Authorization: Bearer $OLENA" \
  -H 'Content-Type: application/merge-patch+json' --data-binary '{"status": "public"}')"
check_contains "2.8 saying why" "$(cat "$T/body")" "did not consent"
check_eq "2.9 CC0 without a name: anonymous" 201 "$(http /reports -X POST -F "monument_id=$mid" -F 'description=Уламки' \
  -F 'photo_licence=CC0-1.0' -F 'photo_credit=  ' -F "file=@$T/plain3.jpg;type=image/jpeg")"
cid4=$(sql "$DB" "SELECT id FROM citizen_report WHERE ref = '$(jq_ 'd["ref"]')'")
http "/moderation/$cid4" -X POST -H "Authorization: Bearer $OLENA" "${JSON[@]}" --data-binary '{"decision": "approve"}' >/dev/null
check_eq "2.10 published as anonymous, CC0-1.0" "public|anonymous|CC0-1.0" \
  "$(sql "$DB" "SELECT status, author, licence FROM photo WHERE condition_report_id = $(jq_ 'd["report_id"]')")"
check_eq "2.11 a licence that is not offered: 400" 400 "$(http /reports -X POST -F "monument_id=$mid" -F 'description=x' -F 'photo_licence=GPL')"

# 3. Not approved: the public reason is shown, the internal one never.
check_eq "3.1 a report" 201 "$(http /reports -X POST "${JSON[@]}" --data-binary "{\"monument_id\": $mid, \"description\": \"Не те місце\", \"contact\": \"$CONTACT\"}")"
ref3=$(jq_ 'd["ref"]')
cid3=$(sql "$DB" "SELECT id FROM citizen_report WHERE ref = '$ref3'")
check_eq "3.2 rejected with an internal and a public reason" 200 "$(http "/moderation/$cid3" -X POST -H "Authorization: Bearer $OLENA" "${JSON[@]}" \
  --data-binary "{\"decision\": \"reject\", \"reason\": \"$INTERNAL\", \"public_reason\": \"Це повідомлення стосується іншої будівлі.\"}")"
check_eq "3.3 status: not approved, with the public reason" "not_approved Це повідомлення стосується іншої будівлі." \
  "$(http "/reports/$ref3" >/dev/null; jq_ 'd["status"], d["public_reason"]' | paste -sd' ')"
check_eq "3.4 no contact, no internal reason" "" "$(leaks "/reports/$ref3")"
check_eq "3.5 an unknown reference: 404 with code and description" "404 NotFound True" \
  "$(http /reports/2026-00000000) $(jq_ 'd["code"], "description" in d' | paste -sd' ')"
check_eq "3.6 a reference that cannot be one: 404" 404 "$(http "/reports/%27%20OR%201=1")"
check_eq "3.7 the status page" "200 text/html; charset=utf-8" "$(http "/report/$ref3") $(header Content-Type)"
check_eq "3.8 taking up a decided report: 409" 409 "$(http "/moderation/$cid3" -X POST -H "Authorization: Bearer $OLENA" "${JSON[@]}" --data-binary '{"decision": "review"}')"

# 4. An inspector's photo with EXIF.
check_eq "4.1 an inspector's phone photo" 201 "$(http "/collections/monuments/items/$mid/photos" -X POST \
  -H "Authorization: Bearer $IVAN" -H 'Content-Type: image/jpeg' --data-binary "@$T/inspector.jpg")"
pid3=$(jq_ 'd["id"]')

# 5. Every public output searched.
public+=("/reports/$ref1" "/reports/$ref2" "/reports/$ref3" "/report/$ref1"
  "/collections/condition_reports/items/$rid1" "/collections/condition_reports/items/$rid1?f=html")
check_eq "5.1 no position, no capture time, no contact in any of ${#public[@]} public outputs" "" "$(leaks "${public[@]}")"
check_eq "5.2 the public list: no taken_* at all" "None None None" \
  "$(http "/collections/monuments/items/$mid/photos" >/dev/null; jq_ '" ".join(str(p.get(k)) for p in d["photos"] if p["id"] == '"$pid1"' for k in ("taken_at", "taken_lat", "taken_lon"))')"
http "/collections/monuments/items/$mid/photos" -H "Authorization: Bearer $OLENA" >/dev/null
check_eq "5.3 staff see all three positions and times" 9 "$(grep -a -o "${SECRETS[@]}" "$T/body" | grep -c -v ':')"
check_eq "5.4 the photos' audit rows keep them, for staff" 1 "$(sql "$DB" "SELECT count(*) > 0 FROM audit_log WHERE entity = 'photo' AND after LIKE '%50.4838%'")"

# 6. Staff make one photo's location public.
check_eq "6.1 location_public: true" 200 "$(http "/photos/$pid1" -X PATCH -H "Authorization: Bearer $OLENA" \
  -H 'Content-Type: application/merge-patch+json' --data-binary '{"location_public": true}')"
check_eq "6.2 the public list shows it" "50.4137 30.6071 2025-06-14T09:41:07" \
  "$(http "/collections/monuments/items/$mid/photos" >/dev/null; jq_ '" ".join("%.4f %.4f %s" % (p["taken_lat"], p["taken_lon"], p["taken_at"]) for p in d["photos"] if p["id"] == '"$pid1"')')"
check_eq "6.3 and nothing of the others" 0 "$(grep -a -c -e '50\.483' -e '50\.392' -e '2025-08-21' "$T/body")"
check_eq "6.4 the public history of the monument still shows none" "" "$(leaks "/collections/monuments/items/$mid/history")"
check_eq "6.5 the public cannot change a photo" "401" "$(http "/photos/$pid1" -X PATCH \
  -H 'Content-Type: application/merge-patch+json' --data-binary '{"location_public": false}')"
check_eq "6.6 nor an unknown field be set" 400 "$(http "/photos/$pid1" -X PATCH -H "Authorization: Bearer $OLENA" \
  -H 'Content-Type: application/merge-patch+json' --data-binary '{"taken_lat": 1}')"
check_eq "healthy" 200 "$(http /healthz)"
finish
