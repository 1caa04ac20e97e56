// FailingFileSystem: wraps another FileSystem (not owned) and makes its changes fail on demand,
// as a full disk, a read-only medium or a killed process would. Reads pass through untouched.
//   - fail_if(op, path): a change it returns true for fails with IoError and changes nothing.
//     op is "write" (WriteFileAtomic), "append", "rename" (path = the destination), "mkdir",
//     "remove" (RemoveFile, RemoveTree).
//   - changes_left >= 0: the disk "dies" after that many more changes: every later change fails
//     and changes nothing, so the wrapped file system is left exactly as a kill at that point
//     would leave it (each change being atomic, as rename and a flushed append are).
// `changes` counts the changes that went through. Not thread-safe.
#pragma once

#include <functional>
#include <string>

#include "io/file_system.h"

namespace pg {

class FailingFileSystem : public FileSystem {
 public:
  explicit FailingFileSystem(FileSystem* base) : base_(base) {}

  std::function<bool(const std::string& op, const std::string& path)> fail_if;
  int changes_left = -1;  ///< < 0: no limit
  int changes = 0;        ///< changes passed to the wrapped file system

  Result<Bytes> ReadFile(const std::string& path, std::uint64_t max_bytes) override {
    return base_->ReadFile(path, max_bytes);
  }
  Status WriteFileAtomic(const std::string& path, const Bytes& data, unsigned mode) override {
    if (Status s = Allow("write", path); !s.ok()) return s;
    return base_->WriteFileAtomic(path, data, mode);
  }
  Status AppendDurable(const std::string& path, const Bytes& data, unsigned mode) override {
    if (Status s = Allow("append", path); !s.ok()) return s;
    return base_->AppendDurable(path, data, mode);
  }
  Status Rename(const std::string& from, const std::string& to) override {
    if (Status s = Allow("rename", to); !s.ok()) return s;
    return base_->Rename(from, to);
  }
  Status CreateFolders(const std::string& path, unsigned mode) override {
    if (IsDirectory(path)) return Status::Ok();  // nothing to change
    if (Status s = Allow("mkdir", path); !s.ok()) return s;
    return base_->CreateFolders(path, mode);
  }
  Status RemoveFile(const std::string& path) override {
    if (Status s = Allow("remove", path); !s.ok()) return s;
    return base_->RemoveFile(path);
  }
  Status RemoveTree(const std::string& path) override {
    if (Status s = Allow("remove", path); !s.ok()) return s;
    return base_->RemoveTree(path);
  }
  Result<std::vector<std::string>> ListFilesRecursive(const std::string& root,
                                                      std::vector<std::string>* escaped) override {
    return base_->ListFilesRecursive(root, escaped);
  }
  Result<std::vector<std::string>> ListAllEntries(const std::string& root) override {
    return base_->ListAllEntries(root);
  }
  bool IsDirectory(const std::string& path) override { return base_->IsDirectory(path); }
  bool Exists(const std::string& path) override { return base_->Exists(path); }
  Result<std::string> Canonical(const std::string& path) override { return base_->Canonical(path); }

 private:
  Status Allow(const char* op, const std::string& path) {
    if (fail_if && fail_if(op, path)) return Status::IoError(path + ": No space left on device (injected)");
    if (changes_left == 0) return Status::IoError(path + ": the process died here (injected)");
    if (changes_left > 0) --changes_left;
    ++changes;
    return Status::Ok();
  }

  FileSystem* base_;
};

}  // namespace pg
