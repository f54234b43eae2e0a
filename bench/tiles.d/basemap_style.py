#!/usr/bin/env python3
"""bench/tiles.d/basemap_style.py - writes the Mapnik style of bench/tiles' base-map case, made
to match Spadok's base map (tiles/basemap.c, its `styles` table): the same colours, classes and
zooms (areas; buildings from z15 with an outline from z16; roads by class, cased from z13,
widths growing 1.4x a zoom from their z14 width; railways; street and river names along their
lines; place names without overlap), reading the GeoPackage that bench/tiles exports from the
registry's base-map tables (layers areas, lines, places in EPSG:3857).
  basemap_style.py DATA.gpkg > style.xml"""
import sys
from xml.sax.saxutils import quoteattr

GPKG = sys.argv[1]
SCALE = {z: 559082264.028 / 2 ** z for z in range(0, 21)}  # 256 px tiles, 0.28 mm pixels


def at_least(z):  # MaxScaleDenominator of "from zoom z"
    return SCALE[z] * 1.5


def zoom_only(z):  # Min/Max of exactly zoom z (z >= 20: and beyond)
    hi = SCALE[z] * 1.5
    lo = SCALE[z] * 0.75 if z < 20 else 0
    return "<MinScaleDenominator>%.1f</MinScaleDenominator><MaxScaleDenominator>%.1f</MaxScaleDenominator>" % (lo, hi)


AREAS = [("industrial", "#ebe7e1", 12), ("cemetery", "#dde3d6", 13), ("park", "#dcead0", 11),
         ("wood", "#cfe0c3", 10), ("water", "#b5d3e2", 6)]
WATERWAYS = [("stream", "#b5d3e2", 0.8, 13, 16), ("river", "#b5d3e2", 2.6, 8, 12)]
ROADS = [("road_path", "#b9b0a4", None, 0.7, 15, 17), ("road_service", "#ffffff", "#d3ccc1", 1.2, 15, 17),
         ("road_minor", "#ffffff", "#cdc5b8", 2.0, 13, 15), ("road_tertiary", "#ffffff", "#c6bdaf", 2.6, 11, 14),
         ("road_secondary", "#fbf5dd", "#c3b8a5", 3.0, 10, 13), ("road_primary", "#f9ecc6", "#bfae92", 3.6, 8, 13),
         ("road_motorway", "#f4dcb2", "#b89a73", 4.2, 6, 13)]
RAIL = [("tram", "#a9a39c", 0.8, 14), ("rail", "#a29c95", 1.2, 10)]
PLACES = [("place_city", "DejaVu Sans Bold", 13, "#2f2f2f", 4), ("place_town", "DejaVu Sans Bold", 11, "#2f2f2f", 8),
          ("place_village", "DejaVu Sans Book", 10, "#4d4d4d", 11), ("place_minor", "DejaVu Sans Book", 8.5, "#4d4d4d", 14)]


def width(w, z):
    return min(max(w * 1.4 ** (z - 14), 0.5), 40)


def flt(cls):
    return "<Filter>[class] = '%s'</Filter>" % cls


out = ['<?xml version="1.0" encoding="utf-8"?>',
       '<Map srs="epsg:3857" background-color="#f3f1ec" buffer-size="64">']
rules = []
for cls, color, z in AREAS:
    rules.append("<Rule>%s<MaxScaleDenominator>%.1f</MaxScaleDenominator><PolygonSymbolizer fill=\"%s\"/></Rule>" % (flt(cls), at_least(z), color))
out.append('<Style name="areas">%s</Style>' % "".join(rules))
out.append('<Style name="buildings"><Rule>%s<PolygonSymbolizer fill="#e2ded7"/></Rule>'
           '<Rule>%s<MaxScaleDenominator>%.1f</MaxScaleDenominator><LineSymbolizer stroke="#cfc8be" stroke-width="0.6"/></Rule></Style>'
           % (flt("building"), flt("building"), at_least(16)))
rules = []
for cls, color, w, z0, _ in WATERWAYS:
    for z in range(z0, 21):
        rules.append("<Rule>%s%s<LineSymbolizer stroke=\"%s\" stroke-width=\"%.2f\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></Rule>" % (flt(cls), zoom_only(z), color, width(w, z)))
