#include "core/suggest.h"

#include <catch2/catch.hpp>

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps", "[suggest]") {
  CHECK(pg::EditDistance("check", "check") == 0);
  CHECK(pg::EditDistance("chek", "check") == 1);
  CHECK(pg::EditDistance("enrol", "enroll") == 1);
  CHECK(pg::EditDistance("enrlol", "enroll") == 1);  // a swap
  CHECK(pg::EditDistance("", "run") == 3);
  CHECK(pg::EditDistance("strip", "status") == 4);
}

TEST_CASE("the nearest command is suggested only when it is near", "[suggest]") {
  const std::vector<std::string> commands = {"check", "run", "strip", "directory"};
  CHECK(pg::Nearest("chek", commands) == "check");
  CHECK(pg::Nearest("rum", commands) == "run");
  CHECK(pg::Nearest("dir", commands) == "directory");  // a prefix of one command
  CHECK(pg::Nearest("directroy", commands) == "directory");
  CHECK(pg::Nearest("frobnicate", commands).empty());
  CHECK(pg::Nearest("publish", commands).empty());
  const std::vector<std::string> dir = {"import", "status", "enroll", "purge"};
  CHECK(pg::Nearest("enrol", dir) == "enroll");
  CHECK(pg::Nearest("imprt", dir) == "import");
}
