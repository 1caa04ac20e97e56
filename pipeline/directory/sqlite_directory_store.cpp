#include "directory/sqlite_directory_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "core/clock.h"
#include "directory/sqlite_statement.h"
#include "schema_sql.h"

namespace pg {

namespace {

using sqlite::Exec;
using sqlite::SqlError;
using sqlite::Statement;

std::string ErrnoText() { return std::strerror(errno); }


/// Creates `path` empty with mode 0600, and its missing parent folders with mode 0700.
/// A file that appears meanwhile (another process) is left to the caller's checks.
Status CreatePrivateFile(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path parent = fs::path(path).parent_path();
  fs::path so_far;
  for (const auto& part : parent) {
    so_far /= part;
    if (::mkdir(so_far.c_str(), 0700) == 0) {
      ::chmod(so_far.c_str(), 0700);  // exactly 0700 whatever the umask
    } else if (errno != EEXIST) {
      return Status::IoError("cannot create folder " + so_far.string() + " for the directory database: " +
                             ErrnoText());
    }
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return Status::IoError("cannot create directory database " + path + ": " + ErrnoText());
  }
  int rc = ::fchmod(fd, 0600);
  int saved = errno;
  ::close(fd);
  if (rc != 0) {
    errno = saved;
    return Status::IoError("cannot set mode 0600 on directory database " + path + ": " + ErrnoText());
  }
  return Status::Ok();
}

/// The existing file at `path` must be a regular file; group/other access is removed.
Status CheckExistingFile(const std::string& path, const struct stat& st) {
  if (!S_ISREG(st.st_mode)) {
    return Status::BadData("directory database " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), 0600) != 0) {
    return Status::IoError("directory database " + path +
                           " is readable by other users and its mode could not be set to 0600: " +
                           ErrnoText());
  }
  return Status::Ok();
}

}  // namespace

std::string DefaultDirectoryDbPath() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/publish-gate/directory.db";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0') {
    return std::string(home) + "/.local/share/publish-gate/directory.db";
  }
  return "";
}

void SqliteDirectoryStore::DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

SqliteDirectoryStore::SqliteDirectoryStore(std::string path, sqlite3* db)
    : path_(std::move(path)), db_(db) {}

SqliteDirectoryStore::~SqliteDirectoryStore() = default;

Result<std::unique_ptr<SqliteDirectoryStore>> SqliteDirectoryStore::Open(const std::string& path,
                                                                         bool create) {
  if (path.empty()) return Status::Config("directory database path is empty");
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return Status::IoError("cannot access directory database " + path + ": " + ErrnoText());
    }
    if (!create) {
      return Status::NotFound("directory database not found: " + path +
                              " (create it with `publish-gate directory import`)");
    }
    Status s = CreatePrivateFile(path);
    if (!s.ok()) return s;
    if (::stat(path.c_str(), &st) != 0) {
      return Status::IoError("cannot access directory database " + path + ": " + ErrnoText());
    }
  }
  if (Status s = CheckExistingFile(path, st); !s.ok()) return s;

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<SqliteDirectoryStore> store(new SqliteDirectoryStore(path, raw));
  sqlite3* db = raw;
  if (rc != SQLITE_OK) return SqlError(db, rc, path, "opening");
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  if (Status s = Exec(db, path, "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;", "configuring");
      !s.ok()) {
    return s;
  }

  // Which tables are there? This is the first read of the file: a non-SQLite file fails here.
  std::set<std::string> tables;
  {
    auto q = Statement::Prepare(db, path, "SELECT name FROM sqlite_master WHERE type = 'table'");
    if (!q.ok()) {
      if ((sqlite3_errcode(db) & 0xff) == SQLITE_NOTADB) {
        return Status::BadData("directory database " + path +
                               " is not a SQLite database (wrong file?)");
      }
      return q.status();
    }
    bool row = true;
    Status error;
    while (q->Step(&row, &error, "listing tables") && row) tables.insert(q->Text(0));
    if (!error.ok()) {
      if ((sqlite3_errcode(db) & 0xff) == SQLITE_NOTADB) {
        return Status::BadData("directory database " + path +
                               " is not a SQLite database (wrong file?)");
      }
      return error;
    }
  }

  if (tables.count("meta") != 0) {
    auto q = Statement::Prepare(db, path, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!q.ok()) return q.status();
    bool row = false;
    Status error;
    if (!q->Step(&row, &error, "reading the schema version")) return error;
    int version = row ? q->Int(0) : 0;
    if (version > kSchemaVersion) {
      return Status::Unsupported("directory database " + path + " has schema version " +
                                 std::to_string(version) + "; this publish-gate understands up to " +
                                 std::to_string(kSchemaVersion) + " (upgrade publish-gate)");
    }
  } else if (!tables.empty()) {
    return Status::BadData("directory database " + path +
                           " is a SQLite database but not a publish-gate student directory (no meta table)");
  } else if (!create) {
    return Status::BadData("directory database " + path +
                           " is empty (create it with `publish-gate directory import`)");
  }

  // The schema is idempotent: apply it whenever we may write (adds the tables of newer
  // versions and migrates the version number, e.g. after an upgrade).
  if (sqlite3_db_readonly(db, "main") == 0) {
    if (Status s = store->ApplySchema(); !s.ok()) return s;
    tables.insert({"meta", "students", "reference_photos", "face_descriptors"});
  }
  for (const char* t : {"students", "reference_photos"}) {
    if (tables.count(t) == 0) {
      return Status::BadData("directory database " + path + " has no " + t + " table");
    }
  }
  store->has_descriptor_table_ = tables.count("face_descriptors") != 0;
  return store;
}

