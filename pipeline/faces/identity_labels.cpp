#include "faces/identity_labels.h"

#include <algorithm>
#include <set>

#include "directory/csv.h"

namespace pg {

namespace {

constexpr const char* kUnknown = "unknown";

std::vector<std::string> SplitPeople(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(';', start);
    out.push_back(TrimSpaces(s.substr(start, end == std::string::npos ? std::string::npos : end - start)));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

}  // namespace

const char* PhotoRoleName(PhotoRole role) {
  switch (role) {
    case PhotoRole::kReference: return "reference";
    case PhotoRole::kVariant: return "variant";
    case PhotoRole::kMulti: return "multi";
    case PhotoRole::kDistractor: return "distractor";
  }
  return "?";
}

Result<std::vector<LabelledPhoto>> ParseIdentityLabels(std::string_view csv_text) {
  auto rows = ParseCsv(csv_text);
  if (!rows.ok()) return Status::BadData("LABELS.csv " + rows.status().message());
  if (rows->empty()) return Status::BadData("LABELS.csv is empty");
  const CsvHeader header((*rows)[0]);
  const auto file_col = header.Find("file"), person_col = header.Find("person");
  if (!file_col || !person_col) {
    return Status::BadData("LABELS.csv line 1: needs columns file and person, has " + header.Describe());
  }
  std::vector<LabelledPhoto> out;
  std::set<std::string> seen;
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    if (IsBlankRow(row)) continue;
    const std::string where = "LABELS.csv line " + std::to_string(row.line) + ": ";
    auto field = [&](size_t col) { return col < row.fields.size() ? TrimSpaces(row.fields[col]) : ""; };
    LabelledPhoto p;
    p.file = field(*file_col);
    const std::string person = field(*person_col);
    if (p.file.empty() || person.empty()) return Status::BadData(where + "file and person must not be empty");
    if (p.file[0] == '/' || p.file == ".." || p.file.rfind("../", 0) == 0 ||
        p.file.find("/../") != std::string::npos) {
      return Status::BadData(where + p.file + ": the file must be a path inside the identities folder");
    }
    if (!seen.insert(p.file).second) return Status::BadData(where + p.file + " is listed twice");
    p.people = SplitPeople(person);
    const bool has_unknown = std::count(p.people.begin(), p.people.end(), kUnknown) > 0;
    const bool has_empty = std::count(p.people.begin(), p.people.end(), "") > 0;
    if (has_empty || (has_unknown && p.people.size() > 1)) {
      return Status::BadData(where + "person '" + person + "': list named people separated by ';', or unknown alone");
    }
    if (has_unknown) {
      p.people.clear();
      p.role = PhotoRole::kDistractor;
    } else if (p.people.size() > 1) {
      p.role = PhotoRole::kMulti;
    } else if (p.file[0] == '_') {
      p.role = PhotoRole::kVariant;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace pg
