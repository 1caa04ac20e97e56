// CliFixture: a temporary folder with a student directory imported through the CLI, and
// Run() for running the publish-gate binary as a user would (stdout and stderr together).
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "skip.h"
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
  /// False, the test skipped (skip.h), unless every model file models/manifest.txt pins is
  /// present: the gate's defaults load them (tools/fetch-models puts them there).
  static bool HaveModels() {
    const std::string dir = PG_MODELS_DIR;
    std::ifstream manifest(dir + "/manifest.txt");
    std::string line;
    while (std::getline(manifest, line)) {
      std::istringstream fields(line);
      std::string sha, file;
      if (line.empty() || line[0] == '#' || !(fields >> sha >> file)) continue;
      if (!HaveModelFiles(dir, {file})) return false;
    }
    return true;
  }
  /// Run, keeping stdout only (e.g. `--json`); stderr's notes (the directory used,
  /// warnings) are dropped.
  static CommandResult RunStdout(const std::string& args) {
    return RunCommand("{ HOME=/nonexistent-home XDG_DATA_HOME= " + Quote(kCli) + " " + args +
                      " 2>/dev/null; }");
  }
};

}  // namespace pg::testing
