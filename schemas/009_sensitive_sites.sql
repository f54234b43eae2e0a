-- 009_sensitive_sites.sql - archaeological sites marked location_sensitive are published at
-- 0.01 degree only, so every spatial question the public can ask (bbox, CQL2 S_INTERSECTS,
-- the counts of a page) must be answered on that published point, never on the exact
-- geometry: otherwise a client could find a site to the metre by narrowing a bbox. The few
-- sensitive sites are found through this index, beside the R*Tree that serves the rest.
CREATE INDEX monument_location_sensitive ON monument(id) WHERE location_sensitive = 1;
