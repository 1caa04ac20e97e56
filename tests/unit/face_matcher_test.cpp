#include "faces/face_matcher.h"

#include <cmath>

#include <catch2/catch.hpp>

#include "fakes/fake_directory_store.h"
#include "fakes/fake_face_embedder.h"

using pg::testing::FakeDirectoryStore;
using pg::testing::FakeEnrolmentSource;
using pg::testing::FakeFaceEmbedder;

namespace {

struct MatcherFixture {
  std::map<std::string, pg::Student> students;
  std::vector<pg::Enrolment> enrolments;
  pg::MatchThresholds thresholds{0.50, 0.65, 40};
  std::string today = "2026-11-18";

  MatcherFixture() {
    for (auto s : {FakeDirectoryStore::Make("S1", "Maya", "Okafor", /*opt_out=*/true),
                   FakeDirectoryStore::Make("S2", "Lucas", "Ferreira"),
                   FakeDirectoryStore::Make("S3", "Ana", "Lee", /*opt_out=*/true)}) {
      students[s.student_id] = s;
    }
  }
  void Enrol(const std::string& id, double x, const std::string& expires = "2027-06-30",
             const std::string& model = "fake-model/1") {
    enrolments.push_back(FakeEnrolmentSource::Make(id, FakeFaceEmbedder::At(x), expires, model));
  }
  pg::FaceMatcher Loaded() {
    pg::FaceMatcher m(thresholds, "fake-model/1");
    pg::Status s = m.Load(enrolments, students, today);
    INFO(s.ToString());
    REQUIRE(s.ok());
    return m;
  }
  static pg::FaceMatch Match(const pg::FaceMatcher& m, double x) {
    auto r = m.Match(FakeFaceEmbedder::At(x));
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return *r;
  }
};

}  // namespace

TEST_CASE_METHOD(MatcherFixture, "a face within the match threshold of an opted-out student is opted_out",
                 "[face_matcher]") {
  Enrol("S1", 0.0);
  Enrol("S2", 5.0);
  auto m = Match(Loaded(), 0.3);
  CHECK(m.status == pg::MatchStatus::kOptedOut);
  CHECK(m.student_id == "S1");
  CHECK(m.distance == Approx(0.3).margin(1e-6));
}

TEST_CASE_METHOD(MatcherFixture, "thresholds are inclusive: 0.50 is confident, 0.65 uncertain, beyond is no match",
                 "[face_matcher]") {
  Enrol("S1", 0.0);
  auto matcher = Loaded();
  CHECK(Match(matcher, 0.50).status == pg::MatchStatus::kOptedOut);
  auto uncertain = Match(matcher, 0.58);
  CHECK(uncertain.status == pg::MatchStatus::kUncertain);
  CHECK(uncertain.student_id == "S1");
  CHECK(Match(matcher, 0.65).status == pg::MatchStatus::kUncertain);
  auto none = Match(matcher, 0.70);
  CHECK(none.status == pg::MatchStatus::kNoMatch);
  CHECK(none.student_id.empty());
  CHECK(none.distance == Approx(0.70).margin(1e-6));
}

TEST_CASE_METHOD(MatcherFixture, "a student's distance is the smallest over their reference photos",
                 "[face_matcher]") {
  Enrol("S1", 0.0);
  Enrol("S1", 2.0);  // a second reference photo, far from the first
  Enrol("S3", 1.0);
  auto matcher = Loaded();
  auto m = Match(matcher, 1.9);
  CHECK(m.status == pg::MatchStatus::kOptedOut);
  CHECK(m.student_id == "S1");
  CHECK(m.distance == Approx(0.1).margin(1e-6));
  auto nearest = matcher.Nearest(FakeFaceEmbedder::At(1.9), 5);
  REQUIRE(nearest.size() == 2);
  CHECK(nearest[0].first == "S1");
  CHECK(nearest[1].first == "S3");
  CHECK(nearest[1].second == Approx(0.9).margin(1e-6));
}

TEST_CASE_METHOD(MatcherFixture, "a confident match to a student without opt-out is 'matched', for pairing",
                 "[face_matcher]") {
  Enrol("S1", 0.0);
  Enrol("S2", 3.0);
  auto m = Match(Loaded(), 3.2);
  CHECK(m.status == pg::MatchStatus::kMatched);
  CHECK(m.student_id == "S2");
}

