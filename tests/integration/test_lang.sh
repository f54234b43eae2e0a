#!/usr/bin/env bash
# Answers in the language asked (issue 22): lang= and Accept-Language pick the Ukrainian or
# English titles and vocabulary labels; the answer says Content-Language, and Vary:
# Accept-Language; each language has its own ETag and its own place in the response cache;
# a language Spadok does not speak is Ukrainian, a lang= it does not know is a 400. Also the
# map's first view (TileJSON center: where most monuments are), a tile's lang=, and the
# districts' official romanisation (migration 022 and the sample's mapping).
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
start_server "$DB"
json() { python3 -c "import json, sys; d = json.load(open('$T/body')); print($1)"; }

# 1. lang= and Accept-Language, for the vocabularies' labels.
check_eq "1.1 vocabularies in English" 200 "$(http '/vocabularies?lang=en')"
check_eq "1.1 the label in English" "emergency аварійний emergency" \
  "$(json "' '.join([[v['label'], v['label_uk'], v['label_en']] for v in d['condition'] if v['code'] == 'emergency'][0])")"
check_eq "1.1 Content-Language" "en" "$(header Content-Language)"
check_contains "1.1 Vary names Accept-Language" "$(header Vary)" "Accept-Language"
check_eq "1.2 Accept-Language: en-GB" 200 "$(http /vocabularies -H 'Accept-Language: en-GB,en;q=0.9')"
check_eq "1.2 English" "en emergency" "$(header Content-Language) $(json "[v['label'] for v in d['condition'] if v['code'] == 'emergency'][0]")"
etag_en=$(header ETag)
check_eq "1.3 Accept-Language: uk-UA first" 200 "$(http /vocabularies -H 'Accept-Language: uk-UA, en;q=0.5')"
check_eq "1.3 Ukrainian" "uk аварійний" "$(header Content-Language) $(json "[v['label'] for v in d['condition'] if v['code'] == 'emergency'][0]")"
etag_uk=$(header ETag)
check_true "1.4 each language its own ETag" test "$etag_uk" != "$etag_en"
check_eq "1.4 the English ETag does not match the Ukrainian answer" 200 \
  "$(http /vocabularies -H 'Accept-Language: uk' -H "If-None-Match: $etag_en")"
check_eq "1.4 its own does: 304" 304 "$(http /vocabularies -H 'Accept-Language: en' -H "If-None-Match: $etag_en")"
# The response cache keeps each language apart: asked again, each gets its own words.
for i in 1 2; do
  http /vocabularies -H 'Accept-Language: en' >/dev/null
  check_eq "1.5 cached English ($i)" "en emergency" "$(header Content-Language) $(json "[v['label'] for v in d['condition'] if v['code'] == 'emergency'][0]")"
  http /vocabularies -H 'Accept-Language: uk' >/dev/null
  check_eq "1.5 cached Ukrainian ($i)" "uk аварійний" "$(header Content-Language) $(json "[v['label'] for v in d['condition'] if v['code'] == 'emergency'][0]")"
done
check_eq "1.6 a language Spadok does not speak: Ukrainian" 200 "$(http /vocabularies -H 'Accept-Language: de-DE, fr;q=0.8')"
check_eq "1.6 uk" "uk" "$(header Content-Language)"
check_eq "1.6 lang= wins over Accept-Language" "en" \
  "$(http '/vocabularies?lang=en' -H 'Accept-Language: uk' >/dev/null; header Content-Language)"
check_eq "1.7 lang=de is a 400" 400 "$(http '/vocabularies?lang=de')"
check_contains "1.7 saying what is expected" "$(cat "$T/body")" "expected uk or en"

