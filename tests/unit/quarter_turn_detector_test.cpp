// QuarterTurnDetector with a fake detector that sees only upright "faces" (a red square on
// top of a blue one), so which turn finds a face, and where its box lands, is known; and
// with the real default detector on a shared photo turned a quarter.
#include <catch2/catch.hpp>

#include <filesystem>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "faces/detector_factory.h"
#include "faces/face_merge.h"
#include "faces/quarter_turn_detector.h"
#include "faces/ssd_mobilenet_detector.h"
#include "faces/upright_face.h"
#include "skip.h"

namespace {

/// Finds every red square of at least `min_face` px with a blue square of its size below
/// it (an upright face; box = both squares, score 0.9). When `lenient`, a red square with
/// the blue one to its right (a face lying on its side) is found too, at score 0.4, as real
/// detectors find some sideways faces weakly. Fails on demand, on portrait images only
/// when `fail_turned` (the given test images are landscape).
class PatternDetector : public pg::FaceDetector {
 public:
  PatternDetector(std::string name, int min_face, bool lenient = false)
      : name_(std::move(name)), min_face_(min_face), lenient_(lenient) {}
  bool fail = false, fail_turned = false;
  int calls = 0;
  int sideways_min = 0;  ///< when lenient: the smallest sideways face found

  pg::Result<std::vector<pg::FaceFact>> Detect(const cv::Mat& bgr) override {
    ++calls;
    if (fail || (fail_turned && bgr.rows > bgr.cols)) return pg::Status::Internal("pattern detector failed");
    cv::Mat red;
    cv::inRange(bgr, cv::Scalar(0, 0, 200), cv::Scalar(50, 50, 255), red);
    std::vector<std::vector<cv::Point>> blobs;
    cv::findContours(red, blobs, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    std::vector<pg::FaceFact> faces;
    for (const auto& blob : blobs) {
      const cv::Rect r = cv::boundingRect(blob);
      if (std::min(r.width, r.height) < min_face_) continue;
      pg::FaceFact f;
      f.detector = name_;
      if (IsBlue(bgr, r.x + r.width / 2, r.y + r.height + r.height / 2)) {
        f.box = {r.x, r.y, r.width, 2 * r.height};
        f.score = 0.9;
      } else if (lenient_ && std::min(r.width, r.height) >= sideways_min && IsBlue(bgr, r.x + r.width + r.width / 2, r.y + r.height / 2)) {
        f.box = {r.x, r.y, 2 * r.width, r.height};
        f.score = 0.4;
      } else {
        continue;
      }
      faces.push_back(f);
    }
    return faces;
  }
  std::string Name() const override { return name_; }
  int MinFaceSize(int, int) const override { return min_face_; }

 private:
  static bool IsBlue(const cv::Mat& bgr, int x, int y) {
    if (x < 0 || y < 0 || x >= bgr.cols || y >= bgr.rows) return false;
    const cv::Vec3b p = bgr.at<cv::Vec3b>(y, x);
    return p[0] > 200 && p[1] < 50 && p[2] < 50;
  }
  std::string name_;
  int min_face_;
  bool lenient_;
};

const cv::Scalar kRed(0, 0, 255), kBlue(255, 0, 0);

/// Draws a face of side s at (x, y) that is upright after `q` clockwise quarter turns;
/// returns its box in the given image.
pg::Box DrawFace(cv::Mat* img, int x, int y, int s, int q) {
  // Upright: red above blue. The photo turned q clockwise must show that, so in the given
  // image blue lies q quarter turns anticlockwise from "below" red.
  cv::Rect red, blue;
  switch (q) {
    case 0: red = {x, y, s, s}; blue = {x, y + s, s, s}; break;
    case 1: red = {x, y, s, s}; blue = {x + s, y, s, s}; break;   // red left, blue right
    case 3: blue = {x, y, s, s}; red = {x + s, y, s, s}; break;   // blue left, red right
    default: FAIL("not a tested turn");
  }
  (*img)(red).setTo(kRed);
  (*img)(blue).setTo(kBlue);
  return q == 0 ? pg::Box{x, y, s, 2 * s} : pg::Box{x, y, 2 * s, s};
}

cv::Mat Canvas() { return cv::Mat(300, 400, CV_8UC3, cv::Scalar(255, 255, 255)); }  // landscape

struct Made {
  std::unique_ptr<pg::QuarterTurnDetector> det;
  PatternDetector* full = nullptr;
  PatternDetector* probe = nullptr;
};

Made Make(pg::RotationMode mode, int probe_min = 30, bool lenient = false, float trigger = 0.8f) {
  auto full = std::make_unique<PatternDetector>("pattern", 10, lenient);
  auto probe = std::make_unique<PatternDetector>("pattern", probe_min);
  Made m;
  m.full = full.get();
  m.probe = probe.get();
  m.det = std::make_unique<pg::QuarterTurnDetector>(mode, std::move(full), std::move(probe), trigger);
  return m;
}

bool SameBox(const pg::Box& a, const pg::Box& b) { return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h; }

}  // namespace

TEST_CASE("all: faces upright after 90 and 270 degree turns come back in the given pixels", "[quarter-turns]") {
  cv::Mat img = Canvas();
  const pg::Box upright = DrawFace(&img, 20, 20, 30, 0);
  const pg::Box turned90 = DrawFace(&img, 150, 200, 40, 1);
  const pg::Box turned270 = DrawFace(&img, 250, 40, 50, 3);
  Made m = Make(pg::RotationMode::kAll);
  auto faces = m.det->Detect(img);
  REQUIRE(faces.ok());
  REQUIRE(faces->size() == 3);
  CHECK(m.full->calls == 3);
  CHECK(m.probe->calls == 0);
  for (const auto& [box, q] : {std::pair{upright, 0}, std::pair{turned90, 1}, std::pair{turned270, 3}}) {
    INFO("face of turn " << q);
    const auto hit = std::find_if(faces->begin(), faces->end(), [&](const pg::FaceFact& f) { return SameBox(f.box, box); });
    REQUIRE(hit != faces->end());
    CHECK(hit->quarter_turns == q);
  }
}

TEST_CASE("off: only the photo as given, as before rotations", "[quarter-turns]") {
  cv::Mat img = Canvas();
  DrawFace(&img, 20, 20, 30, 0);
  DrawFace(&img, 150, 200, 40, 1);
  Made m = Make(pg::RotationMode::kOff);
  auto faces = m.det->Detect(img);
  REQUIRE(faces.ok());
  CHECK(faces->size() == 1);
  CHECK(m.full->calls == 1);
  CHECK(m.det->Name() == "pattern");
}

TEST_CASE("auto: an upright photo costs one full pass and two probes", "[quarter-turns]") {
  cv::Mat img = Canvas();
  DrawFace(&img, 20, 20, 40, 0);
  Made m = Make(pg::RotationMode::kAuto);
  auto faces = m.det->Detect(img);
  REQUIRE(faces.ok());
  REQUIRE(faces->size() == 1);
  CHECK((*faces)[0].quarter_turns == 0);
  CHECK(m.full->calls == 1);
  CHECK(m.probe->calls == 2);
  CHECK(m.det->stats().full_passes == 1);
  CHECK(m.det->stats().probe_passes == 2);
}

TEST_CASE("auto: a probe that finds a new face sends only its turn to the full pass", "[quarter-turns]") {
  cv::Mat img = Canvas();
  const pg::Box big = DrawFace(&img, 100, 100, 40, 1);    // the probe (>= 30 px) sees it
  const pg::Box small = DrawFace(&img, 300, 200, 15, 1);  // only the full pass sees it
  Made m = Make(pg::RotationMode::kAuto);
  auto faces = m.det->Detect(img);
  REQUIRE(faces.ok());
  CHECK(m.full->calls == 2);  // upright + turned 90 (not 270)
  CHECK(m.probe->calls == 2);
  REQUIRE(faces->size() == 2);
  for (const auto& f : *faces) CHECK(f.quarter_turns == 1);
  CHECK(std::any_of(faces->begin(), faces->end(), [&](const pg::FaceFact& f) { return SameBox(f.box, big); }));
  CHECK(std::any_of(faces->begin(), faces->end(), [&](const pg::FaceFact& f) { return SameBox(f.box, small); }));
}

TEST_CASE("auto: a new probe face under the trigger score is reported but runs no full pass", "[quarter-turns]") {
  cv::Mat img = Canvas();
  const pg::Box big = DrawFace(&img, 100, 100, 40, 1);    // the probe finds it at 0.9
  DrawFace(&img, 300, 200, 15, 1);                        // only a full turned pass would
  Made m = Make(pg::RotationMode::kAuto, 30, false, /*trigger=*/0.95f);
  auto faces = m.det->Detect(img);
  REQUIRE(faces.ok());
  CHECK(m.full->calls == 1);
  CHECK(m.probe->calls == 2);
  REQUIRE(faces->size() == 1);
  CHECK(SameBox((*faces)[0].box, big));
  CHECK((*faces)[0].quarter_turns == 1);
  CHECK_THAT(m.det->Name(), Catch::Contains("scoring >= 0.95"));
}

TEST_CASE("auto: sideways faces all under the probe's size go unnoticed", "[quarter-turns]") {
  cv::Mat img = Canvas();
  DrawFace(&img, 100, 100, 20, 3);
  Made m = Make(pg::RotationMode::kAuto);
  auto faces = m.det->Detect(img);
  REQUIRE(faces.ok());
  CHECK(faces->empty());
  CHECK(m.full->calls == 1);
}

TEST_CASE("auto: a probe face the upright pass already found does not trigger a full pass", "[quarter-turns]") {
  cv::Mat img = Canvas();
  const pg::Box box = DrawFace(&img, 100, 100, 40, 1);
  Made m = Make(pg::RotationMode::kAuto, 30, /*lenient=*/true);  // upright pass sees it weakly
  auto faces = m.det->Detect(img);
  REQUIRE(faces.ok());
  CHECK(m.full->calls == 1);
  REQUIRE(faces->size() == 1);
  // Kept once, as the upright pass found it; the probe's turn is kept for recognition.
  CHECK(SameBox((*faces)[0].box, box));
  CHECK((*faces)[0].quarter_turns == 0);
  REQUIRE((*faces)[0].other_turns.size() == 1);
  CHECK((*faces)[0].other_turns[0].quarter_turns == 1);
  CHECK(SameBox((*faces)[0].other_turns[0].box, box));
}

TEST_CASE("a face found upright and turned is kept once as upright with the turn kept for recognition",
          "[quarter-turns]") {
  cv::Mat img = Canvas();
  const pg::Box box = DrawFace(&img, 60, 80, 50, 1);      // upright pass 0.4, turned 90: 0.9
  const pg::Box other = DrawFace(&img, 250, 150, 40, 3);  // seen in turn 270 only
  Made m = Make(pg::RotationMode::kAll, 30, /*lenient=*/true);
  auto faces = m.det->Detect(img);
  REQUIRE(faces.ok());
  REQUIRE(faces->size() == 2);
  const auto first = std::find_if(faces->begin(), faces->end(), [&](const pg::FaceFact& f) { return SameBox(f.box, box); });
  REQUIRE(first != faces->end());
  CHECK(first->quarter_turns == 0);
  REQUIRE(first->other_turns.size() == 1);
  CHECK(first->other_turns[0].quarter_turns == 1);
  CHECK(first->detector == "pattern");
  // Found only turned 270: that is its turn, nothing else.
  const auto second = std::find_if(faces->begin(), faces->end(), [&](const pg::FaceFact& f) { return SameBox(f.box, other); });
  REQUIRE(second != faces->end());
  CHECK(second->quarter_turns == 3);
  CHECK(second->other_turns.empty());
}

TEST_CASE("in a sideways photo a face keeps the turn that found the most faces", "[quarter-turns]") {
  cv::Mat img = Canvas();
  const pg::Box big = DrawFace(&img, 60, 80, 50, 1);  // found upright too (weakly)
  DrawFace(&img, 250, 40, 25, 1);
  DrawFace(&img, 250, 200, 20, 1);
  Made m = Make(pg::RotationMode::kAll, 30, /*lenient=*/true);
  m.full->sideways_min = 45;  // the upright pass finds only the big sideways face
  auto faces = m.det->Detect(img);
  REQUIRE(faces.ok());
  REQUIRE(faces->size() == 3);
  for (const auto& f : *faces) CHECK(f.quarter_turns == 1);  // turn 90 found 3, upright 1
  const auto first = std::find_if(faces->begin(), faces->end(), [&](const pg::FaceFact& f) { return SameBox(f.box, big); });
  REQUIRE(first != faces->end());
  REQUIRE(first->other_turns.size() == 1);
  CHECK(first->other_turns[0].quarter_turns == 0);  // still embedded as the upright pass saw it
}

TEST_CASE("any failing pass fails the detection, upright or turned, full or probe", "[quarter-turns]") {
  cv::Mat img = Canvas();
  DrawFace(&img, 100, 100, 40, 1);
  for (auto mode : {pg::RotationMode::kAll, pg::RotationMode::kAuto}) {
    INFO(pg::RotationModeName(mode));
    Made upright = Make(mode);
    upright.full->fail = true;
    CHECK_FALSE(upright.det->Detect(img).ok());
    Made turned = Make(mode);
    turned.full->fail_turned = true;  // the upright pass succeeds, a turned one fails
    auto r = turned.det->Detect(img);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("pattern detector failed"));
  }
  Made probe = Make(pg::RotationMode::kAuto);
  probe.probe->fail = true;
  CHECK_FALSE(probe.det->Detect(img).ok());
}

