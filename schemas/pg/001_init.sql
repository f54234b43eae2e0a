-- schemas/pg/001_init.sql - the registry's model on PostgreSQL 15 + PostGIS 3 (issue 23), for
-- `--db postgresql://...`: the same tables, views, columns, constraints, vocabularies and
-- rules as SQLite has after migration 022 (schemas/current.sql, which this file follows table
-- by table), so that the same C code (storage/) and the PostgreSQL twins of its statements
-- (schemas/pg/queries.sql) give the same answers on both engines. One migration: the SQLite
-- history 001-022 is not replayed; later PostgreSQL migrations are schemas/pg/002_*.sql on.
-- Applied by the C runner, or by hand: psql -v ON_ERROR_STOP=1 -f schemas/pg/001_init.sql.
-- tests/integration/test_pg_schema.sh compares it with a freshly migrated SQLite registry.
--
-- Deliberate differences from SQLite (each explained where it is made):
--  * Types: INTEGER -> bigint (an INTEGER PRIMARY KEY -> an identity column that still takes
--    explicit ids), REAL -> double precision, BLOB -> bytea, 0/1 flags -> integer with the same
--    CHECK (not boolean: the C reads them as integers and the JSON must not change).
--    Timestamps stay text in SQLite's ISO format, written by sp_now() (below).
--  * Identity columns never reuse an id; SQLite's INTEGER PRIMARY KEY reuses the largest id
--    after that row is deleted. No statement inserts an explicit id into an identity column
--    today; one that does must setval() the column's sequence afterwards.
--  * Foreign keys are DEFERRABLE INITIALLY IMMEDIATE: checked at the end of each statement as
--    SQLite checks them, and deferrable to the commit by SET CONSTRAINTS ALL DEFERRED, the
--    twin of SQLite's PRAGMA defer_foreign_keys (exec_begin_bulk).
--  * Geometry: SpatiaLite GEOMETRY/POINT columns are geometry(Geometry|Point, 4326) with a GiST
--    index each; the generated pub_marker and pub_geom are STORED (PostgreSQL has no virtual
--    generated columns) and pub_geom repeats pub_marker's expression (a generated column
--    cannot read another).
--  * The R*Tree tables (idx_monument_geom, idx_monument_pub, idx_district_geom,
--    idx_protection_zone_geom, idx_map_point, basemap_rtree) and map_change: PostgreSQL
--    reserves the column names xmin and xmax (system columns of every table), so each is an
--    updatable VIEW with SQLite's name and columns over a plain table <name>_rows (x_min,
--    x_max, y_min, y_max), kept by the same triggers, with a GiST index on
--    box(point(x_min, y_min), point(x_max, y_max)); a query through the view adds
--    box(point(xmin, ymin), point(xmax, ymax)) && box(point(:minx, :miny), point(:maxx, :maxy))
--    and the index answers it. TRUNCATE does not work on a view (DELETE does).
--    They hold what SQLite's R*Tree holds: 32-bit floats rounded outward (sp_f32_down,
--    sp_f32_up, applied by every statement that writes them). Their coordinates are NOT NULL (SQLite's
--    R*Tree stores a NULL as 0) and min <= max is checked as the R*Tree checks it.
--  * Full-text search: monument_fts is a table (rowid, words, tsv) instead of FTS5. Its words
--    come from sp_search_words(), a C function PostgreSQL cannot call, so the triggers only
--    mark a monument's row pending (words NULL) and the C layer fills the pending rows before
--    each commit (search_pending, search_fill in schemas/pg/queries.sql). A search is
--    tsv @@ ?::tsquery. The delete trigger is the foreign key's ON DELETE CASCADE. tsv takes
--    the space-separated words verbatim: what FTS5's tokenizer does (fold case, drop
--    diacritics, split at punctuation) the C must do to the words it fills in.
--  * Trigger rules are PL/pgSQL functions, one per rule, fired by triggers with SQLite's names
--    (so the bulk paths can set the same ones aside). PostgreSQL runs AFTER ROW triggers at
--    the end of their statement, SQLite right after each row: the same rows result, as every
--    rule recomputes from the table (the latest report) or adds rows (map_change).
--  * Text compares bytewise in SQLite; this file refuses a database whose collation is not
--    bytewise (C, POSIX, C.UTF-8), so ORDER BY and comparisons of text agree.
--  * SpatiaLite's AddGeometryColumn(..., not null) gives a column DEFAULT '' (an insert without
--    a geometry stores an empty blob); here a geometry column has no default, so such an
--    insert fails.
--  * spadok_schema(version) is PRAGMA user_version: one row, 1 here, raised by the C runner.
--  * 022 (romanised district names) corrected rows of an existing registry; a new database has
--    no districts and the importer's mapping now writes the corrected name, so nothing here.

CREATE EXTENSION IF NOT EXISTS postgis;

DO $$
BEGIN
  IF (SELECT datcollate FROM pg_database WHERE datname = current_database())
     NOT IN ('C', 'POSIX', 'C.UTF-8', 'C.utf8') THEN
    RAISE EXCEPTION 'spadok needs a database whose collation compares bytes as SQLite does '
      '(CREATE DATABASE ... TEMPLATE template0 LOCALE ''C.UTF-8''); this one has %',
      (SELECT datcollate FROM pg_database WHERE datname = current_database());
  END IF;
END $$;

-- ---- migration bookkeeping: PRAGMA user_version ------------------------------------------
-- spadok_schema is made by exec_schema_bootstrap (schemas/pg/queries.sql) before this runs.

-- ---- SQLite's functions, where PostgreSQL has none that gives the same text ---------------
-- strftime('%Y-%m-%dT%H:%M:%fZ', 'now'): every timestamp column's default and trigger.
-- A bulk transaction sets some triggers aside by name until it ends (storage/db.c,
-- sp_db_triggers_off; SQLite drops them and makes them again): trigger_sql sets
-- spadok.off.<name> for the transaction, and these triggers' functions return at once.
CREATE FUNCTION sp_trigger_off(name text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('spadok.off.' || name, true), '') = 'on'
$$;

CREATE FUNCTION sp_now() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- strftime('%Y-%m-%dT%H:%M:%SZ', 'now'): whole seconds (token expiry).
CREATE FUNCTION sp_now_seconds() RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- date(d, '+N years') for d 'now' or text beginning YYYY-MM-DD: the year moves and a day past
-- the month's end runs on into the next month as SQLite normalises it (2024-02-29 - 5 years
-- is 2019-03-01, where PostgreSQL's interval arithmetic says 2019-02-28). NULL where SQLite
-- gives NULL for a text that is no date. (A time with a zone offset after the date, which
-- SQLite would apply, is not read.)
CREATE FUNCTION sp_date_add_years(d text, years integer) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN y + years BETWEEN 1 AND 9999 AND m BETWEEN 1 AND 12 AND dd BETWEEN 1 AND 31
              THEN to_char(make_date(y + years, m, 1) + (dd - 1), 'YYYY-MM-DD') END
  FROM (SELECT substr(t, 1, 4)::int AS y, substr(t, 6, 2)::int AS m, substr(t, 9, 2)::int AS dd
        FROM (SELECT CASE WHEN d = 'now'
                          THEN to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD')
                          WHEN d ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}($|[T ])' THEN d END AS t) s
        WHERE t IS NOT NULL) p
$$;

