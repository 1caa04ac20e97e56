#include <catch2/catch.hpp>

#include "core/clock.h"

namespace {
std::chrono::system_clock::time_point At(int y, int m, int d) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_hour = 12;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}
}  // namespace

TEST_CASE("a school year runs from July 1 to June 30", "[clock]") {
  CHECK(pg::SchoolYearAt(At(2026, 11, 29)) == "2026-27");
  CHECK(pg::SchoolYearAt(At(2027, 6, 30)) == "2026-27");
  CHECK(pg::SchoolYearAt(At(2027, 7, 1)) == "2027-28");
  CHECK(pg::SchoolYearAt(At(2099, 12, 1)) == "2099-00");
}

TEST_CASE("timestamps are ISO 8601 UTC", "[clock]") {
  CHECK(pg::IsoTimestamp(At(2026, 11, 29)) == "2026-11-29T12:00:00Z");
}

TEST_CASE("a school year is two consecutive years written YYYY-YY", "[clock]") {
  CHECK(pg::IsSchoolYear("2026-27"));
  CHECK(pg::IsSchoolYear("2099-00"));
  for (const char* bad : {"banana", "2026-28", "2026/27", "26-27", "2026-2027", "", "2026-2x", " 2026-27"}) {
    INFO(bad);
    CHECK_FALSE(pg::IsSchoolYear(bad));
  }
}
