#!/usr/bin/env bash
# The demo's condition facts (issue 22): the sample imported as scripts/demo imports it
# (scripts/lib.sh sp_import_sample), ending with the hand-compiled damage events of
# data/sample/kyiv_damage_reports.csv as condition reports. Every event is imported, none is
# refused, each cites its public sources and is documented in data/sample/SOURCE.md; the
# damaged monuments show a condition, every other monument stays not inspected (no
# condition is invented); the reports are public, drawn on the damage layer; a second import
# changes nothing; a report naming a monument the list lacks is refused, naming it.
source "$(dirname "$0")/lib.sh"
source "$ROOT/scripts/lib.sh"
S=$ROOT/data/sample
CSV=$S/kyiv_damage_reports.csv
MAP=$ROOT/importers/mappings/kyiv_sample_damage_reports.json
DB=$T/r.sqlite
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }
csv_() { python3 -c "import csv, sys; rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8'))); print($1)" "$CSV"; }

# 1. The import, as the demo runs it.
out=$(sp_import_sample "$SPADOK" "$DB" --quiet 2>&1)
check_eq "1.1 the demo's imports exit 0" 0 $?
rows=$(csv_ 'len(rows)')
events=$(csv_ 'sum(r["report_type"] == "damage" for r in rows)')
check_true "1.2 at least 15 documented damage events (got $events)" test "$events" -ge 15
check_contains "1.3 every report inserted, none rejected" "$(echo "$out" | tail -1)" \
  "read $rows = inserted $rows + updated 0 + unchanged 0 + conflicted 0 + rejected 0 (repaired 0, reports $rows, missing 0)"
check_eq "1.4 all in the registry, approved, in their data set" "$rows|$rows|$events" \
  "$(sql "$DB" "SELECT count(*), sum(status = 'approved'), sum(report_type = 'damage') FROM condition_report
                 WHERE dataset = 'kyiv_sample_damage_reports'")"
check_eq "1.5 every row names its public sources (http links)" 0 \
  "$(csv_ 'sum(not r["source_urls"] or any(not u.startswith(("https://", "http://")) for u in r["source_urls"].split()) for r in rows)')"
check_eq "1.6 and every stored report carries them in its description" 0 \
  "$(sql "$DB" "SELECT count(*) FROM condition_report WHERE description NOT LIKE '%Джерела: http%'")"
check_eq "1.7 every event since 2022-02-24, in both languages" 0 \
  "$(csv_ 'sum(min(d for d in (r["event_date"], r["observed_on"]) if d) < "2022-02-24" or not r["description_uk"] or not r["description_en"] for r in rows)')"
check_eq "1.8 each row is documented in SOURCE.md" "" \
  "$(csv_ '" ".join(r["source_id"] for r in rows if r["source_id"] not in open(sys.argv[1].replace("kyiv_damage_reports.csv", "SOURCE.md"), encoding="utf-8").read())')"
check_eq "1.9 the data set is credited under its licence" "CC-BY-4.0" \
  "$(sql "$DB" "SELECT licence FROM dataset WHERE name = 'kyiv_sample_damage_reports'")"

# 2. Condition follows the reports only: no condition is invented.
damaged=$(sql "$DB" "SELECT count(DISTINCT monument_id) FROM condition_report WHERE report_type = 'damage'")
check_eq "2.1 each damaged monument shows the condition its latest report gives" "$damaged" \
  "$(sql "$DB" "SELECT count(*) FROM monument WHERE condition = 'needs_study'")"
check_eq "2.2 every other monument stays not inspected, at version 1" \
  "$(sql "$DB" "SELECT count(*) FROM monument WHERE id NOT IN (SELECT monument_id FROM condition_report)")" \
  "$(sql "$DB" "SELECT count(*) FROM monument WHERE condition IS NULL AND last_inspected IS NULL AND version = 1")"
check_eq "2.3 the restoration report sets the last inspection of its monument only" "kyiv-hc-007 2024-05-10" \
  "$(sql "$DB" "SELECT source_id || ' ' || last_inspected FROM monument WHERE last_inspected IS NOT NULL")"
check_eq "2.4 integrity and foreign keys" "ok" "$(sql "$DB" "PRAGMA integrity_check")$(sql "$DB" "PRAGMA foreign_key_check")"

