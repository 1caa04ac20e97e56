#include <catch2/catch.hpp>

#include <filesystem>

#include "fakes/fake_directory_store.h"
#include "fakes/fake_face_detector.h"
#include "fakes/fake_face_embedder.h"
#include "fakes/failing_file_system.h"
#include "io/ingest.h"
#include "metadata/exif_writer.h"
#include "metadata/synthetic_animation.h"
#include "pipeline.h"
#include "publish/publish_sink.h"
#include "run_into.h"
#include "test_util.h"

using namespace pg::testing;

namespace {

class FixedClock : public pg::Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::from_time_t(1795000000);  // 2026-11-18
  }
};

struct PipelineFixture {
  TempDir dir;
  pg::RealFileSystem fs;
  FakeFaceDetector detector;
  FakeDirectoryStore directory;
  FixedClock clock;
  pg::Options options;

  PipelineFixture() {
    directory.students.push_back(FakeDirectoryStore::Make("S1", "Maya", "Okafor", true));
    directory.students.push_back(FakeDirectoryStore::Make("S2", "Lucas", "Ferreira"));
  }

  std::unique_ptr<pg::Pipeline> Make(pg::FileSystem* fsys = nullptr, bool with_directory = true) {
    pg::PipelineDeps deps{fsys ? fsys : &fs, &detector, with_directory ? &directory : nullptr, &clock};
    auto p = std::make_unique<pg::Pipeline>(options, deps);
    REQUIRE(p->Init().ok());
    return p;
  }

  /// RunBatch into dir/out through a PublishSink on `fsys` (default: the real one), as `run` does.
  pg::BatchResult RunInto(pg::Pipeline& p, const std::vector<pg::ItemInput>& items, pg::FileSystem* fsys = nullptr) {
    return pg::testing::RunInto(p, items, fsys ? *fsys : fs, dir / "out");
  }

  pg::ItemInput Item(const std::string& rel, const std::string& caption = "") {
    pg::ItemInput in;
    in.path = dir / ("in/" + rel);
    in.rel_path = rel;
    in.caption = caption;
    return in;
  }

  /// A JPEG with phone-like EXIF including GPS.
  pg::Bytes JpegWithGps() {
    pg::SyntheticExif exif;
    exif.gps_lat = 37.5;
    exif.gps_lon = -122.25;
    exif.body_serial = "SN123";
    auto jpeg = pg::InsertExifIntoJpeg(Encode(DrawScene(), ".jpg"), exif);
    REQUIRE(jpeg.ok());
    return *jpeg;
  }
};

bool HasReason(const pg::ItemResult& r, pg::ReasonCode code) {
  for (const auto& reason : r.decision.reasons) {
    if (reason.code == code) return true;
  }
  return false;
}

}  // namespace

TEST_CASE_METHOD(PipelineFixture, "a clean photo publishes with its GPS removed and verified", "[pipeline]") {
  WriteBytes(dir / "in/garden.jpg", JpegWithGps());
  auto p = Make();
  auto r = p->Process(Item("garden.jpg", "Our garden"));
  CHECK(r.decision.verdict == pg::Verdict::kPublish);
  CHECK(r.record.decoded);
  CHECK(r.record.sha256.size() == 64);
  bool gps = false;
  for (const auto& f : r.record.metadata.found) gps |= f.kind == "gps";
  CHECK(gps);
  REQUIRE(r.record.sanitized.has_value());
  CHECK(r.record.sanitized->verified);
  CHECK_FALSE(r.record.metadata.removed.empty());
  const auto& out = r.record.sanitized->bytes;
  std::string text(out.begin(), out.end());
  CHECK(text.find("Exif") == std::string::npos);
  CHECK(text.find("SN123") == std::string::npos);
}

