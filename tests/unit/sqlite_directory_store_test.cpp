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

Enrolment Descriptor(const std::string& id, const std::string& photo, float seed,
                     const std::string& model = "model-a") {
  Enrolment e;
  e.student_id = id;
  e.photo_path = photo;
  e.photo_sha256 = std::string(64, 'f');
  e.photo_date = "2026-09-01";
  e.model_id = model;
  e.descriptor.resize(128);
  for (size_t i = 0; i < 128; ++i) e.descriptor[i] = seed * static_cast<float>(i) - 0.123456f;
  e.enrolled_at = "2026-09-02T08:00:00Z";
  e.expires_at = "2027-06-30";
  return e;
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int CountRows(const std::string& path, const char* table) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  std::string sql = std::string("SELECT count(*) FROM ") + table;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  int n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

TEST_CASE("face descriptors round-trip bit for bit, filtered by model", "[directory][enrolment]") {
  TempDir tmp;
  const std::string path = tmp / "directory.db";
  {
    auto store = MustOpen(path, true);
    REQUIRE(store->UpsertStudents({Make("S1", "Maya", "Okafor"), Make("S2", "Ana", "Lee")}).ok());
    REQUIRE(store->ReplaceEnrolments("S1", {Descriptor("S1", "/p/b.jpg", 0.5f),
                                            Descriptor("S1", "/p/a.jpg", -1.25f)}).ok());
    REQUIRE(store->ReplaceEnrolments("S2", {Descriptor("S2", "/p/c.jpg", 3e-7f, "model-b")}).ok());
  }
  auto store = MustOpen(path, false);
  auto all = store->AllEnrolments();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  const Enrolment& first = (*all)[0];
  CHECK(first.student_id == "S1");
  CHECK(first.photo_path == "/p/a.jpg");  // ordered by student, then photo
  CHECK(first.descriptor == Descriptor("S1", "/p/a.jpg", -1.25f).descriptor);
  CHECK(first.photo_sha256 == std::string(64, 'f'));
  CHECK(first.photo_date == "2026-09-01");
  CHECK(first.model_id == "model-a");
  CHECK(first.enrolled_at == "2026-09-02T08:00:00Z");
  CHECK(first.expires_at == "2027-06-30");
  CHECK((*all)[2].descriptor == Descriptor("S2", "/p/c.jpg", 3e-7f).descriptor);
  auto only_a = store->LoadEnrolments("model-a");
  REQUIRE(only_a.ok());
  CHECK(only_a->size() == 2);
  auto count = store->CountEnrolments();
  REQUIRE(count.ok());
  CHECK(*count == 3);
}

TEST_CASE("descriptors are stored as 128 little-endian float32 values", "[directory][enrolment]") {
  TempDir tmp;
  const std::string path = tmp / "directory.db";
  auto store = MustOpen(path, true);
  REQUIRE(store->UpsertStudents({Make("S1", "Maya", "Okafor")}).ok());
  Enrolment e = Descriptor("S1", "/p/a.jpg", 0.0f);
  e.descriptor.assign(128, 0.0f);
  e.descriptor[0] = 1.0f;  // 0x3f800000
  REQUIRE(store->ReplaceEnrolments("S1", {e}).ok());
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT descriptor FROM face_descriptors", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  REQUIRE(sqlite3_column_bytes(st, 0) == 512);
  const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(st, 0));
  CHECK((b[0] == 0x00 && b[1] == 0x00 && b[2] == 0x80 && b[3] == 0x3f));
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_CASE("re-enrolling a student replaces only that student's descriptors", "[directory][enrolment]") {
  TempDir tmp;
  auto store = MustOpen(tmp / "directory.db", true);
  REQUIRE(store->UpsertStudents({Make("S1", "Maya", "Okafor"), Make("S2", "Ana", "Lee")}).ok());
  REQUIRE(store->ReplaceEnrolments("S1", {Descriptor("S1", "/p/old1.jpg", 1), Descriptor("S1", "/p/old2.jpg", 2)}).ok());
  REQUIRE(store->ReplaceEnrolments("S2", {Descriptor("S2", "/p/ana.jpg", 3)}).ok());
  REQUIRE(store->ReplaceEnrolments("S1", {Descriptor("S1", "/p/new.jpg", 4, "model-b")}).ok());
  auto all = store->AllEnrolments();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].photo_path == "/p/new.jpg");
  CHECK((*all)[0].model_id == "model-b");
  CHECK((*all)[1].student_id == "S2");
}

TEST_CASE("descriptors of an unknown student, or malformed ones, are refused and nothing is written",
          "[directory][enrolment]") {
  TempDir tmp;
  auto store = MustOpen(tmp / "directory.db", true);
  REQUIRE(store->UpsertStudents({Make("S1", "Maya", "Okafor")}).ok());
  Status unknown = store->ReplaceEnrolments("S9", {Descriptor("S9", "/p/x.jpg", 1)});
  CHECK(unknown.code() == Code::kNotFound);
  CHECK_THAT(unknown.message(), Catch::Contains("S9"));
  Enrolment short_one = Descriptor("S1", "/p/a.jpg", 1);
  short_one.descriptor.resize(64);
  CHECK_FALSE(store->ReplaceEnrolments("S1", {short_one}).ok());
  CHECK_FALSE(store->ReplaceEnrolments("S1", {Descriptor("S2", "/p/a.jpg", 1)}).ok());
  auto count = store->CountEnrolments();
  REQUIRE(count.ok());
  CHECK(*count == 0);
}

