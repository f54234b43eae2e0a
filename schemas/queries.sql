-- schemas/queries.sql - every statement Spadok runs, by name. cmake/embed.c turns each
-- block that starts with a line "-- name: x" into SP_Q_X; storage/db.c prepares them once per connection.
-- Names starting with exec_ are run with sqlite3_exec (several statements, no values).
-- A record's model fields are bound by name, :<field> as model/sp_model.h names it
-- (sp_db_bind_fields); a statement lacking one of its entity's fields fails at its first use.

-- name: exec_connection_setup
-- 8 KiB pages (for a new file; SQLite ignores it once the file has content): half the WAL
-- frames and write calls of 4 KiB pages for a bulk import, and still small for a point read.
PRAGMA page_size = 8192;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = FULL;
PRAGMA busy_timeout = 10000;
PRAGMA temp_store = MEMORY;
PRAGMA cache_size = -32000;

-- name: exec_wal
PRAGMA journal_mode = WAL;

-- name: exec_begin
BEGIN IMMEDIATE;

-- Migrations run with foreign keys off (storage/db.c); outside a transaction only.
-- name: exec_foreign_keys_off
PRAGMA foreign_keys = OFF;

-- name: exec_foreign_keys_on
PRAGMA foreign_keys = ON;

-- name: exec_begin_bulk
BEGIN IMMEDIATE;
PRAGMA defer_foreign_keys = ON;

-- name: exec_bulk_analyze
-- SQLite's plans need no statistics (PostgreSQL's twin gathers them after a bulk import).

-- A bulk transaction drops some triggers and re-creates them at its end from the SQL the
-- schema holds (storage/db.c, sp_db_triggers_off): the migrations' text is the only one.
-- name: trigger_sql
SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1;

-- The monuments a bulk import inserted, as one box for the tile cache (map_change, 004).
-- name: bulk_map_change
INSERT INTO map_change (xmin, ymin, xmax, ymax)
SELECT min(xmin) - 0.005, min(ymin) - 0.005, max(xmax) + 0.005, max(ymax) + 0.005
FROM idx_monument_geom WHERE pkid > ?1 HAVING count(*) > 0;

-- name: map_change_max
SELECT coalesce(max(id), 0) FROM map_change;

-- name: map_changes_since
SELECT id, xmin, ymin, xmax, ymax FROM map_change WHERE id > ?1 ORDER BY id;

-- The boxes of the monuments a bulk import inserted, for storage/rtree.c to put in their
-- R*Trees, all three from one scan: the exact index (SpatiaLite's, 001), the public index
-- (011) and the map's points (012), five columns each, the id NULL where the trigger would
-- write no row. Each is the value its insert trigger writes (001, 011, 012), checked
-- by tests/unit/storage against row-by-row inserts; a marker's x and y are read as its box
-- (MbrMinX is ST_X for a point, from the blob's header, without parsing the point), the
-- vocabularies' sort order by a join on their key (the triggers' subqueries). A row already
-- in a tree (a report of the same import updated the monument) is kept.
-- name: bulk_tree_rows
SELECT CASE WHEN has_geom THEN id END, gx0, gx1, gy0, gy1,
  CASE WHEN has_geom THEN id END,
  CASE WHEN sensitive THEN px ELSE gx0 END, CASE WHEN sensitive THEN px ELSE gx1 END,
  CASE WHEN sensitive THEN py ELSE gy0 END, CASE WHEN sensitive THEN py ELSE gy1 END,
  CASE WHEN has_marker THEN (id << 8) | (coalesce(condition_sort, 0) << 5)
    | (min(coalesce(significance_sort, 15), 15) << 1) | (deleted_at IS NOT NULL) END,
  px, px, py, py
FROM (SELECT m.id, m.geom IS NOT NULL AS has_geom, m.marker IS NOT NULL AS has_marker,
        MbrMinX(m.geom) AS gx0, MbrMaxX(m.geom) AS gx1, MbrMinY(m.geom) AS gy0,
        MbrMaxY(m.geom) AS gy1, MbrMinX(m.pub_marker) AS px, MbrMinY(m.pub_marker) AS py,
        m.location_sensitive AS sensitive, m.deleted_at, c.sort AS condition_sort,
        v.sort AS significance_sort
      FROM monument m
      LEFT JOIN vocab_condition c ON c.code = m.condition
      LEFT JOIN vocab_significance v ON v.code = m.significance
      WHERE m.id > ?1);

-- name: bulk_fts_fill
INSERT INTO monument_fts (rowid, words)
SELECT id, sp_search_words(name_uk, name_en, address, protection_no) FROM monument WHERE id > ?1;

-- name: exec_commit
COMMIT;

-- name: exec_rollback
ROLLBACK;

-- name: user_version
PRAGMA user_version;

-- name: integrity_check
PRAGMA integrity_check;

-- Each R*Tree's structure (PRAGMA integrity_check reads its shadow tables as plain tables):
-- its rows that are not "ok".
-- name: rtree_check
SELECT name, rtreecheck(name) AS res FROM sqlite_master
WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING rtree%' AND res <> 'ok';

-- name: foreign_key_check
PRAGMA foreign_key_check;

-- name: spatialite_version
SELECT spatialite_version(), sqlite_version();

-- name: vocab_all
SELECT domain, code, label_uk, label_en FROM vocab ORDER BY domain, sort;

-- Every vocabulary as {"domain": [{"code", "label", "label_uk", "label_en"}, ...]} in display
-- order, "label" in the language asked (:lang, uk or en). The districts come along as the
-- domain 'district' (code: the Ukrainian name that monuments and the district filters carry),
-- for the pages' district filter.
-- name: vocab_json
SELECT json_group_object(domain, json(items)) FROM (
  SELECT domain, json_group_array(json_object('code', code,
    'label', CASE :lang WHEN 'en' THEN label_en ELSE label_uk END, 'label_uk', label_uk,
    'label_en', label_en)) AS items
  FROM (SELECT domain, code, label_uk, label_en, sort FROM vocab
        UNION ALL
        SELECT 'district', name_uk, name_uk, coalesce(name_en, name_uk), 0 FROM district
        ORDER BY 1, 5, 3)
  GROUP BY domain);

-- The districts as one GeoJSON FeatureCollection (outlines simplified by :tolerance degrees,
-- for drawing), each named in the language asked (:lang, uk or en; Ukrainian when it has no
-- English name) and in both.
-- name: districts_geojson
SELECT json_object('type', 'FeatureCollection', 'features', json(coalesce(json_group_array(json(f)), '[]')))
  FROM (SELECT json_object('type', 'Feature', 'id', id,
          'properties', json_object(
            'name', CASE :lang WHEN 'en' THEN coalesce(name_en, name_uk) ELSE name_uk END,
            'name_uk', name_uk, 'name_en', name_en),
          'geometry', json(AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tolerance), 6))) AS f
          FROM district ORDER BY name_uk);

-- name: vocab_aliases
SELECT domain, code, alias FROM vocab_alias;

-- name: import_run_insert
INSERT INTO import_run (dataset, files, mapping, target, prefer_source)
VALUES (:dataset, :files, :mapping, :target, :prefer_source);

-- name: import_run_finish
UPDATE import_run
   SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), status = :status, read = :read,
       inserted = :inserted, updated = :updated, unchanged = :unchanged,
       conflicted = :conflicted, rejected = :rejected, repaired = :repaired,
       reports = :reports, missing = :missing
 WHERE id = :id;

-- name: import_error_insert
INSERT INTO import_error (run_id, kind, layer, row, source_key, field, reason, raw)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8);

-- name: audit_bulk_inserts
INSERT INTO audit_log (actor, action, entity, entity_id, import_run_id)
SELECT ?1, 'insert', 'monument', id, ?2 FROM monument WHERE id > ?3 ORDER BY id;

-- name: monument_max_id
SELECT coalesce(max(id), 0) FROM monument;

-- name: audit_insert
INSERT INTO audit_log (actor, actor_role, action, entity, entity_id, import_run_id, before, after)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8);

-- name: audit_of
SELECT id, at, actor, actor_role, action, before, after, coalesce(import_run_id, 0)
FROM audit_log WHERE entity = ?1 AND entity_id = ?2 ORDER BY id;

-- A record found by its key for an upsert: its content hash, data set, whether it is
-- deleted and whether any field has an origin of its own (016: a person's edit or another
-- data set), which makes an import merge field by field (storage/provenance.c).
-- name: monument_by_uid
SELECT id, content_hash, dataset, deleted_at IS NOT NULL,
  EXISTS (SELECT 1 FROM field_origin WHERE entity = 'monument' AND entity_id = monument.id)
FROM monument WHERE uid = ?1;

-- name: monument_by_protection_no
SELECT id, content_hash, dataset, deleted_at IS NOT NULL,
  EXISTS (SELECT 1 FROM field_origin WHERE entity = 'monument' AND entity_id = monument.id)
FROM monument WHERE protection_no = ?1;

-- name: monument_by_source
SELECT id, content_hash, dataset, deleted_at IS NOT NULL,
  EXISTS (SELECT 1 FROM field_origin WHERE entity = 'monument' AND entity_id = monument.id)
FROM monument WHERE dataset = ?1 AND source_id = ?2;

-- name: monument_insert
INSERT INTO monument (uid, dataset, content_hash, geom, marker,
  source_id, protection_no, register_act, register_date, significance, object_kind,
  name_uk, name_en, dating, year_from, year_to, address, district, cadastral_no,
  protected_subject, agreement_no, agreement_date, passport_ref, wikidata, wlm_id,
  location_sensitive, description, source)
