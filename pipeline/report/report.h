// Report: the gate's findings in the forms people and programs read.
//   - ItemJson: one item per the report contract (README "Report format"); stable keys,
//     later issues add keys but never remove or rename one.
//   - BatchReportJson / BatchReportCsv: report.json and report.csv of a `run`.
//   - HumanSummary: what `check` prints for a person.
// Pure functions of the results; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline.h"

namespace pg {

/// Facts about the run that go in the report's summary.
struct RunInfo {
  std::string started_at;    ///< ISO 8601 UTC
  std::string input;         ///< INPUT as given
  std::string school_year;
  bool directory = false;    ///< a directory was available
  size_t students = 0;       ///< students in it
  std::optional<DirectoryInfo> directory_info;  ///< the directory given, as Info() said
  std::string detector;      ///< face detector name
  bool recognition = false;  ///< face recognition ran
};

nlohmann::json ItemJson(const ItemResult& item);
nlohmann::json BatchReportJson(const BatchResult& batch, const RunInfo& info);
/// Columns: file,verdict,reasons,faces,names,output,sha256 (reasons and names ;-joined).
std::string BatchReportCsv(const BatchResult& batch);
/// A few lines per item: verdict, then each reason with its evidence.
std::string HumanSummary(const ItemResult& item);
/// "3 items: 1 publish, 1 review, 1 block" (+ output folder when given).
std::string OneLineSummary(const BatchResult& batch, const std::string& out_dir);

}  // namespace pg
