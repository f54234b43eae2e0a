#!/usr/bin/env bash
# A citizen reports damage with photos (POST /reports as multipart/form-data, no account):
# the report and its photos are kept together (pending), editors see them in /moderation and
# fetch their copies, the public does not; approving makes them public photos of the monument
# attached to the citizen's condition report under the licence and credit the citizen chose,
# without EXIF in the public copies or the public list; a bad photo
# refuses the whole report with nothing kept; more than 5 photos, a place as lon/lat, a
# rejected report keeps its photos (nothing submitted is lost); the sweep at restart keeps
# every file a report names; --max-photo-mp bounds the pixels a photo may have.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
PH=$T/photos
import_sample "$DB"
printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
start_server "$DB" --photos "$PH" --max-photo-mb 3
OLENA=$(token olena "editor pass 2026")
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }
mid=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
files() { find "$PH" -type f -not -path "$PH/tmp/*" | wc -l; } # $PH itself is under /tmp
state() { sql "$DB" "SELECT (SELECT count(*) FROM citizen_report) || ' ' || (SELECT count(*) FROM citizen_photo) || ' ' || (SELECT count(*) FROM photo)"; }

vips black "$T/dark.png" 640 400 --bands 3 >/dev/null
vips linear "$T/dark.png" "$T/grey.jpg" 1 90 >/dev/null
vips linear "$T/dark.png" "$T/light.webp" 1 200 >/dev/null
# A phone photo: EXIF GPS where the citizen stood and when (tests/tools/exifjpeg).
"$(dirname "$SPADOK")/tests/tools/exifjpeg" "$T/grey.jpg" "$T/gps.jpg" 50.4137 30.6071 "2025:06:14 09:41:07"

# 1. A report with two photos.
check_eq "1.1 a report with two photos, no account" 201 "$(http /reports -X POST \
  -F "monument_id=$mid" -F 'description=Вибито вікна після удару' -F 'contact=+380 67 000 11 22' \
  -F 'photo_licence=CC-BY-4.0' -F 'photo_credit=Марія Коваль' \
  -F "file=@$T/gps.jpg;type=image/jpeg" -F "file=@$T/light.webp;type=image/webp")"
check_eq "1.2 a reference number, pending, two photos" "True pending 2" \
  "$(jq_ 'len(d["ref"]) > 5, d["status"], d["photos"]' | paste -sd' ')"
cid=$(sql "$DB" "SELECT max(id) FROM citizen_report")
check_eq "1.3 kept with the report" "2" "$(sql "$DB" "SELECT count(*) FROM citizen_photo WHERE citizen_report_id = $cid")"
check_eq "1.4 no photo of the monument yet" 0 "$(sql "$DB" "SELECT count(*) FROM photo")"
check_eq "1.5 the public cannot list moderation" 401 "$(http /moderation)"
check_eq "1.6 the editor sees the report with its photos" 200 "$(http /moderation -H "Authorization: Bearer $OLENA")"
check_eq "1.7 two photos, their sizes" "2 640x400" \
  "$(jq_ 'len(d["reports"][-1]["photos"]), "%dx%d" % (d["reports"][-1]["photos"][1]["width"], d["reports"][-1]["photos"][1]["height"])' | paste -sd' ')"
href=$(jq_ 'd["reports"][-1]["photos"][0]["href"]')
check_eq "1.8 the thumbnail, to the editor" "200 image/jpeg" "$(http "$href/thumb" -H "Authorization: Bearer $OLENA") $(header Content-Type)"
check_eq "1.9 to the public: 401" 401 "$(http "$href/thumb")"
check_eq "1.10 the original to the editor, as sent" "200 same" \
  "$(http "$href" -H "Authorization: Bearer $OLENA") $(cmp -s "$T/body" "$T/gps.jpg" && echo same)"

