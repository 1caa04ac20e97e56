#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "core/sha256.h"
#include "fakes/failing_file_system.h"
#include "fakes/memory_file_system.h"
#include "publish/journal.h"
#include "publish/publish_sink.h"

namespace {

pg::Bytes B(const std::string& s) { return pg::Bytes(s.begin(), s.end()); }

/// An item the pipeline decided to publish, its sanitized copy `content` (verified).
pg::ItemResult Publishable(const std::string& rel, const std::string& content) {
  pg::ItemResult r;
  r.record.input.rel_path = rel;
  r.record.sha256 = pg::Sha256Hex(B("original of " + content));
  r.record.format = pg::ImageFormat::kPng;
  pg::SanitizedOutput out;
  out.bytes = B(content);
  out.format = pg::ImageFormat::kPng;
  out.extension = ".png";
  out.verified = true;
  r.record.sanitized = out;
  r.decision.verdict = pg::Verdict::kPublish;
  return r;
}

/// `item` as the pipeline sees it once publishing it failed: review.
pg::ItemResult Held(pg::ItemResult item, pg::ReasonCode why = pg::ReasonCode::kOutputWriteFailed) {
  item.record.output_path.clear();
  item.decision.verdict = pg::Verdict::kReview;
  item.decision.reasons.push_back({why, "held", {}});
  return item;
}

const nlohmann::json kHead = {{"tool", {{"name", "publish-gate"}}}, {"summary", {{"input", "in"}}}};

/// One run through `fs` the way Pipeline::RunBatch and the CLI drive the sink: Begin, each
/// item (Publish, recorded again as review if that fails; Record otherwise), Finish.
/// Returns Begin's status; nothing else is checked here.
pg::Status RunThrough(pg::FileSystem* fs, std::vector<pg::ItemResult> items, bool overwrite) {
  pg::PublishSink sink(fs, "/out");
  std::vector<std::string> notes;
  if (pg::Status s = sink.Begin(kHead, overwrite, &notes); !s.ok()) return s;
  pg::BatchResult batch;
  for (size_t i = 0; i < items.size(); ++i) {
    pg::ItemResult r = std::move(items[i]);
    if (r.decision.verdict == pg::Verdict::kPublish && !sink.Publish(i, &r).ok()) r = Held(std::move(r));
    if (r.decision.verdict != pg::Verdict::kPublish) (void)sink.Record(i, r);
    (r.decision.verdict == pg::Verdict::kPublish ? batch.publish : batch.review) += 1;
    batch.items.push_back(std::move(r));
  }
  nlohmann::json report = kHead;
  report["items"] = nlohmann::json::array();
  for (const auto& r : batch.items) {  // what the report vouches for: each output and its hash
    if (!r.record.output_path.empty()) {
      report["items"].push_back(r.record.output_path + " " + pg::Sha256Hex(r.record.sanitized->bytes));
    }
  }
  (void)sink.Finish(batch, report.dump(), "file\n");
  return pg::Status::Ok();
}

/// What OUT/journal.jsonl says (nothing when there is none).
pg::JournalState Journal(pg::MemoryFileSystem& mem) {
  if (mem.files.count("/out/journal.jsonl") == 0) return {};
  const pg::Bytes& text = mem.files.at("/out/journal.jsonl");
  auto state = pg::ParseJournal(std::string(text.begin(), text.end()));
  REQUIRE(state.ok());
  return *state;
}

std::vector<std::string> Entries(pg::MemoryFileSystem& mem, const std::string& root = "/out/publish") {
  if (!mem.IsDirectory(root)) return {};
  auto entries = mem.ListAllEntries(root);
  REQUIRE(entries.ok());
  return *entries;
}

}  // namespace

