-- 017_contributor_safety.sql - a contributor's safety (issue 20): where and when a photo was
-- taken (EXIF) says where its author stood, so it is for staff only until staff decide that
-- a photo's place may be public (photo.location_public). A citizen says, for the photos sent
-- with a report, whether they may be published and under which licence, and how to be
-- credited; approval follows it (a photo without consent stays restricted for good). A
-- citizen follows a report by its reference number: it shows "under review" once an editor
-- takes it up (review_at), and a rejection may carry a reason written for the public
-- (public_reason), the existing reason staying internal.
ALTER TABLE photo ADD COLUMN location_public INTEGER NOT NULL DEFAULT 0
  CHECK (location_public IN (0, 1));

-- licence: the SPDX id the citizen chose (CC-BY-4.0, CC0-1.0); NULL: do not publish.
-- credit: the name to credit; NULL: anonymous.
ALTER TABLE citizen_photo ADD COLUMN licence TEXT
  CHECK (licence IS NULL OR licence IN ('CC-BY-4.0', 'CC0-1.0'));
ALTER TABLE citizen_photo ADD COLUMN credit TEXT;

ALTER TABLE citizen_report ADD COLUMN public_reason TEXT;
ALTER TABLE citizen_report ADD COLUMN review_at TEXT;
