// BlazeFace: anchors and decoding on hand-made tensors (no model needed), model-file errors,
// and, with the ONNX files in PG_MODELS_DIR (tools/fetch-models), real detections on
// ../shared/testdata. Tests that need the models report themselves skipped (skip.h) when
// they are absent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "core/sha256.h"
#include "decode/decode.h"
#include "faces/blazeface_detector.h"
#include "skip.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using pg::BlazeFaceModel;
using pg::testing::TempDir;

const std::string kModels = PG_MODELS_DIR;
const std::string kTestdata = PG_TESTDATA_DIR;
constexpr BlazeFaceModel kBothModels[] = {BlazeFaceModel::kBackRange256, BlazeFaceModel::kFront128};

const char* FileOf(BlazeFaceModel m) {
  return m == BlazeFaceModel::kBackRange256 ? pg::kBlazeFaceBackModelFile : pg::kBlazeFaceFrontModelFile;
}

/// False (the test is skipped, see skip.h) when tools/fetch-models has not put the ONNX
/// files in place.
bool ModelsPresent() {
  return pg::testing::HaveModelFiles(kModels, {FileOf(kBothModels[0]), FileOf(kBothModels[1])});
}

std::unique_ptr<pg::FaceDetector> Make(BlazeFaceModel m) {
  auto made = pg::MakeBlazeFaceDetector(kModels, m);
  if (!made.ok()) FAIL(made.status().ToString());
  return std::move(*made);
}

cv::Mat Load(const std::string& path) {
  auto decoded = pg::DecodeImage(pg::testing::ReadBytes(path), 1, 100'000'000);
  if (!decoded.ok()) FAIL(path << ": " << decoded.status().ToString());
  return decoded->bgr;
}

double Iou(const pg::Box& a, const pg::Box& b) {
  const int iw = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  const int ih = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
  if (iw <= 0 || ih <= 0) return 0;
  const double inter = static_cast<double>(iw) * ih;
  return inter / (static_cast<double>(a.w) * a.h + static_cast<double>(b.w) * b.h - inter);
}

/// Ground truth of detection/dlib_faces: file -> boxes (dlib XML, top,left,width,height).
std::map<std::string, std::vector<pg::Box>> AnnotatedFaces() {
  std::map<std::string, std::vector<pg::Box>> gt;
  const std::regex image("<image file='([^']+)'");
  const std::regex box("<box top='(-?\\d+)' left='(-?\\d+)' width='(\\d+)' height='(\\d+)'");
  for (const char* xml : {"training.xml", "testing.xml"}) {
    std::istringstream in(pg::testing::ReadText(kTestdata + "/detection/dlib_faces/" + xml));
    std::string line, file;
    std::smatch m;
    while (std::getline(in, line)) {
      if (std::regex_search(line, m, image)) file = m[1];
      else if (std::regex_search(line, m, box) && fs::exists(kTestdata + "/detection/dlib_faces/" + file))
        gt[file].push_back({std::stoi(m[2]), std::stoi(m[1]), std::stoi(m[3]), std::stoi(m[4])});
    }
  }
  return gt;
}

