#include <catch2/catch.hpp>

#include "fakes/fake_directory_store.h"
#include "policy/decide.h"

using pg::testing::FakeDirectoryStore;

namespace {

struct DecideFixture {
  std::map<std::string, pg::Student> students;
  pg::PolicyContext ctx;
  pg::ImageRecord rec;

  DecideFixture() {
    auto add = [&](pg::Student s) { students[s.student_id] = s; };
    add(FakeDirectoryStore::Make("S1", "Maya", "Okafor", /*opt_out=*/true));
    add(FakeDirectoryStore::Make("S2", "Lucas", "Ferreira"));
    add(FakeDirectoryStore::Make("S3", "Sofia", "Nunez", false,
                                 pg::NamePhotoPermission::kStudentAndParent, "2026-27"));
    add(FakeDirectoryStore::Make("S4", "Ethan", "Park", false,
                                 pg::NamePhotoPermission::kStudentAndParent, "2025-26"));
    add(FakeDirectoryStore::Make("S5", "Ana", "Lee", false, pg::NamePhotoPermission::kParent,
                                 "2026-27"));
    ctx.students = &students;
    ctx.school_year = "2026-27";
    rec.input.rel_path = "a.jpg";
    rec.decoded = true;
    rec.faces_checked = true;
    rec.sanitized = pg::SanitizedOutput{};
    rec.sanitized->verified = true;
  }
  void Face() {
    pg::FaceFact f;
    f.box = {10, 20, 50, 50};
    rec.faces.push_back(f);
  }
  void Name(const std::string& id, const std::string& text, const std::string& source = "caption") {
    rec.names.push_back({text, source, id});
  }
  void GivenName(const std::string& id, const std::string& text, const std::string& source = "caption") {
    rec.names.push_back({text, source, id, pg::NameMatch::kGivenOnly});
  }
  bool HasReason(const pg::Decision& d, pg::ReasonCode code) {
    for (const auto& r : d.reasons) {
      if (r.code == code) return true;
    }
    return false;
  }
  std::string Evidence(const pg::Decision& d, pg::ReasonCode code, const std::string& key) {
    for (const auto& r : d.reasons) {
      if (r.code != code) continue;
      for (const auto& [k, v] : r.evidence) {
        if (k == key) return v;
      }
    }
    return "<none>";
  }
};

}  // namespace

TEST_CASE_METHOD(DecideFixture, "photo without faces or names publishes", "[decide]") {
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kPublish);
  CHECK(d.reasons.empty());
}

TEST_CASE_METHOD(DecideFixture, "opted-out student's name on a photo with faces blocks, with evidence",
                 "[decide]") {
  Face();
  Name("S1", "Maya Okafor");
  ctx.allow_unchecked_faces = true;
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kBlock);
  REQUIRE(HasReason(d, pg::ReasonCode::kOptedOutNameWithPhoto));
  CHECK(Evidence(d, pg::ReasonCode::kOptedOutNameWithPhoto, "student_id") == "S1");
  CHECK(Evidence(d, pg::ReasonCode::kOptedOutNameWithPhoto, "source") == "caption");
  CHECK(Evidence(d, pg::ReasonCode::kOptedOutNameWithPhoto, "name") == "Maya Okafor");
}

TEST_CASE_METHOD(DecideFixture, "name with a photo needs student+parent permission for this school year",
                 "[decide]") {
  Face();
  ctx.allow_unchecked_faces = true;
  SECTION("no permission blocks") {
    Name("S2", "Lucas Ferreira");
    auto d = pg::Decide(rec, ctx);
    CHECK(d.verdict == pg::Verdict::kBlock);
    CHECK(HasReason(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission));
    CHECK(Evidence(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission, "permission") == "none");
  }
  SECTION("permission for this year publishes") {
    Name("S3", "Sofia Nunez");
    auto d = pg::Decide(rec, ctx);
    CHECK(d.verdict == pg::Verdict::kPublish);
  }
  SECTION("last year's permission blocks") {
    Name("S4", "Ethan Park");
    auto d = pg::Decide(rec, ctx);
    CHECK(d.verdict == pg::Verdict::kBlock);
    CHECK(Evidence(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission, "permission_school_year") == "2025-26");
  }
  SECTION("parent-only permission blocks") {
    Name("S5", "Ana Lee");
    auto d = pg::Decide(rec, ctx);
    CHECK(d.verdict == pg::Verdict::kBlock);
  }
}

