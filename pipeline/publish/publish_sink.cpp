#include "publish/publish_sink.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "core/sha256.h"
#include "report/report.h"

namespace fs = std::filesystem;

namespace pg {

namespace {

constexpr const char* kPublish = "publish";
constexpr const char* kStaging = ".staging";
constexpr const char* kReportJson = "report.json";
constexpr const char* kReportCsv = "report.csv";
constexpr const char* kJournal = "journal.jsonl";
constexpr std::uint64_t kMaxJournalBytes = 1ull << 30;
constexpr std::uint64_t kMaxOutputBytes = 1ull << 32;

/// "a, b, c, ..." of the first few names.
std::string FewNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < 3; ++i) out += (i ? ", " : "") + names[i];
  return names.size() > 3 ? out + ", ..." : out;
}

Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

}  // namespace

StepHook ExitAtStepFromEnv() {
  const char* env = std::getenv("PG_TEST_EXIT_AT");
  if (env == nullptr || *env == '\0') return nullptr;
  std::string step = env;
  long n = 1;
  if (const size_t colon = step.rfind(':'); colon != std::string::npos) {
    n = std::max(1L, std::strtol(step.c_str() + colon + 1, nullptr, 10));
    step.resize(colon);
  }
  auto seen = std::make_shared<long>(0);
  return [step, n, seen](std::string_view reached) {
    if (reached == step && ++*seen == n) ::_exit(kTestFaultExit);
  };
}

PublishSink::PublishSink(FileSystem* fs, std::string out_dir)
    : fs_(fs), out_dir_(std::move(out_dir)), journal_(fs, Path(kJournal)) {}

std::string PublishSink::Path(const std::string& name) const { return (fs::path(out_dir_) / name).string(); }

std::string PublishSink::publish_dir() const { return Path(kPublish); }

Result<size_t> PublishSink::RemoveInterrupted(const JournalState& state) {
  const std::string publish = publish_dir();
  if (!fs_->IsDirectory(publish)) return size_t{0};
  auto entries = fs_->ListAllEntries(publish);
  if (!entries.ok()) return entries.status();
  size_t removed = 0;
  for (const auto& rel : *entries) {
    auto vouched = state.outputs.find(rel);
    if (vouched == state.outputs.end()) continue;
    const std::string path = (fs::path(publish) / rel).string();
    auto bytes = fs_->ReadFile(path, kMaxOutputBytes);
    if (!bytes.ok() || Sha256Hex(*bytes) != vouched->second) continue;  // not the file it wrote
    if (Status s = fs_->RemoveFile(path); !s.ok()) return s;
    ++removed;
  }
  return removed;
}

Status PublishSink::Begin(const nlohmann::json& report_head, bool overwrite, std::vector<std::string>* notes) {
  taken_.clear();
  if (Status s = fs_->CreateFolders(out_dir_, 0700); !s.ok()) return s;
  if (fs_->Exists(journal_.path())) {
    auto text = fs_->ReadFile(journal_.path(), kMaxJournalBytes);
    Result<JournalState> state =
        text.ok() ? ParseJournal(std::string(text->begin(), text->end())) : Result<JournalState>(text.status());
    if (!state.ok()) {
      notes->push_back(journal_.path() + ": " + state.status().message() +
                       "; no file in publish/ is taken for one this tool wrote");
    } else if (state->interrupted()) {
      auto removed = RemoveInterrupted(*state);
      if (!removed.ok()) return removed.status();
      const nlohmann::json& pid = state->begin.contains("pid") ? state->begin["pid"] : nlohmann::json("?");
      notes->push_back(out_dir_ + ": the run of pid " + pid.dump() + " was interrupted after " +
                       std::to_string(state->items.size()) + " item(s) and wrote no report; removed " +
                       std::to_string(*removed) + " file(s) it had put in publish/; this run starts over");
    }
  }
  if (Status s = fs_->RemoveTree(Path(kStaging)); !s.ok()) return s;

  const std::string publish = publish_dir();
  std::vector<std::string> stale;
  if (fs_->IsDirectory(publish)) {
    auto entries = fs_->ListAllEntries(publish);
    if (!entries.ok()) return entries.status();
    stale = std::move(*entries);
  } else if (fs_->Exists(publish)) {
    stale.push_back(publish);
  }
  if (!stale.empty() && !overwrite) {
    return Status::IoError(publish + " already holds " + std::to_string(stale.size()) +
                           " file(s) from an earlier run or put there by hand (" + FewNames(stale) +
                           "); choose an empty --out or pass --overwrite");
  }
  // publish/ goes first, while the earlier reports and journal still vouch for its files.
  if (Status s = fs_->RemoveTree(publish); !s.ok()) return s;
  if (Status s = fs_->CreateFolders(publish, 0700); !s.ok()) return s;
  if (Status s = fs_->CreateFolders(Path(kStaging), 0700); !s.ok()) return s;
  for (const char* name : {kReportJson, kReportCsv}) {
    // A folder where a report goes is not an earlier report: left alone, so writing the
    // report fails (and is reported) at the end.
    if (fs_->IsDirectory(Path(name))) continue;
    if (Status s = fs_->RemoveFile(Path(name)); !s.ok()) return s;
  }
  nlohmann::json begin = {{"record", "begin"}, {"pid", static_cast<long>(::getpid())}, {"report", report_head}};
  if (Status s = journal_.Start(begin); !s.ok()) return s;
  Step("begun");
  return Status::Ok();
}

