// MemoryFileSystem: an in-memory FileSystem for tests.
//
// Files live in `files`, keyed by absolute, lexically normal paths; relative paths are
// taken relative to `cwd`. Folders exist implicitly (any prefix of a file path). There
// are no symlinks, so nothing ever escapes a listing. `fail_writes` makes every write
// fail with IoError (disk full, read-only media). Not thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "io/file_system.h"

namespace pg {

class MemoryFileSystem : public FileSystem {
 public:
  std::map<std::string, Bytes> files;     ///< path -> content
  std::map<std::string, unsigned> modes;  ///< path -> mode given to WriteFileAtomic
  std::string cwd = "/";                  ///< base of relative paths
  bool fail_writes = false;               ///< when true every WriteFileAtomic fails

  /// Test helper: stores `text` at `path` (made absolute and normal).
  void AddFile(const std::string& path, const std::string& text) {
    files[Normal(path)] = Bytes(text.begin(), text.end());
  }

  /// `path` made absolute against cwd, lexically normal, without a trailing '/'.
  std::string Normal(const std::string& path) const {
    std::filesystem::path p(path);
    if (p.is_relative()) p = std::filesystem::path(cwd) / p;
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
  }

  Result<Bytes> ReadFile(const std::string& path, std::uint64_t max_bytes) override {
    auto it = files.find(Normal(path));
    if (it == files.end()) {
      if (IsDirectory(path)) return Status::IoError(path + ": is a folder, not a file");
      return Status::NotFound(path + ": no such file");
    }
    if (it->second.size() > max_bytes) {
      return Status::TooLarge(path + ": " + std::to_string(it->second.size()) + " bytes, over the " +
                              std::to_string(max_bytes) + "-byte limit");
    }
    return it->second;
  }

  Status WriteFileAtomic(const std::string& path, const Bytes& data, unsigned mode) override {
    if (fail_writes) return Status::IoError(path + ": write failed (injected failure)");
    if (IsDirectory(path)) return Status::IoError(path + ": is a folder");
    const std::string n = Normal(path);
    files[n] = data;
    modes[n] = mode;
    return Status::Ok();
  }

  Result<std::vector<std::string>> ListFilesRecursive(const std::string& root,
                                                      std::vector<std::string>* escaped) override {
    if (escaped != nullptr) escaped->clear();
    if (!IsDirectory(root)) return Status::NotFound(root + ": no such folder");
    const std::string prefix = Prefix(root);
    std::vector<std::string> out;
    for (const auto& [path, data] : files) {
      if (path.compare(0, prefix.size(), prefix) != 0) continue;
      std::string rel = path.substr(prefix.size());
      bool hidden = false;
      for (const auto& part : std::filesystem::path(rel)) hidden |= part.string().front() == '.';
      if (!hidden) out.push_back(rel);
    }
    return out;  // std::map order is sorted order
  }

  bool IsDirectory(const std::string& path) override {
    const std::string prefix = Prefix(path);
    if (prefix == "/") return true;
    auto it = files.lower_bound(prefix);
    return it != files.end() && it->first.compare(0, prefix.size(), prefix) == 0;
  }

  bool Exists(const std::string& path) override {
    return files.count(Normal(path)) != 0 || IsDirectory(path);
  }

  Result<std::string> Canonical(const std::string& path) override {
    if (!Exists(path)) return Status::NotFound(path + ": no such file or folder");
    return Normal(path);
  }

 private:
  /// Normal(path) with a trailing '/', for prefix tests.
  std::string Prefix(const std::string& path) const {
    std::string n = Normal(path);
    return n == "/" ? n : n + "/";
  }
};

}  // namespace pg
