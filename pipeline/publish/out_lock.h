// OutLock: one run at a time per output folder. Acquire creates OUT (0700, whatever the umask)
// when it is missing, takes an exclusive flock(2) on OUT/.lock (0600) and writes the holder's pid
// into it. The kernel drops the lock when the OutLock is destroyed or the process ends, however
// it ends, so a killed run never leaves OUT locked; the file itself stays (deleting a lock file
// races with the next taker). Another process holding the lock is Code::kBusy (exit 75) with the
// pid that process wrote. Real POSIX file system only. Owns its descriptor; not copyable.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"

namespace pg {

class OutLock {
 public:
  /// The lock file's name inside OUT.
  static constexpr const char* kFileName = ".lock";

  /// Takes OUT's lock without waiting. kBusy when another process holds it ("OUT is in use by
  /// another publish-gate run (pid N)"); IoError when OUT or the lock file cannot be made.
  static Result<std::unique_ptr<OutLock>> Acquire(const std::string& out_dir);

  ~OutLock();
  OutLock(const OutLock&) = delete;
  OutLock& operator=(const OutLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  OutLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace pg
