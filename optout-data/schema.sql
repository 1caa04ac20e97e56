-- publish-gate student directory (SQLite). See optout-data/README.md.
--
-- This text is embedded verbatim into the binary (generated/schema_sql.h) and run on
-- every open of a writable directory database, so every statement must be idempotent
-- (CREATE ... IF NOT EXISTS, INSERT OR IGNORE). The database holds sensitive student
-- data: the file is created with mode 0600 and lives outside the repository.
-- Foreign keys are enforced: the store runs PRAGMA foreign_keys=ON on every open.
--
-- Versions: 1 = meta, students, reference_photos. 2 adds face_descriptors (purely
-- additive: the store migrates a version-1 file by applying this text and setting
-- schema_version to 2, in one transaction).

-- Schema version and other single values, one row per key.
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '2');

-- One row per student, as imported from the district's student information system.
CREATE TABLE IF NOT EXISTS students (
  student_id             TEXT PRIMARY KEY NOT NULL CHECK (student_id <> ''),
  first_name             TEXT NOT NULL CHECK (first_name <> ''),
  last_name              TEXT NOT NULL CHECK (last_name <> ''),
  preferred_name         TEXT NOT NULL DEFAULT '',
  grade                  TEXT NOT NULL DEFAULT '',
  school                 TEXT NOT NULL DEFAULT '',
  -- 1 when a Media Release opt-out is on file: no photo of this student is published.
  photo_opt_out          INTEGER NOT NULL CHECK (photo_opt_out IN (0, 1)),
  -- Who gave written permission to publish the student's name with a photo or work.
  name_photo_permission  TEXT NOT NULL DEFAULT 'none'
                         CHECK (name_photo_permission IN ('none', 'student', 'parent', 'student+parent')),
  -- The school year the permission is for, e.g. '2026-27'; '' when none.
  permission_school_year TEXT NOT NULL DEFAULT '',
  -- ISO 8601 UTC time of the import that last wrote this row.
  imported_at            TEXT NOT NULL
);

-- Reference photos of a student (absolute paths), used to enrol faces.
CREATE TABLE IF NOT EXISTS reference_photos (
  student_id TEXT NOT NULL REFERENCES students (student_id) ON DELETE CASCADE,
  path       TEXT NOT NULL,
  PRIMARY KEY (student_id, path)
);

-- Face descriptors (biometric data) computed by `publish-gate directory enroll` from a
-- student's reference photos: one row per usable photo. Only students who need them are
-- enrolled (photo opt-outs by default). Re-enrolling a student replaces all their rows;
-- `directory purge` deletes them; they go with their student (ON DELETE CASCADE).
CREATE TABLE IF NOT EXISTS face_descriptors (
  id           INTEGER PRIMARY KEY,
  student_id   TEXT NOT NULL REFERENCES students (student_id) ON DELETE CASCADE,
  -- The reference photo it was computed from (absolute path) and its SHA-256 (hex).
  photo_path   TEXT NOT NULL,
  photo_sha256 TEXT NOT NULL,
  -- When the photo was taken (EXIF DateTimeOriginal, 'YYYY-MM-DD'); '' when unknown.
  photo_date   TEXT NOT NULL DEFAULT '',
  -- The embedding model (FaceEmbedder::ModelId()); descriptors of other models are never
  -- compared with this model's.
  model_id     TEXT NOT NULL CHECK (model_id <> ''),
  -- 128 float32 values, little-endian.
  descriptor   BLOB NOT NULL CHECK (length(descriptor) = 512),
  -- ISO 8601 UTC time of enrolment.
  enrolled_at  TEXT NOT NULL,
  -- Retention: 'YYYY-MM-DD', the last day this reference may be used; after it the gate
  -- refuses it (children's faces change: re-enrol each school year).
  expires_at   TEXT NOT NULL CHECK (length(expires_at) = 10)
);
CREATE INDEX IF NOT EXISTS face_descriptors_by_student ON face_descriptors (student_id);
