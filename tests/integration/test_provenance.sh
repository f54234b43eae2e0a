#!/usr/bin/env bash
# No import silently undoes a person's work (issue 20). The sample is imported; an editor
# changes a monument's name_uk and significance through the API; the same import again keeps
# both, prints one conflict record with both values and who changed them; an editor takes the
# source's name and keeps their significance (each audited); a third import is all
# unchanged. A deleted monument is not brought back; a record dropped from the source is
# reported (or flagged), never deleted; --prefer-source overwrites on purpose, audited.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
M=$ROOT/importers/mappings
CSV=$ROOT/data/sample/kyiv_monuments.csv
import_sample "$DB"
printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
printf 'inspect pass 2026\n' | "$SPADOK" user add ivan --role inspector --db "$DB" >/dev/null 2>&1
reimport() { "$SPADOK" import --quiet --db "$DB" --mapping "$M/kyiv_sample_monuments.json" "$@" 2>&1; }
rows=$(($(wc -l <"$CSV") - 1))
start_server "$DB"
OLENA=$(token olena "editor pass 2026")
IVAN=$(token ivan "inspect pass 2026")
pj() { python3 -c "import json, sys; d = json.load(open('$T/body')); print($1)"; }

# 1. An editor's change, then the same import.
id=$(sql "$DB" "SELECT id FROM monument WHERE source_id = 'kyiv-hc-001'")
src_name=$(sql "$DB" "SELECT name_uk FROM monument WHERE id = $id")
src_sig=$(sql "$DB" "SELECT significance FROM monument WHERE id = $id")
new_sig=$([ "$src_sig" = national ] && echo local || echo national)
http "/collections/monuments/items/$id" >/dev/null
etag=$(header ETag)
check_eq "1.1 the editor's PATCH" 200 "$(http "/collections/monuments/items/$id" -X PATCH \
  -H "Authorization: Bearer $OLENA" -H "If-Match: $etag" -H 'Content-Type: application/merge-patch+json' \
  --data-binary "{\"type\": \"Feature\", \"properties\": {\"name_uk\": \"Собор Святої Софії (ред.)\", \"significance\": \"$new_sig\"}}")"
out=$(reimport "$CSV")
check_contains "1.2 the same import: one record conflicted" "$out" \
  "read $rows = inserted 0 + updated 0 + unchanged $((rows - 1)) + conflicted 1 + rejected 0"
check_contains "1.3 it lists the name's conflict with both values and who" "$out" \
  "name_uk: source '$src_name', current 'Собор Святої Софії (ред.)' (changed by olena"
check_contains "1.4 and the significance's" "$out" "significance: source '$src_sig', current '$new_sig'"
check_eq "1.5 both edited values stay" "Собор Святої Софії (ред.)|$new_sig" \
  "$(sql "$DB" "SELECT name_uk, significance FROM monument WHERE id = $id")"
check_eq "1.6 the run stores its count" "1|0" \
  "$(sql "$DB" "SELECT conflicted, missing FROM import_run ORDER BY id DESC LIMIT 1")"
out=$(reimport "$CSV")
check_contains "1.7 again: still one conflict" "$out" "conflicted 1 + rejected 0"
check_eq "1.8 one open conflict a field, however many imports" 2 \
  "$(sql "$DB" "SELECT count(*) FROM import_conflict WHERE status = 'open'")"

# 2. The conflicts through the API: editors only.
check_eq "2.1 no token: 401" 401 "$(http /conflicts)"
check_eq "2.2 an inspector: 403" 403 "$(http /conflicts -H "Authorization: Bearer $IVAN")"
check_eq "2.3 an editor lists them" 200 "$(http /conflicts -H "Authorization: Bearer $OLENA")"
check_eq "2.4 both, with both values" "2 $src_name|Собор Святої Софії (ред.)|olena" \
  "$(pj 'len(d["conflicts"]), "|".join([[c["source_value"], c["current_value"], c["changed_by"]] for c in d["conflicts"] if c["field"] == "name_uk"][0])')"
name_c=$(pj '[c["id"] for c in d["conflicts"] if c["field"] == "name_uk"][0]')
sig_c=$(pj '[c["id"] for c in d["conflicts"] if c["field"] == "significance"][0]')
check_eq "2.5 a wrong resolution: 400" 400 "$(http "/conflicts/$name_c" -X POST \
  -H "Authorization: Bearer $OLENA" -H 'Content-Type: application/json' --data-binary '{"resolution": "delete"}')"
audit=$(sql "$DB" "SELECT count(*) FROM audit_log")
check_eq "2.6 take the source's name" 200 "$(http "/conflicts/$name_c" -X POST \
  -H "Authorization: Bearer $OLENA" -H 'Content-Type: application/json' --data-binary '{"resolution": "take"}')"
check_eq "2.6b the answer says so" taken "$(pj 'd["status"]')"
check_eq "2.7 the source's name is back" "$src_name" "$(sql "$DB" "SELECT name_uk FROM monument WHERE id = $id")"
check_eq "2.8 audited: the record's change and the resolution" "1 1" \
  "$(sql "$DB" "SELECT count(*) FROM audit_log WHERE id > $audit AND entity = 'monument' AND entity_id = $id AND actor = 'olena' AND action = 'update'") $(sql "$DB" "SELECT count(*) FROM audit_log WHERE id > $audit AND entity = 'import_conflict' AND entity_id = $name_c AND actor = 'olena' AND after LIKE '%taken%'")"
check_eq "2.9 resolved once only" 409 "$(http "/conflicts/$name_c" -X POST \
  -H "Authorization: Bearer $OLENA" -H 'Content-Type: application/json' --data-binary '{"resolution": "keep"}')"