TEST_CASE_METHOD(MatcherFixture, "an opted-out student in the uncertain band outranks a confident other match",
                 "[face_matcher]") {
  Enrol("S1", 0.0);
  Enrol("S2", 1.0);
  // 0.6 from S1 (uncertain), 0.4 from S2 (confident): lean to review.
  auto m = Match(Loaded(), 0.6);
  CHECK(m.status == pg::MatchStatus::kUncertain);
  CHECK(m.student_id == "S1");
}

TEST_CASE_METHOD(MatcherFixture, "a face smaller than the minimum is too_small and never embedded",
                 "[face_matcher]") {
  Enrol("S1", 0.0);
  auto matcher = Loaded();
  FakeFaceEmbedder embedder;
  cv::Mat img(100, 100, CV_8UC3, cv::Scalar(0, 0, 0));
  auto small = matcher.Recognise(embedder, img, {0, 0, 39, 60});
  REQUIRE(small.ok());
  CHECK(small->status == pg::MatchStatus::kTooSmall);
  CHECK(embedder.calls == 0);
  auto big = matcher.Recognise(embedder, img, {0, 0, 40, 40});
  REQUIRE(big.ok());
  CHECK(big->status == pg::MatchStatus::kOptedOut);  // black is At(0) in the fake's colour space
  CHECK(embedder.calls == 1);
}

TEST_CASE_METHOD(MatcherFixture, "an embedder failure is passed on, not taken for 'no match'", "[face_matcher]") {
  Enrol("S1", 0.0);
  auto matcher = Loaded();
  FakeFaceEmbedder embedder;
  embedder.fail = true;
  cv::Mat img(100, 100, CV_8UC3, cv::Scalar(0, 0, 0));
  auto r = matcher.Recognise(embedder, img, {0, 0, 50, 50});
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("no landmarks"));
}

TEST_CASE_METHOD(MatcherFixture, "expired references are refused and reported, one fresh reference is enough",
                 "[face_matcher]") {
  Enrol("S1", 0.0, "2026-06-30");   // expired: S1 opted out
  Enrol("S2", 3.0, "2026-06-30");   // expired: S2 not opted out
  Enrol("S3", 5.0, "2026-06-30");   // expired...
  Enrol("S3", 5.1, "2026-11-18");   // ...but this one is usable through today
  auto matcher = Loaded();
  const auto& sum = matcher.summary();
  CHECK(sum.expired_descriptors == 3);
  CHECK(sum.descriptors_used == 1);
  CHECK(sum.students_enrolled == 1);
  CHECK(sum.expired_students == std::vector<std::string>{"S1", "S2"});
  CHECK(sum.expired_opted_out == std::vector<std::string>{"S1"});
  CHECK(sum.opted_out_not_enrolled.empty());
  // S1's expired reference is not used: its face is no longer recognised.
  CHECK(Match(matcher, 0.0).status == pg::MatchStatus::kNoMatch);
  CHECK(Match(matcher, 5.1).status == pg::MatchStatus::kOptedOut);
}

TEST_CASE_METHOD(MatcherFixture, "descriptors of another model are ignored and reported", "[face_matcher]") {
  Enrol("S1", 0.0, "2027-06-30", "old-model/0");
  Enrol("S3", 1.0);
  auto matcher = Loaded();
  const auto& sum = matcher.summary();
  CHECK(sum.other_model_descriptors == 1);
  CHECK(sum.other_models == std::vector<std::string>{"old-model/0"});
  CHECK(sum.opted_out_not_enrolled == std::vector<std::string>{"S1"});
  CHECK(Match(matcher, 0.0).status == pg::MatchStatus::kNoMatch);
}

TEST_CASE_METHOD(MatcherFixture, "opted-out students without any reference are listed", "[face_matcher]") {
  Enrol("S2", 0.0);
  auto matcher = Loaded();
  CHECK(matcher.summary().opted_out_not_enrolled == std::vector<std::string>{"S1", "S3"});
  CHECK(matcher.summary().students_enrolled == 1);
}

TEST_CASE_METHOD(MatcherFixture, "with nobody enrolled every face is no_match at infinite distance",
                 "[face_matcher]") {
  auto m = Match(Loaded(), 0.0);
  CHECK(m.status == pg::MatchStatus::kNoMatch);
  CHECK(std::isinf(m.distance));
}

