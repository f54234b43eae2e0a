-- 013_search_prefix.sql - q= with prefix indexes. Every word of q is matched as a prefix
-- ("собор" finds "соборна"); without a prefix index FTS5 merges the lists of all the words
-- that begin so before it can return one row, and a common word costs as much as its list:
-- "будинок"* over 1,000,000 monuments (470,000 hits) took 80 ms to count and 80 ms more to
-- page. With an index for every prefix length of 1 to 10 characters both read one list:
-- 1 ms for a page, 25 ms for that count. The storage layer cuts longer words to their first
-- ten characters (so "Володимирського" finds "Володимирська" too: Ukrainian endings vary).
-- The index is larger (about 5 times: 28 MB -> 152 MB at that scale, 26 s to build); a fortieth
-- of the database. Same columns, tokenizer and triggers as 002 (which name the table only).
-- Note on 002's comment: unicode61's remove_diacritics folds Latin letters (é = e) but not
-- the Cyrillic й and ї, which stay letters of their own (as in Ukrainian spelling).
DROP TABLE monument_fts;
CREATE VIRTUAL TABLE monument_fts USING fts5(
  name_uk, name_en, address, description, protection_no,
  content = 'monument', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2', detail = 'none', columnsize = 0,
  prefix = '1 2 3 4 5 6 7 8 9 10');
INSERT INTO monument_fts (monument_fts) VALUES ('rebuild');