# 2. Titles: the landing page, the collections, the queryables; TileJSON's legend; /stats.
check_eq "2.1 landing in English" "Spadok — heritage monument registry" "$(http '/?f=json&lang=en' >/dev/null; json "d['title']")"
check_eq "2.1 landing in Ukrainian" "Спадок — реєстр пам’яток культурної спадщини" "$(http '/?f=json' -H 'Accept-Language: uk' >/dev/null; json "d['title']")"
check_eq "2.2 collections in Ukrainian" "uk Пам’ятки культурної спадщини" "$(http /collections -H 'Accept-Language: uk' >/dev/null; header Content-Language) $(json "d['collections'][0]['title']")"
check_eq "2.2 collections in English" "en Cultural heritage monuments" "$(http /collections -H 'Accept-Language: en' >/dev/null; header Content-Language) $(json "d['collections'][0]['title']")"
check_eq "2.2 both titles stay" "Пам’ятки культурної спадщини|Cultural heritage monuments" "$(json "d['collections'][0]['title_uk'] + '|' + d['collections'][0]['title_en']")"
check_eq "2.3 a collection in English" "Protection zones" "$(http '/collections/protection_zones?lang=en' >/dev/null; json "d['title']")"
check_eq "2.3 its queryables in Ukrainian" "Звіти про стан" "$(http '/collections/condition_reports/queryables?lang=uk' >/dev/null; json "d['title']")"
check_eq "2.4 TileJSON's legend in English" "not inspected" "$(http '/tiles/monuments.json?lang=en' >/dev/null; json "[i['label'] for i in d['legend'] if i['code'] == 'unknown'][0]")"
check_eq "2.4 in Ukrainian" "uk не обстежено" "$(http /tiles/monuments.json -H 'Accept-Language: uk' >/dev/null; header Content-Language) $(json "[i['label'] for i in d['legend'] if i['code'] == 'unknown'][0]")"
check_eq "2.5 /stats in English" "en national significance" "$(http '/stats' -H 'Accept-Language: en' >/dev/null; header Content-Language) $(json "[s['label'] for s in d['significance'] if s['key'] == 'national'][0]")"
# An item is the same for every language (its names in both): no Content-Language.
check_eq "2.6 an item" 200 "$(http '/collections/monuments/items?limit=1' -H 'Accept-Language: en')"
check_eq "2.6 says no language" "" "$(header Content-Language)"

# 3. The map's first view: TileJSON's center is where monuments are.
http /tiles/monuments.json >/dev/null
read -r lon lat z <<<"$(json "' '.join(map(str, d['center']))")"
bbox=$(python3 -c "import math; lon, lat, z = $lon, $lat, $z; w = 360 * 4 / 2 ** z / 2; print(f'{lon - w},{lat - w / 2},{lon + w},{lat + w / 2}')")
check_eq "3.1 monuments around the center ($lon $lat z$z)" 1 \
  "$(http "/collections/monuments/items?bbox=$bbox&limit=1" >/dev/null; json "int(d['numberMatched'] > 0)")"
check_eq "3.2 a tile with lang=en" 200 "$(http /tiles/monuments/12/2395/1381.png?lang=en)"
check_eq "3.3 a tile with lang=ru: 400" 400 "$(http /tiles/monuments/12/2395/1381.png?lang=ru)"

# 4. Districts in English by the official romanisation (KMU 2010: Голосіївський, Holosiivskyi).
check_eq "4.1 the sample's districts" "Holosiivskyi district" \
  "$(http '/vocabularies?lang=en' >/dev/null; json "[v['label'] for v in d['district'] if v['code'] == 'Голосіївський район'][0]")"
check_eq "4.1 GET /districts in English" "200 en application/geo+json 10 Holosiivskyi district" \
  "$(http '/districts?lang=en') $(header Content-Language) $(header Content-Type) $(json "len(d['features']), [f['properties']['name'] for f in d['features'] if f['properties']['name_uk'] == 'Голосіївський район'][0]")"
check_eq "4.1 and in Ukrainian, with outlines" "uk Голосіївський район Polygon" \
  "$(http /districts -H 'Accept-Language: uk' >/dev/null; header Content-Language) $(json "[f['properties']['name'] + ' ' + f['geometry']['type'] for f in d['features'] if f['properties']['name_uk'] == 'Голосіївський район'][0]")"
# A registry imported before: migration 022 corrects what it stored.
sql "$DB" "UPDATE district SET name_en = 'Golosiivskyi district' WHERE name_uk = 'Голосіївський район'; PRAGMA user_version = 21" >/dev/null
"$SPADOK" migrate --db "$DB" >/dev/null 2>&1
check_eq "4.2 migration 022" "Holosiivskyi district" "$(sql "$DB" "SELECT name_en FROM district WHERE name_uk = 'Голосіївський район'")"
finish