/// Image files under identities/`sub` (recursively), skipping the `skip` folder.
std::vector<std::string> Photos(const std::string& sub, const std::string& skip = "") {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(kTestdata + "/identities/" + sub)) {
    const std::string p = e.path().string(), ext = e.path().extension().string();
    if ((ext == ".jpg" || ext == ".png") && (skip.empty() || p.find(skip) == std::string::npos))
      out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("BlazeFace anchors follow MediaPipe's SSD layout for both models", "[blazeface]") {
  for (BlazeFaceModel m : kBothModels) {
    const auto a = pg::BlazeFaceAnchors(m);
    REQUIRE(a.size() == 896);  // 16x16 cells x 2 anchors, then 8x8 cells x 6
    CHECK(a.front().x == 0.03125f);  // (0 + 0.5) / 16
    CHECK(a.front().y == 0.03125f);
    CHECK(a[1].x == a[0].x);         // 2 anchors per cell in the first map
    CHECK(a[2].x == 0.09375f);       // next column: 1.5 / 16
    CHECK(a[2].y == 0.03125f);
    CHECK(a[511].x == 0.96875f);     // last cell of the 16x16 map
    CHECK(a[511].y == 0.96875f);
    CHECK(a[512].x == 0.0625f);      // first cell of the 8x8 map: 0.5 / 8
    CHECK(a[517].x == 0.0625f);      // 6 anchors share it
    CHECK(a[518].x == 0.1875f);
    CHECK(a.back().x == 0.9375f);    // 7.5 / 8
    CHECK(a.back().y == 0.9375f);
  }
  CHECK(pg::BlazeFaceInputSize(BlazeFaceModel::kBackRange256) == 256);
  CHECK(pg::BlazeFaceInputSize(BlazeFaceModel::kFront128) == 128);
}

TEST_CASE("BlazeFace decoding: box = anchor + regressor / input size, clipped sigmoid scores", "[blazeface]") {
  const auto anchors = pg::BlazeFaceAnchors(BlazeFaceModel::kFront128);
  std::vector<float> scores(anchors.size(), -1000.0f);  // clipped to -100: score ~0
  std::vector<float> reg(anchors.size() * 16, 0.0f);
  scores[600] = 2.0f;
  const float r600[] = {12.8f, -6.4f, 25.6f, 38.4f};  // +0.1, -0.05; 0.2 x 0.3 of the input
  std::copy(std::begin(r600), std::end(r600), reg.begin() + 600 * 16);
  scores[3] = 1000.0f;  // clipped to +100: score 1, not NaN
  reg[3 * 16 + 2] = reg[3 * 16 + 3] = 12.8f;
  scores[7] = 0.0f;  // 0.5: kept at min_score 0.5, dropped at 0.6
  reg[7 * 16 + 2] = reg[7 * 16 + 3] = 6.4f;

  auto d = pg::DecodeBlazeFace(scores.data(), reg.data(), anchors, 128, 0.5f);
  REQUIRE(d.size() == 3);
  CHECK(d[0].score == 1.0f);
  CHECK(d[0].xmin == Approx(anchors[3].x - 0.05f));
  CHECK(d[1].score == 0.5f);
  const auto& a = anchors[600];
  CHECK(d[2].score == Approx(1.0 / (1.0 + std::exp(-2.0))));
  CHECK(d[2].xmin == Approx(a.x + 0.1f - 0.1f));
  CHECK(d[2].xmax == Approx(a.x + 0.1f + 0.1f));
  CHECK(d[2].ymin == Approx(a.y - 0.05f - 0.15f));
  CHECK(d[2].ymax == Approx(a.y - 0.05f + 0.15f));
  CHECK(pg::DecodeBlazeFace(scores.data(), reg.data(), anchors, 128, 0.6f).size() == 2);
}

TEST_CASE("BlazeFace weighted NMS blends overlapping boxes by score and keeps the best score", "[blazeface]") {
  std::vector<pg::BlazeDetection> in = {
      {0.10f, 0.10f, 0.30f, 0.30f, 0.6f},  // IoU 0.68 with the next: blended into it
      {0.12f, 0.12f, 0.32f, 0.32f, 0.9f},
      {0.60f, 0.60f, 0.80f, 0.80f, 0.7f},  // apart: stays
      {0.16f, 0.22f, 0.36f, 0.42f, 0.8f},  // IoU 0.25 with the best: below 0.3, stays
  };
  auto out = pg::WeightedNonMaxSuppression(in, pg::kBlazeFaceNmsIou);
  REQUIRE(out.size() == 3);
  CHECK(out[0].score == 0.9f);
  CHECK(out[0].xmin == Approx((0.10 * 0.6 + 0.12 * 0.9) / 1.5));
  CHECK(out[0].ymax == Approx((0.30 * 0.6 + 0.32 * 0.9) / 1.5));
  CHECK(out[1].score == 0.8f);
  CHECK(out[1].xmin == Approx(0.16f));
  CHECK(out[2].score == 0.7f);
  CHECK(pg::WeightedNonMaxSuppression({}, 0.3f).empty());
}

TEST_CASE("BlazeFace: a missing model file is a config error naming it and tools/fetch-models", "[blazeface]") {
  TempDir dir;
  pg::testing::WriteText(dir / "manifest.txt",
                         std::string(64, 'a') + "  " + pg::kBlazeFaceBackModelFile + "\n");
  auto made = pg::MakeBlazeFaceDetector(dir.path(), BlazeFaceModel::kBackRange256);
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().code() == pg::Code::kConfig);
  CHECK_THAT(made.status().message(), Catch::Contains(pg::kBlazeFaceBackModelFile) &&
                                          Catch::Contains("tools/fetch-models"));
}

TEST_CASE("BlazeFace: an altered model file is a config error (checksum mismatch)", "[blazeface]") {
  TempDir dir;
  pg::testing::WriteText(dir / pg::kBlazeFaceFrontModelFile, "not the network");
  pg::testing::WriteText(dir / "manifest.txt",
                         std::string(64, 'b') + "  " + pg::kBlazeFaceFrontModelFile + "\n");
  auto made = pg::MakeBlazeFaceDetector(dir.path(), BlazeFaceModel::kFront128);
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().code() == pg::Code::kConfig);
  CHECK_THAT(made.status().message(), Catch::Contains("checksum mismatch") &&
                                          Catch::Contains(pg::kBlazeFaceFrontModelFile) &&
                                          Catch::Contains("tools/fetch-models"));
}

