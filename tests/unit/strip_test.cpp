#include "strip.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <thread>
#include <vector>

#include "io/file_system.h"
#include "metadata/exif_writer.h"
#include "metadata/png_chunks.h"
#include "metadata/synthetic_metadata.h"
#include "test_util.h"

namespace fs = std::filesystem;
using pg::testing::Encode;
using pg::testing::ReadBytes;
using pg::testing::TempDir;
using pg::testing::WriteBytes;
using pg::testing::WriteText;

namespace {

/// A JPEG of w x h carrying GPS and an artist's name.
pg::Bytes JpegWithExif(int w, int h) {
  pg::SyntheticExif exif;
  exif.gps_lat = 40.0 + w / 1000.0;
  exif.gps_lon = -75.0;
  exif.artist = "Pat Example";
  auto jpeg = pg::InsertExifIntoJpeg(Encode(pg::testing::DrawScene(w, h), ".jpg"), exif);
  REQUIRE(jpeg.ok());
  return *jpeg;
}

/// Writes a folder of `n` mixed inputs: JPEGs of several sizes with EXIF, PNGs with a text
/// chunk, corrupt files, a text file, and a pair whose outputs share a name (big.jpg and
/// big.png, both JPEG data, both to big.jpg; the first in order is large, so it finishes last).
void WriteMixedInputs(const std::string& dir, int n) {
  for (int i = 0; i < n; ++i) {
    const std::string base = dir + "/f" + std::to_string(100 + i);
    switch (i % 5) {
      case 0:
      case 1:
        WriteBytes(base + ".jpg", JpegWithExif(64 + 16 * i, 48 + 8 * i));
        break;
      case 2: {
        auto png = pg::InsertPngChunk(Encode(pg::testing::DrawScene(40 + i, 30), ".png"), "tEXt",
                                      pg::PngTextPayload("Author", "Pat Example"));
        REQUIRE(png.ok());
        WriteBytes(base + ".png", *png);
        break;
      }
      case 3:
        WriteText(base + ".jpg", "\xFF\xD8\xFF not a JPEG after all");
        break;
      default:
        WriteText(base + ".txt", "notes, not an image");
    }
  }
  WriteBytes(dir + "/sub/big.jpg", JpegWithExif(1600, 1200));
  WriteBytes(dir + "/sub/big.png", JpegWithExif(16, 16));
}

/// Every file below `dir` (relative name -> content).
std::map<std::string, pg::Bytes> Tree(const std::string& dir) {
  std::map<std::string, pg::Bytes> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = ReadBytes(e.path());
  }
  return out;
}

/// What a user sees of one result: the messages the CLI prints come from these fields.
/// The output folder's path reads "OUT", so runs into different folders compare equal.
std::string Describe(const pg::StripFileResult& r, const std::string& out_dir) {
  std::string s = r.input + " -> " + r.output + " [" + r.status.ToString() + "]";
  for (const auto& m : r.result.metadata.removed) s += " -" + m;
  if (r.result.output.reencoded) s += " reencoded";
  for (std::size_t at; (at = s.find(out_dir)) != std::string::npos;) {
    s.replace(at, out_dir.size(), "OUT");
  }
  return s;
}

}  // namespace

TEST_CASE("StripFiles writes the same files and reports the same results with 1 and 4 jobs",
          "[strip]") {
  TempDir dir;
  WriteMixedInputs(dir / "in", 30);
  WriteBytes(dir / "single.jpeg", JpegWithExif(100, 80));
  const std::vector<std::string> inputs = {dir / "in", dir / "missing.jpg", dir / "single.jpeg"};
  pg::RealFileSystem real;
  std::map<unsigned, std::vector<std::string>> reports;
  std::map<unsigned, std::map<std::string, pg::Bytes>> trees;
  for (unsigned jobs : {1u, 4u}) {
    pg::StripFilesOptions options;
    options.jobs = jobs;
    const std::string out = dir / ("out" + std::to_string(jobs));
    const auto results = pg::StripFiles(real, inputs, out, options);
    for (const auto& r : results) {
      reports[jobs].push_back(Describe(r, out));
      if (r.status.ok()) CHECK(r.result.output.bytes.empty());  // released once written
    }
    trees[jobs] = Tree(out);
  }
  REQUIRE(reports[1].size() == 30 + 2 + 1 + 1);  // the folder's files, missing, single
  CHECK(reports[4] == reports[1]);
  CHECK(trees[4] == trees[1]);
  // Input order: the folder's sorted listing, then the two other inputs.
  CHECK_THAT(reports[1][0], Catch::StartsWith(dir / "in/f100.jpg"));
  CHECK_THAT(reports[1][32],
             Catch::StartsWith(dir / "missing.jpg") && Catch::Contains("not found"));
  CHECK_THAT(reports[1][33], Catch::StartsWith(dir / "single.jpeg -> OUT/single.jpeg [ok]"));
  // 6 broken JPEGs, 6 text files and missing.jpg fail; the rest are stripped.
  std::size_t ok = 0;
  for (const auto& line : reports[1]) ok += line.find("[ok]") != std::string::npos;
  CHECK(ok == 34 - 13 - 1);  // and one of the two big.* loses the name
  CHECK(trees[1].size() == ok);
  for (const auto& [name, bytes] : trees[1]) {
    INFO(name);
    CHECK(std::string(bytes.begin(), bytes.end()).find("Pat Example") == std::string::npos);
  }
}

