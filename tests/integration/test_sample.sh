#!/usr/bin/env bash
# The bundled demo sample (data/sample): imports with and without its mapping, every
# hand-checked monument lies inside the district polygon its row names, counts add up; a
# significance the compiler could not confirm is published as not established, never as
# local (issue 20), in the items, the stats, the TileJSON's key.
source "$(dirname "$0")/lib.sh"
S=$ROOT/data/sample
M=$ROOT/importers/mappings
DB=$T/r.sqlite
"$SPADOK" import --quiet --db "$DB" --mapping "$M/kyiv_raions_osm.json" "$S/kyiv_raions.geojson" >/dev/null 2>&1
check_eq "raions imported" 10 "$(sql "$DB" "SELECT count(*) FROM district")"
out=$("$SPADOK" import --quiet --db "$DB" --mapping "$M/kyiv_sample_monuments.json" "$S/kyiv_monuments.csv" 2>&1)
rows=$(($(grep -c . "$S/kyiv_monuments.csv") - 1))
check_true "at least 50 hand-checked monuments" test "$rows" -ge 50
check_contains "all sample rows inserted" "$out" "read $rows = inserted $rows + updated 0 + unchanged 0 + conflicted 0 + rejected 0"
check_eq "every monument lies inside the district its row names" "$rows" \
  "$(sql "$DB" "SELECT count(*) FROM monument m JOIN district d ON d.name_uk = m.district
                 WHERE m.dataset = 'kyiv_sample_monuments' AND ST_Within(m.marker, d.geom) = 1")"
check_eq "both languages and significance on every row" 0 \
  "$(sql "$DB" "SELECT count(*) FROM monument WHERE dataset='kyiv_sample_monuments'
                 AND (name_en IS NULL OR significance IS NULL OR address IS NULL OR dating IS NULL)")"
check_eq "every row has kinds" "$rows" \
  "$(sql "$DB" "SELECT count(DISTINCT monument_id) FROM monument_kind")"
check_eq "every row names its public source" 0 \
  "$(sql "$DB" "SELECT count(*) FROM monument WHERE dataset='kyiv_sample_monuments' AND source NOT LIKE '%http%'")"
check_eq "significance: 22 national (a source confirms it), 47 not established, none local" \
  "national 22|not_established 47" \
  "$(sql "$DB" "SELECT significance || ' ' || count(*) FROM monument WHERE dataset = 'kyiv_sample_monuments'
                 GROUP BY significance ORDER BY significance" | paste -sd'|')"
check_eq "Cyrillic intact" 1 "$(sql "$DB" "SELECT count(*) FROM monument WHERE name_uk = 'Софійський собор'")"

# The same file with no mapping at all: model-named columns, lon/lat columns.
DB2=$T/nomap.sqlite
out=$("$SPADOK" import --quiet --db "$DB2" "$S/kyiv_monuments.csv" 2>&1)
check_contains "imports with no mapping" "$out" "read $rows = inserted $rows"
check_eq "no-mapping import keeps the same names and points" \
  "$(sql "$DB" "SELECT group_concat(name_uk || printf('%.6f %.6f', ST_X(marker), ST_Y(marker)), '|') FROM (SELECT * FROM monument WHERE dataset='kyiv_sample_monuments' ORDER BY source_id)")" \
  "$(sql "$DB2" "SELECT group_concat(name_uk || printf('%.6f %.6f', ST_X(marker), ST_Y(marker)), '|') FROM (SELECT * FROM monument ORDER BY source_id)")"

# The OSM historic buildings subset, with the mapping of the full set.
out=$("$SPADOK" import --quiet --db "$DB" --mapping "$M/kyiv_abandoned_buildings_osm.json" "$S/kyiv_osm_historic_buildings.geojson" 2>&1)
n=$(feature_count "$S/kyiv_osm_historic_buildings.geojson")
check_contains "OSM historic buildings imported" "$out" "read $n = inserted $n"
check_eq "OSM buildings got their district from the polygons" 0 \
  "$(sql "$DB" "SELECT count(*) FROM monument WHERE dataset='kyiv_abandoned_buildings_osm' AND district IS NULL")"
check_eq "integrity_check" ok "$(sql "$DB" "PRAGMA integrity_check")"
check_contains "spadok migrate --check (R*Trees included)" "$("$SPADOK" migrate --db "$DB" --check 2>&1)" "integrity ok"
# Served: Бабин Яр, whose status no source confirmed, is not published as local.
start_server "$DB"
jq_() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$T/body"; }
yar=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Бабин Яр'")
check_eq "Бабин Яр as JSON" 200 "$(http "/collections/monuments/items/$yar")"
check_eq "is of a significance not established" not_established "$(jq_ 'd["properties"]["significance"]')"
check_eq "no sample row is published as local" "0 0" \
  "$(http "/collections/monuments/items?significance=local&limit=1000" >/dev/null; jq_ 'd["numberMatched"]')\
 $(http "/collections/monuments/items?limit=1000" >/dev/null; jq_ 'sum(f["properties"]["significance"] == "local" for f in d["features"])')"
check_eq "the items' HTML says no 'local' either" 0 \
  "$(http "/collections/monuments/items?limit=1000&f=html" >/dev/null; grep -c '>local<' "$T/body")"
check_eq "/stats counts them as not established" "значення не встановлено 47" \
  "$(http /stats >/dev/null; jq_ '" ".join("%s %d" % (x["label_uk"], x["count"]) for x in d["significance"] if x["key"] == "not_established")')"
check_eq "/vocabularies label it so in both languages" "значення не встановлено|significance not established" \
  "$(http /vocabularies >/dev/null; jq_ '"|".join(x["label_uk"] + "|" + x["label_en"] for x in d["significance"] if x["code"] == "not_established")')"
check_eq "the map's key: unknown significance is a size of its own, smaller than local" "3.5 4.5" \
  "$(http /tiles/monuments.json >/dev/null; jq_ '" ".join(str(x["radius"]) for x in d["sizes"] if x["code"] in ("unknown", "local"))' | tr ' ' '\n' | sort | paste -sd' ')"

# The district checker shipped with the sample agrees.
check_true "data/sample/check_districts.py passes" python3 "$S/check_districts.py" "$S/kyiv_monuments.csv" "$S/kyiv_raions.geojson"
finish
