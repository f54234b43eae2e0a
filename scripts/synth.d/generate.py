#!/usr/bin/python3
"""scripts/synth.d/generate.py - write a synthetic national registry as two CSV files.

  /usr/bin/python3 scripts/synth.d/generate.py --monuments N --reports M --seed S --out DIR

DIR/monuments.csv: N monuments over Ukraine, the model's field names (source_id,
protection_no, significance, kinds, name_uk, dating, ..., location_sensitive) and a WKT
geometry column (points, and building footprints as small polygons). DIR/reports.csv: exactly
M condition reports of them, the model's report fields, each naming its monument by
protection number (source_id is the report's key), Ukrainian labels as a department writes
them. Both import through `spadok import` with the mappings beside this file.

What is drawn from what: distributions.json (derived from real data by derive.py, with a note
per entry) and cities.csv (oblast centres and other historic towns with their coordinates,
2021 population and a heritage weight for towns whose registers are long for their size).
Monuments cluster around towns, weighted by population^0.7 x heritage, spread by a Gaussian
that grows with the town; a share lies in the countryside around them; every point is inside
a coarse outline of Ukraine. Reports: a lognormal number per monument (mean M/N, most
monuments a few, some dozens), inspections spread over the years since 1995 with the
condition drifting, technical acts every 5 years for a share of monuments, damage after
2022-02-24 weighted by region (east and south, Kyiv), each damage worsening the condition.

Streams: rows are written as they are made; memory holds one float per monument (its share
of the reports). The same seed gives the same files, and the same monuments whatever the
number of reports. Standard library only.
"""
import argparse
import array
import bisect
import csv
import datetime
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# A coarse outline of Ukraine (lon, lat), Crimea included: points are drawn inside it.
OUTLINE = [
    (22.15, 48.40), (22.60, 49.05), (22.70, 49.60), (23.60, 50.40), (24.10, 50.85),
    (23.60, 51.55), (24.40, 51.90), (25.80, 51.95), (27.80, 51.60), (28.70, 51.45),
    (30.20, 51.50), (30.60, 51.30), (31.30, 52.10), (32.20, 52.10), (33.50, 52.35),
    (34.10, 51.70), (34.40, 51.25), (35.30, 51.05), (35.60, 50.40), (36.60, 50.25),
    (37.50, 50.35), (38.20, 50.00), (39.20, 49.90), (40.10, 49.60), (40.00, 48.80),
    (39.70, 48.00), (38.30, 47.50), (38.20, 47.10), (37.30, 46.90), (35.80, 46.60),
    (35.00, 46.25), (35.40, 45.30), (36.60, 45.45), (36.10, 45.00), (34.70, 44.80),
    (33.50, 44.50), (33.40, 45.20), (32.50, 45.40), (33.60, 45.95), (32.00, 46.15),
    (31.50, 46.60), (30.80, 46.40), (30.20, 45.80), (29.70, 45.30), (28.20, 45.47),
    (28.90, 46.00), (29.00, 46.50), (30.10, 46.45), (29.90, 46.90), (29.60, 47.40),
    (29.20, 47.90), (28.80, 48.10), (28.00, 48.30), (27.40, 48.40), (26.60, 48.25),
    (25.90, 47.95), (24.90, 47.70), (24.00, 47.95), (23.20, 48.10), (22.60, 48.10),
]
RURAL_SHARE = 0.3      # monuments in the countryside around a town
RURAL_SIGMA_KM = 35.0
KM_PER_DEG_LAT = 110.6
WAR_START = datetime.date(2022, 2, 24)
CRIMEA_LAST = datetime.date(2014, 2, 20)  # no Ukrainian inspections since