TEST_CASE("rotation modes parse by name and a bad one lists the valid ones", "[quarter-turns]") {
  CHECK(*pg::ParseRotationMode("auto") == pg::RotationMode::kAuto);
  CHECK(*pg::ParseRotationMode("all") == pg::RotationMode::kAll);
  CHECK(*pg::ParseRotationMode("off") == pg::RotationMode::kOff);
  auto bad = pg::ParseRotationMode("sideways");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == pg::Code::kConfig);
  CHECK_THAT(bad.status().message(), Catch::Contains("off, auto, all"));
  Made m = Make(pg::RotationMode::kAuto);
  CHECK(m.det->Name() == "pattern, also turned 90/270 when a probe (faces >= 30 px) finds a face scoring >= 0.80");
  CHECK(m.det->MinFaceSize(4000, 3000) == 10);
}

TEST_CASE("the default detector finds the faces of a group photo turned a quarter, upright in the turn",
          "[quarter-turns][testdata]") {
  const std::string models = PG_MODELS_DIR;
  if (!pg::testing::HaveModelFiles(models, {pg::kSsdModelFile})) return;
  const cv::Mat photo =
      cv::imread(std::string(PG_TESTDATA_DIR) + "/detection/dlib_faces/2007_007763.jpg", cv::IMREAD_COLOR);
  REQUIRE_FALSE(photo.empty());
  pg::DetectorConfig off;
  off.rotations = pg::RotationMode::kOff;
  auto upright_det = pg::MakeFaceDetector(off, models);
  REQUIRE(upright_det.ok());
  auto upright = (*upright_det)->Detect(photo);
  REQUIRE(upright.ok());
  REQUIRE(upright->size() >= 5);  // 7 annotated faces

  // The phone held sideways: the photo arrives turned anticlockwise; a clockwise turn rights it.
  const cv::Mat sideways = pg::TurnImage(photo, 3);
  auto plain = (*upright_det)->Detect(sideways);
  REQUIRE(plain.ok());
  auto turning = pg::MakeFaceDetector(pg::DetectorConfig{}, models);  // the default: auto
  REQUIRE(turning.ok());
  auto found = (*turning)->Detect(sideways);
  REQUIRE(found.ok());
  int recovered = 0, righted = 0;
  for (const auto& u : *upright) {
    const pg::Box want = pg::TurnBox(u.box, photo.size(), 3);
    for (const auto& f : *found) {
      if (OverlapOfSmaller(f.box, want) >= 0.5) {
        ++recovered;
        const bool in_turn = f.quarter_turns == 1 ||
                             std::any_of(f.other_turns.begin(), f.other_turns.end(),
                                         [](const pg::TurnedBox& t) { return t.quarter_turns == 1; });
        righted += in_turn ? 1 : 0;
        break;
      }
    }
  }
  WARN("upright " << upright->size() << " faces; sideways: " << plain->size() << " as given, " << found->size()
                  << " with rotations auto, " << recovered << " of the upright ones, " << righted
                  << " of them found (also) turned 90 degrees, so embedded upright");
  CHECK(recovered == static_cast<int>(upright->size()));
  CHECK(righted == recovered);
  CHECK(plain->size() < upright->size());
  CHECK(found->size() <= upright->size() + 1);
}