Status SqliteDirectoryStore::ApplySchema() {
  sqlite3* db = db_.get();
  if (Status s = Exec(db, path_, "BEGIN IMMEDIATE", "starting a transaction"); !s.ok()) return s;
  Status s = Exec(db, path_, kDirectorySchemaSql, "applying the schema");
  if (s.ok()) {
    // Version 1 -> 2 is additive (face_descriptors, created above): only the number changes.
    const std::string v = std::to_string(kSchemaVersion);
    const std::string sql = "UPDATE meta SET value = '" + v +
                            "' WHERE key = 'schema_version' AND CAST(value AS INTEGER) < " + v;
    s = Exec(db, path_, sql.c_str(), "migrating the schema to version " + v);
  }
  if (s.ok()) s = Exec(db, path_, "COMMIT", "committing the schema");
  if (!s.ok()) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return s;
}

Result<std::vector<Student>> SqliteDirectoryStore::AllStudents() {
  sqlite3* db = db_.get();
  std::vector<Student> out;
  std::map<std::string, size_t> index;
  auto q = Statement::Prepare(db, path_,
      "SELECT student_id, first_name, last_name, preferred_name, grade, school, photo_opt_out,"
      " name_photo_permission, permission_school_year FROM students ORDER BY student_id");
  if (!q.ok()) return q.status();
  bool row = true;
  Status error;
  while (q->Step(&row, &error, "reading students") && row) {
    Student s;
    s.student_id = q->Text(0);
    s.first_name = q->Text(1);
    s.last_name = q->Text(2);
    s.preferred_name = q->Text(3);
    s.grade = q->Text(4);
    s.school = q->Text(5);
    s.photo_opt_out = q->Int(6) != 0;
    if (!ParsePermission(q->Text(7), &s.name_photo_permission)) {
      return Status::BadData("directory database " + path_ + ": student " + s.student_id +
                             " has an unknown name_photo_permission '" + q->Text(7) + "'");
    }
    s.permission_school_year = q->Text(8);
    index[s.student_id] = out.size();
    out.push_back(std::move(s));
  }
  if (!error.ok()) return error;

  auto p = Statement::Prepare(db, path_,
                              "SELECT student_id, path FROM reference_photos ORDER BY student_id, path");
  if (!p.ok()) return p.status();
  while (p->Step(&row, &error, "reading reference photos") && row) {
    auto it = index.find(p->Text(0));
    if (it != index.end()) out[it->second].reference_photos.push_back(p->Text(1));
  }
  if (!error.ok()) return error;
  return out;
}

