// End-to-end: what `publish-gate run` leaves in OUT when it is killed part-way, when two runs
// share one OUT, when a file was planted in publish/, under umask 000, and when OUT lies inside
// INPUT (issue 12). Kills are deterministic: the test-only fault-injection point
// PG_TEST_EXIT_AT=step:n (publish/publish_sink.h) makes the binary _exit(99) at a named step.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/sha256.h"
#include "test_util.h"

using namespace pg::testing;
namespace fs = std::filesystem;

namespace {

const std::string kCli = PG_CLI_PATH;
constexpr int kFaultExit = 99;  // the exit status of PG_TEST_EXIT_AT (publish/publish_sink.h)

struct PublishCliFixture {
  TempDir dir;
  std::string db;
  std::string out;

  PublishCliFixture() : db(dir / "dir.db"), out(dir / "out") {
    WriteText(dir / "students.csv",
              "student_id,first_name,last_name,photo_opt_out\n"
              "S1001,Maya,Okafor,Y\n"
              "S1002,Lucas,Ferreira,N\n");
    auto r = RunCommand(Quote(kCli) + " directory import " + Quote(dir / "students.csv") + " --db " + Quote(db));
    REQUIRE(r.exit_code == 0);
  }

  /// `publish-gate run ARGS` with the built-in detector, untiled (no model files needed; the
  /// photos have no faces); `prefix` goes before the command (environment variables, `umask 000;`).
  CommandResult Gate(const std::string& args, const std::string& prefix = "") const {
    return RunCommand(prefix + " HOME=/nonexistent-home XDG_DATA_HOME= " + Quote(kCli) +
                      " run --no-recognition --detector hog --no-tiling --rotations off --db " + Quote(db) + " " + args);
  }