# 2. Approval: the photos become the monument's, public, on the citizen's report.
check_eq "2.1 approve" 200 "$(http "/moderation/$cid" -X POST -H "Authorization: Bearer $OLENA" \
  -H 'Content-Type: application/json' --data-binary '{"decision": "approve", "verification": "confirmed", "condition": "unsatisfactory"}')"
rid=$(jq_ 'd["report_id"]')
check_eq "2.2 two public photos of the monument on the citizen's report, as the citizen chose" \
  "2|2|public|Марія Коваль|CC-BY-4.0" \
  "$(sql "$DB" "SELECT count(*), count(DISTINCT sha256), min(status), min(author), min(licence) FROM photo WHERE monument_id = $mid AND condition_report_id = $rid")"
check_eq "2.3 linked both ways, an audit row each" "2 2" \
  "$(sql "$DB" "SELECT count(*) FROM citizen_photo WHERE citizen_report_id = $cid AND photo_id IS NOT NULL") $(sql "$DB" "SELECT count(*) FROM audit_log WHERE entity = 'photo'")"
check_eq "2.4 listed with the monument" 200 "$(http "/collections/monuments/items/$mid/photos")"
pid=$(jq_ 'd["photos"][0]["id"]')
check_eq "2.5 two" 2 "$(jq_ 'len(d["photos"])')"
check_eq "2.6 the public web copy" 200 "$(http "/photos/$pid/web")"
check_eq "2.7 carries no EXIF" 0 "$(grep -c -a -e 'Exif' -e '2025:06:14' "$T/body")"
check_eq "2.8 the place and time it was taken, read from EXIF, kept" "50.414 30.607 2025-06-14T09:41:07" \
  "$(sql "$DB" "SELECT printf('%.3f %.3f %s', taken_lat, taken_lon, taken_at) FROM photo WHERE condition_report_id = $rid AND taken_lat IS NOT NULL")"
check_eq "2.8a not in the public list" 0 "$(http "/collections/monuments/items/$mid/photos" >/dev/null; grep -c -e '50\.41' -e '30\.60' -e '2025-06-14' "$T/body")"
check_eq "2.9 the original stays for staff" 401 "$(http "/photos/$pid")"

# 3. A bad photo refuses the whole report; nothing kept.
before=$(state)
printf 'not an image at all\n' >"$T/note.jpg"
check_eq "3.1 a text file as a photo: 415" 415 "$(http /reports -X POST -F "monument_id=$mid" -F 'description=x' \
  -F "file=@$T/grey.jpg;type=image/jpeg" -F "file=@$T/note.jpg;type=image/jpeg")"
check_contains "3.2 naming which photo" "$(cat "$T/body")" "photo 2"
check_eq "3.3 no report, no photo rows" "$before" "$(state)"
for i in 1 2 3 4 5 6; do vips linear "$T/dark.png" "$T/p$i.jpg" 1 $((i * 30)) >/dev/null; done
check_eq "3.4 six photos: 400" 400 "$(http /reports -X POST -F "monument_id=$mid" -F 'description=x' \
  $(for i in 1 2 3 4 5 6; do printf -- '-F file=@%s;type=image/jpeg ' "$T/p$i.jpg"; done))"
check_contains "3.5 at most 5" "$(cat "$T/body")" "at most 5 photos"
check_eq "3.6 an unknown form field: 400" 400 "$(http /reports -X POST -F "monument_id=$mid" -F 'description=x' -F 'name=Петро')"
check_eq "3.7 no description: 400" 400 "$(http /reports -X POST -F "monument_id=$mid" -F "file=@$T/grey.jpg;type=image/jpeg")"
check_eq "3.8 a photo over the limit: 413" 413 "$(head -c 4000000 /dev/urandom >"$T/big.jpg"; http /reports -X POST -F "monument_id=$mid" -F 'description=x' -F "file=@$T/big.jpg;type=image/jpeg")"
check_eq "3.9 a multipart body without its boundary: 400" 400 "$(http /reports -X POST -H 'Content-Type: multipart/form-data' --data-binary 'x')"
check_eq "3.10 still nothing kept" "$before" "$(state)"

