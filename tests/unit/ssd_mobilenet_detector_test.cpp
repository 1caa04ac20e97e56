// SsdMobilenetDetector and its parts. Tests that need the model files in PG_MODELS_DIR
// (tools/fetch-models puts them there) report themselves skipped (skip.h) when they are
// absent. The golden tests compare with face-api.js's own SsdMobilenetv1 output on the
// same RGB pixels (tools/facedet-golden, run by tools/fetch-models).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <pugixml.hpp>

#include "core/exit_codes.h"
#include "core/sha256.h"
#include "faces/ssd_mobilenet_detector.h"
#include "golden_image.h"
#include "skip.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using pg::testing::TempDir;

const std::string kModels = PG_MODELS_DIR;
const std::string kTestdata = PG_TESTDATA_DIR;
const std::string kGoldenDir = kModels + "/golden/detection";
/// Golden tolerances (issue 4): per-box IoU with face-api.js's box, and score difference.
constexpr double kGoldenIou = 0.99;
constexpr double kGoldenScore = 0.001;

/// False, the test skipped (skip.h) naming what is missing, when the SSD model files are absent.
bool HaveSsdModels() {
  return pg::testing::HaveModelFiles(kModels, {pg::kSsdModelFile, pg::kSsdManifestFile});
}

pg::SsdMobilenetDetector& SharedDetector() {
  static std::unique_ptr<pg::SsdMobilenetDetector> detector = [] {
    auto made = pg::SsdMobilenetDetector::Load(kModels, pg::kSsdDefaultMinScore);
    if (!made.ok()) FAIL(made.status().ToString());
    return std::move(*made);
  }();
  return *detector;
}

/// A models folder linking to the real SSD files and manifest.txt, minus `drop`.
void LinkModels(const TempDir& dir, const std::string& drop = "") {
  for (const char* f : {"manifest.txt", pg::kSsdModelFile, pg::kSsdManifestFile}) {
    if (f != drop) fs::create_symlink(kModels + "/" + f, dir / f);
  }
}

/// A models folder holding the given SSD manifest and weights, both pinned.
void WritePinnedModels(const TempDir& dir, const std::string& manifest, const pg::Bytes& weights) {
  pg::testing::WriteText(dir / pg::kSsdManifestFile, manifest);
  pg::testing::WriteBytes(dir / pg::kSsdModelFile, weights);
  pg::testing::WriteText(dir / "manifest.txt",
                         pg::Sha256Hex(pg::Bytes(manifest.begin(), manifest.end())) + "  " +
                             pg::kSsdManifestFile + "\n" + pg::Sha256Hex(weights) + "  " +
                             pg::kSsdModelFile + "\n");
}

double Iou(const cv::Rect2d& a, const cv::Rect2d& b) {
  const double inter = (a & b).area();
  return inter > 0 ? inter / (a.area() + b.area() - inter) : 0.0;
}

cv::Rect2d RectOf(const pg::SsdFace& f) { return {f.x, f.y, f.w, f.h}; }

nlohmann::json Golden() {
  std::ifstream in(kGoldenDir + "/detections.json");
  if (!in) FAIL(kGoldenDir + "/detections.json missing; run tools/fetch-models");
  return nlohmann::json::parse(in);
}

/// face-api maps a fraction f of the padded square's side S to f * 512 / round(d * 512 / S)
/// * d pixels along an image side d (rounding the resized side, SsdMobilenetv1.locateFaces),
/// not f * S. Its box coordinates times this factor are where the network put them.
double FaceApiScale(int d, int side) {
  return std::round(d * 512.0 / side) / 512.0 * side / d;
}

