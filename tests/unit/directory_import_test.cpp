#include "directory/directory_import.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/sha256.h"
#include "fakes/memory_file_system.h"
#include "test_util.h"

namespace pg {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

constexpr const char* kCsvPath = "/district/exports/students.csv";

/// An in-memory CSV plus a real store in a temporary folder.
struct Fixture {
  TempDir tmp;
  MemoryFileSystem files;
  std::unique_ptr<SqliteDirectoryStore> store;

  Fixture() {
    auto s = SqliteDirectoryStore::Open(tmp / "directory.db", true);
    REQUIRE(s.ok());
    store = std::move(*s);
  }
  Result<ImportReport> Import(const std::string& csv, ImportOptions options = {},
                              const std::map<std::string, std::string>& map = {}) {
    files.AddFile(kCsvPath, csv);
    return ImportDirectoryCsv(files, kCsvPath, map, *store, options);
  }
  ImportReport MustImport(const std::string& csv, ImportOptions options = {},
                          const std::map<std::string, std::string>& map = {}) {
    auto report = Import(csv, options, map);
    INFO(report.status().ToString());
    REQUIRE(report.ok());
    return *report;
  }
  std::vector<Student> All() {
    auto all = store->AllStudents();
    REQUIRE(all.ok());
    return *all;
  }
};

const char* kCanonical =
    "student_id,first_name,last_name,preferred_name,grade,school,photo_opt_out,"
    "name_photo_permission,permission_school_year,reference_photos\n"
    "S1001,Maya,Okafor,,3,Lincoln Elementary,Y,none,,\n"
    "S1002,Lucas,Ferreira,Luke,4,Lincoln Elementary,no,none,,\n"
    "S1003,Sofía,Núñez,,5,Lincoln Elementary,FALSE,Student+Parent,2026-27,\n"
    "S1004,Ethan,Park,,5,Lincoln Elementary,0,both,2025-26,\n";

TEST_CASE("a canonical CSV loads every row with its values", "[directory_import]") {
  Fixture f;
  ImportReport report = f.MustImport(kCanonical);
  CHECK(report.rows_loaded == 4);
  CHECK(report.rejected.empty());
  CHECK(report.warnings.empty());
  auto all = f.All();
  REQUIRE(all.size() == 4);
  CHECK(all[0].student_id == "S1001");
  CHECK(all[0].photo_opt_out);
  CHECK(all[0].school == "Lincoln Elementary");
  CHECK(all[1].preferred_name == "Luke");
  CHECK_FALSE(all[1].photo_opt_out);
  CHECK(all[2].first_name == "Sofía");
  CHECK(all[2].last_name == "Núñez");
  CHECK(all[2].name_photo_permission == NamePhotoPermission::kStudentAndParent);
  CHECK(all[2].permission_school_year == "2026-27");
  CHECK(all[3].name_photo_permission == NamePhotoPermission::kStudentAndParent);
  CHECK(all[3].permission_school_year == "2025-26");
  CHECK(all[3].grade == "5");
}

TEST_CASE("a PowerSchool-style export loads through the column map", "[directory_import]") {
  Fixture f;
  const std::string csv =
      "\xEF\xBB\xBF\"Student ID\",\"First Name\",\"Last Name\",\"Grade Level\",\"Media Release Opt Out\","
      "\"Home Room\"\r\n"
      "\"104233\",\"Maya\",\"Okafor\",\"3\",\"Yes\",\"Rm 12\"\r\n"
      "\"104234\",\"Lucas\",\"Ferreira\",\"4\",\"No\",\"Rm 14\"\r\n";
  ImportReport report = f.MustImport(csv, {},
                                     {{"student_id", "Student ID"},
                                      {"first_name", "First Name"},
                                      {"last_name", "last name"},
                                      {"grade", "Grade Level"},
                                      {"photo_opt_out", "Media Release Opt Out"}});
  CHECK(report.rows_loaded == 2);
  CHECK(report.rejected.empty());
  auto all = f.All();
  REQUIRE(all.size() == 2);
  CHECK(all[0].student_id == "104233");
  CHECK(all[0].last_name == "Okafor");
  CHECK(all[0].grade == "3");
  CHECK(all[0].photo_opt_out);
  CHECK(all[1].name_photo_permission == NamePhotoPermission::kNone);  // column absent: none
}

TEST_CASE("with skip_bad_rows, bad rows are reported with line and reason while good rows load",
          "[directory_import]") {
  Fixture f;
  const std::string csv =
      "student_id,first_name,last_name,photo_opt_out,name_photo_permission,permission_school_year\n"
      "S1,Maya,Okafor,Y,,\n"                                  // line 2: good
      "S2,Lucas,Ferreira,maybe,,\n"                           // line 3: bad Y/N
      "\n"                                                    // line 4: blank, skipped
      "S3,Sofia,\"Nunez\nJr\",N,teacher,2026-27\n"            // lines 5-6: bad permission
      "S4,Ethan,Park,N,parent,2026-28\n"                      // line 7: bad year
      "S5,,Lee,N,student,2026-27\n";                          // line 8: empty first name
  ImportReport report = f.MustImport(csv, {.replace = false, .skip_bad_rows = true});
  CHECK(report.rows_loaded == 1);
  REQUIRE(report.rejected.size() == 4);
  CHECK(report.rejected[0] == "line 3: photo_opt_out must be Y or N, got 'maybe'");
  CHECK(report.rejected[1] ==
        "line 5: name_photo_permission must be none, student, parent or student+parent, got 'teacher'");
  CHECK(report.rejected[2] ==
        "line 7: permission_school_year must be a school year like 2026-27, got '2026-28'");
  CHECK(report.rejected[3] == "line 8: first_name is empty");
}

TEST_CASE("three bad rows among five, skipped: two load, three are reported exactly",
          "[directory_import]") {
  Fixture f;
  const std::string csv =
      "student_id,first_name,last_name,photo_opt_out\n"
      "S1,Maya,Okafor,Y\n"
      ",Lucas,Ferreira,N\n"
      "S3,Sofia,Nunez\n"
      "S4,Ethan,Park,N\n"
      "S5,Ann,,\n";
  ImportReport report = f.MustImport(csv, {.replace = false, .skip_bad_rows = true});
  CHECK(report.rows_loaded == 2);
  CHECK(report.rejected == std::vector<std::string>{
                               "line 3: student_id is empty",
                               "line 4: expected 4 fields, found 3",
                               "line 6: last_name is empty; photo_opt_out is empty (must be Y or N)"});
  auto all = f.All();
  REQUIRE(all.size() == 2);
  CHECK(all[0].student_id == "S1");
  CHECK(all[1].student_id == "S4");
}

TEST_CASE("a student_id twice in the file: the first row loads, the second is rejected",
          "[directory_import]") {
  Fixture f;
  ImportReport report = f.MustImport(
      "student_id,first_name,last_name,photo_opt_out\n"
      "S1,Maya,Okafor,Y\n"
      "S2,Ethan,Park,N\n"
      "S1,Maya,Okafor,N\n",
      {.replace = false, .skip_bad_rows = true});
  CHECK(report.rows_loaded == 2);
  CHECK(report.rejected == std::vector<std::string>{"line 4: duplicate student_id 'S1' (first on line 2)"});
  auto all = f.All();
  REQUIRE(all.size() == 2);
  CHECK(all[0].photo_opt_out);
}

TEST_CASE("reference photos are resolved against the CSV's folder", "[directory_import]") {
  Fixture f;
  ImportReport report = f.MustImport(
      "student_id,first_name,last_name,photo_opt_out,reference_photos\n"
      "S1,Maya,Okafor,Y,photos/maya-1.jpg; ./photos/../photos/maya-2.jpg ;../shared/maya.png;"
      "/srv/ref/maya.jpg;\n"
      "S2,Ethan,Park,N,\n");
  CHECK(report.rows_loaded == 2);
  auto all = f.All();
  REQUIRE(all.size() == 2);
  CHECK(all[0].reference_photos == std::vector<std::string>{
                                       "/district/exports/photos/maya-1.jpg",
                                       "/district/exports/photos/maya-2.jpg",
                                       "/district/shared/maya.png",
                                       "/srv/ref/maya.jpg"});
  CHECK(all[1].reference_photos.empty());
}

TEST_CASE("replace removes students absent from the file but keeps rejected ones",
          "[directory_import]") {
  Fixture f;
  f.MustImport(kCanonical);  // S1001..S1004
  ImportReport report = f.MustImport(
      "student_id,first_name,last_name,photo_opt_out\n"
      "S1001,Maya,Okafor,Y\n"
      "S1003,Sofia,Nunez,perhaps\n"   // rejected: the existing S1003 stays as it was
      "S1005,Ava,Chen,N\n",
      {.replace = true, .skip_bad_rows = true});
  CHECK(report.rows_loaded == 2);
  CHECK(report.students_removed == 2);  // S1002, S1004
  REQUIRE(report.rejected.size() == 1);
  auto all = f.All();
  REQUIRE(all.size() == 3);
  CHECK(all[0].student_id == "S1001");
  CHECK(all[1].student_id == "S1003");
  CHECK(all[1].first_name == "Sofía");  // untouched
  CHECK(all[2].student_id == "S1005");
}

TEST_CASE("without replace, students absent from the file stay", "[directory_import]") {
  Fixture f;
  f.MustImport(kCanonical);
  f.MustImport("student_id,first_name,last_name,photo_opt_out\nS1005,Ava,Chen,N\n");
  CHECK(f.All().size() == 5);
}

TEST_CASE("replace with no loadable row is refused and the directory kept", "[directory_import]") {
  Fixture f;
  f.MustImport(kCanonical);
  auto report = f.Import("student_id,first_name,last_name,photo_opt_out\nS9,,X,Y\n",
                         {.replace = true, .skip_bad_rows = true});
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Code::kBadData);
  CHECK(report.status().message().find("refusing to --replace") != std::string::npos);
  CHECK(f.All().size() == 4);
}

