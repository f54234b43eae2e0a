#!/usr/bin/env python3
"""bench/tiles.d/mapnik_render.py - the peer of bench/tiles: Mapnik (Debian python3-mapnik)
renders the same tile list as Spadok from the same data, with a comparable style: the
monuments' (bench/tiles.d/style.xml.in: points coloured by condition with the same palette and
sized by significance, footprints as translucent polygons from zoom 15, Cyrillic labels with a
halo from zoom 16, DejaVu Sans), or the base map's (written by basemap_style.py). Writes each
tile to OUT/z/x/y.png and prints "tiles seconds bytes" (the time of the tiles alone, after the
style is loaded).
  mapnik_render.py STYLE.xml TILELIST OUTDIR"""
import os
import sys
import time

import mapnik

HALF = 20037508.342789244


def main():
    style, tilelist, out = sys.argv[1:4]
    xml = open(style, encoding="utf-8").read()
    m = mapnik.Map(256, 256)
    mapnik.load_map_from_string(m, xml)
    tiles = [tuple(map(int, line.split("/"))) for line in open(tilelist) if line.strip()]
    im = mapnik.Image(256, 256)
    total = 0
    t0 = time.monotonic()
    for z, x, y in tiles:
        n = 2.0 ** z
        m.zoom_to_box(mapnik.Box2d(x / n * 2 * HALF - HALF, HALF - (y + 1) / n * 2 * HALF,
                                   (x + 1) / n * 2 * HALF - HALF, HALF - y / n * 2 * HALF))
        im.clear()
        mapnik.render(m, im)
        data = im.tostring("png")
        total += len(data)
        d = os.path.join(out, str(z), str(x))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "%d.png" % y), "wb") as f:
            f.write(data)
    print(len(tiles), "%.3f" % (time.monotonic() - t0), total)


main()
