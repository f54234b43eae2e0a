#!/usr/bin/env bash
# Imports every data set in ../shared/data with its mapping and checks that nothing is lost:
# read equals ogrinfo's feature count, read = inserted + updated + unchanged + conflicted + rejected,
# every rejection has a reason and its raw record, a second import changes nothing.
source "$(dirname "$0")/lib.sh"
need_shared
DB=$T/r.sqlite
M=$ROOT/importers/mappings
"$SPADOK" migrate --db "$T/fresh.sqlite" >/dev/null 2>&1

# name|file (raions first: monuments get their district from them)
SETS="kyiv_raions_osm|kyiv_raions_osm/kyiv_raions.geojson
kyiv_abandoned_buildings_osm|kyiv_abandoned_buildings_osm/buildings.geojson
schleswig_holstein_denkmalliste|schleswig_holstein_denkmalliste/sh_denkmalliste.geojson
ua_destroyed_heritage_gwzo|ua_destroyed_heritage_gwzo/destroyed_heritage_facts.csv"

while IFS='|' read -r name file; do
  src=$SHARED/$file
  out=$("$SPADOK" import --quiet --db "$DB" --mapping "$M/$name.json" "$src" 2>"$T/err")
  check_eq "$name: import exit" 0 $?
  run=$(sql "$DB" "SELECT max(id) FROM import_run")
  read -r rd ins upd unch rej <<<"$(sql "$DB" "SELECT read, inserted, updated, unchanged, rejected FROM import_run WHERE id=$run" | tr '|' ' ')"
  check_eq "$name: read = ogrinfo feature count" "$(feature_count "$src")" "$rd"
  check_eq "$name: read = inserted+updated+unchanged+rejected" "$rd" $((ins + upd + unch + rej))
  check_contains "$name: summary line" "$out" "read $rd = inserted $ins"
  check_eq "$name: every rejection has a reason and valid raw JSON" "$rej" \
    "$(sql "$DB" "SELECT count(*) FROM import_error WHERE run_id=$run AND kind='rejected' AND length(reason) > 10 AND json_valid(raw) AND json_extract(raw, '\$.properties') IS NOT NULL")"
  eval "FIRST_${name}=$ins"
done <<<"$SETS"

# What each set must give, computed independently of spadok where it can be.
check_eq "raions: 10 districts" 10 "$(sql "$DB" "SELECT count(*) FROM district")"
check_eq "buildings: the one invalid relation was repaired" "relation/6247313" \
  "$(sql "$DB" "SELECT source_key FROM import_error WHERE kind='repaired'")"
check_eq "buildings: all valid after repair" 0 \
  "$(sql "$DB" "SELECT count(*) FROM monument WHERE ST_IsValid(geom) <> 1")"
# SOURCE.txt: Shevchenkivskyi 82, Podilskyi 56, ..., Darnytskyi 4 (by point on surface).
check_eq "buildings: districts by point-in-polygon match SOURCE.txt" \
  "Шевченківський район 82,Подільський район 56,Дніпровський район 38,Деснянський район 30,Печерський район 29,Солом’янський район 26,Голосіївський район 19,Святошинський район 14,Оболонський район 12,Дарницький район 4" \
  "$(sql "$DB" "SELECT group_concat(d || ' ' || n, ',') FROM (SELECT district d, count(*) n FROM monument WHERE dataset='kyiv_abandoned_buildings_osm' GROUP BY 1 ORDER BY 2 DESC)")"
sh_expect=$(python3 - "$SHARED/schleswig_holstein_denkmalliste/sh_denkmalliste.geojson" <<'PY'
import json, sys
seen, nogeom, dup = set(), 0, 0
for f in json.load(open(sys.argv[1]))["features"]:
    if f["geometry"] is None:
        nogeom += 1
        continue
    k = f["properties"]["object_id"]
    dup += k in seen
    seen.add(k)
print(nogeom, dup)
PY
)
read -r sh_nogeom sh_dup <<<"$sh_expect"
check_eq "SH: rows without coordinates rejected as such" "$sh_nogeom" \
  "$(sql "$DB" "SELECT count(*) FROM import_error e JOIN import_run r ON r.id=e.run_id WHERE r.dataset='sh_denkmalliste' AND reason='geometry: missing'")"