out.append('<Style name="waterways">%s</Style>' % "".join(rules))
casing, fill = [], []
for cls, color, case, w, z0, _ in ROADS:
    for z in range(z0, 21):
        if case and z >= 13:
            casing.append("<Rule>%s%s<LineSymbolizer stroke=\"%s\" stroke-width=\"%.2f\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></Rule>" % (flt(cls), zoom_only(z), case, width(w, z) + 1.6))
        c = case if case and z < 13 else color
        dash = ' stroke-dasharray="%.2f,%.2f"' % (width(w, z) * 2.5, width(w, z) * 2) if cls == "road_path" else ""
        fill.append("<Rule>%s%s<LineSymbolizer stroke=\"%s\" stroke-width=\"%.2f\" stroke-linecap=\"round\" stroke-linejoin=\"round\"%s/></Rule>" % (flt(cls), zoom_only(z), c, width(w, z), dash))
out.append('<Style name="casing">%s</Style>' % "".join(casing))
out.append('<Style name="roads">%s</Style>' % "".join(fill))
rules = []
for cls, color, w, z0 in RAIL:
    for z in range(z0, 21):
        rules.append("<Rule>%s%s<LineSymbolizer stroke=\"%s\" stroke-width=\"%.2f\"/></Rule>" % (flt(cls), zoom_only(z), color, width(w, z)))
out.append('<Style name="rail">%s</Style>' % "".join(rules))
rules = []
for cls, face, size, color, z in PLACES:
    rules.append("<Rule>%s<MaxScaleDenominator>%.1f</MaxScaleDenominator><TextSymbolizer face-name=\"%s\" size=\"%s\" fill=\"%s\" halo-fill=\"rgba(255,255,255,0.9)\" halo-radius=\"1.5\" placement=\"point\">[name]</TextSymbolizer></Rule>" % (flt(cls), at_least(z), face, size, color))
out.append('<Style name="places">%s</Style>' % "".join(rules))
rules = []
for cls, _, _, _, _, zn in ROADS:
    rules.append("<Rule>%s<MaxScaleDenominator>%.1f</MaxScaleDenominator><TextSymbolizer face-name=\"DejaVu Sans Book\" size=\"7.5\" fill=\"#545454\" halo-fill=\"rgba(255,255,255,0.9)\" halo-radius=\"1.5\" placement=\"line\" max-char-angle-delta=\"20\" spacing=\"400\">[name]</TextSymbolizer></Rule>" % (flt(cls), at_least(zn)))
for cls, _, _, _, zn in WATERWAYS:
    rules.append("<Rule>%s<MaxScaleDenominator>%.1f</MaxScaleDenominator><TextSymbolizer face-name=\"DejaVu Sans Oblique\" size=\"8\" fill=\"#3d6d8c\" halo-fill=\"rgba(255,255,255,0.9)\" halo-radius=\"1.5\" placement=\"line\" max-char-angle-delta=\"20\" spacing=\"400\">[name]</TextSymbolizer></Rule>" % (flt(cls), at_least(zn)))
out.append('<Style name="line-names">%s</Style>' % "".join(rules))


def layer(name, styles, gpkg_layer, max_scale=None):
    attr = ' maximum-scale-denominator="%.1f"' % max_scale if max_scale else ""
    return ('<Layer name="%s" srs="epsg:3857"%s>%s<Datasource><Parameter name="type">ogr</Parameter>'
            '<Parameter name="file">%s</Parameter><Parameter name="layer">%s</Parameter></Datasource></Layer>'
            % (name, attr, "".join("<StyleName>%s</StyleName>" % s for s in styles), quoteattr(GPKG)[1:-1], gpkg_layer))


out.append(layer("areas", ["areas"], "areas"))
out.append(layer("waterways", ["waterways"], "lines"))
out.append(layer("buildings", ["buildings"], "buildings", at_least(15)))
out.append(layer("roads", ["casing", "roads", "rail"], "lines"))
out.append(layer("places", ["places"], "places"))
out.append(layer("line-names", ["line-names"], "lines"))
out.append("</Map>")
print("\n".join(out))
