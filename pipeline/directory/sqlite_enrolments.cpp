// Face descriptor storage of SqliteDirectoryStore (table face_descriptors, schema v2):
// enrolments loaded per model, replaced per student in one transaction, purged with
// secure_delete + VACUUM. Split from sqlite_directory_store.cpp, which owns opening, the
// schema and the students; the class and its thread rules are described in its header.
#include <sqlite3.h>

#include <cstdint>
#include <cstring>

#include "directory/sqlite_directory_store.h"
#include "directory/sqlite_statement.h"

namespace pg {

namespace {

using sqlite::Exec;
using sqlite::SqlError;
using sqlite::Statement;

/// Values in a stored face descriptor (the schema checks 4 bytes each).
constexpr size_t kDescriptorValues = 128;

/// float32 little-endian, whatever the host's byte order.
std::string EncodeDescriptor(const FaceDescriptor& d) {
  std::string out(d.size() * 4, '\0');
  for (size_t i = 0; i < d.size(); ++i) {
    std::uint32_t u;
    std::memcpy(&u, &d[i], 4);
    for (int b = 0; b < 4; ++b) out[i * 4 + b] = static_cast<char>((u >> (8 * b)) & 0xff);
  }
  return out;
}

FaceDescriptor DecodeDescriptor(const unsigned char* p, size_t n) {
  FaceDescriptor d(n / 4);
  for (size_t i = 0; i < d.size(); ++i) {
    std::uint32_t u = 0;
    for (int b = 0; b < 4; ++b) u |= static_cast<std::uint32_t>(p[i * 4 + b]) << (8 * b);
    std::memcpy(&d[i], &u, 4);
  }
  return d;
}

/// A raw prepared statement, for the BLOB columns the Statement helper does not bind.
using RawStatement = std::unique_ptr<sqlite3_stmt, sqlite::StmtFinalizer>;

Result<RawStatement> PrepareRaw(sqlite3* db, const std::string& path, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  RawStatement st(raw);
  if (rc != SQLITE_OK) return SqlError(db, rc, path, std::string("preparing \"") + sql + "\"");
  return st;
}

std::string ColumnText(sqlite3_stmt* st, int col) {
  const unsigned char* t = sqlite3_column_text(st, col);
  return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t),
                                                    sqlite3_column_bytes(st, col));
}

