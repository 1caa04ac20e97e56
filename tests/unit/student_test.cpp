#include "directory/student.h"

#include <catch2/catch.hpp>

namespace pg {
namespace {

TEST_CASE("permission names round-trip through ParsePermission", "[student]") {
  for (auto p : {NamePhotoPermission::kNone, NamePhotoPermission::kStudent,
                 NamePhotoPermission::kParent, NamePhotoPermission::kStudentAndParent}) {
    NamePhotoPermission back = NamePhotoPermission::kNone;
    REQUIRE(ParsePermission(PermissionName(p), &back));
    CHECK(back == p);
  }
  CHECK(std::string(PermissionName(NamePhotoPermission::kStudentAndParent)) == "student+parent");
}

TEST_CASE("permission parsing accepts case and spelling variants of both", "[student]") {
  NamePhotoPermission p = NamePhotoPermission::kNone;
  CHECK(ParsePermission("Student + Parent", &p));
  CHECK(p == NamePhotoPermission::kStudentAndParent);
  p = NamePhotoPermission::kNone;
  CHECK(ParsePermission("parent+student", &p));
  CHECK(p == NamePhotoPermission::kStudentAndParent);
  p = NamePhotoPermission::kNone;
  CHECK(ParsePermission("BOTH", &p));
  CHECK(p == NamePhotoPermission::kStudentAndParent);
  CHECK(ParsePermission("PARENT", &p));
  CHECK(p == NamePhotoPermission::kParent);
}

TEST_CASE("unknown permission values are refused and leave the output alone", "[student]") {
  NamePhotoPermission p = NamePhotoPermission::kParent;
  CHECK_FALSE(ParsePermission("yes", &p));
  CHECK_FALSE(ParsePermission("", &p));
  CHECK_FALSE(ParsePermission("student+teacher", &p));
  CHECK(p == NamePhotoPermission::kParent);
}

}  // namespace
}  // namespace pg