check_eq "2.10 keep the editor's significance" 200 "$(http "/conflicts/$sig_c" -X POST \
  -H "Authorization: Bearer $OLENA" -H 'Content-Type: application/json' --data-binary '{"resolution": "keep"}')"
out=$(reimport "$CSV")
check_contains "2.11 a third import: everything unchanged" "$out" \
  "read $rows = inserted 0 + updated 0 + unchanged $rows + conflicted 0 + rejected 0"
check_eq "2.12 the kept value stays, the taken one follows the source" "$src_name|$new_sig" \
  "$(sql "$DB" "SELECT name_uk, significance FROM monument WHERE id = $id")"

# 3. The source changes what the editor kept: a new conflict; elsewhere it updates.
sed -e "s/^kyiv-hc-001,\([^,]*\),/kyiv-hc-001,\1 (нова назва),/" \
    -e "s/^kyiv-hc-002,\([^,]*\),/kyiv-hc-002,\1 (оновлено),/" "$CSV" >"$T/changed.csv"
python3 - "$T/changed.csv" "$src_sig" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8', newline='')))
h = rows[0]
for r in rows[1:]:
    if r[0] == 'kyiv-hc-001':
        r[h.index('significance')] = 'newly_identified'
csv.writer(open(sys.argv[1], 'w', encoding='utf-8', newline='')).writerows(rows)
EOF
out=$("$SPADOK" import --quiet --db "$DB" --mapping "$M/kyiv_sample_monuments.json" "$T/changed.csv" 2>&1)
check_contains "3.1 a new source value against the kept one: a conflict; the untouched name updates" "$out" \
  "inserted 0 + updated 1 + unchanged $((rows - 2)) + conflicted 1 + rejected 0"
check_eq "3.2 the name the source changed follows it (no one edited it since)" "$src_name (нова назва)" \
  "$(sql "$DB" "SELECT name_uk FROM monument WHERE id = $id")"

# 4. A deleted monument stays deleted; a dropped record is reported, never deleted.
gone=$(sql "$DB" "SELECT id FROM monument WHERE source_id = 'kyiv-hc-010'")
http "/collections/monuments/items/$gone" >/dev/null
check_eq "4.1 an editor deletes one" 204 "$(http "/collections/monuments/items/$gone" -X DELETE \
  -H "Authorization: Bearer $OLENA" -H "If-Match: $(header ETag)")"
grep -v '^kyiv-hc-020,' "$CSV" >"$T/dropped.csv"
out=$(reimport "$T/dropped.csv")
check_contains "4.2 the deleted one is a conflict, not brought back" "$out" "deleted: source 'present', current 'deleted'"
check_eq "4.3 still deleted" 1 "$(sql "$DB" "SELECT deleted_at IS NOT NULL FROM monument WHERE id = $gone")"
check_contains "4.4 the dropped record is reported" "$out" "missing: monument"
check_contains "4.5 with its key" "$out" "key kyiv-hc-020"
check_contains "4.6 and counted" "$out" "missing 1)"
check_eq "4.7 nothing deleted" 0 "$(sql "$DB" "SELECT count(*) FROM monument WHERE source_id = 'kyiv-hc-020' AND deleted_at IS NOT NULL")"
check_eq "4.8 reported, not flagged" "noted" "$(sql "$DB" "SELECT status FROM import_conflict WHERE kind = 'missing'")"
out=$(reimport --missing flag "$T/dropped.csv")
check_eq "4.9 --missing flag: open for review, one row" "1|open" \
  "$(sql "$DB" "SELECT count(*), max(status) FROM import_conflict WHERE kind = 'missing'")"
check_eq "4.10 --missing other: a usage error" 2 "$(reimport --missing drop "$CSV" >/dev/null; echo $?)"
miss=$(sql "$DB" "SELECT id FROM import_conflict WHERE kind = 'missing'")
check_eq "4.11 an editor deletes the missing record" 200 "$(http "/conflicts/$miss" -X POST \
  -H "Authorization: Bearer $OLENA" -H 'Content-Type: application/json' --data-binary '{"resolution": "delete"}')"
check_eq "4.12 deleted, audited as the editor's" "1 olena" \
  "$(sql "$DB" "SELECT deleted_at IS NOT NULL FROM monument WHERE source_id = 'kyiv-hc-020'") $(sql "$DB" "SELECT actor FROM audit_log WHERE entity = 'monument' AND action = 'delete' ORDER BY id DESC LIMIT 1")"
dry=$(reimport --dry-run "$CSV")
check_contains "4.13 a dry run shows the conflicts it would note" "$dry" "conflicted"

# 5. --prefer-source overwrites on purpose, and says so.
out=$(reimport --prefer-source "$CSV")
check_eq "5.1 every value is the source's" "$src_name|$src_sig|0" \
  "$(sql "$DB" "SELECT name_uk, significance, deleted_at IS NOT NULL FROM monument WHERE id = $id")"
check_eq "5.2 the deleted ones are back" 0 "$(sql "$DB" "SELECT count(*) FROM monument WHERE deleted_at IS NOT NULL")"
check_eq "5.3 the run says it preferred the source" 1 "$(sql "$DB" "SELECT prefer_source FROM import_run ORDER BY id DESC LIMIT 1")"
check_eq "5.4 no conflict left open" 0 "$(sql "$DB" "SELECT count(*) FROM import_conflict WHERE status = 'open' AND kind = 'field'")"
out=$(reimport "$CSV")
check_contains "5.5 and then all unchanged" "$out" "unchanged $rows + conflicted 0 + rejected 0"
check_true "5.6 the registry is sound" "$SPADOK" migrate --db "$DB" --check
finish
