#!/usr/bin/env bash
# Condition reports imported from a department's spreadsheet (target condition_report): each
# row a report of an existing monument named by its protection number, keyed by its act
# number. Counts add up, every refused row is kept with the field to blame, Ukrainian labels
# are taken, a second import changes nothing, the monuments' condition, last inspection and
# version are what the per-report triggers would have left, and the reports are public.
source "$(dirname "$0")/lib.sh"
D=$ROOT/tests/data/reports
DB=$T/r.sqlite
import_sample "$DB"
imp() { "$SPADOK" import --quiet --db "$DB" --mapping "$D/inspections.json" "$@" "$D/inspections.csv" 2>"$T/err"; }
mon() { sql "$DB" "SELECT condition || '|' || coalesce(last_inspected, '') || '|' || version FROM monument WHERE protection_no = $(q "$1")"; }

# 1. The first import.
out=$(imp)
check_eq "1.1 exit 0" 0 $?
check_contains "1.2 counts add up" "$out" "read 13 = inserted 8 + updated 0 + unchanged 0 + conflicted 0 + rejected 5 (repaired 0, reports 8, missing 0)"
run=$(sql "$DB" "SELECT max(id) FROM import_run")
check_eq "1.3 the run is a condition_report import, ok" "condition_report|ok|13|8|5" \
  "$(sql "$DB" "SELECT target, status, read, inserted, rejected FROM import_run WHERE id = $run")"
rej() { sql "$DB" "SELECT field || '|' || reason FROM import_error WHERE run_id = $run AND row = $1"; }
check_eq "1.4 an unknown protection number: rejected, naming it" \
  "monument|monument: no monument has protection number 999999-Н" "$(rej 8)"
check_eq "1.5 a condition not in the vocabulary: rejected, naming the field" \
  "condition|field 'condition': unknown condition value 'чудовий'" "$(rej 9)"
check_contains "1.6 an impossible date: rejected, naming the field" "$(rej 10)" "observed_on|field 'observed_on': '31.02.2023' is not a date"
check_eq "1.7 a row without its key: rejected" "key|key: empty" "$(rej 11)"
check_contains "1.8 a key twice in the file: the second rejected" "$(rej 12)" "key|duplicate key ОГ-2023-202: already in this import"
check_eq "1.9 the rejected rows keep their source record and key" "ОГ-2023-999" \
  "$(sql "$DB" "SELECT source_key FROM import_error WHERE run_id = $run AND row = 8 AND raw LIKE '%Номер, якого немає%'")"
check_contains "1.10 the CLI shows the first rejections" "$(cat "$T/err")" "row 8 key ОГ-2023-999: monument: no monument"

# 2. Values: Ukrainian and English labels in any case, sets, defaults of the API's reports.
check_eq "2.1 Cyrillic labels resolved to codes" "technical_act|unsatisfactory|field|neglect|roof;facade|C|2026-09-30" \
  "$(sql "$DB" "SELECT report_type, condition, source, (SELECT group_concat(cause, ';') FROM report_cause WHERE report_id = r.id),
     (SELECT group_concat(element, ';') FROM (SELECT e.element FROM report_element e JOIN vocab_element v ON v.code = e.element WHERE e.report_id = r.id ORDER BY v.sort)),
     priority, next_due FROM condition_report r WHERE source_id = 'ТА-2021-003'")"
check_eq "2.2 capitalised Cyrillic and English labels" "inspection|satisfactory|field|good" \
  "$(sql "$DB" "SELECT (SELECT report_type || '|' || condition FROM condition_report WHERE source_id = 'ОГ-2023-202'),
     (SELECT source || '|' || condition FROM condition_report WHERE source_id = 'ОГ-2023-201')")"
check_eq "2.3 imported reports are approved, keyed in their data set" "8|8" \
  "$(sql "$DB" "SELECT count(*), sum(status = 'approved' AND dataset = 'kyiv_inspections') FROM condition_report")"
check_eq "2.4 one audit row per report, in the import run" 8 \
  "$(sql "$DB" "SELECT count(*) FROM audit_log WHERE entity = 'condition_report' AND action = 'insert' AND import_run_id = $run")"

