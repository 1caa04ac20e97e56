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

/// Read access to the directory. Implementations: SqliteDirectoryStore (real), and a
/// fake in tests. Not required to be thread-safe.
class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;
  /// Every student, ordered by student_id.
  virtual Result<std::vector<Student>> AllStudents() = 0;
};

}  // namespace pg
