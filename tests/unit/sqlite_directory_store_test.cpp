#include "directory/sqlite_directory_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "test_util.h"
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace pg {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

unsigned ModeOf(const std::string& path) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

std::unique_ptr<SqliteDirectoryStore> MustOpen(const std::string& path, bool create) {
  auto store = SqliteDirectoryStore::Open(path, create);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(*store);
}

/// Runs SQL on the file directly, bypassing the store (to set up odd databases).
void RawSql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  std::string msg = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  INFO(msg);
  REQUIRE(rc == SQLITE_OK);
}

Student Make(const std::string& id, const std::string& first, const std::string& last) {
  Student s;
  s.student_id = id;
  s.first_name = first;
  s.last_name = last;
  return s;
}

TEST_CASE("a new directory database is created with mode 0600 in a 0700 folder", "[directory]") {
  TempDir tmp;
  const std::string path = tmp / "private/nested/directory.db";
  auto store = MustOpen(path, true);
  CHECK(ModeOf(path) == 0600);
  CHECK(ModeOf(tmp / "private") == 0700);
  CHECK(ModeOf(tmp / "private/nested") == 0700);
  auto count = store->CountStudents();
  REQUIRE(count.ok());
  CHECK(*count == 0);
}

TEST_CASE("opening a missing database without create is NotFound naming the path", "[directory]") {
  TempDir tmp;
  const std::string path = tmp / "absent.db";
  auto store = SqliteDirectoryStore::Open(path, false);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kNotFound);
  CHECK(store.status().message() ==
        "directory database not found: " + path + " (create it with `publish-gate directory import`)");
  CHECK_FALSE(fs::exists(path));  // nothing was created
}

TEST_CASE("a text file is not a directory database: BadData naming the path", "[directory]") {
  TempDir tmp;
  const std::string path = tmp / "students.csv";
  std::ofstream(path) << "student_id,first_name,last_name\nS1,Maya,Okafor\n";
  for (bool create : {false, true}) {
    auto store = SqliteDirectoryStore::Open(path, create);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == Code::kBadData);
    CHECK(store.status().message().find(path) != std::string::npos);
  }
  // And the file was not touched.
  std::ifstream in(path);
  std::string first_line;
  std::getline(in, first_line);
  CHECK(first_line == "student_id,first_name,last_name");
}

TEST_CASE("a SQLite database of another application is refused", "[directory]") {
  TempDir tmp;
  const std::string path = tmp / "other.db";
  RawSql(path, "CREATE TABLE recipes (name TEXT)");
  auto store = SqliteDirectoryStore::Open(path, true);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kBadData);
  CHECK(store.status().message().find("not a publish-gate student directory") != std::string::npos);
}

TEST_CASE("a database from a newer publish-gate is Unsupported", "[directory]") {
  TempDir tmp;
  const std::string path = tmp / "directory.db";
  MustOpen(path, true).reset();
  RawSql(path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  auto store = SqliteDirectoryStore::Open(path, false);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kUnsupported);
  CHECK(store.status().message().find("schema version 99") != std::string::npos);
}

TEST_CASE("an existing database readable by others is made private on open", "[directory]") {
  TempDir tmp;
  const std::string path = tmp / "directory.db";
  MustOpen(path, true).reset();
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  auto store = MustOpen(path, false);
  CHECK(ModeOf(path) == 0600);
}

TEST_CASE("students round-trip with their reference photos, ordered by id", "[directory]") {
  TempDir tmp;
  const std::string path = tmp / "directory.db";
  {
    auto store = MustOpen(path, true);
    Student b = Make("S1002", "Lucas", "Ferreira");
    b.preferred_name = "Luke";
    b.grade = "4";
    b.school = "Lincoln Elementary";
    b.reference_photos = {"/photos/luke-2.jpg", "/photos/luke-1.jpg"};
    Student a = Make("S1001", "Maya", "Okafor");
    a.photo_opt_out = true;
    a.name_photo_permission = NamePhotoPermission::kStudentAndParent;
    a.permission_school_year = "2026-27";
    REQUIRE(store->UpsertStudents({b, a}).ok());
  }
  auto store = MustOpen(path, false);  // reopened: the data is on disk
  auto all = store->AllStudents();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  const Student& a = (*all)[0];
  const Student& b = (*all)[1];
  CHECK(a.student_id == "S1001");
  CHECK(a.photo_opt_out);
  CHECK(a.name_photo_permission == NamePhotoPermission::kStudentAndParent);
  CHECK(a.permission_school_year == "2026-27");
  CHECK(a.reference_photos.empty());
  CHECK(b.student_id == "S1002");
  CHECK(b.preferred_name == "Luke");
  CHECK(b.grade == "4");
  CHECK(b.school == "Lincoln Elementary");
  CHECK_FALSE(b.photo_opt_out);
  CHECK(b.name_photo_permission == NamePhotoPermission::kNone);
  CHECK(b.reference_photos == std::vector<std::string>{"/photos/luke-1.jpg", "/photos/luke-2.jpg"});
}

