-- 016_provenance.sql - where each value came from, so that no import silently undoes a
-- person's work, and where each data set came from, so that every output credits it under its
-- real licence (issue 20). Applied with foreign keys off (storage/db.c), so tables can be
-- rebuilt; the foreign key check runs before the commit.

-- ---- data sets: who published what, under which licence ---------------------------------
-- One row per data set an import or an edit has written (the records' `dataset` column).
-- licence is an SPDX id ('CC-BY-4.0', 'ODbL-1.0') or 'unknown': an import that declares
-- none records its file as a data set of unknown licence, and every output says so.
CREATE TABLE dataset (
  name        TEXT PRIMARY KEY,
  title       TEXT,
  publisher   TEXT,
  licence     TEXT NOT NULL DEFAULT 'unknown',
  licence_url TEXT,
  attribution TEXT,                        -- the credit its licence asks for, as text
  url         TEXT,
  retrieved   TEXT,                        -- when the data was taken from its publisher
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
INSERT OR IGNORE INTO dataset (name)
  SELECT dataset FROM monument UNION SELECT dataset FROM district
  UNION SELECT dataset FROM protection_zone
  UNION SELECT dataset FROM condition_report WHERE dataset IS NOT NULL
  UNION SELECT dataset FROM import_run;
-- Records made through the API belong to the data set 'api': the department's own work.
INSERT OR IGNORE INTO dataset (name, title) VALUES ('api', 'Records entered by the department');
UPDATE dataset SET title = 'Records entered by the department' WHERE name = 'api';

-- ---- provenance of values ---------------------------------------------------------------
-- A field of a monument or zone whose value did not come from the record's own data set:
-- a person's edit (dataset NULL: who and when), or another data set (which, and its run).
-- A field with no row here holds its data set's value. `geometry` and `deleted` stand for
-- the shape and the record's deletion. `declined` is the source value an editor chose to
-- keep theirs against: a re-import bringing that same value again is no new conflict.
CREATE TABLE field_origin (
  entity        TEXT NOT NULL,
  entity_id     INTEGER NOT NULL,
  field         TEXT NOT NULL,
  dataset       TEXT REFERENCES dataset(name),
  actor         TEXT,
  actor_role    TEXT,
  import_run_id INTEGER REFERENCES import_run(id),
  at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  declined      TEXT,
  PRIMARY KEY (entity, entity_id, field)
) WITHOUT ROWID;
CREATE INDEX field_origin_dataset ON field_origin(dataset) WHERE dataset IS NOT NULL;

-- ---- conflicts: what an import did not do, for an editor to decide ------------------------
-- kind 'field': the source brought a value for a field that a person (or another data set)
-- changed since; the current value stays until an editor keeps it or takes the source's.
-- kind 'missing': a record of the data set that a re-import of the whole data set no longer
-- has; nothing is deleted ('noted' when only reported, 'open' when flagged for review).
CREATE TABLE import_conflict (
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER NOT NULL REFERENCES import_run(id),
  dataset       TEXT NOT NULL REFERENCES dataset(name),
  entity        TEXT NOT NULL,
  entity_id     INTEGER NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('field', 'missing')),
  field         TEXT,
  source_value  TEXT,                      -- as text (geometry: GeoJSON)
  source_wkb    BLOB,                      -- the source's geometry, to take it
  current_value TEXT,
  changed_by    TEXT,                      -- a login, or 'dataset:<name>'
  changed_at    TEXT,
  status        TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'noted', 'kept', 'taken', 'deleted')),
  resolved_by   TEXT,
  resolved_at   TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  CHECK (kind = 'missing' OR field IS NOT NULL)
);
CREATE INDEX import_conflict_status ON import_conflict(status, id);
CREATE INDEX import_conflict_entity ON import_conflict(entity, entity_id, field);