# 4. A place instead of a monument, no photos; a rejected report keeps its photos.
check_eq "4.1 lon and lat in a form" 201 "$(http /reports -X POST -F 'lon=30.5131' -F 'lat=50.4490' -F 'description=Уламки біля брами')"
check_eq "4.2 kept as a place" "30.5131 50.449" "$(sql "$DB" "SELECT lon || ' ' || lat FROM citizen_report ORDER BY id DESC LIMIT 1")"
check_eq "4.3 only one of lon/lat: 400" 400 "$(http /reports -X POST -F 'lon=30.5' -F 'description=x')"
check_eq "4.4 a report with a photo" 201 "$(http /reports -X POST -F "monument_id=$mid" -F 'description=дубль' -F "file=@$T/p1.jpg;type=image/jpeg")"
cid=$(sql "$DB" "SELECT max(id) FROM citizen_report")
check_eq "4.5 rejected" 200 "$(http "/moderation/$cid" -X POST -H "Authorization: Bearer $OLENA" \
  -H 'Content-Type: application/json' --data-binary '{"decision": "reject", "reason": "дубль"}')"
check_eq "4.6 its photo is kept, not published" "1|" \
  "$(sql "$DB" "SELECT count(*), max(photo_id) FROM citizen_photo WHERE citizen_report_id = $cid")"

# 4b. Issue 21: a report refused after its photos were stored (its monument does not exist)
# leaves nothing on disk at once, not at the next start; the same bytes in a report that is
# taken, or already stored for another, stay.
n=$(files)
vips linear "$T/dark.png" "$T/new.jpg" 1 33 >/dev/null
check_eq "4.7 a report about no monument, with a new photo" 400 "$(http /reports -X POST \
  -F 'monument_id=999999' -F 'description=x' -F "file=@$T/new.jpg;type=image/jpeg")"
check_eq "4.8 its photo's files are gone already" "$n" "$(files)"
check_eq "4.9 a refused report with a photo another report has" 400 "$(http /reports -X POST \
  -F 'monument_id=999999' -F 'description=x' -F "file=@$T/gps.jpg;type=image/jpeg")"
check_eq "4.10 that photo stays" "$n" "$(files)"
check_eq "4.11 the new photo in a report that is taken" 201 "$(http /reports -X POST \
  -F "monument_id=$mid" -F 'description=x' -F "file=@$T/new.jpg;type=image/jpeg")"
check_eq "4.12 is stored (original, thumbnail, web copy)" "$((n + 3))" "$(files)"

# 5. Restart: the sweep keeps every file a report names.
n=$(files)
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
start_server "$DB" --photos "$PH" --max-photo-mb 3 --max-photo-mp 1
check_eq "5.1 the files of reports and photos survive the sweep" "$n" "$(files)"
href=$(sql "$DB" "SELECT id FROM citizen_photo WHERE citizen_report_id = $cid")
check_eq "5.2 and are served" 200 "$(http "/moderation/photos/$href/web" -H "Authorization: Bearer $OLENA")"
vips black "$T/wide.png" 1300 800 --bands 3 >/dev/null
check_eq "5.3 --max-photo-mp 1: a 1.04 MP photo is refused, 415" 415 \
  "$(http /reports -X POST -F "monument_id=$mid" -F 'description=x' -F "file=@$T/wide.png;type=image/png")"
check_contains "5.4 saying why" "$(cat "$T/body")" "over the limit of 1 megapixels"
check_eq "5.5 a 0.26 MP one is taken" 201 \
  "$(http /reports -X POST -F "monument_id=$mid" -F 'description=x' -F "file=@$T/p2.jpg;type=image/jpeg")"
check_eq "healthy" 200 "$(http /healthz)"
finish
