// FakeDirectoryStore: an in-memory directory, with a failure switch.
#pragma once

#include "directory/student.h"

namespace pg::testing {

class FakeDirectoryStore : public DirectoryStore {
 public:
  std::vector<Student> students;
  bool fail = false;

  Result<std::vector<Student>> AllStudents() override {
    if (fail) return Status::IoError("fake directory failure");
    return students;
  }

  static Student Make(const std::string& id, const std::string& first, const std::string& last,
                      bool opt_out = false,
                      NamePhotoPermission perm = NamePhotoPermission::kNone,
                      const std::string& year = "") {
    Student s;
    s.student_id = id;
    s.first_name = first;
    s.last_name = last;
    s.photo_opt_out = opt_out;
    s.name_photo_permission = perm;
    s.permission_school_year = year;
    return s;
  }
};

}  // namespace pg::testing