Status SqliteDirectoryStore::Write(const std::vector<Student>& students,
                                   const std::vector<std::string>* keep_only) {
  sqlite3* db = db_.get();
  if (Status s = Exec(db, path_, "BEGIN IMMEDIATE", "starting a transaction"); !s.ok()) return s;
  auto body = [&]() -> Status {
    auto upsert = Statement::Prepare(db, path_,
        "INSERT INTO students (student_id, first_name, last_name, preferred_name, grade, school,"
        " photo_opt_out, name_photo_permission, permission_school_year, imported_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        " ON CONFLICT (student_id) DO UPDATE SET first_name = excluded.first_name,"
        " last_name = excluded.last_name, preferred_name = excluded.preferred_name,"
        " grade = excluded.grade, school = excluded.school,"
        " photo_opt_out = excluded.photo_opt_out,"
        " name_photo_permission = excluded.name_photo_permission,"
        " permission_school_year = excluded.permission_school_year,"
        " imported_at = excluded.imported_at");
    if (!upsert.ok()) return upsert.status();
    auto clear_photos =
        Statement::Prepare(db, path_, "DELETE FROM reference_photos WHERE student_id = ?1");
    if (!clear_photos.ok()) return clear_photos.status();
    auto add_photo = Statement::Prepare(
        db, path_, "INSERT OR IGNORE INTO reference_photos (student_id, path) VALUES (?1, ?2)");
    if (!add_photo.ok()) return add_photo.status();

    const std::string now = IsoTimestamp(std::chrono::system_clock::now());
    for (const Student& s : students) {
      const std::string what = "writing student " + s.student_id;
      upsert->Bind(1, s.student_id).Bind(2, s.first_name).Bind(3, s.last_name)
          .Bind(4, s.preferred_name).Bind(5, s.grade).Bind(6, s.school)
          .Bind(7, s.photo_opt_out ? 1 : 0)
          .Bind(8, std::string(PermissionName(s.name_photo_permission)))
          .Bind(9, s.permission_school_year).Bind(10, now);
      if (Status st = upsert->Run(what); !st.ok()) return st;
      if (Status st = clear_photos->Bind(1, s.student_id).Run(what); !st.ok()) return st;
      for (const auto& photo : s.reference_photos) {
        if (Status st = add_photo->Bind(1, s.student_id).Bind(2, photo).Run(what); !st.ok()) return st;
      }
    }
    if (keep_only == nullptr) return Status::Ok();

    std::set<std::string> keep(keep_only->begin(), keep_only->end());
    std::vector<std::string> doomed;
    auto ids = Statement::Prepare(db, path_, "SELECT student_id FROM students");
    if (!ids.ok()) return ids.status();
    bool row = true;
    Status error;
    while (ids->Step(&row, &error, "listing students") && row) {
      std::string id = ids->Text(0);
      if (keep.count(id) == 0) doomed.push_back(std::move(id));
    }
    if (!error.ok()) return error;
    auto del = Statement::Prepare(db, path_, "DELETE FROM students WHERE student_id = ?1");
    if (!del.ok()) return del.status();
    for (const auto& id : doomed) {
      if (Status st = del->Bind(1, id).Run("deleting student " + id); !st.ok()) return st;
    }
    return Status::Ok();
  };
  Status s = body();
  if (!s.ok()) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }
  if (Status c = Exec(db, path_, "COMMIT", "committing"); !c.ok()) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return c;
  }
  return Status::Ok();
}

Status SqliteDirectoryStore::UpsertStudents(const std::vector<Student>& students) {
  return Write(students, nullptr);
}

Status SqliteDirectoryStore::DeleteStudentsNotIn(const std::vector<std::string>& ids) {
  return Write({}, &ids);
}

Status SqliteDirectoryStore::ReplaceStudents(const std::vector<Student>& students,
                                             const std::vector<std::string>& also_keep) {
  std::vector<std::string> keep = also_keep;
  for (const auto& s : students) keep.push_back(s.student_id);
  return Write(students, &keep);
}