VALUES (coalesce(:uid, lower(hex(randomblob(16)))), :dataset, :content_hash, GeomFromWKB(:wkb, 4326),
  MakePoint(:marker_x, :marker_y, 4326), :source_id, :protection_no, :register_act, :register_date, :significance, :object_kind,
  :name_uk, :name_en, :dating, :year_from, :year_to, :address, :district, :cadastral_no,
  :protected_subject, :agreement_no, :agreement_date, :passport_ref, :wikidata, :wlm_id,
  coalesce(:location_sensitive, 0), :description, :source);

-- name: monument_update
UPDATE monument SET content_hash = :content_hash, geom = GeomFromWKB(:wkb, 4326),
  marker = MakePoint(:marker_x, :marker_y, 4326),
  source_id = :source_id, protection_no = :protection_no, register_act = :register_act, register_date = :register_date,
  significance = :significance, object_kind = :object_kind, name_uk = :name_uk, name_en = :name_en, dating = :dating,
  year_from = :year_from, year_to = :year_to, address = :address, district = :district, cadastral_no = :cadastral_no,
  protected_subject = :protected_subject, agreement_no = :agreement_no, agreement_date = :agreement_date, passport_ref = :passport_ref,
  wikidata = :wikidata, wlm_id = :wlm_id, location_sensitive = coalesce(:location_sensitive, 0), description = :description,
  source = :source, version = version + 1, deleted_at = NULL,
  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = :id;

-- name: monument_kinds_clear
DELETE FROM monument_kind WHERE monument_id = ?1;

-- name: monument_kind_insert
INSERT INTO monument_kind (monument_id, kind) VALUES (?1, ?2);

-- name: monument_json
SELECT json_object('id', id, 'uid', uid, 'dataset', dataset, 'source_id', source_id,
  'protection_no', protection_no, 'register_act', register_act, 'register_date', register_date,
  'significance', significance, 'object_kind', object_kind, 'kinds', kinds,
  'name_uk', name_uk, 'name_en', name_en, 'dating', dating, 'year_from', year_from,
  'year_to', year_to, 'address', address, 'district', district, 'cadastral_no', cadastral_no,
  'protected_subject', protected_subject, 'agreement_no', agreement_no,
  'agreement_date', agreement_date, 'passport_ref', passport_ref, 'wikidata', wikidata,
  'wlm_id', wlm_id, 'location_sensitive', location_sensitive, 'description', description,
  'source', source, 'condition', condition, 'version', version,
  'geometry', json(AsGeoJSON(geom, 7)))
FROM monument_v WHERE id = ?1;

-- name: monument_count
SELECT count(*) FROM monument WHERE deleted_at IS NULL;

-- name: monument_export
SELECT id, uid, dataset,
  source_id, protection_no, register_act, register_date, significance, object_kind, kinds,
  name_uk, name_en, dating, year_from, year_to, address, district, cadastral_no,
  protected_subject, agreement_no, agreement_date, passport_ref, wikidata, wlm_id,
  location_sensitive, description, source,
  condition, last_inspected, version, created_at, updated_at, AsBinary(geom)
FROM monument_v WHERE deleted_at IS NULL ORDER BY id;

-- The same for the public downloads: archaeological sites at 0.01 degree, as in the API.
-- name: monument_export_public
SELECT id, uid, dataset,
  source_id, protection_no, register_act, register_date, significance, object_kind, kinds,
  name_uk, name_en, dating, year_from, year_to, address, district, cadastral_no,
  protected_subject, agreement_no, agreement_date, passport_ref, wikidata, wlm_id,
  location_sensitive, description, source,
  condition, last_inspected, version, created_at, updated_at,
  AsBinary(pub_geom)
FROM monument_v WHERE deleted_at IS NULL ORDER BY id;

-- name: district_at
SELECT d.name_uk FROM idx_district_geom r JOIN district d ON d.id = r.pkid
 WHERE r.xmin <= ?1 AND r.xmax >= ?1 AND r.ymin <= ?2 AND r.ymax >= ?2
   AND ST_Contains(d.geom, MakePoint(?1, ?2, 4326)) = 1
 ORDER BY d.id LIMIT 1;

-- name: district_count
SELECT count(*) FROM district;

-- name: district_by_source
SELECT id, content_hash FROM district WHERE dataset = ?1 AND source_id = ?2;

-- name: district_by_name
SELECT id, content_hash FROM district WHERE name_uk = ?1;

-- name: district_insert
INSERT INTO district (dataset, content_hash, geom, source_id, name_uk, name_en)
VALUES (:dataset, :content_hash, GeomFromWKB(:wkb, 4326), :source_id, :name_uk, :name_en);

-- name: district_update
UPDATE district SET content_hash = :content_hash, geom = GeomFromWKB(:wkb, 4326),
  source_id = :source_id, name_uk = :name_uk, name_en = :name_en,
  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = :id;

-- name: district_json
SELECT json_object('id', id, 'dataset', dataset, 'source_id', source_id, 'name_uk', name_uk,
  'name_en', name_en, 'geometry', json(AsGeoJSON(geom, 7)))
FROM district WHERE id = ?1;

-- ---- protection zones (storage/monument.c, like monuments: upsert, edit, tombstone) -----
-- Fields bind from ?10 in model order: source_id, zone_type, monument_id, name_uk, decision,
-- source.
-- name: zone_by_source
SELECT id, content_hash, dataset, deleted_at IS NOT NULL,
  EXISTS (SELECT 1 FROM field_origin
           WHERE entity = 'protection_zone' AND entity_id = protection_zone.id)
FROM protection_zone WHERE dataset = ?1 AND source_id = ?2;

-- name: zone_insert
INSERT INTO protection_zone (dataset, content_hash, geom, source_id, zone_type, monument_id,
  name_uk, decision, source)
VALUES (:dataset, :content_hash, GeomFromWKB(:wkb, 4326), :source_id, :zone_type, :monument_id, :name_uk, :decision, :source);

-- name: zone_update
UPDATE protection_zone SET content_hash = :content_hash, geom = GeomFromWKB(:wkb, 4326),
  source_id = :source_id, zone_type = :zone_type, monument_id = :monument_id, name_uk = :name_uk, decision = :decision,
  source = :source, version = version + 1, deleted_at = NULL,
  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = :id;

-- name: zone_json
SELECT json_object('id', id, 'dataset', dataset, 'source_id', source_id,
  'zone_type', zone_type, 'monument_id', monument_id, 'name_uk', name_uk,
  'decision', decision, 'source', source, 'version', version,
  'geometry', json(AsGeoJSON(geom, 7)))
FROM protection_zone WHERE id = ?1;

-- name: zone_state
SELECT version, deleted_at IS NOT NULL, content_hash FROM protection_zone WHERE id = ?1;

-- name: zone_live
SELECT count(*) FROM protection_zone WHERE id = ?1 AND deleted_at IS NULL;

-- A zone as an edit starts from it (see monument_record).
-- name: zone_record
SELECT source_id, zone_type, monument_id, name_uk, decision, source, AsBinary(geom) AS wkb,
  ST_X(PointOnSurface(geom)) AS marker_x, ST_Y(PointOnSurface(geom)) AS marker_y, version,
  deleted_at IS NOT NULL AS is_deleted
FROM protection_zone WHERE id = ?1;

-- name: zone_soft_delete
UPDATE protection_zone SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), version = version + 1
WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL;

-- name: report_by_source
SELECT id FROM condition_report WHERE dataset = ?1 AND source_id = ?2;

-- name: report_insert
INSERT INTO condition_report (monument_id, dataset, source_id,
  report_type, observed_on, event_date, condition, damage_level, damage_extent,
  repeat_hit, priority, trend, description, recommended_actions, source, verification, author,
  next_due)
VALUES (:monument_id, :dataset, :source_key,
  :report_type, :observed_on, :event_date, :condition, :damage_level, :damage_extent,
  :repeat_hit, :priority, :trend, :description, :recommended_actions, :source, coalesce(:verification, 'unverified'), :author, :next_due);

-- A report filed through the API: approved (staff reports need no moderation), by a user;
-- a technical act is due again after 5 years unless the report says when.
-- name: report_create
INSERT INTO condition_report (monument_id, supersedes_id, created_by, submitter_contact,
  report_type, observed_on, event_date, condition, damage_level, damage_extent,
  repeat_hit, priority, trend, description, recommended_actions, source, verification, author,
  next_due)
VALUES (:monument_id, :supersedes_id, :created_by, :submitter_contact,
  :report_type, :observed_on, :event_date, :condition, :damage_level, :damage_extent,
  :repeat_hit, :priority, :trend, :description, :recommended_actions, :source, coalesce(:verification, 'unverified'), :author,
  coalesce(:next_due, CASE WHEN :report_type = 'technical_act'
                     THEN date(coalesce(:observed_on, :event_date, 'now'), '+5 years') END));

-- name: report_of
SELECT monument_id, EXISTS (SELECT 1 FROM condition_report s WHERE s.supersedes_id = ?1)
FROM condition_report WHERE id = ?1;