# 3. The monuments follow: the latest approved report with a condition (a report whose
#    verification is 'rejected' does not count), the latest inspection, one version per report.
check_eq "3.1 260020-Н: emergency from the damage report, inspected 2021-09-30, version +3" "emergency|2021-09-30|4" "$(mon 260020-Н)"
check_eq "3.2 260088/2: good; a later report whose verification is rejected changes nothing" \
  "good|2023-04-18|2" "$(mon 260088/2)"
check_eq "3.3 260109/2: a later report without condition or date changes neither" "satisfactory|2023-05-02|3" "$(mon 260109/2)"
check_eq "3.4 other monuments untouched" "$(($(sql "$DB" "SELECT count(*) FROM monument") - 3))" \
  "$(sql "$DB" "SELECT count(*) FROM monument WHERE condition IS NULL AND version = 1")"
# The same reports inserted one by one, with the triggers firing per row, leave the same.
FRESH=$T/fresh.sqlite
import_sample "$FRESH"
sql "$FRESH" "ATTACH $(q "$DB") AS imp;
  INSERT INTO condition_report SELECT * FROM imp.condition_report ORDER BY id;" >/dev/null
each() { sql "$1" "SELECT group_concat(id || ':' || coalesce(condition, '-') || ':' || coalesce(last_inspected, '-') || ':' || version, ' ') FROM (SELECT * FROM monument ORDER BY id)"; }
check_eq "3.5 condition, last inspection and version as the per-report triggers leave them" "$(each "$FRESH")" "$(each "$DB")"
trig() { sql "$1" "SELECT group_concat(name || ':' || sql, '|') FROM (SELECT * FROM sqlite_master WHERE type = 'trigger' ORDER BY name)" | md5sum; }
check_eq "3.6 the triggers set aside during the import are back, word for word" "$(trig "$FRESH")" "$(trig "$DB")"
check_eq "3.7 map changes cover every reported monument" 0 \
  "$(sql "$DB" "SELECT count(*) FROM monument m WHERE id IN (SELECT monument_id FROM condition_report)
     AND NOT EXISTS (SELECT 1 FROM map_change c WHERE c.id > (SELECT max(id) - 10 FROM map_change)
       AND c.xmin <= MbrMinX(m.geom) AND c.ymin <= MbrMinY(m.geom) AND c.xmax >= MbrMaxX(m.geom) AND c.ymax >= MbrMaxY(m.geom))")"
check_eq "3.8 integrity and foreign keys" ok "$(sql "$DB" "PRAGMA integrity_check")"
check_eq "3.9 no foreign key errors" "" "$(sql "$DB" "PRAGMA foreign_key_check")"