TEST_CASE("PublishSink writes a verified publish item through the journal", "[publish]") {
  pg::MemoryFileSystem mem;
  pg::PublishSink sink(&mem, "/out");
  std::vector<std::string> notes;
  REQUIRE(sink.Begin(kHead, false, &notes).ok());
  CHECK(notes.empty());
  auto item = Publishable("sub/a.png", "clean bytes");
  REQUIRE(sink.Publish(0, &item).ok());
  CHECK(item.record.output_path == "/out/publish/sub/a.png");
  CHECK(mem.files.at("/out/publish/sub/a.png") == B("clean bytes"));
  CHECK(mem.modes.at("/out/publish/sub/a.png") == 0644);
  CHECK(mem.folders.at("/out/publish") == 0700);
  CHECK(mem.folders.at("/out/publish/sub") == 0700);
  auto held = Held(Publishable("b.png", "x"), pg::ReasonCode::kUndecodable);
  REQUIRE(sink.Record(1, held).ok());
  pg::BatchResult batch;
  batch.items = {item, held};
  batch.publish = batch.review = 1;
  CHECK(sink.Finish(batch, "{}", "file\n").empty());
  CHECK(mem.modes.at("/out/report.json") == 0600);
  CHECK(mem.modes.at("/out/report.csv") == 0600);
  CHECK(mem.modes.at("/out/journal.jsonl") == 0600);
  CHECK(Entries(mem, "/out/.staging").empty());
  CHECK_FALSE(mem.Exists("/out/.staging"));

  auto journal = Journal(mem);
  CHECK(journal.begin["report"] == kHead);
  CHECK(journal.ended());
  CHECK(journal.end["publish"] == 1);
  REQUIRE(journal.items.size() == 2);
  CHECK(journal.items[0]["verdict"] == "publish");
  CHECK(journal.items[0]["output"] == "/out/publish/sub/a.png");
  CHECK(journal.items[0]["output_sha256"] == pg::Sha256Hex(B("clean bytes")));
  CHECK(journal.items[0]["sha256"] == item.record.sha256);
  CHECK(journal.items[0]["report"]["output"] == "/out/publish/sub/a.png");
  CHECK(journal.items[1]["verdict"] == "review");
  CHECK(journal.items[1]["output"].is_null());
  CHECK(journal.outputs == std::map<std::string, std::string>{{"sub/a.png", pg::Sha256Hex(B("clean bytes"))}});
}

TEST_CASE("PublishSink refuses any item that is not a verified publish", "[publish]") {
  pg::MemoryFileSystem mem;
  pg::PublishSink sink(&mem, "/out");
  std::vector<std::string> notes;
  REQUIRE(sink.Begin(kHead, false, &notes).ok());
  auto review = Publishable("review.png", "r");
  review.decision.verdict = pg::Verdict::kReview;
  auto block = Publishable("block.png", "b");
  block.decision.verdict = pg::Verdict::kBlock;
  auto unverified = Publishable("unverified.png", "u");
  unverified.record.sanitized->verified = false;
  auto unsanitized = Publishable("unsanitized.png", "n");
  unsanitized.record.sanitized.reset();
  auto escaping = Publishable("../escape.png", "e");
  auto absolute = Publishable("/etc/absolute.png", "a");
  size_t index = 0;
  for (auto* item : {&review, &block, &unverified, &unsanitized, &escaping, &absolute}) {
    INFO(item->record.input.rel_path);
    pg::Status s = sink.Publish(index++, item);
    CHECK_FALSE(s.ok());
    CHECK_THAT(s.message(), Catch::Contains("refused"));
    CHECK(item->record.output_path.empty());
  }
  CHECK(Entries(mem).empty());
  CHECK_FALSE(mem.Exists("/etc/absolute.png"));
  CHECK_FALSE(mem.Exists("/out/escape.png"));
  CHECK(Journal(mem).items.empty());
  CHECK_FALSE(sink.Record(0, Publishable("p.png", "p")).ok());  // a publish item is journaled by Publish
}

TEST_CASE("PublishSink refuses a second item under a name already published", "[publish]") {
  pg::MemoryFileSystem mem;
  pg::PublishSink sink(&mem, "/out");
  std::vector<std::string> notes;
  REQUIRE(sink.Begin(kHead, false, &notes).ok());
  auto first = Publishable("a.png", "first");
  auto second = Publishable("a.tiff", "second");  // published as a.png too
  REQUIRE(sink.Publish(0, &first).ok());
  pg::Status s = sink.Publish(1, &second);
  CHECK(s.message() == "/out/publish/a.png: another item already publishes to this name");
  CHECK(mem.files.at("/out/publish/a.png") == B("first"));
}

