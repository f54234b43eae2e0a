#!/usr/bin/python3
"""scripts/synth.d/derive.py - derive scripts/synth.d/distributions.json from real data.

  /usr/bin/python3 scripts/synth.d/derive.py [--shared DIR] [--out FILE]

Reads the real data sets of ../shared/data (see its README and each SOURCE.txt) and the
bundled sample (data/sample), counts what scripts/synth needs to draw from, and writes the
counts as weights with a note on where each came from. synth itself reads only the written
JSON, so it runs from a clone without ../shared; run this again when the data change.

  schleswig_holstein_denkmalliste (9,228 records of a state register): the mix of object
    types (building / ensemble / green space -> object_kind), protection reasons (-> kinds),
    what the objects are (designations -> building types, named in Ukrainian and English
    by the table TYPES below), how datings are written (a year, a range, "um 1900", a
    century, part of a century) and which years they give.
  data/sample/kyiv_monuments.csv (66 Kyiv monuments): significance, kinds of memorials,
    monuments and sites, and the older years of a Ukrainian capital.
  ua_destroyed_heritage_gwzo (40 sites damaged or destroyed since 2022-02-24): where damage
    happens (regions), when (months), how bad (notes -> condition and damage level, by the
    same table as importers/mappings/ua_destroyed_heritage_gwzo.json), what was hit.
  kyiv_abandoned_buildings_osm (305 Kyiv building footprints) and the sample's OSM layer:
    footprint sizes and vertex counts, and the share of monuments mapped as polygons.

Where no data set says anything (report types of routine inspections, causes of damage, the
number of reports per monument) the value is a stated assumption, marked "assumed".
Only the Python standard library is used.
"""
import argparse
import collections
import csv
import json
import math
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Designations of the Schleswig-Holstein register (German, matched as substrings in this
# order) -> (class, Ukrainian type, English type). Classes pick the name pattern synth uses.
TYPES = [
    ("Wohn- und Geschäftshaus", "tenement", "Прибутковий будинок", "Tenement house"),
    ("Mietwohnungshaus", "tenement", "Прибутковий будинок", "Tenement house"),
    ("Villa", "mansion", "Особняк", "Mansion"),
    ("Herrenhaus", "manor", "Садиба", "Manor"),
    ("Gut ", "manor", "Садиба", "Manor"),
    ("Schloss", "palace", "Палац", "Palace"),
    ("Kirche", "church", "церква", "Church"),
    ("Kapelle", "church", "каплиця", "Chapel"),
    ("Kloster", "monastery", "монастир", "Monastery"),
    ("Synagoge", "synagogue", "Синагога", "Synagogue"),
    ("Pastorat", "house", "Будинок священника", "Priest's house"),
    ("Kirchhof", "cemetery", "Цвинтар", "Cemetery"),
    ("Friedhof", "cemetery", "Цвинтар", "Cemetery"),
    ("Schule", "public", "Будівля школи", "School building"),
    ("Rathaus", "public", "Будівля міської управи", "Town hall"),
    ("Amtsgericht", "public", "Будівля суду", "Court building"),
    ("Bahnhof", "public", "Будівля залізничного вокзалу", "Railway station"),
    ("Krankenhaus", "public", "Будівля лікарні", "Hospital building"),
    ("Pflegeanstalt", "public", "Будівля лікарні", "Hospital building"),
    ("Mühle", "technical", "Млин", "Mill"),
    ("Wasserturm", "technical", "Водонапірна вежа", "Water tower"),
    ("Leuchtturm", "technical", "Маяк", "Lighthouse"),
    ("Brücke", "technical", "Міст", "Bridge"),
    ("Speicher", "farm", "Комора", "Granary"),
    ("Scheune", "farm", "Клуня", "Barn"),
    ("Stall", "farm", "Стайня", "Stable"),
    ("Bauernhaus", "farm", "Селянська садиба", "Farmstead"),
    ("Kate", "farm", "Хата", "Cottage"),
    ("Hallenhaus", "farm", "Селянська садиба", "Farmstead"),
    ("Uthländisches Haus", "farm", "Селянська садиба", "Farmstead"),
    ("Haubarg", "farm", "Селянська садиба", "Farmstead"),
    ("Geesthardenhaus", "farm", "Селянська садиба", "Farmstead"),
    ("Park", "garden", "Парк", "Park"),
    ("Garten", "garden", "Сад", "Garden"),
    ("Allee", "garden", "Алея", "Avenue of trees"),
    ("Denkmal", "memorial", "Пам’ятний знак", "Memorial sign"),
    ("Ehrenmal", "memorial", "Пам’ятний знак", "Memorial sign"),
    ("Wohnblock", "house", "Житловий будинок", "Residential building"),
    ("Wohnhaus", "house", "Житловий будинок", "Residential building"),
    ("haus", "house", "Житловий будинок", "Residential building"),
]

# The register's protection reasons -> the model's kinds of monument.
REASONS = {
    "Geschichtlich": "history",
    "Städtebaulich": "urban_planning",
    "Kulturlandschaftlich": "landscape",
    "Technisch": "science_technology",
    "Wissenschaftlich": "science_technology",
    "Künstlerisch": "monumental_art",
}
# The register's object types -> object_kind.
OBJECT_KINDS = {
    "Bauliche Anlage": "structure",
    "Teil einer baulichen Anlage": "structure",
    "Sonstiges Denkmal": "structure",
    "Sachgesamtheit": "ensemble",
    "Mehrheit von baulichen Anlagen": "ensemble",
    "Gründenkmal": "site",
    "Schutzzone": "site",
}
# GWZO's condition notes -> (condition, damage_level): the table of
# importers/mappings/ua_destroyed_heritage_gwzo.json.
NOTES = {
    "in ruins": ("lost", "destroyed"),
    "completely burnt": ("lost", "destroyed"),
    "completely demolished": ("lost", "destroyed"),
    "demolished for new construction": ("lost", "destroyed"),
    "demolished and rebuilt": ("lost", "destroyed"),
    "damaged": ("unsatisfactory", "moderate"),
    "under restoration": ("unsatisfactory", "severe"),
    "restoration announced": ("emergency", "severe"),
}
# GWZO building uses -> what they are in the monument mix.
SUBJECTS = {"public": "public", "residential": "house", "transport": "public",
            "educational": "public", "administrative": "public", "religious": "church",
            "industry": "technical", "sports": "public", "museum": "public",
            "hospital": "public"}


def counts(c):
    """A Counter as a plain dict, most common first."""
    return {k: v for k, v in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))}


