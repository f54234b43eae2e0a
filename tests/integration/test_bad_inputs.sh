#!/usr/bin/env bash
# Plays the bad-input catalogue (tests/data/bad/CASES): each case gives its clear one-line
# reason and exit status, or its import_error rows; the database is never half-written and
# PRAGMA integrity_check stays ok.
source "$(dirname "$0")/lib.sh"
BAD=$ROOT/tests/data/bad
DB=$T/r.sqlite
"$SPADOK" import --quiet --db "$DB" "$BAD/good.geojson" >/dev/null 2>&1
check_eq "setup: good.geojson imported" 2 "$(sql "$DB" "SELECT count(*) FROM monument")"

while IFS='|' read -r name args want_exit fragment want_rej want_rep; do
  case "$name" in ''|'#'*) continue ;; esac
  before=$(sql "$DB" "SELECT (SELECT count(*) FROM monument) || '/' || (SELECT count(*) FROM import_run) || '/' || (SELECT coalesce(sum(version), 0) FROM monument)")
  # Arguments are relative to the catalogue folder.
  (cd "$BAD" && eval "\"$SPADOK\" import --quiet --db \"$DB\" $args") >"$T/out" 2>"$T/err"
  status=$?
  check_eq "$name: exit status" "$want_exit" "$status"
  check_contains "$name: message" "$(cat "$T/out" "$T/err")" "$fragment"
  if [ "$want_exit" != 0 ]; then
    check_eq "$name: one-line reason" 1 "$(grep -c . "$T/err")"
    check_contains "$name: reason starts with spadok:" "$(cat "$T/err")" "spadok: "
    check_eq "$name: nothing written" "$before" \
      "$(sql "$DB" "SELECT (SELECT count(*) FROM monument) || '/' || (SELECT count(*) FROM import_run) || '/' || (SELECT coalesce(sum(version), 0) FROM monument)")"
  else
    run=$(sql "$DB" "SELECT max(id) FROM import_run")
    check_eq "$name: rejected rows" "$want_rej" \
      "$(sql "$DB" "SELECT count(*) FROM import_error WHERE run_id=$run AND kind='rejected' AND instr(reason, $(q "$fragment")) > 0 AND json_valid(raw)")"
    check_eq "$name: repaired rows" "$want_rep" \
      "$(sql "$DB" "SELECT count(*) FROM import_error WHERE run_id=$run AND kind='repaired'")"
    check_eq "$name: counts add up" 1 \
      "$(sql "$DB" "SELECT read = inserted + updated + unchanged + conflicted + rejected AND read > 0 FROM import_run WHERE id=$run")"
  fi
  check_eq "$name: integrity_check" ok "$(sql "$DB" "PRAGMA integrity_check")"
done <"$BAD/CASES"

# Failed imports rolled their bulk work back whole: the R*Tree trigger is still there.
check_eq "R*Tree trigger survives failed imports" 1 \
  "$(sql "$DB" "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'gii_monument_geom'")"
check_eq "spatial index consistent after the catalogue" 1 "$(sql "$DB" "SELECT CheckSpatialIndex('monument', 'geom')")"

# The non-UTF-8 rejection keeps the raw bytes visibly escaped, not silently changed.
check_contains "non-UTF-8 raw record escapes bytes" \
  "$(sql "$DB" "SELECT raw FROM import_error WHERE reason LIKE '%not valid UTF-8%'")" '\\xCF\\xF0'

# A file that is not a database is refused without being touched.
cp "$BAD/not_a_database.sqlite" "$T/nd.sqlite"
"$SPADOK" import --quiet --db "$T/nd.sqlite" "$BAD/good.geojson" >/dev/null 2>"$T/err"
check_eq "not a database: exit" 1 $?
check_contains "not a database: message" "$(cat "$T/err")" "file is not a database"
check_true "not a database: file unchanged" cmp -s "$BAD/not_a_database.sqlite" "$T/nd.sqlite"

# Usage errors exit 2 with a reason.
"$SPADOK" import --db "$DB" --frobnicate x >/dev/null 2>"$T/err"
check_eq "unknown option: exit 2" 2 $?
check_contains "unknown option: message" "$(cat "$T/err")" "unknown option '--frobnicate'"
"$SPADOK" import --db "$DB" >/dev/null 2>"$T/err"
check_eq "no input file: exit 2" 2 $?
"$SPADOK" import "$BAD/good.geojson" >/dev/null 2>"$T/err"
check_eq "no --db: exit 2" 2 $?
check_contains "no --db: message" "$(cat "$T/err")" "import needs --db FILE"
finish
