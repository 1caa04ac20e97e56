// Directory import: loads a student-information-system CSV export into the directory.
//
// In: the CSV (read through FileSystem), an optional mapping from canonical column names
// to the export's own headers (`--map first_name="First Name"`), and an open store.
// Out: an ImportReport. An import is all or nothing: when any row is bad, every bad row is
// listed with its line number and reason and nothing is written (unless skip_bad_rows);
// a file with no student rows is refused. ImportDirectoryFile imports into a copy of the
// database and renames it over the original, so a failed or interrupted import leaves
// the previous directory untouched (or none). The canonical columns and accepted values
// are documented in optout-data/README.md. Not thread-safe (uses the store).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "directory/sqlite_directory_store.h"
#include "io/file_system.h"

namespace pg {

struct ImportOptions {
  /// Students absent from the file are deleted (those whose row was rejected are kept).
  bool replace = false;
  /// Load the good rows when some are rejected. Default: a bad row stops the whole import,
  /// because a student left out may be one whose family filed an opt-out.
  bool skip_bad_rows = false;
};

struct ImportReport {
  bool written = false;               ///< the students were written to the store
  int rows_loaded = 0;                ///< students written (inserted or updated)
  std::vector<std::string> rejected;  ///< "line 7: photo_opt_out must be Y or N, got 'maybe'"
  std::vector<std::string> warnings;  ///< loaded, but worth a look ("line 9: ...")
  int students_removed = 0;           ///< with replace: students deleted as absent from the file
};

/// Canonical column names, in README order: student_id, first_name, last_name,
/// preferred_name, grade, school, photo_opt_out, name_photo_permission,
/// permission_school_year, reference_photos.
const std::vector<std::string>& CanonicalDirectoryColumns();

/// Largest directory CSV that is read (64 MiB; a district export is a few MB).
inline constexpr std::uint64_t kMaxDirectoryCsvBytes = 64ull << 20;

/// Imports `csv_path` into `store`.
/// `column_map`: canonical name -> header in the file; unmapped canonical columns are
/// looked up under their own name (headers compare case-insensitively).
/// Errors: unknown canonical name in column_map -> Config; file unreadable -> the
/// FileSystem's Status; not UTF-8, malformed CSV, a required column (student_id,
/// first_name, last_name, photo_opt_out) missing, a mapped column missing -> BadData
/// naming the file; the store failing -> its Status (nothing is written then).
/// Rows with problems are rejected and reported; then nothing is written (written=false,
/// rows_loaded=0) unless options.skip_bad_rows, when the rest load. A file with a header
/// and no student row is BadData. A student_id seen twice: the first row is good, later
/// ones are rejected. The file's absolute path and SHA-256 are recorded in the store
/// (SqliteDirectoryStore::SetImportSource). options.replace: students absent from the
/// file are deleted in the same transaction; a student whose row was rejected but whose
/// id is readable is kept as it was (never deleted because of a typo), and replace with
/// no loadable row at all is refused (BadData) rather than emptying the directory.
/// reference_photos: ';'-separated, relative paths resolved against the CSV's folder,
/// stored absolute and lexically normal (existence is not checked here).
Result<ImportReport> ImportDirectoryCsv(FileSystem& fs, const std::string& csv_path,
                                        const std::map<std::string, std::string>& column_map,
                                        SqliteDirectoryStore& store, const ImportOptions& options);

/// ImportDirectoryCsv into the database at `db_path`, all or nothing: the import writes
/// a private copy (DB.import-PID, 0600; a new database when there is none) and renames
/// it over `db_path` only when it succeeded and wrote; otherwise the copy is deleted and
/// `db_path` is as it was (or still absent).
Result<ImportReport> ImportDirectoryFile(FileSystem& fs, const std::string& csv_path,
                                         const std::map<std::string, std::string>& column_map,
                                         const std::string& db_path, const ImportOptions& options);

}  // namespace pg
