#include "core/clock.h"

#include <cstdio>
#include <ctime>

namespace pg {

namespace {
std::tm UtcTm(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}
}  // namespace

std::string SchoolYearAt(std::chrono::system_clock::time_point t) {
  std::tm tm = UtcTm(t);
  int year = tm.tm_year + 1900;
  int start = tm.tm_mon >= 6 ? year : year - 1;  // tm_mon 6 = July
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d-%02d", start, (start + 1) % 100);
  return buf;
}

bool IsSchoolYear(const std::string& s) {
  if (s.size() != 7 || s[4] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int start = std::stoi(s.substr(0, 4));
  const int end = std::stoi(s.substr(5, 2));
  return (start + 1) % 100 == end;
}

std::string IsoTimestamp(std::chrono::system_clock::time_point t) {
  std::tm tm = UtcTm(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace pg