TEST_CASE("a missing required column is BadData listing it and the headers found",
          "[directory_import]") {
  Fixture f;
  auto report = f.Import("Student ID,first_name,Surname\nS1,Maya,Okafor\n");
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Code::kBadData);
  CHECK(report.status().message() ==
        std::string(kCsvPath) +
            ": missing column(s) student_id, last_name, photo_opt_out; the header has "
            "'Student ID', 'first_name', 'Surname' (name other headers with --map canonical=Header)");
  CHECK(f.All().empty());
}

TEST_CASE("a mapped column that is not in the file is named in the error", "[directory_import]") {
  Fixture f;
  auto report = f.Import("student_id,first_name,last_name,photo_opt_out\nS1,Maya,Okafor,Y\n", {},
                         {{"grade", "Grade Level"}});
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Code::kBadData);
  CHECK(report.status().message().find("grade (mapped to 'Grade Level')") != std::string::npos);
}

TEST_CASE("one bad row stops the whole import: nothing is written and every bad row is listed",
          "[directory_import]") {
  Fixture f;
  f.MustImport(kCanonical);  // S1001..S1004
  for (bool replace : {false, true}) {
    ImportReport report = f.MustImport(
        "student_id,first_name,last_name,photo_opt_out\n"
        "S1001,Maya,Okafor,N\n"        // would lift Maya's opt-out
        "S1006,Noa,Levi,perhaps\n"     // a new student whose opt-out cannot be read
        "S1007,,Ito,Y\n",
        {.replace = replace});
    INFO("replace " << replace);
    CHECK_FALSE(report.written);
    CHECK(report.rows_loaded == 0);
    CHECK(report.rejected == std::vector<std::string>{
                                 "line 3: photo_opt_out must be Y or N, got 'perhaps'",
                                 "line 4: first_name is empty"});
    auto all = f.All();
    REQUIRE(all.size() == 4);
    CHECK(all[0].photo_opt_out);  // S1001 untouched
  }
}

