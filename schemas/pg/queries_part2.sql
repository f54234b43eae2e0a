-- schemas/pg/queries_part2.sql - the PostgreSQL 15 + PostGIS 3 twins of schemas/queries.sql from
-- frag_reports_since to its end, plus search_pending and search_fill (issue 23); the lead joins
-- it to queries_part1.sql as schemas/pg/queries.sql. Same names, order, parameters and result
-- columns as the SQLite statements; each comment says only what differs and why.
-- Conventions: values arrive as untyped text, so a parameter whose type PostgreSQL cannot
-- infer is cast (:minx::float8, ?5::int <> 0 where SQLite takes a number as a boolean).
-- Parameters are exactly the SQLite twin's, so the map statements leave numbers out as there
-- (map_monuments ?10; map_monuments_of_significance ?6, ?10; frag_map_points ?5, ?6;
-- map_damage ?6) and map.c binds ?1..?13 to each: the engine must give a type (text) to a
-- number below the largest that the text never names (PostgreSQL cannot infer one: "could not
-- determine data type of parameter $10") and ignore one above it, as SQLite does.
-- The R*Tree twins hold exact double bounds (SQLite's hold float32 rounded outward): a box
-- search gives the same rows after its exact test; their box(...) && box(...) uses the GiST
-- index. Timestamps: 001_init.sql's sp_now() is SQLite's strftime('%Y-%m-%dT%H:%M:%fZ',
-- 'now'). Text compares bytewise as in SQLite (001_init.sql wants a C collation).
-- GeoJSON (ST_AsGeoJSON for AsGeoJSON) is SpatiaLite's text but for two cases: a value whose
-- shortest decimal form ends in 5 just past the decimals asked (50.3985785 at 6: PostGIS
-- 50.398578, SpatiaLite 50.398579), and a value nearer 0 than about 1e-8 (PostGIS 1e-9,
-- SpatiaLite 0).

-- strftime('%Y-%m-%dT%H:%M:%fZ', ?) as sp_now()'s format of the instant given (RFC 3339,
-- checked by the server; without an offset it is UTC: exec_connection_setup), as
-- frag_changed_since. Digits past the millisecond are cut (SQLite rounds them).
-- name: frag_reports_since
 AND m.created_at > to_char(?::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')

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

-- There is no R*Tree node to read: the same blob is made of the index's bounds, one cell of
-- a root node (depth 0, 1 cell, row id 0, then min x, max x, min y, max y as big-endian
-- float32), each rounded outward as SQLite's R*Tree rounds (rtreeValueDown/Up: the nearest
-- float32, or if that lies inside, of v * (1 -+ 2^-23)). SQLite's root has a cell per child,
-- whose union is this cell: storage/items.c reads the same extent (same float32 bits, checked
-- on the sample); NULL when the index is empty. Reads every row of the index (SQLite: a node).
-- name: monuments_extent
SELECT '\x000000010000000000000000'::bytea
       || (SELECT string_agg(float4send(CASE WHEN d * v::float4 < d * v
                                             THEN (v * (1 + d * sign(v) / 8388608.0))::float4
                                             ELSE v::float4 END), ''::bytea ORDER BY k)
             FROM (VALUES (1, min(xmin), -1), (2, max(xmax), 1), (3, min(ymin), -1),
                          (4, max(ymax), 1)) c (k, v, d)) AS data
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

-- Columns 2 and 3 are the index's exact bounds (SQLite's: float32 rounded outward, a point's
-- bounds within 4e-6 degree of it).
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

-- CAST(x AS INTEGER) -> floor(x) (x is positive). The boxes are the exact bounds (SQLite's are
-- float32 rounded outward, up to 4e-6 degree wider).
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
VALUES (:id, :xmin, :xmax, :ymin, :ymax, :zoom, :zoom, :place, :place);

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