SURNAMES = [  # nominative, genitive singular, genitive plural, English
    ("Терещенко", "Терещенка", "Терещенків", "Tereshchenko"),
    ("Ханенко", "Ханенка", "Ханенків", "Khanenko"),
    ("Галаган", "Галагана", "Галаганів", "Halahan"),
    ("Гінзбург", "Гінзбурга", "Гінзбургів", "Ginzburg"),
    ("Розумовський", "Розумовського", "Розумовських", "Rozumovskyi"),
    ("Потоцький", "Потоцького", "Потоцьких", "Potocki"),
    ("Браницький", "Браницького", "Браницьких", "Branicki"),
    ("Кочубей", "Кочубея", "Кочубеїв", "Kochubei"),
    ("Тарновський", "Тарновського", "Тарновських", "Tarnovskyi"),
    ("Харитоненко", "Харитоненка", "Харитоненків", "Kharytonenko"),
    ("Бродський", "Бродського", "Бродських", "Brodskyi"),
    ("Коваленко", "Коваленка", "Коваленків", "Kovalenko"),
    ("Мельник", "Мельника", "Мельників", "Melnyk"),
    ("Бойко", "Бойка", "Бойків", "Boiko"),
    ("Лизогуб", "Лизогуба", "Лизогубів", "Lyzohub"),
    ("Капніст", "Капніста", "Капністів", "Kapnist"),
    ("Ткаченко", "Ткаченка", "Ткаченків", "Tkachenko"),
    ("Шевчук", "Шевчука", "Шевчуків", "Shevchuk"),
    ("Савчук", "Савчука", "Савчуків", "Savchuk"),
    ("Гребінка", "Гребінки", "Гребінок", "Hrebinka"),
]
PERSONS = [  # nominative, genitive, dative, English
    ("Тарас Шевченко", "Тараса Шевченка", "Тарасові Шевченку", "Taras Shevchenko"),
    ("Іван Франко", "Івана Франка", "Іванові Франку", "Ivan Franko"),
    ("Леся Українка", "Лесі Українки", "Лесі Українці", "Lesya Ukrainka"),
    ("Богдан Хмельницький", "Богдана Хмельницького", "Богданові Хмельницькому",
     "Bohdan Khmelnytskyi"),
    ("Михайло Грушевський", "Михайла Грушевського", "Михайлові Грушевському",
     "Mykhailo Hrushevskyi"),
    ("Григорій Сковорода", "Григорія Сковороди", "Григорієві Сковороді", "Hryhorii Skovoroda"),
    ("Іван Котляревський", "Івана Котляревського", "Іванові Котляревському",
     "Ivan Kotliarevskyi"),
    ("Микола Лисенко", "Миколи Лисенка", "Миколі Лисенку", "Mykola Lysenko"),
    ("Михайло Коцюбинський", "Михайла Коцюбинського", "Михайлові Коцюбинському",
     "Mykhailo Kotsiubynskyi"),
    ("Олександр Довженко", "Олександра Довженка", "Олександрові Довженку",
     "Oleksandr Dovzhenko"),
    ("Марко Вовчок", "Марка Вовчка", "Марку Вовчку", "Marko Vovchok"),
    ("Пантелеймон Куліш", "Пантелеймона Куліша", "Пантелеймонові Кулішу", "Panteleimon Kulish"),
]
DEDICATIONS = [  # feminine adjective (церква), masculine (собор, монастир), English
    ("Покровська", "Покровський", "Intercession"),
    ("Миколаївська", "Миколаївський", "St Nicholas"),
    ("Успенська", "Успенський", "Dormition"),
    ("Воскресенська", "Воскресенський", "Resurrection"),
    ("Троїцька", "Троїцький", "Holy Trinity"),
    ("Михайлівська", "Михайлівський", "St Michael"),
    ("Преображенська", "Преображенський", "Transfiguration"),
    ("Георгіївська", "Георгіївський", "St George"),
    ("Вознесенська", "Вознесенський", "Ascension"),
    ("Різдва Богородиці", "Різдва Богородиці", "Nativity of the Theotokos"),
    ("Іллінська", "Іллінський", "St Elijah"),
    ("Хрестовоздвиженська", "Хрестовоздвиженський", "Exaltation of the Cross"),
]
STREETS = ["вул. Шевченка", "вул. Івана Франка", "вул. Соборна", "вул. Грушевського",
           "вул. Котляревського", "просп. Свободи", "вул. Замкова", "вул. Богдана Хмельницького",
           "пл. Ринок", "вул. Садова", "вул. Шкільна", "вул. Центральна", "вул. Лесі Українки",
           "вул. Гоголя", "вул. Дворянська", "вул. Церковна", "вул. Михайла Коцюбинського",
           "вул. Поштова", "вул. Торгова", "вул. Старозамкова", "вул. Вокзальна",
           "вул. Набережна", "бульв. Незалежності", "вул. Січових Стрільців"]
VILLAGES = ["Петрівка", "Михайлівка", "Олександрівка", "Іванівка", "Миколаївка", "Василівка",
            "Вознесенське", "Покровське", "Богданівка", "Степанівка", "Калинівка", "Зарічне",
            "Криниці", "Підгірці", "Городище", "Старе Село", "Лука", "Дубове", "Кам’янка"]
