#!/usr/bin/env bash
# Issue 21: heavy work (photo decoding, Argon2id, export rebuilds) runs in a bounded pool off
# the request threads: /healthz is answered while 100-megapixel interlaced PNGs are decoded,
# a heavy request beyond the pool's capacity gets 503 with Retry-After, and a citizen's
# (anonymous) photo has a lower pixel limit than staff's. No tight timings: the bound on the
# health check is a generous 2 s (the decodes take several seconds each).
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
command -v vips >/dev/null || { skip_part "vips (libvips-tools) makes the big PNG"; finish; }
# Twenty different ones: the store keeps one copy of the same bytes and decodes it once.
vips black "$T/b.v" 10000 10000 --bands 1
for i in $(seq 20); do
  vips linear "$T/b.v" "$T/big$i.png[interlace,compression=9]" 1 "$i" --uchar
done
rm -f "$T/b.v"
cp "$T/big1.png" "$T/big.png"
check_true "a 100-megapixel interlaced PNG of under 1 MB" test "$(stat -c %s "$T/big.png")" -lt 1000000
# As the hostile test did: four citizens' reports at once, each with five 100-megapixel
# interlaced PNGs (the citizens' limit raised to let them in): one report decodes in the
# pool, one waits, the others are refused with 503 at once.
start_server "$DB" --photos "$T/photos" --threads 2 --heavy-jobs 1 --max-citizen-photo-mp 100
mid=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Софійський собор'")
pids=()
for i in 1 2 3 4; do
  F=()
  for k in 1 2 3 4 5; do F+=(-F "file=@$T/big$(( (i - 1) * 5 + k )).png;type=image/png"); done
  curl -s -o /dev/null -D "$T/h$i" -w '%{http_code}' -X POST -F "monument_id=$mid" \
    -F "description=Пошкодження $i" -F 'photo_licence=CC-BY-4.0' "${F[@]}" "$URL/reports" >"$T/s$i" &
  pids+=($!)
done
sleep 1
health=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$URL/healthz")
running=0 # reports still being decoded when /healthz answered: no clock is read
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && running=$((running + 1)); done
check_eq "issue 21: /healthz answered" 200 "$health"
check_true "issue 21: ... while the decodes still ran ($running reports unanswered)" test "$running" -gt 0
check_eq "issue 21: a cached page too" 200 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/collections")"
wait "${pids[@]}"
codes=$(cat "$T"/s[1-4] | tr -d '\n' | fold -w3 | sort | paste -sd' ')
check_contains "issue 21: beyond the pool's capacity, 503 ($codes)" "$codes" "503"
check_contains "issue 21: the others are taken ($codes)" "$codes" "201"
retry=""
for i in 1 2 3 4; do
  [ "$(cat "$T/s$i")" = 503 ] && retry=$(grep -i '^Retry-After:' "$T/h$i" | tr -d '\r' | cut -d' ' -f2)
done
check_true "issue 21: the 503 says when to retry ($retry)" test "${retry:-0}" -ge 1

# A citizen's photo: the anonymous limit (24 MP by default) refuses the poster cheaply.
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
start_server "$DB" --photos "$T/photos"
check_eq "issue 21: a citizen's 100-megapixel photo is refused" 415 "$(http /reports -X POST \
  -F "monument_id=$mid" -F 'description=Вибито вікна' -F 'photo_licence=CC-BY-4.0' \
  -F "file=@$T/big.png;type=image/png")"
check_contains "saying why" "$(cat "$T/body")" "megapixel"
check_eq "nothing of it is left in the photo folder's temp files" "" "$(ls -A "$T/photos/tmp")"
finish
