// End to end (issue 12, hole 1 and the CLI's "also fix" list): an empty or failed directory
// is never trusted, every run names the directory it used, and mistyped command lines say
// what was meant. Each case was reproduced as a user would before the fix.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/sha256.h"
#include "e2e/cli_fixture.h"
#include "test_util.h"

using namespace pg::testing;
namespace fs = std::filesystem;

namespace {

/// `check` of student work captioned with a directory student's name who has no
/// permission: with a trusted directory this blocks; it must never publish.
CommandResult CheckNamedWork(CliFixture& f, const std::string& db) {
  WriteBytes(f.dir / "essay.png", Encode(DrawScene(), ".png"));
  return CliFixture::Run("check --no-recognition " + Quote(f.dir / "essay.png") + " --db " + Quote(db) +
                         " --kind student-work --caption 'Volcano essay by Lucas Ferreira'");
}

}  // namespace

TEST_CASE_METHOD(CliFixture, "a failed directory import leaves no database to trust", "[cli][directory]") {
  const std::string fresh = dir / "fresh.db";
  const std::vector<std::pair<std::string, std::string>> bad_files = {
      {"empty.csv", ""},
      {"header-only.csv", "student_id,first_name,last_name,photo_opt_out\n"},
      {"missing-columns.csv", "student_id,first_name\nS1,Maya\n"},
      {"binary.csv", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 20)},
  };
  for (const auto& [name, text] : bad_files) {
    INFO(name);
    WriteText(dir / name, text);
    auto r = Run("directory import " + Quote(dir / name) + " --db " + Quote(fresh));
    CHECK(r.exit_code == 65);
    CHECK_FALSE(fs::exists(fresh));
    auto check = CheckNamedWork(*this, fresh);
    CHECK(check.exit_code != 0);
    CHECK_THAT(check.out, !Catch::Contains("PUBLISH"));
  }
}

TEST_CASE_METHOD(CliFixture, "a failed import into a working directory leaves it as it was",
                 "[cli][directory]") {
  if (!HaveModels()) return;
  const std::string before = ReadText(db);
  WriteText(dir / "header-only.csv", "student_id,first_name,last_name,photo_opt_out\n");
  WriteText(dir / "bad-row.csv", "student_id,first_name,last_name,photo_opt_out\nS1001,Maya,Okafor,maybe\n");
  for (const char* csv : {"header-only.csv", "bad-row.csv"}) {
    for (const char* flag : {"", " --replace"}) {
      INFO(csv << flag);
      auto r = Run("directory import " + Quote(dir / csv) + " --db " + Quote(db) + flag);
      CHECK(r.exit_code == 65);
      CHECK(ReadText(db) == before);
    }
  }
  auto check = CheckNamedWork(*this, db);
  CHECK(check.exit_code == 2);  // still blocks: the directory was kept
}

TEST_CASE_METHOD(CliFixture, "an emptied directory sends everything to review, never publish",
                 "[cli][directory]") {
  if (!HaveModels()) return;
  REQUIRE(CheckNamedWork(*this, db).exit_code == 2);
  REQUIRE(Run("directory purge --db " + Quote(db)).exit_code == 0);
  auto check = CheckNamedWork(*this, db);
  CHECK(check.exit_code == 1);
  CHECK_THAT(check.out, Catch::Contains("REVIEW") && Catch::Contains("directory_unavailable") &&
                            Catch::Contains("holds no students"));
  CHECK_THAT(check.out, Catch::Contains("warning: the directory holds no students"));
  // A photo with no name at all goes to review too: nothing was checked.
  WriteBytes(dir / "garden.png", Encode(DrawScene(), ".png"));
  auto garden = Run("check --no-recognition " + Quote(dir / "garden.png") + " --db " + Quote(db));
  CHECK(garden.exit_code == 1);
  auto status = Run("directory status --db " + Quote(db));
  CHECK(status.exit_code == 65);
  CHECK_THAT(status.out, Catch::Contains(": 0 student(s) (0 opted out)"));
}

TEST_CASE_METHOD(CliFixture, "check, run and directory status name the directory they used",
                 "[cli][directory]") {
  if (!HaveModels()) return;
  const std::string csv_sha = pg::Sha256Hex(ReadBytes(dir / "students.csv"));
  const std::string canonical_csv = fs::canonical(dir / "students.csv").string();
  auto status = Run("directory status --db " + Quote(db));
  CHECK(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains(db + ": 3 student(s) (1 opted out), 0 enrolled, 0 stale; imported "));
  CHECK_THAT(status.out, Catch::Contains("from " + canonical_csv + " (sha256 " + csv_sha + ")"));

  auto check = CheckNamedWork(*this, db);
  CHECK_THAT(check.out, Catch::Contains("publish-gate: directory " + db + ": 3 student(s)") &&
                            Catch::Contains(csv_sha));

  WriteBytes(dir / "in/garden.png", Encode(DrawScene(), ".png"));
  auto run = Run("run --no-recognition " + Quote(dir / "in") + " --out " + Quote(dir / "out") + " --db " +
                 Quote(db));
  CHECK_THAT(run.out, Catch::Contains("publish-gate: directory " + db));
  auto report = nlohmann::json::parse(ReadText(dir / "out/report.json"));
  const auto& d = report["summary"]["directory_info"];
  CHECK(d["path"] == db);
  CHECK(d["students"] == 3);
  CHECK(d["opted_out"] == 1);
  CHECK(d["enrolled"] == 0);
  CHECK(d["stale"] == 0);
  CHECK(d["import_file"] == canonical_csv);
  CHECK(d["import_sha256"] == csv_sha);
  CHECK(report["summary"]["students"] == 3);
}

