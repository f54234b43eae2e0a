-- schemas/005_report_bumps_version.sql - an approved condition report changes its monument's
-- condition and last inspection; that is a change of the monument like any other, so it now
-- also bumps its version and updated_at. Without it, clients re-syncing with updated_since
-- missed condition changes, and an item's ETag (which names its version) stayed the same
-- while its condition changed.
DROP TRIGGER condition_report_sets_condition;
CREATE TRIGGER condition_report_sets_condition AFTER INSERT ON condition_report
WHEN NEW.status = 'approved' AND NEW.verification <> 'rejected'
BEGIN
  UPDATE monument SET
    condition = (SELECT r.condition FROM condition_report r
                  WHERE r.monument_id = NEW.monument_id AND r.status = 'approved'
                    AND r.verification <> 'rejected' AND r.condition IS NOT NULL
                  ORDER BY coalesce(r.observed_on, r.event_date, r.created_at) DESC, r.id DESC
                  LIMIT 1),
    last_inspected = (SELECT max(coalesce(r.observed_on, r.event_date)) FROM condition_report r
                       WHERE r.monument_id = NEW.monument_id AND r.status = 'approved'
                         AND r.report_type IN ('inspection', 'technical_act', 'post_restoration')),
    version = version + 1,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE id = NEW.monument_id;
END;
