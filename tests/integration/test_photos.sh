#!/usr/bin/env bash
# Photo evidence against a real server: real JPEGs with EXIF GPS (../shared, when present), a
# PNG in a multipart form with its captions, a WebP, a HEIC; derivatives served to all without EXIF,
# the original to staff only; same bytes stored once; the bad-input catalogue (text renamed
# .jpg, truncated JPEG, 0 bytes, over the limit, a decompression-bomb PNG, a wrong multipart
# boundary, no file) each a clear 4xx with nothing left on disk or in the database; a photo
# of an archaeological site is published at the site's coarse precision.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
PH=$T/photos
import_sample "$DB"
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
start_server "$DB" --photos "$PH" --max-photo-mb 3
IVAN=$(token ivan "inspect pass 2026")
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }
id=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
up="/collections/monuments/items/$id/photos"
raw() { http "$up" -X POST -H "Authorization: Bearer $IVAN" -H "Content-Type: $1" --data-binary "@$2"; }
files() { find "$PH" -type f | wc -l; }

# Test images made here, so the suite runs without ../shared.
vips black "$T/dark.png" 640 400 --bands 3 >/dev/null
vips linear "$T/dark.png" "$T/grey.png" 1 90 >/dev/null
vips copy "$T/grey.png" "$T/grey.webp" >/dev/null
vips copy "$T/dark.png" "$T/made.jpg" >/dev/null

# 1. Formats.
check_eq "1.1 a PNG in a form, with captions" 201 "$(http "$up" -X POST -H "Authorization: Bearer $IVAN" \
  -F "file=@$T/grey.png;type=image/png" -F 'caption_uk=Західний фасад' -F 'caption_en=West front' \
  -F 'alt_uk=Цегляна брама' -F 'view=зовнішній вигляд' -F 'phase=before' -F 'licence=CC BY 4.0' -F 'author=Іван')"
png=$(jq_ 'd["id"]')
check_eq "1.2 its fields" "image/png 640 400 Західний фасад exterior before public" \
  "$(jq_ 'd["media_type"], d["width"], d["height"], d["caption_uk"], d["view"], d["phase"], d["status"]' | paste -sd' ')"
check_contains "1.3 Location names it" "$(header Location)" "/photos/$png"
check_eq "1.4 a WebP as the raw body" 201 "$(raw image/webp "$T/grey.webp")"
check_eq "1.5 read as WebP" image/webp "$(jq_ 'd["media_type"]')"
check_eq "1.6 a JPEG" 201 "$(raw image/jpeg "$T/made.jpg")"
vips linear "$T/dark.png" "$T/phone.heic" 1 60 >/dev/null
check_eq "1.6a a phone's HEIC as the raw body" 201 "$(raw image/heic "$T/phone.heic")"
heic=$(jq_ 'd["id"]')
check_eq "1.6b read as HEIC, its size" "image/heic 640 400" "$(jq_ 'd["media_type"], d["width"], d["height"]' | paste -sd' ')"
check_eq "1.6c its thumbnail is a JPEG anyone may see" "200 image/jpeg" "$(http "/photos/$heic/thumb") $(header Content-Type)"
if [ -d "$SHARED/photos_exif" ]; then
  S=$SHARED/photos_exif
  check_eq "1.7 a camera JPEG with EXIF GPS" 201 "$(raw image/jpeg "$S/DSCN0010.jpg")"
  gps=$(jq_ 'd["id"]')
  check_eq "1.8 taken at and where (EXIF)" "2008-10-22T16:28:39 43.467448 11.885127" \
    "$(jq_ 'd["taken_at"], "%.6f" % d["taken_lat"], "%.6f" % d["taken_lon"]' | paste -sd' ')"
  check_eq "1.9 a phone photo, 4608 px wide" 201 "$(raw image/jpeg "$S/HMD_Nokia_8.3_5G.jpg")"
  big=$(jq_ 'd["id"]')
  http "/photos/$big/web" >/dev/null
  check_eq "1.10 its web copy is 1600 px" 1600 "$(vipsheader -f width "$T/body")"
  http "/photos/$gps/thumb" >/dev/null
  cp "$T/body" "$T/thumb.jpg"
  check_eq "1.11 the thumbnail is a JPEG of 320 px" "image/jpeg 320" "$(header Content-Type) $(vipsheader -f width "$T/thumb.jpg")"
  check_eq "1.12 without EXIF (no GPS, no camera)" 0 "$(grep -c -a -e 'Exif' -e 'NIKON' "$T/thumb.jpg")"
  http "/photos/$gps/web" >/dev/null
  check_eq "1.13 nor the web copy" 0 "$(grep -c -a -e 'Exif' -e 'NIKON' "$T/body")"
  check_eq "1.14 the original, to the public: 401" 401 "$(http "/photos/$gps")"
  check_eq "1.15 to staff: the bytes as sent, EXIF and all" "200 same" \
    "$(http "/photos/$gps" -H "Authorization: Bearer $IVAN") $(cmp -s "$T/body" "$S/DSCN0010.jpg" && echo same)"
  check_eq "1.16 a truncated camera JPEG" 415 "$(head -c 80000 "$S/DSCN0010.jpg" >"$T/cut.jpg"; raw image/jpeg "$T/cut.jpg")"