TEST_CASE("a CSV with a header and no student row is refused", "[directory_import]") {
  Fixture f;
  f.MustImport(kCanonical);
  auto report = f.Import("student_id,first_name,last_name,photo_opt_out\n\n");
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Code::kBadData);
  CHECK(report.status().message() == std::string(kCsvPath) +
                                         ": no student rows, only the header; an empty directory "
                                         "would check nothing");
  CHECK(f.All().size() == 4);
}

TEST_CASE("an import records its file and SHA-256, and Info counts what the directory holds",
          "[directory_import]") {
  Fixture f;
  f.MustImport(kCanonical);
  auto info = f.store->Info("2026-12-04");
  REQUIRE(info.ok());
  CHECK(info->location == f.tmp / "directory.db");
  CHECK(info->students == 4);
  CHECK(info->opted_out == 1);
  CHECK(info->enrolled == 0);
  CHECK(info->stale == 0);
  CHECK(info->import_file == kCsvPath);
  CHECK(info->import_sha256 == Sha256Hex(Bytes(kCanonical, kCanonical + std::strlen(kCanonical))));
  CHECK(info->imported_at.size() == std::string("2026-12-04T15:36:22Z").size());
  CHECK_THAT(DescribeDirectory(*info),
             Catch::StartsWith(f.tmp / "directory.db" + ": 4 student(s) (1 opted out), 0 enrolled, 0 stale; imported "));
}

/// The bytes of a file ("" when absent).
std::string FileText(const std::string& path) {
  return fs::exists(path) ? testing::ReadText(path) : std::string();
}

