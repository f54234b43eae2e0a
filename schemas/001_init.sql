-- schemas/001_init.sql - the registry's first schema (see ../shared/DESIGN.md, "Storage").
-- Applied inside one transaction by storage/db.c; PRAGMA user_version is set by the caller.
-- Geometry is EPSG:4326 in SpatiaLite geometry columns with R*Tree spatial indexes, so the
-- file opens as-is in QGIS, ogrinfo and spatialite.

SELECT InitSpatialMetadata('NONE');
SELECT InsertEpsgSrid(4326);
SELECT InsertEpsgSrid(3857);

-- ---- vocabularies: code (stable, English), Ukrainian and English labels, order ---------
CREATE TABLE vocab_significance (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_object_kind  (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_kind         (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_condition    (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_damage_level (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_damage_extent(code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_cause        (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_element      (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_report_type  (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_priority     (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_trend        (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_report_source(code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_verification (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_report_status(code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_zone_type    (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_photo_view   (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_photo_phase  (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_photo_status (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
CREATE TABLE vocab_role         (code TEXT PRIMARY KEY, label_uk TEXT NOT NULL, label_en TEXT NOT NULL, sort INTEGER NOT NULL);
-- Other spellings met in sources ("національного", "аварійному стані"), resolved to a code.
CREATE TABLE vocab_alias (domain TEXT NOT NULL, alias TEXT NOT NULL, code TEXT NOT NULL,
                          PRIMARY KEY (domain, alias));

INSERT INTO vocab_significance VALUES
 ('national','національного значення','national significance',1),
 ('local','місцевого значення','local significance',2),
 ('newly_identified','щойно виявлений','newly identified',3),
 ('delisted','виключений з реєстру','delisted',4);
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
 ('cause','shahed','drone');

-- All vocabularies as one relation, for loading into memory (model/sp_vocab).
CREATE VIEW vocab AS
 SELECT 'significance' AS domain, code, label_uk, label_en, sort FROM vocab_significance
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

-- ---- districts (administrative areas, for point-in-polygon assignment and filters) -----
CREATE TABLE district (
  id           INTEGER PRIMARY KEY,
  dataset      TEXT NOT NULL,
  source_id    TEXT,
  name_uk      TEXT NOT NULL UNIQUE,
  name_en      TEXT,
  content_hash TEXT NOT NULL,
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE (dataset, source_id)
);
SELECT AddGeometryColumn('district', 'geom', 4326, 'GEOMETRY', 'XY', 1);
SELECT CreateSpatialIndex('district', 'geom');

-- ---- monuments ------------------------------------------------------------------------
CREATE TABLE monument (
  id                 INTEGER PRIMARY KEY,
  uid                TEXT NOT NULL UNIQUE,   -- stable public id, 32 hex digits
  dataset            TEXT NOT NULL,          -- the source data set a record came from
  source_id          TEXT,                   -- its key there
  protection_no      TEXT UNIQUE,            -- охоронний номер
  register_act       TEXT,
  register_date      TEXT,
  significance       TEXT REFERENCES vocab_significance(code),
  object_kind        TEXT REFERENCES vocab_object_kind(code),
  name_uk            TEXT NOT NULL,
  name_en            TEXT,
  dating             TEXT,
  year_from          INTEGER,
  year_to            INTEGER,
  address            TEXT,
  district           TEXT,
  cadastral_no       TEXT,
  protected_subject  TEXT,                   -- предмет охорони
  agreement_no       TEXT,                   -- охоронний договір
  agreement_date     TEXT,
  passport_ref       TEXT,
  wikidata           TEXT CHECK (wikidata IS NULL OR wikidata GLOB 'Q[0-9]*'),
  wlm_id             TEXT,
  location_sensitive INTEGER NOT NULL DEFAULT 0 CHECK (location_sensitive IN (0, 1)),
  description        TEXT,
  source             TEXT,                   -- provenance as text
  condition          TEXT REFERENCES vocab_condition(code),  -- from the latest approved report
  last_inspected     TEXT,
  content_hash       TEXT NOT NULL,          -- of the imported values, for "unchanged"
  version            INTEGER NOT NULL DEFAULT 1,
  created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at         TEXT,                   -- tombstone: kept so sync clients see deletions
  CHECK (year_from IS NULL OR year_to IS NULL OR year_from <= year_to),
  UNIQUE (dataset, source_id)
);
SELECT AddGeometryColumn('monument', 'geom', 4326, 'GEOMETRY', 'XY', 1);
SELECT AddGeometryColumn('monument', 'marker', 4326, 'POINT', 'XY', 1);
SELECT CreateSpatialIndex('monument', 'geom');
-- Query indexes (updated_at, district, significance, full text) come with the queries that
-- use them, in the migrations of the HTTP service.

CREATE TABLE monument_kind (
  monument_id INTEGER NOT NULL REFERENCES monument(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL REFERENCES vocab_kind(code),
  PRIMARY KEY (monument_id, kind)
) WITHOUT ROWID;
CREATE INDEX monument_kind_kind ON monument_kind(kind, monument_id);

-- ---- protection zones -----------------------------------------------------------------
CREATE TABLE protection_zone (
  id           INTEGER PRIMARY KEY,
  dataset      TEXT NOT NULL,
  source_id    TEXT,
  monument_id  INTEGER REFERENCES monument(id) ON DELETE SET NULL,
  zone_type    TEXT NOT NULL REFERENCES vocab_zone_type(code),
  name_uk      TEXT,
  decision     TEXT,
  source       TEXT,
  content_hash TEXT NOT NULL,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at   TEXT,
  UNIQUE (dataset, source_id)
);
SELECT AddGeometryColumn('protection_zone', 'geom', 4326, 'GEOMETRY', 'XY', 1);
SELECT CreateSpatialIndex('protection_zone', 'geom');

-- ---- users and tokens (issue: accounts and roles) --------------------------------------
CREATE TABLE app_user (
  id            INTEGER PRIMARY KEY,
  login         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,              -- libsodium Argon2id string
  role          TEXT NOT NULL REFERENCES vocab_role(code),
  display_name  TEXT,
  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE TABLE api_token (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  token_hash  BLOB NOT NULL UNIQUE,         -- only the hash is stored
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  expires_at  TEXT NOT NULL,
  revoked_at  TEXT
);

-- ---- spatial index upkeep ----------------------------------------------------------------
-- SpatiaLite's own per-row triggers re-prepare an SQL statement for every row (RTreeAlign),
-- look geometry_columns up by Lower() twice per column and stamp geometry_columns_time on every
-- write: together 3/4 of an import's database time. Storage writes only validated EPSG:4326
-- geometry, so the type/SRID triggers and the timestamps go, and the R*Tree is kept by plain
-- compiled triggers (the R*Tree rounds float bounds outward itself). The idx_<table>_geom
-- tables and geometry_columns stay as SpatiaLite, GDAL and QGIS expect them.
DROP TRIGGER ggi_monument_geom;   DROP TRIGGER ggu_monument_geom;
DROP TRIGGER ggi_monument_marker; DROP TRIGGER ggu_monument_marker;
DROP TRIGGER tmi_monument_geom;   DROP TRIGGER tmu_monument_geom;   DROP TRIGGER tmd_monument_geom;
DROP TRIGGER tmi_monument_marker; DROP TRIGGER tmu_monument_marker; DROP TRIGGER tmd_monument_marker;
DROP TRIGGER gii_monument_geom;   DROP TRIGGER giu_monument_geom;
CREATE TRIGGER gii_monument_geom AFTER INSERT ON monument BEGIN
  INSERT INTO idx_monument_geom (pkid, xmin, xmax, ymin, ymax)
  VALUES (NEW.id, MbrMinX(NEW.geom), MbrMaxX(NEW.geom), MbrMinY(NEW.geom), MbrMaxY(NEW.geom));
END;
CREATE TRIGGER giu_monument_geom AFTER UPDATE OF geom ON monument BEGIN
  UPDATE idx_monument_geom SET xmin = MbrMinX(NEW.geom), xmax = MbrMaxX(NEW.geom),
         ymin = MbrMinY(NEW.geom), ymax = MbrMaxY(NEW.geom) WHERE pkid = NEW.id;
END;

DROP TRIGGER ggi_district_geom; DROP TRIGGER ggu_district_geom;
DROP TRIGGER tmi_district_geom; DROP TRIGGER tmu_district_geom; DROP TRIGGER tmd_district_geom;
DROP TRIGGER gii_district_geom; DROP TRIGGER giu_district_geom;
CREATE TRIGGER gii_district_geom AFTER INSERT ON district BEGIN
  INSERT INTO idx_district_geom (pkid, xmin, xmax, ymin, ymax)
  VALUES (NEW.id, MbrMinX(NEW.geom), MbrMaxX(NEW.geom), MbrMinY(NEW.geom), MbrMaxY(NEW.geom));
END;
CREATE TRIGGER giu_district_geom AFTER UPDATE OF geom ON district BEGIN
  UPDATE idx_district_geom SET xmin = MbrMinX(NEW.geom), xmax = MbrMaxX(NEW.geom),
         ymin = MbrMinY(NEW.geom), ymax = MbrMaxY(NEW.geom) WHERE pkid = NEW.id;
END;

DROP TRIGGER ggi_protection_zone_geom; DROP TRIGGER ggu_protection_zone_geom;
DROP TRIGGER tmi_protection_zone_geom; DROP TRIGGER tmu_protection_zone_geom;
DROP TRIGGER tmd_protection_zone_geom;
DROP TRIGGER gii_protection_zone_geom; DROP TRIGGER giu_protection_zone_geom;
CREATE TRIGGER gii_protection_zone_geom AFTER INSERT ON protection_zone BEGIN
  INSERT INTO idx_protection_zone_geom (pkid, xmin, xmax, ymin, ymax)
  VALUES (NEW.id, MbrMinX(NEW.geom), MbrMaxX(NEW.geom), MbrMinY(NEW.geom), MbrMaxY(NEW.geom));
END;
CREATE TRIGGER giu_protection_zone_geom AFTER UPDATE OF geom ON protection_zone BEGIN
  UPDATE idx_protection_zone_geom SET xmin = MbrMinX(NEW.geom), xmax = MbrMaxX(NEW.geom),
         ymin = MbrMinY(NEW.geom), ymax = MbrMaxY(NEW.geom) WHERE pkid = NEW.id;
END;

-- ---- condition reports: every inspection and damage event, never overwritten -----------
CREATE TABLE condition_report (
  id                  INTEGER PRIMARY KEY,
  monument_id         INTEGER NOT NULL REFERENCES monument(id),
  dataset             TEXT,                  -- set when imported
  source_id           TEXT,
  report_type         TEXT NOT NULL REFERENCES vocab_report_type(code),
  status              TEXT NOT NULL DEFAULT 'approved' REFERENCES vocab_report_status(code),
  observed_on         TEXT,
  event_date          TEXT,
  condition           TEXT REFERENCES vocab_condition(code),
  damage_level        TEXT REFERENCES vocab_damage_level(code),
  damage_extent       TEXT REFERENCES vocab_damage_extent(code),
  repeat_hit          INTEGER CHECK (repeat_hit IS NULL OR repeat_hit IN (0, 1)),
  priority            TEXT REFERENCES vocab_priority(code),
  trend               TEXT REFERENCES vocab_trend(code),
  description         TEXT,
  recommended_actions TEXT,
  source              TEXT REFERENCES vocab_report_source(code),
  verification        TEXT NOT NULL DEFAULT 'unverified' REFERENCES vocab_verification(code),
  author              TEXT,
  submitter_contact   TEXT,                  -- never public
  next_due            TEXT,
  supersedes_id       INTEGER REFERENCES condition_report(id),
  created_by          INTEGER REFERENCES app_user(id),
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE (dataset, source_id)
);
CREATE INDEX condition_report_monument ON condition_report(monument_id, observed_on);
CREATE TABLE report_cause (
  report_id INTEGER NOT NULL REFERENCES condition_report(id) ON DELETE CASCADE,
  cause     TEXT NOT NULL REFERENCES vocab_cause(code),
  PRIMARY KEY (report_id, cause)
) WITHOUT ROWID;
CREATE TABLE report_element (
  report_id INTEGER NOT NULL REFERENCES condition_report(id) ON DELETE CASCADE,
  element   TEXT NOT NULL REFERENCES vocab_element(code),
  PRIMARY KEY (report_id, element)
) WITHOUT ROWID;

-- The latest approved report with a condition sets the monument's condition.
CREATE TRIGGER condition_report_sets_condition AFTER INSERT ON condition_report
WHEN NEW.status = 'approved' AND NEW.verification <> 'rejected'
BEGIN
  UPDATE monument SET
    condition = (SELECT r.condition FROM condition_report r
                  WHERE r.monument_id = NEW.monument_id AND r.status = 'approved'
                    AND r.verification <> 'rejected' AND r.condition IS NOT NULL
                  ORDER BY coalesce(r.observed_on, r.event_date, r.created_at) DESC, r.id DESC
                  LIMIT 1),
    last_inspected = (SELECT max(coalesce(r.observed_on, r.event_date)) FROM condition_report r
                       WHERE r.monument_id = NEW.monument_id AND r.status = 'approved'
                         AND r.report_type IN ('inspection', 'technical_act', 'post_restoration'))
  WHERE id = NEW.monument_id;
END;

-- ---- photos (files live outside the database, content-addressed) -----------------------
CREATE TABLE photo (
  id                  INTEGER PRIMARY KEY,
  monument_id         INTEGER NOT NULL REFERENCES monument(id),
  condition_report_id INTEGER REFERENCES condition_report(id),
  sha256              TEXT NOT NULL,
  media_type          TEXT NOT NULL,
  width               INTEGER NOT NULL,
  height              INTEGER NOT NULL,
  bytes               INTEGER NOT NULL,
  taken_at            TEXT,
  taken_lat           REAL,
  taken_lon           REAL,
  author              TEXT,
  licence             TEXT,
  caption_uk          TEXT,
  caption_en          TEXT,
  alt_uk              TEXT,
  alt_en              TEXT,
  view                TEXT REFERENCES vocab_photo_view(code),
  phase               TEXT REFERENCES vocab_photo_phase(code),
  is_primary          INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
  status              TEXT NOT NULL DEFAULT 'pending' REFERENCES vocab_photo_status(code),
  uploaded_by         INTEGER REFERENCES app_user(id),
  uploaded_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX photo_monument ON photo(monument_id);
CREATE INDEX photo_sha ON photo(sha256);

-- ---- audit and import bookkeeping ------------------------------------------------------
CREATE TABLE import_run (
  id          INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT,
  dataset     TEXT NOT NULL,
  files       TEXT NOT NULL,
  mapping     TEXT,
  target      TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed')),
  read        INTEGER NOT NULL DEFAULT 0,
  inserted    INTEGER NOT NULL DEFAULT 0,
  updated     INTEGER NOT NULL DEFAULT 0,
  unchanged   INTEGER NOT NULL DEFAULT 0,
  rejected    INTEGER NOT NULL DEFAULT 0,
  repaired    INTEGER NOT NULL DEFAULT 0,
  reports     INTEGER NOT NULL DEFAULT 0,
  CHECK (status <> 'ok' OR read = inserted + updated + unchanged + rejected)
);
CREATE TABLE import_error (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES import_run(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('rejected', 'repaired')),
  layer      TEXT,
  row        INTEGER,                      -- OGR feature id in the source layer
  source_key TEXT,
  field      TEXT,
  reason     TEXT NOT NULL,
  raw        TEXT NOT NULL                 -- the source record as JSON
);
CREATE INDEX import_error_run ON import_error(run_id);

CREATE TABLE audit_log (
  id            INTEGER PRIMARY KEY,
  at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  actor         TEXT NOT NULL,             -- login, or 'import:<run>'
  actor_role    TEXT,
  action        TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
  entity        TEXT NOT NULL,
  entity_id     INTEGER NOT NULL,
  import_run_id INTEGER REFERENCES import_run(id),
  before        TEXT,
  after         TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

-- Monuments with their kinds as a ';'-joined set in vocabulary order (export, audit, API).
CREATE VIEW monument_v AS
SELECT m.*,
       (SELECT group_concat(kind, ';') FROM
          (SELECT mk.kind FROM monument_kind mk JOIN vocab_kind vk ON vk.code = mk.kind
            WHERE mk.monument_id = m.id ORDER BY vk.sort)) AS kinds
  FROM monument m;
