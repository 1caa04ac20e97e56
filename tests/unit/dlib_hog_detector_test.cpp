#include <catch2/catch.hpp>

#include <opencv2/imgcodecs.hpp>

#include "faces/face_detector.h"
#include "test_util.h"

TEST_CASE("HOG finds no face in a drawn landscape", "[faces]") {
  auto det = pg::MakeDlibHogDetector(1, 1200);
  auto faces = det->Detect(pg::testing::DrawScene(640, 480));
  REQUIRE(faces.ok());
  CHECK(faces->empty());
  CHECK(det->Name() == "dlib-hog");
}

TEST_CASE("HOG refuses a non-BGR image with an error, not an empty list", "[faces]") {
  auto det = pg::MakeDlibHogDetector(0, 0);
  auto faces = det->Detect(cv::Mat(10, 10, CV_8UC1));
  CHECK_FALSE(faces.ok());
}

TEST_CASE("HOG upsamples small images only, and says how small it can see", "[faces]") {
  auto det = pg::MakeDlibHogDetector(1, 1200);
  CHECK(det->MinFaceSize(800, 600) == 40);
  CHECK(det->MinFaceSize(4000, 3000) == 80);
}

TEST_CASE("HOG finds a real face, box inside the image and around its centre", "[faces][testdata]") {
  cv::Mat img = cv::imread(std::string(PG_TESTDATA_DIR) + "/identities/obama/1.jpg");
  REQUIRE_FALSE(img.empty());
  auto det = pg::MakeDlibHogDetector(1, 1200);
  auto faces = det->Detect(img);
  REQUIRE(faces.ok());
  REQUIRE(faces->size() == 1);
  const auto& b = (*faces)[0].box;
  CHECK(b.x >= 0);
  CHECK(b.y >= 0);
  CHECK(b.x + b.w <= img.cols);
  CHECK(b.y + b.h <= img.rows);
  CHECK(b.w >= 40);
  CHECK((*faces)[0].detector == "dlib-hog");
}

TEST_CASE("HOG boxes are in the coordinates of the image given (upsampling undone)", "[faces][testdata]") {
  cv::Mat img = cv::imread(std::string(PG_TESTDATA_DIR) + "/identities/obama/1.jpg");
  REQUIRE_FALSE(img.empty());
  auto plain = pg::MakeDlibHogDetector(0, 0)->Detect(img);
  auto up = pg::MakeDlibHogDetector(1, 100000)->Detect(img);
  REQUIRE(plain.ok());
  REQUIRE(up.ok());
  REQUIRE(plain->size() == 1);
  REQUIRE(up->size() >= 1);
  const auto& a = (*plain)[0].box;
  const auto& b = (*up)[0].box;
  CHECK(std::abs((a.x + a.w / 2) - (b.x + b.w / 2)) < a.w / 4);
  CHECK(std::abs((a.y + a.h / 2) - (b.y + b.h / 2)) < a.h / 4);
}