TEST_CASE_METHOD(PipelineFixture, "opted-out name in caption with a detected face blocks", "[pipeline]") {
  WriteBytes(dir / "in/visit.png", Encode(DrawScene(), ".png"));
  detector.faces.push_back(FakeFaceDetector::Face(10, 10, 60, 60));
  auto p = Make();
  auto r = p->Process(Item("visit.png", "Maya Okafor meets an astronaut"));
  CHECK(r.decision.verdict == pg::Verdict::kBlock);
  CHECK(HasReason(r, pg::ReasonCode::kOptedOutNameWithPhoto));
  REQUIRE(r.record.names.size() == 1);
  CHECK(r.record.names[0].student_id == "S1");
  CHECK(r.record.names[0].source == "caption");
}

TEST_CASE_METHOD(PipelineFixture, "a student's name in the file name counts", "[pipeline]") {
  WriteBytes(dir / "in/lucas_ferreira_goal.jpg", Encode(DrawScene(), ".jpg"));
  detector.faces.push_back(FakeFaceDetector::Face(10, 10, 60, 60));
  auto p = Make();
  auto r = p->Process(Item("lucas_ferreira_goal.jpg"));
  CHECK(r.decision.verdict == pg::Verdict::kBlock);
  CHECK(HasReason(r, pg::ReasonCode::kNamePhotoPairingWithoutPermission));
  REQUIRE_FALSE(r.record.names.empty());
  CHECK(r.record.names[0].source == "file_name");
}

TEST_CASE_METHOD(PipelineFixture, "a name in embedded EXIF is found", "[pipeline]") {
  pg::SyntheticExif exif;
  exif.image_description = "Lucas Ferreira at the science fair";
  auto jpeg = pg::InsertExifIntoJpeg(Encode(DrawScene(), ".jpg"), exif);
  REQUIRE(jpeg.ok());
  WriteBytes(dir / "in/fair.jpg", *jpeg);
  detector.faces.push_back(FakeFaceDetector::Face(10, 10, 60, 60));
  auto p = Make();
  auto r = p->Process(Item("fair.jpg"));
  CHECK(r.decision.verdict == pg::Verdict::kBlock);
  REQUIRE_FALSE(r.record.names.empty());
  CHECK(r.record.names[0].source == "exif:ImageDescription");
}

TEST_CASE_METHOD(PipelineFixture, "corrupt and non-image files go to review, batch goes on", "[pipeline]") {
  pg::Bytes jpeg = Encode(DrawScene(), ".jpg");
  WriteBytes(dir / "in/a-truncated.jpg", pg::Bytes(jpeg.begin(), jpeg.begin() + jpeg.size() / 2));
  WriteText(dir / "in/b-notes.txt", "not an image");
  WriteBytes(dir / "in/c-good.jpg", jpeg);
  auto p = Make();
  auto items = pg::Ingest(fs, dir / "in");
  REQUIRE(items.ok());
  auto batch = RunInto(*p, *items);
  REQUIRE(batch.items.size() == 3);
  CHECK(batch.items[0].decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(batch.items[0], pg::ReasonCode::kUndecodable));
  CHECK(batch.items[1].decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(batch.items[1], pg::ReasonCode::kUndecodable));
  CHECK(batch.items[2].decision.verdict == pg::Verdict::kPublish);
  CHECK(batch.publish == 1);
  CHECK(batch.review == 2);
  CHECK(std::filesystem::exists(dir / "out/publish/c-good.jpg"));
  CHECK_FALSE(std::filesystem::exists(dir / "out/publish/a-truncated.jpg"));
  CHECK_FALSE(std::filesystem::exists(dir / "out/publish/b-notes.txt"));
}

TEST_CASE_METHOD(PipelineFixture, "only publish verdicts reach publish/", "[pipeline]") {
  WriteBytes(dir / "in/named.png", Encode(DrawScene(), ".png"));
  WriteBytes(dir / "in/plain.png", Encode(DrawScene(), ".png"));
  detector.faces.push_back(FakeFaceDetector::Face(10, 10, 60, 60));
  options.allow_unchecked_faces = true;
  auto p = Make();
  std::vector<pg::ItemInput> items = {Item("named.png", "Maya Okafor"), Item("plain.png", "Field day")};
  auto batch = RunInto(*p, items);
  CHECK(batch.block == 1);
  CHECK(batch.publish == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "out/publish/named.png"));
  CHECK(std::filesystem::exists(dir / "out/publish/plain.png"));
  CHECK(batch.items[1].record.output_path == dir / "out/publish/plain.png");
}

