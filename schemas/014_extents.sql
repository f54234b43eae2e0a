-- 014_extents.sql - the temporal extent of the monuments (collection metadata, TileJSON)
-- read from the ends of two indexes instead of every row (1,000,000 monuments: 300 ms ->
-- under 1 ms); `datetime` filters (year_to >= ? AND year_from <= ?) can use them too. Live
-- monuments only, as both ask.
CREATE INDEX monument_year_from ON monument(year_from) WHERE deleted_at IS NULL;
CREATE INDEX monument_year_to ON monument(year_to) WHERE deleted_at IS NULL;
