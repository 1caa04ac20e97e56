#include "directory/enroll.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "fakes/fake_directory_store.h"
#include "fakes/fake_face_detector.h"
#include "fakes/fake_face_embedder.h"
#include "fakes/memory_file_system.h"
#include "metadata/exif_writer.h"
#include "test_util.h"

using namespace pg::testing;

namespace {

class FixedClock : public pg::Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::from_time_t(1795000000);  // 2026-11-18
  }
};

const cv::Scalar kMaya(0, 0, 0), kLucas(0, 200, 0), kAna(200, 0, 0);

struct EnrolFixture {
  TempDir dir;
  std::unique_ptr<pg::SqliteDirectoryStore> store;
  std::vector<pg::Student> students;
  pg::MemoryFileSystem fs;
  FakeFaceDetector detector;
  FakeFaceEmbedder embedder;
  FixedClock clock;
  pg::EnrolOptions options;

  EnrolFixture() {
    auto opened = pg::SqliteDirectoryStore::Open(dir / "directory.db", true);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    students = {FakeDirectoryStore::Make("S1", "Maya", "Okafor", /*opt_out=*/true),
                FakeDirectoryStore::Make("S2", "Lucas", "Ferreira"),
                FakeDirectoryStore::Make("S3", "Ana", "Lee", /*opt_out=*/true)};
    students[0].reference_photos = {"/ref/maya.png"};
    students[1].reference_photos = {"/ref/lucas.png"};
    students[2].reference_photos = {"/ref/ana.png"};
    REQUIRE(store->UpsertStudents(students).ok());
    Photo("/ref/maya.png", {{cv::Rect(20, 20, 60, 60), kMaya}});
    Photo("/ref/lucas.png", {{cv::Rect(20, 20, 60, 60), kLucas}});
    Photo("/ref/ana.png", {{cv::Rect(20, 20, 60, 60), kAna}});
    detector.detect_fn = PaintedFaces;
  }

  void Photo(const std::string& path, const std::vector<std::pair<cv::Rect, cv::Scalar>>& faces,
             int w = 120, int h = 100) {
    fs.files[path] = Encode(PaintFaces(w, h, faces), ".png");
  }

  pg::EnrolReport Run() {
    auto r = pg::Enrol(*store, students, detector, embedder, fs, clock, options);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return *r;
  }

  std::vector<pg::Enrolment> Stored() {
    auto all = store->AllEnrolments();
    REQUIRE(all.ok());
    return *all;
  }

  const pg::PhotoReport& PhotoOf(const pg::EnrolReport& r, const std::string& path) {
    for (const auto& p : r.photos) {
      if (p.photo_path == path) return p;
    }
    FAIL("no report for " << path);
    return r.photos.front();
  }
};

}  // namespace