TEST_CASE_METHOD(DecideFixture, "student work with a name needs permission even without faces", "[decide]") {
  rec.input.kind = pg::ItemKind::kStudentWork;
  Name("S2", "Lucas Ferreira", "alt_text");
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kBlock);
  CHECK(HasReason(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission));
}

TEST_CASE_METHOD(DecideFixture, "name on a photo where no face was found goes to review", "[decide]") {
  Name("S1", "Maya Okafor");
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kReview);
  CHECK(HasReason(d, pg::ReasonCode::kNameWithPhotoNoFaceFound));
}

TEST_CASE_METHOD(DecideFixture, "faces without recognition go to review unless allowed", "[decide]") {
  Face();
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kReview);
  CHECK(HasReason(d, pg::ReasonCode::kFacesUnchecked));
  CHECK(Evidence(d, pg::ReasonCode::kFacesUnchecked, "boxes") == "50x50 at (10,20)");
  ctx.allow_unchecked_faces = true;
  CHECK(pg::Decide(rec, ctx).verdict == pg::Verdict::kPublish);
}

TEST_CASE_METHOD(DecideFixture, "no directory means review, never publish", "[decide]") {
  ctx.students = nullptr;
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kReview);
  CHECK(HasReason(d, pg::ReasonCode::kDirectoryUnavailable));
}

TEST_CASE_METHOD(DecideFixture, "stage problems fail closed to review", "[decide]") {
  rec.problems.push_back({pg::ReasonCode::kUndecodable, "a.jpg: premature end of data"});
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kReview);
  CHECK(HasReason(d, pg::ReasonCode::kUndecodable));
}

TEST_CASE_METHOD(DecideFixture, "an item without a verified sanitized copy is not published", "[decide]") {
  rec.sanitized->verified = false;
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kReview);
  CHECK(HasReason(d, pg::ReasonCode::kUnverifiedOutput));
  rec.sanitized.reset();
  CHECK(pg::Decide(rec, ctx).verdict == pg::Verdict::kReview);
}

TEST_CASE_METHOD(DecideFixture, "block outranks review and every reason is kept", "[decide]") {
  Face();
  Name("S1", "Maya Okafor");
  Name("S2", "Lucas Ferreira", "file_name");
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kBlock);
  CHECK(HasReason(d, pg::ReasonCode::kOptedOutNameWithPhoto));
  CHECK(HasReason(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission));
  CHECK(HasReason(d, pg::ReasonCode::kFacesUnchecked));
}

TEST_CASE_METHOD(DecideFixture, "the same student named twice gives one reason", "[decide]") {
  Face();
  ctx.allow_unchecked_faces = true;
  Name("S2", "Lucas Ferreira", "caption");
  Name("S2", "Lucas Ferreira", "alt_text");
  auto d = pg::Decide(rec, ctx);
  CHECK(d.reasons.size() == 1);
}

namespace {

/// Decide with recognition on: thresholds as in Options, every face given a match.
struct RecognitionFixture : DecideFixture {
  RecognitionFixture() {
    ctx.recognition_available = true;
    ctx.match_threshold = 0.50;
    ctx.uncertain_threshold = 0.65;
    ctx.min_face_px = 40;
  }
  void MatchedFace(pg::MatchStatus status, const std::string& id, double distance,
                   pg::Box box = {10, 20, 50, 50}) {
    pg::FaceFact f;
    f.box = box;
    f.match = pg::FaceMatch{status, id, distance};
    rec.faces.push_back(f);
  }
};

}  // namespace

TEST_CASE_METHOD(RecognitionFixture, "a face confidently matched to an opted-out student blocks, with evidence",
                 "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kOptedOut, "S1", 0.42);
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kBlock);
  REQUIRE(HasReason(d, pg::ReasonCode::kOptedOutStudentInPhoto));
  CHECK(Evidence(d, pg::ReasonCode::kOptedOutStudentInPhoto, "student_id") == "S1");
  CHECK(Evidence(d, pg::ReasonCode::kOptedOutStudentInPhoto, "face") == "50x50 at (10,20)");
  CHECK(Evidence(d, pg::ReasonCode::kOptedOutStudentInPhoto, "distance") == "0.42");
  CHECK(Evidence(d, pg::ReasonCode::kOptedOutStudentInPhoto, "threshold") == "0.50");
  CHECK_FALSE(HasReason(d, pg::ReasonCode::kFacesUnchecked));
}