-- name: report_json
SELECT json_object('id', id, 'monument_id', monument_id, 'report_type', report_type,
  'status', status, 'observed_on', observed_on, 'event_date', event_date, 'condition', condition,
  'damage_level', damage_level, 'damage_extent', damage_extent,
  'causes', (SELECT group_concat(cause, ';') FROM (SELECT rc.cause FROM report_cause rc
     JOIN vocab_cause v ON v.code = rc.cause WHERE rc.report_id = r.id ORDER BY v.sort)),
  'elements', (SELECT group_concat(element, ';') FROM (SELECT re.element FROM report_element re
     JOIN vocab_element v ON v.code = re.element WHERE re.report_id = r.id ORDER BY v.sort)),
  'repeat_hit', repeat_hit, 'priority', priority, 'trend', trend, 'description', description,
  'recommended_actions', recommended_actions, 'source', source, 'verification', verification,
  'author', author, 'next_due', next_due, 'supersedes_id', supersedes_id)
FROM condition_report r WHERE id = ?1;

-- name: citizen_insert
INSERT INTO citizen_report (ref, monument_id, lon, lat, description, contact, client)
VALUES (strftime('%Y', 'now') || '-' || upper(hex(randomblob(4))), ?1, ?2, ?3, ?4, ?5, ?6)
RETURNING id, ref;

-- name: citizen_json
SELECT json_object('id', id, 'ref', ref, 'monument_id', monument_id, 'lon', lon, 'lat', lat,
  'description', description, 'contact', contact, 'status', status, 'reason', reason,
  'public_reason', public_reason, 'review_at', review_at, 'report_id', report_id, 'moderated_by', moderated_by, 'moderated_at', moderated_at,
  'created_at', created_at)
FROM citizen_report WHERE id = ?1;

-- name: citizen_list
SELECT json_group_array(json(j)) FROM (
  SELECT json_object('id', c.id, 'ref', c.ref, 'monument_id', c.monument_id,
    'monument_name_uk', m.name_uk, 'lon', c.lon, 'lat', c.lat, 'description', c.description,
    'contact', c.contact, 'status', c.status, 'reason', c.reason,
    'public_reason', c.public_reason, 'review_at', c.review_at, 'report_id', c.report_id,
    'created_at', c.created_at,
    'photos', (SELECT json_group_array(json_object('id', p.id, 'media_type', p.media_type,
                 'width', p.width, 'height', p.height, 'bytes', p.bytes, 'taken_at', p.taken_at,
                 'taken_lat', p.taken_lat, 'taken_lon', p.taken_lon, 'photo_id', p.photo_id,
                 'licence', p.licence, 'credit', p.credit,
                 'href', '/moderation/photos/' || p.id))
               FROM citizen_photo p WHERE p.citizen_report_id = c.id)) AS j
  FROM citizen_report c LEFT JOIN monument m ON m.id = c.monument_id
  WHERE c.status = ?1 ORDER BY c.id LIMIT ?2);

-- name: citizen_state
SELECT status, monument_id, description, contact FROM citizen_report WHERE id = ?1;

-- name: citizen_decide
UPDATE citizen_report SET status = ?2, reason = ?3, report_id = ?4, moderated_by = ?5,
  public_reason = :public_reason, moderated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = ?1 AND status = 'pending';

-- An editor takes a pending report up: the citizen sees it "under review" (017).
-- name: citizen_review
UPDATE citizen_report SET review_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = :id AND status = 'pending' AND review_at IS NULL;

-- What a citizen sees of their report by its reference number (GET /reports/{ref}): its
-- state and the reason written for the public; never the contact, the place, the internal
-- reason or the photos' EXIF.
-- name: citizen_status
SELECT json_object('ref', c.ref,
  'status', CASE c.status WHEN 'approved' THEN 'approved' WHEN 'rejected' THEN 'not_approved'
            ELSE CASE WHEN c.review_at IS NULL THEN 'received' ELSE 'under_review' END END,
  'received_on', substr(c.created_at, 1, 10),
  'decided_on', substr(c.moderated_at, 1, 10),
  'public_reason', CASE WHEN c.status = 'rejected' THEN c.public_reason END,
  'monument_id', CASE WHEN c.status = 'approved' THEN r.monument_id END,
  'photos', (SELECT count(*) FROM citizen_photo p WHERE p.citizen_report_id = c.id))
FROM citizen_report c LEFT JOIN condition_report r ON r.id = c.report_id
WHERE c.ref = :ref;

-- :licence is the citizen's choice for the photos (NULL: do not publish), :credit the name
-- to credit them by (NULL: anonymous).
-- name: citizen_photo_insert
INSERT INTO citizen_photo (citizen_report_id, sha256, media_type, width, height, bytes,
  taken_at, taken_lat, taken_lon, licence, credit)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, :licence, :credit);

-- name: citizen_photo_get
SELECT sha256, media_type FROM citizen_photo WHERE id = ?1;

-- An approved report's photos become the monument's, attached to its citizen's condition
-- report (?2 monument, ?3 report), each with its audit row: as the citizen chose (017),
-- public under their licence and credited by name or "anonymous", or restricted (staff
-- only, for good) when they did not consent to publishing.
-- name: citizen_photos_adopt
INSERT INTO photo (monument_id, condition_report_id, sha256, media_type, width, height, bytes,
  taken_at, taken_lat, taken_lon, author, licence, status)
SELECT ?2, ?3, sha256, media_type, width, height, bytes, taken_at, taken_lat, taken_lon,
  coalesce(credit, 'anonymous'), licence,
  CASE WHEN licence IS NULL THEN 'restricted' ELSE 'public' END
FROM citizen_photo WHERE citizen_report_id = ?1 ORDER BY id;

-- name: citizen_photos_link
UPDATE citizen_photo SET photo_id = (SELECT min(p.id) FROM photo p
  WHERE p.condition_report_id = ?2 AND p.sha256 = citizen_photo.sha256)
WHERE citizen_report_id = ?1;

-- name: citizen_photos_audit
INSERT INTO audit_log (actor, actor_role, action, entity, entity_id, after)
SELECT ?2, ?3, 'insert', 'photo', photo_id,
  json_object('citizen_report_id', citizen_report_id, 'sha256', sha256)
FROM citizen_photo WHERE citizen_report_id = ?1 AND photo_id IS NOT NULL;

-- name: photo_insert
INSERT INTO photo (monument_id, condition_report_id, sha256, media_type, width, height, bytes,
  taken_at, taken_lat, taken_lon, author, licence, caption_uk, caption_en, alt_uk, alt_en,
  view, phase, status, uploaded_by)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
  coalesce(?19, 'public'), ?20);

-- name: report_monument
SELECT monument_id FROM condition_report WHERE id = ?1;

-- Where and when a photo was taken (EXIF) says where its author stood: the public sees them
-- only once staff made the photo's location public (017), and then at the precision of its
-- monument's place (archaeological sites: 0.01 degree); ?2: the reader is staff.
-- name: photo_json
SELECT json_object('id', p.id, 'monument_id', p.monument_id,
  'condition_report_id', p.condition_report_id, 'media_type', p.media_type, 'width', p.width,
  'height', p.height, 'bytes', p.bytes,
  'taken_at', CASE WHEN ?2 OR p.location_public THEN p.taken_at END,
  'taken_lat', CASE WHEN ?2 THEN p.taken_lat WHEN p.location_public THEN
    CASE WHEN m.location_sensitive THEN round(p.taken_lat, 2) ELSE p.taken_lat END END,
  'taken_lon', CASE WHEN ?2 THEN p.taken_lon WHEN p.location_public THEN
    CASE WHEN m.location_sensitive THEN round(p.taken_lon, 2) ELSE p.taken_lon END END,
  'location_public', json(CASE WHEN p.location_public THEN 'true' ELSE 'false' END),
  'author', p.author, 'licence', p.licence, 'caption_uk', p.caption_uk,
  'caption_en', p.caption_en, 'alt_uk', p.alt_uk, 'alt_en', p.alt_en, 'view', p.view,
  'phase', p.phase, 'is_primary', p.is_primary, 'status', p.status,
  'uploaded_at', p.uploaded_at, 'sha256', CASE WHEN ?2 THEN p.sha256 END)
FROM photo p JOIN monument m ON m.id = p.monument_id WHERE p.id = ?1;

