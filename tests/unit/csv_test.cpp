#include "directory/csv.h"

#include <catch2/catch.hpp>

namespace pg {
namespace {

std::vector<CsvRow> MustParse(std::string_view text) {
  auto rows = ParseCsv(text);
  INFO(rows.status().ToString());
  REQUIRE(rows.ok());
  return *rows;
}

TEST_CASE("plain rows are split on commas and numbered by line", "[csv]") {
  auto rows = MustParse("id,name\nS1,Maya\nS2,Luke\n");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].fields == std::vector<std::string>{"id", "name"});
  CHECK(rows[2].fields == std::vector<std::string>{"S2", "Luke"});
  CHECK(rows[0].line == 1);
  CHECK(rows[1].line == 2);
  CHECK(rows[2].line == 3);
}

TEST_CASE("quoted fields keep commas and doubled quotes", "[csv]") {
  auto rows = MustParse("\"Okafor, Maya\",\"She said \"\"hi\"\"\",\"\"\n");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].fields == std::vector<std::string>{"Okafor, Maya", "She said \"hi\"", ""});
}

TEST_CASE("an embedded newline stays in the field and the row keeps its start line", "[csv]") {
  auto rows = MustParse("a,b\n1,\"two\nlines\"\n3,x\n");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].line == 2);
  CHECK(rows[1].fields[1] == "two\nlines");
  CHECK(rows[2].line == 4);  // the quoted field used lines 2 and 3
  CHECK(rows[2].fields == std::vector<std::string>{"3", "x"});
}

TEST_CASE("a UTF-8 byte-order mark is dropped", "[csv]") {
  auto rows = MustParse("\xEF\xBB\xBF" "student_id,first_name\nS1,Sof\xC3\xAD" "a\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].fields[0] == "student_id");
  CHECK(rows[1].fields[1] == "Sof\xC3\xAD" "a");
}

TEST_CASE("CRLF and LF line endings give the same rows", "[csv]") {
  auto crlf = MustParse("a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n");
  auto lf = MustParse("a,b\n1,\"x\ny\"\n2,z\n");
  REQUIRE(crlf.size() == 3);
  REQUIRE(lf.size() == 3);
  CHECK(crlf[0].fields == lf[0].fields);
  CHECK(crlf[2].fields == lf[2].fields);
  CHECK(crlf[2].line == 4);
  CHECK(crlf[1].fields[1] == "x\r\ny");  // line breaks inside quotes are kept verbatim
}

TEST_CASE("an unterminated quote is an error naming the line it opened on", "[csv]") {
  auto rows = ParseCsv("a,b\n1,2\n3,\"never closed\n4,5\n");
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.status().code() == Code::kBadData);
  CHECK(rows.status().message().rfind("line 3: unterminated quoted field", 0) == 0);
}

TEST_CASE("text after a closing quote is an error naming the line", "[csv]") {
  auto rows = ParseCsv("a,b\n\"x\"y,2\n");
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.status().message().rfind("line 2: unexpected character after closing quote", 0) == 0);
}

TEST_CASE("final line break is optional, blank lines and trailing commas are kept", "[csv]") {
  auto no_newline = MustParse("a,b\n1,2");
  REQUIRE(no_newline.size() == 2);
  CHECK(no_newline[1].fields == std::vector<std::string>{"1", "2"});

  auto rows = MustParse("a,b\n\n1,\n,,\n2,");
  REQUIRE(rows.size() == 5);
  CHECK(rows[1].fields == std::vector<std::string>{""});
  CHECK(IsBlankRow(rows[1]));
  CHECK(rows[2].fields == std::vector<std::string>{"1", ""});
  CHECK(IsBlankRow(rows[3]));
  CHECK_FALSE(IsBlankRow(rows[2]));
  CHECK(rows[4].fields == std::vector<std::string>{"2", ""});
  CHECK(rows[4].line == 5);
  CHECK(MustParse("").empty());
}

TEST_CASE("a quote inside an unquoted field is kept as a character", "[csv]") {
  auto rows = MustParse("5'10\",x\n");
  CHECK(rows[0].fields == std::vector<std::string>{"5'10\"", "x"});
}

TEST_CASE("header lookup ignores case and surrounding spaces", "[csv]") {
  CsvHeader header(CsvRow{1, {"Student ID", " First Name ", "file", "FILE"}});
  CHECK(header.Find("student id") == 0u);
  CHECK(header.Find("First Name") == 1u);
  CHECK(header.Find(" first name") == 1u);
  CHECK_FALSE(header.Find("Last Name").has_value());
  CHECK(header.Count("file") == 2);
  CHECK(header.Find("file") == 2u);
  CHECK(header.names()[1] == "First Name");
  CHECK(header.Describe() == "'Student ID', 'First Name', 'file', 'FILE'");
}

}  // namespace
}  // namespace pg
