#include "io/ingest.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <unicode/utf8.h>

#include "directory/csv.h"

namespace fs = std::filesystem;

namespace pg {

namespace {

/// Why a path cannot be taken as given, or "": a control character (C0, DEL; a NUL cuts a
/// path short for the system, a newline or escape forges lines in reports and terminals)
/// or bytes that are not UTF-8 (reports are UTF-8). Such paths are refused, never read.
std::string BadPathCharacters(const std::string& path) {
  const auto* s = reinterpret_cast<const uint8_t*>(path.data());
  const auto n = static_cast<int32_t>(path.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return "bytes that are not UTF-8";
    if (c < 0x20 || c == 0x7f) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "a control character (U+%04X)", static_cast<unsigned>(c));
      return buf;
    }
  }
  return "";
}

/// A path as reports show it: control characters and bytes that are not UTF-8 become '?'.
std::string Printable(const std::string& path) {
  std::string out;
  const auto* s = reinterpret_cast<const uint8_t*>(path.data());
  const auto n = static_cast<int32_t>(path.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    out += (c < 0x20 || c == 0x7f) ? std::string("?") : path.substr(start, i - start);
  }
  return out;
}

// Resolves a manifest-relative path; sets *error and returns "" if it escapes root.
std::string ResolveUnderRoot(FileSystem& fsys, const std::string& root_canon,
                             const std::string& rel, std::string* error) {
  fs::path p(rel);
  if (rel.empty()) {
    *error = "empty file path";
    return "";
  }
  if (p.is_absolute()) {
    *error = "absolute path '" + rel + "' is not allowed; paths are relative to the manifest's folder";
    return "";
  }
  fs::path norm = p.lexically_normal();
  if (!norm.empty() && *norm.begin() == "..") {
    *error = "path '" + rel + "' escapes the input root";
    return "";
  }
  fs::path full = fs::path(root_canon) / norm;
  if (fsys.Exists(full.string())) {
    auto canon = fsys.Canonical(full.string());
    if (!canon.ok()) {
      *error = canon.status().message();
      return "";
    }
    fs::path c(*canon);
    auto rel_to_root = c.lexically_relative(root_canon);
    if (rel_to_root.empty() || *rel_to_root.begin() == "..") {
      *error = "path '" + rel + "' resolves (through a symlink) outside the input root";
      return "";
    }
  } else {
    *error = "file '" + rel + "' not found";
    // still return the path so the report names it
  }
  return full.string();
}

/// `path` (canonical) lies in or below `folder` (canonical; "" for none).
bool IsUnder(const std::string& path, const std::string& folder) {
  if (folder.empty()) return false;
  const fs::path rel = fs::path(path).lexically_relative(folder);
  return !rel.empty() && *rel.begin() != "..";
}

/// The canonical path of `skip`, or "" when there is none (nothing there can be read).
std::string CanonicalSkip(FileSystem& fsys, const std::string& skip) {
  if (skip.empty() || !fsys.Exists(skip)) return "";
  auto canon = fsys.Canonical(skip);
  return canon.ok() ? *canon : "";
}

struct RawRow {
  std::string where;  // "line 7" or "item 3"
  std::map<std::string, std::string> fields;
  std::string error;
};

ItemInput MakeItem(FileSystem& fsys, const std::string& root, const std::string& skip, RawRow& row,
                   std::set<std::string>* seen) {
  ItemInput item;
  const std::string& file = row.fields["file"];
  item.rel_path = Printable(fs::path(file).lexically_normal().string());
  if (item.rel_path.empty() || item.rel_path == ".") item.rel_path = "(" + row.where + ")";
  item.caption = row.fields["caption"];
  item.alt_text = row.fields["alt_text"];
  item.page = row.fields["page"];
  if (!row.error.empty()) {
    item.ingest_error = "manifest " + row.where + ": " + row.error;
    return item;
  }
  auto kind = ParseItemKind(row.fields["kind"]);
  if (!kind) {
    item.ingest_error = "manifest " + row.where + ": kind must be photo or student-work, got '" +
                        row.fields["kind"] + "'";
    return item;
  }
  item.kind = *kind;
  if (std::string bad = BadPathCharacters(file); !bad.empty()) {
    item.ingest_error = "manifest " + row.where + ": the file path contains " + bad + "; not read";
    return item;
  }
  std::string error;
  item.path = ResolveUnderRoot(fsys, root, file, &error);
  if (error.empty() && !skip.empty()) {
    auto canon = fsys.Canonical(item.path);
    if (canon.ok() && IsUnder(*canon, skip)) {
      error = "'" + file + "' is inside the output folder (--out) of this run; not read";
    }
  }
  if (!error.empty()) {
    item.ingest_error = "manifest " + row.where + ": " + error;
    return item;
  }
  // The same file under two spellings ("a.jpg", "./x/../a.jpg", a symlink to it) is a duplicate.
  auto canonical = fsys.Canonical(item.path);
  if (!seen->insert(canonical.ok() ? *canonical : item.path).second) {
    item.ingest_error = "manifest " + row.where + ": '" + item.rel_path + "' is listed more than once";
  }
  return item;
}

