#include "directory/student.h"

#include <cctype>

namespace pg {

const char* PermissionName(NamePhotoPermission p) {
  switch (p) {
    case NamePhotoPermission::kNone: return "none";
    case NamePhotoPermission::kStudent: return "student";
    case NamePhotoPermission::kParent: return "parent";
    case NamePhotoPermission::kStudentAndParent: return "student+parent";
  }
  return "none";
}

bool ParsePermission(const std::string& s, NamePhotoPermission* out) {
  // Lower-case and drop spaces, so "Student + Parent" reads as "student+parent".
  std::string t;
  for (char c : s) {
    if (c == ' ' || c == '\t') continue;
    t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  NamePhotoPermission p;
  if (t == "none") {
    p = NamePhotoPermission::kNone;
  } else if (t == "student") {
    p = NamePhotoPermission::kStudent;
  } else if (t == "parent") {
    p = NamePhotoPermission::kParent;
  } else if (t == "student+parent" || t == "parent+student" || t == "both") {
    p = NamePhotoPermission::kStudentAndParent;
  } else {
    return false;
  }
  if (out != nullptr) *out = p;
  return true;
}

std::string DescribeDirectory(const DirectoryInfo& i) {
  std::string out = (i.location.empty() ? std::string("(in memory)") : i.location) + ": " +
                    std::to_string(i.students) + " student(s) (" + std::to_string(i.opted_out) +
                    " opted out), " + std::to_string(i.enrolled) + " enrolled, " +
                    std::to_string(i.stale) + " stale";
  if (!i.imported_at.empty()) out += "; imported " + i.imported_at;
  if (!i.import_file.empty()) out += " from " + i.import_file;
  if (!i.import_sha256.empty()) out += " (sha256 " + i.import_sha256 + ")";
  return out;
}

Result<DirectoryInfo> DirectoryStore::Info(const std::string& /*today*/) {
  auto all = AllStudents();
  if (!all.ok()) return all.status();
  DirectoryInfo info;
  info.students = static_cast<int>(all->size());
  for (const auto& s : *all) info.opted_out += s.photo_opt_out ? 1 : 0;
  return info;
}

}  // namespace pg
