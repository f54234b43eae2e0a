-- 022_romanised_districts.sql - district names in English follow Ukraine's official
-- romanisation (Resolution of the Cabinet of Ministers No. 55 of 27 January 2010): Г is h.
-- The OpenStreetMap names that the sample districts came with spelled one the Russian way;
-- importers/mappings/kyiv_raions_osm.json now corrects it on import, and this corrects a
-- registry imported before (issue 22). A name already right, or of another place, is left.
UPDATE district SET name_en = 'Holosiivskyi district' WHERE name_en = 'Golosiivskyi district';
