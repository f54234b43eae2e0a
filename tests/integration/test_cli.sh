#!/usr/bin/env bash
# The command line: --help on every subcommand, migrate, and backup taken while another
# process is writing (the copy is a consistent snapshot that passes integrity_check).
source "$(dirname "$0")/lib.sh"
for cmd in import export migrate backup; do
  out=$("$SPADOK" $cmd --help 2>&1)
  check_eq "$cmd --help exits 0" 0 $?
  check_contains "$cmd --help shows usage" "$out" "usage: spadok $cmd"
  check_contains "$cmd --help lists --db" "$out" "--db FILE"
done
out=$("$SPADOK" --help)
check_contains "spadok --help lists commands" "$out" "backup"
"$SPADOK" frobnicate >/dev/null 2>&1
check_eq "unknown command exits 2" 2 $?
"$SPADOK" >/dev/null 2>&1
check_eq "no command exits 2" 2 $?

DB=$T/r.sqlite
out=$("$SPADOK" migrate --db "$DB" --check 2>&1)
check_contains "migrate creates the schema" "$out" "schema version $(ls "$ROOT"/schemas/[0-9][0-9][0-9]_*.sql | wc -l)"
check_contains "migrate --check" "$out" "integrity ok"
check_eq "WAL mode" wal "$(sql "$DB" "PRAGMA journal_mode")"
check_eq "SpatiaLite metadata" 1 "$(sql "$DB" "SELECT CheckSpatialMetaData() > 0")"
check_eq "spatial indexes registered" 1 \
  "$(sql "$DB" "SELECT count(*) FROM geometry_columns WHERE f_table_name='monument' AND f_geometry_column='geom' AND spatial_index_enabled=1")"
check_eq "vocabularies in both languages" 0 \
  "$(sql "$DB" "SELECT count(*) FROM vocab WHERE label_uk = '' OR label_en = ''")"

# Backup while an import writes in another process.
S=$ROOT/data/sample
"$SPADOK" import --quiet --db "$DB" "$S/kyiv_monuments.csv" >/dev/null 2>&1
src=$S/kyiv_osm_historic_buildings.geojson
[ -d "$SHARED" ] && src=$SHARED/schleswig_holstein_denkmalliste/sh_denkmalliste.geojson
"$SPADOK" import --quiet --db "$DB" --dataset big "$src" >/dev/null 2>&1 &
writer=$!
for i in 1 2 3; do
  out=$("$SPADOK" backup --db "$DB" "$T/copy$i.sqlite" 2>&1)
  check_eq "backup $i during an import exits 0" 0 $?
  check_contains "backup $i checked its copy" "$out" "integrity ok"
  n=$(sql "$T/copy$i.sqlite" "SELECT count(*) FROM monument")
  total=$(sql "$DB" "SELECT count(*) FROM monument")
  check_true "backup $i is a snapshot (69 before, all after: got $n)" test "$n" -eq 69 -o "$n" -eq "$total"
done
wait $writer
check_eq "the writer finished" 0 $?
"$SPADOK" backup --db "$DB" "$T/final.sqlite" >/dev/null 2>&1
check_eq "final backup holds everything" "$(sql "$DB" "SELECT count(*) FROM monument")" \
  "$(sql "$T/final.sqlite" "SELECT count(*) FROM monument")"
check_true "no temp files left" test -z "$(ls "$T" | grep tmp)"
"$SPADOK" backup --db "$T/absent.sqlite" "$T/x.sqlite" >/dev/null 2>"$T/err"
check_eq "backup of a missing database fails" 1 $?
check_contains "backup failure message" "$(cat "$T/err")" "cannot open database"

# serve --config: the command line's settings from a file; the command line wins.
printf '# service settings\ndb = %s\nport = 1   # overridden below\nthreads = 1\n' "$DB" >"$T/spadok.conf"
"$SPADOK" serve --config "$T/spadok.conf" --port 0 >"$T/serve.log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q "msg=listening" "$T/serve.log" && break; sleep 0.1; done
port=$(grep -o 'msg=listening [^ ]* port=[0-9]*' "$T/serve.log" | grep -o '[0-9]*$')
check_true "serve --config starts on the command line's port" test -n "$port" -a "$port" != 1
check_eq "serve --config serves the file's database" 200 \
  "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/collections/monuments/items?limit=1")"
kill -TERM $pid
wait $pid
check_eq "serve --config stops cleanly" 0 $?
printf 'db = %s\nthreds = 2\n' "$DB" >"$T/typo.conf"
"$SPADOK" serve --config "$T/typo.conf" >/dev/null 2>"$T/err"
check_eq "a config with an unknown setting is refused" 1 $?
check_contains "and the message names file and line" "$(cat "$T/err")" "typo.conf line 2: unknown setting 'threds'"
finish
