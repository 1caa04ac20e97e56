#include "metadata/webp_strip.h"

#include <webp/decode.h>

#include <catch2/catch.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "metadata/exif_writer.h"
#include "metadata/frames.h"
#include "metadata/icc_profile.h"
#include "metadata/synthetic_animation.h"
#include "metadata/synthetic_metadata.h"
#include "metadata/verify.h"
#include "metadata/webp_chunks.h"

namespace {

cv::Mat Picture(int w, int h, int seed = 0) {
  cv::Mat img(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      img.at<cv::Vec3b>(y, x) = cv::Vec3b((x * 255) / w, (y * 255) / h, ((x + y + seed) * 9) & 0xFF);
    }
  }
  cv::circle(img, {(w / 3 + seed * 5) % w, h / 2}, std::max(2, h / 4), cv::Scalar(20, 240, 30), -1);
  return img;
}

pg::Bytes Encode(const cv::Mat& img, int quality) {
  std::vector<uchar> buf;
  cv::imencode(".webp", img, buf, {cv::IMWRITE_WEBP_QUALITY, quality});
  return pg::Bytes(buf.begin(), buf.end());
}

void PutLe32(pg::Bytes* b, std::size_t at, std::size_t v) {
  for (int i = 0; i < 4; ++i) (*b)[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

/// `webp` with one more chunk inserted at `at` (a chunk boundary), sizes fixed up.
pg::Bytes InsertChunk(pg::Bytes webp, std::size_t at, const std::string& fourcc,
                      const std::string& data) {
  pg::Bytes chunk(fourcc.begin(), fourcc.end());
  chunk.resize(8);
  PutLe32(&chunk, 4, data.size());
  chunk.insert(chunk.end(), data.begin(), data.end());
  if (data.size() & 1) chunk.push_back(0);
  webp.insert(webp.begin() + static_cast<std::ptrdiff_t>(at), chunk.begin(), chunk.end());
  PutLe32(&webp, 4, webp.size() - 8);
  return webp;
}

/// Payloads of every VP8 / VP8L / ALPH chunk, top-level and inside ANMF frames, in order.
std::vector<pg::Bytes> Bitstreams(const pg::Bytes& webp) {
  pg::WebpStructure s;
  REQUIRE(pg::ParseWebp(webp, &s).ok());
  std::vector<pg::Bytes> out;
  auto take = [&](std::size_t pos, std::size_t end) {
    while (pos + 8 <= end) {
      const std::string cc(reinterpret_cast<const char*>(&webp[pos]), 4);
      const std::size_t len = webp[pos + 4] | (webp[pos + 5] << 8) | (webp[pos + 6] << 16);
      if (cc == "VP8 " || cc == "VP8L" || cc == "ALPH") {
        out.emplace_back(webp.begin() + static_cast<std::ptrdiff_t>(pos + 8),
                         webp.begin() + static_cast<std::ptrdiff_t>(pos + 8 + len));
      }
      pos += 8 + len + (len & 1);
    }
  };
  for (const auto& c : s.chunks) {
    if (c.fourcc == "ANMF") {
      take(c.data_offset + 16, c.data_offset + c.data_size);
    } else if (c.fourcc == "VP8 " || c.fourcc == "VP8L" || c.fourcc == "ALPH") {
      take(c.offset, c.data_offset + c.data_size);
    }
  }
  return out;
}

std::vector<std::string> Fourccs(const pg::Bytes& webp) {
  pg::WebpStructure s;
  REQUIRE(pg::ParseWebp(webp, &s).ok());
  std::vector<std::string> out;
  for (const auto& c : s.chunks) out.push_back(c.fourcc);
  return out;
}

cv::Mat DecodeBgr(const pg::Bytes& webp) {
  int w = 0, h = 0;
  uint8_t* p = WebPDecodeBGR(webp.data(), webp.size(), &w, &h);
  REQUIRE(p != nullptr);
  cv::Mat m = cv::Mat(h, w, CV_8UC3, p).clone();
  WebPFree(p);
  return m;
}

pg::Bytes Exif() {
  pg::SyntheticExif f;
  f.artist = "Dana Reyes";
  f.gps_lat = 40.7;
  f.gps_lon = -74.0;
  auto e = pg::BuildExifApp1Payload(f);
  REQUIRE(e.ok());
  return *e;
}

const char* kXmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">Dana Reyes</x:xmpmeta>";

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("stripping a lossy WebP keeps its VP8 bitstream byte for byte", "[metadata]") {
  const cv::Mat img = Picture(40, 30);
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(500);
  auto loaded = pg::AddWebpMetadata(Encode(img, 80), Exif(), kXmp, icc);
  REQUIRE(loaded.ok());
  pg::Bytes original = InsertChunk(*loaded, loaded->size(), "ABCD", "Dana Reyes");
  original.insert(original.end(), {'t', 'a', 'i', 'l'});  // after the RIFF end
  std::vector<std::string> removed;
  auto out = pg::StripWebpChunks(original, &removed);
  INFO(out.status().ToString());
  REQUIRE(out.ok());

  CHECK(Bitstreams(*out) == Bitstreams(original));
  REQUIRE(Bitstreams(*out).size() == 1);
  CHECK(Fourccs(*out) == std::vector<std::string>{"VP8X", "ICCP", "VP8 "});
  pg::WebpStructure s;
  REQUIRE(pg::ParseWebp(*out, &s).ok());
  CHECK(s.vp8x_flags == pg::kVp8xIcc);
  CHECK(s.trailer_size == 0);
  CHECK(pg::ExtractIcc(*out, pg::ImageFormat::kWebp) == icc);
  CHECK(cv::norm(DecodeBgr(*out), DecodeBgr(original), cv::NORM_INF) == 0);
  CHECK(out->size() < original.size());
  for (const char* what : {"WebP EXIF", "WebP XMP ", "WebP ABCD", "trailer after RIFF (4 bytes)"}) {
    INFO(what);
    CHECK(Contains(removed, what));
  }
  CHECK(removed.size() == 4);
}

TEST_CASE("a lossless WebP without a profile becomes a simple VP8L file", "[metadata]") {
  const cv::Mat img = Picture(33, 17);
  auto loaded = pg::AddWebpMetadata(Encode(img, 101), Exif(), kXmp, {});
  REQUIRE(loaded.ok());
  REQUIRE(Fourccs(*loaded).front() == "VP8X");
  auto out = pg::StripWebpChunks(*loaded, nullptr);
  REQUIRE(out.ok());
  CHECK(Fourccs(*out) == std::vector<std::string>{"VP8L"});  // no VP8X needed any more
  CHECK(Bitstreams(*out) == Bitstreams(*loaded));
  CHECK(cv::norm(DecodeBgr(*out), img, cv::NORM_INF) == 0);
  pg::SanitizedOutput so{*out, pg::ImageFormat::kWebp, ".webp"};
  CHECK(pg::VerifySanitized(so, 33, 17, {}).ok());
}

TEST_CASE("stripping an animated WebP keeps every frame and drops chunks hidden in frames",
          "[metadata]") {
  const std::vector<cv::Mat> frames = {Picture(24, 16, 0), Picture(24, 16, 1), Picture(24, 16, 2)};
  auto anim = pg::BuildAnimatedWebp(frames, 100, false);
  REQUIRE(anim.ok());
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(300);
  auto loaded = pg::AddWebpMetadata(*anim, Exif(), kXmp, icc);
  REQUIRE(loaded.ok());
  REQUIRE(pg::FrameCount(*loaded, pg::ImageFormat::kWebp) == 3);
  // An unknown chunk at the end of the second frame's ANMF payload.
  pg::WebpStructure s;
  REQUIRE(pg::ParseWebp(*loaded, &s).ok());
  std::vector<pg::WebpChunk> anmf;
  for (const auto& c : s.chunks) {
    if (c.fourcc == "ANMF") anmf.push_back(c);
  }
  REQUIRE(anmf.size() == 3);
  pg::Bytes original = InsertChunk(*loaded, anmf[1].data_offset + anmf[1].data_size, "NAME",
                                   "Dana Reyes");
  PutLe32(&original, anmf[1].offset + 4, anmf[1].data_size + 8 + 10);

  std::vector<std::string> removed;
  auto out = pg::StripWebpChunks(original, &removed);
  INFO(out.status().ToString());
  REQUIRE(out.ok());
  CHECK(Bitstreams(*out) == Bitstreams(*anim));
  CHECK(pg::FrameCount(*out, pg::ImageFormat::kWebp) == 3);
  CHECK(Contains(removed, "WebP ANMF/NAME"));
  CHECK(Contains(removed, "WebP EXIF"));
  for (const std::string& cc : Fourccs(*out)) {
    INFO(cc);
    CHECK((cc == "VP8X" || cc == "ICCP" || cc == "ANIM" || cc == "ANMF"));
  }
  const std::string text(out->begin(), out->end());
  CHECK(text.find("Dana Reyes") == std::string::npos);
  pg::SanitizedOutput so{*out, pg::ImageFormat::kWebp, ".webp"};
  const pg::Status v = pg::VerifySanitized(so, 24, 16, icc);
  INFO(v.ToString());
  CHECK(v.ok());
}

TEST_CASE("a broken WebP container is refused by the stripper", "[metadata]") {
  const pg::Bytes webp = Encode(Picture(16, 16), 80);
  auto cut = pg::StripWebpChunks(pg::Bytes(webp.begin(), webp.end() - 10), nullptr);
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.status().code() == pg::Code::kBadData);
  pg::Bytes not_webp = webp;
  not_webp[8] = 'X';
  CHECK_FALSE(pg::StripWebpChunks(not_webp, nullptr).ok());
  // A well-formed RIFF whose only chunk is not an image: libwebpmux refuses it.
  pg::Bytes empty = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P'};
  empty = InsertChunk(empty, 12, "ABCD", "xy");
  auto r = pg::StripWebpChunks(empty, nullptr);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == pg::Code::kBadData);
}
