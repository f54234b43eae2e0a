-- 016_provenance.sql - PLACEHOLDER so this branch builds: the real migration 016 is being
-- written on main (issue 20, provenance) and replaces this file at merge. Do not edit.
SELECT 1;