  /// n clean, face-free photos in[/sub]/p1.png ... pn.png.
  void Photos(int n, const std::string& folder = "in") const {
    for (int i = 1; i <= n; ++i) {
      WriteBytes(dir / (folder + "/p" + std::to_string(i) + ".png"), Encode(DrawScene(200 + 10 * i, 150), ".png"));
    }
  }
};

/// Every entry below root that is not a folder, hidden ones included, relative, sorted.
std::vector<std::string> Entries(const std::string& root) {
  std::vector<std::string> out;
  if (!fs::exists(root)) return out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_directory()) out.push_back(e.path().lexically_relative(root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<nlohmann::json> JournalRecords(const std::string& out) {
  std::vector<nlohmann::json> records;
  std::istringstream in(ReadText(out + "/journal.jsonl"));
  for (std::string line; std::getline(in, line);) records.push_back(nlohmann::json::parse(line));
  return records;
}

/// Every file in OUT/publish has a journal record of a publish item naming it, with its hash.
void CheckEveryPublishedFileIsVouched(const std::string& out) {
  auto records = JournalRecords(out);
  for (const auto& rel : Entries(out + "/publish")) {
    INFO("publish/" << rel);
    const std::string path = out + "/publish/" + rel;
    bool vouched = false;
    for (const auto& r : records) {
      vouched |= r["record"] == "item" && r["verdict"] == "publish" && r["output"] == path &&
                 r["output_sha256"] == pg::Sha256Hex(ReadBytes(path));
    }
    CHECK(vouched);
  }
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE_METHOD(PublishCliFixture, "run: a run killed after journaling an item leaves only vouched files, and the next run cleans up",
                 "[cli][publish]") {
  Photos(3);
  auto killed = Gate(Quote(dir / "in") + " --out " + Quote(out), "PG_TEST_EXIT_AT=journaled:2");
  INFO(killed.out);
  REQUIRE(killed.exit_code == kFaultExit);
  // p1 was renamed into publish/; p2 was journaled, then the process died before its rename.
  CHECK(Entries(out + "/publish") == std::vector<std::string>{"p1.png"});
  CHECK_FALSE(fs::exists(out + "/report.json"));
  CheckEveryPublishedFileIsVouched(out);
  auto records = JournalRecords(out);
  REQUIRE(records.size() == 3);  // begin, p1, p2: no end record
  CHECK(records[0]["record"] == "begin");
  CHECK(records[2]["file"] == "p2.png");
  CHECK(records[2]["output"] == out + "/publish/p2.png");

  auto next = Gate(Quote(dir / "in") + " --out " + Quote(out));
  INFO(next.out);
  CHECK(next.exit_code == 0);
  CHECK_THAT(next.out, Catch::Contains("interrupted") && Catch::Contains("removed 1 file(s)"));
  CHECK(Entries(out + "/publish") == std::vector<std::string>{"p1.png", "p2.png", "p3.png"});
  CHECK(nlohmann::json::parse(ReadText(out + "/report.json"))["items"].size() == 3);
  CheckEveryPublishedFileIsVouched(out);
}

TEST_CASE_METHOD(PublishCliFixture, "run: a run killed before its rename leaves no temporary file in publish/",
                 "[cli][publish]") {
  Photos(2);
  auto killed = Gate(Quote(dir / "in") + " --out " + Quote(out), "PG_TEST_EXIT_AT=staged:2");
  REQUIRE(killed.exit_code == kFaultExit);
  CHECK(Entries(out + "/publish") == std::vector<std::string>{"p1.png"});  // no p2.png.tmp-PID-RAND
  CheckEveryPublishedFileIsVouched(out);
}

TEST_CASE_METHOD(PublishCliFixture, "run: a killed --overwrite run never leaves the previous run's reports beside new files",
                 "[cli][publish]") {
  Photos(3);
  REQUIRE(Gate(Quote(dir / "in") + " --out " + Quote(out)).exit_code == 0);
  REQUIRE(fs::exists(out + "/report.json"));
  auto killed = Gate(Quote(dir / "in") + " --out " + Quote(out) + " --overwrite", "PG_TEST_EXIT_AT=published:1");
  INFO(killed.out);
  REQUIRE(killed.exit_code == kFaultExit);
  CHECK(Entries(out + "/publish") == std::vector<std::string>{"p1.png"});
  CHECK_FALSE(fs::exists(out + "/report.json"));
  CHECK_FALSE(fs::exists(out + "/report.csv"));
  CheckEveryPublishedFileIsVouched(out);
}

TEST_CASE_METHOD(PublishCliFixture, "run: a second run into a locked OUT exits 75 naming the holder's pid",
                 "[cli][publish]") {
  Photos(1);
  fs::create_directories(out);
  const int fd = ::open((out + "/.lock").c_str(), O_RDWR | O_CREAT, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);  // this test is the holder
  const std::string pid = std::to_string(::getpid()) + "\n";
  REQUIRE(::write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size()));
  auto busy = Gate(Quote(dir / "in") + " --out " + Quote(out));
  CHECK(busy.exit_code == 75);
  CHECK_THAT(busy.out, Catch::Contains("pid " + std::to_string(::getpid())));
  CHECK_FALSE(fs::exists(out + "/publish"));
  ::close(fd);  // released: the next run goes ahead
  auto after = Gate(Quote(dir / "in") + " --out " + Quote(out));
  CHECK(after.exit_code == 0);
  CHECK(Entries(out + "/publish") == std::vector<std::string>{"p1.png"});
}

TEST_CASE_METHOD(PublishCliFixture, "run: a hidden file planted in publish/ is a stale file", "[cli][publish]") {
  Photos(1);
  WriteBytes(out + "/publish/.x.png", Encode(DrawScene(), ".png"));
  auto refused = Gate(Quote(dir / "in") + " --out " + Quote(out));
  CHECK(refused.exit_code == 73);
  CHECK_THAT(refused.out, Catch::Contains(".x.png") && Catch::Contains("--overwrite"));
  auto overwrite = Gate(Quote(dir / "in") + " --out " + Quote(out) + " --overwrite");
  CHECK(overwrite.exit_code == 0);
  CHECK(Entries(out + "/publish") == std::vector<std::string>{"p1.png"});
}

TEST_CASE_METHOD(PublishCliFixture, "run: under umask 000 folders are 0700 and reports and journal 0600",
                 "[cli][publish]") {
  Photos(1, "in/sub");
  auto r = Gate(Quote(dir / "in") + " --out " + Quote(out), "umask 000;");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  for (const char* folder : {"", "/publish", "/publish/sub"}) {
    INFO("OUT" << folder);
    CHECK(Mode(out + folder) == 0700);
  }
  for (const char* file : {"/report.json", "/report.csv", "/journal.jsonl", "/.lock"}) {
    INFO("OUT" << file);
    CHECK(Mode(out + file) == 0600);
  }
}

TEST_CASE_METHOD(PublishCliFixture, "run: an OUT inside INPUT is not read as input", "[cli][publish]") {
  Photos(2);
  const std::string inner = dir / "in/out";
  auto first = Gate(Quote(dir / "in") + " --out " + Quote(inner));
  CHECK(first.exit_code == 0);
  auto second = Gate(Quote(dir / "in") + " --out " + Quote(inner) + " --overwrite");
  INFO(second.out);
  CHECK(second.exit_code == 0);
  CHECK_THAT(second.out, Catch::Contains("2 item(s): 2 publish"));
  auto j = nlohmann::json::parse(ReadText(inner + "/report.json"));
  REQUIRE(j["items"].size() == 2);
  // A manifest that lists a file of the run's own OUT gets it refused, not read.
  WriteText(dir / "in/manifest.csv", "file\np1.png\nout/publish/p2.png\n");
  auto listed = Gate(Quote(dir / "in/manifest.csv") + " --out " + Quote(inner) + " --overwrite");
  CHECK(listed.exit_code == 1);
  j = nlohmann::json::parse(ReadText(inner + "/report.json"));
  REQUIRE(j["items"].size() == 2);
  CHECK(j["items"][1]["reasons"][0]["code"] == "ingest_error");
  CHECK_THAT(j["items"][1]["reasons"][0]["message"].get<std::string>(), Catch::Contains("output folder"));
}

TEST_CASE_METHOD(PublishCliFixture, "run: an INPUT inside OUT is refused before anything is written",
                 "[cli][publish]") {
  Photos(2);
  REQUIRE(Gate(Quote(dir / "in") + " --out " + Quote(out)).exit_code == 0);
  const std::string report_before = ReadText(out + "/report.json");
  const auto entries_before = Entries(out);
  for (const std::string& input : {out + "/publish", out, out + "/publish/../publish/"}) {
    INFO(input);
    auto r = Gate(Quote(input) + " --out " + Quote(out) + " --overwrite");
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.out, Catch::Contains("is, or is inside, the output folder"));
  }
  CHECK(ReadText(out + "/report.json") == report_before);
  CHECK(Entries(out) == entries_before);
}

TEST_CASE_METHOD(PublishCliFixture, "run: every failed write is reported and the summary line still prints",
                 "[cli][publish]") {
  // a.tiff and b.tiff publish as PNG, onto the names a.png and b.png already took.
  for (const char* name : {"a.png", "a.tiff", "b.png", "b.tiff"}) {
    WriteBytes(dir / ("in/" + std::string(name)), Encode(DrawScene(), fs::path(name).extension().string()));
  }
  fs::create_directories(out + "/report.csv/kept");  // a folder where report.csv goes: that write fails
  auto r = Gate(Quote(dir / "in") + " --out " + Quote(out));
  INFO(r.out);
  CHECK(r.exit_code == 73);
  CHECK_THAT(r.out, Catch::Contains("4 item(s): 2 publish, 2 review, 0 block"));
  CHECK_THAT(r.out, Catch::Contains("publish/a.png: another item already publishes to this name"));
  CHECK_THAT(r.out, Catch::Contains("publish/b.png: another item already publishes to this name"));
  CHECK_THAT(r.out, Catch::Contains("report.csv"));
  CHECK(nlohmann::json::parse(ReadText(out + "/report.json"))["summary"]["publish"] == 2);
  CHECK(fs::exists(out + "/report.csv/kept"));  // not the gate's to delete
}

TEST_CASE_METHOD(PublishCliFixture, "run: the journal holds every item's report entry, so the report can be rebuilt from it",
                 "[cli][publish]") {
  Photos(2);
  WriteText(dir / "in/notes.txt", "not an image");
  REQUIRE(Gate(Quote(dir / "in") + " --out " + Quote(out)).exit_code == 1);
  auto report = nlohmann::json::parse(ReadText(out + "/report.json"));
  auto records = JournalRecords(out);
  REQUIRE(records.size() == 5);  // begin, 3 items, end
  CHECK(records.front()["record"] == "begin");
  CHECK(records.back()["record"] == "end");
  nlohmann::json rebuilt = records.front()["report"];
  rebuilt["items"] = nlohmann::json::array();
  for (size_t i = 1; i + 1 < records.size(); ++i) {
    CHECK(records[i]["index"] == i - 1);
    rebuilt["items"].push_back(records[i]["report"]);
  }
  for (const char* count : {"items", "publish", "review", "block"}) rebuilt["summary"][count] = records.back()[count];
  CHECK(rebuilt == report);
}
