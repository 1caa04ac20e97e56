// MemoryFileSystem: an in-memory FileSystem for tests.
//
// Files live in `files`, keyed by absolute, lexically normal paths; relative paths are
// taken relative to `cwd`. Folders exist implicitly (any prefix of a file path) or because
// CreateFolders made them (`folders`, with the mode asked). There are no symlinks, so
// nothing ever escapes a listing. `fail_writes` makes every write and append fail with
// IoError (disk full, read-only media); tests/fakes/failing_file_system.h fails any change on
// demand. Copyable (a snapshot of the disk). Not thread-safe.
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
  std::map<std::string, unsigned> modes;  ///< path -> mode given to WriteFileAtomic / AppendDurable
  std::map<std::string, unsigned> folders;  ///< folder -> mode given to CreateFolders
  std::string cwd = "/";                  ///< base of relative paths
  bool fail_writes = false;               ///< when true every WriteFileAtomic / AppendDurable fails

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
    if (prefix == "/" || folders.count(Normal(path)) != 0) return true;
    auto it = files.lower_bound(prefix);
    if (it != files.end() && it->first.compare(0, prefix.size(), prefix) == 0) return true;
    auto f = folders.lower_bound(prefix);
    return f != folders.end() && f->first.compare(0, prefix.size(), prefix) == 0;
  }

  Status RemoveTree(const std::string& path) override {
    const std::string n = Normal(path), prefix = Prefix(path);
    auto under = [&](const std::string& p) { return p == n || p.compare(0, prefix.size(), prefix) == 0; };
    auto erase_under = [&](auto& m) {
      for (auto it = m.begin(); it != m.end();) it = under(it->first) ? m.erase(it) : std::next(it);
    };
    erase_under(files);
    erase_under(folders);
    erase_under(modes);
    return Status::Ok();
  }

  Status CreateFolders(const std::string& path, unsigned mode) override {
    std::filesystem::path built;
    for (const auto& part : std::filesystem::path(Normal(path))) {
      built /= part;
      if (files.count(built.string()) != 0) return Status::IoError(built.string() + ": is a file, not a folder");
      if (!IsDirectory(built.string())) folders[built.string()] = mode;
    }
    return Status::Ok();
  }

  Status AppendDurable(const std::string& path, const Bytes& data, unsigned mode) override {
    if (fail_writes) return Status::IoError(path + ": append failed (injected failure)");
    if (IsDirectory(path)) return Status::IoError(path + ": is a folder");
    if (!IsDirectory(std::filesystem::path(Normal(path)).parent_path().string())) {
      return Status::IoError(path + ": no such folder");
    }
    const std::string n = Normal(path);
    files[n].insert(files[n].end(), data.begin(), data.end());
    modes[n] = mode;
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    const std::string f = Normal(from), t = Normal(to);
    if (files.count(f) == 0) return Status::IoError(to + ": cannot rename " + from + ": no such file");
    if (IsDirectory(to)) return Status::IoError(to + ": is a folder");
    if (!IsDirectory(std::filesystem::path(t).parent_path().string())) return Status::IoError(to + ": no such folder");
    files[t] = std::move(files[f]);
    files.erase(f);
    if (modes.count(f) != 0) modes[t] = modes[f];
    modes.erase(f);
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    if (IsDirectory(path)) return Status::IoError(path + ": is a folder, not a file");
    files.erase(Normal(path));
    modes.erase(Normal(path));
    return Status::Ok();
  }

  Result<std::vector<std::string>> ListAllEntries(const std::string& root) override {
    if (!IsDirectory(root)) return Status::NotFound(root + ": no such folder");
    const std::string prefix = Prefix(root);
    std::vector<std::string> out;
    for (const auto& [path, data] : files) {
      if (path.compare(0, prefix.size(), prefix) == 0) out.push_back(path.substr(prefix.size()));
    }
    return out;  // sorted, as std::map is
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
