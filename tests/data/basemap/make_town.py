#!/usr/bin/env python3
"""tests/data/basemap/make_town.py - writes town.osm, the hand-made OpenStreetMap file of the
base-map tests (see SOURCE.txt): an invented town around 20.0 E, 45.0 N. Deterministic."""
import math

LON0, LAT0 = 20.0, 45.0
nodes, ways = [], []


def node(dx, dy, tags=None):
    """A node dx, dy metres east and north of the centre."""
    lat = LAT0 + dy / 111320.0
    lon = LON0 + dx / (111320.0 * math.cos(math.radians(LAT0)))
    nodes.append((len(nodes) + 1, lon, lat, tags or {}))
    return len(nodes)


def way(pts, tags, closed=False):
    ids = [node(x, y) for x, y in pts]
    if closed:
        ids.append(ids[0])
    ways.append((1000 + len(ways), ids, tags))


# streets (Cyrillic names, most with name:en)
way([(-900, 0), (-300, 10), (300, 20), (900, 30)],
    {"highway": "primary", "name": "вулиця Соборна", "name:en": "Cathedral Street"})
way([(0, -900), (10, -300), (20, 300), (30, 900)],
    {"highway": "secondary", "name": "проспект Свободи", "name:en": "Freedom Avenue"})
way([(-600, 300), (-200, 320), (200, 340), (600, 360)],
    {"highway": "residential", "name": "вулиця Садова"})
way([(-600, -300), (-200, -310), (200, -320), (600, -330)],
    {"highway": "residential", "name": "вулиця Шевченка", "name:en": "Shevchenka Street"})
way([(-300, -600), (-300, -200), (-310, 200), (-320, 600)],
    {"highway": "tertiary", "name": "вулиця Ґонти", "name:en": "Honty Street"})
way([(300, -600), (310, -200), (320, 200), (330, 600)],
    {"highway": "residential", "name": "вулиця Лесі Українки"})
way([(-150, 150), (-100, 200), (-50, 250)], {"highway": "footway"})
way([(-1200, 700), (0, 720), (1200, 740)],
    {"highway": "motorway", "ref": "M-01", "name": "Об'їзна дорога", "name:en": "Ring Road"})
# a railway, a river and a pond
way([(-1200, -700), (0, -690), (1200, -680)], {"railway": "rail"})
way([(-1200, 500), (-600, 470), (0, 480), (600, 450), (1200, 430)],
    {"waterway": "river", "name": "річка Тиха", "name:en": "Quiet River"})
way([(500, -550), (700, -550), (750, -450), (600, -400), (480, -460)],
    {"natural": "water", "name": "Ставок"}, closed=True)
# a park and a forest
way([(-250, 50), (-50, 50), (-50, 250), (-250, 250)],
    {"leisure": "park", "name": "Парк Героїв", "name:en": "Heroes Park"}, closed=True)
way([(-1100, -600), (-700, -600), (-700, -350), (-1100, -350)], {"landuse": "forest"},
    closed=True)
# buildings around the central crossing, one a named church
for i, (x, y) in enumerate([(40, 40), (90, 40), (40, 90), (90, 90), (-90, 40), (-140, 40),
                            (40, -90), (90, -90), (-90, -90), (-140, -90), (140, 60),
                            (190, 60)]):
    way([(x, y), (x + 35, y), (x + 35, y + 30), (x, y + 30)],
        {"building": "church", "name": "Собор"} if i == 0 else {"building": "yes"}, closed=True)
# place names
node(0, 120, {"place": "town", "name": "Тихомир", "name:en": "Tykhomyr"})
node(-700, 150, {"place": "suburb", "name": "Заріччя", "name:en": "Zarichchia"})
node(700, -150, {"place": "neighbourhood", "name": "Слобідка"})


def esc(s):
    return (s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace("'", "&apos;"))


with open("town.osm", "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<osm version="0.6" generator="hand-made for the Spadok tests">\n')
    f.write('  <bounds minlat="%.7f" minlon="%.7f" maxlat="%.7f" maxlon="%.7f"/>\n'
            % (LAT0 - 0.012, LON0 - 0.017, LAT0 + 0.012, LON0 + 0.017))
    for i, lon, lat, tags in nodes:
        if tags:
            f.write('  <node id="%d" version="1" lat="%.7f" lon="%.7f">\n' % (i, lat, lon))
            for k, v in tags.items():
                f.write('    <tag k="%s" v="%s"/>\n' % (esc(k), esc(v)))
            f.write('  </node>\n')
        else:
            f.write('  <node id="%d" version="1" lat="%.7f" lon="%.7f"/>\n' % (i, lat, lon))
    for wid, ids, tags in ways:
        f.write('  <way id="%d" version="1">\n' % wid)
        for i in ids:
            f.write('    <nd ref="%d"/>\n' % i)
        for k, v in tags.items():
            f.write('    <tag k="%s" v="%s"/>\n' % (esc(k), esc(v)))
        f.write('  </way>\n')
    f.write('</osm>\n')