TEST_CASE_METHOD(PipelineFixture, "detector failure fails closed", "[pipeline]") {
  WriteBytes(dir / "in/a.png", Encode(DrawScene(), ".png"));
  detector.fail = true;
  auto p = Make();
  auto r = p->Process(Item("a.png"));
  CHECK(r.decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(r, pg::ReasonCode::kFaceDetectionFailed));
}

TEST_CASE_METHOD(PipelineFixture, "without a directory nothing is published", "[pipeline]") {
  WriteBytes(dir / "in/a.png", Encode(DrawScene(), ".png"));
  WriteBytes(dir / "in/b.png", Encode(DrawScene(), ".png"));
  auto p = Make(nullptr, /*with_directory=*/false);
  auto batch = RunInto(*p, {Item("a.png", "Maya Okafor"), Item("b.png", "Field day")});
  REQUIRE(batch.items.size() == 2);
  for (const auto& r : batch.items) {
    CHECK(r.decision.verdict == pg::Verdict::kReview);
    CHECK(HasReason(r, pg::ReasonCode::kDirectoryUnavailable));
    CHECK_FALSE(r.record.names_checked);
    CHECK(r.record.output_path.empty());
  }
  CHECK(batch.publish == 0);
  CHECK(FilesUnder(dir / "out/publish").empty());
}

TEST_CASE_METHOD(PipelineFixture, "a directory that cannot be read stops start-up", "[pipeline]") {
  directory.fail = true;
  pg::PipelineDeps deps{&fs, &detector, &directory, &clock};
  pg::Pipeline p(options, deps);
  CHECK_FALSE(p.Init().ok());
}

TEST_CASE_METHOD(PipelineFixture, "every output that cannot be written is review, not publish, and reported",
                 "[pipeline]") {
  WriteBytes(dir / "in/a.png", Encode(DrawScene(), ".png"));
  WriteBytes(dir / "in/b.png", Encode(DrawScene(), ".png"));
  pg::FailingFileSystem failing(&fs);  // the disk fills up once the run has begun
  failing.fail_if = [](const std::string& op, const std::string& path) {
    return op == "write" && path.find("/.staging/") != std::string::npos;
  };
  auto p = Make(&failing);
  auto batch = RunInto(*p, {Item("a.png"), Item("b.png")}, &failing);
  for (const auto& item : batch.items) {
    CHECK(item.decision.verdict == pg::Verdict::kReview);
    CHECK(HasReason(item, pg::ReasonCode::kOutputWriteFailed));
    CHECK(item.record.output_path.empty());
  }
  REQUIRE(batch.write_errors.size() == 2);  // each failure, not only the first
  CHECK_THAT(batch.write_errors[0].message(), Catch::Contains("No space left on device"));
  CHECK(batch.review == 2);
  CHECK(std::filesystem::is_empty(dir / "out/publish"));
}

TEST_CASE_METHOD(PipelineFixture, "school year comes from the clock unless set", "[pipeline]") {
  CHECK(Make()->school_year() == "2026-27");
  options.school_year = "2030-31";
  CHECK(Make()->school_year() == "2030-31");
}