-- The photos of a monument, each then written by photo_json. ?2: the reader is staff (the
-- public's order does not follow a capture time it may not see).
-- name: photo_list
SELECT p.id FROM photo p
WHERE p.monument_id = ?1 AND (?2 OR p.status = 'public')
ORDER BY p.is_primary DESC,
  coalesce(CASE WHEN ?2 OR p.location_public THEN p.taken_at END, p.uploaded_at) DESC, p.id DESC;

-- A change to a photo's metadata (PATCH /photos/{id}): each field only when its :set_ is 1
-- (the value NULL clears it); location_public NULL keeps it.
-- name: photo_update
UPDATE photo SET author = iif(:set_author, :author, author),
  licence = iif(:set_licence, :licence, licence),
  caption_uk = iif(:set_caption_uk, :caption_uk, caption_uk),
  caption_en = iif(:set_caption_en, :caption_en, caption_en),
  alt_uk = iif(:set_alt_uk, :alt_uk, alt_uk), alt_en = iif(:set_alt_en, :alt_en, alt_en),
  view = iif(:set_view, :view, view), phase = iif(:set_phase, :phase, phase),
  status = iif(:set_status, :status, status),
  location_public = coalesce(:location_public, location_public)
WHERE id = :id;

-- A citizen's photo sent without consent to publish it stays restricted for good (017).
-- name: photo_without_consent
SELECT EXISTS (SELECT 1 FROM citizen_photo WHERE photo_id = :id AND licence IS NULL);

-- name: photo_get
SELECT p.id, p.monument_id, p.sha256, p.media_type, p.status, m.location_sensitive
FROM photo p JOIN monument m ON m.id = p.monument_id
WHERE p.id = ?1 AND m.deleted_at IS NULL;

-- name: photo_by_sha
SELECT EXISTS (SELECT 1 FROM photo WHERE sha256 = ?1)
    OR EXISTS (SELECT 1 FROM citizen_photo WHERE sha256 = ?1);

-- name: monument_live
SELECT count(*) FROM monument WHERE id = ?1 AND deleted_at IS NULL;

-- name: report_cause_insert
INSERT INTO report_cause (report_id, cause) VALUES (?1, ?2);

-- name: report_element_insert
INSERT INTO report_element (report_id, element) VALUES (?1, ?2);

-- ---- OGC API items ----------------------------------------------------------------------
-- Items queries are put together by storage/items.c from the fragments below (frag_*):
-- a select, then conditions (each with its values bound), then order and paging. Property
-- and geometry expressions are fixed here; nothing from a request becomes SQL text.
-- Archaeological sites (location_sensitive) are published at 0.01 degree (about 1 km).
-- bbox: the R*Tree (float bounds, rounded outward) narrows; a geometry whose own bounds lie
-- inside the box intersects it (read from the blob header, no GEOS); only the rest are
-- tested exactly. The R*Tree is the public one (011): sensitive sites (and their reports)
-- are found at their published point only, so that no bbox can narrow down the exact place.
-- Each select's geometry takes :srid the output SRID, :swap whether to swap axes (EPSG:4326
-- and EPSG:6384 list northing first) and :decimals; a bbox is :minx, :miny, :maxx, :maxy;
-- the page :limit and :offset. A filter's values (CQL2, simple filters, dates, q=) are the
-- plain ? of its fragment, bound in the order the fragments come (storage/cql_sql.c).

-- name: frag_monuments_select
SELECT m.id, m.uid, m.name_uk, m.name_en, m.significance, m.object_kind, m.kinds,
  m.protection_no, m.register_act, m.register_date, m.dating, m.year_from, m.year_to,
  m.address, m.district, m.cadastral_no, m.protected_subject, m.agreement_no,
  m.agreement_date, m.passport_ref, m.wikidata, m.wlm_id, m.location_sensitive, m.description,
  m.condition, m.last_inspected, m.dataset, m.source_id, m.source, m.version, m.created_at,
  m.updated_at, m.deleted_at,
  AsGeoJSON(CASE WHEN :swap THEN SwapCoords(CASE :srid WHEN 4326 THEN m.pub_geom
    ELSE ST_Transform(m.pub_geom, :srid) END) ELSE CASE :srid WHEN 4326 THEN m.pub_geom
    ELSE ST_Transform(m.pub_geom, :srid) END END, :decimals) AS geometry

-- name: frag_monuments_from
 FROM monument_v m WHERE 1 = 1

-- A search and nothing else (q=, default order): the FTS index drives, in rowid order, and
-- the page stops after its last row; frag_monuments_q_driving is its condition. Through
-- frag_monuments_q instead, every hit of a common word would be collected first.
-- name: frag_monuments_from_fts
 FROM monument_fts f CROSS JOIN monument_v m ON m.id = f.rowid WHERE 1 = 1

-- name: frag_monuments_q_driving
 AND f.monument_fts MATCH ?

-- name: frag_order_by_hit
 ORDER BY f.rowid LIMIT :limit OFFSET :offset

-- name: frag_monuments_count
SELECT count(*) FROM monument m WHERE 1 = 1

-- name: frag_monuments_bbox
 AND m.id IN (SELECT pkid FROM idx_monument_pub
              WHERE xmax >= :minx AND xmin <= :maxx AND ymax >= :miny AND ymin <= :maxy)
 AND (MbrMinX(m.pub_geom) >= :minx AND MbrMinY(m.pub_geom) >= :miny
      AND MbrMaxX(m.pub_geom) <= :maxx AND MbrMaxY(m.pub_geom) <= :maxy
      OR ST_Intersects(m.pub_geom, BuildMbr(:minx, :miny, :maxx, :maxy, 4326)) = 1)

-- numberMatched of a monuments page whose only conditions are a bbox and/or q=, counted
-- without reading monument rows: R*Tree candidates whose box lies inside the bbox match
-- (the R*Tree rounds boxes outward, so the geometry is inside too); only those across its
-- edge are tested exactly; sensitive sites count at their published point (011); tombstones
-- come from their own small index (003_live_count.sql).
-- name: frag_monuments_count_rtree
SELECT count(*) FROM idx_monument_pub r
WHERE r.xmax >= :minx AND r.xmin <= :maxx AND r.ymax >= :miny AND r.ymin <= :maxy
  AND (r.xmin >= :minx AND r.ymin >= :miny AND r.xmax <= :maxx AND r.ymax <= :maxy
       OR EXISTS (SELECT 1 FROM monument m WHERE m.id = r.pkid
                  AND ST_Intersects(m.pub_geom, BuildMbr(:minx, :miny, :maxx, :maxy, 4326)) = 1))
  AND r.pkid NOT IN (SELECT id FROM monument WHERE deleted_at IS NOT NULL)

-- name: frag_count_rtree_q
  AND r.pkid IN (SELECT rowid FROM monument_fts WHERE monument_fts MATCH ?)

-- numberMatched of the whole collection (no condition at all): SQLite counts a table from
-- its narrowest index without reading a row; the tombstones come from their own index (003).
-- name: frag_monuments_count_all
SELECT (SELECT count(*) FROM monument) - (SELECT count(*) FROM monument WHERE deleted_at IS NOT NULL)

-- name: frag_monuments_count_fts
SELECT count(*) FROM monument_fts WHERE monument_fts MATCH ?
  AND rowid NOT IN (SELECT id FROM monument WHERE deleted_at IS NOT NULL)

-- name: frag_monuments_kind
 AND m.id IN (SELECT monument_id FROM monument_kind WHERE kind = ?)

-- The department's questions (views of 007_questions.sql).
-- name: frag_damaged_since
 AND m.id IN (SELECT monument_id FROM damage_event WHERE day >= ?)

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

-- /stats: group, key, Ukrainian and English label, count (storage/sp_db_items.h).
-- name: stats
WITH live AS (SELECT * FROM monument WHERE deleted_at IS NULL)
SELECT 'total', NULL, 'усього', 'total', count(*) FROM live
UNION ALL
SELECT 'district', l.district, l.district, coalesce(d.name_en, l.district), count(*)
  FROM live l LEFT JOIN district d ON d.name_uk = l.district GROUP BY l.district
UNION ALL
SELECT 'condition', l.condition, coalesce(v.label_uk, 'не обстежено'),
       coalesce(v.label_en, 'not inspected'), count(*)
  FROM live l LEFT JOIN vocab_condition v ON v.code = l.condition GROUP BY l.condition
UNION ALL
SELECT 'significance', l.significance, coalesce(v.label_uk, 'не визначено'),
       coalesce(v.label_en, 'not set'), count(*)
  FROM live l LEFT JOIN vocab_significance v ON v.code = l.significance GROUP BY l.significance
UNION ALL
SELECT 'question', 'emergency', 'в аварійному стані', 'in emergency condition', count(*)
  FROM live WHERE condition = 'emergency'
UNION ALL
SELECT 'question', 'act_overdue', 'технічний акт старший за 5 років або відсутній',
       'technical act older than 5 years or none', count(*)
  FROM live WHERE id NOT IN (SELECT monument_id FROM technical_act_current)
UNION ALL
SELECT 'question', 'hit_again', 'пошкоджені більше одного разу', 'damaged more than once', count(*)
  FROM live WHERE id IN (SELECT monument_id FROM hit_again)
UNION ALL
SELECT 'question', 'no_photo', 'без фото', 'no photo', count(*)
  FROM live m WHERE NOT EXISTS (SELECT 1 FROM photo p WHERE p.monument_id = m.id)
UNION ALL
SELECT 'question', 'no_agreement', 'без охоронного договору', 'no protection agreement', count(*)
  FROM live WHERE agreement_no IS NULL
UNION ALL
SELECT * FROM (SELECT 'damage_month', substr(e.day, 1, 7), substr(e.day, 1, 7), substr(e.day, 1, 7),
                      count(*)
                 FROM damage_event e JOIN live l ON l.id = e.monument_id
                WHERE e.day >= '2022-02-24' GROUP BY substr(e.day, 1, 7) ORDER BY 2);

-- name: frag_monuments_q
 AND m.id IN (SELECT rowid FROM monument_fts WHERE monument_fts MATCH ?)

-- Deleted monuments and zones are kept as tombstones: hidden, unless a client re-syncing
-- with updated_since asks what changed, deletions included.
-- name: frag_not_deleted
 AND m.deleted_at IS NULL

-- name: frag_changed_since
 AND (m.updated_at > strftime('%Y-%m-%dT%H:%M:%fZ', ?)
      OR m.deleted_at > strftime('%Y-%m-%dT%H:%M:%fZ', ?))

-- name: frag_reports_since
 AND m.created_at > strftime('%Y-%m-%dT%H:%M:%fZ', ?)

-- name: frag_monuments_id
 AND m.id = ?

-- name: frag_order_by_id
 ORDER BY m.id LIMIT :limit OFFSET :offset

-- sortby: frag_order_by, then per key "<queryable> IS NULL, <queryable> ASC|DESC," (NULLs
-- last either way), then the id and paging.
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

