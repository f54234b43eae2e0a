#!/usr/bin/env python3
"""Pick the recognisably historic buildings out of the 2016 OSM extract of
Kyiv abandoned / unfit buildings (texty/buildings-kyiv, (c) OpenStreetMap
contributors, ODbL 1.0).

Usage:
    python3 extract_historic.py [SOURCE_GEOJSON] [OUTPUT_GEOJSON]

Defaults:
    /work/shared/data/kyiv_abandoned_buildings_osm/buildings.geojson
    kyiv_osm_historic_buildings.geojson   (next to this script)

A feature is kept when its free text (name, note, description, desc,
description_1) says it is a heritage / period building:
  * "пам'ятка" / "пам’ятка" (monument; any apostrophe form),
  * "садиба" (historic urban estate),
  * a century written as XIX / XX / ХІХ / ХХ (Latin or Cyrillic letters)
    followed by "ст." or "століття",
  * an architectural style ("модерн").
The OSM tags historic=* and ruins=* are reported but are NOT enough on their
own: in this data set they mark ruined Soviet-era buildings (e.g. the
"Chaika" swimming pool) and collapsed houses, not historic ones.  Vague
"залишки старої будівлі" ("remains of an old building") on construction
sites is likewise reported and skipped.

Features, their properties, geometry and the collection-level members
(generator, copyright, timestamp) are copied unchanged; only the feature
list is filtered.  Standard library only.  Prints what it kept and why,
and what it considered but skipped.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SRC = "/work/shared/data/kyiv_abandoned_buildings_osm/buildings.geojson"
DEFAULT_OUT = os.path.join(HERE, "kyiv_osm_historic_buildings.geojson")

TEXT_KEYS = ("name", "note", "description", "desc", "description_1")

# apostrophe variants seen in OSM Ukrainian text: ' ’ ʼ `
APOS = "['\u2019\u02bc`]"
RULES = [
    ("пам'ятка (monument)", re.compile(r"пам" + APOS + r"ятк", re.I)),
    ("садиба (historic estate)", re.compile(r"садиб", re.I)),
    # Roman numerals XIX / XX in Latin or Cyrillic (Х = U+0425, І = U+0406)
    ("19th/20th-century date",
     re.compile(r"(?<![A-Za-zА-Яа-яІіЇїЄєҐґ])[XxХх][IiІі]?[XxХх]\s*"
                r"(ст\.|стол)", re.I)),
    ("architectural style (модерн)", re.compile(r"модерн", re.I)),
]
WEAK = [
    ("historic=* tag", lambda p: "historic" in p),
    ("ruins=* tag", lambda p: "ruins" in p),
    ("'стар*' (old) in text",
     lambda p: bool(re.search(r"стар(ої|ий|а|ого|е)\b", text_of(p), re.I))),
]


def text_of(props):
    return " | ".join(str(props[k]) for k in TEXT_KEYS if props.get(k))


def label(props):
    street = props.get("addr:street", "")
    num = props.get("addr:housenumber", "")
    addr = (street + " " + num).strip()
    return "%s %s" % (props.get("@id", "?"), addr or "(no address)")


def main(argv):
    src = argv[1] if len(argv) > 1 else DEFAULT_SRC
    out = argv[2] if len(argv) > 2 else DEFAULT_OUT
    with open(src, encoding="utf-8") as f:
        fc = json.load(f)

    kept, skipped = [], []
    for feat in fc.get("features", []):
        props = feat.get("properties") or {}
        text = text_of(props)
        reasons = [name for name, rx in RULES if rx.search(text)]
        if reasons:
            kept.append((feat, reasons, text))
            continue
        weak = [name for name, test in WEAK if test(props)]
        if weak:
            skipped.append((feat, weak, text))

    result = {k: v for k, v in fc.items() if k != "features"}
    result["features"] = [k[0] for k in kept]
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
        f.write("\n")

    print("source: %s (%d features)" % (src, len(fc.get("features", []))))
    print("kept %d feature(s) -> %s" % (len(kept), out))
    for feat, reasons, text in kept:
        print("  KEEP %s\n       why: %s\n       text: %s"
              % (label(feat["properties"]), "; ".join(reasons), text))
    print("considered but skipped %d feature(s) (weak signal only):"
          % len(skipped))
    for feat, weak, text in skipped:
        print("  SKIP %s\n       signal: %s\n       text: %s"
              % (label(feat["properties"]), "; ".join(weak), text or "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
