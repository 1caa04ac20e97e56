// The gate's safety promises, end to end through Pipeline::RunBatch with the fakes: what
// must never reach out/publish/. Each test names the rule it guards and the small bug
// (tools/mutants.txt) that makes it fail: opted-out names, the first-name rule for a
// recognised face, a sanitized copy that fails verification, review items, unreadable
// animation frame counts, a failing detector, an empty directory. Images are drawn by the
// tests; no third-party data, no models.
#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "fakes/fake_directory_store.h"
#include "fakes/fake_face_detector.h"
#include "fakes/fake_face_embedder.h"
#include "fakes/fake_sanitizer.h"
#include "metadata/exif_writer.h"
#include "metadata/synthetic_animation.h"
#include "metadata/synthetic_metadata.h"
#include "pipeline.h"
#include "io/file_system.h"
#include "publish/publish_sink.h"
#include "run_into.h"
#include "test_util.h"

using namespace pg::testing;
using Names = std::vector<std::string>;

namespace {

/// RunBatch into `out` through a PublishSink on the real file system, as `run` does.
pg::BatchResult RunInto(pg::Pipeline& p, const std::vector<pg::ItemInput>& items, const std::string& out) {
  pg::RealFileSystem fs;
  return pg::testing::RunInto(p, items, fs, out);
}

class FixedClock : public pg::Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::from_time_t(1795000000);  // 2026-11-18: school year 2026-27
  }
};

/// The directory of every test here: Maya (opted out), Lucas (no permission, goes by Luke),
/// Ana (opted out AND student+parent permission for this year), Ben (permission, no opt-out).
/// Faces are painted squares (PaintedFaces); with recognition on, Maya is enrolled as a black
/// face, Lucas as a red one and Ana as a blue one.
struct SafetyFixture {
  TempDir dir;
  pg::RealFileSystem fs;
  FakeFaceDetector detector;
  FakeDirectoryStore directory;
  FixedClock clock;
  pg::Options options;
  FakeFaceEmbedder embedder;
  FakeEnrolmentSource enrolments;
  bool recognition = false;
  pg::SanitizeFunction sanitize;  ///< empty: the real Sanitize

  static inline const cv::Scalar kLucasFace{0, 0, 255};

  SafetyFixture() {
    using P = pg::NamePhotoPermission;
    directory.students.push_back(FakeDirectoryStore::Make("S1", "Maya", "Okafor", true));
    auto lucas = FakeDirectoryStore::Make("S2", "Lucas", "Ferreira");
    lucas.preferred_name = "Luke";
    directory.students.push_back(lucas);
    directory.students.push_back(FakeDirectoryStore::Make("S3", "Ana", "Silva", true, P::kStudentAndParent, "2026-27"));
    directory.students.push_back(FakeDirectoryStore::Make("S4", "Ben", "Carter", false, P::kStudentAndParent, "2026-27"));
    detector.detect_fn = PaintedFaces;
    enrolments.enrolments.push_back(FakeEnrolmentSource::Make("S1", FakeFaceEmbedder::Colour(0, 0, 0)));
    enrolments.enrolments.push_back(FakeEnrolmentSource::Make("S2", FakeFaceEmbedder::Colour(0, 0, 255)));
    enrolments.enrolments.push_back(FakeEnrolmentSource::Make("S3", FakeFaceEmbedder::Colour(255, 0, 0)));
  }

  std::unique_ptr<pg::Pipeline> Make() {
    pg::PipelineDeps deps{&fs, &detector, &directory, &clock};
    if (recognition) {
      deps.embedder = &embedder;
      deps.enrolments = &enrolments;
    }
    deps.sanitize = sanitize;
    auto p = std::make_unique<pg::Pipeline>(options, deps);
    pg::Status s = p->Init();
    INFO(s.ToString());
    REQUIRE(s.ok());
    return p;
  }

  /// Writes `bytes` as in/<rel> and returns its item.
  pg::ItemInput Item(const std::string& rel, const pg::Bytes& bytes, const std::string& caption = "",
                     const std::string& alt_text = "") {
    WriteBytes(dir / ("in/" + rel), bytes);
    pg::ItemInput in;
    in.path = dir / ("in/" + rel);
    in.rel_path = rel;
    in.caption = caption;
    in.alt_text = alt_text;
    return in;
  }

