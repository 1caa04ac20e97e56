#include "decode/format_sniff.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace pg {
namespace {

Bytes Encode(const std::string& ext) {
  cv::Mat img(16, 24, CV_8UC3, cv::Scalar(0, 0, 255));
  std::vector<uchar> buf;
  REQUIRE(cv::imencode(ext, img, buf));
  return Bytes(buf.begin(), buf.end());
}

Bytes FromString(const std::string& s) { return Bytes(s.begin(), s.end()); }

// Bytes of a string literal, embedded NULs included, without the terminating NUL.
template <std::size_t N>
Bytes Lit(const char (&s)[N]) {
  return Bytes(s, s + N - 1);
}

// An ISO-BMFF 'ftyp' box: size, "ftyp", major brand, minor version 0, compatible brands.
Bytes Ftyp(const std::string& major, const std::vector<std::string>& compatible) {
  const std::size_t size = 16 + 4 * compatible.size();
  std::string box = {0, 0, 0, static_cast<char>(size)};
  box += "ftyp" + major + std::string(4, '\0');
  for (const auto& brand : compatible) box += brand;
  return FromString(box);
}

}  // namespace

TEST_CASE("images encoded by OpenCV are sniffed as their real format", "[sniff]") {
  CHECK(SniffFormat(Encode(".jpg")) == ImageFormat::kJpeg);
  CHECK(SniffFormat(Encode(".png")) == ImageFormat::kPng);
  CHECK(SniffFormat(Encode(".webp")) == ImageFormat::kWebp);
  CHECK(SniffFormat(Encode(".tiff")) == ImageFormat::kTiff);
}

TEST_CASE("a WebP saved under a .jpg name is still sniffed as WebP", "[sniff]") {
  const auto path = std::filesystem::temp_directory_path() / "pg_sniff_really_webp.jpg";
  const Bytes webp = Encode(".webp");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(webp.data()), static_cast<std::streamsize>(webp.size()));
  }
  std::ifstream in(path, std::ios::binary);
  const Bytes read_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  CHECK(read_back == webp);
  CHECK(SniffFormat(read_back) == ImageFormat::kWebp);
}

TEST_CASE("magic numbers of every supported container are recognised", "[sniff]") {
  CHECK(SniffFormat(Lit("\xFF\xD8\xFF\xE1 rest")) == ImageFormat::kJpeg);
  CHECK(SniffFormat(Lit("\x89PNG\r\n\x1A\n....")) == ImageFormat::kPng);
  CHECK(SniffFormat(Lit("RIFF\x10\0\0\0WEBPVP8 ")) == ImageFormat::kWebp);
  CHECK(SniffFormat(Lit("GIF87a\x01\0\x01\0")) == ImageFormat::kGif);
  CHECK(SniffFormat(Lit("GIF89a\x01\0\x01\0")) == ImageFormat::kGif);
  CHECK(SniffFormat(Lit("II*\0\x08\0\0\0")) == ImageFormat::kTiff);
  CHECK(SniffFormat(Lit("MM\0*\0\0\0\x08")) == ImageFormat::kTiff);
  CHECK(SniffFormat(Lit("II+\0\x08\0\0\0")) == ImageFormat::kTiff);  // BigTIFF
  CHECK(SniffFormat(Ftyp("heic", {"mif1", "heic"})) == ImageFormat::kHeif);
  CHECK(SniffFormat(Ftyp("avif", {"avif", "mif1"})) == ImageFormat::kHeif);
  CHECK(SniffFormat(Ftyp("msf1", {})) == ImageFormat::kHeif);
  // Canon's HIF files name a HEIF brand only among the compatible brands.
  CHECK(SniffFormat(Ftyp("crx ", {"isom", "heix"})) == ImageFormat::kHeif);
}

TEST_CASE("near misses of magic numbers are not sniffed as images", "[sniff]") {
  CHECK(SniffFormat(Lit("\xFF\xD8\x00\x00")) == ImageFormat::kUnknown);
  CHECK(SniffFormat(Lit("\x89PNG\r\n")) == ImageFormat::kUnknown);      // cut signature
  CHECK(SniffFormat(Lit("RIFF\x10\0\0\0WAVEfmt ")) == ImageFormat::kUnknown);  // audio
  CHECK(SniffFormat(Lit("GIF88a")) == ImageFormat::kUnknown);
  CHECK(SniffFormat(Ftyp("isom", {"isom", "mp41"})) == ImageFormat::kUnknown);  // an MP4 video
  CHECK(SniffFormat(Lit("<html><body>")) == ImageFormat::kUnknown);
  // A HEIF brand beyond the box's declared size does not count.
  Bytes cut = Ftyp("isom", {"mp41", "heic"});
  cut[3] = 20;
  CHECK(SniffFormat(cut) == ImageFormat::kUnknown);
}

TEST_CASE("empty, tiny and random buffers sniff as unknown without reading past the end", "[sniff]") {
  CHECK(SniffFormat(Bytes{}) == ImageFormat::kUnknown);
  CHECK(SniffFormat(Bytes{0xFF}) == ImageFormat::kUnknown);
  CHECK(SniffFormat(Bytes{0xFF, 0xD8}) == ImageFormat::kUnknown);
  std::mt19937 rng(42);
  int unknown = 0;
  for (int i = 0; i < 200; ++i) {
    Bytes noise(static_cast<std::size_t>(rng() % 64));
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
    if (SniffFormat(noise) == ImageFormat::kUnknown) ++unknown;
  }
  CHECK(unknown == 200);
}

TEST_CASE("HexPrefix names the first bytes of a file", "[sniff]") {
  CHECK(HexPrefix(Lit("<htm")) == "3c 68 74 6d");
  CHECK(HexPrefix(Bytes{0xFF, 0xD8, 0xFF, 0xE0, 0x00}) == "ff d8 ff e0");
  CHECK(HexPrefix(Bytes{0x0A}) == "0a");
  CHECK(HexPrefix(Bytes{}).empty());
  CHECK(HexPrefix(Bytes{1, 2, 3}, 2) == "01 02");
}

}  // namespace pg
