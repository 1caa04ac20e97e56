#include "metadata/frames.h"

#include <catch2/catch.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "metadata/synthetic_animation.h"

namespace {

cv::Mat Frame(int seed) {
  cv::Mat img(10, 14, CV_8UC3, cv::Scalar(seed * 60, 255 - seed * 60, 128));
  img.at<cv::Vec3b>(seed, seed) = cv::Vec3b(255, 255, 255);
  return img;
}

pg::Bytes Encode(const std::string& ext, const cv::Mat& img) {
  std::vector<uchar> buf;
  cv::imencode(ext, img, buf);
  return pg::Bytes(buf.begin(), buf.end());
}

}  // namespace

TEST_CASE("a GIF has as many frames as image descriptors", "[metadata]") {
  pg::SyntheticGif spec;
  spec.frames = {Frame(0)};
  auto one = pg::BuildGif(spec);
  REQUIRE(one.ok());
  CHECK(pg::FrameCount(*one, pg::ImageFormat::kGif) == 1);
  spec.frames = {Frame(0), Frame(1), Frame(2), Frame(3)};
  auto four = pg::BuildGif(spec);
  REQUIRE(four.ok());
  CHECK(pg::FrameCount(*four, pg::ImageFormat::kGif) == 4);
  // Unwalkable: not fully analysable, so never 1.
  CHECK(pg::FrameCount(pg::Bytes(four->begin(), four->end() - 20), pg::ImageFormat::kGif) == 0);
  CHECK(pg::FrameCount(pg::Bytes{'G', 'I', 'F'}, pg::ImageFormat::kGif) == 0);
}

TEST_CASE("a WebP has one frame, or one per ANMF chunk when animated", "[metadata]") {
  CHECK(pg::FrameCount(Encode(".webp", Frame(0)), pg::ImageFormat::kWebp) == 1);
  auto anim = pg::BuildAnimatedWebp({Frame(0), Frame(1), Frame(2)}, 80, true);
  REQUIRE(anim.ok());
  CHECK(pg::FrameCount(*anim, pg::ImageFormat::kWebp) == 3);
  CHECK(pg::FrameCount(pg::Bytes(anim->begin(), anim->begin() + 30), pg::ImageFormat::kWebp) == 0);
}

TEST_CASE("formats whose output holds one image count one frame", "[metadata]") {
  CHECK(pg::FrameCount(Encode(".jpg", Frame(0)), pg::ImageFormat::kJpeg) == 1);
  CHECK(pg::FrameCount(Encode(".png", Frame(0)), pg::ImageFormat::kPng) == 1);
  CHECK(pg::FrameCount(Encode(".tiff", Frame(0)), pg::ImageFormat::kTiff) == 1);
  CHECK(pg::FrameCount(pg::Bytes(40, 0), pg::ImageFormat::kHeif) == 1);
  CHECK(pg::FrameCount(pg::Bytes(40, 0), pg::ImageFormat::kUnknown) == 0);
}