-- Zones as published (016: a zone of a location-sensitive site at 0.01 degree).
-- name: frag_zones_select
SELECT m.id, m.zone_type, m.name_uk, m.decision, m.monument_id, m.source, m.version,
  m.created_at, m.updated_at, m.deleted_at,
  AsGeoJSON(CASE WHEN :swap THEN SwapCoords(CASE :srid WHEN 4326 THEN m.pub_geom
    ELSE ST_Transform(m.pub_geom, :srid) END) ELSE CASE :srid WHEN 4326 THEN m.pub_geom
    ELSE ST_Transform(m.pub_geom, :srid) END END, :decimals) AS geometry
FROM protection_zone_pub m WHERE 1 = 1

-- name: frag_zones_count
SELECT count(*) FROM protection_zone_pub m WHERE 1 = 1

-- The R*Tree holds the exact boxes: candidates are taken 0.01 degree wider, so that a
-- published (widened) zone is found wherever it is shown; the test is on the published shape.
-- name: frag_zones_bbox
 AND m.id IN (SELECT pkid FROM idx_protection_zone_geom
               WHERE xmax >= :minx - 0.01 AND xmin <= :maxx + 0.01 AND ymax >= :miny - 0.01
                 AND ymin <= :maxy + 0.01)
 AND (MbrMinX(m.pub_geom) >= :minx AND MbrMinY(m.pub_geom) >= :miny
      AND MbrMaxX(m.pub_geom) <= :maxx AND MbrMaxY(m.pub_geom) <= :maxy
      OR ST_Intersects(m.pub_geom, BuildMbr(:minx, :miny, :maxx, :maxy, 4326)) = 1)

-- name: frag_reports_select
SELECT m.id, mo.uid AS monument_uid, m.monument_id, mo.name_uk AS monument_name_uk,
  m.report_type, m.observed_on, m.event_date, m.condition, m.damage_level, m.damage_extent,
  (SELECT group_concat(cause, ';') FROM (SELECT rc.cause FROM report_cause rc
     JOIN vocab_cause v ON v.code = rc.cause WHERE rc.report_id = m.id ORDER BY v.sort)) AS causes,
  (SELECT group_concat(element, ';') FROM (SELECT re.element FROM report_element re
     JOIN vocab_element v ON v.code = re.element WHERE re.report_id = m.id ORDER BY v.sort))
    AS elements,
  m.repeat_hit, m.priority, m.trend, m.description, m.recommended_actions, m.source,
  m.verification, m.next_due, m.supersedes_id,
  (SELECT s.id FROM condition_report s WHERE s.supersedes_id = m.id) AS superseded_by,
  m.created_at,
  AsGeoJSON(CASE WHEN :swap THEN SwapCoords(CASE :srid WHEN 4326 THEN mo.pub_marker
    ELSE ST_Transform(mo.pub_marker, :srid) END) ELSE CASE :srid WHEN 4326 THEN mo.pub_marker
    ELSE ST_Transform(mo.pub_marker, :srid) END END, :decimals) AS geometry
FROM condition_report m JOIN monument mo ON mo.id = m.monument_id
WHERE m.status = 'approved' AND m.verification <> 'rejected' AND mo.deleted_at IS NULL

-- name: frag_reports_count
SELECT count(*) FROM condition_report m JOIN monument mo ON mo.id = m.monument_id
WHERE m.status = 'approved' AND m.verification <> 'rejected' AND mo.deleted_at IS NULL

-- name: frag_reports_bbox
 AND mo.id IN (SELECT pkid FROM idx_monument_pub
               WHERE xmax >= :minx AND xmin <= :maxx AND ymax >= :miny AND ymin <= :maxy)
 AND ST_X(mo.pub_marker) BETWEEN :minx AND :maxx AND ST_Y(mo.pub_marker) BETWEEN :miny AND :maxy

-- name: bbox_to_4326
SELECT MbrMinX(b), MbrMinY(b), MbrMaxX(b), MbrMaxY(b) FROM
  (SELECT ST_Transform(ST_Segmentize(BuildMbr(?1, ?2, ?3, ?4, ?5), (?3 - ?1) / 16.0), 4326) AS b);

-- The public data version (ETags, the response cache, the exports): the newest audit row of
-- public data. A citizen's report and its photos are not public data until an editor
-- approves it (issue 21: anonymous reports kept every cache cold); the approval writes the
-- condition report's and the photos' rows, which change it. Read from the newest row back.
-- name: data_version
SELECT coalesce((SELECT id FROM audit_log WHERE entity <> 'citizen_report'
                 ORDER BY id DESC LIMIT 1), 0);

-- The spatial extent of a collection: its R*Tree's root node, whose cells bound everything
-- below them (storage/items.c reads the blob), one row instead of every box (1,000,000
-- monuments: 250 ms). Monuments as published (011): a sensitive site at the edge of the
-- registry does not give away its place through the extent.
-- name: monuments_extent
SELECT data FROM idx_monument_pub_node WHERE nodeno = 1;

-- How many public monument points there are (the R*Tree's own row table: no scan of it).
-- name: monuments_pub_count
SELECT count(*) FROM idx_monument_pub_rowid;

-- name: zones_extent
SELECT data FROM idx_protection_zone_geom_node WHERE nodeno = 1;

-- A place where monuments are, for a map's first view (TileJSON's center): the cell of a grid
-- of :cell degrees that holds most public monument points, and the mean of its points; every
-- :step-th point only, so a large registry is sampled (1,000,000 points: 0.8 s -> 0.15 s).
-- Coordinates are shifted to be positive, so a cast truncates like floor().
-- name: monuments_densest_cell
SELECT avg((xmin + xmax) / 2) AS lon, avg((ymin + ymax) / 2) AS lat, count(*) AS n
  FROM idx_monument_pub
 WHERE pkid % :step = 0
 GROUP BY CAST(((xmin + xmax) / 2 + 180) / :cell AS INTEGER),
          CAST(((ymin + ymax) / 2 + 90) / :cell AS INTEGER)
 ORDER BY n DESC
 LIMIT 1;

-- One aggregate per select: SQLite reads a min or max from the end of an index (014) only
-- when it is the select's sole result.
-- name: monuments_time_extent
SELECT (SELECT min(year_from) FROM monument WHERE deleted_at IS NULL),
       (SELECT max(year_to) FROM monument WHERE deleted_at IS NULL);

-- `datetime` intervals: monuments by their dating (years), zones by last change, reports by
-- the day observed (or of the event).
-- name: frag_monuments_time_from
 AND m.year_to >= CAST(substr(?, 1, 4) AS INTEGER)

-- name: frag_monuments_time_to
 AND m.year_from <= CAST(substr(?, 1, 4) AS INTEGER)

-- name: frag_zones_time_from
 AND m.updated_at >= ?

-- name: frag_zones_time_to
 AND m.updated_at <= ?

-- name: frag_reports_time_from
 AND coalesce(m.observed_on, m.event_date) >= ?

-- name: frag_reports_time_to
 AND coalesce(m.observed_on, m.event_date) <= ?

-- ---- map tiles (storage/map.c) ----------------------------------------------------------
-- ?1..?4 the box (min lon, min lat, max lon, max lat); ?5 names wanted; ?6 footprints
-- wanted; ?7 significance, ?8 condition, ?9 kind, ?11 district (its name), ?12 damaged on or
-- after this day (NULL: any; ?10 is the damage layer's today); ?13 the names' language ('en':
-- name_en where there is one, else name_uk). Archaeological sites marked
-- location_sensitive: found in the public index (011) at their published 0.01 degree point,
-- drawn there, without a footprint.
-- name: map_monuments
SELECT m.id, ST_X(m.pub_marker), ST_Y(m.pub_marker),
  m.condition, m.significance,
  CASE WHEN ?5 THEN coalesce(CASE WHEN ?13 = 'en' THEN m.name_en END, m.name_uk) END,
  CASE WHEN ?6 AND GeometryType(m.pub_geom) IN ('POLYGON', 'MULTIPOLYGON')
       THEN AsBinary(m.pub_geom) END,
  coalesce(s.sort, 99) AS rank
FROM monument m LEFT JOIN vocab_significance s ON s.code = m.significance
WHERE m.id IN (SELECT pkid FROM idx_monument_pub
               WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4)
  AND m.deleted_at IS NULL
  AND (?7 IS NULL OR m.significance = ?7) AND (?8 IS NULL OR m.condition = ?8)
  AND (?9 IS NULL OR m.id IN (SELECT monument_id FROM monument_kind WHERE kind = ?9))
  AND (?11 IS NULL OR m.district = ?11)
  AND (?12 IS NULL OR m.id IN (SELECT monument_id FROM damage_event WHERE day >= ?12))
ORDER BY 8, 1;

-- map_monuments for one significance (?7) without footprints, e.g. the names of national
-- monuments from z13: found in the map's points (012) by the significance their key holds, so
-- that only those monuments' rows are read, not every row in the box (bench/scale, 1,000,000
-- monuments: tile z13 p99 120 ms through map_monuments). Parameters as map_monuments'.
-- name: map_monuments_of_significance
SELECT m.id, ST_X(m.pub_marker), ST_Y(m.pub_marker),
  m.condition, m.significance,
  CASE WHEN ?5 THEN coalesce(CASE WHEN ?13 = 'en' THEN m.name_en END, m.name_uk) END,
  NULL, coalesce(s.sort, 99) AS rank
