// FileSystem: the only way the pipeline touches disk, so tests can substitute an
// in-memory or failing one. Paths are plain strings (POSIX). Implementations report
// errors as Status with the path in the message. RealFileSystem keeps no state: any of
// its calls may run on many threads at once (StripFiles reads and writes in parallel).
#pragma once

#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  /// Reads a whole regular file. NotFound if absent; TooLarge if over max_bytes; another
  /// error naming the path and the reason when it is not a regular file (a folder, a FIFO)
  /// or cannot be read whole (RealFileSystem: also when its size changes meanwhile).
  virtual Result<Bytes> ReadFile(const std::string& path, std::uint64_t max_bytes) = 0;
  /// Writes via a temporary file in the same folder and rename(), so a reader never
  /// sees a partial file. Creates missing parent folders (0700). `mode` is the file mode.
  virtual Status WriteFileAtomic(const std::string& path, const Bytes& data,
                                 unsigned mode = 0644) = 0;
  /// Regular files below `root`, recursively, as paths relative to root, sorted.
  /// Hidden entries (starting with '.') are skipped. Symlinks that resolve outside
  /// root are skipped and listed in *escaped (relative names).
  virtual Result<std::vector<std::string>> ListFilesRecursive(
      const std::string& root, std::vector<std::string>* escaped) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  /// The canonical absolute path with symlinks resolved (the path must exist).
  virtual Result<std::string> Canonical(const std::string& path) = 0;
  /// Deletes a file or folder tree (ok if absent). Default: unsupported.
  virtual Status RemoveTree(const std::string& path) {
    return Status::Unsupported(path + ": this file system cannot delete");
  }

  // For the output tree (publish/publish_sink.h). Default: unsupported.

  /// Creates `path` and its missing parent folders; each folder it creates gets exactly
  /// `mode`, whatever the umask. Existing folders are left as they are.
  virtual Status CreateFolders(const std::string& path, unsigned /*mode*/) {
    return Status::Unsupported(path + ": this file system cannot create folders");
  }
  /// Appends `data` to the file at `path` (created if absent; its mode set to `mode`) and
  /// flushes it to disk before returning. A failed append leaves the file as it was.
  virtual Status AppendDurable(const std::string& path, const Bytes& /*data*/, unsigned /*mode*/) {
    return Status::Unsupported(path + ": this file system cannot append");
  }
  /// Renames a file (replacing any file at `to`; the folder of `to` must exist) and flushes
  /// the rename to disk.
  virtual Status Rename(const std::string& from, const std::string& to) {
    return Status::Unsupported(from + " -> " + to + ": this file system cannot rename");
  }
  /// Deletes one file or symlink (ok if absent); a folder is an error.
  virtual Status RemoveFile(const std::string& path) {
    return Status::Unsupported(path + ": this file system cannot delete");
  }
  /// Every entry below `root` that is not a folder (regular files, symlinks, which are not
  /// followed, FIFOs...), hidden ones included, as paths relative to root, sorted. For telling
  /// whether a folder is empty, not for choosing input. NotFound if root does not exist.
  virtual Result<std::vector<std::string>> ListAllEntries(const std::string& root) {
    return Status::Unsupported(root + ": this file system cannot list");
  }
};

/// The real, std::filesystem + POSIX backed file system.
class RealFileSystem : public FileSystem {
 public:
  Result<Bytes> ReadFile(const std::string& path, std::uint64_t max_bytes) override;
  Status WriteFileAtomic(const std::string& path, const Bytes& data, unsigned mode) override;
  Result<std::vector<std::string>> ListFilesRecursive(const std::string& root,
                                                      std::vector<std::string>* escaped) override;
  bool IsDirectory(const std::string& path) override;
  bool Exists(const std::string& path) override;
  Result<std::string> Canonical(const std::string& path) override;
  Status RemoveTree(const std::string& path) override;
  Status CreateFolders(const std::string& path, unsigned mode) override;
  Status AppendDurable(const std::string& path, const Bytes& data, unsigned mode) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Result<std::vector<std::string>> ListAllEntries(const std::string& root) override;
};

}  // namespace pg
