// CliFixture: a temporary folder with a student directory imported through the CLI, and
// Run() for running the publish-gate binary as a user would (stdout and stderr together).
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "test_util.h"

namespace pg::testing {

inline const std::string kCli = PG_CLI_PATH;

inline const char* kStudentsCsv =
    "student_id,first_name,last_name,preferred_name,grade,school,photo_opt_out,"
    "name_photo_permission,permission_school_year,reference_photos\n"
    "S1001,Maya,Okafor,,4,Lincoln Elementary,Y,none,,\n"
    "S1002,Lucas,Ferreira,Luke,5,Lincoln Elementary,N,none,,\n"
    "S1003,Sofía,Núñez,,5,Lincoln Elementary,N,student+parent,2026-27,\n";

struct CliFixture {
  TempDir dir;
  std::string db;

  CliFixture() : db(dir / "dir.db") {
    WriteText(dir / "students.csv", kStudentsCsv);
    auto r = Run("directory import " + Quote(dir / "students.csv") + " --db " + Quote(db));
    REQUIRE(r.exit_code == 0);
  }
  /// Runs `publish-gate ARGS` with no default directory (HOME and XDG_DATA_HOME cleared).
  static CommandResult Run(const std::string& args) {
    return RunCommand("HOME=/nonexistent-home XDG_DATA_HOME= " + Quote(kCli) + " " + args);
  }
  /// Run, keeping stdout only (e.g. `--json`); stderr's notes (the directory used,
  /// warnings) are dropped.
  static CommandResult RunStdout(const std::string& args) {
    return RunCommand("{ HOME=/nonexistent-home XDG_DATA_HOME= " + Quote(kCli) + " " + args +
                      " 2>/dev/null; }");
  }
};

}  // namespace pg::testing
