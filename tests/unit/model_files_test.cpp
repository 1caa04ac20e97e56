// ReadVerifiedModel on a temporary models folder: only a file whose SHA-256 manifest.txt
// pins is handed out; every other case is a config error that names the file and the fix.
#include <catch2/catch.hpp>

#include "core/sha256.h"
#include "faces/model_files.h"
#include "test_util.h"

namespace {

using pg::testing::TempDir;

const std::string kContent = "weights";

std::string Pin(const std::string& content, const std::string& name) {
  return pg::Sha256Hex(pg::Bytes(content.begin(), content.end())) + "  " + name + "\n";
}

}  // namespace

TEST_CASE("a model file matching its manifest.txt checksum is read, with its checksum", "[models]") {
  TempDir dir;
  pg::testing::WriteText(dir / "manifest.txt", "# comment line\n" + Pin("other", "other.bin") +
                                                   Pin(kContent, "net.bin"));
  pg::testing::WriteText(dir / "net.bin", kContent);
  std::string sha;
  auto bytes = pg::ReadVerifiedModel(dir.path(), "net.bin", &sha);
  REQUIRE(bytes.ok());
  CHECK(std::string(bytes->begin(), bytes->end()) == kContent);
  CHECK(sha == pg::Sha256Hex(*bytes));
}

TEST_CASE("an altered, missing or unpinned model file is a config error naming it", "[models]") {
  TempDir dir;
  pg::testing::WriteText(dir / "manifest.txt", Pin(kContent, "net.bin"));

  auto missing = pg::ReadVerifiedModel(dir.path(), "net.bin");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == pg::Code::kConfig);
  CHECK_THAT(missing.status().message(), Catch::Contains(dir / "net.bin") && Catch::Contains("missing") &&
                                             Catch::Contains("tools/fetch-models"));

  pg::testing::WriteText(dir / "net.bin", kContent + " ");
  auto altered = pg::ReadVerifiedModel(dir.path(), "net.bin");
  REQUIRE_FALSE(altered.ok());
  CHECK(altered.status().code() == pg::Code::kConfig);
  CHECK_THAT(altered.status().message(), Catch::Contains("checksum mismatch") &&
                                             Catch::Contains("tools/fetch-models"));

  pg::testing::WriteText(dir / "extra.bin", kContent);
  auto unpinned = pg::ReadVerifiedModel(dir.path(), "extra.bin");
  REQUIRE_FALSE(unpinned.ok());
  CHECK(unpinned.status().code() == pg::Code::kConfig);
  CHECK_THAT(unpinned.status().message(), Catch::Contains("no checksum for extra.bin"));
}

TEST_CASE("a models folder without manifest.txt is a config error", "[models]") {
  TempDir dir;
  pg::testing::WriteText(dir / "net.bin", kContent);
  auto r = pg::ReadVerifiedModel(dir.path(), "net.bin");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == pg::Code::kConfig);
  CHECK_THAT(r.status().message(), Catch::Contains("manifest.txt") && Catch::Contains("missing"));
}