TEST_CASE("BlazeFace: a checksummed file that is not ONNX is a config error, not a crash", "[blazeface]") {
  TempDir dir;
  const pg::Bytes junk = {0x08, 0x07, 0x12, 0xff, 0x00, 0x41, 0x42};
  pg::testing::WriteBytes(dir / pg::kBlazeFaceBackModelFile, junk);
  pg::testing::WriteText(dir / "manifest.txt",
                         pg::Sha256Hex(junk) + "  " + pg::kBlazeFaceBackModelFile + "\n");
  auto made = pg::MakeBlazeFaceDetector(dir.path(), BlazeFaceModel::kBackRange256);
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().code() == pg::Code::kConfig);
  CHECK_THAT(made.status().message(), Catch::Contains(pg::kBlazeFaceBackModelFile));
}

TEST_CASE("BlazeFace: a min score outside (0,1) is a config error", "[blazeface]") {
  for (float bad : {0.0f, 1.0f, -0.5f, NAN}) {
    auto made = pg::MakeBlazeFaceDetector(kModels, BlazeFaceModel::kFront128, bad);
    REQUIRE_FALSE(made.ok());
    CHECK(made.status().code() == pg::Code::kConfig);
  }
}

TEST_CASE("BlazeFace: the other model's network under this name is refused at load", "[blazeface]") {
  if (!ModelsPresent()) return;
  // The front network fed a 256 input gives outputs of the wrong size.
  TempDir dir;
  const pg::Bytes front = pg::testing::ReadBytes(kModels + "/" + pg::kBlazeFaceFrontModelFile);
  pg::testing::WriteBytes(dir / pg::kBlazeFaceBackModelFile, front);
  pg::testing::WriteText(dir / "manifest.txt",
                         pg::Sha256Hex(front) + "  " + pg::kBlazeFaceBackModelFile + "\n");
  auto made = pg::MakeBlazeFaceDetector(dir.path(), BlazeFaceModel::kBackRange256);
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().code() == pg::Code::kConfig);
  CHECK_THAT(made.status().message(), Catch::Contains("not a BlazeFace network"));
}