TEST_CASE_METHOD(PipelineFixture, "faces hidden under transparent pixels are found", "[pipeline]") {
  // Left half fully transparent over pure red: invisible when composited, but a lossless
  // PNG keeps the red, and anyone can drop the alpha channel.
  cv::Mat bgra(60, 80, CV_8UC4, cv::Scalar(200, 200, 200, 255));
  bgra(cv::Rect(0, 0, 40, 60)).setTo(cv::Scalar(0, 0, 255, 0));
  WriteBytes(dir / "in/logo.png", Encode(bgra, ".png"));
  detector.detect_fn = [](const cv::Mat& bgr) {
    std::vector<pg::FaceFact> out;
    cv::Mat red;
    cv::inRange(bgr, cv::Scalar(0, 0, 250), cv::Scalar(5, 5, 255), red);
    if (cv::countNonZero(red) > 0) out.push_back(FakeFaceDetector::Face(0, 0, 40, 40));
    return out;
  };
  auto p = Make();
  auto r = p->Process(Item("logo.png"));
  REQUIRE(r.record.faces.size() == 1);
  CHECK(r.record.faces[0].detector == "fake (colours under transparency)");
  CHECK(r.decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(r, pg::ReasonCode::kFacesUnchecked));
}

TEST_CASE_METHOD(PipelineFixture, "an animation goes to review: only its first frame is analysed", "[pipeline]") {
  cv::Mat a = DrawScene(40, 30), b = DrawScene(40, 30);
  b.setTo(cv::Scalar(0, 0, 0));
  auto gif = pg::BuildAnimatedWebp({a, b}, 100, /*lossless=*/true);
  REQUIRE(gif.ok());
  WriteBytes(dir / "in/anim.webp", *gif);
  auto p = Make();
  auto r = p->Process(Item("anim.webp"));
  CHECK(r.decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(r, pg::ReasonCode::kUnanalysedFrames));
}

namespace {

/// Recognition with the fake embedder: S1 (Maya, opted out) is enrolled with a black face,
/// so a painted face's distance to her is its colour's distance from black / 255.
struct RecognitionFixture : PipelineFixture {
  FakeFaceEmbedder embedder;
  FakeEnrolmentSource enrolments;

  RecognitionFixture() {
    detector.detect_fn = PaintedFaces;
    enrolments.enrolments.push_back(FakeEnrolmentSource::Make("S1", FakeFaceEmbedder::Colour(0, 0, 0)));
  }
  std::unique_ptr<pg::Pipeline> MakeRecognising() {
    pg::PipelineDeps deps{&fs, &detector, &directory, &clock, &embedder, &enrolments};
    auto p = std::make_unique<pg::Pipeline>(options, deps);
    pg::Status s = p->Init();
    INFO(s.ToString());
    REQUIRE(s.ok());
    return p;
  }
  pg::ItemResult Check(const cv::Scalar& colour, int side = 60, const std::string& caption = "") {
    WriteBytes(dir / "in/photo.png", Encode(PaintFaces(160, 120, {{cv::Rect(30, 20, side, side), colour}}), ".png"));
    return MakeRecognising()->Process(Item("photo.png", caption));
  }
};

}  // namespace

TEST_CASE_METHOD(RecognitionFixture, "a recognised opted-out student blocks the photo", "[pipeline][matching]") {
  auto r = Check(cv::Scalar(0, 0, 0));
  CHECK(r.decision.verdict == pg::Verdict::kBlock);
  CHECK(HasReason(r, pg::ReasonCode::kOptedOutStudentInPhoto));
  REQUIRE(r.record.faces.size() == 1);
  REQUIRE(r.record.faces[0].match.has_value());
  CHECK(r.record.faces[0].match->status == pg::MatchStatus::kOptedOut);
  CHECK(r.record.faces[0].match->student_id == "S1");
  CHECK(r.record.faces[0].match->distance < 0.01);
  CHECK_FALSE(HasReason(r, pg::ReasonCode::kFacesUnchecked));
}

TEST_CASE_METHOD(RecognitionFixture, "an uncertain resemblance goes to review", "[pipeline][matching]") {
  auto r = Check(cv::Scalar(0, 0, 150));  // 150/255 = 0.59 from Maya
  CHECK(r.decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(r, pg::ReasonCode::kUncertainFaceMatch));
  CHECK(r.record.faces[0].match->status == pg::MatchStatus::kUncertain);
}

