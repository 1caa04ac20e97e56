#include "directory/directory_import.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "core/clock.h"
#include "core/sha256.h"
#include "directory/csv.h"

namespace pg {

namespace {

const std::set<std::string> kRequired = {"student_id", "first_name", "last_name", "photo_opt_out"};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

/// Y/N and friends; false when `s` is none of them.
bool ParseYesNo(const std::string& s, bool* out) {
  std::string t = Lower(s);
  if (t == "y" || t == "yes" || t == "true" || t == "1") {
    *out = true;
  } else if (t == "n" || t == "no" || t == "false" || t == "0") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

/// Line number (1-based) of the first byte that is not valid UTF-8, or 0 if all valid.
int FirstInvalidUtf8Line(const Bytes& data) {
  const auto* s = reinterpret_cast<const uint8_t*>(data.data());
  const int32_t n = static_cast<int32_t>(data.size());
  int line = 1;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return line;
    if (c == '\n') ++line;
  }
  return 0;
}

/// Splits a ';'-separated list of paths and makes each absolute (relative ones against
/// `folder`) and lexically normal; empty entries are skipped.
std::vector<std::string> ResolvePhotos(const std::string& list, const std::string& folder) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = std::min(list.find(';', start), list.size());
    std::string p = TrimSpaces(std::string_view(list).substr(start, end - start));
    if (!p.empty()) {
      fs::path full = fs::path(p).is_absolute() ? fs::path(p) : fs::path(folder) / p;
      out.push_back(full.lexically_normal().string());
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& CanonicalDirectoryColumns() {
  static const std::vector<std::string> kColumns = {
      "student_id", "first_name", "last_name", "preferred_name", "grade", "school",
      "photo_opt_out", "name_photo_permission", "permission_school_year", "reference_photos"};
  return kColumns;
}

Result<ImportReport> ImportDirectoryCsv(FileSystem& fs, const std::string& csv_path,
                                        const std::map<std::string, std::string>& column_map,
                                        SqliteDirectoryStore& store, const ImportOptions& options) {
  const auto& canonical = CanonicalDirectoryColumns();
  for (const auto& [name, source] : column_map) {
    if (std::find(canonical.begin(), canonical.end(), name) == canonical.end()) {
      return Status::Config("unknown column '" + name + "' in --map (canonical columns: " +
                            Join(canonical, ", ") + ")");
    }
    if (TrimSpaces(source).empty()) {
      return Status::Config("--map " + name + "= needs the name of a column in the CSV");
    }
  }

  auto data = fs.ReadFile(csv_path, kMaxDirectoryCsvBytes);
  if (!data.ok()) return data.status();
  if (int bad = FirstInvalidUtf8Line(*data); bad != 0) {
    return Status::BadData(csv_path + ": line " + std::to_string(bad) +
                           " is not valid UTF-8 (export or save the file as \"CSV UTF-8\")");
  }
  auto rows = ParseCsv(std::string_view(reinterpret_cast<const char*>(data->data()), data->size()));
  if (!rows.ok()) return Status::BadData(csv_path + ": " + rows.status().message());
  if (rows->empty() || IsBlankRow(rows->front())) {
    return Status::BadData(csv_path + ": no header row (the first line must name the columns)");
  }

  // Where each canonical column is in this file.
  const CsvHeader header(rows->front());
  std::map<std::string, size_t> column;
  std::vector<std::string> missing;
  for (const auto& name : canonical) {
    auto mapped = column_map.find(name);
    const std::string source = mapped != column_map.end() ? TrimSpaces(mapped->second) : name;
    int count = header.Count(source);
    if (count > 1) {
      return Status::BadData(csv_path + ": column '" + source + "' appears " + std::to_string(count) +
                             " times in the header");
    }
    if (count == 1) {
      column[name] = *header.Find(source);
    } else if (mapped != column_map.end()) {
      missing.push_back(name + " (mapped to '" + source + "')");
    } else if (kRequired.count(name) != 0) {
      missing.push_back(name);
    }
  }
  if (!missing.empty()) {
    return Status::BadData(csv_path + ": missing column(s) " + Join(missing, ", ") +
                           "; the header has " + header.Describe() +
                           " (name other headers with --map canonical=Header)");
  }

  auto canonical_csv = fs.Canonical(csv_path);
  if (!canonical_csv.ok()) return canonical_csv.status();
  const std::string folder = std::filesystem::path(*canonical_csv).parent_path().string();

  ImportReport report;
  std::vector<Student> students;
  std::vector<std::string> kept_ids;          // ids of rejected rows (kept as they were)
  std::map<std::string, int> first_line_of;   // student_id -> line it first appeared on
  for (size_t r = 1; r < rows->size(); ++r) {
    const CsvRow& row = (*rows)[r];
    const std::string where = "line " + std::to_string(row.line) + ": ";
    if (IsBlankRow(row)) continue;
    if (row.fields.size() != header.size()) {
      report.rejected.push_back(where + "expected " + std::to_string(header.size()) +
                                " fields, found " + std::to_string(row.fields.size()));
      continue;
    }
    auto get = [&](const std::string& name) {
      auto it = column.find(name);
      return it == column.end() ? std::string() : TrimSpaces(row.fields[it->second]);
    };

    std::vector<std::string> why;
    Student s;
    s.student_id = get("student_id");
    s.first_name = get("first_name");
    s.last_name = get("last_name");
    s.preferred_name = get("preferred_name");
    s.grade = get("grade");
    s.school = get("school");
    s.permission_school_year = get("permission_school_year");
    if (s.student_id.empty()) {
      why.push_back("student_id is empty");
    } else if (auto [it, inserted] = first_line_of.emplace(s.student_id, row.line); !inserted) {
      why.push_back("duplicate student_id '" + s.student_id + "' (first on line " +
                    std::to_string(it->second) + ")");
    }
    if (s.first_name.empty()) why.push_back("first_name is empty");
    if (s.last_name.empty()) why.push_back("last_name is empty");
    const std::string opt_out = get("photo_opt_out");
    if (opt_out.empty()) {
      why.push_back("photo_opt_out is empty (must be Y or N)");
    } else if (!ParseYesNo(opt_out, &s.photo_opt_out)) {
      why.push_back("photo_opt_out must be Y or N, got '" + opt_out + "'");
    }
    const std::string permission = get("name_photo_permission");
    if (!permission.empty() && !ParsePermission(permission, &s.name_photo_permission)) {
      why.push_back("name_photo_permission must be none, student, parent or student+parent, got '" +
                    permission + "'");
    }
    if (!s.permission_school_year.empty() && !IsSchoolYear(s.permission_school_year)) {
      why.push_back("permission_school_year must be a school year like 2026-27, got '" +
                    s.permission_school_year + "'");
    }
    s.reference_photos = ResolvePhotos(get("reference_photos"), folder);

    if (!why.empty()) {
      report.rejected.push_back(where + Join(why, "; "));
      if (!s.student_id.empty()) kept_ids.push_back(s.student_id);
      continue;
    }
    if (s.name_photo_permission != NamePhotoPermission::kNone && s.permission_school_year.empty()) {
      report.warnings.push_back(where + "name_photo_permission '" +
                                PermissionName(s.name_photo_permission) +
                                "' has no permission_school_year, so it counts for no year");
    }
    students.push_back(std::move(s));
  }

  if (students.empty() && report.rejected.empty()) {
    return Status::BadData(csv_path + ": no student rows, only the header; an empty directory "
                           "would check nothing");
  }
  if (!report.rejected.empty() && !options.skip_bad_rows) return report;  // nothing written
  if (options.replace) {
    if (students.empty()) {
      return Status::BadData(csv_path + ": no row could be loaded; refusing to --replace the "
                             "directory with nothing");
    }
    auto existing = store.AllStudents();
    if (!existing.ok()) return existing.status();
    std::set<std::string> keep(kept_ids.begin(), kept_ids.end());
    for (const auto& s : students) keep.insert(s.student_id);
    for (const auto& s : *existing) report.students_removed += keep.count(s.student_id) == 0 ? 1 : 0;
    if (Status st = store.ReplaceStudents(students, kept_ids); !st.ok()) return st;
  } else {
    if (Status st = store.UpsertStudents(students); !st.ok()) return st;
  }
  if (Status st = store.SetImportSource(*canonical_csv, Sha256Hex(*data)); !st.ok()) return st;
  report.written = true;
  report.rows_loaded = static_cast<int>(students.size());
  return report;
}

Result<ImportReport> ImportDirectoryFile(FileSystem& fs, const std::string& csv_path,
                                         const std::map<std::string, std::string>& column_map,
                                         const std::string& db_path, const ImportOptions& options) {
  namespace fsys = std::filesystem;
  const std::string tmp = db_path + ".import-" + std::to_string(::getpid());
  auto discard = [&tmp]() {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fsys::remove(tmp + suffix, ec);
  };
  discard();
  Result<ImportReport> report = Status::Internal("import did not run");
  {
    std::unique_ptr<SqliteDirectoryStore> store;
    std::error_code ec;
    if (fsys::exists(db_path, ec)) {
      auto original = SqliteDirectoryStore::Open(db_path, /*create=*/false);
      if (!original.ok()) return original.status();
      if (Status s = (*original)->CopyTo(tmp); !s.ok()) {
        discard();
        return s;
      }
    }
    auto opened = SqliteDirectoryStore::Open(tmp, /*create=*/true);
    if (!opened.ok()) {
      discard();
      return opened.status();
    }
    report = ImportDirectoryCsv(fs, csv_path, column_map, **opened, options);
  }  // the copy is closed here
  if (!report.ok() || !report->written) {
    discard();
    return report;
  }
  if (::rename(tmp.c_str(), db_path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    discard();
    return Status::IoError("cannot replace " + db_path + " with the imported copy: " + why);
  }
  // Make the rename durable before reporting success.
  const std::string folder = fsys::path(db_path).parent_path().empty()
                                 ? std::string(".")
                                 : fsys::path(db_path).parent_path().string();
  if (int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return report;
}

}  // namespace pg