else
  skip_part "1.7-1.16 and 5.1-5.2: ../shared/data/photos_exif absent (EXIF GPS from real cameras)"
  check_eq "1.16 a truncated JPEG" 415 "$(head -c 2000 "$T/made.jpg" >"$T/cut.jpg"; raw image/jpeg "$T/cut.jpg")"
fi

# 2. Serving: immutable, ETag, 304.
check_eq "2.1 a thumbnail to everyone" 200 "$(http "/photos/$png/thumb")"
check_eq "2.2 cached for good" "public, max-age=31536000, immutable" "$(header Cache-Control)"
etag=$(header ETag)
check_eq "2.3 304 on its ETag" 304 "$(http "/photos/$png/thumb" -H "If-None-Match: $etag")"
check_eq "2.4 the list for the monument" "$png" "$(http "$up" >/dev/null; jq_ 'min(p["id"] for p in d["photos"])')"
check_eq "2.5 no such photo" 404 "$(http /photos/999999/thumb)"
check_eq "2.6 no such variant" 404 "$(http "/photos/$png/huge")"

# 3. The same bytes are stored once.
n=$(files)
check_eq "3.1 the PNG again" 201 "$(raw image/png "$T/grey.png")"
check_eq "3.2 no new file" "$n" "$(files)"

# 4. Bad inputs: a clear 4xx, nothing on disk, nothing in the database.
state() { echo "$(files) $(find "$PH/tmp" -type f | wc -l) $(sql "$DB" "SELECT count(*) FROM photo") $(sql "$DB" "SELECT count(*) FROM audit_log")"; }
before=$(state)
printf 'Це не фото, а текст.\n' >"$T/text.jpg"
: >"$T/empty.jpg"
head -c 3500000 /dev/urandom >"$T/big.jpg"
python3 - "$T/bomb.png" <<'EOF'
import struct, sys, zlib
w = h = 12000  # 144 megapixels of grey: a few hundred KB compressed
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
c = zlib.compressobj(9)
row = b"\x00" * (w + 1)
idat = b"".join(c.compress(row) for _ in range(h)) + c.flush()
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
EOF
bad() { # name, status, text, curl args...
  local name=$1 want=$2 text=$3; shift 3
  check_eq "4 $name" "$want" "$(http "$up" -X POST -H "Authorization: Bearer $IVAN" "$@")"
  check_contains "4 $name: says why" "$(cat "$T/body")" "$text"
  check_eq "4 $name: nothing left" "$before" "$(state)"
}
bad "text renamed .jpg" 415 "not an image" -H 'Content-Type: image/jpeg' --data-binary "@$T/text.jpg"
bad "truncated JPEG" 415 "" -H 'Content-Type: image/jpeg' --data-binary "@$T/cut.jpg"
bad "0 bytes" 415 "" -H 'Content-Type: image/jpeg' --data-binary "@$T/empty.jpg"
bad "over the limit (3 MiB here)" 413 "limited" -H 'Content-Type: image/jpeg' --data-binary "@$T/big.jpg"
bad "over the limit, in a form" 413 "" -F "file=@$T/big.jpg;type=image/jpeg"
bad "a decompression bomb" 415 "megapixels" -H 'Content-Type: image/png' --data-binary "@$T/bomb.png"
bad "a wrong multipart boundary" 415 "field" -H 'Content-Type: multipart/form-data; boundary=XYZ' \
  --data-binary $'--ABC\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nxx\r\n--ABC--\r\n'
bad "a form without a file" 415 "file" -F 'caption_uk=лише підпис'
bad "an unknown form field" 400 "not a field of a photo" -F "file=@$T/grey.png;type=image/png" -F 'gps=50,30'
bad "an unknown view" 400 "view" -F "file=@$T/grey.png;type=image/png" -F 'view=selfie'
bad "text/plain" 415 "image" -H 'Content-Type: text/plain' --data-binary "@$T/grey.png"
check_eq "4 a missing monument" 404 "$(http /collections/monuments/items/999999/photos -X POST -H "Authorization: Bearer $IVAN" -H 'Content-Type: image/png' --data-binary "@$T/grey.png")"
check_eq "4 without a token" 401 "$(http "$up" -X POST -H 'Content-Type: image/png' --data-binary "@$T/grey.png")"

# 5. An archaeological site's photo is published at the site's precision.
sql "$DB" "UPDATE monument SET location_sensitive = 1 WHERE id = $id" >/dev/null
if [ -d "$SHARED/photos_exif" ]; then
  check_eq "5.1 public: 0.01 degree" "43.47 11.89" "$(http "$up" >/dev/null; jq_ '" ".join("%g" % v for p in d["photos"] if p["id"] == '"$gps"' for v in (p["taken_lat"], p["taken_lon"]))')"
  check_eq "5.2 staff: exact" "43.467448" "$(http "$up" -H "Authorization: Bearer $IVAN" >/dev/null; jq_ '"".join("%.6f" % p["taken_lat"] for p in d["photos"] if p["id"] == '"$gps"')')"
fi
check_eq "6.1 healthy" 200 "$(http /healthz)"
check_eq "6.2 integrity" ok "$(sql "$DB" "PRAGMA integrity_check")"
finish
