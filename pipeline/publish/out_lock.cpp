#include "publish/out_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "io/file_system.h"

namespace pg {

namespace {

/// The pid the holder wrote ("" when it has not written it yet).
std::string ReadHolderPid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid.push_back(buf[i]);
  return pid;
}

}  // namespace

Result<std::unique_ptr<OutLock>> OutLock::Acquire(const std::string& out_dir) {
  RealFileSystem fs;
  if (Status s = fs.CreateFolders(out_dir, 0700); !s.ok()) return s;
  const std::string path = (std::filesystem::path(out_dir) / kFileName).string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::IoError(path + ": cannot open the lock file: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string pid = err == EWOULDBLOCK ? ReadHolderPid(fd) : "";
    ::close(fd);
    if (err != EWOULDBLOCK) return Status::IoError(path + ": cannot lock: " + std::strerror(err));
    return Status::Busy(out_dir + " is in use by another publish-gate run (" +
                        (pid.empty() ? std::string("pid not yet written") : "pid " + pid) +
                        "); wait for it to finish or choose another --out");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::fchmod(fd, 0600) != 0 || ::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return Status::IoError(path + ": cannot write the lock file: " + why);
  }
  return std::unique_ptr<OutLock>(new OutLock(fd, path));
}

OutLock::~OutLock() { ::close(fd_); }

}  // namespace pg