TEST_CASE("PublishSink: a failed rename leaves nothing staged, and the item is recorded again as review",
          "[publish]") {
  pg::MemoryFileSystem mem;
  pg::FailingFileSystem failing(&mem);
  failing.fail_if = [](const std::string& op, const std::string&) { return op == "rename"; };
  pg::PublishSink sink(&failing, "/out");
  std::vector<std::string> notes;
  REQUIRE(sink.Begin(kHead, false, &notes).ok());
  auto item = Publishable("a.png", "bytes");
  CHECK_FALSE(sink.Publish(0, &item).ok());
  CHECK(item.record.output_path.empty());
  CHECK(Entries(mem).empty());
  CHECK(Entries(mem, "/out/.staging").empty());
  CHECK(Journal(mem).items.at(0)["verdict"] == "publish");  // written before the rename
  REQUIRE(sink.Record(0, Held(item)).ok());
  CHECK(Journal(mem).items.at(0)["verdict"] == "review");  // the later record wins
}

TEST_CASE("PublishSink::Finish reports every failed write and still writes the rest", "[publish]") {
  pg::MemoryFileSystem mem;
  pg::FailingFileSystem failing(&mem);
  pg::PublishSink sink(&failing, "/out");
  std::vector<std::string> notes;
  REQUIRE(sink.Begin(kHead, false, &notes).ok());
  failing.fail_if = [](const std::string& op, const std::string& path) {
    return op == "write" && path.find("report.") != std::string::npos;
  };
  auto errors = sink.Finish(pg::BatchResult{}, "{}", "file\n");
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[0].message(), Catch::Contains("/out/report.json"));
  CHECK_THAT(errors[1].message(), Catch::Contains("/out/report.csv"));
  auto journal = Journal(mem);
  REQUIRE(journal.ended());
  CHECK(journal.end["reports_written"] == false);
}

TEST_CASE("PublishSink::Begin counts every entry in publish/ as stale, hidden ones too", "[publish]") {
  pg::MemoryFileSystem mem;
  mem.AddFile("/out/publish/.x.png", "planted");
  mem.AddFile("/out/publish/.hidden/y.png", "planted");
  mem.AddFile("/out/report.json", "{\"old\": true}");
  pg::PublishSink sink(&mem, "/out");
  std::vector<std::string> notes;
  pg::Status s = sink.Begin(kHead, false, &notes);
  CHECK(s.code() == pg::Code::kIoError);
  CHECK_THAT(s.message(), Catch::Contains("2 file(s)") && Catch::Contains(".x.png") &&
                              Catch::Contains(".hidden/y.png") && Catch::Contains("--overwrite"));
  CHECK(mem.Exists("/out/publish/.x.png"));
  CHECK(mem.Exists("/out/report.json"));  // a refused run changes nothing
  REQUIRE(sink.Begin(kHead, true, &notes).ok());
  CHECK(Entries(mem).empty());
  CHECK_FALSE(mem.Exists("/out/report.json"));  // an earlier run's report never outlives its files
}

TEST_CASE("PublishSink::Begin removes the files an interrupted run's journal vouches for, and only those",
          "[publish]") {
  pg::MemoryFileSystem mem;
  {
    pg::PublishSink killed(&mem, "/out");
    std::vector<std::string> notes;
    REQUIRE(killed.Begin(kHead, false, &notes).ok());
    for (size_t i = 0; i < 3; ++i) {
      auto item = Publishable("p" + std::to_string(i) + ".png", "bytes " + std::to_string(i));
      REQUIRE(killed.Publish(i, &item).ok());
    }
  }  // no Finish: as if killed
  mem.AddFile("/out/publish/p1.png", "changed since");  // no longer the file the run wrote
  mem.AddFile("/out/publish/extra.png", "put there by hand");
  pg::PublishSink next(&mem, "/out");
  std::vector<std::string> notes;
  pg::Status s = next.Begin(kHead, false, &notes);
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0], Catch::Contains("interrupted after 3 item(s)") && Catch::Contains("removed 2 file(s)"));
  CHECK_FALSE(s.ok());
  CHECK(Entries(mem) == std::vector<std::string>{"extra.png", "p1.png"});
}

