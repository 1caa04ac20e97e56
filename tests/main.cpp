// The test binary's entry point: Catch2's, plus the skip exit code (see skip.h).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "skip.h"

int main(int argc, char* argv[]) {
  const int failed = Catch::Session().run(argc, argv);
  if (failed != 0) return failed == pg::testing::kSkipExitCode ? failed + 1 : failed;
  return pg::testing::SkippedTests() > 0 ? pg::testing::kSkipExitCode : 0;
}