FROM idx_map_point p
JOIN monument m ON m.id = p.key >> 8
LEFT JOIN vocab_significance s ON s.code = m.significance
WHERE p.xmax >= ?1 AND p.xmin <= ?3 AND p.ymax >= ?2 AND p.ymin <= ?4 AND (p.key & 1) = 0
  AND (p.key >> 1) & 15 = (SELECT min(sort, 15) FROM vocab_significance WHERE code = ?7)
  AND m.significance = ?7 AND m.deleted_at IS NULL
  AND (?8 IS NULL OR m.condition = ?8)
  AND (?9 IS NULL OR m.id IN (SELECT monument_id FROM monument_kind WHERE kind = ?9))
  AND (?11 IS NULL OR m.district = ?11)
  AND (?12 IS NULL OR m.id IN (SELECT monument_id FROM damage_event WHERE day >= ?12))
ORDER BY 8, 1;

-- The same from the map's points alone (012), for a map thinned at low zoom that wants
-- neither names nor footprints nor the filters that need a monument's row (kind, district,
-- damage): tens of thousands of index entries instead of as many monument rows. Condition
-- and significance come as their vocabularies' sort numbers. Parameters as map_monuments'.
-- In the order of map_monuments with frag_map_points_order; in the index's order without,
-- when the caller only sums them into cells (sorting 30,000 points was a third of a z10 tile
-- over Kyiv).
-- name: frag_map_points
SELECT key >> 8, xmin, ymin, (key >> 5) & 7, (key >> 1) & 15, NULL, NULL, (key >> 1) & 15
FROM idx_map_point
WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4 AND (key & 1) = 0
  AND (?7 IS NULL OR (key >> 1) & 15 = (SELECT sort FROM vocab_significance WHERE code = ?7))
  AND (?8 IS NULL OR (key >> 5) & 7 = (SELECT sort FROM vocab_condition WHERE code = ?8))

-- name: frag_map_points_order
 ORDER BY 8, 1

-- The codes of those sort numbers, for map_points.
-- name: map_vocab_sorts
SELECT 0, sort, code FROM vocab_condition UNION ALL SELECT 1, sort, code FROM vocab_significance;

-- Monuments with an approved damage report: the latest damage event's level and its age in
-- days (?10: now as a Julian day, so that a tile is the same all day for a given data set).
-- name: map_damage
SELECT m.id, ST_X(m.pub_marker), ST_Y(m.pub_marker),
  m.condition, m.significance,
  CASE WHEN ?5 THEN coalesce(CASE WHEN ?13 = 'en' THEN m.name_en END, m.name_uk) END, NULL,
  d.damage_level, ?10 - julianday(d.at) AS age
FROM monument m
JOIN (SELECT r.monument_id, r.damage_level, coalesce(r.event_date, r.observed_on, r.created_at) AS at,
             row_number() OVER (PARTITION BY r.monument_id
                                ORDER BY coalesce(r.event_date, r.observed_on, r.created_at) DESC, r.id DESC) AS n
      FROM condition_report r
      WHERE r.report_type = 'damage' AND r.status = 'approved' AND r.verification <> 'rejected'
        AND r.monument_id IN (SELECT pkid FROM idx_monument_pub
                              WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4)) d
  ON d.monument_id = m.id AND d.n = 1
WHERE m.deleted_at IS NULL
  AND ST_X(m.pub_marker) BETWEEN ?1 AND ?3 AND ST_Y(m.pub_marker) BETWEEN ?2 AND ?4
  AND (?7 IS NULL OR m.significance = ?7) AND (?8 IS NULL OR m.condition = ?8)
  AND (?9 IS NULL OR m.id IN (SELECT monument_id FROM monument_kind WHERE kind = ?9))
  AND (?11 IS NULL OR m.district = ?11)
  AND (?12 IS NULL OR m.id IN (SELECT monument_id FROM damage_event WHERE day >= ?12))
ORDER BY d.at, m.id;

-- name: map_zones
SELECT z.id, 0, 0, NULL, NULL, CASE WHEN ?5 THEN z.name_uk END, AsBinary(z.pub_geom)
FROM protection_zone_pub z
WHERE z.id IN (SELECT pkid FROM idx_protection_zone_geom
               WHERE xmax >= ?1 - 0.01 AND xmin <= ?3 + 0.01 AND ymax >= ?2 - 0.01
                 AND ymin <= ?4 + 0.01)
  AND z.deleted_at IS NULL
ORDER BY z.id;

-- ---- the tile cache (storage/tilecache.c) -------------------------------------------------
-- A database of its own beside the registry (<registry>.tiles): rendered PNGs stored once by
-- content hash (the empty tile and other repeats cost one row each), keyed by layer, style
-- revision, filter, day (the damage layer's colours age) and z/x/y/scale. `seen` is the last
-- map_change row applied; `bytes` the size of all PNGs, kept by triggers for the size bound.
-- The busy timeout first: another connection may be creating the file at the same moment.
-- name: exec_tilecache_schema
PRAGMA busy_timeout = 10000;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS tile (
  layer TEXT NOT NULL, style INTEGER NOT NULL, filter TEXT NOT NULL, day INTEGER NOT NULL,
  z INTEGER NOT NULL, x INTEGER NOT NULL, y INTEGER NOT NULL, scale INTEGER NOT NULL,
  hash TEXT NOT NULL, used INTEGER NOT NULL,
  PRIMARY KEY (z, x, y, layer, style, filter, day, scale)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tile_used ON tile(used);
CREATE INDEX IF NOT EXISTS tile_hash ON tile(hash);
CREATE TABLE IF NOT EXISTS tile_blob (hash TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tile_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO tile_meta VALUES ('seen', 0), ('bytes', 0);
CREATE TRIGGER IF NOT EXISTS tile_blob_added AFTER INSERT ON tile_blob BEGIN
  UPDATE tile_meta SET value = value + length(NEW.data) WHERE key = 'bytes';
END;
CREATE TRIGGER IF NOT EXISTS tile_blob_removed AFTER DELETE ON tile_blob BEGIN
  UPDATE tile_meta SET value = value - length(OLD.data) WHERE key = 'bytes';
END;

-- name: tile_get
SELECT t.hash, b.data, t.used FROM tile t JOIN tile_blob b ON b.hash = t.hash
WHERE t.z = ?1 AND t.x = ?2 AND t.y = ?3 AND t.layer = ?4 AND t.style = ?5 AND t.filter = ?6
  AND t.day = ?7 AND t.scale = ?8;

-- name: tile_touch
UPDATE tile SET used = ?9
WHERE z = ?1 AND x = ?2 AND y = ?3 AND layer = ?4 AND style = ?5 AND filter = ?6 AND day = ?7
  AND scale = ?8;

-- name: tile_blob_put
INSERT OR IGNORE INTO tile_blob (hash, data) VALUES (?1, ?2);

-- name: tile_put
INSERT OR REPLACE INTO tile (z, x, y, layer, style, filter, day, scale, hash, used)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10);

-- name: tile_meta_get
SELECT value FROM tile_meta WHERE key = ?1;

-- name: tile_seen_set
UPDATE tile_meta SET value = ?1 WHERE key = 'seen';

-- name: tile_drop_range
DELETE FROM tile WHERE z = ?1 AND x BETWEEN ?2 AND ?3 AND y BETWEEN ?4 AND ?5;

-- name: tile_drop_all
DELETE FROM tile;

-- name: tile_count
SELECT count(*) FROM tile;

-- Least recently used tiles first, then the PNGs no tile uses any more.
-- name: tile_evict
DELETE FROM tile WHERE (z, x, y, layer, style, filter, day, scale) IN
  (SELECT z, x, y, layer, style, filter, day, scale FROM tile ORDER BY used LIMIT ?1);

-- name: tile_blob_orphans
DELETE FROM tile_blob WHERE NOT EXISTS (SELECT 1 FROM tile t WHERE t.hash = tile_blob.hash);

-- ---- MBTiles export (storage/tilecache.c) -------------------------------------------------
-- MBTiles 1.3: metadata and tiles, rows counted from the south (TMS), as QGIS, GDAL and
-- mobile apps read them.
-- name: exec_mbtiles_schema
PRAGMA journal_mode = DELETE;
CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB,
                    PRIMARY KEY (zoom_level, tile_column, tile_row));

-- name: table_count
SELECT count(*) FROM sqlite_master;

-- name: mbtiles_meta
INSERT OR REPLACE INTO metadata (name, value) VALUES (?1, ?2);

-- name: mbtiles_put
INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?1, ?2, ?3, ?4);

-- ---- accounts and tokens (storage/users.c) ---------------------------------------------
-- name: user_insert
INSERT INTO app_user (login, password_hash, role, display_name) VALUES (?1, ?2, ?3, ?4);

-- A new password leaves a disabled account disabled (issue 21); its tokens are revoked.
-- name: user_set_password
UPDATE app_user SET password_hash = :hash WHERE login = :login RETURNING disabled;

-- A disabled account's tokens stop working at once (they are revoked with it).
-- name: user_disable
UPDATE app_user SET disabled = 1 WHERE login = ?1;

-- name: user_tokens_revoke
UPDATE api_token SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE revoked_at IS NULL AND user_id = (SELECT id FROM app_user WHERE login = :login);

-- name: user_by_login
SELECT id, password_hash, role, disabled FROM app_user WHERE login = ?1;

-- name: token_insert
INSERT INTO api_token (user_id, token_hash, expires_at)
VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?3));