TEST_CASE_METHOD(EnrolFixture, "by default only photo-opted-out students are enrolled", "[enroll]") {
  auto r = Run();
  CHECK(r.enrolled == std::vector<std::string>{"S1", "S3"});
  CHECK(r.rejected_photos() == 0);
  CHECK(r.not_enrolled.empty());
  CHECK(r.model_id == "fake-model/1");
  CHECK(r.expires_at == "2027-06-30");  // the end of school year 2026-27
  auto stored = Stored();
  REQUIRE(stored.size() == 2);
  const pg::Enrolment& maya = stored[0];
  CHECK(maya.student_id == "S1");
  CHECK(maya.photo_path == "/ref/maya.png");
  CHECK(maya.photo_sha256.size() == 64);
  CHECK(maya.model_id == "fake-model/1");
  CHECK(maya.expires_at == "2027-06-30");
  CHECK_THAT(maya.enrolled_at, Catch::StartsWith("2026-11-18T"));
  CHECK(pg::DescriptorDistance(maya.descriptor, FakeFaceEmbedder::Colour(0, 0, 0)) < 1e-6);
  CHECK(stored[1].student_id == "S3");
  CHECK(pg::DescriptorDistance(stored[1].descriptor, FakeFaceEmbedder::Colour(200, 0, 0)) < 1e-6);
  struct stat st{};
  REQUIRE(::stat((dir / "directory.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE_METHOD(EnrolFixture, "every student with --all-students", "[enroll]") {
  options.all_students = true;
  students.push_back(FakeDirectoryStore::Make("S4", "Ethan", "Park"));
  REQUIRE(store->UpsertStudents({students.back()}).ok());
  auto r = Run();
  CHECK(r.enrolled == std::vector<std::string>{"S1", "S2", "S3"});
  REQUIRE(r.not_enrolled.size() == 1);
  CHECK_THAT(r.not_enrolled[0], Catch::StartsWith("S4: no reference photos"));
  CHECK(Stored().size() == 3);
}

TEST_CASE_METHOD(EnrolFixture, "photos with zero, two or too small faces are reported, not guessed",
                 "[enroll]") {
  students[0].reference_photos = {"/ref/empty.png", "/ref/two.png", "/ref/tiny.png"};
  Photo("/ref/empty.png", {});
  Photo("/ref/two.png", {{cv::Rect(5, 5, 45, 45), kMaya}, {cv::Rect(60, 40, 50, 50), kAna}});
  Photo("/ref/tiny.png", {{cv::Rect(10, 10, 30, 30), kMaya}});
  auto r = Run();
  const auto& empty = PhotoOf(r, "/ref/empty.png");
  CHECK(empty.outcome == pg::PhotoOutcome::kNoFace);
  CHECK_THAT(empty.message, Catch::StartsWith("S1 /ref/empty.png: no face found"));
  const auto& two = PhotoOf(r, "/ref/two.png");
  CHECK(two.outcome == pg::PhotoOutcome::kSeveralFaces);
  CHECK(two.message ==
        "S1 /ref/two.png: 2 faces found (45x45 px at (5,5); 50x50 px at (60,40)); a reference photo "
        "must show the student alone");
  const auto& tiny = PhotoOf(r, "/ref/tiny.png");
  CHECK(tiny.outcome == pg::PhotoOutcome::kFaceTooSmall);
  CHECK_THAT(tiny.message, Catch::Contains("30x30 px") && Catch::Contains("40 px"));
  CHECK(r.rejected_photos() == 3);
  CHECK(r.enrolled == std::vector<std::string>{"S3"});
  REQUIRE(r.not_enrolled.size() == 1);
  CHECK_THAT(r.not_enrolled[0], Catch::StartsWith("S1: no usable reference photo"));
  CHECK(pg::PhotoOutcomeName(two.outcome) == std::string("several faces"));
}

TEST_CASE_METHOD(EnrolFixture, "missing and non-image reference photos are unreadable, with the reason",
                 "[enroll]") {
  students[0].reference_photos = {"/ref/gone.jpg", "/ref/notes.png", "/ref/maya.png"};
  fs.AddFile("/ref/notes.png", "root:$6$secret:19000:0:99999:7:::\n");
  auto r = Run();
  const auto& gone = PhotoOf(r, "/ref/gone.jpg");
  CHECK(gone.outcome == pg::PhotoOutcome::kUnreadable);
  CHECK_THAT(gone.message, Catch::Contains("/ref/gone.jpg: no such file"));
  const auto& notes = PhotoOf(r, "/ref/notes.png");
  CHECK(notes.outcome == pg::PhotoOutcome::kUnreadable);
  CHECK_THAT(notes.message, Catch::Contains("not a supported image: text, not an image"));
  // Nothing of the file's content is echoed, in text or hex ("72 6f 6f 74" = "root").
  CHECK_THAT(notes.message, !Catch::Contains("root") && !Catch::Contains("72 6f") &&
                                !Catch::Contains("secret"));
  // The one good photo still enrols the student.
  CHECK(PhotoOf(r, "/ref/maya.png").outcome == pg::PhotoOutcome::kEnrolled);
  CHECK(r.enrolled == std::vector<std::string>{"S1", "S3"});
}

TEST_CASE_METHOD(EnrolFixture, "an embedder that cannot describe the face is reported", "[enroll]") {
  embedder.fail = true;
  auto r = Run();
  CHECK(PhotoOf(r, "/ref/maya.png").outcome == pg::PhotoOutcome::kFailed);
  CHECK_THAT(PhotoOf(r, "/ref/maya.png").message, Catch::Contains("no landmarks"));
  CHECK(r.enrolled.empty());
  CHECK(Stored().empty());
}

TEST_CASE_METHOD(EnrolFixture, "re-enrolling one student replaces only their descriptors", "[enroll]") {
  Run();
  REQUIRE(Stored().size() == 2);
  students[0].reference_photos = {"/ref/maya-2027a.png", "/ref/maya-2027b.png"};
  Photo("/ref/maya-2027a.png", {{cv::Rect(20, 20, 60, 60), cv::Scalar(10, 10, 10)}});
  Photo("/ref/maya-2027b.png", {{cv::Rect(30, 20, 50, 50), cv::Scalar(20, 20, 20)}});
  options.student_id = "S1";
  options.expires_at = "2027-08-31";
  auto r = Run();
  CHECK(r.enrolled == std::vector<std::string>{"S1"});
  auto stored = Stored();
  REQUIRE(stored.size() == 3);
  CHECK(stored[0].photo_path == "/ref/maya-2027a.png");
  CHECK(stored[1].photo_path == "/ref/maya-2027b.png");
  CHECK(stored[0].expires_at == "2027-08-31");
  CHECK(stored[2].student_id == "S3");  // untouched
  CHECK(stored[2].expires_at == "2027-06-30");
}

TEST_CASE_METHOD(EnrolFixture, "a student with no usable photo keeps their earlier enrolment", "[enroll]") {
  Run();
  students[0].reference_photos = {"/ref/blurry.png"};
  Photo("/ref/blurry.png", {});
  options.student_id = "S1";
  auto r = Run();
  CHECK(r.enrolled.empty());
  auto stored = Stored();
  REQUIRE(stored.size() == 2);
  CHECK(stored[0].photo_path == "/ref/maya.png");
}

TEST_CASE_METHOD(EnrolFixture, "enrolling one student: unknown is NotFound, no opt-out needs --all-students",
                 "[enroll]") {
  options.student_id = "S9";
  auto unknown = pg::Enrol(*store, students, detector, embedder, fs, clock, options);
  CHECK(unknown.status().code() == pg::Code::kNotFound);
  options.student_id = "S2";
  auto refused = pg::Enrol(*store, students, detector, embedder, fs, clock, options);
  CHECK(refused.status().code() == pg::Code::kConfig);
  CHECK_THAT(refused.status().message(), Catch::Contains("--all-students"));
  CHECK(Stored().empty());
  options.all_students = true;
  CHECK(Run().enrolled == std::vector<std::string>{"S2"});
}

TEST_CASE_METHOD(EnrolFixture, "the retention date must be a real date, not already past", "[enroll]") {
  for (const char* bad : {"2027-02-30", "next June", "2026-11-17"}) {
    options.expires_at = bad;
    auto r = pg::Enrol(*store, students, detector, embedder, fs, clock, options);
    INFO(bad);
    CHECK(r.status().code() == pg::Code::kConfig);
  }
  options.expires_at = "2026-11-18";  // today is still usable
  CHECK(Run().expires_at == "2026-11-18");
}

TEST_CASE_METHOD(EnrolFixture, "reference photos are analysed upright and their date is kept", "[enroll]") {
  // Stored 100 wide x 120 high with EXIF orientation 6 (rotate 90 CW): upright it is 120x100.
  cv::Mat stored_pixels = PaintFaces(100, 120, {{cv::Rect(20, 20, 60, 60), kMaya}});
  pg::SyntheticExif exif;
  exif.orientation = 6;
  exif.date_time_original = "2024:09:03 10:00:00";
  auto jpeg = pg::InsertExifIntoJpeg(Encode(stored_pixels, ".jpg"), exif);
  REQUIRE(jpeg.ok());
  fs.files["/ref/maya.jpg"] = *jpeg;
  students[0].reference_photos = {"/ref/maya.jpg"};
  cv::Size seen;
  detector.detect_fn = [&](const cv::Mat& bgr) {
    seen = bgr.size();
    return PaintedFaces(bgr);
  };
  options.student_id = "S1";
  auto r = Run();
  CHECK(seen == cv::Size(120, 100));
  const auto& photo = PhotoOf(r, "/ref/maya.jpg");
  CHECK(photo.outcome == pg::PhotoOutcome::kEnrolled);
  CHECK_THAT(photo.message, Catch::Contains("2024-09-03") && Catch::Contains("over a year ago"));
  auto stored = Stored();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].photo_date == "2024-09-03");
}

TEST_CASE("the school year ends on June 30", "[enroll]") {
  CHECK(pg::SchoolYearEndDate(std::chrono::system_clock::from_time_t(1795000000)) == "2027-06-30");
  CHECK(pg::SchoolYearEndDate(std::chrono::system_clock::from_time_t(1780000000)) == "2026-06-30");
}

TEST_CASE_METHOD(EnrolFixture, "a reference photo whose face is found only turned is enrolled from the upright face",
                 "[enroll]") {
  Photo("/ref/maya.png", {{cv::Rect(20, 30, 60, 40), kMaya}});
  detector.detect_fn = [](const cv::Mat& bgr) {
    auto faces = PaintedFaces(bgr);
    for (auto& f : faces) f.quarter_turns = 3;
    return faces;
  };
  pg::Box seen;
  embedder.fn = [&](const cv::Mat& bgr, const pg::Box& b) -> pg::Result<pg::FaceDescriptor> {
    seen = b;
    const cv::Scalar mean = cv::mean(bgr(cv::Rect(b.x, b.y, b.w, b.h)));
    return FakeFaceEmbedder::Colour(mean[0], mean[1], mean[2]);
  };
  options.student_id = "S1";
  auto r = Run();
  const auto& photo = PhotoOf(r, "/ref/maya.png");
  CHECK(photo.outcome == pg::PhotoOutcome::kEnrolled);
  CHECK_THAT(photo.message, Catch::Contains("found with the photo turned 270\u00b0"));
  CHECK(seen.w == 40);  // the embedder saw the face upright (sides swapped)
  CHECK(seen.h == 60);
  auto stored = Stored();
  REQUIRE(stored.size() == 1);
  CHECK(pg::DescriptorDistance(stored[0].descriptor, FakeFaceEmbedder::Colour(0, 0, 0)) < 0.01);  // kMaya, whole
}