TEST_CASE_METHOD(RecognitionFixture, "a face that matches no opted-out student publishes", "[pipeline][matching]") {
  auto r = Check(cv::Scalar(0, 0, 220));  // 0.86 from Maya
  CHECK(r.decision.verdict == pg::Verdict::kPublish);
  CHECK(r.record.faces[0].match->status == pg::MatchStatus::kNoMatch);
  CHECK(r.record.faces[0].match->student_id.empty());
  CHECK(embedder.calls == 1);
}

TEST_CASE_METHOD(RecognitionFixture, "a face too small to recognise is not embedded and goes to review",
                 "[pipeline][matching]") {
  auto r = Check(cv::Scalar(0, 0, 220), 30);
  CHECK(r.decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(r, pg::ReasonCode::kFaceTooSmallToRecognise));
  CHECK(r.record.faces[0].match->status == pg::MatchStatus::kTooSmall);
  CHECK(embedder.calls == 0);
  options.allow_small_faces = true;
  CHECK(Check(cv::Scalar(0, 0, 220), 30).decision.verdict == pg::Verdict::kPublish);
}

TEST_CASE_METHOD(RecognitionFixture, "recognition switched off: faces go to review, names still checked",
                 "[pipeline][matching]") {
  options.face_recognition = false;
  auto r = Check(cv::Scalar(0, 0, 220), 60, "Lucas Ferreira wins");
  CHECK(embedder.calls == 0);
  CHECK_FALSE(r.record.faces[0].match.has_value());
  CHECK(HasReason(r, pg::ReasonCode::kFacesUnchecked));
  CHECK(HasReason(r, pg::ReasonCode::kNamePhotoPairingWithoutPermission));
  CHECK_FALSE(MakeRecognising()->recognition_enabled());
}

TEST_CASE_METHOD(RecognitionFixture, "a face the embedder cannot describe fails closed", "[pipeline][matching]") {
  embedder.fail = true;
  auto r = Check(cv::Scalar(0, 0, 220));
  CHECK(r.decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(r, pg::ReasonCode::kFaceRecognitionFailed));
  CHECK(HasReason(r, pg::ReasonCode::kFacesUnchecked));
}

TEST_CASE_METHOD(RecognitionFixture, "expired references are refused: faces go to review as stale_enrolment",
                 "[pipeline][matching]") {
  enrolments.enrolments[0].expires_at = "2026-06-30";  // the clock says 2026-11-18
  auto p = MakeRecognising();
  CHECK(p->recognition_summary().expired_opted_out == std::vector<std::string>{"S1"});
  WriteBytes(dir / "in/photo.png", Encode(PaintFaces(160, 120, {{cv::Rect(30, 20, 60, 60), cv::Scalar(0, 0, 0)}}), ".png"));
  auto r = p->Process(Item("photo.png"));
  CHECK(r.decision.verdict == pg::Verdict::kReview);  // Maya is no longer recognised...
  CHECK(HasReason(r, pg::ReasonCode::kStaleEnrolment));             // ...and the gate says why
  CHECK(r.record.faces[0].match->status == pg::MatchStatus::kNoMatch);
}

TEST_CASE_METHOD(RecognitionFixture, "references of another model are ignored: the student counts as not enrolled",
                 "[pipeline][matching]") {
  enrolments.enrolments[0].model_id = "another-model/7";
  auto p = MakeRecognising();
  CHECK(p->recognition_summary().other_model_descriptors == 1);
  CHECK(p->recognition_summary().opted_out_not_enrolled == std::vector<std::string>{"S1"});
  WriteBytes(dir / "in/photo.png", Encode(PaintFaces(160, 120, {{cv::Rect(30, 20, 60, 60), cv::Scalar(0, 0, 0)}}), ".png"));
  auto r = p->Process(Item("photo.png"));
  CHECK(r.decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(r, pg::ReasonCode::kFacesUnchecked));
  CHECK_FALSE(HasReason(r, pg::ReasonCode::kOptedOutStudentInPhoto));
}

