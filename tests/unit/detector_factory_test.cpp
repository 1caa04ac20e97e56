// MakeFaceDetector and ParseDetectorSpec: names, errors, tiling on and off.
#include <catch2/catch.hpp>

#include <filesystem>

#include "faces/detector_factory.h"
#include "test_util.h"

TEST_CASE("the default detector is the tiled SSD the evaluation chose", "[detector-factory]") {
  CHECK(pg::DetectorConfig().spec == "ssd");
  CHECK(pg::DetectorConfig().tiling);
}

TEST_CASE("the factory knows hog and lists its names", "[detector-factory]") {
  auto names = pg::DetectorNames();
  CHECK(std::find(names.begin(), names.end(), "hog") != names.end());
  auto parsed = pg::ParseDetectorSpec("hog");
  REQUIRE(parsed.ok());
  CHECK(*parsed == std::vector<std::string>{"hog"});
}

TEST_CASE("a bad detector spec is a config error that lists the valid names", "[detector-factory]") {
  for (const char* spec : {"nope", "", "hog+", "+hog", "HOG", "hog+nope"}) {
    INFO(spec);
    auto parsed = pg::ParseDetectorSpec(spec);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == pg::Code::kConfig);
    CHECK_THAT(parsed.status().message(), Catch::Contains("valid names: hog"));
    pg::DetectorConfig c;
    c.spec = spec;
    CHECK(pg::MakeFaceDetector(c, "").status().code() == pg::Code::kConfig);
  }
  auto twice = pg::ParseDetectorSpec("hog+hog");
  REQUIRE_FALSE(twice.ok());
  CHECK_THAT(twice.status().message(), Catch::Contains("listed twice"));
}

TEST_CASE("hog without tiling or rotations is the plain HOG detector", "[detector-factory]") {
  pg::DetectorConfig c;
  c.spec = "hog";
  c.tiling = false;
  c.rotations = pg::RotationMode::kOff;
  auto det = pg::MakeFaceDetector(c, "");
  REQUIRE(det.ok());
  CHECK((*det)->Name() == "dlib-hog");
  CHECK((*det)->MinFaceSize(4000, 3000) == 80);
}

TEST_CASE("rotations wrap the detector: auto with a probe for twice the smallest face, all, and untiled auto as all",
          "[detector-factory]") {
  pg::DetectorConfig c;
  c.spec = "hog";
  CHECK(pg::DetectorConfig().rotations == pg::RotationMode::kAuto);  // the evaluation's choice
  auto det = pg::MakeFaceDetector(c, "");
  REQUIRE(det.ok());
  CHECK((*det)->Name() ==
        "dlib-hog tiled (1200 px tiles, faces >= 25 px), also turned 90/270 when a probe (faces >= 50 px) finds a face scoring >= 0.80");
  CHECK((*det)->MinFaceSize(4000, 3000) == 25);
  c.rotations = pg::RotationMode::kAll;
  CHECK((*pg::MakeFaceDetector(c, ""))->Name() == "dlib-hog tiled (1200 px tiles, faces >= 25 px), also turned 90/270");
  c.rotations = pg::RotationMode::kAuto;
  c.tiling = false;  // no pass is cheaper than the one untiled pass: every turn is searched
  CHECK((*pg::MakeFaceDetector(c, ""))->Name() == "dlib-hog, also turned 90/270");
  c.tiling = true;
  c.rotation_probe_factor = 0;
  CHECK(pg::MakeFaceDetector(c, "").status().code() == pg::Code::kConfig);
  c.rotations = pg::RotationMode::kOff;
  CHECK((*pg::MakeFaceDetector(c, ""))->Name() == "dlib-hog tiled (1200 px tiles, faces >= 25 px)");
}

TEST_CASE("hog tiled names the whole config and reaches the smallest face asked for", "[detector-factory]") {
  pg::DetectorConfig c;  // defaults: tiled, 25 px
  c.spec = "hog";
  c.rotations = pg::RotationMode::kOff;
  auto det = pg::MakeFaceDetector(c, "");
  REQUIRE(det.ok());
  CHECK((*det)->Name() == "dlib-hog tiled (1200 px tiles, faces >= 25 px)");
  CHECK((*det)->MinFaceSize(4000, 3000) == 25);
  auto faces = (*det)->Detect(pg::testing::DrawScene(640, 480));
  REQUIRE(faces.ok());
  CHECK(faces->empty());
}

TEST_CASE("a smallest face hog cannot reach is refused, not silently missed", "[detector-factory]") {
  pg::DetectorConfig c;
  c.spec = "hog";
  c.min_face_px = 12;
  auto det = pg::MakeFaceDetector(c, "");
  REQUIRE_FALSE(det.ok());
  CHECK(det.status().code() == pg::Code::kConfig);
  CHECK_THAT(det.status().message(), Catch::Contains("under 20 px") && Catch::Contains("12 px"));
}

TEST_CASE("a CNN detector whose model files are missing is a config error, never fewer detectors",
          "[detector-factory]") {
  // The committed manifest.txt without the (git-ignored) weights: a fresh clone before set-up.
  pg::testing::TempDir empty;
  std::filesystem::copy_file(std::string(PG_MODELS_DIR) + "/manifest.txt", empty.path() + "/manifest.txt");
  for (const char* spec : {"ssd", "blazeface", "hog+ssd", "ssd+blazeface"}) {
    INFO(spec);
    for (bool tiling : {true, false}) {
      pg::DetectorConfig c;
      c.spec = spec;
      c.tiling = tiling;
      auto made = pg::MakeFaceDetector(c, empty.path());
      REQUIRE_FALSE(made.ok());
      CHECK(made.status().code() == pg::Code::kConfig);
      CHECK_THAT(made.status().message(), Catch::Contains("tools/fetch-models"));
    }
  }
}
