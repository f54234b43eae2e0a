-- 020_basemap.sql - Spadok's own base map (issue 22): streets, railways, water, green, land
-- use, buildings and place names, loaded by `spadok basemap import` (importers/basemap.c)
-- and drawn by /tiles/basemap/... (tiles/basemap.c). Kept in the registry itself, not in a
-- companion file: one file to back up, copy to a field laptop and serve, one transaction
-- that replaces the base map atomically together with its data set row and the map_change
-- row that drops the cached tiles, and its data set credited like any other (datasets_present).
--
-- A feature is a class (importers/basemap.c's table: 'road_primary', 'water', 'building',
-- 'place_town', ...), its names (name_en where the source has one) and its geometry as WKB in
-- EPSG:4326. Its cell in basemap_rtree has two more dimensions than a map's box: the zoom it
-- is drawn from (z, so a z12 tile never reads a city's buildings) and whether it is a place
-- name (p: the labels placed over a block of tiles read only those).
CREATE TABLE basemap_feature (
  id      INTEGER PRIMARY KEY,
  dataset TEXT NOT NULL REFERENCES dataset(name),
  class   TEXT NOT NULL,
  name_uk TEXT,                   -- the name as the source gives it (OSM: name)
  name_en TEXT,                   -- OSM: name:en; NULL when the source has none
  wkb     BLOB NOT NULL
);
CREATE INDEX basemap_feature_dataset ON basemap_feature(dataset);
CREATE VIRTUAL TABLE basemap_rtree USING rtree(id, xmin, xmax, ymin, ymax, zmin, zmax, pmin, pmax);

-- The files the base map was loaded from, by the last import (which replaced all before it).
CREATE TABLE basemap_source (
  id          INTEGER PRIMARY KEY,
  dataset     TEXT NOT NULL REFERENCES dataset(name),
  file        TEXT NOT NULL,
  features    INTEGER NOT NULL,
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- Without base-map data the districts are the base (their outlines and names): a change to a
-- district changes tiles. Their names are placed over blocks of tiles at every zoom, so the
-- change is "anywhere" (a NULL box): districts change once in years.
CREATE TRIGGER map_change_district_insert AFTER INSERT ON district BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax) VALUES (NULL, NULL, NULL, NULL);
END;
CREATE TRIGGER map_change_district_update AFTER UPDATE ON district
  WHEN OLD.content_hash IS NOT NEW.content_hash OR OLD.name_uk IS NOT NEW.name_uk
    OR OLD.name_en IS NOT NEW.name_en BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax) VALUES (NULL, NULL, NULL, NULL);
END;
CREATE TRIGGER map_change_district_delete AFTER DELETE ON district BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax) VALUES (NULL, NULL, NULL, NULL);
END;