/// Compares our faces and strongest anchors with face-api.js's for the golden entries
/// with (or without) a source photo; returns how many images and faces were compared.
std::pair<int, int> CheckGolden(bool with_source) {
  const nlohmann::json golden = Golden();
  CHECK(golden.at("generator").at("min_score").get<double>() == Approx(pg::kSsdDefaultMinScore));
  pg::SsdMobilenetDetector& detector = SharedDetector();
  int images = 0, faces = 0, pixels_differ = 0;
  double worst_iou = 1, worst_score = 0;
  for (const auto& e : golden.at("inputs")) {
    if (e.contains("source") != with_source) continue;
    INFO(e.at("name").get<std::string>());
    const cv::Mat img = pg::testing::GoldenImage(e, kGoldenDir, kTestdata, &pixels_differ);

    auto ours = detector.DetectFaces(img);
    REQUIRE(ours.ok());
    const auto& theirs = e.at("faces");
    CHECK(ours->size() == theirs.size());
    const cv::Rect2d image_rect(0, 0, img.cols, img.rows);
    for (const auto& t : theirs) {
      const auto& b = t.at("box");
      // face-api clips to the padded square, not the image: clip to the image as we do.
      const double sx = FaceApiScale(img.cols, std::max(img.cols, img.rows));
      const double sy = FaceApiScale(img.rows, std::max(img.cols, img.rows));
      const cv::Rect2d box = cv::Rect2d(b.at("x").get<double>() * sx, b.at("y").get<double>() * sy,
                                        b.at("width").get<double>() * sx, b.at("height").get<double>() * sy) &
                             image_rect;
      const auto best = std::max_element(ours->begin(), ours->end(), [&](const auto& x, const auto& y) {
        return Iou(RectOf(x), box) < Iou(RectOf(y), box);
      });
      REQUIRE(best != ours->end());
      const double iou = Iou(RectOf(*best), box);
      const double score_diff = std::abs(best->score - t.at("score").get<double>());
      CHECK(iou >= kGoldenIou);
      CHECK(score_diff <= kGoldenScore);
      worst_iou = std::min(worst_iou, iou);
      worst_score = std::max(worst_score, score_diff);
      ++faces;
    }
    auto candidates = detector.Candidates(img);
    REQUIRE(candidates.ok());
    REQUIRE(candidates->size() == pg::SsdMobilenetNet::kNumAnchors);
    for (const auto& a : e.at("top_anchors")) {
      const pg::SsdCandidate& c = (*candidates)[a.at("index").get<size_t>()];
      const auto box = a.at("box").get<std::vector<double>>();  // ymin, xmin, ymax, xmax
      const double iou = Iou({c.xmin, c.ymin, c.xmax - c.xmin, c.ymax - c.ymin},
                             {box[1], box[0], box[3] - box[1], box[2] - box[0]});
      const double score_diff = std::abs(c.score - a.at("score").get<double>());
      CHECK(iou >= kGoldenIou);
      CHECK(score_diff <= kGoldenScore);
      worst_iou = std::min(worst_iou, iou);
      worst_score = std::max(worst_score, score_diff);
    }
    ++images;
  }
  WARN(images << " images, " << faces << " faces vs face-api.js: worst IoU " << worst_iou
              << ", worst score difference " << worst_score << " (faces and top-10 anchors); "
              << pixels_differ << " images not bit-identical to what face-api.js saw");
  CHECK(pixels_differ == 0);
  return {images, faces};
}

/// Annotated faces of detection/dlib_faces (dlib imglab XML), by photo file name.
std::map<std::string, std::vector<cv::Rect2d>> AnnotatedFaces() {
  std::map<std::string, std::vector<cv::Rect2d>> faces;
  for (const char* xml : {"training.xml", "testing.xml"}) {
    pugi::xml_document doc;
    REQUIRE(doc.load_file((kTestdata + "/detection/dlib_faces/" + xml).c_str()));
    for (const auto& image : doc.select_nodes("//image")) {
      for (const auto& b : image.node().children("box")) {
        faces[image.node().attribute("file").value()].emplace_back(
            b.attribute("left").as_double(), b.attribute("top").as_double(),
            b.attribute("width").as_double(), b.attribute("height").as_double());
      }
    }
  }
  return faces;
}

