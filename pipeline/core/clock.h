// Clock: the current time, behind an interface so permission checks (school years) and
// report timestamps are testable. SystemClock is the real one.
#pragma once

#include <chrono>
#include <string>

namespace pg {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

/// The school year containing `t` (UTC), "2026-27": a school year runs July 1 to June 30.
std::string SchoolYearAt(std::chrono::system_clock::time_point t);
/// "2026-27": four digits, a hyphen, the last two digits of the following year.
bool IsSchoolYear(const std::string& s);
/// ISO 8601 UTC timestamp, "2026-11-29T04:30:00Z".
std::string IsoTimestamp(std::chrono::system_clock::time_point t);

}  // namespace pg
