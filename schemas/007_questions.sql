-- schemas/007_questions.sql - the department's questions (issue 6) as views, so the items
-- filters and /stats ask them in the same words. A damage is an approved, not rejected report
-- of type damage or with a damage level above none (or marked a repeat hit), dated by the
-- event, else the observation. A technical act is due at least every 5 years.
CREATE VIEW damage_event AS
SELECT monument_id, coalesce(event_date, observed_on, substr(created_at, 1, 10)) AS day,
       coalesce(repeat_hit, 0) AS repeat_hit
FROM condition_report
WHERE status = 'approved' AND verification <> 'rejected'
  AND (report_type = 'damage' OR damage_level IN ('minor', 'moderate', 'severe', 'destroyed')
       OR repeat_hit = 1);

CREATE VIEW hit_again AS
SELECT monument_id FROM damage_event GROUP BY monument_id
HAVING count(*) > 1 OR max(repeat_hit) = 1;

CREATE VIEW technical_act_current AS
SELECT DISTINCT monument_id FROM condition_report
WHERE status = 'approved' AND report_type = 'technical_act'
  AND coalesce(observed_on, event_date) >= date('now', '-5 years');
