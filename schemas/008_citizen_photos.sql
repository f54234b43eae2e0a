-- 008_citizen_photos.sql - the photos a citizen sends with a damage report (POST /reports as
-- multipart/form-data). They are kept with the report whatever the moderator decides, as the
-- report itself is: nothing submitted is lost. Their files live in the photo store like any
-- photo (content-addressed, EXIF-free copies); the original and its EXIF are for staff only.
-- When the report is approved each becomes a photo of the monument (photo_id), attached to
-- the citizen's condition report, by the same transaction.
CREATE TABLE citizen_photo (
  id                INTEGER PRIMARY KEY,
  citizen_report_id INTEGER NOT NULL REFERENCES citizen_report(id),
  sha256            TEXT NOT NULL,
  media_type        TEXT NOT NULL,
  width             INTEGER NOT NULL,
  height            INTEGER NOT NULL,
  bytes             INTEGER NOT NULL,
  taken_at          TEXT,
  taken_lat         REAL,
  taken_lon         REAL,
  photo_id          INTEGER REFERENCES photo(id),
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX citizen_photo_report ON citizen_photo(citizen_report_id);
CREATE INDEX citizen_photo_sha ON citizen_photo(sha256);
