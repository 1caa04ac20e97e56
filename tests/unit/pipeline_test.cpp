#include <catch2/catch.hpp>

#include <filesystem>

#include "fakes/fake_directory_store.h"
#include "fakes/fake_face_detector.h"
#include "io/ingest.h"
#include "metadata/exif_writer.h"
#include "metadata/synthetic_animation.h"
#include "pipeline.h"
#include "test_util.h"

using namespace pg::testing;

namespace {

class FixedClock : public pg::Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::from_time_t(1795000000);  // 2026-11-18
  }
};

/// A file system whose writes fail (disk full), reads pass through.
class FailingWriteFileSystem : public pg::RealFileSystem {
 public:
  pg::Status WriteFileAtomic(const std::string& path, const pg::Bytes&, unsigned) override {
    return pg::Status::IoError(path + ": No space left on device");
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

bool HasReason(const pg::ItemResult& r, const std::string& code) {
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
  CHECK(HasReason(r, "opted_out_name_with_photo"));
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
  CHECK(HasReason(r, "name_photo_pairing_without_permission"));
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
  auto batch = p->RunBatch(*items, dir / "out");
  REQUIRE(batch.items.size() == 3);
  CHECK(batch.items[0].decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(batch.items[0], "undecodable"));
  CHECK(batch.items[1].decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(batch.items[1], "undecodable"));
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
  auto batch = p->RunBatch(items, dir / "out");
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
  CHECK(HasReason(r, "face_detection_failed"));
}

TEST_CASE_METHOD(PipelineFixture, "without a directory nothing is published", "[pipeline]") {
  WriteBytes(dir / "in/a.png", Encode(DrawScene(), ".png"));
  auto p = Make(nullptr, /*with_directory=*/false);
  auto r = p->Process(Item("a.png", "Maya Okafor"));
  CHECK(r.decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(r, "directory_unavailable"));
  CHECK_FALSE(r.record.names_checked);
}

TEST_CASE_METHOD(PipelineFixture, "a directory that cannot be read stops start-up", "[pipeline]") {
  directory.fail = true;
  pg::PipelineDeps deps{&fs, &detector, &directory, &clock};
  pg::Pipeline p(options, deps);
  CHECK_FALSE(p.Init().ok());
}

TEST_CASE_METHOD(PipelineFixture, "an output that cannot be written is review, not publish", "[pipeline]") {
  WriteBytes(dir / "in/a.png", Encode(DrawScene(), ".png"));
  FailingWriteFileSystem failing;
  auto p = Make(&failing);
  auto batch = p->RunBatch({Item("a.png")}, dir / "out");
  CHECK(batch.items[0].decision.verdict == pg::Verdict::kReview);
  CHECK(HasReason(batch.items[0], "output_write_failed"));
  CHECK_FALSE(batch.write_status.ok());
  CHECK(batch.items[0].record.output_path.empty());
}

TEST_CASE_METHOD(PipelineFixture, "a stale publish folder is refused unless overwrite", "[pipeline]") {
  WriteText(dir / "out/publish/old.jpg", "stale");
  auto p = Make();
  CHECK_FALSE(p->PreparePublishFolder(dir / "out", false).ok());
  CHECK(p->PreparePublishFolder(dir / "out", true).ok());
  CHECK_FALSE(std::filesystem::exists(dir / "out/publish/old.jpg"));
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
  CHECK(HasReason(r, "faces_unchecked"));
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
  CHECK(HasReason(r, "unanalysed_frames"));
}