/// dlib's annotations are tight squares, SSD's boxes taller; overlap this much is a match.
constexpr double kMatchIou = 0.3;

}  // namespace

TEST_CASE("SSD candidates above the min score survive suppression strongest first", "[ssd]") {
  auto box = [](float y, float x, float side, float score) {
    return pg::SsdCandidate{y, x, y + side, x + side, score};
  };
  const std::vector<pg::SsdCandidate> c = {
      box(0.1f, 0.1f, 0.2f, 0.6f),   // 0: overlaps 1 by IoU 0.82: suppressed by it
      box(0.1f, 0.12f, 0.2f, 0.9f),  // 1: strongest
      box(0.5f, 0.5f, 0.2f, 0.5f),   // 2: exactly at the min score: not a face
      box(0.5f, 0.5f, 0.2f, 0.7f),   // 3: alone
      box(0.1f, 0.2f, 0.2f, 0.8f),   // 4: overlaps 1 by IoU 0.43 (<= 0.5): kept
  };
  CHECK(pg::SsdNonMaxSuppression(c, 0.5f, pg::kSsdNmsIou, 100) == std::vector<int>{1, 4, 3});
  CHECK(pg::SsdNonMaxSuppression(c, 0.5f, pg::kSsdNmsIou, 2) == std::vector<int>{1, 4});
  CHECK(pg::SsdNonMaxSuppression(c, 0.85f, pg::kSsdNmsIou, 100) == std::vector<int>{1});
  CHECK(pg::SsdNonMaxSuppression(c, 0.95f, pg::kSsdNmsIou, 100).empty());
}

TEST_CASE("SSD input: RGB in [-1, 1], padded black at the bottom, TF bilinear resize", "[ssd]") {
  cv::Mat red(128, 256, CV_8UC3, cv::Scalar(0, 0, 255));  // BGR; wider than tall
  auto blob = pg::SsdInputBlob(red);
  REQUIRE(blob.ok());
  REQUIRE(blob->size[0] == 1);
  REQUIRE(blob->size[1] == 3);
  REQUIRE(blob->size[2] == 512);
  REQUIRE(blob->size[3] == 512);
  auto at = [&](int c, int y, int x) { return blob->ptr<float>(0, c)[y * 512 + x]; };
  // Source row = output row / 2 (no half-pixel centres): rows 0..254 are image, 255
  // blends image row 127 with padding row 128 half and half, 256.. are padding.
  CHECK(at(0, 0, 0) == 1.0f);     // R
  CHECK(at(1, 0, 0) == -1.0f);    // G
  CHECK(at(2, 254, 511) == -1.0f);  // B
  CHECK(at(0, 254, 511) == 1.0f);
  CHECK(at(0, 255, 100) == 0.0f);
  CHECK(at(0, 256, 100) == -1.0f);
  CHECK(at(0, 511, 511) == -1.0f);

  cv::Mat tall(512, 300, CV_8UC3, cv::Scalar(10, 20, 30));  // 512 high: no resize, padded right
  tall.at<cv::Vec3b>(7, 299) = cv::Vec3b(0, 255, 51);
  auto t = pg::SsdInputBlob(tall);
  REQUIRE(t.ok());
  CHECK(t->ptr<float>(0, 0)[7 * 512 + 299] == Approx(51 / 127.5 - 1));
  CHECK(t->ptr<float>(0, 1)[7 * 512 + 299] == 1.0f);
  CHECK(t->ptr<float>(0, 2)[7 * 512 + 298] == Approx(10 / 127.5 - 1));
  CHECK(t->ptr<float>(0, 2)[7 * 512 + 300] == -1.0f);

  CHECK_FALSE(pg::SsdInputBlob(cv::Mat()).ok());
  CHECK_FALSE(pg::SsdInputBlob(cv::Mat(10, 10, CV_8UC1, cv::Scalar(0))).ok());
}

