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
  if (target.has_parent_path()) {
    // Missing folders are private (0700, whatever the umask), as every folder publish-gate makes.
    if (Status s = CreateFolders(target.parent_path().string(), 0700); !s.ok()) return s;
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

Status RealFileSystem::CreateFolders(const std::string& path, unsigned mode) {
  fs::path built;
  for (const auto& part : fs::path(path)) {
    built /= part;
    std::error_code ec;
    if (fs::is_directory(built, ec)) continue;
    if (::mkdir(built.c_str(), mode) != 0) {
      if (errno == EEXIST && fs::is_directory(built, ec)) continue;  // made meanwhile
      return Status::IoError(built.string() + ": cannot create folder: " + ErrnoText());
    }
    // mkdir(2) applies the umask; the mode asked for is the mode the folder gets.
    if (::chmod(built.c_str(), mode) != 0) {
      return Status::IoError(built.string() + ": cannot set the folder's mode: " + ErrnoText());
    }
  }
  return Status::Ok();
}

Status RealFileSystem::AppendDurable(const std::string& path, const Bytes& data, unsigned mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return Status::IoError(path + ": cannot open for appending: " + ErrnoText());
  struct stat st;
  bool ok = ::fstat(fd, &st) == 0 && ::fchmod(fd, mode) == 0;
  const off_t before = ok ? st.st_size : 0;
  ok = ok && WriteAll(fd, data) && ::fsync(fd) == 0;
  std::string why = ok ? "" : ErrnoText();
  if (!ok) ::ftruncate(fd, before);  // no torn record stays behind a failed append
  if (::close(fd) != 0 && ok) {
    ok = false;
    why = ErrnoText();
  }
  if (!ok) return Status::IoError(path + ": append failed: " + why);
  return Status::Ok();
}

Status RealFileSystem::Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::IoError(to + ": cannot rename " + from + " to it: " + ErrnoText());
  }
  // The rename itself reaches the disk only with its folder.
  const std::string folder = fs::path(to).has_parent_path() ? fs::path(to).parent_path().string() : ".";
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return Status::IoError(folder + ": cannot open to flush: " + ErrnoText());
  const bool ok = ::fsync(dir) == 0;
  const std::string why = ok ? "" : ErrnoText();
  ::close(dir);
  if (!ok) return Status::IoError(folder + ": cannot flush: " + why);
  return Status::Ok();
}

Status RealFileSystem::RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return Status::Ok();
  if (errno == EISDIR || errno == EPERM) {
    std::error_code ec;
    if (fs::is_directory(fs::symlink_status(path, ec))) return Status::IoError(path + ": is a folder, not a file");
  }
  return Status::IoError(path + ": cannot delete: " + ErrnoText());
}

Result<std::vector<std::string>> RealFileSystem::ListAllEntries(const std::string& root) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(root, ec))) return Status::NotFound(root + ": no such folder");
  if (!fs::is_directory(root, ec)) return Status::BadData(root + ": not a folder");
  std::vector<std::string> out;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return Status::IoError(root + ": cannot list: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IoError(root + ": cannot list: " + ec.message());
    // symlink_status: a symlink is an entry of its own, never followed.
    if (fs::is_directory(it->symlink_status(ec))) continue;
    out.push_back(it->path().lexically_relative(root).string());
  }
  if (ec) return Status::IoError(root + ": cannot list: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pg
