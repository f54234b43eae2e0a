#!/usr/bin/env bash
# q= understands word forms (issue 22): on the bundled sample, Ukrainian inflections
# ("Лавра", "лаврі", "опера", "оперу", "собору"), English plurals ("churches") and the
# apostrophes people type find the monuments a person expects and not unrelated ones;
# type-ahead prefixes and words no dictionary knows still match; numberMatched is the number
# of features; an editor's rename reaches the index (the trigger's sp_search_words), and the
# old name no longer finds it. Needs Debian's hunspell-uk for the Ukrainian forms.
source "$(dirname "$0")/lib.sh"
DB=$T/r.sqlite
import_sample "$DB"
printf 'edit pass 2026\n' | "$SPADOK" user add olena --role editor --db "$DB" >/dev/null 2>&1
start_server "$DB"

# names Q: "numberMatched = features" then the Ukrainian names found, sorted, one a line.
names() {
  local enc
  enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1")
  http "/collections/monuments/items?limit=1000&q=$enc" >/dev/null
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("numberMatched = features" if d["numberMatched"] == len(d["features"]) else "numberMatched %s, features %d" % (d["numberMatched"], len(d["features"])))
for n in sorted(f["properties"]["name_uk"] for f in d["features"]): print(n)' "$T/body"
}
# finds Q NAME...: every NAME among what q=Q finds, and numberMatched exact.
finds() {
  local q=$1 got n; shift
  got=$(names "$q")
  check_contains "q=$q: numberMatched is exact" "$got" "numberMatched = features"
  for n in "$@"; do check_contains "q=$q finds $n" "$got" "$n"; done
}
# misses Q NAME...: no NAME among what q=Q finds.
misses() {
  local q=$1 got n; shift
  got=$(names "$q")
  for n in "$@"; do check_true "q=$q does not find $n" sh -c "! printf '%s' \"\$1\" | grep -qF \"\$2\"" _ "$got" "$n"; done
}

if [ -r /usr/share/hunspell/uk_UA.dic ]; then
  # The Lavra: "Києво-Печерської лаври" and "вул. Лаврська" in the sample.
  for q in Лавра лавра лаврі ЛАВРИ; do
    finds "$q" "Троїцька надбрамна церква Києво-Печерської лаври" "Велика лаврська дзвіниця"
    misses "$q" "Софійський собор" "Будинок Національної опери України"
  done
  for q in опера оперу Опері; do
    finds "$q" "Будинок Національної опери України"
    check_eq "q=$q finds the opera house only" 2 "$(names "$q" | wc -l)"
  done
  for q in собору собори соборі; do
    finds "$q" "Софійський собор" "Володимирський собор" "Михайлівський собор Видубицького монастиря"
    misses "$q" "Андріївська церква" "Золоті ворота"
  done
  finds "Києво-Печерська лавра" "Троїцька надбрамна церква Києво-Печерської лаври"
  finds "церкву" "Андріївська церква" "Кирилівська церква" "Залишки Десятинної церкви"
  misses "церкву" "Софійський собор"
  finds "пам'ятника Шевченку" "Пам’ятник Тарасові Шевченку"
  finds "будинку уряду" "Будинок уряду"
  check_eq "q=будинку уряду: that one" 2 "$(names "будинку уряду" | wc -l)"
else
  skip_part "the Ukrainian word forms need Debian's hunspell-uk (/usr/share/hunspell/uk_UA.dic)"
fi

# English plurals and other forms (Snowball).
finds churches "Андріївська церква" "Кирилівська церква" "Миколаївський костел"
misses churches "Софійський собор" "Золоті ворота"
finds cathedrals "Софійський собор" "Володимирський собор"
misses cathedrals "Андріївська церква"
finds monasteries "Михайлівський Золотоверхий монастир" "Михайлівський собор Видубицького монастиря"
finds "Andrew" "Андріївська церква" # "St Andrew's Church"

# Apostrophes as people type them (’ ' ʼ or none), case, type-ahead prefixes, unknown words.
for q in "пам’ятник" "пам'ятник" "памʼятник" "памятник" "ПАМ'ЯТНИК"; do
  finds "$q" "Пам’ятник Богданові Хмельницькому" "Пам’ятник Тарасові Шевченку" "Пам’ятник князю Володимиру"
  check_eq "q=$q: the three monuments" 4 "$(names "$q" | wc -l)"
done
finds "Лук’янівське" "Лук’янівське кладовище"
finds "Лукянівське" "Лук’янівське кладовище"
finds "Лавр" "Троїцька надбрамна церква Києво-Печерської лаври" "Велика лаврська дзвіниця"
finds "собо" "Софійський собор" "Володимирський собор"
finds "Khanenko" "Садиба Ханенків (Музей мистецтв імені Богдана та Варвари Ханенків)"
finds "Сікорськ" "Будинок, у якому мешкав Ігор Сікорський"
check_eq "a word in no name finds nothing" "numberMatched = features" "$(names "Ґрюнвальд")"

# An editor's rename reaches the index through the update trigger; the old name is gone.
OLENA=$(token olena "edit pass 2026")
id=$(sql "$DB" "SELECT id FROM monument WHERE name_uk = 'Кенаса караїмська'")
finds "Kenesa" "Кенаса караїмська"
http "/collections/monuments/items/$id" >/dev/null
check_eq "rename a monument" 200 "$(http "/collections/monuments/items/$id" -X PATCH \
  -H "Authorization: Bearer $OLENA" -H "If-Match: $(header ETag)" \
  -H 'Content-Type: application/merge-patch+json' \
  --data-binary '{"type": "Feature", "properties": {"name_uk": "Будинок караїмської громади", "name_en": "Karaite community houses"}}')"
if [ -r /usr/share/hunspell/uk_UA.dic ]; then
  finds "громада" "Будинок караїмської громади"
fi
finds "house" "Будинок караїмської громади"
check_eq "q=Kenesa after the rename: nothing" "numberMatched = features" "$(names Kenesa)"
check_eq "the index checks out" "ok" \
  "$(sqlite3 "$DB" "INSERT INTO monument_fts (monument_fts, rank) VALUES ('integrity-check', 0); SELECT 'ok'" 2>&1)"
finish
