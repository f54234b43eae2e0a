-- 011_public_index.sql - the spatial index of what the public may see: each monument's box
-- as published, which for an archaeological site marked location_sensitive is its point
-- rounded to 0.01 degree (about 1 km), and for any other monument the box of its geometry.
-- Every public spatial question (a bbox, CQL2 S_INTERSECTS, the count of a page, a map tile)
-- is asked of this index, so that no question can narrow down a site's exact place; the
-- exact index (idx_monument_geom) serves staff and the map's change log. It replaces the
-- index of the sensitive sites (009), which made every public bbox read all of them.
DROP INDEX monument_location_sensitive;
CREATE VIRTUAL TABLE idx_monument_pub USING rtree(pkid, xmin, xmax, ymin, ymax);
INSERT INTO idx_monument_pub (pkid, xmin, xmax, ymin, ymax)
SELECT id,
  CASE WHEN location_sensitive THEN round(ST_X(marker), 2) ELSE MbrMinX(geom) END,
  CASE WHEN location_sensitive THEN round(ST_X(marker), 2) ELSE MbrMaxX(geom) END,
  CASE WHEN location_sensitive THEN round(ST_Y(marker), 2) ELSE MbrMinY(geom) END,
  CASE WHEN location_sensitive THEN round(ST_Y(marker), 2) ELSE MbrMaxY(geom) END
FROM monument WHERE geom IS NOT NULL;
CREATE TRIGGER monument_pub_insert AFTER INSERT ON monument WHEN NEW.geom IS NOT NULL BEGIN
  INSERT INTO idx_monument_pub (pkid, xmin, xmax, ymin, ymax)
  VALUES (NEW.id,
    CASE WHEN NEW.location_sensitive THEN round(ST_X(NEW.marker), 2) ELSE MbrMinX(NEW.geom) END,
    CASE WHEN NEW.location_sensitive THEN round(ST_X(NEW.marker), 2) ELSE MbrMaxX(NEW.geom) END,
    CASE WHEN NEW.location_sensitive THEN round(ST_Y(NEW.marker), 2) ELSE MbrMinY(NEW.geom) END,
    CASE WHEN NEW.location_sensitive THEN round(ST_Y(NEW.marker), 2) ELSE MbrMaxY(NEW.geom) END);
END;
CREATE TRIGGER monument_pub_update AFTER UPDATE OF geom, marker, location_sensitive ON monument
BEGIN
  DELETE FROM idx_monument_pub WHERE pkid = OLD.id;
  INSERT INTO idx_monument_pub (pkid, xmin, xmax, ymin, ymax)
  SELECT NEW.id,
    CASE WHEN NEW.location_sensitive THEN round(ST_X(NEW.marker), 2) ELSE MbrMinX(NEW.geom) END,
    CASE WHEN NEW.location_sensitive THEN round(ST_X(NEW.marker), 2) ELSE MbrMaxX(NEW.geom) END,
    CASE WHEN NEW.location_sensitive THEN round(ST_Y(NEW.marker), 2) ELSE MbrMinY(NEW.geom) END,
    CASE WHEN NEW.location_sensitive THEN round(ST_Y(NEW.marker), 2) ELSE MbrMaxY(NEW.geom) END
  WHERE NEW.geom IS NOT NULL;
END;
CREATE TRIGGER monument_pub_delete AFTER DELETE ON monument BEGIN
  DELETE FROM idx_monument_pub WHERE pkid = OLD.id;
END;