TEST_CASE("BlazeFace: names, minimum face size, and bad pixels are an error", "[blazeface]") {
  if (!ModelsPresent()) return;
  auto back = Make(BlazeFaceModel::kBackRange256);
  auto front = Make(BlazeFaceModel::kFront128);
  CHECK(back->Name() == "blazeface-back");
  CHECK(front->Name() == "blazeface-front");
  CHECK(back->MinFaceSize(256, 100) == pg::BlazeFaceMinFaceInput(BlazeFaceModel::kBackRange256));
  CHECK(back->MinFaceSize(4000, 3000) == static_cast<int>(std::ceil(29.0 * 4000 / 256)));
  CHECK(front->MinFaceSize(3000, 4000) == static_cast<int>(std::ceil(31.0 * 4000 / 128)));
  CHECK_FALSE(back->Detect(cv::Mat()).ok());
  CHECK_FALSE(front->Detect(cv::Mat(20, 20, CV_8UC1, cv::Scalar(0))).ok());
  auto none = back->Detect(pg::testing::DrawScene(640, 480));
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("BlazeFace finds the annotated faces with IoU >= 0.5 in one pass", "[blazeface][testdata]") {
  if (!ModelsPresent()) return;
  const auto gt = AnnotatedFaces();
  REQUIRE(gt.size() == 8);
  for (BlazeFaceModel m : kBothModels) {
    auto det = Make(m);
    int faces = 0, found = 0, big = 0, big_found = 0, unmatched = 0;
    for (const auto& [file, boxes] : gt) {
      const cv::Mat img = Load(kTestdata + "/detection/dlib_faces/" + file);
      auto dets = det->Detect(img);
      REQUIRE(dets.ok());
      std::vector<bool> used(boxes.size(), false);
      for (const pg::FaceFact& f : *dets) {
        CHECK(f.detector == det->Name());
        CHECK((f.box.x >= 0 && f.box.y >= 0 && f.box.x + f.box.w <= img.cols && f.box.y + f.box.h <= img.rows));
        int best = -1;
        for (size_t i = 0; i < boxes.size(); ++i)
          if (!used[i] && Iou(f.box, boxes[i]) >= 0.5 && (best < 0 || Iou(f.box, boxes[i]) > Iou(f.box, boxes[best]))) best = static_cast<int>(i);
        if (best < 0) ++unmatched;
        else used[best] = true;
      }
      const int min_face = det->MinFaceSize(img.cols, img.rows);
      for (size_t i = 0; i < boxes.size(); ++i) {
        ++faces;
        found += used[i];
        if (std::min(boxes[i].w, boxes[i].h) >= min_face) {
          ++big;
          big_found += used[i];
        }
      }
    }
    INFO(det->Name() << ": " << found << "/" << faces << " found, " << unmatched << " unmatched");
    CHECK(big_found == big);  // every face at least MinFaceSize is found
    if (m == BlazeFaceModel::kBackRange256) {
      CHECK(big >= 8);     // MinFaceSize 57 px here: the 8 faces of 63-109 px
      CHECK(found >= 39);  // measured 40/41, faces of 37-109 px in ~500 px photos
      CHECK(unmatched == 0);
    } else {
      CHECK(found >= 7);  // measured 8: the faces of 63-109 px (MinFaceSize 122 px here)
    }
  }
}

TEST_CASE("BlazeFace finds every portrait's face, and both people in two-person photos", "[blazeface][testdata]") {
  if (!ModelsPresent()) return;
  const auto singles = Photos("", "_multi"), pairs = Photos("_multi");
  REQUIRE(singles.size() >= 60);
  REQUIRE(pairs.size() >= 2);
  for (BlazeFaceModel m : kBothModels) {
    auto det = Make(m);
    for (const std::string& p : singles) {
      auto dets = det->Detect(Load(p));
      REQUIRE(dets.ok());
      INFO(det->Name() << " in " << p);
      CHECK_FALSE(dets->empty());
    }
    for (const std::string& p : pairs) {
      auto dets = det->Detect(Load(p));
      REQUIRE(dets.ok());
      INFO(det->Name() << " in " << p);
      CHECK(dets->size() == 2);
    }
  }
}

TEST_CASE("BlazeFace finds no face on the negatives (hard negatives excepted)", "[blazeface][testdata]") {
  if (!ModelsPresent()) return;
  // INDEX.csv rows with gt_faces 0; the cartoon smiley and the dogs are marked "hard negative"
  // and do score as faces (measured 0.79 and 0.57-0.60): a fail-closed gate sends them to review.
  std::istringstream index(pg::testing::ReadText(kTestdata + "/detection/INDEX.csv"));
  std::vector<std::string> negatives;
  for (std::string line; std::getline(index, line);) {
    if (line.rfind("negatives/", 0) == 0 && line.find("hard negative") == std::string::npos)
      negatives.push_back(line.substr(0, line.find(',')));
  }
  REQUIRE(negatives.size() == 7);
  for (BlazeFaceModel m : kBothModels) {
    auto det = Make(m);
    for (const std::string& n : negatives) {
      auto dets = det->Detect(Load(kTestdata + "/detection/" + n));
      REQUIRE(dets.ok());
      INFO(det->Name() << " in " << n);
      CHECK(dets->empty());
    }
  }
}

TEST_CASE("BlazeFace finds faces of MinFaceSize anywhere in a larger image", "[blazeface][testdata]") {
  if (!ModelsPresent()) return;
  // Reference boxes: the front model on the portraits at full size.
  auto front = Make(BlazeFaceModel::kFront128);
  std::vector<std::pair<cv::Mat, pg::Box>> refs;
  for (const std::string& p : Photos("", "_multi")) {
    cv::Mat img = Load(p);
    auto dets = front->Detect(img);
    REQUIRE(dets.ok());
    if (!dets->empty()) refs.emplace_back(img, dets->front().box);
  }
  REQUIRE(refs.size() >= 60);
  const cv::Size canvas_size(1000, 700);
  for (BlazeFaceModel m : kBothModels) {
    auto det = Make(m);
    const int side = det->MinFaceSize(canvas_size.width, canvas_size.height);
    int missed = 0;
    for (const auto& [img, box] : refs) {
      const double s = static_cast<double>(side) / box.w;
      cv::Mat small;
      cv::resize(img, small, cv::Size(), s, s, cv::INTER_AREA);
      for (const cv::Point centre : {cv::Point(500, 350), cv::Point(230, 180), cv::Point(777, 512)}) {
        cv::Mat canvas(canvas_size, CV_8UC3, cv::Scalar::all(128));
        const int ox = centre.x - static_cast<int>((box.x + box.w / 2.0) * s);
        const int oy = centre.y - static_cast<int>((box.y + box.h / 2.0) * s);
        const cv::Rect clip = cv::Rect(ox, oy, small.cols, small.rows) & cv::Rect({}, canvas_size);
        small(clip - cv::Point(ox, oy)).copyTo(canvas(clip));
        const pg::Box want{ox + static_cast<int>(box.x * s), oy + static_cast<int>(box.y * s), side, side};
        auto dets = det->Detect(canvas);
        REQUIRE(dets.ok());
        const bool hit = std::any_of(dets->begin(), dets->end(),
                                     [&](const pg::FaceFact& f) { return Iou(f.box, want) >= 0.5; });
        missed += !hit;
      }
    }
    INFO(det->Name() << ": " << side << " px faces in 1000x700, " << missed << " of " << refs.size() * 3 << " missed");
    CHECK(missed == 0);
  }
}