TEST_CASE_METHOD(MatcherFixture, "references of students no longer in the directory are ignored",
                 "[face_matcher]") {
  Enrol("S9", 0.0);
  auto matcher = Loaded();
  CHECK(matcher.summary().unknown_student_descriptors == 1);
  CHECK(Match(matcher, 0.0).status == pg::MatchStatus::kNoMatch);
}

TEST_CASE_METHOD(MatcherFixture, "malformed descriptors are errors, not silent misses", "[face_matcher]") {
  pg::FaceMatcher m(thresholds, "fake-model/1");
  SECTION("a stored descriptor with NaN") {
    Enrol("S1", std::nan(""));
    auto s = m.Load(enrolments, students, today);
    CHECK(s.code() == pg::Code::kBadData);
    CHECK_THAT(s.message(), Catch::Contains("S1") && Catch::Contains("re-enrol"));
  }
  SECTION("descriptors of different lengths") {
    Enrol("S1", 0.0);
    enrolments.push_back(FakeEnrolmentSource::Make("S3", pg::FaceDescriptor(64, 0.0f)));
    CHECK(m.Load(enrolments, students, today).code() == pg::Code::kBadData);
  }
  SECTION("a query of another length") {
    Enrol("S1", 0.0);
    REQUIRE(m.Load(enrolments, students, today).ok());
    auto r = m.Match(pg::FaceDescriptor(64, 0.0f));
    CHECK(r.status().code() == pg::Code::kBadData);
  }
}

TEST_CASE("ISO dates are validated as calendar dates", "[face_matcher]") {
  CHECK(pg::IsIsoDate("2027-06-30"));
  CHECK(pg::IsIsoDate("2028-02-29"));
  CHECK_FALSE(pg::IsIsoDate("2027-02-29"));
  CHECK_FALSE(pg::IsIsoDate("2027-13-01"));
  CHECK_FALSE(pg::IsIsoDate("2027-6-30"));
  CHECK_FALSE(pg::IsIsoDate("30/06/2027"));
  CHECK(pg::IsoDate(std::chrono::system_clock::from_time_t(1795000000)) == "2026-11-18");
}

TEST_CASE_METHOD(MatcherFixture, "a face found in several turns is embedded upright in each and the most cautious match wins",
                 "[face_matcher]") {
  Enrol("S1", 0.0);
  auto matcher = Loaded();
  // The fake "recognises" S1 only in a face crop taller than wide (the face upright); lying
  // on its side (wider than tall) it looks like nobody.
  FakeFaceEmbedder embedder;
  std::vector<cv::Size> seen;
  embedder.fn = [&](const cv::Mat& bgr, const pg::Box& b) -> pg::Result<pg::FaceDescriptor> {
    seen.push_back(bgr.size());
    return FakeFaceEmbedder::At(b.h > b.w ? 0.1 : 0.9);
  };
  cv::Mat img(300, 400, CV_8UC3, cv::Scalar(0, 0, 0));
  pg::FaceFact face;
  face.box = {100, 100, 80, 60};  // upright pass: a sideways face, found weakly
  face.other_turns.push_back({1, {100, 100, 80, 60}});
  auto m = matcher.RecogniseFace(embedder, img, face);
  REQUIRE(m.ok());
  CHECK(m->status == pg::MatchStatus::kOptedOut);
  CHECK(m->distance == Approx(0.1).margin(1e-6));
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == cv::Size(400, 300));  // upright: the photo as it is
  CHECK(seen[1] == cv::Size(220, 240));  // turned: the box plus 80 px margin (240 x 220), turned
  // One turn alone, as found: nobody.
  face.other_turns.clear();
  CHECK(matcher.RecogniseFace(embedder, img, face)->status == pg::MatchStatus::kNoMatch);
  // A failure in any turn fails the face.
  face.other_turns.push_back({3, {100, 100, 80, 60}});
  embedder.fn = [](const cv::Mat& bgr, const pg::Box&) -> pg::Result<pg::FaceDescriptor> {
    if (bgr.rows > bgr.cols) return pg::Status::Internal("no landmarks");
    return FakeFaceEmbedder::At(0.9);
  };
  CHECK_FALSE(matcher.RecogniseFace(embedder, img, face).ok());
}
