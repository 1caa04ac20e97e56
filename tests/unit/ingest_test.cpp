#include <catch2/catch.hpp>

#include <filesystem>

#include "io/ingest.h"
#include "test_util.h"

using pg::testing::TempDir;
using pg::testing::WriteText;

namespace {

const pg::ItemInput* Find(const std::vector<pg::ItemInput>& items, const std::string& rel) {
  for (const auto& i : items) {
    if (i.rel_path == rel) return &i;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("folder ingest lists files recursively, skips hidden ones, sorted", "[ingest]") {
  TempDir d;
  WriteText(d / "in/b.jpg", "x");
  WriteText(d / "in/sub/a.png", "x");
  WriteText(d / "in/.DS_Store", "x");
  WriteText(d / "in/.git/config", "x");
  pg::RealFileSystem fs;
  auto items = pg::Ingest(fs, d / "in");
  REQUIRE(items.ok());
  REQUIRE(items->size() == 2);
  CHECK((*items)[0].rel_path == "b.jpg");
  CHECK((*items)[1].rel_path == "sub/a.png");
  CHECK((*items)[1].ingest_error.empty());
  CHECK((*items)[1].kind == pg::ItemKind::kPhoto);
}

TEST_CASE("folder ingest refuses symlinks that escape the input root", "[ingest]") {
  TempDir d;
  WriteText(d / "secret.jpg", "x");
  WriteText(d / "in/ok.jpg", "x");
  std::filesystem::create_symlink(d / "secret.jpg", d / "in/escape.jpg");
  std::filesystem::create_symlink(d / "in/ok.jpg", d / "in/inside.jpg");
  pg::RealFileSystem fs;
  auto items = pg::Ingest(fs, d / "in");
  REQUIRE(items.ok());
  const auto* esc = Find(*items, "escape.jpg");
  REQUIRE(esc != nullptr);
  CHECK(esc->path.empty());
  CHECK_THAT(esc->ingest_error, Catch::Contains("outside the input folder"));
  const auto* inside = Find(*items, "inside.jpg");
  REQUIRE(inside != nullptr);
  CHECK(inside->ingest_error.empty());
}

TEST_CASE("missing input is NotFound", "[ingest]") {
  TempDir d;
  pg::RealFileSystem fs;
  auto items = pg::Ingest(fs, d / "nope");
  REQUIRE_FALSE(items.ok());
  CHECK(items.status().code() == pg::Code::kNotFound);
}

TEST_CASE("CSV manifest: bad rows become items with precise errors, good rows go on", "[ingest]") {
  TempDir d;
  WriteText(d / "m/photos/a.jpg", "x");
  WriteText(d / "m/photos/b.jpg", "x");
  WriteText(d / "outside.jpg", "x");
  WriteText(d / "m/manifest.csv",
            "file,caption,alt_text,page,kind\n"
            "photos/a.jpg,\"Field day, 2026\",Kids running,news,photo\n"
            "../outside.jpg,cap,,news,photo\n"
            "/etc/passwd,cap,,news,photo\n"
            "photos/b.jpg,cap,alt,news,painting\n"
            "photos/missing.jpg,cap,alt,news,photo\n"
            "photos/b.jpg,too,many,fields,photo,extra\n"
            "photos/a.jpg,again,,news,photo\n");
  pg::RealFileSystem fs;
  auto items = pg::Ingest(fs, d / "m/manifest.csv");
  REQUIRE(items.ok());
  REQUIRE(items->size() == 7);
  const auto& v = *items;
  CHECK(v[0].ingest_error.empty());
  CHECK(v[0].caption == "Field day, 2026");
  CHECK(v[0].alt_text == "Kids running");
  CHECK_THAT(v[1].ingest_error, Catch::Contains("line 3") && Catch::Contains("escapes the input root"));
  CHECK_THAT(v[2].ingest_error, Catch::Contains("line 4") && Catch::Contains("absolute path"));
  CHECK_THAT(v[3].ingest_error, Catch::Contains("line 5") && Catch::Contains("kind must be"));
  CHECK_THAT(v[4].ingest_error, Catch::Contains("line 6") && Catch::Contains("not found"));
  CHECK_THAT(v[5].ingest_error, Catch::Contains("line 7") && Catch::Contains("expected 5 fields, found 6"));
  CHECK_THAT(v[6].ingest_error, Catch::Contains("line 8") && Catch::Contains("more than once"));
}

TEST_CASE("CSV manifest without a file column is rejected as a whole", "[ingest]") {
  TempDir d;
  WriteText(d / "manifest.csv", "path,caption\na.jpg,x\n");
  pg::RealFileSystem fs;
  auto items = pg::Ingest(fs, d / "manifest.csv");
  REQUIRE_FALSE(items.ok());
  CHECK(items.status().code() == pg::Code::kBadData);
  CHECK_THAT(items.status().message(), Catch::Contains("no 'file' column"));
}

TEST_CASE("JSON manifest: array or {items: [...]}, with student-work kind", "[ingest]") {
  TempDir d;
  WriteText(d / "w/essay.png", "x");
  WriteText(d / "w/a.json",
            R"([{"file": "essay.png", "caption": "Essay", "kind": "student-work"}, {"caption": 3}])");
  WriteText(d / "w/b.json", R"({"items": [{"file": "essay.png", "alt_text": "An essay"}]})");
  WriteText(d / "w/c.json", R"({"items": [)");
  pg::RealFileSystem fs;
  auto a = pg::Ingest(fs, d / "w/a.json");
  REQUIRE(a.ok());
  REQUIRE(a->size() == 2);
  CHECK((*a)[0].kind == pg::ItemKind::kStudentWork);
  CHECK((*a)[0].ingest_error.empty());
  CHECK_THAT((*a)[1].ingest_error, Catch::Contains("item 1"));
  auto b = pg::Ingest(fs, d / "w/b.json");
  REQUIRE(b.ok());
  CHECK((*b)[0].alt_text == "An essay");
  auto c = pg::Ingest(fs, d / "w/c.json");
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.status().message(), Catch::Contains("not valid JSON"));
}

TEST_CASE("a control character in a manifest path is refused and never reaches a report raw",
          "[ingest]") {
  TempDir d;
  WriteText(d / "in/a.png", "x");
  // JSON can carry a NUL; "a.png\u0000x" would pass a duplicate check and cut the path short.
  WriteText(d / "in/m.json",
            R"([{"file": "a.png"}, {"file": "a.png\u0000.jpg"}, {"file": "b\nc.png"}, {"file": "a\u001b[2J.png"}])");
  pg::RealFileSystem fs;
  auto items = pg::Ingest(fs, d / "in/m.json");
  REQUIRE(items.ok());
  REQUIRE(items->size() == 4);
  CHECK((*items)[0].ingest_error.empty());
  for (size_t i = 1; i < 4; ++i) {
    const auto& item = (*items)[i];
    INFO(item.rel_path);
    CHECK_THAT(item.ingest_error, Catch::Contains("control character"));
    CHECK(item.path.empty());
    for (unsigned char c : item.rel_path) CHECK((c >= 0x20 && c != 0x7f));
  }
  CHECK_THAT((*items)[1].ingest_error, Catch::Contains("U+0000"));
  CHECK_THAT((*items)[2].ingest_error, Catch::Contains("U+000A"));
}

TEST_CASE("a folder file whose name holds a control character is an ingest error", "[ingest]") {
  TempDir d;
  WriteText(d / "in/ok.png", "x");
  WriteText(d / "in/bad\nname.png", "x");
  pg::RealFileSystem fs;
  auto items = pg::Ingest(fs, d / "in");
  REQUIRE(items.ok());
  const auto* bad = Find(*items, "bad?name.png");
  REQUIRE(bad != nullptr);
  CHECK_THAT(bad->ingest_error, Catch::Contains("control character (U+000A)"));
  CHECK(bad->path.empty());
}

TEST_CASE("a file name that is not UTF-8 is an ingest error shown with '?'", "[ingest]") {
  TempDir d;
  WriteText(d / "in/caf\xE9.png", "x");  // Latin-1 "café": reports are UTF-8
  pg::RealFileSystem fs;
  auto items = pg::Ingest(fs, d / "in");
  REQUIRE(items.ok());
  REQUIRE(items->size() == 1);
  CHECK((*items)[0].rel_path == "caf?.png");
  CHECK_THAT((*items)[0].ingest_error, Catch::Contains("bytes that are not UTF-8"));
  CHECK((*items)[0].path.empty());
}

TEST_CASE("the same file listed under two spellings is a duplicate", "[ingest]") {
  TempDir d;
  WriteText(d / "in/sub/a.png", "x");
  std::filesystem::create_symlink(d / "in/sub/a.png", d / "in/alias.png");
  WriteText(d / "in/m.csv", "file\nsub/a.png\n./sub/../sub/a.png\nsub//a.png\nalias.png\n");
  pg::RealFileSystem fs;
  auto items = pg::Ingest(fs, d / "in/m.csv");
  REQUIRE(items.ok());
  REQUIRE(items->size() == 4);
  CHECK((*items)[0].ingest_error.empty());
  for (size_t i = 1; i < 4; ++i) {
    INFO(i);
    CHECK_THAT((*items)[i].ingest_error, Catch::Contains("is listed more than once"));
  }
}

TEST_CASE("ingest never reads the run's own output folder inside the input", "[ingest]") {
  TempDir d;
  for (const char* f : {"in/a.png", "in/out/publish/a.png", "in/out/report.csv", "in/outside.png"}) {
    WriteText(d / f, "x");
  }
  WriteText(d / "in/manifest.csv", "file\na.png\nout/publish/a.png\n./out/../out/report.csv\n");
  pg::RealFileSystem fs;
  auto folder = pg::Ingest(fs, d / "in", d / "in/out");
  REQUIRE(folder.ok());
  std::vector<std::string> rels;
  for (const auto& item : *folder) rels.push_back(item.rel_path);
  CHECK(rels == std::vector<std::string>{"a.png", "manifest.csv", "outside.png"});
  CHECK(pg::Ingest(fs, d / "in", d / "elsewhere")->size() == 5);  // an OUT not inside: all read

  auto manifest = pg::Ingest(fs, d / "in/manifest.csv", d / "in/out");
  REQUIRE(manifest.ok());
  REQUIRE(manifest->size() == 3);
  CHECK((*manifest)[0].ingest_error.empty());
  CHECK_THAT((*manifest)[1].ingest_error, Catch::Contains("line 3") && Catch::Contains("inside the output folder"));
  CHECK_THAT((*manifest)[2].ingest_error, Catch::Contains("inside the output folder"));

  auto same = pg::Ingest(fs, d / "in", d / "in");
  CHECK(same.status().code() == pg::Code::kConfig);
}