TEST_CASE("a failed file import leaves the previous database byte for byte, or none",
          "[directory_import]") {
  TempDir tmp;
  MemoryFileSystem files;
  const std::string db = tmp / "dir.db";
  auto import = [&](const std::string& csv, ImportOptions options = {}) {
    files.AddFile(kCsvPath, csv);
    return ImportDirectoryFile(files, kCsvPath, {}, db, options);
  };
  const std::vector<std::string> failures = {
      "",                                                          // empty file
      "student_id,first_name\nS1,Maya\n",                          // missing columns
      "student_id,first_name,last_name,photo_opt_out\n",           // header only
      std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16),            // binary
      "student_id,first_name,last_name,photo_opt_out\nS1,Maya,Okafor,maybe\n",  // a bad row
  };
  for (const auto& csv : failures) {
    auto r = import(csv);
    CHECK((!r.ok() || !r->written));
    CHECK_FALSE(fs::exists(db));  // no empty database is left to be trusted
  }
  REQUIRE(import(kCanonical).ok());
  const std::string before = FileText(db);
  REQUIRE_FALSE(before.empty());
  for (const auto& csv : failures) {
    auto r = import(csv, {.replace = true});
    CHECK((!r.ok() || !r->written));
    CHECK(FileText(db) == before);
  }
  for (const auto& entry : fs::directory_iterator(tmp.path())) {
    CHECK(entry.path().filename() == "dir.db");  // no copy left behind
  }
  struct stat st {};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto ok = import("student_id,first_name,last_name,photo_opt_out\nS9,Ann,Lee,Y\n", {.replace = true});
  REQUIRE(ok.ok());
  CHECK(ok->written);
  auto store = SqliteDirectoryStore::Open(db, false);
  REQUIRE(store.ok());
  auto all = (*store)->AllStudents();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK((*all)[0].student_id == "S9");
}

TEST_CASE("an unknown canonical name in the column map is a configuration error",
          "[directory_import]") {
  Fixture f;
  auto report = f.Import(kCanonical, {}, {{"surname", "Last Name"}});
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Code::kConfig);
  CHECK(report.status().message().find("unknown column 'surname' in --map") != std::string::npos);
}

TEST_CASE("a missing CSV is NotFound", "[directory_import]") {
  Fixture f;
  auto report = ImportDirectoryCsv(f.files, "/nowhere/students.csv", {}, *f.store, {});
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Code::kNotFound);
  CHECK(report.status().message().find("/nowhere/students.csv") != std::string::npos);
}

TEST_CASE("a CSV that is not UTF-8 is refused with its line", "[directory_import]") {
  Fixture f;
  // "Núñez" in Windows-1252, as Excel's plain "CSV" format saves it.
  auto report = f.Import("student_id,first_name,last_name,photo_opt_out\nS1,Sofia,N\xFA\xF1" "ez,N\n");
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Code::kBadData);
  CHECK(report.status().message().find("line 2 is not valid UTF-8") != std::string::npos);
}

TEST_CASE("a malformed CSV names the file and line", "[directory_import]") {
  Fixture f;
  auto report = f.Import("student_id,first_name,last_name,photo_opt_out\nS1,\"Maya,Okafor,Y\n");
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().message() ==
        std::string(kCsvPath) + ": line 2: unterminated quoted field (a \" opened here never closes)");
}

TEST_CASE("a permission without a school year loads with a warning", "[directory_import]") {
  Fixture f;
  ImportReport report = f.MustImport(
      "student_id,first_name,last_name,photo_opt_out,name_photo_permission\nS1,Maya,Okafor,N,parent\n");
  CHECK(report.rows_loaded == 1);
  CHECK(report.warnings == std::vector<std::string>{
                               "line 2: name_photo_permission 'parent' has no permission_school_year, "
                               "so it counts for no year"});
}

TEST_CASE("the school year must be two consecutive years", "[directory_import]") {
  Fixture f;
  ImportReport report = f.MustImport(
      "student_id,first_name,last_name,photo_opt_out,permission_school_year\n"
      "S1,A,One,N,2099-00\n"
      "S2,B,Two,N,2026/27\n"
      "S3,C,Three,N,26-27\n",
      {.replace = false, .skip_bad_rows = true});
  CHECK(report.rows_loaded == 1);
  CHECK(report.rejected.size() == 2);
}

TEST_CASE("the fictional example directory imports without rejections", "[directory_import]") {
  std::ifstream in(std::string(PG_SOURCE_DIR) + "/optout-data/example/students.csv", std::ios::binary);
  REQUIRE(in.good());
  std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Fixture f;
  ImportReport report = f.MustImport(csv);
  CHECK(report.rows_loaded == 8);
  CHECK(report.rejected.empty());
  CHECK(report.warnings.empty());
  auto all = f.All();
  REQUIRE(all.size() == 8);
  CHECK(all[0].first_name == "Maya");
  CHECK(all[0].photo_opt_out);
  CHECK(all[1].preferred_name == "Luke");
  CHECK(all[2].last_name == "Núñez");
  CHECK(all[2].permission_school_year == "2026-27");
  CHECK(all[3].permission_school_year == "2025-26");
  CHECK(all[5].last_name == "O'Brien");
}

}  // namespace
}  // namespace pg