TEST_CASE_METHOD(RecognitionFixture, "a face found in the photo turned says so in the verdict's evidence",
                 "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kOptedOut, "S1", 0.42, {10, 20, 50, 60});
  rec.faces.back().quarter_turns = 1;
  MatchedFace(pg::MatchStatus::kUncertain, "S3", 0.58, {200, 20, 50, 60});
  rec.faces.back().quarter_turns = 3;
  auto d = pg::Decide(rec, ctx);
  CHECK(Evidence(d, pg::ReasonCode::kOptedOutStudentInPhoto, "face") == "50x60 at (10,20) (found turned 90\u00b0)");
  CHECK(Evidence(d, pg::ReasonCode::kUncertainFaceMatch, "face") == "50x60 at (200,20) (found turned 270\u00b0)");
  for (const auto& r : d.reasons) {
    if (r.code == pg::ReasonCode::kOptedOutStudentInPhoto) CHECK_THAT(r.message, Catch::Contains("(found turned 90\u00b0) matches"));
  }
  ctx.recognition_available = false;
  CHECK_THAT(Evidence(pg::Decide(rec, ctx), pg::ReasonCode::kFacesUnchecked, "boxes"),
             Catch::Contains("50x60 at (10,20) (found turned 90\u00b0)"));
}

TEST_CASE_METHOD(RecognitionFixture, "a face in the uncertain band of an opted-out student goes to review",
                 "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kUncertain, "S1", 0.58);
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kReview);
  REQUIRE(HasReason(d, pg::ReasonCode::kUncertainFaceMatch));
  CHECK(Evidence(d, pg::ReasonCode::kUncertainFaceMatch, "student_id") == "S1");
  CHECK(Evidence(d, pg::ReasonCode::kUncertainFaceMatch, "band") == "0.50 < distance <= 0.65");
}

TEST_CASE_METHOD(RecognitionFixture, "faces that clearly match nobody publish", "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kNoMatch, "", 0.9);
  MatchedFace(pg::MatchStatus::kMatched, "S2", 0.3, {100, 20, 50, 50});  // a student with no opt-out, not named
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kPublish);
  CHECK(d.reasons.empty());
}

TEST_CASE_METHOD(RecognitionFixture, "a face too small to recognise goes to review unless allowed",
                 "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kTooSmall, "", 0.0, {5, 5, 30, 30});
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kReview);
  REQUIRE(HasReason(d, pg::ReasonCode::kFaceTooSmallToRecognise));
  CHECK(Evidence(d, pg::ReasonCode::kFaceTooSmallToRecognise, "boxes") == "30x30 at (5,5)");
  CHECK(Evidence(d, pg::ReasonCode::kFaceTooSmallToRecognise, "min_face_px") == "40");
  ctx.allow_small_faces = true;
  CHECK(pg::Decide(rec, ctx).verdict == pg::Verdict::kPublish);
}

TEST_CASE_METHOD(RecognitionFixture, "a recognised face with the student's name is a pairing, with face evidence",
                 "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kMatched, "S2", 0.31);
  Name("S2", "Lucas Ferreira");
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kBlock);
  REQUIRE(HasReason(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission));
  CHECK(Evidence(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission, "face") == "50x50 at (10,20)");
  CHECK(Evidence(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission, "distance") == "0.31");
  CHECK(d.reasons.size() == 1);
}