TEST_CASE("purging descriptors: all, or one student's, students stay, no trace in the file",
          "[directory][enrolment]") {
  TempDir tmp;
  const std::string path = tmp / "directory.db";
  auto store = MustOpen(path, true);
  REQUIRE(store->UpsertStudents({Make("S1", "Maya", "Okafor"), Make("S2", "Ana", "Lee")}).ok());
  Enrolment maya = Descriptor("S1", "/photos/qwertzuiopmaya.jpg", 0.731f);
  REQUIRE(store->ReplaceEnrolments("S1", {maya}).ok());
  REQUIRE(store->ReplaceEnrolments("S2", {Descriptor("S2", "/photos/qwertzuiopana.jpg", 0.5f)}).ok());
  const std::string blob(reinterpret_cast<const char*>(maya.descriptor.data()), 64);

  auto one = store->PurgeStudentEnrolments("S1");
  REQUIRE(one.ok());
  CHECK(*one == 1);
  CHECK(store->PurgeStudentEnrolments("S9").status().code() == Code::kNotFound);
  auto left = store->AllEnrolments();
  REQUIRE(left.ok());
  REQUIRE(left->size() == 1);
  CHECK((*left)[0].student_id == "S2");
  std::string bytes = FileBytes(path);
  CHECK(bytes.find("qwertzuiopmaya") == std::string::npos);
  CHECK(bytes.find(blob) == std::string::npos);
  CHECK(bytes.find("qwertzuiopana") != std::string::npos);  // the check can see what is there

  auto all = store->PurgeEnrolments();
  REQUIRE(all.ok());
  CHECK(*all == 1);
  CHECK(FileBytes(path).find("qwertzuiopana") == std::string::npos);
  auto students = store->CountStudents();
  REQUIRE(students.ok());
  CHECK(*students == 2);
  CHECK(ModeOf(path) == 0600);
}

TEST_CASE("purge and student deletion take the descriptors with them", "[directory][enrolment]") {
  TempDir tmp;
  const std::string path = tmp / "directory.db";
  auto store = MustOpen(path, true);
  REQUIRE(store->UpsertStudents({Make("S1", "Maya", "Okafor"), Make("S2", "Ana", "Lee")}).ok());
  REQUIRE(store->ReplaceEnrolments("S1", {Descriptor("S1", "/p/m.jpg", 1)}).ok());
  REQUIRE(store->ReplaceEnrolments("S2", {Descriptor("S2", "/p/a.jpg", 2)}).ok());
  REQUIRE(store->DeleteStudentsNotIn({"S2"}).ok());
  CHECK(CountRows(path, "face_descriptors") == 1);
  REQUIRE(store->Purge().ok());
  CHECK(CountRows(path, "face_descriptors") == 0);
  CHECK(FileBytes(path).find("/p/a.jpg") == std::string::npos);
}

TEST_CASE("a version-1 directory is migrated to version 2 on open, keeping its students",
          "[directory][enrolment]") {
  TempDir tmp;
  const std::string path = tmp / "v1.db";
  RawSql(path,
         "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
         "INSERT INTO meta VALUES ('schema_version', '1');"
         "CREATE TABLE students (student_id TEXT PRIMARY KEY NOT NULL, first_name TEXT NOT NULL,"
         " last_name TEXT NOT NULL, preferred_name TEXT NOT NULL DEFAULT '', grade TEXT NOT NULL"
         " DEFAULT '', school TEXT NOT NULL DEFAULT '', photo_opt_out INTEGER NOT NULL,"
         " name_photo_permission TEXT NOT NULL DEFAULT 'none', permission_school_year TEXT NOT NULL"
         " DEFAULT '', imported_at TEXT NOT NULL);"
         "CREATE TABLE reference_photos (student_id TEXT NOT NULL REFERENCES students (student_id)"
         " ON DELETE CASCADE, path TEXT NOT NULL, PRIMARY KEY (student_id, path));"
         "INSERT INTO students (student_id, first_name, last_name, photo_opt_out, imported_at)"
         " VALUES ('S1', 'Maya', 'Okafor', 1, '2026-09-01T00:00:00Z');");
  {
    auto store = MustOpen(path, false);
    auto all = store->AllStudents();
    REQUIRE(all.ok());
    REQUIRE(all->size() == 1);
    CHECK((*all)[0].photo_opt_out);
    auto none = store->AllEnrolments();
    REQUIRE(none.ok());
    CHECK(none->empty());
    REQUIRE(store->ReplaceEnrolments("S1", {Descriptor("S1", "/p/m.jpg", 1)}).ok());
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                             nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "2");
  sqlite3_finalize(st);
  sqlite3_close(db);
  CHECK(CountRows(path, "face_descriptors") == 1);
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