TRACTS = [("Замкова гора", "Zamkova Hora"), ("Дівич-гора", "Divych-Hora"),
          ("Царина", "Tsaryna"), ("Попова гора", "Popova Hora"), ("Могилки", "Mohylky"),
          ("Городок", "Horodok"), ("Селище", "Selyshche"), ("Кругла Могила", "Kruhla Mohyla"),
          ("Виноградний сад", "Vynohradnyi Sad"), ("Лиса гора", "Lysa Hora"),
          ("Білі Скелі", "Bili Skeli"), ("Старі Вали", "Stari Valy")]
ARCH_TYPES = [("Курган", "Kurgan", 30), ("Курганний могильник", "Kurgan cemetery", 20),
              ("Поселення", "Settlement", 30), ("Городище", "Hillfort", 10),
              ("Ґрунтовий могильник", "Burial ground", 6), ("Стоянка", "Paleolithic site", 4)]
ARCH_DATINGS = ["доба бронзи", "скіфський час", "трипільська культура", "XI–XIII ст.",
                "IX–X ст.", "черняхівська культура, III–IV ст.", "ранній залізний вік",
                "XII–XIII ст.", "пізній палеоліт", "сарматський час"]
MATERIALS = ["Цегляна", "Кам’яна", "Дерев’яна", "Цегляна тинькована", "Мурована"]
STOREYS = ["одноповерхова", "двоповерхова", "триповерхова", "чотириповерхова"]

# Labels as a department writes them in a spreadsheet (resolved by the importer).
REPORT_TYPE_UK = {"inspection": "огляд", "technical_act": "акт технічного стану",
                  "damage": "пошкодження", "citizen": "повідомлення громадянина",
                  "post_restoration": "після реставрації"}
CONDITION_UK = {"good": "добрий", "satisfactory": "задовільний",
                "unsatisfactory": "незадовільний", "emergency": "аварійний",
                "needs_study": "потребує дослідження", "lost": "втрачена"}
DAMAGE_UK = {"none": "немає", "minor": "незначні", "moderate": "помірні", "severe": "значні",
             "destroyed": "знищено"}
WORSE = {"good": "satisfactory", "satisfactory": "unsatisfactory",
         "unsatisfactory": "emergency", "emergency": "emergency", "needs_study": "unsatisfactory",
         "lost": "lost"}
BETTER = {"good": "good", "satisfactory": "good", "unsatisfactory": "satisfactory",
          "emergency": "unsatisfactory", "needs_study": "satisfactory", "lost": "lost"}
AFTER_DAMAGE = {"minor": None, "moderate": "unsatisfactory", "severe": "emergency",
                "destroyed": "lost"}
SEVERITY = {"good": 0, "satisfactory": 1, "needs_study": 1, "unsatisfactory": 2,
            "emergency": 3}
EXTENT = {"minor": "lt10", "moderate": "p10_50", "severe": "p50_75", "destroyed": "p75_100"}
ELEMENTS = {"minor": ["windows", "facade"], "moderate": ["windows", "facade", "roof"],
            "severe": ["roof", "facade", "windows", "structure"],
            "destroyed": ["roof", "facade", "windows", "structure", "interior", "decor"]}
PRIORITY = {"minor": "D", "moderate": "C", "severe": "B", "destroyed": "A"}

MONUMENT_COLUMNS = ["source_id", "protection_no", "register_act", "register_date",
                    "significance", "object_kind", "kinds", "name_uk", "name_en", "dating",
                    "address", "agreement_no", "agreement_date", "location_sensitive",
                    "description", "source", "wkt"]
REPORT_COLUMNS = ["source_id", "protection_no", "report_type", "observed_on", "event_date",
                  "condition", "damage_level", "damage_extent", "causes", "elements",
                  "repeat_hit", "priority", "trend", "description", "source", "verification",
                  "author"]


class Weighted:
    """Draws keys in proportion to weights (cumulative table + bisect)."""

    def __init__(self, pairs):
        self.keys, self.cum, total = [], [], 0.0
        for k, w in pairs:
            if w > 0:
                total += w
                self.keys.append(k)
                self.cum.append(total)
        self.total = total

    def draw(self, rng):
        return self.keys[bisect.bisect_right(self.cum, rng.random() * self.total)]


