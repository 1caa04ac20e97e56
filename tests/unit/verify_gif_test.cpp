#include "metadata/verify_gif.h"

#include <catch2/catch.hpp>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "metadata/synthetic_animation.h"
#include "metadata/synthetic_metadata.h"

namespace {

/// VerifyGifStructure without the profile.
pg::Status Verify(const pg::Bytes& gif, int w, int h) {
  pg::Bytes icc;
  return pg::VerifyGifStructure(gif, w, h, &icc);
}

cv::Mat Picture(int w, int h) {
  cv::Mat img(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 15, y * 25, 200);
  }
  return img;
}

void RequireRejected(const pg::Status& st, const std::string& why) {
  INFO(st.ToString());
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == pg::Code::kBadData);
  CHECK_THAT(st.message(), Catch::Contains(why));
}

/// A clean 3-frame GIF of 16x10 with a loop count, optionally with an ICC profile.
pg::Bytes CleanGif(const pg::Bytes& icc) {
  pg::SyntheticGif spec;
  spec.frames = {Picture(16, 10), Picture(16, 10) * 0.5, Picture(16, 10) * 0.2};
  spec.icc = icc;
  auto gif = pg::BuildGif(spec);
  REQUIRE(gif.ok());
  return *gif;
}

/// `gif` with raw bytes inserted just before its trailer.
pg::Bytes BeforeTrailer(pg::Bytes gif, const pg::Bytes& raw) {
  gif.insert(gif.end() - 1, raw.begin(), raw.end());
  return gif;
}

pg::Bytes AppExtension(const std::string& id, const pg::Bytes& sub_blocks) {
  const std::string head = std::string("\x21\xFF\x0B") + id;
  pg::Bytes ext(head.begin(), head.end());
  ext.insert(ext.end(), sub_blocks.begin(), sub_blocks.end());
  return ext;
}

}  // namespace

TEST_CASE("a clean animated GIF passes and hands back its ICC profile", "[metadata]") {
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(900);
  pg::Bytes found = {1, 2, 3};
  CHECK(pg::VerifyGifStructure(CleanGif(icc), 16, 10, &found).ok());
  CHECK(found == icc);
  CHECK(pg::VerifyGifStructure(CleanGif({}), 16, 10, &found).ok());
  CHECK(found.empty());
  RequireRejected(Verify(CleanGif({}), 10, 16), "decoded size 16x10, expected 10x16");
}

TEST_CASE("verification rejects GIF comments, XMP, plain text and foreign extensions",
          "[metadata]") {
  const pg::Bytes gif = CleanGif({});
  RequireRejected(
      Verify((BeforeTrailer(gif, {0x21, 0xFE, 2, 'h', 'i', 0})), 16, 10),
      "residual GIF comment extension");
  RequireRejected(Verify((BeforeTrailer(gif, AppExtension("XMP DataXMP", {3, '<', 'x', '>', 0}))),
                      16, 10),
                  "residual GIF application extension 'XMP DataXMP'");
  pg::Bytes plain = {0x21, 0x01, 12};
  plain.insert(plain.end(), 12, 0);
  plain.insert(plain.end(), {4, 'D', 'a', 'n', 'a', 0});
  RequireRejected(Verify((BeforeTrailer(gif, plain)), 16, 10),
                  "residual GIF plain text extension");
  RequireRejected(
      Verify((BeforeTrailer(gif, {0x21, 0x42, 1, 'x', 0})), 16, 10),
      "GIF extension label 66 is not allowed");
  // The looping extension may carry its loop count and nothing else.
  CHECK(Verify((BeforeTrailer(gif, AppExtension("NETSCAPE2.0", {3, 1, 0, 0, 0}))), 16, 10)
            .ok());
  RequireRejected(Verify((BeforeTrailer(gif, AppExtension("NETSCAPE2.0",
                                                                          {3, 1, 0, 0, 2, 'h',
                                                                           'i', 0}))),
                                      16, 10),
                  "holds more than a loop count");
  RequireRejected(Verify((BeforeTrailer(gif, {0x21, 0xF9, 5, 0, 0, 0, 0, 'x', 0})), 16, 10),
                  "not the plain 4-byte form");
}

TEST_CASE("verification rejects a GIF with a trailer, a truncation or broken image data",
          "[metadata]") {
  const pg::Bytes gif = CleanGif({});
  pg::Bytes tail = gif;
  tail.insert(tail.end(), {'a', 'b', 'c'});
  RequireRejected(Verify((tail), 16, 10), "3 bytes after the GIF trailer");
  RequireRejected(Verify((pg::Bytes(gif.begin(), gif.end() - 8)), 16, 10),
                  "truncated");
  // Same block structure, but the last frame's LZW data is garbage: only a decode notices.
  pg::Bytes garbage = gif;
  for (std::size_t i = garbage.size() - 12; i < garbage.size() - 3; ++i) garbage[i] = 0xFF;
  CHECK_FALSE(Verify((garbage), 16, 10).ok());
}

