#!/usr/bin/env bash
# Crash safety, in rounds (issue 8): condition reports, photo uploads and an editor's edits
# stream in from three clients; the server is killed with SIGKILL at a random moment; after
# a restart every acknowledged write (a 2xx the client received) is there — photos with
# their files, byte for byte, and the edit with at least the last acknowledged version —
# PRAGMA integrity_check is ok, and the photo folder holds no temp file, no file without its
# row and no row without its file. SPADOK_CRASH_ROUNDS rounds (default 20; scripts/test
# runs fewer in the sanitizer build, which is several times slower).
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
PH=$T/photos
ROUNDS=${SPADOK_CRASH_ROUNDS:-20}
import_sample "$DB"
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
printf 'edit pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
id=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
edited=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Бессарабський ринок'")
mkdir -p "$T/img"
# Distinct small PNGs (content-addressed storage keeps equal bytes once), made in one go.
python3 - "$T/img" $((ROUNDS * 40)) <<'EOF'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
w, h = 160, 120
for i in range(1, int(sys.argv[2]) + 1):
    rows = b"".join(b"\0" + bytes(v for x in range(w) for v in
                                  ((x * i + i // 256) % 256, (y + i) % 256, (i * 7) % 256))
                    for y in range(h))
    with open("%s/%d.png" % (sys.argv[1], i), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
EOF

# Each client appends a line for every 2xx it receives, as it receives it.
reports() {
  for i in $(seq 1000); do
    code=$(curl -s -o "$T/r.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $IVAN" \
      -H 'Content-Type: application/json' --data-binary "{\"report_type\": \"inspection\", \"description\": \"огляд $1.$i\"}" \
      "$URL/collections/monuments/items/$id/reports") || break
    [ "$code" = 201 ] || break
    echo "report $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$T/r.body") -" >>"$T/acked"
  done
}
photos() {
  for i in $(seq $((($1 - 1) * 40 + 1)) $(($1 * 40))); do
    code=$(curl -s -o "$T/p.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $IVAN" \
      -F "file=@$T/img/$i.png;type=image/png" "$URL/collections/monuments/items/$id/photos") || break
    [ "$code" = 201 ] || break
    echo "photo $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$T/p.body") $i" >>"$T/acked"
  done
}
edits() { # each PATCH with the ETag of the one before: versions go up one at a time
  local etag
  etag=$(curl -s -D - -o /dev/null "$URL/collections/monuments/items/$edited" | grep -i '^etag:' | cut -d' ' -f2 | tr -d '\r')
  for i in $(seq 1000); do
    curl -s -o /dev/null -D "$T/e.head" -w '%{http_code}' -X PATCH -H "Authorization: Bearer $OLENA" \
      -H "If-Match: $etag" -H 'Content-Type: application/json' \
      --data-binary "{\"type\": \"Feature\", \"properties\": {\"address\": \"вул. Хрещатик, $1.$i\"}}" \
      "$URL/collections/monuments/items/$edited" >"$T/e.code" || break
    [ "$(cat "$T/e.code")" = 200 ] || break
    etag=$(grep -i '^etag:' "$T/e.head" | cut -d' ' -f2 | tr -d '\r')
    echo "edit $edited $1.$i" >>"$T/acked"
  done
}

lost=0 bad_integrity=0 temp_left=0 orphans=0 rowless=0 restarts=0 mid_load=0
total_reports=0 total_photos=0 total_edits=0
: >"$T/acked"
# After a start (which sweeps what a crash left): no temp file, no file without its row.
folder_check() {
  temp_left=$((temp_left + $(find "$PH/tmp" -type f 2>/dev/null | wc -l)))
  sql "$DB" "SELECT DISTINCT sha256 FROM photo" | sort >"$T/rows"
  find "$PH" -path "$PH/tmp" -prune -o -type f -printf '%f\n' | sed 's/\..*//' | sort -u >"$T/files"
  orphans=$((orphans + $(comm -13 "$T/rows" "$T/files" | wc -l)))
}
# restarted WHEN: counts a restart whose /healthz answers 200 at once (the server has said
# it listens); otherwise says what curl and the server saw.
restarted() {
  local code rc=0
  code=$(curl -sS -m 10 -o "$T/body" -w '%{http_code}' "$URL/healthz" 2>"$T/curl.err") || rc=$?
  if [ "$code" = 200 ]; then
    restarts=$((restarts + 1))
    return
  fi
  echo "$1: /healthz answered [$code], curl exit $rc: $(cat "$T/curl.err")" >&2
  kill -0 "$SERVER_PID" 2>/dev/null && echo "the server (pid $SERVER_PID) runs" >&2 ||
    echo "the server (pid $SERVER_PID) is gone" >&2
  echo "port $PORT; server log:" >&2
  tail -20 "$T/server.log" >&2
}
for round in $(seq "$ROUNDS"); do
  start_server "$DB" --photos "$PH"
  restarted "round $round"
  folder_check
  IVAN=$(token ivan "inspect pass 2026")
  OLENA=$(token olena "edit pass 2026")
  : >"$T/acked"
  reports "$round" & R=$!
  photos "$round" & P=$!
  edits "$round" & E=$!
  # A random moment up to 2 s after each kind of write has been acknowledged once (so that
  # a slow machine, or an ASan build under load, still crashes mid-load of all three), or
  # after 60 s when one kind never is (the check below then fails).
  for _ in $(seq 600); do
    grep -q '^report' "$T/acked" && grep -q '^photo' "$T/acked" && grep -q '^edit' "$T/acked" && break
    sleep 0.1
  done
  sleep "$(python3 -c 'import random; print(round(random.uniform(0, 2), 2))')"
  kill -9 "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null
  wait $R $P $E 2>/dev/null
  [ "$(grep -c '^photo' "$T/acked")" -lt 40 ] && mid_load=$((mid_load + 1))
  total_reports=$((total_reports + $(grep -c '^report' "$T/acked")))
  total_photos=$((total_photos + $(grep -c '^photo' "$T/acked")))
  total_edits=$((total_edits + $(grep -c '^edit' "$T/acked")))

  # Checked on the files as the crash left them, before a server opens them again.
  [ "$(sql "$DB" "PRAGMA integrity_check")" = ok ] || bad_integrity=$((bad_integrity + 1))
  ids=$(awk '$1 == "report" {printf "%s%s", sep, $2; sep = ","}' "$T/acked")
  want=$(grep -c '^report' "$T/acked")
  [ -z "$ids" ] || [ "$(sql "$DB" "SELECT count(*) FROM condition_report WHERE id IN ($ids)")" = "$want" ] ||
    { lost=$((lost + 1)); echo "round $round: acknowledged reports missing" >&2; }
  ids=$(awk '$1 == "photo" {printf "%s%s", sep, $2; sep = ","}' "$T/acked")
  if [ -n "$ids" ]; then
    sql "$DB" "SELECT id, sha256 FROM photo WHERE id IN ($ids)" | tr '|' ' ' >"$T/shas"
    while read -r kind pid img; do
      [ "$kind" = photo ] || continue
      sha=$(awk -v id="$pid" '$1 == id {print $2}' "$T/shas")
      { [ -n "$sha" ] && cmp -s "$PH/${sha:0:2}/$sha" "$T/img/$img.png" && [ -s "$PH/${sha:0:2}/$sha.thumb.jpg" ]; } ||
        { lost=$((lost + 1)); echo "round $round: photo $pid ($img) missing or unlike its file" >&2; }
    done <"$T/acked"
  fi
  last=$(awk '$1 == "edit" {v = $3} END {print v}' "$T/acked")
  if [ -n "$last" ]; then
    # The last acknowledged edit, or the one after it (committed, its answer lost in the kill).
    now=$(sql "$DB" "SELECT address FROM monument WHERE id = $edited")
    next="${last%.*}.$((${last##*.} + 1))"
    [ "$now" = "вул. Хрещатик, $last" ] || [ "$now" = "вул. Хрещатик, $next" ] ||
      { lost=$((lost + 1)); echo "round $round: edit $last acknowledged, the address is [$now]" >&2; }
  fi
  # A row is written only after its file: never a row without its file, even before a start.
  sql "$DB" "SELECT DISTINCT sha256 FROM photo" | sort >"$T/rows"
  find "$PH" -path "$PH/tmp" -prune -o -type f ! -name '*.*' -printf '%f\n' | sort >"$T/originals"
  rowless=$((rowless + $(comm -23 "$T/rows" "$T/originals" | wc -l)))
done
start_server "$DB" --photos "$PH"
restarted "after the last round"
folder_check

echo "rounds=$ROUNDS acknowledged: reports=$total_reports photos=$total_photos edits=$total_edits"
check_eq "the server started after every kill" $((ROUNDS + 1)) "$restarts"
check_true "writes of all three kinds were acknowledged ($total_reports reports, $total_photos photos, $total_edits edits)" \
  test "$total_reports" -gt 0 -a "$total_photos" -gt 0 -a "$total_edits" -gt 0
check_true "most kills came mid-load ($mid_load of $ROUNDS)" test "$mid_load" -ge $(((ROUNDS + 1) / 2))
check_eq "integrity_check ok after every kill" 0 "$bad_integrity"
check_eq "every acknowledged write there after every kill" 0 "$lost"
check_eq "no file without its row once the server is back" 0 "$orphans"
check_eq "no row without its file" 0 "$rowless"
check_eq "no temp files left once the server is back" 0 "$temp_left"
check_eq "the monument edited 1 version per acknowledged edit (or one more)" 1 \
  "$(sql "$DB" "SELECT version - 1 - $total_edits BETWEEN 0 AND $ROUNDS FROM monument WHERE id = $edited")"
finish
