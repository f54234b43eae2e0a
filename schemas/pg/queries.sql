-- schemas/pg/queries.sql - the PostgreSQL + PostGIS twins of schemas/queries.sql (issue 23):
-- storage/ runs these when the registry is a postgresql:// database. cmake/embed.c fails the
-- build when a name is missing or out of order. Same names, same order, same parameters (:name, ?N and
-- plain ?, which the engine layer numbers as SQLite does) and the same result columns as the
-- SQLite twin; each comment says only what differs and why. Checked by running them:
-- integration_test_pg_oracle (every public endpoint against SQLite's answers) and the other
-- test_pg_* tests.
-- Throughout:
-- * flags and comparisons SQLite returns as 0/1 are (expr)::int; a number SQLite reads as a
--   truth value is ?N::int <> 0;
-- * JSON (vocab_json, districts_geojson, monument_json, district_json, zone_json,
--   report_json, citizen_json, citizen_list, citizen_status, photo_json and the audit row of
--   citizen_photos_audit): json_build_object/json_agg keep SQLite's key order and values;
--   001_init.sql's sp_json_text drops the spaces PostgreSQL's json text has where SQLite
--   writes none. Reals are written in float8's shortest exact form (30 not 30.0, up to 17
--   digits where SQLite writes 15);
-- * text compares as in SQLite (bytewise) because 001_init.sql refuses a database whose
--   collation is not C, so no COLLATE here (one would also keep the text indexes unused);
-- * GeoJSON: ST_AsGeoJSON rounds a coordinate's binary value, SpatiaLite's printf its 15
--   significant digits half away from zero (50.3985785 at 6 decimals: PostGIS 50.398578,
--   SpatiaLite 50.398579): about 1 in 20 coordinates that have exactly one decimal more
--   than the output differ in their last digit. districts_geojson writes SpatiaLite's digits
--   (001_init.sql's sp_geojson, 17 times slower); the 7-decimal outputs of features keep
--   ST_AsGeoJSON (data of 8 decimals would show it; tests/integration/oracle.py);
-- * the R*Tree tables hold SQLite's values: float32 rounded outward (001_init.sql's
--   sp_f32_down/up, applied wherever they are written).

-- name: exec_connection_setup
-- No pages, journal or cache to set. UTC for the timestamp texts that are parsed
-- (frag_changed_since); a writer waits for a lock at most 10 s, as SQLite's busy_timeout.
SET TIME ZONE 'UTC';
SET lock_timeout = 10000;

-- name: exec_wal
-- PostgreSQL always writes ahead: nothing to do.

-- name: exec_begin
-- Writers take one advisory lock, so that they are serialised as BEGIN IMMEDIATE does.
BEGIN;
SELECT pg_advisory_xact_lock(5342);

-- name: exec_foreign_keys_off
-- PostgreSQL's migrations alter tables in place and cannot switch foreign keys off.

-- name: exec_foreign_keys_on
-- Foreign keys are always on in PostgreSQL.

-- SET CONSTRAINTS defers only the foreign keys that 001_init.sql declares DEFERRABLE.
-- name: exec_begin_bulk
BEGIN;
SELECT pg_advisory_xact_lock(5342);
SET CONSTRAINTS ALL DEFERRED;

-- Statistics of what a bulk import writes, before its commit (storage/db.c, sp_db_commit): the
-- planner otherwise guesses until autovacuum comes by.
-- name: exec_bulk_analyze
ANALYZE monument, monument_kind, monument_fts, idx_monument_geom_rows, idx_monument_pub_rows,
  idx_map_point_rows, condition_report, report_cause, report_element, field_origin;