TEST_CASE_METHOD(RecognitionFixture, "a recognised face makes even the first name alone a pairing",
                 "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kMatched, "S2", 0.31);
  SECTION("in the caption") {
    GivenName("S2", "Lucas");
    auto d = pg::Decide(rec, ctx);
    CHECK(d.verdict == pg::Verdict::kBlock);
    REQUIRE(HasReason(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission));
    CHECK(Evidence(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission, "name") == "Lucas");
    CHECK(Evidence(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission, "source") == "caption");
    CHECK(Evidence(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission, "matched_by") == "face recognition");
    CHECK(Evidence(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission, "face") == "50x50 at (10,20)");
  }
  SECTION("in any source") {
    GivenName("S2", "Luke", "exif:ImageDescription");
    CHECK(pg::Decide(rec, ctx).verdict == pg::Verdict::kBlock);
    CHECK(Evidence(pg::Decide(rec, ctx), pg::ReasonCode::kNamePhotoPairingWithoutPermission, "source") ==
          "exif:ImageDescription");
  }
  SECTION("another student's given name is not theirs") {
    GivenName("S5", "Ana");
    CHECK(pg::Decide(rec, ctx).verdict == pg::Verdict::kPublish);
  }
  SECTION("a student with permission for this year may be named") {
    rec.faces[0].match->student_id = "S3";
    GivenName("S3", "Sofia");
    CHECK(pg::Decide(rec, ctx).verdict == pg::Verdict::kPublish);
  }
  SECTION("a face only uncertainly like the student does not make the name theirs") {
    rec.faces[0].match = pg::FaceMatch{pg::MatchStatus::kUncertain, "S2", 0.58};
    GivenName("S2", "Lucas");
    CHECK_FALSE(HasReason(pg::Decide(rec, ctx), pg::ReasonCode::kNamePhotoPairingWithoutPermission));
  }
  SECTION("one reason per student: the full name's wins") {
    Name("S2", "Lucas Ferreira", "alt_text");
    GivenName("S2", "Lucas");
    auto d = pg::Decide(rec, ctx);
    CHECK(d.reasons.size() == 1);
    CHECK(Evidence(d, pg::ReasonCode::kNamePhotoPairingWithoutPermission, "name") == "Lucas Ferreira");
  }
}

TEST_CASE_METHOD(RecognitionFixture,
                 "an opted-out student's first name beside their recognised face blocks as their name",
                 "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kOptedOut, "S1", 0.42);
  GivenName("S1", "Maya");
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kBlock);
  REQUIRE(HasReason(d, pg::ReasonCode::kOptedOutNameWithPhoto));
  CHECK(Evidence(d, pg::ReasonCode::kOptedOutNameWithPhoto, "name") == "Maya");
  CHECK(Evidence(d, pg::ReasonCode::kOptedOutNameWithPhoto, "matched_by") == "face recognition");
  CHECK(HasReason(d, pg::ReasonCode::kOptedOutStudentInPhoto));
}

TEST_CASE_METHOD(RecognitionFixture, "decide reads the names stage's facts, never the texts themselves",
                 "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kMatched, "S2", 0.31);
  rec.input.caption = "Lucas scores the winning goal!";
  rec.input.rel_path = "sports/LUCAS_goal.jpg";
  CHECK(pg::Decide(rec, ctx).verdict == pg::Verdict::kPublish);  // no fact: nothing named
  rec.faces.clear();
  MatchedFace(pg::MatchStatus::kNoMatch, "", 0.9);
  GivenName("S2", "Lucas");  // a given name without the face: nobody in particular
  CHECK(pg::Decide(rec, ctx).verdict == pg::Verdict::kPublish);
}

TEST_CASE_METHOD(RecognitionFixture, "opted-out students not enrolled leave faces unchecked",
                 "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kNoMatch, "", 0.9);
  ctx.opted_out_not_enrolled = {"S1"};
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kReview);
  REQUIRE(HasReason(d, pg::ReasonCode::kFacesUnchecked));
  CHECK(Evidence(d, pg::ReasonCode::kFacesUnchecked, "students_not_enrolled") == "S1");
  ctx.allow_unchecked_faces = true;
  CHECK(pg::Decide(rec, ctx).verdict == pg::Verdict::kPublish);
  rec.faces.clear();  // no faces: nothing to check
  ctx.allow_unchecked_faces = false;
  CHECK(pg::Decide(rec, ctx).verdict == pg::Verdict::kPublish);
}

TEST_CASE_METHOD(RecognitionFixture, "expired references of opted-out students send faces to review",
                 "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kNoMatch, "", 0.9);
  ctx.expired_opted_out = {"S1"};
  ctx.allow_unchecked_faces = true;  // does not excuse stale references
  auto d = pg::Decide(rec, ctx);
  CHECK(d.verdict == pg::Verdict::kReview);
  REQUIRE(HasReason(d, pg::ReasonCode::kStaleEnrolment));
  CHECK(Evidence(d, pg::ReasonCode::kStaleEnrolment, "students") == "S1");
}

TEST_CASE_METHOD(RecognitionFixture, "faces_unchecked only when recognition did not run", "[decide][matching]") {
  MatchedFace(pg::MatchStatus::kNoMatch, "", 0.9);
  CHECK_FALSE(HasReason(pg::Decide(rec, ctx), pg::ReasonCode::kFacesUnchecked));
  ctx.recognition_available = false;
  CHECK(HasReason(pg::Decide(rec, ctx), pg::ReasonCode::kFacesUnchecked));
}