TEST_CASE_METHOD(RecognitionFixture, "an enrolment store that cannot be read stops start-up", "[pipeline][matching]") {
  enrolments.fail = true;
  pg::PipelineDeps deps{&fs, &detector, &directory, &clock, &embedder, &enrolments};
  pg::Pipeline p(options, deps);
  CHECK_FALSE(p.Init().ok());
  options.uncertain_threshold = 0.4;  // below the match threshold: a configuration error
  enrolments.fail = false;
  pg::Pipeline q(options, deps);
  CHECK(q.Init().code() == pg::Code::kConfig);
}

TEST_CASE_METHOD(RecognitionFixture, "a face hidden under transparency is recognised in the hidden colours",
                 "[pipeline][matching]") {
  // The black square is fully transparent: invisible when composited onto white.
  cv::Mat bgra(120, 160, CV_8UC4, cv::Scalar(255, 255, 255, 255));
  bgra(cv::Rect(30, 20, 60, 60)).setTo(cv::Scalar(0, 0, 0, 0));
  WriteBytes(dir / "in/logo.png", Encode(bgra, ".png"));
  auto r = MakeRecognising()->Process(Item("logo.png"));
  REQUIRE(r.record.faces.size() == 1);
  CHECK(r.record.faces[0].detector == "fake (colours under transparency)");
  REQUIRE(r.record.faces[0].match.has_value());
  CHECK(r.record.faces[0].match->status == pg::MatchStatus::kOptedOut);
  CHECK(r.decision.verdict == pg::Verdict::kBlock);
}

TEST_CASE_METHOD(RecognitionFixture, "a face found in the photo turned is recognised upright and the block says so",
                 "[pipeline][matching]") {
  // A black face 60 wide x 40 high lying on its side: the detector found it upright after one
  // clockwise quarter turn (as QuarterTurnDetector reports it).
  detector.detect_fn = [](const cv::Mat& bgr) {
    auto faces = PaintedFaces(bgr);
    for (auto& f : faces) f.quarter_turns = 1;
    return faces;
  };
  cv::Size seen_image;
  pg::Box seen_box;
  embedder.fn = [&](const cv::Mat& bgr, const pg::Box& b) -> pg::Result<pg::FaceDescriptor> {
    seen_image = bgr.size();
    seen_box = b;
    const cv::Scalar mean = cv::mean(bgr(cv::Rect(b.x, b.y, b.w, b.h)));
    return FakeFaceEmbedder::Colour(mean[0], mean[1], mean[2]);
  };
  WriteBytes(dir / "in/photo.png", Encode(PaintFaces(160, 120, {{cv::Rect(30, 20, 60, 40), cv::Scalar(0, 0, 0)}}), ".png"));
  auto r = MakeRecognising()->Process(Item("photo.png"));
  // The embedder got the upright crop: the box plus 60 px margin, clipped (150 x 120), turned.
  CHECK(seen_image == cv::Size(120, 150));
  CHECK(seen_box.w == 40);
  CHECK(seen_box.h == 60);
  CHECK(r.decision.verdict == pg::Verdict::kBlock);
  REQUIRE(r.record.faces.size() == 1);
  CHECK(r.record.faces[0].match->status == pg::MatchStatus::kOptedOut);
  bool named = false;
  for (const auto& reason : r.decision.reasons) {
    for (const auto& [k, v] : reason.evidence) named |= k == "face" && v == "60x40 at (30,20) (found turned 90\u00b0)";
  }
  CHECK(named);
}

