// Test helpers: a self-deleting temporary folder, file writing, synthetic images,
// and running the CLI binary.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/image_record.h"

namespace pg::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pg-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline void WriteBytes(const std::string& path, const Bytes& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream o(path, std::ios::binary);
  o.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

inline void WriteText(const std::string& path, const std::string& text) {
  WriteBytes(path, Bytes(text.begin(), text.end()));
}

inline Bytes ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::string ReadText(const std::string& path) {
  Bytes b = ReadBytes(path);
  return std::string(b.begin(), b.end());
}

/// Every file below `folder` (recursively), as sorted paths relative to it; none when the
/// folder does not exist. For "exactly these files were published" checks.
inline std::vector<std::string> FilesUnder(const std::string& folder) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!std::filesystem::exists(folder, ec)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(folder)) {
    if (!e.is_directory()) out.push_back(std::filesystem::relative(e.path(), folder).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// A drawn landscape-like image (gradient sky, green ground, a sun): no faces.
inline cv::Mat DrawScene(int w = 320, int h = 240) {
  cv::Mat img(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y) {
    cv::Vec3b c = y < h * 2 / 3 ? cv::Vec3b(230, static_cast<uchar>(150 + y / 3), 90)
                                : cv::Vec3b(40, 160, 60);
    img.row(y).setTo(c);
  }
  cv::circle(img, {w * 3 / 4, h / 4}, h / 10, cv::Scalar(0, 220, 255), cv::FILLED);
  return img;
}

/// Encodes with OpenCV (".jpg", ".png", ".webp", ".tiff").
inline Bytes Encode(const cv::Mat& img, const std::string& ext) {
  std::vector<uchar> buf;
  cv::imencode(ext, img, buf);
  return Bytes(buf.begin(), buf.end());
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout and stderr together
};

/// Runs a shell command line, capturing its output (2>&1) and exit code.
inline CommandResult RunCommand(const std::string& cmd) {
  CommandResult r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

}  // namespace pg::testing