# 3. A second import changes nothing.
snap() { sql "$DB" "SELECT (SELECT count(*) FROM condition_report), (SELECT group_concat(version) FROM monument),
  (SELECT count(*) FROM audit_log), (SELECT max(id) FROM map_change)"; }
s0=$(snap)
out=$(sp_import_sample "$SPADOK" "$DB" --quiet 2>&1)
check_contains "3.1 a second import: the reports all unchanged" "$(echo "$out" | tail -1)" \
  "read $rows = inserted 0 + updated 0 + unchanged $rows + conflicted 0 + rejected 0"
check_eq "3.2 nothing written" "$s0" "$(snap)"

# 4. A report of a monument the list lacks is refused, naming it; the rest of the file stays.
python3 -c "import sys; l = open(sys.argv[1], encoding='utf-8', newline='').read().split('\r\n')
l[1] = l[1].replace('kyiv-dmg-001,kyiv-hc-019', 'kyiv-dmg-901,kyiv-hc-999')
open(sys.argv[2], 'w', encoding='utf-8', newline='').write('\r\n'.join(l))" "$CSV" "$T/bad.csv"
out=$("$SPADOK" import --quiet --db "$DB" --mapping "$MAP" "$T/bad.csv" 2>&1)
check_contains "4.1 refused" "$out" "unchanged $((rows - 1)) + conflicted 0 + rejected 1"
check_contains "4.2 naming the monument and its data set" "$out" \
  "monument: no monument has source id kyiv-hc-999 in data set kyiv_sample_monuments"

# 5. Public: the reports in the API, the monuments' condition, the damage layer.
start_server "$DB"
check_eq "5.1 GET the reports" 200 "$(http "/collections/condition_reports/items?limit=1000")"
check_eq "5.2 all of them, each with its sources" "$rows $rows" \
  "$(jq_ 'd["numberMatched"], sum("http" in (f["properties"]["description"] or "") for f in d["features"])' | paste -sd' ')"
check_eq "5.3 damage reports with their causes" "$events" \
  "$(jq_ 'sum(f["properties"]["report_type"] == "damage" and bool(f["properties"]["causes"]) for f in d["features"])')"
sofia=$(sql "$DB" "SELECT id FROM monument WHERE source_id = 'kyiv-hc-001'")
gate=$(sql "$DB" "SELECT id FROM monument WHERE source_id = 'kyiv-hc-002'")
check_eq "5.4 a damaged monument shows its condition" "200 needs_study" \
  "$(http "/collections/monuments/items/$sofia") $(jq_ 'd["properties"]["condition"]')"
check_eq "5.5 one without reports has none" "200 None" \
  "$(http "/collections/monuments/items/$gate") $(jq_ 'd["properties"]["condition"]')"
check_eq "5.6 the monuments by condition" "$damaged" \
  "$(http "/collections/monuments/items?condition=needs_study&limit=1" >/dev/null; jq_ 'd["numberMatched"]')"
PNGDIFF=$(dirname "$SPADOK")/tests/tools/pngdiff
check_eq "5.7 the damage layer over central Kyiv" 200 "$(http "/tiles/damage/$(tile 13 30.5144 50.4528).png")"
cp "$T/body" "$T/kyiv.png"
check_eq "5.8 and over a place without monuments" 200 "$(http "/tiles/damage/$(tile 13 30.0 49.0).png")"
cp "$T/body" "$T/empty.png"
read -r _ differing _ <<<"$("$PNGDIFF" "$T/empty.png" "$T/kyiv.png" 24 2>&1)"
check_true "5.9 the damage layer draws the events ($differing)" test "${differing#differing=}" -gt 100

# 6. /overview's figures (/stats): damage events by month since 2022-02-24, as the database
# counts them, and one group's CSV for a chart.
want=$(sql "$DB" "SELECT group_concat(m || ':' || n, ' ') FROM (SELECT substr(day, 1, 7) AS m, count(*) AS n
  FROM damage_event e JOIN monument l ON l.id = e.monument_id AND l.deleted_at IS NULL
  WHERE day >= '2022-02-24' GROUP BY m ORDER BY m)")
check_true "6.1 there are damage months ($want)" test -n "$want"
check_eq "6.2 /stats: damage events by month" 200 "$(http '/stats?group=damage_month')"
check_eq "6.3 the months and their counts, in order" "$want" \
  "$(python3 -c 'import json, sys; print(" ".join("%s:%d" % (r["key"], r["count"]) for r in json.load(open(sys.argv[1]))["damage_month"]))' "$T/body")"
check_eq "6.4 only that group" "damage_month timeStamp" \
  "$(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))))' "$T/body")"
check_eq "6.5 a chart's CSV" 200 "$(http '/stats?f=csv&group=condition')"
check_eq "6.6 holds its group alone" "condition" "$(tail -n +2 "$T/body" | cut -d, -f1 | sort -u)"
check_eq "6.7 an unknown group" 400 "$(http '/stats?group=nope')"
check_eq "6.8 the overview page" 200 "$(http /overview -H 'Accept: text/html')"
finish
