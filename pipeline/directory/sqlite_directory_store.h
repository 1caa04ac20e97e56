// SqliteDirectoryStore: the student directory in a local SQLite file (schema in
// optout-data/schema.sql, embedded at build time).
//
// Open() checks the file (it must be a SQLite database with publish-gate's schema),
// applies the schema when the file is writable, and keeps the file private: a new file
// is created with mode 0600 (its new parent folders 0700), and an existing file whose
// mode lets group or others in is chmod'ed to 0600 on open, silently (the README says
// so). SQLite gives its journal the database file's mode. Deleted rows are overwritten
// (secure_delete). All SQL uses prepared statements with bound parameters.
// It also keeps the face descriptors (biometric data) of enrolled students: written by
// `directory enroll` (enroll.h), read by the gate (EnrolmentSource), deleted by purge.
// A version-1 file is migrated to version 2 (adds face_descriptors) on a writable open.
// Owns its connection; not thread-safe (one store per thread).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "directory/student.h"
#include "faces/face_matcher.h"

struct sqlite3;

namespace pg {

/// Where the directory lives unless --db says otherwise:
/// $XDG_DATA_HOME/publish-gate/directory.db (when XDG_DATA_HOME is an absolute path),
/// else $HOME/.local/share/publish-gate/directory.db; "" when HOME is unset too.
std::string DefaultDirectoryDbPath();

class SqliteDirectoryStore : public DirectoryStore, public EnrolmentSource {
 public:
  /// Schema version this build writes and understands (meta.schema_version).
  static constexpr int kSchemaVersion = 2;

  /// Opens the directory database at `path`.
  /// create=false and no file: NotFound "directory database not found: PATH (create it
  /// with `publish-gate directory import`)". create=true: creates the file (0600) and any
  /// missing parent folders (0700). A file that is not SQLite, or a SQLite database
  /// without publish-gate's tables: BadData naming the path. A newer schema version:
  /// Unsupported. Permission problems: IoError.
  static Result<std::unique_ptr<SqliteDirectoryStore>> Open(const std::string& path, bool create);

  ~SqliteDirectoryStore() override;
  SqliteDirectoryStore(const SqliteDirectoryStore&) = delete;
  SqliteDirectoryStore& operator=(const SqliteDirectoryStore&) = delete;

  /// Every student with its reference photos, ordered by student_id.
  Result<std::vector<Student>> AllStudents() override;

  /// Inserts or updates each student (by student_id) in one transaction; a student's
  /// reference photos are replaced by the given list; imported_at is set to now.
  /// Nothing is written if any row fails. REQUIRES: ids and names non-empty.
  Status UpsertStudents(const std::vector<Student>& students);

  /// Deletes (in one transaction) every student whose id is not in `ids`, with their
  /// reference photos. Used by `directory import --replace`.
  Status DeleteStudentsNotIn(const std::vector<std::string>& ids);

  /// UpsertStudents(students) and DeleteStudentsNotIn(ids of students + also_keep) in one
  /// transaction: after it the directory holds exactly those students, plus the
  /// `also_keep` ones it already had (import keeps students whose row was rejected).
  Status ReplaceStudents(const std::vector<Student>& students,
                         const std::vector<std::string>& also_keep);

  /// Number of students.
  Result<int> CountStudents();

  /// Counts (students, opted out, enrolled and stale students as of `today`) and the
  /// last import's time, file and SHA-256 (meta keys import_at, import_file, import_sha256).
  Result<DirectoryInfo> Info(const std::string& today) override;

  /// Records where the directory's students came from (shown by Info); import_at = now.
  Status SetImportSource(const std::string& file, const std::string& sha256);

  /// Writes a compact copy of the whole database to `path`, which must not exist
  /// (SQLite VACUUM INTO into a new empty file of mode 0600). Used to import into a copy and
  /// rename it over the original, so a failed import leaves the original untouched.
  Status CopyTo(const std::string& path);

  /// Deletes all student data (every row of every student table, face descriptors
  /// included) and rewrites the file (VACUUM) so no deleted row survives in free pages.
  /// The empty database remains.
  Status Purge();

  /// Every stored face descriptor, of every model (LoadEnrolments("")).
  Result<std::vector<Enrolment>> AllEnrolments() override;

  /// The stored face descriptors of model `model_id` ("" = every model), ordered by
  /// student_id then photo_path. A read-only version-1 file has none. A stored
  /// descriptor that is not 128 float32 values is BadData naming the student.
  Result<std::vector<Enrolment>> LoadEnrolments(const std::string& model_id);

  /// Replaces every stored descriptor of `student_id` (of any model) by `enrolments`,
  /// in one transaction (an empty list deletes them). REQUIRES: each enrolment's
  /// student_id is `student_id` and its descriptor has 128 values. An unknown student is
  /// NotFound; nothing is written on any error.
  Status ReplaceEnrolments(const std::string& student_id, const std::vector<Enrolment>& enrolments);

  /// Deletes every face descriptor (students stay) and rewrites the file (VACUUM).
  /// Returns how many were deleted.
  Result<int> PurgeEnrolments();

  /// Deletes the face descriptors of one student (the student stays) and rewrites the
  /// file. An unknown student is NotFound. Returns how many were deleted.
  Result<int> PurgeStudentEnrolments(const std::string& student_id);

  /// Number of stored face descriptors (all models).
  Result<int> CountEnrolments();

  const std::string& path() const { return path_; }

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const;
  };
  SqliteDirectoryStore(std::string path, sqlite3* db);
  /// Upserts `students`; if keep_only, then deletes every student not in *keep_only.
  /// One transaction.
  Status Write(const std::vector<Student>& students, const std::vector<std::string>* keep_only);

  /// Applies the (idempotent) schema and migrates an older version, in one transaction.
  Status ApplySchema();
  /// Runs `sql` (one statement, ?1 = student_id when given), then VACUUM; returns changes.
  Result<int> DeleteAndVacuum(const char* sql, const std::string* student_id, const std::string& what);
  /// NotFound unless `student_id` is in the directory.
  Status RequireStudent(const std::string& student_id);

  std::string path_;
  std::unique_ptr<sqlite3, DbCloser> db_;
  bool has_descriptor_table_ = false;
};

}  // namespace pg
