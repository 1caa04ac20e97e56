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

}  // namespace pg