TEST_CASE("PublishSink::Begin trusts no file when the journal cannot be read", "[publish]") {
  pg::MemoryFileSystem mem;
  mem.AddFile("/out/journal.jsonl", "{\"record\":\"begin\"}\nnot json\n");
  mem.AddFile("/out/publish/a.png", "a");
  pg::PublishSink sink(&mem, "/out");
  std::vector<std::string> notes;
  CHECK_FALSE(sink.Begin(kHead, false, &notes).ok());
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0], Catch::Contains("journal line 2"));
  CHECK(mem.Exists("/out/publish/a.png"));
}

// The fault-injection heart of the journal: whatever change a kill interrupts, publish/ holds only
// files that a flushed record vouches for (with their hash), no temporary file is there, no
// earlier run's report sits beside a new file, and the next run starts clean.
TEST_CASE("PublishSink: killed at any change, publish/ holds only vouched files and the next run cleans up",
          "[publish]") {
  auto items = [](const std::string& tag) {
    std::vector<pg::ItemResult> v;
    for (int i = 0; i < 3; ++i) v.push_back(Publishable("p" + std::to_string(i) + ".png", tag + std::to_string(i)));
    v.insert(v.begin() + 1, Held(Publishable("held.png", tag + "held"), pg::ReasonCode::kUndecodable));
    v.push_back(Publishable("sub/deep.png", tag + "deep"));
    return v;
  };
  for (bool overwrite : {false, true}) {
    // The state a run starts from: nothing, or an earlier finished run.
    pg::MemoryFileSystem start;
    if (overwrite) REQUIRE(RunThrough(&start, items("old "), false).ok());
    pg::MemoryFileSystem probe = start;
    pg::FailingFileSystem counting(&probe);
    REQUIRE(RunThrough(&counting, items("new "), overwrite).ok());
    const int total = counting.changes;
    REQUIRE(total > 10);
    for (int n = 0; n <= total; ++n) {
      INFO("overwrite " << overwrite << ", killed after " << n << " of " << total << " changes");
      pg::MemoryFileSystem mem = start;
      pg::FailingFileSystem dying(&mem);
      dying.changes_left = n;
      (void)RunThrough(&dying, items("new "), overwrite);

      auto journal = Journal(mem);
      auto published = Entries(mem);
      for (const auto& rel : published) {
        INFO("publish/" << rel);
        auto vouched = journal.outputs.find(rel);
        REQUIRE(vouched != journal.outputs.end());
        CHECK(vouched->second == pg::Sha256Hex(mem.files.at("/out/publish/" + rel)));
        CHECK(rel.find(".tmp") == std::string::npos);
      }
      if (mem.Exists("/out/report.json") && !published.empty()) {
        auto report = nlohmann::json::parse(std::string(mem.files.at("/out/report.json").begin(),
                                                        mem.files.at("/out/report.json").end()));
        for (const auto& rel : published) {
          INFO("report.json lists publish/" << rel << " with its hash");
          const std::string listed = "/out/publish/" + rel + " " + pg::Sha256Hex(mem.files.at("/out/publish/" + rel));
          CHECK(std::find(report["items"].begin(), report["items"].end(), listed) != report["items"].end());
        }
      }
      // The next run, without --overwrite: an interrupted run's files are cleared.
      pg::PublishSink next(&mem, "/out");
      std::vector<std::string> notes;
      pg::Status s = next.Begin(kHead, false, &notes);
      if (journal.interrupted() || published.empty()) {
        CHECK(s.ok());
      }
      if (s.ok()) CHECK(Entries(mem).empty());
    }
  }
}

TEST_CASE("PG_TEST_EXIT_AT ends the process at the n-th time a step is reached", "[publish]") {
  ::unsetenv("PG_TEST_EXIT_AT");
  CHECK_FALSE(pg::ExitAtStepFromEnv());
  auto exit_status = [](const char* spec) {
    ::setenv("PG_TEST_EXIT_AT", spec, 1);
    const pg::StepHook hook = pg::ExitAtStepFromEnv();  // before fork: the child only calls it
    ::unsetenv("PG_TEST_EXIT_AT");
    const pid_t child = ::fork();
    if (child == 0) {
      for (const char* step : {"begun", "staged", "journaled", "published", "staged", "journaled"}) hook(step);
      ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
  };
  CHECK(exit_status("journaled:2") == pg::kTestFaultExit);
  CHECK(exit_status("begun") == pg::kTestFaultExit);
  CHECK(exit_status("journaled:3") == 0);
  CHECK(exit_status("reported") == 0);
}
