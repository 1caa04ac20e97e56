#include "metadata/exact_pixels.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <vector>

#include "metadata/png_chunks.h"
#include "metadata/reencode.h"

namespace {

/// w x h samples of `type` where neighbouring values differ in their low byte too (so an
/// 8-bit round trip would show), with an alpha channel (if any) that runs from 0 upwards.
cv::Mat Samples(int w, int h, int type) {
  cv::Mat m(h, w, type);
  const int channels = m.channels();
  const double top = CV_MAT_DEPTH(type) == CV_16U ? 65535 : 255;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < channels; ++c) {
        const bool alpha = (channels == 2 || channels == 4) && c == channels - 1;
        const double v = alpha ? (x == 0 ? 0 : (x * 37 + y * 11) % 256 / 255.0 * top)
                               : std::fmod((x * 1009 + y * 613 + c * 4099) * (top / 997), top);
        if (CV_MAT_DEPTH(type) == CV_16U) {
          m.ptr<std::uint16_t>(y)[x * channels + c] = static_cast<std::uint16_t>(v);
        } else {
          m.ptr<std::uint8_t>(y)[x * channels + c] = static_cast<std::uint8_t>(v);
        }
      }
    }
  }
  return m;
}

pg::Bytes Encode(const std::string& ext, const cv::Mat& img, const std::vector<int>& params = {}) {
  std::vector<uchar> buf;
  REQUIRE(cv::imencode(ext, img, buf, params));
  return pg::Bytes(buf.begin(), buf.end());
}

bool Same(const cv::Mat& a, const cv::Mat& b) {
  return a.type() == b.type() && a.size() == b.size() && cv::norm(a, b, cv::NORM_INF) == 0;
}

}  // namespace

TEST_CASE("DecodePngExact returns 8- and 16-bit grey, colour and alpha samples as stored",
          "[exact_pixels]") {
  for (int type : {CV_8UC1, CV_8UC3, CV_8UC4, CV_16UC1, CV_16UC3, CV_16UC4}) {
    INFO("type " << type);
    const cv::Mat img = Samples(23, 17, type);
    auto exact = pg::DecodePngExact(Encode(".png", img));  // OpenCV writes the PNG
    REQUIRE(exact.ok());
    CHECK(Same(*exact, img));
  }
}

TEST_CASE("DecodePngExact keeps grey with alpha as two channels", "[exact_pixels]") {
  const cv::Mat ga = Samples(19, 13, CV_16UC2);
  auto png = pg::EncodePng(ga, {});
  REQUIRE(png.ok());
  REQUIRE(png->size() > 26);
  CHECK((*png)[24] == 16);  // IHDR bit depth
  CHECK((*png)[25] == 4);   // IHDR colour type: grey + alpha
  auto exact = pg::DecodePngExact(*png);
  REQUIRE(exact.ok());
  CHECK(Same(*exact, ga));
  // OpenCV, an independent reader, shows the same grey in B, G, R and the same alpha.
  const cv::Mat bgra = cv::imdecode(*png, cv::IMREAD_UNCHANGED);
  REQUIRE(bgra.type() == CV_16UC4);
  std::vector<cv::Mat> planes, mine;
  cv::split(bgra, planes);
  cv::split(ga, mine);
  for (int c = 0; c < 3; ++c) CHECK(Same(planes[c], mine[0]));
  CHECK(Same(planes[3], mine[1]));
}

TEST_CASE("DecodePngExact turns a palette with tRNS into BGRA", "[exact_pixels]") {
  // 3x2 pixels, palette of 3 colours, colour 1 half transparent, colour 2 invisible.
  pg::Bytes png = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  auto append = [&png](const pg::Bytes& chunk) {
    png.insert(png.end(), chunk.begin(), chunk.end());
  };
  append(pg::MakePngChunk("IHDR", {0, 0, 0, 3, 0, 0, 0, 2, 8, 3, 0, 0, 0}));
  append(pg::MakePngChunk("PLTE", {255, 0, 0, 0, 255, 0, 10, 20, 30}));
  append(pg::MakePngChunk("tRNS", {255, 128, 0}));
  append(pg::MakePngChunk("IDAT", pg::Deflate({0, 0, 1, 2, 0, 2, 1, 0})));  // filter 0 rows
  append(pg::MakePngChunk("IEND", {}));
  auto exact = pg::DecodePngExact(png);
  REQUIRE(exact.ok());
  REQUIRE(exact->type() == CV_8UC4);
  REQUIRE(exact->size() == cv::Size(3, 2));
  CHECK(exact->at<cv::Vec4b>(0, 0) == cv::Vec4b(0, 0, 255, 255));
  CHECK(exact->at<cv::Vec4b>(0, 1) == cv::Vec4b(0, 255, 0, 128));
  CHECK(exact->at<cv::Vec4b>(0, 2) == cv::Vec4b(30, 20, 10, 0));
  CHECK(exact->at<cv::Vec4b>(1, 2) == cv::Vec4b(0, 0, 255, 255));
}

TEST_CASE("DecodePngExact refuses corrupt and truncated PNGs", "[exact_pixels]") {
  pg::Bytes png = Encode(".png", Samples(40, 30, CV_8UC3));
  const pg::Bytes cut(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(png.size() / 2));
  auto truncated = pg::DecodePngExact(cut);
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.status().code() == pg::Code::kBadData);
  png[png.size() / 2] ^= 0x55;  // inside IDAT: the CRC no longer matches
  auto corrupt = pg::DecodePngExact(png);
  REQUIRE_FALSE(corrupt.ok());
  CHECK_THAT(corrupt.status().message(), Catch::Contains("corrupt or truncated PNG"));
}

TEST_CASE("DecodeWebpExact keeps alpha and returns BGR without it", "[exact_pixels]") {
  const cv::Mat bgra = Samples(21, 11, CV_8UC4);
  auto lossless = pg::EncodeWebpLossless(bgra, {});  // exact: colours under alpha 0 kept
  REQUIRE(lossless.ok());
  auto exact = pg::DecodeWebpExact(*lossless);
  REQUIRE(exact.ok());
  CHECK(Same(*exact, bgra));
  // An independent reader agrees, including the colours of fully transparent pixels.
  CHECK(Same(cv::imdecode(*lossless, cv::IMREAD_UNCHANGED), bgra));

  const cv::Mat bgr = Samples(21, 11, CV_8UC3);
  auto opaque = pg::DecodeWebpExact(Encode(".webp", bgr, {cv::IMWRITE_WEBP_QUALITY, 101}));
  REQUIRE(opaque.ok());
  CHECK(Same(*opaque, bgr));

  const pg::Bytes cut(lossless->begin(),
                      lossless->begin() + static_cast<std::ptrdiff_t>(lossless->size() - 20));
  CHECK(pg::DecodeWebpExact(cut).status().code() == pg::Code::kBadData);
}