  /// A PNG of one painted face (none when `face` is empty).
  static pg::Bytes FacePng(std::optional<cv::Scalar> face) {
    std::vector<std::pair<cv::Rect, cv::Scalar>> faces;
    if (face) faces.push_back({cv::Rect(30, 20, 60, 60), *face});
    return Encode(PaintFaces(160, 120, faces), ".png");
  }

  pg::BatchResult Run(const std::vector<pg::ItemInput>& items) { return RunInto(*Make(), items, Out()); }
  std::string Out() const { return dir / "out"; }
  Names Published() const { return FilesUnder(dir / "out/publish"); }
};

const pg::ItemResult& Find(const pg::BatchResult& b, const std::string& rel) {
  for (const auto& r : b.items) {
    if (r.record.input.rel_path == rel) return r;
  }
  FAIL("no item " << rel);
  throw;  // unreachable
}

bool HasReason(const pg::ItemResult& r, pg::ReasonCode code) {
  for (const auto& reason : r.decision.reasons) {
    if (reason.code == code) return true;
  }
  return false;
}

std::string Reasons(const pg::ItemResult& r) {
  std::string out;
  for (const auto& reason : r.decision.reasons) out += pg::ReasonCodeName(reason.code) + std::string(": ") + reason.message + "\n";
  return out;
}

