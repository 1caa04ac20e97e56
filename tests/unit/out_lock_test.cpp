#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "publish/out_lock.h"
#include "test_util.h"

using pg::testing::TempDir;

namespace {

unsigned Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("OutLock: one holder at a time, the next is kBusy with the holder's pid", "[publish]") {
  TempDir dir;
  const mode_t old_umask = ::umask(0);
  auto first = pg::OutLock::Acquire(dir / "out/nested");
  ::umask(old_umask);
  REQUIRE(first.ok());
  CHECK(Mode(dir / "out") == 0700);  // created, whatever the umask
  CHECK(Mode(dir / "out/nested") == 0700);
  CHECK(Mode(dir / "out/nested/.lock") == 0600);
  CHECK(pg::testing::ReadText(dir / "out/nested/.lock") == std::to_string(::getpid()) + "\n");
  // flock(2) locks belong to an open file: a second Acquire conflicts even in this process.
  auto second = pg::OutLock::Acquire(dir / "out/nested");
  CHECK(second.status().code() == pg::Code::kBusy);
  CHECK_THAT(second.status().message(),
             Catch::Contains("in use by another publish-gate run (pid " + std::to_string(::getpid()) + ")"));
  first->reset();  // released
  auto third = pg::OutLock::Acquire(dir / "out/nested");
  CHECK(third.ok());
}
