#!/usr/bin/env bash
# serve --read-db (issue 23, item 4): reads from a streaming replica, writes to the primary,
# and a client reads its own writes. A real primary (pg_cluster) and a real streaming replica
# made from it with pg_basebackup -R, each a throwaway cluster on a free port. Replay on the
# replica is paused on purpose (pg_wal_replay_pause) to make it lag, so that which database
# answered shows in the answer itself:
#   - a read without the write's cookie comes from the replica (it still has the old value),
#     and spadok's connections are on the replica (pg_stat_activity); one with a token, from
#     the primary;
#   - a write answers Set-Cookie spadok_wal=<position>, and a read sent back with it, to this
#     node or another, comes from the primary (the new value) until the replica has replayed
#     that far, then from the replica;
#   - the replica stopped: reads still answer 200 (from the primary: they show a write made
#     meanwhile), tiles too, with one warning in the log; started again: reads go back to it.
source "$(dirname "$0")/lib.sh"

pg_cluster replica
PRIMARY=$(pg_database spadok) || { fail "create database"; finish; }
sample_with_staff "$PRIMARY"

# The replica: a base backup of the primary with its recovery settings (-R: standby.signal and
# primary_conninfo), started as a hot standby on a port of its own.
R_DIR=$(mktemp -d /tmp/spadok-pg-replica-standby-XXXXXX)
at_exit "sp_pg_stop '$R_DIR'; rm -rf '$R_DIR'"
[ "$(id -u)" -ne 0 ] || chown postgres "$R_DIR"
if ! sp_pg_as "$(sp_pg_bindir)/pg_basebackup" -d "$PG_URI" -D "$R_DIR/data" -R -X stream -c fast >"$T/basebackup.log" 2>&1; then
  cat "$T/basebackup.log" >&2
  fail "pg_basebackup -R from the primary"
  finish
fi
R_PORT=$(free_port)
R_URI=$(sp_pg_start "$R_DIR" "$R_PORT") || { fail "the replica does not start"; finish; }
REPLICA=${R_URI%/postgres}/spadok
rsql() { psql -X -q -At -v ON_ERROR_STOP=1 "$REPLICA" -c "$1" 2>&1; }
psql_primary() { psql -X -q -At -v ON_ERROR_STOP=1 "$PRIMARY" -c "$1" 2>&1; }
check_eq "the replica is a standby" t "$(rsql 'SELECT pg_is_in_recovery()')"
# until_true DEADLINE_S CMD...: polls CMD every 0.2 s until it succeeds (0) or the deadline
# passes (1); CMD is run anew each time (a function, not a $(...) evaluated once).
until_true() {
  local end=$((SECONDS + $1)); shift
  while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.2; done
  return 1
}
# rsql_is EXPECTED QUERY: the replica answers EXPECTED.
rsql_is() { [ "$(rsql "$2")" = "$1" ]; }
replica_has_all() {
  [ "$(rsql 'SELECT count(*) FROM monument')" = "$(psql_primary 'SELECT count(*) FROM monument')" ]
}
check_true "the replica has replayed the sample" until_true 120 replica_has_all

"$SPADOK" serve --db "$T/registry.sqlite" --read-db "$REPLICA" --port 0 >"$T/usage.log" 2>&1
check_eq "--read-db with a SQLite --db is a usage error" 2 "$?"
check_contains "... that says why" "$(cat "$T/usage.log")" "streaming replica of the PostgreSQL --db"
start_server "$PRIMARY" --read-db "$REPLICA" --threads 2 --photos "$T/photos" \
  --tile-cache "$T/tiles.sqlite" --exports "$T/exports"
OLENA=$(token olena "editor pass 2026")
check_contains "login (a write) sets the position cookie" "$(header Set-Cookie)" "spadok_wal="

# read_name JAR [QUERY [CURL ARGS]]: name_en of monument $ID as a client with cookie jar JAR
# ("-": none) reads it from $URL: "STATUS NAME".
ID=$(psql_primary "SELECT min(id) FROM monument WHERE deleted_at IS NULL")
read_name() {
  local jar=() status
  [ "$1" = - ] || jar=(-b "$1")
  status=$(http "/collections/monuments/items/$ID${2:-}" "${jar[@]}" "${@:3}")
  echo "$status $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["properties"].get("name_en"))' "$T/body" 2>/dev/null)"
}
# rename NAME JAR: PATCHes name_en through the server with the item's ETag, keeping cookies in JAR.
rename() {
  http "/collections/monuments/items/$ID" -c "$2" -b "$2" >/dev/null
  local etag
  etag=$(header ETag)
  http "/collections/monuments/items/$ID" -X PATCH -c "$2" -b "$2" \
    -H "Authorization: Bearer $OLENA" -H "If-Match: $etag" \
    -H 'Content-Type: application/merge-patch+json' \
    --data-binary "{\"type\": \"Feature\", \"properties\": {\"name_en\": \"$1\"}}"
}
pause() {
  rsql 'SELECT pg_wal_replay_pause()' >/dev/null
  until_true 60 rsql_is paused 'SELECT pg_get_wal_replay_pause_state()'
}

# probe JAR [CURL ARGS]: reads the item as read_name does, with ?properties=name_en, which only probes
# send, and waits for the request's log line: PROBED is "STATUS NAME db=ROLE", the database
# that answered as the log says.
PROBES=0
probe() {
  PROBED=$(read_name "$1" '?properties=name_en' "${@:2}")
  PROBES=$((PROBES + 1))
  until_true 30 probe_logged
  PROBED="$PROBED $(grep 'query=properties=name_en ' "$T/server.log" | sed -n "${PROBES}p" | grep -o 'db=[a-z]*')"
}
probe_logged() { [ "$(grep -c 'query=properties=name_en ' "$T/server.log")" -ge "$PROBES" ]; }

