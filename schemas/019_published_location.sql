-- 019_published_location.sql - the place the public sees, defined once (issue 21). An
-- archaeological site marked location_sensitive is published at its point rounded to 0.01
-- degree (about 1 km); any other monument where it is. Until now that rule was written out
-- 29 times (the public index's and the map's triggers, the bulk import's rows, every public
-- query); now it is these two generated columns, computed when read (VIRTUAL: nothing
-- stored, nothing to keep in step), and every public read, index and trigger uses them:
--   pub_marker  the published point (the marker, or the rounded marker);
--   pub_geom    the published geometry (the geometry, or that point: no footprint).
-- Staff reads and the exact index (idx_monument_geom) keep marker and geom.
ALTER TABLE monument ADD COLUMN pub_marker BLOB GENERATED ALWAYS AS (CASE WHEN location_sensitive
  THEN MakePoint(round(ST_X(marker), 2), round(ST_Y(marker), 2), 4326) ELSE marker END) VIRTUAL;
ALTER TABLE monument ADD COLUMN pub_geom BLOB GENERATED ALWAYS AS (CASE WHEN location_sensitive
  THEN pub_marker ELSE geom END) VIRTUAL;

-- The public index (011) and the map's points (012) from the published columns; the same
-- rows as before (tests/unit/storage compares them with the bulk import's).
DROP TRIGGER monument_pub_insert;
DROP TRIGGER monument_pub_update;
CREATE TRIGGER monument_pub_insert AFTER INSERT ON monument WHEN NEW.geom IS NOT NULL BEGIN
  INSERT INTO idx_monument_pub (pkid, xmin, xmax, ymin, ymax)
  VALUES (NEW.id, MbrMinX(NEW.pub_geom), MbrMaxX(NEW.pub_geom), MbrMinY(NEW.pub_geom),
          MbrMaxY(NEW.pub_geom));
END;
CREATE TRIGGER monument_pub_update AFTER UPDATE OF geom, marker, location_sensitive ON monument
BEGIN
  DELETE FROM idx_monument_pub WHERE pkid = OLD.id;
  INSERT INTO idx_monument_pub (pkid, xmin, xmax, ymin, ymax)
  SELECT NEW.id, MbrMinX(NEW.pub_geom), MbrMaxX(NEW.pub_geom), MbrMinY(NEW.pub_geom),
         MbrMaxY(NEW.pub_geom)
  WHERE NEW.geom IS NOT NULL;
END;
DROP TRIGGER map_point_insert;
DROP TRIGGER map_point_update;
CREATE TRIGGER map_point_insert AFTER INSERT ON monument WHEN NEW.marker IS NOT NULL BEGIN
  INSERT INTO idx_map_point (key, xmin, xmax, ymin, ymax)
  VALUES ((NEW.id << 8)
    | (coalesce((SELECT sort FROM vocab_condition WHERE code = NEW.condition), 0) << 5)
    | (min(coalesce((SELECT sort FROM vocab_significance WHERE code = NEW.significance), 15), 15) << 1)
    | (NEW.deleted_at IS NOT NULL),
    ST_X(NEW.pub_marker), ST_X(NEW.pub_marker), ST_Y(NEW.pub_marker), ST_Y(NEW.pub_marker));
END;
CREATE TRIGGER map_point_update AFTER UPDATE OF marker, location_sensitive, condition,
  significance, deleted_at ON monument
BEGIN
  DELETE FROM idx_map_point WHERE key = ((OLD.id << 8)
    | (coalesce((SELECT sort FROM vocab_condition WHERE code = OLD.condition), 0) << 5)
    | (min(coalesce((SELECT sort FROM vocab_significance WHERE code = OLD.significance), 15), 15) << 1)
    | (OLD.deleted_at IS NOT NULL));
  INSERT INTO idx_map_point (key, xmin, xmax, ymin, ymax)
  SELECT (NEW.id << 8)
    | (coalesce((SELECT sort FROM vocab_condition WHERE code = NEW.condition), 0) << 5)
    | (min(coalesce((SELECT sort FROM vocab_significance WHERE code = NEW.significance), 15), 15) << 1)
    | (NEW.deleted_at IS NOT NULL),
    ST_X(NEW.pub_marker), ST_X(NEW.pub_marker), ST_Y(NEW.pub_marker), ST_Y(NEW.pub_marker)
  WHERE NEW.marker IS NOT NULL;
END;