def inside(lon, lat):
    """Point in the outline (ray casting)."""
    hit = False
    n = len(OUTLINE)
    for i in range(n):
        x1, y1 = OUTLINE[i]
        x2, y2 = OUTLINE[(i + 1) % n]
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def load_cities():
    with open(os.path.join(HERE, "cities.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["lon"], r["lat"] = float(r["lon"]), float(r["lat"])
        r["population"] = int(r["population"])
        # A town of 100,000 spreads its monuments over a few km, Kyiv over about 15.
        r["sigma_km"] = 1.5 + 2.5 * math.sqrt(r["population"] / 100000.0)
    return rows


def place(rng, city):
    """(lon, lat, is_rural) near city, inside Ukraine. The outline is coarse: it leaves out a
    few coastal and border towns (Yalta, Uzhhorod, Izmail...), whose monuments are then
    scattered round them all the same (they once all fell on the centre: 6,500 in one spot)."""
    rural = rng.random() < RURAL_SHARE
    sigma = RURAL_SIGMA_KM if rural else city["sigma_km"]
    k_lon = KM_PER_DEG_LAT * math.cos(math.radians(city["lat"]))
    centre_inside = inside(city["lon"], city["lat"])
    while True:
        lon = rng.gauss(city["lon"], sigma / k_lon)
        lat = rng.gauss(city["lat"], sigma / KM_PER_DEG_LAT)
        if inside(lon, lat) or not centre_inside:
            return lon, lat, rural


def footprint(rng, lon, lat, area_q, shapes):
    """A building footprint of a drawn area around (lon, lat) as WKT: a rectangle, an L or a
    U, turned by a random angle."""
    p = rng.random() * (len(area_q) - 1)
    i = int(p)
    area = area_q[i] + (area_q[min(i + 1, len(area_q) - 1)] - area_q[i]) * (p - i)
    aspect = rng.uniform(1.0, 3.0)
    w = math.sqrt(area * aspect)
    h = area / w
    shape = shapes.draw(rng)
    if shape == 4:
        pts = [(0, 0), (w, 0), (w, h), (0, h)]
    elif shape == 6:  # L
        pts = [(0, 0), (w, 0), (w, h * 0.45), (w * 0.45, h * 0.45), (w * 0.45, h), (0, h)]
    else:  # U
        pts = [(0, 0), (w, 0), (w, h), (w * 0.7, h), (w * 0.7, h * 0.4), (w * 0.3, h * 0.4),
               (w * 0.3, h), (0, h)]
    a = rng.uniform(0, math.pi)
    ca, sa = math.cos(a), math.sin(a)
    k_lon = KM_PER_DEG_LAT * 1000 * math.cos(math.radians(lat))
    k_lat = KM_PER_DEG_LAT * 1000
    ring = []
    for x, y in pts:
        x, y = x - w / 2, y - h / 2
        ring.append("%.7f %.7f" % (lon + (x * ca - y * sa) / k_lon,
                                   lat + (x * sa + y * ca) / k_lat))
    ring.append(ring[0])
    return "POLYGON ((%s))" % ", ".join(ring)


def roman(n):
    out = ""
    for v, s in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += s
            n -= v
    return out


class Synth:
    def __init__(self, dist, cities, n, m, seed):
        self.d, self.n, self.m, self.seed = dist, n, m, seed
        self.rng = random.Random(seed)  # monuments: the same whatever the number of reports
        self.rrng = random.Random(seed * 1000003 + 11)  # reports
        self.cities = cities
        self.city_w = Weighted((c, c["population"] ** 0.7 * float(c["heritage"]))
                               for c in cities)
        sig = dist["significance"]
        w = dict(sig["weights"])
        w["national"] = w.get("national", 0) * sig["national_scale"]
        total = sum(w.values())
        w["newly_identified"] = total * sig["newly_identified"] / (1 - sig["newly_identified"])
        self.significance = Weighted(w.items())
        self.classes = Weighted(dist["classes"]["weights"].items())
        self.object_kind = Weighted(dist["object_kind"]["weights"].items())
        self.building_kinds = Weighted(dist["building_kinds"]["weights"].items())
        other = dist["other_kinds"]["weights"]
        self.monument_kinds = Weighted((k, v) for k, v in other.items() if "monumental_art" in k)
        self.btypes = Weighted((t, t["weight"]) for t in dist["building_types"]["types"])
        self.arch_types = Weighted((a, a[2]) for a in ARCH_TYPES)
        dat = dist["dating"]
        self.styles = Weighted(dat["styles"].items())
        reg, smp = dat["register_years"], dat["sample_years"]
        rt, st = float(sum(reg.values())), float(sum(smp.values()))
        sw = dat["sample_weight"]
        bins = set(reg) | set(smp)
        self.year_bins = Weighted((int(b), (1 - sw) * reg.get(b, 0) / rt + sw * smp.get(b, 0) / st)
                                  for b in sorted(bins, key=int))
        geo = dist["geometry"]
        building_share = dist["classes"]["weights"]["building"] / float(
            sum(dist["classes"]["weights"].values()))
        self.polygon_share = min(1.0, geo["polygon_share"] / building_share)
        self.area_q = geo["area_m2_quantiles"]
        v = {int(k): c for k, c in geo["vertices"].items()}
        self.shapes = Weighted([(4, v.get(4, 0) + v.get(5, 0)), (6, v.get(6, 0) + v.get(7, 0)),
                                (8, sum(c for k, c in v.items() if k >= 8))])
        dmg = dist["damage"]
        top = float(max(dmg["regions"].values()))
        # Chance that a monument in this region was hit after the invasion: up to 25 % in
        # the most hit region (a quarter of a front-line oblast's register), in proportion to
        # the region's count elsewhere; some are hit again.
        self.damage_p = {r: 0.25 * c / top for r, c in dmg["regions"].items()}
        self.damage_level = Weighted(dmg["damage_level"].items())
        self.light_level = Weighted(dmg["light_damage_level"].items())
        self.light_share = dmg["light_share"]
        self.causes = Weighted(dmg["causes"].items())
        rep = dist["reports"]
        last = datetime.date.fromisoformat(rep["last_day"])
        months, mon = {}, WAR_START.replace(day=1)
        while mon <= last:  # every month since the invasion, more where GWZO has more
            months[mon] = 0.5 + dmg["months"].get(mon.strftime("%Y-%m"), 0)
            mon = (mon + datetime.timedelta(days=32)).replace(day=1)
        self.damage_month = Weighted(months.items())
        self.last_day = last
        self.first_day = datetime.date(rep["first_year"], 1, 1)
        self.cond_start = Weighted(rep["condition_start"].items())
        self.verification = Weighted(rep["verification"].items())
        self.routine_causes = Weighted(rep["routine_causes"].items())
        self.rep = rep
        self.width = max(7, len(str(n)))
        self.rwidth = max(8, len(str(m)))
        self.stats = {"polygons": 0, "location_sensitive": 0, "damage_reports": 0,
                      "monuments_with_reports": 0, "max_reports": 0}

    # ---- monuments ----------------------------------------------------------------------

    def dating(self, rng, cls):
        if cls == "archaeology":
            return rng.choice(ARCH_DATINGS), None
        if cls == "monument":
            r = rng.random()
            y = (rng.randint(1945, 1990) if r < 0.7 else rng.randint(1991, 2021) if r < 0.85
                 else rng.randint(1850, 1944))
            return str(y), y
        if cls == "history_site":
            r = rng.random()
            if r < 0.6:
                return rng.choice(["1941–1943", "1943", "1941", "1943–1944", "1944"]), 1941
            y = rng.randint(1850, 1990)
            return str(y), y
        y = self.year_bins.draw(rng) + rng.randint(0, 24)
        y = min(y, 2000)
        style = self.styles.draw(rng)
        c = (y - 1) // 100 + 1
        if style == "range":
            y2 = y + rng.choice([1, 1, 2, 2, 3, 4, 5, 8, 10])
            return "%d–%d" % (y, y2), y
        if style == "circa":
            return "бл. %d" % (y // 10 * 10), y
        if style == "decade":
            return "%d-ті рр." % (y // 10 * 10), y
        if style == "century":
            return "%s ст." % roman(c), y
        if style == "part_century":
            part = ("поч.", "сер.", "кін.")[min(2, (y % 100) // 34)]
            return "%s %s ст." % (part, roman(c)), y
        return str(y), y

    def names(self, rng, cls, city):
        if cls == "archaeology":
            t = self.arch_types.draw(rng)
            tract = rng.choice(TRACTS)
            k = rng.randint(1, 12)
            return ("%s «%s-%d»" % (t[0], tract[0], k), "%s %s-%d" % (t[1], tract[1], k),
                    "archaeology")
        if cls == "monument":
            p = rng.choice(PERSONS)
            r = rng.random()
            if r < 0.35:
                return ("Пам’ятник воїнам-односельцям, загиблим у Другій світовій війні",
                        "Memorial to fellow villagers killed in the Second World War", None)
            if r < 0.55:
                return "Пам’ятник %s" % p[2], "Monument to %s" % p[3], None
            if r < 0.7:
                return "Погруддя %s" % p[1], "Bust of %s" % p[3], None
            if r < 0.85:
                return ("Пам’ятник жертвам Голодомору 1932–1933 рр.",
                        "Memorial to the victims of the Holodomor of 1932–1933", None)
            return "Мозаїчне панно", "Mosaic panel", None
        if cls == "history_site":
            p = rng.choice(PERSONS)
            r = rng.random()
            if r < 0.5:
                return "Братська могила радянських воїнів", "Mass grave of Soviet soldiers", None
            if r < 0.65:
                return "Братська могила жертв нацизму", "Mass grave of victims of Nazism", None
            if r < 0.8:
                return "Будинок, у якому жив %s" % p[0], "House where %s lived" % p[3], None
            if r < 0.9:
                return "Могила %s" % p[1], "Grave of %s" % p[3], None
            return "Місце бою", "Battle site", None
        t = self.btypes.draw(rng)
        c, s = t["class"], rng.choice(SURNAMES)
        ded = rng.choice(DEDICATIONS)
        if c == "tenement":
            return "Прибутковий будинок %s" % s[1], "%s tenement house" % s[3], c
        if c == "mansion":
            return "Особняк %s" % s[1], "%s mansion" % s[3], c
        if c == "manor":
            return "Садиба %s" % s[2], "%s estate" % s[3], c
        if c == "palace":
            return "Палац %s" % s[2], "%s palace" % s[3], c
        if c == "church":
            if t["uk"] == "каплиця":
                return "%s каплиця" % ded[0], "Chapel of the %s" % ded[2], c
            if rng.random() < 0.2:
                return "%s собор" % ded[1], "Cathedral of the %s" % ded[2], c
            return "%s церква" % ded[0], "Church of the %s" % ded[2], c
        if c == "monastery":
            return "%s монастир" % ded[1], "Monastery of the %s" % ded[2], c
        if c == "house" and t["uk"] == "Житловий будинок" and rng.random() < 0.4:
            return "Будинок %s" % s[1], "%s house" % s[3], c
        if c == "garden" and rng.random() < 0.5:
            return "%s %s" % (t["uk"], s[2]), "%s %s" % (s[3], t["en"].lower()), c
        return t["uk"], t["en"], c

    def address(self, rng, city, rural):
        if rural:
            return "%s обл., с. %s" % (city["oblast_uk"], rng.choice(VILLAGES)) \
                if not city["oblast_uk"].startswith(("м.", "Автономна")) else \
                "%s, с. %s" % (city["oblast_uk"], rng.choice(VILLAGES))
        return "м. %s, %s, %d" % (city["name_uk"], rng.choice(STREETS), rng.randint(1, 120))

    def monument(self, i):
        rng = self.rng
        city = self.city_w.draw(rng)
        lon, lat, rural = place(rng, city)
        cls = self.classes.draw(rng)
        sig = self.significance.draw(rng)
        if cls == "archaeology":
            kinds = "archaeology" if rng.random() < 0.8 else "archaeology;history"
            okind = "site"
        elif cls == "monument":
            kinds = self.monument_kinds.draw(rng)
            okind = "structure" if rng.random() < 0.85 else "ensemble"
        elif cls == "history_site":
            kinds = "history"
            okind = "site" if rng.random() < 0.6 else "structure"
        else:
            kinds = self.building_kinds.draw(rng)
            okind = self.object_kind.draw(rng)
        name_uk, name_en, btype = self.names(rng, cls, city)
        dating, year = self.dating(rng, cls)
        if sig == "national":
            pn = "%s%07d-Н" % (city["koatuu"], i)
            act = "Постанова Кабінету Міністрів України від %s № %d"
        elif sig == "newly_identified":
            pn = "%s-%07d-ЩВ" % (city["koatuu"], i)
            act = "Наказ Міністерства культури України від %s № %d"
        else:
            pn = "%s-%07d-М" % (city["koatuu"], i)
            act = "Наказ Міністерства культури України від %s № %d"
        reg = datetime.date(rng.randint(1965, 2023), rng.randint(1, 12), rng.randint(1, 28))
        if sig == "newly_identified":
            act_text, reg_date = "", ""
        else:
            act_text = act % (reg.strftime("%d.%m.%Y"), rng.randint(1, 1999))
            reg_date = reg.isoformat()
        agreement, agreement_date = "", ""
        if cls == "building" and rng.random() < 0.3:
            ad = datetime.date(rng.randint(1995, 2024), rng.randint(1, 12), rng.randint(1, 28))
            agreement, agreement_date = "%d/%s" % (rng.randint(1, 4999), ad.year), ad.isoformat()
        is_polygon = cls == "building" and rng.random() < self.polygon_share
        if is_polygon:
            wkt = footprint(rng, lon, lat, self.area_q, self.shapes)
            self.stats["polygons"] += 1
        else:
            wkt = "POINT (%.7f %.7f)" % (lon, lat)
        sensitive = cls == "archaeology" and rng.random() < \
            self.d["location_sensitive"]["share_of_archaeology"]
        self.stats["location_sensitive"] += sensitive
        if cls == "building":
            desc = "%s %s будівля, %s. %s." % (rng.choice(MATERIALS), rng.choice(STOREYS),
                                               dating.rstrip("."),
                                               "Зразок забудови свого часу" if rng.random() < 0.5
                                               else "Збережено первісне планування й декор фасадів")
        elif cls == "archaeology":
            desc = "Археологічна пам’ятка (%s), %s; межі визначено за матеріалами розвідок." % (
                name_uk.split(" «")[0].lower(), dating)
        else:
            desc = "%s, %s." % (name_uk, dating.rstrip("."))
        row = [("synth-%0" + str(self.width) + "d") % i, pn, act_text, reg_date, sig, okind, kinds,
               name_uk, name_en, dating, self.address(rng, city, rural), agreement,
               agreement_date, "1" if sensitive else "0", desc,
               "synthetic (scripts/synth seed %d)" % self.seed, wkt]
        info = {"pn": pn, "city": city, "year": year, "cls": cls, "btype": btype}
        return row, info

    # ---- reports ------------------------------------------------------------------------

    def day_between(self, rng, a, b):
        span = (b - a).days
        return a + datetime.timedelta(days=rng.randint(0, max(0, span)))

    def reports(self, k, info, rid):
        """k report rows of one monument, oldest first; rid: the first report number."""
        rng = self.rrng
        city = info["city"]
        region = city["region"]
        end = CRIMEA_LAST if region == "Crimea" else self.last_day
        start = self.first_day
        if info["year"] and info["year"] > start.year:
            start = datetime.date(info["year"], 1, 1)
        if start > end:
            start = end
        events = []
        p = 0.0 if region == "Crimea" else self.damage_p.get(region, 0.0)
        hits = 0
        if p and rng.random() < p:
            hits = min(k, 1 + (rng.random() < 0.25) + (rng.random() < 0.08))
        for _ in range(hits):
            mon = self.damage_month.draw(rng)
            nxt = (mon + datetime.timedelta(days=32)).replace(day=1)
            day = self.day_between(rng, max(mon, WAR_START),
                                   min(nxt - datetime.timedelta(days=1), end))
            events.append((day, "damage"))
        for _ in range(k - hits):
            events.append((self.day_between(rng, start, end), "routine"))
        events.sort()
        cond = self.cond_start.draw(rng)
        has_acts = rng.random() < self.rep["technical_act_share"]
        last_act = None
        damaged = 0
        oblast = city["oblast_uk"]
        author = ("Департамент охорони культурної спадщини КМДА" if region == "Kyiv" else
                  "Управління культурної спадщини, %s" % (
                      oblast + " обл." if not oblast.startswith(("м.", "Автономна")) else oblast))
        rows = []
        for n, (day, kind) in enumerate(events):
            before = cond
            r = {"event_date": "", "damage_level": "", "damage_extent": "", "causes": "",
                 "elements": "", "repeat_hit": "", "priority": "", "trend": "",
                 "source": "field"}
            observed = day
            if kind == "damage":
                level = (self.light_level if rng.random() < self.light_share
                         else self.damage_level).draw(rng)
                worse = AFTER_DAMAGE[level]
                cond = worse if worse else WORSE[cond] if rng.random() < 0.5 else cond
                if before == "lost":
                    cond = "lost"
                causes = {self.causes.draw(rng)}
                if rng.random() < 0.35:
                    causes.add("blast_wave" if "blast_wave" not in causes else "fire")
                observed = min(end, day + datetime.timedelta(days=rng.randint(0, 30)))
                r.update(report_type="damage", event_date=day.isoformat(), damage_level=level,
                         damage_extent=EXTENT[level], causes=";".join(sorted(causes)),
                         elements=";".join(ELEMENTS[level][:max(1, rng.randint(
                             len(ELEMENTS[level]) // 2, len(ELEMENTS[level])))]),
                         repeat_hit="1" if damaged else "0", priority=PRIORITY[level],
                         source=rng.choice(["field", "field", "field", "satellite", "media",
                                            "ministry"]))
                desc = "Пошкодження внаслідок обстрілу: %s." % DAMAGE_UK[level]
                damaged += 1
                self.stats["damage_reports"] += 1
            else:
                if damaged and cond != "lost" and rng.random() < 0.15:
                    rtype = "post_restoration"
                    cond = BETTER[BETTER[cond]]
                elif has_acts and (last_act is None or (day - last_act).days > 5 * 365):
                    rtype = "technical_act"
                    last_act = day
                elif rng.random() < self.rep["citizen_share"]:
                    rtype = "citizen"
                    r["source"] = "citizen"
                else:
                    rtype = "inspection"
                # Drift: worse at times, better (repaired) the more so the worse it is, so
                # that conditions stay mixed over the years rather than all declining.
                x = rng.random()
                if rtype != "post_restoration" and cond != "lost":
                    if x < 0.08:
                        cond = WORSE[cond]
                        r["causes"] = self.routine_causes.draw(rng)
                    elif x < 0.08 + 0.04 * SEVERITY.get(cond, 1):
                        cond = BETTER[cond]
                r["report_type"] = rtype
                desc = {"inspection": "Плановий огляд.",
                        "technical_act": "Акт технічного стану за результатами обстеження.",
                        "citizen": "Повідомлення громадянина, перевірене на місці.",
                        "post_restoration": "Огляд після протиаварійних і реставраційних робіт."
                        }[rtype]
            order = ["good", "satisfactory", "unsatisfactory", "emergency", "lost"]
            if before in order and cond in order and n:
                r["trend"] = ("declining" if order.index(cond) > order.index(before) else
                              "improving" if order.index(cond) < order.index(before) else "stable")
            rows.append([("synth-r-%0" + str(self.rwidth) + "d") % (rid + n), info["pn"],
                         REPORT_TYPE_UK[r["report_type"]], observed.isoformat(), r["event_date"],
                         CONDITION_UK[cond], DAMAGE_UK.get(r["damage_level"], ""),
                         r["damage_extent"], r["causes"], r["elements"], r["repeat_hit"],
                         r["priority"], r["trend"], desc, r["source"],
                         self.verification.draw(rng), author])
        return rows

    def run(self, out_dir):
        # Each monument's share of the reports: lognormal weights, rounded systematically so
        # that the counts add up to exactly m.
        wrng = random.Random(self.seed * 1000003 + 7)
        sigma = self.rep["per_monument_sigma"]
        weights = array.array("d", (wrng.lognormvariate(0.0, sigma) for _ in range(self.n)))
        total = math.fsum(weights)
        mpath = os.path.join(out_dir, "monuments.csv")
        rpath = os.path.join(out_dir, "reports.csv")
        with open(mpath, "w", encoding="utf-8", newline="") as mf, \
                open(rpath, "w", encoding="utf-8", newline="") as rf:
            mw = csv.writer(mf, lineterminator="\n")
            rw = csv.writer(rf, lineterminator="\n")
            mw.writerow(MONUMENT_COLUMNS)
            rw.writerow(REPORT_COLUMNS)
            cum, given, rid = 0.0, 0, 1
            for i in range(1, self.n + 1):
                row, info = self.monument(i)
                mw.writerow(row)
                cum += weights[i - 1]
                due = self.m if i == self.n else int(cum * self.m / total)
                k, given = due - given, due
                if k:
                    rw.writerows(self.reports(k, info, rid))
                    rid += k
                    self.stats["monuments_with_reports"] += 1
                    self.stats["max_reports"] = max(self.stats["max_reports"], k)
        return self.stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--monuments", type=int, required=True)
    ap.add_argument("--reports", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="folder for monuments.csv and reports.csv")
    ap.add_argument("--dist", default=os.path.join(HERE, "distributions.json"))
    a = ap.parse_args()
    if a.monuments < 1 or a.reports < 0:
        ap.error("--monuments must be at least 1 and --reports at least 0")
    with open(a.dist, encoding="utf-8") as f:
        dist = json.load(f)
    stats = Synth(dist, load_cities(), a.monuments, a.reports, a.seed).run(a.out)
    json.dump(stats, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
