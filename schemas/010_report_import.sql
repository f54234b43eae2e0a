-- schemas/010_report_import.sql - condition reports imported from files (`spadok import` with
-- a mapping whose target is condition_report; storage/reports_import.c). Such a report is
-- keyed by dataset + source_id (UNIQUE since 001) and keeps the hash of its monument and
-- values, so a re-import of the same row is "unchanged", and a row whose values changed since
-- is refused with its reason: reports are never changed in place (a correction is a new
-- report that supersedes). NULL for reports filed otherwise.
ALTER TABLE condition_report ADD COLUMN content_hash INTEGER;
