#!/usr/bin/env python3
"""bench/tiles.d/synth_city.py - a deterministic, dense, synthetic OpenStreetMap city for the
base-map case of bench/tiles (no dense real extract is available offline): a street grid of
about 100 m blocks with a hierarchy (primary every 10th street, secondary every 5th, the rest
residential; every street split into one OSM way per block, as mapped cities are), Cyrillic
names, a few with name:en; a meandering river, ponds, parks and woods; each block filled with
6-12 buildings of 5-7 vertices; footpaths, a railway and place names. Nothing of it is real.
  synth_city.py OUT.osm [SIZE_M] [LON LAT]     (default 6000 m square around 20.0 E 45.0 N)"""
import math
import random
import sys

out = sys.argv[1]
size = float(sys.argv[2]) if len(sys.argv) > 2 else 6000.0
lon0 = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
lat0 = float(sys.argv[4]) if len(sys.argv) > 4 else 45.0
rnd = random.Random(22)
nodes, ways = [], []


def ll(x, y):
    return (lon0 + x / (111320.0 * math.cos(math.radians(lat0))), lat0 + y / 111320.0)


def node(x, y, tags=None):
    lon, lat = ll(x, y)
    nodes.append((len(nodes) + 1, lon, lat, tags))
    return len(nodes)


def way(ids, tags):
    ways.append((len(ways) + 1, ids, tags))


half = size / 2
step = 100.0
n = int(size // step) + 1
xs = [-half + i * step + rnd.uniform(-8, 8) for i in range(n)]
ys = [-half + j * step + rnd.uniform(-8, 8) for j in range(n)]
grid = [[node(xs[i], ys[j]) for j in range(n)] for i in range(n)]
words = ["Соборна", "Садова", "Шевченка", "Лесі Українки", "Ґонти", "Франка", "Грушевського",
         "Київська", "Львівська", "Зелена", "Мирна", "Квітнева", "Річкова", "Липова",
         "Каштанова", "Вишнева", "Дубова", "Гетьманська", "Козацька", "Базарна"]


def klass(k):
    return "primary" if k % 10 == 0 else "secondary" if k % 5 == 0 else "residential"


for i in range(n):  # north-south streets, one way per block
    name = "вулиця %s %d" % (words[i % len(words)], i)
    for j in range(n - 1):
        mid = node(xs[i] + rnd.uniform(-2, 2), (ys[j] + ys[j + 1]) / 2)
        tags = {"highway": klass(i), "name": name}
        if i % 10 == 0:
            tags["name:en"] = "%s Street %d" % (words[i % len(words)], i)
        way([grid[i][j], mid, grid[i][j + 1]], tags)
for j in range(n):  # east-west streets
    name = "проспект %s %d" % (words[(j + 7) % len(words)], j) if j % 5 == 0 else \
        "вулиця %s %d" % (words[(j + 3) % len(words)], j)
    for i in range(n - 1):
        way([grid[i][j], grid[i + 1][j]], {"highway": klass(j), "name": name})

# the blocks: parks, woods, ponds or buildings (with a footpath through some)
for i in range(n - 1):
    for j in range(n - 1):
        x0, x1, y0, y1 = xs[i] + 8, xs[i + 1] - 8, ys[j] + 8, ys[j + 1] - 8
        r = rnd.random()
        if r < 0.04 or r > 0.985:
            ids = [node(x0, y0), node(x1, y0), node(x1, y1), node(x0, y1)]
            way(ids + ids[:1], {"leisure": "park", "name": "сквер %d-%d" % (i, j)} if r < 0.04
                else {"natural": "water"})
            if r < 0.04:
                way([node(x0, y0 + 5), node((x0 + x1) / 2, (y0 + y1) / 2), node(x1, y1 - 5)],
                    {"highway": "footway"})
            continue
        if r < 0.06:
            ids = [node(x0, y0), node(x1, y0), node(x1, y1), node(x0, y1)]
            way(ids + ids[:1], {"landuse": "forest"})
            continue
        for _ in range(rnd.randint(6, 12)):
            w, h = rnd.uniform(12, 30), rnd.uniform(10, 25)
            bx, by = rnd.uniform(x0, max(x0, x1 - w)), rnd.uniform(y0, max(y0, y1 - h))
            pts = [(bx, by), (bx + w, by), (bx + w, by + h * 0.6), (bx + w * 0.6, by + h),
                   (bx, by + h)][:rnd.randint(4, 5)]
            if len(pts) == 4:
                pts[2] = (bx + w, by + h)
            pts += [(bx + w * 0.3, by + h)] if rnd.random() < 0.3 else []
            ids = [node(x, y) for x, y in pts]
            way(ids + ids[:1], {"building": "yes"})

# a meandering river across the city and a railway
river = [node(-half - 200 + k * 20, 600 * math.sin(k / 40.0) + 40 * math.sin(k / 5.0))
         for k in range(int((size + 400) / 20))]
way(river, {"waterway": "river", "name": "річка Синя", "name:en": "Blue River"})
way([node(-half - 300 + k * 50, -half * 0.6 + k * 3) for k in range(int((size + 600) / 50))],
    {"railway": "rail"})
# place names
node(0, 0, {"place": "city", "name": "Синьогір'я", "name:en": "Synohiria"})
for k in range(12):
    node(rnd.uniform(-half, half), rnd.uniform(-half, half),
         {"place": "suburb", "name": "Передмістя %d" % k})


def esc(s):
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace("'", "&apos;")


with open(out, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="spadok bench/tiles.d/synth_city.py">\n')
    for i, lon, lat, tags in nodes:
        if tags:
            f.write('<node id="%d" version="1" lat="%.7f" lon="%.7f">' % (i, lat, lon))
            f.write("".join('<tag k="%s" v="%s"/>' % (esc(k), esc(v)) for k, v in tags.items()))
            f.write("</node>\n")
        else:
            f.write('<node id="%d" version="1" lat="%.7f" lon="%.7f"/>\n' % (i, lat, lon))
    for i, ids, tags in ways:
        f.write('<way id="%d" version="1">' % i)
        f.write("".join('<nd ref="%d"/>' % r for r in ids))
        f.write("".join('<tag k="%s" v="%s"/>' % (esc(k), esc(v)) for k, v in tags.items()))
        f.write("</way>\n")
    f.write("</osm>\n")
print("%s: %d nodes, %d ways" % (out, len(nodes), len(ways)), file=sys.stderr)