TEST_CASE("SSD refuses a min score outside (0, 1) as a config error", "[ssd]") {
  for (float bad : {0.0f, 1.0f, -0.5f, 2.0f}) {
    auto d = pg::MakeSsdMobilenetDetector(kModels, bad);
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == pg::Code::kConfig);
    CHECK_THAT(d.status().message(), Catch::Contains("minimum face score"));
  }
}

TEST_CASE("a missing SSD model file is a config error (exit 78) naming it and the fix", "[ssd]") {
  if (!HaveSsdModels()) return;
  for (const char* missing : {pg::kSsdModelFile, pg::kSsdManifestFile}) {
    TempDir dir;
    LinkModels(dir, missing);
    auto made = pg::MakeSsdMobilenetDetector(dir.path(), pg::kSsdDefaultMinScore);
    REQUIRE_FALSE(made.ok());
    CHECK(pg::ExitCodeFor(made.status()) == 78);
    CHECK_THAT(made.status().message(), Catch::Contains(dir / missing) && Catch::Contains("missing") &&
                                            Catch::Contains("tools/fetch-models"));
  }
}

TEST_CASE("a corrupted SSD weight file is a config error: checksum mismatch", "[ssd]") {
  if (!HaveSsdModels()) return;
  TempDir dir;
  LinkModels(dir, pg::kSsdModelFile);
  pg::Bytes weights = pg::testing::ReadBytes(kModels + "/" + pg::kSsdModelFile);
  weights[weights.size() / 2] ^= 0x01;  // one bit
  pg::testing::WriteBytes(dir / pg::kSsdModelFile, weights);
  auto made = pg::MakeSsdMobilenetDetector(dir.path(), pg::kSsdDefaultMinScore);
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().code() == pg::Code::kConfig);
  CHECK_THAT(made.status().message(),
             Catch::Contains(dir / pg::kSsdModelFile) && Catch::Contains("checksum mismatch"));
}

TEST_CASE("pinned SSD weights that do not fit the network are a config error naming the misfit", "[ssd]") {
  if (!HaveSsdModels()) return;
  const std::string manifest = pg::testing::ReadText(kModels + "/" + pg::kSsdManifestFile);
  const pg::Bytes weights = pg::testing::ReadBytes(kModels + "/" + pg::kSsdModelFile);

  SECTION("a .bin one byte short") {
    TempDir dir;
    WritePinnedModels(dir, manifest, pg::Bytes(weights.begin(), weights.end() - 1));
    auto made = pg::MakeSsdMobilenetDetector(dir.path(), pg::kSsdDefaultMinScore);
    REQUIRE_FALSE(made.ok());
    CHECK(made.status().code() == pg::Code::kConfig);
    CHECK_THAT(made.status().message(), Catch::Contains("weight data ends inside tensor Output/extra_dim"));
  }
  SECTION("a depthwise filter with its axes swapped (same size)") {
    nlohmann::json m = nlohmann::json::parse(manifest);
    bool swapped = false;
    for (auto& w : m[0]["weights"]) {
      if (w["name"] == "MobilenetV1/Conv2d_3_depthwise/depthwise_weights") {
        w["shape"] = {3, 3, 1, 128};
        swapped = true;
      }
    }
    REQUIRE(swapped);
    TempDir dir;
    WritePinnedModels(dir, m.dump(), weights);
    auto made = pg::MakeSsdMobilenetDetector(dir.path(), pg::kSsdDefaultMinScore);
    REQUIRE_FALSE(made.ok());
    CHECK(made.status().code() == pg::Code::kConfig);
    CHECK_THAT(made.status().message(), Catch::Contains("MobilenetV1/Conv2d_3_depthwise/depthwise_weights") &&
                                            Catch::Contains("[3,3,1,128]"));
  }
  SECTION("not a manifest at all") {
    TempDir dir;
    WritePinnedModels(dir, "{\"weights\": []}", weights);
    auto made = pg::MakeSsdMobilenetDetector(dir.path(), pg::kSsdDefaultMinScore);
    REQUIRE_FALSE(made.ok());
    CHECK(made.status().code() == pg::Code::kConfig);
    CHECK_THAT(made.status().message(), Catch::Contains("not a tfjs weights manifest"));
  }
}