/// True when some file below `root` contains `needle`.
bool AnyFileContains(const std::string& root, const std::string& needle) {
  for (const auto& rel : FilesUnder(root)) {
    if (ReadText(root + "/" + rel).find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE_METHOD(SafetyFixture, "an opted-out student's name blocks a photo even when they also hold a valid "
                                "name+photo permission", "[pipeline][safety]") {
  options.allow_unchecked_faces = true;  // faces alone would publish: only the name rules decide
  const pg::Bytes photo = FacePng(cv::Scalar(0, 160, 0));
  auto batch = Run({Item("ana-caption.png", photo, "Ana Silva at the science fair"),
                    Item("ana-alt.png", photo, "", "Ana Silva presents her project"),
                    Item("ben.png", photo, "Ben Carter at the science fair"),
                    Item("fair.png", photo, "The science fair")});
  for (const char* rel : {"ana-caption.png", "ana-alt.png"}) {
    const auto& r = Find(batch, rel);
    INFO(rel << "\n" << Reasons(r));
    CHECK(r.decision.verdict == pg::Verdict::kBlock);
    CHECK(HasReason(r, pg::ReasonCode::kOptedOutNameWithPhoto));
  }
  // The permission itself is honoured: the same photo naming Ben (no opt-out) publishes.
  CHECK(Find(batch, "ben.png").decision.verdict == pg::Verdict::kPublish);
  CHECK(Published() == Names{"ben.png", "fair.png"});
}

TEST_CASE_METHOD(SafetyFixture, "a recognised face makes the first or preferred name alone a pairing, in alt "
                                "text, caption or embedded text", "[pipeline][safety][matching]") {
  recognition = true;
  const pg::Bytes lucas = FacePng(kLucasFace);
  pg::SyntheticExif exif;
  exif.image_description = "Lucas at the science fair";
  auto jpeg = pg::InsertExifIntoJpeg(Encode(PaintFaces(160, 120, {{cv::Rect(30, 20, 60, 60), kLucasFace}}), ".jpg"),
                                     exif);
  REQUIRE(jpeg.ok());
  auto batch = Run({Item("alt.png", lucas, "", "Lucas scores the winning goal"),
                    Item("preferred.png", lucas, "Luke scores the winning goal"),
                    Item("embedded.jpg", *jpeg),
                    Item("goal.png", lucas, "The winning goal", "A goal at the match")});
  for (const char* rel : {"alt.png", "preferred.png", "embedded.jpg"}) {
    const auto& r = Find(batch, rel);
    INFO(rel << "\n" << Reasons(r));
    REQUIRE(r.record.faces.size() == 1);
    REQUIRE(r.record.faces[0].match.has_value());
    CHECK(r.record.faces[0].match->status == pg::MatchStatus::kMatched);
    CHECK(r.record.faces[0].match->student_id == "S2");
    CHECK(r.decision.verdict == pg::Verdict::kBlock);
    CHECK(HasReason(r, pg::ReasonCode::kNamePhotoPairingWithoutPermission));
  }
  // Recognised but not named: publishable (so what blocks the others is the name).
  const auto& goal = Find(batch, "goal.png");
  INFO(Reasons(goal));
  CHECK(goal.decision.verdict == pg::Verdict::kPublish);
  CHECK(Published() == Names{"goal.png"});
}

TEST_CASE_METHOD(SafetyFixture, "a sanitized copy that fails verification keeps the item out of publish/",
                 "[pipeline][safety][metadata]") {
  detector.detect_fn = nullptr;  // no faces: only the metadata step decides
  pg::SyntheticExif exif;
  exif.gps_lat = 37.5;
  exif.gps_lon = -122.25;
  exif.body_serial = "SN123";
  auto jpeg = pg::InsertExifIntoJpeg(Encode(DrawScene(), ".jpg"), exif);
  REQUIRE(jpeg.ok());
  auto png = pg::InsertPngChunk(Encode(DrawScene(), ".png"), "tEXt", pg::PngTextPayload("Author", "Pat Example"));
  REQUIRE(png.ok());
  auto items = [&] { return std::vector<pg::ItemInput>{Item("garden.jpg", *jpeg), Item("chart.png", *png)}; };

  SECTION("with the real sanitizer both publish, without their metadata") {
    auto batch = Run(items());
    CHECK(batch.publish == 2);
    CHECK(Published() == Names{"chart.png", "garden.jpg"});
    // publish/ and its staging area; the reports and journal (0600) list what was found.
    for (const std::string where : {"/publish", "/.staging"}) {
      CHECK_FALSE(AnyFileContains(Out() + where, "SN123"));
      CHECK_FALSE(AnyFileContains(Out() + where, "Pat Example"));
    }
  }
  for (auto mode : {FakeSanitizer::Mode::kNoOp, FakeSanitizer::Mode::kTrailingText}) {
    const bool no_op = mode == FakeSanitizer::Mode::kNoOp;
    DYNAMIC_SECTION((no_op ? "a sanitizer that removes nothing" : "a sanitizer that appends text")) {
      FakeSanitizer fake(mode);
      sanitize = fake.Function();
      auto batch = Run(items());
      CHECK(fake.calls == 2);
      REQUIRE(batch.items.size() == 2);
      for (const auto& r : batch.items) {
        INFO(r.record.input.rel_path << "\n" << Reasons(r));
        CHECK(r.decision.verdict == pg::Verdict::kReview);
        CHECK(HasReason(r, pg::ReasonCode::kUnverifiedOutput));
        CHECK(r.record.output_path.empty());
      }
      CHECK(batch.publish == 0);
      CHECK(Published().empty());
      for (const std::string where : {"/publish", "/.staging"}) {
        CHECK_FALSE(AnyFileContains(Out() + where, no_op ? "SN123" : fake.trailer));
        CHECK_FALSE(AnyFileContains(Out() + where, no_op ? "Pat Example" : fake.trailer));
      }
    }
  }
}

TEST_CASE_METHOD(SafetyFixture, "publish/ holds exactly the publish items: no copy of a review or block item",
                 "[pipeline][safety]") {
  // Every item here sanitizes and verifies; only its verdict differs.
  auto batch = Run({Item("empty-field.png", FacePng(std::nullopt), "The empty field"),
                    Item("crowd.png", FacePng(cv::Scalar(0, 160, 0)), "The crowd"),  // faces_unchecked
                    Item("lucas.png", FacePng(std::nullopt), "A drawing by Lucas Ferreira"),  // no face found
                    Item("maya.png", FacePng(cv::Scalar(0, 160, 0)), "Maya Okafor")});  // opted out: block
  CHECK(Find(batch, "empty-field.png").decision.verdict == pg::Verdict::kPublish);
  CHECK(Find(batch, "crowd.png").decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(Find(batch, "crowd.png"), pg::ReasonCode::kFacesUnchecked));
  CHECK(Find(batch, "lucas.png").decision.verdict == pg::Verdict::kReview);
  CHECK(Find(batch, "maya.png").decision.verdict == pg::Verdict::kBlock);
  CHECK(batch.publish == 1);
  CHECK(batch.review == 2);
  CHECK(batch.block == 1);
  for (const auto& r : batch.items) {
    INFO(r.record.input.rel_path);
    CHECK(r.record.sanitized.has_value());
    CHECK(r.record.output_path.empty() == (r.decision.verdict != pg::Verdict::kPublish));
    // Held items are journalled, never offered to publish/ (the sink would refuse them, but
    // that refusal is a write error and an extra reason, not the pipeline's decision).
    CHECK_FALSE(HasReason(r, pg::ReasonCode::kOutputWriteFailed));
  }
  CHECK(batch.write_errors.empty());
  CHECK(Published() == Names{"empty-field.png"});
}

TEST_CASE_METHOD(SafetyFixture, "an animation whose frame count cannot be read never publishes",
                 "[pipeline][safety][metadata]") {
  pg::SyntheticGif spec;
  spec.frames = {PaintFaces(40, 30, {})};
  auto gif = pg::BuildGif(spec);
  REQUIRE(gif.ok());
  REQUIRE(gif->back() == 0x3B);  // the trailer: without it the blocks cannot be walked
  const pg::Bytes cut(gif->begin(), gif->end() - 1);
  // Still decodable (its one image is complete), so the frame count is the only doubt.
  SECTION("with the real sanitizer") {
    auto batch = Run({Item("whole.gif", *gif), Item("cut.gif", cut)});
    const auto& r = Find(batch, "cut.gif");
    INFO(Reasons(r));
    CHECK(r.record.decoded);
    CHECK(r.decision.verdict == pg::Verdict::kReview);
    CHECK(HasReason(r, pg::ReasonCode::kUnanalysedFrames));
    CHECK(Published() == Names{"whole.gif"});
  }
  SECTION("even with a sanitizer that makes a verifiable copy of anything") {
    FakeSanitizer fake(FakeSanitizer::Mode::kReencodePng);
    sanitize = fake.Function();
    auto batch = Run({Item("whole.gif", *gif), Item("cut.gif", cut)});
    const auto& r = Find(batch, "cut.gif");
    INFO(Reasons(r));
    REQUIRE(r.record.sanitized.has_value());
    CHECK(r.record.sanitized->verified);
    CHECK(r.decision.verdict == pg::Verdict::kReview);
    CHECK(HasReason(r, pg::ReasonCode::kUnanalysedFrames));
    CHECK(Published() == Names{"whole.png"});  // the complete GIF does publish that way
  }
}

TEST_CASE_METHOD(SafetyFixture, "a face detector that fails publishes nothing of the item", "[pipeline][safety]") {
  SECTION("on the photo") {
    detector.fail = true;
    auto batch = Run({Item("a.png", FacePng(std::nullopt)), Item("b.png", FacePng(std::nullopt))});
    for (const auto& r : batch.items) {
      CHECK(r.decision.verdict == pg::Verdict::kReview);
      CHECK(HasReason(r, pg::ReasonCode::kFaceDetectionFailed));
      CHECK_FALSE(r.record.faces_checked);
    }
    CHECK(batch.publish == 0);
  }
  SECTION("on the colours under transparency only (its second pass)") {
    cv::Mat bgra(120, 160, CV_8UC4, cv::Scalar(255, 255, 255, 255));
    bgra(cv::Rect(30, 20, 60, 60)).setTo(cv::Scalar(0, 0, 0, 0));  // a hidden black face
    detector.fail_call = 2;
    auto batch = Run({Item("logo.png", Encode(bgra, ".png"))});
    CHECK(detector.calls == 2);
    const auto& r = Find(batch, "logo.png");
    INFO(Reasons(r));
    CHECK(r.decision.verdict == pg::Verdict::kReview);
    CHECK(HasReason(r, pg::ReasonCode::kFaceDetectionFailed));
  }
  CHECK(Published().empty());
}

TEST_CASE_METHOD(SafetyFixture, "an empty directory (no students) is never trusted: nothing is published",
                 "[pipeline][safety]") {
  directory.students.clear();
  enrolments.enrolments.clear();
  pg::PipelineDeps deps{&fs, &detector, &directory, &clock};
  pg::Pipeline p(options, deps);
  const pg::Status init = p.Init();
  // Refusing to start is closed too; if it starts, every item must go to review.
  if (!init.ok()) {
    CHECK_FALSE(init.message().empty());
    return;
  }
  auto batch = RunInto(p, {Item("field.png", FacePng(std::nullopt), "Maya Okafor on the field")}, Out());
  const auto& r = Find(batch, "field.png");
  INFO(Reasons(r));
  CHECK(r.decision.verdict != pg::Verdict::kPublish);
  CHECK(batch.publish == 0);
  CHECK(Published().empty());
}