namespace {

/// Holds the read of one input until another job has written an output (or, at most,
/// `bound` has passed), so that the later input of a shared name is ready first, whatever
/// the thread scheduling. Under the first-in-order rule no other job may write while this
/// input is held (the later one waits for it), so then the bound only ends the wait and
/// the outcome does not depend on it. Thread-safe.
class HoldingFileSystem : public pg::RealFileSystem {
 public:
  HoldingFileSystem(std::string held, std::chrono::milliseconds bound)
      : held_(std::move(held)), bound_(bound) {}

  pg::Result<pg::Bytes> ReadFile(const std::string& path, std::uint64_t max_bytes) override {
    if (path == held_) {
      std::unique_lock<std::mutex> lock(mu_);
      written_while_held_ = done_.wait_for(lock, bound_, [&] { return !writes_.empty(); });
    }
    return RealFileSystem::ReadFile(path, max_bytes);
  }
  pg::Status WriteFileAtomic(const std::string& path, const pg::Bytes& data, unsigned mode) override {
    pg::Status s = RealFileSystem::WriteFileAtomic(path, data, mode);
    {
      std::lock_guard<std::mutex> lock(mu_);
      writes_.push_back(path);
    }
    done_.notify_all();
    return s;
  }
  std::vector<std::string> writes() {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_;
  }
  bool written_while_held() {
    std::lock_guard<std::mutex> lock(mu_);
    return written_while_held_;
  }

 private:
  const std::string held_;
  const std::chrono::milliseconds bound_;
  std::mutex mu_;
  std::condition_variable done_;
  std::vector<std::string> writes_;
  bool written_while_held_ = false;
};

}  // namespace

TEST_CASE("StripFiles gives a shared output name to the first input in order, even when the later "
          "one is ready first", "[strip]") {
  TempDir dir;
  const pg::Bytes big = JpegWithExif(160, 120), small = JpegWithExif(16, 16);
  WriteBytes(dir / "in/big.jpg", big);    // first in order, held back
  WriteBytes(dir / "in/big.png", small);  // JPEG data: also strips to big.jpg
  // Two threads, two jobs: while big.jpg's read is held, the other thread has big.png.
  HoldingFileSystem held(dir / "in/big.jpg", std::chrono::seconds(2));
  pg::StripFilesOptions options;
  options.jobs = 2;
  const std::string out = dir / "out";
  const auto results = pg::StripFiles(held, {dir / "in"}, out, options);
  REQUIRE(results.size() == 2);
  CHECK(results[0].status.ok());
  CHECK(results[0].output == out + "/big.jpg");
  CHECK(results[1].status.code() == pg::Code::kIoError);
  CHECK_THAT(results[1].status.message(), Catch::Contains("two inputs strip to this name"));
  CHECK(results[1].output.empty());
  CHECK_FALSE(held.written_while_held());  // big.png waited for big.jpg
  CHECK(held.writes() == std::vector<std::string>{out + "/big.jpg"});
  const pg::Bytes written = ReadBytes(out + "/big.jpg");
  CHECK(written.size() > small.size());  // the big picture's output, not the small one's
}

TEST_CASE("StripFiles uses one thread per CPU by default and never more than files", "[strip]") {
  CHECK(pg::StripThreadCount(4, 100) == 4);
  CHECK(pg::StripThreadCount(4, 2) == 2);
  CHECK(pg::StripThreadCount(3, 0) == 1);
  CHECK(pg::StripThreadCount(1, 100) == 1);
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  CHECK(pg::StripThreadCount(0, 1000) == hw);
}

TEST_CASE("StripBytes turns a 16-bit PNG with alpha by its EXIF orientation, keeping both",
          "[strip]") {
  cv::Mat img(30, 50, CV_16UC4);
  cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(65536));
  pg::SyntheticExif exif;
  exif.orientation = 6;
  exif.artist = "Pat Example";
  auto payload = pg::BuildExifApp1Payload(exif);
  REQUIRE(payload.ok());
  auto png = pg::InsertPngChunk(Encode(img, ".png"), "eXIf",
                                pg::Bytes(payload->begin() + 6, payload->end()));  // no "Exif\0\0"
  REQUIRE(png.ok());
  auto r = pg::StripBytes(*png, 1'000'000);
  REQUIRE(r.ok());
  CHECK(r->metadata.exif_orientation == 6);
  CHECK(r->output.verified);
  CHECK(r->output.reencoded);
  const cv::Mat back = cv::imdecode(r->output.bytes, cv::IMREAD_UNCHANGED);
  REQUIRE(back.type() == CV_16UC4);
  cv::Mat turned;
  cv::rotate(img, turned, cv::ROTATE_90_CLOCKWISE);
  CHECK(cv::norm(back, turned, cv::NORM_INF) == 0);
  // Over the pixel limit it is refused before anything is decoded.
  CHECK(pg::StripBytes(*png, 1000).status().code() == pg::Code::kTooLarge);
}