Result<std::vector<RawRow>> ParseCsvManifest(const std::string& text, const std::string& path) {
  auto rows = ParseCsv(text);
  if (!rows.ok()) return Status::BadData(path + ": " + rows.status().message());
  if (rows->empty()) return Status::BadData(path + ": manifest is empty (expected a header row)");
  const auto& header = rows->front().fields;
  std::vector<std::string> names;
  bool has_file = false;
  for (const auto& h : header) {
    std::string n;
    for (char c : h) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    while (!n.empty() && n.back() == ' ') n.pop_back();
    has_file |= n == "file";
    names.push_back(n);
  }
  if (!has_file) {
    return Status::BadData(path + ": manifest header has no 'file' column (columns: file, caption, alt_text, page, kind)");
  }
  std::vector<RawRow> out;
  for (size_t i = 1; i < rows->size(); ++i) {
    const auto& r = (*rows)[i];
    RawRow row;
    row.where = "line " + std::to_string(r.line);
    if (r.fields.size() == 1 && r.fields[0].empty()) continue;  // blank line
    if (r.fields.size() != names.size()) {
      row.error = "expected " + std::to_string(names.size()) + " fields, found " +
                  std::to_string(r.fields.size());
    }
    for (size_t c = 0; c < names.size() && c < r.fields.size(); ++c) row.fields[names[c]] = r.fields[c];
    out.push_back(std::move(row));
  }
  return out;
}

Result<std::vector<RawRow>> ParseJsonManifest(const std::string& text, const std::string& path) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::BadData(path + ": not valid JSON");
  const nlohmann::json* items = &doc;
  if (doc.is_object()) {
    if (!doc.contains("items") || !doc["items"].is_array()) {
      return Status::BadData(path + ": JSON manifest must be an array or have an \"items\" array");
    }
    items = &doc["items"];
  }
  if (!items->is_array()) return Status::BadData(path + ": JSON manifest must be an array of items");
  std::vector<RawRow> out;
  size_t index = 0;
  for (const auto& obj : *items) {
    RawRow row;
    row.where = "item " + std::to_string(index++);
    if (!obj.is_object()) {
      row.error = "expected an object";
    } else {
      for (const char* key : {"file", "caption", "alt_text", "page", "kind"}) {
        if (!obj.contains(key) || obj[key].is_null()) continue;
        if (!obj[key].is_string()) {
          row.error = std::string("'") + key + "' must be a string";
          continue;
        }
        row.fields[key] = obj[key].get<std::string>();
      }
      if (row.error.empty() && row.fields["file"].empty()) row.error = "missing 'file'";
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

Result<std::vector<ItemInput>> IngestFolder(FileSystem& fsys, const std::string& root, const std::string& skip) {
  if (!fsys.IsDirectory(root)) return Status::NotFound(root + ": no such folder");
  auto canon = fsys.Canonical(root);
  if (!canon.ok()) return canon.status();
  const std::string skip_canon = CanonicalSkip(fsys, skip);
  if (!skip_canon.empty() && skip_canon == *canon) {
    return Status::Config(skip + " is the input folder itself; choose an output folder outside the input");
  }
  std::vector<std::string> escaped;
  auto files = fsys.ListFilesRecursive(*canon, &escaped);
  if (!files.ok()) return files.status();
  std::vector<ItemInput> items;
  for (const auto& rel : *files) {
    if (IsUnder((fs::path(*canon) / rel).string(), skip_canon)) continue;  // the run's own output
    ItemInput item;
    item.rel_path = Printable(rel);
    item.path = (fs::path(*canon) / rel).string();
    if (std::string bad = BadPathCharacters(rel); !bad.empty()) {
      item.path.clear();
      item.ingest_error = "'" + item.rel_path + "': the file name contains " + bad + "; rename it";
    }
    items.push_back(std::move(item));
  }
  for (const auto& rel : escaped) {
    if (IsUnder((fs::path(*canon) / rel).string(), skip_canon)) continue;
    ItemInput item;
    item.rel_path = rel;
    item.ingest_error = "'" + rel + "' is a symlink that resolves outside the input folder; not read";
    items.push_back(std::move(item));
  }
  return items;
}

Result<std::vector<ItemInput>> IngestManifest(FileSystem& fsys, const std::string& manifest_path,
                                              const std::string& skip) {
  auto bytes = fsys.ReadFile(manifest_path, 64ull << 20);
  if (!bytes.ok()) return bytes.status();
  std::string text(bytes->begin(), bytes->end());
  auto root = fsys.Canonical(fs::path(manifest_path).parent_path().empty()
                                 ? std::string(".")
                                 : fs::path(manifest_path).parent_path().string());
  if (!root.ok()) return root.status();
  size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  bool json = first != std::string::npos && (text[first] == '[' || text[first] == '{');
  auto rows = json ? ParseJsonManifest(text, manifest_path) : ParseCsvManifest(text, manifest_path);
  if (!rows.ok()) return rows.status();
  std::vector<ItemInput> items;
  std::set<std::string> seen;
  const std::string skip_canon = CanonicalSkip(fsys, skip);
  for (auto& row : *rows) items.push_back(MakeItem(fsys, *root, skip_canon, row, &seen));
  return items;
}

Result<std::vector<ItemInput>> Ingest(FileSystem& fsys, const std::string& input, const std::string& skip) {
  if (!fsys.Exists(input)) return Status::NotFound(input + ": no such file or folder");
  if (fsys.IsDirectory(input)) return IngestFolder(fsys, input, skip);
  return IngestManifest(fsys, input, skip);
}

}  // namespace pg
