#!/usr/bin/env bash
# Crash safety: condition reports and photo uploads stream in from two clients; the server is
# killed with SIGKILL in the middle; after a restart every acknowledged write (a 201 the
# client received) is there with its files, PRAGMA integrity_check is ok, the photo folder
# holds no file that no row names and no temp file.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
PH=$T/photos
import_sample "$DB"
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
start_server "$DB" --photos "$PH"
IVAN=$(token ivan "inspect pass 2026")
id=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
N=60
mkdir -p "$T/img"
vips black "$T/img/base.png" 800 600 --bands 3 >/dev/null
for i in $(seq $N); do vips linear "$T/img/base.png" "$T/img/$i.png" 1 "$i" >/dev/null; done

# Each client appends "kind id file" for every 201 it receives, as it receives it.
reports() {
  for i in $(seq 1000); do
    code=$(curl -s -o "$T/r.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $IVAN" \
      -H 'Content-Type: application/json' --data-binary "{\"report_type\": \"inspection\", \"description\": \"огляд $i\"}" \
      "$URL/collections/monuments/items/$id/reports") || break
    [ "$code" = 201 ] || break
    echo "report $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$T/r.body") -" >>"$T/acked"
  done
}
photos() {
  for i in $(seq $N); do
    code=$(curl -s -o "$T/p.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $IVAN" \
      -F "file=@$T/img/$i.png;type=image/png" "$URL/collections/monuments/items/$id/photos") || break
    [ "$code" = 201 ] || break
    echo "photo $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$T/p.body") $i" >>"$T/acked"
  done
}
: >"$T/acked"
reports & R=$!
photos & P=$!
# Kill once both kinds have been acknowledged (so there is something to lose), mid-load.
for _ in $(seq 300); do
  grep -q '^photo' "$T/acked" && grep -q '^report' "$T/acked" && break
  sleep 0.1
done
sleep 0.3
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
wait $R $P 2>/dev/null
acked_reports=$(grep -c '^report' "$T/acked")
acked_photos=$(grep -c '^photo' "$T/acked")
check_true "some reports were acknowledged before the kill ($acked_reports)" test "$acked_reports" -gt 0
check_true "some photos were acknowledged before the kill ($acked_photos)" test "$acked_photos" -gt 0
check_true "the kill came mid-load (not every photo was sent)" test "$acked_photos" -lt "$N"

start_server "$DB" --photos "$PH"
check_eq "the server starts again" 200 "$(http /healthz)"
check_eq "integrity_check" ok "$(sql "$DB" "PRAGMA integrity_check")"
missing=0
while read -r kind rid img; do
  if [ "$kind" = report ]; then
    [ "$(sql "$DB" "SELECT count(*) FROM condition_report WHERE id = $rid")" = 1 ] || missing=$((missing + 1))
  else
    code=$(curl -s -o "$T/orig" -w '%{http_code}' -H "Authorization: Bearer $IVAN" "$URL/photos/$rid")
    { [ "$code" = 200 ] && cmp -s "$T/orig" "$T/img/$img.png" && \
      [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/photos/$rid/thumb")" = 200 ]; } || missing=$((missing + 1))
  fi
done <"$T/acked"
check_eq "every acknowledged write is there, photos with their files" 0 "$missing"
check_eq "no temp files left" 0 "$(find "$PH/tmp" -type f | wc -l)"
orphans=0
for f in $(find "$PH" -path "$PH/tmp" -prune -o -type f -print); do
  sha=$(basename "$f"); sha=${sha%%.*}
  [ "$(sql "$DB" "SELECT count(*) FROM photo WHERE sha256 = '$sha'")" -gt 0 ] || orphans=$((orphans + 1))
done
check_eq "no file without its row" 0 "$orphans"
check_eq "every row has its file" 0 "$(for s in $(sql "$DB" "SELECT sha256 FROM photo"); do [ -f "$PH/${s:0:2}/$s" ] || echo x; done | wc -l)"
finish