-- strftime('%Y-%m-%dT%H:%M:%fZ', t) as SQLite 3.40 answers it for a t of the forms
-- YYYY-MM-DD[[T ]HH:MM[:SS[.fraction]]][Z|+-HH:MM]: without an offset (or Z) the fields
-- come back as written (2023-02-30 and an hour 24 stay, the seconds printed to the
-- millisecond and at most 59.999); with one, the instant moves to UTC, a day past its month's
-- end runs on into the next and the seconds are rounded to the millisecond. NULL for what
-- SQLite cannot read (a month 13, a day 32, minutes 60 ...).
CREATE FUNCTION sp_strftime_ms(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN coalesce(m[9]::int * 60 + m[10]::int, 0) = 0
    THEN format('%s-%s-%sT%s:%s:%sZ', m[1], m[2], m[3], coalesce(m[4], '00'),
                coalesce(m[5], '00'), to_char(least(s, 59.999::float8), 'FM00.000'))
    ELSE to_char(make_timestamp(greatest(m[1]::int, 1), m[2]::int, 1, 0, 0, 0)
                 + make_interval(days => m[3]::int - 1, hours => coalesce(m[4]::int, 0),
                                 mins => coalesce(m[5]::int, 0) - (m[9]::int * 60 + m[10]::int)
                                         * CASE m[8] WHEN '-' THEN -1 ELSE 1 END)
                 + floor(s * 1000 + 0.5) * interval '1 millisecond',
                 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END
  FROM regexp_match(t, '^([0-9]{4})-([0-9]{2})-([0-9]{2})'
                       '(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?)?'
                       ' *(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))?$') m,
       LATERAL (SELECT coalesce(m[6]::float8, 0)
                       + coalesce(m[7]::float8 / 10::float8 ^ length(m[7]), 0) AS s) x
  WHERE m[2]::int BETWEEN 1 AND 12 AND m[3]::int BETWEEN 1 AND 31
    AND coalesce(m[4]::int, 0) <= 24 AND coalesce(m[5]::int, 0) <= 59
    AND coalesce(m[6]::int, 0) <= 59 AND coalesce(m[9]::int, 0) <= 14
    AND coalesce(m[10]::int, 0) <= 59
$$;

-- SpatiaLite's BuildMbr(x1, y1, x2, y2, srid): its ring starts at (x1 y1) and runs
-- (x2 y1), (x2 y2), (x1 y2); ST_MakeEnvelope runs the other way round, which GeoJSON and WKB
-- outputs would show.
CREATE FUNCTION sp_build_mbr(x1 float8, y1 float8, x2 float8, y2 float8, srid integer)
RETURNS geometry LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(x1, y1), ST_MakePoint(x2, y1),
    ST_MakePoint(x2, y2), ST_MakePoint(x1, y2), ST_MakePoint(x1, y1)])), srid)
$$;

-- SQLite's json_object/json_group_array write JSON without a space; PostgreSQL's json text
-- writes "key" : value, ", " and newlines in json_agg. This is the same JSON value as
-- SQLite writes it: every space outside the strings dropped (a string is kept whole, its
-- escapes too). (Reals stay in float8's shortest form: 30 where SQLite writes 30.0.)
CREATE FUNCTION sp_json_text(j json) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(j::text, '("(?:[^"\\]|\\.)*")|\s+', '\1', 'g')
$$;

-- SpatiaLite's AsGeoJSON(g, decimals) to the digit: each coordinate read as 15 significant
-- digits and rounded half away from zero, as SpatiaLite's printf does (ST_AsGeoJSON rounds
-- the binary value: 50.3985785 at 6 decimals is 50.398579 in SpatiaLite, 50.398578 in
-- PostGIS; 20,000 random 7-decimal values all agree with SpatiaLite this way, 1 in 20 do
-- not with ST_AsGeoJSON). About 17 us a coordinate where ST_AsGeoJSON takes 1: for outputs
-- that are cached (districts_geojson), not for pages of items.
CREATE FUNCTION sp_geojson(g geometry, decimals integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT string_agg(coalesce(trim_scale(round(t[1]::float8::numeric, decimals))::text, t[2]), ''
                    ORDER BY n)
  FROM regexp_matches(ST_AsGeoJSON(g, 15), '(-?[0-9][0-9.eE+-]*)|([^0-9-]+)', 'g')
       WITH ORDINALITY AS r (t, n)
$$;

-- SQLite's R*Tree stores a box in 32-bit floats rounded outward (its rtreeValueDown and
-- rtreeValueUp, also storage/rtree.c): the same values here, so that extents, the map's
-- points and the change boxes read from the box tables are SQLite's to the bit.
CREATE FUNCTION sp_f32_down(d float8) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN d::float4::float8 > d
    THEN (d * CASE WHEN d < 0 THEN 1 + 1.1920928955078125e-07::float8
                   ELSE 1 - 1.1920928955078125e-07::float8 END)::float4::float8
    ELSE d::float4::float8 END
$$;
CREATE FUNCTION sp_f32_up(d float8) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN d::float4::float8 < d
    THEN (d * CASE WHEN d < 0 THEN 1 - 1.1920928955078125e-07::float8
                   ELSE 1 + 1.1920928955078125e-07::float8 END)::float4::float8
    ELSE d::float4::float8 END
$$;