-- name: token_expires
SELECT expires_at FROM api_token WHERE id = last_insert_rowid();

-- name: token_user
SELECT u.id, u.login, u.role, t.expires_at FROM api_token t JOIN app_user u ON u.id = t.user_id
WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0
  AND t.expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now');

-- name: token_revoke
UPDATE api_token SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE token_hash = ?1 AND revoked_at IS NULL;

-- name: role_exists
SELECT count(*) FROM vocab_role WHERE code = ?1;

-- ---- editing (OGC API - Features Part 4; storage/monument.c) ----------------------------
-- name: monument_state
SELECT version, deleted_at IS NOT NULL, content_hash FROM monument WHERE id = ?1;

-- A monument as an edit starts from it: model fields by name, geometry, marker.
-- name: monument_record
SELECT source_id, protection_no, register_act, register_date, significance, object_kind, kinds,
  name_uk, name_en, dating, year_from, year_to, address, district, cadastral_no,
  protected_subject, agreement_no, agreement_date, passport_ref, wikidata, wlm_id,
  location_sensitive, description, source, AsBinary(geom) AS wkb,
  ST_X(marker) AS marker_x, ST_Y(marker) AS marker_y, version, deleted_at IS NOT NULL AS is_deleted
FROM monument_v WHERE id = ?1;

-- A deletion keeps the row as a tombstone (re-syncing clients learn of it through
-- updated_since); the map_change trigger drops the tiles it was drawn on.
-- name: monument_soft_delete
UPDATE monument SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), version = version + 1
WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL;

-- ---- condition reports imported from files (storage/reports_import.c) --------------------
-- An import of reports (target condition_report) is one bulk transaction. Reports inserted
-- by it are those above its mark, the largest report id when it began (ids only grow). The
-- per-report triggers (the monument's condition and last inspection from its reports, and
-- the map changes of the report and of the monument) are dropped for the transaction and
-- their work is done once per touched monument at its end (report_bulk_apply), with the same
-- outcome: the same condition, last_inspected and version (one more per approved report), and
-- map_change boxes that cover every box the triggers would have written. Dropped and created
-- inside the transaction (from the SQL the schema holds: trigger_sql), so no other
-- connection sees them missing and a rollback restores them. The touched monuments are noted
-- in a temporary table as the reports go in: how many reports each got that fire the
-- trigger, and the last of them.

-- name: report_import_mark
SELECT coalesce(max(id), 0) FROM condition_report;

-- name: exec_report_bulk_off
CREATE TEMP TABLE IF NOT EXISTS report_touched (
  monument_id INTEGER PRIMARY KEY,
  approved    INTEGER NOT NULL,    -- reports that fire the trigger (its WHEN)
  last_id     INTEGER NOT NULL     -- the last of them, 0 when none
);
DELETE FROM temp.report_touched;

-- name: report_import_find
SELECT id, content_hash FROM condition_report WHERE dataset = ?1 AND source_id = ?2;

-- name: report_import_monument
SELECT id, deleted_at IS NOT NULL FROM monument WHERE protection_no = :monument;

-- A report file may name its monument by its key in the data set it was imported from
-- (mapping member "monument_dataset"), e.g. a sample list without protection numbers.
-- name: report_import_monument_by_source
SELECT id, deleted_at IS NOT NULL FROM monument WHERE dataset = :dataset AND source_id = :monument;

-- Imported reports are the department's own records: approved, like those filed through the
-- API (report_create), with the same default for when a technical act is due again.
-- name: report_import_insert
INSERT INTO condition_report (monument_id, dataset, source_id, content_hash,
  report_type, observed_on, event_date, condition, damage_level, damage_extent,
  repeat_hit, priority, trend, description, recommended_actions, source, verification, author,
  next_due)
VALUES (:monument_id, :dataset, :source_key, :content_hash,
  :report_type, :observed_on, :event_date, :condition, :damage_level, :damage_extent,
  :repeat_hit, :priority, :trend, :description, :recommended_actions, :source, coalesce(:verification, 'unverified'), :author,
  coalesce(:next_due, CASE WHEN :report_type = 'technical_act'
                     THEN date(coalesce(:observed_on, :event_date, 'now'), '+5 years') END));

-- The monument ?1 got report ?3; ?2 is 1 when that report fires the trigger (approved, its
-- verification not rejected: the WHEN of condition_report_sets_condition), else 0.
-- name: report_touched_note
INSERT INTO temp.report_touched (monument_id, approved, last_id) VALUES (?1, ?2, ?2 * ?3)
ON CONFLICT (monument_id) DO UPDATE SET approved = approved + excluded.approved,
  last_id = max(last_id, excluded.last_id);

-- The last of the next ?2 touched monuments after id ?1 (NULL when none is left): the
-- monuments are updated in slices, so that the statement journal of one UPDATE (kept in
-- memory: temp_store) holds the pages of a slice, not of a whole national registry.
-- name: report_touched_slice
SELECT max(monument_id) FROM (SELECT monument_id FROM temp.report_touched
                               WHERE monument_id > ?1 ORDER BY monument_id LIMIT ?2);

-- The trigger condition_report_sets_condition, once per monument with ids in (?1, ?2] that
-- got reports firing it: the condition and last inspection it computed when it fired last
-- (from the reports up to that one: a report that does not fire it, inserted after, is not
-- counted in last_inspected until another fires), and the version up by one per firing.
-- name: report_bulk_apply
UPDATE monument SET
  condition = (SELECT r.condition FROM condition_report r
                WHERE r.monument_id = monument.id AND r.status = 'approved'
                  AND r.id <= (SELECT t.last_id FROM temp.report_touched t
                                WHERE t.monument_id = monument.id)
                  AND r.verification <> 'rejected' AND r.condition IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM condition_report s WHERE s.supersedes_id = r.id)
                ORDER BY coalesce(r.observed_on, r.event_date, r.created_at) DESC, r.id DESC
                LIMIT 1),
  last_inspected = (SELECT max(coalesce(r.observed_on, r.event_date)) FROM condition_report r
                     WHERE r.monument_id = monument.id AND r.status = 'approved'
                       AND r.id <= (SELECT t.last_id FROM temp.report_touched t
                                     WHERE t.monument_id = monument.id)
                       AND r.report_type IN ('inspection', 'technical_act', 'post_restoration')
                       AND NOT EXISTS (SELECT 1 FROM condition_report s
                                        WHERE s.supersedes_id = r.id)),
  version = version + (SELECT t.approved FROM temp.report_touched t
                        WHERE t.monument_id = monument.id),
  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id IN (SELECT monument_id FROM temp.report_touched
              WHERE monument_id > ?1 AND monument_id <= ?2 AND approved > 0);

