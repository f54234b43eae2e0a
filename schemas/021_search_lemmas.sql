-- 021_search_lemmas.sql - q= understands Ukrainian and English word forms (issue 22): the
-- index holds, beside a monument's names, address and protection number as written, the
-- lemmas of their words (Hunspell with hunspell-uk, Snowball English; text/sp_text.h) and
-- their forms without apostrophes, so "лаври" is also found as "лавра", "Library" as
-- "librari", "Пам’ятник" as "памятник". sp_search_words() is an SQLite function that storage
-- registers on every connection it opens (storage/db.c): a writer without it (the sqlite3
-- shell) can read the index but not change a monument's names.
-- The index keeps its own copy of the words (no longer external content on monument): a
-- delete removes exactly what was indexed, even after a newer dictionary would lemmatize
-- differently (with external content FTS5 re-derives the words to delete). One column: q=
-- asks for words anywhere in them. Same tokenizer and prefix indexes as 015.
DROP TRIGGER monument_fts_insert;
DROP TRIGGER monument_fts_update;
DROP TRIGGER monument_fts_delete;
DROP TABLE monument_fts;
CREATE VIRTUAL TABLE monument_fts USING fts5(
  words,
  tokenize = 'unicode61 remove_diacritics 2', detail = 'none', columnsize = 0,
  prefix = '1 2 3 4 5 6 7 8 9 10');
INSERT INTO monument_fts (rowid, words)
SELECT id, sp_search_words(name_uk, name_en, address, protection_no) FROM monument;

-- Kept by triggers for every writer; a bulk import drops the insert trigger inside its
-- transaction and fills the index once at the end (see schemas/queries.sql).
CREATE TRIGGER monument_fts_insert AFTER INSERT ON monument BEGIN
  INSERT INTO monument_fts (rowid, words)
  VALUES (NEW.id, sp_search_words(NEW.name_uk, NEW.name_en, NEW.address, NEW.protection_no));
END;
CREATE TRIGGER monument_fts_update AFTER UPDATE OF name_uk, name_en, address, protection_no
  ON monument BEGIN
  DELETE FROM monument_fts WHERE rowid = OLD.id;
  INSERT INTO monument_fts (rowid, words)
  VALUES (NEW.id, sp_search_words(NEW.name_uk, NEW.name_en, NEW.address, NEW.protection_no));
END;
CREATE TRIGGER monument_fts_delete AFTER DELETE ON monument BEGIN
  DELETE FROM monument_fts WHERE rowid = OLD.id;
END;