void BindText(sqlite3_stmt* st, int index, const std::string& text) {
  sqlite3_bind_text(st, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace

Result<std::vector<Enrolment>> SqliteDirectoryStore::AllEnrolments() { return LoadEnrolments(""); }

Result<std::vector<Enrolment>> SqliteDirectoryStore::LoadEnrolments(const std::string& model_id) {
  std::vector<Enrolment> out;
  if (!has_descriptor_table_) return out;
  sqlite3* db = db_.get();
  auto q = PrepareRaw(db, path_,
      "SELECT student_id, photo_path, photo_sha256, photo_date, model_id, descriptor, enrolled_at,"
      " expires_at FROM face_descriptors WHERE ?1 = '' OR model_id = ?1"
      " ORDER BY student_id, photo_path, id");
  if (!q.ok()) return q.status();
  sqlite3_stmt* st = q->get();
  BindText(st, 1, model_id);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    Enrolment e;
    e.student_id = ColumnText(st, 0);
    e.photo_path = ColumnText(st, 1);
    e.photo_sha256 = ColumnText(st, 2);
    e.photo_date = ColumnText(st, 3);
    e.model_id = ColumnText(st, 4);
    const void* blob = sqlite3_column_blob(st, 5);
    const size_t n = static_cast<size_t>(sqlite3_column_bytes(st, 5));
    if (blob == nullptr || n != kDescriptorValues * 4) {
      return Status::BadData("directory database " + path_ + ": the face descriptor of student " +
                             e.student_id + " (" + e.photo_path + ") is " + std::to_string(n) +
                             " bytes, not " + std::to_string(kDescriptorValues * 4));
    }
    e.descriptor = DecodeDescriptor(static_cast<const unsigned char*>(blob), n);
    e.enrolled_at = ColumnText(st, 6);
    e.expires_at = ColumnText(st, 7);
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return SqlError(db, rc, path_, "reading face descriptors");
  return out;
}

Status SqliteDirectoryStore::ReplaceEnrolments(const std::string& student_id,
                                               const std::vector<Enrolment>& enrolments) {
  for (const Enrolment& e : enrolments) {
    if (e.student_id != student_id || e.descriptor.size() != kDescriptorValues || e.model_id.empty()) {
      return Status::Internal("face descriptor for student " + e.student_id + " (" + e.photo_path +
                              ") cannot be stored under " + student_id + ": " +
                              std::to_string(e.descriptor.size()) + " values, model '" + e.model_id + "'");
    }
  }
  sqlite3* db = db_.get();
  if (Status s = Exec(db, path_, "BEGIN IMMEDIATE", "starting a transaction"); !s.ok()) return s;
  auto body = [&]() -> Status {
    if (Status s = RequireStudent(student_id); !s.ok()) return s;
    auto del = Statement::Prepare(db, path_, "DELETE FROM face_descriptors WHERE student_id = ?1");
    if (!del.ok()) return del.status();
    if (Status s = del->Bind(1, student_id).Run("deleting the face descriptors of " + student_id);
        !s.ok()) {
      return s;
    }
    auto ins = PrepareRaw(db, path_,
        "INSERT INTO face_descriptors (student_id, photo_path, photo_sha256, photo_date, model_id,"
        " descriptor, enrolled_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!ins.ok()) return ins.status();
    sqlite3_stmt* st = ins->get();
    for (const Enrolment& e : enrolments) {
      const std::string blob = EncodeDescriptor(e.descriptor);
      BindText(st, 1, e.student_id);
      BindText(st, 2, e.photo_path);
      BindText(st, 3, e.photo_sha256);
      BindText(st, 4, e.photo_date);
      BindText(st, 5, e.model_id);
      sqlite3_bind_blob(st, 6, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
      BindText(st, 7, e.enrolled_at);
      BindText(st, 8, e.expires_at);
      int rc = sqlite3_step(st);
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
      if (rc != SQLITE_DONE) {
        return SqlError(db, rc, path_, "storing a face descriptor of " + student_id);
      }
    }
    return Status::Ok();
  };
  Status s = body();
  if (s.ok()) s = Exec(db, path_, "COMMIT", "committing");
  if (!s.ok()) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return s;
}

Result<int> SqliteDirectoryStore::DeleteAndVacuum(const char* sql, const std::string* student_id,
                                                  const std::string& what) {
  sqlite3* db = db_.get();
  auto del = Statement::Prepare(db, path_, sql);
  if (!del.ok()) return del.status();
  if (student_id != nullptr) del->Bind(1, *student_id);
  if (Status s = del->Run(what); !s.ok()) return s;
  const int deleted = sqlite3_changes(db);
  // secure_delete already overwrites the rows; VACUUM also drops the freed pages.
  if (Status s = Exec(db, path_, "VACUUM", "compacting the purged database"); !s.ok()) return s;
  return deleted;
}

Result<int> SqliteDirectoryStore::PurgeEnrolments() {
  if (!has_descriptor_table_) return 0;
  return DeleteAndVacuum("DELETE FROM face_descriptors", nullptr, "purging face descriptors");
}

Result<int> SqliteDirectoryStore::PurgeStudentEnrolments(const std::string& student_id) {
  if (Status s = RequireStudent(student_id); !s.ok()) return s;
  if (!has_descriptor_table_) return 0;
  return DeleteAndVacuum("DELETE FROM face_descriptors WHERE student_id = ?1", &student_id,
                         "purging the face descriptors of " + student_id);
}

Result<int> SqliteDirectoryStore::CountEnrolments() {
  if (!has_descriptor_table_) return 0;
  auto q = Statement::Prepare(db_.get(), path_, "SELECT count(*) FROM face_descriptors");
  if (!q.ok()) return q.status();
  bool row = false;
  Status error;
  if (!q->Step(&row, &error, "counting face descriptors")) return error;
  return row ? q->Int(0) : 0;
}

}  // namespace pg
