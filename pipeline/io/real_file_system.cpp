#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "io/file_system.h"

namespace fs = std::filesystem;

namespace pg {

namespace {

std::string ErrnoText() { return std::strerror(errno); }

// Writes all of `data` to fd; false on error (errno set).
bool WriteAll(int fd, const Bytes& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

bool IsWithin(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

}  // namespace

Result<Bytes> RealFileSystem::ReadFile(const std::string& path, std::uint64_t max_bytes) {
  // One open, an fstat of that descriptor (so the size belongs to the file actually read)
  // and read(2) straight into the buffer. O_NONBLOCK keeps a FIFO from blocking the open;
  // it has no effect on regular files.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound(path + ": no such file");
    return Status::IoError(path + ": cannot open for reading: " + ErrnoText());
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::IoError(path + ": " + ErrnoText());
  if (!S_ISREG(st.st_mode)) return Status::BadData(path + ": not a regular file");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_bytes) {
    return Status::TooLarge(path + ": file is " + std::to_string(size) +
                            " bytes, over the limit of " + std::to_string(max_bytes));
  }
  Bytes data(size);
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(path + ": read failed: " + ErrnoText());
    if (n == 0) return Status::IoError(path + ": file shrank while it was being read");
    done += static_cast<std::size_t>(n);
  }
  std::uint8_t extra = 0;
  if (::read(fd, &extra, 1) > 0) {
    return Status::IoError(path + ": file grew while it was being read");
  }
  return data;
}

Status RealFileSystem::WriteFileAtomic(const std::string& path, const Bytes& data, unsigned mode) {
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return Status::IoError(target.parent_path().string() + ": cannot create folder: " + ec.message());
  }
  std::random_device rd;
  std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Status::IoError(path + ": cannot create: " + ErrnoText());
  ::fchmod(fd, mode);  // not subject to umask: the mode asked for is the mode written
  bool ok = WriteAll(fd, data) && ::fsync(fd) == 0;
  std::string why = ok ? "" : ErrnoText();
  if (::close(fd) != 0 && ok) {
    ok = false;
    why = ErrnoText();
  }
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) why = ErrnoText();
    ::unlink(tmp.c_str());
    return Status::IoError(path + ": write failed: " + why);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> RealFileSystem::ListFilesRecursive(
    const std::string& root, std::vector<std::string>* escaped) {
  std::error_code ec;
  fs::path canon_root = fs::canonical(root, ec);
  if (ec) return Status::NotFound(root + ": no such folder");
  if (!fs::is_directory(canon_root)) return Status::BadData(root + ": not a folder");
  std::vector<std::string> out;
  fs::recursive_directory_iterator it(canon_root, fs::directory_options::none, ec), end;
  if (ec) return Status::IoError(root + ": cannot list: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IoError(root + ": cannot list: " + ec.message());
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    fs::path rel = p.lexically_relative(canon_root);
    if (it->is_symlink()) {
      fs::path target = fs::canonical(p, ec);
      if (ec || !IsWithin(canon_root, target)) {
        if (escaped) escaped->push_back(rel.string());
        ec.clear();
        continue;
      }
      if (fs::is_directory(target)) continue;  // no symlinked folders: avoids cycles
    }
    if (it->is_regular_file()) out.push_back(rel.string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool RealFileSystem::IsDirectory(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

bool RealFileSystem::Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

Result<std::string> RealFileSystem::Canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::canonical(path, ec);
  if (ec) return Status::NotFound(path + ": " + ec.message());
  return p.string();
}

Status RealFileSystem::RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return Status::IoError(path + ": cannot delete: " + ec.message());
  return Status::Ok();
}

}  // namespace pg
