// PublishSink: the only code that writes OUT/publish/, and the one that lays out OUT:
//   OUT/publish/        sanitized copies of the items whose verdict is publish (folders 0700)
//   OUT/report.json, OUT/report.csv, OUT/journal.jsonl   (0600; journal: publish/journal.h)
//   OUT/.staging/       bytes waiting to be renamed into publish/ (only during a run)
//   OUT/.lock           held by the run (publish/out_lock.h)
// It takes the items the pipeline decided and refuses any whose verdict is not publish or whose
// sanitized copy is not verified (a second line of defence behind decide). An item is written
// through the journal: its bytes are staged in OUT/.staging/, its record (hashes, verdict,
// output path, report entry) is appended and flushed, and only then is the staged file renamed
// into publish/. So at every instant each file in publish/ is vouched for by a flushed record,
// a temporary file never has a publishable name, and a killed run is recognisable (a journal
// without its end record) and cleaned up by the next run (Begin).
// Writes through the FileSystem it is given (not owned). REQUIRES: the caller holds OUT's lock
// (OutLock) from Begin to Finish. Not thread-safe.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/file_system.h"
#include "pipeline.h"
#include "publish/journal.h"

namespace pg {

/// Told each step a PublishSink completes: "begun" (OUT ready, begin record flushed); per
/// published item "staged" (bytes in .staging/), "journaled" (its record flushed), "published"
/// (renamed into publish/); "reported" (reports written, end record not yet).
using StepHook = std::function<void(std::string_view step)>;

/// The exit status of the test-only fault-injection point below.
inline constexpr int kTestFaultExit = 99;

/// TEST-ONLY fault-injection point. When the environment variable PG_TEST_EXIT_AT is
/// "STEP" or "STEP:N" (a StepHook step; N >= 1, default 1), returns a hook that ends the process
/// with _exit(kTestFaultExit) the N-th time STEP is reached, as a kill would (no destructor, no
/// flush, no report); otherwise null. The CLI's `run` installs it, so end-to-end tests can stop a
/// run at a known point without timing. Not for users.
StepHook ExitAtStepFromEnv();

class PublishSink {
 public:
  PublishSink(FileSystem* fs, std::string out_dir);

  void set_step_hook(StepHook hook) { hook_ = std::move(hook); }
  const std::string& out_dir() const { return out_dir_; }
  std::string publish_dir() const;

  /// Makes OUT ready for a run and starts its journal with `report_head` (report.json without
  /// its items). In order: OUT is created (0700) if missing; when the journal is an interrupted
  /// run's, the files it put in publish/ (each named by a record with its exact hash) are
  /// removed, and a note says so; any other entry below publish/, hidden ones included, is a
  /// stale file: IoError unless `overwrite`, which deletes them; staged leftovers and the earlier
  /// run's reports are deleted; publish/ is made empty (0700); the journal is replaced by the
  /// new begin record. Notes for the user are appended to *notes.
  Status Begin(const nlohmann::json& report_head, bool overwrite, std::vector<std::string>* notes);

  /// Publishes the item at position `index` of the batch under publish/PublishedName(record)
  /// and sets its record's output_path. An item that is not a verified publish is refused
  /// (Internal); so is a name already taken or one that would leave publish/ (IoError). On any
  /// error nothing of the item is in publish/ and output_path is empty; the caller records the
  /// item again (Record) with its new verdict, which supersedes any record written here.
  /// REQUIRES: Begin succeeded.
  Status Publish(size_t index, ItemResult* item);

  /// Journals an item that is not published (its verdict is review or block).
  Status Record(size_t index, const ItemResult& item);

  /// Writes report.json and report.csv (0600), then the journal's end record, and removes
  /// .staging/. Returns every failure (empty when all was written); it goes on past each.
  std::vector<Status> Finish(const BatchResult& batch, const std::string& report_json,
                             const std::string& report_csv);

 private:
  std::string Path(const std::string& name) const;
  void Step(std::string_view step) const {
    if (hook_) hook_(step);
  }
  /// Removes what the interrupted run of `state` put in publish/; returns how many files.
  Result<size_t> RemoveInterrupted(const JournalState& state);
  nlohmann::json ItemRecord(size_t index, const ItemResult& item, const std::string& output_sha256) const;

  FileSystem* fs_;
  std::string out_dir_;
  Journal journal_;
  StepHook hook_;
  std::set<std::string> taken_;  ///< names published (or being published) in this run
};

}  // namespace pg
