#!/usr/bin/env python3
"""Check that every monument point lies inside the raion (district) it names.

Usage:
    python3 check_districts.py kyiv_monuments.csv kyiv_raions.geojson

The monuments CSV must have the columns source_id, district, lon, lat
(WGS84 decimal degrees).  The GeoJSON must be a FeatureCollection of
Polygon / MultiPolygon features whose property NAME holds the raion name
exactly as written in the CSV "district" column (e.g. "Печерський район",
"Солом’янський район" with U+2019).

Point-in-polygon is plain even-odd ray casting over every ring of every
polygon part, so holes (inner rings) are handled.  Standard library only.

Prints one line per problem and exits 1 if there is any problem
(point outside its named district, point in another district, point in
no district, unknown district name, bad coordinates); otherwise prints
"N monuments checked, all inside their district" and exits 0.
"""
import csv
import json
import sys


def ring_contains(ring, x, y):
    """Even-odd ray casting for one closed or open ring of [x, y] pairs."""
    inside = False
    n = len(ring)
    if n < 3:
        return False
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y):
            x_cross = (xj - xi) * (y - yi) / (yj - yi) + xi
            if x < x_cross:
                inside = not inside
        j = i
    return inside


def polygon_contains(polygon, x, y):
    """polygon = [outer_ring, hole1, ...]; inside outer and not in a hole."""
    if not polygon or not ring_contains(polygon[0], x, y):
        return False
    for hole in polygon[1:]:
        if ring_contains(hole, x, y):
            return False
    return True


def geometry_contains(geom, x, y):
    gtype = geom.get("type")
    coords = geom.get("coordinates") or []
    if gtype == "Polygon":
        return polygon_contains(coords, x, y)
    if gtype == "MultiPolygon":
        return any(polygon_contains(p, x, y) for p in coords)
    return False


def bbox(geom):
    xs, ys = [], []
    coords = geom.get("coordinates") or []
    polys = [coords] if geom.get("type") == "Polygon" else coords
    for poly in polys:
        for ring in poly:
            for pt in ring:
                xs.append(pt[0])
                ys.append(pt[1])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def load_districts(path):
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    districts = []
    for feat in fc.get("features", []):
        name = (feat.get("properties") or {}).get("NAME")
        geom = feat.get("geometry") or {}
        if name and geom:
            districts.append((name, geom, bbox(geom)))
    return districts


def locate(districts, x, y):
    hits = []
    for name, geom, bb in districts:
        if bb and not (bb[0] <= x <= bb[2] and bb[1] <= y <= bb[3]):
            continue
        if geometry_contains(geom, x, y):
            hits.append(name)
    return hits


def main(argv):
    if len(argv) != 3:
        print("usage: check_districts.py MONUMENTS_CSV DISTRICTS_GEOJSON",
              file=sys.stderr)
        return 2
    csv_path, geojson_path = argv[1], argv[2]
    districts = load_districts(geojson_path)
    names = {d[0] for d in districts}

    problems = 0
    checked = 0
    with open(csv_path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            checked += 1
            sid = row.get("source_id", "?")
            label = "%s (%s)" % (sid, row.get("name_uk", ""))
            want = (row.get("district") or "").strip()
            if want not in names:
                print("%s: unknown district %r" % (label, want))
                problems += 1
                continue
            try:
                x = float(row["lon"])
                y = float(row["lat"])
            except (KeyError, TypeError, ValueError):
                print("%s: bad coordinates lon=%r lat=%r"
                      % (label, row.get("lon"), row.get("lat")))
                problems += 1
                continue
            hits = locate(districts, x, y)
            if want in hits:
                continue
            problems += 1
            if hits:
                print("%s: point %.6f,%.6f is in %s, not in %s"
                      % (label, x, y, " / ".join(hits), want))
            else:
                print("%s: point %.6f,%.6f is in no district (named %s)"
                      % (label, x, y, want))
    if problems:
        print("%d of %d monuments have a district problem" % (problems, checked))
        return 1
    print("%d monuments checked, all inside their district" % checked)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
