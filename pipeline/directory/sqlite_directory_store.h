// SqliteDirectoryStore: the student directory in a local SQLite file (schema in
// optout-data/schema.sql, embedded at build time).
//
// Open() checks the file (it must be a SQLite database with publish-gate's schema),
// applies the schema when the file is writable, and keeps the file private: a new file
// is created with mode 0600 (its new parent folders 0700), and an existing file whose
// mode lets group or others in is chmod'ed to 0600 on open, silently (the README says
// so). SQLite gives its journal the database file's mode. Deleted rows are overwritten
// (secure_delete). All SQL uses prepared statements with bound parameters.
// Owns its connection; not thread-safe (one store per thread).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "directory/student.h"

struct sqlite3;

namespace pg {

/// Where the directory lives unless --db says otherwise:
/// $XDG_DATA_HOME/publish-gate/directory.db (when XDG_DATA_HOME is an absolute path),
/// else $HOME/.local/share/publish-gate/directory.db; "" when HOME is unset too.
std::string DefaultDirectoryDbPath();

class SqliteDirectoryStore : public DirectoryStore {
 public:
  /// Schema version this build writes and understands (meta.schema_version).
  static constexpr int kSchemaVersion = 1;

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

  /// Deletes all student data (every row of every student table) and rewrites the file
  /// (VACUUM) so no deleted row survives in free pages. The empty database remains.
  Status Purge();

  const std::string& path() const { return path_; }

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const;
  };
  SqliteDirectoryStore(std::string path, sqlite3* db);
  /// Upserts `students`; if keep_only, then deletes every student not in *keep_only.
  /// One transaction.
  Status Write(const std::vector<Student>& students, const std::vector<std::string>* keep_only);

  std::string path_;
  std::unique_ptr<sqlite3, DbCloser> db_;
};

}  // namespace pg
