#!/usr/bin/env bash
# Issue 23, faults of several nodes on one PostGIS database behind nginx, under a mixed
# read/write load through nginx (load_mixed.py: reads, condition reports, chained PATCHes;
# it logs every answer as it arrives, so every acknowledged write is known):
# (a) node A is killed (SIGKILL) mid-load: every write acknowledged before or after is in
#     the database; no read fails (nginx sends a GET that A could not answer to B); writes
#     go on through B.
# (b) PostgreSQL stops under the load and starts again (pg_ctl stop -m fast, start; then
#     three more times): while
#     it is down every request that needs the database gets 503 with a JSON error and
#     Retry-After, quickly (no hang, no 500, no nginx 502); once it is back the node
#     answers again without a restart, and every acknowledged write is there.
# (c) PostgreSQL restarts while the node is idle: its first requests after are answered
#     (each connection is found dead and made again before it is used, not on its failure).
source "$(dirname "$0")/lib.sh"
pg_two_nodes
OLENA=$(URL=$NGINX_URL token olena "editor pass 2026")
IVAN=$(URL=$NGINX_URL token ivan "inspect pass 2026")
rid=$(pg -c "SELECT id FROM monument WHERE name_uk = 'Софійський собор'")
eid=$(pg -c "SELECT id FROM monument WHERE name_uk = 'Золоті ворота'")

# load NAME: the load through nginx into $T/NAME.log, until $T/NAME.stop exists.
load() {
  python3 "$ROOT/tests/integration/load_mixed.py" "$NGINX_URL" "$OLENA" "$IVAN" "$rid" "$eid" \
    "$T/$1.log" "$T/$1.stop" &
  LOAD_PID=$!
  at_exit "touch '$T/$1.stop'; wait $LOAD_PID 2>/dev/null"
}
stop_load() { touch "$T/$1.stop"; wait "$LOAD_PID"; }
# answers LOG KIND STATUS [FROM_LINE]: how many answers of KIND with STATUS the log has (from
# line FROM_LINE on).
answers() { tail -n +"${4:-1}" "$1" 2>/dev/null | awk -v k="$2" -v s="$3" '$2 == k && $3 == s' | wc -l; }
# progress LOG FROM_LINE: waits (2 minutes at most) until, after FROM_LINE, the load has had
# 5 reports and 5 edits acknowledged and 10 reads answered; 1 if it never did.
progress() {
  for _ in $(seq 600); do
    [ "$(answers "$1" report 201 "$2")" -ge 5 ] && [ "$(answers "$1" edit 200 "$2")" -ge 5 ] &&
      [ "$(answers "$1" read 200 "$2")" -ge 10 ] && return 0
    sleep 0.2
  done
  return 1
}
# acked_present LOG: every report and edit the log says were acknowledged is in the database.
acked_present() {
  awk '$2 == "report" && $3 == 201 {print $4 " " $5 " " $6}' "$1" | sort >"$T/acked.reports"
  pg -c "SELECT id || ' ' || description FROM condition_report WHERE description LIKE 'load %'" |
    sort >"$T/db.reports"
  check_eq "$1: acknowledged reports missing from the database" "" \
    "$(comm -23 "$T/acked.reports" "$T/db.reports" | head -5 | tr '\n' ' ')"
  pg -c "SELECT after FROM audit_log WHERE entity = 'monument' AND entity_id = $eid" >"$T/db.edits"
  local missing=0 v
  while read -r v; do
    grep -qF "$v\"" "$T/db.edits" || missing=$((missing + 1))
  done < <(awk '$2 == "edit" && $3 == 200 {sub(/^[^ ]+ [^ ]+ [^ ]+ /, ""); print}' "$1")
  check_eq "$1: acknowledged edits missing from the audit log" 0 "$missing"
  check_true "$1: writes were acknowledged ($(wc -l <"$T/acked.reports") reports)" \
    test "$(wc -l <"$T/acked.reports")" -ge 10
}

# answers_at_once WHAT: B answers reads and a write from the first request on after
# PostgreSQL is back (every worker's connection is made again): B has one connection per
# worker thread, so twelve requests in a row cover them.
answers_at_once() {
  local codes=""
  for _ in $(seq 12); do
    codes="$codes $(curl -s -m 15 -o /dev/null -w '%{http_code}' "$URL_B/collections/monuments/items/$eid")"
  done
  check_eq "$1 B answers at once after the restart" "$(printf ' 200%.0s' $(seq 12))" "$codes"
  check_eq "$1 and writes" 201 "$(curl -s -m 15 -o /dev/null -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $IVAN" -H 'Content-Type: application/json' \
    --data-binary "{\"report_type\": \"inspection\", \"description\": \"after $1\"}" \
    "$URL_B/collections/monuments/items/$rid/reports")"
}

