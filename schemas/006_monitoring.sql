-- schemas/006_monitoring.sql - condition monitoring from the API (issue 6).
-- * A correction is a new report that supersedes the old one (reports are never edited in
--   place): the monument's condition comes from the latest approved report that nothing
--   supersedes, so a correction dated earlier than its original still wins.
-- * Citizens' reports wait here for moderation; nothing submitted is ever deleted. Approval
--   turns one into a condition report of type citizen (report_id); rejection keeps it with
--   its reason, for audit, never public. The contact is never published.
DROP TRIGGER condition_report_sets_condition;
CREATE TRIGGER condition_report_sets_condition AFTER INSERT ON condition_report
WHEN NEW.status = 'approved' AND NEW.verification <> 'rejected'
BEGIN
  UPDATE monument SET
    condition = (SELECT r.condition FROM condition_report r
                  WHERE r.monument_id = NEW.monument_id AND r.status = 'approved'
                    AND r.verification <> 'rejected' AND r.condition IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM condition_report s WHERE s.supersedes_id = r.id)
                  ORDER BY coalesce(r.observed_on, r.event_date, r.created_at) DESC, r.id DESC
                  LIMIT 1),
    last_inspected = (SELECT max(coalesce(r.observed_on, r.event_date)) FROM condition_report r
                       WHERE r.monument_id = NEW.monument_id AND r.status = 'approved'
                         AND r.report_type IN ('inspection', 'technical_act', 'post_restoration')
                         AND NOT EXISTS (SELECT 1 FROM condition_report s
                                          WHERE s.supersedes_id = r.id)),
    version = version + 1,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE id = NEW.monument_id;
END;
CREATE UNIQUE INDEX IF NOT EXISTS condition_report_supersedes ON condition_report(supersedes_id)
  WHERE supersedes_id IS NOT NULL;

CREATE TABLE citizen_report (
  id           INTEGER PRIMARY KEY,
  ref          TEXT NOT NULL UNIQUE,          -- the reference number given to the citizen
  monument_id  INTEGER REFERENCES monument(id),
  lon          REAL,
  lat          REAL,
  description  TEXT NOT NULL,
  contact      TEXT,                          -- never public
  client       TEXT,                          -- the submitting address, for abuse handling
  status       TEXT NOT NULL DEFAULT 'pending' REFERENCES vocab_report_status(code),
  reason       TEXT,                          -- why it was rejected
  report_id    INTEGER REFERENCES condition_report(id),
  moderated_by TEXT,
  moderated_at TEXT,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  CHECK (monument_id IS NOT NULL OR (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90))
);
CREATE INDEX citizen_report_pending ON citizen_report(created_at) WHERE status = 'pending';
