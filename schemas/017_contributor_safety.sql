-- 017_contributor_safety.sql - PLACEHOLDER so this branch builds: the real migration 017 is
-- written on branch i20-privacy and replaces this file at merge. Do not edit.
SELECT 1;
