// The reason table (core/reasons.h) is the one place codes, effects and rules are written:
// these tests hold it to itself and hold the README's "Reason codes" table to it.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "core/reasons.h"

namespace {

/// The README's reason table: code -> verdict column.
std::map<std::string, std::string> ReadmeReasonTable() {
  std::ifstream in(std::string(PG_SOURCE_DIR) + "/README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::map<std::string, std::string> rows;
  const size_t start = text.find("Reason codes:");
  if (start == std::string::npos) return rows;
  const std::regex row(R"(^\| `([a-z_]+)` \| (block|review|publish) \|)");
  std::istringstream lines(text.substr(start));
  std::string line;
  bool in_table = false;
  while (std::getline(lines, line)) {
    if (line.rfind("|", 0) == 0) in_table = true;
    else if (in_table) break;  // the table ends at its first non-table line
    std::smatch m;
    if (std::regex_search(line, m, row)) rows[m[1]] = m[2];
  }
  return rows;
}

}  // namespace

TEST_CASE("every reason code has one row, found by its name", "[reasons]") {
  std::set<std::string> names;
  for (const auto& r : pg::AllReasons()) {
    INFO(r.name);
    CHECK(names.insert(r.name).second);
    CHECK(&pg::Describe(r.code) == &r);
    REQUIRE(pg::ParseReasonCode(r.name).has_value());
    CHECK(*pg::ParseReasonCode(r.name) == r.code);
    CHECK(std::string(r.title).size() > 5);
    CHECK(std::string(r.rule).size() > 5);
    CHECK(r.effect != pg::Verdict::kPublish);  // a reason always holds something back
  }
  CHECK_FALSE(pg::ParseReasonCode("opted_out").has_value());
  CHECK_FALSE(pg::ParseReasonCode("").has_value());
}

TEST_CASE("only the three policy rules block", "[reasons]") {
  std::set<std::string> blocks;
  for (const auto& r : pg::AllReasons()) {
    if (r.effect == pg::Verdict::kBlock) blocks.insert(r.name);
  }
  CHECK(blocks == std::set<std::string>{"opted_out_student_in_photo", "opted_out_name_with_photo",
                                        "name_photo_pairing_without_permission"});
}

TEST_CASE("the README's reason table is the code's table", "[reasons]") {
  const auto readme = ReadmeReasonTable();
  REQUIRE_FALSE(readme.empty());
  std::map<std::string, std::string> code;
  for (const auto& r : pg::AllReasons()) code[r.name] = pg::VerdictName(r.effect);
  CHECK(readme == code);
}
