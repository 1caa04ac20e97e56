#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
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

namespace {

unsigned Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

/// Runs `f` under umask 000 (the worst a user can set), then restores the umask.
template <typename F>
auto UnderUmask000(F f) {
  const mode_t old = ::umask(0);
  auto r = f();
  ::umask(old);
  return r;
}

}  // namespace

TEST_CASE("RealFileSystem::CreateFolders gives each folder it creates exactly the mode asked", "[io]") {
  TempDir dir;
  pg::RealFileSystem fs;
  std::filesystem::create_directories(dir / "old");
  ::chmod((dir / "old").c_str(), 0755);
  REQUIRE(UnderUmask000([&] { return fs.CreateFolders(dir / "old/a/b", 0700); }).ok());
  CHECK(Mode(dir / "old") == 0755);  // existing folders are left as they are
  CHECK(Mode(dir / "old/a") == 0700);
  CHECK(Mode(dir / "old/a/b") == 0700);
  CHECK(fs.CreateFolders(dir / "old/a/b", 0700).ok());
  pg::testing::WriteText(dir / "file", "x");
  CHECK_FALSE(fs.CreateFolders(dir / "file/sub", 0700).ok());
}

TEST_CASE("RealFileSystem::WriteFileAtomic makes missing folders private whatever the umask", "[io]") {
  TempDir dir;
  pg::RealFileSystem fs;
  REQUIRE(UnderUmask000([&] { return fs.WriteFileAtomic(dir / "clean/sub/a.png", {1, 2, 3}, 0644); }).ok());
  CHECK(Mode(dir / "clean") == 0700);
  CHECK(Mode(dir / "clean/sub") == 0700);
  CHECK(Mode(dir / "clean/sub/a.png") == 0644);
  CHECK(pg::testing::ReadBytes(dir / "clean/sub/a.png") == pg::Bytes{1, 2, 3});
}

TEST_CASE("RealFileSystem::AppendDurable appends to a file it creates with exactly its mode", "[io]") {
  TempDir dir;
  pg::RealFileSystem fs;
  REQUIRE(UnderUmask000([&] { return fs.AppendDurable(dir / "j.jsonl", pg::Bytes{'a', '\n'}, 0600); }).ok());
  REQUIRE(fs.AppendDurable(dir / "j.jsonl", pg::Bytes{'b', '\n'}, 0600).ok());
  CHECK(pg::testing::ReadText(dir / "j.jsonl") == "a\nb\n");
  CHECK(Mode(dir / "j.jsonl") == 0600);
  CHECK_FALSE(fs.AppendDurable(dir / "missing/j.jsonl", pg::Bytes{'a'}, 0600).ok());
}

TEST_CASE("RealFileSystem::Rename moves a file, replacing one at the destination", "[io]") {
  TempDir dir;
  pg::RealFileSystem fs;
  pg::testing::WriteText(dir / "staged", "new");
  pg::testing::WriteText(dir / "dest/a.png", "old");
  REQUIRE(fs.Rename(dir / "staged", dir / "dest/a.png").ok());
  CHECK(pg::testing::ReadText(dir / "dest/a.png") == "new");
  CHECK_FALSE(fs.Exists(dir / "staged"));
  auto missing = fs.Rename(dir / "staged", dir / "dest/b.png");
  CHECK_FALSE(missing.ok());
  CHECK_THAT(missing.message(), Catch::Contains("staged"));
}

TEST_CASE("RealFileSystem::RemoveFile deletes a file or a symlink, never a folder", "[io]") {
  TempDir dir;
  pg::RealFileSystem fs;
  pg::testing::WriteText(dir / "f", "x");
  pg::testing::WriteText(dir / "folder/keep", "x");
  REQUIRE(::symlink((dir / "folder").c_str(), (dir / "link").c_str()) == 0);
  CHECK(fs.RemoveFile(dir / "f").ok());
  CHECK_FALSE(fs.Exists(dir / "f"));
  CHECK(fs.RemoveFile(dir / "f").ok());  // absent: nothing to do
  CHECK(fs.RemoveFile(dir / "link").ok());
  CHECK(fs.Exists(dir / "folder/keep"));
  CHECK_FALSE(fs.RemoveFile(dir / "folder").ok());
  CHECK(fs.Exists(dir / "folder/keep"));
}

TEST_CASE("RealFileSystem::ListAllEntries lists every entry but folders, hidden ones included", "[io]") {
  TempDir dir;
  pg::RealFileSystem fs;
  for (const char* f : {"p/a.png", "p/.x.png", "p/.hidden/y.png", "p/sub/z.png"}) pg::testing::WriteText(dir / f, "x");
  std::filesystem::create_directories(dir / "p/empty");
  REQUIRE(::symlink("/etc", (dir / "p/link").c_str()) == 0);  // listed, not followed
  REQUIRE(::mkfifo((dir / "p/fifo").c_str(), 0600) == 0);
  auto all = fs.ListAllEntries(dir / "p");
  REQUIRE(all.ok());
  CHECK(*all == std::vector<std::string>{".hidden/y.png", ".x.png", "a.png", "fifo", "link", "sub/z.png"});
  CHECK(fs.ListAllEntries(dir / "nope").status().code() == pg::Code::kNotFound);
}