TEST_CASE("SSD names itself, scales its smallest face to the image, refuses bad pixels", "[ssd]") {
  if (!HaveSsdModels()) return;
  pg::SsdMobilenetDetector& d = SharedDetector();
  CHECK(d.Name() == "ssd-mobilenetv1");
  CHECK(d.min_score() == pg::kSsdDefaultMinScore);
  CHECK(d.MinFaceSize(512, 384) == pg::kSsdMinFaceInput);
  CHECK(d.MinFaceSize(300, 1024) == 2 * pg::kSsdMinFaceInput);
  CHECK(d.MinFaceSize(4000, 3000) == (pg::kSsdMinFaceInput * 4000 + 511) / 512);
  CHECK_FALSE(d.Detect(cv::Mat()).ok());
  CHECK_FALSE(d.Detect(cv::Mat(64, 64, CV_8UC4, cv::Scalar(0))).ok());
}

TEST_CASE("SSD synthetic images: faces and strongest anchors match face-api.js's", "[ssd]") {
  if (!HaveSsdModels()) return;
  const auto [images, faces] = CheckGolden(false);
  CHECK(images >= 5);
}

TEST_CASE("SSD shared photos: faces and strongest anchors match face-api.js's (IoU >= 0.99)",
          "[ssd][testdata]") {
  if (!HaveSsdModels()) return;
  const auto [images, faces] = CheckGolden(true);
  // fetch-models adds the shared photos when they exist; without them nothing is compared.
  CHECK(images >= 19);
  CHECK(faces >= 40);
}

TEST_CASE("SSD finds the face of a portrait with a box around it", "[ssd][testdata]") {
  if (!HaveSsdModels()) return;
  const cv::Mat img = cv::imread(kTestdata + "/identities/obama/1.jpg", cv::IMREAD_COLOR);
  REQUIRE_FALSE(img.empty());
  auto faces = SharedDetector().Detect(img);
  REQUIRE(faces.ok());
  REQUIRE(faces->size() == 1);
  const pg::FaceFact& f = faces->front();
  CHECK(f.detector == "ssd-mobilenetv1");
  CHECK(f.score > 0.9);
  CHECK(f.box.x >= 0);
  CHECK(f.box.y >= 0);
  CHECK(f.box.x + f.box.w <= img.cols);
  CHECK(f.box.y + f.box.h <= img.rows);
  CHECK(f.box.w >= img.cols / 10);
  CHECK(f.box.w <= img.cols * 3 / 4);
  const int cx = f.box.x + f.box.w / 2;
  CHECK(cx > img.cols / 4);
  CHECK(cx < img.cols * 3 / 4);
}

TEST_CASE("SSD single pass finds the annotated faces of detection/dlib_faces", "[ssd][testdata]") {
  if (!HaveSsdModels()) return;
  int annotated = 0, found = 0, detections = 0, unmatched = 0, photos = 0;
  double ms = 0;
  for (const auto& [file, truth] : AnnotatedFaces()) {
    const cv::Mat img = cv::imread(kTestdata + "/detection/dlib_faces/" + file, cv::IMREAD_COLOR);
    if (img.empty()) continue;  // training.xml lists a photo the collection left out
    const auto t0 = std::chrono::steady_clock::now();
    auto faces = SharedDetector().DetectFaces(img);
    ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE(faces.ok());
    ++photos;
    for (const cv::Rect2d& t : truth) {
      ++annotated;
      found += std::any_of(faces->begin(), faces->end(),
                           [&](const pg::SsdFace& f) { return Iou(RectOf(f), t) >= kMatchIou; });
    }
    for (const pg::SsdFace& f : *faces) {
      ++detections;
      unmatched += std::none_of(truth.begin(), truth.end(),
                                [&](const cv::Rect2d& t) { return Iou(RectOf(f), t) >= kMatchIou; });
    }
  }
  WARN("SSD single pass on " << photos << " annotated photos: recall " << found << "/" << annotated
                             << ", " << detections << " detections, " << unmatched
                             << " not on an annotated face; " << ms / photos << " ms per photo");
  REQUIRE(annotated >= 40);
  CHECK(found >= 0.95 * annotated);  // measured 40/41
  CHECK(unmatched <= 1);
}