check_eq "SH: repeated object_id rejected as duplicates" "$sh_dup" \
  "$(sql "$DB" "SELECT count(*) FROM import_error e JOIN import_run r ON r.id=e.run_id WHERE r.dataset='sh_denkmalliste' AND reason LIKE 'duplicate key %'")"
check_eq "SH: German umlauts intact" 1 \
  "$(sql "$DB" "SELECT count(*) > 0 FROM monument WHERE dataset='sh_denkmalliste' AND name_uk LIKE '%ü%'")"
check_eq "SH: kinds mapped from reasons" 1 \
  "$(sql "$DB" "SELECT count(*) > 5000 FROM monument_kind WHERE kind='history'")"
check_eq "GWZO: the 80 photo rows rejected for having no coordinates" 80 \
  "$(sql "$DB" "SELECT count(*) FROM import_error WHERE source_key LIKE 'img_%' AND reason LIKE 'geometry: empty%'")"
check_eq "GWZO: 40 damage reports set the condition" "40|40" \
  "$(sql "$DB" "SELECT count(*), sum(m.condition IS NOT NULL) FROM condition_report r JOIN monument m ON m.id=r.monument_id WHERE r.report_type='damage'")"
check_eq "GWZO: in ruins -> lost, destroyed" "lost|destroyed" \
  "$(sql "$DB" "SELECT DISTINCT condition, damage_level FROM condition_report WHERE description='in ruins'")"

# A second import of everything changes nothing.
audit_before=$(sql "$DB" "SELECT count(*), sum(version) FROM audit_log, (SELECT sum(version) version FROM monument)")
while IFS='|' read -r name file; do
  "$SPADOK" import --quiet --db "$DB" --mapping "$M/$name.json" "$SHARED/$file" >/dev/null 2>&1
  run=$(sql "$DB" "SELECT max(id) FROM import_run")
  first=$(eval echo "\$FIRST_${name}")
  check_eq "$name: second import is all unchanged" "0|0|$first" \
    "$(sql "$DB" "SELECT inserted, updated, unchanged FROM import_run WHERE id=$run")"
done <<<"$SETS"
check_eq "second import wrote no audit rows and no versions" "$audit_before" \
  "$(sql "$DB" "SELECT count(*), sum(version) FROM audit_log, (SELECT sum(version) version FROM monument)")"
check_eq "spatial index complete and consistent (SpatiaLite's own check)" "1|1" \
  "$(sql "$DB" "SELECT CheckSpatialIndex('monument', 'geom'), (SELECT count(*) FROM idx_monument_geom) = (SELECT count(*) FROM monument)")"
triggers() { sql "$1" "SELECT group_concat(name || ':' || sql, '|') FROM (SELECT * FROM sqlite_master WHERE type = 'trigger' ORDER BY name)" | md5sum; }
check_eq "the triggers imports drop and re-create are back, word for word" \
  "$(triggers "$T/fresh.sqlite")" "$(triggers "$DB")"
check_eq "full-text index consistent with the monuments" "" \
  "$(sql "$DB" "INSERT INTO monument_fts (monument_fts) VALUES ('integrity-check')")"
check_eq "full-text index finds an imported name" 1 \
  "$(sql "$DB" "SELECT count(*) > 0 FROM monument_fts WHERE monument_fts MATCH '\"windmühle\"'")"
check_eq "integrity_check" ok "$(sql "$DB" "PRAGMA integrity_check")"
check_eq "foreign_key_check" "" "$(sql "$DB" "PRAGMA foreign_key_check")"
# The first import packed the registry's R*Trees (storage/rtree.c), the next ones added rows.
check_eq "every R*Tree passes rtreecheck" "" \
  "$(sql "$DB" "SELECT name || ': ' || rtreecheck(name) FROM sqlite_master WHERE sql LIKE '%USING rtree%' AND rtreecheck(name) <> 'ok'")"
check_contains "spadok migrate --check agrees" "$("$SPADOK" migrate --db "$DB" --check 2>&1)" "integrity ok"
finish
