// Directory import: loads a student-information-system CSV export into the directory.
//
// In: the CSV (read through FileSystem), an optional mapping from canonical column names
// to the export's own headers (`--map first_name="First Name"`), and an open store.
// Out: an ImportReport; good rows are written in one transaction, each bad row is listed
// with its line number and reason and left out. The canonical columns and accepted
// values are documented in optout-data/README.md. Not thread-safe (uses the store).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "directory/sqlite_directory_store.h"
#include "io/file_system.h"

namespace pg {

struct ImportReport {
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
/// Rows with problems are rejected and reported, the rest load. A student_id seen twice:
/// the first row loads, later ones are rejected. replace=true: students absent from the
/// file are deleted in the same transaction; a student whose row was rejected but whose
/// id is readable is kept as it was (never deleted because of a typo), and replace with
/// no loadable row at all is refused (BadData) rather than emptying the directory.
/// reference_photos: ';'-separated, relative paths resolved against the CSV's folder,
/// stored absolute and lexically normal (existence is not checked here).
Result<ImportReport> ImportDirectoryCsv(FileSystem& fs, const std::string& csv_path,
                                        const std::map<std::string, std::string>& column_map,
                                        SqliteDirectoryStore& store, bool replace);

}  // namespace pg