TEST_CASE("SSD finds no face in the face-free photos of detection/negatives", "[ssd][testdata]") {
  if (!HaveSsdModels()) return;
  // dogs.jpg is left out: SSD (like face-api.js, see the golden file) takes a dog's face
  // for a human one at 0.79. IMG_3578.heic is not readable by cv::imread.
  for (const char* file : {"DuTillet1004Pg2LG.jpg", "eurotext.tif", "frameright.jpg", "phototest.tif",
                           "simple.webp", "smiley2.jpg", "testorig.jpg"}) {
    INFO(file);
    const cv::Mat img = cv::imread(kTestdata + "/detection/negatives/" + file, cv::IMREAD_COLOR);
    REQUIRE_FALSE(img.empty());
    auto faces = SharedDetector().Detect(img);
    REQUIRE(faces.ok());
    CHECK(faces->empty());
  }
}

TEST_CASE("SSD finds faces down to its stated smallest size in one pass", "[ssd][testdata]") {
  if (!HaveSsdModels()) return;
  // Each annotated face, cut with a margin of one face width, scaled so that the face is
  // `side` pixels and pasted on a grey 512x512 canvas (the network's own resolution).
  std::vector<std::pair<cv::Mat, cv::Rect2d>> crops;
  for (const auto& [file, truth] : AnnotatedFaces()) {
    const cv::Mat img = cv::imread(kTestdata + "/detection/dlib_faces/" + file, cv::IMREAD_COLOR);
    if (img.empty()) continue;
    for (const cv::Rect2d& t : truth) {
      const cv::Rect r = cv::Rect(cv::Rect2d(t.x - t.width, t.y - t.height, 3 * t.width, 3 * t.height)) &
                         cv::Rect(0, 0, img.cols, img.rows);
      crops.emplace_back(img(r).clone(), cv::Rect2d(t.x - r.x, t.y - r.y, t.width, t.height));
    }
  }
  REQUIRE(crops.size() >= 40);
  auto found_at = [&](int side) {
    int found = 0;
    for (const auto& [crop, face] : crops) {
      const double s = side / face.width;
      cv::Mat scaled;
      cv::resize(crop, scaled, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
      cv::Mat canvas(512, 512, CV_8UC3, cv::Scalar(128, 128, 128));
      const cv::Rect at((512 - scaled.cols) / 2, (512 - scaled.rows) / 2, scaled.cols, scaled.rows);
      scaled.copyTo(canvas(at));
      const cv::Rect2d moved(at.x + face.x * s, at.y + face.y * s, face.width * s, face.height * s);
      auto faces = SharedDetector().DetectFaces(canvas);
      REQUIRE(faces.ok());
      found += std::any_of(faces->begin(), faces->end(),
                           [&](const pg::SsdFace& f) { return Iou(RectOf(f), moved) >= kMatchIou; });
    }
    return found;
  };
  const int at_min = found_at(pg::kSsdMinFaceInput);
  const int below = found_at(pg::kSsdMinFaceInput * 2 / 3);
  WARN("faces of " << pg::kSsdMinFaceInput << " px in the 512-px input: " << at_min << "/" << crops.size()
                   << " found; of " << pg::kSsdMinFaceInput * 2 / 3 << " px: " << below);
  CHECK(at_min >= 0.95 * crops.size());
}
