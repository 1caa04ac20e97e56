// SQLite helpers for the directory store: a RAII prepared statement with bound
// parameters, and the translation of SQLite result codes into a Status that names the
// database file and the operation. Header-only; include it only from .cpp files that
// talk to SQLite. A Statement belongs to one connection and one thread.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "core/status.h"

namespace pg {
namespace sqlite {

/// Turns a SQLite failure into a Status naming the database and the operation.
inline Status SqlError(sqlite3* db, int rc, const std::string& path, const std::string& what) {
  std::string msg = "directory database " + path + ": " + what + " failed: " +
                    (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_CONSTRAINT:
      return Status::BadData(msg);
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_AUTH:
      return Status::IoError(msg);
    default:
      return Status::Internal(msg);
  }
}

struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

/// A prepared statement (RAII: finalized on destruction). Bind errors are remembered
/// and reported by the next Step/Run.
class Statement {
 public:
  /// Prepares `sql` on `db`. REQUIRES: `path` (used in error messages) outlives the
  /// statement.
  static Result<Statement> Prepare(sqlite3* db, const std::string& path, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    Statement st(db, path, raw);
    if (rc != SQLITE_OK) return SqlError(db, rc, path, std::string("preparing \"") + sql + "\"");
    return st;
  }
  /// Binds parameter ?index (1-based); chainable.
  Statement& Bind(int index, const std::string& text) {
    Note(sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                           SQLITE_TRANSIENT));
    return *this;
  }
  Statement& Bind(int index, int value) {
    Note(sqlite3_bind_int(stmt_.get(), index, value));
    return *this;
  }
  /// Steps once: true with *row set on SQLITE_ROW / SQLITE_DONE, false with *error set
  /// otherwise.
  bool Step(bool* row, Status* error, const std::string& what) {
    int rc = bind_rc_ != SQLITE_OK ? bind_rc_ : sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
      *row = rc == SQLITE_ROW;
      return true;
    }
    *error = SqlError(db_, rc, *path_, what);
    return false;
  }
  /// Runs a statement that returns no rows, then resets it for reuse.
  Status Run(const std::string& what) {
    bool row = false;
    Status error;
    bool ok = Step(&row, &error, what);
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
    bind_rc_ = SQLITE_OK;
    return ok ? Status::Ok() : error;
  }
  std::string Text(int col) const {
    const unsigned char* t = sqlite3_column_text(stmt_.get(), col);
    int n = sqlite3_column_bytes(stmt_.get(), col);
    return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t), n);
  }
  int Int(int col) const { return sqlite3_column_int(stmt_.get(), col); }

 private:
  Statement(sqlite3* db, const std::string& path, sqlite3_stmt* s)
      : db_(db), path_(&path), stmt_(s) {}
  void Note(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }
  sqlite3* db_;
  const std::string* path_;
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt_;
  int bind_rc_ = SQLITE_OK;
};

/// Runs one or more SQL statements without parameters (pragmas, BEGIN/COMMIT, schema).
inline Status Exec(sqlite3* db, const std::string& path, const char* sql, const std::string& what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : SqlError(db, rc, path, what);
}

}  // namespace sqlite
}  // namespace pg
