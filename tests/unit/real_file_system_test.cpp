#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>

#include "io/file_system.h"
#include "test_util.h"

using pg::testing::TempDir;

TEST_CASE("RealFileSystem reads a whole file, byte for byte", "[io]") {
  TempDir dir;
  pg::Bytes data(3 * 1024 * 1024 + 17);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 131 >> 3);
  pg::testing::WriteBytes(dir / "big.bin", data);
  pg::testing::WriteBytes(dir / "empty.bin", {});
  pg::RealFileSystem fs;
  auto read = fs.ReadFile(dir / "big.bin", data.size());
  REQUIRE(read.ok());
  CHECK(*read == data);
  auto empty = fs.ReadFile(dir / "empty.bin", 0);
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("RealFileSystem refuses missing, oversized and non-regular files with one message",
          "[io]") {
  TempDir dir;
  pg::testing::WriteText(dir / "a.txt", "12345");
  REQUIRE(::mkfifo((dir / "pipe").c_str(), 0600) == 0);
  pg::RealFileSystem fs;
  auto missing = fs.ReadFile(dir / "nope.jpg", 100);
  CHECK(missing.status().code() == pg::Code::kNotFound);
  CHECK(missing.status().message() == dir / "nope.jpg: no such file");
  CHECK(fs.ReadFile(dir / "a.txt/inside", 100).status().code() == pg::Code::kNotFound);
  auto big = fs.ReadFile(dir / "a.txt", 4);
  CHECK(big.status().code() == pg::Code::kTooLarge);
  CHECK_THAT(big.status().message(), Catch::Contains("5 bytes, over the limit of 4"));
  CHECK(fs.ReadFile(dir.path(), 100).status().code() == pg::Code::kBadData);
  // A FIFO without a writer would block a plain open; it is refused at once.
  auto fifo = fs.ReadFile(dir / "pipe", 100);
  CHECK(fifo.status().code() == pg::Code::kBadData);
  CHECK_THAT(fifo.status().message(), Catch::Contains("not a regular file"));
}