def dating_style(text):
    """How a German dating is written: year, range, circa, decade, century, part."""
    t = text.strip()
    if re.search(r"(Anfang|Mitte|Ende|Hälfte|Drittel|Viertel)[^;]*Jh", t):
        return "part_century"
    if re.search(r"\d+\.\s*Jh", t):
        return "century"
    if re.search(r"\d{4}er", t):
        return "decade"
    if re.search(r"\b(um|wohl|ca\.?)\s*\d{4}", t):
        return "circa"
    if re.search(r"\d{4}\s*(/|-|–|bis)\s*\d{2,4}", t):
        return "range"
    if re.search(r"\b\d{4}\b", t):
        return "year"
    return None


def first_year(text):
    m = re.search(r"\b(1[0-9]{3}|20[0-2][0-9])\b", text)
    if m:
        return int(m.group(1))
    m = re.search(r"\b(1[0-9]|20)\.\s*Jh", text)
    return (int(m.group(1)) - 1) * 100 + 50 if m else None


def sh_register(path):
    with open(path, encoding="utf-8") as f:
        features = json.load(f)["features"]
    object_kind = collections.Counter()
    kinds = collections.Counter()
    types = collections.Counter()
    uk_types = {}
    styles = collections.Counter()
    years = collections.Counter()
    for feat in features:
        p = feat["properties"]
        object_kind[OBJECT_KINDS.get(p.get("type"), "structure")] += 1
        ks = {REASONS[r] for r in (p.get("reasons") or []) if r in REASONS}
        if p.get("type") == "Gründenkmal":
            ks.add("garden_park")
        else:
            ks.add("architecture")  # a building register: every object is also architecture
        kinds[";".join(sorted(ks))] += 1
        name = p.get("designation") or ""
        for key, cls, uk, en in TYPES:
            if key in name:
                types[cls + "|" + uk] += 1
                uk_types[cls + "|" + uk] = (cls, uk, en)
                break
        parts = [s.strip() for s in (p.get("description") or "").split(";")]
        if len(parts) >= 2:
            style = dating_style(parts[1])
            if style:
                styles[style] += 1
                y = first_year(parts[1])
                if y:
                    years[y // 25 * 25] += 1
    building_types = [{"class": uk_types[k][0], "uk": uk_types[k][1], "en": uk_types[k][2],
                       "weight": n} for k, n in types.most_common()]
    return len(features), object_kind, kinds, building_types, styles, years


def sample_monuments(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    significance = collections.Counter(r["significance"] for r in rows)
    kinds = collections.Counter(";".join(sorted(r["kinds"].split(";"))) for r in rows)
    years = collections.Counter(int(r["year_from"]) // 25 * 25 for r in rows if r["year_from"])
    object_kind = collections.Counter(r["object_kind"] for r in rows)
    return len(rows), significance, kinds, years, object_kind


def footprints(paths):
    areas, vertices, polygons, total = [], collections.Counter(), 0, 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            features = json.load(f)["features"]
        for feat in features:
            g = feat.get("geometry") or {}
            if g.get("type") != "Polygon":
                continue
            ring = g["coordinates"][0]
            lat = sum(p[1] for p in ring) / len(ring)
            kx, ky = 111320 * math.cos(math.radians(lat)), 110540
            a = sum(ring[i][0] * kx * ring[i + 1][1] * ky - ring[i + 1][0] * kx * ring[i][1] * ky
                    for i in range(len(ring) - 1))
            areas.append(abs(a) / 2)
            vertices[min(len(ring) - 1, 12)] += 1
    areas.sort()
    q = [round(areas[int(p * (len(areas) - 1))]) for p in (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98)]
    return q, vertices, len(areas)


def sample_shape_share(root):
    """Points and polygons among the sample's monuments (CSV points + OSM polygons)."""
    with open(os.path.join(root, "data/sample/kyiv_monuments.csv"), encoding="utf-8") as f:
        points = sum(1 for _ in csv.DictReader(f))
    with open(os.path.join(root, "data/sample/kyiv_osm_historic_buildings.geojson"),
              encoding="utf-8") as f:
        polys = sum(1 for ft in json.load(f)["features"]
                    if (ft.get("geometry") or {}).get("type") in ("Polygon", "MultiPolygon"))
    return points, polys


def gwzo(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["objectid"].startswith("obj_")]
    regions = collections.Counter(r["region"] for r in rows)
    months = collections.Counter(r["date_destruction"][:7] for r in rows if r["date_destruction"])
    condition = collections.Counter(NOTES[r["notes"]][0] for r in rows if r["notes"] in NOTES)
    damage = collections.Counter(NOTES[r["notes"]][1] for r in rows if r["notes"] in NOTES)
    subjects = collections.Counter(SUBJECTS.get(r["subjects"].split(" / ")[0], "public")
                                   for r in rows)
    return len(rows), regions, months, condition, damage, subjects


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared", "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "scripts", "synth.d",
                                                  "distributions.json"))
    a = ap.parse_args()
    sh = os.path.join(a.shared, "schleswig_holstein_denkmalliste", "sh_denkmalliste.geojson")
    n_sh, sh_kind, sh_kinds, building_types, styles, sh_years = sh_register(sh)
    n_s, significance, s_kinds, s_years, s_kind = sample_monuments(
        os.path.join(ROOT, "data", "sample", "kyiv_monuments.csv"))
    area_q, vertices, n_fp = footprints(
        [os.path.join(a.shared, "kyiv_abandoned_buildings_osm", "buildings.geojson")])
    s_points, s_polys = sample_shape_share(ROOT)
    n_g, regions, months, g_condition, g_damage, g_subjects = gwzo(
        os.path.join(a.shared, "ua_destroyed_heritage_gwzo", "destroyed_heritage_facts.csv"))

    # Memorials, monuments of art and archaeological sites: the sample's rows without
    # architecture, by what kinds they have.
    memorial = sum(n for k, n in s_kinds.items() if "architecture" not in k and
                   "monumental_art" in k)
    history_site = sum(n for k, n in s_kinds.items() if "architecture" not in k and
                       "monumental_art" not in k and "archaeology" not in k)
    archaeology = sum(n for k, n in s_kinds.items() if "archaeology" in k)
    out = {
        "_note": "Weights for scripts/synth, written by scripts/synth.d/derive.py from the "
                 "real data sets named in each 'from' (counts as found there, used as relative "
                 "weights); 'assumed' marks values no data set gives. Re-run derive.py when the "
                 "data change; synth reads only this file.",
        "significance": {
            "from": "data/sample/kyiv_monuments.csv (%d rows). The sample lists well-known "
                    "monuments, so national significance is over-represented; synth scales "
                    "'national' by national_scale (assumed) to come nearer a whole register, "
                    "where most monuments are of local significance." % n_s,
            "weights": counts(significance),
            "national_scale": 0.15,
            "newly_identified": 0.08,
        },
        "object_kind": {
            "from": "schleswig_holstein_denkmalliste (%d records): type -> object_kind" % n_sh,
            "weights": counts(sh_kind),
        },
        "classes": {
            "from": "shares of the sample's rows: with architecture (buildings), monumental art "
                    "without architecture (monuments and memorials), history without either "
                    "(sites of events, graves), archaeology; the register has buildings only",
            "weights": {
                "building": sum(n for k, n in s_kinds.items() if "architecture" in k),
                "monument": memorial,
                "history_site": history_site,
                "archaeology": archaeology,
            },
        },
        "building_kinds": {
            "from": "schleswig_holstein_denkmalliste: protection reasons -> kinds (%s), "
                    "architecture added (a register of buildings), garden_park for green spaces"
                    % ", ".join("%s=%s" % kv for kv in REASONS.items()),
            "weights": dict(list(counts(sh_kinds).items())[:24]),
        },
        "other_kinds": {
            "from": "data/sample/kyiv_monuments.csv: kinds of the rows without architecture",
            "weights": counts(collections.Counter({k: n for k, n in s_kinds.items()
                                                   if "architecture" not in k})),
        },
        "building_types": {
            "from": "schleswig_holstein_denkmalliste designations, by the table TYPES in "
                    "derive.py (German designation -> class, Ukrainian and English type)",
            "types": building_types,
        },
        "dating": {
            "from": "schleswig_holstein_denkmalliste: the dating part of descriptions (%d "
                    "records with one): how it is written, and the first year it names, per "
                    "25 years; data/sample/kyiv_monuments.csv: year_from per 25 years, mixed in "
                    "at sample_weight" % sum(styles.values()),
            "styles": counts(styles),
            "register_years": {str(k): v for k, v in sorted(sh_years.items())},
            "sample_years": {str(k): v for k, v in sorted(s_years.items())},
            "sample_weight": 0.3,
        },
        "geometry": {
            "from": "data/sample: %d monuments as points (kyiv_monuments.csv), %d as building "
                    "footprints (kyiv_osm_historic_buildings.geojson); footprint areas (m2, "
                    "quantiles 0, .1, .25, .5, .75, .9, .98) and vertex counts of the %d Kyiv "
                    "building polygons of kyiv_abandoned_buildings_osm" % (s_points, s_polys,
                                                                             n_fp),
            "polygon_share": round(s_polys / (s_points + s_polys), 3),
            "area_m2_quantiles": area_q,
            "vertices": {str(k): v for k, v in sorted(vertices.items())},
        },
        "location_sensitive": {
            "from": "assumed: the archaeological sites (class archaeology) are sensitive",
            "share_of_archaeology": 1.0,
        },
        "damage": {
            "from": "ua_destroyed_heritage_gwzo (%d sites damaged or destroyed since "
                    "2022-02-24): regions, months of the attack, condition and damage level by "
                    "the notes (table NOTES = importers/mappings/ua_destroyed_heritage_gwzo.json),"
                    " what was hit. An exhibition of destruction: its damage levels are the "
                    "severe tail, mixed with assumed lighter damage at light_share" % n_g,
            "regions": counts(regions),
            "months": {k: v for k, v in sorted(months.items())},
            "condition": counts(g_condition),
            "damage_level": counts(g_damage),
            "light_share": 0.75,
            "light_damage_level": {"minor": 55, "moderate": 35, "severe": 10},
            "what_was_hit": counts(g_subjects),
            "causes": {"shelling": 35, "missile": 22, "drone": 20, "blast_wave": 15,
                       "fire": 8},
            "causes_from": "assumed",
        },
        "reports": {
            "from": "assumed: per monument a lognormal number of reports (sigma), most "
                    "monuments a few, some dozens; routine inspections every few years since "
                    "first_year; a technical act every 5 years for a share of monuments; damage "
                    "after 2022-02-24 by region; Crimea without reports after 2014-02-20",
            "per_monument_sigma": 1.0,
            "first_year": 1995,
            "last_day": "2025-10-31",
            "technical_act_share": 0.35,
            "citizen_share": 0.03,
            "condition_start": {"good": 20, "satisfactory": 45, "unsatisfactory": 25,
                                "emergency": 7, "needs_study": 3},
            "verification": {"confirmed": 80, "unverified": 14, "externally_verified": 5,
                             "rejected": 1},
            "routine_causes": {"neglect": 55, "natural": 25, "vandalism": 10,
                               "development": 10},
        },
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %s" % a.out)


if __name__ == "__main__":
    main()
