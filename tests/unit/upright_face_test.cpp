// Quarter turns of boxes and pixels, and the upright crop recognition embeds; with the real
// models (PG_MODELS_DIR) and shared identity photos: a face turned 90 degrees gives the
// descriptor of the upright face only when it is turned back.
#include <catch2/catch.hpp>

#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "faces/face_detector.h"
#include "faces/face_embedder.h"
#include "faces/upright_face.h"
#include "faces/dlib_face_embedder.h"
#include "skip.h"

namespace {

cv::Rect R(const pg::Box& b) { return {b.x, b.y, b.w, b.h}; }

/// A 7x5 image (non-square) with one distinct value per pixel.
cv::Mat Numbered() {
  cv::Mat m(5, 7, CV_8UC3);
  for (int y = 0; y < m.rows; ++y)
    for (int x = 0; x < m.cols; ++x) m.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x), uchar(y), uchar(10 * y + x));
  return m;
}

bool SamePixels(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && cv::norm(a, b, cv::NORM_INF) == 0;
}

}  // namespace

TEST_CASE("a box turns with the pixels of a non-square image, and turns back", "[upright-face]") {
  const cv::Mat img = Numbered();
  const pg::Box box{1, 2, 3, 2};  // 3 wide, 2 high, off centre
  for (int q = 0; q < 4; ++q) {
    INFO("quarter turns " << q);
    const cv::Mat turned = pg::TurnImage(img, q);
    CHECK(turned.size() == pg::TurnedSize(img.size(), q));
    const pg::Box t = pg::TurnBox(box, img.size(), q);
    // The turned box holds exactly the box's pixels, turned.
    CHECK(SamePixels(turned(R(t)), pg::TurnImage(img(R(box)).clone(), q)));
    const pg::Box back = pg::UnturnBox(t, img.size(), q);
    CHECK((back.x == box.x && back.y == box.y && back.w == box.w && back.h == box.h));
  }
  CHECK(pg::NormalQuarterTurns(5) == 1);
  CHECK(pg::NormalQuarterTurns(-1) == 3);
}

TEST_CASE("an upright face is embedded in the photo as it is, no copy", "[upright-face]") {
  const cv::Mat img = Numbered();
  const pg::UprightFace u = pg::UprightFaceCrop(img, {1, 1, 2, 2}, 0);
  CHECK(u.bgr.data == img.data);
  CHECK(u.box.x == 1);
  CHECK(u.box.w == 2);
}

TEST_CASE("a turned face becomes an upright crop with margin, clipped at the photo's edge", "[upright-face]") {
  cv::Mat img(300, 500, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(255));
  const pg::Box face{400, 100, 40, 60};  // margin 60: right edge clipped at 500
  for (int q : {1, 3}) {
    INFO("quarter turns " << q);
    const pg::UprightFace u = pg::UprightFaceCrop(img, face, q);
    // Crop: x 340..500 (160), y 40..220 (180); turned, its sides swap.
    CHECK(u.bgr.cols == 180);
    CHECK(u.bgr.rows == 160);
    CHECK(u.box.w == 60);
    CHECK(u.box.h == 40);
    CHECK(SamePixels(u.bgr(R(u.box)), pg::TurnImage(img(R(face)).clone(), q)));
  }
  CHECK(pg::UprightFaceCrop(img, {900, 900, 20, 20}, 1).bgr.empty());
}

TEST_CASE("a face turned 90 degrees gives its upright descriptor only when turned back",
          "[upright-face][testdata][recognition]") {
  const std::string models = PG_MODELS_DIR, ids = std::string(PG_TESTDATA_DIR) + "/identities/";
  if (!std::filesystem::exists(models + "/" + pg::kFaceRecognitionModelFile)) {
    pg::testing::SkipTest("no face models in " + models + " (run tools/fetch-models)");
    return;
  }
  auto embedder = pg::MakeDlibFaceEmbedder(models);
  REQUIRE(embedder.ok());
  auto hog = pg::MakeDlibHogDetector(1, 2000);
  for (const char* file : {"obama/1.jpg", "_distractors/1.jpg", "sheldon/1.png"}) {
    INFO(file);
    const cv::Mat img = cv::imread(ids + file, cv::IMREAD_COLOR);
    REQUIRE_FALSE(img.empty());
    auto faces = hog->Detect(img);
    REQUIRE(faces.ok());
    REQUIRE(faces->size() == 1);
    const pg::Box box = (*faces)[0].box;
    auto upright = (*embedder)->Embed(img, box);
    REQUIRE(upright.ok());
    // The photo as a phone held sideways gives it: turned a quarter the other way.
    for (int q : {1, 3}) {
      INFO("face found after " << q << " clockwise quarter turn(s)");
      const cv::Mat sideways = pg::TurnImage(img, 4 - q);
      const pg::Box sideways_box = pg::TurnBox(box, img.size(), 4 - q);
      const pg::UprightFace u = pg::UprightFaceCrop(sideways, sideways_box, q);
      auto turned_back = (*embedder)->Embed(u.bgr, u.box);
      REQUIRE(turned_back.ok());
      const double d_turned = pg::DescriptorDistance(*upright, *turned_back);
      auto as_is = (*embedder)->Embed(sideways, sideways_box);
      const double d_as_is = as_is.ok() ? pg::DescriptorDistance(*upright, *as_is) : 99.0;
      WARN(file << " turn " << q << ": distance to upright " << d_turned << " turned back, " << d_as_is
                << " sideways as is");
      CHECK(d_turned < 0.02);
      CHECK(d_as_is > 0.3);
    }
  }
}
