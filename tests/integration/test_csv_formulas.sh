#!/usr/bin/env bash
# Issue 21: one rule against spreadsheet formulas (CSV injection) for every CSV: items?f=csv,
# /exports/monuments.csv and `spadok export --format csv` all show a name beginning with
# = + - @ as text (a leading '), and leave plain numbers alone.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
cat >"$T/m.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.52, 50.45]},
  "properties": {"name_uk": "=HYPERLINK(\"http://evil.example/\",\"Лавра\")", "significance": "local",
   "object_kind": "structure", "kinds": "history", "protection_no": "@SUM(1+1)", "year_from": -500}}]}
JSON
"$SPADOK" import --quiet --db "$DB" "$T/m.geojson" >"$T/import.log" 2>&1
check_eq "the monument is imported" 1 "$(sql "$DB" "SELECT count(*) FROM monument")"
start_server "$DB"
check_eq "items?f=csv" 200 "$(http '/collections/monuments/items?f=csv')"
check_contains "items?f=csv: the name as text" "$(cat "$T/body")" "\"'=HYPERLINK("
check_eq "/exports/monuments.csv" 200 "$(http /exports/monuments.csv)"
check_contains "issue 21: the export's name as text" "$(cat "$T/body")" "'=HYPERLINK("
check_contains "issue 21: the export's protection number as text" "$(cat "$T/body")" "'@SUM(1+1)"
check_true "issue 21: no cell of the export begins with a formula" python3 - "$T/body" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
bad = [c for r in rows[1:] for c in r if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not c[1:].replace(".", "").isdigit())]
sys.exit(1 if bad else 0)
PY
check_contains "a negative year stays a number" "$(cat "$T/body")" ",\"-500\","
"$SPADOK" export --db "$DB" --format csv "$T/out.csv" >/dev/null 2>&1
check_contains "spadok export --format csv: the same rule" "$(cat "$T/out.csv")" "'=HYPERLINK("
finish