nlohmann::json PublishSink::ItemRecord(size_t index, const ItemResult& item,
                                       const std::string& output_sha256) const {
  const ImageRecord& rec = item.record;
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  return {{"record", "item"},
          {"index", index},
          {"file", rec.input.rel_path},
          {"verdict", VerdictName(item.decision.verdict)},
          {"sha256", or_null(rec.sha256)},
          {"output", or_null(rec.output_path)},
          {"output_sha256", or_null(output_sha256)},
          {"report", ItemJson(item)}};
}

Status PublishSink::Publish(size_t index, ItemResult* item) {
  ImageRecord& rec = item->record;
  rec.output_path.clear();
  if (item->decision.verdict != Verdict::kPublish) {
    return Status::Internal(rec.input.rel_path + ": refused to publish an item whose verdict is " +
                            VerdictName(item->decision.verdict));
  }
  if (!rec.sanitized || !rec.sanitized->verified) {
    return Status::Internal(rec.input.rel_path + ": refused to publish without a verified, metadata-free copy");
  }
  const std::string name = PublishedName(rec);
  const fs::path rel = fs::path(name).lexically_normal();
  if (name.empty() || rel.is_absolute() || rel.empty() || *rel.begin() == ".." || !rel.has_filename()) {
    return Status::IoError(rec.input.rel_path + ": refused to publish as '" + name +
                           "': the name does not stay inside publish/");
  }
  const std::string target = (fs::path(publish_dir()) / rel).string();
  if (!taken_.insert(rel.string()).second) {
    return Status::IoError(target + ": another item already publishes to this name");
  }
  const Bytes& bytes = rec.sanitized->bytes;
  const std::string staged = (fs::path(Path(kStaging)) / std::to_string(index)).string();
  Status s = fs_->WriteFileAtomic(staged, bytes, 0644);
  if (s.ok()) {
    Step("staged");
    rec.output_path = target;
    nlohmann::json record = ItemRecord(index, *item, Sha256Hex(bytes));
    record["publish_name"] = rel.string();
    s = journal_.Append(record);
  }
  if (s.ok()) {
    Step("journaled");
    s = fs_->CreateFolders(fs::path(target).parent_path().string(), 0700);
  }
  if (s.ok()) s = fs_->Rename(staged, target);
  if (!s.ok()) {
    rec.output_path.clear();
    taken_.erase(rel.string());
    fs_->RemoveFile(staged);  // best effort: .staging/ is never published, and Begin clears it
    return s;
  }
  Step("published");
  return Status::Ok();
}

Status PublishSink::Record(size_t index, const ItemResult& item) {
  if (item.decision.verdict == Verdict::kPublish || !item.record.output_path.empty()) {
    return Status::Internal(item.record.input.rel_path + ": a publish item is journaled by Publish");
  }
  return journal_.Append(ItemRecord(index, item, ""));
}

std::vector<Status> PublishSink::Finish(const BatchResult& batch, const std::string& report_json,
                                        const std::string& report_csv) {
  std::vector<Status> errors;
  for (const auto& [name, text] : {std::pair{kReportJson, &report_json}, std::pair{kReportCsv, &report_csv}}) {
    if (Status s = fs_->WriteFileAtomic(Path(name), ToBytes(*text), 0600); !s.ok()) errors.push_back(s);
  }
  Step("reported");
  nlohmann::json end = {{"record", "end"},          {"items", batch.items.size()}, {"publish", batch.publish},
                        {"review", batch.review},   {"block", batch.block},
                        {"reports_written", errors.empty()}};
  if (Status s = journal_.Append(end); !s.ok()) errors.push_back(s);
  if (Status s = fs_->RemoveTree(Path(kStaging)); !s.ok()) errors.push_back(s);
  return errors;
}

}  // namespace pg