-- ---- import runs count conflicts too ------------------------------------------------------
-- read = inserted + updated + unchanged + conflicted + rejected; `missing` counts records of
-- the data set the run no longer had. Rebuilt, as SQLite cannot change a CHECK in place.
CREATE TABLE import_run_new (
  id            INTEGER PRIMARY KEY,
  started_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at   TEXT,
  dataset       TEXT NOT NULL,
  files         TEXT NOT NULL,
  mapping       TEXT,
  target        TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed')),
  read          INTEGER NOT NULL DEFAULT 0,
  inserted      INTEGER NOT NULL DEFAULT 0,
  updated       INTEGER NOT NULL DEFAULT 0,
  unchanged     INTEGER NOT NULL DEFAULT 0,
  conflicted    INTEGER NOT NULL DEFAULT 0,
  rejected      INTEGER NOT NULL DEFAULT 0,
  repaired      INTEGER NOT NULL DEFAULT 0,
  reports       INTEGER NOT NULL DEFAULT 0,
  missing       INTEGER NOT NULL DEFAULT 0,
  prefer_source INTEGER NOT NULL DEFAULT 0 CHECK (prefer_source IN (0, 1)),
  CHECK (status <> 'ok' OR read = inserted + updated + unchanged + conflicted + rejected)
);
INSERT INTO import_run_new (id, started_at, finished_at, dataset, files, mapping, target, status,
  read, inserted, updated, unchanged, rejected, repaired, reports)
SELECT id, started_at, finished_at, dataset, files, mapping, target, status,
  read, inserted, updated, unchanged, rejected, repaired, reports FROM import_run;
DROP TABLE import_run;
ALTER TABLE import_run_new RENAME TO import_run;

-- ---- what people did before this migration ------------------------------------------------
-- From the audit log: a field whose last change was a person's (an update without an import
-- run) is theirs; a deleted record was deleted by a person (only the API deletes).
INSERT OR REPLACE INTO field_origin (entity, entity_id, field, actor, actor_role, at)
SELECT entity, entity_id, key, actor, actor_role, at FROM (
  SELECT a.entity, a.entity_id, j.key, a.actor, a.actor_role, a.at, a.import_run_id,
         row_number() OVER (PARTITION BY a.entity, a.entity_id, j.key ORDER BY a.id DESC) AS rn
    FROM audit_log a, json_each(a.after) j
   WHERE a.action = 'update' AND a.entity IN ('monument', 'protection_zone')
     AND a.before IS NOT NULL
     AND j.key NOT IN ('id', 'uid', 'dataset', 'source_id', 'condition', 'last_inspected',
                       'version')
     AND json_extract(a.before, '$.' || j.key) IS NOT json_extract(a.after, '$.' || j.key))
WHERE rn = 1 AND import_run_id IS NULL;
INSERT OR REPLACE INTO field_origin (entity, entity_id, field, actor, actor_role, at)
SELECT a.entity, a.entity_id, 'deleted', a.actor, a.actor_role, a.at
  FROM audit_log a
 WHERE a.action = 'delete' AND a.entity IN ('monument', 'protection_zone')
   AND a.id = (SELECT max(b.id) FROM audit_log b
                WHERE b.entity = a.entity AND b.entity_id = a.entity_id)
   AND (a.entity <> 'monument' OR EXISTS (SELECT 1 FROM monument
         WHERE id = a.entity_id AND deleted_at IS NOT NULL))
   AND (a.entity <> 'protection_zone' OR EXISTS (SELECT 1 FROM protection_zone
         WHERE id = a.entity_id AND deleted_at IS NOT NULL));

-- ---- protection zones as published ----------------------------------------------------------
-- A zone tied to a location-sensitive site is published no more precisely than the site
-- (0.01 degree): as its bounding box widened to the 0.01 degree grid. Every public read of
-- zones (items, bbox, filter=, tiles) goes through this view, so no question can be answered
-- on the exact shape.
CREATE VIEW protection_zone_pub AS
SELECT z.*, CASE WHEN s.id IS NULL THEN z.geom
  ELSE BuildMbr(floor(MbrMinX(z.geom) * 100) / 100.0, floor(MbrMinY(z.geom) * 100) / 100.0,
                ceil(MbrMaxX(z.geom) * 100) / 100.0, ceil(MbrMaxY(z.geom) * 100) / 100.0, 4326)
  END AS pub_geom
FROM protection_zone z
LEFT JOIN monument s ON s.id = z.monument_id AND s.location_sensitive = 1;