-- Sets the trigger aside until the transaction ends (sp_trigger_off in 001_init.sql) and
-- answers the statement that sets it back (storage/db.c, sp_db_triggers_on).
-- name: trigger_sql
SELECT format('SELECT set_config(%L, '''', true)', 'spadok.off.' || ?1::text),
       set_config('spadok.off.' || ?1::text, 'on', true);

-- name: bulk_map_change
INSERT INTO map_change (xmin, ymin, xmax, ymax)
SELECT min(xmin) - 0.005, min(ymin) - 0.005, max(xmax) + 0.005, max(ymax) + 0.005
FROM idx_monument_geom WHERE pkid > ?1::bigint HAVING count(*) > 0;

-- name: map_change_max
SELECT coalesce(max(id), 0) FROM map_change;

-- name: map_changes_since
SELECT id, xmin, ymin, xmax, ymax FROM map_change WHERE id > ?1::bigint ORDER BY id;

-- ST_XMin and the rest for MbrMinX, rounded outward to floats as SQLite's R*Tree stores them
-- (001_init.sql's sp_f32_down/up; the SQLite twin's rows are rounded by storage/rtree.c);
-- the map point's key from 001_init.sql's sp_map_point_key, the one its trigger writes.
-- name: bulk_tree_rows
SELECT CASE WHEN has_geom THEN id END,
  sp_f32_down(gx0), sp_f32_up(gx1), sp_f32_down(gy0), sp_f32_up(gy1),
  CASE WHEN has_geom THEN id END,
  sp_f32_down(CASE WHEN sensitive THEN px ELSE gx0 END),
  sp_f32_up(CASE WHEN sensitive THEN px ELSE gx1 END),
  sp_f32_down(CASE WHEN sensitive THEN py ELSE gy0 END),
  sp_f32_up(CASE WHEN sensitive THEN py ELSE gy1 END),
  CASE WHEN has_marker THEN sp_map_point_key(id, condition, significance, deleted_at) END,
  sp_f32_down(px), sp_f32_up(px), sp_f32_down(py), sp_f32_up(py)
FROM (SELECT id, geom IS NOT NULL AS has_geom, marker IS NOT NULL AS has_marker,
        ST_XMin(geom) AS gx0, ST_XMax(geom) AS gx1, ST_YMin(geom) AS gy0, ST_YMax(geom) AS gy1,
        ST_X(pub_marker) AS px, ST_Y(pub_marker) AS py, location_sensitive <> 0 AS sensitive,
        condition, significance, deleted_at
      FROM monument WHERE id > ?1::bigint) m;

-- sp_search_words is C: the rows go in pending (words NULL) for search_pending/search_fill
-- to fill before the commit; a row the insert trigger already wrote stays as it is.
-- name: bulk_fts_fill
INSERT INTO monument_fts (rowid, words)
SELECT id, NULL FROM monument WHERE id > ?1::bigint
ON CONFLICT (rowid) DO NOTHING;

-- name: exec_commit
COMMIT;

-- name: exec_rollback
ROLLBACK;

-- spadok_schema's version; 0 before 001_init.sql made the table (query_to_xml reads it only
-- when it exists, so the statement prepares on an empty database too).
-- name: user_version
SELECT CASE WHEN to_regclass('spadok_schema') IS NULL THEN 0
  ELSE coalesce((xpath('/row/version/text()',
    query_to_xml('SELECT max(version) AS version FROM spadok_schema', false, true, '')))[1]::text::int, 0)
  END;

-- PostgreSQL checks pages as it reads them and has no integrity_check of its own (amcheck
-- is an extension): the answer is SQLite's "ok".
-- name: integrity_check
SELECT 'ok'::text;

-- The R*Tree twins are plain tables kept by triggers, with no structure to check: instead,
-- the ones with rows that disagree with what they index (a row missing, left over, or with
-- another box or key). basemap_rtree is not checked (its boxes come from storage/basemap.c).
-- name: rtree_check
SELECT name, count(*) || ' rows differ from what they index' AS res
FROM (SELECT 'idx_monument_geom' AS name, pkid AS id, xmin, xmax, ymin, ymax FROM idx_monument_geom
      UNION ALL SELECT 'idx_monument_pub', pkid, xmin, xmax, ymin, ymax FROM idx_monument_pub
      UNION ALL SELECT 'idx_district_geom', pkid, xmin, xmax, ymin, ymax FROM idx_district_geom
      UNION ALL SELECT 'idx_protection_zone_geom', pkid, xmin, xmax, ymin, ymax
                  FROM idx_protection_zone_geom
      UNION ALL SELECT 'idx_map_point', key, xmin, xmax, ymin, ymax FROM idx_map_point) r
FULL JOIN (SELECT 'idx_monument_geom' AS name, id, geom AS g FROM monument WHERE geom IS NOT NULL
      UNION ALL SELECT 'idx_monument_pub', id, pub_geom FROM monument WHERE geom IS NOT NULL
      UNION ALL SELECT 'idx_district_geom', id, geom FROM district
      UNION ALL SELECT 'idx_protection_zone_geom', id, geom FROM protection_zone
      UNION ALL SELECT 'idx_map_point', sp_map_point_key(id, condition, significance, deleted_at),
                  pub_marker FROM monument WHERE marker IS NOT NULL) s USING (name, id)
WHERE r.xmin IS DISTINCT FROM ST_XMin(s.g) OR r.xmax IS DISTINCT FROM ST_XMax(s.g)
   OR r.ymin IS DISTINCT FROM ST_YMin(s.g) OR r.ymax IS DISTINCT FROM ST_YMax(s.g)
GROUP BY name;

-- PostgreSQL's foreign keys are never off, so none can be broken: no rows (table, rowid).
-- name: foreign_key_check
SELECT NULL::text, NULL::bigint WHERE false;

-- PostGIS and PostgreSQL versions in the columns of SpatiaLite's and SQLite's (sp_db_versions
-- labels them "spatialite", "sqlite").
-- name: spatialite_version
SELECT postgis_lib_version(), current_setting('server_version');

-- name: vocab_all
SELECT domain, code, label_uk, label_en FROM vocab ORDER BY domain, sort;

-- json_object_agg/json_agg with their order spelled out (SQLite's follows its sorted input).
-- name: vocab_json
SELECT sp_json_text(json_object_agg(domain, items ORDER BY domain)) FROM (
  SELECT domain, json_agg(json_build_object('code', code,
    'label', CASE :lang::text WHEN 'en' THEN label_en ELSE label_uk END, 'label_uk', label_uk,
    'label_en', label_en) ORDER BY sort, label_uk) AS items
  FROM (SELECT domain, code, label_uk, label_en, sort FROM vocab
        UNION ALL
        SELECT 'district', name_uk, name_uk, coalesce(name_en, name_uk), 0 FROM district) v
  GROUP BY domain) d;

-- Both simplify with GEOS (the same points); 001_init.sql's sp_geojson writes them as
-- SpatiaLite does (ST_AsGeoJSON would differ in the last digit of half-way coordinates).
-- name: districts_geojson
SELECT sp_json_text(json_build_object('type', 'FeatureCollection',
         'features', coalesce(json_agg(f ORDER BY name_uk), '[]'::json)))
  FROM (SELECT name_uk, json_build_object('type', 'Feature', 'id', id,
          'properties', json_build_object(
            'name', CASE :lang::text WHEN 'en' THEN coalesce(name_en, name_uk) ELSE name_uk END,
            'name_uk', name_uk, 'name_en', name_en),
          'geometry',
            sp_geojson(ST_SimplifyPreserveTopology(geom, :tolerance::float8), 6)::json) AS f
          FROM district) d;

-- name: vocab_aliases
SELECT domain, code, alias FROM vocab_alias;

-- RETURNING id: the engine's last insert id.
-- name: import_run_insert
INSERT INTO import_run (dataset, files, mapping, target, prefer_source)
VALUES (:dataset, :files, :mapping, :target, :prefer_source)
RETURNING id;

-- name: import_run_finish
UPDATE import_run
   SET finished_at = sp_now(), status = :status, read = :read,
       inserted = :inserted, updated = :updated, unchanged = :unchanged,
       conflicted = :conflicted, rejected = :rejected, repaired = :repaired,
       reports = :reports, missing = :missing
 WHERE id = :id;

-- name: import_error_insert
INSERT INTO import_error (run_id, kind, layer, row, source_key, field, reason, raw)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8);

-- name: audit_bulk_inserts
INSERT INTO audit_log (actor, action, entity, entity_id, import_run_id)
SELECT ?1::text, 'insert', 'monument', id, ?2::bigint FROM monument WHERE id > ?3::bigint
ORDER BY id;

-- name: monument_max_id
SELECT coalesce(max(id), 0) FROM monument;

-- name: audit_insert
INSERT INTO audit_log (actor, actor_role, action, entity, entity_id, import_run_id, before, after)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8);

-- name: audit_of
SELECT id, at, actor, actor_role, action, before, after, coalesce(import_run_id, 0)
FROM audit_log WHERE entity = ?1::text AND entity_id = ?2::bigint ORDER BY id;

-- name: monument_by_uid
SELECT id, content_hash, dataset, (deleted_at IS NOT NULL)::int,
  EXISTS (SELECT 1 FROM field_origin WHERE entity = 'monument' AND entity_id = monument.id)::int
FROM monument WHERE uid = ?1::text;

-- name: monument_by_protection_no
SELECT id, content_hash, dataset, (deleted_at IS NOT NULL)::int,
  EXISTS (SELECT 1 FROM field_origin WHERE entity = 'monument' AND entity_id = monument.id)::int
FROM monument WHERE protection_no = ?1::text;

-- name: monument_by_source
SELECT id, content_hash, dataset, (deleted_at IS NOT NULL)::int,
  EXISTS (SELECT 1 FROM field_origin WHERE entity = 'monument' AND entity_id = monument.id)::int
FROM monument WHERE dataset = ?1::text AND source_id = ?2::text;

-- A new uid is 32 hex digits of gen_random_uuid() (122 random bits, SQLite's has 128);
-- :wkb is a bytea parameter. RETURNING id: the engine's last insert id.
-- name: monument_insert
INSERT INTO monument (uid, dataset, content_hash, geom, marker,
  source_id, protection_no, register_act, register_date, significance, object_kind,
  name_uk, name_en, dating, year_from, year_to, address, district, cadastral_no,
  protected_subject, agreement_no, agreement_date, passport_ref, wikidata, wlm_id,
  location_sensitive, description, source)
VALUES (coalesce(:uid::text, replace(gen_random_uuid()::text, '-', '')), :dataset, :content_hash,
  ST_GeomFromWKB(:wkb::bytea, 4326), ST_Point(:marker_x::float8, :marker_y::float8, 4326),
  :source_id, :protection_no, :register_act, :register_date, :significance, :object_kind,
  :name_uk, :name_en, :dating, :year_from, :year_to, :address, :district, :cadastral_no,
  :protected_subject, :agreement_no, :agreement_date, :passport_ref, :wikidata, :wlm_id,
  coalesce(:location_sensitive::int, 0), :description, :source)
RETURNING id;

-- name: monument_update
UPDATE monument SET content_hash = :content_hash, geom = ST_GeomFromWKB(:wkb::bytea, 4326),
  marker = ST_Point(:marker_x::float8, :marker_y::float8, 4326),
  source_id = :source_id, protection_no = :protection_no, register_act = :register_act, register_date = :register_date,
  significance = :significance, object_kind = :object_kind, name_uk = :name_uk, name_en = :name_en, dating = :dating,
  year_from = :year_from, year_to = :year_to, address = :address, district = :district, cadastral_no = :cadastral_no,
  protected_subject = :protected_subject, agreement_no = :agreement_no, agreement_date = :agreement_date, passport_ref = :passport_ref,
  wikidata = :wikidata, wlm_id = :wlm_id, location_sensitive = coalesce(:location_sensitive::int, 0), description = :description,
  source = :source, version = version + 1, deleted_at = NULL,
  updated_at = sp_now()
WHERE id = :id;

-- name: monument_kinds_clear
DELETE FROM monument_kind WHERE monument_id = ?1::bigint;

-- name: monument_kind_insert
INSERT INTO monument_kind (monument_id, kind) VALUES (?1, ?2);

-- name: monument_json
SELECT sp_json_text(json_build_object('id', id, 'uid', uid, 'dataset', dataset, 'source_id', source_id,
  'protection_no', protection_no, 'register_act', register_act, 'register_date', register_date,
  'significance', significance, 'object_kind', object_kind, 'kinds', kinds,
  'name_uk', name_uk, 'name_en', name_en, 'dating', dating, 'year_from', year_from,
  'year_to', year_to, 'address', address, 'district', district, 'cadastral_no', cadastral_no,
  'protected_subject', protected_subject, 'agreement_no', agreement_no,
  'agreement_date', agreement_date, 'passport_ref', passport_ref, 'wikidata', wikidata,
  'wlm_id', wlm_id, 'location_sensitive', location_sensitive, 'description', description,
  'source', source, 'condition', condition, 'version', version,
  'geometry', ST_AsGeoJSON(geom, 7)::json))
FROM monument_v WHERE id = ?1::bigint;

-- name: monument_count
SELECT count(*) FROM monument WHERE deleted_at IS NULL;

-- ST_AsBinary: little-endian 2-D WKB, as SpatiaLite's AsBinary.
-- name: monument_export
SELECT id, uid, dataset,
  source_id, protection_no, register_act, register_date, significance, object_kind, kinds,
  name_uk, name_en, dating, year_from, year_to, address, district, cadastral_no,
  protected_subject, agreement_no, agreement_date, passport_ref, wikidata, wlm_id,
  location_sensitive, description, source,
  condition, last_inspected, version, created_at, updated_at, ST_AsBinary(geom)
FROM monument_v WHERE deleted_at IS NULL ORDER BY id;

-- name: monument_export_public
SELECT id, uid, dataset,
  source_id, protection_no, register_act, register_date, significance, object_kind, kinds,
  name_uk, name_en, dating, year_from, year_to, address, district, cadastral_no,
  protected_subject, agreement_no, agreement_date, passport_ref, wikidata, wlm_id,
  location_sensitive, description, source,
  condition, last_inspected, version, created_at, updated_at,
  ST_AsBinary(pub_geom)
FROM monument_v WHERE deleted_at IS NULL ORDER BY id;

-- name: district_at
SELECT d.name_uk FROM idx_district_geom r JOIN district d ON d.id = r.pkid
 WHERE r.xmin <= ?1::float8 AND r.xmax >= ?1::float8 AND r.ymin <= ?2::float8 AND r.ymax >= ?2::float8
   AND box(point(r.xmin, r.ymin), point(r.xmax, r.ymax)) && box(point(?1, ?2), point(?1, ?2))
   AND ST_Contains(d.geom, ST_Point(?1, ?2, 4326))
 ORDER BY d.id LIMIT 1;

-- name: district_count
SELECT count(*) FROM district;

-- name: district_by_source
SELECT id, content_hash FROM district WHERE dataset = ?1::text AND source_id = ?2::text;

-- name: district_by_name
SELECT id, content_hash FROM district WHERE name_uk = ?1::text;

-- RETURNING id: the engine's last insert id.
-- name: district_insert
INSERT INTO district (dataset, content_hash, geom, source_id, name_uk, name_en)
VALUES (:dataset, :content_hash, ST_GeomFromWKB(:wkb::bytea, 4326), :source_id, :name_uk, :name_en)
RETURNING id;

-- name: district_update
UPDATE district SET content_hash = :content_hash, geom = ST_GeomFromWKB(:wkb::bytea, 4326),
  source_id = :source_id, name_uk = :name_uk, name_en = :name_en,
  updated_at = sp_now()
WHERE id = :id;

-- name: district_json
SELECT sp_json_text(json_build_object('id', id, 'dataset', dataset, 'source_id', source_id, 'name_uk', name_uk,
  'name_en', name_en, 'geometry', ST_AsGeoJSON(geom, 7)::json))
FROM district WHERE id = ?1::bigint;

-- name: zone_by_source
SELECT id, content_hash, dataset, (deleted_at IS NOT NULL)::int,
  EXISTS (SELECT 1 FROM field_origin
           WHERE entity = 'protection_zone' AND entity_id = protection_zone.id)::int
FROM protection_zone WHERE dataset = ?1::text AND source_id = ?2::text;

-- RETURNING id: the engine's last insert id.
-- name: zone_insert
INSERT INTO protection_zone (dataset, content_hash, geom, source_id, zone_type, monument_id,
  name_uk, decision, source)
VALUES (:dataset, :content_hash, ST_GeomFromWKB(:wkb::bytea, 4326), :source_id, :zone_type, :monument_id, :name_uk, :decision, :source)
RETURNING id;

-- name: zone_update
UPDATE protection_zone SET content_hash = :content_hash, geom = ST_GeomFromWKB(:wkb::bytea, 4326),
  source_id = :source_id, zone_type = :zone_type, monument_id = :monument_id, name_uk = :name_uk, decision = :decision,
  source = :source, version = version + 1, deleted_at = NULL,
  updated_at = sp_now()
WHERE id = :id;

-- name: zone_json
SELECT sp_json_text(json_build_object('id', id, 'dataset', dataset, 'source_id', source_id,
  'zone_type', zone_type, 'monument_id', monument_id, 'name_uk', name_uk,
  'decision', decision, 'source', source, 'version', version,
  'geometry', ST_AsGeoJSON(geom, 7)::json))
FROM protection_zone WHERE id = ?1::bigint;

-- name: zone_state
SELECT version, (deleted_at IS NOT NULL)::int, content_hash FROM protection_zone WHERE id = ?1::bigint;

-- name: zone_live
SELECT count(*) FROM protection_zone WHERE id = ?1::bigint AND deleted_at IS NULL;

-- name: zone_record
SELECT source_id, zone_type, monument_id, name_uk, decision, source, ST_AsBinary(geom) AS wkb,
  ST_X(ST_PointOnSurface(geom)) AS marker_x, ST_Y(ST_PointOnSurface(geom)) AS marker_y, version,
  (deleted_at IS NOT NULL)::int AS is_deleted
FROM protection_zone WHERE id = ?1::bigint;

-- One sp_now() for both columns: SQLite's 'now' is one instant per statement.
-- name: zone_soft_delete
UPDATE protection_zone SET deleted_at = n.now, updated_at = n.now, version = version + 1
FROM (SELECT sp_now() AS now) n
WHERE id = ?1::bigint AND version = ?2::bigint AND deleted_at IS NULL;

-- name: report_by_source
SELECT id FROM condition_report WHERE dataset = ?1::text AND source_id = ?2::text;

-- RETURNING id: the engine's last insert id.
-- name: report_insert
INSERT INTO condition_report (monument_id, dataset, source_id,
  report_type, observed_on, event_date, condition, damage_level, damage_extent,
  repeat_hit, priority, trend, description, recommended_actions, source, verification, author,
  next_due)
VALUES (:monument_id, :dataset, :source_key,
  :report_type, :observed_on, :event_date, :condition, :damage_level, :damage_extent,
  :repeat_hit, :priority, :trend, :description, :recommended_actions, :source, coalesce(:verification::text, 'unverified'), :author, :next_due)
RETURNING id;

-- sp_date_add_years (001_init.sql) is SQLite's date(d, '+5 years'). RETURNING id: the
-- engine's last insert id.
-- name: report_create
INSERT INTO condition_report (monument_id, supersedes_id, created_by, submitter_contact,
  report_type, observed_on, event_date, condition, damage_level, damage_extent,
  repeat_hit, priority, trend, description, recommended_actions, source, verification, author,
  next_due)
VALUES (:monument_id, :supersedes_id, :created_by, :submitter_contact,
  :report_type, :observed_on, :event_date, :condition, :damage_level, :damage_extent,
  :repeat_hit, :priority, :trend, :description, :recommended_actions, :source, coalesce(:verification::text, 'unverified'), :author,
  coalesce(:next_due::text, CASE WHEN :report_type::text = 'technical_act'
                     THEN sp_date_add_years(coalesce(:observed_on::text, :event_date::text, 'now'), 5) END))
RETURNING id;

-- name: report_of
SELECT monument_id, EXISTS (SELECT 1 FROM condition_report s WHERE s.supersedes_id = ?1::bigint)::int
FROM condition_report WHERE id = ?1::bigint;

-- string_agg with the vocabularies' order spelled out.
-- name: report_json
SELECT sp_json_text(json_build_object('id', id, 'monument_id', monument_id, 'report_type', report_type,
  'status', status, 'observed_on', observed_on, 'event_date', event_date, 'condition', condition,
  'damage_level', damage_level, 'damage_extent', damage_extent,
  'causes', (SELECT string_agg(rc.cause, ';' ORDER BY v.sort) FROM report_cause rc
     JOIN vocab_cause v ON v.code = rc.cause WHERE rc.report_id = r.id),
  'elements', (SELECT string_agg(re.element, ';' ORDER BY v.sort) FROM report_element re
     JOIN vocab_element v ON v.code = re.element WHERE re.report_id = r.id),
  'repeat_hit', repeat_hit, 'priority', priority, 'trend', trend, 'description', description,
  'recommended_actions', recommended_actions, 'source', source, 'verification', verification,
  'author', author, 'next_due', next_due, 'supersedes_id', supersedes_id))
FROM condition_report r WHERE id = ?1::bigint;

-- The reference's 8 random hex digits come from gen_random_uuid() (random in a v4 uuid's
-- first 32 bits); the year is UTC's, as SQLite's 'now'.
-- name: citizen_insert
INSERT INTO citizen_report (ref, monument_id, lon, lat, description, contact, client)
VALUES (left(sp_now(), 4) || '-' || upper(left(gen_random_uuid()::text, 8)), ?1, ?2, ?3, ?4, ?5, ?6)
RETURNING id, ref;

-- name: citizen_json
SELECT sp_json_text(json_build_object('id', id, 'ref', ref, 'monument_id', monument_id, 'lon', lon, 'lat', lat,
  'description', description, 'contact', contact, 'status', status, 'reason', reason,
  'public_reason', public_reason, 'review_at', review_at, 'report_id', report_id, 'moderated_by', moderated_by, 'moderated_at', moderated_at,
  'created_at', created_at))
FROM citizen_report WHERE id = ?1::bigint;

-- The photos of each report in id order (SQLite's index order); none is [], as in SQLite.
-- name: citizen_list
SELECT sp_json_text(coalesce(json_agg(j ORDER BY id), '[]'::json)) FROM (
  SELECT c.id, json_build_object('id', c.id, 'ref', c.ref, 'monument_id', c.monument_id,
    'monument_name_uk', m.name_uk, 'lon', c.lon, 'lat', c.lat, 'description', c.description,
    'contact', c.contact, 'status', c.status, 'reason', c.reason,
    'public_reason', c.public_reason, 'review_at', c.review_at, 'report_id', c.report_id,
    'created_at', c.created_at,
    'photos', (SELECT coalesce(json_agg(json_build_object('id', p.id, 'media_type', p.media_type,
                 'width', p.width, 'height', p.height, 'bytes', p.bytes, 'taken_at', p.taken_at,
                 'taken_lat', p.taken_lat, 'taken_lon', p.taken_lon, 'photo_id', p.photo_id,
                 'licence', p.licence, 'credit', p.credit,
                 'href', '/moderation/photos/' || p.id) ORDER BY p.id), '[]'::json)
               FROM citizen_photo p WHERE p.citizen_report_id = c.id)) AS j
  FROM citizen_report c LEFT JOIN monument m ON m.id = c.monument_id
  WHERE c.status = ?1::text ORDER BY c.id LIMIT ?2::bigint) l;

-- name: citizen_state
SELECT status, monument_id, description, contact FROM citizen_report WHERE id = ?1::bigint;

-- name: citizen_decide
UPDATE citizen_report SET status = ?2, reason = ?3, report_id = ?4, moderated_by = ?5,
  public_reason = :public_reason, moderated_at = sp_now()
WHERE id = ?1::bigint AND status = 'pending';

-- name: citizen_review
UPDATE citizen_report SET review_at = sp_now()
WHERE id = :id::bigint AND status = 'pending' AND review_at IS NULL;

-- name: citizen_status
SELECT sp_json_text(json_build_object('ref', c.ref,
  'status', CASE c.status WHEN 'approved' THEN 'approved' WHEN 'rejected' THEN 'not_approved'
            ELSE CASE WHEN c.review_at IS NULL THEN 'received' ELSE 'under_review' END END,
  'received_on', substr(c.created_at, 1, 10),
  'decided_on', substr(c.moderated_at, 1, 10),
  'public_reason', CASE WHEN c.status = 'rejected' THEN c.public_reason END,
  'monument_id', CASE WHEN c.status = 'approved' THEN r.monument_id END,
  'photos', (SELECT count(*) FROM citizen_photo p WHERE p.citizen_report_id = c.id)))
FROM citizen_report c LEFT JOIN condition_report r ON r.id = c.report_id
WHERE c.ref = :ref::text;

-- name: citizen_photo_insert
INSERT INTO citizen_photo (citizen_report_id, sha256, media_type, width, height, bytes,
  taken_at, taken_lat, taken_lon, licence, credit)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, :licence, :credit);

-- name: citizen_photo_get
SELECT sha256, media_type FROM citizen_photo WHERE id = ?1::bigint;

-- name: citizen_photos_adopt
INSERT INTO photo (monument_id, condition_report_id, sha256, media_type, width, height, bytes,
  taken_at, taken_lat, taken_lon, author, licence, status)
SELECT ?2::bigint, ?3::bigint, sha256, media_type, width, height, bytes, taken_at, taken_lat,
  taken_lon, coalesce(credit, 'anonymous'), licence,
  CASE WHEN licence IS NULL THEN 'restricted' ELSE 'public' END
FROM citizen_photo WHERE citizen_report_id = ?1::bigint ORDER BY id;

-- name: citizen_photos_link
UPDATE citizen_photo SET photo_id = (SELECT min(p.id) FROM photo p
  WHERE p.condition_report_id = ?2::bigint AND p.sha256 = citizen_photo.sha256)
WHERE citizen_report_id = ?1::bigint;

-- name: citizen_photos_audit
INSERT INTO audit_log (actor, actor_role, action, entity, entity_id, after)
SELECT ?2::text, ?3::text, 'insert', 'photo', photo_id,
  sp_json_text(json_build_object('citizen_report_id', citizen_report_id, 'sha256', sha256))
FROM citizen_photo WHERE citizen_report_id = ?1::bigint AND photo_id IS NOT NULL;

-- RETURNING id: the engine's last insert id.
-- name: photo_insert
INSERT INTO photo (monument_id, condition_report_id, sha256, media_type, width, height, bytes,
  taken_at, taken_lat, taken_lon, author, licence, caption_uk, caption_en, alt_uk, alt_en,
  view, phase, status, uploaded_by)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
  coalesce(?19::text, 'public'), ?20)
RETURNING id;

-- name: report_monument
SELECT monument_id FROM condition_report WHERE id = ?1::bigint;

-- round(x, 2) through numeric (PostgreSQL has no round(float8, int)): half away from zero
-- on the shortest decimal form, where SQLite's printf rounds the binary value; a half-way
-- case can differ in its last digit. location_public is a JSON true/false as in SQLite.
-- name: photo_json
SELECT sp_json_text(json_build_object('id', p.id, 'monument_id', p.monument_id,
  'condition_report_id', p.condition_report_id, 'media_type', p.media_type, 'width', p.width,
  'height', p.height, 'bytes', p.bytes,
  'taken_at', CASE WHEN ?2::int <> 0 OR p.location_public <> 0 THEN p.taken_at END,
  'taken_lat', CASE WHEN ?2::int <> 0 THEN p.taken_lat WHEN p.location_public <> 0 THEN
    CASE WHEN m.location_sensitive <> 0 THEN round(p.taken_lat::numeric, 2)::float8 ELSE p.taken_lat END END,
  'taken_lon', CASE WHEN ?2::int <> 0 THEN p.taken_lon WHEN p.location_public <> 0 THEN
    CASE WHEN m.location_sensitive <> 0 THEN round(p.taken_lon::numeric, 2)::float8 ELSE p.taken_lon END END,
  'location_public', to_json(p.location_public <> 0),
  'author', p.author, 'licence', p.licence, 'caption_uk', p.caption_uk,
  'caption_en', p.caption_en, 'alt_uk', p.alt_uk, 'alt_en', p.alt_en, 'view', p.view,
  'phase', p.phase, 'is_primary', p.is_primary, 'status', p.status,
  'uploaded_at', p.uploaded_at, 'sha256', CASE WHEN ?2::int <> 0 THEN p.sha256 END))
FROM photo p JOIN monument m ON m.id = p.monument_id WHERE p.id = ?1::bigint;

-- name: photo_list
SELECT p.id FROM photo p
WHERE p.monument_id = ?1::bigint AND (?2::int <> 0 OR p.status = 'public')
ORDER BY p.is_primary DESC,
  coalesce(CASE WHEN ?2::int <> 0 OR p.location_public <> 0 THEN p.taken_at END, p.uploaded_at)
    DESC, p.id DESC;

-- iif(:set_x, :x, x) as CASE WHEN :set_x::int <> 0 (SQLite reads the number as a truth value).
-- name: photo_update
UPDATE photo SET author = CASE WHEN :set_author::int <> 0 THEN :author::text ELSE author END,
  licence = CASE WHEN :set_licence::int <> 0 THEN :licence::text ELSE licence END,
  caption_uk = CASE WHEN :set_caption_uk::int <> 0 THEN :caption_uk::text ELSE caption_uk END,
  caption_en = CASE WHEN :set_caption_en::int <> 0 THEN :caption_en::text ELSE caption_en END,
  alt_uk = CASE WHEN :set_alt_uk::int <> 0 THEN :alt_uk::text ELSE alt_uk END,
  alt_en = CASE WHEN :set_alt_en::int <> 0 THEN :alt_en::text ELSE alt_en END,
  view = CASE WHEN :set_view::int <> 0 THEN :view::text ELSE view END,
  phase = CASE WHEN :set_phase::int <> 0 THEN :phase::text ELSE phase END,
  status = CASE WHEN :set_status::int <> 0 THEN :status::text ELSE status END,
  location_public = coalesce(:location_public::int, location_public)
WHERE id = :id::bigint;

-- name: photo_without_consent
SELECT EXISTS (SELECT 1 FROM citizen_photo WHERE photo_id = :id::bigint AND licence IS NULL)::int;

-- name: photo_get
SELECT p.id, p.monument_id, p.sha256, p.media_type, p.status, m.location_sensitive
FROM photo p JOIN monument m ON m.id = p.monument_id
WHERE p.id = ?1::bigint AND m.deleted_at IS NULL;

-- name: photo_by_sha
SELECT (EXISTS (SELECT 1 FROM photo WHERE sha256 = ?1::text)
    OR EXISTS (SELECT 1 FROM citizen_photo WHERE sha256 = ?1::text))::int;

-- name: monument_live
SELECT count(*) FROM monument WHERE id = ?1::bigint AND deleted_at IS NULL;

-- name: report_cause_insert
INSERT INTO report_cause (report_id, cause) VALUES (?1, ?2);

-- name: report_element_insert
INSERT INTO report_element (report_id, element) VALUES (?1, ?2);

-- ---- OGC API items (see schemas/queries.sql; storage/items.c composes the fragments) ----
-- A q= value is a tsquery the C composes ('a' | 'b':*) & ('c'), bound as ?::tsquery.

-- ST_FlipCoordinates for SwapCoords; :srid, :swap, :decimals cast (untyped parameters);
-- ST_AsGeoJSON's options 0: no "crs" member for an SRID other than 4326 (SpatiaLite writes
-- none). ST_Transform can differ from SpatiaLite's in the last decimals.
-- name: frag_monuments_select
SELECT m.id, m.uid, m.name_uk, m.name_en, m.significance, m.object_kind, m.kinds,
  m.protection_no, m.register_act, m.register_date, m.dating, m.year_from, m.year_to,
  m.address, m.district, m.cadastral_no, m.protected_subject, m.agreement_no,
  m.agreement_date, m.passport_ref, m.wikidata, m.wlm_id, m.location_sensitive, m.description,
  m.condition, m.last_inspected, m.dataset, m.source_id, m.source, m.version, m.created_at,
  m.updated_at, m.deleted_at,
  ST_AsGeoJSON(CASE WHEN :swap::int <> 0 THEN ST_FlipCoordinates(CASE :srid::int WHEN 4326 THEN m.pub_geom
    ELSE ST_Transform(m.pub_geom, :srid::int) END) ELSE CASE :srid::int WHEN 4326 THEN m.pub_geom
    ELSE ST_Transform(m.pub_geom, :srid::int) END END, :decimals::int, 0) AS geometry

-- name: frag_monuments_from
 FROM monument_v m WHERE 1 = 1

-- A plain JOIN: PostgreSQL has no CROSS JOIN ... ON, and its planner picks the order.
-- name: frag_monuments_from_fts
 FROM monument_fts f JOIN monument_v m ON m.id = f.rowid WHERE 1 = 1

-- name: frag_monuments_q_driving
 AND f.tsv @@ ?::tsquery

-- name: frag_order_by_hit
 ORDER BY f.rowid LIMIT :limit::bigint OFFSET :offset::bigint

-- name: frag_monuments_count
SELECT count(*) FROM monument m WHERE 1 = 1

-- The box predicate beside the column ones lets the boxes' GiST index answer.
-- name: frag_monuments_bbox
 AND m.id IN (SELECT pkid FROM idx_monument_pub
              WHERE xmax >= :minx::float8 AND xmin <= :maxx::float8 AND ymax >= :miny::float8
                AND ymin <= :maxy::float8
                AND box(point(xmin, ymin), point(xmax, ymax))
                    && box(point(:minx, :miny), point(:maxx, :maxy)))
 AND (ST_XMin(m.pub_geom) >= :minx AND ST_YMin(m.pub_geom) >= :miny
      AND ST_XMax(m.pub_geom) <= :maxx AND ST_YMax(m.pub_geom) <= :maxy
      OR ST_Intersects(m.pub_geom, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)))

-- name: frag_monuments_count_rtree
SELECT count(*) FROM idx_monument_pub r
WHERE r.xmax >= :minx::float8 AND r.xmin <= :maxx::float8 AND r.ymax >= :miny::float8
  AND r.ymin <= :maxy::float8
  AND box(point(r.xmin, r.ymin), point(r.xmax, r.ymax)) && box(point(:minx, :miny), point(:maxx, :maxy))
  AND (r.xmin >= :minx AND r.ymin >= :miny AND r.xmax <= :maxx AND r.ymax <= :maxy
       OR EXISTS (SELECT 1 FROM monument m WHERE m.id = r.pkid
                  AND ST_Intersects(m.pub_geom, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326))))
  AND r.pkid NOT IN (SELECT id FROM monument WHERE deleted_at IS NOT NULL)

-- name: frag_count_rtree_q
  AND r.pkid IN (SELECT rowid FROM monument_fts WHERE tsv @@ ?::tsquery)

-- name: frag_monuments_count_all
SELECT (SELECT count(*) FROM monument) - (SELECT count(*) FROM monument WHERE deleted_at IS NOT NULL)

-- name: frag_monuments_count_fts
SELECT count(*) FROM monument_fts WHERE tsv @@ ?::tsquery
  AND rowid NOT IN (SELECT id FROM monument WHERE deleted_at IS NOT NULL)

-- name: frag_monuments_kind
 AND m.id IN (SELECT monument_id FROM monument_kind WHERE kind = ?::text)

-- name: frag_damaged_since
 AND m.id IN (SELECT monument_id FROM damage_event WHERE day >= ?::text)

-- name: frag_act_overdue
 AND m.id NOT IN (SELECT monument_id FROM technical_act_current)

-- name: frag_hit_again
 AND m.id IN (SELECT monument_id FROM hit_again)

-- name: frag_has_photo
 AND EXISTS (SELECT 1 FROM photo p WHERE p.monument_id = m.id)

-- name: frag_no_photo
 AND NOT EXISTS (SELECT 1 FROM photo p WHERE p.monument_id = m.id)

-- name: frag_has_agreement
 AND m.agreement_no IS NOT NULL

-- name: frag_no_agreement
 AND m.agreement_no IS NULL

-- The rows' order spelled out (SQLite's comes from sorting each GROUP BY: its key, NULL
-- first); the labels that SQLite takes as bare columns are grouped by (one row
-- per key: district.name_uk and the vocabularies' codes are unique).
-- name: stats
WITH live AS (SELECT * FROM monument WHERE deleted_at IS NULL)
SELECT g, k, uk, en, n FROM (
SELECT 1 AS b, 'total' AS g, NULL::text AS k, 'усього' AS uk, 'total' AS en, count(*) AS n FROM live
UNION ALL
SELECT 2, 'district', l.district, l.district, coalesce(d.name_en, l.district), count(*)
  FROM live l LEFT JOIN district d ON d.name_uk = l.district GROUP BY l.district, d.name_en
UNION ALL
SELECT 3, 'condition', l.condition, coalesce(v.label_uk, 'не обстежено'),
       coalesce(v.label_en, 'not inspected'), count(*)
  FROM live l LEFT JOIN vocab_condition v ON v.code = l.condition
 GROUP BY l.condition, v.label_uk, v.label_en
UNION ALL
SELECT 4, 'significance', l.significance, coalesce(v.label_uk, 'не визначено'),
       coalesce(v.label_en, 'not set'), count(*)
  FROM live l LEFT JOIN vocab_significance v ON v.code = l.significance
 GROUP BY l.significance, v.label_uk, v.label_en
UNION ALL
SELECT 5, 'question', 'emergency', 'в аварійному стані', 'in emergency condition', count(*)
  FROM live WHERE condition = 'emergency'
UNION ALL
SELECT 6, 'question', 'act_overdue', 'технічний акт старший за 5 років або відсутній',
       'technical act older than 5 years or none', count(*)
  FROM live WHERE id NOT IN (SELECT monument_id FROM technical_act_current)
UNION ALL
SELECT 7, 'question', 'hit_again', 'пошкоджені більше одного разу', 'damaged more than once', count(*)
  FROM live WHERE id IN (SELECT monument_id FROM hit_again)
UNION ALL
SELECT 8, 'question', 'no_photo', 'без фото', 'no photo', count(*)
  FROM live m WHERE NOT EXISTS (SELECT 1 FROM photo p WHERE p.monument_id = m.id)
UNION ALL
SELECT 9, 'question', 'no_agreement', 'без охоронного договору', 'no protection agreement', count(*)
  FROM live WHERE agreement_no IS NULL
UNION ALL
SELECT 10, 'damage_month', substr(e.day, 1, 7), substr(e.day, 1, 7), substr(e.day, 1, 7),
       count(*)
  FROM damage_event e JOIN live l ON l.id = e.monument_id
 WHERE e.day >= '2022-02-24' GROUP BY substr(e.day, 1, 7)) s
ORDER BY b, k NULLS FIRST;

-- name: frag_monuments_q
 AND m.id IN (SELECT rowid FROM monument_fts WHERE tsv @@ ?::tsquery)

-- name: frag_not_deleted
 AND m.deleted_at IS NULL

-- strftime('%Y-%m-%dT%H:%M:%fZ', ?) is 001_init.sql's sp_strftime_ms: SQLite's reading of
-- the instant (a day past its month's end runs on, the millisecond rounded as SQLite does).
-- name: frag_changed_since
 AND (m.updated_at > sp_strftime_ms(?) OR m.deleted_at > sp_strftime_ms(?))
-- ---- from frag_reports_since on --------------------------------------------------------
-- Conventions: values arrive as untyped text, so a parameter whose type PostgreSQL cannot
-- infer is cast (:minx::float8, ?5::int <> 0 where SQLite takes a number as a boolean).
-- Parameters are exactly the SQLite twin's, so the map statements leave numbers out as there
-- (map_monuments ?10; map_monuments_of_significance ?6, ?10; frag_map_points ?5, ?6;
-- map_damage ?6) and map.c binds ?1..?13 to each: the engine must give a type (text) to a
-- number below the largest that the text never names (PostgreSQL cannot infer one: "could not
-- determine data type of parameter $10") and ignore one above it, as SQLite does.
-- The R*Tree twins hold SQLite's float32 bounds rounded outward; their box(...) && box(...)
-- uses the GiST index. Timestamps: 001_init.sql's sp_now() is SQLite's
-- strftime('%Y-%m-%dT%H:%M:%fZ', 'now'). Text compares bytewise as in SQLite (001_init.sql wants a C collation).
-- GeoJSON (ST_AsGeoJSON for AsGeoJSON) is SpatiaLite's text but for two cases: a value whose
-- shortest decimal form ends in 5 just past the decimals asked (50.3985785 at 6: PostGIS
-- 50.398578, SpatiaLite 50.398579), and a value nearer 0 than about 1e-8 (PostGIS 1e-9,
-- SpatiaLite 0).

-- sp_strftime_ms as in frag_changed_since.
-- name: frag_reports_since
 AND m.created_at > sp_strftime_ms(?)

-- name: frag_monuments_id
 AND m.id = ?

-- name: frag_order_by_id
 ORDER BY m.id LIMIT :limit OFFSET :offset

-- name: frag_order_by
 ORDER BY

-- name: frag_is_null
 IS NULL,

-- name: frag_asc
 ASC,

-- name: frag_desc
 DESC,

-- name: frag_then_id
 m.id LIMIT :limit OFFSET :offset

-- ST_AsGeoJSON options 0: no "crs" member for other SRIDs (PostGIS adds one by default),
-- as SpatiaLite's AsGeoJSON.
-- name: frag_zones_select
SELECT m.id, m.zone_type, m.name_uk, m.decision, m.monument_id, m.source, m.version,
  m.created_at, m.updated_at, m.deleted_at,
  ST_AsGeoJSON(CASE WHEN :swap::int <> 0 THEN ST_FlipCoordinates(CASE :srid::int WHEN 4326
    THEN m.pub_geom ELSE ST_Transform(m.pub_geom, :srid::int) END) ELSE CASE :srid::int
    WHEN 4326 THEN m.pub_geom ELSE ST_Transform(m.pub_geom, :srid::int) END END,
    :decimals::int, 0) AS geometry
FROM protection_zone_pub m WHERE 1 = 1

-- name: frag_zones_count
SELECT count(*) FROM protection_zone_pub m WHERE 1 = 1

-- name: frag_zones_bbox
 AND m.id IN (SELECT pkid FROM idx_protection_zone_geom
               WHERE xmax >= :minx::float8 - 0.01 AND xmin <= :maxx::float8 + 0.01
                 AND ymax >= :miny::float8 - 0.01 AND ymin <= :maxy::float8 + 0.01
                 AND box(point(xmin, ymin), point(xmax, ymax))
                     && box(point(:minx::float8 - 0.01, :miny::float8 - 0.01),
                            point(:maxx::float8 + 0.01, :maxy::float8 + 0.01)))
 AND (ST_XMin(m.pub_geom) >= :minx::float8 AND ST_YMin(m.pub_geom) >= :miny::float8
      AND ST_XMax(m.pub_geom) <= :maxx::float8 AND ST_YMax(m.pub_geom) <= :maxy::float8
      OR ST_Intersects(m.pub_geom, ST_MakeEnvelope(:minx::float8, :miny::float8, :maxx::float8,
                                                   :maxy::float8, 4326)))

-- group_concat over an ordered subquery -> string_agg(... ORDER BY); GeoJSON as in
-- frag_zones_select.
-- name: frag_reports_select
SELECT m.id, mo.uid AS monument_uid, m.monument_id, mo.name_uk AS monument_name_uk,
  m.report_type, m.observed_on, m.event_date, m.condition, m.damage_level, m.damage_extent,
  (SELECT string_agg(rc.cause, ';' ORDER BY v.sort) FROM report_cause rc
     JOIN vocab_cause v ON v.code = rc.cause WHERE rc.report_id = m.id) AS causes,
  (SELECT string_agg(re.element, ';' ORDER BY v.sort) FROM report_element re
     JOIN vocab_element v ON v.code = re.element WHERE re.report_id = m.id) AS elements,
  m.repeat_hit, m.priority, m.trend, m.description, m.recommended_actions, m.source,
  m.verification, m.next_due, m.supersedes_id,
  (SELECT s.id FROM condition_report s WHERE s.supersedes_id = m.id) AS superseded_by,
  m.created_at,
  ST_AsGeoJSON(CASE WHEN :swap::int <> 0 THEN ST_FlipCoordinates(CASE :srid::int WHEN 4326
    THEN mo.pub_marker ELSE ST_Transform(mo.pub_marker, :srid::int) END) ELSE CASE :srid::int
    WHEN 4326 THEN mo.pub_marker ELSE ST_Transform(mo.pub_marker, :srid::int) END END,
    :decimals::int, 0) AS geometry
FROM condition_report m JOIN monument mo ON mo.id = m.monument_id
WHERE m.status = 'approved' AND m.verification <> 'rejected' AND mo.deleted_at IS NULL

-- name: frag_reports_count
SELECT count(*) FROM condition_report m JOIN monument mo ON mo.id = m.monument_id
WHERE m.status = 'approved' AND m.verification <> 'rejected' AND mo.deleted_at IS NULL

-- name: frag_reports_bbox
 AND mo.id IN (SELECT pkid FROM idx_monument_pub
               WHERE xmax >= :minx::float8 AND xmin <= :maxx::float8 AND ymax >= :miny::float8
                 AND ymin <= :maxy::float8
                 AND box(point(xmin, ymin), point(xmax, ymax))
                     && box(point(:minx::float8, :miny::float8),
                            point(:maxx::float8, :maxy::float8)))
 AND ST_X(mo.pub_marker) BETWEEN :minx::float8 AND :maxx::float8
 AND ST_Y(mo.pub_marker) BETWEEN :miny::float8 AND :maxy::float8

-- A box of no width: SpatiaLite's ST_Segmentize answers NULL for a length of 0 (the C's 400
-- "cannot be transformed"), PostGIS's raises an error, so the length is NULL there.
-- name: bbox_to_4326
SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM
  (SELECT ST_Transform(ST_Segmentize(ST_MakeEnvelope(?1::float8, ?2::float8, ?3::float8,
                                                     ?4::float8, ?5::int),
                                     CASE WHEN ?3::float8 > ?1::float8
                                          THEN (?3::float8 - ?1::float8) / 16.0 END), 4326) AS b) t;

-- name: data_version
SELECT coalesce((SELECT id FROM audit_log WHERE entity <> 'citizen_report'
                 ORDER BY id DESC LIMIT 1), 0);

-- There is no R*Tree node to read: the same blob is made of the index's bounds (float32
-- already, as SQLite's), one cell of a root node (depth 0, 1 cell, row id 0, then min x,
-- max x, min y, max y as big-endian float32). SQLite's root has a cell per child, whose union
-- is this cell: storage/items.c reads the same extent; NULL when the index is empty. Reads
-- every row of the index (SQLite: a node).
-- name: monuments_extent
SELECT '\x000000010000000000000000'::bytea
       || (SELECT string_agg(float4send(v::float4), ''::bytea ORDER BY k)
             FROM (VALUES (1, min(xmin)), (2, max(xmax)), (3, min(ymin)), (4, max(ymax))) c (k, v))
          AS data
FROM idx_monument_pub;

-- A count of the index table's rows (SQLite counts its R*Tree's small rowid table).
-- name: monuments_pub_count
SELECT count(*) FROM idx_monument_pub;

-- As monuments_extent.
-- name: zones_extent
SELECT '\x000000010000000000000000'::bytea
       || (SELECT string_agg(float4send(CASE WHEN d * v::float4 < d * v
                                             THEN (v * (1 + d * sign(v) / 8388608.0))::float4
                                             ELSE v::float4 END), ''::bytea ORDER BY k)
             FROM (VALUES (1, min(xmin), -1), (2, max(xmax), 1), (3, min(ymin), -1),
                          (4, max(ymax), 1)) c (k, v, d)) AS data
FROM idx_protection_zone_geom;

-- CAST(x AS INTEGER) truncates in SQLite, ::bigint rounds: floor() (x is positive). Between
-- cells of equal count SQLite and PostgreSQL may pick different ones.
-- name: monuments_densest_cell
SELECT avg((xmin + xmax) / 2) AS lon, avg((ymin + ymax) / 2) AS lat, count(*) AS n
  FROM idx_monument_pub
 WHERE pkid % :step::bigint = 0
 GROUP BY floor(((xmin + xmax) / 2 + 180) / :cell::float8),
          floor(((ymin + ymax) / 2 + 90) / :cell::float8)
 ORDER BY n DESC
 LIMIT 1;

-- name: monuments_time_extent
SELECT (SELECT min(year_from) FROM monument WHERE deleted_at IS NULL),
       (SELECT max(year_to) FROM monument WHERE deleted_at IS NULL);

-- name: frag_monuments_time_from
 AND m.year_to >= substr(?::text, 1, 4)::bigint

-- name: frag_monuments_time_to
 AND m.year_from <= substr(?::text, 1, 4)::bigint

-- name: frag_zones_time_from
 AND m.updated_at >= ?

-- name: frag_zones_time_to
 AND m.updated_at <= ?

-- name: frag_reports_time_from
 AND coalesce(m.observed_on, m.event_date) >= ?

-- name: frag_reports_time_to
 AND coalesce(m.observed_on, m.event_date) <= ?

-- name: map_monuments
SELECT m.id, ST_X(m.pub_marker), ST_Y(m.pub_marker),
  m.condition, m.significance,
  CASE WHEN ?5::int <> 0
       THEN coalesce(CASE WHEN ?13::text = 'en' THEN m.name_en END, m.name_uk) END,
  CASE WHEN ?6::int <> 0 AND GeometryType(m.pub_geom) IN ('POLYGON', 'MULTIPOLYGON')
       THEN ST_AsBinary(m.pub_geom) END,
  coalesce(s.sort, 99) AS rank
FROM monument m LEFT JOIN vocab_significance s ON s.code = m.significance
WHERE m.id IN (SELECT pkid FROM idx_monument_pub
               WHERE xmax >= ?1::float8 AND xmin <= ?3::float8 AND ymax >= ?2::float8
                 AND ymin <= ?4::float8
                 AND box(point(xmin, ymin), point(xmax, ymax))
                     && box(point(?1::float8, ?2::float8), point(?3::float8, ?4::float8)))
  AND m.deleted_at IS NULL
  AND (?7::text IS NULL OR m.significance = ?7::text)
  AND (?8::text IS NULL OR m.condition = ?8::text)
  AND (?9::text IS NULL OR m.id IN (SELECT monument_id FROM monument_kind WHERE kind = ?9::text))
  AND (?11::text IS NULL OR m.district = ?11::text)
  AND (?12::text IS NULL OR m.id IN (SELECT monument_id FROM damage_event WHERE day >= ?12::text))
ORDER BY 8, 1;

-- min(a, b) -> least(a, b).
-- name: map_monuments_of_significance
SELECT m.id, ST_X(m.pub_marker), ST_Y(m.pub_marker),
  m.condition, m.significance,
  CASE WHEN ?5::int <> 0
       THEN coalesce(CASE WHEN ?13::text = 'en' THEN m.name_en END, m.name_uk) END,
  NULL, coalesce(s.sort, 99) AS rank
FROM idx_map_point p
JOIN monument m ON m.id = p.key >> 8
LEFT JOIN vocab_significance s ON s.code = m.significance
WHERE p.xmax >= ?1::float8 AND p.xmin <= ?3::float8 AND p.ymax >= ?2::float8
  AND p.ymin <= ?4::float8
  AND box(point(p.xmin, p.ymin), point(p.xmax, p.ymax))
      && box(point(?1::float8, ?2::float8), point(?3::float8, ?4::float8))
  AND (p.key & 1) = 0
  AND (p.key >> 1) & 15 = (SELECT least(sort, 15) FROM vocab_significance WHERE code = ?7::text)
  AND m.significance = ?7::text AND m.deleted_at IS NULL
  AND (?8::text IS NULL OR m.condition = ?8::text)
  AND (?9::text IS NULL OR m.id IN (SELECT monument_id FROM monument_kind WHERE kind = ?9::text))
  AND (?11::text IS NULL OR m.district = ?11::text)
  AND (?12::text IS NULL OR m.id IN (SELECT monument_id FROM damage_event WHERE day >= ?12::text))
ORDER BY 8, 1;

-- name: frag_map_points
SELECT key >> 8, xmin, ymin, (key >> 5) & 7, (key >> 1) & 15, NULL, NULL, (key >> 1) & 15
FROM idx_map_point
WHERE xmax >= ?1::float8 AND xmin <= ?3::float8 AND ymax >= ?2::float8 AND ymin <= ?4::float8
  AND box(point(xmin, ymin), point(xmax, ymax))
      && box(point(?1::float8, ?2::float8), point(?3::float8, ?4::float8))
  AND (key & 1) = 0
  AND (?7::text IS NULL
       OR (key >> 1) & 15 = (SELECT sort FROM vocab_significance WHERE code = ?7::text))
  AND (?8::text IS NULL
       OR (key >> 5) & 7 = (SELECT sort FROM vocab_condition WHERE code = ?8::text))

-- name: frag_map_points_order
 ORDER BY 8, 1

-- name: map_vocab_sorts
SELECT 0, sort, code FROM vocab_condition UNION ALL SELECT 1, sort, code FROM vocab_significance;

-- julianday(t) = seconds since 1970 / 86400 + 2440587.5 (t::timestamp reads a date or an ISO
-- time and drops its "Z", which is UTC).
-- name: map_damage
SELECT m.id, ST_X(m.pub_marker), ST_Y(m.pub_marker),
  m.condition, m.significance,
  CASE WHEN ?5::int <> 0
       THEN coalesce(CASE WHEN ?13::text = 'en' THEN m.name_en END, m.name_uk) END,
  NULL, d.damage_level,
  ?10::float8 - (extract(epoch FROM d.at::timestamp)::float8 / 86400 + 2440587.5) AS age
FROM monument m
JOIN (SELECT r.monument_id, r.damage_level,
             coalesce(r.event_date, r.observed_on, r.created_at) AS at,
             row_number() OVER (PARTITION BY r.monument_id
                                ORDER BY coalesce(r.event_date, r.observed_on, r.created_at) DESC,
                                         r.id DESC) AS n
      FROM condition_report r
      WHERE r.report_type = 'damage' AND r.status = 'approved' AND r.verification <> 'rejected'
        AND r.monument_id IN (SELECT pkid FROM idx_monument_pub
                              WHERE xmax >= ?1::float8 AND xmin <= ?3::float8
                                AND ymax >= ?2::float8 AND ymin <= ?4::float8
                                AND box(point(xmin, ymin), point(xmax, ymax))
                                    && box(point(?1::float8, ?2::float8),
                                           point(?3::float8, ?4::float8)))) d
  ON d.monument_id = m.id AND d.n = 1
WHERE m.deleted_at IS NULL
  AND ST_X(m.pub_marker) BETWEEN ?1::float8 AND ?3::float8
  AND ST_Y(m.pub_marker) BETWEEN ?2::float8 AND ?4::float8
  AND (?7::text IS NULL OR m.significance = ?7::text)
  AND (?8::text IS NULL OR m.condition = ?8::text)
  AND (?9::text IS NULL OR m.id IN (SELECT monument_id FROM monument_kind WHERE kind = ?9::text))
  AND (?11::text IS NULL OR m.district = ?11::text)
  AND (?12::text IS NULL OR m.id IN (SELECT monument_id FROM damage_event WHERE day >= ?12::text))
ORDER BY d.at, m.id;

-- name: map_zones
SELECT z.id, 0, 0, NULL, NULL, CASE WHEN ?5::int <> 0 THEN z.name_uk END, ST_AsBinary(z.pub_geom)
FROM protection_zone_pub z
WHERE z.id IN (SELECT pkid FROM idx_protection_zone_geom
               WHERE xmax >= ?1::float8 - 0.01 AND xmin <= ?3::float8 + 0.01
                 AND ymax >= ?2::float8 - 0.01 AND ymin <= ?4::float8 + 0.01
                 AND box(point(xmin, ymin), point(xmax, ymax))
                     && box(point(?1::float8 - 0.01, ?2::float8 - 0.01),
                            point(?3::float8 + 0.01, ?4::float8 + 0.01)))
  AND z.deleted_at IS NULL
ORDER BY z.id;

-- ---- the tile cache and MBTiles (storage/tilecache.c) --------------------------------------
-- Both are SQLite files of their own whatever the registry's engine (sp_db_tilecache_open and
-- the MBTiles export open them with sqlite3_open_v2; MBTiles is an SQLite format), so these
-- statements never run on PostgreSQL: empty bodies.

-- name: exec_tilecache_schema
-- SQLite only: the tile cache is an SQLite file beside the registry.

-- name: tile_get
-- SQLite only (the tile cache).

-- name: tile_touch
-- SQLite only (the tile cache).

-- name: tile_blob_put
-- SQLite only (the tile cache).

-- name: tile_put
-- SQLite only (the tile cache).

-- name: tile_meta_get
-- SQLite only (the tile cache).

-- name: tile_seen_set
-- SQLite only (the tile cache).

-- name: tile_drop_range
-- SQLite only (the tile cache).

-- name: tile_drop_all
-- SQLite only (the tile cache).

-- name: tile_count
-- SQLite only (the tile cache).

-- name: tile_evict
-- SQLite only (the tile cache).

-- name: tile_blob_orphans
-- SQLite only (the tile cache).

-- name: exec_mbtiles_schema
-- SQLite only: an MBTiles file is an SQLite database.

-- name: table_count
-- SQLite only: asked of an MBTiles file (sqlite_master), never of the registry.

-- name: mbtiles_meta
-- SQLite only (MBTiles).

-- name: mbtiles_put
-- SQLite only (MBTiles).

-- ---- accounts and tokens (storage/users.c) ---------------------------------------------
-- name: user_insert
INSERT INTO app_user (login, password_hash, role, display_name) VALUES (?1, ?2, ?3, ?4);

-- name: user_set_password
UPDATE app_user SET password_hash = :hash WHERE login = :login RETURNING disabled;

-- name: user_disable
UPDATE app_user SET disabled = 1 WHERE login = ?1;

-- name: user_tokens_revoke
UPDATE api_token SET revoked_at = sp_now()
WHERE revoked_at IS NULL AND user_id = (SELECT id FROM app_user WHERE login = :login);

-- name: user_by_login
SELECT id, password_hash, role, disabled FROM app_user WHERE login = ?1;

-- strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?3): ?3 is a SQLite modifier ("+12 hours",
-- routes_auth.c), which PostgreSQL reads as an interval; whole seconds (sp_now_seconds()).
-- name: token_insert
INSERT INTO api_token (user_id, token_hash, expires_at)
VALUES (?1, ?2, to_char(clock_timestamp() AT TIME ZONE 'UTC' + ?3::interval,
                        'YYYY-MM-DD"T"HH24:MI:SS"Z"'));

-- last_insert_rowid() -> the value api_token's identity gave last in this session.
-- name: token_expires
SELECT expires_at FROM api_token WHERE id = currval(pg_get_serial_sequence('api_token', 'id'));

-- name: token_user
SELECT u.id, u.login, u.role, t.expires_at FROM api_token t JOIN app_user u ON u.id = t.user_id
WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0
  AND t.expires_at > sp_now_seconds();

-- name: token_revoke
UPDATE api_token SET revoked_at = sp_now()
WHERE token_hash = ?1 AND revoked_at IS NULL;

-- name: role_exists
SELECT count(*) FROM vocab_role WHERE code = ?1;

-- ---- editing (OGC API - Features Part 4; storage/monument.c) ----------------------------
-- name: monument_state
SELECT version, (deleted_at IS NOT NULL)::int, content_hash FROM monument WHERE id = ?1;

-- name: monument_record
SELECT source_id, protection_no, register_act, register_date, significance, object_kind, kinds,
  name_uk, name_en, dating, year_from, year_to, address, district, cadastral_no,
  protected_subject, agreement_no, agreement_date, passport_ref, wikidata, wlm_id,
  location_sensitive, description, source, ST_AsBinary(geom) AS wkb,
  ST_X(marker) AS marker_x, ST_Y(marker) AS marker_y, version,
  (deleted_at IS NOT NULL)::int AS is_deleted
FROM monument_v WHERE id = ?1;

-- One time for both columns, as SQLite's 'now' is one time for the statement (an
-- uncorrelated subquery runs once; OFFSET 0 keeps sp_now() from being called twice).
-- name: monument_soft_delete
UPDATE monument SET (deleted_at, updated_at) = (SELECT t, t FROM (SELECT sp_now() AS t OFFSET 0) n),
  version = version + 1
WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL;

-- ---- condition reports imported from files (storage/reports_import.c) --------------------
-- name: report_import_mark
SELECT coalesce(max(id), 0) FROM condition_report;

-- temp.report_touched -> pg_temp.report_touched (the session's own, as SQLite's temp). Run
-- inside the bulk transaction: no NOTICE "already exists" from a second import on the
-- connection, for the rest of that transaction only.
-- name: exec_report_bulk_off
SET LOCAL client_min_messages = warning;
CREATE TEMP TABLE IF NOT EXISTS report_touched (
  monument_id bigint PRIMARY KEY,
  approved    bigint NOT NULL,    -- reports that fire the trigger (its WHEN)
  last_id     bigint NOT NULL     -- the last of them, 0 when none
);
DELETE FROM pg_temp.report_touched;

-- name: report_import_find
SELECT id, content_hash FROM condition_report WHERE dataset = ?1 AND source_id = ?2;

-- name: report_import_monument
SELECT id, (deleted_at IS NOT NULL)::int FROM monument WHERE protection_no = :monument;

-- name: report_import_monument_by_source
SELECT id, (deleted_at IS NOT NULL)::int FROM monument
 WHERE dataset = :dataset AND source_id = :monument;

-- RETURNING id (the C takes the new id); date(d, '+5 years') -> 001_init.sql's
-- sp_date_add_years (SQLite's normalisation: 2024-02-29 + 5 years is 2029-03-01).
-- name: report_import_insert
INSERT INTO condition_report (monument_id, dataset, source_id, content_hash,
  report_type, observed_on, event_date, condition, damage_level, damage_extent,
  repeat_hit, priority, trend, description, recommended_actions, source, verification, author,
  next_due)
VALUES (:monument_id, :dataset, :source_key, :content_hash,
  :report_type, :observed_on, :event_date, :condition, :damage_level, :damage_extent,
  :repeat_hit, :priority, :trend, :description, :recommended_actions, :source,
  coalesce(:verification::text, 'unverified'), :author,
  coalesce(:next_due::text, CASE WHEN :report_type::text = 'technical_act'
    THEN sp_date_add_years(coalesce(:observed_on::text, :event_date::text, 'now'), 5) END))
RETURNING id;

-- max(a, b) -> greatest(a, b); the existing row's columns named by table.
-- name: report_touched_note
INSERT INTO pg_temp.report_touched (monument_id, approved, last_id)
VALUES (?1::bigint, ?2::bigint, ?2::bigint * ?3::bigint)
ON CONFLICT (monument_id) DO UPDATE
  SET approved = report_touched.approved + excluded.approved,
      last_id = greatest(report_touched.last_id, excluded.last_id);

-- name: report_touched_slice
SELECT max(monument_id) FROM (SELECT monument_id FROM pg_temp.report_touched
                               WHERE monument_id > ?1 ORDER BY monument_id LIMIT ?2) s;

-- One updated_at for the whole statement, as SQLite's 'now' (an uncorrelated subquery runs
-- once).
-- name: report_bulk_apply
UPDATE monument SET
  condition = (SELECT r.condition FROM condition_report r
                WHERE r.monument_id = monument.id AND r.status = 'approved'
                  AND r.id <= (SELECT t.last_id FROM pg_temp.report_touched t
                                WHERE t.monument_id = monument.id)
                  AND r.verification <> 'rejected' AND r.condition IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM condition_report s WHERE s.supersedes_id = r.id)
                ORDER BY coalesce(r.observed_on, r.event_date, r.created_at) DESC, r.id DESC
                LIMIT 1),
  last_inspected = (SELECT max(coalesce(r.observed_on, r.event_date)) FROM condition_report r
                     WHERE r.monument_id = monument.id AND r.status = 'approved'
                       AND r.id <= (SELECT t.last_id FROM pg_temp.report_touched t
                                     WHERE t.monument_id = monument.id)
                       AND r.report_type IN ('inspection', 'technical_act', 'post_restoration')
                       AND NOT EXISTS (SELECT 1 FROM condition_report s
                                        WHERE s.supersedes_id = r.id)),
  version = version + (SELECT t.approved FROM pg_temp.report_touched t
                        WHERE t.monument_id = monument.id),
  updated_at = (SELECT sp_now())
WHERE id IN (SELECT monument_id FROM pg_temp.report_touched
              WHERE monument_id > ?1 AND monument_id <= ?2 AND approved > 0);

-- CAST(x AS INTEGER) -> floor(x) (x is positive).
-- name: report_bulk_map_change
INSERT INTO map_change (xmin, ymin, xmax, ymax)
SELECT min(g.xmin) - 0.005, min(g.ymin) - 0.005, max(g.xmax) + 0.005, max(g.ymax) + 0.005
FROM idx_monument_geom g
WHERE g.pkid IN (SELECT monument_id FROM pg_temp.report_touched)
GROUP BY floor(g.xmin + 180), floor(g.ymin + 90);

-- name: report_bulk_audit
INSERT INTO audit_log (actor, action, entity, entity_id, import_run_id)
SELECT ?1::text, 'insert', 'condition_report', id, ?2::bigint FROM condition_report
 WHERE id > ?3::bigint ORDER BY id;

-- ---- provenance, conflicts, data sets (storage/provenance.c, schemas/016) ------------------
-- name: origin_of
SELECT field, dataset, actor, at, declined FROM field_origin
 WHERE entity = :entity AND entity_id = :id;

-- name: origin_put
INSERT INTO field_origin (entity, entity_id, field, dataset, actor, actor_role, import_run_id,
  declined)
VALUES (:entity, :id, :field, :dataset, :actor, :role, nullif(:run::bigint, 0), :declined)
ON CONFLICT (entity, entity_id, field) DO UPDATE SET dataset = excluded.dataset,
  actor = excluded.actor, actor_role = excluded.actor_role,
  import_run_id = excluded.import_run_id, declined = excluded.declined,
  at = sp_now();

-- name: origin_decline
INSERT INTO field_origin (entity, entity_id, field, actor, declined)
VALUES (:entity, :id, :field, :actor, :declined)
ON CONFLICT (entity, entity_id, field) DO UPDATE SET declined = excluded.declined;

-- name: origin_forget
DELETE FROM field_origin WHERE entity = :entity AND entity_id = :id AND field = :field;

-- name: origin_forget_all
DELETE FROM field_origin WHERE entity = :entity AND entity_id = :id;

-- name: conflicts_taken
UPDATE import_conflict SET status = 'taken', resolved_by = :by, resolved_at = sp_now()
 WHERE entity = :entity AND entity_id = :id AND kind = 'field' AND status = 'open';

-- A geometry's value as GeoJSON of 7 decimals (ST_AsGeoJSON options 0, as frag_zones_select).
-- name: conflict_refresh
UPDATE import_conflict SET run_id = :run, dataset = :dataset,
  source_value = coalesce(:source_value::text,
                          ST_AsGeoJSON(ST_GeomFromWKB(:source_wkb::bytea, 4326), 7, 0)),
  source_wkb = :source_wkb::bytea,
  current_value = coalesce(:current_value::text,
                           ST_AsGeoJSON(ST_GeomFromWKB(:current_wkb::bytea, 4326), 7, 0)),
  changed_by = :changed_by, changed_at = :changed_at
 WHERE entity = :entity AND entity_id = :id AND field = :field AND kind = 'field'
   AND status = 'open';

-- As conflict_refresh.
-- name: conflict_insert
INSERT INTO import_conflict (run_id, dataset, entity, entity_id, kind, field, source_value,
  source_wkb, current_value, changed_by, changed_at)
VALUES (:run, :dataset, :entity, :id, 'field', :field,
  coalesce(:source_value::text, ST_AsGeoJSON(ST_GeomFromWKB(:source_wkb::bytea, 4326), 7, 0)),
  :source_wkb::bytea,
  coalesce(:current_value::text, ST_AsGeoJSON(ST_GeomFromWKB(:current_wkb::bytea, 4326), 7, 0)),
  :changed_by, :changed_at);

-- name: missing_refresh
UPDATE import_conflict SET run_id = :run, status = CASE WHEN :status::text = 'open' THEN 'open'
  ELSE status END
 WHERE entity = :entity AND entity_id = :id AND kind = 'missing' AND dataset = :dataset
   AND status IN ('open', 'noted');

-- name: missing_insert
INSERT INTO import_conflict (run_id, dataset, entity, entity_id, kind, status, current_value)
SELECT :run::bigint, :dataset::text, :entity::text, :id::bigint, 'missing', :status::text,
  CASE :entity::text WHEN 'monument' THEN (SELECT source_id FROM monument WHERE id = :id::bigint)
    WHEN 'protection_zone' THEN (SELECT source_id FROM protection_zone WHERE id = :id::bigint)
    ELSE (SELECT source_id FROM condition_report WHERE id = :id::bigint) END;

-- LIMIT -1 is no limit in SQLite; PostgreSQL refuses it and takes LIMIT NULL instead.
-- name: conflict_list
SELECT c.id, c.run_id, c.entity_id, c.dataset, c.entity, c.kind, c.field, c.source_value,
  c.current_value, c.changed_by, c.changed_at, c.status, c.resolved_by, c.resolved_at,
  c.created_at, coalesce(m.name_uk, z.name_uk), coalesce(m.source_id, z.source_id, r.source_id)
FROM import_conflict c
LEFT JOIN monument m ON c.entity = 'monument' AND m.id = c.entity_id
LEFT JOIN protection_zone z ON c.entity = 'protection_zone' AND z.id = c.entity_id
LEFT JOIN condition_report r ON c.entity = 'condition_report' AND r.id = c.entity_id
WHERE (:run::bigint = 0 OR c.run_id = :run::bigint)
  AND (:status::text IS NULL OR c.status = :status::text)
ORDER BY c.id DESC LIMIT CASE WHEN :limit::bigint >= 0 THEN :limit::bigint END;

-- name: conflict_get
SELECT entity, entity_id, kind, field, dataset, source_value, source_wkb, status
FROM import_conflict WHERE id = :id;

-- name: conflict_resolve
UPDATE import_conflict SET status = :status, resolved_by = :by, resolved_at = sp_now()
 WHERE id = :id;

-- json_object -> row_to_json of a row with the keys as column names: the same text as
-- SQLite's (no spaces, keys in order; json_build_object would write "key" : value).
-- name: conflict_json
SELECT row_to_json(c)::text FROM
  (SELECT id, run_id, dataset, entity, entity_id, kind, field, source_value, current_value,
          changed_by, changed_at, status, resolved_by, resolved_at
     FROM import_conflict WHERE id = ?1) c;

-- name: point_on_surface
SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(ST_GeomFromWKB(:wkb::bytea, 4326)) AS p) s;

-- name: monument_dataset
SELECT dataset FROM monument WHERE id = :id;

-- name: zone_dataset
SELECT dataset FROM protection_zone WHERE id = :id;

-- name: monument_id_by_source
SELECT id FROM monument WHERE dataset = ?1 AND source_id = ?2;

-- name: zone_id_by_source
SELECT id FROM protection_zone WHERE dataset = ?1 AND source_id = ?2;

-- name: monument_ids_of_dataset
SELECT id FROM monument WHERE dataset = :dataset AND deleted_at IS NULL AND source_id IS NOT NULL;

-- name: zone_ids_of_dataset
SELECT id FROM protection_zone
 WHERE dataset = :dataset AND deleted_at IS NULL AND source_id IS NOT NULL;

-- name: report_ids_of_dataset
SELECT id FROM condition_report WHERE dataset = :dataset AND source_id IS NOT NULL;

-- The stored row's columns named by table (SQLite's upsert reads them unqualified).
-- name: dataset_put
INSERT INTO dataset (name, title, publisher, licence, licence_url, attribution, url, retrieved)
VALUES (:name, :title, :publisher, coalesce(:licence::text, 'unknown'), :licence_url, :attribution,
  :url, :retrieved)
ON CONFLICT (name) DO UPDATE SET title = coalesce(:title, dataset.title),
  publisher = coalesce(:publisher, dataset.publisher),
  licence = coalesce(:licence, dataset.licence),
  licence_url = coalesce(:licence_url, dataset.licence_url),
  attribution = coalesce(:attribution, dataset.attribution), url = coalesce(:url, dataset.url),
  retrieved = coalesce(:retrieved, dataset.retrieved),
  updated_at = sp_now()
WHERE :title::text IS NOT NULL OR :publisher::text IS NOT NULL OR :licence::text IS NOT NULL
   OR :licence_url::text IS NOT NULL OR :attribution::text IS NOT NULL OR :url::text IS NOT NULL
   OR :retrieved::text IS NOT NULL;

-- name: datasets_present
SELECT name, title, publisher, licence, licence_url, attribution, url, retrieved
FROM dataset d
WHERE EXISTS (SELECT 1 FROM monument WHERE dataset = d.name AND deleted_at IS NULL)
   OR EXISTS (SELECT 1 FROM protection_zone WHERE dataset = d.name AND deleted_at IS NULL)
   OR EXISTS (SELECT 1 FROM district WHERE dataset = d.name)
   OR EXISTS (SELECT 1 FROM condition_report WHERE dataset = d.name AND status = 'approved')
   OR EXISTS (SELECT 1 FROM field_origin WHERE dataset = d.name)
   OR EXISTS (SELECT 1 FROM basemap_source WHERE dataset = d.name)
ORDER BY name;

-- name: monument_datasets
SELECT name, title, publisher, licence, licence_url, attribution, url, retrieved
FROM dataset
WHERE name = (SELECT dataset FROM monument WHERE id = :id)
   OR name IN (SELECT dataset FROM field_origin WHERE entity = 'monument' AND entity_id = :id)
ORDER BY name;

-- ---- the base map (storage/basemap.c, schemas/020_basemap.sql) ---------------------------
-- name: exec_basemap_clear
DELETE FROM basemap_rtree;
DELETE FROM basemap_feature;
DELETE FROM basemap_source;

-- RETURNING id (the C takes the new id).
-- name: basemap_insert
INSERT INTO basemap_feature (dataset, class, name_uk, name_en, wkb)
VALUES (:dataset, :class, :name_uk, :name_en, :wkb)
RETURNING id;

-- name: basemap_rtree_insert
INSERT INTO basemap_rtree (id, xmin, xmax, ymin, ymax, zmin, zmax, pmin, pmax)
VALUES (:id, sp_f32_down(:xmin::float8), sp_f32_up(:xmax::float8), sp_f32_down(:ymin::float8),
        sp_f32_up(:ymax::float8), :zoom, :zoom, :place, :place);

-- name: basemap_source_insert
INSERT INTO basemap_source (dataset, file, features) VALUES (:dataset, :file, :features);

-- name: basemap_map_change
INSERT INTO map_change (xmin, ymin, xmax, ymax) VALUES (NULL, NULL, NULL, NULL);

-- json_object(json_group_array(json_object(...))) written as SQLite writes it: row_to_json
-- per file (json_build_object would write "key" : value), joined by commas in id order.
-- name: basemap_audit
INSERT INTO audit_log (actor, action, entity, entity_id, after)
VALUES ('basemap import', 'update', 'basemap', 1,
        (SELECT '{"files":[' || coalesce(string_agg(row_to_json(f)::text, ',' ORDER BY b.id), '')
                || ']}'
           FROM basemap_source b, LATERAL (SELECT b.dataset, b.file, b.features) f));

-- name: basemap_exists
SELECT (EXISTS (SELECT 1 FROM basemap_feature))::int;

-- name: basemap_features
SELECT f.class, f.name_uk, f.name_en, f.wkb, r.zmin
FROM basemap_rtree r JOIN basemap_feature f ON f.id = r.id
WHERE r.xmax >= :xmin::float8 AND r.xmin <= :xmax::float8 AND r.ymax >= :ymin::float8
  AND r.ymin <= :ymax::float8
  AND box(point(r.xmin, r.ymin), point(r.xmax, r.ymax))
      && box(point(:xmin::float8, :ymin::float8), point(:xmax::float8, :ymax::float8))
  AND r.zmin <= :z::float8 AND r.pmin <= :place::float8 AND r.pmax >= :place::float8
ORDER BY r.id;

-- name: map_districts
SELECT 'district', name_uk, name_en, ST_AsBinary(geom), 0, ST_X(ST_PointOnSurface(geom)),
  ST_Y(ST_PointOnSurface(geom))
FROM district
WHERE id IN (SELECT pkid FROM idx_district_geom
             WHERE xmax >= :xmin::float8 AND xmin <= :xmax::float8 AND ymax >= :ymin::float8
               AND ymin <= :ymax::float8
               AND box(point(xmin, ymin), point(xmax, ymax))
                   && box(point(:xmin::float8, :ymin::float8), point(:xmax::float8, :ymax::float8)))
ORDER BY ST_Area(geom) DESC, id;

-- name: basemap_extent
SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM basemap_rtree;

-- The schema's version, PRAGMA user_version's twin: made with its one row (version 0) on a
-- new database, before the migrations run (storage/db.c); each migration raises it.
-- name: exec_schema_bootstrap
CREATE TABLE IF NOT EXISTS spadok_schema (version integer NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS spadok_schema_one_row ON spadok_schema ((true));
INSERT INTO spadok_schema (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM spadok_schema);

-- ---- search words computed by the C (issue 23, shared conventions rule 4) ----------------
-- monument_fts rows whose words are pending (NULL, put there by the monument triggers): the
-- C computes sp_search_words of these columns and writes them with search_fill before each
-- commit. In the SQLite file the triggers compute them, and its twin returns no rows.
-- name: search_pending
SELECT f.rowid, m.name_uk, m.name_en, m.address, m.protection_no
FROM monument_fts f JOIN monument m ON m.id = f.rowid
WHERE f.words IS NULL
ORDER BY f.rowid
LIMIT 1000;

-- ?1 the words, ?2 the monument id (monument_fts.rowid).
-- name: search_fill
UPDATE monument_fts SET words = ?1 WHERE rowid = ?2;

-- ---- streaming replicas (serve --read-db; storage/db.c sp_db_write_position) --------------
-- Positions in the write-ahead log as bytes from its start (pg_lsn - '0/0'), numbers the C
-- compares. pg_current_wal_lsn() is where the primary has written its log to: asked after a
-- commit returned (synchronous_commit on, the default, waits for the flush), it is at or past
-- that commit's record.
-- name: wal_position
SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint;

-- How far a streaming replica has replayed the primary's log. On a database that is not in
-- recovery (a primary, or a replica since promoted) everything it has is readable: its own
-- write position.
-- name: wal_replayed
SELECT (coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn()) - '0/0'::pg_lsn)::bigint;