-- SQLite's group_concat(x, sep), for the SQL storage/ composes for both engines (the kinds
-- queryable of storage/items.c): NULLs skipped, NULL when there is nothing.
CREATE FUNCTION sp_group_concat_step(acc text, x text, sep text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN x IS NULL THEN acc WHEN acc IS NULL THEN x ELSE acc || sep || x END
$$;
CREATE AGGREGATE group_concat(text, text) (SFUNC = sp_group_concat_step, STYPE = text);

-- ---- vocabularies: code (stable, English), Ukrainian and English labels, order ------------
CREATE TABLE vocab_significance (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_object_kind  (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_kind         (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_condition    (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_damage_level (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_damage_extent(code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_cause        (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_element      (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_report_type  (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_priority     (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_trend        (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_report_source(code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_verification (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_report_status(code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_zone_type    (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_photo_view   (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_photo_phase  (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_photo_status (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
CREATE TABLE vocab_role         (code text PRIMARY KEY, label_uk text NOT NULL, label_en text NOT NULL, sort bigint NOT NULL);
-- Other spellings met in sources ("національного", "аварійному стані"), resolved to a code.
CREATE TABLE vocab_alias (domain text NOT NULL, alias text NOT NULL, code text NOT NULL,
                          PRIMARY KEY (domain, alias));

-- The rows of SQLite's 001 and 018 (not_established), byte for byte.
INSERT INTO vocab_significance VALUES
 ('national','національного значення','national significance',1),
 ('local','місцевого значення','local significance',2),
 ('newly_identified','щойно виявлений','newly identified',3),
 ('delisted','виключений з реєстру','delisted',4),
 ('not_established', 'значення не встановлено', 'significance not established', 5);
INSERT INTO vocab_object_kind VALUES
 ('structure','споруда','structure',1),
 ('ensemble','комплекс (ансамбль)','ensemble',2),
 ('site','визначне місце','site',3);
INSERT INTO vocab_kind VALUES
 ('archaeology','археології','archaeology',1),
 ('history','історії','history',2),
 ('monumental_art','монументального мистецтва','monumental art',3),
 ('architecture','архітектури','architecture',4),
 ('urban_planning','містобудування','urban planning',5),
 ('garden_park','садово-паркового мистецтва','garden and park art',6),
 ('landscape','ландшафтна','landscape',7),
 ('science_technology','науки і техніки','science and technology',8);
INSERT INTO vocab_condition VALUES
 ('good','добрий','good',1),
 ('satisfactory','задовільний','satisfactory',2),
 ('unsatisfactory','незадовільний','unsatisfactory',3),
 ('emergency','аварійний','emergency',4),
 ('needs_study','потребує дослідження','needs study',5),
 ('lost','втрачена','lost',6);
INSERT INTO vocab_damage_level VALUES
 ('none','немає','none',1),
 ('minor','незначні','minor',2),
 ('moderate','помірні','moderate',3),
 ('severe','значні','severe',4),
 ('destroyed','знищено','destroyed',5);
INSERT INTO vocab_damage_extent VALUES
 ('lt10','до 10 %','under 10 %',1),
 ('p10_50','10–50 %','10–50 %',2),
 ('p50_75','50–75 %','50–75 %',3),
 ('p75_100','75–100 %','75–100 %',4);
INSERT INTO vocab_cause VALUES
 ('shelling','обстріл','shelling',1),
 ('missile','ракетний удар','missile',2),
 ('drone','удар БпЛА','drone',3),
 ('blast_wave','вибухова хвиля','blast wave',4),
 ('fire','пожежа','fire',5),
 ('neglect','занедбаність','neglect',6),
 ('vandalism','вандалізм','vandalism',7),
 ('development','забудова','development',8),
 ('natural','природні чинники','natural causes',9),
 ('other','інше','other',10);
INSERT INTO vocab_element VALUES
 ('roof','дах','roof',1),
 ('facade','фасад','facade',2),
 ('windows','вікна','windows',3),
 ('structure','несучі конструкції','structure',4),
 ('interior','інтер’єр','interior',5),
 ('decor','декор','decor',6);
INSERT INTO vocab_report_type VALUES
 ('inspection','огляд','inspection',1),
 ('technical_act','акт технічного стану','technical condition act',2),
 ('damage','пошкодження','damage',3),
 ('citizen','повідомлення громадянина','citizen report',4),
 ('post_restoration','після реставрації','post-restoration',5);
INSERT INTO vocab_priority VALUES
 ('A','A','A',1),('B','B','B',2),('C','C','C',3),('D','D','D',4),('E','E','E',5),('F','F','F',6);
INSERT INTO vocab_trend VALUES
 ('improving','покращується','improving',1),
 ('stable','стабільний','stable',2),
 ('declining','погіршується','declining',3);
INSERT INTO vocab_report_source VALUES
 ('field','натурне обстеження','field survey',1),
 ('satellite','супутникові знімки','satellite imagery',2),
 ('media','ЗМІ','media',3),
 ('citizen','громадянин','citizen',4),
 ('ministry','міністерство','ministry',5),
 ('unesco','ЮНЕСКО','UNESCO',6),
 ('other','інше','other',7);
INSERT INTO vocab_verification VALUES
 ('unverified','не перевірено','unverified',1),
 ('confirmed','підтверджено','confirmed',2),
 ('externally_verified','підтверджено зовнішнім джерелом','externally verified',3),
 ('rejected','відхилено','rejected',4);
INSERT INTO vocab_report_status VALUES
 ('pending','на модерації','pending',1),
 ('approved','схвалено','approved',2),
 ('rejected','відхилено','rejected',3);
INSERT INTO vocab_zone_type VALUES
 ('protection_zone','охоронна зона','protection zone',1),
 ('building_regulation','зона регулювання забудови','building regulation zone',2),
 ('protected_landscape','зона охоронюваного ландшафту','protected landscape zone',3),
 ('archaeological_layer','зона охорони археологічного культурного шару','archaeological layer zone',4),
 ('historic_area','історичний ареал','historic area',5);
INSERT INTO vocab_photo_view VALUES
 ('exterior','зовнішній вигляд','exterior',1),
 ('interior','інтер’єр','interior',2),
 ('detail','деталь','detail',3),
 ('aerial','з висоти','aerial',4),
 ('archival','архівне','archival',5);
INSERT INTO vocab_photo_phase VALUES
 ('before','до','before',1),
 ('after','після','after',2);
INSERT INTO vocab_photo_status VALUES
 ('pending','на модерації','pending',1),
 ('public','публічне','public',2),
 ('restricted','обмежений доступ','restricted',3);
INSERT INTO vocab_role VALUES
 ('admin','адміністратор','administrator',1),
 ('editor','редактор','editor',2),
 ('inspector','інспектор','inspector',3);
INSERT INTO vocab_alias VALUES
 ('significance','національного','national'),
 ('significance','місцевого','local'),
 ('significance','national','national'),
 ('significance','local','local'),
 ('significance','щойно виявлена','newly_identified'),
 ('significance','щойно виявлений об’єкт культурної спадщини','newly_identified'),
 ('object_kind','комплекс','ensemble'),
 ('object_kind','ансамбль','ensemble'),
 ('object_kind','complex','ensemble'),
 ('object_kind','визначне місце (пам’ятне місце)','site'),
 ('kind','археологія','archaeology'),
 ('kind','історія','history'),
 ('kind','архітектура','architecture'),
 ('kind','монументальне мистецтво','monumental_art'),
 ('kind','садово-паркове мистецтво','garden_park'),
 ('kind','науки та техніки','science_technology'),
 ('kind','містобудування і архітектури','urban_planning'),
 ('condition','аварійному стані','emergency'),
 ('condition','аварійний стан','emergency'),
 ('condition','destroyed','lost'),
 ('condition','втрачено','lost'),
 ('condition','знищено','lost'),
 ('cause','ракета','missile'),
 ('cause','бпла','drone'),
 ('cause','дрон','drone'),
 ('cause','shahed','drone'),
 ('significance', 'не встановлено', 'not_established'),
 ('significance', 'не встановлене', 'not_established'),
 ('significance', 'not established', 'not_established');

-- All vocabularies as one relation, for loading into memory (model/sp_vocab).
CREATE VIEW vocab AS
 SELECT 'significance'::text AS domain, code, label_uk, label_en, sort FROM vocab_significance
 UNION ALL SELECT 'object_kind', code, label_uk, label_en, sort FROM vocab_object_kind
 UNION ALL SELECT 'kind', code, label_uk, label_en, sort FROM vocab_kind
 UNION ALL SELECT 'condition', code, label_uk, label_en, sort FROM vocab_condition
 UNION ALL SELECT 'damage_level', code, label_uk, label_en, sort FROM vocab_damage_level
 UNION ALL SELECT 'damage_extent', code, label_uk, label_en, sort FROM vocab_damage_extent
 UNION ALL SELECT 'cause', code, label_uk, label_en, sort FROM vocab_cause
 UNION ALL SELECT 'element', code, label_uk, label_en, sort FROM vocab_element
 UNION ALL SELECT 'report_type', code, label_uk, label_en, sort FROM vocab_report_type
 UNION ALL SELECT 'priority', code, label_uk, label_en, sort FROM vocab_priority
 UNION ALL SELECT 'trend', code, label_uk, label_en, sort FROM vocab_trend
 UNION ALL SELECT 'report_source', code, label_uk, label_en, sort FROM vocab_report_source
 UNION ALL SELECT 'verification', code, label_uk, label_en, sort FROM vocab_verification
 UNION ALL SELECT 'report_status', code, label_uk, label_en, sort FROM vocab_report_status
 UNION ALL SELECT 'zone_type', code, label_uk, label_en, sort FROM vocab_zone_type
 UNION ALL SELECT 'photo_view', code, label_uk, label_en, sort FROM vocab_photo_view
 UNION ALL SELECT 'photo_phase', code, label_uk, label_en, sort FROM vocab_photo_phase
 UNION ALL SELECT 'photo_status', code, label_uk, label_en, sort FROM vocab_photo_status
 UNION ALL SELECT 'role', code, label_uk, label_en, sort FROM vocab_role;

-- ---- data sets: who published what, under which licence (016) -----------------------------
CREATE TABLE dataset (
  name        text PRIMARY KEY,
  title       text,
  publisher   text,
  licence     text NOT NULL DEFAULT 'unknown',
  licence_url text,
  attribution text,                        -- the credit its licence asks for, as text
  url         text,
  retrieved   text,                        -- when the data was taken from its publisher
  created_at  text NOT NULL DEFAULT sp_now(),
  updated_at  text NOT NULL DEFAULT sp_now()
);
-- Records made through the API belong to the data set 'api': the department's own work.
INSERT INTO dataset (name, title) VALUES ('api', 'Records entered by the department');

-- ---- the R*Tree tables, and map_change: views over plain tables ---------------------------
-- PostgreSQL reserves the column names xmin and xmax for every table (system columns: the
-- transaction ids of a row version), so a table cannot have SQLite's columns. Each of these
-- is therefore a view with SQLite's name and columns over a table <name>_rows whose columns
-- are x_min, x_max, y_min, y_max; simple views are updatable, so INSERT, UPDATE, DELETE,
-- ON CONFLICT and RETURNING work on the view as on SQLite's table, and the triggers below
-- write them as SQLite's triggers do. The GiST index is on the table's
-- box(point(x_min, y_min), point(x_max, y_max)); a query through the view that adds
--   box(point(xmin, ymin), point(xmax, ymax)) && box(point(:minx, :miny), point(:maxx, :maxy))
-- to its column predicates uses it (the view is expanded before planning).
-- Never read xmin or xmax from a *_rows table: there they are the system columns.
CREATE FUNCTION pg_temp.box_table(name text, key text, dims text[] DEFAULT '{}')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  cols text := '';  -- basemap_rtree's further dimensions, as SQLite names them
  sel  text := '';
  chk  text := '';
  d    text;
BEGIN
  FOREACH d IN ARRAY dims LOOP
    cols := cols || format(', %1$smin double precision NOT NULL, %1$smax double precision NOT NULL', d);
    sel := sel || format(', %1$smin, %1$smax', d);
    chk := chk || format(' AND %1$smin <= %1$smax', d);
  END LOOP;
  EXECUTE format('CREATE TABLE %I (%I bigint PRIMARY KEY, '
                 'x_min double precision NOT NULL, x_max double precision NOT NULL, '
                 'y_min double precision NOT NULL, y_max double precision NOT NULL%s, '
                 'CHECK (x_min <= x_max AND y_min <= y_max%s))', name || '_rows', key, cols, chk);
  EXECUTE format('CREATE INDEX %I ON %I USING gist (box(point(x_min, y_min), point(x_max, y_max)))',
                 name || '_box', name || '_rows');
  EXECUTE format('CREATE VIEW %I AS SELECT %I, x_min AS xmin, x_max AS xmax, y_min AS ymin, '
                 'y_max AS ymax%s FROM %I', name, key, sel, name || '_rows');
END $$;

DO $$
BEGIN
  -- SpatiaLite's exact indexes of the geometry columns (001).
  PERFORM pg_temp.box_table('idx_monument_geom', 'pkid');
  PERFORM pg_temp.box_table('idx_district_geom', 'pkid');
  PERFORM pg_temp.box_table('idx_protection_zone_geom', 'pkid');
  -- The public index (011, 019): each monument's box as published (pub_geom).
  PERFORM pg_temp.box_table('idx_monument_pub', 'pkid');
  -- The map's points (012): key = id << 8 | condition << 5 | significance << 1 | deleted.
  PERFORM pg_temp.box_table('idx_map_point', 'key');
  -- The base map (020): two more dimensions, the zoom a feature is drawn from (z) and whether
  -- it is a place name (p); rows written by storage/basemap.c with its own ids. The GiST
  -- index serves the box; zoom and kind are filtered from its candidates.
  PERFORM pg_temp.box_table('basemap_rtree', 'id', '{z,p}');
END $$;
DROP FUNCTION pg_temp.box_table;

-- Where the map changed (004): boxes of writes that change tiles; a NULL box is "anywhere".
CREATE TABLE map_change_rows (
  id    bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  x_min double precision, y_min double precision, x_max double precision, y_max double precision
);
CREATE VIEW map_change AS
SELECT id, x_min AS xmin, y_min AS ymin, x_max AS xmax, y_max AS ymax FROM map_change_rows;

-- SpatiaLite's gii_/giu_/gid_<table>_geom: the exact index of a geometry column, named by the
-- trigger's argument (idx_<table>_geom), holds each row's bounding box.
CREATE FUNCTION geom_index() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF sp_trigger_off(TG_NAME) THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('INSERT INTO %I (pkid, xmin, xmax, ymin, ymax) VALUES ($1, $2, $3, $4, $5)',
                   TG_ARGV[0])
      USING NEW.id, sp_f32_down(ST_XMin(NEW.geom)), sp_f32_up(ST_XMax(NEW.geom)),
            sp_f32_down(ST_YMin(NEW.geom)), sp_f32_up(ST_YMax(NEW.geom));
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE format('UPDATE %I SET xmin = $2, xmax = $3, ymin = $4, ymax = $5 WHERE pkid = $1',
                   TG_ARGV[0])
      USING NEW.id, sp_f32_down(ST_XMin(NEW.geom)), sp_f32_up(ST_XMax(NEW.geom)),
            sp_f32_down(ST_YMin(NEW.geom)), sp_f32_up(ST_YMax(NEW.geom));
  ELSE
    EXECUTE format('DELETE FROM %I WHERE pkid = $1', TG_ARGV[0]) USING OLD.id;
  END IF;
  RETURN NULL;
END $$;

-- ---- districts (administrative areas, for point-in-polygon assignment and filters) --------
CREATE TABLE district (
  id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  dataset      text NOT NULL,
  source_id    text,
  name_uk      text NOT NULL UNIQUE,
  name_en      text,
  content_hash text NOT NULL,
  updated_at   text NOT NULL DEFAULT sp_now(),
  geom         geometry(Geometry, 4326) NOT NULL,
  UNIQUE (dataset, source_id)
);
CREATE INDEX district_geom_gist ON district USING gist (geom);


-- Without base-map data the districts are the base (020): any change is "anywhere".
CREATE FUNCTION map_change_district() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO map_change (xmin, ymin, xmax, ymax) VALUES (NULL, NULL, NULL, NULL);
  RETURN NULL;
END $$;
CREATE TRIGGER map_change_district_insert AFTER INSERT ON district
  FOR EACH ROW EXECUTE FUNCTION map_change_district();
CREATE TRIGGER map_change_district_update AFTER UPDATE ON district
  FOR EACH ROW WHEN (OLD.content_hash IS DISTINCT FROM NEW.content_hash
                     OR OLD.name_uk IS DISTINCT FROM NEW.name_uk
                     OR OLD.name_en IS DISTINCT FROM NEW.name_en)
  EXECUTE FUNCTION map_change_district();
CREATE TRIGGER map_change_district_delete AFTER DELETE ON district
  FOR EACH ROW EXECUTE FUNCTION map_change_district();

-- ---- monuments ----------------------------------------------------------------------------
CREATE TABLE monument (
  id                 bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  uid                text NOT NULL UNIQUE,   -- stable public id, 32 hex digits
  dataset            text NOT NULL,          -- the source data set a record came from
  source_id          text,                   -- its key there
  protection_no      text UNIQUE,            -- охоронний номер
  register_act       text,
  register_date      text,
  significance       text REFERENCES vocab_significance(code) DEFERRABLE,
  object_kind        text REFERENCES vocab_object_kind(code) DEFERRABLE,
  name_uk            text NOT NULL,
  name_en            text,
  dating             text,
  year_from          bigint,
  year_to            bigint,
  address            text,
  district           text,
  cadastral_no       text,
  protected_subject  text,                   -- предмет охорони
  agreement_no       text,                   -- охоронний договір
  agreement_date     text,
  passport_ref       text,
  -- SQLite: wikidata GLOB 'Q[0-9]*' (a Q, a digit, then anything; case-sensitive)
  wikidata           text CHECK (wikidata IS NULL OR wikidata ~ '^Q[0-9]'),
  wlm_id             text,
  location_sensitive integer NOT NULL DEFAULT 0 CHECK (location_sensitive IN (0, 1)),
  description        text,
  source             text,                   -- provenance as text
  condition          text REFERENCES vocab_condition(code) DEFERRABLE,  -- from the latest approved report
  last_inspected     text,
  content_hash       text NOT NULL,          -- of the imported values, for "unchanged"
  version            bigint NOT NULL DEFAULT 1,
  created_at         text NOT NULL DEFAULT sp_now(),
  updated_at         text NOT NULL DEFAULT sp_now(),
  deleted_at         text,                   -- tombstone: kept so sync clients see deletions
  geom               geometry(Geometry, 4326) NOT NULL,
  marker             geometry(Point, 4326) NOT NULL,
  -- The place the public sees (019): a location_sensitive site at its marker rounded to 0.01
  -- degree, any other where it is. round() on numeric rounds half away from zero on the
  -- shortest decimal of the double (30.525 -> 30.53, 2.675 -> 2.68), as SQLite 3.40's round()
  -- does (test_pg_schema checks such halves on both engines). pub_geom repeats the expression
  -- (a generated column cannot read another).
  pub_marker         geometry(Point, 4326) GENERATED ALWAYS AS (CASE WHEN location_sensitive = 1
    THEN ST_Point(round(ST_X(marker)::numeric, 2)::float8, round(ST_Y(marker)::numeric, 2)::float8,
                  4326)
    ELSE marker END) STORED,
  pub_geom           geometry(Geometry, 4326) GENERATED ALWAYS AS (CASE WHEN location_sensitive = 1
    THEN ST_Point(round(ST_X(marker)::numeric, 2)::float8, round(ST_Y(marker)::numeric, 2)::float8,
                  4326)
    ELSE geom END) STORED,
  CHECK (year_from IS NULL OR year_to IS NULL OR year_from <= year_to),
  UNIQUE (dataset, source_id)
);
CREATE INDEX monument_deleted ON monument(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX monument_updated ON monument(updated_at);
CREATE INDEX monument_year_from ON monument(year_from) WHERE deleted_at IS NULL;
CREATE INDEX monument_year_to ON monument(year_to) WHERE deleted_at IS NULL;
CREATE INDEX monument_geom_gist ON monument USING gist (geom);
CREATE INDEX monument_marker_gist ON monument USING gist (marker);
CREATE INDEX monument_pub_geom_gist ON monument USING gist (pub_geom);
CREATE INDEX monument_pub_marker_gist ON monument USING gist (pub_marker);

CREATE TABLE monument_kind (
  monument_id bigint NOT NULL REFERENCES monument(id) ON DELETE CASCADE DEFERRABLE,
  kind        text NOT NULL REFERENCES vocab_kind(code) DEFERRABLE,
  PRIMARY KEY (monument_id, kind)
);
CREATE INDEX monument_kind_kind ON monument_kind(kind, monument_id);

-- Monuments with their kinds as a ';'-joined set in vocabulary order (export, audit, API).
CREATE VIEW monument_v AS
SELECT m.*,
       (SELECT string_agg(mk.kind, ';' ORDER BY vk.sort)
          FROM monument_kind mk JOIN vocab_kind vk ON vk.code = mk.kind
         WHERE mk.monument_id = m.id) AS kinds
  FROM monument m;

-- The public spatial index (011, 019): the box of pub_geom.
CREATE FUNCTION monument_pub() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF sp_trigger_off(TG_NAME) THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM idx_monument_pub WHERE pkid = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.geom IS NOT NULL THEN
    INSERT INTO idx_monument_pub (pkid, xmin, xmax, ymin, ymax)
    VALUES (NEW.id, sp_f32_down(ST_XMin(NEW.pub_geom)), sp_f32_up(ST_XMax(NEW.pub_geom)),
            sp_f32_down(ST_YMin(NEW.pub_geom)), sp_f32_up(ST_YMax(NEW.pub_geom)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER monument_pub_insert AFTER INSERT ON monument
  FOR EACH ROW WHEN (NEW.geom IS NOT NULL) EXECUTE FUNCTION monument_pub();
CREATE TRIGGER monument_pub_update AFTER UPDATE OF geom, marker, location_sensitive ON monument
  FOR EACH ROW EXECUTE FUNCTION monument_pub();
CREATE TRIGGER monument_pub_delete AFTER DELETE ON monument
  FOR EACH ROW EXECUTE FUNCTION monument_pub();

-- The map's point key (012): id << 8 | condition's sort << 5 | significance's sort (15 when
-- unknown) << 1 | deleted. A key is found by equality, so a row is deleted by the key its old
-- values make; the vocabularies' sort numbers never change.
CREATE FUNCTION sp_map_point_key(id bigint, condition text, significance text, deleted_at text)
RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT (sp_map_point_key.id << 8)
    | (coalesce((SELECT sort FROM vocab_condition
                  WHERE code = sp_map_point_key.condition), 0) << 5)
    | (least(coalesce((SELECT sort FROM vocab_significance
                        WHERE code = sp_map_point_key.significance), 15), 15) << 1)
    | (sp_map_point_key.deleted_at IS NOT NULL)::int
$$;

CREATE FUNCTION map_point() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF sp_trigger_off(TG_NAME) THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM idx_map_point
     WHERE key = sp_map_point_key(OLD.id, OLD.condition, OLD.significance, OLD.deleted_at);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.marker IS NOT NULL THEN
    INSERT INTO idx_map_point (key, xmin, xmax, ymin, ymax)
    VALUES (sp_map_point_key(NEW.id, NEW.condition, NEW.significance, NEW.deleted_at),
            sp_f32_down(ST_X(NEW.pub_marker)), sp_f32_up(ST_X(NEW.pub_marker)),
            sp_f32_down(ST_Y(NEW.pub_marker)), sp_f32_up(ST_Y(NEW.pub_marker)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER map_point_insert AFTER INSERT ON monument
  FOR EACH ROW WHEN (NEW.marker IS NOT NULL) EXECUTE FUNCTION map_point();
CREATE TRIGGER map_point_update AFTER UPDATE OF marker, location_sensitive, condition,
  significance, deleted_at ON monument
  FOR EACH ROW EXECUTE FUNCTION map_point();
CREATE TRIGGER map_point_delete AFTER DELETE ON monument
  FOR EACH ROW EXECUTE FUNCTION map_point();

-- Every change that shows on a map notes its old and new boxes (004); a sensitive site's box
-- is padded by 0.005 degree, half the grid it is published on.
CREATE FUNCTION map_change_monument() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF sp_trigger_off(TG_NAME) THEN RETURN NULL; END IF;
  IF TG_OP = 'DELETE' THEN
    INSERT INTO map_change (xmin, ymin, xmax, ymax)
    VALUES (ST_XMin(OLD.geom) - 0.005, ST_YMin(OLD.geom) - 0.005,
            ST_XMax(OLD.geom) + 0.005, ST_YMax(OLD.geom) + 0.005);
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO map_change (xmin, ymin, xmax, ymax)
    VALUES (ST_XMin(OLD.geom) - 0.005 * OLD.location_sensitive,
            ST_YMin(OLD.geom) - 0.005 * OLD.location_sensitive,
            ST_XMax(OLD.geom) + 0.005 * OLD.location_sensitive,
            ST_YMax(OLD.geom) + 0.005 * OLD.location_sensitive);
  END IF;
  INSERT INTO map_change (xmin, ymin, xmax, ymax)
  VALUES (ST_XMin(NEW.geom) - 0.005 * NEW.location_sensitive,
          ST_YMin(NEW.geom) - 0.005 * NEW.location_sensitive,
          ST_XMax(NEW.geom) + 0.005 * NEW.location_sensitive,
          ST_YMax(NEW.geom) + 0.005 * NEW.location_sensitive);
  RETURN NULL;
END $$;
CREATE TRIGGER map_change_monument_insert AFTER INSERT ON monument
  FOR EACH ROW EXECUTE FUNCTION map_change_monument();
CREATE TRIGGER map_change_monument_update AFTER UPDATE OF geom, marker, condition, significance,
  name_uk, location_sensitive, deleted_at ON monument
  FOR EACH ROW EXECUTE FUNCTION map_change_monument();
CREATE TRIGGER map_change_monument_delete AFTER DELETE ON monument
  FOR EACH ROW EXECUTE FUNCTION map_change_monument();

-- ---- full-text search (021) -----------------------------------------------------------------
-- SQLite: FTS5 over `words`, filled by triggers calling sp_search_words() (names, address,
-- protection number and their words' lemmas; text/). Here the triggers mark the monument's row
-- pending (words NULL) and the C layer computes the words of pending rows before each commit
-- (search_pending, search_fill). tsv holds each space-separated word as a lexeme, verbatim:
-- no dictionary and no tokenizer, so the words filled in must already be split and folded as
-- FTS5's unicode61 tokenizer would (sp_search_words() also returns the texts as written, with
-- capitals and punctuation, which FTS5 tokenizes and this would not). A search is
-- tsv @@ ('a' | 'b':*) & ('c') composed by the C. Deleting a monument deletes its row (the
-- foreign key), where SQLite has the trigger monument_fts_delete.
CREATE TABLE monument_fts (
  rowid bigint PRIMARY KEY REFERENCES monument(id) ON DELETE CASCADE DEFERRABLE,
  words text,
  tsv   tsvector GENERATED ALWAYS AS
          (array_to_tsvector(array_remove(string_to_array(coalesce(words, ''), ' '), ''))) STORED
);
CREATE INDEX monument_fts_tsv ON monument_fts USING gin (tsv);
CREATE INDEX monument_fts_pending ON monument_fts (rowid) WHERE words IS NULL;

CREATE FUNCTION monument_fts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF sp_trigger_off(TG_NAME) THEN RETURN NULL; END IF;
  INSERT INTO monument_fts (rowid, words) VALUES (NEW.id, NULL)
  ON CONFLICT (rowid) DO UPDATE SET words = NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER monument_fts_insert AFTER INSERT ON monument
  FOR EACH ROW EXECUTE FUNCTION monument_fts();
CREATE TRIGGER monument_fts_update AFTER UPDATE OF name_uk, name_en, address, protection_no
  ON monument FOR EACH ROW EXECUTE FUNCTION monument_fts();

-- ---- protection zones -----------------------------------------------------------------------
CREATE TABLE protection_zone (
  id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  dataset      text NOT NULL,
  source_id    text,
  monument_id  bigint REFERENCES monument(id) ON DELETE SET NULL DEFERRABLE,
  zone_type    text NOT NULL REFERENCES vocab_zone_type(code) DEFERRABLE,
  name_uk      text,
  decision     text,
  source       text,
  content_hash text NOT NULL,
  version      bigint NOT NULL DEFAULT 1,
  created_at   text NOT NULL DEFAULT sp_now(),
  updated_at   text NOT NULL DEFAULT sp_now(),
  deleted_at   text,
  geom         geometry(Geometry, 4326) NOT NULL,
  UNIQUE (dataset, source_id)
);
CREATE INDEX protection_zone_geom_gist ON protection_zone USING gist (geom);

-- SpatiaLite's triggers gii_, giu_, gid_<table>_geom on the three tables with an exact index
-- idx_<table>_geom (001): insert, update of geom, delete.
DO $$
DECLARE
  t text;
  prefix text[] := ARRAY['gii_', 'giu_', 'gid_'];
  event  text[] := ARRAY['INSERT', 'UPDATE OF geom', 'DELETE'];
BEGIN
  FOREACH t IN ARRAY ARRAY['district', 'monument', 'protection_zone'] LOOP
    FOR i IN 1..3 LOOP
      EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I FOR EACH ROW EXECUTE FUNCTION geom_index(%L)',
                     prefix[i] || t || '_geom', event[i], t, 'idx_' || t || '_geom');
    END LOOP;
  END LOOP;
END $$;


CREATE FUNCTION map_change_zone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO map_change (xmin, ymin, xmax, ymax)
    VALUES (ST_XMin(OLD.geom), ST_YMin(OLD.geom), ST_XMax(OLD.geom), ST_YMax(OLD.geom));
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO map_change (xmin, ymin, xmax, ymax)
    VALUES (ST_XMin(NEW.geom), ST_YMin(NEW.geom), ST_XMax(NEW.geom), ST_YMax(NEW.geom));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER map_change_zone_insert AFTER INSERT ON protection_zone
  FOR EACH ROW EXECUTE FUNCTION map_change_zone();
CREATE TRIGGER map_change_zone_update AFTER UPDATE ON protection_zone
  FOR EACH ROW EXECUTE FUNCTION map_change_zone();
CREATE TRIGGER map_change_zone_delete AFTER DELETE ON protection_zone
  FOR EACH ROW EXECUTE FUNCTION map_change_zone();

-- A zone tied to a location-sensitive site is published no more precisely than the site
-- (016): as its bounding box widened to the 0.01 degree grid, ring in BuildMbr's order.
CREATE VIEW protection_zone_pub AS
SELECT z.*, CASE WHEN s.id IS NULL THEN z.geom
  ELSE sp_build_mbr(floor(ST_XMin(z.geom) * 100) / 100.0, floor(ST_YMin(z.geom) * 100) / 100.0,
                    ceil(ST_XMax(z.geom) * 100) / 100.0, ceil(ST_YMax(z.geom) * 100) / 100.0, 4326)
  END AS pub_geom
FROM protection_zone z
LEFT JOIN monument s ON s.id = z.monument_id AND s.location_sensitive = 1;

-- ---- users and tokens -----------------------------------------------------------------------
CREATE TABLE app_user (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  login         text NOT NULL UNIQUE,
  password_hash text NOT NULL,              -- libsodium Argon2id string
  role          text NOT NULL REFERENCES vocab_role(code) DEFERRABLE,
  display_name  text,
  disabled      integer NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at    text NOT NULL DEFAULT sp_now()
);
CREATE TABLE api_token (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES app_user(id) ON DELETE CASCADE DEFERRABLE,
  token_hash  bytea NOT NULL UNIQUE,        -- only the hash is stored
  created_at  text NOT NULL DEFAULT sp_now(),
  expires_at  text NOT NULL,
  revoked_at  text
);

-- ---- condition reports: every inspection and damage event, never overwritten --------------
CREATE TABLE condition_report (
  id                  bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  monument_id         bigint NOT NULL REFERENCES monument(id) DEFERRABLE,
  dataset             text,                  -- set when imported
  source_id           text,
  report_type         text NOT NULL REFERENCES vocab_report_type(code) DEFERRABLE,
  status              text NOT NULL DEFAULT 'approved' REFERENCES vocab_report_status(code) DEFERRABLE,
  observed_on         text,
  event_date          text,
  condition           text REFERENCES vocab_condition(code) DEFERRABLE,
  damage_level        text REFERENCES vocab_damage_level(code) DEFERRABLE,
  damage_extent       text REFERENCES vocab_damage_extent(code) DEFERRABLE,
  repeat_hit          integer CHECK (repeat_hit IS NULL OR repeat_hit IN (0, 1)),
  priority            text REFERENCES vocab_priority(code) DEFERRABLE,
  trend               text REFERENCES vocab_trend(code) DEFERRABLE,
  description         text,
  recommended_actions text,
  source              text REFERENCES vocab_report_source(code) DEFERRABLE,
  verification        text NOT NULL DEFAULT 'unverified' REFERENCES vocab_verification(code) DEFERRABLE,
  author              text,
  submitter_contact   text,                  -- never public
  next_due            text,
  supersedes_id       bigint REFERENCES condition_report(id) DEFERRABLE,
  created_by          bigint REFERENCES app_user(id) DEFERRABLE,
  created_at          text NOT NULL DEFAULT sp_now(),
  content_hash        bigint,                -- of an imported report's values (010)
  UNIQUE (dataset, source_id)
);
CREATE INDEX condition_report_monument ON condition_report(monument_id, observed_on);
CREATE UNIQUE INDEX condition_report_supersedes ON condition_report(supersedes_id)
  WHERE supersedes_id IS NOT NULL;

CREATE TABLE report_cause (
  report_id bigint NOT NULL REFERENCES condition_report(id) ON DELETE CASCADE DEFERRABLE,
  cause     text NOT NULL REFERENCES vocab_cause(code) DEFERRABLE,
  PRIMARY KEY (report_id, cause)
);
CREATE TABLE report_element (
  report_id bigint NOT NULL REFERENCES condition_report(id) ON DELETE CASCADE DEFERRABLE,
  element   text NOT NULL REFERENCES vocab_element(code) DEFERRABLE,
  PRIMARY KEY (report_id, element)
);

-- A monument's condition is that of its latest approved, not rejected report that no
-- correction supersedes; last_inspected the date of its latest inspection, technical act or
-- post-restoration report; either is a change of the monument (version + 1, updated_at)
-- (001, 005, 006).
CREATE FUNCTION condition_report_sets_condition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF sp_trigger_off(TG_NAME) THEN RETURN NULL; END IF;
  UPDATE monument SET
    condition = (SELECT r.condition FROM condition_report r
                  WHERE r.monument_id = NEW.monument_id AND r.status = 'approved'
                    AND r.verification <> 'rejected' AND r.condition IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM condition_report s WHERE s.supersedes_id = r.id)
                  ORDER BY coalesce(r.observed_on, r.event_date, r.created_at) DESC, r.id DESC
                  LIMIT 1),
    last_inspected = (SELECT max(coalesce(r.observed_on, r.event_date)) FROM condition_report r
                       WHERE r.monument_id = NEW.monument_id AND r.status = 'approved'
                         AND r.report_type IN ('inspection', 'technical_act', 'post_restoration')
                         AND NOT EXISTS (SELECT 1 FROM condition_report s
                                          WHERE s.supersedes_id = r.id)),
    version = version + 1,
    updated_at = sp_now()
  WHERE id = NEW.monument_id;
  RETURN NULL;
END $$;
CREATE TRIGGER condition_report_sets_condition AFTER INSERT ON condition_report
  FOR EACH ROW WHEN (NEW.status = 'approved' AND NEW.verification <> 'rejected')
  EXECUTE FUNCTION condition_report_sets_condition();

-- A report can change a marker's colour (004): its monument's box, padded, is a map change.
CREATE FUNCTION map_change_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF sp_trigger_off(TG_NAME) THEN RETURN NULL; END IF;
  INSERT INTO map_change (xmin, ymin, xmax, ymax)
  SELECT ST_XMin(geom) - 0.005, ST_YMin(geom) - 0.005, ST_XMax(geom) + 0.005, ST_YMax(geom) + 0.005
  FROM monument
  WHERE id = NEW.monument_id OR (TG_OP = 'UPDATE' AND id = OLD.monument_id);
  RETURN NULL;
END $$;
CREATE TRIGGER map_change_report AFTER INSERT ON condition_report
  FOR EACH ROW EXECUTE FUNCTION map_change_report();
CREATE TRIGGER map_change_report_update AFTER UPDATE ON condition_report
  FOR EACH ROW EXECUTE FUNCTION map_change_report();

-- The department's questions (007): damage events, monuments hit again, current technical acts.
CREATE VIEW damage_event AS
SELECT monument_id, coalesce(event_date, observed_on, substr(created_at, 1, 10)) AS day,
       coalesce(repeat_hit, 0) AS repeat_hit
FROM condition_report
WHERE status = 'approved' AND verification <> 'rejected'
  AND (report_type = 'damage' OR damage_level IN ('minor', 'moderate', 'severe', 'destroyed')
       OR repeat_hit = 1);

CREATE VIEW hit_again AS
SELECT monument_id FROM damage_event GROUP BY monument_id
HAVING count(*) > 1 OR max(repeat_hit) = 1;

-- SQLite: date('now', '-5 years').
CREATE VIEW technical_act_current AS
SELECT DISTINCT monument_id FROM condition_report
WHERE status = 'approved' AND report_type = 'technical_act'
  AND coalesce(observed_on, event_date) >= sp_date_add_years('now', -5);

-- ---- photos (files live outside the database, content-addressed) ----------------------------
CREATE TABLE photo (
  id                  bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  monument_id         bigint NOT NULL REFERENCES monument(id) DEFERRABLE,
  condition_report_id bigint REFERENCES condition_report(id) DEFERRABLE,
  sha256              text NOT NULL,
  media_type          text NOT NULL,
  width               bigint NOT NULL,
  height              bigint NOT NULL,
  bytes               bigint NOT NULL,
  taken_at            text,
  taken_lat           double precision,
  taken_lon           double precision,
  author              text,
  licence             text,
  caption_uk          text,
  caption_en          text,
  alt_uk              text,
  alt_en              text,
  view                text REFERENCES vocab_photo_view(code) DEFERRABLE,
  phase               text REFERENCES vocab_photo_phase(code) DEFERRABLE,
  is_primary          integer NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
  status              text NOT NULL DEFAULT 'pending' REFERENCES vocab_photo_status(code) DEFERRABLE,
  uploaded_by         bigint REFERENCES app_user(id) DEFERRABLE,
  uploaded_at         text NOT NULL DEFAULT sp_now(),
  location_public     integer NOT NULL DEFAULT 0 CHECK (location_public IN (0, 1))  -- 017
);
CREATE INDEX photo_monument ON photo(monument_id);
CREATE INDEX photo_sha ON photo(sha256);

-- ---- citizens' reports and their photos (006, 008, 017) -------------------------------------
CREATE TABLE citizen_report (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  ref           text NOT NULL UNIQUE,          -- the reference number given to the citizen
  monument_id   bigint REFERENCES monument(id) DEFERRABLE,
  lon           double precision,
  lat           double precision,
  description   text NOT NULL,
  contact       text,                          -- never public
  client        text,                          -- the submitting address, for abuse handling
  status        text NOT NULL DEFAULT 'pending' REFERENCES vocab_report_status(code) DEFERRABLE,
  reason        text,                          -- why it was rejected
  report_id     bigint REFERENCES condition_report(id) DEFERRABLE,
  moderated_by  text,
  moderated_at  text,
  created_at    text NOT NULL DEFAULT sp_now(),
  public_reason text,                          -- a rejection's reason written for the public
  review_at     text,                          -- when an editor took it up
  CHECK (monument_id IS NOT NULL OR (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90))
);
CREATE INDEX citizen_report_pending ON citizen_report(created_at) WHERE status = 'pending';

CREATE TABLE citizen_photo (
  id                bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  citizen_report_id bigint NOT NULL REFERENCES citizen_report(id) DEFERRABLE,
  sha256            text NOT NULL,
  media_type        text NOT NULL,
  width             bigint NOT NULL,
  height            bigint NOT NULL,
  bytes             bigint NOT NULL,
  taken_at          text,
  taken_lat         double precision,
  taken_lon         double precision,
  photo_id          bigint REFERENCES photo(id) DEFERRABLE,
  created_at        text NOT NULL DEFAULT sp_now(),
  -- the SPDX id the citizen chose; NULL: do not publish. credit NULL: anonymous.
  licence           text CHECK (licence IS NULL OR licence IN ('CC-BY-4.0', 'CC0-1.0')),
  credit            text
);
CREATE INDEX citizen_photo_report ON citizen_photo(citizen_report_id);
CREATE INDEX citizen_photo_sha ON citizen_photo(sha256);

-- ---- audit and import bookkeeping -----------------------------------------------------------
CREATE TABLE import_run (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  started_at    text NOT NULL DEFAULT sp_now(),
  finished_at   text,
  dataset       text NOT NULL,
  files         text NOT NULL,
  mapping       text,
  target        text NOT NULL,
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed')),
  read          bigint NOT NULL DEFAULT 0,
  inserted      bigint NOT NULL DEFAULT 0,
  updated       bigint NOT NULL DEFAULT 0,
  unchanged     bigint NOT NULL DEFAULT 0,
  conflicted    bigint NOT NULL DEFAULT 0,
  rejected      bigint NOT NULL DEFAULT 0,
  repaired      bigint NOT NULL DEFAULT 0,
  reports       bigint NOT NULL DEFAULT 0,
  missing       bigint NOT NULL DEFAULT 0,
  prefer_source integer NOT NULL DEFAULT 0 CHECK (prefer_source IN (0, 1)),
  CHECK (status <> 'ok' OR read = inserted + updated + unchanged + conflicted + rejected)
);
CREATE TABLE import_error (
  id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  run_id     bigint NOT NULL REFERENCES import_run(id) ON DELETE CASCADE DEFERRABLE,
  kind       text NOT NULL CHECK (kind IN ('rejected', 'repaired')),
  layer      text,
  row        bigint,                       -- OGR feature id in the source layer
  source_key text,
  field      text,
  reason     text NOT NULL,
  raw        text NOT NULL                 -- the source record as JSON
);
CREATE INDEX import_error_run ON import_error(run_id);

CREATE TABLE audit_log (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  at            text NOT NULL DEFAULT sp_now(),
  actor         text NOT NULL,             -- login, or 'import:<run>'
  actor_role    text,
  action        text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
  entity        text NOT NULL,
  entity_id     bigint NOT NULL,
  import_run_id bigint REFERENCES import_run(id) DEFERRABLE,
  before        text,
  after         text
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

-- ---- provenance of values and import conflicts (016) ----------------------------------------
-- A field whose value did not come from its record's own data set: a person's edit (dataset
-- NULL) or another data set; `declined` is a source value an editor chose to keep theirs against.
CREATE TABLE field_origin (
  entity        text NOT NULL,
  entity_id     bigint NOT NULL,
  field         text NOT NULL,
  dataset       text REFERENCES dataset(name) DEFERRABLE,
  actor         text,
  actor_role    text,
  import_run_id bigint REFERENCES import_run(id) DEFERRABLE,
  at            text NOT NULL DEFAULT sp_now(),
  declined      text,
  PRIMARY KEY (entity, entity_id, field)
);
CREATE INDEX field_origin_dataset ON field_origin(dataset) WHERE dataset IS NOT NULL;

CREATE TABLE import_conflict (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  run_id        bigint NOT NULL REFERENCES import_run(id) DEFERRABLE,
  dataset       text NOT NULL REFERENCES dataset(name) DEFERRABLE,
  entity        text NOT NULL,
  entity_id     bigint NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('field', 'missing')),
  field         text,
  source_value  text,                      -- as text (geometry: GeoJSON)
  source_wkb    bytea,                     -- the source's geometry, to take it
  current_value text,
  changed_by    text,                      -- a login, or 'dataset:<name>'
  changed_at    text,
  status        text NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'noted', 'kept', 'taken', 'deleted')),
  resolved_by   text,
  resolved_at   text,
  created_at    text NOT NULL DEFAULT sp_now(),
  CHECK (kind = 'missing' OR field IS NOT NULL)
);
CREATE INDEX import_conflict_entity ON import_conflict(entity, entity_id, field);
CREATE INDEX import_conflict_status ON import_conflict(status, id);

-- ---- base map (020) -------------------------------------------------------------------------
CREATE TABLE basemap_feature (
  id      bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  dataset text NOT NULL REFERENCES dataset(name) DEFERRABLE,
  class   text NOT NULL,
  name_uk text,                   -- the name as the source gives it (OSM: name)
  name_en text,                   -- OSM: name:en; NULL when the source has none
  wkb     bytea NOT NULL
);
CREATE INDEX basemap_feature_dataset ON basemap_feature(dataset);

-- The files the base map was loaded from, by the last import (which replaced all before it).
CREATE TABLE basemap_source (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  dataset     text NOT NULL REFERENCES dataset(name) DEFERRABLE,
  file        text NOT NULL,
  features    bigint NOT NULL,
  imported_at text NOT NULL DEFAULT sp_now()
);

-- ---- for GIS clients reading the database directly (QGIS, ogr2ogr: PostgreSQL only) ----------
-- What the public API publishes and nothing else: live monuments with the public items'
-- columns, a location-sensitive site at its published point and box (pub_geom), no
-- contributor's contact, no tombstones; zones as published (protection_zone_pub). Grant a
-- read-only role SELECT on these two views alone.
CREATE VIEW monument_public AS
SELECT id, uid, name_uk, name_en, significance, object_kind, kinds, protection_no, register_act,
       register_date, dating, year_from, year_to, address, district, cadastral_no,
       protected_subject, agreement_no, agreement_date, passport_ref, wikidata, wlm_id,
       location_sensitive, description, condition, last_inspected, dataset, source_id, source,
       version, created_at, updated_at, pub_geom AS geom
  FROM monument_v WHERE deleted_at IS NULL;
CREATE VIEW protection_zone_public AS
SELECT id, monument_id, zone_type, name_uk, decision, source, version, created_at, updated_at,
       pub_geom AS geom
  FROM protection_zone_pub WHERE deleted_at IS NULL;