namespace {

/// Lucas Ferreira (S2, preferred name Luke, no permission) is enrolled, and every face the
/// fake detector reports is recognised as him: the first-name rule through the whole pipeline.
struct LucasRecognised : RecognitionFixture {
  LucasRecognised() {
    directory.students[1].preferred_name = "Luke";
    enrolments.enrolments.push_back(FakeEnrolmentSource::Make("S2", FakeFaceEmbedder::At(0.0)));
    enrolments.enrolments[0].descriptor = FakeFaceEmbedder::At(-1.0);  // Maya: far away
    detector.detect_fn = nullptr;
    detector.faces.push_back(FakeFaceDetector::Face(30, 20, 60, 60));
    embedder.fn = [](const cv::Mat&, const pg::Box&) -> pg::Result<pg::FaceDescriptor> {
      return FakeFaceEmbedder::At(0.1);
    };
  }
  pg::ItemResult Run(const pg::ItemInput& in, const pg::Bytes& bytes) {
    WriteBytes(in.path, bytes);
    return MakeRecognising()->Process(in);
  }
  /// The block for Lucas's first or preferred name, from `source`.
  void RequireGivenNameBlock(const pg::ItemResult& r, const std::string& source) {
    REQUIRE(r.record.faces.size() == 1);
    REQUIRE(r.record.faces[0].match.has_value());
    REQUIRE(r.record.faces[0].match->status == pg::MatchStatus::kMatched);
    CHECK(r.decision.verdict == pg::Verdict::kBlock);
    bool found = false;
    for (const auto& reason : r.decision.reasons) {
      if (reason.code != pg::ReasonCode::kNamePhotoPairingWithoutPermission) continue;
      for (const auto& [k, v] : reason.evidence) found |= k == "source" && v == source;
    }
    CHECK(found);
    bool fact = false;
    for (const auto& n : r.record.names) {
      fact |= n.student_id == "S2" && n.source == source && n.match == pg::NameMatch::kGivenOnly;
    }
    CHECK(fact);
  }
};

}  // namespace

TEST_CASE_METHOD(LucasRecognised, "a recognised face and the first name with a typographic apostrophe block",
                 "[pipeline][names]") {
  const pg::Bytes png = Encode(DrawScene(), ".png");
  SECTION("in the caption") {
    RequireGivenNameBlock(Run(Item("volcano.png", "Lucas\u2019s volcano"), png), "caption");
  }
  SECTION("in the alt text") {
    auto in = Item("volcano.png");
    in.alt_text = "Lucas\u2019s volcano erupts";
    RequireGivenNameBlock(Run(in, png), "alt_text");
  }
  SECTION("in the file name") {
    RequireGivenNameBlock(Run(Item("Lucas\u2019s volcano.png"), png), "file_name");
  }
  SECTION("in an embedded text field") {
    pg::SyntheticExif exif;
    exif.image_description = "Lucas\u2019s volcano";
    auto jpeg = pg::InsertExifIntoJpeg(Encode(DrawScene(), ".jpg"), exif);
    REQUIRE(jpeg.ok());
    RequireGivenNameBlock(Run(Item("volcano.jpg"), *jpeg), "exif:ImageDescription");
  }
  SECTION("the preferred name") {
    RequireGivenNameBlock(Run(Item("volcano.png", "Luke\u2019s volcano"), png), "caption");
  }
  SECTION("behind an invisible character and a look-alike letter") {
    RequireGivenNameBlock(Run(Item("volcano.png", "Lu\u200bc\u0430s\u2019s volcano"), png), "caption");
  }
}

TEST_CASE_METHOD(LucasRecognised, "the first name beside a face recognised as nobody, or another word, publishes",
                 "[pipeline][names]") {
  const pg::Bytes png = Encode(DrawScene(), ".png");
  auto other = Run(Item("volcano.png", "Lucasville\u2019s volcano"), png);
  CHECK(other.decision.verdict == pg::Verdict::kPublish);
  embedder.fn = [](const cv::Mat&, const pg::Box&) -> pg::Result<pg::FaceDescriptor> {
    return FakeFaceEmbedder::At(0.9);  // far from Lucas (0) and from Maya (-1)
  };
  auto nobody = Run(Item("volcano.png", "Lucas\u2019s volcano"), png);
  REQUIRE(nobody.record.faces[0].match.has_value());
  CHECK(nobody.record.faces[0].match->status == pg::MatchStatus::kNoMatch);
  CHECK(nobody.decision.verdict == pg::Verdict::kPublish);
}
