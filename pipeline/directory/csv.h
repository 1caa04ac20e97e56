// CSV: an RFC 4180 parser for the student directory export and the batch manifest.
//
// In: the whole file as text (UTF-8; a leading byte-order mark is dropped). Out: every
// record, each with the 1-based line number on which it starts, so error messages can
// point at the row even when a quoted field spans several lines. Quoted fields may hold
// commas, doubled quotes ("") and line breaks; records end with CRLF or LF. Fields are
// returned verbatim (no trimming). Pure functions and value types; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pg {

/// One record. An empty line is a record with one empty field (callers usually skip it).
struct CsvRow {
  int line = 0;                     ///< 1-based line on which the record starts
  std::vector<std::string> fields;  ///< at least one field
};

/// Parses `text` into records. A final line break is optional and does not start an
/// extra record. Errors (BadData, message without a file name, the caller adds it):
/// "line N: unterminated quoted field" (a quote opened on line N never closes) and
/// "line N: unexpected character after closing quote".
Result<std::vector<CsvRow>> ParseCsv(std::string_view text);

/// True if every field of `row` is empty or only spaces/tabs (blank or ",,,," lines).
bool IsBlankRow(const CsvRow& row);

/// The header row of a CSV file, for looking columns up by name.
class CsvHeader {
 public:
  explicit CsvHeader(const CsvRow& row);

  /// Index of the column called `name`, compared ASCII case-insensitively with
  /// surrounding spaces ignored ("Student ID" == " student id "); the first one if the
  /// name appears more than once; nullopt if absent.
  std::optional<size_t> Find(std::string_view name) const;
  /// How many columns are called `name` (same comparison as Find).
  int Count(std::string_view name) const;
  /// The header names with surrounding spaces removed, in file order.
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }
  /// "'Student ID', 'First Name', ..." for error messages.
  std::string Describe() const;

 private:
  std::vector<std::string> names_;
};

/// `s` without leading and trailing spaces, tabs, CR and LF.
std::string TrimSpaces(std::string_view s);

}  // namespace pg
