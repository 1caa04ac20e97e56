// Journal: OUT/journal.jsonl, the append-only record of one run. Every line is one JSON
// object, appended and flushed to disk (fsync) before the step it vouches for happens:
//   {"record":"begin", "pid", "started_at", "report": report.json without its items}
//   {"record":"item", "index", "file", "verdict", "sha256", "output", "output_sha256",
//    "report": the item's entry in report.json}        (one per item; see PublishSink)
//    with "publish_name" (the path below publish/) when the item is being published
//   {"record":"end", "items", "publish", "review", "block", "reports_written"}
// A later item record with the same index supersedes an earlier one (an item whose publishing
// failed after its record was written is recorded again as review). A journal without its end
// record is an interrupted run. Journal writes through a FileSystem it does not own; ParseJournal
// is a pure function. Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "io/file_system.h"

namespace pg {

class Journal {
 public:
  Journal(FileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}

  /// Replaces any earlier journal at path, atomically, with one holding `begin` (mode 0600).
  Status Start(const nlohmann::json& begin);
  /// Appends one record and flushes it to disk.
  Status Append(const nlohmann::json& record);
  const std::string& path() const { return path_; }

 private:
  FileSystem* fs_;
  std::string path_;
};

/// What a journal says.
struct JournalState {
  nlohmann::json begin;                       ///< the begin record (null if none)
  std::map<size_t, nlohmann::json> items;     ///< the last item record of each index
  nlohmann::json end;                         ///< the end record (null if none)
  /// Every publish_name an item record has named, with the output_sha256 it gave for it
  /// (superseded records included: a file they name was put in publish/ by this run).
  std::map<std::string, std::string> outputs;

  bool begun() const { return !begin.is_null(); }
  bool ended() const { return !end.is_null(); }
  /// Begun and not ended: the run was stopped part-way.
  bool interrupted() const { return begun() && !ended(); }
};

/// Parses a journal's text. A last line without its newline (a kill during its append) is
/// ignored; any other line that is not a JSON object with a known "record" is BadData.
Result<JournalState> ParseJournal(const std::string& text);

}  // namespace pg