TEST_CASE_METHOD(CliFixture, "a permission without a school year is warned about at import",
                 "[cli][directory]") {
  WriteText(dir / "perm.csv",
            "student_id,first_name,last_name,photo_opt_out,name_photo_permission\nS1,Ann,Lee,N,parent\n");
  auto r = Run("directory import " + Quote(dir / "perm.csv") + " --db " + Quote(dir / "perm.db"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("warning:") &&
                        Catch::Contains("line 2: name_photo_permission 'parent' has no permission_school_year"));
}

TEST_CASE_METHOD(CliFixture, "the school year flag must be two consecutive years", "[cli]") {
  if (!HaveModels()) return;
  WriteBytes(dir / "a.png", Encode(DrawScene(), ".png"));
  for (const char* bad : {"banana", "2026-28", "2026"}) {
    INFO(bad);
    auto r = Run("check --no-recognition " + Quote(dir / "a.png") + " --db " + Quote(db) +
                 " --school-year " + bad);
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.out, Catch::Contains("two consecutive years like 2026-27"));
  }
  CHECK(Run("check --no-recognition " + Quote(dir / "a.png") + " --db " + Quote(db) +
            " --school-year 2026-27")
            .exit_code == 0);
}

TEST_CASE("a mistyped command lists the commands and suggests the nearest", "[cli]") {
  auto chek = CliFixture::Run("chek photo.jpg");
  CHECK(chek.exit_code == 64);
  CHECK_THAT(chek.out, Catch::Contains("unknown command 'chek'; did you mean 'check'?") &&
                           Catch::Contains("check, run, strip, directory"));
  CHECK_THAT(chek.out, !Catch::Contains("A subcommand is required"));
  auto enrol = CliFixture::Run("directory enrol --db x.db");
  CHECK(enrol.exit_code == 64);
  CHECK_THAT(enrol.out, Catch::Contains("publish-gate directory: unknown command 'enrol'; did you mean 'enroll'?"));
  auto bare = CliFixture::Run("directory");
  CHECK(bare.exit_code == 64);
  CHECK_THAT(bare.out, Catch::Contains("import, status, purge, enroll") ||
                           Catch::Contains("import, purge, status, enroll") || Catch::Contains("import"));
  auto far = CliFixture::Run("frobnicate");
  CHECK(far.exit_code == 64);
  CHECK_THAT(far.out, Catch::Contains("unknown command 'frobnicate'") && !Catch::Contains("did you mean"));
}

TEST_CASE_METHOD(CliFixture, "run given an image says to use check, and check given a folder says run",
                 "[cli]") {
  WriteBytes(dir / "in/a.png", Encode(DrawScene(), ".png"));
  auto run = Run("run " + Quote(dir / "in/a.png") + " --out " + Quote(dir / "out") + " --db " + Quote(db));
  CHECK(run.exit_code == 64);
  CHECK_THAT(run.out, Catch::Contains("is an image") && Catch::Contains("publish-gate check"));
  CHECK_FALSE(fs::exists(dir / "out"));
  auto check = Run("check --no-recognition " + Quote(dir / "in") + " --db " + Quote(db));
  CHECK(check.exit_code == 64);
  CHECK_THAT(check.out, Catch::Contains("is a folder") && Catch::Contains("publish-gate run"));
}

TEST_CASE_METHOD(CliFixture, "a NUL in a manifest path is refused and never reaches the report",
                 "[cli][ingest]") {
  if (!HaveModels()) return;
  WriteBytes(dir / "in/a.png", Encode(DrawScene(), ".png"));
  WriteText(dir / "in/manifest.json", R"([{"file": "a.png"}, {"file": "a.png\u0000.jpg"}])");
  auto r = Run("run --no-recognition " + Quote(dir / "in/manifest.json") + " --out " + Quote(dir / "out") +
               " --db " + Quote(db));
  CHECK(r.exit_code == 1);
  const std::string text = ReadText(dir / "out/report.json");
  CHECK(text.find("\\u0000") == std::string::npos);
  auto report = nlohmann::json::parse(text);
  REQUIRE(report["items"].size() == 2);
  CHECK(report["items"][0]["verdict"] == "publish");
  CHECK(report["items"][1]["verdict"] == "review");
  CHECK(report["items"][1]["reasons"][0]["code"] == "ingest_error");
  CHECK(report["items"][1]["output"].is_null());
  std::vector<std::string> published;
  for (const auto& e : fs::recursive_directory_iterator(dir / "out/publish")) {
    if (e.is_regular_file()) published.push_back(e.path().filename().string());
  }
  CHECK(published == std::vector<std::string>{"a.png"});
}

TEST_CASE_METHOD(CliFixture, "a file name that is not UTF-8 goes to review and the report stays valid",
                 "[cli][ingest]") {
  if (!HaveModels()) return;
  WriteBytes(dir / "in/caf\xE9.png", Encode(DrawScene(), ".png"));  // Latin-1 "café"
  auto r = Run("run --no-recognition " + Quote(dir / "in") + " --out " + Quote(dir / "out") + " --db " +
               Quote(db));
  CHECK(r.exit_code == 1);
  auto report = nlohmann::json::parse(ReadText(dir / "out/report.json"));
  REQUIRE(report["items"].size() == 1);
  CHECK(report["items"][0]["file"] == "caf?.png");
  CHECK(report["items"][0]["verdict"] == "review");
  CHECK(report["items"][0]["output"].is_null());
}
