// Student: one row of the student directory, as publish-gate needs it, and the
// DirectoryStore interface that serves it. The directory is sensitive student data:
// it lives only in a local SQLite file readable by its owner (see sqlite_directory_store.h).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace pg {

/// Who gave explicit written permission to publish the student's name with photos/work.
enum class NamePhotoPermission { kNone, kStudent, kParent, kStudentAndParent };
const char* PermissionName(NamePhotoPermission p);  ///< none | student | parent | student+parent
/// Parses the canonical values (case-insensitive; "both" and "parent+student" accepted).
bool ParsePermission(const std::string& s, NamePhotoPermission* out);

struct Student {
  std::string student_id;
  std::string first_name;
  std::string last_name;
  std::string preferred_name;   ///< "" when none
  std::string grade;
  std::string school;
  bool photo_opt_out = false;   ///< a Media Release OPT-OUT is on file
  NamePhotoPermission name_photo_permission = NamePhotoPermission::kNone;
  std::string permission_school_year;  ///< "2026-27"; permission counts only for that year
  std::vector<std::string> reference_photos;  ///< absolute paths
};

/// What a directory holds, so every run can say which directory it trusted.
struct DirectoryInfo {
  std::string location;       ///< the database file ("" for an in-memory directory)
  int students = 0;
  int opted_out = 0;          ///< students with a Media Release opt-out
  int enrolled = 0;           ///< students with a face descriptor still within retention
  int stale = 0;              ///< students whose every face descriptor is past retention
  std::string imported_at;    ///< ISO 8601 UTC time of the last import; "" if unknown
  std::string import_file;    ///< the CSV it came from (absolute); "" if unknown
  std::string import_sha256;  ///< that file's SHA-256 (hex); "" if unknown
};

/// One line for people: "PATH: 3 students (1 opted out), 1 enrolled, 0 stale; imported
/// AT from FILE (sha256 HEX)".
std::string DescribeDirectory(const DirectoryInfo& info);

/// Read access to the directory. Implementations: SqliteDirectoryStore (real), and a
/// fake in tests. Not required to be thread-safe.
class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;
  /// Every student, ordered by student_id.
  virtual Result<std::vector<Student>> AllStudents() = 0;
  /// What the directory holds; enrolments count as stale when they expired before
  /// `today` ("YYYY-MM-DD"). Default: the student counts from AllStudents(), nothing else.
  virtual Result<DirectoryInfo> Info(const std::string& today);
};

}  // namespace pg