TEST_CASE("upserting a known student updates it and replaces its photos", "[directory]") {
  TempDir tmp;
  auto store = MustOpen(tmp / "directory.db", true);
  Student s = Make("S1", "Maya", "Okafor");
  s.reference_photos = {"/old.jpg"};
  REQUIRE(store->UpsertStudents({s}).ok());
  s.photo_opt_out = true;
  s.last_name = "Okafor-Reyes";
  s.reference_photos = {"/new.jpg"};
  REQUIRE(store->UpsertStudents({s}).ok());
  auto all = store->AllStudents();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK((*all)[0].photo_opt_out);
  CHECK((*all)[0].last_name == "Okafor-Reyes");
  CHECK((*all)[0].reference_photos == std::vector<std::string>{"/new.jpg"});
}

TEST_CASE("a failing row writes nothing (one transaction)", "[directory]") {
  TempDir tmp;
  auto store = MustOpen(tmp / "directory.db", true);
  Student good = Make("S1", "Maya", "Okafor");
  Student bad = Make("S2", "", "Nameless");  // the schema refuses empty names
  Status s = store->UpsertStudents({good, bad});
  CHECK(s.code() == Code::kBadData);
  CHECK(s.message().find("S2") != std::string::npos);
  auto count = store->CountStudents();
  REQUIRE(count.ok());
  CHECK(*count == 0);
}

TEST_CASE("DeleteStudentsNotIn removes the others and their photos", "[directory]") {
  TempDir tmp;
  const std::string path = tmp / "directory.db";
  auto store = MustOpen(path, true);
  Student a = Make("S1", "Maya", "Okafor");
  Student b = Make("S2", "Ethan", "Park");
  b.reference_photos = {"/p/ethan.jpg"};
  Student c = Make("S3", "Sofia", "Nunez");
  REQUIRE(store->UpsertStudents({a, b, c}).ok());
  REQUIRE(store->DeleteStudentsNotIn({"S1", "S3", "S9"}).ok());
  auto all = store->AllStudents();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].student_id == "S1");
  CHECK((*all)[1].student_id == "S3");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM reference_photos", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) == 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_CASE("ReplaceStudents leaves exactly the given students plus the kept ones", "[directory]") {
  TempDir tmp;
  auto store = MustOpen(tmp / "directory.db", true);
  REQUIRE(store->UpsertStudents({Make("S1", "A", "One"), Make("S2", "B", "Two"),
                                 Make("S3", "C", "Three")}).ok());
  REQUIRE(store->ReplaceStudents({Make("S4", "D", "Four")}, {"S2"}).ok());
  auto all = store->AllStudents();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].student_id == "S2");
  CHECK((*all)[1].student_id == "S4");
}

TEST_CASE("purge deletes every student and leaves no trace of them in the file", "[directory]") {
  TempDir tmp;
  const std::string path = tmp / "directory.db";
  auto store = MustOpen(path, true);
  Student s = Make("S1001", "Maya", "Zyxwvutsrq");  // a name that cannot appear by chance
  s.reference_photos = {"/photos/zyxwvutsrq.jpg"};
  REQUIRE(store->UpsertStudents({s}).ok());
  REQUIRE(store->Purge().ok());
  auto count = store->CountStudents();
  REQUIRE(count.ok());
  CHECK(*count == 0);
  store.reset();
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(bytes.find("Zyxwvutsrq") == std::string::npos);
  CHECK(bytes.find("zyxwvutsrq") == std::string::npos);
  CHECK(ModeOf(path) == 0600);
}

TEST_CASE("the default database path follows XDG_DATA_HOME, else HOME", "[directory]") {
  auto restore = [](const char* name, const char* old) {
    if (old != nullptr) {
      setenv(name, old, 1);
    } else {
      unsetenv(name);
    }
  };
  const char* old_xdg_raw = std::getenv("XDG_DATA_HOME");
  const char* old_home_raw = std::getenv("HOME");
  std::string old_xdg = old_xdg_raw ? old_xdg_raw : "", old_home = old_home_raw ? old_home_raw : "";
  setenv("HOME", "/home/editor", 1);
  setenv("XDG_DATA_HOME", "/data/xdg", 1);
  CHECK(DefaultDirectoryDbPath() == "/data/xdg/publish-gate/directory.db");
  setenv("XDG_DATA_HOME", "relative/ignored", 1);
  CHECK(DefaultDirectoryDbPath() == "/home/editor/.local/share/publish-gate/directory.db");
  unsetenv("XDG_DATA_HOME");
  CHECK(DefaultDirectoryDbPath() == "/home/editor/.local/share/publish-gate/directory.db");
  restore("XDG_DATA_HOME", old_xdg_raw ? old_xdg.c_str() : nullptr);
  restore("HOME", old_home_raw ? old_home.c_str() : nullptr);
}

}  // namespace
}  // namespace pg
