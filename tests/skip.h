// Skipping a test whose input is missing (face models, exiftool, a HEVC encoder).
//
// A test that cannot run calls SkipTest(reason) and returns. SkipTest prints
// "SKIPPED: <reason>" (so the reason is in the test's output) and counts the skip; main.cpp
// then exits with kSkipExitCode when nothing failed, and ctest, told so by the
// SKIP_RETURN_CODE property (tests/CMakeLists.txt), reports the test as skipped, never as
// passed. A failure in the same run wins over a skip. Not thread-safe (Catch2 runs one test
// at a time).
#pragma once

#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <string>

namespace pg::testing {

/// What the test binary returns when every test it ran passed or skipped and at least one
/// skipped (the Automake convention ctest is configured with).
constexpr int kSkipExitCode = 77;

inline int& SkippedTests() {
  static int count = 0;
  return count;
}

/// Records that the running test cannot do (all of) what it is for, and why: name the
/// missing input and how to provide it. The caller returns from the test (or section) right
/// after, or goes on only with checks that do not need the missing input.
inline void SkipTest(const std::string& reason) {
  ++SkippedTests();
  std::cout << "SKIPPED: " << reason << std::endl;
}

/// True when every one of `files` is in the models folder `dir`; otherwise the test is
/// skipped (SkipTest) naming the first missing file and tools/fetch-models, and false.
inline bool HaveModelFiles(const std::string& dir, std::initializer_list<std::string> files) {
  for (const auto& f : files) {
    if (!std::filesystem::exists(dir + "/" + f)) {
      SkipTest(dir + "/" + f + " absent (run tools/fetch-models)");
      return false;
    }
  }
  return true;
}

}  // namespace pg::testing
