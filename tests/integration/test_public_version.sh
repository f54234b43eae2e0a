#!/usr/bin/env bash
# Issue 21: a citizen's pending report (and its photos) is not public data, so it must not
# change the public data version: the ETags of public responses, the response cache and the
# exports stay as they were (anyone could otherwise keep the server cold); its approval
# changes them.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
start_server "$DB" --photos "$T/photos"
OLENA=$(token olena "editor pass 2026")
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }
mid=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Софійський собор'")
python3 - "$T/small.png" <<'PY'
import struct, sys, zlib
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
raw = b"".join(b"\0" + bytes([x % 256, 80, 120]) * 32 for x in range(32))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
etags() { # the ETags of a page of items and of an export
  http "/collections/monuments/items?limit=5" >/dev/null; local a; a=$(header ETag)
  http /exports/monuments.geojson >/dev/null; echo "$a $(header ETag)"
}
before=$(etags)
check_true "ETags to compare ($before)" test -n "${before% *}" -a -n "${before#* }"
check_eq "a citizen's report" 201 "$(http /reports -X POST -H 'Content-Type: application/json' \
  --data-binary "{\"monument_id\": $mid, \"description\": \"Пошкоджено дах\"}")"
check_eq "a citizen's report with a photo" 201 "$(http /reports -X POST -F "monument_id=$mid" \
  -F 'description=Вибито вікна' -F 'photo_licence=CC-BY-4.0' -F "file=@$T/small.png;type=image/png")"
check_eq "issue 21: pending reports leave the public ETags as they were" "$before" "$(etags)"
check_eq "issue 21: ... a client's copy is still current" 304 "$(http "/collections/monuments/items?limit=5" -H "If-None-Match: ${before% *}")"
http /moderation -H "Authorization: Bearer $OLENA" >/dev/null
check_eq "staff see both pending" 2 "$(jq_ 'len(d["reports"])')"
c=$(jq_ 'd["reports"][-1]["id"]')
check_eq "approve the one with the photo" 200 "$(http "/moderation/$c" -X POST -H "Authorization: Bearer $OLENA" \
  -H 'Content-Type: application/json' --data-binary '{"decision": "approve", "verification": "confirmed"}')"
after=$(etags)
check_true "the approval changes the page's ETag ($before -> $after)" test "${before% *}" != "${after% *}"
check_true "and the export's" test "${before#* }" != "${after#* }"
finish