# ---- (a) SIGKILL node A mid-load --------------------------------------------------------
load a
progress "$T/a.log" 1 || fail "(a) the load made no progress before the kill"
kill_line=$(($(wc -l <"$T/a.log") + 1))
kill -KILL "$PID_A"
wait "$PID_A" 2>/dev/null
progress "$T/a.log" "$kill_line" || fail "(a) the load made no progress after node A was killed"
stop_load a
check_eq "(a) every read answered 200 (nginx retried on B)" "" \
  "$(awk '$2 == "read" && $3 != 200' "$T/a.log" | head -3)"
# A write in flight when A died may be lost to its client (nginx does not repeat a POST or
# PATCH that reached A): at most one of each kind, and never a 5xx of a node.
check_true "(a) at most one failed write of each kind" test \
  "$(awk '$2 == "report" && $3 != 201' "$T/a.log" | wc -l)" -le 1 -a \
  "$(awk '$2 == "edit" && $3 != 200' "$T/a.log" | wc -l)" -le 1
check_eq "(a) no write failed but for nginx's 502" "" \
  "$(awk '$2 != "read" && $3 != 200 && $3 != 201 && $3 != 502' "$T/a.log" | head -3)"
acked_present "$T/a.log"
check_eq "(a) node B answers" 200 "$(URL=$URL_B http "/collections/monuments/items/$eid")"

# ---- (b) PostgreSQL stops and starts again under the load -----------------------------------
pg_port=${PG_URI##*:}
pg_port=${pg_port%%/*}
load b
progress "$T/b.log" 1 || fail "(b) the load made no progress before PostgreSQL stopped"
sp_pg_stop "$PG_DIR" || fail "(b) pg_ctl stop"
down_line=$(($(wc -l <"$T/b.log") + 1))
# Direct to B and through nginx, while it is down: a quick 503, JSON, Retry-After.
for where in "$URL_B" "$NGINX_URL"; do
  code=$(curl -s -m 15 -o "$T/body" -D "$T/headers" -w '%{http_code}' "$where/collections/monuments/items/$eid")
  check_eq "(b) $where: a read while the database is down" 503 "$code"
  check_contains "(b) ... a JSON error" "$(cat "$T/body")" '"code":"ServiceUnavailable"'
  check_true "(b) ... with Retry-After" test -n "$(header Retry-After)"
  code=$(curl -s -m 15 -o "$T/body" -D "$T/headers" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $IVAN" -H 'Content-Type: application/json' \
    --data-binary '{"report_type": "inspection", "description": "while down"}' \
    "$where/collections/monuments/items/$rid/reports")
  check_eq "(b) $where: a write while the database is down" 503 "$code"
  check_true "(b) ... with Retry-After" test -n "$(header Retry-After)"
done
# Let the load meet the outage for a while, then start PostgreSQL again.
sleep 2
sp_pg_start "$PG_DIR" "$pg_port" >/dev/null || fail "(b) PostgreSQL did not start again"
up_line=$(($(wc -l <"$T/b.log") + 1))
answers_at_once "(b)"
progress "$T/b.log" "$up_line" || fail "(b) the load made no progress after the restart"
# Three more stops under the load, without pauses for checks: each may end a write's
# transaction between two of its statements, which must be a 503 too (a PATCH was a 500
# there once in about five stops).
for _ in 1 2 3; do
  sleep 1
  sp_pg_stop "$PG_DIR" || fail "(b) pg_ctl stop"
  sleep 0.5
  sp_pg_start "$PG_DIR" "$pg_port" >/dev/null || fail "(b) PostgreSQL did not start again"
done
up_line=$(($(wc -l <"$T/b.log") + 1))
progress "$T/b.log" "$up_line" || fail "(b) the load made no progress after the last restart"
stop_load b
check_true "(b) the load met the outage: 503s while it was down" \
  test "$(tail -n +"$down_line" "$T/b.log" | head -n $((up_line - down_line)) | awk '$3 == 503' | wc -l)" -ge 1
check_eq "(b) every answer 2xx or 503 (no 500, no 502, no hang)" "" \
  "$(awk '$3 != 200 && $3 != 201 && $3 != 503' "$T/b.log" | head -3)"
check_eq "(b) every 503 is JSON with Retry-After" "" \
  "$(awk '$3 == 503 && ($4 == "retry-after=-" || $5 != "json=1")' "$T/b.log" | head -3)"
acked_present "$T/b.log"
check_eq "(b) nothing answered 500 on B" "" "$(grep -h 'status=500' "$T/node-B.log" | head -3)"

# ---- (c) PostgreSQL restarts while the node is idle -----------------------------------------
# No request meets the outage, so every worker's connection still looks open to libpq: the
# node must find each one dead before using it, not answer 503 once per connection.
sp_pg_stop "$PG_DIR" && sp_pg_start "$PG_DIR" "$pg_port" >/dev/null || fail "(c) PostgreSQL restart"
answers_at_once "(c)"
finish