-- The triggers map_change_report and map_change_monument_update, once: the boxes of the
-- touched monuments, widened as map_change_report widens them (which covers the monument
-- update's boxes too: the geometry did not move), merged per 1-degree cell so that a
-- national import leaves at most a few hundred rows for the tile cache to apply rather than
-- one per monument.
-- name: report_bulk_map_change
INSERT INTO map_change (xmin, ymin, xmax, ymax)
SELECT min(g.xmin) - 0.005, min(g.ymin) - 0.005, max(g.xmax) + 0.005, max(g.ymax) + 0.005
FROM idx_monument_geom g
WHERE g.pkid IN (SELECT monument_id FROM temp.report_touched)
GROUP BY CAST(g.xmin + 180 AS INTEGER), CAST(g.ymin + 90 AS INTEGER);

-- The imported reports' audit rows, in one statement (as audit_bulk_inserts for monuments):
-- an insert's row carries no JSON, a report is never changed, so the row itself is its state.
-- name: report_bulk_audit
INSERT INTO audit_log (actor, action, entity, entity_id, import_run_id)
SELECT ?1, 'insert', 'condition_report', id, ?2 FROM condition_report WHERE id > ?3 ORDER BY id;

-- ---- provenance, conflicts, data sets (storage/provenance.c, schemas/016) ------------------
-- name: origin_of
SELECT field, dataset, actor, at, declined FROM field_origin
 WHERE entity = :entity AND entity_id = :id;

-- name: origin_put
INSERT INTO field_origin (entity, entity_id, field, dataset, actor, actor_role, import_run_id,
  declined)
VALUES (:entity, :id, :field, :dataset, :actor, :role, nullif(:run, 0), :declined)
ON CONFLICT (entity, entity_id, field) DO UPDATE SET dataset = excluded.dataset,
  actor = excluded.actor, actor_role = excluded.actor_role,
  import_run_id = excluded.import_run_id, declined = excluded.declined,
  at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now');

-- An editor kept their value: the field stays theirs (or its data set's), and remembers the
-- source value it was kept against.
-- name: origin_decline
INSERT INTO field_origin (entity, entity_id, field, actor, declined)
VALUES (:entity, :id, :field, :actor, :declined)
ON CONFLICT (entity, entity_id, field) DO UPDATE SET declined = excluded.declined;

-- name: origin_forget
DELETE FROM field_origin WHERE entity = :entity AND entity_id = :id AND field = :field;

-- name: origin_forget_all
DELETE FROM field_origin WHERE entity = :entity AND entity_id = :id;

-- name: conflicts_taken
UPDATE import_conflict SET status = 'taken', resolved_by = :by,
  resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 WHERE entity = :entity AND entity_id = :id AND kind = 'field' AND status = 'open';

-- One open conflict a field: a later run refreshes it.
-- name: conflict_refresh
UPDATE import_conflict SET run_id = :run, dataset = :dataset,
  source_value = coalesce(:source_value, AsGeoJSON(GeomFromWKB(:source_wkb, 4326), 7)),
  source_wkb = :source_wkb,
  current_value = coalesce(:current_value, AsGeoJSON(GeomFromWKB(:current_wkb, 4326), 7)),
  changed_by = :changed_by, changed_at = :changed_at
 WHERE entity = :entity AND entity_id = :id AND field = :field AND kind = 'field'
   AND status = 'open';

-- name: conflict_insert
INSERT INTO import_conflict (run_id, dataset, entity, entity_id, kind, field, source_value,
  source_wkb, current_value, changed_by, changed_at)
VALUES (:run, :dataset, :entity, :id, 'field', :field,
  coalesce(:source_value, AsGeoJSON(GeomFromWKB(:source_wkb, 4326), 7)), :source_wkb,
  coalesce(:current_value, AsGeoJSON(GeomFromWKB(:current_wkb, 4326), 7)),
  :changed_by, :changed_at);

-- name: missing_refresh
UPDATE import_conflict SET run_id = :run, status = CASE WHEN :status = 'open' THEN 'open'
  ELSE status END
 WHERE entity = :entity AND entity_id = :id AND kind = 'missing' AND dataset = :dataset
   AND status IN ('open', 'noted');

-- name: missing_insert
INSERT INTO import_conflict (run_id, dataset, entity, entity_id, kind, status, current_value)
SELECT :run, :dataset, :entity, :id, 'missing', :status,
  CASE :entity WHEN 'monument' THEN (SELECT source_id FROM monument WHERE id = :id)
    WHEN 'protection_zone' THEN (SELECT source_id FROM protection_zone WHERE id = :id)
    ELSE (SELECT source_id FROM condition_report WHERE id = :id) END;

-- Conflicts with the record's name and key, newest first.
-- name: conflict_list
SELECT c.id, c.run_id, c.entity_id, c.dataset, c.entity, c.kind, c.field, c.source_value,
  c.current_value, c.changed_by, c.changed_at, c.status, c.resolved_by, c.resolved_at,
  c.created_at, coalesce(m.name_uk, z.name_uk), coalesce(m.source_id, z.source_id, r.source_id)
FROM import_conflict c
LEFT JOIN monument m ON c.entity = 'monument' AND m.id = c.entity_id
LEFT JOIN protection_zone z ON c.entity = 'protection_zone' AND z.id = c.entity_id
LEFT JOIN condition_report r ON c.entity = 'condition_report' AND r.id = c.entity_id
WHERE (:run = 0 OR c.run_id = :run) AND (:status IS NULL OR c.status = :status)
ORDER BY c.id DESC LIMIT :limit;

-- name: conflict_get
SELECT entity, entity_id, kind, field, dataset, source_value, source_wkb, status
FROM import_conflict WHERE id = :id;

-- name: conflict_resolve
UPDATE import_conflict SET status = :status, resolved_by = :by,
  resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 WHERE id = :id;

-- name: conflict_json
SELECT json_object('id', id, 'run_id', run_id, 'dataset', dataset, 'entity', entity,
  'entity_id', entity_id, 'kind', kind, 'field', field, 'source_value', source_value,
  'current_value', current_value, 'changed_by', changed_by, 'changed_at', changed_at,
  'status', status, 'resolved_by', resolved_by, 'resolved_at', resolved_at)
FROM import_conflict WHERE id = ?1;

-- name: point_on_surface
SELECT ST_X(p), ST_Y(p) FROM (SELECT PointOnSurface(GeomFromWKB(:wkb, 4326)) AS p);

-- name: monument_dataset
SELECT dataset FROM monument WHERE id = :id;

-- name: zone_dataset
SELECT dataset FROM protection_zone WHERE id = :id;

-- name: monument_id_by_source
SELECT id FROM monument WHERE dataset = ?1 AND source_id = ?2;

-- name: zone_id_by_source
SELECT id FROM protection_zone WHERE dataset = ?1 AND source_id = ?2;

-- The live records a data set brought, for a re-import to tell which it no longer has.
-- name: monument_ids_of_dataset
SELECT id FROM monument WHERE dataset = :dataset AND deleted_at IS NULL AND source_id IS NOT NULL;

-- name: zone_ids_of_dataset
SELECT id FROM protection_zone
 WHERE dataset = :dataset AND deleted_at IS NULL AND source_id IS NOT NULL;

-- name: report_ids_of_dataset
SELECT id FROM condition_report WHERE dataset = :dataset AND source_id IS NOT NULL;

-- A data set, or the details given of one already known (NULL keeps what is known).
-- name: dataset_put
INSERT INTO dataset (name, title, publisher, licence, licence_url, attribution, url, retrieved)
VALUES (:name, :title, :publisher, coalesce(:licence, 'unknown'), :licence_url, :attribution,
  :url, :retrieved)
ON CONFLICT (name) DO UPDATE SET title = coalesce(:title, title),
  publisher = coalesce(:publisher, publisher), licence = coalesce(:licence, licence),
  licence_url = coalesce(:licence_url, licence_url),
  attribution = coalesce(:attribution, attribution), url = coalesce(:url, url),
  retrieved = coalesce(:retrieved, retrieved),
  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE :title IS NOT NULL OR :publisher IS NOT NULL OR :licence IS NOT NULL
   OR :licence_url IS NOT NULL OR :attribution IS NOT NULL OR :url IS NOT NULL
   OR :retrieved IS NOT NULL;

-- The data sets whose values the registry holds in a live record (each EXISTS stops at the
-- first row, by the UNIQUE (dataset, source_id) indexes).
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
-- A re-import replaces the whole base map, in the importer's transaction.
-- name: exec_basemap_clear
DELETE FROM basemap_rtree;
DELETE FROM basemap_feature;
DELETE FROM basemap_source;

-- name: basemap_insert
INSERT INTO basemap_feature (dataset, class, name_uk, name_en, wkb)
VALUES (:dataset, :class, :name_uk, :name_en, :wkb);

-- name: basemap_rtree_insert
INSERT INTO basemap_rtree (id, xmin, xmax, ymin, ymax, zmin, zmax, pmin, pmax)
VALUES (:id, :xmin, :xmax, :ymin, :ymax, :zoom, :zoom, :place, :place);

-- name: basemap_source_insert
INSERT INTO basemap_source (dataset, file, features) VALUES (:dataset, :file, :features);

-- The base map changed everywhere it was and is: every cached tile goes (a NULL box).
-- name: basemap_map_change
INSERT INTO map_change (xmin, ymin, xmax, ymax) VALUES (NULL, NULL, NULL, NULL);

-- Who replaced the base map with what, in the audit log: also the data's version, so that the
-- responses a server keeps (the data sets, TileJSON's attribution) follow the new base map.
-- name: basemap_audit
INSERT INTO audit_log (actor, action, entity, entity_id, after)
VALUES ('basemap import', 'update', 'basemap', 1,
        (SELECT json_object('files', json_group_array(json_object('dataset', dataset, 'file', file,
                                                                  'features', features)))
           FROM basemap_source));

-- Whether there is a base map (1) or the districts are the base (0); one row read at most.
-- name: basemap_exists
SELECT EXISTS (SELECT 1 FROM basemap_feature);

-- The features of a box drawn at zoom :z (place names, :place = 1, or the rest, 0), in the
-- order they were imported.
-- name: basemap_features
SELECT f.class, f.name_uk, f.name_en, f.wkb, r.zmin
FROM basemap_rtree r JOIN basemap_feature f ON f.id = r.id
WHERE r.xmax >= :xmin AND r.xmin <= :xmax AND r.ymax >= :ymin AND r.ymin <= :ymax
  AND r.zmin <= :z AND r.pmin <= :place AND r.pmax >= :place
ORDER BY r.id;

-- The districts of a box, as the base when there is no base-map data: outline, names and a
-- point inside for the name, the largest first (their names are placed first).
-- name: map_districts
SELECT 'district', name_uk, name_en, AsBinary(geom), 0, ST_X(PointOnSurface(geom)),
  ST_Y(PointOnSurface(geom))
FROM district
WHERE id IN (SELECT pkid FROM idx_district_geom
             WHERE xmax >= :xmin AND xmin <= :xmax AND ymax >= :ymin AND ymin <= :ymax)
ORDER BY ST_Area(geom) DESC, id;

-- The base map's extent, for `spadok tiles` (a NULL row when there is none).
-- name: basemap_extent
SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM basemap_rtree;

-- PostgreSQL keeps its schema version in a table that this makes on a new database
-- (schemas/pg/queries.sql); SQLite's is PRAGMA user_version, always there.
-- name: exec_schema_bootstrap
-- nothing to do on SQLite

-- The monuments whose search words PostgreSQL's triggers left to fill (storage/db.c,
-- search_fill): none on SQLite, whose triggers call sp_search_words themselves.
-- name: search_pending
SELECT 0, NULL, NULL, NULL, NULL WHERE 0

-- name: search_fill
UPDATE monument_fts SET words = ?1 WHERE 0 AND rowid = ?2

-- ---- streaming replicas (serve --read-db; storage/db.c sp_db_write_position) --------------
-- The primary's write-ahead log position after a write, and how far a replica has replayed
-- it, as byte counts. A SQLite file has no replicas: its positions are all 0, so that every
-- write reads as replayed.
-- name: wal_position
SELECT 0

-- name: wal_replayed
SELECT 0