# 4. A second import changes nothing.
snap() { sql "$DB" "SELECT (SELECT count(*) FROM condition_report), (SELECT count(*) FROM report_cause),
  (SELECT group_concat(version) FROM monument), (SELECT count(*) FROM audit_log), (SELECT max(id) FROM map_change)"; }
s0=$(snap)
out=$(imp)
check_contains "4.1 second import: all unchanged, the same rejections" "$out" "read 13 = inserted 0 + updated 0 + unchanged 8 + conflicted 0 + rejected 5 (repaired 0, reports 0, missing 0)"
check_eq "4.2 nothing written" "$s0" "$(snap)"
# A row whose values changed since is refused: reports are never changed in place.
sed 's/Огляд садиби: тріщини в цоколі/Огляд садиби: тріщини в цоколі й стінах/' "$D/inspections.csv" >"$T/changed.csv"
out=$("$SPADOK" import --quiet --db "$DB" --mapping "$D/inspections.json" "$T/changed.csv" 2>&1)
check_contains "4.3 a changed row: rejected" "$out" "unchanged 7 + conflicted 0 + rejected 6"
check_contains "4.4 saying why" "$out" "key ОГ-2023-202: report 7 was imported with other values; reports are never changed"
check_eq "4.5 nothing written" "$s0" "$(snap)"
out=$("$SPADOK" import --quiet --db "$DB" --mapping "$D/inspections.json" --dataset other --dry-run "$D/inspections.csv" 2>&1)
check_contains "4.6 a dry run under another data set would insert them" "$out" "inserted 8 + updated 0 + unchanged 0 + conflicted 0 + rejected 5"
check_eq "4.7 and writes nothing" "$s0" "$(snap)"
check_contains "4.8 the refused row of 4.3 was not reported missing" \
  "$("$SPADOK" import --quiet --db "$DB" --mapping "$D/inspections.json" --dry-run "$T/changed.csv" 2>&1)" "missing 0)"
grep -v 'ОГ-2023-202' "$D/inspections.csv" >"$T/dropped.csv"
out=$("$SPADOK" import --quiet --db "$DB" --mapping "$D/inspections.json" "$T/dropped.csv" 2>&1)
check_contains "4.9 a report dropped from the register is reported missing" "$out" "missing 1)"
check_contains "4.10 by its key" "$out" "missing: condition_report"
check_eq "4.11 and kept" "$(echo "$s0" | cut -d'|' -f1)" "$(sql "$DB" "SELECT count(*) FROM condition_report")"

# 5. Mappings: a key is required; reports have no geometry; unknown fields are refused.
echo '{"target": "condition_report", "monument": "охоронний номер", "fields": {"report_type": "вид звіту"}}' >"$T/nokey.json"
"$SPADOK" import --quiet --db "$DB" --mapping "$T/nokey.json" "$D/inspections.csv" >/dev/null 2>"$T/err"
check_eq "5.1 no key: exit 1" 1 $?
check_contains "5.2 saying so" "$(cat "$T/err")" "condition reports need a key"
echo '{"target": "condition_report", "key": "№ акту", "fields": {"report_type": "вид звіту"}}' >"$T/nomon.json"
"$SPADOK" import --quiet --db "$DB" --mapping "$T/nomon.json" "$D/inspections.csv" >/dev/null 2>"$T/err"
check_contains "5.3 no monument: saying so" "$(cat "$T/err")" "condition reports need their monument"
echo '{"target": "condition_report", "key": "k", "geometry": {"x": "a", "y": "b"}}' >"$T/geom.json"
"$SPADOK" import --quiet --db "$DB" --mapping "$T/geom.json" "$D/inspections.csv" >/dev/null 2>"$T/err"
check_contains "5.4 a geometry: refused" "$(cat "$T/err")" "a condition_report mapping takes no 'geometry'"
# Columns named like the model need only the target (source_id, protection_no, report_type, ...).
printf 'source_id,protection_no,report_type,observed_on,condition\nx-1,260088/2,inspection,2024-03-01,satisfactory\n' >"$T/model.csv"
echo '{"target": "condition_report"}' >"$T/model.json"
out=$("$SPADOK" import --quiet --db "$DB" --mapping "$T/model.json" "$T/model.csv" 2>&1)
check_contains "5.5 model-named columns import with a bare mapping" "$out" "read 1 = inserted 1"
check_eq "5.6 and the monument follows" "satisfactory|2024-03-01|3" "$(mon 260088/2)"

# 6. Public: the condition_reports collection lists them (not the one whose verification was
#    rejected), the monument shows its condition.
start_server "$DB"
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }
mid=$(sql "$DB" "SELECT id FROM monument WHERE protection_no = '260020-Н'")
check_eq "6.1 GET the monument's reports" 200 "$(http "/collections/condition_reports/items?filter=monument_id%3D$mid&limit=100")"
check_eq "6.2 the three verified ones, with their values" "3 severe emergency missile;blast_wave" \
  "$(jq_ 'len(d["features"]), *[(p["damage_level"], p["condition"], p["causes"]) for p in (f["properties"] for f in d["features"]) if p["report_type"] == "damage"][0]' | paste -sd' ')"
check_eq "6.3 the monument's condition is public" "200 emergency" \
  "$(http "/collections/monuments/items/$mid" | head -c3) $(jq_ 'd["properties"]["condition"]')"
check_eq "6.4 monuments without reports kept their version" 0 \
  "$(sql "$DB" "SELECT count(*) FROM monument WHERE protection_no IS NULL AND version <> 1")"
finish
