-- schemas/002_search.sql - full-text search for `q=`: names, address, description and
-- protection number, Ukrainian and English. FTS5's unicode61 tokenizer folds case for
-- Cyrillic as for Latin (SQLite's NOCASE folds ASCII only) and, with remove_diacritics 2,
-- matches й/и and ї/і alike, as people type them on phones. detail=none keeps only which
-- monument has which word (no positions, no sizes): a third of the indexing time, and q=
-- asks for words, not phrases. External content: the text stays in monument.

CREATE VIRTUAL TABLE monument_fts USING fts5(
  name_uk, name_en, address, description, protection_no,
  content = 'monument', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2', detail = 'none', columnsize = 0);

INSERT INTO monument_fts (rowid, name_uk, name_en, address, description, protection_no)
SELECT id, name_uk, name_en, address, description, protection_no FROM monument;

-- Kept by triggers for every writer; a bulk import drops the insert trigger inside its
-- transaction and fills the index once at the end (see schemas/queries.sql).
CREATE TRIGGER monument_fts_insert AFTER INSERT ON monument BEGIN
  INSERT INTO monument_fts (rowid, name_uk, name_en, address, description, protection_no)
  VALUES (NEW.id, NEW.name_uk, NEW.name_en, NEW.address, NEW.description, NEW.protection_no);
END;
CREATE TRIGGER monument_fts_update AFTER UPDATE OF name_uk, name_en, address, description,
  protection_no ON monument BEGIN
  INSERT INTO monument_fts (monument_fts, rowid, name_uk, name_en, address, description,
                            protection_no)
  VALUES ('delete', OLD.id, OLD.name_uk, OLD.name_en, OLD.address, OLD.description,
          OLD.protection_no);
  INSERT INTO monument_fts (rowid, name_uk, name_en, address, description, protection_no)
  VALUES (NEW.id, NEW.name_uk, NEW.name_en, NEW.address, NEW.description, NEW.protection_no);
END;
CREATE TRIGGER monument_fts_delete AFTER DELETE ON monument BEGIN
  INSERT INTO monument_fts (monument_fts, rowid, name_uk, name_en, address, description,
                            protection_no)
  VALUES ('delete', OLD.id, OLD.name_uk, OLD.name_en, OLD.address, OLD.description,
          OLD.protection_no);
END;

-- Output and bbox CRS of OGC API Part 2 besides WGS 84 and Web Mercator: UCS-2000 /
-- Ukraine TM zone 10, the national grid of Kyiv.
SELECT InsertEpsgSrid(6384);

-- Re-sync clients ask for what changed since a time. (Significance, district and condition
-- have few distinct values and come with a bbox or text search that narrows first, so they
-- get no index: each would cost every import write for little.)
CREATE INDEX IF NOT EXISTS monument_updated ON monument(updated_at);
