-- schemas/004_map_change.sql - where the map changed: every write that can change a tile's
-- pixels (a monument's place, footprint, condition, significance, name or visibility; a
-- protection zone; a condition report, which the damage layer draws) leaves the box it
-- touched, old place and new, here. The tile cache (tiles/cache.c) reads the rows it has not
-- seen and drops exactly the cached tiles over those boxes, at every zoom. A NULL box means
-- "anywhere". Sites marked location_sensitive are drawn at their published 0.01 degree
-- point, so their boxes are widened by half of that.
CREATE TABLE map_change (
  id   INTEGER PRIMARY KEY,
  xmin REAL, ymin REAL, xmax REAL, ymax REAL
);

CREATE TRIGGER map_change_monument_insert AFTER INSERT ON monument BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax)
  VALUES (MbrMinX(NEW.geom) - 0.005 * NEW.location_sensitive,
          MbrMinY(NEW.geom) - 0.005 * NEW.location_sensitive,
          MbrMaxX(NEW.geom) + 0.005 * NEW.location_sensitive,
          MbrMaxY(NEW.geom) + 0.005 * NEW.location_sensitive);
END;
CREATE TRIGGER map_change_monument_update AFTER UPDATE OF geom, marker, condition, significance,
  name_uk, location_sensitive, deleted_at ON monument BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax)
  VALUES (MbrMinX(OLD.geom) - 0.005 * OLD.location_sensitive,
          MbrMinY(OLD.geom) - 0.005 * OLD.location_sensitive,
          MbrMaxX(OLD.geom) + 0.005 * OLD.location_sensitive,
          MbrMaxY(OLD.geom) + 0.005 * OLD.location_sensitive),
         (MbrMinX(NEW.geom) - 0.005 * NEW.location_sensitive,
          MbrMinY(NEW.geom) - 0.005 * NEW.location_sensitive,
          MbrMaxX(NEW.geom) + 0.005 * NEW.location_sensitive,
          MbrMaxY(NEW.geom) + 0.005 * NEW.location_sensitive);
END;
CREATE TRIGGER map_change_monument_delete AFTER DELETE ON monument BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax)
  VALUES (MbrMinX(OLD.geom) - 0.005, MbrMinY(OLD.geom) - 0.005,
          MbrMaxX(OLD.geom) + 0.005, MbrMaxY(OLD.geom) + 0.005);
END;
CREATE TRIGGER map_change_report AFTER INSERT ON condition_report BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax)
  SELECT MbrMinX(geom) - 0.005, MbrMinY(geom) - 0.005, MbrMaxX(geom) + 0.005, MbrMaxY(geom) + 0.005
  FROM monument WHERE id = NEW.monument_id;
END;
CREATE TRIGGER map_change_report_update AFTER UPDATE ON condition_report BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax)
  SELECT MbrMinX(geom) - 0.005, MbrMinY(geom) - 0.005, MbrMaxX(geom) + 0.005, MbrMaxY(geom) + 0.005
  FROM monument WHERE id IN (OLD.monument_id, NEW.monument_id);
END;
CREATE TRIGGER map_change_zone_insert AFTER INSERT ON protection_zone BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax)
  VALUES (MbrMinX(NEW.geom), MbrMinY(NEW.geom), MbrMaxX(NEW.geom), MbrMaxY(NEW.geom));
END;
CREATE TRIGGER map_change_zone_update AFTER UPDATE ON protection_zone BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax)
  VALUES (MbrMinX(OLD.geom), MbrMinY(OLD.geom), MbrMaxX(OLD.geom), MbrMaxY(OLD.geom)),
         (MbrMinX(NEW.geom), MbrMinY(NEW.geom), MbrMaxX(NEW.geom), MbrMaxY(NEW.geom));
END;
CREATE TRIGGER map_change_zone_delete AFTER DELETE ON protection_zone BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax)
  VALUES (MbrMinX(OLD.geom), MbrMinY(OLD.geom), MbrMaxX(OLD.geom), MbrMaxY(OLD.geom));
END;
