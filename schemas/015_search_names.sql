-- 015_search_names.sql - q= searches what a search box is for: names (Ukrainian and
-- English), address and protection number; no longer the descriptions. With 013's prefix
-- indexes the descriptions (three times the text of the rest) made the index six times
-- dearer to fill: an import of the 9,228-record register went from 0.37 s to 0.60 s (0.62x
-- ogr2ogr's records/s, issue 3's target being 1x), and a word in a long description is
-- seldom what a searcher means. Descriptions stay searchable as a CQL2 queryable
-- (filter=description LIKE '%...%'). Same tokenizer and prefix indexes as 013.
DROP TRIGGER monument_fts_insert;
DROP TRIGGER monument_fts_update;
DROP TRIGGER monument_fts_delete;
DROP TABLE monument_fts;
CREATE VIRTUAL TABLE monument_fts USING fts5(
  name_uk, name_en, address, protection_no,
  content = 'monument', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2', detail = 'none', columnsize = 0,
  prefix = '1 2 3 4 5 6 7 8 9 10');
INSERT INTO monument_fts (monument_fts) VALUES ('rebuild');

-- Kept by triggers for every writer; a bulk import drops the insert trigger inside its
-- transaction and fills the index once at the end (see schemas/queries.sql).
CREATE TRIGGER monument_fts_insert AFTER INSERT ON monument BEGIN
  INSERT INTO monument_fts (rowid, name_uk, name_en, address, protection_no)
  VALUES (NEW.id, NEW.name_uk, NEW.name_en, NEW.address, NEW.protection_no);
END;
CREATE TRIGGER monument_fts_update AFTER UPDATE OF name_uk, name_en, address, protection_no
  ON monument BEGIN
  INSERT INTO monument_fts (monument_fts, rowid, name_uk, name_en, address, protection_no)
  VALUES ('delete', OLD.id, OLD.name_uk, OLD.name_en, OLD.address, OLD.protection_no);
  INSERT INTO monument_fts (rowid, name_uk, name_en, address, protection_no)
  VALUES (NEW.id, NEW.name_uk, NEW.name_en, NEW.address, NEW.protection_no);
END;
CREATE TRIGGER monument_fts_delete AFTER DELETE ON monument BEGIN
  INSERT INTO monument_fts (monument_fts, rowid, name_uk, name_en, address, protection_no)
  VALUES ('delete', OLD.id, OLD.name_uk, OLD.name_en, OLD.address, OLD.protection_no);
END;
