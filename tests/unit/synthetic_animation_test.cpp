#include "metadata/synthetic_animation.h"

#include <catch2/catch.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "decode/decode.h"
#include "metadata/icc_profile.h"
#include "metadata/metadata_inventory.h"
#include "metadata/synthetic_metadata.h"

namespace {

cv::Mat Frame(int seed) {
  cv::Mat img(20, 28, CV_8UC3, cv::Scalar(40, 200, 90));
  cv::circle(img, {8 + seed * 4, 10}, 5, cv::Scalar(250, 10, 10), -1);
  return img;
}

bool HasFinding(const pg::MetadataFacts& f, const std::string& kind) {
  for (const auto& x : f.found) {
    if (x.kind == kind) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a synthetic GIF decodes to its first frame and carries what was asked for",
          "[metadata]") {
  pg::SyntheticGif spec;
  spec.frames = {Frame(0), Frame(1)};
  spec.comment = "Photo by Mr. Smith";
  spec.xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>";
  spec.icc = pg::BuildPlaceholderIccProfile(700);
  auto gif = pg::BuildGif(spec);
  REQUIRE(gif.ok());
  auto decoded = pg::DecodeImage(*gif, 1, 1'000'000);
  REQUIRE(decoded.ok());
  CHECK(cv::norm(decoded->bgr, pg::GifPaletteColors(Frame(0)), cv::NORM_INF) == 0);
  const pg::MetadataFacts facts = pg::InspectMetadata(*gif, pg::ImageFormat::kGif);
  CHECK(HasFinding(facts, "comment"));
  CHECK(HasFinding(facts, "xmp"));
  CHECK(pg::ExtractIcc(*gif, pg::ImageFormat::kGif) == spec.icc);
}

TEST_CASE("a synthetic animated WebP decodes to its first frame", "[metadata]") {
  auto webp = pg::BuildAnimatedWebp({Frame(0), Frame(1), Frame(2)}, 100, true);
  REQUIRE(webp.ok());
  auto decoded = pg::DecodeImage(*webp, 1, 1'000'000);
  REQUIRE(decoded.ok());
  CHECK(cv::norm(decoded->bgr, Frame(0), cv::NORM_INF) == 0);
}

TEST_CASE("synthetic animations refuse missing or mismatched frames", "[metadata]") {
  CHECK(pg::BuildGif(pg::SyntheticGif{}).status().code() == pg::Code::kBadData);
  pg::SyntheticGif mixed;
  mixed.frames = {Frame(0), cv::Mat(5, 5, CV_8UC3)};
  CHECK_FALSE(pg::BuildGif(mixed).ok());
  pg::SyntheticGif bad_id;
  bad_id.frames = {Frame(0)};
  bad_id.app_id = "short";
  CHECK_FALSE(pg::BuildGif(bad_id).ok());
  CHECK_FALSE(pg::BuildAnimatedWebp({}, 100, true).ok());
  CHECK_FALSE(pg::BuildAnimatedWebp({Frame(0), cv::Mat(4, 4, CV_8UC3)}, 100, true).ok());
}