Result<int> SqliteDirectoryStore::CountStudents() {
  auto q = Statement::Prepare(db_.get(), path_, "SELECT count(*) FROM students");
  if (!q.ok()) return q.status();
  bool row = false;
  Status error;
  if (!q->Step(&row, &error, "counting students")) return error;
  return row ? q->Int(0) : 0;
}

Result<DirectoryInfo> SqliteDirectoryStore::Info(const std::string& today) {
  sqlite3* db = db_.get();
  DirectoryInfo info;
  info.location = path_;
  Status error;
  bool row = false;
  auto counts = Statement::Prepare(db, path_,
      "SELECT count(*), coalesce(sum(photo_opt_out), 0) FROM students");
  if (!counts.ok()) return counts.status();
  if (!counts->Step(&row, &error, "counting students")) return error;
  if (row) {
    info.students = counts->Int(0);
    info.opted_out = counts->Int(1);
  }
  if (has_descriptor_table_) {
    auto enrolled = Statement::Prepare(db, path_,
        "SELECT coalesce(sum(last >= ?1), 0), coalesce(sum(last < ?1), 0) FROM"
        " (SELECT max(expires_at) AS last FROM face_descriptors GROUP BY student_id)");
    if (!enrolled.ok()) return enrolled.status();
    enrolled->Bind(1, today);
    if (!enrolled->Step(&row, &error, "counting enrolled students")) return error;
    if (row) {
      info.enrolled = enrolled->Int(0);
      info.stale = enrolled->Int(1);
    }
  }
  auto meta = Statement::Prepare(db, path_,
      "SELECT key, value FROM meta WHERE key IN ('import_at', 'import_file', 'import_sha256')");
  if (!meta.ok()) return meta.status();
  while (meta->Step(&row, &error, "reading the import record") && row) {
    const std::string key = meta->Text(0);
    (key == "import_at" ? info.imported_at : key == "import_file" ? info.import_file
                                                                    : info.import_sha256) = meta->Text(1);
  }
  if (!error.ok()) return error;
  return info;
}

Status SqliteDirectoryStore::SetImportSource(const std::string& file, const std::string& sha256) {
  auto put = Statement::Prepare(db_.get(), path_,
                                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
  if (!put.ok()) return put.status();
  const std::string now = IsoTimestamp(std::chrono::system_clock::now());
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"import_at", now},
                                   {"import_file", file}, {"import_sha256", sha256}}) {
    if (Status s = put->Bind(1, key).Bind(2, value).Run("recording the import source"); !s.ok()) return s;
  }
  return Status::Ok();
}

Status SqliteDirectoryStore::CopyTo(const std::string& path) {
  // An empty 0600 file first (VACUUM INTO accepts one), so the copy is never readable by others.
  if (Status s = CreatePrivateFile(path); !s.ok()) return s;
  auto q = Statement::Prepare(db_.get(), path_, "VACUUM INTO ?1");
  if (!q.ok()) return q.status();
  return q->Bind(1, path).Run("copying the database to " + path);
}

Status SqliteDirectoryStore::Purge() {
  sqlite3* db = db_.get();
  // reference_photos and face_descriptors go with their student (ON DELETE CASCADE);
  // delete them explicitly as well so purge never depends on the pragma.
  if (Status s = Exec(db, path_,
                      "BEGIN IMMEDIATE; DELETE FROM face_descriptors; DELETE FROM reference_photos;"
                      " DELETE FROM students; COMMIT;",
                      "purging student data");
      !s.ok()) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }
  return Exec(db, path_, "VACUUM", "compacting the purged database");
}

Status SqliteDirectoryStore::RequireStudent(const std::string& student_id) {
  auto q = Statement::Prepare(db_.get(), path_, "SELECT 1 FROM students WHERE student_id = ?1");
  if (!q.ok()) return q.status();
  q->Bind(1, student_id);
  bool row = false;
  Status error;
  if (!q->Step(&row, &error, "looking up student " + student_id)) return error;
  if (!row) {
    return Status::NotFound("no student " + student_id + " in the directory database " + path_);
  }
  return Status::Ok();
}

}  // namespace pg
