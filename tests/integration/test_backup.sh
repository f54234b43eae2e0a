#!/usr/bin/env bash
# spadok backup under write load (issue 8): while an inspector files reports and an editor
# chains edits through a running server, three backups are taken. Each is a consistent
# snapshot: integrity and foreign keys ok; every write acknowledged before the backup began
# is in it; the monument's condition, version and audit trail agree with its reports and
# edits inside the copy; and it restores: a server started on the copy serves it.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
printf 'edit pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
start_server "$DB"
IVAN=$(token ivan "inspect pass 2026")
OLENA=$(token olena "edit pass 2026")
id=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")
edited=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Бессарабський ринок'")
conds=(good satisfactory unsatisfactory emergency)

reports() {
  for i in $(seq 100000); do
    [ -f "$T/stop" ] && break
    code=$(curl -s -o "$T/r.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $IVAN" \
      -H 'Content-Type: application/json' \
      --data-binary "{\"report_type\": \"inspection\", \"observed_on\": \"2026-01-01\", \"condition\": \"${conds[i % 4]}\", \"description\": \"огляд $i\"}" \
      "$URL/collections/monuments/items/$id/reports")
    [ "$code" = 201 ] && echo "report $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$T/r.body")" >>"$T/acked"
  done
}
edits() {
  local etag
  etag=$(curl -s -D - -o /dev/null "$URL/collections/monuments/items/$edited" | grep -i '^etag:' | cut -d' ' -f2 | tr -d '\r')
  for i in $(seq 100000); do
    [ -f "$T/stop" ] && break
    code=$(curl -s -o /dev/null -D "$T/e.head" -w '%{http_code}' -X PATCH -H "Authorization: Bearer $OLENA" \
      -H "If-Match: $etag" -H 'Content-Type: application/json' \
      --data-binary "{\"type\": \"Feature\", \"properties\": {\"address\": \"вул. Хрещатик, $i\"}}" \
      "$URL/collections/monuments/items/$edited")
    [ "$code" = 200 ] || break
    etag=$(grep -i '^etag:' "$T/e.head" | cut -d' ' -f2 | tr -d '\r')
    echo "edit $i" >>"$T/acked"
  done
}
: >"$T/acked"
reports & R=$!
edits & E=$!
sleep 1
for b in 1 2 3; do
  cp "$T/acked" "$T/before$b" # acknowledged before this backup began
  out=$("$SPADOK" backup --db "$DB" "$T/copy$b.sqlite" 2>&1)
  check_eq "$b.1 backup under load exits 0" 0 $?
  check_contains "$b.2 and checked its copy" "$out" "integrity ok"
  sleep 1
done
touch "$T/stop"
wait $R $E
check_true "writes went on during the backups ($(grep -c '^report' "$T/acked") reports, $(grep -c '^edit' "$T/acked") edits)" \
  test "$(grep -c '^report' "$T/acked")" -gt "$(grep -c '^report' "$T/before1")"

for b in 1 2 3; do
  C=$T/copy$b.sqlite
  check_eq "$b.3 integrity_check of the copy" ok "$(sql "$C" "PRAGMA integrity_check")"
  check_eq "$b.4 foreign_key_check of the copy" "" "$(sql "$C" "PRAGMA foreign_key_check")"
  ids=$(awk '$1 == "report" {printf "%s%s", sep, $2; sep = ","}' "$T/before$b")
  check_eq "$b.5 every report acknowledged before it began" "$(grep -c '^report' "$T/before$b")" \
    "$(sql "$C" "SELECT count(*) FROM condition_report WHERE id IN (${ids:-0})")"
  last=$(awk '$1 == "edit" {v = $2} END {print v + 0}' "$T/before$b")
  check_true "$b.6 the last edit acknowledged before it began (edit $last)" \
    test "$(sql "$C" "SELECT version - 1 FROM monument WHERE id = $edited")" -ge "$last"
  check_eq "$b.7 the monument's condition is its latest report's, inside the copy" \
    "$(sql "$C" "SELECT condition FROM condition_report WHERE monument_id = $id AND condition IS NOT NULL ORDER BY observed_on DESC, id DESC LIMIT 1")" \
    "$(sql "$C" "SELECT condition FROM monument WHERE id = $id")"
  check_eq "$b.8 one audit row per version of the edited monument" \
    "$(sql "$C" "SELECT version FROM monument WHERE id = $edited")" \
    "$(sql "$C" "SELECT count(*) FROM audit_log WHERE entity = 'monument' AND entity_id = $edited")"
done

# Restore: the last copy serves as the registry.
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
start_server "$T/copy3.sqlite"
check_eq "restored: the server starts on the copy" 200 "$(http "/collections/monuments/items/$id")"
check_eq "restored: its reports are served" "$(sql "$T/copy3.sqlite" "SELECT count(*) FROM condition_report WHERE monument_id = $id AND status = 'approved'")" \
  "$(http "/collections/condition_reports/items?monument_id=$id&limit=1" >/dev/null; python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["numberMatched"])' "$T/body")"
finish