# ---- reads from the replica; read-your-writes through the cookie -------------------------
ORIG=$(read_name - | cut -d' ' -f2-)
probe -
check_eq "a read comes from the replica" "200 $ORIG db=replica" "$PROBED"
check_true "spadok's connections are on the replica" \
  test "$(psql -X -At "$R_URI" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'spadok'
          AND backend_type = 'client backend' AND pid <> pg_backend_pid()")" -gt 0
check_true "replay paused on the replica" pause
JAR=$T/jar
check_eq "a write through the primary" 200 "$(rename "Replica check one" "$JAR")"
check_contains "the write answers the position cookie" "$(header Set-Cookie)" "spadok_wal="
probe "$JAR"
check_eq "the writer reads its write at once (from the primary, by its cookie)" \
  "200 Replica check one db=primary" "$PROBED"
probe -
check_eq "another client reads the replica, which has not replayed the write" \
  "200 $ORIG db=replica" "$PROBED"
probe - -H "Authorization: Bearer $OLENA"
check_eq "a request with a token reads the primary (a staff script without cookies)" \
  "200 Replica check one db=primary" "$PROBED"
# The cookie is the client's, not the node's: a second node (as behind a load balancer) sends
# the writer's reads to the primary too.
"$SPADOK" serve --db "$PRIMARY" --read-db "$REPLICA" --port 0 --threads 2 --photos "$T/photos" \
  --tile-cache "$T/tiles2.sqlite" --exports "$T/exports2" >"$T/node2.log" 2>&1 &
NODE2_PID=$!
at_exit "kill $NODE2_PID 2>/dev/null; wait $NODE2_PID 2>/dev/null"
NODE2_PORT=$(port_of "$T/node2.log")
[ -n "$NODE2_PORT" ] || { cat "$T/node2.log" >&2; fail "the second node does not start"; finish; }
NODE2=http://127.0.0.1:$NODE2_PORT
check_eq "the writer reads its write through another node" "200 Replica check one" \
  "$(URL=$NODE2 read_name "$JAR")"
check_eq "another client through another node reads the replica" "200 $ORIG" \
  "$(URL=$NODE2 read_name -)"
node2_logged() { [ "$(grep -c "path=/collections/monuments/items/$ID " "$T/node2.log")" -eq 2 ]; }
check_true "... both answered by the second node" until_true 30 node2_logged
rsql 'SELECT pg_wal_replay_resume()' >/dev/null
caught_up() { [ "$(read_name -)" = "200 Replica check one" ]; }
check_true "once replayed, everyone reads the write" until_true 120 caught_up
# The cookie's position may lie a little past the write's commit (WAL the primary wrote after
# it): the replica gets there soon after it shows the write.
writer_on_replica() { probe "$JAR" && [ "$PROBED" = "200 Replica check one db=replica" ]; }
check_true "the writer reads the replica again once it has replayed past its write" \
  until_true 60 writer_on_replica

# ---- the replica stopped: reads go to the primary, with one warning ----------------------
sp_pg_stop "$R_DIR"
probe -
check_eq "a read with the replica down comes from the primary" \
  "200 Replica check one db=primary" "$PROBED"
check_eq "a write with the replica down" 200 "$(rename "Replica check two" "$T/jar2")"
check_eq "a client without the cookie reads the primary" "200 Replica check two" "$(read_name -)"
for _ in 1 2 3 4 5; do read_name - >/dev/null; done
check_eq "items with the replica down" 200 "$(http '/collections/monuments/items?limit=5')"
LONLAT=$(psql_primary "SELECT ST_X(marker) || ' ' || ST_Y(marker) FROM monument WHERE id = $ID")
# shellcheck disable=SC2086
check_eq "a tile with the replica down" 200 "$(http "/tiles/monuments/$(tile 15 $LONLAT).png")"
check_eq "one warning in the log, not one a request" 1 \
  "$(grep -c 'read replica not answering' "$T/server.log")"

# ---- started again: reads go back to it ------------------------------------------------------
R_URI=$(sp_pg_start "$R_DIR" "$R_PORT") || { fail "the replica does not start again"; finish; }
check_true "the restarted replica has replayed the write" \
  until_true 120 rsql_is "Replica check two" "SELECT name_en FROM monument WHERE id = $ID"
check_true "replay paused on the restarted replica" pause
check_eq "a write while it is paused" 200 "$(rename "Replica check three" "$T/jar3")"
back_to_replica() { [ "$(read_name -)" = "200 Replica check two" ]; }
check_true "reads go back to the replica (it answers the value it has replayed)" \
  until_true 60 back_to_replica
probe -
check_eq "... and the log says so" "200 Replica check two db=replica" "$PROBED"
check_eq "the writer still reads its write" "200 Replica check three" "$(read_name "$T/jar3")"
check_true "the log says the replica is back" grep -q 'read replica answers again' "$T/server.log"
rsql 'SELECT pg_wal_replay_resume()' >/dev/null

# Both nodes stop cleanly (in a sanitizer build: no leak or error report, which exits non-zero).
kill -TERM "$SERVER_PID" "$NODE2_PID"
for node in "$SERVER_PID:$T/server.log" "$NODE2_PID:$T/node2.log"; do
  wait "${node%%:*}"
  rc=$?
  [ "$rc" -eq 0 ] || tail -40 "${node#*:}" >&2
  check_eq "node ${node#*:} stops cleanly" 0 "$rc"
done
finish
