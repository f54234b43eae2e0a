#!/usr/bin/env bash
# Sources and licences as data (issue 20): every output credits exactly the data sets whose
# values the registry holds, with the licence each declared, composed from the dataset table,
# never written in code. Two data sets under different licences, and a third that declares
# none ("licence unknown", never an invented one); then the second's records are deleted and
# its credit leaves every output.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
M=$ROOT/importers/mappings
"$SPADOK" import --quiet --db "$DB" --mapping "$M/kyiv_sample_monuments.json" \
  "$ROOT/data/sample/kyiv_monuments.csv" >/dev/null 2>&1
cat >"$T/village.geojson" <<'EOF'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"source_id": "v1", "name_uk": "Церква Покрови в Зарічному"},
  "geometry": {"type": "Point", "coordinates": [24.051, 49.842]}},
 {"type": "Feature", "properties": {"source_id": "v2", "name_uk": "Млин у Зарічному"},
  "geometry": {"type": "Point", "coordinates": [24.062, 49.851]}}]}
EOF
out=$("$SPADOK" import --quiet --db "$DB" --dataset zarichne_survey --licence ODbL-1.0 \
  --licence-url https://opendatacommons.org/licenses/odbl/1-0/ \
  --attribution "Zarichne village survey contributors" "$T/village.geojson" 2>&1)
check_contains "1.1 a data set with its licence on the command line" "$out" "inserted 2"
cat >"$T/nolicence.geojson" <<'EOF'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"source_id": "n1", "name_uk": "Каплиця без ліцензії"},
  "geometry": {"type": "Point", "coordinates": [24.07, 49.86]}}]}
EOF
"$SPADOK" import --quiet --db "$DB" "$T/nolicence.geojson" >/dev/null 2>&1
check_eq "1.2 the data sets as data" "kyiv_sample_monuments|CC-BY-4.0 nolicence|unknown zarichne_survey|ODbL-1.0" \
  "$(sql "$DB" "SELECT name, licence FROM dataset WHERE name <> 'api' ORDER BY name" | tr '\n' ' ' | sed 's/ $//')"
printf 'editor pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
start_server "$DB"

SAMPLE="Spadok sample monument list"
VILLAGE="Zarichne village survey contributors"
# outputs DESC: every public output that must carry the credits, one "name<TAB>text" a line.
outputs() {
  local p
  for p in /tiles/monuments.json /tiles/zones.json / /collections /collections/monuments \
           /collections/protection_zones /collections/condition_reports /datasets \
           "/?f=html" "/collections?f=html" /exports/README.txt; do
    http "$p" -H 'Accept: application/json' >/dev/null
    printf '%s\t%s\n' "$p" "$(tr '\n' ' ' <"$T/body")"
  done
  for f in geojson gpkg csv kml; do
    http "/exports/monuments.$f" >/dev/null
    cp "$T/body" "$T/export.$f"
  done
  printf '%s\t%s\n' "export.geojson" "$(head -c 20000 "$T/export.geojson" | tr '\n' ' ')"
  printf '%s\t%s\n' "export.gpkg" "$(ogrinfo -ro -so "$T/export.gpkg" monuments 2>/dev/null | tr '\n' ' ')"
}
# every_output CHECK NEEDLE present|absent
every_output() {
  local what=$1 needle=$2 want=$3 line name text bad=""
  while IFS=$'\t' read -r name text; do
    case "$text" in *"$needle"*) [ "$want" = absent ] && bad="$bad $name" ;;
                    *) [ "$want" = present ] && bad="$bad $name" ;; esac
  done <"$T/outputs"
  check_eq "$what" "" "$bad"
}
outputs >"$T/outputs"
every_output "2.1 every output credits the sample list" "$SAMPLE" present
every_output "2.2 and the village survey" "$VILLAGE" present
every_output "2.3 and says the third's licence is unknown" "(licence unknown)" present
check_contains "2.4 TileJSON: both, with their licences" \
  "$(grep '^/tiles/monuments.json' "$T/outputs")" "$VILLAGE (ODbL-1.0)"
check_eq "2.5 the landing page links each known licence" \
  "https://creativecommons.org/licenses/by/4.0/ https://opendatacommons.org/licenses/odbl/1-0/" \
  "$(http / -H 'Accept: application/json' >/dev/null; python3 -c 'import json, sys; print(" ".join(sorted(l["href"] for l in json.load(open(sys.argv[1]))["links"] if l["rel"] == "license")))' "$T/body")"
check_eq "2.6 so does each collection" 3 \
  "$(http /collections >/dev/null; python3 -c 'import json, sys; print(sum(len([l for l in c["links"] if l["rel"] == "license"]) == 2 for c in json.load(open(sys.argv[1]))["collections"]))' "$T/body")"
check_contains "2.7 the CSV's README names the ODbL's share-alike" \
  "$(grep '^/exports/README.txt' "$T/outputs")" "Open Database License"
check_contains "2.8 the public exports say they are the public view" \
  "$(grep '^export.geojson' "$T/outputs")" "public view"
check_eq "2.9 a monument lists its own data set" "zarichne_survey ODbL-1.0" \
  "$(id=$(sql "$DB" "SELECT id FROM monument WHERE source_id = 'v1'"); http "/collections/monuments/items/$id" >/dev/null; python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))["properties"]["datasets"]; print(" ".join(x["name"] + " " + x["licence"] for x in d))' "$T/body")"
"$SPADOK" export --quiet --db "$DB" --format csv "$T/staff.csv" >/dev/null
check_contains "2.10 spadok export: the staff view says so, in the README beside the CSV" \
  "$(cat "$T/staff.README.txt")" "STAFF VIEW"
check_contains "2.11 and credits the data sets" "$(cat "$T/staff.README.txt")" "$VILLAGE"
"$SPADOK" export --quiet --public --db "$DB" --format geojson "$T/public.geojson" >/dev/null
check_eq "2.12 --public writes what /exports serves" \
  "$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["features"]))' "$T/export.geojson")" \
  "$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["features"]))' "$T/public.geojson")"

# The village survey's records are deleted: its credit leaves every output.
OLENA=$(token olena "editor pass 2026")
for id in $(sql "$DB" "SELECT id FROM monument WHERE dataset = 'zarichne_survey'"); do
  http "/collections/monuments/items/$id" >/dev/null
  check_eq "3.0 delete village monument $id" 204 "$(http "/collections/monuments/items/$id" -X DELETE \
    -H "Authorization: Bearer $OLENA" -H "If-Match: $(header ETag)")"
done
outputs >"$T/outputs"
every_output "3.1 no output credits the removed data set" "$VILLAGE" absent
every_output "3.2 the sample list is still credited" "$SAMPLE" present
check_eq "3.3 the landing page links one licence" "https://creativecommons.org/licenses/by/4.0/" \
  "$(http / -H 'Accept: application/json' >/dev/null; python3 -c 'import json, sys; print(" ".join(sorted(l["href"] for l in json.load(open(sys.argv[1]))["links"] if l["rel"] == "license")))' "$T/body")"
finish
